"""test_two_instances.py - two `salespm serve` on one PostgreSQL database, behind haproxy on
127.0.0.1, behave as one: a session opened through one instance is valid on the other; a
write through one is read through the other at once (the answer caches of both follow the
database, not their own memory); sign-in limits are shared; an Idempotency-Key applied through
one is replayed by the other; and a dashboard cached by one instance moves when a sale is
written through the other; a write through one instance (or the CLI) reaches a live stream
(GET /api/v1/events) held on the other within a second, each change once. The proxy sends a request to instance a or b by its X-Instance
header, and round-robins the rest.

Runs on PostgreSQL whatever SALESPM_TEST_BACKEND says: it starts a throwaway server itself.
"""
import os
import shutil
from json import loads as json_loads
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import harness  # noqa: E402
from harness import Client, Response, eq, free_port, run_all, test  # noqa: E402,F401
from pgserver import cluster  # noqa: E402
from sse import Stream  # noqa: E402

ADMIN_PW = "admin-secret-1"
REP_PW = "rep-secret-123"


class Instance:
    """`salespm serve` on a free port over the shared database."""

    def __init__(self, dsn, name, workdir):
        self.port = free_port()
        self.log_path = os.path.join(workdir, f"serve-{name}.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([harness.BIN, "--db", dsn, "serve", "--listen",
                                      f"127.0.0.1:{self.port}", "--threads", "2"],
                                     stdout=self.log, stderr=self.log)
        wait_for(self.port, "/livez", self.proc, self.log_path)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def wait_for(port, path, proc, log_path):
    deadline = time.time() + 20
    while True:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=1)
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            if s.recv(100).startswith(b"HTTP/1.1 200"):
                s.close()
                return
            s.close()
        except OSError:
            pass
        if proc.poll() is not None:
            with open(log_path, errors="replace") as f:
                raise AssertionError(f"exited {proc.returncode}: {f.read()[-2000:]}")
        if time.time() > deadline:
            raise AssertionError(f"no answer on port {port}")
        time.sleep(0.05)


class Proxy:
    """haproxy in front of the two instances: X-Instance: a|b picks one, else round robin."""

    def __init__(self, a, b, workdir):
        self.port = free_port()
        cfg = os.path.join(workdir, "haproxy.cfg")
        with open(cfg, "w") as f:
            f.write(f"""global
  maxconn 256
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend fe
  bind 127.0.0.1:{self.port}
  use_backend a if {{ req.hdr(X-Instance) -m str a }}
  use_backend b if {{ req.hdr(X-Instance) -m str b }}
  default_backend both
backend a
  server a 127.0.0.1:{a.port}
backend b
  server b 127.0.0.1:{b.port}
backend both
  balance roundrobin
  http-response set-header X-Served-By %s
  server a 127.0.0.1:{a.port}
  server b 127.0.0.1:{b.port}
""")
        self.log_path = os.path.join(workdir, "haproxy.log")
        self.log = open(self.log_path, "wb")
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        self.proc = subprocess.Popen([haproxy, "-f", cfg, "-db"], stdout=self.log, stderr=self.log)
        wait_for(self.port, "/livez", self.proc, self.log_path)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.log.close()


class Via(Client):
    """A client of the proxy that names the instance it wants (X-Instance: a or b)."""

    def __init__(self, proxy, instance):
        super().__init__(proxy)
        self.instance = instance

    def request(self, method, path, body=None, headers=None, **kw):
        h = dict(headers or {})
        h["X-Instance"] = self.instance
        return super().request(method, path, body, headers=h, **kw)


