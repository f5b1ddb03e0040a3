/*
 * webhook.c - /api/v1/webhooks (core/webhook.c judges: admins, and a
 * project's managers for its group robots): the webhooks,
 * their secret (in the answers to create and rotate, nowhere else), a test
 * ping, the deliveries log with each delivery's attempts, a redelivery, the
 * catalogue of events and the allowed hosts of the address guard.
 */
#include <jansson.h>
#include <sodium.h>
#include <string.h>

#include "api/api.h"
#include "base/money.h"
#include "core/webhook.h"
#include "base/banned.h"

static int wrong(const char *name, const char *want, json_t *v, struct err *err)
{
	return err_set(err, ERR_INVALID, name, "wrong_type:_,type,got", "%s must be %s, not %s", name,
		       want, api_json_kind(v));
}

/* A path parameter that is an id; anything else is not found. */
static int path_id(struct api_req *r, const char *name, int64_t *id, struct err *err)
{
	const char *t = api_param(r, name);

	if (int_parse(t, strlen(t), id, name, err)) {
		err->code = ERR_NOT_FOUND;
		return -1;
	}
	return 0;
}

/* A member that is an array of strings, into an arena array. */
static int str_array(struct api_req *r, json_t *obj, const char *key, const char ***out,
		     size_t *n, size_t max, struct err *err)
{
	json_t *arr = json_object_get(obj, key), *v;
	size_t i;

	*out = NULL;
	*n = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return wrong(key, "an array of strings", arr, err);
	if (json_array_size(arr) > max)
		return err_set(err, ERR_INVALID, key, "too_many:_,max", "%s names too many (at most %zu)",
			       key, max);
	*out = arena_alloc(r->arena, sizeof(char *) * (json_array_size(arr) + 1));
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v))
			return wrong(key, "an array of strings", v, err);
		(*out)[(*n)++] = arena_strdup(r->arena, json_string_value(v));
	}
	return 0;
}

static int str_member(struct api_req *r, json_t *obj, const char *key, const char **out,
		      struct err *err)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return 0;
	if (!json_is_string(v))
		return wrong(key, "a string", v, err);
	*out = arena_strdup(r->arena, json_string_value(v));
	return 0;
}

/* The body of a create or update into in. */
static int parse_input(struct api_req *r, json_t *root, struct webhook_input *in, int update,
		       struct err *err)
{
	static const char *const keys[] = { "url",     "description", "events", "active", "version",
					    "format",  "project",     "lang",   "secret", NULL };
	const char **events;
	json_t *v;
	int present;

	memset(in, 0, sizeof(*in));
	in->active = -1;
	in->version = NO_ID;
	if (api_known_keys(root, keys, "", err) || str_member(r, root, "url", &in->url, err) ||
	    str_member(r, root, "description", &in->description, err) ||
	    str_array(r, root, "events", &events, &in->n_events, WEBHOOK_EVENTS_MAX, err) ||
	    str_member(r, root, "format", &in->format, err) ||
	    str_member(r, root, "lang", &in->lang, err) ||
	    str_member(r, root, "secret", &in->secret, err) ||
	    api_member_int(root, "version", "version", update, &in->version, &present, err))
		return -1;
	in->events = events;
	/* project: a code, or null (or "") for every project's events */
	if ((v = json_object_get(root, "project"))) {
		if (json_is_null(v))
			in->project = "";
		else if (str_member(r, root, "project", &in->project, err))
			return -1;
	}
	in->has_events = json_object_get(root, "events") != NULL;
	if ((v = json_object_get(root, "active"))) {
		if (!json_is_boolean(v))
			return wrong("active", "true or false", v, err);
		in->active = json_is_true(v);
	}
	if (!update && !in->has_events) {
		static const char *const all[] = { "*" };
		in->events = all;
		in->n_events = 1;
		in->has_events = 1;
	}
	return 0;
}

static void write_secret_answer(struct api_req *r, const struct webhook *h, char *secret)
{
	webhook_secret_write_json(&r->jw, h, secret);
	sodium_memzero(secret, WEBHOOK_SECRET_MAX);
}

