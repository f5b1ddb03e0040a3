"""test_goals.py - SMART goals from the command line: every metric computed from
imported sales, scopes, status thresholds, the SMART lint letter by letter,
revisions and check-ins.

Expected values are computed here by plain Python from the CSV rows the test
generates (money in integer cents, ratios in basis points, rounding done with
integers), never copied from the program's output. "Today" is fixed with
SALESPM_TODAY (Workspace(today=...)).
"""
import os
import random
import sys
from datetime import date, timedelta

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403

HEADER = ["date", "customer", "product", "channel", "rep", "quantity", "unit_price", "discount",
          "promotion", "segment"]


def cents(major):
    major = major.strip()
    neg = major.startswith("-")
    if neg:
        major = major[1:]
    whole, _, frac = major.partition(".")
    v = int(whole or "0") * 100 + int((frac + "00")[:2])
    return -v if neg else v


def money(c):
    """cents -> '1234.56' for CLI options and CSV cells."""
    return f"{c // 100}.{c % 100:02d}"


def div_round(a, b):
    """a / b rounded to the nearest integer, halves away from zero (b > 0), in integers."""
    q = (2 * abs(a) + b) // (2 * b)
    return q if a >= 0 else -q


def d(s):
    return date.fromisoformat(s)


def csv_cell(v):
    if any(ch in v for ch in ',"\r\n'):
        return '"' + v.replace('"', '""') + '"'
    return v


def make_csv(rows, cols=HEADER):
    return "\r\n".join([",".join(cols)] + [",".join(csv_cell(str(r.get(c, ""))) for c in cols)
                                            for r in rows]) + "\r\n"


def import_rows(ws, project, rows, name="s.csv"):
    ws.write(name, make_csv(rows))
    r = ws.js("sale", "import", project, ws.path(name))
    eq(r["imported"], len(rows), f"rows imported into {project}")


def base_setup(ws, objective="grow east China", start="2026-01-01", end="2026-12-31"):
    for login, role in (("mona", "manager"), ("rita", "rep"), ("rob", "rep"), ("vic", "viewer")):
        ws.ok("user", "add", login, "--name", login.title(), "--role", role)
    args = ["project", "create", "P1", "--name", "P1", "--start", start, "--end", end]
    if objective is not None:
        args += ["--objective", objective]
    ws.ok(*args)
    ws.ok("member", "add", "P1", "mona", "--role", "manager")
    ws.ok("member", "add", "P1", "rita")
    ws.ok("member", "add", "P1", "rob")
    ws.ok("member", "add", "P1", "vic", "--role", "viewer")
    ws.ok("segment", "add", "SMB", "--name", "中小企业")
    ws.ok("segment", "add", "ENT", "--name", "Enterprise")
    for code, typ in (("direct", "direct"), ("tmall", "ecommerce"), ("partner", "partner")):
        ws.ok("channel", "add", code, "--name", code.title(), "--type", typ)


def goals(ws, project="P1"):
    return {g["id"]: g for g in ws.js("goal", "list", project)["goals"]}


def add_goal(ws, *args, project="P1", **kw):
    return ws.js("goal", "add", project, *args, **kw)["id"]


def bp(x):
    """A ratio from JSON as basis points."""
    return None if x is None else int(round(x * 10000))


# --- the data of the metric tests ---------------------------------------------------

# cost history: (sku, effective, cost in cents); the product is added with the first
COSTS = {"SKU-1": [("2025-01-01", 8000), ("2026-05-01", 9000)],
         "SKU-2": [("2025-01-01", 3000), ("2026-04-15", 2500), ("2026-06-10", 2750)],
         "SKU-3": [("2025-01-01", 15000)]}


def cost_on(sku, day):
    c = COSTS[sku][0][1]
    for eff, cost in COSTS[sku]:
        if eff <= day:
            c = cost
    return c


def catalog_with_costs(ws):
    for sku, hist in COSTS.items():
        ws.ok("product", "add", sku, "--name", sku, "--cost", money(hist[0][1]), "--price",
              "100.00", "--effective", hist[0][0])
        for eff, cost in hist[1:]:
            ws.ok("product", "update", sku, "--cost", money(cost), "--effective", eff,
                  "--reason", "supplier price")


def gen_data(seed=1):
    """Rows of P1 and of P2; each customer debuts on a day and keeps one segment."""
    rng = random.Random(seed)
    lo, hi = d("2025-10-01"), d("2026-06-30")
    span = (hi - lo).days + 1
    p1, p2 = [], []
    for i in range(70):
        name = f"客户{i:02d}" if i % 3 else f"Firm {i}, Ltd"
        seg = rng.choice(["SMB", "ENT", ""])
        debut = lo + timedelta(days=rng.randrange(span))
        # some customers first buy in the other project, before the goal window
        in_p2 = debut < d("2025-12-16") and rng.random() < 0.5
        nrows = rng.randint(1, 12)
        for k in range(nrows):
            day = debut if k == 0 else debut + timedelta(days=rng.randrange((hi - debut).days + 1))
            qty = rng.randint(1, 9)
            price = rng.randint(5000, 30000)
            disc = rng.choice([0, 0, rng.randint(0, qty * price)])
            row = {"date": day.isoformat(), "customer": name,
                   "product": rng.choice(["SKU-1", "SKU-2", "SKU-3"]),
                   "channel": rng.choice(["direct", "tmall", "partner"]),
                   "rep": rng.choice(["rita", "rob", "mona"]), "quantity": str(qty),
                   "unit_price": money(price), "discount": money(disc) if disc else "",
                   "promotion": "", "segment": seg}
            if k == 0 and in_p2:
                row["rep"] = "rita"
                p2.append(row)
            else:
                p1.append(row)
    rng.shuffle(p1)
    return p1, p2


def amount(r):
    return int(r["quantity"]) * cents(r["unit_price"]) - cents(r["discount"] or "0")


