/*
 * recruit.c - recruitment's route beyond the entity engine's generic ones:
 * POST /api/v1/candidates/{id}/stage, the stage move (core/recruit.c), with
 * {"stage", "version"} and, for a hire, the new user's "login" and optional
 * "name", "email" and "role". Candidates and interviews themselves are
 * /api/v1/candidates and /api/v1/interviews.
 */
#include <string.h>

#include "api/api.h"
#include "base/arena.h"
#include "core/recruit.h"
#include "base/banned.h"

static int move_candidate(struct api_req *r, struct err *err)
{
	struct stage_move m = { 0 };
	struct stage_result *res = arena_alloc(r->arena, sizeof(*res));
	int has_version = 0;
	const struct api_field fields[] = {
		{ "stage", API_STR, API_REQUIRED, &m.stage },
		{ "version", API_INT, 0, &m.version, &has_version },
		{ "login", API_STR, 0, &m.login },
		{ "name", API_STR, 0, &m.name },
		{ "email", API_STR, 0, &m.email },
		{ "role", API_STR, 0, &m.role },
		{ NULL },
	};

	memset(res, 0, sizeof(*res));
	res->candidate = arena_alloc(r->arena, candidate_entity.size);
	if (api_parse(r, fields, err) ||
	    api_version(r, has_version, m.version, &m.version, err) ||
	    candidate_move(r->st, &r->actor, api_param(r, "id"), &m, res, err))
		return -1;
	stage_result_write_json(&r->jw, res);
	return 0;
}

const struct api_route api_recruit_routes[] = {
	{ "POST", "/api/v1/candidates/{id}/stage", move_candidate, ROLE_MANAGER, 0 },
	{ NULL },
};
