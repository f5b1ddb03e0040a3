/*
 * entity.c - the generic JSON face of every noun described in core/entity.h:
 * its routes (list, create, get, update, delete; under /api/v1/projects/{code}
 * for project nouns), written from the description at start-up, and one
 * handler per verb that parses the body field by field by the field's kind.
 */
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "base/date.h"
#include "base/xalloc.h"
#include "core/entity.h"
#include "core/project.h"
#include "base/banned.h"

#define ENTITY_ROUTES_MAX 256

/* Filled by api_entity_init(); ended by a {NULL} row (all zero until then). */
struct api_route api_entity_routes[ENTITY_ROUTES_MAX + 1];

static const struct entity *entity_of(const struct api_req *r)
{
	return r->route->data;
}

/* The project of a project noun's route, which the caller must be able to see. */
static int project_of(struct api_req *r, const struct entity *e, struct ent_project *p,
		      struct err *err)
{
	struct project pr;

	if (e->scope != ENT_PROJECT)
		return 0;
	if (project_get(r->st, &r->actor, api_param(r, "code"), &pr, err))
		return -1;
	p->id = pr.id;
	p->code = arena_strdup(r->arena, pr.code);
	return 0;
}

static const char *key_param(const struct api_req *r, const struct entity *e)
{
	return api_param(r, entity_key(e)->name);
}

static int wrong_type(const struct ent_field *f, const char *want, const json_t *v,
		      struct err *err)
{
	return err_set(err, ERR_INVALID, f->name, "wrong_type:_,type,got", "%s must be %s, not %s",
		       f->name, want, api_json_kind(v));
}

/* Put the JSON value v of field f into rec. */
static int take(const struct ent_field *f, json_t *v, void *rec, struct err *err)
{
	switch (f->kind) {
	case EK_TEXT:
	case EK_NOTE:
	case EK_CODE:
	case EK_EMAIL:
	case EK_ENUM:
	case EK_CHOICE:
	case EK_REF:
		/* a noun named by its id (a training session) is referred to by the id */
		if (f->kind == EK_REF && f->ref && entity_key(f->ref)->kind == EK_ID) {
			char id[24];
			if (!json_is_integer(v) || json_integer_value(v) < 1)
				return wrong_type(f, "an id (a whole number from 1)", v, err);
			snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(v));
			return entity_parse_text(f, id, rec, err);
		}
		if (!json_is_string(v))
			return wrong_type(f, "a string", v, err);
		if (strlen(json_string_value(v)) != json_string_length(v))
			return err_set(err, ERR_INVALID, f->name, "control_character:_,at",
				       "%s contains a control character at byte %zu", f->name,
				       strlen(json_string_value(v)));
		return entity_parse_text(f, json_string_value(v), rec, err);
	case EK_DATE:
		if (!json_is_string(v))
			return wrong_type(f, "a date string (YYYY-MM-DD)", v, err);
		return entity_parse_text(f, json_string_value(v), rec, err);
	case EK_MONEY:
	case EK_COUNT:
		if (!json_is_integer(v))
			return wrong_type(f, f->kind == EK_MONEY ? "an integer of minor units"
								 : "an integer", v, err);
		*(int64_t *)((char *)rec + f->off) = (int64_t)json_integer_value(v);
		return 0;
	case EK_RATIO: {
		int64_t bp;
		if (!json_is_number(v))
			return wrong_type(f, "a number between 0 and 1", v, err);
		if (api_rate_bp(json_number_value(v), f->name, &bp, err))
			return -1;
		*(int64_t *)((char *)rec + f->off) = bp;
		return 0;
	}
	case EK_BOOL:
		if (!json_is_boolean(v))
			return wrong_type(f, "true or false", v, err);
		*(int *)((char *)rec + f->off) = json_is_true(v);
		return 0;
	case EK_INSTANT:
	case EK_ID:
	case EK_VERSION:
		break;
	}
	return err_set(err, ERR_INVALID, f->name, "read_only", "%s is set by the server", f->name);
}

/*
 * Parse the body into in (its record rec): each member must be a field the
 * caller may give (not read-only), of the field's JSON type. "version" is
 * taken on update.
 */
