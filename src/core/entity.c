/*
 * entity.c - the engine behind entity.h: each noun's SQL is written once from
 * its description (column lists, joins for references, one list statement
 * per sort order, the filters as "(param IS NULL OR test)" so one statement
 * serves every combination) and kept for the process's life, so the store's
 * statement cache finds it by address; the write path (permission, version,
 * field checks, hooks, audit) lives here once for every noun.
 */
#include "core/entity.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "core/tx.h"
#include "base/banned.h"

#define ENT_MAX_FIELDS 64

/* A noun's statements, written once. */
struct ent_sql {
	const struct entity *e;
	char *select;  /* "SELECT <cols> FROM t <joins>" */
	char *get;     /* ... WHERE t.key = ?1 [AND t.project_id = ?2] */
	char *get_id;  /* ... WHERE t.id = ?1 [AND t.project_id = ?2] */
	char *count;   /* SELECT COUNT(*) ... filters */
	char **list;   /* [2 * (sort index + 1) + desc]: index 0/1 = the noun's order */
	int nsorts;
	char *insert, *update, *remove;
	/* the parameter numbers of each filterable field in count and list (0 = none) */
	int param[ENT_MAX_FIELDS], param2[ENT_MAX_FIELDS];
	int nparams; /* the filters' parameters (plus project) */
	/* select column of each field (-1 = not selected), and of each ref's key */
	int col[ENT_MAX_FIELDS], keycol[ENT_MAX_FIELDS];
	int alias[ENT_MAX_FIELDS]; /* a reference's join: r<alias> */
};

static pthread_mutex_t sql_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ent_sql **sqls;
static size_t nsqls;

/* --- describing -------------------------------------------------------------- */

const struct ent_field *entity_field(const struct entity *e, const char *name)
{
	for (const struct ent_field *f = e->fields; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

int entity_field_index(const struct entity *e, const struct ent_field *f)
{
	return (int)(f - e->fields);
}

const struct ent_field *entity_key(const struct entity *e)
{
	const struct ent_field *id = NULL;

	for (const struct ent_field *f = e->fields; f->name; f++) {
		if (f->flags & EF_KEY)
			return f;
		if (f->kind == EK_ID)
			id = f;
	}
	return id;
}

const struct entity *entity_find(const char *name)
{
	for (const struct entity *const *e = entity_all; *e; e++)
		if (!strcmp((*e)->name, name))
			return *e;
	return NULL;
}

static int is_column(const struct ent_field *f)
{
	return f->column && !(f->flags & EF_INPUT) && !f->via;
}

static const struct ent_field *field_named_kind(const struct entity *e, enum ent_kind k,
						 const char *name)
{
	for (const struct ent_field *f = e->fields; f->name; f++)
		if (f->kind == k && (!name || !strcmp(f->name, name)))
			return f;
	return NULL;
}

/* --- values ---------------------------------------------------------------------- */

static int64_t *i64(void *rec, const struct ent_field *f)
{
	return (int64_t *)((char *)rec + f->off);
}

static int64_t ci64(const void *rec, const struct ent_field *f)
{
	return *(const int64_t *)((const char *)rec + f->off);
}

static int32_t *i32(void *rec, const struct ent_field *f)
{
	return (int32_t *)((char *)rec + f->off);
}

static int32_t ci32(const void *rec, const struct ent_field *f)
{
	return *(const int32_t *)((const char *)rec + f->off);
}

static char *txt(void *rec, const struct ent_field *f)
{
	return (char *)rec + f->off;
}

static const char *ctxt(const void *rec, const struct ent_field *f)
{
	return (const char *)rec + f->off;
}

static char *refkey(void *rec, const struct ent_field *f)
{
	return (char *)rec + f->key_off;
}

static const char *crefkey(const void *rec, const struct ent_field *f)
{
	return (const char *)rec + f->key_off;
}

static int *iint(void *rec, const struct ent_field *f)
{
	return (int *)((char *)rec + f->off);
}

static int ciint(const void *rec, const struct ent_field *f)
{
	return *(const int *)((const char *)rec + f->off);
}

/* A choice's name, "" for none (or a value out of range). */
static const char *choice_name(const void *rec, const struct ent_field *f)
{
	int64_t c = (int64_t)ciint(rec, f) - f->min;
	for (int i = 0; f->values && f->values[i]; i++)
		if (i == c)
			return f->values[i];
	return "";
}

/* The index of name in f's values, or -1. */
static int choice_index(const struct ent_field *f, const char *name)
{
	for (int i = 0; f->values && f->values[i]; i++)
		if (!strcmp(f->values[i], name))
			return i;
	return -1;
}

/* A field whose value is text in the record. */
static int is_text_kind(enum ent_kind k)
{
	return k == EK_TEXT || k == EK_NOTE || k == EK_CODE || k == EK_EMAIL || k == EK_ENUM;
}

int entity_is_none(const struct ent_field *f, const void *rec)
{
	if (is_text_kind(f->kind))
		return !ctxt(rec, f)[0];
	if (f->kind == EK_DATE)
		return ci32(rec, f) == NO_DATE;
	if (f->kind == EK_REF)
		return ci64(rec, f) == NO_ID && !crefkey(rec, f)[0];
	if (f->kind == EK_BOOL)
		return 0;
	if (f->kind == EK_CHOICE)
		return !choice_name(rec, f)[0];
	return (f->flags & EF_NULLABLE) && ci64(rec, f) == NO_ID;
}

void entity_set_none(const struct ent_field *f, void *rec)
{
	if (is_text_kind(f->kind))
		txt(rec, f)[0] = '\0';
	else if (f->kind == EK_DATE)
		*i32(rec, f) = NO_DATE;
	else if (f->kind == EK_BOOL)
		*(int *)((char *)rec + f->off) = 0;
	else if (f->kind == EK_CHOICE)
		*iint(rec, f) = (int)f->min - 1;
	else if (f->kind == EK_REF) {
		*i64(rec, f) = NO_ID;
		refkey(rec, f)[0] = '\0';
	} else
		*i64(rec, f) = (f->flags & EF_NULLABLE) ? NO_ID : 0;
}

void entity_input_set(const struct entity *e, struct ent_input *in, const struct ent_field *f,
		      int is_null)
{
	int i = entity_field_index(e, f);

	in->set |= (uint64_t)1 << i;
	if (is_null)
		in->null |= (uint64_t)1 << i;
	else
		in->null &= ~((uint64_t)1 << i);
}

static int given(const struct entity *e, const struct ent_input *in, const struct ent_field *f)
{
	return in && (in->set >> entity_field_index(e, f) & 1);
}

int entity_given(const struct entity *e, const struct ent_input *in, const char *name)
{
	const struct ent_field *f = entity_field(e, name);
	return f && given(e, in, f);
}

const struct ent_field *entity_variant(const struct ent_field *f, const void *rec)
{
	const struct ent_field *v = f->variant ? f->variant(rec) : NULL;
	return v ? v : f;
}

void entity_input_raw(const struct entity *e, struct ent_input *in, const struct ent_field *f,
		      const char *text, int json)
{
	int i = entity_field_index(e, f);

	in->raw[i] = text;
	in->raw_json[i] = (unsigned char)(json != 0);
	entity_input_set(e, in, f, 0);
}

int entity_rate_bp(double v, const char *field, int64_t *out, struct err *err)
{
	double bp = v * 10000.0;

	if (!(v >= 0.0 && v <= 1.0))
		return err_set(err, ERR_INVALID, field, "rate_range:_,value",
			       "%s must be a rate between 0 and 1, not %g", field, v);
	if (bp - (double)(int64_t)(bp + 0.5) > 1e-6 || (double)(int64_t)(bp + 0.5) - bp > 1e-6)
		return err_set(err, ERR_INVALID, field, "rate_precision:_,value",
			       "%s %g has more than four decimals (a rate is kept in basis points)",
			       field, v);
	*out = (int64_t)(bp + 0.5);
	return 0;
}

static int given_null(const struct entity *e, const struct ent_input *in,
		      const struct ent_field *f)
{
	return in && (in->null >> entity_field_index(e, f) & 1);
}

/* A text field's largest length in bytes. */
static size_t text_max(const struct ent_field *f)
{
	size_t cap = f->size ? f->size - 1 : 0;
	return f->max > 0 && (size_t)f->max < cap ? (size_t)f->max : cap;
}

static int parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "yes", "true", "1", "y", "on", NULL };
	static const char *const no[] = { "no", "false", "0", "n", "off", NULL };

	for (int i = 0; yes[i]; i++)
		if (!strcmp(s, yes[i]))
			return *out = 1, 0;
	for (int i = 0; no[i]; i++)
		if (!strcmp(s, no[i]))
			return *out = 0, 0;
	return -1;
}

