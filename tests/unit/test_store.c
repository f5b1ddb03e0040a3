/*
 * test_store.c - the SQLite store on real files in a temporary directory:
 * migrations, the durability pragmas, the statement cache, error mapping,
 * transactions, integrity checks, backups, and refusing what is not a database.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "store/embedded.h"
#include "store/store.h"

static char dir[64];

/*
 * The backend under test: SQLite files in a temporary folder, or, when
 * SALESPM_TEST_PG_DSN names an empty PostgreSQL database (scripts/run-tests
 * starts a throwaway server), that database, emptied before each test. What
 * only SQLite has (its pragmas, files, VACUUM INTO) is skipped on PostgreSQL.
 */
static const char *pg_dsn;

/* Where the store named name lives: a file of the folder, or the one PostgreSQL database. */
static void path_in(char *out, size_t n, const char *name)
{
	if (pg_dsn)
		snprintf(out, n, "%s", pg_dsn);
	else
		snprintf(out, n, "%s/%s", dir, name);
}

#define SQLITE_ONLY() \
	do { \
		if (pg_dsn) \
			skip(); \
	} while (0)

/* PostgreSQL: drop everything the last test made (read past the store: its schema may be broken). */
static void pg_empty(void)
{
	PGconn *c = PQconnectdb(pg_dsn);
	PGresult *r;

	assert_int_equal(PQstatus(c), CONNECTION_OK);
	r = PQexec(c, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		print_error("emptying %s: %s\n", pg_dsn, PQerrorMessage(c));
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	PQfinish(c);
}

static void empty_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (rmdir(p))
			unlink(p);
	}
	closedir(d);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/salespm-test-store-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	store_global_init();
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	empty_dir();
	rmdir(dir);
	return 0;
}

/* Each test starts from an empty directory. */
static int test_setup(void **state)
{
	(void)state;
	empty_dir();
	if (pg_dsn)
		pg_empty();
	return 0;
}

static struct store *open_new(const char *name)
{
	char p[256];
	struct err err;
	struct store *st;
	path_in(p, sizeof(p), name);
	err_clear(&err);
	st = store_open(p, 1, &err);
	if (!st)
		print_error("store_open(%s): %s\n", p, err.msg);
	assert_non_null(st);
	return st;
}

static int64_t query_int(struct store *st, const char *sql)
{
	struct err err;
	int64_t v = -999;
	if (store_query_int(st, sql, &v, &err)) {
		print_error("%s: %s\n", sql, err.msg);
		fail();
	}
	return v;
}

/* --- statements, each a named constant (the cache keys on their address) --- */

static const char SQL_VERSIONS[] = "SELECT version, name FROM schema_migrations ORDER BY version";
static const char SQL_COUNT_MIGRATIONS[] = "SELECT COUNT(*) FROM schema_migrations";
static const char SQL_JOURNAL[] = "PRAGMA journal_mode";
static const char SQL_SYNC[] = "PRAGMA synchronous";
static const char SQL_FK[] = "PRAGMA foreign_keys";
/* PostgreSQL's bulk mode: 0 while a large import's work memory is set, as foreign_keys reads. */
static const char SQL_PG_BULK[] =
	"SELECT CASE WHEN current_setting('work_mem') = '256MB' THEN 0 ELSE 1 END";
static const char SQL_PUT[] = "INSERT INTO settings (key, value) VALUES (?, ?)";
static const char SQL_GET[] = "SELECT value FROM settings WHERE key = ?";
static const char SQL_COUNT_SETTINGS[] = "SELECT COUNT(*) FROM settings";
static const char SQL_ECHO[] = "SELECT ?";
static const char SQL_ECHO_TWIN[] = "SELECT ?"; /* same text, different address */
static const char SQL_BAD[] = "SELEC nothing FROM nowhere";
static const char SQL_USER[] =
	"INSERT INTO users (login, name, role, created_at, updated_at) VALUES (?, ?, ?, 0, 0)";
static const char SQL_MEMBER[] =
	"INSERT INTO members (project_id, user_id, role, created_at, updated_at) "
	"VALUES (?, ?, 'member', 0, 0)";
static const char SQL_NEWER[] =
	"INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '999-x.sql', 0)";

static int put(struct store *st, const char *key, const char *value, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_PUT, err);
	int rc;
	if (!s)
		return -1;
	store_bind_text(st, s, 1, key);
	store_bind_text(st, s, 2, value);
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static void get(struct store *st, const char *key, char *out, size_t n)
{
	struct err err;
	struct stmt *s = store_prepare(st, SQL_GET, &err);
	assert_non_null(s);
	store_bind_text(st, s, 1, key);
	out[0] = '\0';
	if (store_step(st, s, &err) == STORE_ROW)
		snprintf(out, n, "%s", store_col_text(st, s, 0));
	store_done(st, s);
}

