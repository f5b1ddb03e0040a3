"""test_strategy.py - a project's strategy from the command line: the plan (target markets with
their share of the revenue target, channels with share and budget, promotions) set by
`salespm strategy segment|channel|promotion|drop`, and `salespm strategy show` setting it
against what the sales brought.

Every figure is worked out by hand below from the sales the test records: revenue, margin,
shares of the project's revenue and of its target, channel cost (revenue x cost rate), a
promotion's discounts against its budget (spent in every project), products' prices and
their gap to a competitor's, the price changes of the project's window. Rates are basis
points rounded half away from zero, as everywhere.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403

TODAY = "2026-07-01"


def bp(num, den):
    """num / den in basis points, half away from zero (exact integers)."""
    q, r = divmod(abs(num) * 10000, den)
    q += 1 if 2 * r >= den else 0
    return q if num >= 0 else -q


def rate(num, den):
    return bp(num, den) / 10000


def setup(ws):
    """P1 (li.na manages it, wang.fang sells, gao views) and P2; the catalog; the sales."""
    ws.write("pw", "user-secret-1\n")
    for login, role in (("li.na", "manager"), ("wang.fang", "rep"), ("gao", "viewer"),
                        ("out", "rep")):
        ws.ok("user", "add", login, "--name", login, "--role", role, "--password-file", ws.path("pw"))
    ws.ok("project", "create", "P1", "--name", "华东冲刺", "--start", "2026-01-01", "--end",
          "2026-12-31", "--budget", "500.00")
    ws.ok("project", "create", "P2", "--name", "other", "--start", "2026-01-01", "--end", "2026-12-31")
    for login, prole in (("li.na", "manager"), ("wang.fang", "member"), ("gao", "viewer")):
        ws.ok("member", "add", "P1", login, "--role", prole)
    ws.ok("segment", "add", "ent", "--name", "大型企业", "--priority", "1", "--region", "华东",
          "--industry", "制造", "--company-size", "1000+")
    ws.ok("segment", "add", "smb", "--name", "中小企业", "--priority", "2")
    ws.ok("segment", "add", "gov", "--name", "政府", "--priority", "3")
    for code, rate_ in (("direct", "8"), ("tmall", "12"), ("retail", "20")):
        ws.ok("channel", "add", code, "--name", code, "--type", "direct", "--cost-rate", rate_)
    ws.ok("product", "add", "A", "--name", "产品 A", "--cost", "60.00", "--price", "100.00",
          "--competitor-price", "90.00", "--effective", "2025-12-01")
    ws.ok("product", "add", "B", "--name", "产品 B", "--cost", "30.00", "--price", "50.00",
          "--effective", "2025-12-01")
    ws.ok("promotion", "add", "P618", "--name", "618", "--kind", "percent", "--value", "15",
          "--budget", "30.00", "--channels", "tmall")
    ws.ok("promotion", "add", "PBULK", "--name", "bulk", "--kind", "amount", "--value", "10.00",
          "--budget", "1000.00")
    # the revenue target: the whole year's goal, not the scoped one nor the quarter's larger one
    ws.ok("goal", "add", "P1", "--metric", "revenue", "--target", "2000.00", "--start", "2026-01-01",
          "--due", "2026-12-31", "--name", "全年")
    ws.ok("goal", "add", "P1", "--metric", "revenue", "--target", "9999.00", "--start", "2026-01-01",
          "--due", "2026-03-31", "--name", "Q1")
    ws.ok("goal", "add", "P1", "--metric", "revenue", "--target", "5000.00", "--start", "2026-01-01",
          "--due", "2026-12-31", "--scope", "channel=direct")
    sales = [  # date, customer, product, channel, qty, price, discount, promotion, segment
        ("2026-02-01", "X", "A", "direct", 5, "100.00", "0", "", "ent"),
        ("2026-03-01", "Y", "B", "tmall", 10, "50.00", "75.00", "P618", "smb"),
        ("2026-04-01", "Z", "A", "retail", 2, "100.00", "0", "", "gov"),
        ("2026-05-01", "X", "B", "direct", 4, "50.00", "10.00", "PBULK", "ent"),
    ]
    for d, cust, sku, ch, q, price, disc, promo, seg in sales:
        args = ["sale", "add", "P1", "--date", d, "--customer", cust, "--product", sku, "--channel", ch,
                "--quantity", str(q), "--price", price, "--discount", disc, "--segment", seg]
        if promo:
            args += ["--promotion", promo]
        ws.ok(*args)
    # P618 in another project: its budget is spent there too
    ws.ok("sale", "add", "P2", "--date", "2026-06-10", "--customer", "W", "--product", "A",
          "--channel", "tmall", "--quantity", "1", "--price", "100.00", "--discount", "20.00",
          "--promotion", "P618")
    # a price change in the window
    ws.ok("product", "update", "A", "--price", "110.00", "--effective", "2026-06-01", "--reason", "涨价")


def plan(ws):
    ws.ok("strategy", "segment", "P1", "ent", "--share", "60", "--note", "续约为先", as_="li.na")
    ws.ok("strategy", "segment", "P1", "smb", "--share", "30", as_="li.na")
    ws.ok("strategy", "channel", "P1", "direct", "--share", "50", "--budget", "100.00", as_="li.na")
    ws.ok("strategy", "channel", "P1", "tmall", "--share", "30", "--budget", "10.00", as_="li.na")
    ws.ok("strategy", "promotion", "P1", "P618", "--note", "年中", as_="li.na")


def by(rows, key):
    return {r[key]: r for r in rows}


@test
def the_plan_against_the_sales_worked_out_by_hand():
    ws = Workspace(today=TODAY)
    setup(ws)
    plan(ws)
    s = ws.js("strategy", "show", "P1", as_="gao")
    # the sales of P1 (minor units): amounts 500, 425, 200, 190; costs 300, 300, 120, 120
    revenue, cost, discounts = 50000 + 42500 + 20000 + 19000, 30000 + 30000 + 12000 + 12000, 7500 + 1000
    eq(s["target"]["revenue"], 200000, "the target: the whole year's unscoped revenue goal")
    eq(s["target"]["name"], "全年", "named")
    t = s["totals"]
    eq((t["lines"], t["revenue"], t["cost"], t["margin"], t["discounts"]),
       (4, revenue, cost, revenue - cost, discounts), "totals")
    eq(t["margin_rate"], rate(revenue - cost, revenue), "margin rate")
    eq((t["segment_share_planned"], t["channel_share_planned"], t["channel_budget_planned"]),
       (0.9, 0.8, 11000), "what is planned")

    segs = by(s["segments"], "segment")
    eq([r["segment"] for r in s["segments"]], ["ent", "smb", "gov"], "planned or sold, by priority")
    ent, smb, gov = segs["ent"], segs["smb"], segs["gov"]
    eq((ent["planned"], ent["share"], ent["planned_revenue"], ent["revenue"]),
       (True, 0.6, 120000, 69000), "ent: 60% of 2000.00, sold 500 + 190")
    eq((ent["actual_share"], ent["attainment"]), (rate(69000, revenue), rate(69000, 120000)), "ent's rates")
    eq((ent["region"], ent["industry"], ent["company_size"]), ("华东", "制造", "1000+"), "criteria")
    eq((smb["planned_revenue"], smb["revenue"], smb["attainment"]), (60000, 42500, rate(42500, 60000)), "smb")
    eq((gov["planned"], gov["share"], gov["planned_revenue"], gov["revenue"], gov["actual_share"]),
       (False, None, None, 20000, rate(20000, revenue)), "gov: sold, not planned")

    chs = by(s["channels"], "channel")
    d, tm, rt = chs["direct"], chs["tmall"], chs["retail"]
    eq((d["planned_revenue"], d["revenue"], d["channel_cost"], d["budget"], d["budget_left"], d["over_budget"]),
       (100000, 69000, 5520, 10000, 10000 - 5520, False), "direct: 8% of 690.00 within 100.00")
    eq((tm["revenue"], tm["channel_cost"], tm["budget_left"], tm["over_budget"]),
       (42500, 5100, 1000 - 5100, True), "tmall: 12% of 425.00 past its 10.00")
    eq((rt["planned"], rt["channel_cost"], rt["budget_left"], rt["over_budget"]),
       (False, 4000, None, False), "retail: not planned, 20% of 200.00")
    eq(t["channel_cost"], 5520 + 5100 + 4000, "channel cost in all")

    prs = by(s["promotions"], "promotion")
    p618, bulk = prs["P618"], prs["PBULK"]
    eq((p618["planned"], p618["lines"], p618["revenue"], p618["discounts"], p618["spent"],
        p618["budget"], p618["budget_left"], p618["over_budget"]),
       (True, 1, 42500, 7500, 7500 + 2000, 3000, 3000 - 9500, True),
       "P618: 75.00 here and 20.00 in P2 against 30.00")
    eq((bulk["planned"], bulk["discounts"], bulk["spent"], bulk["budget_left"], bulk["over_budget"]),
       (False, 1000, 1000, 100000 - 1000, False), "PBULK: used, not planned")
    eq(t["promotion_cost"], 8500, "promotion cost in all")
    # the catalog flags it too
    eq([(p["code"], p["spent"], p["over_budget"]) for p in ws.js("promotion", "list")["promotions"]],
       [("P618", 9500, True), ("PBULK", 1000, False)], "the promotions' spending, every project")

    eq([p["sku"] for p in s["products"]], ["A", "B"], "by revenue")
    a, b = s["products"]
    eq((a["revenue"], a["cost"], a["price"], a["unit_cost"], a["competitor_price"]),
       (70000, 42000, 11000, 6000, 9000), "A: today's price since 2026-06-01")
    eq((a["list_margin"], a["competitor_gap"], a["margin_rate"]),
       (rate(5000, 11000), rate(2000, 9000), rate(28000, 70000)), "A's rates")
    eq((b["competitor_price"], b["competitor_gap"], b["margin_rate"]),
       (None, None, rate(61500 - 42000, 61500)), "B: no competitor known")
    eq([(x["sku"], x["effective"], x["price"], x["old_price"], x["reason"]) for x in s["prices"]],
       [("A", "2026-06-01", 11000, 10000, "涨价")], "the window's price change")


@test
def the_table_says_the_same():
    ws = Workspace(today=TODAY)
    setup(ws)
    plan(ws)
    out = ws.ok("strategy", "show", "P1").out
    assert "revenue target: 2,000.00 (goal 1 全年)" in out, out
    lines = {ln.split()[0]: ln for ln in out.splitlines() if ln.strip()}
    assert "60.0%" in lines["ent"] and "1,200.00" in lines["ent"] and "690.00" in lines["ent"], lines["ent"]
    assert "OVER" in lines["tmall"] and "-41.00" in lines["tmall"], lines["tmall"]
    assert "OVER" in lines["P618"] and "-65.00" in lines["P618"], lines["P618"]
    assert "(none)" not in out, "every sale names a segment"


@test
def plan_lines_are_changed_dropped_versioned_and_audited():
    ws = Workspace(today=TODAY)
    setup(ws)
    plan(ws)
    changed = ws.js("strategy", "segment", "P1", "ent", "--share", "55", as_="li.na")
    eq((changed["segment"], changed["share"], changed["version"], changed["note"]),
       ("ent", 0.55, 2, "续约为先"), "a second call changes the line, its note kept")
    eq([(x["segment"], x["segment_name"], x["share"]) for x in ws.js("target_market", "list", "P1")["segments"]],
       [("ent", "大型企业", 0.55), ("smb", "中小企业", 0.3)], "the generic list, by priority")
    ws.ok("strategy", "drop", "P1", "channel", "tmall", as_="li.na")
    eq([x["channel"] for x in ws.js("channel_plan", "list", "P1")["channels"]], ["direct"], "dropped")
    eq(ws.sql("SELECT action FROM audit WHERE entity = 'target_market' ORDER BY id"),
       [("create",), ("create",), ("update",)], "audited")
    eq(ws.sql("SELECT action FROM audit WHERE entity = 'channel_plan' ORDER BY id"),
       [("create",), ("create",), ("delete",)], "audited")
    r = ws.fail("strategy", "drop", "P1", "channel", "tmall", json_out=True)
    e = json.loads(r.err.strip().splitlines()[-1])["error"]
    eq((e["reason"], e["params"]), ("not_planned", {"code": "tmall", "project": "P1"}), "not there")
    # a planned segment, channel or promotion cannot be deleted from the catalog
    r = ws.fail("segment", "delete", "ent", json_out=True)
    eq(json.loads(r.err.strip().splitlines()[-1])["error"]["reason"], "in_use", "in use by a plan")
    # deleting the project takes its plan with it (a project without sales)
    ws.ok("project", "create", "P3", "--name", "p3", "--start", "2026-01-01", "--end", "2026-12-31")
    ws.ok("strategy", "segment", "P3", "gov", "--share", "10")
    ws.ok("project", "delete", "P3")
    eq(ws.sql("SELECT COUNT(*) FROM project_segments"), [(2,)], "P3's line went with it")


@test
def the_rules_refuse_with_what_and_where_and_change_nothing():
    ws = Workspace(today=TODAY)
    setup(ws)
    plan(ws)
    before = ws.sql("SELECT * FROM project_segments ORDER BY id"), ws.sql("SELECT * FROM project_channels ORDER BY id")
    ws.refusals(["strategy", "segment", "P1"], [
        (["gov", "--share", "11"], "share", "share_over", {"sum": "101", "left": "10"}),
        (["ent", "--share", "70.5"], "share", "share_over", {"sum": "100.5", "left": "70"}),
        (["ent", "--share", "101"], "share", None),
        (["nope", "--share", "1"], "segment", "no_ref"),
        (["ent", "--budget", "1"], "budget", "usage"),
    ], as_="li.na")
    ws.refusals(["strategy", "channel", "P1"], [
        # the project's budget is 500.00: 110.00 planned, 390.00 left
        (["retail", "--budget", "390.01"], "budget", "budget_over",
         {"sum": "500.01", "budget": "500.00", "left": "390.00"}),
        (["retail", "--share", "20.01"], "share", "share_over", {"sum": "100.01", "left": "20"}),
    ], as_="li.na")
    # through the generic command, a second line for a planned channel
    ws.refusals(["channel_plan", "add", "P1"], [
        (["--channel", "direct"], "channel", "already_planned", {"code": "direct", "project": "P1"}),
    ], as_="li.na")
    ws.ok("strategy", "channel", "P1", "retail", "--budget", "390.00", as_="li.na")  # exactly the budget
    ws.ok("strategy", "drop", "P1", "channel", "retail", as_="li.na")
    eq((ws.sql("SELECT * FROM project_segments ORDER BY id"),
        [r[:-2] for r in ws.sql("SELECT * FROM project_channels ORDER BY id")]),
       (before[0], [r[:-2] for r in before[1]]), "the refusals changed nothing")
    # a promotion's scope names what exists
    ws.refusals(["promotion", "update", "P618"], [
        (["--channels", "tmall, nowhere"], "channels", "no_channel", {"code": "nowhere"}),
        (["--products", "A, ZZ"], "products", "no_product", {"sku": "ZZ"}),
        (["--segments", "xx"], "segments", "no_segment", {"code": "xx"}),
    ])
    u = ws.js("promotion", "update", "P618", "--channels", " tmall ,direct,tmall", "--products", "A")
    eq((u["channels"], u["products"], u["segments"]), ("tmall, direct", "A", ""), "trimmed, each once")


@test
def a_sale_names_a_promotion_on_its_days_and_within_its_scope():
    ws = Workspace(today=TODAY)
    setup(ws)
    ws.ok("promotion", "add", "JUNE", "--name", "六月", "--kind", "percent", "--value", "10",
          "--start", "2026-06-01", "--end", "2026-06-30", "--products", "A", "--channels", "direct, tmall",
          "--segments", "smb, gov")
    before = ws.sql("SELECT COUNT(*) FROM sales")
    base = ["--customer", "Y", "--quantity", "1", "--price", "10.00", "--promotion", "JUNE"]
    ws.refusals(["sale", "add", "P1"], [
        (["--date", "2026-05-31", "--product", "A", "--channel", "direct", *base], "promotion",
         "promotion_dates", {"code": "JUNE", "date": "2026-05-31", "start": "2026-06-01", "end": "2026-06-30"}),
        (["--date", "2026-07-01", "--product", "A", "--channel", "direct", *base], "promotion", "promotion_dates"),
        (["--date", "2026-06-10", "--product", "B", "--channel", "direct", *base], "promotion",
         "promotion_product", {"code": "JUNE", "sku": "B", "scope": "A"}),
        (["--date", "2026-06-10", "--product", "A", "--channel", "retail", *base], "promotion",
         "promotion_channel", {"code": "JUNE", "channel": "retail", "scope": "direct, tmall"}),
        # Y is a customer of smb; X of ent (named by their first sales)
        (["--date", "2026-06-10", "--product", "A", "--channel", "direct", "--segment", "ent", *base],
         "promotion", "promotion_segment", {"code": "JUNE", "scope": "smb, gov"}),
    ])
    r = ws.fail("sale", "add", "P1", "--date", "2026-06-10", "--product", "A", "--channel", "direct",
                "--customer", "X", "--quantity", "1", "--price", "10.00", "--promotion", "JUNE", json_out=True)
    eq(json.loads(r.err.strip().splitlines()[-1])["error"]["reason"], "promotion_segment",
       "X's own segment (ent) is out of scope")
    eq(ws.sql("SELECT COUNT(*) FROM sales"), before, "nothing written")
    # in its days and scope: the first and last day, Y's segment smb
    for d in ("2026-06-01", "2026-06-30"):
        ws.ok("sale", "add", "P1", "--date", d, "--product", "A", "--channel", "tmall", *base)
    # an import is all or nothing, every bad row reported
    ws.write("j.csv", "date,customer,product,channel,rep,quantity,unit_price,promotion\n"
             "2026-06-02,Y,A,direct,admin,1,10.00,JUNE\n"
             "2026-08-02,Y,A,direct,admin,1,10.00,JUNE\n"
             "2026-06-03,Y,B,direct,admin,1,10.00,JUNE\n")
    r = ws.fail("sale", "import", "P1", ws.path("j.csv"))
    assert "line 3" in r.err and "line 4" in r.err and "line 2" not in r.err, r.err
    eq(ws.sql("SELECT COUNT(*) FROM sales")[0][0], before[0][0] + 2, "the import wrote nothing")


@test
def who_reads_and_who_plans():
    ws = Workspace(today=TODAY)
    setup(ws)
    plan(ws)
    for who in ("li.na", "wang.fang", "gao", "admin"):
        eq(ws.js("strategy", "show", "P1", as_=who)["totals"]["revenue"], 131500, f"{who} reads")
    r = ws.fail("strategy", "show", "P1", as_="out", json_out=True)
    eq(json.loads(r.err.strip().splitlines()[-1])["error"]["code"], "not_found", "off the project")
    for who in ("wang.fang", "gao"):
        r = ws.fail("strategy", "segment", "P1", "gov", "--share", "5", as_=who, json_out=True)
        eq(json.loads(r.err.strip().splitlines()[-1])["error"]["code"], "forbidden", f"{who} may not plan")
    eq(ws.sql("SELECT COUNT(*) FROM project_segments"), [(2,)], "nothing added")


@test
def a_project_without_a_target_or_sales():
    ws = Workspace(today=TODAY)
    setup(ws)
    s = ws.js("strategy", "show", "P2")
    eq(s["target"], None, "no revenue goal")
    eq([(c["channel"], c["planned_revenue"], c["attainment"]) for c in s["channels"]],
       [("tmall", None, None)], "nothing planned: no planned revenue")
    ws.ok("project", "create", "P4", "--name", "empty", "--start", "2026-01-01", "--end", "2026-12-31")
    ws.ok("strategy", "segment", "P4", "smb", "--share", "25")
    s = ws.js("strategy", "show", "P4")
    eq((s["totals"]["revenue"], s["totals"]["margin_rate"], s["products"], s["promotions"]),
       (0, None, [], []), "no sales")
    eq([(x["segment"], x["share"], x["revenue"], x["actual_share"]) for x in s["segments"]],
       [("smb", 0.25, 0, None)], "planned, nothing sold")
    assert "none yet" in ws.ok("strategy", "show", "P4").out


@test
def the_rollup_keeps_discounts_and_promotions_and_db_check_agrees():
    ws = Workspace(today=TODAY)
    setup(ws)
    eq(ws.sql("SELECT key_id, lines, amount_minor, discount_minor FROM sale_rollup "
              "WHERE dim = 'promotion' AND project_id = (SELECT id FROM projects WHERE code = 'P1') "
              "ORDER BY key_id"),
       [(ws.sql("SELECT id FROM promotions WHERE code = 'P618'")[0][0], 1, 42500, 7500),
        (ws.sql("SELECT id FROM promotions WHERE code = 'PBULK'")[0][0], 1, 19000, 1000)], "per promotion")
    ws.ok("db", "check")
    # a sale's promotion changed and one deleted: the sums follow
    sid = ws.sql("SELECT id FROM sales WHERE discount_minor = 1000")[0][0]
    ws.ok("promotion", "update", "P618", "--channels", "")  # P618 for every channel now
    ws.ok("sale", "update", "P1", str(sid), "--promotion", "P618")
    ws.ok("db", "check")
    sid2 = ws.sql("SELECT id FROM sales WHERE discount_minor = 7500")[0][0]
    ws.ok("sale", "delete", "P1", str(sid2))
    ws.ok("db", "check")
    s = ws.js("strategy", "show", "P1")
    eq([(p["promotion"], p["discounts"], p["spent"]) for p in s["promotions"]], [("P618", 1000, 3000)],
       "P618 now has the 10.00 line here and 20.00 in P2")
    # a drifted discount is found
    ws.sql("UPDATE sale_rollup SET discount_minor = discount_minor + 1 WHERE dim = 'promotion'")
    r = ws.fail("db", "check")
    assert "discount" in r.err, r.err


if __name__ == "__main__":
    run_all()
