"""test_forecast.py - GET /api/v1/projects/{code}/pipeline over HTTP, on SQLite and PostgreSQL:
the funnel (reached, conversion, median days per stage), win rate, average deal size, median
days to win, the weighted pipeline, each stage's learned chance and the slippage, for the
project and by owner and by channel; each goal's projection with its band, coverage and
probability. Expected values come from tests/lib/forecast_model.py, computed from the deals
this test moved through their stages day by day (the CLI with SALESPM_TODAY), then from a
move over the API. The probability meets its known cases with deals made over the API; the
answer is kept per data version (a write changes it, the same data and seed give the same
body); a bad seed or day is a 422 naming the field."""
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import Env, expect_error, workspace  # noqa: E402
from harness import eq, pw, run_all, test  # noqa: E402
import forecast_model as fm  # noqa: E402

BASE = "/api/v1/projects/P1"
RUNS = 10000


def three_sigma(p):
    return 3 * math.sqrt(p * (1 - p) / RUNS)


def setup():
    """P1 over 2026 with mgr (manager), rep and rep2 (members), vw (viewer), out (no project);
    rita and rob (reps on P1) own the scenario's deals, made and moved day by day."""
    ws = workspace(("mgr", "rep", "vw", "out"), channels=("direct",), today="2025-12-01")
    for login in ("rita", "rob", "mona"):
        ws.write(f"{login}.pw", pw(login) + "\n")
        ws.ok("user", "add", login, "--name", login.title(), "--role", "manager" if login == "mona" else "rep",
              "--password-file", ws.path(f"{login}.pw"))
        ws.ok("member", "add", "P1", login, "--role", "manager" if login == "mona" else "member")
    ws.ok("channel", "add", "partner", "--name", "Partner", "--type", "partner")
    ws.ok("product", "add", "W", "--name", "Widget", "--cost", "10.00", "--price", "100.00",
          "--effective", "2025-01-01")
    ws.ok("project", "create", "P0", "--name", "P0", "--start", "2025-01-01", "--end", "2025-12-31")
    ws.ok("sale", "add", "P0", "--date", "2025-11-05", "--customer", "ACME", "--product", "W",
          "--channel", "direct", "--quantity", "1", "--price", "100.00", "--rep", "admin")
    ids = fm.build(ws)
    ws.ok("goal", "add", "P1", "--metric", "revenue", "--target", "20000.00", "--start", "2026-01-01",
          "--due", "2026-12-31", "--name", "rev")
    ws.env["SALESPM_TODAY"] = fm.TODAY
    return ws, ids


def check_all(got, scenario):
    fm.check_stats(got["all"], fm.figures(scenario), "all")
    for key, idx in (("by_owner", 1), ("by_channel", 2)):
        groups = {o["key"]: o for o in got[key]}
        eq(sorted(groups), sorted({x[idx] for x in scenario}), key)
        for k, o in groups.items():
            fm.check_stats(o, fm.figures(scenario, keep=lambda x, k=k, i=idx: x[i] == k), f"{key} {k}")
    s = fm.slips(scenario)
    eq(got["model"]["slippage_samples"], len(s), "slippage samples")
    fm.near(got["model"]["median_slippage_days"], fm.median(s), "median slippage", 0.05)
    goal = next(g for g in got["goals"] if g["name"] == "rev")
    daily = fm.won_daily(scenario)
    eq(goal["actual"], sum(daily.values()), "revenue: the won deals' sales")
    want = fm.projection(daily, "2026-01-01", "2026-12-31", fm.TODAY)
    eq({k: goal["projection"][k] for k in ("value", "low", "high")}, want, "projection")
    fig = fm.figures(scenario)
    remaining = 2000000 - goal["actual"]
    eq((goal["weighted_pipeline"], goal["remaining"]), (fig["weighted"], remaining), "coverage's parts")
    fm.near(goal["coverage"], fig["weighted"] / remaining, "coverage")


