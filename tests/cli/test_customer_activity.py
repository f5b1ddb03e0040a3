"""test_customer_activity.py - new customers and retention come from customers'
purchase days kept on write (customer_activity), never from the sales.

After every kind of write (import, add, update moving a sale to another day,
customer, segment, channel, product or rep, delete, a dated cost change that
re-costs) the goals' values equal a recomputation written here from the raw
rows (read with SQL, counted by plain Python), customer_activity holds exactly
the days the sales give, and `db check` is clean. Then the sales are deleted
behind the program's back: the goals still show the same values, so no goal
read a sale.
"""
import os
import sys
from datetime import date, timedelta

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403

EPOCH = date(1970, 1, 1)
TODAY = "2026-06-30"


def day(s):
    return (date.fromisoformat(s) - EPOCH).days


def div_round(a, b):
    q = (2 * abs(a) + b) // (2 * b)
    return q if a >= 0 else -q


def setup(ws):
    for login in ("rita", "rob"):
        ws.ok("user", "add", login, "--name", login.title(), "--role", "rep")
    for p in ("P1", "P2"):
        ws.ok("project", "create", p, "--name", p, "--start", "2026-01-01", "--end",
              "2026-12-31")
        ws.ok("member", "add", p, "rita")
        ws.ok("member", "add", p, "rob")
    ws.ok("segment", "add", "SMB", "--name", "SMB")
    ws.ok("segment", "add", "ENT", "--name", "ENT")
    for c in ("direct", "tmall"):
        ws.ok("channel", "add", c, "--name", c, "--type", "direct" if c == "direct" else "ecommerce")
    for sku in ("A", "B"):
        ws.ok("product", "add", sku, "--name", sku, "--cost", "5.00", "--price", "10.00",
              "--effective", "2025-01-01")


def ids(ws):
    q = lambda sql: {k: v for k, v in ws.sql(sql)}
    return {"segment": q("SELECT code, id FROM segments"),
            "channel": q("SELECT code, id FROM channels"),
            "product": q("SELECT sku, id FROM products"),
            "rep": q("SELECT login, id FROM users")}


# goals: (metric, project, scope) over 2026-04-01..2026-06-30, cohort 2026-01-01..03-31
SCOPES = [{}, {"channel": "direct"}, {"product": "B"}, {"rep": "rita"}, {"segment": "SMB"}]
START, DUE = "2026-04-01", "2026-06-30"


def add_goals(ws):
    out = []
    for metric, target in (("new_customers", "5"), ("retention_rate", "0.5")):
        for sc in SCOPES:
            args = ["goal", "add", "P1", "--metric", metric, "--target", target, "--start",
                    START, "--due", DUE, "--rationale", "test"]
            for k, v in sc.items():
                args += ["--scope", f"{k}={v}"]
            out.append((ws.js(*args)["id"], metric, sc))
    return out


COLS = {"segment": 6, "channel": 3, "product": 4, "rep": 5}


def sales(ws):
    return ws.sql("SELECT project_id, sold_on, customer_id, channel_id, product_id, rep_id, "
                  "segment_id FROM sales")


def expected(ws, rows, metric, scope, idmap):
    """The goal's actual by SPEC.md's definitions, from the raw rows."""
    p1 = ws.sql("SELECT id FROM projects WHERE code = 'P1'")[0][0]
    keys = {COLS[k]: idmap[k][v] for k, v in scope.items()}
    inscope = [r for r in rows if all(r[c] == v for c, v in keys.items())]
    frm, to = day(START), min(day(TODAY), day(DUE))
    first = {}
    for r in rows:
        first[r[2]] = min(first.get(r[2], r[1]), r[1])
    now = {r[2] for r in inscope if r[0] == p1 and frm <= r[1] <= to}
    if metric == "new_customers":
        return len({c for c in now if frm <= first[c] <= to})
    cohort = {r[2] for r in inscope if day("2026-01-01") <= r[1] <= day("2026-03-31")}
    if not cohort:
        return None
    return div_round(len(cohort & now) * 10000, len(cohort))


