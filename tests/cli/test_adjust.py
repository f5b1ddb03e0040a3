"""test_adjust.py - adjustments (step 6) from the command line: `adjust PROJECT --kind K
--record R --set F=V... --reason T` changes the record and keeps the adjustment in one go,
`adjust list` is the project's timeline, `adjust effect` its effect before against after.

FY runs over 2026; today is 2026-06-30. Generated sales with a KNOWN effect, one row a day
from 2026-05-05 to 2026-06-29: the widget W at 1000.00 +- 100.00 of revenue a day before
2026-06-02 and 1300.00 +- 100.00 from then (a price cut made that day; its units rose), the
gadget G flat. The means, difference and interval are worked out by tests/lib/effect_model.py
from the days written here; the interval is compared exactly and checked to hold +300.00."""
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from effect_model import compare  # noqa: E402
from harness import *  # noqa: E402,F401,F403

TODAY = "2026-06-30"
D0 = "2026-06-02"


def day(i):
    return (datetime.date(2026, 6, 2) + datetime.timedelta(days=i)).isoformat()


def revenue(i):
    """W's revenue on D0 + i in minor units: 1000.00 or 1300.00, +- 100.00."""
    return (100000 if i < 0 else 130000) + ((i * 37) % 201 - 100) * 100


def err_json(r):
    return json.loads(r.err.strip().splitlines()[-1])["error"]


def setup():
    ws = Workspace(today=TODAY)
    ws.write("pw", "user-secret-1\n")
    for login, role in (("mgr", "manager"), ("rep", "rep"), ("vw", "viewer")):
        ws.ok("user", "add", login, "--name", login, "--role", role, "--password-file",
              ws.path("pw"))
    ws.ok("project", "create", "FY", "--name", "全年", "--start", "2026-01-01", "--end",
          "2026-12-31", "--status", "active")
    ws.ok("member", "add", "FY", "mgr", "--role", "manager")
    ws.ok("member", "add", "FY", "rep", "--role", "member")
    ws.ok("member", "add", "FY", "vw", "--role", "viewer")
    ws.ok("channel", "add", "direct", "--name", "直销", "--type", "direct")
    ws.ok("product", "add", "W", "--name", "Widget", "--cost", "4.00", "--price", "10.00",
          "--effective", "2026-01-01")
    ws.ok("product", "add", "G", "--name", "Gadget", "--cost", "4.00", "--price", "10.00",
          "--effective", "2026-01-01")
    rows = ["date,customer,product,channel,rep,quantity,unit_price"]
    for i in range(-28, 28):
        r = revenue(i)
        rows.append(f"{day(i)},C1,W,direct,rep,1,{r // 100}.{r % 100:02d}")
        rows.append(f"{day(i)},C2,G,direct,rep,2,10.00")
    ws.write("sales.csv", "\n".join(rows) + "\n")
    ws.ok("sale", "import", "FY", ws.path("sales.csv"))
    gid = ws.js("goal", "add", "FY", "--metric", "revenue", "--target", "300000.00", "--start",
                "2026-01-01", "--due", "2026-12-31")["id"]
    return ws, gid


@test
def a_price_cut_with_a_known_lift_reads_up():
    ws, _ = setup()
    a = ws.js("adjust", "FY", "--kind", "price", "--record", "W", "--set", "price=9.00", "--set",
              f"effective={D0}", "--reason", "竞品降价", as_="mgr")
    eq((a["kind"], a["record"], a["changes"], a["reason"], a["by"], a["effective"]),
       ("price", "W", {"price": {"before": "10.00", "after": "9.00"}}, "竞品降价", "mgr", D0),
       "the adjustment")
    before = [revenue(i) for i in range(-28, 0)]
    after = [revenue(i) for i in range(0, 28)]
    want = compare(before, after)
    e = ws.js("adjust", "effect", "FY", str(a["id"]), "--metric", "revenue", as_="vw")
    eq((e["days"], e["before"]["values"], e["after"]["values"]), (28, before, after), "the days")
    eq((e["diff"], e["ci"]), (round(want["diff"], 2),
                              [round(want["ci"][0], 2), round(want["ci"][1], 2)]),
       "difference and interval, as the model draws them")
    assert e["ci"][0] < 30000 < e["ci"][1] and e["ci"][0] > 0, f"holds +300.00: {e['ci']}"
    eq(e["verdict"]["code"], "effect.up", "up")
    # the words: means in major units, the interval, the verdict
    out = ws.ok("adjust", "effect", "FY", str(a["id"]), "--metric", "revenue").out
    assert f"before: {want['mean_before'] / 100:.2f} a day" in out, out
    assert f"(95% interval {want['ci'][0] / 100:+.2f} to {want['ci'][1] / 100:+.2f})" in out, out
    assert "verdict: revenue went up after the change" in out, out
    # G did not move: its revenue over the same days holds 0
    g = ws.js("adjust", "FY", "--kind", "price", "--record", "G", "--set", "cost=5.00", "--set",
              f"effective={D0}", "--reason", "供应商涨价", as_="mgr")
    e = ws.js("adjust", "effect", "FY", str(g["id"]), "--metric", "revenue")
    eq((e["before"]["mean"], e["after"]["mean"], e["ci"], e["verdict"]["code"]),
       (2000, 2000, [0, 0], "effect.unclear"), "flat: unclear")
    # three days a side: too thin
    out = ws.ok("adjust", "effect", "FY", str(a["id"]), "--window", "3").out
    assert "verdict: too few days to tell (3 a side, at least 7 needed)" in out, out