@test
def the_figures_equal_an_independent_computation_and_follow_a_move():
    ws, ids = setup()
    with Env(ws) as env:
        mgr, vw = env.as_("mona"), env.as_("vw")
        got = vw.ok("GET", BASE + "/pipeline")
        eq((got["project"], got["as_of"], got["seed"], got["runs"]), ("P1", fm.TODAY, 1, RUNS), "head")
        check_all(got, fm.SCENARIO)
        # the goal JSON carries the same projection
        goal = next(g for g in vw.ok("GET", BASE + "/goals")["goals"] if g["name"] == "rev")
        eq(goal["projection"], next(g for g in got["goals"] if g["name"] == "rev")["projection"],
           "the goal's projection")
        # the same data and seed: the same body; a write (a move over the API today) changes it
        r1, r2 = vw.get(BASE + "/pipeline"), vw.get(BASE + "/pipeline")
        eq((r1.body, r1.header("ETag")), (r2.body, r2.header("ETag")), "kept per data version")
        d6 = mgr.ok("GET", f"{BASE}/deals/{ids['D6']}")
        mgr.ok("POST", f"{BASE}/deals/{ids['D6']}/stage",
               {"stage": "qualified", "version": d6["version"]})
        moved = [x if x[0] != "D6" else x[:5] + (x[5] + [(fm.TODAY, "qualified")],) for x in fm.SCENARIO]
        check_all(vw.ok("GET", BASE + "/pipeline"), moved)
        # another seed is another answer, kept apart; as_of judges another day
        eq(vw.ok("GET", BASE + "/pipeline?seed=42")["seed"], 42, "seed")
        eq(vw.ok("GET", BASE + "/pipeline?as_of=2026-05-01")["as_of"], "2026-05-01", "as_of")
        # outsiders see nothing
        expect_error(env.as_("out").get(BASE + "/pipeline"), 404, "not_found")


@test
def the_answer_is_kept_across_a_restart():
    """At a stop the server keeps the forecasts it was asked for (table kept_answers, with the
    stamp of the data); the next start sends the kept one while the data is unchanged, and
    computes it anew after a write (a move by the CLI while no server runs)."""
    import json
    ws, ids = setup()
    with Env(ws) as env:
        first = env.as_("vw").ok("GET", BASE + "/pipeline")
    kept = {k: json.loads(b) for k, b in ws.sql("SELECT key, body FROM kept_answers")}
    key = f"pipeline/P1/{fm.days(fm.TODAY)}/1"
    eq(kept.get(key), first, "the forecast kept at the stop")
    # a kept answer marked, to see that the next start sends it rather than computing it
    marked = dict(first, seed=7)
    ws.sql("UPDATE kept_answers SET body = ? WHERE key = ?", json.dumps(marked), key)
    with Env(ws) as env:
        eq(env.as_("vw").ok("GET", BASE + "/pipeline")["seed"], 7, "sent as kept")
    ws.ok("deal", "move", "P1", str(ids["D6"]), "lost", "--reason", "budget", as_="mona")
    with Env(ws) as env:
        got = env.as_("vw").ok("GET", BASE + "/pipeline")
        eq((got["seed"], got["all"]["lost"]), (1, fm.figures()["lost"] + 1), "computed anew after a write")


@test
def bad_queries_name_the_field():
    ws, _ = setup()
    with Env(ws) as env:
        c = env.as_("rep")
        expect_error(c.get(BASE + "/pipeline?seed=-1"), 422, "invalid", field="seed", reason="out_of_range")
        expect_error(c.get(BASE + "/pipeline?seed=1000000000"), 422, "invalid", field="seed")
        expect_error(c.get(BASE + "/pipeline?seed=x"), 422, "invalid", field="seed")
        expect_error(c.get(BASE + "/pipeline?as_of=2026-02-30"), 422, "invalid", field="as_of")


