"""test_data_rules.py - the numbers and data rules of sales from the command line: the
cost rule over dated cost changes (against a model of the price history), the segment a
sale keeps, actuals as of a day, the project's dates, one rounding rule for ratios, the
limits of money and quantities, `db check` of sales and rollups, CSV encodings and
separators, every problem of a bad row, and the sales list's filters and totals.

Expected values are worked out here, from what the test sent (money in integer cents),
never read back from the program."""
import csv
import io
import os
import random
import sys
from datetime import date, timedelta

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403
import harness  # noqa: E402

HEADER = "date,customer,product,channel,rep,quantity,unit_price,discount,promotion,segment"


def money(c):
    """cents -> '1234.56' (non-negative)."""
    return f"{c // 100}.{c % 100:02d}"


def cents(major):
    neg = major.startswith("-")
    whole, _, frac = major.lstrip("-").partition(".")
    v = int(whole or "0") * 100 + int((frac + "00")[:2])
    return -v if neg else v


def div_round(a, b):
    """a / b to the nearest integer, halves away from zero, in integers (b > 0)."""
    q = (2 * abs(a) + b) // (2 * b)
    return q if a >= 0 else -q


def bp(x):
    return None if x is None else round(x * 10000)


def setup(ws, start="2026-01-01", end="2026-12-31"):
    for login, role in (("mona", "manager"), ("rita", "rep"), ("rob", "rep")):
        ws.ok("user", "add", login, "--name", login.title(), "--role", role)
    ws.ok("project", "create", "P1", "--name", "P1", "--start", start, "--end", end,
          "--objective", "grow")
    for login in ("mona", "rita", "rob"):
        ws.ok("member", "add", "P1", login, *(["--role", "manager"] if login == "mona" else []))
    ws.ok("segment", "add", "SMB", "--name", "中小企业")
    ws.ok("segment", "add", "ENT", "--name", "Enterprise")
    ws.ok("channel", "add", "direct", "--name", "Direct", "--type", "direct")
    ws.ok("channel", "add", "tmall", "--name", "天猫", "--type", "ecommerce")


def add_sale(ws, day, customer="C", product="S", qty=1, price="10.00", **kw):
    args = ["sale", "add", kw.pop("project", "P1"), "--date", day, "--customer", customer,
            "--product", product, "--channel", kw.pop("channel", "direct"), "--quantity",
            str(qty), "--price", price]
    for k, v in kw.items():
        args += ["--" + k, v]
    return ws.js(*args)


def sales(ws, project="P1", *filters):
    return ws.js("sale", "list", project, *filters)


def cost_of(ws, sid, project="P1"):
    return ws.js("sale", "show", project, sid)["cost"]


def dashboard(ws, project="P1", *args):
    return ws.js("dashboard", project, *args)


def import_text(ws, text, project="P1", name="in.csv", mode="w", args=()):
    p = ws.write(name, text, mode)
    return ws.run("sale", "import", project, p, *args, json_out=True)


# --- ids of a bulk write --------------------------------------------------------------

@test
def ids_after_an_import_and_a_refused_one_come_from_the_database():
    """An import numbers its sales and new customers from a block the database hands out;
    a sale added after it gets the next id; a refused import writes nothing and the next
    sale still gets an id no other sale has (on PostgreSQL a refused import may leave a gap,
    never a clash)."""
    ws = Workspace(today="2026-06-01")
    setup(ws)
    ws.ok("product", "add", "S", "--name", "S", "--cost", "1.00", "--price", "5.00")
    before = add_sale(ws, "2026-03-01", customer="老客户")
    header = "date,customer,product,channel,rep,quantity,unit_price\r\n"
    rows = "".join(f"2026-03-{d:02d},新客户{d},S,direct,rita,1,5.00\r\n" for d in range(1, 11))
    r = import_text(ws, header + rows)
    eq(r.code, 0, f"import: {r.err}")
    listed = sales(ws, "P1", "--sort", "id", "--limit", "100")["sales"]
    ids = [x["id"] for x in listed]
    eq(len(ids), 11, "one added, ten imported")
    eq(len(set(ids)), 11, "no id twice")
    assert min(ids[1:]) > before["id"], ids
    # a refused import (a bad quantity on its last row) changes nothing
    r = import_text(ws, header + rows + "2026-03-11,坏行,S,direct,rita,-1,5.00\r\n")
    eq(r.code, 65, "refused")
    eq(len(sales(ws)["sales"]), 11, "nothing written")
    after = add_sale(ws, "2026-03-12", customer="又一个新客户")
    assert after["id"] > max(ids), (after["id"], ids)
    customers = ws.js("customer", "list", "--limit", "100")["customers"]
    eq(len(customers), 12, "老客户, ten from the import, one added after")
    eq(len({c["id"] for c in customers}), 12, "no customer id twice")
    ws.ok("db", "check")


# --- the cost rule -----------------------------------------------------------------

