/*
 * risk.c - risks' command beyond the entity engine's generic ones
 * (`salespm risk add|list|show|update|delete`): the probability x impact
 * matrix of a project's open risks, `risk matrix PROJECT` (core/risk.c).
 */
#include <stdio.h>

#include "base/buf.h"
#include "base/jw.h"
#include "cli/cli.h"
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

const struct cli_command cli_risk_cmds[] = {
	{ "risk", "matrix", cmd_risk_matrix, CLI_NEEDS_STORE,
	  "the project's open risks (open and mitigating) per probability and impact",
	  "risk matrix PROJECT",
	  "A table of counts: a row per probability (5 first), a column per impact.\n"
	  "A cell's score is its probability times its impact: low 1-4, medium 5-9,\n"
	  "high 10-16, critical 20-25. Closed and occurred risks are not counted.",
	  "salespm risk matrix FY" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
