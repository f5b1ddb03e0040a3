/*
 * review.c - peer reviews (core/review.h): a project noun of the entity
 * engine for its writes (POST/PATCH/DELETE under
 * /api/v1/projects/{code}/reviews, the CLI's `review add|update|delete`;
 * table project_reviews in store/schema/032-closing.sql) with its own read,
 * since who reads what is not the engine's rule: review_read serves
 * GET .../reviews and `review list`. Screen web/src/screens/reviews.js.
 */
#include "core/review.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "core/engagement.h"
#include "core/entity.h"
#include "core/project.h"
#include "core/tx.h"
#include "core/user.h"
#include "base/banned.h"

struct review {
	int64_t id;
	int64_t reviewer_id;
	char reviewer[64];
	char reviewer_name[128];
	int64_t reviewee_id;
	char reviewee[64];
	char reviewee_name[128];
	int64_t teamwork;
	char comment[REVIEW_TEXT_BYTES + 1];
	int64_t version, created_at, updated_at;
};

#define F(field) offsetof(struct review, field), sizeof(((struct review *)0)->field)

static int review_check(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
			struct err *err);
static int review_authorize(struct store *st, const struct actor *a, const void *before,
			    const struct ent_input *in, struct err *err);

static const struct ent_field review_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "reviewer", EK_REF, EF_READONLY | EF_FILTER, "reviewer_id", F(reviewer_id),
	  .ref = &user_entity, .key_off = offsetof(struct review, reviewer),
	  .key_size = sizeof(((struct review *)0)->reviewer), .help = "who wrote it (the writer)" },
	{ "reviewer_name", EK_TEXT, EF_READONLY, "name", F(reviewer_name), .via = "reviewer" },
	{ "reviewee", EK_REF, EF_REQUIRED | EF_CREATE | EF_FILTER, "reviewee_id", F(reviewee_id),
	  .ref = &user_entity, .key_off = offsetof(struct review, reviewee),
	  .key_size = sizeof(((struct review *)0)->reviewee),
	  .help = "the member reviewed (a login on the project, not you)", .example = "li.na" },
	{ "reviewee_name", EK_TEXT, EF_READONLY, "name", F(reviewee_name), .via = "reviewee" },
	{ "teamwork", EK_COUNT, EF_REQUIRED | EF_SORT, "teamwork", F(teamwork), 1, 5,
	  .help = "how well they worked with the team, 1 (poorly) to 5 (excellently)",
	  .example = "4" },
	{ "comment", EK_NOTE, 0, "comment", F(comment), 0, REVIEW_TEXT_BYTES,
	  .help = "what they did well or could do better, at most 2000 characters",
	  .example = "主动分享客户线索" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

ENTITY(review) = {
	.name = "review",
	.plural = "reviews",
	.table = "project_reviews",
	.summary = "a member's peer review of another member: teamwork from 1 to 5 and a comment",
	.size = sizeof(struct review),
	.fields = review_fields,
	.scope = ENT_PROJECT,
	.read_prole = PROLE_VIEWER, /* the reads are review_read's, which judges the reader */
	.write_prole = PROLE_MEMBER,
	.order = "t.id",
	.hooks = { .check = review_check, .authorize = review_authorize },
	.omit = ENT_NO_LIST | ENT_NO_GET,
	.unfrozen = 1,
	/* its own screen: web/src/screens/reviews.js */
};

int review_text_check(const char *text, const char *field, struct err *err)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		n += (*p & 0xC0) != 0x80;
	if (n > REVIEW_TEXT_CHARS)
		return err_set(err, ERR_INVALID, field, "too_long:_,len,max",
			       "%s is too long (%zu characters, at most %d)", field, n,
			       REVIEW_TEXT_CHARS);
	return 0;
}

/*
 * A member (not a viewer) writes reviews, and changes or deletes only their
 * own: no one, a manager neither, rewrites another's review.
 */
static int review_authorize(struct store *st, const struct actor *a, const void *before,
			    const struct ent_input *in, struct err *err)
{
	const struct review *cur = before;
	const struct ent_project *p = in->project;

	if (require_project(st, a, p->id, p->code, PROLE_MEMBER, "writing reviews", err))
		return -1;
	if (cur && cur->reviewer_id != a->user_id)
		return err_set(err, ERR_DENIED, "reviewer", "own_records_only:_,owner",
			       "you may change only your own %s%s", "reviews", "");
	return 0;
}

static const char SQL_REVIEW_EXISTS[] =
	"SELECT id FROM project_reviews WHERE project_id = ?1 AND reviewer_id = ?2 "
	"AND reviewee_id = ?3";

/*
 * The reviewer is the writer, on the project; the reviewee another member
 * (not a viewer), reviewed once by each; the project has started (active or
 * closed).
 */
static int review_check(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
			struct err *err)
{
	struct review *r = rec;
	struct project p;
	char role[16];
	struct stmt *s;
	int rc;

