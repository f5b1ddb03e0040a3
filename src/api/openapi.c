/*
 * openapi.c - the API's OpenAPI 3.1 document, built once from what serves the
 * requests: the route tables (api_routes: methods, paths, roles, flags), the
 * entity descriptions of core/entity.h (every engine noun's schemas,
 * parameters and operations), and for the hand-written routes one table of
 * their own, src/api/openapi-routes.json (embedded), keyed by "METHOD path".
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "core/entity.h"
#include "store/embedded.h"
#include "base/banned.h"

#define HAND_FILE "src/api/openapi-routes.json"
#define IDEM_PATTERN "^[!-~]{1,200}$"

static pthread_once_t doc_once = PTHREAD_ONCE_INIT;
static char *doc_text;
static size_t doc_len;
static struct buf missing = BUF_INIT;

/* --- small builders ----------------------------------------------------------- */

static json_t *ref(const char *name)
{
	char p[160];
	snprintf(p, sizeof(p), "#/components/schemas/%s", name);
	return json_pack("{s:s}", "$ref", p);
}

/* "price_change" -> "PriceChange", with suffix. */
static void camel(const char *name, const char *suffix, char *out, size_t size)
{
	size_t n = 0;
	int up = 1;
	for (const char *p = name; *p && n + 1 < size; p++) {
		if (*p == '_') {
			up = 1;
			continue;
		}
		out[n++] = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
		up = 0;
	}
	out[n] = '\0';
	snprintf(out + n, size - n, "%s", suffix);
}

/* A type, or [type, "null"]. */
static json_t *type_of(const char *t, int nullable)
{
	return nullable ? json_pack("[s,s]", t, "null") : json_string(t);
}

static const char *status_reason(int status)
{
	switch (status) {
	case 400: return "malformed";
	case 401: return "unauthenticated";
	case 403: return "forbidden";
	case 404: return "not_found";
	case 405: return "method_not_allowed";
	case 409: return "conflict";
	case 413: return "too_large";
	case 415: return "unsupported_media_type";
	case 422: return "invalid";
	case 429: return "rate_limited";
	case 500: return "internal";
	case 503: return "unavailable";
	}
	return "error";
}

/* --- schemas from an entity description ------------------------------------------ */

static size_t text_max(const struct ent_field *f)
{
	size_t cap = f->size ? f->size - 1 : 0;
	return f->max > 0 && (size_t)f->max < cap ? (size_t)f->max : cap;
}

