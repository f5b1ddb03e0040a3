/*
 * api.h - the JSON face of the core, with no HTTP library in sight: a request
 * as the server hands it over (store, actor, path parameters, body), helpers
 * that parse JSON bodies field by field and write JSON answers, the one error
 * renderer, and the route tables each src/api/<noun>.c exports.
 */
#ifndef API_API_H
#define API_API_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jw.h"
#include "core/core.h"
#include "store/store.h"

/*
 * Body caps: JSON everywhere, larger for routes flagged API_BULK (CSV import),
 * small for a caller not signed in (the sign-in itself).
 */
#define API_BODY_MAX (1u << 20)
#define API_BULK_MAX (64u << 20)
#define API_ANON_BODY_MAX (16u << 10)

#define API_MAX_PARAMS 4
#define API_MAX_HEADERS_OUT 2

/* Who may call a route: a workspace role, or anyone (sign-in, health, docs). */
#define API_PUBLIC (-1)

/* Route flags. */
enum {
	API_BULK = 1,    /* the body may be up to API_BULK_MAX (CSV) */
	API_NO_CSRF = 2, /* a cookie-authenticated write that needs no CSRF token (sign-in) */
	API_SECRET = 4,  /* the answer holds a secret shown once: never kept for a replay */
	API_HASHES = 8,  /* checks a password: api_hash_start() runs first, off the request threads */
	/*
	 * takes no Idempotency-Key: a password check's failure must count, never be
	 * rolled back with a refused request's writes, and a hash must not run
	 * while the key's write transaction holds the lock (the route is safe to
	 * repeat: setting the same password twice changes nothing)
	 */
	API_NO_IDEMPOTENCY = 16,
	/*
	 * a write whose sums may wait for the end of its group-commit batch
	 * (core/tx.h, tx_begin_batched): it reads no sum, nor anything written from them
	 */
	API_BATCHED = 32,
};

struct api_req;

struct api_route {
	const char *method;  /* GET POST PATCH PUT DELETE */
	const char *pattern; /* "/api/v1/projects/{code}/members/{login}" */
	int (*handler)(struct api_req *r, struct err *err);
	int min_role;        /* enum role, or API_PUBLIC */
	unsigned flags;
	const void *data;    /* the handler's own: the noun of a generic entity route */
};

/* How the request was authenticated. */
enum api_auth { API_AUTH_NONE = 0, API_AUTH_SESSION, API_AUTH_TOKEN };

struct api_req {
	struct store *st;
	struct arena *arena;   /* request-scoped allocations */
	const char *method;
	const char *path;
	const struct api_route *route;
	/* path parameters named by the pattern's {braces} */
	int nparams;
	const char *param_name[API_MAX_PARAMS];
	const char *param_value[API_MAX_PARAMS];
	/* query string arguments, through the server */
	const char *(*query_fn)(void *ctx, const char *name);
	void *query_ctx;
	/* request headers, through the server */
	const char *(*header_fn)(void *ctx, const char *name);
	/* the body (NUL-terminated) and its declared type */
	const char *body;
	size_t body_len;
	const char *content_type;
	/* the body as parsed ahead by api_body_parse_ahead (NULL: not yet), owned here */
	struct json_t *body_json;
	/* an API_BULK route's body as a file (read from offset 0), or -1 */
	int body_fd;
	/* the finished password check of an API_HASHES route (api_hash_start) */
	struct api_hash_job *hash_job;
	/* the caller */
	enum api_auth auth;
	struct actor actor;
	char session_token[80]; /* the cookie value, when auth is API_AUTH_SESSION */
	char csrf_token[80];
	const char *client_ip;
	int secure;            /* the client reached us over TLS: cookies get Secure */

