"""test_backup.py - backups an operator can trust: `db backup` (a copy, or dated copies in a
directory kept N days), `db restore` (every figure of the dashboard as it was when the copy
was made; refused over later changes unless --force, the database as it was kept beside it;
a lost database made anew; no other file taken for a backup), and a server running on the
database answering from the restored data."""
import json
import os
import sqlite3
import sys
import time
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import workspace  # noqa: E402
from harness import Server, eq, run_all, test  # noqa: E402

TODAY = "2026-03-31"


def make():
    ws = workspace(("mgr", "rep"), channels=("direct", "shop"), products=("SKU-1", "SKU-2"),
                   today=TODAY)
    for i, (day, cust, sku, ch, qty) in enumerate((("2026-01-05", "甲公司", "SKU-1", "direct", 3),
                                                    ("2026-02-10", "乙公司", "SKU-2", "shop", 5),
                                                    ("2026-03-02", "甲公司", "SKU-2", "direct", 1))):
        ws.ok("sale", "add", "P1", "--date", day, "--customer", cust, "--product", sku,
              "--channel", ch, "--quantity", qty, "--rep", "rep")
    ws.ok("goal", "add", "P1", "--metric", "revenue", "--target", "5000.00", "--start",
          "2026-01-01", "--due", "2026-12-31", "--rationale", "the year")
    return ws


def dashboard(ws, db=None):
    """The dashboard's figures as of TODAY: all of them but what is judged at the moment of
    asking (the monitoring panels' clock, the alerts raised when read)."""
    argv = ["dashboard", "P1", "--as-of", TODAY]
    saved, ws.db = ws.db, db or ws.db
    try:
        d = ws.js(*argv)
    finally:
        ws.db = saved
    d.pop("monitor", None)
    d.pop("alerts", None)
    return d


def later_writes(ws):
    ws.ok("sale", "add", "P1", "--date", "2026-03-20", "--customer", "丙公司", "--product",
          "SKU-1", "--channel", "shop", "--quantity", "7", "--rep", "rep")
    ws.ok("goal", "add", "P1", "--metric", "units", "--target", "100", "--start", "2026-01-01",
          "--due", "2026-12-31", "--rationale", "units")


@test
def a_restore_gives_back_every_figure_of_the_dashboard_and_keeps_what_it_replaced():
    ws = make()
    at_copy = dashboard(ws)
    copy = ws.path("copy.db")
    ws.ok("db", "backup", copy)
    time.sleep(1.1)  # the later writes are in a later second than the copy's last
    later_writes(ws)
    after = dashboard(ws)
    assert after["totals"] != at_copy["totals"], "the later writes show"
    r = ws.run("db", "restore", copy)
    eq(r.code, 1, f"refused: {r.out}{r.err}")
    assert "changes made after this copy" in r.err and "--force" in r.err, r.err
    eq(dashboard(ws), after, "a refused restore changes nothing")
    eq([f for f in os.listdir(ws.dir) if "before-restore" in f], [], "and keeps no copy")
    r = ws.ok("db", "restore", copy, "--force")
    eq(dashboard(ws), at_copy, "every figure as it was when the copy was made")
    kept = [f for f in os.listdir(ws.dir) if ".before-restore-" in f]
    eq(len(kept), 1, f"the database as it was, kept: {os.listdir(ws.dir)}")
    assert kept[0] in r.out, r.out
    eq(dashboard(ws, ws.path(kept[0])), after, "the kept one holds the later writes")
    ws.ok("db", "check")


@test
def a_lost_database_is_made_anew_from_the_copy():
    ws = make()
    want = dashboard(ws)
    copy = ws.path("copy.db")
    ws.ok("db", "backup", copy)
    lost = ws.path("lost.db")
    saved, ws.db = ws.db, lost
    try:
        out = ws.js("db", "restore", copy)
        eq((out["restored"], out["from"], out["previous"]), (lost, copy, None), "what was done")
    finally:
        ws.db = saved
    eq(dashboard(ws, lost), want, "the figures")


@test
def what_is_no_salespm_backup_or_too_new_is_refused_and_nothing_changes():
    ws = make()
    want = dashboard(ws)
    junk = ws.write("notes.db", "not a database at all\n")
    r = ws.run("db", "restore", junk, "--force")
    assert r.code != 0 and "notes.db" in r.err, r.err
    other = ws.path("other.db")
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    r = ws.run("db", "restore", other, "--force")
    assert r.code != 0 and "is not a salespm database" in r.err, r.err
    newer = ws.path("newer.db")
    ws.ok("db", "backup", newer)
    con = sqlite3.connect(newer)
    con.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'x', 0)")
    con.commit()
    con.close()
    r = ws.run("db", "restore", newer, "--force")
    assert r.code != 0 and "schema 999" in r.err, r.err
    r = ws.run("db", "restore", ws.path("nowhere.db"))
    assert r.code != 0 and "nowhere.db" in r.err, r.err
    eq(dashboard(ws), want, "nothing changed")
    eq([f for f in os.listdir(ws.dir) if "before-restore" in f], [], "no copy left behind")


def dated(at):
    return "salespm-" + at.strftime("%Y%m%dT%H%M%SZ") + ".db"


@test
def dated_copies_in_a_directory_are_kept_so_many_days():
    ws = make()
    d = ws.path("backups")
    os.mkdir(d)
    now = datetime.now(timezone.utc)
    old, recent = dated(now - timedelta(days=20)), dated(now - timedelta(days=2))
    for name in (old, recent, "salespm-notes.txt", "manual-copy.db"):
        with open(os.path.join(d, name), "w") as f:
            f.write("x")
    before = set(os.listdir(d))
    out = ws.js("db", "backup", "--dir", d, "--keep-days", "7")
    made = os.path.basename(out["backup"])
    assert made.startswith("salespm-") and made not in before, made
    made_at = datetime.strptime(made, "salespm-%Y%m%dT%H%M%SZ.db").replace(tzinfo=timezone.utc)
    assert abs((made_at - now).total_seconds()) < 60, made
    eq(out["removed"], [os.path.join(d, old)], "the copy older than 7 days")
    eq(set(os.listdir(d)), before - {old} | {made}, "the rest kept, other files untouched")
    eq(dashboard(ws, out["backup"]), dashboard(ws), "the new copy holds the workspace")
    r = ws.run("db", "backup", "--keep-days", "7")
    eq(r.code, 2, "--keep-days without --dir is a usage error")
    r = ws.run("db", "backup", "--dir", d, "--keep-days", "0")
    eq(r.code, 2, "0 days is a usage error")


@test
def a_running_server_answers_from_the_restored_data():
    ws = make()
    copy = ws.path("copy.db")
    ws.ok("db", "backup", copy)
    srv = Server(ws)
    try:
        c = srv.client("mgr")
        before = c.ok("GET", "/api/v1/projects/P1/dashboard")["totals"]
        time.sleep(1.1)
        later_writes(ws)
        changed = c.ok("GET", "/api/v1/projects/P1/dashboard")["totals"]
        assert changed != before, "the server saw the later writes"
        ws.ok("db", "restore", copy, "--force")
        # the session was made after the copy: the restored database has never heard of it
        r = c.get("/api/v1/projects/P1/dashboard")
        eq((r.status, r.error()["reason"]), (401, "session_ended"), "signed out by the restore")
        c = srv.client("mgr")
        eq(c.ok("GET", "/api/v1/projects/P1/dashboard")["totals"], before,
           "the figures of the copy")
    finally:
        srv.stop()


if __name__ == "__main__":
    run_all()
