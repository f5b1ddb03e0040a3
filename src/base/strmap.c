/*
 * strmap.c - string -> int64 hash map (FNV-1a, linear probing).
 */
#include "base/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "base/banned.h"

static uint64_t fnv(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h ? h : 1;
}

void strmap_init(struct strmap *m)
{
	m->slots = NULL;
	m->nslots = 0;
	m->n = 0;
}

void strmap_release(struct strmap *m)
{
	for (size_t i = 0; i < m->nslots; i++)
		free(m->slots[i].key);
	free(m->slots);
	strmap_init(m);
}

static struct strmap_entry *find(const struct strmap *m, const char *key, size_t len,
				 uint64_t h)
{
	size_t i = (size_t)h & (m->nslots - 1);
	for (;;) {
		struct strmap_entry *e = &m->slots[i];
		if (!e->key)
			return e;
		if (e->hash == h && e->len == len && !memcmp(e->key, key, len))
			return e;
		i = (i + 1) & (m->nslots - 1);
	}
}

struct strmap_entry *strmap_get(const struct strmap *m, const char *key, size_t len)
{
	struct strmap_entry *e;
	if (!m->nslots)
		return NULL;
	e = find(m, key, len, fnv(key, len));
	return e->key ? e : NULL;
}

static void grow(struct strmap *m)
{
	struct strmap_entry *old = m->slots;
	size_t oldn = m->nslots;
	m->nslots = oldn ? oldn * 2 : 64;
	m->slots = xcalloc(m->nslots, sizeof(*m->slots));
	for (size_t i = 0; i < oldn; i++)
		if (old[i].key)
			*find(m, old[i].key, old[i].len, old[i].hash) = old[i];
	free(old);
}

struct strmap_entry *strmap_put(struct strmap *m, const char *key, size_t len, int64_t value)
{
	uint64_t h = fnv(key, len);
	struct strmap_entry *e;
	if ((m->n + 1) * 2 > m->nslots)
		grow(m);
	e = find(m, key, len, h);
	if (!e->key) {
		e->key = xstrndup(key, len);
		e->len = len;
		e->hash = h;
		m->n++;
	}
	e->value = value;
	return e;
}
