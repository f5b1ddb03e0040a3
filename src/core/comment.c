/*
 * comment.c - comments with @mentions (see comment.h). The kinds of record a
 * comment may be on are one table: each row's SQL finds the record, its
 * project (none for a customer, a workspace record) and its title, so a new
 * kind is one row. A record of a project the reader does not see is "not
 * found", as a record that does not exist. A mention names a user when the
 * login exists, is active and may see the record; only they are notified
 * (core/notify.c), in the comment's own write, and the UI highlights only them.
 */
#include "core/comment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "core/mention.h"
#include "core/notify.h"
#include "core/tx.h"
#include "base/banned.h"

/* The records comments may be on: ?1 = the id -> (project id or NULL, title). */
struct record_kind {
	const char *kind;
	const char *sql;
};

static const struct record_kind record_kinds[] = {
	{ "deal", "SELECT project_id, title FROM deals WHERE id = ?" },
	{ "goal", "SELECT project_id, CASE WHEN name <> '' THEN name ELSE metric END FROM goals "
		  "WHERE id = ?" },
	{ "task", "SELECT project_id, title FROM tasks WHERE id = ?" },
	{ "problem", "SELECT project_id, title FROM problems WHERE id = ?" },
	{ "risk", "SELECT project_id, description FROM risks WHERE id = ?" },
	{ "customer", "SELECT CAST(NULL AS INTEGER), name FROM customers WHERE id = ?" },
	{ "meeting", "SELECT project_id, title FROM meetings WHERE id = ?" },
};

#define NKINDS (sizeof(record_kinds) / sizeof(record_kinds[0]))

/* A record as a comment sees it, with the reader's standing on it. */
struct record {
	const struct record_kind *rk;
	int64_t id;
	int64_t project_id;     /* NO_ID: a workspace record (a customer) */
	char project_code[64];
	char title[256];
	enum prole prole;       /* the reader's project role (workspace records: none) */
};

/* Copy at most size-1 bytes of s into dst, cut at a character's start. */
static void utf8_cut(char *dst, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = 0;
}

/* The row of kind in record_kinds (into *rk when not NULL); ERR_INVALID listing them when none. */
static int kind_of(const char *kind, const struct record_kind **rk, struct err *err)
{
	char allowed[160];
	size_t len = 0;

	for (size_t i = 0; i < NKINDS; i++)
		if (!strcmp(record_kinds[i].kind, kind)) {
			if (rk)
				*rk = &record_kinds[i];
			return 0;
		}
	allowed[0] = 0;
	for (size_t i = 0; i < NKINDS && len < sizeof(allowed); i++)
		len += (size_t)snprintf(allowed + len, sizeof(allowed) - len, "%s%s", i ? ", " : "",
					record_kinds[i].kind);
	return err_set(err, ERR_INVALID, "on", "bad_enum:value,_,_,allowed",
		       "\"%.15s\" is not a %s %s (%s)", kind, "comment", "record kind", allowed);
}

int comment_on_parse(const char *text, struct comment_on *on, struct err *err)
{
	const char *colon = text ? strchr(text, ':') : NULL;
	char *end = NULL;
	size_t klen;
	long long id;

	memset(on, 0, sizeof(*on));
	if (!text || !*text)
		return err_set(err, ERR_INVALID, "on", "required", "on is required");
	klen = colon ? (size_t)(colon - text) : 0;
	if (colon && colon[1] >= '0' && colon[1] <= '9')
		id = strtoll(colon + 1, &end, 10);
	else
		id = 0;
	if (!colon || klen == 0 || klen >= sizeof(on->kind) || !end || *end || id <= 0)
		return err_set(err, ERR_INVALID, "on", "bad_comment_on:value",
			       "\"%.40s\" does not name a record (kind:id, e.g. deal:12)", text);
	memcpy(on->kind, text, klen);
	on->kind[klen] = 0;
	on->id = id;
	return kind_of(on->kind, NULL, err);
}

static const char SQL_PROJECT_CODE[] = "SELECT code FROM projects WHERE id = ?";

/* Find the record and the reader's standing; "not found" when they may not see it. */
static int record_open(struct store *st, const struct actor *a, const struct comment_on *on,
		       struct record *r, struct err *err)
{
	struct stmt *s;
	int rc, found = 0;

