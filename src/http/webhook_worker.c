/*
 * webhook_worker.c - the server's webhook thread: it turns new audit rows into
 * deliveries (webhook_pump), claims the due ones and POSTs them with libcurl,
 * signed, each hop of a redirect judged by the address guard on the address
 * curl actually connects to (CURLOPT_OPENSOCKETFUNCTION), so a name that
 * resolves to a private address - at once or after a rebinding - is refused
 * unless an admin allowed the host. It looks at the database only when the
 * data version moved or a retry falls due, so it costs nothing while no
 * webhook exists. Each minute it also sweeps the alerts (alert_sweep_all).
 */
#include "http/webhook_worker.h"
#include "http/http.h"

#include <ctype.h>
/* plain declarations (no type-checking macros): the functions are loaded, below */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "base/date.h"
#include "base/netaddr.h"
#include "base/xalloc.h"
#include "base/buf.h"
#include "core/robot.h"
#include "core/webhook.h"
#include "store/store.h"
#include "analytics/alert.h"
#include "api/api.h"
#include "base/banned.h"

#define CONNECT_TIMEOUT_MS 5000L
#define TOTAL_TIMEOUT_MS 15000L
#define REDIRECTS_MAX 3
#define CLAIM_LEASE 120 /* seconds: longer than a delivery with its redirects can take */
#define POLL_MS 200
/* how often the thread evaluates every project's alerts (analytics/alert.h) */
#define ALERT_SWEEP_SECONDS 60
#define ANSWER_MAX (64 << 10) /* of a receiver's answer we read at most this, then stop */
#define ANSWER_KEPT 4096      /* of it, what a robot's answer is judged by */

/*
 * libcurl is loaded when the first delivery is due (curl_load), not linked:
 * with its TLS and the rest it brings twenty libraries whose loading took
 * ~3 ms of every start, for the servers that have no webhook too (SPEC: cold
 * start <= 30 ms), as store/pg.c does with libpq. Each function is a pointer
 * of the function's own type.
 */
#define CURL_LIBRARY "libcurl.so.4"
#define CURL_FUNCTIONS(X) \
	X(curl_global_init) \
	X(curl_easy_init) \
	X(curl_easy_setopt) \
	X(curl_easy_perform) \
	X(curl_easy_getinfo) \
	X(curl_easy_cleanup) \
	X(curl_easy_strerror) \
	X(curl_slist_append) \
	X(curl_slist_free_all) \
	X(curl_url) \
	X(curl_url_set) \
	X(curl_url_get) \
	X(curl_url_cleanup) \
	X(curl_free)

#define CURL_POINTER(f) static __typeof__(f) *cu_##f;
CURL_FUNCTIONS(CURL_POINTER)
#define curl_global_init cu_curl_global_init
#define curl_easy_init cu_curl_easy_init
#undef curl_easy_setopt /* curl.h's check that a call has three arguments */
#define curl_easy_setopt cu_curl_easy_setopt
#define curl_easy_perform cu_curl_easy_perform
#undef curl_easy_getinfo
#define curl_easy_getinfo cu_curl_easy_getinfo
#define curl_easy_cleanup cu_curl_easy_cleanup
#define curl_easy_strerror cu_curl_easy_strerror
#define curl_slist_append cu_curl_slist_append
#define curl_slist_free_all cu_curl_slist_free_all
#define curl_url cu_curl_url
#define curl_url_set cu_curl_url_set
#define curl_url_get cu_curl_url_get
#define curl_url_cleanup cu_curl_url_cleanup
#define curl_free cu_curl_free

static int curl_loaded;
static char curl_error[200];

