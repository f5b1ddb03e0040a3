/*
 * quota.c - each member's quota with its share, actual and progress, and the
 * suggested split (analytics/quota.h states the formula).
 */
#include "analytics/quota.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/metric.h"
#include "base/date.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "base/banned.h"

/*
 * g's metric over [from, to] within its scope in project_id's sales (NO_ID: all), for
 * each of the n reps: the sales they made (0 when none).
 */
static int rep_values(struct store *st, const struct goal *g, int64_t project_id,
		      const int64_t *reps, size_t n, int32_t from, int32_t to, int64_t *v,
		      struct err *err)
{
	struct metric_query q;

	memset(&q, 0, sizeof(q));
	q.metric = g->metric;
	q.project_id = project_id;
	q.scope = &g->scope;
	q.from = from;
	q.to = to;
	q.cohort_from = q.cohort_to = NO_DATE;
	q.cohort_project_id = NO_ID;
	q.goal_id = g->id;
	if (metric_by_rep(st, &q, reps, n, v, err))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (v[i] == NO_VALUE)
			v[i] = 0;
	return 0;
}

int quota_goal_load(struct store *st, const struct goal *g, int32_t as_of,
		    struct quota_goal *out, struct err *err)
{
	struct quota_split sp;
	int64_t *uids, *actual;
	int r = 0;

	memset(out, 0, sizeof(*out));
	out->goal_id = g->id;
	out->offered = quota_offered(g);
	if (quota_split_load(st, g->id, &sp, err))
		return -1;
	out->version = sp.version;
	out->members = xcalloc(sp.n ? sp.n : 1, sizeof(*out->members));
	out->n = sp.n;
	uids = xcalloc(sp.n ? sp.n : 1, sizeof(*uids));
	actual = xcalloc(sp.n ? sp.n : 1, sizeof(*actual));
	for (size_t i = 0; i < sp.n; i++)
		uids[i] = sp.lines[i].user_id;
	/* a goal whose metric no longer adds up keeps its lines, without figures */
	if (sp.n && out->offered != QUOTA_NOT_ADDITIVE && as_of >= g->start_on)
		r = rep_values(st, g, g->project_id, uids, sp.n, g->start_on,
			       as_of < g->due_on ? as_of : g->due_on, actual, err);
	for (size_t i = 0; i < sp.n && !r; i++) {
		struct quota_member *m = &out->members[i];
		m->line = sp.lines[i];
		out->sum += m->line.target;
		m->actual = out->offered == QUOTA_NOT_ADDITIVE ? NO_VALUE : actual[i];
		/* a goal narrowed to one rep since its split counts that rep's sales alone */
		if (out->offered == QUOTA_ONE_REP && m->line.user_id != g->scope.rep_id)
			m->actual = 0;
		if (g->target <= 0 || ratio_bp(m->line.target, g->target, &m->share_bp))
			m->share_bp = NO_VALUE;
		if (m->actual == NO_VALUE || m->line.target <= 0 ||
		    ratio_bp(m->actual, m->line.target, &m->progress_bp))
			m->progress_bp = NO_VALUE;
	}
	free(uids);
	free(actual);
	quota_split_release(&sp);
	if (r)
		quota_goal_release(out);
	return r;
}

void quota_goal_release(struct quota_goal *q)
{
	free(q->members);
	q->members = NULL;
	q->n = 0;
}

int quota_goals_load(struct store *st, const struct goal_list *goals, int32_t as_of,
		     struct quota_goal **out, struct err *err)
{
	*out = xcalloc(goals->n ? goals->n : 1, sizeof(**out));
	for (size_t i = 0; i < goals->n; i++)
		if (quota_goal_load(st, &goals->items[i], as_of, &(*out)[i], err))
			return -1;
	return 0;
}

void quota_goals_release(struct quota_goal *q, size_t n)
{
	for (size_t i = 0; q && i < n; i++)
		quota_goal_release(&q[i]);
	free(q);
}

static void ratio_json(struct jw *w, const char *key, int64_t bp)
{
	jw_key(w, key);
	if (bp == NO_VALUE)
		jw_null(w);
	else
		jw_num(w, (double)bp / 10000.0, 4);
}