class Pair:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="salespm-two-")
        self.dsn = cluster().new_db()
        pw = os.path.join(self.dir, "pw")
        with open(pw, "w") as f:
            f.write(ADMIN_PW + "\n")
        run("init", "--password-file", pw, "--currency", "CNY", "--timezone", "Asia/Shanghai", dsn=self.dsn)
        with open(pw, "w") as f:
            f.write(REP_PW + "\n")
        run("user", "add", "rita", "--name", "Rita", "--role", "rep", "--password-file", pw, dsn=self.dsn)
        run("project", "create", "P1", "--name", "P1", "--start", "2026-01-01", "--end", "2026-12-31", dsn=self.dsn)
        run("member", "add", "P1", "rita", dsn=self.dsn)
        run("channel", "add", "direct", "--name", "直销", "--type", "direct", dsn=self.dsn)
        run("product", "add", "SKU-1", "--name", "手表", "--cost", "80.00", "--price", "199.00",
            "--effective", "2026-01-01", dsn=self.dsn)
        self.a = Instance(self.dsn, "a", self.dir)
        self.b = Instance(self.dsn, "b", self.dir)
        self.proxy = Proxy(self.a, self.b, self.dir)

    def via(self, name):
        return Via(self.proxy, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proxy.stop()
        self.a.stop()
        self.b.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
        return False


def run(*args, dsn):
    p = subprocess.run([harness.BIN, "--db", dsn] + list(args), capture_output=True, text=True)
    if p.returncode:
        raise AssertionError(f"salespm {' '.join(args)}: {p.stderr}")
    return p.stdout


def sale(qty, customer="甲公司"):
    return {"date": "2026-03-01", "customer": customer, "product": "SKU-1", "channel": "direct",
            "quantity": qty, "unit_price": 19900}


@test
def a_session_from_one_instance_is_valid_on_the_other():
    with Pair() as p:
        a, b = p.via("a"), p.via("b")
        a.login("admin", ADMIN_PW)
        # the same cookie and CSRF token, sent to the other instance
        b.cookie, b.csrf = a.cookie, a.csrf
        eq(b.ok("GET", "/api/v1/me")["user"]["login"], "admin", "signed in on b")
        b.ok("POST", "/api/v1/segments", {"code": "smb", "name": "中小企业"}, status=201)
        # signing out through b ends the session for a too
        b.ok("DELETE", "/api/v1/session")
        eq(a.get("/api/v1/me").status, 401, "signed out everywhere")


@test
def a_write_through_one_is_read_through_the_other_at_once():
    with Pair() as p:
        a, b = p.via("a"), p.via("b")
        a.login("admin", ADMIN_PW)
        b.login("admin", ADMIN_PW)
        # b answers and caches the dashboard before the sale
        before = b.ok("GET", "/api/v1/projects/P1/dashboard?as_of=2026-12-31")["totals"]["revenue"]
        eq(before, 0, "no sales yet")
        a.ok("POST", "/api/v1/projects/P1/sales", sale(3), status=201)
        # b's next answer follows the database, not its cache
        eq(b.ok("GET", "/api/v1/projects/P1/dashboard?as_of=2026-12-31")["totals"]["revenue"],
           3 * 19900, "b sees a's sale")
        eq(b.ok("GET", "/api/v1/projects/P1/sales")["total"], 1, "b lists it")
        # and the other way round, with a's goals answer cached first
        a.ok("GET", "/api/v1/projects/P1/goals")
        g = b.ok("POST", "/api/v1/projects/P1/goals", {"metric": "revenue", "target": 100000,
                                                      "start": "2026-01-01", "due": "2026-12-31"}, status=201)
        ids = [x["id"] for x in a.ok("GET", "/api/v1/projects/P1/goals")["goals"]]
        eq(ids, [g["id"]], "a lists b's goal")


@test
def an_idempotency_key_applied_through_one_is_replayed_by_the_other():
    with Pair() as p:
        a, b = p.via("a"), p.via("b")
        a.login("rita", REP_PW)
        b.cookie, b.csrf = a.cookie, a.csrf
        h = {"Idempotency-Key": "sale-1"}
        r1 = a.post("/api/v1/projects/P1/sales", sale(2), headers=h)
        eq(r1.status, 201, f"applied: {r1}")
        r2 = b.post("/api/v1/projects/P1/sales", sale(2), headers=h)
        eq((r2.status, r2.body, r2.header("Idempotent-Replayed")), (201, r1.body, "true"), "replayed by b")
        eq(a.ok("GET", "/api/v1/projects/P1/sales")["total"], 1, "one sale")


@test
def sign_in_limits_are_shared():
    with Pair() as p:
        a, b = p.via("a"), p.via("b")
        # failures through both instances count together, so alternating does not escape the limit
        statuses = []
        for i in range(12):
            c = a if i % 2 == 0 else b
            statuses.append(c.post("/api/v1/session", {"login": "rita", "password": f"wrong-{i}-password"}).status)
        assert 429 in statuses, f"12 wrong passwords over two instances were never limited: {statuses}"
        first = statuses.index(429)
        # once limited on one, the other refuses too
        eq(b.post("/api/v1/session", {"login": "rita", "password": REP_PW}).status, 429, "b limits")
        eq(a.post("/api/v1/session", {"login": "rita", "password": REP_PW}).status, 429, "a limits")
        assert first <= 11, statuses


@test
def round_robin_spreads_requests_and_both_answer_the_same():
    with Pair() as p:
        c = Client(p.proxy)
        c.login("admin", ADMIN_PW)
        c.ok("POST", "/api/v1/projects/P1/sales", sale(5), status=201)
        served = []
        for _ in range(6):
            r = c.request("GET", "/api/v1/projects/P1/dashboard?as_of=2026-12-31")
            eq(r.status, 200, f"answered: {r}")
            eq(r.json()["totals"]["revenue"], 5 * 19900, "every instance answers the same")
            served.append(r.header("X-Served-By"))  # the proxy names the server it chose
        eq(sorted(served), ["a", "a", "a", "b", "b", "b"], "round robin over both")


@test
def two_instances_never_deliver_one_event_twice():
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    got, lock = [], threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            time.sleep(0.05)  # slow enough that both instances are at work at once
            with lock:
                got.append((self.headers["X-Salespm-Delivery"], json.loads(body)["id"]))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    rcv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=rcv.serve_forever, daemon=True).start()
    try:
        with Pair() as p:
            c = Client(p.proxy)
            c.login("admin", ADMIN_PW)
            c.ok("PUT", "/api/v1/webhooks/allowed-hosts", {"hosts": [f"127.0.0.1:{rcv.server_address[1]}"]})
            hook = c.ok("POST", "/api/v1/webhooks", {
                "url": f"http://127.0.0.1:{rcv.server_address[1]}/h", "events": ["sale.created"]},
                status=201)["webhook"]
            n = 40
            for i in range(n):  # round robin: half of the writes through each instance
                c.ok("POST", "/api/v1/projects/P1/sales", sale(1 + i), status=201)
            deadline = time.time() + 60
            while True:
                ds = c.ok("GET", f"/api/v1/webhooks/{hook['id']}/deliveries?limit=500")["deliveries"]
                if len(ds) == n and all(d["state"] == "delivered" for d in ds):
                    break
                assert time.time() < deadline, f"not all delivered: {ds[:3]}"
                time.sleep(0.2)
            time.sleep(1)  # a second POST of one delivery would have come by now
            with lock:
                deliveries = [d for d, _ in got]
                events = [e for _, e in got]
            eq(len(deliveries), n, "each event posted once")
            eq(len(set(deliveries)), n, "no delivery twice")
            eq(len(set(events)), n, "no event twice")
            eq(sorted(d["attempts"] for d in ds), [1] * n, "one attempt each")
            sent = []
            for inst in (p.a, p.b):
                inst.log.flush()
                with open(inst.log_path, errors="replace") as f:
                    sent.append(sum("salespm: webhook " in line for line in f))
            eq(sum(sent), n, f"attempts logged by the two instances {sent}")
            print(f"     deliveries sent by instance a and b: {sent}")
    finally:
        rcv.shutdown()
        rcv.server_close()


