/*
 * goal.h - SMART goals of a sales project: a metric, a target, a baseline, an
 * optional scope (segment / channel / product / rep), a window (start and due
 * dates, both inclusive), an owner, a rationale and the company objective it
 * serves; every saved state is kept as a revision. Progress and the SMART
 * lint are computed by analytics/progress.h, never typed in (except check-ins
 * of custom goals).
 *
 * Values are integers in the metric's unit: money in minor units, counts as
 * counts, ratios in basis points (1/10000; shown as percent to one decimal).
 */
#ifndef CORE_GOAL_H
#define CORE_GOAL_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"
#include "core/entity.h"

enum metric {
	METRIC_REVENUE,
	METRIC_GROSS_MARGIN,
	METRIC_UNITS,
	METRIC_DEALS_WON,
	METRIC_NEW_CUSTOMERS,
	METRIC_RETENTION_RATE,
	METRIC_AVG_DEAL_SIZE,
	METRIC_CUSTOM,
	METRIC_COLLECTIONS,
	METRIC_NPS,
	METRIC__COUNT,
	METRIC_NONE = -1
};

enum unit { UNIT_MONEY, UNIT_COUNT, UNIT_RATIO };

/* How a metric's value comes about; analytics/metric.c computes each way once. */
enum metric_calc {
	CALC_AMOUNT,         /* the sum of sale amounts (quantity x unit price - discount) */
	CALC_QUANTITY,       /* the sum of quantities */
	CALC_MARGIN,         /* (amount - cost) / amount, cost from the price history */
	CALC_PER_LINE,       /* amount / sale lines */
	CALC_DEALS_WON,      /* deals won in the window (the won-deal rollup, core/deal.h) */
	CALC_DEAL_AVG,       /* won deals' amount / won deals in the window */
	CALC_FIRST_PURCHASE, /* customers whose first-ever purchase falls in the window */
	CALC_RETENTION,      /* of the cohort window's buyers, the share that bought again */
	CALC_CHECKIN,        /* the latest check-in on or before the day (typed in) */
	CALC_RECEIPTS,       /* money received against collections (core/collection.h) */
	CALC_NPS,            /* % promoters - % detractors of the feedback given in the window */
};

/* The scope keys a metric may be narrowed by (struct metric_def.scopes). */
enum {
	SCOPE_SEGMENT = 1 << 0,
	SCOPE_CHANNEL = 1 << 1,
	SCOPE_PRODUCT = 1 << 2,
	SCOPE_REP = 1 << 3,
	SCOPE_SALES = SCOPE_SEGMENT | SCOPE_CHANNEL | SCOPE_PRODUCT | SCOPE_REP,
};

/*
 * A goal metric, described once: its name on the wire and the command line,
 * its unit, whether it grows through the window (cumulative: judged by its
 * projection to the due date) or is a level (judged as it stands), how it is
 * computed, the scope keys that narrow it, and one line for help and the API.
 */
struct metric_def {
	const char *name;
	enum unit unit;
	int cumulative;
	enum metric_calc calc;
	unsigned scopes;
	const char *help;
};

/* Every metric, indexed by enum metric. */
extern const struct metric_def metric_defs[METRIC__COUNT];

/* The metric's description (NULL for METRIC_NONE or out of range). */
const struct metric_def *metric_def(enum metric m);

/* The scope keys, bit k of metric_def.scopes: "segment", "channel", "product", "rep". */
#define GOAL_SCOPE_KEYS 4
const char *goal_scope_key(int k);

/*
 * The table as {"metrics":[{"name","unit","cumulative","checkins","scopes":[...],
 * "help"}]} (GET /api/v1/goal-metrics, `goal metrics --json`).
 */
void metric_defs_write_json(struct jw *w);

/* "no value" for target / baseline / actual */
#define NO_VALUE INT64_MIN

/* A goal's scope: ids (NO_ID = not narrowed) and their codes for display. */
struct goal_scope {
	int64_t segment_id, channel_id, product_id, rep_id;
	char segment[64], channel[64], product[64], rep[64];
};

