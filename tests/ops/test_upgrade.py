"""test_upgrade.py - an upgrade keeps a team's data: a database written by salespm at schema
20 (tests/fixtures/schema-20, made by tests/fixtures/make_schema20.py with that salespm) is
upgraded by today's, which first keeps a copy of it beside the file; every figure that old
salespm reported (expected.json: its own dashboard, goals, sales, customers, products, users)
is what today's reports after the upgrade; `db migrate --dry-run` lists what would run (read
here from the schema files, not from the binary) and changes nothing."""
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import BIN, ROOT, eq, run_all, test  # noqa: E402

FIXTURE = os.path.join(ROOT, "tests", "fixtures", "schema-20")
TODAY = "2026-06-30"


def copy():
    d = tempfile.mkdtemp(prefix="salespm-upgrade-")
    db = os.path.join(d, "workspace.db")
    shutil.copy(os.path.join(FIXTURE, "workspace.db"), db)
    return d, db


def salespm(db, *args):
    env = dict(os.environ, SALESPM_TODAY=TODAY)
    env.pop("SALESPM_DB", None)
    p = subprocess.run([BIN, "--db", db] + [str(a) for a in args], capture_output=True,
                       text=True, env=env, timeout=120)
    assert p.returncode == 0, f"{args}: {p.stdout}{p.stderr}"
    return p.stdout


def js(db, *args):
    return json.loads(salespm(db, "--json", *args))


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def later_migrations():
    names = sorted(os.listdir(os.path.join(ROOT, "src", "store", "schema")))
    return [n for n in names if re.match(r"\d{3}-.*\.sql$", n) and int(n[:3]) > 20]


def expected():
    with open(os.path.join(FIXTURE, "expected.json"), encoding="utf-8") as f:
        return json.load(f)


@test
def a_dry_run_lists_what_would_run_and_changes_nothing():
    d, db = copy()
    before = digest(db)
    out = js(db, "db", "migrate", "--dry-run")
    eq(out["schema"], 20, "the fixture's schema")
    eq(out["would_run"], later_migrations(), "every later migration, in order")
    eq(out["latest"], int(later_migrations()[-1][:3]), "the latest")
    eq(digest(db), before, "the file is untouched")
    eq([f for f in os.listdir(d) if f.endswith(".bak")], [], "no copy written by a dry run")
    shutil.rmtree(d)


@test
def the_upgrade_keeps_a_copy_and_every_figure_the_old_salespm_reported():
    d, db = copy()
    want = expected()
    out = js(db, "db", "migrate")
    eq(out["ran"], later_migrations(), "what ran")
    bak = os.path.join(d, "workspace.db.schema-20.bak")
    eq(out["backup"], bak, "the copy's path")
    con = sqlite3.connect(bak)
    eq(con.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0], 20,
       "the copy is the database as it was")
    eq(con.execute("SELECT COUNT(*) FROM sales").fetchone()[0], 400, "with its sales")
    con.close()
    eq(js(db, "db", "migrate")["ran"], [], "a second run has nothing to do")
    salespm(db, "db", "check")

    got = js(db, "dashboard", "H1", "--as-of", TODAY)
    old = want["dashboard"]
    eq(got["totals"], old["totals"], "the totals")
    for dim in ("channel", "segment", "product", "rep"):
        eq({r["code"]: (r["revenue"], r["cost"], r["units"], r["lines"])
            for r in got["breakdowns"][dim]},
           {r["code"]: (r["revenue"], r["cost"], r["units"], r["lines"])
            for r in old["breakdowns"][dim]}, f"by {dim}")
    eq([(w["week"], w["revenue"], w["units"]) for w in got["weeks"]],
       [(w["week"], w["revenue"], w["units"]) for w in old["weeks"]], "the weeks")
    eq([(m["month"], m["revenue"], m["cost"]) for m in got["months"]],
       [(m["month"], m["revenue"], m["cost"]) for m in old["months"]], "the months")
    goal_figures = lambda gs: {(g["id"], g["metric"]): (g["target"], g["actual"], g["progress"])
                               for g in gs}
    eq(goal_figures(js(db, "goal", "list", "H1")["goals"]), goal_figures(want["goals"]["goals"]),
       "each goal's target, actual and progress")
    sale_row = lambda s: (s["id"], s["date"], s["customer"], s["product"], s["channel"],
                          s["rep"], s["segment"], s["quantity"], s["unit_price"],
                          s["discount"], s["amount"], s["cost"], s["version"])
    eq(sorted(sale_row(s) for s in js(db, "sale", "list", "H1")["sales"]),
       sorted(sale_row(s) for s in want["sales"]["sales"]), "every sale")
    cust = lambda c: (c["id"], c["name"], c["segment"], c["first_sale"], c["lines"], c["revenue"])
    eq(sorted(cust(c) for c in js(db, "customer", "list")["customers"]),
       sorted(cust(c) for c in want["customers"]["customers"]), "every customer")
    prod = lambda p: (p["sku"], p["name"], p["cost"], p["price"], p["version"])
    eq(sorted(prod(p) for p in js(db, "product", "list")["products"]),
       sorted(prod(p) for p in want["products"]["products"]), "every product")
    user = lambda u: (u["login"], u["name"], u["role"], u["active"])
    eq(sorted(user(u) for u in js(db, "user", "list")["users"]),
       sorted(user(u) for u in want["users"]["users"]), "every user")
    # and the upgraded workspace takes new work: a risk (a noun schema 20 did not have)
    salespm(db, "risk", "add", "H1", "--description", "渠道压货", "--category", "channel",
            "--probability", "3", "--impact", "4",
            "--owner", "li.na")
    eq(len(js(db, "risk", "list", "H1")["risks"]), 1, "a risk recorded after the upgrade")
    shutil.rmtree(d)


