"""test_closing.py - closing a project, peer reviews and lessons learned from the command line
(step 7): `project close P [--note T]` freezes the project's figures (a sale, a task, a goal
written to it is refused; a comment, a review, a lesson and an adjustment are not), `project
reopen P --reason T` opens it again as an adjustment with its reason; `review add|list|update|
delete` and `lesson add|list|update|delete` as each role, with the aggregates worked out here.

P1: mgr its manager, rep and rep2 members, vw a viewer; out on no project."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403

TODAY = "2026-06-15"


def err_json(r):
    return json.loads(r.err.strip().splitlines()[-1])["error"]


def setup():
    ws = Workspace(today=TODAY)
    ws.write("pw", "user-secret-1\n")
    for login, name, role in (("mgr", "李经理", "manager"), ("rep", "王芳", "rep"),
                              ("rep2", "赵磊", "rep"), ("vw", "高总", "viewer"),
                              ("out", "局外人", "rep")):
        ws.ok("user", "add", login, "--name", name, "--role", role, "--password-file",
              ws.path("pw"))
    ws.ok("project", "create", "P1", "--name", "华东冲刺", "--start", "2026-01-01", "--end",
          "2026-12-31", "--status", "active")
    for login, prole in (("mgr", "manager"), ("rep", "member"), ("rep2", "member"),
                         ("vw", "viewer")):
        ws.ok("member", "add", "P1", login, "--role", prole)
    ws.ok("channel", "add", "direct", "--name", "直销", "--type", "direct")
    ws.ok("product", "add", "W", "--name", "Widget", "--cost", "40.00", "--price", "100.00")
    return ws


@test
def close_freeze_and_reopen():
    ws = setup()
    gid = ws.js("goal", "add", "P1", "--metric", "revenue", "--target", "1000", "--start",
                "2026-01-01", "--due", "2026-12-31")["id"]
    sale = ["sale", "add", "P1", "--date", "2026-03-01", "--customer", "Acme", "--product", "W",
            "--channel", "direct", "--quantity", "1", "--price", "100.00", "--rep", "rep"]
    ws.ok(*sale)
    # a draft never ran: it is not closed, by `close` or by `update --status closed`
    ws.ok("project", "create", "P3", "--name", "草稿", "--start", "2026-01-01", "--end",
          "2026-12-31")
    for args in (["close", "P3"], ["update", "P3", "--status", "closed"]):
        r = ws.fail("project", *args, json_out=True, code=1)
        eq((err_json(r)["reason"], err_json(r)["params"]), ("project_not_started", {"code": "P3"}),
           f"project {args[0]} of a draft")
    eq(ws.sql("SELECT status FROM projects WHERE code = 'P3'"), [("draft",)], "still a draft")
    r = ws.fail("project", "close", "P1", "--note", "done", as_="rep", json_out=True, code=77)
    eq(err_json(r)["code"], "forbidden", "a member may not close")
    ws.fail("project", "close", "P1", as_="out", code=1)
    p = ws.js("project", "close", "P1", "--note", "目标达成", as_="mgr")
    eq((p["status"], p["closed_by"], p["close_note"]), ("closed", "mgr", "目标达成"), "closed")
    out = ws.ok("project", "show", "P1").out
    assert "closed:" in out and "by mgr" in out and "close note:  目标达成" in out, out
    r = ws.fail("project", "close", "P1", as_="mgr", json_out=True, code=1)
    eq(err_json(r)["reason"], "project_closed", "closed already")
    n = ws.sql("SELECT COUNT(*) FROM audit")[0][0]
    for args in (sale,
                 ["task", "add", "P1", "--title", "T", "--assignee", "rep", "--start",
                  "2026-03-01", "--due", "2026-03-05"],
                 ["goal", "update", "P1", str(gid), "--target", "2000", "--reason", "r",
                  "--version", "1"],
                 ["member", "add", "P1", "out"],
                 ["risk", "add", "P1", "--description", "R", "--category", "market",
                  "--probability", "1", "--impact", "1"]):
        r = ws.fail(*args, as_="mgr", json_out=True, code=1)
        e = err_json(r)
        eq((e["code"], e["reason"], e["params"]), ("conflict", "project_closed", {"code": "P1"}),
           f"{args[0]} {args[1]} refused")
    eq(ws.sql("SELECT COUNT(*) FROM audit")[0][0], n, "nothing written")
    # an adjustment still changes a closed project's goal, with its reason
    ws.ok("adjust", "P1", "--kind", "goal", "--record", str(gid), "--set", "target=1500.00",
          "--reason", "年终核定", as_="mgr")
    eq(ws.sql("SELECT target FROM goals WHERE id = ?", gid), [(150000,)], "adjusted")
    # reopening: a reason required
    r = ws.fail("project", "reopen", "P1", as_="mgr", json_out=True, code=65)
    eq(err_json(r)["field"], "reason", "the reason is named")
    out = ws.ok("project", "reopen", "P1", "--reason", "补录回款", as_="mgr").out
    eq(out.strip(), "reopened project P1 (version 3)", "reopened")
    adj = ws.js("adjust", "list", "P1", "--kind", "project")["adjustments"]
    eq([(a["record"], a["changes"], a["reason"], a["by"]) for a in adj],
       [("P1", {"status": {"before": "closed", "after": "active"}}, "补录回款", "mgr")],
       "the reopening kept as an adjustment")
    ws.ok(*sale)
    eq(ws.sql("SELECT COUNT(*) FROM sales")[0][0], 2, "writes go through again")
    # the members were asked for reviews when it closed (not the viewer, not who closed it)
    eq(sorted(ws.sql("SELECT u.login FROM notifications n JOIN users u ON u.id = n.user_id "
                     "WHERE n.kind = 'review'")), [("admin",), ("rep",), ("rep2",)], "asked")
    out = ws.ok("inbox", "list", as_="rep").out
    assert "review" in out and "P1" in out, out


def racing_close(ws, args):
    """Run `salespm --as mgr --json *args` while another connection holds the write lock and
    has closed P1 without committing yet: the command reads P1 as active, waits for the lock,
    and the close commits under it. Returns (exit code, the error object or None)."""
    if BACKEND == "postgresql":
        from pgserver import cluster
        lock = cluster().session(ws.db.rsplit("/", 1)[1])
        # the lock every salespm write transaction takes first (src/store/pg.c)
        lock.stdin.write("BEGIN; SELECT pg_advisory_xact_lock(72577376); UPDATE projects SET "
                         "status = 'closed' WHERE code = 'P1'; \\echo locked\n")
        lock.stdin.flush()
        while "locked" not in lock.stdout.readline():
            pass
    else:
        import sqlite3
        lock = sqlite3.connect(ws.db, timeout=30, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")
        lock.execute("UPDATE projects SET status = 'closed' WHERE code = 'P1'")
    proc = subprocess.Popen([BIN, "--db", ws.db, "--as", "mgr", "--json", *args], env=ws.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)  # it has read P1 (active: the close is not committed) and waits
    if BACKEND == "postgresql":
        lock.stdin.write("COMMIT;\n\\q\n")
        lock.stdin.flush()
        lock.wait(30)
    else:
        lock.execute("COMMIT")
        lock.close()
    out, err = proc.communicate(timeout=60)
    lines = err.strip().splitlines()
    return proc.returncode, json.loads(lines[-1])["error"] if proc.returncode else None


@test
def a_sale_racing_a_close_is_refused():
    """Review 13 item 13: the freeze is decided under the write lock, on the status read in
    the write's transaction, not on the one read before it (a sale, an import of many rows)."""
    ws = setup()
    ws.write("s.csv", "date,customer,product,channel,rep,quantity,unit_price\n" +
             "".join(f"2026-03-{d:02d},C{d},W,direct,rep,1,100.00\n" for d in range(1, 29)))
    for args in (["sale", "add", "P1", "--date", "2026-03-01", "--customer", "Acme", "--product",
                  "W", "--channel", "direct", "--quantity", "1", "--price", "100.00", "--rep",
                  "rep"],
                 ["sale", "import", "P1", ws.path("s.csv")]):
        ws.sql("UPDATE projects SET status = 'active' WHERE code = 'P1'")
        code, e = racing_close(ws, args)
        eq(code, 1, f"{args[1]}: refused")
        eq((e["code"], e["reason"], e["params"]), ("conflict", "project_closed", {"code": "P1"}),
           f"{args[1]}: refused as every frozen write")
        eq(ws.sql("SELECT COUNT(*) FROM sales")[0][0], 0, f"{args[1]}: nothing written")


