/*
 * promotion.c - promotions: a percent or amount discount, a gift, points or a
 * bundle, over an optional date window, with a budget the alerts watch. A
 * noun of the entity engine: the description below, with the value whose
 * unit follows the kind (a variant field) and the window's rule as a hook.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "core/catalog.h"
#include "core/entity.h"
#include "core/tx.h"
#include "base/banned.h"

#define F(field) offsetof(struct promotion, field), sizeof(((struct promotion *)0)->field)

static const char SQL_PROMOTION_SALES[] = "SELECT COUNT(*) FROM sales WHERE promotion_id = ?";

static const char SQL_PROMOTION_PLANS[] = "SELECT COUNT(*) FROM project_promotions WHERE promotion_id = ?";

static const struct ent_blocker promotion_blockers[] = {
	{ SQL_PROMOTION_SALES, "sales record", "sales records" },
	{ SQL_PROMOTION_PLANS, "project's strategy", "projects' strategies" },
	{ NULL, NULL, NULL },
};

static const char *const promotion_kinds[] = { "percent", "amount", "gift", "points",
					       "bundle",  NULL };

/* The value as each kind reads it: a percent as a rate, an amount as money, the rest a count. */
static const struct ent_field value_percent = { "value", EK_RATIO, 0, "value", F(value), 0, 10000 };
static const struct ent_field value_amount = { "value", EK_MONEY, 0, "value", F(value), 0,
					       MONEY_UNIT_MAX };
static const struct ent_field value_count = { "value", EK_COUNT, 0, "value", F(value), 0,
					      MONEY_TOTAL_MAX };

static const struct ent_field *value_of_kind(const void *rec)
{
	const struct promotion *p = rec;

	if (!strcmp(p->kind, "percent"))
		return &value_percent;
	if (!strcmp(p->kind, "amount"))
		return &value_amount;
	return &value_count;
}

static const char SQL_SCOPE_PRODUCT[] = "SELECT COUNT(*) FROM products WHERE sku = ?";
static const char SQL_SCOPE_CHANNEL[] = "SELECT COUNT(*) FROM channels WHERE code = ?";
static const char SQL_SCOPE_SEGMENT[] = "SELECT COUNT(*) FROM segments WHERE code = ?";

int promotion_scope_has(const char *list, const char *tok)
{
	size_t n = strlen(tok);

	while (*list) {
		const char *end = strstr(list, ", ");
		size_t len = end ? (size_t)(end - list) : strlen(list);
		if (len == n && !memcmp(list, tok, n))
			return 1;
		if (!end)
			break;
		list = end + 2;
	}
	return 0;
}

/*
 * A scope list as it is kept: its codes trimmed, each once, joined by ", ";
 * each must name a record (count_sql), else reason (no_product:sku...) names it.
 */
static int scope_list(struct tx *tx, char *list, size_t size, const char *field,
		      const char *count_sql, const char *reason, struct err *err)
{
	struct buf out = BUF_INIT;
	char *copy = xstrdup(list), *p = copy, *tok;
	int r = -1;

	while ((tok = strsep(&p, ",")) != NULL) {
		struct stmt *s;
		size_t n;
		int rc;
		while (*tok == ' ' || *tok == '\t')
			tok++;
		n = strlen(tok);
		while (n && (tok[n - 1] == ' ' || tok[n - 1] == '\t'))
			tok[--n] = '\0';
		if (!n)
			continue;
		if (promotion_scope_has(buf_cstr(&out), tok))
			continue; /* each once */
		s = store_prepare(tx->st, count_sql, err);
		if (!s)
			goto out;
		store_bind_text(tx->st, s, 1, tok);
		rc = store_step(tx->st, s, err);
		n = rc == STORE_ROW ? (size_t)store_col_int(tx->st, s, 0) : 0;
		store_done(tx->st, s);
		if (rc < 0)
			goto out;
		if (!n) {
			/* the code is the reason's one parameter: the format's first */
			err_set(err, ERR_INVALID, field, reason,
				!strcmp(field, "products") ? "no product \"%.60s\"" :
				!strcmp(field, "channels") ? "no channel \"%.60s\"" :
				"no segment \"%.60s\"", tok);
			goto out;
		}
		if (out.len)
			buf_adds(&out, ", ");
		buf_adds(&out, tok);
	}
	if (out.len >= size) {
		err_set(err, ERR_INVALID, field, "too_long:max", "the list is longer than %zu bytes",
			size - 1);
		goto out;
	}
	snprintf(list, size, "%s", buf_cstr(&out));
	r = 0;
out:
	buf_release(&out);
	free(copy);
	return r;
}

/* A scope's codes each name a product, channel or segment. */
static int promotion_check(struct tx *tx, const void *before, void *rec,
			   const struct ent_input *in, struct err *err)
{
	struct promotion *p = rec;

	(void)before;
	(void)in;
	return scope_list(tx, p->products, sizeof(p->products), "products", SQL_SCOPE_PRODUCT,
			  "no_product:sku", err) ||
	       scope_list(tx, p->channels, sizeof(p->channels), "channels", SQL_SCOPE_CHANNEL,
			  "no_channel:code", err) ||
	       scope_list(tx, p->segments, sizeof(p->segments), "segments", SQL_SCOPE_SEGMENT,
			  "no_segment:code", err);
}