@test
def the_timeline_lists_and_filters():
    ws, gid = setup()
    ws.ok("adjust", "FY", "--kind", "goal", "--record", str(gid), "--set", "target=350000.00",
          "--reason", "上调目标", as_="mgr")
    ws.ok("adjust", "FY", "--kind", "channel", "--record", "direct", "--set", "cost_rate=5",
          "--reason", "佣金", as_="mgr")
    out = ws.ok("adjust", "list", "FY", as_="rep").out
    lines = out.splitlines()
    assert lines[0].split() == ["id", "effective", "kind", "record", "changes", "reason", "by"], out
    assert "cost_rate 0.0 -> 5.0" in lines[1] and "佣金" in lines[1], out
    assert "target 300000.00 -> 350000.00" in lines[2] and "上调目标" in lines[2], out
    eq([x["kind"] for x in ws.js("adjust", "list", "FY", "--kind", "goal")["adjustments"]],
       ["goal"], "--kind")
    eq([x["kind"] for x in ws.js("adjust", "list", "FY", "--record", "direct")["adjustments"]],
       ["channel"], "--record")
    eq(ws.js("adjust", "list", "FY", "--from", "2026-07-01")["adjustments"], [], "--from")
    # the goal's history keeps the reason
    h = ws.js("goal", "history", "FY", str(gid))["revisions"]
    eq(h[-1]["reason"], "上调目标", "the goal's revision")


@test
def refusals_name_the_field_and_change_nothing():
    ws, gid = setup()
    for args, field, reason in (
        (["--kind", "goal", "--record", str(gid), "--set", "target=1.00"], "reason", "required"),
        (["--kind", "goal", "--record", str(gid), "--set", "target=1.00", "--reason", ""],
         "reason", "required"),
        (["--kind", "budget", "--record", str(gid), "--set", "target=1.00", "--reason", "r"],
         "kind", "bad_enum"),
        (["--kind", "goal", "--record", str(gid), "--set", "name=x", "--reason", "r"],
         "changes", "adjust_field"),
        (["--kind", "goal", "--record", str(gid), "--set", "target=abc", "--reason", "r"],
         "target", None),
        (["--kind", "goal", "--record", str(gid), "--set", "target=300000.00", "--reason", "r"],
         "changes", "nothing_changed"),
        (["--kind", "goal", "--record", str(gid), "--set", "target=1.00", "--set", "target=2.00",
          "--reason", "r"], "changes", "adjust_twice"),
    ):
        r = ws.fail("adjust", "FY", *args, as_="mgr", json_out=True)
        e = err_json(r)
        eq(e["field"], field, f"{args}: {e}")
        if reason:
            eq(e["reason"], reason, f"{args}: {e}")
    r = ws.fail("adjust", "FY", "--kind", "goal", "--record", str(gid), "--set", "target=1.00",
                "--reason", "r", "--version", "9", as_="mgr")
    eq(r.code, 1, f"a stale version: {r}")
    for who, code in (("rep", 77), ("vw", 77)):
        r = ws.fail("adjust", "FY", "--kind", "goal", "--record", str(gid), "--set",
                    "target=1.00", "--reason", "r", as_=who)
        eq(r.code, code, f"{who}: {r}")
    r = ws.fail("adjust", "FY", "--kind", "goal", "--record", str(gid), "--reason", "r")
    eq(r.code, 2, "no --set: usage")
    eq(ws.js("adjust", "list", "FY")["adjustments"], [], "nothing written")
    eq(ws.js("goal", "show", "FY", str(gid))["target"], 30000000, "the target as it was")
    r = ws.fail("adjust", "effect", "FY", "1")
    assert "no adjustment" in r.err, r


