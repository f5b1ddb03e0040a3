"""test_activities.py - a project's activities from the command line.

An activity is a call, visit, demo, email, meeting or other contact on a day (and a time), by a
member of the project (default: whoever logs it), with a customer and/or a deal of the project
(the deal's customer when only the deal is given), tagged pre-sale, in-sale or after-sale, with
an outcome and notes. A planned one is a to-do, due at its day and time in the workspace's time
zone (Asia/Shanghai here, UTC+8; the end of its day without a time), overdue once that has passed
(SALESPM_NOW moves the clock); marking it done says when. A rep writes only their own; managers
write all; viewers read; someone off the project sees nothing. Expected values are worked out
here by hand.
"""
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403
from fixture import insert_deal, workspace  # noqa: E402

KINDS = ["call", "visit", "demo", "email", "meeting", "other"]
PHASES = ["pre_sale", "in_sale", "after_sale"]
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def utc(day, hh, mm, ss=0):
    """The instant of a wall-clock time in Shanghai, as the API writes it (UTC, Z)."""
    y, m, d = map(int, day.split("-"))
    at = datetime.datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI).astimezone(datetime.timezone.utc)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def err_json(r):
    return json.loads(r.err.strip().splitlines()[-1])["error"]


def setup():
    """P1 (mgr manager, rep and rep2 members, vw viewer) and P2 (admin only); out on no
    project. Two customers bought in P1, one in P2; returns (ws, ids by name)."""
    ws = workspace(users=("mgr", "rep", "rep2", "vw", "out"), projects=("P1", "P2"),
                   channels=("direct",), products=("SKU-1",))
    for project, customer in (("P1", "华东贸易"), ("P1", "西湖电子"), ("P2", "北方重工")):
        ws.ok("sale", "add", project, "--date", "2026-02-01", "--customer", customer, "--product",
              "SKU-1", "--channel", "direct", "--quantity", "1")
    ids = {c: ws.js("customer", "show", c)["id"] for c in ("华东贸易", "西湖电子", "北方重工")}
    return ws, ids


def add(ws, *args, as_="rep", **kw):
    argv = ["activity", "add", "P1", *args]
    for k, v in kw.items():
        argv += ["--" + k.replace("_", "-"), str(v)]
    return ws.js(*argv, as_=as_)


@test
def every_kind_and_phase_is_logged_by_its_member_and_listed_newest_first():
    ws, ids = setup()
    made = []
    for i, kind in enumerate(KINDS):
        phase = PHASES[i % 3]
        made.append(add(ws, kind=kind, date=f"2026-03-{10 + i:02d}", time=f"{9 + i:02d}:30",
                        customer=ids["华东贸易"], phase=phase, outcome=f"结果 {kind}",
                        notes="第一行\n第二行"))
    eq([(a["kind"], a["phase"], a["member"], a["member_name"], a["customer"], a["customer_name"],
         a["status"], a["version"]) for a in made],
       [(k, PHASES[i % 3], "rep", "REP", ids["华东贸易"], "华东贸易", "done", 1)
        for i, k in enumerate(KINDS)], "each kind with its phase, logged by the rep, done")
    eq([(a["due_at"], a["overdue"]) for a in made], [(None, False)] * 6, "nothing is due")
    eq(all(a["done_at"] for a in made), True, "a done activity says when it was logged")
    eq(made[0]["notes"], "第一行\n第二行", "notes keep their lines")
    listed = ws.js("activity", "list", "P1", as_="vw")["activities"]
    eq([a["kind"] for a in listed], list(reversed(KINDS)), "newest first, read by a viewer")
    eq([a["time"] for a in listed], [f"{9 + i:02d}:30" for i in reversed(range(6))], "their times")
    audit = ws.sql("SELECT a.action, u.login FROM audit a JOIN users u ON u.id = a.actor_id "
                   "WHERE a.entity = 'activity' ORDER BY a.id")
    eq(audit, [("create", "rep")] * 6, "each one audited")


