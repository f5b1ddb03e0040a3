"""test_problems.py - problems from the command line: recorded, moved through their statuses,
timed by the project's SLA, and summed per owner.

A problem (type product, service, delivery, pricing or other; severity low, medium, high or
critical) has an owner on the project and a customer, and may name a deal or sale of that
customer in the project. It is due when it was opened plus the project's SLA of its severity
(standard: critical 4 h, high 24 h, medium 72 h, low 168 h); a problem not resolved by then is
overdue and counts against its owner. The clock is fixed with SALESPM_NOW, and every due time,
overdue count and SLA share below is worked out by hand from it.
"""
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403
from deal_rows import insert_deal  # noqa: E402

TYPES = ["product", "service", "delivery", "pricing", "other"]
SEVERITIES = ["low", "medium", "high", "critical"]
STANDARD_HOURS = {"critical": 4, "high": 24, "medium": 72, "low": 168}
T0 = "2026-03-02T09:00:00Z"


def at(iso, hours=0):
    """iso plus hours, as the API writes instants."""
    t = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(hours=hours)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def err_json(r):
    return json.loads(r.err.strip().splitlines()[-1])["error"]


def team(ws):
    """P1 with li.na its manager, wang.fang and zhao.lei members, gao a viewer; out on no
    project; P2 another project; customers Acme and Beta (made by their first sales in P1) and
    Gamma (by a sale in P2)."""
    ws.write("pw", "user-secret-1\n")
    for login, name, role in (("li.na", "李娜", "manager"), ("wang.fang", "王芳", "rep"),
                              ("zhao.lei", "赵磊", "rep"), ("gao", "高总", "viewer"),
                              ("out", "局外人", "rep")):
        ws.ok("user", "add", login, "--name", name, "--role", role, "--password-file", ws.path("pw"))
    for code in ("P1", "P2"):
        ws.ok("project", "create", code, "--name", "项目 " + code, "--start", "2026-01-01",
              "--end", "2026-12-31")
    for login, prole in (("li.na", "manager"), ("wang.fang", "member"), ("zhao.lei", "member"),
                         ("gao", "viewer")):
        ws.ok("member", "add", "P1", login, "--role", prole)
    ws.ok("member", "add", "P2", "wang.fang", "--role", "member")
    ws.ok("channel", "add", "direct", "--name", "直销", "--type", "direct")
    ws.ok("product", "add", "SKU-1", "--name", "交换机", "--cost", "60.00", "--price", "100.00")
    for project, customer in (("P1", "Acme"), ("P1", "Beta"), ("P2", "Gamma")):
        ws.ok("sale", "add", project, "--date", "2026-02-01", "--customer", customer, "--product",
              "SKU-1", "--channel", "direct", "--quantity", "1", "--rep", "wang.fang")


def cid(ws, name):
    return ws.sql("SELECT id FROM customers WHERE name = ?", name)[0][0]


def sale_id(ws, customer):
    return ws.sql("SELECT s.id FROM sales s JOIN customers c ON c.id = s.customer_id "
                  "WHERE c.name = ?", customer)[0][0]


def problem(ws, now=T0, as_="li.na", **kw):
    """problem add P1 at the moment now, with kw as its options; the answer."""
    ws.env["SALESPM_NOW"] = now
    args = ["problem", "add", "P1"]
    fields = {"type": "product", "severity": "high", "title": "交换机端口故障", "owner": "wang.fang",
              "customer": str(cid(ws, "Acme"))}
    fields.update(kw)
    for k, v in fields.items():
        args += ["--" + k, str(v)]
    return ws.js(*args, as_=as_)


def move(ws, verb, pid, now, as_="li.na", *more):
    ws.env["SALESPM_NOW"] = now
    return ws.js("problem", verb, "P1", str(pid), *more, as_=as_)


