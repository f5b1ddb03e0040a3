"""test_member_load.py - what a project member can carry: their capacity (a percent of a
full-time seller's load, 100% unless told; a new hire ramping up: 50%) and their territory
(the regions, segments or accounts they cover, in words). Set by the project's managers with
`member add` and `member update`, read by everyone on the project; a refused change changes
nothing. Expected values are the ones typed, converted by hand (62.5% = 6250 basis points)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403


def team(ws):
    ws.write("pw", "user-secret-1\n")
    for login, role in (("li.na", "manager"), ("wang.fang", "rep"), ("zhao.lei", "rep")):
        ws.ok("user", "add", login, "--name", login, "--role", role, "--password-file", ws.path("pw"))
    ws.ok("project", "create", "P1", "--name", "P", "--start", "2026-01-01", "--end", "2026-12-31")
    ws.ok("member", "add", "P1", "li.na", "--role", "manager")


@test
def capacity_and_territory_set_on_adding_and_changed_later():
    ws = Workspace()
    team(ws)
    m = ws.js("member", "add", "P1", "wang.fang", "--capacity", "50", "--territory", "华东 · 上海", as_="li.na")
    eq((m["capacity"], m["territory"]), (0.5, "华东 · 上海"), "a new hire at half load")
    full = ws.js("member", "add", "P1", "zhao.lei", as_="li.na")
    eq((full["capacity"], full["territory"]), (1, ""), "full time unless told")
    u = ws.js("member", "update", "P1", "wang.fang", "--capacity", "62.5", "--version", "1", as_="li.na")
    eq((u["capacity"], u["territory"], u["version"]), (0.625, "华东 · 上海", 2), "ramping up")
    eq(ws.sql("SELECT capacity_bp FROM members m JOIN users u ON u.id = m.user_id WHERE u.login = ?",
              "wang.fang"), [(6250,)], "stored in basis points")
    text = ws.ok("member", "list", "P1").out.splitlines()
    eq(text[0].split(), ["LOGIN", "NAME", "ROLE", "CAPACITY", "TERRITORY"], "the list's head")
    row = next(x for x in text if x.startswith("wang.fang"))
    eq(row.split()[3:], ["62.5%", "华东", "·", "上海"], "wang.fang's row")
    eq([x["login"] for x in ws.js("member", "list", "P1", "--territory", "上海")["members"]], ["wang.fang"],
       "filtered by territory")


@test
def out_of_range_or_not_a_manager_changes_nothing():
    ws = Workspace()
    team(ws)
    ws.js("member", "add", "P1", "wang.fang", "--capacity", "80", as_="li.na")
    for bad in ("101", "-5", "lots"):
        r = ws.fail("member", "update", "P1", "wang.fang", "--capacity", bad, "--version", "1", json_out=True)
        eq(json.loads(r.err.strip().splitlines()[-1])["error"]["field"], "capacity", f"capacity {bad}")
    r = ws.fail("member", "update", "P1", "wang.fang", "--territory", "x" * 201, "--version", "1", json_out=True)
    eq(json.loads(r.err.strip().splitlines()[-1])["error"]["field"], "territory", "a territory too long")
    eq(ws.fail("member", "update", "P1", "wang.fang", "--capacity", "100", "--version", "1",
               as_="wang.fang").code, 77, "a member does not set their own load")
    m = next(x for x in ws.js("member", "list", "P1")["members"] if x["login"] == "wang.fang")
    eq((m["capacity"], m["version"]), (0.8, 1), "unchanged")


@test
def the_demo_reps_have_territories_and_the_newest_ramp_up():
    ws = Workspace(init=False)
    ws.ok("demo")
    reps = [m for m in ws.js("member", "list", "FY")["members"] if m["role"] == "member"]
    eq(len(reps), 17, "FY's reps: the demo's 16 and the one hired from recruitment")
    assert all(m["territory"] for m in reps), "every rep has a territory"
    eq(sorted(m["capacity"] for m in reps), [0.3, 0.5, 0.5] + [1] * 14,
       "two at half load, the new hire ramping up at 30%")
    eq(next(m["capacity"] for m in reps if m["login"] == "chen.xiao"), 0.3, "the hire")


if __name__ == "__main__":
    run_all()
