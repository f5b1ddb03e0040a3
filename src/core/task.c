/*
 * task.c - a project's plan: tasks and milestones (routes under
 * /api/v1/projects/{code}/tasks, the CLI's `task`; tables in
 * store/schema/022-tasks.sql; labels ent.task.* in the UI's catalogs). A
 * task has an assignee on the project, a start and a due day (a milestone is
 * one day: start = due), a status that moves only by task_move, and an
 * optional link to a goal, deal or problem of the project. Dependencies are
 * finish-to-start: a task starts (or is done) only once what it depends on is
 * done. A task not done by its due day is overdue.
 */
#include "core/task.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/xalloc.h"
#include "core/engagement.h"
#include "core/project.h"
#include "core/comment.h"
#include "core/notify.h"
#include "core/tx.h"
#include "core/user.h"
#include "base/banned.h"

/* In the order a task goes through them. */
static const char *const task_statuses[] = { "todo", "doing", "done", NULL };
enum { TS_TODO, TS_DOING, TS_DONE };

struct task {
	int64_t id;
	char title[256];
	char description[4000];
	int64_t assignee_id;
	char assignee[64];
	char assignee_name[128];
	int32_t start, due;
	char status[16];
	int milestone;
	int64_t goal_id, deal_id, problem_id;
	int overdue;
	int open; /* a list filter only (the monitor's drill-down) */
	int64_t version, created_at, updated_at;
	/* filled on read */
	int64_t deps[TASK_MAX_DEPS];
	int ndeps;
};

#define F(field) offsetof(struct task, field), sizeof(((struct task *)0)->field)

static int task_check(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
		      struct err *err);
static int task_fill(struct store *st, const struct actor *a, void *rec, struct err *err);
static void task_extra(struct jw *w, const void *rec);
static int task_after(struct tx *tx, const void *before, const void *after,
		      const struct ent_input *in, struct err *err);

