/*
 * dbadmin.c - the database's care: `db backup` (a copy now, or one more in
 * a directory of dated copies kept N days), `db restore` (a copy back, never
 * over newer changes unless told, the database as it was kept beside it) and
 * `db migrate` (what an upgrade runs, or would run with --dry-run).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/date.h"
#include "cli/cli.h"
#include "cli/conf.h"
#include "base/banned.h"

/* A dated copy's name in a backup directory: salespm-YYYYMMDDTHHMMSSZ.db. */
#define DATED_PREFIX "salespm-"
#define DATED_SUFFIX ".db"

static void dated_name(time_t at, char *out, size_t len)
{
	struct tm tm;
	gmtime_r(&at, &tm);
	snprintf(out, len, DATED_PREFIX "%04d%02d%02dT%02d%02d%02dZ" DATED_SUFFIX, tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The time a dated copy's name gives, or -1 when name is not one. */
static time_t dated_at(const char *name)
{
	struct tm tm = { 0 };
	char z;
	int n = 0;
	if (strlen(name) != strlen(DATED_PREFIX "YYYYMMDDTHHMMSSZ" DATED_SUFFIX) ||
	    strncmp(name, DATED_PREFIX, strlen(DATED_PREFIX)) ||
	    strcmp(name + strlen(name) - strlen(DATED_SUFFIX), DATED_SUFFIX))
		return -1;
	if (sscanf(name + strlen(DATED_PREFIX), "%4d%2d%2dT%2d%2d%2d%c%n", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z, &n) != 7 ||
	    z != 'Z')
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

/* Remove the dated copies in dir older than keep_days before now; how many went. */
static int prune(const char *dir, int64_t keep_days, time_t now, struct buf *gone)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		time_t at = dated_at(e->d_name);
		char path[4400];
		if (at < 0 || now - at <= keep_days * 86400)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!remove(path)) {
			buf_addf(gone, "%s\n", path);
			n++;
		}
	}
	closedir(d);
	return n;
}

static int cmd_db_backup(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "dir", 0, OPT_VALUE }, { "keep-days", 0, OPT_VALUE },
				  { NULL, 0, 0 } };
	const char *pos[1], *dir;
	char file[4400], name[64];
	struct buf gone = BUF_INIT;
	int64_t keep = 0;
	int npos, pruned = 0;
	time_t now = time(NULL);

	if (cli_parse(c, argc, argv, opts, pos, 0, 1, &npos, err))
		return -1;
	dir = cli_opt(opts, "dir");
	if (dir && npos)
		return err_set(err, ERR_USAGE, "file", "usage",
			       "name either the copy's FILE or a --dir to keep dated copies in");
	if (cli_opt(opts, "keep-days") &&
	    (!dir || cli_int(cli_opt(opts, "keep-days"), "keep-days", &keep, err) || keep < 1 ||
	     keep > 36500)) {
		err_clear(err);
		return err_set(err, ERR_USAGE, "keep-days", "usage",
			       "--keep-days goes with --dir: 1 to 36500 days");
	}
	if (!dir && !npos) {
		/* the configuration's: what salespm-backup.timer runs */
		dir = c->conf ? conf_get(c->conf, CONF_BACKUP_DIR) : NULL;
		if (!dir)
			return err_set(err, ERR_USAGE, "file", "usage",
				       "name the copy's FILE, or a --dir (or backup_dir in the "
				       "configuration) to keep dated copies in");
		keep = c->conf ? conf_int(c->conf, CONF_BACKUP_KEEP_DAYS, 0) : 0;
	}
	if (require_role(&c->actor, ROLE_ADMIN, "backing up the database", err))
		return -1;
	if (dir) {
		struct stat sb;
		if (stat(dir, &sb) || !S_ISDIR(sb.st_mode))
			return err_set(err, ERR_INVALID, "dir", "no_directory",
				       "%s is not a directory", dir);
		dated_name(now, name, sizeof(name));
		snprintf(file, sizeof(file), "%s/%s", dir, name);
	} else {
		snprintf(file, sizeof(file), "%s", pos[0]);
	}
	if (store_backup(c->st, file, err))
		return -1;
	/* the copies past their days go only once this one is written */
	if (dir && keep)
		pruned = prune(dir, keep, now, &gone);
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		jw_obj(&w);
		jw_kstr(&w, "backup", file);
		jw_key(&w, "removed");
		jw_arr(&w);
		for (const char *p = buf_cstr(&gone); *p;) {
			const char *nl = strchr(p, '\n');
			jw_strn(&w, p, (size_t)(nl - p));
			p = nl + 1;
		}
		jw_arr_end(&w);
		jw_obj_end(&w);
		cli_print_json(&b);
		buf_release(&b);
	} else {
		printf("wrote a consistent copy of %s to %s\n", c->db_path, file);
		if (pruned)
			printf("removed %d cop%s older than %lld days:\n%s", pruned,
			       pruned == 1 ? "y" : "ies", (long long)keep, buf_cstr(&gone));
	}
	buf_release(&gone);
	return 0;
}

