/*
 * cache.c - a small process-wide cache of data-derived answers. At most
 * CACHE_ENTRIES answers of at most CACHE_MAX_BODY bytes each are kept in a
 * shared table under one mutex, taken only on a thread's miss and to keep a
 * new answer; each thread keeps a reference to the THREAD_SLOTS entries it
 * found last, which answer its hits without the mutex. A full table replaces
 * its oldest entry; an entry is freed when its last reference goes.
 */
#include "api/cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/xalloc.h"
#include "base/banned.h"

#define CACHE_ENTRIES 64
#define CACHE_MAX_BODY (4u << 20)
#define THREAD_SLOTS 8

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	struct api_cached *e;
	uint64_t stamp; /* when it was stored: the smallest is replaced first */
} table[CACHE_ENTRIES];
static uint64_t clock_;

static _Thread_local struct api_cached *mine[THREAD_SLOTS];
static _Thread_local unsigned mine_next;

void api_cached_ref(const struct api_cached *e)
{
	__atomic_add_fetch(&((struct api_cached *)e)->refs, 1, __ATOMIC_RELAXED);
}

void api_cached_unref(const struct api_cached *e)
{
	struct api_cached *m = (struct api_cached *)e;
	if (!m || __atomic_sub_fetch(&m->refs, 1, __ATOMIC_ACQ_REL))
		return;
	free(m->body);
	free(m->gz);
	free(m);
}

void api_cache_thread_release(void)
{
	for (int i = 0; i < THREAD_SLOTS; i++) {
		api_cached_unref(mine[i]);
		mine[i] = NULL;
	}
}

/* Keep e (a reference the caller gives) in this thread's slots, in key's slot if it has one. */
static void mine_keep(struct api_cached *e)
{
	unsigned i;
	for (i = 0; i < THREAD_SLOTS; i++)
		if (mine[i] && !strcmp(mine[i]->key, e->key))
			break;
	if (i == THREAD_SLOTS)
		i = mine_next++ % THREAD_SLOTS;
	api_cached_unref(mine[i]);
	mine[i] = e;
}

/* Lookups that found a kept answer, and those that did not (/metrics). */
static atomic_ullong hits, misses;

void api_cache_figures(unsigned long long *hit, unsigned long long *miss)
{
	*hit = atomic_load_explicit(&hits, memory_order_relaxed);
	*miss = atomic_load_explicit(&misses, memory_order_relaxed);
}

const struct api_cached *api_cache_find(const char *key, int64_t version)
{
	struct api_cached *e = NULL;

	for (int i = 0; i < THREAD_SLOTS; i++)
		if (mine[i] && mine[i]->version == version && !strcmp(mine[i]->key, key)) {
			atomic_fetch_add_explicit(&hits, 1, memory_order_relaxed);
			return mine[i];
		}
	pthread_mutex_lock(&mu);
	for (int i = 0; i < CACHE_ENTRIES; i++)
		if (table[i].e && table[i].e->version == version && !strcmp(table[i].e->key, key)) {
			e = table[i].e;
			api_cached_ref(e);
			break;
		}
	pthread_mutex_unlock(&mu);
	atomic_fetch_add_explicit(e ? &hits : &misses, 1, memory_order_relaxed);
	if (e)
		mine_keep(e);
	return e;
}

int api_cache_known(const char *key)
{
	int known = 0;
	for (int i = 0; i < THREAD_SLOTS; i++)
		if (mine[i] && !strcmp(mine[i]->key, key))
			return 1;
	pthread_mutex_lock(&mu);
	for (int i = 0; i < CACHE_ENTRIES && !known; i++)
		known = table[i].e && !strcmp(table[i].e->key, key);
	pthread_mutex_unlock(&mu);
	return known;
}

