/*
 * strategy.c - a project's strategy (step 2 of the method): the plan lines
 * that tie the workspace's catalog to one project. Three project nouns of the
 * entity engine, under /api/v1/projects/{code}/...:
 *
 *   target_market      segments   a segment the project goes after, with the
 *                                 share of its revenue target it should bring
 *   channel_plan       channels   a channel it sells through, with its share
 *                                 of the target and the budget given to it
 *   project_promotion  promotions a promotion the project runs
 *
 * A segment, channel or promotion is named once in a project; the planned
 * shares of a project's segments (and of its channels) add up to 100% at
 * most; and when the project has a budget, its channels' budgets stay within
 * it. analytics/strategy.c sets the plan beside what the sales brought.
 * Tables in store/schema/014-strategy.sql; labels ent.<noun>.* in the UI's
 * catalogs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/money.h"
#include "core/catalog.h"
#include "core/entity.h"
#include "core/tx.h"
#include "base/banned.h"

struct target_market {
	int64_t id;
	int64_t segment_id;
	char segment[64];
	char segment_name[200];
	int64_t share_bp;
	char note[1000];
	int64_t version, created_at, updated_at;
};

struct channel_plan {
	int64_t id;
	int64_t channel_id;
	char channel[64];
	char channel_name[200];
	int64_t share_bp;
	int64_t budget_minor;
	char note[1000];
	int64_t version, created_at, updated_at;
};

struct project_promotion {
	int64_t id;
	int64_t promotion_id;
	char promotion[64];
	char promotion_name[200];
	char note[1000];
	int64_t version, created_at, updated_at;
};

/*
 * One number from a query of the rules, given its n parameters in order (the
 * project first).
 */
static int ask(struct tx *tx, const char *sql, int n, const int64_t *params, int64_t *out,
	       struct err *err)
{
	struct stmt *s = store_prepare(tx->st, sql, err);
	int rc;

	if (!s)
		return -1;
	for (int i = 0; i < n; i++)
		store_bind_int(tx->st, s, i + 1, params[i]);
	rc = store_step(tx->st, s, err);
	*out = rc == STORE_ROW ? store_col_int(tx->st, s, 0) : 0;
	store_done(tx->st, s);
	return rc < 0 ? -1 : 0;
}

/* A share as a user reads it ("40" or "12.5"), for messages. */
static const char *percent(int64_t bp, char *out, size_t size)
{
	if (bp % 100)
		snprintf(out, size, "%lld.%02lld", (long long)(bp / 100), (long long)(bp % 100));
	else
		snprintf(out, size, "%lld", (long long)(bp / 100));
	/* "12.50" -> "12.5" */
	if (strchr(out, '.') && out[strlen(out) - 1] == '0')
		out[strlen(out) - 1] = '\0';
	return out;
}

/*
 * The record names its key once in the project (taken_sql counts the others
 * that do), and the shares of the project's lines stay within 100%
 * (share_sql sums the others').
 */
static int plan_check(struct tx *tx, const struct ent_input *in, const char *field,
		      const char *code, int64_t key, int64_t self, int64_t share_bp,
		      const char *taken_sql, const char *share_sql, struct err *err)
{
	const int64_t taken[3] = { in->project->id, key, self }, shares[2] = { in->project->id, self };
	int64_t n, others;
	char a[32], b[32];

	if (ask(tx, taken_sql, 3, taken, &n, err))
		return -1;
	if (n)
		return err_set(err, ERR_CONFLICT, field, "already_planned:code,project",
			       "%s is already in the strategy of %s", code, in->project->code);
	if (!share_sql)
		return 0;
	if (ask(tx, share_sql, 2, shares, &others, err))
		return -1;
	if (others + share_bp > 10000)
		return err_set(err, ERR_INVALID, "share", "share_over:sum,left",
			       "the planned shares would add up to %s%%; %s%% is left to plan",
			       percent(others + share_bp, a, sizeof(a)),
			       percent(10000 - others, b, sizeof(b)));
	return 0;
}

/* --- target markets ----------------------------------------------------------- */

/* ?1 the project, ?2 the segment, ?3 the record itself (0 on create) */
static const char SQL_SEGMENT_TAKEN[] =
	"SELECT COUNT(*) FROM project_segments WHERE project_id = ?1 AND segment_id = ?2 "
	"AND id <> ?3";
