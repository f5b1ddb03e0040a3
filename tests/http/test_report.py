"""test_report.py - GET /api/v1/projects/{code}/report and .../report/compare over HTTP, on
SQLite and PostgreSQL: the evaluation's JSON (its figures are checked one by one in
tests/cli/test_evaluation.py; here the totals against the sales the test posted), every
format with its content type and file name, the language from ?lang or Accept-Language,
?as_of, the interim flag and a closed project's final report, who may read it (every reader
of the project; someone off it gets 404; a member sees no one else's teamwork), and bad
queries refused naming the field."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import Env, amount, expect_error, sale, workspace  # noqa: E402
from harness import eq, run_all, test  # noqa: E402

BASE = "/api/v1/projects/P1"
TODAY = "2026-03-10"
CLOSED_AT = "2026-03-05T02:00:00Z"  # 10:00 in Shanghai
MIMES = {"csv": "text/csv", "html": "text/html",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "pdf": "application/pdf"}
SALES = [sale(date="2026-02-03", qty=2, price=10000),
         sale(date="2026-02-20", customer="Bolt", product="SKU-2", channel="shop", qty=5,
              price=990, discount=50),
         sale(date="2026-03-09", customer="Acme", qty=1, price=10000)]


def setup(status="active"):
    ws = workspace(users=("mgr", "rep", "rep2", "vw", "out"), projects=("P1", "P2"),
                   status="active", channels=("direct", "shop"), products=("SKU-1", "SKU-2"),
                   today=TODAY)
    if status != "active":
        ws.env["SALESPM_NOW"] = CLOSED_AT
        ws.ok("project", "update", "P1", "--status", status)
        del ws.env["SALESPM_NOW"]
    return ws


def post_sales(env):
    rep = env.as_("rep")
    for body in SALES:
        rep.ok("POST", BASE + "/sales", body, status=201)


@test
def json_figures_and_interim():
    ws = setup()
    with Env(ws) as env:
        post_sales(env)
        ev = env.as_("mgr").ok("GET", BASE + "/report")
        eq((ev["project"]["code"], ev["interim"], ev["as_of"]), ("P1", True, TODAY))
        eq(ev["totals"]["revenue"], sum(amount(b) for b in SALES))
        eq(ev["totals"]["units"], sum(b["quantity"] for b in SALES))
        eq({c["code"]: c["revenue"] for c in ev["channels"]},
           {"direct": amount(SALES[0]) + amount(SALES[2]), "shop": amount(SALES[1])})
        rep = {m["login"]: m for m in ev["team"]}["rep"]
        eq(rep["revenue"], sum(amount(b) for b in SALES), "rep made every sale")
        # as of a day: the sales dated up to it
        ev = env.as_("mgr").ok("GET", BASE + "/report?as_of=2026-02-20")
        eq((ev["as_of"], ev["totals"]["revenue"]), ("2026-02-20",
                                                    amount(SALES[0]) + amount(SALES[1])))


@test
def a_closed_project_is_final():
    ws = setup(status="closed")
    with Env(ws) as env:
        ev = env.as_("mgr").ok("GET", BASE + "/report?as_of=2026-02-01")
        # the day it was closed, before its end (once closing records it: migration 032),
        # else its end
        day = "2026-03-05" if ev["project"]["closed_at"] else "2026-12-31"
        if ev["project"]["closed_at"]:
            eq(ev["project"]["closed_at"], CLOSED_AT)
        eq((ev["interim"], ev["as_of"], ev["project"]["status"]), (False, day, "closed"))


@test
def readers_and_others():
    ws = setup()
    with Env(ws) as env:
        for who in ("admin", "mgr", "rep", "vw"):
            eq(env.as_(who).get(BASE + "/report").status, 200, who)
        expect_error(env.as_("out").get(BASE + "/report"), 404, "not_found")
        eq(env.as_("anon").get(BASE + "/report").status, 401)
        expect_error(env.as_("mgr").get("/api/v1/projects/NOPE/report"), 404, "not_found")


@test
def a_member_sees_only_their_own_teamwork():
    ws = setup()
    with Env(ws) as env:
        mine = {m["login"]: m for m in env.as_("rep").ok("GET", BASE + "/report")["team"]}
        assert isinstance(mine["rep"]["reviews"], int), mine["rep"]
        eq((mine["rep2"]["reviews"], mine["rep2"]["teamwork"]), (None, None))
        eq((mine["mgr"]["reviews"], mine["mgr"]["teamwork"]), (None, None))
        for who in ("mgr", "admin"):
            full = env.as_(who).ok("GET", BASE + "/report")["team"]
            assert all(isinstance(m["reviews"], int) for m in full), (who, full)
        # a viewer is not a member: every teamwork hidden
        seen = env.as_("vw").ok("GET", BASE + "/report")["team"]
        assert all(m["reviews"] is None for m in seen), seen
        eq(sorted(m["login"] for m in seen), ["admin", "mgr", "rep", "rep2"],
           "the team: members and managers, not viewers")


@test
def every_format_with_its_type_and_name():
    ws = setup()
    with Env(ws) as env:
        post_sales(env)
        c = env.as_("mgr")
        r = c.get(BASE + "/report?format=json")
        eq(r.status, 200)
        assert r.header("Content-Type").startswith("application/json"), r
        for fmt, mime in MIMES.items():
            for lang in ("zh-CN", "en"):
                r = c.get(f"{BASE}/report?format={fmt}&lang={lang}")
                if r.status == 503:
                    # the renderers (branch render) are not in this tree yet
                    expect_error(r, 503, "unavailable", "format")
                    continue
                eq(r.status, 200, (fmt, lang))
                assert r.header("Content-Type").startswith(mime), (fmt, r.header("Content-Type"))
                eq(r.header("Content-Disposition"),
                   f'attachment; filename="P1-evaluation-interim-{TODAY}.{fmt}"', fmt)
                assert len(r.body) > 0
            if fmt == "csv" and r.status == 200:
                check_csv(c)
            r = c.get(f"{BASE}/report/compare?with=P2&format={fmt}")
            if r.status != 503:
                eq(r.status, 200, fmt)
                eq(r.header("Content-Disposition"),
                   f'attachment; filename="P1-vs-P2-{TODAY}.{fmt}"', fmt)


def check_csv(c):
    """The CSV's words in each language (?lang, else Accept-Language, else Chinese), its
    interim note and the total revenue as the sales add up (349.00)."""
    total = "%.2f" % (sum(amount(b) for b in SALES) / 100)
    for query, headers, words in (
            ("&lang=zh-CN", {}, ["目标达成", "策略效果", "团队表现", "调整记录", "经验教训",
                                 f"中期报告：项目仍在进行，数据截至 {TODAY}。"]),
            ("&lang=en", {}, ["Goal attainment", "Strategy effectiveness", "Team performance",
                              "Adjustments", "Lessons learned",
                              f"Interim report: the project is still running; figures as of "
                              f"{TODAY}."]),
            ("", {"Accept-Language": "en-US,en;q=0.9"}, ["Goal attainment"]),
            ("", {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}, ["目标达成"]),
            ("", {}, ["目标达成"])):
        r = c.get(f"{BASE}/report?format=csv{query}", headers=headers)
        eq(r.status, 200)
        text = r.body.decode("utf-8-sig")
        for w in words:
            assert w in text, (query, headers, w, text[:400])
    rows = [line.split(",") for line in text.splitlines()]
    assert ["收入", total] in rows, (total, text[:400])


@test
def bad_queries_name_their_field():
    ws = setup()
    with Env(ws) as env:
        c = env.as_("mgr")
        expect_error(c.get(BASE + "/report?format=docx"), 422, "invalid", "format")
        expect_error(c.get(BASE + "/report?lang=fr"), 422, "invalid", "lang", "bad_enum")
        expect_error(c.get(BASE + "/report?as_of=2026-02-30"), 422, "invalid", "as_of")
        expect_error(c.get(BASE + "/report/compare"), 422, "invalid", "with", "required")
        expect_error(c.get(BASE + "/report/compare?with=NOPE"), 404, "not_found", "with")


@test
def compare_side_by_side():
    ws = setup()
    with Env(ws) as env:
        post_sales(env)
        ws.ok("member", "add", "P2", "rep", "--role", "member")
        env.as_("rep").ok("POST", "/api/v1/projects/P2/sales",
                          sale(date="2026-01-10", qty=3, price=10000), status=201)
        cmp = env.as_("mgr").ok("GET", BASE + "/report/compare?with=P2")
        eq([p["project"]["code"] for p in cmp["projects"]], ["P1", "P2"])
        p1 = sum(amount(b) for b in SALES)
        eq(cmp["difference"]["revenue"], 30000 - p1)
        direct = {x["code"]: x for x in cmp["channels"]}["direct"]
        eq(direct["revenue"], [amount(SALES[0]) + amount(SALES[2]), 30000])
        # a reader of P1 alone may not compare with P2
        expect_error(env.as_("rep2").get(BASE + "/report/compare?with=P2"), 404, "not_found",
                     "with")


if __name__ == "__main__":
    run_all()
