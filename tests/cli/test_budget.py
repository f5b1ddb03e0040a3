"""test_budget.py - a project's budget from the command line: budget lines, expenses against
them, what remains per line and in all, overspent lines, and the strategy's spending beside them.

A budget line (`budget`) has a category (marketing, promotion, channel, travel, training, staff,
other), a name and the money allocated; an expense (`expense`) is an amount spent against a line
of the same project on a day, with a note and who recorded it. Managers write lines and every
expense, a member records expenses and changes their own, a viewer reads. `budget summary`
gives each line's allocated, spent and remaining money, the totals, the project's budget and
the strategy's spending: the promotions' discounts and the channels' cost of the project's
sales. Every figure below is worked out by the test from what it wrote, in minor units.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403

CATEGORIES = ["marketing", "promotion", "channel", "travel", "training", "staff", "other"]
TODAY = "2026-06-15"


def err_json(r):
    return json.loads(r.err.strip().splitlines()[-1])["error"]


def minor(text):
    """A decimal typed in major units as minor units, by hand ("12.5" -> 1250)."""
    whole, _, frac = text.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def setup():
    """P1 (budget 100000.00): mgr its manager, rep and rep2 members, vw a viewer; out on no
    project; P2 another project with a line of its own."""
    ws = Workspace(today=TODAY)
    ws.write("pw", "user-secret-1\n")
    for login, role in (("mgr", "manager"), ("rep", "rep"), ("rep2", "rep"), ("vw", "viewer"),
                        ("out", "rep")):
        ws.ok("user", "add", login, "--name", login, "--role", role, "--password-file",
              ws.path("pw"))
    ws.ok("project", "create", "P1", "--name", "华东冲刺", "--start", "2026-01-01", "--end",
          "2026-12-31", "--budget", "100000.00")
    ws.ok("project", "create", "P2", "--name", "other", "--start", "2026-01-01", "--end",
          "2026-12-31")
    for login, prole in (("mgr", "manager"), ("rep", "member"), ("rep2", "member"),
                         ("vw", "viewer")):
        ws.ok("member", "add", "P1", login, "--role", prole)
    ws.ok("member", "add", "P2", "mgr", "--role", "manager")
    return ws


def line(ws, category, name, allocated, project="P1", as_="mgr"):
    return ws.js("budget", "add", project, "--category", category, "--name", name, "--allocated",
                 allocated, as_=as_)


def expense(ws, line_id, amount, as_="mgr", project="P1", **kw):
    args = ["expense", "add", project, "--line", str(line_id), "--amount", amount]
    for k, v in kw.items():
        args += ["--" + k, v]
    return ws.js(*args, as_=as_)


@test
def lines_of_every_category_with_their_expenses_remaining_and_overspent():
    ws = setup()
    # (category, name, allocated, expenses typed)
    plan = [("marketing", "华东展会", "50000.00", ["12000.50", "8000"]),
            ("promotion", "618 物料", "8000.00", ["5000", "3000.01"]),  # past by 0.01
            ("channel", "经销商返利", "20000", []),
            ("travel", "客户拜访差旅", "6000.00", ["1999.99"]),
            ("training", "新人培训", "3000", ["3000"]),  # spent exactly
            ("staff", "兼职促销员", "4000", ["4500"]),
            ("other", "杂项", "500.5", ["0.50"])]
    made = {}
    for cat, name, alloc, spends in plan:
        ln = line(ws, cat, name, alloc)
        eq((ln["category"], ln["name"], ln["allocated"], ln["spent"], ln["remaining"],
            ln["overspent"]), (cat, name, minor(alloc), 0, minor(alloc), False), f"{name}: new")
        for k, amt in enumerate(spends):
            x = expense(ws, ln["id"], amt, date=f"2026-0{k + 3}-10", note=f"{name} {k}")
            eq((x["line"], x["line_name"], x["amount"], x["date"], x["note"], x["recorded_by"]),
               (ln["id"], name, minor(amt), f"2026-0{k + 3}-10", f"{name} {k}", "mgr"),
               f"{name}: expense {amt}")
        made[ln["id"]] = (cat, name, minor(alloc), sum(minor(a) for a in spends), len(spends))
    # an expense without a day is today's
    eq(expense(ws, list(made)[2], "1.00")["date"], TODAY, "today by default")
    cat, name, alloc, spent, n = made[list(made)[2]]
    made[list(made)[2]] = (cat, name, alloc, spent + 100, n + 1)
    # a line of P2 and its expense do not count in P1
    other = line(ws, "travel", "别的项目", "100.00", project="P2")
    expense(ws, other["id"], "90.00", project="P2")

    for lid, (cat, name, alloc, spent, n) in made.items():
        got = ws.js("budget", "show", "P1", str(lid))
        eq((got["spent"], got["remaining"], got["overspent"]), (spent, alloc - spent, spent > alloc),
           f"{name}: {alloc} less {spent}")
    s = ws.js("budget", "summary", "P1", as_="vw")
    allocated = sum(m[2] for m in made.values())
    spent = sum(m[3] for m in made.values())
    eq((s["project"], s["budget"], s["allocated"], s["spent"], s["remaining"], s["unallocated"]),
       ("P1", 10000000, allocated, spent, allocated - spent, 10000000 - allocated), "the totals")
    eq(s["overspent_lines"], sum(1 for m in made.values() if m[3] > m[2]), "two overspent")
    eq(s["overspent_lines"], 2, "618 物料 by 0.01 and 兼职促销员 by 500.00")
    # by category, then name
    want = sorted(made.items(), key=lambda kv: (kv[1][0], kv[1][1], kv[0]))
    eq([(r["id"], r["category"], r["name"], r["allocated"], r["spent"], r["remaining"],
         r["expenses"], r["overspent"]) for r in s["lines"]],
       [(lid, c, nm, a, sp, a - sp, n, sp > a) for lid, (c, nm, a, sp, n) in want], "each line")
    # the text: a row per line and the total, OVERSPENT marked
    out = ws.ok("budget", "summary", "P1").out
    over = [ln for ln in out.splitlines() if ln.rstrip().endswith("OVERSPENT")]
    eq(len(over), 2 + (spent > allocated), "the two lines are marked (the total is within)")
    eq(spent > allocated, False, "the total is within its allocation")
    eq("project budget: 100000.00" in out, True, "the project's budget")
    # the list filters by category; the expenses of a line
    eq([r["name"] for r in ws.js("budget", "list", "P1", "--category", "staff")["budget_lines"]],
       ["兼职促销员"], "a category's lines")
    mk = list(made)[0]
    eq(sorted(x["amount"] for x in ws.js("expense", "list", "P1", "--line", str(mk))["expenses"]),
       [800000, 1200050], "a line's expenses")


@test
def bad_input_is_refused_naming_the_field_and_changes_nothing():
    ws = setup()
    mine = line(ws, "marketing", "展会", "1000.00")
    theirs = line(ws, "travel", "P2 差旅", "1000.00", project="P2")
    ok = ["--category", "travel", "--name", "差旅", "--allocated", "10.00"]
    ws.refusals(["budget", "add", "P1"], [
        (["--name", "差旅", "--allocated", "10"], "category", "required"),
        (["--category", "travel", "--allocated", "10"], "name", "required"),
        (["--category", "travel", "--name", "差旅"], "allocated", "required"),
        (["--category", "ads", "--name", "差旅", "--allocated", "10"], "category", "bad_enum"),
        (["--category", "travel", "--name", "", "--allocated", "10"], "name", None),
        (["--category", "travel", "--name", "差旅", "--allocated", "-1.00"], "allocated", None),
        (["--category", "travel", "--name", "差旅", "--allocated", "1.005"], "allocated", None),
        (["--category", "travel", "--name", "差旅", "--allocated", "ten"], "allocated", None),
    ], as_="mgr")
    ws.refusals(["expense", "add", "P1"], [
        (["--amount", "10"], "line", "required"),
        (["--line", str(mine["id"])], "amount", "required"),
        (["--line", str(theirs["id"]), "--amount", "10"], "line", "no_line_in_project",
         {"line": theirs["id"], "project": "P1"}),
        (["--line", "99999", "--amount", "10"], "line", "no_line_in_project",
         {"line": 99999, "project": "P1"}),
        (["--line", "0", "--amount", "10"], "line", None),
        (["--line", str(mine["id"]), "--amount", "0"], "amount", None),
        (["--line", str(mine["id"]), "--amount", "-5"], "amount", None),
        (["--line", str(mine["id"]), "--amount", "10", "--date", "2026-02-30"], "date", None),
    ], as_="mgr")
    eq(ws.sql("SELECT COUNT(*) FROM budget_lines"), [(2,)], "no line written")
    eq(ws.sql("SELECT COUNT(*) FROM expenses"), [(0,)], "no expense written")
    x = expense(ws, mine["id"], "10.00")
    ws.refusals(["expense", "update", "P1", str(x["id"])], [
        (["--line", str(theirs["id"]), "--version", "1"], "line", "no_line_in_project"),
        (["--amount", "0", "--version", "1"], "amount", None),
        (["--amount", "5", "--version", "3"], "version", "stale_version"),
    ], as_="mgr")
    eq(ws.js("expense", "show", "P1", str(x["id"]))["version"], 1, "the refusals changed nothing")
    # a line with expenses is not deleted; an empty one is
    r = ws.fail("budget", "delete", "P1", str(mine["id"]), json_out=True)
    eq((err_json(r)["code"], err_json(r)["reason"]), ("conflict", "in_use"), "it has an expense")
    ws.ok("budget", "delete", "P2", str(theirs["id"]))
    eq(ws.sql("SELECT COUNT(*) FROM budget_lines"), [(1,)], "the empty line went")
    del ok


@test
def managers_write_lines_members_record_their_own_expenses_viewers_read():
    ws = setup()
    ln = line(ws, "marketing", "展会", "1000.00")
    r = ws.fail("budget", "add", "P1", "--category", "travel", "--name", "x", "--allocated", "1",
                as_="rep", json_out=True)
    eq(r.code, 77, "a member does not allocate")
    r = ws.fail("budget", "update", "P1", str(ln["id"]), "--allocated", "5000", as_="rep",
                json_out=True)
    eq(r.code, 77, "nor changes a line")
    mine = expense(ws, ln["id"], "100.00", as_="rep", note="打车")
    eq(mine["recorded_by"], "rep", "a member records an expense, as theirs")
    theirs = expense(ws, ln["id"], "200.00", as_="rep2")
    r = ws.fail("expense", "update", "P1", str(theirs["id"]), "--amount", "1", as_="rep",
                json_out=True)
    eq(err_json(r)["reason"], "own_records_only", "not another's")
    r = ws.fail("expense", "delete", "P1", str(theirs["id"]), as_="rep", json_out=True)
    eq(err_json(r)["reason"], "own_records_only", "nor delete it")
    eq(ws.js("expense", "update", "P1", str(mine["id"]), "--amount", "150.00",
             as_="rep")["amount"], 15000, "their own")
    eq(ws.js("expense", "update", "P1", str(theirs["id"]), "--note", "核对", as_="mgr")["note"],
       "核对", "a manager changes any")
    eq(ws.js("budget", "show", "P1", str(ln["id"]), as_="vw")["spent"], 15000 + 20000,
       "a viewer reads what was spent")
    r = ws.fail("expense", "add", "P1", "--line", str(ln["id"]), "--amount", "1", as_="vw",
                json_out=True)
    eq(r.code, 77, "a viewer records nothing")
    for args in (("budget", "list", "P1"), ("budget", "summary", "P1"), ("expense", "list", "P1")):
        r = ws.fail(*args, as_="out", json_out=True)
        eq(err_json(r)["reason"], "no_project", f"an outsider: {args}")
    eq(len(ws.sql("SELECT 1 FROM audit WHERE entity IN ('budget', 'expense')")), 5,
       "a line, two expenses and two changes audited")


@test
def the_strategy_spending_stands_beside_the_lines():
    ws = setup()
    for code, rate in (("direct", 8), ("tmall", 12)):
        ws.ok("channel", "add", code, "--name", code, "--type", "direct", "--cost-rate", str(rate))
    ws.ok("product", "add", "A", "--name", "产品 A", "--cost", "60.00", "--price", "100.00",
          "--effective", "2025-12-01")
    ws.ok("promotion", "add", "P618", "--name", "618", "--kind", "percent", "--value", "15")
    # date, product, channel, quantity, price, discount, promotion (P1), then one in P2
    sales = [("2026-02-01", "direct", 5, 10000, 0, ""),
             ("2026-03-01", "tmall", 10, 10000, 15000, "P618"),
             ("2026-04-01", "direct", 2, 10000, 3000, "P618")]
    for k, (d, ch, q, price, disc, promo) in enumerate(sales):
        args = ["sale", "add", "P1", "--date", d, "--customer", f"C{k}", "--product", "A",
                "--channel", ch, "--quantity", str(q), "--price", f"{price / 100:.2f}",
                "--discount", f"{disc / 100:.2f}"]
        if promo:
            args += ["--promotion", promo]
        ws.ok(*args)
    ws.ok("sale", "add", "P2", "--date", "2026-05-01", "--customer", "W", "--product", "A",
          "--channel", "tmall", "--quantity", "1", "--price", "100.00", "--discount", "15.00",
          "--promotion", "P618")
    rates = {"direct": 8, "tmall": 12}
    promotion_cost = sum(disc for _, _, _, _, disc, promo in sales if promo)
    channel_cost = 0
    for _, ch, q, price, disc, _ in sales:
        amount = q * price - disc
        assert amount * rates[ch] % 100 == 0, "the test's figures divide exactly"
        channel_cost += amount * rates[ch] // 100
    line(ws, "promotion", "618 物料", "500.00")
    s = ws.js("budget", "summary", "P1")
    eq(s["strategy"], {"promotion_cost": promotion_cost, "channel_cost": channel_cost,
                       "total": promotion_cost + channel_cost},
       "150.00 + 30.00 of discounts; 8% of 500.00 and 170.00, 12% of 850.00")
    eq((promotion_cost, channel_cost), (18000, 4000 + 1360 + 10200), "the figures by hand")
    out = ws.ok("budget", "summary", "P1").out
    eq("promotions' discounts 180.00, channels' cost 155.60, in all 335.60" in out, True,
       "the text says them")


@test
def the_demo_has_fy_budget_lines_and_expenses():
    ws = Workspace(init=False)
    ws.ok("demo")
    s = ws.js("budget", "summary", "FY")
    eq(sorted({ln["category"] for ln in s["lines"]}), sorted(CATEGORIES), "every category")
    xs = ws.js("expense", "list", "FY")["expenses"]
    for ln in s["lines"]:
        spent = sum(x["amount"] for x in xs if x["line"] == ln["id"])
        eq((ln["spent"], ln["remaining"], ln["overspent"]),
           (spent, ln["allocated"] - spent, spent > ln["allocated"]), f"line {ln['name']}")
    eq(s["spent"], sum(x["amount"] for x in xs), "the total spent")
    assert any(ln["overspent"] for ln in s["lines"]), "one line is overspent"
    assert s["strategy"]["promotion_cost"] > 0 and s["strategy"]["channel_cost"] > 0, \
        "the strategy spends"


if __name__ == "__main__":
    run_all()
