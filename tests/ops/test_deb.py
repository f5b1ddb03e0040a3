"""test_deb.py - `make deb`: the Debian package of this tree builds with dpkg-buildpackage
(the hardening build flags on, lintian finding no error or warning), holds what an operator
expects where Debian keeps it (the binary, man pages, completion, the systemd units, the
configuration as a conffile, the docs), names the libraries it needs, makes its system user on
install, and its binary, taken out of the package, runs: it checks the packaged configuration
and serves the API and the UI."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import ROOT, eq, free_port, run_all, test  # noqa: E402

_built = {}


def package():
    """The .deb, built once for the suite."""
    if "deb" not in _built:
        p = subprocess.run(["make", "--no-print-directory", "_deb"], cwd=ROOT,
                           capture_output=True, text=True, timeout=1800)
        assert p.returncode == 0, f"make deb: {p.stdout[-3000:]}{p.stderr[-3000:]}"
        version = open(os.path.join(ROOT, "debian/changelog")).readline().split("(")[1].split(")")[0]
        debs = [f for f in os.listdir(os.path.join(ROOT, "build"))
                if f.startswith(f"salespm_{version}_") and f.endswith(".deb")]
        eq(len(debs), 1, f"one package: {debs}")
        _built["deb"] = os.path.join(ROOT, "build", debs[0])
        _built["version"] = version
        _built["out"] = p.stdout + p.stderr
    return _built["deb"]


@test
def the_package_builds_and_lintian_finds_nothing_to_warn_about():
    deb = package()
    assert re.search(r"salespm_\d+\.\d+\.\d+_amd64\.deb$", deb), deb
    # lintian ran with --fail-on error,warning inside make deb: no E: or W: line was printed
    assert not re.search(r"^[EW]: ", _built["out"], re.M), _built["out"][-2000:]


@test
def it_holds_what_an_operator_expects_where_debian_keeps_it():
    deb = package()
    listing = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True,
                             check=True).stdout
    paths = {ln.split()[-1].lstrip(".") for ln in listing.splitlines()}
    for want in ("/usr/bin/salespm", "/usr/share/man/man1/salespm.1.gz",
                 "/usr/share/man/man1/salespm-sale.1.gz", "/usr/share/man/man1/salespm-serve.1.gz",
                 "/usr/share/bash-completion/completions/salespm",
                 "/usr/share/zsh/vendor-completions/_salespm",
                 "/lib/systemd/system/salespm.service", "/lib/systemd/system/salespm-backup.service",
                 "/lib/systemd/system/salespm-backup.timer", "/etc/salespm/salespm.conf",
                 "/usr/share/doc/salespm/operations.md.gz", "/usr/share/doc/salespm/copyright"):
        assert want in paths, f"{want} in the package"
    info = subprocess.run(["dpkg-deb", "-I", deb], capture_output=True, text=True,
                          check=True).stdout
    fields = dict(re.findall(r"^ ([A-Z][\w-]+): (.*)$", info, re.M))
    eq((fields["Package"], fields["Version"], fields["Architecture"]),
       ("salespm", _built["version"], "amd64"), "the package")
    for lib in ("libmicrohttpd12", "libsqlite3-0", "libsodium23", "libjansson4", "adduser"):
        assert lib in fields["Depends"], f"depends on {lib}: {fields['Depends']}"
    work = tempfile.mkdtemp(prefix="salespm-deb-")
    try:
        subprocess.run(["dpkg-deb", "-e", deb, work], check=True)
        eq(open(os.path.join(work, "conffiles")).read().split(), ["/etc/salespm/salespm.conf"],
           "the configuration is a conffile")
        postinst = open(os.path.join(work, "postinst")).read()
        assert "adduser --system" in postinst and "/var/lib/salespm" in postinst, postinst
        assert "deb-systemd-helper" in postinst, "the units enabled through dh_installsystemd"
    finally:
        shutil.rmtree(work)


@test
def its_binary_runs_checks_its_configuration_and_serves():
    deb = package()
    root = tempfile.mkdtemp(prefix="salespm-deb-root-")
    try:
        subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
        binary = os.path.join(root, "usr/bin/salespm")
        eq(subprocess.run([binary, "--version"], capture_output=True, text=True).stdout,
           f"salespm {_built['version']}\n", "the packaged binary runs")
        elf = subprocess.run(["readelf", "-h", "-d", binary], capture_output=True, text=True,
                             check=True).stdout
        assert re.search(r"Type:\s+DYN", elf), "built as a position-independent executable"
        assert "BIND_NOW" in elf or "NOW" in elf, "full RELRO"
        conf = os.path.join(root, "etc/salespm/salespm.conf")
        env = dict(os.environ)
        env.pop("SALESPM_DB", None)
        p = subprocess.run([binary, "config", "check", conf], capture_output=True, text=True,
                           env=env)
        eq((p.returncode, p.stdout.strip()), (0, f"{conf}: no problems"), "the packaged conf")
        db = os.path.join(root, "t.db")
        pw = os.path.join(root, "pw")
        with open(pw, "w") as f:
            f.write("packaged-admin-1\n")
        subprocess.run([binary, "--db", db, "init", "--password-file", pw], check=True,
                       capture_output=True, env=env)
        port = free_port()
        srv = subprocess.Popen([binary, "--db", db, "serve", "--listen", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        try:
            deadline = time.time() + 20
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=2) as r:
                        eq(r.status, 200, "livez")
                        break
                except OSError:
                    assert time.time() < deadline and srv.poll() is None, "serves"
                    time.sleep(0.05)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                assert b"<html" in r.read().lower(), "the UI built in"
        finally:
            srv.terminate()
            srv.wait(timeout=20)
    finally:
        shutil.rmtree(root)


if __name__ == "__main__":
    run_all()
