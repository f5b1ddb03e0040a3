/*
 * server.c - libmicrohttpd glue: the request lifecycle (each request judged on
 * its request line and headers before any body byte is read; bodies into a
 * capped buffer, bulk ones into a spool file; the answer on the handler's
 * second call), routing over the API's route tables, authentication, CSRF and
 * idempotency around each handler, sign-in checks off the request threads,
 * health and metrics, security headers, and one access-log line per request.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdarg.h>
#include <sodium.h>
#include <systemd/sd-daemon.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "api/cache.h"
#include "base/arena.h"
#include "base/csv.h"
#include "base/date.h"
#include "base/xalloc.h"
#include "core/auth.h"
#include "core/workspace.h"
#include "http/http.h"
#include "http/server.h"
#include "http/tls.h"
#include "http/webhook_worker.h"
#include "base/banned.h"

static const char CSP[] = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
			  "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
			  "form-action 'self'";
static const char JSON_TYPE[] = "application/json; charset=utf-8";
static const char COOKIE_NAME[] = "salespm_session";

/*
 * Limits (docs/architecture.md, "The server"). Seconds: a connection idle
 * this long in any phase is closed (libmicrohttpd's timeout)...
 */
#define CONNECTION_TIMEOUT 30
/* ...one must send a whole request head (line and headers) this soon after it
 * connects or after its previous answer, however steadily it trickles... */
#define HEAD_TIMEOUT 10
/* ...and a whole body this soon after its head: not signed in, JSON, CSV import. */
#define BODY_TIMEOUT_ANON 10
#define BODY_TIMEOUT 60
#define BODY_TIMEOUT_BULK 600
/*
 * Connections: at most this many from one address (a 64-connection benchmark
 * or a reverse proxy's pool fits; one client cannot take the rest), and in all
 * this many or what the open-file limit allows after FD_RESERVE and
 * FD_PER_THREAD for the database files, spools, epoll and wake-up descriptors.
 */
#define PER_IP_CONNECTION_LIMIT 256
#define CONNECTION_LIMIT_MAX 16384
#define FD_RESERVE 64
#define FD_PER_THREAD 4
/* Seconds an import refused for want of a slot is told to wait. */
#define IMPORT_RETRY_AFTER 5
#define IDEM_KEY_MAX 200

/* The one server of the process. */
/* An address or network whose X-Forwarded-For and -Proto are believed (--trust-proxy). */
struct proxy_net {
	int family;
	unsigned char addr[16];
	int bits;
};
#define TRUSTED_MAX 16

static struct {
	const struct http_options *opt;
	pthread_key_t store_key;
	int tls;                             /* HTTPS: HSTS on every answer, cookies Secure */
	struct proxy_net trusted[TRUSTED_MAX];
	int ntrusted;
} srv;

/* What target_seen() found wrong in a raw request target. */
enum { TARGET_ENCODED = 1, TARGET_CONTROL = 2 };

/* Per-request state, from the request line to the completion notice. */
struct req {
	int64_t start_us;
	struct arena arena;
	struct buf body;
	const char *method;
	const char *url;
	int started;     /* the handler has seen the request: intake() ran */
	int answered;    /* a response was queued */
	int status;
	size_t bytes;
	char user[64];
	char rid[72];    /* the request id: logged, and sent back as X-Request-Id */
	int early;       /* answer with early_err as soon as possible */
	struct err early_err;
	char allow[64];  /* with early_err: the methods the path has (405) */
	int retry_after; /* with early_err: seconds (429) */
	int clear_cookie; /* with early_err: the session cookie sent is dead */
	/* the raw target, seen by target_seen() before libmicrohttpd cuts and decodes it */
	const char *raw_uri;
	size_t raw_uri_len; /* up to its first NUL */
	int bad_target;     /* TARGET_* */
	int has_body;       /* a body is announced (Content-Length > 0 or chunked) */
	int api;            /* under /api */
	/* API requests: the route and the caller, known from the headers */
	const struct api_route *route;
	enum api_auth auth;
	struct actor actor;
	char session_token[80];
	char csrf_token[80];
	char ip[64];
	/* a bulk body: spooled to disk as it arrives, then loaded */
	int spool_fd;
	int spool_slot;
	size_t spool_len;
	char *loaded;
	/* a sign-in's password check in the hash pool */
	struct api_hash_job *hash_job;
	struct MHD_Connection *conn;
	/* a write run by the writer thread (writer.c): the job, its request, the answer kept */
	struct writer_job job;
	struct api_req *wr;
	int wstate;               /* WRITE_NONE, WRITE_QUEUED, WRITE_DONE */
	int deferring;            /* queue() keeps the answer in pend instead of queueing it */
	struct MHD_Response *pend;
	int pend_status;
	size_t pend_len;
	/* the request's Idempotency-Key (a header value), what it names, and their fingerprint */
	const char *idem;
	struct buf idem_target;
	char idem_hash[AUTH_IDEM_HASH];
};

enum { WRITE_NONE, WRITE_QUEUED, WRITE_DONE };

/* Copy the string src into dst of n bytes, cut short to fit (snprintf's "%s" without its cost). */
static void copy_str(char *dst, size_t n, const char *src)
{
	size_t len = strnlen(src, n - 1);
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* --- the store of each worker thread ------------------------------------------- */

static void store_destroy(void *p)
{
	store_free(p);
}

static void thread_store_drop(void);

static struct store *thread_store(struct err *err)
{
	struct store *st = pthread_getspecific(srv.store_key);
	if (st && !store_lost(st))
		return st;
	if (st)
		thread_store_drop(); /* the server ended the connection: a new one */
	st = store_open(srv.opt->db_path, 0, err);
	if (!st)
		return NULL;
	pthread_setspecific(srv.store_key, st);
	return st;
}

static void thread_store_drop(void)
{
	store_free(pthread_getspecific(srv.store_key));
	pthread_setspecific(srv.store_key, NULL);
}

/* --- request values ---------------------------------------------------------------- */

static const char *conn_header(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_HEADER_KIND, name);
}

static const char *conn_query(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, name);
}

struct framing {
	int content_length, transfer_encoding, host;
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	struct framing *f = cls;
	(void)kind;
	(void)value;
	if (!strcasecmp(key, "Content-Length"))
		f->content_length++;
	else if (!strcasecmp(key, "Transfer-Encoding"))
		f->transfer_encoding++;
	else if (!strcasecmp(key, "Host"))
		f->host++;
	return MHD_YES;
}

/* addr (text) as bytes: 4 (IPv4), 16 (IPv6), or 0 when it is neither. */
static int addr_bytes(const char *text, unsigned char out[16])
{
	if (inet_pton(AF_INET, text, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, text, out) == 1)
		return 16;
	return 0;
}

static int is_trusted(const char *text)
{
	unsigned char a[16];
	int n = addr_bytes(text, a);

	for (int i = 0; i < srv.ntrusted && n; i++) {
		const struct proxy_net *t = &srv.trusted[i];
		int full = t->bits / 8, rest = t->bits % 8;
		if ((t->family == AF_INET) != (n == 4))
			continue;
		if (memcmp(a, t->addr, (size_t)full))
			continue;
		if (rest && ((a[full] ^ t->addr[full]) & (0xff << (8 - rest))))
			continue;
		return 1;
	}
	return 0;
}

/* "ADDR[/BITS],..." into srv.trusted; ERR_USAGE naming the bad one. */
static int parse_trusted(const char *list, struct err *err)
{
	char item[80];
	const char *p = list;

	srv.ntrusted = 0;
	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char *slash, *end;
		struct proxy_net *t;
		int n;
		long bits;

		if (len == 0 || len >= sizeof(item) || srv.ntrusted == TRUSTED_MAX)
			return err_set(err, ERR_USAGE, "trust-proxy", "usage",
				       "--trust-proxy takes up to %d addresses or networks, "
				       "comma-separated", TRUSTED_MAX);
		memcpy(item, p, len);
		item[len] = '\0';
		slash = strchr(item, '/');
		if (slash)
			*slash = '\0';
		t = &srv.trusted[srv.ntrusted];
		n = addr_bytes(item, t->addr);
		bits = n * 8;
		if (slash) {
			bits = strtol(slash + 1, &end, 10);
			if (*end || end == slash + 1)
				bits = -1;
		}
		if (!n || bits < 0 || bits > n * 8)
			return err_set(err, ERR_USAGE, "trust-proxy", "usage",
				       "--trust-proxy: \"%.*s\" is no address or network (e.g. "
				       "127.0.0.1, 10.0.0.0/8, ::1)",
				       (int)len, p);
		t->family = n == 4 ? AF_INET : AF_INET6;
		t->bits = (int)bits;
		srv.ntrusted++;
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

/*
 * The client's address: the connection's, or, when that is a trusted proxy,
 * the right-most address of X-Forwarded-For that is not one (what the proxy
 * nearest us saw).
 */
static void client_ip(struct MHD_Connection *c, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const char *xff;
	snprintf(out, len, "-");
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, out,
			  (socklen_t)len);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, out,
			  (socklen_t)len);
	if (!srv.ntrusted || !is_trusted(out) ||
	    !(xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For")))
		return;
	{
		/* the hops, right to left: each one that is an address is where it came from */
		char hops[512], *tok[32], *save = NULL;
		int n = 0;
		if (strlen(xff) >= sizeof(hops))
			return; /* past what any proxy chain writes: not believed */
		snprintf(hops, sizeof(hops), "%s", xff);
		for (char *t = strtok_r(hops, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			if (n == 32)
				return;
			tok[n++] = t;
		}
		while (n-- > 0) {
			char *h = tok[n], *e;
			unsigned char b[16];
			while (*h == ' ' || *h == '\t')
				h++;
			e = h + strlen(h);
			while (e > h && (e[-1] == ' ' || e[-1] == '\t'))
				*--e = '\0';
			if (!addr_bytes(h, b))
				return; /* a hop that is no address: believe nothing further */
			snprintf(out, len, "%s", h);
			if (!is_trusted(h))
				return;
		}
	}
}

/* Whether the client reached us over HTTPS: ours, or a trusted proxy's that says so. */
static int client_secure(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;
	const char *proto;
	char peer[INET6_ADDRSTRLEN] = "";

	if (srv.tls)
		return 1;
	if (!srv.ntrusted)
		return 0;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return 0;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, peer,
			  sizeof(peer));
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, peer,
			  sizeof(peer));
	proto = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-Proto");
	return is_trusted(peer) && proto && !strcasecmp(proto, "https");
}

