"""test_feedback.py - customer feedback and what it adds up to, from the command line.

Feedback is a rating 1-5 and/or an NPS score 0-10 (at least one), a category (product, service,
price, delivery), a comment, a customer, optionally a sale or deal of the project (and of that
customer) and the member who served. NPS = % promoters (9-10) - % detractors (0-6) of the answers
with a score, rounded once, half away from zero, to 0.01; the average rating the same way. The
expected figures are computed here with exact fractions, apart from the program. A goal with the
metric nps reads the NPS of the feedback in its window, narrowed by its scope (rep = the member
who served, product and channel of the sale named, segment of the customer). A rep writes only
the feedback they took; managers all; viewers read; someone off the project sees nothing.
"""
import json
import os
import sys
from fractions import Fraction

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403
from fixture import insert_deal, workspace  # noqa: E402

CATEGORIES = ["product", "service", "price", "delivery"]


def round2(x):
    """An exact Fraction rounded half away from zero to two decimals, as text."""
    sign = -1 if x < 0 else 1
    cents = int(abs(x) * 100 + Fraction(1, 2))
    v = sign * cents
    return f"{'-' if v < 0 else ''}{abs(v) // 100}.{abs(v) % 100:02d}"


def nps(scores):
    scores = [s for s in scores if s is not None]
    if not scores:
        return None
    p = sum(1 for s in scores if s >= 9)
    d = sum(1 for s in scores if s <= 6)
    return Fraction(100 * (p - d), len(scores))


def avg(ratings):
    ratings = [r for r in ratings if r is not None]
    return Fraction(sum(ratings), len(ratings)) if ratings else None


def num(x):
    """A JSON number as text with two decimals (the API writes them so)."""
    return None if x is None else f"{x:.2f}"


def err_json(r):
    return json.loads(r.err.strip().splitlines()[-1])["error"]


def setup():
    """P1 (mgr manager, rep and rep2 members, vw viewer), P2; two products, two channels, two
    segments; customers with sales: 华东贸易 (smb) bought SKU-1 direct and SKU-2 in the shop,
    西湖电子 (ent) SKU-2 direct; 北方重工 bought in P2. Returns ws, customer ids, sale ids."""
    ws = workspace(users=("mgr", "rep", "rep2", "vw", "out"), projects=("P1", "P2"),
                   segments=("smb", "ent"), channels=("direct", "shop"),
                   products=("SKU-1", "SKU-2"))
    sales = {}
    for key, project, customer, sku, channel, seg in (
            ("a1", "P1", "华东贸易", "SKU-1", "direct", "smb"),
            ("a2", "P1", "华东贸易", "SKU-2", "shop", "smb"),
            ("b1", "P1", "西湖电子", "SKU-2", "direct", "ent"),
            ("n1", "P2", "北方重工", "SKU-1", "direct", "ent")):
        sales[key] = ws.js("sale", "add", project, "--date", "2026-02-01", "--customer", customer,
                           "--product", sku, "--channel", channel, "--quantity", "1",
                           "--segment", seg)["id"]
    ids = {c: ws.js("customer", "show", c)["id"] for c in ("华东贸易", "西湖电子", "北方重工")}
    return ws, ids, sales


def give(ws, customer, as_="rep", project="P1", **kw):
    argv = ["feedback", "add", project, "--customer", str(customer)]
    kw.setdefault("category", "service")
    for k, v in kw.items():
        argv += ["--" + k, str(v)]
    return ws.js(*argv, as_=as_)


