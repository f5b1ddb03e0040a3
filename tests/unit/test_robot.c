/*
 * test_robot.c - the group robots' messages (core/robot.c): every event of the
 * catalogue, a ping and alert.raised render in each format and language as
 * the chat app's JSON with a title and a line; a long user text is cut on a
 * UTF-8 boundary within WeCom's 4096 bytes; markdown marks in user text are
 * escaped; the signatures equal values computed apart (Python's hmac, base64
 * and urllib on the same inputs); the answers' errcode / code are judged.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/robot.h"
#include "core/webhook.h"
#include "core/workspace.h"
#include "store/store.h"

static char dir[64];
static struct store *st;

static void event_json(struct buf *b, const char *event, const char *title)
{
	const char *dot = strchr(event, '.');
	char entity[32];

	snprintf(entity, sizeof(entity), "%.*s", (int)(dot ? dot - event : 0), event);
	if (!strcmp(entity, "goal") && !strcmp(event, "goal.checked_in"))
		snprintf(entity, sizeof(entity), "goal_checkin");
	buf_reset(b);
	buf_addf(b,
		 "{\"id\":9,\"event\":\"%s\",\"created_at\":\"2026-03-01T09:30:00Z\",\"project\":\"P1\","
		 "\"entity\":\"%s\",\"entity_id\":3,\"actor\":\"admin\","
		 "\"before\":{\"title\":\"%s\",\"name\":\"%s\",\"stage\":\"lead\",\"status\":\"open\","
		 "\"severity\":\"low\",\"target\":10,\"due\":\"2026-06-30\",\"assignee\":null},"
		 "\"after\":{\"title\":\"%s\",\"name\":\"%s\",\"stage\":\"won\",\"status\":\"resolved\","
		 "\"severity\":\"high\",\"target\":12,\"due\":\"2026-06-30\",\"amount\":12000000,"
		 "\"owner\":\"admin\",\"assignee\":\"admin\",\"rep\":\"admin\",\"customer\":\"Acme\","
		 "\"product\":\"SKU-1\",\"quantity\":2,\"goal_id\":1,\"value\":5,\"rows\":3,"
		 "\"alert\":{\"kind\":\"deal_stalled\",\"severity\":\"warning\",\"project\":\"P1\","
		 "\"record\":{\"kind\":\"deal\",\"id\":3,\"name\":\"%s\"},\"params\":{\"days\":30}}}}",
		 event, entity, title, title, title, title, title);
}

/* The message's text: WeCom's content, DingTalk's text, Feishu's card lines. */
static const char *text_of(json_t *m, const char *format)
{
	if (!strcmp(format, "wecom"))
		return json_string_value(json_object_get(json_object_get(m, "markdown"), "content"));
	if (!strcmp(format, "dingtalk"))
		return json_string_value(json_object_get(json_object_get(m, "markdown"), "text"));
	return json_string_value(json_object_get(
		json_object_get(json_array_get(json_object_get(json_object_get(m, "card"), "elements"), 0),
				"text"),
		"content"));
}

static int valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2
			: (*p & 0xF8) == 0xF0 ? 3 : -1;
		if (n < 0)
			return 0;
		p++;
		for (int i = 0; i < n; i++, p++)
			if ((*p & 0xC0) != 0x80)
				return 0;
	}
	return 1;
}

static void test_every_event_renders(void **state)
{
	static const char *const formats[] = { "wecom", "dingtalk", "feishu" };
	static const char *const langs[] = { "zh-CN", "en" };
	static const char *const extra[] = { "ping", "alert.raised", NULL };
	struct buf ev = BUF_INIT, out = BUF_INIT;
	struct err err = { 0 };
	const char *names[80];
	size_t n = 0;

	(void)state;
	for (const char *const *e = webhook_events; *e; e++)
		names[n++] = *e;
	for (const char *const *e = extra; *e; e++) {
		size_t j = 0;
		while (j < n && strcmp(names[j], *e))
			j++;
		if (j == n)
			names[n++] = *e; /* alert.raised, until the catalogue has it */
	}
	assert_true(n >= 43); /* the 41 of the catalogue, ping and alert.raised at least */
	for (size_t i = 0; i < n; i++)
		for (size_t f = 0; f < 3; f++)
			for (size_t l = 0; l < 2; l++) {
				json_t *m;
				const char *text;
				event_json(&ev, names[i], "华东区年度采购");
				assert_int_equal(robot_render(st, formats[f], langs[l], "https://s.example",
							      buf_cstr(&ev), &out, &err), 0);
				m = json_loads(buf_cstr(&out), 0, NULL);
				assert_non_null(m);
				text = text_of(m, formats[f]);
				assert_non_null(text);
				/* the record's name, and the link under the public URL (Feishu: a button) */
				if (!strstr(text, "华东区年度采购") && strcmp(names[i], "ping") &&
				    strcmp(names[i], "goal.checked_in") && strcmp(names[i], "sale.created") &&
				    strcmp(names[i], "sale.imported"))
					fail_msg("%s %s %s: no name in %s", names[i], formats[f], langs[l], text);
				if (f < 2 && !strstr(text, "【P1】"))
					fail_msg("%s %s: no project in %s", names[i], formats[f], text);
				if (f < 2 && strcmp(names[i], "ping") && !strstr(text, "](https://s.example/#/"))
					fail_msg("%s %s: no link in %s", names[i], formats[f], text);
				json_decref(m);
			}
	buf_release(&ev);
	buf_release(&out);
}