/* --- routing ------------------------------------------------------------------------ */

/* Match path against pattern; with r, record the {parameters} into it. */
static int match_pattern(const char *pat, const char *path, struct api_req *r)
{
	int n = 0;
	while (*pat && *path) {
		if (*pat == '{') {
			const char *pe = strchr(pat, '}');
			const char *se = strchrnul(path, '/');
			if (!pe || se == path || n >= API_MAX_PARAMS)
				return 0;
			if (r) {
				r->param_name[n] = arena_strndup(r->arena, pat + 1,
								 (size_t)(pe - pat - 1));
				r->param_value[n] = arena_strndup(r->arena, path,
								  (size_t)(se - path));
			}
			n++;
			pat = pe + 1;
			path = se;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	if (*pat || *path)
		return 0;
	if (r)
		r->nparams = n;
	return 1;
}

/*
 * The route for method + path. When none matches, allow lists the methods the
 * path has (empty: the path is unknown).
 */
/*
 * The routes found last by this thread, by method and path: the tables do not
 * change while the server runs, and a client asks for the same few paths.
 */
#define ROUTE_MEMO 16
#define ROUTE_MEMO_PATH 128

static _Thread_local struct {
	char method[8];
	char path[ROUTE_MEMO_PATH];
	const struct api_route *rt;
} route_memo[ROUTE_MEMO];

static unsigned route_hash(const char *method, const char *path)
{
	unsigned h = 2166136261u;
	for (const char *p = method; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (const char *p = path; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h % ROUTE_MEMO;
}

static const struct api_route *route_find_all(const char *method, const char *path,
					      char *allow, size_t allowlen);

static const struct api_route *route_find(const char *method, const char *path, char *allow,
					  size_t allowlen)
{
	const struct api_route *rt;
	unsigned h;

	if (!strcmp(method, "HEAD"))
		method = "GET";
	h = route_hash(method, path);
	allow[0] = '\0';
	if (route_memo[h].rt && !strcmp(route_memo[h].path, path) &&
	    !strcmp(route_memo[h].method, method))
		return route_memo[h].rt;
	rt = route_find_all(method, path, allow, allowlen);
	if (rt && strlen(path) < ROUTE_MEMO_PATH && strlen(method) < sizeof(route_memo[h].method)) {
		copy_str(route_memo[h].method, sizeof(route_memo[h].method), method);
		copy_str(route_memo[h].path, sizeof(route_memo[h].path), path);
		route_memo[h].rt = rt;
	}
	return rt;
}

static const struct api_route *route_find_all(const char *method, const char *path,
					      char *allow, size_t allowlen)
{
	for (int t = 0; api_routes[t]; t++)
		for (const struct api_route *rt = api_routes[t]; rt->method; rt++) {
			if (!match_pattern(rt->pattern, path, NULL))
				continue;
			if (!strcmp(rt->method, method))
				return rt;
			if (!strstr(allow, rt->method)) {
				size_t n = strlen(allow);
				snprintf(allow + n, allowlen - n, "%s%s", n ? ", " : "", rt->method);
			}
		}
	return NULL;
}

static const char *role_name(int role)
{
	return role == API_PUBLIC ? "public" : role_str((enum role)role);
}

void http_print_routes(FILE *f)
{
	api_entity_init();
	for (int t = 0; api_routes[t]; t++)
		for (const struct api_route *rt = api_routes[t]; rt->method; rt++)
			fprintf(f, "%s %s %s\n", rt->method, rt->pattern, role_name(rt->min_role));
}

/* --- responses ------------------------------------------------------------------------ */

static struct MHD_Response *with_cache_control(struct MHD_Response *resp, const char *type,
					       const char *cache_control)
{
	if (!resp)
		return NULL;
	if (type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache_control);
	if (srv.tls) /* a browser that came over HTTPS keeps to it for a year */
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	return resp;
}

static struct MHD_Response *with_headers(struct MHD_Response *resp, const char *type, int api)
{
	return with_cache_control(resp, type, api ? "no-store" : "no-cache");
}

static struct MHD_Response *response_new(const void *data, size_t len,
					 enum MHD_ResponseMemoryMode mode, const char *type,
					 int api)
{
	return with_headers(MHD_create_response_from_buffer(len, (void *)data, mode), type, api);
}

/* A streamed answer: the handler's pieces, one at a time (chunked). */
struct stream {
	int (*next)(void *ctx, struct buf *out, struct err *err);
	void (*end)(void *ctx);
	void *ctx;
	struct buf piece;
	size_t pos;
	int last; /* the piece in hand is the last one */
};

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct stream *s = cls;
	size_t n;

	(void)pos;
	while (s->pos == s->piece.len) {
		struct err err = { 0 };
		int rc;
		if (s->last)
			return MHD_CONTENT_READER_END_OF_STREAM;
		buf_reset(&s->piece);
		s->pos = 0;
		rc = s->next(s->ctx, &s->piece, &err);
		if (rc < 0) {
			/* the reason is a code: no user text reaches the log unescaped */
			fprintf(stderr, "salespm: a download stopped midway (%s)\n",
				err.reason[0] ? err.reason : "internal");
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
		s->last = rc == 0;
	}
	n = s->piece.len - s->pos;
	if (n > max)
		n = max;
	memcpy(out, s->piece.p + s->pos, n);
	s->pos += n;
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	struct stream *s = cls;
	s->end(s->ctx);
	buf_release(&s->piece);
	free(s);
}

/* Take r's stream into a response (r no longer owns it, even when this fails). */
static struct MHD_Response *stream_response(struct api_req *r, const char *type)
{
	struct stream *s = xcalloc(1, sizeof(*s));
	struct MHD_Response *resp;

	s->next = r->stream_next;
	s->end = r->stream_end;
	s->ctx = r->stream_ctx;
	r->stream_next = NULL;
	r->stream_end = NULL;
	r->stream_ctx = NULL;
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_read, s,
						 stream_free);
	if (!resp) {
		stream_free(s);
		return NULL;
	}
	return with_headers(resp, type, 1);
}

static enum MHD_Result queue(struct MHD_Connection *c, struct req *q, int status,
			     struct MHD_Response *resp, size_t len)
{
	enum MHD_Result ret;
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "X-Request-Id", q->rid);
	if (q->deferring) {
		/* the writer thread's answer: queued by the connection's thread when it wakes */
		if (q->pend)
			MHD_destroy_response(q->pend);
		q->pend = resp;
		q->pend_status = status;
		q->pend_len = len;
		return MHD_YES;
	}
	ret = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	if (ret == MHD_YES) {
		q->answered = 1;
		q->status = status;
		q->bytes = len;
	}
	return ret;
}

/*
 * Kept answers (api/cache.h) are sent by responses made once per worker
 * thread and entry, and queued on every connection the thread answers with
 * them: the answer as it is, gzipped, and 304. Each response holds a
 * reference to its entry, dropped when libmicrohttpd frees the response
 * (after the thread let it go and the last connection sent it). Private and
 * revalidated: the browser may keep the answer, and asks with its ETag. A
 * shared response has no header of a request's own: a kept answer carries no
 * X-Request-Id (its access-log line has the id). Made per request, with the
 * header, it cost a tenth of the cached dashboard's rate.
 */
#define SHARED_SLOTS 8
#define CACHED_CONTROL "private, no-cache"

static _Thread_local struct shared_answer {
	const struct api_cached *e;
	struct MHD_Response *plain, *gz, *unchanged, *unchanged_gz;
} shared[SHARED_SLOTS];
static _Thread_local unsigned shared_next;

static void cached_free(void *cls)
{
	api_cached_unref(cls);
}

/*
 * What a worker thread keeps for itself (its shared responses, its access-log
 * buffer, the cache entries it found last) is let go when it ends: a thread
 * that kept anything is marked with this key, whose destructor runs then.
 */
static pthread_key_t locals_key;
static pthread_once_t locals_once = PTHREAD_ONCE_INIT;
static _Thread_local int locals_marked;
static _Thread_local struct buf log_line = BUF_INIT;

static void locals_release(void *unused)
{
	(void)unused;
	for (int i = 0; i < SHARED_SLOTS; i++) {
		if (shared[i].plain)
			MHD_destroy_response(shared[i].plain);
		if (shared[i].gz)
			MHD_destroy_response(shared[i].gz);
		if (shared[i].unchanged)
			MHD_destroy_response(shared[i].unchanged);
		if (shared[i].unchanged_gz)
			MHD_destroy_response(shared[i].unchanged_gz);
		memset(&shared[i], 0, sizeof(shared[i]));
	}
	buf_release(&log_line);
	api_thread_release();
	locals_marked = 0;
}

static void locals_key_make(void)
{
	if (pthread_key_create(&locals_key, locals_release))
		abort();
}

static void locals_mark(void)
{
	if (locals_marked)
		return;
	pthread_once(&locals_once, locals_key_make);
	pthread_setspecific(locals_key, &locals_marked);
	locals_marked = 1;
}

/*
 * The response of this thread for e: which 0 as it is, 1 gzipped, 2 not
 * modified (to a client that would get it as it is), 3 not modified (gzipped).
 */
static struct MHD_Response *cached_response(const struct api_cached *e, int which)
{
	struct shared_answer *a = NULL;
	struct MHD_Response **rp, *resp;

	locals_mark();
	for (int i = 0; i < SHARED_SLOTS && !a; i++)
		if (shared[i].e == e)
			a = &shared[i];
	if (!a) {
		a = &shared[shared_next++ % SHARED_SLOTS];
		if (a->plain)
			MHD_destroy_response(a->plain);
		if (a->gz)
			MHD_destroy_response(a->gz);
		if (a->unchanged)
			MHD_destroy_response(a->unchanged);
		if (a->unchanged_gz)
			MHD_destroy_response(a->unchanged_gz);
		memset(a, 0, sizeof(*a));
		a->e = e;
	}
	rp = which == 0 ? &a->plain : which == 1 ? &a->gz : which == 2 ? &a->unchanged : &a->unchanged_gz;
	if (*rp)
		return *rp;
	api_cached_ref(e);
	if (which >= 2)
		resp = MHD_create_response_from_buffer_with_free_callback_cls(0, (void *)"", cached_free,
									     (void *)e);
	else
		resp = MHD_create_response_from_buffer_with_free_callback_cls(
			which ? e->gz_len : e->len, which ? e->gz : e->body, cached_free, (void *)e);
	if (!resp) {
		api_cached_unref(e);
		return NULL;
	}
	with_cache_control(resp, which >= 2 ? NULL : JSON_TYPE, CACHED_CONTROL);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, which & 1 ? e->etag_gz : e->etag);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	if (which == 1)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	*rp = resp;
	return resp;
}

static int accepts_gzip(struct MHD_Connection *c);

/* Send a kept answer: 304 when If-None-Match names it, else gzipped when accepted. */
static enum MHD_Result send_cached(struct MHD_Connection *c, struct req *q,
				   const struct api_cached *e)
{
	int gz = e->gz && accepts_gzip(c);
	int unchanged = api_cached_matches(e, conn_header(c, "If-None-Match"));
	struct MHD_Response *resp = cached_response(e, (unchanged ? 2 : 0) + gz);
	enum MHD_Result ret;

	if (!resp)
		return MHD_NO;
	ret = MHD_queue_response(c, unchanged ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK, resp);
	if (ret == MHD_YES) {
		q->answered = 1;
		q->status = unchanged ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK;
		q->bytes = unchanged ? 0 : gz ? e->gz_len : e->len;
	}
	return ret;
}

/* A JSON body taken from b (which is left empty). */
static struct MHD_Response *json_response(struct buf *b, size_t *len)
{
	char *p = buf_detach(b, len);
	return response_new(p, *len, MHD_RESPMEM_MUST_FREE, JSON_TYPE, 1);
}

/* An error answer; extra (JSON members, or NULL) goes inside its "error" object. */
static enum MHD_Result send_error_extra(struct MHD_Connection *c, struct req *q,
					const struct err *e, const char *allow, int retry_after,
					const char *extra)
{
	struct buf b = BUF_INIT;
	struct MHD_Response *resp;
	int status = api_error_render_extra(&b, e, extra);
	size_t len;
	char num[16];

	resp = json_response(&b, &len);
	if (!resp)
		return MHD_NO;
	if (allow && *allow)
		MHD_add_response_header(resp, "Allow", allow);
	if (retry_after > 0) {
		snprintf(num, sizeof(num), "%d", retry_after);
		MHD_add_response_header(resp, "Retry-After", num);
	}
	return queue(c, q, status, resp, len);
}

static enum MHD_Result send_error(struct MHD_Connection *c, struct req *q, const struct err *e,
				  const char *allow, int retry_after)
{
	return send_error_extra(c, q, e, allow, retry_after, NULL);
}

/* The answer to a request refused before its handler (q->early). */
static enum MHD_Result send_early(struct MHD_Connection *c, struct req *q)
{
	struct buf b = BUF_INIT;
	struct MHD_Response *resp;
	int status;
	size_t len;

	if (!q->clear_cookie)
		return send_error(c, q, &q->early_err, q->allow, q->retry_after);
	/* A dead session cookie is cleared so the browser stops sending it. */
	status = api_error_render(&b, &q->early_err);
	resp = json_response(&b, &len);
	if (resp)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE,
					"salespm_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
	return queue(c, q, status, resp, len);
}

static enum MHD_Result send_text(struct MHD_Connection *c, struct req *q, int status,
				 const char *type, const char *text, size_t len)
{
	return queue(c, q, status,
		     response_new(text, len, MHD_RESPMEM_MUST_COPY, type, 0), len);
}

/* --- health, metrics and the UI ------------------------------------------------------- */

static enum MHD_Result answer_ready(struct MHD_Connection *c, struct req *q)
{
	struct err err = { 0 };
	struct store *st = thread_store(&err);

	if (st && !store_ready(st, &err) && !auth_ready(st, &err))
		return send_text(c, q, 200, "text/plain; charset=utf-8", "ready\n", 6);
	if (!st || err.code != ERR_OK) {
		thread_store_drop();
		if (err.code != ERR_UNAVAILABLE)
			err_set(&err, ERR_UNAVAILABLE, "db", "db_unavailable", "the database cannot be used: %.150s",
				err.msg);
	}
	return send_error(c, q, &err, NULL, 0);
}

static enum MHD_Result answer_metrics(struct MHD_Connection *c, struct req *q)
{
	struct buf b = BUF_INIT;
	size_t len;
	char *p;

	metrics_render(&b);
	p = buf_detach(&b, &len);
	return queue(c, q, 200,
		     response_new(p, len, MHD_RESPMEM_MUST_FREE,
				  "text/plain; version=0.0.4; charset=utf-8", 0),
		     len);
}

/* Whether Accept-Encoding lists gzip (or "*") without q=0. */
static int accepts_gzip(struct MHD_Connection *c)
{
	const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
	const char *p = ae;

	while (p && *p) {
		size_t n;
		const char *q;
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		n = strcspn(p, ";, \t");
		if ((n == 4 && !strncasecmp(p, "gzip", 4)) || (n == 1 && *p == '*')) {
			/* a weight of zero refuses it: q=0, q=0.0, q=0.000 */
			q = p + n;
			while (*q == ' ' || *q == '\t')
				q++;
			if (*q != ';')
				return 1;
			q++;
			while (*q == ' ' || *q == '\t')
				q++;
			if ((*q != 'q' && *q != 'Q') || q[1] != '=')
				return 1;
			q += 2;
			if (*q != '0')
				return 1;
			q++;
			if (*q == '.')
				for (q++; *q == '0'; q++)
					;
			return *q >= '1' && *q <= '9';
		}
		p += strcspn(p, ",");
	}
	return 0;
}

static enum MHD_Result answer_static(struct MHD_Connection *c, struct req *q)
{
	struct static_file f;
	struct MHD_Response *resp;

	static_lookup(srv.opt->web_dir, q->url, accepts_gzip(c), &f);
	if (f.owned)
		resp = response_new(f.owned, f.len, MHD_RESPMEM_MUST_FREE, f.content_type, 0);
	else
		resp = response_new(f.data, f.len, MHD_RESPMEM_PERSISTENT, f.content_type, 0);
	if (!resp) {
		free(f.owned);
		return MHD_NO;
	}
	if (f.gzip)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	return queue(c, q, f.status, resp, f.len);
}

/* --- the API ----------------------------------------------------------------------------- */

static int is_write(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "OPTIONS");
}

