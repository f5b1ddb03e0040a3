"""test_api.py - the JSON API over HTTP: every route's happy path, every error
code, sessions, CSRF, idempotency, API tokens, health, metrics, security
headers and the static UI. Each test runs its own `salespm serve` on a free
port of 127.0.0.1 over a fresh database."""
import gzip
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import Env as ServerEnv, expect_error, sale, workspace  # noqa: E402
from harness import (ADMIN_PW, BACKEND, Server, Workspace, eq, pw, run_all,  # noqa: E402
                     served_routes, test)
from rawhttp import raw, raw_all  # noqa: E402
import harness  # noqa: E402

USERS = ("mgr", "rep", "vw", "out", "target")

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def Env():
    """Users of every role and project P1 (admin owns it; mgr manager, rep member, vw viewer)."""
    return ServerEnv(workspace(USERS))


# --- sessions --------------------------------------------------------------------


@test
def session_sign_in_me_and_out():
    with Env() as e:
        c = e.srv.client()
        r = c.post("/api/v1/session", {"login": "admin", "password": ADMIN_PW})
        eq(r.status, 200, "sign-in")
        body = r.json()
        eq(body["user"]["login"], "admin", "user")
        eq(body["user"]["role"], "admin", "role")
        assert "pw_hash" not in r.body.decode() and ADMIN_PW not in r.body.decode()
        cookie = r.header("Set-Cookie")
        for part in ("salespm_session=", "HttpOnly", "SameSite=Lax", "Path=/"):
            assert part in cookie, f"{part} in {cookie}"
        assert "Secure" not in cookie, "plain http gets no Secure cookie"
        c.csrf = body["csrf_token"]
        me = c.ok("GET", "/api/v1/me")
        eq(me["user"]["login"], "admin", "me")
        eq(me["csrf_token"], body["csrf_token"], "csrf token")
        eq(me["workspace"], {"name": "salespm", "currency": "CNY", "timezone": "Asia/Shanghai"},
           "workspace")
        old = c.cookie
        out = c.ok("DELETE", "/api/v1/session")
        eq(out["signed_out"], True, "signed out")
        assert c.cookie is None, "the cookie is cleared"
        c.cookie = old
        expect_error(c.get("/api/v1/me"), 401, "unauthenticated")


@test
def session_secure_cookie_behind_tls_proxy():
    """Behind a TLS proxy salespm trusts (--trust-proxy), its X-Forwarded-Proto: https makes
    the session cookie Secure; the same header from an address not trusted changes nothing."""
    with ServerEnv(workspace(USERS), "--trust-proxy", "127.0.0.1") as e:
        r = e.anon().post("/api/v1/session", {"login": "admin", "password": ADMIN_PW},
                          headers={"X-Forwarded-Proto": "https"})
        eq(r.status, 200, "sign-in")
        assert "Secure" in r.header("Set-Cookie"), r.header("Set-Cookie")
    with Env() as e:
        r = e.anon().post("/api/v1/session", {"login": "admin", "password": ADMIN_PW},
                          headers={"X-Forwarded-Proto": "https"})
        eq(r.status, 200, "sign-in")
        assert "Secure" not in r.header("Set-Cookie"), r.header("Set-Cookie")


@test
def session_wrong_password_and_unknown_login_look_the_same():
    with Env() as e:
        a = expect_error(e.anon().post("/api/v1/session", {"login": "admin", "password": "nope-nope"}),
                         401, "unauthenticated")
        b = expect_error(e.anon().post("/api/v1/session", {"login": "ghost", "password": "nope-nope"}),
                         401, "unauthenticated")
        eq(a["message"], b["message"], "same message")


@test
def session_login_rate_limit_429_with_retry_after():
    with Env() as e:
        c = e.anon()
        for i in range(5):
            expect_error(c.post("/api/v1/session", {"login": "rep", "password": "wrong-pass"}),
                         401, "unauthenticated")
        r = c.post("/api/v1/session", {"login": "rep", "password": pw("rep")})
        expect_error(r, 429, "rate_limited")
        assert int(r.header("Retry-After")) > 0, r.headers
        # Another login from the same address is not affected.
        e.sign_in("mgr")


def fnv1a_slot(login, ip, slots=1024):
    """The slot the limiter once picked with a public hash (FNV-1a of "login\\0ip")."""
    h = 1469598103934665603
    for byte in login.encode() + b"\0" + ip.encode():
        h = ((h ^ byte) * 1099511628211) % (1 << 64)
    return (h or 1) % slots


@test
def session_login_rate_limit_not_lifted_by_colliding_logins():
    """Failures of other logins never lift a block, whatever slot they hash to."""
    with Env() as e:
        c = e.anon()
        for i in range(5):
            expect_error(c.post("/api/v1/session", {"login": "rep", "password": "wrong-pass"}),
                         401, "unauthenticated")
        target = fnv1a_slot("rep", "127.0.0.1")
        colliders = [f"x{i}" for i in range(200000) if fnv1a_slot(f"x{i}", "127.0.0.1") == target][:3]
        for login in colliders:
            expect_error(c.post("/api/v1/session", {"login": login, "password": "wrong-pass"}),
                         401, "unauthenticated")
        expect_error(c.post("/api/v1/session", {"login": "rep", "password": pw("rep")}),
                     429, "rate_limited")


@test
def session_ended_by_password_change():
    with Env() as e:
        admin = e.sign_in("admin")
        rep = e.sign_in("rep")
        rep2 = e.sign_in("rep")
        admin.ok("POST", "/api/v1/users/rep/password", {"password": "brand-new-pass-1"})
        expect_error(rep.get("/api/v1/me"), 401, "unauthenticated")
        expect_error(rep2.get("/api/v1/me"), 401, "unauthenticated")
        c = e.srv.client()
        c.login("rep", "brand-new-pass-1")
        # Changing one's own password needs the current one; the caller gets a new session.
        expect_error(c.post("/api/v1/users/rep/password", {"password": "another-pass-2"}),
                     422, "invalid", "current_password")
        expect_error(c.post("/api/v1/users/rep/password",
                            {"password": "another-pass-2", "current_password": "wrong-one"}),
                     422, "invalid", "current_password")
        old = c.cookie
        r = c.ok("POST", "/api/v1/users/rep/password",
                 {"password": "another-pass-2", "current_password": "brand-new-pass-1"})
        assert c.cookie and c.cookie != old, "a new session cookie"
        c.csrf = r["csrf_token"]
        eq(c.ok("GET", "/api/v1/me")["user"]["login"], "rep", "still signed in")
        c2 = e.srv.client()
        c2.cookie = old
        expect_error(c2.get("/api/v1/me"), 401, "unauthenticated")
        expect_error(e.anon().post("/api/v1/session", {"login": "rep", "password": "brand-new-pass-1"}),
                     401, "unauthenticated")


