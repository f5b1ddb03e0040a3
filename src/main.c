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
#include "cli/conf.h"
#include "store/store.h"
#include "base/banned.h"

static void print_usage(FILE *f)
{
	int width = 0;

	fprintf(f, "usage: salespm [--db DB] [--as LOGIN] [--json] <command> [options]\n\n"
		   "salespm (销售项目管理) runs sales projects: goals, strategy, team, execution,\n"
		   "monitoring, adjustment and evaluation, on a SQLite file or a PostgreSQL database.\n\n"
		   "commands:\n");
	/* the names' column as wide as the widest, so two spaces always part name and summary */
	for (int pass = 0; pass < 2; pass++)
		for (int t = 0; cli_tables[t]; t++)
			for (const struct cli_command *c = cli_tables[t]; c->noun; c++) {
				char name[64];
				int n;
				if (!cli_runs(c))
					continue;
				n = snprintf(name, sizeof(name), "%s%s%s", c->noun, c->verb ? " " : "",
					     c->verb ? c->verb : "");
				if (pass == 0 && n > width)
					width = n;
				else if (pass == 1)
					fprintf(f, "  %-*s  %s\n", width, name, c->summary);
			}
	fprintf(f, "\nglobal options:\n%s\n%s", CLI_GLOBAL_OPTIONS, CLI_EXIT_CODES);
	fprintf(f, "`salespm <command> --help` shows a command's options and an example.\n");
}

static void print_command_help(const struct cli_command *c)
{
	printf("usage: salespm %s\n\n%s\n", c->usage, c->summary);
	if (c->details && *c->details)
		printf("\n%s\n", c->details);
	printf("\nexample:\n  %s\n", c->example);
}


static void print_noun_verbs(FILE *f, const char *noun)
{
	fprintf(f, "`salespm %s` commands:\n", noun);
	for (int t = 0; cli_tables[t]; t++)
		for (const struct cli_command *c = cli_tables[t]; c->noun; c++)
			if (!strcmp(c->noun, noun) && cli_runs(c))
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
	struct conf cf;
	struct err err = { 0 };
	const struct cli_command *cmd;
	char **args = calloc((size_t)argc + 1, sizeof(char *));
	int nargs = 0, rc, consumed;

	cli_entity_init();
	c.tty = isatty(2);

	/* Global options may come before the command; --json is accepted anywhere. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			c.json = 1;
		} else if (nargs == 0 && (!strcmp(argv[i], "--db") || !strcmp(argv[i], "--as") ||
					  !strcmp(argv[i], "--config"))) {
			if (i + 1 >= argc) {
				fprintf(stderr, "salespm: %s needs a value\n", argv[i]);
				free(args);
				return 2;
			}
			if (argv[i][2] == 'd')
				c.db_flag = argv[++i];
			else if (argv[i][2] == 'c')
				c.config_path = argv[++i];
			else
				c.as_login = argv[++i];
		} else if (nargs == 0 && !strncmp(argv[i], "--db=", 5)) {
			c.db_flag = argv[i] + 5;
		} else if (nargs == 0 && !strncmp(argv[i], "--config=", 9)) {
			c.config_path = argv[i] + 9;
		} else if (nargs == 0 && !strncmp(argv[i], "--as=", 5)) {
			c.as_login = argv[i] + 5;
		} else {
			args[nargs++] = argv[i];
		}
	}
	if (nargs == 0 || !strcmp(args[0], "help") || !strcmp(args[0], "--help") ||
	    !strcmp(args[0], "-h")) {
		if (nargs >= 2 && cli_noun_exists(args[1])) {
			cmd = cli_find(args[1], nargs >= 3 ? args[2] : NULL);
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
		printf("salespm %s\n", SALESPM_VERSION);
		free(args);
		return 0;
	}
	cmd = cli_find(args[0], nargs > 1 ? args[1] : NULL);
	if (!cmd) {
		if (cli_noun_exists(args[0])) {
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
	/*
	 * The configuration (file, then environment; the flags win over both): read
	 * before any command but `config check` and `config show`, which read it
	 * themselves to say what is wrong; a problem stops the command here.
	 */
	if (strcmp(cmd->noun, "config")) {
		if (conf_load(&cf, c.config_path, &err)) {
			rc = report(&c, &err);
			conf_release(&cf);
			free(args);
			return rc;
		}
		if (cf.nproblems) {
			fputs(buf_cstr(&cf.problems), stderr);
			err_set(&err, ERR_INVALID, "config", "config_invalid:count",
				"%d problem%s in the configuration (see `salespm config check`)",
				cf.nproblems, cf.nproblems == 1 ? "" : "s");
			rc = report(&c, &err);
			conf_release(&cf);
			free(args);
			return rc;
		}
		c.conf = &cf;
	}
	c.db_path = c.db_flag ? c.db_flag
		    : c.conf && conf_get(c.conf, CONF_DATABASE) ? conf_get(c.conf, CONF_DATABASE)
							       : "salespm.db";
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
	if (c.conf)
		conf_release(c.conf);
	store_global_release();
	free(args);
	return rc;
}
