/*
 * monitor.c - a project's monitoring panels (analytics/monitor.h): activity
 * volume per member, week and phase; open problems by age, SLA state and
 * severity; collections due and overdue with the money outstanding; tasks
 * overdue per assignee. Five short reads of the operational tables in one
 * read transaction, each on an index by project (no sale is read); the API
 * keeps the answer per data version (api/dashboard.c).
 */
#include "analytics/monitor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "core/engagement.h"
#include "core/problem.h"
#include "core/project.h"
#include "base/banned.h"

const char *const monitor_ages[MONITOR_AGES + 1] = { "0-2", "3-7", "8-30", "31+", NULL };
const char *const monitor_slas[MONITOR_SLAS + 1] = { "within", "due_soon", "breached", NULL };
const char *const monitor_agings[MONITOR_AGINGS + 1] = { "1-30", "31-60", "61-90", "91+", NULL };
/* the first day of each age bucket (days open) and aging bucket (days late) */
static const int32_t age_from[MONITOR_AGES] = { 0, 3, 8, 31 };
static const int32_t aging_from[MONITOR_AGINGS] = { 1, 31, 61, 91 };

#define DAY_SECONDS 86400

_Static_assert(MONITOR_SEVERITIES == PROBLEM_SEVERITIES, "a column per problem severity");

static int index_of(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(list[i], s))
			return i;
	return -1;
}

/* --- activity volume ----------------------------------------------------------------- */

/* ?1 the project: its members who do the work (viewers only read) */
static const char SQL_MONITOR_MEMBERS[] =
	"SELECT u.login, u.name FROM members m JOIN users u ON u.id = m.user_id "
	"WHERE m.project_id = ?1 AND m.role <> 'viewer' ORDER BY u.login";
/* ?1 the project, ?2 ?3 the first and last day: done activities per member, day and phase */
static const char SQL_MONITOR_ACTIVITIES[] =
	"SELECT u.login, u.name, a.happened_on, a.phase, COUNT(*) FROM activities a "
	"JOIN users u ON u.id = a.user_id WHERE a.project_id = ?1 AND a.status = 'done' "
	"AND a.happened_on >= ?2 AND a.happened_on <= ?3 "
	"GROUP BY u.login, u.name, a.happened_on, a.phase";

static struct monitor_member *member_of(struct monitor *m, size_t *alloc, const char *login,
					const char *name)
{
	struct monitor_member *x;

	for (size_t i = 0; i < m->nmembers; i++)
		if (!strcmp(m->members[i].login, login))
			return &m->members[i];
	ALLOC_GROW(m->members, m->nmembers + 1, *alloc);
	x = &m->members[m->nmembers++];
	memset(x, 0, sizeof(*x));
	snprintf(x->login, sizeof(x->login), "%s", login);
	snprintf(x->name, sizeof(x->name), "%s", name);
	return x;
}

/* The weeks: Mondays from the project's first week (at most 12 back) to as-of's. */
static void weeks_of(struct monitor *m, const struct project *p)
{
	int32_t last = m->as_of < p->end_on ? m->as_of : p->end_on;
	int32_t last_monday = last - date_weekday(last);
	int32_t first = p->start_on - date_weekday(p->start_on);

	m->nweeks = 0;
	if (last < p->start_on)
		return;
	if (first < last_monday - 7 * (MONITOR_WEEKS - 1))
		first = last_monday - 7 * (MONITOR_WEEKS - 1);
	for (int32_t d = first; d <= last_monday; d += 7) {
		m->monday[m->nweeks] = d;
		m->week_last[m->nweeks] = d + 6 < last ? d + 6 : last;
		m->nweeks++;
	}
}

static int by_volume(const void *a, const void *b)
{
	const struct monitor_member *x = a, *y = b;
	if (x->all != y->all)
		return x->all > y->all ? -1 : 1;
	return strcmp(x->login, y->login);
}