/* The schema of field f: as the server writes it (input 0) or takes it (input 1). */
static json_t *field_schema(const struct ent_field *f, int input)
{
	json_t *s = json_object();
	int nullable = (f->flags & EF_NULLABLE) != 0;
	char d[400];

	if (f->variant) {
		/* its kind follows the record (a promotion's value by its kind): money and
		 * counts are integers, ratios numbers in [0, 1] */
		json_object_set_new(s, "type", type_of("number", nullable));
		snprintf(d, sizeof(d), "%s%sits unit follows the record: money in minor units, a ratio "
			 "in [0, 1] or a count", f->help ? f->help : "", f->help ? "; " : "");
		json_object_set_new(s, "description", json_string(d));
		return s;
	}

	switch (f->kind) {
	case EK_TEXT:
	case EK_NOTE:
	case EK_EMAIL:
		json_object_set_new(s, "type", type_of("string", input && nullable));
		if (input) {
			json_object_set_new(s, "maxLength", json_integer((json_int_t)text_max(f)));
			if (f->kind != EK_NOTE)
				json_object_set_new(s, "pattern", json_string("^[^\\u0000-\\u001f\\u007f]*$"));
			if ((f->flags & EF_REQUIRED))
				json_object_set_new(s, "minLength", json_integer(1));
		}
		if (f->kind == EK_EMAIL)
			json_object_set_new(s, "format", json_string("email"));
		break;
	case EK_CODE: {
		size_t max = text_max(f) < 63 ? text_max(f) : 63;
		json_object_set_new(s, "type", type_of("string", input && nullable));
		if (input) {
			char pat[64];
			snprintf(pat, sizeof(pat), "^[A-Za-z0-9_.-]{1,%zu}$", max);
			json_object_set_new(s, "pattern", json_string(pat));
			json_object_set_new(s, "minLength", json_integer(1));
			json_object_set_new(s, "maxLength", json_integer((json_int_t)max));
		}
		break;
	}
	case EK_ENUM:
	case EK_CHOICE: {
		json_t *vals = json_array();
		for (const char *const *v = f->values; v && *v; v++)
			json_array_append_new(vals, json_string(*v));
		/* a text enum not given is written as ""; a C enum (EK_CHOICE) holds one of its values */
		if (!input && !(f->flags & EF_REQUIRED) && f->kind == EK_ENUM)
			json_array_append_new(vals, json_string(""));
		if (input && nullable)
			json_array_append_new(vals, json_null());
		json_object_set_new(s, "type", type_of("string", input && nullable));
		json_object_set_new(s, "enum", vals);
		break;
	}
	case EK_MONEY:
	case EK_COUNT:
		json_object_set_new(s, "type", type_of("integer", nullable));
		/* a value a read computes has no range of its own (min = max = 0) */
		if (f->min < f->max) {
			json_object_set_new(s, "minimum", json_integer(f->min));
			json_object_set_new(s, "maximum", json_integer(f->max));
		}
		break;
	case EK_RATIO:
		json_object_set_new(s, "type", type_of("number", nullable));
		if (f->min < f->max) {
			json_object_set_new(s, "minimum", json_real((double)f->min / 10000.0));
			json_object_set_new(s, "maximum", json_real((double)f->max / 10000.0));
		}
		/* basis points: at most four decimals */
		json_object_set_new(s, "multipleOf", json_real(0.0001));
		break;
	case EK_DATE:
		json_object_set_new(s, "type",
				    type_of("string", nullable || (!input && !(f->flags & EF_REQUIRED))));
		json_object_set_new(s, "format", json_string("date"));
		if (input)
			json_object_set_new(s, "pattern", json_string("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"));
		break;
	case EK_INSTANT:
		json_object_set_new(s, "type", type_of("string", nullable));
		json_object_set_new(s, "format", json_string("date-time"));
		break;
	case EK_BOOL:
		json_object_set_new(s, "type", json_string("boolean"));
		break;
	case EK_REF: {
		const struct ent_field *k = f->ref ? entity_key(f->ref) : NULL;
		if (k && k->kind == EK_ID) { /* a noun named by its id: referred to by the id */
			json_object_set_new(s, "type",
					    type_of("integer", input ? nullable : !(f->flags & EF_REQUIRED)));
			json_object_set_new(s, "minimum", json_integer(1));
			break;
		}
		json_object_set_new(s, "type",
				    type_of("string", input ? nullable : !(f->flags & EF_REQUIRED)));
		if (input && k && k->kind == EK_CODE)
			json_object_set_new(s, "pattern", json_string("^[A-Za-z0-9_.-]{1,63}$"));
		else if (input && f->key_size)
			json_object_set_new(s, "maxLength", json_integer((json_int_t)f->key_size - 1));
		break;
	}
	case EK_ID:
	case EK_VERSION:
		json_object_set_new(s, "type", type_of("integer", nullable));
		json_object_set_new(s, "minimum", json_integer(1));
		break;
	}
	d[0] = '\0';
	if (f->help)
		snprintf(d, sizeof(d), "%s", f->help);
	if (f->kind == EK_MONEY)
		snprintf(d + strlen(d), sizeof(d) - strlen(d), "%sminor units", d[0] ? "; " : "");
	if (f->kind == EK_REF && f->ref)
		snprintf(d + strlen(d), sizeof(d) - strlen(d), "%sthe %s's %s", d[0] ? "; " : "",
			 f->ref->name, entity_key(f->ref)->name);
	if (input && (f->kind == EK_TEXT || f->kind == EK_NOTE || f->kind == EK_EMAIL))
		snprintf(d + strlen(d), sizeof(d) - strlen(d), "%sat most %zu bytes of UTF-8",
			 d[0] ? "; " : "", text_max(f));
	if (input && f->write_role)
		snprintf(d + strlen(d), sizeof(d) - strlen(d), "%sset only by a %s or above",
			 d[0] ? "; " : "", role_str(f->write_role));
	if (d[0])
		json_object_set_new(s, "description", json_string(d));
	if (f->example && f->kind != EK_MONEY && f->kind != EK_RATIO && f->kind != EK_COUNT &&
	    f->kind != EK_BOOL)
		json_object_set_new(s, "examples", json_pack("[s]", f->example));
	if (f->flags & EF_SECRET)
		json_object_set_new(s, "writeOnly", json_true());
	if (!input && ((f->flags & EF_READONLY) || f->kind == EK_ID || f->kind == EK_VERSION ||
		       f->kind == EK_INSTANT))
		json_object_set_new(s, "readOnly", json_true());
	return s;
}

