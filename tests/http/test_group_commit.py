"""test_group_commit.py - group commit (src/http/writer.c) as a user and an operator see it:
writes queued behind one another commit together, each answered as it would be alone; a
refused write undoes only itself; a key sent twice in one batch applies once; a stop answers
every queued write; a failed commit refuses its whole batch and keeps nothing of it.

The batches are made deterministic, not timed: another connection holds the database's write
lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: the advisory lock every salespm write takes first),
so the writer thread blocks on its first batch while the rest queue up behind it. The server
runs one request thread, and each request goes out in one send: once /metrics counts every
request in flight, that one thread has taken each of them to the writer's queue (a request
whose bytes are all in is run to its hand-over without a wait). Whatever the writer took
before it blocked commits alone; everything else commits in the next transaction: at most
two commits for the whole burst. Expected values are computed here from what was sent."""
import http.client
import json
import os
import signal
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import Env as ServerEnv, amount, expect_error, sale, workspace  # noqa: E402
from harness import BACKEND, Server, eq, openapi, run_all, sqlite_only, test  # noqa: E402

TODAY = "2026-03-15"
COST = {"SKU-1": 6000, "SKU-2": 550}  # the fixture's unit costs, in cents
SALES = "/api/v1/projects/P1/sales"


def Env():
    """P1 over 2026 (mgr its manager, rep and rep2 members, vw viewer; out on no project), two
    segments, two channels, two products; one request thread (see the file's comment)."""
    return ServerEnv(workspace(("mgr", "rep", "rep2", "vw", "out"), segments=("smb", "ent"),
                               channels=("direct", "shop"), products=("SKU-1", "SKU-2"),
                               today=TODAY), threads=1)


def metrics(e):
    """/metrics as {name: value} (the unlabelled series)."""
    conn = http.client.HTTPConnection("127.0.0.1", e.srv.port, timeout=30)
    try:
        conn.request("GET", "/metrics")
        r = conn.getresponse()
        text = r.read().decode()
        eq(r.status, 200, "/metrics")
    finally:
        conn.close()
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#") and "{" not in line:
            name, value = line.split()
            out[name] = float(value)
    return out


def wait_in_flight(e, n):
    """Until n requests besides this /metrics one are being answered (a condition polled,
    with a deadline: the held lock is released only once every write is queued)."""
    deadline = time.time() + 30
    while True:
        now = metrics(e)["salespm_http_requests_in_flight"] - 1
        if now >= n:
            eq(now, n, "requests in flight")
            return
        assert time.time() < deadline, f"only {now} of {n} requests reached the server"
        time.sleep(0.01)


class Sender(threading.Thread):
    """One request on a connection of its own, its head and body sent in one send; the
    answer is checked against the OpenAPI document like the harness client's."""

    def __init__(self, e, client, method, path, body=None, headers=None):
        super().__init__(daemon=True)
        self.port = e.srv.port
        self.method, self.path = method, path
        data = b"" if body is None else json.dumps(body).encode()
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}",
                f"Cookie: salespm_session={client.cookie}", f"X-CSRF-Token: {client.csrf}",
                f"Content-Length: {len(data)}", "Connection: close"]
        if body is not None:
            head.append("Content-Type: application/json")
        for k, v in (headers or {}).items():
            head.append(f"{k}: {v}")
        self.raw = ("\r\n".join(head) + "\r\n\r\n").encode() + data
        self.sent = threading.Event()
        self.status = self.body = self.error = None
        self.headers = {}

    def run(self):
        try:
            s = socket.create_connection(("127.0.0.1", self.port), timeout=120)
            try:
                s.sendall(self.raw)
                self.sent.set()
                r = http.client.HTTPResponse(s)
                r.begin()
                self.status, self.body = r.status, r.read()
                self.headers = {k.lower(): v for k, v in r.getheaders()}
            finally:
                s.close()
        except OSError as ex:
            self.error = ex
        finally:
            self.sent.set()

    def finish(self):
        self.join(60)
        assert not self.is_alive(), f"{self.method} {self.path}: no answer in 60 s"
        assert self.error is None, f"{self.method} {self.path}: {self.error!r}"
        problems = openapi().check(self.method, self.path, self.status,
                                   self.headers.get("content-type"), self.body)
        assert not problems, f"{self.method} {self.path}: {problems} {self.body[:300]!r}"
        return self

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<{self.method} {self.path}: {self.status} {self.body[:300]!r}>"


class Answer:
    """A Sender's answer in the shape fixture.expect_error() reads."""

    def __init__(self, t):
        self.status, self.body, self.t = t.status, t.body, t

    def error(self):
        return json.loads(self.body)["error"]

    def __repr__(self):
        return repr(self.t)