@test
def session_deactivated_user_is_signed_out():
    with Env() as e:
        admin = e.sign_in("admin")
        rep = e.sign_in("rep")
        v = admin.ok("GET", "/api/v1/users/rep")["version"]
        admin.ok("PATCH", "/api/v1/users/rep", {"active": False, "version": v})
        expect_error(rep.get("/api/v1/me"), 401, "unauthenticated")


# --- users and workspace ------------------------------------------------------------


@test
def users_routes():
    with Env() as e:
        admin = e.sign_in("admin")
        logins = [u["login"] for u in admin.ok("GET", "/api/v1/users")["users"]]
        eq(logins, sorted(["admin"] + list(USERS)), "users")
        u = admin.ok("POST", "/api/v1/users", {"login": "li.na", "name": "李娜", "role": "rep",
                                               "email": "li@example.com", "password": "li-na-secret"},
                     status=201)
        eq((u["login"], u["name"], u["role"], u["version"]), ("li.na", "李娜", "rep", 1), "created")
        eq(admin.ok("GET", "/api/v1/users/li.na")["email"], "li@example.com", "show")
        u2 = admin.ok("PATCH", "/api/v1/users/li.na", {"name": "Li Na", "role": "manager",
                                                       "version": 1})
        eq((u2["name"], u2["role"], u2["version"]), ("Li Na", "manager", 2), "updated")
        expect_error(admin.patch("/api/v1/users/li.na", {"name": "X", "version": 1}),
                     409, "conflict", "version")
        eq(admin.ok("GET", "/api/v1/users/li.na")["name"], "Li Na", "stale write changed nothing")
        e.srv.client().login("li.na", "li-na-secret")
        # Users change their own name, not their role.
        rep = e.sign_in("rep")
        v = rep.ok("GET", "/api/v1/users/rep")["version"]
        eq(rep.ok("PATCH", "/api/v1/users/rep", {"name": "Rep Two", "version": v})["name"],
           "Rep Two", "own name")
        expect_error(rep.patch("/api/v1/users/rep", {"role": "admin", "version": v + 1}),
                     403, "forbidden")
        expect_error(rep.post("/api/v1/users", {"login": "x", "name": "X", "role": "rep"}),
                     403, "forbidden")
        expect_error(admin.get("/api/v1/users/nobody"), 404, "not_found")
        expect_error(admin.post("/api/v1/users", {"login": "li.na", "name": "dup", "role": "rep"}),
                     409, "conflict")


@test
def workspace_routes():
    with Env() as e:
        admin = e.sign_in("admin")
        eq(admin.ok("GET", "/api/v1/workspace")["currency"], "CNY", "read")
        w = admin.ok("PATCH", "/api/v1/workspace", {"name": "华东销售", "timezone": "UTC"})
        eq(w, {"name": "华东销售", "currency": "CNY", "timezone": "UTC"}, "updated")
        expect_error(admin.patch("/api/v1/workspace", {"currency": "yuan"}), 422, "invalid", "currency")
        rep = e.sign_in("rep")
        eq(rep.ok("GET", "/api/v1/workspace")["name"], "华东销售", "everyone reads")
        expect_error(rep.patch("/api/v1/workspace", {"name": "x"}), 403, "forbidden")


# --- projects and members --------------------------------------------------------------


@test
def projects_routes():
    with Env() as e:
        mgr = e.sign_in("mgr")
        p = mgr.ok("POST", "/api/v1/projects", {"code": "Q1-2027", "name": "一季度冲刺",
                                                "start": "2027-01-01", "end": "2027-03-31",
                                                "budget": 5000000, "objective": "grow east"},
                   status=201)
        eq((p["code"], p["name"], p["start"], p["end"], p["budget"], p["status"], p["version"]),
           ("Q1-2027", "一季度冲刺", "2027-01-01", "2027-03-31", 5000000, "draft", 1), "created")
        codes = [x["code"] for x in mgr.ok("GET", "/api/v1/projects")["projects"]]
        eq(sorted(codes), ["P1", "Q1-2027"], "mgr sees both")
        eq(mgr.ok("GET", "/api/v1/projects/Q1-2027")["objective"], "grow east", "one")
        p2 = mgr.ok("PATCH", "/api/v1/projects/Q1-2027", {"status": "active", "version": 1})
        eq((p2["status"], p2["version"], p2["name"]), ("active", 2, "一季度冲刺"), "patched")
        expect_error(mgr.patch("/api/v1/projects/Q1-2027", {"status": "closed", "version": 1}),
                     409, "conflict", "version")
        eq(mgr.ok("GET", "/api/v1/projects/Q1-2027")["status"], "active", "unchanged")
        expect_error(mgr.patch("/api/v1/projects/Q1-2027", {"end": "2026-01-01", "version": 2}),
                     422, "invalid", "end")
        expect_error(mgr.delete("/api/v1/projects/Q1-2027"), 422, "invalid", "version")
        expect_error(mgr.delete("/api/v1/projects/Q1-2027?version=1"), 409, "conflict")
        eq(mgr.ok("DELETE", "/api/v1/projects/Q1-2027?version=2")["deleted"], True, "deleted")
        expect_error(mgr.get("/api/v1/projects/Q1-2027"), 404, "not_found")
        # A rep sees only projects they are on; another's project is "not found".
        out = e.sign_in("out")
        eq(out.ok("GET", "/api/v1/projects")["projects"], [], "outsider sees none")
        expect_error(out.get("/api/v1/projects/P1"), 404, "not_found")
        expect_error(e.sign_in("rep").post("/api/v1/projects", {"code": "X", "name": "x",
                                                              "start": "2027-01-01",
                                                              "end": "2027-02-01"}),
                     403, "forbidden")


@test
def members_routes():
    with Env() as e:
        mgr = e.sign_in("mgr")
        logins = [m["login"] for m in mgr.ok("GET", "/api/v1/projects/P1/members")["members"]]
        eq(logins, ["admin", "mgr", "rep", "vw"], "members")
        m = mgr.ok("POST", "/api/v1/projects/P1/members", {"login": "out", "role": "member"},
                   status=201)
        eq((m["login"], m["role"], m["version"]), ("out", "member", 1), "added")
        m2 = mgr.ok("PATCH", "/api/v1/projects/P1/members/out", {"role": "viewer", "version": 1})
        eq((m2["role"], m2["version"]), ("viewer", 2), "changed")
        expect_error(mgr.patch("/api/v1/projects/P1/members/out", {"role": "member", "version": 1}),
                     409, "conflict")
        eq(mgr.ok("DELETE", "/api/v1/projects/P1/members/out")["removed"], True, "removed")
        expect_error(mgr.delete("/api/v1/projects/P1/members/out"), 404, "not_found")
        expect_error(mgr.post("/api/v1/projects/P1/members", {"login": "ghost"}), 422, "invalid",
                     "login")
        expect_error(mgr.post("/api/v1/projects/P1/members", {"login": "out", "role": "boss"}),
                     422, "invalid", "role")
        expect_error(e.sign_in("rep").post("/api/v1/projects/P1/members", {"login": "out"}),
                     403, "forbidden")


