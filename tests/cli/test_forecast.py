"""test_forecast.py - the forecast from the command line: `deal funnel` (table and --json) and
the projection of `goal list`. Every figure is computed apart from salespm
(tests/lib/forecast_model.py) from the deals this test moved through their stages, each move
on its own day (SALESPM_TODAY): the funnel's counts, conversion rates and median days per
stage, win rate, average deal size, median days to win, the weighted pipeline, coverage, the
learned chance per stage, slippage, the same by owner and by channel, and a goal's projection
with its 80% band. The probability meets its known cases: one deal at 50% for exactly the gap
(within 3 standard errors of a binomial at 10,000 runs), two deals at 25% either closing it
(1 - 0.75^2), a goal already reached (100%), nothing in the pipeline and no run rate (0%);
the same seed gives the same answer. Bad options change nothing and name the option.
"""
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403
import forecast_model as fm  # noqa: E402

RUNS = 10000


def three_sigma(p):
    return 3 * math.sqrt(p * (1 - p) / RUNS)


def world():
    """P1 (2026): mona manages it, rita and rob are members; channels direct and partner;
    product W at 100.00; customer ACME made by a sale in P0 (2025), so P1's sales are its won
    deals only; the scenario's deals moved day by day; today 2026-06-15."""
    ws = Workspace(today="2025-12-01")
    for login, role in (("mona", "manager"), ("rita", "rep"), ("rob", "rep"), ("vic", "viewer")):
        ws.ok("user", "add", login, "--name", login.title(), "--role", role)
    ws.ok("project", "create", "P0", "--name", "P0", "--start", "2025-01-01", "--end", "2025-12-31")
    ws.ok("project", "create", "P1", "--name", "P1", "--start", "2026-01-01", "--end", "2026-12-31")
    for p in ("P0", "P1"):
        ws.ok("member", "add", p, "mona", "--role", "manager")
        ws.ok("member", "add", p, "rita")
        ws.ok("member", "add", p, "rob")
    ws.ok("member", "add", "P1", "vic", "--role", "viewer")
    ws.ok("channel", "add", "direct", "--name", "Direct", "--type", "direct")
    ws.ok("channel", "add", "partner", "--name", "Partner", "--type", "partner")
    ws.ok("product", "add", "W", "--name", "Widget", "--cost", "10.00", "--price", "100.00",
          "--effective", "2025-01-01")
    ws.ok("sale", "add", "P0", "--date", "2025-11-05", "--customer", "ACME", "--product", "W",
          "--channel", "direct", "--quantity", "1", "--price", "100.00", "--rep", "rita")
    ids = fm.build(ws)
    ws.env["SALESPM_TODAY"] = fm.TODAY
    return ws, ids


@test
def funnel_figures_equal_an_independent_computation():
    ws, ids = world()
    got = ws.js("deal", "funnel", "P1")
    eq((got["project"], got["as_of"], got["seed"], got["runs"]), ("P1", fm.TODAY, 1, RUNS), "head")
    fm.check_stats(got["all"], fm.figures(), "all")
    owners = {o["key"]: o for o in got["by_owner"]}
    eq(sorted(owners), ["rita", "rob"], "owners")
    for who in owners:
        fm.check_stats(owners[who], fm.figures(keep=lambda x, w=who: x[1] == w), who)
    chans = {o["key"]: o for o in got["by_channel"]}
    eq(sorted(chans), ["direct", "partner"], "channels")
    for ch in chans:
        fm.check_stats(chans[ch], fm.figures(keep=lambda x, c=ch: x[2] == c), ch)
    s = fm.slips()
    eq(got["model"]["slippage_samples"], len(s), "slippage samples")
    fm.near(got["model"]["median_slippage_days"], fm.median(s), "median slippage", 0.05)
    # the table says the same: the funnel's rows and the summary line
    out = ws.ok("deal", "funnel", "P1").out
    want = fm.figures()
    for f in want["funnel"]:
        row = next(line.split() for line in out.splitlines() if line.startswith(f["stage"] + " "))
        eq(row[1], str(f["reached"]), f"table {f['stage']} reached")
        if f["conversion"] is not None:
            eq(row[2], f"{f['conversion'] * 100:.1f}%", f"table {f['stage']} conversion")
    assert f"win rate {want['win_rate'] * 100:.1f}%" in out, out
    by = ws.ok("deal", "funnel", "P1", "--by", "owner").out
    rob = next(line.split() for line in by.splitlines() if line.startswith("rob "))
    fr = fm.figures(keep=lambda x: x[1] == "rob")
    eq((rob[1], rob[3], rob[4]), (str(fr["open"]), str(fr["won"]), str(fr["lost"])), "--by owner: rob")