	if (project_load(tx->st, in->project->code, &p, err))
		return -1;
	if (!strcmp(p.status, "draft"))
		return err_set(err, ERR_CONFLICT, "project", "project_not_started:code",
			       "project %s is a draft: reviews are written once it runs", p.code);
	if (before)
		return review_text_check(r->comment, "comment", err);
	r->reviewer_id = tx->actor->user_id;
	snprintf(r->reviewer, sizeof(r->reviewer), "%s", tx->actor->login);
	if (engagement_member_role(tx, p.id, r->reviewer_id, role, sizeof(role), err))
		return -1;
	if (!role[0] || !strcmp(role, "viewer"))
		return err_set(err, ERR_DENIED, "reviewer", "not_member:login,project",
			       "%s is not a member of %s", r->reviewer, p.code);
	if (r->reviewee_id == r->reviewer_id)
		return err_set(err, ERR_INVALID, "reviewee", "review_self",
			       "a review is of another member, not of yourself");
	if (engagement_member_role(tx, p.id, r->reviewee_id, role, sizeof(role), err))
		return -1;
	if (!role[0] || !strcmp(role, "viewer"))
		return err_set(err, ERR_INVALID, "reviewee", "not_member:login,project",
			       "%s is not a member of %s", r->reviewee, p.code);
	if (!(s = store_prepare(tx->st, SQL_REVIEW_EXISTS, err)))
		return -1;
	store_bind_int(tx->st, s, 1, p.id);
	store_bind_int(tx->st, s, 2, r->reviewer_id);
	store_bind_int(tx->st, s, 3, r->reviewee_id);
	rc = store_step(tx->st, s, err);
	store_done(tx->st, s);
	if (rc < 0)
		return -1;
	if (rc == STORE_ROW)
		return err_set(err, ERR_CONFLICT, "reviewee", "review_exists:login",
			       "you have reviewed %s already: change that review", r->reviewee);
	return review_text_check(r->comment, "comment", err);
}

/* --- reading ------------------------------------------------------------------------ */

/* ?1 the project, ?2 the one member (NULL: every member): the reviews about each member */
static const char SQL_REVIEW_SUMMARY[] =
	"SELECT u.login, u.name, COUNT(r.id), COALESCE(SUM(r.teamwork), 0) FROM members m "
	"JOIN users u ON u.id = m.user_id LEFT JOIN project_reviews r ON "
	"r.project_id = m.project_id AND r.reviewee_id = m.user_id WHERE m.project_id = ?1 "
	"AND m.role <> 'viewer' AND (CAST(?2 AS BIGINT) IS NULL OR m.user_id = ?2) "
	"GROUP BY u.id, u.login, u.name ORDER BY u.login";

int review_read(struct store *st, const struct actor *a, const char *code,
		struct review_board *out, struct err *err)
{
	struct project p;
	struct ent_project ep;
	struct ent_query q = { 0 };
	struct ent_rows rows = { 0 };
	struct stmt *s;
	enum prole r;
	int all, rc = -1;
	size_t alloc = 0;

	memset(out, 0, sizeof(*out));
	if (project_get(st, a, code, &p, err))
		return -1;
	r = project_access(st, a, p.id, err);
	all = r >= PROLE_MANAGER || a->role >= ROLE_MANAGER;
	if (!all && r < PROLE_MEMBER)
		return require_project(st, a, p.id, code, PROLE_MEMBER, "reading reviews", err);
	ep.id = p.id;
	ep.code = p.code;
	if (!all) {
		q.nfilters = 1;
		q.filter_name[0] = "reviewer";
		q.filter_value[0] = a->login;
	}
	if (entity_list(st, a, &review_entity, &ep, &q, &rows, err))
		goto out;
	out->reviews = rows.items;
	out->n = rows.n;
	if (!(s = store_prepare(st, SQL_REVIEW_SUMMARY, err)))
		goto out;
	store_bind_int(st, s, 1, p.id);
	store_bind_int_or_null(st, s, 2, all ? NO_ID : a->user_id, NO_ID);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct review_summary *m;
		ALLOC_GROW(out->summary, out->nsummary + 1, alloc);
		m = &out->summary[out->nsummary++];
		snprintf(m->login, sizeof(m->login), "%s", store_col_text(st, s, 0));
		snprintf(m->name, sizeof(m->name), "%s", store_col_text(st, s, 1));
		m->reviews = store_col_int(st, s, 2);
		m->teamwork_sum = store_col_int(st, s, 3);
	}
	store_done(st, s);
out:
	/* a failure hands nothing back: the caller releases only what succeeded */
	if (rc < 0)
		review_board_release(out);
	return rc < 0 ? -1 : 0;
}

void review_board_release(struct review_board *b)
{
	free(b->reviews);
	free(b->summary);
	memset(b, 0, sizeof(*b));
}

int64_t review_mean_tenths(const struct review_summary *m)
{
	if (!m->reviews)
		return -1;
	return (m->teamwork_sum * 20 + m->reviews) / (2 * m->reviews);
}

void review_board_write_json(struct jw *w, const struct review_board *b)
{
	jw_obj(w);
	jw_key(w, "reviews");
	jw_arr(w);
	for (size_t i = 0; i < b->n; i++)
		entity_write_json(w, &review_entity, (const struct review *)b->reviews + i);
	jw_arr_end(w);
	jw_key(w, "summary");
	jw_arr(w);
	for (size_t i = 0; i < b->nsummary; i++) {
		const struct review_summary *m = &b->summary[i];
		jw_obj(w);
		jw_kstr(w, "login", m->login);
		jw_kstr(w, "name", m->name);
		jw_kint(w, "reviews", m->reviews);
		jw_key(w, "teamwork");
		if (m->reviews)
			jw_num(w, (double)review_mean_tenths(m) / 10.0, 1);
		else
			jw_null(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}