void api_cache_each(const char *prefix, void (*fn)(const struct api_cached *e, void *ctx),
		    void *ctx)
{
	struct api_cached *found[CACHE_ENTRIES];
	int n = 0;

	pthread_mutex_lock(&mu);
	for (int i = 0; i < CACHE_ENTRIES; i++)
		if (table[i].e && !strncmp(table[i].e->key, prefix, strlen(prefix))) {
			api_cached_ref(table[i].e);
			found[n++] = table[i].e;
		}
	pthread_mutex_unlock(&mu);
	for (int i = 0; i < n; i++) {
		fn(found[i], ctx);
		api_cached_unref(found[i]);
	}
}

/* body gzipped (level 6: a keeper is made once per write, sent many times), or NULL. */
static char *gzip(const char *body, size_t len, size_t *out_len)
{
	z_stream z;
	char *out;
	size_t cap;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	cap = deflateBound(&z, (uLong)len);
	out = xmalloc(cap);
	z.next_in = (Bytef *)body;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(out);
		return NULL;
	}
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

const struct api_cached *api_cache_keep(const char *key, int64_t version, const char *body,
					size_t len)
{
	struct api_cached *e, *old = NULL;
	unsigned char h[16];
	char hex[33];
	int slot = -1;

	if (strlen(key) >= sizeof(e->key) || len > CACHE_MAX_BODY)
		return NULL;
	e = xcalloc(1, sizeof(*e));
	e->refs = 2; /* the table's and this thread's */
	e->version = version;
	memcpy(e->key, key, strlen(key) + 1);
	e->body = xmalloc(len ? len : 1);
	memcpy(e->body, body, len);
	e->len = len;
	e->gz = gzip(body, len, &e->gz_len);
	/* the ETag names the content: equal on every server that computed the same answer */
	crypto_generichash(h, sizeof(h), (const unsigned char *)body, len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	memcpy(e->etag, "\"", 1);
	memcpy(e->etag + 1, hex, 32);
	memcpy(e->etag + 33, "\"", 2);
	memcpy(e->etag_gz, e->etag, 33);
	memcpy(e->etag_gz + 33, "-gz\"", 5);

	pthread_mutex_lock(&mu);
	for (int i = 0; i < CACHE_ENTRIES && slot < 0; i++)
		if (table[i].e && !strcmp(table[i].e->key, key))
			slot = i;
	for (int i = 0; i < CACHE_ENTRIES && slot < 0; i++)
		if (!table[i].e)
			slot = i;
	if (slot < 0) {
		slot = 0;
		for (int i = 1; i < CACHE_ENTRIES; i++)
			if (table[i].stamp < table[slot].stamp)
				slot = i;
	}
	old = table[slot].e;
	table[slot].e = e;
	table[slot].stamp = ++clock_;
	pthread_mutex_unlock(&mu);
	api_cached_unref(old);
	mine_keep(e);
	return e;
}

/* Whether the entity-tag at t (n bytes, W/ dropped) is one of e's. */
static int tag_is(const struct api_cached *e, const char *t, size_t n)
{
	return (n == strlen(e->etag) && !memcmp(t, e->etag, n)) ||
	       (n == strlen(e->etag_gz) && !memcmp(t, e->etag_gz, n));
}

int api_cached_matches(const struct api_cached *e, const char *inm)
{
	const char *p = inm;

	if (!inm)
		return 0;
	while (*p) {
		const char *start, *end;
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		if (*p == '*')
			return 1;
		if (!strncmp(p, "W/", 2))
			p += 2;
		start = p;
		if (*p == '"') {
			end = strchr(p + 1, '"');
			if (!end)
				return 0;
			end++;
		} else {
			end = p + strcspn(p, ", \t");
		}
		if (tag_is(e, start, (size_t)(end - start)))
			return 1;
		p = end;
		while (*p && *p != ',')
			p++;
	}
	return 0;
}

int api_cache_get(const char *key, int64_t version, struct buf *out)
{
	const struct api_cached *e = api_cache_find(key, version);
	return e && buf_add(out, e->body, e->len) == 0;
}

void api_cache_put(const char *key, int64_t version, const char *body, size_t len)
{
	api_cache_keep(key, version, body, len);
}
