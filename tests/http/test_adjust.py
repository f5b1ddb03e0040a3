"""test_adjust.py - adjustments (step 6) over HTTP: POST /api/v1/projects/{code}/adjustments
makes a change with its reason in one transaction, GET .../adjustments is the timeline with
its filters, GET .../adjustments/{id}/effect the effect, on both backends.

P1 (fixture): mgr its manager, rep a member, vw a viewer; out on no project. Today is
2026-06-30. Generated sales with a KNOWN effect, one row a day from 2026-05-05 to 2026-06-29:
the widget W sells 10 +- 3 a day before 2026-06-02 and 13 +- 3 from then on (a price cut);
the web shop (channel shop) sells 1000.00 +- 100.00 a day throughout (its fee change did
nothing). Every mean, difference and interval below is worked out by tests/lib/effect_model.py
from the days the test wrote, apart from the product; the interval is compared exactly
(the same documented seeded draw), and it is checked to hold the known effect."""
import datetime
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from effect_model import compare  # noqa: E402
from fixture import Env, expect_error, workspace  # noqa: E402
from harness import eq, run_all, test  # noqa: E402
from sse import Stream  # noqa: E402

URL = "/api/v1/projects/P1/adjustments"
TODAY = "2026-06-30"
D0 = "2026-06-02"


def day(i):
    """2026-06-02 + i days (i from -28 to 27), as text."""
    return (datetime.date(2026, 6, 2) + datetime.timedelta(days=i)).isoformat()


def units(i):
    return (10 if i < 0 else 13) + (i * 5) % 7 - 3


def shop(i):
    return 100000 + ((i * 37) % 201 - 100) * 100  # minor units


def setup():
    ws = workspace(("mgr", "rep", "vw", "out"), today=TODAY)
    ws.ok("channel", "add", "direct", "--name", "Direct", "--type", "direct")
    ws.ok("channel", "add", "shop", "--name", "Web shop", "--type", "ecommerce", "--cost-rate", "10")
    ws.ok("product", "add", "W", "--name", "Widget", "--cost", "40.00", "--price", "100.00",
          "--effective", "2026-01-01")
    ws.ok("product", "add", "G", "--name", "Gadget", "--cost", "5.00", "--price", "10.00",
          "--effective", "2026-01-01")
    rows = ["date,customer,product,channel,rep,quantity,unit_price"]
    for i in range(-28, 28):
        rows.append(f"{day(i)},C1,W,direct,rep,{units(i)},{'100.00' if i < 0 else '90.00'}")
        rows.append(f"{day(i)},C2,G,shop,rep,1,{shop(i) // 100}.{shop(i) % 100:02d}")
    ws.write("sales.csv", "\n".join(rows) + "\n")
    ws.ok("sale", "import", "P1", ws.path("sales.csv"))
    gid = ws.js("goal", "add", "P1", "--metric", "revenue", "--target", "50000.00", "--start",
                "2026-01-01", "--due", "2026-12-31", "--name", "全年")["id"]
    # the shop's fee went up on D0 (made that day: the command line with today D0)
    env = dict(ws.env)
    ws.env["SALESPM_TODAY"] = D0
    ws.ok("adjust", "P1", "--kind", "channel", "--record", "shop", "--set", "cost_rate=12",
          "--reason", "平台佣金上调", as_="mgr")
    ws.env = env
    return ws, gid


def count(ws):
    return ws.sql("SELECT COUNT(*) FROM adjustments")[0][0]