@test
def projection_coverage_and_a_reached_goal():
    ws, ids = world()
    # revenue through 2026: the won deals' sales are its actual
    daily = fm.won_daily()
    actual = sum(daily.values())
    ws.ok("goal", "add", "P1", "--metric", "revenue", "--target", "20000.00", "--start", "2026-01-01",
          "--due", "2026-12-31", "--name", "rev")
    ws.ok("goal", "add", "P1", "--metric", "revenue", "--target", "1000.00", "--start", "2026-01-01",
          "--due", "2026-12-31", "--name", "reached")
    goals = {g["name"]: g for g in ws.js("goal", "list", "P1")["goals"]}
    eq(goals["rev"]["actual"], actual, "actual: the won deals")
    want = fm.projection(daily, "2026-01-01", "2026-12-31", fm.TODAY)
    got = goals["rev"]["projection"]
    eq((got["value"], got["low"], got["high"], got["band"]), (want["value"], want["low"], want["high"], 0.8),
       "projection and band")
    eq(goals["rev"]["projection_reason"], None, "a projection has no reason")
    # deals won, read weekly: the wins' days
    ws.ok("goal", "add", "P1", "--metric", "deals_won", "--target", "6", "--start", "2026-01-01",
          "--due", "2026-12-31", "--name", "wins")
    # gross margin, a level: every sale at 100.00 costs 10.00, so 90% at every point, a flat line
    ws.ok("goal", "add", "P1", "--metric", "gross_margin", "--target", "0.8", "--start", "2026-01-01",
          "--due", "2026-12-31", "--name", "margin")
    goals = {g["name"]: g for g in ws.js("goal", "list", "P1")["goals"]}
    wins = [m[-1][0] for *_, m in fm.SCENARIO if m[-1][1] == "won"]
    eq({k: goals["wins"]["projection"][k] for k in ("value", "low", "high")},
       fm.weekly_projection(wins, "2026-01-01", "2026-12-31", fm.TODAY), "deals won: weekly pace and band")
    eq({k: goals["margin"]["projection"][k] for k in ("value", "low", "high")},
       {"value": 0.9, "low": 0.9, "high": 0.9}, "a flat level: its value, no spread")
    table = ws.ok("goal", "list", "P1").out
    assert "PROJECTION" in table and "BAND (80%)" in table, table
    f = {g["name"]: g for g in ws.js("deal", "funnel", "P1")["goals"]}
    fig = fm.figures()
    remaining = 2000000 - actual
    eq((f["rev"]["weighted_pipeline"], f["rev"]["remaining"]), (fig["weighted"], remaining), "coverage's parts")
    fm.near(f["rev"]["coverage"], fig["weighted"] / remaining, "coverage")
    eq((f["reached"]["probability"], f["reached"]["probability_method"]), (1, "achieved"), "a reached goal: 100%")
    eq(f["reached"]["coverage"], None, "nothing left to cover")
    # a goal not started has no projection, and says why
    ws.ok("goal", "add", "P1", "--metric", "units", "--target", "50", "--start", "2026-07-01",
          "--due", "2026-09-30", "--name", "later")
    later = {g["name"]: g for g in ws.js("goal", "list", "P1")["goals"]}["later"]
    eq((later["projection"], later["projection_reason"]), (None, "not_started"), "not started")


def small_world(project_stages):
    """Q (2026) with only the deals given, all open, none ever closed (so each stage's chance is
    its default); no sales: no run rate. project_stages: [(stage, amount, close)]."""
    ws = Workspace(today="2026-06-01")
    ws.ok("project", "create", "Q", "--name", "Q", "--start", "2026-01-01", "--end", "2026-12-31")
    ws.ok("channel", "add", "direct", "--name", "Direct", "--type", "direct")
    ws.ok("product", "add", "W", "--name", "Widget", "--cost", "10.00", "--price", "100.00",
          "--effective", "2025-01-01")
    ws.ok("project", "create", "P0", "--name", "P0", "--start", "2025-01-01", "--end", "2025-12-31")
    ws.ok("sale", "add", "P0", "--date", "2025-11-05", "--customer", "ACME", "--product", "W",
          "--channel", "direct", "--quantity", "1", "--price", "100.00", "--rep", "admin")
    for i, (stage, amount, close) in enumerate(project_stages):
        ws.js("deal", "add", "Q", "--title", f"d{i}", "--customer", "ACME", "--channel", "direct",
              "--stage", stage, "--amount", amount, "--expected-close", close)
    return ws


