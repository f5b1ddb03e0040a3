/*
 * deal.c - the pipeline's routes beyond the entity engine's generic ones
 * (/api/v1/projects/{code}/deals, core/deal.h):
 *   GET  /api/v1/projects/{code}/stages               the stages and the stale threshold
 *   PUT  /api/v1/projects/{code}/stages               replace them (managers and owners):
 *        {"stages":[{"code","name","probability","kind"}],"stale_days":N,"version":N}
 *   POST /api/v1/projects/{code}/deals/{id}/stage     the move: {"stage","version",
 *        "lost_reason","won_on"}
 *   PUT  /api/v1/projects/{code}/deals/{id}/lines     replace the lines: {"version",
 *        "lines":[{"product","quantity","unit_price","discount"}]} (money in minor units)
 *   GET  /api/v1/projects/{code}/deals/{id}/history   every stage change
 *   GET|POST /api/v1/projects/{code}/deal-views, DELETE .../deal-views/{id}: the caller's
 *        saved board views {"name","filters":{...}}
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "base/arena.h"
#include "core/deal.h"
#include "base/banned.h"

static int get_stages(struct api_req *r, struct err *err)
{
	struct deal_pipeline p;

	if (deal_pipeline_get(r->st, &r->actor, api_param(r, "code"), &p, err))
		return -1;
	deal_pipeline_write_json(&r->jw, &p);
	return 0;
}

static int wrong(const char *name, const char *want, json_t *v, struct err *err)
{
	return err_set(err, ERR_INVALID, name, "wrong_type:_,type,got", "%s must be %s, not %s", name,
		       want, api_json_kind(v));
}

/* A member that must be a string (NULL when absent, or null with nullable). */
static int str_member(json_t *obj, const char *key, const char *name, int required,
		      const char **out, struct err *err)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return err_set(err, ERR_INVALID, name, "required:_", "%s is required", name);
		return 0;
	}
	if (!json_is_string(v))
		return wrong(name, "a string", v, err);
	*out = json_string_value(v);
	return 0;
}

/* The body's "stages" array into p. */
static int parse_stages(json_t *arr, struct deal_pipeline *p, struct err *err)
{
	static const char *const keys[] = { "code", "name", "probability", "kind", NULL };
	char name[48];
	size_t i;
	json_t *v;

	if (json_array_size(arr) > DEAL_MAX_STAGES || json_array_size(arr) < 3)
		return err_set(err, ERR_INVALID, "stages", "stage_count:min,max",
			       "a pipeline has %d to %d stages", 3, DEAL_MAX_STAGES);
	json_array_foreach(arr, i, v) {
		struct deal_stage *g = &p->stages[i];
		const char *code, *label, *kind;
		json_t *prob;
		snprintf(name, sizeof(name), "stages[%zu]", i);
		if (!json_is_object(v))
			return wrong(name, "an object", v, err);
		snprintf(name, sizeof(name), "stages[%zu].", i);
		if (api_known_keys(v, keys, name, err))
			return -1;
		if (str_member(v, "code", "stages", 1, &code, err) ||
		    str_member(v, "name", "stages", 0, &label, err) ||
		    str_member(v, "kind", "stages", 0, &kind, err))
			return -1;
		if (api_copy(g->code, sizeof(g->code), code, "stages", err) ||
		    api_copy(g->name, sizeof(g->name), label ? label : "", "stages", err) ||
		    api_copy(g->kind, sizeof(g->kind), kind ? kind : "open", "stages", err))
			return -1;
		prob = json_object_get(v, "probability");
		if (!prob)
			return err_set(err, ERR_INVALID, "stages", "required:_", "%s is required",
				       "probability");
		if (!json_is_number(prob))
			return wrong("stages", "a number", prob, err);
		if (api_rate_bp(json_number_value(prob), "stages", &g->probability_bp, err))
			return -1;
	}
	p->n = (int)json_array_size(arr);
	return 0;
}