@test
def a_same_day_cost_fix_costs_every_sale_of_that_day_alike():
    """Sale, `--cost 2.00` without a date, another sale the same day: both cost 2.00."""
    ws = Workspace(today="2026-06-01")
    setup(ws)
    ws.ok("product", "add", "S", "--name", "S", "--cost", "1.00", "--price", "5.00")
    first = add_sale(ws, "2026-06-01")
    eq(first["cost"], 100, "the cost of the day")
    ws.ok("product", "update", "S", "--cost", "2.00")
    second = add_sale(ws, "2026-06-01")
    eq((cost_of(ws, first["id"]), second["cost"]), (200, 200),
       "the fix re-costs the day's sale and costs the next one the same")
    earlier = add_sale(ws, "2026-05-01")
    eq(earlier["cost"], 200, "before the first entry, the first entry (the day's, replaced)")
    prices = ws.js("product", "prices", "S")["prices"]
    eq([(p["effective"], p["cost"]) for p in prices], [("2026-06-01", 200)],
       "one entry per day: the second change replaced the first")
    eq(dashboard(ws)["totals"]["cost"], 600, "the rollups carry the fix")
    ws.ok("db", "check")


@test
def a_cost_dated_between_two_entries_takes_effect():
    """5.00 from Jan, 7.00 from Jun, then 7.00 from Mar: March to May move to 7.00."""
    ws = Workspace(today="2026-09-01")
    setup(ws)
    ws.ok("product", "add", "S", "--name", "S", "--cost", "5.00", "--price", "9.00",
          "--effective", "2026-01-01")
    ws.ok("product", "update", "S", "--cost", "7.00", "--effective", "2026-06-01")
    feb, apr, jul = (add_sale(ws, d, qty=2) for d in ("2026-02-01", "2026-04-01", "2026-07-01"))
    eq([s["cost"] for s in (feb, apr, jul)], [1000, 1000, 1400], "before the March entry")
    ws.ok("product", "update", "S", "--cost", "7.00", "--effective", "2026-03-01")
    eq([cost_of(ws, s["id"]) for s in (feb, apr, jul)], [1000, 1400, 1400],
       "the March entry reaches April, not February")
    eq([(p["effective"], p["cost"], p["price"]) for p in ws.js("product", "prices", "S")["prices"]],
       [("2026-01-01", 500, 900), ("2026-03-01", 700, 900), ("2026-06-01", 700, 900)],
       "a history row was added, with the price in force that day")
    d = dashboard(ws)
    eq(d["totals"]["cost"], 1000 + 1400 + 1400, "rollup cost sums")
    eq([r["cost"] for r in d["breakdowns"]["product"]], [3800], "product breakdown")
    ws.ok("db", "check")


@test
def the_cost_a_product_shows_is_the_one_in_force_today():
    ws = Workspace(today="2026-09-01")
    setup(ws)
    ws.ok("product", "add", "S", "--name", "S", "--cost", "1.00", "--price", "2.00")
    ws.ok("product", "update", "S", "--cost", "70.00", "--effective", "2026-03-01")
    eq(ws.js("product", "show", "S")["cost"], 100, "today's entry (the creation's) is in force")
    eq(add_sale(ws, "2026-09-01")["cost"], 100, "a sale dated today costs what the product shows")
    eq(add_sale(ws, "2026-06-15")["cost"], 7000, "a June sale costs the March entry")
    ws.ok("product", "update", "S", "--cost", "3.00", "--effective", "2026-10-01")
    eq(ws.js("product", "show", "S")["cost"], 100, "a dated change is not in force before its day")
    eq(add_sale(ws, "2026-10-15")["cost"], 300, "but costs the sales it reaches")
    later = Workspace(init=False, today="2026-10-02")
    later.db = ws.db
    eq(later.js("product", "show", "S")["cost"], 300, "in force once its day comes")
    eq(later.js("product", "list")["products"][0]["cost"], 300, "the list says the same")
    ws.fail("product", "update", "S", "--effective", "2026-05-01", code=65,
            contains="needs a new cost or price")


def entry_at(history, day):
    """The model's rule: the entry (cost, price) with the latest date on or before day;
    before the first, the first."""
    dates = sorted(history)
    on = [d for d in dates if d <= day]
    return history[on[-1] if on else dates[0]]


def cost_at(history, day):
    return entry_at(history, day)[0]


def change(history, day, cost=None, price=None):
    """A change dated day: its entry carries what it sets and, for the rest, what was in
    force that day; a second entry on one day replaces the first; a change that changes
    nothing adds nothing."""
    c, p = entry_at(history, day)
    new = (c if cost is None else cost, p if price is None else price)
    if new != (c, p):
        history[day] = new


