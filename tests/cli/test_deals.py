"""test_deals.py - the pipeline from the command line: deals (deal add|list|show|update|delete),
their lines (deal lines), the project's stages (deal stages), the stage move (deal move) and
its history (deal history).

Rules checked here by hand: a deal starts in an open stage with its stage's probability and
the caller as owner unless told; its amount is the sum of its lines (quantity x unit price -
discount; a line without a price takes the product's list price in force today); a lost deal
says why; winning records one sale per line dated the win day, rep the owner, so revenue,
the dashboard and goals move at once, and moving the deal out of the won stage removes them
again; deals_won and avg_deal_size count won deals (narrowed by segment, channel, product and
rep); members write their own deals, managers any, viewers read, outsiders see nothing;
every refused change changes nothing.
"""
import json
import os
import sys
from datetime import date

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403

TODAY = "2026-06-15"


def err_json(r):
    return json.loads(r.err.strip().splitlines()[-1])["error"]


def world(today=TODAY):
    """P1: mona manages it, rita and rob are members, vic a viewer; out is on no project.
    Channels direct and partner, segments SMB and ENT, products W (list price 100.00, 120.00
    from 2026-06-01) and G (40.00); customers ACME (segment ENT) and Beta (none), made by
    sales in January (one line each, 100.00 and 40.00)."""
    ws = Workspace(today=today)
    for login, role in (("mona", "manager"), ("rita", "rep"), ("rob", "rep"), ("vic", "viewer"),
                        ("out", "rep")):
        ws.ok("user", "add", login, "--name", login.title(), "--role", role)
    ws.ok("project", "create", "P1", "--name", "P1", "--start", "2026-01-01", "--end", "2026-12-31")
    ws.ok("member", "add", "P1", "mona", "--role", "manager")
    ws.ok("member", "add", "P1", "rita")
    ws.ok("member", "add", "P1", "rob")
    ws.ok("member", "add", "P1", "vic", "--role", "viewer")
    ws.ok("segment", "add", "SMB", "--name", "SMB")
    ws.ok("segment", "add", "ENT", "--name", "Enterprise")
    ws.ok("channel", "add", "direct", "--name", "Direct", "--type", "direct")
    ws.ok("channel", "add", "partner", "--name", "Partner", "--type", "partner")
    ws.ok("product", "add", "W", "--name", "Widget", "--cost", "10.00", "--price", "100.00",
          "--effective", "2025-01-01")
    ws.ok("product", "update", "W", "--price", "120.00", "--effective", "2026-06-01")
    ws.ok("product", "add", "G", "--name", "Gadget", "--cost", "5.00", "--price", "40.00",
          "--effective", "2025-01-01")
    ws.ok("sale", "add", "P1", "--date", "2026-01-05", "--customer", "ACME", "--product", "W",
          "--channel", "direct", "--quantity", "1", "--price", "100.00", "--rep", "rita",
          "--segment", "ENT")
    ws.ok("customer", "update", "ACME", "--segment", "ENT")
    ws.ok("sale", "add", "P1", "--date", "2026-01-06", "--customer", "Beta", "--product", "G",
          "--channel", "partner", "--quantity", "1", "--price", "40.00", "--rep", "rob")
    return ws


def deal(ws, title, customer="ACME", as_="rita", **kw):
    args = ["deal", "add", "P1", "--title", title, "--customer", customer]
    for k, v in kw.items():
        args += ["--" + k.replace("_", "-"), v]
    return ws.js(*args, as_=as_)


def lines(ws, did, *specs, as_="rita"):
    args = ["deal", "lines", "P1", str(did)]
    for s in specs:
        args += ["--line", s]
    return ws.js(*args, as_=as_)


def move(ws, did, stage, as_="rita", *extra):
    return ws.js("deal", "move", "P1", str(did), stage, *extra, as_=as_)


def sales(ws):
    return ws.js("sale", "list", "P1")["sales"]


def revenue(ws):
    return ws.js("dashboard", "P1")["totals"]["revenue"]


def goals(ws):
    return {g["id"]: g for g in ws.js("goal", "list", "P1")["goals"]}