static void enum_list(const struct ent_field *f, char *out, size_t size);

int entity_parse_text(const struct ent_field *f, const char *text, void *rec, struct err *err)
{
	size_t len = strlen(text);
	int64_t v;

	switch (f->kind) {
	case EK_TEXT:
	case EK_NOTE:
	case EK_CODE:
	case EK_EMAIL:
	case EK_ENUM:
		if (len >= f->size)
			return err_set(err, ERR_INVALID, f->name, "too_long:_,len,max",
				       "%s is too long (%zu bytes, at most %zu)", f->name, len,
				       text_max(f));
		memcpy(txt(rec, f), text, len + 1);
		return 0;
	case EK_MONEY:
		return money_parse(text, len, i64(rec, f), f->name, err);
	case EK_RATIO:
		/* a percent with at most two decimals is a whole number of basis points */
		if (money_parse(text, len, &v, f->name, err)) {
			if (!strcmp(err->reason, "too_precise"))
				err_set(err, ERR_INVALID, f->name, "rate_precision:value",
					"\"%s\" has more than two decimals (a percent, e.g. 12.5)",
					text);
			return -1;
		}
		*i64(rec, f) = v;
		return 0;
	case EK_INSTANT:
		/* an instant as text is ISO 8601 (a list's range filter); seconds still read */
		if (memchr(text, 'T', len))
			return ts_parse(text, len, i64(rec, f), f->name, err);
		return int_parse(text, len, i64(rec, f), f->name, err);
	case EK_COUNT:
	case EK_ID:
	case EK_VERSION:
		return int_parse(text, len, i64(rec, f), f->name, err);
	case EK_DATE:
		return date_parse(text, len, i32(rec, f), f->name, err);
	case EK_BOOL: {
		int b;
		if (parse_bool(text, &b))
			return err_set(err, ERR_INVALID, f->name, "not_yes_no:value",
				       "%s takes yes or no, not \"%.40s\"", f->name, text);
		*(int *)((char *)rec + f->off) = b;
		return 0;
	}
	case EK_CHOICE:
		/* an unknown name is kept as none (min - 1) */
		*iint(rec, f) = (int)f->min + choice_index(f, text);
		if (choice_index(f, text) < 0) {
			char list[200];
			enum_list(f, list, sizeof(list));
			return err_set(err, ERR_INVALID, f->name, "bad_enum:value,_,allowed",
				       "\"%.40s\" is not a %s (%s)", text, f->name, list);
		}
		return 0;
	case EK_REF:
		if (len >= f->key_size)
			return err_set(err, ERR_INVALID, f->name, "too_long:_,len,max",
				       "%s is too long (%zu bytes, at most %zu)", f->name, len,
				       f->key_size - 1);
		*i64(rec, f) = NO_ID;
		memcpy(refkey(rec, f), text, len + 1);
		return 0;
	}
	return err_set(err, ERR_INTERNAL, f->name, "internal", "field %s has no kind", f->name);
}

void entity_format(const struct ent_field *f, const void *rec, char *out, size_t size)
{
	char m[40];

	f = entity_variant(f, rec);
	out[0] = '\0';
	if (entity_is_none(f, rec) && f->kind != EK_BOOL)
		return;
	switch (f->kind) {
	case EK_CHOICE:
		snprintf(out, size, "%s", choice_name(rec, f));
		break;
	case EK_TEXT:
	case EK_NOTE:
	case EK_CODE:
	case EK_EMAIL:
	case EK_ENUM:
		snprintf(out, size, "%s", ctxt(rec, f));
		break;
	case EK_MONEY:
		snprintf(out, size, "%s", money_format(ci64(rec, f), m));
		break;
	case EK_RATIO: {
		/* basis points as a percent with one decimal, rounded half away from zero */
		int64_t bp = ci64(rec, f), tenths = (bp >= 0 ? bp + 5 : bp - 5) / 10;
		snprintf(out, size, "%s%lld.%lld", tenths < 0 ? "-" : "",
			 (long long)(tenths < 0 ? -tenths : tenths) / 10,
			 (long long)(tenths < 0 ? -tenths : tenths) % 10);
		break;
	}
	case EK_COUNT:
	case EK_ID:
	case EK_VERSION:
		snprintf(out, size, "%lld", (long long)ci64(rec, f));
		break;
	case EK_INSTANT: {
		char ts[32];
		snprintf(out, size, "%s", entity_is_none(f, rec) ? "" : ts_format(ci64(rec, f), ts));
		break;
	}
	case EK_DATE: {
		char d[16];
		snprintf(out, size, "%s", date_format(ci32(rec, f), d));
		break;
	}
	case EK_BOOL:
		snprintf(out, size, "%s", *(const int *)((const char *)rec + f->off) ? "yes" : "no");
		break;
	case EK_REF:
		snprintf(out, size, "%s", crefkey(rec, f));
		break;
	}
}

/*
 * rec's members: each field (as its variant is for rec), then the noun's extra
 * ones; stored_only leaves out the values a read computes (no column: a
 * reader's totals), for the audit.
 */
static void write_members(struct jw *w, const struct entity *e, const void *rec, int stored_only)
{
	for (const struct ent_field *ef = e->fields; ef->name; ef++) {
		const struct ent_field *f = entity_variant(ef, rec);
		if (f->flags & (EF_HIDDEN | EF_INPUT))
			continue;
		if (stored_only && !f->column)
			continue;
		switch (f->kind) {
		case EK_CHOICE:
			jw_kstr(w, f->name, entity_is_none(f, rec) ? NULL : choice_name(rec, f));
			break;
		case EK_TEXT:
		case EK_NOTE:
		case EK_CODE:
		case EK_EMAIL:
		case EK_ENUM:
			jw_kstr(w, f->name, ctxt(rec, f));
			break;
		case EK_MONEY:
		case EK_COUNT:
		case EK_ID:
		case EK_VERSION:
			if (entity_is_none(f, rec))
				jw_kstr(w, f->name, NULL);
			else
				jw_kint(w, f->name, ci64(rec, f));
			break;
		case EK_RATIO:
			if (entity_is_none(f, rec))
				jw_kstr(w, f->name, NULL);
			else
				jw_knum(w, f->name, (double)ci64(rec, f) / 10000.0, 4);
			break;
		case EK_INSTANT:
			if (entity_is_none(f, rec))
				jw_kstr(w, f->name, NULL);
			else
				jw_kts(w, f->name, ci64(rec, f));
			break;
		case EK_DATE:
			jw_kdate(w, f->name, ci32(rec, f));
			break;
		case EK_BOOL:
			jw_kbool(w, f->name, *(const int *)((const char *)rec + f->off));
			break;
		case EK_REF:
			/* a noun named by its id (a training session) is referred to by the id */
			if (f->ref && entity_key(f->ref)->kind == EK_ID) {
				if (ci64(rec, f) == NO_ID)
					jw_kstr(w, f->name, NULL);
				else
					jw_kint(w, f->name, ci64(rec, f));
			} else {
				jw_kstr(w, f->name, crefkey(rec, f)[0] ? crefkey(rec, f) : NULL);
			}
			break;
		}
	}
	if (e->hooks.write_extra)
		e->hooks.write_extra(w, rec);
}

void entity_write_json(struct jw *w, const struct entity *e, const void *rec)
{
	jw_obj(w);
	write_members(w, e, rec, 0);
	jw_obj_end(w);
}

const char *entity_json(const struct entity *e, const void *rec, struct buf *b)
{
	struct jw w;

	buf_reset(b);
	jw_init(&w, b);
	entity_write_json(&w, e, rec);
	return buf_cstr(b);
}

