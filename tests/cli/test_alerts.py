"""test_alerts.py - a project's alerts from the command line: each of the eight kinds fires on
its cause and not on a record beside it without one; it is raised once (listing twice, sweeping
twice) with one inbox notification per recipient and one audit row (the webhook event
alert.raised); its recipients are the project's managers and owners and the record's person
when they are on the project; a cause that goes resolves the alert, and coming back raises it
again; the thresholds change what fires; bad settings are refused naming the field, and change
nothing; only managers change them.

Today is 2026-06-15 and now 2026-06-15T04:00:00Z (noon in Shanghai). Every figure below is
worked out by hand from what the test wrote.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403
from deal_rows import insert_deal  # noqa: E402

TODAY = "2026-06-15"
NOW = "2026-06-15T04:00:00Z"
DAY = 86400


def at(days_before, hours_before=0):
    """The instant days (and hours) before NOW, as SALESPM_NOW takes it."""
    import datetime
    t = datetime.datetime(2026, 6, 15, 4, 0, 0) - datetime.timedelta(days=days_before,
                                                                       hours=hours_before)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def setup():
    """P1: admin its owner (it created it), mgr its manager, rep and rep2 members, vw a
    viewer; out on no project."""
    ws = Workspace(today=TODAY)
    ws.env["SALESPM_NOW"] = NOW
    ws.write("pw", "user-secret-1\n")
    for login, name, role in (("mgr", "李经理", "manager"), ("rep", "王芳", "rep"),
                              ("rep2", "赵磊", "rep"), ("vw", "高总", "viewer"),
                              ("out", "局外人", "rep")):
        ws.ok("user", "add", login, "--name", name, "--role", role, "--password-file",
              ws.path("pw"))
    for code in ("P1", "P2"):
        ws.ok("project", "create", code, "--name", "项目 " + code, "--start", "2026-01-01",
              "--end", "2026-12-31")
    for login, prole in (("mgr", "manager"), ("rep", "member"), ("rep2", "member"),
                         ("vw", "viewer")):
        ws.ok("member", "add", "P1", login, "--role", prole)
    ws.ok("member", "add", "P2", "out", "--role", "member")
    ws.ok("channel", "add", "direct", "--name", "直销", "--type", "direct")
    ws.ok("product", "add", "A", "--name", "交换机", "--cost", "60.00", "--price", "100.00")
    # the customer Acme, from a sale of the other project (P1's goals do not count it)
    ws.ok("sale", "add", "P2", "--date", "2026-01-10", "--customer", "Acme", "--product", "A",
          "--channel", "direct", "--quantity", "1")
    return ws


def alerts(ws, as_="mgr", *more):
    return ws.js("alert", "list", "P1", *more, as_=as_)["alerts"]


def keyed(rows):
    return sorted((a["kind"], a["on_kind"], a["title"], a["severity"]) for a in rows)


def the_causes(ws):
    """One record with a cause of each kind and one beside it without; the titles say which."""
    # goals: 全年 asks 1,000.00 by year end and has 215.00 by mid-June (this sale and the two
    # below; expected 45% of it: off track); 小目标 asks 50.00 (achieved: neither status nor
    # probability)
    ws.ok("sale", "add", "P1", "--date", "2026-02-01", "--customer", "Acme", "--product", "A",
          "--channel", "direct", "--quantity", "1", "--rep", "rep")
    ws.ok("goal", "add", "P1", "--metric", "revenue", "--target", "1000.00", "--start",
          "2026-01-01", "--due", "2026-12-31", "--name", "全年")
    ws.ok("goal", "add", "P1", "--metric", "revenue", "--target", "50.00", "--start",
          "2026-01-01", "--due", "2026-12-31", "--name", "小目标")
    # deals (stale after 30 days by default): one 40 days in its stage, one 10, one won long ago
    ws.env["SALESPM_NOW"] = at(40)
    ws.ok("deal", "add", "P1", "--title", "停滞的商机", "--customer", "Acme", "--owner", "rep",
          as_="mgr")
    ws.env["SALESPM_NOW"] = at(10)
    ws.ok("deal", "add", "P1", "--title", "新商机", "--customer", "Acme", "--owner", "rep",
          as_="mgr")
    ws.env["SALESPM_NOW"] = NOW
    won = insert_deal(ws, "P1", "Acme", "rep2", 100000, title="已赢单")
    # tasks: one due 5 days ago, one due in 5 days, one due 14 days ago but done
    for title, due in (("逾期任务", "2026-06-10"), ("未到期任务", "2026-06-20"),
                       ("已完成任务", "2026-06-01")):
        t = ws.js("task", "add", "P1", "--title", title, "--assignee", "rep", "--start",
                  "2026-05-01", "--due", due, as_="mgr")
        if title == "已完成任务":
            ws.ok("task", "done", "P1", str(t["id"]), as_="mgr")
    # problems: a high one resolves within 24 hours here; one opened 48 hours ago, one 1 hour ago
    ws.ok("problem", "sla", "P1", "--high", "24h")
    cust = ws.sql("SELECT id FROM customers WHERE name = 'Acme'")[0][0]
    for title, hours in (("超时问题", 48), ("新问题", 1)):
        ws.env["SALESPM_NOW"] = at(0, hours)
        ws.ok("problem", "add", "P1", "--type", "product", "--severity", "high", "--title", title,
              "--owner", "rep2", "--customer", str(cust), as_="mgr")
    ws.env["SALESPM_NOW"] = NOW
    # promotions planned in P1: 超支促销 may give 30.00 and gave 75.00; 正常促销 1,000.00 and 10.00
    ws.ok("promotion", "add", "OVER", "--name", "超支促销", "--kind", "amount", "--value", "75.00",
          "--budget", "30.00")
    ws.ok("promotion", "add", "FINE", "--name", "正常促销", "--kind", "amount", "--value", "10.00",
          "--budget", "1000.00")
    for code, disc in (("OVER", "75.00"), ("FINE", "10.00")):
        ws.ok("sale", "add", "P1", "--date", "2026-03-01", "--customer", "Beta", "--product", "A",
              "--channel", "direct", "--quantity", "1", "--discount", disc, "--promotion", code)
        ws.ok("strategy", "promotion", "P1", code, as_="mgr")
    # collections of the won deal (1,000.00): 300.00 due 14 days ago, 200.00 due then and paid,
    # 500.00 due in July
    cols = {}
    for name, due, amount in (("late", "2026-06-01", "300.00"), ("paid", "2026-06-01", "200.00"),
                              ("later", "2026-07-01", "500.00")):
        cols[name] = ws.js("collection", "add", "P1", "--deal", str(won), "--due", due,
                           "--amount", amount, as_="mgr")["id"]
    ws.ok("collection", "receive", "P1", str(cols["paid"]), "--amount", "200.00", "--date",
          "2026-05-30", as_="mgr")
    # budget lines: 差旅 100.00 spent 150.00; 培训 100.00 spent 50.00
    lines = {}
    for name, spent in (("差旅", "150.00"), ("培训", "50.00")):
        lines[name] = ws.js("budget", "add", "P1", "--category", "travel", "--name", name,
                            "--allocated", "100.00", as_="mgr")["id"]
        ws.ok("expense", "add", "P1", "--line", str(lines[name]), "--amount", spent, as_="mgr")
    return {"won": won, "collections": cols, "lines": lines}


EXPECTED = sorted([
    ("budget_overspent", "budget_line", "差旅", "critical"),
    ("collection_overdue", "collection", "已赢单", "warning"),
    ("deal_stalled", "deal", "停滞的商机", "warning"),
    ("goal_probability", "goal", "全年", "critical"),
    ("goal_status", "goal", "全年", "critical"),
    ("problem_sla", "problem", "超时问题", "critical"),
    ("promotion_budget", "promotion", "超支促销", "critical"),
    ("task_overdue", "task", "逾期任务", "warning"),
])


@test
def each_kind_fires_on_its_cause_and_not_beside_it():
    ws = setup()
    eq(alerts(ws), [], "nothing yet")
    made = the_causes(ws)
    got = alerts(ws)
    eq(keyed(got), EXPECTED, "one alert per cause, none for the records beside them")
    by = {a["kind"]: a for a in got}
    eq(by["deal_stalled"]["params"]["days"], 40, "40 days in its stage")
    eq(by["deal_stalled"]["params"]["threshold"], 30, "the board's stale threshold")
    eq((by["task_overdue"]["params"]["due"], by["task_overdue"]["params"]["days"]),
       ("2026-06-10", 5), "due 5 days ago")
    eq(by["problem_sla"]["params"]["hours"], 24, "opened 48 h ago with 24 h to resolve")
    eq((by["promotion_budget"]["params"]["budget"], by["promotion_budget"]["params"]["spent"]),
       (3000, 7500), "30.00 budget, 75.00 given")
    c = by["collection_overdue"]
    eq((c["on_id"], c["params"]["days"], c["params"]["outstanding"]),
       (made["collections"]["late"], 14, 30000), "the late one: 14 days, 300.00 left")
    b = by["budget_overspent"]
    eq((b["on_id"], b["params"]["allocated"], b["params"]["spent"]),
       (made["lines"]["差旅"], 10000, 15000), "100.00 allocated, 150.00 spent")
    g = by["goal_status"]["params"]
    # 100.00, then 100.00 - 75.00 and 100.00 - 10.00 with the promotions: 215.00 of 1,000.00
    eq((g["status"], g["actual"], g["target"]), ("off_track", 21500, 100000), "215.00 of 1,000.00")
    p = by["goal_probability"]["params"]
    # the pipeline's own probability of the goal, below the default 50% (critical under 25%)
    funnel = ws.js("deal", "funnel", "P1")
    prob = [x for x in funnel["goals"] if x["name"] == "全年"][0]["probability"]
    eq((p["probability"], p["threshold"]), (prob, 0.5), "the pipeline's probability, default 50%")
    assert prob < 0.25, prob
    # critical first
    sev = [a["severity"] for a in got]
    eq(sev, sorted(sev, key=lambda s: s != "critical"), "critical first")


@test
def the_terminal_dashboard_shows_the_open_alerts_before_the_goals():
    """`salespm dashboard P1` (today) lists the open alerts above GOALS, the count of each
    severity first and each alert's kind, record and title; --json carries them as
    `alert list --json` does; a past --as-of day has none of its own."""
    ws = setup()
    the_causes(ws)
    listed = alerts(ws)
    out = ws.ok("dashboard", "P1", as_="mgr").out
    crit = sum(1 for a in listed if a["severity"] == "critical")
    head = f"ALERTS  {crit} critical, {len(listed) - crit} warnings"
    assert head in out, out[:800]
    assert out.index(head) < out.index("\nGOALS\n"), "alerts before the goals"
    block = out[out.index(head):out.index("\nGOALS\n")].splitlines()[1:]
    eq(len([ln for ln in block if ln.strip()]), len(listed), "one line an alert")
    for a, ln in zip(listed, [ln for ln in block if ln.strip()]):
        assert a["kind"] in ln and f"{a['on_kind']}:{a['on_id']}" in ln and a["title"] in ln, \
            (a, ln)
        eq(ln.startswith("  !!"), a["severity"] == "critical", f"the mark of {ln}")
    d = ws.js("dashboard", "P1", as_="mgr")
    eq([(a["kind"], a["on_id"]) for a in d["alerts"]["alerts"]],
       [(a["kind"], a["on_id"]) for a in listed], "the JSON's alerts")
    eq(d["alerts"]["counts"], {"critical": crit, "warning": len(listed) - crit}, "their counts")
    past = ws.ok("dashboard", "P1", "--as-of", "2026-03-01", as_="mgr").out
    assert "ALERTS" not in past, "an earlier day shows none"
    assert "alerts" not in ws.js("dashboard", "P1", "--as-of", "2026-03-01", as_="mgr")


@test
def raised_once_told_once_with_the_right_recipients():
    ws = setup()
    the_causes(ws)
    for _ in range(2):
        alerts(ws)
        alerts(ws, "rep")
        ws.ok("alert", "sweep")
    eq(ws.js("alert", "sweep"), {"raised": 0, "resolved": 0}, "nothing new on a third sweep")
    eq(ws.sql("SELECT COUNT(*) FROM alerts")[0][0], 8, "eight alerts raised")
    eq(ws.sql("SELECT COUNT(*) FROM audit WHERE entity = 'alert' AND action = 'raise'")[0][0], 8,
       "one audit row (webhook event) each")
    rec = {a["kind"]: a["recipients"] for a in alerts(ws)}
    managers = ["admin", "mgr"]  # the owner (it created the project) and the manager
    eq(rec, {"goal_status": managers, "goal_probability": managers,
             "promotion_budget": managers, "budget_overspent": managers,
             "deal_stalled": ["admin", "mgr", "rep"], "task_overdue": ["admin", "mgr", "rep"],
             "problem_sla": ["admin", "mgr", "rep2"],
             "collection_overdue": ["admin", "mgr", "rep2"]}, "who each concerns")
    told = {}
    for login, n_kind, on_kind in ws.sql(
            "SELECT u.login, n.params, n.on_kind FROM notifications n JOIN users u ON "
            "u.id = n.user_id WHERE n.kind = 'alert'"):
        told.setdefault(login, []).append(on_kind)
    eq({k: sorted(v) for k, v in told.items()},
       {"admin": sorted(["goal", "goal", "promotion", "budget_line", "deal", "task", "problem",
                         "collection"]),
        "mgr": sorted(["goal", "goal", "promotion", "budget_line", "deal", "task", "problem",
                       "collection"]),
        "rep": ["deal", "task"], "rep2": ["collection", "problem"]},
       "one notification per recipient and alert; nobody else")
    inbox = ws.js("inbox", "list", "--kind", "alert", as_="rep")["notifications"]
    eq(sorted((n["params"]["alert"], n["params"]["title"]) for n in inbox),
       [("deal_stalled", "停滞的商机"), ("task_overdue", "逾期任务")], "rep's inbox")
    eq(ws.js("inbox", "list", "--kind", "alert", as_="vw")["notifications"], [], "a viewer: none")


@test
def never_someone_outside_the_project():
    ws = setup()
    ws.env["SALESPM_NOW"] = at(40)
    d = ws.js("deal", "add", "P1", "--title", "局外人的商机", "--customer", "Acme", "--owner", "rep",
              as_="mgr")
    ws.env["SALESPM_NOW"] = NOW
    # the owner is someone not on P1 (a record left behind by someone who left)
    ws.sql("UPDATE deals SET owner_id = (SELECT id FROM users WHERE login = 'out') WHERE id = ?",
           d["id"])
    got = alerts(ws)
    eq([(a["kind"], a["recipients"]) for a in got], [("deal_stalled", ["admin", "mgr"])],
       "its managers only")
    eq(ws.sql("SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id "
              "WHERE u.login = 'out'")[0][0], 0, "out is told nothing")


@test
def a_cause_that_goes_resolves_and_coming_back_raises_again():
    ws = setup()
    won = insert_deal(ws, "P1", "Acme", "rep", 50000, title="回款单")
    c = ws.js("collection", "add", "P1", "--deal", str(won), "--due", "2026-06-05", "--amount",
              "500.00", as_="mgr")
    eq([a["kind"] for a in alerts(ws)], ["collection_overdue"], "10 days overdue")
    r = ws.js("collection", "receive", "P1", str(c["id"]), "--amount", "500.00", "--date",
              "2026-06-15", as_="mgr")
    eq(alerts(ws), [], "received: gone")
    gone = alerts(ws, "mgr", "--resolved")
    eq([(a["kind"], a["title"], a["recipients"]) for a in gone],
       [("collection_overdue", "回款单", ["admin", "mgr", "rep"])], "resolved, as raised")
    assert gone[0]["resolved_at"], gone
    ws.ok("collection", "unreceive", "P1", str(c["id"]), str(r["receipts"][0]["id"])
          if "receipts" in r else str(ws.sql("SELECT id FROM receipts")[0][0]), as_="mgr")
    again = alerts(ws)
    eq([a["kind"] for a in again], ["collection_overdue"], "back: raised again")
    assert again[0]["id"] != gone[0]["id"], "a new alert"
    eq(ws.sql("SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE "
              "u.login = 'rep' AND n.kind = 'alert'")[0][0], 2, "told again")


@test
def thresholds_change_what_fires():
    ws = setup()
    the_causes(ws)
    eq(len(alerts(ws)), 8, "the defaults")
    s = ws.js("alert", "settings", "P1", as_="mgr")
    eq((s["probability"], s["collection_days"], s["version"]), (0.5, 0, 0), "the defaults")
    s = ws.js("alert", "settings", "P1", "--probability", "0%", "--collection-days", "20",
              "--off", "task_overdue", "--version", "0", as_="mgr")
    eq((s["probability"], s["collection_days"], s["task_overdue"], s["version"]),
       (0, 20, False, 1), "changed")
    kinds = sorted(a["kind"] for a in alerts(ws))
    # probability 0 is not below 0%; the collection is 14 days late, within 20; tasks off
    eq(kinds, ["budget_overspent", "deal_stalled", "goal_status", "problem_sla",
               "promotion_budget"], "what still fires")
    eq(sorted(a["kind"] for a in alerts(ws, "mgr", "--resolved")),
       ["collection_overdue", "goal_probability", "task_overdue"], "the others resolved")
    # a grace of 14 days: 14 days late is not past it; of 13 it is
    ws.ok("alert", "settings", "P1", "--collection-days", "14", as_="mgr")
    assert "collection_overdue" not in [a["kind"] for a in alerts(ws)]
    ws.ok("alert", "settings", "P1", "--collection-days", "13", "--on", "task_overdue",
          as_="mgr")
    eq(sorted(a["kind"] for a in alerts(ws)),
       ["budget_overspent", "collection_overdue", "deal_stalled", "goal_status", "problem_sla",
        "promotion_budget", "task_overdue"], "back, with the tasks")


@test
def bad_settings_are_refused_and_change_nothing():
    ws = setup()
    before = ws.js("alert", "settings", "P1", as_="mgr")
    for args, field in ((["--probability", "150%"], "probability"),
                        (["--probability", "abc"], "probability"),
                        (["--collection-days", "400"], "collection_days"),
                        (["--collection-days", "-1"], "collection_days"),
                        (["--off", "everything"], "kind")):
        r = ws.fail("alert", "settings", "P1", *args, as_="mgr", json_out=True)
        assert field in r.err, (args, r.err)
    r = ws.fail("alert", "settings", "P1", "--probability", "40%", "--version", "7", as_="mgr")
    assert "version" in r.err or "conflict" in r.err or "changed" in r.err, r.err
    for who in ("rep", "vw"):
        ws.fail("alert", "settings", "P1", "--probability", "40%", as_=who)
    ws.fail("alert", "settings", "P1", as_="out")
    ws.fail("alert", "sweep", as_="mgr")
    eq(ws.js("alert", "settings", "P1", as_="mgr"), before, "nothing changed")
    eq(ws.sql("SELECT COUNT(*) FROM audit WHERE entity = 'alert_settings'")[0][0], 0, "no audit")


@test
def readers_read_and_others_do_not():
    ws = setup()
    ws.ok("task", "add", "P1", "--title", "逾期任务", "--assignee", "rep", "--start", "2026-05-01",
          "--due", "2026-06-10", as_="mgr")
    for who in ("admin", "mgr", "rep", "vw"):
        eq([a["kind"] for a in alerts(ws, who)], ["task_overdue"], who + " reads")
    ws.fail("alert", "list", "P1", as_="out")
    text = ws.ok("alert", "list", "P1", as_="rep").out
    assert "task_overdue" in text and "逾期任务" in text, text


@test
def an_inbox_that_turned_alerts_off_gets_none():
    ws = setup()
    ws.ok("inbox", "settings", "--off", "alert", as_="rep")
    ws.ok("task", "add", "P1", "--title", "逾期任务", "--assignee", "rep", "--start", "2026-05-01",
          "--due", "2026-06-10", as_="mgr")
    eq([a["recipients"] for a in alerts(ws)], [["admin", "mgr", "rep"]], "still concerns rep")
    eq(ws.js("inbox", "list", "--kind", "alert", as_="rep")["notifications"], [], "rep: off")
    eq(len(ws.js("inbox", "list", "--kind", "alert", as_="mgr")["notifications"]), 1, "mgr: on")


if __name__ == "__main__":
    run_all()
