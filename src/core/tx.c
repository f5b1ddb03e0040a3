/*
 * tx.c - one transaction per write, with its audit row and rollup deltas.
 */
#include "core/tx.h"

#include <string.h>

#include "base/date.h"
#include "core/rollup.h"
#include "base/banned.h"

int tx_begin(struct tx *tx, struct store *st, const struct actor *actor, struct err *err)
{
	tx->st = st;
	tx->actor = actor;
	tx->now = ts_now();
	tx->rollup = NULL;
	tx->open = 0;
	tx->deferred = 0;
	if (store_begin(st, 1, err))
		return -1;
	tx->open = 1;
	return 0;
}

int tx_begin_batched(struct tx *tx, struct store *st, const struct actor *actor,
		     struct err *err)
{
	/* directly in the batch: inside another write's savepoint its sums are that write's */
	int deferred = st->batch.open && st->batch.job && st->in_tx == 1;
	if (tx_begin(tx, st, actor, err))
		return -1;
	tx->deferred = deferred;
	return 0;
}

static void batch_memo_drop(struct store *st)
{
	if (st->batch.memo && st->batch.memo_free)
		st->batch.memo_free(st->batch.memo);
	st->batch.memo = NULL;
	st->batch.memo_free = NULL;
}

void tx_batch_begin(struct store *st)
{
	st->batch.sums = NULL;
	st->batch.memo = NULL;
	st->batch.memo_free = NULL;
	st->batch.open = 1;
	st->batch.job = 0;
}

int tx_batch_settle(struct store *st, struct err *err)
{
	struct rollup *b = st->batch.sums;
	int r = 0;

	st->batch.sums = NULL;
	if (b && st->in_tx == 1) {
		r = rollup_flush(b, st, err);
		if (r) /* part of it may be written: nothing of the batch can be kept */
			store_rollback_all(st);
	}
	rollup_free(b);
	return r;
}

int tx_batch_job(struct store *st, int batched, struct err *err)
{
	st->batch.job = batched;
	if (!batched)
		batch_memo_drop(st);
	return batched ? 0 : tx_batch_settle(st, err);
}

void tx_batch_end(struct store *st)
{
	rollup_free(st->batch.sums);
	st->batch.sums = NULL;
	batch_memo_drop(st);
	st->batch.open = 0;
	st->batch.job = 0;
}

static const char SQL_PROJECT_STATUS[] = "SELECT status FROM projects WHERE id = ?1";

int tx_project_open(struct store *st, int64_t project_id, const char *code, struct err *err)
{
	struct stmt *s;
	int rc, closed = 0;

	if (st->adjusting)
		return 0;
	if (!(s = store_prepare(st, SQL_PROJECT_STATUS, err)))
		return -1;
	store_bind_int(st, s, 1, project_id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		closed = !strcmp(store_col_text(st, s, 0), "closed");
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (closed)
		return err_set(err, ERR_CONFLICT, "project", "project_closed:code",
			       "project %s is closed: its figures are frozen; reopen it or "
			       "change them through an adjustment",
			       code);
	return 0;
}

void tx_adjusting(struct store *st, int on)
{
	st->adjusting += on ? 1 : -1;
}

static int begin_project(struct tx *tx, struct store *st, const struct actor *actor,
			 int64_t project_id, const char *code, enum prole min, const char *what,
			 int frozen, struct err *err)
{
	if (tx_begin(tx, st, actor, err))
		return -1;
	if (require_project(st, actor, project_id, code, min, what, err) ||
	    (frozen && min >= PROLE_MEMBER && tx_project_open(st, project_id, code, err))) {
		tx_abort(tx);
		return -1;
	}
	return 0;
}

int tx_begin_project(struct tx *tx, struct store *st, const struct actor *actor,
		     int64_t project_id, const char *code, enum prole min, const char *what,
		     struct err *err)
{
	return begin_project(tx, st, actor, project_id, code, min, what, 1, err);
}

int tx_begin_project_closed(struct tx *tx, struct store *st, const struct actor *actor,
			    int64_t project_id, const char *code, enum prole min,
			    const char *what, struct err *err)
{
	return begin_project(tx, st, actor, project_id, code, min, what, 0, err);
}

static const char SQL_AUDIT[] =
	"INSERT INTO audit (at, actor_id, entity, entity_id, action, before, after) "
	"VALUES (?, ?, ?, ?, ?, ?, ?)";

int tx_audit(struct tx *tx, const char *entity, int64_t entity_id, const char *action,
	     const char *before_json, const char *after_json, struct err *err)
{
	struct store *st = tx->st;
	struct stmt *s = store_prepare(st, SQL_AUDIT, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, tx->now);
	store_bind_int_or_null(st, s, 2, tx->actor ? tx->actor->user_id : NO_ID, NO_ID);
	store_bind_text(st, s, 3, entity);
	store_bind_int_or_null(st, s, 4, entity_id, NO_ID);
	store_bind_text(st, s, 5, action);
	store_bind_text(st, s, 6, before_json);
	store_bind_text(st, s, 7, after_json);
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

struct rollup *tx_rollup(struct tx *tx)
{
	struct store *st = tx->st;

	if (tx->rollup)
		return tx->rollup;
	if (tx->deferred) {
		/* the batch's scopes, read once for all of its writes (no write of it changes them) */
		if (!st->batch.sums) {
			st->batch.sums = rollup_new();
			rollup_load_scopes(st->batch.sums, st);
		}
		tx->rollup = rollup_new_like(st->batch.sums);
	} else {
		tx->rollup = rollup_new();
		rollup_load_scopes(tx->rollup, st);
	}
	return tx->rollup;
}

void tx_rollup_sale(struct tx *tx, const struct rollup_line *ln, int sign)
{
	rollup_add(tx_rollup(tx), ln, sign);
}

void tx_rollup_cost(struct tx *tx, const struct rollup_line *ln)
{
	rollup_add_cost(tx_rollup(tx), ln);
}

int tx_commit(struct tx *tx, struct err *err)
{
	int r = -1;

	if (!tx->open)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "commit without a transaction");
	if (tx->deferred && tx->rollup) {
		/* judged now against the batch's sums, written with them at its end */
		if (rollup_check_with(tx->rollup, tx->st->batch.sums, tx->st, err) ||
		    store_commit(tx->st, err))
			goto out;
		tx->open = 0;
		rollup_merge(tx->st->batch.sums, tx->rollup);
		r = 0;
		goto out;
	}
	if (tx->rollup && rollup_flush(tx->rollup, tx->st, err))
		goto out;
	if (tx->rollup) /* the stored total a batch read before is no more */
		rollup_forget_stored(tx->st->batch.sums);
	if (store_commit(tx->st, err))
		goto out;
	tx->open = 0;
	r = 0;
out:
	if (r)
		tx_abort(tx);
	rollup_free(tx->rollup);
	tx->rollup = NULL;
	return r;
}

void tx_abort(struct tx *tx)
{
	if (tx->open)
		store_rollback(tx->st);
	tx->open = 0;
	rollup_free(tx->rollup);
	tx->rollup = NULL;
}

int tx_version_conflict(const char *entity, const char *name, int64_t want, int64_t have,
			struct err *err)
{
	return err_set(err, ERR_CONFLICT, "version", "stale_version:_,_,yours,current",
		       "%s %s was changed by someone else: you edited version %lld, it is now at "
		       "version %lld; reload and apply your change again",
		       entity, name, (long long)want, (long long)have);
}