static int read_activity(struct store *st, const struct project *p, struct monitor *m,
			 struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_MONITOR_MEMBERS, err);
	size_t alloc = 0;
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, p->id);
	while ((rc = store_step(st, s, err)) == STORE_ROW)
		member_of(m, &alloc, store_col_text(st, s, 0), store_col_text(st, s, 1));
	store_done(st, s);
	if (rc < 0)
		return -1;
	weeks_of(m, p);
	if (m->nweeks == 0)
		return 0;
	if (!(s = store_prepare(st, SQL_MONITOR_ACTIVITIES, err)))
		return -1;
	store_bind_int(st, s, 1, p->id);
	store_bind_int(st, s, 2, m->monday[0]);
	store_bind_int(st, s, 3, m->week_last[m->nweeks - 1]);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct monitor_member *x =
			member_of(m, &alloc, store_col_text(st, s, 0), store_col_text(st, s, 1));
		int32_t day = (int32_t)store_col_int(st, s, 2);
		int ph = index_of(activity_phases, store_col_text(st, s, 3));
		int64_t n = store_col_int(st, s, 4);
		size_t w = (size_t)((day - m->monday[0]) / 7);
		if (ph < 0 || w >= m->nweeks)
			continue;
		x->weeks[w][ph] += n;
		x->total[ph] += n;
		x->all += n;
		m->week_total[w][ph] += n;
		m->phase_total[ph] += n;
		m->activities += n;
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (m->nmembers > 1)
		qsort(m->members, m->nmembers, sizeof(*m->members), by_volume);
	return 0;
}

/* --- problems ------------------------------------------------------------------------ */

/* ?1 the project: the problems not yet resolved */
static const char SQL_MONITOR_PROBLEMS[] =
	"SELECT severity, opened_at, due_at FROM problems "
	"WHERE project_id = ?1 AND status IN ('open', 'in_progress')";

int monitor_sla(int64_t opened, int64_t due, int64_t at)
{
	if (due < at)
		return 2;
	if (4 * at >= 3 * due + opened)
		return 1;
	return 0;
}

int monitor_age(int64_t opened, int64_t at)
{
	int64_t days = opened < at ? (at - opened) / DAY_SECONDS : 0;
	int b = 0;
	for (int i = 0; i < MONITOR_AGES; i++)
		if (days >= age_from[i])
			b = i;
	return b;
}

static int read_problems(struct store *st, const struct project *p, struct monitor *m,
			 struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_MONITOR_PROBLEMS, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, p->id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int sev = index_of(problem_severities, store_col_text(st, s, 0));
		int64_t opened = store_col_int(st, s, 1), due = store_col_int(st, s, 2);
		int sla = monitor_sla(opened, due, m->at);
		m->problems_open++;
		m->age_sla[monitor_age(opened, m->at)][sla]++;
		if (sev >= 0)
			m->sev_sla[sev][sla]++;
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* --- collections --------------------------------------------------------------------- */

/* ?1 the project, ?2 the last day looked at: collections due by then, what is outstanding */
static const char SQL_MONITOR_COLLECTIONS[] =
	"SELECT c.due_on, c.amount_minor - COALESCE((SELECT SUM(r.amount_minor) FROM receipts r "
	"WHERE r.collection_id = c.id), 0) FROM collections c "
	"WHERE c.project_id = ?1 AND c.due_on <= ?2";

static void add_money(struct monitor_money *x, int64_t amount)
{
	x->count++;
	x->amount_minor += amount;
}

static int read_collections(struct store *st, const struct project *p, struct monitor *m,
			    struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_MONITOR_COLLECTIONS, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, p->id);
	store_bind_int(st, s, 2, m->as_of + 29);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int32_t due = (int32_t)store_col_int(st, s, 0);
		int64_t left = store_col_int(st, s, 1);
		if (left <= 0)
			continue;
		if (due >= m->as_of) {
			add_money(&m->due30, left);
			if (due <= m->as_of + 6)
				add_money(&m->due7, left);
		} else {
			int b = 0;
			for (int i = 0; i < MONITOR_AGINGS; i++)
				if (m->as_of - due >= aging_from[i])
					b = i;
			add_money(&m->aging[b], left);
			add_money(&m->overdue, left);
		}
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* --- tasks --------------------------------------------------------------------------- */

/* ?1 the project, ?2 the last day looked at: tasks not done due by then, the oldest first */
static const char SQL_MONITOR_TASKS[] =
	"SELECT u.login, u.name, t.id, t.title, t.due_on FROM tasks t "
	"JOIN users u ON u.id = t.assignee_id WHERE t.project_id = ?1 AND t.status <> 'done' "
	"AND t.due_on <= ?2 ORDER BY t.due_on, t.id";

static int by_overdue(const void *a, const void *b)
{
	const struct monitor_assignee *x = a, *y = b;
	if (x->overdue != y->overdue)
		return x->overdue > y->overdue ? -1 : 1;
	if (x->due_week != y->due_week)
		return x->due_week > y->due_week ? -1 : 1;
	return strcmp(x->login, y->login);
}

static int read_tasks(struct store *st, const struct project *p, struct monitor *m,
		      struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_MONITOR_TASKS, err);
	size_t alloc = 0;
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, p->id);
	store_bind_int(st, s, 2, m->week_end);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		const char *login = store_col_text(st, s, 0);
		int32_t due = (int32_t)store_col_int(st, s, 4);
		struct monitor_assignee *x = NULL;
		for (size_t i = 0; i < m->nassignees && !x; i++)
			if (!strcmp(m->assignees[i].login, login))
				x = &m->assignees[i];
		if (!x) {
			ALLOC_GROW(m->assignees, m->nassignees + 1, alloc);
			x = &m->assignees[m->nassignees++];
			memset(x, 0, sizeof(*x));
			snprintf(x->login, sizeof(x->login), "%s", login);
			snprintf(x->name, sizeof(x->name), "%s", store_col_text(st, s, 1));
		}
		if (due < m->as_of) {
			/* the rows come oldest first: the first overdue one is the oldest */
			if (!x->overdue++) {
				x->oldest_id = store_col_int(st, s, 2);
				x->oldest_due = due;
				snprintf(x->oldest_title, sizeof(x->oldest_title), "%s",
					 store_col_text(st, s, 3));
			}
			m->tasks_overdue++;
		} else {
			x->due_week++;
			m->tasks_due_week++;
		}
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (m->nassignees > 1)
		qsort(m->assignees, m->nassignees, sizeof(*m->assignees), by_overdue);
	return 0;
}

