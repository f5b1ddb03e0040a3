/*
 * timeline.h - one customer's history on one timeline: their sales,
 * activities and feedback (and what later sources add) across the projects
 * the reader may see, newest first, read from a table of sources
 * (analytics/timeline.c) whose rows all give the same columns.
 */
#ifndef ANALYTICS_TIMELINE_H
#define ANALYTICS_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"

/* One entry: what a source's SQL returns, column for column. */
struct timeline_item {
	char kind[16];     /* the source: "sale", "activity", "feedback" */
	int64_t id;        /* the record's id in its project noun */
	char project[64];  /* its project's code */
	int32_t date;      /* its day */
	char time[8];      /* "HH:MM" or "" */
	char title[256];   /* sale: the product's name; activity: its kind; feedback: its category */
	char detail[600];  /* sale: the SKU; activity: its outcome; feedback: scores and comment */
	int64_t amount_minor; /* money it carries (a sale's amount); NO_ID: none */
	char state[32];    /* activity: planned or done; "" for sources without one */
	char who[64];      /* the member named on it (the rep, who did it, who served) or "" */
};

struct timeline {
	int64_t customer;      /* the customer's id */
	int64_t limit, offset; /* the page asked */
	struct timeline_item *items;
	size_t n, alloc;
	int64_t total; /* entries of the kinds asked, before paging */
};

/* The source kinds, in the table's order, ended by NULL. */
extern const char *const timeline_kinds[];

/*
 * Customer id's timeline as reader a may see it: the kinds named in kinds
 * (NULL or "": all; else a comma-separated list of timeline_kinds, an
 * unknown one is ERR_INVALID on "kind"), newest first (day, time, then the
 * kind's order and id), limit entries from offset. ERR_NOT_FOUND for no such
 * customer. Release out with timeline_release.
 */
int timeline_read(struct store *st, const struct actor *a, int64_t customer_id,
		  const char *kinds, int64_t limit, int64_t offset, struct timeline *out,
		  struct err *err);
void timeline_release(struct timeline *t);

/* One entry as JSON: {kind, id, project, date, time, title, detail, amount, state, who}. */
void timeline_item_write_json(struct jw *w, const struct timeline_item *it);

/* The page as JSON: {customer, items: [...], total, limit, offset} (the API's and the CLI's). */
void timeline_write_json(struct jw *w, const struct timeline *t);

#endif