def empty_p1():
    """P1 over 2026 with mgr and no deals nor sales; the customer ACME made by a sale in P0."""
    ws = workspace(("mgr",), channels=("direct",), products=("SKU-1",), today="2026-06-01")
    ws.ok("project", "create", "P0", "--name", "P0", "--start", "2025-01-01", "--end", "2025-12-31")
    ws.ok("sale", "add", "P0", "--date", "2025-11-05", "--customer", "ACME", "--product", "SKU-1",
          "--channel", "direct", "--quantity", "1", "--price", "100.00", "--rep", "admin")
    return ws


@test
def the_probability_meets_its_known_cases():
    ws = empty_p1()
    with Env(ws) as env:
        c = env.as_("mgr")
        # one deal at 50% (proposal) for exactly the gap; a goal already reached; two deals at 25%
        c.ok("POST", BASE + "/deals", {"title": "half", "customer": "ACME", "channel": "direct",
                                        "stage": "proposal", "amount": 500000,
                                        "expected_close": "2026-08-01"}, status=201)
        for name, target in (("half", 500000), ("reached", 0)):
            body = {"name": name, "metric": "deals_won" if name == "reached" else "revenue",
                    "target": target or 1, "start": "2026-01-01", "due": "2026-12-31"}
            c.ok("POST", BASE + "/goals", body, status=201)
        got = {g["name"]: g for g in c.ok("GET", BASE + "/pipeline")["goals"]}
        p = got["half"]["probability"]
        assert abs(p - 0.5) <= three_sigma(0.5), f"one deal at 50%: {p}"
        eq(got["half"]["probability_method"], "simulation", "method")
        # nothing in the pipeline for a deals-won goal of 2 beyond the one deal: never
        c.ok("POST", BASE + "/goals", {"name": "two", "metric": "deals_won", "target": 2,
                                        "start": "2026-01-01", "due": "2026-12-31"}, status=201)
        eq({g["name"]: g for g in c.ok("GET", BASE + "/pipeline")["goals"]}["two"]["probability"], 0,
           "a gap no deal can close")
        deal = c.ok("GET", BASE + "/deals")["deals"][0]
        deal = c.ok("PUT", f"{BASE}/deals/{deal['id']}/lines", {"version": deal["version"], "lines": [
            {"product": "SKU-1", "quantity": 50}]})  # 50 x 100.00: its amount as typed
        eq(deal["amount"], 500000, "the lines make the same amount")
        c.ok("POST", f"{BASE}/deals/{deal['id']}/stage", {"stage": "won", "version": deal["version"]})
        got = {g["name"]: g for g in c.ok("GET", BASE + "/pipeline")["goals"]}
        eq((got["reached"]["probability"], got["reached"]["probability_method"]), (1, "achieved"),
           "a goal already reached: 100%")
        eq(got["half"]["probability"], 1, "the deal won: reached")
    ws = empty_p1()
    with Env(ws) as env:
        c = env.as_("mgr")
        c.ok("POST", BASE + "/goals", {"name": "gap", "metric": "revenue", "target": 30000,
                                        "start": "2026-01-01", "due": "2026-12-31"}, status=201)
        g = c.ok("GET", BASE + "/pipeline")["goals"][0]
        eq((g["probability"], g["deals"]), (0, 0), "no pipeline, no run rate: 0%")
        for title in ("a", "b"):
            c.ok("POST", BASE + "/deals", {"title": title, "customer": "ACME", "channel": "direct",
                                            "stage": "qualified", "amount": 30000,
                                            "expected_close": "2026-09-01"}, status=201)
        g = c.ok("GET", BASE + "/pipeline")["goals"][0]
        want = 1 - 0.75 ** 2
        assert abs(g["probability"] - want) <= three_sigma(want), f"two deals at 25%: {g['probability']}"
        fm.near(g["coverage"], 15000 / 30000, "coverage: 2 x 300.00 x 25% of 300.00")


if __name__ == "__main__":
    run_all()
