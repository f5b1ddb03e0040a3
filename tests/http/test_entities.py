"""test_entities.py - GET /api/v1/entities: the nouns' descriptions that the web UI builds
its generic forms and tables from, and that they are true.

The description is read by a signed-in user of any role (never without a session); it says
of the catalog nouns what the rules say (written down here by hand: the channel types, the
promotion kinds and the unit of each kind's value, money in 分, ratios in basis points, who
writes); and it suffices to drive the API: for every noun with a screen, a record built only
from the description's examples is created, read back equal, filtered and sorted on exactly
the fields the description allows, and refused where it says a value is out of range.
"""
import os
import sys
from urllib.parse import quote

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from described import example_body  # noqa: E402
from harness import Server, Workspace, eq, run_all, test  # noqa: E402


def setup():
    ws = Workspace()
    ws.write("pw", "user-secret-1\n")
    for login, role in (("mgr", "manager"), ("vw", "viewer")):
        ws.ok("user", "add", login, "--name", login, "--role", role, "--password-file", ws.path("pw"))
    return ws


def described(c):
    r = c.get("/api/v1/entities")
    eq(r.status, 200, f"entities: {r}")
    return {e["name"]: e for e in r.json()["entities"]}


def field(e, name):
    return next(f for f in e["fields"] if f["name"] == name)


@test
def only_a_signed_in_user_reads_the_descriptions():
    ws = setup()
    with Server(ws) as srv:
        c = srv.client()
        eq(c.get("/api/v1/entities").status, 401, "without a session")
        c.login("vw", "user-secret-1")
        ents = described(c)
        # every noun the engine runs is described, with its route name
        eq({n: e["plural"] for n, e in ents.items() if n in
            ("segment", "channel", "product", "promotion", "user", "member", "customer", "goal")},
           {"segment": "segments", "channel": "channels", "product": "products",
            "promotion": "promotions", "user": "users", "member": "members",
            "customer": "customers", "goal": "goals"}, "nouns")


@test
def the_catalog_is_described_as_its_rules_say():
    ws = setup()
    with Server(ws) as srv:
        c = srv.client()
        c.login("vw", "user-secret-1")
        ents = described(c)
        ch = ents["channel"]
        eq((ch["scope"], ch["key"], ch["section"], ch["read_role"], ch["write_role"]),
           ("workspace", "code", "strategy", "viewer", "manager"), "channel")
        eq(field(ch, "type")["values"],
           ["direct", "distributor", "ecommerce", "partner", "retail", "telesales"], "channel types")
        # a cost rate is 0-100 %: basis points 0..10000
        cr = field(ch, "cost_rate")
        eq((cr["kind"], cr["min"], cr["max"], cr["required"]), ("ratio", 0, 10000, False), "cost_rate")
        eq((field(ch, "code")["key"], field(ch, "code")["create_only"]), (True, True), "the code is fixed")
        eq(field(ch, "version")["readonly"], True, "version")
        eq(ch["verbs"], ["list", "get", "create", "update", "delete"], "channel verbs")

        pr = ents["product"]
        eq(pr["key"], "sku", "product key")
        eq((field(pr, "price")["kind"], field(pr, "price")["min"], field(pr, "price")["required"]),
           ("money", 0, True), "price")
        eq(field(pr, "margin")["readonly"], True, "margin is computed")
        eq((field(pr, "effective")["input"], field(pr, "reason")["input"]), (True, True), "price change inputs")

        # a promotion's value is read by its kind
        v = field(ents["promotion"], "value")
        eq(v["variants"]["by"], "kind", "value follows kind")
        eq({k: x["kind"] for k, x in v["variants"]["kinds"].items()},
           {"percent": "ratio", "amount": "money", "gift": "count", "points": "count", "bundle": "count"},
           "value kinds")
        eq((v["variants"]["kinds"]["percent"]["min"], v["variants"]["kinds"]["percent"]["max"]), (0, 10000),
           "a percent is 0-100 %")

        # a password is an input never shown; its hash is never described
        us = ents["user"]
        eq((field(us, "password")["secret"], field(us, "password")["input"]), (True, True), "password")
        eq([f["name"] for f in us["fields"] if "hash" in f["name"]], [], "no hash field")
        eq((us["write_role"], us["own_rule"]), ("admin", True), "users: admins, and a user their own name")
        # members are a project noun; goals have their own routes
        eq((ents["member"]["scope"], ents["member"]["key"]), ("project", "login"), "member")
        eq(ents["goal"]["verbs"], [], "goal routes are its own")


