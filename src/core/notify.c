/*
 * notify.c - the inbox (see notify.h). Events are inserted by the write that
 * causes them, inside its transaction, through notify_event(): a comment's
 * mentions (core/comment.c), a task assigned, a deal or problem given a new
 * owner, a deal's stage move (core/task.c, deal.c, problem.c). Time makes the
 * others: a reader's due and overdue tasks, planned activities and
 * collections, and problems past their SLA, found by the sources below and
 * materialised when the reader's inbox or its count is read (one insert per
 * record and due day, kept once by a unique index; nothing is written when
 * nothing is new), so the CLI and every server instance see the same inbox
 * without a timer. Every read filters by what the reader sees now: a
 * notification of a project they are no longer in is not shown, counted or
 * markable.
 */
#include "core/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/xalloc.h"
#include "base/banned.h"

const char *const notify_kinds[NK__COUNT + 1] = { "mention", "assigned", "due",
						  "overdue", "stage",   "sla",
						  "alert",   "review",  NULL };

int notify_kind_parse(const char *s, const char *field, int *kind, struct err *err)
{
	for (int k = 0; k < NK__COUNT; k++)
		if (s && !strcmp(s, notify_kinds[k])) {
			*kind = k;
			return 0;
		}
	return err_set(err, ERR_INVALID, field, "bad_enum:value,_,_,allowed",
		       "\"%.40s\" is not a %s %s (%s)", s ? s : "", "notification", "kind",
		       "mention, assigned, due, overdue, stage, sla, alert");
}

/* --- settings ------------------------------------------------------------------------ */

static const char SQL_SETTINGS[] =
	"SELECT kind, enabled FROM notification_settings WHERE user_id = ?";

/* The kinds user turned off, as bits (1 << kind). */
static int settings_off(struct store *st, int64_t user_id, unsigned *off, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_SETTINGS, err);
	int rc, k;

	*off = 0;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, user_id);
	while ((rc = store_step(st, s, err)) == STORE_ROW)
		if (!notify_kind_parse(store_col_text(st, s, 0), "kind", &k, NULL) &&
		    !store_col_int(st, s, 1))
			*off |= 1u << k;
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int notify_settings_write_json(struct store *st, const struct actor *a, struct jw *w,
			       struct err *err)
{
	unsigned off;

	if (settings_off(st, a->user_id, &off, err))
		return -1;
	jw_obj(w);
	jw_key(w, "settings");
	jw_obj(w);
	for (int k = 0; k < NK__COUNT; k++)
		jw_kbool(w, notify_kinds[k], !(off & (1u << k)));
	jw_obj_end(w);
	jw_obj_end(w);
	return 0;
}

static const char SQL_SETTING_PUT[] =
	"INSERT INTO notification_settings (user_id, kind, enabled, updated_at) "
	"VALUES (?1, ?2, ?3, ?4) ON CONFLICT (user_id, kind) DO UPDATE SET "
	"enabled = excluded.enabled, updated_at = excluded.updated_at";

static void settings_json(struct buf *b, unsigned off)
{
	struct jw w;

	jw_init(&w, b);
	jw_obj(&w);
	for (int k = 0; k < NK__COUNT; k++)
		jw_kbool(&w, notify_kinds[k], !(off & (1u << k)));
	jw_obj_end(&w);
}

int notify_settings_put(struct store *st, const struct actor *a, const int want[NK__COUNT],
			struct err *err)
{
	struct tx tx = { 0 };
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	unsigned off, now_off;
	int r = -1;

