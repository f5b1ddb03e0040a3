/*
 * alert.c - a project's alerts (see alert.h). Evaluation reads what exists:
 * the goal board and the pipeline forecast (analytics/progress.c, forecast.c;
 * the goals' part kept per project, day and data version, so a read that
 * changes nothing runs no simulation), the deal board's stale threshold
 * (core/deal.c), overdue tasks, problems past SLA, collections past their
 * due day and the project's grace, the project's promotions past their
 * budget, and the budget lines overspent (analytics/budget.c). Raising is
 * an insert on a unique key among the open alerts (INSERT ... ON CONFLICT DO
 * NOTHING RETURNING id): only the process whose insert returned a row tells
 * the inbox and writes the audit row, in the same transaction.
 */
#include "analytics/alert.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/budget.h"
#include "analytics/forecast.h"
#include "analytics/progress.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/xalloc.h"
#include "core/deal.h"
#include "core/notify.h"
#include "core/project.h"
#include "core/tx.h"
#include "base/banned.h"

const char *const alert_kinds[AK__COUNT + 1] = {
	"goal_status",	      "goal_probability", "deal_stalled",
	"task_overdue",	      "problem_sla",	  "promotion_budget",
	"collection_overdue", "budget_overspent", NULL,
};

/* The evaluation reads the whole project, whoever asked: as the system. */
static const struct actor system_actor = { NO_ID, ROLE_ADMIN, "" };

#define RECIPIENTS_MAX 64

/* One alert as evaluated now (params: the figures, JSON object text). */
struct alert {
	enum alert_kind kind;
	int critical;
	const char *on_kind;
	int64_t on_id;
	char cause[32];
	char title[200];
	char params[512];
	int64_t person; /* the record's person (owner, assignee), NO_ID: none */
};

struct alert_list {
	struct alert *items;
	size_t n, alloc;
};

static struct alert *alert_add(struct alert_list *l, enum alert_kind k, int critical,
			       const char *on_kind, int64_t on_id, const char *title)
{
	struct alert *x;

	ALLOC_GROW(l->items, l->n + 1, l->alloc);
	x = &l->items[l->n++];
	memset(x, 0, sizeof(*x));
	x->kind = k;
	x->critical = critical;
	x->on_kind = on_kind;
	x->on_id = on_id;
	x->person = NO_ID;
	snprintf(x->title, sizeof(x->title), "%s", title ? title : "");
	return x;
}

/* x's params from the writer's text (an object, begun and ended by the caller). */
static void params_set(struct alert *x, struct buf *b)
{
	snprintf(x->params, sizeof(x->params), "%s", buf_cstr(b));
}

/* --- settings ------------------------------------------------------------------------ */

static const char SQL_SETTINGS[] =
	"SELECT probability_bp, collection_days, goal_status, goal_probability, deal_stalled, "
	"task_overdue, problem_sla, promotion_budget, collection_overdue, budget_overspent, "
	"version FROM alert_settings WHERE project_id = ?";

static int settings_load(struct store *st, int64_t project_id, struct alert_settings *out,
			 struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_SETTINGS, err);
	int rc;

	out->probability_bp = ALERT_PROBABILITY_DEFAULT;
	out->collection_days = 0;
	out->version = 0;
	for (int k = 0; k < AK__COUNT; k++)
		out->on[k] = 1;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, project_id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		out->probability_bp = store_col_int(st, s, 0);
		out->collection_days = store_col_int(st, s, 1);
		for (int k = 0; k < AK__COUNT; k++)
			out->on[k] = store_col_int(st, s, 2 + k) != 0;
		out->version = store_col_int(st, s, 2 + AK__COUNT);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int alert_settings_get(struct store *st, const struct actor *a, const char *code,
		       struct alert_settings *out, struct err *err)
{
	struct project p;

	if (project_get(st, a, code, &p, err) ||
	    require_project(st, a, p.id, p.code, PROLE_MANAGER, "reading the alert settings", err))
		return -1;
	return settings_load(st, p.id, out, err);
}

void alert_settings_write_json(struct jw *w, const struct alert_settings *s)
{
	jw_obj(w);
	jw_knum(w, "probability", (double)s->probability_bp / 10000.0, 4);
	jw_kint(w, "collection_days", s->collection_days);
	for (int k = 0; k < AK__COUNT; k++)
		jw_kbool(w, alert_kinds[k], s->on[k]);
	jw_kint(w, "version", s->version);
	jw_obj_end(w);
}

