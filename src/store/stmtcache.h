/*
 * stmtcache.h - the per-connection cache of prepared statements both drivers
 * keep, keyed by the address of the statement's SQL text (core keeps each
 * statement as a named constant, so the address names it). Private to
 * src/store/.
 */
#ifndef STORE_STMTCACHE_H
#define STORE_STMTCACHE_H

#include <stddef.h>

struct stmtcache_slot {
	const char *sql;
	void *stmt;
};

struct stmtcache {
	struct stmtcache_slot *slots;
	size_t nslots, used;
};

/* The statement cached for sql, or NULL. */
void *stmtcache_get(const struct stmtcache *c, const char *sql);

/* Remember stmt for sql (not already cached). */
void stmtcache_put(struct stmtcache *c, const char *sql, void *stmt);

/* Call release on every cached statement and empty the cache. */
void stmtcache_clear(struct stmtcache *c, void (*release)(void *stmt));

#endif