def burst(e, requests, ordered=False):
    """requests [(client, method, path, body, headers)], all sent while the write lock is
    held and released once every one is queued; their finished Senders, in order, and the
    writer's commits and writes over the burst. Sent at once, they reach the writer's queue
    in any order; ordered sends each once the one before is being answered, and a moment
    after (its parse and enqueue take microseconds), so they queue in the order given."""
    before = metrics(e)
    with e.ws.hold_write_lock():
        ts = [Sender(e, *r) for r in requests]
        for i, t in enumerate(ts):
            t.start()
            if ordered:
                assert t.sent.wait(30), f"{t!r} not sent"
                wait_in_flight(e, i + 1)
                time.sleep(0.05)
        for t in ts:
            assert t.sent.wait(30), f"{t!r} not sent"
        wait_in_flight(e, len(ts))
    for t in ts:
        t.finish()
    after = metrics(e)
    return (ts, after["salespm_write_commits_total"] - before["salespm_write_commits_total"],
            after["salespm_writes_total"] - before["salespm_writes_total"])


def listed(c):
    r = c.ok("GET", SALES + "?limit=1000")
    eq(r["total"], len(r["sales"]), "one page holds them all")
    return {s["id"]: s for s in r["sales"]}


def row(s):
    """What a sale was sent with, read from an answer or a listed sale."""
    return (s["date"], s["customer"], s["product"], s["channel"], s["rep"], s["quantity"],
            s["unit_price"], s["discount"], s["amount"], s["cost"])


def want_row(b, rep):
    return (b["date"], b["customer"], b["product"], b["channel"], b.get("rep", rep),
            b["quantity"], b["unit_price"], b.get("discount", 0), amount(b),
            b["quantity"] * COST[b["product"]])


def db_check(e):
    r = e.ws.run("db", "check")
    eq(r.code, 0, f"salespm db check is clean: {r}")


# --- many writes, one commit ------------------------------------------------------------------


@test
def forty_concurrent_sales_commit_together():
    """40 clients post a sale each while the lock is held: every one 201 and stored as sent,
    the dashboard sums them, and the writer committed them in at most two transactions."""
    with Env() as e:
        clients = {login: e.sign_in(login) for login in ("rep", "rep2", "mgr")}
        reps = ("rep", "rep2", "mgr")
        bodies = []
        for i in range(40):
            b = sale(date=f"2026-0{1 + i % 3}-{1 + i % 15:02d}",  # up to TODAY
                     customer=("客户 %d" % (i % 7)) if i % 2 else f"Customer {i % 5}",
                     product=("SKU-1", "SKU-2")[i % 2], channel=("direct", "shop")[i % 3 == 0],
                     qty=1 + i % 9, price=990 + 137 * i)
            if i % 4 == 1:
                b["discount"] = 100 + i
            if i % 5 == 4:
                b["rep"] = "rep2"  # the manager records a sale for rep2
            bodies.append((reps[i % 3] if i % 5 != 4 else "mgr", b))
        ts, commits, writes = burst(e, [(clients[who], "POST", SALES, b, None)
                                        for who, b in bodies])
        eq([t.status for t in ts], [201] * 40, f"every write answered 201: {ts}")
        eq(writes, 40, "the writer ran 40 writes")
        assert 1 <= commits <= 2, f"40 queued writes took {commits} commits"

        answers = [t.json() for t in ts]
        ids = [a["id"] for a in answers]
        eq(len(set(ids)), 40, "40 sales, each its own id")
        for (who, b), a in zip(bodies, answers):
            eq(row(a), want_row(b, who), "the answer is the sale sent")
        got = listed(clients["mgr"])
        eq(sorted(got), sorted(ids), "every sale answered is listed, and no other")
        for (who, b), i in zip(bodies, ids):
            eq(row(got[i]), want_row(b, who), f"sale {i} as sent")

        d = e.as_("vw").ok("GET", "/api/v1/projects/P1/dashboard")
        sums = {"revenue": sum(amount(b) for _, b in bodies),
                "cost": sum(b["quantity"] * COST[b["product"]] for _, b in bodies),
                "units": sum(b["quantity"] for _, b in bodies), "lines": 40}
        eq({k: d["totals"][k] for k in sums}, sums, "dashboard totals")
        by_rep, by_product = {}, {}
        for who, b in bodies:
            r = b.get("rep", who)
            by_rep[r] = by_rep.get(r, 0) + amount(b)
            by_product[b["product"]] = by_product.get(b["product"], 0) + amount(b)
        eq({x["code"]: x["revenue"] for x in d["breakdowns"]["rep"]}, by_rep, "by rep")
        eq({x["code"]: x["revenue"] for x in d["breakdowns"]["product"]}, by_product,
           "by product")
        db_check(e)


# --- a refused write fails only itself --------------------------------------------------------


def labelled(e, name):
    """The labelled series of name in /metrics: {labels text: value}."""
    conn = http.client.HTTPConnection("127.0.0.1", e.srv.port, timeout=30)
    try:
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode()
    finally:
        conn.close()
    return {ln.split("{", 1)[1].split("}", 1)[0]: float(ln.split()[1])
            for ln in text.splitlines() if ln.startswith(name + "{")}


