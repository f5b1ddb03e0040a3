"""test_closing.py - closing a project (step 7) over HTTP, on both backends: POST
/api/v1/projects/{code}/close and /reopen, the freeze (every write to a closed project's
figures answers 409 project_closed and changes nothing; comments, reviews, lessons and
adjustments stay open), a product's later cost change leaving a closed project's sales as
they were, peer reviews (GET/POST .../reviews, PATCH/DELETE .../reviews/{id}: who sees what)
and lessons learned (.../lessons), as every role.

P1 (fixture, active): admin its owner, mgr a manager, rep and rep2 members, vw a viewer;
mgr2 a workspace manager on no project; out a rep on no project. Today is 2026-06-30."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from deal_rows import insert_deal  # noqa: E402
from fixture import Env, expect_error, sale, workspace  # noqa: E402
from harness import eq, run_all, test  # noqa: E402

TODAY = "2026-06-30"
P = "/api/v1/projects/P1"
USERS = ("mgr", "mgr2", "rep", "rep2", "vw", "out")


def setup():
    ws = workspace(USERS, status="active", channels=("direct",), products=("SKU-1",),
                   today=TODAY)
    ws.ok("project", "create", "P2", "--name", "Draft", "--start", "2026-01-01", "--end",
          "2026-12-31")
    for who in ("rep", "rep2"):
        ws.ok("member", "add", "P2", who)
    return ws


def project(c, code="P1"):
    return c.ok("GET", f"/api/v1/projects/{code}")


@test
def close_and_reopen_by_role():
    ws = setup()
    with Env(ws) as env:
        mgr, mgr2, rep, vw, out = (env.as_(w) for w in ("mgr", "mgr2", "rep", "vw", "out"))
        v = project(mgr)["version"]
        for who, c, status in (("rep", rep, 403), ("vw", vw, 403), ("out", out, 404)):
            expect_error(c.post(f"{P}/close", {"version": v}), status,
                         "forbidden" if status == 403 else "not_found")
        expect_error(mgr.post(f"{P}/close", {"version": v + 5}), 409, "conflict",
                     reason="stale_version")
        expect_error(mgr.post(f"{P}/close", {"version": v, "note": "x" * 2000}), 422, "invalid",
                     field="note")
        eq(project(mgr)["status"], "active", "a refused close changes nothing")
        p = mgr.ok("POST", f"{P}/close", {"version": v, "note": "目标达成，转入复盘"})
        eq((p["status"], p["closed_by"], p["close_note"], p["version"]),
           ("closed", "mgr", "目标达成，转入复盘", v + 1), "closed by mgr with the note")
        assert p["closed_at"] and p["closed_at"].endswith("Z"), p
        eq(project(rep), p, "what every reader sees")
        expect_error(mgr.post(f"{P}/close", {"version": p["version"]}), 409, "conflict",
                     reason="project_closed", params={"code": "P1"})
        # a closed project is not changed through its PATCH: reopen it first
        expect_error(mgr.patch(P, {"name": "renamed", "version": p["version"]}), 409, "conflict",
                     reason="project_closed")
        # each member (not the viewer, not who closed it) is asked for reviews
        asked = sorted(ws.sql("SELECT u.login FROM notifications n JOIN users u ON u.id = "
                              "n.user_id WHERE n.kind = 'review' AND n.on_kind = 'project'"))
        eq(asked, [("admin",), ("rep",), ("rep2",)], "review requests")
        item = rep.ok("GET", "/api/v1/inbox?kind=review")["notifications"][0]
        eq((item["kind"], item["project"], item["params"]["title"]), ("review", "P1", "Project P1"),
           "the rep's inbox item")
        # reopening needs a reason, and who may close
        for body in ({"version": p["version"]}, {"version": p["version"], "reason": "  "},
                     {"version": p["version"], "reason": None}):
            expect_error(mgr.post(f"{P}/reopen", body), 422, "invalid", field="reason")
        expect_error(rep.post(f"{P}/reopen", {"version": p["version"], "reason": "r"}), 403,
                     "forbidden")
        # a workspace manager on no project may reopen it (and close it)
        q = mgr2.ok("POST", f"{P}/reopen", {"version": p["version"], "reason": "补录12月回款"})
        eq((q["status"], q["closed_at"], q["closed_by"], q["close_note"], q["version"]),
           ("active", None, None, "", p["version"] + 1), "reopened")
        expect_error(mgr2.post(f"{P}/reopen", {"version": q["version"], "reason": "again"}), 409,
                     "conflict", reason="project_not_closed", params={"code": "P1"})
        adj = mgr.ok("GET", f"{P}/adjustments?kind=project")["adjustments"]
        eq([(a["kind"], a["record"], a["changes"], a["reason"], a["by"], a["effective"])
            for a in adj],
           [("project", "P1", {"status": {"before": "closed", "after": "active"}}, "补录12月回款",
             "mgr2", TODAY)], "the reopening is an adjustment")
        audit = ws.sql("SELECT a.action FROM audit a WHERE a.entity = 'project' AND a.entity_id = "
                       "(SELECT id FROM projects WHERE code = 'P1') ORDER BY a.id")
        eq([a for (a,) in audit][-2:], ["close", "reopen"], "audited")
        eq(ws.sql("SELECT audit_id FROM adjustments"),
           ws.sql("SELECT MAX(id) FROM audit WHERE entity = 'project'"),
           "the adjustment names the reopen's audit row")
        # an adjustment cannot move a project's status
        expect_error(mgr.post(f"{P}/adjustments", {"kind": "project", "record": "P1",
                                                    "changes": {"status": "closed"},
                                                    "reason": "r", "version": 1}),
                     422, "invalid", field="kind", reason="use_reopen")
        # setting the status closed through the PATCH follows the same rule
        r = mgr.ok("PATCH", P, {"status": "closed", "version": q["version"]})
        eq((r["status"], r["closed_by"], r["close_note"]), ("closed", "mgr", ""),
           "closed by its PATCH")
        assert r["closed_at"], r

@test
def one_closing_rule_for_both_routes():
    """Review 13 items 21 and 23: a draft is not closed (project_not_started), and a PATCH to
    status closed is the close itself: the same who-may (a workspace manager on no project
    may), the same refusals, the same audit action; closing with other changes is refused."""
    ws = setup()
    P2 = "/api/v1/projects/P2"
    with Env(ws) as env:
        mgr, mgr2, rep = (env.as_(w) for w in ("mgr", "mgr2", "rep"))
        v2 = project(mgr2, "P2")["version"]
        for route in (lambda: mgr2.post(f"{P2}/close", {"version": v2}),
                      lambda: mgr2.patch(P2, {"status": "closed", "version": v2})):
            expect_error(route(), 409, "conflict", field="project", reason="project_not_started",
                         params={"code": "P2"})
        eq(project(mgr2, "P2")["status"], "draft", "the draft stays a draft")
        v = project(mgr)["version"]
        # other changes still need a manager of the project, with or without the close
        expect_error(mgr2.patch(P, {"name": "改名", "version": v}), 403, "forbidden")
        expect_error(rep.patch(P, {"status": "closed", "version": v}), 403, "forbidden")
        expect_error(mgr.patch(P, {"name": "改名", "status": "closed", "version": v}), 422,
                     "invalid", field="status", reason="close_alone")
        expect_error(mgr2.patch(P, {"status": "closed", "version": v + 3}), 409, "conflict",
                     reason="stale_version")
        eq(project(mgr)["version"], v, "nothing changed")
        # the workspace manager on no project closes it through the PATCH as through /close
        p = mgr2.ok("PATCH", P, {"status": "closed", "version": v})
        eq((p["status"], p["closed_by"], p["close_note"], p["version"]),
           ("closed", "mgr2", "", v + 1), "closed by the PATCH")
        eq(ws.sql("SELECT a.action FROM audit a WHERE a.entity = 'project' AND a.entity_id = "
                  "(SELECT id FROM projects WHERE code = 'P1') ORDER BY a.id DESC LIMIT 1"),
           [("close",)], "audited as a close")
        expect_error(mgr.patch(P, {"status": "closed", "version": p["version"]}), 409,
                     "conflict", reason="project_closed")
        q = mgr2.ok("POST", f"{P}/reopen", {"version": p["version"], "reason": "补录"})
        p = mgr2.ok("POST", f"{P}/close", {"version": q["version"]})
        eq((p["status"], p["closed_by"]), ("closed", "mgr2"), "and through /close")



def records(ws):
    """What the freeze must keep: every row of the tables a closed project's writes touch."""
    tables = ("sales", "deals", "deal_history", "activities", "feedback", "problems",
              "collections", "goals", "quotas", "quota_splits", "project_channels",
              "budget_lines", "expenses", "tasks", "risks", "meetings", "members", "customers")
    return {t: ws.sql(f"SELECT * FROM {t} ORDER BY 1") for t in tables}