def check_against_model(ws, history, lines, today, what):
    got = {s["id"]: s for s in sales(ws)["sales"]}
    eq(sorted(got), sorted(lines), f"{what}: the sales")
    for sid, (day, qty) in lines.items():
        eq(got[sid]["cost"], qty * cost_at(history, day), f"{what}: sale {sid} of {day} x{qty}")
    total = sum(qty * cost_at(history, day) for day, qty in lines.values())
    d = dashboard(ws, "P1", "--as-of", "2026-12-31")
    eq(d["totals"]["cost"], total, f"{what}: the rollup's cost sum")
    eq(sum(r["cost"] for r in d["breakdowns"]["channel"]), total, f"{what}: by channel")
    by_day = {}
    for day, qty in lines.values():
        by_day[day] = by_day.get(day, 0) + qty * cost_at(history, day)
    week_costs = sum(w["cost"] for w in d["weeks"])
    eq(week_costs, total, f"{what}: the weeks")
    eq(ws.js("product", "show", "R")["cost"], cost_at(history, today), f"{what}: shown cost")


@test
def random_cost_changes_and_sales_match_a_model_of_the_history():
    """Random sequences of dated (and undated) cost and price changes, sales added, imported
    and moved, checked against the rule worked out here: every sale's cost, the rollups'
    cost sums (totals, channels, weeks) and the cost the product shows."""
    today = "2026-07-01"
    for seed in (3, 11):
        rng = random.Random(seed)
        ws = Workspace(today=today)
        setup(ws)
        days = [(date(2026, 1, 1) + timedelta(days=i)).isoformat() for i in range(0, 365, 9)]
        first = rng.choice(days + [None])
        c0 = rng.randint(100, 900)
        args = ["product", "add", "R", "--name", "R", "--cost", money(c0), "--price", "20.00"]
        if first:
            args += ["--effective", first]
        ws.ok(*args)
        history = {first or today: (c0, 2000)}
        lines = {}
        for step in range(36):
            op = rng.random()
            day = rng.choice(days)
            if op < 0.35 or not lines:
                qty = rng.randint(1, 9)
                s = add_sale(ws, day, f"客户{rng.randint(1, 5)}", "R", qty,
                             channel=rng.choice(["direct", "tmall"]))
                lines[s["id"]] = (day, qty)
            elif op < 0.5:
                rows = [(rng.choice(days), rng.randint(1, 9)) for _ in range(rng.randint(1, 4))]
                before = {s["id"] for s in sales(ws)["sales"]}
                text = HEADER + "\r\n" + "".join(
                    f"{d},客户{i},R,tmall,rita,{q},12.00,,,\r\n" for i, (d, q) in enumerate(rows))
                r = import_text(ws, text)
                eq(r.code, 0, f"import {r}")
                new = sorted(s["id"] for s in sales(ws)["sales"] if s["id"] not in before)
                for sid, row in zip(new, rows):
                    lines[sid] = row
            elif op < 0.62:
                sid = rng.choice(sorted(lines))
                ws.ok("sale", "update", "P1", sid, "--date", day)
                lines[sid] = (day, lines[sid][1])
            elif op < 0.9:
                cost = rng.randint(100, 900)
                args = ["product", "update", "R", "--cost", money(cost)]
                when = today
                if rng.random() < 0.75:
                    when = rng.choice(days + ["2025-12-01"])
                    args += ["--effective", when]
                ws.ok(*args)
                change(history, when, cost=cost)
            else:
                when = rng.choice(days)
                price = rng.randint(1000, 3000)
                ws.ok("product", "update", "R", "--price", money(price), "--effective", when)
                # a price change carries the cost in force that day: no cost moves now, but
                # its entry is there for the changes that come after
                change(history, when, price=price)
            if step % 12 == 11:
                check_against_model(ws, history, lines, today, f"seed {seed} step {step}")
        check_against_model(ws, history, lines, today, f"seed {seed} at the end")
        ws.ok("db", "check")


# --- segments -----------------------------------------------------------------------

def per_segment(d):
    return {r["code"]: (r["revenue"], r["lines"]) for r in d["breakdowns"]["segment"]}


@test
def a_sale_keeps_the_segment_it_was_made_in_and_export_round_trips_it():
    ws = Workspace(today="2026-12-31")
    setup(ws)
    ws.ok("project", "create", "P2", "--name", "P2", "--start", "2026-01-01", "--end",
          "2026-12-31")
    ws.ok("member", "add", "P2", "rita")
    ws.ok("product", "add", "S", "--name", "S", "--cost", "1.00", "--price", "2.00",
          "--effective", "2026-01-01")
    feb = add_sale(ws, "2026-02-01", "恒达", qty=3, price="100.00", segment="SMB", rep="rita")
    add_sale(ws, "2026-02-02", "星辰", qty=1, price="50.00", segment="ENT", rep="rita")
    ws.ok("customer", "update", "恒达", "--segment", "ENT")
    mar = add_sale(ws, "2026-03-01", "恒达", qty=2, price="100.00", rep="rita")
    eq(mar["segment"], "ENT", "a new sale takes the customer's segment now")
    eq(ws.js("sale", "show", "P1", feb["id"])["segment"], "SMB", "the February sale keeps SMB")
    want = {"SMB": (30000, 1), "ENT": (5000 + 20000, 2)}
    eq(per_segment(dashboard(ws)), want, "the dashboard by segment")
    ws.ok("sale", "export", "P1", "-o", ws.path("p1.csv"))
    rows = list(csv.DictReader(io.StringIO(ws.read("p1.csv"))))
    eq([(r["date"], r["customer"], r["segment"]) for r in rows],
       [("2026-02-01", "恒达", "SMB"), ("2026-02-02", "星辰", "ENT"),
        ("2026-03-01", "恒达", "ENT")], "the export writes each sale's own segment")
    # re-imported in the same workspace (the customers exist) ...
    r = ws.run("sale", "import", "P2", ws.path("p1.csv"))
    eq(r.code, 0, f"re-import {r}")
    eq(per_segment(dashboard(ws, "P2")), want, "the same per-segment sums in P2")
    # ... and in a fresh one (the customers are new)
    fresh = Workspace(today="2026-12-31")
    setup(fresh)
    fresh.ok("product", "add", "S", "--name", "S", "--cost", "1.00", "--price", "2.00",
             "--effective", "2026-01-01")
    eq(fresh.run("sale", "import", "P1", ws.path("p1.csv")).code, 0, "fresh import")
    eq(per_segment(dashboard(fresh)), want, "the same per-segment sums in a new workspace")
    eq(fresh.js("customer", "show", "恒达")["segment"], "SMB",
       "a new customer takes the segment of the row that creates it")
    ws.ok("db", "check")
    fresh.ok("db", "check")


