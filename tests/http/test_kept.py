"""test_kept.py - dashboards kept across restarts (table kept_answers, src/analytics/kept.h),
on SQLite or PostgreSQL as SALESPM_TEST_BACKEND says: at a stop the server keeps the
dashboards it was asked for, computed anew where a write came after the last answer; the
next start sends the kept answer while the data is unchanged, and computes it again once
any write came (by the CLI, with no server running). Expected revenues are quantity x unit
price of the sales the test makes, in cents."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import Server, eq, run_all, test  # noqa: E402
from fixture import workspace  # noqa: E402

DASH = "/api/v1/projects/P1/dashboard?as_of=2026-12-31"
HEADER = "date,customer,product,channel,rep,quantity,unit_price,discount\n"


def env():
    return workspace(users=("rep", "vw"), channels=("direct",), products=("SKU-1",))


def sale(qty, price=10000):
    return {"date": "2026-03-01", "customer": "甲公司", "product": "SKU-1", "channel": "direct",
            "quantity": qty, "unit_price": price}


def revenue(resp):
    eq(resp.status, 200, f"dashboard answered {resp!r}")
    return resp.json()["totals"]["revenue"]


def kept(ws):
    """The kept answers: {key: the answer as JSON}."""
    return {k: json.loads(b) for k, b in ws.sql("SELECT key, body FROM kept_answers")}


@test
def the_next_start_sends_the_answer_kept_at_the_stop():
    ws = env()
    with Server(ws) as srv:
        admin = srv.client("admin")
        admin.ok("POST", "/api/v1/projects/P1/sales", sale(3, 12345), status=201)
        first = admin.get(DASH)
        eq(revenue(first), 3 * 12345, "the sale counted")
    rows = kept(ws)
    eq(len(rows), 1, "the one dashboard asked for is kept")
    key, answer = next(iter(rows.items()))
    assert key.startswith("dashboard/P1/"), key
    eq(answer, first.json(), "kept as it was sent")
    # what the next start sends is the kept answer (marked here, so that it shows)
    answer["totals"]["revenue"] = 777
    ws.sql("UPDATE kept_answers SET body = ?", json.dumps(answer))
    with Server(ws) as srv:
        eq(revenue(srv.client("vw").get(DASH)), 777, "the kept answer, not computed")
        # a write: computed again from the data
        srv.client("admin").ok("POST", "/api/v1/projects/P1/sales", sale(1), status=201)
        eq(revenue(srv.client("admin").get(DASH)), 3 * 12345 + 10000, "computed after a write")


@test
def a_write_while_no_server_runs_is_not_hidden_by_a_kept_answer():
    ws = env()
    with Server(ws) as srv:
        eq(revenue(srv.client("admin").get(DASH)), 0, "no sales yet")
    eq([a["totals"]["revenue"] for a in kept(ws).values()], [0], "kept: no sales")
    ws.write("more.csv", HEADER + "2026-04-01,乙公司,SKU-1,direct,admin,7,100.00,0.00\n")
    ws.ok("sale", "import", "P1", ws.path("more.csv"))
    ws.ok("goal", "add", "P1", "--metric", "revenue", "--target", "1000.00", "--start",
          "2026-01-01", "--due", "2026-12-31", "--rationale", "test")
    with Server(ws) as srv:
        d = srv.client("rep").get(DASH)
        eq(revenue(d), 7 * 10000, "the import counts")
        eq([(g["metric"], g["actual"]) for g in d.json()["goals"]], [("revenue", 7 * 10000)],
           "the goal added is there, with its actual")
    eq([a["totals"]["revenue"] for a in kept(ws).values()], [7 * 10000],
       "the answer at the old data is gone, the new one kept")


@test
def a_write_after_the_last_answer_is_in_the_answer_kept():
    ws = env()
    with Server(ws) as srv:
        admin = srv.client("admin")
        eq(revenue(admin.get(DASH)), 0, "no sales yet")
        admin.ok("POST", "/api/v1/projects/P1/sales", sale(4), status=201)
    eq([a["totals"]["revenue"] for a in kept(ws).values()], [4 * 10000],
       "computed anew at the stop")
    with Server(ws) as srv:
        eq(revenue(srv.client("admin").get(DASH)), 4 * 10000, "and sent after the start")


@test
def a_reader_who_may_not_see_the_project_gets_no_kept_answer():
    ws = env()
    ws.ok("user", "add", "other", "--name", "OTHER", "--role", "viewer", "--password-file",
          ws.path("vw.pw"))
    with Server(ws) as srv:
        eq(revenue(srv.client("admin").get(DASH)), 0, "kept for the next start")
    with Server(ws) as srv:
        eq(srv.client("other", password=open(ws.path("vw.pw")).read().strip()).get(DASH).status,
           404, "not a member of P1: no dashboard, kept or not")


if __name__ == "__main__":
    run_all()
