"""test_crash.py - durability under a crash: 16 clients write sales over HTTP, each POST with
an Idempotency-Key, while `salespm serve` is killed with SIGKILL at a random moment; then a
new server on the same database must show:

  * every acknowledged write (a 201 the client received) present, with its fields;
  * `salespm db check` clean;
  * every key that was in flight (sent, no answer) either applied exactly once, its retry
    replaying the stored answer, or absent, its retry applying it once - never stuck;
  * the dashboard's totals (the rollups, kept in each write's transaction) equal to the
    sums of every sale sent, computed here.

Each run writes on its own sale date into one database that lives through every run, so
later runs start from a database that has survived the crashes before them. The server keeps
its write-ahead log to 1 MiB (`serve --wal-limit 1`), so checkpoints and the WAL starting
over happen many times a run, and the kill may land in any of them.

    python3 tests/crash/test_crash.py [--runs N] [--seed S]    (default 3 runs)
    make crash RUNS=200

Prints one line per run and ends with "N passed, N failed"."""
import argparse
import datetime
import http.client
import json
import os
import random
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import Server, Workspace, eq  # noqa: E402

CLIENTS = 16
TODAY = "2026-12-31"
FIRST_DAY = datetime.date(2023, 1, 1)


def serve(ws):
    """The server under test (see the file's comment for its WAL limit)."""
    return Server(ws, "--wal-limit", "1", threads=4)


def pw(login):
    return f"{login}-password-1"


def login(port, user, password):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", "/api/v1/session", body=json.dumps({"login": user, "password": password}),
                     headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise AssertionError(f"sign-in of {user}: {r.status} {body[:200]!r}")
        cookie = r.getheader("Set-Cookie").split(";", 1)[0]
        return cookie, json.loads(body)["csrf_token"]
    finally:
        conn.close()


def make_token(port, user):
    """An API token for user (bearer: no cookie, no CSRF token)."""
    cookie, csrf = login(port, user, pw(user))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", "/api/v1/tokens", body=json.dumps({"name": "crash test"}),
                     headers={"Content-Type": "application/json", "Cookie": cookie,
                              "X-CSRF-Token": csrf})
        r = conn.getresponse()
        body = r.read()
        if r.status != 201:
            raise AssertionError(f"token for {user}: {r.status} {body[:200]!r}")
        return json.loads(body)["secret"]
    finally:
        conn.close()