@test
def a_planned_activity_is_a_todo_due_at_its_time_overdue_once_passed_and_marked_done():
    ws, ids = setup()
    c = ids["西湖电子"]
    timed = add(ws, kind="visit", date="2026-03-05", time="14:30", customer=c, phase="in_sale",
                status="planned")
    allday = add(ws, kind="call", date="2026-03-05", customer=c, phase="pre_sale", status="planned")
    later = add(ws, kind="demo", date="2026-03-09", time="10:00", customer=c, phase="in_sale",
                status="planned")
    done = add(ws, kind="email", date="2026-03-01", customer=c, phase="pre_sale")
    eq(timed["due_at"], utc("2026-03-05", 14, 30), "due at its day and time, Shanghai time")
    eq(allday["due_at"], utc("2026-03-05", 23, 59, 59), "without a time: the end of its day")
    eq((timed["done_at"], done["due_at"]), (None, None), "a to-do is not done; a done one not due")

    ws.env["SALESPM_NOW"] = "2026-03-05T10:00:00Z"  # 18:00 in Shanghai on the 5th
    rows = ws.js("activity", "list", "P1")["activities"]
    eq({a["id"]: a["overdue"] for a in rows},
       {timed["id"]: True, allday["id"]: False, later["id"]: False, done["id"]: False},
       "at 18:00 the 14:30 visit is overdue, the day's call not yet")
    eq([a["id"] for a in ws.js("activity", "list", "P1", "--overdue", "yes")["activities"]],
       [timed["id"]], "the overdue filter")
    eq(sorted(a["id"] for a in ws.js("activity", "list", "P1", "--overdue", "no")["activities"]),
       sorted([allday["id"], later["id"], done["id"]]), "the others")
    ws.env["SALESPM_NOW"] = "2026-03-05T16:00:00Z"  # past midnight in Shanghai
    eq(sorted(a["id"] for a in ws.js("activity", "list", "P1", "--overdue", "yes")["activities"]),
       sorted([timed["id"], allday["id"]]), "after the day ends the all-day call is overdue too")
    eq(sorted(a["id"] for a in ws.js("activity", "list", "P1", "--status", "planned")["activities"]),
       sorted([timed["id"], allday["id"], later["id"]]), "the to-dos")
    # marking it done: no longer overdue, says when, keeps its due time
    ws.env["SALESPM_NOW"] = "2026-03-06T01:00:00Z"
    d = ws.js("activity", "update", "P1", str(timed["id"]), "--status", "done", "--outcome",
              "客户同意试用", "--version", "1", as_="rep")
    eq((d["status"], d["overdue"], d["due_at"], d["outcome"], d["version"]),
       ("done", False, utc("2026-03-05", 14, 30), "客户同意试用", 2), "marked done")
    eq(bool(d["done_at"]), True, "done says when")
    eq(sorted(a["id"] for a in ws.js("activity", "list", "P1", "--overdue", "yes")["activities"]),
       [allday["id"]], "one overdue left")
    # moved to a later day, a to-do is due then
    m = ws.js("activity", "update", "P1", str(allday["id"]), "--date", "2026-03-12", "--time",
              "09:00", "--version", "1", as_="mgr")
    eq((m["due_at"], m["overdue"]), (utc("2026-03-12", 9, 0), False), "rescheduled")


