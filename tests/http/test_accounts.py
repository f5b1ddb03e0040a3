"""test_accounts.py - idempotency keys, accounts and permissions over HTTP (and the CLI
where a rule must hold there too): a key's write, answer and reservation as one commit
(a crash leaves a key applied or retryable, a concurrent retry waits and replays, a
changed body is refused), project hand-over, the password-check limit, deactivation
revoking tokens, the password length, and who sees which project (drafts included).

Each test runs its own `salespm serve` on a free port of 127.0.0.1 over a fresh
database; expected values are counted here from what the test sent."""
import json
import os
import sys
import threading
import time
import http.client

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import ROLES, Env as ServerEnv, expect_error, workspace  # noqa: E402
from harness import Server, Workspace, eq, pw, run_all, test  # noqa: E402

# "own" owns P1, "out" is on no project
USERS = ("own", "mgr", "mgr2", "rep", "rep2", "vw", "out")


def Env():
    """P1 owned by own (mgr manager, rep and rep2 members, vw viewer); a channel and a product."""
    return ServerEnv(workspace(USERS, owner="own", status="active", channels=("direct",),
                               products=("SKU-1",)))


def sale(customer="Acme", qty=2, price=10000):
    return {"date": "2026-02-03", "customer": customer, "product": "SKU-1",
            "channel": "direct", "quantity": qty, "unit_price": price}


def count_sales(ws):
    return ws.sql("SELECT COUNT(*) FROM sales")[0][0]


def big_csv(rows):
    lines = ["date,customer,product,channel,rep,quantity,unit_price"]
    for i in range(rows):
        lines.append(f"2026-02-{1 + i % 28:02d},Customer {i % 500},SKU-1,direct,rep,1,1.00")
    return ("\n".join(lines) + "\n").encode()


class Sender(threading.Thread):
    """Sends one request on its own connection; sent is set once the body is out."""

    def __init__(self, port, method, path, body, headers):
        super().__init__(daemon=True)
        self.args = (port, method, path, body, headers)
        self.sent = threading.Event()
        self.status = None
        self.body = None
        self.replayed = None
        self.error = None

    def run(self):
        port, method, path, body, headers = self.args
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers)
            self.sent.set()
            r = conn.getresponse()
            self.status, self.body = r.status, r.read()
            self.replayed = r.getheader("Idempotent-Replayed")
        except OSError as e:
            self.error = e
        finally:
            self.sent.set()
            conn.close()


def import_headers(client, key):
    return {"Content-Type": "text/csv", "Cookie": f"salespm_session={client.cookie}",
            "X-CSRF-Token": client.csrf, "Idempotency-Key": key}


IMPORT = "/api/v1/projects/P1/sales/import"


def start_import(e, client, body, key):
    """A keyed import of body by client, sent on a connection of its own; returned 0.3 s
    after the body is out (a small import may be answered by then on a fast machine)."""
    t = Sender(e.srv.port, "POST", IMPORT, body, import_headers(client, key))
    t.start()
    t.sent.wait(60)
    time.sleep(0.3)
    return t


# --- idempotency keys ------------------------------------------------------------------------


@test
def idempotency_changed_body_is_refused_not_replayed():
    with Env() as e:
        rep = e.sign_in("rep")
        url = "/api/v1/projects/P1/sales"
        h = {"Idempotency-Key": "sale-1"}
        r1 = rep.post(url, sale(qty=2), headers=h)
        eq(r1.status, 201, f"created {r1}")
        # The same key with another quantity is another request: refused, nothing applied.
        r2 = rep.post(url, sale(qty=3), headers=h)
        expect_error(r2, 422, "invalid", "Idempotency-Key", "idempotency_body_changed")
        # The same body again replays the first answer.
        r3 = rep.post(url, sale(qty=2), headers=h)
        eq((r3.status, r3.body, r3.header("Idempotent-Replayed")), (201, r1.body, "true"),
           "the first answer replayed")
        # Another route or query with the key is refused as well.
        r4 = rep.post(url + "?x=1", sale(qty=2), headers=h)
        expect_error(r4, 422, "invalid", "Idempotency-Key")
        sales = rep.ok("GET", url)["sales"]
        eq([s["quantity"] for s in sales], [2], "one sale, as first sent")


