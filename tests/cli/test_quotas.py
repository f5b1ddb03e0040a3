"""test_quotas.py - quotas (a goal's target split among the project's members) and the
accounts and segments assigned to members, from the command line.

The team, worked out by hand below: P1 with li.na its manager; reps wang.fang and zhao.lei at
full load, sun.qiang and new.hire at half load; gao a viewer; out on no project. Every unit
sold costs 1,000.00. Before the goals' window (2026-01-01 .. 2026-06-30) wang.fang sold 3
units, zhao.lei 1, sun.qiang 2, new.hire none; in it (from 2026-07-01, today 2026-09-15)
wang.fang 2 through the direct channel and 1 through the partner channel, zhao.lei 1,
new.hire 1, sun.qiang none.

The suggestion's formula (analytics/quota.h), computed here on its own from those sales with
exact fractions: weight = basis x capacity, basis = the rep's value in the window of the same
length just before the goal's, or the average of the reps with one (for new.hire: (3000 +
1000 + 2000) / 3 = 2000.00); quota = target x weight / total weight, rounded down to the step
(money: whole yuan when the target is), the steps left over to the largest remainders (ties by
login), so the quotas sum exactly to the target.
"""
import json
import os
import sys
from fractions import Fraction

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403

TODAY = "2026-09-15"
REPS = ["new.hire", "sun.qiang", "wang.fang", "zhao.lei"]  # by login
CAPACITY = {"wang.fang": Fraction(1), "zhao.lei": Fraction(1), "sun.qiang": Fraction(1, 2),
            "new.hire": Fraction(1, 2)}
# units sold before the window (2026-01-01 .. 2026-06-30) and in it, by rep and channel
BEFORE = {"wang.fang": 3, "zhao.lei": 1, "sun.qiang": 2}
DURING = {("wang.fang", "direct"): 2, ("wang.fang", "partner"): 1, ("zhao.lei", "direct"): 1,
          ("new.hire", "direct"): 1}
PRICE = 100000  # 1,000.00 in fen


def err_json(r):
    return json.loads(r.err.strip().splitlines()[-1])["error"]


def team(ws):
    ws.write("pw", "user-secret-1\n")
    for login, name, role in (("li.na", "李娜", "manager"), ("wang.fang", "王芳", "rep"),
                              ("zhao.lei", "赵磊", "rep"), ("sun.qiang", "孙强", "rep"),
                              ("new.hire", "新人", "rep"), ("gao", "高总", "viewer"),
                              ("out", "局外人", "rep")):
        ws.ok("user", "add", login, "--name", name, "--role", role, "--password-file", ws.path("pw"))
    ws.ok("project", "create", "P1", "--name", "华东冲刺", "--start", "2026-01-01", "--end", "2026-12-31")
    ws.ok("member", "add", "P1", "li.na", "--role", "manager")
    for login in REPS:
        ws.ok("member", "add", "P1", login, "--capacity", str(int(CAPACITY[login] * 100)))
    ws.ok("member", "add", "P1", "gao", "--role", "viewer")
    ws.ok("segment", "add", "enterprise", "--name", "大型企业")
    ws.ok("segment", "add", "smb", "--name", "中小企业")
    ws.ok("channel", "add", "direct", "--name", "直销", "--type", "direct")
    ws.ok("channel", "add", "partner", "--name", "渠道伙伴", "--type", "distributor")
    ws.ok("product", "add", "X3", "--name", "X3", "--cost", "400.00", "--price", "1000.00")
    n = 0
    for rep, units in BEFORE.items():
        for i in range(units):
            n += 1
            sale(ws, f"2026-0{1 + i}-1{n % 9}", f"老客户{n}", rep, "direct")
    for (rep, channel), units in DURING.items():
        for i in range(units):
            n += 1
            sale(ws, f"2026-0{7 + i}-1{n % 9}", f"新客户{n}", rep, channel)


def sale(ws, day, customer, rep, channel):
    ws.ok("sale", "add", "P1", "--date", day, "--customer", customer, "--product", "X3",
          "--channel", channel, "--rep", rep, "--quantity", "1", "--price", "1000.00",
          "--segment", "smb")


def goal(ws, metric, target, **kw):
    args = ["goal", "add", "P1", "--metric", metric, "--target", target, "--start", "2026-07-01",
            "--due", "2026-12-28"]
    for k, v in kw.items():
        args += ["--" + k, v]
    return ws.js(*args)["id"]