# --- as of a day ---------------------------------------------------------------------

@test
def actuals_count_the_sales_up_to_the_as_of_day():
    ws = Workspace(today="2026-03-15")
    setup(ws)
    ws.ok("product", "add", "S", "--name", "S", "--cost", "10.00", "--price", "50.00",
          "--effective", "2026-01-01")
    for day, price in (("2026-03-10", "4000.00"), ("2026-04-10", "5000.00"),
                       ("2026-05-20", "6000.00")):
        add_sale(ws, day, price=price)
    gid = ws.js("goal", "add", "P1", "--metric", "revenue", "--target", "10000.00", "--start",
                "2026-04-01", "--due", "2026-06-30")["id"]
    g = {x["id"]: x for x in ws.js("goal", "list", "P1")["goals"]}[gid]
    eq((g["actual"], g["status"]), (0, "on_track"),
       "as of 2026-03-15 the Q2 goal has nothing yet (not 11,000.00, not achieved)")
    d = dashboard(ws)
    eq((d["as_of"], d["totals"]["revenue"]), ("2026-03-15", 400000), "today: no later sales")
    eq(sum(w["revenue"] for w in d["weeks"]), 400000, "nor in the weeks")
    eq(sum(r["revenue"] for r in d["breakdowns"]["product"]), 400000, "nor in the breakdowns")
    d = dashboard(ws, "P1", "--as-of", "2026-05-01")
    eq(d["totals"]["revenue"], 900000, "as of May 1st")
    g = [x for x in d["goals"] if x["id"] == gid][0]
    # 31 of 91 days: projected 500,000 x 91 / 31 = 1,467,741.9 -> 1,467,742 >= target
    eq((g["actual"], g["projected"], g["status"]), (500000, 1467742, "on_track"), "goal on May 1st")
    d = dashboard(ws, "P1", "--as-of", "2026-07-01")
    g = [x for x in d["goals"] if x["id"] == gid][0]
    eq((g["actual"], g["status"]), (1100000, "achieved"), "after the window")


# --- the project's dates -------------------------------------------------------------

@test
def sales_outside_the_project_are_refused_everywhere():
    ws = Workspace(today="2026-06-01")
    setup(ws)
    ws.ok("product", "add", "S", "--name", "S", "--cost", "1.00", "--price", "2.00")
    for day in ("2025-12-31", "2027-01-01"):
        r = ws.fail("sale", "add", "P1", "--date", day, "--customer", "A", "--product", "S",
                    "--channel", "direct", "--quantity", "1", "--price", "2.00", code=65)
        assert f"{day} is outside the project's dates (2026-01-01 to 2026-12-31)" in r.err, r.err
    s = add_sale(ws, "2026-12-31")
    r = ws.fail("sale", "update", "P1", s["id"], "--date", "2027-01-01", code=65)
    assert "outside the project's dates" in r.err, r.err
    eq(ws.js("sale", "show", "P1", s["id"])["date"], "2026-12-31", "the refused update changed nothing")
    text = (HEADER + "\r\n2026-01-01,A,S,direct,rita,1,2.00,,,\r\n"
            "2025-06-30,B,S,direct,rita,1,2.00,,,\r\n2026-05-05,C,S,direct,rita,1,2.00,,,\r\n"
            "2027-02-01,D,S,direct,rita,1,2.00,,,\r\n")
    r = import_text(ws, text)
    eq(r.code, 65, f"import {r}")
    e = __import__("json").loads(r.err)["error"]
    eq([(x["line"], x["column"], x["reason"], x["params"]) for x in e["rows"]],
       [(3, "date", "outside_project", {"date": "2025-06-30", "start": "2026-01-01",
                                        "end": "2026-12-31"}),
        (5, "date", "outside_project", {"date": "2027-02-01", "start": "2026-01-01",
                                        "end": "2026-12-31"})],
       "every row outside the project reported, with its dates")
    eq(sales(ws)["total"], 1, "nothing imported")


