"""test_pg_server.py - what the PostgreSQL backend does of its own: /readyz asks the
database; a server that ends salespm's connections (a restart, a failover, an operator's
pg_terminate_backend) costs at most one 503 per worker, after which every worker has a new
connection and the data is all there; `db check` runs on PostgreSQL; `db backup` points to
pg_dump; an unreachable server or a database that does not exist is a clear error; `init`
refuses a database that already holds a workspace.

Runs on PostgreSQL whatever SALESPM_TEST_BACKEND says: it starts a throwaway server itself.
"""
import os
import subprocess
import sys

os.environ["SALESPM_TEST_BACKEND"] = "postgresql"
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import harness  # noqa: E402
from harness import Server, Workspace, eq, free_port, run_all, test  # noqa: E402
from pgserver import cluster  # noqa: E402

ADMIN_PW = "admin-secret-1"


def dbname(ws):
    return ws.db.rsplit("/", 1)[1]


@test
def readyz_asks_the_database_and_workers_reconnect_after_the_server_ends_them():
    ws = Workspace()
    ws.ok("project", "create", "P1", "--name", "P1", "--start", "2026-01-01", "--end", "2026-12-31")
    srv = Server(ws, threads=2)
    try:
        c = srv.client()
        eq(c.get("/readyz").status, 200, "ready")
        c.login("admin", ADMIN_PW)
        eq(c.ok("GET", "/api/v1/projects")["projects"][0]["code"], "P1", "reads")
        # the database server ends every connection of salespm
        # (each termination waited for: the backend has gone when the query returns)
        n = cluster().psql_rows("SELECT COUNT(pg_terminate_backend(pid, 5000)) "
                                "FROM pg_stat_activity "
                                f"WHERE datname = '{dbname(ws)}' AND pid <> pg_backend_pid()",
                                dbname(ws))
        assert int(n[0][0]) >= 1, n
        # a worker finds its connection ended before it asks, and opens a new one: no
        # request fails, whichever worker answers it
        statuses = [c.get("/api/v1/projects").status for _ in range(8)]
        eq(statuses, [200] * 8, "answering on new connections")
        eq(c.get("/readyz").status, 200, "ready again")
        eq(c.ok("GET", "/api/v1/projects")["projects"][0]["code"], "P1", "reads again")
        c.ok("POST", "/api/v1/segments", {"code": "smb", "name": "中小企业"}, status=201)
        eq([s["code"] for s in c.ok("GET", "/api/v1/segments")["segments"]], ["smb"], "writes again")
    finally:
        srv.stop()


@test
def db_check_runs_and_backup_points_to_pg_dump():
    ws = Workspace()
    r = ws.run("db", "check")
    eq(r.code, 0, f"db check: {r.err}")
    r = ws.run("db", "backup", ws.path("copy.db"))
    assert r.code != 0, "backup on PostgreSQL should refuse"
    assert "pg_dump" in r.err, r.err
    assert not os.path.exists(ws.path("copy.db")), "no file written"


@test
def an_unreachable_server_or_missing_database_is_a_clear_error():
    port = free_port()
    p = subprocess.run([harness.BIN, "--db", f"postgresql://postgres@127.0.0.1:{port}/x",
                        "project", "list"], capture_output=True, text=True)
    assert p.returncode != 0, p
    assert "cannot connect to PostgreSQL" in p.stderr, p.stderr
    missing = cluster().dsn("no_such_database")
    p = subprocess.run([harness.BIN, "--db", missing, "project", "list"], capture_output=True,
                       text=True)
    assert p.returncode != 0, p
    assert "no_such_database" in p.stderr, p.stderr


@test
def init_refuses_a_database_with_a_workspace():
    ws = Workspace()
    ws.write("pw", "another-secret-1\n")
    r = ws.run("init", "--password-file", ws.path("pw"), "--currency", "CNY",
               "--timezone", "Asia/Shanghai")
    assert r.code != 0, "a second init"
    eq(ws.sql("SELECT COUNT(*) FROM users")[0][0], 1, "still one user")


if __name__ == "__main__":
    run_all()
