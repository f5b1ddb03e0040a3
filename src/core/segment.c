/*
 * segment.c - target markets: who belongs to each (criteria, in words) and the
 * order the team goes after them (priority 1 first, 0 = not ranked). A noun of
 * the entity engine: this description is all of it.
 */
#include <stddef.h>

#include "core/catalog.h"
#include "core/entity.h"
#include "base/banned.h"

#define F(field) offsetof(struct segment, field), sizeof(((struct segment *)0)->field)

static const char SQL_SEGMENT_CUSTOMERS[] = "SELECT COUNT(*) FROM customers WHERE segment_id = ?";
static const char SQL_SEGMENT_SALES[] = "SELECT COUNT(*) FROM sales WHERE segment_id = ?";
static const char SQL_SEGMENT_GOALS[] = "SELECT COUNT(*) FROM goals WHERE scope_segment_id = ?";

static const char SQL_SEGMENT_PLANS[] = "SELECT COUNT(*) FROM project_segments WHERE segment_id = ?";

static const struct ent_blocker segment_blockers[] = {
	{ SQL_SEGMENT_CUSTOMERS, "customer", "customers" },
	{ SQL_SEGMENT_SALES, "sales record", "sales records" },
	{ SQL_SEGMENT_GOALS, "goal", "goals" },
	{ SQL_SEGMENT_PLANS, "project's strategy", "projects' strategies" },
	{ NULL, NULL, NULL },
};

static const struct ent_field segment_fields[] = {
	{ "id", EK_ID, EF_READONLY, "id", F(id) },
	{ "code", EK_CODE, EF_KEY | EF_REQUIRED | EF_SORT | EF_FILTER, "code", F(code),
	  .help = "the segment's code", .example = "smb" },
	{ "name", EK_TEXT, EF_REQUIRED | EF_SORT | EF_FILTER, "name", F(name),
	  .help = "its name", .example = "中小企业" },
	{ "priority", EK_COUNT, EF_SORT, "priority", F(priority), 0, 1000000,
	  .help = "the order the team goes after it: 1 first, 0 not ranked", .example = "1" },
	{ "region", EK_TEXT, EF_SORT | EF_FILTER, "region", F(region), 0, 100,
	  .help = "where its customers are", .example = "华东" },
	{ "industry", EK_TEXT, EF_SORT | EF_FILTER, "industry", F(industry), 0, 100,
	  .help = "their industry", .example = "制造业" },
	{ "company_size", EK_TEXT, EF_SORT | EF_FILTER, "company_size", F(company_size), 0, 60,
	  .help = "how large they are", .example = "50-500 人" },
	{ "criteria", EK_NOTE, EF_FILTER, "criteria", F(criteria),
	  .help = "anything else about who belongs", .example = "buys through a distributor" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

ENTITY(segment) = {
	.name = "segment",
	.plural = "segments",
	.table = "segments",
	.summary = "a target market segment",
	.size = sizeof(struct segment),
	.fields = segment_fields,
	.scope = ENT_WORKSPACE,
	.read_role = ROLE_VIEWER,
	.write_role = ROLE_MANAGER,
	.blockers = segment_blockers,
	/* ranked segments first, by rank; the unranked (0) after them */
	.order = "CASE WHEN t.priority = 0 THEN 1 ELSE 0 END, t.priority, t.code",
	.section = "strategy",
	.section_rank = 1,
};

int segment_create(struct store *st, const struct actor *a, const struct segment *in,
		   struct segment *out, struct err *err)
{
	return entity_create_rec(st, a, &segment_entity, NULL, in, out, err);
}
