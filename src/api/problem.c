/*
 * problem.c - the routes of problems and collections beyond the entity
 * engine's generic ones (core/problem.c, core/collection.c):
 *   POST   /api/v1/projects/{code}/problems/{id}/status   a status move
 *   GET    /api/v1/projects/{code}/problems/summary       per owner
 *   GET    /api/v1/projects/{code}/sla                    the SLA table; PUT changes it
 *   POST   /api/v1/projects/{code}/collections/{id}/receipts            a receipt
 *   DELETE /api/v1/projects/{code}/collections/{id}/receipts/{receipt}  taken back
 *   GET    /api/v1/projects/{code}/collections/summary    per customer and owner
 *   GET    /api/v1/projects/{code}/collections/deals      won deals with their plans
 */
#include <string.h>

#include "api/api.h"
#include "base/arena.h"
#include "core/collection.h"
#include "core/problem.h"
#include "base/banned.h"

static int move_problem(struct api_req *r, struct err *err)
{
	struct problem_move m = { 0 };
	void *rec = arena_alloc(r->arena, problem_entity.size);
	int has_version = 0;
	const struct api_field fields[] = {
		{ "status", API_STR, API_REQUIRED, &m.status },
		{ "version", API_INT, 0, &m.version, &has_version },
		{ "resolution", API_STR, 0, &m.resolution },
		{ "note", API_STR, 0, &m.note },
		{ NULL },
	};

	if (api_parse(r, fields, err) || api_version(r, has_version, m.version, &m.version, err) ||
	    problem_move(r->st, &r->actor, api_param(r, "code"), api_param(r, "id"), &m, rec, err))
		return -1;
	entity_write_json(&r->jw, &problem_entity, rec);
	return 0;
}

static int problems_summary(struct api_req *r, struct err *err)
{
	struct problem_summary s;

	if (problem_summary(r->st, &r->actor, api_param(r, "code"), 0, &s, err))
		return -1;
	problem_summary_write_json(&r->jw, &s);
	problem_summary_release(&s);
	return 0;
}

static int get_sla(struct api_req *r, struct err *err)
{
	struct problem_sla s;

	if (problem_sla_get(r->st, &r->actor, api_param(r, "code"), &s, err))
		return -1;
	problem_sla_write_json(&r->jw, api_param(r, "code"), &s);
	return 0;
}

static int put_sla(struct api_req *r, struct err *err)
{
	struct problem_sla s;
	int64_t hours[PROBLEM_SEVERITIES] = { 0 };
	int given[PROBLEM_SEVERITIES] = { 0 };
	const struct api_field fields[] = {
		{ "low", API_INT, 0, &hours[0], &given[0] },
		{ "medium", API_INT, 0, &hours[1], &given[1] },
		{ "high", API_INT, 0, &hours[2], &given[2] },
		{ "critical", API_INT, 0, &hours[3], &given[3] },
		{ NULL },
	};

	if (api_parse(r, fields, err) ||
	    problem_sla_set(r->st, &r->actor, api_param(r, "code"), hours, given, &s, err))
		return -1;
	problem_sla_write_json(&r->jw, api_param(r, "code"), &s);
	return 0;
}

static int add_receipt(struct api_req *r, struct err *err)
{
	struct receipt_input in = { 0 };
	void *rec = arena_alloc(r->arena, collection_entity.size);
	int has_amount = 0;
	const struct api_field fields[] = {
		{ "amount", API_INT, API_REQUIRED, &in.amount_minor, &has_amount },
		{ "received_on", API_DATE, 0, &in.received_on },
		{ "note", API_STR, 0, &in.note },
		{ NULL },
	};

	in.received_on = NO_DATE;
	if (api_parse(r, fields, err) ||
	    collection_receive(r->st, &r->actor, api_param(r, "code"), api_param(r, "id"), &in, rec,
			       err) ||
	    entity_write_json_detail(r->st, &r->jw, &collection_entity, rec, err))
		return -1;
	r->status = 201;
	return 0;
}

static int delete_receipt(struct api_req *r, struct err *err)
{
	void *rec = arena_alloc(r->arena, collection_entity.size);

	if (collection_receipt_delete(r->st, &r->actor, api_param(r, "code"), api_param(r, "id"),
				      api_param(r, "receipt"), rec, err))
		return -1;
	return entity_write_json_detail(r->st, &r->jw, &collection_entity, rec, err);
}

static int collections_summary(struct api_req *r, struct err *err)
{
	struct collection_summary s;

	if (collection_summary(r->st, &r->actor, api_param(r, "code"), NO_DATE, &s, err))
		return -1;
	collection_summary_write_json(&r->jw, &s);
	collection_summary_release(&s);
	return 0;
}

static int collections_deals(struct api_req *r, struct err *err)
{
	return collection_deals_write_json(r->st, &r->actor, api_param(r, "code"), &r->jw, err);
}

const struct api_route api_problem_routes[] = {
	{ "POST", "/api/v1/projects/{code}/problems/{id}/status", move_problem, ROLE_REP, 0 },
	{ "GET", "/api/v1/projects/{code}/problems/summary", problems_summary, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/projects/{code}/sla", get_sla, ROLE_VIEWER, 0 },
	{ "PUT", "/api/v1/projects/{code}/sla", put_sla, ROLE_REP, 0 },
	{ "POST", "/api/v1/projects/{code}/collections/{id}/receipts", add_receipt, ROLE_REP, 0 },
	{ "DELETE", "/api/v1/projects/{code}/collections/{id}/receipts/{receipt}", delete_receipt,
	  ROLE_REP, 0 },
	{ "GET", "/api/v1/projects/{code}/collections/summary", collections_summary, ROLE_VIEWER,
	  0 },
	{ "GET", "/api/v1/projects/{code}/collections/deals", collections_deals, ROLE_VIEWER, 0 },
	{ NULL },
};
