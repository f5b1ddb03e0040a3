"""test_raci.py - a project's RACI chart from the command line.

One line says, for an area of work, a person's role in it: responsible (does it), accountable
(answers for it), consulted (asked before) or informed (told after). The rules, each checked
here by hand: the person is a member of the project; a person has one role in an area; one
person is accountable for an area; project managers and owners (and admins) write, every
member and viewer of the project reads, and someone off the project sees nothing of it; every
change is versioned and audited; a refused change changes nothing.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403

ROLES = ["responsible", "accountable", "consulted", "informed"]


def err_json(r):
    return json.loads(r.err.strip().splitlines()[-1])["error"]


def team(ws):
    """P1 with li.na its manager, wang.fang and zhao.lei members, gao a viewer; out on no
    project; zhang.wei a workspace manager who is not on P1."""
    ws.write("pw", "user-secret-1\n")
    for login, name, role in (("li.na", "李娜", "manager"), ("zhang.wei", "张伟", "manager"),
                              ("wang.fang", "王芳", "rep"), ("zhao.lei", "赵磊", "rep"),
                              ("gao", "高总", "viewer"), ("out", "局外人", "rep")):
        ws.ok("user", "add", login, "--name", name, "--role", role, "--password-file", ws.path("pw"))
    ws.ok("project", "create", "P1", "--name", "华东冲刺", "--start", "2026-01-01", "--end", "2026-12-31")
    for login, prole in (("li.na", "manager"), ("wang.fang", "member"), ("zhao.lei", "member"),
                         ("gao", "viewer")):
        ws.ok("member", "add", "P1", login, "--role", prole)


def line(ws, area, person, role, as_="li.na", **kw):
    args = ["raci", "add", "P1", "--area", area, "--person", person, "--role", role]
    for k, v in kw.items():
        args += ["--" + k, v]
    return ws.js(*args, as_=as_)


@test
def a_chart_of_every_role_added_listed_changed_and_audited():
    ws = Workspace()
    team(ws)
    made = [line(ws, "大客户报价审批", "li.na", "accountable", note="折扣超过 15% 需签字"),
            line(ws, "大客户报价审批", "wang.fang", "responsible"),
            line(ws, "大客户报价审批", "zhao.lei", "consulted"),
            line(ws, "大客户报价审批", "gao", "informed")]
    eq([(x["area"], x["person"], x["person_name"], x["role"], x["version"]) for x in made],
       [("大客户报价审批", "li.na", "李娜", "accountable", 1), ("大客户报价审批", "wang.fang", "王芳", "responsible", 1),
        ("大客户报价审批", "zhao.lei", "赵磊", "consulted", 1), ("大客户报价审批", "gao", "高总", "informed", 1)],
       "one line of each role")
    eq(made[0]["note"], "折扣超过 15% 需签字", "the note")
    line(ws, "渠道政策", "zhao.lei", "responsible")
    # by area, then R A C I
    listed = ws.js("raci", "list", "P1")["raci"]
    eq([(x["area"], x["role"]) for x in listed],
       [("大客户报价审批", "responsible"), ("大客户报价审批", "accountable"), ("大客户报价审批", "consulted"),
        ("大客户报价审批", "informed"), ("渠道政策", "responsible")], "the chart's order")
    eq([x["person"] for x in ws.js("raci", "list", "P1", "--person", "zhao.lei")["raci"]],
       ["zhao.lei", "zhao.lei"], "one person's lines")
    eq([x["area"] for x in ws.js("raci", "list", "P1", "--role", "accountable")["raci"]], ["大客户报价审批"],
       "filtered by role")
    rid = str(made[2]["id"])
    u = ws.js("raci", "update", "P1", rid, "--role", "informed", "--note", "每周周报抄送", "--version", "1")
    eq((u["role"], u["note"], u["version"]), ("informed", "每周周报抄送", 2), "changed")
    ws.ok("raci", "delete", "P1", rid, "--version", "2")
    eq(ws.run("raci", "show", "P1", rid).code, 1, "gone after delete")
    audit = ws.sql("SELECT a.action, u.login FROM audit a JOIN users u ON u.id = a.actor_id "
                   "WHERE a.entity = 'raci' AND a.entity_id = ? ORDER BY a.id", made[2]["id"])
    eq(audit, [("create", "li.na"), ("update", "admin"), ("delete", "admin")], "audit")


@test
def the_rules_refuse_with_what_and_where_and_change_nothing():
    ws = Workspace()
    team(ws)
    a = line(ws, "报价审批", "li.na", "accountable")
    line(ws, "报价审批", "wang.fang", "responsible")
    cases = [
        (["--area", "报价审批", "--person", "zhao.lei", "--role", "accountable"], "role", "one_accountable",
         {"area": "报价审批", "person": "li.na"}),
        (["--area", "报价审批", "--person", "wang.fang", "--role", "informed"], "person", "raci_taken",
         {"person": "wang.fang", "area": "报价审批"}),
        (["--area", "报价审批", "--person", "out", "--role", "informed"], "person", "not_member",
         {"login": "out", "project": "P1"}),
        (["--area", "报价审批", "--person", "nobody", "--role", "informed"], "person", "no_ref", None),
        (["--area", "报价审批", "--person", "zhao.lei", "--role", "driver"], "role", None, None),
        (["--area", "", "--person", "zhao.lei", "--role", "informed"], "area", None, None),
        (["--area", "x" * 101, "--person", "zhao.lei", "--role", "informed"], "area", None, None),
        (["--person", "zhao.lei", "--role", "informed"], "area", None, None),
    ]
    ws.refusals(("raci", "add", "P1"), cases, as_="li.na")
    eq(len(ws.js("raci", "list", "P1")["raci"]), 2, "nothing was added")
    # the same area in another project is another chart; the accountable may move by a change
    ws.ok("project", "create", "P2", "--name", "P2", "--start", "2026-01-01", "--end", "2026-12-31")
    ws.ok("member", "add", "P2", "zhao.lei")
    eq(ws.js("raci", "add", "P2", "--area", "报价审批", "--person", "zhao.lei", "--role", "accountable")["role"],
       "accountable", "another project's chart")
    r = ws.js("raci", "update", "P1", str(a["id"]), "--role", "consulted", "--version", "1")
    eq(r["role"], "consulted", "li.na steps back")
    b = line(ws, "报价审批", "zhao.lei", "accountable")
    eq(b["role"], "accountable", "now zhao.lei answers for it")
    # a change that would make two accountable is refused too
    e = err_json(ws.fail("raci", "update", "P1", str(a["id"]), "--role", "accountable", "--version", "2",
                         json_out=True))
    eq((e["reason"], e["params"]), ("one_accountable", {"area": "报价审批", "person": "zhao.lei"}),
       "two accountable by a change")
    eq(ws.js("raci", "show", "P1", str(a["id"]))["role"], "consulted", "unchanged")


@test
def project_managers_write_members_and_viewers_read_others_see_nothing():
    ws = Workspace()
    team(ws)
    a = line(ws, "渠道政策", "wang.fang", "responsible")
    aid = str(a["id"])
    for login in ("wang.fang", "gao"):
        eq([x["area"] for x in ws.js("raci", "list", "P1", as_=login)["raci"]], ["渠道政策"], f"{login} reads")
        for args in (["raci", "add", "P1", "--area", "X", "--person", "zhao.lei", "--role", "informed"],
                     ["raci", "update", "P1", aid, "--note", "x", "--version", "1"],
                     ["raci", "delete", "P1", aid, "--version", "1"]):
            eq(ws.fail(*args, as_=login).code, 77, f"{login} may not {args[1]}")
    # off the project: a rep sees no project P1 (exit 1, not found); a workspace manager
    # sees it but writes only with a project role (exit 77, denied)
    for login, code in (("out", 1), ("zhang.wei", 77)):
        r = ws.fail("raci", "add", "P1", "--area", "X", "--person", "zhao.lei", "--role", "informed", as_=login)
        eq(r.code, code, f"{login} adds")
    eq(ws.fail("raci", "list", "P1", as_="out").code, 1, "out sees no project P1")
    eq([x["area"] for x in ws.js("raci", "list", "P1", as_="zhang.wei")["raci"]], ["渠道政策"],
       "a workspace manager reads every project's chart")
    eq(ws.js("raci", "show", "P1", aid)["version"], 1, "untouched by refused writes")


@test
def the_demo_project_has_a_chart_with_an_area_lacking_its_accountable():
    ws = Workspace(init=False)
    ws.ok("demo")
    rows = ws.js("raci", "list", "FY")["raci"]
    areas = {}
    for x in rows:
        areas.setdefault(x["area"], []).append(x["role"])
    eq(len(areas), 4, "four areas of work")
    eq(sorted(a for a, roles in areas.items() if "accountable" not in roles), ["新品上市推广"],
       "the one area nobody answers for yet")
    assert all(roles.count("accountable") <= 1 for roles in areas.values()), areas


if __name__ == "__main__":
    run_all()
