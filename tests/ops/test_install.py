"""test_install.py - what an operator gets from `make install` (PREFIX, DESTDIR) and takes
away with `make uninstall`: the binary, salespm(1) and a man page per command group that say
what each command's --help says (and that man renders without a warning), and the bash and
zsh completion, tried in a real bash and a real zsh on a terminal.

The install runs the Makefile's own recipe (_install, which `make install` runs after the
build) on the binary under test, without rebuilding it (-o): other suites run it meanwhile.
What is expected is read independently from `salespm help` and each `--help`."""
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import BIN, ROOT, eq, run_all, test  # noqa: E402

BUILD = os.environ.get("SALESPM_BUILD") or os.path.dirname(BIN)
MODE = os.path.basename(BUILD.rstrip("/"))
REL_BIN = os.path.relpath(os.path.join(BUILD, "salespm"), ROOT)
_tmp = []


def tmpdir():
    d = tempfile.mkdtemp(prefix="salespm-install-")
    _tmp.append(d)
    return d


def make(target, dest, prefix="/usr"):
    p = subprocess.run(["make", "--no-print-directory", "-o", REL_BIN, target, f"MODE={MODE}",
                        f"DESTDIR={dest}", f"PREFIX={prefix}"], cwd=ROOT, capture_output=True,
                       text=True)
    assert p.returncode == 0, f"make {target}: {p.stdout}{p.stderr}"
    return p


def files_under(d):
    out = set()
    for base, _, names in os.walk(d):
        for n in names:
            out.add(os.path.relpath(os.path.join(base, n), d))
    return out


def help_commands():
    """The commands `salespm help` lists: [(noun, verb or None)]."""
    out = subprocess.run([BIN, "help"], capture_output=True, text=True, check=True).stdout
    block = out.split("commands:\n", 1)[1].split("\n\n", 1)[0]
    cmds = []
    for line in block.splitlines():
        words = line.split()
        # "  sale add   record one sale": a verb is a lower-case word right after the noun,
        # followed by two spaces before the summary
        m = re.match(r"^  (\S+)(?: (\S+))?\s{2,}\S", line)
        assert m, line
        cmds.append((m.group(1), m.group(2)))
        assert words
    return cmds


def groups():
    seen = []
    for noun, _ in help_commands():
        if noun not in seen:
            seen.append(noun)
    return seen


def installed():
    dest = tmpdir()
    make("_install", dest)
    return dest


def render(path):
    """A man page as man shows it (wide, no hyphenation), and its warnings."""
    env = dict(os.environ, MANWIDTH="250", LC_ALL="C.UTF-8")
    p = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l", path], capture_output=True,
                       text=True, env=env)
    eq(p.returncode, 0, f"man renders {path}: {p.stderr}")
    text = re.sub(r".\x08", "", p.stdout)  # overstrikes (bold, underline) taken off
    return text, p.stderr


def squash(s):
    return " ".join(s.split())


@test
def install_places_every_file_under_the_prefix_and_uninstall_takes_them_away():
    dest = installed()
    got = files_under(dest)
    want = {"usr/bin/salespm", "usr/share/bash-completion/completions/salespm",
            "usr/share/zsh/site-functions/_salespm", "usr/share/man/man1/salespm.1",
            "usr/share/doc/salespm/README.md", "usr/share/doc/salespm/guide.md",
            "usr/share/doc/salespm/openapi.json"}
    want |= {f"usr/share/man/man1/salespm-{g}.1" for g in groups()}
    missing = want - got
    assert not missing, f"not installed: {sorted(missing)}"
    extra = {f for f in got if f.startswith("usr/share/man/")} - want
    eq(extra, set(), "no man page beyond salespm(1) and one per command group")
    binary = os.path.join(dest, "usr/bin/salespm")
    assert os.access(binary, os.X_OK), "the binary is executable"
    eq(subprocess.run([binary, "--version"], capture_output=True, text=True).stdout,
       "salespm 0.1.0\n", "the installed binary runs")
    make("uninstall", dest)
    eq(files_under(dest), set(), "uninstall leaves no file behind")


@test
def the_prefix_decides_where_and_the_default_is_usr_local():
    dest = tmpdir()
    p = subprocess.run(["make", "--no-print-directory", "-o", REL_BIN, "_install",
                        f"MODE={MODE}", f"DESTDIR={dest}"], cwd=ROOT, capture_output=True,
                       text=True)
    eq(p.returncode, 0, p.stderr)
    assert "usr/local/bin/salespm" in files_under(dest), sorted(files_under(dest))[:5]
    dest2 = tmpdir()
    make("_install", dest2, prefix="/opt/salespm")
    assert "opt/salespm/share/man/man1/salespm-sale.1" in files_under(dest2)