@test
def the_metrics_show_the_batches_their_sizes_the_queue_and_the_cache():
    """/metrics for an operator's dashboard: each committed batch's size in
    salespm_write_batch_size (its count the commits, its sum the writes, 12 writes by hand in
    at most two batches), their database time and the syncs', the queue empty again, and the
    kept answers' hits and misses: a dashboard read twice after a write is one miss and then
    one hit."""
    with Env() as e:
        rep, mgr = e.sign_in("rep"), e.sign_in("mgr")
        before = metrics(e)
        reqs = [(rep, "POST", SALES, sale(customer=f"M{i}", qty=1 + i % 3), None)
                for i in range(12)]
        ts, commits, writes = burst(e, reqs)
        eq([t.status for t in ts], [201] * 12, "all stored")
        after = metrics(e)
        eq(after["salespm_write_batch_size_count"] - before["salespm_write_batch_size_count"],
           commits, "one observation a commit")
        eq(after["salespm_write_batch_size_sum"] - before["salespm_write_batch_size_sum"], 12,
           "the writes of those batches")
        assert commits <= 2, commits
        eq(after["salespm_write_batch_seconds_count"] - before["salespm_write_batch_seconds_count"],
           commits, "their database time")
        assert after["salespm_write_batch_seconds_sum"] > before["salespm_write_batch_seconds_sum"]
        if BACKEND == "sqlite":
            assert after["salespm_write_sync_seconds_count"] > \
                before["salespm_write_sync_seconds_count"], "the syncs"
        eq(after["salespm_write_queue_depth"], 0, "nothing left queued")
        c0 = labelled(e, "salespm_cache_lookups_total")
        mgr.ok("GET", "/api/v1/projects/P1/dashboard")
        c1 = labelled(e, "salespm_cache_lookups_total")
        mgr.ok("GET", "/api/v1/projects/P1/dashboard")
        c2 = labelled(e, "salespm_cache_lookups_total")
        eq((c1['result="miss"'] - c0['result="miss"'], c1['result="hit"'] - c0['result="hit"']),
           (1, 0), "the first read after the writes computes")
        eq((c2['result="miss"'] - c1['result="miss"'], c2['result="hit"'] - c1['result="hit"']),
           (0, 1), "the second is kept")


@test
def refused_writes_in_a_batch_fail_only_themselves():
    with Env() as e:
        rep, rep2, mgr = e.sign_in("rep"), e.sign_in("rep2"), e.sign_in("mgr")
        s = rep.ok("POST", SALES, sale(customer="Stale Co", qty=3), status=201)
        s2 = rep.ok("PATCH", f"{SALES}/{s['id']}", {"quantity": 4, "version": 1})
        eq(s2["version"], 2, "patched once before the batch")
        good = [(rep, sale(customer="Good 1", qty=1)),
                (rep2, sale(customer="Good 2", product="SKU-2", qty=5, price=990)),
                (mgr, sale(customer="Good 3", channel="shop", rep="rep")),
                (rep, sale(customer="Good 4", date="2026-03-01", discount=50))]
        bad = [(rep, "POST", SALES, sale(customer="Bad product", product="NOPE"),
                (422, "invalid", "product", None)),
               (rep, "POST", SALES, sale(customer="Bad rep", rep="rep2"),
                (403, "forbidden", None, None)),
               (rep2, "POST", SALES, sale(customer="Bad date", date="2027-01-02"),
                (422, "invalid", "date", "outside_project")),
               (rep, "PATCH", f"{SALES}/{s['id']}", {"quantity": 9, "version": 1},
                (409, "conflict", None, None))]
        reqs = []
        for i in range(4):  # good and bad interleaved
            reqs.append((good[i][0], "POST", SALES, good[i][1], None))
            reqs.append(bad[i][:4] + (None,))
        ts, commits, writes = burst(e, reqs)
        eq(writes, 8, "all eight ran on the writer")
        assert 1 <= commits <= 2, f"8 queued writes took {commits} commits"
        ok_ts, bad_ts = ts[0::2], ts[1::2]
        eq([t.status for t in ok_ts], [201] * 4, f"the good ones: {ok_ts}")
        for t, b in zip(bad_ts, bad):
            status, code, field, reason = b[4]
            expect_error(Answer(t), status, code, field, reason)

        who = {id(rep): "rep", id(rep2): "rep2", id(mgr): "mgr"}
        got = listed(mgr)
        want = {s["id"]: (s["date"], "Stale Co", "SKU-1", "direct", "rep", 4, 10000, 0, 40000,
                          4 * COST["SKU-1"])}
        for t, (c, b) in zip(ok_ts, good):
            want[t.json()["id"]] = want_row(b, who[id(c)])
        eq({i: row(x) for i, x in got.items()}, want, "the good sales, and the stale one as it was")
        eq(got[s["id"]]["version"], 2, "the stale PATCH changed nothing")
        names = [r[0] for r in e.ws.sql("SELECT name FROM customers ORDER BY name")]
        eq(names, sorted(["Stale Co", "Good 1", "Good 2", "Good 3", "Good 4"]),
           "no customer of a refused sale was created")
        audit = e.as_("admin").ok("GET", "/api/v1/audit?entity=sale&limit=100")["audit"]
        eq(sorted((a["action"], a["entity_id"]) for a in audit),
           sorted([("create", s["id"]), ("update", s["id"])] +
                  [("create", t.json()["id"]) for t in ok_ts]),
           "audit rows of the stored writes only")
        d = e.as_("vw").ok("GET", "/api/v1/projects/P1/dashboard")
        eq(d["totals"]["revenue"], 40000 + sum(amount(b) for _, b in good), "dashboard revenue")
        db_check(e)