static int list(struct api_req *r, struct err *err)
{
	struct webhook_list l;

	if (webhook_list(r->st, &r->actor, &l, err))
		return -1;
	jw_obj(&r->jw);
	jw_key(&r->jw, "webhooks");
	jw_arr(&r->jw);
	for (size_t i = 0; i < l.n; i++)
		webhook_write_json(&r->jw, &l.items[i]);
	jw_arr_end(&r->jw);
	jw_obj_end(&r->jw);
	webhook_list_release(&l);
	return 0;
}

static int create(struct api_req *r, struct err *err)
{
	json_t *root = api_body_object(r, err);
	struct webhook_input in;
	struct webhook h;
	char secret[WEBHOOK_SECRET_MAX];
	int ret = -1;

	if (!root)
		return -1;
	if (parse_input(r, root, &in, 0, err) ||
	    webhook_create(r->st, &r->actor, &in, &h, secret, err))
		goto out;
	r->status = 201;
	write_secret_answer(r, &h, secret);
	ret = 0;
out:
	json_decref(root);
	return ret;
}

static int get(struct api_req *r, struct err *err)
{
	struct webhook h;
	int64_t id;

	if (path_id(r, "id", &id, err) || webhook_get(r->st, &r->actor, id, &h, err))
		return -1;
	webhook_write_json(&r->jw, &h);
	return 0;
}

static int update(struct api_req *r, struct err *err)
{
	json_t *root;
	struct webhook_input in;
	struct webhook h;
	int64_t id;
	int ret = -1;

	if (path_id(r, "id", &id, err) || !(root = api_body_object(r, err)))
		return -1;
	if (parse_input(r, root, &in, 1, err) ||
	    webhook_update(r->st, &r->actor, id, &in, &h, err))
		goto out;
	webhook_write_json(&r->jw, &h);
	ret = 0;
out:
	json_decref(root);
	return ret;
}

/* The version a delete or rotate names: the body's "version" or ?version=. */
static int body_version(struct api_req *r, int64_t *version, struct err *err)
{
	int64_t v = NO_ID;
	int present = 0;
	const struct api_field fields[] = {
		{ "version", API_INT, 0, &v, &present },
		{ NULL },
	};

	return api_parse_optional(r, fields, err) || api_version(r, present, v, version, err) ? -1 : 0;
}

static int delete(struct api_req *r, struct err *err)
{
	int64_t id, version;

	if (path_id(r, "id", &id, err) || body_version(r, &version, err) ||
	    webhook_delete(r->st, &r->actor, id, version, err))
		return -1;
	api_answer_deleted(r, id);
	return 0;
}

static int rotate(struct api_req *r, struct err *err)
{
	struct webhook h;
	char secret[WEBHOOK_SECRET_MAX];
	int64_t id, version;

	if (path_id(r, "id", &id, err) || body_version(r, &version, err) ||
	    webhook_rotate(r->st, &r->actor, id, version, &h, secret, err))
		return -1;
	write_secret_answer(r, &h, secret);
	return 0;
}

static int ping(struct api_req *r, struct err *err)
{
	int64_t id, delivery;

	if (path_id(r, "id", &id, err) || api_parse_optional(r, (const struct api_field[]){ { NULL } }, err) ||
	    webhook_ping(r->st, &r->actor, id, &delivery, err))
		return -1;
	r->status = 202;
	jw_obj(&r->jw);
	jw_kint(&r->jw, "delivery_id", delivery);
	jw_kstr(&r->jw, "event", "ping");
	jw_obj_end(&r->jw);
	return 0;
}

static int deliveries(struct api_req *r, struct err *err)
{
	struct webhook_delivery_list l;
	int64_t id, limit = 50;

	if (path_id(r, "id", &id, err) || api_query_int(r, "limit", &limit, err) ||
	    webhook_deliveries(r->st, &r->actor, id, limit, &l, err))
		return -1;
	jw_obj(&r->jw);
	jw_key(&r->jw, "deliveries");
	jw_arr(&r->jw);
	for (size_t i = 0; i < l.n; i++)
		webhook_delivery_write_json(&r->jw, &l.items[i]);
	jw_arr_end(&r->jw);
	jw_obj_end(&r->jw);
	webhook_delivery_list_release(&l);
	return 0;
}