def freeze_setup(ws):
    """One record of each kind in P1, made while it runs; their ids."""
    ids = {"sale": ws.js("sale", "add", "P1", "--date", "2026-02-01", "--customer", "Acme",
                         "--product", "SKU-1", "--channel", "direct", "--quantity", "2",
                         "--price", "100.00", "--rep", "rep")["id"]}
    ids["customer"] = ws.js("customer", "show", "Acme")["id"]
    ids["deal"] = ws.js("deal", "add", "P1", "--title", "Acme renewal", "--customer", "Acme",
                        "--owner", "rep")["id"]
    ids["won"] = insert_deal(ws, "P1", "Acme", "rep", 500000)
    ids["activity"] = ws.js("activity", "add", "P1", "--kind", "visit", "--date", "2026-02-02",
                            "--customer", str(ids["customer"]), "--phase", "after_sale",
                            as_="rep")["id"]
    ids["feedback"] = ws.js("feedback", "add", "P1", "--customer", str(ids["customer"]),
                            "--rating", "4", "--category", "product", as_="rep")["id"]
    ids["problem"] = ws.js("problem", "add", "P1", "--type", "service", "--severity", "low",
                           "--title", "Slow", "--owner", "rep", "--customer",
                           str(ids["customer"]))["id"]
    ids["collection"] = ws.js("collection", "add", "P1", "--deal", str(ids["won"]), "--due",
                              "2026-12-31", "--amount", "1000.00")["id"]
    ids["goal"] = ws.js("goal", "add", "P1", "--metric", "revenue", "--target", "1000", "--start",
                        "2026-01-01", "--due", "2026-12-31")["id"]
    ids["plan"] = ws.js("strategy", "channel", "P1", "direct", "--share", "10")["id"]
    ids["line"] = ws.js("budget", "add", "P1", "--category", "marketing", "--name", "Fair",
                        "--allocated", "5000.00")["id"]
    ids["task"] = ws.js("task", "add", "P1", "--title", "Call", "--assignee", "rep", "--start",
                        "2026-03-01", "--due", "2026-03-10")["id"]
    ids["risk"] = ws.js("risk", "add", "P1", "--description", "Price war", "--category",
                        "pricing", "--probability", "2", "--impact", "5")["id"]
    ids["meeting"] = ws.js("meeting", "add", "P1", "--title", "Review", "--date", "2026-03-02",
                           "--start", "09:00", "--end", "10:00")["id"]
    return ids