/* Who is calling: an API token, else the session cookie. */
static int authenticate(struct MHD_Connection *c, struct api_req *r, struct err *err)
{
	const char *authz = conn_header(c, "Authorization");
	const char *cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE_NAME);
	int public = r->route->min_role == API_PUBLIC;
	struct auth_session s;
	struct err why = { 0 };

	if (authz) {
		if (strncasecmp(authz, "Bearer ", 7) || !authz[7]) {
			if (public)
				return 0;
			return err_set(err, ERR_UNAUTHENTICATED, "Authorization", "bad_authorization",
				       "the Authorization header must be \"Bearer <token>\"");
		}
		if (!auth_token_lookup(r->st, authz + 7, &r->actor, &why)) {
			r->auth = API_AUTH_TOKEN;
			return 0;
		}
	} else if (cookie && *cookie && strlen(cookie) < sizeof(r->session_token)) {
		if (!auth_session_lookup(r->st, cookie, &s, &r->actor, &why)) {
			r->auth = API_AUTH_SESSION;
			copy_str(r->session_token, sizeof(r->session_token), cookie);
			copy_str(r->csrf_token, sizeof(r->csrf_token), s.csrf_token);
			return 0;
		}
	} else if (public) {
		return 0;
	} else {
		return err_set(err, ERR_UNAUTHENTICATED, NULL, "sign_in_required",
			       "sign in first (POST /api/v1/session) or send an API token");
	}
	memset(&r->actor, 0, sizeof(r->actor));
	if (why.code != ERR_UNAUTHENTICATED) {
		*err = why;
		return -1;
	}
	if (public)
		return 0;
	*err = why;
	return -1;
}

/* Whether Origin ("https://host:port") names the Host this request was sent to. */
static int origin_matches(const char *origin, const char *host)
{
	const char *p = strstr(origin, "://");
	return p && host && !strcasecmp(p + 3, host);
}

