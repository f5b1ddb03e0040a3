/*
 * customer.h - customers: created by their first sale (a new name in a sale or
 * an import), with a segment and the date of their first-ever purchase
 * (workspace-wide), which the new_customers metric counts.
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
};

struct customer_list {
	struct customer *items;
	size_t n, alloc;
};

/* Customers whose name contains q (all when q is NULL or empty), by name; at most limit. */
int customer_list(struct store *st, const struct actor *a, const char *q, size_t limit,
		  struct customer_list *out, struct err *err);
void customer_list_release(struct customer_list *l);

/* One customer by exact name. */
int customer_get(struct store *st, const char *name, struct customer *out, struct err *err);

/* Set a customer's segment (code, or NULL/"" for none) at version (manager or admin). */
int customer_set_segment(struct store *st, const struct actor *a, const char *name,
			 const char *segment_code, int64_t version, struct customer *out,
			 struct err *err);

void customer_write_json(struct jw *w, const struct customer *c);

#endif
