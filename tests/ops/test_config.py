"""test_config.py - the configuration an operator writes (salespm.conf), as `salespm config
check` and `salespm config show` report it and as the commands and the server obey it: each
problem named with its file and line; the file, then the SALESPM_* variables, then the flags,
each winning over the one before; a database password never shown; a broken file stops a
command before it touches anything. The file is named by --config or $SALESPM_CONFIG (the
default, /etc/salespm/salespm.conf, is the packaged one)."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import BIN, Workspace, eq, free_port, run_all, test  # noqa: E402


def salespm(ws, *args, env=None, conf=None):
    e = dict(ws.env)
    e.update(env or {})
    argv = [BIN] + (["--config", conf] if conf else []) + [str(a) for a in args]
    return subprocess.run(argv, capture_output=True, text=True, env=e, timeout=60)


@test
def check_names_each_problem_with_its_file_and_line():
    ws = Workspace(init=False)
    conf = ws.write("salespm.conf", "\n".join([
        "# salespm for the east region",                 # 1
        "listen = 127.0.0.1:8088",                        # 2
        "threads = lots",                                 # 3
        "listn = 0.0.0.0:80",                             # 4
        "",                                               # 5
        "log_format = xml",                               # 6
        "listen = 127.0.0.1:9000",                        # 7
        "wal_limit_mb = 70000",                           # 8
        "just some words",                                # 9
        'public_url = "https://sales.example.com',        # 10
        "events_ping = 30",                               # 11
    ]) + "\n")
    r = salespm(ws, "config", "check", conf)
    eq(r.returncode, 65, f"bad data: {r.stdout}{r.stderr}")
    want = [f"{conf}:3: threads must be a whole number from 1 to 256, not \"lots\"",
            f"{conf}:4: unknown setting \"listn\" (did you mean listen?)",
            f"{conf}:6: log_format is one of logfmt|json, not \"xml\"",
            f"{conf}:7: listen is set again (first on line 2)",
            f"{conf}:8: wal_limit_mb must be a whole number from 1 to 65536, not \"70000\"",
            f"{conf}:9: \"just some words\" is not a setting: write key = value",
            f"{conf}:10: the value of public_url opens a quote it does not close"]
    got = r.stderr.splitlines()
    eq(got[:-1], want, "each problem, in file order, with its line")
    eq(got[-1], "salespm: 7 problems in the configuration", "the count")
    # the same file through $SALESPM_CONFIG, and a variable of the environment checked too
    r = salespm(ws, "config", "check", env={"SALESPM_CONFIG": conf, "SALESPM_THREADS": "0"})
    assert "$SALESPM_THREADS: threads must be a whole number from 1 to 256" in r.stderr, r.stderr
    eq(r.returncode, 65, "still bad")
    good = ws.write("good.conf", "# nothing wrong\nlisten = 127.0.0.1:8088\nthreads = 4\n"
                                 'log_format = "json"\n')
    r = salespm(ws, "config", "check", good)
    eq((r.returncode, r.stdout.strip()), (0, f"{good}: no problems"), "a good file")
    r = salespm(ws, "config", "check", ws.path("missing.conf"))
    assert r.returncode != 0 and "missing.conf" in r.stderr, r.stderr


@test
def show_says_what_is_in_force_and_from_where_with_the_password_masked():
    ws = Workspace(init=False)
    conf = ws.write("salespm.conf", "listen = 127.0.0.1:8088\nthreads = 3\n"
                    "database = postgresql://sales:s3cr3t-pw@db.internal/sales\n")
    r = salespm(ws, "--json", "config", "show", conf=conf, env={"SALESPM_THREADS": "6"})
    eq(r.returncode, 0, r.stderr)
    assert "s3cr3t-pw" not in r.stdout, "the password is never shown"
    doc = json.loads(r.stdout)
    eq(doc["file"], conf, "the file read")
    got = {s["key"]: (s["value"], s["from"]) for s in doc["settings"]}
    eq(got["database"], ("postgresql://sales:****@db.internal/sales", f"{conf}:3"), "database")
    eq(got["listen"], ("127.0.0.1:8088", f"{conf}:1"), "listen from the file")
    eq(got["threads"], ("6", "$SALESPM_THREADS"), "the environment over the file")
    eq(got["log_format"], (None, "default"), "not set: the default")
    r = salespm(ws, "--db", ws.path("other.db"), "config", "show", conf=conf)
    line = [ln for ln in r.stdout.splitlines() if ln.startswith("database = ")][0]
    assert line.startswith(f"database = {ws.path('other.db')}  # --db"), line
    r = salespm(ws, "config", "show", conf=conf)
    assert "s3cr3t-pw" not in r.stdout and "sales:****@" in r.stdout, r.stdout


@test
def the_database_of_the_file_is_used_unless_the_environment_or_a_flag_names_another():
    ws = Workspace()  # its database: ws.db, with a workspace
    other = Workspace()
    conf = ws.write("salespm.conf", f"database = {ws.db}\n")
    env = {"SALESPM_DB": ""}
    r = salespm(ws, "project", "create", "FROMCONF", "--name", "from the file",
                "--start", "2026-01-01", "--end", "2026-12-31", conf=conf, env=env)
    eq(r.returncode, 0, r.stderr)
    eq([p["code"] for p in ws.js("project", "list")["projects"]], ["FROMCONF"],
       "written to the file's database")
    r = salespm(ws, "--json", "project", "list", conf=conf, env={"SALESPM_DB": other.db})
    eq(json.loads(r.stdout)["projects"], [], "the environment's database over the file's")
    r = salespm(ws, "--db", other.db, "--json", "project", "list", conf=conf, env=env)
    eq(json.loads(r.stdout)["projects"], [], "the flag's over the file's")


@test
def a_broken_file_stops_every_command_before_it_touches_anything():
    ws = Workspace()
    conf = ws.write("salespm.conf", "threads = many\n")
    r = salespm(ws, "--db", ws.db, "project", "create", "NOPE", "--name", "x",
                "--start", "2026-01-01", "--end", "2026-12-31", conf=conf)
    eq(r.returncode, 65, r.stderr)
    assert f"{conf}:1: threads must be" in r.stderr, r.stderr
    assert "see `salespm config check`" in r.stderr, r.stderr
    eq(ws.js("project", "list")["projects"], [], "nothing was written")


def answers(port, path="/livez"):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def serve(ws, conf, *args, env=None):
    e = dict(ws.env)
    e.update(env or {})
    log = open(ws.path(f"serve-{time.time()}.log"), "wb")
    return subprocess.Popen([BIN, "--config", conf, "--db", ws.db, "serve"] + list(args),
                            stdout=log, stderr=log, env=e), log.name


def until_up(port, proc, secs=20):
    end = time.time() + secs
    while time.time() < end:
        if answers(port):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.05)
    return False


@test
def the_server_listens_and_logs_as_the_file_the_environment_and_the_flags_say():
    ws = Workspace()
    p1, p2, p3 = free_port(), free_port(), free_port()
    conf = ws.write("salespm.conf", f"listen = 127.0.0.1:{p1}\nlog_format = json\n"
                                    "threads = 2\n")
    for env, args, port in (({}, [], p1),
                            ({"SALESPM_LISTEN": f"127.0.0.1:{p2}"}, [], p2),
                            ({"SALESPM_LISTEN": f"127.0.0.1:{p2}"},
                             ["--listen", f"127.0.0.1:{p3}"], p3)):
        proc, log = serve(ws, conf, *args, env=env)
        try:
            assert until_up(port, proc), f"not listening on {port}: {open(log).read()}"
            for other in {p1, p2, p3} - {port}:
                s = socket.socket()
                refused = s.connect_ex(("127.0.0.1", other)) != 0
                s.close()
                assert refused, f"also on {other}"
        finally:
            proc.terminate()
            proc.wait(timeout=20)
        lines = [ln for ln in open(log).read().splitlines() if ln.startswith("{")]
        assert lines and json.loads(lines[0])["path"] == "/livez", \
            f"the access log in JSON as the file says: {lines[:2]}"
    # a bad value in the environment stops the server before it listens
    proc, log = serve(ws, conf, env={"SALESPM_EVENTS_MAX": "0"})
    eq(proc.wait(timeout=20), 65, open(log).read())
    assert "$SALESPM_EVENTS_MAX: events_max must be" in open(log).read()


if __name__ == "__main__":
    run_all()