def expected_split(target, past, step):
    """The suggestion worked out on its own: exact fractions, largest remainders, ties by login."""
    hist = {r: v for r, v in past.items() if v > 0}
    avg = Fraction(sum(hist.values()), len(hist)) if hist else None
    basis = {r: (Fraction(past[r]) if past.get(r, 0) > 0 else avg) if hist else Fraction(1) for r in REPS}
    weight = {r: basis[r] * CAPACITY[r] for r in REPS}
    total = sum(weight.values())
    units = target // step
    exact = {r: units * weight[r] / total for r in REPS}
    out = {r: int(exact[r]) for r in REPS}  # floor: all positive
    left = units - sum(out.values())
    for r in sorted(REPS, key=lambda r: (-(exact[r] - out[r]), r))[:left]:
        out[r] += 1
    return {r: out[r] * step for r in REPS}, basis, weight


def ratio(num, den):
    """num / den as the UI's number: basis points rounded half away from zero, / 10000."""
    bp = (Fraction(num, den) * 10000)
    bp = int(bp + Fraction(1, 2)) if bp >= 0 else -int(-bp + Fraction(1, 2))
    return bp / 10000


@test
def the_suggestion_follows_past_sales_and_capacity_and_sums_exactly():
    ws = Workspace(today=TODAY)
    team(ws)
    past_rev = {r: BEFORE.get(r, 0) * PRICE for r in REPS}
    past_units = {r: BEFORE.get(r, 0) for r in REPS}
    cases = [("revenue", "1000.00", 100000, past_rev, 100),   # whole yuan: step 100 fen
             ("revenue", "1000.01", 100001, past_rev, 1),     # not whole yuan: step 1 fen
             ("units", "10", 10, past_units, 1),
             ("deals_won", "7", 7, {r: 0 for r in REPS}, 1)]  # no history: capacity alone
    for metric, typed, target, past, step in cases:
        gid = goal(ws, metric, typed)
        s = ws.js("quota", "suggest", "P1", "--goal", str(gid), as_="li.na")
        want, basis, weight = expected_split(target, past, step)
        eq([x["person"] for x in s["lines"]], REPS, f"{metric} {typed}: the reps by login (no manager, no viewer)")
        eq({x["person"]: x["target"] for x in s["lines"]}, want, f"{metric} {typed}: the quotas")
        eq(sum(x["target"] for x in s["lines"]), target, f"{metric} {typed}: they sum to the target")
        eq({x["person"]: x["past"] for x in s["lines"]}, past, f"{metric} {typed}: past values")
        eq({x["person"]: x["history"] for x in s["lines"]}, {r: past[r] > 0 for r in REPS}, "history")
        eq({x["person"]: x["capacity"] for x in s["lines"]}, {r: float(CAPACITY[r]) for r in REPS}, "capacity")
        eq({x["person"]: x["basis"] for x in s["lines"]}, {r: round(float(basis[r]), 2) for r in REPS}, "basis")
        eq({x["person"]: x["weight"] for x in s["lines"]}, {r: round(float(weight[r]), 2) for r in REPS}, "weight")
        eq((s["basis_window"], s["step"], s["with_history"]),
           ({"from": "2026-01-01", "to": "2026-06-30"}, step, sum(1 for v in past.values() if v > 0)),
           f"{metric}: the basis window (the 181 days before 2026-07-01) and the step")
    # the first case by hand: weights 3000 / 1000 / 1000 (2000 x 50%) / 1000 (the average x 50%)
    rev = ws.js("quota", "suggest", "P1", "--goal", "1")
    eq({x["person"]: x["target"] for x in rev["lines"]},
       {"new.hire": 16700, "sun.qiang": 16700, "wang.fang": 50000, "zhao.lei": 16600},
       "1,000 yuan: 500 / 166.67 x 3, the two yuan left to the first two tied remainders by login")
    text = ws.ok("quota", "suggest", "P1", "--goal", "1").out
    assert "weight = basis x capacity" in text and "average of the 3 reps" in text, text
    assert "salespm quota split P1 --goal 1 new.hire=167.00 sun.qiang=167.00 wang.fang=500.00 zhao.lei=166.00" in text, text