int entity_write_json_detail(struct store *st, struct jw *w, const struct entity *e,
			     const void *rec, struct err *err)
{
	int r = 0;

	jw_obj(w);
	write_members(w, e, rec, 0);
	if (e->hooks.write_detail)
		r = e->hooks.write_detail(st, w, rec, err);
	jw_obj_end(w);
	return r;
}

/* --- the statements ------------------------------------------------------------------ */

static const struct ent_field *ref_key(const struct ent_field *f)
{
	return entity_key(f->ref);
}

/* A filter's condition with "?NOW" (or "?TODAY") written as parameter n. */
static void write_now(struct buf *b, const char *cond, int n)
{
	const char *at;

	for (;;) {
		const char *now = strstr(cond, "?NOW"), *today = strstr(cond, "?TODAY");
		size_t len = 4;
		at = now;
		if (today && (!now || today < now)) {
			at = today;
			len = 6;
		}
		if (!at)
			break;
		buf_add(b, cond, (size_t)(at - cond));
		buf_addf(b, "?%d", n);
		cond = at + len;
	}
	buf_adds(b, cond);
}

/* Filters of the list and count statements: " AND (...)" for each filterable field. */
static void write_filters(struct ent_sql *q, struct buf *b, int first_param)
{
	const struct entity *e = q->e;
	int n = first_param;

	for (const struct ent_field *f = e->fields; f->name; f++) {
		int i = entity_field_index(e, f);
		if ((f->flags & EF_FILTER) && f->filter_sql) {
			q->param[i] = n++;
			/* a condition without "?NOW" or "?TODAY" takes no second parameter (a
			 * numbered parameter left unused is an error on PostgreSQL) */
			q->param2[i] = strstr(f->filter_sql, "?NOW") || strstr(f->filter_sql, "?TODAY")
					       ? n++
					       : 0;
			buf_addf(b, " AND (CAST(?%d AS BIGINT) IS NULL OR (CASE WHEN (", q->param[i]);
			write_now(b, f->filter_sql, q->param2[i]);
			buf_addf(b, ") THEN 1 ELSE 0 END) = ?%d)", q->param[i]);
			continue;
		}
		if (!(f->flags & EF_FILTER) || !is_column(f))
			continue;
		if (f->kind == EK_DATE || f->kind == EK_MONEY || f->kind == EK_INSTANT) {
			q->param[i] = n++;
			q->param2[i] = n++;
			buf_addf(b,
				 " AND (CAST(?%d AS BIGINT) IS NULL OR t.%s >= ?%d)"
				 " AND (CAST(?%d AS BIGINT) IS NULL OR t.%s <= ?%d)",
				 q->param[i], f->column, q->param[i], q->param2[i], f->column,
				 q->param2[i]);
		} else if (f->kind == EK_TEXT || f->kind == EK_NOTE || f->kind == EK_EMAIL ||
			   f->kind == EK_CODE) {
			q->param[i] = n++;
			buf_addf(b,
				 " AND (CAST(?%d AS TEXT) IS NULL OR LOWER(t.%s) LIKE ?%d ESCAPE '!')",
				 q->param[i], f->column, q->param[i]);
		} else if (f->kind == EK_ENUM || f->kind == EK_CHOICE) {
			q->param[i] = n++;
			buf_addf(b, " AND (CAST(?%d AS TEXT) IS NULL OR t.%s = ?%d)", q->param[i],
				 f->column, q->param[i]);
		} else {
			q->param[i] = n++;
			buf_addf(b, " AND (CAST(?%d AS BIGINT) IS NULL OR t.%s = ?%d)", q->param[i],
				 f->column, q->param[i]);
		}
	}
	q->nparams = n - 1;
}

static char *detach(struct buf *b)
{
	char *s = xstrdup(buf_cstr(b));
	buf_release(b);
	return s;
}

/* Write every statement of e (called once, under sql_lock). */
static struct ent_sql *build(const struct entity *e)
{
	struct ent_sql *q = xcalloc(1, sizeof(*q));
	struct buf sel = BUF_INIT, joins = BUF_INIT, b = BUF_INIT, where = BUF_INIT;
	const struct ent_field *key = entity_key(e);
	int project = e->scope == ENT_PROJECT, col = 0, nref = 0, k;
	char *filters;

	q->e = e;
	for (int i = 0; i < ENT_MAX_FIELDS; i++)
		q->col[i] = q->keycol[i] = -1;
	/* each reference's join, r1, r2... in the order of the fields */
	for (const struct ent_field *f = e->fields; f->name; f++)
		if (f->kind == EK_REF && is_column(f))
			q->alias[entity_field_index(e, f)] = ++nref;
	/* SELECT: each column, each reference's key through its join, each field read via one */
	for (const struct ent_field *f = e->fields; f->name; f++) {
		int i = entity_field_index(e, f);
		if (f->via && f->column) {
			const struct ent_field *rf = entity_field(e, f->via);
			buf_addf(&sel, "%sr%d.%s", col ? ", " : "",
				 q->alias[entity_field_index(e, rf)], f->column);
			q->col[i] = col++;
			continue;
		}
		if (!is_column(f) || (f->flags & EF_HIDDEN))
			continue;
		buf_addf(&sel, "%st.%s", col ? ", " : "", f->column);
		q->col[i] = col++;
		if (f->kind == EK_REF) {
			buf_addf(&sel, ", r%d.%s", q->alias[i], ref_key(f)->column);
			buf_addf(&joins, " LEFT JOIN %s r%d ON r%d.id = t.%s", f->ref->table, q->alias[i],
				 q->alias[i], f->column);
			q->keycol[i] = col++;
		}
	}
	buf_addf(&b, "SELECT %s FROM %s t%s", buf_cstr(&sel), e->table, buf_cstr(&joins));
	q->select = detach(&b);
	/* a reference as the key (a member named by its user's login) matches the target's key */
	if (key->kind == EK_REF)
		buf_addf(&b, "%s WHERE r%d.%s = ?1%s", q->select,
			 q->alias[entity_field_index(e, key)], ref_key(key)->column,
			 project ? " AND t.project_id = ?2" : "");
	else
		buf_addf(&b, "%s WHERE t.%s = ?1%s", q->select, key->column,
			 project ? " AND t.project_id = ?2" : "");
	q->get = detach(&b);
	buf_addf(&b, "%s WHERE t.id = ?1%s", q->select, project ? " AND t.project_id = ?2" : "");
	q->get_id = detach(&b);

	/* filters: the project is ?1 for project nouns */
	buf_adds(&where, project ? " WHERE t.project_id = ?1" : " WHERE 1 = 1");
	write_filters(q, &where, project ? 2 : 1);
	filters = detach(&where);
	buf_addf(&b, "SELECT COUNT(*) FROM %s t%s", e->table, filters);
	q->count = detach(&b);
	/* one list statement per order: the noun's own, then each sortable field's */
	for (const struct ent_field *f = e->fields; f->name; f++)
		if ((f->flags & EF_SORT) && is_column(f))
			q->nsorts++;
	q->list = xcalloc((size_t)(2 * (q->nsorts + 1)), sizeof(char *));
	k = 0;
	for (int pass = -1; pass < q->nsorts; pass++) {
		const struct ent_field *sf = NULL;
		int seen = 0;
		if (pass >= 0)
			for (const struct ent_field *f = e->fields; f->name; f++)
				if ((f->flags & EF_SORT) && is_column(f) && seen++ == pass)
					sf = f;
		for (int desc = 0; desc < 2; desc++) {
			buf_addf(&b, "%s%s ORDER BY ", q->select, filters);
			if (!sf)
				buf_addf(&b, "%s%s", e->order ? e->order : "t.id", desc ? " DESC" : "");
			else if (sf->kind == EK_REF) /* a reference sorts by its key */
				buf_addf(&b, "r%d.%s%s", q->alias[entity_field_index(e, sf)],
					 ref_key(sf)->column, desc ? " DESC" : "");
			else
				buf_addf(&b, "t.%s%s", sf->column, desc ? " DESC" : "");
			buf_addf(&b, ", t.id%s LIMIT ?%d OFFSET ?%d", desc ? " DESC" : "",
				 q->nparams + 1, q->nparams + 2);
			q->list[k++] = detach(&b);
		}
	}
	free(filters);

