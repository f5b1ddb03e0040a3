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

struct entity;
/* The segment noun of the entity engine (core/segment.c): customers refer to it. */
extern const struct entity segment_entity;
/* Whether type is one of the six channel types. */
int channel_type_valid(const char *type);

/* --- products and price history -------------------------------------------- */

struct product {
	int64_t id;
	char sku[64];
	char name[200];
	int64_t cost_minor;  /* the unit cost in force today (price_point_on) */
	int64_t price_minor; /* the list price in force today */
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

/* One entry of a product's price history: what takes effect on a day. */
struct price_point {
	int32_t from;
	int64_t cost, price;
};

/*
 * The cost rule, the one place it lives: of a product's price history (points
 * ordered by date, one per date), the entry in force on day is the one with the
 * latest date on or before day; before the first entry, the first entry. A
 * sale's unit cost is its product's entry in force on the sale's date, and the
 * cost and price a product shows are the entry in force today. NULL when the
 * history is empty.
 */
const struct price_point *price_point_on(const struct price_point *pts, size_t n, int32_t day);

/*
 * A product's price history as points, oldest first (*pts is the caller's to
 * free). Where an old database holds two entries on one date, the last entered
 * counts.
 */
int product_points(struct store *st, int64_t product_id, struct price_point **pts, size_t *n,
		   struct err *err);

/*
 * Create a product; its first price_history row takes effect on effective_on
 * (NO_DATE = today). Cost and price are at most MONEY_UNIT_MAX.
 */
int product_create(struct store *st, const struct actor *a, const struct product *in,
		   int32_t effective_on, struct product *out, struct err *err);
int product_get(struct store *st, const char *sku, struct product *out, struct err *err);
int product_list(struct store *st, struct product_list *out, struct err *err);
void product_list_release(struct product_list *l);
/* Which of want's cost and price a product_update() sets. */
enum { PRODUCT_SET_COST = 1, PRODUCT_SET_PRICE = 2 };

/*
 * Update name / active of want->sku at want->version. With set naming the
 * cost, the price or both, want's values take effect on effective_on (NO_DATE
 * = today): the price history gets an entry on that date (replacing the one
 * already there: one entry per date) carrying what it sets and, for what it
 * does not set, what was in force on that date. Every sale of the product is
 * then re-costed by the rule (price_point_on), so exactly the sales the change
 * reaches move, with their rollups. An effective date without a cost or price
 * to set is refused.
 */
int product_update(struct store *st, const struct actor *a, const struct product *want,
		   unsigned set, int32_t effective_on, const char *reason, struct product *out,
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