static const struct ent_field task_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "title", EK_TEXT, EF_REQUIRED | EF_SORT | EF_FILTER, "title", F(title), 0, 200,
	  .help = "what is to be done, in a line", .example = "完成华东区渠道签约" },
	{ "description", EK_NOTE, 0, "description", F(description), 0, 3000,
	  .help = "what done means, in detail", .example = "三家核心经销商签署年度协议" },
	{ "assignee", EK_REF, EF_REQUIRED | EF_SORT | EF_FILTER, "assignee_id", F(assignee_id),
	  .ref = &user_entity, .key_off = offsetof(struct task, assignee),
	  .key_size = sizeof(((struct task *)0)->assignee),
	  .help = "who does it (a login on the project)", .example = "wang.fang" },
	{ "assignee_name", EK_TEXT, EF_READONLY, "name", F(assignee_name), .via = "assignee" },
	{ "start", EK_DATE, EF_REQUIRED | EF_SORT | EF_FILTER, "start_on", F(start),
	  .help = "the first day of work", .example = "2027-01-04" },
	{ "due", EK_DATE, EF_REQUIRED | EF_SORT | EF_FILTER, "due_on", F(due),
	  .help = "the last day: on or after the start (a milestone's one day)",
	  .example = "2027-01-29", .not_before = "start" },
	{ "status", EK_ENUM, EF_READONLY | EF_SORT | EF_FILTER, "status", F(status),
	  .values = task_statuses,
	  .help = "todo, doing or done; changes only by a move (task start, done, reopen)" },
	{ "milestone", EK_BOOL, EF_FILTER, "milestone", F(milestone),
	  .help = "a milestone: one day, its start its due day", .example = "no" },
	{ "goal", EK_COUNT, EF_NULLABLE | EF_FILTER, "goal_id", F(goal_id), 1, INT64_MAX,
	  .help = "the goal of the project it serves (its id)", .example = "3" },
	{ "deal", EK_COUNT, EF_NULLABLE | EF_FILTER, "deal_id", F(deal_id), 1, INT64_MAX,
	  .help = "the deal of the project it serves (its id)", .example = "7" },
	{ "problem", EK_COUNT, EF_NULLABLE | EF_FILTER, "problem_id", F(problem_id), 1, INT64_MAX,
	  .help = "the problem of the project it solves (its id)", .example = "2" },
	{ "overdue", EK_BOOL, EF_READONLY | EF_FILTER, NULL, F(overdue),
	  .help = "not done, and its due day is before today",
	  .filter_sql = "t.status <> 'done' AND t.due_on < ?TODAY" },
	{ "open", EK_BOOL, EF_READONLY | EF_HIDDEN | EF_FILTER, NULL, F(open),
	  .help = "not done (todo or doing): the monitor's drill-down",
	  .filter_sql = "t.status <> 'done'" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

#undef F

ENTITY(task) = {
	.name = "task",
	.plural = "tasks",
	.table = "tasks",
	.summary = "a task or milestone of the project's plan: assignee, start and due days, "
		   "status, dependencies on other tasks",
	.size = sizeof(struct task),
	.fields = task_fields,
	.scope = ENT_PROJECT,
	.read_prole = PROLE_VIEWER,
	.write_prole = PROLE_MANAGER,
	.own_field = "assignee",
	.order = "t.start_on, t.due_on, t.id",
	.hooks = { .check = task_check,
		   .after = task_after,
		   .fill = task_fill,
		   .write_extra = task_extra },
	.extra_schema = "{\"depends_on\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}},"
			"\"days\":{\"type\":\"integer\"}}",
	/* its own screen: web/src/screens/tasks.js */
	.section = "plan",
	.section_rank = 1,
};

static int status_index(const char *s)
{
	for (int i = 0; task_statuses[i]; i++)
		if (!strcmp(task_statuses[i], s))
			return i;
	return -1;
}

/* One integer from sql with ?1 bound to id (none: NO_ID). */
static int one_int(struct store *st, const char *sql, int64_t id, int64_t *out, struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int rc;

	*out = NO_ID;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		*out = store_col_int_or(st, s, 0, NO_ID);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* The goal, deal or problem (what) with id is of the task's project. */
static int link_check(struct tx *tx, const char *what, const char *sql, int64_t id,
		      const struct ent_input *in, struct err *err)
{
	int64_t project;

	if (id == NO_ID)
		return 0;
	if (one_int(tx->st, sql, id, &project, err))
		return -1;
	if (project != in->project->id)
		return err_set(err, ERR_INVALID, what, "link_other_project:_,key,project",
			       "%s %lld is not of project %s", what, (long long)id,
			       in->project->code);
	return 0;
}

static int task_check(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
		      struct err *err)
{
	const struct task *cur = before;
	struct task *t = rec;

	if (!cur || t->assignee_id != cur->assignee_id) {
		char role[16];
		if (engagement_member_role(tx, in->project->id, t->assignee_id, role, sizeof(role),
					   err))
			return -1;
		if (!role[0])
			return err_set(err, ERR_INVALID, "assignee", "not_member:login,project",
				       "%s is not a member of %s", t->assignee, in->project->code);
	}
	if (t->milestone && t->start != t->due) {
		char d1[DATE_FMT_MAX], d2[DATE_FMT_MAX];
		return err_set(err, ERR_INVALID, "due", "milestone_one_day:start,due",
			       "a milestone is one day: its start %s and due %s must be the same",
			       date_format(t->start, d1), date_format(t->due, d2));
	}
	if (link_check(tx, "goal", "SELECT project_id FROM goals WHERE id = ?", t->goal_id, in,
		       err) ||
	    link_check(tx, "deal", "SELECT project_id FROM deals WHERE id = ?", t->deal_id, in,
		       err) ||
	    link_check(tx, "problem", "SELECT project_id FROM problems WHERE id = ?",
		       t->problem_id, in, err))
		return -1;
	if (!cur)
		snprintf(t->status, sizeof(t->status), "%s", task_statuses[TS_TODO]);
	return 0;
}

/* A task given to someone (made for them, or reassigned) is in their inbox. */
static int task_after(struct tx *tx, const void *before, const void *after,
		      const struct ent_input *in, struct err *err)
{
	const struct task *cur = before, *t = after;

	if (!t)
		return comment_forget(tx, "task", cur->id, err);
	return notify_owner(tx, cur ? cur->assignee_id : NO_ID, t->assignee_id, "task", t->id,
			    in->project->id, t->title, err);
}

static const char SQL_TASK_DEPS_OF[] =
	"SELECT depends_on FROM task_deps WHERE task_id = ? ORDER BY depends_on";

static int task_fill(struct store *st, const struct actor *a, void *rec, struct err *err)
{
	struct task *t = rec;
	struct stmt *s = store_prepare(st, SQL_TASK_DEPS_OF, err);
	int rc;

	(void)a;
	t->ndeps = 0;
	t->overdue = status_index(t->status) != TS_DONE && t->due < date_today();
	if (!s)
		return -1;
	store_bind_int(st, s, 1, t->id);
	while ((rc = store_step(st, s, err)) == STORE_ROW)
		if (t->ndeps < TASK_MAX_DEPS)
			t->deps[t->ndeps++] = store_col_int(st, s, 0);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static void task_extra(struct jw *w, const void *rec)
{
	const struct task *t = rec;

	jw_key(w, "depends_on");
	jw_arr(w);
	for (int i = 0; i < t->ndeps; i++)
		jw_int(w, t->deps[i]);
	jw_arr_end(w);
	jw_kint(w, "days", (int64_t)t->due - t->start + 1);
}

/* --- moves and dependencies --------------------------------------------------------------- */

/*
 * Begin a change (what: "moving tasks") of the task named id in project code:
 * the task as the reader may see it, then, under the write lock, as it is now
 * (its version and status, its dependencies), which the actor may change: a
 * project manager and up, or its assignee. On error no transaction is open.
 */
static int task_begin(struct tx *tx, struct store *st, const struct actor *a, const char *code,
		      const char *id, const char *what, struct project *pr, struct ent_project *ep,
		      struct task *t, struct err *err)
{
	enum prole role;

	if (project_get(st, a, code, pr, err))
		return -1;
	ep->id = pr->id;
	ep->code = pr->code;
	if (entity_get(st, a, &task_entity, ep, id, t, err) ||
	    tx_begin_project(tx, st, a, pr->id, pr->code, PROLE_MEMBER, what, err))
		return -1;
	if (entity_load(st, &task_entity, ep, id, 1, t, err) || task_fill(st, a, t, err))
		goto fail;
	role = project_access(st, a, pr->id, err);
	if (role >= PROLE_MANAGER || (role >= PROLE_MEMBER && t->assignee_id == a->user_id))
		return 0;
	err_set(err, ERR_DENIED, "assignee", "own_records_only:_,owner",
		"you may change only your own %s%s", "tasks", "");
fail:
	tx_abort(tx);
	return -1;
}

static const char SQL_TASK_BLOCKING[] =
	"SELECT d.depends_on FROM task_deps d JOIN tasks o ON o.id = d.depends_on "
	"WHERE d.task_id = ? AND o.status <> 'done' ORDER BY d.depends_on";
/* ?1 status, ?2 now, ?3 id, ?4 version */
static const char SQL_TASK_MOVE[] =
	"UPDATE tasks SET status = ?1, version = version + 1, updated_at = ?2 "
	"WHERE id = ?3 AND version = ?4";

/* "#2, #5": the tasks id waits for, into b; how many. */
static int blocking(struct store *st, int64_t id, struct buf *b, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_TASK_BLOCKING, err);
	int rc, n = 0;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, id);
	while ((rc = store_step(st, s, err)) == STORE_ROW)
		buf_addf(b, "%s#%lld", n++ ? ", " : "", (long long)store_col_int(st, s, 0));
	store_done(st, s);
	return rc < 0 ? -1 : n;
}

int task_move(struct store *st, const struct actor *a, const char *code, const char *id,
	      const char *status, int64_t version, void *out, struct err *err)
{
	struct task cur;
	struct project pr;
	struct ent_project ep;
	struct tx tx = { 0 };
	struct buf b1 = BUF_INIT, b2 = BUF_INIT, bl = BUF_INIT;
	struct stmt *s;
	int from, to, rc, r = -1;

	if (!status || (to = status_index(status)) < 0)
		return err_set(err, ERR_INVALID, "status", "bad_enum:value,_,_,allowed",
			       "\"%.40s\" is not a %s %s (%s)", status ? status : "", "task",
			       "status", "todo, doing or done");
	if (task_begin(&tx, st, a, code, id, "moving tasks", &pr, &ep, &cur, err))
		return -1;
	if (version != cur.version) {
		tx_version_conflict("task", id, version, cur.version, err);
		goto out;
	}
	from = status_index(cur.status);
	if (from == to) {
		err_set(err, ERR_INVALID, "status", "task_same_status:_,status", "task %s is already %s",
			id, task_statuses[to]);
		goto out;
	}
	if (to != TS_TODO) {
		int n = blocking(st, cur.id, &bl, err);
		if (n < 0)
			goto out;
		if (n) {
			err_set(err, ERR_INVALID, "status", "task_blocked:_,blocking",
				"task #%s waits for %s to be done first", id, buf_cstr(&bl));
			goto out;
		}
	}
	if (!(s = store_prepare(st, SQL_TASK_MOVE, err)))
		goto out;
	store_bind_text(st, s, 1, task_statuses[to]);
	store_bind_int(st, s, 2, tx.now);
	store_bind_int(st, s, 3, cur.id);
	store_bind_int(st, s, 4, cur.version);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0 || entity_load(st, &task_entity, &ep, id, 1, out, err) ||
	    task_fill(st, a, out, err) ||
	    tx_audit(&tx, "task", cur.id, "status", entity_json(&task_entity, &cur, &b1),
		     entity_json(&task_entity, out, &b2), err) ||
	    tx_commit(&tx, err))
		goto out;
	r = 0;
out:
	if (r)
		tx_abort(&tx);
	buf_release(&b1);
	buf_release(&b2);
	buf_release(&bl);
	return r;
}