static int is_server_set(const struct ent_field *f)
{
	return (f->flags & EF_READONLY) || f->kind == EK_ID || f->kind == EK_VERSION ||
	       f->kind == EK_INSTANT;
}

/* The record as the server writes it: every field but hidden ones and inputs. */
static json_t *entity_out(const struct entity *e)
{
	json_t *props = json_object(), *req = json_array();
	for (const struct ent_field *f = e->fields; f->name; f++) {
		if (f->flags & (EF_HIDDEN | EF_INPUT))
			continue;
		json_object_set_new(props, f->name, field_schema(f, 0));
		json_array_append_new(req, json_string(f->name));
	}
	/* write_extra adds members the description does not name (a product's prices) */
	if (e->extra_schema) {
		json_t *extra = json_loads(e->extra_schema, JSON_REJECT_DUPLICATES, NULL), *v;
		const char *k;
		json_object_foreach(extra, k, v) {
			json_object_set(props, k, v);
			json_array_append_new(req, json_string(k));
		}
		json_decref(extra);
	}
	/* write_detail's members: in the answer for one record, not in lists */
	if (e->detail_schema) {
		json_t *extra = json_loads(e->detail_schema, JSON_REJECT_DUPLICATES, NULL), *v;
		const char *k;
		json_object_foreach(extra, k, v)
			json_object_set(props, k, v);
		json_decref(extra);
	}
	return json_pack("{s:s, s:s, s:o, s:o, s:b}", "type", "object", "description", e->summary,
			 "properties", props, "required", req, "additionalProperties",
			 e->hooks.write_extra != NULL && !e->extra_schema);
}

/* What a create (patch 0) or an update (patch 1) takes. */
static json_t *entity_in(const struct entity *e, int patch)
{
	json_t *props = json_object(), *req = json_array();
	for (const struct ent_field *f = e->fields; f->name; f++) {
		if (is_server_set(f) || ((f->flags & EF_HIDDEN) && !(f->flags & EF_INPUT)))
			continue;
		if (patch && (f->flags & (EF_KEY | EF_CREATE)))
			continue;
		json_object_set_new(props, f->name, field_schema(f, 1));
		if (!patch && (f->flags & EF_REQUIRED))
			json_array_append_new(req, json_string(f->name));
	}
	if (patch) {
		json_object_set_new(props, "version",
				    json_pack("{s:s, s:i, s:s}", "type", "integer", "minimum", 1,
					      "description",
					      "the version being changed (or ?version=); a stale one "
					      "answers 409"));
		json_array_append_new(req, json_string("version"));
	}
	return json_pack("{s:s, s:o, s:o, s:b}", "type", "object", "properties", props, "required",
			 req, "additionalProperties", 0);
}

/* --- operations -------------------------------------------------------------- */

static int is_write(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD");
}

static json_t *param(const char *in, const char *name, int required, json_t *schema,
		     const char *description)
{
	json_t *p = json_pack("{s:s, s:s, s:b, s:o}", "in", in, "name", name, "required",
			      required, "schema", schema);
	if (description)
		json_object_set_new(p, "description", json_string(description));
	return p;
}

/* Whether params already names name (in "in"). */
static int has_param(json_t *params, const char *name)
{
	size_t i;
	json_t *p;
	json_array_foreach(params, i, p) {
		if (!strcmp(json_string_value(json_object_get(p, "name")) ? json_string_value(json_object_get(p, "name")) : "", name))
			return 1;
	}
	return 0;
}

/* Path parameters the pattern names and params lacks, as plain strings. */
static void path_params(const char *pattern, json_t *params)
{
	const char *p = pattern;
	while ((p = strchr(p, '{'))) {
		const char *end = strchr(p, '}');
		char name[40];
		if (!end)
			break;
		snprintf(name, sizeof(name), "%.*s", (int)(end - p - 1), p + 1);
		if (!has_param(params, name))
			json_array_append_new(
				params, param("path", name, 1,
					      !strcmp(name, "id") ? json_pack("{s:s,s:i}", "type", "integer", "minimum", 1)
								  : json_pack("{s:s}", "type", "string"),
					      !strcmp(name, "code") && !strncmp(pattern, "/api/v1/projects/{code}", 23)
						      ? "the project's code" : NULL));
		p = end + 1;
	}
}

