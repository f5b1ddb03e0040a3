/*
 * adjust.c - adjustments (step 6): a change to a goal, channel, price,
 * promotion, channel plan or plan task of a running project, run through the
 * noun's own write in the entity engine as a savepoint of one transaction
 * that also writes the adjustment row (core/adjust.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/adjust.h"
#include "core/catalog.h"
#include "core/entity.h"
#include "core/goal.h"
#include "core/project.h"
#include "core/quota.h"
#include "core/tx.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/jscan.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "store/store.h"
#include "base/banned.h"

static const char *const kind_names[ADJ__COUNT + 1] = { "goal",      "channel",      "price",
							 "promotion", "channel_plan", "plan",
							 "quota",     "project",   NULL };
static const char *const metric_names[ADJ_METRIC__COUNT + 1] = { "revenue", "units", "margin",
								  NULL };

/* The noun each kind changes, by the entity engine's name. */
static const char *const kind_entity[ADJ__COUNT] = { "goal",      "channel",      "product",
						      "promotion", "channel_plan", "task",
						      "goal", NULL /* a project: its own write */ };

static const char *const goal_fields[] = { "target",        "start",         "due",
					   "scope_segment", "scope_channel", "scope_product",
					   "scope_rep",     NULL };
static const char *const channel_fields[] = { "active", "cost_rate", NULL };
static const char *const price_fields[] = { "price", "cost", "effective", NULL };
static const char *const promotion_fields[] = { "start",    "end",      "value",    "budget",
						"products", "channels", "segments", NULL };
static const char *const plan_share_fields[] = { "share", "budget", NULL };
static const char *const task_fields[] = { "start", "due", "assignee", NULL };
static const char *const quota_fields[] = { NULL }; /* members' logins, not fields */
/* margin: kept by a reopen that re-costed the project's sales (adjust_record_status) */
static const char *const project_fields[] = { "status", "margin", NULL };
static const char *const *const kind_fields[ADJ__COUNT] = {
	goal_fields,	    channel_fields, price_fields, promotion_fields,
	plan_share_fields, task_fields,    quota_fields, project_fields,
};

const char *adjust_kind_str(enum adjust_kind k)
{
	return k >= 0 && k < ADJ__COUNT ? kind_names[k] : "";
}

int adjust_kind_parse(const char *s, enum adjust_kind *out, struct err *err)
{
	for (int i = 0; i < ADJ__COUNT; i++)
		if (s && !strcmp(s, kind_names[i])) {
			*out = (enum adjust_kind)i;
			return 0;
		}
	return err_set(err, ERR_INVALID, "kind", "bad_enum:_,value,allowed",
		       "%s \"%s\" is not one of: %s", "kind", s ? s : "",
		       "goal, channel, price, promotion, channel_plan, plan, quota, project");
}

const char *adjust_metric_str(enum adjust_metric m)
{
	return m >= 0 && m < ADJ_METRIC__COUNT ? metric_names[m] : "";
}

int adjust_metric_parse(const char *s, enum adjust_metric *out, struct err *err)
{
	for (int i = 0; i < ADJ_METRIC__COUNT; i++)
		if (s && !strcmp(s, metric_names[i])) {
			*out = (enum adjust_metric)i;
			return 0;
		}
	return err_set(err, ERR_INVALID, "metric", "bad_enum:_,value,allowed",
		       "%s \"%s\" is not one of: %s", "metric", s ? s : "",
		       "revenue, units, margin");
}

const char *const *adjust_fields(enum adjust_kind k)
{
	return k >= 0 && k < ADJ__COUNT ? kind_fields[k] : NULL;
}

static int field_allowed(enum adjust_kind k, const char *name)
{
	if (k == ADJ_QUOTA) /* a member's login, judged against the project's members */
		return name[0] != '\0';
	for (const char *const *f = kind_fields[k]; *f; f++)
		if (!strcmp(*f, name))
			return 1;
	return 0;
}

/* --- SQL ------------------------------------------------------------------------- */

static const char SQL_AUDIT_LAST[] =
	"SELECT id FROM audit WHERE entity = ?1 AND entity_id = ?2 ORDER BY id DESC LIMIT 1";
static const char SQL_INSERT[] =
	"INSERT INTO adjustments (project_id, kind, record_id, record_key, changes, reason, "
	"actor_id, at, effective_on, metric, dim, dim_key, audit_id) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING id";
