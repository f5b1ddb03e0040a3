/*
 * goal.c - a project's SMART goals over HTTP: goals with their progress and
 * lint (the fields of `salespm goal list --json`), drafts linted without
 * saving, revisions, check-ins of custom goals and the chart series. Values
 * travel as JSON numbers in the metric's unit (integer minor units for money,
 * integers for counts, numbers in [0, 1] for ratios).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/progress.h"
#include "api/api.h"
#include "api/cache.h"
#include "core/audit.h"
#include "base/date.h"
#include "base/money.h"
#include "core/goal.h"
#include "core/project.h"
#include "base/banned.h"

/* --- bodies ------------------------------------------------------------------------------ */

struct goal_body {
	const char *name, *metric, *owner, *rationale, *objective, *checkin_rule, *custom_unit, *reason;
	const char *start, *due, *baseline_start, *baseline_end;
	const char *scope_segment, *scope_channel, *scope_product, *scope_rep;
	struct api_number target, baseline;
	int64_t version;
	int has_name, has_owner, has_rationale, has_objective, has_checkin_rule, has_custom_unit,
		has_start, has_due,
		has_baseline_start, has_baseline_end, has_target, has_baseline, has_scope;
};

#define SCOPE_FIELDS(b)                                                                         \
	{ "segment", API_STR, API_NULLABLE, &(b).scope_segment },                              \
	{ "channel", API_STR, API_NULLABLE, &(b).scope_channel },                               \
	{ "product", API_STR, API_NULLABLE, &(b).scope_product },                               \
	{ "rep", API_STR, API_NULLABLE, &(b).scope_rep }

/* Every field may be null, which clears it (a saved goal still needs what core requires). */
#define GOAL_FIELDS(b, scope_table)                                                             \
	{ "name", API_STR, API_NULLABLE, &(b).name, &(b).has_name },                           \
	{ "metric", API_STR, 0, &(b).metric },                                                  \
	{ "target", API_NUMBER, API_NULLABLE, &(b).target, &(b).has_target },                   \
	{ "baseline", API_NUMBER, API_NULLABLE, &(b).baseline, &(b).has_baseline },             \
	{ "baseline_start", API_STR, API_NULLABLE, &(b).baseline_start,                         \
	  &(b).has_baseline_start },                                                            \
	{ "baseline_end", API_STR, API_NULLABLE, &(b).baseline_end, &(b).has_baseline_end },    \
	{ "start", API_STR, API_NULLABLE, &(b).start, &(b).has_start },                         \
	{ "due", API_STR, API_NULLABLE, &(b).due, &(b).has_due },                               \
	{ "scope", API_OBJ, API_NULLABLE, (void *)(scope_table), &(b).has_scope },              \
	{ "owner", API_STR, API_NULLABLE, &(b).owner, &(b).has_owner },                         \
	{ "rationale", API_STR, API_NULLABLE, &(b).rationale, &(b).has_rationale },             \
	{ "objective", API_STR, API_NULLABLE, &(b).objective, &(b).has_objective },             \
	{ "checkin_rule", API_STR, API_NULLABLE, &(b).checkin_rule, &(b).has_checkin_rule },   \
	{ "custom_unit", API_STR, API_NULLABLE, &(b).custom_unit, &(b).has_custom_unit }

/*
 * A JSON number in unit u as an integer of the unit: money an integer of minor
 * units, counts integers, ratios in [0, 1] rounded to basis points.
 */
static int number_value(enum unit u, const struct api_number *n, const char *field, int64_t *out,
			struct err *err)
{
	if (u == UNIT_RATIO) {
		if (!(n->d >= 0.0 && n->d <= 1.0))
			return err_set(err, ERR_INVALID, field, "ratio_range:_,value",
				       "%s is a ratio between 0 and 1, not %g", field, n->d);
		*out = llround(n->d * 10000.0);
		return 0;
	}
	if (!n->is_int)
		return err_set(err, ERR_INVALID, field, "not_integer_unit:_,_,value",
			       "%s must be an integer%s, not %g", field,
			       u == UNIT_MONEY ? " of minor units" : "", n->d);
	*out = n->i;
	return 0;
}