@test
def idempotency_concurrent_retry_waits_and_replays():
    """A retry sent while the first request is still being answered gets its answer."""
    with Env() as e:
        rep = e.sign_in("rep")
        total = 0
        # A retry must meet the first request still running: a faster machine gets more rows.
        for attempt, rows in enumerate((150000, 400000, 1000000)):
            body = big_csv(rows)
            key = f"imp-{attempt}"
            first = start_import(e, rep, body, key)
            overlapped = first.status is None
            second = Sender(e.srv.port, "POST", IMPORT, body, import_headers(rep, key))
            second.start()
            first.join(300)
            second.join(300)
            assert first.error is None and second.error is None, (first.error, second.error)
            eq((first.status, second.status), (200, 200), f"both answered: {second.body[:300]!r}")
            eq(first.body, second.body, "the same answer")
            eq(sorted([first.replayed or "", second.replayed or ""]), ["", "true"],
               "one applied, one replayed")
            total += rows
            eq(count_sales(e.ws), total, "imported once")
            if overlapped:
                break
        assert overlapped, "the first import always ended before the retry was sent"


@test
def idempotency_key_in_flight_at_a_crash_is_retryable():
    """A key whose request was cut by a crash is not stuck: its retry applies it once."""
    with Env() as e:
        rep = e.sign_in("rep")
        total = 0
        # The crash must land while the import runs: a faster machine gets more rows.
        for attempt, rows in enumerate((150000, 400000, 1000000)):
            body = big_csv(rows)
            key = f"imp-crash-{attempt}"
            first = start_import(e, rep, body, key)
            e.crash_and_restart()
            first.join(30)
            rep = e.sign_in("rep")
            if first.status is not None:  # answered before the crash: nothing was in flight
                eq(first.status, 200, f"import {first.body[:300]!r}")
                total += rows
                continue
            r = rep.request("POST", IMPORT, raw=body, content_type="text/csv",
                            headers={"Idempotency-Key": key})
            eq(r.status, 200, f"the retry is answered, not held for 24 hours: {r}")
            eq(r.json()["imported"], rows, "all rows")
            total += rows
            eq(count_sales(e.ws), total, "imported exactly once")
            r2 = rep.request("POST", IMPORT, raw=body, content_type="text/csv",
                             headers={"Idempotency-Key": key})
            eq((r2.status, r2.body, r2.header("Idempotent-Replayed")), (200, r.body, "true"),
               "a further retry replays")
            return
        raise AssertionError("every import was answered before the crash")


@test
def idempotency_write_waiting_for_the_lock_applies_once():
    """A keyed write that waits for another writer's lock is applied once, then replayed."""
    with Env() as e:
        rep = e.sign_in("rep")
        url = "/api/v1/projects/P1/sales"
        with e.ws.hold_write_lock():
            t = Sender(e.srv.port, "POST", url, json.dumps(sale()).encode(),
                       {"Content-Type": "application/json", "Idempotency-Key": "sale-locked",
                        "Cookie": f"salespm_session={rep.cookie}", "X-CSRF-Token": rep.csrf})
            t.start()
            t.sent.wait(10)
            time.sleep(0.5)
        t.join(30)
        eq(t.status, 201, f"applied once the lock was free: {t.body!r}")
        r = rep.post(url, sale(), headers={"Idempotency-Key": "sale-locked"})
        eq((r.status, r.body), (201, t.body), "replayed")
        eq(count_sales(e.ws), 1, "one sale")


@test
def idempotency_replay_is_a_read():
    """A replay is answered while another writer holds the write lock: it starts no write."""
    with Env() as e:
        rep = e.sign_in("rep")
        url = "/api/v1/projects/P1/sales"
        h = {"Idempotency-Key": "sale-read"}
        r1 = rep.post(url, sale(), headers=h)
        eq(r1.status, 201, f"created {r1}")
        with e.ws.hold_write_lock():
            t0 = time.time()
            r2 = rep.post(url, sale(), headers=h)
            took = time.time() - t0
        eq((r2.status, r2.body, r2.header("Idempotent-Replayed")), (201, r1.body, "true"), "replayed")
        assert took < 2, f"the replay waited {took:.1f} s for the write lock"