static int check_csrf(struct MHD_Connection *c, struct api_req *r, struct err *err)
{
	const char *origin, *token;

	if (!is_write(r->method) || r->auth == API_AUTH_TOKEN)
		return 0;
	origin = conn_header(c, "Origin");
	if (origin && !origin_matches(origin, conn_header(c, "Host")))
		return err_set(err, ERR_DENIED, "Origin", "cross_origin:origin",
			       "the request comes from %.80s, not from this site", origin);
	if (r->auth != API_AUTH_SESSION || (r->route->flags & API_NO_CSRF))
		return 0;
	token = conn_header(c, "X-CSRF-Token");
	if (!token || strlen(token) != strlen(r->csrf_token) ||
	    sodium_memcmp(token, r->csrf_token, strlen(token)))
		return err_set(err, ERR_DENIED, "X-CSRF-Token", "csrf_missing",
			       "%s needs the X-CSRF-Token header (the csrf_token of "
			       "GET /api/v1/me)",
			       token ? "the X-CSRF-Token header does not match; this write"
				     : "a write signed in by cookie");
	return 0;
}

/* Append "?k=v&k2=v2" (as received, in order) for an idempotency key's target. */
static enum MHD_Result add_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	struct buf *b = cls;
	(void)kind;
	buf_addch(b, b->len && strchr(b->p, '?') ? '&' : '?');
	buf_adds(b, key);
	if (value) {
		buf_addch(b, '=');
		buf_adds(b, value);
	}
	return MHD_YES;
}

static int idem_key_valid(const char *key)
{
	size_t n = strlen(key);
	if (n == 0 || n > IDEM_KEY_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)key[i] < 0x21 || (unsigned char)key[i] > 0x7e)
			return 0;
	return 1;
}

/* The API request of q as handlers see it: inputs from the connection, the caller from q. */
static void api_req_fill(struct MHD_Connection *c, struct req *q, struct store *st,
			 struct api_req *r)
{
	api_req_init(r, st, &q->arena);
	r->method = q->method;
	r->path = q->url;
	r->route = q->route;
	r->query_fn = conn_query;
	r->header_fn = conn_header;
	r->query_ctx = c;
	r->body = q->loaded ? q->loaded : buf_cstr(&q->body);
	r->body_len = q->loaded ? q->spool_len : q->body.len;
	r->body_fd = q->spool_fd;
	r->content_type = conn_header(c, "Content-Type");
	r->client_ip = q->ip;
	r->secure = client_secure(c);
	r->hash_job = q->hash_job;
	r->auth = q->auth;
	r->actor = q->actor;
	copy_str(r->session_token, sizeof(r->session_token), q->session_token);
	copy_str(r->csrf_token, sizeof(r->csrf_token), q->csrf_token);
	match_pattern(q->route->pattern, q->url, r);
}

/* Who calls, and may they: the session or token, the route's role, CSRF. Kept in q. */
static int check_caller(struct MHD_Connection *c, struct req *q, struct api_req *r,
			struct err *err)
{
	const struct api_route *rt = r->route;

	r->auth = API_AUTH_NONE;
	memset(&r->actor, 0, sizeof(r->actor));
	if (authenticate(c, r, err))
		return -1;
	q->auth = r->auth;
	q->actor = r->actor;
	copy_str(q->session_token, sizeof(q->session_token), r->session_token);
	copy_str(q->csrf_token, sizeof(q->csrf_token), r->csrf_token);
	copy_str(q->user, sizeof(q->user), r->actor.login);
	if (rt->min_role != API_PUBLIC && (int)r->actor.role < rt->min_role)
		return err_set(err, ERR_DENIED, NULL, "role_required:_,_,role,login,have", "%s %s needs the %s role; %s is a %s", rt->method,
			       rt->pattern, role_str((enum role)rt->min_role), r->actor.login,
			       role_str(r->actor.role));
	return check_csrf(c, r, err);
}

static enum MHD_Result send_failure(struct MHD_Connection *c, struct req *q, struct api_req *r,
				    const struct err *err);

/* The answer kept for an Idempotency-Key, sent again. */
static enum MHD_Result send_replay(struct MHD_Connection *c, struct req *q, struct api_req *r,
				   int status)
{
	size_t len;
	struct MHD_Response *resp = json_response(&r->out, &len);
	copy_str(q->user, sizeof(q->user), r->actor.login);
	if (resp)
		MHD_add_response_header(resp, "Idempotent-Replayed", "true");
	return queue(c, q, status, resp, len);
}

/* Undo every level of st above base (the caller's own transaction stays). */
static void rollback_to(struct store *st, int base)
{
	while (st->in_tx > base)
		store_rollback(st);
}

/*
 * Run the route's handler for r on st and answer (queue() keeps the answer
 * when q->deferring): the idempotency key, the handler, the key's record.
 * st may hold an open transaction already (the writer's batch): everything
 * here nests in savepoints above that level and leaves it as it found it.
 * r is released.
 */
static enum MHD_Result answer_run(struct MHD_Connection *c, struct req *q, struct api_req *r,
				  struct store *st)
{
	struct err err = { 0 };
	const struct api_route *rt = q->route;
	const char *idem = NULL;
	int idem_open = 0, idem_bulk = 0, status, base = st->in_tx;
	enum MHD_Result ret;
	struct MHD_Response *resp;
	size_t len;

	r->st = st;
	if (q->idem) {
		int replay_status = 0, k;
		idem = q->idem;
		/*
		 * One transaction holds the write, the key and its answer: after a
		 * crash the key is applied with its answer, or absent and retryable.
		 * A retry sent meanwhile waits for the lock, then replays. A bulk
		 * route's write runs in bulk mode, which only takes effect outside a
		 * transaction, so it is switched on first.
		 */
		if (rt->flags & API_BULK) {
			store_bulk(st, 1);
			idem_bulk = 1;
		}
		if (store_begin(st, 1, &err))
			goto fail;
		idem_open = 1;
		k = auth_idem_find(st, r->actor.user_id, idem, q->method, buf_cstr(&q->idem_target),
				   q->idem_hash, &replay_status, &r->out, &err);
		if (k < 0)
			goto fail;
		if (k == AUTH_IDEM_REPLAY) {
			rollback_to(st, base);
			if (idem_bulk)
				store_bulk(st, 0);
			ret = send_replay(c, q, r, replay_status);
			api_req_release(r);
			return ret;
		}
		/* the handler's writes in a savepoint of their own: a refusal undoes them */
		if (store_begin(st, 1, &err))
			goto fail;
	}
	if (rt->handler(r, &err))
		goto fail;
	copy_str(q->user, sizeof(q->user), r->actor.login);
	status = r->status;
	if (st->in_tx != base + 2 * idem_open) {
		err_set(&err, ERR_INTERNAL, NULL, "internal", "%s %s left a transaction open",
			rt->method, rt->pattern);
		goto fail;
	}
	if (idem_open) {
		struct buf b = BUF_INIT;
		const char *keep = r->out.p;
		size_t keep_len = r->out.len;
		int keep_status = status, rc;
		if (rt->flags & API_SECRET) {
			/*
			 * The answer holds a secret that is stored nowhere: a retry with the
			 * key learns that it was applied, not the secret.
			 */
			struct err applied = { 0 };
			err_set(&applied, ERR_CONFLICT, "Idempotency-Key", "idempotency_secret",
				"the request with Idempotency-Key \"%.60s\" was applied; its answer "
				"held a secret that is shown only once",
				idem);
			keep_status = api_error_render(&b, &applied);
			keep = b.p;
			keep_len = b.len;
		}
		/* Nothing is answered 2xx before the write, the key and the answer commit. */
		rc = store_commit(st, &err) ||
		     auth_idem_record(st, r->actor.user_id, idem, q->method,
				      buf_cstr(&q->idem_target), q->idem_hash, keep_status, keep,
				      keep_len, &err) ||
		     store_commit(st, &err);
		buf_release(&b);
		if (rc)
			goto fail;
		idem_open = 0;
		if (idem_bulk) {
			store_bulk(st, 0);
			idem_bulk = 0;
		}
	}
	if (r->cached && status == 200 && !idem && !q->deferring) {
		ret = send_cached(c, q, r->cached);
			api_req_release(r);
		return ret;
	}
	if (r->cached && !r->out.len) {
		/* a kept answer sent as it is (queue() may only keep plain responses) */
		buf_reset(&r->out);
		buf_add(&r->out, r->cached->body, r->cached->len);
	}
	if (r->events_open) {
		const char *authz = conn_header(c, "Authorization");
		struct live_caller who = { r->actor.user_id, r->auth == API_AUTH_TOKEN,
					   r->auth == API_AUTH_TOKEN && authz ? authz + 7
									      : r->session_token,
					   r->events_project, r->events_after };
		len = 0;
		resp = live_open(c, &who, &err);
		if (!resp)
			goto fail;
		/* proxies must pass each event on as it comes (nginx's buffering off) */
		with_headers(resp, "text/event-stream; charset=utf-8", 1);
		MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	} else if (r->stream_next) {
		len = 0;
		resp = stream_response(r, r->content_type_out ? r->content_type_out : JSON_TYPE);
	} else {
		char *p = buf_detach(&r->out, &len);
		resp = response_new(p, len, MHD_RESPMEM_MUST_FREE,
				    r->content_type_out ? r->content_type_out : JSON_TYPE, 1);
	}
	if (resp && r->set_cookie[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->set_cookie);
	for (int i = 0; resp && i < r->nheaders_out; i++)
		MHD_add_response_header(resp, r->header_out_name[i], r->header_out_value[i]);
	ret = queue(c, q, status, resp, len);
	api_req_release(r);
	return ret;
fail:
	copy_str(q->user, sizeof(q->user), r->actor.login);
	if (idem_open) {
		/*
		 * Whatever the handler wrote is undone. A refusal is the answer to
		 * replay, recorded alone; a failure of ours (5xx, 429) leaves the key
		 * absent, so a retry is applied.
		 */
		rollback_to(st, base + 2);
		if (st->in_tx == base + 2) {
			struct buf b = BUF_INIT;
			int s = api_error_render_extra(&b, &err, r->error_extra);
			store_rollback(st);
			if (s < 500 && s != 429 &&
			    !auth_idem_record(st, r->actor.user_id, idem, q->method,
					      buf_cstr(&q->idem_target), q->idem_hash, s, b.p, b.len,
					      NULL))
				store_commit(st, NULL);
			buf_release(&b);
		}
	}
	rollback_to(st, base);
	if (idem_bulk)
		store_bulk(st, 0);
	ret = send_failure(c, q, r, &err);
	api_req_release(r);
	return ret;
}

/* A handler's refusal: a dead session cookie is cleared so the browser stops sending it. */
static enum MHD_Result send_failure(struct MHD_Connection *c, struct req *q, struct api_req *r,
				    const struct err *err)
{
	if (err->code == ERR_UNAUTHENTICATED && r->auth == API_AUTH_NONE &&
	    MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE_NAME)) {
		struct buf b = BUF_INIT;
		struct MHD_Response *resp;
		size_t len;
		int status = api_error_render(&b, err);
		resp = json_response(&b, &len);
		if (resp)
			MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE,
						"salespm_session=; Path=/; HttpOnly; "
						"SameSite=Lax; Max-Age=0");
		return queue(c, q, status, resp, len);
	}
	return send_error_extra(c, q, err, NULL, r->retry_after, r->error_extra);
}