/* Load libcurl once for the process (kept until it ends); 0 when it could be. */
static int curl_load(void)
{
	void *h;

	if (curl_loaded)
		return curl_loaded > 0 ? 0 : -1;
	curl_loaded = -1;
	if (!(h = dlopen(CURL_LIBRARY, RTLD_NOW | RTLD_LOCAL))) {
		snprintf(curl_error, sizeof(curl_error), "%s", dlerror());
		return -1;
	}
#define CURL_FIND(f)                                                                     \
	if (!(*(void **)&cu_##f = dlsym(h, #f))) {                                       \
		snprintf(curl_error, sizeof(curl_error), "%s has no %s", CURL_LIBRARY, #f); \
		return -1;                                                               \
	}
	CURL_FUNCTIONS(CURL_FIND)
#undef CURL_FIND
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		snprintf(curl_error, sizeof(curl_error), "libcurl cannot start");
		return -1;
	}
	curl_loaded = 1;
	return 0;
}

static struct {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int started, stop;
	char *db_path, *public_url;
	int64_t retry_base;
} ww = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

static int stopping(void)
{
	int s;

	pthread_mutex_lock(&ww.lock);
	s = ww.stop;
	pthread_mutex_unlock(&ww.lock);
	return s;
}

/* One hop of a delivery: what the guard knows of it. */
struct hop {
	int allowed;            /* the host is on the allowed hosts: any address will do */
	int refused;            /* the guard refused an address */
	enum addr_class cls;
	char addr[64];
	size_t answered;        /* bytes of the answer read */
	char kept[ANSWER_KEPT + 1]; /* its beginning, NUL-ended */
	size_t nkept;
};

static curl_socket_t open_socket(void *ctx, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct hop *h = ctx;
	enum addr_class c = netaddr_class_sa(&a->addr);

	(void)purpose;
	if (c != ADDR_PUBLIC && !h->allowed) {
		h->refused = 1;
		h->cls = c;
		netaddr_text(&a->addr, h->addr, sizeof(h->addr));
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

static size_t take_answer(char *p, size_t size, size_t n, void *ctx)
{
	struct hop *h = ctx;
	size_t len = size * n, room = ANSWER_KEPT - h->nkept;

	memcpy(h->kept + h->nkept, p, len < room ? len : room);
	h->nkept += len < room ? len : room;
	h->kept[h->nkept] = '\0';
	h->answered += len;
	return h->answered > ANSWER_MAX ? 0 : size * n;
}

static int progress(void *ctx, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)ctx, (void)dt, (void)dn, (void)ut, (void)un;
	return stopping(); /* a stop of the server cuts a transfer short */
}

/* The host (lowercase, an IPv6 one in brackets) and port of url; -1 when it is not http(s). */
static int url_parts(const char *url, char *host, size_t hsize, int *port, char *why, size_t wsize)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *h = NULL, *p = NULL;
	int r = -1;

	if (!u)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, url, 0) ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
	    curl_url_get(u, CURLUPART_HOST, &h, 0) ||
	    curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT)) {
		snprintf(why, wsize, "url_invalid: %.200s", url);
		goto out;
	}
	if (strcmp(scheme, "http") && strcmp(scheme, "https")) {
		snprintf(why, wsize, "url_scheme: %.20s is not http or https", scheme);
		goto out;
	}
	snprintf(host, hsize, "%s", h);
	for (char *c = host; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	*port = (int)strtol(p, NULL, 10);
	r = 0;
out:
	curl_free(scheme);
	curl_free(h);
	curl_free(p);
	curl_url_cleanup(u);
	return r;
}

/*
 * POST the job to url, following at most REDIRECTS_MAX redirects ourselves so
 * that each hop's host is judged: *status the final answer's HTTP status (0
 * when none came), error "" on a 2xx answer.
 */