	/* the answer */
	int status;            /* 200 unless the handler says otherwise */
	struct buf out;        /* the JSON body */
	struct jw jw;          /* writes into out */
	const char *content_type_out; /* NULL = application/json; charset=utf-8 */
	char set_cookie[256];  /* a Set-Cookie header value, or "" */
	int retry_after;       /* seconds, for 429; 0 = none */
	/* more headers of the answer (Content-Disposition of a download), arena strings */
	int nheaders_out;
	const char *header_out_name[API_MAX_HEADERS_OUT];
	const char *header_out_value[API_MAX_HEADERS_OUT];
	/*
	 * When the handler fails: more members of the error object, as JSON text
	 * ("\"rows\":[...]"; arena string), or NULL.
	 */
	const char *error_extra;
	/*
	 * A streamed answer (a download of any size): when the handler sets
	 * stream_next, the server sends its pieces as they come instead of out.
	 * stream_next appends the next piece to out and returns 1 while more
	 * follow, 0 after the last, -1 on a failure (the connection is then cut,
	 * so a download that failed midway never looks whole); stream_end frees
	 * stream_ctx, once, whether the answer was sent whole or not. Set by
	 * api_stream().
	 */
	int (*stream_next)(void *ctx, struct buf *out, struct err *err);
	void (*stream_end)(void *ctx);
	void *stream_ctx;
	/*
	 * A kept answer (api/cache.h), borrowed: when the handler sets it, the
	 * server sends it instead of out, as the client accepts it (gzipped or
	 * not), with its ETag, or 304 when If-None-Match names it (set_cookie and
	 * the headers above are not sent with it).
	 */
	const struct api_cached *cached;
	/*
	 * An event stream (GET /api/v1/events, api/live.c): when the handler sets
	 * events_open, the server holds the connection and sends the changes of
	 * events_project ("" = every project the caller sees) as they commit
	 * (http/live.c), after the audit id events_after (Last-Event-ID; -1 = from now).
	 */
	int events_open;
	char events_project[64];
	int64_t events_after;
};

/* Answer with a stream (see stream_next above); r owns ctx until the server takes it. */
void api_stream(struct api_req *r, int (*next)(void *ctx, struct buf *out, struct err *err),
		void (*end)(void *ctx), void *ctx);

/* How a JSON value is named in a message ("an object", "a string", "null"...). */
struct json_t;
const char *api_json_kind(const struct json_t *v);

/* Prepare r for a request (the server fills in the inputs). */
void api_req_init(struct api_req *r, struct store *st, struct arena *arena);
void api_req_release(struct api_req *r);

/* The path parameter name ("code", "login"), or NULL. */
const char *api_param(const struct api_req *r, const char *name);

/* A query string argument, or NULL. */
const char *api_query(const struct api_req *r, const char *name);

/* A request header, or NULL. */
const char *api_header(const struct api_req *r, const char *name);

/* The writer into the answer's body. */
struct jw *api_jw(struct api_req *r);

/* Add a header to the answer (name and value are copied into the arena). */
void api_header_out(struct api_req *r, const char *name, const char *value);

/* --- JSON bodies --------------------------------------------------------- */

enum api_type {
	API_STR,  /* const char ** (arena copy) */
	API_INT,  /* int64_t * : a JSON integer */
	API_BOOL, /* int * */
	API_DATE, /* int32_t * : "YYYY-MM-DD" */
	API_NUM,  /* double * : any JSON number (rates; never money) */
	API_NUMBER, /* struct api_number * : any JSON number, integers kept exact */
	API_OBJ,  /* a nested JSON object: dest is its own field table ({NULL}-ended) */
};

/* A JSON number as sent: an integer exactly, anything else as a double. */
struct api_number {
	int set;    /* a number was given (0 when absent or null) */
	int is_int;
	int64_t i; /* when is_int */
	double d;  /* always (i converted when is_int) */
};

/* Field flags. */
enum { API_REQUIRED = 1, API_NULLABLE = 2 };

struct api_field {
	const char *name;
	enum api_type type;
	unsigned flags;
	void *dest;   /* written only when the field is present (and not null) */
	int *present; /* optional: set to 1 when the field is present, null included */
};

