"""test_evaluation.py - a project's evaluation report from the command line (step 7):
`salespm report evaluation P --json` and `report compare P Q`, every figure checked against
values the test works out itself (tests/lib/evaluation_model.py) from the rows it wrote.

The project P1 runs 2026-01-01 to 2026-02-28; today is 2026-03-10. It sells through two
channels (direct 10%, raised to 12% by an adjustment; ecom 20%), two products (W1 cost 60,
its price cut from 100 to 90 on 2026-01-31; G1 cost 30 price 50), to two segments planned at
60% and 40%, with a 10% promotion on W1 from 2026-02-01 to 02-14 (so its baseline is
01-18..01-31). Four goals (revenue, units, new customers, gross margin), the revenue goal's
quota split 60/40 over rep and rep2; deals won and lost on known days (each won deal's line
is a sale on its won day); activities done and planned; ratings naming a member; problems
resolved within the critical SLA (4h) and past it.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403
from evaluation_model import (Sale, add_days, channel_rows, close, half_away,  # noqa: E402
                              price_row, promotion_row, ratio_bp, sums, team_rows)

TODAY = "2026-03-10"
START, END = "2026-01-01", "2026-02-28"
UNIT_COST = {"W1": 6000, "G1": 3000}
SEGMENT = {"C1": "smb", "C2": "smb", "C3": "smb", "C4": "ent", "C5": "ent", "C6": "ent"}
PROMO = ("SPR", "2026-02-01", "2026-02-14")
PRICE_CHANGE = "2026-01-31"


def w1_price(on):
    return 10000 if on < PRICE_CHANGE else 9000


def imported_sales():
    """The CSV's lines: every third day of the project, a deterministic mix."""
    out = []
    x = 7
    d = START
    i = 0
    while d <= END:
        x = (x * 1103515245 + 12345) % 2147483648
        cust = "C%d" % (1 + x % 6)
        sku = "W1" if x % 3 else "G1"
        channel = "direct" if (x >> 3) % 2 else "ecom"
        rep = "rep" if (x >> 5) % 3 else "rep2"
        qty = 1 + (x >> 7) % 4
        price = w1_price(d) if sku == "W1" else 5000
        promo, disc = None, 0
        if sku == "W1" and PROMO[1] <= d <= PROMO[2] and i % 2 == 0:
            promo, disc = "SPR", qty * price // 10
        out.append(Sale(d, cust, sku, channel, rep, qty, price, disc, promo, SEGMENT[cust],
                        UNIT_COST[sku]))
        d = add_days(d, 2 + (i % 2))
        i += 1
    return out


# (title, owner, customer, created, won or None, lost or None, line sku, qty, price, channel)
DEALS = [
    ("D1", "rep", "C1", "2026-01-05", "2026-01-20", None, "W1", 2, 10000, "direct"),
    ("D2", "rep", "C4", "2026-01-10", "2026-02-09", None, "G1", 4, 5000, "ecom"),
    ("D3", "rep", "C2", "2026-01-12", None, "2026-02-01", None, 0, 0, "direct"),
    ("D4", "rep2", "C5", "2026-01-15", None, "2026-01-25", None, 0, 0, "direct"),
    ("D5", "rep2", "C3", "2026-02-01", "2026-02-11", None, "W1", 1, 9000, "direct"),
    # recorded three days after it was won: its cycle counts no days, not minus three
    ("D6", "rep2", "C3", "2026-02-15", "2026-02-12", None, "W1", 1, 9000, "direct"),
]
# (member, day, status)
ACTIVITIES = [("rep", "2026-01-05", "done"), ("rep", "2026-01-06", "done"),
              ("rep", "2026-02-01", "done"), ("rep", "2026-02-20", "planned"),
              ("rep2", "2026-01-07", "done"), ("rep2", "2026-02-02", "done")]
# (member, rating or None, day)
RATINGS = [("rep", 5, "2026-01-21"), ("rep", 4, "2026-02-10"), ("rep2", 3, "2026-02-12")]
GOALS = [("revenue", "30000.00", 3000000), ("units", "100", 100),
         ("new_customers", "5", 5), ("gross_margin", "35%", 3500)]


def with_today(ws, today, fn):
    old = ws.env.get("SALESPM_TODAY")
    ws.env["SALESPM_TODAY"] = today
    try:
        return fn()
    finally:
        ws.env["SALESPM_TODAY"] = old


def with_now(ws, now, fn):
    ws.env["SALESPM_NOW"] = now
    try:
        return fn()
    finally:
        ws.env.pop("SALESPM_NOW", None)