static const char SQL_SETTINGS_SAVE[] =
	"INSERT INTO alert_settings (project_id, probability_bp, collection_days, goal_status, "
	"goal_probability, deal_stalled, task_overdue, problem_sla, promotion_budget, "
	"collection_overdue, budget_overspent, version, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, "
	"?6, ?7, ?8, ?9, ?10, ?11, 1, ?12) ON CONFLICT (project_id) DO UPDATE SET "
	"probability_bp = excluded.probability_bp, collection_days = excluded.collection_days, "
	"goal_status = excluded.goal_status, goal_probability = excluded.goal_probability, "
	"deal_stalled = excluded.deal_stalled, task_overdue = excluded.task_overdue, "
	"problem_sla = excluded.problem_sla, promotion_budget = excluded.promotion_budget, "
	"collection_overdue = excluded.collection_overdue, "
	"budget_overspent = excluded.budget_overspent, version = alert_settings.version + 1, "
	"updated_at = excluded.updated_at";

static int settings_check(const struct alert_settings_input *in, struct err *err)
{
	if (in->set_probability && (in->v.probability_bp < 0 || in->v.probability_bp > 10000))
		return err_set(err, ERR_INVALID, "probability", "out_of_range:_,min,max",
			       "%s must be from %d to %d", "probability", 0, 1);
	if (in->set_collection_days &&
	    (in->v.collection_days < 0 || in->v.collection_days > ALERT_COLLECTION_DAYS_MAX))
		return err_set(err, ERR_INVALID, "collection_days", "out_of_range:_,min,max",
			       "%s must be from %d to %d", "collection_days", 0,
			       ALERT_COLLECTION_DAYS_MAX);
	return 0;
}

static void settings_json(struct buf *b, const struct alert_settings *s)
{
	struct jw w;

	buf_reset(b);
	jw_init(&w, b);
	alert_settings_write_json(&w, s);
}

int alert_settings_patch(struct store *st, const struct actor *a, const char *code,
			 const struct alert_settings_input *in, int64_t version,
			 struct alert_settings *out, struct err *err)
{
	struct project p;
	struct alert_settings cur;
	struct tx tx = { 0 };
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	struct stmt *s;
	int rc, r = -1;

