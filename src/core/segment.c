/*
 * segment.c - target markets: who belongs to each (criteria, in words) and the
 * order the team goes after them (priority 1 first, 0 = not ranked).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/catalog.h"
#include "core/catalog_impl.h"
#include "base/banned.h"

#define SEGMENT_COLS "id, code, name, version, created_at, updated_at, criteria, priority"

static const char SQL_SEGMENT_GET[] = "SELECT " SEGMENT_COLS " FROM segments WHERE code = ?";
/* Ranked segments first, by rank; the unranked (0) after them. */
static const char SQL_SEGMENT_LIST[] =
	"SELECT " SEGMENT_COLS " FROM segments "
	"ORDER BY CASE WHEN priority = 0 THEN 1 ELSE 0 END, priority, code";
static const char SQL_SEGMENT_INSERT[] =
	"INSERT INTO segments (code, name, criteria, priority, created_at, updated_at) "
	"VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_SEGMENT_UPDATE[] =
	"UPDATE segments SET name = ?, criteria = ?, priority = ?, version = version + 1, "
	"updated_at = ? WHERE id = ? AND version = ? RETURNING version";
static const char SQL_SEGMENT_DELETE[] =
	"DELETE FROM segments WHERE id = ? AND version = ? RETURNING id";
static const char SQL_SEGMENT_CUSTOMERS[] = "SELECT COUNT(*) FROM customers WHERE segment_id = ?";
static const char SQL_SEGMENT_SALES[] = "SELECT COUNT(*) FROM sales WHERE segment_id = ?";
static const char SQL_SEGMENT_GOALS[] = "SELECT COUNT(*) FROM goals WHERE scope_segment_id = ?";

static const struct catalog_ref segment_refs[] = {
	{ SQL_SEGMENT_CUSTOMERS, "customer", "customers" },
	{ SQL_SEGMENT_SALES, "sales record", "sales records" },
	{ SQL_SEGMENT_GOALS, "goal", "goals" },
	{ NULL, NULL, NULL },
};

void segment_write_json(struct jw *w, const struct segment *g)
{
	jw_obj(w);
	jw_kint(w, "id", g->id);
	jw_kstr(w, "code", g->code);
	jw_kstr(w, "name", g->name);
	jw_kstr(w, "criteria", g->criteria);
	jw_kint(w, "priority", g->priority);
	jw_kint(w, "version", g->version);
	jw_kts(w, "created_at", g->created_at);
	jw_kts(w, "updated_at", g->updated_at);
	jw_obj_end(w);
}

static void write_json(struct jw *w, const void *rec)
{
	segment_write_json(w, rec);
}

static void row(struct store *st, struct stmt *s, void *rec)
{
	struct segment *g = rec;

	snprintf(g->criteria, sizeof(g->criteria), "%s", store_col_text(st, s, 6));
	g->priority = store_col_int(st, s, 7);
}

static int bind(struct store *st, struct stmt *s, int i, const void *rec)
{
	const struct segment *g = rec;

	store_bind_text(st, s, i, g->criteria);
	store_bind_int(st, s, i + 1, g->priority);
	return i + 2;
}

static int validate(const void *vin, void *vout, struct err *err)
{
	const struct segment *in = vin;
	struct segment *out = vout;

	if (text_field(out->criteria, sizeof(out->criteria), in->criteria, 0, 1, "criteria", err))
		return -1;
	if (in->priority < 0 || in->priority > 1000000)
		return err_set(err, ERR_INVALID, "priority", "priority_range:value",
			       "priority %lld is out of range (1 is first, 0 is not ranked)",
			       (long long)in->priority);
	out->priority = in->priority;
	return 0;
}

static const struct catalog_noun segment_noun = {
	.entity = "segment",
	.plural = "segments",
	.key = "code",
	CATALOG_LAYOUT(struct segment, code),
	.sql_get = SQL_SEGMENT_GET,
	.sql_list = SQL_SEGMENT_LIST,
	.sql_insert = SQL_SEGMENT_INSERT,
	.sql_update = SQL_SEGMENT_UPDATE,
	.sql_delete = SQL_SEGMENT_DELETE,
	.refs = segment_refs,
	.row = row,
	.bind = bind,
	.validate = validate,
	.write_json = write_json,
};

/* segment_get, _list, _list_release, _delete, _create and _update of catalog.h. */
CATALOG_FUNCS(segment)
CATALOG_PLAIN_WRITES(segment)