def build():
    """The project as the docstring says; returns (ws, facts) with what the model needs."""
    ws = Workspace(today=TODAY)
    ws.write("pw", "user-secret-1\n")
    for login, name, role in (("mgr", "李经理", "manager"), ("rep", "王芳", "rep"),
                              ("rep2", "赵磊", "rep"), ("vw", "高总", "viewer"),
                              ("out", "局外人", "rep")):
        ws.ok("user", "add", login, "--name", name, "--role", role, "--password-file",
              ws.path("pw"))
    ws.ok("project", "create", "P1", "--name", "一季度推进", "--start", START, "--end", END,
          "--status", "active")
    ws.ok("project", "create", "P2", "--name", "上季度推进", "--start", "2025-10-01",
          "--end", "2025-12-31", "--status", "active")
    for login, prole in (("mgr", "manager"), ("rep", "member"), ("rep2", "member"),
                         ("vw", "viewer")):
        ws.ok("member", "add", "P1", login, "--role", prole)
    ws.ok("member", "add", "P2", "rep", "--role", "member")
    ws.ok("channel", "add", "direct", "--name", "直销", "--type", "direct", "--cost-rate", "10")
    ws.ok("channel", "add", "ecom", "--name", "电商", "--type", "ecommerce", "--cost-rate", "20")
    ws.ok("product", "add", "W1", "--name", "手表", "--cost", "60", "--price", "100",
          "--effective", "2025-12-01")
    ws.ok("product", "update", "W1", "--price", "90", "--effective", PRICE_CHANGE,
          "--reason", "竞品降价")
    ws.ok("product", "add", "G1", "--name", "礼盒", "--cost", "30", "--price", "50",
          "--effective", "2025-12-01")
    ws.ok("segment", "add", "smb", "--name", "中小企业")
    ws.ok("segment", "add", "ent", "--name", "大型企业")
    ws.ok("target_market", "add", "P1", "--segment", "smb", "--share", "60")
    ws.ok("target_market", "add", "P1", "--segment", "ent", "--share", "40")
    ws.ok("promotion", "add", "SPR", "--name", "春季九折", "--kind", "percent", "--value", "10",
          "--start", PROMO[1], "--end", PROMO[2], "--budget", "500", "--products", "W1")
    ws.ok("project_promotion", "add", "P1", "--promotion", "SPR")
    sales = imported_sales()
    lines = ["date,customer,product,channel,rep,quantity,unit_price,discount,promotion,segment"]
    for s in sales:
        lines.append(f"{s.on},{s.customer},{s.sku},{s.channel},{s.rep},{s.qty},"
                     f"{s.price / 100:.2f},{s.discount / 100:.2f},{s.promotion or ''},"
                     f"{s.segment}")
    ws.write("sales.csv", "\n".join(lines) + "\n")
    ws.ok("sale", "import", "P1", ws.path("sales.csv"))
    # P2: two sales of its own (compare)
    ws.write("p2.csv", "date,customer,product,channel,rep,quantity,unit_price\n"
             "2025-10-02,C1,W1,direct,rep,3,100.00\n2025-10-03,C7,G1,ecom,rep,2,50.00\n")
    ws.ok("sale", "import", "P2", ws.path("p2.csv"))
    p2_sales = [Sale("2025-10-02", "C1", "W1", "direct", "rep", 3, 10000, unit_cost=6000),
                Sale("2025-10-03", "C7", "G1", "ecom", "rep", 2, 5000, unit_cost=3000)]
    goal_ids = {}
    for metric, target, _ in GOALS:
        g = ws.js("goal", "add", "P1", "--metric", metric, "--target", target, "--start", START,
                  "--due", END, "--name", metric)
        goal_ids[metric] = g["id"]
    ws.ok("quota", "split", "P1", "--goal", goal_ids["revenue"], "rep=18000.00",
          "rep2=12000.00")
    # deals on their days; a won deal's line becomes a sale on its won day
    deals = []
    for (title, owner, cust, created, won, lost, sku, qty, price, channel) in DEALS:
        d = with_today(ws, created, lambda: ws.js(
            "deal", "add", "P1", "--title", title, "--customer", cust, "--owner", owner,
            "--channel", channel, "--segment", SEGMENT[cust], "--amount", "100"))
        if won:
            ws.ok("deal", "lines", "P1", d["id"], "--line", f"{sku}:{qty}:{price / 100:.2f}")
            ws.ok("deal", "move", "P1", d["id"], "won", "--won-on", won)
            sales.append(Sale(won, cust, sku, channel, owner, qty, price, 0, None,
                              SEGMENT[cust], UNIT_COST[sku]))
        if lost:
            with_today(ws, lost, lambda: ws.ok("deal", "move", "P1", d["id"], "lost",
                                               "--reason", "价格"))
        deals.append(dict(owner=owner, created=created, won=won, lost=lost))
    customers = {c["name"]: c["id"] for c in ws.js("customer", "list")["customers"]}
    for (who, on, status) in ACTIVITIES:
        ws.ok("activity", "add", "P1", "--kind", "visit", "--date", on, "--member", who,
              "--customer", customers["C1"], "--phase", "pre_sale", "--status", status)
    for (who, rating, on) in RATINGS:
        ws.ok("feedback", "add", "P1", "--date", on, "--customer", customers["C2"],
              "--rating", rating, "--category", "service", "--member", who)
    ws.ok("feedback", "add", "P1", "--date", "2026-02-10", "--customer", customers["C2"],
          "--nps", "9", "--category", "product", "--member", "rep")  # no rating: not counted
    # problems: critical, 4 hours to resolve
    problems = []
    for owner, opened, resolved in (("rep", "2026-01-10T02:00:00Z", "2026-01-10T03:00:00Z"),
                                    ("rep", "2026-01-11T02:00:00Z", "2026-01-11T08:00:00Z"),
                                    ("rep2", "2026-01-12T02:00:00Z", None)):
        p = with_now(ws, opened, lambda: ws.js(
            "problem", "add", "P1", "--type", "product", "--severity", "critical",
            "--title", "断货", "--owner", owner, "--customer", customers["C3"]))
        if resolved:
            with_now(ws, resolved, lambda: ws.ok("problem", "resolve", "P1", p["id"],
                                                 "--resolution", "补货"))
        problems.append(dict(owner=owner, due=p["due_at"], resolved=resolved))
    ws.js("adjust", "P1", "--kind", "channel", "--record", "direct", "--set", "cost_rate=12",
          "--reason", "佣金上调", as_="mgr")
    return ws, dict(sales=sales, deals=deals, problems=problems, p2_sales=p2_sales)