# --- ratios ---------------------------------------------------------------------------

@test
def one_rounding_rule_for_ratios():
    """Revenue 200.00 with cost 199.97: (3 / 20000) = 1.5 bp -> 2 bp everywhere."""
    ws = Workspace(today="2026-06-30")
    setup(ws)
    ws.ok("product", "add", "S", "--name", "S", "--cost", "199.97", "--price", "200.00",
          "--effective", "2026-01-01")
    add_sale(ws, "2026-06-01", price="200.00")
    gid = ws.js("goal", "add", "P1", "--metric", "gross_margin", "--target", "0.5", "--start",
                "2026-06-01", "--due", "2026-06-30")["id"]
    d = dashboard(ws)
    eq(bp(d["totals"]["gross_margin"]), 2, "dashboard")
    eq(bp(d["breakdowns"]["product"][0]["gross_margin"]), 2, "breakdown")
    eq(bp([g for g in d["goals"] if g["id"] == gid][0]["actual"]), 2, "goal")
    eq(bp(sales(ws)["totals"]["margin"]), 2, "sales list totals")
    out = ws.ok("dashboard", "P1").out
    assert "gross margin 0.0%" in out, out


@test
def a_negative_margin_reads_as_a_negative_percent_and_has_a_history():
    """A margin of -28.15% prints as -28.2% (it printed -28.-1%); the A check of a margin goal
    judges percentage points, so a negative history is a history."""
    ws = Workspace(today="2026-09-30")
    setup(ws)
    ws.ok("product", "add", "N", "--name", "N", "--cost", "128.15", "--price", "100.00",
          "--effective", "2026-01-01")
    # Q2 and Q3 history: margin (100.00 - 128.15) / 100.00 = -28.15% in each quarter
    for day in ("2026-04-10", "2026-05-10", "2026-07-10", "2026-08-10"):
        add_sale(ws, day, product="N", price="100.00")
    gid = ws.js("goal", "add", "P1", "--metric", "gross_margin", "--target", "0.05", "--start",
                "2026-07-01", "--due", "2026-09-30", "--rationale", "stop losing money")["id"]
    out = ws.ok("goal", "show", "P1", gid).out
    assert "actual:    -28.2%" in out, out
    g = {x["id"]: x for x in ws.js("goal", "list", "P1")["goals"]}[gid]
    eq(bp(g["actual"]), -2815, "the margin in basis points")
    a = g["smart"]["A"]
    assert "no sales history" not in a["message"], a
    # baseline: the quarter before (Apr-Jun) at -28.15%; target 5%: +33.15 points needed;
    # history has one quarter only before the start -> too short to compare
    eq(a["code"], "a.points_short", f"A of a margin goal: {a}")
    eq(a["params"]["need"], "+33.2", "points needed, rounded half away from zero")
    eq(a["params"]["baseline"], "-28.2%", "the baseline as a percent")


# --- limits ---------------------------------------------------------------------------

@test
def amounts_quantities_costs_and_targets_have_limits():
    ws = Workspace(today="2026-06-01")
    setup(ws)
    ws.ok("product", "add", "S", "--name", "S", "--cost", "0.00", "--price", "1.00")
    base = ["sale", "add", "P1", "--date", "2026-03-01", "--customer", "A", "--product", "S",
            "--channel", "direct"]
    r = ws.fail(*base, "--quantity", "1", "--price", "10000000000.01", code=65)
    assert "above the limit of 10,000,000,000.00" in r.err, r.err
    r = ws.fail(*base, "--quantity", "1000000001", "--price", "1.00", code=65)
    assert "above the limit of 1000000000" in r.err, r.err
    r = ws.fail(*base, "--quantity", "1000000", "--price", "10000000000.00", code=65)
    assert "above the limit of a line, 10,000,000,000,000.00" in r.err, r.err
    ws.fail("product", "add", "X", "--name", "X", "--cost", "10000000000.01", "--price", "1.00",
            code=65, contains="at most 10,000,000,000.00")
    ws.fail("product", "update", "S", "--price", "10000000000.01", code=65,
            contains="at most 10,000,000,000.00")
    ws.fail("goal", "add", "P1", "--metric", "revenue", "--target", "10000000000000000.01",
            "--start", "2026-01-01", "--due", "2026-03-31", code=65, contains="above the limit")
    ws.fail("goal", "add", "P1", "--metric", "units", "--target", "1000000000000000001",
            "--start", "2026-01-01", "--due", "2026-03-31", code=65, contains="above the limit")
    # four rows of 50,000,000,000,000,000.00 wrapped the rollup: now each is refused
    r = import_text(ws, HEADER + "\r\n" + "".join(
        f"2026-02-0{i},X,S,direct,rita,1,50000000000000000.00,,,\r\n" for i in range(1, 5)))
    e = __import__("json").loads(r.err)["error"]
    eq([(x["line"], x["column"], x["reason"]) for x in e["rows"]],
       [(n, "unit_price", "amount_limit") for n in range(2, 6)], "every row refused")
    eq(e["rows"][0]["params"], {"max": "10,000,000,000.00"}, "the limit as a parameter")
    # a cost change that would make a recorded line cost past the limit is refused
    add_sale(ws, "2026-03-01", qty=1000000, price="0.01")
    ws.fail("product", "update", "S", "--cost", "10000000000.00", code=65,
            contains="above the limit of a line")
    eq(sales(ws)["sales"][0]["cost"], 0, "the refused change re-costed nothing")
    ws.ok("db", "check")


