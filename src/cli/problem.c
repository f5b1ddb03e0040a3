/*
 * problem.c - problems' commands beyond the entity engine's generic ones
 * (`salespm problem add|list|show|update|delete`): the status moves
 * `problem start|resolve|close|reopen PROJECT ID`, the project's SLA table
 * `problem sla PROJECT [--critical 4h ...]` and the per-owner summary
 * `problem summary PROJECT` (core/problem.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/jw.h"
#include "cli/cli.h"
#include "core/problem.h"
#include "core/project.h"
#include "base/banned.h"

/* The move named by the command's verb. */
static const char *move_to(const char *verb)
{
	if (!strcmp(verb, "start"))
		return "in_progress";
	if (!strcmp(verb, "resolve"))
		return "resolved";
	if (!strcmp(verb, "close"))
		return "closed";
	return "open";
}

static int cmd_problem_move(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = {
		{ "version", 0, OPT_VALUE }, { "resolution", 0, OPT_VALUE }, { "note", 0, OPT_VALUE },
		{ NULL, 0, 0 },
	};
	struct problem_move m = { 0 };
	const char *pos[2];
	void *rec = calloc(1, problem_entity.size);
	int npos, r = -1;

	if (!rec)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory");
	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err))
		goto out;
	m.status = move_to(c->cmd->verb);
	m.resolution = cli_opt(opts, "resolution");
	m.note = cli_opt(opts, "note");
	/* without --version the move starts from the problem as it is now */
	if (cli_entity_version(c, &problem_entity, pos[0], pos[1], opts, rec, &m.version, err))
		goto out;
	if (problem_move(c->st, &c->actor, pos[0], pos[1], &m, rec, err))
		goto out;
	if (!c->json)
		printf("problem %s is now %s\n", pos[1], m.status);
	cli_entity_print(c, &problem_entity, rec);
	r = 0;
out:
	free(rec);
	return r;
}

static void sla_print(const struct problem_sla *s)
{
	static const char *const head[] = { "severity", "hours", "standard", "set" };
	static const int right[] = { 0, 1, 1, 0 };
	struct cli_table t;

	cli_table_init(&t, 4, head, right);
	for (int i = PROBLEM_SEVERITIES - 1; i >= 0; i--) {
		char h[24], d[24];
		const char *row[4];
		snprintf(h, sizeof(h), "%lld", (long long)s->hours[i]);
		snprintf(d, sizeof(d), "%lld", (long long)problem_sla_default_hours[i]);
		row[0] = problem_severities[i];
		row[1] = h;
		row[2] = d;
		row[3] = s->set[i] ? "project" : "standard";
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
}

static int cmd_problem_sla(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = {
		{ "low", 0, OPT_VALUE },  { "medium", 0, OPT_VALUE }, { "high", 0, OPT_VALUE },
		{ "critical", 0, OPT_VALUE }, { NULL, 0, 0 },
	};
	struct problem_sla s;
	int64_t hours[PROBLEM_SEVERITIES] = { 0 };
	int given[PROBLEM_SEVERITIES] = { 0 }, any = 0, npos;
	const char *pos[1];

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err))
		return -1;
	for (int i = 0; i < PROBLEM_SEVERITIES; i++) {
		const char *v = cli_opt(opts, problem_severities[i]);
		if (!v)
			continue;
		if (problem_sla_parse(v, problem_severities[i], &hours[i], err))
			return -1;
		given[i] = any = 1;
	}
	if (any ? problem_sla_set(c->st, &c->actor, pos[0], hours, given, &s, err)
		: problem_sla_get(c->st, &c->actor, pos[0], &s, err))
		return -1;
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		problem_sla_write_json(&w, pos[0], &s);
		cli_print_json(&b);
		buf_release(&b);
	} else {
		sla_print(&s);
	}
	return 0;
}

