/*
 * robot.c - the messages of the group robots (robot.h): a title, a human line
 * per event in zh-CN or en and a link, put into each chat app's format, the
 * per-attempt signatures and the reading of the chat app's answer.
 *
 * The vendors' documents this follows:
 *   WeCom group robot (markdown, content <= 4096 bytes, answer errcode 0):
 *     https://developer.work.weixin.qq.com/document/path/91770
 *   DingTalk custom robot (markdown; 加签: sign = urlencode(base64(
 *     HmacSHA256(key secret, timestamp_ms "\n" secret))), answer errcode 0):
 *     https://open.dingtalk.com/document/robots/customize-robot-security-settings
 *   Feishu custom bot (interactive card; 签名校验: sign = base64(HmacSHA256(
 *     key timestamp_s "\n" secret, "")) in the body; body <= 20 KB; answer
 *     code 0, older StatusCode 0):
 *     https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
 */
#include "core/robot.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jscan.h"
#include "base/jw.h"
#include "base/money.h"
#include "base/banned.h"

int robot_format(const char *format)
{
	return format && (!strcmp(format, "wecom") || !strcmp(format, "dingtalk") ||
			  !strcmp(format, "feishu"));
}

/* --- what a message says ------------------------------------------------------ */

#define LINES_MAX 6
#define POOL 16 /* strings read out of the event, each used at once */

struct msg {
	struct store *st;
	int en;
	struct jval ev, after, before;
	struct buf pool[POOL];
	unsigned next;
	char project[64], project_name[201], currency[8];
	const char *color; /* Feishu's header: green good news, red bad, blue the rest */
	struct buf title, line[LINES_MAX], link; /* link: the UI path after "#" */
	size_t n;
};

static const char *T(const struct msg *m, const char *zh, const char *en)
{
	return m->en ? en : zh;
}

