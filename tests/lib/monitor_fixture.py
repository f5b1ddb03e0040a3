"""monitor_fixture.py - the records the monitoring suites share (tests/cli/test_monitor.py,
tests/http/test_monitor.py, tests/e2e/test_monitor.mjs through its database) and the figures
worked out from them by hand: ISO weeks from datetime.isocalendar, problems' ages and SLA
shares with exact fractions, collections' days late, tasks' days; never read back from the
code under test. check_panels() compares a monitor answer with them and runs each figure's
drill-down ("query") through count(noun, query), which must list as many records."""
import datetime
from fractions import Fraction

from deal_rows import insert_deal
from harness import eq

TODAY = datetime.date(2026, 6, 17)  # a Wednesday
AT = datetime.datetime(2026, 6, 17, 12, 0, 0, tzinfo=datetime.timezone.utc)
PHASES = ("pre_sale", "in_sale", "after_sale")
SLA_HOURS = {"low": 168, "medium": 72, "high": 24, "critical": 4}  # the standard SLA

# done activities: (member, day, phase, how many); and what must not count
ACTIVITIES = [
    ("wang.fang", "2026-06-15", "pre_sale", 2),
    ("wang.fang", "2026-06-16", "in_sale", 1),
    ("wang.fang", "2026-06-08", "after_sale", 1),
    ("wang.fang", "2026-03-30", "pre_sale", 1),    # the first day of the 12 weeks
    ("zhao.lei", "2026-06-10", "in_sale", 1),
    ("zhao.lei", "2026-06-14", "after_sale", 1),   # a Sunday: the week of the 8th
]
NOT_COUNTED = [
    ("wang.fang", "2026-03-29", "pre_sale", "done"),   # the day before the 12 weeks
    ("wang.fang", "2026-06-18", "in_sale", "done"),    # after today
    ("zhao.lei", "2026-06-16", "pre_sale", "planned"),  # a to-do, not done
]
# problems: (severity, opened this long before AT, resolved?)
H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)
PROBLEMS = [
    ("high", 1 * H, False),
    ("critical", 3.5 * H, False),
    ("medium", 4 * D, False),
    ("low", 5 * D, False),
    ("low", 6 * D, False),
    ("medium", 40 * D, False),
    ("high", 10 * D, True),
    ("low", 3 * D - datetime.timedelta(seconds=1), False),  # 2 days old, one second short of 3
    ("critical", 3 * D, False),                              # exactly 3 days old
]
# collections of one won deal: (due, amount in minor units, received in minor units)
COLLECTIONS = [
    ("2026-06-17", 10000, 0), ("2026-06-23", 20000, 0), ("2026-06-24", 30000, 0),
    ("2026-07-16", 40000, 0), ("2026-07-17", 50000, 0), ("2026-06-16", 60000, 25000),
    ("2026-05-18", 70000, 0), ("2026-05-17", 80000, 0), ("2026-03-19", 90000, 0),
    ("2026-03-18", 100000, 0), ("2026-06-01", 5000, 5000),
]
# tasks: (assignee, due, status)
TASKS = [
    ("wang.fang", "2026-06-16", "todo"), ("wang.fang", "2026-06-01", "doing"),
    ("zhao.lei", "2026-05-20", "todo"), ("zhao.lei", "2026-06-10", "done"),
    ("wang.fang", "2026-06-17", "todo"), ("li.na", "2026-06-21", "todo"),
    ("li.na", "2026-06-22", "todo"),
]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def day(s):
    return datetime.date.fromisoformat(s)


def team(ws):
    ws.env["SALESPM_TODAY"] = TODAY.isoformat()
    ws.env["SALESPM_NOW"] = iso(AT)
    ws.write("pw", "user-secret-1\n")
    for login, name, role in (("li.na", "李娜", "manager"), ("wang.fang", "王芳", "rep"),
                              ("zhao.lei", "赵磊", "rep"), ("gao", "高总", "viewer"),
                              ("out", "局外人", "rep")):
        ws.ok("user", "add", login, "--name", name, "--role", role, "--password-file", ws.path("pw"))
    ws.ok("project", "create", "P1", "--name", "项目 P1", "--start", "2026-01-01", "--end",
          "2026-12-31")
    for login, prole in (("li.na", "manager"), ("wang.fang", "member"), ("zhao.lei", "member"),
                         ("gao", "viewer")):
        ws.ok("member", "add", "P1", login, "--role", prole)
    ws.ok("channel", "add", "direct", "--name", "直销", "--type", "direct")
    ws.ok("product", "add", "SKU-1", "--name", "交换机", "--cost", "60.00", "--price", "100.00")
    ws.ok("sale", "add", "P1", "--date", "2026-02-01", "--customer", "Acme", "--product", "SKU-1",
          "--channel", "direct", "--quantity", "1", "--rep", "wang.fang")