@test
def reviews_and_their_aggregates():
    ws = setup()
    for who, whom, n, comment in (("rep", "rep2", 4, "配合好"), ("rep", "mgr", 5, ""),
                                  ("rep2", "rep", 3, ""), ("mgr", "rep", 4, "带新人"),
                                  ("rep2", "mgr", 2, "")):
        args = ["review", "add", "P1", "--reviewee", whom, "--teamwork", str(n)]
        if comment:
            args += ["--comment", comment]
        r = ws.js(*args, as_=who)
        eq((r["reviewer"], r["reviewee"], r["teamwork"], r["comment"]), (who, whom, n, comment),
           f"{who} -> {whom}")
    for args, code, field in ((["--reviewee", "rep2", "--teamwork", "3"], 1, "reviewee"),
                              (["--reviewee", "rep", "--teamwork", "3"], 65, "reviewee"),
                              (["--reviewee", "vw", "--teamwork", "3"], 65, "reviewee"),
                              (["--reviewee", "mgr", "--teamwork", "6"], 65, "teamwork"),
                              (["--reviewee", "mgr", "--teamwork", "x"], 65, "teamwork")):
        r = ws.fail("review", "add", "P1", *args, as_="rep", json_out=True, code=code)
        eq(err_json(r)["field"], field, f"refused: {args}")
    ws.fail("review", "add", "P1", "--reviewee", "rep", "--teamwork", "3", as_="vw", code=77)
    eq(ws.sql("SELECT COUNT(*) FROM project_reviews")[0][0], 5, "five reviews")
    # the rep: their two reviews, their own line (3 and 4: 3.5)
    b = ws.js("review", "list", "P1", as_="rep")
    eq(sorted(r["reviewee"] for r in b["reviews"]), ["mgr", "rep2"], "the rep's own reviews")
    eq(b["summary"], [{"login": "rep", "name": "王芳", "reviews": 2, "teamwork": 3.5}], "own")
    # the manager: everything; mgr 5 and 2: 3.5; rep2 4: 4.0; admin none
    b = ws.js("review", "list", "P1", as_="mgr")
    eq(len(b["reviews"]), 5, "all")
    eq([(s["login"], s["reviews"], s["teamwork"]) for s in b["summary"]],
       [("admin", 0, None), ("mgr", 2, 3.5), ("rep", 2, 3.5), ("rep2", 1, 4.0)], "every member")
    out = ws.ok("review", "list", "P1", as_="mgr").out
    assert "5 reviews" in out and "3.5" in out, out
    ws.fail("review", "list", "P1", as_="vw", code=77)
    ws.fail("review", "list", "P1", as_="out", code=1)
    rid = [r["id"] for r in b["reviews"] if r["reviewer"] == "rep" and r["reviewee"] == "rep2"][0]
    ws.fail("review", "update", "P1", str(rid), "--teamwork", "1", "--version", "1",
            as_="rep2", code=77)
    ws.fail("review", "update", "P1", str(rid), "--teamwork", "1", "--version", "7", as_="rep",
            code=1)
    u = ws.js("review", "update", "P1", str(rid), "--teamwork", "1", "--version", "1", as_="rep")
    eq((u["teamwork"], u["version"]), (1, 2), "changed")
    eq(ws.js("review", "list", "P1", as_="rep2")["summary"][0]["teamwork"], 1.0, "rep2 now 1.0")
    ws.ok("review", "delete", "P1", str(rid), "--version", "2", as_="rep")
    eq(ws.js("review", "list", "P1", as_="rep2")["summary"][0]["teamwork"], None, "none")