@test
def a_price_cut_is_made_with_its_reason_and_its_effect_is_up():
    ws, _ = setup()
    with Env(ws) as env:
        mgr, rep, vw = env.as_("mgr"), env.as_("rep"), env.as_("vw")
        ver = mgr.ok("GET", "/api/v1/products/W")["version"]
        r = mgr.request("POST", URL, {"kind": "price", "record": "W", "version": ver,
                                      "changes": {"price": "90.00", "effective": D0},
                                      "reason": "竞品降价，跟进"})
        eq(r.status, 201, f"made: {r}")
        a = r.json()
        eq((a["kind"], a["record"], a["changes"], a["reason"], a["by"], a["effective"],
            a["metric"], a["dim"]),
           ("price", "W", {"price": {"before": "100.00", "after": "90.00"}}, "竞品降价，跟进",
            "mgr", D0, "units", "product"), "what changed, before -> after, why, who, when")
        # the change itself: the price history holds it with the same reason, from D0
        p = mgr.ok("GET", "/api/v1/products/W")
        eq((p["price"], p["version"]), (9000, ver + 1), "the price is 90.00 now")
        eq([(x["effective"], x["price"], x["reason"]) for x in p["prices"]][-1],
           (D0, 9000, "竞品降价，跟进"), "the price history is a view of it")
        # the audit row it rode with is the product's update
        eq(ws.sql("SELECT entity, entity_id, action FROM audit WHERE id = ?", a["audit_id"]),
           [("product", a["record_id"], "update")], "the audit row it rode with")
        # the timeline, newest first; every member reads it
        for c in (mgr, rep, vw):
            t = c.ok("GET", URL)["adjustments"]
            eq([(x["kind"], x["record"]) for x in t], [("price", "W"), ("channel", "shop")],
               f"{c}: the timeline")
        # the effect: units of W, 28 days before D0 against 28 from D0
        before = [units(i) for i in range(-28, 0)]
        after = [units(i) for i in range(0, 28)]
        want = compare(before, after)
        e = rep.ok("GET", f"{URL}/{a['id']}/effect")
        eq((e["metric"], e["window"], e["days"], e["before"]["from"], e["before"]["to"],
            e["after"]["from"], e["after"]["to"]),
           ("units", 28, 28, day(-28), day(-1), D0, day(27)), "the windows")
        eq((e["before"]["values"], e["after"]["values"]), (before, after), "the days it read")
        eq((e["before"]["n"], e["after"]["n"]), (28, 28), "sample sizes")
        eq(e["diff"], round(want["diff"], 2), "the difference in daily means")
        eq(e["ci"], [round(want["ci"][0], 2), round(want["ci"][1], 2)], "the interval, exactly")
        assert e["ci"][0] < 3 < e["ci"][1] and e["ci"][0] > 0, f"holds +3, not 0: {e['ci']}"
        eq(e["verdict"]["code"], "effect.up", "up")
        eq(want["verdict"], "effect.up", "the model agrees")
        # revenue of W instead: 1000.00 a day before, 13 x 90.00 = 1170.00 a day after (+- noise)
        rb = [units(i) * 10000 for i in range(-28, 0)]
        ra = [units(i) * 9000 for i in range(0, 28)]
        e = rep.ok("GET", f"{URL}/{a['id']}/effect?metric=revenue")
        want = compare(rb, ra)
        eq((e["metric"], e["diff"], e["ci"], e["verdict"]["code"]),
           ("revenue", round(want["diff"], 2), [round(want["ci"][0], 2), round(want["ci"][1], 2)],
            want["verdict"]), "revenue of the product")
        # three days a side: too thin to tell, whatever the interval says
        e = rep.ok("GET", f"{URL}/{a['id']}/effect?window=3")
        want = compare(before[-3:], after[:3])
        eq((e["days"], e["before"]["values"], e["after"]["values"], e["verdict"]["code"],
            e["verdict"]["params"]["min_days"]),
           (3, before[-3:], after[:3], "effect.too_thin", 7), "3 days: too thin")
        eq(e["ci"], [round(want["ci"][0], 2), round(want["ci"][1], 2)], "its interval all the same")