static int delivery(struct api_req *r, struct err *err)
{
	struct webhook_delivery_list l = { 0 };
	int64_t id, did;

	if (path_id(r, "id", &id, err) || path_id(r, "delivery", &did, err) ||
	    webhook_delivery_get(r->st, &r->actor, id, did, &l, err)) {
		webhook_delivery_list_release(&l);
		return -1;
	}
	jw_obj(&r->jw);
	jw_key(&r->jw, "delivery");
	webhook_delivery_write_json(&r->jw, &l.items[0]);
	jw_key(&r->jw, "attempts");
	jw_arr(&r->jw);
	for (size_t i = 0; i < l.n_attempts; i++)
		webhook_attempt_write_json(&r->jw, &l.attempts[i]);
	jw_arr_end(&r->jw);
	jw_obj_end(&r->jw);
	webhook_delivery_list_release(&l);
	return 0;
}

static int redeliver(struct api_req *r, struct err *err)
{
	int64_t id, did, new_id;

	if (path_id(r, "id", &id, err) || path_id(r, "delivery", &did, err) ||
	    api_parse_optional(r, (const struct api_field[]){ { NULL } }, err) ||
	    webhook_redeliver(r->st, &r->actor, id, did, &new_id, err))
		return -1;
	r->status = 202;
	jw_obj(&r->jw);
	jw_kint(&r->jw, "delivery_id", new_id);
	jw_kint(&r->jw, "redelivery_of", did);
	jw_obj_end(&r->jw);
	return 0;
}

static int events(struct api_req *r, struct err *err)
{
	if (webhook_may_use(r->st, &r->actor, err))
		return -1;
	webhook_events_write_json(&r->jw);
	return 0;
}

static int hosts_get(struct api_req *r, struct err *err)
{
	struct webhook_hosts h;

	if (webhook_hosts_get(r->st, &r->actor, &h, err))
		return -1;
	webhook_hosts_write_json(&r->jw, &h);
	return 0;
}

static int hosts_put(struct api_req *r, struct err *err)
{
	static const char *const keys[] = { "hosts", "version", NULL };
	json_t *root;
	const char **hosts;
	size_t n;
	int64_t version = NO_ID;
	int present, ret = -1;
	struct webhook_hosts h;

	if (require_role(&r->actor, ROLE_ADMIN, "managing webhooks", err) ||
	    !(root = api_body_object(r, err)))
		return -1;
	if (api_known_keys(root, keys, "", err) ||
	    api_member_int(root, "version", "version", 0, &version, &present, err) ||
	    str_array(r, root, "hosts", &hosts, &n, WEBHOOK_HOSTS_MAX, err))
		goto out;
	if (!json_object_get(root, "hosts")) {
		err_set(err, ERR_INVALID, "hosts", "required:_", "%s is required", "hosts");
		goto out;
	}
	if (webhook_hosts_set(r->st, &r->actor, hosts, n, version, &h, err))
		goto out;
	webhook_hosts_write_json(&r->jw, &h);
	ret = 0;
out:
	json_decref(root);
	return ret;
}

const struct api_route api_webhook_routes[] = {
	{ "GET", "/api/v1/webhooks", list, ROLE_VIEWER, 0 },
	{ "POST", "/api/v1/webhooks", create, ROLE_VIEWER, API_SECRET },
	{ "GET", "/api/v1/webhooks/events", events, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/webhooks/allowed-hosts", hosts_get, ROLE_ADMIN, 0 },
	{ "PUT", "/api/v1/webhooks/allowed-hosts", hosts_put, ROLE_ADMIN, 0 },
	{ "GET", "/api/v1/webhooks/{id}", get, ROLE_VIEWER, 0 },
	{ "PATCH", "/api/v1/webhooks/{id}", update, ROLE_VIEWER, 0 },
	{ "DELETE", "/api/v1/webhooks/{id}", delete, ROLE_VIEWER, 0 },
	{ "POST", "/api/v1/webhooks/{id}/rotate", rotate, ROLE_ADMIN, API_SECRET },
	{ "POST", "/api/v1/webhooks/{id}/ping", ping, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/webhooks/{id}/deliveries", deliveries, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/webhooks/{id}/deliveries/{delivery}", delivery, ROLE_VIEWER, 0 },
	{ "POST", "/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver", redeliver, ROLE_VIEWER,
	  0 },
	{ NULL },
};