/* A date the body named: "" and null clear it. */
static int date_value(int present, const char *text, const char *field, int32_t *out,
		      struct err *err)
{
	*out = NO_DATE;
	if (!present || !text || !*text)
		return 0;
	return date_parse(text, strlen(text), out, field, err);
}

/* The typed core input for b; values are read in the unit of b's metric, else of cur. */
static int make_input(const struct goal_body *b, enum metric cur, struct goal_input *in,
		      struct err *err)
{
	const char *scope[GOAL_SCOPE_KEYS] = { b->scope_segment, b->scope_channel, b->scope_product,
					       b->scope_rep };
	const struct {
		int present;
		const char *text, *field;
		unsigned bit;
		int32_t *dst;
	} dates[] = {
		{ b->has_start, b->start, "start", GOAL_IN_START, &in->start_on },
		{ b->has_due, b->due, "due", GOAL_IN_DUE, &in->due_on },
		{ b->has_baseline_start, b->baseline_start, "baseline_start", GOAL_IN_BASELINE_START,
		  &in->baseline_start_on },
		{ b->has_baseline_end, b->baseline_end, "baseline_end", GOAL_IN_BASELINE_END,
		  &in->baseline_end_on },
	};

	goal_input_init(in);
	if (b->metric) {
		if (metric_parse(b->metric, &in->metric, err))
			return -1;
		in->set |= GOAL_IN_METRIC;
	}
	for (int k = 0; k < 2; k++) {
		const char *field = k ? "baseline" : "target";
		const struct api_number *n = k ? &b->baseline : &b->target;
		int64_t *dst = k ? &in->baseline : &in->target;
		enum unit u;
		if (!(k ? b->has_baseline : b->has_target))
			continue;
		in->set |= k ? GOAL_IN_BASELINE : GOAL_IN_TARGET;
		if (!n->set)
			continue; /* null clears */
		if (goal_input_unit(in, cur, field, &u, err) || number_value(u, n, field, dst, err))
			return -1;
	}
	for (size_t k = 0; k < sizeof(dates) / sizeof(dates[0]); k++) {
		if (date_value(dates[k].present, dates[k].text, dates[k].field, dates[k].dst, err))
			return -1;
		if (dates[k].present)
			in->set |= dates[k].bit;
	}
	if (b->has_scope) {
		/* the scope given replaces the whole scope; {} or null clears it */
		in->set |= GOAL_IN_SCOPE;
		for (int k = 0; k < GOAL_SCOPE_KEYS; k++)
			if (scope[k] && text_field(goal_scope_code(&in->scope, k), sizeof(in->scope.segment),
						   scope[k], 0, 0, "scope", err))
				return -1;
	}
	if (b->has_owner) {
		in->set |= GOAL_IN_OWNER;
		if (b->owner && text_field(in->owner, sizeof(in->owner), b->owner, 0, 0, "owner", err))
			return -1;
	}
	in->set |= (b->has_name ? GOAL_IN_NAME : 0) | (b->has_rationale ? GOAL_IN_RATIONALE : 0) |
		   (b->has_objective ? GOAL_IN_OBJECTIVE : 0) |
		   (b->has_checkin_rule ? GOAL_IN_CHECKIN_RULE : 0) |
		   (b->has_custom_unit ? GOAL_IN_CUSTOM_UNIT : 0);
	in->name = b->name;
	in->rationale = b->rationale;
	in->objective = b->objective;
	in->checkin_rule = b->checkin_rule;
	in->custom_unit = b->custom_unit;
	in->reason = b->reason;
	return 0;
}

static void body_init(struct goal_body *b)
{
	memset(b, 0, sizeof(*b));
}

