/*
 * comment_demo.c - the demo's conversation (called by `salespm demo`, cli/demo.c): on
 * the project's biggest open deals, first tasks and open problems, and its biggest
 * customer, a manager asks their owner by @mention and the owner answers, so each
 * demo user opens an inbox with unread mentions. The notifications the demo's bulk
 * writes made as the admin (every record "assigned" by the admin) go first: the inbox
 * then holds this conversation and what time makes (due, overdue, past SLA).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/comment.h"
#include "base/banned.h"

static const char SQL_DEMO_FORGET[] = "DELETE FROM notifications";

/* (kind, id, owner's login) of what the conversation is about, in the project ?1. */
static const char SQL_DEMO_TALK[] =
	"SELECT 'deal', d.id, u.login FROM deals d JOIN users u ON u.id = d.owner_id "
	"WHERE d.project_id = ?1 AND d.won_on IS NULL AND d.lost_on IS NULL AND u.role = 'rep' "
	"ORDER BY d.amount_minor DESC, d.id LIMIT 4";
static const char SQL_DEMO_TALK_TASKS[] =
	"SELECT 'task', t.id, u.login FROM tasks t JOIN users u ON u.id = t.assignee_id "
	"WHERE t.project_id = ?1 AND t.status <> 'done' AND u.role = 'rep' ORDER BY t.id LIMIT 3";
static const char SQL_DEMO_TALK_PROBLEMS[] =
	"SELECT 'problem', p.id, u.login FROM problems p JOIN users u ON u.id = p.owner_id "
	"WHERE p.project_id = ?1 AND p.status IN ('open', 'in_progress') ORDER BY p.id LIMIT 3";
static const char SQL_DEMO_PROJECT[] = "SELECT id FROM projects WHERE code = ?";

/* What the manager asks and the owner answers, by kind ("%s" the other's login). */
static const struct {
	const char *kind, *ask, *answer;
} talk[] = {
	{ "deal", "@%s 客户上周提到预算已经批下来了，本周能推进到下一阶段吗？需要我出面的话说一声。",
	  "@%s 已约好周四和采购部刘主任见面，会带上新版报价单和交付计划。" },
	{ "task", "@%s 这个任务下周一前需要完成，有风险请提前说。",
	  "收到 @%s，周五前我会更新进度。" },
	{ "problem", "@%s 客户很着急，请今天给出处理方案。处理规范见 https://support.example.com/kb/sla",
	  "@%s 已联系仓库，明天上午补发，我会跟进到签收。" },
};

static int say(struct store *st, const char *as, const char *kind, int64_t id, const char *fmt,
	       const char *to, struct err *err)
{
	struct actor a;
	struct comment_on on = { .id = id };
	char text[600];
	int64_t cid;

	snprintf(on.kind, sizeof(on.kind), "%s", kind);
	snprintf(text, sizeof(text), fmt, to);
	return actor_load(st, as, &a, err) || comment_add(st, &a, &on, text, &cid, err);
}

int comment_demo(struct store *st, const char *project, const char *manager, struct err *err)
{
	static const char *const sql[] = { SQL_DEMO_TALK, SQL_DEMO_TALK_TASKS, SQL_DEMO_TALK_PROBLEMS };
	struct {
		char kind[16];
		int64_t id;
		char login[64];
	} rows[10];
	size_t n = 0;
	int64_t pid = NO_ID;
	struct stmt *s;
	int rc;

	if (store_exec(st, SQL_DEMO_FORGET, err) || !(s = store_prepare(st, SQL_DEMO_PROJECT, err)))
		return -1;
	store_bind_text(st, s, 1, project);
	if ((rc = store_step(st, s, err)) == STORE_ROW)
		pid = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0)
		return -1;
	for (size_t q = 0; q < sizeof(sql) / sizeof(sql[0]); q++) {
		if (!(s = store_prepare(st, sql[q], err)))
			return -1;
		store_bind_int(st, s, 1, pid);
		while ((rc = store_step(st, s, err)) == STORE_ROW && n < sizeof(rows) / sizeof(rows[0])) {
			snprintf(rows[n].kind, sizeof(rows[n].kind), "%s", store_col_text(st, s, 0));
			rows[n].id = store_col_int(st, s, 1);
			snprintf(rows[n].login, sizeof(rows[n].login), "%s", store_col_text(st, s, 2));
			n++;
		}
		store_done(st, s);
		if (rc < 0)
			return -1;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < sizeof(talk) / sizeof(talk[0]); k++) {
			if (strcmp(talk[k].kind, rows[i].kind))
				continue;
			if (say(st, manager, rows[i].kind, rows[i].id, talk[k].ask, rows[i].login, err))
				return -1;
			/* the first of each kind is answered: the manager has unread mentions too */
			if ((i == 0 || strcmp(rows[i - 1].kind, rows[i].kind)) &&
			    say(st, rows[i].login, rows[i].kind, rows[i].id, talk[k].answer, manager, err))
				return -1;
		}
	return 0;
}
