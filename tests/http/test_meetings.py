"""test_meetings.py - meetings and the calendar feed over HTTP: what the web UI sends and reads
(a meeting with its attendees and action items in one body, "make tasks" in one call), each
error with its status, field and reason and nothing changed, and the per-user iCalendar feed
behind its secret link (made, rotated, revoked; only the projects the user is in now). Every
answer is also checked against the OpenAPI document by the harness. Expected values are worked
out here by hand (the workspace's time zone is Asia/Shanghai, UTC+8)."""
import datetime
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import Env, expect_error, insert_deal, workspace  # noqa: E402
from harness import eq, run_all, test  # noqa: E402

M = "/api/v1/projects/P1/meetings"
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
TODAY = datetime.datetime.now(SHANGHAI).date()


def day(n):
    return (TODAY + datetime.timedelta(days=n)).isoformat()


def body(**kw):
    b = {"title": "周例会：销售管道评审", "date": day(3), "start": "09:30", "end": "10:30",
         "location": "上海 3F", "attendees": ["rep", "rep2"],
         "action_items": [{"text": "更新华东报价", "assignee": "rep", "due": day(6)},
                          {"text": "约客户演示", "assignee": "rep2", "due": day(8)}]}
    b.update(kw)
    return b


def counts(ws):
    return [ws.sql(f"SELECT COUNT(*) FROM {t}")[0][0]
            for t in ("meetings", "meeting_attendees", "meeting_items", "tasks", "audit")]


def setup():
    ws = workspace(users=("mgr", "rep", "rep2", "vw", "out"), projects=("P1", "P2"))
    ws.ok("member", "add", "P2", "rep", "--role", "member")
    return ws


@test
def meetings_are_made_read_changed_and_deleted():
    ws = setup()
    with Env(ws) as e:
        mgr, rep, vw = e.as_("mgr"), e.as_("rep"), e.as_("vw")
        m = mgr.ok("POST", M, body(), status=201)
        eq((m["organizer"], m["starts_at"], m["ends_at"], m["upcoming"], m["version"]),
           ("mgr", day(3) + "T01:30:00Z", day(3) + "T02:30:00Z", True, 1))
        eq([a["login"] for a in m["attendees"]], ["rep", "rep2"])
        eq([(i["text"], i["assignee"], i["due"], i["task"]) for i in m["action_items"]],
           [("更新华东报价", "rep", day(6), None), ("约客户演示", "rep2", day(8), None)])
        past = rep.ok("POST", M, body(title="客户升级会", date=day(-2), start="14:00", end=None,
                                      duration=90, attendees=[], action_items=[]), status=201)
        eq((past["organizer"], past["end"], past["upcoming"]), ("rep", "15:30", False))
        eq([x["id"] for x in vw.ok("GET", M)["meetings"]], [m["id"], past["id"]])
        eq([x["id"] for x in vw.ok("GET", M + "?upcoming=yes")["meetings"]], [m["id"]])
        eq([x["id"] for x in vw.ok("GET", M + "?upcoming=no")["meetings"]], [past["id"]])
        eq(vw.ok("GET", f"{M}/{m['id']}")["title"], "周例会：销售管道评审")
        expect_error(e.as_("out").get(f"{M}/{m['id']}"), 404, "not_found")
        # a change keeps the items by id, drops one, adds one
        keep = m["action_items"][0]
        u = mgr.ok("PATCH", f"{M}/{m['id']}", {"version": 1, "minutes": "华东区新增 3 个商机",
                                               "decisions": "开放 5% 折扣", "attendees": ["rep"],
                                               "action_items": [keep, {"text": "复盘", "assignee": "mgr",
                                                                       "due": day(9)}]})
        eq((u["version"], u["minutes"], u["decisions"]), (2, "华东区新增 3 个商机", "开放 5% 折扣"))
        eq([(i["id"], i["text"]) for i in u["action_items"]][0], (keep["id"], "更新华东报价"))
        eq([i["text"] for i in u["action_items"]], ["更新华东报价", "复盘"])
        expect_error(mgr.patch(f"{M}/{m['id']}", {"version": 1, "minutes": "x"}), 409, "conflict")
        # the rep changes their own, not the manager's
        rep.ok("PATCH", f"{M}/{past['id']}", {"version": 1, "minutes": "客户同意延期"})
        expect_error(rep.patch(f"{M}/{m['id']}", {"version": 2, "minutes": "x"}), 403, "forbidden")
        expect_error(vw.post(M, body()), 403, "forbidden")
        expect_error(rep.delete(f"{M}/{m['id']}?version=2"), 403, "forbidden")
        mgr.ok("DELETE", f"{M}/{past['id']}?version=2")
        expect_error(vw.get(f"{M}/{past['id']}"), 404, "not_found")