/* --- answers ---------------------------------------------------------------------------- */

/* g with its progress and lint as of today, in project p. */
static int write_progress(struct api_req *r, const struct project *p, const struct goal *g,
			  struct err *err)
{
	struct goal_progress gp;

	if (goal_progress(r->st, g, p, date_today(), &gp, err))
		return -1;
	goal_progress_write_json(&r->jw, g, &gp);
	return 0;
}

static int path_id(struct api_req *r, int64_t *id, struct err *err)
{
	const char *s = api_param(r, "id");
	if (!s || int_parse(s, strlen(s), id, "id", NULL) || *id <= 0)
		return err_set(err, ERR_NOT_FOUND, "id", "no_goal:id", "no goal \"%.40s\" in this project",
			       s ? s : "");
	return 0;
}

/* --- routes ------------------------------------------------------------------------------ */

static int list_goals(struct api_req *r, struct err *err)
{
	struct goal_board b;
	struct project p;
	const char *code = api_param(r, "code");
	int32_t today = date_today();
	char key[160];
	int64_t version;

	if (project_get(r->st, &r->actor, code, &p, err) || audit_last_id(r->st, &version, err))
		return -1;
	/* the same answer for every caller who may see the project, until the next write */
	snprintf(key, sizeof(key), "goals/%s/%d", p.code, (int)today);
	if (api_cache_get(key, version, &r->out))
		return 0;
	if (goal_board_load(r->st, &r->actor, code, today, &b, err))
		return -1;
	goal_board_write_json(&r->jw, &b);
	goal_board_release(&b);
	api_cache_put(key, version, r->out.p, r->out.len);
	return 0;
}

static int create_goal(struct api_req *r, struct err *err)
{
	struct goal_body b;
	struct goal_input in;
	struct goal g;
	struct project p;
	const char *code = api_param(r, "code");

	body_init(&b);
	{
		const struct api_field scope_fields[] = { SCOPE_FIELDS(b), { NULL } };
		const struct api_field fields[] = { GOAL_FIELDS(b, scope_fields), { NULL } };
		if (api_parse(r, fields, err))
			return -1;
	}
	if (!b.metric)
		return err_set(err, ERR_INVALID, "metric", "required", "metric is required");
	if (make_input(&b, METRIC_NONE, &in, err) ||
	    goal_create(r->st, &r->actor, code, &in, &g, err) ||
	    project_get(r->st, &r->actor, code, &p, err))
		return -1;
	r->status = 201;
	return write_progress(r, &p, &g, err);
}

static int get_goal(struct api_req *r, struct err *err)
{
	struct goal g;
	struct project p;
	const char *code = api_param(r, "code");
	int64_t id;

	if (path_id(r, &id, err) || project_get(r->st, &r->actor, code, &p, err) ||
	    goal_get(r->st, &r->actor, code, id, &g, err))
		return -1;
	return write_progress(r, &p, &g, err);
}

static int update_goal(struct api_req *r, struct err *err)
{
	struct goal_body b;
	struct goal_input in;
	struct goal cur, g;
	struct project p;
	const char *code = api_param(r, "code");
	int64_t id;

	body_init(&b);
	{
		const struct api_field scope_fields[] = { SCOPE_FIELDS(b), { NULL } };
		const struct api_field fields[] = {
			GOAL_FIELDS(b, scope_fields),
			{ "reason", API_STR, 0, &b.reason },
			{ "version", API_INT, API_REQUIRED, &b.version },
			{ NULL },
		};
		if (api_parse(r, fields, err))
			return -1;
	}
	if (path_id(r, &id, err) || project_get(r->st, &r->actor, code, &p, err) ||
	    goal_get(r->st, &r->actor, code, id, &cur, err) ||
	    make_input(&b, cur.metric, &in, err) ||
	    goal_update(r->st, &r->actor, code, id, b.version, &in, &g, err))
		return -1;
	return write_progress(r, &p, &g, err);
}