@test
def a_change_that_did_nothing_is_unclear_and_a_fresh_one_too_thin():
    ws, gid = setup()
    with Env(ws) as env:
        mgr = env.as_("mgr")
        shop_adj = mgr.ok("GET", URL + "?kind=channel")["adjustments"][0]
        eq((shop_adj["changes"], shop_adj["reason"], shop_adj["effective"], shop_adj["metric"]),
           ({"cost_rate": {"before": "10.0", "after": "12.0"}}, "平台佣金上调", D0, "revenue"),
           "the fee change")
        e = mgr.ok("GET", f"{URL}/{shop_adj['id']}/effect")
        before = [shop(i) for i in range(-28, 0)]
        after = [shop(i) for i in range(0, 28)]
        want = compare(before, after)
        eq((e["before"]["values"], e["after"]["values"]), (before, after), "the shop's days")
        eq(e["ci"], [round(want["ci"][0], 2), round(want["ci"][1], 2)], "the interval")
        assert e["ci"][0] < 0 < e["ci"][1], f"holds 0: {e['ci']}"
        eq(e["verdict"]["code"], "effect.unclear", "no clear change")
        # a goal's target raised today: no day after it yet
        v = mgr.ok("GET", f"/api/v1/projects/P1/goals/{gid}")["version"]
        g = mgr.ok("POST", URL, {"kind": "goal", "record": gid, "version": v,
                                 "changes": {"target": "60000.00", "due": "2026-11-30"},
                                 "reason": "市场扩大"}, status=201)
        eq(g["changes"], {"target": {"before": "50000.00", "after": "60000.00"},
                          "due": {"before": "2026-12-31", "after": "2026-11-30"}},
           "target and due, before -> after")
        e = mgr.ok("GET", f"{URL}/{g['id']}/effect")
        eq((e["days"], e["ci"], e["verdict"]["code"]), (0, None, "effect.too_thin"),
           "made today: too thin")
        # the goal's revision history carries the reason
        revs = mgr.ok("GET", f"/api/v1/projects/P1/goals/{gid}/revisions")["revisions"]
        eq(revs[-1]["reason"], "市场扩大", "the revision keeps the reason")
        # filters: kind, record, dates
        eq([x["kind"] for x in mgr.ok("GET", URL + "?kind=goal")["adjustments"]], ["goal"], "kind")
        eq([x["kind"] for x in mgr.ok("GET", URL + "?record=shop")["adjustments"]], ["channel"],
           "record")
        eq([x["kind"] for x in mgr.ok("GET", URL + f"?to={D0}")["adjustments"]], ["channel"],
           "to")
        eq([x["kind"] for x in mgr.ok("GET", URL + "?from=2026-06-03")["adjustments"]], ["goal"],
           "from")


@test
def a_goal_changed_through_its_own_route_with_a_reason_is_on_the_timeline():
    ws, gid = setup()
    with Env(ws) as env:
        mgr = env.as_("mgr")
        goal = f"/api/v1/projects/P1/goals/{gid}"
        n = len(mgr.ok("GET", URL)["adjustments"])
        v = mgr.ok("GET", goal)["version"]
        # no reason: the goal changes, the timeline does not
        mgr.ok("PATCH", goal, {"version": v, "target": 5500000})
        # a reason, but only the name changes: not an adjustment of the target, window or scope
        mgr.ok("PATCH", goal, {"version": v + 1, "name": "全年收入", "reason": "改名"})
        eq(len(mgr.ok("GET", URL)["adjustments"]), n, "neither is an adjustment")
        # a reason with a new target: kept as an adjustment, in the same write
        mgr.ok("PATCH", goal, {"version": v + 2, "target": 6000000, "reason": "渠道扩张"})
        a = mgr.ok("GET", URL + "?kind=goal")["adjustments"][0]
        eq((a["record"], a["changes"], a["reason"], a["by"], a["effective"]),
           (str(gid), {"target": {"before": "55000.00", "after": "60000.00"}}, "渠道扩张", "mgr",
            TODAY), "the goal's own change")
        eq(ws.sql("SELECT entity, entity_id, action FROM audit WHERE id = ?", a["audit_id"]),
           [("goal", gid, "update")], "the audit row it rode with")
        # made as an adjustment: one row, not two, with the goal's audit row
        b = mgr.ok("POST", URL, {"kind": "goal", "record": gid, "version": v + 3,
                                 "changes": {"due": "2026-12-15"}, "reason": "提前收官"}, status=201)
        eq(len(mgr.ok("GET", URL + "?kind=goal")["adjustments"]), 2, "one row per change")
        eq((b["changes"], b["reason"]), ({"due": {"before": "2026-12-31", "after": "2026-12-15"}},
                                         "提前收官"), "the adjustment")
        eq(ws.sql("SELECT entity, entity_id, action FROM audit WHERE id = ?", b["audit_id"]),
           [("goal", gid, "update")], "its audit row")


