/*
 * channel.c - the routes to market (direct, distributor, e-commerce, partner,
 * retail, telesales), each with the cost of selling through it as a rate of
 * revenue in basis points.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/catalog_impl.h"
#include "base/banned.h"

#define CHANNEL_COLS "id, code, name, version, created_at, updated_at, type, cost_rate_bp"

static const char SQL_CHANNEL_GET[] = "SELECT " CHANNEL_COLS " FROM channels WHERE code = ?";
static const char SQL_CHANNEL_LIST[] = "SELECT " CHANNEL_COLS " FROM channels ORDER BY code";
static const char SQL_CHANNEL_INSERT[] =
	"INSERT INTO channels (code, name, type, cost_rate_bp, created_at, updated_at) "
	"VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_CHANNEL_UPDATE[] =
	"UPDATE channels SET name = ?, type = ?, cost_rate_bp = ?, version = version + 1, "
	"updated_at = ? WHERE id = ? AND version = ? RETURNING version";
static const char SQL_CHANNEL_DELETE[] =
	"DELETE FROM channels WHERE id = ? AND version = ? RETURNING id";
static const char SQL_CHANNEL_SALES[] = "SELECT COUNT(*) FROM sales WHERE channel_id = ?";
static const char SQL_CHANNEL_GOALS[] = "SELECT COUNT(*) FROM goals WHERE scope_channel_id = ?";

static const struct catalog_ref channel_refs[] = {
	{ SQL_CHANNEL_SALES, "sales record", "sales records" },
	{ SQL_CHANNEL_GOALS, "goal", "goals" },
	{ NULL, NULL, NULL },
};

static const char *const channel_types[] = { "direct", "distributor", "ecommerce", "partner",
					     "retail", "telesales",   NULL };

int channel_type_valid(const char *type)
{
	return catalog_word_valid(type, channel_types);
}

int channel_type_set(struct channel *c, const char *type, struct err *err)
{
	if (!channel_type_valid(type))
		return err_set(err, ERR_INVALID, "type", "bad_channel_type:value",
			       "\"%.40s\" is not a channel type (direct, distributor, ecommerce, "
			       "partner, retail or telesales)",
			       type ? type : "");
	snprintf(c->type, sizeof(c->type), "%s", type);
	return 0;
}

void channel_write_json(struct jw *w, const struct channel *c)
{
	jw_obj(w);
	jw_kint(w, "id", c->id);
	jw_kstr(w, "code", c->code);
	jw_kstr(w, "name", c->name);
	jw_kstr(w, "type", c->type);
	/* A rate is a number in [0, 1]; four decimals hold a basis point exactly. */
	jw_knum(w, "cost_rate", (double)c->cost_rate_bp / 10000.0, 4);
	jw_kint(w, "version", c->version);
	jw_kts(w, "created_at", c->created_at);
	jw_kts(w, "updated_at", c->updated_at);
	jw_obj_end(w);
}

static void write_json(struct jw *w, const void *rec)
{
	channel_write_json(w, rec);
}

static void row(struct store *st, struct stmt *s, void *rec)
{
	struct channel *c = rec;

	snprintf(c->type, sizeof(c->type), "%s", store_col_text(st, s, 6));
	c->cost_rate_bp = store_col_int(st, s, 7);
}

static int bind(struct store *st, struct stmt *s, int i, const void *rec)
{
	const struct channel *c = rec;

	store_bind_text(st, s, i, c->type);
	store_bind_int(st, s, i + 1, c->cost_rate_bp);
	return i + 2;
}

static int validate(const void *vin, void *vout, struct err *err)
{
	const struct channel *in = vin;
	struct channel *out = vout;
	char type[sizeof(in->type) + 1] = { 0 };

	memcpy(type, in->type, sizeof(in->type));
	if (channel_type_set(out, type, err))
		return -1;
	if (in->cost_rate_bp < 0 || in->cost_rate_bp > 10000)
		return err_set(err, ERR_INVALID, "cost_rate", "percent_range:bp",
			       "a cost rate is between 0%% and 100%%, not %lld basis points",
			       (long long)in->cost_rate_bp);
	out->cost_rate_bp = in->cost_rate_bp;
	return 0;
}

static const struct catalog_noun channel_noun = {
	.entity = "channel",
	.plural = "channels",
	.key = "code",
	CATALOG_LAYOUT(struct channel, code),
	.sql_get = SQL_CHANNEL_GET,
	.sql_list = SQL_CHANNEL_LIST,
	.sql_insert = SQL_CHANNEL_INSERT,
	.sql_update = SQL_CHANNEL_UPDATE,
	.sql_delete = SQL_CHANNEL_DELETE,
	.refs = channel_refs,
	.row = row,
	.bind = bind,
	.validate = validate,
	.write_json = write_json,
};

/* channel_get, _list, _list_release, _delete, _create and _update of catalog.h. */
CATALOG_FUNCS(channel)
CATALOG_PLAIN_WRITES(channel)
