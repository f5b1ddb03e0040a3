"""test_engagement.py - activities, customer feedback, the feedback summary and a customer's
timeline over HTTP: what the web UI sends and reads (JSON bodies, ids for customers and deals,
filters in the query), the answers' shape (every answer is also checked against the OpenAPI
document by the harness), and each error with its status, field, reason and params.
Expected values are worked out here by hand (the workspace's time zone is Asia/Shanghai,
UTC+8)."""
import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import Env, expect_error, insert_deal, workspace  # noqa: E402
from harness import eq, run_all, test  # noqa: E402

A = "/api/v1/projects/P1/activities"
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
F = "/api/v1/projects/P1/feedback"


def utc(day, hh, mm, ss=0):
    """A wall-clock time in Shanghai as the API writes an instant (UTC, Z)."""
    y, m, d = map(int, day.split("-"))
    at = datetime.datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI).astimezone(datetime.timezone.utc)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def setup():
    ws = workspace(users=("mgr", "rep", "rep2", "vw", "out"), projects=("P1", "P2"),
                   channels=("direct",), products=("SKU-1", "SKU-2"))
    sales = {}
    for key, project, customer, sku in (("a", "P1", "华东贸易", "SKU-1"), ("b", "P1", "西湖电子", "SKU-2"),
                                        ("n", "P2", "北方重工", "SKU-1")):
        sales[key] = ws.js("sale", "add", project, "--date", "2026-02-01", "--customer", customer,
                           "--product", sku, "--channel", "direct", "--quantity", "1", "--rep",
                           "rep" if project == "P1" else "admin")["id"]
    ids = {c: ws.js("customer", "show", c)["id"] for c in ("华东贸易", "西湖电子", "北方重工")}
    return ws, ids, sales