# --- tokens and audit -------------------------------------------------------------------------


@test
def api_tokens_bearer_and_revoke():
    with Env() as e:
        rep = e.sign_in("rep")
        r = rep.ok("POST", "/api/v1/tokens", {"name": "nightly export"}, status=201)
        secret = r["secret"]
        assert secret.startswith("spm_") and len(secret) > 40, secret
        tid = r["token"]["id"]
        eq(r["token"]["last_used_at"], None, "never used yet")
        bot = e.srv.client()
        bot.token = secret
        eq(bot.ok("GET", "/api/v1/me")["user"]["login"], "rep", "bearer works")
        eq(bot.ok("GET", "/api/v1/me")["csrf_token"], None, "no CSRF token for bearer")
        # A bearer write needs no CSRF token.
        bot.ok("PATCH", "/api/v1/users/rep", {"email": "rep@example.com",
                                              "version": bot.ok("GET", "/api/v1/users/rep")["version"]})
        toks = rep.ok("GET", "/api/v1/tokens")["tokens"]
        eq([(t["id"], t["name"]) for t in toks], [(tid, "nightly export")], "listed")
        assert toks[0]["last_used_at"], "last used is recorded"
        assert secret not in str(toks), "the secret is never listed"
        expect_error(e.sign_in("mgr").delete(f"/api/v1/tokens/{tid}"), 404, "not_found")
        eq(rep.ok("DELETE", f"/api/v1/tokens/{tid}")["revoked"], True, "revoked")
        expect_error(bot.get("/api/v1/me"), 401, "unauthenticated")
        bot.token = "spm_made-up"
        expect_error(bot.get("/api/v1/me"), 401, "unauthenticated")
        expect_error(e.anon().get("/api/v1/me", headers={"Authorization": "Basic abc"}),
                     401, "unauthenticated")
        expect_error(rep.delete("/api/v1/tokens/abc"), 404, "not_found")


@test
def api_token_secret_is_never_kept_for_a_replay():
    """Only hashes of secrets are stored: an Idempotency-Key must not keep one either."""
    with Env() as e:
        rep = e.sign_in("rep")
        h = {"Idempotency-Key": "tok-1"}
        r1 = rep.post("/api/v1/tokens", {"name": "ci"}, headers=h)
        eq(r1.status, 201, "created")
        secret = r1.json()["secret"]
        for table in ("idempotency_keys", "audit", "api_tokens"):
            for row in e.ws.sql(f"SELECT * FROM {table}"):
                assert secret not in repr(row), f"the secret is stored in {table}"
        # A retry applies nothing and says so; the secret is not shown again.
        r2 = rep.post("/api/v1/tokens", {"name": "ci"}, headers=h)
        expect_error(r2, 409, "conflict", "Idempotency-Key")
        assert secret.encode() not in r2.body
        eq(len(rep.ok("GET", "/api/v1/tokens")["tokens"]), 1, "one token")
        bot = e.srv.client()
        bot.token = secret
        eq(bot.ok("GET", "/api/v1/me")["user"]["login"], "rep", "the token works")


@test
def audit_log_filters_and_pages():
    with Env() as e:
        admin = e.sign_in("admin")
        for i in range(3):
            admin.ok("POST", "/api/v1/projects", {"code": f"A{i}", "name": f"a{i}",
                                                  "start": "2027-01-01", "end": "2027-02-01"})
        a = admin.ok("GET", "/api/v1/audit?entity=project&limit=2")
        eq([x["action"] for x in a["audit"]], ["create", "create"], "newest first")
        eq(a["audit"][0]["after"]["code"], "A2", "after is JSON")
        eq(a["audit"][0]["actor"], "admin", "actor")
        assert a["next_before"] == a["audit"][1]["id"], a
        b = admin.ok("GET", f"/api/v1/audit?entity=project&limit=2&before={a['next_before']}")
        eq([x["after"]["code"] for x in b["audit"]], ["A0", "P1"], "next page")
        one = admin.ok("GET", f"/api/v1/audit?entity=project&entity_id={a['audit'][0]['entity_id']}")
        eq(len(one["audit"]), 1, "by id")
        expect_error(admin.get("/api/v1/audit?limit=0"), 422, "invalid", "limit")
        expect_error(admin.get("/api/v1/audit?limit=x"), 422, "invalid", "limit")
        expect_error(e.sign_in("mgr").get("/api/v1/audit"), 403, "forbidden")


# --- catalog --------------------------------------------------------------------------------


@test
def catalog_routes():
    with Env() as e:
        mgr = e.sign_in("mgr")
        s = mgr.ok("POST", "/api/v1/segments", {"code": "SMB", "name": "中小企业",
                                                "criteria": "< 100 staff", "priority": 2},
                   status=201)
        eq((s["code"], s["priority"], s["version"]), ("SMB", 2, 1), "segment")
        eq(mgr.ok("PATCH", "/api/v1/segments/SMB", {"priority": 1, "version": 1})["priority"], 1,
           "segment patch")
        eq([x["code"] for x in mgr.ok("GET", "/api/v1/segments")["segments"]], ["SMB"], "segments")
        c = mgr.ok("POST", "/api/v1/channels", {"code": "direct", "name": "直销", "type": "direct",
                                                "cost_rate": 0.125}, status=201)
        eq((c["type"], c["cost_rate"]), ("direct", 0.125), "channel")
        expect_error(mgr.post("/api/v1/channels", {"code": "x", "name": "x", "type": "shop"}),
                     422, "invalid", "type")
        expect_error(mgr.post("/api/v1/channels", {"code": "x", "name": "x", "type": "retail",
                                                   "cost_rate": 1.5}), 422, "invalid", "cost_rate")
        eq(mgr.ok("GET", "/api/v1/channels/direct")["name"], "直销", "channel get")
        p = mgr.ok("POST", "/api/v1/products", {"sku": "SKU-1", "name": "Widget", "cost": 12000,
                                                "price": 19900, "effective": "2026-01-01"},
                   status=201)
        eq((p["sku"], p["cost"], p["price"], p["active"]), ("SKU-1", 12000, 19900, True), "product")
        p2 = mgr.ok("PATCH", "/api/v1/products/SKU-1", {"price": 17900, "effective": "2026-06-01",
                                                        "reason": "summer", "version": 1})
        eq(p2["price"], 17900, "price change")
        prices = mgr.ok("GET", "/api/v1/products/SKU-1/prices")["prices"]
        eq([(x["effective"], x["price"]) for x in prices],
           [("2026-01-01", 19900), ("2026-06-01", 17900)], "price history")
        pr = mgr.ok("POST", "/api/v1/promotions", {"code": "SPRING", "name": "春季", "kind": "percent",
                                                   "value": 0.15, "start": "2026-03-01",
                                                   "end": "2026-03-31", "budget": 1000000},
                    status=201)
        eq((pr["kind"], pr["value"], pr["start"], pr["budget"]),
           ("percent", 0.15, "2026-03-01", 1000000), "promotion")
        eq(mgr.ok("PATCH", "/api/v1/promotions/SPRING", {"budget": 2000000, "version": 1})["budget"],
           2000000, "promotion patch")
        eq(len(mgr.ok("GET", "/api/v1/promotions")["promotions"]), 1, "promotions")
        eq(len(mgr.ok("GET", "/api/v1/products")["products"]), 1, "products")
        expect_error(mgr.delete("/api/v1/promotions/SPRING?version=1"), 409, "conflict")
        for path in ("/api/v1/promotions/SPRING?version=2", "/api/v1/segments/SMB?version=2",
                     "/api/v1/channels/direct?version=1"):
            eq(mgr.ok("DELETE", path)["deleted"], True, path)
        expect_error(mgr.get("/api/v1/segments/SMB"), 404, "not_found")
        rep = e.sign_in("rep")
        eq(rep.ok("GET", "/api/v1/products/SKU-1")["price"], 17900, "rep reads")
        expect_error(rep.post("/api/v1/segments", {"code": "X", "name": "x"}), 403, "forbidden")