static const char SQL_LAST_ID[] = "SELECT COALESCE(MAX(id), 0) FROM adjustments";
static const char SQL_HOOK_ROW[] =
	"SELECT id FROM adjustments WHERE id > ?1 AND kind = 'goal' AND record_id = ?2 "
	"ORDER BY id DESC LIMIT 1";
static const char SQL_SET_AUDIT[] = "UPDATE adjustments SET audit_id = ?1 WHERE id = ?2";
/* a goal changed through its own route (its after hook) finds the audit row it rode with:
 * the goal's, written in the same transaction right after the adjustment's own */
#define SELECT_COLS                                                                           \
	"SELECT x.id, x.project_id, x.kind, x.record_id, x.record_key, x.changes, x.reason, "  \
	"x.actor_id, COALESCE(u.login, ''), x.at, x.effective_on, x.metric, x.dim, x.dim_key, " \
	"COALESCE(x.audit_id, (SELECT MIN(a.id) FROM audit a WHERE x.kind = 'goal' AND "      \
	"a.entity = 'goal' AND a.entity_id = x.record_id AND a.id > (SELECT MIN(b.id) FROM "  \
	"audit b WHERE b.entity = 'adjustment' AND b.entity_id = x.id))) "                    \
	"FROM adjustments x LEFT JOIN users u ON u.id = x.actor_id "
/* ?1 project, ?2 kind ('' = any), ?3 record key ('' = any), ?4 from, ?5 to */
static const char SQL_LIST[] = SELECT_COLS
	"WHERE x.project_id = ?1 AND (?2 = '' OR x.kind = ?2) AND (?3 = '' OR x.record_key = ?3) "
	"AND x.effective_on BETWEEN ?4 AND ?5 ORDER BY x.effective_on DESC, x.id DESC";
static const char SQL_GET[] = SELECT_COLS "WHERE x.project_id = ?1 AND x.id = ?2";

/* --- what the effect reads -------------------------------------------------------- */

/* A record's int64 field named name (an id or a reference's id). */
static int64_t rec_int(const struct entity *e, const void *rec, const char *name)
{
	const struct ent_field *f = entity_field(e, name);
	int64_t v;

	if (!f)
		return NO_ID;
	memcpy(&v, (const char *)rec + f->off, sizeof(v));
	return v;
}

/* The metric and sale_rollup dimension an adjustment of kind to rec concerns. */
static void effect_target(enum adjust_kind k, const struct entity *e, const void *rec,
			  struct adjustment *x)
{
	const struct goal *g = rec;

	x->metric = ADJ_REVENUE;
	snprintf(x->dim, sizeof(x->dim), "all");
	x->dim_key = 0;
	switch (k) {
	case ADJ_GOAL:
		if (g->metric == METRIC_UNITS)
			x->metric = ADJ_UNITS;
		else if (g->metric == METRIC_GROSS_MARGIN)
			x->metric = ADJ_MARGIN;
		if (g->scope.product_id != NO_ID)
			snprintf(x->dim, sizeof(x->dim), "product"), x->dim_key = g->scope.product_id;
		else if (g->scope.channel_id != NO_ID)
			snprintf(x->dim, sizeof(x->dim), "channel"), x->dim_key = g->scope.channel_id;
		else if (g->scope.segment_id != NO_ID)
			snprintf(x->dim, sizeof(x->dim), "segment"), x->dim_key = g->scope.segment_id;
		else if (g->scope.rep_id != NO_ID)
			snprintf(x->dim, sizeof(x->dim), "rep"), x->dim_key = g->scope.rep_id;
		break;
	case ADJ_CHANNEL:
		snprintf(x->dim, sizeof(x->dim), "channel");
		x->dim_key = rec_int(e, rec, "id");
		break;
	case ADJ_PRICE: /* a price moves the units sold first; revenue follows both ways */
		x->metric = ADJ_UNITS;
		snprintf(x->dim, sizeof(x->dim), "product");
		x->dim_key = rec_int(e, rec, "id");
		break;
	case ADJ_PROMOTION:
		snprintf(x->dim, sizeof(x->dim), "promotion");
		x->dim_key = rec_int(e, rec, "id");
		break;
	case ADJ_CHANNEL_PLAN:
		snprintf(x->dim, sizeof(x->dim), "channel");
		x->dim_key = rec_int(e, rec, "channel");
		break;
	default:
		break;
	}
}