@test
def a_record_built_from_the_description_alone_round_trips():
    ws = setup()
    with Server(ws) as srv:
        c = srv.client()
        c.login("mgr", "user-secret-1")
        ents = described(c)
        screens = [e for e in ents.values() if e["section"] and e["scope"] == "workspace"]
        eq(len(screens) >= 4, True, "nouns with a screen")
        # a position names the project it hires for (projects are not a described noun)
        c.ok("POST", "/api/v1/projects", {"code": "FY", "name": "FY", "start": "2027-01-01",
                                          "end": "2027-12-31"}, status=201)
        for e in screens:
            base = "/api/v1/" + e["plural"]
            # a reference names a record that exists: the first of the named noun's list
            body = example_body(e, lambda noun: "FY" if noun == "project" else c.ok(
                "GET", "/api/v1/" + ents[noun]["plural"])[ents[noun]["plural"]][0][ents[noun]["key"]])
            made = c.ok("POST", base, body, status=201)
            key = made[e["key"]]
            got = c.ok("GET", f"{base}/{quote(str(key), safe='')}")
            # the record, or the record wrapped in its noun's name (not a field of that name)
            got = got[e["name"]] if isinstance(got.get(e["name"]), dict) else got
            for name, want in body.items():
                eq(got[name], want, f"{e['name']}.{name} read back")
            # each sortable field sorts, each other field is refused as a sort
            for f in e["fields"]:
                r = c.get(f"{base}?sort={f['name']}&order=desc")
                eq(r.status, 200 if f["sort"] else 422, f"{e['name']} sorted by {f['name']}: {r}")
            # an enum filter keeps exactly the records of that value
            for f in e["fields"]:
                if f["filter"] and f["kind"] == "enum" and f["name"] in body:
                    other = next(v for v in f["values"] if v != body[f["name"]])
                    eq([x[e["key"]] for x in c.ok("GET", f"{base}?{f['name']}={body[f['name']]}")[e["plural"]]],
                       [key], f"{e['name']} filtered by {f['name']}")
                    eq(c.ok("GET", f"{base}?{f['name']}={other}")[e["plural"]], [],
                       f"{e['name']} filtered by another {f['name']}")
            # past the described maximum is refused, naming the field; nothing changes
            for f in e["fields"]:
                if f["readonly"] or f["input"] or f["kind"] not in ("money", "count") or "variants" in f:
                    continue
                bad = c.patch(f"{base}/{quote(str(key), safe='')}", {f["name"]: f["max"] + 1, "version": got["version"]})
                eq((bad.status, bad.error()["field"]), (422, f["name"]), f"{e['name']}.{f['name']} over its max")
            again = c.ok("GET", f"{base}/{quote(str(key), safe='')}")
            again = again[e["name"]] if isinstance(again.get(e["name"]), dict) else again
            eq(again["version"], got["version"], f"{e['name']} unchanged by refusals")