def refused_writes(ids, ver):
    """Every write the freeze refuses, as a manager sends it: (what, method, path, body)."""
    c = ids["customer"]
    return [
        ("sale add", "POST", f"{P}/sales", sale(rep="rep")),
        ("sale change", "PATCH", f"{P}/sales/{ids['sale']}", {"quantity": 3,
                                                               "version": ver("sales", "sale")}),
        ("sale delete", "DELETE", f"{P}/sales/{ids['sale']}?version={ver('sales', 'sale')}", None),
        ("deal add", "POST", f"{P}/deals", {"title": "New", "customer": "Acme", "owner": "rep"}),
        ("deal change", "PATCH", f"{P}/deals/{ids['deal']}", {"title": "x",
                                                              "version": ver("deals", "deal")}),
        ("deal stage", "POST", f"{P}/deals/{ids['deal']}/stage",
         {"stage": "qualified", "version": ver("deals", "deal")}),
        ("activity add", "POST", f"{P}/activities", {"kind": "call", "date": "2026-03-01",
                                                     "customer": c, "phase": "pre_sale",
                                                     "member": "rep"}),
        ("activity change", "PATCH", f"{P}/activities/{ids['activity']}",
         {"outcome": "x", "version": ver("activities", "activity")}),
        ("feedback add", "POST", f"{P}/feedback", {"customer": c, "nps": 9, "category": "service"}),
        ("feedback delete", "DELETE",
         f"{P}/feedback/{ids['feedback']}?version={ver('feedback', 'feedback')}", None),
        ("problem add", "POST", f"{P}/problems", {"type": "delivery", "severity": "high",
                                                  "title": "Late", "owner": "rep", "customer": c}),
        ("problem status", "POST", f"{P}/problems/{ids['problem']}/status",
         {"status": "in_progress", "version": ver("problems", "problem")}),
        ("collection add", "POST", f"{P}/collections", {"deal": ids["won"], "due": "2026-12-31",
                                                        "amount": 100}),
        ("receipt", "POST", f"{P}/collections/{ids['collection']}/receipts",
         {"amount": 1, "received_on": "2026-06-05"}),
        ("goal add", "POST", f"{P}/goals", {"name": "G", "metric": "revenue", "target": 100000,
                                            "start": "2026-01-01", "due": "2026-03-31"}),
        ("goal change", "PATCH", f"{P}/goals/{ids['goal']}", {"target": 200000, "reason": "r",
                                                              "version": ver("goals", "goal")}),
        ("quota", "PUT", f"{P}/quotas", {"goal": ids["goal"], "version": 0, "quotas": [
            {"person": "rep", "target": 100000}]}),
        ("strategy add", "POST", f"{P}/channels", {"channel": "direct", "share": 0.2}),
        ("strategy change", "PATCH", f"{P}/channels/{ids['plan']}",
         {"share": 0.3, "version": ver("project_channels", "plan")}),
        ("budget line", "POST", f"{P}/budget_lines", {"category": "travel", "name": "Trips",
                                                      "allocated": 100000}),
        ("expense", "POST", f"{P}/expenses", {"line": ids["line"], "amount": 100}),
        ("task add", "POST", f"{P}/tasks", {"title": "T", "assignee": "rep",
                                            "start": "2026-03-01", "due": "2026-03-05"}),
        ("task change", "PATCH", f"{P}/tasks/{ids['task']}", {"title": "x",
                                                              "version": ver("tasks", "task")}),
        ("risk add", "POST", f"{P}/risks", {"description": "R", "category": "market",
                                            "probability": 3, "impact": 4}),
        ("risk delete", "DELETE", f"{P}/risks/{ids['risk']}?version={ver('risks', 'risk')}", None),
        ("meeting add", "POST", f"{P}/meetings", {"title": "M", "date": "2026-03-02",
                                                  "start": "09:00", "end": "10:00"}),
        ("meeting change", "PATCH", f"{P}/meetings/{ids['meeting']}",
         {"minutes": "x", "version": ver("meetings", "meeting")}),
        ("member add", "POST", f"{P}/members", {"login": "mgr2"}),
        ("member remove", "DELETE", f"{P}/members/rep2", None),
    ]