/* --- applying ------------------------------------------------------------------------ */

/* Put change c into in (and rec): parsed as a user types it, "" or NULL as none. */
static int take_change(const struct entity *e, const struct adjust_change *c, void *rec,
		       struct ent_input *in, struct err *err)
{
	const struct ent_field *f = entity_field(e, c->field);

	if (!c->value || !c->value[0]) {
		if (!(f->flags & EF_NULLABLE) || f->variant)
			return err_set(err, ERR_INVALID, c->field, "required", "%s is required",
				       c->field);
		entity_set_none(f, rec);
		entity_input_set(e, in, f, 1);
		return 0;
	}
	if (f->variant) {
		entity_input_raw(e, in, f, c->value, 0);
		return 0;
	}
	if (entity_parse_text(f, c->value, rec, err))
		return -1;
	entity_input_set(e, in, f, 0);
	return 0;
}

/*
 * The fields of kind k that differ between before and after, {"field":{"before","after"}}
 * as users read them; 0 when none does.
 */
static int changes_json(enum adjust_kind k, const struct entity *e, const void *before,
			const void *after, struct buf *b)
{
	struct jw w;
	int changed = 0;

	jw_init(&w, b);
	jw_obj(&w);
	for (const char *const *name = kind_fields[k]; *name; name++) {
		const struct ent_field *f = entity_field(e, *name);
		char was[1100], now[1100];

		if (!f || (f->flags & EF_INPUT)) /* a price's effective day: when, not what */
			continue;
		entity_format(entity_variant(f, before), before, was, sizeof(was));
		entity_format(entity_variant(f, after), after, now, sizeof(now));
		if (!strcmp(was, now))
			continue;
		changed = 1;
		jw_key(&w, f->name);
		jw_obj(&w);
		jw_kstr(&w, "before", was);
		jw_kstr(&w, "after", now);
		jw_obj_end(&w);
	}
	jw_obj_end(&w);
	return changed;
}

/* The day a change takes effect: a price's effective day, else today. */
static int effective_day(const struct entity *e, const struct adjust_input *in, int32_t *day,
			 struct err *err)
{
	*day = date_today();
	for (int i = 0; i < in->nchanges; i++)
		if (!strcmp(in->changes[i].field, "effective") && in->changes[i].value &&
		    in->changes[i].value[0]) {
			const struct ent_field *f = entity_field(e, "effective");
			struct product p;
			if (entity_parse_text(f, in->changes[i].value, &p, err))
				return -1;
			*day = p.effective_on;
		}
	return 0;
}

static int audit_last(struct store *st, const char *entity, int64_t id, int64_t *out,
		      struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_AUDIT_LAST, err);
	int rc;

	if (!s)
		return -1;
	store_bind_text(st, s, 1, entity);
	store_bind_int(st, s, 2, id);
	*out = NO_ID;
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		*out = store_col_int(st, s, 0);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static int insert_row(struct tx *tx, struct adjustment *x, struct err *err)
{
	struct store *st = tx->st;
	struct stmt *s = store_prepare(st, SQL_INSERT, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, x->project_id);
	store_bind_text(st, s, 2, adjust_kind_str(x->kind));
	store_bind_int(st, s, 3, x->record_id);
	store_bind_text(st, s, 4, x->record);
	store_bind_text(st, s, 5, x->changes);
	store_bind_text(st, s, 6, x->reason);
	store_bind_int_or_null(st, s, 7, x->actor_id, NO_ID);
	store_bind_int(st, s, 8, x->at);
	store_bind_int(st, s, 9, x->effective_on);
	store_bind_text(st, s, 10, adjust_metric_str(x->metric));
	store_bind_text(st, s, 11, x->dim);
	store_bind_int(st, s, 12, x->dim_key);
	store_bind_int_or_null(st, s, 13, x->audit_id, NO_ID);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		x->id = store_col_int(st, s, 0);
	store_done(st, s);
	return rc == STORE_ROW ? 0 : -1;
}

