/*
 * http.h - what the files of src/http/ share among themselves: request
 * metrics and the static UI files. Private to src/http/.
 */
#ifndef HTTP_HTTP_H
#define HTTP_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* Count a finished request: its status, its duration in microseconds. */
void metrics_record(int status, int64_t duration_us);

/* One more / one fewer request being answered. */
void metrics_inflight(int delta);

/* Append the Prometheus text exposition of every metric to b. */
void metrics_render(struct buf *b);

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
 */
void static_lookup(const char *web_dir, const char *url, int accept_gzip,
		   struct static_file *out);

#endif