/* Add the statuses every route of its kind can answer, besides its own. */
static void common_statuses(const struct api_route *rt, int has_body, int *st, int *n)
{
	int pub = rt->min_role == API_PUBLIC, write = is_write(rt->method);
	int idem = !strcmp(rt->method, "POST") && !pub && !(rt->flags & API_NO_IDEMPOTENCY);
#define ADD(x) (st[(*n)++] = (x))
	ADD(400); /* a malformed request line, header or body */
	if (!pub)
		ADD(401);
	if (write || rt->min_role > ROLE_VIEWER)
		ADD(403); /* the role; CSRF and Origin on writes */
	if (has_body) {
		ADD(413);
		ADD(415);
		ADD(422);
	}
	if (idem)
		ADD(422); /* a malformed Idempotency-Key */
	if (idem && (rt->flags & API_SECRET))
		ADD(409);
	if (rt->flags & (API_BULK | API_HASHES))
		ADD(429);
	ADD(500);
	ADD(503);
#undef ADD
}

static void add_errors(json_t *responses, const int *st, int n, json_t *schemas)
{
	for (int i = 0; i < n; i++) {
		char code[8], r[80];
		json_t *s;
		snprintf(code, sizeof(code), "%d", st[i]);
		if (json_object_get(responses, code))
			continue;
		s = schemas ? json_object_get(schemas, code) : NULL;
		if (s) {
			json_object_set_new(responses, code,
					    json_pack("{s:s, s:{s:{s:o}}}", "description", status_reason(st[i]),
						      "content", "application/json", "schema",
						      ref(json_string_value(s))));
			continue;
		}
		snprintf(r, sizeof(r), "#/components/responses/%s", status_reason(st[i]));
		json_object_set_new(responses, code, json_pack("{s:s}", "$ref", r));
	}
}

static json_t *security(const struct api_route *rt)
{
	if (rt->min_role == API_PUBLIC)
		return json_array();
	if (is_write(rt->method))
		return json_pack("[{s:[], s:[]}, {s:[]}]", "session", "csrf", "bearer");
	return json_pack("[{s:[]}, {s:[]}]", "session", "bearer");
}

static json_t *idem_param(void)
{
	return param("header", "Idempotency-Key", 0,
		     json_pack("{s:s, s:i, s:i, s:s}", "type", "string", "minLength", 1, "maxLength",
			       200, "pattern", IDEM_PATTERN),
		     "1 to 200 printable ASCII characters. Applied once: the write, the key and "
		     "its answer commit together; a repeat from the same user with the same "
		     "method, path, query and body replays the first answer (header "
		     "Idempotent-Replayed: true); the same key with another body, path or query "
		     "is refused (422); a request that failed on the server's side (5xx, 429) "
		     "leaves the key free for a retry; keys are kept 24 hours");
}

/* The success answer of a route taking an Idempotency-Key says when it is a replay. */
static void replay_header(const struct api_route *rt, json_t *responses)
{
	const char *code;
	json_t *r;

	if (strcmp(rt->method, "POST") || rt->min_role == API_PUBLIC ||
	    (rt->flags & API_NO_IDEMPOTENCY))
		return;
	json_object_foreach(responses, code, r) {
		if (code[0] != '2')
			continue;
		json_object_set_new(r, "headers",
				    json_pack("{s:{s:s, s:{s:s, s:[s]}}}", "Idempotent-Replayed",
					      "description",
					      "true when this is the stored answer of an earlier request "
					      "with the same Idempotency-Key",
					      "schema", "type", "string", "enum", "true"));
	}
}

static json_t *json_body(json_t *schema, int required)
{
	return json_pack("{s:b, s:{s:{s:o}}}", "required", required, "content", "application/json",
			 "schema", schema);
}

/* Whether another noun has e's plural (a project's segments beside the workspace's). */
static int plural_taken(const struct entity *e)
{
	for (const struct entity *const *x = entity_all; *x; x++)
		if (*x != e && !strcmp((*x)->plural, e->plural))
			return 1;
	return 0;
}