@test
def probability_meets_its_known_cases():
    # one deal at 50% (proposal) for exactly the gap
    ws = small_world([("proposal", "5000.00", "2026-08-01")])
    ws.ok("goal", "add", "Q", "--metric", "revenue", "--target", "5000.00", "--start", "2026-01-01",
          "--due", "2026-12-31", "--name", "half")
    ws.ok("goal", "add", "Q", "--metric", "deals_won", "--target", "1", "--start", "2026-01-01",
          "--due", "2026-12-31", "--name", "one")
    ws.ok("goal", "add", "Q", "--metric", "revenue", "--target", "5000.01", "--start", "2026-01-01",
          "--due", "2026-12-31", "--name", "beyond")
    ws.ok("goal", "add", "Q", "--metric", "revenue", "--target", "5000.00", "--start", "2026-01-01",
          "--due", "2026-07-31", "--name", "too soon")
    g = {x["name"]: x for x in ws.js("deal", "funnel", "Q")["goals"]}
    for name in ("half", "one"):
        p = g[name]["probability"]
        assert abs(p - 0.5) <= three_sigma(0.5), f"{name}: {p} not within 3 sigma of 0.5"
        eq((g[name]["probability_method"], g[name]["deals"]), ("simulation", 1), name)
        fm.near(g[name]["probability_error"], math.sqrt(p * (1 - p) / RUNS), f"{name}: its error", 1e-4)
    fm.near(g["half"]["coverage"], 0.5, "coverage: 2,500.00 weighted of 5,000.00")
    eq(g["beyond"]["probability"], 0, "a gap one cent beyond the deal: never")
    eq(g["too soon"]["probability"], 0, "a deal expected after the due date: never")
    again = {x["name"]: x for x in ws.js("deal", "funnel", "Q")["goals"]}
    eq(again["half"]["probability"], g["half"]["probability"], "same data, same seed: same answer")
    other = {x["name"]: x for x in ws.js("deal", "funnel", "Q", "--seed", "7")["goals"]}
    assert abs(other["half"]["probability"] - 0.5) <= three_sigma(0.5), other["half"]

    # two deals at 25% (qualified), either closing the gap
    ws = small_world([("qualified", "300.00", "2026-07-01"), ("qualified", "300.00", "2026-09-01")])
    ws.ok("goal", "add", "Q", "--metric", "revenue", "--target", "300.00", "--start", "2026-01-01",
          "--due", "2026-12-31", "--name", "either")
    p = ws.js("deal", "funnel", "Q")["goals"][0]["probability"]
    want = 1 - 0.75 ** 2
    assert abs(p - want) <= three_sigma(want), f"two deals: {p} vs {want}"

    # nothing in the pipeline and no sales: no way to the target
    ws = small_world([])
    ws.ok("goal", "add", "Q", "--metric", "revenue", "--target", "300.00", "--start", "2026-01-01",
          "--due", "2026-12-31", "--name", "none")
    g = ws.js("deal", "funnel", "Q")["goals"][0]
    # twelve weeks of history, each without a sale: the run rate adds nothing
    eq((g["probability"], g["deals"], g["run_rate_weeks"], g["expected_at_due"]), (0, 0, 12, 0),
       "no pipeline, no run rate")
    eq(g["coverage"], 0, "no pipeline covers nothing")


@test
def bad_options_name_the_option_and_outsiders_see_nothing():
    ws, _ = world()
    r = ws.fail("deal", "funnel", "P1", "--by", "region", code=2)
    assert "--by" in r.err, r.err
    r = ws.fail("deal", "funnel", "P1", "--seed", "-1", code=65)
    assert "seed" in r.err, r.err
    r = ws.fail("deal", "funnel", "P1", "--as-of", "2026-13-01")
    assert "as-of" in r.err, r.err
    ws.ok("user", "add", "out", "--name", "Out", "--role", "rep")
    ws.fail("deal", "funnel", "P1", as_="out", code=1, contains="no project")
    # a viewer of the project reads it
    eq(ws.js("deal", "funnel", "P1", as_="vic")["all"]["won"], fm.figures()["won"], "a viewer reads it")


if __name__ == "__main__":
    run_all()