	if (project_get(st, a, code, &p, err) ||
	    require_project(st, a, p.id, p.code, PROLE_MANAGER, "changing the alert settings",
			    err) ||
	    settings_check(in, err))
		return -1;
	if (tx_begin_project_closed(&tx, st, a, p.id, p.code, PROLE_MANAGER,
			     "changing the alert settings", err))
		return -1;
	if (settings_load(st, p.id, &cur, err))
		goto out;
	if (version != cur.version) {
		tx_version_conflict("alert_settings", p.code, version, cur.version, err);
		goto out;
	}
	*out = cur;
	if (in->set_probability)
		out->probability_bp = in->v.probability_bp;
	if (in->set_collection_days)
		out->collection_days = in->v.collection_days;
	for (int k = 0; k < AK__COUNT; k++)
		if (in->set_kind[k])
			out->on[k] = in->v.on[k] != 0;
	if (!(s = store_prepare(st, SQL_SETTINGS_SAVE, err)))
		goto out;
	store_bind_int(st, s, 1, p.id);
	store_bind_int(st, s, 2, out->probability_bp);
	store_bind_int(st, s, 3, out->collection_days);
	for (int k = 0; k < AK__COUNT; k++)
		store_bind_int(st, s, 4 + k, out->on[k]);
	store_bind_int(st, s, 12, tx.now);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0 || settings_load(st, p.id, out, err))
		goto out;
	settings_json(&b1, &cur);
	settings_json(&b2, out);
	if (tx_audit(&tx, "alert_settings", p.id, "update", buf_cstr(&b1), buf_cstr(&b2), err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	buf_release(&b1);
	buf_release(&b2);
	return r;
}

/* --- the goals (kept per project, day and data version) -------------------------------- */

#define GOAL_MEMO 16

static struct {
	pthread_mutex_t lock;
	struct {
		int64_t project_id, version;
		int32_t day;
		int64_t probability_bp;
		struct alert *items;
		size_t n;
	} e[GOAL_MEMO];
	unsigned next;
} memo = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int memo_find(int64_t project_id, int64_t version, int32_t day, int64_t pbp,
		     struct alert_list *out)
{
	int hit = 0;

	pthread_mutex_lock(&memo.lock);
	for (int i = 0; i < GOAL_MEMO && !hit; i++)
		if (memo.e[i].items && memo.e[i].project_id == project_id &&
		    memo.e[i].version == version && memo.e[i].day == day &&
		    memo.e[i].probability_bp == pbp) {
			for (size_t j = 0; j < memo.e[i].n; j++) {
				ALLOC_GROW(out->items, out->n + 1, out->alloc);
				out->items[out->n++] = memo.e[i].items[j];
			}
			hit = 1;
		}
	pthread_mutex_unlock(&memo.lock);
	return hit;
}

static void memo_keep(int64_t project_id, int64_t version, int32_t day, int64_t pbp,
		      const struct alert *items, size_t n)
{
	unsigned i;

	pthread_mutex_lock(&memo.lock);
	i = memo.next++ % GOAL_MEMO;
	free(memo.e[i].items);
	memo.e[i].items = xcalloc(n + 1, sizeof(*items));
	if (n)
		memcpy(memo.e[i].items, items, n * sizeof(*items));
	memo.e[i].n = n;
	memo.e[i].project_id = project_id;
	memo.e[i].version = version;
	memo.e[i].day = day;
	memo.e[i].probability_bp = pbp;
	pthread_mutex_unlock(&memo.lock);
}

/* The pipeline answer's default seed (api/dashboard.c): the same probability as the screen. */
#define ALERT_SEED 1

static int goals_eval(struct store *st, const struct project *p, const struct alert_settings *set,
		      struct alert_list *out, struct err *err)
{
	struct pipeline_forecast f;
	struct alert_list mine = { 0 };
	int32_t today = date_today();
	int64_t version = store_data_version(st);

	if (memo_find(p->id, version, today, set->probability_bp, out))
		return 0;
	if (pipeline_forecast_build(st, &system_actor, p->code, today, ALERT_SEED, &f, err))
		return -1;
	for (size_t i = 0; i < f.board.goals.n; i++) {
		const struct goal *g = &f.board.goals.items[i];
		const struct goal_progress *gp = &f.board.progress[i];
		const struct goal_forecast *gf = &f.goals[i];
		struct buf b = BUF_INIT;
		struct jw w;

		if (gp->status == STATUS_AT_RISK || gp->status == STATUS_OFF_TRACK) {
			struct alert *x = alert_add(&mine, AK_GOAL_STATUS,
						    gp->status == STATUS_OFF_TRACK, "goal", g->id,
						    g->name);
			snprintf(x->cause, sizeof(x->cause), "%s", goal_status_str(gp->status));
			jw_init(&w, &b);
			jw_obj(&w);
			jw_kstr(&w, "status", goal_status_str(gp->status));
			jw_kstr(&w, "metric", metric_str(g->metric));
			jw_kstr(&w, "unit", unit_str(metric_unit(g->metric)));
			if (gp->actual != NO_VALUE)
				jw_kint(&w, "actual", gp->actual);
			jw_kint(&w, "expected", gp->expected);
			if (g->target != NO_VALUE)
				jw_kint(&w, "target", g->target);
			jw_kdate(&w, "due", g->due_on);
			jw_obj_end(&w);
			params_set(x, &b);
		}
		if (!isnan(gf->probability) && gf->method && strcmp(gf->method, "achieved") &&
		    gf->probability * 10000.0 < (double)set->probability_bp) {
			struct alert *x = alert_add(
				&mine, AK_GOAL_PROBABILITY,
				gf->probability * 20000.0 < (double)set->probability_bp, "goal",
				g->id, g->name);
			buf_reset(&b);
			jw_init(&w, &b);
			jw_obj(&w);
			jw_knum(&w, "probability", gf->probability, 4);
			jw_knum(&w, "threshold", (double)set->probability_bp / 10000.0, 4);
			jw_kstr(&w, "metric", metric_str(g->metric));
			jw_kdate(&w, "due", g->due_on);
			jw_obj_end(&w);
			params_set(x, &b);
		}
		buf_release(&b);
	}
	pipeline_forecast_release(&f);
	memo_keep(p->id, version, today, set->probability_bp, mine.items, mine.n);
	for (size_t j = 0; j < mine.n; j++) {
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		out->items[out->n++] = mine.items[j];
	}
	free(mine.items);
	return 0;
}

/* --- the records ------------------------------------------------------------------------ */

/*
 * What a record source reads (each query gives id, title, person or NULL, then its own
 * columns, with ?1 the project and ?2, if any, its "as of": today, now or a cut-off) and how a row
 * becomes an alert: its cause and figures written by fill, which says 1 to skip the row.
 */
struct eval_ctx {
	int32_t today;
	int64_t now;
	const struct alert_settings *set;
	const struct deal_pipeline *pipeline;
};

typedef int row_fill_fn(struct store *st, struct stmt *s, const struct eval_ctx *c,
			struct alert *x, struct jw *w);

struct record_source {
	enum alert_kind kind;
	int critical;
	const char *on_kind;
	const char *sql;
	row_fill_fn *fill;
	int as_of; /* the query has a ?2 */
};

/* an open deal (by the pipeline's kinds) unmoved since ?2 */
static int fill_deal(struct store *st, struct stmt *s, const struct eval_ctx *c, struct alert *x,
		     struct jw *w)
{
	const char *stage = store_col_text(st, s, 3), *kind = "open";
	int64_t since = store_col_int(st, s, 4);

	for (int i = 0; i < c->pipeline->n; i++)
		if (!strcmp(c->pipeline->stages[i].code, stage))
			kind = c->pipeline->stages[i].kind;
	if (strcmp(kind, "open"))
		return 1;
	snprintf(x->cause, sizeof(x->cause), "%lld", (long long)since);
	jw_kstr(w, "stage", stage);
	jw_kint(w, "days", (c->now - since) / 86400);
	jw_kint(w, "threshold", c->pipeline->stale_days);
	jw_kint(w, "amount", store_col_int(st, s, 5));
	jw_kts(w, "since", since);
	return 0;
}

static int fill_task(struct store *st, struct stmt *s, const struct eval_ctx *c, struct alert *x,
		     struct jw *w)
{
	int32_t due = (int32_t)store_col_int(st, s, 3);

	snprintf(x->cause, sizeof(x->cause), "%d", (int)due);
	jw_kdate(w, "due", due);
	jw_kint(w, "days", c->today - due);
	return 0;
}

static int fill_problem(struct store *st, struct stmt *s, const struct eval_ctx *c,
			struct alert *x, struct jw *w)
{
	int64_t due = store_col_int(st, s, 3);

	snprintf(x->cause, sizeof(x->cause), "%lld", (long long)due);
	jw_kts(w, "due", due);
	jw_kint(w, "hours", (c->now - due) / 3600);
	jw_kstr(w, "severity", store_col_text(st, s, 4));
	return 0;
}

/* a collection with money still to receive */
static int fill_collection(struct store *st, struct stmt *s, const struct eval_ctx *c,
			   struct alert *x, struct jw *w)
{
	int32_t due = (int32_t)store_col_int(st, s, 3);
	int64_t left = store_col_int(st, s, 5);

	if (left <= 0)
		return 1;
	snprintf(x->cause, sizeof(x->cause), "%d", (int)due);
	jw_kdate(w, "due", due);
	jw_kint(w, "days", c->today - due);
	jw_kint(w, "amount", store_col_int(st, s, 4));
	jw_kint(w, "outstanding", left);
	jw_kint(w, "grace", c->set->collection_days);
	return 0;
}

/* a promotion that gave more than its budget */
static int fill_promotion(struct store *st, struct stmt *s, const struct eval_ctx *c,
			  struct alert *x, struct jw *w)
{
	int64_t budget = store_col_int(st, s, 4), spent = store_col_int(st, s, 5);

	(void)c;
	(void)x;
	if (spent <= budget)
		return 1;
	jw_kstr(w, "code", store_col_text(st, s, 3));
	jw_kint(w, "budget", budget);
	jw_kint(w, "spent", spent);
	return 0;
}

static const char SQL_DEALS_STILL[] =
	"SELECT id, title, owner_id, stage, stage_changed_at, amount_minor FROM deals "
	"WHERE project_id = ?1 AND stage_changed_at <= ?2 ORDER BY stage_changed_at, id";
static const char SQL_TASKS_OVERDUE[] =
	"SELECT id, title, assignee_id, due_on FROM tasks WHERE project_id = ?1 AND "
	"status <> 'done' AND due_on < ?2 ORDER BY due_on, id";
/* past SLA as the inbox's 'sla' items say it (core/notify.c) */
static const char SQL_PROBLEMS_SLA[] =
	"SELECT id, title, owner_id, due_at, severity FROM problems WHERE project_id = ?1 AND "
	"status IN ('open', 'in_progress') AND due_at < ?2 ORDER BY due_at, id";
/* due before ?2 (today less the grace); what is not yet received, as the collections read it */
static const char SQL_COLLECTIONS_LATE[] =
	"SELECT c.id, d.title, d.owner_id, c.due_on, c.amount_minor, c.amount_minor - "
	"COALESCE((SELECT SUM(r.amount_minor) FROM receipts r WHERE r.collection_id = c.id), 0) "
	"FROM collections c JOIN deals d ON d.id = c.deal_id WHERE c.project_id = ?1 AND "
	"c.due_on < ?2 ORDER BY c.due_on, c.id";
/* the project's promotions with a budget and every project's discounts of each (promotion.c) */
static const char SQL_PROMOTIONS_SPENT[] =
	"SELECT p.id, p.name, NULL, p.code, p.budget_minor, (SELECT COALESCE(SUM(r.discount_minor), "
	"0) FROM sale_rollup r WHERE r.project_id IN (SELECT id FROM projects) AND "
	"r.dim = 'promotion' AND r.key_id = p.id) FROM promotions p JOIN project_promotions pp "
	"ON pp.promotion_id = p.id WHERE pp.project_id = ?1 AND p.budget_minor > 0 "
	"ORDER BY p.code";

static const struct record_source record_sources[] = {
	{ AK_DEAL_STALLED, 0, "deal", SQL_DEALS_STILL, fill_deal, 1 },
	{ AK_TASK_OVERDUE, 0, "task", SQL_TASKS_OVERDUE, fill_task, 1 },
	{ AK_PROBLEM_SLA, 1, "problem", SQL_PROBLEMS_SLA, fill_problem, 1 },
	{ AK_PROMOTION_BUDGET, 1, "promotion", SQL_PROMOTIONS_SPENT, fill_promotion, 0 },
	{ AK_COLLECTION_OVERDUE, 0, "collection", SQL_COLLECTIONS_LATE, fill_collection, 1 },
};

/* The "as of" a source's ?2 is. */
static int64_t as_of(const struct record_source *src, const struct eval_ctx *c)
{
	switch (src->kind) {
	case AK_DEAL_STALLED: return c->now - c->pipeline->stale_days * 86400;
	case AK_PROBLEM_SLA: return c->now;
	case AK_COLLECTION_OVERDUE: return c->today - c->set->collection_days;
	default: return c->today;
	}
}

static int source_eval(struct store *st, const struct project *p, const struct record_source *src,
		       const struct eval_ctx *c, struct alert_list *out, struct err *err)
{
	struct stmt *s = store_prepare(st, src->sql, err);
	struct buf b = BUF_INIT;
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, p->id);
	if (src->as_of)
		store_bind_int(st, s, 2, as_of(src, c));
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct alert *x = alert_add(out, src->kind, src->critical, src->on_kind,
					    store_col_int(st, s, 0), store_col_text(st, s, 1));
		struct jw w;

		x->person = store_col_int_or(st, s, 2, NO_ID);
		buf_reset(&b);
		jw_init(&w, &b);
		jw_obj(&w);
		if (src->fill(st, s, c, x, &w)) {
			out->n--; /* not a cause after all */
			continue;
		}
		jw_obj_end(&w);
		params_set(x, &b);
	}
	store_done(st, s);
	buf_release(&b);
	return rc < 0 ? -1 : 0;
}

