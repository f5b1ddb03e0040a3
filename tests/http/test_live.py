"""test_live.py - the live stream (GET /api/v1/events, server-sent events): a second
client's stream receives each change within a second of its write by another user through
the API (a sale, a deal's stage move, a task, a problem) and by the CLI in another process;
a member of another project receives nothing of it, and a member removed while connected
stops receiving; a project filter; Last-Event-ID resumes; the bounds answer 429 / 503 with
their reason; a quiet stream is pinged; a session ended (signed out) ends its stream; SIGTERM
with open streams exits at once.

P1 (fixture): mgr its manager, rep and rep2 members, vw a viewer; out is on P2 only."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import Env, expect_error, sale, workspace  # noqa: E402
from harness import eq, run_all, test  # noqa: E402
from sse import Stream  # noqa: E402

P1 = "/api/v1/projects/P1"
WITHIN = 1.0  # seconds: the bar of issue 12


def metric(text, name):
    """The value of an unlabelled metric in a Prometheus text exposition."""
    for line in text.splitlines():
        if line.startswith(name + " "):
            return int(line.split()[1])
    raise AssertionError(f"no {name} in /metrics")


def make_ws():
    ws = workspace(("mgr", "rep", "rep2", "vw", "out"), projects=("P1", "P2"),
                   channels=("direct",), products=("SKU-1",), today="2026-03-02")
    ws.ok("member", "add", "P2", "out", "--role", "member")
    return ws


def opened(s):
    """Wait until the server's fan-out took the stream in (its first comment came)."""
    with s.cond:
        end = time.monotonic() + 5
        while not s.comments and time.monotonic() < end:
            s.cond.wait(0.05)
    assert s.comments, "the stream never opened"
    time.sleep(0.3)  # the fan-out judges a new stream within its poll


def arrives(s, kind, action, record_id, t0, what):
    """The change (kind, action, record_id) of P1 reaches s within WITHIN of t0."""
    e = s.wait(lambda e: e[1] == "change" and e[3]["kind"] == kind and
               e[3]["action"] == action and e[3]["id"] == record_id, 3)
    assert e, f"{what}: no change {kind}/{action}/{record_id} came; got {s.changes()}"
    eq(e[3]["project"], "P1", f"{what}: its project")
    eq(e[2], e[3]["event_id"], f"{what}: the event's id is its audit id")
    assert e[0] - t0 <= WITHIN, f"{what}: came {e[0] - t0:.3f} s after the write"
    return e


@test
def changes_reach_a_second_client_within_a_second():
    ws = make_ws()
    with Env(ws) as env:
        mgr, rep = env.as_("mgr"), env.as_("rep")
        vw = env.as_("vw")
        watch = Stream(vw)           # a viewer of P1: every project it sees
        only = Stream(mgr, "?project=P1")
        outsider = Stream(env.as_("out"))  # a member of P2 only
        for s in (watch, only, outsider):
            eq(s.status, 200, "opened")
            opened(s)

        t0 = time.monotonic()
        s1 = rep.ok("POST", P1 + "/sales", sale(customer="Acme", qty=3, price=2500), status=201)
        arrives(watch, "sale", "create", s1["id"], t0, "a sale by the API")
        arrives(only, "sale", "create", s1["id"], t0, "a sale, project stream")

        d = rep.ok("POST", P1 + "/deals", {"title": "框架协议", "customer": "Acme",
                                           "channel": "direct"}, status=201)
        t0 = time.monotonic()
        rep.ok("POST", f"{P1}/deals/{d['id']}/stage", {"stage": "proposal", "version": 1})
        arrives(watch, "deal", "stage", d["id"], t0, "a deal moved")

        t0 = time.monotonic()
        t = rep.ok("POST", P1 + "/tasks", {"title": "回访经销商", "assignee": "rep",
                                           "start": "2026-03-02", "due": "2026-03-06"},
                   status=201)
        arrives(watch, "task", "create", t["id"], t0, "a task")

        cust = ws.sql("SELECT id FROM customers WHERE name = ?", "Acme")[0][0]
        t0 = time.monotonic()
        p = rep.ok("POST", P1 + "/problems", {"type": "delivery", "severity": "high",
                                              "title": "到货延迟", "owner": "rep",
                                              "customer": cust}, status=201)
        arrives(watch, "problem", "create", p["id"], t0, "a problem")

        # a noun of the entity engine (a budget line): its project from its own table
        t0 = time.monotonic()
        bl = mgr.ok("POST", P1 + "/budget_lines", {"category": "travel", "name": "差旅",
                                                   "allocated": 100000}, status=201)
        arrives(watch, "budget", "create", bl["id"], t0, "a budget line")

        # the CLI, in another process, writing to the same database
        t0 = time.monotonic()
        s2 = ws.js("sale", "add", "P1", "--date", "2026-03-01", "--customer", "Beta",
                   "--product", "SKU-1", "--channel", "direct", "--quantity", "1", "--price",
                   "100.00", "--rep", "rep2", as_="rep2")
        arrives(watch, "sale", "create", s2["id"], t0, "a sale by the CLI")

        # a write in P2 reaches its member and neither P1 stream
        t0 = time.monotonic()
        ws.js("sale", "add", "P2", "--date", "2026-03-01", "--customer", "Gamma", "--product",
              "SKU-1", "--channel", "direct", "--quantity", "1", "--price", "9.00", "--rep",
              "out", as_="out")
        e = outsider.wait(lambda e: e[1] == "change" and e[3]["project"] == "P2", 3)
        assert e and e[0] - t0 <= WITHIN, f"the P2 member's change: {outsider.changes()}"
        time.sleep(0.5)
        eq([c["project"] for c in outsider.changes()], ["P2"], "the outsider saw only P2")
        eq({c["project"] for c in watch.changes()}, {"P1"}, "the P1 viewer saw nothing of P2")
        eq({c["project"] for c in only.changes()}, {"P1"}, "the P1 stream saw only P1")
        # the data version moves with every change
        versions = [c["version"] for c in watch.changes()]
        eq(versions, sorted(versions), "versions only grow")
        # /metrics counts the streams open and the changes sent (each change once per stream
        # that may see it)
        text = env.anon().get("/metrics").body.decode()
        eq(metric(text, "salespm_live_streams"), 3, "three streams open")
        eq(metric(text, "salespm_live_events_total"), len(watch.changes()) + len(only.changes())
           + len(outsider.changes()), "every change sent counted")
        for s in (watch, only, outsider):
            s.close()


