"""test_trainings.py - the team's training from the command line: sessions and their attendance.

A session (src/core/training.c) has a topic, one of four categories, a day, 1 to 200 hours, a
trainer who is a user (or none), a place and notes; it shows how many people are on its list,
how many came and the average of their scores (rounded half up). An attendance record puts a
person on a session's list once, says whether they came (yes unless told) and their score
(0 to 100, only for someone who came); a person's training history is the attendance listed
for them. Managers write, everyone reads; every change is versioned and audited; a refused
change changes nothing; a session with attendance cannot be deleted. The expected figures
below are computed by hand from what each test sends.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403

CATEGORIES = ["product_knowledge", "sales_skills", "customer_service", "other"]


def err_json(r):
    return json.loads(r.err.strip().splitlines()[-1])["error"]


def team(ws):
    ws.write("pw", "user-secret-1\n")
    for login, name, role in (("li.na", "李娜", "manager"), ("wang.fang", "王芳", "rep"),
                              ("zhao.lei", "赵磊", "rep"), ("gao", "高总", "viewer")):
        ws.ok("user", "add", login, "--name", name, "--role", role, "--password-file", ws.path("pw"))


def session(ws, name, category="product_knowledge", date="2026-12-10", **kw):
    args = ["training", "add", "--name", name, "--category", category, "--date", date]
    for k, v in kw.items():
        args += ["--" + k.replace("_", "-"), v]
    return ws.js(*args, as_="li.na")


@test
def a_session_of_every_category_added_shown_listed_changed():
    ws = Workspace()
    team(ws)
    made = []
    for i, cat in enumerate(CATEGORIES):
        t = session(ws, f"课程 {i}", cat, f"2026-12-{10 + i:02d}", hours=str(i + 2), trainer="li.na",
                    location="上海办公室 3 楼", notes="议程：\n演示 X3")
        eq((t["name"], t["category"], t["date"], t["hours"], t["trainer"], t["location"], t["notes"],
            t["version"]),
           (f"课程 {i}", cat, f"2026-12-{10 + i:02d}", i + 2, "li.na", "上海办公室 3 楼", "议程：\n演示 X3", 1),
           f"added {cat}")
        eq((t["listed"], t["attended"], t["average_score"]), (0, 0, None), "a new session: nobody yet")
        made.append(t)
    eq(ws.js("training", "show", str(made[0]["id"])), made[0], "show is what add answered")
    # newest day first; a filter on the category
    eq([x["name"] for x in ws.js("training", "list")["trainings"]], ["课程 3", "课程 2", "课程 1", "课程 0"],
       "newest first")
    eq([x["name"] for x in ws.js("training", "list", "--category", "sales_skills")["trainings"]], ["课程 1"],
       "filtered by category")
    head = ws.ok("training", "list").out.splitlines()[0].split()
    eq(head[:4], ["ID", "NAME", "CATEGORY", "DATE"], "list head")
    # an outside trainer: none, named in the notes
    u = ws.js("training", "update", str(made[0]["id"]), "--trainer", "", "--notes", "外部讲师：陈老师",
              "--version", "1")
    eq((u["trainer"], u["notes"], u["version"]), (None, "外部讲师：陈老师", 2), "changed")
    audit = ws.sql("SELECT a.action, u.login FROM audit a JOIN users u ON u.id = a.actor_id "
                   "WHERE a.entity = 'training' AND a.entity_id = ? ORDER BY a.id", made[0]["id"])
    eq(audit, [("create", "li.na"), ("update", "admin")], "audit")
    ws.ok("training", "delete", str(made[3]["id"]), "--version", "1")
    eq(ws.run("training", "show", str(made[3]["id"])).code, 1, "gone after delete")


@test
def attendance_gives_the_sessions_figures_and_each_persons_history():
    ws = Workspace()
    team(ws)
    a = session(ws, "X3 产品知识", "product_knowledge", "2026-12-10", hours="3")
    b = session(ws, "异议处理", "sales_skills", "2026-12-17")
    rows = [  # (session, person, came, score): scored 88, 75 and 90 on a
        (a, "wang.fang", True, "88"), (a, "zhao.lei", True, "75"), (a, "li.na", True, "90"),
        (a, "gao", False, None), (b, "wang.fang", True, "60"), (b, "zhao.lei", True, None),
    ]
    for t, who, came, score in rows:
        args = ["attendance", "add", "--training", str(t["id"]), "--attendee", who]
        if not came:
            args += ["--attended", "no"]
        if score is not None:
            args += ["--score", score]
        r = ws.js(*args, as_="li.na")
        eq((r["training"], r["training_name"], r["date"], r["attendee"], r["attended"],
            r["score"] if score is None else str(r["score"])),
           (t["id"], t["name"], t["date"], who, came, score), f"{who} on {t['name']}")
    # a: 4 listed, 3 came, (88 + 75 + 90) / 3 = 84.33 -> 84; b: 2 listed, 2 came, one score 60
    got = {x["name"]: (x["listed"], x["attended"], x["average_score"])
           for x in ws.js("training", "list")["trainings"]}
    eq(got, {"X3 产品知识": (4, 3, 84), "异议处理": (2, 2, 60)}, "each session's figures")
    # rounded half up: 88 and 75 alone average 81.5 -> 82
    li = [x for x in ws.js("attendance", "list", "--attendee", "li.na")["attendances"]][0]
    ws.ok("attendance", "update", str(li["id"]), "--score", "", "--version", "1")
    eq(ws.js("training", "show", str(a["id"]))["average_score"], 82, "(88 + 75) / 2 = 81.5 -> 82")
    # a person's history: their sessions, newest first, with the topic and the day
    hist = ws.js("attendance", "list", "--attendee", "wang.fang")["attendances"]
    eq([(x["training_name"], x["date"], x["score"]) for x in hist],
       [("异议处理", "2026-12-17", 60), ("X3 产品知识", "2026-12-10", 88)], "wang.fang's history")
    text = ws.ok("attendance", "list", "--attendee", "zhao.lei").out.splitlines()
    eq(text[0].split()[:4], ["ID", "TRAINING", "TRAINING", "NAME"], "the table names the session")
    assert "异议处理" in text[1] and "赵磊" in text[1], f"the row reads {text[1]!r}"
    # a session with attendance is kept; without, it may go
    r = ws.fail("training", "delete", str(a["id"]), "--version", "1", json_out=True)
    eq((err_json(r)["code"], err_json(r)["reason"]), ("conflict", "in_use"), "a session with attendance")
    eq(ws.js("training", "show", str(a["id"]))["listed"], 4, "still there")


@test
def bad_input_says_what_and_where_and_changes_nothing():
    ws = Workspace()
    team(ws)
    cases = [
        (["--name", "A", "--category", "hiking", "--date", "2026-12-01"], "category", None),
        (["--name", "A", "--category", "other", "--date", "2026-13-01"], "date", None),
        (["--name", "A", "--category", "other", "--date", "2026-12-01", "--hours", "0"], "hours",
         "number_range"),
        (["--name", "A", "--category", "other", "--date", "2026-12-01", "--hours", "201"], "hours",
         "number_range"),
        (["--name", "A", "--category", "other", "--date", "2026-12-01", "--trainer", "nobody"], "trainer",
         None),
        (["--name", "", "--category", "other", "--date", "2026-12-01"], "name", None),
        (["--category", "other", "--date", "2026-12-01"], "name", None),
        (["--name", "A", "--category", "other"], "date", None),
    ]
    ws.refusals(("training", "add"), cases)
    eq(ws.js("training", "list")["trainings"], [], "no session was added")

    t = session(ws, "X3", "product_knowledge")
    tid = str(t["id"])
    ws.js("attendance", "add", "--training", tid, "--attendee", "wang.fang", "--score", "70")
    cases = [
        (["--training", tid, "--attendee", "wang.fang"], "attendee", "already_listed"),
        (["--training", "999", "--attendee", "zhao.lei"], "training", "no_ref"),
        (["--training", tid, "--attendee", "nobody"], "attendee", "no_ref"),
        (["--training", tid, "--attendee", "zhao.lei", "--score", "101"], "score", "number_range"),
        (["--training", tid, "--attendee", "zhao.lei", "--score", "-1"], "score", None),
        (["--training", tid, "--attendee", "zhao.lei", "--attended", "no", "--score", "50"], "score",
         "score_not_attended"),
        (["--attendee", "zhao.lei"], "training", None),
    ]
    ws.refusals(("attendance", "add"), cases)
    eq(len(ws.js("attendance", "list")["attendances"]), 1, "no attendance was added")
    # marking a scored person absent keeps the score: refused until the score goes too
    only = ws.js("attendance", "list")["attendances"][0]
    e = err_json(ws.fail("attendance", "update", str(only["id"]), "--attended", "no", "--version", "1",
                         json_out=True))
    eq((e["field"], e["reason"]), ("score", "score_not_attended"), "absent with a score")
    u = ws.js("attendance", "update", str(only["id"]), "--attended", "no", "--score", "", "--version", "1")
    eq((u["attended"], u["score"], u["version"]), (False, None, 2), "absent, no score")
    eq(ws.js("training", "show", tid)[("attended")], 0, "nobody came")


@test
def managers_write_everyone_reads():
    ws = Workspace()
    team(ws)
    t = session(ws, "渠道政策", "other")
    tid = str(t["id"])
    a = ws.js("attendance", "add", "--training", tid, "--attendee", "wang.fang", as_="li.na")
    for login in ("wang.fang", "gao"):
        eq([x["name"] for x in ws.js("training", "list", as_=login)["trainings"]], ["渠道政策"], f"{login} reads")
        eq(len(ws.js("attendance", "list", as_=login)["attendances"]), 1, f"{login} reads the attendance")
        for args in (["training", "add", "--name", "X", "--category", "other", "--date", "2026-12-01"],
                     ["training", "update", tid, "--hours", "2", "--version", "1"],
                     ["training", "delete", tid, "--version", "1"],
                     ["attendance", "add", "--training", tid, "--attendee", "zhao.lei"],
                     ["attendance", "update", str(a["id"]), "--score", "99", "--version", "1"],
                     ["attendance", "delete", str(a["id"]), "--version", "1"]):
            eq(ws.fail(*args, as_=login).code, 77, f"{login} may not {args[:2]}")
    eq(ws.js("training", "show", tid)["version"], 1, "untouched by refused writes")
    eq(ws.js("attendance", "show", str(a["id"]))["score"], None, "untouched by refused writes")


@test
def the_demo_fills_both_screens_and_its_figures_add_up():
    """The demo's sessions: one of each category, three held and scored, one to come; each
    session's figures recomputed here from its attendance as listed."""
    ws = Workspace(init=False)
    ws.ok("demo")
    sessions = ws.js("training", "list")["trainings"]
    eq(sorted(x["category"] for x in sessions), sorted(CATEGORIES), "one session of each category")
    rows = ws.js("attendance", "list")["attendances"]
    for t in sessions:
        mine = [a for a in rows if a["training"] == t["id"]]
        scores = [a["score"] for a in mine if a["score"] is not None]
        avg = (2 * sum(scores) + len(scores)) // (2 * len(scores)) if scores else None
        eq((t["listed"], t["attended"], t["average_score"]),
           (len(mine), sum(1 for a in mine if a["attended"]), avg), f"figures of {t['name']}")
        assert mine, f"{t['name']} has people on its list"
    held = [t for t in sessions if t["attended"]]
    eq(len(held), 3, "three sessions held (someone attended)")


if __name__ == "__main__":
    run_all()