@test
def products_and_promotions_from_one_description():
    with Env() as e:
        mgr = e.sign_in("mgr")
        mgr.ok("POST", "/api/v1/products", {"sku": "P-1", "name": "Pen", "cost": 100, "price": 250,
                                            "effective": "2020-01-01"}, status=201)
        p = mgr.ok("PATCH", "/api/v1/products/P-1", {"cost": 120, "effective": "2020-02-01",
                                                     "reason": "paper", "version": 1})
        # the history: the first entry, and the cost change carrying the price then in force
        want = [("2020-01-01", 100, 250, ""), ("2020-02-01", 120, 250, "paper")]
        got = mgr.ok("GET", "/api/v1/products/P-1")
        eq([(x["effective"], x["cost"], x["price"], x["reason"]) for x in got["prices"]], want,
           "a product shown alone carries its prices")
        eq({k: v for k, v in got.items() if k != "prices"}, p, "the rest is what PATCH answered")
        assert all("prices" not in x for x in mgr.ok("GET", "/api/v1/products")["products"])
        # (250 - 120) / 250 = 0.52
        eq(p["margin"], 0.52, "margin")
        err = expect_error(mgr.patch("/api/v1/products/P-1", {"effective": "2020-03-01",
                                                              "version": 2}), 422, "invalid",
                           "effective")
        eq(err["reason"], "effective_without_change", "reason")
        expect_error(mgr.patch("/api/v1/products/P-1", {"sku": "P-2", "version": 2}), 422,
                     "invalid", "sku")
        expect_error(mgr.post("/api/v1/products", {"sku": "P-3", "name": "x", "cost": -1,
                                                   "price": 1}), 422, "invalid", "cost")
        expect_error(mgr.post("/api/v1/products", {"sku": "P-3", "name": "x", "cost": 1,
                                                   "price": 1, "margin": 0.5}), 422, "invalid",
                     "margin")
        eq(mgr.ok("GET", "/api/v1/products?sort=price&order=desc")["total"], 1, "a list counts")

        a = mgr.ok("POST", "/api/v1/promotions", {"code": "A", "name": "a", "kind": "amount",
                                                  "value": 500}, status=201)
        eq((a["value"], a["unit"]), (500, "money"), "amount in cents")
        expect_error(mgr.post("/api/v1/promotions", {"code": "B", "name": "b", "kind": "amount",
                                                     "value": 5.5}), 422, "invalid", "value")
        expect_error(mgr.post("/api/v1/promotions", {"code": "B", "name": "b", "kind": "percent",
                                                     "value": 1.2}), 422, "invalid", "value")
        expect_error(mgr.post("/api/v1/promotions", {"code": "B", "name": "b", "kind": "gift",
                                                     "value": "5"}), 422, "invalid", "value")
        expect_error(mgr.post("/api/v1/promotions", {"code": "B", "name": "b", "kind": "coupon"}),
                     422, "invalid", "kind")
        # 500 read as a percent would be 5% (500 basis points); a rate from JSON is in [0, 1]
        pc = mgr.ok("PATCH", "/api/v1/promotions/A", {"kind": "percent", "value": 0.05,
                                                      "version": 1})
        eq((pc["kind"], pc["value"], pc["unit"]), ("percent", 0.05, "ratio"), "to a percent")
        err = expect_error(mgr.patch("/api/v1/promotions/A", {"start": "2026-05-01",
                                                              "end": "2026-04-01",
                                                              "version": 2}), 422, "invalid",
                           "end")
        eq(err["reason"], "date_before_start", "reason")
        eq(mgr.ok("GET", "/api/v1/promotions/A"), pc, "the refused change changed nothing")
        eq([x["code"] for x in mgr.ok("GET", "/api/v1/promotions?kind=percent")["promotions"]],
           ["A"], "filtered by kind")


# --- the error codes -------------------------------------------------------------------------


@test
def error_400_malformed_bodies():
    with Env() as e:
        admin = e.sign_in("admin")
        before = admin.ok("GET", "/api/v1/audit?limit=500")["audit"]
        cases = [
            (b'{"code": "X", ', "application/json", "truncated"),
            (b'{"code": "X", "code": "Y"}', "application/json", "duplicate key"),
            (b'{"code": "\xff\xfe", "name": "x"}', "application/json", "bad UTF-8"),
            (b'{"code": "\\ud800", "name": "x"}', "application/json", "lone surrogate"),
            (b'', "application/json", "empty"),
        ]
        for raw, ctype, what in cases:
            r = admin.post("/api/v1/projects", raw=raw, content_type=ctype)
            expect_error(r, 400, "malformed")
        # a body of another type is 415 (tests/http/test_security.py has more)
        for ctype in ("text/plain", "application/json; charset=latin1"):
            r = admin.post("/api/v1/projects", raw=b'{"code": "X"}', content_type=ctype)
            expect_error(r, 415, "unsupported_media_type", reason="unsupported_type",
                         params={"type": ctype})
        r = admin.post("/api/v1/projects", raw=b'{"code":"X"}', content_type=None)
        expect_error(r, 415, "unsupported_media_type")
        assert "application/json" in r.error()["message"]
        eq(admin.ok("GET", "/api/v1/audit?limit=500")["audit"], before, "nothing changed")
        eq([p["code"] for p in admin.ok("GET", "/api/v1/projects")["projects"]], ["P1"], "no project")