@test
def activities_log_plan_filter_and_mark_done_over_http():
    ws, ids, _ = setup()
    # the server's clock is the real one (sessions need it): days around today in Shanghai
    today = datetime.datetime.now(SHANGHAI).date()
    day = lambda n: (today + datetime.timedelta(days=n)).isoformat()  # noqa: E731
    deal = insert_deal(ws, "P1", ids["西湖电子"], "rep")
    with Env(ws) as e:
        rep = e.as_("rep")
        done = rep.ok("POST", A, {"kind": "call", "date": day(-3), "time": "16:00",
                                  "customer": ids["华东贸易"], "phase": "pre_sale",
                                  "outcome": "约好演示"}, status=201)
        eq((done["member"], done["status"], done["due_at"], done["overdue"], done["version"]),
           ("rep", "done", None, False, 1), "logged as done by the rep")
        late = rep.ok("POST", A, {"kind": "visit", "date": day(-1), "time": "09:30",
                                  "deal": deal, "phase": "in_sale", "status": "planned"}, status=201)
        eq((late["customer"], late["customer_name"], late["due_at"], late["overdue"]),
           (ids["西湖电子"], "西湖电子", utc(day(-1), 9, 30), True),
           "the deal's customer; due yesterday at 09:30 Shanghai time (01:30Z): overdue")
        later = rep.ok("POST", A, {"kind": "demo", "date": day(2), "customer": ids["西湖电子"],
                                   "phase": "in_sale", "status": "planned"}, status=201)
        eq((later["due_at"], later["overdue"]), (utc(day(2), 23, 59, 59), False),
           "no time: due at the end of its day")
        got = rep.ok("GET", A + "?overdue=true")["activities"]
        eq([a["id"] for a in got], [late["id"]], "?overdue=true")
        got = rep.ok("GET", A + "?status=planned&sort=due_at")["activities"]
        eq([a["id"] for a in got], [late["id"], later["id"]], "the to-dos by due time")
        got = rep.ok("GET", A + f"?deal={deal}")["activities"]
        eq([a["id"] for a in got], [late["id"]], "a deal's activities")
        got = rep.ok("GET", A + f"?date={day(-3)}..{day(-2)}")["activities"]
        eq([a["id"] for a in got], [done["id"]], "a date range")
        before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        m = rep.ok("PATCH", A + f"/{late['id']}", {"status": "done", "version": 1})
        at = datetime.datetime.strptime(m["done_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
        eq((m["status"], m["overdue"], m["version"], m["due_at"]),
           ("done", False, 2, utc(day(-1), 9, 30)), "marked done, its due time kept")
        assert before <= at <= before + datetime.timedelta(seconds=30), f"done_at {m['done_at']} is not now"
        eq(e.as_("vw").ok("GET", A + f"/{late['id']}")["status"], "done", "a viewer reads it")
        # errors: what and where, and nothing changed
        base = {"kind": "call", "date": day(1), "phase": "pre_sale"}
        for body, status, code, field, reason, params in (
                (base, 422, "invalid", "customer", "customer_or_deal", {}),
                ({**base, "customer": ids["华东贸易"], "time": "7:5"}, 422, "invalid", "time",
                 "not_time", {"value": "7:5"}),
                ({**base, "deal": 999999}, 422, "invalid", "deal", "no_deal_in_project",
                 {"deal": 999999, "project": "P1"}),
                ({**base, "deal": deal, "customer": ids["华东贸易"]}, 422, "invalid", "deal",
                 "deal_customer", {"deal": deal, "customer": str(ids["华东贸易"])}),
                ({**base, "customer": ids["华东贸易"], "member": "vw"}, 422, "invalid", "member",
                 "viewer_member", {"login": "vw"}),
                ({**base, "customer": ids["华东贸易"], "kind": "fax"}, 422, "invalid", "kind", None,
                 None),
                ({**base, "customer": ids["华东贸易"], "overdue": True}, 422, "invalid", "overdue",
                 "read_only", None),
                ({**base, "customer": ids["华东贸易"], "colour": 1}, 422, "invalid", "colour",
                 "unknown_field", None),
        ):
            expect_error(e.as_("mgr").post(A, body), status, code, field, reason, params)
        expect_error(rep.post(A, {**base, "customer": ids["华东贸易"], "member": "rep2"}), 403,
                     "forbidden", "member", "own_records_only")
        expect_error(rep.request("PATCH", A + f"/{done['id']}", {"outcome": "x", "version": 9}),
                     409, "conflict")
        expect_error(rep.get(A + "?overdue=maybe"), 422, "invalid", "overdue")
        expect_error(e.as_("out").get(A), 404, "not_found", "project", "no_project")
        eq(len(rep.ok("GET", A)["activities"]), 3, "nothing more was written")


@test
def feedback_and_its_summary_over_http():
    ws, ids, sales = setup()
    with Env(ws) as e:
        rep, mgr = e.as_("rep"), e.as_("mgr")
        # 5 promoters, 2 passives, 3 detractors: NPS 20; ratings 5,4,3,2,1 -> 3.00
        plan = [(10, 5, "a", "rep"), (9, 4, "a", "rep"), (9, None, "b", "rep2"), (10, None, "b", "rep2"),
                (9, 3, None, None), (8, None, "a", "rep"), (7, 2, "b", "rep2"), (6, None, "a", "rep"),
                (0, 1, None, "rep"), (3, None, "b", None)]
        for score, rating, sale, member in plan:
            body = {"customer": ids["华东贸易" if sale != "b" else "西湖电子"], "nps": score,
                    "category": "service", "date": "2026-04-01"}
            if rating is not None:
                body["rating"] = rating
            if sale:
                body["sale"] = sales[sale]
            if member:
                body["member"] = member
            made = rep.ok("POST", F, body, status=201)
            eq((made["taken_by"], made["product"]), ("rep", {"a": "SKU-1", "b": "SKU-2", None: None}[sale]),
               "taken by the rep, the sale's product")
        s = e.as_("vw").ok("GET", F + "/summary")
        t = s["total"]
        eq((t["count"], t["responses"], t["promoters"], t["passives"], t["detractors"], t["nps"],
            t["ratings"], t["rating_avg"]), (10, 10, 5, 2, 3, 20, 5, 3), "the project: NPS 20, rating 3")
        members = {m["member"]: (m["count"], m["nps"]) for m in s["members"]}
        # rep: 10, 9, 8, 6, 0 -> (2 - 2) / 5 = 0; rep2: 9, 10, 7 -> 2/3 = 66.67; none: 9, 3 -> 0
        eq(members, {"rep": (5, 0), "rep2": (3, 66.67), None: (2, 0)}, "per member")
        products = {p["product"]: (p["count"], p["nps"]) for p in s["products"]}
        # SKU-1 (a): 10, 9, 8, 6 -> 1/4 = 25; SKU-2 (b): 9, 10, 7, 3 -> 1/4 = 25; none: 9, 0 -> 0
        eq(products, {"SKU-1": (4, 25), "SKU-2": (4, 25), None: (2, 0)}, "per product")
        eq(s["project"], "P1", "the project")
        e2 = rep.ok("GET", F + "/summary?from=2026-05-01&to=2026-05-31")
        eq((e2["from"], e2["to"], e2["total"]["count"], e2["total"]["nps"], e2["members"]),
           ("2026-05-01", "2026-05-31", 0, None, []), "an empty window")
        expect_error(rep.get(F + "/summary?from=2026-13-01"), 422, "invalid", "from")
        expect_error(rep.get(F + "/summary?from=2026-05-02&to=2026-05-01"), 422, "invalid", "to",
                     "date_before_start", {"date": "2026-05-01", "start": "2026-05-02"})
        expect_error(e.as_("out").get(F + "/summary"), 404, "not_found")
        base = {"customer": ids["华东贸易"], "category": "price"}
        for body, field, reason, params in (
                (base, "rating", "rating_or_nps", {}),
                ({**base, "nps": 11}, "nps", None, None),
                ({**base, "rating": 0}, "rating", None, None),
                ({**base, "nps": 9, "sale": sales["b"]}, "sale", "sale_customer",
                 {"sale": sales["b"], "customer": str(ids["华东贸易"])}),
                ({**base, "nps": 9, "sale": sales["n"]}, "sale", "no_sale_in_project",
                 {"sale": sales["n"], "project": "P1"}),
                ({**base, "nps": 9, "member": "out"}, "member", "not_member",
                 {"login": "out", "project": "P1"}),
                ({**base, "nps": 9, "category": "mood"}, "category", None, None),
        ):
            expect_error(mgr.post(F, body), 422, "invalid", field, reason, params)
        expect_error(e.as_("vw").post(F, {**base, "nps": 9}), 403, "forbidden")
        eq(len(rep.ok("GET", F)["feedback"]), 10, "nothing more was written")


@test
def a_customers_timeline_over_http():
    ws, ids, sales = setup()
    c = ids["华东贸易"]
    ws.ok("activity", "add", "P1", "--kind", "visit", "--date", "2026-02-03", "--time", "10:00",
          "--customer", str(c), "--phase", "after_sale", "--outcome", "回访", as_="rep")
    ws.ok("feedback", "add", "P1", "--customer", str(c), "--date", "2026-02-04", "--rating", "5",
          "--category", "delivery", "--comment", "准时", as_="rep")
    ws.ok("sale", "add", "P2", "--date", "2026-02-05", "--customer", "华东贸易", "--product", "SKU-2",
          "--channel", "direct", "--quantity", "3")
    with Env(ws) as e:
        t = e.as_("admin").ok("GET", f"/api/v1/customers/{c}/timeline")
        eq([(i["kind"], i["project"], i["date"], i["time"], i["title"], i["detail"], i["amount"], i["state"])
            for i in t["items"]],
           [("sale", "P2", "2026-02-05", None, "Gadget", "SKU-2", 2970, None),
            ("feedback", "P1", "2026-02-04", None, "delivery", "★5 准时", None, None),
            ("activity", "P1", "2026-02-03", "10:00", "visit", "回访", None, "done"),
            ("sale", "P1", "2026-02-01", None, "Widget", "SKU-1", 10000, None)],
           "newest first; a sale's amount by hand (3 x 9.90, 1 x 100.00)")
        eq((t["customer"], t["total"], t["limit"], t["offset"]), (c, 4, 100, 0), "the page")
        r = e.as_("rep").ok("GET", f"/api/v1/customers/{c}/timeline")
        eq(sorted({i["project"] for i in r["items"]}), ["P1"], "a rep on P1 only never sees P2")
        eq(r["total"], 3, "three of them")
        k = e.as_("rep").ok("GET", f"/api/v1/customers/{c}/timeline?kind=feedback,sale&limit=1&offset=1")
        eq(([i["kind"] for i in k["items"]], k["total"]), (["sale"], 2), "by kind, paged")
        expect_error(e.as_("rep").get(f"/api/v1/customers/{c}/timeline?kind=fax"), 422, "invalid",
                     "kind", "bad_kind", {"value": "fax"})
        expect_error(e.as_("rep").get(f"/api/v1/customers/{c}/timeline?limit=0"), 422, "invalid",
                     "limit", "limit_range")
        expect_error(e.as_("rep").get("/api/v1/customers/999999/timeline"), 404, "not_found")
        expect_error(e.as_("rep").get("/api/v1/customers/abc/timeline"), 404, "not_found")
        eq(e.as_("out").ok("GET", f"/api/v1/customers/{c}/timeline")["items"], [],
           "someone on no project sees nothing of it")
        expect_error(e.as_("anon").get(f"/api/v1/customers/{c}/timeline"), 401, "unauthenticated")


if __name__ == "__main__":
    run_all()
