/*
 * goal.c - goals: definitions, revisions and check-ins.
 */
#include "core/goal.h"
#include "core/activity.h"
#include "core/adjust.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "core/catalog.h"
#include "core/project.h"
#include "core/comment.h"
#include "core/tx.h"
#include "core/user.h"
#include "base/banned.h"

/* The metrics: each described here once; the table and the names below come from it. */
#define METRIC_TABLE(X)                                                                       \
	X(METRIC_REVENUE, "revenue", UNIT_MONEY, 1, CALC_AMOUNT, SCOPE_SALES,                \
	  "the sales' amounts (quantity x unit price - discount)")                            \
	X(METRIC_GROSS_MARGIN, "gross_margin", UNIT_RATIO, 0, CALC_MARGIN, SCOPE_SALES,      \
	  "(revenue - cost) / revenue, cost from the price history")                          \
	X(METRIC_UNITS, "units", UNIT_COUNT, 1, CALC_QUANTITY, SCOPE_SALES, "the quantities sold") \
	X(METRIC_DEALS_WON, "deals_won", UNIT_COUNT, 1, CALC_DEALS_WON, SCOPE_SALES,         \
	  "deals won in the window (moved to the won stage, dated the win)")                              \
	X(METRIC_NEW_CUSTOMERS, "new_customers", UNIT_COUNT, 1, CALC_FIRST_PURCHASE, SCOPE_SALES, \
	  "customers whose first-ever purchase falls in the window")                          \
	X(METRIC_RETENTION_RATE, "retention_rate", UNIT_RATIO, 0, CALC_RETENTION, SCOPE_SALES, \
	  "of the baseline window's buyers, the share that bought again")                     \
	X(METRIC_AVG_DEAL_SIZE, "avg_deal_size", UNIT_MONEY, 0, CALC_DEAL_AVG, SCOPE_SALES,  \
	  "won deals' amount / number of deals won in the window")                  \
	X(METRIC_CUSTOM, "custom", UNIT_COUNT, 1, CALC_CHECKIN, 0,                           \
	  "a count reported by check-ins (its own unit name)")                                \
	X(METRIC_COLLECTIONS, "collections", UNIT_MONEY, 1, CALC_RECEIPTS,                   \
	  SCOPE_SEGMENT | SCOPE_CHANNEL | SCOPE_REP,                                          \
	  "money received (回款) in the window against the collections of won deals; a rep is " \
	  "the deal's owner, a segment or channel the deal's (a payment is for a deal, not a " \
	  "product)")                                                                        \
	X(METRIC_NPS, "nps", UNIT_RATIO, 0, CALC_NPS, SCOPE_SALES,                           \
	  "% promoters (9-10) - % detractors (0-6) of the feedback given in the window, as a " \
	  "rate (NPS 40 = 0.40)")

#define METRIC_DEF(m, name, unit, cumulative, calc, scopes, help) \
	[m] = { name, unit, cumulative, calc, scopes, help },
#define METRIC_NAME(m, name, ...) [m] = name,

const struct metric_def metric_defs[METRIC__COUNT] = { METRIC_TABLE(METRIC_DEF) };

/* The names, ended by NULL: the values of the goal's metric field. */
static const char *const metric_names[METRIC__COUNT + 1] = { METRIC_TABLE(METRIC_NAME) };

const struct metric_def *metric_def(enum metric m)
{
	return (unsigned)m < METRIC__COUNT ? &metric_defs[m] : NULL;
}

const char *goal_scope_key(int k)
{
	static const char *const keys[GOAL_SCOPE_KEYS] = { "segment", "channel", "product", "rep" };
	return k >= 0 && k < GOAL_SCOPE_KEYS ? keys[k] : NULL;
}