@test
def error_422_unknown_field_and_wrong_type():
    with Env() as e:
        admin = e.sign_in("admin")
        good = {"code": "Z1", "name": "z", "start": "2027-01-01", "end": "2027-02-01"}
        expect_error(admin.post("/api/v1/projects", dict(good, colour="red")), 422, "invalid", "colour",
                     "unknown_field", {"name": "colour"})
        expect_error(admin.post("/api/v1/projects", dict(good, budget="100")), 422, "invalid", "budget")
        expect_error(admin.post("/api/v1/projects", dict(good, budget=1.5)), 422, "invalid", "budget")
        # the limit of any total (10^18 minor units, docs/guide.md), and the largest allowed
        expect_error(admin.post("/api/v1/projects", dict(good, budget=10**18 + 1)), 422, "invalid",
                     "budget", "amount_limit")
        admin.ok("POST", "/api/v1/projects", dict(good, code="BIG", budget=10**18), status=201)
        expect_error(admin.post("/api/v1/projects", dict(good, name=7)), 422, "invalid", "name")
        expect_error(admin.post("/api/v1/projects", dict(good, start="01/02/2027")), 422, "invalid",
                     "start")
        expect_error(admin.post("/api/v1/projects", {"name": "no code"}), 422, "invalid", "code",
                     "required", {})
        expect_error(admin.post("/api/v1/projects", dict(good, code="a b")), 422, "invalid", "code",
                     "bad_code", {"value": "a b"})
        expect_error(admin.post("/api/v1/projects", dict(good, end="2026-12-01")), 422, "invalid",
                     "end", "date_before_start", {"date": "2026-12-01", "start": "2027-01-01"})
        expect_error(admin.post("/api/v1/projects", raw=b'[1,2]'), 422, "invalid")
        expect_error(admin.patch("/api/v1/projects/P1", {"name": "x"}), 422, "invalid", "version")
        # an owner that is no user is bad input, not a conflict
        expect_error(admin.post("/api/v1/projects", dict(good, owner_id=99999)), 422, "invalid",
                     "owner_id")
        v = admin.ok("GET", "/api/v1/projects/P1")["version"]
        expect_error(admin.patch("/api/v1/projects/P1", {"owner_id": 99999, "version": v}), 422,
                     "invalid", "owner_id")
        eq(admin.ok("GET", "/api/v1/projects/P1")["version"], v, "P1 unchanged")
        eq(sorted(p["code"] for p in admin.ok("GET", "/api/v1/projects")["projects"]), ["BIG", "P1"],
           "no project but the one within the limit")


@test
def error_401_403_404_405():
    with Env() as e:
        anon = e.anon()
        expect_error(anon.get("/api/v1/projects"), 401, "unauthenticated")
        expect_error(anon.post("/api/v1/projects", {"code": "X"}), 401, "unauthenticated")
        anon.cookie = "not-a-session"
        r = anon.get("/api/v1/me")
        expect_error(r, 401, "unauthenticated")
        assert "Max-Age=0" in (r.header("Set-Cookie") or ""), "a dead cookie is cleared"
        vw = e.sign_in("vw")
        expect_error(vw.patch("/api/v1/projects/P1", {"name": "x", "version": 1}), 403, "forbidden")
        expect_error(vw.get("/api/v1/nothing-here"), 404, "not_found")
        expect_error(vw.get("/api/v1/projects/NOPE"), 404, "not_found")
        r = vw.request("PUT", "/api/v1/projects/P1", {"name": "x"})
        expect_error(r, 405, "method_not_allowed")
        eq(r.header("Allow"), "GET, PATCH, DELETE", "Allow")
        r = vw.post("/livez", {})
        eq(r.status, 405, "livez is GET only")