/* The length of s cut to at most max bytes on a UTF-8 boundary. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	len = max;
	while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
		len--;
	return len;
}

/* A user-written value: one line (newlines become spaces), at most ROBOT_FIELD_MAX bytes. */
static void add_user(struct buf *b, const char *s)
{
	size_t len, cut;

	if (!s)
		return;
	len = strlen(s);
	cut = utf8_cut(s, len, ROBOT_FIELD_MAX);
	for (size_t i = 0; i < cut; i++)
		buf_addch(b, s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' : s[i]);
	if (cut < len)
		buf_adds(b, "…");
}

/* Member key of o when it is a string (NULL otherwise), unescaped into the message's pool. */
static const char *str_of(struct msg *m, struct jval o, const char *key)
{
	struct jval v = jscan_member(o, key);
	struct buf *b;

	if (!jscan_is_string(v))
		return NULL;
	b = &m->pool[m->next++ % POOL];
	buf_reset(b);
	return jscan_text(v, b) ? NULL : buf_cstr(b);
}

static int has_int(struct jval o, const char *key, int64_t *out)
{
	return !jscan_int(jscan_member(o, key), out);
}

static const char *rec_str(struct msg *m, const char *key)
{
	const char *s = str_of(m, m->after, key);

	return s ? s : str_of(m, m->before, key);
}

static void lookup(struct store *st, const char *sql, const char *text, int64_t id, char *out,
		   size_t size)
{
	struct err err = { 0 };
	struct stmt *s = store_prepare(st, sql, &err);

	out[0] = '\0';
	if (!s)
		return;
	if (text)
		store_bind_text(st, s, 1, text);
	else
		store_bind_int(st, s, 1, id);
	if (store_step(st, s, &err) == STORE_ROW)
		snprintf(out, size, "%s", store_col_text(st, s, 0));
	store_done(st, s);
}

static const char SQL_PROJECT_NAME[] = "SELECT name FROM projects WHERE code = ?";
static const char SQL_USER_NAME[] = "SELECT name FROM users WHERE login = ?";
static const char SQL_GOAL_NAME[] = "SELECT name FROM goals WHERE id = ?";
static const char SQL_CURRENCY[] = "SELECT value FROM settings WHERE key = 'currency'";

/* A person by login: the name when the workspace knows it, else the login. */
static void add_person(struct msg *m, struct buf *b, const char *login)
{
	char name[201];

	if (!login || !*login) {
		buf_adds(b, T(m, "（未指定）", "(nobody)"));
		return;
	}
	lookup(m->st, SQL_USER_NAME, login, 0, name, sizeof(name));
	add_user(b, name[0] ? name : login);
}

static void add_money(struct msg *m, struct buf *b, int64_t minor)
{
	char num[MONEY_FMT_MAX];
	const char *sym = !strcmp(m->currency, "CNY")   ? "¥"
			  : !strcmp(m->currency, "USD") ? "$"
			  : !strcmp(m->currency, "EUR") ? "€"
							: NULL;

	if (minor < 0) {
		buf_addch(b, '-');
		minor = minor == INT64_MIN ? INT64_MAX : -minor;
	}
	if (sym)
		buf_adds(b, sym);
	else
		buf_addf(b, "%s ", m->currency);
	buf_adds(b, money_format_grouped(minor, num));
}

static void add_amount(struct msg *m, struct buf *b, struct jval o, const char *key)
{
	int64_t v;

	if (has_int(o, key, &v))
		add_money(m, b, v);
}

struct label {
	const char *code, *zh, *en;
};

static const struct label entity_labels[] = {
	{ "project", "项目", "project" },	   { "member", "成员", "member" },
	{ "goal", "目标", "goal" },		   { "goal_checkin", "目标登记", "goal check-in" },
	{ "customer", "客户", "customer" },	   { "deal", "商机", "deal" },
	{ "sale", "销售", "sale" },		   { "activity", "活动", "activity" },
	{ "feedback", "反馈", "feedback" },	   { "problem", "问题", "problem" },
	{ "task", "任务", "task" },		   { "risk", "风险", "risk" },
	{ "collection", "回款", "collection" },	   { "promotion", "促销", "promotion" },
	{ "budget_line", "预算科目", "budget line" }, { NULL, NULL, NULL },
};

static const struct label value_labels[] = {
	/* deal stages (the standard pipeline) */
	{ "lead", "线索", "lead" },
	{ "qualified", "已确认", "qualified" },
	{ "proposal", "方案", "proposal" },
	{ "negotiation", "谈判", "negotiation" },
	{ "won", "赢单", "won" },
	{ "lost", "丢单", "lost" },
	/* problem and task statuses */
	{ "open", "待处理", "open" },
	{ "in_progress", "处理中", "in progress" },
	{ "resolved", "已解决", "resolved" },
	{ "closed", "已关闭", "closed" },
	{ "todo", "待办", "to do" },
	{ "doing", "进行中", "doing" },
	{ "done", "已完成", "done" },
	/* severities */
	{ "low", "低", "low" },
	{ "medium", "中", "medium" },
	{ "high", "高", "high" },
	{ "critical", "紧急", "critical" },
	{ "info", "提示", "info" },
	{ "warning", "警告", "warning" },
	/* alert kinds */
	{ "goal_at_risk", "目标有风险", "goal at risk" },
	{ "goal_off_track", "目标偏离", "goal off track" },
	{ "probability_low", "达成概率偏低", "probability of reaching the goal low" },
	{ "deal_stalled", "商机停滞", "deal stalled" },
	{ "task_overdue", "任务逾期", "task overdue" },
	{ "problem_sla", "问题超出 SLA", "problem past its SLA" },
	{ "problem_overdue", "问题超出 SLA", "problem past its SLA" },
	{ "promotion_over_budget", "促销超预算", "promotion over budget" },
	{ "collection_overdue", "回款逾期", "collection overdue" },
	{ "budget_overspent", "预算超支", "budget line overspent" },
	{ NULL, NULL, NULL },
};

static const char *label_of(const struct msg *m, const struct label *t, const char *code)
{
	if (!code)
		return "";
	for (; t->code; t++)
		if (!strcmp(t->code, code))
			return T(m, t->zh, t->en);
	return code;
}

/* A new line; its buffer. */
static struct buf *line(struct msg *m)
{
	if (m->n >= LINES_MAX)
		return &m->line[LINES_MAX - 1];
	return &m->line[m->n++];
}

/* "«name»" of a user-written name. */
static void add_quoted(struct buf *b, const char *s)
{
	buf_adds(b, "«");
	add_user(b, s && *s ? s : "?");
	buf_adds(b, "»");
}

/* The record's name: its title, name, code or login, else "#id". */
static void add_record_name(struct msg *m, struct buf *b)
{
	static const char *const keys[] = { "title", "name", "code", "login", "customer_name",
					    "description", NULL };
	int64_t id;

	for (const char *const *k = keys; *k; k++) {
		const char *s = rec_str(m, *k);
		if (s && *s) {
			add_quoted(b, s);
			return;
		}
	}
	if (has_int(m->ev, "entity_id", &id))
		buf_addf(b, "#%lld", (long long)id);
}

/* The link's path for an entity (within the project when it has one). */
static void set_link(struct msg *m, const char *entity, int64_t id)
{
	static const struct label paths[] = {
		{ "deal", "deals", NULL },	       { "sale", "sales", NULL },
		{ "problem", "problems", NULL },       { "task", "tasks", NULL },
		{ "risk", "risks", NULL },	       { "activity", "activities", NULL },
		{ "feedback", "feedback", NULL },      { "member", "members", NULL },
		{ "collection", "collections", NULL }, { "budget_line", "budget", NULL },
		{ "promotion", "budget", NULL },       { NULL, NULL, NULL },
	};

	buf_reset(&m->link);
	if (!strcmp(entity, "customer")) {
		if (id > 0)
			buf_addf(&m->link, "/customers/%lld", (long long)id);
		return;
	}
	if (!m->project[0])
		return;
	buf_addf(&m->link, "/p/%s", m->project);
	for (const struct label *p = paths; p->code; p++)
		if (!strcmp(p->code, entity)) {
			buf_addf(&m->link, "/%s", p->zh);
			return;
		}
}

/* The verb of an event's last part ("created" ...). */
static const char *verb(const struct msg *m, const char *event)
{
	static const struct label verbs[] = {
		{ "created", "新建", "created" },
		{ "updated", "更新", "updated" },
		{ "deleted", "删除", "deleted" },
		{ "added", "添加", "added" },
		{ "removed", "移除", "removed" },
		{ "imported", "导入", "imported" },
		{ "opened", "新建", "opened" },
		{ "resolved", "解决", "resolved" },
		{ "status_changed", "变更状态", "changed the status of" },
		{ "stage_changed", "推进", "moved" },
		{ "checked_in", "登记", "checked in" },
		{ "won", "赢得", "won" },
		{ "lost", "丢失", "lost" },
		{ NULL, NULL, NULL },
	};
	const char *dot = strrchr(event, '.');

	return label_of(m, verbs, dot ? dot + 1 : event);
}

static void generic(struct msg *m, const char *event)
{
	const char *entity = str_of(m, m->ev, "entity");
	const char *elabel = label_of(m, entity_labels, entity);
	struct buf *b = line(m);

	/* 新建客户 / Customer created; 张三 新建客户 «Acme» / Zhang San created the customer «Acme» */
	if (m->en) {
		buf_addf(&m->title, "%s %s", elabel, verb(m, event));
		if (m->title.len && m->title.p[0] >= 'a' && m->title.p[0] <= 'z')
			m->title.p[0] = (char)(m->title.p[0] - 'a' + 'A');
	} else {
		buf_addf(&m->title, "%s%s", verb(m, event), elabel);
	}
	add_person(m, b, str_of(m, m->ev, "actor"));
	buf_addf(b, " %s%s%s ", verb(m, event), m->en ? " the " : "", elabel);
	add_record_name(m, b);
}

static void from_to(struct msg *m, struct buf *b, const char *key)
{
	buf_adds(b, label_of(m, value_labels, str_of(m, m->before, key)));
	buf_adds(b, " → ");
	buf_adds(b, label_of(m, value_labels, str_of(m, m->after, key)));
}

static int changed(const struct msg *m, const char *key)
{
	return m->before.n && m->after.n &&
	       !jscan_same(jscan_member(m->after, key), jscan_member(m->before, key));
}

static void render_sale(struct msg *m)
{
	struct buf *b = line(m);
	int64_t q = 0;

	buf_adds(&m->title, T(m, "新成交", "New sale"));
	m->color = "green";
	has_int(m->after, "quantity", &q);
	add_person(m, b, str_of(m, m->after, "rep"));
	if (m->en) {
		buf_adds(b, " sold ");
		add_user(b, str_of(m, m->after, "product"));
		buf_addf(b, " × %lld to ", (long long)q);
		add_user(b, str_of(m, m->after, "customer"));
		buf_adds(b, ": ");
	} else {
		buf_adds(b, " 成交 ");
		add_user(b, str_of(m, m->after, "customer"));
		buf_adds(b, "：");
		add_user(b, str_of(m, m->after, "product"));
		buf_addf(b, " × %lld，", (long long)q);
	}
	add_amount(m, b, m->after, "amount");
}

static void render_deal(struct msg *m, const char *event)
{
	struct buf *b = line(m);
	const char *reason = str_of(m, m->after, "lost_reason");

	if (!strcmp(event, "deal.won")) {
		buf_adds(&m->title, T(m, "赢单", "Deal won"));
		m->color = "green";
		add_person(m, b, rec_str(m, "owner"));
		buf_adds(b, T(m, " 赢单 ", " won "));
	} else if (!strcmp(event, "deal.lost")) {
		buf_adds(&m->title, T(m, "丢单", "Deal lost"));
		m->color = "red";
		add_person(m, b, rec_str(m, "owner"));
		buf_adds(b, T(m, " 丢单 ", " lost "));
	} else if (!strcmp(event, "deal.created")) {
		buf_adds(&m->title, T(m, "新商机", "New deal"));
		add_person(m, b, rec_str(m, "owner"));
		buf_adds(b, T(m, " 新建商机 ", " opened the deal "));
	} else { /* deal.stage_changed */
		buf_adds(&m->title, T(m, "商机推进", "Deal moved"));
		add_quoted(b, rec_str(m, "title"));
		buf_adds(b, T(m, " 阶段 ", " moved "));
		from_to(m, b, "stage");
		buf_adds(b, T(m, "（", " ("));
		add_person(m, b, rec_str(m, "owner"));
		buf_adds(b, T(m, "，", ", "));
		add_amount(m, b, m->after, "amount");
		buf_adds(b, T(m, "）", ")"));
		return;
	}
	add_quoted(b, rec_str(m, "title"));
	buf_addch(b, ' ');
	add_amount(m, b, m->after, "amount");
	if (rec_str(m, "customer") && *rec_str(m, "customer")) {
		buf_adds(b, T(m, "（客户 ", " (customer "));
		add_user(b, rec_str(m, "customer"));
		buf_adds(b, T(m, "）", ")"));
	}
	if (!strcmp(event, "deal.lost") && reason && *reason) {
		b = line(m);
		buf_adds(b, T(m, "原因：", "Reason: "));
		add_user(b, reason);
	}
}

static int severity_rank(const char *s)
{
	static const char *const order[] = { "low", "medium", "high", "critical", NULL };

	for (int i = 0; s && order[i]; i++)
		if (!strcmp(order[i], s))
			return i;
	return -1;
}

/* 1 when rendered, 0 for the generic line. */
static int render_problem(struct msg *m, const char *event)
{
	struct buf *b;

	if (!strcmp(event, "problem.opened")) {
		buf_adds(&m->title, T(m, "新问题", "Problem opened"));
		m->color = "orange";
		b = line(m);
		add_quoted(b, rec_str(m, "title"));
		buf_addf(b, T(m, "（%s）", " (%s)"), label_of(m, value_labels, rec_str(m, "severity")));
		if (rec_str(m, "customer_name") && *rec_str(m, "customer_name")) {
			buf_adds(b, T(m, "，客户 ", ", customer "));
			add_user(b, rec_str(m, "customer_name"));
		}
		buf_adds(b, T(m, "，负责人 ", ", owner "));
		add_person(m, b, rec_str(m, "owner"));
		return 1;
	}
	if (!strcmp(event, "problem.updated") &&
	    severity_rank(str_of(m, m->after, "severity")) > severity_rank(str_of(m, m->before, "severity"))) {
		buf_adds(&m->title, T(m, "问题升级", "Problem escalated"));
		m->color = "red";
		b = line(m);
		add_quoted(b, rec_str(m, "title"));
		buf_adds(b, T(m, " 严重度 ", " severity "));
		from_to(m, b, "severity");
		buf_adds(b, T(m, "，负责人 ", ", owner "));
		add_person(m, b, rec_str(m, "owner"));
		return 1;
	}
	if (!strcmp(event, "problem.status_changed") || !strcmp(event, "problem.resolved")) {
		buf_adds(&m->title, !strcmp(event, "problem.resolved")
					    ? T(m, "问题已解决", "Problem resolved")
					    : T(m, "问题状态", "Problem status"));
		b = line(m);
		add_quoted(b, rec_str(m, "title"));
		buf_addch(b, ' ');
		from_to(m, b, "status");
		if (str_of(m, m->after, "resolution") && *str_of(m, m->after, "resolution")) {
			b = line(m);
			buf_adds(b, T(m, "处理结果：", "Resolution: "));
			add_user(b, str_of(m, m->after, "resolution"));
		}
		return 1;
	}
	return 0;
}

static int render_task(struct msg *m, const char *event)
{
	struct buf *b;
	const char *due = rec_str(m, "due");

	if ((!strcmp(event, "task.created") && rec_str(m, "assignee")) ||
	    (!strcmp(event, "task.updated") && changed(m, "assignee") && rec_str(m, "assignee"))) {
		buf_adds(&m->title, T(m, "任务指派", "Task assigned"));
		b = line(m);
		add_quoted(b, rec_str(m, "title"));
		buf_adds(b, T(m, " 指派给 ", " assigned to "));
		add_person(m, b, rec_str(m, "assignee"));
		if (due && *due)
			buf_addf(b, T(m, "，截止 %s", ", due %s"), due);
		return 1;
	}
	if (!strcmp(event, "task.status_changed")) {
		buf_adds(&m->title, T(m, "任务状态", "Task status"));
		b = line(m);
		add_quoted(b, rec_str(m, "title"));
		buf_addch(b, ' ');
		from_to(m, b, "status");
		buf_adds(b, T(m, "（", " ("));
		add_person(m, b, rec_str(m, "assignee"));
		buf_adds(b, T(m, "）", ")"));
		return 1;
	}
	return 0;
}

static void add_number(struct msg *m, struct buf *b, struct jval o, const char *key)
{
	struct jval v = jscan_member(o, key);

	if (v.n && ((v.p[0] >= '0' && v.p[0] <= '9') || v.p[0] == '-'))
		buf_add(b, v.p, v.n); /* a number as jw wrote it */
	else if (jscan_is_string(v))
		add_user(b, str_of(m, o, key));
	else
		buf_adds(b, "—");
}

static int render_goal(struct msg *m, const char *event)
{
	struct buf *b;
	char name[201];
	int64_t gid;

	if (!strcmp(event, "goal.checked_in")) {
		buf_adds(&m->title, T(m, "目标登记", "Goal check-in"));
		name[0] = '\0';
		if (has_int(m->after, "goal_id", &gid))
			lookup(m->st, SQL_GOAL_NAME, NULL, gid, name, sizeof(name));
		b = line(m);
		add_quoted(b, name);
		buf_adds(b, T(m, " 登记 ", " checked in at "));
		add_number(m, b, m->after, "value");
		if (str_of(m, m->after, "date"))
			buf_addf(b, T(m, "（%s）", " (%s)"), str_of(m, m->after, "date"));
		add_person(m, line(m), str_of(m, m->ev, "actor"));
		return 1;
	}
	if (!strcmp(event, "goal.created")) {
		buf_adds(&m->title, T(m, "新目标", "New goal"));
		b = line(m);
		add_quoted(b, rec_str(m, "name"));
		buf_adds(b, T(m, " 目标值 ", " target "));
		add_number(m, b, m->after, "target");
		buf_addf(b, T(m, "，截止 %s", ", due %s"), rec_str(m, "due") ? rec_str(m, "due") : "—");
		buf_adds(b, T(m, "，负责人 ", ", owner "));
		add_person(m, b, rec_str(m, "owner"));
		return 1;
	}
	if (!strcmp(event, "goal.updated")) {
		buf_adds(&m->title, T(m, "目标调整", "Goal changed"));
		b = line(m);
		add_quoted(b, rec_str(m, "name"));
		if (changed(m, "target")) {
			buf_adds(b, T(m, " 目标值 ", " target "));
			add_number(m, b, m->before, "target");
			buf_adds(b, " → ");
			add_number(m, b, m->after, "target");
		}
		if (changed(m, "due"))
			buf_addf(b, T(m, " 截止 %s → %s", " due %s → %s"),
				 str_of(m, m->before, "due") ? str_of(m, m->before, "due") : "—",
				 str_of(m, m->after, "due") ? str_of(m, m->after, "due") : "—");
		if (!changed(m, "target") && !changed(m, "due"))
			buf_adds(b, T(m, " 已更新", " updated"));
		buf_adds(b, T(m, "（", " ("));
		add_person(m, b, str_of(m, m->ev, "actor"));
		buf_adds(b, T(m, "）", ")"));
		return 1;
	}
	return 0;
}

/*
 * alert.raised: {"alert":{"kind","severity","project","record":{"kind","id",
 * "name"},"params":{...}}} - its kind's label, the record's name, the severity.
 */
static void render_alert(struct msg *m)
{
	struct jval alert = jscan_member(m->after, "alert"), rec;
	struct buf *b = line(m);
	int64_t id = 0;

	if (!jscan_is_object(alert))
		alert = jscan_member(m->ev, "alert");
	if (!jscan_is_object(alert) && jscan_member(m->after, "kind").n)
		alert = m->after; /* the record written is the alert itself */
	rec = jscan_member(alert, "record");
	buf_adds(&m->title, T(m, "预警", "Alert"));
	m->color = "red";
	/* no [ ]: the markdown would show their escapes */
	buf_addf(b, "%s · %s", label_of(m, value_labels, str_of(m, alert, "severity")),
		 label_of(m, value_labels, str_of(m, alert, "kind")));
	if (str_of(m, rec, "name")) {
		buf_addch(b, ' ');
		add_quoted(b, str_of(m, rec, "name"));
	}
	if (!m->project[0] && str_of(m, alert, "project"))
		snprintf(m->project, sizeof(m->project), "%s", str_of(m, alert, "project"));
	has_int(rec, "id", &id);
	if (str_of(m, rec, "kind"))
		set_link(m, str_of(m, rec, "kind"), id);
}

static void render(struct msg *m, const char *event)
{
	const char *entity = str_of(m, m->ev, "entity");
	int64_t id = 0;

	has_int(m->ev, "entity_id", &id);
	if (entity)
		set_link(m, entity, id);
	if (!strcmp(event, "ping")) {
		buf_adds(&m->title, T(m, "测试消息", "Test message"));
		buf_adds(line(m), T(m, "salespm 机器人已连通：之后的事件会发到这个群。",
				    "The salespm robot is connected: events will come to this group."));
		add_person(m, line(m), str_of(m, m->ev, "actor"));
		return;
	}
	if (!strcmp(event, "alert.raised")) {
		render_alert(m);
		return;
	}
	if (!strcmp(event, "sale.created")) {
		render_sale(m);
		return;
	}
	if (!strcmp(event, "deal.won") || !strcmp(event, "deal.lost") ||
	    !strcmp(event, "deal.created") || !strcmp(event, "deal.stage_changed")) {
		render_deal(m, event);
		return;
	}
	if (!strncmp(event, "problem.", 8) && render_problem(m, event))
		return;
	if (!strncmp(event, "task.", 5) && render_task(m, event))
		return;
	if (!strncmp(event, "goal.", 5) && render_goal(m, event))
		return;
	if (!strcmp(event, "sale.imported")) {
		int64_t rows = 0;
		buf_adds(&m->title, T(m, "销售导入", "Sales imported"));
		has_int(m->after, "rows", &rows);
		add_person(m, line(m), str_of(m, m->ev, "actor"));
		buf_addf(&m->line[m->n - 1], T(m, " 导入了 %lld 条销售", " imported %lld sales"),
			 (long long)rows);
		return;
	}
	generic(m, event);
}

/* --- the chat apps' formats ----------------------------------------------------- */

/* s (len bytes) for WeCom's and DingTalk's markdown: its marks escaped, angle brackets full-width. */
static void md_escape(struct buf *b, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '<')
			buf_adds(b, "＜");
		else if (c == '>')
			buf_adds(b, "＞");
		else {
			if (strchr("\\`*_[]#~|", c))
				buf_addch(b, '\\');
			buf_addch(b, c);
		}
	}
}