_built = None


def project():
    """One build shared by the read-only tests (each builds in a second or two)."""
    global _built
    if _built is None:
        _built = build()
    return _built


def new_customers(f, frm, to):
    """Customers whose first purchase anywhere (P2's sales too) falls in [frm, to]."""
    first = {}
    for s in f["sales"] + f["p2_sales"]:
        first[s.customer] = min(first.get(s.customer, s.on), s.on)
    return sum(1 for d in first.values() if frm <= d <= to)


def report(ws, *args, as_="admin"):
    return ws.js("report", "evaluation", "P1", *args, as_=as_)


@test
def head_and_totals():
    ws, f = project()
    ev = report(ws)
    sales = f["sales"]
    eq(ev["project"]["code"], "P1")
    eq(ev["project"]["currency"], "CNY")
    eq((ev["project"]["start"], ev["project"]["end"]), (START, END))
    eq(ev["project"]["closed_at"], None)
    eq(ev["interim"], True, "an active project's report is interim")
    eq(ev["as_of"], TODAY)
    rev, cogs, units, _ = sums(sales)
    t = ev["totals"]
    eq((t["revenue"], t["margin"], t["units"]), (rev, rev - cogs, units))
    eq((t["deals_won"], t["deals_lost"]), (4, 2))
    assert close(t["win_rate"], 4 / 6), t
    eq(t["new_customers"], new_customers(f, START, TODAY))
    assert 0 < t["new_customers"] < len({s.customer for s in sales}), "C1 first bought in P2"
    eq(t["goals"], 4)


@test
def goal_attainment():
    ws, f = project()
    ev = report(ws)
    sales = f["sales"]
    rev, cogs, units, _ = sums(sales)
    actual = {"revenue": rev, "units": units, "new_customers": new_customers(f, START, END),
              "gross_margin": ratio_bp(rev - cogs, rev)}
    by = {g["metric"]: g for g in ev["goals"]}
    met = 0
    for metric, _, target in GOALS:
        g = by[metric]
        want = actual[metric]
        if metric == "gross_margin":
            assert close(g["target"], target / 10000) and close(g["actual"], want / 10000), g
        else:
            eq((g["target"], g["actual"]), (target, want), metric)
        assert close(g["attainment"], want / target), (metric, g)
        eq(g["met"], want >= target, metric)
        eq(g["due"], END)
        met += want >= target
    eq(ev["totals"]["goals_met"], met)


@test
def channels():
    ws, f = project()
    ev = report(ws)
    want = channel_rows(f["sales"], TODAY, {"direct": 1200, "ecom": 2000})
    got = {c["code"]: c for c in ev["channels"]}
    eq(sorted(got), ["direct", "ecom"])
    for code, (rev, margin, cost, roi) in want.items():
        c = got[code]
        eq((c["revenue"], c["margin"], c["cost"]), (rev, margin, cost), code)
        assert close(c["roi"], roi), (code, c, roi)
    assert close(got["direct"]["cost_rate"], 0.12), "the rate in force after the adjustment"


@test
def promotion_lift_and_roi():
    ws, f = project()
    ev = report(ws)
    want = promotion_row(f["sales"], "SPR", PROMO[1], PROMO[2], START, END, TODAY, {"W1"})
    p = {x["code"]: x for x in ev["promotions"]}["SPR"]
    eq((p["from"], p["to"], p["days"]), (PROMO[1], PROMO[2], 14))
    eq((p["revenue"], p["discount"], p["budget"]), (want["revenue"], want["discount"], 50000))
    assert want["discount"] > 0 and want["baseline_daily"] > 0, "the data gives a lift to test"
    eq((p["promo_daily"], p["baseline_daily"]), (want["promo_daily"], want["baseline_daily"]))
    assert close(p["lift"], want["lift"]), (p, want)
    assert close(p["roi"], want["roi"]), (p, want)


