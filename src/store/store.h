/*
 * store.h - the backend-neutral storage interface. The core speaks only this:
 * prepared statements with '?' or '?N' placeholders and bound parameters,
 * transactions, and a few maintenance calls. A driver table per backend
 * (sqlite.c, pg.c) implements it, chosen by the --db string's scheme
 * (store_open), so the SQL the core writes must be plain enough for both:
 * no backend-only functions, RETURNING for ids (never MAX(id)+1),
 * ON CONFLICT ... DO UPDATE for upserts, BIGINT in casts, LOWER() for
 * case-insensitive matches, and text compared byte-wise (the PostgreSQL
 * schema declares every text column COLLATE "C", as SQLite compares).
 *
 * Statements are cached per connection by the address of their SQL text, so
 * core code keeps each statement as a named constant and prepares it on every
 * use at no cost. A statement is reset by store_done() before it is reused.
 */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

struct store;
struct stmt;
struct store_load;

enum store_step { STORE_DONE = 0, STORE_ROW = 1 };

struct store_driver {
	const char *name;
	/* Whether dsn names a database of this backend. */
	int (*accepts)(const char *dsn);
	/* Whether the database dsn names exists (NULL: opening tells). */
	int (*exists)(const char *dsn);
	/* The schema's migration text (SQLite's dialect, STRICT tables) as this backend writes it. */
	void (*ddl)(const char *schema, struct buf *out);
	int (*open)(struct store *st, const char *dsn, struct err *err);
	void (*close)(struct store *st);
	struct stmt *(*prepare)(struct store *st, const char *sql, struct err *err);
	void (*bind_int)(struct stmt *s, int idx, int64_t v);
	void (*bind_text)(struct stmt *s, int idx, const char *txt, size_t len);
	void (*bind_null)(struct stmt *s, int idx);
	int (*step)(struct stmt *s, struct err *err);
	int64_t (*col_int)(struct stmt *s, int col);
	const char *(*col_text)(struct stmt *s, int col);
	int (*col_is_null)(struct stmt *s, int col);
	void (*done)(struct stmt *s);
	int (*exec)(struct store *st, const char *sql, struct err *err);
	/*
	 * A savepoint's RELEASE may wait to be sent with the next SAVEPOINT of its
	 * level (one round trip where each costs one; see store_commit).
	 */
	int release_later;
	int (*begin)(struct store *st, int write, struct err *err);
	int (*commit)(struct store *st, struct err *err);
	void (*rollback)(struct store *st);
	int (*check)(struct store *st, struct buf *report, struct err *err);
	/* The user tables: one row each, its name (for db copy). */
	const char *sql_tables;
	/* A table's columns in order (parameter 1 the table): name, then type as declared. */
	const char *sql_columns;
	/* After rows were copied in with their ids: let new ids follow them (NULL: nothing to do). */
	int (*ids_follow)(struct store *st, const char *table, struct err *err);
	/* Hand out n consecutive new ids of table (under the write lock); *first the first. */
	int (*ids_reserve)(struct store *st, const char *table, int64_t n, int64_t *first,
			   struct err *err);
	/* A statement whose SQL is made at run time: prepared apart from the cache, finalized by the caller. */
	struct stmt *(*prepare_once)(struct store *st, const char *sql, struct err *err);
	void (*finalize)(struct store *st, struct stmt *s);
	/* Loading many rows into one table (COPY on PostgreSQL, a prepared INSERT on SQLite). */
	struct store_load *(*load_begin)(struct store *st, const char *table, int ncols,
					 const char *const *cols, struct err *err);
	void (*load_int)(struct store_load *l, int64_t v);
	void (*load_text)(struct store_load *l, const char *txt);
	void (*load_null)(struct store_load *l);
	int (*load_row)(struct store_load *l, struct err *err);
	int (*load_end)(struct store_load *l, int ok, struct err *err);
	int (*backup)(struct store *st, const char *path, struct err *err);
	/* The database's content replaced by the SQLite file at path (NULL: not this backend). */
	int (*restore)(struct store *st, const char *path, int force, int64_t max_schema,
		       int64_t *copy_schema, struct err *err);
	void (*bulk)(struct store *st, int on);
	/* The planner's statistics of tables refreshed (store_analyze); NULL: none kept. */
	int (*analyze)(struct store *st, const char *tables, struct err *err);
	/* Whether the database can still be used (its file readable and writable; the connection up);
	 * ask 0: only what is known without a system call or a question (err may be NULL). */
	int (*ready)(struct store *st, int ask, struct err *err);
	/* Whether statement s, stepped and not yet done, wrote (asked before done). */
	int (*wrote)(struct stmt *s);
	/*
	 * A write of st was committed: move the data version on (committed 1: by
	 * store_commit, whose commit told other processes when the backend needs
	 * telling; 0: one statement on its own, to be told now).
	 */
	void (*data_changed)(struct store *st, int committed);
	/* The data version (see store_data_version). */
	int64_t (*data_version)(struct store *st);
	/* Group commit (store_defer_sync, store_sync); NULL: every commit syncs itself. */
	int (*defer_sync)(struct store *st, struct err *err);
	int (*sync)(struct store *st, struct err *err);
	void (*tidy)(struct store *st);
};

