/*
 * workspace.c - `salespm init`, `user passwd`, `workspace ...` and `db ...` (the
 * other `user` commands are the entity engine's: cli/entity.c).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/sale.h"
#include "core/user.h"
#include "base/banned.h"

static int cmd_init(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "currency", 0, OPT_VALUE },      { "timezone", 0, OPT_VALUE },
				  { "admin", 0, OPT_VALUE },         { "name", 0, OPT_VALUE },
				  { "password-file", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct workspace_input in = { 0 };
	char password[1100], generated[32];
	const char *pos[1];
	int npos, r = -1;

	if (cli_parse(c, argc, argv, opts, pos, 0, 0, &npos, err))
		return -1;
	in.currency = cli_opt(opts, "currency");
	in.timezone = cli_opt(opts, "timezone");
	in.admin = cli_opt(opts, "admin");
	in.name = cli_opt(opts, "name");
	generated[0] = '\0';
	if (cli_opt(opts, "password-file")) {
		if (cli_read_password(cli_opt(opts, "password-file"), password, sizeof(password),
				      err))
			return -1;
	} else {
		/* No password given: make a strong one and show it once. */
		static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789";
		if (sodium_init() < 0)
			return err_set(err, ERR_INTERNAL, NULL, "internal", "libsodium failed to initialise");
		for (int i = 0; i < 16; i++)
			generated[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
		generated[16] = '\0';
		snprintf(password, sizeof(password), "%s", generated);
	}
	in.password = password;
	c->st = store_open(c->db_path, 1, err);
	if (!c->st)
		goto out;
	if (workspace_init(c->st, &in, err))
		goto out;
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		jw_obj(&w);
		jw_kstr(&w, "db", c->db_path);
		jw_kstr(&w, "admin", in.admin ? in.admin : "admin");
		jw_kstr(&w, "currency", in.currency ? in.currency : "CNY");
		jw_kstr(&w, "timezone", in.timezone ? in.timezone : "Asia/Shanghai");
		if (generated[0])
			jw_kstr(&w, "password", generated);
		jw_obj_end(&w);
		cli_print_json(&b);
		buf_release(&b);
	} else {
		printf("created workspace in %s (admin %s, currency %s, time zone %s)\n", c->db_path,
		       in.admin ? in.admin : "admin", in.currency ? in.currency : "CNY",
		       in.timezone ? in.timezone : "Asia/Shanghai");
		if (generated[0])
			printf("admin password (shown once): %s\n", generated);
	}
	r = 0;
out:
	sodium_memzero(password, sizeof(password));
	return r;
}

static int cmd_user_passwd(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "password-file", 0, OPT_VALUE }, { NULL, 0, 0 } };
	char password[1100];
	const char *pos[1];
	int npos, r;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err))
		return -1;
	if (!cli_opt(opts, "password-file"))
		return err_set(err, ERR_USAGE, "password-file", "required", "--password-file is required");
	if (cli_read_password(cli_opt(opts, "password-file"), password, sizeof(password), err))
		return -1;
	r = user_set_password(c->st, &c->actor, pos[0], password, err);
	sodium_memzero(password, sizeof(password));
	if (r)
		return -1;
	if (!c->json)
		printf("password of %s changed\n", pos[0]);
	else
		printf("{\"login\":\"%s\",\"password_changed\":true}\n", pos[0]);
	return 0;
}

static int cmd_workspace_show(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 0, 0, &npos, err))
		return -1;
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		jw_obj(&w);
		jw_kstr(&w, "name", c->ws.name);
		jw_kstr(&w, "currency", c->ws.currency);
		jw_kstr(&w, "timezone", c->ws.timezone);
		jw_obj_end(&w);
		cli_print_json(&b);
		buf_release(&b);
	} else {
		printf("name:     %s\ncurrency: %s\ntimezone: %s\n", c->ws.name, c->ws.currency,
		       c->ws.timezone);
	}
	return 0;
}

static int cmd_workspace_update(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "name", 0, OPT_VALUE },
				  { "currency", 0, OPT_VALUE },
				  { "timezone", 0, OPT_VALUE },
				  { NULL, 0, 0 } };
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 0, 0, &npos, err))
		return -1;
	if (workspace_update(c->st, &c->actor, cli_opt(opts, "name"), cli_opt(opts, "currency"),
			     cli_opt(opts, "timezone"), err) ||
	    workspace_load(c->st, &c->ws, err))
		return -1;
	return cmd_workspace_show(c, 0, NULL, err);
}

static int cmd_db_check(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct buf report = BUF_INIT;
	const char *pos[1];
	int npos, problems, sales;

	if (cli_parse(c, argc, argv, opts, pos, 0, 0, &npos, err))
		return -1;
	problems = store_check(c->st, &report, err);
	if (problems < 0) {
		buf_release(&report);
		return -1;
	}
	/* the sales against their own rules, and every rollup row against a recomputation */
	sales = sale_check(c->st, &report, 50, err);
	if (sales < 0) {
		buf_release(&report);
		return -1;
	}
	problems += sales;
	if (c->json)
		printf("{\"ok\":%s,\"problems\":%d}\n", problems ? "false" : "true", problems);
	else if (!problems)
		printf("%s: integrity ok, foreign keys ok, sales and rollups ok\n", c->db_path);
	if (problems) {
		fputs(buf_cstr(&report), stderr);
		buf_release(&report);
		return err_set(err, ERR_INVALID, "db", "db_check_failed:count", "%d problem%s found in %s", problems,
			       problems == 1 ? "" : "s", c->db_path);
	}
	buf_release(&report);
	return 0;
}

const struct cli_command cli_workspace_cmds[] = {
	{ "init", NULL, cmd_init, CLI_NEEDS_NOTHING, "create a workspace in a new database",
	  "init [--currency CNY] [--timezone Asia/Shanghai] [--admin LOGIN] [--name NAME] "
	  "[--password-file F]",
	  "  --currency CODE      ISO 4217 currency of all money (default CNY)\n"
	  "  --timezone TZ        the workspace time zone (default Asia/Shanghai)\n"
	  "  --admin LOGIN        the first admin's login (default admin)\n"
	  "  --name NAME          the workspace (company) name\n"
	  "  --password-file F    the admin password, first line of F; without it a random\n"
	  "                       password is generated and printed once",
	  "salespm --db sales.db init --currency CNY --timezone Asia/Shanghai --admin boss "
	  "--password-file pw.txt" },
	{ "user", "passwd", cmd_user_passwd, CLI_NEEDS_STORE, "set a user's password",
	  "user passwd LOGIN --password-file F", "",
	  "salespm user passwd wang.fang --password-file new.txt" },
	{ "workspace", "show", cmd_workspace_show, CLI_NEEDS_STORE,
	  "show workspace settings", "workspace show", "", "salespm workspace show" },
	{ "workspace", "update", cmd_workspace_update, CLI_NEEDS_STORE,
	  "change workspace settings (admin)",
	  "workspace update [--name N] [--currency C] [--timezone TZ]", "",
	  "salespm workspace update --timezone Asia/Shanghai" },
	{ "db", "check", cmd_db_check, CLI_NEEDS_STORE,
	  "run integrity and foreign-key checks, and check every sale and rollup row",
	  "db check",
	  "  every sale's amount, its cost by the price history and its limits; every\n"
	  "  rollup row against sums recomputed from the sales (exit 65 on any problem)",
	  "salespm --db sales.db db check" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