def fill(ws):
    """Every record of the lists above, through the commands (deals by SQL: deal_rows)."""
    acme = str(ws.sql("SELECT id FROM customers WHERE name = ?", "Acme")[0][0])
    for member, d, phase, n in ACTIVITIES:
        for _ in range(n):
            ws.ok("activity", "add", "P1", "--kind", "call", "--date", d, "--phase", phase,
                  "--customer", acme, "--member", member, as_="li.na")
    for member, d, phase, status in NOT_COUNTED:
        ws.ok("activity", "add", "P1", "--kind", "visit", "--date", d, "--phase", phase,
              "--customer", acme, "--member", member, "--status", status, as_="li.na")
    for sev, ago, resolved in PROBLEMS:
        ws.env["SALESPM_NOW"] = iso(AT - ago)
        p = ws.js("problem", "add", "P1", "--type", "product", "--severity", sev, "--title",
                  f"{sev} {ago}", "--owner", "wang.fang", "--customer", acme, as_="li.na")
        if resolved:
            ws.ok("problem", "resolve", "P1", str(p["id"]), "--resolution", "已解决", as_="li.na")
    ws.env["SALESPM_NOW"] = iso(AT)
    deal = insert_deal(ws, "P1", "Acme", "wang.fang", 100000000)
    for due, amount, received in COLLECTIONS:
        c = ws.js("collection", "add", "P1", "--deal", str(deal), "--due", due, "--amount",
                  f"{amount / 100:.2f}", as_="li.na")
        if received:
            ws.ok("collection", "receive", "P1", str(c["id"]), "--amount",
                  f"{received / 100:.2f}", "--date", "2026-06-10", as_="li.na")
    for i, (who, due, status) in enumerate(TASKS):
        t = ws.js("task", "add", "P1", "--title", f"任务 {i}", "--start", "2026-03-01", "--due",
                  due, "--assignee", who, as_="li.na")
        if status in ("doing", "done"):
            ws.ok("task", "start", "P1", str(t["id"]), as_="li.na")
        if status == "done":
            ws.ok("task", "done", "P1", str(t["id"]), as_="li.na")


# --- the figures, worked out from the lists above -------------------------------------------

def expected_activity():
    monday = TODAY - datetime.timedelta(days=TODAY.weekday())
    weeks = [monday - datetime.timedelta(weeks=k) for k in range(11, -1, -1)]
    per_week = {w: [0, 0, 0] for w in weeks}
    # the project's members who work on it (its creator, admin, owns it; gao only views)
    per_member = {"admin": [0, 0, 0], "li.na": [0, 0, 0], "wang.fang": [0, 0, 0],
                  "zhao.lei": [0, 0, 0]}
    for member, d, phase, n in ACTIVITIES:
        dd = day(d)
        y, w, _ = dd.isocalendar()
        wk = datetime.date.fromisocalendar(y, w, 1)
        if wk in per_week and dd <= TODAY:
            per_week[wk][PHASES.index(phase)] += n
            per_member[member][PHASES.index(phase)] += n
    return weeks, per_week, per_member


def age_bucket(days):
    return "0-2" if days <= 2 else "3-7" if days <= 7 else "8-30" if days <= 30 else "31+"


def sla_state(sev, ago):
    """breached past its due time; due soon with less than a quarter of its time left."""
    total = Fraction(SLA_HOURS[sev] * 3600)
    used = Fraction(int(ago.total_seconds()))
    if used > total:
        return "breached"
    return "due_soon" if total - used <= total / 4 else "within"


def expected_problems():
    age = {b: {s: 0 for s in ("within", "due_soon", "breached")}
           for b in ("0-2", "3-7", "8-30", "31+")}
    sev = {v: {s: 0 for s in ("within", "due_soon", "breached")} for v in SLA_HOURS}
    for v, ago, resolved in PROBLEMS:
        if resolved:
            continue
        days = int(ago.total_seconds()) // 86400
        s = sla_state(v, ago)
        age[age_bucket(days)][s] += 1
        sev[v][s] += 1
    return age, sev


def expected_collections():
    out = {"due_7": [0, 0], "due_30": [0, 0], "overdue": [0, 0],
           "1-30": [0, 0], "31-60": [0, 0], "61-90": [0, 0], "91+": [0, 0]}

    def add(k, amount):
        out[k][0] += 1
        out[k][1] += amount
    for due, amount, received in COLLECTIONS:
        left = amount - received
        if left <= 0:
            continue
        late = (TODAY - day(due)).days
        if late <= 0:
            if -late <= 6:
                add("due_7", left)
            if -late <= 29:
                add("due_30", left)
        else:
            add("overdue", left)
            add("1-30" if late <= 30 else "31-60" if late <= 60 else "61-90" if late <= 90
                else "91+", left)
    return out


def expected_tasks():
    sunday = TODAY + datetime.timedelta(days=6 - TODAY.weekday())
    per = {}
    for i, (who, due, status) in enumerate(TASKS):
        if status == "done":
            continue
        d = day(due)
        a = per.setdefault(who, {"overdue": 0, "due_week": 0, "oldest": None})
        if d < TODAY:
            a["overdue"] += 1
            if a["oldest"] is None or d < day(TASKS[a["oldest"]][1]):
                a["oldest"] = i
        elif d <= sunday:
            a["due_week"] += 1
    return {k: v for k, v in per.items() if v["overdue"] or v["due_week"]}, sunday