# --- project hand-over --------------------------------------------------------------------------


def members(c, code="P1"):
    return {m["login"]: m["role"] for m in c.ok("GET", f"/api/v1/projects/{code}/members")["members"]}


def user_id(c, login):
    return c.ok("GET", f"/api/v1/users/{login}")["id"]


@test
def project_handover_only_by_owner_to_a_member():
    with Env() as e:
        admin, own, mgr = e.sign_in("admin"), e.sign_in("own"), e.sign_in("mgr")
        p = mgr.ok("GET", "/api/v1/projects/P1")
        eq(p["owner_id"], user_id(admin, "own"), "own owns P1")
        # A project manager edits the project but cannot hand it over, to anyone.
        for target in ("rep", "out", "mgr"):
            expect_error(mgr.patch("/api/v1/projects/P1",
                                   {"owner_id": user_id(admin, target), "version": p["version"]}),
                         403, "forbidden", "owner_id")
        p2 = mgr.ok("PATCH", "/api/v1/projects/P1", {"name": "Renamed", "version": p["version"]})
        eq((p2["name"], p2["owner_id"]), ("Renamed", p["owner_id"]), "a plain edit works")
        # The owner cannot hand over to someone off the project (nor an admin can).
        for c in (own, admin):
            expect_error(c.patch("/api/v1/projects/P1", {"owner_id": user_id(admin, "out"),
                                                         "version": p2["version"]}),
                         422, "invalid", "owner_id", "owner_not_member")
        eq(mgr.ok("GET", "/api/v1/projects/P1")["owner_id"], p["owner_id"], "unchanged")
        # The owner hands over to a member: the new owner's role is owner, the old is manager.
        p3 = own.ok("PATCH", "/api/v1/projects/P1", {"owner_id": user_id(admin, "rep"),
                                                     "version": p2["version"]})
        eq(p3["owner_id"], user_id(admin, "rep"), "rep owns P1")
        m = members(admin)
        eq((m["rep"], m["own"], m["mgr"]), ("owner", "manager", "manager"), "roles after hand-over")
        # The old owner is a manager now, so may not hand it back; the new owner may.
        expect_error(own.patch("/api/v1/projects/P1", {"owner_id": user_id(admin, "own"),
                                                       "version": p3["version"]}),
                     403, "forbidden", "owner_id")
        rep = e.sign_in("rep")
        p4 = rep.ok("PATCH", "/api/v1/projects/P1", {"owner_id": user_id(admin, "mgr"),
                                                     "version": p3["version"]})
        m = members(admin)
        eq((p4["owner_id"], m["mgr"], m["rep"], m["own"]),
           (user_id(admin, "mgr"), "owner", "manager", "manager"), "handed on")
        # An admin hands over too; a deactivated member cannot receive it.
        v = admin.ok("GET", "/api/v1/users/rep2")["version"]
        admin.ok("PATCH", "/api/v1/users/rep2", {"active": False, "version": v})
        expect_error(admin.patch("/api/v1/projects/P1", {"owner_id": user_id(admin, "rep2"),
                                                         "version": p4["version"]}),
                     422, "invalid", "owner_id")
        p5 = admin.ok("PATCH", "/api/v1/projects/P1", {"owner_id": user_id(admin, "vw"),
                                                       "version": p4["version"]})
        eq((p5["owner_id"], members(admin)["vw"]), (user_id(admin, "vw"), "owner"), "admin hand-over")
        audit = admin.ok("GET", "/api/v1/audit?entity=member")["audit"]
        assert any(a["action"] == "update" and a["after"]["login"] == "vw"
                   and a["after"]["role"] == "owner" for a in audit), "the role change is audited"


# --- passwords ----------------------------------------------------------------------------------


