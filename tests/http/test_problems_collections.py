"""test_problems_collections.py - problems and collections over HTTP: a problem made, moved
through its statuses (the move's errors naming their fields, a stale version 409), the SLA
read and set (its body's errors), the per-owner summary; a collection of a won deal, receipts
recorded and taken back, the totals and the won deals with their plans. Every answer is
checked against the OpenAPI document by the harness.

P1 (fixture): mgr its manager, rep and rep2 members, vw a viewer; out on no project. Today is
2026-06-15; SALESPM_NOW is not set, so due times are checked against opened_at."""
import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from deal_rows import insert_deal  # noqa: E402
from fixture import Env, expect_error, workspace  # noqa: E402
from harness import eq, run_all, test  # noqa: E402

P = "/api/v1/projects/P1"


def setup():
    ws = workspace(("mgr", "rep", "rep2", "vw", "out"), channels=("direct",), products=("SKU-1",),
                   today="2026-06-15")
    for customer in ("Acme", "Beta"):
        ws.ok("sale", "add", "P1", "--date", "2026-02-01", "--customer", customer, "--product",
              "SKU-1", "--channel", "direct", "--rep", "rep", "--quantity", "1", "--price", "100.00")
    ids = {n: ws.sql("SELECT id FROM customers WHERE name = ?", n)[0][0] for n in ("Acme", "Beta")}
    return ws, ids


def plus_hours(ts, hours):
    t = datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(hours=hours)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


@test
def a_problem_through_its_statuses_by_its_owner():
    ws, cust = setup()
    with Env(ws) as env:
        mgr, rep, rep2, vw, out = (env.as_(x) for x in ("mgr", "rep", "rep2", "vw", "out"))
        p = rep.ok("POST", P + "/problems", {"type": "delivery", "severity": "critical",
                                             "title": "到货延误", "owner": "rep",
                                             "customer": cust["Acme"]}, status=201)
        eq((p["status"], p["due_at"], p["overdue"]), ("open", plus_hours(p["opened_at"], 4), False),
           "due four hours after it was opened")
        url = P + f"/problems/{p['id']}/status"
        expect_error(rep.post(url, {"status": "resolved", "version": 1}), 422, "invalid",
                     "resolution", "required")
        expect_error(rep.post(url, {"status": "closed", "version": 1}), 422, "invalid", "status",
                     "problem_move", {"from": "open", "status": "closed"})
        expect_error(rep.post(url, {"status": "paused", "version": 1}), 422, "invalid", "status",
                     "bad_enum")
        expect_error(rep.post(url, {"status": "in_progress", "version": 7}), 409, "conflict")
        expect_error(rep.post(url, {"status": "in_progress", "version": 1, "extra": 1}), 422,
                     "invalid", "extra", "unknown_field")
        expect_error(rep2.post(url, {"status": "in_progress", "version": 1}), 403, "forbidden",
                     "owner", "own_records_only")
        expect_error(vw.post(url, {"status": "in_progress", "version": 1}), 403, "forbidden")
        expect_error(out.post(url, {"status": "in_progress", "version": 1}), 404, "not_found")
        s = rep.ok("POST", url, {"status": "in_progress", "version": 1})
        eq((s["status"], s["version"]), ("in_progress", 2), "started")
        r = rep.ok("POST", url, {"status": "resolved", "version": 2, "resolution": "已补发"})
        eq((r["status"], r["resolution"], r["sla_met"]), ("resolved", "已补发", True), "resolved in time")
        c = mgr.ok("POST", url, {"status": "closed", "version": 3, "note": "客户已签收"})
        eq(c["status"], "closed", "closed by the manager")
        shown = vw.ok("GET", P + f"/problems/{p['id']}")
        eq([(h["from"], h["to"], h["by"]) for h in shown["history"]],
           [(None, "open", "rep"), ("open", "in_progress", "rep"), ("in_progress", "resolved", "rep"),
            ("resolved", "closed", "mgr")], "the history a viewer reads")
        summary = vw.ok("GET", P + "/problems/summary")
        eq([(o["owner"], o["open"], o["resolved"], o["resolved_in_sla"]) for o in summary["owners"]],
           [("rep", 0, 1, 1)], "per owner")
        eq(out.get(P + "/problems/summary").status, 404, "not for someone off the project")