def cost(r):
    return int(r["quantity"]) * cost_on(r["product"], r["date"])


def match(r, scope):
    for k, v in scope.items():
        if r[k] != v:
            return False
    return True


class Expect:
    """Each metric worked out from the rows, as the definitions in SPEC.md say."""

    def __init__(self, p1, p2):
        self.p1, self.all = p1, p1 + p2
        self.first = {}
        for r in self.all:
            self.first[r["customer"]] = min(self.first.get(r["customer"], "9999"), r["date"])

    def lines(self, a, b, scope):
        return [r for r in self.p1 if a <= r["date"] <= b and match(r, scope)]

    def value(self, metric, a, b, scope, cohort=None):
        ls = self.lines(a, b, scope)
        rev = sum(amount(r) for r in ls)
        if metric == "revenue":
            return rev
        if metric == "units":
            return sum(int(r["quantity"]) for r in ls)
        if metric == "deals_won":
            return 0
        if metric == "gross_margin":
            return div_round((rev - sum(cost(r) for r in ls)) * 10000, rev) if rev > 0 else None
        if metric == "avg_deal_size":
            return None  # won deals' amount / deals won: these sales are no deals (test_deals.py)
        if metric == "new_customers":
            return len({r["customer"] for r in ls if a <= self.first[r["customer"]] <= b})
        if metric == "retention_rate":
            ca, cb = cohort
            base = {r["customer"] for r in self.all if ca <= r["date"] <= cb and match(r, scope)}
            now = {r["customer"] for r in ls}
            return div_round(len(base & now) * 10000, len(base)) if base else None
        raise AssertionError(metric)


START, DUE, TODAY = "2026-04-01", "2026-06-30", "2026-05-20"
DEFAULT_COHORT = ("2025-12-31", "2026-03-31")  # 91 days ending the day before START
TARGETS = {"revenue": "100000.00", "units": "500", "deals_won": "10", "gross_margin": "0.40",
           "avg_deal_size": "800.00", "new_customers": "20", "retention_rate": "0.5"}
SCOPES = [{}, {"channel": "tmall"}, {"product": "SKU-2"}, {"rep": "rob"}, {"segment": "SMB"},
          {"channel": "direct", "rep": "rita"}, {"segment": "ENT", "product": "SKU-1"}]


def metric_world(seed=1):
    ws = Workspace(today=TODAY)
    base_setup(ws, start="2025-10-01")  # P1's sales reach back to its start
    catalog_with_costs(ws)
    ws.ok("project", "create", "P2", "--name", "Other", "--start", "2025-01-01", "--end",
          "2025-12-31")
    ws.ok("member", "add", "P2", "rita")
    p1, p2 = gen_data(seed)
    import_rows(ws, "P2", p2, "p2.csv")
    import_rows(ws, "P1", p1, "p1.csv")
    return ws, Expect(p1, p2)


def scope_args(scope):
    out = []
    for k, v in scope.items():
        out += ["--scope", f"{k}={v}"]
    return out


def check_actual(g, metric, want, what):
    if metric in ("gross_margin", "retention_rate"):
        got = bp(g["actual"])
        if g["actual"] is not None:
            assert isinstance(g["actual"], (int, float)) and 0 <= g["actual"] <= 1, g["actual"]
    else:
        got = g["actual"]
        if got is not None:
            assert isinstance(got, int), f"{what}: {metric} is an integer, not {got!r}"
    eq(got, want, what)


@test
def every_metric_with_every_scope_matches_independent_computation():
    ws, ex = metric_world()
    made = []
    for scope in SCOPES:
        for metric, target in TARGETS.items():
            gid = add_goal(ws, "--metric", metric, "--target", target, "--start", START, "--due",
                           DUE, *scope_args(scope))
            made.append((gid, metric, scope))
    got = goals(ws)
    for gid, metric, scope in made:
        # as of today: the window's sales up to TODAY, not those dated after it
        want = ex.value(metric, START, TODAY, scope, DEFAULT_COHORT)
        check_actual(got[gid], metric, want, f"{metric} within {scope or 'all'}")
    # the data are rich enough for the checks to mean something
    assert ex.value("new_customers", START, DUE, {}) > 0
    assert 0 < ex.value("retention_rate", START, DUE, {}, DEFAULT_COHORT) < 10000


@test
def new_customers_counts_first_purchases_workspace_wide():
    ws, ex = metric_world(seed=4)
    # customers who bought in P2 before the window and in P1 inside it are not new
    moved = [c for c, f in ex.first.items()
             if any(r["customer"] == c for r in ex.all if r not in ex.p1)
             and any(r["customer"] == c and START <= r["date"] <= DUE for r in ex.p1)]
    assert moved, "the data has customers who first bought in the other project"
    gid = add_goal(ws, "--metric", "new_customers", "--target", "5", "--start", START, "--due",
                   DUE)
    want = len({r["customer"] for r in ex.p1 if START <= r["date"] <= TODAY
                and START <= ex.first[r["customer"]] <= TODAY})
    eq(goals(ws)[gid]["actual"], want, "new customers in the window")
    # a brand-new customer inside the window adds one; an old one adds nothing
    ws.ok("sale", "add", "P1", "--date", "2026-04-02", "--customer", "全新客户", "--product",
          "SKU-1", "--channel", "partner", "--quantity", "1", "--price", "1.00")
    ws.ok("sale", "add", "P1", "--date", "2026-04-03", "--customer", moved[0], "--product",
          "SKU-1", "--channel", "partner", "--quantity", "1", "--price", "1.00")
    eq(goals(ws)[gid]["actual"], want + 1, "one more new customer")
    # a purchase before the window, recorded later, makes the customer old
    ws.ok("sale", "add", "P1", "--date", "2026-03-30", "--customer", "全新客户", "--product",
          "SKU-1", "--channel", "partner", "--quantity", "1", "--price", "1.00")
    eq(goals(ws)[gid]["actual"], want, "an earlier purchase moves the first one out")