@test
def a_split_saved_shows_each_members_share_actual_and_progress():
    ws = Workspace(today=TODAY)
    team(ws)
    rev = goal(ws, "revenue", "10000.00")
    via_partner = goal(ws, "revenue", "1000.00", scope="channel=partner")
    split = {"wang.fang": 500000, "zhao.lei": 300000, "sun.qiang": 100000, "new.hire": 100000}
    out = ws.js("quota", "split", "P1", "--goal", str(rev), "--version", "0",
                *[f"{k}={v // 100}.{v % 100:02d}" for k, v in split.items()], as_="li.na")
    q = out["goals"][0]["quotas"]
    eq((q["version"], q["sum"], q["balanced"], q["offered"]), (1, 1000000, True, True), "saved")
    actual = {r: sum(u for (rep, _), u in DURING.items() if rep == r) * PRICE for r in REPS}
    eq({x["person"]: (x["target"], x["share"], x["actual"], x["progress"]) for x in q["lines"]},
       {r: (split[r], ratio(split[r], 1000000), actual[r], ratio(actual[r], split[r])) for r in REPS},
       "each line: target, share of 10,000.00, actual in the window so far, progress")
    eq(actual, {"new.hire": 100000, "sun.qiang": 0, "wang.fang": 300000, "zhao.lei": 100000},
       "the actuals by hand")
    # the partner goal counts only the partner channel's sales: wang.fang's one unit
    ws.js("quota", "split", "P1", "--goal", str(via_partner), "wang.fang=600", "zhao.lei=400")
    p = ws.js("quota", "list", "P1", "--goal", str(via_partner))["goals"][0]["quotas"]
    eq({x["person"]: (x["actual"], x["progress"]) for x in p["lines"]},
       {"wang.fang": (PRICE, ratio(PRICE, 60000)), "zhao.lei": (0, 0)}, "the goal's scope narrows the actuals")
    # goal list: the lines under the goal, and in its JSON
    g = next(x for x in ws.js("goal", "list", "P1")["goals"] if x["id"] == rev)
    eq([(x["person"], x["target"], x["share"], x["progress"]) for x in g["quotas"]["lines"]],
       [(x["person"], x["target"], x["share"], x["progress"]) for x in q["lines"]], "goal list --json")
    text = ws.ok("goal", "list", "P1").out
    assert f"  goal {rev} quotas (version 1): 10,000.00 of 10,000.00" in text, text
    wang = next(l for l in text.splitlines() if l.strip().startswith("wang.fang"))
    eq(wang.split(), ["wang.fang", "王芳", "5,000.00", "50.0%", "3,000.00", "60.0%"], "wang.fang's line")
    sun = next(l for l in text.splitlines() if l.strip().startswith("sun.qiang"))
    eq(sun.split(), ["sun.qiang", "孙强", "1,000.00", "10.0%", "0.00", "0.0%"], "sun.qiang's line")
    # every write is versioned and audited
    ws.js("quota", "split", "P1", "--goal", str(rev), "--version", "1", "wang.fang=10000")
    eq(ws.sql("SELECT a.action, u.login FROM audit a JOIN users u ON u.id = a.actor_id "
              "WHERE a.entity = 'quota' AND a.entity_id = ? ORDER BY a.id", rev),
       [("create", "li.na"), ("update", "admin")], "audit")
    after = json.loads(ws.sql("SELECT after FROM audit WHERE entity = 'quota' AND entity_id = ? "
                              "ORDER BY id DESC LIMIT 1", rev)[0][0])
    eq(after, {"goal": rev, "version": 2, "quotas": [{"person": "wang.fang", "target": 1000000}]},
       "the audit keeps the split")
    # no lines clears the split; a deleted goal takes its quotas with it
    eq(ws.js("quota", "split", "P1", "--goal", str(rev), "--version", "2")["goals"][0]["quotas"]["lines"],
       [], "cleared")
    ws.ok("goal", "delete", "P1", str(via_partner), "--version", "1")
    eq(ws.sql("SELECT COUNT(*) FROM quotas WHERE goal_id = ?", via_partner), [(0,)], "gone with the goal")