/* An engine noun's route: list, create, get, update or delete, by method and path. */
static json_t *entity_op(const struct api_route *rt)
{
	const struct entity *e = rt->data;
	const struct ent_field *key = entity_key(e);
	int item = rt->pattern[strlen(rt->pattern) - 1] == '}';
	int project = e->scope == ENT_PROJECT;
	json_t *op = json_object(), *params = json_array(), *resp = json_object();
	char name[80], s[200], id[100];
	int st[24], n = 0, has_body = 0;

	camel(e->name, "", name, sizeof(name));
	if (project)
		path_params("/api/v1/projects/{code}", params);
	if (item) {
		json_t *ks = key->kind == EK_ID ? json_pack("{s:s,s:i}", "type", "integer", "minimum", 1)
						: field_schema(key, 1);
		snprintf(s, sizeof(s), "the %s's %s", e->name, key->name);
		json_array_append_new(params, param("path", key->name, 1, ks, s));
	}
	if (!strcmp(rt->method, "GET") && !item) {
		json_t *sorts = json_array();
		for (const struct ent_field *f = e->fields; f->name; f++) {
			if (f->flags & EF_SORT)
				json_array_append_new(sorts, json_string(f->name));
			if (!(f->flags & EF_FILTER))
				continue;
			snprintf(s, sizeof(s), "%s",
				 f->filter_sql ? "true or false"
				 : f->kind == EK_DATE || f->kind == EK_MONEY || f->kind == EK_INSTANT
					 ? "a value or a range A..B (either end may be left out)"
				 : f->kind == EK_TEXT || f->kind == EK_NOTE || f->kind == EK_EMAIL ||
						 f->kind == EK_CODE
					 ? "part of the text, in any case"
					 : "equal to");
			json_array_append_new(params, param("query", f->name, 0,
							    json_pack("{s:s}", "type", "string"), s));
		}
		json_array_append_new(params, param("query", "sort", 0,
						    json_pack("{s:s, s:o}", "type", "string", "enum", sorts),
						    "the field to sort by"));
		json_array_append_new(params,
				      param("query", "order", 0,
					    json_pack("{s:s, s:[s,s]}", "type", "string", "enum", "asc", "desc"),
					    NULL));
		json_array_append_new(params, param("query", "limit", 0,
						    json_pack("{s:s, s:i}", "type", "integer", "minimum", 0),
						    "at most this many (0: all)"));
		json_array_append_new(params, param("query", "offset", 0,
						    json_pack("{s:s, s:i}", "type", "integer", "minimum", 0),
						    NULL));
		/* a project noun named as a workspace noun is (a project's segments) */
		snprintf(id, sizeof(id), "list_%s%s",
			 e->scope == ENT_PROJECT && plural_taken(e) ? "project_" : "", e->plural);
		snprintf(s, sizeof(s), "Every %s the caller may see, filtered, sorted and paged",
			 e->name);
		json_object_set_new(resp, "200",
				    json_pack("{s:s, s:{s:{s:{s:s, s:{s:{s:s, s:o}, s:{s:s, s:i}}, s:[s,s], s:b}}}}",
					      "description", "ok", "content", "application/json", "schema",
					      "type", "object", "properties", e->plural, "type", "array",
					      "items", ref(name), "total", "type", "integer", "minimum", 0,
					      "required", e->plural, "total", "additionalProperties", 0));
		st[n++] = 422;
		if (project)
			st[n++] = 404;
		/* below the read role; a project member of any role reads */
		if (project ? e->read_prole > PROLE_VIEWER : e->read_role > ROLE_VIEWER)
			st[n++] = 403;
	} else if (!strcmp(rt->method, "GET")) {
		snprintf(id, sizeof(id), "get_%s", e->name);
		snprintf(s, sizeof(s), "One %s", e->name);
		json_object_set_new(resp, "200",
				    json_pack("{s:s, s:{s:{s:o}}}", "description", "ok", "content",
					      "application/json", "schema", ref(name)));
		st[n++] = 404;
		if (project ? e->read_prole > PROLE_VIEWER : e->read_role > ROLE_VIEWER)
			st[n++] = 403;
	} else {
		const char *verb = !strcmp(rt->method, "POST")	  ? "create"
				   : !strcmp(rt->method, "PATCH") ? "update"
								  : "delete";
		char in[90];
		snprintf(id, sizeof(id), "%s_%s", verb, e->name);
		has_body = 1;
		if (!strcmp(verb, "create")) {
			camel(e->name, "In", in, sizeof(in));
			json_object_set_new(op, "requestBody", json_body(ref(in), 1));
			snprintf(s, sizeof(s), "Create %s", e->summary);
			json_object_set_new(resp, "201",
					    json_pack("{s:s, s:{s:{s:o}}}", "description", "created",
						      "content", "application/json", "schema", ref(name)));
			st[n++] = 409; /* the key is taken */
			if (project)
				st[n++] = 404;
		} else if (!strcmp(verb, "update")) {
			camel(e->name, "Patch", in, sizeof(in));
			json_object_set_new(op, "requestBody", json_body(ref(in), 1));
			json_array_append_new(params,
					      param("query", "version", 0,
						    json_pack("{s:s, s:i}", "type", "integer", "minimum", 1),
						    "the version being changed, when the body does not name it"));
			snprintf(s, sizeof(s), "Change a %s's given fields at its version", e->name);
			json_object_set_new(resp, "200",
					    json_pack("{s:s, s:{s:{s:o}}}", "description", "ok", "content",
						      "application/json", "schema", ref(name)));
			st[n++] = 404, st[n++] = 409;
		} else {
			json_object_set_new(op, "requestBody", json_body(ref("VersionIn"), 0));
			json_array_append_new(params,
					      param("query", "version", 1,
						    json_pack("{s:s, s:i}", "type", "integer", "minimum", 1),
						    "the version being deleted (or the body's version); a "
						    "stale one answers 409"));
			snprintf(s, sizeof(s), "Delete a %s at its version, unless records refer to it",
				 e->name);
			json_object_set_new(
				resp, "200",
				json_pack("{s:s, s:{s:{s:{s:s, s:{s:o, s:{s:s, s:b}}, s:[s,s], s:b}}}}",
					  "description", "deleted", "content", "application/json", "schema",
					  "type", "object", "properties", key->name,
					  /* the key as the path named it, ids included */
					  json_pack("{s:s}", "type", "string"),
					  "deleted", "type", "boolean", "const", 1, "required", key->name,
					  "deleted", "additionalProperties", 0));
			st[n++] = 404, st[n++] = 409;
		}
	}
	if (!strcmp(rt->method, "POST"))
		json_array_append_new(params, idem_param());
	common_statuses(rt, has_body, st, &n);
	replay_header(rt, resp);
	add_errors(resp, st, n, NULL);
	json_object_set_new(op, "operationId", json_string(id));
	json_object_set_new(op, "tags", json_pack("[s]", e->plural));
	json_object_set_new(op, "summary", json_string(s));
	json_object_set_new(op, "parameters", params);
	json_object_set_new(op, "responses", resp);
	json_object_set_new(op, "security", security(rt));
	return op;
}

