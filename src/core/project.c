/*
 * project.c - sales projects.
 */
#include "core/project.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "core/adjust.h"
#include "core/closed_terms.h"
#include "core/notify.h"
#include "core/sale.h"
#include "core/tx.h"
#include "base/banned.h"

#define PROJECT_COLS                                                                            \
	"p.id, p.code, p.name, p.description, p.objective, p.start_on, p.end_on, p.status, "    \
	"p.budget_minor, p.owner_id, p.version, p.created_at, p.updated_at, p.closed_at, "      \
	"p.closed_by, COALESCE(cu.login, ''), p.close_note "
#define PROJECT_FROM " FROM projects p LEFT JOIN users cu ON cu.id = p.closed_by "

static const char SQL_PROJECT_INSERT[] =
	"INSERT INTO projects (code, name, description, objective, start_on, end_on, status, "
	"budget_minor, owner_id, created_at, updated_at, closed_at, closed_by) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_PROJECT_BY_CODE[] =
	"SELECT " PROJECT_COLS PROJECT_FROM "WHERE p.code = ?";
static const char SQL_PROJECT_LIST_ALL[] =
	"SELECT " PROJECT_COLS PROJECT_FROM "ORDER BY p.start_on, p.code";
static const char SQL_PROJECT_LIST_MEMBER[] =
	"SELECT " PROJECT_COLS PROJECT_FROM "JOIN members m ON m.project_id = p.id "
	"WHERE m.user_id = ? ORDER BY p.start_on, p.code";
static const char SQL_PROJECT_UPDATE[] =
	"UPDATE projects SET name = ?, description = ?, objective = ?, start_on = ?, end_on = ?, "
	"status = ?, budget_minor = ?, owner_id = ?, version = version + 1, updated_at = ?, "
	"closed_at = ?, closed_by = ?, close_note = ? "
	"WHERE id = ? AND version = ? RETURNING version";
static const char SQL_PROJECT_HAS_SALES[] = "SELECT COUNT(*) FROM sales WHERE project_id = ?";
static const char SQL_PROJECT_AUDIT_LAST[] =
	"SELECT MAX(id) FROM audit WHERE entity = 'project' AND entity_id = ?1";
static const char SQL_PROJECT_DELETE[] =
	"DELETE FROM projects WHERE id = ? AND version = ? RETURNING id";

void project_write_json(struct jw *w, const struct project *p)
{
	jw_obj(w);
	jw_kint(w, "id", p->id);
	jw_kstr(w, "code", p->code);
	jw_kstr(w, "name", p->name);
	jw_kstr(w, "description", p->description);
	jw_kstr(w, "objective", p->objective);
	jw_kdate(w, "start", p->start_on);
	jw_kdate(w, "end", p->end_on);
	jw_kstr(w, "status", p->status);
	jw_kint(w, "budget", p->budget_minor);
	jw_key(w, "owner_id");
	if (p->owner_id == NO_ID)
		jw_null(w);
	else
		jw_int(w, p->owner_id);
	jw_key(w, "closed_at");
	if (p->closed_at == NO_ID)
		jw_null(w);
	else
		jw_ts(w, p->closed_at);
	jw_kstr(w, "closed_by", p->closed_by == NO_ID ? NULL : p->closed_by_login);
	jw_kstr(w, "close_note", p->close_note);
	jw_kint(w, "version", p->version);
	jw_kts(w, "created_at", p->created_at);
	jw_kts(w, "updated_at", p->updated_at);
	jw_obj_end(w);
}

static void project_json(struct buf *b, const struct project *p)
{
	struct jw w;
	jw_init(&w, b);
	project_write_json(&w, p);
}

static void row_to_project(struct store *st, struct stmt *s, struct project *p)
{
	p->id = store_col_int(st, s, 0);
	snprintf(p->code, sizeof(p->code), "%s", store_col_text(st, s, 1));
	snprintf(p->name, sizeof(p->name), "%s", store_col_text(st, s, 2));
	snprintf(p->description, sizeof(p->description), "%s", store_col_text(st, s, 3));
	snprintf(p->objective, sizeof(p->objective), "%s", store_col_text(st, s, 4));
	p->start_on = (int32_t)store_col_int(st, s, 5);
	p->end_on = (int32_t)store_col_int(st, s, 6);
	snprintf(p->status, sizeof(p->status), "%s", store_col_text(st, s, 7));
	p->budget_minor = store_col_int(st, s, 8);
	p->owner_id = store_col_int_or(st, s, 9, NO_ID);
	p->version = store_col_int(st, s, 10);
	p->created_at = store_col_int(st, s, 11);
	p->updated_at = store_col_int(st, s, 12);
	p->closed_at = store_col_int_or(st, s, 13, NO_ID);
	p->closed_by = store_col_int_or(st, s, 14, NO_ID);
	snprintf(p->closed_by_login, sizeof(p->closed_by_login), "%s", store_col_text(st, s, 15));
	snprintf(p->close_note, sizeof(p->close_note), "%s", store_col_text(st, s, 16));
}

