"""test_comments_inbox.py - comments and the inbox over HTTP: every route, with its errors
(each naming its field, each changing nothing), the 404 for a record of a project the caller
is not in (worded as for one that does not exist), markup stored and answered verbatim, the
inbox of a member removed from a project (its notifications gone from the list, the counts
and mark-read, back when they return), and the settings. Every answer is checked against the
OpenAPI document by the harness.

P1 (fixture): mgr its manager, rep and rep2 members, vw a viewer; out on no project, P2's
member here. Today is 2026-06-15."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import Env, expect_error, workspace  # noqa: E402
from harness import eq, run_all, test  # noqa: E402

XSS = ['<script>alert("x")</script>', '<img src=x onerror=alert(1)>',
       '"><svg/onload=alert(1)>', "javascript:alert(1)", "[x](javascript:alert(1))",
       "&lt;b&gt; &amp; \u202e mirrored"]


def setup():
    ws = workspace(("mgr", "rep", "rep2", "vw", "out"), projects=("P1", "P2"),
                   channels=("direct",), products=("SKU-1",), today="2026-06-15")
    ws.ok("member", "add", "P2", "out", "--role", "member")
    ws.ok("sale", "add", "P1", "--date", "2026-02-01", "--customer", "Acme", "--product",
          "SKU-1", "--channel", "direct", "--rep", "rep", "--quantity", "1", "--price", "100.00")
    deal = ws.js("deal", "add", "P1", "--title", "Acme renewal", "--customer", "Acme", "--owner",
                 "rep", as_="mgr")["id"]
    p2_task = ws.js("task", "add", "P2", "--title", "P2 work", "--assignee", "out", "--start",
                    "2026-07-01", "--due", "2026-07-02")["id"]
    return ws, deal, p2_task


def count(ws):
    return ws.sql("SELECT COUNT(*) FROM comments")[0][0]


@test
def comments_over_http():
    ws, deal, p2_task = setup()
    on = f"deal:{deal}"
    with Env(ws) as env:
        mgr, rep, rep2, vw, out = (env.as_(x) for x in ("mgr", "rep", "rep2", "vw", "out"))
        c = rep.ok("POST", "/api/v1/comments", {"on": on, "body": "@mgr @out 看报价"}, status=201)
        eq((c["author"], c["mentions"], c["version"], c["project"]), ("rep", ["mgr"], 1, "P1"))
        got = vw.ok("GET", f"/api/v1/comments?on={on}")
        eq(([x["id"] for x in got["comments"]], got["on"]["title"], got["on"]["can_comment"]),
           ([c["id"]], "Acme renewal", False))
        before = count(ws)
        for body, field, reason in (
                ({"on": on, "body": ""}, "body", "required"),
                ({"on": on, "body": "  \n "}, "body", "required"),
                ({"on": on, "body": "x" * 4001}, "body", "too_long"),
                ({"on": on}, "body", "required"),
                ({"on": "deal", "body": "x"}, "on", "bad_comment_on"),
                ({"on": "invoice:1", "body": "x"}, "on", "bad_enum"),
                ({"on": on, "body": "x", "extra": 1}, "extra", "unknown_field"),
                ({"on": on, "body": 5}, "body", None)):
            expect_error(rep.post("/api/v1/comments", body), 422, "invalid", field, reason)
        hidden = expect_error(rep.post("/api/v1/comments", {"on": f"task:{p2_task}", "body": "x"}),
                              404, "not_found", "on", "no_record")
        missing = expect_error(rep.post("/api/v1/comments", {"on": "task:999999", "body": "x"}),
                               404, "not_found", "on", "no_record")
        eq(hidden["message"].replace(str(p2_task), "N"), missing["message"].replace("999999", "N"))
        expect_error(rep.get(f"/api/v1/comments?on=task:{p2_task}"), 404, "not_found", "on")
        expect_error(out.get(f"/api/v1/comments?on={on}"), 404, "not_found", "on")
        expect_error(rep.get("/api/v1/comments"), 422, "invalid", "on", "required")
        expect_error(vw.post("/api/v1/comments", {"on": on, "body": "x"}), 403, "forbidden",
                     None, "comment_denied")
        eq(count(ws), before, "refusals wrote nothing")
        url = f"/api/v1/comments/{c['id']}"
        expect_error(rep.patch(url, {"body": "改", "version": 9}), 409, "conflict", "version",
                     "stale_version")
        expect_error(rep.patch(url, {"body": "改"}), 422, "invalid", "version", "version_required")
        expect_error(rep.patch(url, {"body": "", "version": 1}), 422, "invalid", "body", "required")
        expect_error(rep2.patch(url, {"body": "改", "version": 1}), 403, "forbidden", None,
                     "comment_author_only")
        expect_error(out.patch(url, {"body": "改", "version": 1}), 404, "not_found", "comment")
        expect_error(rep.patch("/api/v1/comments/abc", {"body": "改", "version": 1}), 404,
                     "not_found")
        e = rep.ok("PATCH", url, {"body": "@mgr @rep2 看报价（已改）", "version": 1})
        eq((e["version"], e["edited"], e["mentions"]), (2, True, ["mgr", "rep2"]))
        expect_error(rep2.delete(url + "?version=2"), 403, "forbidden", None,
                     "comment_delete_denied")
        expect_error(mgr.delete(url + "?version=1"), 409, "conflict", "version")
        eq(mgr.ok("DELETE", url + "?version=2"), {"id": c["id"], "deleted": True})
        expect_error(rep.delete(url + "?version=2"), 404, "not_found", "comment")
        eq(mgr.ok("GET", f"/api/v1/comments?on={on}")["comments"], [])


@test
def markup_is_stored_and_answered_verbatim():
    ws, deal, _ = setup()
    cust = ws.sql("SELECT id FROM customers WHERE name = 'Acme'")[0][0]
    with Env(ws) as env:
        rep = env.as_("rep")
        for on in (f"deal:{deal}", f"customer:{cust}"):
            for text in XSS:
                c = rep.ok("POST", "/api/v1/comments", {"on": on, "body": text}, status=201)
                eq(c["body"], text)
            got = rep.ok("GET", f"/api/v1/comments?on={on}")["comments"]
            eq([x["body"] for x in got], XSS)
    eq([r[0] for r in ws.sql("SELECT body FROM comments ORDER BY id")], XSS + XSS)


@test
def the_inbox_over_http_and_a_removed_member():
    ws, deal, _ = setup()
    ws.ok("member", "add", "P2", "rep", "--role", "member")
    p2 = ws.js("task", "add", "P2", "--title", "P2 for rep", "--assignee", "rep", "--start",
               "2026-07-01", "--due", "2026-07-02")["id"]
    with Env(ws) as env:
        mgr, rep = env.as_("mgr"), env.as_("rep")
        mgr.ok("POST", "/api/v1/comments", {"on": f"deal:{deal}", "body": "@rep 跟进"}, status=201)
        # rep: the deal given by mgr, mgr's mention, the P2 task given by the admin
        got = rep.ok("GET", "/api/v1/inbox")
        eq(sorted((n["kind"], n["on_kind"], n["project"]) for n in got["notifications"]),
           [("assigned", "deal", "P1"), ("assigned", "task", "P2"), ("mention", "deal", "P1")])
        eq(rep.ok("GET", "/api/v1/inbox/count"),
           {"unread": 3, "by_kind": {"mention": 1, "assigned": 2, "due": 0, "overdue": 0,
                                     "stage": 0, "sla": 0, "alert": 0, "review": 0}})
        p2_note = [n["id"] for n in got["notifications"] if n["project"] == "P2"][0]
        mention = [n for n in got["notifications"] if n["kind"] == "mention"][0]
        eq((mention["by"], mention["params"]["excerpt"]), ({"login": "mgr", "name": "MGR"}, "@rep 跟进"))
        ws.ok("member", "remove", "P2", "rep")
        got = rep.ok("GET", "/api/v1/inbox")
        eq([n["project"] for n in got["notifications"]], ["P1", "P1"])
        eq((got["total"], got["unread"]), (2, 2))
        eq(rep.ok("GET", "/api/v1/inbox/count")["unread"], 2)
        eq(rep.ok("GET", "/api/v1/inbox?kind=assigned")["total"], 1)
        expect_error(rep.post(f"/api/v1/inbox/{p2_note}/read"), 404, "not_found", "notification")
        expect_error(mgr.post(f"/api/v1/inbox/{mention['id']}/read"), 404, "not_found")
        eq(rep.ok("POST", f"/api/v1/inbox/{mention['id']}/read"), {"marked": 1})
        eq([n["id"] for n in rep.ok("GET", "/api/v1/inbox?unread=1")["notifications"]],
           [n["id"] for n in got["notifications"] if n["id"] != mention["id"]])
        eq(rep.ok("POST", "/api/v1/inbox/read-all"), {"marked": 1})
        eq(rep.ok("GET", "/api/v1/inbox/count")["unread"], 0)
        ws.ok("member", "add", "P2", "rep", "--role", "member")
        eq(rep.ok("GET", "/api/v1/inbox/count")["by_kind"]["assigned"], 1, "back, still unread")
        for q, field, reason in (("limit=0", "limit", "out_of_range"), ("offset=-2", "offset", "negative"),
                                 ("kind=email", "kind", "bad_enum"), ("unread=maybe", "unread", "not_bool"),
                                 ("limit=x", "limit", None)):
            expect_error(rep.get(f"/api/v1/inbox?{q}"), 422, "invalid", field, reason)
        page = rep.ok("GET", "/api/v1/inbox?limit=1&offset=1")
        eq((len(page["notifications"]), page["total"], page["limit"], page["offset"]), (1, 3, 1, 1))
        eq(page["notifications"][0]["on_id"] in (deal, p2), True)


@test
def settings_over_http():
    ws, deal, _ = setup()
    with Env(ws) as env:
        rep, mgr = env.as_("rep"), env.as_("mgr")
        on = {k: True for k in ("mention", "assigned", "due", "overdue", "stage", "sla", "alert", "review")}
        eq(rep.ok("GET", "/api/v1/me/notification-settings"), {"settings": on})
        got = rep.ok("PUT", "/api/v1/me/notification-settings", {"mention": False})
        eq(got, {"settings": {**on, "mention": False}})
        for body, field, reason in (({"email": True}, "email", "unknown_field"),
                                    ({"due": "yes"}, "due", None)):
            expect_error(rep.request("PUT", "/api/v1/me/notification-settings", body),
                         422, "invalid", field, reason)
        eq(rep.ok("GET", "/api/v1/me/notification-settings"), {"settings": {**on, "mention": False}})
        eq(mgr.ok("GET", "/api/v1/me/notification-settings"), {"settings": on}, "each their own")
        mgr.ok("POST", "/api/v1/comments", {"on": f"deal:{deal}", "body": "@rep 看"}, status=201)
        eq(rep.ok("GET", "/api/v1/inbox/count")["by_kind"]["mention"], 0, "mentions turned off")


if __name__ == "__main__":
    run_all()
