/*
 * risk.c - a project's risks (the plan around the method's steps): a
 * description, a category, a probability and an impact from 1 to 5, the
 * score (their product, read only), a mitigation, an owner on the project, a
 * status and the day of the next review. A project noun of the entity engine
 * (routes under /api/v1/projects/{code}/risks, the CLI's `risk`; table in
 * store/schema/021-risks-budget.sql; screen web/src/screens/risks.js), listed
 * highest score first; a risk is due for review once its review day has
 * passed and it is not closed. Managers write every risk, a member the ones
 * they own, a viewer reads. The matrix counts the open risks (open and
 * mitigating) per probability and impact.
 */
#include "core/risk.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "core/engagement.h"
#include "core/entity.h"
#include "core/project.h"
#include "core/comment.h"
#include "core/tx.h"
#include "core/user.h"
#include "base/banned.h"

struct risk {
	int64_t id;
	char description[1000];
	char category[16];
	int64_t probability, impact, score;
	char band[16];
	char mitigation[2000];
	int64_t owner_id;
	char owner[64];
	char owner_name[128];
	char status[16];
	int32_t review_on;
	int review_due;
	int64_t version, created_at, updated_at;
};

#define F(field) offsetof(struct risk, field), sizeof(((struct risk *)0)->field)

static const char *const risk_categories[] = { "market", "competition", "pricing", "channel",
					       "team",   "supply",      "finance", "other",
					       NULL };
static const char *const risk_statuses[] = { "open", "mitigating", "closed", "occurred", NULL };

static int risk_check(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
		      struct err *err);
static int risk_after(struct tx *tx, const void *before, const void *after,
		      const struct ent_input *in, struct err *err);
static int risk_fill(struct store *st, const struct actor *a, void *rec, struct err *err);