int monitor_build(struct store *st, const struct actor *a, const char *code, int32_t as_of,
		  int64_t at, struct monitor *out, struct err *err)
{
	struct project p;
	int r = -1;

	memset(out, 0, sizeof(*out));
	out->as_of = as_of;
	out->at = at;
	out->week_end = as_of - date_weekday(as_of) + 6;
	if (store_begin(st, 0, err))
		return -1;
	if (project_get(st, a, code, &p, err))
		goto out;
	snprintf(out->project, sizeof(out->project), "%s", p.code);
	if (read_activity(st, &p, out, err) || read_problems(st, &p, out, err) ||
	    read_collections(st, &p, out, err) || read_tasks(st, &p, out, err))
		goto out;
	r = 0;
out:
	store_rollback(st);
	if (r)
		monitor_release(out);
	return r;
}

void monitor_release(struct monitor *m)
{
	free(m->members);
	free(m->assignees);
	m->members = NULL;
	m->assignees = NULL;
	m->nmembers = m->nassignees = 0;
}

/* --- JSON ---------------------------------------------------------------------------- */

/* "query": the list filters, n pairs of name and value (a NULL value is left out) */
static void write_query(struct jw *w, const char *key, int n, const char *const *pairs)
{
	jw_key(w, key);
	jw_obj(w);
	for (int i = 0; i < n; i++)
		if (pairs[2 * i + 1])
			jw_kstr(w, pairs[2 * i], pairs[2 * i + 1]);
	jw_obj_end(w);
}

/* "FROM..TO" of two days; an INT32_MIN end is left open */
static const char *day_range(char *out, size_t size, int32_t from, int32_t to)
{
	char a[DATE_FMT_MAX] = "", b[DATE_FMT_MAX] = "";
	if (from != INT32_MIN)
		date_format(from, a);
	if (to != INT32_MIN)
		date_format(to, b);
	snprintf(out, size, "%s..%s", a, b);
	return out;
}

static void write_counts(struct jw *w, const char *key, const char *const *names,
			 const int64_t *v, int n)
{
	jw_key(w, key);
	jw_obj(w);
	for (int i = 0; i < n; i++)
		jw_kint(w, names[i], v[i]);
	jw_obj_end(w);
}

void monitor_iso_week(int32_t monday, char *out, size_t size)
{
	int y, mo, d;
	int32_t thursday = monday + 3;
	date_to_ymd(thursday, &y, &mo, &d);
	snprintf(out, size, "%04d-W%02d", y, (int)((thursday - date_from_ymd(y, 1, 1)) / 7 + 1));
}