	/* INSERT: every writable column, the project, the version and times */
	{
		struct buf cols = BUF_INIT, vals = BUF_INIT;
		int n = 0;
		for (const struct ent_field *f = e->fields; f->name; f++) {
			if (!is_column(f) || f->kind == EK_ID || f->kind == EK_VERSION)
				continue;
			if (f->kind == EK_INSTANT && (f->flags & EF_READONLY) &&
			    strcmp(f->name, "created_at") && strcmp(f->name, "updated_at"))
				continue;
			buf_addf(&cols, "%s%s", n ? ", " : "", f->column);
			buf_addf(&vals, "%s?%d", n ? ", " : "", n + 1);
			n++;
		}
		if (project) {
			buf_addf(&cols, ", project_id");
			buf_addf(&vals, ", ?%d", n + 1);
		}
		buf_addf(&b, "INSERT INTO %s (%s) VALUES (%s) RETURNING id", e->table,
			 buf_cstr(&cols), buf_cstr(&vals));
		q->insert = detach(&b);
		buf_release(&cols);
		buf_release(&vals);
	}
	/* UPDATE: every writable column but the key and the creation time, by id and version */
	{
		int n = 0;
		buf_addf(&b, "UPDATE %s SET ", e->table);
		for (const struct ent_field *f = e->fields; f->name; f++) {
			if (!is_column(f) || f->kind == EK_ID || f->kind == EK_VERSION ||
			    (f->flags & EF_KEY) || !strcmp(f->name, "created_at"))
				continue;
			if (f->kind == EK_INSTANT && (f->flags & EF_READONLY) &&
			    strcmp(f->name, "updated_at"))
				continue;
			buf_addf(&b, "%s = ?%d, ", f->column, ++n);
		}
		buf_addf(&b, "version = version + 1 WHERE id = ?%d AND version = ?%d RETURNING version",
			 n + 1, n + 2);
		q->update = detach(&b);
	}
	buf_addf(&b, "DELETE FROM %s WHERE id = ?1 AND version = ?2 RETURNING id", e->table);
	q->remove = detach(&b);
	buf_release(&sel);
	buf_release(&joins);
	return q;
}

static const struct ent_sql *sql_of(const struct entity *e)
{
	struct ent_sql *q = NULL;

	pthread_mutex_lock(&sql_lock);
	for (size_t i = 0; i < nsqls; i++)
		if (sqls[i]->e == e)
			q = sqls[i];
	if (!q) {
		q = build(e);
		sqls = xrealloc(sqls, (nsqls + 1) * sizeof(*sqls));
		sqls[nsqls++] = q;
	}
	pthread_mutex_unlock(&sql_lock);
	return q;
}

/* --- reading ------------------------------------------------------------------------- */

static void read_row(struct store *st, struct stmt *s, const struct ent_sql *q, void *rec)
{
	const struct entity *e = q->e;

	memset(rec, 0, e->size);
	for (const struct ent_field *f = e->fields; f->name; f++) {
		int i = entity_field_index(e, f), c = q->col[i];
		if (c < 0) {
			if (is_column(f) || (f->flags & EF_INPUT))
				entity_set_none(f, rec);
			continue;
		}
		if (is_text_kind(f->kind)) {
			snprintf(txt(rec, f), f->size, "%s", store_col_text(st, s, c));
		} else if (f->kind == EK_DATE) {
			*i32(rec, f) = (int32_t)store_col_int_or(st, s, c, NO_DATE);
		} else if (f->kind == EK_BOOL) {
			*(int *)((char *)rec + f->off) = store_col_int(st, s, c) != 0;
		} else if (f->kind == EK_CHOICE) {
			*iint(rec, f) = (int)f->min + choice_index(f, store_col_text(st, s, c));
		} else if (f->kind == EK_REF) {
			*i64(rec, f) = store_col_int_or(st, s, c, NO_ID);
			snprintf(refkey(rec, f), f->key_size, "%s", store_col_text(st, s, q->keycol[i]));
		} else {
			*i64(rec, f) = store_col_int_or(st, s, c, (f->flags & EF_NULLABLE) ? NO_ID : 0);
		}
	}
}

/* The actor may read e (in project p): the noun's rule. */
static int may_read(struct store *st, const struct actor *a, const struct entity *e,
		    const struct ent_project *p, struct err *err)
{
	char what[80];

	snprintf(what, sizeof(what), "reading %s", e->plural);
	if (e->scope == ENT_PROJECT)
		return require_project(st, a, p->id, p->code, e->read_prole, what, err);
	return require_role(a, e->read_role, what, err);
}

