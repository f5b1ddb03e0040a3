"""test_webhooks.py - webhooks from the command line (salespm webhook ...): added with a secret
printed once, listed, shown, changed with versions, rotated, pinged, deleted; the allowed hosts;
the catalogue; bad input refused naming the field with nothing changed; admins only.

Deliveries are made by the audit log's rows after the webhook was made, once a server runs:
here the test reads the rows the pump would start from (the cursor and each webhook's start),
and that a ping or a redelivery is queued as a pending delivery.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403


def setup():
    ws = Workspace()
    ws.write("pw", "user-secret-1\n")
    ws.ok("user", "add", "mgr", "--name", "李经理", "--role", "manager", "--password-file", ws.path("pw"))
    return ws


@test
def a_webhook_from_add_to_delete():
    ws = setup()
    made = ws.js("webhook", "add", "--url", "https://hooks.example.com/s", "--description", "CRM",
                 "--events", "deal.won,sale.created,deal.won")
    assert re.fullmatch(r"whsec_[0-9a-f]{64}", made["secret"]), made
    h = made["webhook"]
    eq((h["url"], h["description"], h["events"], h["active"], h["version"], h["created_by"]),
       ("https://hooks.example.com/s", "CRM", ["deal.won", "sale.created"], True, 1, "admin"),
       "made (a name given twice kept once)")
    text = ws.ok("webhook", "add", "--url", "https://b.example.com/").out
    assert "secret (shown once): whsec_" in text, text
    eq([x["id"] for x in ws.js("webhook", "list")["webhooks"]], [h["id"], h["id"] + 1], "listed")
    shown = ws.js("webhook", "show", h["id"])
    assert "secret" not in shown and made["secret"] not in ws.ok("webhook", "show", h["id"]).out, shown
    u = ws.js("webhook", "update", h["id"], "--active", "no", "--events", "*")
    eq((u["active"], u["events"], u["version"]), (False, ["*"], 2), "changed")
    ws.refusals(["webhook", "update", str(h["id"])], [
        (["--version", "1", "--active", "yes"], "version", "stale_version"),
        (["--url", "http://192.168.0.10/x"], "url", "url_address_refused"),
        (["--url", "gopher://example.com/"], "url", "url_scheme"),
        (["--events", "deal.won,nope.nope"], "events", "unknown_event"),
        (["--events", "*,deal.won"], "events", "events_all_alone"),
    ])
    eq(ws.js("webhook", "show", h["id"])["version"], 2, "refusals changed nothing")
    r = ws.js("webhook", "rotate", h["id"])
    assert r["secret"] != made["secret"] and r["webhook"]["version"] == 3, r
    eq(ws.sql("SELECT secret FROM webhooks WHERE id = ?", h["id"]), [(r["secret"],)], "the new secret signs")
    p = ws.js("webhook", "ping", h["id"])
    d = ws.js("webhook", "deliveries", h["id"])["deliveries"]
    eq([(x["id"], x["event"], x["state"], x["attempts"]) for x in d],
       [(p["delivery_id"], "ping", "pending", 0)], "a ping waits for a server")
    again = ws.js("webhook", "redeliver", h["id"], p["delivery_id"])
    eq(again["redelivery_of"], p["delivery_id"], "redelivered")
    eq(len(ws.js("webhook", "deliveries", h["id"])["deliveries"]), 2, "two deliveries")
    ws.ok("webhook", "delete", h["id"])
    ws.fail("webhook", "show", h["id"], code=1, contains=f"no webhook with id {h['id']}")
    eq(ws.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ?", h["id"]), [(0,)],
       "its deliveries went with it")
    eq([a for (a,) in ws.sql("SELECT action FROM audit WHERE entity = 'webhook' ORDER BY id")],
       ["create", "create", "update", "rotate", "ping", "redeliver", "delete"], "every write audited")
    assert all(made["secret"] not in (b or "") + (a or "") and r["secret"] not in (b or "") + (a or "")
               for b, a in ws.sql("SELECT before, after FROM audit")), "no secret in the audit log"


@test
def allowed_hosts_and_the_catalogue():
    ws = setup()
    ws.refusals(["webhook", "add"], [
        (["--url", "http://127.0.0.1:9000/h"], "url", "url_address_refused"),
        (["--url", "http://[::1]:9000/h"], "url", "url_address_refused"),
    ])
    eq(ws.js("webhook", "list")["webhooks"], [], "nothing made")
    hosts = ws.js("webhook", "hosts", "--set", "127.0.0.1:9000", "--set", "Hooks.Internal", "--set", "[::1]:9000")
    eq(hosts["hosts"], ["127.0.0.1:9000", "hooks.internal", "[::1]:9000"], "kept, lower case")
    ws.js("webhook", "add", "--url", "http://127.0.0.1:9000/h")
    ws.js("webhook", "add", "--url", "http://[::1]:9000/h")
    ws.refusals(["webhook", "add"], [(["--url", "http://127.0.0.1:9001/h"], "url", "url_address_refused")])
    ws.refusals(["webhook", "hosts"], [(["--set", "bad host"], "hosts", "not_host"),
                                       (["--set", "h:99999"], "hosts", "not_host")])
    eq(ws.js("webhook", "hosts")["hosts"], ["127.0.0.1:9000", "hooks.internal", "[::1]:9000"],
       "a refused list changed nothing")
    eq(ws.js("webhook", "hosts", "--clear")["hosts"], [], "cleared")
    events = ws.js("webhook", "events")["events"]
    for name in ("deal.stage_changed", "deal.won", "deal.lost", "sale.created", "problem.opened",
                 "task.updated", "task.status_changed", "risk.created", "project.created"):
        assert name in events, name
    eq(len(events), len(set(events)), "each event once")
    doc = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                            "webhooks.md"), encoding="utf-8").read()
    missing = [e for e in events if f"`{e}`" not in doc and f"`{e.split('.')[0]}.{e.split('.')[1]}`" not in doc]
    eq(missing, [], "every event of the catalogue is in docs/webhooks.md")


@test
def the_log_before_a_webhook_is_not_replayed():
    ws = setup()
    ws.ok("project", "create", "P1", "--name", "一", "--start", "2026-01-01", "--end", "2026-12-31")
    (last,), = ws.sql("SELECT MAX(id) FROM audit")
    h = ws.js("webhook", "add", "--url", "https://hooks.example.com/")["webhook"]
    eq(ws.sql("SELECT since_audit_id FROM webhooks WHERE id = ?", h["id"]), [(last,)],
       "it starts after the last write before it")
    ws.js("webhook", "update", h["id"], "--active", "no")
    ws.ok("project", "create", "P2", "--name", "二", "--start", "2026-01-01", "--end", "2026-12-31")
    ws.js("webhook", "update", h["id"], "--active", "yes")
    (now,), = ws.sql("SELECT MAX(id) FROM audit WHERE entity <> 'webhook'")
    (since,), = ws.sql("SELECT since_audit_id FROM webhooks WHERE id = ?", h["id"])
    assert since >= now, f"switched on again: starts at {since}, after P2's write {now}"


@test
def only_admins():
    ws = setup()
    h = ws.js("webhook", "add", "--url", "https://hooks.example.com/")["webhook"]
    for args in (["list"], ["add", "--url", "https://x.example/"], ["show", str(h["id"])],
                 ["update", str(h["id"]), "--active", "no"], ["delete", str(h["id"])],
                 ["rotate", str(h["id"])], ["ping", str(h["id"])], ["deliveries", str(h["id"])],
                 ["events"], ["hosts"], ["hosts", "--clear"]):
        ws.fail("webhook", *args, as_="mgr", code=77)
    eq(ws.js("webhook", "show", h["id"])["version"], 1, "nothing changed")


if __name__ == "__main__":
    run_all()
