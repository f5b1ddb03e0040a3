/*
 * quota.h - quotas as the team reads them (core/quota.h stores them): each
 * member's target, share of the goal, actual so far and progress; and the
 * suggested split of a goal's target.
 *
 * A member's actual is the goal's metric over the goal's window (up to the
 * as-of day) and scope, restricted to the sales they made as the rep; their
 * share is target / goal target and their progress actual / target (ratios
 * rounded by the one rule of base/money.h, ratio_bp).
 *
 * The suggestion: the goal's target split over the project's reps (its
 * members with the role member) in proportion to a weight,
 *   weight = basis x capacity,
 * where basis is the rep's own value of the goal's metric in the window of
 * the same length just before the goal's window (workspace-wide, the goal's
 * scope, their sales as rep), and a rep with nothing there (a new hire) takes
 * the average basis of the reps who have some; when none has any, every
 * basis is 1 (the split follows capacity alone). Targets are
 * target x weight / total weight, rounded down to the metric's step (money:
 * whole currency units when the target is, else the minor unit; counts: 1)
 * and the steps left over go one each to the largest remainders (ties: by
 * login), so the lines sum exactly to the target.
 */
#ifndef ANALYTICS_QUOTA_H
#define ANALYTICS_QUOTA_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/goal.h"
#include "core/project.h"
#include "core/quota.h"

/* A member's line with its figures. */
struct quota_member {
	struct quota_line line;
	int64_t share_bp;    /* target / goal target; NO_VALUE when the goal's target is 0 */
	int64_t actual;      /* in the metric's unit */
	int64_t progress_bp; /* actual / target; NO_VALUE when the target is 0 */
};

/* A goal's quotas with their figures. */
struct quota_goal {
	int64_t goal_id;
	enum quota_refusal offered;
	int64_t version; /* the split's; 0: never saved */
	int64_t sum;     /* of the targets */
	struct quota_member *members;
	size_t n;
};

/* Load goal g's quotas and each member's actual as of the day as_of (inside the caller's read). */
int quota_goal_load(struct store *st, const struct goal *g, int32_t as_of,
		    struct quota_goal *out, struct err *err);
void quota_goal_release(struct quota_goal *q);

/* The quotas of each of goals' n goals (one quota_goal each, in *out) as of as_of. */
int quota_goals_load(struct store *st, const struct goal_list *goals, int32_t as_of,
		     struct quota_goal **out, struct err *err);
/* Release what quota_goals_load made for n goals (q may be NULL). */
void quota_goals_release(struct quota_goal *q, size_t n);

/*
 * "quotas":{"offered","why","version","sum","balanced","lines":[{"person","name","target",
 * "share","actual","progress"}]} as members of an object the caller opened (g's unit).
 */
void quota_goal_write_members(struct jw *w, const struct goal *g, const struct quota_goal *q);

/* A project's goals (all, or the one goal_id) with their quotas, as of a day. */
struct quota_board {
	struct project project;
	int32_t as_of;
	struct goal_list goals;
	struct quota_goal *quotas; /* one per goal */
};

int quota_board_load(struct store *st, const struct actor *a, const char *code, int64_t goal_id,
		     int32_t as_of, struct quota_board *out, struct err *err);
void quota_board_release(struct quota_board *b);
/* {"project","as_of","goals":[{"goal","name","metric","unit","target","start","due",...quotas}]} */
void quota_board_write_json(struct jw *w, const struct quota_board *b);

/* A rep's line of the suggestion, with its inputs. */
struct quota_suggestion_line {
	int64_t user_id;
	char login[64];
	char name[128];
	int64_t capacity_bp;
	int64_t past;     /* their value in the basis window (0 when none) */
	int history;      /* past > 0 */
	int64_t basis_num, basis_den; /* the basis as a fraction: past, or the average */
	int64_t target;
};

struct quota_suggestion {
	struct goal goal;
	int32_t basis_from, basis_to; /* the window before the goal's */
	int64_t step;                 /* what targets are rounded to */
	int64_t with_history;
	struct quota_suggestion_line *lines; /* by login */
	size_t n;
};

/* The suggested split of goal id (any project member may ask; managers save it). */
int quota_suggest(struct store *st, const struct actor *a, const char *code, int64_t id,
		  struct quota_suggestion *out, struct err *err);
void quota_suggestion_release(struct quota_suggestion *s);
/*
 * {"project","goal","name","metric","unit","target","window":{"from","to"},"basis_window":
 * {"from","to"},"step","with_history","lines":[{"person","name","capacity","past","history",
 * "basis","weight","target","share"}]}
 */
void quota_suggestion_write_json(struct jw *w, const char *project,
				 const struct quota_suggestion *s);

#endif