@test
def a_quota_split_moves_between_members_as_an_adjustment():
    ws, gid = setup()  # the revenue goal's target: 300,000.00
    ws.write("pw2", "user-secret-2\n")
    ws.ok("user", "add", "rep2", "--name", "rep2", "--role", "rep", "--password-file",
          ws.path("pw2"))
    ws.ok("member", "add", "FY", "rep2", "--role", "member")
    ws.ok("quota", "split", "FY", "--goal", str(gid), "rep=200000.00", "rep2=100000.00")
    a = ws.js("adjust", "FY", "--kind", "quota", "--record", str(gid), "--set",
              "rep=150000.00", "--set", "rep2=150000.00", "--reason", "rep2 接手华南大客户",
              as_="mgr")
    eq((a["kind"], a["record"], a["changes"], a["reason"], a["by"]),
       ("quota", str(gid), {"rep": {"before": "200000.00", "after": "150000.00"},
                            "rep2": {"before": "100000.00", "after": "150000.00"}},
        "rep2 接手华南大客户", "mgr"), "the adjustment")
    lines = {q["person"]: q["target"]
             for q in ws.js("quota", "list", "FY", "--goal", str(gid))["goals"][0]["quotas"]["lines"]}
    eq(lines, {"rep": 15000000, "rep2": 15000000}, "the split moved with it")
    eq([x["kind"] for x in ws.js("adjust", "list", "FY", "--kind", "quota")["adjustments"]],
       ["quota"], "on the timeline")
    # a split that no longer sums to the target, someone not on the project, a bad amount,
    # a stale split version: refused, naming what, and nothing changes
    for sets, field, reason in (
        (["rep=100000.00"], "quotas", None),
        (["nobody=1.00", "rep=149999.00"], None, None),
        (["rep=abc"], "rep", None),
        (["rep=150000.00"], "changes", "nothing_changed"),
    ):
        args = []
        for x in sets:
            args += ["--set", x]
        r = ws.fail("adjust", "FY", "--kind", "quota", "--record", str(gid), *args, "--reason",
                    "r", as_="mgr", json_out=True)
        e = err_json(r)
        if field:
            eq(e["field"], field, f"{sets}: {e}")
        if reason:
            eq(e["reason"], reason, f"{sets}: {e}")
    r = ws.fail("adjust", "FY", "--kind", "quota", "--record", str(gid), "--set",
                "rep=100000.00", "--set", "rep2=200000.00", "--reason", "r", "--version", "1",
                as_="mgr")
    eq(r.code, 1, f"a stale split version: {r}")
    r = ws.fail("adjust", "FY", "--kind", "quota", "--record", str(gid), "--set",
                "rep=100000.00", "--set", "rep2=200000.00", "--reason", "r", as_="rep")
    eq(r.code, 77, f"a member may not: {r}")
    lines = {q["person"]: q["target"]
             for q in ws.js("quota", "list", "FY", "--goal", str(gid))["goals"][0]["quotas"]["lines"]}
    eq(lines, {"rep": 15000000, "rep2": 15000000}, "nothing changed")
    eq(len(ws.js("adjust", "list", "FY")["adjustments"]), 1, "one adjustment kept")
    # once the project is closed its quotas are frozen: saved directly, refused; moved by an
    # adjustment with a reason, the one way left
    ws.ok("project", "close", "FY", "--note", "年度结束")
    r = ws.fail("quota", "split", "FY", "--goal", str(gid), "rep=100000.00", "rep2=200000.00",
                as_="mgr", json_out=True)
    eq(err_json(r)["reason"], "project_closed", f"a closed project's split: {r}")
    ws.ok("adjust", "FY", "--kind", "quota", "--record", str(gid), "--set", "rep=100000.00",
          "--set", "rep2=200000.00", "--reason", "年终复盘：按实际负责客户重算", as_="mgr")
    lines = {q["person"]: q["target"]
             for q in ws.js("quota", "list", "FY", "--goal", str(gid))["goals"][0]["quotas"]["lines"]}
    eq(lines, {"rep": 10000000, "rep2": 20000000}, "moved through an adjustment")


@test
def the_demo_has_adjustments_with_visible_effects():
    ws = Workspace(init=False)
    ws.ok("demo")
    adj = ws.js("adjust", "list", "FY")["adjustments"]
    by = {a["kind"]: a for a in adj}
    eq(sorted(by), ["channel", "channel_plan", "goal", "price"], "the demo's kinds")
    eq((by["channel"]["record"], by["channel"]["changes"]),
       ("telesales", {"active": {"before": "yes", "after": "no"}}), "telesales stopped")
    assert all(a["reason"] and a["by"] == "li.na" for a in adj), adj
    # the price cut lifted its product's units; telesales' revenue went to nothing
    e = ws.js("adjust", "effect", "FY", str(by["price"]["id"]))
    eq((e["metric"], e["verdict"]["code"]), ("units", "effect.up"), "the price cut")
    assert e["after"]["mean"] > e["before"]["mean"] and e["ci"][0] > 0, e
    e = ws.js("adjust", "effect", "FY", str(by["channel"]["id"]))
    eq((e["metric"], e["after"]["mean"], e["verdict"]["code"]), ("revenue", 0, "effect.down"),
       "telesales stopped")
    assert e["before"]["mean"] > 0 and e["after"]["values"] == [0] * e["days"], e


if __name__ == "__main__":
    run_all()
