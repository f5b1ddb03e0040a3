/*
 * live.c - the live stream (GET /api/v1/events, server-sent events): the open
 * streams, and one thread that notices new commits by the data version (any
 * process's: the SQLite counter file, PostgreSQL's LISTEN), reads the audit
 * rows since the last it saw, and fans each out to the streams whose caller
 * may see its project, judged when it is sent. A stream with nothing to send
 * is suspended by its content reader (which then returns 0), so no worker
 * thread waits on it; the fan-out thread resumes it when it has something.
 */
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "base/buf.h"
#include "base/jw.h"
#include "base/xalloc.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/project.h"
#include "http/http.h"
#include "base/banned.h"

#define POLL_MS 100
#define READ_BATCH 512
/* PostgreSQL: ids this far below the newest seen may still commit (sequences) */
#define ID_WINDOW 128
/*
 * Callers are judged again at most this often while only data moves (a
 * session signed out writes no audit row: it ends its streams this soon), and
 * at once before the changes that alter who sees what are sent.
 */
#define JUDGE_MS 500
/* the last changes kept to resume a stream from its Last-Event-ID */
#define RING 1024
/* a stream this far behind (a client that does not read) is ended: it re-reads */
#define BACKLOG_MAX (256 << 10)
/* what a browser waits before it reconnects, ms */
#define RETRY_MS 2000

struct change {
	int64_t id, entity_id;
	char project[64], kind[32], action[32];
};

struct sub {
	struct sub *prev, *next;
	struct MHD_Connection *conn;
	int fd;           /* its socket, to notice a client that left while it is suspended */
	int64_t user_id;
	int token_auth;   /* an API token, else a session cookie */
	char secret[96];  /* the cookie value or the token: judged again at every check */
	char project[64]; /* "" = every project the caller sees */
	int fresh;        /* opened, not yet started by the thread: its resume is due */
	int judged;       /* the thread has judged its caller once */
	int64_t resume_from; /* Last-Event-ID, -1 none */
	char (*sees)[64]; /* the projects the caller may see, at the last check */
	size_t nsees;
	int sees_all;     /* admin or workspace manager: every project */
	struct buf out;   /* bytes not yet handed to libmicrohttpd */
	size_t pos;
	int suspended;    /* by the content reader, waiting for the thread */
	int ending;       /* send what is left, then end the stream */
	int gone;         /* libmicrohttpd freed its response: only the thread's ref left */
	int refs;         /* 1 for the response, 1 while the thread checks it */
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	int started, stop;
	char *db_path;
	int max_total, max_per_user, ping_s;
	struct sub *head;
	int n;
	struct change ring[RING];
	size_t ring_n, ring_at; /* entries, and the next slot */
	int64_t floor;          /* a resume from below this id cannot be served from the ring */
	int64_t version;        /* the data version the last changes were read at */
	unsigned long long sent;
} lv = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

/* --- one stream -------------------------------------------------------------------- */

static void sub_unref(struct sub *s)
{
	if (--s->refs > 0)
		return;
	buf_release(&s->out);
	free(s->sees);
	free(s);
}

/* Wake the connection when its reader waits for bytes (lv.lock held). */
static void sub_kick(struct sub *s)
{
	if (s->suspended && !s->gone) {
		s->suspended = 0;
		MHD_resume_connection(s->conn);
	}
}

/* Append an event (lv.lock held); a stream too far behind is ended. */
static void sub_add(struct sub *s, const char *text, size_t len)
{
	if (s->ending || s->gone)
		return;
	if (s->out.len - s->pos + len > BACKLOG_MAX) {
		s->ending = 1; /* the client reconnects and re-reads */
		return;
	}
	if (s->pos == s->out.len) {
		buf_reset(&s->out);
		s->pos = 0;
	}
	buf_add(&s->out, text, len);
}

/* End the stream with an "end" event naming why (lv.lock held). */
static void sub_end(struct sub *s, const char *reason)
{
	char line[160];
	int n = snprintf(line, sizeof(line), "event: end\ndata: {\"reason\":\"%s\"}\n\n", reason);

	sub_add(s, line, (size_t)n);
	s->ending = 1;
}

/*
 * Whether the client closed a stream that waits suspended (libmicrohttpd sees
 * it only at its next write): a peek at its socket (lv.lock held). Such a
 * stream is ended, so that its place is free.
 */
static int sub_left(struct sub *s)
{
	char c;
	ssize_t n;

	if (s->ending || s->gone || s->fd < 0)
		return s->ending;
	n = recv(s->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
		s->ending = 1;
		sub_kick(s);
	}
	return s->ending;
}