@test
def a_catalogue_or_membership_change_inside_a_batch_is_seen_by_the_sales_after_it():
    """The writer keeps what a batch's sales read of the catalogue (project, product and its
    costs, channel, rep) for the sales after them; a write in between that changes it (a
    product's cost, a member removed) is seen by every sale after it in the same batch: the
    later sale is costed at the new cost (6,000 -> 7,500 a unit from before the project, which
    recosts the sales before it too) and a sale naming the removed rep is refused, while the
    sales before it stand."""
    with Env() as e:
        rep, mgr = e.sign_in("rep"), e.sign_in("mgr")
        admin = e.sign_in("admin")
        # (the writer may take the first alone before it blocks: the rest share a batch)
        reqs = [(rep, "POST", SALES, sale(customer="Before 0", qty=4), None),
                (rep, "POST", SALES, sale(customer="Before 1", qty=2), None),
                (mgr, "POST", SALES, sale(customer="Before 2", qty=1, rep="rep2"), None),
                (admin, "PATCH", "/api/v1/products/SKU-1",
                 {"cost": 7500, "effective": "2026-01-01", "reason": "dearer", "version": 1},
                 None),
                (mgr, "DELETE", "/api/v1/projects/P1/members/rep2", None, None),
                (rep, "POST", SALES, sale(customer="After 1", qty=3, date="2026-02-11"), None),
                (mgr, "POST", SALES, sale(customer="After 2", qty=1, rep="rep2",
                                          date="2026-02-11"), None)]
        ts, commits, writes = burst(e, reqs, ordered=True)
        eq(writes, 7, "all seven ran on the writer")
        assert 1 <= commits <= 2, f"7 queued writes took {commits} commits"
        eq([t.status for t in ts[:6]], [201, 201, 201, 200, 200, 201], f"statuses: {ts}")
        expect_error(Answer(ts[6]), 422, "invalid", "rep", None)
        costs = {x["customer"]: x["cost"] for x in listed(mgr).values()}
        # by hand: every sale is dated after the new cost's day: 7,500 a unit
        eq(costs, {"Before 0": 4 * 7500, "Before 1": 2 * 7500, "Before 2": 1 * 7500,
                   "After 1": 3 * 7500},
           "every sale at the new cost; the removed rep's sale not stored")
        db_check(e)


# --- different writes in one batch ------------------------------------------------------------


@test
def mixed_writes_in_one_batch_each_answered_as_alone():
    with Env() as e:
        rep, mgr, admin = e.sign_in("rep"), e.sign_in("mgr"), e.sign_in("admin")
        old = rep.ok("POST", SALES, sale(customer="Old Co"), status=201)
        cust = next(c for c in admin.ok("GET", "/api/v1/customers?limit=100")["customers"]
                        if c["name"] == "Old Co")
        goal = {"name": "Q1 revenue", "metric": "revenue", "target": 5000000,
                "start": "2026-01-01", "due": "2026-03-31", "owner": "mgr",
                "rationale": "the Q1 plan", "objective": "grow East China"}
        new_sale = sale(customer="New Co 新客户", product="SKU-2", qty=7, price=990,
                        segment="ent")
        product = {"sku": "SKU-9", "name": "Gizmo", "cost": 1234, "price": 5678}
        ts, commits, writes = burst(e, [
            (rep, "POST", SALES, new_sale, None),
            (mgr, "POST", "/api/v1/projects/P1/goals", goal, None),
            (mgr, "POST", "/api/v1/projects/P1/members", {"login": "out", "role": "member"},
             None),
            (mgr, "PATCH", "/api/v1/customers/%d" % cust["id"],
             {"segment": "smb", "version": cust["version"]}, None),
            (mgr, "POST", "/api/v1/products", product, None),
            (rep, "DELETE", f"{SALES}/{old['id']}?version=1", None, None)], ordered=True)
        eq(writes, 6, "six writes on the writer")
        assert 1 <= commits <= 2, f"6 queued writes took {commits} commits"
        eq([t.status for t in ts], [201, 201, 201, 200, 201, 200], f"statuses: {ts}")
        s, g, m, c, p, d = (t.json() for t in ts)

        # each answer is what the write would answer alone: what a GET reads back now
        eq(row(s), want_row(new_sale, "rep"), "the sale as sent")
        eq(s["segment"], "ent", "a new customer takes the sale's segment")
        eq(rep.ok("GET", f"{SALES}/{s['id']}"), s, "the sale read back")
        eq((g["name"], g["metric"], g["target"], g["owner"]),
           ("Q1 revenue", "revenue", 5000000, "mgr"), "the goal as sent")
        # (its projection is of the data when it ran: the batch's other writes may follow)
        stored = ("id", "name", "metric", "unit", "target", "baseline", "start", "due", "scope",
                  "owner", "rationale", "objective", "version")
        gb = mgr.ok("GET", f"/api/v1/projects/P1/goals/{g['id']}")
        eq({k: gb[k] for k in stored}, {k: g[k] for k in stored}, "the goal read back")
        eq((m["login"], m["role"]), ("out", "member"), "the member as sent")
        members = {x["login"]: x["role"] for x in
                   mgr.ok("GET", "/api/v1/projects/P1/members")["members"]}
        eq(members.get("out"), "member", "out is on the project")
        eq((c["id"], c["segment"], c["version"]), (cust["id"], "smb", cust["version"] + 1),
           "the customer patched")
        eq(admin.ok("GET", "/api/v1/customers/%d" % cust["id"])["customer"]["segment"], "smb",
           "the customer read back")
        eq((p["sku"], p["name"], p["cost"], p["price"]), ("SKU-9", "Gizmo", 1234, 5678),
           "the product as sent")
        eq(d, {"id": old["id"], "deleted": True}, "the delete")
        expect_error(rep.get(f"{SALES}/{old['id']}"), 404, "not_found")

        def audit(entity, eid=None):
            q = f"/api/v1/audit?entity={entity}" + (f"&entity_id={eid}" if eid else "")
            return [(a["action"], a["actor"]) for a in admin.ok("GET", q)["audit"]]
        eq(audit("sale", s["id"]), [("create", "rep")], "the sale's audit row")
        eq(audit("sale", old["id"]), [("delete", "rep"), ("create", "rep")],
           "the deleted sale's audit rows")
        eq(audit("goal", g["id"]), [("create", "mgr")], "the goal's audit row")
        eq(audit("customer", cust["id"])[0], ("update", "mgr"), "the customer's audit row")
        assert ("create", "mgr") in audit("product"), f"the product's audit row: {audit('product')}"
        assert ("create", "mgr") in audit("member"), f"the member's audit row: {audit('member')}"
        d = e.as_("vw").ok("GET", "/api/v1/projects/P1/dashboard")
        eq(d["totals"]["revenue"], amount(new_sale), "the deleted sale left the dashboard")
        db_check(e)