@test
def positions_are_written_by_managers_and_read_by_everyone():
    """A noun that is its description only: its routes judge roles as the description says."""
    ws = setup()
    ws.ok("user", "add", "rep", "--name", "rep", "--role", "rep", "--password-file", ws.path("pw"))
    with Server(ws) as srv:
        m, r, v = (srv.client(who, "user-secret-1") for who in ("mgr", "rep", "vw"))
        made = m.ok("POST", "/api/v1/positions", {"title": "渠道经理", "openings": 2, "status": "open",
                                                  "manager": "mgr", "opened": "2027-01-04"}, status=201)
        pid = made["id"]
        eq((made["title"], made["openings"], made["manager"], made["target"], made["version"]),
           ("渠道经理", 2, "mgr", None, 1), "created")
        for c, who in ((r, "rep"), (v, "viewer")):
            eq([p["id"] for p in c.ok("GET", "/api/v1/positions")["positions"]], [pid], f"{who} reads")
            eq(c.post("/api/v1/positions", {"title": "X", "openings": 1, "status": "open"}).status, 403,
               f"{who} creates")
            eq(c.patch(f"/api/v1/positions/{pid}", {"status": "closed", "version": 1}).status, 403, f"{who} changes")
            eq(c.delete(f"/api/v1/positions/{pid}", {"version": 1}).status, 403, f"{who} deletes")
        # the end before the start, on a change: refused under its field with both dates
        bad = m.patch(f"/api/v1/positions/{pid}", {"target": "2027-01-03", "version": 1})
        eq((bad.status, bad.error()["field"], bad.error()["reason"], bad.error()["params"]),
           (422, "target", "date_before_start", {"date": "2027-01-03", "start": "2027-01-04"}), "date order")
        # a manager that is no user
        bad = m.patch(f"/api/v1/positions/{pid}", {"manager": "nobody", "version": 1})
        eq((bad.status, bad.error()["field"]), (422, "manager"), "unknown manager")
        eq(m.ok("GET", f"/api/v1/positions/{pid}")["version"], 1, "refusals changed nothing")
        done = m.ok("PATCH", f"/api/v1/positions/{pid}", {"status": "filled", "manager": None, "version": 1})
        eq((done["status"], done["manager"], done["version"]), ("filled", None, 2), "changed")
        m.ok("DELETE", f"/api/v1/positions/{pid}", {"version": 2})
        eq(m.get(f"/api/v1/positions/{pid}").status, 404, "deleted")


@test
def training_sessions_and_attendance_over_http():
    """A session refers to no one's id as text: an attendance names its session by the id, a
    JSON integer (a string is refused under the field); the session's figures follow its
    attendance (computed here by hand); reps and viewers read both and write neither."""
    ws = setup()
    ws.ok("user", "add", "rep", "--name", "王芳", "--role", "rep", "--password-file", ws.path("pw"))
    with Server(ws) as srv:
        m, r, v = (srv.client(who, "user-secret-1") for who in ("mgr", "rep", "vw"))
        t = m.ok("POST", "/api/v1/trainings", {"name": "X3 产品知识", "category": "product_knowledge",
                                               "date": "2026-12-10", "hours": 3, "trainer": "mgr"},
                 status=201)
        tid = t["id"]
        bad = m.post("/api/v1/attendances", {"training": str(tid), "attendee": "rep"})
        eq((bad.status, bad.error()["field"], bad.error()["reason"]), (422, "training", "wrong_type"),
           "the session's id as text")
        eq(m.post("/api/v1/attendances", {"training": 0, "attendee": "rep"}).status, 422, "id 0")
        a1 = m.ok("POST", "/api/v1/attendances", {"training": tid, "attendee": "rep", "score": 91}, status=201)
        eq((a1["training"], a1["training_name"], a1["attendee"], a1["attendee_name"], a1["attended"]),
           (tid, "X3 产品知识", "rep", "王芳", True), "attendance: came unless told")
        m.ok("POST", "/api/v1/attendances", {"training": tid, "attendee": "mgr", "score": 80}, status=201)
        m.ok("POST", "/api/v1/attendances", {"training": tid, "attendee": "vw", "attended": False}, status=201)
        dup = m.post("/api/v1/attendances", {"training": tid, "attendee": "rep"})
        eq((dup.status, dup.error()["reason"], dup.error()["params"]),
           (409, "already_listed", {"attendee": "rep", "training": str(tid)}), "listed once")
        # 3 listed, 2 came, (91 + 80) / 2 = 85.5 -> 86
        got = m.ok("GET", f"/api/v1/trainings/{tid}")
        eq((got["listed"], got["attended"], got["average_score"]), (3, 2, 86), "the session's figures")
        eq([x["training_name"] for x in r.ok("GET", "/api/v1/attendances?attendee=rep")["attendances"]],
           ["X3 产品知识"], "the rep reads their history")
        for c, who in ((r, "rep"), (v, "viewer")):
            eq([x["id"] for x in c.ok("GET", "/api/v1/trainings")["trainings"]], [tid], f"{who} reads")
            eq(c.post("/api/v1/trainings", {"name": "X", "category": "other", "date": "2026-12-01"}).status,
               403, f"{who} creates a session")
            eq(c.patch(f"/api/v1/attendances/{a1['id']}", {"score": 100, "version": 1}).status, 403,
               f"{who} changes a score")
            eq(c.delete(f"/api/v1/trainings/{tid}", {"version": 1}).status, 403, f"{who} deletes")
        eq(m.ok("GET", f"/api/v1/attendances/{a1['id']}")["score"], 91, "refusals changed nothing")
        busy = m.delete(f"/api/v1/trainings/{tid}", {"version": 1})
        eq((busy.status, busy.error()["reason"]), (409, "in_use"), "a session with attendance stays")