/* --- group commit ------------------------------------------------------------------ */

/*
 * Writes handed to the writer (or run on their thread once it stopped) whose
 * answers are not yet sent. A stop waits for them before libmicrohttpd closes
 * its connections: a committed write is answered, not cut off.
 */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t none;
	long n;
} unsent = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };

static void unsent_add(long d)
{
	pthread_mutex_lock(&unsent.lock);
	unsent.n += d;
	if (unsent.n == 0)
		pthread_cond_broadcast(&unsent.none);
	pthread_mutex_unlock(&unsent.lock);
}

/* Until every unsent write is answered (or its connection gone), for at most seconds. */
static void unsent_wait(int seconds)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&unsent.lock);
	while (unsent.n > 0 && pthread_cond_timedwait(&unsent.none, &unsent.lock, &until) == 0)
		;
	pthread_mutex_unlock(&unsent.lock);
}

/* Whether the request's write goes to the writer thread (writer.c). */
static int for_writer(const struct req *q)
{
	return strcmp(q->method, "GET") && strcmp(q->method, "HEAD") &&
	       !(q->route->flags & (API_BULK | API_HASHES));
}

/* On the writer thread, in its batch: the write runs, its answer is kept until the commit. */
static void write_run(struct writer_job *j, struct store *st)
{
	struct req *q = (struct req *)((char *)j - offsetof(struct req, job));
	q->deferring = 1;
	answer_run(q->conn, q, q->wr, st);
	q->deferring = 0;
	free(q->wr);
	q->wr = NULL;
}

/* The batch is durable (or failed whole): the connection wakes to send the kept answer. */
static void write_done(struct writer_job *j, const struct err *commit_err)
{
	struct req *q = (struct req *)((char *)j - offsetof(struct req, job));
	if (q->wr) {
		/* never run: a write before it in its batch ended the transaction */
		api_req_release(q->wr);
		free(q->wr);
		q->wr = NULL;
	}
	if (commit_err) {
		/* nothing of the batch was kept: no success may be told */
		if (q->pend)
			MHD_destroy_response(q->pend);
		q->pend = NULL;
		q->deferring = 1;
		send_error(q->conn, q, commit_err, NULL, 0);
		q->deferring = 0;
	}
	q->wstate = WRITE_DONE;
	MHD_resume_connection(q->conn);
}

/* The kept answer of a write, on the connection's own thread after it woke. */
static enum MHD_Result send_kept(struct MHD_Connection *c, struct req *q)
{
	struct MHD_Response *resp = q->pend;
	q->pend = NULL;
	return queue(c, q, q->pend_status, resp, q->pend_len);
}

/*
 * An API request: the caller checked again once its body is in, then the
 * handler. A write is queued to the writer thread while the connection waits
 * suspended (this thread serves others); everything else runs here.
 */
static enum MHD_Result answer_api(struct MHD_Connection *c, struct req *q)
{
	struct api_req rs, *r = &rs;
	struct err err = { 0 };
	enum MHD_Result ret;
	struct store *st;
	int w = for_writer(q);

	st = thread_store(&err);
	if (!st) {
		if (err.code != ERR_UNAVAILABLE)
			err_set(&err, ERR_UNAVAILABLE, "db", "db_unavailable", "the database cannot be opened");
		return send_error(c, q, &err, NULL, 0);
	}
	if (w)
		r = xmalloc(sizeof(*r));
	api_req_fill(c, q, st, r);
	/* Known from the headers; while a body came in, a session may have ended. */
	if (q->has_body && check_caller(c, q, r, &err))
		goto fail;
	/* A name in the path that is not UTF-8 text names nothing (every stored name is text). */
	for (int i = 0; i < r->nparams; i++)
		if (!csv_utf8_valid(r->param_value[i], strlen(r->param_value[i]))) {
			err_set(&err, ERR_NOT_FOUND, r->param_name[i], "path_not_text:_,_",
				"no %s \"%.60s\": the address holds bytes that are not UTF-8 text",
				r->param_name[i], r->param_value[i]);
			goto fail;
		}
	if (!strcmp(q->method, "POST") && r->auth != API_AUTH_NONE &&
	    !(q->route->flags & API_NO_IDEMPOTENCY) && (q->idem = conn_header(c, "Idempotency-Key"))) {
		int replay_status = 0, k;
		if (!idem_key_valid(q->idem)) {
			err_set(&err, ERR_INVALID, "Idempotency-Key", "bad_idempotency_key:max",
				"an Idempotency-Key is 1 to %d printable ASCII characters",
				IDEM_KEY_MAX);
			goto fail;
		}
		/* the key names one request: its query string too (a dry run is not the import) */
		buf_adds(&q->idem_target, q->url);
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_query_arg, &q->idem_target);
		auth_idem_fingerprint(q->method, buf_cstr(&q->idem_target), r->body, r->body_len,
				      q->idem_hash);
		/* A replay is a read: answered here, without the write lock or the writer. */
		k = auth_idem_find(st, r->actor.user_id, q->idem, q->method,
				   buf_cstr(&q->idem_target), q->idem_hash, &replay_status, &r->out,
				   &err);
		if (k < 0)
			goto fail;
		if (k == AUTH_IDEM_REPLAY) {
			ret = send_replay(c, q, r, replay_status);
			api_req_release(r);
			if (r != &rs)
				free(r);
			return ret;
		}
	}
	if (!w)
		return answer_run(c, q, r, st);
	/* the body is parsed here, in parallel with the others: the writer runs one job at a time */
	api_body_parse_ahead(r);
	/* Suspended before the job is queued, so that the job's end can never come first. */
	q->conn = c;
	q->wr = r;
	q->wstate = WRITE_QUEUED;
	q->job.run = write_run;
	q->job.done = write_done;
	q->job.batched = (q->route->flags & API_BATCHED) != 0;
	unsent_add(1);
	MHD_suspend_connection(c);
	if (writer_submit(&q->job)) {
		/* no writer (the server is stopping): the write runs here, answered when woken */
		q->deferring = 1;
		answer_run(c, q, r, st);
		q->deferring = 0;
		free(r);
		q->wr = NULL;
		q->wstate = WRITE_DONE;
		MHD_resume_connection(c);
	}
	return MHD_YES;
fail:
	copy_str(q->user, sizeof(q->user), r->actor.login);
	ret = send_failure(c, q, r, &err);
	api_req_release(r);
	if (r != &rs)
		free(r);
	return ret;
}

static enum MHD_Result answer(struct MHD_Connection *c, struct req *q)
{
	const char *m = q->method;
	int get = !strcmp(m, "GET") || !strcmp(m, "HEAD");
	int api = !strncmp(q->url, "/api/", 5) || !strcmp(q->url, "/api");
	struct err err = { 0 };

	if (q->early)
		return send_early(c, q);
	if (!api && !strcmp(q->url, "/livez"))
		return get ? send_text(c, q, 200, "text/plain; charset=utf-8", "ok\n", 3)
			   : send_error(c, q,
					(err_set(&err, ERR_METHOD, NULL, "method_not_allowed", "use GET"), &err),
					"GET, HEAD", 0);
	if (!api && (!strcmp(q->url, "/readyz") || !strcmp(q->url, "/metrics"))) {
		if (!get) {
			err_set(&err, ERR_METHOD, NULL, "method_not_allowed", "use GET");
			return send_error(c, q, &err, "GET, HEAD", 0);
		}
		return q->url[1] == 'r' ? answer_ready(c, q) : answer_metrics(c, q);
	}
	if (api)
		return answer_api(c, q);
	if (!get) {
		err_set(&err, ERR_METHOD, NULL, "method_not_allowed:method", "%s is not allowed on the web UI; use GET", m);
		return send_error(c, q, &err, "GET, HEAD", 0);
	}
	return answer_static(c, q);
}

/* --- the request lifecycle ------------------------------------------------------------- */

/* The deadline keeper of the connection (guard.c), or NULL. */
static struct guard_conn *conn_guard(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* libmicrohttpd's connection notice: a connection's deadlines live as long as it does. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	(void)cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		*socket_context = ci ? guard_open(ci->connect_fd, HEAD_TIMEOUT) : NULL;
	} else {
		guard_close(*socket_context);
		*socket_context = NULL;
	}
}

static int is_control(unsigned char ch)
{
	return ch < 0x20 || ch == 0x7f;
}

/*
 * libmicrohttpd's URI log callback: the raw request target, before it is
 * split at '?' and decoded, starts the request's state. Decoding would turn
 * "%2F" into a separator and "%00" into the end of the string, so
 * DELETE /api/v1/projects/P1%00/members/x would reach DELETE /api/v1/projects/P1.
 * A raw NUL cuts the target here already: its length is kept, for on_request()
 * to compare with where the request line really puts the version.
 */
