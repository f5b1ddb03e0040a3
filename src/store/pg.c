/*
 * pg.c - the PostgreSQL driver, through libpq: the store's '?' and '?N'
 * placeholders become $N, statements are prepared once per connection and
 * cached by their SQL's address, results come back whole (so a caller may run
 * another statement while it reads rows, as with SQLite), and a write
 * transaction takes one advisory lock, so writers are serialised across every
 * process on the database exactly as SQLite's BEGIN IMMEDIATE serialises them.
 * The schema's SQLite dialect is translated here, in one place (pg_ddl).
 */
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "store/driver.h"
#include "store/stmtcache.h"
#include "base/banned.h"

/*
 * libpq is loaded on the first PostgreSQL connection (pq_load), not linked:
 * it brings a dozen libraries (TLS, Kerberos, LDAP, SASL) whose loading took
 * ~8 ms of every start, on SQLite too (SPEC: cold start <= 30 ms). Each
 * function pg.c calls is a pointer of the function's own type.
 */
#define PQ_LIBRARY "libpq.so.5"
#define PQ_FUNCTIONS(X) \
	X(PQclear) \
	X(PQcmdStatus) \
	X(PQconnectdb) \
	X(PQconsumeInput) \
	X(PQerrorMessage) \
	X(PQexec) \
	X(PQexecPrepared) \
	X(PQfinish) \
	X(PQfreemem) \
	X(PQgetResult) \
	X(PQgetisnull) \
	X(PQgetvalue) \
	X(PQnotifies) \
	X(PQntuples) \
	X(PQprepare) \
	X(PQputCopyData) \
	X(PQputCopyEnd) \
	X(PQresultErrorField) \
	X(PQresultErrorMessage) \
	X(PQresultStatus) \
	X(PQsetNoticeProcessor) \
	X(PQsocket) \
	X(PQstatus) \
	X(PQtransactionStatus)

#define PQ_POINTER(f) static __typeof__(f) *pq_##f;
PQ_FUNCTIONS(PQ_POINTER)
#define PQclear pq_PQclear
#define PQcmdStatus pq_PQcmdStatus
#define PQconnectdb pq_PQconnectdb
#define PQconsumeInput pq_PQconsumeInput
#define PQerrorMessage pq_PQerrorMessage
#define PQexec pq_PQexec
#define PQexecPrepared pq_PQexecPrepared
#define PQfinish pq_PQfinish
#define PQfreemem pq_PQfreemem
#define PQgetResult pq_PQgetResult
#define PQgetisnull pq_PQgetisnull
#define PQgetvalue pq_PQgetvalue
#define PQnotifies pq_PQnotifies
#define PQntuples pq_PQntuples
#define PQprepare pq_PQprepare
#define PQputCopyData pq_PQputCopyData
#define PQputCopyEnd pq_PQputCopyEnd
#define PQresultErrorField pq_PQresultErrorField
#define PQresultErrorMessage pq_PQresultErrorMessage
#define PQresultStatus pq_PQresultStatus
#define PQsetNoticeProcessor pq_PQsetNoticeProcessor
#define PQsocket pq_PQsocket
#define PQstatus pq_PQstatus
#define PQtransactionStatus pq_PQtransactionStatus

static int pq_loaded;
static char pq_error[200];

static void pq_load_once(void)
{
	void *h = dlopen(PQ_LIBRARY, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(pq_error, sizeof(pq_error), "%s", dlerror());
		return;
	}
#define PQ_FIND(f)                                                                          \
	if (!(*(void **)&pq_##f = dlsym(h, #f))) {                                          \
		snprintf(pq_error, sizeof(pq_error), "%s has no %s", PQ_LIBRARY, #f);       \
		return;                                                                     \
	}
	PQ_FUNCTIONS(PQ_FIND)
#undef PQ_FIND
	pq_loaded = 1;
}

/* libpq's functions, loaded once for the process (kept loaded until it ends). */
static int pq_load(struct err *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, pq_load_once);
	if (!pq_loaded)
		return err_set(err, ERR_UNAVAILABLE, "db", "db_unavailable",
			       "PostgreSQL needs libpq: %s", pq_error);
	return 0;
}

/* The advisory lock every write transaction holds ("salespm" on a phone keypad). */
#define PG_WRITE_LOCK 72577376

struct pg_param {
	char *text;      /* the value as text, or NULL for NULL */
	char inline_[24]; /* room for an integer's text */
	int owned;       /* text was allocated */
};

struct pg_stmt {
	PGconn *conn;
	char name[24];
	int nparams;
	struct pg_param *params;
	const char **values;
	int *lengths;
	PGresult *res;
	int row, nrows;
};

struct pg_conn {
	PGconn *conn;
	unsigned next_name;
	int64_t notified; /* the notice the commit in hand sent (0: none) */
};

#define PG(st) (((struct pg_conn *)(st)->conn)->conn)

static int pg_accepts(const char *dsn)
{
	return !strncmp(dsn, "postgres://", 11) || !strncmp(dsn, "postgresql://", 13) ||
	       !strncmp(dsn, "host=", 5) || !strncmp(dsn, "dbname=", 7) ||
	       !strncmp(dsn, "service=", 8);
}

/*
 * Map an error to the store's codes by its SQLSTATE: integrity violations are
 * conflicts, serialisation failures and lost connections make the store
 * unavailable, the rest are internal.
 */
static int fail_res(PGconn *conn, const PGresult *res, struct err *err, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
	char clean[160];
	size_t n;

	snprintf(clean, sizeof(clean), "%s", msg && *msg ? msg : "no answer from the server");
	n = strlen(clean);
	while (n && (clean[n - 1] == '\n' || clean[n - 1] == ' '))
		clean[--n] = '\0';
	if (PQstatus(conn) != CONNECTION_OK)
		return err_set(err, ERR_UNAVAILABLE, "db", "db_unavailable", "%s: %s", what, clean);
	if (state && !strncmp(state, "23", 2))
		return err_set(err, ERR_CONFLICT, NULL, "constraint", "%s", clean);
	if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01") ||
		      !strcmp(state, "55P03") || !strcmp(state, "57014")))
		return err_set(err, ERR_UNAVAILABLE, NULL, "db_busy", "database is busy: %s", clean);
	if (state && (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3) ||
		      !strncmp(state, "53", 2)))
		return err_set(err, ERR_UNAVAILABLE, "db", "db_unavailable", "%s: %s", what, clean);
	return err_set(err, ERR_INTERNAL, NULL, "db_error", "%s: %s", what, clean);
}