static int last_id(struct store *st, int64_t *out, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_LAST_ID, err);
	int rc;

	if (!s)
		return -1;
	rc = store_step(st, s, err);
	*out = rc == STORE_ROW ? store_col_int(st, s, 0) : 0;
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* The row a goal's write kept after id last for goal record_id (0: none), given its audit row. */
static int hook_row(struct tx *tx, int64_t last, int64_t record_id, int64_t audit, int64_t *id,
		    struct err *err)
{
	struct store *st = tx->st;
	struct stmt *s = store_prepare(st, SQL_HOOK_ROW, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, last);
	store_bind_int(st, s, 2, record_id);
	rc = store_step(st, s, err);
	*id = rc == STORE_ROW ? store_col_int(st, s, 0) : 0;
	store_done(st, s);
	if (rc < 0 || !*id)
		return rc < 0 ? -1 : 0;
	s = store_prepare(st, SQL_SET_AUDIT, err);
	if (!s)
		return -1;
	store_bind_int_or_null(st, s, 1, audit, NO_ID);
	store_bind_int(st, s, 2, *id);
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/*
 * Keep out (its project, kind, record and changes filled; changes owned) with
 * the write's actor and moment, its reason, day and audit row, and the
 * adjustment's own audit row; what its effect reads follows from e and rec.
 */
static int keep(struct tx *tx, struct adjustment *out, const struct entity *e, const void *rec,
		const char *reason, int32_t effective_on, int64_t audit_id, struct err *err)
{
	snprintf(out->reason, sizeof(out->reason), "%s", reason);
	out->actor_id = tx->actor ? tx->actor->user_id : NO_ID;
	snprintf(out->actor, sizeof(out->actor), "%s", tx->actor ? tx->actor->login : "");
	out->at = tx->now;
	out->effective_on = effective_on;
	out->audit_id = audit_id;
	effect_target(out->kind, e, rec, out);
	if (insert_row(tx, out, err) ||
	    tx_audit(tx, "adjustment", out->id, "create", NULL, out->changes, err)) {
		adjustment_release(out);
		return -1;
	}
	return 0;
}

int adjust_record(struct tx *tx, int64_t project_id, enum adjust_kind kind,
		  const char *record, const void *before, const void *after, const char *reason,
		  int32_t effective_on, int64_t audit_id, struct adjustment *out, struct err *err)
{
	const struct entity *e = entity_find(kind_entity[kind]);
	struct buf changes = BUF_INIT;

	memset(out, 0, sizeof(*out));
	if (!changes_json(kind, e, before, after, &changes)) {
		buf_release(&changes);
		return 0;
	}
	out->project_id = project_id;
	out->kind = kind;
	out->record_id = rec_int(e, after, "id");
	snprintf(out->record, sizeof(out->record), "%s", record);
	out->changes = buf_detach(&changes, NULL);
	return keep(tx, out, e, after, reason, effective_on, audit_id, err);
}

int adjust_record_status(struct tx *tx, int64_t project_id, const char *record,
			 const char *before, const char *after, const int64_t margin[2],
			 const char *reason, int64_t audit_id, struct adjustment *out,
			 struct err *err)
{
	struct buf changes = BUF_INIT;
	struct jw w;