/* The migration number at the start of an embedded schema file's name. */
static int file_number(const char *path)
{
	const char *slash = strrchr(path, '/');
	return (int)strtol(slash ? slash + 1 : path, NULL, 10);
}

/* --- tests --------------------------------------------------------------------- */

static void test_migrations(void **state)
{
	struct store *st = open_new("m.db");
	struct err err;
	struct stmt *s;
	int files[64], nfiles = 0, i = 0;
	char p[256];
	(void)state;

	for (const struct embedded_file *f = embedded_files; f->path; f++)
		if (strstr(f->path, "store/schema/") && nfiles < 64)
			files[nfiles++] = file_number(f->path);
	assert_true(nfiles >= 1);

	s = store_prepare(st, SQL_VERSIONS, &err);
	assert_non_null(s);
	while (store_step(st, s, &err) == STORE_ROW) {
		assert_true(i < nfiles);
		assert_int_equal(store_col_int(st, s, 0), files[i]);
		if (i == 0) {
			assert_int_equal(store_col_int(st, s, 0), 1);
			assert_string_equal(store_col_text(st, s, 1), "001-init.sql");
		}
		i++;
	}
	store_done(st, s);
	assert_int_equal(i, nfiles);
	/* The first migration's tables exist and are empty. */
	assert_int_equal(query_int(st, "SELECT COUNT(*) FROM users"), 0);
	assert_int_equal(query_int(st, "SELECT COUNT(*) FROM projects"), 0);
	store_free(st);

	/* Opening again applies nothing twice. */
	path_in(p, sizeof(p), "m.db");
	st = store_open(p, 0, &err);
	assert_non_null(st);
	assert_int_equal(query_int(st, SQL_COUNT_MIGRATIONS), nfiles);
	store_free(st);
}

static void test_pragmas(void **state)
{
	SQLITE_ONLY();
	struct store *st = open_new("p.db");
	struct err err;
	struct stmt *s;
	char p[300];
	struct stat sb;
	(void)state;

	s = store_prepare(st, SQL_JOURNAL, &err);
	assert_non_null(s);
	assert_int_equal(store_step(st, s, &err), STORE_ROW);
	assert_string_equal(store_col_text(st, s, 0), "wal");
	store_done(st, s);

	s = store_prepare(st, SQL_SYNC, &err);
	assert_int_equal(store_step(st, s, &err), STORE_ROW);
	assert_int_equal(store_col_int(st, s, 0), 2); /* FULL */
	store_done(st, s);

	s = store_prepare(st, SQL_FK, &err);
	assert_int_equal(store_step(st, s, &err), STORE_ROW);
	assert_int_equal(store_col_int(st, s, 0), 1);
	store_done(st, s);

	/* A write goes through the write-ahead log beside the file. */
	assert_int_equal(put(st, "k", "v", &err), 0);
	path_in(p, sizeof(p), "p.db-wal");
	assert_int_equal(stat(p, &sb), 0);
	store_free(st);
}

static void test_statement_cache(void **state)
{
	struct store *st = open_new("c.db");
	struct err err;
	struct stmt *a, *b, *twin;
	static char many[300][32];
	static struct stmt *first[300];
	(void)state;

	a = store_prepare(st, SQL_ECHO, &err);
	b = store_prepare(st, SQL_ECHO, &err);
	assert_non_null(a);
	assert_ptr_equal(a, b);
	/* The key is the address, not the text. */
	twin = store_prepare(st, SQL_ECHO_TWIN, &err);
	assert_non_null(twin);
	assert_ptr_not_equal(twin, a);

	/* Enough statements to make the cache grow several times; each keeps its identity. */
	for (int i = 0; i < 300; i++) {
		snprintf(many[i], sizeof(many[i]), "SELECT %d", i * 7);
		first[i] = store_prepare(st, many[i], &err);
		assert_non_null(first[i]);
	}
	for (int i = 0; i < 300; i++) {
		struct stmt *s = store_prepare(st, many[i], &err);
		assert_ptr_equal(s, first[i]);
		assert_int_equal(store_step(st, s, &err), STORE_ROW);
		assert_int_equal(store_col_int(st, s, 0), i * 7);
		store_done(st, s);
	}
	assert_ptr_equal(store_prepare(st, SQL_ECHO, &err), a);
	store_free(st);
}