/* The server's notices go nowhere: the CLI's stderr is for the user's messages. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/*
 * The data version (store_data_version). Every transaction that wrote sends
 * NOTIFY on this channel with its COMMIT (a statement that wrote on its own,
 * right after it); one connection per process per database LISTENs to it in a
 * thread of its own, started by the first question for the version, and moves
 * a counter of the process on at each notice. This process's own commits move
 * it at once too. While the listener is not connected, the version is a new
 * number at every question.
 *
 * A notice travels on its own: another server's listener may hear it a little
 * after the write was answered. Two things keep that window shut in practice:
 * a write is answered only after this process's own listener heard it (every
 * listening connection is told at the same commit), and a question for the
 * version first looks whether the listener's socket holds a notice not yet
 * read (then the version moves at once, without waiting for that thread).
 */
#define VERSION_CHANNEL "salespm_data"
/* How long a write waits for its own notice (ms) before it is answered anyway. */
#define VERSION_WAIT_MS 200

struct pg_version {
	char *dsn;
	int64_t counter;
	int live;    /* LISTEN is in force: the counter follows every commit */
	int started; /* the listener thread runs */
	pthread_t thread;
	int stop_fd[2]; /* a byte written here ends the listener (pg_versions_stop) */
	int fd;      /* the listener's socket while live, else -1 */
	int64_t sent, heard; /* this process's notices: the last sent, the last heard */
	pthread_mutex_t lock; /* with heard_cond: a writer waits for its notice */
	pthread_cond_t heard_cond;
	struct pg_version *next;
};

static pthread_mutex_t versions_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pg_version *versions;
static int versions_stopped; /* the process is ending: no listener starts any more */

/*
 * End every listener thread (before the process exits: a thread inside libpq
 * while exit() runs the libraries' destructors would crash the exit).
 */
void pg_versions_stop(void)
{
	pthread_mutex_lock(&versions_lock);
	versions_stopped = 1;
	pthread_mutex_unlock(&versions_lock);
	for (struct pg_version *v = versions; v; v = v->next) {
		if (!v->started)
			continue;
		if (write(v->stop_fd[1], "x", 1) < 0) {
			/* a pipe with room: cannot fail */
		}
		pthread_join(v->thread, NULL);
		close(v->stop_fd[0]);
		close(v->stop_fd[1]);
		v->started = 0;
	}
}

static void version_move(struct pg_version *v)
{
	__atomic_add_fetch(&v->counter, 1, __ATOMIC_SEQ_CST);
}

/* Wait ms, or less if the listener is told to stop: whether it was (1). */
static int nap_ms(struct pg_version *v, long ms)
{
	struct pollfd pfd = { v->stop_fd[0], POLLIN, 0 };
	return poll(&pfd, 1, (int)ms) > 0;
}

/* A notice heard: the version moves; one of this process's wakes the writer waiting for it. */
static void version_heard(struct pg_version *v, const PGnotify *n)
{
	char *end;
	long long pid, seq;

	version_move(v);
	pid = strtoll(n->extra, &end, 10);
	if (*end != ':' || pid != (long long)getpid())
		return;
	seq = strtoll(end + 1, NULL, 10);
	pthread_mutex_lock(&v->lock);
	if (seq > v->heard)
		v->heard = seq;
	pthread_cond_broadcast(&v->heard_cond);
	pthread_mutex_unlock(&v->lock);
}