static void test_long_text_cut_within_limits(void **state)
{
	struct buf ev = BUF_INIT, out = BUF_INIT, title = BUF_INIT;
	struct err err = { 0 };
	static const char *const formats[] = { "wecom", "dingtalk", "feishu" };

	(void)state;
	for (int i = 0; i < 3000; i++)
		buf_adds(&title, "采");
	for (size_t f = 0; f < 3; f++) {
		json_t *m;
		const char *text;
		event_json(&ev, "problem.resolved", buf_cstr(&title));
		assert_int_equal(robot_render(st, formats[f], "zh-CN", NULL, buf_cstr(&ev), &out, &err), 0);
		m = json_loads(buf_cstr(&out), 0, NULL);
		assert_non_null(m);
		text = text_of(m, formats[f]);
		assert_true(strlen(text) <= 4096);
		assert_true(valid_utf8(text));
		assert_non_null(strstr(text, "…"));
		json_decref(m);
	}
	buf_release(&title);
	buf_release(&ev);
	buf_release(&out);
}

static void test_markdown_escaped(void **state)
{
	struct buf ev = BUF_INIT, out = BUF_INIT;
	struct err err = { 0 };
	json_t *m;

	(void)state;
	event_json(&ev, "deal.won", "**大单** [点我](http://evil) <font>");
	assert_int_equal(robot_render(st, "wecom", "zh-CN", NULL, buf_cstr(&ev), &out, &err), 0);
	m = json_loads(buf_cstr(&out), 0, NULL);
	assert_non_null(strstr(text_of(m, "wecom"), "«\\*\\*大单\\*\\* \\[点我\\](http://evil) ＜font＞»"));
	json_decref(m);
	/* Feishu's lines are plain text: shown as written */
	assert_int_equal(robot_render(st, "feishu", "zh-CN", NULL, buf_cstr(&ev), &out, &err), 0);
	m = json_loads(buf_cstr(&out), 0, NULL);
	assert_non_null(strstr(text_of(m, "feishu"), "«**大单** [点我](http://evil) <font>»"));
	json_decref(m);
	buf_release(&ev);
	buf_release(&out);
}

/* alert.raised as the alerts branch writes it, and a rare event's generic line, word for word. */
static void test_alert_and_generic_lines(void **state)
{
	struct buf out = BUF_INIT;
	struct err err = { 0 };
	json_t *m;
	const char *alert =
		"{\"id\":5,\"event\":\"alert.raised\",\"project\":\"P1\",\"entity\":\"alert\","
		"\"entity_id\":8,\"actor\":null,\"after\":{\"alert\":{\"kind\":\"deal_stalled\","
		"\"severity\":\"warning\",\"project\":\"P1\",\"record\":{\"kind\":\"deal\",\"id\":3,"
		"\"name\":\"华东区年度采购\"},\"params\":{\"days\":30}}}}";
	const char *cust =
		"{\"id\":6,\"event\":\"customer.created\",\"project\":null,\"entity\":\"customer\","
		"\"entity_id\":12,\"actor\":\"admin\",\"after\":{\"id\":12,\"name\":\"Acme \\\"东方\\\"\"}}";

	(void)state;
	assert_int_equal(robot_render(st, "wecom", "zh-CN", "https://s.example", alert, &out, &err), 0);
	m = json_loads(buf_cstr(&out), 0, NULL);
	assert_string_equal(text_of(m, "wecom"), "**【P1】预警**\n警告 · 商机停滞 «华东区年度采购»\n"
						 "[查看详情](https://s.example/#/p/P1/deals)");
	json_decref(m);
	assert_int_equal(robot_render(st, "dingtalk", "en", NULL, alert, &out, &err), 0);
	m = json_loads(buf_cstr(&out), 0, NULL);
	assert_string_equal(text_of(m, "dingtalk"), "#### 【P1】Alert\n\nwarning · deal stalled «华东区年度采购»\n\n");
	json_decref(m);
	assert_int_equal(robot_render(st, "wecom", "zh-CN", "https://s.example", cust, &out, &err), 0);
	m = json_loads(buf_cstr(&out), 0, NULL);
	assert_string_equal(text_of(m, "wecom"), "**新建客户**\nAdmin 新建客户 «Acme \"东方\"»\n"
						 "[查看详情](https://s.example/#/customers/12)");
	json_decref(m);
	assert_int_equal(robot_render(st, "feishu", "en", NULL, cust, &out, &err), 0);
	m = json_loads(buf_cstr(&out), 0, NULL);
	assert_string_equal(text_of(m, "feishu"), "Admin created the customer «Acme \"东方\"»");
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(
				    json_object_get(m, "card"), "header"), "title"), "content")),
			    "Customer created");
	json_decref(m);
	buf_release(&out);
}