@test
def recruitment_over_http():
    """Candidates and interviews for managers only (a rep and a viewer get 403 on every route,
    the stage move too); the stage move takes its version in the body (or ?version=), refuses a
    missing or stale one and a stage out of order with the reason, and answers the candidate,
    the hire's user, the project joined and whether the position filled."""
    ws = setup()
    ws.ok("user", "add", "rep", "--name", "王芳", "--role", "rep", "--password-file", ws.path("pw"))
    ws.ok("project", "create", "FY", "--name", "FY", "--start", "2027-01-01", "--end", "2027-12-31", as_="mgr")
    with Server(ws) as srv:
        m, r, v = (srv.client(who, "user-secret-1") for who in ("mgr", "rep", "vw"))
        p = m.ok("POST", "/api/v1/positions", {"title": "大客户经理", "openings": 1, "status": "open",
                                                "project": "FY"}, status=201)
        c = m.ok("POST", "/api/v1/candidates", {"position": p["id"], "name": "陈晓", "source": "campus",
                                                 "email": "cx@example.com"}, status=201)
        eq((c["position"], c["stage"], c["login"], c["interviews"], c["rating"]), (p["id"], "applied", None, 0, None),
           "a new candidate")
        eq(m.patch(f"/api/v1/candidates/{c['id']}", {"stage": "offer", "version": 1}).error()["field"], "stage",
           "the stage is not the generic update's")
        i = m.ok("POST", "/api/v1/interviews", {"candidate": c["id"], "interviewer": "mgr", "date": "2026-12-08",
                                                 "rating": 5}, status=201)
        m.ok("POST", "/api/v1/interviews", {"candidate": c["id"], "interviewer": "vw", "date": "2026-12-09",
                                             "rating": 4}, status=201)
        got = m.ok("GET", f"/api/v1/candidates/{c['id']}")
        eq((got["interviews"], got["rating"]), (2, 5), "(5 + 4) / 2 = 4.5 -> 5")
        stage = f"/api/v1/candidates/{c['id']}/stage"
        for who, cl in (("rep", r), ("viewer", v)):
            for method, path, body in (("GET", "/api/v1/candidates", None), ("GET", f"/api/v1/candidates/{c['id']}", None),
                                       ("GET", "/api/v1/interviews", None), ("GET", f"/api/v1/interviews/{i['id']}", None),
                                       ("POST", stage, {"stage": "screening", "version": got["version"]})):
                eq(cl.request(method, path, body).status, 403, f"{who}: {method} {path}")
        eq(m.post(stage, {"stage": "screening"}).error()["reason"], "version_required", "no version")
        stale = m.post(stage, {"stage": "screening", "version": 9})
        eq((stale.status, stale.error()["reason"]), (409, "stale_version"), "a stale version")
        early = m.post(stage, {"stage": "hired", "version": 1, "login": "chen.xiao"})
        eq((early.status, early.error()["reason"], early.error()["params"]), (422, "hire_from_offer", {"from": "applied"}),
           "hired only from offer")
        moved = m.ok("POST", stage + "?version=1", {"stage": "offer"})
        eq((moved["candidate"]["stage"], moved["candidate"]["version"], moved["user"], moved["project"], moved["filled"]),
           ("offer", 2, None, None, False), "applied straight to offer; ?version= works too")
        hired = m.ok("POST", stage, {"stage": "hired", "version": 2, "login": "chen.xiao", "role": "rep"})
        eq((hired["candidate"]["login"], hired["user"]["login"], hired["user"]["email"], hired["project"], hired["filled"]),
           ("chen.xiao", "chen.xiao", "cx@example.com", "FY", True), "the hire's answer")
        eq(m.ok("GET", f"/api/v1/positions/{p['id']}")["status"], "filled", "the position filled")
        eq([x["role"] for x in m.ok("GET", "/api/v1/projects/FY/members")["members"] if x["login"] == "chen.xiao"],
           ["member"], "a member of FY")