@test
def a_closed_project_refuses_every_write_to_its_figures():
    ws = setup()
    ids = freeze_setup(ws)
    with Env(ws) as env:
        mgr, rep = env.as_("mgr"), env.as_("rep")

        def ver(table, key):
            return ws.sql(f"SELECT version FROM {table} WHERE id = ?", ids[key])[0][0]

        # while it runs, each of these writes would pass (its input is good): one is tried
        eq(mgr.request("POST", f"{P}/risks", {"description": "R0", "category": "market",
                                              "probability": 1, "impact": 1}).status, 201,
           "a write while it runs")
        mgr.ok("POST", f"{P}/close", {"version": project(mgr)["version"]})
        before = records(ws)
        writes = refused_writes(ids, ver)
        for what, method, path, body in writes:
            r = mgr.request(method, path, body)
            expect_error(r, 409, "conflict", reason="project_closed", params={"code": "P1"})
        # a member's own writes too
        expect_error(rep.post(f"{P}/sales", sale(rep="rep")), 409, "conflict",
                     reason="project_closed")
        expect_error(rep.post(f"{P}/activities", {"kind": "call", "date": "2026-03-01",
                                                   "customer": ids["customer"],
                                                   "phase": "pre_sale"}),
                     409, "conflict", reason="project_closed")
        eq(records(ws), before, f"nothing changed after {len(writes)} refused writes")

        # still open: comments, lessons, reviews and adjustments (a reason required)
        rep.ok("POST", "/api/v1/comments", {"on": f"deal:{ids['deal']}", "body": "复盘补充"},
               status=201)
        rep.ok("POST", f"{P}/lessons", {"kind": "went_well", "text": "返利提前锁定"}, status=201)
        rep.ok("POST", f"{P}/reviews", {"reviewee": "mgr", "teamwork": 4}, status=201)
        gv = ver("goals", "goal")
        expect_error(mgr.post(f"{P}/adjustments", {"kind": "goal", "record": str(ids["goal"]),
                                                    "changes": {"target": "1200.00"},
                                                    "version": gv}),
                     422, "invalid", field="reason")
        a = mgr.ok("POST", f"{P}/adjustments", {"kind": "goal", "record": str(ids["goal"]),
                                                 "changes": {"target": "1200.00"},
                                                 "reason": "年终核定", "version": gv}, status=201)
        eq(a["changes"]["target"], {"before": "1000.00", "after": "1200.00"}, "adjusted")
        eq(ws.sql("SELECT target FROM goals WHERE id = ?", ids["goal"]), [(120000,)],
           "the adjustment changed the closed project's goal")
        # and the project's status still closed
        eq(project(mgr)["status"], "closed", "still closed")