static void *target_seen(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct req *q = calloc(1, sizeof(*q));
	size_t pathlen;
	(void)cls;
	(void)c;

	if (!q)
		return NULL;
	q->spool_fd = -1;
	if (!uri)
		return q;
	q->raw_uri = uri;
	q->raw_uri_len = strlen(uri);
	pathlen = strcspn(uri, "?");
	for (const char *p = uri; *p; p++)
		if (is_control((unsigned char)*p))
			q->bad_target |= TARGET_CONTROL;
	for (const char *p = uri; (p = strchr(p, '%')); p++)
		if ((p[1] == '0' && p[2] == '0') ||
		    ((size_t)(p - uri) < pathlen && p[1] == '2' && (p[2] == 'f' || p[2] == 'F')))
			q->bad_target |= TARGET_ENCODED;
	return q;
}

/*
 * Whether the request line holds a control byte: in the method, or in the
 * target (target_seen() saw those before a NUL). libmicrohttpd hands over
 * C strings that a raw NUL cuts short, so the bytes between the method, the
 * target and the version, all in its one buffer of the request line, must be
 * exactly what separates them: the method's end, then spaces; the target's
 * end, then the version.
 */
static int request_line_bad(const struct req *q, const char *method, const char *version)
{
	size_t mlen = strlen(method);
	uintptr_t m = (uintptr_t)method, u = (uintptr_t)q->raw_uri, v = (uintptr_t)version;

	for (size_t i = 0; i < mlen; i++)
		if (is_control((unsigned char)method[i]))
			return 1;
	if (q->bad_target & TARGET_CONTROL)
		return 1;
	if (!q->raw_uri)
		return 0;
	/* the same buffer, in order: method, target, version (else nothing to compare) */
	if (u > m + mlen && u - m < (1u << 20))
		for (const char *p = method + mlen + 1; (uintptr_t)p < u; p++)
			if (*p != ' ')
				return 1;
	if (v > u + q->raw_uri_len && v - u < (1u << 20))
		return v - 1 - u != q->raw_uri_len;
	return 0;
}

static void release_spool(struct req *q)
{
	if (q->spool_fd >= 0)
		close(q->spool_fd);
	q->spool_fd = -1;
	if (q->spool_slot)
		spool_slot_give();
	q->spool_slot = 0;
}

/* Refuse the request: answered with err as soon as possible (before its body when it has one). */
static void refuse(struct req *q, const struct err *err, int retry_after)
{
	q->early = 1;
	err_copy(&q->early_err, err);
	q->retry_after = retry_after;
	release_spool(q);
}

/* Framing and Host: one Content-Length or Transfer-Encoding at most; one Host in HTTP/1.1. */
static int check_headers(struct MHD_Connection *c, struct req *q, const char *version,
			 struct err *err)
{
	struct framing f = { 0, 0, 0 };
	const char *cl;

	MHD_get_connection_values(c, MHD_HEADER_KIND, count_framing, &f);
	if (strcmp(version, MHD_HTTP_VERSION_1_0) && f.host != 1)
		return f.host ? err_set(err, ERR_MALFORMED, "Host", "host_repeated",
					"the request names its Host more than once")
			      : err_set(err, ERR_MALFORMED, "Host", "host_required",
					"an HTTP/1.1 request needs a Host header");
	if (f.content_length > 1 || f.transfer_encoding > 1 ||
	    (f.content_length && f.transfer_encoding))
		return err_set(err, ERR_MALFORMED, NULL, "ambiguous_framing",
			       "the request is framed ambiguously (repeated Content-Length or "
			       "Transfer-Encoding, or both)");
	q->has_body = f.transfer_encoding > 0;
	if ((cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length"))) {
		char *end;
		unsigned long long n = strtoull(cl, &end, 10);
		if (end == cl || *end || *cl == '-')
			return err_set(err, ERR_MALFORMED, NULL, "bad_content_length",
				       "Content-Length \"%.30s\" is not a number", cl);
		q->has_body = n > 0;
	}
	return 0;
}

/*
 * Everything an API request's headers decide, before a byte of its body is
 * read: the route, the caller and their role, CSRF, the body's type and size,
 * and for a bulk body a slot and a spool file.
 */
static int intake_api(struct MHD_Connection *c, struct req *q, struct err *err)
{
	struct api_req r;
	struct store *st;
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
	size_t cap;
	int bulk, rc = -1;

	q->route = route_find(q->method, q->url, q->allow, sizeof(q->allow));
	if (!q->route) {
		if (q->allow[0])
			return err_set(err, ERR_METHOD, NULL, "method_not_allowed:method,_,allow", "%s is not allowed on %.100s; use %s",
				       q->method, q->url, q->allow);
		return err_set(err, ERR_NOT_FOUND, NULL, "no_route", "no API route %.100s", q->url);
	}
	st = thread_store(err);
	if (!st) {
		if (err->code != ERR_UNAVAILABLE)
			err_set(err, ERR_UNAVAILABLE, "db", "db_unavailable", "the database cannot be opened");
		return -1;
	}
	api_req_fill(c, q, st, &r);
	if (check_caller(c, q, &r, err)) {
		q->clear_cookie = err->code == ERR_UNAUTHENTICATED && r.auth == API_AUTH_NONE &&
				  MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE_NAME);
		goto out;
	}
	if (!q->has_body) {
		rc = 0;
		goto out;
	}
	bulk = (q->route->flags & API_BULK) != 0;
	cap = bulk ? API_BULK_MAX : q->auth == API_AUTH_NONE ? API_ANON_BODY_MAX : API_BODY_MAX;
	if (api_body_type(q->route, r.content_type, err))
		goto out;
	if (cl && strtoull(cl, NULL, 10) > cap) {
		err_set(err, ERR_TOO_LARGE, NULL, "body_too_large:size,max",
			"the body is %llu bytes; at most %zu are accepted here",
			strtoull(cl, NULL, 10), cap);
		goto out;
	}
	buf_init(&q->body, cap);
	if (bulk) {
		if (!spool_slot_take()) {
			err_set(err, ERR_RATE_LIMITED, NULL, "import_busy:slots",
				"%d imports are being received already; try again in a few seconds",
				SPOOL_SLOTS);
			q->retry_after = IMPORT_RETRY_AFTER;
			goto out;
		}
		q->spool_slot = 1;
		q->spool_fd = spool_open(err);
		if (q->spool_fd < 0)
			goto out;
	}
	rc = 0;
out:
	api_req_release(&r);
	return rc;
}

/* The request line and headers are in: judge the request before its body. */
static void intake(struct MHD_Connection *c, struct req *q, const char *method,
		   const char *version)
{
	struct err err = { 0 };

	if (request_line_bad(q, method, version))
		err_set(&err, ERR_MALFORMED, NULL, "control_in_request",
			"the request line holds a control character (a byte below 0x20, or 0x7F)");
	else if (q->bad_target & TARGET_ENCODED)
		err_set(&err, ERR_MALFORMED, NULL, "encoded_separator",
			"the URL holds an encoded NUL (%%00), or an encoded slash (%%2F) in "
			"its path; neither can be part of a name");
	else if (check_headers(c, q, version, &err))
		;
	else if (q->api && intake_api(c, q, &err))
		;
	else
		return;
	refuse(q, &err, q->retry_after);
}

/*
 * A request's id: the X-Request-Id a proxy in front sent, when it is one
 * (1 to 64 of letters, digits and . _ : -), so that both logs name the
 * request alike; else this process's own, 16 hex digits (a random prefix
 * drawn at start, and a count), unique across restarts in practice.
 */
#define REQUEST_ID_MAX 64
static uint32_t rid_prefix;
static atomic_uint_fast32_t rid_count;

static void request_id(const char *given, char out[72])
{
	size_t n = 0;

	if (given) {
		while (n <= REQUEST_ID_MAX && given[n] &&
		       (isalnum((unsigned char)given[n]) || strchr("._:-", given[n])))
			n++;
		if (n && n <= REQUEST_ID_MAX && !given[n]) {
			memcpy(out, given, n + 1);
			return;
		}
	}
	{
		/* 16 hex digits without printf: one a request */
		static const char hex[] = "0123456789abcdef";
		uint64_t v = ((uint64_t)rid_prefix << 32) |
			     (uint32_t)atomic_fetch_add_explicit(&rid_count, 1, memory_order_relaxed);
		for (int i = 15; i >= 0; i--, v >>= 4)
			out[i] = hex[v & 15];
		out[16] = '\0';
	}
}

static struct req *req_start(struct MHD_Connection *c, struct req *q, const char *url,
			     const char *method)
{
	if (!q) {
		q = calloc(1, sizeof(*q));
		if (!q)
			return NULL;
		q->spool_fd = -1;
	}
	q->started = 1;
	q->start_us = mono_us();
	arena_init(&q->arena, 4096);
	q->method = arena_strdup(&q->arena, method);
	q->url = arena_strdup(&q->arena, url);
	q->api = !strncmp(url, "/api/", 5) || !strcmp(url, "/api");
	buf_init(&q->body, API_BODY_MAX);
	client_ip(c, q->ip, sizeof(q->ip));
	request_id(conn_header(c, "X-Request-Id"), q->rid);
	metrics_inflight(1);
	return q;
}

