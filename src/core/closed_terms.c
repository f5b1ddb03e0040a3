/*
 * closed_terms.c - copying a closing project's workspace-level terms
 * (closed_terms.h): the same rows the evaluation reads for an open project
 * (its planned or sold channels and promotions, the price changes inside its
 * dates of the products it sold), as they are at the moment it closes.
 */
#include "core/closed_terms.h"

#include "core/tx.h"
#include "store/store.h"
#include "base/banned.h"

/* ?1 project: its channels' cost rates */
static const char SQL_FREEZE_CHANNELS[] =
	"INSERT INTO project_closed_terms (project_id, kind, ref_id, cost_rate_bp) "
	"SELECT ?1, 'channel', c.id, c.cost_rate_bp FROM channels c WHERE c.id IN "
	"(SELECT channel_id FROM project_channels WHERE project_id = ?1) OR c.id IN "
	"(SELECT key_id FROM sale_rollup WHERE project_id = ?1 AND dim = 'channel')";
/* ?1 project: its promotions' dates, budgets and scopes */
static const char SQL_FREEZE_PROMOTIONS[] =
	"INSERT INTO project_closed_terms (project_id, kind, ref_id, starts_on, ends_on, "
	"budget_minor, products, channels, segments) "
	"SELECT ?1, 'promotion', m.id, m.starts_on, m.ends_on, m.budget_minor, m.products, "
	"m.channels, m.segments FROM promotions m WHERE m.id IN "
	"(SELECT promotion_id FROM project_promotions WHERE project_id = ?1) OR m.id IN "
	"(SELECT key_id FROM sale_rollup WHERE project_id = ?1 AND dim = 'promotion')";
/* ?1 project, ?2 its first day, ?3 its last: the price changes of the products it sold */
static const char SQL_FREEZE_PRICES[] =
	"INSERT INTO project_closed_terms (project_id, kind, ref_id, starts_on, price_minor, "
	"before_minor) "
	"SELECT ?1, 'price', h.product_id, h.effective_on, h.price_minor, "
	"(SELECT o.price_minor FROM price_history o WHERE o.product_id = h.product_id "
	"AND o.effective_on < h.effective_on ORDER BY o.effective_on DESC LIMIT 1) "
	"FROM price_history h WHERE h.effective_on BETWEEN ?2 AND ?3 AND h.product_id IN "
	"(SELECT key_id FROM sale_rollup WHERE project_id = ?1 AND dim = 'product')";
/* ?1 project */
static const char SQL_PROJECT_DAYS[] = "SELECT start_on, end_on FROM projects WHERE id = ?1";
static const char SQL_THAW[] = "DELETE FROM project_closed_terms WHERE project_id = ?1";

/* Run sql with ?1 = pid (and ?2, ?3 = from, to when with_days). */
static int run(struct store *st, const char *sql, int64_t pid, int with_days, int64_t from,
	       int64_t to, struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, pid);
	if (with_days) {
		store_bind_int(st, s, 2, from);
		store_bind_int(st, s, 3, to);
	}
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int closed_terms_freeze(struct tx *tx, int64_t project_id, struct err *err)
{
	struct store *st = tx->st;
	struct stmt *s;
	int64_t from = 0, to = -1;
	int rc;

	/* a second close (none today) must not double the rows */
	if (run(st, SQL_THAW, project_id, 0, 0, 0, err))
		return -1;
	if (!(s = store_prepare(st, SQL_PROJECT_DAYS, err)))
		return -1;
	store_bind_int(st, s, 1, project_id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		/* a change on the first day has no before inside the project */
		from = store_col_int(st, s, 0) + 1;
		to = store_col_int(st, s, 1);
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	return run(st, SQL_FREEZE_CHANNELS, project_id, 0, 0, 0, err) ||
			       run(st, SQL_FREEZE_PROMOTIONS, project_id, 0, 0, 0, err) ||
			       run(st, SQL_FREEZE_PRICES, project_id, 1, from, to, err)
		       ? -1
		       : 0;
}

int closed_terms_thaw(struct tx *tx, int64_t project_id, struct err *err)
{
	return run(tx->st, SQL_THAW, project_id, 0, 0, 0, err);
}