static void *version_listen(void *arg)
{
	struct pg_version *v = arg;

	for (;;) {
		PGconn *conn = PQconnectdb(v->dsn);
		PGresult *res;
		PGnotify *n;
		int stop = 0; /* told to end (pg_versions_stop) */

		if (PQstatus(conn) != CONNECTION_OK) {
			PQfinish(conn);
			if (nap_ms(v, 200))
				break;
			continue;
		}
		res = PQexec(conn, "LISTEN " VERSION_CHANNEL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			PQclear(res);
			PQfinish(conn);
			if (nap_ms(v, 200))
				break;
			continue;
		}
		PQclear(res);
		/* what was kept while no one listened is not current */
		__atomic_store_n(&v->fd, PQsocket(conn), __ATOMIC_SEQ_CST);
		__atomic_store_n(&v->live, 1, __ATOMIC_SEQ_CST);
		version_move(v);
		for (;;) {
			struct pollfd pfd[2] = { { PQsocket(conn), POLLIN, 0 },
						 { v->stop_fd[0], POLLIN, 0 } };
			if (poll(pfd, 2, -1) < 0 && errno != EINTR)
				break;
			if (pfd[1].revents) {
				stop = 1;
				break;
			}
			/*
			 * moved before the notice is read: from the moment it is out of
			 * the socket (where a question for the version looks) until it
			 * is counted, the version must already have moved
			 */
			if (pfd[0].revents)
				version_move(v);
			if (!PQconsumeInput(conn))
				break;
			while ((n = PQnotifies(conn))) {
				version_heard(v, n);
				PQfreemem(n);
			}
			if (PQstatus(conn) != CONNECTION_OK)
				break;
		}
		__atomic_store_n(&v->live, 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&v->fd, -1, __ATOMIC_SEQ_CST);
		version_move(v);
		PQfinish(conn);
		/* no notice will come: no writer waits for one */
		pthread_mutex_lock(&v->lock);
		v->heard = v->sent;
		pthread_cond_broadcast(&v->heard_cond);
		pthread_mutex_unlock(&v->lock);
		if (stop || nap_ms(v, 100))
			break;
	}
	return NULL;
}

/* The process's version source for dsn (one per database, kept for the process's life). */
static struct pg_version *version_for(const char *dsn)
{
	struct pg_version *v;

	pthread_mutex_lock(&versions_lock);
	for (v = versions; v && strcmp(v->dsn, dsn); v = v->next)
		;
	if (!v) {
		v = xcalloc(1, sizeof(*v));
		v->dsn = xstrdup(dsn);
		v->fd = -1;
		pthread_mutex_init(&v->lock, NULL);
		pthread_cond_init(&v->heard_cond, NULL);
		v->next = versions;
		versions = v;
	}
	pthread_mutex_unlock(&versions_lock);
	return v;
}

static int64_t pg_data_version(struct store *st)
{
	struct pg_version *v = st->version;

	if (__atomic_load_n(&v->live, __ATOMIC_ACQUIRE)) {
		/* a notice in the socket that the listener has not read yet moves it now */
		struct pollfd pfd = { __atomic_load_n(&v->fd, __ATOMIC_ACQUIRE), POLLIN, 0 };
		if (pfd.fd >= 0 && poll(&pfd, 1, 0) > 0)
			return __atomic_add_fetch(&v->counter, 1, __ATOMIC_SEQ_CST);
		return __atomic_load_n(&v->counter, __ATOMIC_ACQUIRE);
	}
	pthread_mutex_lock(&versions_lock);
	if (!v->started && !versions_stopped && pipe2(v->stop_fd, O_CLOEXEC) == 0) {
		v->started = pthread_create(&v->thread, NULL, version_listen, v) == 0;
		if (!v->started) {
			close(v->stop_fd[0]);
			close(v->stop_fd[1]);
		}
	}
	pthread_mutex_unlock(&versions_lock);
	return __atomic_add_fetch(&v->counter, 1, __ATOMIC_SEQ_CST);
}

/* The NOTIFY of this process's next notice (its number in *seq), ahead of sql ("" or "; COMMIT"). */
static void notify_sql(struct pg_version *v, const char *then, char *out, size_t n, int64_t *seq)
{
	*seq = __atomic_add_fetch(&v->sent, 1, __ATOMIC_SEQ_CST);
	snprintf(out, n, "NOTIFY " VERSION_CHANNEL ", '%lld:%lld'%s", (long long)getpid(),
		 (long long)*seq, then);
}

/* Wait (a little at most) until this process's listener heard notice seq. */
static void notify_wait(struct pg_version *v, int64_t seq)
{
	struct timespec until;

	if (!__atomic_load_n(&v->live, __ATOMIC_ACQUIRE))
		return;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += VERSION_WAIT_MS * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&v->lock);
	while (v->heard < seq && pthread_cond_timedwait(&v->heard_cond, &v->lock, &until) == 0)
		;
	pthread_mutex_unlock(&v->lock);
}

static void pg_data_changed(struct store *st, int committed)
{
	struct pg_conn *c = st->conn;
	char sql[96];
	int64_t seq;

	if (!committed) {
		notify_sql(st->version, "", sql, sizeof(sql), &seq);
		PQclear(PQexec(c->conn, sql));
		c->notified = seq;
	}
	version_move(st->version);
	if (c->notified)
		notify_wait(st->version, c->notified);
	c->notified = 0;
}

static int pg_wrote(struct stmt *st)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	const char *tag;

	if (!s->res)
		return 0;
	tag = PQcmdStatus(s->res);
	return !strncmp(tag, "INSERT", 6) || !strncmp(tag, "UPDATE", 6) ||
	       !strncmp(tag, "DELETE", 6) || !strncmp(tag, "MERGE", 5);
}