@test
def price_change_windows():
    ws, f = project()
    ev = report(ws)
    got = [x for x in ev["prices"] if x["sku"] == "W1"]
    eq(len(got), 1, "the one change inside the project")
    x = got[0]
    eq((x["changed_on"], x["before_price"], x["after_price"]), (PRICE_CHANGE, 10000, 9000))
    want = price_row(f["sales"], "W1", PRICE_CHANGE, START, END, TODAY)
    eq(want["window_days"], 28)
    for k, v in want.items():
        eq(x[k], v, k)
    eq([x for x in ev["prices"] if x["sku"] == "G1"], [], "G1's first price is no change")


@test
def segments_planned_against_actual():
    ws, f = project()
    ev = report(ws)
    rev = sums(f["sales"])[0]
    got = {s["code"]: s for s in ev["segments"]}
    for code, planned in (("smb", 0.6), ("ent", 0.4)):
        r = sums(f["sales"], lambda s: s.segment == code)[0]
        eq(got[code]["revenue"], r, code)
        assert close(got[code]["planned_share"], planned), got[code]
        assert close(got[code]["actual_share"], r / rev), got[code]


@test
def team_performance():
    ws, f = project()
    ev = report(ws)
    want = team_rows(f["sales"], f["deals"], ACTIVITIES, [(w, r, on) for (w, r, on) in RATINGS],
                     f["problems"], TODAY, ["rep", "rep2"])
    got = {m["login"]: m for m in ev["team"]}
    eq(sorted(got), ["admin", "mgr", "rep", "rep2"], "members and managers, not the viewer")
    eq(want["rep"]["cycle_days"], (15 + 30) / 2)
    eq(want["rep2"]["cycle_days"], 10.0,
       "D6, recorded after it was won, has no cycle: the mean is over D5 alone")
    eq((want["rep"]["problems_resolved"], want["rep"]["problems_in_sla"]), (2, 1))
    for login, quota in (("rep", 1800000), ("rep2", 1200000)):
        m, w = got[login], want[login]
        eq(m["quota"], quota, login)
        assert close(m["attainment"], w["revenue"] / quota), (login, m)
        for k in ("revenue", "deals_won", "deals_lost", "activities", "ratings",
                  "problems_resolved", "problems_in_sla"):
            eq(m[k], w[k], f"{login} {k}")
        for k in ("win_rate", "in_sla_rate"):
            assert close(m[k], w[k]), (login, k, m[k], w[k])
        assert close(m["cycle_days"], w["cycle_days"], 0.051), (login, m["cycle_days"])
        assert close(m["rating"], w["rating"], 0.0051), (login, m["rating"])
    eq(got["mgr"]["quota"], None, "no quota line")
    eq(got["mgr"]["attainment"], None)


@test
def edges_of_the_project():
    """The windows near the project's edges, by the issue's wording: a promotion on the
    project's first day has no baseline (no lift, no ROI); one starting 5 days in has a
    baseline of the 5 days inside the project, per day; a price change 9 days before the end,
    read 10 days after the end (interim), counts 9 days after it, not the days past the end."""
    ws, f = build()
    sales = list(f["sales"])
    for code, start, end in (("EARLY", "2026-01-01", "2026-01-10"),
                             ("WEEK", "2026-01-06", "2026-01-15")):
        ws.ok("promotion", "add", code, "--name", code, "--kind", "percent", "--value", "10",
              "--start", start, "--end", end, "--budget", "100", "--products", "W1")
        ws.ok("project_promotion", "add", "P1", "--promotion", code)
    extra = [Sale("2026-01-02", "C2", "W1", "direct", "rep", 2, 10000, 2000, "EARLY", "smb",
                  6000),
             Sale("2026-01-07", "C5", "W1", "ecom", "rep2", 3, 10000, 3000, "WEEK", "ent",
                  6000)]
    lines = ["date,customer,product,channel,rep,quantity,unit_price,discount,promotion,segment"]
    for x in extra:
        lines.append(f"{x.on},{x.customer},{x.sku},{x.channel},{x.rep},{x.qty},"
                     f"{x.price / 100:.2f},{x.discount / 100:.2f},{x.promotion},{x.segment}")
    ws.write("extra.csv", "\n".join(lines) + "\n")
    ws.ok("sale", "import", "P1", ws.path("extra.csv"))
    sales += extra
    ws.ok("product", "update", "G1", "--price", "45", "--effective", "2026-02-20",
          "--reason", "清库存")
    ev = report(ws)
    eq(ev["as_of"], TODAY)
    got = {x["code"]: x for x in ev["promotions"]}
    early = promotion_row(sales, "EARLY", "2026-01-01", "2026-01-10", START, END, TODAY, {"W1"})
    eq((early["covered"], early["lift"], early["roi"]), (0, None, None), "the model: no baseline")
    p = got["EARLY"]
    eq((p["days"], p["baseline_daily"], p["promo_daily"]), (10, 0, early["promo_daily"]))
    eq((p["lift"], p["roi"]), (None, None), "no baseline day inside the project")
    eq((p["revenue"], p["discount"]), (early["revenue"], early["discount"]))
    week = promotion_row(sales, "WEEK", "2026-01-06", "2026-01-15", START, END, TODAY, {"W1"})
    eq(week["covered"], 5, "01-01..01-05 of the 10 days before it")
    before = sums(sales, lambda s: s.sku == "W1" and "2026-01-01" <= s.on <= "2026-01-05")[0]
    assert before > 0, "W1 sold in the project's first 5 days: a baseline to test"
    eq(week["baseline_daily"], half_away(before, 5))
    p = got["WEEK"]
    eq((p["days"], p["baseline_daily"], p["promo_daily"]),
       (10, week["baseline_daily"], week["promo_daily"]))
    assert close(p["lift"], week["lift"]) and close(p["roi"], week["roi"]), (p, week)
    g1 = [x for x in ev["prices"] if x["sku"] == "G1"]
    eq(len(g1), 1)
    want = price_row(sales, "G1", "2026-02-20", START, END, TODAY)
    eq(want["window_days"], 9, "02-20..02-28: the project ends, its sales with it")
    for k, v in want.items():
        eq(g1[0][k], v, k)


