/*
 * quota.c - quotas from the command line (core/quota.h, analytics/quota.h):
 *   salespm quota list PROJECT [--goal ID]
 *   salespm quota suggest PROJECT --goal ID
 *   salespm quota split PROJECT --goal ID [--version N] LOGIN=TARGET...
 * and the lines `goal list` shows under a goal with quotas (cli_quota_print).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/quota.h"
#include "base/date.h"
#include "base/money.h"
#include "cli/cli.h"
#include "core/quota.h"
#include "base/banned.h"

/* A ratio in basis points as "33.3%" ("-" for none). */
static void bp_text(int64_t bp, char *out, size_t len)
{
	char r[RATIO_FMT_MAX];

	if (bp == NO_VALUE)
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%s", ratio_format(bp, r));
}

void cli_quota_print(const struct goal *g, const struct quota_goal *q, const char *indent)
{
	static const char *const head[] = { "PERSON", "NAME", "QUOTA", "SHARE", "ACTUAL",
					    "PROGRESS" };
	static const int right[] = { 0, 0, 1, 1, 1, 1 };
	enum unit u = metric_unit(g->metric);
	char sum[64], tg[64];
	struct cli_table t;
	struct buf b = BUF_INIT;
	FILE *f;

	goal_value_format(u, q->sum, sum, sizeof(sum));
	goal_value_format(u, g->target, tg, sizeof(tg));
	printf("%sgoal %lld quotas (version %lld): %s of %s%s\n", indent, (long long)g->id,
	       (long long)q->version, sum, tg,
	       q->sum == g->target ? "" : " - the quotas no longer sum to the target");
	cli_table_init(&t, 6, head, right);
	for (size_t i = 0; i < q->n; i++) {
		const struct quota_member *m = &q->members[i];
		char a[64], c[64], s[16], p[16];
		const char *row[6];
		goal_value_format(u, m->line.target, a, sizeof(a));
		if (m->actual == NO_VALUE)
			snprintf(c, sizeof(c), "-");
		else
			goal_value_format(u, m->actual, c, sizeof(c));
		bp_text(m->share_bp, s, sizeof(s));
		bp_text(m->progress_bp, p, sizeof(p));
		row[0] = m->line.login;
		row[1] = m->line.name;
		row[2] = a;
		row[3] = s;
		row[4] = c;
		row[5] = p;
		cli_table_row(&t, row);
	}
	/* the table indented: printed into memory, then line by line */
	f = open_memstream(&b.p, &b.len);
	if (f) {
		char *line, *save = NULL;
		cli_table_print(&t, f);
		fclose(f);
		for (line = strtok_r(b.p, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			printf("%s  %s\n", indent, line);
		free(b.p);
	} else {
		cli_table_print(&t, stdout);
	}
	cli_table_release(&t);
}

static int goal_opt(struct cli_opt *opts, int required, int64_t *id, struct err *err)
{
	const char *s = cli_opt(opts, "goal");

	*id = NO_ID;
	if (!s)
		return required ? err_set(err, ERR_USAGE, "goal", "required", "--goal is required")
				: 0;
	if (cli_int(s, "--goal", id, err))
		return -1;
	if (*id <= 0)
		return err_set(err, ERR_INVALID, "goal", "not_id:value", "\"%s\" is not a goal id",
			       s);
	return 0;
}

static int cmd_quota_list(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "goal", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct quota_board b;
	const char *pos[1];
	int npos, shown = 0;
	int64_t id;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) || goal_opt(opts, 0, &id, err) ||
	    quota_board_load(c->st, &c->actor, pos[0], id, date_today(), &b, err))
		return -1;
	if (c->json) {
		CLI_PRINT_ONE(&b, quota_board_write_json);
	} else {
		for (size_t i = 0; i < b.goals.n; i++) {
			const struct goal *g = &b.goals.items[i];
			if (!b.quotas[i].n)
				continue;
			printf("%s%lld %s (%s)\n", shown++ ? "\n" : "", (long long)g->id,
			       g->name[0] ? g->name : metric_str(g->metric), metric_str(g->metric));
			cli_quota_print(g, &b.quotas[i], "");
		}
		if (!shown)
			printf("no goal of %s has quotas yet (salespm quota suggest %s --goal ID)\n",
			       b.project.code, b.project.code);
	}
	quota_board_release(&b);
	return 0;
}