class Api:
    """Bearer-token requests on one keep-alive connection."""

    def __init__(self, port, token):
        self.port = port
        self.token = token
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        hdrs = {"Authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        hdrs.update(headers or {})
        try:
            self.conn.request(method, path, body=data, headers=hdrs)
            r = self.conn.getresponse()
            return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
        except Exception:
            self.close()
            raise

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Writer(threading.Thread):
    """One client: POSTs sales until the server dies, recording what was acknowledged."""

    def __init__(self, port, token, user, run, n, day, rng):
        super().__init__(daemon=True)
        self.api = Api(port, token)
        self.user = user
        self.run_no = run
        self.n = n
        self.day = day
        self.rng = rng
        self.acked = []      # (key, body, answer)
        self.in_flight = None  # (key, body): sent, never answered
        self.unexpected = None
        self.stop = threading.Event()

    def run(self):
        seq = 0
        while not self.stop.is_set():
            key = f"run{self.run_no}-c{self.n}-{seq}"
            body = {"date": self.day, "customer": f"R{self.run_no} C{self.n} #{seq}",
                    "product": "SKU-1", "channel": "direct",
                    "quantity": self.rng.randint(1, 50), "unit_price": self.rng.randint(100, 99999)}
            try:
                status, headers, raw = self.api.request("POST", "/api/v1/projects/P1/sales", body,
                                                        {"Idempotency-Key": key})
            except (OSError, http.client.HTTPException):
                self.in_flight = (key, body)
                return
            if status != 201:
                self.unexpected = f"{key}: {status} {raw[:300]!r}"
                return
            self.acked.append((key, body, json.loads(raw)))
            seq += 1


def amount(body):
    return body["quantity"] * body["unit_price"]


def sales_on(api, day):
    """Every sale dated day, by id, through the API's pages."""
    out = {}
    offset = 0
    while True:
        status, _, raw = api.request("GET", f"/api/v1/projects/P1/sales?from={day}&to={day}"
                                            f"&sort=id&limit=1000&offset={offset}")
        eq(status, 200, f"list of {day}")
        page = json.loads(raw)
        for s in page["sales"]:
            out[s["id"]] = s
        offset += len(page["sales"])
        if not page["sales"] or offset >= page["total"]:
            return out


class Campaign:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.ws = Workspace(today=TODAY)
        self.users = [f"rep{i:02d}" for i in range(CLIENTS)]
        ws = self.ws
        ws.ok("project", "create", "P1", "--name", "Crash", "--start", "2020-01-01",
              "--end", "2026-12-31", "--status", "active")
        ws.ok("channel", "add", "direct", "--name", "Direct", "--type", "direct")
        ws.ok("product", "add", "SKU-1", "--name", "Widget", "--cost", "1.00", "--price", "2.00")
        for u in self.users:
            ws.write(f"{u}.pw", pw(u) + "\n")
            ws.ok("user", "add", u, "--name", u, "--role", "rep", "--password-file", ws.path(f"{u}.pw"))
            ws.ok("member", "add", "P1", u, "--role", "member")
        self.srv = serve(ws)
        self.tokens = {u: make_token(self.srv.port, u) for u in self.users}
        self.count = 0        # sales expected in the database
        self.revenue = 0      # their sum, in minor units
        self.units = 0
        self.totals = {"acked": 0, "in_flight": 0, "replayed": 0, "applied_by_retry": 0}

    def api(self, user):
        return Api(self.srv.port, self.tokens[user])

    def one_run(self, run):
        day = (FIRST_DAY + datetime.timedelta(days=run)).isoformat()
        writers = [Writer(self.srv.port, self.tokens[u], u, run, i, day,
                          random.Random(self.rng.random())) for i, u in enumerate(self.users)]
        for w in writers:
            w.start()
        time.sleep(self.rng.uniform(0.2, 1.5))
        # The crash: no chance to finish a commit, flush a buffer or answer anyone.
        self.srv.proc.kill()
        self.srv.proc.wait()
        self.srv.log.close()
        for w in writers:
            w.stop.set()
        for w in writers:
            w.join(60)
            w.api.close()
        bad = [w.unexpected for w in writers if w.unexpected]
        assert not bad, f"answers other than 201 before the crash: {bad}"
        self.srv = serve(self.ws)

        # Every acknowledged write is there, with its fields.
        checker = self.api(self.users[0])
        stored = sales_on(checker, day)
        acked = [(w.user, key, body, ans) for w in writers for key, body, ans in w.acked]
        for user, key, body, ans in acked:
            s = stored.get(ans["id"])
            assert s is not None, f"acknowledged sale {ans['id']} ({key}) is missing after the crash"
            got = {k: s[k] for k in ("date", "customer", "product", "channel", "quantity",
                                     "unit_price", "rep", "amount")}
            want = dict(body, rep=user, amount=amount(body))
            eq(got, want, f"acknowledged sale {key}")
        # The keys in flight: applied once with their answer, or retryable and applied now.
        replayed = retried = 0
        in_flight = [(w.user, w.in_flight) for w in writers if w.in_flight]
        for user, (key, body) in in_flight:
            api = self.api(user)
            status, headers, raw = api.request("POST", "/api/v1/projects/P1/sales", body,
                                               {"Idempotency-Key": key})
            eq(status, 201, f"the retry of in-flight key {key}: {raw[:300]!r}")
            if headers.get("idempotent-replayed") == "true":
                replayed += 1
            else:
                retried += 1
            status2, headers2, raw2 = api.request("POST", "/api/v1/projects/P1/sales", body,
                                                  {"Idempotency-Key": key})
            eq((status2, raw2, headers2.get("idempotent-replayed")), (201, raw, "true"),
               f"a second retry of {key} replays the first answer")
            api.close()
        # Nothing else was written: one sale per request sent, under its own customer name.
        stored = sales_on(checker, day)
        names = sorted(s["customer"] for s in stored.values())
        expected = sorted([body["customer"] for _, _, body, _ in acked] +
                          [body["customer"] for _, (_, body) in in_flight])
        eq(names, expected, "exactly one sale per request sent")
        self.count += len(expected)
        self.revenue += sum(amount(b) for _, _, b, _ in acked) + sum(amount(b) for _, (_, b) in in_flight)
        self.units += sum(b["quantity"] for _, _, b, _ in acked) + sum(b["quantity"] for _, (_, b) in in_flight)
        status, _, raw = checker.request("GET", "/api/v1/projects/P1/sales?limit=1")
        eq(json.loads(raw)["total"], self.count, "sales over every run")
        status, _, raw = checker.request("GET", "/api/v1/projects/P1/dashboard")
        eq(status, 200, "dashboard")
        totals = json.loads(raw)["totals"]
        eq((totals["revenue"], totals["units"], totals["lines"]),
           (self.revenue, self.units, self.count), "the rollups match the sales")
        checker.close()
        # The database itself is sound.
        r = self.ws.run("db", "check")
        assert r.code == 0 and "integrity ok" in r.out, f"db check: {r}"
        self.totals["acked"] += len(acked)
        self.totals["in_flight"] += len(in_flight)
        self.totals["replayed"] += replayed
        self.totals["applied_by_retry"] += retried
        return (f"{len(acked)} acknowledged, {len(in_flight)} in flight: {replayed} had been "
                f"applied (replayed), {retried} applied by the retry; db check clean")

    def recover(self):
        """After a failed run: a live server, and expected sums taken from the database."""
        if self.srv.proc.poll() is not None:
            self.srv = serve(self.ws)
        api = self.api(self.users[0])
        status, _, raw = api.request("GET", "/api/v1/projects/P1/dashboard")
        totals = json.loads(raw)["totals"]
        self.count, self.revenue, self.units = totals["lines"], totals["revenue"], totals["units"]
        api.close()

    def close(self, ok):
        self.srv.stop(check=ok)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=int(os.environ.get("CRASH_RUNS", "3")))
    ap.add_argument("--seed", type=int, default=int(os.environ.get("CRASH_SEED", "0")) or None)
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1, 1 << 31)
    print(f"crash test: {args.runs} runs, {CLIENTS} clients, seed {seed}")
    sys.stdout.flush()
    passed = failed = 0
    camp = Campaign(seed)
    started = time.time()
    for run in range(args.runs):
        try:
            line = camp.one_run(run)
            passed += 1
            print(f"ok   run {run + 1}: {line}")
        except Exception:
            failed += 1
            print(f"FAIL run {run + 1}")
            traceback.print_exc(file=sys.stdout)
            try:  # the next run needs a server, and expectations from what is stored
                camp.recover()
            except Exception:
                traceback.print_exc(file=sys.stdout)
                break
        sys.stdout.flush()
    try:
        camp.close(failed == 0)
    except Exception:
        failed += 1
        traceback.print_exc(file=sys.stdout)
    t = camp.totals
    print(f"in all: {t['acked']} acknowledged writes present, {t['in_flight']} in flight at a "
          f"crash ({t['replayed']} applied and replayed, {t['applied_by_retry']} applied by their "
          f"retry), {camp.count} sales, {time.time() - started:.0f} s")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
