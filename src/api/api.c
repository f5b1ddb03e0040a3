/*
 * api.c - request helpers shared by every noun: path and query parameters,
 * strict field-by-field JSON body parsing (jansson), and the error renderer.
 */
#include "api/api.h"
#include "core/entity.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "analytics/metric.h"
#include "api/cache.h"
#include "base/date.h"
#include "base/money.h"
#include "report/xlsx_write.h"
#include "base/banned.h"

/* Every route table; adding a noun's routes is one line here and one in api.h. */
const struct api_route *const api_routes[] = {
	api_meta_routes,
	api_session_routes,
	api_user_routes,
	api_workspace_routes,
	api_project_routes,
	api_token_routes,
	api_audit_routes,
	api_catalog_routes,
	api_sale_routes,
	api_customer_routes,
	api_engagement_routes,
	api_team_routes,
	api_strategy_routes,
	api_recruit_routes,
	api_problem_routes,
	api_deal_routes,
	api_risk_routes,
	api_review_routes,
	api_adjust_routes,
	api_alert_routes,
	api_webhook_routes,
	api_task_routes,
	api_comment_routes,
	api_quota_routes,
	api_goal_routes,
	api_dashboard_routes,
	api_meeting_routes,
	api_live_routes,
	api_report_routes,
	api_entity_routes,
	NULL,
};

void api_req_init(struct api_req *r, struct store *st, struct arena *arena)
{
	memset(r, 0, sizeof(*r));
	r->st = st;
	r->arena = arena;
	r->status = 200;
	r->body_fd = -1;
	buf_init(&r->out, 0);
	jw_init(&r->jw, &r->out);
}

void api_req_release(struct api_req *r)
{
	buf_release(&r->out);
	if (r->body_json)
		json_decref(r->body_json);
	r->body_json = NULL;
	/* a stream the server did not take (the request failed after the handler) */
	if (r->stream_end)
		r->stream_end(r->stream_ctx);
	r->stream_next = NULL;
	r->stream_end = NULL;
	r->stream_ctx = NULL;
}

void api_stream(struct api_req *r, int (*next)(void *ctx, struct buf *out, struct err *err),
		void (*end)(void *ctx), void *ctx)
{
	r->stream_next = next;
	r->stream_end = end;
	r->stream_ctx = ctx;
}

const char *api_param(const struct api_req *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (!strcmp(r->param_name[i], name))
			return r->param_value[i];
	return NULL;
}

const char *api_query(const struct api_req *r, const char *name)
{
	return r->query_fn ? r->query_fn(r->query_ctx, name) : NULL;
}

const char *api_header(const struct api_req *r, const char *name)
{
	return r->header_fn ? r->header_fn(r->query_ctx, name) : NULL;
}

struct jw *api_jw(struct api_req *r)
{
	return &r->jw;
}

void api_header_out(struct api_req *r, const char *name, const char *value)
{
	if (r->nheaders_out >= API_MAX_HEADERS_OUT)
		return;
	r->header_out_name[r->nheaders_out] = arena_strdup(r->arena, name);
	r->header_out_value[r->nheaders_out] = arena_strdup(r->arena, value);
	r->nheaders_out++;
}

/* Whether the declared type is JSON in UTF-8 ("application/json; charset=utf-8"). */
static int is_json_type(const char *ct)
{
	const char *p;
	if (!ct || strncasecmp(ct, "application/json", 16))
		return 0;
	p = ct + 16;
	while (*p == ' ')
		p++;
	if (!*p)
		return 1;
	if (*p != ';')
		return 0;
	p++;
	while (*p == ' ')
		p++;
	if (!*p)
		return 1;
	if (strncasecmp(p, "charset=", 8))
		return 0;
	p += 8;
	if (*p == '"')
		p++;
	return !strncasecmp(p, "utf-8", 5) || !strncasecmp(p, "utf8", 4);
}