static int records_eval(struct store *st, const struct project *p,
			const struct alert_settings *set, struct alert_list *out, struct err *err)
{
	struct deal_pipeline pl;
	struct eval_ctx c = { date_today(), ts_now(), set, &pl };

	if (deal_pipeline_get(st, &system_actor, p->code, &pl, err))
		return -1;
	for (size_t i = 0; i < sizeof(record_sources) / sizeof(record_sources[0]); i++)
		if (set->on[record_sources[i].kind] &&
		    source_eval(st, p, &record_sources[i], &c, out, err))
			return -1;
	return 0;
}

static int budget_eval(struct store *st, const struct project *p, struct alert_list *out,
		       struct err *err)
{
	struct budget_overview o;

	if (budget_overview(st, &system_actor, p->code, &o, err))
		return -1;
	for (size_t i = 0; i < o.n; i++) {
		const struct budget_line_sum *l = &o.lines[i];
		struct alert *x;
		struct buf b = BUF_INIT;
		struct jw w;

		if (l->spent_minor <= l->allocated_minor)
			continue;
		x = alert_add(out, AK_BUDGET_OVERSPENT, 1, "budget_line", l->id, l->name);
		jw_init(&w, &b);
		jw_obj(&w);
		jw_kstr(&w, "category", l->category);
		jw_kint(&w, "allocated", l->allocated_minor);
		jw_kint(&w, "spent", l->spent_minor);
		jw_obj_end(&w);
		params_set(x, &b);
		buf_release(&b);
	}
	budget_overview_release(&o);
	return 0;
}