@test
def every_category_recorded_with_its_links_and_listed():
    ws, ids, sales = setup()
    d = insert_deal(ws, "P1", ids["西湖电子"], "rep")
    made = [give(ws, ids["华东贸易"], category=c, rating=1 + i, nps=7 + i, comment=f"关于{c}",
                 date=f"2026-03-0{i + 1}", member="rep", sale=sales["a1"])
            for i, c in enumerate(CATEGORIES)]
    eq([(f["category"], f["rating"], f["nps"], f["comment"], f["date"], f["customer_name"],
         f["member"], f["taken_by"], f["sale"], f["product"], f["channel"]) for f in made],
       [(c, 1 + i, 7 + i, f"关于{c}", f"2026-03-0{i + 1}", "华东贸易", "rep", "rep", sales["a1"],
         "SKU-1", "direct") for i, c in enumerate(CATEGORIES)], "each category, the sale's product")
    only_nps = give(ws, ids["西湖电子"], nps=10, deal=d, as_="mgr")
    eq((only_nps["rating"], only_nps["nps"], only_nps["deal"], only_nps["product"],
        only_nps["taken_by"], only_nps["member"]), (None, 10, d, None, "mgr", None),
       "an NPS score alone, about a deal")
    only_rating = give(ws, ids["西湖电子"], rating=2, category="delivery", date="2026-03-09")
    eq((only_rating["rating"], only_rating["nps"]), (2, None), "a rating alone")
    listed = ws.js("feedback", "list", "P1", as_="vw")["feedback"]
    eq(len(listed), 6, "a viewer reads them all")
    eq([f["id"] for f in ws.js("feedback", "list", "P1", "--category", "price")["feedback"]],
       [made[2]["id"]], "filtered by category")
    eq(sorted(f["id"] for f in ws.js("feedback", "list", "P1", "--customer",
                                     str(ids["西湖电子"]))["feedback"]),
       sorted([only_nps["id"], only_rating["id"]]), "filtered by customer")
    eq([f["id"] for f in ws.js("feedback", "list", "P1", "--date", "2026-03-03..2026-03-04")
        ["feedback"]], [made[3]["id"], made[2]["id"]], "a date range, newest first")
    audit = ws.sql("SELECT COUNT(*) FROM audit WHERE entity = 'feedback' AND action = 'create'")
    eq(audit, [(6,)], "audited")


@test
def nps_is_promoters_minus_detractors_exactly_for_the_project_members_and_products():
    ws, ids, sales = setup()
    # the project: 5 promoters, 2 passives, 3 detractors -> 50% - 30% = 20
    rows = [
        # (customer, sale, member, rating, nps)
        ("华东贸易", "a1", "rep", 5, 10), ("华东贸易", "a1", "rep", 4, 9), ("华东贸易", "a2", "rep", 5, 9),
        ("西湖电子", "b1", "rep2", 3, 9), ("西湖电子", "b1", "rep2", None, 10),
        ("华东贸易", "a2", "rep2", 4, 8), ("西湖电子", None, "rep", 3, 7),
        ("华东贸易", "a1", "rep2", 1, 0), ("西湖电子", "b1", None, 2, 6), ("华东贸易", None, "rep", 2, 3),
        # a rating without a score: counts for the average, not for NPS
        ("华东贸易", "a1", "rep", 4, None),
    ]
    for cust, sale, member, rating, score in rows:
        kw = {}
        if sale:
            kw["sale"] = sales[sale]
        if member:
            kw["member"] = member
        if rating is not None:
            kw["rating"] = rating
        if score is not None:
            kw["nps"] = score
        give(ws, ids[cust], as_="mgr", date="2026-04-01", **kw)
    give(ws, ids["北方重工"], project="P2", nps=0, as_="admin")  # another project's: not counted
    s = ws.js("feedback", "summary", "P1", as_="vw")
    scores = [r[4] for r in rows]
    eq(nps(scores), Fraction(20), "the hand-made set's NPS is 20 (5 - 3 of 10)")
    t = s["total"]
    eq((t["count"], t["responses"], t["promoters"], t["passives"], t["detractors"]),
       (11, 10, 5, 2, 3), "the counts")
    eq((num(t["nps"]), num(t["rating_avg"])),
       (round2(nps(scores)), round2(avg([r[3] for r in rows]))), "NPS 20.00 and the average rating")
    eq(num(t["nps"]), "20.00", "exactly 20")

    def group(key_of):
        out = {}
        for r in rows:
            out.setdefault(key_of(r), []).append(r)
        return out

    product = {"a1": "SKU-1", "a2": "SKU-2", "b1": "SKU-2", None: None}
    for name, key_of, listed, key in (
            ("member", lambda r: r[2], s["members"], "member"),
            ("product", lambda r: product[r[1]], s["products"], "product")):
        want = {k: (len(v), round2(nps([r[4] for r in v])) if nps([r[4] for r in v]) is not None
                    else None, round2(avg([r[3] for r in v])) if avg([r[3] for r in v]) is not None
                    else None)
                for k, v in group(key_of).items()}
        got = {g[key]: (g["count"], num(g["nps"]), num(g["rating_avg"])) for g in listed}
        eq(got, want, f"per {name}")
    # rep: 10, 9, 9, 7, 3 and a rating-only line -> (3 - 1) / 5 = 40
    eq(num({g["member"]: g for g in s["members"]}["rep"]["nps"]), "40.00", "rep's NPS by hand")
    # SKU-2: a2 (9, 8) and b1 (9, 10, 6) -> (3 - 1) / 5 = 40
    eq(num({g["product"]: g for g in s["products"]}["SKU-2"]["nps"]), "40.00", "SKU-2 by hand")
    # a window with none of it
    e = ws.js("feedback", "summary", "P1", "--from", "2026-05-01")
    eq((e["total"]["count"], e["total"]["nps"], e["total"]["rating_avg"], e["members"]),
       (0, None, None, []), "nothing in May")