void quota_goal_write_members(struct jw *w, const struct goal *g, const struct quota_goal *q)
{
	enum unit u = metric_unit(g->metric);

	jw_key(w, "quotas");
	jw_obj(w);
	jw_kbool(w, "offered", q->offered == QUOTA_OFFERED);
	jw_kstr(w, "why", quota_refusal_str(q->offered));
	jw_kint(w, "version", q->version);
	goal_value_json(w, "sum", u, q->sum);
	jw_kbool(w, "balanced", !q->n || q->sum == g->target);
	jw_key(w, "lines");
	jw_arr(w);
	for (size_t i = 0; i < q->n; i++) {
		const struct quota_member *m = &q->members[i];
		jw_obj(w);
		jw_kstr(w, "person", m->line.login);
		jw_kstr(w, "name", m->line.name);
		goal_value_json(w, "target", u, m->line.target);
		ratio_json(w, "share", m->share_bp);
		goal_value_json(w, "actual", u, m->actual);
		ratio_json(w, "progress", m->progress_bp);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

static int board_collect(struct store *st, const struct actor *a, const char *code,
			 int64_t goal_id, struct quota_board *out, struct err *err)
{
	if (goal_id != NO_ID) {
		ALLOC_GROW(out->goals.items, 1, out->goals.alloc);
		if (goal_get(st, a, code, goal_id, &out->goals.items[0], err))
			return -1;
		out->goals.items[0].project_id = out->project.id;
		out->goals.n = 1;
	} else if (goal_list(st, a, code, &out->goals, err)) {
		return -1;
	}
	return quota_goals_load(st, &out->goals, out->as_of, &out->quotas, err);
}

int quota_board_load(struct store *st, const struct actor *a, const char *code, int64_t goal_id,
		     int32_t as_of, struct quota_board *out, struct err *err)
{
	int r;

	memset(out, 0, sizeof(*out));
	out->as_of = as_of;
	if (project_get(st, a, code, &out->project, err))
		return -1;
	if (store_begin(st, 0, err))
		return -1;
	metric_memo_begin(st);
	r = board_collect(st, a, code, goal_id, out, err);
	metric_memo_end();
	store_rollback(st);
	if (r)
		quota_board_release(out);
	return r;
}

void quota_board_release(struct quota_board *b)
{
	quota_goals_release(b->quotas, b->goals.n);
	b->quotas = NULL;
	goal_list_release(&b->goals);
}

void quota_board_write_json(struct jw *w, const struct quota_board *b)
{
	jw_obj(w);
	jw_kstr(w, "project", b->project.code);
	jw_kdate(w, "as_of", b->as_of);
	jw_key(w, "goals");
	jw_arr(w);
	for (size_t i = 0; i < b->goals.n; i++) {
		const struct goal *g = &b->goals.items[i];
		enum unit u = metric_unit(g->metric);
		jw_obj(w);
		jw_kint(w, "goal", g->id);
		jw_kstr(w, "name", g->name);
		jw_kstr(w, "metric", metric_str(g->metric));
		jw_kstr(w, "unit", unit_str(u));
		goal_value_json(w, "target", u, g->target);
		jw_kdate(w, "start", g->start_on);
		jw_kdate(w, "due", g->due_on);
		quota_goal_write_members(w, g, &b->quotas[i]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

/* --- the suggestion ------------------------------------------------------------------ */

/* The reps (members with the role member) by login, with their past values. */
static int suggestion_reps(struct store *st, const struct actor *a, const char *code,
			   struct quota_suggestion *out, struct err *err)
{
	struct member_list ml = { 0 };
	const struct goal *g = &out->goal;
	int32_t len = g->due_on - g->start_on + 1;

	if (member_list(st, a, code, &ml, err))
		return -1;
	out->basis_from = g->start_on - len;
	out->basis_to = g->start_on - 1;
	out->lines = xcalloc(ml.n ? ml.n : 1, sizeof(*out->lines));
	for (size_t i = 0; i < ml.n; i++) {
		struct quota_suggestion_line *l;
		if (ml.items[i].role != PROLE_MEMBER)
			continue;
		l = &out->lines[out->n++];
		l->user_id = ml.items[i].user_id;
		snprintf(l->login, sizeof(l->login), "%s", ml.items[i].login);
		snprintf(l->name, sizeof(l->name), "%s", ml.items[i].name);
		l->capacity_bp = ml.items[i].capacity_bp;
	}
	member_list_release(&ml);
	{
		int64_t *uids = xcalloc(out->n ? out->n : 1, sizeof(*uids));
		int64_t *past = xcalloc(out->n ? out->n : 1, sizeof(*past));
		int r;
		for (size_t i = 0; i < out->n; i++)
			uids[i] = out->lines[i].user_id;
		r = out->n ? rep_values(st, g, NO_ID, uids, out->n, out->basis_from, out->basis_to,
					past, err)
			   : 0;
		for (size_t i = 0; i < out->n && !r; i++) {
			out->lines[i].past = past[i];
			out->lines[i].history = past[i] > 0;
		}
		free(uids);
		free(past);
		return r;
	}
}

/* Split the target in steps by the weights, the largest remainders taking what is left. */
static void split_target(struct quota_suggestion *s)
{
	__int128 total = 0, sum_past = 0, *w = xcalloc(s->n, sizeof(*w)), *rem;
	int64_t h = 0, given = 0, units = s->goal.target / s->step;
	char *done;

	for (size_t i = 0; i < s->n; i++)
		if (s->lines[i].history) {
			h++;
			sum_past += s->lines[i].past;
		}
	s->with_history = h;
	for (size_t i = 0; i < s->n; i++) {
		struct quota_suggestion_line *l = &s->lines[i];
		/* with h reps with history, bases are kept over the common denominator h */
		if (!h) {
			l->basis_num = l->basis_den = 1;
		} else if (l->history) {
			l->basis_num = l->past;
			l->basis_den = 1;
		} else {
			l->basis_num = (int64_t)sum_past;
			l->basis_den = h;
		}
		w[i] = (__int128)(h ? (l->history ? (__int128)l->past * h : sum_past) : 1) *
		       l->capacity_bp;
		total += w[i];
	}
	rem = xcalloc(s->n, sizeof(*rem));
	done = xcalloc(s->n, 1);
	for (size_t i = 0; i < s->n; i++) {
		__int128 t = (__int128)units * w[i];
		s->lines[i].target = (int64_t)(t / total);
		rem[i] = t % total;
		given += s->lines[i].target;
	}
	for (int64_t left = units - given; left > 0; left--) {
		size_t best = s->n;
		for (size_t i = 0; i < s->n; i++)
			if (!done[i] && (best == s->n || rem[i] > rem[best]))
				best = i;
		if (best == s->n)
			break;
		done[best] = 1;
		s->lines[best].target++;
	}
	for (size_t i = 0; i < s->n; i++)
		s->lines[i].target *= s->step;
	free(w);
	free(rem);
	free(done);
}

int quota_suggest(struct store *st, const struct actor *a, const char *code, int64_t id,
		  struct quota_suggestion *out, struct err *err)
{
	enum quota_refusal why;
	int64_t capacity = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if (goal_get(st, a, code, id, &out->goal, err))
		return -1;
	if ((why = quota_offered(&out->goal)) != QUOTA_OFFERED)
		return err_set(err, ERR_INVALID, "goal", "quota_not_offered:goal,metric,why",
			       "goal %lld (%s) takes no quotas: %s", (long long)id,
			       metric_str(out->goal.metric),
			       why == QUOTA_ONE_REP ? "it is narrowed to one rep already"
						    : "its metric does not add up over people");
	out->step = metric_unit(out->goal.metric) == UNIT_MONEY && out->goal.target % 100 == 0
			    ? 100
			    : 1;
	if (store_begin(st, 0, err))
		return -1;
	metric_memo_begin(st);
	r = suggestion_reps(st, a, code, out, err);
	metric_memo_end();
	store_rollback(st);
	if (r) {
		quota_suggestion_release(out);
		return -1;
	}
	for (size_t i = 0; i < out->n; i++)
		capacity += out->lines[i].capacity_bp;
	if (!capacity) {
		quota_suggestion_release(out);
		return err_set(err, ERR_INVALID, "goal", "quota_no_reps:project",
			       "%s has no rep (a member with the role member and a capacity above "
			       "0) to suggest quotas for",
			       code);
	}
	split_target(out);
	return 0;
}

void quota_suggestion_release(struct quota_suggestion *s)
{
	free(s->lines);
	s->lines = NULL;
	s->n = 0;
}

void quota_suggestion_write_json(struct jw *w, const char *project,
				 const struct quota_suggestion *s)
{
	const struct goal *g = &s->goal;
	enum unit u = metric_unit(g->metric);

	jw_obj(w);
	jw_kstr(w, "project", project);
	jw_kint(w, "goal", g->id);
	jw_kstr(w, "name", g->name);
	jw_kstr(w, "metric", metric_str(g->metric));
	jw_kstr(w, "unit", unit_str(u));
	goal_value_json(w, "target", u, g->target);
	jw_key(w, "window");
	jw_obj(w);
	jw_kdate(w, "from", g->start_on);
	jw_kdate(w, "to", g->due_on);
	jw_obj_end(w);
	jw_key(w, "basis_window");
	jw_obj(w);
	jw_kdate(w, "from", s->basis_from);
	jw_kdate(w, "to", s->basis_to);
	jw_obj_end(w);
	goal_value_json(w, "step", u, s->step);
	jw_kint(w, "with_history", s->with_history);
	jw_key(w, "lines");
	jw_arr(w);
	for (size_t i = 0; i < s->n; i++) {
		const struct quota_suggestion_line *l = &s->lines[i];
		double basis = (double)l->basis_num / (double)l->basis_den;
		int64_t share = NO_VALUE;
		jw_obj(w);
		jw_kstr(w, "person", l->login);
		jw_kstr(w, "name", l->name);
		jw_knum(w, "capacity", (double)l->capacity_bp / 10000.0, 4);
		goal_value_json(w, "past", u, l->past);
		jw_kbool(w, "history", l->history);
		jw_knum(w, "basis", basis, 2);
		jw_knum(w, "weight", basis * (double)l->capacity_bp / 10000.0, 2);
		goal_value_json(w, "target", u, l->target);
		if (g->target <= 0 || ratio_bp(l->target, g->target, &share))
			share = NO_VALUE;
		ratio_json(w, "share", share);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}
