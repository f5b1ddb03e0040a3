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
};

/* Start a write transaction for actor (a savepoint inside an open one). */
int tx_begin(struct tx *tx, struct store *st, const struct actor *actor, struct err *err);

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