@test
def the_workspace_total_is_bounded_so_no_sum_overflows():
    """1,000 lines of 10^15 (a line's limit) make 10^18, the limit of any total: one more
    cent is refused, and every view still answers."""
    ws = Workspace(today="2026-12-31")
    setup(ws)
    ws.ok("product", "add", "S", "--name", "S", "--cost", "0.00", "--price", "1.00")
    row = "2026-03-01,A,S,direct,rita,1000,10000000000.00,,,\r\n"
    r = import_text(ws, HEADER + "\r\n" + row * 1001)
    eq(r.code, 65, f"past the total {r}")
    assert "would total more than 10,000,000,000,000,000.00" in r.err, r.err
    eq(sales(ws)["total"], 0, "nothing imported")
    eq(import_text(ws, HEADER + "\r\n" + row * 1000).code, 0, "exactly the limit")
    r = ws.fail("sale", "add", "P1", "--date", "2026-03-02", "--customer", "B", "--product", "S",
                "--channel", "direct", "--quantity", "1", "--price", "0.01", code=65)
    assert "would total more than" in r.err, r.err
    d = dashboard(ws)
    eq(d["totals"]["revenue"], 10**18, "the dashboard sums without overflow")
    eq(sales(ws, "P1", "--limit", "1")["totals"]["amount"], 10**18, "the sales list too")
    gid = ws.js("goal", "add", "P1", "--metric", "revenue", "--target", "10000000000000000.00",
                "--start", "2026-01-01", "--due", "2026-12-31")["id"]
    eq({x["id"]: x for x in ws.js("goal", "list", "P1")["goals"]}[gid]["actual"], 10**18, "goals")
    # a deletion is always allowed, and makes room again
    sid = sales(ws, "P1", "--limit", "1")["sales"][0]["id"]
    ws.ok("sale", "delete", "P1", sid)
    add_sale(ws, "2026-03-02", "B", price="0.01")
    ws.ok("db", "check")


@test
def db_check_compares_every_rollup_row_with_the_sales():
    ws = Workspace(today="2026-12-31")
    setup(ws)
    ws.ok("product", "add", "S", "--name", "S", "--cost", "3.00", "--price", "9.00")
    for i in range(6):
        add_sale(ws, f"2026-0{i + 1}-05", f"C{i % 2}", qty=i + 1, price="9.00",
                 channel=["direct", "tmall"][i % 2])
    out = ws.ok("db", "check").out
    assert "sales and rollups ok" in out, out
    ws.sql("UPDATE sale_rollup SET amount_minor = amount_minor + 1 WHERE dim = 'channel' "
           "AND day = (SELECT MIN(day) FROM sale_rollup WHERE dim = 'channel')")
    r = ws.fail("db", "check", code=65)
    assert "rollup project 1 channel" in r.err and "the sales give" in r.err, r.err
    ws.sql("UPDATE sale_rollup SET amount_minor = amount_minor - 1 WHERE dim = 'channel' "
           "AND day = (SELECT MIN(day) FROM sale_rollup WHERE dim = 'channel')")
    # a customer's all-time sums live in its 'all' activity row (034-customer-totals.sql)
    ws.sql("UPDATE customer_activity SET lines = 0, quantity = 0, amount_minor = 0, "
           "cost_minor = 0, discount_minor = 0 WHERE dim = 'all'")
    ws.sql("UPDATE sales SET cost_minor = cost_minor + 1 WHERE id = 2")
    r = ws.fail("db", "check", code=65)
    assert "sale 2: cost 601, but its product's price history gives 600" in r.err, r.err
    assert "rollup project 1 customer" in r.err and "stored lines 0" in r.err, r.err
    assert "the sales give lines 3" in r.err, r.err