@test
def password_change_wrong_current_password_is_throttled():
    with Env() as e:
        rep = e.sign_in("rep")
        url = "/api/v1/users/rep/password"
        for i in range(5):
            expect_error(rep.post(url, {"password": "a-new-password-1", "current_password": f"guess-{i}"}),
                         422, "invalid", "current_password", "current_password_wrong")
        r = rep.post(url, {"password": "a-new-password-1", "current_password": "guess-5"})
        err = expect_error(r, 429, "rate_limited", "current_password", "password_check_throttled")
        wait = int(r.header("Retry-After"))
        assert 0 < wait <= 900, r.headers
        eq(err["params"]["seconds"], wait, "the wait is named")
        # While throttled even the right password is not checked; from a new session too.
        rep2 = e.sign_in("rep")
        expect_error(rep2.post(url, {"password": "a-new-password-1", "current_password": pw("rep")}),
                     429, "rate_limited")
        e.sign_in("rep")  # signing in still works: the limit is on password changes
        # Another user is not affected; an admin may still set rep's password.
        mgr = e.sign_in("mgr")
        mgr.ok("POST", "/api/v1/users/mgr/password",
               {"password": "mgr-new-password", "current_password": pw("mgr")})
        e.sign_in("admin").ok("POST", url, {"password": "set-by-the-admin"})
        e.sign_in("rep", "set-by-the-admin")


@test
def passwords_need_twelve_characters():
    with Env() as e:
        admin = e.sign_in("admin")
        r = admin.post("/api/v1/users", {"login": "short", "name": "S", "role": "rep",
                                         "password": "elevenchars"})
        err = expect_error(r, 422, "invalid", "password", "password_too_short")
        eq(err["params"], {"min": 12}, "the minimum is named")
        admin.ok("POST", "/api/v1/users", {"login": "twelve", "name": "T", "role": "rep",
                                           "password": "twelve-chars"}, status=201)
        e.sign_in("twelve", "twelve-chars")
        expect_error(admin.post("/api/v1/users/twelve/password", {"password": "x" * 11}),
                     422, "invalid", "password", "password_too_short")
        # The CLI says the same.
        e.ws.write("short.pw", "elevenchars\n")
        e.ws.fail("user", "add", "short2", "--name", "S", "--role", "rep",
                  "--password-file", e.ws.path("short.pw"), contains="12")


# --- deactivation -------------------------------------------------------------------------------


@test
def deactivation_revokes_sessions_and_api_tokens():
    with Env() as e:
        admin, rep = e.sign_in("admin"), e.sign_in("rep")
        secret = rep.ok("POST", "/api/v1/tokens", {"name": "nightly"}, status=201)["secret"]
        bot = e.srv.client()
        bot.token = secret
        eq(bot.ok("GET", "/api/v1/me")["user"]["login"], "rep", "the token works")
        v = admin.ok("GET", "/api/v1/users/rep")["version"]
        u = admin.ok("PATCH", "/api/v1/users/rep", {"active": False, "version": v})
        expect_error(rep.get("/api/v1/me"), 401, "unauthenticated")
        expect_error(bot.get("/api/v1/me"), 401, "unauthenticated")
        # Coming back does not bring the old credentials back.
        admin.ok("PATCH", "/api/v1/users/rep", {"active": True, "version": u["version"]})
        expect_error(bot.get("/api/v1/me"), 401, "unauthenticated")
        expect_error(rep.get("/api/v1/me"), 401, "unauthenticated")
        tokens = e.sign_in("rep").ok("GET", "/api/v1/tokens")["tokens"]
        eq([(t["name"], t["revoked"]) for t in tokens], [("nightly", True)], "revoked")


@test
def deactivation_by_cli_revokes_api_tokens():
    with Env() as e:
        rep = e.sign_in("rep")
        secret = rep.ok("POST", "/api/v1/tokens", {"name": "ci"}, status=201)["secret"]
        e.ws.ok("user", "update", "rep", "--active", "no")
        e.ws.ok("user", "update", "rep", "--active", "yes")
        bot = e.srv.client()
        bot.token = secret
        expect_error(bot.get("/api/v1/me"), 401, "unauthenticated")
        expect_error(rep.get("/api/v1/me"), 401, "unauthenticated")
        e.sign_in("rep")  # the password still works