/* Take a piece of the body: into the spool or the buffer, or nowhere once refused. */
static void take_body(struct req *q, const char *data, size_t len)
{
	struct err err = { 0 };

	if (q->early)
		return; /* refused: the rest is read and dropped, to answer in turn */
	if (q->spool_fd >= 0) {
		if (len > API_BULK_MAX - q->spool_len)
			err_set(&err, ERR_TOO_LARGE, NULL, "body_too_large:max",
				"the body is larger than the %zu bytes accepted here",
				(size_t)API_BULK_MAX);
		else if (!spool_write(q->spool_fd, data, len, &err))
			q->spool_len += len;
	} else if (buf_add(&q->body, data, len)) {
		err_set(&err, ERR_TOO_LARGE, NULL, "body_too_large:max",
			"the body is larger than the %zu bytes accepted here", q->body.max);
	}
	if (err.code != ERR_OK)
		refuse(q, &err, 0);
}

/* A pool thread finished a sign-in's password check: the request goes on. */
static void hash_done(void *ctx)
{
	struct req *q = ctx;
	MHD_resume_connection(q->conn);
}

/*
 * A sign-in's body is in: its password is checked in the hash pool while the
 * connection waits suspended, and this thread serves others. Suspended before
 * the job is queued, so that the job's end can never come first.
 */
static enum MHD_Result start_hash(struct MHD_Connection *c, struct req *q)
{
	struct api_req r;
	struct err err = { 0 };
	/* the store: the limits on failed sign-ins are kept in the database */
	struct store *st = thread_store(&err);

	if (!st) {
		if (err.code != ERR_UNAVAILABLE)
			err_set(&err, ERR_UNAVAILABLE, "db", "db_unavailable",
				"the database cannot be opened");
		return send_error(c, q, &err, NULL, 0);
	}
	api_req_fill(c, q, st, &r);
	q->conn = c;
	MHD_suspend_connection(c);
	if (api_hash_start(&r, hash_done, q, &q->hash_job, &err)) {
		refuse(q, &err, r.retry_after);
		MHD_resume_connection(c);
	}
	api_req_release(&r);
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct req *q = *con_cls;
	struct err err = { 0 };
	enum MHD_Result ret;
	(void)cls;

	if (!q || !q->started) {
		struct guard_conn *g = conn_guard(c);
		q = req_start(c, q, url, method);
		if (!q)
			return MHD_NO;
		*con_cls = q;
		guard_disarm(g);
		intake(c, q, method, version);
		if (!q->has_body)
			return MHD_YES; /* answered on the next call: keep-alive holds */
		/*
		 * A body that will not be used is not read: the answer goes now and
		 * libmicrohttpd closes the connection after it.
		 */
		if (q->early)
			return send_early(c, q);
		if (!q->api)
			return answer(c, q);
		guard_arm(g, (q->route->flags & API_BULK) ? BODY_TIMEOUT_BULK
			     : q->auth == API_AUTH_NONE ? BODY_TIMEOUT_ANON
						       : BODY_TIMEOUT);
		return MHD_YES;
	}
	if (*upload_data_size) {
		take_body(q, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (q->answered)
		return MHD_YES;
	if (q->wstate == WRITE_DONE)
		return send_kept(c, q);
	if (q->wstate == WRITE_QUEUED)
		return MHD_YES;
	if (q->has_body)
		guard_disarm(conn_guard(c));
	if (q->early)
		return send_early(c, q);
	if (q->route && (q->route->flags & API_HASHES) && !q->hash_job)
		return start_hash(c, q);
	if (q->spool_fd >= 0 && !q->loaded) {
		/* The import reads its body from memory, for now: one of SPOOL_SLOTS at a time. */
		q->loaded = spool_load(q->spool_fd, q->spool_len, &err);
		if (!q->loaded) {
			refuse(q, &err, 0);
			return send_early(c, q);
		}
	}
	ret = answer(c, q);
	if (q->answered && q->loaded) {
		/* the import is done: its slot and memory are free before the answer is sent */
		release_spool(q);
		free(q->loaded);
		q->loaded = NULL;
	}
	return ret;
}

/*
 * Append s to an access-log line: printable ASCII as it is, any other byte
 * (spaces, controls, UTF-8) and the backslash as \xHH, at most max bytes of s.
 */
static void log_field(struct buf *b, const char *s, size_t max)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!s || !*s) {
		buf_addch(b, '-');
		return;
	}
	size_t i, from = 0; /* the plain bytes since from go in at once */
	for (i = 0; s[i] && i < max; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch > 0x20 && ch < 0x7f && ch != '\\')
			continue;
		buf_add(b, s + from, i - from);
		buf_add(b, (const char[4]){ '\\', 'x', hex[ch >> 4], hex[ch & 15] }, 4);
		from = i + 1;
	}
	buf_add(b, s + from, i - from);
}

/* Append n in decimal (buf_addf's "%lld" without its cost: once a request). */
static void log_num(struct buf *b, long long n)
{
	char d[24];
	int i = (int)sizeof(d);
	unsigned long long u = n < 0 ? 0ull - (unsigned long long)n : (unsigned long long)n;

	do
		d[--i] = (char)('0' + u % 10);
	while ((u /= 10));
	if (n < 0)
		d[--i] = '-';
	buf_add(b, d + i, sizeof(d) - (size_t)i);
}

/* A JSON string of s: '"', '\\' and every byte outside printable ASCII as \u00XX. */
static void log_json_str(struct buf *b, const char *s, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	if (!s || !*s) {
		buf_adds(b, "null");
		return;
	}
	buf_addch(b, '"');
	for (size_t i = 0; s[i] && i < max; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') {
			buf_addch(b, (char)ch);
		} else {
			char e[6] = { '\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15] };
			buf_add(b, e, sizeof(e));
		}
	}
	buf_addch(b, '"');
}

/*
 * The access-log line of q: time=... method=... path=... status=... bytes=...
 * duration_us=... user=... id=... (logfmt), or the same fields as one JSON
 * object (--log-format json).
 */
static void access_line(struct buf *line, int json, const char *ts, const struct req *q,
			const char *path, int64_t dur)
{
	const struct {
		const char *name, *text; /* text NULL: the number */
		size_t max;
		long long num;
	} f[] = {
		{ "time", ts, 64, 0 },
		{ "method", q->method, 32, 0 },
		{ "path", path, 256, 0 },
		{ "status", NULL, 0, q->status },
		{ "bytes", NULL, 0, (long long)q->bytes },
		{ "duration_us", NULL, 0, (long long)dur },
		{ "user", q->user, sizeof(q->user), 0 },
		{ "id", q->rid, sizeof(q->rid), 0 },
	};

	if (json)
		buf_addch(line, '{');
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (i)
			buf_addch(line, json ? ',' : ' ');
		/* no printf here: a line per request */
		if (json)
			buf_addch(line, '"');
		buf_adds(line, f[i].name);
		buf_adds(line, json ? "\":" : "=");
		if (!f[i].text)
			log_num(line, f[i].num);
		else if (json)
			log_json_str(line, f[i].text, f[i].max);
		else
			log_field(line, f[i].text, f[i].max);
	}
	buf_adds(line, json ? "}\n" : "\n");
}

/* Write the access-log line, count the request, free its state. */
static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct req *q = *con_cls;
	struct buf *line = &log_line; /* one line's buffer per thread, reused */
	static _Thread_local time_t ts_at = -1;
	static _Thread_local char ts[TS_FMT_MAX];
	time_t now;
	int64_t dur;

	(void)cls;
	(void)toe;
	*con_cls = NULL;
	if (!q)
		return;
	/* The next request on this connection has HEAD_TIMEOUT to arrive. */
	guard_arm(conn_guard(c), HEAD_TIMEOUT);
	if (!q->started) {
		/* refused by libmicrohttpd itself before the handler saw it */
		free(q);
		return;
	}
	if (q->wstate != WRITE_NONE)
		unsent_add(-1);
	dur = mono_us() - q->start_us;
	metrics_inflight(-1);
	metrics_record(q->status, dur);
	/* Every field escaped; the path only (the query string never reaches it). */
	if ((now = time(NULL)) != ts_at) {
		ts_format((int64_t)now, ts);
		ts_at = now;
	}
	locals_mark();
	buf_reset(line);
	if (q->status < srv.opt->log_min_status)
		goto logged; /* log_level warn or error: this answer is below it */
	{
		/* a calendar feed's path holds its secret, its only credential: never logged */
		const char *path = !strncmp(q->url, "/api/v1/calendar/", 17) ? "/api/v1/calendar/[secret]"
									     : q->url;
		access_line(line, srv.opt->log_json, ts, q, path, dur);
	}
	access_log_add(line->p, line->len);
logged:
	if (line->alloc > 4096)
		buf_release(line); /* a long line's room is not kept */
	release_spool(q);
	free(q->loaded);
	api_hash_job_free(q->hash_job);
	if (q->pend)
		MHD_destroy_response(q->pend);
	buf_release(&q->idem_target);
	buf_release(&q->body);
	arena_release(&q->arena);
	free(q);
}

/* --- start and stop ---------------------------------------------------------------------- */

int http_parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *sslen,
		      struct err *err)
{
	char host[256], port[16];
	const char *colon;
	struct addrinfo hints, *res = NULL;
	int rc;