static int delete_goal(struct api_req *r, struct err *err)
{
	int64_t body_version = 0, version, id;
	int has_version = 0;
	const struct api_field fields[] = {
		{ "version", API_INT, 0, &body_version, &has_version },
		{ NULL },
	};

	if (api_parse_optional(r, fields, err) || path_id(r, &id, err) ||
	    api_version(r, has_version, body_version, &version, err) ||
	    goal_delete(r->st, &r->actor, api_param(r, "code"), id, version, err))
		return -1;
	api_answer_deleted(r, id);
	return 0;
}

static int lint_goal(struct api_req *r, struct err *err)
{
	struct goal_body b;
	struct goal_input in;
	struct goal g;
	struct project p;
	struct smart_check smart[SMART__COUNT];
	int64_t baseline;
	int computed, all = 1;

	body_init(&b);
	{
		const struct api_field scope_fields[] = { SCOPE_FIELDS(b), { NULL } };
		const struct api_field fields[] = { GOAL_FIELDS(b, scope_fields), { NULL } };
		if (api_parse(r, fields, err))
			return -1;
	}
	if (project_get(r->st, &r->actor, api_param(r, "code"), &p, err) ||
	    make_input(&b, METRIC_NONE, &in, err))
		return -1;
	goal_init(&g, p.id);
	if (goal_resolve(r->st, &in, &g, 0, err) ||
	    goal_lint(r->st, &g, &p, smart, &baseline, &computed, err))
		return -1;
	for (int i = 0; i < SMART__COUNT; i++)
		all &= smart[i].ok;
	jw_obj(&r->jw);
	jw_key(&r->jw, "smart");
	smart_write_json(&r->jw, smart);
	jw_kbool(&r->jw, "smart_ok", all);
	jw_obj_end(&r->jw);
	return 0;
}

static int list_revisions(struct api_req *r, struct err *err)
{
	struct goal_revision_list l = { 0 };
	int64_t id;

	if (path_id(r, &id, err) ||
	    goal_revisions(r->st, &r->actor, api_param(r, "code"), id, &l, err)) {
		goal_revision_list_release(&l);
		return -1;
	}
	goal_revisions_write_json(&r->jw, &l);
	goal_revision_list_release(&l);
	return 0;
}

static int add_checkin(struct api_req *r, struct err *err)
{
	struct api_number value = { 0 };
	const char *note = NULL;
	int32_t day = NO_DATE;
	const struct api_field fields[] = {
		{ "value", API_NUMBER, API_REQUIRED, &value },
		{ "date", API_DATE, 0, &day },
		{ "note", API_STR, API_NULLABLE, &note },
		{ NULL },
	};
	const char *code = api_param(r, "code");
	struct goal g;
	struct goal_checkin ck;
	int64_t id, v;

	if (api_parse(r, fields, err) || path_id(r, &id, err) ||
	    goal_get(r->st, &r->actor, code, id, &g, err) ||
	    number_value(metric_unit(g.metric), &value, "value", &v, err) ||
	    goal_checkin(r->st, &r->actor, code, id, day, v, note, &ck, err))
		return -1;
	r->status = 201;
	goal_checkin_write_json(&r->jw, &ck, metric_unit(g.metric));
	return 0;
}

