/*
 * team.c - the team's routes beyond the entity engine's generic ones: a
 * person's skills (GET /api/v1/users/{login}/skills) and a project's skills
 * matrix (GET /api/v1/projects/{code}/skills). Skills themselves are written
 * through /api/v1/skills (core/skill.c).
 */
#include <string.h>

#include "api/api.h"
#include "core/entity.h"
#include "core/skill.h"
#include "core/user.h"
#include "base/banned.h"

/* A person's ratings, the matrix's order: the skill noun's list filtered on the person. */
static int user_skills(struct api_req *r, struct err *err)
{
	const struct entity *e = entity_find("skill");
	struct ent_query q = { 0 };
	struct ent_rows rows = { 0 };
	int64_t uid = 0;

	if (!e)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "no skill noun");
	/* a login that names no one is no person, not an empty list */
	if (entity_ref_id(r->st, &user_entity, api_param(r, "login"), &uid, err))
		return -1;
	if (uid == NO_ID)
		return err_set(err, ERR_NOT_FOUND, "user", "no_user:login", "no user \"%.60s\"",
			       api_param(r, "login"));
	q.filter_name[0] = "person";
	q.filter_value[0] = api_param(r, "login");
	q.nfilters = 1;
	if (entity_list(r->st, &r->actor, e, NULL, &q, &rows, err))
		return -1;
	jw_obj(&r->jw);
	jw_kstr(&r->jw, "login", api_param(r, "login"));
	jw_key(&r->jw, "skills");
	jw_arr(&r->jw);
	for (size_t i = 0; i < rows.n; i++)
		entity_write_json(&r->jw, e, (char *)rows.items + i * e->size);
	jw_arr_end(&r->jw);
	jw_obj_end(&r->jw);
	entity_rows_release(&rows);
	return 0;
}

static int project_skills(struct api_req *r, struct err *err)
{
	struct skill_matrix m;

	if (skill_matrix(r->st, &r->actor, api_param(r, "code"), &m, err))
		return -1;
	skill_matrix_write_json(&r->jw, &m);
	skill_matrix_release(&m);
	return 0;
}

const struct api_route api_team_routes[] = {
	{ "GET", "/api/v1/users/{login}/skills", user_skills, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/projects/{code}/skills", project_skills, ROLE_VIEWER, 0 },
	{ NULL },
};