static void print_suggestion(const char *code, const struct quota_suggestion *s)
{
	static const char *const head[] = { "PERSON", "NAME",   "PAST",  "HISTORY",
					    "BASIS",  "CAPACITY", "WEIGHT", "QUOTA" };
	static const int right[] = { 0, 0, 1, 0, 1, 1, 1, 1 };
	enum unit u = metric_unit(s->goal.metric);
	char d1[DATE_FMT_MAX], d2[DATE_FMT_MAX], tg[64];
	struct cli_table t;

	goal_value_format(u, s->goal.target, tg, sizeof(tg));
	printf("goal %lld (%s), target %s\n", (long long)s->goal.id, metric_str(s->goal.metric),
	       tg);
	printf("weight = basis x capacity; basis = the rep's %s from %s to %s (the window before\n"
	       "the goal's), or for a rep with none there, the average of the %lld reps with some;\n"
	       "quota = target x weight / total weight, rounded to %s by the largest remainders\n",
	       metric_str(s->goal.metric), date_format(s->basis_from, d1),
	       date_format(s->basis_to, d2), (long long)s->with_history,
	       s->step == 100 ? "whole units" : "the unit");
	cli_table_init(&t, 8, head, right);
	for (size_t i = 0; i < s->n; i++) {
		const struct quota_suggestion_line *l = &s->lines[i];
		char past[64], basis[64], cap[16], w[64], q[64], r[RATIO_FMT_MAX];
		const char *row[8];
		double bv = (double)l->basis_num / (double)l->basis_den;
		goal_value_format(u, l->past, past, sizeof(past));
		if (u == UNIT_MONEY)
			snprintf(basis, sizeof(basis), "%.2f", bv / 100.0);
		else
			snprintf(basis, sizeof(basis), "%.2f", bv);
		snprintf(cap, sizeof(cap), "%s", ratio_format(l->capacity_bp, r));
		snprintf(w, sizeof(w), "%.2f",
			 bv * (double)l->capacity_bp / 10000.0 / (u == UNIT_MONEY ? 100.0 : 1.0));
		goal_value_format(u, l->target, q, sizeof(q));
		row[0] = l->login;
		row[1] = l->name;
		row[2] = past;
		row[3] = l->history ? "yes" : "no (average)";
		row[4] = basis;
		row[5] = cap;
		row[6] = w;
		row[7] = q;
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
	printf("save it with: salespm quota split %s --goal %lld", code,
	       (long long)s->goal.id);
	for (size_t i = 0; i < s->n; i++) {
		char q[64];
		goal_value_format(u, s->lines[i].target, q, sizeof(q));
		for (char *p = q, *o = q;; p++) { /* no group separators on the command line */
			if (*p != ',')
				*o++ = *p;
			if (!*p)
				break;
		}
		printf(" %s=%s", s->lines[i].login, q);
	}
	printf("\n");
}

static int cmd_quota_suggest(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "goal", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct quota_suggestion s;
	const char *pos[1];
	int npos;
	int64_t id;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) || goal_opt(opts, 1, &id, err) ||
	    quota_suggest(c->st, &c->actor, pos[0], id, &s, err))
		return -1;
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		quota_suggestion_write_json(&w, pos[0], &s);
		cli_print_json(&b);
		buf_release(&b);
	} else {
		print_suggestion(pos[0], &s);
	}
	quota_suggestion_release(&s);
	return 0;
}

#define MAX_SPLIT_ARGS 64

