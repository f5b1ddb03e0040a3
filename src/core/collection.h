/*
 * collection.h - collections (回款, step 4 of the method: execution): the
 * payments planned for a won deal, each with its due date and amount, and the
 * receipts against it; a collection's status (planned, partly_received,
 * received, overdue) as of today; outstanding and overdue totals per project,
 * customer and owner (the deal's); the money received in a window for the
 * collections goal metric.
 */
#ifndef CORE_COLLECTION_H
#define CORE_COLLECTION_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"
#include "core/entity.h"

extern const struct entity collection_entity;

/*
 * A deal as the target of a reference (a collection's, a problem's): its id
 * and title. Deals have faces of their own (core/deal.c); only what a
 * reference reads.
 */
extern const struct entity deal_ref_entity;

/*
 * The SQL test that deal row d is won: won_on set and its stage the
 * project's won stage (deal_stages of kind won, or 'won' for a project on
 * the standard stages).
 */
#define DEAL_IS_WON(d)                                                                         \
	"(" d ".won_on IS NOT NULL AND (EXISTS (SELECT 1 FROM deal_stages ds WHERE ds.project_id = " \
	d ".project_id AND ds.code = " d ".stage AND ds.kind = 'won') OR (" d ".stage = 'won' AND " \
	"NOT EXISTS (SELECT 1 FROM deal_stages ds WHERE ds.project_id = " d ".project_id))))"

/* A receipt to record against a collection. */
struct receipt_input {
	int64_t amount_minor; /* > 0, at most what is outstanding */
	int32_t received_on;  /* NO_DATE: today; not in the future */
	const char *note;     /* optional */
};

/*
 * Record a receipt against the collection with id in project code (the
 * deal's owner, or a project manager and up): more than is outstanding is
 * refused with what is outstanding. The collection's version moves on;
 * audited as "receipt". out: a record of collection_entity.size, the
 * collection now.
 */
int collection_receive(struct store *st, const struct actor *a, const char *code,
		       const char *id, const struct receipt_input *in, void *out,
		       struct err *err);

/* Take back the receipt with receipt_id of the collection with id (a mistake); as above. */
int collection_receipt_delete(struct store *st, const struct actor *a, const char *code,
			      const char *id, const char *receipt_id, void *out,
			      struct err *err);

/*
 * Plan what is left to plan of the won deal with id deal in project code as n
 * instalments (1 to 12): parts_bp[i] basis points of it (together 10000),
 * the first due on first_due and each next one every_days (1 to 366) later;
 * the last takes what rounding left, so they add up to exactly what was left.
 * The inputs and the deal are judged before the first is written; each
 * instalment is then a collection made as `collection add` makes one. ids
 * (n of them, or NULL): the new collections' ids.
 */
int collection_split(struct store *st, const struct actor *a, const char *code, int64_t deal,
		     const int64_t *parts_bp, int n, int32_t first_due, int32_t every_days,
		     int64_t *ids, struct err *err);

/* Planned, received, outstanding and overdue money of one group. */
struct collection_sums {
	int64_t id;      /* the customer's id, the owner's user id (0 for the total) */
	char key[64];    /* the owner's login ("" for customers and the total) */
	char name[256];
	int64_t planned, received, outstanding, overdue;
	int64_t collections, overdue_collections;
};

struct collection_summary {
	char project[64];
	int32_t today;
	struct collection_sums total;
	struct collection_sums *customers, *owners;
	size_t ncustomers, nowners;
};

/*
 * The totals of project code as of today (NO_DATE: today), any project role:
 * overdue is what is outstanding of collections due before today; per
 * customer (by name) and per owner (by login).
 */
int collection_summary(struct store *st, const struct actor *a, const char *code, int32_t today,
		       struct collection_summary *out, struct err *err);
void collection_summary_release(struct collection_summary *s);

/*
 * {"project","today","total":{planned,received,outstanding,overdue,collections,
 * overdue_collections},"customers":[{"customer","name",...}],"owners":[{"owner","name",...}]}
 */
void collection_summary_write_json(struct jw *w, const struct collection_summary *s);

/*
 * The project's won deals with their collections and receipts, as the
 * collections screen shows them: {"project","today","deals":[{"id","title","customer",
 * "customer_name","owner","owner_name","amount","won_on","planned","received",
 * "outstanding","overdue","left_to_plan","collections":[collection + "receipts"]}]}.
 */
int collection_deals_write_json(struct store *st, const struct actor *a, const char *code,
				struct jw *w, struct err *err);

/*
 * The money received in project_id (NO_ID: every project) from day from to day to
 * (both inclusive),
 * narrowed to deals of owner, segment or channel (NO_ID: any): one indexed
 * read of the receipts (receipts_project_day).
 */
int collection_received(struct store *st, int64_t project_id, int32_t from, int32_t to,
			int64_t owner_id, int64_t segment_id, int64_t channel_id, int64_t *out,
			struct err *err);

#endif