@test
def skills_by_person_and_the_projects_matrix_over_http():
    """A person's ratings under /users/{login}/skills (an unknown login is 404, not an empty
    list); a project's matrix for anyone on the project, 404 for a project one is not on."""
    ws = setup()
    for login in ("rep", "out"):
        ws.ok("user", "add", login, "--name", login, "--role", "rep", "--password-file", ws.path("pw"))
    ws.ok("project", "create", "P1", "--name", "P", "--start", "2026-01-01", "--end", "2026-12-31")
    ws.ok("member", "add", "P1", "rep")
    ws.ok("member", "add", "P1", "vw", "--role", "viewer")
    with Server(ws) as srv:
        m, r, v, o = (srv.client(who, "user-secret-1") for who in ("mgr", "rep", "vw", "out"))
        m.ok("POST", "/api/v1/skills", {"person": "rep", "skill": "negotiation", "rating": 4}, status=201)
        m.ok("POST", "/api/v1/skills", {"person": "rep", "skill": "product_knowledge", "rating": 2}, status=201)
        m.ok("POST", "/api/v1/skills", {"person": "admin", "skill": "negotiation", "rating": 5}, status=201)
        got = r.ok("GET", "/api/v1/users/rep/skills")
        eq((got["login"], [(x["skill"], x["rating"]) for x in got["skills"]]),
           ("rep", [("product_knowledge", 2), ("negotiation", 4)]), "rep's ratings, the matrix's order")
        eq(r.get("/api/v1/users/nobody/skills").status, 404, "no such person")
        eq(v.ok("GET", "/api/v1/users/mgr/skills")["skills"], [], "a person not rated yet")
        # P1: admin (owner) and rep sell; vw views; (5 + 4) / 2 = 4.5
        for c, who in ((m, "a workspace manager"), (r, "a member"), (v, "a viewer")):
            mx = c.ok("GET", "/api/v1/projects/P1/skills")
            eq([(x["skill"], x["rated"], x["average"]) for x in mx["skills"]],
               [("product_knowledge", 1, 2.0), ("negotiation", 2, 4.5)], f"the matrix as {who}")
            eq([(x["login"], x["ratings"]) for x in mx["members"]], [("admin", [None, 5]), ("rep", [2, 4])],
               f"its rows as {who}")
        eq(o.get("/api/v1/projects/P1/skills").status, 404, "off the project")
        eq(r.post("/api/v1/skills", {"person": "rep", "skill": "sales_skills", "rating": 5}).status, 403,
           "a rep does not rate")



@test
def a_promotions_scope_names_the_unknown_code_it_refuses():
    """A scope code that names nothing is refused under its list, the code its reason's parameter
    (the UI says "no channel “fax”" from it), and the promotion is unchanged."""
    ws = setup()
    ws.ok("channel", "add", "direct", "--name", "直销", "--type", "direct")
    ws.ok("segment", "add", "smb", "--name", "中小企业")
    ws.ok("product", "add", "SKU-1", "--name", "标准版", "--cost", "80.00", "--price", "199.00")
    with Server(ws) as srv:
        m = srv.client("mgr", "user-secret-1")
        made = m.ok("POST", "/api/v1/promotions", {"code": "P1", "name": "九折", "kind": "percent", "value": 0.1,
                                                   "products": "SKU-1", "channels": "direct", "segments": "smb"},
                    status=201)
        eq((made["products"], made["channels"], made["segments"]), ("SKU-1", "direct", "smb"), "the scope kept")
        for field, value, reason, params in (
                ("products", "SKU-1, SKU-9", "no_product", {"sku": "SKU-9"}),
                ("channels", "direct,fax", "no_channel", {"code": "fax"}),
                ("segments", " nope ", "no_segment", {"code": "nope"})):
            bad = m.patch("/api/v1/promotions/P1", {field: value, "version": 1})
            eq((bad.status, bad.error()["field"], bad.error()["reason"], bad.error()["params"]),
               (422, field, reason, params), f"an unknown code in {field}")
        eq(m.ok("GET", "/api/v1/promotions/P1")["version"], 1, "the refusals changed nothing")


if __name__ == "__main__":
    run_all()