/* Whether ct is text/csv, with no charset or a UTF-8 one (other parameters are ignored). */
/* What the Content-Type of an import says about its text. */
enum csv_charset { CSV_NOT_CSV, CSV_DETECT, CSV_GB };

/*
 * Whether ct is text/csv, and its charset: none or UTF-8 (the text is read as
 * UTF-8 when it is valid UTF-8, else as GB18030), or GB18030 / GBK / GB2312
 * (read as GB18030, their superset). Other parameters are ignored; another
 * charset is refused.
 */
static enum csv_charset csv_charset(const char *ct)
{
	static const char *const gb[] = { "gb18030", "gbk", "gb2312", "cp936" };
	enum csv_charset cs = CSV_DETECT;
	const char *p;
	if (!ct || strncasecmp(ct, "text/csv", 8))
		return CSV_NOT_CSV;
	p = ct + 8;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return cs;
		if (*p != ';')
			return CSV_NOT_CSV;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!strncasecmp(p, "charset=", 8)) {
			size_t n;
			int quoted;
			p += 8;
			quoted = *p == '"';
			p += quoted;
			n = strcspn(p, quoted ? "\"" : "; \t");
			if ((n == 5 && !strncasecmp(p, "utf-8", 5)) || (n == 4 && !strncasecmp(p, "utf8", 4)))
				cs = CSV_DETECT;
			else {
				cs = CSV_NOT_CSV;
				for (size_t i = 0; i < sizeof(gb) / sizeof(gb[0]); i++)
					if (n == strlen(gb[i]) && !strncasecmp(p, gb[i], n))
						cs = CSV_GB;
				if (cs == CSV_NOT_CSV)
					return CSV_NOT_CSV;
			}
			p += n;
			if (quoted && *p == '"')
				p++;
		} else {
			p += strcspn(p, ";");
		}
	}
}

static int is_csv_type(const char *ct)
{
	return csv_charset(ct) != CSV_NOT_CSV;
}

int api_csv_gb(const char *ct)
{
	return csv_charset(ct) == CSV_GB;
}

/* 415 naming the type that was sent (params: type, "" when none was). */
static int type_refused(const char *want, const char *ct, struct err *err)
{
	int none = !ct || !*ct;
	return err_set(err, ERR_UNSUPPORTED_TYPE, NULL, "unsupported_type:_,_,type",
		       "the body must be sent as %s (UTF-8)%s%.60s", want,
		       none ? ", with a Content-Type" : ", not ", none ? "" : ct);
}

int api_xlsx_type(const char *ct)
{
	size_t n = strlen(XLSX_MIME);
	if (!ct || strncasecmp(ct, XLSX_MIME, n))
		return 0;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return !*ct || *ct == ';';
}

int api_body_type(const struct api_route *rt, const char *ct, struct err *err)
{
	int bulk = rt && (rt->flags & API_BULK);
	if (bulk ? is_csv_type(ct) || api_xlsx_type(ct) : is_json_type(ct))
		return 0;
	return type_refused(bulk ? "text/csv" : "application/json", ct, err);
}

static const char *type_name(enum api_type t)
{
	switch (t) {
	case API_STR: return "a string";
	case API_INT: return "an integer";
	case API_BOOL: return "true or false";
	case API_DATE: return "a date string (YYYY-MM-DD)";
	case API_NUM: return "a number";
	case API_NUMBER: return "a number";
	case API_OBJ: return "an object";
	}
	return "a value";
}

const char *api_json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "a value";
}

static int parse_fields(struct api_req *r, json_t *obj, const struct api_field *fields,
			const char *prefix, struct err *err);