struct store {
	const struct store_driver *drv;
	void *conn;     /* the driver's connection */
	void *cache;    /* the driver's statement cache */
	char *dsn;
	int in_tx;      /* open levels: 0 none, 1 a transaction, each more a savepoint in it */
	int write_tx;   /* the outermost transaction holds the write lock */
	int bulk;       /* how many store_bulk(st, 1) are not yet matched by an off */
	int tx_wrote;   /* the open transaction wrote: its commit moves the data version */
	int released;   /* a savepoint level whose RELEASE is not sent yet (release_later), 0 none */
	void *version;  /* the driver's source of the data version */
	/* a deferring SQLite connection: the WAL's bytes in use after its last commit */
	int64_t wal_bytes;
	int wal_page;   /* and the database's page size */
	/* a group-commit batch open on this connection, kept by core/tx.c (tx_batch_*) */
	struct {
		void *sums; /* its sale writes' sums, written at its end (a struct rollup) */
		int open;   /* a batch is open */
		int job;    /* the job now running may leave its sums to the batch's end */
		/*
		 * what the batch's batched jobs read and none of them writes (sale.c's
		 * catalogue rows), kept for the next job; dropped before a job that
		 * may write it and at the batch's end (the write lock is held between)
		 */
		void *memo;
		void (*memo_free)(void *memo);
	} batch;
	/*
	 * kept by core/tx.c: an adjustment is being applied on this connection
	 * (tx_adjusting), whose writes may change a closed project's records
	 */
	int adjusting;
};

/*
 * Open the database named by dsn, creating it when create is set (a SQLite
 * file; a PostgreSQL database must exist, its schema is created), and apply
 * the embedded migrations it has not seen yet. dsn is a SQLite file path
 * (or "sqlite:PATH"), or a "postgres://" / "postgresql://" URL (or a libpq
 * "key=value" string starting with "host=" or "dbname="). Returns NULL with
 * err filled on failure.
 */
struct store *store_open(const char *dsn, int create, struct err *err);

/*
 * store_open without applying the migrations (for `db migrate`, `db restore`
 * and `doctor`, which look before they change anything): what it would run
 * is store_pending; store_upgrade then runs it, as store_open does. Before
 * a migration changes a SQLite database that has data, a copy of the file as
 * it was is written beside it, FILE.schema-N.bak (N its schema version), so
 * an upgrade that goes wrong loses nothing; the copy's path is in
 * backup_out (size len; "" when none was written).
 */
struct store *store_open_as_is(const char *dsn, struct err *err);
int store_pending(struct store *st, int64_t *have, int *known, struct buf *names,
		  struct err *err);
int store_upgrade(struct store *st, char *backup_out, size_t len, struct err *err);

/*
 * Replace the database's content by the SQLite file at path (a `db backup`
 * copy), page by page under the database's own lock: a server reading it sees
 * the one or the other. Refused (ERR_CONFLICT) when the database holds a
 * change made after the copy's last (its audit log), unless force; refused
 * when the copy is no salespm database or its schema is newer than this
 * salespm's. ERR_USAGE on PostgreSQL (pg_restore). *copy_schema: the copy's.
 */
int store_restore(struct store *st, const char *path, int force, int64_t *copy_schema,
		  struct err *err);

/* Close and free (NULL is fine). */
void store_free(struct store *st);

/*
 * Group commit. store_defer_sync() makes st's commits return once written,
 * before they reach the disk (SQLite: synchronous=NORMAL, and no checkpoint
 * on commit); store_sync(), on any connection to the same database, then
 * makes every commit written before it durable with one sync (SQLite: an
 * fdatasync of the WAL file). The deferring connection's commits never
 * checkpoint (they must not wait for one): st->wal_bytes says, after each, how
 * much of the WAL is in use (counted from its start once it has started
 * over; 0 on PostgreSQL), and store_tidy() copies the WAL's frames into the database
 * (passive: beside a writer, who goes on appending; on the writer's own
 * connection, between transactions, every frame, so its next commit starts
 * the WAL over). Nothing may be acknowledged between a deferred commit and
 * the store_sync() after it.
 * store_defer_sync() returns 1 when the backend cannot defer (PostgreSQL:
 * each commit is flushed, and its server groups concurrent flushes itself);
 * store_sync() is then a no-op.
 */