@test
def retention_rate_with_default_and_named_baseline():
    ws, ex = metric_world(seed=12)
    g1 = add_goal(ws, "--metric", "retention_rate", "--target", "60%", "--start", START,
                  "--due", DUE)
    g2 = add_goal(ws, "--metric", "retention_rate", "--target", "0.6", "--start", START,
                  "--due", DUE, "--baseline-start", "2026-01-01", "--baseline-end", "2026-02-28")
    g3 = add_goal(ws, "--metric", "retention_rate", "--target", "0.6", "--start", START,
                  "--due", DUE, "--baseline-start", "2026-01-01", "--baseline-end",
                  "2026-02-28", "--scope", "channel=direct")
    got = goals(ws)
    w1 = ex.value("retention_rate", START, TODAY, {}, DEFAULT_COHORT)
    w2 = ex.value("retention_rate", START, TODAY, {}, ("2026-01-01", "2026-02-28"))
    w3 = ex.value("retention_rate", START, TODAY, {"channel": "direct"},
                  ("2026-01-01", "2026-02-28"))
    check_actual(got[g1], "retention_rate", w1, "default baseline window")
    check_actual(got[g2], "retention_rate", w2, "named baseline window")
    check_actual(got[g3], "retention_rate", w3, "named baseline window with a scope")
    assert w1 != w2, "the two cohorts differ, so the test can tell them apart"
    eq(got[g2]["baseline_start"], "2026-01-01", "baseline_start shown")
    eq(got[g1]["target"], 0.6, "60% is 0.6")


@test
def gross_margin_uses_the_cost_in_force_on_each_sale_date():
    ws = Workspace(today="2026-05-20")
    base_setup(ws)
    ws.ok("product", "add", "W", "--name", "Watch", "--cost", "60.00", "--price", "100.00",
          "--effective", "2026-01-01")
    ws.ok("product", "update", "W", "--cost", "70.00", "--effective", "2026-04-10")
    ws.ok("product", "update", "W", "--cost", "40.00", "--effective", "2026-04-20")
    rows = []
    for day, qty in (("2026-04-01", 2), ("2026-04-09", 1), ("2026-04-10", 3), ("2026-04-19", 1),
                     ("2026-04-20", 4), ("2026-04-30", 5)):
        rows.append({"date": day, "customer": "C" + day, "product": "W", "channel": "direct",
                     "rep": "rita", "quantity": str(qty), "unit_price": "100.00"})
    import_rows(ws, "P1", rows)
    costs = {"2026-04-01": 6000, "2026-04-09": 6000, "2026-04-10": 7000, "2026-04-19": 7000,
             "2026-04-20": 4000, "2026-04-30": 4000}
    sales = {s["date"]: s for s in ws.js("sale", "list", "P1")["sales"]}
    for r in rows:
        eq(sales[r["date"]]["cost"], int(r["quantity"]) * costs[r["date"]], f"cost on {r['date']}")
    rev = sum(int(r["quantity"]) * 10000 for r in rows)
    cst = sum(int(r["quantity"]) * costs[r["date"]] for r in rows)
    gid = add_goal(ws, "--metric", "gross_margin", "--target", "0.4", "--start", "2026-04-01",
                   "--due", "2026-04-30")
    g2 = add_goal(ws, "--metric", "gross_margin", "--target", "0.4", "--start", "2026-04-10",
                  "--due", "2026-04-19")
    got = goals(ws)
    eq(bp(got[gid]["actual"]), div_round((rev - cst) * 10000, rev), "margin over April")
    eq(bp(got[g2]["actual"]), 3000, "margin while the cost was 70.00")


@test
def gross_margin_follows_a_cost_change_dated_before_recorded_sales():
    # The price history says which cost was in force on a day; a change entered
    # after the sales were recorded, effective before them, still applies to them.
    ws = Workspace(today="2026-05-20")
    base_setup(ws)
    ws.ok("product", "add", "W", "--name", "Watch", "--cost", "60.00", "--price", "100.00",
          "--effective", "2026-01-01")
    rows = [{"date": "2026-04-05", "customer": "A", "product": "W", "channel": "direct",
             "rep": "rita", "quantity": "1", "unit_price": "100.00"},
            {"date": "2026-04-25", "customer": "B", "product": "W", "channel": "direct",
             "rep": "rita", "quantity": "1", "unit_price": "100.00"}]
    import_rows(ws, "P1", rows)
    ws.ok("product", "update", "W", "--cost", "80.00", "--effective", "2026-04-20")
    gid = add_goal(ws, "--metric", "gross_margin", "--target", "0.4", "--start", "2026-04-01",
                   "--due", "2026-04-30")
    # (100 - 60) + (100 - 80) over 200
    eq(bp(goals(ws)[gid]["actual"]), 3000, "margin with the cost in force on each date")


def win(ws, day, price, channel="direct", customer="C", qty=1):
    """A deal of customer won on day: one line of qty W at price (a decimal), as mona."""
    did = ws.js("deal", "add", "P1", "--title", f"{customer} {day}", "--customer", customer,
                "--channel", channel, as_="mona")["id"]
    ws.ok("deal", "lines", "P1", str(did), "--line", f"W:{qty}:{price}", as_="mona")
    ws.ok("deal", "move", "P1", str(did), "won", "--won-on", day, as_="mona")
    return did