@test
def each_man_page_says_what_help_says_without_a_warning():
    dest = installed()
    man1 = os.path.join(dest, "usr/share/man/man1")
    top, warn = render(os.path.join(man1, "salespm.1"))
    eq(warn, "", "salespm(1) renders without a warning")
    for g in groups():
        assert f"salespm-{g}(1)" in top, f"salespm(1) names salespm-{g}(1)"
    assert "--db DB" in top and "SALESPM_DB" in top, "global options and the environment"
    pages = {}
    for noun, verb in help_commands():
        if noun not in pages:
            pages[noun] = render(os.path.join(man1, f"salespm-{noun}.1"))
            eq(pages[noun][1], "", f"salespm-{noun}(1) renders without a warning")
        page = squash(pages[noun][0])
        argv = [BIN, noun] + ([verb] if verb else []) + ["--help"]
        helptext = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
        lines = helptext.splitlines()
        usage = lines[0][len("usage: "):]
        # the usage may wrap over lines in --help: up to the blank line
        k = 1
        while k < len(lines) and lines[k].strip():
            usage += " " + lines[k].strip()
            k += 1
        assert squash(usage) in page, f"salespm-{noun}(1) has the usage of {noun} {verb}"
        for line in lines[k:]:
            if line.strip() and line.strip() != "example:":
                assert squash(line) in page, \
                    f"salespm-{noun}(1) has {noun} {verb or ''}'s help line {line.strip()!r}"


def bash_complete(script, words):
    """COMPREPLY of salespm's bash completion for the command line words (the last one the
    word being completed), sorted."""
    prog = ("source \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); "
            "COMP_LINE=\"$*\"; _salespm; printf '%s\\n' \"${COMPREPLY[@]}\"")
    p = subprocess.run(["bash", "--norc", "-c", prog, "bash", script] + words,
                       capture_output=True, text=True)
    eq(p.returncode, 0, p.stderr)
    return sorted(x for x in p.stdout.splitlines() if x)


def verbs_of(noun):
    return sorted(v for n, v in help_commands() if n == noun and v)


def options_of(noun, verb):
    """The options a command's --help names, by its convention: those of its usage line,
    those that open a line of its details, and the other names such a line gives them
    ("(alias --unit-price)"); an option only mentioned in a sentence is another command's."""
    argv = [BIN, noun] + ([verb] if verb else []) + ["--help"]
    text = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    head, rest = text.split("\n\n", 1)
    details = rest.split("\n\n", 1)[1] if "\n\n" in rest else ""
    details = details.split("example:")[0]
    found = set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", head))
    for line in details.splitlines():
        m = re.match(r"^\s*(--[a-z][a-z0-9-]*)", line)
        if m:
            found.add(m.group(1))
            found |= set(re.findall(r"\(alias (--[a-z][a-z0-9-]*)\)", line))
    return sorted(found)


@test
def bash_completes_groups_commands_and_each_commands_options():
    script = os.path.join(installed(), "usr/share/bash-completion/completions/salespm")
    eq(bash_complete(script, ["salespm", "sa"]), ["sale"], "sa -> sale")
    eq(bash_complete(script, ["salespm", "sale", ""]), sorted(verbs_of("sale") + ["--help"]),
       "the verbs of sale")
    eq(bash_complete(script, ["salespm", "--db", "x.db", "deal", "mo"]), ["move"],
       "after a global option")
    for noun, verb in (("sale", "add"), ("serve", None), ("deal", "list"),
                       ("webhook", "add"), ("goal", "add")):
        words = ["salespm", noun] + ([verb] if verb else []) + ["--"]
        got = bash_complete(script, words)
        want = sorted(set(options_of(noun, verb)) | {"--json", "--help"})
        eq(got, want, f"the options of {noun} {verb or ''}")
    eq(bash_complete(script, ["salespm", "sale", "add", "P1", "--date", ""]), [],
       "a value is not completed with options (the shell falls back to file names)")
    eq(bash_complete(script, ["salespm", "sale", "import", "P1", "--d"]), ["--dry-run"],
       "a flag")


def zsh_tab(comp_dir, typed):
    """What an interactive zsh shows on its command line after typed and a TAB, with
    salespm's completion in its fpath."""
    home = tmpdir()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe("zsh", ["zsh", "-f", "-i"],
                   {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TERM": "xterm",
                    "HOME": home, "LANG": "C.UTF-8"})
    out = b""

    def read(until, secs=8):
        nonlocal out
        end = time.monotonic() + secs
        while time.monotonic() < end and until not in out:
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    break
        return until in out

    try:
        os.write(fd, (f"fpath=({comp_dir} $fpath); autoload -U compinit; compinit -u; "
                      "PS1='READY> '\n").encode())
        assert read(b"READY> "), f"zsh never got ready: {out[-300:]!r}"
        out = b""
        os.write(fd, typed.encode() + b"\t")
        time.sleep(1.0)
        read(b"\x00", 1)
        shown = out.decode("utf-8", "replace")
        os.write(fd, b"\x03exit\n")
        return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)
    finally:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)


@test
def zsh_completes_in_a_real_zsh_on_a_terminal():
    if not shutil.which("zsh"):
        raise AssertionError("zsh is not installed (scripts/deps installs it)")
    comp = os.path.join(installed(), "usr/share/zsh/site-functions")
    p = subprocess.run(["zsh", "-n", os.path.join(comp, "_salespm")], capture_output=True,
                       text=True)
    eq((p.returncode, p.stderr), (0, ""), "the script parses")
    assert "sale add" in zsh_tab(comp, "salespm sale ad"), "sale ad<TAB> -> sale add"
    assert "--quantity" in zsh_tab(comp, "salespm sale add P1 --quan"), "an option"
    shown = zsh_tab(comp, "salespm meet")
    assert "salespm meeting" in shown, f"a group: {shown!r}"


if __name__ == "__main__":
    try:
        run_all()
    finally:
        for d in _tmp:
            shutil.rmtree(d, ignore_errors=True)