static int pg_open(struct store *st, const char *dsn, struct err *err)
{
	struct pg_conn *c;
	PGresult *res;

	if (pq_load(err))
		return -1;
	c = xcalloc(1, sizeof(*c));
	c->conn = PQconnectdb(dsn);
	if (PQstatus(c->conn) != CONNECTION_OK) {
		char msg[160];
		size_t n;
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(c->conn));
		n = strlen(msg);
		while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			msg[--n] = '\0';
		err_set(err, ERR_UNAVAILABLE, "db", "db_unavailable",
			"cannot connect to PostgreSQL: %s", msg);
		PQfinish(c->conn);
		free(c);
		return -1;
	}
	PQsetNoticeProcessor(c->conn, quiet, NULL);
	/* UTF-8 in and out, UTC instants, and no surprise from a server's defaults */
	res = PQexec(c->conn, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; "
			      "SET synchronous_commit = on; SET client_min_messages = warning");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fail_res(c->conn, res, err, "connect");
		PQclear(res);
		PQfinish(c->conn);
		free(c);
		return -1;
	}
	PQclear(res);
	st->conn = c;
	st->cache = xcalloc(1, sizeof(struct stmtcache));
	st->version = version_for(dsn);
	return 0;
}

static void stmt_clear_params(struct pg_stmt *s)
{
	for (int i = 0; i < s->nparams; i++) {
		if (s->params[i].owned)
			free(s->params[i].text);
		s->params[i].text = NULL;
		s->params[i].owned = 0;
		s->values[i] = NULL;
		s->lengths[i] = 0;
	}
}

static void stmt_free(void *p)
{
	struct pg_stmt *s = p;

	if (!s)
		return;
	stmt_clear_params(s);
	PQclear(s->res);
	free(s->params);
	free(s->values);
	free(s->lengths);
	free(s);
}

static void pg_close(struct store *st)
{
	struct pg_conn *c = st->conn;

	if (st->cache) {
		stmtcache_clear(st->cache, stmt_free);
		free(st->cache);
		st->cache = NULL;
	}
	if (c) {
		PQfinish(c->conn);
		free(c);
	}
	st->conn = NULL;
}

/*
 * The statement's text for PostgreSQL: '?N' becomes $N and a bare '?' the
 * next number after the largest so far (SQLite's rule); quoted text and
 * comments are copied as they are. Returns the number of parameters.
 */
static int placeholders(const char *sql, struct buf *out)
{
	int max = 0;

	for (const char *p = sql; *p; p++) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			buf_addch(out, *p);
			for (p++; *p; p++) {
				buf_addch(out, *p);
				if (*p == q) {
					if (p[1] == q) {
						buf_addch(out, *++p);
						continue;
					}
					break;
				}
			}
			if (!*p)
				break;
			continue;
		}
		if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				buf_addch(out, *p++);
			if (!*p)
				break;
			buf_addch(out, *p);
			continue;
		}
		if (*p == '?') {
			int n = 0;
			if (isdigit((unsigned char)p[1])) {
				while (isdigit((unsigned char)p[1]))
					n = n * 10 + (*++p - '0');
			} else {
				n = max + 1;
			}
			if (n > max)
				max = n;
			buf_addf(out, "$%d", n);
			continue;
		}
		buf_addch(out, *p);
	}
	return max;
}

/* Prepare sql on the server under a name beginning with prefix ('s' cached, 'd' one-off). */
static struct pg_stmt *prepare_named(struct pg_conn *c, const char *sql, char prefix,
				     struct err *err)
{
	struct buf text = BUF_INIT;
	struct pg_stmt *s;
	PGresult *res;
	int n = placeholders(sql, &text);

	s = xcalloc(1, sizeof(*s));
	s->conn = c->conn;
	snprintf(s->name, sizeof(s->name), "%c%u", prefix, c->next_name++);
	s->nparams = n;
	s->params = xcalloc((size_t)(n ? n : 1), sizeof(*s->params));
	s->values = xcalloc((size_t)(n ? n : 1), sizeof(*s->values));
	s->lengths = xcalloc((size_t)(n ? n : 1), sizeof(*s->lengths));
	res = PQprepare(c->conn, s->name, buf_cstr(&text), 0, NULL);
	buf_release(&text);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fail_res(c->conn, res, err, "prepare");
		PQclear(res);
		stmt_free(s);
		return NULL;
	}
	PQclear(res);
	return s;
}

static struct stmt *pg_prepare(struct store *st, const char *sql, struct err *err)
{
	struct pg_stmt *s = stmtcache_get(st->cache, sql);

	if (s)
		return (struct stmt *)s;
	s = prepare_named(st->conn, sql, 's', err);
	if (!s)
		return NULL;
	stmtcache_put(st->cache, sql, s);
	return (struct stmt *)s;
}

static struct pg_param *param(struct pg_stmt *s, int idx)
{
	struct pg_param *p;

	if (idx < 1 || idx > s->nparams)
		return NULL; /* the SQL has no such parameter: as SQLite, binding it is a no-op */
	p = &s->params[idx - 1];
	if (p->owned)
		free(p->text);
	p->owned = 0;
	p->text = NULL;
	return p;
}

static void pg_bind_int(struct stmt *st, int idx, int64_t v)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	struct pg_param *p = param(s, idx);

	if (!p)
		return;
	snprintf(p->inline_, sizeof(p->inline_), "%lld", (long long)v);
	p->text = p->inline_;
	s->values[idx - 1] = p->text;
	s->lengths[idx - 1] = (int)strlen(p->text);
}