struct edges {
	int64_t *task, *on;
	size_t n, alloc;
};

static const char SQL_TASK_DEPS_PROJECT[] =
	"SELECT task_id, depends_on FROM task_deps WHERE project_id = ? "
	"ORDER BY task_id, depends_on";

static int edges_read(struct store *st, int64_t project_id, struct edges *e, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_TASK_DEPS_PROJECT, err);
	int rc;

	memset(e, 0, sizeof(*e));
	if (!s)
		return -1;
	store_bind_int(st, s, 1, project_id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		if (e->n == e->alloc) {
			e->alloc = e->alloc * 2 + 16;
			e->task = xrealloc(e->task, e->alloc * sizeof(int64_t));
			e->on = xrealloc(e->on, e->alloc * sizeof(int64_t));
		}
		e->task[e->n] = store_col_int(st, s, 0);
		e->on[e->n] = store_col_int(st, s, 1);
		e->n++;
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static void edges_release(struct edges *e)
{
	free(e->task);
	free(e->on);
	memset(e, 0, sizeof(*e));
}

/*
 * A path from `from` to `to` along the dependencies (a task to what it depends
 * on), depth first: its tasks into path (from first), their count; 0 when
 * there is none. seen marks the edges' tasks visited (by edge index).
 */
static size_t find_path(const struct edges *e, int64_t from, int64_t to, int64_t *path,
			size_t depth, unsigned char *seen)
{
	path[depth] = from;
	if (from == to)
		return depth + 1;
	for (size_t k = 0; k < e->n; k++) {
		size_t n;
		if (e->task[k] != from || seen[k])
			continue;
		seen[k] = 1;
		if ((n = find_path(e, e->on[k], to, path, depth + 1, seen)))
			return n;
	}
	return 0;
}

static const char SQL_TASK_DEP_ADD[] =
	"INSERT INTO task_deps (task_id, depends_on, project_id, created_by, created_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_TASK_DEP_DEL[] = "DELETE FROM task_deps WHERE task_id = ?1 AND depends_on = ?2";
static const char SQL_TASK_PROJECT[] = "SELECT project_id FROM tasks WHERE id = ?";

/* The id text as a task id (a positive number), else an error naming field. */
static int task_id_arg(const char *text, const char *field, int64_t *id, struct err *err)
{
	int64_t v = 0;

	if (!text || !*text || strlen(text) > 18)
		goto bad;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		v = v * 10 + (*p - '0');
	}
	if (v < 1)
		goto bad;
	*id = v;
	return 0;
bad:
	return err_set(err, ERR_INVALID, field, "bad_task_id:value", "\"%.40s\" is not a task's id",
		       text ? text : "");
}