/* Every alert of project p now, by its settings. */
static int evaluate(struct store *st, const struct project *p, const struct alert_settings *set,
		    struct alert_list *out, struct err *err)
{
	const int *on = set->on;

	if ((on[AK_GOAL_STATUS] || on[AK_GOAL_PROBABILITY]) && goals_eval(st, p, set, out, err))
		return -1;
	/* a goal kind turned off: drop what the shared evaluation gave of it */
	for (size_t i = 0; i < out->n;)
		if (!on[out->items[i].kind])
			out->items[i] = out->items[--out->n];
		else
			i++;
	if (records_eval(st, p, set, out, err) ||
	    (on[AK_BUDGET_OVERSPENT] && budget_eval(st, p, out, err)))
		return -1;
	return 0;
}

/* --- raising and resolving --------------------------------------------------------------- */

static const char SQL_MANAGERS[] =
	"SELECT m.user_id, u.login FROM members m JOIN users u ON u.id = m.user_id "
	"WHERE m.project_id = ?1 AND (m.role IN ('owner', 'manager') OR m.user_id = ?2) "
	"ORDER BY u.login";

/* Who x concerns: the project's managers and owners, and its person when a member. */
static int recipients(struct store *st, int64_t project_id, const struct alert *x, int64_t *ids,
		      size_t *n, struct buf *logins, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_MANAGERS, err);
	int rc;

	*n = 0;
	buf_reset(logins);
	if (!s)
		return -1;
	store_bind_int(st, s, 1, project_id);
	store_bind_int(st, s, 2, x->person == NO_ID ? 0 : x->person);
	while ((rc = store_step(st, s, err)) == STORE_ROW && *n < RECIPIENTS_MAX) {
		ids[(*n)++] = store_col_int(st, s, 0);
		if (logins->len)
			buf_addch(logins, ',');
		buf_adds(logins, store_col_text(st, s, 1));
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static const char SQL_RAISE[] =
	"INSERT INTO alerts (project_id, kind, severity, on_kind, on_id, cause, params, recipients, "
	"raised_at, title) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
	"ON CONFLICT (project_id, kind, on_kind, on_id, cause) WHERE resolved_at IS NULL "
	"DO NOTHING RETURNING id";

static void logins_json(struct jw *w, const char *logins)
{
	jw_key(w, "recipients");
	jw_arr(w);
	for (const char *p = logins; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		jw_strn(w, p, len);
		p += len + (e ? 1 : 0);
	}
	jw_arr_end(w);
}

/* The audit row's record (and the webhook event's "after"). */
static void raised_json(struct buf *b, int64_t id, const char *code, const struct alert *x,
			const char *logins, int64_t at)
{
	struct jw w;

	buf_reset(b);
	jw_init(&w, b);
	jw_obj(&w);
	jw_kint(&w, "id", id);
	jw_kstr(&w, "project", code);
	jw_kstr(&w, "kind", alert_kinds[x->kind]);
	jw_kstr(&w, "severity", x->critical ? "critical" : "warning");
	jw_kstr(&w, "on_kind", x->on_kind);
	jw_kint(&w, "on_id", x->on_id);
	jw_kstr(&w, "title", x->title);
	jw_key(&w, "params");
	jw_raw(&w, x->params);
	logins_json(&w, logins);
	jw_kts(&w, "raised_at", at);
	jw_obj_end(&w);
}

/* The inbox's parameters: the kind, severity and title, with the figures. */
static void notice_json(struct buf *b, const struct alert *x)
{
	struct jw w;

	buf_reset(b);
	jw_init(&w, b);
	jw_obj(&w);
	jw_kstr(&w, "alert", alert_kinds[x->kind]);
	jw_kstr(&w, "severity", x->critical ? "critical" : "warning");
	jw_kstr(&w, "title", x->title);
	jw_key(&w, "figures");
	jw_raw(&w, x->params);
	jw_obj_end(&w);
}

static int raise_one(struct tx *tx, int64_t project_id, const char *code, const struct alert *x,
		     int *raised, struct err *err)
{
	struct store *st = tx->st;
	int64_t ids[RECIPIENTS_MAX], id = 0;
	struct buf logins = BUF_INIT, b = BUF_INIT;
	struct stmt *s;
	size_t n;
	int rc, r = -1;

	if (recipients(st, project_id, x, ids, &n, &logins, err) ||
	    !(s = store_prepare(st, SQL_RAISE, err)))
		goto out;
	store_bind_int(st, s, 1, project_id);
	store_bind_text(st, s, 2, alert_kinds[x->kind]);
	store_bind_text(st, s, 3, x->critical ? "critical" : "warning");
	store_bind_text(st, s, 4, x->on_kind);
	store_bind_int(st, s, 5, x->on_id);
	store_bind_text(st, s, 6, x->cause);
	store_bind_text(st, s, 7, x->params);
	store_bind_text(st, s, 8, buf_cstr(&logins));
	store_bind_int(st, s, 9, tx->now);
	store_bind_text(st, s, 10, x->title);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		id = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0)
		goto out;
	if (!id) { /* raised already (here or by another process) */
		r = 0;
		goto out;
	}
	notice_json(&b, x);
	for (size_t i = 0; i < n; i++)
		if (notify_alert(tx, ids[i], project_id, x->on_kind, x->on_id, buf_cstr(&b), err))
			goto out;
	raised_json(&b, id, code, x, buf_cstr(&logins), tx->now);
	if (tx_audit(tx, "alert", id, "raise", NULL, buf_cstr(&b), err))
		goto out;
	(*raised)++;
	r = 0;
out:
	buf_release(&logins);
	buf_release(&b);
	return r;
}

