"""test_roles.py - the role matrix: every route of `salespm serve --print-routes`,
called as admin, manager, rep, viewer, a non-member and an anonymous client,
against the expectation table below. A route added without a row here fails,
unless it is a generic route of a described workspace noun (GET /api/v1/entities):
those rows follow from the roles the noun's description declares (a noun that is
its description alone, as open positions are, needs no line here), and the test
checks the server enforces them.

Writes are made harmless so that each caller meets the same state: updates and
deletes name a stale version (a caller who may write gets 409, one who may not
gets 403 or 404), creations use a code of the caller's own."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import workspace  # noqa: E402
from deal_rows import insert_deal  # noqa: E402
from described import RANK, entities, example_body  # noqa: E402
from harness import Response, Server, run_all, served_routes, test  # noqa: E402
from sse import Stream  # noqa: E402

WHO = ["admin", "mgr", "rep", "vw", "out", "anon"]


def row(admin, mgr, rep, vw, out, anon=401):
    return dict(zip(WHO, (admin, mgr, rep, vw, out, anon)))


ALL = row(200, 200, 200, 200, 200)
ADMIN_ONLY = row(200, 403, 403, 403, 403)
CATALOG_CREATE = row(201, 201, 403, 403, 403)
CATALOG_STALE = row(409, 409, 403, 403, 403)
PROJECT_READ = row(200, 200, 200, 200, 404)  # members read; a non-member meets 404
PROJECT_MANAGE_STALE = row(409, 409, 403, 403, 404)

# (method, pattern) -> expected status per caller.
EXPECT = {
    ("GET", "/api/v1/openapi.json"): row(200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/entities"): ALL,
    ("POST", "/api/v1/session"): row(401, 401, 401, 401, 401, 401),  # a wrong password
    ("DELETE", "/api/v1/session"): ALL,
    ("GET", "/api/v1/me"): ALL,
    # the live stream: every signed-in user (of the projects they see); read as a stream
    ("GET", "/api/v1/events"): ALL,
    ("GET", "/api/v1/users"): ALL,
    ("POST", "/api/v1/users"): row(201, 403, 403, 403, 403),
    ("GET", "/api/v1/users/{login}"): ALL,
    ("PATCH", "/api/v1/users/{login}"): row(409, 403, 403, 403, 403),
    ("POST", "/api/v1/users/{login}/password"): ADMIN_ONLY,
    ("GET", "/api/v1/workspace"): ALL,
    ("PATCH", "/api/v1/workspace"): ADMIN_ONLY,
    ("GET", "/api/v1/projects"): ALL,
    ("POST", "/api/v1/projects"): row(201, 201, 403, 403, 403),
    ("GET", "/api/v1/projects/{code}"): row(200, 200, 200, 200, 404),
    ("PATCH", "/api/v1/projects/{code}"): row(409, 409, 403, 403, 404),
    ("DELETE", "/api/v1/projects/{code}"): row(409, 403, 403, 403, 404),
    ("GET", "/api/v1/projects/{code}/members"): row(200, 200, 200, 200, 404),
    ("POST", "/api/v1/projects/{code}/members"): row(201, 201, 403, 403, 404),
    ("PATCH", "/api/v1/projects/{code}/members/{login}"): row(409, 409, 403, 403, 404),
    ("DELETE", "/api/v1/projects/{code}/members/{login}"): row(200, 200, 403, 403, 404),
    ("GET", "/api/v1/projects/{code}/skills"): row(200, 200, 200, 200, 404),
    ("GET", "/api/v1/users/{login}/skills"): ALL,
    ("GET", "/api/v1/projects/{code}/raci"): row(200, 200, 200, 200, 404),
    ("POST", "/api/v1/projects/{code}/raci"): row(201, 201, 403, 403, 404),
    ("GET", "/api/v1/projects/{code}/raci/{id}"): row(200, 200, 200, 200, 404),
    ("PATCH", "/api/v1/projects/{code}/raci/{id}"): row(409, 409, 403, 403, 404),
    ("DELETE", "/api/v1/projects/{code}/raci/{id}"): row(409, 409, 403, 403, 404),
    ("GET", "/api/v1/projects/{code}/strategy"): PROJECT_READ,
    **{k: v for plural in ("segments", "channels", "promotions") for k, v in {
        ("GET", f"/api/v1/projects/{{code}}/{plural}"): PROJECT_READ,
        ("POST", f"/api/v1/projects/{{code}}/{plural}"): row(201, 201, 403, 403, 404),
        ("GET", f"/api/v1/projects/{{code}}/{plural}/{{id}}"): PROJECT_READ,
        ("PATCH", f"/api/v1/projects/{{code}}/{plural}/{{id}}"): PROJECT_MANAGE_STALE,
        ("DELETE", f"/api/v1/projects/{{code}}/{plural}/{{id}}"): PROJECT_MANAGE_STALE,
    }.items()},
    # quotas: every project member reads the team's lines; managers save a split (a stale one: 409)
    ("GET", "/api/v1/projects/{code}/quotas"): row(200, 200, 200, 200, 404),
    ("PUT", "/api/v1/projects/{code}/quotas"): row(409, 409, 403, 403, 404),
    ("GET", "/api/v1/projects/{code}/assignments"): row(200, 200, 200, 200, 404),
    ("POST", "/api/v1/projects/{code}/assignments"): row(201, 201, 403, 403, 404),
    ("GET", "/api/v1/projects/{code}/assignments/{id}"): row(200, 200, 200, 200, 404),
    ("PATCH", "/api/v1/projects/{code}/assignments/{id}"): row(409, 409, 403, 403, 404),
    ("DELETE", "/api/v1/projects/{code}/assignments/{id}"): row(409, 409, 403, 403, 404),
    ("GET", "/api/v1/tokens"): ALL,
    ("POST", "/api/v1/tokens"): row(201, 201, 201, 201, 201),
    ("DELETE", "/api/v1/tokens/{id}"): row(200, 404, 404, 404, 404),
    # a project's managers list (the robots of their projects) and read the catalogue; a
    # signed-JSON webhook (the one made here) stays the admins'
    ("GET", "/api/v1/webhooks"): row(200, 200, 403, 403, 403),
    ("POST", "/api/v1/webhooks"): row(201, 403, 403, 403, 403),
    ("GET", "/api/v1/webhooks/events"): row(200, 200, 403, 403, 403),
    ("GET", "/api/v1/webhooks/allowed-hosts"): ADMIN_ONLY,
    ("PUT", "/api/v1/webhooks/allowed-hosts"): row(409, 403, 403, 403, 403),
    ("GET", "/api/v1/webhooks/{id}"): ADMIN_ONLY,
    ("PATCH", "/api/v1/webhooks/{id}"): row(409, 403, 403, 403, 403),
    ("DELETE", "/api/v1/webhooks/{id}"): row(409, 403, 403, 403, 403),
    ("POST", "/api/v1/webhooks/{id}/rotate"): row(409, 403, 403, 403, 403),
    ("POST", "/api/v1/webhooks/{id}/ping"): row(202, 403, 403, 403, 403),
    ("GET", "/api/v1/webhooks/{id}/deliveries"): ADMIN_ONLY,
    ("GET", "/api/v1/webhooks/{id}/deliveries/{delivery}"): ADMIN_ONLY,
    ("POST", "/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver"): row(202, 403, 403, 403, 403),
    ("GET", "/api/v1/audit"): ADMIN_ONLY,
    ("GET", "/api/v1/segments"): ALL,
    ("POST", "/api/v1/segments"): CATALOG_CREATE,
    ("GET", "/api/v1/segments/{code}"): ALL,
    ("PATCH", "/api/v1/segments/{code}"): CATALOG_STALE,
    ("DELETE", "/api/v1/segments/{code}"): CATALOG_STALE,
    ("GET", "/api/v1/channels"): ALL,
    ("POST", "/api/v1/channels"): CATALOG_CREATE,
    ("GET", "/api/v1/channels/{code}"): ALL,
    ("PATCH", "/api/v1/channels/{code}"): CATALOG_STALE,
    ("DELETE", "/api/v1/channels/{code}"): CATALOG_STALE,
    ("GET", "/api/v1/products"): ALL,
    ("POST", "/api/v1/products"): CATALOG_CREATE,
    ("GET", "/api/v1/products/{sku}"): ALL,
    ("PATCH", "/api/v1/products/{sku}"): CATALOG_STALE,
    ("DELETE", "/api/v1/products/{sku}"): CATALOG_STALE,
    ("GET", "/api/v1/products/{sku}/prices"): ALL,
    ("GET", "/api/v1/promotions"): ALL,
    ("POST", "/api/v1/promotions"): CATALOG_CREATE,
    ("GET", "/api/v1/promotions/{code}"): ALL,
    ("PATCH", "/api/v1/promotions/{code}"): CATALOG_STALE,
    ("DELETE", "/api/v1/promotions/{code}"): CATALOG_STALE,
    ("GET", "/api/v1/projects/{code}/sales"): PROJECT_READ,
    ("POST", "/api/v1/projects/{code}/sales"): row(201, 201, 201, 403, 404),
    ("POST", "/api/v1/projects/{code}/sales/import"): row(200, 200, 200, 403, 404),  # dry run
    ("GET", "/api/v1/projects/{code}/sales/export"): PROJECT_READ,
    ("GET", "/api/v1/projects/{code}/sales/{id}"): PROJECT_READ,
    ("PATCH", "/api/v1/projects/{code}/sales/{id}"): row(409, 409, 409, 403, 404),  # rep's own
    ("DELETE", "/api/v1/projects/{code}/sales/{id}"): row(409, 409, 409, 403, 404),
    ("GET", "/api/v1/customers"): ALL,
    ("GET", "/api/v1/customers/{id}"): ALL,
    ("PATCH", "/api/v1/customers/{id}"): CATALOG_STALE,
    ("GET", "/api/v1/goal-metrics"): ALL,
    ("GET", "/api/v1/projects/{code}/goals"): PROJECT_READ,
    ("POST", "/api/v1/projects/{code}/goals"): row(201, 201, 403, 403, 404),
    ("POST", "/api/v1/projects/{code}/goals/lint"): PROJECT_READ,
    ("GET", "/api/v1/projects/{code}/goals/{id}"): PROJECT_READ,
    ("PATCH", "/api/v1/projects/{code}/goals/{id}"): PROJECT_MANAGE_STALE,
    ("DELETE", "/api/v1/projects/{code}/goals/{id}"): PROJECT_MANAGE_STALE,
    ("GET", "/api/v1/projects/{code}/goals/{id}/revisions"): PROJECT_READ,
    ("GET", "/api/v1/projects/{code}/goals/{id}/checkins"): PROJECT_READ,
    ("POST", "/api/v1/projects/{code}/goals/{id}/checkins"): row(201, 201, 403, 403, 404),
    ("GET", "/api/v1/projects/{code}/goals/{id}/series"): PROJECT_READ,
    ("GET", "/api/v1/projects/{code}/dashboard"): PROJECT_READ,
    ("GET", "/api/v1/projects/{code}/pipeline"): PROJECT_READ,
    ("GET", "/api/v1/projects/{code}/monitor"): PROJECT_READ,
    # the evaluation report: every reader of the project; a comparison with itself here
    ("GET", "/api/v1/projects/{code}/report"): PROJECT_READ,
    ("GET", "/api/v1/projects/{code}/report/compare"): PROJECT_READ,
    # activities and feedback: members write their own (a rep: the record of their own, a stale
    # version: 409), managers all, viewers read; a customer's timeline: what each caller may see
    **{k: v for plural in ("activities", "feedback") for k, v in {
        ("GET", f"/api/v1/projects/{{code}}/{plural}"): PROJECT_READ,
        ("POST", f"/api/v1/projects/{{code}}/{plural}"): row(201, 201, 201, 403, 404),
        ("GET", f"/api/v1/projects/{{code}}/{plural}/{{id}}"): PROJECT_READ,
        ("PATCH", f"/api/v1/projects/{{code}}/{plural}/{{id}}"): row(409, 409, 409, 403, 404),
        ("DELETE", f"/api/v1/projects/{{code}}/{plural}/{{id}}"): row(409, 409, 409, 403, 404),
    }.items()},
    ("GET", "/api/v1/projects/{code}/feedback/summary"): PROJECT_READ,
    ("GET", "/api/v1/customers/{id}/timeline"): ALL,
    # deals: members read the board and write their own (the deal is mgr's: rep is refused),
    # managers any; the stages are the managers'; each caller saves and deletes their own views
    ("GET", "/api/v1/projects/{code}/deals"): PROJECT_READ,
    ("POST", "/api/v1/projects/{code}/deals"): row(201, 201, 201, 403, 404),
    ("GET", "/api/v1/projects/{code}/deals/{id}"): PROJECT_READ,
    ("PATCH", "/api/v1/projects/{code}/deals/{id}"): PROJECT_MANAGE_STALE,
    ("DELETE", "/api/v1/projects/{code}/deals/{id}"): PROJECT_MANAGE_STALE,
    ("POST", "/api/v1/projects/{code}/deals/{id}/stage"): PROJECT_MANAGE_STALE,
    ("PUT", "/api/v1/projects/{code}/deals/{id}/lines"): PROJECT_MANAGE_STALE,
    ("GET", "/api/v1/projects/{code}/deals/{id}/history"): PROJECT_READ,
    ("GET", "/api/v1/projects/{code}/stages"): PROJECT_READ,
    ("PUT", "/api/v1/projects/{code}/stages"): PROJECT_MANAGE_STALE,
    ("GET", "/api/v1/projects/{code}/deal-views"): PROJECT_READ,
    ("POST", "/api/v1/projects/{code}/deal-views"): row(201, 201, 201, 201, 404),
    ("DELETE", "/api/v1/projects/{code}/deal-views/{id}"): row(200, 404, 404, 404, 404),
    # recruitment: a candidate's stage move, managers and admins (a stale version)
    ("POST", "/api/v1/candidates/{id}/stage"): row(409, 409, 403, 403, 403),
    # problems: the rep owns the one changed here (their own: a stale version's 409)
    ("GET", "/api/v1/projects/{code}/problems"): PROJECT_READ,
    ("POST", "/api/v1/projects/{code}/problems"): row(201, 201, 201, 403, 404),
    ("GET", "/api/v1/projects/{code}/problems/{id}"): PROJECT_READ,
    ("PATCH", "/api/v1/projects/{code}/problems/{id}"): row(409, 409, 409, 403, 404),
    ("DELETE", "/api/v1/projects/{code}/problems/{id}"): row(409, 409, 409, 403, 404),
    ("POST", "/api/v1/projects/{code}/problems/{id}/status"): row(409, 409, 409, 403, 404),
    ("GET", "/api/v1/projects/{code}/problems/summary"): PROJECT_READ,
    # risks: the rep owns the one changed here (their own: a stale version's 409)
    ("GET", "/api/v1/projects/{code}/risks"): PROJECT_READ,
    ("POST", "/api/v1/projects/{code}/risks"): row(201, 201, 201, 403, 404),
    ("GET", "/api/v1/projects/{code}/risks/{id}"): PROJECT_READ,
    ("PATCH", "/api/v1/projects/{code}/risks/{id}"): row(409, 409, 409, 403, 404),
    ("DELETE", "/api/v1/projects/{code}/risks/{id}"): row(409, 409, 409, 403, 404),
    ("GET", "/api/v1/projects/{code}/risks/matrix"): PROJECT_READ,
    # closing: who may close and reopen (a stale version: 409) - owner, project or workspace managers
    ("POST", "/api/v1/projects/{code}/close"): PROJECT_MANAGE_STALE,
    ("POST", "/api/v1/projects/{code}/reopen"): PROJECT_MANAGE_STALE,
    # peer reviews: members read and write (P1 is a draft: 409 project_not_started), viewers
    # none; a review is changed only by its reviewer (the rep's, at a stale version: 409)
    ("GET", "/api/v1/projects/{code}/reviews"): row(200, 200, 200, 403, 404),
    ("POST", "/api/v1/projects/{code}/reviews"): row(409, 409, 409, 403, 404),
    ("PATCH", "/api/v1/projects/{code}/reviews/{id}"): row(403, 403, 409, 403, 404),
    ("DELETE", "/api/v1/projects/{code}/reviews/{id}"): row(403, 403, 409, 403, 404),
    # lessons: every member writes their own (mgr's lesson, at a stale version: 409 for managers)
    ("GET", "/api/v1/projects/{code}/lessons"): PROJECT_READ,
    ("POST", "/api/v1/projects/{code}/lessons"): row(201, 201, 201, 403, 404),
    ("GET", "/api/v1/projects/{code}/lessons/{id}"): PROJECT_READ,
    ("PATCH", "/api/v1/projects/{code}/lessons/{id}"): PROJECT_MANAGE_STALE,
    ("DELETE", "/api/v1/projects/{code}/lessons/{id}"): PROJECT_MANAGE_STALE,
    # adjustments: members read the timeline and effects; project managers adjust (stale: 409)
    ("GET", "/api/v1/projects/{code}/adjustments"): PROJECT_READ,
    ("POST", "/api/v1/projects/{code}/adjustments"): PROJECT_MANAGE_STALE,
    ("GET", "/api/v1/projects/{code}/adjustments/{id}/effect"): PROJECT_READ,
    # alerts: every reader of the project; the thresholds are the managers' (a stale one: 409)
    ("GET", "/api/v1/projects/{code}/alerts"): PROJECT_READ,
    ("GET", "/api/v1/projects/{code}/alert-settings"): row(200, 200, 403, 403, 404),
    ("PATCH", "/api/v1/projects/{code}/alert-settings"): PROJECT_MANAGE_STALE,
    # budget lines: managers write them; expenses: the rep recorded the one changed here
    ("GET", "/api/v1/projects/{code}/budget_lines"): PROJECT_READ,
    ("POST", "/api/v1/projects/{code}/budget_lines"): row(201, 201, 403, 403, 404),
    ("GET", "/api/v1/projects/{code}/budget_lines/{id}"): PROJECT_READ,
    ("PATCH", "/api/v1/projects/{code}/budget_lines/{id}"): row(409, 409, 403, 403, 404),
    ("DELETE", "/api/v1/projects/{code}/budget_lines/{id}"): row(409, 409, 403, 403, 404),
    ("GET", "/api/v1/projects/{code}/expenses"): PROJECT_READ,
    ("POST", "/api/v1/projects/{code}/expenses"): row(201, 201, 201, 403, 404),
    ("GET", "/api/v1/projects/{code}/expenses/{id}"): PROJECT_READ,
    ("PATCH", "/api/v1/projects/{code}/expenses/{id}"): row(409, 409, 409, 403, 404),
    ("DELETE", "/api/v1/projects/{code}/expenses/{id}"): row(409, 409, 409, 403, 404),
    ("GET", "/api/v1/projects/{code}/budget"): PROJECT_READ,
    ("GET", "/api/v1/projects/{code}/sla"): PROJECT_READ,
    ("PUT", "/api/v1/projects/{code}/sla"): row(200, 200, 403, 403, 404),  # the same hours again
    # tasks: the rep is the assignee of the one changed here (their own: a stale version's 409)
    ("GET", "/api/v1/projects/{code}/tasks"): PROJECT_READ,
    ("POST", "/api/v1/projects/{code}/tasks"): row(201, 201, 201, 403, 404),
    ("GET", "/api/v1/projects/{code}/tasks/{id}"): PROJECT_READ,
    ("PATCH", "/api/v1/projects/{code}/tasks/{id}"): row(409, 409, 409, 403, 404),
    ("DELETE", "/api/v1/projects/{code}/tasks/{id}"): row(409, 409, 409, 403, 404),
    ("POST", "/api/v1/projects/{code}/tasks/{id}/status"): row(409, 409, 409, 403, 404),
    # the task on itself: a cycle, refused for those who may add one (422)
    ("POST", "/api/v1/projects/{code}/tasks/{id}/deps"): row(422, 422, 422, 403, 404),
    # a dependency that is not there: those who may take one away are told so
    ("DELETE", "/api/v1/projects/{code}/tasks/{id}/deps/{on}"): row(404, 404, 404, 403, 404),
    ("GET", "/api/v1/projects/{code}/tasks/gantt"): PROJECT_READ,
    # comments: on P1's deal (a non-member meets 404); the one changed is the rep's
    ("GET", "/api/v1/comments"): PROJECT_READ,
    ("POST", "/api/v1/comments"): row(201, 201, 201, 403, 404),
    ("PATCH", "/api/v1/comments/{id}"): row(403, 403, 409, 403, 404),
    ("DELETE", "/api/v1/comments/{id}"): row(409, 409, 409, 403, 404),
    # the inbox is each caller's own: another's notification is not found
    ("GET", "/api/v1/inbox"): ALL,
    ("GET", "/api/v1/inbox/count"): ALL,
    ("POST", "/api/v1/inbox/{id}/read"): row(404, 404, 200, 404, 404),
    ("POST", "/api/v1/inbox/read-all"): ALL,
    ("GET", "/api/v1/me/notification-settings"): ALL,
    ("PUT", "/api/v1/me/notification-settings"): ALL,
    # collections of the rep's won deal: the rep plans and receives for it
    ("GET", "/api/v1/projects/{code}/collections"): PROJECT_READ,
    ("POST", "/api/v1/projects/{code}/collections"): row(201, 201, 201, 403, 404),
    ("GET", "/api/v1/projects/{code}/collections/{id}"): PROJECT_READ,
    ("PATCH", "/api/v1/projects/{code}/collections/{id}"): row(409, 409, 409, 403, 404),
    ("DELETE", "/api/v1/projects/{code}/collections/{id}"): row(409, 409, 409, 403, 404),
    ("POST", "/api/v1/projects/{code}/collections/{id}/receipts"): row(201, 201, 201, 403, 404),
    # a receipt that is not there: those who may take one back are told so
    ("DELETE", "/api/v1/projects/{code}/collections/{id}/receipts/{receipt}"):
        row(404, 404, 404, 403, 404),
    ("GET", "/api/v1/projects/{code}/collections/summary"): PROJECT_READ,
    ("GET", "/api/v1/projects/{code}/collections/deals"): PROJECT_READ,
    # meetings: the rep organises the one changed here (their own: a stale version's 409)
    ("GET", "/api/v1/projects/{code}/meetings"): PROJECT_READ,
    ("POST", "/api/v1/projects/{code}/meetings"): row(201, 201, 201, 403, 404),
    ("GET", "/api/v1/projects/{code}/meetings/{id}"): PROJECT_READ,
    ("PATCH", "/api/v1/projects/{code}/meetings/{id}"): row(409, 409, 409, 403, 404),
    ("DELETE", "/api/v1/projects/{code}/meetings/{id}"): row(409, 409, 409, 403, 404),
    ("POST", "/api/v1/projects/{code}/meetings/{id}/tasks"): row(409, 409, 409, 403, 404),
    # everyone's own calendar link (each caller has one, made before the matrix runs)
    ("GET", "/api/v1/me/calendar"): ALL,
    ("POST", "/api/v1/me/calendar"): row(201, 201, 201, 201, 201),
    ("DELETE", "/api/v1/me/calendar"): ALL,
    # the feed's link is its credential: a link that is no feed is not found, for anyone
    ("GET", "/api/v1/calendar/{feed}"): row(404, 404, 404, 404, 404, 404),
}


# the callers' workspace roles (fixture.workspace)
ROLE_OF = {"admin": "admin", "mgr": "manager", "rep": "rep", "vw": "viewer", "out": "rep"}


def described_rows(ents):
    """(method, pattern) -> (noun, expected row) for the generic routes of described
    workspace nouns without a hand-written row: reads need read_role, creates write_role
    (201), stale updates and deletes write_role (409); below it 403; anonymous 401."""
    out = {}
    for e in ents.values():
        if e["scope"] != "workspace" or e["own_rule"]:
            continue
        base, item = f"/api/v1/{e['plural']}", f"/api/v1/{e['plural']}/{{{e['key']}}}"
        for verb, method, pattern, ok in (("list", "GET", base, 200), ("get", "GET", item, 200),
                                          ("create", "POST", base, 201), ("update", "PATCH", item, 409),
                                          ("delete", "DELETE", item, 409)):
            if verb not in e["verbs"] or (method, pattern) in EXPECT:
                continue
            need = e["read_role"] if method == "GET" else e["write_role"]
            out[(method, pattern)] = (e["name"], row(*[ok if RANK[ROLE_OF[w]] >= RANK[need] else 403
                                                      for w in WHO[:5]]))
    return out


def request_for(method, pattern, who, ids, described=None):
    """The path and body a caller sends to exercise the route."""
    sfx = who.upper()
    if described and (method, pattern) in described:
        e = described[(method, pattern)]
        path = pattern.replace("{" + e["key"] + "}", str(ids[e["name"]]))
        if method == "POST":
            # a user of the caller's own where a record names one (a person is on a
            # session's list once: each caller's attendance names another person)
            return path, example_body(
                e, lambda noun: f"add_{who}" if noun == "user" else ids["ref"](noun), unique=sfx)
        if method == "DELETE":
            return path + "?version=999", None
        return path, ({"version": 999} if method == "PATCH" else None)
    path = (pattern.replace("/projects/{code}", "/projects/P1")
            .replace("/segments/{code}", "/segments/SEG").replace("/channels/{code}", "/channels/CH")
            .replace("/promotions/{code}", "/promotions/PROMO").replace("{sku}", "SKU")
            .replace("/sales/{id}", f"/sales/{ids['sale']}")
            .replace("/goals/{id}", f"/goals/{ids['goal']}")
            .replace("/adjustments/{id}", f"/adjustments/{ids['adjustment']}")
            .replace("/customers/{id}", f"/customers/{ids['customer']}")
            .replace("/raci/{id}", f"/raci/{ids['raci']}")
            .replace("/P1/segments/{id}", f"/P1/segments/{ids['plan']['segments']}")
            .replace("/P1/channels/{id}", f"/P1/channels/{ids['plan']['channels']}")
            .replace("/P1/promotions/{id}", f"/P1/promotions/{ids['plan']['promotions']}")
            .replace("/candidates/{id}", f"/candidates/{ids.get('candidate')}")
            .replace("/assignments/{id}", f"/assignments/{ids['assignment']}")
            .replace("/problems/{id}", f"/problems/{ids['problem']}")
            .replace("/risks/{id}", f"/risks/{ids['risk']}")
            .replace("/reviews/{id}", f"/reviews/{ids['review']}")
            .replace("/lessons/{id}", f"/lessons/{ids['lesson']}")
            .replace("/budget_lines/{id}", f"/budget_lines/{ids['budget_line']}")
            .replace("/expenses/{id}", f"/expenses/{ids['expense']}")
            .replace("/collections/{id}", f"/collections/{ids['collection']}")
            .replace("/tasks/{id}", f"/tasks/{ids['task']}")
            .replace("/comments/{id}", f"/comments/{ids['comment']}")
            .replace("/inbox/{id}", f"/inbox/{ids['notification']}")
            .replace("{on}", str(ids["task"]))
            .replace("{receipt}", "999999")
            .replace("/activities/{id}", f"/activities/{ids['activity']}")
            .replace("/feedback/{id}", f"/feedback/{ids['feedback']}")
            .replace("/deals/{id}", f"/deals/{ids['deal']}")
            .replace("/deal-views/{id}", f"/deal-views/{ids['view']}")
            .replace("/webhooks/{id}", f"/webhooks/{ids['webhook']}")
            .replace("{delivery}", str(ids["delivery"]))
            .replace("/meetings/{id}", f"/meetings/{ids['meeting']}")
            .replace("{feed}", "cal_no-such-link.ics")
            .replace("{id}", str(ids["token"])))
    if path.endswith("/report/compare"):
        path += "?with=P1"
    plan_line = any(f"/P1/{x}/" in path for x in ("segments", "channels", "promotions"))
    if "/members/{login}" in path:
        path = path.replace("{login}", f"del_{who}" if method == "DELETE" else "rep")
    path = path.replace("{login}", "target")
    stale = 999
    body = None
    if method == "PATCH":
        body = {"version": stale}
        if "/members/" in path:
            body["role"] = "member"
        elif path.endswith("/alert-settings"):
            body["probability"] = 0.4
        elif "/sales/" in path:
            body["quantity"] = 2
        elif "/customers/" in path:
            body["segment"] = "SEG"
        elif "/workspace" in path:
            body = {"name": "Workspace renamed"}
        elif "/deals/" in path:
            body["title"] = "renamed"
        elif "/raci/" in path or plan_line or "/assignments/" in path or "/collections/" in path:
            body["note"] = "renamed"
        elif "/problems/" in path or "/tasks/" in path:
            body["title"] = "renamed"
        elif "/risks/" in path:
            body["mitigation"] = "renamed"
        elif "/reviews/" in path:
            body["teamwork"] = 2
        elif "/lessons/" in path:
            body["text"] = "renamed"
        elif "/expenses/" in path:
            body["note"] = "renamed"
        elif "/webhooks/" in path:
            body["description"] = "renamed"
        elif "/activities/" in path:
            body["outcome"] = "renamed"
        elif "/feedback/" in path:
            body["comment"] = "renamed"
        elif "/meetings/" in path:
            body["minutes"] = "renamed"
        elif "/comments/" in path:
            body["body"] = "renamed"
        else:
            body["name"] = "renamed"
    elif method == "DELETE" and (pattern.endswith(("{code}", "{sku}"))
                                 or "/sales/" in pattern or "/goals/" in pattern
                                 or "/raci/" in pattern or plan_line
                                 or "/assignments/" in pattern or "/activities/" in pattern
                                 or "/feedback/" in pattern or "/deals/" in pattern
                                 or "/risks/" in pattern or "/reviews/" in pattern
                                 or "/lessons/" in pattern
                                 or "/budget_lines/" in pattern or "/expenses/" in pattern
                                 or pattern.endswith(("/problems/{id}", "/collections/{id}",
                                                      "/tasks/{id}", "/webhooks/{id}",
                                                      "/meetings/{id}", "/comments/{id}"))):
        path += f"?version={stale}"
    elif method == "PUT" and pattern.endswith("/quotas"):
        body = {"goal": ids["quota_goal"], "version": stale, "quotas": []}
    elif method == "POST" and pattern.endswith(("/close", "/reopen")):
        body = {"version": stale, "note": f"by {who}", "reason": f"by {who}"}
        if pattern.endswith("/close"):
            del body["reason"]
        else:
            del body["note"]
    elif method == "POST" and pattern.endswith("/adjustments"):
        body = {"kind": "goal", "record": ids["quota_goal"], "changes": {"target": "1200.00"},
                "reason": f"by {who}", "version": stale}
    elif method == "PUT" and pattern.endswith("/allowed-hosts"):
        body = {"hosts": [], "version": stale}
    elif method == "PUT" and pattern.endswith("/notification-settings"):
        body = {"due": True}
    elif method == "GET" and pattern == "/api/v1/comments":
        path += f"?on=deal:{ids['deal']}"
    elif method == "PUT" and pattern.endswith("/sla"):
        body = {"critical": 4, "low": 168}
    elif method == "PUT" and pattern.endswith("/lines"):
        body = {"version": stale, "lines": [{"product": "SKU", "quantity": 1}]}
    elif method == "PUT" and pattern.endswith("/stages"):
        body = {"version": stale, "stale_days": 20, "stages": [
            {"code": "lead", "probability": 0.1, "kind": "open"},
            {"code": "won", "probability": 1, "kind": "won"},
            {"code": "lost", "probability": 0, "kind": "lost"}]}
    elif method == "POST":
        body = {
            "/api/v1/session": {"login": f"ghost_{who}", "password": "not-the-password"},
            "/api/v1/users": {"login": f"new_{who}", "name": "N", "role": "rep"},
            "/api/v1/users/{login}/password": {"password": "changed-password-9"},
            "/api/v1/projects": {"code": f"N_{sfx}", "name": "n", "start": "2027-01-01",
                                 "end": "2027-02-01"},
            "/api/v1/projects/{code}/members": {"login": f"add_{who}"},
            "/api/v1/tokens": {"name": f"token of {who}"},
            "/api/v1/webhooks": {"url": f"https://hooks.example.com/{sfx}"},
            "/api/v1/webhooks/{id}/rotate": {"version": stale},
            "/api/v1/webhooks/{id}/ping": None,
            "/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver": None,
            "/api/v1/segments": {"code": f"S_{sfx}", "name": "s"},
            "/api/v1/channels": {"code": f"C_{sfx}", "name": "c", "type": "retail"},
            "/api/v1/products": {"sku": f"P_{sfx}", "name": "p", "cost": 1, "price": 2},
            "/api/v1/promotions": {"code": f"R_{sfx}", "name": "r", "kind": "gift"},
            "/api/v1/projects/{code}/sales": {"date": "2026-02-01", "customer": f"C_{sfx}",
                                              "product": "SKU", "channel": "CH",
                                              "quantity": 1, "unit_price": 200},
            # a dry run, so every caller meets the same state
            "/api/v1/projects/{code}/sales/import": (
                "date,customer,product,channel,rep,quantity,unit_price\n"
                f"2026-02-01,I_{sfx},SKU,CH,rep,1,2.00\n").encode(),
            "/api/v1/projects/{code}/goals": {"name": f"G_{sfx}", "metric": "revenue",
                                              "target": 100000, "start": "2026-01-01",
                                              "due": "2026-03-31"},
            "/api/v1/projects/{code}/goals/lint": {},
            "/api/v1/projects/{code}/raci": {"area": f"Area of {who}", "person": "rep",
                                             "role": "informed"},
            "/api/v1/projects/{code}/goals/{id}/checkins": {"value": 1},
            # each caller plans a segment, channel and promotion of its own
            "/api/v1/projects/{code}/segments": {"segment": f"SEG_{sfx}", "share": 0.01},
            "/api/v1/projects/{code}/channels": {"channel": f"CH_{sfx}", "share": 0.01,
                                                 "budget": 100},
            "/api/v1/projects/{code}/promotions": {"promotion": f"PROMO_{sfx}"},
            "/api/v1/candidates/{id}/stage": {"stage": "screening", "version": stale},
            # the admin is on no project: it logs an activity for the manager; the others their own
            "/api/v1/projects/{code}/activities": {"kind": "call", "date": "2026-03-01",
                                                   "customer": ids["customer"], "phase": "pre_sale",
                                                   **({"member": "mgr"} if who == "admin" else {})},
            "/api/v1/projects/{code}/feedback": {"customer": ids["customer"], "nps": 9,
                                                 "category": "service", "comment": f"by {who}"},
            "/api/v1/projects/{code}/deals": {"title": f"D_{sfx}", "customer": "CUST",
                                              "owner": "rep"},
            "/api/v1/projects/{code}/deals/{id}/stage": {"stage": "qualified", "version": stale},
            "/api/v1/projects/{code}/deal-views": {"name": f"V_{sfx}", "filters": {"owner": "rep"}},
            "/api/v1/projects/{code}/assignments": {"person": "mgr" if who == "admin" else "rep",
                                                    "segment": "SEG", "note": f"by {who}"},
            "/api/v1/projects/{code}/problems": {"type": "delivery", "severity": "high",
                                                 "title": f"Late for {who}", "owner": "rep",
                                                 "customer": ids["customer"]},
            # the admin is on no project: its risk is the manager's; the others own theirs
            "/api/v1/projects/{code}/risks": {"description": f"Risk of {who}", "category": "market",
                                              "probability": 3, "impact": 4,
                                              **({"owner": "mgr"} if who == "admin" else {})},
            "/api/v1/projects/{code}/reviews": {"reviewee": f"del_{who}", "teamwork": 4},
            "/api/v1/projects/{code}/lessons": {"kind": "went_well", "text": f"by {who}"},
            "/api/v1/projects/{code}/budget_lines": {"category": "travel", "name": f"Trips of {who}",
                                                     "allocated": 100000},
            "/api/v1/projects/{code}/expenses": {"line": ids["budget_line"], "amount": 100,
                                                 "note": f"by {who}"},
            "/api/v1/projects/{code}/problems/{id}/status": {"status": "in_progress",
                                                             "version": stale},
            "/api/v1/projects/{code}/tasks": {"title": f"Task of {who}", "assignee": "rep",
                                              "start": "2026-03-01", "due": "2026-03-05"},
            "/api/v1/projects/{code}/tasks/{id}/status": {"status": "doing", "version": stale},
            "/api/v1/projects/{code}/tasks/{id}/deps": {"depends_on": ids["task"]},
            "/api/v1/projects/{code}/collections": {"deal": ids["won_deal"], "due": "2026-12-31",
                                                    "amount": 100},
            # the admin is on no project: its meeting is the manager's; the others organise theirs
            "/api/v1/projects/{code}/meetings": {"title": f"Meeting of {who}", "date": "2026-03-02",
                                                 "start": "09:00", "end": "10:00",
                                                 **({"organizer": "mgr"} if who == "admin" else {})},
            "/api/v1/projects/{code}/meetings/{id}/tasks": {"version": stale},
            "/api/v1/me/calendar": {},
            "/api/v1/comments": {"on": f"deal:{ids['deal']}", "body": f"by {who}"},
            "/api/v1/inbox/{id}/read": {},
            "/api/v1/inbox/read-all": {},
            "/api/v1/projects/{code}/collections/{id}/receipts": {"amount": 1,
                                                                  "received_on": "2026-01-05"},
        }[pattern]
        if pattern.endswith("/sales/import"):
            path += "?dry_run=1"
    return path, body


def stream_status(c, path):
    """A stream's answer without waiting for its end: the status (and a refusal's body)."""
    s = Stream(c, path[len("/api/v1/events"):])
    if s.status == 200:
        s.close()
        return Response(200, [("Content-Type", "text/event-stream")], b"{}")
    return s.error()


@test
def role_matrix():
    routes = [tuple(r) for r in served_routes()]
    ents = entities()
    derived = described_rows(ents)
    expect = {**EXPECT, **{k: v[1] for k, v in derived.items()}}
    missing = [r for r in routes if r not in expect]
    assert not missing, f"routes without a row in the role matrix: {missing}"
    gone = [r for r in expect if r not in routes]
    assert not gone, f"rows for routes that are not served: {gone}"

    # P1: mgr manager, rep member, vw viewer; out and target on no project
    ws = workspace(("mgr", "rep", "vw", "out", "target"))
    for who in WHO:
        ws.ok("user", "add", f"add_{who}", "--name", "a", "--role", "rep")
        ws.ok("user", "add", f"del_{who}", "--name", "d", "--role", "rep")
        ws.ok("member", "add", "P1", f"del_{who}", "--role", "member")
    ws.ok("segment", "add", "SEG", "--name", "s")
    ws.ok("channel", "add", "CH", "--name", "c", "--type", "direct")
    ws.ok("product", "add", "SKU", "--name", "p", "--cost", "1.00", "--price", "2.00")
    ws.ok("promotion", "add", "PROMO", "--name", "r", "--kind", "gift")
    for who in WHO:
        ws.ok("segment", "add", f"SEG_{who.upper()}", "--name", "s")
        ws.ok("channel", "add", f"CH_{who.upper()}", "--name", "c", "--type", "direct")
        ws.ok("promotion", "add", f"PROMO_{who.upper()}", "--name", "r", "--kind", "gift")
    plan = {"segments": ws.js("strategy", "segment", "P1", "SEG", "--share", "10")["id"],
            "channels": ws.js("strategy", "channel", "P1", "CH", "--share", "10")["id"],
            "promotions": ws.js("strategy", "promotion", "P1", "PROMO")["id"]}
    sale_id = ws.js("sale", "add", "P1", "--date", "2026-02-01", "--customer", "CUST",
                    "--product", "SKU", "--channel", "CH", "--quantity", "1", "--price", "2.00",
                    "--rep", "rep")["id"]
    customer_id = ws.js("customer", "show", "CUST")["id"]
    raci_id = ws.js("raci", "add", "P1", "--area", "Pricing", "--person", "mgr", "--role",
                    "accountable")["id"]
    goal_id = ws.js("goal", "add", "P1", "--metric", "custom", "--target", "10", "--start",
                    "2026-01-01", "--due", "2026-12-31")["id"]
    quota_goal = ws.js("goal", "add", "P1", "--metric", "revenue", "--target", "1000", "--start",
                       "2026-01-01", "--due", "2026-12-31")["id"]
    assignment_id = ws.js("assignment", "add", "P1", "--person", "mgr", "--customer",
                          str(customer_id))["id"]
    won_deal = insert_deal(ws, "P1", "CUST", "rep", 100000000)
    problem_id = ws.js("problem", "add", "P1", "--type", "service", "--severity", "low", "--title",
                       "Slow support", "--owner", "rep", "--customer", str(customer_id))["id"]
    collection_id = ws.js("collection", "add", "P1", "--deal", str(won_deal), "--due", "2026-12-31",
                          "--amount", "1000.00")["id"]
    task_id = ws.js("task", "add", "P1", "--title", "Call the distributors", "--assignee", "rep",
                    "--start", "2026-03-01", "--due", "2026-03-10")["id"]
    # the rep's own activity and the feedback they took: a rep may change them (a stale version: 409)
    activity_id = ws.js("activity", "add", "P1", "--kind", "visit", "--date", "2026-02-02",
                        "--customer", str(customer_id), "--phase", "after_sale", as_="rep")["id"]
    feedback_id = ws.js("feedback", "add", "P1", "--customer", str(customer_id), "--rating", "4",
                        "--category", "product", as_="rep")["id"]
    deal_id = ws.js("deal", "add", "P1", "--title", "mgr's", "--customer", "CUST", "--owner",
                    "mgr", "--channel", "CH")["id"]
    line_id = ws.js("budget", "add", "P1", "--category", "marketing", "--name", "Fair",
                    "--allocated", "5000.00")["id"]
    expense_id = ws.js("expense", "add", "P1", "--line", str(line_id), "--amount", "12.00",
                       as_="rep")["id"]
    meeting_id = ws.js("meeting", "add", "P1", "--title", "Pipeline review", "--date", "2026-03-02",
                       "--start", "09:00", "--end", "10:00", "--item", "Call back|rep|2026-03-06",
                       as_="rep")["id"]
    # the rep's comment on mgr's deal, mentioning mgr; the rep's inbox (the task given them)
    comment_id = ws.js("comment", "add", f"deal:{deal_id}", "--text", "@mgr see", as_="rep")["id"]
    notification_id = ws.js("inbox", "list", as_="rep")["notifications"][0]["id"]
    risk_id = ws.js("risk", "add", "P1", "--description", "Price war", "--category", "pricing",
                    "--probability", "2", "--impact", "5", as_="rep")["id"]
    lesson_id = ws.js("lesson", "add", "P1", "--kind", "to_improve", "--text", "Plan the fair",
                      as_="mgr")["id"]
    # P1 is a draft, where no review is written: the rep's review of mgr as it would be
    ws.sql("INSERT INTO project_reviews (project_id, reviewer_id, reviewee_id, teamwork, "
           "created_at, updated_at) SELECT p.id, r.id, m.id, 4, 0, 0 FROM projects p, users r, "
           "users m WHERE p.code = 'P1' AND r.login = 'rep' AND m.login = 'mgr'")
    review_id = ws.sql("SELECT id FROM project_reviews")[0][0]
    adjustment_id = ws.js("adjust", "P1", "--kind", "goal", "--record", str(quota_goal), "--set",
                          "target=1100.00", "--reason", "a bigger market")["id"]

    failures = []
    with Server(ws) as srv:
        clients = {who: srv.client(None if who == "anon" else who) for who in WHO}
        ids = {"token": clients["admin"].ok("POST", "/api/v1/tokens", {"name": "admin's"})["token"]["id"],
               "sale": sale_id, "goal": goal_id, "customer": customer_id, "raci": raci_id,
               "plan": plan, "quota_goal": quota_goal, "assignment": assignment_id,
               "deal": deal_id, "won_deal": won_deal, "problem": problem_id,
               "collection": collection_id,
               "activity": activity_id, "feedback": feedback_id, "risk": risk_id,
               "budget_line": line_id, "expense": expense_id, "task": task_id,
               "meeting": meeting_id, "comment": comment_id,
               "notification": notification_id, "adjustment": adjustment_id,
               "review": review_id, "lesson": lesson_id}
        ids["webhook"] = clients["admin"].ok("POST", "/api/v1/webhooks", {
            "url": "https://hooks.example.com/roles"}, status=201)["webhook"]["id"]
        ids["delivery"] = clients["admin"].ok("POST", f"/api/v1/webhooks/{ids['webhook']}/ping",
                                              status=202)["delivery_id"]
        for who in WHO[:5]:
            clients[who].ok("POST", "/api/v1/me/calendar", {}, status=201)
        ids["view"] = clients["admin"].ok("POST", "/api/v1/projects/P1/deal-views",
                                          {"name": "admin's", "filters": {}}, status=201)["id"]
        admin = clients["admin"]
        # (a position's project is not a described noun: P1)
        ids["ref"] = lambda noun: "P1" if noun == "project" else admin.ok(
            "GET", "/api/v1/" + ents[noun]["plural"])[ents[noun]["plural"]][0][ents[noun]["key"]]
        # one record of each described noun for its item routes, made by an admin
        described = {k: ents[v[0]] for k, v in derived.items()}
        # a noun that refers to another described noun (an attendance to its session) after it
        names = {v[0] for v in derived.values()}
        for name in sorted(names, key=lambda n: (any(f.get("ref") in names - {n}
                                                     for f in ents[n]["fields"]), n)):
            e = ents[name]
            made = admin.ok("POST", f"/api/v1/{e['plural']}",
                            example_body(e, lambda noun: "target" if noun == "user" else ids["ref"](noun),
                                         unique="ADMIN0"), status=201)
            ids[name] = made[e["key"]]
        # Signing out last, so every other route meets a signed-in caller.
        order = sorted(routes, key=lambda r: r == ("DELETE", "/api/v1/session"))
        for method, pattern in order:
            for who in WHO:
                path, body = request_for(method, pattern, who, ids, described)
                if pattern == "/api/v1/events":
                    r = stream_status(clients[who], path)
                elif isinstance(body, bytes):
                    r = clients[who].request(method, path, raw=body, content_type="text/csv")
                else:
                    r = clients[who].request(method, path, body)
                want = expect[(method, pattern)][who]
                if r.status != want:
                    failures.append(f"{method} {path} as {who}: expected {want}, got {r}")
                elif r.status >= 400 and "error" not in r.json():
                    failures.append(f"{method} {path} as {who}: error without a body")
    assert not failures, "\n".join(failures)


if __name__ == "__main__":
    run_all()
