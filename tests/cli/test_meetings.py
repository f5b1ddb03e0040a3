"""test_meetings.py - a project's meetings from the command line: recorded with a day, a start
and an end (or a duration), a location, attendees who are members, agenda, minutes, decisions and
action items; the items turned into tasks in one step, each once; written by whom the rules say.

Managers write every meeting, a member the ones they organise, a viewer reads. An attendee or an
assignee who is not a member, an end before the start, an empty title, a bad time are refused
naming the field, and change nothing. Every value below is worked out by the test from what it
wrote (the workspace's clock is Asia/Shanghai, UTC+8 all year).
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403

TODAY = "2026-06-15"


def err_json(r):
    return json.loads(r.err.strip().splitlines()[-1])["error"]


def setup():
    """P1: mgr its manager, rep and rep2 members, vw a viewer; out on no project; P2 another."""
    ws = Workspace(today=TODAY)
    ws.write("pw", "user-secret-1\n")
    for login, name, role in (("mgr", "李经理", "manager"), ("rep", "王芳", "rep"),
                              ("rep2", "赵磊", "rep"), ("vw", "高总", "viewer"),
                              ("out", "局外人", "rep")):
        ws.ok("user", "add", login, "--name", name, "--role", role, "--password-file",
              ws.path("pw"))
    for code in ("P1", "P2"):
        ws.ok("project", "create", code, "--name", "项目 " + code, "--start", "2026-01-01",
              "--end", "2026-12-31")
    for login, prole in (("mgr", "manager"), ("rep", "member"), ("rep2", "member"),
                         ("vw", "viewer")):
        ws.ok("member", "add", "P1", login, "--role", prole)
    ws.ok("member", "add", "P2", "rep", "--role", "member")
    return ws


def add(ws, *extra, as_="mgr", project="P1", title="周例会：销售管道评审", date="2026-06-22",
        start="09:30", end="10:30"):
    args = ["meeting", "add", project, "--title", title, "--date", date, "--start", start]
    if end:
        args += ["--end", end]
    return ws.js(*args, *extra, as_=as_)


def counts(ws):
    return [ws.sql(f"SELECT COUNT(*) FROM {t}")[0][0]
            for t in ("meetings", "meeting_attendees", "meeting_items", "tasks", "audit")]


@test
def a_meeting_keeps_its_times_attendees_and_items():
    ws = setup()
    m = add(ws, "--location", "上海 3F, 会议室; A", "--agenda", "1. 赢单\n2. 卡住的商机",
            "--attendee", "rep", "--attendee", "rep2", "--attendee", "rep",
            "--item", "更新华东报价|rep|2026-06-26", "--item", "约客户演示|rep2|2026-06-30")
    # 09:30 and 10:30 in Shanghai (UTC+8) are 01:30 and 02:30 UTC
    eq((m["date"], m["start"], m["end"], m["starts_at"], m["ends_at"]),
       ("2026-06-22", "09:30", "10:30", "2026-06-22T01:30:00Z", "2026-06-22T02:30:00Z"))
    eq((m["organizer"], m["organizer_name"], m["version"]), ("mgr", "李经理", 1))
    eq([a["login"] for a in m["attendees"]], ["rep", "rep2"], "a repeat is dropped")
    eq([(i["text"], i["assignee"], i["due"], i["task"]) for i in m["action_items"]],
       [("更新华东报价", "rep", "2026-06-26", None), ("约客户演示", "rep2", "2026-06-30", None)])
    shown = ws.js("meeting", "show", "P1", m["id"], as_="vw")
    eq(shown["agenda"], "1. 赢单\n2. 卡住的商机", "the viewer reads it")
    eq(shown["location"], "上海 3F, 会议室; A")
    # a duration instead of an end: 45 minutes from 16:30
    d = add(ws, "--duration", "45", end=None, start="16:30", date="2026-06-10")
    eq((d["end"], d["ends_at"]), ("17:15", "2026-06-10T09:15:00Z"))
    listed = ws.js("meeting", "list", "P1")["meetings"]
    eq([x["id"] for x in listed], [m["id"], d["id"]], "latest first")


@test
def an_update_replaces_attendees_and_the_items_not_yet_tasks():
    ws = setup()
    m = add(ws, "--attendee", "rep", "--item", "A|rep|2026-06-26", "--item", "B|rep2|2026-06-27")
    u = ws.js("meeting", "update", "P1", m["id"], "--attendee", "rep2", "--minutes", "谈妥",
              "--item", "C|mgr|2026-07-01", as_="mgr")
    eq(u["version"], 2)
    eq([a["login"] for a in u["attendees"]], ["rep2"])
    eq([i["text"] for i in u["action_items"]], ["C"])
    eq(u["minutes"], "谈妥")
    # a stale version is refused
    r = ws.fail("meeting", "update", "P1", m["id"], "--version", "1", "--minutes", "x",
                json_out=True, as_="mgr")
    eq(err_json(r)["code"], "conflict")


@test
def bad_input_names_the_field_and_changes_nothing():
    ws = setup()
    m = add(ws, "--item", "A|rep|2026-06-26")
    before = counts(ws)
    cases = [
        (["--title", "", "--date", "2026-06-22", "--start", "09:00", "--end", "10:00"], "title"),
        (["--title", "T", "--date", "2026-06-22", "--start", "10:00", "--end", "09:00"], "end"),
        (["--title", "T", "--date", "2026-06-22", "--start", "10:00", "--end", "10:00"], "end"),
        (["--title", "T", "--date", "2026-06-22", "--start", "9h", "--end", "10:00"], "start"),
        (["--title", "T", "--date", "2026-06-22", "--start", "09:00"], "end"),
        (["--title", "T", "--date", "2026-06-22", "--start", "23:00", "--duration", "90"],
         "duration"),
        (["--title", "T", "--date", "2026-06-22", "--start", "09:00", "--end", "10:00",
          "--attendee", "out"], "attendees"),
        (["--title", "T", "--date", "2026-06-22", "--start", "09:00", "--end", "10:00",
          "--attendee", "nobody"], "attendees"),
        (["--title", "T", "--date", "2026-06-22", "--start", "09:00", "--end", "10:00",
          "--item", "X|out|2026-06-30"], "action_items"),
        (["--title", "T", "--date", "2026-06-22", "--start", "09:00", "--end", "10:00",
          "--item", "|rep|2026-06-30"], "action_items"),
        (["--title", "T", "--date", "2026-06-22", "--start", "09:00", "--end", "10:00",
          "--organizer", "out"], "organizer"),
    ]
    for args, field in cases:
        r = ws.fail("meeting", "add", "P1", *args, json_out=True, as_="mgr")
        eq(err_json(r)["field"], field, f"field of {args}")
    r = ws.fail("meeting", "update", "P1", m["id"], "--end", "08:00", json_out=True, as_="mgr")
    eq((err_json(r)["field"], err_json(r)["reason"]), ("end", "end_before_start"))
    eq(counts(ws), before, "nothing changed")


@test
def roles_managers_any_members_their_own_viewers_none():
    ws = setup()
    mine = add(ws, as_="rep")
    eq(mine["organizer"], "rep", "the organiser defaults to the writer")
    theirs = add(ws, as_="mgr")
    ws.ok("meeting", "update", "P1", mine["id"], "--minutes", "ok", as_="rep")
    r = ws.fail("meeting", "update", "P1", theirs["id"], "--minutes", "x", json_out=True,
                as_="rep")
    eq(err_json(r)["code"], "forbidden")
    r = ws.fail("meeting", "add", "P1", "--title", "T", "--date", "2026-06-22", "--start",
                "09:00", "--end", "10:00", "--organizer", "mgr", json_out=True, as_="rep")
    eq(err_json(r)["code"], "forbidden", "a member organises only their own")
    r = ws.fail("meeting", "add", "P1", "--title", "T", "--date", "2026-06-22", "--start",
                "09:00", "--end", "10:00", json_out=True, as_="vw")
    eq(err_json(r)["code"], "forbidden")
    r = ws.fail("meeting", "show", "P1", mine["id"], json_out=True, as_="out")
    eq(err_json(r)["code"], "not_found", "outside the project it is not there")
    ws.ok("meeting", "update", "P1", mine["id"], "--minutes", "mgr too", as_="mgr")
    r = ws.fail("meeting", "delete", "P1", mine["id"], json_out=True, as_="rep2")
    eq(err_json(r)["code"], "forbidden")
    ws.ok("meeting", "delete", "P1", mine["id"], as_="rep")
    eq(ws.sql("SELECT COUNT(*) FROM meetings WHERE id = ?", mine["id"]), [(0,)])


@test
def action_items_become_tasks_once_in_one_step():
    ws = setup()
    m = add(ws, "--item", "更新华东报价|rep|2026-06-26", "--item", "约客户演示|rep2|2026-06-30",
            "--item", "复盘定价|mgr|2026-06-20")
    ids = [i["id"] for i in m["action_items"]]
    before_tasks = ws.sql("SELECT COUNT(*) FROM tasks")[0][0]
    # one item by id
    one = ws.js("meeting", "tasks", "P1", m["id"], "--item", ids[0], as_="mgr")
    t0 = one["action_items"][0]["task"]
    eq((one["version"], [i["task"] is None for i in one["action_items"]]), (2, [False, True, True]))
    task = ws.js("task", "show", "P1", t0)
    # the task: the item's text, assignee and due day; it starts at the meeting (06-22)
    eq((task["title"], task["assignee"], task["start"], task["due"], task["status"]),
       ("更新华东报价", "rep", "2026-06-22", "2026-06-26", "todo"))
    eq(f"meeting #{m['id']}" in task["description"], True, "the task names its meeting")
    # again: refused, naming its task, nothing made
    r = ws.fail("meeting", "tasks", "P1", m["id"], "--item", ids[0], json_out=True, as_="mgr")
    eq((err_json(r)["code"], err_json(r)["reason"]), ("conflict", "item_converted"))
    # the rest at once; the third is due before the meeting: it starts on its due day
    rest = ws.js("meeting", "tasks", "P1", m["id"], as_="mgr")
    tasks = [i["task"] for i in rest["action_items"]]
    eq(tasks[0], t0)
    third = ws.js("task", "show", "P1", tasks[2])
    eq((third["start"], third["due"]), ("2026-06-20", "2026-06-20"))
    eq(ws.sql("SELECT COUNT(*) FROM tasks")[0][0], before_tasks + 3)
    r = ws.fail("meeting", "tasks", "P1", m["id"], json_out=True, as_="mgr")
    eq(err_json(r)["reason"], "nothing_to_convert")
    # a converted item cannot be changed or taken away; the others are kept
    # the meeting itself still changes
    eq(ws.js("meeting", "update", "P1", m["id"], "--title", "复盘会", as_="mgr")["title"], "复盘会")
    u = ws.js("meeting", "update", "P1", m["id"], "--item", "新事项|rep|2026-07-03", as_="mgr")
    eq([i["task"] for i in u["action_items"]], tasks + [None], "converted items stay")


@test
def making_tasks_follows_the_task_rules_and_is_all_or_nothing():
    ws = setup()
    # rep organises; one item is theirs, one rep2's: a member assigns tasks only to themselves
    m = add(ws, "--item", "我的|rep|2026-06-26", "--item", "他的|rep2|2026-06-27", as_="rep")
    before = counts(ws)
    r = ws.fail("meeting", "tasks", "P1", m["id"], json_out=True, as_="rep")
    eq((err_json(r)["code"], err_json(r)["field"]), ("forbidden", "assignee"))
    eq(counts(ws), before, "no task made, no item marked")
    one = ws.js("meeting", "tasks", "P1", m["id"], "--item", m["action_items"][0]["id"], as_="rep")
    eq(one["action_items"][0]["task"] is not None, True)
    r = ws.fail("meeting", "tasks", "P1", m["id"], json_out=True, as_="vw")
    eq(err_json(r)["code"], "forbidden")
    # a member removed from the project since: the item's task would have a non-member
    ws.ok("member", "remove", "P1", "rep2")
    r = ws.fail("meeting", "tasks", "P1", m["id"], json_out=True, as_="mgr")
    eq(err_json(r)["field"], "assignee")


@test
def the_demo_has_pipeline_reviews_a_kickoff_and_escalations_some_items_tasks():
    ws = Workspace(init=False)
    ws.ok("demo")
    ms = ws.js("meeting", "list", "FY")["meetings"]
    titles = [m["title"] for m in ms]
    assert sum("销售管道评审" in t for t in titles) >= 5, titles
    assert any("启动会" in t for t in titles) and sum("客户升级会" in t for t in titles) >= 2, titles
    assert any(m["upcoming"] for m in ms) and any(not m["upcoming"] for m in ms), "upcoming and past"
    items = [i for m in ms for i in m["action_items"]]
    made = [i for i in items if i["task"] is not None]
    assert made and len(made) < len(items), f"{len(made)} of {len(items)} items are tasks"
    for i in made:
        t = ws.js("task", "show", "FY", i["task"])
        eq((t["title"], t["assignee"], t["due"]), (i["text"], i["assignee"], i["due"]))
    assert all(m["minutes"] for m in ms if not m["upcoming"]), "past meetings have minutes"


run_all()
