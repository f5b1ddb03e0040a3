/*
 * cache.h - answers to GET requests that depend only on the data (a project's
 * goals, its dashboard), kept in memory until the next write: each entry
 * carries the newest audit id it was computed at (core/audit.h), and any write,
 * by this process or another on the same database, moves that id on.
 */
#ifndef API_CACHE_H
#define API_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* Append the cached answer for key computed at version to out; 1 on a hit, 0 on a miss. */
int api_cache_get(const char *key, int64_t version, struct buf *out);

/* Keep an answer (copied) for key at version, replacing an older one. */
void api_cache_put(const char *key, int64_t version, const char *body, size_t len);

#endif