	memset(r, 0, sizeof(*r));
	if (kind_of(on->kind, &r->rk, err))
		return -1;
	r->id = on->id;
	if (!(s = store_prepare(st, r->rk->sql, err)))
		return -1;
	store_bind_int(st, s, 1, on->id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		found = 1;
		r->project_id = store_col_int_or(st, s, 0, NO_ID);
		utf8_cut(r->title, sizeof(r->title), store_col_text(st, s, 1));
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (found && r->project_id != NO_ID) {
		r->prole = project_access(st, a, r->project_id, err);
		found = r->prole != PROLE_NONE;
		if (found && (s = store_prepare(st, SQL_PROJECT_CODE, err))) {
			store_bind_int(st, s, 1, r->project_id);
			if (store_step(st, s, err) == STORE_ROW)
				snprintf(r->project_code, sizeof(r->project_code), "%s",
					 store_col_text(st, s, 0));
			store_done(st, s);
		}
	}
	if (!found)
		return err_set(err, ERR_NOT_FOUND, "on", "no_record:_,key", "no %s \"%lld\"",
			       on->kind, (long long)on->id);
	return 0;
}

/* Whether the reader may comment on the record (write in its project; a customer: a rep). */
static int may_write(const struct actor *a, const struct record *r)
{
	return r->project_id == NO_ID ? a->role >= ROLE_REP : r->prole >= PROLE_MEMBER;
}

/* Whether the reader may delete others' comments there (a project manager; a manager). */
static int may_moderate(const struct actor *a, const struct record *r)
{
	return r->project_id == NO_ID ? a->role >= ROLE_MANAGER : r->prole >= PROLE_MANAGER;
}

/* --- mentions --------------------------------------------------------------------------- */

static const char SQL_MENTIONED[] =
	"SELECT u.id FROM users u WHERE u.login = ?1 AND u.active = 1 AND (?2 < 0 OR "
	"u.role IN ('admin', 'manager') OR EXISTS (SELECT 1 FROM members m WHERE "
	"m.project_id = ?2 AND m.user_id = u.id))";

/* The user a login names when they may see the record, else NO_ID. */
static int mentioned_user(struct store *st, const struct record *r, const char *login,
			  int64_t *user_id, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_MENTIONED, err);
	int rc;