/*
 * Whether a body of type content_type suits route rt: text/csv (UTF-8) or an
 * .xlsx workbook for API_BULK routes, application/json (UTF-8) for the others. ERR_UNSUPPORTED_TYPE
 * (415, reason unsupported_type with the type) when not.
 */
int api_body_type(const struct api_route *rt, const char *content_type, struct err *err);

/* Whether content_type is an .xlsx workbook's (XLSX_MIME), which bulk routes take too. */
int api_xlsx_type(const char *content_type);

/*
 * Parse the body as a JSON object with exactly these fields (ended by a {NULL}
 * entry). ERR_MALFORMED when the content type is not application/json or the
 * text is not JSON (bad UTF-8, lone surrogates and duplicate keys included);
 * ERR_INVALID naming the field for an unknown field, a missing required one,
 * or a value of the wrong type.
 */
int api_parse(struct api_req *r, const struct api_field *fields, struct err *err);

/*
 * The body as a JSON object (the caller json_decref()s it), for a body api_parse() cannot
 * describe (an array of objects); NULL with err set as api_parse() sets it.
 */
struct json_t *api_body_object(struct api_req *r, struct err *err);
/*
 * Parse the body now, off the thread the handler runs on (the writer's): a
 * JSON object is kept for api_body_object; anything else is left for it to
 * refuse in its own words.
 */
void api_body_parse_ahead(struct api_req *r);
/*
 * A member of a JSON object (a body from api_body_object) that must be an
 * integer; name is what the error names, present says whether it was given.
 */
int api_member_int(struct json_t *obj, const char *key, const char *name, int required,
		   int64_t *out, int *present, struct err *err);

/* Only the keys named in keys (NULL-ended) in obj; prefix names a nested object in errors. */
int api_known_keys(struct json_t *obj, const char *const *keys, const char *prefix,
		   struct err *err);

/*
 * An optional JSON body for DELETE: empty is fine, otherwise as api_parse().
 */
int api_parse_optional(struct api_req *r, const struct api_field *fields, struct err *err);

/* The answer of a record deleted by its id: {"id": id, "deleted": true}. */
void api_answer_deleted(struct api_req *r, int64_t id);

/* The record version an update or delete names: the body's "version" or ?version=. */
int api_version(struct api_req *r, int have_body_version, int64_t body_version,
		int64_t *out, struct err *err);

/*
 * Copy src (when given) into dst of size bytes; text that does not fit is
 * refused with ERR_INVALID naming field, never cut.
 */
int api_copy(char *dst, size_t size, const char *src, const char *field, struct err *err);

/* A rate in [0, 1] as basis points (0.125 -> 1250); field names it in the error. */
int api_rate_bp(double v, const char *field, int64_t *out, struct err *err);

/* Parse an integer query argument; absent leaves *out alone. */
int api_query_int(struct api_req *r, const char *name, int64_t *out, struct err *err);

/* Whether a text/csv Content-Type names a GB charset (GB18030, GBK, GB2312: read as GB18030). */
int api_csv_gb(const char *ct);

/* Whether a text/csv Content-Type names a GB charset (GB18030, GBK, GB2312: read as GB18030). */
int api_csv_gb(const char *ct);

/* --- answers ----------------------------------------------------------------- */

/* Render err as {"error":{"code","message","field"}} into b; returns its HTTP status. */
int api_error_render(struct buf *b, const struct err *err);

/* As api_error_render(), with extra members (JSON text, or NULL) inside "error". */
int api_error_render_extra(struct buf *b, const struct err *err, const char *extra);

