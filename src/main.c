/*
 * main.c - salespm's entry point: global options, the command table
 * (`salespm <noun> <verb>` and one-word commands), help, and the mapping of
 * errors to messages and exit codes. Commands live in src/cli/<noun>.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/store.h"
#include "base/banned.h"

static const struct cli_command *const tables[] = {
	cli_workspace_cmds,
	cli_project_cmds,
	cli_serve_cmds,
	cli_catalog_cmds,
	cli_sale_cmds,
	cli_goal_cmds,
	cli_dashboard_cmds,
	cli_demo_cmds,
	cli_dbcopy_cmds,
	cli_team_cmds,
	cli_strategy_cmds,
	cli_recruit_cmds,
	cli_problem_cmds,
	cli_risk_cmds,
	cli_alert_cmds,
	cli_task_cmds,
	cli_meeting_cmds,
	cli_comment_cmds,
	cli_collection_cmds,
	cli_deal_cmds,
	cli_quota_cmds,
	cli_webhook_cmds,
	cli_engagement_cmds,
	cli_entity_cmds,
	NULL,
};

static const struct cli_command *find(const char *noun, const char *verb)
{
	for (int t = 0; tables[t]; t++)
		for (const struct cli_command *c = tables[t]; c->noun; c++)
			if (!strcmp(c->noun, noun) && (!c->verb || (verb && !strcmp(c->verb, verb))))
				return c;
	return NULL;
}

/*
 * Whether c is the command its noun and verb run: a hand-written command
 * stands in for the generic one of the same name (product show), which is
 * then not listed.
 */
static int runs(const struct cli_command *c)
{
	return find(c->noun, c->verb) == c;
}

static void print_usage(FILE *f)
{
	fprintf(f, "usage: salespm [--db DB] [--as LOGIN] [--json] <command> [options]\n\n"
		   "salespm (销售项目管理) runs sales projects: goals, strategy, team, execution,\n"
		   "monitoring, adjustment and evaluation, on a SQLite file or a PostgreSQL database.\n\n"
		   "commands:\n");
	for (int t = 0; tables[t]; t++)
		for (const struct cli_command *c = tables[t]; c->noun; c++) {
			char name[48];
			if (!runs(c))
				continue;
			snprintf(name, sizeof(name), "%s%s%s", c->noun, c->verb ? " " : "",
				 c->verb ? c->verb : "");
			fprintf(f, "  %-22s %s\n", name, c->summary);
		}
	fprintf(f, "\nglobal options:\n"
		   "  --db DB       the database: a SQLite file, or postgresql://USER@HOST/NAME\n"
		   "                (default $SALESPM_DB, else ./salespm.db)\n"
		   "  --as LOGIN    act as this user (default the workspace admin)\n"
		   "  --json        machine output on stdout; messages on stderr\n\n"
		   "exit codes: 0 ok, 1 failure, 2 usage, 65 bad data, 77 denied.\n"
		   "`salespm <command> --help` shows a command's options and an example.\n");
}

static void print_command_help(const struct cli_command *c)
{
	printf("usage: salespm %s\n\n%s\n", c->usage, c->summary);
	if (c->details && *c->details)
		printf("\n%s\n", c->details);
	printf("\nexample:\n  %s\n", c->example);
}


static int noun_exists(const char *noun)
{
	for (int t = 0; tables[t]; t++)
		for (const struct cli_command *c = tables[t]; c->noun; c++)
			if (!strcmp(c->noun, noun))
				return 1;
	return 0;
}

static void print_noun_verbs(FILE *f, const char *noun)
{
	fprintf(f, "`salespm %s` commands:\n", noun);
	for (int t = 0; tables[t]; t++)
		for (const struct cli_command *c = tables[t]; c->noun; c++)
			if (!strcmp(c->noun, noun) && runs(c))
				fprintf(f, "  salespm %-28s %s\n", c->usage, c->summary);
}