@test
def avg_deal_size_rounds_half_up_to_a_cent():
    """avg_deal_size is the won deals' amount over their number (deals, not sale lines)."""
    ws = Workspace(today="2026-04-10")
    base_setup(ws)
    ws.ok("product", "add", "W", "--name", "W", "--cost", "0.01", "--price", "1.00",
          "--effective", "2026-01-01")
    ws.ok("sale", "add", "P1", "--date", "2026-03-01", "--customer", "C", "--product", "W",
          "--channel", "direct", "--quantity", "1", "--price", "9.99")  # makes C; in March
    for i, p in enumerate(["0.01", "0.02", "0.02", "0.00"]):  # 5 cents over 4 deals
        win(ws, "2026-04-0" + str(i + 1), p)
    gid = add_goal(ws, "--metric", "avg_deal_size", "--target", "1.00", "--start", "2026-04-01",
                   "--due", "2026-04-30")
    eq(goals(ws)[gid]["actual"], 1, "5 / 4 cents = 1.25 -> 1")
    win(ws, "2026-04-05", "0.05")
    eq(goals(ws)[gid]["actual"], 2, "10 / 5 cents = 2")
    # a deal of two lines is one deal: 3 + 2 cents
    did = ws.js("deal", "add", "P1", "--title", "two lines", "--customer", "C", "--channel",
                "direct", as_="mona")["id"]
    ws.ok("deal", "lines", "P1", str(did), "--line", "W:1:0.03", "--line", "W:1:0.02", as_="mona")
    ws.ok("deal", "move", "P1", str(did), "won", "--won-on", "2026-04-06", as_="mona")
    eq(goals(ws)[gid]["actual"], 3, "15 / 6 cents = 2.5 -> 3 (half up), six deals of seven lines")


@test
def custom_goal_takes_the_latest_checkin():
    ws = Workspace(today="2026-04-25")
    base_setup(ws)
    gid = add_goal(ws, "--metric", "custom", "--target", "50", "--start", "2026-04-01", "--due",
                   "2026-04-30", "--checkin-rule", "Mona reports signed partners every Friday",
                   "--owner", "rita", "--custom-unit", "partners")
    g = goals(ws)[gid]
    eq(g["actual"], None, "no check-in yet")
    eq((g["unit"], g["custom_unit"]), ("count", "partners"), "unit")
    ws.ok("goal", "checkin", "P1", gid, "--value", "10", "--date", "2026-04-10")
    ws.ok("goal", "checkin", "P1", gid, "--value", "25", "--date", "2026-04-20")
    ws.ok("goal", "checkin", "P1", gid, "--value", "40", "--date", "2026-04-15")  # older date
    eq(goals(ws)[gid]["actual"], 25, "the check-in of the latest date counts")
    ck = ws.js("goal", "checkin", "P1", gid, "--value", "30", "--note", "3 new", as_="rita")
    eq((ck["date"], ck["value"], ck["note"], ck["goal_id"]), ("2026-04-25", 30, "3 new", gid),
       "a check-in by the owner defaults to today")
    g = goals(ws)[gid]
    eq(g["actual"], 30, "latest")
    # 30 of 50 with 25 of 30 days gone: projected 30 x 30 / 25 = 36 < 90% of 50 -> off track
    eq((g["projected"], g["status"]), (36, "off_track"), "status of a custom goal")
    ws.ok("goal", "checkin", "P1", gid, "--value", "38", "--date", "2026-04-25")
    # 38 x 30 / 25 = 45.6 -> 46 >= 45 (90% of 50) -> at risk
    eq((goals(ws)[gid]["projected"], goals(ws)[gid]["status"]), (46, "at_risk"),
       "projected below the target: at risk")
    ws.ok("goal", "checkin", "P1", gid, "--value", "42", "--date", "2026-04-25")
    # 42 x 30 / 25 = 50.4 -> 50 >= 50 -> on track
    eq((goals(ws)[gid]["projected"], goals(ws)[gid]["status"]), (50, "on_track"),
       "projected at the target: on track")
    ws.ok("goal", "checkin", "P1", gid, "--value", "60", "--date", "2026-04-26")
    eq(goals(ws)[gid]["actual"], 42, "a check-in dated after today does not count yet")
    ws.fail("goal", "checkin", "P1", gid, "--value", "35", as_="rob", code=77)
    rev = add_goal(ws, "--metric", "revenue", "--target", "10.00", "--start", "2026-04-01",
                   "--due", "2026-04-30")
    ws.fail("goal", "checkin", "P1", rev, "--value", "5", code=65, contains="only custom goals")
    ws.ok("goal", "checkin", "P1", gid, "--value", "50", "--date", "2026-04-25")
    eq(goals(ws)[gid]["status"], "achieved", "check-in reaches the target")


# --- status --------------------------------------------------------------------------

def status_world(today, n_channels):
    ws = Workspace(today=today)
    base_setup(ws)
    ws.ok("product", "add", "W", "--name", "W", "--cost", "10.00", "--price", "100.00",
          "--effective", "2025-01-01")
    for i in range(n_channels):
        ws.ok("channel", "add", f"c{i}", "--name", f"c{i}", "--type", "retail")
    return ws


def sell(ws, channel, day, price_cents, qty=1, customer="C"):
    ws.ok("sale", "add", "P1", "--date", day, "--customer", customer, "--product", "W",
          "--channel", channel, "--quantity", str(qty), "--price", money(price_cents))


@test
def cumulative_status_thresholds():
    """Status judges the projection the card shows: on track at or above the target, at risk
    from 90% of it, off track below; achieved once the actual reaches the target."""
    # window of 30 days, today its 15th: the projection is actual x 30 / 15
    start, due, today = "2026-04-01", "2026-04-30", "2026-04-15"
    target = 10_000_000
    elapsed_num = (d(today) - d(start)).days + 1
    elapsed_den = (d(due) - d(start)).days + 1
    expected = div_round(target * elapsed_num, elapsed_den)
    cases = [(5_000_000, "on_track"),   # projected 10,000,000.00 = the target
             (4_999_999, "at_risk"),    # projected 9,999,998: below the target
             (4_750_000, "at_risk"),    # projected 95% (was "on track" at a 90% pace)
             (4_500_000, "at_risk"),    # projected 9,000,000 = 90% exactly
             (4_499_999, "off_track"),  # projected 8,999,998
             (2_500_000, "off_track"),  # projected 50%
             (10_000_000, "achieved"),  # actual >= target
             (12_000_000, "achieved")]
    ws = status_world(today, len(cases))
    ids = []
    for i, (actual, _) in enumerate(cases):
        sell(ws, f"c{i}", "2026-04-03", actual)
        ids.append(add_goal(ws, "--metric", "revenue", "--target", money(target), "--start",
                            start, "--due", due, "--scope", f"channel=c{i}"))
    got = goals(ws)
    for gid, (actual, status) in zip(ids, cases):
        g = got[gid]
        projected = div_round(actual * elapsed_den, elapsed_num)
        eq(g["actual"], actual, "actual")
        eq(g["expected"], expected, "expected = target x elapsed")
        eq(g["projected"], projected, "projected = actual / elapsed")
        eq(g["status"], status, f"status at a projection of {projected / target:.4f}")
        eq(g["elapsed"], elapsed_num / elapsed_den, "elapsed")
        # the card's two figures agree with the word: on track only when the projection
        # reaches the target, at risk only within 10% below it
        if status == "on_track":
            assert projected >= target, g
        if status == "at_risk":
            assert target * 9 <= projected * 10 < target * 10, g


