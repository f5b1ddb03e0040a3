/*
 * strmap.h - an open-addressing hash map from byte strings to int64 values,
 * for the in-memory lookups of bulk work (SKU -> product, name -> customer).
 * Keys are copied into the map's own storage.
 */
#ifndef BASE_STRMAP_H
#define BASE_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_entry {
	char *key;
	size_t len;
	uint64_t hash;
	int64_t value;
};

struct strmap {
	struct strmap_entry *slots;
	size_t nslots, n;
};

void strmap_init(struct strmap *m);
void strmap_release(struct strmap *m);

/* The entry for key, or NULL. */
struct strmap_entry *strmap_get(const struct strmap *m, const char *key, size_t len);

/* Insert or overwrite; returns the entry (its value set to value). */
struct strmap_entry *strmap_put(struct strmap *m, const char *key, size_t len, int64_t value);

/* Iterate: for (size_t i = 0; i < m->nslots; i++) if (m->slots[i].key) ... */

#endif