# --- one key twice in one batch ---------------------------------------------------------------


@test
def same_idempotency_key_twice_in_one_batch_applies_once():
    with Env() as e:
        rep = e.sign_in("rep")
        body = sale(customer="Keyed Co", qty=3, price=12345)
        h = {"Idempotency-Key": "gc-twice"}
        ts, commits, writes = burst(e, [(rep, "POST", SALES, body, h),
                                        (rep, "POST", SALES, body, h)])
        eq([t.status for t in ts], [201, 201], f"both 201: {ts}")
        eq(ts[0].body, ts[1].body, "the same answer to both")
        eq(sorted(str(t.headers.get("idempotent-replayed")) for t in ts), ["None", "true"],
           "one of them, and only one, marked as replayed")
        eq(writes, 2, "both queued for the writer (neither found the key before)")
        sales = listed(rep)
        eq(list(sales), [ts[0].json()["id"]], "one sale stored")
        eq(row(sales[ts[0].json()["id"]]), want_row(body, "rep"), "as sent")
        r = rep.post(SALES, body, headers=h)
        eq((r.status, r.body, r.header("Idempotent-Replayed")), (201, ts[0].body, "true"),
           "a later retry replays it too")


# --- stopping with writes queued --------------------------------------------------------------


@test
def sigterm_answers_every_queued_write():
    """SIGTERM while 40 writes wait behind the lock: each is answered before the server exits
    (201, or an error that says so), and every 201 is there after a restart."""
    with Env() as e:
        rep, rep2 = e.sign_in("rep"), e.sign_in("rep2")
        bodies = [((rep, rep2)[i % 2], sale(customer=f"Stop {i}", qty=1 + i, price=1000 + i))
                  for i in range(40)]
        lock = e.ws.hold_write_lock()
        lock.__enter__()
        try:
            ts = [Sender(e, c, "POST", SALES, b) for c, b in bodies]
            for t in ts:
                t.start()
            for t in ts:
                assert t.sent.wait(30)
            wait_in_flight(e, len(ts))
            e.srv.proc.send_signal(signal.SIGTERM)
            deadline = time.time() + 30
            while "stopping (SIGTERM)" not in e.srv.read_log():
                assert time.time() < deadline, "the server did not take the SIGTERM"
                time.sleep(0.01)
        finally:
            lock.__exit__(None, None, None)
        for t in ts:
            t.finish()
        e.srv.proc.wait(60)
        eq(e.srv.proc.returncode, 0, f"the server exited cleanly: {e.srv.read_log()[-2000:]}")
        kept = {}
        for t, (c, b) in zip(ts, bodies):
            if t.status == 201:
                kept[t.json()["id"]] = want_row(b, "rep" if c is rep else "rep2")
            else:
                expect_error(Answer(t), 503, "unavailable")
        eq(len(kept), 40, f"every queued write committed and answered 201: {ts}")
        e.srv.log.close()
        e.srv = Server(e.ws, threads=1)
        got = listed(e.srv.client("rep"))
        eq({i: row(x) for i, x in got.items()}, kept, "every 201 is stored after a restart")


