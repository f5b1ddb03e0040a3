/*
 * audit.c - the audit log, read back for admins.
 */
#include "core/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
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
