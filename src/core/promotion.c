/*
 * promotion.c - promotions: a percent or amount discount, a gift, points or a
 * bundle, over an optional date window, with a budget the alerts watch. A
 * noun of the entity engine: the description below, with the value whose
 * unit follows the kind (a variant field) and the window's rule as a hook.
 */
#include <stddef.h>
#include <string.h>

#include "base/date.h"
#include "base/money.h"
#include "core/catalog.h"
#include "core/entity.h"
#include "base/banned.h"

#define F(field) offsetof(struct promotion, field), sizeof(((struct promotion *)0)->field)

static const char SQL_PROMOTION_SALES[] = "SELECT COUNT(*) FROM sales WHERE promotion_id = ?";

static const struct ent_blocker promotion_blockers[] = {
	{ SQL_PROMOTION_SALES, "sales record", "sales records" },
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
	  .help = "what the promotion may cost, in major units", .example = "50000" },
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
		.write_extra = promotion_unit,
	},
};

int promotion_create(struct store *st, const struct actor *a, const struct promotion *in,
		     struct promotion *out, struct err *err)
{
	return entity_create_rec(st, a, &promotion_entity, NULL, in, out, err);
}
