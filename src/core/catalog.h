/*
 * catalog.h - the strategy step's reference data: segments (target markets),
 * channels, products with their dated price history, and promotions. Each
 * noun is described once, in its own file, for the entity engine (segment.c,
 * channel.c, product.c, promotion.c); this header holds their records and
 * the few typed calls beyond the engine's.
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
	char region[200], industry[200], company_size[100];
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
	int active;           /* still sold through (a new one is); the sale form offers only these */
	int64_t version, created_at, updated_at;
};

/* Add a channel from a whole record (the demo's); the faces use the entity engine. */
int channel_create(struct store *st, const struct actor *a, const struct channel *in,
		   struct channel *out, struct err *err);
/* The six channel types, ended by NULL. */
extern const char *const channel_types[];

struct entity;
/* The segment and channel nouns of the entity engine: customers and goals refer to them. */
extern const struct entity segment_entity, channel_entity;
/* Whether type is one of the six channel types. */
int channel_type_valid(const char *type);

/* --- products and price history -------------------------------------------- */

struct entity;
/* The descriptions of products and promotions (the faces' generic commands and routes use them). */
extern const struct entity product_entity, promotion_entity;

/*
 * A product: a noun of the entity engine (product_entity, product.c). Its cost
 * and price are the ones in force today, read from its dated price history;
 * a create or a change of cost or price writes that history (see the hooks
 * in product.c), dated by effective_on and explained by reason, which are
 * inputs of the write, not columns.
 */
struct product {
	int64_t id;
	char sku[64];
	char name[200];
	int64_t cost_minor;  /* the unit cost in force today (price_point_on) */
	int64_t price_minor; /* the list price in force today */
	int64_t margin_bp;   /* (price - cost) / price in basis points; NO_ID without a price */
	int64_t competitor_price_minor; /* a competitor's reference price; NO_ID: none known */
	int64_t competitor_gap_bp;      /* (price - competitor's) / competitor's; NO_ID: none */
	int active;
	int32_t effective_on; /* input: when a new cost or price takes effect (NO_DATE = today) */
	char reason[500];     /* input: why, kept in the history */
	int64_t version, created_at, updated_at;
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
 * Create a product from a whole record (the demo's); its first price history
 * entry takes effect on effective_on (NO_DATE = today). The faces use the
 * entity engine with product_entity.
 */
int product_create(struct store *st, const struct actor *a, const struct product *in,
		   int32_t effective_on, struct product *out, struct err *err);

/* Which of want's cost and price a product_update() sets. */
enum { PRODUCT_SET_COST = 1, PRODUCT_SET_PRICE = 2 };

/*
 * Set want's cost, price or both (set) from effective_on (NO_DATE = today) at
 * want->version, as a face's update with those fields does: the price history
 * gets an entry on that date (replacing the one already there: one entry per
 * date) carrying what it sets and, for what it does not set, what was in
 * force on that date. Every sale of the product is then re-costed by the rule
 * (price_point_on), so exactly the sales the change reaches move, with their
 * rollups. An effective date without a cost or price to set is refused.
 */
int product_update(struct store *st, const struct actor *a, const struct product *want,
		   unsigned set, int32_t effective_on, const char *reason, struct product *out,
		   struct err *err);

/* The price history of the product sku, oldest first (any signed-in role reads it). */
int product_prices(struct store *st, const struct actor *a, const char *sku,
		   struct price_list *out, struct err *err);
void price_list_release(struct price_list *l);
void price_change_write_json(struct jw *w, const struct price_change *c);

/* --- promotions ------------------------------------------------------------ */

/*
 * A promotion: a noun of the entity engine (promotion_entity, promotion.c).
 * Its value's unit follows its kind: basis points for a percent discount,
 * minor units for an amount, a whole number for the others.
 */
struct promotion {
	int64_t id;
	char code[64];
	char name[200];
	char kind[24];  /* percent amount gift points bundle */
	int64_t value;  /* percent: basis points; amount: minor units; others: a count */
	int32_t starts_on, ends_on; /* NO_DATE when open */
	int64_t budget_minor;
	/* the scope: SKUs, channel codes, segment codes, each comma-separated ("" = all) */
	char products[1000], channels[1000], segments[1000];
	int64_t spent_minor; /* the discounts its sales gave, in every project */
	int over_budget;     /* spent past a budget (0: none) */
	int64_t version, created_at, updated_at;
};

/* Whether a promotion's scope list ("a, b", as kept) names code; "" names none. */
int promotion_scope_has(const char *list, const char *code);

/* Add a promotion from a whole record (the demo's); the faces use the entity engine. */
int promotion_create(struct store *st, const struct actor *a, const struct promotion *in,
		     struct promotion *out, struct err *err);

#endif
