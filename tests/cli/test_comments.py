"""test_comments.py - comments with @mentions from the command line: on every kind of record,
read by whoever may read the record, written by its project's members (a customer: any rep),
edited by the author at a version, deleted by the author or a project manager, audited; a
mention notifies the named user only when they may see the record (a member of its project, a
workspace manager or admin; a customer: anyone active), never the author; bad input names the
field and changes nothing; a record of a project the caller is not in is "not found", worded as
one that does not exist. Every expected list below is worked out by hand from what the test
wrote.
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
    """P1: mgr its manager, rep and rep2 members, vw a viewer; boss a workspace manager on no
    project; out a rep on no project but P2, where rep is not."""
    ws = Workspace(today=TODAY)
    ws.env["SALESPM_NOW"] = "2026-06-15T02:00:00Z"
    for login, name, role in (("mgr", "李经理", "manager"), ("rep", "王芳", "rep"),
                              ("rep2", "赵磊", "rep"), ("vw", "高总", "viewer"),
                              ("boss", "陈总", "manager"), ("out", "局外人", "rep")):
        ws.ok("user", "add", login, "--name", name, "--role", role)
    for code in ("P1", "P2"):
        ws.ok("project", "create", code, "--name", "项目 " + code, "--start", "2026-01-01",
              "--end", "2026-12-31")
    for login, prole in (("mgr", "manager"), ("rep", "member"), ("rep2", "member"),
                         ("vw", "viewer")):
        ws.ok("member", "add", "P1", login, "--role", prole)
    ws.ok("member", "add", "P2", "out", "--role", "member")
    ws.ok("channel", "add", "CH", "--name", "直销", "--type", "direct")
    ws.ok("product", "add", "SKU", "--name", "交换机", "--cost", "1.00", "--price", "2.00")
    ws.ok("sale", "add", "P1", "--date", "2026-02-01", "--customer", "华东医院", "--product",
          "SKU", "--channel", "CH", "--quantity", "1", "--price", "2.00", "--rep", "rep")
    return ws


def records(ws):
    """One record of every kind comments may be on, in P1 (the customer: the workspace's)."""
    customer = ws.js("customer", "show", "华东医院")["id"]
    return {
        "deal": ws.js("deal", "add", "P1", "--title", "华东医院耗材", "--customer", "华东医院",
                      "--owner", "rep", as_="mgr")["id"],
        "goal": ws.js("goal", "add", "P1", "--metric", "custom", "--target", "10", "--start",
                      "2026-01-01", "--due", "2026-12-31", as_="mgr")["id"],
        "task": ws.js("task", "add", "P1", "--title", "拜访经销商", "--assignee", "rep",
                      "--start", "2026-07-01", "--due", "2026-07-05", as_="mgr")["id"],
        "problem": ws.js("problem", "add", "P1", "--type", "delivery", "--severity", "low",
                         "--title", "到货延误", "--owner", "rep", "--customer", str(customer),
                         as_="mgr")["id"],
        "risk": ws.js("risk", "add", "P1", "--description", "价格战", "--category", "pricing",
                      "--probability", "2", "--impact", "5", as_="mgr")["id"],
        "meeting": ws.js("meeting", "add", "P1", "--title", "周例会", "--date", "2026-06-16",
                         "--start", "09:30", "--duration", "60", "--attendee", "rep",
                         as_="mgr")["id"],
        "customer": customer,
    }


def mentions(ws, login):
    return ws.js("inbox", "list", "--kind", "mention", as_=login)["notifications"]


@test
def a_comment_on_every_kind_of_record():
    ws = setup()
    ids = records(ws)
    for kind, rid in ids.items():
        c = ws.js("comment", "add", f"{kind}:{rid}", "--text", f"看一下这个 {kind}", as_="rep")
        eq((c["on_kind"], c["on_id"], c["author"], c["author_name"], c["body"], c["version"],
            c["edited"], c["can_edit"], c["can_delete"]),
           (kind, rid, "rep", "王芳", f"看一下这个 {kind}", 1, False, True, True), kind)
        eq(c["project"], None if kind == "customer" else "P1", f"project of {kind}")
        got = ws.js("comment", "list", f"{kind}:{rid}", as_="vw")
        eq([x["body"] for x in got["comments"]], [f"看一下这个 {kind}"], f"list of {kind}")
        eq(got["on"]["can_comment"], False, f"a viewer does not comment on {kind}")
        # the viewer reads it and may do nothing with it
        eq((got["comments"][0]["can_edit"], got["comments"][0]["can_delete"]), (False, False))
    eq(ws.js("comment", "list", f"deal:{ids['deal']}", as_="mgr")["on"]["title"], "华东医院耗材")
    # without --json: each comment's head line, then its text indented
    lines = ws.ok("comment", "list", f"deal:{ids['deal']}", as_="mgr").out.splitlines()
    eq((len(lines), lines[0].split()[:3], lines[1]), (2, ["#1", "王芳", "(rep)"], "    看一下这个 deal"))
    # a manager may delete a member's comment (not edit it)
    c = ws.js("comment", "list", f"risk:{ids['risk']}", as_="mgr")["comments"][0]
    eq((c["can_edit"], c["can_delete"]), (False, True))


@test
def mentions_notify_only_who_may_see_the_record():
    ws = setup()
    ids = records(ws)
    text = "@mgr @out @vw @ghost @rep @boss 请看 a@b.com，再提 @mgr。"
    c = ws.js("comment", "add", f"deal:{ids['deal']}", "--text", text, as_="rep")
    # mgr (manager), vw (viewer) on P1 and boss (a workspace manager) see the deal; out is not
    # on P1, ghost is nobody, rep is the author; a@b.com is an address; mgr once
    eq(c["mentions"], ["mgr", "vw", "rep", "boss"])
    eq(c["body"], text, "the text is kept as written")
    for login, n in (("mgr", 1), ("vw", 1), ("boss", 1), ("out", 0), ("rep", 0), ("rep2", 0),
                     ("admin", 0)):
        got = mentions(ws, login)
        eq(len(got), n, f"mentions of {login}")
        if n:
            m = got[0]
            eq((m["on_kind"], m["on_id"], m["project"], m["by"]["login"], m["params"]["title"],
                m["params"]["comment"], m["read"]),
               ("deal", ids["deal"], "P1", "rep", "华东医院耗材", c["id"], False))
            eq(m["params"]["excerpt"], text)
    # a customer is everyone's: out is told
    ws.ok("comment", "add", f"customer:{ids['customer']}", "--text", "@out 这位客户你认识吗", as_="rep")
    eq([(m["on_kind"], m["project"]) for m in mentions(ws, "out")], [("customer", None)])


@test
def the_author_edits_at_a_version_and_new_mentions_are_told():
    ws = setup()
    ids = records(ws)
    on = f"task:{ids['task']}"
    cid = ws.js("comment", "add", on, "--text", "@mgr 已约好", as_="rep")["id"]
    c = ws.js("comment", "edit", str(cid), "--text", "@mgr @rep2 已约好，周五", "--version", "1",
              as_="rep")
    eq((c["version"], c["edited"], c["body"], c["mentions"]),
       (2, True, "@mgr @rep2 已约好，周五", ["mgr", "rep2"]))
    eq(len(mentions(ws, "mgr")), 1, "mgr was told once, at the first version")
    eq(len(mentions(ws, "rep2")), 1, "rep2 is newly mentioned")
    r = ws.fail("comment", "edit", str(cid), "--text", "x", "--version", "1", as_="rep",
                json_out=True, code=1)
    eq((err_json(r)["reason"], err_json(r)["params"]["current"]), ("stale_version", 2))
    for who in ("rep2", "mgr", "admin"):
        r = ws.fail("comment", "edit", str(cid), "--text", "x", as_=who, json_out=True, code=77)
        eq(err_json(r)["reason"], "comment_author_only", who)
    eq(ws.js("comment", "list", on)["comments"][0]["body"], "@mgr @rep2 已约好，周五",
       "refused edits change nothing")


@test
def the_author_or_a_project_manager_deletes():
    ws = setup()
    ids = records(ws)
    on = f"problem:{ids['problem']}"
    a = ws.js("comment", "add", on, "--text", "第一条", as_="rep")["id"]
    b = ws.js("comment", "add", on, "--text", "第二条", as_="rep")["id"]
    c = ws.js("comment", "add", on, "--text", "第三条", as_="rep2")["id"]
    for who in ("rep2", "vw"):
        r = ws.fail("comment", "delete", str(a), as_=who, json_out=True, code=77)
        eq(err_json(r)["reason"], "comment_delete_denied", who)
    ws.fail("comment", "delete", str(a), as_="out", code=1)  # not on P1: not found
    r = ws.fail("comment", "delete", str(a), "--version", "3", as_="rep", json_out=True, code=1)
    eq(err_json(r)["reason"], "stale_version")
    ws.ok("comment", "delete", str(a), "--version", "1", as_="rep")
    ws.ok("comment", "delete", str(c), as_="mgr")
    eq([x["id"] for x in ws.js("comment", "list", on)["comments"]], [b])
    eq(ws.sql("SELECT action, entity_id FROM audit WHERE entity = 'comment' ORDER BY id"),
       [("create", a), ("create", b), ("create", c), ("delete", a), ("delete", c)])


@test
def bad_input_names_the_field_and_changes_nothing():
    ws = setup()
    ids = records(ws)
    deal = f"deal:{ids['deal']}"
    p2_task = ws.js("task", "add", "P2", "--title", "P2 的任务", "--assignee", "out", "--start",
                    "2026-07-01", "--due", "2026-07-02")["id"]
    ws.refusals(("comment", "add"), [
        ((deal, "--text", ""), "body", "required"),
        ((deal, "--text", " \n  "), "body", "required"),
        ((deal, "--text", "长" * 1334), "body", "too_long"),  # 4002 bytes
        ((deal, "--text", "a\x01b"), "body", "control_character"),
        (("deal", "--text", "x"), "on", "bad_comment_on"),
        (("deal:x", "--text", "x"), "on", "bad_comment_on"),
        (("deal:0", "--text", "x"), "on", "bad_comment_on"),
        (("meal:1", "--text", "x"), "on", "bad_enum"),
        (("deal:99999", "--text", "x"), "on", "no_record"),
    ], as_="rep")
    # a record of a project the caller is not in reads as one that does not exist
    hidden = err_json(ws.fail("comment", "add", f"task:{p2_task}", "--text", "x", as_="rep",
                              json_out=True, code=1))
    missing = err_json(ws.fail("comment", "add", "task:99999", "--text", "x", as_="rep",
                               json_out=True, code=1))
    eq((hidden["code"], hidden["reason"], hidden["field"]),
       (missing["code"], missing["reason"], missing["field"]))
    eq(hidden["code"], "not_found")
    ws.fail("comment", "list", f"task:{p2_task}", as_="rep", code=1)
    r = ws.fail("comment", "add", deal, "--text", "x", as_="vw", json_out=True, code=77)
    eq(err_json(r)["reason"], "comment_denied")
    ok = "长" * 1333 + "a"  # 4000 bytes: the most
    ws.ok("comment", "add", deal, "--text", ok, as_="rep")
    eq(ws.sql("SELECT COUNT(*) FROM comments"), [(1,)], "only the good one was written")
    eq(ws.sql("SELECT COUNT(*) FROM notifications WHERE kind = 'mention'"), [(0,)])


@test
def a_deleted_records_talk_goes_with_it():
    ws = setup()
    ids = records(ws)
    for kind, noun in (("task", "task"), ("risk", "risk"), ("deal", "deal"), ("goal", "goal"),
                       ("problem", "problem"), ("meeting", "meeting")):
        rid = ids[kind]
        ws.ok("comment", "add", f"{kind}:{rid}", "--text", "@rep 看看", as_="mgr")
        eq(len([n for n in mentions(ws, "rep") if n["on_kind"] == kind]), 1, kind)
        ws.ok(noun, "delete", "P1", str(rid), as_="mgr")
        eq(ws.sql("SELECT COUNT(*) FROM comments WHERE on_kind = ? AND on_id = ?", kind, rid),
           [(0,)], f"{kind}'s comments")
        eq(ws.sql("SELECT COUNT(*) FROM notifications WHERE on_kind = ? AND on_id = ?", kind,
                  rid), [(0,)], f"{kind}'s notifications")
    # a new task may take the deleted one's id (SQLite): it starts with no comments
    t = ws.js("task", "add", "P1", "--title", "新任务", "--assignee", "rep2", "--start",
              "2026-07-01", "--due", "2026-07-05", as_="mgr")["id"]
    eq(ws.js("comment", "list", f"task:{t}")["comments"], [])


@test
def markup_is_kept_verbatim():
    ws = setup()
    ids = records(ws)
    text = '<script>alert(1)</script> <img src=x onerror="alert(2)"> & @mgr'
    ws.ok("comment", "add", f"goal:{ids['goal']}", "--text", text, as_="rep")
    eq(ws.js("comment", "list", f"goal:{ids['goal']}")["comments"][0]["body"], text)
    eq(ws.sql("SELECT body FROM comments"), [(text,)])


if __name__ == "__main__":
    run_all()
