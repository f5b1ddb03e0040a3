/*
 * catalog.h - the strategy step's reference data: segments (target markets),
 * channels, products with their dated price history, and promotions. Each
 * noun is implemented in its own file (segment.c, channel.c, product.c,
 * promotion.c); this header is their shared interface.
 *
 * Conventions as everywhere in core: writes need the manager role (admin
 * included), reads any signed-in role; every update names the version it
 * edits (ERR_CONFLICT when stale); every write is audited.
 */
#ifndef CORE_CATALOG_H
#define CORE_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"

/* --- segments: target markets ------------------------------------------ */

struct segment {
	int64_t id;
	char code[64];
	char name[200];
	char criteria[1000]; /* who belongs, in words */
	int64_t priority;    /* 1 = first */
	int64_t version, created_at, updated_at;
};

/* Add a segment from a whole record (the demo's); the faces use the entity engine. */
int segment_create(struct store *st, const struct actor *a, const struct segment *in,
		   struct segment *out, struct err *err);

/* --- channels ------------------------------------------------------------ */

struct channel {
	int64_t id;
	char code[64];
	char name[200];
	char type[16];        /* direct distributor ecommerce partner retail telesales */
	int64_t cost_rate_bp; /* cost of selling through it, basis points of revenue */
	int64_t version, created_at, updated_at;
};

/* Add a channel from a whole record (the demo's); the faces use the entity engine. */
int channel_create(struct store *st, const struct actor *a, const struct channel *in,
		   struct channel *out, struct err *err);
/* The six channel types, ended by NULL. */
extern const char *const channel_types[];
/* Whether type is one of the six channel types. */
int channel_type_valid(const char *type);

/* --- products and price history -------------------------------------------- */

struct product {
	int64_t id;
	char sku[64];
	char name[200];
	int64_t cost_minor;  /* current unit cost */
	int64_t price_minor; /* current list price */
	int active;
	int64_t version, created_at, updated_at;
};

struct product_list {
	struct product *items;
	size_t n, alloc;
};

struct price_change {
	int64_t id, product_id;
	int32_t effective_on;
	int64_t cost_minor, price_minor;
	char reason[500];
	int64_t changed_by, changed_at;
};

struct price_list {
	struct price_change *items;
	size_t n, alloc;
};

/*
 * Create a product; its first price_history row takes effect on effective_on
 * (NO_DATE = today).
 */
int product_create(struct store *st, const struct actor *a, const struct product *in,
		   int32_t effective_on, struct product *out, struct err *err);
int product_get(struct store *st, const char *sku, struct product *out, struct err *err);
int product_list(struct store *st, struct product_list *out, struct err *err);
void product_list_release(struct product_list *l);
/*
 * Update name / active of want->sku at want->version. A change of cost or
 * price also appends a price_history row effective on effective_on (NO_DATE =
 * today) with reason.
 */
int product_update(struct store *st, const struct actor *a, const struct product *want,
		   int32_t effective_on, const char *reason, struct product *out,
		   struct err *err);
int product_delete(struct store *st, const struct actor *a, const char *sku, int64_t version,
		   struct err *err);
/* A product's price history, oldest first. */
int product_prices(struct store *st, const char *sku, struct price_list *out, struct err *err);
void price_list_release(struct price_list *l);
void product_write_json(struct jw *w, const struct product *p);
/* The product as JSON with its price history under "prices" (NULL = leave it out). */
void product_write_json_prices(struct jw *w, const struct product *p,
			       const struct price_list *prices);
void price_change_write_json(struct jw *w, const struct price_change *c);

/* --- promotions ------------------------------------------------------------ */

struct promotion {
	int64_t id;
	char code[64];
	char name[200];
	char kind[8];   /* percent amount gift points bundle */
	int64_t value;  /* percent: basis points; amount: minor units; others: free use */
	int32_t starts_on, ends_on; /* NO_DATE when open */
	int64_t budget_minor;
	int64_t version, created_at, updated_at;
};

struct promotion_list {
	struct promotion *items;
	size_t n, alloc;
};

int promotion_create(struct store *st, const struct actor *a, const struct promotion *in,
		     struct promotion *out, struct err *err);
int promotion_get(struct store *st, const char *code, struct promotion *out, struct err *err);
int promotion_list(struct store *st, struct promotion_list *out, struct err *err);
void promotion_list_release(struct promotion_list *l);
int promotion_update(struct store *st, const struct actor *a, const struct promotion *want,
		     struct promotion *out, struct err *err);
int promotion_delete(struct store *st, const struct actor *a, const char *code,
		     int64_t version, struct err *err);
void promotion_write_json(struct jw *w, const struct promotion *p);
/* Set p->kind to kind when it is a promotion kind, else ERR_INVALID (field "kind"). */
int promotion_kind_set(struct promotion *p, const char *kind, struct err *err);

#endif
