/*
 * raci.c - a project's RACI chart (step 3 of the method, roles and
 * responsibilities): for each area of work, who is Responsible (does it),
 * Accountable (answers for it: one person an area), Consulted (asked before)
 * and Informed (told after). One record per area and person, who must be on
 * the project. A project noun of the entity engine (routes under
 * /api/v1/projects/{code}/raci, the CLI's `raci`; table in
 * store/schema/011-raci.sql; labels ent.raci.* in the UI's catalogs, whose
 * screen draws the chart as areas by people).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/entity.h"
#include "core/project.h"
#include "core/tx.h"
#include "core/user.h"
#include "base/banned.h"

struct raci {
	int64_t id;
	char area[256];
	int64_t user_id;
	char person[64];
	char person_name[128];
	char role[16];
	char note[1000];
	int64_t version, created_at, updated_at;
};

#define F(field) offsetof(struct raci, field), sizeof(((struct raci *)0)->field)

static const char *const raci_roles[] = { "responsible", "accountable", "consulted", "informed",
					  NULL };

static int raci_check(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
		      struct err *err);

static const struct ent_field raci_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "area", EK_TEXT, EF_REQUIRED | EF_SORT | EF_FILTER, "area", F(area), 0, 100,
	  .help = "the area of work", .example = "大客户报价审批" },
	{ "person", EK_REF, EF_REQUIRED | EF_SORT | EF_FILTER, "user_id", F(user_id),
	  .ref = &user_entity, .key_off = offsetof(struct raci, person),
	  .key_size = sizeof(((struct raci *)0)->person),
	  .help = "the person's login (on the project)", .example = "li.na" },
	{ "person_name", EK_TEXT, EF_READONLY, "name", F(person_name), .via = "person" },
	{ "role", EK_ENUM, EF_REQUIRED | EF_SORT | EF_FILTER, "role", F(role),
	  .values = raci_roles,
	  .help = "responsible (does it), accountable (answers for it: one an area), consulted, "
		  "informed",
	  .example = "accountable" },
	{ "note", EK_NOTE, 0, "note", F(note), 0, 800,
	  .help = "what exactly they do in it", .example = "Signs off discounts over 15%" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

ENTITY(raci) = {
	.name = "raci",
	.plural = "raci",
	.table = "raci",
	.summary = "a line of the project's RACI chart: an area of work, a person, their role in it",
	.size = sizeof(struct raci),
	.fields = raci_fields,
	.scope = ENT_PROJECT,
	.read_prole = PROLE_VIEWER,
	.write_prole = PROLE_MANAGER,
	.order = "t.area, CASE t.role WHEN 'responsible' THEN 1 WHEN 'accountable' THEN 2 "
		 "WHEN 'consulted' THEN 3 ELSE 4 END, r1.login",
	.hooks = { .check = raci_check },
	.section = "team",
	.section_rank = 5,
};

/* ?1 the project, ?2 the user */
static const char SQL_RACI_MEMBER[] =
	"SELECT COUNT(*) FROM members WHERE project_id = ?1 AND user_id = ?2";
/* ?1 the project, ?2 the area, then: */
/* ?3 the user, ?4 the record itself (0 on create) */
static const char SQL_RACI_TAKEN[] =
	"SELECT COUNT(*) FROM raci WHERE project_id = ?1 AND area = ?2 AND user_id = ?3 AND id <> ?4";
/* ?3 the record itself (0 on create) */
static const char SQL_RACI_ACCOUNTABLE[] =
	"SELECT u.login FROM raci r JOIN users u ON u.id = r.user_id WHERE r.project_id = ?1 "
	"AND r.area = ?2 AND r.role = 'accountable' AND r.id <> ?3";

/*
 * Run sql with ?1 the project, then the area (NULL: none), then a, then b
 * (b < 0: none), numbered in that order; the first row's first column as a
 * count (count) or a text (text).
 */
static int ask(struct tx *tx, const char *sql, int64_t project_id, const char *area, int64_t a,
	       int64_t b, int64_t *count, char *text, size_t text_size, struct err *err)
{
	struct stmt *s = store_prepare(tx->st, sql, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(tx->st, s, 1, project_id);
	if (area)
		store_bind_text(tx->st, s, 2, area);
	store_bind_int(tx->st, s, area ? 3 : 2, a);
	if (b >= 0)
		store_bind_int(tx->st, s, area ? 4 : 3, b);
	rc = store_step(tx->st, s, err);
	if (count)
		*count = rc == STORE_ROW ? store_col_int(tx->st, s, 0) : 0;
	if (text) {
		text[0] = '\0';
		if (rc == STORE_ROW)
			snprintf(text, text_size, "%s", store_col_text(tx->st, s, 0));
	}
	store_done(tx->st, s);
	return rc < 0 ? -1 : 0;
}

/*
 * The person is on the project; an area names each person once; and one
 * person is accountable for an area (the second is refused, naming the first).
 */
static int raci_check(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
		      struct err *err)
{
	const struct raci *cur = before;
	struct raci *r = rec;
	int64_t pid = in->project->id, self = cur ? cur->id : 0, n = 0;
	char who[64];

	if (!cur || r->user_id != cur->user_id) {
		if (ask(tx, SQL_RACI_MEMBER, pid, NULL, r->user_id, -1, &n, NULL, 0, err))
			return -1;
		if (!n)
			return err_set(err, ERR_INVALID, "person", "not_member:login,project",
				       "%s is not a member of %s", r->person, in->project->code);
	}
	if (ask(tx, SQL_RACI_TAKEN, pid, r->area, r->user_id, self, &n, NULL, 0, err))
		return -1;
	if (n)
		return err_set(err, ERR_CONFLICT, "person", "raci_taken:person,area",
			       "%s already has a role in \"%s\"", r->person, r->area);
	if (!strcmp(r->role, "accountable")) {
		if (ask(tx, SQL_RACI_ACCOUNTABLE, pid, r->area, self, -1, NULL, who, sizeof(who), err))
			return -1;
		if (who[0])
			return err_set(err, ERR_CONFLICT, "role", "one_accountable:area,person",
				       "\"%s\" already has %s accountable: one person answers for an area",
				       r->area, who);
	}
	return 0;
}