@test
def a_member_removed_while_connected_stops_receiving():
    ws = make_ws()
    with Env(ws) as env:
        mgr, rep2 = env.as_("mgr"), env.as_("rep2")
        s = Stream(rep2)
        opened(s)
        t0 = time.monotonic()
        a = mgr.ok("POST", P1 + "/sales", sale(customer="Acme"), status=201)
        arrives(s, "sale", "create", a["id"], t0, "while a member")
        mgr.ok("DELETE", P1 + "/members/rep2")
        time.sleep(0.5)
        b = mgr.ok("POST", P1 + "/sales", sale(customer="Beta"), status=201)
        t = mgr.ok("POST", P1 + "/tasks", {"title": "x", "assignee": "rep", "start": "2026-03-02",
                                           "due": "2026-03-03"}, status=201)
        time.sleep(1.2)
        ids = [(c["kind"], c["id"]) for c in s.changes()]
        assert ("sale", b["id"]) not in ids and ("task", t["id"]) not in ids, \
            f"a removed member still receives: {ids}"
        s.close()


@test
def a_project_not_seen_is_not_found():
    ws = make_ws()
    with Env(ws) as env:
        s = Stream(env.as_("out"), "?project=P1")
        expect_error(s.error(), 404, "not_found", field="project")
        s = Stream(env.anon())
        expect_error(s.error(), 401, "unauthenticated")


@test
def resume_from_last_event_id():
    ws = make_ws()
    with Env(ws) as env:
        rep, vw = env.as_("rep"), env.as_("vw")
        s = Stream(vw)
        opened(s)
        a = rep.ok("POST", P1 + "/sales", sale(customer="A1"), status=201)
        first = s.wait(lambda e: e[1] == "change" and e[3]["id"] == a["id"], 3)
        assert first, "the first change came"
        s.close()
        b = rep.ok("POST", P1 + "/sales", sale(customer="A2"), status=201)
        c = rep.ok("POST", P1 + "/sales", sale(customer="A3"), status=201)
        time.sleep(0.5)
        again = Stream(vw, last_id=first[2])
        opened(again)
        got = [x["id"] for x in again.changes() if x["kind"] == "sale"]
        eq(got, [b["id"], c["id"]], "the changes missed while away, in order, once")
        again.close()
        # an id from before the server started cannot be resumed: read everything again
        old = Stream(vw, last_id=0)
        assert old.wait(lambda e: e[1] == "reset", 3), "a reset for a resume too old"
        old.close()