/*
 * A route whose answer is kept until the next write ("cached": true): its ETag,
 * gzip when accepted, and 304 to an If-None-Match that names it.
 */
static void cached_answer(json_t *params, json_t *resp, const char *ok_code)
{
	json_t *ok = json_object_get(resp, ok_code);
	json_t *etag = json_pack("{s:s, s:{s:s}}", "description",
				 "names the answer's content (the gzipped one ends in -gz\")", "schema",
				 "type", "string");

	json_array_append_new(params,
			      param("header", "If-None-Match", 0, json_pack("{s:s}", "type", "string"),
				    "an ETag of an earlier answer: when the answer is still the same, "
				    "304 without a body"));
	json_array_append_new(params,
			      param("header", "Accept-Encoding", 0, json_pack("{s:s}", "type", "string"),
				    "gzip: the answer comes gzipped (Content-Encoding: gzip)"));
	if (ok)
		json_object_set_new(
			ok, "headers",
			json_pack("{s:O, s:{s:s, s:{s:s, s:[s]}}, s:{s:s, s:{s:s}}}", "ETag", etag,
				  "Content-Encoding", "description",
				  "gzip when the request's Accept-Encoding accepts it", "schema", "type",
				  "string", "enum", "gzip", "Vary", "description", "Accept-Encoding",
				  "schema", "type", "string"));
	json_object_set_new(resp, "304",
			    json_pack("{s:s, s:{s:O}}", "description",
				      "not modified: the If-None-Match names the current answer",
				      "headers", "ETag", etag));
	json_decref(etag);
}