@test
def db_check_names_a_sale_whose_customer_or_product_is_gone():
    """Whichever backend keeps a sale's references (SQLite's foreign keys; on PostgreSQL
    salespm itself, 020-pg-sales-references.sql), a sale naming a customer or product that
    is not there is reported by `db check` with the sale's id."""
    ws = Workspace(today="2026-12-31")
    setup(ws)
    ws.ok("product", "add", "S", "--name", "S", "--cost", "3.00", "--price", "9.00")
    add_sale(ws, "2026-03-05", "C0", qty=1, price="9.00")
    add_sale(ws, "2026-03-06", "C1", qty=2, price="9.00")
    ws.ok("db", "check")
    (sid,), = ws.sql("SELECT MAX(id) FROM sales")
    (missing,), = ws.sql("SELECT MAX(id) + 100 FROM customers")
    if harness.BACKEND == "sqlite":
        # SQLite's foreign keys refuse the row itself
        try:
            ws.sql("UPDATE sales SET customer_id = ? WHERE id = ?", missing, sid)
        except Exception as e:
            assert "FOREIGN KEY" in str(e), e
        else:
            raise AssertionError("SQLite let a sale name a customer that is not there")
        return
    ws.sql("UPDATE sales SET customer_id = ? WHERE id = ?", missing, sid)
    r = ws.fail("db", "check", code=65)
    assert f"sale {sid}: its customer {missing} is not there" in r.err, r.err
    (pid,), = ws.sql("SELECT MAX(id) + 100 FROM products")
    ws.sql("UPDATE sales SET customer_id = (SELECT MIN(id) FROM customers), product_id = ? "
           "WHERE id = ?", pid, sid)
    r = ws.fail("db", "check", code=65)
    assert f"sale {sid}: its product {pid} is not there" in r.err, r.err


# --- CSV: encodings, separators, empty rows, every problem ----------------------------

GB_ROWS = [("2026-02-01", "华东贸易有限公司", "1", "12.50"), ("2026-02-02", "北京星辰", "2", "3.00")]


def gb_csv(sep=",", eol="\r\n"):
    lines = [sep.join(HEADER.split(","))]
    for d, c, q, p in GB_ROWS:
        lines.append(sep.join([d, c, "S", "direct", "rita", q, p, "", "", "SMB"]))
    return eol.join(lines) + eol


@test
def a_gb18030_file_imports_and_says_so():
    ws = Workspace(today="2026-06-01")
    setup(ws)
    ws.ok("product", "add", "S", "--name", "S", "--cost", "1.00", "--price", "2.00")
    p = ws.write("gb.csv", gb_csv().encode("gb18030"), "wb")
    r = ws.ok("sale", "import", "P1", p)
    assert "imported 2 rows" in r.out and "read as GB18030" in r.out, r.out
    got = sorted((s["date"], s["customer"], s["quantity"], s["unit_price"])
                 for s in sales(ws)["sales"])
    eq(got, sorted((d, c, int(q), cents(p)) for d, c, q, p in GB_ROWS), "the Chinese names read")
    r = ws.js("sale", "import", "P1", ws.write("gb2.csv", gb_csv().encode("gb18030"), "wb"),
              "--dry-run")
    eq(r["encoding"], "GB18030", "--json says the encoding")
    r = ws.js("sale", "import", "P1", ws.write("u.csv", "\ufeff" + gb_csv()), "--dry-run")
    eq(r["encoding"], "UTF-8", "UTF-8 with a byte order mark")
    # bad GB18030 too: a lone lead byte
    r = import_text(ws, b"date,customer\r\n2026-01-01,\xfe\r\n", name="bad.csv", mode="wb")
    eq(r.code, 65, f"neither {r}")
    eq(__import__("json").loads(r.err)["error"]["reason"], "csv_encoding_unknown", "reason")


@test
def semicolon_and_tab_files_and_excel_empty_rows():
    ws = Workspace(today="2026-06-01")
    setup(ws)
    ws.ok("product", "add", "S", "--name", "S", "--cost", "1.00", "--price", "2.00")
    for sep, name in ((";", "semi.csv"), ("\t", "tab.tsv")):
        text = gb_csv(sep)
        # Excel's empty rows: every cell empty
        text += sep * 9 + "\r\n" + sep * 9 + "\r\n"
        r = ws.js("sale", "import", "P1", ws.write(name, text), "--dry-run")
        eq((r["rows"], r["encoding"]), (2, "UTF-8"), f"separated by {sep!r}")
    r = ws.run("sale", "import", "P1", ws.write("pipe.csv", gb_csv("|")))
    eq(r.code, 65, f"pipes {r}")
    assert 'the header seems separated by "|"' in r.err, r.err
    r = import_text(ws, gb_csv("\uff0c"), name="wide.csv")
    e = __import__("json").loads(r.err)["error"]
    eq((e["reason"], e["params"]), ("csv_delimiter", {"delimiter": "\uff0c"}),
       "a full-width comma is named")
    text = gb_csv() + ",,,,,,,,,\r\n,,,,,,,,,\r\n" + "2026-02-03,X,S,direct,rita,1,1.00,,,\r\n"
    r = ws.js("sale", "import", "P1", ws.write("holes.csv", text))
    eq((r["imported"], r["rows"]), (3, 3), "empty rows skipped, not counted, not refused")