@test
def every_type_and_severity_is_due_by_the_standard_sla():
    ws = Workspace()
    team(ws)
    made = []
    for i, kind in enumerate(TYPES):
        for sev in SEVERITIES:
            made.append(problem(ws, type=kind, severity=sev, title=f"{kind} {sev} {i}"))
    eq(len(made), 20, "a problem of every type and severity")
    for p in made:
        eq((p["status"], p["opened_at"], p["version"]), ("open", T0, 1), "opened now, open")
        eq(p["due_at"], at(T0, STANDARD_HOURS[p["severity"]]), f"due of {p['severity']}")
        eq((p["overdue"], p["sla_met"], p["resolved_at"], p["closed_at"]), (False, None, None, None),
           "not overdue yet, not resolved")
        eq((p["owner"], p["owner_name"], p["customer"], p["customer_name"]),
           ("wang.fang", "王芳", cid(ws, "Acme"), "Acme"), "owner and customer")
    listed = ws.js("problem", "list", "P1", "--type", "delivery")["problems"]
    eq(sorted(p["severity"] for p in listed), sorted(SEVERITIES), "the delivery problems")
    # open problems first, the earliest due first
    listed = ws.js("problem", "list", "P1")["problems"]
    eq([p["due_at"] for p in listed], sorted(p["due_at"] for p in listed), "by due time")


@test
def the_moves_keep_who_and_when_and_resolution_is_required():
    ws = Workspace()
    team(ws)
    p = problem(ws, severity="medium", description="客户机房三台交换机端口闪断")
    pid = p["id"]
    s = move(ws, "start", pid, at(T0, 1), "wang.fang")
    eq((s["status"], s["version"]), ("in_progress", 2), "started by its owner")
    ws.env["SALESPM_NOW"] = at(T0, 2)
    ws.refusals(["problem", "resolve", "P1", str(pid)], [
        ([], "resolution", "required"),
        (["--resolution", ""], "resolution", "required"),
    ], as_="wang.fang")
    ws.refusals(["problem", "close", "P1", str(pid)], [
        ([], "status", "problem_move", {"from": "in_progress", "status": "closed"}),
    ])
    ws.refusals(["problem", "start", "P1", str(pid)], [
        ([], "status", "same_status", {"status": "in_progress"}),
    ])
    ws.refusals(["problem", "start", "P1", str(pid)], [
        (["--resolution", "x"], "resolution", "resolution_only"),
        (["--version", "1"], "version", "stale_version"),
    ])
    r = move(ws, "resolve", pid, at(T0, 30), "wang.fang", "--resolution", "更换固件后恢复")
    eq((r["status"], r["resolution"], r["resolved_at"], r["sla_met"], r["overdue"]),
       ("resolved", "更换固件后恢复", at(T0, 30), True, False), "resolved in 30 of 72 hours")
    c = move(ws, "close", pid, at(T0, 40), "li.na", "--note", "客户确认")
    eq((c["status"], c["closed_at"], c["resolved_at"], c["resolution"]),
       ("closed", at(T0, 40), at(T0, 30), "更换固件后恢复"), "closed, keeping its resolution")
    o = move(ws, "reopen", pid, at(T0, 50), "li.na", "--note", "故障复现")
    eq((o["status"], o["resolution"], o["resolved_at"], o["closed_at"], o["due_at"]),
       ("open", "", None, None, at(T0, 72)), "reopened: unresolved again, due as before")
    shown = ws.js("problem", "show", "P1", str(pid))
    eq([(h["from"], h["to"], h["by"], h["at"]) for h in shown["history"]],
       [(None, "open", "li.na", T0), ("open", "in_progress", "wang.fang", at(T0, 1)),
        ("in_progress", "resolved", "wang.fang", at(T0, 30)),
        ("resolved", "closed", "li.na", at(T0, 40)), ("closed", "open", "li.na", at(T0, 50))],
       "every status change with who and when")
    eq([h["note"] for h in shown["history"]][2:], ["更换固件后恢复", "客户确认", "故障复现"], "the notes")
    audit = ws.sql("SELECT action FROM audit WHERE entity = 'problem' ORDER BY id")
    eq([a[0] for a in audit], ["create", "status", "status", "status", "status"], "audited")


