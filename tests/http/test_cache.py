"""test_cache.py - the kept dashboard answer over HTTP: the gzipped answer is the plain one
gzipped, an ETag names it and If-None-Match gets 304 until a write changes it; and two
`salespm serve` on one database (SQLite file or PostgreSQL database, as
SALESPM_TEST_BACKEND says) answer from memory only what is still current: a write through
one, or by the CLI, is seen through the other at once, and a session ended, a user
deactivated, a role changed or a membership removed through one is in force on the other
at once. On PostgreSQL the other server learns of a write from a NOTIFY, which travels on
its own: a write is answered after the writer's own listener heard it, so the other's has
almost always heard it too, but on a loaded machine it may come a few milliseconds later;
there the other server's answer is asked for again, for at most LAG seconds. Expected
revenues are quantity x unit price of the sales the test makes, in cents."""
import gzip
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import BACKEND, Server, eq, run_all, test  # noqa: E402
from fixture import workspace  # noqa: E402

DASH = "/api/v1/projects/P1/dashboard?as_of=2026-12-31"


def env():
    return workspace(users=("rep", "rep2", "vw"), channels=("direct",), products=("SKU-1",))


def sale(qty, price=10000):
    return {"date": "2026-03-01", "customer": "甲公司", "product": "SKU-1", "channel": "direct",
            "quantity": qty, "unit_price": price}


LAG = 2.0 if BACKEND == "postgresql" else 0.0


def soon(ask, want):
    """ask() at once; on PostgreSQL again until it gives want, for at most LAG seconds."""
    got = ask()
    deadline = time.time() + LAG
    while got != want and time.time() < deadline:
        time.sleep(0.005)
        got = ask()
    return got


def revenue(resp):
    eq(resp.status, 200, f"dashboard answered {resp!r}")
    return resp.json()["totals"]["revenue"]


@test
def the_gzipped_answer_is_the_plain_one_gzipped():
    ws = env()
    with Server(ws) as srv:
        admin = srv.client("admin")
        admin.ok("POST", "/api/v1/projects/P1/sales", sale(3, 12345), status=201)
        plain = admin.get(DASH)
        eq(revenue(plain), 3 * 12345, "the sale counted")
        eq(plain.header("Content-Encoding"), None, "not gzipped unless asked")
        eq(plain.header("Vary"), "Accept-Encoding", "caches keep both codings apart")
        eq(plain.header("Cache-Control"), "private, no-cache", "kept by the browser, revalidated")
        zipped = admin.get(DASH, headers={"Accept-Encoding": "gzip, deflate"})
        eq(zipped.header("Content-Encoding"), "gzip", "gzipped when accepted")
        eq(gzip.decompress(zipped.body), plain.body, "the same bytes once gunzipped")
        assert len(zipped.body) < len(plain.body), "smaller"
        etag = plain.header("ETag")
        assert etag and etag.startswith('"') and etag.endswith('"'), etag
        eq(zipped.header("ETag"), etag[:-1] + '-gz"', "the gzipped one has its own ETag")
        # what Accept-Encoding says, weights included
        for ae, coded in (("gzip;q=0", None), ("gzip; q=0.000, br", None), ("br", None),
                          ("br;q=1, gzip;q=0.5", "gzip"), ("*", "gzip"), ("GZIP", "gzip"),
                          ("identity", None), ("x-gzip", None)):
            r = admin.get(DASH, headers={"Accept-Encoding": ae})
            eq(r.header("Content-Encoding"), coded, f"Accept-Encoding: {ae}")
            eq(gzip.decompress(r.body) if coded else r.body, plain.body, f"body for {ae}")
        # a HEAD is answered without the body
        eq(admin.request("HEAD", DASH).body, b"", "HEAD")


