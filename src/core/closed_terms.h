/*
 * closed_terms.h - the workspace-level terms a project was closed with
 * (migration 033): each channel's cost rate, each promotion's dates, budget
 * and scope, and the price points of the products it sold, copied when it
 * closes so that its evaluation (analytics/evaluation.c) reads the terms it
 * closed with, not those of today. A reopen drops them.
 */
#ifndef CORE_CLOSED_TERMS_H
#define CORE_CLOSED_TERMS_H

#include <stdint.h>

#include "core/core.h"

struct tx;

/* Inside the closing transaction: copy project_id's terms as they are now. */
int closed_terms_freeze(struct tx *tx, int64_t project_id, struct err *err);

/* Inside the reopening transaction: drop them (the live values count again). */
int closed_terms_thaw(struct tx *tx, int64_t project_id, struct err *err);

#endif
