/*
 * cache.h - answers to GET requests that depend only on the data (a project's
 * goals, its dashboard), kept in memory until the next write: each entry
 * carries the data version it was computed at (store_data_version(), read
 * before the data), and any write, by this process or another on the same
 * database, moves the version on. An entry is kept encoded as it is sent
 * (as it is and gzipped, with an ETag), reference-counted and shared by every
 * thread without a copy: a thread keeps the entries it served last, so a hit
 * takes no lock.
 */
#ifndef API_CACHE_H
#define API_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

struct api_cached {
	int refs; /* atomic: the shared table, each thread that keeps it, each response */
	int64_t version;
	char key[160];
	char *body; /* the answer as it is */
	size_t len;
	char *gz; /* the same, gzipped */
	size_t gz_len;
	char etag[48];    /* "\"<hash of body>\"", the ETag of the answer as it is */
	char etag_gz[52]; /* "\"<hash of body>-gz\"", of the gzipped one */
};

/*
 * The answer kept for key at version, or NULL. Borrowed: valid on the calling
 * thread until its next call of api_cache_find() or api_cache_keep() (take
 * a reference with api_cached_ref() to keep it longer).
 */
const struct api_cached *api_cache_find(const char *key, int64_t version);
/* How many lookups found a kept answer and how many did not, since the start. */
void api_cache_figures(unsigned long long *hit, unsigned long long *miss);

/*
 * Keep body (copied, and gzipped once here) as the answer for key at version,
 * replacing an older one; returns it borrowed as api_cache_find() does, or
 * NULL when it is too large to keep.
 */
const struct api_cached *api_cache_keep(const char *key, int64_t version, const char *body,
					size_t len);

/* Drop the calling thread's references (before it ends). */
void api_cache_thread_release(void);

void api_cached_ref(const struct api_cached *e);
/* Drop a reference; the last one frees the entry. */
void api_cached_unref(const struct api_cached *e);

/*
 * Whether an If-None-Match header value names e (either of its ETags, or "*";
 * weak tags compare as strong ones, as RFC 9110 asks for If-None-Match).
 */
int api_cached_matches(const struct api_cached *e, const char *if_none_match);

/* Whether an answer for key is kept at any version (this process has had one). */
int api_cache_known(const char *key);

/*
 * Call fn for each kept answer whose key begins with prefix, at most
 * CACHE_ENTRIES of them, each referenced for the call (no lock is held).
 */
void api_cache_each(const char *prefix, void (*fn)(const struct api_cached *e, void *ctx),
		    void *ctx);

/* Append the cached answer for key computed at version to out; 1 on a hit, 0 on a miss. */
int api_cache_get(const char *key, int64_t version, struct buf *out);

/* Keep an answer (copied) for key at version, replacing an older one. */
void api_cache_put(const char *key, int64_t version, const char *body, size_t len);

#endif