/* A hand-written route from its entry in openapi-routes.json. */
static json_t *hand_op(const struct api_route *rt, json_t *entry)
{
	json_t *op = json_object(), *params, *resp = json_object(), *v, *content;
	int st[32], n = 0, has_body;
	size_t i;
	char code[8];
	const char *ct = json_string_value(json_object_get(entry, "content"));
	json_t *ok = json_string("ok");

	json_object_set_new(op, "operationId", json_incref(json_object_get(entry, "operationId")));
	json_object_set_new(op, "tags", json_pack("[O]", json_object_get(entry, "tag")));
	json_object_set_new(op, "summary", json_incref(json_object_get(entry, "summary")));
	params = json_deep_copy(json_object_get(entry, "parameters"));
	if (!params)
		params = json_array();
	path_params(rt->pattern, params);
	if (!strcmp(rt->method, "POST") && rt->min_role != API_PUBLIC &&
	    !(rt->flags & API_NO_IDEMPOTENCY))
		json_array_append_new(params, idem_param());
	json_object_set_new(op, "parameters", params);
	has_body = json_object_get(entry, "requestBody") != NULL;
	if (has_body)
		json_object_set_new(op, "requestBody",
				    json_deep_copy(json_object_get(entry, "requestBody")));
	snprintf(code, sizeof(code), "%d", (int)json_integer_value(json_object_get(entry, "status")));
	v = json_object_get(entry, "schema");
	json_object_set_new(
		resp, code,
		v ? json_pack("{s:O, s:{s:{s:O}}}", "description",
			      json_object_get(entry, "description") ? json_object_get(entry, "description") : ok, "content",
			      ct ? ct : "application/json", "schema", v)
		  : json_pack("{s:s}", "description", "ok"));
	/* "alternatives": other media types the same answer may come as (a report's files) */
	content = json_object_get(json_object_get(resp, code), "content");
	json_array_foreach(json_object_get(entry, "alternatives"), i, v)
		if (json_is_string(v) && content)
			json_object_set_new(content, json_string_value(v),
					    json_pack("{s:{s:s, s:s}}", "schema", "type", "string",
						      "format", "binary"));
	if (json_is_true(json_object_get(entry, "cached")))
		cached_answer(params, resp, code);
	json_array_foreach(json_object_get(entry, "errors"), i, v)
		if (n < 20)
			st[n++] = (int)json_integer_value(v);
	common_statuses(rt, has_body, st, &n);
	replay_header(rt, resp);
	add_errors(resp, st, n, json_object_get(entry, "errorSchemas"));
	json_object_set_new(op, "responses", resp);
	json_object_set_new(op, "security", security(rt));
	json_decref(ok);
	return op;
}

/* --- the document ------------------------------------------------------------ */

static json_t *error_schema(void)
{
	json_t *codes = json_array();
	for (int c = 1; c < ERR__COUNT; c++)
		json_array_append_new(codes, json_string(err_code_str((enum err_code)c)));
	return json_pack(
		"{s:s, s:s, s:{s:{s:s, s:{s:{s:s, s:o}, s:{s:s}, s:{s:[s,s], s:s}, s:{s:s, s:s}, s:{s:s, s:s, s:b}}, s:[s,s,s,s,s], s:b}}, s:[s], s:b}",
		"type", "object", "description",
		"every error answer: code (the status's name), an English sentence, the field "
		"at fault (null when none), and a stable reason code with its parameters for "
		"faces that speak other languages",
		"properties", "error", "type", "object", "properties", "code", "type", "string",
		"enum", codes, "message", "type", "string", "field", "type", "string", "null",
		"description", "the input at fault: a body field, a query argument or a header",
		"reason", "type", "string", "description", "stable reason code (e.g. bad_enum)",
		"params", "type", "object", "description", "the reason's parameters",
		"additionalProperties", 1, "required", "code", "message", "field", "reason", "params",
		"additionalProperties", 0, "required", "error", "additionalProperties", 0);
}

