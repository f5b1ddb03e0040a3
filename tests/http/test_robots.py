"""test_robots.py - group robots over HTTP (/api/v1/webhooks with a format): a local
receiver on 127.0.0.1 (allowed past the address guard as test_webhooks.py does) plays
WeCom (企业微信), DingTalk (钉钉) and Feishu (飞书): it checks the path and query, the JSON
shape, the Chinese or English text and the signature, computed here apart with hmac, base64
and urllib, and answers errcode / code 0 - or a non-zero errcode, which is a failed attempt,
logged and retried. A robot with a project gets only that project's events; the links go
under serve --public-url. Bad input names its field and changes nothing; a robot's secret
is shown back masked only.

P1 (fixture): mgr its manager, rep a member, vw a viewer; P2 a second project."""
import base64
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import Env, expect_error, workspace  # noqa: E402
from hooks import Collector, allow, wait_delivery  # noqa: E402
from harness import eq, run_all, test  # noqa: E402

HOOKS = "/api/v1/webhooks"
PUBLIC = "https://sales.example.com"
DING_SECRET = "SEC" + "0f1e2d3c4b5a6978" * 4
FEISHU_SECRET = "qJ8mZ3xR7tK2wP9s"
OK = {"wecom": {"errcode": 0, "errmsg": "ok"}, "dingtalk": {"errcode": 0, "errmsg": "ok"},
      "feishu": {"code": 0, "msg": "success", "data": {}}}


class Robot(Collector):
    """A chat app's robot endpoint on 127.0.0.1: records each POST (path, query, headers,
    body, time) and answers the JSON answers given in turn (OK[kind] once they run out)."""

    def __init__(self, kind, answers=()):
        super().__init__()
        self.answers = list(answers)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                u = urllib.parse.urlsplit(self.path)
                with outer.cond:
                    answer = outer.answers.pop(0) if outer.answers else OK[kind]
                outer.record((u.path, u.query, dict(self.headers.items()), raw, time.time()))
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.serve(Handler)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


def setup():
    ws = workspace(("mgr", "rep", "vw"), projects=("P1", "P2"), channels=("direct",),
                   products=("SKU-1",))
    ws.ok("project", "update", "P1", "--name", "华东区年度")
    ws.ok("member", "add", "P2", "rep", "--role", "member")
    return ws


def sale(ws, project, qty, price):
    ws.ok("sale", "add", project, "--date", "2026-01-05", "--customer", "Acme", "--product",
          "SKU-1", "--channel", "direct", "--rep", "rep", "--quantity", str(qty), "--price", price)


@test
def a_wecom_robot_gets_its_projects_sale_as_markdown():
    ws = setup()
    bot = Robot("wecom")
    try:
        with Env(ws, "--public-url", PUBLIC) as env:
            admin = env.as_("admin")
            allow(admin, f"127.0.0.1:{bot.port}")
            made = admin.ok("POST", HOOKS, {
                "url": bot.url("/cgi-bin/webhook/send?key=693a91f6-7xxx"), "format": "wecom",
                "project": "P1", "events": ["sale.created"]}, status=201)
            hook = made["webhook"]
            eq((made["secret"], hook["format"], hook["project"], hook["lang"], hook["key_hint"]),
               (None, "wecom", "P1", "zh-CN", None), "a WeCom robot: no secret, P1, zh-CN")
            sale(ws, "P2", 1, "50.00")  # another project's: not for this group
            sale(ws, "P1", 2, "120000.00")
            (path, query, headers, raw, _), = bot.wait(1)
            eq((path, query), ("/cgi-bin/webhook/send", "key=693a91f6-7xxx"), "the robot's URL")
            eq(headers["Content-Type"], "application/json", "JSON")
            assert "X-Salespm-Signature" not in headers, "WeCom is not signed"
            eq(json.loads(raw), {"msgtype": "markdown", "markdown": {"content":
               "**【P1 华东区年度】新成交**\nREP 成交 Acme：SKU-1 × 2，¥240,000.00\n"
               f"[查看详情]({PUBLIC}/#/p/P1/sales)"}},
               "the markdown message (2 × 120,000.00 = 240,000.00)")
            ds = wait_delivery(admin, hook["id"], lambda ds: ds and ds[0]["state"] == "delivered")
            eq([(d["event"], d["attempts"], d["last_status"], d["last_error"]) for d in ds],
               [("sale.created", 1, 200, "")], "one delivery, the P2 sale none")
            one = admin.ok("GET", f"{HOOKS}/{hook['id']}/deliveries/{ds[0]['id']}")
            eq(one["delivery"]["body"], json.loads(raw), "the body kept is the one sent")
            time.sleep(1)
            eq(len(bot.got), 1, "nothing else came")
    finally:
        bot.close()


