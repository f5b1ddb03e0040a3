/*
 * audit.c - the audit log, read back for admins, and read forward as the
 * outbox of changes (the live stream, webhooks): each row with its project.
 */
#include "core/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "core/entity.h"
#include "base/banned.h"

static const char SQL_AUDIT_LIST[] =
	"SELECT a.id, a.at, a.actor_id, COALESCE(u.login, ''), a.entity, a.entity_id, a.action, "
	"a.before, a.after FROM audit a LEFT JOIN users u ON u.id = a.actor_id "
	"WHERE (CAST(? AS TEXT) IS NULL OR a.entity = ?) "
	"AND (CAST(? AS BIGINT) IS NULL OR a.entity_id = ?) "
	"AND (CAST(? AS BIGINT) IS NULL OR a.id < ?) ORDER BY a.id DESC LIMIT ?";

void audit_entry_write_json(struct jw *w, const struct audit_entry *e)
{
	jw_obj(w);
	jw_kint(w, "id", e->id);
	jw_kts(w, "at", e->at);
	jw_key(w, "actor_id");
	if (e->actor_id == NO_ID)
		jw_null(w);
	else
		jw_int(w, e->actor_id);
	jw_kstr(w, "actor", e->actor[0] ? e->actor : NULL);
	jw_kstr(w, "entity", e->entity);
	jw_key(w, "entity_id");
	if (e->entity_id == NO_ID)
		jw_null(w);
	else
		jw_int(w, e->entity_id);
	jw_kstr(w, "action", e->action);
	/* before / after were written by jw in tx_audit: already JSON. */
	jw_key(w, "before");
	jw_raw(w, e->before);
	jw_key(w, "after");
	jw_raw(w, e->after);
	jw_obj_end(w);
}

int audit_list(struct store *st, const struct actor *a, const struct audit_filter *f,
	       struct audit_list *out, struct err *err)
{
	struct stmt *s;
	int rc;

	if (require_role(a, ROLE_ADMIN, "reading the audit log", err))
		return -1;
	if (f->limit < 1 || f->limit > AUDIT_LIMIT_MAX)
		return err_set(err, ERR_INVALID, "limit", "limit_range:value,max", "limit %lld is not between 1 and %d",
			       (long long)f->limit, AUDIT_LIMIT_MAX);
	s = store_prepare(st, SQL_AUDIT_LIST, err);
	if (!s)
		return -1;
	store_bind_text(st, s, 1, f->entity);
	store_bind_text(st, s, 2, f->entity);
	store_bind_int_or_null(st, s, 3, f->entity_id, NO_ID);
	store_bind_int_or_null(st, s, 4, f->entity_id, NO_ID);
	store_bind_int_or_null(st, s, 5, f->before_id, NO_ID);
	store_bind_int_or_null(st, s, 6, f->before_id, NO_ID);
	store_bind_int(st, s, 7, f->limit);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct audit_entry *e;
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		e = &out->items[out->n++];
		e->id = store_col_int(st, s, 0);
		e->at = store_col_int(st, s, 1);
		e->actor_id = store_col_int_or(st, s, 2, NO_ID);
		snprintf(e->actor, sizeof(e->actor), "%s", store_col_text(st, s, 3));
		snprintf(e->entity, sizeof(e->entity), "%s", store_col_text(st, s, 4));
		e->entity_id = store_col_int_or(st, s, 5, NO_ID);
		snprintf(e->action, sizeof(e->action), "%s", store_col_text(st, s, 6));
		e->before = store_col_is_null(st, s, 7) ? NULL : xstrdup(store_col_text(st, s, 7));
		e->after = store_col_is_null(st, s, 8) ? NULL : xstrdup(store_col_text(st, s, 8));
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

void audit_list_release(struct audit_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].before);
		free(l->items[i].after);
	}
	free(l->items);
	l->items = NULL;
	l->n = l->alloc = 0;
}

static const char SQL_AUDIT_LAST[] = "SELECT COALESCE(MAX(id), 0) FROM audit";

int audit_last_id(struct store *st, int64_t *id, struct err *err)
{
	*id = 0;
	return store_query_int(st, SQL_AUDIT_LAST, id, err);
}

/* --- changes, for the live stream and webhooks ---------------------------------- */

