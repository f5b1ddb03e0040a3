"""harness.py - a tiny test harness for salespm's CLI and HTTP scenario tests.

Standard library only. Each test is a function decorated with @test; it gets a
fresh Workspace (a temporary directory with its own database). run_all()
prints one line per test and ends with "N passed, N failed".
"""
import atexit
import json
import shutil
import os
import subprocess
import sys
import tempfile
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("SALESPM_BIN") or os.path.join(ROOT, "build", "debug", "salespm")
# "sqlite" (a file per test) or "postgresql" (a database per test on a throwaway server)
BACKEND = os.environ.get("SALESPM_TEST_BACKEND", "sqlite")
ADMIN_PW = "admin-secret-1"  # the admin's password in every Workspace()

_tests = []


def pw(login):
    """The password of a user a test made: the admin's of Workspace(), and for the others
    the one tests/lib/fixture.py gives them."""
    return ADMIN_PW if login == "admin" else f"{login}-password-1"


def test(fn):
    _tests.append(fn)
    return fn


def sqlite_only(fn):
    """A test of what only the SQLite backend does (its file, VACUUM INTO backups)."""
    fn.sqlite_only = True
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


INIT_ARGS = ("init", "--currency", "CNY", "--timezone", "Asia/Shanghai", "--admin", "admin")
_initialized = {}


def _initialized_template(c):
    """The name of a database of cluster c that `init` (INIT_ARGS) made once, for copies: a
    new PostgreSQL workspace is a copy of it (CREATE DATABASE ... TEMPLATE), not a fresh run
    of every migration (half a second each, a good part of a PostgreSQL suite's time)."""
    if id(c) not in _initialized:
        dsn = c.new_db()
        d = tempfile.mkdtemp(prefix="salespm-template-")
        atexit.register(shutil.rmtree, d, True)
        pw = os.path.join(d, "admin.pw")
        with open(pw, "w") as f:
            f.write(ADMIN_PW + "\n")
        env = {k: v for k, v in os.environ.items()
               if k not in ("SALESPM_DB", "SALESPM_TODAY", "SALESPM_NOW")}
        proc = subprocess.run([BIN, "--db", dsn, *INIT_ARGS, "--password-file", pw],
                              capture_output=True, text=True, env=env, timeout=600)
        if proc.returncode:
            raise AssertionError(f"init of the template database: {proc.stderr}")
        _initialized[id(c)] = dsn.rsplit("/", 1)[-1].split("?", 1)[0]
    return _initialized[id(c)]