def dingtalk_sign(ts, secret):
    return base64.b64encode(hmac.new(secret.encode(), f"{ts}\n{secret}".encode(),
                                     hashlib.sha256).digest()).decode()


@test
def a_dingtalk_robot_is_signed_in_its_url():
    ws = setup()
    sale(ws, "P2", 1, "10.00")  # Acme, a customer
    bot = Robot("dingtalk")
    try:
        with Env(ws, "--public-url", PUBLIC + "/") as env:
            admin, rep = env.as_("admin"), env.as_("rep")
            allow(admin, f"127.0.0.1:{bot.port}")
            hook = admin.ok("POST", HOOKS, {
                "url": bot.url("/robot/send?access_token=ab12"), "format": "dingtalk",
                "project": "P1", "lang": "zh-CN", "secret": DING_SECRET,
                "events": ["deal.won", "deal.lost"]}, status=201)["webhook"]
            eq(hook["key_hint"], "SEC…6978", "the secret shown back masked")
            assert DING_SECRET not in json.dumps(admin.ok("GET", HOOKS)), "never in full"
            d = rep.ok("POST", "/api/v1/projects/P1/deals",
                       {"title": "华东区年度采购", "customer": "Acme", "channel": "direct"},
                       status=201)
            d = rep.ok("PUT", f"/api/v1/projects/P1/deals/{d['id']}/lines", {
                "version": d["version"],
                "lines": [{"product": "SKU-1", "quantity": 2, "unit_price": 6000000}]})
            rep.ok("POST", f"/api/v1/projects/P1/deals/{d['id']}/stage",
                   {"stage": "won", "version": d["version"]})
            (path, query, _, raw, at), = bot.wait(1)
            q = urllib.parse.parse_qs(query)
            eq((path, q["access_token"]), ("/robot/send", ["ab12"]), "the robot's URL")
            ts = int(q["timestamp"][0])
            assert abs(ts - at * 1000) < 60000, f"a timestamp in ms of now: {ts}"
            eq(q["sign"], [dingtalk_sign(ts, DING_SECRET)], "the signature (加签)")
            assert "sign=" + urllib.parse.quote_plus(dingtalk_sign(ts, DING_SECRET)) in query, \
                "urlencoded in the query"
            eq(json.loads(raw), {"msgtype": "markdown", "markdown": {
                "title": "【P1 华东区年度】赢单",
                "text": "#### 【P1 华东区年度】赢单\n\nREP 赢单 «华东区年度采购» ¥120,000.00"
                        f"（客户 Acme）\n\n[查看详情]({PUBLIC}/#/p/P1/deals)"}},
               "the markdown message (the base URL's / not doubled)")
    finally:
        bot.close()


def feishu_sign(ts, secret):
    return base64.b64encode(hmac.new(f"{ts}\n{secret}".encode(), b"",
                                     hashlib.sha256).digest()).decode()