@test
def a_project_sla_sets_new_due_times_and_a_severity_change_follows_it():
    ws = Workspace()
    team(ws)
    before = problem(ws, severity="critical")
    table = ws.js("problem", "sla", "P1")["sla"]
    eq([(s["severity"], s["hours"], s["custom"]) for s in table],
       [("low", 168, False), ("medium", 72, False), ("high", 24, False), ("critical", 4, False)],
       "the standard table")
    ws.env["SALESPM_NOW"] = at(T0, 1)
    table = ws.js("problem", "sla", "P1", "--critical", "2h", "--high", "2d", "--low", "10",
                  as_="li.na")["sla"]
    eq([(s["severity"], s["hours"], s["custom"]) for s in table],
       [("low", 10, True), ("medium", 72, False), ("high", 48, True), ("critical", 2, True)],
       "2h, 2d and 10 hours")
    eq(ws.js("problem", "show", "P1", str(before["id"]))["due_at"], at(T0, 4), "an open one keeps its due")
    after = problem(ws, now=at(T0, 3), severity="critical")
    eq(after["due_at"], at(T0, 3 + 2), "a new one takes the project's table")
    ws.env["SALESPM_NOW"] = at(T0, 5)
    changed = ws.js("problem", "update", "P1", str(after["id"]), "--severity", "high",
                    "--version", "1", as_="li.na")
    eq(changed["due_at"], at(T0, 3 + 48), "a severity change: opened plus the new severity's SLA")
    eq(ws.js("problem", "sla", "P1", as_="gao")["sla"][3]["hours"], 2, "a viewer reads it")
    ws.refusals(["problem", "sla", "P1"], [
        (["--critical", "0"], "critical", "sla_range", {"hours": 0}),
        (["--low", "366d"], "low", "sla_range", {"hours": 366 * 24}),
        (["--high", "4 hours"], "high", "bad_sla", {"value": "4 hours"}),
        (["--medium", "-3"], "medium", "bad_sla", {"value": "-3"}),
    ], as_="li.na")
    ws.refusals(["problem", "sla", "P1"], [(["--critical", "1h"], None, "project_role_required")], as_="wang.fang")
    eq(ws.js("problem", "sla", "P1")["sla"][3]["hours"], 2, "refusals changed nothing")
    eq(len(ws.sql("SELECT 1 FROM audit WHERE entity = 'problem_sla'")), 1, "one change audited")


@test
def overdue_problems_count_against_their_owner():
    ws = Workspace()
    team(ws)
    # wang.fang: critical at T0 (due +4), high at T0 (due +24), low at T0 (due +168);
    # zhao.lei: medium at T0 (due +72) resolved at +80 (late), high at T0 resolved at +10 (in SLA),
    # critical at T0 + 20 (due +24) started.
    w1 = problem(ws, severity="critical")
    w2 = problem(ws, severity="high")
    problem(ws, severity="low")
    z1 = problem(ws, severity="medium", owner="zhao.lei")
    z2 = problem(ws, severity="high", owner="zhao.lei")
    z3 = problem(ws, now=at(T0, 20), severity="critical", owner="zhao.lei")
    move(ws, "resolve", z2["id"], at(T0, 10), "zhao.lei", "--resolution", "上门更换")
    move(ws, "start", z3["id"], at(T0, 21), "zhao.lei")
    move(ws, "resolve", z1["id"], at(T0, 80), "zhao.lei", "--resolution", "补发配件")
    # at T0 + 30: w1 (due +4) and w2 (due +24) overdue; z3 (due +24) overdue; the low one not
    ws.env["SALESPM_NOW"] = at(T0, 30)
    s = ws.js("problem", "summary", "P1")
    eq(s["at"], at(T0, 30), "judged now")
    eq([(o["owner"], o["open"], o["overdue"], o["resolved"], o["resolved_in_sla"])
        for o in s["owners"]],
       [("wang.fang", 3, 2, 0, 0), ("zhao.lei", 1, 1, 2, 1)], "per owner")
    eq((s["total"]["open"], s["total"]["overdue"], s["total"]["resolved"],
        s["total"]["resolved_in_sla"]), (4, 3, 2, 1), "the project")
    eq([o["sla_rate"] for o in s["owners"]], [None, 0.5], "resolved within the SLA: 1 of 2")
    listed = {p["id"]: p for p in ws.js("problem", "list", "P1")["problems"]}
    eq([listed[x["id"]]["overdue"] for x in (w1, w2, z3)], [True, True, True], "flagged")
    eq((listed[z1["id"]]["sla_met"], listed[z2["id"]]["sla_met"], listed[z1["id"]]["overdue"]),
       (False, True, False), "resolved late and in time; a resolved one is not overdue")
    # four hours later the low one is still fine; a week later it is overdue too
    ws.env["SALESPM_NOW"] = at(T0, 169)
    eq(ws.js("problem", "summary", "P1")["owners"][0]["overdue"], 3, "the low one past 168 hours")
    text = ws.ok("problem", "summary", "P1").out
    assert "wang.fang" in text and "total" in text, text