static int cmd_db_restore(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "force", 0, OPT_FLAG }, { NULL, 0, 0 } };
	const char *pos[1];
	char safety[4400] = "", upgraded[4400] = "", name[64];
	struct store *st;
	int64_t schema = 0, last = 0;
	int npos, r = -1;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err))
		return -1;
	/* a database lost altogether is made anew, then given the copy */
	st = store_open_as_is(c->db_path, err);
	if (!st && err->code == ERR_NOT_FOUND) {
		err_clear(err);
		st = store_open(c->db_path, 1, err);
	} else if (st && store_query_int(st, "SELECT COUNT(*) FROM audit", &last, err)) {
		last = 1; /* no audit table to count: keep the file as it is anyway */
		err_clear(err);
	}
	if (!st)
		return -1;
	if (!strcmp(store_backend(st), "sqlite") && last > 0) {
		/* the database as it is, kept beside it before the copy replaces it */
		dated_name(time(NULL), name, sizeof(name));
		snprintf(safety, sizeof(safety), "%s.before-restore-%s", c->db_path,
			 name + strlen(DATED_PREFIX));
	}
	if (strcmp(store_backend(st), "sqlite")) {
		err_set(err, ERR_USAGE, "db", "restore_unsupported",
			"a PostgreSQL database is restored with pg_restore (docs/operations.md)");
		goto out;
	}
	if (safety[0] && store_backup(st, safety, err))
		goto out;
	if (store_restore(st, pos[0], cli_optp(opts, "force")->set, &schema, err)) {
		if (safety[0])
			remove(safety); /* nothing was changed: the copy of it is not needed */
		goto out;
	}
	if (store_upgrade(st, upgraded, sizeof(upgraded), err))
		goto out;
	r = 0;
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		jw_obj(&w);
		jw_kstr(&w, "restored", c->db_path);
		jw_kstr(&w, "from", pos[0]);
		jw_kint(&w, "from_schema", schema);
		jw_kstr(&w, "previous", safety[0] ? safety : NULL);
		jw_obj_end(&w);
		cli_print_json(&b);
		buf_release(&b);
	} else {
		printf("restored %s from %s (schema %lld)\n", c->db_path, pos[0], (long long)schema);
		if (safety[0])
			printf("the database as it was is kept in %s\n", safety);
	}
out:
	store_free(st);
	return r;
}

static int cmd_db_migrate(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "dry-run", 0, OPT_FLAG }, { NULL, 0, 0 } };
	const char *pos[1];
	struct buf names = BUF_INIT;
	char backup[4400] = "";
	struct store *st;
	int64_t have = 0;
	int known = 0, npos, dry, r = -1;

	if (cli_parse(c, argc, argv, opts, pos, 0, 0, &npos, err))
		return -1;
	dry = cli_optp(opts, "dry-run")->set;
	st = store_open_as_is(c->db_path, err);
	if (!st)
		return -1;
	if (store_pending(st, &have, &known, &names, err))
		goto out;
	if (!dry && names.len && store_upgrade(st, backup, sizeof(backup), err))
		goto out;
	r = 0;
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		jw_obj(&w);
		jw_kint(&w, "schema", have);
		jw_kint(&w, "latest", known);
		jw_kbool(&w, "dry_run", dry);
		jw_key(&w, dry ? "would_run" : "ran");
		jw_arr(&w);
		for (const char *p = buf_cstr(&names); *p;) {
			const char *nl = strchr(p, '\n');
			jw_strn(&w, p, (size_t)(nl - p));
			p = nl + 1;
		}
		jw_arr_end(&w);
		jw_kstr(&w, "backup", backup[0] ? backup : NULL);
		jw_obj_end(&w);
		cli_print_json(&b);
		buf_release(&b);
	} else if (!names.len) {
		printf("%s is at schema %lld, the latest: nothing to run\n", c->db_path,
		       (long long)have);
	} else {
		printf("%s is at schema %lld; %s to %d:\n%s", c->db_path, (long long)have,
		       dry ? "these would bring it" : "these brought it", known, buf_cstr(&names));
		if (backup[0])
			printf("the database as it was is kept in %s\n", backup);
	}
out:
	buf_release(&names);
	store_free(st);
	return r;
}

const struct cli_command cli_dbadmin_cmds[] = {
	{ "db", "backup", cmd_db_backup, CLI_NEEDS_STORE,
	  "write a consistent copy of the database (admin)",
	  "db backup FILE | db backup [--dir DIR] [--keep-days N]",
	  "  FILE                 the copy; it must not exist yet\n"
	  "  --dir DIR            write salespm-YYYYMMDDTHHMMSSZ.db into DIR instead (UTC)\n"
	  "  --keep-days N        then remove that directory's dated copies older than N days\n"
	  "  With neither FILE nor --dir: backup_dir and backup_keep_days of the configuration.\n"
	  "  The copy is made while others keep working. PostgreSQL: pg_dump\n"
	  "  (docs/operations.md).",
	  "salespm db backup --dir /var/lib/salespm/backups --keep-days 14" },
	{ "db", "restore", cmd_db_restore, CLI_NEEDS_NOTHING,
	  "put a backup copy back in place of the database",
	  "db restore FILE [--force]",
	  "  FILE                 a copy `db backup` wrote; an older schema's copy is upgraded\n"
	  "  --force              replace a database that holds changes made after the copy\n"
	  "  The database as it was is kept beside it first (FILE.before-restore-TIME).\n"
	  "  PostgreSQL: pg_restore (docs/operations.md).",
	  "salespm --db /var/lib/salespm/salespm.db db restore /backups/salespm-20261128T020000Z.db" },
	{ "db", "migrate", cmd_db_migrate, CLI_NEEDS_NOTHING,
	  "bring the database's schema up to this salespm's (every command does it on opening)",
	  "db migrate [--dry-run]",
	  "  --dry-run            list what would run, change nothing\n"
	  "  A SQLite database is copied to FILE.schema-N.bak before its schema changes.",
	  "salespm db migrate --dry-run" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL },
};