@test
def a_feishu_robot_in_english_carries_its_signature_in_the_body():
    ws = setup()
    bot = Robot("feishu")
    try:
        with Env(ws, "--public-url", PUBLIC) as env:
            admin, mgr = env.as_("admin"), env.as_("mgr")
            allow(admin, f"127.0.0.1:{bot.port}")
            hook = admin.ok("POST", HOOKS, {
                "url": bot.url("/open-apis/bot/v2/hook/5e3d587e"), "format": "feishu",
                "lang": "en", "secret": FEISHU_SECRET, "events": ["task.created"]},
                status=201)["webhook"]
            eq(hook["key_hint"], "qJ8…wP9s", "masked: three first, four last")
            mgr.ok("POST", "/api/v1/projects/P1/tasks",
                   {"title": "Call *Acme*", "assignee": "rep", "start": "2026-02-02",
                    "due": "2026-02-10"}, status=201)
            (path, _, _, raw, at), = bot.wait(1)
            eq(path, "/open-apis/bot/v2/hook/5e3d587e", "the path")
            body = json.loads(raw)
            ts = body.pop("timestamp")
            assert abs(int(ts) - at) < 60, f"a timestamp in seconds of now: {ts}"
            eq(body.pop("sign"), feishu_sign(ts, FEISHU_SECRET), "the signature (签名校验)")
            eq(list(json.loads(raw))[:2], ["timestamp", "sign"], "first in the body")
            eq(body, {"msg_type": "interactive", "card": {
                "config": {"wide_screen_mode": True},
                "header": {"title": {"tag": "plain_text", "content": "【P1 华东区年度】Task assigned"},
                           "template": "blue"},
                "elements": [
                    {"tag": "div", "text": {"tag": "plain_text",
                                            "content": "«Call *Acme*» assigned to REP, due 2026-02-10"}},
                    {"tag": "action", "actions": [{
                        "tag": "button", "text": {"tag": "plain_text", "content": "Open in salespm"},
                        "type": "primary", "url": f"{PUBLIC}/#/p/P1/tasks"}]}]}},
               "the card: the user's * shown as written (plain text)")
    finally:
        bot.close()


@test
def a_nonzero_errcode_is_a_failed_attempt_retried():
    ws = setup()
    bot = Robot("wecom", answers=[{"errcode": 93000, "errmsg": "invalid webhook url"}])
    fbot = Robot("feishu", answers=[{"code": 19021, "msg": "sign match fail"}])
    try:
        with Env(ws, "--webhook-retry-base", "1") as env:
            admin = env.as_("admin")
            allow(admin, f"127.0.0.1:{bot.port}", f"127.0.0.1:{fbot.port}")
            hook = admin.ok("POST", HOOKS, {"url": bot.url("/cgi-bin/webhook/send?key=k"),
                                            "format": "wecom"}, status=201)["webhook"]
            ping = admin.ok("POST", f"{HOOKS}/{hook['id']}/ping", status=202)
            got = bot.wait(2)
            eq(got[0][3], got[1][3], "the same message retried")
            eq(json.loads(got[0][3]), {"msgtype": "markdown", "markdown": {
                "content": "**测试消息**\nsalespm 机器人已连通：之后的事件会发到这个群。\n"
                           "Administrator\n"}}, "the test message, without a link (no public URL)")
            wait_delivery(admin, hook["id"], lambda ds: ds[0]["state"] == "delivered")
            one = admin.ok("GET", f"{HOOKS}/{hook['id']}/deliveries/{ping['delivery_id']}")
            eq([(a["http_status"], a["error"]) for a in one["attempts"]],
               [(200, "errcode 93000: invalid webhook url"), (200, "")],
               "the refusal logged as a failed attempt, the retry delivered")
            fh = admin.ok("POST", HOOKS, {"url": fbot.url("/open-apis/bot/v2/hook/x"),
                                          "format": "feishu", "lang": "en"}, status=201)["webhook"]
            fp = admin.ok("POST", f"{HOOKS}/{fh['id']}/ping", status=202)
            fbot.wait(2)
            wait_delivery(admin, fh["id"], lambda ds: ds[0]["state"] == "delivered")
            one = admin.ok("GET", f"{HOOKS}/{fh['id']}/deliveries/{fp['delivery_id']}")
            eq([(a["http_status"], a["error"]) for a in one["attempts"]],
               [(200, "code 19021: sign match fail"), (200, "")], "Feishu's code likewise")
            assert "timestamp" not in json.loads(fbot.got[0][3]), "no secret: not signed"
    finally:
        bot.close()
        fbot.close()