/* Read the record named key into out: by its key field, or by id (by_id: key is the id's text). */
static int get_row(struct store *st, const struct ent_sql *q, const struct ent_project *p,
		   int by_id, const char *key, void *out, struct err *err)
{
	const struct entity *e = q->e;
	struct stmt *s;
	int rc;
	int64_t id = 0;

	if (by_id) {
		if (int_parse(key, strlen(key), &id, e->name, err))
			return err_set(err, ERR_NOT_FOUND, e->name, "no_record:_,key", "no %s \"%.40s\"",
				       e->name, key);
		s = store_prepare(st, q->get_id, err);
	} else {
		s = store_prepare(st, q->get, err);
	}
	if (!s)
		return -1;
	if (by_id)
		store_bind_int(st, s, 1, id);
	else
		store_bind_text(st, s, 1, key);
	if (e->scope == ENT_PROJECT)
		store_bind_int(st, s, 2, p->id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		read_row(st, s, q, out);
	store_done(st, s);
	if (rc == STORE_DONE)
		return err_set(err, ERR_NOT_FOUND, e->name, "no_record:_,key", "no %s \"%.60s\"",
			       e->name, key);
	return rc < 0 ? -1 : 0;
}

static int get_by(struct store *st, const struct ent_sql *q, const struct ent_project *p,
		  const char *key, void *out, struct err *err)
{
	return get_row(st, q, p, entity_key(q->e)->kind == EK_ID, key, out, err);
}

int entity_load(struct store *st, const struct entity *e, const struct ent_project *p,
		const char *key, int by_id, void *out, struct err *err)
{
	return get_row(st, sql_of(e), p, by_id || entity_key(e)->kind == EK_ID, key, out, err);
}

/* The values a read adds from other tables (the noun's fill hook). */
static int fill(struct store *st, const struct actor *a, const struct entity *e, void *rec,
		struct err *err)
{
	return e->hooks.fill ? e->hooks.fill(st, a, rec, err) : 0;
}

int entity_get(struct store *st, const struct actor *a, const struct entity *e,
	       const struct ent_project *p, const char *key, void *out, struct err *err)
{
	if (may_read(st, a, e, p, err) || get_by(st, sql_of(e), p, key, out, err))
		return -1;
	return fill(st, a, e, out, err);
}

int entity_ref_id(struct store *st, const struct entity *e, const char *key, int64_t *id,
		  struct err *err)
{
	const struct ent_sql *q = sql_of(e);
	void *rec = xmalloc(e->size);
	const struct ent_field *idf = field_named_kind(e, EK_ID, NULL);
	struct ent_project none = { 0, "" };
	struct err e2;
	int r;

	r = get_by(st, q, e->scope == ENT_PROJECT ? &none : NULL, key, rec, &e2);
	if (!r)
		*id = ci64(rec, idf);
	else if (e2.code == ERR_NOT_FOUND)
		*id = NO_ID;
	else
		err_copy(err, &e2);
	free(rec);
	return r && e2.code != ERR_NOT_FOUND ? -1 : 0;
}

/* "%text%" for LIKE, lower-cased (ASCII, as SQL's LOWER), with ! escaping the wildcards. */
static void like_pattern(const char *s, struct buf *b)
{
	buf_addch(b, '%');
	for (; *s; s++) {
		char c = *s;
		if (c == '%' || c == '_' || c == '!')
			buf_addch(b, '!');
		buf_addch(b, (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c);
	}
	buf_addch(b, '%');
}

/* Bind q's filter parameters from the query's filters (each checked against the allow-list). */
static int bind_filters(struct store *st, struct stmt *s, const struct ent_sql *q,
			const struct ent_project *p, const struct ent_query *qq, struct err *err)
{
	const struct entity *e = q->e;
	void *scratch = xcalloc(1, e->size);
	int r = -1;

	if (e->scope == ENT_PROJECT)
		store_bind_int(st, s, 1, p->id);
	for (int k = 0; qq && k < qq->nfilters; k++) {
		const struct ent_field *f = entity_field(e, qq->filter_name[k]);
		const char *v = qq->filter_value[k];
		int i;
		if (!f || !(f->flags & EF_FILTER) || (!is_column(f) && !f->filter_sql)) {
			err_set(err, ERR_INVALID, qq->filter_name[k], "bad_filter:name",
				"cannot filter %s by \"%.40s\"", e->plural, qq->filter_name[k]);
			goto out;
		}
		i = entity_field_index(e, f);
		if (!v || !*v)
			continue;
		if (f->filter_sql) {
			if (entity_parse_text(f, v, scratch, err))
				goto out;
			store_bind_int(st, s, q->param[i], *(int *)((char *)scratch + f->off));
			if (q->param2[i])
				store_bind_int(st, s, q->param2[i],
					       strstr(f->filter_sql, "?TODAY") ? (int64_t)date_today()
									: ts_now());
		} else if (f->kind == EK_DATE || f->kind == EK_MONEY || f->kind == EK_INSTANT) {
			/* "A", "A..B", "A..", "..B" */
			const char *dots = strstr(v, "..");
			char lo[64], hi[64];
			snprintf(lo, sizeof(lo), "%.*s", dots ? (int)(dots - v) : (int)strlen(v), v);
			snprintf(hi, sizeof(hi), "%s", dots ? dots + 2 : v);
			if (lo[0]) {
				if (entity_parse_text(f, lo, scratch, err))
					goto out;
				store_bind_int(st, s, q->param[i],
					       f->kind == EK_DATE ? ci32(scratch, f) : ci64(scratch, f));
			}
			if (hi[0]) {
				if (entity_parse_text(f, hi, scratch, err))
					goto out;
				store_bind_int(st, s, q->param2[i],
					       f->kind == EK_DATE ? ci32(scratch, f) : ci64(scratch, f));
			}
		} else if (f->kind == EK_TEXT || f->kind == EK_NOTE || f->kind == EK_EMAIL ||
			   f->kind == EK_CODE) {
			struct buf pat = BUF_INIT;
			like_pattern(v, &pat);
			store_bind_text(st, s, q->param[i], buf_cstr(&pat));
			buf_release(&pat);
		} else if (f->kind == EK_ENUM || f->kind == EK_CHOICE) {
			store_bind_text(st, s, q->param[i], v);
		} else if (f->kind == EK_REF) {
			int64_t id;
			if (entity_ref_id(st, f->ref, v, &id, err))
				goto out;
			/* a filter on a record that does not exist matches nothing */
			store_bind_int(st, s, q->param[i], id == NO_ID ? INT64_MIN + 1 : id);
		} else {
			if (entity_parse_text(f, v, scratch, err))
				goto out;
			store_bind_int(st, s, q->param[i],
				       f->kind == EK_BOOL ? *(int *)((char *)scratch + f->off)
							  : ci64(scratch, f));
		}
	}
	r = 0;
out:
	free(scratch);
	return r;
}

int entity_list(struct store *st, const struct actor *a, const struct entity *e,
		const struct ent_project *p, const struct ent_query *qq, struct ent_rows *out,
		struct err *err)
{
	const struct ent_sql *q = sql_of(e);
	int which = 0, rc;
	size_t first;
	struct stmt *s;

	if (may_read(st, a, e, p, err))
		return -1;
	if (qq && qq->sort) {
		int seen = 0, found = -1;
		for (const struct ent_field *f = e->fields; f->name; f++) {
			if (!(f->flags & EF_SORT) || !is_column(f))
				continue;
			if (!strcmp(f->name, qq->sort))
				found = seen;
			seen++;
		}
		if (found < 0)
			return err_set(err, ERR_INVALID, "sort", "bad_sort:value",
				       "cannot sort %s by \"%.40s\"", e->plural, qq->sort);
		which = found + 1;
	}
	if (qq && (qq->limit < 0 || qq->offset < 0))
		return err_set(err, ERR_INVALID, qq->limit < 0 ? "limit" : "offset", "negative",
			       "limit and offset cannot be negative");
	/* the count */
	if (!(s = store_prepare(st, q->count, err)))
		return -1;
	if (bind_filters(st, s, q, p, qq, err)) {
		store_done(st, s);
		return -1;
	}
	rc = store_step(st, s, err);
	out->total = rc == STORE_ROW ? store_col_int(st, s, 0) : 0;
	store_done(st, s);
	if (rc < 0)
		return -1;
	/* the page */
	first = out->n;
	if (!(s = store_prepare(st, q->list[2 * which + (qq && qq->desc)], err)))
		return -1;
	if (bind_filters(st, s, q, p, qq, err)) {
		store_done(st, s);
		return -1;
	}
	store_bind_int(st, s, q->nparams + 1, qq && qq->limit ? qq->limit : INT64_MAX);
	store_bind_int(st, s, q->nparams + 2, qq ? qq->offset : 0);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		if (out->n >= out->alloc) {
			out->alloc = out->alloc * 2 + 16;
			out->items = xrealloc(out->items, out->alloc * e->size);
		}
		read_row(st, s, q, (char *)out->items + out->n * e->size);
		out->n++;
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	/* after the statement is done: a hook may run statements of its own */
	for (size_t i = first; i < out->n; i++)
		if (fill(st, a, e, (char *)out->items + i * e->size, err))
			return -1;
	return 0;
}

void entity_rows_release(struct ent_rows *r)
{
	free(r->items);
	r->items = NULL;
	r->n = r->alloc = 0;
	r->total = 0;
}

/* --- writing ---------------------------------------------------------------------------- */

/* Whether s looks like an email address: one @, something before it, a dot after it. */
static int email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	return at && at > s && !strchr(at + 1, '@') && strchr(at + 1, '.') && !strchr(s, ' ') &&
	       at[1] != '.' && s[strlen(s) - 1] != '.';
}

static int enum_ok(const struct ent_field *f, const char *v)
{
	for (const char *const *w = f->values; w && *w; w++)
		if (!strcmp(*w, v))
			return 1;
	return 0;
}

/* The allowed values of an enum, for its message ("a, b or c"). */
static void enum_list(const struct ent_field *f, char *out, size_t size)
{
	struct buf b = BUF_INIT;
	int n = 0;

	for (const char *const *w = f->values; w && *w; w++)
		n++;
	for (int i = 0; i < n; i++)
		buf_addf(&b, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", f->values[i]);
	snprintf(out, size, "%s", buf_cstr(&b));
	buf_release(&b);
}

/* Check one given field's value in rec by its kind and limits (the reference resolved). */
static int check_field(struct store *st, const struct entity *e, const struct ent_field *f,
		       void *rec, int is_null, struct err *err)
{
	char list[200];
	int64_t v;

	if (is_null) {
		if (!(f->flags & EF_NULLABLE) && !is_text_kind(f->kind))
			return err_set(err, ERR_INVALID, f->name, "wrong_type_null:_,type",
				       "%s cannot be null%s", f->name, "");
		entity_set_none(f, rec);
		if (is_text_kind(f->kind) && (f->flags & EF_REQUIRED))
			return err_set(err, ERR_INVALID, f->name, "required", "%s is required",
				       f->name);
		return 0;
	}
	switch (f->kind) {
	case EK_TEXT:
	case EK_NOTE: {
		/* a copy as long as the text (a fixed buffer would cut a long note short) */
		char *tmp;
		size_t max = text_max(f);
		int r;
		if (strlen(ctxt(rec, f)) > max)
			return err_set(err, ERR_INVALID, f->name, "too_long:_,len,max",
				       "%s is too long (%zu bytes, at most %zu)", f->name,
				       strlen(ctxt(rec, f)), max);
		tmp = xstrdup(ctxt(rec, f));
		r = text_field(txt(rec, f), max + 1, tmp, (f->flags & EF_REQUIRED) != 0,
			       f->kind == EK_NOTE, f->name, err);
		free(tmp);
		return r;
	}
	case EK_CODE: {
		char tmp[80];
		snprintf(tmp, sizeof(tmp), "%s", ctxt(rec, f));
		return code_field(txt(rec, f), f->size, tmp, f->name, err);
	}
	case EK_EMAIL:
		if (ctxt(rec, f)[0] && !email_ok(ctxt(rec, f)))
			return err_set(err, ERR_INVALID, f->name, "not_email:value",
				       "\"%s\" is not an email address", ctxt(rec, f));
		if (strlen(ctxt(rec, f)) > text_max(f))
			return err_set(err, ERR_INVALID, f->name, "too_long:_,len,max",
				       "%s is too long (%zu bytes, at most %zu)", f->name,
				       strlen(ctxt(rec, f)), text_max(f));
		return 0;
	case EK_ENUM:
	case EK_CHOICE:
		if (f->kind == EK_CHOICE ? !choice_name(rec, f)[0] : !enum_ok(f, ctxt(rec, f))) {
			enum_list(f, list, sizeof(list));
			return err_set(err, ERR_INVALID, f->name, "bad_enum:value,_,_,allowed",
				       "\"%.40s\" is not a %s %s (%s)",
				       f->kind == EK_CHOICE ? "" : ctxt(rec, f), e->name, f->name, list);
		}
		return 0;
	case EK_MONEY:
	case EK_COUNT:
	case EK_RATIO:
		v = ci64(rec, f);
		if (v < f->min || v > f->max) {
			char a[40], b[40], c[40];
			/* the reasons the rest of the product gives for an amount or a rate out of bounds */
			if (f->kind != EK_COUNT && v < 0 && f->min == 0)
				return err_set(err, ERR_INVALID, f->name, "negative",
					       "%s cannot be negative", f->name);
			if (f->kind == EK_MONEY && v > f->max)
				return err_set(err, ERR_INVALID, f->name, "amount_limit:max",
					       "%s is at most %s", f->name,
					       money_format_grouped(f->max, c));
			if (f->kind == EK_RATIO && f->min == 0 && f->max == 10000)
				return err_set(err, ERR_INVALID, f->name, "percent_range:bp",
					       "%s is between 0%% and 100%%, not %lld basis points",
					       f->name, (long long)v);
			if (f->kind == EK_MONEY)
				return err_set(err, ERR_INVALID, f->name, "amount_range:_,value,min,max",
					       "%s %s is out of range (%s to %s)", f->name,
					       money_format(v, a), money_format(f->min, b),
					       money_format(f->max, c));
			if (f->kind == EK_RATIO)
				return err_set(err, ERR_INVALID, f->name, "percent_out_of_range:_,value,min,max",
					       "%s %lld basis points is out of range (%lld to %lld)",
					       f->name, (long long)v, (long long)f->min,
					       (long long)f->max);
			return err_set(err, ERR_INVALID, f->name, "number_range:_,value,min,max",
				       "%s %lld is out of range (%lld to %lld)", f->name, (long long)v,
				       (long long)f->min, (long long)f->max);
		}
		return 0;
	case EK_REF: {
		int64_t id;
		char key[200];
		if (!crefkey(rec, f)[0] && ci64(rec, f) != NO_ID)
			return 0; /* set by id (the noun's own code) */
		if (!crefkey(rec, f)[0]) {
			*i64(rec, f) = NO_ID;
			return 0;
		}
		snprintf(key, sizeof(key), "%s", crefkey(rec, f));
		if (entity_ref_id(st, f->ref, key, &id, err))
			return -1;
		if (id == NO_ID)
			return err_set(err, ERR_INVALID, f->name, "no_ref:_,kind,key",
				       "%s: no %s \"%.60s\"", f->name, f->ref->name, key);
		*i64(rec, f) = id;
		return 0;
	}
	case EK_DATE:
	case EK_BOOL:
	case EK_INSTANT:
	case EK_ID:
	case EK_VERSION:
		return 0;
	}
	(void)e;
	return 0;
}

/* Copy one field's value from src to dst. */
static void copy_field(const struct ent_field *f, void *dst, const void *src)
{
	if (is_text_kind(f->kind))
		memcpy(txt(dst, f), ctxt(src, f), f->size);
	else if (f->kind == EK_DATE)
		*i32(dst, f) = ci32(src, f);
	else if (f->kind == EK_BOOL || f->kind == EK_CHOICE)
		*(int *)((char *)dst + f->off) = *(const int *)((const char *)src + f->off);
	else {
		*i64(dst, f) = ci64(src, f);
		if (f->kind == EK_REF)
			memcpy(refkey(dst, f), crefkey(src, f), f->key_size);
	}
}

/* A JSON number's text into field f (as its variant is) of rec. */
static int parse_number(const struct ent_field *f, const char *text, void *rec, struct err *err)
{
	int64_t v;

	if (f->kind == EK_RATIO) {
		char *end;
		double d = strtod(text, &end);
		if (end == text || *end)
			return err_set(err, ERR_INVALID, f->name, "wrong_type:_,type,got",
				       "%s must be a number between 0 and 1, not \"%.40s\"", f->name,
				       text);
		if (entity_rate_bp(d, f->name, &v, err))
			return -1;
		*i64(rec, f) = v;
		return 0;
	}
	if (f->kind == EK_MONEY || f->kind == EK_COUNT) {
		struct err ignored;
		if (int_parse(text, strlen(text), &v, f->name, &ignored))
			return err_set(err, ERR_INVALID, f->name, "wrong_type:_,type,got",
				       "%s must be %s, not %s", f->name,
				       f->kind == EK_MONEY ? "an integer of minor units" : "an integer",
				       "a number with a fraction");
		*i64(rec, f) = v;
		return 0;
	}
	return entity_parse_text(f, text, rec, err);
}

/*
 * The variant fields of the record as it will be written: a given value is
 * read as the field's variant for that record, and every variant field is
 * judged again (a change of kind changes what its value means).
 */
static int merge_variants(struct store *st, const struct entity *e, const void *cur,
			  const struct ent_input *in, void *out, struct err *err)
{
	for (const struct ent_field *f = e->fields; f->name; f++) {
		int i = entity_field_index(e, f), isnull = given_null(e, in, f);
		const struct ent_field *v;
		if (!f->variant)
			continue;
		v = entity_variant(f, out);
		if (given(e, in, f) && !(f->flags & EF_READONLY) &&
		    !(cur && (f->flags & (EF_KEY | EF_CREATE)))) {
			if (isnull)
				entity_set_none(v, out);
			else if (in->raw[i] ? (in->raw_json[i] ? parse_number(v, in->raw[i], out, err)
							       : entity_parse_text(v, in->raw[i], out, err))
					    : (copy_field(v, out, in->rec), 0))
				return -1;
		}
		if (check_field(st, e, v, out, isnull, err))
			return -1;
	}
	return 0;
}

/*
 * The record as it will be written: out starts as the current record (or
 * empty on create); each given field's value is copied over and checked.
 */
/* Every end on or after its start (ent_field.not_before), as the record will be written. */
static int check_order(const struct entity *e, const void *rec, struct err *err)
{
	char d1[DATE_FMT_MAX], d2[DATE_FMT_MAX];

	for (const struct ent_field *f = e->fields; f->name; f++) {
		const struct ent_field *start = f->not_before ? entity_field(e, f->not_before) : NULL;

		if (!start || f->kind != EK_DATE || start->kind != EK_DATE ||
		    ci32(rec, f) == NO_DATE || ci32(rec, start) == NO_DATE || ci32(rec, f) >= ci32(rec, start))
			continue;
		return err_set(err, ERR_INVALID, f->name, "date_before_start:_,date,_,start",
			       "%s %s is before %s %s", f->name, date_format(ci32(rec, f), d1),
			       start->name, date_format(ci32(rec, start), d2));
	}
	return 0;
}

static int merge(struct store *st, const struct actor *a, const struct entity *e,
		 const void *cur, const struct ent_input *in, void *out, struct err *err)
{
	if (cur)
		memcpy(out, cur, e->size);
	else {
		memset(out, 0, e->size);
		for (const struct ent_field *f = e->fields; f->name; f++)
			entity_set_none(f, out);
	}
	for (const struct ent_field *f = e->fields; f->name; f++) {
		int isset = given(e, in, f), isnull = given_null(e, in, f);
		if (!isset) {
			if (!cur && (f->flags & EF_REQUIRED) && !(f->flags & EF_READONLY))
				return err_set(err, ERR_INVALID, f->name, "required",
					       "%s is required", f->name);
			continue;
		}
		if (f->flags & EF_READONLY)
			continue; /* the server sets it; a copy sent back is not an error */
		if (cur && (f->flags & (EF_KEY | EF_CREATE))) {
			char now[200], want[200];
			entity_format(f, cur, now, sizeof(now));
			entity_format(f, in->rec, want, sizeof(want));
			if (strcmp(now, want))
				return err_set(err, ERR_INVALID, f->name, "key_immutable",
					       "a %s's %s cannot change", e->name, f->name);
			continue;
		}
		if (f->write_role && a->role < f->write_role)
			return err_set(err, ERR_DENIED, f->name, "field_role_required:_,role",
				       "changing %s needs the %s role", f->name,
				       role_str(f->write_role));
		if (f->variant)
			continue; /* read below, once the rest of the record is known */
		copy_field(f, out, in->rec);
		if (check_field(st, e, f, out, isnull, err))
			return -1;
	}
	if (merge_variants(st, e, cur, in, out, err))
		return -1;
	return check_order(e, out, err);
}

/* The actor may write e in p: the noun's rule ("own records only" checked on the record). */
static int may_write(struct store *st, const struct actor *a, const struct entity *e,
		     const struct ent_project *p, const void *before, const void *after,
		     const struct ent_input *in, struct err *err)
{
	char what[80];

	snprintf(what, sizeof(what), "%s %s", before ? (after ? "changing" : "deleting") : "adding",
		 e->plural);
	if (e->hooks.authorize)
		return e->hooks.authorize(st, a, before, in, err);
	if (e->scope == ENT_WORKSPACE)
		return require_role(a, e->write_role, what, err);
	{
		enum prole r = project_access(st, a, p->id, err);
		const struct ent_field *own = e->own_field ? entity_field(e, e->own_field) : NULL;
		if (r == PROLE_NONE)
			return err_set(err, ERR_NOT_FOUND, "project", "no_project:code",
				       "no project \"%s\"", p->code);
		if (r >= e->write_prole)
			return 0;
		if (!own || r < PROLE_MEMBER)
			return require_project(st, a, p->id, p->code, e->write_prole, what, err);
		/* a member writes only the records that are theirs, before and after */
		if ((before && ci64(before, own) != a->user_id) ||
		    (after && ci64(after, own) != a->user_id))
			return err_set(err, ERR_DENIED, own->name, "own_records_only:_,owner",
				       "you may change only your own %s%s", e->plural, "");
		return 0;
	}
}

/* rec as JSON text in b for the audit: what is stored (NULL for no record). */
static const char *json_text(const struct entity *e, const void *rec, struct buf *b)
{
	struct jw w;

	if (!rec)
		return NULL;
	jw_init(&w, b);
	jw_obj(&w);
	write_members(&w, e, rec, 1);
	jw_obj_end(&w);
	return buf_cstr(b);
}

/* Hooks after the write, the audit row, the commit. */
static int finish(struct tx *tx, const struct entity *e, int64_t id, const char *action,
		  const void *before, const void *after, const struct ent_input *in,
		  struct err *err)
{
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	int r = e->hooks.after ? e->hooks.after(tx, before, after, in, err) : 0;

	if (!r)
		r = tx_audit(tx, e->name, id, action, json_text(e, before, &b1),
			     json_text(e, after, &b2), err);
	if (!r)
		r = tx_commit(tx, err);
	buf_release(&b1);
	buf_release(&b2);
	return r;
}

/* Bind the writable columns of rec from index 1 (as the INSERT or UPDATE lists them). */
static int bind_columns(struct store *st, struct stmt *s, const struct entity *e, const void *rec,
			int update, int64_t now)
{
	int n = 0;

	for (const struct ent_field *f = e->fields; f->name; f++) {
		if (!is_column(f) || f->kind == EK_ID || f->kind == EK_VERSION)
			continue;
		if (update && ((f->flags & EF_KEY) || !strcmp(f->name, "created_at")))
			continue;
		if (f->kind == EK_INSTANT && (f->flags & EF_READONLY)) {
			if (!strcmp(f->name, "created_at") || !strcmp(f->name, "updated_at"))
				store_bind_int(st, s, ++n, now);
			continue;
		}
		n++;
		if (is_text_kind(f->kind))
			store_bind_text(st, s, n, ctxt(rec, f));
		else if (f->kind == EK_DATE)
			store_bind_int_or_null(st, s, n, ci32(rec, f), NO_DATE);
		else if (f->kind == EK_BOOL)
			store_bind_int(st, s, n, *(const int *)((const char *)rec + f->off));
		else if (f->kind == EK_CHOICE)
			store_bind_text(st, s, n, entity_is_none(f, rec) ? NULL : choice_name(rec, f));
		else if (f->kind == EK_REF || (f->flags & EF_NULLABLE))
			store_bind_int_or_null(st, s, n, ci64(rec, f), NO_ID);
		else
			store_bind_int(st, s, n, ci64(rec, f));
	}
	return n;
}

static void set_meta(const struct entity *e, void *rec, int64_t id, int64_t version,
		     int64_t created, int64_t updated)
{
	for (const struct ent_field *f = e->fields; f->name; f++) {
		if (f->kind == EK_ID && id != NO_ID)
			*i64(rec, f) = id;
		else if (f->kind == EK_VERSION)
			*i64(rec, f) = version;
		else if (f->kind == EK_INSTANT && !strcmp(f->name, "created_at") && created)
			*i64(rec, f) = created;
		else if (f->kind == EK_INSTANT && !strcmp(f->name, "updated_at"))
			*i64(rec, f) = updated;
	}
}

/*
 * A record with fields read through a reference (a member's name) is read
 * again once written, and filled by the noun's hook, so the answer carries
 * them; the write stands either way.
 */
static void read_back(struct store *st, const struct actor *a, const struct ent_sql *q,
		      const struct ent_project *p, void *out)
{
	const struct entity *e = q->e;
	const struct ent_field *key = entity_key(e);
	char k[200];
	struct err ignored;

	for (const struct ent_field *f = e->fields; f->name; f++)
		if (f->via) {
			entity_format(key, out, k, sizeof(k));
			get_by(st, q, p, k, out, &ignored);
			break;
		}
	fill(st, a, e, out, &ignored);
}

static int begin(struct tx *tx, struct store *st, const struct actor *a, const struct entity *e,
		 const struct ent_project *p, struct err *err)
{
	if (e->scope == ENT_PROJECT) {
		char what[80];
		snprintf(what, sizeof(what), "writing %s", e->plural);
		/* the member's project role is checked again under the write lock, and the
		 * freeze of a closed project (core/tx.h) */
		return (e->unfrozen ? tx_begin_project_closed : tx_begin_project)(
			tx, st, a, p->id, p->code, e->own_field ? PROLE_MEMBER : e->write_prole,
			what, err);
	}
	return tx_begin(tx, st, a, err);
}

int entity_create(struct store *st, const struct actor *a, const struct entity *e,
		  const struct ent_project *p, const struct ent_input *given_in, void *out,
		  struct err *err)
{
	const struct ent_sql *q = sql_of(e);
	const struct ent_field *key = entity_key(e);
	struct ent_input input = *given_in, *in = &input;
	struct tx tx = { 0 };
	struct stmt *s;
	int64_t id = NO_ID;
	int n, rc, r = -1;

	input.project = e->scope == ENT_PROJECT ? p : NULL;
	if (may_write(st, a, e, p, NULL, NULL, in, err))
		return -1;
	if (e->hooks.prepare && e->hooks.prepare(st, a, NULL, in, err))
		return -1;
	if (begin(&tx, st, a, e, p, err))
		return -1;
	if (merge(st, a, e, NULL, in, out, err) ||
	    (e->hooks.check && e->hooks.check(&tx, NULL, out, in, err)) ||
	    may_write(st, a, e, p, NULL, out, in, err))
		goto out;
	if (!(s = store_prepare(st, q->insert, err)))
		goto out;
	n = bind_columns(st, s, e, out, 0, tx.now);
	if (e->scope == ENT_PROJECT)
		store_bind_int(st, s, n + 1, p->id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		id = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0) {
		if (err->code == ERR_CONFLICT && key && key->kind != EK_ID) {
			char k[200];
			entity_format(key, out, k, sizeof(k));
			err_set(err, ERR_CONFLICT, key->name, "duplicate_key:_,_,key",
				"a %s with %s \"%s\" exists", e->name, key->name, k);
		}
		goto out;
	}
	set_meta(e, out, id, 1, tx.now, tx.now);
	r = finish(&tx, e, id, "create", NULL, out, in, err);
	if (!r)
		read_back(st, a, q, p, out);
out:
	if (r)
		tx_abort(&tx);
	return r;
}

/* Run an UPDATE or DELETE matched by id and version; no row means the version moved on. */
static int step_versioned(struct store *st, const struct ent_sql *q, struct stmt *s,
			  const struct ent_project *p, const char *key, int64_t version,
			  struct err *err)
{
	const struct entity *e = q->e;
	int rc = store_step(st, s, err);

	store_done(st, s);
	if (rc < 0)
		return -1;
	if (rc == STORE_DONE) {
		void *now = xmalloc(e->size);
		int64_t have = 0;
		if (!get_by(st, q, p, key, now, err))
			have = ci64(now, field_named_kind(e, EK_VERSION, NULL));
		free(now);
		return tx_version_conflict(e->name, key, version, have, err);
	}
	return 0;
}

int entity_update(struct store *st, const struct actor *a, const struct entity *e,
		  const struct ent_project *p, const char *key, const struct ent_input *given_in,
		  void *out, struct err *err)
{
	const struct ent_sql *q = sql_of(e);
	const struct ent_field *idf = field_named_kind(e, EK_ID, NULL);
	const struct ent_field *ver = field_named_kind(e, EK_VERSION, NULL);
	void *cur = xmalloc(e->size);
	struct ent_input input = *given_in, *in = &input;
	struct tx tx = { 0 };
	struct stmt *s;
	int n, r = -1;

	input.project = e->scope == ENT_PROJECT ? p : NULL;
	if (may_read(st, a, e, p, err) ||
	    (e->hooks.prepare && e->hooks.prepare(st, a, key, in, err)) ||
	    begin(&tx, st, a, e, p, err))
		goto done;
	/* read and judge inside the write lock: nothing moves between the check and the write */
	if (get_by(st, q, p, key, cur, err) || fill(st, a, e, cur, err) ||
	    may_write(st, a, e, p, cur, NULL, in, err))
		goto out;
	if (ci64(cur, ver) != in->version) {
		tx_version_conflict(e->name, key, in->version, ci64(cur, ver), err);
		goto out;
	}
	if (merge(st, a, e, cur, in, out, err) ||
	    (e->hooks.check && e->hooks.check(&tx, cur, out, in, err)) ||
	    may_write(st, a, e, p, cur, out, in, err))
		goto out;
	if (!(s = store_prepare(st, q->update, err)))
		goto out;
	n = bind_columns(st, s, e, out, 1, tx.now);
	store_bind_int(st, s, n + 1, ci64(cur, idf));
	store_bind_int(st, s, n + 2, in->version);
	if (step_versioned(st, q, s, p, key, in->version, err))
		goto out;
	set_meta(e, out, NO_ID, in->version + 1, 0, tx.now);
	r = finish(&tx, e, ci64(cur, idf), "update", cur, out, in, err);
	if (!r)
		read_back(st, a, q, p, out);
out:
	if (r)
		tx_abort(&tx);
done:
	free(cur);
	return r;
}

/*
 * Count the rows of each blocker that refer to id; when any do, describe them
 * in used ("2 customers, 5 sales records and 1 goal").
 */
static int blockers(struct store *st, const struct entity *e, int64_t id, struct buf *used,
		    struct err *err)
{
	const char *part[8];
	int64_t count[8];
	int nparts = 0;

	for (const struct ent_blocker *b = e->blockers; b && b->sql_count && nparts < 8; b++) {
		struct stmt *s = store_prepare(st, b->sql_count, err);
		int64_t c = 0;
		int rc;
		if (!s)
			return -1;
		store_bind_int(st, s, 1, id);
		rc = store_step(st, s, err);
		if (rc == STORE_ROW)
			c = store_col_int(st, s, 0);
		store_done(st, s);
		if (rc < 0)
			return -1;
		if (c > 0) {
			part[nparts] = c == 1 ? b->one : b->many;
			count[nparts++] = c;
		}
	}
	for (int i = 0; i < nparts; i++)
		buf_addf(used, "%s%lld %s", i == 0 ? "" : i + 1 == nparts ? " and " : ", ",
			 (long long)count[i], part[i]);
	return 0;
}

int entity_delete(struct store *st, const struct actor *a, const struct entity *e,
		  const struct ent_project *p, const char *key, int64_t version, struct err *err)
{
	const struct ent_sql *q = sql_of(e);
	const struct ent_field *idf = field_named_kind(e, EK_ID, NULL);
	const struct ent_field *ver = field_named_kind(e, EK_VERSION, NULL);
	void *cur = xmalloc(e->size);
	struct buf used = BUF_INIT;
	struct ent_input in = { 0 };
	struct tx tx = { 0 };
	struct stmt *s;
	int r = -1;

	in.project = e->scope == ENT_PROJECT ? p : NULL;
	if (may_read(st, a, e, p, err) || begin(&tx, st, a, e, p, err))
		goto done;
	if (get_by(st, q, p, key, cur, err) || fill(st, a, e, cur, err) ||
	    may_write(st, a, e, p, cur, NULL, &in, err))
		goto out;
	if (version == ENT_ANY_VERSION)
		version = ci64(cur, ver);
	if (ci64(cur, ver) != version) {
		tx_version_conflict(e->name, key, version, ci64(cur, ver), err);
		goto out;
	}
	if (blockers(st, e, ci64(cur, idf), &used, err))
		goto out;
	if (used.len) {
		err_set(err, ERR_CONFLICT, e->name, "in_use:_,key,users",
			"%s %s is used by %s; it cannot be deleted", e->name, key, buf_cstr(&used));
		goto out;
	}
	if (!(s = store_prepare(st, q->remove, err)))
		goto out;
	store_bind_int(st, s, 1, ci64(cur, idf));
	store_bind_int(st, s, 2, version);
	if (step_versioned(st, q, s, p, key, version, err)) {
		if (err->code == ERR_CONFLICT && !err->field[0])
			err_set(err, ERR_CONFLICT, e->name, "in_use:_,key",
				"%s %s is used by other records; it cannot be deleted", e->name, key);
		goto out;
	}
	r = finish(&tx, e, ci64(cur, idf), "delete", cur, NULL, &in, err);
out:
	if (r)
		tx_abort(&tx);
done:
	buf_release(&used);
	free(cur);
	return r;
}

int entity_create_rec(struct store *st, const struct actor *a, const struct entity *e,
		      const struct ent_project *p, const void *rec, void *out, struct err *err)
{
	struct ent_input in = { 0 };

	in.rec = (void *)rec;
	for (const struct ent_field *f = e->fields; f->name; f++)
		if (!(f->flags & (EF_READONLY | EF_HIDDEN)) && f->kind != EK_ID &&
		    f->kind != EK_VERSION)
			entity_input_set(e, &in, f, entity_is_none(f, rec) && f->kind != EK_BOOL &&
							    (f->flags & EF_NULLABLE));
	return entity_create(st, a, e, p, &in, out, err);
}