# --- who sees which project -----------------------------------------------------------------------


@test
def project_visibility_over_the_four_roles():
    """Workspace managers and admins see every project, drafts too; reps and viewers
    see the projects they are members of, drafts included only then."""
    with Env() as e:
        ws = e.ws
        ws.ok("project", "create", "DRAFT", "--name", "Next year", "--start", "2027-01-01",
              "--end", "2027-03-31")  # by the admin, a draft, no other member
        ws.ok("project", "create", "DRAFT2", "--name", "Team draft", "--start", "2027-01-01",
              "--end", "2027-03-31")
        ws.ok("member", "add", "DRAFT2", "rep2", "--role", "member")
        ws.ok("member", "add", "DRAFT2", "vw", "--role", "viewer")
        every = ["DRAFT", "DRAFT2", "P1"]
        expect = {  # login: projects listed
            "admin": every, "mgr": every, "mgr2": every,
            "rep": ["P1"], "rep2": ["DRAFT2", "P1"], "vw": ["DRAFT2", "P1"], "out": [],
        }
        for login, codes in expect.items():
            c = e.sign_in(login)
            got = sorted(p["code"] for p in c.ok("GET", "/api/v1/projects")["projects"])
            eq(got, codes, f"projects {login} sees")
            for code in every:
                r = c.get(f"/api/v1/projects/{code}")
                eq(r.status, 200 if code in codes else 404, f"{login} opens {code}")
                if code in codes:
                    eq(r.json()["status"], "draft" if code.startswith("DRAFT") else "active",
                       "status shown")
        # A workspace manager off the project reads it, and writes nothing without a role.
        mgr2 = e.sign_in("mgr2")
        eq(mgr2.ok("GET", "/api/v1/projects/DRAFT/members")["members"][0]["login"], "admin",
           "members readable")
        v = mgr2.ok("GET", "/api/v1/projects/DRAFT")["version"]
        expect_error(mgr2.patch("/api/v1/projects/DRAFT", {"name": "x", "version": v}),
                     403, "forbidden")
        # The CLI applies the same rule.
        listed = sorted(p["code"] for p in ws.js("project", "list", as_="mgr2")["projects"])
        eq(listed, every, "CLI list as a workspace manager")
        ws.fail("project", "show", "DRAFT", as_="rep", code=1)


@test
def demo_manager_opens_the_draft_project():
    ws = Workspace(init=False)
    ws.ok("demo", "--force")
    with Server(ws) as srv:
        c = srv.client()
        c.login("li.na", "salespm-demo")
        codes = sorted(p["code"] for p in c.ok("GET", "/api/v1/projects")["projects"])
        eq(codes, ["FY", "FY-PREV", "LAUNCH", "NEXT-Q1"], "li.na sees every project")
        eq(c.ok("GET", "/api/v1/projects/NEXT-Q1")["status"], "draft", "the draft opens")
        c.ok("GET", "/api/v1/projects/NEXT-Q1/dashboard")
        rep = srv.client()
        rep.login("wang.fang", "salespm-demo")
        eq(rep.get("/api/v1/projects/NEXT-Q1").status, 404, "a rep off the draft does not see it")
        srv.client().login("admin", "salespm-admin")


# --- users, members and customers from one description each ------------------------------

USER_KEYS = ["id", "login", "name", "email", "role", "active", "version", "created_at",
             "updated_at"]


def audit_of(c, entity, entity_id):
    return c.ok("GET", f"/api/v1/audit?entity={entity}&entity_id={entity_id}")["audit"]


