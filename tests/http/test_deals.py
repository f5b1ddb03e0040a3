"""test_deals.py - the pipeline over HTTP: deals (/api/v1/projects/{code}/deals), their lines,
the stage move with its history, the stages, saved board views. Every answer is checked
against the OpenAPI document by the harness.

P1 (fixture): mgr its manager, rep and rep2 members, vw a viewer; out on no project. A widget
(SKU-1) lists at 100.00, a gadget (SKU-2) at 9.90. Customers C-rep (a sale in January)."""
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import Env, workspace  # noqa: E402
from harness import eq, run_all, test  # noqa: E402

BASE = "/api/v1/projects/P1"
TODAY = "2026-06-15"


def setup():
    ws = workspace(("mgr", "rep", "rep2", "vw", "out"), channels=("direct",),
                   products=("SKU-1", "SKU-2"), today=TODAY)
    ws.ok("sale", "add", "P1", "--date", "2026-01-05", "--customer", "C-rep", "--product",
          "SKU-1", "--channel", "direct", "--rep", "rep", "--quantity", "1", "--price", "100.00")
    return ws


def new_deal(c, title, **kw):
    body = {"title": title, "customer": "C-rep", "channel": "direct", **kw}
    return c.ok("POST", BASE + "/deals", body, status=201)


