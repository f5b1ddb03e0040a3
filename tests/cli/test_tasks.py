"""test_tasks.py - the project's plan from the command line: tasks and milestones, moved
todo -> doing -> done, waiting for what they depend on (finish-to-start), refused cycles named
as a cycle, overdue flags, who may write, and the critical path of the Gantt view.

Today is fixed with SALESPM_TODAY; every overdue flag, blocked move and critical path below is
worked out by hand (the critical path also by a separate brute force over every chain).
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403

TODAY = "2027-03-10"


def err_json(r):
    return json.loads(r.err.strip().splitlines()[-1])["error"]


def team(ws):
    """P1 with li.na its manager, wang.fang and zhao.lei members, gao a viewer; out on no
    project; P2 another project where wang.fang is a member."""
    ws.env["SALESPM_TODAY"] = TODAY
    ws.write("pw", "user-secret-1\n")
    for login, name, role in (("li.na", "李娜", "manager"), ("wang.fang", "王芳", "rep"),
                              ("zhao.lei", "赵磊", "rep"), ("gao", "高总", "viewer"),
                              ("out", "局外人", "rep")):
        ws.ok("user", "add", login, "--name", name, "--role", role, "--password-file", ws.path("pw"))
    for code in ("P1", "P2"):
        ws.ok("project", "create", code, "--name", "项目 " + code, "--start", "2027-01-01",
              "--end", "2027-12-31")
    for login, prole in (("li.na", "manager"), ("wang.fang", "member"), ("zhao.lei", "member"),
                         ("gao", "viewer")):
        ws.ok("member", "add", "P1", login, "--role", prole)
    ws.ok("member", "add", "P2", "wang.fang", "--role", "member")


def task(ws, start, due, as_="li.na", project="P1", **kw):
    args = ["task", "add", project, "--title", kw.pop("title", f"任务 {start}"), "--start", start,
            "--due", due, "--assignee", kw.pop("assignee", "wang.fang")]
    for k, v in kw.items():
        args += ["--" + k.replace("_", "-"), str(v)]
    return ws.js(*args, as_=as_)


def depend(ws, tid, on, as_="li.na"):
    return ws.js("task", "depend", "P1", str(tid), "--on", str(on), as_=as_)


@test
def a_task_has_dates_a_status_and_an_overdue_flag():
    ws = Workspace()
    team(ws)
    t = task(ws, "2027-03-01", "2027-03-09", title="整理华东客户名单", description="三月上旬完成")
    eq((t["title"], t["assignee"], t["assignee_name"], t["start"], t["due"], t["status"],
        t["milestone"], t["version"], t["depends_on"], t["days"]),
       ("整理华东客户名单", "wang.fang", "王芳", "2027-03-01", "2027-03-09", "todo", False, 1, [], 9),
       "a new task is todo, 9 days from the 1st to the 9th")
    # due the 9th, today the 10th, not done: overdue
    eq(t["overdue"], True, "due yesterday")
    later = task(ws, "2027-03-05", "2027-03-10", title="今天到期")
    eq(later["overdue"], False, "due today is not overdue")
    m = task(ws, "2027-03-31", "2027-03-31", title="一季度复盘", milestone="yes")
    eq((m["milestone"], m["days"]), (True, 1), "a milestone is one day")
    eq([x["id"] for x in ws.js("task", "list", "P1", "--overdue", "yes")["tasks"]], [t["id"]],
       "the overdue filter")
    eq(sorted(x["id"] for x in ws.js("task", "list", "P1", "--overdue", "no")["tasks"]),
       sorted([later["id"], m["id"]]), "not overdue")
    done = ws.js("task", "done", "P1", str(t["id"]))
    eq((done["status"], done["overdue"], done["version"]), ("done", False, 2),
       "done: no longer overdue")
    eq([x["id"] for x in ws.js("task", "list", "P1", "--milestone", "yes")["tasks"]], [m["id"]],
       "the milestones")


@test
def bad_input_is_refused_naming_the_field_and_changes_nothing():
    ws = Workspace()
    team(ws)
    base = ["--title", "x", "--assignee", "wang.fang"]
    ws.refusals(["task", "add", "P1"], [
        (base + ["--start", "2027-03-10", "--due", "2027-03-09"], "due", "date_before_start",
         {"date": "2027-03-09", "start": "2027-03-10"}),
        (base + ["--start", "2027-03-01", "--due", "2027-03-02", "--milestone", "yes"], "due",
         "milestone_one_day", {"start": "2027-03-01", "due": "2027-03-02"}),
        (base + ["--start", "2027-02-30", "--due", "2027-03-02"], "start", None),
        (["--title", "x", "--start", "2027-03-01", "--due", "2027-03-02"], "assignee", "required"),
        (["--title", "x", "--assignee", "out", "--start", "2027-03-01", "--due", "2027-03-02"],
         "assignee", "not_member", {"login": "out", "project": "P1"}),
        (["--assignee", "wang.fang", "--start", "2027-03-01", "--due", "2027-03-02"], "title",
         "required"),
        (base + ["--start", "2027-03-01", "--due", "2027-03-02", "--goal", "999"], "goal",
         "link_other_project"),
        (base + ["--start", "2027-03-01", "--due", "2027-03-02", "--deal", "999"], "deal",
         "link_other_project"),
        (base + ["--start", "2027-03-01", "--due", "2027-03-02", "--problem", "999"], "problem",
         "link_other_project"),
    ])
    eq(ws.sql("SELECT COUNT(*) FROM tasks"), [(0,)], "nothing written")
    t = task(ws, "2027-03-01", "2027-03-05")
    ws.refusals(["task", "update", "P1", str(t["id"])], [
        (["--due", "2027-02-28", "--version", "1"], "due", "date_before_start"),
        (["--milestone", "yes", "--version", "1"], "due", "milestone_one_day"),
        (["--title", "y", "--version", "9"], "version", "stale_version"),
    ])
    eq(ws.js("task", "show", "P1", str(t["id"]))["version"], 1, "unchanged")


@test
def a_task_waits_for_what_it_depends_on():
    ws = Workspace()
    team(ws)
    a = task(ws, "2027-03-01", "2027-03-05", title="A")["id"]
    b = task(ws, "2027-03-02", "2027-03-06", title="B")["id"]
    c = task(ws, "2027-03-08", "2027-03-12", title="C")["id"]
    eq(depend(ws, c, a)["depends_on"], [a], "C waits for A")
    eq(depend(ws, c, b)["depends_on"], sorted([a, b]), "and for B")
    ws.refusals(["task", "start", "P1", str(c)], [
        ([], "status", "task_blocked", {"blocking": f"#{a}, #{b}"}),
    ])
    ws.refusals(["task", "done", "P1", str(c)], [
        ([], "status", "task_blocked", {"blocking": f"#{a}, #{b}"}),
    ])
    ws.js("task", "start", "P1", str(a))
    ws.js("task", "done", "P1", str(a))
    # A done, B not: only B blocks now
    ws.refusals(["task", "start", "P1", str(c)], [([], "status", "task_blocked", {"blocking": f"#{b}"})])
    ws.js("task", "done", "P1", str(b))
    s = ws.js("task", "start", "P1", str(c))
    eq((s["status"], s["version"]), ("doing", 2), "started once both are done")
    ws.refusals(["task", "start", "P1", str(c)], [([], "status", "task_same_status", {"status": "doing"})])
    r = ws.js("task", "reopen", "P1", str(c))
    eq(r["status"], "todo", "reopened")
    eq(ws.js("task", "undepend", "P1", str(c), "--on", str(a))["depends_on"], [b], "undepend")
    ws.refusals(["task", "undepend", "P1", str(c)], [(["--on", str(a)], "depends_on", "dep_none")])
    ws.refusals(["task", "depend", "P1", str(c)], [
        (["--on", str(b)], "depends_on", "dep_exists"),
        (["--on", "abc"], "depends_on", "bad_task_id"),
        ([], "depends_on", "required"),
    ])
    eq(ws.sql("SELECT COUNT(*) FROM task_deps"), [(1,)], "C waits for B only")
    ws.ok("task", "delete", "P1", str(b))
    eq(ws.sql("SELECT COUNT(*) FROM task_deps"), [(0,)], "a deleted task's dependencies go with it")


@test
def a_cycle_is_refused_naming_it():
    ws = Workspace()
    team(ws)
    ids = [task(ws, "2027-03-01", "2027-03-02", title=f"T{i}")["id"] for i in range(4)]
    t0, t1, t2, t3 = ids
    depend(ws, t1, t0)  # t1 waits for t0
    depend(ws, t2, t1)  # t2 waits for t1
    depend(ws, t3, t2)
    ws.refusals(["task", "depend", "P1"], [
        ([str(t0), "--on", str(t1)], "depends_on", "dep_cycle", {"cycle": f"#{t0} → #{t1} → #{t0}"}),
        ([str(t0), "--on", str(t3)], "depends_on", "dep_cycle",
         {"cycle": f"#{t0} → #{t3} → #{t2} → #{t1} → #{t0}"}),
        ([str(t2), "--on", str(t2)], "depends_on", "dep_cycle", {"cycle": f"#{t2} → #{t2}"}),
    ])
    other = task(ws, "2027-03-01", "2027-03-02", project="P2", as_="wang.fang")["id"]
    ws.refusals(["task", "depend", "P1", str(t0)], [
        (["--on", str(other)], "depends_on", "task_other_project", {"project": "P1"}),
        (["--on", "99999"], "depends_on", "task_other_project"),
    ])
    eq(ws.sql("SELECT COUNT(*) FROM task_deps"), [(3,)], "refusals changed nothing")


def brute_critical(tasks, deps):
    """Every chain of dependent tasks, by brute force: (days, chain) of the one whose days add up
    to the most (the graphs here have no ties)."""
    waits = {}
    for t, on in deps:
        waits.setdefault(t, []).append(on)
    best = None
    def walk(chain):
        nonlocal best
        days = sum(tasks[i] for i in chain)
        if best is None or days > best[0]:
            best = (days, list(chain))
        for on in waits.get(chain[0], []):
            walk([on] + chain)
    for t in tasks:
        walk([t])
    return best


@test
def the_critical_path_is_the_longest_chain_of_dependent_tasks():
    ws = Workspace()
    team(ws)
    # days (due - start + 1): A 5, B 2, C 10, D 3, E 4, F 1 (a milestone)
    spec = [("A", "2027-03-01", "2027-03-05"), ("B", "2027-03-01", "2027-03-02"),
            ("C", "2027-03-03", "2027-03-12"), ("D", "2027-03-06", "2027-03-08"),
            ("E", "2027-03-13", "2027-03-16"), ("F", "2027-03-20", "2027-03-20")]
    ids = {}
    for name, s, d in spec:
        ids[name] = task(ws, s, d, title=name, **({"milestone": "yes"} if s == d else {}))["id"]
    # A -> D -> F ; B -> C -> E -> F ; A -> E
    edges = [("D", "A"), ("F", "D"), ("C", "B"), ("E", "C"), ("F", "E"), ("E", "A")]
    for t, on in edges:
        depend(ws, ids[t], ids[on])
    g = ws.js("task", "gantt", "P1")
    # by hand: B 2 + C 10 + E 4 + F 1 = 17; A 5 + E 4 + F 1 = 10; A 5 + D 3 + F 1 = 9
    eq(g["critical"], [ids["B"], ids["C"], ids["E"], ids["F"]], "B C E F")
    eq(g["critical_days"], 17, "2 + 10 + 4 + 1 days")
    days = {ids[n]: (int(d[-2:]) - int(s[-2:]) + 1) for n, s, d in spec}
    brute = brute_critical(days, [(ids[t], ids[on]) for t, on in edges])
    eq((g["critical_days"], g["critical"]), tuple(brute), "the same by brute force")
    eq(sorted((x["task"], x["on"]) for x in g["deps"]),
       sorted((ids[t], ids[on]) for t, on in edges), "the dependencies")
    eq(sorted(x["id"] for x in g["tasks"]), sorted(ids.values()), "every task")
    eq(g["today"], TODAY, "today")
    # C shortened to 2 days: B C E F is 2 + 2 + 4 + 1 = 9 days, A D F 5 + 3 + 1 = 9
    c = ws.js("task", "show", "P1", str(ids["C"]))
    ws.js("task", "update", "P1", str(ids["C"]), "--due", "2027-03-04", "--version",
          str(c["version"]))
    g = ws.js("task", "gantt", "P1")
    # A 5 + E 4 + F 1 = 10 is now the longest
    eq((g["critical"], g["critical_days"]), ([ids["A"], ids["E"], ids["F"]], 10), "A E F")


@test
def reps_write_their_own_viewers_read_outsiders_see_nothing():
    ws = Workspace()
    team(ws)
    mine = task(ws, "2027-03-01", "2027-03-05", as_="wang.fang", title="我的任务")
    theirs = task(ws, "2027-03-01", "2027-03-05", assignee="zhao.lei", title="赵磊的任务")
    ws.refusals(["task", "add", "P1"], [
        (["--title", "x", "--start", "2027-03-01", "--due", "2027-03-02", "--assignee",
          "zhao.lei"], "assignee", "own_records_only"),
    ], as_="wang.fang")
    ws.refusals(["task", "update", "P1", str(theirs["id"])], [
        (["--title", "改", "--version", "1"], "assignee", "own_records_only"),
    ], as_="wang.fang")
    ws.refusals(["task", "start", "P1", str(theirs["id"])], [([], "assignee", "own_records_only")],
                as_="wang.fang")
    ws.refusals(["task", "depend", "P1", str(theirs["id"])], [
        (["--on", str(mine["id"])], "assignee", "own_records_only"),
    ], as_="wang.fang")
    eq(ws.js("task", "start", "P1", str(mine["id"]), as_="wang.fang")["status"], "doing",
       "the assignee moves their own")
    eq(ws.js("task", "start", "P1", str(theirs["id"]), as_="li.na")["status"], "doing",
       "a manager moves any")
    eq(len(ws.js("task", "list", "P1", as_="gao")["tasks"]), 2, "a viewer reads")
    eq(len(ws.js("task", "gantt", "P1", as_="gao")["tasks"]), 2, "and the Gantt view")
    ws.fail("task", "add", "P1", "--title", "x", "--start", "2027-03-01", "--due", "2027-03-02",
            "--assignee", "gao", as_="gao", code=77)
    ws.fail("task", "start", "P1", str(mine["id"]), as_="gao", code=77)
    r = ws.fail("task", "list", "P1", as_="out", json_out=True)
    eq(err_json(r)["code"], "not_found", "someone off the project does not see it")
    ws.fail("task", "gantt", "P1", as_="out")
    ws.fail("task", "delete", "P1", str(theirs["id"]), as_="wang.fang", code=77)
    ws.ok("task", "delete", "P1", str(mine["id"]), as_="wang.fang")


@test
def the_demo_has_a_plan_with_milestones_done_and_overdue_tasks():
    ws = Workspace(init=False)
    ws.ok("demo")
    g = ws.js("task", "gantt", "FY")
    tasks = {x["id"]: x for x in g["tasks"]}
    assert 10 <= len(tasks) <= 15, f"10 to 15 tasks, not {len(tasks)}"
    eq(sum(1 for x in tasks.values() if x["milestone"]), 2, "two milestones")
    assert any(x["status"] == "done" for x in tasks.values()), "some done"
    today = g["today"]
    overdue = sorted(i for i, x in tasks.items() if x["status"] != "done" and x["due"] < today)
    assert overdue, "some overdue"
    eq(sorted(i for i, x in tasks.items() if x["overdue"]), overdue, "flagged overdue")
    # every started or finished task's prerequisites are done
    for x in tasks.values():
        if x["status"] != "todo":
            eq([tasks[d]["status"] for d in x["depends_on"]], ["done"] * len(x["depends_on"]),
               f"what #{x['id']} waits for")
    days = {i: x["days"] for i, x in tasks.items()}
    eq((g["critical_days"], g["critical"]),
       tuple(brute_critical(days, [(d["task"], d["on"]) for d in g["deps"]])),
       "the critical path by brute force")


if __name__ == "__main__":
    run_all()
