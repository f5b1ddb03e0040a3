"""test_doctor.py - `salespm doctor` as an operator reads it: each check's line says ok,
WARN or FAIL and, when not ok, what to do; a healthy installation passes every check; each
kind of trouble (a database readable by everyone, an old schema, a certificate about to
expire or expired, a key the world may read, the listen address taken, a late backup, a
time zone this system does not know, no database at all) is found and named; a failed check
makes it exit 1."""
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import workspace  # noqa: E402
from harness import BIN, ROOT, eq, free_port, run_all, test  # noqa: E402


def doctor(ws, conf, db=None):
    env = dict(ws.env)
    env.pop("SALESPM_DB", None)
    p = subprocess.run([BIN, "--config", conf] + (["--db", db] if db else []) +
                       ["--json", "doctor"], capture_output=True, text=True, env=env,
                       timeout=120)
    doc = json.loads(p.stdout)
    return p.returncode, doc["result"], {c["check"]: c for c in doc["checks"]}


def setup(ws, extra=""):
    os.chmod(ws.db, 0o640)
    backups = ws.path("backups")
    os.makedirs(backups, exist_ok=True)
    port = free_port()
    conf = ws.write("salespm.conf", f"database = {ws.db}\nlisten = 127.0.0.1:{port}\n"
                                    f"backup_dir = {backups}\n{extra}")
    env = dict(ws.env)
    env.pop("SALESPM_DB", None)
    subprocess.run([BIN, "--config", conf, "db", "backup"], check=True, capture_output=True,
                   env=env)
    return conf, port, backups


def cert(ws, name, days):
    key, crt = ws.path(f"{name}.key"), ws.path(f"{name}.crt")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", crt, "-days",
                    str(days), "-subj", f"/CN={name}.example"], check=True, capture_output=True)
    os.chmod(key, 0o600)
    return crt, key


def expired_cert(ws, name):
    """A certificate valid in January 2020 only, self-signed by `openssl ca` (req -x509
    cannot date one in the past)."""
    d = ws.path(f"{name}-ca")
    os.mkdir(d)
    open(os.path.join(d, "index.txt"), "w").close()
    with open(os.path.join(d, "serial"), "w") as f:
        f.write("01\n")
    with open(os.path.join(d, "ca.cnf"), "w") as f:
        f.write(f"[ca]\ndefault_ca = here\n[here]\ndir = {d}\ndatabase = $dir/index.txt\n"
                "new_certs_dir = $dir\nserial = $dir/serial\ndefault_md = sha256\n"
                "policy = any\n[any]\ncommonName = supplied\n")
    key, csr, crt = ws.path(f"{name}.key"), ws.path(f"{name}.csr"), ws.path(f"{name}.crt")
    subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr, "-subj",
                    f"/CN={name}.example"], check=True, capture_output=True)
    subprocess.run(["openssl", "ca", "-batch", "-selfsign", "-config",
                    os.path.join(d, "ca.cnf"), "-keyfile", key, "-in", csr, "-out", crt,
                    "-startdate", "20200101000000Z", "-enddate", "20200201000000Z"],
                   check=True, capture_output=True)
    os.chmod(key, 0o600)
    return crt, key


@test
def a_healthy_installation_passes_every_check():
    ws = workspace(())
    crt, key = cert(ws, "site", 90)
    conf, port, _ = setup(ws, f"tls_cert = {crt}\ntls_key = {key}\n")
    code, result, checks = doctor(ws, conf)
    eq(sorted(checks), ["backups", "config", "database", "disk", "listen", "permissions",
                        "schema", "timezone", "tls"], "every check")
    bad = {k: c for k, c in checks.items() if c["result"] != "ok"}
    eq(bad, {}, "all ok")
    eq((code, result), (0, "ok"), "exit 0")
    assert "CN=site.example" in checks["tls"]["detail"] and ("(89 days)" in
        checks["tls"]["detail"] or "(90 days)" in checks["tls"]["detail"]), checks["tls"]
    eq(checks["schema"]["detail"],
       f"{max(int(n[:3]) for n in os.listdir(os.path.join(ROOT, 'src/store/schema')) if n[:3].isdigit())}, the latest",
       "the schema")