static json_t *components(json_t *hand)
{
	json_t *schemas = json_deep_copy(json_object_get(hand, "schemas"));
	json_t *responses = json_object();
	static const int all[] = { 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503 };

	if (!schemas)
		schemas = json_object();
	json_object_set_new(schemas, "Error", error_schema());
	json_object_set_new(schemas, "VersionIn",
			    json_pack("{s:s, s:{s:{s:s, s:i}}, s:[s], s:b}", "type", "object",
				      "properties", "version", "type", "integer", "minimum", 1,
				      "required", "version", "additionalProperties", 0));
	for (const struct entity *const *ep = entity_all; *ep; ep++) {
		char name[80];
		if ((*ep)->own_faces)
			continue; /* its answers are its own: described in openapi-routes.json */
		camel((*ep)->name, "", name, sizeof(name));
		json_object_set_new(schemas, name, entity_out(*ep));
		camel((*ep)->name, "In", name, sizeof(name));
		json_object_set_new(schemas, name, entity_in(*ep, 0));
		camel((*ep)->name, "Patch", name, sizeof(name));
		json_object_set_new(schemas, name, entity_in(*ep, 1));
	}
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		char d[80];
		json_t *r;
		snprintf(d, sizeof(d), "%d %s", all[i], status_reason(all[i]));
		r = json_pack("{s:s, s:{s:{s:o}}}", "description", d, "content", "application/json",
			      "schema", ref("Error"));
		if (all[i] == 429 || all[i] == 503)
			json_object_set_new(r, "headers",
					    json_pack("{s:{s:s, s:{s:s, s:i}}}", "Retry-After",
						      "description", "seconds to wait before retrying",
						      "schema", "type", "integer", "minimum", 0));
		json_object_set_new(responses, status_reason(all[i]), r);
	}
	return json_pack(
		"{s:o, s:o, s:{s:{s:s, s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:s}, s:{s:s, s:s, s:s}}}",
		"schemas", schemas, "responses", responses, "securitySchemes", "session", "type",
		"apiKey", "in", "cookie", "name", "salespm_session", "description",
		"the session cookie set by POST /api/v1/session (HttpOnly, SameSite=Strict)", "csrf",
		"type", "apiKey", "in", "header", "name", "X-CSRF-Token", "description",
		"every write authenticated by the session cookie carries the csrf_token of "
		"POST /api/v1/session or GET /api/v1/me in this header (403 csrf_missing "
		"otherwise); and any write that sends an Origin header must name this server "
		"(scheme://Host), or it is refused with 403 cross_origin, API tokens included",
		"bearer", "type", "http", "scheme", "bearer", "description",
		"an API token (POST /api/v1/tokens) in Authorization: Bearer <token>; needs no "
		"CSRF token");
}

static void build(void)
{
	json_t *hand = NULL, *ops, *info, *paths = json_object(), *root, *tags = json_array();
	json_error_t jerr;

	api_entity_init();
	for (const struct embedded_file *f = embedded_files; f->path; f++)
		if (!strcmp(f->path, HAND_FILE))
			hand = json_loadb((const char *)f->data, f->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!hand)
		hand = json_object(); /* every route then reads as missing */
	ops = json_object_get(hand, "operations");
	for (int t = 0; api_routes[t]; t++)
		for (const struct api_route *rt = api_routes[t]; rt->method; rt++) {
			char key[300], m[8];
			json_t *entry, *item, *op;
			size_t i;

			snprintf(key, sizeof(key), "%s %s", rt->method, rt->pattern);
			entry = json_object_get(ops, key);
			if (api_routes[t] == api_entity_routes && rt->data)
				op = entity_op(rt);
			else if (entry)
				op = hand_op(rt, entry);
			else {
				buf_addf(&missing, "%s\n", key);
				continue;
			}
			for (i = 0; rt->method[i] && i + 1 < sizeof(m); i++)
				m[i] = (char)(rt->method[i] | 0x20);
			m[i] = '\0';
			item = json_object_get(paths, rt->pattern);
			if (!item) {
				item = json_object();
				json_object_set_new(paths, rt->pattern, item);
			}
			json_object_set_new(item, m, op);
		}
	{
		/* the tags in the order operations first name them */
		const char *p;
		json_t *item, *op, *seen = json_object();
		const char *m;
		json_object_foreach(paths, p, item) {
			json_object_foreach(item, m, op) {
				const char *tag = json_string_value(json_array_get(json_object_get(op, "tags"), 0));
				if (tag && !json_object_get(seen, tag)) {
					json_object_set_new(seen, tag, json_true());
					json_array_append_new(tags, json_pack("{s:s}", "name", tag));
				}
			}
		}
		json_decref(seen);
	}
	info = json_object_get(hand, "info");
	if (!info)
		info = json_object_get(ops, "info"); /* NULL: json_pack fails, no document */
	root = json_pack("{s:s, s:O, s:[{s:s}], s:o, s:o, s:o}", "openapi", "3.1.0", "info",
			 info, "servers", "url", "/",
			 "tags", tags, "paths", paths, "components", components(hand));
	json_object_set_new(root, "security", json_pack("[{s:[], s:[]}, {s:[]}]", "session", "csrf", "bearer"));
	doc_text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	doc_len = doc_text ? strlen(doc_text) : 0;
	json_decref(root);
	json_decref(hand);
}

const char *api_openapi(size_t *len)
{
	pthread_once(&doc_once, build);
	*len = doc_len;
	return doc_text;
}

const char *api_openapi_missing(void)
{
	pthread_once(&doc_once, build);
	return buf_cstr(&missing);
}