static ssize_t sub_read(void *cls, uint64_t at, char *out, size_t max)
{
	struct sub *s = cls;
	ssize_t n;

	(void)at;
	pthread_mutex_lock(&lv.lock);
	if (s->pos < s->out.len) {
		size_t k = s->out.len - s->pos;
		if (k > max)
			k = max;
		memcpy(out, s->out.p + s->pos, k);
		s->pos += k;
		n = (ssize_t)k;
	} else if (s->ending || lv.stop) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else {
		/* nothing to send: off the event loop until the thread has some */
		s->suspended = 1;
		MHD_suspend_connection(s->conn);
		n = 0;
	}
	pthread_mutex_unlock(&lv.lock);
	return n;
}

static void sub_free(void *cls)
{
	struct sub *s = cls;

	pthread_mutex_lock(&lv.lock);
	s->gone = 1;
	if (s->prev)
		s->prev->next = s->next;
	else
		lv.head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
	lv.n--;
	sub_unref(s);
	pthread_cond_broadcast(&lv.wake);
	pthread_mutex_unlock(&lv.lock);
}

struct MHD_Response *live_open(struct MHD_Connection *c, const struct live_caller *who,
			       struct err *err)
{
	const union MHD_ConnectionInfo *ci;
	struct MHD_Response *resp;
	struct sub *s;
	int mine = 0, held;
	char first[64];
	int n;

	pthread_mutex_lock(&lv.lock);
	if (!lv.started || lv.stop) {
		pthread_mutex_unlock(&lv.lock);
		err_set(err, ERR_UNAVAILABLE, NULL, "events_stopping",
			"the server is stopping; connect again in a moment");
		return NULL;
	}
	for (s = lv.head; s; s = s->next)
		if (s->user_id == who->user_id && !sub_left(s))
			mine++;
	if (mine >= lv.max_per_user) {
		pthread_mutex_unlock(&lv.lock);
		err_set(err, ERR_RATE_LIMITED, NULL, "events_per_user:max",
			"%d event streams are open for you already; close one (a tab) first",
			lv.max_per_user);
		return NULL;
	}
	/* the streams held, those whose client left not counted (a peek only when full) */
	held = lv.n;
	for (s = lv.head; s && held >= lv.max_total; s = s->next)
		held -= sub_left(s);
	if (held >= lv.max_total) {
		pthread_mutex_unlock(&lv.lock);
		err_set(err, ERR_UNAVAILABLE, NULL, "events_full:max",
			"the server holds %d event streams, its most; try again later",
			lv.max_total);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->conn = c;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	s->fd = ci ? ci->connect_fd : -1;
	s->user_id = who->user_id;
	s->token_auth = who->token_auth;
	snprintf(s->secret, sizeof(s->secret), "%s", who->secret);
	snprintf(s->project, sizeof(s->project), "%s", who->project);
	s->resume_from = who->after;
	s->fresh = 1;
	s->refs = 1;
	buf_init(&s->out, 0);
	/* the browser's wait before it reconnects, and a first line that flushes the headers */
	n = snprintf(first, sizeof(first), "retry: %d\n: open\n\n", RETRY_MS);
	buf_add(&s->out, first, (size_t)n);
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sub_read, s, sub_free);
	if (!resp) {
		pthread_mutex_unlock(&lv.lock);
		buf_release(&s->out);
		free(s);
		err_set(err, ERR_INTERNAL, NULL, "internal", "cannot start an event stream");
		return NULL;
	}
	s->next = lv.head;
	if (lv.head)
		lv.head->prev = s;
	lv.head = s;
	lv.n++;
	pthread_cond_broadcast(&lv.wake);
	pthread_mutex_unlock(&lv.lock);
	return resp;
}

/* --- the fan-out thread ------------------------------------------------------------ */

static int64_t mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* What a stream's caller may see now (or that it may see nothing: the session ended). */
struct verdict {
	struct sub *s;
	int ended;
	int sees_all;
	char (*sees)[64];
	size_t nsees;
};