@test
def bounds_answer_with_their_reason():
    ws = make_ws()
    with Env(ws, "--events-max", "3", "--events-per-user", "2") as env:
        vw = env.as_("vw")
        a, b = Stream(vw), Stream(vw)
        eq((a.status, b.status), (200, 200), "two for one user")
        c = Stream(vw)
        expect_error(c.error(), 429, "rate_limited", reason="events_per_user",
                     params={"max": 2})
        d = Stream(env.as_("rep"))
        eq(d.status, 200, "a third stream of another user")
        e = Stream(env.as_("mgr"))
        expect_error(e.error(), 503, "unavailable", reason="events_full", params={"max": 3})
        a.close()
        # a closed stream's place is free again once the server notices (at its next ping
        # or write at most); a write wakes every stream
        env.as_("rep").ok("POST", P1 + "/sales", sale(), status=201)
        time.sleep(0.5)
        f = Stream(env.as_("mgr"))
        eq(f.status, 200, "room again once one closed")
        for s in (b, d, f):
            s.close()


@test
def a_quiet_stream_is_pinged():
    ws = make_ws()
    with Env(ws, "--events-ping", "1") as env:
        s = Stream(env.as_("vw"))
        time.sleep(2.6)
        pings = [c for c in s.comments if c[1] == "ping"]
        assert len(pings) >= 2, f"pings in 2.6 s at 1 s: {s.comments}"
        s.close()


@test
def a_session_ended_ends_its_stream():
    ws = make_ws()
    with Env(ws) as env:
        vw = env.sign_in("vw")
        s = Stream(vw)
        opened(s)
        vw.ok("DELETE", "/api/v1/session")
        assert s.wait_closed(3), "the stream ended with its session"
        ends = [e for e in s.events if e[1] == "end"]
        eq([e[3] for e in ends], [{"reason": "session_ended"}], "it says why")
        # an API token's stream is judged likewise: a revoked token ends it
        admin = env.as_("admin")
        tok = admin.ok("POST", "/api/v1/tokens", {"name": "live"})
        c = env.anon()
        c.token = tok["secret"]
        t = Stream(c)
        eq(t.status, 200, "a token opens a stream")
        opened(t)
        admin.ok("DELETE", f"/api/v1/tokens/{tok['token']['id']}")
        assert t.wait_closed(3), "the stream ended with its token"


@test
def sigterm_with_open_streams_exits_promptly():
    ws = make_ws()
    env = Env(ws)
    streams = [Stream(env.as_(who)) for who in ("vw", "rep", "mgr")]
    for s in streams:
        opened(s)
    t0 = time.monotonic()
    env.srv.stop()
    took = time.monotonic() - t0
    assert took < 3, f"the server took {took:.2f} s to stop with open streams"
    for s in streams:
        assert s.wait_closed(2), "each stream ended"


@test
def records_of_the_generic_nouns_reach_their_own_projects_readers():
    """A budget line made in P2 (id 1), then an expense in P1 (id 1 too) and a comment on a
    P1 deal: the expense and the comment reach P1's reader as P1's, and nothing of P2 does
    (their project is read from each noun's own table: a lookup that kept the first table's
    statement would have named the expense P2's)."""
    ws = make_ws()
    ws.ok("member", "add", "P2", "mgr", "--role", "manager")
    with Env(ws) as env:
        mgr, rep = env.as_("mgr"), env.as_("rep")
        s = Stream(env.as_("vw"))
        eq(s.status, 200, "opened")
        opened(s)
        mgr.ok("POST", "/api/v1/projects/P2/budget_lines",
               {"category": "travel", "name": "P2 trips", "allocated": 100000}, status=201)
        line = mgr.ok("POST", P1 + "/budget_lines",
                      {"category": "travel", "name": "P1 trips", "allocated": 100000}, status=201)
        t0 = time.monotonic()
        x = rep.ok("POST", P1 + "/expenses", {"line": line["id"], "amount": 100, "note": "taxi"},
                   status=201)
        arrives(s, "expense", "create", x["id"], t0, "an expense of P1")
        rep.ok("POST", P1 + "/sales", sale(customer="Acme"), status=201)
        d = rep.ok("POST", P1 + "/deals", {"title": "框架协议", "customer": "Acme",
                                           "channel": "direct"}, status=201)
        t0 = time.monotonic()
        c = mgr.ok("POST", "/api/v1/comments", {"on": f"deal:{d['id']}", "body": "@rep 看看"},
                   status=201)
        arrives(s, "comment", "create", c["id"], t0, "a comment on a P1 deal")
        eq([e[3]["project"] for e in s.events if e[1] == "change"],
           ["P1"] * len([e for e in s.events if e[1] == "change"]), "only P1's changes")


if __name__ == "__main__":
    run_all()
