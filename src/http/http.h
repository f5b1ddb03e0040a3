/*
 * http.h - what the files of src/http/ share among themselves: request
 * metrics, connection deadlines, the spool of bulk bodies and the static UI
 * files. Private to src/http/.
 */
#ifndef HTTP_HTTP_H
#define HTTP_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"

/*
 * accesslog.c: the access log's lines, gathered and written to stderr by a
 * thread of its own within milliseconds (line by line when it is not running).
 */
int access_log_start(void);
void access_log_add(const char *line, size_t len);
/* Every gathered line written, the thread ended. */
void access_log_stop(void);

/* crash.c: a fatal signal writes its name, the thread and the stack to stderr first. */
void crash_report_install(void);

/* Count a finished request: its status, its duration in microseconds. */
void metrics_record(int status, int64_t duration_us);

/* One more / one fewer request being answered. */
void metrics_inflight(int delta);

/* Append the Prometheus text exposition of every metric to b. */
void metrics_render(struct buf *b);

/* --- guard.c: connection deadlines -------------------------------------------- */

struct guard_conn;

/*
 * Track the connection on socket fd, which must send a complete request head
 * within seconds. NULL when out of memory (the connection then has only
 * libmicrohttpd's idle timeout).
 */
struct guard_conn *guard_open(int fd, int seconds);

/* Forget the connection; called before its socket is closed. Accepts NULL. */
void guard_close(struct guard_conn *c);

/* Its socket is shut down unless guard_disarm() comes within seconds. Accept NULL. */
void guard_arm(struct guard_conn *c, int seconds);
void guard_disarm(struct guard_conn *c);

/* The CLOCK_REALTIME instant ms milliseconds from now (for pthread_cond_timedwait). */
void http_clock_in(struct timespec *until, long ms);

/* Start / stop the watchdog thread that enforces the deadlines. */
int guard_start(void);
void guard_stop(void);

/* Connections shut down for a missed deadline since the start. */
unsigned long long guard_closed_total(void);

/* Raise the open-file limit to the hard limit; returns the limit now in force. */
long guard_raise_nofile(void);

/* --- spool.c: bulk bodies on disk ------------------------------------------------ */

/* Bulk bodies (imports) received at once; one more is answered 429. */
#define SPOOL_SLOTS 2

/* Take a slot (1), or 0 when all SPOOL_SLOTS are taken. */
int spool_slot_take(void);
void spool_slot_give(void);

/* An unlinked file in $TMPDIR (else /tmp) for a body; -1 with err. */
int spool_open(struct err *err);

/* Append len bytes; -1 with err (disk full). */
int spool_write(int fd, const void *data, size_t len, struct err *err);

/* The first len bytes of the spool, NUL-terminated, in memory the caller frees; NULL with err. */
char *spool_load(int fd, size_t len, struct err *err);

/* A static file found for a URL path. */
struct static_file {
	int status;               /* 200, or 404 for a missing asset */
	const unsigned char *data;
	size_t len;
	unsigned char *owned;     /* read from --web-dir: free() after use */
	const char *content_type;
	int gzip;                 /* data is the ".gz" variant */
};

/*
 * Find the file for url (the UI's client-side routes fall back to index.html;
 * a missing path with a file extension is 404). From web_dir when given,
 * else the files embedded under web/dist/. accept_gzip picks a ".gz" variant.
 * /docs/... is the rendered docs, always embedded: a missing one is a 404.
 */
void static_lookup(const char *web_dir, const char *url, int accept_gzip,
		   struct static_file *out);

/* --- live.c: the live stream (GET /api/v1/events) ------------------------------------ */

#define LIVE_MAX_DEFAULT 1000   /* streams the server holds in all */
#define LIVE_PER_USER_DEFAULT 8 /* streams one user holds (tabs, devices) */
#define LIVE_PING_DEFAULT 15    /* seconds between the comment lines that keep proxies open */

struct MHD_Connection;
struct MHD_Response;

/* Who opens a stream, and what they asked for. */
struct live_caller {
	int64_t user_id;
	int token_auth;      /* signed in by an API token, else by the session cookie */
	const char *secret;  /* the cookie value or the token, judged again while it is open */
	const char *project; /* "" = every project the caller sees */
	int64_t after;       /* Last-Event-ID, -1 none */
};

/*
 * Start the fan-out thread on the database at db_path with its bounds (0:
 * the defaults above).
 */
int live_start(const char *db_path, int max_total, int max_per_user, int ping_s,
	       struct err *err);

/*
 * The response that streams who's changes on c (queue it, then destroy it),
 * or NULL with err: 429 events_per_user past the user's bound, 503
 * events_full past the server's, 503 events_stopping.
 */
struct MHD_Response *live_open(struct MHD_Connection *c, const struct live_caller *who,
			       struct err *err);

/* End every stream (each sends what it holds, then ends) and the thread; before MHD_stop_daemon. */
void live_stop(void);

/* After MHD_stop_daemon: what the streams shared. */
void live_release(void);

/* Streams open now and events sent since the start, for /metrics. */
void live_figures(int *open, unsigned long long *sent);

/* --- writer.c: group commit ----------------------------------------------------- */

/* A write waiting for the writer thread; the submitter owns it. */
struct writer_job {
	/*
	 * Runs on the writer thread inside the batch's open transaction (st->in_tx
	 * is 1): the job opens its own savepoint, and releases it or rolls it
	 * back before it returns. Its answer is kept, not sent.
	 */
	void (*run)(struct writer_job *j, struct store *st);
	/* After the batch's commit: commit_err NULL when it is durable, else why nothing was kept. */
	void (*done)(struct writer_job *j, const struct err *commit_err);
	/* its writes may leave their sums to the batch's end (API_BATCHED, tx_batch_job) */
	int batched;
	struct writer_job *next;
};

/* Start the writer thread; open gives it its store (called on that thread). */
int writer_start(struct store *(*open)(struct err *err), int wal_limit_mb, struct err *err);

/* Queue j (0), or -1 when no writer runs (the caller writes itself). */
int writer_submit(struct writer_job *j);

/* Run what is queued, commit it, and end the thread (writer_submit then says -1). */
void writer_stop(void);

/* Batches committed and jobs run since the start. */
void writer_figures(unsigned long long *batches, unsigned long long *jobs);
/* How long the batch now running has run, ms (0: the writer waits for work): the watchdog's. */
int64_t writer_busy_ms(void);
/* Writes queued for the writer, not yet taken (/metrics). */
int writer_queue_depth(void);
/* A committed batch: its writes and how long it took to run and commit; a sync's time. */
void metrics_batch(int writes, int64_t duration_us);
void metrics_sync(int64_t duration_us);

#endif