/* Judge one caller on st: their session or token, their role, their projects. */
static void judge(struct store *st, struct verdict *v, const struct sub *s)
{
	struct actor a = { 0 };
	struct err err = { 0 };
	struct project_list pl = { 0 };
	int rc;

	rc = s->token_auth ? auth_token_lookup(st, s->secret, &a, &err)
			   : auth_session_check(st, s->secret, &a, &err);
	if (rc) {
		/* a database that failed is no verdict: the last one stands */
		v->ended = err.code == ERR_UNAUTHENTICATED ? 1 : -1;
		return;
	}
	if (a.user_id != s->user_id) {
		v->ended = 1;
		return;
	}
	v->sees_all = project_sees_all(&a);
	if (v->sees_all)
		return;
	if (project_list(st, &a, &pl, &err)) {
		v->ended = -1;
		return;
	}
	v->sees = xcalloc(pl.n ? pl.n : 1, sizeof(*v->sees));
	for (size_t i = 0; i < pl.n; i++)
		memcpy(v->sees[i], pl.items[i].code, sizeof(v->sees[i]));
	v->nsees = pl.n;
	project_list_release(&pl);
}

/*
 * Judge the streams again (all when every is set, else the fresh ones): the
 * streams are taken under the lock, judged without it (the content readers
 * never wait for the database), and the verdicts applied under it.
 */
static void judge_all(struct store *st, int every)
{
	struct verdict *v = NULL;
	size_t n = 0, alloc = 0;

	pthread_mutex_lock(&lv.lock);
	for (struct sub *s = lv.head; s; s = s->next) {
		if (s->ending || (!every && !s->fresh))
			continue;
		ALLOC_GROW(v, n + 1, alloc);
		memset(&v[n], 0, sizeof(v[n]));
		v[n++].s = s;
		s->refs++;
	}
	pthread_mutex_unlock(&lv.lock);
	for (size_t i = 0; i < n; i++)
		judge(st, &v[i], v[i].s);
	pthread_mutex_lock(&lv.lock);
	for (size_t i = 0; i < n; i++) {
		struct sub *s = v[i].s;
		if (v[i].ended > 0) {
			sub_end(s, "session_ended");
			sub_kick(s);
		} else if (v[i].ended == 0) {
			free(s->sees);
			s->sees = v[i].sees;
			s->nsees = v[i].nsees;
			s->sees_all = v[i].sees_all;
			s->judged = 1;
			v[i].sees = NULL;
		}
		free(v[i].sees);
		sub_unref(s);
	}
	pthread_mutex_unlock(&lv.lock);
	free(v);
}

static int sub_sees(const struct sub *s, const char *project)
{
	if (!*project || (s->project[0] && strcmp(s->project, project)))
		return 0;
	if (s->sees_all)
		return 1;
	for (size_t i = 0; i < s->nsees; i++)
		if (!strcmp(s->sees[i], project))
			return 1;
	return 0;
}

/* The event text of a change. */
static size_t event_text(struct buf *b, const struct change *c, int64_t version)
{
	struct jw w;
	char head[48];
	int n = snprintf(head, sizeof(head), "id: %lld\nevent: change\ndata: ", (long long)c->id);

	buf_reset(b);
	buf_add(b, head, (size_t)n);
	jw_init(&w, b);
	jw_obj(&w);
	jw_kstr(&w, "project", c->project);
	jw_kstr(&w, "kind", c->kind);
	jw_kstr(&w, "action", c->action);
	jw_key(&w, "id");
	if (c->entity_id == NO_ID)
		jw_null(&w);
	else
		jw_int(&w, c->entity_id);
	jw_kint(&w, "event_id", c->id);
	jw_kint(&w, "version", version);
	jw_obj_end(&w);
	buf_adds(b, "\n\n");
	return b->len;
}

/* Send c to every stream that is judged, wants it and may see it (lv.lock held). */
static void fan_out(const struct change *c, struct buf *b)
{
	int built = 0;

	for (struct sub *s = lv.head; s; s = s->next) {
		/* each audit row is read once (ids may commit out of order: not "above the last") */
		if (s->fresh || s->ending || !sub_sees(s, c->project))
			continue;
		if (!built)
			built = event_text(b, c, lv.version) > 0;
		sub_add(s, b->p, b->len);
		lv.sent++;
	}
}

/*
 * A fresh stream's start (lv.lock held): from its Last-Event-ID, what the
 * ring still holds; when it cannot (too old, or an id from another database),
 * a "reset" event: the client reads everything again.
 */