/* ?1 the project, ?2 the record itself */
static const char SQL_SEGMENT_SHARES[] =
	"SELECT COALESCE(SUM(share_bp), 0) FROM project_segments WHERE project_id = ?1 "
	"AND id <> ?2";

static int target_market_check(struct tx *tx, const void *before, void *rec,
			       const struct ent_input *in, struct err *err)
{
	const struct target_market *cur = before;
	const struct target_market *t = rec;

	return plan_check(tx, in, "segment", t->segment, t->segment_id, cur ? cur->id : 0,
			  t->share_bp, SQL_SEGMENT_TAKEN, SQL_SEGMENT_SHARES, err);
}

#define F(field) offsetof(struct target_market, field), \
		 sizeof(((struct target_market *)0)->field)

static const struct ent_field target_market_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "segment", EK_REF, EF_REQUIRED | EF_SORT | EF_FILTER, "segment_id", F(segment_id),
	  .ref = &segment_entity, .key_off = offsetof(struct target_market, segment),
	  .key_size = sizeof(((struct target_market *)0)->segment),
	  .help = "the segment's code", .example = "smb" },
	{ "segment_name", EK_TEXT, EF_READONLY, "name", F(segment_name), .via = "segment" },
	{ "share", EK_RATIO, EF_SORT, "share_bp", F(share_bp), 0, 10000,
	  .help = "the share of the project's revenue target it should bring, in percent",
	  .example = "40" },
	{ "note", EK_NOTE, 0, "note", F(note), 0, 800,
	  .help = "why this market, and how the team goes after it",
	  .example = "renewals of the 2025 accounts first" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};
#undef F

ENTITY(target_market) = {
	.name = "target_market",
	.plural = "segments",
	.table = "project_segments",
	.summary = "a segment the project targets, with its planned share of the revenue target",
	.size = sizeof(struct target_market),
	.fields = target_market_fields,
	.scope = ENT_PROJECT,
	.read_prole = PROLE_VIEWER,
	.write_prole = PROLE_MANAGER,
	.order = "CASE WHEN r1.priority = 0 THEN 1 ELSE 0 END, r1.priority, r1.code",
	.hooks = { .check = target_market_check },
	.section = "strategy",
	.section_rank = 1,
};

/* --- channel plans -------------------------------------------------------------- */

/* ?1 the project, ?2 the channel, ?3 the record itself (0 on create) */
static const char SQL_CHANNEL_TAKEN[] =
	"SELECT COUNT(*) FROM project_channels WHERE project_id = ?1 AND channel_id = ?2 "
	"AND id <> ?3";
/* ?1 the project, ?2 the record itself */
static const char SQL_CHANNEL_SHARES[] =
	"SELECT COALESCE(SUM(share_bp), 0) FROM project_channels WHERE project_id = ?1 "
	"AND id <> ?2";
/* ?1 the project, ?2 the record itself */
static const char SQL_CHANNEL_BUDGETS[] =
	"SELECT COALESCE(SUM(budget_minor), 0) FROM project_channels "
	"WHERE project_id = ?1 AND id <> ?2";
/* ?1 the project */
static const char SQL_PROJECT_BUDGET[] = "SELECT budget_minor FROM projects WHERE id = ?1";

static int channel_plan_check(struct tx *tx, const void *before, void *rec,
			      const struct ent_input *in, struct err *err)
{
	const struct channel_plan *cur = before;
	const struct channel_plan *c = rec;
	int64_t self = cur ? cur->id : 0, others, budget;
	const int64_t params[2] = { in->project->id, self };
	char a[MONEY_FMT_MAX], b[MONEY_FMT_MAX], left[MONEY_FMT_MAX];

	if (plan_check(tx, in, "channel", c->channel, c->channel_id, self, c->share_bp,
		       SQL_CHANNEL_TAKEN, SQL_CHANNEL_SHARES, err))
		return -1;
	if (cur && c->budget_minor <= cur->budget_minor)
		return 0; /* a budget cut is always allowed */
	if (ask(tx, SQL_PROJECT_BUDGET, 1, params, &budget, err) ||
	    ask(tx, SQL_CHANNEL_BUDGETS, 2, params, &others, err))
		return -1;
	/* each within MONEY_TOTAL_MAX: the sum fits */
	if (budget > 0 && others + c->budget_minor > budget)
		return err_set(err, ERR_INVALID, "budget", "budget_over:sum,budget,left",
			       "the channels' budgets would add up to %s, more than the project's "
			       "budget of %s (%s is left)",
			       money_format_grouped(others + c->budget_minor, a),
			       money_format_grouped(budget, b),
			       money_format_grouped(budget > others ? budget - others : 0, left));
	return 0;
}