@test
def a_deal_through_the_pipeline_to_its_sales_and_back():
    ws = setup()
    with Env(ws) as env:
        rep, mgr = env.as_("rep"), env.as_("mgr")
        d = new_deal(rep, "窗口", expected_close="2026-07-31")
        eq((d["owner"], d["stage"], d["probability"], d["version"]), ("rep", "lead", 0.1, 1),
           "the rep's own, in lead")
        d = rep.ok("PUT", f"{BASE}/deals/{d['id']}/lines", {"version": 1, "lines": [
            {"product": "SKU-1", "quantity": 2},
            {"product": "SKU-2", "quantity": 10, "unit_price": 900, "discount": 500}]})
        amount = 2 * 10000 + 10 * 900 - 500
        eq((d["amount"], d["version"], len(d["lines"])), (amount, 2, 2),
           "200.00 at the list price + 90.00 - 5.00")
        d = rep.ok("POST", f"{BASE}/deals/{d['id']}/stage", {"stage": "proposal", "version": 2})
        eq((d["stage"], d["probability"], d["weighted"]), ("proposal", 0.5, amount // 2),
           "weighted at 50%")
        d = rep.ok("POST", f"{BASE}/deals/{d['id']}/stage?version=3",
                   {"stage": "won", "won_on": "2026-06-12"})
        eq((d["stage"], d["won_on"]), ("won", "2026-06-12"), "won, the version in the query")
        sales = rep.ok("GET", BASE + "/sales?from=2026-06-01")["sales"]
        eq(sorted((s["product"], s["amount"], s["rep"], s["date"]) for s in sales),
           [("SKU-1", 20000, "rep", "2026-06-12"), ("SKU-2", 8500, "rep", "2026-06-12")],
           "its sales")
        dash = mgr.ok("GET", BASE + "/dashboard")
        eq(dash["totals"]["revenue"], 10000 + amount, "January's sale and the deal's")
        hist = mgr.ok("GET", f"{BASE}/deals/{d['id']}/history")["history"]
        eq([(h["from"], h["to"], h["by"]) for h in hist],
           [(None, "lead", "rep"), ("lead", "proposal", "rep"), ("proposal", "won", "rep")],
           "the history")
        d = mgr.ok("POST", f"{BASE}/deals/{d['id']}/stage",
                   {"stage": "lost", "version": d["version"], "lost_reason": "客户取消预算"})
        eq((d["stage"], d["lost_reason"], d["won_on"]), ("lost", "客户取消预算", None),
           "lost after all")
        eq(mgr.ok("GET", BASE + "/dashboard")["totals"]["revenue"], 10000, "its sales gone")


@test
def two_people_moving_one_card_get_one_success_and_one_conflict():
    ws = setup()
    with Env(ws) as env:
        rep, mgr = env.as_("rep"), env.as_("mgr")
        d = new_deal(rep, "race")
        results = {}

        def move(who, c, stage):
            results[who] = c.request("POST", f"{BASE}/deals/{d['id']}/stage",
                                     {"stage": stage, "version": 1})

        threads = [threading.Thread(target=move, args=("rep", rep, "qualified")),
                   threading.Thread(target=move, args=("mgr", mgr, "proposal"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codes = sorted(r.status for r in results.values())
        eq(codes, [200, 409], f"one wins, one is told: {results}")
        loser = next(r for r in results.values() if r.status == 409).json()["error"]
        eq((loser["reason"], loser["field"], loser["params"]),
           ("stale_version", "version", {"yours": 1, "current": 2}), "a clear 409")
        winner = next(w for w, r in results.items() if r.status == 200)
        now = mgr.ok("GET", f"{BASE}/deals/{d['id']}")
        eq((now["stage"], now["version"]), ({"rep": "qualified", "mgr": "proposal"}[winner], 2),
           "the winner's move stands")
        eq(len(mgr.ok("GET", f"{BASE}/deals/{d['id']}/history")["history"]), 2,
           "one move in the history")


@test
def every_role_on_the_moves_lines_and_stages():
    ws = setup()
    with Env(ws) as env:
        c = {w: env.as_(w) for w in ("admin", "mgr", "rep", "rep2", "vw", "out")}
        mine = new_deal(c["rep"], "rep's")
        theirs = new_deal(c["mgr"], "mgr's", owner="rep2")
        eq(theirs["owner"], "rep2", "a manager names the owner")
        r = c["rep"].request("POST", BASE + "/deals", {"title": "x", "customer": "C-rep",
                                                       "owner": "rep2"})
        eq((r.status, r.json()["error"]["reason"]), (403, "own_records_only"),
           "a rep makes only their own")
        eq(c["vw"].request("POST", BASE + "/deals", {"title": "x", "customer": "C-rep"}).status,
           403, "a viewer makes none")
        eq(c["out"].request("GET", BASE + "/deals").status, 404, "an outsider sees no board")
        for who, want in (("rep", 403), ("vw", 403), ("out", 404), ("rep2", 200)):
            r = c[who].request("POST", f"{BASE}/deals/{theirs['id']}/stage",
                               {"stage": "qualified", "version": 1})
            eq(r.status, want, f"{who} moves rep2's deal")
        for who, want in (("rep2", 403), ("vw", 403), ("out", 404), ("rep", 200)):
            r = c[who].request("PUT", f"{BASE}/deals/{mine['id']}/lines",
                               {"version": 1, "lines": [{"product": "SKU-2", "quantity": 1}]})
            eq(r.status, want, f"{who} sets rep's lines")
        for who in ("rep", "rep2", "vw"):
            board = c[who].ok("GET", BASE + "/deals")["deals"]
            eq(sorted(x["id"] for x in board), sorted([mine["id"], theirs["id"]]),
               f"{who} sees the whole board")
        stages = {"stages": [{"code": "lead", "probability": 0.1},
                             {"code": "qualified", "probability": 0.3, "name": "已确认"},
                             {"code": "won", "probability": 1, "kind": "won"},
                             {"code": "lost", "probability": 0, "kind": "lost"}],
                  "stale_days": 10}
        for who, want in (("rep", 403), ("vw", 403), ("out", 404)):
            eq(c[who].request("PUT", BASE + "/stages", stages).status, want, f"{who}: stages")
        got = c["mgr"].ok("PUT", BASE + "/stages", {**stages, "version": 0})
        eq([(s["code"], s["kind"], s["name"]) for s in got["stages"]],
           [("lead", "open", ""), ("qualified", "open", "已确认"), ("won", "won", ""),
            ("lost", "lost", "")], "the manager's stages, open unless told")
        eq((got["stale_days"], got["version"], got["custom"]), (10, 1, True), "saved")
        r = c["admin"].request("PUT", BASE + "/stages", {**stages, "version": 0})
        eq((r.status, r.json()["error"]["reason"]), (409, "stale_version"), "a stale version")
        eq(c["vw"].ok("GET", BASE + "/stages")["stale_days"], 10, "everyone reads them")


@test
def bad_bodies_name_their_field_and_change_nothing():
    ws = setup()
    with Env(ws) as env:
        rep = env.as_("rep")
        d = new_deal(rep, "bodies")
        cases = [
            ("POST", f"/deals/{d['id']}/stage", {"stage": "won", "version": 1}, 422, "lines",
             "deal_no_lines"),
            ("POST", f"/deals/{d['id']}/stage", {"version": 1}, 422, "stage", "required"),
            ("POST", f"/deals/{d['id']}/stage", {"stage": 5, "version": 1}, 422, "stage", None),
            ("POST", f"/deals/{d['id']}/stage", {"stage": "lost", "version": 1}, 422,
             "lost_reason", "required"),
            ("POST", f"/deals/{d['id']}/stage", {"stage": "x", "version": 1, "extra": 1}, 422,
             "extra", "unknown_field"),
            ("PUT", f"/deals/{d['id']}/lines", {"version": 1}, 422, "lines", "required"),
            ("PUT", f"/deals/{d['id']}/lines", {"version": 1, "lines": {}}, 422, "lines",
             "wrong_type"),
            ("PUT", f"/deals/{d['id']}/lines", {"version": 1, "lines": [{"product": "SKU-1"}]},
             422, "lines[0].quantity", "required"),
            ("PUT", f"/deals/{d['id']}/lines",
             {"version": 1, "lines": [{"product": "SKU-1", "quantity": "2"}]}, 422,
             "lines[0].quantity", "wrong_type"),
            ("PUT", f"/deals/{d['id']}/lines",
             {"version": 1, "lines": [{"product": "SKU-1", "quantity": 1, "colour": "red"}]},
             422, "lines[0].colour", "unknown_field"),
            ("PUT", f"/deals/{d['id']}/lines", {"lines": []}, 422, "version", "version_required"),
            ("POST", "/deals/999/stage", {"stage": "qualified", "version": 1}, 404, "deal",
             "no_record"),
        ]
        for method, path, body, status, field, reason in cases:
            r = rep.request(method, BASE + path, body)
            eq(r.status, status, f"{method} {path} {body}: {r}")
            e = r.json()["error"]
            eq(e["field"], field, f"field of {body}")
            if reason:
                eq(e["reason"], reason, f"reason of {body}")
        now = rep.ok("GET", f"{BASE}/deals/{d['id']}")
        eq((now["version"], now["stage"], now["lines"]), (1, "lead", []), "unchanged")


@test
def saved_views_are_each_users_own():
    ws = setup()
    with Env(ws) as env:
        rep, rep2, vw = env.as_("rep"), env.as_("rep2"), env.as_("vw")
        v = rep.ok("POST", BASE + "/deal-views", {"name": "大单", "filters": {"min": 100000}},
                   status=201)
        eq((v["name"], v["filters"]), ("大单", {"min": 100000}), "saved")
        again = rep.ok("POST", BASE + "/deal-views",
                       {"name": "大单", "filters": {"min": 200000, "owner": "rep"}}, status=201)
        eq(again["id"], v["id"], "a view of the same name is replaced")
        vw.ok("POST", BASE + "/deal-views", {"name": "mine"}, status=201)
        eq([(x["name"], x["filters"]) for x in rep.ok("GET", BASE + "/deal-views")["views"]],
           [("大单", {"min": 200000, "owner": "rep"})], "rep's only")
        eq(rep2.ok("GET", BASE + "/deal-views")["views"], [], "none for rep2")
        eq(rep2.request("DELETE", f"{BASE}/deal-views/{v['id']}").status, 404,
           "rep2 cannot delete rep's")
        r = rep.request("POST", BASE + "/deal-views", {"name": "", "filters": {}})
        eq((r.status, r.json()["error"]["field"]), (422, "name"), "a name is required")
        r = rep.request("POST", BASE + "/deal-views", {"name": "x", "filters": [1]})
        eq((r.status, r.json()["error"]["field"]), (422, "filters"), "filters are an object")
        rep.ok("DELETE", f"{BASE}/deal-views/{v['id']}")
        eq(rep.ok("GET", BASE + "/deal-views")["views"], [], "deleted")


if __name__ == "__main__":
    run_all()