@test
def rounding_is_half_away_from_zero_to_two_decimals():
    ws, ids, _ = setup()
    c = ids["华东贸易"]
    # 2 promoters, 1 detractor of 3 -> 33.333...; ratings 5, 4, 4 -> 4.333...
    for score, rating in ((9, 5), (10, 4), (0, 4)):
        give(ws, c, nps=score, rating=rating, date="2026-06-01", as_="mgr")
    s = ws.js("feedback", "summary", "P1", "--from", "2026-06-01", "--to", "2026-06-30")
    eq((num(s["total"]["nps"]), num(s["total"]["rating_avg"])), ("33.33", "4.33"), "a third")
    # two more detractors: (2 - 3) / 5 = -20; ratings 5, 4, 4, 5, 5 -> 4.60
    for score in (1, 2):
        give(ws, c, nps=score, rating=5, date="2026-06-02", as_="mgr")
    s = ws.js("feedback", "summary", "P1", "--from", "2026-06-01", "--to", "2026-06-30")
    eq((num(s["total"]["nps"]), num(s["total"]["rating_avg"])), ("-20.00", "4.60"), "below zero")
    # one more passive: (2 - 3) / 6 = -16.666... -> -16.67 (away from zero)
    give(ws, c, nps=7, date="2026-06-03", as_="mgr")
    s = ws.js("feedback", "summary", "P1", "--from", "2026-06-01", "--to", "2026-06-30")
    eq(num(s["total"]["nps"]), round2(Fraction(-100, 6)), "-16.67")
    eq(num(s["total"]["nps"]), "-16.67", "half away from zero")
    out = ws.ok("feedback", "summary", "P1", "--from", "2026-06-01").out
    assert "-16.67" in out and "4.60" in out, out


@test
def a_goal_of_nps_reads_the_feedback_in_its_window_and_scope():
    ws, ids, sales = setup()
    c1, c2 = ids["华东贸易"], ids["西湖电子"]
    rows = [  # (customer, sale, member, nps, date)
        (c1, "a1", "rep", 10, "2026-07-05"), (c1, "a1", "rep", 9, "2026-07-06"),
        (c1, "a2", "rep2", 3, "2026-07-07"), (c2, "b1", "rep2", 9, "2026-07-08"),
        (c2, "b1", "rep", 5, "2026-07-09"), (c2, None, "rep", 8, "2026-07-10"),
        (c1, "a1", "rep", 0, "2026-06-30"),  # before the window
    ]
    for cust, sale, member, score, day in rows:
        kw = {"member": member, "nps": score, "date": day}
        if sale:
            kw["sale"] = sales[sale]
        give(ws, cust, as_="mgr", **kw)

    def want(pred):
        return nps([r[3] for r in rows if "2026-07-01" <= r[4] <= "2026-07-31" and pred(r)])

    def goal(*scope):
        args = ["goal", "add", "P1", "--metric", "nps", "--target", "0.5", "--start", "2026-07-01",
                "--due", "2026-07-31", "--baseline", "0.1"]
        for s in scope:
            args += ["--scope", s]
        return ws.js(*args)["id"]

    seg = {c1: "smb", c2: "ent"}
    product = {"a1": "SKU-1", "a2": "SKU-2", "b1": "SKU-2", None: None}
    channel = {"a1": "direct", "a2": "shop", "b1": "direct", None: None}
    cases = [
        ((), lambda r: True),
        (("rep=rep",), lambda r: r[2] == "rep"),
        (("product=SKU-2",), lambda r: product[r[1]] == "SKU-2"),
        (("channel=direct",), lambda r: channel[r[1]] == "direct"),
        (("segment=ent",), lambda r: seg[r[0]] == "ent"),
        (("segment=smb", "rep=rep"), lambda r: seg[r[0]] == "smb" and r[2] == "rep"),
    ]
    made = [(goal(*scope), pred, scope) for scope, pred in cases]
    listed = {g["id"]: g for g in ws.js("goal", "list", "P1")["goals"]}
    for gid, pred, scope in made:
        w = want(pred)
        # a ratio in [-1, 1] on the wire: NPS / 100, to the basis point
        got = listed[gid]["actual"]
        eq(None if got is None else round(Fraction(got).limit_denominator(10000) * 100, 2),
           None if w is None else round(w, 2), f"nps goal scoped {scope}")
    # by hand: all of July: 10, 9, 3, 9, 5, 8 -> (3 - 2) / 6 = 16.67
    eq(round(listed[made[0][0]]["actual"] * 100, 2), 16.67, "all of July")
    eq(listed[made[0][0]]["metric"], "nps", "the metric")