int task_dep_set(struct store *st, const struct actor *a, const char *code, const char *id,
		 const char *on, int remove, void *out, struct err *err)
{
	struct task cur;
	struct project pr;
	struct ent_project ep;
	struct tx tx = { 0 };
	struct edges e = { 0 };
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	unsigned char *seen = NULL;
	int64_t *path = NULL;
	int64_t on_id = 0, on_project = 0;
	struct stmt *s;
	int rc, r = -1;

	if (task_id_arg(on, "depends_on", &on_id, err) ||
	    task_begin(&tx, st, a, code, id, "changing dependencies", &pr, &ep, &cur, err))
		return -1;
	if (one_int(st, SQL_TASK_PROJECT, on_id, &on_project, err))
		goto out;
	if (on_project != pr.id) {
		err_set(err, ERR_INVALID, "depends_on", "task_other_project:_,project",
			"task #%s is not a task of project %s", on, pr.code);
		goto out;
	}
	if (remove) {
		int found = 0;
		for (int i = 0; i < cur.ndeps; i++)
			found |= cur.deps[i] == on_id;
		if (!found) {
			err_set(err, ERR_NOT_FOUND, "depends_on", "dep_none:_,on",
				"task #%s does not depend on #%s", id, on);
			goto out;
		}
		s = store_prepare(st, SQL_TASK_DEP_DEL, err);
	} else {
		size_t n;
		for (int i = 0; i < cur.ndeps; i++)
			if (cur.deps[i] == on_id) {
				err_set(err, ERR_INVALID, "depends_on", "dep_exists:_,on",
					"task #%s depends on #%s already", id, on);
				goto out;
			}
		if (cur.ndeps >= TASK_MAX_DEPS) {
			err_set(err, ERR_INVALID, "depends_on", "too_many_deps:max",
				"a task depends on at most %d tasks", TASK_MAX_DEPS);
			goto out;
		}
		if (edges_read(st, pr.id, &e, err))
			goto out;
		path = xcalloc(e.n + 2, sizeof(int64_t));
		seen = xcalloc(e.n + 1, 1);
		/* on reaching id along what it depends on closes a cycle: id → on → ... → id */
		if ((n = find_path(&e, on_id, cur.id, path, 0, seen))) {
			struct buf c = BUF_INIT;
			buf_addf(&c, "#%lld", (long long)cur.id);
			for (size_t i = 0; i < n; i++)
				buf_addf(&c, " → #%lld", (long long)path[i]);
			err_set(err, ERR_INVALID, "depends_on", "dep_cycle:cycle",
				"%s would be a cycle of dependencies", buf_cstr(&c));
			buf_release(&c);
			goto out;
		}
		s = store_prepare(st, SQL_TASK_DEP_ADD, err);
	}
	if (!s)
		goto out;
	store_bind_int(st, s, 1, cur.id);
	store_bind_int(st, s, 2, on_id);
	if (!remove) {
		store_bind_int(st, s, 3, pr.id);
		store_bind_int(st, s, 4, a->user_id);
		store_bind_int(st, s, 5, tx.now);
	}
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0 || entity_load(st, &task_entity, &ep, id, 1, out, err) ||
	    task_fill(st, a, out, err) ||
	    tx_audit(&tx, "task", cur.id, remove ? "undepend" : "depend",
		     entity_json(&task_entity, &cur, &b1), entity_json(&task_entity, out, &b2),
		     err) ||
	    tx_commit(&tx, err))
		goto out;
	r = 0;