static const struct ent_field risk_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "description", EK_NOTE, EF_REQUIRED, "description", F(description), 1, 900,
	  .help = "what might happen and what it would do", .example = "竞品降价抢夺华东渠道" },
	{ "category", EK_ENUM, EF_REQUIRED | EF_FILTER | EF_SORT, "category", F(category),
	  .values = risk_categories,
	  .help = "market, competition, pricing, channel, team, supply, finance or other",
	  .example = "competition" },
	{ "probability", EK_COUNT, EF_REQUIRED | EF_FILTER | EF_SORT, "probability",
	  F(probability), 1, 5, .help = "how likely it is, 1 (rare) to 5 (almost certain)",
	  .example = "3" },
	{ "impact", EK_COUNT, EF_REQUIRED | EF_FILTER | EF_SORT, "impact", F(impact), 1, 5,
	  .help = "how much it would hurt, 1 (little) to 5 (severe)", .example = "4" },
	{ "score", EK_COUNT, EF_READONLY | EF_FILTER | EF_SORT, "score", F(score), 1, 25,
	  .help = "probability times impact (1-25): low 1-4, medium 5-9, high 10-16, "
		  "critical 20-25" },
	{ "mitigation", EK_NOTE, 0, "mitigation", F(mitigation), 0, 1900,
	  .help = "what is done to make it less likely or less harmful",
	  .example = "锁定核心经销商年度返利" },
	{ "owner", EK_REF, EF_FILTER | EF_SORT, "owner_id", F(owner_id), .ref = &user_entity,
	  .key_off = offsetof(struct risk, owner), .key_size = sizeof(((struct risk *)0)->owner),
	  .help = "the member who watches it (a login on the project; default: you)",
	  .example = "wang.fang" },
	{ "owner_name", EK_TEXT, EF_READONLY, "name", F(owner_name), .via = "owner" },
	{ "status", EK_ENUM, EF_FILTER | EF_SORT, "status", F(status), .values = risk_statuses,
	  .help = "open, mitigating, closed or occurred (default open)", .example = "mitigating" },
	{ "review_on", EK_DATE, EF_NULLABLE | EF_FILTER | EF_SORT, "review_on", F(review_on),
	  .help = "the day it is next reviewed", .example = "2027-03-01" },
	{ "review_due", EK_BOOL, EF_READONLY | EF_FILTER, NULL, F(review_due),
	  .help = "its review day has passed and it is not closed",
	  .filter_sql = "t.status <> 'closed' AND t.review_on IS NOT NULL AND "
			"t.review_on < ?TODAY" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

static void risk_write_extra(struct jw *w, const void *rec)
{
	const struct risk *r = rec;

	jw_kstr(w, "band", risk_band(r->score));
}

ENTITY(risk) = {
	.name = "risk",
	.plural = "risks",
	.table = "risks",
	.summary = "what might go wrong: a category, a probability and an impact (1-5) and "
		   "their score, a mitigation, an owner, a status and a review day",
	.size = sizeof(struct risk),
	.fields = risk_fields,
	.scope = ENT_PROJECT,
	.read_prole = PROLE_VIEWER,
	.write_prole = PROLE_MANAGER,
	.own_field = "owner",
	.order = "t.score DESC, t.id",
	.hooks = { .check = risk_check,
		   .after = risk_after,
		   .fill = risk_fill,
		   .write_extra = risk_write_extra },
	.extra_schema = "{\"band\":{\"type\":\"string\",\"enum\":[\"low\",\"medium\",\"high\","
			"\"critical\"]}}",
	/* its own screen at the route the nav gives it: web/src/screens/risks.js */
	.section = "plan",
	.section_rank = 2,
};

const char *risk_band(int64_t score)
{
	if (score >= 20)
		return "critical";
	if (score >= 10)
		return "high";
	if (score >= 5)
		return "medium";
	return "low";
}

/* ?1 the score, ?2 the risk */
static const char SQL_RISK_SCORE[] = "UPDATE risks SET score = ?1 WHERE id = ?2";

/*
 * The owner is on the project (default: the caller); a new risk is open
 * unless said otherwise; the score is the probability times the impact.
 */
static int risk_check(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
		      struct err *err)
{
	const struct risk *cur = before;
	struct risk *r = rec;
	char role[16];

	if (!cur && !entity_given(&risk_entity, in, "owner")) {
		r->owner_id = tx->actor->user_id;
		snprintf(r->owner, sizeof(r->owner), "%s", tx->actor->login);
	}
	if (!cur && !entity_given(&risk_entity, in, "status"))
		snprintf(r->status, sizeof(r->status), "open");
	if (!cur || r->owner_id != cur->owner_id) {
		if (engagement_member_role(tx, in->project->id, r->owner_id, role, sizeof(role),
					   err))
			return -1;
		if (!role[0])
			return err_set(err, ERR_INVALID, "owner", "not_member:login,project",
				       "%s is not a member of %s", r->owner, in->project->code);
	}
	r->score = r->probability * r->impact;
	return 0;
}

/* The score the server keeps (a read-only field the engine does not write). */
static int risk_after(struct tx *tx, const void *before, const void *after,
		      const struct ent_input *in, struct err *err)
{
	const struct risk *r = after;
	struct stmt *s;
	int rc;

	(void)in;
	if (!r)
		return comment_forget(tx, "risk", ((const struct risk *)before)->id, err);
	if (!(s = store_prepare(tx->st, SQL_RISK_SCORE, err)))
		return -1;
	store_bind_int(tx->st, s, 1, r->score);
	store_bind_int(tx->st, s, 2, r->id);
	rc = store_step(tx->st, s, err);
	store_done(tx->st, s);
	return rc < 0 ? -1 : 0;
}

/* Due for review: its review day has passed and it is not closed (as the filter says). */
static int risk_fill(struct store *st, const struct actor *a, void *rec, struct err *err)
{
	struct risk *r = rec;

	(void)st;
	(void)a;
	(void)err;
	r->score = r->probability * r->impact;
	r->review_due = strcmp(r->status, "closed") && r->review_on != NO_DATE &&
			r->review_on < date_today();
	return 0;
}

/* ?1 the project: the open risks per probability and impact */
static const char SQL_RISK_MATRIX[] =
	"SELECT probability, impact, COUNT(*) FROM risks WHERE project_id = ?1 "
	"AND status IN ('open', 'mitigating') GROUP BY probability, impact";

int risk_matrix(struct store *st, const struct actor *a, const char *code,
		struct risk_matrix *out, struct err *err)
{
	struct project p;
	struct stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	if (project_get(st, a, code, &p, err))
		return -1;
	snprintf(out->project, sizeof(out->project), "%s", p.code);
	if (!(s = store_prepare(st, SQL_RISK_MATRIX, err)))
		return -1;
	store_bind_int(st, s, 1, p.id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t pr = store_col_int(st, s, 0), im = store_col_int(st, s, 1);
		int64_t n = store_col_int(st, s, 2);
		if (pr >= 1 && pr <= 5 && im >= 1 && im <= 5) {
			out->count[pr - 1][im - 1] = n;
			out->total += n;
		}
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

void risk_matrix_write_json(struct jw *w, const struct risk_matrix *m)
{
	jw_obj(w);
	jw_kstr(w, "project", m->project);
	jw_kint(w, "open", m->total);
	jw_key(w, "cells");
	jw_arr(w);
	for (int p = 5; p >= 1; p--)
		for (int i = 1; i <= 5; i++) {
			jw_obj(w);
			jw_kint(w, "probability", p);
			jw_kint(w, "impact", i);
			jw_kint(w, "score", (int64_t)p * i);
			jw_kstr(w, "band", risk_band((int64_t)p * i));
			jw_kint(w, "count", m->count[p - 1][i - 1]);
			jw_obj_end(w);
		}
	jw_arr_end(w);
	jw_obj_end(w);
}
