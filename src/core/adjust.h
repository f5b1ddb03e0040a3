/*
 * adjust.h - step 6 of the method: a change to a running project's goal,
 * channel, price, promotion, channel plan or plan task made as an adjustment.
 * The change runs through the noun's own write (the entity engine, with its
 * checks, hooks, version and audit row) inside one transaction with the
 * adjustment row: what changed, before -> after, the reason (required), who,
 * when, the day it takes effect and the audit row it rode with. A refused
 * change writes no adjustment; an adjustment without a reason changes nothing.
 */
#ifndef CORE_ADJUST_H
#define CORE_ADJUST_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"

/* What an adjustment changes (the wire names: adjust_kind_str). */
enum adjust_kind {
	ADJ_GOAL,
	ADJ_CHANNEL,
	ADJ_PRICE,
	ADJ_PROMOTION,
	ADJ_CHANNEL_PLAN,
	ADJ_PLAN,
	ADJ_QUOTA, /* a goal's quota split: each change a member's login and new target */
	ADJ_PROJECT, /* a closed project reopened (project_reopen): its status, not adjust_apply */
	ADJ__COUNT
};

/* The metric an adjustment's effect is measured by. */
enum adjust_metric { ADJ_REVENUE, ADJ_UNITS, ADJ_MARGIN, ADJ_METRIC__COUNT };

/* "goal", "channel", "price", "promotion", "channel_plan", "plan", "quota", "project". */
const char *adjust_kind_str(enum adjust_kind k);
int adjust_kind_parse(const char *s, enum adjust_kind *out, struct err *err);
/* "revenue", "units", "margin". */
const char *adjust_metric_str(enum adjust_metric m);
int adjust_metric_parse(const char *s, enum adjust_metric *out, struct err *err);

/*
 * The fields an adjustment of kind k may change, ended by NULL (a goal's
 * target, start, due and scope; a channel's active flag and cost rate; a
 * product's price and cost with the day they take effect; ...). A quota
 * adjustment names members by login instead: its list is empty.
 */
const char *const *adjust_fields(enum adjust_kind k);

#define ADJUST_MAX_CHANGES 32
#define ADJUST_ANY_VERSION (-1)

/* One field to change: its name and the value as a user types it (NULL or "": none). */
struct adjust_change {
	const char *field;
	const char *value;
};

/* What a face asks for. */
struct adjust_input {
	enum adjust_kind kind;
	const char *record; /* the record's key: a goal's, plan's or task's id, a code, a SKU */
	int nchanges;
	struct adjust_change changes[ADJUST_MAX_CHANGES];
	const char *reason;
	int64_t version; /* the record's version being changed (ADJUST_ANY_VERSION: as it is) */
};

struct adjustment {
	int64_t id, project_id;
	enum adjust_kind kind;
	int64_t record_id;
	char record[64];
	char *changes; /* JSON text {"field":{"before","after"}}, owned */
	char reason[1000];
	int64_t actor_id;
	char actor[64];
	int64_t at;
	int32_t effective_on;
	enum adjust_metric metric;
	char dim[16];    /* the sale_rollup dimension the effect reads: "all", "product", ... */
	int64_t dim_key; /* its key (0 for "all") */
	int64_t audit_id; /* NO_ID when none */
};

struct adjustment_list {
	struct adjustment *items;
	size_t n, alloc;
};

/* Filters of a timeline; none set: every adjustment. */
struct adjust_query {
	int has_kind;
	enum adjust_kind kind;
	const char *record;   /* the record's key as given, or NULL */
	int32_t from_on, to_on; /* effective days, NO_DATE = open */
};

/*
 * Make an adjustment in the project (a project manager): the reason checked
 * first, then the kind, the record (at in->version: ERR_CONFLICT when stale)
 * and each field; the change and the adjustment row are one transaction.
 * A change that changes nothing is refused (reason nothing_changed).
 */
int adjust_apply(struct store *st, const struct actor *a, const char *project_code,
		 const struct adjust_input *in, struct adjustment *out, struct err *err);

/*
 * Inside a write (tx) that changed a record of kind from before to after (records of the
 * kind's noun): keep the adjustment of project_id with its reason when any of the kind's
 * fields changed (out->id 0 when none did), effective on effective_on, with the audit row
 * the change wrote (NO_ID: not written yet; a goal's is found by its moment when read).
 * A goal's own update given a reason calls it from its hook (core/goal.c).
 */
struct tx;
int adjust_record(struct tx *tx, int64_t project_id, enum adjust_kind kind,
		  const char *record, const void *before, const void *after, const char *reason,
		  int32_t effective_on, int64_t audit_id, struct adjustment *out, struct err *err);

/*
 * Inside a write (tx) that changed project record's status from before to
 * after (a reopen): keep the adjustment of kind project with its reason,
 * effective today, with the audit row the change wrote. margin (NULL: none)
 * is the project's sales margin before and after the reopen re-costed its
 * sales: kept as a "margin" change (money text) when the two differ, so the
 * figures the reopen moved are on record with the reason.
 */
int adjust_record_status(struct tx *tx, int64_t project_id, const char *record,
			 const char *before, const char *after, const int64_t margin[2],
			 const char *reason, int64_t audit_id, struct adjustment *out,
			 struct err *err);

/* The project's adjustments, newest effective day first (any member). */
int adjust_list(struct store *st, const struct actor *a, const char *project_code,
		const struct adjust_query *q, struct adjustment_list *out, struct err *err);

/* One adjustment of the project. */
int adjust_get(struct store *st, const struct actor *a, const char *project_code, int64_t id,
	       struct adjustment *out, struct err *err);

void adjustment_release(struct adjustment *x);
void adjustment_list_release(struct adjustment_list *l);

/* The changes as one line: "price 199.00 -> 169.00; cost ..." (appended to out). */
struct buf;
void adjust_changes_text(const struct adjustment *x, struct buf *out);

/*
 * The changes of x one by one: from *at = 0, each call gives the next field changed (its
 * name into field, replaced; for a quota the member's login) and its {"before","after"}
 * object (its text into change: start/length); 0 once there is none left.
 */
int adjust_change_next(const struct adjustment *x, size_t *at, struct buf *field,
		       const char **change, size_t *change_len);

/* {"id","kind","record","record_id","changes":[...],"reason","by","at","effective",...} */
void adjustment_write_json(struct jw *w, const struct adjustment *x);

#endif
