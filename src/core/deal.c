/*
 * deal.c - the pipeline (core/deal.h): deals as a project noun of the entity
 * engine, their lines, the project's stages, the stage move with its history,
 * and the sales and won-deal rollup a win writes and a reopen takes back, all
 * in the move's transaction. Tables in store/schema/017-deals.sql; labels
 * ent.deal.* in the UI's catalogs, whose board screen is screens/deals.js.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/jw.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "core/catalog.h"
#include "core/deal.h"
#include "core/project.h"
#include "core/sale.h"
#include "core/comment.h"
#include "core/notify.h"
#include "core/tx.h"
#include "core/user.h"
#include "base/banned.h"

/* --- the customer a deal names, by its name -------------------------------------- */

struct customer_name {
	int64_t id;
	char name[200];
};

#define F(field) offsetof(struct customer_name, field), sizeof(((struct customer_name *)0)->field)

static const struct ent_field customer_name_fields[] = {
	{ "id", EK_ID, EF_READONLY, "id", F(id) },
	{ "name", EK_TEXT, EF_KEY | EF_REQUIRED, "name", F(name) },
	{ NULL },
};

#undef F

/* Customers as a reference names them (deals name a customer by its name). */
static const struct entity customer_name_entity = {
	.name = "customer",
	.plural = "customers",
	.table = "customers",
	.summary = "a customer, as a deal names it",
	.size = sizeof(struct customer_name),
	.fields = customer_name_fields,
	.scope = ENT_WORKSPACE,
	.read_role = ROLE_VIEWER,
	.write_role = ROLE_MANAGER,
	.order = "t.name",
	.own_faces = 1,
};

/* --- the deal noun ------------------------------------------------------------------ */

struct deal {
	int64_t id;
	char title[256];
	int64_t customer_id;
	char customer[200];
	int64_t owner_id;
	char owner[64];
	char owner_name[128];
	int64_t channel_id;
	char channel[64];
	int64_t segment_id;
	char segment[64];
	char stage[32];
	int64_t probability_bp, amount_minor;
	int32_t expected_close_on, won_on, lost_on;
	char lost_reason[400];
	char note[4000];
	int64_t stage_changed_at;
	int64_t lines;
	int64_t version, created_at, updated_at;
};

static int deal_check(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
		      struct err *err);
static int deal_after(struct tx *tx, const void *before, const void *after,
		      const struct ent_input *in, struct err *err);
static int deal_fill(struct store *st, const struct actor *a, void *rec, struct err *err);
static void deal_extra(struct jw *w, const void *rec);
static int deal_detail(struct store *st, struct jw *w, const void *rec, struct err *err);

static const struct ent_blocker deal_blockers[] = {
	{ "SELECT COUNT(*) FROM sales WHERE deal_id = ?", "sale", "sales" },
	{ NULL, NULL, NULL },
};

#define F(field) offsetof(struct deal, field), sizeof(((struct deal *)0)->field)