@test
def adjustments_listed():
    ws, _ = project()
    ev = report(ws)
    eq(len(ev["adjustments"]), 1)
    a = ev["adjustments"][0]
    eq((a["kind"], a["record"], a["field"], a["reason"], a["by"]),
       ("channel", "direct", "cost_rate", "佣金上调", "mgr"))
    assert a["before"].startswith("10") and a["after"].startswith("12"), a


@test
def as_of_an_earlier_day():
    """As of 2026-01-31: only what was sold, won and lost by then; the promotion has not
    started (its figures come from the sales up to the day, not the all-time rollup)."""
    ws, f = project()
    day = "2026-01-31"
    ev = report(ws, "--as-of", day)
    eq(ev["as_of"], day)
    eq(ev["interim"], True)
    rev, cogs, units, _ = sums(f["sales"], lambda s: s.on <= day)
    eq((ev["totals"]["revenue"], ev["totals"]["margin"], ev["totals"]["units"]),
       (rev, rev - cogs, units))
    eq((ev["totals"]["deals_won"], ev["totals"]["deals_lost"]), (1, 1))
    p = {x["code"]: x for x in ev["promotions"]}["SPR"]
    eq((p["revenue"], p["discount"], p["days"], p["lift"]), (0, 0, 0, None))
    want = channel_rows(f["sales"], day, {"direct": 1200, "ecom": 2000})
    for c in ev["channels"]:
        eq(c["revenue"], want[c["code"]][0], c["code"])
    x = [x for x in ev["prices"] if x["sku"] == "W1"][0]
    eq(x["window_days"], 1, "one day from the change to the as-of day")


@test
def permissions_and_teamwork_visibility():
    ws, _ = project()
    for who in ("mgr", "rep", "vw"):
        ev = report(ws, as_=who)
        eq(ev["project"]["code"], "P1", who)
    r = ws.run("report", "evaluation", "P1", as_="out", json_out=True)
    assert r.code != 0 and "not_found" in r.err, r
    mine = {m["login"]: m for m in report(ws, as_="rep")["team"]}
    eq(mine["rep2"]["reviews"], None, "a member sees no other member's reviews")
    eq(mine["rep2"]["teamwork"], None)
    eq(mine["rep"]["reviews"], 0 if not reviews_table(ws) else mine["rep"]["reviews"])
    full = {m["login"]: m for m in report(ws, as_="mgr")["team"]}
    assert all(isinstance(m["reviews"], int) for m in full.values()), full


def reviews_table(ws):
    return bool(ws.sql("SELECT version FROM schema_migrations WHERE version = 32"))


