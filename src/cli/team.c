/*
 * team.c - the team's commands beyond the entity engine's generic ones:
 * `salespm skill matrix PROJECT`, the project's sellers by the skills they are
 * rated in (core/skill.c). Ratings themselves are `salespm skill add|update`.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/skill.h"
#include "base/banned.h"

/* Columns a terminal table holds: the member's login and name, then the skills. */
#define MAX_SKILL_COLS 14

/* A standard skill's column head; an other skill's own name. */
static const char *column_head(const struct skill_column *c)
{
	static const char *const heads[][2] = {
		{ "product_knowledge", "PRODUCT" }, { "sales_skills", "SELLING" },
		{ "customer_service", "SERVICE" },  { "negotiation", "NEGOTIATION" },
		{ "industry_knowledge", "INDUSTRY" },
	};
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		if (!strcmp(c->skill, heads[i][0]))
			return heads[i][1];
	return c->name;
}

static void print_matrix(const struct skill_matrix *m)
{
	const char *head[16] = { "MEMBER", "NAME" };
	int right[16] = { 0 };
	size_t ncols = m->ncolumns < MAX_SKILL_COLS ? m->ncolumns : MAX_SKILL_COLS;
	char cells[16][48];
	const char *row[16];
	struct cli_table t;

	for (size_t k = 0; k < ncols; k++) {
		head[2 + k] = column_head(&m->columns[k]);
		right[2 + k] = 1;
	}
	cli_table_init(&t, (int)(2 + ncols), head, right);
	for (size_t i = 0; i < m->nrows; i++) {
		row[0] = m->rows[i].login;
		row[1] = m->rows[i].name;
		for (size_t k = 0; k < ncols; k++) {
			int v = m->rows[i].ratings ? m->rows[i].ratings[k] : 0;
			snprintf(cells[k], sizeof(cells[k]), v ? "%d" : "-", v);
			row[2 + k] = cells[k];
		}
		cli_table_row(&t, row);
	}
	row[0] = "AVERAGE";
	row[1] = "";
	for (size_t k = 0; k < ncols; k++) {
		int64_t a = skill_average_tenths(&m->columns[k]);
		if (a < 0)
			snprintf(cells[k], sizeof(cells[k]), "-");
		else
			snprintf(cells[k], sizeof(cells[k]), "%lld.%lld", (long long)(a / 10),
				 (long long)(a % 10));
		row[2 + k] = cells[k];
	}
	cli_table_row(&t, row);
	cli_table_print(&t, stdout);
	cli_table_release(&t);
	if (m->ncolumns > ncols)
		printf("(%zu more skills: --json shows every one)\n", m->ncolumns - ncols);
}

static int cmd_skill_matrix(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct skill_matrix m;
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    skill_matrix(c->st, &c->actor, pos[0], &m, err))
		return -1;
	if (c->json) {
		CLI_PRINT_ONE(&m, skill_matrix_write_json);
	} else if (!m.ncolumns) {
		printf("no one on %s is rated in any skill yet (salespm skill add)\n", m.project);
	} else {
		print_matrix(&m);
	}
	skill_matrix_release(&m);
	return 0;
}

const struct cli_command cli_team_cmds[] = {
	{ "skill", "matrix", cmd_skill_matrix, CLI_NEEDS_STORE,
	  "a project's skills matrix: its sellers by the skills they are rated in, with each "
	  "skill's average",
	  "skill matrix PROJECT",
	  "Rows: the project's owners, managers and members (not viewers); columns: every\n"
	  "skill one of them is rated in (1 to 5; - not rated); the last row: each skill's\n"
	  "average over those rated, to one decimal rounded half up.",
	  "salespm skill matrix FY" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