static int parse_body(struct api_req *r, const struct entity *e, struct ent_input *in,
		      int update, struct err *err)
{
	json_error_t jerr;
	json_t *root, *v;
	const char *name;
	int have_version = 0, ret = -1;

	if (!r->body_len)
		return err_set(err, ERR_MALFORMED, NULL, "body_empty",
			       "the body is empty; send a JSON object");
	root = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return err_set(err, ERR_MALFORMED, NULL, "json_syntax:detail,line,column",
			       "the body is not valid JSON: %s (line %d, column %d)", jerr.text,
			       jerr.line, jerr.column);
	if (!json_is_object(root)) {
		err_set(err, ERR_INVALID, NULL, "json_not_object:got",
			"the body must be a JSON object, not %s", api_json_kind(root));
		goto out;
	}
	json_object_foreach(root, name, v) {
		const struct ent_field *f = entity_field(e, name);
		if (update && !strcmp(name, "version")) {
			if (!json_is_integer(v)) {
				err_set(err, ERR_INVALID, "version", "wrong_type:_,type,got",
					"%s must be %s, not %s", "version", "an integer",
					api_json_kind(v));
				goto out;
			}
			in->version = (int64_t)json_integer_value(v);
			have_version = 1;
			continue;
		}
		if (!f || (f->flags & EF_HIDDEN)) {
			err_set(err, ERR_INVALID, name, "unknown_field:name", "unknown field \"%.40s\"",
				name);
			goto out;
		}
		if ((f->flags & EF_READONLY) || f->kind == EK_ID || f->kind == EK_VERSION) {
			err_set(err, ERR_INVALID, f->name, "read_only", "%s is set by the server",
				f->name);
			goto out;
		}
		if (json_is_null(v)) {
			entity_input_set(e, in, f, 1);
			continue;
		}
		if (f->variant) {
			/* its kind follows the record: core reads the number once that is known */
			char num[64];
			if (!json_is_number(v)) {
				wrong_type(f, "a number", v, err);
				goto out;
			}
			if (json_is_integer(v))
				snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
			else
				snprintf(num, sizeof(num), "%.17g", json_real_value(v));
			entity_input_raw(e, in, f, arena_strdup(r->arena, num), 1);
			continue;
		}
		if (take(f, v, in->rec, err))
			goto out;
		entity_input_set(e, in, f, 0);
	}
	if (update && !have_version) {
		int64_t q = NO_ID;
		if (api_query_int(r, "version", &q, err))
			goto out;
		if (q == NO_ID) {
			err_set(err, ERR_INVALID, "version", "version_required",
				"version is required: name the version you are changing");
			goto out;
		}
		in->version = q;
	}
	ret = 0;
out:
	json_decref(root);
	return ret;
}

static int list(struct api_req *r, struct err *err)
{
	const struct entity *e = entity_of(r);
	struct ent_project p = { 0 };
	struct ent_query q = { 0 };
	struct ent_rows rows = { 0 };
	const char *order = api_query(r, "order");

	if (project_of(r, e, &p, err))
		return -1;
	for (const struct ent_field *f = e->fields; f->name; f++) {
		const char *v = (f->flags & EF_FILTER) ? api_query(r, f->name) : NULL;
		if (v && q.nfilters < ENT_MAX_FILTERS) {
			q.filter_name[q.nfilters] = f->name;
			q.filter_value[q.nfilters++] = v;
		}
	}
	q.sort = api_query(r, "sort");
	if (order && strcmp(order, "asc") && strcmp(order, "desc"))
		return err_set(err, ERR_INVALID, "order", "bad_order:value",
			       "order is asc or desc, not \"%.40s\"", order);
	q.desc = order && !strcmp(order, "desc");
	if (api_query_int(r, "limit", &q.limit, err) || api_query_int(r, "offset", &q.offset, err))
		return -1;
	if (entity_list(r->st, &r->actor, e, e->scope == ENT_PROJECT ? &p : NULL, &q, &rows, err))
		return -1;
	jw_obj(&r->jw);
	jw_key(&r->jw, e->plural);
	jw_arr(&r->jw);
	for (size_t i = 0; i < rows.n; i++)
		entity_write_json(&r->jw, e, (char *)rows.items + i * e->size);
	jw_arr_end(&r->jw);
	jw_kint(&r->jw, "total", rows.total);
	jw_obj_end(&r->jw);
	entity_rows_release(&rows);
	return 0;
}

static int get(struct api_req *r, struct err *err)
{
	const struct entity *e = entity_of(r);
	struct ent_project p = { 0 };
	void *rec = arena_alloc(r->arena, e->size);

	if (project_of(r, e, &p, err) ||
	    entity_get(r->st, &r->actor, e, e->scope == ENT_PROJECT ? &p : NULL,
		       key_param(r, e), rec, err))
		return -1;
	return entity_write_json_detail(r->st, &r->jw, e, rec, err);
}

/* Whether in gives a secret (a password to hash): the write takes a hashing slot. */
static int gives_secret(const struct entity *e, const struct ent_input *in)
{
	for (const struct ent_field *f = e->fields; f->name; f++)
		if ((f->flags & EF_SECRET) && (in->set >> entity_field_index(e, f) & 1) &&
		    !(in->null >> entity_field_index(e, f) & 1))
			return 1;
	return 0;
}

