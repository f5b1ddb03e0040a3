/*
 * project.c - `salespm project ...` and `salespm member remove` (the other
 * `member` commands are the entity engine's: cli/entity.c).
 */
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/money.h"
#include "cli/cli.h"
#include "core/project.h"
#include "base/banned.h"

static void print_project(struct cli *c, const struct project *p)
{
	char d1[DATE_FMT_MAX], d2[DATE_FMT_MAX], m[MONEY_FMT_MAX];
	if (c->json) {
		CLI_PRINT_ONE(p, project_write_json);
		return;
	}
	printf("code:        %s\nname:        %s\nstatus:      %s\ndates:       %s .. %s\n"
	       "budget:      %s %s\nobjective:   %s\nversion:     %lld\n",
	       p->code, p->name, p->status, date_format(p->start_on, d1),
	       date_format(p->end_on, d2), money_format_grouped(p->budget_minor, m),
	       c->ws.currency, p->objective, (long long)p->version);
	if (p->description[0])
		printf("description: %s\n", p->description);
	if (p->closed_at != NO_ID) {
		char ts[32];
		ts_format(p->closed_at, ts);
		printf("closed:      %s by %s\n", ts, p->closed_by_login);
		if (p->close_note[0])
			printf("close note:  %s\n", p->close_note);
	}
}

/* Apply the options a create or update may carry onto p. */
static int apply(struct cli_opt *opts, struct project *p, struct err *err)
{
	const char *v;
	int64_t n;

	if ((v = cli_opt(opts, "name")))
		snprintf(p->name, sizeof(p->name), "%s", v);
	if ((v = cli_opt(opts, "description")))
		snprintf(p->description, sizeof(p->description), "%s", v);
	if ((v = cli_opt(opts, "objective")))
		snprintf(p->objective, sizeof(p->objective), "%s", v);
	if ((v = cli_opt(opts, "status")))
		snprintf(p->status, sizeof(p->status), "%.7s", v);
	if ((v = cli_opt(opts, "status")) && strlen(v) > 7)
		return err_set(err, ERR_INVALID, "status", "bad_status:value",
			       "\"%s\" is not a status (draft, active or closed)", v);
	if ((v = cli_opt(opts, "start")) && cli_date(v, "start", &p->start_on, err))
		return -1;
	if ((v = cli_opt(opts, "end")) && cli_date(v, "end", &p->end_on, err))
		return -1;
	if ((v = cli_opt(opts, "budget"))) {
		if (cli_money(v, "budget", &n, err))
			return -1;
		p->budget_minor = n;
	}
	if ((v = cli_opt(opts, "version"))) {
		if (cli_int(v, "version", &n, err))
			return -1;
		p->version = n;
	}
	return 0;
}

#define PROJECT_OPTS                                                                             \
	{ "name", 0, OPT_VALUE }, { "start", 0, OPT_VALUE }, { "end", 0, OPT_VALUE },            \
		{ "status", 0, OPT_VALUE }, { "budget", 0, OPT_VALUE },                          \
		{ "objective", 0, OPT_VALUE }, { "description", 0, OPT_VALUE }

static int cmd_project_create(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { PROJECT_OPTS, { NULL, 0, 0 } };
	struct project in = { 0 }, out;
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err))
		return -1;
	if (!cli_opt(opts, "name"))
		return err_set(err, ERR_USAGE, "name", "required", "--name is required");
	if (!cli_opt(opts, "start") || !cli_opt(opts, "end"))
		return err_set(err, ERR_USAGE, cli_opt(opts, "start") ? "end" : "start", "required",
			       "--start and --end are required (YYYY-MM-DD)");
	snprintf(in.code, sizeof(in.code), "%.63s", pos[0]);
	if (strlen(pos[0]) > 63)
		return err_set(err, ERR_INVALID, "code", "too_long", "a project code has at most 63 characters");
	in.owner_id = NO_ID;
	if (apply(opts, &in, err) || project_create(c->st, &c->actor, &in, &out, err))
		return -1;
	if (c->json)
		print_project(c, &out);
	else
		printf("created project %s (%s)\n", out.code, out.name);
	return 0;
}

static int cmd_project_list(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct project_list l = { 0 };
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 0, 0, &npos, err) ||
	    project_list(c->st, &c->actor, &l, err))
		return -1;
	if (c->json) {
		CLI_PRINT_LIST("projects", l.items, l.n, project_write_json);
	} else if (l.n == 0) {
		printf("no projects yet; create one with `salespm project create`\n");
	} else {
		static const char *const head[] = { "CODE", "NAME", "STATUS", "START", "END",
						    "BUDGET" };
		static const int right[] = { 0, 0, 0, 0, 0, 1 };
		struct cli_table t;
		cli_table_init(&t, 6, head, right);
		for (size_t i = 0; i < l.n; i++) {
			char d1[DATE_FMT_MAX], d2[DATE_FMT_MAX], m[MONEY_FMT_MAX];
			const struct project *p = &l.items[i];
			const char *row[] = { p->code,
					      p->name,
					      p->status,
					      date_format(p->start_on, d1),
					      date_format(p->end_on, d2),
					      money_format_grouped(p->budget_minor, m) };
			cli_table_row(&t, row);
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
	}
	project_list_release(&l);
	return 0;
}

static int cmd_project_show(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct project p;
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    project_get(c->st, &c->actor, pos[0], &p, err))
		return -1;
	print_project(c, &p);
	return 0;
}