/* Check in and copy the editable fields into out. */
static int validate(const struct project *in, struct project *out, struct err *err)
{
	char d1[DATE_FMT_MAX], d2[DATE_FMT_MAX];

	if (code_field(out->code, sizeof(out->code), in->code, "code", err) ||
	    text_field(out->name, sizeof(out->name), in->name, 1, 0, "name", err) ||
	    text_field(out->description, sizeof(out->description), in->description, 0, 1,
		       "description", err) ||
	    text_field(out->objective, sizeof(out->objective), in->objective, 0, 1, "objective",
		       err))
		return -1;
	if (in->start_on == NO_DATE)
		return err_set(err, ERR_INVALID, "start", "required", "a start date is required");
	if (in->end_on == NO_DATE)
		return err_set(err, ERR_INVALID, "end", "required", "an end date is required");
	if (in->end_on < in->start_on)
		return err_set(err, ERR_INVALID, "end", "date_before_start:date,start", "the end %s is before the start %s",
			       date_format(in->end_on, d1), date_format(in->start_on, d2));
	if (!in->status[0])
		snprintf(out->status, sizeof(out->status), "draft");
	else if (strcmp(in->status, "draft") && strcmp(in->status, "active") &&
		 strcmp(in->status, "closed"))
		return err_set(err, ERR_INVALID, "status", "bad_status:value",
			       "\"%s\" is not a status (draft, active or closed)", in->status);
	else
		snprintf(out->status, sizeof(out->status), "%s", in->status);
	if (in->budget_minor < 0)
		return err_set(err, ERR_INVALID, "budget", "negative", "a budget cannot be negative");
	if (in->budget_minor > MONEY_TOTAL_MAX) {
		char m[MONEY_FMT_MAX];
		return err_set(err, ERR_INVALID, "budget", "amount_limit:max",
			       "a budget is at most %s", money_format_grouped(MONEY_TOTAL_MAX, m));
	}
	out->start_on = in->start_on;
	out->end_on = in->end_on;
	out->budget_minor = in->budget_minor;
	out->owner_id = in->owner_id;
	return 0;
}

static int add_member_row(struct tx *tx, int64_t project_id, int64_t user_id, enum prole role,
			  struct err *err);

