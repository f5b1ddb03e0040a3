"""test_collections.py - collections (回款) from the command line: payments planned for a won
deal, the receipts against them, and the totals per project, customer and owner.

A collection belongs to a won deal of the project (any other deal is refused, saying its
stage); the planned payments of a deal stay within the deal's amount; a receipt never exceeds
what is outstanding; a collection is planned, partly_received, received, or overdue once due
before today and not received in full. Today is fixed with SALESPM_TODAY, and every total
below is worked out by hand from the amounts typed.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403
from deal_rows import insert_deal  # noqa: E402

TODAY = "2026-06-15"


def err_json(r):
    return json.loads(r.err.strip().splitlines()[-1])["error"]


def team(ws):
    """P1 with li.na its manager, wang.fang and zhao.lei members, gao a viewer; out on no
    project; P2 another project; customers Acme, Beta (P1) and Gamma (P2)."""
    ws.write("pw", "user-secret-1\n")
    for login, name, role in (("li.na", "李娜", "manager"), ("wang.fang", "王芳", "rep"),
                              ("zhao.lei", "赵磊", "rep"), ("gao", "高总", "viewer"),
                              ("out", "局外人", "rep")):
        ws.ok("user", "add", login, "--name", name, "--role", role, "--password-file", ws.path("pw"))
    for code in ("P1", "P2"):
        ws.ok("project", "create", code, "--name", "项目 " + code, "--start", "2026-01-01",
              "--end", "2026-12-31")
    for login, prole in (("li.na", "manager"), ("wang.fang", "member"), ("zhao.lei", "member"),
                         ("gao", "viewer")):
        ws.ok("member", "add", "P1", login, "--role", prole)
    ws.ok("member", "add", "P2", "wang.fang", "--role", "member")
    ws.ok("channel", "add", "direct", "--name", "直销", "--type", "direct")
    ws.ok("product", "add", "SKU-1", "--name", "交换机", "--cost", "60.00", "--price", "100.00")
    for project, customer in (("P1", "Acme"), ("P1", "Beta"), ("P2", "Gamma")):
        ws.ok("sale", "add", project, "--date", "2026-02-01", "--customer", customer, "--product",
              "SKU-1", "--channel", "direct", "--quantity", "1", "--rep", "wang.fang")


def plan(ws, deal, due, amount, as_="li.na", **kw):
    args = ["collection", "add", "P1", "--deal", str(deal), "--due", due, "--amount", amount]
    for k, v in kw.items():
        args += ["--" + k, v]
    return ws.js(*args, as_=as_)


def receive(ws, cid, amount, date, as_="li.na"):
    return ws.js("collection", "receive", "P1", str(cid), "--amount", amount, "--date", date,
                 as_=as_)


@test
def a_won_deal_is_collected_in_instalments():
    ws = Workspace(today=TODAY)
    team(ws)
    deal = insert_deal(ws, "P1", "Acme", "wang.fang", 10000000, title="Acme 核心网升级")  # 100,000.00
    c1 = plan(ws, deal, "2026-03-31", "30000.00", note="预付 30%")
    c2 = plan(ws, deal, "2026-06-30", "50000.00")
    c3 = plan(ws, deal, "2026-09-30", "20000.00")
    eq((c1["deal"], c1["deal_title"], c1["amount"], c1["received"], c1["outstanding"]),
       (deal, "Acme 核心网升级", 3000000, 0, 3000000), "planned")
    eq((c1["customer_name"], c1["owner"], c1["owner_name"]), ("Acme", "wang.fang", "王芳"),
       "the deal's customer and owner")
    # c1 was due 2026-03-31, before today: overdue; the others are planned
    eq([c["status"] for c in (c1, c2, c3)], ["overdue", "planned", "planned"], "as of today")
    r = receive(ws, c1["id"], "10000.00", "2026-04-02", as_="wang.fang")
    eq((r["received"], r["outstanding"], r["status"], r["version"]), (1000000, 2000000, "overdue", 2),
       "partly received after its due date: still overdue")
    r = receive(ws, c1["id"], "20000.00", "2026-04-20")
    eq((r["received"], r["outstanding"], r["status"]), (3000000, 0, "received"), "received in full")
    r = receive(ws, c2["id"], "5000.00", "2026-06-01")
    eq((r["received"], r["status"]), (500000, "partly_received"), "partly, not yet due")
    shown = ws.js("collection", "show", "P1", str(c1["id"]))
    eq([(x["amount"], x["received_on"], x["by"]) for x in shown["receipts"]],
       [(1000000, "2026-04-02", "wang.fang"), (2000000, "2026-04-20", "li.na")], "its receipts")
    deals = ws.js("collection", "deals", "P1")["deals"]
    eq([(d["id"], d["amount"], d["planned"], d["received"], d["outstanding"], d["left_to_plan"])
        for d in deals], [(deal, 10000000, 10000000, 3500000, 6500000, 0)], "the won deal's plan")
    eq([len(c["receipts"]) for c in deals[0]["collections"]], [2, 1, 0], "receipts under each")
    # a receipt taken back
    rid = shown["receipts"][1]["id"]
    back = ws.js("collection", "unreceive", "P1", str(c1["id"]), str(rid))
    eq((back["received"], back["status"]), (1000000, "overdue"), "taken back: overdue again")
    audit = ws.sql("SELECT action FROM audit WHERE entity = 'collection' AND entity_id = ? "
                   "ORDER BY id", c1["id"])
    eq([a[0] for a in audit], ["create", "receipt", "receipt", "receipt_delete"], "audited")


@test
def only_a_won_deal_is_planned_and_never_past_its_amount():
    ws = Workspace(today=TODAY)
    team(ws)
    deal = insert_deal(ws, "P1", "Acme", "wang.fang", 10000000)
    open_deal = insert_deal(ws, "P1", "Beta", "wang.fang", 5000000, stage="negotiation")
    elsewhere = insert_deal(ws, "P2", "Gamma", "wang.fang", 5000000)
    c = plan(ws, deal, "2026-07-31", "60000.00")
    ws.refusals(["collection", "add", "P1"], [
        (["--deal", str(open_deal), "--due", "2026-07-31", "--amount", "100.00"], "deal",
         "deal_not_won", {"deal": str(open_deal), "stage": "negotiation"}),
        (["--deal", str(elsewhere), "--due", "2026-07-31", "--amount", "100.00"], "deal",
         "link_other_project", {"key": str(elsewhere), "project": "P1"}),
        (["--deal", "99999", "--due", "2026-07-31", "--amount", "100.00"], "deal", "no_ref", None),
        # 100,000.00 - 60,000.00 planned = 40,000.00 left
        (["--deal", str(deal), "--due", "2026-08-31", "--amount", "40000.01"], "amount",
         "plan_over_deal", {"deal": str(deal), "amount": "100000.00", "planned": "60000.00",
                            "left": "40000.00"}),
        (["--deal", str(deal), "--due", "2026-08-31", "--amount", "0"], "amount", None, None),
        (["--deal", str(deal), "--due", "2026-08-31", "--amount", "-5.00"], "amount", None, None),
        (["--deal", str(deal), "--amount", "5.00"], "due", "required", None),
    ], as_="li.na")
    eq(plan(ws, deal, "2026-08-31", "40000.00")["amount"], 4000000, "exactly what is left")
    # a change of amount: the rest of the plan counts, the collection itself does not
    ws.refusals(["collection", "update", "P1", str(c["id"])], [
        (["--amount", "60000.01", "--version", "1"], "amount", "plan_over_deal", None),
    ], as_="li.na")
    receive(ws, c["id"], "25000.00", "2026-06-10")
    ws.refusals(["collection", "update", "P1", str(c["id"])], [
        (["--amount", "24999.99", "--version", "2"], "amount", "amount_below_received",
         {"received": "25000.00"}),
    ], as_="li.na")
    eq(ws.js("collection", "update", "P1", str(c["id"]), "--amount", "25000.00", "--version", "2",
             as_="li.na")["status"], "received", "cut to what was received: received in full")
    ws.refusals(["collection", "receive", "P1", str(c["id"])], [
        (["--amount", "0.01"], "amount", "receipt_over", {"amount": "0.01", "outstanding": "0.00"}),
    ], as_="li.na")
    ws.refusals(["collection", "delete", "P1", str(c["id"])], [([], "collection", "in_use")],
                as_="li.na")
    eq(ws.sql("SELECT COUNT(*), SUM(amount_minor) FROM collections"), [(2, 6500000)],
       "refusals changed nothing")


@test
def receipts_beyond_the_outstanding_or_in_the_future_are_refused():
    ws = Workspace(today=TODAY)
    team(ws)
    deal = insert_deal(ws, "P1", "Acme", "wang.fang", 1000000)
    c = plan(ws, deal, "2026-07-31", "8000.00")
    receive(ws, c["id"], "3000.00", "2026-06-01")
    ws.refusals(["collection", "receive", "P1", str(c["id"])], [
        (["--amount", "5000.01"], "amount", "receipt_over",
         {"amount": "5000.01", "outstanding": "5000.00"}),
        (["--amount", "0"], "amount", "not_positive", None),
        (["--amount", "10.00", "--date", "2026-06-16"], "received_on", "date_future",
         {"date": "2026-06-16"}),
        ([], "amount", "required", None),
    ], as_="li.na")
    ws.refusals(["collection", "unreceive", "P1", str(c["id"])], [(["99999"], "receipt", "no_record")],
                as_="li.na")
    eq(ws.sql("SELECT COUNT(*), SUM(amount_minor) FROM receipts"), [(1, 300000)], "one receipt")
    # without --date: today
    r = ws.js("collection", "receive", "P1", str(c["id"]), "--amount", "5000.00", as_="li.na")
    eq(r["status"], "received", "the rest, today")
    eq(ws.sql("SELECT MAX(received_on) FROM receipts"), [(20619,)], "2026-06-15 is day 20619")


@test
def totals_per_project_customer_and_owner():
    ws = Workspace(today=TODAY)
    team(ws)
    a = insert_deal(ws, "P1", "Acme", "wang.fang", 10000000)
    b = insert_deal(ws, "P1", "Beta", "zhao.lei", 4000000)
    a2 = insert_deal(ws, "P1", "Acme", "zhao.lei", 2000000)
    # Acme/wang.fang: 30,000 due 05-31 (received 10,000), 50,000 due 07-31
    x1 = plan(ws, a, "2026-05-31", "30000.00")
    plan(ws, a, "2026-07-31", "50000.00")
    # Beta/zhao.lei: 40,000 due 06-01 received in full
    y1 = plan(ws, b, "2026-06-01", "40000.00")
    # Acme/zhao.lei: 20,000 due 06-14 (yesterday), nothing received
    plan(ws, a2, "2026-06-14", "20000.00")
    receive(ws, x1["id"], "10000.00", "2026-05-20")
    receive(ws, y1["id"], "40000.00", "2026-06-01")
    s = ws.js("collection", "summary", "P1", as_="gao")
    t = s["total"]
    # planned 140,000; received 50,000; outstanding 90,000;
    # overdue: x1's 20,000 (due 05-31) + a2's 20,000 (due 06-14) = 40,000 in 2 collections
    eq((t["planned"], t["received"], t["outstanding"], t["overdue"], t["collections"],
        t["overdue_collections"]), (14000000, 5000000, 9000000, 4000000, 4, 2), "the project")
    eq([(c["name"], c["planned"], c["received"], c["outstanding"], c["overdue"])
        for c in s["customers"]],
       [("Acme", 10000000, 1000000, 9000000, 4000000), ("Beta", 4000000, 4000000, 0, 0)],
       "per customer")
    eq([(o["owner"], o["planned"], o["received"], o["outstanding"], o["overdue"])
        for o in s["owners"]],
       [("wang.fang", 8000000, 1000000, 7000000, 2000000),
        ("zhao.lei", 6000000, 4000000, 2000000, 2000000)], "per owner (the deal's)")
    text = ws.ok("collection", "summary", "P1").out
    assert "90,000.00" in text and "Acme" in text, text


@test
def reps_plan_and_receive_for_their_own_deals_viewers_read():
    ws = Workspace(today=TODAY)
    team(ws)
    mine = insert_deal(ws, "P1", "Acme", "wang.fang", 1000000)
    theirs = insert_deal(ws, "P1", "Beta", "zhao.lei", 1000000)
    c = plan(ws, mine, "2026-07-31", "5000.00", as_="wang.fang")
    other = plan(ws, theirs, "2026-07-31", "5000.00", as_="li.na")
    ws.refusals(["collection", "add", "P1"], [
        (["--deal", str(theirs), "--due", "2026-07-31", "--amount", "1.00"], "owner_id",
         "own_records_only"),
    ], as_="wang.fang")
    ws.refusals(["collection", "receive", "P1", str(other["id"])], [
        (["--amount", "1.00"], "owner", "own_records_only"),
    ], as_="wang.fang")
    ws.refusals(["collection", "update", "P1", str(other["id"])], [
        (["--amount", "1.00", "--version", "1"], "owner_id", "own_records_only"),
    ], as_="wang.fang")
    eq(receive(ws, c["id"], "1000.00", "2026-06-01", as_="wang.fang")["received"], 100000,
       "a receipt of their own deal")
    eq(len(ws.js("collection", "list", "P1", as_="gao")["collections"]), 2, "a viewer reads")
    ws.fail("collection", "receive", "P1", str(c["id"]), "--amount", "1.00", as_="gao", code=77)
    ws.fail("collection", "add", "P1", "--deal", str(mine), "--due", "2026-07-31", "--amount",
            "1.00", as_="gao", code=77)
    r = ws.fail("collection", "list", "P1", as_="out", json_out=True)
    eq(err_json(r)["code"], "not_found", "someone off the project does not see it")
    ws.fail("collection", "summary", "P1", as_="out")
    ws.fail("collection", "deals", "P1", as_="out")
    eq(ws.sql("SELECT COUNT(*) FROM collections"), [(2,)], "the refusals added nothing")


@test
def a_collections_goal_counts_the_money_received_in_its_window():
    ws = Workspace(today=TODAY)
    team(ws)
    ws.ok("segment", "add", "ent", "--name", "大客户")
    a = insert_deal(ws, "P1", "Acme", "wang.fang", 10000000, segment="ent", channel="direct")
    b = insert_deal(ws, "P1", "Beta", "zhao.lei", 10000000)
    x = plan(ws, a, "2026-06-30", "80000.00")
    y = plan(ws, b, "2026-06-30", "80000.00")
    receive(ws, x["id"], "10000.00", "2026-05-31")  # before the window
    receive(ws, x["id"], "20000.00", "2026-06-01")  # its first day
    receive(ws, y["id"], "30000.00", "2026-06-15")  # today, its last counted day
    goals = {}
    for name, scope in (("all", []), ("wang", ["--scope", "rep=wang.fang"]),
                        ("zhao", ["--scope", "rep=zhao.lei"]), ("ent", ["--scope", "segment=ent"]),
                        ("direct", ["--scope", "channel=direct"])):
        g = ws.js("goal", "add", "P1", "--metric", "collections", "--target", "100000.00",
                  "--start", "2026-06-01", "--due", "2026-06-30", "--name", "回款 " + name, *scope)
        goals[g["id"]] = name
    actual = {goals[g["id"]]: g["actual"] for g in ws.js("goal", "list", "P1")["goals"]
              if g["id"] in goals}
    # in the window: 20,000 (wang.fang, ent, direct) + 30,000 (zhao.lei) = 50,000
    eq(actual, {"all": 5000000, "wang": 2000000, "zhao": 3000000, "ent": 2000000,
                "direct": 2000000}, "received in June, narrowed by the deal's owner, segment, channel")
    ws.refusals(["goal", "add", "P1"], [
        (["--metric", "collections", "--target", "1.00", "--start", "2026-06-01", "--due",
          "2026-06-30", "--scope", "product=SKU-1"], "scope", "scope_not_for_metric",
         {"key": "product", "metric": "collections"}),
    ])


@test
def a_won_deal_split_into_instalments_adds_up_to_what_was_left():
    ws = Workspace(today=TODAY)
    team(ws)
    deal = insert_deal(ws, "P1", "Acme", "wang.fang", 1000001)  # 10,000.01
    plan(ws, deal, "2026-06-30", "1000.00")
    # left: 9,000.01 -> 33.3% = 2,997.00 (299700.333 cut), 33.3% = 2,997.00, the rest 3,006.01
    ids = ws.js("collection", "split", "P1", str(deal), "--parts", "33.3,33.3,33.4", "--first",
                "2026-07-15", "--every", "45", as_="wang.fang")["collections"]
    listed = {c["id"]: c for c in ws.js("collection", "list", "P1", "--deal", str(deal))["collections"]}
    eq([(listed[i]["due"], listed[i]["amount"]) for i in ids],
       [("2026-07-15", 299700), ("2026-08-29", 299700), ("2026-10-13", 900001 - 2 * 299700)],
       "45 days apart, the last takes the rest")
    eq(sum(c["amount"] for c in listed.values()), 1000001, "the whole deal planned")
    other = insert_deal(ws, "P1", "Beta", "zhao.lei", 100000)
    lost = insert_deal(ws, "P1", "Beta", "zhao.lei", 100000, stage="lost")
    ws.refusals(["collection", "split", "P1"], [
        ([str(deal), "--parts", "50,50", "--first", "2026-07-01"], "parts", "nothing_to_split",
         {"left": "0.00"}),
        ([str(other), "--parts", "50,40", "--first", "2026-07-01"], "parts", "parts_sum", None),
        ([str(other), "--parts", "50,0,50", "--first", "2026-07-01"], "parts", "parts_sum", None),
        ([str(other), "--parts", "half", "--first", "2026-07-01"], "parts", "bad_parts", None),
        ([str(other), "--parts", ",".join(["5"] * 13), "--first", "2026-07-01"], "parts",
         "parts_count", None),
        ([str(other), "--parts", "50,50", "--first", "2026-07-01", "--every", "0"], "every",
         "number_range", None),
        ([str(lost), "--parts", "100", "--first", "2026-07-01"], "deal", "deal_not_won", None),
    ], as_="li.na")
    ws.refusals(["collection", "split", "P1"], [
        ([str(other), "--parts", "100", "--first", "2026-07-01"], "owner_id", "own_records_only"),
    ], as_="wang.fang")
    eq(ws.sql("SELECT COUNT(*) FROM collections WHERE deal_id = ?", other), [(0,)], "nothing planned")


@test
def the_demo_plans_the_collections_of_whatever_deals_it_won():
    """The demo plans every won deal's whole amount (won deals come with the deals' own demo;
    whatever won deals exist are planned), and of the payments due by today most are received,
    some partly, some not at all."""
    ws = Workspace(init=False)
    ws.ok("demo")
    won = ws.sql("SELECT d.id, p.code, d.amount_minor FROM deals d JOIN projects p ON p.id = d.project_id "
                 "WHERE d.won_on IS NOT NULL AND d.stage = 'won'")
    planned = dict(ws.sql("SELECT deal_id, SUM(amount_minor) FROM collections GROUP BY deal_id"))
    eq({d: planned.get(d) for d, _, a in won if a >= 100}, {d: a for d, _, a in won if a >= 100},
       "every won deal planned in full")
    eq(sorted(planned), sorted(d for d, _, a in won if a >= 100), "and no other deal")
    statuses = {}
    for code in sorted({c for _, c, _ in won}):
        for c in ws.js("collection", "list", code)["collections"]:
            assert 0 <= c["received"] <= c["amount"], c
            statuses[c["status"]] = statuses.get(c["status"], 0) + 1
        s = ws.js("collection", "summary", code)["total"]
        eq(s["planned"], sum(a for _, c2, a in won if c2 == code and a >= 100), f"{code}'s plan")
    if len(won) >= 5:
        assert statuses.get("received") and statuses.get("overdue"), statuses


if __name__ == "__main__":
    run_all()