void audit_json_str(const char *json, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);
	int depth = 0;

	out[0] = '\0';
	if (!json)
		return;
	for (const char *p = json; *p; p++) {
		if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			depth--;
		} else if (*p == '"') {
			const char *s = ++p;
			while (*p && *p != '"')
				p += (*p == '\\' && p[1]) ? 2 : 1;
			if (!*p)
				return;
			if (depth == 1 && (size_t)(p - s) == klen && !memcmp(s, key, klen)) {
				const char *v = p + 1;
				size_t n = 0;
				while (*v == ' ')
					v++;
				if (*v != ':')
					continue; /* a value that reads like the key */
				for (v++; *v == ' '; v++)
					;
				if (*v != '"')
					return;
				for (v++; *v && *v != '"' && n + 1 < size; v++)
					out[n++] = *v;
				out[n] = '\0';
				return;
			}
		}
	}
}

/* The project code of a record, per noun (NULL: the noun has no project). */
static const char SQL_PROJECT_OF_PROJECT[] = "SELECT code FROM projects WHERE id = ?";
static const char SQL_PROJECT_OF_DEAL[] =
	"SELECT p.code FROM deals t JOIN projects p ON p.id = t.project_id WHERE t.id = ?";
static const char SQL_PROJECT_OF_SALE[] =
	"SELECT p.code FROM sales t JOIN projects p ON p.id = t.project_id WHERE t.id = ?";
static const char SQL_PROJECT_OF_TASK[] =
	"SELECT p.code FROM tasks t JOIN projects p ON p.id = t.project_id WHERE t.id = ?";
static const char SQL_PROJECT_OF_RISK[] =
	"SELECT p.code FROM risks t JOIN projects p ON p.id = t.project_id WHERE t.id = ?";
static const char SQL_PROJECT_OF_PROBLEM[] =
	"SELECT p.code FROM problems t JOIN projects p ON p.id = t.project_id WHERE t.id = ?";
static const char SQL_PROJECT_OF_ACTIVITY[] =
	"SELECT p.code FROM activities t JOIN projects p ON p.id = t.project_id WHERE t.id = ?";
static const char SQL_PROJECT_OF_FEEDBACK[] =
	"SELECT p.code FROM feedback t JOIN projects p ON p.id = t.project_id WHERE t.id = ?";
static const char SQL_PROJECT_OF_GOAL[] =
	"SELECT p.code FROM goals t JOIN projects p ON p.id = t.project_id WHERE t.id = ?";
static const char SQL_PROJECT_OF_CHECKIN[] =
	"SELECT p.code FROM goal_checkins c JOIN goals t ON t.id = c.goal_id "
	"JOIN projects p ON p.id = t.project_id WHERE c.id = ?";
static const char SQL_PROJECT_OF_MEMBER[] =
	"SELECT p.code FROM members t JOIN projects p ON p.id = t.project_id WHERE t.id = ?";

static const char SQL_PROJECT_OF_COLLECTION[] =
	"SELECT p.code FROM collections t JOIN projects p ON p.id = t.project_id WHERE t.id = ?";
static const char SQL_PROJECT_OF_MEETING[] =
	"SELECT p.code FROM meetings t JOIN projects p ON p.id = t.project_id WHERE t.id = ?";
static const char SQL_PROJECT_OF_ALERT[] =
	"SELECT p.code FROM alerts t JOIN projects p ON p.id = t.project_id WHERE t.id = ?";
static const char SQL_PROJECT_OF_ADJUSTMENT[] =
	"SELECT p.code FROM adjustments t JOIN projects p ON p.id = t.project_id WHERE t.id = ?";
/* a comment keeps its record's project (none for a customer's) */
static const char SQL_PROJECT_OF_COMMENT[] =
	"SELECT p.code FROM comments t JOIN projects p ON p.id = t.project_id WHERE t.id = ?";

static const struct {
	const char *entity, *sql;
} project_of[] = {
	{ "project", SQL_PROJECT_OF_PROJECT },	 { "deal", SQL_PROJECT_OF_DEAL },
	{ "sale", SQL_PROJECT_OF_SALE },	 { "task", SQL_PROJECT_OF_TASK },
	{ "risk", SQL_PROJECT_OF_RISK },	 { "problem", SQL_PROJECT_OF_PROBLEM },
	{ "activity", SQL_PROJECT_OF_ACTIVITY }, { "feedback", SQL_PROJECT_OF_FEEDBACK },
	{ "goal", SQL_PROJECT_OF_GOAL },	 { "goal_checkin", SQL_PROJECT_OF_CHECKIN },
	{ "member", SQL_PROJECT_OF_MEMBER },	 { "collection", SQL_PROJECT_OF_COLLECTION },
	{ "meeting", SQL_PROJECT_OF_MEETING },	 { "pipeline", SQL_PROJECT_OF_PROJECT },
	{ "problem_sla", SQL_PROJECT_OF_PROJECT }, { "comment", SQL_PROJECT_OF_COMMENT },
	{ "alert", SQL_PROJECT_OF_ALERT },	 { "alert_settings", SQL_PROJECT_OF_PROJECT },
	{ "adjustment", SQL_PROJECT_OF_ADJUSTMENT },
};