def actuals(ws, goals):
    got = {g["id"]: g for g in ws.js("goal", "list", "P1")["goals"]}
    out = {}
    for gid, metric, _ in goals:
        a = got[gid]["actual"]
        out[gid] = a if metric == "new_customers" or a is None else int(round(a * 10000))
    return out


def add_days(d, text):
    """Add a days text's lines to d ({day: lines}): "D" or "D:N" entries, "+D" for D days
    after the previous entry."""
    cur = 0
    for e in (str(text).split(",") if text not in (None, "") else []):
        n = 1
        if ":" in e:
            e, n = e.split(":")
        cur = cur + int(e[1:]) if e.startswith("+") else int(e)
        d[cur] = d.get(cur, 0) + int(n)
    return d


def stored_days(ws):
    """A customer's days as {(project, dim, key, customer): {day: lines}}: the lines of its
    customer_days parts and of its activity row's recent days, summed."""
    out = {}
    for p, dim, key, cust, days in ws.sql(
            "SELECT project_id, dim, key_id, customer_id, days FROM customer_days UNION ALL "
            "SELECT project_id, dim, key_id, customer_id, recent FROM customer_activity "
            "WHERE recent <> ''"):
        add_days(out.setdefault((p, dim, key, cust), {}), days)
    return out


B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def stored_spans(ws):
    """customer_activity as {(project, dim, key, customer): (first_on, set of days)}: 9-char
    entries, a span (day // 32 + 131072) in 3 base64 digits and its days' bitmap in 6."""
    out = {}
    for p, dim, key, cust, first, spans in ws.sql(
            "SELECT project_id, dim, key_id, customer_id, first_on, spans FROM customer_activity"):
        assert len(spans) % 9 == 0, spans
        days = set()
        for i in range(0, len(spans), 9):
            v = 0
            for ch in spans[i:i + 9]:
                v = v * 64 + B64.index(ch)
            span, mask = v >> 36, v & (2**36 - 1)
            assert mask < 2**32, spans
            days |= {(span - 131072) * 32 + b for b in range(32) if mask >> b & 1}
        out[(p, dim, key, cust)] = (first, days)
    return out


def want_activity(ws, rows):
    tracked = set(ws.sql("SELECT dim, key_id FROM customer_scopes"))
    out = {}
    for r in rows:
        keys = [("all", 0)] + [(dim, r[c] or 0) for dim, c in COLS.items()
                                if (dim, r[c] or 0) in tracked]
        for dim, key in keys:
            k = (r[0], dim, key, r[2])
            first, d = out.get(k, (r[1], {}))
            d[r[1]] = d.get(r[1], 0) + 1
            out[k] = (min(first, r[1]), d)
    return out


def verify(ws, goals, idmap, what):
    rows = sales(ws)
    got = actuals(ws, goals)
    for gid, metric, sc in goals:
        eq(got[gid], expected(ws, rows, metric, sc, idmap), f"{what}: {metric} {sc}")
    want = want_activity(ws, rows)
    eq(stored_days(ws), {k: d for k, (_, d) in want.items()}, f"{what}: customer_days")
    eq(stored_spans(ws), {k: (f, set(d)) for k, (f, d) in want.items()},
       f"{what}: customer_activity")
    first = {}
    for r in rows:
        first[r[2]] = min(first.get(r[2], r[1]), r[1])
    for cid, f in ws.sql("SELECT id, first_sale_on FROM customers"):
        eq(f, first.get(cid), f"{what}: first purchase of customer {cid}")
    ws.ok("db", "check")


def import_csv(ws, project, lines, name):
    text = "date,customer,product,channel,rep,quantity,unit_price,discount,promotion,segment\r\n"
    text += "".join(f"{d},{c},{p},{ch},{rep},1,10.00,,,{seg}\r\n"
                    for d, c, p, ch, rep, seg in lines)
    ws.write(name, text)
    ws.ok("sale", "import", project, ws.path(name))


def add(ws, project, d, cust, product="A", channel="direct", rep="rita", segment=None):
    args = ["sale", "add", project, "--date", d, "--customer", cust, "--product", product,
            "--channel", channel, "--rep", rep, "--quantity", "1", "--price", "10.00"]
    if segment:
        args += ["--segment", segment]
    return ws.js(*args)["id"]