/* Cut b to at most max bytes on a UTF-8 boundary, not after a lone escaping backslash, with "…". */
static void cap(struct buf *b, size_t max)
{
	size_t n;

	if (b->len <= max)
		return;
	n = utf8_cut(b->p, b->len, max > 3 ? max - 3 : 0);
	{
		size_t k = 0;
		while (k < n && b->p[n - 1 - k] == '\\')
			k++;
		if (k % 2)
			n--;
	}
	b->len = n;
	b->p[n] = '\0';
	buf_adds(b, "…");
}

static void full_title(struct msg *m, struct buf *t)
{
	if (m->project[0]) {
		/* 【】: no markdown mark to escape */
		buf_adds(t, "【");
		add_user(t, m->project);
		if (m->project_name[0]) {
			buf_addch(t, ' ');
			add_user(t, m->project_name);
		}
		buf_adds(t, "】");
	}
	buf_add(t, m->title.p ? m->title.p : "", m->title.len);
}

static void assemble(struct msg *m, const char *format, const char *base, struct buf *out)
{
	struct buf title = BUF_INIT, text = BUF_INIT, url = BUF_INIT;
	const char *more = T(m, "查看详情", "Open in salespm");
	struct jw w;

	full_title(m, &title);
	if (base && *base && m->link.len) {
		size_t bl = strlen(base);
		buf_add(&url, base, bl && base[bl - 1] == '/' ? bl - 1 : bl);
		buf_adds(&url, "/#");
		buf_add(&url, m->link.p, m->link.len);
	}
	jw_init(&w, out);
	jw_obj(&w);
	if (!strcmp(format, "feishu")) {
		for (size_t i = 0; i < m->n; i++) {
			if (i)
				buf_addch(&text, '\n');
			buf_add(&text, m->line[i].p ? m->line[i].p : "", m->line[i].len);
		}
		cap(&text, ROBOT_TEXT_MAX);
		jw_kstr(&w, "msg_type", "interactive");
		jw_key(&w, "card");
		jw_obj(&w);
		jw_key(&w, "config");
		jw_obj(&w);
		jw_kbool(&w, "wide_screen_mode", 1);
		jw_obj_end(&w);
		jw_key(&w, "header");
		jw_obj(&w);
		jw_key(&w, "title");
		jw_obj(&w);
		jw_kstr(&w, "tag", "plain_text");
		jw_kstr(&w, "content", buf_cstr(&title));
		jw_obj_end(&w);
		jw_kstr(&w, "template", m->color ? m->color : "blue");
		jw_obj_end(&w);
		jw_key(&w, "elements");
		jw_arr(&w);
		/* plain text: a user's * or [ ] is shown as written */
		jw_obj(&w);
		jw_kstr(&w, "tag", "div");
		jw_key(&w, "text");
		jw_obj(&w);
		jw_kstr(&w, "tag", "plain_text");
		jw_kstr(&w, "content", buf_cstr(&text));
		jw_obj_end(&w);
		jw_obj_end(&w);
		if (url.len) {
			jw_obj(&w);
			jw_kstr(&w, "tag", "action");
			jw_key(&w, "actions");
			jw_arr(&w);
			jw_obj(&w);
			jw_kstr(&w, "tag", "button");
			jw_key(&w, "text");
			jw_obj(&w);
			jw_kstr(&w, "tag", "plain_text");
			jw_kstr(&w, "content", more);
			jw_obj_end(&w);
			jw_kstr(&w, "type", "primary");
			jw_kstr(&w, "url", buf_cstr(&url));
			jw_obj_end(&w);
			jw_arr_end(&w);
			jw_obj_end(&w);
		}
		jw_arr_end(&w);
		jw_obj_end(&w);
	} else {
		int ding = !strcmp(format, "dingtalk");
		struct buf body = BUF_INIT;
		size_t room;
		if (ding)
			buf_adds(&text, "#### ");
		else
			buf_adds(&text, "**");
		md_escape(&text, title.p ? title.p : "", title.len);
		buf_adds(&text, ding ? "\n\n" : "**\n");
		for (size_t i = 0; i < m->n; i++) {
			md_escape(&body, m->line[i].p ? m->line[i].p : "", m->line[i].len);
			buf_adds(&body, ding ? "\n\n" : "\n");
		}
		/* the link is kept whole: the lines give way to it */
		room = ROBOT_TEXT_MAX - (text.len + url.len + strlen(more) + 8 < ROBOT_TEXT_MAX
						 ? text.len + url.len + strlen(more) + 8
						 : ROBOT_TEXT_MAX / 2);
		cap(&body, room);
		buf_add(&text, body.p ? body.p : "", body.len);
		buf_release(&body);
		if (url.len)
			buf_addf(&text, "[%s](%s)", more, buf_cstr(&url));
		cap(&text, ROBOT_TEXT_MAX);
		jw_kstr(&w, "msgtype", "markdown");
		jw_key(&w, "markdown");
		jw_obj(&w);
		if (ding)
			jw_kstr(&w, "title", buf_cstr(&title));
		jw_kstr(&w, ding ? "text" : "content", buf_cstr(&text));
		jw_obj_end(&w);
	}
	jw_obj_end(&w);
	buf_release(&title);
	buf_release(&text);
	buf_release(&url);
}