static void deliver(const struct webhook_job *j, const char *allowed, int *status, char *error,
		    size_t esize)
{
	char url[WEBHOOK_URL_MAX + 400], host[262], sig[72], line[128], curl_err[CURL_ERROR_SIZE];
	int64_t ts = ts_now();
	struct curl_slist *hdr = NULL;
	struct buf rurl = BUF_INIT, rbody = BUF_INIT;
	int robot = robot_format(j->format);
	struct timespec now;
	const char *body = j->body;

	*status = 0;
	error[0] = '\0';
	snprintf(url, sizeof(url), "%s", j->url);
	if (robot) {
		/* a robot's signature is made for this attempt: the chat apps take it for an hour */
		clock_gettime(CLOCK_REALTIME, &now);
		robot_prepare(j->format, j->secret, j->url, j->body,
			      (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000, &rurl, &rbody);
		snprintf(url, sizeof(url), "%s", buf_cstr(&rurl));
		body = buf_cstr(&rbody);
	}
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	hdr = curl_slist_append(hdr, "Expect:");
	snprintf(line, sizeof(line), "X-Salespm-Event: %s", j->event);
	hdr = curl_slist_append(hdr, line);
	snprintf(line, sizeof(line), "X-Salespm-Delivery: %lld", (long long)j->id);
	hdr = curl_slist_append(hdr, line);
	if (!robot) {
		webhook_sign(j->secret, ts, j->body, strlen(j->body), sig);
		snprintf(line, sizeof(line), "X-Salespm-Timestamp: %lld", (long long)ts);
		hdr = curl_slist_append(hdr, line);
		snprintf(line, sizeof(line), "X-Salespm-Signature: %s", sig);
		hdr = curl_slist_append(hdr, line);
	}

	for (int hopn = 0;; hopn++) {
		struct hop h = { 0 };
		CURL *c;
		CURLcode rc;
		long code = 0;
		char *next = NULL;
		int port;

		if (url_parts(url, host, sizeof(host), &port, error, esize))
			break;
		h.allowed = webhook_host_allowed(allowed, host, port);
		c = curl_easy_init();
		if (!c) {
			snprintf(error, esize, "internal: no curl handle");
			break;
		}
		curl_err[0] = '\0';
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(c, CURLOPT_PROXY, ""); /* never through a proxy the guard cannot see past */
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, TOTAL_TIMEOUT_MS);
		curl_easy_setopt(c, CURLOPT_USERAGENT, "salespm-webhook/1");
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
		curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
		curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &h);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take_answer);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &h);
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
		rc = curl_easy_perform(c);
		if (rc == CURLE_WRITE_ERROR && h.answered > ANSWER_MAX)
			rc = CURLE_OK; /* the status came; the rest of a long answer is not ours to read */
		*status = 0; /* only the last hop's answer counts */
		if (h.refused) {
			snprintf(error, esize,
				 "address_refused: %s (%.80s) is a %s address and %.80s is not an allowed "
				 "host",
				 h.addr, host, netaddr_class_str(h.cls), host);
		} else if (rc != CURLE_OK) {
			snprintf(error, esize, "%s", curl_err[0] ? curl_err : curl_easy_strerror(rc));
		} else {
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
			*status = (int)code;
			if (code >= 300 && code < 400 &&
			    curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &next) == CURLE_OK && next) {
				if (hopn >= REDIRECTS_MAX) {
					snprintf(error, esize, "too_many_redirects: more than %d",
						 REDIRECTS_MAX);
				} else {
					snprintf(url, sizeof(url), "%s", next);
					curl_easy_cleanup(c);
					continue;
				}
			} else if (code < 200 || code >= 300) {
				snprintf(error, esize, "HTTP %ld", code);
			} else if (robot) {
				/* the chat apps answer 200 to a refusal too: their errcode tells */
				robot_answer_check(j->format, h.kept, h.nkept, error, esize);
			}
		}
		curl_easy_cleanup(c);
		break;
	}
	curl_slist_free_all(hdr);
	buf_release(&rurl);
	buf_release(&rbody);
}