static void pg_bind_text(struct stmt *st, int idx, const char *txt, size_t len)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	struct pg_param *p = param(s, idx);

	if (!p)
		return;
	p->text = xmalloc(len + 1);
	memcpy(p->text, txt, len);
	p->text[len] = '\0';
	p->owned = 1;
	s->values[idx - 1] = p->text;
	s->lengths[idx - 1] = (int)len;
}

static void pg_bind_null(struct stmt *st, int idx)
{
	struct pg_stmt *s = (struct pg_stmt *)st;

	if (param(s, idx))
		s->values[idx - 1] = NULL;
}

static int pg_step(struct stmt *st, struct err *err)
{
	struct pg_stmt *s = (struct pg_stmt *)st;

	if (!s->res) {
		ExecStatusType status;
		s->res = PQexecPrepared(s->conn, s->name, s->nparams, s->values, s->lengths, NULL,
					0);
		status = PQresultStatus(s->res);
		if (status == PGRES_COMMAND_OK) {
			s->nrows = 0;
		} else if (status == PGRES_TUPLES_OK) {
			s->nrows = PQntuples(s->res);
		} else {
			fail_res(s->conn, s->res, err, "query");
			PQclear(s->res);
			s->res = NULL;
			return -1;
		}
		s->row = -1;
	}
	if (s->row + 1 < s->nrows) {
		s->row++;
		return STORE_ROW;
	}
	s->row = s->nrows;
	return STORE_DONE;
}

static int64_t pg_col_int(struct stmt *st, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	const char *v;

	if (!s->res || s->row < 0 || s->row >= s->nrows || PQgetisnull(s->res, s->row, col))
		return 0;
	v = PQgetvalue(s->res, s->row, col);
	/* booleans read as SQLite's 0 and 1 */
	if (v[0] == 't' && !v[1])
		return 1;
	if (v[0] == 'f' && !v[1])
		return 0;
	return strtoll(v, NULL, 10);
}

static const char *pg_col_text(struct stmt *st, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)st;

	if (!s->res || s->row < 0 || s->row >= s->nrows || PQgetisnull(s->res, s->row, col))
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

static int pg_col_is_null(struct stmt *st, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)st;

	return !s->res || s->row < 0 || s->row >= s->nrows || PQgetisnull(s->res, s->row, col);
}

static void pg_done(struct stmt *st)
{
	struct pg_stmt *s = (struct pg_stmt *)st;

	PQclear(s->res);
	s->res = NULL;
	s->row = -1;
	s->nrows = 0;
	stmt_clear_params(s);
}

static int pg_exec(struct store *st, const char *sql, struct err *err)
{
	PGresult *res = PQexec(PG(st), sql);
	ExecStatusType status = PQresultStatus(res);
	int r = 0;

	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
		r = fail_res(PG(st), res, err, "exec");
	PQclear(res);
	return r;
}

static int pg_begin(struct store *st, int write, struct err *err)
{
	char sql[128];

	if (!write)
		return pg_exec(st, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err);
	snprintf(sql, sizeof(sql), "BEGIN; SELECT pg_advisory_xact_lock(%d)", PG_WRITE_LOCK);
	return pg_exec(st, sql, err);
}

static int pg_commit(struct store *st, struct err *err)
{
	struct pg_conn *c = st->conn;
	char sql[96];
	int64_t seq;
	PGTransactionStatusType ts = PQtransactionStatus(PG(st));

	/*
	 * PostgreSQL answers COMMIT without an error when there is nothing to
	 * commit: a transaction that failed (it rolls back) or ended already (a
	 * release still waiting would have told, release_later). Neither is
	 * reported as kept.
	 */
	if (ts != PQTRANS_INTRANS)
		return err_set(err, ERR_UNAVAILABLE, "db", "db_unavailable",
			       ts == PQTRANS_INERROR ? "the transaction failed: nothing of it was kept"
						     : "the transaction had ended: nothing of it was kept");
	if (!st->tx_wrote)
		return pg_exec(st, "COMMIT", err);
	/* the notice is delivered at the commit, and only if it commits */
	notify_sql(st->version, "; COMMIT", sql, sizeof(sql), &seq);
	c->notified = seq;
	if (pg_exec(st, sql, err)) {
		c->notified = 0; /* not committed: no notice will come */
		return -1;
	}
	return 0;
}

static void pg_rollback(struct store *st)
{
	if (PQtransactionStatus(PG(st)) != PQTRANS_IDLE)
		PQclear(PQexec(PG(st), "ROLLBACK"));
}

/*
 * PostgreSQL keeps its own pages and foreign keys whole; what `db check` can
 * add is that the server answers and the schema is there.
 */
/*
 * One query per single-column foreign key of the schema, written by the
 * server from its catalog (identifiers quoted by format's %I): the ids of the
 * rows whose reference finds no row (at most 20 a key). The schema's keys are
 * enforced at commit, so rows like these come only from outside salespm (a
 * load with triggers off, a hand edit): db check finds them all the same.
 */
