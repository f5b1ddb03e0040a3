/*
 * project.c - /api/v1/projects, and the removal of a member (the other member
 * routes are the entity engine's). A project the caller may not see answers
 * 404 (core's rule), so its existence is not revealed.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/entity.h"
#include "core/project.h"
#include "base/banned.h"

/* The editable fields of a project, as the JSON body names them. */
struct project_body {
	const char *code, *name, *description, *objective, *status;
	int32_t start_on, end_on;
	int64_t budget, owner_id, version;
	int has_owner, has_version;
};

#define PROJECT_FIELDS(b, code_flags)                                                            \
	{ "code", API_STR, code_flags, &(b).code },                                             \
	{ "name", API_STR, 0, &(b).name },                                                      \
	{ "description", API_STR, 0, &(b).description },                                        \
	{ "objective", API_STR, 0, &(b).objective },                                            \
	{ "start", API_DATE, 0, &(b).start_on },                                                \
	{ "end", API_DATE, 0, &(b).end_on },                                                    \
	{ "status", API_STR, 0, &(b).status },                                                  \
	{ "budget", API_INT, 0, &(b).budget },                                                  \
	{ "owner_id", API_INT, API_NULLABLE, &(b).owner_id, &(b).has_owner }

/* Copy what the body gave onto p; text too long for p is refused, not cut. */
static int apply(const struct project_body *b, struct project *p, struct err *err)
{
	if (api_copy(p->code, sizeof(p->code), b->code, "code", err) ||
	    api_copy(p->name, sizeof(p->name), b->name, "name", err) ||
	    api_copy(p->description, sizeof(p->description), b->description, "description",
		     err) ||
	    api_copy(p->objective, sizeof(p->objective), b->objective, "objective", err) ||
	    api_copy(p->status, sizeof(p->status), b->status, "status", err))
		return -1;
	if (b->start_on != NO_DATE)
		p->start_on = b->start_on;
	if (b->end_on != NO_DATE)
		p->end_on = b->end_on;
	if (b->budget != NO_ID)
		p->budget_minor = b->budget;
	if (b->has_owner)
		p->owner_id = b->owner_id;
	return 0;
}

static void body_init(struct project_body *b)
{
	memset(b, 0, sizeof(*b));
	b->start_on = b->end_on = NO_DATE;
	b->budget = b->owner_id = NO_ID;
}

static int list_projects(struct api_req *r, struct err *err)
{
	struct project_list l = { 0 };

	if (project_list(r->st, &r->actor, &l, err))
		return -1;
	jw_obj(&r->jw);
	jw_key(&r->jw, "projects");
	jw_arr(&r->jw);
	for (size_t i = 0; i < l.n; i++)
		project_write_json(&r->jw, &l.items[i]);
	jw_arr_end(&r->jw);
	jw_obj_end(&r->jw);
	project_list_release(&l);
	return 0;
}

static int create_project(struct api_req *r, struct err *err)
{
	struct project_body b;
	struct project in, out;

	body_init(&b);
	{
		const struct api_field fields[] = { PROJECT_FIELDS(b, API_REQUIRED), { NULL } };
		if (api_parse(r, fields, err))
			return -1;
	}
	memset(&in, 0, sizeof(in));
	in.start_on = in.end_on = NO_DATE;
	in.owner_id = NO_ID;
	if (apply(&b, &in, err) || project_create(r->st, &r->actor, &in, &out, err))
		return -1;
	r->status = 201;
	project_write_json(&r->jw, &out);
	return 0;
}

static int get_project(struct api_req *r, struct err *err)
{
	struct project p;

	if (project_get(r->st, &r->actor, api_param(r, "code"), &p, err))
		return -1;
	project_write_json(&r->jw, &p);
	return 0;
}

static int update_project(struct api_req *r, struct err *err)
{
	struct project_body b;
	struct project cur, out;

	body_init(&b);
	{
		const struct api_field fields[] = {
			PROJECT_FIELDS(b, 0),
			{ "version", API_INT, API_REQUIRED, &b.version, &b.has_version },
			{ NULL },
		};
		if (api_parse(r, fields, err))
			return -1;
	}
	if (project_get(r->st, &r->actor, api_param(r, "code"), &cur, err))
		return -1;
	if (b.code && strcmp(b.code, cur.code))
		return err_set(err, ERR_INVALID, "code", "key_immutable", "a project's code cannot change");
	if (apply(&b, &cur, err))
		return -1;
	cur.version = b.version;
	if (project_update(r->st, &r->actor, &cur, &out, err))
		return -1;
	project_write_json(&r->jw, &out);
	return 0;
}