@test
def a_later_cost_change_leaves_a_closed_projects_sales():
    ws = setup()
    ws.ok("project", "update", "P2", "--status", "active")
    for code in ("P1", "P2"):
        ws.ok("sale", "add", code, "--date", "2026-03-01", "--customer", "Acme", "--product",
              "SKU-1", "--channel", "direct", "--quantity", "3", "--price", "100.00", "--rep",
              "rep")
    with Env(ws) as env:
        mgr = env.as_("mgr")
        mgr.ok("POST", f"{P}/close", {"version": project(mgr)["version"]})
        cost = lambda code: ws.sql("SELECT s.cost_minor FROM sales s JOIN projects p ON p.id = "
                                   "s.project_id WHERE p.code = ?", code)[0][0]
        margin = lambda code: ws.sql("SELECT SUM(r.cost_minor) FROM sale_rollup r JOIN projects "
                                     "p ON p.id = r.project_id WHERE p.code = ? AND "
                                     "r.dim = 'all'", code)[0][0]
        eq((cost("P1"), cost("P2")), (18000, 18000), "3 x 60.00 before")
        prod = mgr.ok("GET", "/api/v1/products/SKU-1")
        # the cost from 2026-01-01 on becomes 70.00 (a dated change: every sale since re-costs)
        mgr.ok("PATCH", "/api/v1/products/SKU-1", {"cost": 7000, "effective": "2026-01-01",
                                                    "version": prod["version"]})
        eq((cost("P1"), cost("P2")), (18000, 21000), "the closed project's sale kept its cost")
        eq((margin("P1"), margin("P2")), (18000, 21000), "and its sums")
        eq(ws.ok("db", "check").code, 0, "db check is clean")
        # reopening re-costs its sale by the history (review 13 item 20), and says so: the
        # margin 3 x 100.00 - 3 x 60.00 = 120.00 becomes 300.00 - 3 x 70.00 = 90.00, kept in
        # the reopen's adjustment beside the status, with its reason
        mgr.ok("POST", f"{P}/reopen", {"version": project(mgr)["version"], "reason": "成本补记"})
        eq(cost("P1"), 21000, "re-costed on reopening")
        adj = mgr.ok("GET", f"{P}/adjustments?kind=project")["adjustments"]
        eq([(a["changes"], a["reason"]) for a in adj],
           [({"status": {"before": "closed", "after": "active"},
              "margin": {"before": "120.00", "after": "90.00"}}, "成本补记")],
           "the margin change on record")
        eq(ws.ok("db", "check").code, 0, "db check is clean after the reopen")