static int cmd_problem_summary(struct cli *c, int argc, char **argv, struct err *err)
{
	static const char *const head[] = { "owner", "name", "open", "overdue", "resolved",
					    "in SLA" };
	static const int right[] = { 0, 0, 1, 1, 1, 1 };
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct problem_summary s;
	struct cli_table t;
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    problem_summary(c->st, &c->actor, pos[0], 0, &s, err))
		return -1;
	if (c->json) {
		CLI_PRINT_ONE(&s, problem_summary_write_json);
		problem_summary_release(&s);
		return 0;
	}
	cli_table_init(&t, 6, head, right);
	for (size_t i = 0; i <= s.nowners; i++) {
		const struct problem_owner_sum *o = i < s.nowners ? &s.owners[i] : &s.total;
		char n[4][24];
		const char *row[6];
		snprintf(n[0], sizeof(n[0]), "%lld", (long long)o->open);
		snprintf(n[1], sizeof(n[1]), "%lld", (long long)o->overdue);
		snprintf(n[2], sizeof(n[2]), "%lld", (long long)o->resolved);
		snprintf(n[3], sizeof(n[3]), "%lld", (long long)o->resolved_in_sla);
		row[0] = i < s.nowners ? o->login : "total";
		row[1] = o->name;
		for (int k = 0; k < 4; k++)
			row[2 + k] = n[k];
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
	problem_summary_release(&s);
	return 0;
}

#define MOVE_DETAILS                                                                          \
	"A problem moves open -> in_progress (start) -> resolved (resolve, with\n"            \
	"--resolution) -> closed (close); resolve also from open; reopen takes a resolved\n"   \
	"or closed problem back to open (its due time stays). The owner moves their own\n"    \
	"problems, project managers every one. Without --version the move starts from the\n" \
	"problem as it is now.\n"                                                             \
	"  --version N          the version you saw\n"                                          \
	"  --resolution TEXT    how it was resolved (resolve only; required there)\n"          \
	"  --note TEXT          a note kept in the problem's history"

const struct cli_command cli_problem_cmds[] = {
	{ "problem", "start", cmd_problem_move, CLI_NEEDS_STORE,
	  "start work on an open problem (in_progress)",
	  "problem start PROJECT ID [--version N] [--note TEXT]", MOVE_DETAILS,
	  "salespm problem start FY 3" },
	{ "problem", "resolve", cmd_problem_move, CLI_NEEDS_STORE,
	  "resolve a problem, saying how",
	  "problem resolve PROJECT ID --resolution TEXT [--version N] [--note TEXT]",
	  MOVE_DETAILS, "salespm problem resolve FY 3 --resolution \"换货已送达\"" },
	{ "problem", "close", cmd_problem_move, CLI_NEEDS_STORE,
	  "close a resolved problem (the customer confirmed)",
	  "problem close PROJECT ID [--version N] [--note TEXT]", MOVE_DETAILS,
	  "salespm problem close FY 3" },
	{ "problem", "reopen", cmd_problem_move, CLI_NEEDS_STORE,
	  "reopen a resolved or closed problem",
	  "problem reopen PROJECT ID [--version N] [--note TEXT]", MOVE_DETAILS,
	  "salespm problem reopen FY 3 --note \"客户反馈仍有故障\"" },
	{ "problem", "sla", cmd_problem_sla, CLI_NEEDS_STORE,
	  "show or set the project's SLA: hours to resolve a problem of each severity",
	  "problem sla PROJECT [--critical H] [--high H] [--medium H] [--low H]",
	  "Without options: the table. H is hours (4h or 4) or days (2d), 1 hour to 365\n"
	  "days. The standard table is critical 4h, high 24h, medium 72h, low 168h.\n"
	  "A problem's due time is when it was opened plus the SLA of its severity then:\n"
	  "problems already open keep theirs. Project managers and owners set it.",
	  "salespm problem sla FY --critical 2h --high 1d" },
	{ "problem", "summary", cmd_problem_summary, CLI_NEEDS_STORE,
	  "the project's problems per owner: open, overdue, resolved, resolved within the SLA",
	  "problem summary PROJECT", NULL, "salespm problem summary FY" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