@test
def links_must_be_the_projects_and_the_customers_and_bad_input_changes_nothing():
    ws, ids, sales = setup()
    c = str(ids["华东贸易"])
    d_other = insert_deal(ws, "P1", ids["西湖电子"], "rep")
    # P2's deal is owned by one of its members
    ws.ok("user", "add", "p2rep", "--name", "P2 rep", "--role", "rep")
    ws.ok("member", "add", "P2", "p2rep")
    d_p2 = insert_deal(ws, "P2", ids["北方重工"], "p2rep")
    base = ["feedback", "add", "P1", "--customer", c, "--category", "service"]
    ws.refusals(base, [
        ([], "rating", "rating_or_nps"),
        (["--rating", "0"], "rating", None),
        (["--rating", "6"], "rating", None),
        (["--nps", "11"], "nps", None),
        (["--nps", "-1"], "nps", None),
        (["--nps", "9", "--category", "mood"], "category", None),
        (["--nps", "9", "--sale", str(sales["b1"])], "sale", "sale_customer"),
        (["--nps", "9", "--sale", str(sales["n1"])], "sale", "no_sale_in_project",
         {"sale": sales["n1"], "project": "P1"}),
        (["--nps", "9", "--deal", str(d_other)], "deal", "deal_customer"),
        (["--nps", "9", "--deal", str(d_p2)], "deal", "no_deal_in_project",
         {"deal": d_p2, "project": "P1"}),
        (["--nps", "9", "--member", "out"], "member", "not_member", {"login": "out", "project": "P1"}),
        (["--nps", "9", "--date", "2026-13-01"], "date", None),
    ], as_="mgr")
    ws.refusals(["feedback", "add", "P1", "--nps", "9"], [([], "customer", "required")], as_="mgr")
    eq(ws.sql("SELECT COUNT(*) FROM feedback"), [(0,)], "nothing written")


@test
def a_rep_changes_only_what_they_took_managers_all_viewers_read_outsiders_nothing():
    ws, ids, _ = setup()
    c = ids["华东贸易"]
    mine = give(ws, c, nps=9, as_="rep")
    theirs = give(ws, c, nps=3, as_="rep2", member="rep")
    eq((mine["taken_by"], theirs["taken_by"]), ("rep", "rep2"), "who took each")
    r = ws.fail("feedback", "update", "P1", str(theirs["id"]), "--nps", "10", as_="rep",
                json_out=True)
    eq((err_json(r)["reason"], r.code), ("own_records_only", 77),
       "not what another took, even naming them as who served")
    r = ws.fail("feedback", "delete", "P1", str(theirs["id"]), as_="rep", json_out=True)
    eq(err_json(r)["reason"], "own_records_only", "nor delete it")
    eq(ws.js("feedback", "update", "P1", str(mine["id"]), "--comment", "回访满意", as_="rep")["version"],
       2, "their own")
    eq(ws.js("feedback", "update", "P1", str(theirs["id"]), "--nps", "4", as_="mgr")["nps"], 4,
       "a manager changes any")
    r = ws.fail("feedback", "add", "P1", "--customer", str(c), "--nps", "9", "--category", "price",
                as_="vw", json_out=True)
    eq(r.code, 77, "a viewer records nothing")
    eq(len(ws.js("feedback", "list", "P1", as_="vw")["feedback"]), 2, "a viewer reads")
    for args in (("feedback", "list", "P1"), ("feedback", "summary", "P1"),
                 ("feedback", "show", "P1", str(mine["id"]))):
        r = ws.fail(*args, as_="out", json_out=True)
        eq(err_json(r)["reason"], "no_project", f"an outsider: {args[1]}")