@test
def reviews_members_see_their_own_aggregate_managers_all():
    ws = setup()
    with Env(ws) as env:
        c = {w: env.as_(w) for w in ("admin", "mgr", "mgr2", "rep", "rep2", "vw", "out")}
        url = f"{P}/reviews"
        made = {}
        for who, whom, score, comment in (("rep", "rep2", 4, ""), ("rep", "mgr", 5, "带新人"),
                                          ("rep2", "rep", 3, "可以更主动"), ("rep2", "mgr", 4, ""),
                                          ("mgr", "rep", 5, ""), ("admin", "mgr", 4, "")):
            r = c[who].ok("POST", url, {"reviewee": whom, "teamwork": score, "comment": comment},
                          status=201)
            eq((r["reviewer"], r["reviewee"], r["teamwork"], r["comment"], r["version"]),
               (who, whom, score, comment, 1), f"{who} reviews {whom}")
            made[(who, whom)] = r
        n = ws.sql("SELECT COUNT(*) FROM project_reviews")[0][0]
        # refusals, each naming what was wrong, none written
        expect_error(c["rep"].post(url, {"reviewee": "rep2", "teamwork": 2}), 409, "conflict",
                     field="reviewee", reason="review_exists", params={"login": "rep2"})
        expect_error(c["rep"].post(url, {"reviewee": "rep", "teamwork": 2}), 422, "invalid",
                     field="reviewee", reason="review_self")
        expect_error(c["rep"].post(url, {"reviewee": "vw", "teamwork": 2}), 422, "invalid",
                     field="reviewee", reason="not_member")
        expect_error(c["rep"].post(url, {"reviewee": "mgr2", "teamwork": 2}), 422, "invalid",
                     field="reviewee")
        for bad in (0, 6, "4"):
            expect_error(c["rep"].post(url, {"reviewee": "admin", "teamwork": bad}), 422,
                         "invalid", field="teamwork")
        expect_error(c["rep"].post(url, {"reviewee": "admin"}), 422, "invalid", field="teamwork")
        expect_error(c["rep"].post(url, {"reviewee": "admin", "teamwork": 3,
                                         "comment": "好" * 2001}),
                     422, "invalid", field="comment")
        expect_error(c["vw"].post(url, {"reviewee": "rep", "teamwork": 3}), 403, "forbidden")
        expect_error(c["mgr2"].post(url, {"reviewee": "rep", "teamwork": 3}), 403, "forbidden")
        expect_error(c["out"].post(url, {"reviewee": "rep", "teamwork": 3}), 404, "not_found")
        eq(ws.sql("SELECT COUNT(*) FROM project_reviews")[0][0], n, "none written")
        # 2000 characters of Chinese (6000 bytes) are one comment
        long = c["rep"].ok("POST", url, {"reviewee": "admin", "teamwork": 3,
                                         "comment": "好" * 2000}, status=201)
        eq(len(long["comment"]), 2000, "a comment of 2000 characters")
        # reading: a member their own reviews and their own aggregate only
        b = c["rep"].ok("GET", url)
        eq(sorted((r["reviewer"], r["reviewee"]) for r in b["reviews"]),
           [("rep", "admin"), ("rep", "mgr"), ("rep", "rep2")], "the rep's reviews")
        # rep: from rep2 3 and mgr 5 -> 4.0
        eq(b["summary"], [{"login": "rep", "name": "REP", "reviews": 2, "teamwork": 4.0}],
           "the rep's aggregate")
        eq(c["rep2"].ok("GET", url)["summary"],
           [{"login": "rep2", "name": "REP2", "reviews": 1, "teamwork": 4.0}], "rep2's")
        # a manager (project or workspace, or an admin) every review and every member's line:
        # admin 3 -> 3.0; mgr 5, 4, 4 -> 4.333 -> 4.3; rep 3, 5 -> 4.0; rep2 4 -> 4.0
        want = [{"login": "admin", "name": "Administrator", "reviews": 1, "teamwork": 3.0},
                {"login": "mgr", "name": "MGR", "reviews": 3, "teamwork": 4.3},
                {"login": "rep", "name": "REP", "reviews": 2, "teamwork": 4.0},
                {"login": "rep2", "name": "REP2", "reviews": 1, "teamwork": 4.0}]
        for who in ("admin", "mgr", "mgr2"):
            b = c[who].ok("GET", url)
            eq(len(b["reviews"]), 7, f"{who} reads every review")
            eq(b["summary"], want, f"{who} reads every aggregate")
        expect_error(c["vw"].get(url), 403, "forbidden")
        expect_error(c["out"].get(url), 404, "not_found")
        # changing: only the reviewer, at the version
        rid = made[("rep", "rep2")]["id"]
        expect_error(c["rep2"].patch(f"{url}/{rid}", {"teamwork": 5, "version": 1}), 403,
                     "forbidden")
        expect_error(c["mgr"].patch(f"{url}/{rid}", {"teamwork": 5, "version": 1}), 403,
                     "forbidden")
        expect_error(c["rep"].patch(f"{url}/{rid}", {"teamwork": 5, "version": 9}), 409,
                     "conflict", reason="stale_version")
        expect_error(c["rep"].patch(f"{url}/{rid}", {"teamwork": 9, "version": 1}), 422,
                     "invalid", field="teamwork")
        r = c["rep"].ok("PATCH", f"{url}/{rid}", {"teamwork": 2, "comment": "改", "version": 1})
        eq((r["teamwork"], r["comment"], r["version"]), (2, "改", 2), "changed")
        eq(ws.sql("SELECT action FROM audit WHERE entity = 'review' AND entity_id = ? "
                  "ORDER BY id", rid), [("create",), ("update",)], "audited")
        eq(c["rep2"].ok("GET", url)["summary"][0]["teamwork"], 2.0, "rep2's aggregate moved")
        expect_error(c["rep2"].delete(f"{url}/{rid}?version=2"), 403, "forbidden")
        c["rep"].ok("DELETE", f"{url}/{rid}?version=2")
        eq(c["rep2"].ok("GET", url)["summary"],
           [{"login": "rep2", "name": "REP2", "reviews": 0, "teamwork": None}], "none left")
        # a draft project has no reviews yet
        expect_error(c["rep"].post("/api/v1/projects/P2/reviews", {"reviewee": "rep2",
                                                                    "teamwork": 4}),
                     409, "conflict", reason="project_not_started")