static int cmd_project_update(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { PROJECT_OPTS, { "version", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct project p, out;
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    project_get(c->st, &c->actor, pos[0], &p, err) || apply(opts, &p, err) ||
	    project_update(c->st, &c->actor, &p, &out, err))
		return -1;
	if (c->json)
		print_project(c, &out);
	else
		printf("updated project %s (version %lld)\n", out.code, (long long)out.version);
	return 0;
}

static int cmd_project_delete(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "version", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct project p;
	const char *pos[1];
	int64_t v;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    project_get(c->st, &c->actor, pos[0], &p, err))
		return -1;
	v = p.version;
	if (cli_opt(opts, "version") && cli_int(cli_opt(opts, "version"), "version", &v, err))
		return -1;
	if (project_delete(c->st, &c->actor, pos[0], v, err))
		return -1;
	if (c->json)
		printf("{\"deleted\":\"%s\"}\n", p.code);
	else
		printf("deleted project %s\n", p.code);
	return 0;
}

/* project close|reopen CODE [--note T | --reason T] [--version V] */
static int close_or_reopen(struct cli *c, int argc, char **argv, int reopen, struct err *err)
{
	struct cli_opt opts[] = { { reopen ? "reason" : "note", 0, OPT_VALUE },
				  { "version", 0, OPT_VALUE },
				  { NULL, 0, 0 } };
	struct project p, out;
	const char *pos[1], *text;
	int64_t v;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    project_get(c->st, &c->actor, pos[0], &p, err))
		return -1;
	v = p.version;
	if (cli_opt(opts, "version") && cli_int(cli_opt(opts, "version"), "version", &v, err))
		return -1;
	text = cli_opt(opts, reopen ? "reason" : "note");
	if (reopen ? project_reopen(c->st, &c->actor, pos[0], v, text, &out, err)
		   : project_close(c->st, &c->actor, pos[0], v, text, &out, err))
		return -1;
	if (c->json)
		print_project(c, &out);
	else
		printf("%s project %s (version %lld)\n", reopen ? "reopened" : "closed", out.code,
		       (long long)out.version);
	return 0;
}

static int cmd_project_close(struct cli *c, int argc, char **argv, struct err *err)
{
	return close_or_reopen(c, argc, argv, 0, err);
}

static int cmd_project_reopen(struct cli *c, int argc, char **argv, struct err *err)
{
	return close_or_reopen(c, argc, argv, 1, err);
}

static int cmd_member_remove(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	const char *pos[2];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err) ||
	    member_remove(c->st, &c->actor, pos[0], pos[1], err))
		return -1;
	if (c->json)
		printf("{\"removed\":\"%s\"}\n", pos[1]);
	else
		printf("removed %s from %s\n", pos[1], pos[0]);
	return 0;
}

const struct cli_command cli_project_cmds[] = {
	{ "project", "create", cmd_project_create, CLI_NEEDS_STORE,
	  "create a sales project (manager)",
	  "project create CODE --name NAME --start DATE --end DATE [--status S] [--budget MONEY] "
	  "[--objective TEXT] [--description TEXT]",
	  "  --status S           draft (default), active or closed\n"
	  "  --budget MONEY       in major units, e.g. 500000.00\n"
	  "  --objective TEXT     the company objective the project serves",
	  "salespm project create Q1-2027 --name \"2027 一季度冲刺\" --start 2027-01-01 "
	  "--end 2027-03-31 --budget 500000" },
	{ "project", "list", cmd_project_list, CLI_NEEDS_STORE, "list the projects you may see",
	  "project list", "", "salespm project list --json" },
	{ "project", "show", cmd_project_show, CLI_NEEDS_STORE, "show one project",
	  "project show CODE", "", "salespm project show Q1-2027" },
	{ "project", "update", cmd_project_update, CLI_NEEDS_STORE, "change a project",
	  "project update CODE [--name N] [--start D] [--end D] [--status S] [--budget M] "
	  "[--objective T] [--description T] [--version V]",
	  "  --version V          fail with a conflict unless the project is still at version V",
	  "salespm project update Q1-2027 --status active --version 1" },
	{ "project", "delete", cmd_project_delete, CLI_NEEDS_STORE,
	  "delete a project without sales (owner)", "project delete CODE [--version V]", "",
	  "salespm project delete TEST-1" },
	{ "project", "close", cmd_project_close, CLI_NEEDS_STORE,
	  "close a project: its figures are frozen, its members asked for peer reviews",
	  "project close CODE [--note TEXT] [--version V]",
	  "  --note TEXT          the closing note\n"
	  "  --version V          fail with a conflict unless the project is still at version V",
	  "salespm project close FY-PREV --note \"目标达成，转入复盘\"" },
	{ "project", "reopen", cmd_project_reopen, CLI_NEEDS_STORE,
	  "reopen a closed project (kept as an adjustment with its reason)",
	  "project reopen CODE --reason TEXT [--version V]",
	  "  --reason TEXT        why it is reopened (required)\n"
	  "  --version V          fail with a conflict unless the project is still at version V",
	  "salespm project reopen FY-PREV --reason \"补录12月回款\"" },
	{ "member", "remove", cmd_member_remove, CLI_NEEDS_STORE, "remove a member",
	  "member remove PROJECT LOGIN", "", "salespm member remove Q1-2027 wang.fang" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
