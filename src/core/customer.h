/*
 * customer.h - customers: created by their first sale (a new name in a sale or
 * an import), with a segment and the date of their first-ever purchase
 * (workspace-wide), which the new_customers metric counts.
 *
 * Customers are shared workspace data: every signed-in role lists them. What
 * they bought is not: a customer's totals and sales count only the projects
 * the caller may see (an admin all of them; anyone else the projects they are
 * a member of). Totals come from the rollups ('customer' rows), never a scan
 * of the sales; a customer's own list of sales reads the sales table.
 */
#ifndef CORE_CUSTOMER_H
#define CORE_CUSTOMER_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"

struct customer {
	int64_t id;
	char name[200];
	int64_t segment_id; /* NO_ID when none */
	char segment[64];   /* its code, "" when none */
	int32_t first_sale_on; /* NO_DATE before any sale */
	int64_t version, created_at, updated_at;
	/* over the projects the caller may see */
	int64_t lines, revenue_minor;
};

struct customer_list {
	struct customer *items;
	size_t n, alloc;
	int64_t total; /* customers matching the filter, ignoring limit and offset */
};

struct customer_filter {
	const char *q;       /* part of the name (literal; A-Z in any case); NULL = any */
	const char *segment; /* segment code; NULL = any */
	int64_t limit, offset; /* limit 0 = all */
};

/* Customers matching f, by name, with their totals over the projects the actor may see. */
int customer_list(struct store *st, const struct actor *a, const struct customer_filter *f,
		  struct customer_list *out, struct err *err);
void customer_list_release(struct customer_list *l);

/* One customer by exact name, with totals. */
int customer_get(struct store *st, const struct actor *a, const char *name,
		 struct customer *out, struct err *err);

/* One customer by id, with totals. */
int customer_get_id(struct store *st, const struct actor *a, int64_t id, struct customer *out,
		    struct err *err);

/* Set a customer's segment (code, or NULL/"" for none) at version (manager or admin). */
int customer_set_segment(struct store *st, const struct actor *a, int64_t id,
			 const char *segment_code, int64_t version, struct customer *out,
			 struct err *err);

/* One sale of a customer, as the customer screen lists them. */
struct customer_sale {
	int64_t id;
	int32_t sold_on;
	char project[64];       /* code */
	char product[64];       /* SKU */
	char product_name[200];
	int64_t quantity, amount_minor;
};

struct customer_sales {
	struct customer_sale *items;
	size_t n, alloc;
	int64_t total; /* every sale of the customer the actor may see */
};

/*
 * The customer's sales in the projects the actor may see, newest first (by
 * date, then id), limit (0 = all) from offset.
 */
int customer_sales(struct store *st, const struct actor *a, int64_t id, int64_t limit,
		   int64_t offset, struct customer_sales *out, struct err *err);
void customer_sales_release(struct customer_sales *l);

/* {"id","name","segment","first_sale","lines","revenue","version","created_at"} */
void customer_write_json(struct jw *w, const struct customer *c);
void customer_sale_write_json(struct jw *w, const struct customer_sale *s);

/* The customer noun of the entity engine (others refer to a customer by its id). */
extern const struct entity customer_entity;

#endif
