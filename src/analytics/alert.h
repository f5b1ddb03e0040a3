/*
 * alert.h - a project's alerts (analytics/alert.c; tables in store/schema/
 * 026-alerts.sql): what needs a manager's eye now, computed from the data as
 * it is (goal status and probability, stalled deals, overdue tasks, problems
 * past SLA, promotions over budget, overdue collections, budget lines
 * overspent), with the project's thresholds; and raised once per cause: a new
 * one is kept with its recipients, told to their inbox and written to the
 * audit log (the webhook event alert.raised) in one transaction; one whose
 * cause is gone is marked resolved.
 */
#ifndef ANALYTICS_ALERT_H
#define ANALYTICS_ALERT_H

#include <stdint.h>

#include "base/err.h"
#include "base/jw.h"
#include "core/core.h"
#include "store/store.h"

enum alert_kind {
	AK_GOAL_STATUS,
	AK_GOAL_PROBABILITY,
	AK_DEAL_STALLED,
	AK_TASK_OVERDUE,
	AK_PROBLEM_SLA,
	AK_PROMOTION_BUDGET,
	AK_COLLECTION_OVERDUE,
	AK_BUDGET_OVERSPENT,
	AK__COUNT
};
extern const char *const alert_kinds[AK__COUNT + 1];

#define ALERT_PROBABILITY_DEFAULT 5000 /* basis points */
#define ALERT_COLLECTION_DAYS_MAX 365

/* A project's thresholds (the defaults until a manager changes them). */
struct alert_settings {
	int64_t probability_bp;  /* a goal whose probability is below this alerts */
	int64_t collection_days; /* days a collection may be overdue before it alerts */
	int on[AK__COUNT];       /* each kind on (1) or off (0) */
	int64_t version;         /* 0 until first changed */
};

/* A change of settings: what is set (ALERT_SET_* bits, on[k] where set_kind[k]). */
struct alert_settings_input {
	int set_probability, set_collection_days;
	int set_kind[AK__COUNT];
	struct alert_settings v;
};

/* The settings of project code (its managers and owners). */
int alert_settings_get(struct store *st, const struct actor *a, const char *code,
		       struct alert_settings *out, struct err *err);

/*
 * Change them at version (ERR_CONFLICT when another change came first; ERR_INVALID
 * naming the field for a probability outside [0, 1] or days outside 0-365),
 * audited; managers and owners only.
 */
int alert_settings_patch(struct store *st, const struct actor *a, const char *code,
			 const struct alert_settings_input *in, int64_t version,
			 struct alert_settings *out, struct err *err);

void alert_settings_write_json(struct jw *w, const struct alert_settings *s);

/*
 * Evaluate project code and keep what changed: raise the new alerts (each
 * once: unique among the open ones, whichever process comes first), resolve
 * the ones whose cause is gone. *raised and *resolved are added to.
 */
int alert_sweep_project(struct store *st, const char *code, int *raised, int *resolved,
			struct err *err);

/* alert_sweep_project for every project not closed. */
int alert_sweep_all(struct store *st, int *raised, int *resolved, struct err *err);

enum alert_state { ALERT_OPEN, ALERT_RESOLVED };

/* One alert as a list reads it (strings valid during the callback only). */
struct alert_item {
	int64_t id;
	const char *kind, *severity, *on_kind;
	int64_t on_id;
	const char *title;
	const char *params;     /* JSON object text: the figures */
	const char *recipients; /* logins joined by commas */
	int64_t raised_at, resolved_at; /* resolved_at NO_ID while open */
};

typedef void alert_each_fn(void *ctx, const struct alert_item *it);

/*
 * The alerts of project code as a (any reader of it) sees them, swept first,
 * each handed to each(ctx, item): the open ones (their figures as they are
 * now) critical first, or the resolved ones newest first (their figures as
 * raised); at most 500.
 */
int alert_list(struct store *st, const struct actor *a, const char *code,
	       enum alert_state state, alert_each_fn *each, void *ctx, struct err *err);

/*
 * The alerts of project code as a (any reader of it) sees them, swept first:
 * {"project","state","alerts":[{"id","kind","severity","on_kind","on_id","title",
 * "params":{...},"raised_at","resolved_at","recipients":[logins]}],
 * "counts":{"critical","warning"}}, open ones critical first.
 */
int alert_list_write_json(struct store *st, const struct actor *a, const char *code,
			  enum alert_state state, struct jw *w, struct err *err);

#endif
