/*
 * stmtcache.c - an open-addressing hash of SQL address -> prepared statement,
 * growing at half full.
 */
#include "store/stmtcache.h"

#include <stdint.h>
#include <stdlib.h>

#include "base/xalloc.h"
#include "base/banned.h"

static size_t slot_of(const struct stmtcache *c, const char *sql)
{
	uintptr_t h = (uintptr_t)sql;
	h ^= h >> 17;
	h *= 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 20) & (c->nslots - 1);
}

void *stmtcache_get(const struct stmtcache *c, const char *sql)
{
	size_t i;

	if (!c->nslots)
		return NULL;
	for (i = slot_of(c, sql); c->slots[i].sql; i = (i + 1) & (c->nslots - 1))
		if (c->slots[i].sql == sql)
			return c->slots[i].stmt;
	return NULL;
}

void stmtcache_put(struct stmtcache *c, const char *sql, void *stmt)
{
	size_t i;

	if ((c->used + 1) * 2 > c->nslots) {
		struct stmtcache old = *c;
		c->nslots = old.nslots ? old.nslots * 2 : 128;
		c->slots = xcalloc(c->nslots, sizeof(*c->slots));
		c->used = 0;
		for (i = 0; i < old.nslots; i++)
			if (old.slots[i].sql)
				stmtcache_put(c, old.slots[i].sql, old.slots[i].stmt);
		free(old.slots);
	}
	for (i = slot_of(c, sql); c->slots[i].sql; i = (i + 1) & (c->nslots - 1))
		;
	c->slots[i].sql = sql;
	c->slots[i].stmt = stmt;
	c->used++;
}

void stmtcache_clear(struct stmtcache *c, void (*release)(void *stmt))
{
	for (size_t i = 0; i < c->nslots; i++)
		if (c->slots[i].sql && c->slots[i].stmt)
			release(c->slots[i].stmt);
	free(c->slots);
	c->slots = NULL;
	c->nslots = c->used = 0;
}