@test
def teamwork_from_peer_reviews():
    """Peer reviews come with migration 032 (project closing): skipped ONLY while this tree
    does not have that migration."""
    ws, f = build()
    if not reviews_table(ws):
        print("  (skipped: no project_reviews table before migration 032 is merged)")
        return
    ws.ok("review", "add", "P1", "--reviewee", "rep", "--teamwork", "4", as_="rep2")
    ws.ok("review", "add", "P1", "--reviewee", "rep", "--teamwork", "5", as_="mgr")
    ws.ok("review", "add", "P1", "--reviewee", "rep2", "--teamwork", "2", as_="rep")
    full = {m["login"]: m for m in report(ws, as_="mgr")["team"]}
    eq((full["rep"]["teamwork"], full["rep"]["reviews"]), (4.5, 2))
    eq((full["rep2"]["teamwork"], full["rep2"]["reviews"]), (2.0, 1))
    # a fourth and fifth review of rep: 4 + 5 + 4 + 4 = 17 over 4 reviews, 4.25, which the
    # reviews screen's one rounding (half up, tenths) shows as 4.3
    ws.ok("user", "add", "rep3", "--name", "孙强", "--role", "rep", "--password-file",
          ws.path("pw"))
    ws.ok("member", "add", "P1", "rep3", "--role", "member")
    ws.ok("review", "add", "P1", "--reviewee", "rep", "--teamwork", "4", as_="rep3")
    ws.ok("review", "add", "P1", "--reviewee", "rep", "--teamwork", "4", as_="admin")
    full = {m["login"]: m for m in report(ws, as_="mgr")["team"]}
    eq((full["rep"]["teamwork"], full["rep"]["reviews"]), (4.3, 4))
    listed = {m["login"]: m for m in ws.js("review", "list", "P1", as_="mgr")["summary"]}
    eq(listed["rep"]["teamwork"], 4.3, "review list: the same figure")
    for fmt in ("csv", "html", "xlsx"):
        out = ws.path("tw." + fmt)
        r = ws.run("report", "evaluation", "P1", "--format", fmt, "--lang", "en", "-o", out,
                   as_="mgr")
        if r.code != 0:
            assert "not built in" in r.err or "unavailable" in r.err, r
            continue
        if fmt == "xlsx":
            import subprocess
            py = ("import sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1])\n"
                  "for ws in wb.worksheets:\n"
                  "    for row in ws.iter_rows(values_only=True):\n"
                  "        if row and '王芳' in row: print(repr(row))\n")
            rows = subprocess.run(["/usr/bin/python3", "-c", py, out], capture_output=True,
                                  text=True, check=True).stdout
            assert "4.3" in rows and "4.25" not in rows, rows + "|"
            continue
        with open(out, encoding="utf-8-sig") as fh:
            body = fh.read()
        if fmt == "csv":
            # the service table's row of rep (王芳): teamwork is its last column
            line = body.split("Service and teamwork")[1].split("\n\n")[0].splitlines()
            eq([x.split(",")[-1] for x in line if x.startswith("王芳,")], ["4.3"], line)
        else:
            assert ">4.3<" in body and ">4.2<" not in body, fmt
    mine = {m["login"]: m for m in report(ws, as_="rep")["team"]}
    eq((mine["rep"]["teamwork"], mine["rep"]["reviews"]), (4.3, 4))
    eq((mine["rep2"]["teamwork"], mine["rep2"]["reviews"]), (None, None))
    ws.ok("lesson", "add", "P1", "--kind", "went_well", "--text", "渠道组合有效", as_="rep")
    ls = report(ws)["lessons"]
    eq([(x["kind"], x["text"], x["by"]) for x in ls], [("went_well", "渠道组合有效", "rep")])


@test
def closed_project_is_final():
    ws, f = build()
    # closed after its end (when closing records the moment: migration 032)
    with_now(ws, "2026-03-09T02:00:00Z", lambda: ws.ok("project", "update", "P1", "--status",
                                                       "closed"))
    ev = report(ws, "--as-of", "2026-01-15")
    eq(ev["interim"], False)
    eq(ev["as_of"], END, "a closed project is evaluated as of its end, whatever is asked")
    rev = sums(f["sales"], lambda s: s.on <= END)[0]
    eq(ev["totals"]["revenue"], rev)
    p = {x["code"]: x for x in ev["promotions"]}["SPR"]
    want = promotion_row(f["sales"], "SPR", PROMO[1], PROMO[2], START, END, END, {"W1"})
    eq((p["revenue"], p["discount"]), (want["revenue"], want["discount"]),
       "the promotion rollup once the day is past the project's end")


@test
def closed_on_a_day_before_its_end():
    """Closing (migration 032) records when: the report is as of that day when it comes before
    the project's end. Skipped ONLY while this tree does not have that migration."""
    ws, f = build()
    if not reviews_table(ws):
        print("  (skipped: no project close before migration 032 is merged)")
        return
    with_now(ws, "2026-02-20T04:00:00Z", lambda: ws.ok("project", "close", "P1", "--note", "提前结项"))
    ev = report(ws, "--as-of", "2026-01-15")
    eq((ev["interim"], ev["as_of"]), (False, "2026-02-20"))
    eq(ev["project"]["closed_at"], "2026-02-20T04:00:00Z")
    eq(ev["totals"]["revenue"], sums(f["sales"], lambda s: s.on <= "2026-02-20")[0])


