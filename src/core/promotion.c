/*
 * promotion.c - promotions: a percent or amount discount, a gift, points or a
 * bundle, over an optional date window, with a budget the alerts watch.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "core/catalog.h"
#include "core/catalog_impl.h"
#include "base/banned.h"

#define PROMOTION_COLS                                                                           \
	"id, code, name, version, created_at, updated_at, kind, value, starts_on, ends_on, "   \
	"budget_minor"

static const char SQL_PROMOTION_GET[] =
	"SELECT " PROMOTION_COLS " FROM promotions WHERE code = ?";
static const char SQL_PROMOTION_LIST[] =
	"SELECT " PROMOTION_COLS " FROM promotions ORDER BY code";
static const char SQL_PROMOTION_INSERT[] =
	"INSERT INTO promotions (code, name, kind, value, starts_on, ends_on, budget_minor, "
	"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_PROMOTION_UPDATE[] =
	"UPDATE promotions SET name = ?, kind = ?, value = ?, starts_on = ?, ends_on = ?, "
	"budget_minor = ?, version = version + 1, updated_at = ? "
	"WHERE id = ? AND version = ? RETURNING version";
static const char SQL_PROMOTION_DELETE[] =
	"DELETE FROM promotions WHERE id = ? AND version = ? RETURNING id";
static const char SQL_PROMOTION_SALES[] = "SELECT COUNT(*) FROM sales WHERE promotion_id = ?";

static const struct catalog_ref promotion_refs[] = {
	{ SQL_PROMOTION_SALES, "sales record", "sales records" },
	{ NULL, NULL, NULL },
};

static const char *const promotion_kinds[] = { "percent", "amount", "gift", "points",
					       "bundle",  NULL };

int promotion_kind_set(struct promotion *p, const char *kind, struct err *err)
{
	if (!catalog_word_valid(kind, promotion_kinds))
		return err_set(err, ERR_INVALID, "kind", "bad_promotion_kind:value",
			       "\"%.40s\" is not a promotion kind "
			       "(percent, amount, gift, points or bundle)",
			       kind ? kind : "");
	snprintf(p->kind, sizeof(p->kind), "%s", kind);
	return 0;
}

void promotion_write_json(struct jw *w, const struct promotion *p)
{
	jw_obj(w);
	jw_kint(w, "id", p->id);
	jw_kstr(w, "code", p->code);
	jw_kstr(w, "name", p->name);
	jw_kstr(w, "kind", p->kind);
	/* The value's unit follows the kind, and "unit" says which. */
	if (!strcmp(p->kind, "percent")) {
		jw_knum(w, "value", (double)p->value / 10000.0, 4);
		jw_kstr(w, "unit", "ratio");
	} else {
		jw_kint(w, "value", p->value);
		jw_kstr(w, "unit", strcmp(p->kind, "amount") ? "count" : "money");
	}
	jw_kdate(w, "start", p->starts_on);
	jw_kdate(w, "end", p->ends_on);
	jw_kint(w, "budget", p->budget_minor);
	jw_kint(w, "version", p->version);
	jw_kts(w, "created_at", p->created_at);
	jw_kts(w, "updated_at", p->updated_at);
	jw_obj_end(w);
}

static void write_json(struct jw *w, const void *rec)
{
	promotion_write_json(w, rec);
}

static void row(struct store *st, struct stmt *s, void *rec)
{
	struct promotion *p = rec;

	snprintf(p->kind, sizeof(p->kind), "%s", store_col_text(st, s, 6));
	p->value = store_col_int(st, s, 7);
	p->starts_on = (int32_t)store_col_int_or(st, s, 8, NO_DATE);
	p->ends_on = (int32_t)store_col_int_or(st, s, 9, NO_DATE);
	p->budget_minor = store_col_int(st, s, 10);
}

static int bind(struct store *st, struct stmt *s, int i, const void *rec)
{
	const struct promotion *p = rec;

	store_bind_text(st, s, i, p->kind);
	store_bind_int(st, s, i + 1, p->value);
	store_bind_int_or_null(st, s, i + 2, p->starts_on, NO_DATE);
	store_bind_int_or_null(st, s, i + 3, p->ends_on, NO_DATE);
	store_bind_int(st, s, i + 4, p->budget_minor);
	return i + 5;
}

static int validate(const void *vin, void *vout, struct err *err)
{
	const struct promotion *in = vin;
	struct promotion *out = vout;
	char kind[sizeof(in->kind) + 1] = { 0 };
	char d1[DATE_FMT_MAX], d2[DATE_FMT_MAX];

	memcpy(kind, in->kind, sizeof(in->kind));
	if (promotion_kind_set(out, kind, err))
		return -1;
	if (!strcmp(kind, "percent") && (in->value < 0 || in->value > 10000))
		return err_set(err, ERR_INVALID, "value", "percent_range:bp",
			       "a percent discount is between 0%% and 100%%, not %lld basis points",
			       (long long)in->value);
	if (in->value < 0)
		return err_set(err, ERR_INVALID, "value", "negative", "a promotion's value cannot be negative");
	if (in->starts_on != NO_DATE && in->ends_on != NO_DATE && in->ends_on < in->starts_on)
		return err_set(err, ERR_INVALID, "end", "date_before_start:date,start", "the end %s is before the start %s",
			       date_format(in->ends_on, d1), date_format(in->starts_on, d2));
	if (in->budget_minor < 0)
		return err_set(err, ERR_INVALID, "budget", "negative", "a budget cannot be negative");
	out->value = in->value;
	out->starts_on = in->starts_on;
	out->ends_on = in->ends_on;
	out->budget_minor = in->budget_minor;
	return 0;
}

static const struct catalog_noun promotion_noun = {
	.entity = "promotion",
	.plural = "promotions",
	.key = "code",
	CATALOG_LAYOUT(struct promotion, code),
	.sql_get = SQL_PROMOTION_GET,
	.sql_list = SQL_PROMOTION_LIST,
	.sql_insert = SQL_PROMOTION_INSERT,
	.sql_update = SQL_PROMOTION_UPDATE,
	.sql_delete = SQL_PROMOTION_DELETE,
	.refs = promotion_refs,
	.row = row,
	.bind = bind,
	.validate = validate,
	.write_json = write_json,
};

/* promotion_get, _list, _list_release, _delete, _create and _update of catalog.h. */
CATALOG_FUNCS(promotion)
CATALOG_PLAIN_WRITES(promotion)