@test
def bad_robot_input_names_its_field_and_changes_nothing():
    ws = setup()
    with Env(ws) as env:
        admin = env.as_("admin")
        url = "https://oapi.dingtalk.com/robot/send?access_token=t"
        for body, field, reason in [
            ({"url": url, "format": "slack"}, "format", "webhook_format_unknown"),
            ({"url": url, "format": "dingtalk", "lang": "fr"}, "lang", "webhook_lang_unknown"),
            ({"url": url, "format": "dingtalk", "project": "NOPE"}, "project", "no_project"),
            ({"url": url, "format": "wecom", "secret": "abc"}, "secret", "robot_no_secret"),
            ({"url": url, "format": "dingtalk", "secret": "SEC 1"}, "secret", "secret_invalid"),
            ({"url": url, "format": "dingtalk", "secret": "S" * 129}, "secret", "too_long"),
            ({"url": url, "secret": "mine"}, "secret", "webhook_secret_generated"),
            ({"url": url, "format": 3}, "format", "wrong_type"),
        ]:
            expect_error(admin.request("POST", HOOKS, body), 422, "invalid", field, reason)
        eq(admin.ok("GET", HOOKS)["webhooks"], [], "nothing was made")
        hook = admin.ok("POST", HOOKS, {"url": url, "format": "dingtalk", "project": "P1"},
                        status=201)["webhook"]
        eq((hook["key_hint"], hook["project"]), (None, "P1"), "no secret yet")
        i = hook["id"]
        for body, field, reason in [
            ({"version": 1, "format": "feishu"}, "format", "webhook_format_fixed"),
            ({"version": 1, "lang": "de"}, "lang", "webhook_lang_unknown"),
            ({"version": 1, "project": "P9"}, "project", "no_project"),
        ]:
            expect_error(admin.request("PATCH", f"{HOOKS}/{i}", body), 422, "invalid", field, reason)
        expect_error(admin.request("POST", f"{HOOKS}/{i}/rotate", {"version": 1}), 422, "invalid",
                     "secret", "robot_secret_pasted")
        eq(admin.ok("GET", f"{HOOKS}/{i}")["version"], 1, "nothing changed")
        h = admin.ok("PATCH", f"{HOOKS}/{i}", {"version": 1, "secret": DING_SECRET,
                                                "project": None, "lang": "en"})
        eq((h["key_hint"], h["project"], h["lang"], h["version"]), ("SEC…6978", None, "en", 2),
           "the secret set, the project filter cleared, English")
        eq(ws.sql("SELECT secret, project_id FROM webhooks WHERE id = ?", i), [(DING_SECRET, None)],
           "kept as pasted")
        h = admin.ok("PATCH", f"{HOOKS}/{i}", {"version": 2, "secret": ""})
        eq(h["key_hint"], None, "removed")
        audit = json.dumps(admin.ok("GET", f"/api/v1/audit?entity=webhook&entity_id={i}"))
        assert DING_SECRET not in audit, "the audit keeps the mask only"