#define F(field) offsetof(struct channel_plan, field), sizeof(((struct channel_plan *)0)->field)

static const struct ent_field channel_plan_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "channel", EK_REF, EF_REQUIRED | EF_SORT | EF_FILTER, "channel_id", F(channel_id),
	  .ref = &channel_entity, .key_off = offsetof(struct channel_plan, channel),
	  .key_size = sizeof(((struct channel_plan *)0)->channel),
	  .help = "the channel's code", .example = "tmall" },
	{ "channel_name", EK_TEXT, EF_READONLY, "name", F(channel_name), .via = "channel" },
	{ "share", EK_RATIO, EF_SORT, "share_bp", F(share_bp), 0, 10000,
	  .help = "the share of the project's revenue target it should bring, in percent",
	  .example = "25" },
	{ "budget", EK_MONEY, EF_SORT, "budget_minor", F(budget_minor), 0, MONEY_TOTAL_MAX,
	  .help = "what the project may spend on it (its commission or fees), in major units",
	  .example = "120000" },
	{ "note", EK_NOTE, 0, "note", F(note), 0, 800,
	  .help = "what the channel is for in this project", .example = "new models launch here" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};
#undef F

ENTITY(channel_plan) = {
	.name = "channel_plan",
	.plural = "channels",
	.table = "project_channels",
	.summary = "a channel the project sells through, with its planned share and budget",
	.size = sizeof(struct channel_plan),
	.fields = channel_plan_fields,
	.scope = ENT_PROJECT,
	.read_prole = PROLE_VIEWER,
	.write_prole = PROLE_MANAGER,
	.order = "r1.code",
	.hooks = { .check = channel_plan_check },
	.section = "strategy",
	.section_rank = 2,
};

/* --- the project's promotions ---------------------------------------------------- */

/* ?1 the project, ?2 the promotion, ?3 the record itself (0 on create) */
static const char SQL_PROMOTION_TAKEN[] =
	"SELECT COUNT(*) FROM project_promotions WHERE project_id = ?1 AND promotion_id = ?2 "
	"AND id <> ?3";

static int project_promotion_check(struct tx *tx, const void *before, void *rec,
				   const struct ent_input *in, struct err *err)
{
	const struct project_promotion *cur = before;
	const struct project_promotion *p = rec;

	return plan_check(tx, in, "promotion", p->promotion, p->promotion_id, cur ? cur->id : 0, 0,
			  SQL_PROMOTION_TAKEN, NULL, err);
}

#define F(field) offsetof(struct project_promotion, field), \
		 sizeof(((struct project_promotion *)0)->field)

static const struct ent_field project_promotion_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "promotion", EK_REF, EF_REQUIRED | EF_SORT | EF_FILTER, "promotion_id", F(promotion_id),
	  .ref = &promotion_entity, .key_off = offsetof(struct project_promotion, promotion),
	  .key_size = sizeof(((struct project_promotion *)0)->promotion),
	  .help = "the promotion's code", .example = "P618" },
	{ "promotion_name", EK_TEXT, EF_READONLY, "name", F(promotion_name), .via = "promotion" },
	{ "note", EK_NOTE, 0, "note", F(note), 0, 800,
	  .help = "what the project expects of it", .example = "clear the W100 stock before July" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};
#undef F

ENTITY(project_promotion) = {
	.name = "project_promotion",
	.plural = "promotions",
	.table = "project_promotions",
	.summary = "a promotion the project runs",
	.size = sizeof(struct project_promotion),
	.fields = project_promotion_fields,
	.scope = ENT_PROJECT,
	.read_prole = PROLE_VIEWER,
	.write_prole = PROLE_MANAGER,
	.order = "r1.code",
	.hooks = { .check = project_promotion_check },
	.section = "strategy",
	.section_rank = 3,
};
