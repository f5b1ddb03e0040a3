/*
 * quota.c - a project's quotas (core/quota.h, analytics/quota.h):
 *   GET /api/v1/projects/{code}/quotas            every goal's quotas with their figures
 *       ?goal=ID                                    one goal's
 *       ?suggest=1&goal=ID                          the suggested split of a goal, with its inputs
 *   PUT /api/v1/projects/{code}/quotas            save a goal's whole split:
 *       {"goal":ID,"version":N,"quotas":[{"person":"login","target":N}]}
 * Targets are in the goal metric's unit as the goals carry them (money in minor units).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "analytics/quota.h"
#include "api/api.h"
#include "base/date.h"
#include "core/quota.h"
#include "base/banned.h"

static int goal_arg(struct api_req *r, int64_t *id, struct err *err)
{
	*id = NO_ID;
	if (api_query_int(r, "goal", id, err))
		return -1;
	if (*id != NO_ID && *id <= 0)
		return err_set(err, ERR_NOT_FOUND, "goal", "no_goal:id", "no goal %lld in this project",
			       (long long)*id);
	return 0;
}

static int get_quotas(struct api_req *r, struct err *err)
{
	const char *code = api_param(r, "code"), *suggest = api_query(r, "suggest");
	int64_t id;

	if (goal_arg(r, &id, err))
		return -1;
	if (suggest && strcmp(suggest, "0")) {
		struct quota_suggestion s;
		if (strcmp(suggest, "1"))
			return err_set(err, ERR_INVALID, "suggest", "not_bool:_", "%s must be 0 or 1",
				       "suggest");
		if (id == NO_ID)
			return err_set(err, ERR_INVALID, "goal", "required:_",
				       "%s is required with suggest=1", "goal");
		if (quota_suggest(r->st, &r->actor, code, id, &s, err))
			return -1;
		quota_suggestion_write_json(&r->jw, code, &s);
		quota_suggestion_release(&s);
		return 0;
	}
	{
		struct quota_board b;
		if (quota_board_load(r->st, &r->actor, code, id, date_today(), &b, err))
			return -1;
		quota_board_write_json(&r->jw, &b);
		quota_board_release(&b);
	}
	return 0;
}

/* The lines of the body's "quotas" array into in (n of them, strings borrowed from root). */
static int parse_lines(json_t *arr, struct quota_input *in, size_t *n, struct err *err)
{
	static const char *const line_keys[] = { "person", "target", NULL };
	char name[48];
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v) {
		json_t *person;
		int present;
		snprintf(name, sizeof(name), "quotas[%zu]", i);
		if (!json_is_object(v))
			return err_set(err, ERR_INVALID, name, "wrong_type:_,type,got",
				       "%s must be %s, not %s", name, "an object", api_json_kind(v));
		snprintf(name, sizeof(name), "quotas[%zu].", i);
		if (api_known_keys(v, line_keys, name, err))
			return -1;
		person = json_object_get(v, "person");
		snprintf(name, sizeof(name), "quotas[%zu].person", i);
		if (!person)
			return err_set(err, ERR_INVALID, name, "required:_", "%s is required", name);
		if (!json_is_string(person))
			return err_set(err, ERR_INVALID, name, "wrong_type:_,type,got",
				       "%s must be %s, not %s", name, "a string",
				       api_json_kind(person));
		in[i].login = json_string_value(person);
		snprintf(name, sizeof(name), "quotas[%zu].target", i);
		if (api_member_int(v, "target", name, 1, &in[i].target, &present, err))
			return -1;
	}
	*n = json_array_size(arr);
	return 0;
}

static int put_quotas(struct api_req *r, struct err *err)
{
	static const char *const keys[] = { "goal", "version", "quotas", NULL };
	const char *code = api_param(r, "code");
	struct quota_input *in = NULL;
	struct quota_split out;
	json_t *root = api_body_object(r, err), *arr;
	int64_t goal = 0, version = QUOTA_ANY_VERSION;
	int present, ret = -1;
	size_t n = 0;

	if (!root)
		return -1;
	if (api_known_keys(root, keys, "", err) ||
	    api_member_int(root, "goal", "goal", 1, &goal, &present, err) ||
	    api_member_int(root, "version", "version", 0, &version, &present, err))
		goto out;
	arr = json_object_get(root, "quotas");
	if (!arr) {
		err_set(err, ERR_INVALID, "quotas", "required:_", "%s is required", "quotas");
		goto out;
	}
	if (!json_is_array(arr)) {
		err_set(err, ERR_INVALID, "quotas", "wrong_type:_,type,got", "%s must be %s, not %s",
			"quotas", "an array", api_json_kind(arr));
		goto out;
	}
	if (json_array_size(arr) > QUOTA_MAX_LINES) {
		err_set(err, ERR_INVALID, "quotas", "too_many:max", "a split has at most %d lines",
			QUOTA_MAX_LINES);
		goto out;
	}
	in = arena_alloc(r->arena, sizeof(*in) * (json_array_size(arr) + 1));
	if (parse_lines(arr, in, &n, err))
		goto out;
	if (goal <= 0) {
		err_set(err, ERR_NOT_FOUND, "goal", "no_goal:id", "no goal %lld in this project",
			(long long)goal);
		goto out;
	}
	if (quota_split_save(r->st, &r->actor, code, goal, version, in, n, &out, err))
		goto out;
	quota_split_release(&out);
	{
		struct quota_board b;
		if (quota_board_load(r->st, &r->actor, code, goal, date_today(), &b, err))
			goto out;
		quota_board_write_json(&r->jw, &b);
		quota_board_release(&b);
	}
	ret = 0;
out:
	json_decref(root);
	return ret;
}

const struct api_route api_quota_routes[] = {
	{ "GET", "/api/v1/projects/{code}/quotas", get_quotas, ROLE_VIEWER, 0 },
	{ "PUT", "/api/v1/projects/{code}/quotas", put_quotas, ROLE_REP, 0 },
	{ NULL },
};
