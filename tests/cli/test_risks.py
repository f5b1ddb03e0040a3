"""test_risks.py - a project's risks from the command line: recorded, scored, listed by score,
due for review, counted in the probability x impact matrix, and written by whom the rules say.

A risk has a category (market, competition, pricing, channel, team, supply, finance, other), a
probability and an impact from 1 to 5, a score that is their product (read only), a mitigation,
an owner on the project (default: the writer), a status (open, mitigating, closed, occurred) and
a review day. It is due for review once that day has passed and it is not closed. Managers write
every risk, a member the ones they own, a viewer reads. The matrix counts the open and
mitigating risks per probability and impact. Every score, order, flag and count below is worked
out by the test from what it wrote.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403

CATEGORIES = ["market", "competition", "pricing", "channel", "team", "supply", "finance", "other"]
STATUSES = ["open", "mitigating", "closed", "occurred"]
TODAY = "2026-06-15"


def err_json(r):
    return json.loads(r.err.strip().splitlines()[-1])["error"]


def band(score):
    """The band a score falls in, as the product says: low 1-4, medium 5-9, high 10-16,
    critical 20-25."""
    for top, name in ((4, "low"), (9, "medium"), (16, "high"), (25, "critical")):
        if score <= top:
            return name


def setup():
    """P1: mgr its manager, rep and rep2 members, vw a viewer; out on no project; P2 another."""
    ws = Workspace(today=TODAY)
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
    ws.ok("member", "add", "P2", "rep", "--role", "member")
    return ws


def add(ws, as_="mgr", project="P1", **kw):
    args = ["risk", "add", project]
    for k, v in kw.items():
        args += ["--" + k.replace("_", "-"), str(v)]
    return ws.js(*args, as_=as_)


@test
def every_category_is_scored_and_listed_highest_score_first():
    ws = setup()
    made = []
    # every category, probabilities and impacts across the scale (p, i chosen to repeat scores)
    pairs = [(1, 1), (2, 3), (3, 2), (5, 4), (4, 5), (3, 3), (5, 5), (2, 1)]
    for cat, (p, i) in zip(CATEGORIES, pairs):
        r = add(ws, description=f"{cat} 风险", category=cat, probability=p, impact=i,
                mitigation="每周跟进", owner="rep")
        eq((r["category"], r["probability"], r["impact"], r["score"], r["band"]),
           (cat, p, i, p * i, band(p * i)), f"{cat}: scored {p} x {i}")
        eq((r["status"], r["owner"], r["owner_name"], r["review_on"], r["review_due"],
            r["version"]), ("open", "rep", "王芳", None, False, 1), f"{cat}: open, rep's")
        made.append((r["id"], p * i))
    listed = ws.js("risk", "list", "P1")["risks"]
    # highest score first; equal scores (2x3 and 3x2, 5x4 and 4x5) in the order they were made
    expect = [rid for rid, _ in sorted(made, key=lambda m: (-m[1], m[0]))]
    eq([r["id"] for r in listed], expect, "by score, then as made")
    eq([r["score"] for r in listed], [25, 20, 20, 9, 6, 6, 2, 1], "the scores by hand")
    eq([r["id"] for r in ws.js("risk", "list", "P1", "--category", "supply")["risks"]],
       [made[5][0]], "a category's")
    # the score follows an update of either factor; it cannot be set
    rid = made[0][0]
    u = ws.js("risk", "update", "P1", str(rid), "--probability", "4", "--version", "1")
    eq((u["score"], u["band"], u["version"]), (4, "low", 2), "1 x 1 became 4 x 1")
    u = ws.js("risk", "update", "P1", str(rid), "--impact", "4", "--version", "2")
    eq((u["score"], u["band"]), (16, "high"), "4 x 4")
    eq(ws.sql("SELECT score FROM risks WHERE id = ?", rid), [(16,)], "the score is stored")
    r = ws.fail("risk", "update", "P1", str(rid), "--score", "25", "--version", "3",
                json_out=True)
    eq(r.code != 0, True, "the score is the server's")
    # the text list shows it too
    out = ws.ok("risk", "list", "P1").out
    eq("16" in out and "supply 风险" in out, True, "the text list")


@test
def bad_input_is_refused_naming_the_field_and_changes_nothing():
    ws = setup()
    ok = {"description": "渠道商流失", "category": "channel", "probability": "3", "impact": "4"}

    def args(**over):
        a = dict(ok, **over)
        out = []
        for k, v in a.items():
            if v is not None:
                out += ["--" + k, v]
        return out

    ws.refusals(["risk", "add", "P1"], [
        (args(description=None), "description", "required"),
        (args(description=""), "description", None),
        (args(category=None), "category", "required"),
        (args(category="weather"), "category", "bad_enum"),
        (args(probability=None), "probability", "required"),
        (args(probability="0"), "probability", None),
        (args(probability="6"), "probability", None),
        (args(probability="x"), "probability", None),
        (args(impact="0"), "impact", None),
        (args(impact="6"), "impact", None),
        (args() + ["--status", "gone"], "status", "bad_enum"),
        (args() + ["--owner", "out"], "owner", "not_member", {"login": "out", "project": "P1"}),
        (args() + ["--owner", "nobody"], "owner", None),
        (args() + ["--review-on", "2026-02-30"], "review_on", None),
    ], as_="mgr")
    eq(ws.sql("SELECT COUNT(*) FROM risks"), [(0,)], "nothing written")
    r = add(ws, **ok)
    ws.refusals(["risk", "update", "P1", str(r["id"])], [
        (["--probability", "9", "--version", "1"], "probability", None),
        (["--owner", "out", "--version", "1"], "owner", "not_member"),
        (["--impact", "2", "--version", "7"], "version", "stale_version"),
    ], as_="mgr")
    eq(ws.js("risk", "show", "P1", str(r["id"]))["version"], 1, "the refusals changed nothing")


@test
def managers_write_every_risk_members_their_own_viewers_read():
    ws = setup()
    mine = add(ws, as_="rep", description="核心销售离职", category="team", probability=2,
               impact=4)
    eq(mine["owner"], "rep", "a rep's risk is theirs by default")
    theirs = add(ws, as_="mgr", description="竞品降价", category="competition", probability=4,
                 impact=4, owner="rep2")
    r = ws.fail("risk", "add", "P1", "--description", "x", "--category", "other",
                "--probability", "1", "--impact", "1", "--owner", "rep2", as_="rep",
                json_out=True)
    eq((err_json(r)["reason"], r.code), ("own_records_only", 77), "not for another member")
    r = ws.fail("risk", "update", "P1", str(theirs["id"]), "--impact", "1", as_="rep",
                json_out=True)
    eq(err_json(r)["reason"], "own_records_only", "not another's")
    r = ws.fail("risk", "delete", "P1", str(theirs["id"]), as_="rep", json_out=True)
    eq(err_json(r)["reason"], "own_records_only", "nor delete it")
    r = ws.fail("risk", "update", "P1", str(mine["id"]), "--owner", "rep2", as_="rep",
                json_out=True)
    eq(err_json(r)["reason"], "own_records_only", "nor give theirs away")
    u = ws.js("risk", "update", "P1", str(mine["id"]), "--status", "mitigating", "--mitigation",
              "签订竞业协议", as_="rep")
    eq((u["status"], u["mitigation"], u["version"]), ("mitigating", "签订竞业协议", 2), "their own")
    eq(ws.js("risk", "update", "P1", str(theirs["id"]), "--status", "occurred",
             as_="mgr")["status"], "occurred", "a manager changes any")
    eq(len(ws.js("risk", "list", "P1", as_="vw")["risks"]), 2, "a viewer reads")
    r = ws.fail("risk", "add", "P1", "--description", "x", "--category", "other",
                "--probability", "1", "--impact", "1", as_="vw", json_out=True)
    eq(r.code, 77, "a viewer writes nothing")
    r = ws.fail("risk", "update", "P1", str(mine["id"]), "--impact", "1", as_="vw",
                json_out=True)
    eq(r.code, 77, "nor changes one")
    for verb in (("list", "P1"), ("show", "P1", str(mine["id"])), ("matrix", "P1")):
        r = ws.fail("risk", *verb, as_="out", json_out=True)
        eq(err_json(r)["reason"], "no_project", f"an outsider: {verb[0]}")
    # a risk of P1 is not found in P2
    r = ws.fail("risk", "show", "P2", str(mine["id"]), as_="rep", json_out=True)
    eq(err_json(r)["code"], "not_found", "another project's risk")
    ws.ok("risk", "delete", "P1", str(mine["id"]), as_="rep")
    eq([r["id"] for r in ws.js("risk", "list", "P1")["risks"]], [theirs["id"]], "deleted")
    eq(len(ws.sql("SELECT 1 FROM audit WHERE entity = 'risk'")), 5,
       "two made, two changed, one deleted: audited")


@test
def a_risk_is_due_for_review_once_its_day_has_passed_unless_closed():
    ws = setup()
    # today is 2026-06-15
    cases = [("2026-06-14", "open", True), ("2026-06-15", "open", False),
             ("2026-06-16", "mitigating", False), ("2026-01-01", "mitigating", True),
             ("2026-05-01", "closed", False), ("2026-05-01", "occurred", True), (None, "open", False)]
    ids = {}
    for k, (day, status, due) in enumerate(cases):
        kw = {"description": f"风险 {k}", "category": "market", "probability": 2, "impact": 2,
              "status": status}
        if day:
            kw["review_on"] = day
        r = add(ws, **kw)
        eq((r["review_on"], r["review_due"]), (day, due), f"review {day} {status}")
        ids[r["id"]] = due
    due = ws.js("risk", "list", "P1", "--review-due", "yes")["risks"]
    eq(sorted(r["id"] for r in due), sorted(i for i, d in ids.items() if d), "the due ones")
    not_due = ws.js("risk", "list", "P1", "--review-due", "no")["risks"]
    eq(sorted(r["id"] for r in not_due), sorted(i for i, d in ids.items() if not d), "the rest")
    # a day later the one reviewed today is due too
    ws.env["SALESPM_TODAY"] = "2026-06-16"
    due = ws.js("risk", "list", "P1", "--review-due", "yes")["risks"]
    eq(len(due), sum(ids.values()) + 1, "a day later, one more")


@test
def the_matrix_counts_open_and_mitigating_risks_per_cell():
    ws = setup()
    made = [(5, 5, "open"), (5, 5, "mitigating"), (5, 5, "closed"), (4, 2, "open"),
            (1, 3, "occurred"), (2, 4, "open"), (4, 2, "mitigating"), (3, 3, "open"),
            (1, 1, "open")]
    for k, (p, i, status) in enumerate(made):
        add(ws, description=f"r{k}", category=CATEGORIES[k % 8], probability=p, impact=i,
            status=status)
    add(ws, project="P2", as_="rep", description="other project", category="market",
        probability=5, impact=5)
    counts = {}
    for p, i, status in made:
        if status in ("open", "mitigating"):
            counts[(p, i)] = counts.get((p, i), 0) + 1
    m = ws.js("risk", "matrix", "P1", as_="vw")
    eq((m["project"], m["open"]), ("P1", sum(counts.values())), "the open risks of P1 only")
    eq(len(m["cells"]), 25, "a 5 x 5 matrix")
    eq([(c["probability"], c["impact"]) for c in m["cells"]],
       [(p, i) for p in range(5, 0, -1) for i in range(1, 6)], "probability 5 first")
    for c in m["cells"]:
        p, i = c["probability"], c["impact"]
        eq((c["score"], c["band"], c["count"]), (p * i, band(p * i), counts.get((p, i), 0)),
           f"cell {p} x {i}")
    # the text table: a row per probability, 5 first, a count per impact
    lines = ws.ok("risk", "matrix", "P1").out.splitlines()
    for p in range(5, 0, -1):
        row = lines[6 - p].split()
        eq(row, [str(p)] + [str(counts.get((p, i), 0)) for i in range(1, 6)], f"row {p}")
    eq(lines[6], f"open risks: {sum(counts.values())}", "the total line")
    # closing a risk takes it out of its cell
    top = [r for r in ws.js("risk", "list", "P1", "--probability", "5", "--impact", "5")["risks"]
           if r["status"] == "open"][0]
    ws.ok("risk", "update", "P1", str(top["id"]), "--status", "closed")
    m = ws.js("risk", "matrix", "P1")
    eq([c["count"] for c in m["cells"] if (c["probability"], c["impact"]) == (5, 5)],
       [counts[(5, 5)] - 1], "one fewer at 5 x 5")


@test
def the_demo_has_fy_risks_across_the_matrix():
    ws = Workspace(init=False)
    ws.ok("demo")
    risks = ws.js("risk", "list", "FY")["risks"]
    eq(len(risks), 12, "a dozen FY risks")
    eq(sorted({r["category"] for r in risks}), sorted(CATEGORIES), "every category")
    for r in risks:
        eq(r["score"], r["probability"] * r["impact"], f"risk {r['id']} scored")
    eq([r["score"] for r in risks], sorted((r["score"] for r in risks), reverse=True),
       "highest first")
    eq(len({band(r["score"]) for r in risks}), 4, "every band")
    assert any(r["review_due"] for r in risks), "some are due for review"
    m = ws.js("risk", "matrix", "FY")
    opened = [r for r in risks if r["status"] in ("open", "mitigating")]
    eq(m["open"], len(opened), "the matrix counts the open ones")
    for c in m["cells"]:
        eq(c["count"], sum(1 for r in opened if (r["probability"], r["impact"]) ==
                           (c["probability"], c["impact"])), f"cell {c['probability']}x{c['impact']}")


if __name__ == "__main__":
    run_all()