static void start_fresh(struct sub *s, int64_t cursor, struct buf *b)
{
	s->fresh = 0;
	if (s->resume_from < 0 || s->resume_from >= cursor)
		return;
	if (s->resume_from < lv.floor) {
		static const char reset[] = "event: reset\ndata: {}\n\n";
		sub_add(s, reset, sizeof(reset) - 1);
		return;
	}
	for (size_t k = 0; k < lv.ring_n; k++) {
		const struct change *c = &lv.ring[(lv.ring_at + RING - lv.ring_n + k) % RING];
		if (c->id > s->resume_from && sub_sees(s, c->project)) {
			event_text(b, c, lv.version);
			sub_add(s, b->p, b->len);
		}
	}
}

static void ring_add(const struct change *c)
{
	if (lv.ring_n == RING)
		lv.floor = lv.ring[lv.ring_at].id; /* the oldest is dropped: resume above it only */
	else
		lv.ring_n++;
	lv.ring[lv.ring_at] = *c;
	lv.ring_at = (lv.ring_at + 1) % RING;
}

/* The ids above cursor - ID_WINDOW already sent, ascending (PostgreSQL only). */
struct seen {
	int64_t *ids;
	size_t n, alloc;
};

static void seen_add(struct seen *w, int64_t id, int64_t cursor)
{
	size_t k = 0, i;

	for (i = 0; i < w->n; i++)
		if (w->ids[i] > cursor - ID_WINDOW)
			w->ids[k++] = w->ids[i];
	w->n = k;
	ALLOC_GROW(w->ids, w->n + 1, w->alloc);
	for (i = w->n; i > 0 && w->ids[i - 1] > id; i--)
		w->ids[i] = w->ids[i - 1];
	w->ids[i] = id;
	w->n++;
}

/* Whether a write of entity may change who sees what (a membership, a role, a token...). */
static int alters_access(const char *entity)
{
	static const char *const names[] = { "member", "user", "project", "api_token", "workspace" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i], entity))
			return 1;
	return 0;
}

/*
 * Read the new audit rows and fan them out; the cursor moves past them. The
 * callers are judged first when judge is set or a row alters who sees what
 * (a member removed sees nothing written after it); *judged_at then moves.
 */
static int pump(struct store *st, int64_t *cursor, struct seen *w, int window, int judge,
		int64_t *judged_at, struct buf *b)
{
	struct err err = { 0 };

	for (;;) {
		struct audit_change *ch = NULL;
		size_t n = 0;
		int64_t from = window ? *cursor - ID_WINDOW : *cursor;

		if (audit_changes_after(st, from < 0 ? 0 : from, READ_BATCH, w->ids, w->n, &ch, &n,
					&err)) {
			fprintf(stderr, "salespm: live: %s\n", err.msg);
			return -1;
		}
		for (size_t i = 0; i < n && !judge; i++)
			judge = alters_access(ch[i].entity);
		if (judge) {
			judge_all(st, 1);
			*judged_at = mono_ms();
			judge = 0;
		}
		pthread_mutex_lock(&lv.lock);
		for (size_t i = 0; i < n; i++) {
			struct change c = { 0 };
			c.id = ch[i].id;
			c.entity_id = ch[i].entity_id;
			memcpy(c.project, ch[i].project, sizeof(c.project));
			memcpy(c.kind, ch[i].entity, sizeof(c.kind));
			memcpy(c.action, ch[i].action, sizeof(c.action));
			if (c.id > *cursor)
				*cursor = c.id;
			if (window)
				seen_add(w, c.id, *cursor);
			if (!c.project[0])
				continue; /* a workspace record: not a project's change */
			ring_add(&c);
			fan_out(&c, b);
		}
		for (struct sub *s = lv.head; s; s = s->next)
			if (s->pos < s->out.len || s->ending)
				sub_kick(s);
		pthread_mutex_unlock(&lv.lock);
		free(ch);
		if (n < READ_BATCH)
			return 0;
	}
}

static int has_fresh(void)
{
	int any = 0;
	pthread_mutex_lock(&lv.lock);
	for (struct sub *s = lv.head; s && !any; s = s->next)
		any = s->fresh && !s->ending;
	pthread_mutex_unlock(&lv.lock);
	return any;
}