@test
def bad_bodies_name_the_field_and_change_nothing():
    ws = setup()
    with Env(ws) as e:
        mgr = e.as_("mgr")
        m = mgr.ok("POST", M, body(), status=201)
        before = counts(ws)
        for b, field, reason in (
                (body(title=""), "title", None),
                (body(start="10:30", end="09:30"), "end", "end_before_start"),
                (body(start="25:00"), "start", "not_time"),
                (body(end=None, duration=0), "duration", None),
                (body(attendees=["out"]), "attendees", "not_member"),
                (body(attendees=["nobody"]), "attendees", "not_member"),
                (body(attendees="rep"), "attendees", "wrong_type"),
                (body(action_items=[{"text": "x", "assignee": "out", "due": day(5)}]), "action_items",
                 "not_member"),
                (body(action_items=[{"text": "", "assignee": "rep", "due": day(5)}]), "action_items",
                 "item_text_required"),
                (body(action_items=[{"text": "x", "assignee": "rep"}]), "action_items",
                 "item_due_required"),
                (body(action_items=[{"text": "x", "assignee": "rep", "due": "soon"}]), "action_items",
                 None),
                (body(action_items=[{"text": "x", "assignee": "rep", "due": day(5), "colour": 1}]),
                 "action_items[0].colour", "unknown_field"),
                (body(organizer="out"), "organizer", "not_member"),
                (body(colour="red"), "colour", "unknown_field"),
                (body(starts_at="2026-01-01T00:00:00Z"), "starts_at", "read_only")):
            expect_error(mgr.post(M, b), 422, "invalid", field=field, reason=reason)
        expect_error(mgr.patch(f"{M}/{m['id']}", {"version": 1, "action_items": [
            {"id": 999999, "text": "x", "assignee": "rep", "due": day(5)}]}), 422, "invalid",
            field="action_items", reason="no_item")
        eq(counts(ws), before, "nothing changed")


@test
def action_items_become_tasks_once_and_link_to_the_meeting():
    ws = setup()
    with Env(ws) as e:
        mgr, rep = e.as_("mgr"), e.as_("rep")
        m = mgr.ok("POST", M, body(), status=201)
        first, second = [i["id"] for i in m["action_items"]]
        one = mgr.ok("POST", f"{M}/{m['id']}/tasks", {"items": [first]})
        t1 = one["action_items"][0]["task"]
        eq((one["version"], one["action_items"][1]["task"]), (2, None))
        task = rep.ok("GET", f"/api/v1/projects/P1/tasks/{t1}")
        eq((task["title"], task["assignee"], task["start"], task["due"]),
           ("更新华东报价", "rep", day(3), day(6)))
        eq(f"meeting #{m['id']}" in task["description"], True)
        expect_error(mgr.post(f"{M}/{m['id']}/tasks", {"items": [first]}), 409, "conflict",
                     field="items", reason="item_converted")
        expect_error(mgr.post(f"{M}/{m['id']}/tasks", {"version": 1}), 409, "conflict")
        expect_error(mgr.post(f"{M}/{m['id']}/tasks", {"items": [123456]}), 422, "invalid",
                     field="items", reason="no_item")
        rest = mgr.ok("POST", f"{M}/{m['id']}/tasks", {})
        eq(rest["action_items"][0]["task"], t1, "never twice")
        t2 = rest["action_items"][1]["task"]
        mine = rep.ok("GET", "/api/v1/projects/P1/tasks?assignee=rep2")["tasks"]
        eq([t["id"] for t in mine], [t2])
        expect_error(mgr.post(f"{M}/{m['id']}/tasks"), 422, "invalid", reason="nothing_to_convert")
        # a converted item cannot be changed through the meeting
        items = rest["action_items"]
        items[0]["text"] = "改了"
        expect_error(mgr.patch(f"{M}/{m['id']}", {"version": rest["version"], "action_items": items}),
                     422, "invalid", field="action_items", reason="item_converted")
        expect_error(mgr.patch(f"{M}/{m['id']}", {"version": rest["version"], "action_items": []}),
                     422, "invalid", field="action_items", reason="item_converted")


