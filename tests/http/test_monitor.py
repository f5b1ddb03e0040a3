"""test_monitor.py - GET /api/v1/projects/{code}/monitor over HTTP, on SQLite and PostgreSQL:
activity volume per member and ISO week by phase, open problems by age and SLA state,
collections due and overdue, tasks overdue (the records and the figures worked out by hand in
tests/lib/monitor_fixture.py); each figure's drill-down run as the list route with its query,
listing exactly the records counted; who may read it (every reader of the project sees the
same answer; someone off the project gets 404); the answer kept per data version with an ETag
(304 to If-None-Match, a write changes it); ?as_of= moves the weeks and what is overdue; a bad
day is a 422 naming the field."""
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import Env, expect_error  # noqa: E402
from harness import Workspace, eq, run_all, test  # noqa: E402
from monitor_fixture import AT, LISTS, TODAY, check_panels, fill, iso, team  # noqa: E402

BASE = "/api/v1/projects/P1"
PASSWORD = "user-secret-1"  # team()'s users


def setup():
    ws = Workspace()
    team(ws)
    fill(ws)
    return ws


def lister(client):
    def count(noun, query):
        q = dict(query, limit="500")
        got = client.ok("GET", f"{BASE}/{LISTS[noun]}?" + urllib.parse.urlencode(q))
        eq(got["total"], len(got[LISTS[noun]]), f"{noun}: one page holds them all")
        return len(got[LISTS[noun]])
    return count


@test
def the_figures_equal_the_hand_count_and_each_drills_down_to_its_records():
    ws = setup()
    with Env(ws) as env:
        mgr = env.sign_in("li.na", PASSWORD)
        m = mgr.ok("GET", BASE + "/monitor")
        eq((m["project"], m["as_of"], m["at"]), ("P1", TODAY.isoformat(), iso(AT)), "head")
        check_panels(lister(mgr), m)
        # a rep counts the same records through the same lists
        check_panels(lister(env.sign_in("wang.fang", PASSWORD)), m)


@test
def every_reader_sees_the_same_answer_and_others_nothing():
    ws = setup()
    with Env(ws) as env:
        bodies = {}
        for login in ("li.na", "wang.fang", "gao"):
            r = env.sign_in(login, PASSWORD).get(BASE + "/monitor")
            eq(r.status, 200, login)
            bodies[login] = r.json()
        eq(bodies["wang.fang"], bodies["li.na"], "a member sees what the manager sees")
        eq(bodies["gao"], bodies["li.na"], "a viewer too")
        expect_error(env.sign_in("out", PASSWORD).get(BASE + "/monitor"), 404, "not_found")
        eq(env.anon().get(BASE + "/monitor").status, 401, "not signed in")
        expect_error(env.sign_in("li.na", PASSWORD).get("/api/v1/projects/NOPE/monitor"), 404,
                     "not_found")


@test
def the_answer_is_kept_with_an_etag_until_a_write():
    ws = setup()
    with Env(ws) as env:
        c = env.sign_in("li.na", PASSWORD)
        r1, r2 = c.get(BASE + "/monitor"), c.get(BASE + "/monitor")
        eq((r1.body, r1.header("ETag")), (r2.body, r2.header("ETag")), "the same answer")
        assert r1.header("ETag"), r1
        eq(c.get(BASE + "/monitor", headers={"If-None-Match": r1.header("ETag")}).status, 304,
           "304 to its ETag")
        # a task due today done: one fewer due this week
        before = r1.json()["tasks"]["due_week"]
        t = c.ok("GET", BASE + "/tasks?assignee=wang.fang&due=2026-06-17")["tasks"][0]
        t = c.ok("POST", f"{BASE}/tasks/{t['id']}/status", {"status": "doing",
                                                            "version": t["version"]})
        c.ok("POST", f"{BASE}/tasks/{t['id']}/status", {"status": "done", "version": t["version"]})
        r3 = c.get(BASE + "/monitor")
        assert r3.header("ETag") != r1.header("ETag"), "a write changes the answer"
        eq(r3.json()["tasks"]["due_week"], before - 1, "the task done is no longer due")


@test
def as_of_moves_the_weeks_and_what_is_overdue_and_a_bad_day_is_refused():
    ws = setup()
    with Env(ws) as env:
        c = env.sign_in("gao", PASSWORD)
        m = c.ok("GET", BASE + "/monitor?as_of=2026-05-18")
        eq((m["as_of"], m["activity"]["weeks"][-1]["week"], m["activity"]["weeks"][-1]["to"]),
           ("2026-05-18", "2026-05-18", "2026-05-18"), "the week of a Monday is that day")
        # on 2026-05-18: 2026-03-18 is 61 days late, 2026-03-19 60, 2026-05-17 one day,
        # 2026-05-18 due today; 2026-05-20 (a task) not yet overdue
        aging = {b["days"]: b["bucket"] for b in m["collections"]["aging"]}
        eq({k: (v["count"], v["amount"]) for k, v in aging.items()},
           {"1-30": (1, 80000), "31-60": (1, 90000), "61-90": (1, 100000), "91+": (0, 0)},
           "days late as of the 18th of May")
        eq((m["collections"]["due_7"]["count"], m["collections"]["due_7"]["amount"]),
           (1, 70000), "due the 18th (700.00), the only one within 7 days")
        # within 30 days: the 18th, and the 16th of June (600.00 less 250.00 received)
        eq((m["collections"]["due_30"]["count"], m["collections"]["due_30"]["amount"]),
           (2, 70000 + 35000), "within 30 days")
        eq(m["tasks"]["overdue"], 0, "nothing overdue yet")
        count = lister(c)
        for b in m["collections"]["aging"]:
            eq(count("collection", b["bucket"]["query"]), b["bucket"]["count"],
               f"drill-down of {b['days']} as of May 18th")
        for bad in ("2026-02-30", "tomorrow"):
            expect_error(c.get(BASE + "/monitor?as_of=" + bad), 422, "invalid", field="as_of")


if __name__ == "__main__":
    run_all()