/* Claim, send and record every due delivery; *next_at the earliest pending (0: none). */
static int send_due(struct store *st, int64_t *next_at, struct err *err)
{
	int64_t ids[16];
	size_t got;

	if (webhook_due(st, ts_now(), ids, 16, &got, next_at, err))
		return -1;
	if (got && curl_load())
		return err_set(err, ERR_UNAVAILABLE, NULL, "internal", "webhooks need libcurl: %s",
			       curl_error);
	for (size_t i = 0; i < got && !stopping(); i++) {
		struct webhook_job job;
		struct webhook_hosts hosts;
		char error[512];
		int status, r;
		struct timespec t0, t1;
		int64_t ms;

		r = webhook_claim(st, ids[i], ts_now(), CLAIM_LEASE, &job, err);
		if (r < 0)
			return -1;
		if (r == 0)
			continue; /* another server has it */
		if (webhook_hosts_read(st, &hosts, err)) {
			webhook_job_release(&job);
			return -1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		deliver(&job, hosts.text, &status, error, sizeof(error));
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
		fprintf(stderr, "salespm: webhook %lld delivery %lld (%s) attempt %lld: %d%s%s\n",
			(long long)job.webhook_id, (long long)job.id, job.event,
			(long long)job.attempts + 1, status, error[0] ? " " : "", error);
		r = webhook_record(st, &job, ts_now(), status, error, ms, ww.retry_base, err);
		webhook_job_release(&job);
		if (r)
			return -1;
	}
	if (got == 16)
		*next_at = ts_now(); /* more are due: look again at once */
	return 0;
}

static void *run(void *arg)
{
	struct store *st = NULL;
	struct err err = { 0 };
	int64_t seen = INT64_MIN, next_at = 0, sweep_at = 0;

	(void)arg;
	while (!stopping()) {
		struct timespec until;
		int64_t v;

		if (!st && !(st = store_open(ww.db_path, 0, &err)))
			fprintf(stderr, "salespm: webhooks: %s\n", err.msg);
		if (st) {
			v = store_data_version(st);
			if (v != seen || (next_at && ts_now() >= next_at)) {
				int made, any = 0;
				seen = v;
				err_clear(&err);
				next_at = 0;
				if (webhook_any(st, &any, &err) ||
				    (any && (webhook_pump(st, ww.public_url, &made, &err) || send_due(st, &next_at, &err)))) {
					fprintf(stderr, "salespm: webhooks: %s\n", err.msg);
					next_at = ts_now() + 1;
					if (store_lost(st)) {
						store_free(st);
						st = NULL;
					}
				}
			}
		}
		/* alerts that time raises (a task falls overdue at midnight) need no request */
		if (st && ts_now() >= sweep_at) {
			int raised, resolved;
			err_clear(&err);
			sweep_at = ts_now() + ALERT_SWEEP_SECONDS;
			if (alert_sweep_all(st, &raised, &resolved, &err))
				fprintf(stderr, "salespm: alerts: %s\n", err.msg);
		}
		http_clock_in(&until, POLL_MS);
		pthread_mutex_lock(&ww.lock);
		if (!ww.stop)
			pthread_cond_timedwait(&ww.wake, &ww.lock, &until);
		pthread_mutex_unlock(&ww.lock);
	}
	store_free(st);
	/* what the alert sweeps kept for this thread: the goal metrics' spare arrays */
	api_thread_release();
	return NULL;
}

int webhook_worker_start(const char *db_path, int64_t retry_base, const char *public_url,
			 struct err *err)
{
	ww.db_path = xstrdup(db_path);
	ww.public_url = public_url && *public_url ? xstrdup(public_url) : NULL;
	ww.retry_base = retry_base > 0 ? retry_base : WEBHOOK_RETRY_BASE;
	ww.stop = 0;
	if (pthread_create(&ww.thread, NULL, run, NULL)) {
		free(ww.db_path);
		free(ww.public_url);
		ww.db_path = ww.public_url = NULL;
		return err_set(err, ERR_INTERNAL, NULL, "internal", "cannot start the webhook thread");
	}
	ww.started = 1;
	return 0;
}

void webhook_worker_stop(void)
{
	if (!ww.started)
		return;
	pthread_mutex_lock(&ww.lock);
	ww.stop = 1;
	pthread_cond_signal(&ww.wake);
	pthread_mutex_unlock(&ww.lock);
	pthread_join(ww.thread, NULL);
	ww.started = 0;
	free(ww.db_path);
	free(ww.public_url);
	ww.db_path = ww.public_url = NULL;
}
