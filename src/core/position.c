/*
 * position.c - open positions of the sales team (step 3 of the method,
 * recruitment): a title, how many people it is for, what they need to bring,
 * its hiring manager and its dates, and where it stands (open, on hold,
 * filled, closed), and the project it hires for (a hire joins it: see
 * core/recruit.c). A noun of the entity engine: this description is all of it
 * (its table is in store/schema/006-positions.sql, its project in
 * 015-recruitment.sql; its labels in the UI's two catalogs as ent.position.*).
 */
#include <stddef.h>
#include <stdint.h>

#include "core/entity.h"
#include "core/recruit.h"
#include "core/user.h"
#include "base/banned.h"

struct position {
	int64_t id;
	char title[256];
	int64_t openings;
	char status[16];
	char requirements[4000];
	int64_t manager_id;
	char manager[64];
	int32_t opened_on, target_on;
	int64_t project_id;
	char project[64];
	char project_name[256];
	int64_t version, created_at, updated_at;
};

#define F(field) offsetof(struct position, field), sizeof(((struct position *)0)->field)

static const char *const position_statuses[] = { "open", "on_hold", "filled", "closed", NULL };

static const struct ent_field position_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "title", EK_TEXT, EF_REQUIRED | EF_SORT | EF_FILTER, "title", F(title), 0, 200,
	  .help = "the job title", .example = "华东区大客户经理" },
	{ "openings", EK_COUNT, EF_REQUIRED | EF_SORT, "openings", F(openings), 1, 1000,
	  .help = "how many people it is for", .example = "2" },
	{ "status", EK_ENUM, EF_REQUIRED | EF_SORT | EF_FILTER, "status", F(status),
	  .values = position_statuses, .help = "where it stands", .example = "open" },
	{ "manager", EK_REF, EF_NULLABLE | EF_SORT | EF_FILTER, "manager_id", F(manager_id),
	  .ref = &user_entity, .key_off = offsetof(struct position, manager),
	  .key_size = sizeof(((struct position *)0)->manager),
	  .help = "the hiring manager's login", .example = "li.na" },
	{ "requirements", EK_NOTE, 0, "requirements", F(requirements), 0, 3000,
	  .help = "what a candidate needs: experience, skills, region",
	  .example = "3 years of B2B sales; knows the East China market" },
	{ "opened", EK_DATE, EF_NULLABLE | EF_SORT | EF_FILTER, "opened_on", F(opened_on),
	  .help = "the day it was opened", .example = "2026-12-01" },
	{ "target", EK_DATE, EF_NULLABLE | EF_SORT | EF_FILTER, "target_on", F(target_on),
	  .help = "the day it should be filled by", .example = "2027-02-28",
	  .not_before = "opened" },
	{ "project", EK_REF, EF_NULLABLE | EF_SORT | EF_FILTER, "project_id", F(project_id),
	  .ref = &project_ref_entity, .key_off = offsetof(struct position, project),
	  .key_size = sizeof(((struct position *)0)->project),
	  .help = "the project it hires for, by code (none: the team at large); a hire joins it "
		  "as a member",
	  .example = "FY" },
	{ "project_name", EK_TEXT, EF_READONLY, "name", F(project_name), .via = "project" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

ENTITY(position) = {
	.name = "position",
	.plural = "positions",
	.table = "positions",
	.summary = "an open position of the sales team: title, openings, requirements, status",
	.size = sizeof(struct position),
	.fields = position_fields,
	.scope = ENT_WORKSPACE,
	.read_role = ROLE_VIEWER,
	.write_role = ROLE_MANAGER,
	.order = "t.id DESC",
	.section = "team",
	.section_rank = 1,
};
