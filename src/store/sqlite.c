/*
 * sqlite.c - the SQLite driver: WAL with synchronous=FULL (read back and
 * verified at open), foreign keys on, a busy timeout on every connection, and
 * a per-connection cache of prepared statements keyed by their SQL's address.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "base/date.h"
#include "store/driver.h"
#include "store/stmtcache.h"
#include "base/banned.h"

#define DB(st) ((sqlite3 *)(st)->conn)
#define STR_(x) #x
#define STR(x) STR_(x)

/* Page caches, KiB: a connection's (reads) and the group-commit writer's. */
#define READER_CACHE_KB 512
#define WRITER_CACHE_KB 2048
#define STMT(s) ((sqlite3_stmt *)(s))

void store_sqlite_global_init(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	/* Each connection is used by one thread at a time: no mutexes needed. */
	sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_initialize();
	/* without it SQLite's own VFS serves: the same files, more write calls */
	store_walbuf_register();
}

int store_sqlite_exists(const char *path)
{
	struct stat sb;
	if (!strcmp(path, ":memory:"))
		return 1;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Anything that is not another backend's URL is a file path (or "sqlite:PATH"). */
static int sq_accepts(const char *dsn)
{
	return !strstr(dsn, "://") || !strncmp(dsn, "sqlite:", 7);
}

/* The file is still there, readable and writable (a moved or read-only file is not ready). */
static int sq_ready(struct store *st, int ask, struct err *err)
{
	const char *path = strncmp(st->dsn, "sqlite:", 7) ? st->dsn : st->dsn + 7;

	if (ask && access(path, R_OK | W_OK))
		return err_set(err, ERR_UNAVAILABLE, "db", "db_unavailable",
			       "the database %s cannot be opened: %s", path, strerror(errno));
	return 0;
}

/*
 * SQLite gives a new row the id after the largest (an INTEGER PRIMARY KEY
 * without AUTOINCREMENT): under the write lock the next n are free.
 */
static int sq_ids_reserve(struct store *st, const char *table, int64_t n, int64_t *first,
			  struct err *err)
{
	char sql[128];
	int64_t last = 0;

	(void)n;
	snprintf(sql, sizeof(sql), "SELECT COALESCE(MAX(id), 0) FROM %s", table);
	if (store_query_dyn_int(st, sql, &last, err))
		return -1;
	*first = last + 1;
	return 0;
}

/* The schema is written in SQLite's dialect. */
static void sq_ddl(const char *schema, struct buf *out)
{
	buf_adds(out, schema);
}

static int fail(sqlite3 *db, int rc, struct err *err, const char *what)
{
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	int base = rc & 0xff;

	if (base == SQLITE_CONSTRAINT)
		return err_set(err, ERR_CONFLICT, NULL, "constraint", "%s", msg);
	if (base == SQLITE_BUSY || base == SQLITE_LOCKED)
		return err_set(err, ERR_UNAVAILABLE, NULL, "db_busy", "database is busy: %s", msg);
	if (base == SQLITE_CANTOPEN || base == SQLITE_NOTADB || base == SQLITE_CORRUPT ||
	    base == SQLITE_READONLY || base == SQLITE_IOERR || base == SQLITE_FULL)
		return err_set(err, ERR_UNAVAILABLE, "db", "db_unavailable", "%s: %s", what, msg);
	return err_set(err, ERR_INTERNAL, NULL, "internal", "%s: %s", what, msg);
}

static int pragma_text(sqlite3 *db, const char *sql, char *out, size_t outlen, struct err *err)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return fail(db, rc, err, "pragma");
	out[0] = '\0';
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(s, 0);
		snprintf(out, outlen, "%s", t ? (const char *)t : "");
		rc = SQLITE_DONE;
	}
	if (rc != SQLITE_DONE) {
		fail(db, rc, err, "pragma");
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

/*
 * The data version (store_data_version): a 64-bit counter in the file
 * PATH-version beside the database, mapped shared by every process that opens
 * it, moved on after each commit that wrote. Without the file (":memory:", a
 * directory not writable) a counter of this process that only ever moves on.
 */
#define VERSION_SUFFIX "-version"
static int64_t process_version;

static void version_open(struct store *st, const char *dsn)
{
	char *path;
	int fd;
	void *p;
	struct stat sb;

	if (!strcmp(dsn, ":memory:"))
		return;
	path = xmalloc(strlen(dsn) + sizeof(VERSION_SUFFIX));
	memcpy(path, dsn, strlen(dsn));
	memcpy(path + strlen(dsn), VERSION_SUFFIX, sizeof(VERSION_SUFFIX));
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	free(path);
	if (fd < 0)
		return;
	/* Growing a file to its size at once is safe while another process does the same. */
	if (fstat(fd, &sb) || (sb.st_size < (off_t)sizeof(int64_t) &&
			       ftruncate(fd, (off_t)sizeof(int64_t)))) {
		close(fd);
		return;
	}
	p = mmap(NULL, sizeof(int64_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p != MAP_FAILED)
		st->version = p;
}

static int64_t sq_data_version(struct store *st)
{
	if (!st->version)
		return __atomic_add_fetch(&process_version, 1, __ATOMIC_SEQ_CST);
	return __atomic_load_n((int64_t *)st->version, __ATOMIC_ACQUIRE);
}

static void sq_data_changed(struct store *st, int committed)
{
	(void)committed;
	if (st->version)
		__atomic_add_fetch((int64_t *)st->version, 1, __ATOMIC_SEQ_CST);
}

static int sq_wrote(struct stmt *s)
{
	return !sqlite3_stmt_readonly(STMT(s));
}

static int sq_open(struct store *st, const char *dsn, struct err *err)
{
	sqlite3 *db = NULL;
	char v[64];
	int memory = !strcmp(dsn, ":memory:");
	int rc = sqlite3_open_v2(dsn, &db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				 NULL);
	if (rc != SQLITE_OK) {
		err_set(err, ERR_UNAVAILABLE, "db", "db_unavailable", "cannot open %s: %s", dsn,
			db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, 10000);
	sqlite3_extended_result_codes(db, 1);
	st->conn = db;
	st->cache = xcalloc(1, sizeof(struct stmtcache));

	if (pragma_text(db, "PRAGMA journal_mode=WAL", v, sizeof(v), err))
		goto bad;
	if (!memory && strcmp(v, "wal")) {
		err_set(err, ERR_UNAVAILABLE, "db", "db_unavailable", "%s: journal_mode is %s, WAL is required", dsn,
			v);
		goto bad;
	}
	if (pragma_text(db, "PRAGMA synchronous=FULL", v, sizeof(v), err) ||
	    pragma_text(db, "PRAGMA synchronous", v, sizeof(v), err))
		goto bad;
	if (strcmp(v, "2")) {
		err_set(err, ERR_UNAVAILABLE, "db", "db_unavailable", "%s: synchronous is %s, FULL (2) is required",
			dsn, v);
		goto bad;
	}
	if (pragma_text(db, "PRAGMA foreign_keys=ON", v, sizeof(v), err) ||
	    pragma_text(db, "PRAGMA foreign_keys", v, sizeof(v), err))
		goto bad;
	if (strcmp(v, "1")) {
		err_set(err, ERR_UNAVAILABLE, "db", "db_unavailable", "%s: foreign keys cannot be enabled", dsn);
		goto bad;
	}
	/*
	 * A reader's page cache is small: the server has a connection per thread
	 * and serves in 32 MB (SPEC "Performance"); what it reads again is in the
	 * operating system's cache a read() away, and a kept answer reads nothing.
	 * The writer's is larger (sq_defer_sync), an import's larger still (bulk).
	 */
	if (pragma_text(db, "PRAGMA cache_size=-" STR(READER_CACHE_KB), v, sizeof(v), err))
		goto bad;
	/* Validate the file really is a database before going on. */
	if (pragma_text(db, "PRAGMA schema_version", v, sizeof(v), err))
		goto bad;
	version_open(st, dsn);
	return 0;
bad:
	st->drv->close(st);
	return -1;
}

static void finalize(void *stmt)
{
	sqlite3_finalize(stmt);
}

static void sq_close(struct store *st)
{
	if (st->cache) {
		stmtcache_clear(st->cache, finalize);
		free(st->cache);
		st->cache = NULL;
	}
	if (st->conn)
		sqlite3_close(DB(st));
	st->conn = NULL;
	if (st->version)
		munmap(st->version, sizeof(int64_t));
	st->version = NULL;
}

static struct stmt *sq_prepare(struct store *st, const char *sql, struct err *err)
{
	sqlite3_stmt *s = stmtcache_get(st->cache, sql);
	int rc;

	if (s)
		return (struct stmt *)s;
	rc = sqlite3_prepare_v3(DB(st), sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
	if (rc != SQLITE_OK) {
		fail(DB(st), rc, err, "prepare");
		return NULL;
	}
	stmtcache_put(st->cache, sql, s);
	return (struct stmt *)s;
}

static void sq_bind_int(struct stmt *s, int idx, int64_t v)
{
	sqlite3_bind_int64(STMT(s), idx, v);
}

static void sq_bind_text(struct stmt *s, int idx, const char *txt, size_t len)
{
	sqlite3_bind_text64(STMT(s), idx, txt, len, SQLITE_TRANSIENT, SQLITE_UTF8);
}

static void sq_bind_null(struct stmt *s, int idx)
{
	sqlite3_bind_null(STMT(s), idx);
}

static int sq_step(struct stmt *s, struct err *err)
{
	int rc = sqlite3_step(STMT(s));
	if (rc == SQLITE_ROW)
		return STORE_ROW;
	if (rc == SQLITE_DONE)
		return STORE_DONE;
	return fail(sqlite3_db_handle(STMT(s)), rc, err, "query");
}

static int64_t sq_col_int(struct stmt *s, int col)
{
	return sqlite3_column_int64(STMT(s), col);
}

static const char *sq_col_text(struct stmt *s, int col)
{
	return (const char *)sqlite3_column_text(STMT(s), col);
}

static int sq_col_is_null(struct stmt *s, int col)
{
	return sqlite3_column_type(STMT(s), col) == SQLITE_NULL;
}

static void sq_done(struct stmt *s)
{
	sqlite3_reset(STMT(s));
	sqlite3_clear_bindings(STMT(s));
}

/*
 * The statements every write runs (its transaction, the savepoint each
 * queued write gets inside a batch, and those around an idempotent one):
 * prepared once per connection rather than parsed again by sqlite3_exec
 * every time (two to six per write; a group-commit writer runs thousands a
 * second). The cache is keyed by these strings' addresses.
 */
static const char *const EXEC_KEPT[] = {
	"BEGIN", "BEGIN IMMEDIATE", "COMMIT",
	"SAVEPOINT sp2", "SAVEPOINT sp3", "SAVEPOINT sp4", "SAVEPOINT sp5", "SAVEPOINT sp6",
	"RELEASE sp2", "RELEASE sp3", "RELEASE sp4", "RELEASE sp5", "RELEASE sp6",
	"ROLLBACK TO sp2", "ROLLBACK TO sp3", "ROLLBACK TO sp4", "ROLLBACK TO sp5",
	"ROLLBACK TO sp6",
};

static const char *exec_kept(const char *sql)
{
	for (size_t i = 0; i < sizeof(EXEC_KEPT) / sizeof(EXEC_KEPT[0]); i++)
		if (!strcmp(sql, EXEC_KEPT[i]))
			return EXEC_KEPT[i];
	return NULL;
}

static int sq_exec(struct store *st, const char *sql, struct err *err)
{
	char *msg = NULL;
	const char *kept = exec_kept(sql);
	int rc;

	if (kept) {
		struct err e = { 0 };
		sqlite3_stmt *s = (sqlite3_stmt *)sq_prepare(st, kept, &e);
		if (s) {
			rc = sqlite3_step(s);
			sqlite3_reset(s);
			if (rc == SQLITE_DONE || rc == SQLITE_ROW)
				return 0;
			err_set(err, (rc & 0xff) == SQLITE_BUSY ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL,
				"db_error", "%s", sqlite3_errmsg(DB(st)));
			return -1;
		}
		/* not prepared (the schema is being changed under it): as any other statement */
	}
	rc = sqlite3_exec(DB(st), sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		err_set(err, (rc & 0xff) == SQLITE_BUSY ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL, "db_error",
			"%s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int sq_begin(struct store *st, int write, struct err *err)
{
	return sq_exec(st, write ? "BEGIN IMMEDIATE" : "BEGIN", err);
}

static int sq_commit(struct store *st, struct err *err)
{
	return sq_exec(st, "COMMIT", err);
}

static void sq_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(DB(st)))
		sqlite3_exec(DB(st), "ROLLBACK", NULL, NULL, NULL);
}

static int sq_check(struct store *st, struct buf *report, struct err *err)
{
	sqlite3_stmt *s;
	int problems = 0, rc;

	rc = sqlite3_prepare_v2(DB(st), "PRAGMA integrity_check", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return fail(DB(st), rc, err, "integrity_check");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(s, 0);
		if (t && strcmp(t, "ok")) {
			buf_addf(report, "integrity: %s\n", t);
			problems++;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return fail(DB(st), rc, err, "integrity_check");

	rc = sqlite3_prepare_v2(DB(st), "PRAGMA foreign_key_check", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return fail(DB(st), rc, err, "foreign_key_check");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		buf_addf(report, "foreign key: %s row %lld refers to a missing %s row\n",
			 (const char *)sqlite3_column_text(s, 0),
			 (long long)sqlite3_column_int64(s, 1),
			 (const char *)sqlite3_column_text(s, 2));
		problems++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return fail(DB(st), rc, err, "foreign_key_check");
	return problems;
}

static int sq_backup(struct store *st, const char *path, struct err *err)
{
	sqlite3_stmt *s;
	int rc;

	if (store_sqlite_exists(path))
		return err_set(err, ERR_CONFLICT, "file", "file_exists", "%s already exists; choose a new file",
			       path);
	rc = sqlite3_prepare_v2(DB(st), "VACUUM INTO ?", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return fail(DB(st), rc, err, "backup");
	sqlite3_bind_text(s, 1, path, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return err_set(err, ERR_UNAVAILABLE, "file", "file_write", "cannot write backup %s: %s", path,
			       sqlite3_errmsg(DB(st)));
	return 0;
}

/* One whole number a query of db gives (its first column), or -1 when it fails. */
static int64_t sq_one(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	int64_t v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static int sq_restore(struct store *st, const char *path, int force, int64_t max_schema,
		      int64_t *copy_schema, struct err *err)
{
	static const char LAST[] = "SELECT COALESCE(MAX(at), 0) FROM audit";
	static const char LAST_ID[] = "SELECT COALESCE(MAX(id), 0) FROM audit";
	sqlite3 *src = NULL;
	sqlite3_backup *b;
	int64_t schema, copy_at, at;
	int rc, tries = 0;

	if (!store_sqlite_exists(path))
		return err_set(err, ERR_NOT_FOUND, "file", "file_open", "no file %s", path);
	/* read-only and immutable: looking at the copy never changes it */
	rc = sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		err_set(err, ERR_INVALID, "file", "file_open", "cannot open %s: %s", path,
			src ? sqlite3_errmsg(src) : sqlite3_errstr(rc));
		sqlite3_close(src);
		return -1;
	}
	schema = sq_one(src, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
	copy_at = sq_one(src, LAST);
	*copy_schema = schema;
	if (schema <= 0 || copy_at < 0) {
		sqlite3_close(src);
		return err_set(err, ERR_INVALID, "file", "not_a_backup",
			       "%s is not a salespm database", path);
	}
	if (schema > max_schema) {
		sqlite3_close(src);
		return err_set(err, ERR_INVALID, "file", "schema_too_new:have,known",
			       "%s is at schema %lld, newer than this salespm (%lld); upgrade "
			       "salespm first",
			       path, (long long)schema, (long long)max_schema);
	}
	at = sq_one(DB(st), LAST);
	/* a change later than the copy's last, or one more in the copy's last second */
	if ((at > copy_at || (at == copy_at && sq_one(DB(st), LAST_ID) > sq_one(src, LAST_ID))) &&
	    !force) {
		char a[TS_FMT_MAX], c[TS_FMT_MAX];
		ts_format(at, a);
		ts_format(copy_at, c);
		sqlite3_close(src);
		return err_set(err, ERR_CONFLICT, "file", "database_newer",
			       "the database has changes made after this copy (its last at %s, "
			       "the copy's at %s); --force replaces them",
			       a, c);
	}
	b = sqlite3_backup_init(DB(st), "main", src, "main");
	if (!b) {
		err_set(err, ERR_UNAVAILABLE, "db", "restore_failed", "cannot restore %s: %s", path,
			sqlite3_errmsg(DB(st)));
		sqlite3_close(src);
		return -1;
	}
	/* all pages at once; a server's write in the way is waited for a while */
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
		if (++tries > 100)
			break;
		sqlite3_sleep(100);
	}
	sqlite3_backup_finish(b);
	sqlite3_close(src);
	if (rc != SQLITE_DONE)
		return err_set(err, ERR_UNAVAILABLE, "db", "restore_failed", "cannot restore %s: %s",
			       path, sqlite3_errstr(rc));
	st->drv->data_changed(st, 0); /* servers on the file read it again */
	return 0;
}

static void sq_bulk(struct store *st, int on)
{
	/*
	 * 256 MiB of page cache while bulk loading (SQLite's default 2 MiB
	 * otherwise). Foreign-key lookups are switched off around a bulk write:
	 * its caller has validated every reference against the catalog it read
	 * inside the same write transaction, and `db check` verifies them. The
	 * pragma only takes effect outside a transaction, so callers switch bulk
	 * mode on before they begin and off after they commit or roll back.
	 */
	sqlite3_exec(DB(st),
		     on ? "PRAGMA cache_size=-16384; PRAGMA foreign_keys=OFF"
			: "PRAGMA cache_size=-" STR(READER_CACHE_KB) "; PRAGMA foreign_keys=ON",
		     NULL, NULL, NULL);
}

static struct stmt *sq_prepare_once(struct store *st, const char *sql, struct err *err)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(DB(st), sql, -1, &s, NULL);

	if (rc != SQLITE_OK) {
		fail(DB(st), rc, err, "prepare");
		return NULL;
	}
	return (struct stmt *)s;
}

static void sq_finalize(struct store *st, struct stmt *s)
{
	(void)st;
	sqlite3_finalize(STMT(s));
}

/*
 * A load: rows kept as values until LOAD_BATCH of them fill one multi-row
 * INSERT (a VALUES list of LOAD_BATCH rows: ~18% less time a row than a
 * statement a row); the last, fewer rows go through a one-row INSERT.
 */
#define LOAD_BATCH 64

struct load_value {
	int type; /* SQLITE_INTEGER, SQLITE_TEXT or SQLITE_NULL */
	int64_t i;
	char *text; /* owned */
};

struct store_load {
	struct store_load_head head;
	struct store *st;
	sqlite3_stmt *one, *many; /* many: NULL when a batch would pass SQLite's parameter limit */
	int ncols, col;
	int nrows;                /* complete rows in v */
	struct load_value *v;     /* LOAD_BATCH rows of ncols */
};

static sqlite3_stmt *load_prepare(struct store *st, const char *table, int ncols,
				  const char *const *cols, int rows, struct err *err)
{
	struct buf sql = BUF_INIT;
	sqlite3_stmt *s = NULL;
	int rc;

	buf_addf(&sql, "INSERT INTO %s (", table);
	for (int i = 0; i < ncols; i++)
		buf_addf(&sql, "%s%s", i ? ", " : "", cols[i]);
	buf_adds(&sql, ") VALUES ");
	for (int r = 0; r < rows; r++) {
		buf_adds(&sql, r ? ", (" : "(");
		for (int i = 0; i < ncols; i++)
			buf_adds(&sql, i ? ", ?" : "?");
		buf_addch(&sql, ')');
	}
	rc = sqlite3_prepare_v2(DB(st), buf_cstr(&sql), -1, &s, NULL);
	buf_release(&sql);
	if (rc != SQLITE_OK) {
		fail(DB(st), rc, err, "load");
		return NULL;
	}
	return s;
}

static struct store_load *sq_load_begin(struct store *st, const char *table, int ncols,
					const char *const *cols, struct err *err)
{
	struct store_load *l = xcalloc(1, sizeof(*l));

	l->one = load_prepare(st, table, ncols, cols, 1, err);
	if (!l->one) {
		free(l);
		return NULL;
	}
	if (ncols * LOAD_BATCH <= 32766) /* SQLite's parameter limit since 3.32 */
		l->many = load_prepare(st, table, ncols, cols, LOAD_BATCH, err);
	l->head.drv = &store_sqlite_driver;
	l->st = st;
	l->ncols = ncols;
	l->v = xcalloc((size_t)ncols * LOAD_BATCH, sizeof(*l->v));
	return l;
}

static struct load_value *load_next(struct store_load *l)
{
	struct load_value *v = &l->v[l->nrows * l->ncols + l->col++];
	free(v->text);
	v->text = NULL;
	return v;
}

static void sq_load_int(struct store_load *l, int64_t v)
{
	struct load_value *x = load_next(l);
	x->type = SQLITE_INTEGER;
	x->i = v;
}

static void sq_load_text(struct store_load *l, const char *txt)
{
	struct load_value *x = load_next(l);
	x->type = SQLITE_TEXT;
	x->text = xstrdup(txt);
}

static void sq_load_null(struct store_load *l)
{
	load_next(l)->type = SQLITE_NULL;
}

/* Bind rows [from, from + n) of the kept values to s, from parameter 1, and run it. */
static int load_run(struct store_load *l, sqlite3_stmt *s, int from, int n, struct err *err)
{
	int k = 1, rc;
	for (int i = from * l->ncols; i < (from + n) * l->ncols; i++, k++) {
		const struct load_value *x = &l->v[i];
		if (x->type == SQLITE_INTEGER)
			sqlite3_bind_int64(s, k, x->i);
		else if (x->type == SQLITE_TEXT)
			sqlite3_bind_text(s, k, x->text, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(s, k);
	}
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? 0 : fail(DB(l->st), rc, err, "load");
}

static int sq_load_row(struct store_load *l, struct err *err)
{
	l->col = 0;
	l->nrows++;
	if (!l->many) {
		l->nrows = 0;
		return load_run(l, l->one, 0, 1, err);
	}
	if (l->nrows < LOAD_BATCH)
		return 0;
	l->nrows = 0;
	return load_run(l, l->many, 0, LOAD_BATCH, err);
}

static int sq_load_end(struct store_load *l, int ok, struct err *err)
{
	int r = 0;
	for (int i = 0; ok && !r && i < l->nrows; i++)
		r = load_run(l, l->one, i, 1, err);
	for (int i = 0; i < l->ncols * LOAD_BATCH; i++)
		free(l->v[i].text);
	free(l->v);
	sqlite3_finalize(l->one);
	sqlite3_finalize(l->many);
	free(l);
	return r;
}

/* The WAL's size after each commit of a deferring connection (its WAL hook). */
static int wal_written(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct store *st = arg;
	(void)db;
	(void)name;
	/* a frame is a page and its 24-byte header; the WAL's own header is 32 bytes */
	st->wal_bytes = 32 + (int64_t)frames * (st->wal_page + 24);
	return SQLITE_OK;
}

/*
 * The writer's connection: commits without a sync or a checkpoint, and the
 * savepoint of each write journalled in memory (a batch's few pages, never a
 * temporary file). Its WAL hook (set after wal_autocheckpoint, which would
 * replace it) keeps st->wal_bytes.
 */
static int sq_defer_sync(struct store *st, struct err *err)
{
	char v[16];
	if (pragma_text(DB(st), "PRAGMA cache_size=-" STR(WRITER_CACHE_KB), v, sizeof(v), err) ||
	    pragma_text(DB(st), "PRAGMA synchronous=NORMAL", v, sizeof(v), err) ||
	    pragma_text(DB(st), "PRAGMA wal_autocheckpoint=0", v, sizeof(v), err) ||
	    pragma_text(DB(st), "PRAGMA temp_store=MEMORY", v, sizeof(v), err) ||
	    pragma_text(DB(st), "PRAGMA page_size", v, sizeof(v), err))
		return -1;
	st->wal_page = (int)strtol(v, NULL, 10);
	st->wal_bytes = 0;
	sqlite3_wal_hook(DB(st), wal_written, st);
	return 0;
}

/* The WAL beside the database: its path (the file's own name and "-wal"). */
static int wal_path(struct store *st, char *out, size_t n)
{
	const char *db = sqlite3_db_filename(DB(st), "main");
	return !db || !*db || snprintf(out, n, "%s-wal", db) >= (int)n ? -1 : 0;
}

/*
 * Copy the WAL's frames into the database (passive: no reader is waited for,
 * nor a writer stopped; the frames a writer appends meanwhile are left).
 */
static void sq_tidy(struct store *st)
{
	sqlite3_wal_checkpoint_v2(DB(st), "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

static int sq_sync(struct store *st, struct err *err)
{
	char path[4096];
	int fd, rc;

	if (wal_path(st, path, sizeof(path)))
		return 0; /* an in-memory database: nothing to sync */
	/* fsync flushes the file whoever wrote it: every frame SQLite wrote before this */
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, ERR_UNAVAILABLE, "db", "db_unavailable",
			       "cannot open the write-ahead log %s: %s", path, strerror(errno));
	rc = fdatasync(fd);
	if (rc)
		err_set(err, ERR_UNAVAILABLE, "db", "db_unavailable",
			"cannot sync the write-ahead log %s: %s", path, strerror(errno));
	close(fd);
	return rc ? -1 : 0;
}

const struct store_driver store_sqlite_driver = {
	.name = "sqlite",
	.accepts = sq_accepts,
	.exists = store_sqlite_exists,
	.ddl = sq_ddl,
	.open = sq_open,
	.close = sq_close,
	.prepare = sq_prepare,
	.bind_int = sq_bind_int,
	.bind_text = sq_bind_text,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.col_int = sq_col_int,
	.col_text = sq_col_text,
	.col_is_null = sq_col_is_null,
	.done = sq_done,
	.exec = sq_exec,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.check = sq_check,
	.sql_tables = "SELECT name FROM sqlite_master WHERE type = 'table' "
		      "AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY name",
	.sql_columns = "SELECT name, type FROM pragma_table_info(?1) ORDER BY cid",
	.ids_follow = NULL, /* SQLite's next id is always past the largest */
	.ids_reserve = sq_ids_reserve,
	.prepare_once = sq_prepare_once,
	.finalize = sq_finalize,
	.load_begin = sq_load_begin,
	.load_int = sq_load_int,
	.load_text = sq_load_text,
	.load_null = sq_load_null,
	.load_row = sq_load_row,
	.load_end = sq_load_end,
	.backup = sq_backup,
	.restore = sq_restore,
	.bulk = sq_bulk,
	.ready = sq_ready,
	.wrote = sq_wrote,
	.data_changed = sq_data_changed,
	.data_version = sq_data_version,
	.defer_sync = sq_defer_sync,
	.sync = sq_sync,
	.tidy = sq_tidy,
};