static void *run(void *arg)
{
	struct store *st = NULL;
	struct err err = { 0 };
	struct seen w = { 0 };
	struct buf b = BUF_INIT;
	int64_t seen = INT64_MIN, cursor = -1, ping_at = mono_ms() + lv.ping_s * 1000LL;
	int64_t judged_at = 0;
	int owed = 0;
	int window = 0;

	(void)arg;
	for (;;) {
		int64_t v, now, before;
		int moved, ping, fresh, owed_due;

		pthread_mutex_lock(&lv.lock);
		if (lv.stop) {
			pthread_mutex_unlock(&lv.lock);
			break;
		}
		pthread_mutex_unlock(&lv.lock);
		if (!st) {
			st = store_open(lv.db_path, 0, &err);
			if (!st)
				fprintf(stderr, "salespm: live: %s\n", err.msg);
			else
				window = !strcmp(store_backend(st), "postgresql");
		}
		if (st && cursor < 0 && !audit_last_id(st, &cursor, &err)) {
			/* changes from now on; a resume from before the start is a reset */
			pthread_mutex_lock(&lv.lock);
			lv.floor = cursor;
			pthread_mutex_unlock(&lv.lock);
		}
		if (st && cursor >= 0) {
			v = store_data_version(st);
			now = mono_ms();
			moved = v != seen;
			ping = now >= ping_at;
			fresh = has_fresh();
			/* a judgement owed (the data moved within JUDGE_MS of the last) falls due */
			owed_due = owed && now - judged_at >= JUDGE_MS;
			if (moved || ping || fresh || owed_due) {
				/* new streams' callers first; everyone's at a ping (time rules: idleness) */
				judge_all(st, ping || owed_due);
				if (ping || owed_due) {
					judged_at = now;
					owed = 0;
				}
				if (moved) {
					pthread_mutex_lock(&lv.lock);
					lv.version = v;
					pthread_mutex_unlock(&lv.lock);
				}
				pthread_mutex_lock(&lv.lock);
				for (struct sub *s = lv.head; s; s = s->next)
					if (s->fresh && s->judged)
						start_fresh(s, cursor, &b);
				pthread_mutex_unlock(&lv.lock);
				before = judged_at;
				if (moved && pump(st, &cursor, &w, window, now - judged_at >= JUDGE_MS,
						  &judged_at, &b) == 0)
					seen = v;
				else if (moved && store_lost(st)) {
					store_free(st);
					st = NULL;
				}
				if (moved)
					owed = judged_at == before; /* a session may have ended meanwhile */
				pthread_mutex_lock(&lv.lock);
				for (struct sub *s = lv.head; s; s = s->next) {
					/* a comment line keeps proxies from closing a quiet stream */
					if (ping && !sub_left(s))
						sub_add(s, ": ping\n\n", 8);
					if (s->pos < s->out.len || s->ending)
						sub_kick(s);
				}
				pthread_mutex_unlock(&lv.lock);
				if (ping)
					ping_at = now + lv.ping_s * 1000LL;
			}
		}
		pthread_mutex_lock(&lv.lock);
		if (!lv.stop) {
			struct timespec until;
			http_clock_in(&until, POLL_MS);
			pthread_cond_timedwait(&lv.wake, &lv.lock, &until);
		}
		pthread_mutex_unlock(&lv.lock);
	}
	free(w.ids);
	buf_release(&b);
	store_free(st);
	return NULL;
}

int live_start(const char *db_path, int max_total, int max_per_user, int ping_s,
	       struct err *err)
{
	lv.db_path = xstrdup(db_path);
	lv.max_total = max_total > 0 ? max_total : LIVE_MAX_DEFAULT;
	lv.max_per_user = max_per_user > 0 ? max_per_user : LIVE_PER_USER_DEFAULT;
	lv.ping_s = ping_s > 0 ? ping_s : LIVE_PING_DEFAULT;
	lv.stop = 0;
	if (pthread_create(&lv.thread, NULL, run, NULL)) {
		free(lv.db_path);
		lv.db_path = NULL;
		return err_set(err, ERR_INTERNAL, NULL, "internal", "cannot start the live thread");
	}
	lv.started = 1;
	return 0;
}

void live_stop(void)
{
	if (!lv.started)
		return;
	pthread_mutex_lock(&lv.lock);
	lv.stop = 1;
	/* every stream ends: its reader says so when it wakes */
	for (struct sub *s = lv.head; s; s = s->next) {
		s->ending = 1;
		sub_kick(s);
	}
	pthread_cond_broadcast(&lv.wake);
	pthread_mutex_unlock(&lv.lock);
	pthread_join(lv.thread, NULL);
}

void live_release(void)
{
	if (!lv.started)
		return;
	lv.started = 0;
	free(lv.db_path);
	lv.db_path = NULL;
}

void live_figures(int *open, unsigned long long *sent)
{
	pthread_mutex_lock(&lv.lock);
	*open = lv.n;
	*sent = lv.sent;
	pthread_mutex_unlock(&lv.lock);
}