@test
def status_projection_rounds_half_away_from_zero():
    """An odd number of elapsed days: the projection is rounded once, and judged as shown."""
    start, due, today = "2026-04-01", "2026-04-30", "2026-04-07"  # 7 of 30 days
    # 2,100 x 30 / 7 = 9,000 exactly: at risk at 90%; 2,099 -> 8,995.71 -> 8,996: off track
    # 2,333 x 30 / 7 = 9,998.57 -> 9,999: at risk; 2,334 -> 10,002.86 -> 10,003: on track
    cases = [(2100, 9000, "at_risk"), (2099, 8996, "off_track"), (2333, 9999, "at_risk"),
             (2334, 10003, "on_track")]
    ws = status_world(today, len(cases))
    ids = []
    for i, (actual, _, _) in enumerate(cases):
        sell(ws, f"c{i}", "2026-04-02", actual)
        ids.append(add_goal(ws, "--metric", "revenue", "--target", "100.00", "--start", start,
                            "--due", due, "--scope", f"channel=c{i}"))
    got = goals(ws)
    for gid, (actual, projected, status) in zip(ids, cases):
        eq((got[gid]["projected"], got[gid]["status"]), (projected, status), f"actual {actual}")


@test
def cumulative_status_before_start_and_after_due():
    ws = status_world("2026-05-15", 2)
    sell(ws, "c0", "2026-04-10", 100)
    future = add_goal(ws, "--metric", "units", "--target", "10", "--start", "2026-06-01",
                      "--due", "2026-06-30")
    past_short = add_goal(ws, "--metric", "units", "--target", "10", "--start", "2026-04-01",
                          "--due", "2026-04-30")
    past_done = add_goal(ws, "--metric", "units", "--target", "1", "--start", "2026-04-01",
                         "--due", "2026-04-30")
    last_day = add_goal(ws, "--metric", "units", "--target", "2", "--start", "2026-05-01",
                        "--due", "2026-05-15", "--scope", "channel=c1")
    got = goals(ws)
    eq((got[future]["status"], got[future]["expected"], got[future]["elapsed"]),
       ("on_track", 0, 0), "before the start")
    eq((got[past_short]["status"], got[past_short]["elapsed"]), ("off_track", 1),
       "after the due date, short of the target")
    eq(got[past_done]["status"], "achieved", "after the due date, target reached")
    eq((got[last_day]["status"], got[last_day]["expected"]), ("off_track", 2),
       "the due day itself, nothing sold")


@test
def level_status_thresholds():
    # avg_deal_size is a level: compared with the target directly, at_risk from 0.90 x target
    ws = status_world("2026-04-15", 1)
    sell(ws, "c0", "2026-03-02", 100)  # makes the customer, before the window
    win(ws, "2026-04-02", "1000.00", channel="c0")
    win(ws, "2026-04-03", "1000.00", channel="c0")  # two deals, average 1,000.00
    cases = [("900.00", "on_track"), ("1000.00", "on_track"), ("1100.00", "at_risk"),
             ("1111.11", "at_risk"),     # 0.9 x 1111.11 = 999.999 <= 1000
             ("1111.12", "off_track"),   # 0.9 x 1111.12 = 1000.008 > 1000
             ("2000.00", "off_track")]
    ids = [add_goal(ws, "--metric", "avg_deal_size", "--target", t, "--start", "2026-04-01",
                    "--due", "2026-04-30") for t, _ in cases]
    got = goals(ws)
    for gid, (t, status) in zip(ids, cases):
        eq(got[gid]["actual"], 100_000, "average")
        eq(got[gid]["status"], status, f"avg_deal_size target {t}")
        eq(got[gid]["expected"], cents(t), "a level expects its target")
    # gross margin: cost 10.00 on 1,000.00 lines = 0.99
    m1 = add_goal(ws, "--metric", "gross_margin", "--target", "0.99", "--start", "2026-04-01",
                  "--due", "2026-04-30")
    m2 = add_goal(ws, "--metric", "gross_margin", "--target", "100%", "--start", "2026-04-01",
                  "--due", "2026-04-30")
    m3 = add_goal(ws, "--metric", "gross_margin", "--target", "0.5", "--start", "2026-03-01",
                  "--due", "2026-04-30")
    got = goals(ws)
    eq(bp(got[m1]["actual"]), 9900, "margin")
    eq(got[m1]["status"], "on_track", "margin = target, window running")
    eq(got[m2]["status"], "at_risk", "0.99 >= 0.9 x 1.0")
    eq(got[m3]["status"], "on_track", "above target, window running")
    # once the window is over: achieved when at or above target, else off_track
    ws2 = status_world("2026-05-15", 1)
    sell(ws2, "c0", "2026-03-02", 100)
    win(ws2, "2026-04-02", "1000.00", channel="c0")
    a = add_goal(ws2, "--metric", "avg_deal_size", "--target", "1000.00", "--start",
                 "2026-04-01", "--due", "2026-04-30")
    b = add_goal(ws2, "--metric", "avg_deal_size", "--target", "1050.00", "--start",
                 "2026-04-01", "--due", "2026-04-30")
    e = add_goal(ws2, "--metric", "avg_deal_size", "--target", "10.00", "--start",
                 "2026-05-01", "--due", "2026-05-31")
    f = add_goal(ws2, "--metric", "avg_deal_size", "--target", "10.00", "--start",
                 "2026-06-01", "--due", "2026-06-30")
    got = goals(ws2)
    eq(got[a]["status"], "achieved", "window over, at target")
    eq(got[b]["status"], "off_track", "window over, within 10% but short")
    eq((got[e]["actual"], got[e]["status"]), (None, "off_track"), "no data once started")
    eq((got[f]["actual"], got[f]["status"]), (None, "on_track"), "no data before the start")


