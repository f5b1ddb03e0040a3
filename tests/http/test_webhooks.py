"""test_webhooks.py - webhooks over HTTP (/api/v1/webhooks): a real receiver on 127.0.0.1
(lib/receiver.py) allowed through the allowed hosts gets the events the audit log names,
signed (checked here with hmac and hashlib, and with the verifier printed in docs/webhooks.md), retried with their statuses logged; the address guard refuses loopback
URLs at creation and at delivery, and after a redirect; a write made with the CLI while no
server runs is delivered after a start; only admins reach any route.

P1 (fixture): mgr its manager, rep a member, vw a viewer."""
import hashlib
import hmac
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import Env, expect_error, workspace  # noqa: E402
from hooks import Collector, allow, wait_delivery  # noqa: E402
from harness import eq, run_all, test  # noqa: E402
from receiver import Receiver  # noqa: E402

HOOKS = "/api/v1/webhooks"
DOC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "webhooks.md")


def signature(secret, headers, body):
    """The signature computed apart from the server: HMAC-SHA256 over "ts." + body."""
    ts = headers["X-Salespm-Timestamp"]
    return "v1=" + hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()


def doc_verifier():
    """The verify() function exactly as docs/webhooks.md prints it."""
    text = open(DOC, encoding="utf-8").read()
    section = text.split("## Verifying a delivery", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert len(code.strip().splitlines()) <= 12, "the verifier is about ten lines"
    ns = {}
    exec(code, ns)  # noqa: S102 - the doc's own code, run as a reader would
    return ns["verify"]


def setup():
    ws = workspace(("mgr", "rep", "vw"), channels=("direct",), products=("SKU-1",))
    ws.ok("sale", "add", "P1", "--date", "2026-01-05", "--customer", "Acme", "--product",
          "SKU-1", "--channel", "direct", "--rep", "rep", "--quantity", "1", "--price", "100.00")
    return ws


@test
def a_deal_moved_reaches_the_receiver_signed():
    ws = setup()
    rcv = Receiver()
    try:
        with Env(ws) as env:
            admin, rep = env.as_("admin"), env.as_("rep")
            allow(admin, f"127.0.0.1:{rcv.port}")
            made = admin.ok("POST", HOOKS, {"url": rcv.url, "description": "CRM 同步",
                                            "events": ["deal.stage_changed"]}, status=201)
            secret, hook = made["secret"], made["webhook"]
            assert re.fullmatch(r"whsec_[0-9a-f]{64}", secret), secret
            eq((hook["events"], hook["active"], hook["version"]), (["deal.stage_changed"], True, 1),
               "the webhook as created")
            assert "secret" not in json.dumps(admin.ok("GET", f"{HOOKS}/{hook['id']}")), \
                "the secret is never read back"
            d = rep.ok("POST", "/api/v1/projects/P1/deals",
                       {"title": "华东框架", "customer": "Acme", "channel": "direct"}, status=201)
            rep.ok("POST", f"/api/v1/projects/P1/deals/{d['id']}/stage",
                   {"stage": "proposal", "version": d["version"]})
            (path, headers, body), = rcv.wait(1)
            eq(path, "/hook", "the URL's path")
            eq(headers["X-Salespm-Event"], "deal.stage_changed", "only the event asked for")
            eq(headers["X-Salespm-Signature"], signature(secret, headers, body), "the signature")
            assert abs(int(headers["X-Salespm-Timestamp"]) - time.time()) < 60, headers
            assert doc_verifier()(secret, headers, body), "the doc's verifier accepts it"
            assert not doc_verifier()(secret, headers, body + b" "), "and refuses a changed body"
            ev = json.loads(body)
            eq((ev["event"], ev["project"], ev["entity"], ev["entity_id"], ev["actor"]),
               ("deal.stage_changed", "P1", "deal", d["id"], "rep"), "the event's members")
            eq((ev["before"]["stage"], ev["after"]["stage"]), ("lead", "proposal"), "before and after")
            audit = admin.ok("GET", f"/api/v1/audit?entity=deal&entity_id={d['id']}")
            eq(ev["id"], audit["audit"][0]["id"], "the event's id is the audit row's")
            ds = wait_delivery(admin, hook["id"], lambda ds: ds and ds[0]["state"] == "delivered")
            eq([(x["event"], x["attempts"], x["last_status"], x["last_error"]) for x in ds],
               [("deal.stage_changed", 1, 200, "")], "the deliveries log")
            eq(headers["X-Salespm-Delivery"], str(ds[0]["id"]), "the delivery header")
            # rotated: the next delivery is signed with the new secret only
            rot = admin.ok("POST", f"{HOOKS}/{hook['id']}/rotate", {"version": 1})
            assert rot["secret"] != secret and rot["webhook"]["version"] == 2, rot
            admin.ok("PATCH", f"{HOOKS}/{hook['id']}",
                     {"version": 2, "events": ["deal.lost", "deal.stage_changed"]})
            rep.ok("POST", f"/api/v1/projects/P1/deals/{d['id']}/stage",
                   {"stage": "lost", "version": d["version"] + 1, "lost_reason": "预算取消"})
            (_, h2, b2) = rcv.wait(2)[1]
            eq(h2["X-Salespm-Event"], "deal.lost", "a move to lost is deal.lost to who asks for it")
            eq(h2["X-Salespm-Signature"], signature(rot["secret"], h2, b2), "the new secret signs")
            assert h2["X-Salespm-Signature"] != signature(secret, h2, b2), "the old one does not"
    finally:
        rcv.close()


@test
def a_receiver_failing_twice_gets_three_attempts_logged():
    ws = setup()
    rcv = Receiver(statuses=(500, 500))
    try:
        with Env(ws, "--webhook-retry-base", "1") as env:
            admin = env.as_("admin")
            allow(admin, f"127.0.0.1:{rcv.port}")
            hook = admin.ok("POST", HOOKS, {"url": rcv.url}, status=201)["webhook"]
            eq(hook["events"], ["*"], "every event by default")
            ping = admin.ok("POST", f"{HOOKS}/{hook['id']}/ping", status=202)
            got = rcv.wait(3)
            eq([h["X-Salespm-Event"] for _, h, _ in got], ["ping"] * 3, "three tries")
            eq(len({h["X-Salespm-Delivery"] for _, h, _ in got}), 1, "of one delivery")
            ds = wait_delivery(admin, hook["id"], lambda ds: ds[0]["state"] == "delivered")
            eq((ds[0]["id"], ds[0]["attempts"], ds[0]["last_status"]), (ping["delivery_id"], 3, 200),
               "delivered at the third attempt")
            one = admin.ok("GET", f"{HOOKS}/{hook['id']}/deliveries/{ping['delivery_id']}")
            eq([(a["http_status"], a["error"]) for a in one["attempts"]],
               [(500, "HTTP 500"), (500, "HTTP 500"), (200, "")], "each attempt's status")
            eq(one["delivery"]["body"]["event"], "ping", "the body")
            # the backoff: 1 s then 4 s after the failures (the unit is 1 s here)
            t = [int(h["X-Salespm-Timestamp"]) for _, h, _ in got]
            assert t[1] - t[0] >= 1 and t[2] - t[1] >= 4, f"backoff too short: {t}"
            again = admin.ok("POST", f"{HOOKS}/{hook['id']}/deliveries/{ping['delivery_id']}"
                             "/redeliver", status=202)
            eq(again["redelivery_of"], ping["delivery_id"], "a redelivery")
            (_, h4, b4) = rcv.wait(4)[3]
            eq((h4["X-Salespm-Delivery"], b4), (str(again["delivery_id"]), got[0][2]),
               "the same body under a new delivery id")
    finally:
        rcv.close()


@test
def loopback_urls_are_refused_unless_allowed():
    ws = setup()
    rcv = Receiver()
    try:
        with Env(ws, "--webhook-retry-base", "1") as env:
            admin = env.as_("admin")
            for url, reason in ((rcv.url, "url_address_refused"),
                                ("http://localhost:8080/x", "url_address_refused"),
                                ("http://[::1]/x", "url_address_refused"),
                                ("http://[::ffff:10.0.0.1]/x", "url_address_refused"),
                                ("http://169.254.169.254/latest", "url_address_refused"),
                                ("http://100.64.0.1/", "url_address_refused"),
                                ("http://2130706433/", "url_address_refused"),
                                ("http://192.168.1.1/", "url_address_refused"),
                                ("ftp://example.com/x", "url_scheme"),
                                ("http://user:pw@example.com/", "url_credentials"),
                                ("http:///nohost", "url_host")):
                expect_error(admin.request("POST", HOOKS, {"url": url}), 422, "invalid",
                             field="url", reason=reason)
            expect_error(admin.request("POST", HOOKS, {"url": "https://example.com/h",
                                                       "events": ["deal.nope"]}),
                         422, "invalid", field="events", reason="unknown_event")
            expect_error(admin.request("PUT", HOOKS + "/allowed-hosts", {"hosts": ["a b"]}),
                         422, "invalid", field="hosts", reason="not_host")
            eq(admin.ok("GET", HOOKS)["webhooks"], [], "nothing was made")
            eq(admin.ok("GET", HOOKS + "/allowed-hosts")["hosts"], [], "nor allowed")
            # allowed: made; then the list changes, and the delivery is refused
            allow(admin, f"127.0.0.1:{rcv.port}")
            hook = admin.ok("POST", HOOKS, {"url": rcv.url, "events": ["project.created"]},
                            status=201)["webhook"]
            allow(admin)
            admin.ok("POST", HOOKS + f"/{hook['id']}/ping", status=202)
            ds = wait_delivery(admin, hook["id"], lambda ds: ds[0]["attempts"] >= 1)
            assert ds[0]["last_error"].startswith("address_refused: 127.0.0.1"), ds[0]
            eq((ds[0]["state"], ds[0]["last_status"]), ("pending", None), "to be tried again")
            eq(rcv.got, [], "the receiver heard nothing")
            # a stale version of the list is refused
            expect_error(admin.request("PUT", HOOKS + "/allowed-hosts",
                                       {"hosts": ["x.example"], "version": 1}), 409, "conflict")
    finally:
        rcv.close()


@test
def a_redirect_to_a_disallowed_address_is_refused():
    ws = setup()
    inner = Receiver()
    outer = Receiver(redirect=f"http://localhost:{inner.port}/inside")
    try:
        with Env(ws, "--webhook-retry-base", "1") as env:
            admin = env.as_("admin")
            allow(admin, f"127.0.0.1:{outer.port}")
            hook = admin.ok("POST", HOOKS, {"url": outer.url}, status=201)["webhook"]
            admin.ok("POST", HOOKS + f"/{hook['id']}/ping", status=202)
            ds = wait_delivery(admin, hook["id"], lambda ds: ds[0]["attempts"] >= 1)
            err = ds[0]["last_error"]
            assert err.startswith("address_refused: ") and "(localhost) is a loopback address" \
                in err, ds[0]
            eq((ds[0]["state"], ds[0]["last_status"]), ("pending", None), "not delivered")
            eq(len(outer.wait(1)), 1, "the allowed host was asked")
            eq(inner.got, [], "the address it redirected to was not")
    finally:
        inner.close()
        outer.close()


@test
def a_cli_write_while_no_server_runs_is_delivered_after_a_start():
    ws = setup()
    rcv = Receiver()
    try:
        ws.ok("webhook", "hosts", "--set", f"127.0.0.1:{rcv.port}")
        made = ws.js("webhook", "add", "--url", rcv.url, "--events", "project.created")
        with Env(ws):
            pass  # a server came and went: nothing to send yet
        ws.ok("project", "create", "P2", "--name", "第二季度", "--start", "2026-04-01",
              "--end", "2026-06-30")
        eq(rcv.got, [], "no server: nothing sent")
        with Env(ws) as env:
            (_, headers, body), = rcv.wait(1)
            wait_delivery(env.as_("admin"), made["webhook"]["id"],
                          lambda ds: ds[0]["state"] == "delivered")
        ev = json.loads(body)
        eq((headers["X-Salespm-Event"], ev["project"], ev["actor"], ev["after"]["code"]),
           ("project.created", "P2", "admin", "P2"), "delivered after the start")
        eq(headers["X-Salespm-Signature"], signature(made["secret"], headers, body), "signed")
        ds = ws.js("webhook", "deliveries", made["webhook"]["id"])["deliveries"]
        eq([(d["event"], d["state"], d["attempts"]) for d in ds],
           [("project.created", "delivered", 1)], "once")
    finally:
        rcv.close()


@test
def updates_are_versioned_and_deletes_take_the_deliveries():
    ws = setup()
    with Env(ws) as env:
        admin = env.as_("admin")
        hook = admin.ok("POST", HOOKS, {"url": "https://hooks.example.com/a"}, status=201)["webhook"]
        h = admin.ok("PATCH", f"{HOOKS}/{hook['id']}",
                     {"version": 1, "active": False, "description": "暂停"})
        eq((h["active"], h["description"], h["version"]), (False, "暂停", 2), "switched off")
        expect_error(admin.request("PATCH", f"{HOOKS}/{hook['id']}", {"version": 1, "active": True}),
                     409, "conflict")
        expect_error(admin.request("PATCH", f"{HOOKS}/{hook['id']}",
                                   {"version": 2, "url": "http://10.1.1.1/"}),
                     422, "invalid", field="url", reason="url_address_refused")
        eq(admin.ok("GET", f"{HOOKS}/{hook['id']}")["url"], "https://hooks.example.com/a",
           "a refused change changes nothing")
        admin.ok("POST", f"{HOOKS}/{hook['id']}/ping", status=202)
        admin.ok("DELETE", f"{HOOKS}/{hook['id']}?version=2")
        expect_error(admin.request("GET", f"{HOOKS}/{hook['id']}"), 404, "not_found")
        eq(ws.sql("SELECT COUNT(*) FROM webhook_deliveries"), [(0,)], "its deliveries went too")
        eq(len(admin.ok("GET", HOOKS + "/events")["events"]), 42, "the catalogue")


@test
def only_admins_reach_any_route():
    ws = setup()
    with Env(ws) as env:
        hook = env.as_("admin").ok("POST", HOOKS, {"url": "https://hooks.example.com/a"},
                                   status=201)["webhook"]
        i = hook["id"]
        routes = [("GET", HOOKS, None), ("POST", HOOKS, {"url": "https://x.example/"}),
                  ("GET", HOOKS + "/events", None), ("GET", HOOKS + "/allowed-hosts", None),
                  ("PUT", HOOKS + "/allowed-hosts", {"hosts": []}),
                  ("GET", f"{HOOKS}/{i}", None), ("PATCH", f"{HOOKS}/{i}", {"version": 1}),
                  ("DELETE", f"{HOOKS}/{i}?version=1", None),
                  ("POST", f"{HOOKS}/{i}/rotate", {"version": 1}),
                  ("POST", f"{HOOKS}/{i}/ping", None),
                  ("GET", f"{HOOKS}/{i}/deliveries", None),
                  ("GET", f"{HOOKS}/{i}/deliveries/1", None),
                  ("POST", f"{HOOKS}/{i}/deliveries/1/redeliver", None)]
        for login in ("mgr", "rep", "vw"):
            c = env.as_(login)
            for method, path, body in routes:
                r = c.request(method, path, body)
                # a project's manager lists the group robots of their projects (none here) and
                # reads the catalogue (tests/http/test_robots.py); a webhook is not theirs
                if login == "mgr" and method == "GET" and path in (HOOKS, HOOKS + "/events"):
                    eq(r.status, 200, f"{login} {method} {path}")
                    if path == HOOKS:
                        eq(r.json()["webhooks"], [], "mgr sees no webhook")
                    continue
                eq(r.status, 403, f"{login} {method} {path}")
        eq(env.as_("admin").ok("GET", f"{HOOKS}/{i}")["version"], 1, "nothing changed")


@test
def a_problem_opened_moved_and_resolved_names_each_event():
    ws = setup()
    rcv = Receiver()
    try:
        with Env(ws) as env:
            admin, rep = env.as_("admin"), env.as_("rep")
            allow(admin, f"127.0.0.1:{rcv.port}")
            admin.ok("POST", HOOKS, {"url": rcv.url, "events": [
                "problem.opened", "problem.status_changed", "problem.resolved"]}, status=201)
            cust = ws.sql("SELECT id FROM customers WHERE name = ?", "Acme")[0][0]
            # a title that reads like the key the server looks at must not fool it
            p = rep.ok("POST", "/api/v1/projects/P1/problems", {
                "type": "delivery", "severity": "high", "title": "status", "owner": "rep",
                "customer": cust}, status=201)
            url = f"/api/v1/projects/P1/problems/{p['id']}/status"
            rep.ok("POST", url, {"status": "in_progress", "version": 1})
            rep.ok("POST", url, {"status": "resolved", "version": 2, "resolution": "已补发"})
            got = rcv.wait(3)
            eq([h["X-Salespm-Event"] for _, h, _ in got],
               ["problem.opened", "problem.status_changed", "problem.resolved"], "in order")
            eq([json.loads(b)["after"]["status"] for _, _, b in got],
               ["open", "in_progress", "resolved"], "each after")
    finally:
        rcv.close()


if __name__ == "__main__":
    run_all()
