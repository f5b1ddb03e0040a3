/*
 * server.h - `salespm serve`: the HTTP server (libmicrohttpd, epoll with a
 * thread pool) that answers the JSON API under /api/v1/, health and metrics,
 * and the web UI, from one binary.
 */
#ifndef HTTP_SERVER_H
#define HTTP_SERVER_H

#include <stdio.h>
#include <sys/socket.h>

#include "base/err.h"

struct http_options {
	const char *db_path;
	const char *listen;  /* "HOST:PORT" or "PORT"; NULL = 127.0.0.1:8080 */
	const char *web_dir; /* serve the UI from this directory instead of the binary */
	int threads;         /* 0 = one per core */
	int wal_limit_mb;    /* SQLite: the write-ahead log's bound, MiB; 0 = 64 */
	int64_t webhook_retry_base; /* seconds: the webhook retries' unit; 0 = 30 */
	const char *public_url; /* the UI's base URL for the robots' links; NULL: no links */
	int events_max;             /* live streams held in all; 0 = 1000 */
	int events_per_user;        /* live streams one user may hold; 0 = 8 */
	int events_ping;            /* seconds between a stream's pings; 0 = 15 */
	int log_json;               /* the access log's lines as JSON objects, else logfmt */
	int log_min_status;         /* log_level: only requests answered with this status or above */
	const char *tls_cert;       /* HTTPS: the PEM certificate chain (leaf first) ... */
	const char *tls_key;        /* ... and its key; both or neither */
	const char *trust_proxy;    /* addresses (a comma list, CIDR allowed) whose X-Forwarded-* count */
};

/*
 * Serve until SIGINT or SIGTERM. Fails (ERR_UNAVAILABLE, ERR_USAGE) when the
 * database cannot be opened or the address cannot be bound.
 */
int http_serve(const struct http_options *opt, struct err *err);

/*
 * The address of --listen / `listen =`: "HOST:PORT", "[V6]:PORT" or "PORT" (on
 * 127.0.0.1), numeric; NULL is 127.0.0.1:8080. ERR_USAGE (field listen) else.
 */
int http_parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *sslen,
		      struct err *err);

/* Print the route table, one "METHOD PATTERN MIN-ROLE" line per route. */
void http_print_routes(FILE *f);

#endif