# --- SMART lint ------------------------------------------------------------------------

def lint(ws, *args, project="P1"):
    return ws.js("goal", "lint", project, *args)["smart"]


@test
def smart_s_needs_metric_and_positive_target():
    ws = Workspace(today="2026-03-01")
    base_setup(ws)
    s = lint(ws, "--metric", "revenue", "--start", "2026-04-01", "--due", "2026-06-30")
    eq(s["S"]["ok"], False, "no target")
    assert "no target" in s["S"]["message"], s["S"]
    s = lint(ws, "--metric", "revenue", "--target", "0", "--start", "2026-04-01", "--due",
             "2026-06-30")
    eq(s["S"]["ok"], False, "zero target")
    assert "above zero" in s["S"]["message"], s["S"]
    s = lint(ws, "--start", "2026-04-01", "--due", "2026-06-30")
    eq((s["S"]["ok"], s["M"]["ok"]), (False, False), "no metric")
    assert "no metric" in s["S"]["message"], s["S"]
    s = lint(ws, "--metric", "units", "--target", "35", "--start", "2026-04-01", "--due",
             "2026-06-30", "--scope", "channel=tmall")
    eq(s["S"]["ok"], True, "metric and target")
    assert "35" in s["S"]["message"] and "tmall" in s["S"]["message"], s["S"]


@test
def smart_m_custom_needs_a_checkin_rule():
    ws = Workspace(today="2026-03-01")
    base_setup(ws)
    common = ["--metric", "custom", "--target", "12", "--start", "2026-04-01", "--due",
              "2026-06-30"]
    s = lint(ws, *common)
    eq(s["M"]["ok"], False, "custom without a rule")
    assert "check-in rule" in s["M"]["message"], s["M"]
    s = lint(ws, *common, "--checkin-rule", "partner manager reports monthly")
    eq(s["M"]["ok"], True, "custom with a rule")
    assert "partner manager reports monthly" in s["M"]["message"], s["M"]
    eq(lint(ws, "--metric", "revenue", "--target", "1.00", "--start", "2026-04-01", "--due",
            "2026-06-30")["M"]["ok"], True, "computed metrics are measurable")
    # the stored goal carries the same verdict
    gid = add_goal(ws, *common)
    eq(goals(ws)[gid]["smart"]["M"]["ok"], False, "stored custom goal without a rule")