@test
def refused_splits_say_why_and_change_nothing():
    ws = Workspace(today=TODAY)
    team(ws)
    rev = goal(ws, "revenue", "1000.00")
    margin = goal(ws, "gross_margin", "40%")
    one_rep = goal(ws, "revenue", "500.00", scope="rep=wang.fang")
    ws.js("quota", "split", "P1", "--goal", str(rev), "wang.fang=600", "zhao.lei=400")
    before = ws.js("quota", "list", "P1", "--goal", str(rev))
    audits = ws.sql("SELECT COUNT(*) FROM audit")
    g = ["quota", "split", "P1", "--goal"]
    ws.refusals(g, [
        ([str(rev), "wang.fang=600", "zhao.lei=300"], "quotas", "quota_sum",
         {"sum": "900.00", "target": "1,000.00", "left": "100.00"}),
        ([str(rev), "wang.fang=600", "zhao.lei=500"], "quotas", "quota_sum_over",
         {"sum": "1,100.00", "target": "1,000.00", "over": "100.00"}),
        ([str(rev), "wang.fang=600", "out=400"], "person", "not_member", {"login": "out", "project": "P1"}),
        ([str(rev), "wang.fang=600", "gao=400"], "person", "quota_viewer", {"login": "gao"}),
        ([str(rev), "wang.fang=600", "wang.fang=400"], "person", "quota_twice", {"login": "wang.fang"}),
        ([str(margin), "wang.fang=1"], "goal", "quota_not_offered", None),
        ([str(one_rep), "wang.fang=500"], "goal", "quota_not_offered", None),
        ([str(rev), "--version", "0", "wang.fang=1000"], "version", "stale_version", None),
        ([str(rev), "wang.fang"], "quotas", "quota_arg", None),
    ])
    eq(err_json(ws.fail(*g, str(margin), "wang.fang=1", json_out=True))["params"]["why"],
       "its metric does not add up over people", "why a margin goal takes none")
    eq(ws.fail(*g, str(rev), "wang.fang=1000", as_="wang.fang").code, 77, "a rep does not set quotas")
    eq(ws.fail(*g, str(rev), "wang.fang=1000", as_="gao").code, 77, "nor a viewer")
    eq(ws.fail(*g, str(rev), "wang.fang=1000", as_="out").code, 1, "someone off the project meets no project")
    eq(ws.fail(*g, "999", "wang.fang=1000").code, 1, "no such goal")
    eq(ws.js("quota", "list", "P1", "--goal", str(rev)), before, "nothing changed")
    eq(ws.sql("SELECT COUNT(*) FROM audit"), audits, "nothing audited")
    for gid in (margin, one_rep):
        eq(err_json(ws.fail("quota", "suggest", "P1", "--goal", str(gid), json_out=True))["reason"],
           "quota_not_offered", f"no suggestion for goal {gid}")
    lst = {x["goal"]: x["quotas"] for x in ws.js("quota", "list", "P1")["goals"]}
    eq((lst[margin]["offered"], lst[margin]["why"], lst[one_rep]["why"]), (False, "metric", "rep_scope"),
       "the list says which goals take none and why")
    # a goal narrowed to one rep after its split: no longer offered, only that rep's sales count
    other = goal(ws, "revenue", "1000.00")
    ws.js("quota", "split", "P1", "--goal", str(other), "wang.fang=600", "zhao.lei=400")
    ws.ok("goal", "update", "P1", str(other), "--scope", "rep=zhao.lei", "--version", "1")
    q = ws.js("quota", "list", "P1", "--goal", str(other))["goals"][0]["quotas"]
    eq((q["offered"], q["why"], [(x["person"], x["actual"]) for x in q["lines"]]),
       (False, "rep_scope", [("wang.fang", 0), ("zhao.lei", PRICE)]), "narrowed to zhao.lei after the split")
    # a goal whose target changes after the split shows it no longer balanced
    ws.ok("goal", "update", "P1", str(rev), "--target", "1200.00", "--version", "1")
    q = ws.js("quota", "list", "P1", "--goal", str(rev))["goals"][0]["quotas"]
    eq((q["sum"], q["balanced"]), (100000, False), "no longer sums to the new target")


@test
def every_member_reads_the_team_only_managers_write():
    ws = Workspace(today=TODAY)
    team(ws)
    rev = goal(ws, "revenue", "1000.00")
    ws.js("quota", "split", "P1", "--goal", str(rev), "wang.fang=600", "zhao.lei=400", as_="li.na")
    for who in ("wang.fang", "new.hire", "gao"):
        lines = ws.js("quota", "list", "P1", as_=who)["goals"][0]["quotas"]["lines"]
        eq([(x["person"], x["target"]) for x in lines], [("wang.fang", 60000), ("zhao.lei", 40000)],
           f"{who} reads the team's lines")
    eq(len(ws.js("quota", "suggest", "P1", "--goal", str(rev), as_="wang.fang")["lines"]), 4,
       "a rep may see how a split would be suggested")
    eq(ws.fail("quota", "list", "P1", as_="out").code, 1, "someone off the project sees nothing")