# --- the calendar feed ---------------------------------------------------------------------

def unfold(text):
    return text.replace("\r\n ", "")


def events(text):
    """{UID: {property name (without parameters): value}} of the feed's events."""
    out, cur = {}, None
    for line in unfold(text).split("\r\n"):
        if line == "BEGIN:VEVENT":
            cur = {}
        elif line == "END:VEVENT":
            out[cur["UID"]] = cur
            cur = None
        elif cur is not None and line:
            name, value = line.split(":", 1)
            cur[name.split(";")[0]] = (name, value)
            cur[name.split(";")[0]] = value if ";" not in name else name.split(";", 1)[1] + ":" + value
    return out


def check_lines(raw):
    """CRLF only, each line at most 75 octets, and valid UTF-8 once unfolded."""
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""), "CRLF only"
    assert b"\r" not in raw.replace(b"\r\n", b""), "no lone CR"
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75, f"line of {len(line)} octets: {line!r}"
    unfold(raw.decode("utf-8"))


@test
def the_calendar_feed_holds_the_users_items_behind_a_secret_link():
    ws = setup()
    with Env(ws) as e:
        rep, mgr, anon = e.as_("rep"), e.as_("mgr"), e.anon()
        eq(rep.ok("GET", "/api/v1/me/calendar"), {"exists": False, "created_at": None})
        expect_error(rep.delete("/api/v1/me/calendar"), 404, "not_found")
        link = rep.ok("POST", "/api/v1/me/calendar", {}, status=201)
        path = link["path"]
        assert path.startswith("/api/v1/calendar/cal_") and path.endswith(".ics"), path
        eq(rep.ok("GET", "/api/v1/me/calendar")["exists"], True)
        assert "path" not in rep.ok("GET", "/api/v1/me/calendar"), "the link is shown once"
        secret = path.rsplit("/", 1)[1][:-4]
        eq(ws.sql("SELECT COUNT(*) FROM calendar_feeds WHERE token_hash LIKE ?", f"%{secret}%"),
           [(0,)], "only a hash is kept")
        # the rep's items: a meeting they attend (P1), one they organise (P2), a task, a deal
        long_title = "季度复盘；定价, 渠道\\折扣 " + "华东大客户" * 8
        m1 = mgr.ok("POST", M, body(title=long_title, attendees=["rep"], location="A; B, C"),
                    status=201)
        m2 = rep.ok("POST", "/api/v1/projects/P2/meetings",
                    body(title="P2 kickoff", attendees=[], action_items=[], date=day(1),
                         start="08:00", end="09:00"), status=201)
        mgr.ok("POST", "/api/v1/projects/P1/meetings",
               body(title="not the rep's", attendees=["rep2"], action_items=[]), status=201)
        t = mgr.ok("POST", "/api/v1/projects/P1/tasks", {"title": "发报价", "assignee": "rep",
                                                         "start": day(2), "due": day(4)}, status=201)
        # activities: one at 16:00 Shanghai (08:00Z, half an hour), one without a time (all day)
        ws.ok("channel", "add", "direct", "--name", "直销", "--type", "direct")
        ws.ok("product", "add", "SKU-1", "--name", "网关", "--cost", "1.00", "--price", "2.00")
        ws.ok("sale", "add", "P1", "--date", "2026-02-01", "--customer", "华东贸易", "--product",
              "SKU-1", "--channel", "direct", "--quantity", "1", "--rep", "rep")
        cust = ws.js("customer", "show", "华东贸易")["id"]
        a1 = rep.ok("POST", "/api/v1/projects/P1/activities", {
            "kind": "visit", "date": day(1), "time": "16:00", "customer": cust,
            "phase": "in_sale", "status": "planned", "outcome": "带样品"}, status=201)
        a2 = rep.ok("POST", "/api/v1/projects/P1/activities", {
            "kind": "call", "date": day(-1), "customer": cust, "phase": "pre_sale"}, status=201)
        # an open deal with a close day in; a won one and one without a day out
        d1 = ws.js("deal", "add", "P1", "--title", "年度框架协议", "--customer", "华东贸易",
                   "--owner", "rep", "--expected-close", day(20))["id"]
        ws.js("deal", "add", "P1", "--title", "no day", "--customer", "华东贸易", "--owner", "rep")
        d3 = ws.js("deal", "add", "P1", "--title", "won", "--customer", "华东贸易", "--owner", "rep",
                   "--expected-close", day(5))["id"]
        ws.sql("UPDATE deals SET won_on = 1 WHERE id = ?", d3)
        r = anon.get(path)
        eq(r.status, 200)
        eq(r.header("Content-Type"), "text/calendar; charset=utf-8")
        check_lines(r.body)
        text = r.body.decode("utf-8")
        assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"), text[:80]
        assert "\r\nCALSCALE:GREGORIAN\r\n" in text and "\r\nX-WR-CALNAME:" in text
        assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text, "a refresh hint"
        ev = events(text)
        eq(sorted(ev), sorted([f"meeting-{m1['id']}@salespm", f"meeting-{m2['id']}@salespm",
                               f"task-{t['id']}@salespm", f"activity-{a1['id']}@salespm",
                               f"activity-{a2['id']}@salespm", f"deal-{d1}@salespm"]))
        ac = ev[f"activity-{a1['id']}@salespm"]
        ymd = lambda n: day(n).replace("-", "")  # noqa: E731
        eq((ac["DTSTART"], ac["DTEND"]), (ymd(1) + "T080000Z", ymd(1) + "T083000Z"))
        eq(ac["SUMMARY"], "[P1] visit · 华东贸易")
        ac = ev[f"activity-{a2['id']}@salespm"]
        eq((ac["DTSTART"], ac["DTEND"]), ("VALUE=DATE:" + ymd(-1), "VALUE=DATE:" + ymd(0)))
        de = ev[f"deal-{d1}@salespm"]
        eq((de["DTSTART"], de["DTEND"]), ("VALUE=DATE:" + ymd(20), "VALUE=DATE:" + ymd(21)))
        me = ev[f"meeting-{m1['id']}@salespm"]
        y, mo, d = day(3).split("-")
        eq((me["DTSTART"], me["DTEND"]), (f"{y}{mo}{d}T013000Z", f"{y}{mo}{d}T023000Z"))
        eq(me["SUMMARY"], "[P1] " + long_title.replace("\\", "\\\\").replace(";", "\\;")
           .replace(",", "\\,"))
        eq(me["LOCATION"], "A\\; B\\, C")
        te = ev[f"task-{t['id']}@salespm"]
        eq((te["DTSTART"], te["DTEND"]), ("VALUE=DATE:" + day(2).replace("-", ""),
                                          "VALUE=DATE:" + day(5).replace("-", "")))
        # rotated: the old link is gone, the new one works
        new = rep.ok("POST", "/api/v1/me/calendar", {}, status=201)["path"]
        expect_error(anon.get(path), 404, "not_found")
        eq(anon.get(new).status, 200)
        # the rep leaves P2: its meeting leaves the feed at the next read
        ws.ok("member", "remove", "P2", "rep")
        ev = events(anon.get(new).body.decode("utf-8"))
        eq(f"meeting-{m2['id']}@salespm" in ev, False)
        eq(f"meeting-{m1['id']}@salespm" in ev, True)
        # revoked: gone
        eq(rep.ok("DELETE", "/api/v1/me/calendar")["exists"], False)
        expect_error(anon.get(new), 404, "not_found")
        expect_error(anon.get("/api/v1/calendar/whatever"), 404, "not_found")
        # the access log is written in order by a thread of its own, a moment after each
        # request: once a /livez sent after the feed's requests is in it, so are they
        before = e.srv.read_log().count("path=/livez ")
        eq(anon.get("/livez").status, 200)
        deadline = time.time() + 10
        while True:
            log = e.srv.read_log()
            if log.count("path=/livez ") > before or time.time() > deadline:
                break
            time.sleep(0.05)
        assert "/api/v1/calendar/[secret]" in log, f"the feed's requests are logged: {log[-1500:]}"
        assert secret not in log and new.rsplit("/", 1)[1][:-4] not in log, "never its secret"


run_all()