static void write_activity(struct jw *w, const struct monitor *m)
{
	char range[48], all[48];
	const char *q[6] = { "status", "done", "date", NULL, NULL, NULL };
	int64_t sum = 0;

	day_range(all, sizeof(all), m->nweeks ? m->monday[0] : m->as_of,
		  m->nweeks ? m->week_last[m->nweeks - 1] : m->as_of);
	jw_key(w, "activity");
	jw_obj(w);
	jw_key(w, "weeks");
	jw_arr(w);
	for (size_t i = 0; i < m->nweeks; i++) {
		char iso[16];
		jw_obj(w);
		monitor_iso_week(m->monday[i], iso, sizeof(iso));
		jw_kstr(w, "iso", iso);
		jw_kdate(w, "week", m->monday[i]);
		jw_kdate(w, "to", m->week_last[i]);
		write_counts(w, "counts", activity_phases, m->week_total[i], MONITOR_PHASES);
		sum = 0;
		for (int k = 0; k < MONITOR_PHASES; k++)
			sum += m->week_total[i][k];
		jw_kint(w, "total", sum);
		q[3] = day_range(range, sizeof(range), m->monday[i], m->week_last[i]);
		write_query(w, "query", 2, q);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	write_counts(w, "counts", activity_phases, m->phase_total, MONITOR_PHASES);
	jw_kint(w, "total", m->activities);
	q[3] = all;
	write_query(w, "query", 2, q);
	jw_key(w, "members");
	jw_arr(w);
	for (size_t i = 0; i < m->nmembers; i++) {
		const struct monitor_member *x = &m->members[i];
		const char *mq[6] = { "status", "done", "date", all, "member", x->login };
		jw_obj(w);
		jw_kstr(w, "login", x->login);
		jw_kstr(w, "name", x->name);
		jw_key(w, "weeks");
		jw_arr(w);
		for (size_t k = 0; k < m->nweeks; k++) {
			jw_obj(w);
			for (int ph = 0; ph < MONITOR_PHASES; ph++)
				jw_kint(w, activity_phases[ph], x->weeks[k][ph]);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		write_counts(w, "counts", activity_phases, x->total, MONITOR_PHASES);
		jw_kint(w, "total", x->all);
		write_query(w, "query", 3, mq);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

/* "FROM..TO" of the instants a problem opened at to be age bucket b days old at at */
static const char *opened_range(char *out, size_t size, int b, int64_t at)
{
	char lo[TS_FMT_MAX] = "", hi[TS_FMT_MAX];
	/* days old = (at - opened) / 86400 rounded down: from..to days is opened in
	 * (at - (to + 1) days, at - from days] */
	ts_format(at - (int64_t)age_from[b] * DAY_SECONDS, hi);
	if (b + 1 < MONITOR_AGES)
		ts_format(at - (int64_t)age_from[b + 1] * DAY_SECONDS + 1, lo);
	snprintf(out, size, "%s..%s", lo, hi);
	return out;
}

/* the filters of the SLA state sla among open problems */
static void sla_query(const char **q, int sla)
{
	q[0] = "open";
	q[1] = "true";
	q[2] = "breached";
	q[3] = sla == 2 ? "true" : "false";
	q[4] = "due_soon";
	q[5] = sla == 2 ? NULL : sla == 1 ? "true" : "false";
}

static void write_problems(struct jw *w, const struct monitor *m)
{
	const char *open_q[2] = { "open", "true" };
	char range[64];

	jw_key(w, "problems");
	jw_obj(w);
	jw_kint(w, "open", m->problems_open);
	write_query(w, "query", 1, open_q);
	jw_key(w, "by_age");
	jw_arr(w);
	for (int b = 0; b < MONITOR_AGES; b++) {
		const char *q[8];
		int64_t sum = 0;
		jw_obj(w);
		jw_kstr(w, "age", monitor_ages[b]);
		write_counts(w, "counts", monitor_slas, m->age_sla[b], MONITOR_SLAS);
		for (int k = 0; k < MONITOR_SLAS; k++)
			sum += m->age_sla[b][k];
		jw_kint(w, "total", sum);
		q[0] = "open";
		q[1] = "true";
		q[2] = "opened_at";
		q[3] = opened_range(range, sizeof(range), b, m->at);
		write_query(w, "query", 2, q);
		jw_key(w, "sla_queries");
		jw_obj(w);
		for (int k = 0; k < MONITOR_SLAS; k++) {
			const char *sq[8];
			sla_query(sq, k);
			sq[6] = "opened_at";
			sq[7] = range;
			write_query(w, monitor_slas[k], 4, sq);
		}
		jw_obj_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "by_sla");
	jw_arr(w);
	for (int k = 0; k < MONITOR_SLAS; k++) {
		const char *q[6];
		int64_t sum = 0;
		for (int b = 0; b < MONITOR_AGES; b++)
			sum += m->age_sla[b][k];
		jw_obj(w);
		jw_kstr(w, "sla", monitor_slas[k]);
		jw_kint(w, "count", sum);
		sla_query(q, k);
		write_query(w, "query", 3, q);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "by_severity");
	jw_arr(w);
	for (int v = 0; v < MONITOR_SEVERITIES; v++) {
		const char *q[4] = { "open", "true", "severity", problem_severities[v] };
		int64_t sum = 0;
		for (int k = 0; k < MONITOR_SLAS; k++)
			sum += m->sev_sla[v][k];
		jw_obj(w);
		jw_kstr(w, "severity", problem_severities[v]);
		write_counts(w, "counts", monitor_slas, m->sev_sla[v], MONITOR_SLAS);
		jw_kint(w, "total", sum);
		write_query(w, "query", 2, q);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

static void write_money(struct jw *w, const char *key, const struct monitor_money *x,
			int32_t from, int32_t to)
{
	char range[48];
	const char *q[4] = { "unpaid", "true", "due", day_range(range, sizeof(range), from, to) };
	jw_key(w, key);
	jw_obj(w);
	jw_kint(w, "count", x->count);
	jw_kint(w, "amount", x->amount_minor);
	write_query(w, "query", 2, q);
	jw_obj_end(w);
}

static void write_collections(struct jw *w, const struct monitor *m)
{
	jw_key(w, "collections");
	jw_obj(w);
	write_money(w, "due_7", &m->due7, m->as_of, m->as_of + 6);
	write_money(w, "due_30", &m->due30, m->as_of, m->as_of + 29);
	write_money(w, "overdue", &m->overdue, INT32_MIN, m->as_of - 1);
	jw_key(w, "aging");
	jw_arr(w);
	for (int b = 0; b < MONITOR_AGINGS; b++) {
		int32_t from = b + 1 < MONITOR_AGINGS ? m->as_of - aging_from[b + 1] + 1 : INT32_MIN;
		jw_obj(w);
		jw_kstr(w, "days", monitor_agings[b]);
		write_money(w, "bucket", &m->aging[b], from, m->as_of - aging_from[b]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

/* "oldest": x's oldest overdue task (null without one), with its assignee when named. */
static void write_oldest(struct jw *w, const struct monitor_assignee *x, int32_t as_of,
			 int named)
{
	jw_key(w, "oldest");
	if (!x || !x->overdue) {
		jw_null(w);
		return;
	}
	jw_obj(w);
	jw_kint(w, "id", x->oldest_id);
	jw_kstr(w, "title", x->oldest_title);
	jw_kdate(w, "due", x->oldest_due);
	jw_kint(w, "days_late", as_of - x->oldest_due);
	if (named)
		jw_kstr(w, "assignee", x->login);
	jw_obj_end(w);
}

static void write_tasks(struct jw *w, const struct monitor *m)
{
	char late[48], week[48];
	const struct monitor_assignee *oldest = NULL;

	day_range(late, sizeof(late), INT32_MIN, m->as_of - 1);
	day_range(week, sizeof(week), m->as_of, m->week_end);
	jw_key(w, "tasks");
	jw_obj(w);
	jw_kint(w, "overdue", m->tasks_overdue);
	jw_kint(w, "due_week", m->tasks_due_week);
	jw_kdate(w, "week_end", m->week_end);
	{
		const char *q1[4] = { "open", "true", "due", late };
		const char *q2[4] = { "open", "true", "due", week };
		write_query(w, "query_overdue", 2, q1);
		write_query(w, "query_due_week", 2, q2);
	}
	for (size_t i = 0; i < m->nassignees; i++) {
		const struct monitor_assignee *x = &m->assignees[i];
		if (x->overdue && (!oldest || x->oldest_due < oldest->oldest_due ||
				   (x->oldest_due == oldest->oldest_due && x->oldest_id < oldest->oldest_id)))
			oldest = x;
	}
	write_oldest(w, oldest, m->as_of, 1);
	jw_key(w, "assignees");
	jw_arr(w);
	for (size_t i = 0; i < m->nassignees; i++) {
		const struct monitor_assignee *x = &m->assignees[i];
		const char *q1[6] = { "open", "true", "due", late, "assignee", x->login };
		const char *q2[6] = { "open", "true", "due", week, "assignee", x->login };
		jw_obj(w);
		jw_kstr(w, "login", x->login);
		jw_kstr(w, "name", x->name);
		jw_kint(w, "overdue", x->overdue);
		jw_kint(w, "due_week", x->due_week);
		write_oldest(w, x, m->as_of, 0);
		write_query(w, "query_overdue", 3, q1);
		write_query(w, "query_due_week", 3, q2);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

void monitor_write_json(struct jw *w, const struct monitor *m)
{
	jw_obj(w);
	jw_kstr(w, "project", m->project);
	jw_kdate(w, "as_of", m->as_of);
	jw_kts(w, "at", m->at);
	write_activity(w, m);
	write_problems(w, m);
	write_collections(w, m);
	write_tasks(w, m);
	jw_obj_end(w);
}