@test
def error_400_encoded_nul_or_slash_in_the_path():
    """%00 and %2F would be decoded before routing: they must not reach another route."""
    with Env() as e:
        admin = e.sign_in("admin")
        v = admin.ok("GET", "/api/v1/projects/P1")["version"]
        # NUL would cut the path to DELETE /api/v1/projects/P1 (with ?version=, a delete).
        expect_error(admin.delete(f"/api/v1/projects/P1%00/members/rep?version={v}"),
                     400, "malformed")
        expect_error(admin.get("/api/v1/projects/P1%00xyz"), 400, "malformed")
        # An encoded slash would turn the project code into /members.
        expect_error(admin.get("/api/v1/projects/P1%2Fmembers"), 400, "malformed")
        expect_error(admin.get("/api/v1/projects/P1%2fmembers"), 400, "malformed")
        expect_error(admin.get("/api/v1/projects/P1/sales?customer=a%00b"), 400, "malformed")
        eq(admin.ok("GET", "/api/v1/projects/P1")["code"], "P1", "the project is still there")
        eq(len(admin.ok("GET", "/api/v1/projects/P1/members")["members"]), 4, "members kept")
        # Other escapes keep working, in the path and in the query.
        expect_error(admin.get("/api/v1/customers/%E5%8D%8E%E4%B8%9C"), 404, "not_found")
        eq(admin.ok("GET", "/api/v1/projects/P1/sales?customer=a%2Fb")["total"], 0, "query %2F")
        # The connection goes on serving after a refused request.
        out = raw_all(e.srv.port, b"GET /api/v1/projects/P1%00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                      b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert out.startswith(b"HTTP/1.1 400"), out[:200]
        assert b"HTTP/1.1 200" in out and out.endswith(b"ok\n"), out[-200:]


@test
def error_bodies_are_utf8_whatever_the_path_holds():
    """A message that repeats bad bytes (a decoded %FF) is still UTF-8 JSON."""
    with Env() as e:
        admin = e.sign_in("admin")
        for path in ("/api/v1/customers/%FF", "/api/v1/projects/%C0%AF",
                     "/api/v1/nothing/" + "%E4%B8%AD" * 40):
            r = admin.get(path)
            eq(r.status, 404, path)
            r.body.decode("utf-8")  # strict: raises on a byte that is not UTF-8
            eq(r.error()["code"], "not_found", path)
        assert "\ufffd" in admin.get("/api/v1/customers/%FF").error()["message"]


@test
def error_409_stale_version():
    with Env() as e:
        a, b = e.sign_in("admin"), e.sign_in("mgr")
        v = a.ok("GET", "/api/v1/projects/P1")["version"]
        a.ok("PATCH", "/api/v1/projects/P1", {"name": "first", "version": v})
        err = expect_error(b.patch("/api/v1/projects/P1", {"name": "second", "version": v}),
                           409, "conflict", "version")
        assert str(v + 1) in err["message"], err
        eq(a.ok("GET", "/api/v1/projects/P1")["name"], "first", "no silent overwrite")


@test
def error_413_too_large():
    with Env() as e:
        admin = e.sign_in("admin")
        # The announced length alone is refused, before any of the body is sent.
        _, hd, body = raw(e.srv.port, b"POST /api/v1/projects HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          b"Content-Type: application/json\r\nContent-Length: 1048577\r\n"
                          b"X-CSRF-Token: " + admin.csrf.encode() + b"\r\n"
                          b"Cookie: salespm_session=" + admin.cookie.encode() + b"\r\n\r\n")
        assert hd.startswith(b"HTTP/1.1 413"), hd[:200]
        assert b'"too_large"' in body, hd + body
        # Chunked, with no length announced: refused once the cap is passed.
        chunk = b"x" * 65536
        body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(20)) + b"0\r\n\r\n"
        _, hd, _ = raw(e.srv.port,
                       b"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
        assert hd.startswith(b"HTTP/1.1 413"), hd[:200]
        eq(len(admin.ok("GET", "/api/v1/projects")["projects"]), 1, "nothing created")


@test
def error_400_ambiguous_framing():
    with Env() as e:
        _, hd, body = raw(e.srv.port, b"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          b"Content-Type: application/json\r\nContent-Length: 2\r\n"
                          b"Content-Length: 2\r\n\r\n{}")
        assert hd.startswith(b"HTTP/1.1 400"), hd[:200]
        assert b'"malformed"' in body, body
        _, hd, _ = raw(e.srv.port, b"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       b"Content-Type: application/json\r\nContent-Length: 2\r\n"
                       b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
        assert hd.startswith(b"HTTP/1.1 400"), hd[:200]


# --- CSRF and idempotency --------------------------------------------------------------------


@test
def csrf_required_for_cookie_writes():
    with Env() as e:
        admin = e.sign_in("admin")
        body = {"code": "C1", "name": "c", "start": "2027-01-01", "end": "2027-02-01"}
        expect_error(admin.post("/api/v1/projects", body, csrf=False), 403, "forbidden", "X-CSRF-Token")
        expect_error(admin.post("/api/v1/projects", body, csrf=False,
                                headers={"X-CSRF-Token": "wrong"}), 403, "forbidden", "X-CSRF-Token")
        expect_error(admin.post("/api/v1/projects", body,
                                headers={"Origin": "http://evil.example"}), 403, "forbidden", "Origin")
        eq(len(admin.ok("GET", "/api/v1/projects")["projects"]), 1, "nothing created")
        host = f"127.0.0.1:{e.srv.port}"
        admin.ok("POST", "/api/v1/projects", body, headers={"Origin": f"http://{host}"}, status=201)
        # Sign-in from another site is refused too.
        expect_error(e.anon().post("/api/v1/session", {"login": "admin", "password": ADMIN_PW},
                                   headers={"Origin": "http://evil.example"}), 403, "forbidden")


@test
def idempotency_key_applies_once():
    with Env() as e:
        admin = e.sign_in("admin")
        body = {"code": "I1", "name": "once", "start": "2027-01-01", "end": "2027-02-01"}
        h = {"Idempotency-Key": "k-123"}
        r1 = admin.post("/api/v1/projects", body, headers=h)
        r2 = admin.post("/api/v1/projects", body, headers=h)
        eq((r1.status, r2.status), (201, 201), "same status")
        eq(r1.body, r2.body, "same body")
        eq(r2.header("Idempotent-Replayed"), "true", "replayed")
        codes = [p["code"] for p in admin.ok("GET", "/api/v1/projects")["projects"]]
        eq(codes.count("I1"), 1, "one record")
        audit = admin.ok("GET", "/api/v1/audit?entity=project")["audit"]
        eq(sum(1 for a in audit if a["after"] and a["after"]["code"] == "I1"), 1, "one audit row")
        expect_error(admin.post("/api/v1/users", {"login": "x", "name": "x", "role": "rep"},
                                headers=h), 422, "invalid", "Idempotency-Key")
        # A refusal is replayed as well; the key with a corrected body is refused, not
        # applied (the body is part of what a key names): a correction takes a new key.
        bad = {"code": "I2", "name": "x", "start": "2027-02-01", "end": "2027-01-01"}
        r3 = admin.post("/api/v1/projects", bad, headers={"Idempotency-Key": "k-bad"})
        r4 = admin.post("/api/v1/projects", bad, headers={"Idempotency-Key": "k-bad"})
        eq((r3.status, r4.status, r3.body), (422, 422, r4.body), "refusal replayed")
        eq(r4.header("Idempotent-Replayed"), "true", "the refusal is a replay")
        expect_error(admin.post("/api/v1/projects", dict(bad, end="2027-03-01"),
                                headers={"Idempotency-Key": "k-bad"}),
                     422, "invalid", "Idempotency-Key", "idempotency_body_changed")
        codes = [p["code"] for p in admin.ok("GET", "/api/v1/projects")["projects"]]
        eq(codes.count("I2"), 0, "nothing applied under the refused key")
        # Keys are per user.
        mgr = e.sign_in("mgr")
        r5 = mgr.post("/api/v1/projects", dict(body, code="I3"), headers=h)
        eq(r5.status, 201, "another user's key space")


# --- health, metrics, headers, UI ---------------------------------------------------------------


@test
def health_and_metrics():
    with Env() as e:
        c = e.anon()
        r = c.get("/livez")
        eq((r.status, r.body), (200, b"ok\n"), "livez")
        eq(c.get("/readyz").status, 200, "ready")
        c.get("/api/v1/nope")
        # a request is counted when it completes, just after its answer was sent: poll
        for _ in range(50):
            m = c.get("/metrics")
            eq(m.status, 200, "metrics")
            text = m.body.decode()
            if 'salespm_http_requests_total{class="4xx"} 0' not in text:
                break
            time.sleep(0.02)
        for needle in ('salespm_http_requests_total{class="2xx"}',
                       'salespm_http_requests_total{class="4xx"}',
                       'salespm_http_request_duration_seconds_bucket{le="+Inf"}',
                       "salespm_http_request_duration_seconds_count",
                       "salespm_http_requests_in_flight "):
            assert needle in text, f"{needle} in metrics:\n{text}"
        # the metrics request itself is in flight (another may still be finishing)
        inflight = [line for line in text.splitlines() if line.startswith("salespm_http_requests_in_flight ")]
        assert int(inflight[0].split()[-1]) >= 1, inflight
        fourxx = [line for line in text.splitlines() if line.startswith('salespm_http_requests_total{class="4xx"}')]
        assert int(fourxx[0].split()[-1]) >= 1, fourxx
        if BACKEND == "sqlite":
            # a database file moved away is not ready (PostgreSQL: tests/pg/test_pg_server.py)
            os.rename(e.ws.db, e.ws.db + ".away")
            try:
                r = c.get("/readyz")
                expect_error(r, 503, "unavailable")
            finally:
                os.rename(e.ws.db + ".away", e.ws.db)
            eq(c.get("/readyz").status, 200, "ready again")


@test
def security_headers_everywhere():
    with Env() as e:
        admin = e.sign_in("admin")
        for r in (admin.get("/api/v1/me"), admin.get("/api/v1/nope"), e.anon().get("/"),
                  e.anon().get("/livez"), e.anon().get("/app.css"), e.anon().get("/missing.js")):
            eq(r.header("Content-Security-Policy"), CSP, "CSP")
            eq(r.header("X-Content-Type-Options"), "nosniff", "nosniff")
            eq(r.header("Referrer-Policy"), "no-referrer", "referrer")
        eq(admin.get("/api/v1/me").header("Cache-Control"), "no-store", "api not cached")
        eq(admin.get("/api/v1/me").header("Content-Type"), "application/json; charset=utf-8", "type")


@test
def access_log_has_no_secrets():
    with Env() as e:
        admin = e.sign_in("admin")
        admin.get("/api/v1/projects?token=sekrit-query")
        # A line is written when the request completes, just after the answer is sent.
        deadline = time.time() + 5
        while True:
            log = e.srv.read_log()
            lines = [ln for ln in log.splitlines() if ln.startswith("time=")]
            if any("path=/api/v1/projects " in ln for ln in lines) or time.time() > deadline:
                break
            time.sleep(0.05)
        assert any("method=GET path=/api/v1/projects status=200" in ln and "user=admin" in ln
                   for ln in lines), log
        assert any("path=/api/v1/session status=200" in ln for ln in lines), log
        for secret in (ADMIN_PW, admin.cookie, admin.csrf, "sekrit-query"):
            assert secret not in log, f"{secret[:6]}... leaked into the log"
        assert all("duration_us=" in ln and "bytes=" in ln for ln in lines)


@test
def access_log_has_one_whole_line_per_request():
    # lines are gathered and written a few at a time by a thread of the server: none is
    # lost, doubled or cut, up to a stop right after the last answer (a line is written as
    # its request ends, which may come a moment after the client has its answer: the
    # order is not the requests')
    ws = workspace(())
    srv = Server(ws)
    try:
        c = srv.client()
        for i in range(300):
            eq(c.get(f"/livez?n={i}").status, 200, "livez")
            eq(c.get(f"/api/v1/nope{i}").status, 404, "no route")
    finally:
        log = srv.stop()
    lines = [ln for ln in log.splitlines() if ln.startswith("time=")]
    paths = [ln.split(" path=", 1)[1].split(" ", 1)[0] for ln in lines]
    eq(sorted(p for p in paths if p.startswith("/api/v1/nope")),
       sorted(f"/api/v1/nope{i}" for i in range(300)), "one line per request")
    assert paths.count("/livez") >= 300, paths.count("/livez")
    whole = re.compile(r"^time=\S+ method=GET path=\S+ status=\d+ bytes=\d+ duration_us=\d+ "
                       r"user=- id=[0-9a-f]{16}$")
    assert all(ln.count("time=") == 1 and whole.match(ln) for ln in lines), \
        [ln for ln in lines if ln.count("time=") != 1 or not whole.match(ln)][:3]
    ids = [ln.rsplit(" id=", 1)[1] for ln in lines]
    eq(len(set(ids)), len(ids), "every request its own id")


@test
def every_answer_names_its_request_and_the_log_line_names_it_alike():
    """X-Request-Id on every answer made for its request (JSON, an error, a write the writer
    thread answers, the UI, health), each its own, and the access log's line of that request
    ends with the same id; a kept answer (the dashboard from the cache, and its 304) is one
    response shared by every request that gets it, so it carries none, but its log line has
    an id of its own all the same. An id a proxy in front sends is kept when it is one
    (letters, digits, . _ : -, at most 64), else the server makes its own."""
    with ServerEnv(workspace(USERS, channels=("direct",), products=("SKU-1",))) as e:
        mgr = e.sign_in("mgr")
        answers = [mgr.get("/api/v1/projects"), mgr.get("/api/v1/projects/P1/dashboard"),
                   mgr.get("/api/v1/projects/P1/dashboard")]
        answers.append(mgr.get("/api/v1/projects/P1/dashboard",
                               headers={"If-None-Match": answers[2].header("ETag")}))
        answers += [mgr.get("/api/v1/nope"),
                    mgr.post("/api/v1/projects/P1/sales", sale(customer="Rid Co")),
                    mgr.get("/"), mgr.get("/livez")]
        eq([a.status for a in answers], [200, 200, 200, 304, 404, 201, 200, 200], "statuses")
        kept = [1, 2, 3]  # the dashboard's answers come from the cache
        eq([answers[k].header("X-Request-Id") for k in kept], [None, None, None],
           "a kept answer carries no id of a request")
        ids = [a.header("X-Request-Id") for k, a in enumerate(answers) if k not in kept]
        assert all(i and re.fullmatch(r"[0-9a-f]{16}", i) for i in ids), ids
        eq(len(set(ids)), len(ids), "each answer its own id")
        given = mgr.get("/livez", headers={"X-Request-Id": "lb-1234.abc:9_Z"})
        eq(given.header("X-Request-Id"), "lb-1234.abc:9_Z", "a proxy's id is kept")
        for bad in ("has space", "x" * 65, "semi;colon", "日本".encode()):
            r = mgr.get("/livez", headers={"X-Request-Id": bad})
            got = r.header("X-Request-Id")
            assert got != bad and re.fullmatch(r"[0-9a-f]{16}", got), (bad, got)
            ids.append(got)
        ids.append("lb-1234.abc:9_Z")
        deadline = time.time() + 5
        while True:
            lines = [ln for ln in e.srv.read_log().splitlines()
                     if ln.startswith("time=") and " id=" in ln]
            logged = [ln.rsplit(" id=", 1)[1] for ln in lines]
            dash = [ln.rsplit(" id=", 1)[1] for ln in lines
                    if "path=/api/v1/projects/P1/dashboard " in ln]
            if (set(ids) <= set(logged) and len(dash) >= 3) or time.time() > deadline:
                break
            time.sleep(0.05)
        eq(sorted(set(ids) - set(logged)), [], "every id answered is in the access log")
        eq(len(set(dash)), 3, "the kept answers' lines have ids of their own")
        eq(len(set(logged)), len(logged), "no two lines share an id")


@test
def the_access_log_in_json_is_one_object_a_line():
    """serve --log-format json: each request's line is a JSON object with the same fields as
    logfmt's (a path with a quote, a backslash and a byte outside ASCII kept, escaped), and
    its id is the answer's X-Request-Id; another format is refused naming the option."""
    ws = workspace(())
    srv = Server(ws, "--log-format", "json")
    try:
        c = srv.client()
        r1 = c.get("/livez")
        r2 = c.get('/api/v1/no"pe%5C%E6%97%A5')
        eq((r1.status, r2.status), (200, 404), "answered")
        deadline = time.time() + 5
        while True:
            objs = [json.loads(ln) for ln in srv.read_log().splitlines() if ln.startswith("{")]
            if len(objs) >= 2 or time.time() > deadline:
                break
            time.sleep(0.05)
    finally:
        log = srv.stop()
    lines = [ln for ln in log.splitlines() if ln.startswith("{")]
    objs = [json.loads(ln) for ln in lines]
    by_id = {o["id"]: o for o in objs}
    a, b = by_id[r1.header("X-Request-Id")], by_id[r2.header("X-Request-Id")]
    eq(sorted(a), ["bytes", "duration_us", "id", "method", "path", "status", "time", "user"],
       "the fields")
    eq((a["method"], a["path"], a["status"], a["bytes"], a["user"]), ("GET", "/livez", 200, 3, None),
       "livez's line")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", a["time"]), a["time"]
    assert isinstance(a["duration_us"], int) and a["duration_us"] >= 0, a
    # the path as its bytes: each one outside printable ASCII (and the quote and backslash)
    # escaped as \u00XX, so a reader gets the bytes back
    eq(b["path"].encode("latin-1"), '/api/v1/no"pe\\'.encode() + "日".encode(), "the odd path")
    eq(b["status"], 404, "its status")
    bad = subprocess.run([harness.BIN, "--db", ws.db, "serve", "--log-format", "xml"],
                         capture_output=True, text=True, timeout=20)
    eq(bad.returncode, 2, "a usage error")
    assert "--log-format" in bad.stderr and "xml" in bad.stderr, bad.stderr


@test
def the_log_level_chooses_which_requests_are_logged():
    """--log-level info logs every request; warn only those answered 4xx or 5xx; error only
    5xx (a 404 and a 200 sent to each, counted in its access log); another level is a usage
    error naming the option."""
    for level, want in (("info", {"/livez": 1, "/api/v1/nope": 1}),
                        ("warn", {"/api/v1/nope": 1}), ("error", {})):
        ws = workspace(())
        srv = Server(ws, "--log-level", level)
        try:
            c = srv.client()
            eq(c.get("/livez").status, 200, "livez")
            eq(c.get("/api/v1/nope").status, 404, "no route")
            time.sleep(0.2)
        finally:
            log = srv.stop()
        paths = [ln.split(" path=", 1)[1].split(" ", 1)[0] for ln in log.splitlines()
                 if ln.startswith("time=")]
        got = {p: paths.count(p) for p in set(paths) if p in ("/livez", "/api/v1/nope")}
        # the harness's own readiness probes are /livez too: count only whether it is there
        if "/livez" in got:
            got["/livez"] = 1
        eq(got, want, f"log level {level}")
    ws = workspace(())
    bad = subprocess.run([harness.BIN, "--db", ws.db, "serve", "--log-level", "debug"],
                         capture_output=True, text=True, timeout=20)
    eq(bad.returncode, 2, "a usage error")
    assert "--log-level" in bad.stderr, bad.stderr


@test
def a_fatal_signal_leaves_its_name_thread_and_stack_in_the_log():
    with open(harness.BIN, "rb") as f:
        sanitized = b"__asan_init" in f.read()
    ws = workspace(())
    srv = Server(ws)
    try:
        eq(srv.client().get("/livez").status, 200, "up")
        srv.proc.send_signal(signal.SIGSEGV)
        srv.proc.wait(timeout=20)
        log = srv.read_log()
        if sanitized:  # an ASan build reports with its own handler, and exits 1
            assert srv.proc.returncode != 0 and "AddressSanitizer: SEGV" in log, log[-2000:]
        else:
            eq(srv.proc.returncode, -signal.SIGSEGV, f"dies of the signal: {log[-2000:]}")
            assert "salespm: fatal signal SIGSEGV in thread " in log, log[-2000:]
            stack = log.split("its stack:\n", 1)[1].splitlines()
            assert len(stack) >= 2 and all("salespm" in ln or ".so" in ln or "[0x" in ln
                                           for ln in stack[:2]), stack[:4]
    finally:
        srv.stop(check=False)


@test
def static_ui_embedded_and_fallback():
    with Env() as e:
        c = e.anon()
        r = c.get("/")
        eq(r.status, 200, "/")
        assert r.header("Content-Type").startswith("text/html"), r.headers
        index = r.body
        eq(c.get("/projects/P1/dashboard").body, index, "client-side route falls back")
        eq(c.get("/missing-asset.js").status, 404, "missing asset")
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
        if os.path.exists(os.path.join(root, "web", "dist", "app.js")):
            js = c.get("/app.js")
            eq(js.header("Content-Type"), "text/javascript; charset=utf-8", "js type")
            gz = c.get("/app.js", headers={"Accept-Encoding": "gzip"})
            if gz.header("Content-Encoding") == "gzip":
                eq(gzip.decompress(gz.body), js.body, "gzip variant is the same file")
        eq(c.get("/api/v1/openapi.json").json()["openapi"][:2], "3.", "openapi")


@test
def static_ui_from_web_dir():
    ws = Workspace()
    d = os.path.join(ws.dir, "ui")
    os.makedirs(os.path.join(d, "assets"))
    with open(os.path.join(d, "index.html"), "w") as f:
        f.write("<!doctype html><title>dev ui</title>")
    with open(os.path.join(d, "assets", "a.css"), "w") as f:
        f.write("body{}")
    with open(os.path.join(ws.dir, "secret.txt"), "w") as f:
        f.write("do not serve")
    with Server(ws, "--web-dir", d) as srv:
        c = srv.client()
        eq(c.get("/").body, b"<!doctype html><title>dev ui</title>", "index from dir")
        r = c.get("/assets/a.css")
        eq((r.status, r.body, r.header("Content-Type")), (200, b"body{}", "text/css; charset=utf-8"),
           "asset")
        eq(c.get("/deep/route").body, b"<!doctype html><title>dev ui</title>", "fallback")
        for bad in ("/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt"):
            r = c.get(bad)
            assert b"do not serve" not in r.body, bad


@test
def openapi_lists_every_route():
    import json
    routes = served_routes()
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    with open(os.path.join(root, "docs", "openapi.json"), encoding="utf-8") as f:
        doc = json.load(f)
    missing = [f"{m} {p}" for m, p in routes if m.lower() not in doc["paths"].get(p, {})]
    eq(missing, [], "routes missing from docs/openapi.json")
    extra = [f"{m.upper()} {p}" for p, ops in doc["paths"].items() for m in ops
             if [m.upper(), p] not in routes and m in ("get", "post", "patch", "put", "delete")]
    eq(extra, [], "documented routes that are not served")


if __name__ == "__main__":
    run_all()