/* Create or update, in a hashing slot when the input carries a secret. */
static int write_rec(struct api_req *r, const struct entity *e, const struct ent_project *p,
		     const char *key, const struct ent_input *in, void *out, struct err *err)
{
	int secret = gives_secret(e, in), rc;

	if (secret && api_hash_begin(r, err))
		return -1;
	rc = key ? entity_update(r->st, &r->actor, e, p, key, in, out, err)
		 : entity_create(r->st, &r->actor, e, p, in, out, err);
	if (secret)
		api_hash_end();
	return rc;
}

static void input_init(struct api_req *r, const struct entity *e, struct ent_input *in)
{
	memset(in, 0, sizeof(*in));
	in->rec = arena_alloc(r->arena, e->size);
	memset(in->rec, 0, e->size);
	for (const struct ent_field *f = e->fields; f->name; f++)
		entity_set_none(f, in->rec);
}

static int create(struct api_req *r, struct err *err)
{
	const struct entity *e = entity_of(r);
	struct ent_project p = { 0 };
	struct ent_input in;
	void *out = arena_alloc(r->arena, e->size);

	input_init(r, e, &in);
	if (project_of(r, e, &p, err) || parse_body(r, e, &in, 0, err) ||
	    write_rec(r, e, e->scope == ENT_PROJECT ? &p : NULL, NULL, &in, out, err))
		return -1;
	r->status = 201;
	entity_write_json(&r->jw, e, out);
	return 0;
}

static int update(struct api_req *r, struct err *err)
{
	const struct entity *e = entity_of(r);
	struct ent_project p = { 0 };
	struct ent_input in;
	void *out = arena_alloc(r->arena, e->size);

	input_init(r, e, &in);
	if (project_of(r, e, &p, err) || parse_body(r, e, &in, 1, err) ||
	    write_rec(r, e, e->scope == ENT_PROJECT ? &p : NULL, key_param(r, e), &in, out, err))
		return -1;
	entity_write_json(&r->jw, e, out);
	return 0;
}

static int delete_(struct api_req *r, struct err *err)
{
	const struct entity *e = entity_of(r);
	struct ent_project p = { 0 };
	int64_t version = 0;
	int has = 0;
	const struct api_field fields[] = {
		{ "version", API_INT, 0, &version, &has },
		{ NULL },
	};

	if (project_of(r, e, &p, err) || api_parse_optional(r, fields, err) ||
	    api_version(r, has, version, &version, err) ||
	    entity_delete(r->st, &r->actor, e, e->scope == ENT_PROJECT ? &p : NULL,
			  key_param(r, e), version, err))
		return -1;
	jw_obj(&r->jw);
	jw_kstr(&r->jw, entity_key(e)->name, key_param(r, e));
	jw_kbool(&r->jw, "deleted", 1);
	jw_obj_end(&r->jw);
	return 0;
}

static pthread_once_t routes_once = PTHREAD_ONCE_INIT;

static void add_route(size_t *n, const char *method, char *pattern,
		      int (*handler)(struct api_req *, struct err *), int role, const void *data)
{
	struct api_route *rt;

	if (*n >= ENTITY_ROUTES_MAX)
		abort(); /* a build with more nouns than room: raise ENTITY_ROUTES_MAX */
	rt = &api_entity_routes[(*n)++];
	rt->method = method;
	rt->pattern = pattern;
	rt->handler = handler;
	rt->min_role = role;
	rt->flags = 0;
	rt->data = data;
}

static void build_routes(void)
{
	size_t n = 0;

	for (const struct entity *const *ep = entity_all; *ep; ep++) {
		const struct entity *e = *ep;
		char base[128], item[160];
		int project = e->scope == ENT_PROJECT;
		/*
		 * project nouns: every signed-in role reaches the route, core judges the
		 * project role; so for a noun with its own rule (a user edits their own name)
		 */
		int read = project ? ROLE_VIEWER : (int)e->read_role;
		int write = project ? ROLE_REP : e->hooks.authorize ? ROLE_VIEWER : (int)e->write_role;

		if (e->own_faces)
			continue; /* its routes are its own (api/<noun>.c) */
		if (project)
			snprintf(base, sizeof(base), "/api/v1/projects/{code}/%s", e->plural);
		else
			snprintf(base, sizeof(base), "/api/v1/%s", e->plural);
		snprintf(item, sizeof(item), "%s/{%s}", base, entity_key(e)->name);
		if (!(e->omit & ENT_NO_LIST))
			add_route(&n, "GET", xstrdup(base), list, read, e);
		if (!(e->omit & ENT_NO_CREATE))
			add_route(&n, "POST", xstrdup(base), create, write, e);
		if (!(e->omit & ENT_NO_GET))
			add_route(&n, "GET", xstrdup(item), get, read, e);
		if (!(e->omit & ENT_NO_UPDATE))
			add_route(&n, "PATCH", xstrdup(item), update, write, e);
		if (!(e->omit & ENT_NO_DELETE))
			add_route(&n, "DELETE", xstrdup(item), delete_, write, e);
	}
}

void api_entity_init(void)
{
	pthread_once(&routes_once, build_routes);
}