static int put_stages(struct api_req *r, struct err *err)
{
	static const char *const keys[] = { "stages", "stale_days", "version", NULL };
	json_t *root = api_body_object(r, err), *arr;
	struct deal_pipeline in, out;
	int64_t version = DEAL_ANY_VERSION, stale = 30;
	int present, ret = -1;

	memset(&in, 0, sizeof(in));
	if (!root)
		return -1;
	if (api_known_keys(root, keys, "", err) ||
	    api_member_int(root, "version", "version", 0, &version, &present, err) ||
	    api_member_int(root, "stale_days", "stale_days", 0, &stale, &present, err))
		goto out;
	if (!present) {
		struct deal_pipeline cur;
		if (deal_pipeline_get(r->st, &r->actor, api_param(r, "code"), &cur, err))
			goto out;
		stale = cur.stale_days;
	}
	in.stale_days = stale;
	arr = json_object_get(root, "stages");
	if (!arr) {
		err_set(err, ERR_INVALID, "stages", "required:_", "%s is required", "stages");
		goto out;
	}
	if (!json_is_array(arr)) {
		wrong("stages", "an array", arr, err);
		goto out;
	}
	if (parse_stages(arr, &in, err) ||
	    deal_pipeline_put(r->st, &r->actor, api_param(r, "code"), &in, version, &out, err))
		goto out;
	deal_pipeline_write_json(&r->jw, &out);
	ret = 0;
out:
	json_decref(root);
	return ret;
}

static void *deal_buf(struct api_req *r)
{
	void *d = arena_alloc(r->arena, deal_entity.size);
	memset(d, 0, deal_entity.size);
	return d;
}

static int move_deal(struct api_req *r, struct err *err)
{
	struct deal_move m = { 0 };
	void *out = deal_buf(r);
	int has_version = 0, has_won = 0;
	const struct api_field fields[] = {
		{ "stage", API_STR, API_REQUIRED, &m.stage },
		{ "version", API_INT, 0, &m.version, &has_version },
		{ "lost_reason", API_STR, API_NULLABLE, &m.lost_reason },
		{ "won_on", API_DATE, API_NULLABLE, &m.won_on, &has_won },
		{ NULL },
	};

	m.won_on = NO_DATE;
	if (api_parse(r, fields, err) || api_version(r, has_version, m.version, &m.version, err) ||
	    deal_move_stage(r->st, &r->actor, api_param(r, "code"), api_param(r, "id"), &m, out,
			    err))
		return -1;
	return entity_write_json_detail(r->st, &r->jw, &deal_entity, out, err);
}

/* The body's "lines" array into in. */
static int parse_lines(json_t *arr, struct deal_line_input *in, struct err *err)
{
	static const char *const keys[] = { "product", "quantity", "unit_price", "discount", NULL };
	char name[48];
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v) {
		int present;
		snprintf(name, sizeof(name), "lines[%zu]", i);
		if (!json_is_object(v))
			return wrong(name, "an object", v, err);
		snprintf(name, sizeof(name), "lines[%zu].", i);
		if (api_known_keys(v, keys, name, err))
			return -1;
		snprintf(name, sizeof(name), "lines[%zu].product", i);
		if (str_member(v, "product", name, 1, &in[i].product, err))
			return -1;
		snprintf(name, sizeof(name), "lines[%zu].quantity", i);
		if (api_member_int(v, "quantity", name, 1, &in[i].quantity, &present, err))
			return -1;
		in[i].unit_price_minor = DEAL_PRICE_IN_FORCE;
		snprintf(name, sizeof(name), "lines[%zu].unit_price", i);
		if (json_is_null(json_object_get(v, "unit_price")))
			json_object_del(v, "unit_price");
		if (api_member_int(v, "unit_price", name, 0, &in[i].unit_price_minor, &present, err))
			return -1;
		snprintf(name, sizeof(name), "lines[%zu].discount", i);
		if (api_member_int(v, "discount", name, 0, &in[i].discount_minor, &present, err))
			return -1;
	}
	return 0;
}