int robot_render(struct store *st, const char *format, const char *lang, const char *public_url,
		 const char *event_json, struct buf *out, struct err *err)
{
	struct msg m;
	const char *s;
	char event[48];

	buf_reset(out);
	memset(&m, 0, sizeof(m));
	m.st = st;
	m.en = lang && !strcmp(lang, "en");
	m.ev = jscan_value(event_json, strlen(event_json));
	if (!jscan_is_object(m.ev))
		return err_set(err, ERR_INTERNAL, NULL, "internal", "an event that is not a JSON object");
	m.after = jscan_member(m.ev, "after");
	m.before = jscan_member(m.ev, "before");
	if (!jscan_is_object(m.after))
		m.after.n = 0;
	if (!jscan_is_object(m.before))
		m.before.n = 0;
	s = str_of(&m, m.ev, "event");
	snprintf(event, sizeof(event), "%s", s ? s : "");
	if ((s = str_of(&m, m.ev, "project")))
		snprintf(m.project, sizeof(m.project), "%s", s);
	lookup(st, SQL_CURRENCY, NULL, 0, m.currency, sizeof(m.currency));
	if (!m.currency[0])
		snprintf(m.currency, sizeof(m.currency), "CNY");
	render(&m, event);
	if (m.project[0])
		lookup(st, SQL_PROJECT_NAME, m.project, 0, m.project_name, sizeof(m.project_name));
	assemble(&m, format, public_url, out);
	for (size_t i = 0; i < LINES_MAX; i++)
		buf_release(&m.line[i]);
	for (size_t i = 0; i < POOL; i++)
		buf_release(&m.pool[i]);
	buf_release(&m.title);
	buf_release(&m.link);
	return 0;
}