/* Store one present, non-null value into its field (called name in errors). */
static int take(struct api_req *r, const struct api_field *f, const char *name, json_t *v,
		struct err *err)
{
	switch (f->type) {
	case API_STR:
		if (!json_is_string(v))
			break;
		*(const char **)f->dest =
			arena_strndup(r->arena, json_string_value(v), json_string_length(v));
		return 0;
	case API_INT:
		if (!json_is_integer(v))
			break;
		*(int64_t *)f->dest = (int64_t)json_integer_value(v);
		return 0;
	case API_BOOL:
		if (!json_is_boolean(v))
			break;
		*(int *)f->dest = json_is_true(v);
		return 0;
	case API_DATE:
		if (!json_is_string(v))
			break;
		return date_parse(json_string_value(v), json_string_length(v), f->dest, name,
				  err);
	case API_NUM:
		if (!json_is_number(v))
			break;
		*(double *)f->dest = json_number_value(v);
		return 0;
	case API_NUMBER: {
		struct api_number *n = f->dest;
		if (!json_is_number(v))
			break;
		n->set = 1;
		n->is_int = json_is_integer(v);
		n->i = n->is_int ? (int64_t)json_integer_value(v) : 0;
		n->d = json_number_value(v);
		return 0;
	}
	case API_OBJ:
		if (!json_is_object(v))
			break;
		return parse_fields(r, v, f->dest, name, err);
	}
	return err_set(err, ERR_INVALID, name, "wrong_type:_,type,got", "%s must be %s, not %s", name,
		       type_name(f->type), api_json_kind(v));
}

/* Match obj's members against fields; names in errors are "prefix.name" when nested. */
static int parse_fields(struct api_req *r, json_t *obj, const struct api_field *fields,
			const char *prefix, struct err *err)
{
	json_t *v;
	const char *key;
	char name[48];

	json_object_foreach(obj, key, v) {
		const struct api_field *f = fields;
		while (f->name && strcmp(f->name, key))
			f++;
		if (!f->name) {
			snprintf(name, sizeof(name), "%s%s%.40s", prefix ? prefix : "",
				 prefix ? "." : "", key);
			return err_set(err, ERR_INVALID, name, "unknown_field:name", "unknown field \"%s\"", name);
		}
	}
	for (const struct api_field *f = fields; f->name; f++) {
		snprintf(name, sizeof(name), "%s%s%s", prefix ? prefix : "", prefix ? "." : "",
			 f->name);
		v = json_object_get(obj, f->name);
		if (!v) {
			if (f->flags & API_REQUIRED)
				return err_set(err, ERR_INVALID, name, "required:_", "%s is required", name);
			continue;
		}
		if (f->present)
			*f->present = 1;
		if (json_is_null(v)) {
			if (!(f->flags & API_NULLABLE))
				return err_set(err, ERR_INVALID, name, "wrong_type_null:_,type", "%s must be %s, not null",
					       name, type_name(f->type));
			continue;
		}
		if (take(r, f, name, v, err))
			return -1;
	}
	return 0;
}

json_t *api_body_object(struct api_req *r, struct err *err)
{
	json_error_t jerr;
	json_t *root;

	if (!r->body_len) {
		err_set(err, ERR_MALFORMED, NULL, "body_empty", "the body is empty; send a JSON object");
		return NULL;
	}
	if (!is_json_type(r->content_type)) {
		type_refused("application/json", r->content_type, err);
		return NULL;
	}
	if (r->body_json)
		return json_incref(r->body_json);
	root = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		err_set(err, ERR_MALFORMED, NULL, "json_syntax:detail,line,column", "the body is not valid JSON: %s (line %d, column %d)",
			jerr.text, jerr.line, jerr.column);
		return NULL;
	}
	if (!json_is_object(root)) {
		err_set(err, ERR_INVALID, NULL, "json_not_object:got", "the body must be a JSON object, not %s",
			api_json_kind(root));
		json_decref(root);
		return NULL;
	}
	return root;
}

void api_body_parse_ahead(struct api_req *r)
{
	json_t *root;
	if (r->body_json || !r->body_len || !is_json_type(r->content_type))
		return;
	root = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, NULL);
	if (root && json_is_object(root))
		r->body_json = root;
	else if (root)
		json_decref(root);
}

static int parse_object(struct api_req *r, const struct api_field *fields, struct err *err)
{
	json_t *root = api_body_object(r, err);
	int ret;

	if (!root)
		return -1;
	ret = parse_fields(r, root, fields, NULL, err);
	json_decref(root);
	return ret;
}