@test
def every_problem_of_a_bad_row_is_printed():
    """A row with three problems reports three (line, column, reason); the text output lists
    each of them."""
    ws = Workspace(today="2026-06-01")
    setup(ws)
    ws.ok("product", "add", "S", "--name", "S", "--cost", "1.00", "--price", "2.00")
    text = (HEADER + "\r\n2026-02-01,A,S,direct,rita,1,2.00,,,\r\n"
            "2026-02-30,B,NOPE,direct,rita,-3,2.00,,,\r\n"
            "2026-02-02,C,S,nowhere,ghost,1,12,5,,,\r\n"
            "2026-02-03,D,S,direct,rita,1,2.00,9.00,NOPROMO,XL\r\n")
    r = ws.run("sale", "import", "P1", ws.write("bad.csv", text))
    eq(r.code, 65, f"{r}")
    for want in ("line 3, column date:", "line 3, column product:", "line 3, column quantity:",
                 "line 4, column file: 11 fields where the header has 10",
                 "line 5, column discount:", "line 5, column promotion:",
                 "line 5, column segment:"):
        assert want in r.err, f"{want!r} not in\n{r.err}"
    assert "3 bad rows; nothing was imported" in r.err, r.err
    r = import_text(ws, text, name="bad2.csv")
    e = __import__("json").loads(r.err)["error"]
    eq(sorted((x["line"], x["column"], x["reason"]) for x in e["rows"] if x["line"] == 3),
       [(3, "date", "not_calendar_date"), (3, "product", "no_product"),
        (3, "quantity", "not_positive")], "three problems of line 3")
    eq(e["bad_rows"], 3, "three bad rows")
    text2 = (HEADER + "\r\n2026-02-01,,,,ghost,0,x,,,\r\n")
    e = __import__("json").loads(import_text(ws, text2, name="bad3.csv").err)["error"]
    eq(sorted(x["column"] for x in e["rows"]),
       sorted(["customer", "product", "channel", "rep", "quantity", "unit_price"]),
       "one problem per bad cell")


# --- the sales list: customer search, filters on export, totals -----------------------

NAMES = ["北京星辰科技有限公司", "上海北京路店", "Acme Corp", "ACME-2", "100% Natural", "a_b",
         "axb", "Beta"]


@test
def customer_search_filters_export_and_totals():
    ws = Workspace(today="2026-12-31")
    setup(ws)
    ws.ok("product", "add", "S", "--name", "S", "--cost", "2.00", "--price", "9.00")
    ws.ok("product", "add", "T", "--name", "T", "--cost", "1.00", "--price", "9.00")
    rng = random.Random(5)
    made = []
    for i in range(40):
        row = {"date": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
               "customer": rng.choice(NAMES), "product": rng.choice("ST"),
               "channel": rng.choice(["direct", "tmall"]), "rep": rng.choice(["rita", "rob"]),
               "quantity": rng.randint(1, 5), "price": rng.randint(100, 5000)}
        made.append(row)
        add_sale(ws, row["date"], row["customer"], row["product"], row["quantity"],
                 money(row["price"]), channel=row["channel"], rep=row["rep"])

    def expect(pred):
        rows = [r for r in made if pred(r)]
        amount = sum(r["quantity"] * r["price"] for r in rows)
        cost = sum(r["quantity"] * (200 if r["product"] == "S" else 100) for r in rows)
        return rows, {"lines": len(rows), "quantity": sum(r["quantity"] for r in rows),
                      "amount": amount, "cost": cost, "gross_profit": amount - cost,
                      "margin": (div_round((amount - cost) * 10000, amount) / 10000
                                 if amount else None)}

    cases = [
        (["--customer", "北京"], lambda r: "北京" in r["customer"]),
        (["--customer", "acme"], lambda r: r["customer"].lower().startswith("acme")),
        (["--customer", "%"], lambda r: r["customer"] == "100% Natural"),
        (["--customer", "_"], lambda r: r["customer"] == "a_b"),
        (["--customer", "a", "--channel", "tmall", "--rep", "rob"],
         lambda r: "a" in r["customer"].lower() and r["channel"] == "tmall" and r["rep"] == "rob"),
        (["--product", "T", "--from", "2026-03-01", "--to", "2026-09-30"],
         lambda r: r["product"] == "T" and "2026-03-01" <= r["date"] <= "2026-09-30"),
        ([], lambda r: True),
    ]
    for args, pred in cases:
        rows, totals = expect(pred)
        got = sales(ws, "P1", *args, "--limit", "2")
        eq(got["total"], len(rows), f"{args}: matching rows")
        eq(got["totals"], totals, f"{args}: totals over every matching row, not the page")
        ws.ok("sale", "export", "P1", *args, "-o", ws.path("x.csv"))
        exported = list(csv.DictReader(io.StringIO(ws.read("x.csv"))))
        eq(sorted((e["date"], e["customer"], int(e["quantity"]), cents(e["unit_price"]))
                  for e in exported),
           sorted((r["date"], r["customer"], r["quantity"], r["price"]) for r in rows),
           f"{args}: the export holds exactly the listed rows")
    out = ws.ok("sale", "list", "P1", "--customer", "北京").out
    rows, totals = expect(lambda r: "北京" in r["customer"])
    assert f"total of {len(rows)} lines" in out, out


if __name__ == "__main__":
    run_all()
