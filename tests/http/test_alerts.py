"""test_alerts.py - alerts over HTTP (GET /api/v1/projects/{code}/alerts, GET|PATCH
.../alert-settings): two servers on one database read the alerts at once, many times, and the
cause is raised once, told once to each recipient's inbox and delivered once to a webhook
(a real receiver on 127.0.0.1) as alert.raised with its documented payload; the settings are
read and changed by managers at their version (409 on a stale one), refused naming the field
on bad input with nothing changed; readers of the project read the alerts, others do not.

P1 (fixture): created by the admin (its owner), mgr its manager, rep and rep2 members, vw a
viewer; out on no project. Today is 2026-06-15."""
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import Env, expect_error, workspace  # noqa: E402
from harness import Server, eq, run_all, test  # noqa: E402
from receiver import Receiver  # noqa: E402



def allow(admin, *hosts):
    cur = admin.ok("GET", "/api/v1/webhooks/allowed-hosts")
    return admin.ok("PUT", "/api/v1/webhooks/allowed-hosts", {"hosts": list(hosts),
                                                              "version": cur["version"]})

TODAY = "2026-06-15"
ALERTS = "/api/v1/projects/P1/alerts"
SETTINGS = "/api/v1/projects/P1/alert-settings"
KINDS = ["goal_status", "goal_probability", "deal_stalled", "task_overdue", "problem_sla",
         "promotion_budget", "collection_overdue", "budget_overspent"]


def overdue_task(ws):
    """A task of rep's due five days ago: overdue."""
    ws.ok("task", "add", "P1", "--title", "逾期任务", "--assignee", "rep", "--start", "2026-05-01",
          "--due", "2026-06-10", as_="mgr")


def setup(task=True):
    ws = workspace(("mgr", "rep", "rep2", "vw", "out"), today=TODAY)
    if task:
        overdue_task(ws)
    return ws


@test
def two_servers_raise_once_and_the_webhook_gets_one_delivery():
    ws = setup(task=False)
    rcv = Receiver()
    try:
        with Env(ws) as env:
            admin = env.as_("admin")
            allow(admin, f"127.0.0.1:{rcv.port}")
            admin.ok("POST", "/api/v1/webhooks", {"url": rcv.url, "events": ["alert.raised"]},
                     status=201)
            overdue_task(ws)  # after the webhook: it is owed what is raised from now on
            other = Server(ws)
            try:
                clients = [env.sign_in("mgr"), env.sign_in("rep"), other.client("mgr"),
                           other.client("rep"), other.client("vw")]
                answers, errors = [], []

                def read(c):
                    try:
                        for _ in range(5):
                            answers.append(c.ok("GET", ALERTS)["alerts"])
                    except AssertionError as e:  # noqa: PERF203
                        errors.append(e)

                threads = [threading.Thread(target=read, args=(c,)) for c in clients]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                eq(errors, [], "every read answered")
                eq({json.dumps([(a["kind"], a["title"]) for a in x]) for x in answers},
                   {json.dumps([("task_overdue", "逾期任务")])}, "every read: the one alert")
                eq(len({x[0]["id"] for x in answers}), 1, "one alert, whoever read it")
                (path, headers, body), = rcv.wait(1)
                ev = json.loads(body)
                eq((headers["X-Salespm-Event"], ev["event"], ev["project"], ev["entity"],
                    ev["actor"]), ("alert.raised", "alert.raised", "P1", "alert", None),
                   "the event")
                a = ev["after"]
                eq((a["kind"], a["severity"], a["on_kind"], a["title"], a["params"]["due"],
                    a["params"]["days"], a["recipients"]),
                   ("task_overdue", "warning", "task", "逾期任务", "2026-06-10", 5,
                    ["admin", "mgr", "rep"]), "its payload")
                eq(a["id"], answers[0][0]["id"], "the alert's id")
                time.sleep(1.5)
                other.client("mgr").ok("GET", ALERTS)
                time.sleep(0.5)
                eq(len(rcv.got), 1, "delivered once")
            finally:
                other.stop()
        told = ws.sql("SELECT u.login FROM notifications n JOIN users u ON u.id = n.user_id "
                      "WHERE n.kind = 'alert' ORDER BY u.login")
        eq([r[0] for r in told], ["admin", "mgr", "rep"], "one notification per recipient")
        eq(ws.sql("SELECT COUNT(*) FROM alerts")[0][0], 1, "one row")
    finally:
        rcv.close()