int api_parse(struct api_req *r, const struct api_field *fields, struct err *err)
{
	return parse_object(r, fields, err);
}

int api_parse_optional(struct api_req *r, const struct api_field *fields, struct err *err)
{
	if (!r->body_len)
		return 0;
	return parse_object(r, fields, err);
}

int api_copy(char *dst, size_t size, const char *src, const char *field, struct err *err)
{
	size_t n;
	if (!src)
		return 0;
	n = strlen(src);
	if (n >= size)
		return err_set(err, ERR_INVALID, field, "too_long:_,len,max", "%s is too long (%zu bytes, at most %zu)",
			       field, n, size - 1);
	memcpy(dst, src, n + 1);
	return 0;
}

int api_rate_bp(double v, const char *field, int64_t *out, struct err *err)
{
	return entity_rate_bp(v, field, out, err);
}

int api_query_int(struct api_req *r, const char *name, int64_t *out, struct err *err)
{
	const char *v = api_query(r, name);
	if (!v)
		return 0;
	return int_parse(v, strlen(v), out, name, err);
}

void api_answer_deleted(struct api_req *r, int64_t id)
{
	jw_obj(&r->jw);
	jw_kint(&r->jw, "id", id);
	jw_kbool(&r->jw, "deleted", 1);
	jw_obj_end(&r->jw);
}

int api_version(struct api_req *r, int have_body_version, int64_t body_version, int64_t *out,
		struct err *err)
{
	int64_t v = NO_ID;
	if (have_body_version) {
		*out = body_version;
		return 0;
	}
	if (api_query_int(r, "version", &v, err))
		return -1;
	if (v == NO_ID)
		return err_set(err, ERR_INVALID, "version", "version_required",
			       "version is required: name the version you are changing");
	*out = v;
	return 0;
}

int api_error_render(struct buf *b, const struct err *err)
{
	return api_error_render_extra(b, err, NULL);
}

int api_error_render_extra(struct buf *b, const struct err *err, const char *extra)
{
	struct jw w;
	enum err_code code = err->code == ERR_OK ? ERR_INTERNAL : err->code;

	buf_reset(b);
	jw_init(&w, b);
	jw_obj(&w);
	jw_key(&w, "error");
	jw_obj(&w);
	jw_error_members(&w, err);
	if (extra && *extra) {
		buf_addch(b, ',');
		buf_adds(b, extra);
	}
	jw_obj_end(&w);
	jw_obj_end(&w);
	return err_code_http(code);
}

void api_thread_release(void)
{
	api_cache_thread_release();
	metric_thread_release();
}

/* A member of a JSON object that must be an integer (present: it was given). */
int api_member_int(struct json_t *obj, const char *key, const char *name, int required,
		      int64_t *out, int *present, struct err *err)
{
	json_t *v = json_object_get(obj, key);

	*present = v != NULL;
	if (!v) {
		if (required)
			return err_set(err, ERR_INVALID, name, "required:_", "%s is required", name);
		return 0;
	}
	if (!json_is_integer(v))
		return err_set(err, ERR_INVALID, name, "wrong_type:_,type,got", "%s must be %s, not %s",
			       name, "an integer", api_json_kind(v));
	*out = (int64_t)json_integer_value(v);
	return 0;
}

/* Only the keys named in keys (NULL-ended) in obj; prefix names a nested one. */
int api_known_keys(struct json_t *obj, const char *const *keys, const char *prefix, struct err *err)
{
	const char *key;
	json_t *v;
	char name[64];

	json_object_foreach(obj, key, v) {
		const char *const *k = keys;
		while (*k && strcmp(*k, key))
			k++;
		if (!*k) {
			snprintf(name, sizeof(name), "%s%.40s", prefix, key);
			return err_set(err, ERR_INVALID, name, "unknown_field:name",
				       "unknown field \"%s\"", name);
		}
	}
	return 0;
}
