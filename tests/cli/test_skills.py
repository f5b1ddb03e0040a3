"""test_skills.py - the team's skills and a project's skills matrix from the command line.

A rating says how good a person is at a skill, 1 (learning) to 5 (teaches others): one of
the five a sales team needs, or "other", one of the team's own, named. A person is rated once
in a skill. Managers write, everyone reads. A project's matrix has its owners, managers and
members (not its viewers) as rows, every skill one of them is rated in as columns (the
standard ones in their order, then the others by name), and each skill's average over those
rated, to one decimal rounded half up. The expected matrices below are worked out by hand.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403

SKILLS = ["product_knowledge", "sales_skills", "customer_service", "negotiation", "industry_knowledge",
          "other"]


def err_json(r):
    return json.loads(r.err.strip().splitlines()[-1])["error"]


def team(ws):
    """P1: li.na manager, wang.fang and zhao.lei members, gao viewer; out on no project."""
    ws.write("pw", "user-secret-1\n")
    for login, name, role in (("li.na", "李娜", "manager"), ("wang.fang", "王芳", "rep"),
                              ("zhao.lei", "赵磊", "rep"), ("gao", "高总", "viewer"), ("out", "局外人", "rep")):
        ws.ok("user", "add", login, "--name", name, "--role", role, "--password-file", ws.path("pw"))
    ws.ok("project", "create", "P1", "--name", "华东冲刺", "--start", "2026-01-01", "--end", "2026-12-31")
    for login, prole in (("li.na", "manager"), ("wang.fang", "member"), ("zhao.lei", "member"),
                         ("gao", "viewer")):
        ws.ok("member", "add", "P1", login, "--role", prole)


def rate(ws, person, skill, rating, name=None, as_="li.na"):
    args = ["skill", "add", "--person", person, "--skill", skill, "--rating", str(rating)]
    if name is not None:
        args += ["--name", name]
    return ws.js(*args, as_=as_)


@test
def every_skill_rated_listed_changed_and_audited():
    ws = Workspace()
    team(ws)
    made = [rate(ws, "wang.fang", s, 1 + i % 5, name="工业网关方案" if s == "other" else None)
            for i, s in enumerate(SKILLS)]
    eq([(x["person"], x["person_name"], x["skill"], x["name"], x["rating"]) for x in made],
       [("wang.fang", "王芳", s, "工业网关方案" if s == "other" else "", 1 + i % 5) for i, s in enumerate(SKILLS)],
       "one rating of each skill")
    # a person's ratings in the matrix's order, by CLI and over HTTP's per-person route
    eq([x["skill"] for x in ws.js("skill", "list", "--person", "wang.fang")["skills"]], SKILLS, "the order")
    u = ws.js("skill", "update", str(made[0]["id"]), "--rating", "5", "--note", "X3 认证通过", "--version", "1")
    eq((u["rating"], u["note"], u["version"]), (5, "X3 认证通过", 2), "changed")
    audit = ws.sql("SELECT a.action, u.login FROM audit a JOIN users u ON u.id = a.actor_id "
                   "WHERE a.entity = 'skill' AND a.entity_id = ? ORDER BY a.id", made[0]["id"])
    eq(audit, [("create", "li.na"), ("update", "admin")], "audit")
    ws.ok("skill", "delete", str(made[5]["id"]), "--version", "1")
    eq(len(ws.js("skill", "list")["skills"]), 5, "one deleted")


@test
def bad_ratings_say_what_and_where_and_change_nothing():
    ws = Workspace()
    team(ws)
    rate(ws, "wang.fang", "negotiation", 3)
    rate(ws, "wang.fang", "other", 4, name="方案演示")
    cases = [
        (["--person", "wang.fang", "--skill", "negotiation", "--rating", "4"], "skill", "skill_rated"),
        (["--person", "wang.fang", "--skill", "other", "--name", "方案演示", "--rating", "2"], "skill",
         "skill_rated"),
        (["--person", "wang.fang", "--skill", "other", "--rating", "2"], "name", "skill_name_required"),
        (["--person", "wang.fang", "--skill", "sales_skills", "--name", "x", "--rating", "2"], "name",
         "skill_name_other_only"),
        (["--person", "wang.fang", "--skill", "sales_skills", "--rating", "0"], "rating", "number_range"),
        (["--person", "wang.fang", "--skill", "sales_skills", "--rating", "6"], "rating", "number_range"),
        (["--person", "wang.fang", "--skill", "juggling", "--rating", "3"], "skill", None),
        (["--person", "nobody", "--skill", "sales_skills", "--rating", "3"], "person", "no_ref"),
        (["--person", "wang.fang", "--skill", "sales_skills"], "rating", None),
    ]
    ws.refusals(("skill", "add"), cases)
    eq(len(ws.js("skill", "list")["skills"]), 2, "nothing was added")
    # another name of other is another skill
    eq(rate(ws, "wang.fang", "other", 5, name="招投标")["name"], "招投标", "a second own skill")


@test
def the_matrix_has_the_sellers_by_skill_with_each_average():
    ws = Workspace()
    team(ws)
    eq(ws.ok("skill", "matrix", "P1").out.strip(),
       "no one on P1 is rated in any skill yet (salespm skill add)", "an empty matrix says so")
    for person, skill, r, name in (("wang.fang", "product_knowledge", 4, None), ("zhao.lei", "product_knowledge", 3, None),
                                   ("li.na", "negotiation", 5, None), ("wang.fang", "negotiation", 4, None),
                                   ("zhao.lei", "negotiation", 4, None), ("zhao.lei", "other", 2, "招投标"),
                                   ("wang.fang", "other", 5, "方案演示"), ("gao", "sales_skills", 5, None),
                                   ("out", "customer_service", 5, None)):
        rate(ws, person, skill, r, name=name)
    m = ws.js("skill", "matrix", "P1")
    # gao (a viewer) and out (no member) are no rows, and their skills no columns
    eq([(c["skill"], c["name"]) for c in m["skills"]],
       [("product_knowledge", ""), ("negotiation", ""), ("other", "招投标"), ("other", "方案演示")],
       "columns: standard ones in order, then the others by name")
    eq([(x["login"], x["role"], x["ratings"]) for x in m["members"]],
       [("admin", "owner", [None, None, None, None]), ("li.na", "manager", [None, 5, None, None]),
        ("wang.fang", "member", [4, 4, None, 5]), ("zhao.lei", "member", [3, 4, 2, None])], "rows by login")
    # (4 + 3) / 2 = 3.5; (5 + 4 + 4) / 3 = 4.33 -> 4.3; 2; 5
    eq([(c["rated"], c["average"]) for c in m["skills"]], [(2, 3.5), (3, 4.3), (1, 2.0), (1, 5.0)], "averages")
    text = ws.ok("skill", "matrix", "P1").out.splitlines()
    eq(text[0].split(), ["MEMBER", "NAME", "PRODUCT", "NEGOTIATION", "招投标", "方案演示"], "the table's head")
    eq(text[3].split(), ["wang.fang", "王芳", "4", "4", "-", "5"], "wang.fang's row")
    eq(text[-1].split(), ["AVERAGE", "3.5", "4.3", "2.0", "5.0"], "the averages' row")
    # rounding half up: 4 and 5 -> 4.5; 4, 4 and 5 -> 4.33 -> 4.3; 5, 5 and 4 -> 4.67 -> 4.7
    rate(ws, "zhao.lei", "sales_skills", 5)
    rate(ws, "wang.fang", "sales_skills", 5)
    rate(ws, "li.na", "sales_skills", 4)
    sales = next(c for c in ws.js("skill", "matrix", "P1")["skills"] if c["skill"] == "sales_skills")
    eq((sales["rated"], sales["average"]), (3, 4.7), "(5 + 5 + 4) / 3 = 4.67 -> 4.7")


@test
def managers_rate_everyone_reads_the_matrix_needs_the_project():
    ws = Workspace()
    team(ws)
    r = rate(ws, "wang.fang", "negotiation", 3)
    for login in ("wang.fang", "gao"):
        eq(len(ws.js("skill", "list", as_=login)["skills"]), 1, f"{login} reads")
        eq(ws.js("skill", "matrix", "P1", as_=login)["skills"][0]["skill"], "negotiation", f"{login} reads the matrix")
        for args in (["skill", "add", "--person", "zhao.lei", "--skill", "negotiation", "--rating", "3"],
                     ["skill", "update", str(r["id"]), "--rating", "5", "--version", "1"],
                     ["skill", "delete", str(r["id"]), "--version", "1"]):
            eq(ws.fail(*args, as_=login).code, 77, f"{login} may not {args[1]}")
    eq(ws.fail("skill", "matrix", "P1", as_="out").code, 1, "off the project: no project P1")
    eq(ws.fail("skill", "matrix", "NOPE").code, 1, "no such project")
    eq(ws.js("skill", "show", str(r["id"]))["rating"], 3, "untouched by refused writes")


@test
def the_demo_projects_matrix_adds_up():
    """The demo's FY matrix recomputed here from every rating listed."""
    ws = Workspace(init=False)
    ws.ok("demo")
    ratings = {(x["person"], x["skill"], x["name"]): x["rating"] for x in ws.js("skill", "list")["skills"]}
    sellers = [x["login"] for x in ws.js("member", "list", "FY")["members"] if x["role"] != "viewer"]
    m = ws.js("skill", "matrix", "FY")
    eq(sorted(x["login"] for x in m["members"]), sorted(sellers), "the sellers are the rows")
    eq(len(m["skills"]), 6, "five standard skills and the team's own")
    for k, c in enumerate(m["skills"]):
        given = [ratings[(p, c["skill"], c["name"])] for p in sellers if (p, c["skill"], c["name"]) in ratings]
        eq((c["rated"], c["average"]), (len(given), (20 * sum(given) + len(given)) // (2 * len(given)) / 10),
           f"{c['skill']} {c['name']}")
        eq([x["ratings"][k] for x in m["members"]],
           [ratings.get((x["login"], c["skill"], c["name"])) for x in m["members"]], f"{c['skill']} cells")


if __name__ == "__main__":
    run_all()