out:
	if (r)
		tx_abort(&tx);
	edges_release(&e);
	free(path);
	free(seen);
	buf_release(&b1);
	buf_release(&b2);
	return r;
}

/* --- the Gantt view and its critical path ----------------------------------------------------- */

static size_t index_of(size_t n, const int64_t *ids, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return i;
	return n;
}

size_t task_critical_path(size_t n, const int64_t *ids, const int64_t *dur, size_t m,
			  const int64_t *task, const int64_t *on, int64_t *path, int64_t *days)
{
	int64_t *best = xcalloc(n + 1, sizeof(int64_t));
	size_t *prev = xcalloc(n + 1, sizeof(size_t)), *indeg = xcalloc(n + 1, sizeof(size_t));
	size_t *order = xcalloc(n + 1, sizeof(size_t)), *from = xcalloc(m + 1, sizeof(size_t));
	size_t *to = xcalloc(m + 1, sizeof(size_t));
	unsigned char *done = xcalloc(n + 1, 1);
	size_t norder = 0, end = n, len = 0;

	/* an edge from what is depended on to the task that waits for it */
	for (size_t k = 0; k < m; k++) {
		from[k] = index_of(n, ids, on[k]);
		to[k] = index_of(n, ids, task[k]);
		if (from[k] < n && to[k] < n)
			indeg[to[k]]++;
	}
	for (size_t i = 0; i < n; i++) {
		best[i] = dur[i];
		prev[i] = n;
	}
	/* in dependency order, lowest id first among the ready ones */
	while (norder < n) {
		size_t pick = n;
		for (size_t i = 0; i < n; i++)
			if (!done[i] && !indeg[i] && (pick == n || ids[i] < ids[pick]))
				pick = i;
		if (pick == n)
			break; /* a cycle: the stored graph never has one */
		done[pick] = 1;
		order[norder++] = pick;
		for (size_t k = 0; k < m; k++) {
			if (from[k] != pick || to[k] >= n)
				continue;
			indeg[to[k]]--;
			if (best[pick] + dur[to[k]] > best[to[k]] ||
			    (best[pick] + dur[to[k]] == best[to[k]] && prev[to[k]] < n &&
			     ids[pick] < ids[prev[to[k]]])) {
				best[to[k]] = best[pick] + dur[to[k]];
				prev[to[k]] = pick;
			}
		}
	}
	for (size_t j = 0; j < norder; j++) {
		size_t i = order[j];
		if (end == n || best[i] > best[end] || (best[i] == best[end] && ids[i] < ids[end]))
			end = i;
	}
	*days = end < n ? best[end] : 0;
	for (size_t i = end; i < n; i = prev[i])
		path[len++] = ids[i];
	for (size_t i = 0; i < len / 2; i++) {
		int64_t t = path[i];
		path[i] = path[len - 1 - i];
		path[len - 1 - i] = t;
	}
	free(best);
	free(prev);
	free(indeg);
	free(order);
	free(from);
	free(to);
	free(done);
	return len;
}