static void test_signatures(void **state)
{
	char d[128], f[64];
	struct buf url = BUF_INIT, body = BUF_INIT;

	(void)state;
	/* python3: quote_plus(b64encode(hmac.new(s, f"{ts}\n{s}", sha256).digest())) */
	robot_sign_dingtalk("SEC0123456789abcdef0123456789abcdef", 1700000000000LL, d);
	assert_string_equal(d, "hJ95%2FXWePTzrSwXDHEJJY1Ta0B6qiG%2FYMxNzB4v4U2w%3D");
	/* python3: b64encode(hmac.new(f"{ts}\n{s}", b"", sha256).digest()) */
	robot_sign_feishu("fs-secret-XYZ", 1700000000LL, f);
	assert_string_equal(f, "TfhSYdQ3KHzYnBY6QtqVDh2wn4t2t06gwQEwwMk4uro=");
	robot_prepare("dingtalk", "SEC0123456789abcdef0123456789abcdef",
		      "https://oapi.dingtalk.com/robot/send?access_token=T", "{\"a\":1}",
		      1700000000000LL, &url, &body);
	assert_string_equal(buf_cstr(&url),
			    "https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1700000000000"
			    "&sign=hJ95%2FXWePTzrSwXDHEJJY1Ta0B6qiG%2FYMxNzB4v4U2w%3D");
	assert_string_equal(buf_cstr(&body), "{\"a\":1}");
	robot_prepare("feishu", "fs-secret-XYZ", "https://open.feishu.cn/open-apis/bot/v2/hook/x",
		      "{\"a\":1}", 1700000000999LL, &url, &body);
	assert_string_equal(buf_cstr(&body), "{\"timestamp\":\"1700000000\",\"sign\":"
					     "\"TfhSYdQ3KHzYnBY6QtqVDh2wn4t2t06gwQEwwMk4uro=\",\"a\":1}");
	/* no secret: as given */
	robot_prepare("dingtalk", "", "https://x/?t=1", "{}", 1, &url, &body);
	assert_string_equal(buf_cstr(&url), "https://x/?t=1");
	buf_release(&url);
	buf_release(&body);
}

static void test_answers(void **state)
{
	char e[200];
	const char *a;

	(void)state;
	a = "{\"errcode\":0,\"errmsg\":\"ok\"}";
	assert_int_equal(robot_answer_check("wecom", a, strlen(a), e, sizeof(e)), 0);
	a = "{\"errcode\":310000,\"errmsg\":\"sign not match\"}";
	assert_int_equal(robot_answer_check("dingtalk", a, strlen(a), e, sizeof(e)), -1);
	assert_string_equal(e, "errcode 310000: sign not match");
	a = "{\"code\":0,\"msg\":\"success\",\"data\":{}}";
	assert_int_equal(robot_answer_check("feishu", a, strlen(a), e, sizeof(e)), 0);
	a = "{\"StatusCode\":0,\"StatusMessage\":\"success\"}";
	assert_int_equal(robot_answer_check("feishu", a, strlen(a), e, sizeof(e)), 0);
	a = "{\"code\":19021,\"msg\":\"sign match fail\"}";
	assert_int_equal(robot_answer_check("feishu", a, strlen(a), e, sizeof(e)), -1);
	assert_string_equal(e, "code 19021: sign match fail");
	a = "ok";
	assert_int_equal(robot_answer_check("wecom", a, strlen(a), e, sizeof(e)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_event_renders),
		cmocka_unit_test(test_long_text_cut_within_limits),
		cmocka_unit_test(test_markdown_escaped),
		cmocka_unit_test(test_alert_and_generic_lines),
		cmocka_unit_test(test_signatures),
		cmocka_unit_test(test_answers),
	};
	struct workspace_input wi = { 0 };
	struct err err = { 0 };
	char p[128];
	int rc;

	snprintf(dir, sizeof(dir), "/tmp/salespm-test-robot-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	setenv("SALESPM_NOW", "2026-03-01T09:30:00Z", 1);
	store_global_init();
	snprintf(p, sizeof(p), "%s/r.db", dir);
	st = store_open(p, 1, &err);
	wi.currency = "CNY";
	wi.timezone = "UTC";
	wi.admin = "admin";
	wi.admin_name = "Admin";
	if (!st || workspace_init(st, &wi, &err))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	store_free(st);
	for (const char *s = "r.db\0r.db-wal\0r.db-shm\0"; *s; s += strlen(s) + 1) {
		snprintf(p, sizeof(p), "%s/%s", dir, s);
		unlink(p);
	}
	rmdir(dir);
	return rc;
}
