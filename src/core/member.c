/*
 * member.c - a project's members: a user and their project role (owner,
 * manager, member, viewer). A noun of the entity engine; the rules that are
 * its own are hooked in: only an active user joins, once; only an owner adds
 * an owner, grants or takes ownership or removes an owner; a project keeps at
 * least one owner. (Handing a project over is the project's: core/project.c.)
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "core/entity.h"
#include "core/project.h"
#include "core/tx.h"
#include "core/user.h"
#include "base/banned.h"

#define F(field) offsetof(struct member, field), sizeof(((struct member *)0)->field)

static const char SQL_MEMBER_ACTIVE_USER[] = "SELECT active FROM users WHERE id = ?";
static const char SQL_MEMBER_EXISTS[] =
	"SELECT COUNT(*) FROM members WHERE project_id = ?1 AND user_id = ?2";
static const char SQL_MEMBER_OWNERS_LEFT[] =
	"SELECT COUNT(*) FROM members WHERE project_id = ? AND role = 'owner'";

/* In the order of enum prole, from PROLE_VIEWER. */
static const char *const member_roles[] = { "viewer", "member", "manager", "owner", NULL };

static int member_check(struct tx *tx, const void *before, void *rec,
			const struct ent_input *in, struct err *err);
static int member_after(struct tx *tx, const void *before, const void *after,
			const struct ent_input *in, struct err *err);