def scenario(ws):
    setup(ws)
    idmap = ids(ws)
    # some history before the goals exist: their scopes are built from it
    import_csv(ws, "P1", [
        ("2026-01-10", "Ann", "A", "direct", "rita", "SMB"),
        ("2026-02-03", "Ann", "B", "tmall", "rob", "SMB"),
        ("2026-03-15", "Bo", "B", "direct", "rob", "ENT"),
        ("2026-03-15", "Bo", "B", "direct", "rob", "ENT"),
        ("2026-03-20", "Cy", "A", "tmall", "rita", ""),
    ], "h.csv")
    import_csv(ws, "P2", [("2026-02-11", "Di", "B", "direct", "rita", "SMB"),
                          ("2026-04-02", "Ed", "A", "direct", "rob", "")], "h2.csv")
    goals = add_goals(ws)
    verify(ws, goals, idmap, "after the goals")
    import_csv(ws, "P1", [
        ("2026-04-05", "Ann", "A", "direct", "rita", "SMB"),
        ("2026-04-06", "Fay", "B", "direct", "rita", "SMB"),
        ("2026-04-06", "Fay", "B", "direct", "rita", "SMB"),
        ("2026-05-01", "Di", "A", "tmall", "rob", "SMB"),
        ("2026-05-02", "Gus", "A", "direct", "rob", "ENT"),
        ("2026-06-20", "Ed", "B", "tmall", "rita", ""),
    ], "i.csv")
    verify(ws, goals, idmap, "after an import")
    sid = add(ws, "P1", "2026-04-10", "Hal", product="B")
    verify(ws, goals, idmap, "after an add")
    for opt, val, what in (("--date", "2026-03-01", "a move to another day"),
                           ("--customer", "Bo", "a move to another customer"),
                           ("--channel", "tmall", "a move to another channel"),
                           ("--product", "A", "a move to another product"),
                           ("--rep", "rob", "a move to another rep"),
                           ("--date", "2026-05-05", "a move back into the window")):
        ws.ok("sale", "update", "P1", str(sid), opt, val)
        verify(ws, goals, idmap, f"after {what}")
    # segment: the sale moves to a customer of another segment
    ws.ok("sale", "update", "P1", str(sid), "--customer", "Ann")
    verify(ws, goals, idmap, "after a move to another segment")
    # Fay's first day goes, then her first sale altogether
    fay = ws.sql("SELECT s.id FROM sales s JOIN customers c ON c.id = s.customer_id "
                 "WHERE c.name = 'Fay' ORDER BY s.id")
    ws.ok("sale", "delete", "P1", str(fay[0][0]))
    verify(ws, goals, idmap, "after deleting one of two lines of a day")
    ws.ok("sale", "delete", "P1", str(fay[1][0]))
    verify(ws, goals, idmap, "after deleting a customer's only day")
    # Di's first purchase is in P2: deleting it moves her first purchase into the window
    di = ws.sql("SELECT s.id FROM sales s JOIN customers c ON c.id = s.customer_id "
                "WHERE c.name = 'Di' AND s.sold_on = ?", day("2026-02-11"))[0][0]
    ws.ok("sale", "delete", "P2", str(di))
    verify(ws, goals, idmap, "after deleting a first purchase in another project")
    ws.ok("product", "update", "B", "--cost", "6.00", "--effective", "2026-04-01",
          "--reason", "supplier")
    verify(ws, goals, idmap, "after a dated cost change")
    return goals, idmap


@test
def customer_metrics_follow_every_write():
    ws = Workspace(today=TODAY)
    scenario(ws)


@test
def goals_read_no_sales_after_a_write():
    ws = Workspace(today=TODAY)
    goals, idmap = scenario(ws)
    add(ws, "P1", "2026-06-01", "Ivy", product="B")
    before = actuals(ws, goals)
    eq(before, {gid: expected(ws, sales(ws), m, sc, idmap) for gid, m, sc in goals},
       "values before the sales are hidden")
    assert any(v for v in before.values()), before
    ws.sql("DELETE FROM sales")
    eq(actuals(ws, goals), before, "goal values with the sales table emptied behind our back")