static const char SQL_OPEN[] =
	"SELECT id, kind, on_kind, on_id, cause FROM alerts WHERE project_id = ?1 AND "
	"resolved_at IS NULL";
static const char SQL_RESOLVE[] =
	"UPDATE alerts SET resolved_at = ?2 WHERE id = ?1 AND resolved_at IS NULL RETURNING id";

struct open_row {
	int64_t id, on_id;
	char kind[24], on_kind[16], cause[32];
};

static int is_current(const struct open_row *o, const struct alert_list *now)
{
	for (size_t i = 0; i < now->n; i++) {
		const struct alert *x = &now->items[i];
		if (!strcmp(alert_kinds[x->kind], o->kind) && !strcmp(x->on_kind, o->on_kind) &&
		    x->on_id == o->on_id && !strcmp(x->cause, o->cause))
			return 1;
	}
	return 0;
}

static int open_rows(struct store *st, int64_t project_id, struct open_row **rows, size_t *n,
		     struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_OPEN, err);
	size_t alloc = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, project_id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct open_row *o;
		ALLOC_GROW(*rows, *n + 1, alloc);
		o = &(*rows)[(*n)++];
		o->id = store_col_int(st, s, 0);
		snprintf(o->kind, sizeof(o->kind), "%s", store_col_text(st, s, 1));
		snprintf(o->on_kind, sizeof(o->on_kind), "%s", store_col_text(st, s, 2));
		o->on_id = store_col_int(st, s, 3);
		snprintf(o->cause, sizeof(o->cause), "%s", store_col_text(st, s, 4));
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static int resolve_one(struct tx *tx, const struct open_row *o, int *resolved, struct err *err)
{
	struct store *st = tx->st;
	struct stmt *s = store_prepare(st, SQL_RESOLVE, err);
	char after[64];
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, o->id);
	store_bind_int(st, s, 2, tx->now);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc != STORE_ROW)
		return rc < 0 ? -1 : 0;
	snprintf(after, sizeof(after), "{\"resolved\":true}");
	(*resolved)++;
	return tx_audit(tx, "alert", o->id, "resolve", NULL, after, err);
}

