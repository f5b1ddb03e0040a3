"""test_positions.py - open positions of the sales team from the command line.

A position is a noun of the entity engine with nothing but its description
(src/core/position.c) and its table (006-positions.sql): these tests are what
the description promises, each written from the rules by hand: a title, 1 to
1000 openings, a status of four, a hiring manager who is a user, and a fill-by
date not before the day it opened; managers write, everyone reads; every change
is versioned and audited; a refused change changes nothing.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403


def err_json(r):
    return json.loads(r.err.strip().splitlines()[-1])["error"]


def team(ws):
    ws.write("pw", "user-secret-1\n")
    for login, role in (("li.na", "manager"), ("wang.fang", "rep"), ("gao", "viewer")):
        ws.ok("user", "add", login, "--name", login, "--role", role, "--password-file", ws.path("pw"))


@test
def add_show_list_update_delete():
    ws = Workspace()
    team(ws)
    p = ws.js("position", "add", "--title", "华东区大客户经理", "--openings", "2", "--status", "open",
              "--manager", "li.na", "--requirements", "3 年 B2B 销售经验\n熟悉华东市场",
              "--opened", "2026-12-01", "--target", "2027-02-28", as_="li.na")
    eq((p["title"], p["openings"], p["status"], p["manager"], p["opened"], p["target"], p["version"]),
       ("华东区大客户经理", 2, "open", "li.na", "2026-12-01", "2027-02-28", 1), "added")
    eq(p["requirements"], "3 年 B2B 销售经验\n熟悉华东市场", "requirements keep their line break")
    pid = str(p["id"])
    eq(ws.js("position", "show", pid), p, "show is what add answered")
    # the list names the id a user types to show or change one
    text = ws.ok("position", "list").out
    eq(text.splitlines()[0].split()[:4], ["ID", "TITLE", "OPENINGS", "STATUS"], "list head")
    eq(text.splitlines()[1].split()[:3], [pid, "华东区大客户经理", "2"], "list row")
    u = ws.js("position", "update", pid, "--status", "filled", "--openings", "3", "--version", "1")
    eq((u["status"], u["openings"], u["version"], u["title"]), ("filled", 3, 2, "华东区大客户经理"), "updated")
    ws.js("position", "add", "--title", "电话销售", "--openings", "5", "--status", "on_hold")
    eq([x["title"] for x in ws.js("position", "list", "--status", "filled")["positions"]],
       ["华东区大客户经理"], "filtered by status")
    eq([x["title"] for x in ws.js("position", "list", "--title", "销售")["positions"]],
       ["电话销售"], "the title filter matches a part")
    # a stale version is a conflict; the record is as it was
    r = ws.fail("position", "update", pid, "--status", "closed", "--version", "1", json_out=True)
    eq(err_json(r)["code"], "conflict", "stale version")
    eq(ws.js("position", "show", pid)["status"], "filled", "unchanged after a conflict")
    ws.ok("position", "delete", pid, "--version", "2")
    eq(ws.run("position", "show", pid).code, 1, "gone after delete")
    # every change is in the audit log with who made it
    audit = ws.sql("SELECT a.action, u.login FROM audit a JOIN users u ON u.id = a.actor_id "
                   "WHERE a.entity = 'position' AND a.entity_id = ? ORDER BY a.id", p["id"])
    eq(audit, [("create", "li.na"), ("update", "admin"), ("delete", "admin")], "audit")


@test
def bad_input_says_what_and_where_and_changes_nothing():
    ws = Workspace()
    team(ws)
    cases = [
        (["--title", "A", "--openings", "0", "--status", "open"], "openings", "number_range"),
        (["--title", "A", "--openings", "1001", "--status", "open"], "openings", "number_range"),
        (["--title", "A", "--openings", "1", "--status", "hiring"], "status", None),
        (["--title", "A", "--openings", "1", "--status", "open", "--manager", "nobody"], "manager", None),
        (["--title", "A", "--openings", "1", "--status", "open", "--opened", "2027-01-10",
          "--target", "2027-01-09"], "target", "date_before_start"),
        (["--title", "", "--openings", "1", "--status", "open"], "title", None),
        (["--title", "x" * 201, "--openings", "1", "--status", "open"], "title", None),
        (["--openings", "1", "--status", "open"], "title", None),
    ]
    for args, field, reason in cases:
        r = ws.fail("position", "add", *args, json_out=True)
        e = err_json(r)
        eq(e["field"], field, f"field of {args}")
        if reason:
            eq(e["reason"], reason, f"reason of {args}")
    eq(ws.js("position", "list")["positions"], [], "nothing was added")
    # the same rule on a change: an end before the start already kept
    p = ws.js("position", "add", "--title", "A", "--openings", "1", "--status", "open", "--opened", "2027-01-10")
    r = ws.fail("position", "update", str(p["id"]), "--target", "2027-01-01", "--version", "1", json_out=True)
    eq((err_json(r)["field"], err_json(r)["reason"], err_json(r)["params"]),
       ("target", "date_before_start", {"date": "2027-01-01", "start": "2027-01-10"}), "update refused")
    eq(ws.js("position", "show", str(p["id"]))["version"], 1, "unchanged")


@test
def managers_write_everyone_reads():
    ws = Workspace()
    team(ws)
    p = ws.js("position", "add", "--title", "渠道经理", "--openings", "1", "--status", "open", as_="li.na")
    for login in ("wang.fang", "gao"):
        eq([x["title"] for x in ws.js("position", "list", as_=login)["positions"]], ["渠道经理"], f"{login} reads")
        r = ws.fail("position", "add", "--title", "X", "--openings", "1", "--status", "open", as_=login)
        eq(r.code, 77, f"{login} may not add")
        r = ws.fail("position", "update", str(p["id"]), "--status", "closed", "--version", "1", as_=login)
        eq(r.code, 77, f"{login} may not change")
        r = ws.fail("position", "delete", str(p["id"]), "--version", "1", as_=login)
        eq(r.code, 77, f"{login} may not delete")
    eq(ws.js("position", "show", str(p["id"]))["version"], 1, "untouched by refused writes")


if __name__ == "__main__":
    run_all()