@test
def a_write_through_one_reaches_a_live_stream_on_the_other():
    with Pair() as p:
        a, b = p.via("a"), p.via("b")
        a.login("rita", REP_PW)
        b.login("admin", ADMIN_PW)
        # the stream is held by instance b, through the proxy
        s = Stream(b, "?project=P1", headers={"X-Instance": "b"})
        eq(s.status, 200, "opened on b")
        end = time.monotonic() + 5
        while not s.comments and time.monotonic() < end:
            time.sleep(0.05)
        time.sleep(0.3)
        t0 = time.monotonic()
        made = a.ok("POST", "/api/v1/projects/P1/sales", sale(2), status=201)
        e = s.wait(lambda e: e[1] == "change" and e[3]["id"] == made["id"], 3)
        assert e, f"a's sale never reached b's stream: {s.changes()}"
        eq((e[3]["project"], e[3]["kind"], e[3]["action"]), ("P1", "sale", "create"), "what")
        assert e[0] - t0 <= 1.0, f"it came {e[0] - t0:.3f} s after the write"
        # the CLI, a third process
        t0 = time.monotonic()
        out = run("--json", "sale", "add", "P1", "--date", "2026-03-02", "--customer", "乙公司",
                  "--product", "SKU-1", "--channel", "direct", "--quantity", "1", "--price",
                  "199.00", "--rep", "rita", dsn=p.dsn)
        sid = json_loads(out)["id"]
        e = s.wait(lambda e: e[1] == "change" and e[3]["id"] == sid and e[3]["kind"] == "sale", 3)
        assert e and e[0] - t0 <= 1.0, f"the CLI's sale: {s.changes()}"
        # writes through both instances at once (ids may commit out of order): each once
        c = Client(p.proxy)
        c.login("rita", REP_PW)
        ids = []
        lock = threading.Lock()

        def write(k):
            r = c.ok("POST", "/api/v1/projects/P1/sales", sale(1 + k, customer=f"丙{k}"),
                     status=201)
            with lock:
                ids.append(r["id"])

        threads = [threading.Thread(target=write, args=(k,)) for k in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        end = time.monotonic() + 3
        while time.monotonic() < end:
            got = [x["id"] for x in s.changes() if x["kind"] == "sale" and x["id"] in ids]
            if len(got) >= len(ids):
                break
            time.sleep(0.05)
        time.sleep(0.3)
        got = [x["id"] for x in s.changes() if x["kind"] == "sale" and x["id"] in ids]
        eq(sorted(got), sorted(ids), "every concurrent sale once")
        s.close()


if __name__ == "__main__":
    run_all()
