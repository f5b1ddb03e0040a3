#!/usr/bin/env python3
"""test_timeline.py - a customer's timeline holds every kind of record about them: the deals
they are in (dated the win, the loss, else the day the deal was made), the problems they met
(dated the day opened), the payments planned for their won deals (dated due, received or not),
beside their sales, activities and feedback; each kind filters, and a project the reader is
not in is never shown. The deals, problems and payments are made through their own commands."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403

TODAY = "2026-06-15"


def world():
    """P1 (mona manages it, rita a member), P2 (mona only); product W at 100.00; ACME bought
    one W in January in P1 and one in P2 in February."""
    ws = Workspace(today=TODAY)
    for login, role in (("mona", "manager"), ("rita", "rep")):
        ws.ok("user", "add", login, "--name", login.title(), "--role", role)
    for code in ("P1", "P2"):
        ws.ok("project", "create", code, "--name", code, "--start", "2026-01-01",
              "--end", "2026-12-31")
        ws.ok("member", "add", code, "mona", "--role", "manager")
    ws.ok("member", "add", "P1", "rita")
    ws.ok("channel", "add", "direct", "--name", "Direct", "--type", "direct")
    ws.ok("product", "add", "W", "--name", "Widget", "--cost", "10.00", "--price", "100.00",
          "--effective", "2025-01-01")
    ws.ok("sale", "add", "P1", "--date", "2026-01-05", "--customer", "ACME", "--product", "W",
          "--channel", "direct", "--quantity", "1", "--rep", "rita")
    ws.ok("sale", "add", "P2", "--date", "2026-02-05", "--customer", "ACME", "--product", "W",
          "--channel", "direct", "--quantity", "1", "--rep", "mona")
    return ws


@test
def deals_problems_and_payments_are_on_the_customers_timeline():
    ws = world()
    acme = ws.js("customer", "show", "ACME")["id"]
    won = ws.js("deal", "add", "P1", "--title", "年度采购", "--customer", "ACME", "--channel",
                "direct", as_="rita")
    ws.js("deal", "lines", "P1", str(won["id"]), "--line", "W:3", as_="rita")
    ws.js("deal", "move", "P1", str(won["id"]), "won", "--won-on", "2026-03-10", as_="rita")
    lost = ws.js("deal", "add", "P1", "--title", "扩容", "--customer", "ACME", as_="rita")
    ws.js("deal", "move", "P1", str(lost["id"]), "lost", "--reason", "预算被削减", as_="rita")
    open_p2 = ws.js("deal", "add", "P2", "--title", "P2 的商机", "--customer", "ACME", as_="mona")
    prob = ws.js("problem", "add", "P1", "--type", "delivery", "--severity", "high", "--title",
                 "到货延误", "--owner", "rita", "--customer", str(acme), as_="mona")
    pay = ws.js("collection", "add", "P1", "--deal", str(won["id"]), "--due", "2026-04-10",
                "--amount", "100.00", "--note", "首付", as_="mona")
    ws.js("collection", "receive", "P1", str(pay["id"]), "--amount", "40.00", "--date",
          "2026-04-08", as_="mona")

    t = ws.js("customer", "timeline", str(acme), as_="rita")
    by = {(i["kind"], i["id"]): i for i in t["items"]}
    w = by[("deal", won["id"])]
    eq((w["date"], w["project"], w["title"], w["state"], w["amount"], w["who"]),
       ("2026-03-10", "P1", "年度采购", "won", 3 * 10000, "rita"),
       "the won deal: its win day, its amount (3 x 100.00), its owner")
    lo = by[("deal", lost["id"])]
    eq((lo["date"], lo["state"], lo["detail"]), (TODAY, "lost", "预算被削减"),
       "the lost deal: lost today, with its reason")
    p = by[("problem", prob["id"])]
    # (a problem is stamped with the moment it was opened, the real clock: its UTC day)
    eq((p["date"], p["title"], p["state"], p["detail"], p["who"], p["amount"]),
       (prob["opened_at"][:10], "到货延误", "open", "high delivery", "rita", None),
       "the problem: the day it was opened, open, its severity and type, its owner")
    c = by[("collection", pay["id"])]
    eq((c["date"], c["title"], c["detail"], c["amount"], c["state"]),
       ("2026-04-10", "年度采购", "首付", 10000, "partly_received"),
       "the payment: due day, its deal, its terms, planned 100.00 of which 40.00 came")
    # the three sales: January's, and the won deal's line on its win day; none of P2 for rita
    eq(sorted((i["date"], i["amount"]) for i in t["items"] if i["kind"] == "sale"),
       [("2026-01-05", 10000), ("2026-03-10", 30000)], "the sales rita may see")
    assert ("deal", open_p2["id"]) not in by, "P2's deal is not shown to rita"
    eq(t["total"], 6, "two sales, two deals, a problem and a payment")
    eq([i["kind"] for i in t["items"]][2:5], ["collection", "sale", "deal"],
       "newest first: the problem and today's lost deal, then April's payment, then March 10th: "
       "the win's sale before the deal (one day's entries in the order of kinds)")
    # each kind filters
    for kind, n in (("deal", 2), ("problem", 1), ("collection", 1)):
        k = ws.js("customer", "timeline", str(acme), "--kind", kind, as_="rita")
        eq(({i["kind"] for i in k["items"]}, len(k["items"])), ({kind}, n), f"only {kind}")
    # mona sees P2's deal too
    m = ws.js("customer", "timeline", str(acme), "--kind", "deal", as_="mona")
    eq(sorted(i["project"] for i in m["items"]), ["P1", "P1", "P2"], "a manager of both")
    # the payment received in full reads received
    ws.js("collection", "receive", "P1", str(pay["id"]), "--amount", "60.00", "--date",
          "2026-04-09", as_="mona")
    k = ws.js("customer", "timeline", str(acme), "--kind", "collection", as_="rita")
    eq(k["items"][0]["state"], "received", "received in full")


if __name__ == "__main__":
    run_all()