/* --- signatures and answers ------------------------------------------------------ */

static void hmac_b64(const unsigned char *key, size_t klen, const unsigned char *msg, size_t len,
		     char *out, size_t size)
{
	crypto_auth_hmacsha256_state state;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256_init(&state, key, klen);
	crypto_auth_hmacsha256_update(&state, msg, len);
	crypto_auth_hmacsha256_final(&state, mac);
	sodium_bin2base64(out, size, mac, sizeof(mac), sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(&state, sizeof(state));
}

void robot_sign_dingtalk(const char *secret, int64_t ts_ms, char out[128])
{
	char b64[64], *o = out;
	struct buf m = BUF_INIT;

	buf_addf(&m, "%lld\n%s", (long long)ts_ms, secret);
	hmac_b64((const unsigned char *)secret, strlen(secret), (const unsigned char *)m.p, m.len,
		 b64, sizeof(b64));
	sodium_memzero(m.p, m.len);
	buf_release(&m);
	/* urlencode: base64's + / = are the characters that need it */
	for (const char *p = b64; *p; p++) {
		if (*p == '+' || *p == '/' || *p == '=')
			o += snprintf(o, 4, "%%%02X", (unsigned char)*p);
		else
			*o++ = *p;
	}
	*o = '\0';
}

void robot_sign_feishu(const char *secret, int64_t ts_s, char out[64])
{
	struct buf key = BUF_INIT;

	buf_addf(&key, "%lld\n%s", (long long)ts_s, secret);
	hmac_b64((const unsigned char *)key.p, key.len, (const unsigned char *)"", 0, out, 64);
	sodium_memzero(key.p, key.len);
	buf_release(&key);
}

void robot_prepare(const char *format, const char *secret, const char *url, const char *body,
		   int64_t now_ms, struct buf *url_out, struct buf *body_out)
{
	buf_reset(url_out);
	buf_reset(body_out);
	buf_adds(url_out, url);
	if (!strcmp(format, "dingtalk") && secret && *secret) {
		char sign[128];
		robot_sign_dingtalk(secret, now_ms, sign);
		buf_addf(url_out, "%ctimestamp=%lld&sign=%s", strchr(url, '?') ? '&' : '?',
			 (long long)now_ms, sign);
	}
	if (!strcmp(format, "feishu") && secret && *secret && body[0] == '{') {
		char sign[64];
		int64_t ts = now_ms / 1000;
		robot_sign_feishu(secret, ts, sign);
		buf_addf(body_out, "{\"timestamp\":\"%lld\",\"sign\":\"%s\"%s", (long long)ts, sign,
			 body[1] == '}' ? "" : ",");
		buf_adds(body_out, body + 1);
		return;
	}
	buf_adds(body_out, body);
}

int robot_answer_check(const char *format, const char *answer, size_t len, char *error,
		       size_t esize)
{
	struct jval root = jscan_value(answer, len), code, msg;
	struct buf text = BUF_INIT;
	int64_t c;
	int r = -1;

	if (!jscan_is_object(root)) {
		snprintf(error, esize, "answer_unreadable: %.100s", len ? answer : "(empty)");
		return -1;
	}
	code = jscan_member(root, "errcode");
	if (!strcmp(format, "feishu")) {
		code = jscan_member(root, "code");
		if (!code.n)
			code = jscan_member(root, "StatusCode");
	}
	msg = jscan_member(root, "errmsg");
	if (!msg.n)
		msg = jscan_member(root, "msg");
	if (!msg.n)
		msg = jscan_member(root, "StatusMessage");
	if (jscan_int(code, &c)) {
		snprintf(error, esize, "answer_unreadable: %.100s", answer);
		return -1;
	}
	if (c != 0) {
		jscan_text(msg, &text);
		snprintf(error, esize, "%s %lld: %.200s", strcmp(format, "feishu") ? "errcode" : "code",
			 (long long)c, text.len ? buf_cstr(&text) : "");
		goto out;
	}
	r = 0;
out:
	buf_release(&text);
	return r;
}