@test
def a_problem_names_a_deal_or_sale_of_its_customer_in_the_project():
    ws = Workspace()
    team(ws)
    acme, beta = cid(ws, "Acme"), cid(ws, "Beta")
    deal = insert_deal(ws, "P1", "Acme", "wang.fang", 500000)
    other = insert_deal(ws, "P1", "Beta", "wang.fang", 500000)
    elsewhere = insert_deal(ws, "P2", "Gamma", "wang.fang", 500000)
    p = problem(ws, deal=deal, sale=sale_id(ws, "Acme"), type="pricing")
    eq((p["deal"], p["deal_title"], p["sale"]), (deal, "Acme deal", sale_id(ws, "Acme")), "linked")
    base = ["--type", "service", "--severity", "low", "--title", "x", "--owner", "wang.fang"]
    ws.env["SALESPM_NOW"] = T0
    ws.refusals(["problem", "add", "P1"], [
        (base + ["--customer", str(acme), "--deal", str(other)], "deal", "link_other_customer",
         {"key": str(other), "customer": str(acme)}),
        (base + ["--customer", str(acme), "--deal", str(elsewhere)], "deal", "link_other_project",
         {"key": str(elsewhere), "project": "P1"}),
        (base + ["--customer", str(acme), "--sale", str(sale_id(ws, "Beta"))], "sale",
         "link_other_customer", None),
        (base + ["--customer", str(acme), "--sale", str(sale_id(ws, "Gamma"))], "sale",
         "link_other_project", None),
        (base + ["--customer", str(acme), "--deal", "99999"], "deal", "no_ref", None),
        (base + ["--customer", "99999"], "customer", "no_ref", None),
        (base[:-2] + ["--owner", "out", "--customer", str(acme)], "owner", "not_member",
         {"login": "out", "project": "P1"}),
        (base[:-2] + ["--customer", str(acme)], "owner", "required", None),
        (["--type", "billing", "--severity", "low", "--title", "x", "--owner", "wang.fang",
          "--customer", str(acme)], "type", "bad_enum", None),
        (["--type", "other", "--severity", "urgent", "--title", "x", "--owner", "wang.fang",
          "--customer", str(acme)], "severity", "bad_enum", None),
    ], as_="li.na")
    # a customer change must keep the deal the customer's
    ws.refusals(["problem", "update", "P1", str(p["id"])], [
        (["--customer", str(beta), "--version", "1"], "deal", "link_other_customer", None),
    ], as_="li.na")
    eq(len(ws.sql("SELECT 1 FROM problems")), 1, "refusals changed nothing")


