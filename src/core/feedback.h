/*
 * feedback.h - customer feedback (core/feedback.c, the entity engine's noun
 * "feedback") and what it adds up to: NPS and the average rating of a
 * project, per member who served and per product (of the sale it names).
 *
 * NPS = % promoters (9-10) - % detractors (0-6) of the feedback with an NPS
 * score, computed from the counts and rounded once, half away from zero, to
 * the basis point (0.01 point: 20.00, 33.33, -14.29). The average rating is
 * the sum of ratings over their count, rounded the same way to 0.01.
 */
#ifndef CORE_FEEDBACK_H
#define CORE_FEEDBACK_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"

/* The categories of feedback, ended by NULL. */
extern const char *const feedback_categories[];

/* The counts of a group of feedback: all of a project, a member's, a product's. */
struct feedback_group {
	int64_t id;      /* the member's or product's id; NO_ID: none named */
	char key[64];    /* its login or SKU */
	char name[256];
	int64_t count;   /* feedback records */
	int64_t ratings, rating_sum; /* those with a rating, and the sum of them */
	int64_t responses;           /* those with an NPS score... */
	int64_t promoters, passives, detractors; /* ...by what the score says */
};

struct feedback_groups {
	struct feedback_group *items;
	size_t n;
};

struct feedback_summary {
	char project[64];  /* its code */
	int32_t from, to; /* the window (NO_DATE: open) */
	struct feedback_group total;
	struct feedback_groups members, products;
};

/*
 * The summary of project code's feedback given from..to (NO_DATE: open
 * ends), in one read snapshot; the caller must read the project (a
 * non-member gets ERR_NOT_FOUND). Release out with feedback_summary_release.
 */
int feedback_summary(struct store *st, const struct actor *a, const char *code, int32_t from,
		     int32_t to, struct feedback_summary *out, struct err *err);
void feedback_summary_release(struct feedback_summary *s);

/* NPS as basis points of a rate: (P - D) / N, 2000 = NPS 20.00; NO_VALUE without responses. */
int64_t feedback_nps_bp(int64_t promoters, int64_t detractors, int64_t responses);

/* The average rating in hundredths (sum * 100 / count, half away from zero); NO_VALUE for none. */
int64_t feedback_rating_hundredths(int64_t sum, int64_t count);

/* {"project","from","to","total":{...},"members":[...],"products":[...]}. */
void feedback_summary_write_json(struct jw *w, const struct feedback_summary *s);

/* v hundredths (not NO_VALUE) as text with two decimals: 2000 "20.00", -1667 "-16.67". */
char *feedback_hundredths_format(int64_t v, char *out, size_t size);

/* One group's members: count, ratings, rating_avg, responses, promoters, passives, detractors, nps. */
void feedback_group_write_json(struct jw *w, const struct feedback_group *g);

/*
 * The goal metric nps: the NPS (basis points, NO_VALUE without responses) of
 * the feedback given from..to in project_id (NO_ID: every project), narrowed
 * by the customer's segment, the sale's channel and product, and the member
 * who served (NO_ID: not narrowed). One indexed read of the feedback table.
 */
int feedback_nps(struct store *st, int64_t project_id, int32_t from, int32_t to,
		 int64_t segment_id, int64_t channel_id, int64_t product_id, int64_t user_id,
		 int64_t *value, struct err *err);

#endif