@test
def quota_and_after_close_adjustments():
    """A quota adjustment is listed per member moved (the report and `adjust list`); a closed
    project's report lists the adjustments made after it closed too, marked, and the
    document says so."""
    ws, f = build()
    gid = [g for g in ws.js("goal", "list", "P1")["goals"] if g["metric"] == "revenue"][0]["id"]
    ws.ok("adjust", "P1", "--kind", "quota", "--record", gid, "--set", "rep=19000.00",
          "--set", "rep2=11000.00", "--reason", "区域调整", as_="mgr")
    ev = report(ws)
    q = [(a["field"], a["before"], a["after"], a["reason"], a["after_close"])
         for a in ev["adjustments"] if a["kind"] == "quota"]
    eq(q, [("rep", "18000.00", "19000.00", "区域调整", False),
           ("rep2", "12000.00", "11000.00", "区域调整", False)])
    text = ws.ok("adjust", "list", "P1", "--kind", "quota").out
    assert "quota of rep 18000.00 -> 19000.00" in text and "quota of rep2" in text, text
    # closed now (build's adjustments were made at the real clock too), corrected later
    ws.ok("project", "close", "P1")
    with_now(ws, "2099-01-10T02:00:00Z", lambda: ws.ok(
        "adjust", "P1", "--kind", "quota", "--record", gid, "--set", "rep=20000.00",
        "--set", "rep2=10000.00", "--reason", "结项后更正", as_="mgr"))
    ev = report(ws)
    eq(ev["as_of"], END)
    late = [a for a in ev["adjustments"] if a["reason"] == "结项后更正"]
    eq([(a["field"], a["before"], a["after"], a["after_close"]) for a in late],
       [("rep", "19000.00", "20000.00", True), ("rep2", "11000.00", "10000.00", True)],
       "made after closing: listed and marked")
    eq([a["after_close"] for a in ev["adjustments"] if a["reason"] != "结项后更正"],
       [False] * (len(ev["adjustments"]) - 2))
    reopen = [a for a in ev["adjustments"] if a["kind"] == "project"]
    eq(reopen, [], "closing itself is no adjustment")
    team = {m["login"]: m for m in ev["team"]}
    eq(team["rep"]["quota"], 2000000, "the quota as it is now, its adjustment listed with it")
    csv_path = ws.path("ev.csv")
    r = ws.run("report", "evaluation", "P1", "--format", "csv", "--lang", "en", "-o", csv_path)
    if r.code == 0:
        with open(csv_path, encoding="utf-8-sig") as fh:
            body = fh.read()
        assert "Quota (after closing)" in body and "quota of rep2" in body, body[-1500:]


@test
def closing_freezes_workspace_terms():
    """Closing freezes the figures that come from workspace-level terms: after the close, a
    channel's cost rate, a promotion's budget and dates, and a back-dated price change are
    made through the ordinary routes, and the closed report does not move; reopened, it
    reads them as they are now."""
    ws, f = build()
    ws.ok("project", "close", "P1", "--note", "结项")
    frozen = report(ws)
    want_ch = channel_rows(f["sales"], END, {"direct": 1200, "ecom": 2000})
    got = {c["code"]: c for c in frozen["channels"]}
    eq(got["direct"]["cost"], want_ch["direct"][2])
    ws.ok("channel", "update", "direct", "--cost-rate", "15")
    ws.ok("promotion", "update", "SPR", "--budget", "900", "--start", "2026-02-03")
    ws.ok("product", "update", "W1", "--price", "85", "--effective", "2026-02-10",
          "--reason", "补录调价")
    assert ws.sql("SELECT 1 FROM price_history h JOIN products p ON p.id = h.product_id "
                  "WHERE p.sku = 'W1' AND h.effective_on = "
                  "(SELECT effective_on FROM price_history ORDER BY effective_on DESC LIMIT 1)")
    after = report(ws)
    for k in ("channels", "promotions", "prices", "totals"):
        eq(after[k], frozen[k], k + ": the terms it closed with")
    eq({c["code"]: c["cost_rate"] for c in after["channels"]}, {"direct": 0.12, "ecom": 0.2})
    p = {x["code"]: x for x in after["promotions"]}["SPR"]
    eq((p["budget"], p["from"]), (50000, PROMO[1]))
    eq([x["changed_on"] for x in after["prices"]], [PRICE_CHANGE])
    ws.ok("project", "reopen", "P1", "--reason", "补录")
    # the reopening in the document's words (zh-CN: the screens' 已结束 -> 进行中), not codes
    out = ws.path("reopen.csv")
    if ws.run("report", "evaluation", "P1", "--format", "csv", "-o", out).code == 0:
        with open(out, encoding="utf-8-sig") as fh:
            rows = [x for x in fh.read().splitlines() if ",补录," in x]
        eq([x.split(",")[4:6] for x in rows], [["已结束", "进行中"]], rows)
    live = report(ws)
    eq(live["interim"], True)
    got = {c["code"]: c for c in live["channels"]}
    assert close(got["direct"]["cost_rate"], 0.15), got["direct"]
    eq(got["direct"]["cost"], half_away(want_ch["direct"][0] * 1500, 10000))
    p = {x["code"]: x for x in live["promotions"]}["SPR"]
    eq((p["budget"], p["from"]), (90000, "2026-02-03"))
    eq([(x["changed_on"], x["before_price"], x["after_price"]) for x in live["prices"]
        if x["sku"] == "W1"], [(PRICE_CHANGE, 10000, 9000), ("2026-02-10", 9000, 8500)])
    eq(ws.sql("SELECT COUNT(*) FROM project_closed_terms"), [(0,)], "a reopen drops them")
    ws.ok("project", "close", "P1")
    again = report(ws)
    eq({c["code"]: c["cost_rate"] for c in again["channels"]}, {"direct": 0.15, "ecom": 0.2},
       "closed again: the terms of the new close")