@test
def smart_a_compares_needed_growth_with_history():
    ws = Workspace(today="2026-03-01")
    base_setup(ws)
    ws.ok("product", "add", "W", "--name", "W", "--cost", "1.00", "--price", "2.00",
          "--effective", "2024-01-01")
    ws.ok("project", "create", "HIST", "--name", "History", "--start", "2025-01-01", "--end",
          "2026-03-31")
    ws.ok("member", "add", "HIST", "rita")
    start, due = d("2026-04-01"), d("2026-06-30")
    n = (due - start).days + 1  # 91: windows of the goal's length before its start
    # oldest to newest: +10%, +20%, +15% window on window
    revs = [1_000_000, 1_100_000, 1_320_000, 1_518_000]
    rows = []
    for k, rev in enumerate(reversed(revs), start=1):  # k = 1 is the window just before start
        w_from = start - timedelta(days=k * n)
        w_to = start - timedelta(days=(k - 1) * n + 1)
        for day, part in ((w_from, rev // 2), (w_to, rev - rev // 2)):  # both window edges
            rows.append({"date": day.isoformat(), "customer": f"H{k}", "product": "W",
                         "channel": "direct", "rep": "rita", "quantity": "1",
                         "unit_price": money(part)})
    import_rows(ws, "HIST", rows)
    base = revs[-1]
    common = ["--metric", "revenue", "--start", start.isoformat(), "--due", due.isoformat()]

    hard = base * 28 // 10  # +180%
    s = lint(ws, *common, "--target", money(hard))
    eq(s["A"]["ok"], False, "+180% against a best of +20%")
    assert "+180.0%" in s["A"]["message"] and "+20.0%" in s["A"]["message"], s["A"]
    assert "15,180.00" in s["A"]["message"] and "42,504.00" in s["A"]["message"], s["A"]
    assert "quarter-on-quarter" in s["A"]["message"], s["A"]

    for factor, what in ((11, "+10%"), (12, "+20%, the best")):
        s = lint(ws, *common, "--target", money(base * factor // 10))
        eq(s["A"]["ok"], True, f"{what} is within history")
        assert "+20.0%" in s["A"]["message"], s["A"]
    s = lint(ws, *common, "--target", money(base * 121 // 100))
    eq(s["A"]["ok"], False, "+21% is beyond the best")

    # the goal's own list entry says the same and shows the computed baseline
    gid = add_goal(ws, *common, "--target", money(hard))
    g = goals(ws)[gid]
    eq((g["smart"]["A"]["ok"], g["baseline_used"], g["baseline_computed"]), (False, base, True),
       "stored goal: A verdict and the baseline from history")
    # an explicit baseline is what the target is compared with
    s = lint(ws, *common, "--target", "22000.00", "--baseline", "20000.00")
    eq(s["A"]["ok"], True, "+10% over a given baseline")
    assert "+10.0%" in s["A"]["message"] and "20,000.00" in s["A"]["message"], s["A"]
    # a scope with no history cannot be judged as unachievable
    s = lint(ws, *common, "--target", money(hard), "--scope", "channel=tmall")
    eq(s["A"]["ok"], True, "no history in the scope")
    assert "no sales history" in s["A"]["message"], s["A"]


@test
def smart_a_for_customer_metrics_uses_their_history():
    """New customers and retention have a history too: windows of the goal's length."""
    ws = Workspace(today="2026-03-01")
    base_setup(ws)
    ws.ok("product", "add", "W", "--name", "W", "--cost", "1.00", "--price", "2.00",
          "--effective", "2024-01-01")
    ws.ok("project", "create", "HIST", "--name", "History", "--start", "2025-01-01", "--end",
          "2026-03-31")
    ws.ok("member", "add", "HIST", "rita")
    start, due = d("2026-04-01"), d("2026-06-30")
    n = (due - start).days + 1
    # new customers per window, oldest to newest: 10, 12, 15 (+20%, then +25%)
    counts = [10, 12, 15]
    rows, k0 = [], len(counts)
    for i, count in enumerate(counts):
        k = k0 - i  # window k before the start (k = 1 is the latest)
        mid = start - timedelta(days=k * n) + timedelta(days=n // 2)
        for j in range(count):
            rows.append({"date": mid.isoformat(), "customer": f"N{i}-{j}", "product": "W",
                         "channel": "direct", "rep": "rita", "quantity": "1",
                         "unit_price": "2.00"})
    import_rows(ws, "HIST", rows)
    common = ["--metric", "new_customers", "--start", start.isoformat(), "--due",
              due.isoformat()]
    s = lint(ws, *common, "--target", "30")
    eq(s["A"]["ok"], False, "+100% against a best of +25%")
    assert "+100.0%" in s["A"]["message"] and "+25.0%" in s["A"]["message"], s["A"]
    s = lint(ws, *common, "--target", "18")
    eq(s["A"]["ok"], True, "+20% is within history")
    assert "+20.0%" in s["A"]["message"] and "+25.0%" in s["A"]["message"], s["A"]


@test
def smart_r_needs_rationale_and_objective():
    ws = Workspace(today="2026-03-01")
    base_setup(ws, objective=None)  # P1 without an objective
    ws.ok("project", "create", "P2", "--name", "P2", "--start", "2026-01-01", "--end",
          "2026-12-31", "--objective", "double e-commerce share")
    common = ["--metric", "units", "--target", "5", "--start", "2026-04-01", "--due",
              "2026-06-30"]
    s = lint(ws, *common)
    eq(s["R"]["ok"], False, "neither")
    assert "no rationale" in s["R"]["message"] and "objective" in s["R"]["message"], s["R"]
    s = lint(ws, *common, "--rationale", "launch of W")
    eq(s["R"]["ok"], False, "no objective anywhere")
    assert "no company objective" in s["R"]["message"], s["R"]
    s = lint(ws, *common, "--objective", "grow share")
    eq(s["R"]["ok"], False, "no rationale")
    assert "no rationale" in s["R"]["message"], s["R"]
    s = lint(ws, *common, "--objective", "grow share", "--rationale", "launch of W")
    eq(s["R"]["ok"], True, "both on the goal")
    s = lint(ws, *common, "--rationale", "launch of W", project="P2")
    eq(s["R"]["ok"], True, "the project's objective counts")
    assert "double e-commerce share" in s["R"]["message"], s["R"]
    s = lint(ws, *common, project="P2")
    eq(s["R"]["ok"], False, "the project's objective does not replace a rationale")


@test
def smart_t_dates_inside_the_project():
    ws = Workspace(today="2026-03-01")
    base_setup(ws, start="2026-02-01", end="2026-09-30")
    m = ["--metric", "units", "--target", "5"]
    s = lint(ws, *m, "--start", "2026-04-01", "--due", "2026-10-15")
    eq(s["T"]["ok"], False, "due after the project's end")
    assert "2026-10-15" in s["T"]["message"] and "2026-09-30" in s["T"]["message"], s["T"]
    s = lint(ws, *m, "--start", "2026-01-15", "--due", "2026-03-31")
    eq(s["T"]["ok"], False, "start before the project's start")
    assert "2026-01-15" in s["T"]["message"] and "2026-02-01" in s["T"]["message"], s["T"]
    s = lint(ws, *m, "--start", "2026-05-01", "--due", "2026-04-30")
    eq(s["T"]["ok"], False, "due before start")
    assert "before the start" in s["T"]["message"], s["T"]
    s = lint(ws, *m, "--start", "2026-04-01")
    eq(s["T"]["ok"], False, "no due date")
    s = lint(ws, *m, "--start", "2026-02-01", "--due", "2026-09-30")
    eq(s["T"]["ok"], True, "exactly the project's dates")
    assert "242 days" in s["T"]["message"], s["T"]
    ws.fail("goal", "add", "P1", *m, "--start", "2026-05-01", "--due", "2026-04-30", code=65)
    gid = add_goal(ws, *m, "--start", "2026-04-01", "--due", "2026-10-15")
    eq(goals(ws)[gid]["smart"]["T"]["ok"], False, "a stored goal past the project's end")


# --- revisions, versions, JSON shape ---------------------------------------------------

@test
def goal_update_keeps_revisions_and_checks_versions():
    ws = Workspace(today="2026-04-15")
    base_setup(ws)
    gid = add_goal(ws, "--metric", "revenue", "--target", "1000.00", "--start", "2026-04-01",
                   "--due", "2026-06-30", "--rationale", "first cut")
    ws.ok("goal", "update", "P1", gid, "--target", "800.00", "--reason", "market slowed",
          "--version", "1")
    ws.ok("goal", "update", "P1", gid, "--rationale", "revised plan", "--reason", "clarify")
    ws.ok("goal", "update", "P1", gid, "--scope", "channel=tmall", "--reason", "focus")
    r = ws.fail("goal", "update", "P1", gid, "--target", "1.00", "--version", "2", code=1)
    assert "version" in r.err, r.err
    r = ws.fail("goal", "delete", "P1", gid, "--version", "3", code=1)
    assert "version" in r.err, r.err
    ws.fail("goal", "update", "P1", gid, "--target", "5.00", as_="rita", code=77)
    h = ws.js("goal", "history", "P1", gid)["revisions"]
    eq([x["version"] for x in h], [1, 2, 3, 4], "versions 1..n")
    eq([x["reason"] for x in h[1:]], ["market slowed", "clarify", "focus"], "reasons")
    eq([x["goal"]["target"] for x in h], [100000, 80000, 80000, 80000], "targets in snapshots")
    eq([x["goal"]["rationale"] for x in h], ["first cut", "first cut", "revised plan",
                                             "revised plan"], "rationales")
    eq(h[3]["goal"]["scope"]["channel"], "tmall", "scope in the last snapshot")
    eq({x["changed_by"] for x in h}, {"admin"}, "who")
    g = goals(ws)[gid]
    eq((g["version"], g["target"]), (4, 80000), "current state")
    ws.ok("goal", "delete", "P1", gid, "--version", "4")
    eq(goals(ws), {}, "deleted")


@test
def goal_list_json_has_the_spec_fields_and_units():
    ws = Workspace(today="2026-04-15")
    base_setup(ws)
    ws.ok("product", "add", "W", "--name", "W", "--cost", "30.00", "--price", "100.00",
          "--effective", "2025-01-01")
    for day, cust in (("2026-01-10", "A"), ("2026-01-11", "B"), ("2026-04-02", "A"),
                      ("2026-04-03", "N")):
        ws.ok("sale", "add", "P1", "--date", day, "--customer", cust, "--product", "W",
              "--channel", "direct", "--quantity", "2", "--price", "99.99", "--rep", "rita")
    units = {"revenue": ("money", int), "gross_margin": ("ratio", float), "units": ("count", int),
             "deals_won": ("count", int), "new_customers": ("count", int),
             "retention_rate": ("ratio", float), "avg_deal_size": ("money", int),
             "custom": ("count", int)}
    targets = {"revenue": "5000.00", "gross_margin": "0.75", "units": "40", "deals_won": "3",
               "new_customers": "4", "retention_rate": "80%", "avg_deal_size": "250.00",
               "custom": "9"}
    for m, t in targets.items():
        add_goal(ws, "--metric", m, "--target", t, "--start", "2026-04-01", "--due",
                 "2026-06-30", "--checkin-rule", "weekly")
    out = ws.js("goal", "list", "P1")
    eq(out["project"], "P1", "project")
    eq(len(out["goals"]), len(targets), "goals")
    want_actual = {"revenue": 2 * 19998, "gross_margin": div_round((39996 - 12000) * 10000, 39996),
                   "units": 4, "deals_won": 0, "new_customers": 1,
                   "retention_rate": 5000,  # A and B bought in Jan; A again in April
                   "avg_deal_size": None,  # no deal won: it averages won deals, not lines
                   "custom": None}
    for g in out["goals"]:
        for k in ("id", "metric", "unit", "target", "actual", "status", "smart"):
            assert k in g, f"{k} in {sorted(g)}"
        m = g["metric"]
        eq(g["unit"], units[m][0], f"unit of {m}")
        typ = units[m][1]
        if m in ("gross_margin", "retention_rate"):
            assert isinstance(g["target"], float) and 0 <= g["target"] <= 1, g["target"]
            assert isinstance(g["actual"], (int, float)) and 0 <= g["actual"] <= 1, g["actual"]
            eq(bp(g["target"]), {"gross_margin": 7500, "retention_rate": 8000}[m], "ratio target")
            eq(bp(g["actual"]), want_actual[m], f"actual {m}")
        else:
            assert isinstance(g["target"], int) and not isinstance(g["target"], bool), g
            eq(g["target"], cents(targets[m]) if units[m][0] == "money" else int(targets[m]),
               f"target of {m}")
            if want_actual[m] is not None:
                assert isinstance(g["actual"], typ), (m, g["actual"])
            eq(g["actual"], want_actual[m], f"actual {m}")
        assert g["status"] in ("on_track", "at_risk", "off_track", "achieved"), g["status"]
        eq(sorted(g["smart"]), ["A", "M", "R", "S", "T"], "SMART letters")
        for letter, v in g["smart"].items():
            eq(sorted(v), ["code", "message", "ok", "params"], f"{letter} fields")
            assert isinstance(v["ok"], bool) and isinstance(v["message"], str) and v["message"], v
            # the code names the letter, so the UI can say the message in its language
            assert v["code"].startswith(letter.lower() + "."), v
            assert isinstance(v["params"], dict), v


@test
def goal_permissions():
    ws = Workspace(today="2026-04-15")
    base_setup(ws)
    common = ["--metric", "units", "--target", "5", "--start", "2026-04-01", "--due",
              "2026-06-30"]
    ws.fail("goal", "add", "P1", *common, as_="rita", code=77)
    ws.fail("goal", "add", "P1", *common, as_="vic", code=77)
    gid = add_goal(ws, *common, as_="mona")
    eq(list(goals(ws)), [gid], "only the manager's goal")
    eq(list(ws.js("goal", "list", "P1", as_="vic")["goals"][0]["smart"]), list("SMART"),
       "a viewer reads goals")
    ws.ok("user", "add", "nora", "--name", "Nora", "--role", "rep")
    ws.fail("goal", "list", "P1", as_="nora", code=1, contains='no project "P1"')


if __name__ == "__main__":
    run_all()