void metric_defs_write_json(struct jw *w)
{
	jw_obj(w);
	jw_key(w, "metrics");
	jw_arr(w);
	for (int m = 0; m < METRIC__COUNT; m++) {
		const struct metric_def *d = &metric_defs[m];
		jw_obj(w);
		jw_kstr(w, "name", d->name);
		jw_kstr(w, "unit", unit_str(d->unit));
		jw_kbool(w, "cumulative", d->cumulative);
		jw_kbool(w, "checkins", d->calc == CALC_CHECKIN);
		jw_key(w, "scopes");
		jw_arr(w);
		for (int k = 0; k < GOAL_SCOPE_KEYS; k++)
			if (d->scopes & (1u << k))
				jw_str(w, goal_scope_key(k));
		jw_arr_end(w);
		jw_kstr(w, "help", d->help);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

const char *metric_str(enum metric m)
{
	return (unsigned)m < METRIC__COUNT ? metric_defs[m].name : NULL;
}

int metric_parse(const char *s, enum metric *out, struct err *err)
{
	char names[200];
	size_t n = 0;

	for (int i = 0; i < METRIC__COUNT; i++)
		if (s && !strcmp(s, metric_defs[i].name)) {
			*out = (enum metric)i;
			return 0;
		}
	/* "revenue, gross_margin, ... or custom": the table's names, in its order */
	names[0] = '\0';
	for (int i = 0; i < METRIC__COUNT && n < sizeof(names); i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
				      i == 0 ? "" : i + 1 == METRIC__COUNT ? " or " : ", ",
				      metric_defs[i].name);
	return err_set(err, ERR_INVALID, "metric", "bad_metric:value", "\"%s\" is not a metric (%s)",
		       s ? s : "", names);
}

enum unit metric_unit(enum metric m)
{
	return (unsigned)m < METRIC__COUNT ? metric_defs[m].unit : UNIT_COUNT;
}

const char *unit_str(enum unit u)
{
	return u == UNIT_MONEY ? "money" : u == UNIT_RATIO ? "ratio" : "count";
}

int metric_cumulative(enum metric m)
{
	return (unsigned)m < METRIC__COUNT && metric_defs[m].cumulative;
}

/* "0.85" -> 8500, "85%" -> 8500, "85.5%" -> 8550, "1" -> 10000; no floating point. */
static int ratio_parse(const char *s, int64_t *out, const char *field, struct err *err)
{
	size_t len = strlen(s);
	int pct = len > 0 && s[len - 1] == '%';
	int64_t whole = 0, frac = 0;
	int nfrac = 0, ndig = 0;
	size_t i = 0;

	if (pct)
		len--;
	for (; i < len && s[i] != '.'; i++, ndig++) {
		if (s[i] < '0' || s[i] > '9' || whole > 1000000)
			goto bad;
		whole = whole * 10 + (s[i] - '0');
	}
	if (i < len) {
		for (i++; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				goto bad;
			if (nfrac < 6) {
				frac = frac * 10 + (s[i] - '0');
				nfrac++;
			} else if (s[i] != '0') {
				goto bad; /* more precision than a basis point of a percent */
			}
		}
	}
	if (ndig == 0 && nfrac == 0)
		goto bad;
	/* value = whole.frac in percent (pct) or as a fraction; basis points = 1e-4 */
	{
		int shift = pct ? 2 : 4; /* decimal places that become whole basis points */
		int64_t v = whole;
		for (int k = 0; k < shift; k++)
			v *= 10;
		for (int k = 0; k < nfrac; k++) {
			/* digit k of frac contributes at 10^(shift-1-k) */
			int64_t digit = frac;
			for (int m = nfrac - 1; m > k; m--)
				digit /= 10;
			digit %= 10;
			if (shift - 1 - k < 0) {
				if (digit)
					return err_set(err, ERR_INVALID, field, "rate_precision:value",
						       "\"%s\" is more precise than 0.01%%", s);
				continue;
			}
			int64_t place = 1;
			for (int m = 0; m < shift - 1 - k; m++)
				place *= 10;
			v += digit * place;
		}
		if (v > 10000)
			return err_set(err, ERR_INVALID, field, "rate_above_one:value",
				       "\"%s\" is above 100%%; a rate lies between 0 and 1", s);
		*out = v;
	}
	return 0;
bad:
	return err_set(err, ERR_INVALID, field, "not_rate:value",
		       "\"%s\" is not a rate (write 0.85 or 85%%)", s);
}

int goal_value_check(enum unit u, int64_t v, const char *field, struct err *err)
{
	char m[MONEY_FMT_MAX];

	if (v < 0)
		return err_set(err, ERR_INVALID, field, "negative:value", "\"%lld\" cannot be negative",
			       (long long)v);
	if (u == UNIT_RATIO) {
		if (v > 10000)
			return err_set(err, ERR_INVALID, field, "rate_above_one:value",
				       "\"%s\" is above 100%%; a rate lies between 0 and 1",
				       ratio_format(v, m));
		return 0;
	}
	/* a target or baseline is a total: no sum of sales can pass the limit of a total */
	if (v > MONEY_TOTAL_MAX) {
		if (u == UNIT_MONEY)
			money_format_grouped(MONEY_TOTAL_MAX, m);
		else
			snprintf(m, sizeof(m), "%lld", (long long)MONEY_TOTAL_MAX);
		return err_set(err, ERR_INVALID, field, "amount_limit:_,max", "%s is above the limit of %s",
			       field, m);
	}
	return 0;
}

int goal_value_parse(enum unit u, const char *s, int64_t *out, const char *field,
		     struct err *err)
{
	if (!s || !*s)
		return err_set(err, ERR_INVALID, field, "required", "a value is required");
	if (u == UNIT_RATIO)
		return ratio_parse(s, out, field, err);
	if (u == UNIT_MONEY) {
		if (money_parse(s, strlen(s), out, field, err))
			return -1;
	} else if (int_parse(s, strlen(s), out, field, err)) {
		return -1;
	} else if (*out < 0) {
		return err_set(err, ERR_INVALID, field, "negative:value", "\"%s\" cannot be negative", s);
	}
	return goal_value_check(u, *out, field, err);
}

void goal_value_format(enum unit u, int64_t v, char *out, size_t outlen)
{
	char m[MONEY_FMT_MAX];
	if (v == NO_VALUE)
		snprintf(out, outlen, "-");
	else if (u == UNIT_MONEY)
		snprintf(out, outlen, "%s", money_format_grouped(v, m));
	else if (u == UNIT_RATIO) {
		/* basis points to percent with one decimal: the one rule of ratios (money.h) */
		char r[RATIO_FMT_MAX];
		snprintf(out, outlen, "%s", ratio_format(v, r));
	}
	else
		snprintf(out, outlen, "%lld", (long long)v);
}

void goal_init(struct goal *g, int64_t project_id)
{
	memset(g, 0, sizeof(*g));
	g->project_id = project_id;
	g->metric = METRIC_NONE;
	g->target = NO_VALUE;
	g->baseline = NO_VALUE;
	g->baseline_start_on = g->baseline_end_on = NO_DATE;
	g->scope.segment_id = g->scope.channel_id = g->scope.product_id = g->scope.rep_id = NO_ID;
	g->start_on = g->due_on = NO_DATE;
	g->owner_id = NO_ID;
}

/* The scope keys, in goal_scope_key() order: what each names, its noun, where it goes. */
static const struct {
	const char *what;
	const struct entity *noun;
	size_t id_off, code_off;
} scope_keys[GOAL_SCOPE_KEYS] = {
	{ "segment", &segment_entity, offsetof(struct goal_scope, segment_id),
	  offsetof(struct goal_scope, segment) },
	{ "channel", &channel_entity, offsetof(struct goal_scope, channel_id),
	  offsetof(struct goal_scope, channel) },
	{ "product with SKU", &product_entity, offsetof(struct goal_scope, product_id),
	  offsetof(struct goal_scope, product) },
	{ "user", &user_entity, offsetof(struct goal_scope, rep_id),
	  offsetof(struct goal_scope, rep) },
};

char *goal_scope_code(struct goal_scope *sc, int k)
{
	return (char *)sc + scope_keys[k].code_off;
}

/* The ids of sc's codes; a code that names nothing is refused. */
static int resolve_scope(struct store *st, struct goal_scope *sc, struct err *err)
{
	for (int k = 0; k < GOAL_SCOPE_KEYS; k++) {
		const char *code = goal_scope_code(sc, k);
		int64_t *id = (int64_t *)((char *)sc + scope_keys[k].id_off);
		*id = NO_ID;
		if (!*code)
			continue;
		if (entity_ref_id(st, scope_keys[k].noun, code, id, err))
			return -1;
		if (*id == NO_ID)
			return err_set(err, ERR_INVALID, "scope", "no_scope_record:kind,code",
				       "no %s \"%s\"", scope_keys[k].what, code);
	}
	return 0;
}

void goal_input_init(struct goal_input *in)
{
	memset(in, 0, sizeof(*in));
	in->metric = METRIC_NONE;
	in->target = in->baseline = NO_VALUE;
	in->baseline_start_on = in->baseline_end_on = in->start_on = in->due_on = NO_DATE;
	in->scope.segment_id = in->scope.channel_id = in->scope.product_id = in->scope.rep_id = NO_ID;
}

int goal_input_unit(const struct goal_input *in, enum metric cur, const char *field,
		    enum unit *u, struct err *err)
{
	enum metric m = (in->set & GOAL_IN_METRIC) ? in->metric : cur;
	if (m == METRIC_NONE)
		return err_set(err, ERR_INVALID, field, "metric_first", "name the metric before the %s",
			       field);
	*u = metric_unit(m);
	return 0;
}

/* A value of in (target, baseline) onto *dst, checked in the goal's unit. */
static int take_value(const struct goal *g, int given, int64_t v, int64_t *dst, const char *field,
		      struct err *err)
{
	if (!given)
		return 0;
	if (v != NO_VALUE && g->metric == METRIC_NONE)
		return err_set(err, ERR_INVALID, field, "metric_first", "name the metric before the %s",
			       field);
	if (v != NO_VALUE && goal_value_check(metric_unit(g->metric), v, field, err))
		return -1;
	*dst = v;
	return 0;
}

static int take_text(char *dst, size_t size, int given, const char *v, int multiline,
		     const char *field, struct err *err)
{
	return given ? text_field(dst, size, v ? v : "", 0, multiline, field, err) : 0;
}

int goal_resolve(struct store *st, const struct goal_input *in, struct goal *g, int strict,
		 struct err *err)
{
	unsigned set = in->set;

	if (set & GOAL_IN_METRIC) {
		if (!metric_def(in->metric))
			return err_set(err, ERR_INVALID, "metric", "required", "a metric is required");
		if (g->metric != METRIC_NONE && metric_unit(g->metric) != metric_unit(in->metric) &&
		    !(set & GOAL_IN_TARGET) && g->target != NO_VALUE)
			return err_set(err, ERR_INVALID, "target", "metric_unit_changed:from,to",
				       "changing the metric from %s to %s changes its unit; give a "
				       "new target",
				       metric_str(g->metric), metric_str(in->metric));
		g->metric = in->metric;
	}
	if (take_text(g->name, sizeof(g->name), set & GOAL_IN_NAME, in->name, 0, "name", err) ||
	    take_value(g, set & GOAL_IN_TARGET, in->target, &g->target, "target", err) ||
	    take_value(g, set & GOAL_IN_BASELINE, in->baseline, &g->baseline, "baseline", err))
		return -1;
	if (set & GOAL_IN_START)
		g->start_on = in->start_on;
	if (set & GOAL_IN_DUE)
		g->due_on = in->due_on;
	if (set & GOAL_IN_BASELINE_START)
		g->baseline_start_on = in->baseline_start_on;
	if (set & GOAL_IN_BASELINE_END)
		g->baseline_end_on = in->baseline_end_on;
	if (set & GOAL_IN_SCOPE) {
		struct goal_scope sc = in->scope;
		if (resolve_scope(st, &sc, err))
			return -1;
		g->scope = sc;
	}
	if (set & GOAL_IN_OWNER) {
		g->owner_id = NO_ID;
		g->owner[0] = '\0';
		if (in->owner[0]) {
			if (entity_ref_id(st, &user_entity, in->owner, &g->owner_id, err))
				return -1;
			if (g->owner_id == NO_ID)
				return err_set(err, ERR_INVALID, "owner", "no_user:login", "no user \"%s\"",
					       in->owner);
			snprintf(g->owner, sizeof(g->owner), "%s", in->owner);
		}
	}
	if (take_text(g->rationale, sizeof(g->rationale), set & GOAL_IN_RATIONALE, in->rationale, 1,
		      "rationale", err) ||
	    take_text(g->objective, sizeof(g->objective), set & GOAL_IN_OBJECTIVE, in->objective, 1,
		      "objective", err) ||
	    take_text(g->checkin_rule, sizeof(g->checkin_rule), set & GOAL_IN_CHECKIN_RULE,
		      in->checkin_rule, 1, "checkin_rule", err) ||
	    take_text(g->custom_unit, sizeof(g->custom_unit), set & GOAL_IN_CUSTOM_UNIT,
		      in->custom_unit, 0, "custom_unit", err))
		return -1;
	/* only a custom goal names its unit; the others' units follow from the metric */
	if (g->metric != METRIC_CUSTOM && g->metric != METRIC_NONE)
		g->custom_unit[0] = '\0';
	return goal_check(g, strict, err);
}

int goal_check(const struct goal *g, int strict, struct err *err)
{
	if ((g->baseline_start_on == NO_DATE) != (g->baseline_end_on == NO_DATE))
		return err_set(err, ERR_INVALID, "baseline_end", "baseline_window_incomplete",
			       "a baseline window needs both a start and an end");
	if (g->baseline_start_on != NO_DATE && g->baseline_end_on < g->baseline_start_on)
		return err_set(err, ERR_INVALID, "baseline_end", "range_reversed",
			       "the baseline window ends before it starts");
	if (g->metric != METRIC_NONE &&
	    ((g->target != NO_VALUE &&
	      goal_value_check(metric_unit(g->metric), g->target, "target", err)) ||
	     (g->baseline != NO_VALUE &&
	      goal_value_check(metric_unit(g->metric), g->baseline, "baseline", err))))
		return -1;
	/* a scope narrows what the metric counts: only by the keys that apply to it */
	for (int k = 0; k < GOAL_SCOPE_KEYS && metric_def(g->metric); k++)
		if (goal_scope_code((struct goal_scope *)&g->scope, k)[0] &&
		    !(metric_def(g->metric)->scopes & (1u << k)))
			return err_set(err, ERR_INVALID, "scope", "scope_not_for_metric:metric,key",
				       "a %s goal cannot be narrowed by %s",
				       metric_str(g->metric), goal_scope_key(k));
	if (!strict)
		return 0;
	if (g->metric == METRIC_NONE)
		return err_set(err, ERR_INVALID, "metric", "required", "a metric is required");
	if (g->target == NO_VALUE)
		return err_set(err, ERR_INVALID, "target", "required", "a target is required");
	if (g->start_on == NO_DATE)
		return err_set(err, ERR_INVALID, "start", "required", "a start date is required");
	if (g->due_on == NO_DATE)
		return err_set(err, ERR_INVALID, "due", "required", "a due date is required");
	if (g->due_on < g->start_on) {
		char d1[DATE_FMT_MAX], d2[DATE_FMT_MAX];
		return err_set(err, ERR_INVALID, "due", "date_before_start:date,start",
			       "the due date %s is before the start %s", date_format(g->due_on, d1),
			       date_format(g->start_on, d2));
	}
	return 0;
}

/* --- JSON ------------------------------------------------------------------------ */

void goal_value_json(struct jw *w, const char *key, enum unit u, int64_t v)
{
	jw_key(w, key);
	if (v == NO_VALUE)
		jw_null(w);
	else if (u == UNIT_RATIO)
		jw_num(w, (double)v / 10000.0, 4);
	else
		jw_int(w, v);
}

void goal_write_fields(struct jw *w, const struct goal *g)
{
	enum unit u = metric_unit(g->metric);
	jw_kint(w, "id", g->id);
	jw_kstr(w, "name", g->name);
	jw_kstr(w, "metric", metric_str(g->metric));
	jw_kstr(w, "unit", g->metric == METRIC_NONE ? NULL : unit_str(u));
	goal_value_json(w, "target", u, g->target);
	goal_value_json(w, "baseline", u, g->baseline);
	jw_kdate(w, "baseline_start", g->baseline_start_on);
	jw_kdate(w, "baseline_end", g->baseline_end_on);
	jw_kdate(w, "start", g->start_on);
	jw_kdate(w, "due", g->due_on);
	goal_scope_write_json(w, &g->scope);
	jw_kstr(w, "owner", g->owner[0] ? g->owner : NULL);
	jw_kstr(w, "rationale", g->rationale);
	jw_kstr(w, "objective", g->objective);
	jw_kstr(w, "checkin_rule", g->checkin_rule);
	jw_kstr(w, "custom_unit", g->custom_unit);
	jw_kint(w, "version", g->version);
}

void goal_scope_write_json(struct jw *w, const struct goal_scope *sc)
{
	jw_key(w, "scope");
	jw_obj(w);
	jw_kstr(w, "segment", sc->segment[0] ? sc->segment : NULL);
	jw_kstr(w, "channel", sc->channel[0] ? sc->channel : NULL);
	jw_kstr(w, "product", sc->product[0] ? sc->product : NULL);
	jw_kstr(w, "rep", sc->rep[0] ? sc->rep : NULL);
	jw_obj_end(w);
}

void goal_write_json(struct jw *w, const struct goal *g)
{
	jw_obj(w);
	goal_write_fields(w, g);
	jw_obj_end(w);
}

static void goal_json(struct buf *b, const struct goal *g)
{
	struct jw w;
	jw_init(&w, b);
	goal_write_json(&w, g);
}

/* --- storage --------------------------------------------------------------------- */

static const char SQL_REVISION_INSERT[] =
	"INSERT INTO goal_revisions (goal_id, version, changed_by, changed_at, reason, snapshot) "
	"VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_REVISION_LIST[] =
	"SELECT r.id, r.goal_id, r.version, r.changed_by, COALESCE(u.login, ''), r.changed_at, "
	"r.reason, r.snapshot FROM goal_revisions r LEFT JOIN users u ON u.id = r.changed_by "
	"WHERE r.goal_id = ? ORDER BY r.version";
static const char SQL_CHECKIN_INSERT[] =
	"INSERT INTO goal_checkins (goal_id, on_date, value, note, created_by, created_at) "
	"VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_CHECKIN_LIST[] =
	"SELECT k.id, k.goal_id, k.on_date, k.value, k.note, k.created_by, COALESCE(u.login, ''), "
	"k.created_at FROM goal_checkins k LEFT JOIN users u ON u.id = k.created_by "
	"WHERE k.goal_id = ? ORDER BY k.on_date DESC, k.id DESC";
static const char SQL_CHECKIN_LATEST[] =
	"SELECT value FROM goal_checkins WHERE goal_id = ? AND on_date <= ? "
	"ORDER BY on_date DESC, id DESC LIMIT 1";

static int write_revision(struct tx *tx, const struct goal *g, const char *reason,
			  struct err *err)
{
	struct store *st = tx->st;
	struct buf snap = BUF_INIT;
	struct stmt *s = store_prepare(st, SQL_REVISION_INSERT, err);
	int rc;
	char why[300];

	if (!s)
		return -1;
	if (text_field(why, sizeof(why), reason ? reason : "", 0, 1, "reason", err))
		return -1;
	goal_json(&snap, g);
	store_bind_int(st, s, 1, g->id);
	store_bind_int(st, s, 2, g->version);
	store_bind_int_or_null(st, s, 3, tx->actor ? tx->actor->user_id : NO_ID, NO_ID);
	store_bind_int(st, s, 4, tx->now);
	store_bind_text(st, s, 5, why);
	store_bind_text(st, s, 6, buf_cstr(&snap));
	rc = store_step(st, s, err);
	store_done(st, s);
	buf_release(&snap);
	return rc < 0 ? -1 : 0;
}

/* --- the description ---------------------------------------------------------- */

#define F(field) offsetof(struct goal, field), sizeof(((struct goal *)0)->field)
#define REF(id, key)                                             \
	offsetof(struct goal, id), sizeof(int64_t), .key_off = offsetof(struct goal, key), \
	.key_size = sizeof(((struct goal *)0)->key)

/* A target or baseline as the goal's metric reads it, by unit: money, a ratio in [0, 1], a count. */
#define VALUE_AS(field, flags)                                                                  \
	{ [UNIT_MONEY] = { #field, EK_MONEY, flags, #field, F(field), 0, MONEY_TOTAL_MAX },      \
	  [UNIT_RATIO] = { #field, EK_RATIO, flags, #field, F(field), 0, 10000 },                \
	  [UNIT_COUNT] = { #field, EK_COUNT, flags, #field, F(field), 0, MONEY_TOTAL_MAX } }
static const struct ent_field target_as[] = VALUE_AS(target, EF_REQUIRED | EF_NULLABLE);
static const struct ent_field baseline_as[] = VALUE_AS(baseline, EF_NULLABLE);

static const struct ent_field *target_of(const void *rec)
{
	return &target_as[metric_unit(((const struct goal *)rec)->metric)];
}

static const struct ent_field *baseline_of(const void *rec)
{
	return &baseline_as[metric_unit(((const struct goal *)rec)->metric)];
}

static const struct ent_field goal_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "name", EK_TEXT, EF_FILTER | EF_SORT, "name", F(name), .help = "a short name",
	  .example = "Q1 revenue" },
	{ "metric", EK_CHOICE, EF_REQUIRED | EF_FILTER | EF_SORT, "metric", F(metric),
	  .values = metric_names, .help = "what is measured (GET /api/v1/goal-metrics)",
	  .example = "revenue" },
	{ "target", EK_COUNT, EF_REQUIRED | EF_NULLABLE, "target", F(target), 0, MONEY_TOTAL_MAX,
	  .help = "in the metric's unit: money in minor units, a ratio in [0, 1], a count",
	  .example = "1200000.00", .variant = target_of, .variant_by = "metric" },
	{ "baseline", EK_COUNT, EF_NULLABLE, "baseline", F(baseline), 0, MONEY_TOTAL_MAX,
	  .help = "what the target is compared with (default: the window before the start)",
	  .example = "1000000.00", .variant = baseline_of, .variant_by = "metric" },
	{ "baseline_start", EK_DATE, 0, "baseline_start_on", F(baseline_start_on),
	  .help = "another baseline window's first day (a retention cohort)" },
	{ "baseline_end", EK_DATE, 0, "baseline_end_on", F(baseline_end_on),
	  .help = "its last day" },
	{ "scope_segment", EK_REF, EF_NULLABLE | EF_FILTER, "scope_segment_id",
	  REF(scope.segment_id, scope.segment), .ref = &segment_entity,
	  .help = "counts the sales to this segment only" },
	{ "scope_channel", EK_REF, EF_NULLABLE | EF_FILTER, "scope_channel_id",
	  REF(scope.channel_id, scope.channel), .ref = &channel_entity,
	  .help = "counts the sales through this channel only" },
	{ "scope_product", EK_REF, EF_NULLABLE | EF_FILTER, "scope_product_id",
	  REF(scope.product_id, scope.product), .ref = &product_entity,
	  .help = "counts the sales of this product (SKU) only" },
	{ "scope_rep", EK_REF, EF_NULLABLE | EF_FILTER, "scope_rep_id",
	  REF(scope.rep_id, scope.rep), .ref = &user_entity,
	  .help = "counts this rep's sales only" },
	{ "start", EK_DATE, EF_REQUIRED | EF_SORT | EF_FILTER, "start_on", F(start_on),
	  .help = "the window's first day", .example = "2027-01-01" },
	{ "due", EK_DATE, EF_REQUIRED | EF_SORT | EF_FILTER, "due_on", F(due_on),
	  .help = "its last day (both included)", .example = "2027-03-31" },
	{ "owner", EK_REF, EF_NULLABLE | EF_FILTER | EF_SORT, "owner_id", REF(owner_id, owner),
	  .ref = &user_entity, .help = "who answers for the goal", .example = "li.na" },
	{ "rationale", EK_NOTE, 0, "rationale", F(rationale),
	  .help = "why this target matters (R of SMART)" },
	{ "objective", EK_NOTE, 0, "objective", F(objective),
	  .help = "the company objective it serves (default: the project's)" },
	{ "checkin_rule", EK_NOTE, 0, "checkin_rule", F(checkin_rule),
	  .help = "custom metrics: who reports the value, how and how often" },
	{ "custom_unit", EK_TEXT, 0, "custom_unit", F(custom_unit),
	  .help = "what a custom goal counts (\"partners\"); \"\" for the others" },
	{ "reason", EK_NOTE, EF_INPUT, NULL, F(reason),
	  .help = "why this change (kept in the goal's history)" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

/* The engine's check: the rules across fields, on the record as it will be written. */
static int check_hook(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
		      struct err *err)
{
	(void)tx, (void)before, (void)in;
	return goal_check(rec, 1, err);
}

/*
 * A customer metric's scope keys have their customers' days kept from now on
 * (activity.h), so its progress never reads the sales; built once, here.
 */
static int keep_activity(struct tx *tx, const struct goal *g, struct err *err)
{
	if (g->metric != METRIC_NEW_CUSTOMERS && g->metric != METRIC_RETENTION_RATE)
		return 0;
	return (g->scope.segment_id != NO_ID &&
		activity_track(tx->st, "segment", g->scope.segment_id, err)) ||
	       (g->scope.channel_id != NO_ID &&
		activity_track(tx->st, "channel", g->scope.channel_id, err)) ||
	       (g->scope.product_id != NO_ID &&
		activity_track(tx->st, "product", g->scope.product_id, err)) ||
	       (g->scope.rep_id != NO_ID && activity_track(tx->st, "rep", g->scope.rep_id, err))
		       ? -1
		       : 0;
}

/* Every saved state is kept as a revision, with the reason of the change. */
static int after_hook(struct tx *tx, const void *before, const void *after,
		      const struct ent_input *in, struct err *err)
{
	const struct goal *g = after;

	if (!g) /* a deleted goal's revisions go with it, its comments here */
		return comment_forget(tx, "goal", ((const struct goal *)before)->id, err);
	if (keep_activity(tx, g, err))
		return -1;
	/* a change of target, window or scope given a reason is an adjustment (core/adjust.h) */
	if (before && g->reason[0] && in && in->project) {
		struct adjustment x;
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)g->id);
		if (adjust_record(tx, in->project->id, ADJ_GOAL, key, before, g, g->reason,
				  date_today(), NO_ID, &x, err))
			return -1;
		adjustment_release(&x);
	}
	return write_revision(tx, g, !before && !g->reason[0] ? "created" : g->reason, err);
}

ENTITY(goal) = {
	.name = "goal",
	.plural = "goals",
	.table = "goals",
	.summary = "a SMART goal of a sales project",
	.size = sizeof(struct goal),
	.fields = goal_fields,
	.scope = ENT_PROJECT,
	.read_prole = PROLE_VIEWER,
	.write_prole = PROLE_MANAGER,
	.order = "t.id",
	.hooks = { .check = check_hook, .after = after_hook },
	.own_faces = 1,
};

/* --- through the engine ----------------------------------------------------------- */

/* The project named code, for the engine; the actor must be a manager of it to change goals. */
static int project_for(struct store *st, const struct actor *a, const char *code, int manage,
		       const char *what, struct project *p, struct ent_project *ep,
		       struct err *err)
{
	if (manage ? project_load(st, code, p, err) ||
			     require_project(st, a, p->id, code, PROLE_MANAGER, what, err)
		   : project_get(st, a, code, p, err))
		return -1;
	ep->id = p->id;
	ep->code = p->code;
	return 0;
}

/* The input that gives every field of g (as resolved by goal_resolve), and why. */
static void whole(struct goal *g, const char *reason, struct ent_input *in)
{
	memset(in, 0, sizeof(*in));
	snprintf(g->reason, sizeof(g->reason), "%s", reason ? reason : "");
	in->rec = g;
	for (const struct ent_field *f = goal_entity.fields; f->name; f++)
		if (!(f->flags & EF_READONLY) && f->kind != EK_ID && f->kind != EK_VERSION)
			entity_input_set(&goal_entity, in, f,
					 entity_is_none(f, g) && (f->flags & EF_NULLABLE));
}

int goal_create(struct store *st, const struct actor *a, const char *project_code,
		const struct goal_input *in, struct goal *out, struct err *err)
{
	struct project p;
	struct ent_project ep;
	struct ent_input ei;
	struct goal g;

	if (project_for(st, a, project_code, 1, "setting goals", &p, &ep, err))
		return -1;
	goal_init(&g, p.id);
	if (goal_resolve(st, in, &g, 1, err))
		return -1;
	whole(&g, in->reason, &ei);
	if (entity_create(st, a, &goal_entity, &ep, &ei, out, err))
		return -1;
	out->project_id = p.id;
	return 0;
}

static int get_in(struct store *st, const struct actor *a, const struct ent_project *ep,
		  int64_t id, struct goal *out, struct err *err)
{
	char key[24];
	snprintf(key, sizeof(key), "%lld", (long long)id);
	if (entity_get(st, a, &goal_entity, ep, key, out, err))
		return -1;
	out->project_id = ep->id;
	return 0;
}

int goal_get(struct store *st, const struct actor *a, const char *project_code, int64_t id,
	     struct goal *out, struct err *err)
{
	struct project p;
	struct ent_project ep;

	if (project_for(st, a, project_code, 0, NULL, &p, &ep, err))
		return -1;
	return get_in(st, a, &ep, id, out, err);
}

int goal_list(struct store *st, const struct actor *a, const char *project_code,
	      struct goal_list *out, struct err *err)
{
	struct project p;
	struct ent_project ep;
	struct ent_query q = { 0 };
	struct ent_rows rows = { 0 };

	if (project_for(st, a, project_code, 0, NULL, &p, &ep, err) ||
	    entity_list(st, a, &goal_entity, &ep, &q, &rows, err))
		return -1;
	for (size_t i = 0; i < rows.n; i++) {
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		out->items[out->n] = ((struct goal *)rows.items)[i];
		out->items[out->n++].project_id = p.id;
	}
	entity_rows_release(&rows);
	return 0;
}

void goal_list_release(struct goal_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = l->alloc = 0;
}

/* The goal id of the project, at version: a stale version is refused before anything else. */
static int goal_for_change(struct store *st, const struct actor *a, const char *project_code,
			   int64_t id, int64_t version, struct ent_project *ep, struct project *p,
			   struct goal *cur, struct err *err)
{
	if (project_for(st, a, project_code, 1, "changing goals", p, ep, err) ||
	    get_in(st, a, ep, id, cur, err))
		return -1;
	if (version != cur->version) {
		char name[32];
		snprintf(name, sizeof(name), "%lld", (long long)id);
		return tx_version_conflict("goal", name, version, cur->version, err);
	}
	return 0;
}

int goal_update(struct store *st, const struct actor *a, const char *project_code, int64_t id,
		int64_t version, const struct goal_input *in, struct goal *out, struct err *err)
{
	struct project p;
	struct ent_project ep;
	struct ent_input ei;
	struct goal g;
	char key[24];

	if (goal_for_change(st, a, project_code, id, version, &ep, &p, &g, err) ||
	    goal_resolve(st, in, &g, 1, err))
		return -1;
	whole(&g, in->reason, &ei);
	ei.version = version;
	snprintf(key, sizeof(key), "%lld", (long long)id);
	if (entity_update(st, a, &goal_entity, &ep, key, &ei, out, err))
		return -1;
	out->project_id = p.id;
	return 0;
}

int goal_delete(struct store *st, const struct actor *a, const char *project_code, int64_t id,
		int64_t version, struct err *err)
{
	struct project p;
	struct ent_project ep;
	struct goal cur;
	char key[24];

	if (goal_for_change(st, a, project_code, id, version, &ep, &p, &cur, err))
		return -1;
	snprintf(key, sizeof(key), "%lld", (long long)id);
	return entity_delete(st, a, &goal_entity, &ep, key, version, err);
}

int goal_revisions(struct store *st, const struct actor *a, const char *project_code,
		   int64_t id, struct goal_revision_list *out, struct err *err)
{
	struct goal g;
	struct stmt *s;
	int rc;

	if (goal_get(st, a, project_code, id, &g, err))
		return -1;
	s = store_prepare(st, SQL_REVISION_LIST, err);
	if (!s)
		return -1;
	store_bind_int(st, s, 1, id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct goal_revision *v;
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		v = &out->items[out->n++];
		v->id = store_col_int(st, s, 0);
		v->goal_id = store_col_int(st, s, 1);
		v->version = store_col_int(st, s, 2);
		v->changed_by = store_col_int_or(st, s, 3, NO_ID);
		snprintf(v->changed_by_login, sizeof(v->changed_by_login), "%s",
			 store_col_text(st, s, 4));
		v->changed_at = store_col_int(st, s, 5);
		snprintf(v->reason, sizeof(v->reason), "%s", store_col_text(st, s, 6));
		v->snapshot = xstrdup(store_col_text(st, s, 7));
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

void goal_revisions_write_json(struct jw *w, const struct goal_revision_list *l)
{
	jw_obj(w);
	jw_key(w, "revisions");
	jw_arr(w);
	for (size_t i = 0; i < l->n; i++) {
		const struct goal_revision *v = &l->items[i];
		jw_obj(w);
		jw_kint(w, "version", v->version);
		jw_kstr(w, "changed_by", v->changed_by_login[0] ? v->changed_by_login : NULL);
		jw_kts(w, "changed_at", v->changed_at);
		jw_kstr(w, "reason", v->reason);
		jw_key(w, "goal");
		jw_raw(w, v->snapshot);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

void goal_revision_list_release(struct goal_revision_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i].snapshot);
	free(l->items);
	l->items = NULL;
	l->n = l->alloc = 0;
}

int goal_checkin(struct store *st, const struct actor *a, const char *project_code, int64_t id,
		 int32_t on_date, int64_t value, const char *note, struct goal_checkin *out,
		 struct err *err)
{
	struct project p;
	struct goal g;
	struct tx tx = { 0 };
	struct buf after = BUF_INIT;
	struct stmt *s;
	struct jw w;
	int rc, r = -1;

	if (project_load(st, project_code, &p, err) ||
	    require_project(st, a, p.id, project_code, PROLE_MEMBER, "checking in", err) ||
	    goal_get(st, a, project_code, id, &g, err))
		return -1;
	if (metric_def(g.metric)->calc != CALC_CHECKIN)
		return err_set(err, ERR_INVALID, "goal", "checkin_custom_only:id,metric",
			       "goal %lld measures %s from recorded data; only custom goals take "
			       "check-ins",
			       (long long)id, metric_str(g.metric));
	if (g.owner_id != a->user_id && project_access(st, a, p.id, err) < PROLE_MANAGER)
		return err_set(err, ERR_DENIED, NULL, "checkin_denied",
			       "only the goal's owner or a project manager may check in");
	memset(out, 0, sizeof(*out));
	out->value = value;
	if (goal_value_check(metric_unit(g.metric), value, "value", err) ||
	    text_field(out->note, sizeof(out->note), note ? note : "", 0, 1, "note", err))
		return -1;
	if (on_date == NO_DATE)
		on_date = date_today();
	out->goal_id = id;
	out->on_date = on_date;
	if (tx_begin_project(&tx, st, a, p.id, project_code, PROLE_MEMBER, "checking in",
			     err))
		return -1;
	s = store_prepare(st, SQL_CHECKIN_INSERT, err);
	if (!s)
		goto out;
	store_bind_int(st, s, 1, id);
	store_bind_int(st, s, 2, on_date);
	store_bind_int(st, s, 3, out->value);
	store_bind_text(st, s, 4, out->note);
	store_bind_int(st, s, 5, a->user_id);
	store_bind_int(st, s, 6, tx.now);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		out->id = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0)
		goto out;
	out->created_by = a->user_id;
	out->created_at = tx.now;
	jw_init(&w, &after);
	jw_obj(&w);
	jw_kint(&w, "goal_id", id);
	jw_kdate(&w, "date", on_date);
	jw_kint(&w, "value", out->value);
	jw_kstr(&w, "note", out->note);
	jw_obj_end(&w);
	if (tx_audit(&tx, "goal_checkin", out->id, "create", NULL, buf_cstr(&after), err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	buf_release(&after);
	return r;
}

int goal_checkins(struct store *st, const struct actor *a, const char *project_code, int64_t id,
		  struct goal_checkin_list *out, struct err *err)
{
	struct goal g;
	struct stmt *s;
	int rc;

	if (goal_get(st, a, project_code, id, &g, err))
		return -1;
	s = store_prepare(st, SQL_CHECKIN_LIST, err);
	if (!s)
		return -1;
	store_bind_int(st, s, 1, id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct goal_checkin *k;
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		k = &out->items[out->n++];
		memset(k, 0, sizeof(*k));
		k->id = store_col_int(st, s, 0);
		k->goal_id = store_col_int(st, s, 1);
		k->on_date = (int32_t)store_col_int(st, s, 2);
		k->value = store_col_int(st, s, 3);
		snprintf(k->note, sizeof(k->note), "%s", store_col_text(st, s, 4));
		k->created_by = store_col_int_or(st, s, 5, NO_ID);
		snprintf(k->created_by_login, sizeof(k->created_by_login), "%s",
			 store_col_text(st, s, 6));
		k->created_at = store_col_int(st, s, 7);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

void goal_checkin_write_json(struct jw *w, const struct goal_checkin *ck, enum unit u)
{
	jw_obj(w);
	jw_kint(w, "id", ck->id);
	jw_kint(w, "goal_id", ck->goal_id);
	jw_kdate(w, "date", ck->on_date);
	goal_value_json(w, "value", u, ck->value);
	jw_kstr(w, "note", ck->note);
	jw_obj_end(w);
}

void goal_checkin_list_release(struct goal_checkin_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = l->alloc = 0;
}

int goal_checkin_value(struct store *st, int64_t goal_id, int32_t day, int64_t *value,
		       struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_CHECKIN_LATEST, err);
	int rc;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, goal_id);
	store_bind_int(st, s, 2, day);
	rc = store_step(st, s, err);
	*value = rc == STORE_ROW ? store_col_int(st, s, 0) : NO_VALUE;
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}