struct goal {
	int64_t id, project_id;
	char name[200];
	enum metric metric;
	int64_t target;   /* NO_VALUE when not set */
	int64_t baseline; /* NO_VALUE: computed from history */
	int32_t baseline_start_on, baseline_end_on; /* NO_DATE: the window before start */
	struct goal_scope scope;
	int32_t start_on, due_on; /* NO_DATE when not set */
	int64_t owner_id;          /* NO_ID when none */
	char owner[64];
	char rationale[1000];
	char objective[500];
	char checkin_rule[500];
	char custom_unit[64]; /* what a custom goal counts ("家", "partners"); "" for others */
	int64_t version, created_at, updated_at;
	char reason[300]; /* an input of a change: why (kept with its revision), never stored here */
};

struct goal_list {
	struct goal *items;
	size_t n, alloc;
};

/* The fields a goal input gives (struct goal_input.set); the others keep their value. */
enum {
	GOAL_IN_NAME = 1 << 0,
	GOAL_IN_METRIC = 1 << 1,
	GOAL_IN_TARGET = 1 << 2,
	GOAL_IN_BASELINE = 1 << 3,
	GOAL_IN_BASELINE_START = 1 << 4,
	GOAL_IN_BASELINE_END = 1 << 5,
	GOAL_IN_START = 1 << 6,
	GOAL_IN_DUE = 1 << 7,
	GOAL_IN_SCOPE = 1 << 8,
	GOAL_IN_OWNER = 1 << 9,
	GOAL_IN_RATIONALE = 1 << 10,
	GOAL_IN_OBJECTIVE = 1 << 11,
	GOAL_IN_CHECKIN_RULE = 1 << 12,
	GOAL_IN_CUSTOM_UNIT = 1 << 13,
};

/*
 * What a create, update or lint gives, typed: the faces parse text and JSON
 * into it, core checks it and resolves the codes of the scope and the
 * owner's login to ids. A given field that is none (NO_VALUE, NO_DATE, "")
 * clears it; the whole scope is replaced when GOAL_IN_SCOPE is given.
 */
struct goal_input {
	unsigned set; /* GOAL_IN_* */
	enum metric metric;
	int64_t target, baseline; /* in the metric's unit */
	int32_t baseline_start_on, baseline_end_on, start_on, due_on;
	struct goal_scope scope; /* by code (segment, channel, SKU, login); "" = not narrowed */
	char owner[64];          /* a login */
	const char *name, *rationale, *objective, *checkin_rule, *custom_unit;
	const char *reason; /* why this change (kept with the revision); NULL = none */
};

/* An input that gives nothing (metric METRIC_NONE, values none). */
void goal_input_init(struct goal_input *in);

/*
 * The unit a value of in is given in: in's metric if it names one, else cur
 * (the goal being changed, METRIC_NONE for a new one). ERR_INVALID on field
 * when there is no metric yet.
 */
int goal_input_unit(const struct goal_input *in, enum metric cur, const char *field,
		    enum unit *u, struct err *err);

/* Scope key k of "segment", "channel", "product", "rep" (goal_scope_key) in sc: its code. */
char *goal_scope_code(struct goal_scope *sc, int k);

struct goal_revision {
	int64_t id, goal_id, version, changed_by;
	char changed_by_login[64];
	int64_t changed_at;
	char reason[300];
	char *snapshot; /* JSON, owned */
};

struct goal_revision_list {
	struct goal_revision *items;
	size_t n, alloc;
};

struct goal_checkin {
	int64_t id, goal_id;
	int32_t on_date;
	int64_t value;
	char note[300];
	int64_t created_by, created_at;
	char created_by_login[64];
};

struct goal_checkin_list {
	struct goal_checkin *items;
	size_t n, alloc;
};

const char *metric_str(enum metric m);
int metric_parse(const char *s, enum metric *out, struct err *err);
enum unit metric_unit(enum metric m);
const char *unit_str(enum unit u);
/* Cumulative metrics grow through the window (revenue, units...); the others are levels. */
int metric_cumulative(enum metric m);

/* Parse a value in unit u ("85%" and "0.85" are both 8500 bp for ratios). */
int goal_value_parse(enum unit u, const char *s, int64_t *out, const char *field,
		     struct err *err);