/*
 * A project noun of the entity engine not named above (a budget line, an
 * expense...): its row's project, by the table its description names (no
 * text of a user's in this SQL).
 */
static int project_of_noun(struct store *st, const char *entity, int64_t entity_id, char *out,
			   size_t size, struct err *err)
{
	const struct entity *e = entity_find(entity);
	struct stmt *s;
	char sql[200];
	int rc;

	if (!e || e->scope != ENT_PROJECT)
		return 0;
	snprintf(sql, sizeof(sql),
		 "SELECT p.code FROM %s t JOIN projects p ON p.id = t.project_id WHERE t.id = ?",
		 e->table);
	/* its text is built here: prepared for this once, never cached by its (stack) address */
	if (!(s = store_prepare_dyn(st, sql, err)))
		return -1;
	store_bind_int(st, s, 1, entity_id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		snprintf(out, size, "%s", store_col_text(st, s, 0));
	store_finalize_dyn(st, s);
	return rc < 0 ? -1 : 0;
}

int audit_project_of(struct store *st, const char *entity, int64_t entity_id, const char *before,
		     const char *after, char *out, size_t size, struct err *err)
{
	struct stmt *s;
	int rc;

	out[0] = '\0';
	for (size_t i = 0; entity_id != NO_ID && i < sizeof(project_of) / sizeof(project_of[0]);
	     i++) {
		if (strcmp(project_of[i].entity, entity))
			continue;
		if (!(s = store_prepare(st, project_of[i].sql, err)))
			return -1;
		store_bind_int(st, s, 1, entity_id);
		rc = store_step(st, s, err);
		if (rc == STORE_ROW)
			snprintf(out, size, "%s", store_col_text(st, s, 0));
		store_done(st, s);
		if (rc < 0)
			return -1;
		break;
	}
	if (!out[0] && entity_id != NO_ID && project_of_noun(st, entity, entity_id, out, size, err))
		return -1;
	/* a record gone (deleted): the project its record names */
	if (!out[0])
		audit_json_str(after ? after : before, "project", out, size);
	return 0;
}

static const char SQL_CHANGES_AFTER[] =
	"SELECT id, entity, entity_id, action, before, after FROM audit WHERE id > ?1 "
	"ORDER BY id LIMIT ?2";

/* Whether id is in the ascending ids[0..n). */
static int id_in(const int64_t *ids, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ids[mid] == id)
			return 1;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int audit_changes_after(struct store *st, int64_t after, size_t limit, const int64_t *skip,
			size_t nskip, struct audit_change **out, size_t *n, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_CHANGES_AFTER, err);
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, after);
	store_bind_int(st, s, 2, (int64_t)limit);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct audit_change *c;
		if (id_in(skip, nskip, store_col_int(st, s, 0)))
			continue;
		ALLOC_GROW(*out, *n + 1, alloc);
		c = &(*out)[(*n)++];
		memset(c, 0, sizeof(*c));
		c->id = store_col_int(st, s, 0);
		snprintf(c->entity, sizeof(c->entity), "%s", store_col_text(st, s, 1));
		c->entity_id = store_col_int_or(st, s, 2, NO_ID);
		snprintf(c->action, sizeof(c->action), "%s", store_col_text(st, s, 3));
		/* the record's JSON only for the project it names, read below */
		c->before = store_col_is_null(st, s, 4) ? NULL : xstrdup(store_col_text(st, s, 4));
		c->after = store_col_is_null(st, s, 5) ? NULL : xstrdup(store_col_text(st, s, 5));
	}
	store_done(st, s);
	for (size_t i = 0; rc >= 0 && i < *n; i++) {
		struct audit_change *c = &(*out)[i];
		if (audit_project_of(st, c->entity, c->entity_id, c->before, c->after, c->project,
				     sizeof(c->project), err))
			rc = -1;
	}
	for (size_t i = 0; i < *n; i++) {
		free((*out)[i].before);
		free((*out)[i].after);
		(*out)[i].before = (*out)[i].after = NULL;
	}
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}