@test
def the_sla_read_by_members_set_by_managers():
    ws, cust = setup()
    with Env(ws) as env:
        mgr, rep, vw = (env.as_(x) for x in ("mgr", "rep", "vw"))
        got = vw.ok("GET", P + "/sla")["sla"]
        eq({x["severity"]: x["hours"] for x in got}, {"low": 168, "medium": 72, "high": 24, "critical": 4},
           "the standard table")
        put = mgr.ok("PUT", P + "/sla", {"critical": 2, "medium": 48})
        eq({x["severity"]: (x["hours"], x["custom"]) for x in put["sla"]},
           {"low": (168, False), "medium": (48, True), "high": (24, False), "critical": (2, True)},
           "two changed")
        for body, field, reason in (({"critical": 0}, "critical", "sla_range"),
                                    ({"low": 8761}, "low", "sla_range"),
                                    ({}, "sla", "sla_nothing"),
                                    ({"high": "4h"}, "high", "wrong_type"),
                                    ({"urgent": 1}, "urgent", "unknown_field")):
            expect_error(mgr.request("PUT", P + "/sla", body), 422, "invalid", field, reason)
        expect_error(rep.request("PUT", P + "/sla", {"critical": 1}), 403, "forbidden")
        eq({x["severity"]: x["hours"] for x in rep.ok("GET", P + "/sla")["sla"]}["critical"], 2,
           "refusals changed nothing")
        p = mgr.ok("POST", P + "/problems", {"type": "product", "severity": "medium", "title": "固件缺陷",
                                             "owner": "rep2", "customer": cust["Beta"]}, status=201)
        eq(p["due_at"], plus_hours(p["opened_at"], 48), "a new problem takes the project's hours")


@test
def a_collection_received_in_parts_and_the_totals():
    ws, cust = setup()
    deal = insert_deal(ws, "P1", "Acme", "rep", 5000000, title="Acme 机房改造")
    lost = insert_deal(ws, "P1", "Beta", "rep2", 5000000, stage="lost")
    with Env(ws) as env:
        mgr, rep, rep2, vw, out = (env.as_(x) for x in ("mgr", "rep", "rep2", "vw", "out"))
        c = rep.ok("POST", P + "/collections", {"deal": deal, "due": "2026-06-01", "amount": 3000000},
                   status=201)
        eq((c["status"], c["outstanding"], c["owner"]), ("overdue", 3000000, "rep"), "due before today")
        expect_error(mgr.post(P + "/collections", {"deal": lost, "due": "2026-07-01", "amount": 1}),
                     422, "invalid", "deal", "deal_not_won", {"deal": str(lost), "stage": "lost"})
        expect_error(mgr.post(P + "/collections", {"deal": deal, "due": "2026-07-01",
                                                   "amount": 2000001}),
                     422, "invalid", "amount", "plan_over_deal",
                     {"deal": str(deal), "amount": "50000.00", "planned": "30000.00", "left": "20000.00"})
        url = P + f"/collections/{c['id']}/receipts"
        r = rep.ok("POST", url, {"amount": 1000000, "received_on": "2026-06-10", "note": "电汇"},
                   status=201)
        eq((r["received"], r["outstanding"], r["status"], [x["amount"] for x in r["receipts"]]),
           (1000000, 2000000, "overdue", [1000000]), "a third received")
        expect_error(rep.post(url, {"amount": 2000001}), 422, "invalid", "amount", "receipt_over",
                     {"amount": "20000.01", "outstanding": "20000.00"})
        expect_error(rep.post(url, {"amount": 5, "received_on": "2026-06-16"}), 422, "invalid",
                     "received_on", "date_future")
        expect_error(rep.post(url, {"amount": 1.5}), 422, "invalid", "amount", "wrong_type")
        expect_error(rep2.post(url, {"amount": 1}), 403, "forbidden", "owner", "own_records_only")
        expect_error(vw.post(url, {"amount": 1}), 403, "forbidden")
        expect_error(out.post(url, {"amount": 1}), 404, "not_found")
        r = mgr.ok("POST", url, {"amount": 2000000}, status=201)
        eq((r["status"], r["receipts"][-1]["received_on"]), ("received", "2026-06-15"), "the rest, today")
        t = vw.ok("GET", P + "/collections/summary")
        eq((t["today"], t["total"]["planned"], t["total"]["received"], t["total"]["outstanding"],
            t["total"]["overdue"]), ("2026-06-15", 3000000, 3000000, 0, 0), "received in full")
        deals = vw.ok("GET", P + "/collections/deals")["deals"]
        eq([(d["id"], d["title"], d["planned"], d["left_to_plan"], len(d["collections"][0]["receipts"]))
            for d in deals], [(deal, "Acme 机房改造", 3000000, 2000000, 2)], "the won deal, not the lost one")
        rid = r["receipts"][0]["id"]
        back = rep.ok("DELETE", url + f"/{rid}")
        eq((back["received"], back["status"]), (2000000, "overdue"), "the first receipt taken back")
        expect_error(rep.request("DELETE", url + f"/{rid}"), 404, "not_found", "receipt")
        expect_error(rep2.request("DELETE", url + f"/{r['receipts'][1]['id']}"), 403, "forbidden")
        eq(out.get(P + "/collections/deals").status, 404, "not for someone off the project")


if __name__ == "__main__":
    run_all()