@test
def migration_builds_the_activity_from_the_sales():
    """Migration 007 run again on a database whose activity is gone gives the same rows
    (its SQL form: absolute days in any order) and the same values."""
    ws = Workspace(today=TODAY)
    goals, idmap = scenario(ws)
    before = actuals(ws, goals)
    scopes = sorted(ws.sql("SELECT dim, key_id FROM customer_scopes"))
    eq(len(scopes), 4, "the four one-key scopes the goals name are kept")
    # 034 undone: the customers' all-time sums back in sale_rollup's 'customer' rows
    ws.sql("INSERT INTO sale_rollup (project_id, day, dim, key_id, lines, quantity, "
           "amount_minor, cost_minor, discount_minor) SELECT project_id, 0, 'customer', "
           "customer_id, lines, quantity, amount_minor, cost_minor, discount_minor "
           "FROM customer_activity WHERE dim = 'all' AND key_id = 0")
    for t in ("customer_activity", "customer_days", "customer_scopes"):
        ws.sql(f"DROP TABLE {t}")
    # 007 builds the rows in its form, 009 makes them part 0 of customer_days in parts
    # 007 and every migration after it run again: those after 009 are undone first
    # (a new migration must be undone here too: the check below names it)
    # (035's column went with customer_activity)
    eq(ws.sql("SELECT MAX(version) FROM schema_migrations"), [(35,)],
       "the migrations this test undoes end at 035")
    for stmt in ("DROP TABLE project_closed_terms", "DROP TABLE project_reviews", "DROP TABLE project_lessons",
                 *(f"ALTER TABLE projects DROP COLUMN {c}" for c in ("closed_at", "closed_by", "close_note")),
                 "DROP TABLE adjustments", "DROP INDEX IF EXISTS sale_rollup_workspace",
                 "DROP TABLE alerts", "DROP TABLE alert_settings",
                 "DROP TABLE webhook_attempts", "DROP TABLE webhook_deliveries",
                 "DROP TABLE webhook_cursor", "DROP TABLE webhook_settings", "DROP TABLE webhooks",
                 "DROP TABLE notification_settings", "DROP TABLE notifications", "DROP TABLE comments",
                 "DROP TABLE calendar_feeds", "DROP TABLE meeting_items",
                 "DROP TABLE meeting_attendees", "DROP TABLE meetings",
                 "DROP TABLE task_deps", "DROP TABLE tasks", "DROP TABLE expenses", "DROP TABLE budget_lines", "DROP TABLE risks",
                 "DROP TABLE receipts", "DROP TABLE collections", "DROP TABLE problem_sla",
                 "DROP TABLE problem_history", "DROP TABLE problems",
                 "DROP TABLE feedback", "DROP TABLE activities",
                 "DROP TABLE quotas", "DROP TABLE quota_splits", "DROP TABLE assignments",
                 "DROP TABLE attendances", "DROP TABLE trainings", "DROP TABLE raci", "DROP TABLE skills",
                 "ALTER TABLE members DROP COLUMN capacity_bp", "ALTER TABLE members DROP COLUMN territory",
                 "DROP TABLE project_segments", "DROP TABLE project_channels",
                 "DROP TABLE project_promotions", "ALTER TABLE sale_rollup DROP COLUMN discount_minor",
                 *(f"ALTER TABLE segments DROP COLUMN {c}" for c in ("region", "industry", "company_size")),
                 "ALTER TABLE products DROP COLUMN competitor_price_minor", "ALTER TABLE channels DROP COLUMN active",
                 *(f"ALTER TABLE promotions DROP COLUMN {c}" for c in ("products", "channels", "segments")),
                 "DROP TABLE interviews", "DROP TABLE candidates", "ALTER TABLE positions DROP COLUMN project_id",
                 "DROP TABLE deal_views", "DROP TABLE deal_rollup", "DROP TABLE deal_pipelines",
                 "DROP TABLE deal_history", "DROP TABLE deal_lines", "DROP INDEX sales_deal",
                 "ALTER TABLE sales DROP COLUMN deal_id", "DROP TABLE deals", "DROP TABLE deal_stages"):
        ws.sql(stmt)
    ws.sql("DELETE FROM schema_migrations WHERE version >= 7")
    ws.sql("UPDATE customers SET first_sale_on = NULL")
    verify(ws, goals, idmap, "after migration 007 again")  # its first command migrates
    eq(sorted(ws.sql("SELECT dim, key_id FROM customer_scopes")), scopes, "scopes rebuilt")
    eq(actuals(ws, goals), before, "values after the migration")