@test
def a_customers_timeline_holds_sales_activities_and_feedback_of_the_projects_one_sees():
    ws, ids, sales = setup()
    c = ids["华东贸易"]
    ws.ok("member", "add", "P2", "rep", "--role", "member")
    ws.ok("sale", "add", "P2", "--date", "2026-02-03", "--customer", "华东贸易", "--product",
          "SKU-1", "--channel", "direct", "--quantity", "2")
    a = ws.js("activity", "add", "P1", "--kind", "visit", "--date", "2026-02-02", "--time", "10:00",
              "--customer", str(c), "--phase", "after_sale", "--outcome", "回访", as_="rep")
    p = ws.js("activity", "add", "P1", "--kind", "call", "--date", "2026-02-05", "--customer", str(c),
              "--phase", "in_sale", "--status", "planned", as_="rep2")
    f = give(ws, c, nps=9, rating=4, comment="很好", date="2026-02-04", member="rep", as_="rep")
    # rep sees P1 and P2; rep2 only P1
    t = ws.js("customer", "timeline", str(c), as_="rep")
    eq([(i["date"], i["kind"], i["project"]) for i in t["items"]],
       [("2026-02-05", "activity", "P1"), ("2026-02-04", "feedback", "P1"),
        ("2026-02-03", "sale", "P2"), ("2026-02-02", "activity", "P1"),
        ("2026-02-01", "sale", "P1"), ("2026-02-01", "sale", "P1")], "newest first, both projects")
    eq(t["total"], 6, "six entries")
    by = {(i["kind"], i["id"]): i for i in t["items"]}
    eq((by[("activity", a["id"])]["title"], by[("activity", a["id"])]["detail"],
        by[("activity", a["id"])]["time"], by[("activity", a["id"])]["state"]),
       ("visit", "回访", "10:00", "done"), "an activity's entry")
    eq(by[("activity", p["id"])]["state"], "planned", "a to-do")
    eq((by[("feedback", f["id"])]["title"], by[("feedback", f["id"])]["detail"]),
       ("service", "★4 NPS 9 很好"), "a feedback's entry")
    eq((by[("sale", sales["a1"])]["title"], by[("sale", sales["a1"])]["amount"]), ("Widget", 10000),
       "a sale's entry: its product, its amount (100.00)")
    t2 = ws.js("customer", "timeline", str(c), as_="rep2")
    eq(sorted({i["project"] for i in t2["items"]}), ["P1"], "P2 is never shown to rep2")
    eq(t2["total"], 5, "five of them")
    k = ws.js("customer", "timeline", str(c), "--kind", "activity,feedback", as_="rep")
    eq([i["kind"] for i in k["items"]], ["activity", "feedback", "activity"], "by kind")
    page = ws.js("customer", "timeline", str(c), "--limit", "2", "--offset", "2", as_="rep")
    eq([(i["date"], i["kind"]) for i in page["items"]],
       [("2026-02-03", "sale"), ("2026-02-02", "activity")], "a page")
    r = ws.fail("customer", "timeline", str(c), "--kind", "sale,fax", json_out=True)
    eq((err_json(r)["field"], err_json(r)["reason"], err_json(r)["params"]),
       ("kind", "bad_kind", {"value": "fax"}), "an unknown kind")
    r = ws.fail("customer", "timeline", "99999", json_out=True)
    eq(err_json(r)["code"], "not_found", "no such customer")
    eq(ws.js("customer", "timeline", str(c), as_="out")["items"], [], "an outsider sees nothing of it")


@test
def a_sale_deleted_leaves_its_feedback_without_the_sale():
    ws, ids, sales = setup()
    f = give(ws, ids["西湖电子"], nps=8, sale=sales["b1"], as_="mgr")
    eq(f["product"], "SKU-2", "the sale's product")
    ws.ok("sale", "delete", "P1", str(sales["b1"]))
    g = ws.js("feedback", "show", "P1", str(f["id"]))
    eq((g["sale"], g["nps"]), (None, 8), "the feedback stays, the sale is gone from it")


if __name__ == "__main__":
    run_all()
