/*
 * review.h - peer reviews of a project's members (step 7 of the method,
 * evaluation; core/review.c): a member scores another member's teamwork
 * from 1 to 5 with an optional comment, one review per reviewer and
 * reviewee, while the project is active or closed. Managers (the project's
 * owner and managers, workspace admins and managers) read every review; a
 * member reads the reviews they wrote and, of those about them, only their
 * own aggregate; a viewer none. Also the text rule lessons share.
 */
#ifndef CORE_REVIEW_H
#define CORE_REVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"

/* A review's comment and a lesson's text: at most 2000 characters (UTF-8: 6000 bytes). */
#define REVIEW_TEXT_CHARS 2000
#define REVIEW_TEXT_BYTES 6000

/* Refuse text longer than REVIEW_TEXT_CHARS characters, naming field. */
int review_text_check(const char *text, const char *field, struct err *err);

extern const struct entity review_entity;

/* One member's aggregate: the reviews about them and their mean teamwork. */
struct review_summary {
	char login[64];
	char name[128];
	int64_t reviews;
	int64_t teamwork_sum;
};

/* What a reader of a project's reviews gets (review_read). */
struct review_board {
	void *reviews; /* the review records (review_entity's struct), n of them */
	size_t n;
	struct review_summary *summary;
	size_t nsummary;
};

/* A member's mean teamwork in tenths, rounded half up (35: 3.5); -1 without reviews. */
int64_t review_mean_tenths(const struct review_summary *m);

/*
 * The project's reviews as actor may read them (see above): a manager every
 * review and every member's aggregate, a member the reviews they wrote and
 * their own aggregate. A viewer: ERR_DENIED. On failure out holds nothing to
 * release.
 */
int review_read(struct store *st, const struct actor *a, const char *code,
		struct review_board *out, struct err *err);
void review_board_release(struct review_board *b);

/* {"reviews":[...],"summary":[{"login","name","reviews","teamwork"}]} */
void review_board_write_json(struct jw *w, const struct review_board *b);

#endif