def snapshot(ws):
    """What a refused change must leave as it was."""
    return (ws.sql("SELECT id, stage, probability_bp, amount_minor, won_on, lost_on, lost_reason, "
                   "version FROM deals ORDER BY id"),
            ws.sql("SELECT deal_id, product_id, quantity, unit_price_minor, discount_minor "
                   "FROM deal_lines ORDER BY id"),
            ws.sql("SELECT COUNT(*) FROM deal_history"),
            ws.sql("SELECT id, amount_minor, deal_id FROM sales ORDER BY id"),
            ws.sql("SELECT dim, key_id, day, deals, amount_minor FROM deal_rollup "
                   "WHERE deals <> 0 ORDER BY dim, key_id, day"))


@test
def a_deal_starts_open_with_its_stage_probability_and_its_maker_as_owner():
    ws = world()
    d = deal(ws, "ACME 2027 框架", expected_close="2026-09-30", note="采购部刘主任")
    eq((d["stage"], d["probability"], d["owner"], d["owner_name"], d["amount"], d["version"]),
       ("lead", 0.1, "rita", "Rita", 0, 1), "the first open stage, 10%, the maker")
    eq((d["expected_close"], d["note"], d["won_on"], d["lost_on"]),
       ("2026-09-30", "采购部刘主任", None, None), "as given")
    # a manager names the owner, a stage and a probability; the amount typed without lines
    e = deal(ws, "Beta 续约", customer="Beta", as_="mona", owner="rob", stage="proposal",
             probability="35", amount="5000.00", channel="partner", segment="SMB")
    eq((e["owner"], e["stage"], e["probability"], e["amount"], e["weighted"]),
       ("rob", "proposal", 0.35, 500000, 175000), "weighted = 5000.00 x 35%")
    listed = ws.js("deal", "list", "P1", as_="vic")["deals"]
    eq(sorted(x["id"] for x in listed), sorted([d["id"], e["id"]]), "a viewer reads the board")
    eq([x["id"] for x in ws.js("deal", "list", "P1", "--owner", "rob", as_="vic")["deals"]],
       [e["id"]], "filtered by owner")
    hist = ws.js("deal", "history", "P1", str(e["id"]))["history"]
    eq([(h["from"], h["to"], h["by"]) for h in hist], [(None, "proposal", "mona")],
       "the creation is the history's first entry")
    # the audit keeps the creation
    eq(ws.sql("SELECT COUNT(*) FROM audit WHERE entity = 'deal' AND action = 'create'"),
       [(2,)], "audited")


@test
def lines_make_the_amount_at_the_price_in_force_or_the_one_typed():
    ws = world()
    d = deal(ws, "Lines")
    # W without a price: 120.00 in force since 2026-06-01 (today 06-15); G at 35.00 less 10.00
    out = lines(ws, d["id"], "W:3", "G:2:35.00:10.00")
    want = 3 * 12000 + (2 * 3500 - 1000)
    eq(out["amount"], want, "3 x 120.00 + 2 x 35.00 - 10.00")
    eq([(x["product"], x["quantity"], x["unit_price"], x["discount"], x["amount"])
        for x in out["lines"]], [("W", 3, 12000, 0, 36000), ("G", 2, 3500, 1000, 6000)],
       "the lines as stored")
    eq(out["version"], 2, "a versioned write")
    shown = ws.js("deal", "show", "P1", str(d["id"]))
    eq((shown["amount"], shown["line_count"], len(shown["lines"])), (want, 2, 2), "shown alone")
    # with lines the amount is theirs: a typed one that differs is refused
    before = snapshot(ws)
    ws.refusals(["deal", "update", "P1", str(d["id"])],
                [(["--amount", "1.00"], "amount", "amount_from_lines", {"lines": 2})], as_="rita")
    eq(snapshot(ws), before, "nothing changed")
    # cleared, the amount stays as it was until typed again
    out = ws.js("deal", "lines", "P1", str(d["id"]), "--clear", as_="rita")
    eq((out["amount"], out["lines"]), (want, []), "no lines")
    out = ws.js("deal", "update", "P1", str(d["id"]), "--amount", "77.00", as_="rita")
    eq(out["amount"], 7700, "typed without lines")


