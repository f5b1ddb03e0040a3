"""test_db_copy.py - a team's SQLite file moved to PostgreSQL with `salespm db copy` keeps
every figure: the demo workspace (about 200,000 sale lines, four projects, goals of every
metric) is copied, and every project's dashboard, goal list, sales totals and customer list,
and every table's row count, read through the CLI on each database, are equal. The copy then
takes new writes (ids follow the copied ones), and refuses a database that already holds data.

Runs on PostgreSQL whatever SALESPM_TEST_BACKEND says: it starts a throwaway server itself.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import harness  # noqa: E402
from harness import eq, run_all, test  # noqa: E402
from pgserver import cluster  # noqa: E402

PROJECTS = ("FY", "LAUNCH", "FY-PREV", "NEXT-Q1")
AS_OF = ("2025-06-30", "2026-11-29", "2027-03-31")
# one instant for every read of both databases: the monitoring panels judge ages and SLAs at it
NOW = "2026-11-30T04:00:00Z"


def salespm(db, *args):
    p = subprocess.run([harness.BIN, "--db", db, "--as", "admin", "--json"] + list(args),
                       capture_output=True, text=True, env=dict(os.environ, TZ="UTC", SALESPM_NOW=NOW))
    if p.returncode:
        raise AssertionError(f"salespm --db {db} {' '.join(args)}: {p.stderr}")
    return json.loads(p.stdout) if p.stdout.strip() else None


def figures(db):
    """Everything a user reads of the demo, keyed by what it is."""
    out = {}
    for code in PROJECTS:
        for day in AS_OF:
            out[f"dashboard {code} {day}"] = salespm(db, "dashboard", code, "--as-of", day)
        out[f"goals {code}"] = salespm(db, "goal", "list", code)
        out[f"sales {code}"] = salespm(db, "sale", "list", code, "--limit", "50")
    out["customers"] = salespm(db, "customer", "list", "--limit", "100")
    out["products"] = salespm(db, "product", "list")
    out["users"] = salespm(db, "user", "list")
    return out


class Moved:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="salespm-copy-")
        self.file = os.path.join(self.dir, "demo.db")
        subprocess.run([harness.BIN, "--db", self.file, "demo"], check=True, capture_output=True)
        self.pg = cluster().new_db()
        self.copy = subprocess.run([harness.BIN, "db", "copy", "--from", self.file, "--to", self.pg],
                                   capture_output=True, text=True)


_moved = None


def moved():
    global _moved
    if _moved is None:
        _moved = Moved()
    return _moved


def count(db_kind, m, table):
    if db_kind == "sqlite":
        import sqlite3
        con = sqlite3.connect(f"file:{m.file}?mode=ro", uri=True)
        n = con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        con.close()
        return n
    return int(cluster().psql_rows(f"SELECT COUNT(*) FROM {table}", m.pg.rsplit("/", 1)[1])[0][0])


@test
def the_copy_holds_every_row():
    m = moved()
    eq(m.copy.returncode, 0, f"db copy: {m.copy.stderr}")
    import sqlite3
    con = sqlite3.connect(f"file:{m.file}?mode=ro", uri=True)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name NOT LIKE 'sqlite%'")]
    con.close()
    assert len(tables) >= 15, tables
    for t in tables:
        eq(count("postgresql", m, t), count("sqlite", m, t), f"rows of {t}")
    assert count("sqlite", m, "sales") > 150000, "the demo is the full one"


@test
def every_figure_of_the_demo_is_equal_after_the_move():
    m = moved()
    before, after = figures(m.file), figures(m.pg)
    eq(sorted(after), sorted(before), "the same reads")
    for key in before:
        eq(after[key], before[key], key)
    # a figure that is not zero, so equality means something
    fy = before[f"dashboard FY {AS_OF[1]}"]
    assert fy["totals"]["revenue"] > 0, fy["totals"]


@test
def the_copy_takes_new_writes_with_fresh_ids():
    m = moved()
    last = max(s["id"] for s in salespm(m.pg, "sale", "list", "FY", "--limit", "1000",
                                         "--sort", "id", "--desc")["sales"])
    sku = salespm(m.pg, "product", "list")["products"][0]["sku"]
    ch = salespm(m.pg, "channel", "list")["channels"][0]["code"]
    s = salespm(m.pg, "sale", "add", "FY", "--date", "2026-11-01", "--customer", "新客户（迁移后）",
                "--product", sku, "--channel", ch, "--quantity", "1", "--unit-price", "10.00")
    assert s["id"] > last, (s["id"], last)
    eq(salespm(m.pg, "customer", "list", "--search", "迁移后")["customers"][0]["name"],
       "新客户（迁移后）", "a new customer")


@test
def a_database_with_data_is_refused():
    m = moved()
    p = subprocess.run([harness.BIN, "db", "copy", "--from", m.file, "--to", m.pg],
                       capture_output=True, text=True)
    assert p.returncode != 0, "copied over data"
    assert "data" in p.stderr.lower() or "empty" in p.stderr.lower(), p.stderr
    eq(count("postgresql", m, "sales"), count("sqlite", m, "sales") + 1, "nothing changed")


if __name__ == "__main__":
    try:
        run_all()
    finally:
        if _moved is not None:
            shutil.rmtree(_moved.dir, ignore_errors=True)
