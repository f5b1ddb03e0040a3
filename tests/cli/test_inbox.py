"""test_inbox.py - the inbox from the command line, for a scripted week of a project whose
notifications are worked out by hand below: events (a task given to me, a deal or problem whose
owner becomes me, a stage move of my deal - each by someone else), and what time makes (my
tasks, planned activities and collections due today or overdue, my problems past their SLA),
added when the inbox is read, once per record and due day; unread counts per kind; mark one or
all read; the kinds a user turns off are not received; and a notification of a project the
reader has left is neither listed, counted nor markable (it is back when they return).

Today is 2026-06-15, now 02:00 UTC (10:00 in the workspace's Asia/Shanghai).
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403
from deal_rows import insert_deal  # noqa: E402

TODAY = "2026-06-15"
NOW = "2026-06-15T02:00:00Z"


def err_json(r):
    return json.loads(r.err.strip().splitlines()[-1])["error"]


def setup():
    ws = Workspace(today=TODAY)
    ws.env["SALESPM_NOW"] = NOW
    for login, name, role in (("mgr", "李经理", "manager"), ("rep", "王芳", "rep"),
                              ("rep2", "赵磊", "rep"), ("out", "局外人", "rep")):
        ws.ok("user", "add", login, "--name", name, "--role", role)
    for code in ("P1", "P2"):
        ws.ok("project", "create", code, "--name", "项目 " + code, "--start", "2026-01-01",
              "--end", "2026-12-31")
    for login, prole in (("mgr", "manager"), ("rep", "member"), ("rep2", "member")):
        ws.ok("member", "add", "P1", login, "--role", prole)
    ws.ok("member", "add", "P2", "out", "--role", "member")
    ws.ok("channel", "add", "CH", "--name", "直销", "--type", "direct")
    ws.ok("product", "add", "SKU", "--name", "交换机", "--cost", "1.00", "--price", "2.00")
    ws.ok("sale", "add", "P1", "--date", "2026-02-01", "--customer", "华东医院", "--product",
          "SKU", "--channel", "CH", "--quantity", "1", "--price", "2.00", "--rep", "rep")
    return ws


def task(ws, title, assignee, start, due, as_="mgr", project="P1"):
    return ws.js("task", "add", project, "--title", title, "--assignee", assignee, "--start",
                 start, "--due", due, as_=as_)["id"]


def week(ws):
    """The scripted week; returns the records' ids and the notifications rep must have, each
    (kind, on_kind, id), worked out by hand."""
    cust = ws.js("customer", "show", "华东医院")["id"]
    r = {}
    r["T1"] = task(ws, "今天到期", "rep", "2026-06-10", "2026-06-15")
    r["T2"] = task(ws, "已逾期", "rep", "2026-06-01", "2026-06-10")
    r["T3"] = task(ws, "自己的逾期", "rep", "2026-06-01", "2026-06-12", as_="rep")
    r["T4"] = task(ws, "已完成", "rep", "2026-06-01", "2026-06-05")
    ws.ok("task", "done", "P1", str(r["T4"]), as_="mgr")
    r["D1"] = ws.js("deal", "add", "P1", "--title", "华东医院耗材", "--customer", "华东医院",
                    "--owner", "rep", as_="mgr")["id"]
    ws.ok("deal", "move", "P1", str(r["D1"]), "qualified", as_="mgr")
    ws.ok("deal", "move", "P1", str(r["D1"]), "proposal", as_="rep")  # by rep: not told
    r["D2"] = ws.js("deal", "add", "P1", "--title", "自己的商机", "--customer", "华东医院",
                    as_="rep")["id"]
    ws.ok("deal", "update", "P1", str(r["D2"]), "--owner", "rep2", as_="mgr")
    # a critical problem opened yesterday at 00:00 UTC: its 4-hour SLA passed at 04:00
    ws.env["SALESPM_NOW"] = "2026-06-14T00:00:00Z"
    r["PR1"] = ws.js("problem", "add", "P1", "--type", "delivery", "--severity", "critical",
                     "--title", "断货", "--owner", "rep", "--customer", str(cust),
                     as_="mgr")["id"]
    ws.env["SALESPM_NOW"] = NOW
    r["PR2"] = ws.js("problem", "add", "P1", "--type", "service", "--severity", "low",
                     "--title", "回访慢", "--owner", "rep", "--customer", str(cust),
                     as_="mgr")["id"]
    # planned activities: today 15:00 local (07:00 UTC, within a day: due), yesterday (its end
    # 23:59:59 local has passed: overdue), next week (nothing), and one done (nothing)
    act = ["activity", "add", "P1", "--kind", "call", "--customer", str(cust), "--phase",
           "in_sale"]
    r["A1"] = ws.js(*act, "--date", "2026-06-15", "--time", "15:00", "--status", "planned",
                    as_="rep")["id"]
    r["A2"] = ws.js(*act, "--date", "2026-06-14", "--status", "planned", as_="rep")["id"]
    ws.ok(*act, "--date", "2026-06-20", "--status", "planned", as_="rep")
    ws.ok(*act, "--date", "2026-06-01", as_="rep")
    # collections of rep's won deal: due today; overdue and partly received; received in full
    won = insert_deal(ws, "P1", "华东医院", "rep", 100000, channel="CH")
    col = ["collection", "add", "P1", "--deal", str(won)]
    r["C1"] = ws.js(*col, "--due", "2026-06-15", "--amount", "100.00", as_="mgr")["id"]
    r["C2"] = ws.js(*col, "--due", "2026-06-01", "--amount", "100.00", as_="mgr")["id"]
    c3 = ws.js(*col, "--due", "2026-06-02", "--amount", "50.00", as_="mgr")["id"]
    ws.ok("collection", "receive", "P1", str(r["C2"]), "--amount", "40.00", "--date",
          "2026-06-02", as_="mgr")
    ws.ok("collection", "receive", "P1", str(c3), "--amount", "50.00", "--date", "2026-06-02",
          as_="mgr")
    expect = sorted([
        ("assigned", "task", r["T1"]), ("assigned", "task", r["T2"]),
        ("assigned", "task", r["T4"]), ("assigned", "deal", r["D1"]),
        ("assigned", "problem", r["PR1"]), ("assigned", "problem", r["PR2"]),
        ("stage", "deal", r["D1"]),
        ("due", "task", r["T1"]), ("overdue", "task", r["T2"]), ("overdue", "task", r["T3"]),
        ("sla", "problem", r["PR1"]), ("due", "activity", r["A1"]),
        ("overdue", "activity", r["A2"]), ("due", "collection", r["C1"]),
        ("overdue", "collection", r["C2"]),
    ])
    return r, expect


def inbox(ws, login, *args):
    return ws.js("inbox", "list", "--limit", "200", *args, as_=login)


def keys(got):
    return sorted((n["kind"], n["on_kind"], n["on_id"]) for n in got["notifications"])


@test
def a_week_in_reps_inbox():
    ws = setup()
    r, expect = week(ws)
    got = inbox(ws, "rep")
    eq(keys(got), expect)
    eq((got["total"], got["unread"]), (15, 15))
    eq(ws.js("inbox", "count", as_="rep"),
       {"unread": 15, "by_kind": {"mention": 0, "assigned": 6, "due": 3, "overdue": 4,
                                  "stage": 1, "sla": 1, "alert": 0, "review": 0}})
    byk = {(n["kind"], n["on_kind"], n["on_id"]): n for n in got["notifications"]}
    stage = byk[("stage", "deal", r["D1"])]
    eq((stage["params"]["from"], stage["params"]["to"], stage["params"]["title"],
        stage["by"]["login"], stage["project"], stage["day"]),
       ("lead", "qualified", "华东医院耗材", "mgr", "P1", None))
    over = byk[("overdue", "task", r["T2"])]
    eq((over["day"], over["params"]["due"], over["by"]), ("2026-06-10", "2026-06-10", None))
    eq(byk[("sla", "problem", r["PR1"])]["params"]["due"], "2026-06-14T04:00:00Z")
    eq(byk[("due", "activity", r["A1"])]["params"]["due"], "2026-06-15T07:00:00Z")
    # rep2: the deal handed over; mgr and the others: nothing (their own doing)
    eq(keys(inbox(ws, "rep2")), [("assigned", "deal", r["D2"])])
    eq(keys(inbox(ws, "mgr")), [])
    # the table without --json: a header, a line each, what the page is of
    lines = ws.ok("inbox", "list", "--limit", "200", as_="rep").out.splitlines()
    eq((len(lines), lines[-1]), (17, "15 of 15 shown from 0; 15 unread"))
    eq(lines[0].split(), ["id", "kind", "record", "project", "by", "at"])
    # read again: nothing new, nothing twice
    eq(ws.js("inbox", "count", as_="rep")["unread"], 15)
    eq(ws.sql("SELECT COUNT(*) FROM notifications WHERE user_id = "
              "(SELECT id FROM users WHERE login = 'rep')"), [(15,)])


@test
def the_next_day_brings_what_fell_due():
    ws = setup()
    r, expect = week(ws)
    inbox(ws, "rep")
    ws.env["SALESPM_TODAY"] = "2026-06-16"
    ws.env["SALESPM_NOW"] = "2026-06-16T02:00:00Z"
    # T1 and C1 were due yesterday, A1 at 07:00 UTC yesterday: now overdue, told once more
    more = [("overdue", "task", r["T1"]), ("overdue", "collection", r["C1"]),
            ("overdue", "activity", r["A1"])]
    eq(keys(inbox(ws, "rep")), sorted(expect + more))
    eq(keys(inbox(ws, "rep")), sorted(expect + more), "idempotent")


@test
def kinds_turned_off_are_not_received():
    ws = setup()
    eq(ws.js("inbox", "settings", as_="rep2")["settings"],
       {"mention": True, "assigned": True, "due": True, "overdue": True, "stage": True,
        "sla": True, "alert": True, "review": True})
    got = ws.js("inbox", "settings", "--off", "assigned", "--off", "overdue", as_="rep2")
    eq([k for k, v in got["settings"].items() if not v], ["assigned", "overdue"])
    task(ws, "给 rep2 的逾期任务", "rep2", "2026-06-01", "2026-06-02")
    t = task(ws, "给 rep2 的今日任务", "rep2", "2026-06-01", "2026-06-15")
    eq(keys(inbox(ws, "rep2")), [("due", "task", t)])
    ws.refusals(("inbox", "settings"), [(("--off", "email"), "kind", "bad_enum")], as_="rep2")
    ws.ok("inbox", "settings", "--on", "assigned", as_="rep2")
    t2 = task(ws, "再给 rep2", "rep2", "2026-07-01", "2026-07-02")
    eq(keys(inbox(ws, "rep2")), sorted([("due", "task", t), ("assigned", "task", t2)]))
    eq(ws.sql("SELECT action FROM audit WHERE entity = 'notification_settings' ORDER BY id"),
       [("update",), ("update",)])


@test
def a_project_left_is_gone_from_the_inbox():
    ws = setup()
    ws.ok("member", "add", "P2", "rep", "--role", "member")
    p1 = task(ws, "P1 的任务", "rep", "2026-07-01", "2026-07-02")
    p2 = task(ws, "P2 的任务", "rep", "2026-07-01", "2026-07-02", as_="admin", project="P2")
    got = inbox(ws, "rep")
    eq(keys(got), sorted([("assigned", "task", p1), ("assigned", "task", p2)]))
    p2_note = [n for n in got["notifications"] if n["project"] == "P2"][0]["id"]
    ws.ok("member", "remove", "P2", "rep")
    got = inbox(ws, "rep")
    eq(keys(got), [("assigned", "task", p1)])
    eq((got["total"], got["unread"]), (1, 1))
    eq(ws.js("inbox", "count", as_="rep")["unread"], 1)
    eq(ws.js("inbox", "list", "--kind", "assigned", as_="rep")["total"], 1)
    r = ws.fail("inbox", "read", str(p2_note), as_="rep", json_out=True, code=1)
    eq(err_json(r)["code"], "not_found")
    eq(ws.js("inbox", "read-all", as_="rep"), {"marked": 1})
    eq(ws.sql("SELECT COUNT(*) FROM notifications WHERE id = ? AND read_at IS NULL", p2_note),
       [(1,)], "read-all did not touch what rep no longer sees")
    ws.ok("member", "add", "P2", "rep", "--role", "member")
    eq(ws.js("inbox", "count", as_="rep")["unread"], 1, "back with the membership")
    # another user's notification is not found either
    ws.fail("inbox", "read", str(p2_note), as_="out", code=1)


@test
def read_one_all_and_pages():
    ws = setup()
    r, expect = week(ws)
    everything = inbox(ws, "rep")["notifications"]
    ids = [n["id"] for n in everything]
    eq(ids, sorted(ids, reverse=True), "newest first")
    page = ws.js("inbox", "list", "--limit", "5", "--offset", "10", as_="rep")
    eq([n["id"] for n in page["notifications"]], ids[10:15])
    eq((page["total"], page["limit"], page["offset"]), (15, 5, 10))
    eq(len(ws.js("inbox", "list", "--kind", "overdue", as_="rep")["notifications"]), 4)
    eq(ws.js("inbox", "read", str(ids[0]), as_="rep"), {"marked": 1})
    eq(ws.js("inbox", "read", str(ids[0]), as_="rep"), {"marked": 0}, "already read")
    got = ws.js("inbox", "list", "--unread", "--limit", "200", as_="rep")
    eq([n["id"] for n in got["notifications"]], ids[1:])
    eq(ws.js("inbox", "count", as_="rep")["unread"], 14)
    eq(ws.js("inbox", "read-all", as_="rep"), {"marked": 14})
    eq(ws.js("inbox", "count", as_="rep")["unread"], 0)
    eq(inbox(ws, "rep")["total"], 15, "read ones stay listed")
    ws.refusals(("inbox", "list"), [(("--limit", "0"), "limit", "out_of_range"),
                                    (("--limit", "201"), "limit", "out_of_range"),
                                    (("--offset", "-1"), "offset", "negative"),
                                    (("--kind", "nope"), "kind", "bad_enum")], as_="rep")
    ws.fail("inbox", "read", "999999", as_="rep", code=1)
    eq(ws.sql("SELECT action FROM audit WHERE entity = 'notification' ORDER BY id"),
       [("read",), ("read_all",)])


if __name__ == "__main__":
    run_all()