# --- a failed commit ----------------------------------------------------------------------------

# A customer named "Trap" breaks a deferred foreign key: its own write succeeds, and the
# commit of whatever batch holds it fails (SQLite and PostgreSQL check deferred keys at COMMIT).
TRAP_SQLITE = ["CREATE TABLE gc_none (id INTEGER PRIMARY KEY)",
               "CREATE TABLE gc_trap (x INTEGER REFERENCES gc_none(id) "
               "DEFERRABLE INITIALLY DEFERRED)",
               "CREATE TRIGGER gc_trap_customer AFTER INSERT ON customers "
               "WHEN NEW.name = 'Trap' BEGIN INSERT INTO gc_trap VALUES (1); END"]
TRAP_PG = ["CREATE TABLE gc_none (id INTEGER PRIMARY KEY); "
           "CREATE TABLE gc_trap (x INTEGER REFERENCES gc_none(id) "
           "DEFERRABLE INITIALLY DEFERRED); "
           "CREATE FUNCTION gc_trap_f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
           "IF NEW.name = 'Trap' THEN INSERT INTO gc_trap VALUES (1); END IF; RETURN NEW; "
           "END $$; "
           "CREATE TRIGGER gc_trap_customer AFTER INSERT ON customers FOR EACH ROW "
           "EXECUTE FUNCTION gc_trap_f()"]
UNTRAP = ["DROP TRIGGER gc_trap_customer" + (" ON customers" if BACKEND == "postgresql" else ""),
          "DROP TABLE gc_trap", "DROP TABLE gc_none"]


@test
def failed_commit_refuses_the_whole_batch():
    with Env() as e:
        rep, rep2 = e.sign_in("rep"), e.sign_in("rep2")
        for stmt in TRAP_PG if BACKEND == "postgresql" else TRAP_SQLITE:
            e.ws.sql(stmt)
        before = listed(rep)
        eq(before, {}, "no sales yet")
        # The writer first takes a lone write (it commits on its own, or with the rest:
        # either way it is answered as its batch ended); the burst behind it is one batch.
        with e.ws.hold_write_lock():
            first = Sender(e, rep, "POST", SALES, sale(customer="First"))
            first.start()
            assert first.sent.wait(30)
            wait_in_flight(e, 1)
            goods = [Sender(e, (rep, rep2)[i % 2], "POST", SALES,
                            sale(customer=f"Batch {i}", qty=1 + i)) for i in range(5)]
            trap = Sender(e, rep, "POST", SALES, sale(customer="Trap"))
            ts = goods[:2] + [trap] + goods[2:]
            for t in ts:
                t.start()
            for t in ts:
                assert t.sent.wait(30)
            wait_in_flight(e, 1 + len(ts))
        first.finish()
        for t in ts:
            t.finish()
            # nothing of the batch was kept: no success may be told, and the error says so
            # (one retryable answer on either backend, whichever write broke the commit)
            expect_error(Answer(t), 503, "unavailable", "db", "db_unavailable")
        assert first.status in (201, 503), f"the lone first write: {first!r}"
        got = listed(rep)
        if first.status == 201:
            eq([x["customer"] for x in got.values()], ["First"], "only the first write kept")
        else:
            eq(got, {}, "nothing kept")
        names = [r[0] for r in e.ws.sql("SELECT name FROM customers")]
        eq(names, ["First"] if first.status == 201 else [], "no customer of the batch")
        eq(e.ws.sql("SELECT COUNT(*) FROM gc_trap"), [(0,)], "not even the trap's row")
        for stmt in UNTRAP:
            e.ws.sql(stmt)
        # the writer goes on: the same writes again are applied
        for t in ts:
            if t is not trap:
                eq(rep.post(SALES, json.loads(t.raw.split(b"\r\n\r\n", 1)[1])).status, 201,
                   "a retry after the failed batch")
        eq(len(listed(rep)), 5 + (first.status == 201), "the retries are stored")
        db_check(e)


# --- the write-ahead log stays bounded --------------------------------------------------------