@test
def bad_deals_and_lines_are_refused_naming_the_field_and_change_nothing():
    ws = world()
    d = deal(ws, "Base", channel="direct")
    before = snapshot(ws)
    ws.refusals(["deal", "add", "P1", "--title", "X"], [
        (["--customer", "Nobody"], "customer", "no_ref", None),
        (["--customer", "ACME", "--owner", "out"], "owner", "deal_owner_not_member",
         {"owner": "out", "project": "P1"}),
        (["--customer", "ACME", "--owner", "vic"], "owner", "deal_owner_not_member", None),
        (["--customer", "ACME", "--stage", "won"], "stage", "deal_starts_open", {"stage": "won"}),
        (["--customer", "ACME", "--stage", "nope"], "stage", "no_stage", None),
        (["--customer", "ACME", "--lost-reason", "why"], "lost_reason", "lost_only", None),
        (["--customer", "ACME", "--probability", "101"], "probability", None, None),
        (["--customer", "ACME", "--channel", "tv"], "channel", "no_ref", None),
    ], as_="mona")
    ws.refusals(["deal", "add", "P1", "--customer", "ACME"], [([], "title", "required", None)],
                as_="mona")
    ws.refusals(["deal", "lines", "P1", str(d["id"])], [
        (["--line", "NOPE:1"], "lines[0].product", "no_product", {"sku": "NOPE"}),
        (["--line", "W:0"], "lines[0].quantity", "out_of_range", None),
        (["--line", "W:1", "--line", "G:1:10.00:10.01"], "lines[1].discount",
         "discount_exceeds_line", None),
    ], as_="rita")
    eq(snapshot(ws), before, "nothing changed")


@test
def moves_are_kept_in_the_history_and_a_lost_deal_says_why():
    ws = world()
    d = deal(ws, "Path", channel="direct")
    move(ws, d["id"], "qualified")
    out = move(ws, d["id"], "proposal")
    eq((out["stage"], out["probability"], out["version"]), ("proposal", 0.5, 3),
       "the stage's probability")
    before = snapshot(ws)
    ws.refusals(["deal", "move", "P1", str(d["id"])], [
        (["proposal"], "stage", "deal_same_stage", {"stage": "proposal"}),
        (["closing"], "stage", "no_stage", None),
        (["lost"], "lost_reason", "required", None),
        (["negotiation", "--reason", "x"], "lost_reason", "lost_only", None),
        (["won"], "lines", "deal_no_lines", None),
        (["negotiation", "--version", "2"], "version", "stale_version", {"yours": 2, "current": 3}),
    ], as_="rita")
    eq(snapshot(ws), before, "nothing changed")
    out = move(ws, d["id"], "lost", "rita", "--reason", "价格高于竞品")
    eq((out["stage"], out["probability"], out["lost_reason"], out["lost_on"]),
       ("lost", 0, "价格高于竞品", TODAY), "lost, with why and when")
    # reopened: the reason and day go
    out = move(ws, d["id"], "negotiation")
    eq((out["lost_reason"], out["lost_on"], out["probability"]), ("", None, 0.75), "reopened")
    hist = ws.js("deal", "history", "P1", str(d["id"]))["history"]
    eq([(h["from"], h["to"], h["probability"]) for h in hist],
       [(None, "lead", 0.1), ("lead", "qualified", 0.25), ("qualified", "proposal", 0.5),
        ("proposal", "lost", 0), ("lost", "negotiation", 0.75)], "every change, in order")
    eq({h["on"] for h in hist}, {TODAY}, "dated today")
    # the text table
    text = ws.ok("deal", "history", "P1", str(d["id"])).out
    assert "qualified" in text and "negotiation" in text, text