static const struct ent_field deal_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "title", EK_TEXT, EF_REQUIRED | EF_SORT | EF_FILTER, "title", F(title), 0, 200,
	  .help = "what is being sold to whom, in a few words", .example = "华东医院 2027 年耗材框架" },
	{ "customer", EK_REF, EF_REQUIRED | EF_SORT | EF_FILTER, "customer_id", F(customer_id),
	  .ref = &customer_name_entity, .key_off = offsetof(struct deal, customer),
	  .key_size = sizeof(((struct deal *)0)->customer),
	  .help = "the customer's name (an existing customer)", .example = "华东医院" },
	{ "owner", EK_REF, EF_SORT | EF_FILTER, "owner_id", F(owner_id), .ref = &user_entity,
	  .key_off = offsetof(struct deal, owner), .key_size = sizeof(((struct deal *)0)->owner),
	  .help = "who owns it: a login on the project (default: you)", .example = "wang.fang" },
	{ "owner_name", EK_TEXT, EF_READONLY, "name", F(owner_name), .via = "owner" },
	{ "channel", EK_REF, EF_NULLABLE | EF_SORT | EF_FILTER, "channel_id", F(channel_id),
	  .ref = &channel_entity, .key_off = offsetof(struct deal, channel),
	  .key_size = sizeof(((struct deal *)0)->channel),
	  .help = "the channel it is sold through (needed to win it)", .example = "direct" },
	{ "segment", EK_REF, EF_NULLABLE | EF_SORT | EF_FILTER, "segment_id", F(segment_id),
	  .ref = &segment_entity, .key_off = offsetof(struct deal, segment),
	  .key_size = sizeof(((struct deal *)0)->segment),
	  .help = "the segment (none: the customer's)", .example = "enterprise" },
	{ "stage", EK_TEXT, EF_CREATE | EF_SORT | EF_FILTER, "stage", F(stage), 0, 31,
	  .help = "an open stage of the project's pipeline (default the first); later changed "
		  "only by the stage move (deal move)",
	  .example = "qualified" },
	{ "probability", EK_RATIO, EF_SORT, "probability_bp", F(probability_bp), 0, 10000,
	  .help = "the chance it is won (default: its stage's)", .example = "40" },
	{ "amount", EK_MONEY, EF_SORT | EF_FILTER, "amount_minor", F(amount_minor), 0,
	  MONEY_LINE_MAX,
	  .help = "its value: the sum of its lines, or typed while it has none",
	  .example = "120000.00" },
	{ "expected_close", EK_DATE, EF_NULLABLE | EF_SORT | EF_FILTER, "expected_close_on",
	  F(expected_close_on), .help = "when it is expected to close", .example = "2027-03-31" },
	{ "won_on", EK_DATE, EF_READONLY | EF_NULLABLE | EF_SORT | EF_FILTER, "won_on", F(won_on),
	  .help = "the day it was won (set by the move to the won stage)" },
	{ "lost_on", EK_DATE, EF_READONLY | EF_NULLABLE | EF_SORT | EF_FILTER, "lost_on",
	  F(lost_on), .help = "the day it was lost (set by the move to the lost stage)" },
	{ "lost_reason", EK_TEXT, 0, "lost_reason", F(lost_reason), 0, 300,
	  .help = "why it was lost (required when lost; given with the move)" },
	{ "note", EK_NOTE, 0, "note", F(note), 0, 3000, .help = "notes",
	  .example = "决策人: 采购部刘主任" },
	{ "stage_since", EK_INSTANT, EF_READONLY | EF_SORT, "stage_changed_at",
	  F(stage_changed_at), .help = "when it entered its stage" },
	{ "line_count", EK_COUNT, EF_READONLY, NULL, F(lines),
	  .help = "how many product lines it has (shown alone, the deal lists them as lines)" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY | EF_SORT, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

#undef F

ENTITY(deal) = {
	.name = "deal",
	.plural = "deals",
	.table = "deals",
	.summary = "a deal in the project's pipeline: customer, owner, channel, products, "
		   "amount, stage and probability, expected close; members write their own",
	.size = sizeof(struct deal),
	.fields = deal_fields,
	.scope = ENT_PROJECT,
	.read_prole = PROLE_VIEWER,
	.write_prole = PROLE_MANAGER,
	.own_field = "owner",
	.blockers = deal_blockers,
	.order = "t.id DESC",
	.hooks = { .check = deal_check, .after = deal_after, .fill = deal_fill,
		   .write_extra = deal_extra, .write_detail = deal_detail },
	.extra_schema = "{\"weighted\":{\"type\":\"integer\",\"description\":\"amount x "
			"probability, in minor units (half up)\"}}",
	.detail_schema = "{\"lines\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}",
};

/* Run sql with integer parameters (n of them); no row expected. */
static int exec_ints(struct store *st, const char *sql, const int64_t *v, int n, struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int rc;

	if (!s)
		return -1;
	for (int i = 0; i < n; i++)
		store_bind_int(st, s, i + 1, v[i]);
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* --- stages --------------------------------------------------------------------------- */

static const struct deal_stage standard_stages[] = {
	{ "lead", "", 1000, "open" },	       { "qualified", "", 2500, "open" },
	{ "proposal", "", 5000, "open" },      { "negotiation", "", 7500, "open" },
	{ "won", "", 10000, "won" },	       { "lost", "", 0, "lost" },
};

#define STALE_DAYS_DEFAULT 30

static const char SQL_STAGES[] =
	"SELECT code, name, probability_bp, kind FROM deal_stages WHERE project_id = ? "
	"ORDER BY position";
static const char SQL_PIPELINE[] =
	"SELECT stale_days, version FROM deal_pipelines WHERE project_id = ?";

static int load_pipeline(struct store *st, int64_t project_id, struct deal_pipeline *out,
			 struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_STAGES, err);
	int rc;

	memset(out, 0, sizeof(*out));
	out->stale_days = STALE_DAYS_DEFAULT;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, project_id);
	while ((rc = store_step(st, s, err)) == STORE_ROW && out->n < DEAL_MAX_STAGES) {
		struct deal_stage *g = &out->stages[out->n++];
		snprintf(g->code, sizeof(g->code), "%s", store_col_text(st, s, 0));
		snprintf(g->name, sizeof(g->name), "%s", store_col_text(st, s, 1));
		g->probability_bp = store_col_int(st, s, 2);
		snprintf(g->kind, sizeof(g->kind), "%s", store_col_text(st, s, 3));
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	out->custom = out->n > 0;
	if (!out->n) {
		out->n = (int)(sizeof(standard_stages) / sizeof(standard_stages[0]));
		memcpy(out->stages, standard_stages, sizeof(standard_stages));
	}
	if (!(s = store_prepare(st, SQL_PIPELINE, err)))
		return -1;
	store_bind_int(st, s, 1, project_id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		out->stale_days = store_col_int(st, s, 0);
		out->version = store_col_int(st, s, 1);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static const struct deal_stage *stage_of(const struct deal_pipeline *p, const char *code)
{
	for (int i = 0; i < p->n; i++)
		if (!strcmp(p->stages[i].code, code))
			return &p->stages[i];
	return NULL;
}

/* The stage code names in p, for a message: "lead, qualified, ...". */
static void stage_names(const struct deal_pipeline *p, char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < p->n && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s", i ? ", " : "", p->stages[i].code);
}

static int no_stage(const struct deal_pipeline *p, const char *code, struct err *err)
{
	char names[400];
	stage_names(p, names, sizeof(names));
	return err_set(err, ERR_INVALID, "stage", "no_stage:stage,allowed",
		       "\"%.31s\" is not a stage of this project (%s)", code, names);
}

int deal_pipeline_get(struct store *st, const struct actor *a, const char *project_code,
		      struct deal_pipeline *out, struct err *err)
{
	struct project p;

	if (project_get(st, a, project_code, &p, err))
		return -1;
	return load_pipeline(st, p.id, out, err);
}

/* The stages given, checked on their own: codes, names, probabilities, kinds. */
static int check_stages(const struct deal_pipeline *in, struct err *err)
{
	int won = 0, lost = 0, open = 0;

	if (in->n < 3 || in->n > DEAL_MAX_STAGES)
		return err_set(err, ERR_INVALID, "stages", "stage_count:min,max",
			       "a pipeline has %d to %d stages", 3, DEAL_MAX_STAGES);
	if (in->stale_days < 1 || in->stale_days > 365)
		return err_set(err, ERR_INVALID, "stale_days", "out_of_range:_,min,max",
			       "%s must be from %d to %d", "stale_days", 1, 365);
	for (int i = 0; i < in->n; i++) {
		const struct deal_stage *g = &in->stages[i];
		char code[64];
		if (code_field(code, sizeof(code), g->code, "stages", err))
			return -1;
		if (strlen(g->code) > 31)
			return err_set(err, ERR_INVALID, "stages", "code_too_long:value",
				       "stage code \"%s\" is too long", g->code);
		for (int j = 0; j < i; j++)
			if (!strcmp(in->stages[j].code, g->code))
				return err_set(err, ERR_INVALID, "stages", "duplicate_stage:stage",
					       "stage \"%s\" is listed twice", g->code);
		if (g->probability_bp < 0 || g->probability_bp > 10000)
			return err_set(err, ERR_INVALID, "stages", "out_of_range:_,min,max",
				       "%s must be from %d to %d", "probability", 0, 1);
		if (!strcmp(g->kind, "won"))
			won++;
		else if (!strcmp(g->kind, "lost"))
			lost++;
		else if (!strcmp(g->kind, "open"))
			open++;
		else
			return err_set(err, ERR_INVALID, "stages", "bad_enum:value,_,_,allowed",
				       "\"%.20s\" is not a %s %s (%s)", g->kind, "stage", "kind",
				       "open, won, lost");
	}
	if (won != 1 || lost != 1)
		return err_set(err, ERR_INVALID, "stages", "stage_won_lost:won,lost",
			       "a pipeline has exactly one won and one lost stage (here %d won, %d "
			       "lost)", won, lost);
	if (!open)
		return err_set(err, ERR_INVALID, "stages", "stage_open_missing",
			       "a pipeline needs at least one open stage");
	return 0;
}

static const char SQL_STAGE_COUNTS[] =
	"SELECT stage, COUNT(*) FROM deals WHERE project_id = ? GROUP BY stage ORDER BY stage";

/* A stage that deals are in stays, with its kind. */
static int stages_in_use(struct store *st, int64_t project_id, const struct deal_pipeline *cur,
			 const struct deal_pipeline *in, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_STAGE_COUNTS, err);
	int rc, r = 0;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, project_id);
	while (!r && (rc = store_step(st, s, err)) == STORE_ROW) {
		const char *code = store_col_text(st, s, 0);
		int64_t n = store_col_int(st, s, 1);
		const struct deal_stage *now = stage_of(in, code), *was = stage_of(cur, code);
		if (!now)
			r = err_set(err, ERR_CONFLICT, "stages", "stage_in_use:stage,deals",
				    "stage \"%s\" holds %lld deals: move them before removing it", code,
				    (long long)n);
		else if (was && strcmp(was->kind, now->kind))
			r = err_set(err, ERR_CONFLICT, "stages", "stage_kind_in_use:stage,deals",
				    "stage \"%s\" holds %lld deals: its kind stays %s", code, (long long)n,
				    was->kind);
	}
	store_done(st, s);
	return r ? -1 : rc < 0 ? -1 : 0;
}

static const char SQL_STAGES_CLEAR[] = "DELETE FROM deal_stages WHERE project_id = ?";
static const char SQL_STAGE_INSERT[] =
	"INSERT INTO deal_stages (project_id, code, name, position, probability_bp, kind, "
	"created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)";
static const char SQL_PIPELINE_SAVE[] =
	"INSERT INTO deal_pipelines (project_id, stale_days, version, updated_at) "
	"VALUES (?1, ?2, 1, ?3) ON CONFLICT (project_id) DO UPDATE SET "
	"stale_days = excluded.stale_days, version = deal_pipelines.version + 1, "
	"updated_at = excluded.updated_at";

static void pipeline_json(struct buf *b, const struct deal_pipeline *p)
{
	struct jw w;
	buf_reset(b);
	jw_init(&w, b);
	deal_pipeline_write_json(&w, p);
}

static int write_pipeline(struct tx *tx, int64_t project_id, const struct deal_pipeline *in,
			  struct err *err)
{
	struct store *st = tx->st;
	struct stmt *s;
	int rc = exec_ints(st, SQL_STAGES_CLEAR, &project_id, 1, err);

	for (int i = 0; rc >= 0 && i < in->n; i++) {
		const struct deal_stage *g = &in->stages[i];
		if (!(s = store_prepare(st, SQL_STAGE_INSERT, err)))
			return -1;
		store_bind_int(st, s, 1, project_id);
		store_bind_text(st, s, 2, g->code);
		store_bind_text(st, s, 3, g->name);
		store_bind_int(st, s, 4, i + 1);
		store_bind_int(st, s, 5, g->probability_bp);
		store_bind_text(st, s, 6, g->kind);
		store_bind_int(st, s, 7, tx->now);
		rc = store_step(st, s, err);
		store_done(st, s);
	}
	if (rc < 0 || !(s = store_prepare(st, SQL_PIPELINE_SAVE, err)))
		return -1;
	store_bind_int(st, s, 1, project_id);
	store_bind_int(st, s, 2, in->stale_days);
	store_bind_int(st, s, 3, tx->now);
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int deal_pipeline_put(struct store *st, const struct actor *a, const char *project_code,
		      const struct deal_pipeline *in, int64_t version, struct deal_pipeline *out,
		      struct err *err)
{
	struct project p;
	struct deal_pipeline cur;
	struct tx tx = { 0 };
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	int r = -1;

	if (project_get_as(st, a, project_code, PROLE_MANAGER, "changing the pipeline's stages", &p, err) ||
	    check_stages(in, err))
		return -1;
	/* a name is one line of valid text (checked into a copy; the stage keeps its own) */
	for (int i = 0; i < in->n; i++) {
		char name[sizeof(in->stages[i].name)];
		if (text_field(name, sizeof(name), in->stages[i].name, 0, 0, "stages", err))
			return -1;
	}
	if (tx_begin_project(&tx, st, a, p.id, p.code, PROLE_MANAGER,
			     "changing the pipeline's stages", err))
		return -1;
	if (load_pipeline(st, p.id, &cur, err))
		goto out;
	if (version != DEAL_ANY_VERSION && version != cur.version) {
		tx_version_conflict("pipeline", p.code, version, cur.version, err);
		goto out;
	}
	if (stages_in_use(st, p.id, &cur, in, err) || write_pipeline(&tx, p.id, in, err) ||
	    load_pipeline(st, p.id, out, err))
		goto out;
	pipeline_json(&b1, &cur);
	pipeline_json(&b2, out);
	if (tx_audit(&tx, "pipeline", p.id, "update", buf_cstr(&b1), buf_cstr(&b2), err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	buf_release(&b1);
	buf_release(&b2);
	return r;
}

void deal_pipeline_write_json(struct jw *w, const struct deal_pipeline *p)
{
	jw_obj(w);
	jw_key(w, "stages");
	jw_arr(w);
	for (int i = 0; i < p->n; i++) {
		const struct deal_stage *g = &p->stages[i];
		jw_obj(w);
		jw_kstr(w, "code", g->code);
		jw_kstr(w, "name", g->name);
		/* a rate as the engine writes one: a JSON number in [0, 1] */
		jw_knum(w, "probability", (double)g->probability_bp / 10000.0, 4);
		jw_kstr(w, "kind", g->kind);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kint(w, "stale_days", p->stale_days);
	jw_kbool(w, "custom", p->custom);
	jw_kint(w, "version", p->version);
	jw_obj_end(w);
}

/* --- the deal's rules ------------------------------------------------------------------ */

static const char SQL_WRITER_MEMBER[] =
	"SELECT COUNT(*) FROM members WHERE project_id = ?1 AND user_id = ?2 AND role <> 'viewer'";
static const char SQL_LOGIN_OF[] = "SELECT login FROM users WHERE id = ?";
static const char SQL_LINE_SUM[] =
	"SELECT COUNT(*), COALESCE(SUM(quantity * unit_price_minor - discount_minor), 0) "
	"FROM deal_lines WHERE deal_id = ?";

static int count_of(struct store *st, const char *sql, int64_t a1, int64_t a2, int64_t *n,
		    int64_t *sum, struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int rc;

	*n = 0;
	if (sum)
		*sum = 0;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, a1);
	if (a2 != NO_ID)
		store_bind_int(st, s, 2, a2);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		*n = store_col_int(st, s, 0);
		if (sum)
			*sum = store_col_int(st, s, 1);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* The fields a won deal keeps while it is won: its sales were recorded from them. */
static int won_locked(const struct deal *was, const struct deal *now, struct err *err)
{
	const char *f = was->customer_id != now->customer_id ? "customer"
			: was->owner_id != now->owner_id       ? "owner"
			: was->channel_id != now->channel_id   ? "channel"
			: was->segment_id != now->segment_id   ? "segment"
			: was->amount_minor != now->amount_minor ? "amount"
								 : NULL;
	if (!f)
		return 0;
	return err_set(err, ERR_CONFLICT, f, "deal_won_locked:_",
		       "a won deal's %s is that of its sales: move it out of the won stage first",
		       f);
}

static int deal_check(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
		      struct err *err)
{
	const struct deal *was = before;
	struct deal *d = rec;
	struct deal_pipeline pl;
	const struct deal_stage *g;
	struct store *st = tx->st;
	int64_t n, sum;

	if (load_pipeline(st, in->project->id, &pl, err))
		return -1;
	if (!was) {
		if (!d->stage[0])
			for (int i = 0; i < pl.n && !d->stage[0]; i++)
				if (!strcmp(pl.stages[i].kind, "open"))
					snprintf(d->stage, sizeof(d->stage), "%s", pl.stages[i].code);
		if (!(g = stage_of(&pl, d->stage)))
			return no_stage(&pl, d->stage, err);
		if (strcmp(g->kind, "open"))
			return err_set(err, ERR_INVALID, "stage", "deal_starts_open:stage",
				       "a deal starts in an open stage, not %s: move it there after",
				       d->stage);
		if (!entity_given(&deal_entity, in, "probability"))
			d->probability_bp = g->probability_bp;
		if (d->owner_id == NO_ID) {
			struct stmt *s = store_prepare(st, SQL_LOGIN_OF, err);
			int rc;
			if (!s)
				return -1;
			store_bind_int(st, s, 1, tx->actor->user_id);
			rc = store_step(st, s, err);
			if (rc == STORE_ROW)
				snprintf(d->owner, sizeof(d->owner), "%s", store_col_text(st, s, 0));
			store_done(st, s);
			if (rc < 0)
				return -1;
			d->owner_id = tx->actor->user_id;
		}
		d->won_on = d->lost_on = NO_DATE;
	}
	if (count_of(st, SQL_WRITER_MEMBER, in->project->id, d->owner_id, &n, NULL, err))
		return -1;
	if (!n)
		return err_set(err, ERR_INVALID, "owner", "deal_owner_not_member:owner,project",
			       "%s is not a member of project %s who may own deals", d->owner,
			       in->project->code);
	g = stage_of(&pl, d->stage);
	if (was) {
		if (count_of(st, SQL_LINE_SUM, was->id, NO_ID, &n, &sum, err))
			return -1;
		if (n && entity_given(&deal_entity, in, "amount") && d->amount_minor != sum)
			return err_set(err, ERR_INVALID, "amount", "amount_from_lines:lines",
				       "the amount of a deal with lines is their sum (%lld lines)",
				       (long long)n);
		if (n)
			d->amount_minor = sum;
		if (g && !strcmp(g->kind, "won") && won_locked(was, d, err))
			return -1;
	}
	if (g && !strcmp(g->kind, "lost") && !d->lost_reason[0])
		return err_set(err, ERR_INVALID, "lost_reason", "required",
			       "a lost deal says why it was lost");
	if ((!g || strcmp(g->kind, "lost")) && d->lost_reason[0])
		return err_set(err, ERR_INVALID, "lost_reason", "lost_only",
			       "only a lost deal has a lost reason");
	return 0;
}

static const char SQL_DEAL_STARTED[] =
	"UPDATE deals SET stage_changed_at = ?1, created_by = ?2 WHERE id = ?3";
static const char SQL_HISTORY_INSERT[] =
	"INSERT INTO deal_history (deal_id, from_stage, to_stage, probability_bp, amount_minor, "
	"changed_by, changed_at, changed_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

static int history_add(struct tx *tx, const struct deal *d, const char *from, struct err *err)
{
	struct store *st = tx->st;
	struct stmt *s = store_prepare(st, SQL_HISTORY_INSERT, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, d->id);
	store_bind_text_or_null(st, s, 2, from);
	store_bind_text(st, s, 3, d->stage);
	store_bind_int(st, s, 4, d->probability_bp);
	store_bind_int(st, s, 5, d->amount_minor);
	store_bind_int(st, s, 6, tx->actor->user_id);
	store_bind_int(st, s, 7, tx->now);
	store_bind_int(st, s, 8, date_today());
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* A new deal's first entry in its history, its stage's start and its maker. */
static int deal_after(struct tx *tx, const void *before, const void *after,
		      const struct ent_input *in, struct err *err)
{
	const struct deal *was = before, *d = after;

	if (!d)
		return comment_forget(tx, "deal", was->id, err);
	if (notify_owner(tx, was ? was->owner_id : NO_ID, d->owner_id, "deal", d->id,
			 in->project->id, d->title, err))
		return -1;
	if (before || !d)
		return 0;
	return exec_ints(tx->st, SQL_DEAL_STARTED, (int64_t[]){ tx->now, tx->actor->user_id, d->id },
			 3, err) ||
	       history_add(tx, d, NULL, err);
}

static int deal_fill(struct store *st, const struct actor *a, void *rec, struct err *err)
{
	struct deal *d = rec;
	int64_t sum;

	(void)a;
	return count_of(st, SQL_LINE_SUM, d->id, NO_ID, &d->lines, &sum, err);
}

static int64_t weighted(const struct deal *d)
{
	int64_t v;
	return div_round(d->amount_minor * d->probability_bp, 10000, &v) ? 0 : v;
}

static void deal_extra(struct jw *w, const void *rec)
{
	jw_kint(w, "weighted", weighted(rec));
}

static const char SQL_LINES_OF[] =
	"SELECT p.sku, p.name, l.quantity, l.unit_price_minor, l.discount_minor, l.product_id "
	"FROM deal_lines l JOIN products p ON p.id = l.product_id WHERE l.deal_id = ? ORDER BY l.id";

static int deal_detail(struct store *st, struct jw *w, const void *rec, struct err *err)
{
	const struct deal *d = rec;
	struct stmt *s = store_prepare(st, SQL_LINES_OF, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, d->id);
	jw_key(w, "lines");
	jw_arr(w);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t q = store_col_int(st, s, 2), p = store_col_int(st, s, 3),
			disc = store_col_int(st, s, 4);
		jw_obj(w);
		jw_kstr(w, "product", store_col_text(st, s, 0));
		jw_kstr(w, "product_name", store_col_text(st, s, 1));
		jw_kint(w, "quantity", q);
		jw_kint(w, "unit_price", p);
		jw_kint(w, "discount", disc);
		jw_kint(w, "amount", q * p - disc);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* --- a deal changed outside the engine: lines and the stage move ---------------------- */

/* The deal named id in p, read under the write lock, and whether a may change it. */
static int deal_for_change(struct store *st, const struct actor *a, const struct project *p,
			   const char *id, int64_t version, struct deal *cur, struct err *err)
{
	struct ent_project ep = { p->id, p->code };
	enum prole r;

	if (entity_load(st, &deal_entity, &ep, id, 1, cur, err))
		return -1;
	r = project_access(st, a, p->id, err);
	if (r < PROLE_MANAGER && cur->owner_id != a->user_id)
		return err_set(err, ERR_DENIED, "owner", "own_records_only:_,owner",
			       "deal %s is %s's; you may change only your own", id, cur->owner);
	if (version != cur->version)
		return tx_version_conflict("deal", id, version, cur->version, err);
	return 0;
}

/* Begin a change of a deal: the project, its members only, then the deal under the lock. */
static int begin_change(struct tx *tx, struct store *st, const struct actor *a,
			const char *project_code, const char *id, int64_t version,
			struct project *p, struct deal *cur, const char *what, struct err *err)
{
	struct ent_project ep;

	if (project_get(st, a, project_code, p, err) ||
	    require_project(st, a, p->id, p->code, PROLE_MEMBER, what, err))
		return -1;
	ep.id = p->id;
	ep.code = p->code;
	/* a deal not in the project is not found before anything is judged */
	if (entity_load(st, &deal_entity, &ep, id, 1, cur, err))
		return -1;
	if (tx_begin_project(tx, st, a, p->id, p->code, PROLE_MEMBER, what, err))
		return -1;
	if (deal_for_change(st, a, p, id, version, cur, err)) {
		tx_abort(tx);
		return -1;
	}
	return 0;
}

static const char *deal_json(const struct deal *d, struct buf *b)
{
	struct jw w;
	buf_reset(b);
	jw_init(&w, b);
	entity_write_json(&w, &deal_entity, d);
	return buf_cstr(b);
}

/* Read the deal back after a change, audit it and commit. */
static int finish_change(struct tx *tx, const struct project *p, const struct deal *cur,
			 const char *id, const char *action, void *out, struct err *err)
{
	struct ent_project ep = { p->id, p->code };
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	int r = -1;

	if (entity_load(tx->st, &deal_entity, &ep, id, 1, out, err) ||
	    deal_fill(tx->st, tx->actor, out, err) ||
	    tx_audit(tx, "deal", cur->id, action, deal_json(cur, &b1), deal_json(out, &b2), err) ||
	    tx_commit(tx, err))
		goto out;
	r = 0;
out:
	buf_release(&b1);
	buf_release(&b2);
	return r;
}

static const char SQL_PRODUCT_BY_SKU[] = "SELECT id FROM products WHERE sku = ?";
static const char SQL_LINES_CLEAR[] = "DELETE FROM deal_lines WHERE deal_id = ?";
static const char SQL_LINE_INSERT[] =
	"INSERT INTO deal_lines (deal_id, product_id, quantity, unit_price_minor, discount_minor) "
	"VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_DEAL_AMOUNT[] =
	"UPDATE deals SET amount_minor = ?1, version = version + 1, updated_at = ?2 WHERE id = ?3";

/* One line checked: its product (id into *product), quantity, price (in force), discount. */
static int check_line(struct store *st, const struct deal_line_input *l, size_t i,
		      int64_t *product, int64_t *price, int64_t *amount, struct err *err)
{
	char f[32];
	struct price_point *pts = NULL;
	size_t npts = 0;
	int64_t line;
	struct stmt *s;
	int rc;

	*product = NO_ID;
	snprintf(f, sizeof(f), "lines[%zu].product", i);
	if (!l->product || !l->product[0])
		return err_set(err, ERR_INVALID, f, "required", "%s is required", f);
	if (!(s = store_prepare(st, SQL_PRODUCT_BY_SKU, err)))
		return -1;
	store_bind_text(st, s, 1, l->product);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		*product = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (*product == NO_ID)
		return err_set(err, ERR_INVALID, f, "no_product:sku", "no product \"%.60s\"",
			       l->product);
	snprintf(f, sizeof(f), "lines[%zu].quantity", i);
	if (l->quantity < 1 || l->quantity > 1000000)
		return err_set(err, ERR_INVALID, f, "out_of_range:_,min,max",
			       "%s must be from %d to %d", f, 1, 1000000);
	*price = l->unit_price_minor;
	if (*price == DEAL_PRICE_IN_FORCE) {
		const struct price_point *pp;
		if (product_points(st, *product, &pts, &npts, err))
			return -1;
		pp = price_point_on(pts, npts, date_today());
		*price = pp ? pp->price : 0;
		free(pts);
	}
	snprintf(f, sizeof(f), "lines[%zu].unit_price", i);
	if (*price < 0 || *price > MONEY_UNIT_MAX)
		return err_set(err, ERR_INVALID, f, "out_of_range:_,min,max",
			       "%s must be from %d to %lld", f, 0, (long long)(MONEY_UNIT_MAX / 100));
	line = l->quantity * *price;
	snprintf(f, sizeof(f), "lines[%zu].discount", i);
	if (l->discount_minor < 0)
		return err_set(err, ERR_INVALID, f, "negative", "%s cannot be negative", f);
	if (l->discount_minor > line)
		return err_set(err, ERR_INVALID, f, "discount_exceeds_line",
			       "the discount is more than the line's quantity x unit price");
	*amount = line - l->discount_minor;
	return 0;
}

int deal_lines_set(struct store *st, const struct actor *a, const char *project_code,
		   const char *id, int64_t version, const struct deal_line_input *lines, size_t n,
		   void *out, struct err *err)
{
	struct project p;
	struct deal cur;
	struct deal_pipeline pl;
	const struct deal_stage *g;
	struct tx tx = { 0 };
	int64_t total = 0;
	int r = -1;

	if (n > DEAL_MAX_LINES)
		return err_set(err, ERR_INVALID, "lines", "too_many:max", "a deal has at most %d lines",
			       DEAL_MAX_LINES);
	if (begin_change(&tx, st, a, project_code, id, version, &p, &cur, "changing deals", err))
		return -1;
	if (load_pipeline(st, p.id, &pl, err))
		goto out;
	g = stage_of(&pl, cur.stage);
	if (g && !strcmp(g->kind, "won")) {
		err_set(err, ERR_CONFLICT, "lines", "deal_won_locked:_",
			"a won deal's %s is that of its sales: move it out of the won stage first",
			"lines");
		goto out;
	}
	if (exec_ints(st, SQL_LINES_CLEAR, &cur.id, 1, err))
		goto out;
	for (size_t i = 0; i < n; i++) {
		int64_t product = 0, price = 0, amount = 0;
		if (check_line(st, &lines[i], i, &product, &price, &amount, err))
			goto out;
		total += amount;
		if (total > MONEY_LINE_MAX) {
			err_set(err, ERR_INVALID, "lines", "amount_limit",
				"the deal's lines add up to more than the largest amount");
			goto out;
		}
		if (exec_ints(st, SQL_LINE_INSERT,
			      (int64_t[]){ cur.id, product, lines[i].quantity, price,
					   lines[i].discount_minor },
			      5, err))
			goto out;
	}
	/* without lines the amount stays as it was typed */
	if (exec_ints(st, SQL_DEAL_AMOUNT, (int64_t[]){ n ? total : cur.amount_minor, tx.now, cur.id },
		      3, err))
		goto out;
	r = finish_change(&tx, &p, &cur, id, "lines", out, err);
out:
	if (r)
		tx_abort(&tx);
	return r;
}

/* --- winning: the sales and the rollup ------------------------------------------------- */

static const char SQL_ROLLUP_ADD[] =
	"INSERT INTO deal_rollup (project_id, dim, key_id, day, deals, amount_minor) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (project_id, dim, key_id, day) DO UPDATE "
	"SET deals = deal_rollup.deals + excluded.deals, "
	"amount_minor = deal_rollup.amount_minor + excluded.amount_minor";
static const char SQL_PRODUCT_AMOUNTS[] =
	"SELECT product_id, SUM(quantity * unit_price_minor - discount_minor) FROM deal_lines "
	"WHERE deal_id = ? GROUP BY product_id ORDER BY product_id";
static const char SQL_CUSTOMER_SEGMENT[] = "SELECT segment_id FROM customers WHERE id = ?";

static int deal_rollup_add(struct store *st, int64_t project_id, const char *dim, int64_t key,
		      int32_t day, int sign, int64_t amount, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_ROLLUP_ADD, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, project_id);
	store_bind_text(st, s, 2, dim);
	store_bind_int(st, s, 3, key);
	store_bind_int(st, s, 4, day);
	store_bind_int(st, s, 5, sign);
	store_bind_int(st, s, 6, sign * amount);
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* The segment a won deal counts under: its own, else its customer's (NO_ID: none). */
static int deal_segment(struct store *st, const struct deal *d, int64_t *seg, struct err *err)
{
	struct stmt *s;
	int rc;

	*seg = d->segment_id;
	if (*seg != NO_ID)
		return 0;
	if (!(s = store_prepare(st, SQL_CUSTOMER_SEGMENT, err)))
		return -1;
	store_bind_int(st, s, 1, d->customer_id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		*seg = store_col_int_or(st, s, 0, NO_ID);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* Count d (won on day) in the won-deal rollup (sign 1) or take it out (-1). */
static int rollup_deal(struct store *st, int64_t project_id, const struct deal *d, int32_t day,
		       int sign, struct err *err)
{
	struct stmt *s;
	int64_t seg;
	int rc;

	if (deal_segment(st, d, &seg, err) ||
	    deal_rollup_add(st, project_id, "all", 0, day, sign, d->amount_minor, err) ||
	    deal_rollup_add(st, project_id, "rep", d->owner_id, day, sign, d->amount_minor, err) ||
	    (d->channel_id != NO_ID &&
	     deal_rollup_add(st, project_id, "channel", d->channel_id, day, sign, d->amount_minor, err)) ||
	    (seg != NO_ID && deal_rollup_add(st, project_id, "segment", seg, day, sign, d->amount_minor, err)))
		return -1;
	if (!(s = store_prepare(st, SQL_PRODUCT_AMOUNTS, err)))
		return -1;
	store_bind_int(st, s, 1, d->id);
	{
		int64_t prod[DEAL_MAX_LINES], amt[DEAL_MAX_LINES];
		int np = 0;
		while ((rc = store_step(st, s, err)) == STORE_ROW && np < DEAL_MAX_LINES) {
			prod[np] = store_col_int(st, s, 0);
			amt[np++] = store_col_int(st, s, 1);
		}
		store_done(st, s);
		if (rc < 0)
			return -1;
		for (int i = 0; i < np; i++)
			if (deal_rollup_add(st, project_id, "product", prod[i], day, sign, amt[i], err))
				return -1;
	}
	return 0;
}

static const char SQL_DEAL_LINES_RAW[] =
	"SELECT p.sku, l.quantity, l.unit_price_minor, l.discount_minor FROM deal_lines l "
	"JOIN products p ON p.id = l.product_id WHERE l.deal_id = ? ORDER BY l.id";
static const char SQL_SALE_OF_DEAL[] =
	"UPDATE sales SET deal_id = ?1 WHERE id = ?2 AND deal_id IS NULL";

struct raw_line {
	char sku[64];
	int64_t quantity, price, discount;
};

/* Record d's lines as sales dated day through the sale write path (its rules, rollups, audit). */
static int record_sales(struct tx *tx, const struct project *p, const struct deal *d,
			int32_t day, struct err *err)
{
	struct store *st = tx->st;
	struct raw_line ln[DEAL_MAX_LINES];
	struct stmt *s = store_prepare(st, SQL_DEAL_LINES_RAW, err);
	int n = 0, rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, d->id);
	while ((rc = store_step(st, s, err)) == STORE_ROW && n < DEAL_MAX_LINES) {
		snprintf(ln[n].sku, sizeof(ln[n].sku), "%s", store_col_text(st, s, 0));
		ln[n].quantity = store_col_int(st, s, 1);
		ln[n].price = store_col_int(st, s, 2);
		ln[n++].discount = store_col_int(st, s, 3);
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		struct sale_input in = { 0 };
		struct sale sale;
		in.sold_on = day;
		in.customer = d->customer;
		in.product = ln[i].sku;
		in.channel = d->channel;
		in.rep = d->owner;
		in.segment = d->segment[0] ? d->segment : NULL;
		in.quantity = ln[i].quantity;
		in.unit_price_minor = ln[i].price;
		in.discount_minor = ln[i].discount;
		if (sale_add(st, tx->actor, p->code, &in, &sale, err) ||
		    exec_ints(st, SQL_SALE_OF_DEAL, (int64_t[]){ d->id, sale.id }, 2, err))
			return -1;
	}
	return 0;
}

static const char SQL_SALES_UNLINK[] = "UPDATE sales SET deal_id = NULL WHERE deal_id = ?";
static const char SQL_SALES_OF_DEAL[] =
	"SELECT id, version FROM sales WHERE deal_id = ? ORDER BY id";

/* Delete the sales recorded from d through the sale write path. */
static int remove_sales(struct tx *tx, const struct project *p, const struct deal *d,
			struct err *err)
{
	struct store *st = tx->st;
	struct stmt *s = store_prepare(st, SQL_SALES_OF_DEAL, err);
	int64_t *ids = NULL, *vers = NULL;
	size_t n = 0, alloc = 0, valloc = 0;
	int rc, r = -1;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, d->id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		ALLOC_GROW(ids, n + 1, alloc);
		ALLOC_GROW(vers, n + 1, valloc);
		ids[n] = store_col_int(st, s, 0);
		vers[n++] = store_col_int(st, s, 1);
	}
	store_done(st, s);
	if (rc < 0)
		goto out;
	/* no longer the deal's, they are deleted as any sale is (rollups, activity, audit) */
	if (exec_ints(st, SQL_SALES_UNLINK, &d->id, 1, err))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (sale_delete(st, tx->actor, p->code, ids[i], vers[i], err))
			goto out;
	r = 0;
out:
	free(ids);
	free(vers);
	return r;
}

/* --- the move ------------------------------------------------------------------------ */

static const char SQL_DEAL_MOVE[] =
	"UPDATE deals SET stage = ?1, probability_bp = ?2, won_on = ?3, lost_on = ?4, "
	"lost_reason = ?5, stage_changed_at = ?6, updated_at = ?6, version = version + 1 "
	"WHERE id = ?7 AND version = ?8";

/* What the move asks, checked before anything is written. */
static int move_inputs(const struct deal_pipeline *pl, const struct deal *cur,
		       const struct deal_move *m, const struct deal_stage **to, struct err *err)
{
	if (!m->stage || !m->stage[0])
		return err_set(err, ERR_INVALID, "stage", "required", "the stage to move to is required");
	if (!(*to = stage_of(pl, m->stage)))
		return no_stage(pl, m->stage, err);
	if (!strcmp(cur->stage, m->stage))
		return err_set(err, ERR_INVALID, "stage", "deal_same_stage:stage",
			       "the deal is already at %s", m->stage);
	if (strcmp((*to)->kind, "lost") && m->lost_reason && m->lost_reason[0])
		return err_set(err, ERR_INVALID, "lost_reason", "lost_only",
			       "only a lost deal has a lost reason");
	if (!strcmp((*to)->kind, "lost") && (!m->lost_reason || !m->lost_reason[0]))
		return err_set(err, ERR_INVALID, "lost_reason", "required",
			       "a lost deal says why it was lost");
	if (strcmp((*to)->kind, "won") && m->won_on != NO_DATE)
		return err_set(err, ERR_INVALID, "won_on", "won_only",
			       "a win date is given only with a move to the won stage");
	if (!strcmp((*to)->kind, "won")) {
		if (!cur->lines)
			return err_set(err, ERR_INVALID, "lines", "deal_no_lines",
				       "a deal is won with its products: add its lines first");
		if (cur->channel_id == NO_ID)
			return err_set(err, ERR_INVALID, "channel", "deal_no_channel",
				       "a won deal's sales need a channel: set the deal's channel first");
		if (m->won_on != NO_DATE && m->won_on > date_today())
			return err_set(err, ERR_INVALID, "won_on", "future_date:_",
				       "%s cannot be in the future", "won_on");
	}
	return 0;
}

int deal_move_stage(struct store *st, const struct actor *a, const char *project_code,
		    const char *id, const struct deal_move *m, void *out, struct err *err)
{
	struct project p;
	struct deal cur;
	struct deal_pipeline pl;
	const struct deal_stage *from = NULL, *to = NULL;
	struct tx tx = { 0 };
	struct stmt *s;
	char reason[400] = "";
	int32_t won_on = NO_DATE, lost_on = NO_DATE;
	int rc, r = -1;

	if (m->lost_reason && text_field(reason, sizeof(reason), m->lost_reason, 0, 0,
					 "lost_reason", err))
		return -1;
	if (strlen(reason) > 300)
		return err_set(err, ERR_INVALID, "lost_reason", "too_long:_,len,max",
			       "%s is too long (%zu bytes, at most %d)", "lost_reason", strlen(reason),
			       300);
	if (begin_change(&tx, st, a, project_code, id, m->version, &p, &cur, "moving deals", err))
		return -1;
	if (load_pipeline(st, p.id, &pl, err) || deal_fill(st, a, &cur, err) ||
	    move_inputs(&pl, &cur, m, &to, err))
		goto out;
	from = stage_of(&pl, cur.stage);
	/* out of the won stage: its sales and its count go */
	if (from && !strcmp(from->kind, "won") && cur.won_on != NO_DATE &&
	    (remove_sales(&tx, &p, &cur, err) || rollup_deal(st, p.id, &cur, cur.won_on, -1, err)))
		goto out;
	if (!strcmp(to->kind, "won")) {
		won_on = m->won_on != NO_DATE ? m->won_on : date_today();
		if (record_sales(&tx, &p, &cur, won_on, err) ||
		    rollup_deal(st, p.id, &cur, won_on, 1, err))
			goto out;
	} else if (!strcmp(to->kind, "lost")) {
		lost_on = date_today();
	}
	if (!(s = store_prepare(st, SQL_DEAL_MOVE, err)))
		goto out;
	store_bind_text(st, s, 1, to->code);
	store_bind_int(st, s, 2, to->probability_bp);
	store_bind_int_or_null(st, s, 3, won_on, NO_DATE);
	store_bind_int_or_null(st, s, 4, lost_on, NO_DATE);
	store_bind_text(st, s, 5, reason);
	store_bind_int(st, s, 6, tx.now);
	store_bind_int(st, s, 7, cur.id);
	store_bind_int(st, s, 8, cur.version);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0)
		goto out;
	{
		struct deal now = cur;
		snprintf(now.stage, sizeof(now.stage), "%s", to->code);
		now.probability_bp = to->probability_bp;
		struct notify_about ab = { .on_kind = "deal", .on_id = cur.id, .project_id = p.id,
					   .title = cur.title, .from = cur.stage, .to = to->code,
					   .comment_id = NO_ID };
		if (history_add(&tx, &now, cur.stage, err) ||
		    notify_event(&tx, cur.owner_id, NK_STAGE, &ab, err))
			goto out;
	}
	r = finish_change(&tx, &p, &cur, id, "stage", out, err);
out:
	if (r)
		tx_abort(&tx);
	return r;
}

/* --- a deal's past ------------------------------------------------------------------- */

static const char SQL_LINES_FROM_SALE[] =
	"INSERT INTO deal_lines (deal_id, product_id, quantity, unit_price_minor, discount_minor) "
	"SELECT ?1, product_id, quantity, unit_price_minor, discount_minor FROM sales "
	"WHERE id = ?2 AND project_id = ?3 AND deal_id IS NULL";
static const char SQL_HISTORY_CLEAR[] = "DELETE FROM deal_history WHERE deal_id = ?";
static const char SQL_PAST_HISTORY[] =
	"INSERT INTO deal_history (deal_id, from_stage, to_stage, probability_bp, amount_minor, "
	"changed_by, changed_at, changed_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char SQL_PAST_DEAL[] =
	"UPDATE deals SET stage = ?1, probability_bp = ?2, won_on = ?3, lost_on = ?4, lost_reason = ?5, "
	"stage_changed_at = ?6, created_at = ?7, amount_minor = ?8 WHERE id = ?9";

/* The history of d as it went: one row a step, dated the step's day (10:00 UTC). */
static int past_history(struct store *st, const struct deal_pipeline *pl, const struct deal *d,
			const struct deal_past *in, struct err *err)
{
	int64_t v[1] = { d->id };

	if (exec_ints(st, SQL_HISTORY_CLEAR, v, 1, err))
		return -1;
	for (int i = 0; i < in->npath; i++) {
		const struct deal_stage *g = stage_of(pl, in->path[i]);
		struct stmt *s = store_prepare(st, SQL_PAST_HISTORY, err);
		int rc;
		if (!s)
			return -1;
		store_bind_int(st, s, 1, d->id);
		store_bind_text_or_null(st, s, 2, i ? in->path[i - 1] : NULL);
		store_bind_text(st, s, 3, in->path[i]);
		store_bind_int(st, s, 4, g ? g->probability_bp : 0);
		store_bind_int(st, s, 5, d->amount_minor);
		store_bind_int(st, s, 6, d->owner_id);
		store_bind_int(st, s, 7, (int64_t)in->days[i] * 86400 + 36000);
		store_bind_int(st, s, 8, in->days[i]);
		rc = store_step(st, s, err);
		store_done(st, s);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int deal_record_past(struct store *st, const struct actor *a, const char *project_code,
		     const struct deal_past *in, int64_t *id, struct err *err)
{
	struct project p;
	struct ent_project ep;
	struct deal_pipeline pl;
	struct deal d, out;
	const struct deal_stage *last;
	struct tx tx = { 0 };
	char key[24];
	int64_t n, sum;
	int r = -1;

	if (in->npath < 1 || project_get(st, a, project_code, &p, err) ||
	    tx_begin_project(&tx, st, a, p.id, p.code, PROLE_MANAGER, "recording past deals", err))
		return in->npath < 1 ? err_set(err, ERR_INVALID, "stage", "required",
					       "a past deal names its stages") : -1;
	ep.id = p.id;
	ep.code = p.code;
	if (load_pipeline(st, p.id, &pl, err))
		goto out;
	if (!(last = stage_of(&pl, in->path[in->npath - 1]))) {
		no_stage(&pl, in->path[in->npath - 1], err);
		goto out;
	}
	memset(&d, 0, sizeof(d));
	snprintf(d.title, sizeof(d.title), "%s", in->title);
	snprintf(d.customer, sizeof(d.customer), "%s", in->customer);
	snprintf(d.owner, sizeof(d.owner), "%s", in->owner);
	snprintf(d.channel, sizeof(d.channel), "%s", in->channel ? in->channel : "");
	snprintf(d.segment, sizeof(d.segment), "%s", in->segment ? in->segment : "");
	snprintf(d.stage, sizeof(d.stage), "%s", in->path[0]);
	snprintf(d.note, sizeof(d.note), "%s", in->note ? in->note : "");
	d.customer_id = d.owner_id = NO_ID;
	d.channel_id = d.channel[0] ? 0 : NO_ID;
	d.segment_id = d.segment[0] ? 0 : NO_ID;
	d.probability_bp = stage_of(&pl, in->path[0]) ? stage_of(&pl, in->path[0])->probability_bp : 0;
	d.amount_minor = in->nsales ? 0 : in->amount_minor;
	d.expected_close_on = in->expected_close_on;
	d.won_on = d.lost_on = NO_DATE;
	if (entity_create_rec(st, a, &deal_entity, &ep, &d, &out, err))
		goto out;
	for (size_t i = 0; i < in->nsales; i++) {
		int64_t v[3] = { out.id, in->sales[i], p.id };
		if (exec_ints(st, SQL_LINES_FROM_SALE, v, 3, err) ||
		    exec_ints(st, SQL_SALE_OF_DEAL, v, 2, err))
			goto out;
	}
	if (count_of(st, SQL_LINE_SUM, out.id, NO_ID, &n, &sum, err))
		goto out;
	if (n)
		out.amount_minor = sum;
	if (past_history(st, &pl, &out, in, err))
		goto out;
	{
		int32_t end = in->days[in->npath - 1];
		struct stmt *s = store_prepare(st, SQL_PAST_DEAL, err);
		int rc;
		if (!s)
			goto out;
		store_bind_text(st, s, 1, last->code);
		store_bind_int(st, s, 2, last->probability_bp);
		store_bind_int_or_null(st, s, 3, !strcmp(last->kind, "won") ? end : NO_DATE, NO_DATE);
		store_bind_int_or_null(st, s, 4, !strcmp(last->kind, "lost") ? end : NO_DATE, NO_DATE);
		store_bind_text(st, s, 5, !strcmp(last->kind, "lost") && in->lost_reason ? in->lost_reason : "");
		store_bind_int(st, s, 6, (int64_t)end * 86400 + 36000);
		store_bind_int(st, s, 7, (int64_t)in->days[0] * 86400 + 36000);
		store_bind_int(st, s, 8, out.amount_minor);
		store_bind_int(st, s, 9, out.id);
		rc = store_step(st, s, err);
		store_done(st, s);
		if (rc < 0)
			goto out;
	}
	snprintf(key, sizeof(key), "%lld", (long long)out.id);
	if (entity_load(st, &deal_entity, &ep, key, 1, &out, err))
		goto out;
	if (!strcmp(last->kind, "won") && !n) {
		err_set(err, ERR_INVALID, "lines", "deal_no_lines",
			"a deal is won with its products: add its lines first");
		goto out;
	}
	if (!strcmp(last->kind, "won") && rollup_deal(st, p.id, &out, out.won_on, 1, err))
		goto out;
	*id = out.id;
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	return r;
}

/* --- history ------------------------------------------------------------------------ */

static const char SQL_HISTORY[] =
	"SELECT COALESCE(h.from_stage, ''), h.to_stage, h.probability_bp, h.amount_minor, "
	"COALESCE(u.login, ''), h.changed_at, h.changed_on FROM deal_history h "
	"LEFT JOIN users u ON u.id = h.changed_by WHERE h.deal_id = ? ORDER BY h.id";

int deal_history_get(struct store *st, const struct actor *a, const char *project_code,
		     const char *id, struct deal_history *out, struct err *err)
{
	struct project p;
	struct ent_project ep;
	struct deal d;
	struct stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	if (project_get(st, a, project_code, &p, err))
		return -1;
	ep.id = p.id;
	ep.code = p.code;
	if (entity_get(st, a, &deal_entity, &ep, id, &d, err) ||
	    !(s = store_prepare(st, SQL_HISTORY, err)))
		return -1;
	store_bind_int(st, s, 1, d.id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct deal_change *c;
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		c = &out->items[out->n++];
		snprintf(c->from, sizeof(c->from), "%s", store_col_text(st, s, 0));
		snprintf(c->to, sizeof(c->to), "%s", store_col_text(st, s, 1));
		c->probability_bp = store_col_int(st, s, 2);
		c->amount_minor = store_col_int(st, s, 3);
		snprintf(c->by, sizeof(c->by), "%s", store_col_text(st, s, 4));
		c->at = store_col_int(st, s, 5);
		c->on = (int32_t)store_col_int(st, s, 6);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

void deal_history_release(struct deal_history *h)
{
	free(h->items);
	memset(h, 0, sizeof(*h));
}

void deal_history_write_json(struct jw *w, const char *id, const struct deal_history *h)
{
	jw_obj(w);
	jw_kstr(w, "deal", id);
	jw_key(w, "history");
	jw_arr(w);
	for (size_t i = 0; i < h->n; i++) {
		const struct deal_change *c = &h->items[i];
		jw_obj(w);
		jw_kstr(w, "from", c->from[0] ? c->from : NULL);
		jw_kstr(w, "to", c->to);
		jw_knum(w, "probability", (double)c->probability_bp / 10000.0, 4);
		jw_kint(w, "amount", c->amount_minor);
		jw_kstr(w, "by", c->by[0] ? c->by : NULL);
		jw_kts(w, "at", c->at);
		jw_kdate(w, "on", c->on);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

/* --- saved views --------------------------------------------------------------------- */

static const char SQL_VIEWS[] =
	"SELECT id, name, filters, created_at FROM deal_views WHERE project_id = ?1 AND "
	"user_id = ?2 ORDER BY name";
static const char SQL_VIEW_SAVE[] =
	"INSERT INTO deal_views (project_id, user_id, name, filters, created_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (project_id, user_id, name) DO UPDATE "
	"SET filters = excluded.filters RETURNING id, created_at";
static const char SQL_VIEW_DELETE[] =
	"DELETE FROM deal_views WHERE id = ?1 AND project_id = ?2 AND user_id = ?3 RETURNING id";

int deal_views_list(struct store *st, const struct actor *a, const char *project_code,
		    struct deal_views *out, struct err *err)
{
	struct project p;
	struct stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	if (project_get_as(st, a, project_code, PROLE_VIEWER, "reading deals", &p, err) ||
	    !(s = store_prepare(st, SQL_VIEWS, err)))
		return -1;
	store_bind_int(st, s, 1, p.id);
	store_bind_int(st, s, 2, a->user_id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct deal_view *v;
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		v = &out->items[out->n++];
		v->id = store_col_int(st, s, 0);
		snprintf(v->name, sizeof(v->name), "%s", store_col_text(st, s, 1));
		snprintf(v->filters, sizeof(v->filters), "%s", store_col_text(st, s, 2));
		v->created_at = store_col_int(st, s, 3);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int deal_view_save(struct store *st, const struct actor *a, const char *project_code,
		   const char *name, const char *filters, struct deal_view *out, struct err *err)
{
	struct project p;
	struct tx tx = { 0 };
	struct stmt *s;
	int rc, r = -1;

	memset(out, 0, sizeof(*out));
	if (project_get(st, a, project_code, &p, err) ||
	    text_field(out->name, sizeof(out->name), name, 1, 0, "name", err))
		return -1;
	if (strlen(out->name) > 60)
		return err_set(err, ERR_INVALID, "name", "too_long:_,len,max",
			       "%s is too long (%zu bytes, at most %d)", "name", strlen(out->name), 60);
	if (!filters || strlen(filters) >= sizeof(out->filters))
		return err_set(err, ERR_INVALID, "filters", "too_long:_,len,max",
			       "%s is too long (%zu bytes, at most %d)", "filters",
			       filters ? strlen(filters) : 0, (int)sizeof(out->filters) - 1);
	snprintf(out->filters, sizeof(out->filters), "%s", filters);
	if (tx_begin_project(&tx, st, a, p.id, p.code, PROLE_VIEWER, "saving board views", err))
		return -1;
	if (!(s = store_prepare(st, SQL_VIEW_SAVE, err)))
		goto out;
	store_bind_int(st, s, 1, p.id);
	store_bind_int(st, s, 2, a->user_id);
	store_bind_text(st, s, 3, out->name);
	store_bind_text(st, s, 4, out->filters);
	store_bind_int(st, s, 5, tx.now);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		out->id = store_col_int(st, s, 0);
		out->created_at = store_col_int(st, s, 1);
	}
	store_done(st, s);
	if (rc < 0)
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	return r;
}

int deal_view_delete(struct store *st, const struct actor *a, const char *project_code,
		     int64_t id, struct err *err)
{
	struct project p;
	struct tx tx = { 0 };
	struct stmt *s;
	int rc, r = -1;

	if (project_get(st, a, project_code, &p, err) ||
	    tx_begin_project(&tx, st, a, p.id, p.code, PROLE_VIEWER, "deleting board views", err))
		return -1;
	if (!(s = store_prepare(st, SQL_VIEW_DELETE, err)))
		goto out;
	store_bind_int(st, s, 1, id);
	store_bind_int(st, s, 2, p.id);
	store_bind_int(st, s, 3, a->user_id);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0)
		goto out;
	if (rc != STORE_ROW) {
		err_set(err, ERR_NOT_FOUND, "view", "no_record:key", "no saved view %lld of yours",
			(long long)id);
		goto out;
	}
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	return r;
}

void deal_views_release(struct deal_views *v)
{
	free(v->items);
	memset(v, 0, sizeof(*v));
}

void deal_view_write_json(struct jw *w, const struct deal_view *v)
{
	jw_obj(w);
	jw_kint(w, "id", v->id);
	jw_kstr(w, "name", v->name);
	jw_key(w, "filters");
	jw_raw(w, v->filters[0] ? v->filters : "{}");
	jw_obj_end(w);
}