int task_gantt_write_json(struct store *st, const struct actor *a, const char *code,
			  struct jw *w, struct err *err)
{
	struct project pr;
	struct ent_project ep;
	struct ent_query q = { 0 };
	struct ent_rows rows = { 0 };
	struct edges e = { 0 };
	int64_t *ids = NULL, *dur = NULL, *path = NULL, days = 0;
	size_t len;
	char today[DATE_FMT_MAX];
	int r = -1;

	if (project_get(st, a, code, &pr, err))
		return -1;
	ep.id = pr.id;
	ep.code = pr.code;
	if (entity_list(st, a, &task_entity, &ep, &q, &rows, err) ||
	    edges_read(st, pr.id, &e, err))
		goto out;
	ids = xcalloc(rows.n + 1, sizeof(int64_t));
	dur = xcalloc(rows.n + 1, sizeof(int64_t));
	path = xcalloc(rows.n + 1, sizeof(int64_t));
	for (size_t i = 0; i < rows.n; i++) {
		const struct task *t = (const struct task *)rows.items + i;
		ids[i] = t->id;
		dur[i] = (int64_t)t->due - t->start + 1;
	}
	len = task_critical_path(rows.n, ids, dur, e.n, e.task, e.on, path, &days);
	jw_obj(w);
	jw_kstr(w, "project", pr.code);
	jw_kstr(w, "today", date_format(date_today(), today));
	jw_key(w, "tasks");
	jw_arr(w);
	for (size_t i = 0; i < rows.n; i++)
		entity_write_json(w, &task_entity, (const struct task *)rows.items + i);
	jw_arr_end(w);
	jw_key(w, "deps");
	jw_arr(w);
	for (size_t k = 0; k < e.n; k++) {
		jw_obj(w);
		jw_kint(w, "task", e.task[k]);
		jw_kint(w, "on", e.on[k]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "critical");
	jw_arr(w);
	for (size_t i = 0; i < len; i++)
		jw_int(w, path[i]);
	jw_arr_end(w);
	jw_kint(w, "critical_days", days);
	jw_obj_end(w);
	r = 0;
out:
	entity_rows_release(&rows);
	edges_release(&e);
	free(ids);
	free(dur);
	free(path);
	return r;
}