	memset(out, 0, sizeof(*out));
	jw_init(&w, &changes);
	jw_obj(&w);
	jw_key(&w, "status");
	jw_obj(&w);
	jw_kstr(&w, "before", before);
	jw_kstr(&w, "after", after);
	jw_obj_end(&w);
	if (margin && margin[0] != margin[1]) {
		char m[MONEY_FMT_MAX];
		jw_key(&w, "margin");
		jw_obj(&w);
		jw_kstr(&w, "before", money_format(margin[0], m));
		jw_kstr(&w, "after", money_format(margin[1], m));
		jw_obj_end(&w);
	}
	jw_obj_end(&w);
	out->project_id = project_id;
	out->kind = ADJ_PROJECT;
	out->record_id = project_id;
	snprintf(out->record, sizeof(out->record), "%s", record);
	out->changes = buf_detach(&changes, NULL);
	return keep(tx, out, NULL, NULL, reason, date_today(), audit_id, err);
}

/* Check the request before anything is read: the reason, each field named once and allowed. */
static int check_input(const struct adjust_input *in, char *why, size_t whylen,
		       struct err *err)
{
	if (text_field(why, whylen, in->reason ? in->reason : "", 1, 1, "reason", err))
		return -1;
	if (in->kind < 0 || in->kind >= ADJ__COUNT)
		return adjust_kind_parse("", NULL, err);
	if (in->kind == ADJ_PROJECT) /* its status moves by closing and reopening */
		return err_set(err, ERR_INVALID, "kind", "use_reopen",
			       "a project's status changes by closing or reopening it");
	if (in->nchanges < 1)
		return err_set(err, ERR_INVALID, "changes", "required", "changes is required");
	for (int i = 0; i < in->nchanges; i++) {
		if (!in->changes[i].field || !field_allowed(in->kind, in->changes[i].field))
			return err_set(err, ERR_INVALID, "changes", "adjust_field:kind,value",
				       "a %s adjustment cannot change \"%s\"",
				       adjust_kind_str(in->kind),
				       in->changes[i].field ? in->changes[i].field : "");
		for (int j = 0; j < i; j++)
			if (!strcmp(in->changes[i].field, in->changes[j].field))
				return err_set(err, ERR_INVALID, "changes", "adjust_twice:value",
					       "\"%s\" is given twice", in->changes[i].field);
	}
	return 0;
}

/*
 * The engine's input of the change: rec starts as before, each change parsed into it as a
 * user types it, at the version asked (or before's), and the reason for a noun that keeps
 * one too (a goal's revision, a price's history).
 */
static int build_input(const struct entity *e, const struct adjust_input *in, const char *why,
		       const void *before, void *rec, struct ent_input *ei, struct err *err)
{
	const struct ent_field *reason = entity_field(e, "reason");

	memcpy(rec, before, e->size);
	memset(ei, 0, sizeof(*ei));
	ei->rec = rec;
	ei->version = in->version == ADJUST_ANY_VERSION ? rec_int(e, before, "version") : in->version;
	/* a variant field is judged again as the record will be written: a none stays none */
	for (const struct ent_field *f = e->fields; f->name; f++)
		if (f->variant && (f->flags & EF_NULLABLE) && entity_is_none(f, before))
			entity_input_set(e, ei, f, 1);
	for (int i = 0; i < in->nchanges; i++)
		if (take_change(e, &in->changes[i], rec, ei, err))
			return -1;
	if (reason) {
		if (entity_parse_text(reason, why, rec, err))
			return -1;
		entity_input_set(e, ei, reason, 0);
	}
	return 0;
}

/* --- a goal's quota split ---------------------------------------------------------------- */

/* A target as users read it in the goal metric's unit: "300000.00", "12"; "" for none. */
static void quota_text(enum unit u, const struct quota_split *q, const char *login, char *out)
{
	out[0] = '\0';
	for (size_t i = 0; i < q->n; i++)
		if (!strcmp(q->lines[i].login, login)) {
			if (u == UNIT_MONEY)
				money_format(q->lines[i].target, out);
			else
				snprintf(out, MONEY_FMT_MAX, "%lld", (long long)q->lines[i].target);
		}
}

/* The lines of before with each change applied: a member named gets the target given. */
static int quota_lines(const struct goal *g, const struct quota_split *before,
		       const struct adjust_input *in, struct quota_input *lines, size_t *n,
		       struct err *err)
{
	enum unit u = metric_unit(g->metric);

