/*
 * quota.h - quotas (step 3 of the method, building the team): a goal's target
 * split among the project's members, one line per person, the lines summing
 * exactly to the goal's target. Quotas are offered for the goals whose metric
 * adds up over people: the cumulative metrics computed from the sales
 * (revenue, units, deals_won, new_customers), on a goal not already narrowed
 * to one rep. A rate or a level (gross margin, retention, average deal size)
 * does not add up over people, and a custom goal's check-ins are not per
 * person: those goals take no quotas.
 *
 * A goal's split is saved whole (every line at once) with one version per
 * goal; a project manager or owner saves it; every project member reads it.
 * Actuals, shares, progress and the suggested split are analytics/quota.h's.
 */
#ifndef CORE_QUOTA_H
#define CORE_QUOTA_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"
#include "core/goal.h"

/* Why a goal takes no quotas. */
enum quota_refusal {
	QUOTA_OFFERED = 0,
	QUOTA_NOT_ADDITIVE, /* its metric does not add up over people */
	QUOTA_ONE_REP,      /* the goal is narrowed to one rep already */
};

/* Whether g takes quotas, and if not, why. */
enum quota_refusal quota_offered(const struct goal *g);
/* "metric", "rep_scope" (NULL for QUOTA_OFFERED). */
const char *quota_refusal_str(enum quota_refusal r);

struct quota_line {
	int64_t user_id;
	char login[64];
	char name[128];
	int64_t target; /* in the goal metric's unit */
};

/* A goal's split: its version (0: never saved) and lines by login. */
struct quota_split {
	int64_t goal_id;
	int64_t version;
	int64_t updated_at;
	struct quota_line *lines;
	size_t n;
};

/* A line of a split to save: a member's login and their target. */
struct quota_input {
	const char *login;
	int64_t target;
};

/* At most this many lines in a split. */
#define QUOTA_MAX_LINES 500

/* The stored split of goal_id (no permission checked: the caller read the goal). */
int quota_split_load(struct store *st, int64_t goal_id, struct quota_split *out,
		     struct err *err);
void quota_split_release(struct quota_split *s);

/*
 * Save goal id's whole split (project manager or owner) at version (the
 * split's current version, 0 for a goal never split; QUOTA_ANY_VERSION: as it
 * is). Refused, changing nothing: a goal that takes no quotas
 * (quota_not_offered), a person not on the project (not_member) or a viewer
 * (quota_viewer), a person twice (quota_twice), a negative target
 * (quota_negative), and lines that do not sum to the goal's target
 * (quota_sum with the sum, the target and what is left to allocate;
 * quota_sum_over with what is over). No
 * lines clears the split. Versioned and audited ("quota", the goal's id).
 */
#define QUOTA_ANY_VERSION INT64_MIN
int quota_split_save(struct store *st, const struct actor *a, const char *code, int64_t id,
		     int64_t version, const struct quota_input *in, size_t n,
		     struct quota_split *out, struct err *err);

/*
 * quota_split_save()'s checks and write of goal g's split inside the caller's
 * transaction tx, begun on project p by someone allowed to set quotas (an
 * adjustment of the split rides in it). out is the split saved.
 */
struct tx;
struct project;
int quota_split_write(struct tx *tx, const struct project *p, const struct goal *g,
		      int64_t version, const struct quota_input *in, size_t n,
		      struct quota_split *out, struct err *err);

#endif