@test
def each_kind_of_trouble_is_named_with_what_to_do():
    ws = workspace(())
    soon_crt, soon_key = cert(ws, "soon", 5)
    conf, port, backups = setup(ws, f"tls_cert = {soon_crt}\ntls_key = {soon_key}\n")
    os.chmod(ws.db, 0o644)
    os.chmod(soon_key, 0o644)
    for f in os.listdir(backups):  # the only copy, three days old
        then = time.time() - 3 * 86400
        os.utime(os.path.join(backups, f), (then, then))
    held = socket.socket()
    held.bind(("127.0.0.1", port))
    held.listen(1)
    try:
        code, result, checks = doctor(ws, conf)
    finally:
        held.close()
    eq(checks["permissions"]["result"], "warn", "a database everyone may read")
    eq(checks["permissions"]["todo"], f"chmod 640 {ws.db} (the service's user and group only)",
       "what to do")
    eq(checks["listen"]["result"], "warn", "the address taken")
    assert "taken" in checks["listen"]["detail"], checks["listen"]
    eq(checks["backups"]["result"], "warn", "the last copy three days old")
    assert "72." in checks["backups"]["detail"] or "71." in checks["backups"]["detail"], \
        checks["backups"]
    eq(checks["tls"]["result"], "fail", "a key the world may read fails")
    assert "readable by every user" in checks["tls"]["detail"], checks["tls"]
    eq((code, result), (1, "fail"), "a failed check: exit 1")
    os.chmod(soon_key, 0o600)
    code, result, checks = doctor(ws, conf)
    eq(checks["tls"]["result"], "warn", "a certificate 5 days from its end")
    assert "renew the certificate soon" in checks["tls"]["todo"], checks["tls"]


@test
def an_expired_certificate_an_unknown_zone_an_old_schema_and_no_database_fail():
    ws = workspace(())
    old_crt, old_key = expired_cert(ws, "old")
    conf, port, _ = setup(ws, f"tls_cert = {old_crt}\ntls_key = {old_key}\n")
    con = sqlite3.connect(ws.db)
    con.execute("UPDATE settings SET value = 'Mars/Olympus' WHERE key = 'timezone'")
    con.commit()
    con.close()
    code, result, checks = doctor(ws, conf)
    eq(checks["tls"]["result"], "fail", "expired")
    assert "renew" in checks["tls"]["todo"], checks["tls"]
    eq(checks["timezone"]["result"], "fail", "a zone this system does not know")
    assert "Mars/Olympus" in checks["timezone"]["detail"], checks["timezone"]
    eq(code, 1, "exit 1")
    old = ws.path("old.db")
    shutil.copy(os.path.join(ROOT, "tests/fixtures/schema-20/workspace.db"), old)
    code, result, checks = doctor(ws, conf, db=old)
    eq(checks["schema"]["result"], "warn", "an old schema")
    assert checks["schema"]["detail"].startswith("at 20;"), checks["schema"]
    assert "salespm db migrate" in checks["schema"]["todo"], checks["schema"]
    eq([f for f in os.listdir(ws.dir) if f.startswith("old.db.schema")], [],
       "doctor changes nothing: no upgrade, no copy")
    code, result, checks = doctor(ws, conf, db=ws.path("gone.db"))
    eq(checks["database"]["result"], "fail", "no database")
    assert "salespm init" in checks["database"]["todo"], checks["database"]
    eq(code, 1, "exit 1")


@test
def the_text_report_says_the_same_one_line_a_check():
    ws = workspace(())
    conf, port, _ = setup(ws)
    os.chmod(ws.db, 0o644)
    env = dict(ws.env)
    env.pop("SALESPM_DB", None)
    p = subprocess.run([BIN, "--config", conf, "doctor"], capture_output=True, text=True,
                       env=env, timeout=120)
    eq(p.returncode, 0, "warnings only")
    lines = p.stdout.splitlines()
    assert any(ln.startswith("WARN  permissions") for ln in lines), p.stdout
    assert any("-> chmod 640" in ln for ln in lines), p.stdout
    assert any(ln.startswith("ok    database") for ln in lines), p.stdout


if __name__ == "__main__":
    run_all()
