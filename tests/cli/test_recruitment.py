"""test_recruitment.py - recruitment from the command line: positions with the project they
hire for, candidates moving through the stages, their interviews, and the hire.

A candidate (src/core/recruit.c) applies for an open position (not a filled or closed one)
and starts at applied on the day they applied (today unless told). Their stage changes only
by `candidate stage ID --to STAGE`: forward to any later stage, hired only from offer,
rejected from any stage but hired, a rejected one reopened to applied only; a hire is final.
The move to hired needs a login and creates the user (name and email default to the
candidate's, role to rep; a manager hires reps and viewers only) and, when the position hires
for a project, the membership (role member), and marks the position filled when its hires
reach its openings - in one transaction: a taken login changes nothing. An interview has an
interviewer, a day, a rating 1-5 (or none) and notes; a candidate shows how many interviews
they had and the average of the ratings given, rounded half up. Only managers and admins
read or write candidates and interviews. Expected values below are worked out by hand.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403

STAGES = ["applied", "screening", "interview", "offer", "hired", "rejected"]
SOURCES = ["referral", "job_board", "campus", "agency", "other"]
TODAY = "2026-12-15"


def err_json(r):
    return json.loads(r.err.strip().splitlines()[-1])["error"]


def team(ws):
    """li.na a manager who owns project FY; zhou a manager who does not; reps and a viewer."""
    ws.write("pw", "user-secret-1\n")
    for login, name, role in (("li.na", "李娜", "manager"), ("zhou", "周强", "manager"),
                              ("wang.fang", "王芳", "rep"), ("gao", "高总", "viewer")):
        ws.ok("user", "add", login, "--name", name, "--role", role, "--password-file", ws.path("pw"))
    ws.ok("project", "create", "FY", "--name", "2027 财年", "--start", "2027-01-01", "--end",
          "2027-12-31", as_="li.na")


def position(ws, title="华东区大客户经理", openings="1", project="FY", status="open"):
    args = ["position", "add", "--title", title, "--openings", openings, "--status", status]
    if project:
        args += ["--project", project]
    return ws.js(*args, as_="li.na")


def candidate(ws, pos, name, source="referral", **kw):
    args = ["candidate", "add", "--position", str(pos["id"]), "--name", name, "--source", source]
    for k, v in kw.items():
        args += ["--" + k.replace("_", "-"), v]
    return ws.js(*args, as_="li.na")


def move(ws, c, to, *extra, as_="li.na"):
    return ws.js("candidate", "stage", str(c["id"]), "--to", to, *extra, as_=as_)


def counts(ws):
    return (ws.sql("SELECT COUNT(*) FROM users")[0][0], ws.sql("SELECT COUNT(*) FROM members")[0][0],
            ws.sql("SELECT COUNT(*) FROM audit")[0][0])


@test
def a_position_names_the_project_it_hires_for():
    ws = Workspace(today=TODAY)
    team(ws)
    p = position(ws)
    eq((p["project"], p["project_name"]), ("FY", "2027 财年"), "the project by code, its name read through")
    eq([x["title"] for x in ws.js("position", "list", "--project", "FY")["positions"]], ["华东区大客户经理"],
       "filtered by project")
    u = ws.js("position", "update", str(p["id"]), "--project", "", "--version", "1")
    eq((u["project"], u["project_name"], u["version"]), (None, "", 2), "none: the team at large")
    ws.refusals(["position", "update", str(p["id"])], [(["--project", "NOPE"], "project", "no_ref")])
    eq(ws.js("position", "show", str(p["id"]))["version"], 2, "a refused change changes nothing")


@test
def a_candidate_of_every_source_starts_at_applied():
    ws = Workspace(today=TODAY)
    team(ws)
    p = position(ws, openings="9")
    for i, src in enumerate(SOURCES):
        c = candidate(ws, p, f"候选人 {i}", src, email=f"c{i}@example.com", phone="138 0013 8000",
                      notes="五年医院渠道经验\n期望 25k")
        eq((c["position"], c["position_title"], c["name"], c["source"], c["stage"], c["email"], c["phone"],
            c["notes"], c["login"], c["interviews"], c["rating"], c["version"]),
           (p["id"], "华东区大客户经理", f"候选人 {i}", src, "applied", f"c{i}@example.com", "138 0013 8000",
            "五年医院渠道经验\n期望 25k", None, 0, None, 1), f"added from {src}")
        eq((c["applied"], c["stage_since"]), (TODAY, TODAY), "applied today unless told; in applied since")
    c = candidate(ws, p, "旧简历", applied="2026-11-20")
    eq((c["applied"], c["stage_since"]), ("2026-11-20", "2026-11-20"), "in applied since the day they applied")
    eq(ws.js("candidate", "show", str(c["id"])), c, "show is what add answered")
    eq([x["name"] for x in ws.js("candidate", "list", "--source", "campus")["candidates"]], ["候选人 2"],
       "filtered by source")
    head = ws.ok("candidate", "list").out.splitlines()[0].split()
    eq("STAGE" in head, True, "the table shows the stage")
    # the stage and the login are not the generic update's
    ws.refusals(["candidate", "update", str(c["id"])], [(["--stage", "offer"], None, None)])
    u = ws.js("candidate", "update", str(c["id"]), "--notes", "电话沟通过", "--version", "1")
    eq((u["notes"], u["stage"], u["version"]), ("电话沟通过", "applied", 2), "notes changed, stage kept")
    audit = ws.sql("SELECT a.action, u.login FROM audit a JOIN users u ON u.id = a.actor_id "
                   "WHERE a.entity = 'candidate' AND a.entity_id = ? ORDER BY a.id", c["id"])
    eq(audit, [("create", "li.na"), ("update", "admin")], "audit")


@test
def bad_candidates_are_refused_naming_the_field_and_nothing_changes():
    ws = Workspace(today=TODAY)
    team(ws)
    p = position(ws)
    closed = position(ws, "电话销售", status="closed")
    filled = position(ws, "渠道经理", status="filled")
    pid = str(p["id"])
    ws.refusals(["candidate", "add"], [
        (["--position", pid, "--source", "referral"], "name", "required"),
        (["--position", pid, "--name", "A"], "source", "required"),
        (["--position", pid, "--name", "A", "--source", "friend"], "source", "bad_enum"),
        (["--position", "999", "--name", "A", "--source", "other"], "position", "no_ref"),
        (["--position", pid, "--name", "x" * 121, "--source", "other"], "name", "too_long"),
        (["--position", pid, "--name", "A", "--source", "other", "--email", "not-an-email"], "email", "not_email"),
        (["--position", str(closed["id"]), "--name", "A", "--source", "other"], "position", "position_not_open",
         {"position": str(closed["id"]), "status": "closed"}),
        (["--position", str(filled["id"]), "--name", "A", "--source", "other"], "position", "position_not_open",
         {"position": str(filled["id"]), "status": "filled"}),
    ], as_="li.na")
    eq(ws.sql("SELECT COUNT(*) FROM candidates"), [(0,)], "nothing added")


@test
def every_stage_move_and_the_rules_with_their_reasons():
    ws = Workspace(today=TODAY)
    team(ws)
    p = position(ws, openings="5")
    c = candidate(ws, p, "陈晓", applied="2026-12-01")
    # forward one stage at a time, each audited with who moved them
    for v, to in enumerate(["screening", "interview", "offer"], start=2):
        r = move(ws, c, to)
        eq((r["candidate"]["stage"], r["candidate"]["stage_since"], r["candidate"]["version"], r["user"],
            r["project"], r["filled"]), (to, TODAY, v, None, None, False), f"moved to {to}")
    audit = ws.sql("SELECT a.action, u.login, a.before, a.after FROM audit a JOIN users u ON u.id = a.actor_id "
                   "WHERE a.entity = 'candidate' AND a.entity_id = ? ORDER BY a.id", c["id"])
    eq([(a, who) for a, who, _, _ in audit], [("create", "li.na")] + [("stage", "li.na")] * 3, "moves audited")
    eq([(json.loads(b)["stage"], json.loads(a)["stage"]) for _, _, b, a in audit[1:]],
       [("applied", "screening"), ("screening", "interview"), ("interview", "offer")], "before and after")
    # a stage may be skipped forward; not moved back
    d = candidate(ws, p, "刘洋")
    eq(move(ws, d, "interview")["candidate"]["stage"], "interview", "applied straight to interview")
    base = ["candidate", "stage", str(d["id"])]
    ws.refusals(base, [
        (["--to", "screening"], "stage", "stage_backward", {"from": "interview", "stage": "screening"}),
        (["--to", "interview"], "stage", "same_stage", {"stage": "interview"}),
        (["--to", "hired", "--login", "liu.yang"], "stage", "hire_from_offer", {"from": "interview"}),
        (["--to", "promoted"], "stage", "bad_enum"),
        (["--to", "offer", "--login", "liu.yang"], "login", "hire_only"),
        (["--to", "offer", "--role", "rep"], "role", "hire_only"),
        (["--to", "offer", "--version", "1"], "version", "stale_version", {"yours": 1, "current": 2}),
    ], as_="li.na")
    # rejected from any stage; reopened to applied only, and on from there
    r = move(ws, d, "rejected")["candidate"]
    eq((r["stage"], r["version"]), ("rejected", 3), "rejected from interview")
    ws.refusals(base, [(["--to", "screening"], "stage", "reopen_to_applied"),
                       (["--to", "hired", "--login", "liu.yang"], "stage", "reopen_to_applied")], as_="li.na")
    eq(move(ws, d, "applied")["candidate"]["stage"], "applied", "reopened")
    eq(move(ws, d, "screening")["candidate"]["stage"], "screening", "on from applied")
    for st in ["applied", "screening", "interview", "offer"]:
        e = candidate(ws, p, f"淘汰 {st}")
        if st != "applied":
            move(ws, e, st)
        eq(move(ws, e, "rejected")["candidate"]["stage"], "rejected", f"rejected from {st}")
    # a hire is final: no move out of hired, and the record is kept
    h = move(ws, c, "hired", "--login", "chen.xiao")["candidate"]
    for to in ["applied", "offer", "rejected"]:
        ws.refusals(["candidate", "stage", str(c["id"])], [(["--to", to], "stage", "hired_final",
                                                          {"name": "陈晓", "login": "chen.xiao"})], as_="li.na")
    ws.refusals(["candidate", "delete", str(c["id"])], [([], "stage", "candidate_hired")], as_="li.na")
    eq(ws.js("candidate", "show", str(c["id"]))["version"], h["version"], "refusals changed nothing")
    # the list filters on the stage
    eq(sorted(x["name"] for x in ws.js("candidate", "list", "--stage", "rejected")["candidates"]),
       sorted(f"淘汰 {st}" for st in ["applied", "screening", "interview", "offer"]), "filtered by stage")
    # a candidate not yet hired, without interviews, is deleted
    ws.ok("candidate", "delete", str(d["id"]), as_="li.na")
    eq(ws.run("candidate", "show", str(d["id"])).code, 1, "gone")


@test
def hiring_creates_the_user_and_the_membership_and_fills_the_position():
    ws = Workspace(today=TODAY)
    team(ws)
    p = position(ws, openings="2")
    a = candidate(ws, p, "陈晓", "campus", email="chen.xiao@example.com")
    b = candidate(ws, p, "孙丽", "agency", email="sun.li@example.com")
    for c in (a, b):
        move(ws, c, "offer")
    users0, members0, _ = counts(ws)
    r = move(ws, a, "hired", "--login", "chen.xiao")
    eq((r["candidate"]["stage"], r["candidate"]["login"], r["project"], r["filled"]),
       ("hired", "chen.xiao", "FY", False), "hired: 1 of 2 openings")
    eq((r["user"]["login"], r["user"]["name"], r["user"]["email"], r["user"]["role"], r["user"]["active"]),
       ("chen.xiao", "陈晓", "chen.xiao@example.com", "rep", True), "the user: the candidate's name and email, rep")
    eq(ws.js("user", "show", "chen.xiao")["name"], "陈晓", "the user exists")
    eq(ws.sql("SELECT COUNT(*) FROM users WHERE login = 'chen.xiao' AND (pw_hash IS NULL OR pw_hash = '')"), [(1,)],
       "no password: an admin sets it")
    eq([(m["login"], m["role"]) for m in ws.js("member", "list", "FY")["members"] if m["login"] == "chen.xiao"],
       [("chen.xiao", "member")], "a member of the position's project")
    eq(counts(ws)[:2], (users0 + 1, members0 + 1), "one user, one membership")
    eq(ws.js("position", "show", str(p["id"]))["status"], "open", "still open: 1 hire of 2")
    # the second hire, with a name, email and role of its own: the position is filled
    r = move(ws, b, "hired", "--login", "sun.li", "--name", "孙丽（销售）", "--email", "sl@example.com",
             "--role", "viewer")
    eq((r["user"]["name"], r["user"]["email"], r["user"]["role"], r["filled"]),
       ("孙丽（销售）", "sl@example.com", "viewer", True), "given name, email, role; filled")
    pos = ws.js("position", "show", str(p["id"]))
    eq((pos["status"], pos["version"]), ("filled", 2), "the position is filled, versioned")
    eq(ws.sql("SELECT a.action, u.login FROM audit a JOIN users u ON u.id = a.actor_id "
              "WHERE a.entity = 'position' AND a.entity_id = ? ORDER BY a.id", p["id"]),
       [("create", "li.na"), ("update", "li.na")], "the fill audited")
    fill = ws.sql("SELECT before, after FROM audit WHERE entity = 'position' AND entity_id = ? AND action = 'update'",
                  p["id"])
    eq([(json.loads(b)["status"], json.loads(b)["version"], json.loads(a)["status"], json.loads(a)["version"],
         json.loads(a)["title"]) for b, a in fill], [("open", 1, "filled", 2, "华东区大客户经理")],
       "the position before and after")
    eq(ws.sql("SELECT COUNT(*) FROM audit WHERE entity = 'user' AND action = 'create' AND after LIKE '%sun.li%'"),
       [(1,)], "the user's creation audited")
    # a position filled or closed takes no more hires: one reopened for a late candidate, then
    # filled again by hand
    ws.ok("position", "update", str(p["id"]), "--status", "open", as_="li.na")
    late = candidate(ws, p, "迟到")
    move(ws, late, "offer")
    ws.ok("position", "update", str(p["id"]), "--status", "filled", as_="li.na")
    before = counts(ws)
    ws.refusals(["candidate", "stage", str(late["id"])], [
        (["--to", "hired", "--login", "late"], "position", "position_not_open",
         {"position": str(p["id"]), "status": "filled"})], as_="li.na")
    ws.ok("position", "update", str(p["id"]), "--status", "closed", as_="li.na")
    before = counts(ws)
    ws.refusals(["candidate", "stage", str(late["id"])], [
        (["--to", "hired", "--login", "late"], "position", "position_not_open",
         {"position": str(p["id"]), "status": "closed"})], as_="li.na")
    eq(counts(ws), before, "refused hires change nothing")
    eq(ws.js("candidate", "show", str(late["id"]))["stage"], "offer", "the late candidate stays at offer")


@test
def a_taken_login_changes_nothing():
    ws = Workspace(today=TODAY)
    team(ws)
    p = position(ws)
    c = candidate(ws, p, "王芳二号", email="wf2@example.com")
    move(ws, c, "offer")
    before = counts(ws)
    ws.refusals(["candidate", "stage", str(c["id"])], [
        (["--to", "hired", "--login", "wang.fang"], "login", "duplicate_key", {"key": "wang.fang"}),
        (["--to", "hired"], "login", "required"),
        (["--to", "hired", "--login", "bad login!"], "login", None),
    ], as_="li.na")
    now = ws.js("candidate", "show", str(c["id"]))
    eq((now["stage"], now["login"], now["version"]), ("offer", None, 2), "the candidate stays at offer")
    eq(counts(ws), before, "no user, no membership, no audit row")
    eq(ws.js("position", "show", str(p["id"]))["status"], "open", "the position stays open")
    # a membership refused rolls the user back too: zhou manages no part of FY
    ws.refusals(["candidate", "stage", str(c["id"])], [
        (["--to", "hired", "--login", "wf2"], "stage", "hire_project_manager", {"project": "FY"})], as_="zhou")
    eq(ws.run("user", "show", "wf2").code, 1, "no user wf2")
    eq(counts(ws), before, "nothing changed")
    # a position without a project: any manager hires, and nobody joins a project
    q = position(ws, "电话销售", project=None)
    d = candidate(ws, q, "赵六")
    move(ws, d, "offer", as_="zhou")
    r = move(ws, d, "hired", "--login", "zhao.liu", as_="zhou")
    eq((r["user"]["login"], r["project"], r["filled"]), ("zhao.liu", None, True), "hired without a project")
    eq(counts(ws)[:2], (before[0] + 1, before[1]), "a user, no membership")


@test
def managers_hire_reps_and_viewers_an_admin_any_role():
    ws = Workspace(today=TODAY)
    team(ws)
    p = position(ws, openings="3")
    a, b = candidate(ws, p, "甲"), candidate(ws, p, "乙")
    move(ws, a, "offer")
    move(ws, b, "offer")
    before = counts(ws)
    for role in ("manager", "admin"):
        ws.refusals(["candidate", "stage", str(a["id"])], [
            (["--to", "hired", "--login", "jia", "--role", role], "role", "admin_only")], as_="li.na")
    ws.refusals(["candidate", "stage", str(a["id"])], [
        (["--to", "hired", "--login", "jia", "--role", "boss"], "role", None)], as_="li.na")
    eq(counts(ws), before, "refused: nothing changed")
    eq(move(ws, a, "hired", "--login", "jia", "--role", "manager", as_="admin")["user"]["role"], "manager",
       "an admin hires a manager")
    eq(move(ws, b, "hired", "--login", "yi", "--role", "viewer")["user"]["role"], "viewer",
       "a manager hires a viewer")


@test
def interviews_give_the_candidates_count_and_average_rating():
    ws = Workspace(today=TODAY)
    team(ws)
    p = position(ws)
    a, b = candidate(ws, p, "陈晓"), candidate(ws, p, "孙丽")
    rows = [(a, "li.na", "2026-12-08", "4", "价格谈判清楚"), (a, "zhou", "2026-12-09", "5", "客户关系强"),
            (a, "admin", "2026-12-10", "4", ""), (a, "li.na", "2026-12-11", None, "待补充"),
            (b, "zhou", "2026-12-09", "2", "行业经验不足"), (b, "li.na", "2026-12-10", "3", "")]
    for c, who, day, rating, notes in rows:
        args = ["interview", "add", "--candidate", str(c["id"]), "--interviewer", who, "--date", day,
                "--notes", notes]
        if rating:
            args += ["--rating", rating]
        i = ws.js(*args, as_="li.na")
        eq((i["candidate"], i["candidate_name"], i["interviewer"], i["date"], i["rating"], i["notes"]),
           (c["id"], c["name"], who, day, int(rating) if rating else None, notes), "interview added")
    # a: 4, 5, 4 rated (one not): 13 / 3 = 4.33 -> 4; b: 2, 3: 2.5 -> 3 (half up)
    got = {x["name"]: (x["interviews"], x["rating"]) for x in ws.js("candidate", "list")["candidates"]}
    eq(got, {"陈晓": (4, 4), "孙丽": (2, 3)}, "count and average, rounded half up")
    eq([x["interviewer"] for x in ws.js("interview", "list", "--candidate", str(b["id"]))["interviews"]],
       ["li.na", "zhou"], "a candidate's interviews, newest first")
    ws.refusals(["interview", "add"], [
        (["--candidate", str(a["id"]), "--interviewer", "li.na", "--date", "2026-12-12", "--rating", "6"],
         "rating", "number_range"),
        (["--candidate", str(a["id"]), "--interviewer", "li.na", "--date", "2026-12-12", "--rating", "0"],
         "rating", "number_range"),
        (["--candidate", "999", "--interviewer", "li.na", "--date", "2026-12-12"], "candidate", "no_ref"),
        (["--candidate", str(a["id"]), "--interviewer", "nobody", "--date", "2026-12-12"], "interviewer", "no_ref"),
        (["--candidate", str(a["id"]), "--interviewer", "li.na"], "date", "required"),
    ], as_="li.na")
    eq(ws.js("candidate", "show", str(a["id"]))["interviews"], 4, "refusals added nothing")
    # a candidate with interviews is kept until they go
    ws.refusals(["candidate", "delete", str(b["id"])], [([], "candidate", "in_use")], as_="li.na")


@test
def only_managers_and_admins_read_or_write_recruitment():
    ws = Workspace(today=TODAY)
    team(ws)
    p = position(ws)
    c = candidate(ws, p, "陈晓")
    ws.js("interview", "add", "--candidate", str(c["id"]), "--interviewer", "li.na", "--date", "2026-12-08",
          "--rating", "4", as_="li.na")
    for who in ("wang.fang", "gao"):
        for args in (["candidate", "list"], ["candidate", "show", str(c["id"])], ["interview", "list"],
                     ["candidate", "add", "--position", str(p["id"]), "--name", "X", "--source", "other"],
                     ["interview", "add", "--candidate", str(c["id"]), "--interviewer", "li.na", "--date",
                      "2026-12-09"],
                     ["candidate", "stage", str(c["id"]), "--to", "screening", "--version", "1"]):
            e = err_json(ws.fail(*args, as_=who, json_out=True))
            eq(e["code"], "forbidden", f"{who}: {' '.join(args[:2])}")
        # positions stay open to everyone
        eq(len(ws.js("position", "list", as_=who)["positions"]), 1, f"{who} reads positions")
    eq(ws.js("candidate", "show", str(c["id"]))["stage"], "applied", "nothing moved")
    eq(ws.sql("SELECT COUNT(*) FROM interviews"), [(1,)], "nothing added")
    eq(move(ws, c, "screening", as_="zhou")["candidate"]["stage"], "screening", "any manager moves")
    eq(move(ws, c, "interview", as_="admin")["candidate"]["stage"], "interview", "an admin moves")


@test
def the_demo_fills_every_stage():
    ws = Workspace(init=False)
    ws.ok("demo")
    cs = ws.js("candidate", "list")["candidates"]
    eq(8 <= len(cs) <= 12, True, f"8 to 12 candidates ({len(cs)})")
    eq(sorted({c["stage"] for c in cs}), sorted(STAGES), "every stage")
    hired = [c for c in cs if c["stage"] == "hired"]
    eq(len(hired), 1, "one hire")
    login = hired[0]["login"]
    eq(ws.js("user", "show", login)["login"], login, "the hire's user")
    pos = ws.js("position", "show", str(hired[0]["position"]))
    members = ws.js("member", "list", pos["project"])["members"]
    eq([m["role"] for m in members if m["login"] == login], ["member"], "the hire is a member of its project")
    # the ratings recomputed from the interviews
    ivs = ws.js("interview", "list")["interviews"]
    eq(len(ivs) >= 6, True, "interviews")
    for c in cs:
        rs = [i["rating"] for i in ivs if i["candidate"] == c["id"] and i["rating"] is not None]
        want = (2 * sum(rs) + len(rs)) // (2 * len(rs)) if rs else None
        eq((c["interviews"], c["rating"]), (len([i for i in ivs if i["candidate"] == c["id"]]), want),
           f"{c['name']}'s figures")


if __name__ == "__main__":
    run_all()
