"""test_systemd.py - salespm as a systemd service: the units `make install` writes verify
clean with systemd-analyze and carry the hardening the operator's guide promises; the server
speaks the notify protocol to a manager (a socket here standing in for systemd): ready once
it listens, reloading around SIGHUP, watchdog pings at half the interval that stop while a
batch of writes is stuck and come back when it moves, stopping on SIGTERM; and the backup
unit's command writes a dated copy where the configuration says, keeping so many days."""
import os
import re
import json
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import workspace  # noqa: E402
from harness import BIN, ROOT, eq, free_port, pw, run_all, test  # noqa: E402

BUILD = os.environ.get("SALESPM_BUILD") or os.path.dirname(BIN)
MODE = os.path.basename(BUILD.rstrip("/"))
REL_BIN = os.path.relpath(os.path.join(BUILD, "salespm"), ROOT)


def install(ws):
    dest = ws.path("root")
    p = subprocess.run(["make", "--no-print-directory", "-o", REL_BIN, "_install",
                        f"MODE={MODE}", f"DESTDIR={dest}", "PREFIX=/usr"], cwd=ROOT,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    return dest


@test
def the_units_verify_clean_and_are_hardened():
    ws = workspace(())
    dest = install(ws)
    units = os.path.join(dest, "usr/lib/systemd/system")
    eq(sorted(os.listdir(units)), ["salespm-backup.service", "salespm-backup.timer",
                                   "salespm.service"], "the units")
    service = open(os.path.join(units, "salespm.service")).read()
    eq(re.search(r"^ExecStart=(.*)$", service, re.M).group(1),
       "/usr/bin/salespm --config /etc/salespm/salespm.conf serve", "what it runs")
    for line in ("Type=notify", "WatchdogSec=30s", "User=salespm", "NoNewPrivileges=yes",
                 "ProtectSystem=strict", "ReadWritePaths=/var/lib/salespm", "PrivateTmp=yes",
                 "ProtectHome=yes", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
                 "SystemCallFilter=@system-service", "MemoryMax=2G",
                 "ExecReload=/bin/kill -HUP $MAINPID"):
        assert f"\n{line}\n" in service, f"salespm.service has {line}"
    # verify them as installed, the binary they name pointed at the installed one
    check = ws.path("verify")
    os.mkdir(check)
    for u in os.listdir(units):
        text = open(os.path.join(units, u)).read().replace(
            "/usr/bin/salespm", os.path.join(dest, "usr/bin/salespm"))
        with open(os.path.join(check, u), "w") as f:
            f.write(text)
    env = dict(os.environ, MANPATH=os.path.join(dest, "usr/share/man"),
               SYSTEMD_LOG_LEVEL="notice")
    p = subprocess.run(["systemd-analyze", "verify"] +
                       [os.path.join(check, u) for u in sorted(os.listdir(check))],
                       capture_output=True, text=True, env=env)
    eq((p.returncode, p.stdout + p.stderr), (0, ""), "systemd-analyze verify")


class Manager:
    """A stand-in for systemd's notify socket: the messages the service sends, in order."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(0.1)
        self.got = []

    def drain(self, secs):
        end = time.time() + secs
        while time.time() < end:
            try:
                self.got.append((time.time(), self.sock.recv(4096).decode()))
            except socket.timeout:
                pass

    def until(self, pred, secs=10):
        end = time.time() + secs
        while time.time() < end:
            if any(pred(m) for _, m in self.got):
                return True
            self.drain(0.1)
        return False

    def pings(self, since):
        return [t for t, m in self.got if t >= since and "WATCHDOG=1" in m.split("\n")]


@test
def the_service_tells_its_manager_ready_reloading_alive_and_stopping():
    ws = workspace(("mgr",), channels=("direct",), products=("SKU-1",), today="2026-03-02")
    mgr = Manager(ws.path("notify.sock"))
    port = free_port()
    env = dict(ws.env, NOTIFY_SOCKET=mgr.path, WATCHDOG_USEC="400000")
    log = open(ws.path("serve.log"), "wb")
    proc = subprocess.Popen([BIN, "--db", ws.db, "serve", "--listen", f"127.0.0.1:{port}",
                             "--threads", "2"], stdout=log, stderr=log, env=env)
    try:
        assert mgr.until(lambda m: "READY=1" in m), f"never ready: {mgr.got}"
        ready = [m for _, m in mgr.got if "READY=1" in m][0]
        assert f"MAINPID={proc.pid}" in ready, ready
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=5) as r:
            eq(r.status, 200, "it listens once it says ready")
        t0 = time.time()
        mgr.drain(1.6)
        n = len(mgr.pings(t0))
        assert 4 <= n <= 12, f"a ping about every 0.2 s for 1.6 s: {n}"
        proc.send_signal(signal.SIGHUP)
        assert mgr.until(lambda m: "RELOADING=1" in m), mgr.got
        after = [m for _, m in mgr.got]
        k = max(i for i, m in enumerate(after) if "RELOADING=1" in m)
        mgr.drain(0.5)
        assert any("READY=1" in m for m in [m for _, m in mgr.got][k + 1:]), mgr.got[-5:]
        # a batch of writes stuck behind another's lock: no more pings, until it moves
        base = f"http://127.0.0.1:{port}"
        r = urllib.request.urlopen(urllib.request.Request(
            base + "/api/v1/session", data=json.dumps({"login": "mgr",
                                                       "password": pw("mgr")}).encode(),
            headers={"Content-Type": "application/json"}), timeout=10)
        cookie = r.headers["Set-Cookie"].split(";")[0]
        csrf = json.loads(r.read())["csrf_token"]
        body = {"date": "2026-03-01", "customer": "C", "product": "SKU-1", "channel": "direct",
                "quantity": 1, "unit_price": 100}
        done = []

        def send():
            req = urllib.request.Request(base + "/api/v1/projects/P1/sales",
                                         data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json",
                                                  "Cookie": cookie, "X-CSRF-Token": csrf})
            with urllib.request.urlopen(req, timeout=60) as a:
                done.append(a.status)

        with ws.hold_write_lock():
            sender = threading.Thread(target=send)
            sender.start()
            time.sleep(1.2)  # the batch is stuck past the 0.4 s interval
            mgr.drain(0.25)  # what was sent before, read
            t1 = time.time()
            mgr.drain(1.0)
            eq(mgr.pings(t1), [], "no ping while a batch is stuck past the interval")
        sender.join(60)
        eq(done, [201], "the write went through once the lock was let go")
        t2 = time.time()
        mgr.drain(1.0)
        assert len(mgr.pings(t2)) >= 3, "pings again"
        proc.terminate()
        eq(proc.wait(timeout=30), 0, "a clean stop")
        mgr.drain(0.3)
        assert any("STOPPING=1" in m for _, m in mgr.got), mgr.got[-3:]
        assert "no longer told all is well" in open(ws.path("serve.log")).read()
    finally:
        if proc.poll() is None:
            proc.kill()


@test
def the_backup_unit_writes_a_dated_copy_where_the_configuration_says():
    ws = workspace(())
    d = ws.path("backups")
    os.mkdir(d)
    old = "salespm-" + (datetime.now(timezone.utc) - timedelta(days=30)).strftime(
        "%Y%m%dT%H%M%SZ") + ".db"
    open(os.path.join(d, old), "w").close()
    conf = ws.write("salespm.conf", f"database = {ws.db}\nbackup_dir = {d}\n"
                                    "backup_keep_days = 14\n")
    env = dict(ws.env)
    env.pop("SALESPM_DB", None)
    p = subprocess.run([BIN, "--config", conf, "db", "backup"], capture_output=True, text=True,
                       env=env, timeout=60)
    eq(p.returncode, 0, p.stderr)
    made = [f for f in os.listdir(d) if f != old]
    eq(len(made), 1, f"one dated copy: {os.listdir(d)}")
    assert re.fullmatch(r"salespm-\d{8}T\d{6}Z\.db", made[0]), made
    assert old not in os.listdir(d), "the 30-day-old copy pruned"
    p = subprocess.run([BIN, "--db", ws.db, "db", "backup"], capture_output=True, text=True,
                       env=env, timeout=60)
    eq(p.returncode, 2, "no file, no dir and no configuration: a usage error")
    assert "backup_dir" in p.stderr, p.stderr


if __name__ == "__main__":
    run_all()