static int put_lines(struct api_req *r, struct err *err)
{
	static const char *const keys[] = { "version", "lines", NULL };
	json_t *root = api_body_object(r, err), *arr;
	struct deal_line_input *in;
	void *out = deal_buf(r);
	int64_t version = 0;
	int present, ret = -1;

	if (!root)
		return -1;
	if (api_known_keys(root, keys, "", err) ||
	    api_member_int(root, "version", "version", 0, &version, &present, err) ||
	    api_version(r, present, version, &version, err))
		goto out;
	arr = json_object_get(root, "lines");
	if (!arr) {
		err_set(err, ERR_INVALID, "lines", "required:_", "%s is required", "lines");
		goto out;
	}
	if (!json_is_array(arr)) {
		wrong("lines", "an array", arr, err);
		goto out;
	}
	if (json_array_size(arr) > DEAL_MAX_LINES) {
		err_set(err, ERR_INVALID, "lines", "too_many:max", "a deal has at most %d lines",
			DEAL_MAX_LINES);
		goto out;
	}
	in = arena_alloc(r->arena, sizeof(*in) * (json_array_size(arr) + 1));
	memset(in, 0, sizeof(*in) * (json_array_size(arr) + 1));
	if (parse_lines(arr, in, err) ||
	    deal_lines_set(r->st, &r->actor, api_param(r, "code"), api_param(r, "id"), version, in,
			   json_array_size(arr), out, err) ||
	    entity_write_json_detail(r->st, &r->jw, &deal_entity, out, err))
		goto out;
	ret = 0;
out:
	json_decref(root);
	return ret;
}

static int get_history(struct api_req *r, struct err *err)
{
	struct deal_history h;

	if (deal_history_get(r->st, &r->actor, api_param(r, "code"), api_param(r, "id"), &h, err))
		return -1;
	deal_history_write_json(&r->jw, api_param(r, "id"), &h);
	deal_history_release(&h);
	return 0;
}

static int get_views(struct api_req *r, struct err *err)
{
	struct deal_views v;

	if (deal_views_list(r->st, &r->actor, api_param(r, "code"), &v, err))
		return -1;
	jw_obj(&r->jw);
	jw_key(&r->jw, "views");
	jw_arr(&r->jw);
	for (size_t i = 0; i < v.n; i++)
		deal_view_write_json(&r->jw, &v.items[i]);
	jw_arr_end(&r->jw);
	jw_obj_end(&r->jw);
	deal_views_release(&v);
	return 0;
}

static int post_view(struct api_req *r, struct err *err)
{
	static const char *const keys[] = { "name", "filters", NULL };
	json_t *root = api_body_object(r, err), *filters;
	struct deal_view out;
	const char *name;
	char *text = NULL;
	int ret = -1;

	if (!root)
		return -1;
	if (api_known_keys(root, keys, "", err) || str_member(root, "name", "name", 1, &name, err))
		goto out;
	filters = json_object_get(root, "filters");
	if (filters && !json_is_object(filters)) {
		wrong("filters", "an object", filters, err);
		goto out;
	}
	text = filters ? json_dumps(filters, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (deal_view_save(r->st, &r->actor, api_param(r, "code"), name, text ? text : "{}", &out,
			   err))
		goto out;
	deal_view_write_json(&r->jw, &out);
	r->status = 201;
	ret = 0;
out:
	free(text);
	json_decref(root);
	return ret;
}

static int delete_view(struct api_req *r, struct err *err)
{
	int64_t id = 0;
	const char *p = api_param(r, "id");
	char *end = NULL;
	long long v = strtoll(p, &end, 10);

	if (!*p || *end || v < 1)
		return err_set(err, ERR_NOT_FOUND, "view", "no_record:key", "no saved view \"%.20s\"",
			       p);
	id = v;
	if (deal_view_delete(r->st, &r->actor, api_param(r, "code"), id, err))
		return -1;
	jw_obj(&r->jw);
	jw_kint(&r->jw, "deleted", id);
	jw_obj_end(&r->jw);
	return 0;
}

const struct api_route api_deal_routes[] = {
	{ "GET", "/api/v1/projects/{code}/stages", get_stages, ROLE_VIEWER, 0 },
	{ "PUT", "/api/v1/projects/{code}/stages", put_stages, ROLE_VIEWER, 0 },
	{ "POST", "/api/v1/projects/{code}/deals/{id}/stage", move_deal, ROLE_VIEWER, 0 },
	{ "PUT", "/api/v1/projects/{code}/deals/{id}/lines", put_lines, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/projects/{code}/deals/{id}/history", get_history, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/projects/{code}/deal-views", get_views, ROLE_VIEWER, 0 },
	{ "POST", "/api/v1/projects/{code}/deal-views", post_view, ROLE_VIEWER, 0 },
	{ "DELETE", "/api/v1/projects/{code}/deal-views/{id}", delete_view, ROLE_VIEWER, 0 },
	{ NULL },
};