static const char SQL_PG_FK_QUERIES[] =
	"SELECT format('SELECT %s FROM %I t WHERE t.%I IS NOT NULL AND NOT EXISTS "
	"(SELECT 1 FROM %I p WHERE p.%I = t.%I) ORDER BY 1 LIMIT 20', "
	"CASE WHEN EXISTS (SELECT 1 FROM pg_attribute i WHERE i.attrelid = k.conrelid "
	"AND i.attname = 'id' AND NOT i.attisdropped) THEN 't.id' ELSE '0' END, "
	"cl.relname, a.attname, fl.relname, fa.attname, a.attname), cl.relname, fl.relname "
	"FROM pg_constraint k JOIN pg_class cl ON cl.oid = k.conrelid "
	"JOIN pg_class fl ON fl.oid = k.confrelid "
	"JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] "
	"JOIN pg_attribute fa ON fa.attrelid = k.confrelid AND fa.attnum = k.confkey[1] "
	"WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace "
	"AND cardinality(k.conkey) = 1 ORDER BY cl.relname, a.attname";

static struct stmt *pg_prepare_once(struct store *st, const char *sql, struct err *err);
static void pg_finalize(struct store *st, struct stmt *st_);

/* db check on PostgreSQL: the migrations are recorded and every reference finds its row. */
static int pg_check(struct store *st, struct buf *report, struct err *err)
{
	struct stmt *q;
	int64_t n = 0;
	int bad = 0, rc;

	if (store_query_int(st, "SELECT COUNT(*) FROM schema_migrations", &n, err))
		return -1;
	if (n == 0) {
		buf_adds(report, "schema: no migrations recorded\n");
		bad = 1;
	}
	q = pg_prepare_once(st, SQL_PG_FK_QUERIES, err);
	if (!q)
		return -1;
	while ((rc = pg_step(q, err)) == STORE_ROW) {
		struct stmt *orphans = pg_prepare_once(st, pg_col_text(q, 0), err);
		const char *child = pg_col_text(q, 1), *parent = pg_col_text(q, 2);

		if (!orphans) {
			pg_finalize(st, q);
			return -1;
		}
		while ((rc = pg_step(orphans, err)) == STORE_ROW) {
			buf_addf(report, "foreign key: %s row %lld refers to a missing %s row\n", child,
				 (long long)pg_col_int(orphans, 0), parent);
			bad = 1;
		}
		pg_finalize(st, orphans);
		if (rc < 0)
			break;
	}
	pg_finalize(st, q);
	return rc < 0 ? -1 : bad;
}

/* The connection is up (the caller asks the server a question next). */
static int pg_ready(struct store *st, int ask, struct err *err)
{
	PGconn *conn = PG(st);

	(void)ask;
	/*
	 * An idle connection has nothing to read unless the server ended it (its
	 * last words, then the close): read them now, so that the request about
	 * to run opens a new connection instead of failing on this one.
	 */
	if (PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) == PQTRANS_IDLE) {
		/* twice: the message, then the end of the stream after it */
		for (int i = 0; i < 2 && PQstatus(conn) == CONNECTION_OK; i++) {
			struct pollfd pfd = { PQsocket(conn), POLLIN, 0 };

			if (pfd.fd < 0 || poll(&pfd, 1, 0) <= 0 || !PQconsumeInput(conn))
				break;
		}
	}
	if (PQstatus(conn) != CONNECTION_OK)
		return !err ? -1 : err_set(err, ERR_UNAVAILABLE, "db", "db_unavailable",
			       "the connection to PostgreSQL is lost: %s", PQerrorMessage(conn));
	return 0;
}

static int pg_backup(struct store *st, const char *path, struct err *err)
{
	(void)st;
	return err_set(err, ERR_USAGE, "file", "backup_use_pg_dump:file",
		       "a PostgreSQL database is backed up with pg_dump (e.g. pg_dump -Fc -f %s "
		       "DBNAME), not by salespm",
		       path);
}

static void pg_bulk(struct store *st, int on)
{
	/* a large import's sort and hash work in memory, not on disk */
	PQclear(PQexec(PG(st), on ? "SET work_mem = '256MB'" : "RESET work_mem"));
}

static int pg_analyze(struct store *st, const char *tables, struct err *err)
{
	struct buf sql = BUF_INIT;
	int r;

	buf_adds(&sql, "ANALYZE");
	if (tables)
		buf_addf(&sql, " %s", tables);
	r = pg_exec(st, buf_cstr(&sql), err);
	buf_release(&sql);
	return r;
}

/* Whether s[i..] starts with word as a whole word. */
static int word_at(const char *s, size_t i, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(s + i, word, n))
		return 0;
	if (i > 0 && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_'))
		return 0;
	return !(isalnum((unsigned char)s[i + n]) || s[i + n] == '_');
}

/*
 * The schema in PostgreSQL's words: INTEGER columns are BIGINT (SQLite's
 * integers are 64-bit), an "INTEGER PRIMARY KEY" is an identity column, text
 * compares byte-wise (COLLATE "C", as SQLite does), foreign keys are checked
 * at commit, SQLite's TOTAL() is SUM(), and SQLite's table options (STRICT,
 * WITHOUT ROWID) go. Comments and quoted text are left alone.
 */