int store_defer_sync(struct store *st, struct err *err);
int store_sync(struct store *st, struct err *err);
void store_tidy(struct store *st);

/* Process-wide set-up before any store is opened (SQLite threading mode). */
void store_global_init(void);

/*
 * Before the process exits, with every store freed: the threads the stores
 * started (PostgreSQL's listeners for the data version) end.
 */
void store_global_release(void);

/*
 * Whether the database can be used now, for /readyz: the file is still there,
 * readable and writable (SQLite); the connection to the server is up
 * (PostgreSQL). ERR_UNAVAILABLE when not.
 */
static inline int store_ready(struct store *st, struct err *err)
{
	return st->drv->ready(st, 1, err);
}

/*
 * Whether the connection is known to be lost (the server went away or ended
 * it): a server's worker then opens a new one before its next request. Costs
 * no question to the database.
 */
static inline int store_lost(struct store *st)
{
	return st->drv->ready(st, 0, NULL) != 0;
}

/*
 * The data version of the database: a number that every committed write, by
 * any process on the database, moves on, read without a question to the
 * database (SQLite: a counter in the shared memory of the file PATH-version
 * beside it; PostgreSQL: a counter of this process that each write's
 * NOTIFY moves, heard by a listening connection). What was read after the
 * version was v is current as long as store_data_version() still returns v:
 * read the version first, then the data, and keep the data with it. When the
 * version cannot be known (no shared file, the listener lost) every call
 * returns a new number, so nothing kept is ever taken as current.
 */
int64_t store_data_version(struct store *st);

/* The driver's name: "sqlite" or "postgresql". */
const char *store_backend(const struct store *st);

/* The driver that would open dsn (NULL when none accepts it). */
const struct store_driver *store_driver_for(const char *dsn);

/* The prepared, cached statement for sql; NULL with err on failure. */
static inline struct stmt *store_prepare(struct store *st, const char *sql, struct err *err)
{
	return st->drv->prepare(st, sql, err);
}

/* Bind parameter idx (1-based). Text is copied by the driver. */
void store_bind_int(struct store *st, struct stmt *s, int idx, int64_t v);
void store_bind_text(struct store *st, struct stmt *s, int idx, const char *txt);
void store_bind_textn(struct store *st, struct stmt *s, int idx, const char *txt, size_t len);
void store_bind_null(struct store *st, struct stmt *s, int idx);
/* Bind v, or NULL when v == none. */
void store_bind_int_or_null(struct store *st, struct stmt *s, int idx, int64_t v, int64_t none);
/* Bind txt, or NULL when txt is NULL or empty. */
void store_bind_text_or_null(struct store *st, struct stmt *s, int idx, const char *txt);

/* Step: STORE_ROW, STORE_DONE, or -1 with err (constraint failures become ERR_CONFLICT). */
int store_step(struct store *st, struct stmt *s, struct err *err);

/* Column accessors (0-based) for the current row. Text is valid until the next step/done. */
int64_t store_col_int(struct store *st, struct stmt *s, int col);
const char *store_col_text(struct store *st, struct stmt *s, int col);
int store_col_is_null(struct store *st, struct stmt *s, int col);
/* A column as an int, or none when it is NULL. */
int64_t store_col_int_or(struct store *st, struct stmt *s, int col, int64_t none);

/* Reset the statement and clear its bindings, ready for the next use. */
void store_done(struct store *st, struct stmt *s);

/* Run SQL without parameters or results (migrations, maintenance). */
int store_exec(struct store *st, const char *sql, struct err *err);

/*
 * Transactions. store_begin(st, 1, err) takes the write lock at once (no
 * upgrade deadlocks); store_begin(st, 0, err) is a consistent read snapshot.
 *
 * They nest: store_begin inside an open transaction opens a savepoint of it.
 * store_commit then releases the savepoint (its writes join the enclosing
 * transaction and are durable only when the outermost one commits) and
 * store_rollback undoes only what was written since the savepoint, so a
 * caller can run several writes in one transaction (an idempotency key and
 * the write it names; a group commit) and a failed inner write leaves the
 * others alone. A write inside a read transaction is refused (ERR_INTERNAL).
 * When the database ends the whole transaction on its own (a full disk, an
 * I/O error), the failed release or rollback closes every level: a later
 * store_commit then fails instead of committing a part.
 */