@test
def winning_records_the_lines_as_sales_and_reopening_removes_them():
    ws = world()
    base_revenue = 10000 + 4000
    eq(revenue(ws), base_revenue, "January's two sales")
    d = deal(ws, "Win", channel="direct", segment="ENT")
    lines(ws, d["id"], "W:3", "G:2:35.00:10.00")
    amount = 3 * 12000 + 2 * 3500 - 1000
    ws.refusals(["deal", "move", "P1", str(d["id"])],
                [(["won", "--won-on", "2026-06-16"], "won_on", "future_date", None)], as_="rita")
    out = move(ws, d["id"], "won", "rita", "--won-on", "2026-06-10")
    eq((out["stage"], out["won_on"], out["probability"], out["amount"]),
       ("won", "2026-06-10", 1, amount), "won on the day given")
    made = [s for s in sales(ws) if s["date"] == "2026-06-10"]
    eq(sorted((s["product"], s["quantity"], s["unit_price"], s["discount"], s["amount"], s["rep"],
               s["customer"], s["channel"], s["segment"]) for s in made),
       sorted([("W", 3, 12000, 0, 36000, "rita", "ACME", "direct", "ENT"),
               ("G", 2, 3500, 1000, 6000, "rita", "ACME", "direct", "ENT")]),
       "one sale per line, dated the win, rep the owner")
    eq(ws.sql("SELECT COUNT(*) FROM sales WHERE deal_id = ?", d["id"]), [(2,)], "linked to the deal")
    eq(revenue(ws), base_revenue + amount, "the dashboard counts them at once")
    # a won deal keeps what its sales were made of
    before = snapshot(ws)
    ws.refusals(["deal", "update", "P1", str(d["id"])], [
        (["--channel", "partner"], "channel", "deal_won_locked", None),
        (["--owner", "rob"], "owner", "deal_won_locked", None),
    ], as_="mona")
    ws.refusals(["deal", "lines", "P1", str(d["id"])], [(["--line", "W:1"], "lines",
                                                          "deal_won_locked", None)], as_="mona")
    ws.refusals(["deal", "delete", "P1", str(d["id"])], [([], "deal", "in_use", None)], as_="mona")
    # its sales change with the deal, not on their own
    sid = ws.sql("SELECT MIN(id) FROM sales WHERE deal_id = ?", d["id"])[0][0]
    ws.refusals(["sale", "delete", "P1", str(sid)], [([], "deal", "sale_of_deal",
                                                      {"sale": sid, "deal": d["id"]})], as_="mona")
    ws.refusals(["sale", "update", "P1", str(sid)], [(["--quantity", "9"], "deal", "sale_of_deal",
                                                      None)], as_="rita")
    eq(snapshot(ws), before, "nothing changed")
    # the title and note still change
    ws.ok("deal", "update", "P1", str(d["id"]), "--note", "signed", as_="rita")
    # back to negotiation: the sales go, in one move
    out = move(ws, d["id"], "negotiation")
    eq((out["won_on"], out["stage"]), (None, "negotiation"), "reopened")
    eq(ws.sql("SELECT COUNT(*) FROM sales WHERE deal_id = ?", d["id"]), [(0,)], "its sales gone")
    eq(revenue(ws), base_revenue, "the dashboard as before")
    eq(ws.sql("SELECT COALESCE(SUM(deals), 0) FROM deal_rollup WHERE dim = 'all'"), [(0,)],
       "the won-deal count back to none")
    # won again, then lost: the sales go again
    move(ws, d["id"], "won")
    eq(revenue(ws), base_revenue + amount, "won today")
    move(ws, d["id"], "lost", "rita", "--reason", "budget cut")
    eq(revenue(ws), base_revenue, "lost after the win")
    eq(ws.sql("SELECT action FROM audit WHERE entity = 'sale' ORDER BY id")[-4:],
       [("create",), ("create",), ("delete",), ("delete",)], "the sales' writes audited")
    # an open deal without sales may be deleted
    ws.ok("deal", "delete", "P1", str(d["id"]), as_="mona")
    eq(ws.sql("SELECT COUNT(*) FROM deal_history WHERE deal_id = ?", d["id"]), [(0,)],
       "its history with it")


@test
def a_win_needs_a_channel_and_a_win_outside_the_project_changes_nothing():
    ws = world()
    d = deal(ws, "No channel")
    lines(ws, d["id"], "W:1")
    before = snapshot(ws)
    ws.refusals(["deal", "move", "P1", str(d["id"])],
                [(["won"], "channel", "deal_no_channel", None)], as_="rita")
    eq(snapshot(ws), before, "nothing changed")
    ws.ok("deal", "update", "P1", str(d["id"]), "--channel", "direct", as_="rita")
    before = snapshot(ws)
    # the project runs from 2026-01-01: a sale dated before it is refused by the sale's rules
    r = ws.fail("deal", "move", "P1", str(d["id"]), "won", "--won-on", "2025-12-31", as_="rita",
                json_out=True)
    eq(err_json(r)["field"], "date", "the sale's own rule, named")
    eq(snapshot(ws), before, "no sale, no move, no count")


