"""test_dashboard.py - the dashboard's trend and comparison over HTTP: revenue by calendar
month (every month the project's window touches, summing to the totals), and the project's
window so far against the same dates a year earlier over the workspace's sales of the
products the project sells (29 February maps to the 28th; nothing before the project starts).

Each test runs `salespm serve` over a fresh database with "today" fixed by SALESPM_TODAY.
Expected sums are computed here from the lines the test imported, in integer cents."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import Server, Workspace, eq, run_all, test  # noqa: E402

HEADER = "date,customer,product,channel,rep,quantity,unit_price,discount"

# (date, customer, product, quantity, unit price in cents, discount in cents)
NOW = [  # project P, 2026-01-15 .. 2026-04-10; today 2026-03-15
    ("2026-01-15", "甲公司", "SKU-1", 2, 19900, 0),
    ("2026-01-31", "乙公司", "SKU-2", 5, 990, 150),
    ("2026-02-01", "甲公司", "SKU-1", 1, 20000, 0),
    ("2026-03-15", "丙公司", "SKU-2", 3, 1234, 0),
    ("2026-04-02", "甲公司", "SKU-1", 4, 19900, 100),  # after today: not counted yet
]
OLD = [  # project OLD, the year before
    ("2025-01-14", "甲公司", "SKU-1", 1, 30000, 0),  # the day before last year's window
    ("2025-01-15", "甲公司", "SKU-1", 3, 18000, 0),  # counted
    ("2025-03-15", "乙公司", "SKU-2", 7, 900, 0),    # counted: last day of the window
    ("2025-03-16", "乙公司", "SKU-2", 9, 900, 0),    # the day after
    ("2025-02-01", "丁公司", "SKU-3", 5, 50000, 0),  # a product P does not sell
]
COST = {"SKU-1": 6000, "SKU-2": 550, "SKU-3": 20000}


def amount(line):
    return line[3] * line[4] - line[5]


def sums(lines):
    rev = sum(amount(x) for x in lines)
    cost = sum(x[3] * COST[x[2]] for x in lines)
    return {"revenue": rev, "cost": cost, "gross_profit": rev - cost,
            "units": sum(x[3] for x in lines), "lines": len(lines)}


def strip_margin(s):
    return {k: v for k, v in s.items() if k != "gross_margin"}


def workspace(today):
    ws = Workspace(today=today)
    ws.ok("channel", "add", "direct", "--name", "直销", "--type", "direct")
    for sku, cost in COST.items():
        ws.ok("product", "add", sku, "--name", sku, "--cost", f"{cost / 100:.2f}", "--price", "1.00")
    return ws


def load(ws, project, start, end, lines):
    ws.ok("project", "create", project, "--name", project, "--start", start, "--end", end)
    if not lines:
        return
    body = HEADER + "\n" + "".join(
        f"{d},{c},{p},direct,admin,{q},{u / 100:.2f},{disc / 100:.2f}\n" for d, c, p, q, u, disc in lines)
    ws.write(project + ".csv", body)
    ws.ok("sale", "import", project, ws.path(project + ".csv"))


def dashboard(ws, project, query=""):
    with Server(ws) as srv:
        return srv.client("admin").ok("GET", f"/api/v1/projects/{project}/dashboard{query}")


@test
def months_cover_the_window_and_sum_to_the_totals():
    ws = workspace("2026-03-15")
    load(ws, "P", "2026-01-15", "2026-04-10", NOW)
    d = dashboard(ws, "P")
    eq([m["month"] for m in d["months"]], ["2026-01", "2026-02", "2026-03", "2026-04"],
       "every calendar month the window touches, the partial first and last included")
    # every figure counts the sales up to the as-of day (today): the April line not yet
    upto = [x for x in NOW if x[0] <= "2026-03-15"]
    for m in d["months"]:
        want = sums([x for x in upto if x[0][:7] == m["month"]])
        eq(strip_margin(m), {"month": m["month"], **want}, f"month {m['month']}")
    eq(strip_margin(d["totals"]), sums(upto), "totals")
    eq(sum(w["revenue"] for w in d["weeks"]), sums(upto)["revenue"], "the weeks sum to the totals")
    # as of the project's end, the April line counts
    d = dashboard(ws, "P", "?as_of=2026-04-10")
    eq(strip_margin(d["totals"]), sums(NOW), "totals as of the end")
    eq(strip_margin(d["months"][3]), {"month": "2026-04", **sums([NOW[4]])}, "April as of the end")
    jan = d["months"][0]
    eq(jan["gross_margin"], round(jan["gross_profit"] / jan["revenue"], 4), "a month's margin")


@test
def year_ago_counts_the_same_dates_and_products_of_the_whole_workspace():
    ws = workspace("2026-03-15")
    load(ws, "OLD", "2025-01-01", "2025-12-31", OLD)
    load(ws, "P", "2026-01-15", "2026-04-10", NOW)
    y = dashboard(ws, "P")["year_ago"]
    eq((y["from"], y["to"], y["last_year_from"], y["last_year_to"]),
       ("2026-01-15", "2026-03-15", "2025-01-15", "2025-03-15"), "windows: start .. today, a year back")
    eq(strip_margin(y["current"]), sums([x for x in NOW if x[0] <= "2026-03-15"]),
       "this year so far leaves out the line dated after today")
    eq(strip_margin(y["last_year"]), sums([OLD[1], OLD[2]]),
       "last year: only the same dates, only SKU-1 and SKU-2 (P does not sell SKU-3)")


@test
def year_ago_after_the_end_before_the_start_and_on_a_leap_day():
    ws = workspace("2028-03-01")
    load(ws, "P", "2026-01-15", "2026-04-10", NOW)
    load(ws, "LEAP", "2028-02-29", "2028-03-31", [("2028-02-29", "甲公司", "SKU-1", 1, 10000, 0)])
    load(ws, "LATER", "2028-06-01", "2028-06-30", [])
    load(ws, "PREV", "2027-01-01", "2027-12-31", [("2027-02-28", "乙公司", "SKU-1", 2, 10000, 0),
                                                 ("2027-03-02", "乙公司", "SKU-1", 4, 10000, 0)])
    with Server(ws) as srv:
        c = srv.client("admin")
        y = c.ok("GET", "/api/v1/projects/P/dashboard")["year_ago"]
        eq((y["from"], y["to"]), ("2026-01-15", "2026-04-10"), "an ended project: its whole window")
        eq(y["current"]["revenue"], sums(NOW)["revenue"], "all of it")
        y = c.ok("GET", "/api/v1/projects/LEAP/dashboard")["year_ago"]
        eq((y["last_year_from"], y["last_year_to"]), ("2027-02-28", "2027-03-01"),
           "29 February a year back is the 28th")
        eq(y["last_year"]["revenue"], 2 * 10000, "the line of 2027-02-28 only")
        eq(c.ok("GET", "/api/v1/projects/LATER/dashboard")["year_ago"], None,
           "nothing to compare before the project starts")
        eq(c.ok("GET", "/api/v1/projects/LEAP/dashboard?as_of=2028-02-28")["year_ago"], None,
           "nor as of a day before it")


if __name__ == "__main__":
    run_all()