	*n = 0;
	for (size_t i = 0; i < before->n; i++) {
		lines[*n].login = before->lines[i].login;
		lines[*n].target = before->lines[i].target;
		(*n)++;
	}
	for (int i = 0; i < in->nchanges; i++) {
		const struct adjust_change *c = &in->changes[i];
		int64_t v;
		size_t k;

		if (!c->value || !c->value[0])
			return err_set(err, ERR_INVALID, c->field, "required", "%s is required",
				       c->field);
		if (u == UNIT_MONEY ? money_parse(c->value, strlen(c->value), &v, c->field, err)
				    : int_parse(c->value, strlen(c->value), &v, c->field, err))
			return -1;
		for (k = 0; k < *n && strcmp(lines[k].login, c->field); k++)
			;
		if (k == *n)
			lines[(*n)++].login = c->field;
		lines[k].target = v;
	}
	return 0;
}

/* {"login":{"before","after"}} for each member whose target moved; 0 when none did. */
static int quota_changes(const struct goal *g, const struct quota_split *before,
			 const struct quota_split *after, struct buf *b)
{
	enum unit u = metric_unit(g->metric);
	struct jw w;
	int changed = 0;

	jw_init(&w, b);
	jw_obj(&w);
	for (int pass = 0; pass < 2; pass++) {
		const struct quota_split *q = pass ? before : after;
		for (size_t i = 0; i < q->n; i++) {
			const char *login = q->lines[i].login;
			char was[MONEY_FMT_MAX], now[MONEY_FMT_MAX];

			quota_text(u, before, login, was);
			quota_text(u, after, login, now);
			/* a member only in before is written on the second pass */
			if (!strcmp(was, now) || (pass && now[0]))
				continue;
			changed = 1;
			jw_key(&w, login);
			jw_obj(&w);
			jw_kstr(&w, "before", was);
			jw_kstr(&w, "after", now);
			jw_obj_end(&w);
		}
	}
	jw_obj_end(&w);
	return changed;
}

/*
 * A goal's quota split changed as an adjustment: the members named get their new
 * targets, the others keep theirs, and the split is judged whole by quota's own rules
 * (members only, summing to the goal's target) in the transaction that keeps the row.
 */
static int adjust_quota(struct store *st, const struct actor *a, const struct project *p,
			const struct adjust_input *in, const char *why, struct adjustment *out,
			struct err *err)
{
	struct goal g;
	struct quota_split before = { 0 }, after = { 0 };
	struct quota_input *lines = NULL;
	struct buf changes = BUF_INIT;
	struct tx tx = { 0 };
	int64_t goal_id, audit = NO_ID;
	size_t n = 0;
	int rc = -1;