@test
def who_writes_and_who_reads():
    ws = world()
    own = deal(ws, "Rita's", channel="direct")
    r = ws.fail("deal", "add", "P1", "--title", "for rob", "--customer", "ACME", "--owner", "rob",
                as_="rita", json_out=True)
    eq((err_json(r)["code"], err_json(r)["reason"]), ("forbidden", "own_records_only"),
       "a member makes only their own")
    for args in (["update", "P1", str(own["id"]), "--title", "x"],
                 ["move", "P1", str(own["id"]), "qualified"],
                 ["lines", "P1", str(own["id"]), "--line", "W:1"],
                 ["delete", "P1", str(own["id"])]):
        r = ws.fail("deal", *args, as_="rob", json_out=True)
        eq(err_json(r)["reason"], "own_records_only", f"rob: deal {args[0]}")
        r = ws.fail("deal", *args, as_="vic", json_out=True)
        eq(err_json(r)["code"], "forbidden", f"the viewer: deal {args[0]}")
        r = ws.fail("deal", *args, as_="out", json_out=True)
        eq(err_json(r)["code"], "not_found", f"an outsider: deal {args[0]}")
    r = ws.fail("deal", "list", "P1", as_="out", json_out=True)
    eq(err_json(r)["code"], "not_found", "an outsider sees no board")
    r = ws.fail("deal", "history", "P1", str(own["id"]), as_="out", json_out=True)
    eq(err_json(r)["code"], "not_found", "nor a history")
    # the manager changes anyone's, rob sees it
    ws.ok("deal", "move", "P1", str(own["id"]), "qualified", as_="mona")
    eq(ws.js("deal", "show", "P1", str(own["id"]), as_="rob")["stage"], "qualified", "rob reads it")
    # a member hands a deal to nobody else
    r = ws.fail("deal", "update", "P1", str(own["id"]), "--owner", "rob", as_="rita", json_out=True)
    eq(err_json(r)["reason"], "own_records_only", "rita cannot give hers away")


@test
def stages_per_project_replace_the_standard_ones():
    ws = world()
    std = ws.js("deal", "stages", "P1", as_="vic")
    eq([(s["code"], s["probability"], s["kind"]) for s in std["stages"]],
       [("lead", 0.1, "open"), ("qualified", 0.25, "open"), ("proposal", 0.5, "open"),
        ("negotiation", 0.75, "open"), ("won", 1, "won"), ("lost", 0, "lost")], "the standard")
    eq((std["custom"], std["stale_days"]), (False, 30), "none of its own yet")
    d = deal(ws, "In lead")
    r = ws.fail("deal", "stages", "P1", "--stage", "a:10:open", "--stage", "w:100:won",
                "--stage", "l:0:lost", as_="rita", json_out=True)
    eq(err_json(r)["code"], "forbidden", "a member does not change the stages")
    ws.refusals(["deal", "stages", "P1"], [
        (["--stage", "lead:10:open", "--stage", "won:100:won"], "stages", "stage_count", None),
        (["--stage", "lead:10:open", "--stage", "w:100:won", "--stage", "w2:100:won",
          "--stage", "lost:0:lost"], "stages", "stage_won_lost", {"won": 2, "lost": 1}),
        (["--stage", "lead:10:open", "--stage", "lead:20:open", "--stage", "won:100:won",
          "--stage", "lost:0:lost"], "stages", "duplicate_stage", {"stage": "lead"}),
        (["--stage", "lead:10:open", "--stage", "won:100:won", "--stage", "lost:0:done"],
         "stages", "bad_enum", None),
        (["--stage", "intro:10:open", "--stage", "won:100:won", "--stage", "lost:0:lost"],
         "stages", "stage_in_use", {"stage": "lead", "deals": 1}),
        (["--stage", "lead:10:lost", "--stage", "won:100:won", "--stage", "x:0:open"],
         "stages", "stage_kind_in_use", None),
        (["--stale-days", "0"], "stale_days", "out_of_range", None),
    ], as_="mona")
    eq(ws.js("deal", "stages", "P1")["custom"], False, "nothing changed")
    out = ws.js("deal", "stages", "P1", "--stage", "lead:5:open", "--stage", "demo:40:open:演示",
                "--stage", "won:100:won", "--stage", "lost:0:lost", "--stale-days", "14",
                as_="mona")
    eq([(s["code"], s["name"], s["probability"]) for s in out["stages"]],
       [("lead", "", 0.05), ("demo", "演示", 0.4), ("won", "", 1), ("lost", "", 0)], "its own")
    eq((out["custom"], out["stale_days"]), (True, 14), "and its threshold")
    e = deal(ws, "New")
    eq((e["stage"], e["probability"]), ("lead", 0.05), "a new deal starts in its first stage")
    eq(move(ws, e["id"], "demo")["probability"], 0.4, "the new stage's probability")
    ws.refusals(["deal", "move", "P1", str(d["id"])], [(["proposal"], "stage", "no_stage", None)],
                as_="rita")


