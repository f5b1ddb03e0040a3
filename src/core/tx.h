/*
 * tx.h - the write path every noun uses: one transaction per write that checks
 * versions, writes, records an audit row, folds sale deltas into the rollups
 * once, and commits before anyone is answered.
 *
 * Rollup deltas are summed in memory per transaction (tx_rollup_sale) and
 * written once in tx_commit. A tx begun while the store already has a
 * transaction open is a savepoint of it (store.h): tx_commit releases it and
 * tx_abort undoes only its own writes, so a caller that owns the enclosing
 * transaction - the server recording an idempotency key with the answer, a
 * group-commit writer batching many writes - runs tx bodies inside it without
 * touching the nouns, and nothing is durable before the outermost commit.
 */
#ifndef CORE_TX_H
#define CORE_TX_H

#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "core/core.h"
#include "core/rollup.h"
#include "store/store.h"

struct rollup;

struct tx {
	struct store *st;
	const struct actor *actor;
	int64_t now;           /* one clock reading for every row of the write */
	struct rollup *rollup; /* sale deltas, created on first use */
	int open;
	int deferred; /* its sums go to the batch it runs in (tx_begin_batched) */
};

/* Start a write transaction for actor (a savepoint inside an open one). */
int tx_begin(struct tx *tx, struct store *st, const struct actor *actor, struct err *err);

/*
 * tx_begin for a write whose sums may wait for the end of the group-commit
 * batch it runs in (a sale added, changed or removed): when it runs directly
 * in a batch whose job allows it (tx_batch_job), tx_commit checks its totals
 * against the batch's and adds its sums to the batch's, written once by
 * tx_batch_settle for all of the batch's writes - a few statements instead of
 * a read and a write of each sum and customer per write. Otherwise as tx_begin.
 */
int tx_begin_batched(struct tx *tx, struct store *st, const struct actor *actor,
		     struct err *err);

/*
 * The group-commit writer's side (one batch = one transaction on st, each
 * write a savepoint in it). tx_batch_begin after the batch's transaction is
 * begun; tx_batch_job before each job: unless that job is one whose writes
 * may leave their sums to the batch (batched: its route says so), what the
 * batch holds is written first, so that it reads the sums as they are (a
 * failure rolls the whole batch back). tx_batch_settle writes what the batch
 * holds (before its commit); tx_batch_end forgets it (after the commit or a
 * rollback).
 */
void tx_batch_begin(struct store *st);
int tx_batch_job(struct store *st, int batched, struct err *err);
int tx_batch_settle(struct store *st, struct err *err);
void tx_batch_end(struct store *st);

/*
 * Begin a write in a project: tx_begin, then the actor's project role checked
 * again inside the write lock, so a membership removed a moment before cannot
 * still write (callers check first as well, to answer "not found" before
 * judging the input).
 */
int tx_begin_project(struct tx *tx, struct store *st, const struct actor *actor,
		     int64_t project_id, const char *code, enum prole min, const char *what,
		     struct err *err);

/*
 * tx_begin_project, and the freeze: a write that needs a member or more
 * (min >= PROLE_MEMBER) in a closed project is refused with ERR_CONFLICT
 * project_closed (params code), unless it runs inside an adjustment
 * (tx_adjusting), the one way to change a closed project's figures.
 * tx_begin_project_closed leaves out the freeze, for what stays writable
 * on a closed project: comments, reviews, lessons, adjustments, the alert
 * settings and the project's own close and reopen.
 */
int tx_begin_project_closed(struct tx *tx, struct store *st, const struct actor *actor,
			    int64_t project_id, const char *code, enum prole min,
			    const char *what, struct err *err);

/*
 * Refuse a write to project_id when it is closed (ERR_CONFLICT,
 * project_closed:code naming code) outside an adjustment; 0 when open.
 */
int tx_project_open(struct store *st, int64_t project_id, const char *code, struct err *err);

/* An adjustment's writes begin (on 1) and end (on 0) on st: they pass the freeze. */
void tx_adjusting(struct store *st, int on);

/*
 * Record who did what to which record, with the record as JSON before and after
 * (either may be NULL for create / delete).
 */
int tx_audit(struct tx *tx, const char *entity, int64_t entity_id, const char *action,
	     const char *before_json, const char *after_json, struct err *err);

/* The transaction's rollup deltas, made on first use (with the customer scopes kept). */
struct rollup *tx_rollup(struct tx *tx);

/* Fold one sale line into the transaction's rollup deltas (and its customer's days). */
void tx_rollup_sale(struct tx *tx, const struct rollup_line *ln, int sign);

/* Fold a change of one sale line's cost (ln's cost_minor) into the rollup deltas. */
void tx_rollup_cost(struct tx *tx, const struct rollup_line *ln);

/*
 * Write the rollup deltas and commit (inside an enclosing transaction: release
 * the savepoint); on failure everything this tx wrote is rolled back.
 */
int tx_commit(struct tx *tx, struct err *err);

/* Roll back (safe after a failed commit, and when nothing was begun). */
void tx_abort(struct tx *tx);

/*
 * The version check of an optimistic update: given the number of rows an
 * "UPDATE ... WHERE id = ? AND version = ?" changed, set ERR_CONFLICT naming
 * the current version when it was stale.
 */
int tx_version_conflict(const char *entity, const char *name, int64_t want, int64_t have,
			struct err *err);

#endif