class Workspace:
    """A temporary directory with a database path; run() calls the binary."""

    def __init__(self, init=True, today=None):
        self.dir = tempfile.mkdtemp(prefix="salespm-test-")
        atexit.register(shutil.rmtree, self.dir, True)
        copied = False
        if BACKEND == "postgresql":
            from pgserver import cluster
            c = cluster()
            if init:
                self.db = c.new_db(template=_initialized_template(c))
                copied = True
            else:
                self.db = c.new_db()
        else:
            self.db = os.path.join(self.dir, "t.db")
        self.env = dict(os.environ)
        self.env.setdefault("LIBC_FATAL_STDERR_", "1")  # glibc's fatal messages into the log
        self.env.pop("SALESPM_DB", None)
        if today:
            self.env["SALESPM_TODAY"] = today
        if init and copied:
            self.write("admin.pw", ADMIN_PW + "\n")
        elif init:
            self.write("admin.pw", ADMIN_PW + "\n")
            self.ok(*INIT_ARGS, "--password-file", self.path("admin.pw"))

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text, mode="w"):
        p = self.path(name)
        if "b" in mode:
            with open(p, mode) as f:
                f.write(text)
        else:
            with open(p, mode, encoding="utf-8", newline="") as f:
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
        r = Result(argv, proc)
        # every run: a sanitizer report on stderr (MODE=asan builds) fails the test
        if "runtime error:" in r.err or "Sanitizer" in r.err:
            raise AssertionError(f"sanitizer report from {' '.join(argv[3:])}:\n{r.err[-3000:]}")
        return r

    def ok(self, *args, **kw):
        r = self.run(*args, **kw)
        if r.code != 0:
            raise AssertionError(f"expected success from {' '.join(r.args[3:])}: {r}")
        return r

    def js(self, *args, **kw):
        """Run with --json, expect success, return the parsed output."""
        return self.ok(*args, json_out=True, **kw).json()

    def sql(self, statement, *params):
        """Run one SQL statement on the test's database, whichever backend: the rows it
        returns, as tuples (integers as int, the rest as str, NULL as None). params fill
        '?' placeholders (quoted here as literals for PostgreSQL's psql: test data only)."""
        if BACKEND == "postgresql":
            from pgserver import cluster
            text = statement
            for p in params:
                lit = "NULL" if p is None else (str(p) if isinstance(p, int) else
                                                "'" + str(p).replace("'", "''") + "'")
                text = text.replace("?", lit, 1)
            out = cluster().psql_rows(text, self.db.rsplit("/", 1)[1])
            return [tuple(None if v == "\\N" else int(v) if v.lstrip("-").isdigit() else v
                          for v in row) for row in out]
        import sqlite3
        con = sqlite3.connect(self.db, timeout=30)
        try:
            con.execute("PRAGMA foreign_keys=ON")
            rows = con.execute(statement, params).fetchall()
            con.commit()
            return [tuple(r) for r in rows]
        finally:
            con.close()

    def hold_write_lock(self):
        """A context in which another connection holds the database's write lock (SQLite's
        BEGIN IMMEDIATE; PostgreSQL's advisory lock of every write)."""
        return _WriteLock(self)

    def refusals(self, command, cases, **kw):
        """Each case (args, field, reason[, params]): `salespm *command *args --json` fails
        with an error naming field, and reason and params where given (None: not checked)."""
        for case in cases:
            args, field, reason = case[:3]
            r = self.fail(*command, *args, json_out=True, **kw)
            e = json.loads(r.err.strip().splitlines()[-1])["error"]
            eq(e["field"], field, f"field of {args}")
            if reason:
                eq(e["reason"], reason, f"reason of {args}")
            if len(case) > 3 and case[3] is not None:
                eq(e["params"], case[3], f"params of {args}")

    def fail(self, *args, code=None, contains=None, **kw):
        r = self.run(*args, **kw)
        if r.code == 0:
            raise AssertionError(f"expected failure from {' '.join(r.args[3:])}: {r}")
        if code is not None and r.code != code:
            raise AssertionError(f"expected exit {code}, got {r.code}: {r}")
        if contains is not None and contains not in r.err:
            raise AssertionError(f"expected {contains!r} in stderr: {r.err!r}")
        return r


class _WriteLock:
    def __init__(self, ws):
        self.ws = ws

    def __enter__(self):
        if BACKEND == "postgresql":
            from pgserver import cluster
            self.proc = cluster().session(self.ws.db.rsplit("/", 1)[1])
            # the lock every salespm write transaction takes first (src/store/pg.c)
            self.proc.stdin.write("BEGIN; SELECT pg_advisory_xact_lock(72577376); \\echo locked\n")
            self.proc.stdin.flush()
            while "locked" not in self.proc.stdout.readline():
                pass
        else:
            import sqlite3
            self.con = sqlite3.connect(self.ws.db, timeout=30, isolation_level=None)
            self.con.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, *exc):
        if BACKEND == "postgresql":
            self.proc.stdin.write("ROLLBACK;\n\\q\n")
            self.proc.stdin.flush()
            self.proc.wait(30)
        else:
            self.con.execute("ROLLBACK")
            self.con.close()
        return False


def eq(actual, expected, what=""):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


def run_all():
    only = sys.argv[1:] 
    passed = failed = 0
    for fn in _tests:
        if only and fn.__name__ not in only:
            continue
        if BACKEND != "sqlite" and getattr(fn, "sqlite_only", False):
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


# --- HTTP: a server per test and a client with cookie + CSRF handling --------

import http.client  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import time  # noqa: E402


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError as e:
            raise AssertionError(f"not JSON (status {self.status}): {e}\n{self.body[:500]!r}")

    def error(self):
        """The {"error":{...}} object of an error answer."""
        return self.json()["error"]

    def __repr__(self):
        return f"<HTTP {self.status}: {self.body[:300]!r}>"


_openapi = None