@test
def an_adjustment_reaches_the_projects_live_readers():
    ws, _ = setup()
    with Env(ws) as env:
        mgr, vw = env.as_("mgr"), env.as_("vw")
        watch = Stream(vw, "?project=P1")
        eq(watch.status, 200, "opened")
        with watch.cond:
            watch.cond.wait_for(lambda: watch.comments, 5)
        time.sleep(0.3)  # the fan-out takes a new stream in within its poll
        v = mgr.ok("GET", "/api/v1/channels/direct")["version"]
        a = mgr.ok("POST", URL, {"kind": "channel", "record": "direct", "version": v,
                                 "changes": {"cost_rate": "7.5"}, "reason": "新合同"}, status=201)
        e = watch.wait(lambda e: e[1] == "change" and e[3]["kind"] == "adjustment" and
                       e[3]["id"] == a["id"], 3)
        assert e, f"no adjustment change came: {watch.changes()}"
        eq((e[3]["action"], e[3]["project"]), ("create", "P1"), "its project")
        watch.close()


@test
def every_kind_is_adjusted():
    ws, gid = setup()
    ws.ok("promotion", "add", "P618", "--name", "618", "--kind", "percent", "--value", "10",
          "--start", "2026-06-01", "--end", "2026-06-20")
    plan = ws.js("strategy", "channel", "P1", "direct", "--share", "50", "--budget", "100.00",
                 as_="mgr")
    task = ws.js("task", "add", "P1", "--title", "调价培训", "--assignee", "rep", "--start",
                 "2026-07-01", "--due", "2026-07-05")
    with Env(ws) as env:
        mgr = env.as_("mgr")
        pid = mgr.ok("GET", "/api/v1/projects/P1/channels")["channels"][0]["id"]
        cases = [
            ("channel", "direct", "/api/v1/channels/direct", {"active": False},
             {"active": {"before": "yes", "after": "no"}}, "revenue", "channel"),
            ("promotion", "P618", "/api/v1/promotions/P618", {"end": "2026-06-25", "value": "15"},
             {"end": {"before": "2026-06-20", "after": "2026-06-25"},
              "value": {"before": "10.0", "after": "15.0"}}, "revenue", "promotion"),
            ("channel_plan", str(pid), f"/api/v1/projects/P1/channels/{pid}", {"share": "40"},
             {"share": {"before": "50.0", "after": "40.0"}}, "revenue", "channel"),
            ("plan", str(task["id"]), f"/api/v1/projects/P1/tasks/{task['id']}",
             {"due": "2026-07-08"}, {"due": {"before": "2026-07-05", "after": "2026-07-08"}},
             "revenue", "all"),
            ("goal", str(gid), f"/api/v1/projects/P1/goals/{gid}", {"scope_channel": "shop"},
             {"scope_channel": {"before": "", "after": "shop"}}, "revenue", "channel"),
        ]
        for kind, rec, path, changes, want, metric, dim in cases:
            v = mgr.ok("GET", path)["version"]
            a = mgr.ok("POST", URL, {"kind": kind, "record": rec, "version": v,
                                     "changes": changes, "reason": f"{kind} 调整"}, status=201)
            eq((a["changes"], a["metric"], a["dim"]), (want, metric, dim), kind)
            eq(mgr.ok("GET", path)["version"], v + 1, f"{kind}: the record changed once")
        del plan
        eq(len(mgr.ok("GET", URL)["adjustments"]), 6, "five more on the timeline")
        # a goal's quota split: 30,000.00 + 20,000.00 of the 50,000.00 target moved to 25,000.00
        # each; the split's own version, the goal's metric and scope for the effect
        qurl = "/api/v1/projects/P1/quotas"
        mgr.ok("PUT", qurl, {"goal": gid, "version": 0, "quotas": [
            {"person": "mgr", "target": 3000000}, {"person": "rep", "target": 2000000}]})
        a = mgr.ok("POST", URL, {"kind": "quota", "record": str(gid), "version": 1,
                                 "changes": {"mgr": "25000.00", "rep": "25000.00"},
                                 "reason": "rep 接手大客户"}, status=201)
        eq((a["kind"], a["changes"], a["metric"], a["dim"]),
           ("quota", {"mgr": {"before": "30000.00", "after": "25000.00"},
                      "rep": {"before": "20000.00", "after": "25000.00"}}, "revenue", "channel"),
           "quota")
        lines = mgr.ok("GET", f"{qurl}?goal={gid}")["goals"][0]["quotas"]
        eq(({x["person"]: x["target"] for x in lines["lines"]}, lines["version"]),
           ({"mgr": 2500000, "rep": 2500000}, 2), "the split moved, once")
        expect_error(mgr.request("POST", URL, {"kind": "quota", "record": str(gid), "version": 1,
                                               "changes": {"mgr": "20000.00", "rep": "30000.00"},
                                               "reason": "r"}), 409, "conflict")
        expect_error(mgr.request("POST", URL, {"kind": "quota", "record": str(gid), "version": 2,
                                               "changes": {"mgr": "20000.00"}, "reason": "r"}),
                     422, "invalid", field="quotas", reason="quota_sum")
        eq(len(mgr.ok("GET", URL)["adjustments"]), 7, "one more, the refused ones kept none")