@test
def a_deal_gives_its_customer_and_must_be_the_projects_and_the_customers():
    ws, ids = setup()
    d1 = insert_deal(ws, "P1", ids["华东贸易"], "rep")
    # P2's deal is owned by one of its members
    ws.ok("user", "add", "p2rep", "--name", "P2 rep", "--role", "rep")
    ws.ok("member", "add", "P2", "p2rep")
    d2 = insert_deal(ws, "P2", ids["北方重工"], "p2rep")
    a = add(ws, kind="meeting", date="2026-04-01", deal=d1, phase="in_sale")
    eq((a["deal"], a["customer"], a["customer_name"]), (d1, ids["华东贸易"], "华东贸易"),
       "the deal's customer taken")
    b = add(ws, kind="call", date="2026-04-02", deal=d1, customer=ids["华东贸易"], phase="in_sale")
    eq(b["deal"], d1, "a deal with its own customer")
    add(ws, kind="call", date="2026-04-03", customer=ids["华东贸易"], phase="after_sale")
    eq(sorted(x["id"] for x in ws.js("activity", "list", "P1", "--deal", str(d1))["activities"]),
       sorted([a["id"], b["id"]]), "a deal's activities: the list filtered by deal")
    before = ws.sql("SELECT COUNT(*) FROM activities")
    ws.refusals(["activity", "add", "P1", "--kind", "call", "--date", "2026-04-04", "--phase",
                 "in_sale"],
                [(["--deal", str(d2)], "deal", "no_deal_in_project", {"deal": d2, "project": "P1"}),
                 (["--deal", "99999"], "deal", "no_deal_in_project"),
                 (["--deal", str(d1), "--customer", str(ids["西湖电子"])], "deal", "deal_customer",
                  {"deal": d1, "customer": str(ids["西湖电子"])})],
                as_="rep")
    eq(ws.sql("SELECT COUNT(*) FROM activities"), before, "nothing written")


@test
def lists_filter_by_member_customer_deal_kind_phase_status_and_dates():
    ws, ids = setup()
    d1 = insert_deal(ws, "P1", ids["西湖电子"], "rep")
    rows = [
        add(ws, kind="call", date="2026-05-01", customer=ids["华东贸易"], phase="pre_sale"),
        add(ws, kind="visit", date="2026-05-10", customer=ids["西湖电子"], phase="in_sale", as_="rep2"),
        add(ws, kind="demo", date="2026-05-20", deal=d1, phase="in_sale", status="planned",
            as_="rep2"),
        add(ws, kind="call", date="2026-06-01", customer=ids["华东贸易"], phase="after_sale",
            member="rep2", as_="mgr"),
    ]
    r = [x["id"] for x in rows]

    def ids_of(*filters):
        return sorted(x["id"] for x in ws.js("activity", "list", "P1", *filters)["activities"])

    eq(ids_of("--member", "rep2"), sorted([r[1], r[2], r[3]]), "by member")
    eq(ids_of("--member", "rep"), [r[0]], "the rep's own")
    eq(ids_of("--customer", str(ids["西湖电子"])), sorted([r[1], r[2]]), "by customer")
    eq(ids_of("--deal", str(d1)), [r[2]], "by deal")
    eq(ids_of("--kind", "call"), sorted([r[0], r[3]]), "by kind")
    eq(ids_of("--phase", "in_sale"), sorted([r[1], r[2]]), "by phase")
    eq(ids_of("--status", "done"), sorted([r[0], r[1], r[3]]), "by status")
    eq(ids_of("--date", "2026-05-05..2026-05-31"), sorted([r[1], r[2]]), "a date range")
    eq(ids_of("--date", "2026-05-20.."), sorted([r[2], r[3]]), "from a date")
    eq(ids_of("--kind", "call", "--member", "rep2"), [r[3]], "filters together")
    eq(rows[3]["member"], "rep2", "a manager logs for a member")


@test
def bad_input_is_refused_with_what_and_where_and_changes_nothing():
    ws, ids = setup()
    c = str(ids["华东贸易"])
    base = ["activity", "add", "P1"]
    ok_args = ["--kind", "call", "--date", "2026-03-01", "--customer", c, "--phase", "pre_sale"]

    def without(name):
        i = ok_args.index("--" + name)
        return ok_args[:i] + ok_args[i + 2:]

    ws.refusals(base, [
        (without("kind"), "kind", "required"),
        (without("date"), "date", "required"),
        (without("phase"), "phase", "required"),
        (without("customer"), "customer", "customer_or_deal"),
        (ok_args + ["--time", "25:00"], "time", "not_time", {"value": "25:00"}),
        (ok_args + ["--time", "9:30"], "time", "not_time", {"value": "9:30"}),
        (without("kind") + ["--kind", "fax"], "kind", None),
        (without("phase") + ["--phase", "during"], "phase", None),
        (ok_args + ["--status", "maybe"], "status", None),
        (ok_args + ["--member", "out"], "member", "not_member", {"login": "out", "project": "P1"}),
        (ok_args + ["--member", "vw"], "member", "viewer_member", {"login": "vw"}),
        (without("customer") + ["--customer", "99999"], "customer", None),
        (without("date") + ["--date", "2026-02-30"], "date", None),
    ], as_="mgr")
    eq(ws.sql("SELECT COUNT(*) FROM activities"), [(0,)], "nothing written")