static int list_checkins(struct api_req *r, struct err *err)
{
	struct goal_checkin_list l = { 0 };
	struct goal g;
	const char *code = api_param(r, "code");
	int64_t id;
	enum unit u;

	if (path_id(r, &id, err) || goal_get(r->st, &r->actor, code, id, &g, err) ||
	    goal_checkins(r->st, &r->actor, code, id, &l, err)) {
		goal_checkin_list_release(&l);
		return -1;
	}
	u = metric_unit(g.metric);
	jw_obj(&r->jw);
	jw_kint(&r->jw, "goal_id", g.id);
	jw_kstr(&r->jw, "unit", unit_str(u));
	jw_kstr(&r->jw, "custom_unit", g.custom_unit);
	jw_key(&r->jw, "checkins");
	jw_arr(&r->jw);
	for (size_t i = 0; i < l.n; i++) {
		jw_obj(&r->jw);
		jw_kint(&r->jw, "id", l.items[i].id);
		jw_kdate(&r->jw, "date", l.items[i].on_date);
		goal_value_json(&r->jw, "value", u, l.items[i].value);
		jw_kstr(&r->jw, "note", l.items[i].note);
		jw_kstr(&r->jw, "by", l.items[i].created_by_login[0] ? l.items[i].created_by_login : NULL);
		jw_kts(&r->jw, "at", l.items[i].created_at);
		jw_obj_end(&r->jw);
	}
	jw_arr_end(&r->jw);
	jw_obj_end(&r->jw);
	goal_checkin_list_release(&l);
	return 0;
}

static int get_series(struct api_req *r, struct err *err)
{
	struct goal g;
	struct goal_point *pts = NULL;
	const char *code = api_param(r, "code");
	size_t n = 0;
	int64_t id;
	enum unit u;

	if (path_id(r, &id, err) || goal_get(r->st, &r->actor, code, id, &g, err))
		return -1;
	/* one read transaction: the points come from one snapshot */
	if (store_begin(r->st, 0, err))
		return -1;
	if (goal_series(r->st, &g, date_today(), &pts, &n, err)) {
		store_rollback(r->st);
		free(pts);
		return -1;
	}
	store_rollback(r->st);
	u = metric_unit(g.metric);
	jw_obj(&r->jw);
	jw_kint(&r->jw, "goal_id", g.id);
	jw_kstr(&r->jw, "metric", metric_str(g.metric));
	jw_kstr(&r->jw, "unit", unit_str(u));
	jw_key(&r->jw, "points");
	jw_arr(&r->jw);
	for (size_t i = 0; i < n; i++) {
		jw_obj(&r->jw);
		jw_kdate(&r->jw, "date", pts[i].day);
		goal_value_json(&r->jw, "actual", u, pts[i].actual);
		goal_value_json(&r->jw, "expected", u, pts[i].expected);
		jw_obj_end(&r->jw);
	}
	jw_arr_end(&r->jw);
	jw_obj_end(&r->jw);
	free(pts);
	return 0;
}

/* The metrics a goal may measure, from the one table (metric_defs[]). */
static int list_metrics(struct api_req *r, struct err *err)
{
	(void)err;
	metric_defs_write_json(&r->jw);
	return 0;
}

/* /goals/lint comes before /goals/{id}, which would match it too. */
const struct api_route api_goal_routes[] = {
	{ "GET", "/api/v1/goal-metrics", list_metrics, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/projects/{code}/goals", list_goals, ROLE_VIEWER, 0 },
	{ "POST", "/api/v1/projects/{code}/goals", create_goal, ROLE_REP, 0 },
	{ "POST", "/api/v1/projects/{code}/goals/lint", lint_goal, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/projects/{code}/goals/{id}", get_goal, ROLE_VIEWER, 0 },
	{ "PATCH", "/api/v1/projects/{code}/goals/{id}", update_goal, ROLE_REP, 0 },
	{ "DELETE", "/api/v1/projects/{code}/goals/{id}", delete_goal, ROLE_REP, 0 },
	{ "GET", "/api/v1/projects/{code}/goals/{id}/revisions", list_revisions, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/projects/{code}/goals/{id}/checkins", list_checkins, ROLE_VIEWER, 0 },
	{ "POST", "/api/v1/projects/{code}/goals/{id}/checkins", add_checkin, ROLE_REP, 0 },
	{ "GET", "/api/v1/projects/{code}/goals/{id}/series", get_series, ROLE_VIEWER, 0 },
	{ NULL },
};