def parts(ws, name):
    """customer_days rows of the customer named, as {part: days text} ('all' scope)."""
    return {part: days for part, days in ws.sql(
        "SELECT d.part, d.days FROM customer_days d JOIN customers c ON c.id = d.customer_id "
        "WHERE c.name = ? AND d.dim = 'all'", name)}


def recent(ws, name):
    """The days of the customer named kept in its 'all' activity row, as {day: lines}."""
    rows = ws.sql("SELECT a.recent FROM customer_activity a JOIN customers c "
                  "ON c.id = a.customer_id WHERE c.name = ? AND a.dim = 'all'", name)
    return add_days({}, rows[0][0] if rows else "")


@test
def imports_add_parts_that_a_removal_compacts():
    """An import's customer with many days gets a customer_days part of its own (its history
    is not rewritten); a second import adds another; single writes merge into part 0; a
    removal sums every part into part 0. After each step the days, spans, goals and
    `db check` agree with the sales."""
    ws = Workspace(today=TODAY)
    setup(ws)
    goals = add_goals(ws)
    idmap = ids(ws)
    first = [(f"2026-0{m}-{d:02d}", "Jo", "A" if d % 2 else "B", "direct", "rita", "SMB")
             for m in (1, 4, 5) for d in (3, 9, 17)]
    import_csv(ws, "P1", first + [("2026-04-07", "Kim", "A", "tmall", "rob", "")], "a.csv")
    verify(ws, goals, idmap, "after an import of many days")
    eq(len(parts(ws, "Jo")), 1, "Jo's nine days: one part")
    eq(parts(ws, "Kim"), {}, "Kim's one day: no customer_days row")
    eq(recent(ws, "Kim"), {day("2026-04-07"): 1}, "Kim's one day: in the activity row")
    # again, with days already there (their lines add up) and new ones
    again = [(f"2026-0{m}-{d:02d}", "Jo", "A", "tmall", "rob", "SMB")
             for m in (1, 5, 6) for d in (3, 11, 17)]
    import_csv(ws, "P1", again, "b.csv")
    verify(ws, goals, idmap, "after a second import into the same days")
    eq(len(parts(ws, "Jo")), 2, "the second import's part beside the first")
    add(ws, "P1", "2026-06-02", "Jo", product="B")
    verify(ws, goals, idmap, "after an add")
    eq(len(parts(ws, "Jo")), 2, "a single write adds no part")
    eq(recent(ws, "Jo"), {day("2026-06-02"): 1}, "a single write's day: in the activity row")
    jo = ws.sql("SELECT s.id FROM sales s JOIN customers c ON c.id = s.customer_id "
                "WHERE c.name = 'Jo' AND s.sold_on = ? ORDER BY s.id", day("2026-05-03"))
    eq(len(jo), 2, "two lines on 2026-05-03, one from each import")
    ws.ok("sale", "delete", "P1", str(jo[0][0]))
    verify(ws, goals, idmap, "after deleting one of a day's two lines")
    eq(list(parts(ws, "Jo")), [0], "a removal leaves one part")
    eq(recent(ws, "Jo"), {}, "a removal moves the recent days into it (more than eight)")
    ws.ok("sale", "delete", "P1", str(jo[1][0]))
    verify(ws, goals, idmap, "after deleting the day's other line")
    # a part whose days differ from the sales is found
    ws.sql("UPDATE customer_days SET days = days || ',+1' WHERE customer_id = "
           "(SELECT id FROM customers WHERE name = 'Jo') AND dim = 'all'")
    ws.fail("db", "check", contains="customer days")