@test
def a_projects_manager_manages_its_robots_and_nothing_else():
    ws = setup()
    with Env(ws) as env:
        admin, mgr, rep, vw = (env.as_(x) for x in ("admin", "mgr", "rep", "vw"))
        url = "https://oapi.dingtalk.com/robot/send?access_token=m1"
        plain = admin.ok("POST", HOOKS, {"url": "https://hooks.example.com/a"}, status=201)["webhook"]
        every = admin.ok("POST", HOOKS, {"url": url, "format": "feishu"}, status=201)["webhook"]
        p2 = admin.ok("POST", HOOKS, {"url": url, "format": "wecom", "project": "P2"},
                      status=201)["webhook"]
        # mgr manages P1 only: a robot of P1, nothing else
        expect_error(mgr.request("POST", HOOKS, {"url": url}), 403, "forbidden")
        expect_error(mgr.request("POST", HOOKS, {"url": url, "format": "dingtalk"}), 422, "invalid",
                     "project", "robot_project_required")
        expect_error(mgr.request("POST", HOOKS, {"url": url, "format": "dingtalk", "project": "P2"}),
                     403, "forbidden")
        mine = mgr.ok("POST", HOOKS, {"url": url, "format": "dingtalk", "project": "P1",
                                      "secret": DING_SECRET}, status=201)
        eq((mine["secret"], mine["webhook"]["created_by"]), (None, "mgr"), "a robot of P1, by mgr")
        i = mine["webhook"]["id"]
        eq([h["id"] for h in mgr.ok("GET", HOOKS)["webhooks"]], [i], "mgr lists P1's robots only")
        eq(mgr.ok("GET", HOOKS + "/events"), admin.ok("GET", HOOKS + "/events"),
           "and reads the catalogue")
        for h in (plain, every, p2):
            for method, path, body in [("GET", f"{HOOKS}/{h['id']}", None),
                                       ("PATCH", f"{HOOKS}/{h['id']}", {"version": 1, "lang": "en"}),
                                       ("POST", f"{HOOKS}/{h['id']}/ping", None),
                                       ("GET", f"{HOOKS}/{h['id']}/deliveries", None),
                                       ("DELETE", f"{HOOKS}/{h['id']}?version=1", None)]:
                eq(mgr.request(method, path, body).status, 403, f"mgr {method} {path}")
        eq(mgr.request("GET", f"{HOOKS}/999").status, 403, "an id not there reads as not theirs")
        for path in (HOOKS + "/allowed-hosts",):
            eq(mgr.request("GET", path).status, 403, "the allowed hosts stay the admins'")
        expect_error(mgr.request("PATCH", f"{HOOKS}/{i}", {"version": 1, "project": None}), 422,
                     "invalid", "project", "robot_project_required")
        expect_error(mgr.request("PATCH", f"{HOOKS}/{i}", {"version": 1, "project": "P2"}), 403,
                     "forbidden")
        expect_error(mgr.request("POST", f"{HOOKS}/{i}/rotate", {"version": 1}), 403, "forbidden")
        eq(admin.ok("GET", f"{HOOKS}/{i}")["version"], 1, "refusals changed nothing")
        h = mgr.ok("PATCH", f"{HOOKS}/{i}", {"version": 1, "lang": "en", "secret": ""})
        eq((h["lang"], h["key_hint"], h["project"]), ("en", None, "P1"), "mgr edits it")
        ping = mgr.ok("POST", f"{HOOKS}/{i}/ping", status=202)
        eq([d["id"] for d in mgr.ok("GET", f"{HOOKS}/{i}/deliveries")["deliveries"]],
           [ping["delivery_id"]], "and reads its deliveries")
        # a member and a viewer of P1: nothing
        for c in (rep, vw):
            for method, path, body in [("GET", HOOKS, None), ("GET", HOOKS + "/events", None),
                                       ("POST", HOOKS, {"url": url, "format": "wecom",
                                                        "project": "P1"}),
                                       ("GET", f"{HOOKS}/{i}", None),
                                       ("DELETE", f"{HOOKS}/{i}?version=2", None)]:
                eq(c.request(method, path, body).status, 403, f"{c.login} {method} {path}")
        mgr.ok("DELETE", f"{HOOKS}/{i}?version=2")
        eq(len(admin.ok("GET", HOOKS)["webhooks"]), 3, "mgr's robot deleted, the others kept")
        audit = admin.ok("GET", "/api/v1/audit?entity=webhook")["audit"]
        assert any(a["actor"] == "mgr" and a["action"] == "create" for a in audit), audit


if __name__ == "__main__":
    run_all()