@test
def new_customers_quotas_count_each_reps_first_buyers():
    ws = Workspace(today=TODAY)
    team(ws)
    # every sale of team() is a customer's first purchase: before the window 3 / 1 / 2 / 0 new
    # customers, in it 3 / 1 / 0 / 1 (wang.fang, zhao.lei, sun.qiang, new.hire)
    gid = goal(ws, "new_customers", "9")
    s = ws.js("quota", "suggest", "P1", "--goal", str(gid))
    want, _, _ = expected_split(9, {r: BEFORE.get(r, 0) for r in REPS}, 1)
    eq({x["person"]: x["target"] for x in s["lines"]}, want, "the suggestion")
    ws.js("quota", "split", "P1", "--goal", str(gid), *[f"{r}={want[r]}" for r in REPS])
    q = ws.js("quota", "list", "P1", "--goal", str(gid))["goals"][0]["quotas"]
    eq({x["person"]: x["actual"] for x in q["lines"]},
       {"wang.fang": 3, "zhao.lei": 1, "sun.qiang": 0, "new.hire": 1}, "new customers so far")


@test
def accounts_and_segments_assigned_to_members():
    ws = Workspace(today=TODAY)
    team(ws)
    cust = ws.sql("SELECT id, name FROM customers ORDER BY id")
    c1, c2 = str(cust[0][0]), str(cust[1][0])
    a = ws.js("assignment", "add", "P1", "--person", "wang.fang", "--customer", c1, "--note", "负责续约", as_="li.na")
    eq((a["person"], a["person_name"], a["customer"], a["customer_name"], a["segment"], a["note"], a["version"]),
       ("wang.fang", "王芳", int(c1), cust[0][1], None, "负责续约", 1), "an account")
    s = ws.js("assignment", "add", "P1", "--person", "wang.fang", "--segment", "enterprise", as_="li.na")
    eq((s["segment"], s["customer"]), ("enterprise", None), "a segment")
    ws.js("assignment", "add", "P1", "--person", "zhao.lei", "--segment", "enterprise")
    before = ws.js("assignment", "list", "P1")
    ws.refusals(["assignment", "add", "P1"], [
        (["--person", "zhao.lei", "--customer", c1], "customer", "customer_assigned",
         {"customer": c1, "person": "wang.fang"}),
        (["--person", "wang.fang", "--segment", "enterprise"], "segment", "segment_assigned",
         {"segment": "enterprise", "person": "wang.fang"}),
        (["--person", "zhao.lei"], "customer", "assignment_one_target"),
        (["--person", "zhao.lei", "--customer", c2, "--segment", "smb"], "customer", "assignment_one_target"),
        (["--person", "out", "--customer", c2], "person", "not_member", {"login": "out", "project": "P1"}),
        (["--person", "gao", "--customer", c2], "person", "quota_viewer", {"login": "gao"}),
    ])
    eq(ws.fail("assignment", "add", "P1", "--person", "wang.fang", "--customer", c2, as_="wang.fang").code, 77,
       "a rep does not assign accounts")
    eq(ws.js("assignment", "list", "P1"), before, "nothing changed")
    # moving the account to zhao.lei is a change of its line
    moved = ws.js("assignment", "update", "P1", str(a["id"]), "--person", "zhao.lei", "--version", "1")
    eq((moved["person"], moved["version"]), ("zhao.lei", 2), "moved")
    eq([x["person"] for x in ws.js("assignment", "list", "P1", "--person", "wang.fang", as_="gao")["assignments"]],
       ["wang.fang"], "a viewer reads them")
    ws.ok("assignment", "delete", "P1", str(s["id"]), "--version", "1")
    eq(len(ws.js("assignment", "list", "P1")["assignments"]), 2, "deleted")


@test
def the_demo_splits_sum_to_their_goals_as_suggested_one_edited():
    ws = Workspace(init=False)
    ws.ok("demo")
    goals = {g["name"]: g for g in ws.js("goal", "list", "FY")["goals"]}
    for name, edited in (("全年营收", 0), ("天猫旗舰店销量", 0), ("赢单数", 0), ("四季度新客户", 2)):
        g = goals[name]
        q = g["quotas"]
        eq((q["version"], q["sum"], q["balanced"]), (1, g["target"], True), f"{name}: sums to the target")
        s = {x["person"]: x["target"] for x in ws.js("quota", "suggest", "FY", "--goal", str(g["id"]))["lines"]}
        diff = {x["person"]: x["target"] - s[x["person"]] for x in q["lines"] if x["target"] != s[x["person"]]}
        eq(sorted(diff.values()), [] if not edited else [-edited, edited], f"{name}: as suggested, or one edit")
    eq(goals["大客户营收"]["quotas"]["lines"], [], "a goal left without quotas")
    a = ws.js("assignment", "list", "FY")["assignments"]
    accounts = [x["customer"] for x in a if x["customer"] is not None]
    eq(len(accounts), len(set(accounts)), "one member an account")
    eq(len({x["person"] for x in a if x["segment"]}), 16, "every rep covers a segment")


if __name__ == "__main__":
    run_all()
