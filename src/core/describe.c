/*
 * describe.c - a noun's description as JSON (GET /api/v1/entities), for
 * clients that build their forms and tables from it: the web UI's generic
 * screens read it, so a field is described once for the browser too.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "core/entity.h"
#include "base/banned.h"

static const char *kind_name(const struct ent_field *f)
{
	switch (f->kind) {
	case EK_TEXT: return "text";
	case EK_NOTE: return "note";
	case EK_CODE: return "code";
	case EK_EMAIL: return "email";
	case EK_ENUM: return "enum";
	case EK_CHOICE: return "enum";
	case EK_MONEY: return "money";
	case EK_COUNT: return "count";
	case EK_RATIO: return "ratio";
	case EK_DATE: return "date";
	case EK_INSTANT: return "instant";
	case EK_BOOL: return "bool";
	case EK_REF: return "ref";
	case EK_ID: return "id";
	case EK_VERSION: return "version";
	}
	return "text";
}

static int is_number(const struct ent_field *f)
{
	return f->kind == EK_MONEY || f->kind == EK_COUNT || f->kind == EK_RATIO;
}

static int is_text(const struct ent_field *f)
{
	return f->kind == EK_TEXT || f->kind == EK_NOTE || f->kind == EK_CODE ||
	       f->kind == EK_EMAIL;
}

/* A number's range; a text's most bytes. */
static void write_limits(struct jw *w, const struct ent_field *f)
{
	if (is_number(f)) {
		jw_kint(w, "min", f->min);
		jw_kint(w, "max", f->max);
	} else if (is_text(f) && !(f->flags & EF_SECRET)) {
		jw_kint(w, "max_bytes", f->max ? f->max : (int64_t)f->size - 1);
	}
}

/* The field as it is for each value of the enum it follows. */
static void write_variants(struct jw *w, const struct entity *e, const struct ent_field *f)
{
	const struct ent_field *by = f->variant_by ? entity_field(e, f->variant_by) : NULL;
	void *rec;
	struct err err = { 0 };

	if (!f->variant || !by || !by->values)
		return;
	rec = xcalloc(1, e->size);
	jw_key(w, "variants");
	jw_obj(w);
	jw_kstr(w, "by", by->name);
	jw_key(w, "kinds");
	jw_obj(w);
	for (const char *const *v = by->values; *v; v++) {
		const struct ent_field *as;

		memset(rec, 0, e->size);
		if (entity_parse_text(by, *v, rec, &err))
			continue;
		as = entity_variant(f, rec);
		jw_key(w, *v);
		jw_obj(w);
		jw_kstr(w, "kind", kind_name(as));
		write_limits(w, as);
		jw_obj_end(w);
	}
	jw_obj_end(w);
	jw_obj_end(w);
	free(rec);
}

static void write_field(struct jw *w, const struct entity *e, const struct ent_field *f)
{
	unsigned fl = f->flags;

	jw_obj(w);
	jw_kstr(w, "name", f->name);
	jw_kstr(w, "kind", kind_name(f));
	jw_kbool(w, "key", (fl & EF_KEY) != 0);
	jw_kbool(w, "required", (fl & EF_REQUIRED) != 0);
	/* the server sets it: never part of a form */
	jw_kbool(w, "readonly", (fl & EF_READONLY) || f->via || f->kind == EK_ID ||
				    f->kind == EK_VERSION);
	jw_kbool(w, "nullable", (fl & EF_NULLABLE) != 0);
	jw_kbool(w, "create_only", (fl & (EF_CREATE | EF_KEY)) != 0);
	jw_kbool(w, "input", (fl & EF_INPUT) != 0);
	jw_kbool(w, "secret", (fl & EF_SECRET) != 0);
	if (f->via)
		jw_kstr(w, "via", f->via);
	jw_kbool(w, "filter", (fl & EF_FILTER) && !f->via);
	jw_kbool(w, "sort", (fl & EF_SORT) && !f->via);
	write_limits(w, f);
	if (f->values) {
		jw_key(w, "values");
		jw_arr(w);
		for (const char *const *v = f->values; *v; v++)
			jw_str(w, *v);
		jw_arr_end(w);
	}
	if (f->kind == EK_REF && f->ref)
		jw_kstr(w, "ref", f->ref->name);
	if (f->not_before)
		jw_kstr(w, "not_before", f->not_before);
	jw_kstr(w, "write_role", f->write_role ? role_str(f->write_role) : NULL);
	jw_kstr(w, "help", f->help);
	jw_kstr(w, "example", f->example);
	write_variants(w, e, f);
	jw_obj_end(w);
}

static void write_verbs(struct jw *w, const struct entity *e)
{
	static const struct {
		unsigned bit;
		const char *name;
	} verbs[] = {
		{ ENT_NO_LIST, "list" },     { ENT_NO_GET, "get" },
		{ ENT_NO_CREATE, "create" }, { ENT_NO_UPDATE, "update" },
		{ ENT_NO_DELETE, "delete" },
	};

	jw_key(w, "verbs");
	jw_arr(w);
	for (size_t i = 0; !e->own_faces && i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!(e->omit & verbs[i].bit))
			jw_str(w, verbs[i].name);
	jw_arr_end(w);
}

static void write_entity(struct jw *w, const struct entity *e)
{
	int project = e->scope == ENT_PROJECT;

	jw_obj(w);
	jw_kstr(w, "name", e->name);
	jw_kstr(w, "plural", e->plural);
	jw_kstr(w, "summary", e->summary);
	jw_kstr(w, "scope", project ? "project" : "workspace");
	jw_kstr(w, "key", entity_key(e)->name);
	jw_kstr(w, "section", e->section);
	jw_kint(w, "section_rank", e->section_rank);
	write_verbs(w, e);
	/* workspace nouns: least workspace roles; project nouns: least project roles */
	jw_kstr(w, "read_role", project ? prole_str(e->read_prole) : role_str(e->read_role));
	jw_kstr(w, "write_role", project ? prole_str(e->write_prole) : role_str(e->write_role));
	jw_kstr(w, "own_field", e->own_field);
	jw_kbool(w, "own_rule", e->hooks.authorize != NULL);
	jw_key(w, "fields");
	jw_arr(w);
	for (const struct ent_field *f = e->fields; f->name; f++)
		if (!(f->flags & EF_HIDDEN))
			write_field(w, e, f);
	jw_arr_end(w);
	jw_obj_end(w);
}

void entity_describe_all(struct jw *w)
{
	jw_obj(w);
	jw_key(w, "entities");
	jw_arr(w);
	for (const struct entity *const *e = entity_all; *e; e++)
		write_entity(w, *e);
	jw_arr_end(w);
	jw_obj_end(w);
}