static int report(struct cli *c, struct err *err)
{
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		jw_obj(&w);
		jw_key(&w, "error");
		jw_obj(&w);
		jw_error_members(&w, err);
		jw_obj_end(&w);
		jw_obj_end(&w);
		fprintf(stderr, "%s\n", buf_cstr(&b));
		buf_release(&b);
	} else {
		fprintf(stderr, "salespm: %s\n", err->msg[0] ? err->msg : err_code_str(err->code));
	}
	return err_code_exit(err->code);
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	struct err err = { 0 };
	const struct cli_command *cmd;
	char **args = calloc((size_t)argc + 1, sizeof(char *));
	int nargs = 0, rc, consumed;

	cli_entity_init();
	c.db_path = getenv("SALESPM_DB");
	if (!c.db_path || !*c.db_path)
		c.db_path = "salespm.db";
	c.tty = isatty(2);

	/* Global options may come before the command; --json is accepted anywhere. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			c.json = 1;
		} else if (nargs == 0 && (!strcmp(argv[i], "--db") || !strcmp(argv[i], "--as"))) {
			if (i + 1 >= argc) {
				fprintf(stderr, "salespm: %s needs a value\n", argv[i]);
				free(args);
				return 2;
			}
			if (argv[i][2] == 'd')
				c.db_path = argv[++i];
			else
				c.as_login = argv[++i];
		} else if (nargs == 0 && !strncmp(argv[i], "--db=", 5)) {
			c.db_path = argv[i] + 5;
		} else if (nargs == 0 && !strncmp(argv[i], "--as=", 5)) {
			c.as_login = argv[i] + 5;
		} else {
			args[nargs++] = argv[i];
		}
	}
	if (nargs == 0 || !strcmp(args[0], "help") || !strcmp(args[0], "--help") ||
	    !strcmp(args[0], "-h")) {
		if (nargs >= 2 && noun_exists(args[1])) {
			cmd = find(args[1], nargs >= 3 ? args[2] : NULL);
			if (cmd)
				print_command_help(cmd);
			else
				print_noun_verbs(stdout, args[1]);
		} else {
			print_usage(nargs == 0 ? stderr : stdout);
		}
		free(args);
		return nargs == 0 ? 2 : 0;
	}
	if (!strcmp(args[0], "version") || !strcmp(args[0], "--version")) {
		printf("salespm 0.1.0\n");
		free(args);
		return 0;
	}
	cmd = find(args[0], nargs > 1 ? args[1] : NULL);
	if (!cmd) {
		if (noun_exists(args[0])) {
			int bad = nargs > 1 && strcmp(args[1], "--help");
			if (bad)
				fprintf(stderr, "salespm: unknown command `%s %s`\n", args[0], args[1]);
			print_noun_verbs(bad ? stderr : stdout, args[0]);
			free(args);
			return bad ? 2 : 0;
		}
		fprintf(stderr, "salespm: unknown command `%s` (see `salespm help`)\n", args[0]);
		free(args);
		return 2;
	}
	consumed = cmd->verb ? 2 : 1;
	for (int i = consumed; i < nargs; i++)
		if (!strcmp(args[i], "--help") || !strcmp(args[i], "-h")) {
			print_command_help(cmd);
			free(args);
			return 0;
		}
	c.cmd = cmd;
	store_global_init();
	if (cmd->needs & CLI_NEEDS_STORE) {
		c.st = store_open(c.db_path, 0, &err);
		if (!c.st || workspace_load(c.st, &c.ws, &err) ||
		    actor_load(c.st, c.as_login ? c.as_login : c.ws.admin, &c.actor, &err)) {
			if (err.code == ERR_NOT_FOUND && !strcmp(err.field, "login"))
				err.code = ERR_DENIED;
			rc = report(&c, &err);
			goto out;
		}
	}
	rc = cmd->run(&c, nargs - consumed, args + consumed, &err);
	if (rc)
		rc = c.reported ? err_code_exit(err.code) : report(&c, &err);
out:
	store_free(c.st);
	store_global_release();
	free(args);
	return rc;
}