/* The project's last audit row (the one its write just made). */
static int last_audit(struct store *st, int64_t project_id, int64_t *out, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_PROJECT_AUDIT_LAST, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, project_id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		*out = store_col_int_or(st, s, 0, NO_ID);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static const char SQL_OWNER_EXISTS[] = "SELECT COUNT(*) FROM users WHERE id = ? AND active = 1";

/* An owner named by id must be an active user (else 422 naming owner_id, not a conflict). */
static int owner_valid(struct store *st, int64_t owner_id, struct err *err)
{
	struct stmt *s;
	int64_t n = 0;
	int rc;
	if (owner_id == NO_ID)
		return 0;
	s = store_prepare(st, SQL_OWNER_EXISTS, err);
	if (!s)
		return -1;
	store_bind_int(st, s, 1, owner_id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		n = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (!n)
		return err_set(err, ERR_INVALID, "owner_id", "no_active_user:id", "no active user with id %lld",
			       (long long)owner_id);
	return 0;
}

int project_create(struct store *st, const struct actor *a, const struct project *in,
		   struct project *out, struct err *err)
{
	struct tx tx = { 0 };
	struct buf after = BUF_INIT;
	struct stmt *s;
	int rc, r = -1;

	if (require_role(a, ROLE_MANAGER, "creating projects", err))
		return -1;
	memset(out, 0, sizeof(*out));
	if (validate(in, out, err))
		return -1;
	if (out->owner_id == NO_ID || out->owner_id == 0)
		out->owner_id = a->user_id;
	out->closed_at = out->closed_by = NO_ID;
	if (owner_valid(st, out->owner_id, err))
		return -1;
	if (tx_begin(&tx, st, a, err))
		return -1;
	s = store_prepare(st, SQL_PROJECT_INSERT, err);
	if (!s)
		goto out;
	store_bind_text(st, s, 1, out->code);
	store_bind_text(st, s, 2, out->name);
	store_bind_text(st, s, 3, out->description);
	store_bind_text(st, s, 4, out->objective);
	store_bind_int(st, s, 5, out->start_on);
	store_bind_int(st, s, 6, out->end_on);
	store_bind_text(st, s, 7, out->status);
	store_bind_int(st, s, 8, out->budget_minor);
	store_bind_int_or_null(st, s, 9, out->owner_id, NO_ID);
	store_bind_int(st, s, 10, tx.now);
	store_bind_int(st, s, 11, tx.now);
	if (!strcmp(out->status, "closed")) { /* made closed: closed as it is made */
		out->closed_at = tx.now;
		out->closed_by = a->user_id;
		snprintf(out->closed_by_login, sizeof(out->closed_by_login), "%s", a->login);
	}
	store_bind_int_or_null(st, s, 12, out->closed_at, NO_ID);
	store_bind_int_or_null(st, s, 13, out->closed_by, NO_ID);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		out->id = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0) {
		if (err->code == ERR_CONFLICT)
			err_set(err, ERR_CONFLICT, "code", "duplicate_key:key", "a project with code \"%s\" exists",
				out->code);
		goto out;
	}
	out->version = 1;
	out->created_at = out->updated_at = tx.now;
	if (out->owner_id != NO_ID && add_member_row(&tx, out->id, out->owner_id, PROLE_OWNER, err))
		goto out;
	project_json(&after, out);
	if (tx_audit(&tx, "project", out->id, "create", NULL, buf_cstr(&after), err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	buf_release(&after);
	return r;
}

int project_load(struct store *st, const char *code, struct project *out, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_PROJECT_BY_CODE, err);
	int rc;
	if (!s)
		return -1;
	store_bind_text(st, s, 1, code);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		row_to_project(st, s, out);
	store_done(st, s);
	if (rc == STORE_DONE)
		return err_set(err, ERR_NOT_FOUND, "project", "no_project:code", "no project \"%s\"", code);
	return rc < 0 ? -1 : 0;
}

int project_get_as(struct store *st, const struct actor *a, const char *code, enum prole min,
		   const char *what, struct project *out, struct err *err)
{
	if (project_get(st, a, code, out, err))
		return -1;
	return require_project(st, a, out->id, out->code, min, what, err);
}

int project_get(struct store *st, const struct actor *a, const char *code, struct project *out,
		struct err *err)
{
	if (project_load(st, code, out, err))
		return -1;
	return require_project(st, a, out->id, code, PROLE_VIEWER, "reading the project", err);
}

int project_list(struct store *st, const struct actor *a, struct project_list *out,
		 struct err *err)
{
	int all = project_sees_all(a);
	struct stmt *s = store_prepare(st, all ? SQL_PROJECT_LIST_ALL : SQL_PROJECT_LIST_MEMBER,
				       err);
	int rc;
	if (!s)
		return -1;
	if (!all)
		store_bind_int(st, s, 1, a->user_id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		row_to_project(st, s, &out->items[out->n++]);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

void project_list_release(struct project_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = l->alloc = 0;
}

/* Whether a change of owner_id from cur to want may be asked for by a (before any write). */
static int handover_allowed(struct store *st, const struct actor *a, const struct project *cur,
			    int64_t new_owner, struct err *err)
{
	if (project_access(st, a, cur->id, err) < PROLE_OWNER)
		return err_set(err, ERR_DENIED, "owner_id", "owner_only",
			       "only the owner of %s or an admin may hand it over", cur->code);
	if (new_owner == NO_ID)
		return err_set(err, ERR_INVALID, "owner_id", "required",
			       "%s keeps an owner: name the member who takes it over", cur->code);
	return owner_valid(st, new_owner, err);
}

static int member_set_role(struct tx *tx, const struct member *cur, enum prole role,
			   struct err *err);
static int member_by_user(struct store *st, int64_t project_id, int64_t user_id,
			  struct member *out, int *active, struct err *err);

/*
 * Hand project p over to new_owner inside tx: the new owner must be an active
 * member; their membership becomes owner, and the previous owner's (when an
 * owner) becomes manager, each change audited.
 */
static int handover(struct tx *tx, const struct project *p, int64_t new_owner, struct err *err)
{
	struct member m;
	int active = 0, rc;

	rc = member_by_user(tx->st, p->id, new_owner, &m, &active, err);
	if (rc < 0)
		return -1;
	if (rc == 0 || !active)
		return err_set(err, ERR_INVALID, "owner_id", "owner_not_member:id,project",
			       "user %lld is not an active member of %s; add them to the project "
			       "before handing it over",
			       (long long)new_owner, p->code);
	if (m.role != PROLE_OWNER && member_set_role(tx, &m, PROLE_OWNER, err))
		return -1;
	if (p->owner_id == NO_ID)
		return 0;
	rc = member_by_user(tx->st, p->id, p->owner_id, &m, &active, err);
	if (rc < 0)
		return -1;
	if (rc > 0 && m.role == PROLE_OWNER && member_set_role(tx, &m, PROLE_MANAGER, err))
		return -1;
	return 0;
}

/*
 * Write out over cur (at version) inside tx, with its audit row (action:
 * update, close, reopen): a version moved on meanwhile is a conflict.
 */
static int write_row(struct tx *tx, const struct project *cur, struct project *out,
		     int64_t version, const char *action, struct err *err)
{
	struct store *st = tx->st;
	struct buf before = BUF_INIT, after = BUF_INIT;
	struct stmt *s = store_prepare(st, SQL_PROJECT_UPDATE, err);
	int rc, r = -1;

	if (!s)
		return -1;
	store_bind_text(st, s, 1, out->name);
	store_bind_text(st, s, 2, out->description);
	store_bind_text(st, s, 3, out->objective);
	store_bind_int(st, s, 4, out->start_on);
	store_bind_int(st, s, 5, out->end_on);
	store_bind_text(st, s, 6, out->status);
	store_bind_int(st, s, 7, out->budget_minor);
	store_bind_int_or_null(st, s, 8, out->owner_id, NO_ID);
	store_bind_int(st, s, 9, tx->now);
	store_bind_int_or_null(st, s, 10, out->closed_at, NO_ID);
	store_bind_int_or_null(st, s, 11, out->closed_by, NO_ID);
	store_bind_text(st, s, 12, out->close_note);
	store_bind_int(st, s, 13, cur->id);
	store_bind_int(st, s, 14, version);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (rc == STORE_DONE) {
		/* no row at that version: a writer that got in first */
		struct project now;
		if (!project_load(st, cur->code, &now, err))
			tx_version_conflict("project", cur->code, version, now.version, err);
		return -1;
	}
	out->version = version + 1;
	out->updated_at = tx->now;
	project_json(&before, cur);
	project_json(&after, out);
	r = tx_audit(tx, "project", cur->id, action, buf_cstr(&before), buf_cstr(&after), err);
	buf_release(&before);
	buf_release(&after);
	return r;
}

/* ?1 the project: the users asked for peer reviews when it closes (members, not viewers) */
static const char SQL_REVIEWERS[] =
	"SELECT user_id FROM members WHERE project_id = ?1 AND role IN ('owner', 'manager', "
	"'member') ORDER BY user_id";

/*
 * The closing rule, inside tx: out (cur as it will be) becomes closed now by
 * the actor with note, and each member is asked for their reviews.
 */
static int closing(struct tx *tx, const struct project *cur, struct project *out,
		   const char *note, struct err *err)
{
	struct notify_about ab = { .on_kind = "project",
				   .on_id = cur->id,
				   .project_id = cur->id,
				   .title = cur->name,
				   .comment_id = NO_ID };
	int64_t *users = NULL;
	size_t n = 0, alloc = 0;
	struct stmt *s;
	int rc;

	if (text_field(out->close_note, sizeof(out->close_note), note ? note : "", 0, 1, "note",
		       err))
		return -1;
	snprintf(out->status, sizeof(out->status), "closed");
	out->closed_at = tx->now;
	out->closed_by = tx->actor->user_id;
	snprintf(out->closed_by_login, sizeof(out->closed_by_login), "%s", tx->actor->login);
	if (!(s = store_prepare(tx->st, SQL_REVIEWERS, err)))
		return -1;
	store_bind_int(tx->st, s, 1, cur->id);
	while ((rc = store_step(tx->st, s, err)) == STORE_ROW) {
		ALLOC_GROW(users, n + 1, alloc);
		users[n++] = store_col_int(tx->st, s, 0);
	}
	store_done(tx->st, s);
	for (size_t i = 0; rc >= 0 && i < n; i++)
		if (notify_event(tx, users[i], NK_REVIEW, &ab, err))
			rc = -1;
	free(users);
	/* the workspace-level terms its report reads, frozen with it */
	if (rc >= 0 && closed_terms_freeze(tx, cur->id, err))
		rc = -1;
	return rc < 0 ? -1 : 0;
}

/*
 * Who may close and reopen: the project's owner or a manager of it, or a
 * workspace admin or manager (who see every project).
 */
static int may_close(struct store *st, const struct actor *a, const struct project *p,
		     const char *what, struct err *err)
{
	return require_project(st, a, p->id, p->code,
			       a->role >= ROLE_MANAGER ? PROLE_VIEWER : PROLE_MANAGER, what, err);
}

int project_close(struct store *st, const struct actor *a, const char *code, int64_t version,
		  const char *note, struct project *out, struct err *err)
{
	struct project cur;
	struct tx tx = { 0 };
	int r = -1;

	if (project_load(st, code, &cur, err) ||
	    may_close(st, a, &cur, "closing the project", err))
		return -1;
	if (version != cur.version)
		return tx_version_conflict("project", cur.code, version, cur.version, err);
	if (!strcmp(cur.status, "closed"))
		return err_set(err, ERR_CONFLICT, "project", "project_closed:code",
			       "project %s is closed already", cur.code);
	/* a draft never ran: nothing to evaluate, reviews it could never get (review_check) */
	if (!strcmp(cur.status, "draft"))
		return err_set(err, ERR_CONFLICT, "project", "project_not_started:code",
			       "project %s is a draft: start it before closing it", cur.code);
	*out = cur;
	if (tx_begin(&tx, st, a, err))
		return -1;
	if (may_close(st, a, &cur, "closing the project", err) ||
	    closing(&tx, &cur, out, note, err) ||
	    write_row(&tx, &cur, out, version, "close", err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	return r;
}

int project_reopen(struct store *st, const struct actor *a, const char *code, int64_t version,
		   const char *reason, struct project *out, struct err *err)
{
	struct project cur;
	struct adjustment adj;
	struct tx tx = { 0 };
	char why[1000];
	int64_t audit = NO_ID, margin[2] = { 0, 0 };
	int r = -1;

	if (project_load(st, code, &cur, err) ||
	    may_close(st, a, &cur, "reopening the project", err) ||
	    text_field(why, sizeof(why), reason ? reason : "", 1, 1, "reason", err))
		return -1;
	if (!why[strspn(why, " \t\r\n")])
		return err_set(err, ERR_INVALID, "reason", "required", "a reason is required");
	if (version != cur.version)
		return tx_version_conflict("project", cur.code, version, cur.version, err);
	if (strcmp(cur.status, "closed"))
		return err_set(err, ERR_CONFLICT, "project", "project_not_closed:code",
			       "project %s is not closed", cur.code);
	*out = cur;
	snprintf(out->status, sizeof(out->status), "active");
	out->closed_at = out->closed_by = NO_ID;
	out->closed_by_login[0] = out->close_note[0] = '\0';
	if (tx_begin(&tx, st, a, err))
		return -1;
	if (may_close(st, a, &cur, "reopening the project", err) ||
	    write_row(&tx, &cur, out, version, "reopen", err) ||
	    last_audit(st, cur.id, &audit, err) || sale_recost_project(&tx, cur.id, margin, err) ||
	    closed_terms_thaw(&tx, cur.id, err) ||
	    adjust_record_status(&tx, cur.id, cur.code, "closed", "active", margin, why, audit,
				 &adj, err))
		goto out;
	adjustment_release(&adj);
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	return r;
}

/* Whether b is a with, at most, another status (what a PATCH that only closes sends). */
static int only_status_changes(const struct project *a, const struct project *b)
{
	return !strcmp(a->name, b->name) && !strcmp(a->description, b->description) &&
	       !strcmp(a->objective, b->objective) && a->start_on == b->start_on &&
	       a->end_on == b->end_on && a->budget_minor == b->budget_minor &&
	       a->owner_id == b->owner_id;
}

int project_update(struct store *st, const struct actor *a, const struct project *want,
		   struct project *out, struct err *err)
{
	struct project cur;
	struct tx tx = { 0 };
	int r = -1, handing_over, closing_now;

	if (project_load(st, want->code, &cur, err))
		return -1;
	/* one closing rule: a PATCH to closed is project_close (who may, a draft, the note) */
	closing_now = !strcmp(want->status, "closed") && strcmp(cur.status, "closed");
	if (closing_now) {
		struct project only = cur;
		if (!validate(want, &only, err) && only_status_changes(&cur, &only))
			return project_close(st, a, cur.code, want->version, "", out, err);
	}
	if (require_project(st, a, cur.id, want->code, PROLE_MANAGER, "changing the project", err))
		return -1;
	*out = cur;
	if (validate(want, out, err))
		return -1;
	if (!strcmp(cur.status, "closed"))
		return err_set(err, ERR_CONFLICT, "project", "project_closed:code",
			       "project %s is closed: reopen it (with a reason) to change it",
			       cur.code);
	if (closing_now)
		return err_set(err, ERR_INVALID, "status", "close_alone",
			       "a project is closed on its own: save the other changes first, "
			       "then close it (POST /projects/%s/close)",
			       cur.code);
	handing_over = out->owner_id != cur.owner_id;
	if (handing_over && handover_allowed(st, a, &cur, out->owner_id, err))
		return -1;
	if (want->version != cur.version)
		return tx_version_conflict("project", cur.code, want->version, cur.version, err);
	/* a hand-over is judged again under the write lock */
	if (tx_begin_project_closed(&tx, st, a, cur.id, want->code,
			     handing_over ? PROLE_OWNER : PROLE_MANAGER,
			     handing_over ? "handing the project over" : "changing the project", err))
		return -1;
	if (handing_over && handover(&tx, &cur, out->owner_id, err))
		goto out;
	if (write_row(&tx, &cur, out, want->version, "update", err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	return r;
}

int project_delete(struct store *st, const struct actor *a, const char *code, int64_t version,
		   struct err *err)
{
	struct project cur;
	struct buf before = BUF_INIT;
	struct tx tx = { 0 };
	struct stmt *s;
	int64_t nsales = 0;
	int rc, r = -1;

	if (project_load(st, code, &cur, err) ||
	    require_project(st, a, cur.id, code, PROLE_OWNER, "deleting the project", err))
		return -1;
	if (version != cur.version)
		return tx_version_conflict("project", code, version, cur.version, err);
	if (tx_begin_project_closed(&tx, st, a, cur.id, code, PROLE_OWNER,
			     "deleting the project", err))
		return -1;
	s = store_prepare(st, SQL_PROJECT_HAS_SALES, err);
	if (!s)
		goto out;
	store_bind_int(st, s, 1, cur.id);
	if (store_step(st, s, err) == STORE_ROW)
		nsales = store_col_int(st, s, 0);
	store_done(st, s);
	if (nsales > 0) {
		err_set(err, ERR_CONFLICT, "project", "project_has_sales:code,count",
			"project %s has %lld sales records; close it instead of deleting it", code,
			(long long)nsales);
		goto out;
	}
	/* Goals and members go with the project (ON DELETE CASCADE). */
	s = store_prepare(st, SQL_PROJECT_DELETE, err);
	if (!s)
		goto out;
	store_bind_int(st, s, 1, cur.id);
	store_bind_int(st, s, 2, version);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0)
		goto out;
	if (rc == STORE_DONE) {
		tx_version_conflict("project", code, version, version + 1, err);
		goto out;
	}
	project_json(&before, &cur);
	if (tx_audit(&tx, "project", cur.id, "delete", buf_cstr(&before), NULL, err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	buf_release(&before);
	return r;
}

/* --- members --------------------------------------------------------------- */

static const char SQL_MEMBER_INSERT[] =
	"INSERT INTO members (project_id, user_id, role, created_at, updated_at) "
	"VALUES (?, ?, ?, ?, ?) RETURNING id";
static const char SQL_MEMBER_FIND[] =
	"SELECT m.id, m.project_id, m.user_id, u.login, u.name, m.role, m.version, m.created_at, "
	"m.updated_at FROM members m JOIN users u ON u.id = m.user_id "
	"WHERE m.project_id = ? AND u.login = ?";
static const char SQL_MEMBER_UPDATE[] =
	"UPDATE members SET role = ?, version = version + 1, updated_at = ? "
	"WHERE id = ? AND version = ? RETURNING version";

static const char SQL_MEMBER_BY_USER[] =
	"SELECT m.id, m.project_id, m.user_id, u.login, u.name, m.role, m.version, m.created_at, "
	"m.updated_at, u.active FROM members m JOIN users u ON u.id = m.user_id "
	"WHERE m.project_id = ? AND m.user_id = ?";

static void member_json(struct buf *b, const struct member *m)
{
	struct jw w;
	jw_init(&w, b);
	member_write_json(&w, m);
}

static void row_to_member(struct store *st, struct stmt *s, struct member *m)
{
	m->id = store_col_int(st, s, 0);
	m->project_id = store_col_int(st, s, 1);
	m->user_id = store_col_int(st, s, 2);
	snprintf(m->login, sizeof(m->login), "%s", store_col_text(st, s, 3));
	snprintf(m->name, sizeof(m->name), "%s", store_col_text(st, s, 4));
	prole_parse(store_col_text(st, s, 5), &m->role, NULL);
	m->version = store_col_int(st, s, 6);
	m->created_at = store_col_int(st, s, 7);
	m->updated_at = store_col_int(st, s, 8);
}

static int add_member_row(struct tx *tx, int64_t project_id, int64_t user_id, enum prole role,
			  struct err *err)
{
	struct stmt *s = store_prepare(tx->st, SQL_MEMBER_INSERT, err);
	int rc;
	if (!s)
		return -1;
	store_bind_int(tx->st, s, 1, project_id);
	store_bind_int(tx->st, s, 2, user_id);
	store_bind_text(tx->st, s, 3, prole_str(role));
	store_bind_int(tx->st, s, 4, tx->now);
	store_bind_int(tx->st, s, 5, tx->now);
	rc = store_step(tx->st, s, err);
	store_done(tx->st, s);
	return rc < 0 ? -1 : 0;
}

/* The membership of user_id in project_id: 1 found (active tells whether the user is), 0 none. */
static int member_by_user(struct store *st, int64_t project_id, int64_t user_id,
			  struct member *out, int *active, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_MEMBER_BY_USER, err);
	int rc;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, project_id);
	store_bind_int(st, s, 2, user_id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		row_to_member(st, s, out);
		*active = (int)store_col_int(st, s, 9);
	}
	store_done(st, s);
	return rc < 0 ? -1 : rc == STORE_ROW;
}

/* Change one membership's role inside tx (no permission check: the caller made it). */
static int member_set_role(struct tx *tx, const struct member *cur, enum prole role,
			   struct err *err)
{
	struct buf before = BUF_INIT, after = BUF_INIT;
	struct member next = *cur;
	struct stmt *s = store_prepare(tx->st, SQL_MEMBER_UPDATE, err);
	int rc, r = -1;

	if (!s)
		return -1;
	store_bind_text(tx->st, s, 1, prole_str(role));
	store_bind_int(tx->st, s, 2, tx->now);
	store_bind_int(tx->st, s, 3, cur->id);
	store_bind_int(tx->st, s, 4, cur->version);
	rc = store_step(tx->st, s, err);
	store_done(tx->st, s);
	if (rc < 0)
		return -1;
	if (rc == STORE_DONE)
		return tx_version_conflict("member", cur->login, cur->version, cur->version + 1, err);
	next.role = role;
	next.version = cur->version + 1;
	next.updated_at = tx->now;
	member_json(&before, cur);
	member_json(&after, &next);
	r = tx_audit(tx, "member", cur->id, "update", buf_cstr(&before), buf_cstr(&after), err);
	buf_release(&before);
	buf_release(&after);
	return r;
}

int member_find(struct store *st, int64_t project_id, const char *login, struct member *out,
		const char *field, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_MEMBER_FIND, err);
	int rc;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, project_id);
	store_bind_text(st, s, 2, login);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		row_to_member(st, s, out);
	store_done(st, s);
	if (rc == STORE_DONE)
		return err_set(err, ERR_INVALID, field, "not_member:login", "\"%s\" is not a member of the project",
			       login);
	return rc < 0 ? -1 : 0;
}