/* Whether v is a value a target, baseline or check-in may hold in unit u. */
int goal_value_check(enum unit u, int64_t v, const char *field, struct err *err);
/* Format a value for people: "1,234.50", "35", "85.0%". */
void goal_value_format(enum unit u, int64_t v, char *out, size_t outlen);

/*
 * Apply in onto g (which holds the current or default state), checking each
 * value and resolving codes and logins. With strict set (create / update) the result must be saveable:
 * a known metric, a target, start and due dates; lint drafts pass strict = 0.
 */
int goal_resolve(struct store *st, const struct goal_input *in, struct goal *g, int strict,
		 struct err *err);

/*
 * The rules across a goal's fields (the baseline window, values in the
 * metric's unit, the scope the metric takes); with strict set, what a saved
 * goal needs (a metric, a target, start and due, due not before start).
 */
int goal_check(const struct goal *g, int strict, struct err *err);

/* A fresh goal for project_id with nothing set. */
void goal_init(struct goal *g, int64_t project_id);

/* Create a goal (project manager or owner); writes revision 1. */
int goal_create(struct store *st, const struct actor *a, const char *project_code,
		const struct goal_input *in, struct goal *out, struct err *err);

/* One goal of the project. */
int goal_get(struct store *st, const struct actor *a, const char *project_code, int64_t id,
	     struct goal *out, struct err *err);

/* The project's goals, by id. */
int goal_list(struct store *st, const struct actor *a, const char *project_code,
	      struct goal_list *out, struct err *err);
void goal_list_release(struct goal_list *l);

/* Change a goal at version; writes a revision with in->reason. */
int goal_update(struct store *st, const struct actor *a, const char *project_code, int64_t id,
		int64_t version, const struct goal_input *in, struct goal *out, struct err *err);

/* Delete a goal at version (its revisions and check-ins go with it). */
int goal_delete(struct store *st, const struct actor *a, const char *project_code, int64_t id,
		int64_t version, struct err *err);

/* A goal's revisions, oldest first. */
int goal_revisions(struct store *st, const struct actor *a, const char *project_code,
		   int64_t id, struct goal_revision_list *out, struct err *err);
void goal_revision_list_release(struct goal_revision_list *l);
/* {"revisions":[{"version","changed_by","changed_at","reason","goal":{...}}]} */
void goal_revisions_write_json(struct jw *w, const struct goal_revision_list *l);

/*
 * Record a check-in for a custom goal (its owner, or a project manager):
 * the value in the goal's unit as of on_date.
 */
int goal_checkin(struct store *st, const struct actor *a, const char *project_code, int64_t id,
		 int32_t on_date, int64_t value, const char *note, struct goal_checkin *out,
		 struct err *err);

/* A goal's check-ins, newest first (by date, then by when they were recorded). */
int goal_checkins(struct store *st, const struct actor *a, const char *project_code, int64_t id,
		  struct goal_checkin_list *out, struct err *err);
void goal_checkin_list_release(struct goal_checkin_list *l);
/* A recorded check-in as {"id","goal_id","date","value","note"}, the value in unit u. */
void goal_checkin_write_json(struct jw *w, const struct goal_checkin *ck, enum unit u);

/* The latest check-in value of a goal on or before day (NO_VALUE if none). */
int goal_checkin_value(struct store *st, int64_t goal_id, int32_t day, int64_t *value,
		       struct err *err);

/* key: a value in unit u (null for NO_VALUE; ratios as numbers in [0, 1]). */
void goal_value_json(struct jw *w, const char *key, enum unit u, int64_t v);

/*
 * The goal noun of the entity engine (core/entity.h): its fields, limits and
 * help, SQL, versions and audit; the SMART rules, revisions and check-ins are
 * its own hooks and functions. Its faces are hand-written (a goal's answers
 * carry its progress), so the engine writes no generic routes for it.
 */
extern const struct entity goal_entity;

/* The goal's definition as JSON (no computed progress). */
void goal_write_json(struct jw *w, const struct goal *g);

/* "scope":{"segment","channel","product","rep"}: codes, null where the scope names none. */
void goal_scope_write_json(struct jw *w, const struct goal_scope *sc);
/* The goal's definition fields, inside an object the caller opened. */
void goal_write_fields(struct jw *w, const struct goal *g);

#endif
