"""test_quotas.py - the quotas routes over HTTP: GET /api/v1/projects/{code}/quotas (every goal,
one goal, the suggestion), PUT (a whole split), a rep's view of the team and of the goal
list, and the body's errors, each naming its field and changing nothing. Every answer is
checked against the OpenAPI document by the harness.

P1 (fixture): mgr its manager, rep and rep2 members, vw a viewer; out on no project. A
widget sells at 100.00. rep2 sold one in March (the basis window before the goal's), rep two in
August (in the goal's window, today 2026-09-15)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import Env, workspace  # noqa: E402
from harness import eq, run_all, test  # noqa: E402

URL = "/api/v1/projects/P1/quotas"


def setup():
    ws = workspace(("mgr", "rep", "rep2", "vw", "out"), channels=("direct",), products=("SKU-1",),
                   today="2026-09-15")
    for day, rep, n in (("2026-03-02", "rep2", 1), ("2026-08-01", "rep", 2)):
        ws.ok("sale", "add", "P1", "--date", day, "--customer", f"C-{rep}", "--product", "SKU-1",
              "--channel", "direct", "--rep", rep, "--quantity", str(n), "--price", "100.00")
    gid = ws.js("goal", "add", "P1", "--metric", "revenue", "--target", "1000.00", "--start",
                "2026-07-01", "--due", "2026-12-28")["id"]
    return ws, gid


def put(c, body):
    return c.request("PUT", URL, body)


@test
def a_manager_saves_a_split_and_everyone_on_the_project_reads_the_team():
    ws, gid = setup()
    with Env(ws) as env:
        mgr, rep, vw, out = (env.as_(x) for x in ("mgr", "rep", "vw", "out"))
        r = put(mgr, {"goal": gid, "version": 0,
                      "quotas": [{"person": "rep", "target": 60000}, {"person": "rep2", "target": 40000}]})
        eq(r.status, 200, f"saved: {r}")
        q = r.json()["goals"][0]["quotas"]
        # rep: 200.00 of 600.00 = 33.33%; rep2 sold nothing in the window
        eq([(x["person"], x["target"], x["share"], x["actual"], x["progress"]) for x in q["lines"]],
           [("rep", 60000, 0.6, 20000, 0.3333), ("rep2", 40000, 0.4, 0, 0)], "the lines")
        eq((q["version"], q["sum"], q["balanced"]), (1, 100000, True), "version 1, balanced")
        for c, who in ((rep, "rep"), (vw, "vw")):
            lines = c.ok("GET", URL)["goals"][0]["quotas"]["lines"]
            eq([x["person"] for x in lines], ["rep", "rep2"], f"{who} reads the team's lines")
            g = c.ok("GET", "/api/v1/projects/P1/goals")["goals"][0]
            eq([(x["person"], x["share"], x["progress"]) for x in g["quotas"]["lines"]],
               [("rep", 0.6, 0.3333), ("rep2", 0.4, 0)], f"{who}: the goal list carries them")
        one = mgr.ok("GET", URL + f"?goal={gid}")
        eq([x["goal"] for x in one["goals"]], [gid], "one goal")
        for c, status in ((rep, 403), (vw, 403), (out, 404)):
            r = put(c, {"goal": gid, "version": 1, "quotas": []})
            eq(r.status, status, f"a write by {c}: {r}")
        eq(out.get(URL).status, 404, "someone off the project sees no quotas")
        eq(mgr.ok("GET", URL)["goals"][0]["quotas"]["version"], 1, "unchanged by the refused writes")


@test
def the_suggestion_over_http_carries_its_inputs():
    ws, gid = setup()
    with Env(ws) as env:
        rep = env.as_("rep")
        s = rep.ok("GET", URL + f"?suggest=1&goal={gid}")
        # rep2 has history (100.00), rep none: rep takes the average of those with some (100.00);
        # both at full load: 50 / 50
        eq([(x["person"], x["past"], x["history"], x["basis"], x["capacity"], x["weight"], x["target"])
            for x in s["lines"]],
           [("rep", 0, False, 10000, 1, 10000, 50000), ("rep2", 10000, True, 10000, 1, 10000, 50000)],
           "each rep's inputs and quota")
        eq((s["basis_window"], s["step"], s["with_history"]),
           ({"from": "2026-01-01", "to": "2026-06-30"}, 100, 1), "the basis window, the step")
        for q, field, reason in (("?suggest=1", "goal", "required"), (f"?suggest=2&goal={gid}", "suggest", "not_bool"),
                                 ("?goal=abc", "goal", None)):
            r = rep.get(URL + q)
            eq((r.status, r.json()["error"]["field"]), (422, field), f"{q}: {r}")
            if reason:
                eq(r.json()["error"]["reason"], reason, q)
        eq(rep.get(URL + "?suggest=1&goal=999").status, 404, "no such goal")


@test
def a_bad_body_names_its_field_and_changes_nothing():
    ws, gid = setup()
    with Env(ws) as env:
        mgr = env.as_("mgr")
        ok = {"goal": gid, "version": 0, "quotas": [{"person": "rep", "target": 100000}]}
        eq(put(mgr, ok).status, 200, "a first split")
        line = {"person": "rep", "target": 100000}
        cases = [
            ({"goal": gid, "quotas": [line], "why": 1}, 422, "why", "unknown_field"),
            ({"goal": gid, "quotas": [{"person": "rep", "target": 100000, "who": "x"}]}, 422,
             "quotas[0].who", "unknown_field"),
            ({"goal": gid}, 422, "quotas", "required"),
            ({"quotas": [line]}, 422, "goal", "required"),
            ({"goal": gid, "quotas": {"rep": 1}}, 422, "quotas", "wrong_type"),
            ({"goal": gid, "quotas": [{"person": "rep", "target": "1000"}]}, 422, "quotas[0].target", "wrong_type"),
            ({"goal": gid, "quotas": [{"target": 100000}]}, 422, "quotas[0].person", "required"),
            ({"goal": gid, "quotas": [{"person": "rep", "target": 110000}, {"person": "rep2", "target": -10000}]},
             422, "target", "quota_negative"),
            ({"goal": gid, "quotas": [{"person": "rep", "target": 99999}]}, 422, "quotas", "quota_sum"),
            ({"goal": gid, "version": 0, "quotas": [line]}, 409, "version", "stale_version"),
            ({"goal": 999, "quotas": [line]}, 404, "goal", None),
        ]
        for body, status, field, reason in cases:
            r = put(mgr, body)
            eq((r.status, r.json()["error"]["field"]), (status, field), f"{body}: {r}")
            if reason:
                eq(r.json()["error"]["reason"], reason, f"{body}")
        r = put(mgr, {"goal": gid, "quotas": [{"person": "rep", "target": 99999}]})
        eq(r.json()["error"]["params"], {"sum": "999.99", "target": "1,000.00", "left": "0.01"}, "the sum's params")
        eq(mgr.request("PUT", URL, raw=b"{", content_type="application/json").status, 400, "not JSON")
        q = mgr.ok("GET", URL)["goals"][0]["quotas"]
        eq((q["version"], [(x["person"], x["target"]) for x in q["lines"]]), (1, [("rep", 100000)]),
           "nothing changed")


if __name__ == "__main__":
    run_all()
