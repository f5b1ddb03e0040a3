/*
 * dbcopy.c - `salespm db copy --from SRC --to DST`: move a team's data to
 * another database, typically its SQLite file to PostgreSQL when it outgrows
 * one machine. The destination gets the schema and every row, ids included,
 * in one transaction; it must hold no data yet.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"
#include "base/banned.h"

struct copied {
	struct cli *c;
	int64_t rows;
};

static void on_table(void *ctx, const char *table, int64_t rows)
{
	struct copied *k = ctx;

	k->rows += rows;
	if (!k->c->json)
		printf("  %-22s %lld rows\n", table, (long long)rows);
}

static int cmd_db_copy(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "from", 0, OPT_VALUE }, { "to", 0, OPT_VALUE }, { NULL, 0, 0 } };
	const char *pos[1], *from, *to;
	struct store *src = NULL, *dst = NULL;
	struct copied k = { c, 0 };
	int npos, r = -1;

	if (cli_parse(c, argc, argv, opts, pos, 0, 0, &npos, err))
		return -1;
	from = cli_opt(opts, "from");
	to = cli_opt(opts, "to");
	if (!from || !to)
		return err_set(err, ERR_USAGE, from ? "to" : "from", "required",
			       "--from and --to are required (see --help)");
	store_global_init();
	if (!(src = store_open(from, 0, err))) {
		err_prefix(err, "--from");
		goto out;
	}
	if (!(dst = store_open(to, 1, err))) {
		err_prefix(err, "--to");
		goto out;
	}
	if (!c->json)
		printf("copying %s (%s) to %s (%s)\n", from, store_backend(src), to,
		       store_backend(dst));
	if (store_copy(src, dst, on_table, &k, err))
		goto out;
	if (c->json)
		printf("{\"copied\":true,\"rows\":%lld}\n", (long long)k.rows);
	else
		printf("copied %lld rows\n", (long long)k.rows);
	r = 0;
out:
	store_free(src);
	store_free(dst);
	return r;
}

const struct cli_command cli_dbcopy_cmds[] = {
	{ "db", "copy", cmd_db_copy, CLI_NEEDS_NOTHING,
	  "copy every record into a new database (e.g. SQLite to PostgreSQL)",
	  "db copy --from DB --to DB",
	  "  --from DB            the database to copy: a file, or a postgresql:// URL\n"
	  "  --to DB              the new database: created (a file) or given its schema\n"
	  "                       (a PostgreSQL database made with createdb); it must hold\n"
	  "                       no data yet",
	  "salespm db copy --from sales.db --to postgresql://salespm@db.example.com/sales" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
