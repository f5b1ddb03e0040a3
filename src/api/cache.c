/*
 * cache.c - a small process-wide cache of data-derived answers, shared by the
 * worker threads under one mutex. At most CACHE_ENTRIES answers of at most
 * CACHE_MAX_BODY bytes each are kept; a full cache replaces its oldest entry.
 */
#include "api/cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "base/banned.h"

#define CACHE_ENTRIES 64
#define CACHE_MAX_BODY (4u << 20)

struct entry {
	char key[160];
	int64_t version;
	char *body;
	size_t len;
	uint64_t stamp; /* when it was stored: the smallest is replaced first */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct entry entries[CACHE_ENTRIES];
static uint64_t clock_;

int api_cache_get(const char *key, int64_t version, struct buf *out)
{
	int hit = 0;
	pthread_mutex_lock(&mu);
	for (int i = 0; i < CACHE_ENTRIES; i++)
		if (entries[i].body && entries[i].version == version &&
		    !strcmp(entries[i].key, key)) {
			hit = buf_add(out, entries[i].body, entries[i].len) == 0;
			break;
		}
	pthread_mutex_unlock(&mu);
	return hit;
}

void api_cache_put(const char *key, int64_t version, const char *body, size_t len)
{
	struct entry *slot = NULL;
	char *copy;

	if (strlen(key) >= sizeof(entries[0].key) || len > CACHE_MAX_BODY)
		return;
	copy = xmalloc(len);
	memcpy(copy, body, len);
	pthread_mutex_lock(&mu);
	for (int i = 0; i < CACHE_ENTRIES && !slot; i++)
		if (entries[i].body && !strcmp(entries[i].key, key))
			slot = &entries[i];
	for (int i = 0; i < CACHE_ENTRIES && !slot; i++)
		if (!entries[i].body)
			slot = &entries[i];
	if (!slot) {
		slot = &entries[0];
		for (int i = 1; i < CACHE_ENTRIES; i++)
			if (entries[i].stamp < slot->stamp)
				slot = &entries[i];
	}
	free(slot->body);
	memcpy(slot->key, key, strlen(key) + 1);
	slot->version = version;
	slot->body = copy;
	slot->len = len;
	slot->stamp = ++clock_;
	pthread_mutex_unlock(&mu);
}