def steady_writes(wal_limit_mb, n_clients=8, per_client=150):
    """serve --wal-limit wal_limit_mb (two request threads): n_clients post per_client sales
    each, back to back, no pause. Returns the WAL file's size after them (SQLite never
    shrinks it meanwhile: its size is the largest it grew to) and after the stop, once every
    sale is checked listed and summed by the dashboard."""
    with ServerEnv(workspace(("mgr", "rep", "rep2", "vw"), segments=("smb", "ent"),
                             channels=("direct", "shop"), products=("SKU-1", "SKU-2"),
                             today=TODAY), "--wal-limit", wal_limit_mb, threads=2) as e:
        # dates up to TODAY, each client's customers its own
        bodies = [sale(date=f"2026-{1 + (c * per_client + i) % 3:02d}-{1 + i % 15:02d}",
                       customer=f"Customer {c}-{i}", product=("SKU-1", "SKU-2")[i % 2],
                       channel=("direct", "shop")[c % 2], qty=1 + i % 9, price=1000 + 7 * i)
                  for c in range(n_clients) for i in range(per_client)]
        statuses = []

        def post(c):
            client = e.sign_in("rep")
            for b in bodies[c * per_client:(c + 1) * per_client]:
                statuses.append(client.post(SALES, b).status)

        ts = [threading.Thread(target=post, args=(c,)) for c in range(n_clients)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        eq(statuses, [201] * len(bodies), "every write answered 201")
        wal = os.path.getsize(e.ws.db + "-wal")
        eq(e.as_("mgr").ok("GET", SALES + "?limit=1")["total"], len(bodies), "every sale listed")
        d = e.as_("vw").ok("GET", "/api/v1/projects/P1/dashboard")
        eq((d["totals"]["revenue"], d["totals"]["lines"]),
           (sum(amount(b) for b in bodies), len(bodies)), "the dashboard sums them")
    db_check(e)
    # a restart finds them all (what the checkpoints copied, and what the WAL still held)
    with ServerEnv(e.ws) as again:
        eq(again.as_("mgr").ok("GET", SALES + "?limit=1")["total"], len(bodies),
           "every sale listed after a restart")
    return wal


@sqlite_only
@test
def the_write_ahead_log_stays_within_its_limit_under_steady_writes():
    """1,200 sales from 8 clients without a pause: with --wal-limit 1 the WAL ends within
    1 MiB and a batch's pages (8 sales' at most here: < 1 MiB), not the many MiB the same
    writes leave with a limit too large to reach; nothing is lost either way."""
    bounded = steady_writes(1)
    unbounded = steady_writes(65536)
    print(f"WAL after the writes: {bounded} bytes with --wal-limit 1, {unbounded} without")
    assert unbounded > 4 << 20, f"the load outgrows 1 MiB many times: {unbounded} bytes"
    assert bounded < 2 << 20, f"--wal-limit 1 keeps the WAL near 1 MiB: {bounded} bytes"



@test
def a_wal_limit_out_of_range_is_refused_before_serving():
    """serve --wal-limit takes 1 to 65536 MiB: 0, 65537 and a word are usage errors (exit 2)
    that name the option, and nothing listens."""
    ws = workspace()
    for bad in ("0", "65537", "big"):
        r = ws.fail("serve", "--listen", "127.0.0.1:0", "--wal-limit", bad, code=2,
                    contains="wal-limit")
        eq(r.out, "", f"--wal-limit {bad}: nothing printed as if serving")


# --- a write that ends the whole transaction ----------------------------------------------------


@sqlite_only
@test
def a_write_that_ends_the_transaction_ends_its_batch_with_nothing_kept():
    """A customer named "Rollback" fires RAISE(ROLLBACK): SQLite ends the whole transaction
    there, not just that write's savepoint. The writes queued behind it in the batch are not
    run outside any transaction (each would commit alone while its batch is told it failed):
    every write of the batch answers the same retryable 503 and none of them is stored."""
    with Env() as e:
        rep = e.sign_in("rep")
        e.ws.sql("CREATE TRIGGER gc_rollback AFTER INSERT ON customers WHEN NEW.name = 'Rollback' "
                 "BEGIN SELECT RAISE(ROLLBACK, 'the trap ends the transaction'); END")
        with e.ws.hold_write_lock():
            first = Sender(e, rep, "POST", SALES, sale(customer="First"))
            first.start()
            assert first.sent.wait(30)
            wait_in_flight(e, 1)
            before = [Sender(e, rep, "POST", SALES, sale(customer=f"Before {i}")) for i in range(2)]
            trap = Sender(e, rep, "POST", SALES, sale(customer="Rollback"))
            after = [Sender(e, rep, "POST", SALES, sale(customer=f"After {i}", qty=1 + i)) for i in range(3)]
            ts = before + [trap] + after
            for t in ts:
                t.start()
            for t in ts:
                assert t.sent.wait(30)
            wait_in_flight(e, 1 + len(ts))
        first.finish()
        for t in ts:
            t.finish()
        for t in before + after:
            expect_error(Answer(t), 503, "unavailable", "db", "db_unavailable")
        assert trap.status >= 400, f"the trap itself: {trap!r}"
        assert first.status in (201, 503), f"the lone first write: {first!r}"
        names = sorted(r[0] for r in e.ws.sql("SELECT name FROM customers"))
        eq(names, ["First"] if first.status == 201 else [], "no customer of the batch kept")
        eq(sorted(x["customer"] for x in listed(rep).values()), ["First"] if first.status == 201 else [],
           "no sale of the batch kept")
        e.ws.sql("DROP TRIGGER gc_rollback")
        for t in after:
            eq(rep.post(SALES, json.loads(t.raw.split(b"\r\n\r\n", 1)[1])).status, 201, "a retry")
        db_check(e)


# --- a batch's sale sums, written once at its end ----------------------------------------------


def goal_actuals(c):
    return {g["name"]: g["actual"] for g in c.ok("GET", "/api/v1/projects/P1/goals")["goals"]}


@test
def sale_sums_of_a_batch_are_written_once_and_read_right_by_the_writes_among_them():
    """Sales added, changed and removed in one batch leave their sums to its end; a write
    among them that reads the sums (a goal on a new customer scope builds that scope's rows
    from the sales) finds them written first, and those after it add to them: every sum, every
    customer's days and both new-customer goals come out as the sales left say, with db check
    clean."""
    with Env() as e:
        rep, rep2, mgr = e.sign_in("rep"), e.sign_in("rep2"), e.sign_in("mgr")
        window = {"start": "2026-01-01", "due": "2026-12-31", "owner": "mgr",
                  "rationale": "all year", "target": 10}
        mgr.ok("POST", "/api/v1/projects/P1/goals",
               dict(window, name="new", metric="new_customers"), status=201)
        first = [rep.ok("POST", SALES, sale(customer=f"C{i}", date=f"2026-02-{1 + i:02d}",
                                            channel=("shop", "direct")[i % 2]), status=201)
                 for i in range(4)]
        # in one batch: sales of old and new customers, the goal on the shop channel (whose
        # customer rows are built from the sales as they are then), more sales, a change
        # that moves C1's sale to the shop, and C2's only sale removed
        reqs = [(rep, "POST", SALES, sale(customer="C0", date="2026-03-01", channel="shop"), None),
                (rep2, "POST", SALES, sale(customer="N1", date="2026-03-02", channel="shop"), None),
                (rep2, "POST", SALES, sale(customer="N2", date="2026-03-03"), None),
                (mgr, "POST", "/api/v1/projects/P1/goals",
                 dict(window, name="new in shop", metric="new_customers",
                      scope={"channel": "shop"}), None),
                (rep, "POST", SALES, sale(customer="N3", date="2026-03-04", channel="shop"), None),
                (rep2, "POST", SALES, sale(customer="N1", date="2026-03-05", channel="shop"), None),
                (rep, "PATCH", f"{SALES}/{first[1]['id']}", {"channel": "shop", "version": 1},
                 None),
                (rep, "DELETE", f"{SALES}/{first[2]['id']}?version=1", None, None),
                (rep, "POST", SALES, sale(customer="N4", date="2026-03-06"), None)]
        ts, commits, writes = burst(e, reqs, ordered=True)
        eq([t.status for t in ts], [201, 201, 201, 201, 201, 201, 200, 200, 201],
           f"statuses: {ts}")
        eq(writes, 9, "nine writes on the writer")
        assert 1 <= commits <= 2, f"9 queued writes took {commits} commits"
        left = listed(mgr).values()
        # by hand: the customers with a sale left (all of 2026 is the window), and those of them
        # with a sale on the shop channel
        everyone = {x["customer"] for x in left}
        shop = {x["customer"] for x in left if x["channel"] == "shop"}
        eq(everyone, {"C0", "C1", "C3", "N1", "N2", "N3", "N4"}, "the customers left")
        eq(shop, {"C0", "C1", "N1", "N3"}, "the shop's customers")
        eq(goal_actuals(mgr), {"new": 7, "new in shop": 4}, "new customers, all and in the shop")
        d = e.as_("vw").ok("GET", "/api/v1/projects/P1/dashboard")
        eq((d["totals"]["lines"], d["totals"]["revenue"]),
           (len(left), sum(x["amount"] for x in left)), "the dashboard's totals")
        by_channel = {}
        for x in left:
            by_channel[x["channel"]] = by_channel.get(x["channel"], 0) + x["amount"]
        eq({x["code"]: x["revenue"] for x in d["breakdowns"]["channel"]}, by_channel,
           "revenue by channel")
        db_check(e)


@sqlite_only
@test
def writes_of_one_batch_are_held_together_to_the_workspace_total_limit():
    """Each sale is judged against the workspace's total with the sales before it in its
    batch counted, though their sums are written only at its end: with room for one more sale,
    the first of three queued ones is stored and the other two refused (total_limit), each
    alone; the batch itself commits. (The total is set near the limit by SQL: a workspace
    does not reach 10^16 yuan in a test's time.)"""
    with Env() as e:
        rep = e.sign_in("rep")
        rep.ok("POST", SALES, sale(customer="Seed"), status=201)
        limit = 10 ** 18
        e.ws.sql("UPDATE sale_rollup SET amount_minor = ? WHERE dim = 'total'",
                 limit - 30000)
        one = sale(customer="Big", qty=2, price=10000)  # 20,000 cents: room for one, not two
        ts, commits, writes = burst(e, [(rep, "POST", SALES, dict(one, customer=f"Big {i}"), None)
                                        for i in range(3)])
        eq(sorted(t.status for t in ts), [201, 422, 422], f"one stored, two refused: {ts}")
        for t in ts:
            if t.status == 422:
                expect_error(Answer(t), 422, "invalid", None, "total_limit")
        eq(e.ws.sql("SELECT amount_minor FROM sale_rollup WHERE dim = 'total'"),
           [(limit - 30000 + 20000,)], "the total holds the one stored")
        stored = next(t.json()["customer"] for t in ts if t.status == 201)
        eq(sorted(x["customer"] for x in listed(rep).values()), sorted(["Seed", stored]),
           "the seed and the one stored")


if __name__ == "__main__":
    run_all()