static void test_bind_and_columns(void **state)
{
	struct store *st = open_new("b.db");
	struct err err;
	struct stmt *s;
	(void)state;

	s = store_prepare(st, SQL_ECHO, &err);
	store_bind_int(st, s, 1, INT64_MIN);
	assert_int_equal(store_step(st, s, &err), STORE_ROW);
	assert_int_equal(store_col_int(st, s, 0), INT64_MIN);
	assert_false(store_col_is_null(st, s, 0));
	/* After the single row: done. */
	assert_int_equal(store_step(st, s, &err), STORE_DONE);
	store_done(st, s);

	/* store_done clears bindings: an unbound parameter is NULL. */
	s = store_prepare(st, SQL_ECHO, &err);
	assert_int_equal(store_step(st, s, &err), STORE_ROW);
	assert_true(store_col_is_null(st, s, 0));
	assert_string_equal(store_col_text(st, s, 0), "");
	assert_int_equal(store_col_int_or(st, s, 0, -5), -5);
	store_done(st, s);

	store_bind_int_or_null(st, s, 1, 42, 42);
	assert_int_equal(store_step(st, s, &err), STORE_ROW);
	assert_true(store_col_is_null(st, s, 0));
	store_done(st, s);

	store_bind_int_or_null(st, s, 1, 41, 42);
	assert_int_equal(store_step(st, s, &err), STORE_ROW);
	assert_int_equal(store_col_int_or(st, s, 0, -5), 41);
	store_done(st, s);

	store_bind_text_or_null(st, s, 1, "");
	assert_int_equal(store_step(st, s, &err), STORE_ROW);
	assert_true(store_col_is_null(st, s, 0));
	store_done(st, s);

	store_bind_text(st, s, 1, NULL);
	assert_int_equal(store_step(st, s, &err), STORE_ROW);
	assert_true(store_col_is_null(st, s, 0));
	store_done(st, s);

	/* Text is copied at bind time, and textn takes only len bytes. */
	{
		char txt[] = "abcdef";
		store_bind_textn(st, s, 1, txt, 3);
		txt[0] = 'X';
		assert_int_equal(store_step(st, s, &err), STORE_ROW);
		assert_string_equal(store_col_text(st, s, 0), "abc");
		store_done(st, s);
	}
	store_bind_text(st, s, 1, "中文 é");
	assert_int_equal(store_step(st, s, &err), STORE_ROW);
	assert_string_equal(store_col_text(st, s, 0), "中文 é");
	store_done(st, s);

	store_bind_null(st, s, 1);
	assert_int_equal(store_step(st, s, &err), STORE_ROW);
	assert_true(store_col_is_null(st, s, 0));
	store_done(st, s);
	store_free(st);
}