	if (!in->record || !in->record[0])
		return err_set(err, ERR_INVALID, "record", "required", "record is required");
	if (int_parse(in->record, strlen(in->record), &goal_id, "record", err) ||
	    goal_get(st, a, p->code, goal_id, &g, err) ||
	    tx_begin_project_closed(&tx, st, a, p->id, p->code, PROLE_MANAGER,
				    "adjusting the project", err))
		return -1;
	/* the one way to change a closed project's quotas: its write passes the freeze */
	tx_adjusting(st, 1);
	if (quota_split_load(st, goal_id, &before, err))
		goto out;
	lines = xcalloc(before.n + (size_t)in->nchanges + 1, sizeof(*lines));
	if (quota_lines(&g, &before, in, lines, &n, err) ||
	    quota_split_write(&tx, p, &g,
			      in->version == ADJUST_ANY_VERSION ? QUOTA_ANY_VERSION : in->version,
			      lines, n, &after, err) ||
	    audit_last(st, "quota", goal_id, &audit, err))
		goto out;
	if (!quota_changes(&g, &before, &after, &changes)) {
		err_set(err, ERR_INVALID, "changes", "nothing_changed",
			"the adjustment changes nothing: every value is as it was");
		goto out;
	}
	memset(out, 0, sizeof(*out));
	out->project_id = p->id;
	out->kind = ADJ_QUOTA;
	out->record_id = goal_id;
	snprintf(out->record, sizeof(out->record), "%lld", (long long)goal_id);
	out->changes = buf_detach(&changes, NULL);
	snprintf(out->reason, sizeof(out->reason), "%s", why);
	out->actor_id = a->user_id;
	snprintf(out->actor, sizeof(out->actor), "%s", a->login);
	out->at = tx.now;
	out->effective_on = date_today();
	out->audit_id = audit;
	/* the goal's metric over the goal's scope, as a goal's own adjustment */
	effect_target(ADJ_GOAL, entity_find("goal"), &g, out);
	if (insert_row(&tx, out, err) ||
	    tx_audit(&tx, "adjustment", out->id, "create", NULL, out->changes, err) ||
	    tx_commit(&tx, err))
		goto out;
	rc = 0;
out:
	tx_adjusting(st, 0);
	if (rc) {
		tx_abort(&tx);
		adjustment_release(out);
	}
	quota_split_release(&before);
	quota_split_release(&after);
	buf_release(&changes);
	free(lines);
	return rc;
}

int adjust_apply(struct store *st, const struct actor *a, const char *project_code,
		 const struct adjust_input *in, struct adjustment *out, struct err *err)
{
	const struct entity *e;
	struct project p;
	struct ent_project ep, *pp = NULL;
	struct ent_input ei;
	struct tx tx = { 0 };
	void *before = NULL, *rec = NULL, *after = NULL;
	int64_t last = 0, audit = NO_ID, id = 0;
	int32_t day = NO_DATE;
	char why[1000];
	int rc = -1, adjusting = 0;

	memset(out, 0, sizeof(*out));
	if (project_load(st, project_code, &p, err) ||
	    require_project(st, a, p.id, project_code, PROLE_MANAGER, "adjusting the project", err) ||
	    check_input(in, why, sizeof(why), err))
		return -1;
	if (in->kind == ADJ_QUOTA)
		return adjust_quota(st, a, &p, in, why, out, err);
	e = entity_find(kind_entity[in->kind]);
	ep.id = p.id;
	ep.code = p.code;
	if (e->scope == ENT_PROJECT)
		pp = &ep;
	before = xcalloc(1, e->size);
	rec = xcalloc(1, e->size);
	after = xcalloc(1, e->size);
	if (!in->record || !in->record[0]) {
		err_set(err, ERR_INVALID, "record", "required", "record is required");
		goto out;
	}
	if (entity_get(st, a, e, pp, in->record, before, err))
		goto out;
	if (build_input(e, in, why, before, rec, &ei, err))
		goto out;
	if (effective_day(e, in, &day, err) ||
	    tx_begin_project_closed(&tx, st, a, p.id, project_code, PROLE_MANAGER,
				    "adjusting the project", err))
		goto out;
	/* the one way to change a closed project's figures: its writes pass the freeze */
	tx_adjusting(st, 1);
	adjusting = 1;
	if (last_id(st, &last, err) || entity_update(st, a, e, pp, in->record, &ei, after, err) ||
	    audit_last(st, e->name, rec_int(e, after, "id"), &audit, err))
		goto out;
	if (in->kind == ADJ_GOAL) {
		/* the goal's own write kept it (its after hook, given the reason): marked here
		 * with the audit row it rode with */
		if (hook_row(&tx, last, rec_int(e, after, "id"), audit, &id, err))
			goto out;
		if (id && adjust_get(st, a, project_code, id, out, err))
			goto out;
	} else if (adjust_record(&tx, p.id, in->kind, in->record, before, after, why, day, audit,
				 out, err)) {
		goto out;
	}
	if (!out->id) {
		err_set(err, ERR_INVALID, "changes", "nothing_changed",
			"the adjustment changes nothing: every value is as it was");
		goto out;
	}
	if (tx_commit(&tx, err))
		goto out;
	rc = 0;
out:
	if (adjusting)
		tx_adjusting(st, 0);
	if (rc) {
		tx_abort(&tx);
		adjustment_release(out);
	}
	free(before);
	free(rec);
	free(after);
	return rc;
}

/* --- reading ---------------------------------------------------------------------- */

static void read_row(struct store *st, struct stmt *s, struct adjustment *x)
{
	memset(x, 0, sizeof(*x));
	x->id = store_col_int(st, s, 0);
	x->project_id = store_col_int(st, s, 1);
	adjust_kind_parse(store_col_text(st, s, 2), &x->kind, NULL);
	x->record_id = store_col_int(st, s, 3);
	snprintf(x->record, sizeof(x->record), "%s", store_col_text(st, s, 4));
	x->changes = xstrdup(store_col_text(st, s, 5));
	snprintf(x->reason, sizeof(x->reason), "%s", store_col_text(st, s, 6));
	x->actor_id = store_col_int_or(st, s, 7, NO_ID);
	snprintf(x->actor, sizeof(x->actor), "%s", store_col_text(st, s, 8));
	x->at = store_col_int(st, s, 9);
	x->effective_on = (int32_t)store_col_int(st, s, 10);
	adjust_metric_parse(store_col_text(st, s, 11), &x->metric, NULL);
	snprintf(x->dim, sizeof(x->dim), "%s", store_col_text(st, s, 12));
	x->dim_key = store_col_int(st, s, 13);
	x->audit_id = store_col_int_or(st, s, 14, NO_ID);
}

int adjust_list(struct store *st, const struct actor *a, const char *project_code,
		const struct adjust_query *q, struct adjustment_list *out, struct err *err)
{
	struct project p;
	struct stmt *s;
	int rc;

	if (project_get(st, a, project_code, &p, err))
		return -1;
	s = store_prepare(st, SQL_LIST, err);
	if (!s)
		return -1;
	store_bind_int(st, s, 1, p.id);
	store_bind_text(st, s, 2, q && q->has_kind ? adjust_kind_str(q->kind) : "");
	store_bind_text(st, s, 3, q && q->record ? q->record : "");
	store_bind_int(st, s, 4, q && q->from_on != NO_DATE ? q->from_on : INT32_MIN + 1);
	store_bind_int(st, s, 5, q && q->to_on != NO_DATE ? q->to_on : INT32_MAX);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		read_row(st, s, &out->items[out->n++]);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int adjust_get(struct store *st, const struct actor *a, const char *project_code, int64_t id,
	       struct adjustment *out, struct err *err)
{
	struct project p;
	struct stmt *s;
	int rc;

	if (project_get(st, a, project_code, &p, err))
		return -1;
	s = store_prepare(st, SQL_GET, err);
	if (!s)
		return -1;
	store_bind_int(st, s, 1, p.id);
	store_bind_int(st, s, 2, id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		read_row(st, s, out);
	store_done(st, s);
	if (rc == STORE_DONE)
		return err_set(err, ERR_NOT_FOUND, "adjustment", "no_record:_,key",
			       "no %s \"%lld\"", "adjustment", (long long)id);
	return rc < 0 ? -1 : 0;
}

void adjustment_release(struct adjustment *x)
{
	free(x->changes);
	x->changes = NULL;
}

void adjustment_list_release(struct adjustment_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		adjustment_release(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = l->alloc = 0;
}

int adjust_change_next(const struct adjustment *x, size_t *at, struct buf *field,
		       const char **change, size_t *change_len)
{
	struct jval all = jscan_value(x->changes ? x->changes : "", x->changes ? strlen(x->changes) : 0);
	const char *const *f = x->kind >= 0 && x->kind < ADJ__COUNT ? kind_fields[x->kind] : NULL;

	for (;;) {
		struct jval key = { NULL, 0 }, c;
		size_t i = (*at)++;

		buf_reset(field);
		if (x->kind == ADJ_QUOTA) {
			/* the members' logins are the keys */
			c = jscan_member_at(all, i, &key);
			if (!c.n)
				return 0;
			if (jscan_text(key, field))
				continue;
		} else {
			if (!f || !f[i])
				return 0;
			c = jscan_member(all, f[i]);
			if (!c.n)
				continue;
			buf_adds(field, f[i]);
		}
		*change = c.p;
		*change_len = c.n;
		return 1;
	}
}

void adjust_changes_text(const struct adjustment *x, struct buf *out)
{
	struct buf field = BUF_INIT;
	const char *cp;
	size_t at = 0, cn;

	while (adjust_change_next(x, &at, &field, &cp, &cn)) {
		struct jval c = { cp, cn };
		if (out->len)
			buf_adds(out, "; ");
		if (x->kind == ADJ_QUOTA)
			buf_adds(out, "quota of ");
		buf_adds(out, field.p ? field.p : "");
		buf_adds(out, " ");
		jscan_text(jscan_member(c, "before"), out);
		buf_adds(out, " -> ");
		jscan_text(jscan_member(c, "after"), out);
	}
	buf_release(&field);
}

void adjustment_write_json(struct jw *w, const struct adjustment *x)
{
	jw_obj(w);
	jw_kint(w, "id", x->id);
	jw_kstr(w, "kind", adjust_kind_str(x->kind));
	jw_kstr(w, "record", x->record);
	jw_kint(w, "record_id", x->record_id);
	jw_key(w, "changes");
	jw_raw(w, x->changes && x->changes[0] ? x->changes : "{}");
	jw_kstr(w, "reason", x->reason);
	jw_kstr(w, "by", x->actor[0] ? x->actor : NULL);
	jw_kts(w, "at", x->at);
	jw_kdate(w, "effective", x->effective_on);
	jw_kstr(w, "metric", adjust_metric_str(x->metric));
	jw_kstr(w, "dim", x->dim);
	jw_key(w, "audit_id");
	if (x->audit_id == NO_ID)
		jw_null(w);
	else
		jw_int(w, x->audit_id);
	jw_obj_end(w);
}