@test
def compare_two_projects():
    ws, f = project()
    c = ws.js("report", "compare", "P1", "P2")
    a, b = c["projects"]
    eq((a["project"]["code"], b["project"]["code"]), ("P1", "P2"))
    ra, rb = sums(f["sales"])[0], sums(f["p2_sales"])[0]
    eq(c["difference"]["revenue"], rb - ra)
    ch = {x["code"]: x for x in c["channels"]}
    for code in ("direct", "ecom"):
        want = [sums(f["sales"], lambda s: s.channel == code)[0],
                sums(f["p2_sales"], lambda s: s.channel == code)[0]]
        eq(ch[code]["revenue"], want, code)
        eq(ch[code]["difference"], want[1] - want[0], code)
    # each side's own day in its heading: P1 interim as of today, P2 (closed) as of its end
    ws.ok("project", "close", "P2")
    out = ws.path("cmp.csv")
    r = ws.run("report", "compare", "P1", "P2", "--format", "csv", "--lang", "en", "-o", out)
    if r.code == 0:
        with open(out, encoding="utf-8-sig") as fh:
            body = fh.read()
        import csv
        head = [x for x in csv.reader(body.splitlines()) if x and x[0] == "Figure"]
        eq(head, [["Figure", "一季度推进 (as of 2026-03-10)",
                   "上季度推进 (as of 2025-12-31, closed)", "Difference"]], body[:600])
        assert "still running; figures as of 2026-03-10" in body, "the running side's day"
    ws.ok("project", "reopen", "P2", "--reason", "继续比较")


@test
def bad_options_are_refused():
    ws, _ = project()
    r = ws.run("report", "evaluation", "P1", "--format", "docx", json_out=True)
    assert r.code == 65 and '"field":"format"' in r.err.replace(" ", ""), r
    r = ws.run("report", "evaluation", "P1", "--lang", "fr", json_out=True)
    assert r.code == 65 and '"field":"lang"' in r.err.replace(" ", ""), r
    r = ws.run("report", "evaluation", "P1", "--as-of", "2026-02-30", json_out=True)
    assert r.code == 65 and "as-of" in r.err, r
    r = ws.run("report", "evaluation", "NOPE", json_out=True)
    assert r.code != 0 and "not_found" in r.err, r


@test
def json_to_a_file():
    ws, _ = project()
    out = ws.path("ev.json")
    ws.ok("report", "evaluation", "P1", "--format", "json", "-o", out)
    with open(out, encoding="utf-8") as fh:
        ev = json.load(fh)
    eq(ev["project"]["code"], "P1")
    # the goals table: each row's unit beside target and actual (money, count or ratio)
    r = ws.run("report", "evaluation", "P1", "--format", "csv", "--lang", "en", "-o",
               ws.path("goals.csv"))
    if r.code == 0:
        with open(ws.path("goals.csv"), encoding="utf-8-sig") as fh:
            table = fh.read().split("\nGoal attainment\n")[1].split("\n\n")[0].splitlines()
        eq(table[0].split(",")[:5], ["Name", "Metric", "Unit", "Target", "Actual"])
        eq({x.split(",")[0]: x.split(",")[2:5] for x in table[1:]},
           {"revenue": ["CNY", "30000.00", f"{ev['goals'][0]['actual'] / 100:.2f}"],
            "units": ["count", "100", str(ev["goals"][1]["actual"])],
            "new_customers": ["count", "5", str(ev["goals"][2]["actual"])],
            "gross_margin": ["ratio", "0.35", "%g" % ev["goals"][3]["actual"]]})
    # a drawn format: the file, or (before the renderers merge) a clear refusal, no file
    r = ws.run("report", "evaluation", "P1", "--format", "csv", "-o", ws.path("ev.csv"))
    if r.code != 0:
        assert "not built in" in r.err, r
        assert not os.path.exists(ws.path("ev.csv"))
    else:
        assert os.path.getsize(ws.path("ev.csv")) > 0


@test
def a_failed_write_is_a_failure_not_bad_data():
    """Review 13 item 22: the output cannot be written (no such directory, a full device, a
    closed stdout): exit 1 (SPEC: failure), not 65 (bad data), and no file left behind."""
    ws, _ = project()
    missing = ws.path("no-such-dir/ev.json")
    for target in (missing, "/dev/full"):
        r = ws.run("report", "evaluation", "P1", "--format", "json", "-o", target,
                   json_out=True)
        eq(r.code, 1, f"writing {target}: {r}")
        e = json.loads(r.err.strip().splitlines()[-1])["error"]
        eq((e["field"], e["reason"]), ("output", "file_write"), f"writing {target}")
    assert not os.path.exists(os.path.dirname(missing))
    assert not [n for n in os.listdir(ws.dir) if ".partial-" in n], os.listdir(ws.dir)


if __name__ == "__main__":
    run_all()
