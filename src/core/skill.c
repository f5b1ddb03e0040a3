/*
 * skill.c - the team's skills (step 3 of the method): a person's rating, 1 to
 * 5, in a skill a sales team needs (product knowledge, sales skills, customer
 * service, negotiation, industry knowledge) or one of the team's own ("other",
 * named); and a project's skills matrix, its sellers by the skills they are
 * rated in. A noun of the entity engine (table in store/schema/012-skills.sql,
 * labels ent.skill.* in the UI's catalogs); the matrix is this file's.
 */
#include "core/skill.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "core/entity.h"
#include "core/project.h"
#include "core/tx.h"
#include "core/user.h"
#include "base/banned.h"

struct skill {
	int64_t id;
	int64_t user_id;
	char person[64];
	char person_name[128];
	char skill[24];
	char name[64];
	int64_t rating;
	char note[1000];
	int64_t version, created_at, updated_at;
};

#define F(field) offsetof(struct skill, field), sizeof(((struct skill *)0)->field)

/* In the matrix's order; "other" is the team's own, named. */
static const char *const skill_kinds[] = { "product_knowledge", "sales_skills", "customer_service",
					   "negotiation", "industry_knowledge", "other", NULL };

static int skill_check(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
		       struct err *err);

static const struct ent_field skill_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "person", EK_REF, EF_REQUIRED | EF_CREATE | EF_SORT | EF_FILTER, "user_id", F(user_id),
	  .ref = &user_entity, .key_off = offsetof(struct skill, person),
	  .key_size = sizeof(((struct skill *)0)->person), .help = "the person's login",
	  .example = "wang.fang" },
	{ "person_name", EK_TEXT, EF_READONLY, "name", F(person_name), .via = "person" },
	{ "skill", EK_ENUM, EF_REQUIRED | EF_CREATE | EF_SORT | EF_FILTER, "skill", F(skill),
	  .values = skill_kinds, .help = "the skill (other: one of the team's own, named)",
	  .example = "product_knowledge" },
	{ "name", EK_TEXT, EF_CREATE | EF_SORT, "name", F(name), 0, 60,
	  .help = "an other skill's name (only for other)" },
	{ "rating", EK_COUNT, EF_REQUIRED | EF_SORT | EF_FILTER, "rating", F(rating), 1, 5,
	  .help = "1 (learning) to 5 (teaches others)", .example = "4" },
	{ "note", EK_NOTE, 0, "note", F(note), 0, 800,
	  .help = "what the rating rests on", .example = "Passed the X3 certification" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

#undef F

ENTITY(skill) = {
	.name = "skill",
	.plural = "skills",
	.table = "skills",
	.summary = "a person's rating, 1 to 5, in a skill of the sales team",
	.size = sizeof(struct skill),
	.fields = skill_fields,
	.scope = ENT_WORKSPACE,
	.read_role = ROLE_VIEWER,
	.write_role = ROLE_MANAGER,
	.order = "r1.login, CASE t.skill WHEN 'product_knowledge' THEN 1 WHEN 'sales_skills' THEN 2 "
		 "WHEN 'customer_service' THEN 3 WHEN 'negotiation' THEN 4 "
		 "WHEN 'industry_knowledge' THEN 5 ELSE 6 END, t.name",
	.hooks = { .check = skill_check },
	.section = "team",
	.section_rank = 2,
};

static const char SQL_SKILL_TAKEN[] =
	"SELECT COUNT(*) FROM skills WHERE user_id = ?1 AND skill = ?2 AND name = ?3";

/* An other skill is named, a standard one is not; a person is rated once in a skill. */
static int skill_check(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
		       struct err *err)
{
	struct skill *s = rec;
	struct stmt *q;
	int64_t n = 0;
	int rc;

	(void)in;
	if (before)
		return 0; /* the person, the skill and its name are fixed once rated */
	if (!strcmp(s->skill, "other") && !s->name[0])
		return err_set(err, ERR_INVALID, "name", "skill_name_required",
			       "an other skill needs its name");
	if (strcmp(s->skill, "other") && s->name[0])
		return err_set(err, ERR_INVALID, "name", "skill_name_other_only",
			       "only an other skill has a name of its own");
	if (!(q = store_prepare(tx->st, SQL_SKILL_TAKEN, err)))
		return -1;
	store_bind_int(tx->st, q, 1, s->user_id);
	store_bind_text(tx->st, q, 2, s->skill);
	store_bind_text(tx->st, q, 3, s->name);
	rc = store_step(tx->st, q, err);
	if (rc == STORE_ROW)
		n = store_col_int(tx->st, q, 0);
	store_done(tx->st, q);
	if (rc < 0)
		return -1;
	if (n)
		return err_set(err, ERR_CONFLICT, "skill", "skill_rated:person,skill",
			       "%s is already rated in %s: change that rating",
			       s->person, s->name[0] ? s->name : s->skill);
	return 0;
}

/* --- the matrix ----------------------------------------------------------------- */

/* The project's sellers' ratings, in the matrix's column order. */
static const char SQL_SKILL_MATRIX[] =
	"SELECT s.user_id, s.skill, s.name, s.rating FROM skills s "
	"JOIN members m ON m.user_id = s.user_id AND m.project_id = ?1 "
	"WHERE m.role <> 'viewer' "
	"ORDER BY CASE s.skill WHEN 'product_knowledge' THEN 1 WHEN 'sales_skills' THEN 2 "
	"WHEN 'customer_service' THEN 3 WHEN 'negotiation' THEN 4 "
	"WHEN 'industry_knowledge' THEN 5 ELSE 6 END, s.name, s.user_id";

static const char *prole_name(enum prole r)
{
	switch (r) {
	case PROLE_OWNER: return "owner";
	case PROLE_MANAGER: return "manager";
	case PROLE_MEMBER: return "member";
	default: return "viewer";
	}
}

int skill_matrix(struct store *st, const struct actor *a, const char *code,
		 struct skill_matrix *out, struct err *err)
{
	struct project p;
	struct member_list ml = { 0 };
	int64_t *ids = NULL;
	struct stmt *s = NULL;
	size_t cap = 0;
	int rc, r = -1;

	memset(out, 0, sizeof(*out));
	if (project_get(st, a, code, &p, err) || member_list(st, a, code, &ml, err))
		goto done;
	snprintf(out->project, sizeof(out->project), "%s", p.code);
	out->rows = xcalloc(ml.n ? ml.n : 1, sizeof(*out->rows));
	ids = xcalloc(ml.n ? ml.n : 1, sizeof(*ids));
	for (size_t i = 0; i < ml.n; i++) {
		struct skill_row *row;
		if (ml.items[i].role == PROLE_VIEWER)
			continue;
		row = &out->rows[out->nrows];
		snprintf(row->login, sizeof(row->login), "%s", ml.items[i].login);
		snprintf(row->name, sizeof(row->name), "%s", ml.items[i].name);
		snprintf(row->role, sizeof(row->role), "%s", prole_name(ml.items[i].role));
		ids[out->nrows++] = ml.items[i].user_id;
	}
	if (!(s = store_prepare(st, SQL_SKILL_MATRIX, err)))
		goto done;
	store_bind_int(st, s, 1, p.id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t uid = store_col_int(st, s, 0);
		const char *kind = store_col_text(st, s, 1), *name = store_col_text(st, s, 2);
		int rating = (int)store_col_int(st, s, 3);
		struct skill_column *c = out->ncolumns ? &out->columns[out->ncolumns - 1] : NULL;
		if (!c || strcmp(c->skill, kind) || strcmp(c->name, name)) {
			if (out->ncolumns == cap) {
				cap = cap ? 2 * cap : 8;
				out->columns = xrealloc(out->columns, cap * sizeof(*out->columns));
				for (size_t i = 0; i < out->nrows; i++)
					out->rows[i].ratings =
						xrealloc(out->rows[i].ratings, cap * sizeof(int));
			}
			c = &out->columns[out->ncolumns++];
			memset(c, 0, sizeof(*c));
			snprintf(c->skill, sizeof(c->skill), "%s", kind);
			snprintf(c->name, sizeof(c->name), "%s", name);
			for (size_t i = 0; i < out->nrows; i++)
				out->rows[i].ratings[out->ncolumns - 1] = 0;
		}
		for (size_t i = 0; i < out->nrows; i++)
			if (ids[i] == uid) {
				out->rows[i].ratings[out->ncolumns - 1] = rating;
				c->rated++;
				c->sum += rating;
			}
	}
	store_done(st, s);
	if (rc < 0)
		goto done;
	r = 0;
done:
	free(ids);
	member_list_release(&ml);
	if (r)
		skill_matrix_release(out);
	return r;
}

void skill_matrix_release(struct skill_matrix *m)
{
	for (size_t i = 0; i < m->nrows; i++)
		free(m->rows[i].ratings);
	free(m->rows);
	free(m->columns);
	memset(m, 0, sizeof(*m));
}

int64_t skill_average_tenths(const struct skill_column *c)
{
	/* sum / rated in tenths, half up: (20 * sum + rated) / (2 * rated) */
	return c->rated ? (20 * c->sum + c->rated) / (2 * c->rated) : -1;
}

void skill_matrix_write_json(struct jw *w, const struct skill_matrix *m)
{
	jw_obj(w);
	jw_kstr(w, "project", m->project);
	jw_key(w, "skills");
	jw_arr(w);
	for (size_t i = 0; i < m->ncolumns; i++) {
		const struct skill_column *c = &m->columns[i];
		int64_t t = skill_average_tenths(c);
		jw_obj(w);
		jw_kstr(w, "skill", c->skill);
		jw_kstr(w, "name", c->name);
		jw_kint(w, "rated", c->rated);
		jw_key(w, "average");
		if (t < 0)
			jw_null(w);
		else { /* tenths as text: exact, no binary fraction on the way */
			char num[32];
			snprintf(num, sizeof(num), "%lld.%lld", (long long)(t / 10), (long long)(t % 10));
			jw_raw(w, num);
		}
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "members");
	jw_arr(w);
	for (size_t i = 0; i < m->nrows; i++) {
		const struct skill_row *r = &m->rows[i];
		jw_obj(w);
		jw_kstr(w, "login", r->login);
		jw_kstr(w, "name", r->name);
		jw_kstr(w, "role", r->role);
		jw_key(w, "ratings");
		jw_arr(w);
		for (size_t k = 0; k < m->ncolumns; k++) {
			if (r->ratings && r->ratings[k])
				jw_int(w, r->ratings[k]);
			else
				jw_null(w);
		}
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}
