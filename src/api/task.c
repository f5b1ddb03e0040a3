/*
 * task.c - the routes of a project's plan beyond the entity engine's generic
 * ones (core/task.c):
 *   POST   /api/v1/projects/{code}/tasks/{id}/status     a status move
 *   POST   /api/v1/projects/{code}/tasks/{id}/deps       a dependency added ({"on": id})
 *   DELETE /api/v1/projects/{code}/tasks/{id}/deps/{on}  a dependency taken away
 *   GET    /api/v1/projects/{code}/tasks/gantt           tasks, deps and the critical path
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "base/arena.h"
#include "core/task.h"
#include "base/banned.h"

static int move_task(struct api_req *r, struct err *err)
{
	const char *status = NULL;
	int64_t version = 0;
	void *rec = arena_alloc(r->arena, task_entity.size);
	int has_version = 0;
	const struct api_field fields[] = {
		{ "status", API_STR, API_REQUIRED, &status },
		{ "version", API_INT, 0, &version, &has_version },
		{ NULL },
	};

	if (api_parse(r, fields, err) || api_version(r, has_version, version, &version, err) ||
	    task_move(r->st, &r->actor, api_param(r, "code"), api_param(r, "id"), status, version,
		      rec, err))
		return -1;
	entity_write_json(&r->jw, &task_entity, rec);
	return 0;
}

static int add_dep(struct api_req *r, struct err *err)
{
	int64_t on = 0;
	int has_on = 0;
	char text[24];
	void *rec = arena_alloc(r->arena, task_entity.size);
	const struct api_field fields[] = {
		{ "depends_on", API_INT, API_REQUIRED, &on, &has_on },
		{ NULL },
	};

	if (api_parse(r, fields, err))
		return -1;
	snprintf(text, sizeof(text), "%lld", (long long)on);
	if (task_dep_set(r->st, &r->actor, api_param(r, "code"), api_param(r, "id"), text, 0, rec,
			 err))
		return -1;
	entity_write_json(&r->jw, &task_entity, rec);
	r->status = 201;
	return 0;
}

static int delete_dep(struct api_req *r, struct err *err)
{
	void *rec = arena_alloc(r->arena, task_entity.size);

	if (task_dep_set(r->st, &r->actor, api_param(r, "code"), api_param(r, "id"),
			 api_param(r, "on"), 1, rec, err))
		return -1;
	entity_write_json(&r->jw, &task_entity, rec);
	return 0;
}

static int gantt(struct api_req *r, struct err *err)
{
	return task_gantt_write_json(r->st, &r->actor, api_param(r, "code"), &r->jw, err);
}

const struct api_route api_task_routes[] = {
	{ "POST", "/api/v1/projects/{code}/tasks/{id}/status", move_task, ROLE_REP, 0 },
	{ "POST", "/api/v1/projects/{code}/tasks/{id}/deps", add_dep, ROLE_REP, 0 },
	{ "DELETE", "/api/v1/projects/{code}/tasks/{id}/deps/{on}", delete_dep, ROLE_REP, 0 },
	{ "GET", "/api/v1/projects/{code}/tasks/gantt", gantt, ROLE_VIEWER, 0 },
	{ NULL },
};