@test
def an_etag_is_answered_304_until_a_write_changes_the_answer():
    ws = env()
    with Server(ws) as srv:
        admin = srv.client("admin")
        first = admin.get(DASH)
        eq(revenue(first), 0, "no sales yet")
        etag = first.header("ETag")
        for inm in (etag, "W/" + etag, f'"nope", {etag}', etag[:-1] + '-gz"', "*"):
            r = admin.get(DASH, headers={"If-None-Match": inm})
            eq(r.status, 304, f"If-None-Match: {inm}")
            eq(r.body, b"", "no body")
            eq(r.header("ETag"), etag, "the ETag repeated")
        r = admin.get(DASH, headers={"If-None-Match": etag, "Accept-Encoding": "gzip"})
        eq((r.status, r.header("ETag")), (304, etag[:-1] + '-gz"'), "304 names what it would send")
        r = admin.get(DASH, headers={"If-None-Match": '"nope", W/"also-not"'})
        eq(r.status, 200, "another ETag: the answer")
        eq(r.header("ETag"), etag, "the same answer")
        admin.ok("POST", "/api/v1/projects/P1/sales", sale(2), status=201)
        r = admin.get(DASH, headers={"If-None-Match": etag})
        eq(revenue(r), 2 * 10000, "after a write: the new answer")
        assert r.header("ETag") != etag, "with a new ETag"
        eq(admin.get(DASH, headers={"If-None-Match": r.header("ETag")}).status, 304, "new ETag")
        # another reader gets the same kept answer and ETag
        vw = srv.client("vw")
        eq(vw.get(DASH).header("ETag"), r.header("ETag"), "a viewer of P1: the same answer")


@test
def a_write_through_one_server_is_read_through_the_other_at_once():
    ws = env()
    with Server(ws) as one, Server(ws) as other:
        a, b = one.client("admin"), other.client("rep")
        eq(revenue(b.get(DASH)), 0, "b keeps the empty dashboard")
        eq(revenue(b.get(DASH)), 0, "from memory")
        for i in range(1, 6):
            a.ok("POST", "/api/v1/projects/P1/sales", sale(i), status=201)
            want = sum(range(1, i + 1)) * 10000
            eq(soon(lambda: revenue(b.get(DASH)), want), want, f"b sees a's sale {i}")
        # a write by the CLI, a process of its own, too
        ws.write("more.csv", "date,customer,product,channel,rep,quantity,unit_price,discount\n"
                             "2026-04-01,乙公司,SKU-1,direct,admin,7,100.00,0.00\n")
        ws.ok("sale", "import", "P1", ws.path("more.csv"))
        eq(soon(lambda: revenue(b.get(DASH)), 22 * 10000), 22 * 10000, "b sees the import")
        eq(revenue(a.get(DASH)), 15 * 10000 + 7 * 10000, "and so does a")


@test
def an_ended_session_is_refused_at_once_by_the_other_server():
    ws = env()
    with Server(ws) as one, Server(ws) as other:
        rep_a = one.client("rep")
        rep_b = other.client()
        rep_b.cookie, rep_b.csrf = rep_a.cookie, rep_a.csrf
        eq(revenue(rep_b.get(DASH)), 0, "the session works on b")
        eq(rep_b.get("/api/v1/me").status, 200, "and is remembered there")
        rep_a.ok("DELETE", "/api/v1/session")
        eq(soon(lambda: rep_b.get(DASH).status, 401), 401, "signed out on a: refused by b at once")
        eq(rep_b.get("/api/v1/me").status, 401, "everywhere")


@test
def deactivation_role_and_membership_changes_hold_at_once_on_the_other_server():
    ws = env()
    with Server(ws) as one, Server(ws) as other:
        admin = one.client("admin")
        rep2 = other.client("rep2")
        secret = rep2.ok("POST", "/api/v1/tokens", {"name": "ci"}, status=201)["secret"]
        bot = other.client()
        bot.token = secret
        eq(revenue(bot.get(DASH)), 0, "the token reads on b")
        eq(revenue(rep2.get(DASH)), 0, "the session reads on b")
        v = admin.ok("GET", "/api/v1/users/rep2")["version"]
        admin.ok("PATCH", "/api/v1/users/rep2", {"active": False, "version": v})
        eq(soon(lambda: rep2.get(DASH).status, 401), 401,
           "deactivated on a: the session is refused on b")
        eq(soon(lambda: bot.get(DASH).status, 401), 401, "and the token")
        # a role changed through a is the role on b at once
        vw = other.client("vw")
        eq(vw.ok("GET", "/api/v1/me")["user"]["role"], "viewer", "a viewer on b")
        v = admin.ok("GET", "/api/v1/users/vw")["version"]
        admin.ok("PATCH", "/api/v1/users/vw", {"role": "manager", "version": v})
        eq(soon(lambda: vw.ok("GET", "/api/v1/me")["user"]["role"], "manager"), "manager",
           "a manager on b at once")
        # a member removed from P1 through a no longer reads its dashboard on b
        rep = other.client("rep")
        eq(revenue(rep.get(DASH)), 0, "a member of P1 reads it on b")
        admin.ok("DELETE", "/api/v1/projects/P1/members/rep")
        eq(soon(lambda: rep.get(DASH).status, 404), 404, "no longer a member: refused on b at once")


if __name__ == "__main__":
    run_all()