@test
def a_refused_adjustment_changes_nothing():
    ws, gid = setup()
    with Env(ws) as env:
        mgr, rep, vw, out = (env.as_(x) for x in ("mgr", "rep", "vw", "out"))
        ver = mgr.ok("GET", "/api/v1/products/W")["version"]
        good = {"kind": "price", "record": "W", "version": ver, "changes": {"price": "80.00"},
                "reason": "清库存"}
        n = count(ws)
        for body, status, code, field, reason in (
            ({**good, "reason": ""}, 422, "invalid", "reason", "required"),
            ({k: v for k, v in good.items() if k != "reason"}, 422, "invalid", "reason", "required"),
            ({**good, "kind": "budget"}, 422, "invalid", "kind", "bad_enum"),
            ({**good, "changes": {"name": "x"}}, 422, "invalid", "changes", "adjust_field"),
            ({**good, "changes": {}}, 422, "invalid", "changes", "required"),
            ({**good, "changes": {"price": "abc"}}, 422, "invalid", "price", None),
            ({**good, "changes": {"price": 80}}, 422, "invalid", "price", "wrong_type"),
            ({**good, "changes": {"price": "100.00"}}, 422, "invalid", "changes", "nothing_changed"),
            ({**good, "record": "NOPE"}, 404, "not_found", None, None),
            ({**good, "version": ver + 5}, 409, "conflict", None, None),
            ({**good, "extra": 1}, 422, "invalid", None, None),
        ):
            r = mgr.request("POST", URL, body)
            expect_error(r, status, code, field, reason)
        for c, status in ((rep, 403), (vw, 403), (out, 404)):
            r = c.request("POST", URL, good)
            eq(r.status, status, f"{c}: {r}")
        eq(count(ws), n, "no adjustment written")
        p = mgr.ok("GET", "/api/v1/products/W")
        eq((p["price"], p["version"]), (10000, ver), "the price unchanged")
        # the effect's own errors
        a = mgr.ok("GET", URL)["adjustments"][0]["id"]
        expect_error(mgr.get(f"{URL}/{a}/effect?metric=profit"), 422, "invalid", "metric",
                     "bad_enum")
        expect_error(mgr.get(f"{URL}/{a}/effect?window=0"), 422, "invalid", "window",
                     "out_of_range")
        expect_error(mgr.get(f"{URL}/999/effect"), 404, "not_found", "adjustment")
        expect_error(mgr.get(f"{URL}/abc/effect"), 404, "not_found", "adjustment")
        expect_error(out.get(f"{URL}/{a}/effect"), 404, "not_found")
        expect_error(mgr.get(URL + "?kind=x"), 422, "invalid", "kind")
        expect_error(mgr.get(URL + "?from=2026-13-01"), 422, "invalid", "from")


if __name__ == "__main__":
    run_all()
