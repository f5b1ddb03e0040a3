"""harness.py - a tiny test harness for salespm's CLI and HTTP scenario tests.

Standard library only. Each test is a function decorated with @test; it gets a
fresh Workspace (a temporary directory with its own database). run_all()
prints one line per test and ends with "N passed, N failed".
"""
import json
import os
import subprocess
import sys
import tempfile
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("SALESPM_BIN") or os.path.join(ROOT, "build", "debug", "salespm")

_tests = []


def test(fn):
    _tests.append(fn)
    return fn


class Result:
    def __init__(self, args, proc):
        self.args = args
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self):
        try:
            return json.loads(self.out)
        except ValueError as e:
            raise AssertionError(f"not JSON from {self.args}: {e}\n{self.out[:500]}")

    def __repr__(self):
        return f"<exit {self.code}: out={self.out[:300]!r} err={self.err[:300]!r}>"


class Workspace:
    """A temporary directory with a database path; run() calls the binary."""

    def __init__(self, init=True, today=None):
        self.dir = tempfile.mkdtemp(prefix="salespm-test-")
        self.db = os.path.join(self.dir, "t.db")
        self.env = dict(os.environ)
        self.env.pop("SALESPM_DB", None)
        if today:
            self.env["SALESPM_TODAY"] = today
        if init:
            self.write("admin.pw", "admin-secret-1\n")
            self.ok("init", "--currency", "CNY", "--timezone", "Asia/Shanghai",
                    "--admin", "admin", "--password-file", self.path("admin.pw"))

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text, mode="w"):
        p = self.path(name)
        with open(p, mode, encoding=None if "b" in mode else "utf-8", newline="") as f:
            f.write(text)
        return p

    def read(self, name):
        with open(self.path(name), encoding="utf-8", newline="") as f:
            return f.read()

    def run(self, *args, as_=None, stdin=None, json_out=False):
        argv = [BIN, "--db", self.db]
        if as_:
            argv += ["--as", as_]
        if json_out:
            argv.append("--json")
        argv += [str(a) for a in args]
        proc = subprocess.run(argv, input=stdin, capture_output=True, text=True,
                              env=self.env, timeout=600)
        return Result(argv, proc)

    def ok(self, *args, **kw):
        r = self.run(*args, **kw)
        if r.code != 0:
            raise AssertionError(f"expected success from {' '.join(r.args[3:])}: {r}")
        return r

    def js(self, *args, **kw):
        """Run with --json, expect success, return the parsed output."""
        return self.ok(*args, json_out=True, **kw).json()

    def fail(self, *args, code=None, contains=None, **kw):
        r = self.run(*args, **kw)
        if r.code == 0:
            raise AssertionError(f"expected failure from {' '.join(r.args[3:])}: {r}")
        if code is not None and r.code != code:
            raise AssertionError(f"expected exit {code}, got {r.code}: {r}")
        if contains is not None and contains not in r.err:
            raise AssertionError(f"expected {contains!r} in stderr: {r.err!r}")
        return r


def eq(actual, expected, what=""):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


def run_all():
    only = sys.argv[1:] 
    passed = failed = 0
    for fn in _tests:
        if only and fn.__name__ not in only:
            continue
        try:
            fn()
            passed += 1
            print(f"ok   {fn.__name__}")
        except Exception:
            failed += 1
            print(f"FAIL {fn.__name__}")
            traceback.print_exc(file=sys.stdout)
        sys.stdout.flush()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
