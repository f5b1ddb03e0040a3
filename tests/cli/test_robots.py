"""test_robots.py - group robots from the command line (salespm webhook add --format ...):
a DingTalk robot for one project with its secret read from stdin (shown back masked only), a
WeCom and a Feishu one, listed with their format and project; changed (project cleared,
language, secret); bad input refused naming the field with nothing changed; a robot's ping
is its chat app's test message, queued; a project's robot goes with its project. (Delivery
and the project filter: tests/http/test_robots.py.)
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403

DING = "https://oapi.dingtalk.com/robot/send?access_token=0a1b2c"
SECRET = "SEC" + "9" * 60 + "abcd"


def setup():
    ws = Workspace()
    for code, name in (("P1", "华东区"), ("P2", "华南区")):
        ws.ok("project", "create", code, "--name", name, "--start", "2026-01-01",
              "--end", "2026-12-31")
    return ws


@test
def a_robot_from_add_to_delete():
    ws = setup()
    made = ws.js("webhook", "add", "--format", "dingtalk", "--project", "P1", "--lang", "zh-CN",
                 "--secret", "-", DING, stdin=SECRET + "\n")
    assert "secret" not in made, "a robot has no generated secret: the webhook alone"
    h = made
    eq((h["url"], h["format"], h["project"], h["lang"], h["key_hint"], h["events"]),
       (DING, "dingtalk", "P1", "zh-CN", "SEC…abcd", ["*"]), "made")
    eq(ws.sql("SELECT secret FROM webhooks WHERE id = ?", h["id"]), [(SECRET,)], "kept as pasted")
    shown = ws.ok("webhook", "show", h["id"]).out
    assert SECRET not in shown and "signing secret: SEC…abcd" in shown, shown
    assert "format: dingtalk" in shown and "project: P1" in shown, shown
    w = ws.js("webhook", "add", "--format", "wecom",
              "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1")
    f = ws.js("webhook", "add", "--format", "feishu", "--lang", "en", "--secret", "fs-abcdefgh1234",
              "--url", "https://open.feishu.cn/open-apis/bot/v2/hook/x")
    eq([(x["format"], x["project"], x["lang"]) for x in ws.js("webhook", "list")["webhooks"]],
       [("dingtalk", "P1", "zh-CN"), ("wecom", None, "zh-CN"), ("feishu", None, "en")], "listed")
    listing = ws.ok("webhook", "list").out
    assert "dingtalk" in listing and "P1" in listing, listing
    u = ws.js("webhook", "update", h["id"], "--project", "-", "--lang", "en", "--secret", "")
    eq((u["project"], u["lang"], u["key_hint"], u["version"]), (None, "en", None, 2), "changed")
    ws.refusals(["webhook", "add"], [
        (["--format", "slack", DING], "format", "webhook_format_unknown"),
        (["--format", "dingtalk", "--project", "NOPE", DING], "project", "no_project"),
        (["--format", "dingtalk", "--lang", "ja", DING], "lang", "webhook_lang_unknown"),
        (["--format", "wecom", "--secret", "x", DING], "secret", "robot_no_secret"),
        (["--secret", "mine", DING], "secret", "webhook_secret_generated"),
        (["--url", DING, DING], "url", "usage"),
    ])
    ws.refusals(["webhook", "update", str(f["id"])], [
        (["--lang", "fr"], "lang", "webhook_lang_unknown"),
        (["--project", "P9"], "project", "no_project"),
    ])
    ws.refusals(["webhook", "rotate", str(f["id"])], [([], "secret", "robot_secret_pasted")])
    eq(len(ws.js("webhook", "list")["webhooks"]), 3, "refusals made nothing")
    eq(ws.js("webhook", "show", f["id"])["version"], 1, "and changed nothing")
    p = ws.js("webhook", "ping", w["id"])
    d = ws.js("webhook", "deliveries", w["id"])["deliveries"]
    eq([(x["id"], x["event"], x["state"]) for x in d], [(p["delivery_id"], "ping", "pending")],
       "a ping waits for a server")
    body = json.loads(ws.sql("SELECT body FROM webhook_deliveries WHERE id = ?",
                             p["delivery_id"])[0][0])
    eq(body["msgtype"], "markdown", "WeCom's test message")
    assert body["markdown"]["content"].startswith("**测试消息**\n"), body
    ws.ok("webhook", "delete", h["id"])
    eq(len(ws.js("webhook", "list")["webhooks"]), 2, "deleted")


@test
def deleting_its_project_deletes_a_project_robot():
    ws = setup()
    h = ws.js("webhook", "add", "--format", "feishu", "--project", "P2",
              "https://open.feishu.cn/open-apis/bot/v2/hook/y")
    ws.ok("project", "delete", "P2")
    eq(ws.sql("SELECT COUNT(*) FROM webhooks"), [(0,)], "a group chat of a project gone")


if __name__ == "__main__":
    run_all()