static void pg_ddl(const char *schema, struct buf *out)
{
	size_t i = 0, n = strlen(schema);

	while (i < n) {
		char c = schema[i];
		if (c == '-' && schema[i + 1] == '-') {
			while (i < n && schema[i] != '\n')
				buf_addch(out, schema[i++]);
			continue;
		}
		if (c == '\'') {
			buf_addch(out, schema[i++]);
			while (i < n && schema[i] != '\'')
				buf_addch(out, schema[i++]);
			if (i < n)
				buf_addch(out, schema[i++]);
			continue;
		}
		if (word_at(schema, i, "REFERENCES")) {
			/*
			 * REFERENCES t(c) [ON DELETE|UPDATE action]...: checked at commit, so
			 * a write may insert rows in any order within its transaction (an
			 * import writes sales beside the customers they name), as SQLite's
			 * bulk mode allows.
			 */
			while (i < n && schema[i] != ')')
				buf_addch(out, schema[i++]);
			if (i < n)
				buf_addch(out, schema[i++]);
			for (;;) {
				size_t k = i;
				while (k < n && (schema[k] == ' ' || schema[k] == '\t'))
					k++;
				if (!word_at(schema, k, "ON"))
					break;
				/* "ON DELETE CASCADE", "ON DELETE SET NULL", "ON UPDATE NO ACTION" */
				k += 2;
				for (int words = 0; words < 3 && k < n; words++) {
					size_t w = k;
					while (w < n && schema[w] == ' ')
						w++;
					if (!(word_at(schema, w, "DELETE") || word_at(schema, w, "UPDATE") ||
					      word_at(schema, w, "CASCADE") || word_at(schema, w, "SET") ||
					      word_at(schema, w, "NULL") || word_at(schema, w, "DEFAULT") ||
					      word_at(schema, w, "RESTRICT") || word_at(schema, w, "NO") ||
					      word_at(schema, w, "ACTION")))
						break;
					while (w < n && isalpha((unsigned char)schema[w]))
						w++;
					k = w;
				}
				while (i < k)
					buf_addch(out, schema[i++]);
			}
			buf_adds(out, " DEFERRABLE INITIALLY DEFERRED");
			continue;
		}
		if (word_at(schema, i, "INTEGER PRIMARY KEY")) {
			buf_adds(out, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
			i += strlen("INTEGER PRIMARY KEY");
			continue;
		}
		if (word_at(schema, i, "INTEGER")) {
			buf_adds(out, "BIGINT");
			i += strlen("INTEGER");
			continue;
		}
		if (word_at(schema, i, "TEXT")) {
			buf_adds(out, "TEXT COLLATE \"C\"");
			i += strlen("TEXT");
			continue;
		}
		if (word_at(schema, i, "TOTAL") && schema[i + 5] == '(') {
			/* SQLite's TOTAL() (a sum that never overflows) is SUM() here */
			buf_adds(out, "SUM");
			i += strlen("TOTAL");
			continue;
		}
		if (word_at(schema, i, "group_concat") && schema[i + 12] == '(') {
			/* SQLite's group_concat(x, sep) is string_agg(x, sep) here */
			buf_adds(out, "string_agg");
			i += strlen("group_concat");
			continue;
		}
		if (word_at(schema, i, "REAL")) {
			buf_adds(out, "DOUBLE PRECISION");
			i += strlen("REAL");
			continue;
		}
		if (c == ')') {
			/* ") STRICT", ") STRICT, WITHOUT ROWID", ") WITHOUT ROWID" */
			size_t j = i + 1, k;
			int options = 0;
			for (;;) {
				k = j;
				while (k < n && (schema[k] == ' ' || schema[k] == '\t' || schema[k] == '\n' ||
						 schema[k] == ','))
					k++;
				if (word_at(schema, k, "STRICT")) {
					j = k + strlen("STRICT");
					options = 1;
				} else if (word_at(schema, k, "WITHOUT ROWID")) {
					j = k + strlen("WITHOUT ROWID");
					options = 1;
				} else {
					break;
				}
			}
			buf_addch(out, ')');
			i = options ? j : i + 1;
			continue;
		}
		buf_addch(out, c);
		i++;
	}
}

static struct stmt *pg_prepare_once(struct store *st, const char *sql, struct err *err)
{
	return (struct stmt *)prepare_named(st->conn, sql, 'd', err);
}

static void pg_finalize(struct store *st, struct stmt *st_)
{
	struct pg_stmt *s = (struct pg_stmt *)st_;
	char sql[64];

	snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
	PQclear(PQexec(PG(st), sql));
	stmt_free(s);
}

/* A table's identity column starts after the largest id copied in. */
static int pg_ids_follow(struct store *st, const char *table, struct err *err)
{
	struct buf sql = BUF_INIT;
	int r;

	buf_addf(&sql,
		 "SELECT setval(pg_get_serial_sequence('%s', 'id'), GREATEST(COALESCE(MAX(id), 0), 1), "
		 "MAX(id) IS NOT NULL) FROM %s WHERE pg_get_serial_sequence('%s', 'id') IS NOT NULL",
		 table, table, table);
	r = pg_exec(st, buf_cstr(&sql), err);
	buf_release(&sql);
	return r;
}

/*
 * The next n values of table's identity sequence: one nextval, then the
 * sequence moved past the n (the write lock keeps every other writer out
 * meanwhile; a sequence is not rolled back, so a failed write leaves a gap).
 */
static int pg_ids_reserve(struct store *st, const char *table, int64_t n, int64_t *first,
			  struct err *err)
{
	char sql[192];

	snprintf(sql, sizeof(sql), "SELECT nextval(pg_get_serial_sequence('%s', 'id'))", table);
	if (store_query_dyn_int(st, sql, first, err))
		return -1;
	if (n <= 1)
		return 0;
	snprintf(sql, sizeof(sql), "SELECT setval(pg_get_serial_sequence('%s', 'id'), %lld)", table,
		 (long long)(*first + n - 1));
	return pg_exec(st, sql, err);
}

/* A load: COPY ... FROM STDIN in text format, sent in chunks. */
struct store_load {
	struct store_load_head head;
	PGconn *conn;
	struct buf data;
	int col;
	int failed;
};

#define LOAD_CHUNK (256 * 1024)

static struct store_load *pg_load_begin(struct store *st, const char *table, int ncols,
					const char *const *cols, struct err *err)
{
	struct buf sql = BUF_INIT;
	struct store_load *l;
	PGresult *res;

	buf_addf(&sql, "COPY %s (", table);
	for (int i = 0; i < ncols; i++)
		buf_addf(&sql, "%s%s", i ? ", " : "", cols[i]);
	buf_adds(&sql, ") FROM STDIN");
	res = PQexec(PG(st), buf_cstr(&sql));
	buf_release(&sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		fail_res(PG(st), res, err, "load");
		PQclear(res);
		return NULL;
	}
	PQclear(res);
	l = xcalloc(1, sizeof(*l));
	l->head.drv = &store_pg_driver;
	l->conn = PG(st);
	return l;
}

static void load_sep(struct store_load *l)
{
	if (l->col++)
		buf_addch(&l->data, '\t');
}

static void pg_load_int(struct store_load *l, int64_t v)
{
	load_sep(l);
	buf_addf(&l->data, "%lld", (long long)v);
}

static void pg_load_text(struct store_load *l, const char *txt)
{
	load_sep(l);
	/* COPY's text format: backslash, tab, newline and carriage return escaped */
	for (const char *p = txt; *p; p++) {
		switch (*p) {
		case '\\': buf_adds(&l->data, "\\\\"); break;
		case '\t': buf_adds(&l->data, "\\t"); break;
		case '\n': buf_adds(&l->data, "\\n"); break;
		case '\r': buf_adds(&l->data, "\\r"); break;
		default: buf_addch(&l->data, *p); break;
		}
	}
}

static void pg_load_null(struct store_load *l)
{
	load_sep(l);
	buf_adds(&l->data, "\\N");
}

static int load_flush(struct store_load *l, struct err *err)
{
	if (!l->data.len || l->failed)
		return l->failed ? -1 : 0;
	if (PQputCopyData(l->conn, l->data.p, (int)l->data.len) != 1) {
		l->failed = 1;
		return fail_res(l->conn, NULL, err, "load");
	}
	buf_reset(&l->data);
	return 0;
}

static int pg_load_row(struct store_load *l, struct err *err)
{
	buf_addch(&l->data, '\n');
	l->col = 0;
	return l->data.len >= LOAD_CHUNK ? load_flush(l, err) : 0;
}

static int pg_load_end(struct store_load *l, int ok, struct err *err)
{
	PGresult *res;
	int r = 0;

	if (ok && load_flush(l, err))
		ok = 0, r = -1;
	if (PQputCopyEnd(l->conn, ok ? NULL : "abandoned") != 1 && !r)
		r = fail_res(l->conn, NULL, err, "load");
	while ((res = PQgetResult(l->conn))) {
		if (ok && !r && PQresultStatus(res) != PGRES_COMMAND_OK)
			r = fail_res(l->conn, res, err, "load");
		PQclear(res);
	}
	buf_release(&l->data);
	free(l);
	return r;
}

const struct store_driver store_pg_driver = {
	.name = "postgresql",
	.accepts = pg_accepts,
	.exists = NULL,
	.ddl = pg_ddl,
	.open = pg_open,
	.close = pg_close,
	.prepare = pg_prepare,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_int = pg_col_int,
	.col_text = pg_col_text,
	.col_is_null = pg_col_is_null,
	.done = pg_done,
	.exec = pg_exec,
	.release_later = 1,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.check = pg_check,
	.sql_tables = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
		      "ORDER BY tablename",
	.sql_columns = "SELECT column_name, data_type FROM information_schema.columns "
		       "WHERE table_schema = current_schema() AND table_name = ?1 "
		       "ORDER BY ordinal_position",
	.ids_follow = pg_ids_follow,
	.ids_reserve = pg_ids_reserve,
	.prepare_once = pg_prepare_once,
	.finalize = pg_finalize,
	.load_begin = pg_load_begin,
	.load_int = pg_load_int,
	.load_text = pg_load_text,
	.load_null = pg_load_null,
	.load_row = pg_load_row,
	.load_end = pg_load_end,
	.backup = pg_backup,
	.bulk = pg_bulk,
	.analyze = pg_analyze,
	.ready = pg_ready,
	.wrote = pg_wrote,
	.data_changed = pg_data_changed,
	.data_version = pg_data_version,
};