/* Whether x is among the open rows (nothing to raise). */
static int is_open(const struct alert *x, const struct open_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(alert_kinds[x->kind], rows[i].kind) &&
		    !strcmp(x->on_kind, rows[i].on_kind) && x->on_id == rows[i].on_id &&
		    !strcmp(x->cause, rows[i].cause))
			return 1;
	return 0;
}

/* Keep what changed between now and the open rows (no write when nothing did). */
static int settle(struct store *st, int64_t project_id, const char *code,
		  const struct alert_list *now, int *raised, int *resolved, struct err *err)
{
	struct open_row *rows = NULL;
	struct tx tx = { 0 };
	size_t n = 0;
	int todo = 0, r = -1;

	if (open_rows(st, project_id, &rows, &n, err))
		goto out;
	for (size_t i = 0; i < now->n && !todo; i++)
		todo = !is_open(&now->items[i], rows, n);
	for (size_t i = 0; i < n && !todo; i++)
		todo = !is_current(&rows[i], now);
	if (!todo) {
		r = 0;
		goto out;
	}
	if (tx_begin(&tx, st, NULL, err))
		goto out;
	for (size_t i = 0; i < now->n; i++)
		if (!is_open(&now->items[i], rows, n) &&
		    raise_one(&tx, project_id, code, &now->items[i], raised, err))
			goto out;
	for (size_t i = 0; i < n; i++)
		if (!is_current(&rows[i], now) && resolve_one(&tx, &rows[i], resolved, err))
			goto out;
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	free(rows);
	return r;
}

static int sweep(struct store *st, const struct project *p, struct alert_list *now, int *raised,
		 int *resolved, struct err *err)
{
	struct alert_settings set;

	return settings_load(st, p->id, &set, err) || evaluate(st, p, &set, now, err) ||
			       settle(st, p->id, p->code, now, raised, resolved, err)
		       ? -1
		       : 0;
}

int alert_sweep_project(struct store *st, const char *code, int *raised, int *resolved,
			struct err *err)
{
	struct alert_list now = { 0 };
	struct project p;
	int r;

	if (project_get(st, &system_actor, code, &p, err))
		return -1;
	r = sweep(st, &p, &now, raised, resolved, err);
	free(now.items);
	return r;
}

static const char SQL_PROJECTS_LIVE[] =
	"SELECT code FROM projects WHERE status <> 'closed' ORDER BY id";

int alert_sweep_all(struct store *st, int *raised, int *resolved, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_PROJECTS_LIVE, err);
	struct { char code[64]; } *ps = NULL;
	size_t n = 0, alloc = 0;
	int rc, r = 0;

	*raised = *resolved = 0;
	if (!s)
		return -1;
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		ALLOC_GROW(ps, n + 1, alloc);
		snprintf(ps[n].code, sizeof(ps[n].code), "%s", store_col_text(st, s, 0));
		n++;
	}
	store_done(st, s);
	if (rc < 0)
		r = -1;
	for (size_t i = 0; !r && i < n; i++)
		r = alert_sweep_project(st, ps[i].code, raised, resolved, err);
	free(ps);
	return r;
}