	if (tx_begin(&tx, st, a, err))
		return -1;
	if (settings_off(st, a->user_id, &off, err))
		goto out;
	now_off = off;
	for (int k = 0; k < NK__COUNT; k++) {
		struct stmt *s;
		int rc;

		if (want[k] < 0)
			continue;
		now_off = want[k] ? now_off & ~(1u << k) : now_off | (1u << k);
		if (!(s = store_prepare(st, SQL_SETTING_PUT, err)))
			goto out;
		store_bind_int(st, s, 1, a->user_id);
		store_bind_text(st, s, 2, notify_kinds[k]);
		store_bind_int(st, s, 3, want[k] ? 1 : 0);
		store_bind_int(st, s, 4, tx.now);
		rc = store_step(st, s, err);
		store_done(st, s);
		if (rc < 0)
			goto out;
	}
	settings_json(&b1, off);
	settings_json(&b2, now_off);
	if (tx_audit(&tx, "notification_settings", a->user_id, "update", buf_cstr(&b1),
		     buf_cstr(&b2), err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	buf_release(&b1);
	buf_release(&b2);
	return r;
}

/* --- writing one ---------------------------------------------------------------------- */

static const char SQL_USER_ACTIVE[] = "SELECT active FROM users WHERE id = ?";
static const char SQL_NOTIFY_EVENT[] =
	"INSERT INTO notifications (user_id, kind, project_id, on_kind, on_id, actor_id, params, "
	"created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/* The JSON parameters the UI builds its sentence from (never a sentence). */
static void params_json(struct buf *b, const struct notify_about *ab, const char *due)
{
	struct jw w;

	jw_init(&w, b);
	jw_obj(&w);
	jw_kstr(&w, "title", ab->title ? ab->title : "");
	if (ab->from)
		jw_kstr(&w, "from", ab->from);
	if (ab->to)
		jw_kstr(&w, "to", ab->to);
	if (ab->excerpt)
		jw_kstr(&w, "excerpt", ab->excerpt);
	if (ab->comment_id != NO_ID && ab->comment_id > 0)
		jw_kint(&w, "comment", ab->comment_id);
	if (due)
		jw_kstr(&w, "due", due);
	jw_obj_end(&w);
}

/* Whether user receives kind: active, and has not turned it off (*yes). */
static int receives(struct store *st, int64_t user_id, enum notify_kind kind, int *yes,
		    struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_USER_ACTIVE, err);
	unsigned off;
	int64_t active = 0;
	int rc;

	*yes = 0;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, user_id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		active = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0 || settings_off(st, user_id, &off, err))
		return -1;
	*yes = active && !(off & (1u << kind));
	return 0;
}

int notify_event(struct tx *tx, int64_t user_id, enum notify_kind kind,
		 const struct notify_about *ab, struct err *err)
{
	struct store *st = tx->st;
	struct buf b = BUF_INIT;
	struct stmt *s;
	int yes, rc;

	if (user_id == NO_ID || user_id == tx->actor->user_id)
		return 0;
	if (receives(st, user_id, kind, &yes, err))
		return -1;
	if (!yes)
		return 0;
	params_json(&b, ab, NULL);
	if (!(s = store_prepare(st, SQL_NOTIFY_EVENT, err))) {
		buf_release(&b);
		return -1;
	}
	store_bind_int(st, s, 1, user_id);
	store_bind_text(st, s, 2, notify_kinds[kind]);
	store_bind_int_or_null(st, s, 3, ab->project_id, NO_ID);
	store_bind_text(st, s, 4, ab->on_kind);
	store_bind_int(st, s, 5, ab->on_id);
	store_bind_int_or_null(st, s, 6, tx->actor->user_id, NO_ID);
	store_bind_text(st, s, 7, buf_cstr(&b));
	store_bind_int(st, s, 8, tx->now);
	rc = store_step(st, s, err);
	store_done(st, s);
	buf_release(&b);
	return rc < 0 ? -1 : 0;
}

int notify_owner(struct tx *tx, int64_t was, int64_t owner, const char *on_kind, int64_t on_id,
		 int64_t project_id, const char *title, struct err *err)
{
	struct notify_about ab = { .on_kind = on_kind,
				   .on_id = on_id,
				   .project_id = project_id,
				   .title = title,
				   .comment_id = NO_ID };

	if (owner == was)
		return 0;
	return notify_event(tx, owner, NK_ASSIGNED, &ab, err);
}

static const char SQL_NOTIFY_ALERT[] =
	"INSERT INTO notifications (user_id, kind, project_id, on_kind, on_id, params, created_at) "
	"VALUES (?1, 'alert', ?2, ?3, ?4, ?5, ?6)";