LISTS = {"activity": "activities", "problem": "problems", "collection": "collections",
         "task": "tasks"}


def check_panels(listed, m):
    weeks, per_week, per_member = expected_activity()
    a = m["activity"]
    eq([w["week"] for w in a["weeks"]], [w.isoformat() for w in weeks], "the last 12 weeks")
    eq([w["iso"] for w in a["weeks"]],
       ["%d-W%02d" % w.isocalendar()[:2] for w in weeks], "ISO weeks")
    eq(a["weeks"][-1]["to"], TODAY.isoformat(), "this week counts up to today")
    for w, got in zip(weeks, a["weeks"]):
        eq([got["counts"][p] for p in PHASES], per_week[w], f"week {w}")
        eq(listed("activity", got["query"]), got["total"], f"drill-down of week {w}")
    eq(a["total"], sum(sum(v) for v in per_week.values()), "activities in all")
    eq(listed("activity", a["query"]), a["total"], "drill-down of all activities")
    order = sorted(per_member, key=lambda k: (-sum(per_member[k]), k))
    eq([x["login"] for x in a["members"]], order, "members by volume; the viewer left out")
    for x in a["members"]:
        eq([x["counts"][p] for p in PHASES], per_member[x["login"]], x["login"])
        eq(listed("activity", x["query"]), x["total"], f"drill-down of {x['login']}")
        for k, wk in enumerate(x["weeks"]):
            q = dict(a["weeks"][k]["query"], member=x["login"])
            for p in PHASES:
                if wk[p]:
                    eq(listed("activity", dict(q, phase=p)), wk[p],
                       f"{x['login']} week {k} {p}")

    age, sev = expected_problems()
    p = m["problems"]
    eq(p["open"], sum(1 for x in PROBLEMS if not x[2]), "problems open")
    eq(listed("problem", p["query"]), p["open"], "drill-down of the open problems")
    for b in p["by_age"]:
        eq(b["counts"], age[b["age"]], f"age {b['age']}")
        eq(listed("problem", b["query"]), b["total"], f"drill-down of age {b['age']}")
        for s, q in b["sla_queries"].items():
            eq(listed("problem", q), b["counts"][s], f"drill-down of age {b['age']} {s}")
    for s in p["by_sla"]:
        eq(s["count"], sum(age[b][s["sla"]] for b in age), f"SLA {s['sla']}")
        eq(listed("problem", s["query"]), s["count"], f"drill-down of SLA {s['sla']}")
    for v in p["by_severity"]:
        eq(v["counts"], sev[v["severity"]], f"severity {v['severity']}")
        eq(listed("problem", v["query"]), v["total"], f"drill-down of {v['severity']}")

    want = expected_collections()
    c = m["collections"]
    for k in ("due_7", "due_30", "overdue"):
        eq([c[k]["count"], c[k]["amount"]], want[k], k)
        eq(listed("collection", c[k]["query"]), c[k]["count"], f"drill-down of {k}")
    for b in c["aging"]:
        eq([b["bucket"]["count"], b["bucket"]["amount"]], want[b["days"]], b["days"])
        eq(listed("collection", b["bucket"]["query"]), b["bucket"]["count"],
           f"drill-down of {b['days']} days late")

    per, sunday = expected_tasks()
    t = m["tasks"]
    eq(t["week_end"], sunday.isoformat(), "this week ends on Sunday")
    eq(t["overdue"], sum(a["overdue"] for a in per.values()), "tasks overdue")
    eq(t["due_week"], sum(a["due_week"] for a in per.values()), "tasks due this week")
    eq(listed("task", t["query_overdue"]), t["overdue"], "drill-down of the overdue")
    eq(listed("task", t["query_due_week"]), t["due_week"], "drill-down of this week's")
    oldest = min((i for i, (w, d, s) in enumerate(TASKS) if s != "done" and day(d) < TODAY),
                 key=lambda i: day(TASKS[i][1]))
    eq((t["oldest"]["title"], t["oldest"]["due"], t["oldest"]["assignee"],
        t["oldest"]["days_late"]),
       (f"任务 {oldest}", TASKS[oldest][1], TASKS[oldest][0],
        (TODAY - day(TASKS[oldest][1])).days), "the oldest overdue task")
    eq(sorted(x["login"] for x in t["assignees"]), sorted(per), "assignees with tasks due")
    for x in t["assignees"]:
        a = per[x["login"]]
        eq((x["overdue"], x["due_week"]), (a["overdue"], a["due_week"]), x["login"])
        eq(x["oldest"]["title"] if x["oldest"] else None,
           f"任务 {a['oldest']}" if a["oldest"] is not None else None, f"{x['login']}'s oldest")
        eq(listed("task", x["query_overdue"]), x["overdue"], f"{x['login']} overdue")
        eq(listed("task", x["query_due_week"]), x["due_week"], f"{x['login']} this week")


