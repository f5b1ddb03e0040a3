/*
 * migrate.c - the schema's migrations, run by the store for every backend:
 * the embedded src/store/schema/NNN-*.sql files in order, each translated to
 * the backend's dialect by its driver, applied in one transaction with its
 * row in schema_migrations.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "store/driver.h"
#include "store/embedded.h"
#include "base/banned.h"

static const char SQL_MIGRATIONS_TABLE[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL"
	") STRICT";
static const char SQL_MIGRATIONS_HAVE[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
static const char SQL_MIGRATION_DONE[] =
	"INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)";

/* The number at the start of a migration's file name ("003-goals.sql" -> 3). */
static int migration_number(const char *path)
{
	const char *base = strrchr(path, '/');
	int n = 0;

	base = base ? base + 1 : path;
	if (base[0] < '0' || base[0] > '9')
		return -1;
	while (*base >= '0' && *base <= '9')
		n = n * 10 + (*base++ - '0');
	return n;
}

static int is_migration(const struct embedded_file *f)
{
	return strstr(f->path, "store/schema/") && migration_number(f->path) >= 0;
}

/*
 * sql without the blocks written for another backend: a line "-- @NAME" (a
 * driver's name: sqlite, postgresql) starts a block that only that backend
 * runs, and a line "-- @end" ends it. A change the two write differently (a
 * CHECK constraint widened in place) is written once for each.
 */
static void for_backend(const char *sql, const char *backend, struct buf *out)
{
	int skip = 0;

	while (*sql) {
		const char *eol = strchr(sql, '\n');
		size_t len = eol ? (size_t)(eol - sql) + 1 : strlen(sql);

		if (!strncmp(sql, "-- @", 4)) {
			const char *name = sql + 4;
			size_t n = strcspn(name, " \t\r\n");
			if (n == 3 && !strncmp(name, "end", 3))
				skip = 0;
			else
				skip = !(strlen(backend) == n && !strncmp(name, backend, n));
		} else if (!skip) {
			buf_add(out, sql, len);
		}
		sql += len;
	}
}

/* Run sql (the schema's dialect) in the store's own. */
static int exec_ddl(struct store *st, const char *sql, struct err *err)
{
	struct buf mine = BUF_INIT, b = BUF_INIT;
	int r;

	for_backend(sql, st->drv->name, &mine);
	st->drv->ddl(buf_cstr(&mine), &b);
	r = store_exec(st, buf_cstr(&b), err);
	buf_release(&b);
	buf_release(&mine);
	return r;
}

/* Apply one migration file and record it, in one transaction. */
static int apply(struct store *st, const struct embedded_file *f, int n, struct err *err)
{
	const char *name = strrchr(f->path, '/');
	struct stmt *s;
	int rc;

	if (store_begin(st, 1, err))
		return -1;
	if (exec_ddl(st, (const char *)f->data, err))
		goto bad;
	if (!(s = store_prepare(st, SQL_MIGRATION_DONE, err)))
		goto bad;
	store_bind_int(st, s, 1, n);
	store_bind_text(st, s, 2, name ? name + 1 : f->path);
	store_bind_int(st, s, 3, (int64_t)time(NULL));
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0 || store_commit(st, err))
		goto bad;
	return 0;
bad:
	store_rollback(st);
	err_prefix(err, "migration %s", f->path);
	return -1;
}

static int known_version(void)
{
	int known = 0;
	for (const struct embedded_file *f = embedded_files; f->path; f++)
		if (is_migration(f) && migration_number(f->path) > known)
			known = migration_number(f->path);
	return known;
}

int store_pending(struct store *st, int64_t *have, int *known, struct buf *names,
		  struct err *err)
{
	*have = 0;
	*known = known_version();
	if (exec_ddl(st, SQL_MIGRATIONS_TABLE, err) ||
	    store_query_int(st, SQL_MIGRATIONS_HAVE, have, err))
		return -1;
	if (*have > *known)
		return err_set(err, ERR_UNAVAILABLE, "db", "schema_too_new:have,known",
			       "the database is at schema %lld, newer than this salespm (%d); "
			       "upgrade salespm",
			       (long long)*have, *known);
	for (const struct embedded_file *f = embedded_files; f->path && names; f++) {
		const char *base = strrchr(f->path, '/');
		if (is_migration(f) && migration_number(f->path) > *have)
			buf_addf(names, "%s\n", base ? base + 1 : f->path);
	}
	return 0;
}

/*
 * A SQLite database with data, about to be migrated: its copy as it is,
 * FILE.schema-N.bak (FILE.schema-N-2.bak... when that exists).
 */
static int backup_before(struct store *st, int64_t have, char *out, size_t len,
			 struct err *err)
{
	char path[4200];

	if (strcmp(st->drv->name, "sqlite") || have == 0 || !st->drv->backup)
		return 0;
	for (int k = 1; k < 100; k++) {
		FILE *f;
		if (k == 1)
			snprintf(path, sizeof(path), "%s.schema-%lld.bak", st->dsn, (long long)have);
		else
			snprintf(path, sizeof(path), "%s.schema-%lld-%d.bak", st->dsn, (long long)have, k);
		f = fopen(path, "rb");
		if (!f)
			break;
		fclose(f);
	}
	if (st->drv->backup(st, path, err)) {
		err_prefix(err, "no copy of the database could be written before its upgrade");
		return -1;
	}
	if (out)
		snprintf(out, len, "%s", path);
	return 0;
}

int store_upgrade(struct store *st, char *backup_out, size_t len, struct err *err)
{
	int64_t have = 0;
	int known = 0;
	struct buf names = BUF_INIT;

	if (backup_out && len)
		backup_out[0] = '\0';
	if (store_pending(st, &have, &known, &names, err)) {
		buf_release(&names);
		return -1;
	}
	if (names.len && backup_before(st, have, backup_out, len, err)) {
		buf_release(&names);
		return -1;
	}
	buf_release(&names);
	/* Embedded files are in path order, which is migration order. */
	for (const struct embedded_file *f = embedded_files; f->path; f++) {
		int n = migration_number(f->path);
		if (!is_migration(f) || n <= have)
			continue;
		if (apply(st, f, n, err))
			return -1;
	}
	return 0;
}

int store_migrate(struct store *st, struct err *err)
{
	char backup[4200];
	return store_upgrade(st, backup, sizeof(backup), err);
}