static int delete_project(struct api_req *r, struct err *err)
{
	int64_t body_version = 0, version;
	int has_version = 0;
	const struct api_field fields[] = {
		{ "version", API_INT, 0, &body_version, &has_version },
		{ NULL },
	};
	const char *code = api_param(r, "code");
	struct project p;

	if (api_parse_optional(r, fields, err) ||
	    project_get(r->st, &r->actor, code, &p, err) ||
	    api_version(r, has_version, body_version, &version, err) ||
	    project_delete(r->st, &r->actor, code, version, err))
		return -1;
	jw_obj(&r->jw);
	jw_kstr(&r->jw, "code", code);
	jw_kbool(&r->jw, "deleted", 1);
	jw_obj_end(&r->jw);
	return 0;
}

/* POST .../close {"version", "note"}: the project closed (its figures frozen). */
static int close_project(struct api_req *r, struct err *err)
{
	int64_t version = 0;
	int has_version = 0, has_note = 0;
	const char *note = NULL;
	const struct api_field fields[] = {
		{ "version", API_INT, API_REQUIRED, &version, &has_version },
		{ "note", API_STR, API_NULLABLE, &note, &has_note },
		{ NULL },
	};
	struct project out;

	if (api_parse(r, fields, err) ||
	    project_close(r->st, &r->actor, api_param(r, "code"), version, note, &out, err))
		return -1;
	project_write_json(&r->jw, &out);
	return 0;
}

/* POST .../reopen {"version", "reason"}: open again, kept as an adjustment with its reason. */
static int reopen_project(struct api_req *r, struct err *err)
{
	int64_t version = 0;
	int has_version = 0, has_reason = 0;
	const char *reason = NULL;
	const struct api_field fields[] = {
		{ "version", API_INT, API_REQUIRED, &version, &has_version },
		{ "reason", API_STR, API_NULLABLE, &reason, &has_reason },
		{ NULL },
	};
	struct project out;

	if (api_parse(r, fields, err) ||
	    project_reopen(r->st, &r->actor, api_param(r, "code"), version, reason, &out, err))
		return -1;
	project_write_json(&r->jw, &out);
	return 0;
}

/*
 * DELETE .../members/{login}[?version=N]: the engine's delete, answered as
 * it always was ({"login","removed"}); without a version, as the member is now.
 */
static int remove_member(struct api_req *r, struct err *err)
{
	const char *code = api_param(r, "code"), *login = api_param(r, "login");
	struct project pr;
	struct ent_project p;
	int64_t version = ENT_ANY_VERSION;

	if (api_query_int(r, "version", &version, err) ||
	    project_get(r->st, &r->actor, code, &pr, err))
		return -1;
	p.id = pr.id;
	p.code = code;
	if (entity_delete(r->st, &r->actor, &member_entity, &p, login, version, err))
		return -1;
	jw_obj(&r->jw);
	jw_kstr(&r->jw, "login", login);
	jw_kbool(&r->jw, "removed", 1);
	jw_obj_end(&r->jw);
	return 0;
}

const struct api_route api_project_routes[] = {
	{ "GET", "/api/v1/projects", list_projects, ROLE_VIEWER, 0 },
	{ "POST", "/api/v1/projects", create_project, ROLE_MANAGER, 0 },
	{ "GET", "/api/v1/projects/{code}", get_project, ROLE_VIEWER, 0 },
	{ "PATCH", "/api/v1/projects/{code}", update_project, ROLE_REP, 0 },
	{ "DELETE", "/api/v1/projects/{code}", delete_project, ROLE_REP, 0 },
	{ "DELETE", "/api/v1/projects/{code}/members/{login}", remove_member, ROLE_REP, 0 },
	{ "POST", "/api/v1/projects/{code}/close", close_project, ROLE_REP, 0 },
	{ "POST", "/api/v1/projects/{code}/reopen", reopen_project, ROLE_REP, 0 },
	{ NULL },
};
