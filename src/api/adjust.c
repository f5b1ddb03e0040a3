/*
 * adjust.c - a project's adjustments (core/adjust.h, analytics/effect.h):
 *   GET  /api/v1/projects/{code}/adjustments            the timeline, newest first
 *        ?kind=price&record=W100&from=YYYY-MM-DD&to=YYYY-MM-DD
 *   POST /api/v1/projects/{code}/adjustments            make one:
 *        {"kind","record","changes":{"field":"value as typed",...},"reason","version"}
 *   GET  /api/v1/projects/{code}/adjustments/{id}/effect  ?metric=units&window=28
 * A change's values are text as a user types it ("1300000.00", "12.5" for a
 * percent, "2027-03-31", "yes"), true / false for yes / no, null for none.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/effect.h"
#include "api/api.h"
#include "base/date.h"
#include "core/adjust.h"
#include "base/banned.h"

static int query_date(struct api_req *r, const char *name, int32_t *out, struct err *err)
{
	const char *v = api_query(r, name);

	*out = NO_DATE;
	return v ? date_parse(v, strlen(v), out, name, err) : 0;
}

static int list(struct api_req *r, struct err *err)
{
	struct adjust_query q = { 0 };
	struct adjustment_list l = { 0 };
	const char *kind = api_query(r, "kind");

	if (kind) {
		if (adjust_kind_parse(kind, &q.kind, err))
			return -1;
		q.has_kind = 1;
	}
	q.record = api_query(r, "record");
	if (query_date(r, "from", &q.from_on, err) || query_date(r, "to", &q.to_on, err) ||
	    adjust_list(r->st, &r->actor, api_param(r, "code"), &q, &l, err))
		return -1;
	jw_obj(&r->jw);
	jw_key(&r->jw, "adjustments");
	jw_arr(&r->jw);
	for (size_t i = 0; i < l.n; i++)
		adjustment_write_json(&r->jw, &l.items[i]);
	jw_arr_end(&r->jw);
	jw_obj_end(&r->jw);
	adjustment_list_release(&l);
	return 0;
}

/* A JSON value as text (a string, or a number's text for a goal id); NULL when neither. */
static const char *as_text(struct api_req *r, json_t *v)
{
	char num[32];

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		return arena_strdup(r->arena, num);
	}
	return NULL;
}

/* The body's "changes" object into in->changes (strings borrowed from the body). */
static int parse_changes(json_t *obj, struct adjust_input *in,
			 struct err *err)
{
	const char *key;
	json_t *v;

	if (!obj)
		return err_set(err, ERR_INVALID, "changes", "required", "%s is required", "changes");
	if (!json_is_object(obj))
		return err_set(err, ERR_INVALID, "changes", "wrong_type:_,type,got",
			       "%s must be %s, not %s", "changes", "an object", api_json_kind(obj));
	if (json_object_size(obj) > ADJUST_MAX_CHANGES)
		return err_set(err, ERR_INVALID, "changes", "too_many:max",
			       "an adjustment changes at most %d fields", ADJUST_MAX_CHANGES);
	json_object_foreach(obj, key, v) {
		struct adjust_change *c = &in->changes[in->nchanges++];
		c->field = key;
		if (json_is_null(v))
			c->value = NULL;
		else if (json_is_boolean(v))
			c->value = json_is_true(v) ? "yes" : "no";
		else if (json_is_string(v))
			c->value = json_string_value(v);
		else
			return err_set(err, ERR_INVALID, key, "wrong_type:_,type,got",
				       "%s must be %s, not %s", key, "a string as typed",
				       api_json_kind(v));
	}
	return 0;
}

static int create(struct api_req *r, struct err *err)
{
	static const char *const keys[] = { "kind", "record", "changes", "reason", "version", NULL };
	struct adjust_input in = { 0 };
	struct adjustment out = { 0 };
	json_t *root = api_body_object(r, err), *v;
	int present, ret = -1;

	if (!root)
		return -1;
	if (api_known_keys(root, keys, "", err))
		goto out;
	in.reason = json_string_value(json_object_get(root, "reason"));
	v = json_object_get(root, "kind");
	if (!v || !json_is_string(v)) {
		err_set(err, ERR_INVALID, "kind", "required", "%s is required", "kind");
		goto out;
	}
	if (adjust_kind_parse(json_string_value(v), &in.kind, err))
		goto out;
	v = json_object_get(root, "record");
	in.record = v ? as_text(r, v) : NULL;
	if (!in.record) {
		err_set(err, ERR_INVALID, "record", "required", "%s is required", "record");
		goto out;
	}
	if (parse_changes(json_object_get(root, "changes"), &in, err) ||
	    api_member_int(root, "version", "version", 1, &in.version, &present, err) ||
	    adjust_apply(r->st, &r->actor, api_param(r, "code"), &in, &out, err))
		goto out;
	r->status = 201;
	adjustment_write_json(&r->jw, &out);
	adjustment_release(&out);
	ret = 0;
out:
	json_decref(root);
	return ret;
}

static int effect(struct api_req *r, struct err *err)
{
	const char *metric = api_query(r, "metric");
	enum adjust_metric m = ADJ_REVENUE;
	int64_t id, window = EFFECT_WINDOW_DEFAULT;
	struct effect e;
	const char *ids = api_param(r, "id");
	char *end = NULL;

	if (api_query_int(r, "window", &window, err) ||
	    (metric && adjust_metric_parse(metric, &m, err)))
		return -1;
	id = strtoll(ids, &end, 10);
	if (!ids[0] || *end || id <= 0)
		return err_set(err, ERR_NOT_FOUND, "adjustment", "no_record:_,key", "no %s \"%s\"",
			       "adjustment", api_param(r, "id"));
	if (window < 1 || window > EFFECT_WINDOW_MAX)
		return err_set(err, ERR_INVALID, "window", "out_of_range:_,min,max",
			       "%s must be from %d to %d days", "window", 1, EFFECT_WINDOW_MAX);
	if (effect_of(r->st, &r->actor, api_param(r, "code"), id, metric != NULL, m, (int)window,
		      &e, err))
		return -1;
	effect_write_json(&r->jw, &e);
	effect_release(&e);
	return 0;
}

const struct api_route api_adjust_routes[] = {
	{ "GET", "/api/v1/projects/{code}/adjustments", list, ROLE_VIEWER, 0 },
	{ "POST", "/api/v1/projects/{code}/adjustments", create, ROLE_REP, 0 },
	{ "GET", "/api/v1/projects/{code}/adjustments/{id}/effect", effect, ROLE_VIEWER, 0 },
	{ NULL },
};