/* Route tables, each ended by a {NULL} row; api_routes lists them all. */
extern const struct api_route api_session_routes[];
extern const struct api_route api_user_routes[];
extern const struct api_route api_workspace_routes[];
extern const struct api_route api_project_routes[];
extern const struct api_route api_token_routes[];
extern const struct api_route api_audit_routes[];
extern const struct api_route api_meta_routes[];
extern const struct api_route api_catalog_routes[];
extern const struct api_route api_sale_routes[];
extern const struct api_route api_customer_routes[];
extern const struct api_route api_engagement_routes[];
extern const struct api_route api_team_routes[];
extern const struct api_route api_strategy_routes[];
extern const struct api_route api_recruit_routes[];
extern const struct api_route api_problem_routes[];
extern const struct api_route api_deal_routes[];
extern const struct api_route api_risk_routes[];
extern const struct api_route api_review_routes[];
extern const struct api_route api_adjust_routes[];
extern const struct api_route api_alert_routes[];
extern const struct api_route api_task_routes[];
extern const struct api_route api_webhook_routes[];
extern const struct api_route api_comment_routes[];
extern const struct api_route api_quota_routes[];
extern const struct api_route api_goal_routes[];
extern const struct api_route api_dashboard_routes[];
extern const struct api_route api_meeting_routes[];
extern const struct api_route api_live_routes[];
extern const struct api_route api_report_routes[];
extern const struct api_route *const api_routes[];

/*
 * The generic routes of every noun of core/entity.h (list, create, get,
 * update, delete), written by api_entity_init() before the server serves;
 * an entry of api_routes.
 */
extern struct api_route api_entity_routes[];
void api_entity_init(void);

/*
 * The OpenAPI 3.1 document of every route (JSON text, built on the first call
 * and kept; NULL when it cannot be built): engine nouns from their
 * descriptions, hand-written routes from src/api/openapi-routes.json.
 */
const char *api_openapi(size_t *len);

/* The routes that have no entry in openapi-routes.json, "METHOD path" a line ("" = none). */
const char *api_openapi_missing(void);

/*
 * Argon2id is slow and memory-hard on purpose, so at most API_HASH_SLOTS
 * hashes run at once, process-wide, and none makes a request thread wait.
 *
 * Sign-in (routes flagged API_HASHES) checks the password in a pool of
 * API_HASH_SLOTS threads with a queue of API_HASH_QUEUE: the server calls
 * api_hash_start() once the body is in, and the handler later reads the
 * outcome from r->hash_job. api_hash_start() returns 0 with *job set, and
 * done(ctx) is called from a pool thread when the check is over (the job is
 * the caller's to free with api_hash_job_free() after that); or -1 at once:
 * a bad body (400/415/422), too many failed sign-ins (429 login_throttled),
 * or a full queue (429 hash_busy), with r->retry_after set for a 429.
 */
#define API_HASH_SLOTS 2
#define API_HASH_QUEUE 8
struct api_hash_job;
int api_hash_start(struct api_req *r, void (*done)(void *ctx), void *ctx,
		   struct api_hash_job **job, struct err *err);
void api_hash_job_free(struct api_hash_job *job);

/*
 * Start the pool (its threads open the store at db_path) / finish the queued
 * checks and stop it. After the stop, api_hash_start() refuses (503).
 */
int api_hash_pool_start(const char *db_path, struct err *err);
void api_hash_pool_stop(void);

/*
 * A hash on the calling thread (a password being set): takes a free slot or
 * answers ERR_RATE_LIMITED (429 hash_busy, Retry-After 1) at once, never
 * waits. Every begin that succeeded is paired with api_hash_end().
 */
int api_hash_begin(struct api_req *r, struct err *err);
void api_hash_end(void);

struct workspace;
struct user;

/* Start a session for u: sets r->set_cookie and r->csrf_token. */
int api_session_start(struct api_req *r, const struct user *u, struct err *err);

/* workspace_load() for a threaded server (it sets the process time zone). */
int api_workspace_load(struct store *st, struct workspace *out, struct err *err);

/*
 * At a stop: keep the dashboards this server was asked for in the database
 * (analytics/kept.h), computed anew where a write came since, so that the
 * next start answers them at once.
 */
void api_dashboards_keep(const char *db_path);

/* Process-wide set-up and tear-down of the API's shared state (login limits). */
void api_global_init(void);
void api_global_release(void);

/*
 * Drop what the calling thread keeps from one request to the next (its
 * references to cached answers, the arrays of the dashboards' customer
 * scans); before the thread ends.
 */
void api_thread_release(void);

#endif
