/*
 * rollup.h - in-memory sums of sale lines per (project, dimension, key, day),
 * written to sale_rollup once per transaction (summing row by row in SQL costs
 * 9x more). Private to the write path.
 */
#ifndef CORE_ROLLUP_H
#define CORE_ROLLUP_H

#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

struct rollup;

struct rollup *rollup_new(void);
void rollup_free(struct rollup *r);

/* Add one line (sign -1 removes it) under 'all' and each of its dimensions. */
void rollup_add(struct rollup *r, int64_t project_id, int32_t day, int64_t channel_id,
		int64_t product_id, int64_t rep_id, int64_t segment_id, int64_t quantity,
		int64_t amount_minor, int64_t cost_minor, int sign);

/* Add a change of cost only (a sale re-costed by a dated cost change). */
void rollup_add_cost(struct rollup *r, int64_t project_id, int32_t day, int64_t channel_id,
		     int64_t product_id, int64_t rep_id, int64_t segment_id, int64_t cost_delta);

/* Upsert every sum into sale_rollup (inside the caller's transaction). */
int rollup_flush(struct rollup *r, struct store *st, struct err *err);

#endif