int notify_alert(struct tx *tx, int64_t user_id, int64_t project_id, const char *on_kind,
		 int64_t on_id, const char *params, struct err *err)
{
	struct store *st = tx->st;
	struct stmt *s;
	int yes, rc;

	if (receives(st, user_id, NK_ALERT, &yes, err))
		return -1;
	if (!yes)
		return 0;
	if (!(s = store_prepare(st, SQL_NOTIFY_ALERT, err)))
		return -1;
	store_bind_int(st, s, 1, user_id);
	store_bind_int(st, s, 2, project_id);
	store_bind_text(st, s, 3, on_kind);
	store_bind_int(st, s, 4, on_id);
	store_bind_text(st, s, 5, params);
	store_bind_int(st, s, 6, tx->now);
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* --- what time makes -------------------------------------------------------------------- */

/* Not yet notified for this kind, record and day. */
#define NOT_YET(kind, on_kind, id, day)                                                     \
	" AND NOT EXISTS (SELECT 1 FROM notifications x WHERE x.user_id = ?1 AND x.kind = '" \
	kind "' AND x.on_kind = '" on_kind "' AND x.on_id = " id " AND x.day = " day ")"

/* A collection's amount not yet received in full. */
#define OUTSTANDING                                                                     \
	" AND c.amount_minor > COALESCE((SELECT SUM(r.amount_minor) FROM receipts r WHERE " \
	"r.collection_id = c.id), 0)"

/*
 * One source of time-made notifications: its SQL gives (project_id, record
 * id, due day, title, due instant or NULL) with ?1 the reader and ?2 today
 * (a day) or now (an instant, when at_now); its rows are the ones not yet
 * notified. The day of an instant is its UTC day: a key, never shown.
 */
struct due_source {
	enum notify_kind kind;
	const char *on_kind;
	int at_now;
	const char *sql;
};

static const struct due_source due_sources[] = {
	{ NK_DUE, "task", 0,
	  "SELECT t.project_id, t.id, t.due_on, t.title, NULL FROM tasks t WHERE t.assignee_id = ?1 "
	  "AND t.status <> 'done' AND t.due_on = ?2" NOT_YET("due", "task", "t.id", "t.due_on") },
	{ NK_OVERDUE, "task", 0,
	  "SELECT t.project_id, t.id, t.due_on, t.title, NULL FROM tasks t WHERE t.assignee_id = ?1 "
	  "AND t.status <> 'done' AND t.due_on < ?2" NOT_YET("overdue", "task", "t.id",
							       "t.due_on") },
	{ NK_DUE, "activity", 1,
	  "SELECT a.project_id, a.id, a.due_at / 86400, COALESCE(cu.name, d.title, ''), a.due_at "
	  "FROM activities a LEFT JOIN customers cu ON cu.id = a.customer_id LEFT JOIN deals d ON "
	  "d.id = a.deal_id WHERE a.user_id = ?1 AND a.status = 'planned' AND a.due_at >= ?2 AND "
	  "a.due_at < ?2 + 86400" NOT_YET("due", "activity", "a.id", "a.due_at / 86400") },
	{ NK_OVERDUE, "activity", 1,
	  "SELECT a.project_id, a.id, a.due_at / 86400, COALESCE(cu.name, d.title, ''), a.due_at "
	  "FROM activities a LEFT JOIN customers cu ON cu.id = a.customer_id LEFT JOIN deals d ON "
	  "d.id = a.deal_id WHERE a.user_id = ?1 AND a.status = 'planned' AND a.due_at < ?2" NOT_YET(
		  "overdue", "activity", "a.id", "a.due_at / 86400") },
	{ NK_DUE, "collection", 0,
	  "SELECT c.project_id, c.id, c.due_on, d.title, NULL FROM collections c JOIN deals d ON "
	  "d.id = c.deal_id WHERE d.owner_id = ?1 AND c.due_on = ?2" OUTSTANDING NOT_YET(
		  "due", "collection", "c.id", "c.due_on") },
	{ NK_OVERDUE, "collection", 0,
	  "SELECT c.project_id, c.id, c.due_on, d.title, NULL FROM collections c JOIN deals d ON "
	  "d.id = c.deal_id WHERE d.owner_id = ?1 AND c.due_on < ?2" OUTSTANDING NOT_YET(
		  "overdue", "collection", "c.id", "c.due_on") },
	{ NK_SLA, "problem", 1,
	  "SELECT p.project_id, p.id, p.due_at / 86400, p.title, p.due_at FROM problems p WHERE "
	  "p.owner_id = ?1 AND p.status IN ('open', 'in_progress') AND p.due_at < ?2" NOT_YET(
		  "sla", "problem", "p.id", "p.due_at / 86400") },
};

#define DUE_MAX 500 /* made in one read at most; the rest on the next */

struct due_row {
	const struct due_source *src;
	int64_t project_id, id, day, due_at;
	char title[256];
};

static const char SQL_NOTIFY_DUE[] =
	"INSERT INTO notifications (user_id, kind, project_id, on_kind, on_id, day, params, "
	"created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
	"ON CONFLICT (user_id, kind, on_kind, on_id, day) DO NOTHING";

static int due_find(struct store *st, const struct actor *a, unsigned off, struct due_row *rows,
		    size_t *n, struct err *err)
{
	int32_t today = date_today();
	int64_t now = ts_now();

	*n = 0;
	for (size_t i = 0; i < sizeof(due_sources) / sizeof(due_sources[0]); i++) {
		const struct due_source *src = &due_sources[i];
		struct stmt *s;
		int rc;

		if (off & (1u << src->kind))
			continue;
		if (!(s = store_prepare(st, src->sql, err)))
			return -1;
		store_bind_int(st, s, 1, a->user_id);
		store_bind_int(st, s, 2, src->at_now ? now : today);
		while ((rc = store_step(st, s, err)) == STORE_ROW && *n < DUE_MAX) {
			struct due_row *r = &rows[(*n)++];
			r->src = src;
			r->project_id = store_col_int(st, s, 0);
			r->id = store_col_int(st, s, 1);
			r->day = store_col_int(st, s, 2);
			snprintf(r->title, sizeof(r->title), "%s", store_col_text(st, s, 3));
			r->due_at = store_col_int_or(st, s, 4, NO_ID);
		}
		store_done(st, s);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Make the reader's time-made notifications that are missing (no write when none). */
static int inbox_materialise(struct store *st, const struct actor *a, struct err *err)
{
	struct due_row *rows = xcalloc(DUE_MAX, sizeof(*rows));
	struct tx tx = { 0 };
	unsigned off;
	size_t n = 0;
	int r = -1;

	if (settings_off(st, a->user_id, &off, err) || due_find(st, a, off, rows, &n, err))
		goto out;
	if (!n) {
		r = 0;
		goto out;
	}
	if (tx_begin(&tx, st, a, err))
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct notify_about ab = { .on_kind = rows[i].src->on_kind,
					   .on_id = rows[i].id,
					   .project_id = rows[i].project_id,
					   .title = rows[i].title,
					   .comment_id = NO_ID };
		char due[32];
		struct buf b = BUF_INIT;
		struct stmt *s;
		int rc;

		if (rows[i].due_at != NO_ID)
			ts_format(rows[i].due_at, due);
		else
			date_format((int32_t)rows[i].day, due);
		params_json(&b, &ab, due);
		if (!(s = store_prepare(st, SQL_NOTIFY_DUE, err))) {
			buf_release(&b);
			goto out;
		}
		store_bind_int(st, s, 1, a->user_id);
		store_bind_text(st, s, 2, notify_kinds[rows[i].src->kind]);
		store_bind_int(st, s, 3, rows[i].project_id);
		store_bind_text(st, s, 4, rows[i].src->on_kind);
		store_bind_int(st, s, 5, rows[i].id);
		store_bind_int(st, s, 6, rows[i].day);
		store_bind_text(st, s, 7, buf_cstr(&b));
		store_bind_int(st, s, 8, tx.now);
		rc = store_step(st, s, err);
		store_done(st, s);
		buf_release(&b);
		if (rc < 0)
			goto out;
	}
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	free(rows);
	return r;
}

/* --- reading ---------------------------------------------------------------------------- */

/*
 * What the reader (?1, who sees every project when ?2 is 1) may see of a
 * notification of table T: a workspace record's, or one of a project they are
 * in now.
 */
#define VISIBLE(T)                                                                           \
	" (" T ".project_id IS NULL OR ?2 = 1 OR EXISTS (SELECT 1 FROM members m WHERE "    \
	"m.project_id = " T ".project_id AND m.user_id = ?1)) "

static const char SQL_INBOX_LIST[] =
	"SELECT n.id, n.kind, n.on_kind, n.on_id, n.day, n.params, n.created_at, n.read_at, p.code, "
	"u.login, u.name FROM notifications n LEFT JOIN projects p ON p.id = n.project_id "
	"LEFT JOIN users u ON u.id = n.actor_id WHERE n.user_id = ?1 AND" VISIBLE("n")
	"AND (?3 = 0 OR n.read_at IS NULL) AND (?4 = '' OR n.kind = ?4) "
	"ORDER BY n.id DESC LIMIT ?5 OFFSET ?6";
static const char SQL_INBOX_TOTALS[] =
	"SELECT COUNT(*), COUNT(n.read_at) FROM notifications n WHERE n.user_id = ?1 AND" VISIBLE(
		"n") "AND (?3 = 0 OR n.read_at IS NULL) AND (?4 = '' OR n.kind = ?4)";
static const char SQL_INBOX_UNREAD[] =
	"SELECT n.kind, COUNT(*) FROM notifications n WHERE n.user_id = ?1 AND" VISIBLE("n")
	"AND n.read_at IS NULL GROUP BY n.kind";

static void bind_filter(struct store *st, struct stmt *s, const struct actor *a, int unread,
			int kind)
{
	store_bind_int(st, s, 1, a->user_id);
	store_bind_int(st, s, 2, project_sees_all(a) ? 1 : 0);
	store_bind_int(st, s, 3, unread ? 1 : 0);
	store_bind_text(st, s, 4, kind >= 0 ? notify_kinds[kind] : "");
}

int inbox_list(struct store *st, const struct actor *a, const struct inbox_query *q,
	       struct inbox_totals *tot, inbox_each_fn *each, void *ctx, struct err *err)
{
	int64_t read = 0;
	struct stmt *s;
	int rc;

	memset(tot, 0, sizeof(*tot));
	if (q->limit < 1 || q->limit > 200)
		return err_set(err, ERR_INVALID, "limit", "out_of_range:_,min,max",
			       "limit is out of range (%d to %d)", 1, 200);
	if (q->offset < 0)
		return err_set(err, ERR_INVALID, "offset", "negative", "offset cannot be negative");
	tot->limit = q->limit;
	tot->offset = q->offset;
	if (inbox_materialise(st, a, err) || !(s = store_prepare(st, SQL_INBOX_TOTALS, err)))
		return -1;
	bind_filter(st, s, a, q->unread, q->kind);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		tot->total = store_col_int(st, s, 0);
		read = store_col_int(st, s, 1);
	}
	store_done(st, s);
	tot->unread = tot->total - read;
	if (rc < 0 || !(s = store_prepare(st, SQL_INBOX_LIST, err)))
		return -1;
	bind_filter(st, s, a, q->unread, q->kind);
	store_bind_int(st, s, 5, q->limit);
	store_bind_int(st, s, 6, q->offset);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct inbox_item it = {
			.id = store_col_int(st, s, 0),
			.kind = store_col_text(st, s, 1),
			.on_kind = store_col_text(st, s, 2),
			.on_id = store_col_int(st, s, 3),
			.day = store_col_is_null(st, s, 4) ? NO_DATE : (int32_t)store_col_int(st, s, 4),
			.params = store_col_text(st, s, 5),
			.created_at = store_col_int(st, s, 6),
			.read = !store_col_is_null(st, s, 7),
			.project = store_col_is_null(st, s, 8) ? NULL : store_col_text(st, s, 8),
			.by_login = store_col_is_null(st, s, 9) ? NULL : store_col_text(st, s, 9),
			.by_name = store_col_is_null(st, s, 9) ? NULL : store_col_text(st, s, 10),
		};
		each(ctx, &it);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static void item_json(void *ctx, const struct inbox_item *it)
{
	struct jw *w = ctx;

	jw_obj(w);
	jw_kint(w, "id", it->id);
	jw_kstr(w, "kind", it->kind);
	jw_kstr(w, "on_kind", it->on_kind);
	jw_kint(w, "on_id", it->on_id);
	jw_kdate(w, "day", it->day);
	jw_key(w, "params");
	jw_raw(w, it->params);
	jw_kts(w, "created_at", it->created_at);
	jw_kbool(w, "read", it->read);
	jw_kstr(w, "project", it->project);
	jw_key(w, "by");
	if (!it->by_login) {
		jw_null(w);
	} else {
		jw_obj(w);
		jw_kstr(w, "login", it->by_login);
		jw_kstr(w, "name", it->by_name);
		jw_obj_end(w);
	}
	jw_obj_end(w);
}

int inbox_list_write_json(struct store *st, const struct actor *a, const struct inbox_query *q,
			  struct jw *w, struct err *err)
{
	struct inbox_totals tot;
	int r;

	jw_obj(w);
	jw_key(w, "notifications");
	jw_arr(w);
	r = inbox_list(st, a, q, &tot, item_json, w, err);
	jw_arr_end(w);
	jw_kint(w, "total", tot.total);
	jw_kint(w, "unread", tot.unread);
	jw_kint(w, "limit", tot.limit);
	jw_kint(w, "offset", tot.offset);
	jw_obj_end(w);
	return r;
}

int inbox_count_write_json(struct store *st, const struct actor *a, struct jw *w,
			   struct err *err)
{
	int64_t by[NK__COUNT] = { 0 }, all = 0;
	struct stmt *s;
	int rc, k;

	if (inbox_materialise(st, a, err) || !(s = store_prepare(st, SQL_INBOX_UNREAD, err)))
		return -1;
	store_bind_int(st, s, 1, a->user_id);
	store_bind_int(st, s, 2, project_sees_all(a) ? 1 : 0);
	while ((rc = store_step(st, s, err)) == STORE_ROW)
		if (!notify_kind_parse(store_col_text(st, s, 0), "kind", &k, NULL)) {
			by[k] = store_col_int(st, s, 1);
			all += by[k];
		}
	store_done(st, s);
	if (rc < 0)
		return -1;
	jw_obj(w);
	jw_kint(w, "unread", all);
	jw_key(w, "by_kind");
	jw_obj(w);
	for (k = 0; k < NK__COUNT; k++)
		jw_kint(w, notify_kinds[k], by[k]);
	jw_obj_end(w);
	jw_obj_end(w);
	return 0;
}

static const char SQL_INBOX_ONE[] =
	"SELECT n.read_at FROM notifications n WHERE n.id = ?3 AND n.user_id = ?1 AND" VISIBLE("n");
static const char SQL_INBOX_UNREAD_N[] =
	"SELECT COUNT(*) FROM notifications n WHERE n.user_id = ?1 AND n.read_at IS NULL AND"
	VISIBLE("n");
static const char SQL_INBOX_READ_ONE[] =
	"UPDATE notifications SET read_at = ?2 WHERE id = ?1 AND read_at IS NULL";
static const char SQL_INBOX_READ_ALL[] =
	"UPDATE notifications SET read_at = ?3 WHERE user_id = ?1 AND read_at IS NULL AND"
	VISIBLE("notifications");

int inbox_mark_read(struct store *st, const struct actor *a, int64_t id, int64_t *changed,
		    struct err *err)
{
	struct tx tx = { 0 };
	struct stmt *s;
	char after[64];
	int rc, r = -1;

	*changed = 0;
	if (tx_begin(&tx, st, a, err))
		return -1;
	if (!(s = store_prepare(st, id == NO_ID ? SQL_INBOX_UNREAD_N : SQL_INBOX_ONE, err)))
		goto out;
	store_bind_int(st, s, 1, a->user_id);
	store_bind_int(st, s, 2, project_sees_all(a) ? 1 : 0);
	if (id != NO_ID)
		store_bind_int(st, s, 3, id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		*changed = id == NO_ID ? store_col_int(st, s, 0) : store_col_is_null(st, s, 0);
	store_done(st, s);
	if (rc < 0)
		goto out;
	if (rc != STORE_ROW) {
		err_set(err, ERR_NOT_FOUND, "notification", "no_record:_,key",
			"no notification \"%lld\"", (long long)id);
		goto out;
	}
	if (*changed) {
		if (!(s = store_prepare(st, id == NO_ID ? SQL_INBOX_READ_ALL : SQL_INBOX_READ_ONE,
					err)))
			goto out;
		if (id == NO_ID) {
			store_bind_int(st, s, 1, a->user_id);
			store_bind_int(st, s, 2, project_sees_all(a) ? 1 : 0);
			store_bind_int(st, s, 3, tx.now);
		} else {
			store_bind_int(st, s, 1, id);
			store_bind_int(st, s, 2, tx.now);
		}
		rc = store_step(st, s, err);
		store_done(st, s);
		if (rc < 0)
			goto out;
		snprintf(after, sizeof(after), "{\"read\":%lld}", (long long)*changed);
		if (tx_audit(&tx, "notification", id == NO_ID ? a->user_id : id,
			     id == NO_ID ? "read_all" : "read", NULL, after, err))
			goto out;
	}
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	return r;
}