int store_begin(struct store *st, int write, struct err *err);
/* Commit (or release the innermost savepoint); on failure that level is rolled back. */
int store_commit(struct store *st, struct err *err);
/* Roll back the innermost level (nothing open: no effect). */
void store_rollback(struct store *st);
/* Roll back every open level. */
void store_rollback_all(struct store *st);

/* Integrity and foreign-key checks; findings are appended to report. 0 = clean. */
int store_check(struct store *st, struct buf *report, struct err *err);

/* Write a consistent copy of the database to path while it is in use. */
int store_backup(struct store *st, const char *path, struct err *err);

/*
 * Bulk mode for large single transactions (imports): a bigger page cache so
 * the transaction's pages are not spilled to the log before commit, and no
 * per-row foreign-key lookups (the caller validates every reference inside
 * its write transaction). Switch it on before store_begin() and off after
 * the commit or rollback. Off returns to the defaults that keep a server's
 * memory low. Calls nest: only the outermost on and its matching off change
 * the connection, so a caller that wraps a bulk write in its own transaction
 * switches bulk mode on before that transaction begins.
 */
void store_bulk(struct store *st, int on);

/*
 * After a bulk write grew tables (a comma list; NULL: every table), their
 * statistics refreshed for the query planner: PostgreSQL's ANALYZE, without
 * which a table's first big load leaves plans made for an empty one (a key's
 * later columns filtered row by row, not sought: an IN list of customers
 * scanning a project's every one on each write). Nothing on SQLite, whose
 * plans for these keys need no statistics.
 */
int store_analyze(struct store *st, const char *tables, struct err *err);

/*
 * A bulk write's ids, from the database: n consecutive ids of table that no
 * other row has or will get (*first the first), for rows the caller loads
 * with their ids (store_load_*) under the write lock. PostgreSQL takes them
 * from the identity sequence (a write rolled back leaves a gap, as any
 * sequence does); SQLite's next id is always past the largest. At most n are
 * used: store_ids_follow() afterwards brings the generator back to the last
 * one used. table is the schema's own name.
 */
int store_ids_reserve(struct store *st, const char *table, int64_t n, int64_t *first,
		      struct err *err);

/*
 * After a bulk write numbered new rows of table itself, move the database's
 * id generator to the largest id, so the next id it hands out is new
 * (PostgreSQL's identity sequence; nothing to do on SQLite). table is the
 * schema's own name.
 */
int store_ids_follow(struct store *st, const char *table, struct err *err);

/*
 * A statement whose SQL is written at run time (db copy's, from the
 * catalog): not cached; the caller finalizes it. Core keeps to named
 * constants and store_prepare().
 */
struct stmt *store_prepare_dyn(struct store *st, const char *sql, struct err *err);
void store_finalize_dyn(struct store *st, struct stmt *s);
/* store_query_int() for a run-time statement. */
int store_query_dyn_int(struct store *st, const char *sql, int64_t *out, struct err *err);

/*
 * Load many rows into table, inside the caller's write transaction: the
 * fastest way each backend has (PostgreSQL's COPY, SQLite's prepared INSERT).
 * Give each row's values in the order of cols with store_load_int / _text /
 * _null, then store_load_row(); store_load_end() finishes (ok = 0 abandons
 * what was sent) and frees the load, which is gone after it either way.
 * Table and column names are the schema's own, never user text.
 */
struct store_load *store_load_begin(struct store *st, const char *table, int ncols,
				    const char *const *cols, struct err *err);
void store_load_int(struct store_load *l, int64_t v);
void store_load_text(struct store_load *l, const char *txt);
void store_load_null(struct store_load *l);
int store_load_row(struct store_load *l, struct err *err);
int store_load_end(struct store_load *l, int ok, struct err *err);

/*
 * Copy every row of every table of from (but its migration bookkeeping) into
 * to, which must hold the same schema and no rows: one transaction on to,
 * one read snapshot of from. progress (may be NULL) hears of each table.
 */
int store_copy(struct store *from, struct store *to,
	       void (*progress)(void *ctx, const char *table, int64_t rows), void *ctx,
	       struct err *err);

/* Convenience: run a statement that returns one integer (or none when no row). */
int store_query_int(struct store *st, const char *sql, int64_t *out, struct err *err);

#endif
