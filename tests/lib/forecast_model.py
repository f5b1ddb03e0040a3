"""forecast_model.py - the forecast's figures computed apart from salespm, from the records a
test made itself: each deal's stage moves with their days, its amount, owner, channel and
expected close; the sales by day. Used by tests/cli/test_forecast.py and
tests/http/test_forecast.py, which build the same pipeline (SCENARIO) through the CLI with
SALESPM_TODAY set to each move's day.

The definitions (docs/guide.md, "Forecast"): a stage's funnel count is the deals whose history
reached it or a later open stage or won; conversion = the next stage's count / this one's; a
stay in a stage lasts from entering it to the next move (open stays are not counted); a won
deal's cycle is from its first entry to its move into won; win rate = won / (won + lost) of
the deals now closed; average deal size = won amount / won deals, half up; the weighted
pipeline sums each open deal's amount x probability, each rounded half up; a stage's learned
chance is (won + 10 x default) / (closed + 10) over the deals ever at it that are now closed.
"""
from datetime import date, timedelta

STAGES = [("lead", 0.10), ("qualified", 0.25), ("proposal", 0.50), ("negotiation", 0.75)]
OPEN = [s for s, _ in STAGES]
PRIOR = 10

# Deals of project P1 (products W at 100.00): key, owner, channel, units of W, expected close,
# and the moves (day, stage), the first one its creation in lead.
SCENARIO = [
    ("D1", "rita", "direct", 10, "2026-02-20",
     [("2026-02-01", "lead"), ("2026-02-05", "qualified"), ("2026-02-15", "proposal"), ("2026-03-01", "won")]),
    ("D2", "rita", "partner", 4, "2026-03-15",
     [("2026-02-01", "lead"), ("2026-02-11", "qualified"), ("2026-03-01", "lost")]),
    ("D3", "rob", "direct", 30, "2026-03-31",
     [("2026-02-03", "lead"), ("2026-02-10", "qualified"), ("2026-02-20", "proposal"),
      ("2026-03-10", "negotiation"), ("2026-04-01", "won")]),
    ("D4", "rob", "partner", 2, None, [("2026-02-05", "lead"), ("2026-02-06", "lost")]),
    ("D5", "rita", "direct", 20, "2026-06-20", [("2026-03-01", "lead"), ("2026-03-05", "proposal")]),
    ("D6", "rob", "partner", 5, "2026-07-31", [("2026-04-01", "lead")]),
    ("D7", "rob", "direct", 7, "2026-05-01",
     [("2026-04-10", "lead"), ("2026-04-20", "qualified"), ("2026-05-08", "won")]),
]
PRICE = 10000  # W's list price in minor units
TODAY = "2026-06-15"


def d(s):
    return date.fromisoformat(s)


def days(s):
    return (d(s) - date(1970, 1, 1)).days


def half_up(num, den):
    """num / den rounded half away from zero (integers)."""
    q, r = divmod(abs(num), den)
    if 2 * r >= den:
        q += 1
    return q if num >= 0 else -q


def build(ws, project="P1", scenario=SCENARIO, as_="mona"):
    """Make the scenario's deals through the CLI, each move on its own day; returns key -> id.
    The caller's ws has the users, channels and the customer ACME."""
    events = []
    for key, owner, channel, units, close, moves in scenario:
        for i, (day, stage) in enumerate(moves):
            events.append((day, i, key, stage))
    events.sort()
    ids = {}
    info = {k: (o, c, u, e) for k, o, c, u, e, _ in scenario}
    saved = ws.env.get("SALESPM_TODAY")
    for day, i, key, stage in events:
        ws.env["SALESPM_TODAY"] = day
        owner, channel, units, close = info[key]
        if i == 0:
            args = ["deal", "add", project, "--title", key, "--customer", "ACME", "--owner", owner,
                    "--channel", channel]
            if close:
                args += ["--expected-close", close]
            ids[key] = ws.js(*args, as_=as_)["id"]
            ws.js("deal", "lines", project, str(ids[key]), "--line", f"W:{units}:100.00", as_=as_)
        else:
            extra = ["--reason", "price"] if stage == "lost" else []
            ws.js("deal", "move", project, str(ids[key]), stage, *extra, as_=as_)
    if saved is None:
        ws.env.pop("SALESPM_TODAY", None)
    else:
        ws.env["SALESPM_TODAY"] = saved
    return ids