@test
def reps_write_their_own_viewers_read_outsiders_see_nothing():
    ws = Workspace()
    team(ws)
    mine = problem(ws, as_="wang.fang", title="我的问题")
    theirs = problem(ws, owner="zhao.lei", title="赵磊的问题")
    ws.env["SALESPM_NOW"] = T0
    acme = str(cid(ws, "Acme"))
    ws.refusals(["problem", "add", "P1"], [
        (["--type", "other", "--severity", "low", "--title", "x", "--owner", "zhao.lei",
          "--customer", acme], "owner", "own_records_only"),
    ], as_="wang.fang")
    ws.refusals(["problem", "update", "P1", str(theirs["id"])], [
        (["--title", "改", "--version", "1"], "owner", "own_records_only"),
    ], as_="wang.fang")
    ws.refusals(["problem", "start", "P1", str(theirs["id"])], [([], "owner", "own_records_only")],
                as_="wang.fang")
    ws.refusals(["problem", "update", "P1", str(mine["id"])], [
        (["--owner", "zhao.lei", "--version", "1"], "owner", "own_records_only"),
    ], as_="wang.fang")
    eq(ws.js("problem", "update", "P1", str(mine["id"]), "--title", "我的问题（已更新）",
             "--version", "1", as_="wang.fang")["title"], "我的问题（已更新）", "their own")
    eq(move(ws, "start", mine["id"], T0, "wang.fang")["status"], "in_progress", "moved by its owner")
    eq(move(ws, "start", theirs["id"], T0, "li.na")["status"], "in_progress", "a manager moves any")
    eq(len(ws.js("problem", "list", "P1", as_="gao")["problems"]), 2, "a viewer reads")
    ws.fail("problem", "add", "P1", "--type", "other", "--severity", "low", "--title", "x",
            "--owner", "gao", "--customer", acme, as_="gao", code=77)
    r = ws.fail("problem", "list", "P1", as_="out", json_out=True)
    eq(err_json(r)["code"], "not_found", "someone off the project does not see it")
    ws.fail("problem", "summary", "P1", as_="out")
    ws.fail("problem", "sla", "P1", as_="out")
    ws.fail("problem", "delete", "P1", str(theirs["id"]), as_="wang.fang", code=77)
    ws.ok("problem", "delete", "P1", str(mine["id"]), as_="wang.fang")
    eq(ws.sql("SELECT COUNT(*) FROM problem_history WHERE problem_id = ?", mine["id"]), [(0,)],
       "its history goes with it")


@test
def the_demo_has_problems_of_every_type_and_severity_some_overdue():
    ws = Workspace(init=False)
    ws.ok("demo")
    listed = ws.js("problem", "list", "FY")["problems"]
    eq(sorted({p["type"] for p in listed}), sorted(TYPES), "every type")
    eq(sorted({p["severity"] for p in listed}), sorted(SEVERITIES), "every severity")
    sla = {x["severity"]: x["hours"] for x in ws.js("problem", "sla", "FY")["sla"]}
    eq(sla, {"low": 168, "medium": 72, "high": 12, "critical": 4}, "FY answers a high one in 12 hours")
    now = datetime.datetime.utcnow()
    parse = lambda s: datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    # worked out from each problem's own times: its due time from its severity, overdue if
    # unresolved past it, within the SLA if resolved by it
    for p in listed:
        eq(parse(p["due_at"]) - parse(p["opened_at"]), datetime.timedelta(hours=sla[p["severity"]]),
           f"due of {p['title']}")
    unresolved = [p for p in listed if p["status"] in ("open", "in_progress")]
    overdue = [p for p in unresolved if parse(p["due_at"]) < now]
    resolved = [p for p in listed if p["resolved_at"]]
    in_sla = [p for p in resolved if parse(p["resolved_at"]) <= parse(p["due_at"])]
    assert overdue and len(overdue) < len(unresolved), "some overdue, not all"
    assert in_sla and len(in_sla) < len(resolved), "some resolved within the SLA, some after it"
    eq(sorted(p["id"] for p in listed if p["overdue"]), sorted(p["id"] for p in overdue), "flagged")
    t = ws.js("problem", "summary", "FY")["total"]
    eq((t["open"], t["overdue"], t["resolved"], t["resolved_in_sla"]),
       (len(unresolved), len(overdue), len(resolved), len(in_sla)), "the summary")
    closed = [p for p in listed if p["status"] == "closed"]
    assert closed, "some closed"
    h = ws.js("problem", "show", "FY", str(closed[0]["id"]))["history"]
    eq([x["to"] for x in h], ["open", "in_progress", "resolved", "closed"], "its history")
    eq(h[1]["by"], closed[0]["owner"], "moved by its owner")


if __name__ == "__main__":
    run_all()
