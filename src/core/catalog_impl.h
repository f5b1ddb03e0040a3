/*
 * catalog_impl.h - the write path the four catalog nouns share (segment.c,
 * channel.c, product.c, promotion.c). Each noun describes its table once in a
 * struct catalog_noun; catalog.c runs get / list / create / update / delete
 * from that description, so a rule of the write path lives in one place.
 * Internal to src/core: the faces use catalog.h.
 */
#ifndef CORE_CATALOG_IMPL_H
#define CORE_CATALOG_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"
#include "core/tx.h"

/* A table whose rows refer to a catalog record, which blocks its deletion. */
struct catalog_ref {
	const char *sql_count;  /* "SELECT COUNT(*) FROM t WHERE x_id = ?" */
	const char *one, *many; /* "sale", "sales" */
};

/*
 * How one noun is stored. The record is the noun's struct (struct segment...);
 * the layout says where the fields every noun has sit in it: id, key (code or
 * SKU), name, version and timestamps. The engine reads, checks and writes
 * those; the noun's functions do its own fields.
 *
 * Column order, so that the engine and the noun can share a statement:
 *   sql_get, sql_list  SELECT id, <key>, name, version, created_at, updated_at,
 *                      <own columns> ... (the noun's row() reads from column 6)
 *   sql_insert         INSERT (<key>, name, <own>, created_at, updated_at)
 *                      VALUES (...) RETURNING id
 *   sql_update         UPDATE SET name = ?, <own> = ?..., version = version + 1,
 *                      updated_at = ? WHERE id = ? AND version = ? RETURNING version
 *   sql_delete         DELETE ... WHERE id = ? AND version = ? RETURNING id
 */
struct catalog_noun {
	const char *entity; /* "segment": audit entity, not-found field, messages */
	const char *plural; /* "segments": permission messages */
	const char *key;    /* "code" or "sku": the field that names a record */
	size_t size, key_size, name_size;
	size_t id_off, key_off, name_off, version_off, created_off, updated_off;
	const char *sql_get, *sql_list, *sql_insert, *sql_update, *sql_delete;
	const struct catalog_ref *refs; /* ended by a NULL sql_count */
	/* Fill rec's own fields from the current row, from column 6 on. */
	void (*row)(struct store *st, struct stmt *s, void *rec);
	/* Bind rec's own columns from index first on; returns the next index. */
	int (*bind)(struct store *st, struct stmt *s, int first, const void *rec);
	/* Check in's own fields and copy them into out. */
	int (*validate)(const void *in, void *out, struct err *err);
	void (*write_json)(struct jw *w, const void *rec);
};

#define CATALOG_FIELD_SIZE(type, field) sizeof(((type *)0)->field)

/* The layout of a noun's struct, for a catalog_noun initialiser. */
#define CATALOG_LAYOUT(type, keyfield)                                                          \
	.size = sizeof(type), .key_size = CATALOG_FIELD_SIZE(type, keyfield),                   \
	.name_size = CATALOG_FIELD_SIZE(type, name), .id_off = offsetof(type, id),              \
	.key_off = offsetof(type, keyfield), .name_off = offsetof(type, name),                  \
	.version_off = offsetof(type, version), .created_off = offsetof(type, created_at),      \
	.updated_off = offsetof(type, updated_at)

/* Whether word is one of words (ended by NULL). */
int catalog_word_valid(const char *word, const char *const *words);

/*
 * More work inside a write's transaction, after the row is written (the
 * product's price history): before is NULL on create.
 */
typedef int (*catalog_hook_fn)(struct tx *tx, const void *before, const void *after,
			       const void *arg, struct err *err);

/* Load the record named key; ERR_NOT_FOUND with field entity when missing. */
int catalog_get(struct store *st, const struct catalog_noun *n, const char *key, void *out,
		struct err *err);

/* Append every record to *items (of *len, room for *alloc) in sql_list's order. */
int catalog_list(struct store *st, const struct catalog_noun *n, void **items, size_t *len,
		 size_t *alloc, struct err *err);

/* Validate in, insert it, run hook (may be NULL), audit and commit; out is the new record. */
int catalog_create(struct store *st, const struct actor *a, const struct catalog_noun *n,
		   const void *in, void *out, catalog_hook_fn hook, const void *arg,
		   struct err *err);

/*
 * Apply want's editable fields to the record named by want's key at want's
 * version, run hook, audit and commit; out (not want) is the record as it now is.
 */
int catalog_update(struct store *st, const struct actor *a, const struct catalog_noun *n,
		   const void *want, void *out, catalog_hook_fn hook, const void *arg,
		   struct err *err);

/* Delete the record named key at version unless a refs table refers to it. */
int catalog_delete(struct store *st, const struct actor *a, const struct catalog_noun *n,
		   const char *key, int64_t version, struct err *err);

/*
 * The reading and deleting functions catalog.h declares for a noun (get, list,
 * list_release, delete), defined as calls of the engine with the noun's
 * description, which must be named <noun>_noun: CATALOG_FUNCS(segment).
 */
#define CATALOG_FUNCS(noun)                                                                     \
	int noun##_get(struct store *st, const char *key, struct noun *out, struct err *err)   \
	{                                                                                       \
		return catalog_get(st, &noun##_noun, key, out, err);                            \
	}                                                                                       \
	int noun##_list(struct store *st, struct noun##_list *out, struct err *err)            \
	{                                                                                       \
		void *items = out->items;                                                       \
		int r = catalog_list(st, &noun##_noun, &items, &out->n, &out->alloc, err);       \
		out->items = items;                                                             \
		return r;                                                                       \
	}                                                                                       \
	void noun##_list_release(struct noun##_list *l)                                         \
	{                                                                                       \
		free(l->items);                                                                 \
		l->items = NULL;                                                                \
		l->n = l->alloc = 0;                                                            \
	}                                                                                       \
	int noun##_delete(struct store *st, const struct actor *a, const char *key,             \
			  int64_t version, struct err *err)                                     \
	{                                                                                       \
		return catalog_delete(st, a, &noun##_noun, key, version, err);                  \
	}

/* create and update for a noun whose writes need nothing beyond the record. */
#define CATALOG_PLAIN_WRITES(noun)                                                              \
	int noun##_create(struct store *st, const struct actor *a, const struct noun *in,       \
			  struct noun *out, struct err *err)                                    \
	{                                                                                       \
		return catalog_create(st, a, &noun##_noun, in, out, NULL, NULL, err);           \
	}                                                                                       \
	int noun##_update(struct store *st, const struct actor *a, const struct noun *want,     \
			  struct noun *out, struct err *err)                                    \
	{                                                                                       \
		return catalog_update(st, a, &noun##_noun, want, out, NULL, NULL, err);         \
	}

#endif