@test
def users_password_is_an_input_never_echoed_nor_audited():
    secret = "a-secret-of-24-chars-xyz"
    with Env() as e:
        admin = e.sign_in("admin")
        u = admin.ok("POST", "/api/v1/users", {"login": "nia", "name": "Nia", "role": "rep",
                                               "email": "nia@example.com", "password": secret},
                     status=201)
        eq(sorted(u), sorted(USER_KEYS), "the answer has the user's fields and no password")
        eq((u["login"], u["role"], u["active"], u["version"]), ("nia", "rep", True, 1), "made")
        eq(e.sign_in("nia", secret).ok("GET", "/api/v1/me")["user"]["login"], "nia",
           "the password given at creation signs in")
        rows = audit_of(admin, "user", u["id"])
        eq([r["action"] for r in rows], ["create"], "one audit row")
        text = json.dumps(rows)
        for leak in (secret, "argon2", "pw_hash", "password"):
            assert leak not in text, f"{leak!r} in the audit: {text}"
        # a password changes only at its own route: a PATCH naming one changes nothing
        expect_error(admin.patch("/api/v1/users/nia", {"password": "another-secret-99",
                                                        "version": 1}), 422, "invalid", "password")
        eq(admin.ok("GET", "/api/v1/users/nia")["version"], 1, "refused PATCH changed nothing")
        e.sign_in("nia", secret)
        # the CLI takes the password from a file, the same rule
        e.ws.write("short.pw", "elevenchars\n")
        r = e.ws.run("user", "add", "tio", "--name", "Tio", "--role", "rep",
                     "--password-file", e.ws.path("short.pw"))
        eq(r.code, 65, "an 11-character password is bad data")
        eq(admin.get("/api/v1/users/tio").status, 404, "and no user was made")


@test
def users_list_filters_and_own_edits():
    with Env() as e:
        admin = e.sign_in("admin")
        managers = admin.ok("GET", "/api/v1/users?role=manager")
        eq([u["login"] for u in managers["users"]], sorted(u for u in USERS
                                                           if ROLES[u] == "manager"), "role filter")
        eq(managers["total"], 3, "three managers in USERS")
        by_role = admin.ok("GET", "/api/v1/users?sort=login&order=desc")["users"]
        eq([u["login"] for u in by_role], sorted(["admin"] + list(USERS), reverse=True),
           "sorted by login, descending")
        # a rep edits their own email; a role given unchanged is no change of role
        rep = e.sign_in("rep")
        v = rep.ok("GET", "/api/v1/users/rep")["version"]
        u = rep.ok("PATCH", "/api/v1/users/rep", {"email": "rep@example.com", "role": "rep",
                                                  "version": v})
        eq((u["email"], u["role"], u["version"]), ("rep@example.com", "rep", v + 1), "own edit")
        expect_error(rep.patch("/api/v1/users/rep", {"active": False, "version": v + 1}),
                     403, "forbidden", "role")
        expect_error(rep.patch("/api/v1/users/rep2", {"name": "X", "version": 1}), 403,
                     "forbidden")
        expect_error(rep.patch("/api/v1/users/rep", {"email": "not-an-email",
                                                     "version": v + 1}), 422, "invalid", "email")
        # deactivated users are found by the filter, the rest are not
        v2 = admin.ok("GET", "/api/v1/users/rep2")["version"]
        admin.ok("PATCH", "/api/v1/users/rep2", {"active": False, "version": v2})
        eq([u["login"] for u in admin.ok("GET", "/api/v1/users?active=false")["users"]],
           ["rep2"], "inactive filter")
        eq(admin.delete("/api/v1/users/rep2").status, 405, "users are never deleted")


