/*
 * risk.c - the plan's commands beyond the entity engine's generic ones
 * (`salespm risk|budget|expense add|list|show|update|delete`): the
 * probability x impact matrix of a project's open risks, `risk matrix PROJECT`
 * (core/risk.c), and the budget's overview, `budget summary PROJECT`
 * (core/budget.c).
 */
#include <stdio.h>

#include "base/buf.h"
#include "base/jw.h"
#include "cli/cli.h"
#include "base/money.h"
#include "analytics/budget.h"
#include "core/risk.h"
#include "base/banned.h"

static int cmd_risk_matrix(struct cli *c, int argc, char **argv, struct err *err)
{
	static const char *const head[] = { "probability", "impact 1", "impact 2", "impact 3",
					    "impact 4", "impact 5" };
	static const int right[] = { 1, 1, 1, 1, 1, 1 };
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct risk_matrix m;
	struct cli_table t;
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    risk_matrix(c->st, &c->actor, pos[0], &m, err))
		return -1;
	if (c->json) {
		CLI_PRINT_ONE(&m, risk_matrix_write_json);
		return 0;
	}
	cli_table_init(&t, 6, head, right);
	for (int p = 5; p >= 1; p--) {
		char n[6][24];
		const char *row[6];
		snprintf(n[0], sizeof(n[0]), "%d", p);
		row[0] = n[0];
		for (int i = 1; i <= 5; i++) {
			snprintf(n[i], sizeof(n[i]), "%lld", (long long)m.count[p - 1][i - 1]);
			row[i] = n[i];
		}
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
	printf("open risks: %lld\n", (long long)m.total);
	return 0;
}

static int cmd_budget_summary(struct cli *c, int argc, char **argv, struct err *err)
{
	static const char *const head[] = { "id", "category", "name", "allocated", "spent",
					    "remaining", "" };
	static const int right[] = { 1, 0, 0, 1, 1, 1, 0 };
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct budget_overview o;
	struct cli_table t;
	const char *pos[1];
	char m[4][48];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    budget_overview(c->st, &c->actor, pos[0], &o, err))
		return -1;
	if (c->json) {
		CLI_PRINT_ONE(&o, budget_overview_write_json);
		budget_overview_release(&o);
		return 0;
	}
	cli_table_init(&t, 7, head, right);
	for (size_t i = 0; i <= o.n; i++) {
		const struct budget_line_sum *l = i < o.n ? &o.lines[i] : NULL;
		int64_t al = l ? l->allocated_minor : o.allocated_minor;
		int64_t sp = l ? l->spent_minor : o.spent_minor;
		const char *row[7];
		snprintf(m[0], sizeof(m[0]), "%lld", (long long)(l ? l->id : 0));
		money_format(al, m[1]);
		money_format(sp, m[2]);
		money_format(al - sp, m[3]);
		row[0] = l ? m[0] : "";
		row[1] = l ? l->category : "total";
		row[2] = l ? l->name : "";
		row[3] = m[1];
		row[4] = m[2];
		row[5] = m[3];
		row[6] = sp > al ? "OVERSPENT" : "";
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
	money_format(o.budget_minor, m[0]);
	money_format(o.promotion_cost_minor, m[1]);
	money_format(o.channel_cost_minor, m[2]);
	money_format(o.promotion_cost_minor + o.channel_cost_minor, m[3]);
	printf("project budget: %s\nstrategy spending: promotions' discounts %s, channels' cost %s, "
	       "in all %s\n", m[0], m[1], m[2], m[3]);
	budget_overview_release(&o);
	return 0;
}

const struct cli_command cli_risk_cmds[] = {
	{ "risk", "matrix", cmd_risk_matrix, CLI_NEEDS_STORE,
	  "the project's open risks (open and mitigating) per probability and impact",
	  "risk matrix PROJECT",
	  "A table of counts: a row per probability (5 first), a column per impact.\n"
	  "A cell's score is its probability times its impact: low 1-4, medium 5-9,\n"
	  "high 10-16, critical 20-25. Closed and occurred risks are not counted.",
	  "salespm risk matrix FY" },
	{ "budget", "summary", cmd_budget_summary, CLI_NEEDS_STORE,
	  "the project's budget lines with allocated, spent and remaining, and the strategy's "
	  "spending",
	  "budget summary PROJECT",
	  "A row per budget line (by category, then name) and the total; a line whose\n"
	  "expenses pass its allocation is marked OVERSPENT. Below: the project's budget\n"
	  "and the strategy's spending (the promotions' discounts and the channels' cost\n"
	  "in the project, as `strategy show` reads them). Lines: `budget add|list|...`;\n"
	  "expenses: `expense add PROJECT --line ID --amount M [--date D] [--note T]`.",
	  "salespm budget summary FY" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