@test
def lessons_by_role():
    ws = setup()
    with Env(ws) as env:
        c = {w: env.as_(w) for w in ("admin", "mgr", "rep", "rep2", "vw", "out")}
        url = f"{P}/lessons"
        a = c["rep"].ok("POST", url, {"kind": "went_well", "text": "经销商返利提前锁定"},
                        status=201)
        b = c["rep2"].ok("POST", url, {"kind": "to_improve", "text": "报价审批太慢"}, status=201)
        m = c["mgr"].ok("POST", url, {"kind": "next_time", "text": "提前两周备货"}, status=201)
        eq([(x["author"], x["kind"], x["version"]) for x in (a, b, m)],
           [("rep", "went_well", 1), ("rep2", "to_improve", 1), ("mgr", "next_time", 1)],
           "the author is the writer")
        n = ws.sql("SELECT COUNT(*) FROM project_lessons")[0][0]
        expect_error(c["rep"].post(url, {"kind": "lucky", "text": "x"}), 422, "invalid",
                     field="kind")
        expect_error(c["rep"].post(url, {"kind": "went_well", "text": ""}), 422, "invalid",
                     field="text")
        expect_error(c["rep"].post(url, {"kind": "went_well"}), 422, "invalid", field="text")
        expect_error(c["rep"].post(url, {"kind": "went_well", "text": "字" * 2001}), 422,
                     "invalid", field="text")
        expect_error(c["rep"].post(url, {"kind": "went_well", "text": "x", "author": "mgr"}),
                     422, "invalid", field="author")
        expect_error(c["vw"].post(url, {"kind": "went_well", "text": "x"}), 403, "forbidden")
        expect_error(c["out"].post(url, {"kind": "went_well", "text": "x"}), 404, "not_found")
        eq(ws.sql("SELECT COUNT(*) FROM project_lessons")[0][0], n, "none written")
        for who in ("admin", "mgr", "rep", "vw"):
            eq([x["id"] for x in c[who].ok("GET", url)["lessons"]], [a["id"], b["id"], m["id"]],
               f"{who} reads them")
        expect_error(c["out"].get(url), 404, "not_found")
        # its author or a manager changes or deletes it
        expect_error(c["rep2"].patch(f"{url}/{a['id']}", {"text": "y", "version": 1}), 403,
                     "forbidden")
        expect_error(c["rep"].patch(f"{url}/{a['id']}", {"text": "y", "version": 5}), 409,
                     "conflict")
        r = c["rep"].ok("PATCH", f"{url}/{a['id']}", {"kind": "next_time", "text": "改", "version": 1})
        eq((r["kind"], r["text"], r["author"], r["version"]), ("next_time", "改", "rep", 2), "own")
        r = c["mgr"].ok("PATCH", f"{url}/{b['id']}", {"text": "审批改为一天内", "version": 1})
        eq((r["text"], r["author"]), ("审批改为一天内", "rep2"), "a manager's edit keeps the author")
        expect_error(c["rep"].delete(f"{url}/{b['id']}?version=2"), 403, "forbidden")
        c["rep2"].ok("DELETE", f"{url}/{b['id']}?version=2")
        c["mgr"].ok("DELETE", f"{url}/{a['id']}?version=2")
        eq([x["id"] for x in c["vw"].ok("GET", url)["lessons"]], [m["id"]], "one left")
        eq(ws.sql("SELECT action FROM audit WHERE entity = 'lesson' ORDER BY id"),
           [("create",)] * 3 + [("update",)] * 2 + [("delete",)] * 2, "audited")


if __name__ == "__main__":
    run_all()