static const struct ent_field member_fields[] = {
	{ "id", EK_ID, EF_READONLY, "id", F(id) },
	{ "user_id", EK_COUNT, EF_READONLY, "id", F(user_id), .via = "login" },
	{ "login", EK_REF, EF_KEY | EF_REQUIRED | EF_SORT | EF_FILTER, "user_id", F(user_id),
	  .ref = &user_entity, .key_off = offsetof(struct member, login),
	  .key_size = sizeof(((struct member *)0)->login), .help = "the user's login",
	  .example = "wang.fang" },
	{ "name", EK_TEXT, EF_READONLY, "name", F(name), .via = "login" },
	{ "role", EK_CHOICE, EF_SORT | EF_FILTER, "role", F(role), PROLE_VIEWER,
	  PROLE_OWNER, .values = member_roles,
	  .help = "the project role (default member; owners only grant owner)",
	  .example = "member" },
	{ "capacity", EK_RATIO, EF_SORT, "capacity_bp", F(capacity_bp), 0, 10000,
	  .help = "the share of a full-time seller's load they can carry (default 100%; a new "
		  "hire ramping up: 50%)",
	  .example = "80" },
	{ "territory", EK_TEXT, EF_FILTER, "territory", F(territory), 0, 200,
	  .help = "the regions, segments or accounts they cover", .example = "华东 · 上海、苏州" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

ENTITY(member) = {
	.name = "member",
	.plural = "members",
	.table = "members",
	.summary = "a member of a project",
	.size = sizeof(struct member),
	.fields = member_fields,
	.scope = ENT_PROJECT,
	.read_prole = PROLE_VIEWER,
	.write_prole = PROLE_MANAGER,
	.order = "r1.login",
	.hooks = { .check = member_check, .after = member_after },
	/* one member is read in the list; removing is `member remove` (api/project.c) */
	.omit = ENT_NO_GET | ENT_NO_DELETE,
};

static int count_of(struct store *st, const char *sql, int64_t a, int64_t b, int nparams,
		    int64_t *out, struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, a);
	if (nparams > 1)
		store_bind_int(st, s, 2, b);
	rc = store_step(st, s, err);
	*out = rc == STORE_ROW ? store_col_int(st, s, 0) : 0;
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* Whether the actor owns the project (an admin does). */
static int is_owner(struct tx *tx, const struct ent_input *in, struct err *err)
{
	return project_access(tx->st, tx->actor, in->project->id, err) >= PROLE_OWNER;
}

static int member_check(struct tx *tx, const void *before, void *rec,
			const struct ent_input *in, struct err *err)
{
	const struct member *cur = before;
	struct member *m = rec;
	int64_t n = 0;

	if (!cur) {
		if (m->role < PROLE_VIEWER)
			m->role = PROLE_MEMBER;
		if (!entity_given(&member_entity, in, "capacity"))
			m->capacity_bp = 10000; /* full time unless told */
		if (count_of(tx->st, SQL_MEMBER_ACTIVE_USER, m->user_id, 0, 1, &n, err))
			return -1;
		if (!n)
			return err_set(err, ERR_INVALID, "login", "no_active_user:login",
				       "no active user with login \"%s\"", m->login);
		if (count_of(tx->st, SQL_MEMBER_EXISTS, in->project->id, m->user_id, 2, &n, err))
			return -1;
		if (n)
			return err_set(err, ERR_CONFLICT, "login", "already_member:login,project",
				       "%s is already a member of %s", m->login, in->project->code);
		if (m->role == PROLE_OWNER && !is_owner(tx, in, err))
			return err_set(err, ERR_DENIED, "role", "owner_only",
				       "only an owner may add another owner");
		return 0;
	}
	if ((m->role == PROLE_OWNER) != (cur->role == PROLE_OWNER) && !is_owner(tx, in, err))
		return err_set(err, ERR_DENIED, "role", "owner_only",
			       "only an owner may grant or take ownership");
	return 0;
}

/* After a removal or a step down: only an owner removes an owner, and one stays. */
static int member_after(struct tx *tx, const void *before, const void *after,
			const struct ent_input *in, struct err *err)
{
	const struct member *cur = before, *m = after;
	const char *field = m ? "role" : "login";
	int64_t owners = 0;

	if (!cur || cur->role != PROLE_OWNER || (m && m->role == PROLE_OWNER))
		return 0;
	/* (the row is gone by now: an owner removing themself no longer owns the project) */
	if (!m && cur->user_id != tx->actor->user_id && !is_owner(tx, in, err))
		return err_set(err, ERR_DENIED, field, "owner_only",
			       "only an owner may remove an owner");
	if (count_of(tx->st, SQL_MEMBER_OWNERS_LEFT, in->project->id, 0, 1, &owners, err))
		return -1;
	if (owners < 1)
		return err_set(err, ERR_CONFLICT, field, "last_owner:login,project",
			       "%s is the last owner of %s", cur->login, in->project->code);
	return 0;
}

void member_write_json(struct jw *w, const struct member *m)
{
	entity_write_json(w, &member_entity, m);
}

/* The project named code, as the engine takes it (the actor must see it). */
static int project_of(struct store *st, const struct actor *a, const char *code,
		      struct ent_project *p, struct err *err)
{
	struct project pr;

	if (project_get(st, a, code, &pr, err))
		return -1;
	p->id = pr.id;
	p->code = code;
	return 0;
}

/* login (on create) and role given in in, with m as its record. */
static void member_input(struct member *m, const char *login, enum prole role, int create,
			 struct ent_input *in)
{
	memset(m, 0, sizeof(*m));
	for (const struct ent_field *f = member_fields; f->name; f++)
		entity_set_none(f, m);
	snprintf(m->login, sizeof(m->login), "%s", login ? login : "");
	m->role = role;
	memset(in, 0, sizeof(*in));
	in->rec = m;
	if (create)
		entity_input_set(&member_entity, in, entity_field(&member_entity, "login"), 0);
	entity_input_set(&member_entity, in, entity_field(&member_entity, "role"), 0);
}

int member_add(struct store *st, const struct actor *a, const char *code, const char *login,
	       enum prole role, struct member *out, struct err *err)
{
	struct ent_project p;
	struct member m;
	struct ent_input in;

	if (project_of(st, a, code, &p, err))
		return -1;
	member_input(&m, login, role, 1, &in);
	return entity_create(st, a, &member_entity, &p, &in, out, err);
}

int member_update(struct store *st, const struct actor *a, const char *code, const char *login,
		  enum prole role, int64_t version, struct member *out, struct err *err)
{
	struct ent_project p;
	struct member m;
	struct ent_input in;

	if (project_of(st, a, code, &p, err))
		return -1;
	member_input(&m, login, role, 0, &in);
	in.version = version;
	return entity_update(st, a, &member_entity, &p, login, &in, out, err);
}

int member_remove(struct store *st, const struct actor *a, const char *code, const char *login,
		  struct err *err)
{
	struct ent_project p;

	if (project_of(st, a, code, &p, err))
		return -1;
	return entity_delete(st, a, &member_entity, &p, login, ENT_ANY_VERSION, err);
}

int member_list(struct store *st, const struct actor *a, const char *code,
		struct member_list *out, struct err *err)
{
	struct ent_project p;
	struct ent_rows rows = { 0 };

	if (project_of(st, a, code, &p, err) ||
	    entity_list(st, a, &member_entity, &p, NULL, &rows, err)) {
		entity_rows_release(&rows);
		return -1;
	}
	out->items = rows.items;
	out->n = rows.n;
	out->alloc = rows.alloc;
	return 0;
}

void member_list_release(struct member_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = l->alloc = 0;
}