/* --- reading ------------------------------------------------------------------------------ */

static const char SQL_LIST[] =
	"SELECT id, kind, severity, on_kind, on_id, cause, params, recipients, raised_at, "
	"resolved_at, title FROM alerts WHERE project_id = ?1 AND (resolved_at IS NULL) = (?2 = 0) "
	"ORDER BY CASE WHEN severity = 'critical' THEN 0 ELSE 1 END, raised_at DESC, id DESC "
	"LIMIT 500";

/* The evaluated alert of an open row (its figures as they are now), or NULL. */
static const struct alert *current_of(const struct alert_list *now, const char *kind,
				      const char *on_kind, int64_t on_id, const char *cause)
{
	for (size_t i = 0; i < now->n; i++) {
		const struct alert *x = &now->items[i];
		if (!strcmp(alert_kinds[x->kind], kind) && !strcmp(x->on_kind, on_kind) &&
		    x->on_id == on_id && !strcmp(x->cause, cause))
			return x;
	}
	return NULL;
}

int alert_list(struct store *st, const struct actor *a, const char *code,
	       enum alert_state state, alert_each_fn *each, void *ctx, struct err *err)
{
	struct alert_list now = { 0 };
	struct project p;
	struct stmt *s = NULL;
	int raised = 0, resolved = 0, rc = 0;

	if (project_get(st, a, code, &p, err) || sweep(st, &p, &now, &raised, &resolved, err) ||
	    !(s = store_prepare(st, SQL_LIST, err))) {
		rc = -1;
		goto out;
	}
	store_bind_int(st, s, 1, p.id);
	store_bind_int(st, s, 2, state == ALERT_RESOLVED);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct alert_item it = {
			.id = store_col_int(st, s, 0),
			.kind = store_col_text(st, s, 1),
			.severity = store_col_text(st, s, 2),
			.on_kind = store_col_text(st, s, 3),
			.on_id = store_col_int(st, s, 4),
			.title = store_col_text(st, s, 10),
			.params = store_col_text(st, s, 6),
			.recipients = store_col_text(st, s, 7),
			.raised_at = store_col_int(st, s, 8),
			.resolved_at = store_col_int_or(st, s, 9, NO_ID),
		};
		if (state == ALERT_OPEN) {
			const struct alert *x = current_of(&now, it.kind, it.on_kind, it.on_id,
							   store_col_text(st, s, 5));
			if (!x)
				continue; /* resolved by another process since */
			it.title = x->title;
			it.params = x->params;
		}
		each(ctx, &it);
	}
out:
	if (s)
		store_done(st, s);
	free(now.items);
	return rc < 0 ? -1 : 0;
}

struct list_json {
	struct jw *w;
	int64_t critical, warning;
};

static void item_json(void *ctx, const struct alert_item *it)
{
	struct list_json *l = ctx;
	struct jw *w = l->w;

	if (!strcmp(it->severity, "critical"))
		l->critical++;
	else
		l->warning++;
	jw_obj(w);
	jw_kint(w, "id", it->id);
	jw_kstr(w, "kind", it->kind);
	jw_kstr(w, "severity", it->severity);
	jw_kstr(w, "on_kind", it->on_kind);
	jw_kint(w, "on_id", it->on_id);
	jw_kstr(w, "title", it->title);
	jw_key(w, "params");
	jw_raw(w, it->params);
	jw_kts(w, "raised_at", it->raised_at);
	if (it->resolved_at == NO_ID)
		jw_kstr(w, "resolved_at", NULL);
	else
		jw_kts(w, "resolved_at", it->resolved_at);
	logins_json(w, it->recipients);
	jw_obj_end(w);
}

int alert_list_write_json(struct store *st, const struct actor *a, const char *code,
			  enum alert_state state, struct jw *w, struct err *err)
{
	struct list_json l = { w, 0, 0 };
	int r;

	jw_obj(w);
	jw_kstr(w, "project", code);
	jw_kstr(w, "state", state == ALERT_RESOLVED ? "resolved" : "open");
	jw_key(w, "alerts");
	jw_arr(w);
	r = alert_list(st, a, code, state, item_json, &l, err);
	jw_arr_end(w);
	jw_key(w, "counts");
	jw_obj(w);
	jw_kint(w, "critical", l.critical);
	jw_kint(w, "warning", l.warning);
	jw_obj_end(w);
	jw_obj_end(w);
	return r;
}