def rank(stage):
    if stage == "won":
        return 1000
    return OPEN.index(stage) if stage in OPEN else -1


def median(v):
    v = sorted(v)
    if not v:
        return None
    n = len(v)
    return float(v[n // 2]) if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2.0


def figures(scenario=SCENARIO, keep=lambda deal: True):
    """The funnel and the pipeline's figures of the deals keep() takes."""
    deals = [x for x in scenario if keep(x)]
    out = {"open": 0, "open_amount": 0, "weighted": 0, "won": 0, "lost": 0, "won_amount": 0}
    prob = dict(STAGES)
    for key, owner, channel, units, close, moves in deals:
        amount = units * PRICE
        now = moves[-1][1]
        if now == "won":
            out["won"] += 1
            out["won_amount"] += amount
        elif now == "lost":
            out["lost"] += 1
        else:
            out["open"] += 1
            out["open_amount"] += amount
            out["weighted"] += half_up(amount * round(prob[now] * 10000), 10000)
    closed = out["won"] + out["lost"]
    out["win_rate"] = out["won"] / closed if closed else None
    out["avg_deal_size"] = half_up(out["won_amount"], out["won"]) if out["won"] else None
    out["median_days_to_win"] = median([days(m[-1][0]) - days(m[0][0])
                                        for *_, m in deals if m[-1][1] == "won"])
    funnel = []
    for s in OPEN + ["won"]:
        reached = sum(1 for *_, m in deals if max(rank(x) for _, x in m) >= rank(s))
        stays = []
        for *_, m in deals:
            for i, (day, st) in enumerate(m[:-1]):
                if st == s:
                    stays.append(days(m[i + 1][0]) - days(day))
        row = {"stage": s, "reached": reached,
               "median_days": median(stays) if s != "won" else None, "stays": len(stays)}
        if s != "won":
            ever = [m for *_, m in deals if any(x == s for _, x in m) and m[-1][1] in ("won", "lost")]
            won = sum(1 for m in ever if m[-1][1] == "won")
            row["closed"], row["closed_won"] = len(ever), won
            row["win_probability"] = (won + PRIOR * prob[s]) / (len(ever) + PRIOR)
        funnel.append(row)
    for a, b in zip(funnel, funnel[1:]):
        a["conversion"] = b["reached"] / a["reached"] if a["reached"] else None
    funnel[-1]["conversion"] = None
    out["funnel"] = funnel
    return out


def slips(scenario=SCENARIO):
    return sorted(days(m[-1][0]) - days(close) for _, _, _, _, close, m in scenario
                  if m[-1][1] == "won" and close)


# Student's t at 0.90 (the 80% band) by degrees of freedom, from tables.
T90 = {1: 3.078, 2: 1.886, 3: 1.638, 4: 1.533, 5: 1.476, 6: 1.440, 7: 1.415, 8: 1.397, 9: 1.383,
       10: 1.372, 20: 1.325, 30: 1.310}


def t90(df):
    if df in T90:
        return T90[df]
    if df <= 30:
        raise ValueError("df not in the test's table")
    return 1.296 if df <= 60 else 1.289 if df <= 120 else 1.282


def pace_projection(xs, ys, actual, ahead):
    """Today's actual carried `ahead` days at the least-squares pace of the points (xs in days,
    ys running totals), the 80% band of a random walk with that drift: sigma^2 = sum over the
    steps of (step - pace x its days)^2 / its days, over (steps - 1); se^2 = sigma^2 (ahead +
    ahead^2 / the days the points span); half width t(0.90, steps - 1) se; never below the
    actual; rounded half away from zero."""
    import math
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    b = sxy / sxx
    ss = sum(((ys[i] - ys[i - 1]) - b * (xs[i] - xs[i - 1])) ** 2 / (xs[i] - xs[i - 1]) for i in range(1, n))
    sigma = math.sqrt(ss / (n - 2))
    se = sigma * math.sqrt(ahead + ahead * ahead / (xs[-1] - xs[0]))
    v = actual + b * ahead
    h = t90(n - 2) * se

    def rnd(z):
        z = max(z, actual)
        return int(math.floor(z + 0.5)) if z >= 0 else -int(math.floor(-z + 0.5))
    return {"value": rnd(v), "low": rnd(v - h), "high": rnd(v + h)}


def projection(daily, start, due, today, weeks=12):
    """A revenue or units goal's projection: daily = {day string: amount}; the running total
    of each day of the last `weeks` weeks up to today (inside the window)."""
    s, e, t = d(start), d(due), d(today)
    xs, ys, cum = [], [], 0
    day = s
    while day <= t:
        cum += daily.get(day.isoformat(), 0)
        if (t - day).days < 7 * weeks:
            xs.append((day - s).days)
            ys.append(cum)
        day += timedelta(days=1)
    return pace_projection(xs, ys, cum, (e - t).days)


def weekly_projection(events, start, due, today, weeks=12):
    """A deals-won (or other weekly-read) goal's projection: events = the days each counted
    thing happened; the running total from the start at today and every 7 days back while
    inside the last `weeks` weeks and the window."""
    s, e, t = d(start), d(due), d(today)
    first = max(s, t - timedelta(days=7 * weeks - 1))
    ends = []
    day = t
    while day >= first and len(ends) < weeks + 1:
        ends.append(day)
        day -= timedelta(days=7)
    ends.reverse()
    xs = [(x - s).days for x in ends]
    ys = [sum(1 for ev in events if s <= d(ev) <= x) for x in ends]
    return pace_projection(xs, ys, ys[-1], (e - t).days)


def won_daily(scenario=SCENARIO):
    """The sales each won deal recorded, by its win day."""
    out = {}
    for _, _, _, units, _, m in scenario:
        if m[-1][1] == "won":
            out[m[-1][0]] = out.get(m[-1][0], 0) + units * PRICE
    return out


def near(a, b, what, tol=1e-4):
    """a equals b within tol (both None, or numbers)."""
    if a is None or b is None:
        assert a == b, f"{what}: expected {b!r}, got {a!r}"
    else:
        assert abs(a - b) <= tol, f"{what}: {a} != {b}"


def check_stats(got, want, what):
    """An answer's figures of one group (all, an owner, a channel) against figures()."""
    for k in ("open", "open_amount", "weighted", "won", "lost", "won_amount", "avg_deal_size"):
        assert got[k] == want[k], f"{what}: {k} {got[k]!r}, want {want[k]!r}"
    near(got["win_rate"], want["win_rate"], f"{what}: win rate")
    near(got["median_days_to_win"], want["median_days_to_win"], f"{what}: median days to win", 0.05)
    assert len(got["funnel"]) == len(want["funnel"]), f"{what}: stages"
    for g, w in zip(got["funnel"], want["funnel"]):
        assert (g["stage"], g["reached"], g["stays"]) == (w["stage"], w["reached"], w["stays"]), \
            f"{what}: {g} against {w}"
        near(g["conversion"], w["conversion"], f"{what} {w['stage']}: conversion")
        near(g["median_days"], w["median_days"], f"{what} {w['stage']}: median days", 0.05)
        if "win_probability" in w:
            assert (g["closed"], g["closed_won"]) == (w["closed"], w["closed_won"]), f"{what} {w['stage']}: closed"
            near(g["win_probability"], w["win_probability"], f"{what} {w['stage']}: learned chance")