def schema_of(db):
    """A database's tables with their columns (name, type, not null, key) and its indexes."""
    con = sqlite3.connect(db)
    try:
        out = {}
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                   "name NOT LIKE 'sqlite_%' ORDER BY name"):
            out[name] = [r[1:4] + (r[5],) for r in con.execute(f"PRAGMA table_info('{name}')")]
        out["(indexes)"] = sorted(r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'"))
        return out
    finally:
        con.close()


@test
def an_upgraded_database_has_the_schema_of_a_new_one():
    """Every table, column and index a new database has, an upgraded one has too (a
    migration changed after databases had run it would leave them without)."""
    d, db = copy()
    js(db, "db", "migrate")
    fresh = os.path.join(d, "fresh.db")
    pwf = os.path.join(d, "pw")
    with open(pwf, "w") as f:
        f.write("fresh-admin-1\n")
    salespm(fresh, "init", "--password-file", pwf)
    want, got = schema_of(fresh), schema_of(db)
    eq(sorted(set(want) - set(got)), [], "no table missing")
    eq(sorted(set(got) - set(want)), [], "no table left over")
    for t in sorted(want):
        eq(got[t], want[t], f"the columns of {t}")
    shutil.rmtree(d)


@test
def won_deals_of_an_old_database_are_counted_into_the_rollup_it_lacked():
    """Deals won in a database from before the won-deal rollup are counted into it by the
    upgrade, as a win counts there: per day for the project, the owner, the channel, the
    segment (the deal's, else its customer's) and each product with its lines' amount."""
    d, db = copy()
    con = sqlite3.connect(db)
    (pid,) = con.execute("SELECT id FROM projects WHERE code = 'H1'").fetchone()
    users = dict(con.execute("SELECT login, id FROM users"))
    chans = dict(con.execute("SELECT code, id FROM channels"))
    segs = dict(con.execute("SELECT code, id FROM segments"))
    prods = dict(con.execute("SELECT sku, id FROM products"))
    custs = dict(con.execute("SELECT name, id FROM customers"))
    cust_seg = dict(con.execute("SELECT id, segment_id FROM customers"))
    day = 20600
    deals = [  # (owner, channel, segment or None, customer, won_on or None, lines)
        ("wang.fang", "direct", "ent", "客户01", day, [("SKU-1", 2, 19900, 0), ("SKU-2", 1, 59900, 900)]),
        ("wang.fang", "tmall", None, "客户02", day, [("SKU-1", 1, 19900, 0)]),
        ("chen.jing", None, None, "客户03", day + 3, [("SKU-3", 10, 990, 0)]),
        ("chen.jing", "direct", "smb", "客户04", None, [("SKU-2", 1, 59900, 0)]),  # open
    ]
    for i, (owner, ch, seg, cust, won, lines) in enumerate(deals, 1):
        amount = sum(q * p - disc for _, q, p, disc in lines)
        con.execute("INSERT INTO deals (id, project_id, title, customer_id, owner_id, channel_id, "
                    "segment_id, stage, probability_bp, amount_minor, won_on, stage_changed_at, "
                    "created_by, created_at, updated_at) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1, 0, 0)",
                    (100 + i, pid, f"deal {i}", custs[cust], users[owner],
                     chans.get(ch), segs.get(seg), "won" if won else "proposal",
                     10000 if won else 5000, amount, won))
        for sku, q, p, disc in lines:
            con.execute("INSERT INTO deal_lines (deal_id, product_id, quantity, unit_price_minor, "
                        "discount_minor) VALUES (?, ?, ?, ?, ?)", (100 + i, prods[sku], q, p, disc))
    con.commit()
    con.close()
    js(db, "db", "migrate")
    # by hand from the rows above
    want = {}

    def add(dim, key, won, n, amount):
        k = (pid, dim, key, won)
        a = want.get(k, (0, 0))
        want[k] = (a[0] + n, a[1] + amount)

    for owner, ch, seg, cust, won, lines in deals:
        if not won:
            continue
        amount = sum(q * p - disc for _, q, p, disc in lines)
        add("all", 0, won, 1, amount)
        add("rep", users[owner], won, 1, amount)
        if ch:
            add("channel", chans[ch], won, 1, amount)
        s = segs[seg] if seg else cust_seg[custs[cust]]
        if s is not None:
            add("segment", s, won, 1, amount)
        per = {}
        for sku, q, p, disc in lines:
            per[prods[sku]] = per.get(prods[sku], 0) + q * p - disc
        for prod, amt in per.items():
            add("product", prod, won, 1, amt)
    con = sqlite3.connect(db)
    got = {(r[0], r[1], r[2], r[3]): (r[4], r[5]) for r in con.execute(
        "SELECT project_id, dim, key_id, day, deals, amount_minor FROM deal_rollup")}
    con.close()
    eq(got, want, "the rollup of the won deals")
    shutil.rmtree(d)


@test
def any_command_upgrades_on_opening_and_keeps_the_copy_too():
    d, db = copy()
    js(db, "project", "list")
    assert os.path.exists(os.path.join(d, "workspace.db.schema-20.bak")), os.listdir(d)
    shutil.rmtree(d)

def undo_032(db, adjustments_from, adjustments_to):
    """db back at schema 31 (what 032 and every later migration added undone), its
    adjustments' stored text edited."""
    con = sqlite3.connect(db, isolation_level=None)
    sums = ("lines", "quantity", "amount_minor", "cost_minor", "discount_minor")
    for stmt in ("ALTER TABLE customer_activity DROP COLUMN recent",  # 035 (none kept yet)
                 "DELETE FROM schema_migrations WHERE version = 35",
                 "INSERT INTO sale_rollup (project_id, day, dim, key_id, " + ", ".join(sums) +
                 ") SELECT project_id, 0, 'customer', customer_id, " + ", ".join(sums) +
                 " FROM customer_activity WHERE dim = 'all' AND key_id = 0",
                 *(f"ALTER TABLE customer_activity DROP COLUMN {c}" for c in sums),
                 "DELETE FROM schema_migrations WHERE version = 34",
                 "DROP TABLE project_closed_terms",
                 "DELETE FROM schema_migrations WHERE version = 33",
                 "DROP TABLE project_reviews", "DROP TABLE project_lessons",
                 *(f"ALTER TABLE projects DROP COLUMN {c}"
                   for c in ("closed_at", "closed_by", "close_note")),
                 "DELETE FROM schema_migrations WHERE version = 32"):
        con.execute(stmt)
    con.execute("PRAGMA writable_schema = ON")
    for name, kinds in (("adjustments", "'quota', 'plan'"),
                        ("notifications", "'sla', 'alert'"),
                        ("notification_settings", "'sla', 'alert'")):
        new = kinds + ", " + ("'project'" if name == "adjustments" else "'review'")
        con.execute("UPDATE sqlite_schema SET sql = replace(sql, ?, ?) WHERE name = ?",
                    (new + ")", kinds + ")", name))
    con.execute("UPDATE sqlite_schema SET sql = replace(sql, ?, ?) WHERE name = 'adjustments'",
                (adjustments_from, adjustments_to))
    con.execute("PRAGMA writable_schema = RESET")
    con.close()


@test
def migration_032_fails_loudly_when_its_check_patch_misses():
    """Review 13 item 17: 032 patches the kind CHECKs by replacing text; an adjustments table
    whose stored text differs by a byte ("'quota','plan')") is not patched, and the migration
    then fails, rolled back whole, naming what to do, instead of leaving every later reopen
    to fail its CHECK. The same database with the text as 032 knows it upgrades."""
    d, db = copy()
    js(db, "db", "migrate")
    undo_032(db, "'quota', 'plan')", "'quota','plan')")
    env = dict(os.environ, SALESPM_TODAY=TODAY)
    env.pop("SALESPM_DB", None)
    p = subprocess.run([BIN, "--db", db, "db", "migrate"], capture_output=True, text=True,
                       env=env, timeout=120)
    assert p.returncode != 0, p
    assert "032-closing" in p.stderr and "were not patched" in p.stderr, p.stderr
    con = sqlite3.connect(db)
    eq(con.execute("SELECT MAX(version) FROM schema_migrations").fetchone(), (31,), "not run")
    cols = [r[1] for r in con.execute("PRAGMA table_info(projects)")]
    assert "closed_at" not in cols, cols
    con.close()
    undo_032_text = ("'quota','plan')", "'quota', 'plan')")
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA writable_schema = ON")
    con.execute("UPDATE sqlite_schema SET sql = replace(sql, ?, ?) WHERE name = 'adjustments'",
                undo_032_text)
    con.execute("PRAGMA writable_schema = RESET")
    con.close()
    eq(js(db, "db", "migrate")["ran"], [n for n in later_migrations() if int(n[:3]) >= 32],
       "then it runs, and what follows it")
    con = sqlite3.connect(db)
    assert "'project'" in con.execute("SELECT sql FROM sqlite_schema WHERE name = "
                                      "'adjustments'").fetchone()[0]
    con.close()
    shutil.rmtree(d)



if __name__ == "__main__":
    run_all()