static int cmd_quota_split(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "goal", 0, OPT_VALUE }, { "version", 0, OPT_VALUE },
				  { NULL, 0, 0 } };
	struct quota_input in[MAX_SPLIT_ARGS];
	char logins[MAX_SPLIT_ARGS][64];
	const char *pos[MAX_SPLIT_ARGS + 1];
	struct quota_split out;
	struct quota_board b;
	struct goal g;
	int npos;
	int64_t id, version = QUOTA_ANY_VERSION;

	if (cli_parse(c, argc, argv, opts, pos, 1, MAX_SPLIT_ARGS + 1, &npos, err) ||
	    goal_opt(opts, 1, &id, err) ||
	    (cli_opt(opts, "version") && cli_int(cli_opt(opts, "version"), "--version", &version,
						 err)) ||
	    goal_get(c->st, &c->actor, pos[0], id, &g, err))
		return -1;
	for (int i = 1; i < npos; i++) {
		const char *eq = strchr(pos[i], '=');
		size_t len = eq ? (size_t)(eq - pos[i]) : 0;
		if (!eq || !len || len >= sizeof(logins[0]))
			return err_set(err, ERR_USAGE, "quotas", "quota_arg:value",
				       "\"%.60s\" is not LOGIN=TARGET", pos[i]);
		memcpy(logins[i - 1], pos[i], len);
		logins[i - 1][len] = '\0';
		in[i - 1].login = logins[i - 1];
		if (goal_value_parse(metric_unit(g.metric), eq + 1, &in[i - 1].target, "target",
				     err)) {
			err_prefix(err, "%s", logins[i - 1]);
			return -1;
		}
	}
	if (quota_split_save(c->st, &c->actor, pos[0], id, version, in, (size_t)(npos - 1), &out,
			     err))
		return -1;
	quota_split_release(&out);
	if (quota_board_load(c->st, &c->actor, pos[0], id, date_today(), &b, err))
		return -1;
	if (c->json) {
		CLI_PRINT_ONE(&b, quota_board_write_json);
	} else if (b.quotas[0].n) {
		printf("saved the quotas of goal %lld\n", (long long)id);
		cli_quota_print(&b.goals.items[0], &b.quotas[0], "");
	} else {
		printf("cleared the quotas of goal %lld\n", (long long)id);
	}
	quota_board_release(&b);
	return 0;
}

const struct cli_command cli_quota_cmds[] = {
	{ "quota", "list", cmd_quota_list, CLI_NEEDS_STORE,
	  "the quotas of a project's goals: each member's quota, share, actual and progress",
	  "quota list PROJECT [--goal ID]",
	  "--goal ID     one goal's quotas\n"
	  "A member's actual is the goal's metric over its window (up to today) and scope,\n"
	  "from the sales they made as the rep; share = quota / goal target; progress =\n"
	  "actual / quota.",
	  "salespm quota list FY --goal 1" },
	{ "quota", "suggest", cmd_quota_suggest, CLI_NEEDS_STORE,
	  "a suggested split of a goal's target over the project's reps, with its inputs",
	  "quota suggest PROJECT --goal ID",
	  "Over the project's reps (members with the role member):\n"
	  "  weight = basis x capacity\n"
	  "  basis  = the rep's value of the goal's metric in the window of the same length\n"
	  "           just before the goal's (their sales as rep, every project); a rep with\n"
	  "           none there takes the average of the reps with some (all 1 if none has)\n"
	  "  quota  = target x weight / total weight, rounded down to the unit (money: whole\n"
	  "           units when the target is), the units left going to the largest\n"
	  "           remainders, so the quotas sum exactly to the target.\n"
	  "Nothing is saved: save it (or an edited one) with `quota split`.",
	  "salespm quota suggest FY --goal 1" },
	{ "quota", "split", cmd_quota_split, CLI_NEEDS_STORE,
	  "save a goal's whole split of quotas (project managers): they must sum to its target",
	  "quota split PROJECT --goal ID [--version N] LOGIN=TARGET...",
	  "--goal ID     the goal (revenue, units, deals_won or new_customers, not narrowed to\n"
	  "              one rep)\n"
	  "--version N   the split's current version (0 for a goal never split); a stale one\n"
	  "              is refused\n"
	  "LOGIN=TARGET  a member's quota in the goal's unit (money as 1200000.00); no\n"
	  "              LOGIN=TARGET clears the split",
	  "salespm quota split FY --goal 1 wang.fang=600000 zhao.lei=400000" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
