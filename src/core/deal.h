/*
 * deal.h - the pipeline (step 4 of the method, execution): a project's deals
 * (a noun of the entity engine, deal_entity: /api/v1/projects/{code}/deals,
 * `salespm deal`), their products (deal lines), the project's stages, the
 * stage move that keeps every change in the deal's history, and the users'
 * saved board views. Winning a deal records its lines as sales (core/sale.c)
 * and counts it in the won-deal rollup the deals_won and avg_deal_size goals
 * read; moving a won deal on removes both again, in the same transaction.
 *
 * Who may write: project owners and managers (and admins) any deal; members
 * the deals they own; viewers read. Tables in store/schema/017-deals.sql.
 */
#ifndef CORE_DEAL_H
#define CORE_DEAL_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"
#include "core/entity.h"

extern const struct entity deal_entity;

/* --- stages ------------------------------------------------------------------ */

#define DEAL_MAX_STAGES 12

struct deal_stage {
	char code[32];
	char name[64];         /* "" for a standard stage (the UI names it) */
	int64_t probability_bp; /* the default probability of a deal entering it */
	char kind[8];          /* open, won or lost */
};

struct deal_pipeline {
	struct deal_stage stages[DEAL_MAX_STAGES];
	int n;
	int custom;          /* the project has stages of its own (else the standard ones) */
	int64_t stale_days;  /* an open deal without a stage change for this long is stale */
	int64_t version;     /* of the settings (0: never set) */
};

/* The project's stages and settings (any member reads them). */
int deal_pipeline_get(struct store *st, const struct actor *a, const char *project_code,
		      struct deal_pipeline *out, struct err *err);

/*
 * Replace the project's stages (in order) and its stale threshold (managers
 * and owners). Exactly one won and one lost stage and at least one open one;
 * a stage deals are in may not be removed or change its kind. version: the
 * settings' version as read (DEAL_ANY_VERSION: as they are now).
 */
#define DEAL_ANY_VERSION INT64_MIN
int deal_pipeline_put(struct store *st, const struct actor *a, const char *project_code,
		      const struct deal_pipeline *in, int64_t version, struct deal_pipeline *out,
		      struct err *err);

void deal_pipeline_write_json(struct jw *w, const struct deal_pipeline *p);

/* --- lines ------------------------------------------------------------------- */

#define DEAL_MAX_LINES 50

/* A line as given: a unit price of DEAL_PRICE_IN_FORCE is the product's list price today. */
#define DEAL_PRICE_IN_FORCE INT64_MIN
struct deal_line_input {
	const char *product; /* SKU */
	int64_t quantity, unit_price_minor, discount_minor;
};

/*
 * Replace the lines of deal id (its id's text) at version; the deal's amount
 * becomes their sum. A won deal's lines are its sales: refused (reopen it).
 * out is the deal now (deal_entity.size bytes).
 */
int deal_lines_set(struct store *st, const struct actor *a, const char *project_code,
		   const char *id, int64_t version, const struct deal_line_input *lines, size_t n,
		   void *out, struct err *err);

/* --- the stage move -------------------------------------------------------------- */

struct deal_move {
	const char *stage;
	int64_t version;
	const char *lost_reason; /* required into a lost stage */
	int32_t won_on;          /* into a won stage: the day it was won (NO_DATE = today) */
};

/*
 * Move deal id to another stage at m->version (ERR_CONFLICT when stale), kept
 * in its history. Into the won stage: its lines become sales dated the win
 * (rep the owner); out of it: those sales are deleted. out: the deal now.
 */
int deal_move_stage(struct store *st, const struct actor *a, const char *project_code,
		    const char *id, const struct deal_move *m, void *out, struct err *err);

/* --- a deal's past, recorded after the fact -------------------------------------- */

/*
 * A deal as it went (the demo's year, a CRM's past): the stages it entered in
 * order, with the day of each (path[0] its creation; the last its stage now).
 * A deal that ended won names the sales already recorded that it became
 * (their lines are its lines, their date its win day, their customer, rep,
 * channel and segment its own); any other names its customer, owner, channel,
 * segment and amount. Managers only; one transaction, audited.
 */
struct deal_past {
	const char *title, *customer, *owner, *channel, *segment, *note, *lost_reason;
	int32_t expected_close_on;
	int64_t amount_minor;
	const int64_t *sales;
	size_t nsales;
	const char *const *path;
	const int32_t *days;
	int npath;
};

int deal_record_past(struct store *st, const struct actor *a, const char *project_code,
		     const struct deal_past *in, int64_t *id, struct err *err);

/* --- history ------------------------------------------------------------------ */

struct deal_change {
	char from[32]; /* "" for the deal's creation */
	char to[32];
	int64_t probability_bp, amount_minor;
	char by[64]; /* login, "" when unknown */
	int64_t at;
	int32_t on;
};

struct deal_history {
	struct deal_change *items;
	size_t n, alloc;
};

/* Every stage change of deal id, oldest first. */
int deal_history_get(struct store *st, const struct actor *a, const char *project_code,
		     const char *id, struct deal_history *out, struct err *err);
void deal_history_release(struct deal_history *h);
void deal_history_write_json(struct jw *w, const char *id, const struct deal_history *h);

/* --- saved views --------------------------------------------------------------- */

struct deal_view {
	int64_t id;
	char name[64];
	char filters[2048]; /* a JSON object, as the UI saved it */
	int64_t created_at;
};

struct deal_views {
	struct deal_view *items;
	size_t n, alloc;
};

/* The caller's saved views of the project's board, by name. */
int deal_views_list(struct store *st, const struct actor *a, const char *project_code,
		    struct deal_views *out, struct err *err);
/* Save (or replace, by name) one of the caller's views; filters is JSON object text. */
int deal_view_save(struct store *st, const struct actor *a, const char *project_code,
		   const char *name, const char *filters, struct deal_view *out, struct err *err);
/* Delete one of the caller's views. */
int deal_view_delete(struct store *st, const struct actor *a, const char *project_code,
		     int64_t id, struct err *err);
void deal_views_release(struct deal_views *v);
void deal_view_write_json(struct jw *w, const struct deal_view *v);

#endif