@test
def the_inbox_shows_the_alert_to_whom_it_concerns():
    ws = setup()
    with Env(ws) as env:
        env.as_("vw").ok("GET", ALERTS)
        inbox = env.as_("rep").ok("GET", "/api/v1/inbox?kind=alert")["notifications"]
        eq([(n["kind"], n["on_kind"], n["params"]["alert"], n["params"]["severity"],
             n["params"]["title"], n["params"]["figures"]["days"], n["project"]) for n in inbox],
           [("alert", "task", "task_overdue", "warning", "逾期任务", 5, "P1")], "rep's")
        eq(env.as_("rep2").ok("GET", "/api/v1/inbox?kind=alert")["notifications"], [],
           "not rep2's")
        eq(env.as_("rep").ok("GET", "/api/v1/inbox/count")["by_kind"]["alert"], 1, "counted")
        s = env.as_("rep").ok("GET", "/api/v1/me/notification-settings")["settings"]
        eq(s["alert"], True, "on by default")
        env.as_("rep").ok("PUT", "/api/v1/me/notification-settings", {"alert": False})
        eq(env.as_("rep").ok("GET", "/api/v1/me/notification-settings")["settings"]["alert"],
           False, "turned off")


@test
def settings_at_their_version_and_bad_input_changes_nothing():
    ws = setup()
    with Env(ws) as env:
        mgr = env.as_("mgr")
        s = mgr.ok("GET", SETTINGS)
        eq(s, {"probability": 0.5, "collection_days": 0, **{k: True for k in KINDS},
               "version": 0}, "the defaults")
        for body, field in (({"probability": 1.5}, "probability"),
                            ({"probability": -0.1}, "probability"),
                            ({"probability": "40%"}, "probability"),
                            ({"collection_days": 366}, "collection_days"),
                            ({"collection_days": -1}, "collection_days"),
                            ({"task_overdue": "no"}, "task_overdue"),
                            ({"everything": False}, "everything")):
            expect_error(mgr.request("PATCH", SETTINGS, {**body, "version": 0}), 422, "invalid",
                         field=field)
        eq(mgr.ok("GET", SETTINGS), s, "nothing changed")
        eq(ws.sql("SELECT COUNT(*) FROM alert_settings")[0][0], 0, "no row")
        s1 = mgr.ok("PATCH", SETTINGS, {"probability": 0.4, "collection_days": 7,
                                        "task_overdue": False, "version": 0})
        eq((s1["probability"], s1["collection_days"], s1["task_overdue"], s1["goal_status"],
            s1["version"]), (0.4, 7, False, True, 1), "changed")
        expect_error(mgr.request("PATCH", SETTINGS, {"probability": 0.3, "version": 0}), 409,
                     "conflict")
        eq(mgr.ok("GET", SETTINGS), s1, "the stale one changed nothing")
        eq(mgr.ok("GET", ALERTS)["alerts"], [], "tasks off: no alert")
        audit = env.as_("admin").ok("GET", "/api/v1/audit?entity=alert_settings")["audit"]
        eq(len(audit), 1, "audited once")
        for who, status in (("rep", 403), ("vw", 403), ("out", 404)):
            eq(env.as_(who).request("PATCH", SETTINGS, {"probability": 0.1, "version": 1}).status,
               status, who)
            eq(env.as_(who).request("GET", SETTINGS).status, status, who + " reads")
        eq(mgr.ok("GET", SETTINGS), s1, "refused writes changed nothing")


@test
def readers_read_open_and_resolved():
    ws = setup()
    with Env(ws) as env:
        for who in ("admin", "mgr", "rep", "vw"):
            got = env.as_(who).ok("GET", ALERTS)
            eq((got["state"], [a["kind"] for a in got["alerts"]], got["counts"]),
               ("open", ["task_overdue"], {"critical": 0, "warning": 1}), who)
        eq(env.as_("out").request("GET", ALERTS).status, 404, "not on the project")
        eq(env.anon().request("GET", ALERTS).status, 401, "signed out")
        expect_error(env.as_("mgr").request("GET", ALERTS + "?state=closed"), 422, "invalid",
                     field="state")
        tid = ws.sql("SELECT id FROM tasks")[0][0]
        ws.ok("task", "done", "P1", str(tid), as_="mgr")
        eq(env.as_("rep").ok("GET", ALERTS)["alerts"], [], "done: gone")
        r = env.as_("rep").ok("GET", ALERTS + "?state=resolved")
        eq([(a["kind"], a["title"], a["recipients"]) for a in r["alerts"]],
           [("task_overdue", "逾期任务", ["admin", "mgr", "rep"])], "resolved")
        assert r["alerts"][0]["resolved_at"], r


if __name__ == "__main__":
    run_all()