@test
def single_writes_keep_eight_days_in_the_activity_row():
    """A customer's first eight days from single writes stay in its activity row; the ninth
    moves all nine, appended, to part 0 of customer_days, and the row starts again; a
    removal of a day kept there, or in part 0, takes exactly that day away."""
    ws = Workspace(today=TODAY)
    setup(ws)
    goals = add_goals(ws)
    idmap = ids(ws)
    dates = [f"2026-05-{d:02d}" for d in range(1, 12)]
    for d in dates[:8]:
        add(ws, "P1", d, "Lee")
    add(ws, "P1", dates[0], "Lee")  # a second line on a day already kept: its count, not a day
    verify(ws, goals, idmap, "after eight days of single writes")
    eq(parts(ws, "Lee"), {}, "eight days: no customer_days row")
    eq(recent(ws, "Lee"), {**{day(d): 1 for d in dates[:8]}, day(dates[0]): 2},
       "eight days in the activity row, the first with two lines")
    add(ws, "P1", dates[8], "Lee")
    verify(ws, goals, idmap, "after the ninth day")
    eq(list(parts(ws, "Lee")), [0], "nine days: moved to part 0")
    eq(recent(ws, "Lee"), {}, "the activity row starts again")
    add(ws, "P1", dates[9], "Lee")
    add(ws, "P1", dates[10], "Lee")
    verify(ws, goals, idmap, "after two more days")
    eq(recent(ws, "Lee"), {day(dates[9]): 1, day(dates[10]): 1}, "the new days in the row")
    lee = dict(ws.sql("SELECT s.sold_on, MAX(s.id) FROM sales s JOIN customers c "
                      "ON c.id = s.customer_id WHERE c.name = 'Lee' GROUP BY s.sold_on"))
    ws.ok("sale", "delete", "P1", str(lee[day(dates[10])]))
    verify(ws, goals, idmap, "after deleting a day kept in the row")
    ws.ok("sale", "delete", "P1", str(lee[day(dates[0])]))
    verify(ws, goals, idmap, "after deleting one of a day's two lines in part 0")
    eq(sum(recent(ws, "Lee").values()) + len(parts(ws, "Lee")), 1,
       "ten days left: in part 0 alone (more than eight)")
    # a recent day that differs from the sales is found
    ws.sql("UPDATE customer_activity SET recent = ? WHERE dim = 'all' AND customer_id = "
           "(SELECT id FROM customers WHERE name = 'Lee')", str(day("2026-07-01")))
    ws.fail("db", "check", contains="customer days")


@test
def db_check_reports_a_drifted_day():
    ws = Workspace(today=TODAY)
    setup(ws)
    add(ws, "P1", "2026-04-10", "Ann")
    add(ws, "P1", "2026-04-12", "Ann")
    ws.ok("db", "check")
    # Ann's two days are kept in her activity row (recent), and may lie in customer_days too
    for table, col in (("customer_activity", "recent"), ("customer_days", "days")):
        if table == "customer_days":
            ws.sql("INSERT INTO customer_days (project_id, dim, key_id, customer_id, part, days) "
                   "SELECT project_id, dim, key_id, customer_id, 0, recent FROM customer_activity "
                   "WHERE dim = 'all'")
            ws.sql("UPDATE customer_activity SET recent = ''")
            ws.ok("db", "check")
        ws.sql(f"UPDATE {table} SET {col} = ? WHERE dim = 'all'", str(day("2026-04-10")))
        ws.fail("db", "check", contains="customer days")
        ws.sql(f"UPDATE {table} SET {col} = ? WHERE dim = 'all'",
               f"{day('2026-04-12')}:1,{day('2026-04-10')}:1")
        ws.ok("db", "check")  # the migration's form: absolute days in any order
    spans = ws.sql("SELECT spans FROM customer_activity")[0][0]
    ws.sql("UPDATE customer_activity SET spans = ?", spans[:-1] + ("B" if spans[-1] == "A" else "A"))
    ws.fail("db", "check", contains="customer activity")
    ws.sql("UPDATE customer_activity SET spans = ?", spans)
    ws.ok("db", "check")
    ws.sql("UPDATE customers SET first_sale_on = ?", day("2026-04-12"))
    ws.fail("db", "check", contains="first purchase")


if __name__ == "__main__":
    run_all()