/* every project's discounts of a promotion (each project's rows found by the key's prefix) */
static const char SQL_PROMOTION_SPENT[] =
	"SELECT COALESCE(SUM(discount_minor), 0) FROM sale_rollup "
	"WHERE project_id IN (SELECT id FROM projects) AND dim = 'promotion' AND key_id = ?";

/* What it has spent, from the rollups (rollup.h), and whether that is past its budget. */
static int promotion_fill(struct store *st, const struct actor *a, void *rec, struct err *err)
{
	struct promotion *p = rec;
	struct stmt *s = store_prepare(st, SQL_PROMOTION_SPENT, err);
	int rc;

	(void)a;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, p->id);
	rc = store_step(st, s, err);
	p->spent_minor = rc == STORE_ROW ? store_col_int(st, s, 0) : 0;
	store_done(st, s);
	p->over_budget = p->budget_minor > 0 && p->spent_minor > p->budget_minor;
	return rc < 0 ? -1 : 0;
}

/* "unit" says how to read the value. */
static void promotion_unit(struct jw *w, const void *rec)
{
	const struct ent_field *f = value_of_kind(rec);

	jw_kstr(w, "unit", f->kind == EK_RATIO ? "ratio" : f->kind == EK_MONEY ? "money" : "count");
}

static const struct ent_field promotion_fields[] = {
	{ "id", EK_ID, EF_READONLY, "id", F(id) },
	{ "code", EK_CODE, EF_KEY | EF_REQUIRED | EF_SORT | EF_FILTER, "code", F(code),
	  .help = "the promotion's code", .example = "SPRING15" },
	{ "name", EK_TEXT, EF_REQUIRED | EF_SORT | EF_FILTER, "name", F(name),
	  .help = "its name", .example = "春季九折" },
	{ "kind", EK_ENUM, EF_REQUIRED | EF_SORT | EF_FILTER, "kind", F(kind),
	  .values = promotion_kinds, .help = "what it gives", .example = "percent" },
	/* not sortable: its unit differs from one promotion to the next */
	{ "value", EK_COUNT, 0, "value", F(value), 0, MONEY_TOTAL_MAX,
	  .help = "percent: a percentage (15 or 12.5); amount: money (20.00); "
		  "gift, points, bundle: a whole number",
	  .example = "15", .variant = value_of_kind, .variant_by = "kind" },
	{ "start", EK_DATE, EF_NULLABLE | EF_SORT | EF_FILTER, "starts_on", F(starts_on),
	  .help = "its first day (default open)", .example = "2026-03-01" },
	{ "end", EK_DATE, EF_NULLABLE | EF_SORT | EF_FILTER, "ends_on", F(ends_on),
	  .help = "its last day (default open)", .example = "2026-03-31", .not_before = "start" },
	{ "budget", EK_MONEY, EF_SORT, "budget_minor", F(budget_minor), 0, MONEY_TOTAL_MAX,
	  .help = "what the promotion may cost (the discounts it gives), in major units",
	  .example = "50000" },
	{ "products", EK_TEXT, EF_FILTER, "products", F(products), 0, 900,
	  .help = "the SKUs it applies to, separated by commas (none: every product)",
	  .example = "HX-W100, HX-W200" },
	{ "channels", EK_TEXT, EF_FILTER, "channels", F(channels), 0, 900,
	  .help = "the channel codes it applies to, separated by commas (none: every channel)",
	  .example = "tmall" },
	{ "segments", EK_TEXT, EF_FILTER, "segments", F(segments), 0, 900,
	  .help = "the segment codes it applies to, separated by commas (none: every segment)",
	  .example = "smb, education" },
	{ "spent", EK_MONEY, EF_READONLY, NULL, F(spent_minor),
	  .help = "the discounts its sales gave, in every project" },
	{ "over_budget", EK_BOOL, EF_READONLY, NULL, F(over_budget),
	  .help = "whether it has spent more than its budget" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

ENTITY(promotion) = {
	.name = "promotion",
	.plural = "promotions",
	.table = "promotions",
	.summary = "a promotion: a percent or amount discount, a gift, points or a bundle",
	.size = sizeof(struct promotion),
	.fields = promotion_fields,
	.scope = ENT_WORKSPACE,
	.read_role = ROLE_VIEWER,
	.write_role = ROLE_MANAGER,
	.blockers = promotion_blockers,
	.order = "t.code",
	.section = "strategy",
	.section_rank = 4,
	.hooks = {
		.check = promotion_check,
		.write_extra = promotion_unit,
		.fill = promotion_fill,
	},
};

int promotion_create(struct store *st, const struct actor *a, const struct promotion *in,
		     struct promotion *out, struct err *err)
{
	return entity_create_rec(st, a, &promotion_entity, NULL, in, out, err);
}