def goal(ws, metric, target, *scope, start="2026-06-01", due="2026-06-30"):
    args = ["goal", "add", "P1", "--metric", metric, "--target", target, "--start", start,
            "--due", due]
    for s in scope:
        args += ["--scope", s]
    return ws.js(*args)["id"]


@test
def deals_won_and_avg_deal_size_count_won_deals_in_their_scope():
    ws = world()
    # three deals won in June, one in May, one open; amounts worked out by hand
    specs = [  # (owner, channel, segment, lines, won_on)
        ("rita", "direct", "ENT", ["W:2:100.00"], "2026-06-03"),          # 200.00
        ("rob", "partner", None, ["G:5:40.00", "W:1:100.00"], "2026-06-05"),  # 300.00, Beta none
        ("rita", "partner", "SMB", ["G:1:40.00:0.01"], "2026-06-07"),     # 39.99
        ("rita", "direct", None, ["W:1:100.00"], "2026-05-20"),           # May: outside
    ]
    ids = []
    for owner, ch, seg, ls, won in specs:
        kw = {"channel": ch, "owner": owner}
        if seg:
            kw["segment"] = seg
        cust = "Beta" if owner == "rob" else "ACME"
        d = deal(ws, f"{owner} {won}", customer=cust, as_="mona", **kw)
        lines(ws, d["id"], *ls, as_="mona")
        move(ws, d["id"], "won", "mona", "--won-on", won)
        ids.append(d["id"])
    deal(ws, "open one", channel="direct")
    june = [20000, 30000, 3999]
    g = {
        "all": goal(ws, "deals_won", "5"),
        "avg": goal(ws, "avg_deal_size", "100.00"),
        "direct": goal(ws, "deals_won", "5", "channel=direct"),
        "rob": goal(ws, "avg_deal_size", "100.00", "rep=rob"),
        "G": goal(ws, "avg_deal_size", "100.00", "product=G"),
        "ENT": goal(ws, "deals_won", "5", "segment=ENT"),
        "SMB": goal(ws, "deals_won", "5", "segment=SMB"),
        "rita-partner": goal(ws, "avg_deal_size", "10.00", "rep=rita", "channel=partner"),
        "may": goal(ws, "deals_won", "5", start="2026-05-01", due="2026-05-31"),
    }
    got = goals(ws)
    eq(got[g["all"]]["actual"], 3, "three won in June")
    eq(got[g["avg"]]["actual"], (sum(june) * 2 + 3) // 6, "(200 + 300 + 39.99) / 3, half up")
    eq(got[g["direct"]]["actual"], 1, "one through direct")
    eq(got[g["rob"]]["actual"], 30000, "rob's one deal")
    # product G: the deals selling it, with G's lines only: (200.00 + 39.99) / 2
    eq(got[g["G"]]["actual"], (20000 + 3999 + 1) // 2, "G's lines of the two deals, half up")
    # segment: ACME's deal names ENT; Beta's has none and Beta none; the SMB one names SMB
    eq((got[g["ENT"]]["actual"], got[g["SMB"]]["actual"]), (1, 1), "by segment")
    eq(got[g["rita-partner"]]["actual"], 3999, "two keys: rita through partner")
    eq(got[g["may"]]["actual"], 1, "May's win counts in May")
    # the June sales lines (4) are not the deals (3): revenue counts lines, deals_won deals
    eq(len([s for s in sales(ws) if s["date"].startswith("2026-06")]), 4, "four sale lines")
    # reopened: the goals follow at once
    move(ws, ids[1], "negotiation", "mona")
    got = goals(ws)
    eq(got[g["all"]]["actual"], 2, "two left")
    eq(got[g["avg"]]["actual"], (20000 + 3999 + 1) // 2, "(200 + 39.99) / 2")
    eq(got[g["rob"]]["actual"], None, "rob has no won deal: no average")


@test
def a_refused_move_inside_the_win_changes_nothing():
    """A sale the win would record is refused (the project closed): no sale, no count, no move."""
    ws = world()
    d = deal(ws, "Closed", channel="direct")
    lines(ws, d["id"], "W:1")
    ws.ok("project", "update", "P1", "--status", "active")  # a draft is not closed
    ws.ok("project", "update", "P1", "--status", "closed")
    before = snapshot(ws)
    r = ws.fail("deal", "move", "P1", str(d["id"]), "won", as_="mona", json_out=True)
    eq(err_json(r)["reason"], "project_closed", "the sale's rule")
    eq(snapshot(ws), before, "nothing changed")


@test
def a_project_without_sales_is_deleted_with_its_deals():
    ws = world()
    ws.ok("project", "create", "P2", "--name", "P2", "--start", "2026-01-01", "--end", "2026-12-31")
    ws.ok("member", "add", "P2", "rita")
    d = ws.js("deal", "add", "P2", "--title", "open", "--customer", "ACME", as_="rita")
    ws.ok("deal", "move", "P2", str(d["id"]), "qualified", as_="rita")
    ws.ok("project", "delete", "P2")
    eq((ws.sql("SELECT COUNT(*) FROM deals WHERE id = ?", d["id"]),
        ws.sql("SELECT COUNT(*) FROM deal_history WHERE deal_id = ?", d["id"])), ([(0,)], [(0,)]),
       "its deals and their history went with it")


@test
def the_demo_has_a_year_of_deals_whose_wins_are_its_sales():
    ws = Workspace(init=False)
    ws.ok("demo")
    deals = ws.js("deal", "list", "FY")["deals"]
    by = {}
    for d in deals:
        by.setdefault(d["stage"], []).append(d)
    won, lost = by.get("won", []), by.get("lost", [])
    opened = [d for d in deals if d["stage"] not in ("won", "lost")]
    assert len(deals) >= 150 and won and opened, {k: len(v) for k, v in by.items()}
    assert len(lost) > len(won) * 3, "most are lost"
    eq(all(d["lost_reason"] for d in lost), True, "every lost deal says why")
    # each won deal is the sales it names: same day, customer, rep, channel; amounts add up
    sales = ws.sql("SELECT s.deal_id, s.sold_on, c.name, u.login, ch.code, s.amount_minor FROM sales s "
                   "JOIN customers c ON c.id = s.customer_id JOIN users u ON u.id = s.rep_id "
                   "JOIN channels ch ON ch.id = s.channel_id WHERE s.deal_id IS NOT NULL")
    for d in won:
        mine = [x for x in sales if x[0] == d["id"]]
        assert mine, f"deal {d['id']} has no sales"
        day = (date.fromisoformat(d["won_on"]) - date(1970, 1, 1)).days
        eq({(x[1], x[2], x[3], x[4]) for x in mine}, {(day, d["customer"], d["owner"], d["channel"])},
           f"deal {d['id']}: its sales")
        eq(sum(x[5] for x in mine), d["amount"], f"deal {d['id']}: amount")
    eq(len({x[0] for x in sales}), len(won), "only won deals have sales")
    # the history: from lead, in order of days, ending at the deal's stage; lost before a
    # proposal for most of the lost
    early = 0
    for d in deals:
        h = ws.js("deal", "history", "FY", str(d["id"]))["history"] if d["id"] % 9 == 0 or d["stage"] == "won" else None
        if h is None:
            continue
        eq((h[0]["from"], h[0]["to"], h[-1]["to"]), (None, "lead", d["stage"]), f"deal {d['id']} history ends")
        days = [x["on"] for x in h]
        eq(days, sorted(days), f"deal {d['id']}: days in order")
    for d in lost:
        path = [r[0] for r in ws.sql("SELECT to_stage FROM deal_history WHERE deal_id = ? ORDER BY id", d["id"])]
        early += "proposal" not in path
    assert early * 2 > len(lost), f"{early} of {len(lost)} lost before a proposal"
    # the deals-won goal counts them (won this year, all of them: the deals start this year)
    goal = {g["name"]: g for g in ws.js("goal", "list", "FY")["goals"]}["赢单数"]
    eq(goal["actual"], len(won), "赢单数 counts the won deals")
    avg = {g["name"]: g for g in ws.js("goal", "list", "FY")["goals"]}["平均订单金额"]
    total = sum(d["amount"] for d in won)
    eq(avg["actual"], (2 * total + len(won)) // (2 * len(won)), "平均订单金额: won amount / won deals, half up")


if __name__ == "__main__":
    run_all()
