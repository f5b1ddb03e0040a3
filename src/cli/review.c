/*
 * review.c - `salespm review list PROJECT` (core/review.h): the reviews the
 * caller may read and the aggregates; `review add|update|delete` and
 * `lesson ...` are the entity engine's commands (cli/entity.c).
 */
#include <stdio.h>

#include "cli/cli.h"
#include "core/review.h"
#include "base/banned.h"

static void print_board(struct cli *c, const struct review_board *b)
{
	static const char *const head[] = { "member", "name", "reviews", "teamwork" };
	static const int right[] = { 0, 0, 1, 1 };
	struct cli_table t;

	(void)c;
	printf("%zu review%s\n", b->n, b->n == 1 ? "" : "s");
	cli_table_init(&t, 4, head, right);
	for (size_t i = 0; i < b->nsummary; i++) {
		const struct review_summary *m = &b->summary[i];
		char n[24], avg[24];
		const char *row[4] = { m->login, m->name, n, avg };
		snprintf(n, sizeof(n), "%lld", (long long)m->reviews);
		if (m->reviews)
			snprintf(avg, sizeof(avg), "%.1f",
				 (double)((m->teamwork_sum * 20 + m->reviews) / (2 * m->reviews)) /
					 10.0);
		else
			snprintf(avg, sizeof(avg), "-");
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
}

static int cmd_review_list(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct review_board b;
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    review_read(c->st, &c->actor, pos[0], &b, err))
		return -1;
	if (c->json)
		CLI_PRINT_ONE(&b, review_board_write_json);
	else
		print_board(c, &b);
	review_board_release(&b);
	return 0;
}

const struct cli_command cli_review_cmds[] = {
	{ "review", "list", cmd_review_list, CLI_NEEDS_STORE,
	  "the peer reviews you may read and each member's teamwork score",
	  "review list PROJECT",
	  "  a manager sees every review and every member's score; a member the reviews they\n"
	  "  wrote and their own score",
	  "salespm review list FY-PREV --json" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