def served_routes():
    """[method, pattern] of every route the binary serves (`salespm serve --print-routes`)."""
    out = subprocess.run([BIN, "serve", "--print-routes"], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    return [ln.split()[:2] for ln in out.splitlines()]


def openapi():
    """The OpenAPI document the binary generates (openapi_check.Document), loaded once."""
    global _openapi
    if _openapi is None:
        from openapi_check import Document
        out = subprocess.run([BIN, "serve", "--print-openapi"], capture_output=True, check=True,
                             timeout=60).stdout
        _openapi = Document(json.loads(out))
    return _openapi


class Client:
    """Talks to one Server; keeps the session cookie and the CSRF token. Every answer
    under /api/v1/ is checked against the OpenAPI document: an undocumented status, a
    content type or a body off the schema of its operation fails the test that caused it
    (SALESPM_OPENAPI_CHECK=0 turns the check off)."""

    check_openapi = os.environ.get("SALESPM_OPENAPI_CHECK", "1") != "0"

    def __init__(self, server):
        self.server = server
        self.cookie = None
        self.csrf = None
        self.token = None  # an API token: sent as Authorization: Bearer

    def request(self, method, path, body=None, headers=None, raw=None,
                content_type="application/json", csrf=True):
        hdrs = {}
        data = None
        if raw is not None:
            data = raw
        elif body is not None:
            data = json.dumps(body).encode()
        if data is not None and content_type:
            hdrs["Content-Type"] = content_type
        if self.cookie:
            hdrs["Cookie"] = f"salespm_session={self.cookie}"
        if self.token:
            hdrs["Authorization"] = f"Bearer {self.token}"
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            hdrs["X-CSRF-Token"] = self.csrf
        hdrs.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        try:
            conn.request(method, path, body=data, headers=hdrs)
            r = conn.getresponse()
            resp = Response(r.status, r.getheaders(), r.read())
        finally:
            conn.close()
        if self.check_openapi and method != "HEAD":
            body = resp.body
            if (resp.header("Content-Encoding") or "").lower() == "gzip":
                import gzip
                body = gzip.decompress(body)  # the document describes the content, not its coding
            problems = openapi().check(method, path, resp.status, resp.header("Content-Type"),
                                       body)
            if problems:
                raise AssertionError("the answer is not what the OpenAPI document says:\n  "
                                     + "\n  ".join(problems[:10]) + f"\n{resp!r}")
        for v in resp.header_all("Set-Cookie"):
            if v.startswith("salespm_session="):
                val = v.split(";", 1)[0].split("=", 1)[1]
                self.cookie = val or None
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, body=None, **kw):
        return self.request("DELETE", path, body, **kw)

    def ok(self, method, path, body=None, status=None, **kw):
        """Send, expect a 2xx (or exactly status), return the parsed JSON."""
        r = self.request(method, path, body, **kw)
        if (status is not None and r.status != status) or (status is None and not 200 <= r.status < 300):
            raise AssertionError(f"{method} {path}: expected {status or '2xx'}, got {r}")
        return r.json()

    def login(self, login, password):
        r = self.post("/api/v1/session", {"login": login, "password": password})
        if r.status != 200:
            raise AssertionError(f"sign-in of {login} failed: {r}")
        self.csrf = r.json()["csrf_token"]
        return r.json()


class Server:
    """`salespm serve` on a free port of 127.0.0.1 over ws's database; stop() ends it."""

    def __init__(self, ws, *args, threads=2):
        self.ws = ws
        self.port = free_port()
        self.log_path = ws.path(f"server-{self.port}.log")
        self.log = open(self.log_path, "wb")
        argv = [BIN, "--db", ws.db, "serve", "--listen", f"127.0.0.1:{self.port}",
                "--threads", str(threads)] + [str(a) for a in args]
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=self.log, env=ws.env)
        deadline = time.time() + 20
        while True:
            try:
                r = self.client().get("/livez")
                if r.status == 200:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise AssertionError(f"salespm serve exited {self.proc.returncode}: "
                                     f"{self.read_log()}")
            if time.time() > deadline:
                self.proc.kill()
                raise AssertionError(f"salespm serve did not answer /livez: {self.read_log()}")
            time.sleep(0.02)

    def client(self, login=None, password=None):
        """A new client; signed in as login (with pw(login) unless password is given)."""
        c = Client(self)
        if login is not None:
            c.login(login, pw(login) if password is None else password)
        return c

    def read_log(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self, check=True):
        """SIGTERM and wait; with check, a non-zero exit or sanitizer report fails."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        log = self.read_log()
        if check and (self.proc.returncode != 0 or "Sanitizer" in log or "runtime error" in log):
            raise AssertionError(f"salespm serve exited {self.proc.returncode}:\n{log[-4000:]}")
        return log

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        self.stop(check=kind is None)
        return False
