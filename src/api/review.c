/*
 * review.c - the read of a project's peer reviews (core/review.h), beyond the
 * entity engine's generic writes (POST/PATCH/DELETE .../reviews):
 *   GET /api/v1/projects/{code}/reviews   {"reviews":[...], "summary":[...]}:
 *                                         a manager every review and every
 *                                         member's aggregate, a member the
 *                                         reviews they wrote and their own
 */
#include "api/api.h"
#include "core/review.h"
#include "base/banned.h"

static int list_reviews(struct api_req *r, struct err *err)
{
	struct review_board b;

	if (review_read(r->st, &r->actor, api_param(r, "code"), &b, err))
		return -1;
	review_board_write_json(&r->jw, &b);
	review_board_release(&b);
	return 0;
}

const struct api_route api_review_routes[] = {
	{ "GET", "/api/v1/projects/{code}/reviews", list_reviews, ROLE_VIEWER, 0 },
	{ NULL },
};
