/*
 * rollup.c - per-transaction sums of sale lines, flushed with one upsert per
 * (project, dimension, key, day).
 */
#include "core/rollup.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "base/banned.h"

enum { DIM_ALL, DIM_CHANNEL, DIM_PRODUCT, DIM_REP, DIM_SEGMENT, DIM__COUNT };
static const char *const dim_names[DIM__COUNT] = { "all", "channel", "product", "rep",
						   "segment" };

struct cell {
	int64_t project_id, key_id;
	int32_t day;
	int dim; /* -1 = empty slot */
	int64_t lines, quantity, amount, cost;
};

struct rollup {
	struct cell *cells;
	size_t n, used;
};

struct rollup *rollup_new(void)
{
	struct rollup *r = xcalloc(1, sizeof(*r));
	r->n = 1024;
	r->cells = xmalloc(r->n * sizeof(*r->cells));
	for (size_t i = 0; i < r->n; i++)
		r->cells[i].dim = -1;
	return r;
}

void rollup_free(struct rollup *r)
{
	if (!r)
		return;
	free(r->cells);
	free(r);
}

static size_t hash(int64_t p, int dim, int64_t key, int32_t day)
{
	uint64_t h = (uint64_t)p * 0x9E3779B97F4A7C15ull;
	h ^= (uint64_t)dim + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2);
	h ^= (uint64_t)key * 0xC2B2AE3D27D4EB4Full + (h << 6) + (h >> 2);
	h ^= (uint64_t)(uint32_t)day * 0x165667B19E3779F9ull + (h << 6) + (h >> 2);
	h ^= h >> 29;
	return (size_t)h;
}

static struct cell *slot(struct rollup *r, int64_t p, int dim, int64_t key, int32_t day)
{
	size_t i = hash(p, dim, key, day) & (r->n - 1);
	for (;;) {
		struct cell *c = &r->cells[i];
		if (c->dim < 0)
			return c;
		if (c->dim == dim && c->day == day && c->key_id == key && c->project_id == p)
			return c;
		i = (i + 1) & (r->n - 1);
	}
}

static void grow(struct rollup *r)
{
	struct cell *old = r->cells;
	size_t oldn = r->n;
	r->n *= 2;
	r->cells = xmalloc(r->n * sizeof(*r->cells));
	for (size_t i = 0; i < r->n; i++)
		r->cells[i].dim = -1;
	for (size_t i = 0; i < oldn; i++)
		if (old[i].dim >= 0)
			*slot(r, old[i].project_id, old[i].dim, old[i].key_id, old[i].day) = old[i];
	free(old);
}

static void add(struct rollup *r, int64_t p, int dim, int64_t key, int32_t day, int64_t lines,
		int64_t qty, int64_t amount, int64_t cost)
{
	struct cell *c;
	if ((r->used + 1) * 2 > r->n)
		grow(r);
	c = slot(r, p, dim, key, day);
	if (c->dim < 0) {
		memset(c, 0, sizeof(*c));
		c->project_id = p;
		c->dim = dim;
		c->key_id = key;
		c->day = day;
		r->used++;
	}
	c->lines += lines;
	c->quantity += qty;
	c->amount += amount;
	c->cost += cost;
}

/* Add a delta under 'all' and each of the line's dimensions. */
static void add_dims(struct rollup *r, int64_t project_id, int32_t day, int64_t channel_id,
		     int64_t product_id, int64_t rep_id, int64_t segment_id, int64_t lines,
		     int64_t qty, int64_t amount, int64_t cost)
{
	const int64_t keys[DIM__COUNT] = { 0, channel_id, product_id, rep_id,
					   segment_id < 0 ? 0 : segment_id };
	for (int d = 0; d < DIM__COUNT; d++)
		add(r, project_id, d, keys[d], day, lines, qty, amount, cost);
}

void rollup_add(struct rollup *r, int64_t project_id, int32_t day, int64_t channel_id,
		int64_t product_id, int64_t rep_id, int64_t segment_id, int64_t quantity,
		int64_t amount_minor, int64_t cost_minor, int sign)
{
	add_dims(r, project_id, day, channel_id, product_id, rep_id, segment_id, sign,
		 sign * quantity, sign * amount_minor, sign * cost_minor);
}

void rollup_add_cost(struct rollup *r, int64_t project_id, int32_t day, int64_t channel_id,
		     int64_t product_id, int64_t rep_id, int64_t segment_id, int64_t cost_delta)
{
	add_dims(r, project_id, day, channel_id, product_id, rep_id, segment_id, 0, 0, 0,
		 cost_delta);
}

static const char SQL_ROLLUP_UPSERT[] =
	"INSERT INTO sale_rollup (project_id, day, dim, key_id, lines, quantity, amount_minor, "
	"cost_minor) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
	"ON CONFLICT (project_id, dim, key_id, day) DO UPDATE SET "
	"lines = sale_rollup.lines + excluded.lines, "
	"quantity = sale_rollup.quantity + excluded.quantity, "
	"amount_minor = sale_rollup.amount_minor + excluded.amount_minor, "
	"cost_minor = sale_rollup.cost_minor + excluded.cost_minor";

static const char SQL_ROLLUP_PRUNE[] = "DELETE FROM sale_rollup WHERE lines = 0";

int rollup_flush(struct rollup *r, struct store *st, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_ROLLUP_UPSERT, err);
	int removed = 0;

	if (!s)
		return -1;
	for (size_t i = 0; i < r->n; i++) {
		struct cell *c = &r->cells[i];
		if (c->dim < 0 ||
		    (c->lines == 0 && c->amount == 0 && c->quantity == 0 && c->cost == 0))
			continue;
		if (c->lines < 0)
			removed = 1;
		store_bind_int(st, s, 1, c->project_id);
		store_bind_int(st, s, 2, c->day);
		store_bind_text(st, s, 3, dim_names[c->dim]);
		store_bind_int(st, s, 4, c->key_id);
		store_bind_int(st, s, 5, c->lines);
		store_bind_int(st, s, 6, c->quantity);
		store_bind_int(st, s, 7, c->amount);
		store_bind_int(st, s, 8, c->cost);
		if (store_step(st, s, err) < 0) {
			store_done(st, s);
			return -1;
		}
		store_done(st, s);
	}
	if (removed && store_exec(st, SQL_ROLLUP_PRUNE, err))
		return -1;
	return 0;
}
