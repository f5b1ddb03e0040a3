/*
 * assignment.c - the accounts and segments of a project assigned to its
 * members (step 3 of the method, building the team): a person on the project
 * (not a viewer) and either a customer (an account: one member a project) or
 * a segment (a person once a segment; several may share one), with a note.
 * A project noun of the entity engine (routes under
 * /api/v1/projects/{code}/assignments, the CLI's `assignment`; table in
 * store/schema/016-quotas.sql; labels ent.assignment.* in the UI's catalogs).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/catalog.h"
#include "core/customer.h"
#include "core/entity.h"
#include "core/project.h"
#include "core/tx.h"
#include "core/user.h"
#include "base/banned.h"

struct assignment {
	int64_t id;
	int64_t user_id;
	char person[64];
	char person_name[128];
	int64_t customer_id;
	char customer[24];
	char customer_name[256];
	int64_t segment_id;
	char segment[64];
	char note[1000];
	int64_t version, created_at, updated_at;
};

#define F(field) offsetof(struct assignment, field), sizeof(((struct assignment *)0)->field)

static int assignment_check(struct tx *tx, const void *before, void *rec,
			    const struct ent_input *in, struct err *err);

static const struct ent_field assignment_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "person", EK_REF, EF_REQUIRED | EF_SORT | EF_FILTER, "user_id", F(user_id),
	  .ref = &user_entity, .key_off = offsetof(struct assignment, person),
	  .key_size = sizeof(((struct assignment *)0)->person),
	  .help = "the member's login (on the project, not a viewer)", .example = "wang.fang" },
	{ "person_name", EK_TEXT, EF_READONLY, "name", F(person_name), .via = "person" },
	{ "customer", EK_REF, EF_NULLABLE | EF_FILTER | EF_SORT, "customer_id", F(customer_id),
	  .ref = &customer_entity, .key_off = offsetof(struct assignment, customer),
	  .key_size = sizeof(((struct assignment *)0)->customer),
	  .help = "the account (a customer's id): one member a project; or give a segment",
	  .example = "12" },
	{ "customer_name", EK_TEXT, EF_READONLY, "name", F(customer_name), .via = "customer" },
	{ "segment", EK_REF, EF_NULLABLE | EF_FILTER | EF_SORT, "segment_id", F(segment_id),
	  .ref = &segment_entity, .key_off = offsetof(struct assignment, segment),
	  .key_size = sizeof(((struct assignment *)0)->segment),
	  .help = "the segment (its code); or give a customer", .example = "enterprise" },
	{ "note", EK_NOTE, 0, "note", F(note), 0, 800,
	  .help = "what they do for it", .example = "季度回访，负责续约" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

ENTITY(assignment) = {
	.name = "assignment",
	.plural = "assignments",
	.table = "assignments",
	.summary = "an account (customer) or a segment of the project assigned to a member",
	.size = sizeof(struct assignment),
	.fields = assignment_fields,
	.scope = ENT_PROJECT,
	.read_prole = PROLE_VIEWER,
	.write_prole = PROLE_MANAGER,
	.order = "r1.login, t.id",
	.hooks = { .check = assignment_check },
	/* no generic screen: the project's Quotas screen lists and edits them (web/src/screens/quotas.js) */
};

/* ?1 the project, ?2 the user: the member's role */
static const char SQL_ASSIGN_ROLE[] =
	"SELECT role FROM members WHERE project_id = ?1 AND user_id = ?2";
/* ?1 the project, ?2 the customer, ?3 the record itself (0 on create): who has it */
static const char SQL_ASSIGN_CUSTOMER[] =
	"SELECT u.login FROM assignments a JOIN users u ON u.id = a.user_id "
	"WHERE a.project_id = ?1 AND a.customer_id = ?2 AND a.id <> ?3";
/* ?1 the project, ?2 the segment, ?3 the record itself, ?4 the user */
static const char SQL_ASSIGN_SEGMENT[] =
	"SELECT u.login FROM assignments a JOIN users u ON u.id = a.user_id "
	"WHERE a.project_id = ?1 AND a.segment_id = ?2 AND a.id <> ?3 AND a.user_id = ?4";

/* The first row's text of sql bound to a, b, c and (d >= 0) d; "" when none. */
static int ask(struct tx *tx, const char *sql, int64_t a, int64_t b, int64_t c, int64_t d,
	       char *out, size_t size, struct err *err)
{
	struct stmt *s = store_prepare(tx->st, sql, err);
	int rc;

	out[0] = '\0';
	if (!s)
		return -1;
	store_bind_int(tx->st, s, 1, a);
	store_bind_int(tx->st, s, 2, b);
	if (c >= 0)
		store_bind_int(tx->st, s, 3, c);
	if (d >= 0)
		store_bind_int(tx->st, s, 4, d);
	rc = store_step(tx->st, s, err);
	if (rc == STORE_ROW)
		snprintf(out, size, "%s", store_col_text(tx->st, s, 0));
	store_done(tx->st, s);
	return rc < 0 ? -1 : 0;
}

/*
 * The person sells on the project; one of a customer and a segment; a
 * customer has one member a project; a person has a segment once.
 */
static int assignment_check(struct tx *tx, const void *before, void *rec,
			    const struct ent_input *in, struct err *err)
{
	const struct assignment *cur = before;
	struct assignment *r = rec;
	int64_t pid = in->project->id, self = cur ? cur->id : 0;
	char got[64];

	if (ask(tx, SQL_ASSIGN_ROLE, pid, r->user_id, -1, -1, got, sizeof(got), err))
		return -1;
	if (!got[0])
		return err_set(err, ERR_INVALID, "person", "not_member:login,project",
			       "%s is not a member of %s", r->person, in->project->code);
	if (!strcmp(got, "viewer"))
		return err_set(err, ERR_INVALID, "person", "quota_viewer:login",
			       "%s is a viewer of the project: accounts go to those who sell",
			       r->person);
	if ((r->customer_id == NO_ID) == (r->segment_id == NO_ID))
		return err_set(err, ERR_INVALID, "customer", "assignment_one_target",
			       "give either a customer or a segment (one of them)");
	if (r->customer_id != NO_ID) {
		if (ask(tx, SQL_ASSIGN_CUSTOMER, pid, r->customer_id, self, -1, got, sizeof(got),
			err))
			return -1;
		if (got[0])
			return err_set(err, ERR_CONFLICT, "customer",
				       "customer_assigned:customer,person",
				       "customer %s is assigned to %s already: one member an account",
				       r->customer, got);
		return 0;
	}
	if (ask(tx, SQL_ASSIGN_SEGMENT, pid, r->segment_id, self, r->user_id, got, sizeof(got),
		err))
		return -1;
	if (got[0])
		return err_set(err, ERR_CONFLICT, "segment", "segment_assigned:segment,person",
			       "segment %s is assigned to %s already", r->segment, got);
	return 0;
}