	*user_id = NO_ID;
	if (!s)
		return -1;
	store_bind_text(st, s, 1, login);
	store_bind_int(st, s, 2, r->project_id == NO_ID ? -1 : r->project_id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		*user_id = store_col_int(st, s, 0);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* Notify who body mentions and before (the text edited, or NULL) did not. */
static int notify_mentions(struct tx *tx, const struct record *r, int64_t comment_id,
			   const char *body, const char *before, struct err *err)
{
	struct mention now[MENTION_MAX], was[MENTION_MAX];
	size_t n = mention_scan(body, now, MENTION_MAX);
	size_t m = before ? mention_scan(before, was, MENTION_MAX) : 0;
	char excerpt[160];
	struct notify_about ab = { .on_kind = r->rk->kind,
				   .on_id = r->id,
				   .project_id = r->project_id,
				   .title = r->title,
				   .excerpt = excerpt,
				   .comment_id = comment_id };

	utf8_cut(excerpt, sizeof(excerpt), body);
	for (size_t i = 0; i < n; i++) {
		int64_t uid;
		int old = 0;

		for (size_t j = 0; j < m && !old; j++)
			old = !strcmp(was[j].login, now[i].login);
		if (old)
			continue;
		if (mentioned_user(tx->st, r, now[i].login, &uid, err) ||
		    (uid != NO_ID && notify_event(tx, uid, NK_MENTION, &ab, err)))
			return -1;
	}
	return 0;
}

/* --- reading ---------------------------------------------------------------------------- */

#define COMMENT_COLS                                                                          \
	"SELECT c.id, c.on_kind, c.on_id, c.author_id, u.login, u.name, c.body, c.version, "  \
	"c.created_at, c.updated_at FROM comments c JOIN users u ON u.id = c.author_id "

static const char SQL_COMMENTS_ON[] =
	COMMENT_COLS "WHERE c.on_kind = ?1 AND c.on_id = ?2 ORDER BY c.id LIMIT 1000";
static const char SQL_COMMENT_ONE[] = COMMENT_COLS "WHERE c.id = ?1";

/* The comment row of s as an item, with the mentions that name users and what the reader may do. */
static int row_item(struct store *st, const struct actor *a, const struct record *r,
		    struct stmt *s, struct comment_item *it, struct err *err)
{
	struct mention ms[MENTION_MAX];
	int mine = store_col_int(st, s, 3) == a->user_id;
	size_t n;

	memset(it, 0, sizeof(*it));
	it->id = store_col_int(st, s, 0);
	it->on_kind = store_col_text(st, s, 1);
	it->on_id = store_col_int(st, s, 2);
	it->project = r->project_id == NO_ID ? NULL : r->project_code;
	it->author = store_col_text(st, s, 4);
	it->author_name = store_col_text(st, s, 5);
	it->body = store_col_text(st, s, 6);
	it->version = store_col_int(st, s, 7);
	it->created_at = store_col_int(st, s, 8);
	it->updated_at = store_col_int(st, s, 9);
	it->can_edit = mine && may_write(a, r);
	it->can_delete = it->can_edit || may_moderate(a, r);
	n = mention_scan(it->body, ms, MENTION_MAX);
	for (size_t i = 0; i < n; i++) {
		int64_t uid;
		if (mentioned_user(st, r, ms[i].login, &uid, err))
			return -1;
		if (uid != NO_ID)
			memcpy(it->mentions[it->nmentions++], ms[i].login, sizeof(ms[i].login));
	}
	return 0;
}

static void item_json(void *ctx, const struct comment_item *it)
{
	struct jw *w = ctx;

	jw_obj(w);
	jw_kint(w, "id", it->id);
	jw_kstr(w, "on_kind", it->on_kind);
	jw_kint(w, "on_id", it->on_id);
	jw_kstr(w, "project", it->project);
	jw_kstr(w, "author", it->author);
	jw_kstr(w, "author_name", it->author_name);
	jw_kstr(w, "body", it->body);
	jw_key(w, "mentions");
	jw_arr(w);
	for (size_t i = 0; i < it->nmentions; i++)
		jw_str(w, it->mentions[i]);
	jw_arr_end(w);
	jw_kint(w, "version", it->version);
	jw_kbool(w, "edited", it->version > 1);
	jw_kts(w, "created_at", it->created_at);
	jw_kts(w, "updated_at", it->updated_at);
	jw_kbool(w, "can_edit", it->can_edit);
	jw_kbool(w, "can_delete", it->can_delete);
	jw_obj_end(w);
}

int comment_list(struct store *st, const struct actor *a, const struct comment_on *on,
		 struct comment_about *about, comment_each_fn *each, void *ctx, struct err *err)
{
	struct record r;
	struct stmt *s;
	int rc = 0;

	memset(about, 0, sizeof(*about));
	if (record_open(st, a, on, &r, err) || !(s = store_prepare(st, SQL_COMMENTS_ON, err)))
		return -1;
	snprintf(about->kind, sizeof(about->kind), "%s", r.rk->kind);
	about->id = r.id;
	snprintf(about->title, sizeof(about->title), "%s", r.title);
	snprintf(about->project, sizeof(about->project), "%s", r.project_code);
	about->can_comment = may_write(a, &r);
	store_bind_text(st, s, 1, r.rk->kind);
	store_bind_int(st, s, 2, r.id);
	while (rc >= 0 && (rc = store_step(st, s, err)) == STORE_ROW) {
		struct comment_item it;
		if (row_item(st, a, &r, s, &it, err))
			rc = -1;
		else
			each(ctx, &it);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int comment_list_write_json(struct store *st, const struct actor *a, const struct comment_on *on,
			    struct jw *w, struct err *err)
{
	struct comment_about about;
	struct buf b = BUF_INIT;
	struct jw cw;
	int r;

	/* the comments first (into b), since "on" comes before them and is known after */
	jw_init(&cw, &b);
	jw_arr(&cw);
	r = comment_list(st, a, on, &about, item_json, &cw, err);
	jw_arr_end(&cw);
	if (!r) {
		jw_obj(w);
		jw_key(w, "on");
		jw_obj(w);
		jw_kstr(w, "kind", about.kind);
		jw_kint(w, "id", about.id);
		jw_kstr(w, "title", about.title);
		jw_kstr(w, "project", about.project[0] ? about.project : NULL);
		jw_kbool(w, "can_comment", about.can_comment);
		jw_obj_end(w);
		jw_key(w, "comments");
		jw_raw(w, buf_cstr(&b));
		jw_obj_end(w);
	}
	buf_release(&b);
	return r;
}

/* A comment's record, body, author and version, for a change ("not found" when hidden). */
struct comment_row {
	int64_t id, author_id, version;
	struct comment_on on;
	char *body;
};

static const char SQL_COMMENT_GET[] =
	"SELECT on_kind, on_id, author_id, body, version FROM comments WHERE id = ?";

static int comment_load(struct store *st, const struct actor *a, int64_t id,
			struct comment_row *c, struct record *r, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_COMMENT_GET, err);
	int rc;

	memset(c, 0, sizeof(*c));
	if (!s)
		return -1;
	store_bind_int(st, s, 1, id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		c->id = id;
		snprintf(c->on.kind, sizeof(c->on.kind), "%s", store_col_text(st, s, 0));
		c->on.id = store_col_int(st, s, 1);
		c->author_id = store_col_int(st, s, 2);
		c->body = xstrdup(store_col_text(st, s, 3));
		c->version = store_col_int(st, s, 4);
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	/* a comment on a record the reader may not see is "not found" as well */
	if (rc != STORE_ROW || !c->body || record_open(st, a, &c->on, r, NULL)) {
		free(c->body);
		c->body = NULL;
		return err_set(err, ERR_NOT_FOUND, "comment", "no_record:_,key", "no %s \"%lld\"",
			       "comment", (long long)id);
	}
	return 0;
}

int comment_write_json(struct store *st, const struct actor *a, int64_t id, struct jw *w,
		       struct err *err)
{
	struct comment_row c;
	struct record r;
	struct stmt *s;
	int rc;

	if (comment_load(st, a, id, &c, &r, err))
		return -1;
	free(c.body);
	if (!(s = store_prepare(st, SQL_COMMENT_ONE, err)))
		return -1;
	store_bind_int(st, s, 1, id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		struct comment_item it;
		rc = row_item(st, a, &r, s, &it, err);
		if (!rc)
			item_json(w, &it);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* --- writing ---------------------------------------------------------------------------- */

static const char SQL_FORGET_COMMENTS[] = "DELETE FROM comments WHERE on_kind = ?1 AND on_id = ?2";
static const char SQL_FORGET_NOTICES[] =
	"DELETE FROM notifications WHERE on_kind = ?1 AND on_id = ?2";

int comment_forget(struct tx *tx, const char *kind, int64_t id, struct err *err)
{
	const char *const sql[] = { SQL_FORGET_COMMENTS, SQL_FORGET_NOTICES };

	for (size_t i = 0; i < 2; i++) {
		struct stmt *s = store_prepare(tx->st, sql[i], err);
		int rc;

		if (!s)
			return -1;
		store_bind_text(tx->st, s, 1, kind);
		store_bind_int(tx->st, s, 2, id);
		rc = store_step(tx->st, s, err);
		store_done(tx->st, s);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* The audit's picture of a comment. */
static const char *audit_json(struct buf *b, const char *kind, int64_t on_id, int64_t version,
			      const char *body)
{
	struct jw w;

	buf_reset(b);
	jw_init(&w, b);
	jw_obj(&w);
	jw_kstr(&w, "on_kind", kind);
	jw_kint(&w, "on_id", on_id);
	jw_kint(&w, "version", version);
	jw_kstr(&w, "body", body);
	jw_obj_end(&w);
	return buf_cstr(b);
}

/* The body checked: one or more lines of text, at most COMMENT_MAX bytes, not blank. */
static int body_check(const char *body, char *out, struct err *err)
{
	int blank = 1;

	if (text_field(out, COMMENT_MAX + 1, body ? body : "", 1, 1, "body", err))
		return -1;
	for (const char *p = out; *p && blank; p++)
		blank = *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t';
	if (blank)
		return err_set(err, ERR_INVALID, "body", "required", "%s is required", "body");
	return 0;
}

static const char SQL_COMMENT_ADD[] =
	"INSERT INTO comments (on_kind, on_id, project_id, author_id, body, created_at, updated_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING id";

int comment_add(struct store *st, const struct actor *a, const struct comment_on *on,
		const char *body, int64_t *id, struct err *err)
{
	char *text = xmalloc(COMMENT_MAX + 1);
	struct record r;
	struct tx tx = { 0 };
	struct buf b = BUF_INIT;
	struct stmt *s;
	int rc, r_ = -1;

	*id = NO_ID;
	if (record_open(st, a, on, &r, err))
		goto out;
	if (!may_write(a, &r)) {
		err_set(err, ERR_DENIED, NULL, "comment_denied",
			"commenting here needs a member's role; %s may only read", a->login);
		goto out;
	}
	if (body_check(body, text, err))
		goto out;
	if (r.project_id != NO_ID
		    ? tx_begin_project_closed(&tx, st, a, r.project_id, r.project_code, PROLE_MEMBER,
				       "commenting", err)
		    : tx_begin(&tx, st, a, err))
		goto out;
	if (!(s = store_prepare(st, SQL_COMMENT_ADD, err)))
		goto out;
	store_bind_text(st, s, 1, r.rk->kind);
	store_bind_int(st, s, 2, r.id);
	store_bind_int_or_null(st, s, 3, r.project_id, NO_ID);
	store_bind_int(st, s, 4, a->user_id);
	store_bind_text(st, s, 5, text);
	store_bind_int(st, s, 6, tx.now);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		*id = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc != STORE_ROW) {
		if (rc >= 0)
			err_set(err, ERR_INTERNAL, NULL, "internal", "the comment got no id");
		goto out;
	}
	if (notify_mentions(&tx, &r, *id, text, NULL, err) ||
	    tx_audit(&tx, "comment", *id, "create", NULL, audit_json(&b, r.rk->kind, r.id, 1, text),
		     err))
		goto out;
	r_ = tx_commit(&tx, err);
out:
	if (r_)
		tx_abort(&tx);
	buf_release(&b);
	free(text);
	return r_;
}

static const char SQL_COMMENT_EDIT[] =
	"UPDATE comments SET body = ?1, version = version + 1, updated_at = ?2 "
	"WHERE id = ?3 AND version = ?4";
static const char SQL_COMMENT_DELETE[] = "DELETE FROM comments WHERE id = ?1 AND version = ?2";

/*
 * Open the write on a comment: loaded in the transaction, the actor's right
 * judged (an edit: its author; a delete: its author or a moderator), then its
 * version checked, so who may not change it never learns of its version.
 */
static int change_begin(struct tx *tx, struct store *st, const struct actor *a, int64_t id,
			int64_t version, int deleting, struct comment_row *c, struct record *r,
			struct err *err)
{
	char name[24];
	int author;

	if (comment_load(st, a, id, c, r, err))
		return -1;
	if (r->project_id != NO_ID
		    ? tx_begin_project(tx, st, a, r->project_id, r->project_code, PROLE_VIEWER,
				       "changing comments", err)
		    : tx_begin(tx, st, a, err))
		return -1;
	/* read again inside the write lock */
	free(c->body);
	if (comment_load(st, a, id, c, r, err))
		return -1;
	author = c->author_id == a->user_id && may_write(a, r);
	if (!deleting && !author)
		return err_set(err, ERR_DENIED, NULL, "comment_author_only",
			       "only a comment's author may edit it");
	if (deleting && !author && !may_moderate(a, r))
		return err_set(err, ERR_DENIED, NULL, "comment_delete_denied",
			       "only a comment's author or a project manager may delete it");
	snprintf(name, sizeof(name), "%lld", (long long)id);
	if (version != INT64_MIN && version != c->version)
		return tx_version_conflict("comment", name, version, c->version, err);
	return 0;
}

int comment_edit(struct store *st, const struct actor *a, int64_t id, int64_t version,
		 const char *body, struct err *err)
{
	char *text = xmalloc(COMMENT_MAX + 1);
	struct comment_row c = { 0 };
	struct record r;
	struct tx tx = { 0 };
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	struct stmt *s;
	int rc, ret = -1;

	if (change_begin(&tx, st, a, id, version, 0, &c, &r, err))
		goto out;
	if (body_check(body, text, err))
		goto out;
	if (!(s = store_prepare(st, SQL_COMMENT_EDIT, err)))
		goto out;
	store_bind_text(st, s, 1, text);
	store_bind_int(st, s, 2, tx.now);
	store_bind_int(st, s, 3, id);
	store_bind_int(st, s, 4, c.version);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0 || notify_mentions(&tx, &r, id, text, c.body, err) ||
	    tx_audit(&tx, "comment", id, "update",
		     audit_json(&b1, c.on.kind, c.on.id, c.version, c.body),
		     audit_json(&b2, c.on.kind, c.on.id, c.version + 1, text), err))
		goto out;
	ret = tx_commit(&tx, err);
out:
	if (ret)
		tx_abort(&tx);
	buf_release(&b1);
	buf_release(&b2);
	free(c.body);
	free(text);
	return ret;
}

int comment_delete(struct store *st, const struct actor *a, int64_t id, int64_t version,
		   struct err *err)
{
	struct comment_row c = { 0 };
	struct record r;
	struct tx tx = { 0 };
	struct buf b = BUF_INIT;
	struct stmt *s;
	int rc, ret = -1;

	if (change_begin(&tx, st, a, id, version, 1, &c, &r, err))
		goto out;
	if (!(s = store_prepare(st, SQL_COMMENT_DELETE, err)))
		goto out;
	store_bind_int(st, s, 1, id);
	store_bind_int(st, s, 2, c.version);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0 || tx_audit(&tx, "comment", id, "delete",
			       audit_json(&b, c.on.kind, c.on.id, c.version, c.body), NULL, err))
		goto out;
	ret = tx_commit(&tx, err);
out:
	if (ret)
		tx_abort(&tx);
	buf_release(&b);
	free(c.body);
	return ret;
}