	if (!listen)
		listen = "127.0.0.1:8080";
	colon = strrchr(listen, ':');
	if (listen[0] == '[') {
		const char *close = strchr(listen, ']');
		if (!close || close[1] != ':')
			return err_set(err, ERR_USAGE, "listen", "usage", "--listen \"%s\" is not [HOST]:PORT",
				       listen);
		snprintf(host, sizeof(host), "%.*s", (int)(close - listen - 1), listen + 1);
		colon = close + 1;
	} else if (!colon) {
		snprintf(host, sizeof(host), "127.0.0.1");
		colon = listen - 1;
	} else {
		snprintf(host, sizeof(host), "%.*s", (int)(colon - listen), listen);
	}
	snprintf(port, sizeof(port), "%s", colon + 1);
	if (!port[0] || strspn(port, "0123456789") != strlen(port) || strlen(port) > 5)
		return err_set(err, ERR_USAGE, "listen", "usage", "--listen \"%s\": \"%s\" is not a port",
			       listen, port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
	if (rc || !res)
		return err_set(err, ERR_USAGE, "listen", "usage", "--listen \"%s\": %s", listen,
			       gai_strerror(rc));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/*
 * libmicrohttpd's own messages ("Server reached per-IP limit..."), at most
 * LOG_BURST a second: each refused connection would otherwise write a line,
 * and a flood of them would fill the disk.
 */
#define LOG_BURST 10

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
	static time_t second;
	static int shown, dropped;
	time_t now = time(NULL);
	(void)cls;

	pthread_mutex_lock(&log_lock);
	if (now != second) {
		if (dropped)
			fprintf(stderr, "salespm: %d more server messages in the last second(s) not shown\n",
				dropped);
		second = now;
		shown = dropped = 0;
	}
	if (shown < LOG_BURST) {
		shown++;
		vfprintf(stderr, fmt, ap);
	} else {
		dropped++;
	}
	pthread_mutex_unlock(&log_lock);
}

/*
 * Until SIGINT or SIGTERM (*sig): under systemd (Type=notify) the service is
 * told ready once the address is bound, reloading around a SIGHUP, and
 * stopping; with WatchdogSec= the manager is pinged at half its interval as
 * long as the writer thread is not stuck in one batch past the interval (a
 * write that hangs then gets the service restarted). SIGHUP reads the TLS
 * certificate files again (a renewed certificate, no restart).
 */
static void serve_supervised(const sigset_t *stop, int *sig)
{
	uint64_t wd_usec = 0;
	int watchdog = sd_watchdog_enabled(0, &wd_usec) > 0 && wd_usec > 0;
	int warned = 0;

	sd_notifyf(0, "READY=1\nSTATUS=serving%s\nMAINPID=%lu", srv.tls ? " HTTPS" : "",
		   (unsigned long)getpid());
	for (;;) {
		int got;
		if (watchdog) {
			struct timespec half = { (time_t)(wd_usec / 2000000),
						 (long)(wd_usec / 2 % 1000000) * 1000 };
			siginfo_t info;
			got = sigtimedwait(stop, &info, &half);
		} else if (sigwait(stop, &got)) {
			got = -1;
		}
		if (got == SIGINT || got == SIGTERM) {
			*sig = got;
			break;
		}
		if (got == SIGHUP) {
			sd_notify(0, "RELOADING=1");
			tls_reload();
			sd_notify(0, "READY=1");
		}
		if (watchdog) {
			int64_t busy = writer_busy_ms();
			if (busy < (int64_t)(wd_usec / 1000)) {
				sd_notify(0, "WATCHDOG=1");
				warned = 0;
			} else if (!warned++) {
				fprintf(stderr,
					"salespm: one batch of writes has run %lld ms: the watchdog is "
					"no longer told all is well\n",
					(long long)busy);
			}
		}
	}
	sd_notify(0, "STOPPING=1");
}

int http_serve(const struct http_options *opt, struct err *err)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct MHD_Daemon *d;
	struct store *st;
	struct workspace ws;
	const union MHD_DaemonInfo *info;
	sigset_t stop;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	struct MHD_OptionItem tls_opts[3] = { { MHD_OPTION_END, 0, NULL },
					      { MHD_OPTION_END, 0, NULL },
					      { MHD_OPTION_END, 0, NULL } };
	int threads = opt->threads, sig = 0;
	long files, limit;
	char host[INET6_ADDRSTRLEN] = "";

	srv.opt = opt;
	crash_report_install();
	if (!!opt->tls_cert != !!opt->tls_key)
		return err_set(err, ERR_USAGE, opt->tls_cert ? "tls-key" : "tls-cert", "usage",
			       "HTTPS needs both --tls-cert and --tls-key");
	if (opt->trust_proxy && parse_trusted(opt->trust_proxy, err))
		return -1;
	if (sodium_init() >= 0)
		randombytes_buf(&rid_prefix, sizeof(rid_prefix));
	else
		rid_prefix = (uint32_t)getpid() ^ (uint32_t)time(NULL);
	if (http_parse_listen(opt->listen, &ss, &sslen, err))
		return -1;
	if (threads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (int)n : 1;
	}
	/* Idle connections cost a descriptor each: take all the system allows. */
	files = guard_raise_nofile();
	limit = files - FD_RESERVE - (long)FD_PER_THREAD * (threads + API_HASH_SLOTS);
	if (limit > CONNECTION_LIMIT_MAX)
		limit = CONNECTION_LIMIT_MAX;
	if (limit < 2L * threads)
		return err_set(err, ERR_UNAVAILABLE, "listen", "listen_failed",
			       "only %ld files may be open; raise the limit (ulimit -n)", files);
	api_global_init();
	/* Open once here: migrations run and a missing workspace is reported at start. */
	st = store_open(opt->db_path, 0, err);
	if (!st)
		return -1;
	if (api_workspace_load(st, &ws, err)) {
		store_free(st);
		return -1;
	}
	store_free(st);
	/*
	 * A thread's heap gives memory back above 1 MiB free, not at every free
	 * at its top: the writer's per-write allocations otherwise cost a
	 * madvise() each (a fifth of its time).
	 */
	mallopt(M_TRIM_THRESHOLD, 1 << 20);
	/*
	 * Two heaps for all the threads, not glibc's up to eight a core: each
	 * thread's own arena kept its peak apart (the benchmark's load left 33.6
	 * MB resident at 1M rows; 27 MB with two), and the request threads
	 * allocate little per request (a kept answer none of its body).
	 */
	mallopt(M_ARENA_MAX, 2);
	if (pthread_key_create(&srv.store_key, store_destroy))
		return err_set(err, ERR_INTERNAL, NULL, "internal", "cannot create thread-local storage");

	/* Workers inherit a mask that leaves SIGINT, SIGTERM and SIGHUP to sigwait() below. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);

	if (api_hash_pool_start(opt->db_path, err) || writer_start(thread_store, opt->wal_limit_mb, err) ||
	    guard_start() || webhook_worker_start(opt->db_path, opt->webhook_retry_base, opt->public_url, err) ||
	    live_start(opt->db_path, opt->events_max, opt->events_per_user, opt->events_ping, err)) {
		if (err->code == ERR_OK)
			err_set(err, ERR_INTERNAL, NULL, "internal", "cannot start the deadline thread");
		goto stop_threads;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (access_log_start())
		fprintf(stderr, "salespm: the access log is written line by line (no thread for it)\n");
	if (opt->tls_cert) {
		if (tls_start(opt->tls_cert, opt->tls_key, err))
			goto stop_log;
		srv.tls = 1;
		flags |= MHD_USE_TLS;
		tls_opts[0] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_CERT_CALLBACK, 0,
						       tls_callback() };
		tls_opts[1] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_PRIORITIES, 0,
						       (void *)TLS_PRIORITIES };
	}
	/* the logger first: libmicrohttpd's messages about the options after it are ours too */
	d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER,
			     mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
			     (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
			     (unsigned)threads, MHD_OPTION_CONNECTION_TIMEOUT,
			     (unsigned)CONNECTION_TIMEOUT, MHD_OPTION_CONNECTION_LIMIT,
			     (unsigned)limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
			     (unsigned)PER_IP_CONNECTION_LIMIT, MHD_OPTION_LISTEN_BACKLOG_SIZE,
			     (unsigned)1024, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
			     MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
			     MHD_OPTION_URI_LOG_CALLBACK, target_seen, NULL, MHD_OPTION_ARRAY,
			     tls_opts, MHD_OPTION_END);
	if (!d) {
		err_set(err, ERR_UNAVAILABLE, "listen", "listen_failed", "cannot listen on %s",
			opt->listen ? opt->listen : "127.0.0.1:8080");
		goto stop_tls;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof(host));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof(host));
	fprintf(stderr,
		"salespm: serving http%s://%s%s%s:%u/ (%d threads, up to %ld connections, %d per "
		"address; database %s%s%s)\n",
		srv.tls ? "s" : "", ss.ss_family == AF_INET6 ? "[" : "", host, ss.ss_family == AF_INET6 ? "]" : "",
		info ? (unsigned)info->port : 0, threads, limit, PER_IP_CONNECTION_LIMIT,
		opt->db_path, opt->web_dir ? ", UI from " : "", opt->web_dir ? opt->web_dir : "");
	fflush(stderr);

	serve_supervised(&stop, &sig);
	fprintf(stderr, "salespm: stopping (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	/* a delivery under way is cut short; what it did not record stays due for the next start */
	webhook_worker_stop();
	/* the event streams end (resumed, each says so): none stays suspended for the stop below */
	live_stop();
	/*
	 * The password checks finish first: each resumes its suspended sign-in,
	 * and libmicrohttpd may not stop while one is suspended.
	 */
	api_hash_pool_stop();
	/* the queued writes are committed and answered; later ones run on their own threads */
	writer_stop();
	/* their connections woke to send the answers: closing them now would lose those */
	unsent_wait(CONNECTION_TIMEOUT);
	MHD_stop_daemon(d);
	tls_stop();
	live_release();
	/* every request has ended: all its lines are written before the server exits */
	access_log_stop();
	api_dashboards_keep(opt->db_path);
	guard_stop();
	pthread_key_delete(srv.store_key);
	pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
	api_global_release();
	return 0;

	/* a start that failed undoes what it had started, in the reverse order */
stop_tls:
	tls_stop();
stop_log:
	access_log_stop();
stop_threads:
	webhook_worker_stop();
	live_stop();
	live_release();
	api_hash_pool_stop();
	writer_stop();
	guard_stop();
	api_global_release();
	pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
	pthread_key_delete(srv.store_key);
	return -1;
}