static void test_errors_map(void **state)
{
	struct store *st = open_new("e.db");
	struct err err;
	struct stmt *s;
	int64_t none = 77;
	(void)state;

	/* A unique key violation is a conflict... */
	assert_int_equal(put(st, "dup", "1", &err), 0);
	err_clear(&err);
	assert_int_equal(put(st, "dup", "2", &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);
	/* ...and the statement is usable again right after. */
	assert_int_equal(put(st, "other", "3", &err), 0);
	assert_int_equal(query_int(st, SQL_COUNT_SETTINGS), 2);

	/* So are NOT NULL, CHECK and foreign-key violations. */
	err_clear(&err);
	assert_int_equal(put(st, "nullvalue", NULL, &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);

	s = store_prepare(st, SQL_USER, &err);
	store_bind_text(st, s, 1, "u1");
	store_bind_text(st, s, 2, "User");
	store_bind_text(st, s, 3, "boss"); /* not a role */
	err_clear(&err);
	assert_int_equal(store_step(st, s, &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);
	store_done(st, s);

	s = store_prepare(st, SQL_MEMBER, &err);
	store_bind_int(st, s, 1, 12345); /* no such project */
	store_bind_int(st, s, 2, 67890);
	err_clear(&err);
	assert_int_equal(store_step(st, s, &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);
	store_done(st, s);

	/* Bad SQL fails to prepare, every time (a failure is not cached). */
	err_clear(&err);
	assert_null(store_prepare(st, SQL_BAD, &err));
	assert_int_equal(err.code, ERR_INTERNAL);
	assert_non_null(strstr(err.msg, "prepare"));
	assert_null(store_prepare(st, SQL_BAD, &err));

	/* store_query_int with no row leaves the output alone. */
	assert_int_equal(store_query_int(st, "SELECT 1 WHERE 1 = 0", &none, &err), 0);
	assert_int_equal(none, 77);
	store_free(st);
}

static void test_transactions(void **state)
{
	struct store *st = open_new("t.db");
	struct err err;
	char v[32], p[256];
	(void)state;

	/* Rollback leaves nothing. */
	assert_int_equal(store_begin(st, 1, &err), 0);
	assert_int_equal(put(st, "a", "1", &err), 0);
	assert_int_equal(put(st, "b", "2", &err), 0);
	assert_int_equal(query_int(st, SQL_COUNT_SETTINGS), 2);
	store_rollback(st);
	assert_int_equal(query_int(st, SQL_COUNT_SETTINGS), 0);
	store_rollback(st); /* a second rollback is harmless */

	/* One transaction at a time. */
	assert_int_equal(store_begin(st, 0, &err), 0);
	err_clear(&err);
	assert_int_equal(store_begin(st, 1, &err), -1);
	assert_int_equal(err.code, ERR_INTERNAL);
	store_rollback(st);

	/* Commit keeps, across a close and reopen. */
	assert_int_equal(store_begin(st, 1, &err), 0);
	assert_int_equal(put(st, "kept", "yes", &err), 0);
	assert_int_equal(store_commit(st, &err), 0);
	store_rollback(st); /* nothing open: no effect */
	assert_int_equal(query_int(st, SQL_COUNT_SETTINGS), 1);

	/* A transaction still open when the store is freed is rolled back. */
	assert_int_equal(store_begin(st, 1, &err), 0);
	assert_int_equal(put(st, "lost", "yes", &err), 0);
	store_free(st);

	path_in(p, sizeof(p), "t.db");
	st = store_open(p, 0, &err);
	assert_non_null(st);
	get(st, "kept", v, sizeof(v));
	assert_string_equal(v, "yes");
	get(st, "lost", v, sizeof(v));
	assert_string_equal(v, "");
	assert_int_equal(query_int(st, SQL_COUNT_SETTINGS), 1);
	/* And the store is usable for a new transaction after reopening. */
	assert_int_equal(store_begin(st, 1, &err), 0);
	assert_int_equal(store_commit(st, &err), 0);
	store_free(st);
}

static void test_savepoints(void **state)
{
	struct store *st = open_new("s.db");
	struct err err;
	char v[32], p[256];
	(void)state;

	/* An inner level rolled back leaves the outer level's writes alone. */
	assert_int_equal(store_begin(st, 1, &err), 0);
	assert_int_equal(put(st, "outer", "1", &err), 0);
	assert_int_equal(store_begin(st, 1, &err), 0);
	assert_int_equal(st->in_tx, 2);
	assert_int_equal(put(st, "inner-undone", "1", &err), 0);
	store_rollback(st);
	assert_int_equal(st->in_tx, 1);
	get(st, "inner-undone", v, sizeof(v));
	assert_string_equal(v, "");
	get(st, "outer", v, sizeof(v));
	assert_string_equal(v, "1");

	/* A failed inner write (a constraint) is undone by its own rollback only. */
	assert_int_equal(store_begin(st, 1, &err), 0);
	assert_int_equal(put(st, "inner-partial", "1", &err), 0);
	err_clear(&err);
	assert_int_equal(put(st, "outer", "again", &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);
	store_rollback(st);
	get(st, "inner-partial", v, sizeof(v));
	assert_string_equal(v, "");

	/* Three levels: a committed inner level joins its parent. */
	assert_int_equal(store_begin(st, 1, &err), 0);
	assert_int_equal(put(st, "kept-2", "1", &err), 0);
	assert_int_equal(store_begin(st, 0, &err), 0); /* a read inside a write is fine */
	assert_int_equal(put(st, "kept-3", "1", &err), 0);
	assert_int_equal(store_commit(st, &err), 0);
	assert_int_equal(store_commit(st, &err), 0);
	assert_int_equal(st->in_tx, 1);

	/* Released levels are not durable before the outermost commit: a crash (here a
	 * close without commit) loses them with the rest. */
	assert_int_equal(store_begin(st, 1, &err), 0);
	assert_int_equal(put(st, "released-then-lost", "1", &err), 0);
	assert_int_equal(store_commit(st, &err), 0);
	store_free(st);
	path_in(p, sizeof(p), "s.db");
	st = store_open(p, 0, &err);
	assert_non_null(st);
	assert_int_equal(query_int(st, SQL_COUNT_SETTINGS), 0);

	/* The outer commit keeps every released level; an outer rollback drops them. */
	assert_int_equal(store_begin(st, 1, &err), 0);
	assert_int_equal(put(st, "a", "1", &err), 0);
	assert_int_equal(store_begin(st, 1, &err), 0);
	assert_int_equal(put(st, "b", "1", &err), 0);
	assert_int_equal(store_commit(st, &err), 0);
	assert_int_equal(store_commit(st, &err), 0);
	assert_int_equal(st->in_tx, 0);
	assert_int_equal(query_int(st, SQL_COUNT_SETTINGS), 2);
	assert_int_equal(store_begin(st, 1, &err), 0);
	assert_int_equal(store_begin(st, 1, &err), 0);
	assert_int_equal(put(st, "c", "1", &err), 0);
	assert_int_equal(store_commit(st, &err), 0);
	store_rollback(st);
	assert_int_equal(query_int(st, SQL_COUNT_SETTINGS), 2);

	/* store_rollback_all closes every level; a commit after it fails, not commits a part. */
	assert_int_equal(store_begin(st, 1, &err), 0);
	assert_int_equal(put(st, "d", "1", &err), 0);
	assert_int_equal(store_begin(st, 1, &err), 0);
	store_rollback_all(st);
	assert_int_equal(st->in_tx, 0);
	err_clear(&err);
	assert_int_equal(store_commit(st, &err), -1);
	assert_int_equal(err.code, ERR_INTERNAL);
	assert_int_equal(query_int(st, SQL_COUNT_SETTINGS), 2);

	/* A transaction the database ended on its own (here: from under the store) closes
	 * every level when that is noticed: at the next release on SQLite; on PostgreSQL,
	 * whose releases go with the next statement (release_later), at the outermost commit.
	 * Either way no commit succeeds and nothing of it is kept. */
	assert_int_equal(store_begin(st, 1, &err), 0);
	assert_int_equal(store_begin(st, 1, &err), 0);
	assert_int_equal(put(st, "e", "1", &err), 0);
	assert_int_equal(store_exec(st, "ROLLBACK", &err), 0);
	err_clear(&err);
	if (pg_dsn) {
		assert_int_equal(store_commit(st, &err), 0); /* the release waits */
		assert_int_equal(st->in_tx, 1);
	}
	assert_int_equal(store_commit(st, &err), -1);
	assert_int_equal(st->in_tx, 0);
	assert_int_equal(store_commit(st, &err), -1);
	assert_int_equal(query_int(st, SQL_COUNT_SETTINGS), 2);

	/* PostgreSQL: a release waiting for the next savepoint of its level goes with it, so
	 * the levels stay one deep however many follow; an inner rollback still undoes only
	 * its own level. */
	assert_int_equal(store_begin(st, 1, &err), 0);
	for (int i = 0; i < 100; i++) {
		char key[24];
		snprintf(key, sizeof(key), "many-%d", i);
		assert_int_equal(store_begin(st, 1, &err), 0);
		assert_int_equal(put(st, key, "1", &err), 0);
		if (i % 10 == 9)
			store_rollback(st); /* every tenth undone */
		else
			assert_int_equal(store_commit(st, &err), 0);
		assert_int_equal(st->in_tx, 1);
	}
	assert_int_equal(store_commit(st, &err), 0);
	assert_int_equal(query_int(st, SQL_COUNT_SETTINGS), 2 + 90);
	store_free(st);
}

static void test_bulk_nesting(void **state)
{
	struct store *st = open_new("b.db");
	struct err err;
	const char *fk = pg_dsn ? SQL_PG_BULK : SQL_FK;
	(void)state;

	assert_int_equal(query_int(st, fk), 1);
	store_bulk(st, 1);
	assert_int_equal(query_int(st, fk), 0);
	assert_int_equal(store_begin(st, 1, &err), 0);
	/* An inner writer's own on and off change nothing while the outer one holds it. */
	store_bulk(st, 1);
	store_bulk(st, 0);
	assert_int_equal(query_int(st, fk), 0);
	assert_int_equal(store_commit(st, &err), 0);
	assert_int_equal(query_int(st, fk), 0);
	store_bulk(st, 0);
	assert_int_equal(query_int(st, fk), 1);
	store_bulk(st, 0); /* an unmatched off is harmless */
	assert_int_equal(query_int(st, fk), 1);
	store_free(st);
}

static void test_check(void **state)
{
	struct store *st = open_new("k.db");
	struct err err;
	struct buf report;
	struct stmt *s;
	(void)state;

	buf_init(&report, 0);
	assert_int_equal(store_check(st, &report, &err), 0);
	assert_int_equal(report.len, 0);

	/* Sneak in a member row whose project does not exist. */
	s = store_prepare(st, SQL_USER, &err);
	store_bind_text(st, s, 1, "u1");
	store_bind_text(st, s, 2, "User");
	store_bind_text(st, s, 3, "rep");
	assert_int_equal(store_step(st, s, &err), STORE_DONE);
	store_done(st, s);
	assert_int_equal(store_exec(st, pg_dsn ? "SET session_replication_role = replica"
					     : "PRAGMA foreign_keys=OFF", &err), 0);
	s = store_prepare(st, SQL_MEMBER, &err);
	store_bind_int(st, s, 1, 4242);
	store_bind_int(st, s, 2, query_int(st, "SELECT id FROM users WHERE login = 'u1'"));
	/* (PostgreSQL numbers rows by its identity column: this is the first member too) */
	assert_int_equal(store_step(st, s, &err), STORE_DONE);
	store_done(st, s);
	assert_int_equal(store_exec(st, pg_dsn ? "SET session_replication_role = origin"
					     : "PRAGMA foreign_keys=ON", &err), 0);

	assert_int_equal(store_check(st, &report, &err), 1);
	assert_string_equal(buf_cstr(&report),
			    "foreign key: members row 1 refers to a missing projects row\n");
	buf_release(&report);
	store_free(st);
}

static void test_backup(void **state)
{
	SQLITE_ONLY();
	struct store *st = open_new("live.db"), *copy;
	struct err err;
	char p[256], v[64];
	struct buf report;
	(void)state;

	assert_int_equal(store_begin(st, 1, &err), 0);
	for (int i = 0; i < 50; i++) {
		char k[16], val[16];
		snprintf(k, sizeof(k), "k%d", i);
		snprintf(val, sizeof(val), "v%d", i * i);
		assert_int_equal(put(st, k, val, &err), 0);
	}
	assert_int_equal(store_commit(st, &err), 0);

	path_in(p, sizeof(p), "backup.db");
	assert_int_equal(store_backup(st, p, &err), 0);
	/* The live store goes on being usable. */
	assert_int_equal(put(st, "after", "backup", &err), 0);

	copy = store_open(p, 0, &err);
	assert_non_null(copy);
	assert_int_equal(query_int(copy, SQL_COUNT_SETTINGS), 50);
	get(copy, "k7", v, sizeof(v));
	assert_string_equal(v, "v49");
	get(copy, "after", v, sizeof(v));
	assert_string_equal(v, "");
	assert_int_equal(query_int(copy, SQL_COUNT_MIGRATIONS),
			 query_int(st, SQL_COUNT_MIGRATIONS));
	buf_init(&report, 0);
	assert_int_equal(store_check(copy, &report, &err), 0);
	buf_release(&report);
	store_free(copy);

	/* An existing file is never overwritten. */
	err_clear(&err);
	assert_int_equal(store_backup(st, p, &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);

	/* A directory that does not exist is a failure to write. */
	path_in(p, sizeof(p), "no/such/dir/b.db");
	err_clear(&err);
	assert_int_equal(store_backup(st, p, &err), -1);
	assert_int_equal(err.code, ERR_UNAVAILABLE);
	store_free(st);
}

static void test_open_missing(void **state)
{
	SQLITE_ONLY();
	struct err err;
	char p[256];
	struct stat sb;
	(void)state;

	path_in(p, sizeof(p), "missing.db");
	err_clear(&err);
	assert_null(store_open(p, 0, &err));
	assert_int_equal(err.code, ERR_NOT_FOUND);
	assert_string_equal(err.field, "db");
	assert_non_null(strstr(err.msg, p));
	/* And it was not created by trying. */
	assert_int_equal(stat(p, &sb), -1);

	/* A directory is not a database either. */
	path_in(p, sizeof(p), "adir");
	assert_int_equal(mkdir(p, 0700), 0);
	err_clear(&err);
	assert_null(store_open(p, 0, &err));
	assert_int_equal(err.code, ERR_NOT_FOUND);
	err_clear(&err);
	assert_null(store_open(p, 1, &err));
	assert_int_equal(err.code, ERR_UNAVAILABLE);

	/* An in-memory database needs no file. */
	{
		struct store *m = store_open(":memory:", 0, &err);
		assert_non_null(m);
		assert_int_equal(query_int(m, SQL_COUNT_SETTINGS), 0);
		store_free(m);
	}
	store_free(NULL);
}

static void test_open_not_a_database(void **state)
{
	SQLITE_ONLY();
	struct err err;
	char p[256], text[4096], back[4096];
	FILE *f;
	(void)state;

	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = "this is not a database\n"[i % 23];
	path_in(p, sizeof(p), "notes.txt");
	f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, sizeof(text), f), sizeof(text));
	fclose(f);

	for (int create = 0; create <= 1; create++) {
		err_clear(&err);
		assert_null(store_open(p, create, &err));
		assert_int_equal(err.code, ERR_UNAVAILABLE);
	}
	/* The file is left exactly as it was. */
	f = fopen(p, "rb");
	assert_non_null(f);
	assert_int_equal(fread(back, 1, sizeof(back) + 0, f), sizeof(text));
	assert_int_equal(fgetc(f), EOF);
	fclose(f);
	assert_memory_equal(back, text, sizeof(text));
}

static void test_newer_schema(void **state)
{
	struct store *st = open_new("n.db");
	struct err err;
	char p[256];
	(void)state;
	assert_int_equal(store_exec(st, SQL_NEWER, &err), 0);
	store_free(st);

	path_in(p, sizeof(p), "n.db");
	err_clear(&err);
	assert_null(store_open(p, 0, &err));
	assert_int_equal(err.code, ERR_UNAVAILABLE);
	assert_non_null(strstr(err.msg, "newer"));
}

static void test_migration_failure(void **state)
{
	struct store *st = open_new("f.db");
	struct err err;
	char p[256];
	(void)state;
	/* Forget every migration: the first one then runs again and fails on its tables. */
	assert_int_equal(store_exec(st, "DELETE FROM schema_migrations", &err), 0);
	assert_int_equal(put(st, "survivor", "1", &err), 0);
	store_free(st);

	path_in(p, sizeof(p), "f.db");
	err_clear(&err);
	assert_null(store_open(p, 0, &err));
	assert_int_equal(err.code, ERR_INTERNAL);
	assert_non_null(strstr(err.msg, "migration "));
	assert_non_null(strstr(err.msg, "001-init.sql"));
	assert_non_null(strstr(err.msg, "already exists"));

	/* With no err to fill, it still just fails. */
	assert_null(store_open(p, 0, NULL));

	/* The failed migration was rolled back: the data is as it was (read past the store). */
	if (pg_dsn) {
		PGconn *c = PQconnectdb(pg_dsn);
		PGresult *r = PQexec(c, "SELECT (SELECT COUNT(*) FROM schema_migrations), "
					"(SELECT value FROM settings WHERE key = 'survivor')");
		assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
		assert_string_equal(PQgetvalue(r, 0, 0), "0");
		assert_string_equal(PQgetvalue(r, 0, 1), "1");
		PQclear(r);
		PQfinish(c);
	} else {
		sqlite3 *db;
		sqlite3_stmt *s;
		assert_int_equal(sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db,
						    "SELECT (SELECT COUNT(*) FROM schema_migrations), "
						    "(SELECT value FROM settings WHERE key = 'survivor')",
						    -1, &s, NULL),
				 SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(s, 0), 0);
		assert_string_equal((const char *)sqlite3_column_text(s, 1), "1");
		sqlite3_finalize(s);
		sqlite3_close(db);
	}
}

/* b's data version once it differs from was, waiting up to 3 s (PostgreSQL's notices come apart). */
static int64_t version_after(struct store *b, int64_t was)
{
	int64_t v = store_data_version(b);
	for (int i = 0; i < 300 && v == was; i++) {
		usleep(10000);
		v = store_data_version(b);
	}
	return v;
}

/* b's data version once two reads 50 ms apart agree (PostgreSQL: its listener is connected). */
static int64_t version_settled(struct store *b)
{
	int64_t v = store_data_version(b), w;
	for (int i = 0; i < 60; i++) {
		usleep(50000);
		w = store_data_version(b);
		if (w == v)
			return v;
		v = w;
	}
	fail_msg("the data version never settled");
	return v;
}

/*
 * Two connections on one database, as two servers have: a committed write
 * through either moves the data version the other reads; a read, a rollback
 * and a read transaction do not.
 */
static void test_data_version(void **state)
{
	struct store *a = open_new("v.db"), *b;
	struct err err;
	char p[256];
	int64_t v0, v1, v2;
	(void)state;

	path_in(p, sizeof(p), "v.db");
	b = store_open(p, 0, &err);
	assert_non_null(b);
	v0 = version_settled(b);
	if (!pg_dsn)
		assert_int_equal(store_data_version(a), v0); /* one counter, shared */

	assert_int_equal(query_int(a, SQL_COUNT_SETTINGS), 0);
	assert_int_equal(store_begin(a, 1, &err), 0);
	assert_int_equal(put(a, "gone", "1", &err), 0);
	store_rollback(a);
	assert_int_equal(store_begin(b, 0, &err), 0);
	assert_int_equal(query_int(b, SQL_COUNT_SETTINGS), 0);
	assert_int_equal(store_commit(b, &err), 0);
	usleep(100000); /* a notice, were one sent, would have come */
	assert_int_equal(store_data_version(b), v0);

	/* a write transaction through a */
	assert_int_equal(store_begin(a, 1, &err), 0);
	assert_int_equal(put(a, "kept", "1", &err), 0);
	assert_int_equal(store_data_version(b), v0); /* not yet committed */
	assert_int_equal(store_commit(a, &err), 0);
	v1 = version_after(b, v0);
	assert_true(v1 != v0);
	if (!pg_dsn)
		assert_int_equal(store_data_version(a), v1);

	/* a statement on its own through b: a sees it */
	v1 = version_settled(a);
	assert_int_equal(put(b, "also", "1", &err), 0);
	v2 = version_after(a, v1);
	assert_true(v2 != v1);
	store_free(b);
	store_free(a);
}

/* One value of a statement on db (a count, a sum). */
static sqlite3_int64 sql_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	sqlite3_int64 v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/*
 * The WAL's frames are gathered into few writes (walbuf.c), yet a commit is
 * in the file when COMMIT returns: another connection, through SQLite's own
 * VFS, reads it at once. A transaction larger than the buffer and than the
 * page cache (its pages written early and read back) commits whole.
 */
static void test_wal_gathered(void **state)
{
	SQLITE_ONLY();
	char p[300], *msg = NULL;
	sqlite3 *w, *r;
	(void)state;

	store_global_init();
	assert_string_equal(sqlite3_vfs_find(NULL)->zName, "salespm-walbuf");
	path_in(p, sizeof(p), "g.db");
	assert_int_equal(sqlite3_open(p, &w), SQLITE_OK);
	assert_int_equal(sqlite3_exec(w,
				      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
				      "PRAGMA cache_size=8; CREATE TABLE t (i INTEGER PRIMARY KEY, b BLOB)",
				      NULL, NULL, &msg),
			 SQLITE_OK);
	assert_int_equal(sqlite3_open_v2(p, &r, SQLITE_OPEN_READWRITE, "unix"), SQLITE_OK);
	for (int round = 1; round <= 3; round++) {
		char sql[200];
		/* round 1: a few pages; 2 and 3: about 1.2 MB, past the buffer and the cache */
		int rows = round == 1 ? 3 : 400;
		sqlite3_int64 before = sql_int(r, "SELECT COUNT(*) FROM t");

		assert_int_equal(sqlite3_exec(w, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
		snprintf(sql, sizeof(sql),
			 "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < %d) "
			 "INSERT INTO t (b) SELECT randomblob(3000) FROM n",
			 rows);
		assert_int_equal(sqlite3_exec(w, sql, NULL, NULL, NULL), SQLITE_OK);
		/* read back what was written early, inside the transaction */
		assert_int_equal(sql_int(w, "SELECT SUM(length(b)) FROM t"), (before + rows) * 3000);
		/* not committed: the other connection sees the rows before it */
		assert_int_equal(sql_int(r, "SELECT COUNT(*) FROM t"), before);
		assert_int_equal(sqlite3_exec(w, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
		assert_int_equal(sql_int(r, "SELECT COUNT(*) FROM t"), before + rows);
		assert_int_equal(sql_int(r, "SELECT SUM(length(b)) FROM t"), (before + rows) * 3000);
	}
	assert_int_equal(sqlite3_exec(r, "PRAGMA integrity_check", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sql_int(r, "SELECT COUNT(*) FROM t"), 3 + 400 + 400);
	sqlite3_close(r);
	sqlite3_close(w);
}

int main(void)
{
	pg_dsn = getenv("SALESPM_TEST_PG_DSN");
	if (pg_dsn && !*pg_dsn)
		pg_dsn = NULL;
	print_message("test_store on %s\n", pg_dsn ? "PostgreSQL" : "SQLite");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_migrations, test_setup),
		cmocka_unit_test_setup(test_pragmas, test_setup),
		cmocka_unit_test_setup(test_statement_cache, test_setup),
		cmocka_unit_test_setup(test_bind_and_columns, test_setup),
		cmocka_unit_test_setup(test_errors_map, test_setup),
		cmocka_unit_test_setup(test_transactions, test_setup),
		cmocka_unit_test_setup(test_savepoints, test_setup),
		cmocka_unit_test_setup(test_bulk_nesting, test_setup),
		cmocka_unit_test_setup(test_check, test_setup),
		cmocka_unit_test_setup(test_backup, test_setup),
		cmocka_unit_test_setup(test_open_missing, test_setup),
		cmocka_unit_test_setup(test_open_not_a_database, test_setup),
		cmocka_unit_test_setup(test_newer_schema, test_setup),
		cmocka_unit_test_setup(test_migration_failure, test_setup),
		cmocka_unit_test_setup(test_data_version, test_setup),
		cmocka_unit_test_setup(test_wal_gathered, test_setup),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