@test
@sqlite_only
def review_list_failing_midway_leaks_nothing():
    """Review 13 item 15: the summary's query failing after the reviews were read (here a
    SUM that overflows: two teamwork values forced past the CHECK) is an error, and what was
    read is released (a MODE=asan binary's leak report fails the harness)."""
    import sqlite3
    ws = setup()
    ws.ok("review", "add", "P1", "--reviewee", "rep2", "--teamwork", "4", as_="rep")
    ws.ok("review", "add", "P1", "--reviewee", "rep2", "--teamwork", "3", as_="mgr")
    con = sqlite3.connect(ws.db)
    con.execute("PRAGMA ignore_check_constraints = ON")
    con.execute("UPDATE project_reviews SET teamwork = 9223372036854775807")
    con.commit()
    con.close()
    r = ws.fail("review", "list", "P1", as_="mgr", json_out=True, code=1)
    eq(err_json(r)["code"], "internal", "the overflow reported")


@test
def lessons_of_each_kind():
    ws = setup()
    ids = {}
    for who, kind, text in (("rep", "went_well", "返利提前锁定"), ("rep2", "to_improve", "报价太慢"),
                            ("mgr", "next_time", "提前备货")):
        ids[kind] = ws.js("lesson", "add", "P1", "--kind", kind, "--text", text, as_=who)["id"]
    ws.fail("lesson", "add", "P1", "--kind", "other", "--text", "x", as_="rep", code=65)
    ws.fail("lesson", "add", "P1", "--kind", "went_well", "--text", "", as_="rep", code=65)
    ws.fail("lesson", "add", "P1", "--kind", "went_well", "--text", "x", as_="vw", code=77)
    rows = ws.js("lesson", "list", "P1", as_="vw")["lessons"]
    eq([(x["kind"], x["author"]) for x in rows],
       [("went_well", "rep"), ("to_improve", "rep2"), ("next_time", "mgr")], "listed")
    eq(ws.js("lesson", "list", "P1", "--kind", "to_improve")["lessons"][0]["text"], "报价太慢",
       "filtered by kind")
    ws.fail("lesson", "update", "P1", str(ids["went_well"]), "--text", "y", "--version", "1",
            as_="rep2", code=77)
    u = ws.js("lesson", "update", "P1", str(ids["went_well"]), "--text", "改过", "--version", "1",
              as_="rep")
    eq((u["text"], u["version"]), ("改过", 2), "the author edits")
    ws.ok("lesson", "delete", "P1", str(ids["to_improve"]), "--version", "1", as_="mgr")
    # on a closed project too
    ws.ok("project", "close", "P1", as_="mgr")
    ws.ok("lesson", "add", "P1", "--kind", "next_time", "--text", "结项后补充", as_="rep")
    eq(ws.sql("SELECT kind, text FROM project_lessons ORDER BY id"),
       [("went_well", "改过"), ("next_time", "提前备货"), ("next_time", "结项后补充")], "stored")


if __name__ == "__main__":
    run_all()