@test
def members_carry_the_user_and_keep_an_owner():
    with Env() as e:
        admin, own, mgr = e.sign_in("admin"), e.sign_in("own"), e.sign_in("mgr")
        m = mgr.ok("POST", "/api/v1/projects/P1/members", {"login": "mgr2"}, status=201)
        eq((m["login"], m["name"], m["role"], m["version"]), ("mgr2", "MGR2", "member", 1),
           "the user's name comes with the member; the role defaults to member")
        eq(m["user_id"], admin.ok("GET", "/api/v1/users/mgr2")["id"], "user_id is the user's")
        # setup() put rep and rep2 on P1 as members, now mgr2 too
        eq([x["login"] for x in mgr.ok("GET", "/api/v1/projects/P1/members?role=member")
            ["members"]], ["mgr2", "rep", "rep2"], "role filter, by login")
        expect_error(mgr.post("/api/v1/projects/P1/members", {"login": "mgr2"}), 409,
                     "conflict", "login", "already_member")
        expect_error(mgr.post("/api/v1/projects/P1/members", {"login": "out", "role": "owner"}),
                     403, "forbidden", "role", "owner_only")
        expect_error(mgr.patch("/api/v1/projects/P1/members/own", {"role": "member",
                                                                   "version": 1}),
                     403, "forbidden", "role", "owner_only")
        expect_error(own.patch("/api/v1/projects/P1/members/own", {"role": "manager",
                                                                   "version": 1}),
                     409, "conflict", "role", "last_owner")
        expect_error(mgr.delete("/api/v1/projects/P1/members/own"), 403, "forbidden",
                     "login", "owner_only")
        # a stale version is refused; none removes the member as they are
        expect_error(mgr.delete("/api/v1/projects/P1/members/mgr2?version=7"), 409, "conflict")
        eq(mgr.ok("DELETE", "/api/v1/projects/P1/members/mgr2"), {"login": "mgr2",
                                                                   "removed": True}, "removed")
        # with a second owner, the first may leave
        own.ok("PATCH", "/api/v1/projects/P1/members/mgr", {"role": "owner", "version": 1})
        own.ok("DELETE", "/api/v1/projects/P1/members/own")
        eq(sorted((x["login"], x["role"]) for x in admin.ok(
            "GET", "/api/v1/projects/P1/members")["members"]),
           [("mgr", "owner"), ("rep", "member"), ("rep2", "member"), ("vw", "viewer")],
           "members after the hand-over")


@test
def customer_segment_set_through_the_engine():
    with Env() as e:
        e.ws.ok("segment", "add", "SEG", "--name", "Segment")
        rep, mgr = e.sign_in("rep"), e.sign_in("mgr")
        # 3 x 123.45 less 10.00 = 360.35 in two sales of one customer
        rep.ok("POST", "/api/v1/projects/P1/sales", {"date": "2026-02-01", "customer": "Acme",
               "product": "SKU-1", "channel": "direct", "quantity": 3, "unit_price": 12345,
               "discount": 1000}, status=201)
        rep.ok("POST", "/api/v1/projects/P1/sales", {"date": "2026-02-03", "customer": "Acme",
               "product": "SKU-1", "channel": "direct", "quantity": 1, "unit_price": 5000},
               status=201)
        cid = mgr.ok("GET", "/api/v1/customers?q=acme")["customers"][0]["id"]
        c = mgr.ok("PATCH", f"/api/v1/customers/{cid}", {"segment": "SEG", "version": 1})
        eq((c["segment"], c["version"], c["lines"], c["revenue"], c["first_sale"]),
           ("SEG", 2, 2, 3 * 12345 - 1000 + 5000, "2026-02-01"),
           "the answer carries the reader's totals")
        expect_error(mgr.patch(f"/api/v1/customers/{cid}", {"segment": None, "version": 1}),
                     409, "conflict")
        expect_error(mgr.patch(f"/api/v1/customers/{cid}", {"segment": "NOPE", "version": 2}),
                     422, "invalid", "segment")
        expect_error(mgr.patch(f"/api/v1/customers/{cid}", {"name": "Other", "version": 2}),
                     422, "invalid", "name")
        expect_error(rep.patch(f"/api/v1/customers/{cid}", {"segment": None, "version": 2}),
                     403, "forbidden")
        c = mgr.ok("PATCH", f"/api/v1/customers/{cid}", {"segment": None, "version": 2})
        eq((c["segment"], c["version"], c["name"]), (None, 3, "Acme"), "out of any segment")
        rows = audit_of(e.sign_in("admin"), "customer", cid)
        eq([(r["action"], (r["after"] or {}).get("segment")) for r in rows][:2],
           [("update", None), ("update", "SEG")], "each change audited, newest first")
        assert "revenue" not in json.dumps(rows), "a reader's totals are not audited"


if __name__ == "__main__":
    run_all()