@test
def a_rep_writes_only_their_own_managers_all_viewers_read_outsiders_see_nothing():
    ws, ids = setup()
    c = str(ids["华东贸易"])
    mine = add(ws, kind="call", date="2026-03-01", customer=c, phase="pre_sale", as_="rep")
    theirs = add(ws, kind="visit", date="2026-03-02", customer=c, phase="in_sale", as_="rep2")
    # a rep logs for someone else: refused
    r = ws.fail("activity", "add", "P1", "--kind", "call", "--date", "2026-03-03", "--customer", c,
                "--phase", "pre_sale", "--member", "rep2", as_="rep", json_out=True)
    eq((err_json(r)["reason"], r.code), ("own_records_only", 77), "not for another member")
    # nor changes or deletes another's, nor hands their own to someone else
    r = ws.fail("activity", "update", "P1", str(theirs["id"]), "--outcome", "x", as_="rep",
                json_out=True)
    eq(err_json(r)["reason"], "own_records_only", "not another's")
    r = ws.fail("activity", "delete", "P1", str(theirs["id"]), as_="rep", json_out=True)
    eq(err_json(r)["reason"], "own_records_only", "nor delete it")
    r = ws.fail("activity", "update", "P1", str(mine["id"]), "--member", "rep2", as_="rep",
                json_out=True)
    eq(err_json(r)["reason"], "own_records_only", "nor give theirs away")
    eq(ws.js("activity", "update", "P1", str(mine["id"]), "--outcome", "好", as_="rep")["version"], 2,
       "their own")
    # the manager changes anyone's
    eq(ws.js("activity", "update", "P1", str(theirs["id"]), "--phase", "after_sale",
             as_="mgr")["phase"], "after_sale", "a manager changes a rep's")
    # a viewer reads, writes nothing
    eq(len(ws.js("activity", "list", "P1", as_="vw")["activities"]), 2, "a viewer reads")
    r = ws.fail("activity", "add", "P1", "--kind", "call", "--date", "2026-03-03", "--customer", c,
                "--phase", "pre_sale", as_="vw", json_out=True)
    eq(r.code, 77, "a viewer logs nothing")
    # someone off the project: no such project
    r = ws.fail("activity", "list", "P1", as_="out", json_out=True)
    eq(err_json(r)["reason"], "no_project", "an outsider sees nothing")
    r = ws.fail("activity", "show", "P1", str(mine["id"]), as_="out", json_out=True)
    eq(err_json(r)["reason"], "no_project", "not one of them")
    ws.ok("activity", "delete", "P1", str(mine["id"]), as_="rep")
    eq(ws.sql("SELECT COUNT(*) FROM activities"), [(1,)], "a rep deletes their own")


@test
def a_stale_version_is_a_conflict_and_changes_nothing():
    ws, ids = setup()
    a = add(ws, kind="call", date="2026-03-01", customer=ids["华东贸易"], phase="pre_sale",
            status="planned")
    ws.ok("activity", "update", "P1", str(a["id"]), "--status", "done", "--version", "1", as_="rep")
    r = ws.fail("activity", "update", "P1", str(a["id"]), "--outcome", "迟到的修改", "--version", "1",
                as_="mgr", json_out=True)
    eq(err_json(r)["code"], "conflict", "the second writer gets a conflict")
    eq(ws.sql("SELECT outcome, version FROM activities WHERE id = ?", a["id"]), [("", 2)],
       "unchanged")


if __name__ == "__main__":
    run_all()
