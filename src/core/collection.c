/*
 * collection.c - collections (回款): a project noun of the entity engine
 * (routes under /api/v1/projects/{code}/collections, the CLI's `collection`;
 * tables in store/schema/019-problems-collections.sql; labels
 * ent.collection.* in the UI's catalogs) for the payments planned for a won
 * deal, which together stay within the deal's amount; receipts recorded
 * against a collection (never more than is outstanding); the totals per
 * project, customer and owner; and the money received in a window, which the
 * collections goal metric counts. A rep plans and records the collections of
 * their own deals; managers all of the project's.
 */
#include "core/collection.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "core/project.h"
#include "core/tx.h"
#include "base/banned.h"

/* --- deals as a reference names them ------------------------------------------------------ */

struct deal_ref {
	int64_t id;
	char title[256];
};

static const struct ent_field deal_ref_fields[] = {
	{ "id", EK_ID, EF_READONLY, "id", offsetof(struct deal_ref, id), sizeof(int64_t) },
	{ "title", EK_TEXT, EF_REQUIRED, "title", offsetof(struct deal_ref, title),
	  sizeof(((struct deal_ref *)0)->title) },
	{ NULL },
};

const struct entity deal_ref_entity = {
	.name = "deal",
	.plural = "deals",
	.table = "deals",
	.summary = "a deal, as a reference names it (its id)",
	.size = sizeof(struct deal_ref),
	.fields = deal_ref_fields,
	.scope = ENT_WORKSPACE,
	.read_role = ROLE_VIEWER,
	.write_role = ROLE_ADMIN,
	.own_faces = 1,
};

/* --- collections --------------------------------------------------------------------------- */

static const char *const collection_statuses[] = { "planned", "partly_received", "received",
						    "overdue", NULL };

struct collection {
	int64_t id;
	int64_t deal_id;
	char deal[24];
	char deal_title[256];
	int32_t due_on;
	int64_t amount_minor;
	char note[1000];
	int64_t version, created_at, updated_at;
	/* filled on read */
	int64_t customer_id;
	char customer_name[256];
	int64_t owner_id;
	char owner[64];
	char owner_name[128];
	int64_t received_minor, outstanding_minor;
	char status[16];
	int unpaid; /* a list filter only (the monitor's drill-down) */
};

#define F(field) offsetof(struct collection, field), sizeof(((struct collection *)0)->field)

static int collection_check(struct tx *tx, const void *before, void *rec,
			    const struct ent_input *in, struct err *err);
static int collection_fill(struct store *st, const struct actor *a, void *rec, struct err *err);
static int collection_detail(struct store *st, struct jw *w, const void *rec, struct err *err);

static const struct ent_blocker collection_blockers[] = {
	{ "SELECT COUNT(*) FROM receipts WHERE collection_id = ?", "receipt", "receipts" },
	{ NULL, NULL, NULL },
};

static const struct ent_field collection_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "deal", EK_REF, EF_REQUIRED | EF_CREATE | EF_SORT | EF_FILTER, "deal_id", F(deal_id),
	  .ref = &deal_ref_entity, .key_off = offsetof(struct collection, deal),
	  .key_size = sizeof(((struct collection *)0)->deal),
	  .help = "the won deal it collects for (its id)", .example = "7" },
	{ "deal_title", EK_TEXT, EF_READONLY, "title", F(deal_title), .via = "deal" },
	{ "due", EK_DATE, EF_REQUIRED | EF_SORT | EF_FILTER, "due_on", F(due_on),
	  .help = "the day the payment is due", .example = "2027-03-31" },
	{ "amount", EK_MONEY, EF_REQUIRED | EF_SORT, "amount_minor", F(amount_minor), 1,
	  100000000000000LL, .help = "the payment planned (the deal's planned payments stay "
				     "within its amount)", .example = "120000.00" },
	{ "note", EK_NOTE, 0, "note", F(note), 0, 800,
	  .help = "the terms: an instalment, an acceptance milestone", .example = "验收后 30 天付 40%" },
	{ "customer_id", EK_COUNT, EF_READONLY, NULL, F(customer_id),
	  .help = "the deal's customer (their id)" },
	{ "customer_name", EK_TEXT, EF_READONLY, NULL, F(customer_name),
	  .help = "the deal's customer" },
	{ "owner", EK_TEXT, EF_READONLY, NULL, F(owner), .help = "the deal's owner (a login)" },
	{ "owner_name", EK_TEXT, EF_READONLY, NULL, F(owner_name), .help = "the deal's owner" },
	{ "owner_id", EK_COUNT, EF_READONLY | EF_HIDDEN, NULL, F(owner_id) },
	{ "received", EK_MONEY, EF_READONLY, NULL, F(received_minor),
	  .help = "what its receipts add up to" },
	{ "outstanding", EK_MONEY, EF_READONLY, NULL, F(outstanding_minor),
	  .help = "what is still to receive: amount less received" },
	{ "status", EK_ENUM, EF_READONLY, NULL, F(status), .values = collection_statuses,
	  .help = "planned, partly_received, received, or overdue (due before today and not "
		  "received in full)" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ "unpaid", EK_BOOL, EF_READONLY | EF_HIDDEN | EF_FILTER, NULL, F(unpaid),
	  .help = "money is still outstanding on it (its receipts add up to less than its amount)",
	  .filter_sql = "t.amount_minor > COALESCE((SELECT SUM(r.amount_minor) FROM receipts r "
			"WHERE r.collection_id = t.id), 0)" },
	{ NULL },
};

#undef F

ENTITY(collection) = {
	.name = "collection",
	.plural = "collections",
	.table = "collections",
	.summary = "a payment planned for a won deal (回款): due date and amount, with the "
		   "receipts against it",
	.size = sizeof(struct collection),
	.fields = collection_fields,
	.scope = ENT_PROJECT,
	.read_prole = PROLE_VIEWER,
	.write_prole = PROLE_MANAGER,
	.own_field = "owner_id",
	.blockers = collection_blockers,
	.order = "t.due_on, t.id",
	.hooks = { .check = collection_check, .fill = collection_fill,
		   .write_detail = collection_detail },
	.detail_schema = "{\"receipts\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
			 "\"properties\":{\"id\":{\"type\":\"integer\"},"
			 "\"amount\":{\"type\":\"integer\"},"
			 "\"received_on\":{\"type\":\"string\",\"format\":\"date\"},"
			 "\"note\":{\"type\":\"string\"},\"by\":{\"type\":[\"string\",\"null\"]},"
			 "\"at\":{\"type\":\"string\",\"format\":\"date-time\"}}}}}",
};

/* What a collection needs of its deal. */
struct deal_state {
	int64_t project_id, customer_id, owner_id, amount_minor;
	char stage[64];
	int won;
};

static const char SQL_DEAL_STATE[] =
	"SELECT d.project_id, d.customer_id, d.owner_id, d.amount_minor, d.stage, "
	"CASE WHEN " DEAL_IS_WON("d") " THEN 1 ELSE 0 END FROM deals d WHERE d.id = ?";
/* ?1 deal, ?2 the collection itself (0 on create) */
static const char SQL_DEAL_PLANNED[] =
	"SELECT COALESCE(SUM(amount_minor), 0) FROM collections WHERE deal_id = ?1 AND id <> ?2";

static int deal_state(struct store *st, int64_t id, struct deal_state *out, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_DEAL_STATE, err);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!s)
		return -1;
	store_bind_int(st, s, 1, id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		out->project_id = store_col_int(st, s, 0);
		out->customer_id = store_col_int(st, s, 1);
		out->owner_id = store_col_int(st, s, 2);
		out->amount_minor = store_col_int(st, s, 3);
		snprintf(out->stage, sizeof(out->stage), "%s", store_col_text(st, s, 4));
		out->won = store_col_int(st, s, 5) != 0;
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (rc != STORE_ROW)
		return err_set(err, ERR_INVALID, "deal", "no_ref:_,kind,key", "deal: no deal \"%lld\"",
			       (long long)id);
	return 0;
}

static int64_t one_int(struct store *st, const char *sql, int64_t p1, int64_t p2, int *failed,
		       struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int64_t v = 0;
	int rc;

	if (!s) {
		*failed = 1;
		return 0;
	}
	store_bind_int(st, s, 1, p1);
	store_bind_int(st, s, 2, p2);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		v = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0)
		*failed = 1;
	return v;
}

/*
 * A collection is planned for a won deal of the project, and the deal's
 * planned payments stay within its amount; a change keeps the amount at or
 * above what was received. Sets the deal's owner (who may write it).
 */
static int collection_check(struct tx *tx, const void *before, void *rec,
			    const struct ent_input *in, struct err *err)
{
	const struct collection *cur = before;
	struct collection *c = rec;
	struct deal_state d;
	char a1[40], a2[40], a3[40];
	int64_t planned;
	int failed = 0;

	if (deal_state(tx->st, c->deal_id, &d, err))
		return -1;
	if (d.project_id != in->project->id)
		return err_set(err, ERR_INVALID, "deal", "link_other_project:_,key,project",
			       "%s %s is not of project %s", "deal", c->deal, in->project->code);
	c->owner_id = d.owner_id;
	if (!d.won)
		return err_set(err, ERR_INVALID, "deal", "deal_not_won:deal,stage",
			       "deal %s is at stage %s: collections are planned for won deals only",
			       c->deal, d.stage);
	planned = one_int(tx->st, SQL_DEAL_PLANNED, c->deal_id, cur ? cur->id : 0, &failed, err);
	if (failed)
		return -1;
	if (c->amount_minor > d.amount_minor - planned)
		return err_set(err, ERR_INVALID, "amount", "plan_over_deal:deal,amount,planned,left",
			       "deal %s is worth %s and %s of it is planned already: at most %s is "
			       "left to plan", c->deal, money_format(d.amount_minor, a1),
			       money_format(planned, a2),
			       money_format(d.amount_minor - planned > 0 ? d.amount_minor - planned : 0, a3));
	if (cur && c->amount_minor < cur->received_minor)
		return err_set(err, ERR_INVALID, "amount", "amount_below_received:received",
			       "%s has been received against it: the amount cannot be less",
			       money_format(cur->received_minor, a1));
	return 0;
}

static const char SQL_COLLECTION_FILL[] =
	"SELECT d.customer_id, cu.name, d.owner_id, u.login, u.name, "
	"(SELECT COALESCE(SUM(r.amount_minor), 0) FROM receipts r WHERE r.collection_id = ?1) "
	"FROM deals d JOIN customers cu ON cu.id = d.customer_id JOIN users u ON u.id = d.owner_id "
	"WHERE d.id = ?2";

/* The status as of today: received in full, overdue (due before today), partly, or planned. */
static const char *status_of(int64_t amount, int64_t received, int32_t due, int32_t today)
{
	if (received >= amount)
		return collection_statuses[2];
	if (due < today)
		return collection_statuses[3];
	return received > 0 ? collection_statuses[1] : collection_statuses[0];
}

static int collection_fill(struct store *st, const struct actor *a, void *rec, struct err *err)
{
	struct collection *c = rec;
	struct stmt *s = store_prepare(st, SQL_COLLECTION_FILL, err);
	int rc;

	(void)a;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, c->id);
	store_bind_int(st, s, 2, c->deal_id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		c->customer_id = store_col_int(st, s, 0);
		snprintf(c->customer_name, sizeof(c->customer_name), "%s", store_col_text(st, s, 1));
		c->owner_id = store_col_int(st, s, 2);
		snprintf(c->owner, sizeof(c->owner), "%s", store_col_text(st, s, 3));
		snprintf(c->owner_name, sizeof(c->owner_name), "%s", store_col_text(st, s, 4));
		c->received_minor = store_col_int(st, s, 5);
	}
	store_done(st, s);
	c->outstanding_minor = c->amount_minor - c->received_minor;
	snprintf(c->status, sizeof(c->status), "%s",
		 status_of(c->amount_minor, c->received_minor, c->due_on, date_today()));
	return rc < 0 ? -1 : 0;
}

static const char SQL_RECEIPTS_OF[] =
	"SELECT r.id, r.amount_minor, r.received_on, r.note, u.login, r.created_at "
	"FROM receipts r LEFT JOIN users u ON u.id = r.created_by WHERE r.collection_id = ? "
	"ORDER BY r.received_on, r.id";

static void receipt_json(struct jw *w, struct store *st, struct stmt *s)
{
	jw_obj(w);
	jw_kint(w, "id", store_col_int(st, s, 0));
	jw_kint(w, "amount", store_col_int(st, s, 1));
	jw_kdate(w, "received_on", (int32_t)store_col_int(st, s, 2));
	jw_kstr(w, "note", store_col_text(st, s, 3));
	jw_kstr(w, "by", store_col_is_null(st, s, 4) ? NULL : store_col_text(st, s, 4));
	jw_kts(w, "at", store_col_int(st, s, 5));
	jw_obj_end(w);
}

static int collection_detail(struct store *st, struct jw *w, const void *rec, struct err *err)
{
	const struct collection *c = rec;
	struct stmt *s = store_prepare(st, SQL_RECEIPTS_OF, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, c->id);
	jw_key(w, "receipts");
	jw_arr(w);
	while ((rc = store_step(st, s, err)) == STORE_ROW)
		receipt_json(w, st, s);
	jw_arr_end(w);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* --- receipts ---------------------------------------------------------------------------------- */

/* ?1 collection, ?2 project, ?3 amount, ?4 day, ?5 note, ?6 who, ?7 when */
static const char SQL_RECEIPT_ADD[] =
	"INSERT INTO receipts (collection_id, project_id, amount_minor, received_on, note, "
	"created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id";
static const char SQL_RECEIPT_DELETE[] =
	"DELETE FROM receipts WHERE id = ?1 AND collection_id = ?2 RETURNING amount_minor";
static const char SQL_COLLECTION_TOUCH[] =
	"UPDATE collections SET version = version + 1, updated_at = ?1 WHERE id = ?2";

/*
 * Open the write on the collection with id of project code, read it under the
 * lock, and judge the writer: the deal's owner or a project manager.
 */
static int receipt_begin(struct store *st, const struct actor *a, const char *code,
			 const char *id, struct tx *tx, struct ent_project *ep,
			 struct project *pr, struct collection *cur, struct err *err)
{
	if (project_get(st, a, code, pr, err))
		return -1;
	ep->id = pr->id;
	ep->code = pr->code;
	if (entity_get(st, a, &collection_entity, ep, id, cur, err) ||
	    tx_begin_project(tx, st, a, pr->id, pr->code, PROLE_MEMBER, "recording receipts", err))
		return -1;
	if (entity_load(st, &collection_entity, ep, id, 1, cur, err) ||
	    collection_fill(st, a, cur, err))
		return -1;
	if (project_access(st, a, pr->id, err) < PROLE_MANAGER && cur->owner_id != a->user_id)
		return err_set(err, ERR_DENIED, "owner", "own_records_only:_,owner",
			       "you may change only your own %s%s", "collections", "");
	return 0;
}

/* Move the collection's version on, read it back, audit, commit. */
static int receipt_finish(struct tx *tx, const struct actor *a, const struct ent_project *ep,
			  const char *id, const struct collection *cur, void *out,
			  const char *action, struct err *err)
{
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	struct stmt *s = store_prepare(tx->st, SQL_COLLECTION_TOUCH, err);
	int rc = -1;

	if (s) {
		store_bind_int(tx->st, s, 1, tx->now);
		store_bind_int(tx->st, s, 2, cur->id);
		rc = store_step(tx->st, s, err);
		store_done(tx->st, s);
	}
	if (rc >= 0 &&
	    !entity_load(tx->st, &collection_entity, ep, id, 1, out, err) &&
	    !collection_fill(tx->st, a, out, err) &&
	    !tx_audit(tx, "collection", cur->id, action, entity_json(&collection_entity, cur, &b1),
		      entity_json(&collection_entity, out, &b2), err) &&
	    !tx_commit(tx, err))
		rc = 0;
	else
		rc = -1;
	buf_release(&b1);
	buf_release(&b2);
	return rc;
}

int collection_receive(struct store *st, const struct actor *a, const char *code,
		       const char *id, const struct receipt_input *in, void *out,
		       struct err *err)
{
	struct collection cur;
	struct project pr;
	struct ent_project ep;
	struct tx tx = { 0 };
	char note[1004] = "", a1[40], a2[40], d1[DATE_FMT_MAX];
	int32_t day = in->received_on == NO_DATE ? date_today() : in->received_on;
	struct stmt *s;
	int rc, r = -1;

	if (in->amount_minor <= 0)
		return err_set(err, ERR_INVALID, "amount", "not_positive",
			       "amount must be more than zero");
	if (day > date_today())
		return err_set(err, ERR_INVALID, "received_on", "date_future:date",
			       "%s is in the future: record money once it is received",
			       date_format(day, d1));
	if (in->note && text_field(note, sizeof(note), in->note, 0, 1, "note", err))
		return -1;
	if (in->note && strlen(in->note) > 800)
		return err_set(err, ERR_INVALID, "note", "too_long:_,len,max",
			       "note is too long (%zu bytes, at most %d)", strlen(in->note), 800);
	if (receipt_begin(st, a, code, id, &tx, &ep, &pr, &cur, err))
		goto out;
	if (in->amount_minor > cur.outstanding_minor) {
		err_set(err, ERR_INVALID, "amount", "receipt_over:amount,outstanding",
			"a receipt of %s is more than the %s outstanding",
			money_format(in->amount_minor, a1), money_format(cur.outstanding_minor, a2));
		goto out;
	}
	if (!(s = store_prepare(st, SQL_RECEIPT_ADD, err)))
		goto out;
	store_bind_int(st, s, 1, cur.id);
	store_bind_int(st, s, 2, pr.id);
	store_bind_int(st, s, 3, in->amount_minor);
	store_bind_int(st, s, 4, day);
	store_bind_text(st, s, 5, note);
	store_bind_int(st, s, 6, a->user_id);
	store_bind_int(st, s, 7, tx.now);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0 || receipt_finish(&tx, a, &ep, id, &cur, out, "receipt", err))
		goto out;
	r = 0;
out:
	if (r)
		tx_abort(&tx);
	return r;
}

int collection_receipt_delete(struct store *st, const struct actor *a, const char *code,
			      const char *id, const char *receipt_id, void *out,
			      struct err *err)
{
	struct collection cur;
	struct project pr;
	struct ent_project ep;
	struct tx tx = { 0 };
	struct stmt *s;
	int64_t rid;
	int rc, r = -1;

	if (int_parse(receipt_id, strlen(receipt_id), &rid, "receipt", err))
		return err_set(err, ERR_NOT_FOUND, "receipt", "no_record:_,key", "no receipt \"%.40s\"",
			       receipt_id);
	if (receipt_begin(st, a, code, id, &tx, &ep, &pr, &cur, err))
		goto out;
	if (!(s = store_prepare(st, SQL_RECEIPT_DELETE, err)))
		goto out;
	store_bind_int(st, s, 1, rid);
	store_bind_int(st, s, 2, cur.id);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0)
		goto out;
	if (rc != STORE_ROW) {
		err_set(err, ERR_NOT_FOUND, "receipt", "no_record:_,key", "no receipt \"%.40s\"",
			receipt_id);
		goto out;
	}
	if (receipt_finish(&tx, a, &ep, id, &cur, out, "receipt_delete", err))
		goto out;
	r = 0;
out:
	if (r)
		tx_abort(&tx);
	return r;
}

/* --- instalments --------------------------------------------------------------------------- */

int collection_split(struct store *st, const struct actor *a, const char *code, int64_t deal,
		     const int64_t *parts_bp, int n, int32_t first_due, int32_t every_days,
		     int64_t *ids, struct err *err)
{
	const struct ent_field *fdeal = entity_field(&collection_entity, "deal");
	const struct ent_field *fdue = entity_field(&collection_entity, "due");
	const struct ent_field *famount = entity_field(&collection_entity, "amount");
	struct collection rec, out;
	struct deal_state ds;
	struct project p;
	struct ent_project ep;
	struct ent_input in = { 0 };
	int64_t sum = 0, left, given = 0;
	int failed = 0;
	char a1[40];

	if (n < 1 || n > 12)
		return err_set(err, ERR_INVALID, "parts", "parts_count:n",
			       "an amount is split into 1 to 12 instalments, not %d", n);
	for (int i = 0; i < n; i++) {
		if (parts_bp[i] <= 0 || parts_bp[i] > 10000)
			return err_set(err, ERR_INVALID, "parts", "parts_sum:bp",
				       "each instalment is a share above 0%% and the shares add up to "
				       "100%%, not %lld basis points", (long long)parts_bp[i]);
		sum += parts_bp[i];
	}
	if (sum != 10000)
		return err_set(err, ERR_INVALID, "parts", "parts_sum:bp",
			       "each instalment is a share above 0%% and the shares add up to 100%%, "
			       "not %lld basis points", (long long)sum);
	if (n > 1 && (every_days < 1 || every_days > 366))
		return err_set(err, ERR_INVALID, "every", "number_range:_,value,min,max",
			       "every %lld is out of range (%lld to %lld)", (long long)every_days, 1LL,
			       366LL);
	if (project_get_as(st, a, code, PROLE_VIEWER, "planning collections", &p, err) ||
	    deal_state(st, deal, &ds, err))
		return -1;
	if (ds.project_id != p.id)
		return err_set(err, ERR_INVALID, "deal", "link_other_project:_,key,project",
			       "%s %lld is not of project %s", "deal", (long long)deal, p.code);
	if (!ds.won)
		return err_set(err, ERR_INVALID, "deal", "deal_not_won:deal,stage",
			       "deal %lld is at stage %s: collections are planned for won deals only",
			       (long long)deal, ds.stage);
	left = ds.amount_minor - one_int(st, SQL_DEAL_PLANNED, deal, 0, &failed, err);
	if (failed)
		return -1;
	for (int i = 0; i < n; i++)
		if (left * parts_bp[i] / 10000 < 1)
			return err_set(err, ERR_INVALID, "parts", "nothing_to_split:left",
				       "%s is left to plan: too little for these instalments",
				       money_format(left, a1));
	ep.id = p.id;
	ep.code = p.code;
	in.rec = &rec;
	for (int i = 0; i < n; i++) {
		memset(&rec, 0, sizeof(rec));
		for (const struct ent_field *f = collection_fields; f->name; f++)
			entity_set_none(f, &rec);
		rec.deal_id = deal;
		snprintf(rec.deal, sizeof(rec.deal), "%lld", (long long)deal);
		rec.due_on = first_due + i * every_days;
		rec.amount_minor = i + 1 < n ? left * parts_bp[i] / 10000 : left - given;
		given += rec.amount_minor;
		in.set = 0;
		entity_input_set(&collection_entity, &in, fdeal, 0);
		entity_input_set(&collection_entity, &in, fdue, 0);
		entity_input_set(&collection_entity, &in, famount, 0);
		if (entity_create(st, a, &collection_entity, &ep, &in, &out, err))
			return -1;
		if (ids)
			ids[i] = out.id;
	}
	return 0;
}

/* --- totals ---------------------------------------------------------------------------------- */

/* Every collection of project ?1 with its deal's customer and owner and what was received. */
static const char SQL_COLLECTION_ROWS[] =
	"SELECT c.amount_minor, c.due_on, d.customer_id, cu.name, d.owner_id, u.login, u.name, "
	"(SELECT COALESCE(SUM(r.amount_minor), 0) FROM receipts r WHERE r.collection_id = c.id) "
	"FROM collections c JOIN deals d ON d.id = c.deal_id "
	"JOIN customers cu ON cu.id = d.customer_id JOIN users u ON u.id = d.owner_id "
	"WHERE c.project_id = ?1";

static void sums_add(struct collection_sums *g, int64_t amount, int64_t received, int late)
{
	g->planned += amount;
	g->received += received;
	g->outstanding += amount - received;
	g->collections++;
	if (late && received < amount) {
		g->overdue += amount - received;
		g->overdue_collections++;
	}
}

/* The group of id in *list (made when new). */
static struct collection_sums *group(struct collection_sums **list, size_t *n, int64_t id,
				     const char *key, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if ((*list)[i].id == id)
			return &(*list)[i];
	*list = xrealloc(*list, (*n + 1) * sizeof(**list));
	memset(&(*list)[*n], 0, sizeof(**list));
	(*list)[*n].id = id;
	snprintf((*list)[*n].key, sizeof((*list)[*n].key), "%s", key);
	snprintf((*list)[*n].name, sizeof((*list)[*n].name), "%s", name);
	return &(*list)[(*n)++];
}

static int by_name(const void *x, const void *y)
{
	const struct collection_sums *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	return c ? c : (a->id > b->id) - (a->id < b->id);
}

static int by_key(const void *x, const void *y)
{
	return strcmp(((const struct collection_sums *)x)->key,
		      ((const struct collection_sums *)y)->key);
}

int collection_summary(struct store *st, const struct actor *a, const char *code, int32_t today,
		       struct collection_summary *out, struct err *err)
{
	struct project p;
	struct stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	if (project_get_as(st, a, code, PROLE_VIEWER, "reading collections", &p, err))
		return -1;
	snprintf(out->project, sizeof(out->project), "%s", p.code);
	out->today = today == NO_DATE ? date_today() : today;
	if (!(s = store_prepare(st, SQL_COLLECTION_ROWS, err)))
		return -1;
	store_bind_int(st, s, 1, p.id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t amount = store_col_int(st, s, 0), received = store_col_int(st, s, 7);
		int late = (int32_t)store_col_int(st, s, 1) < out->today;
		sums_add(&out->total, amount, received, late);
		sums_add(group(&out->customers, &out->ncustomers, store_col_int(st, s, 2), "",
			       store_col_text(st, s, 3)), amount, received, late);
		sums_add(group(&out->owners, &out->nowners, store_col_int(st, s, 4),
			       store_col_text(st, s, 5), store_col_text(st, s, 6)), amount, received,
			 late);
	}
	store_done(st, s);
	if (out->ncustomers)
		qsort(out->customers, out->ncustomers, sizeof(*out->customers), by_name);
	if (out->nowners)
		qsort(out->owners, out->nowners, sizeof(*out->owners), by_key);
	return rc < 0 ? -1 : 0;
}

void collection_summary_release(struct collection_summary *s)
{
	free(s->customers);
	free(s->owners);
	s->customers = s->owners = NULL;
	s->ncustomers = s->nowners = 0;
}

static void sums_json(struct jw *w, const struct collection_sums *g, const char *kind)
{
	jw_obj(w);
	if (kind && !strcmp(kind, "customer")) {
		jw_kint(w, "customer", g->id);
		jw_kstr(w, "name", g->name);
	} else if (kind) {
		jw_kstr(w, "owner", g->key);
		jw_kstr(w, "name", g->name);
	}
	jw_kint(w, "planned", g->planned);
	jw_kint(w, "received", g->received);
	jw_kint(w, "outstanding", g->outstanding);
	jw_kint(w, "overdue", g->overdue);
	jw_kint(w, "collections", g->collections);
	jw_kint(w, "overdue_collections", g->overdue_collections);
	jw_obj_end(w);
}

void collection_summary_write_json(struct jw *w, const struct collection_summary *s)
{
	jw_obj(w);
	jw_kstr(w, "project", s->project);
	jw_kdate(w, "today", s->today);
	jw_key(w, "total");
	sums_json(w, &s->total, NULL);
	jw_key(w, "customers");
	jw_arr(w);
	for (size_t i = 0; i < s->ncustomers; i++)
		sums_json(w, &s->customers[i], "customer");
	jw_arr_end(w);
	jw_key(w, "owners");
	jw_arr(w);
	for (size_t i = 0; i < s->nowners; i++)
		sums_json(w, &s->owners[i], "owner");
	jw_arr_end(w);
	jw_obj_end(w);
}

/* --- the won deals and their plans ------------------------------------------------------------- */

static const char SQL_WON_DEALS[] =
	"SELECT d.id, d.title, d.customer_id, cu.name, u.login, u.name, d.amount_minor, d.won_on "
	"FROM deals d JOIN customers cu ON cu.id = d.customer_id JOIN users u ON u.id = d.owner_id "
	"WHERE d.project_id = ?1 AND " DEAL_IS_WON("d") " ORDER BY d.won_on DESC, d.id DESC";
static const char SQL_PROJECT_RECEIPTS[] =
	"SELECT r.id, r.amount_minor, r.received_on, r.note, u.login, r.created_at, r.collection_id "
	"FROM receipts r LEFT JOIN users u ON u.id = r.created_by WHERE r.project_id = ? "
	"ORDER BY r.received_on, r.id";

/* A receipt of the project, as the screen lists it under its collection. */
struct receipt_row {
	int64_t id, collection_id, amount, at;
	int32_t day;
	char note[1000], by[64];
};

static int receipts_load(struct store *st, int64_t project_id, struct receipt_row **out,
			 size_t *n, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_PROJECT_RECEIPTS, err);
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, project_id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct receipt_row *r;
		if (*n == alloc) {
			alloc = alloc * 2 + 16;
			*out = xrealloc(*out, alloc * sizeof(**out));
		}
		r = &(*out)[(*n)++];
		r->id = store_col_int(st, s, 0);
		r->amount = store_col_int(st, s, 1);
		r->day = (int32_t)store_col_int(st, s, 2);
		snprintf(r->note, sizeof(r->note), "%s", store_col_text(st, s, 3));
		snprintf(r->by, sizeof(r->by), "%s",
			 store_col_is_null(st, s, 4) ? "" : store_col_text(st, s, 4));
		r->at = store_col_int(st, s, 5);
		r->collection_id = store_col_int(st, s, 6);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* One collection's JSON (the record's members and its receipts) as a value of w. */
static void collection_with_receipts(struct jw *w, const struct collection *c,
				     const struct receipt_row *rs, size_t nr)
{
	struct buf b = BUF_INIT;
	struct jw cw, rw;

	jw_init(&cw, &b);
	entity_write_json(&cw, &collection_entity, c);
	b.len--; /* the record's closing brace: its receipts follow */
	buf_adds(&b, ",\"receipts\":");
	jw_init(&rw, &b);
	jw_arr(&rw);
	for (size_t i = 0; i < nr; i++) {
		if (rs[i].collection_id != c->id)
			continue;
		jw_obj(&rw);
		jw_kint(&rw, "id", rs[i].id);
		jw_kint(&rw, "amount", rs[i].amount);
		jw_kdate(&rw, "received_on", rs[i].day);
		jw_kstr(&rw, "note", rs[i].note);
		jw_kstr(&rw, "by", rs[i].by[0] ? rs[i].by : NULL);
		jw_kts(&rw, "at", rs[i].at);
		jw_obj_end(&rw);
	}
	jw_arr_end(&rw);
	buf_addch(&b, '}');
	jw_raw(w, buf_cstr(&b));
	buf_release(&b);
}

/* A won deal, from the row of SQL_WON_DEALS, with its collections and their sums. */
static void won_deal_json(struct jw *w, struct store *st, struct stmt *s,
			  const struct ent_rows *cols, const struct receipt_row *rs, size_t nr,
			  int32_t today)
{
	int64_t id = store_col_int(st, s, 0), amount = store_col_int(st, s, 6);
	int64_t planned = 0, received = 0, overdue = 0;

	for (size_t i = 0; i < cols->n; i++) {
		const struct collection *c = (const struct collection *)cols->items + i;
		if (c->deal_id != id)
			continue;
		planned += c->amount_minor;
		received += c->received_minor;
		if (c->due_on < today)
			overdue += c->outstanding_minor;
	}
	jw_obj(w);
	jw_kint(w, "id", id);
	jw_kstr(w, "title", store_col_text(st, s, 1));
	jw_kint(w, "customer", store_col_int(st, s, 2));
	jw_kstr(w, "customer_name", store_col_text(st, s, 3));
	jw_kstr(w, "owner", store_col_text(st, s, 4));
	jw_kstr(w, "owner_name", store_col_text(st, s, 5));
	jw_kint(w, "amount", amount);
	jw_kdate(w, "won_on", (int32_t)store_col_int(st, s, 7));
	jw_kint(w, "planned", planned);
	jw_kint(w, "received", received);
	jw_kint(w, "outstanding", planned - received);
	jw_kint(w, "overdue", overdue);
	jw_kint(w, "left_to_plan", amount - planned);
	jw_key(w, "collections");
	jw_arr(w);
	for (size_t i = 0; i < cols->n; i++) {
		const struct collection *c = (const struct collection *)cols->items + i;
		if (c->deal_id == id)
			collection_with_receipts(w, c, rs, nr);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

int collection_deals_write_json(struct store *st, const struct actor *a, const char *code,
				struct jw *w, struct err *err)
{
	struct project p;
	struct ent_project ep;
	struct ent_rows cols = { 0 };
	struct receipt_row *rs = NULL;
	size_t nr = 0;
	struct stmt *s;
	int32_t today = date_today();
	int rc = -1;

	if (project_get(st, a, code, &p, err))
		return -1;
	ep.id = p.id;
	ep.code = p.code;
	if (entity_list(st, a, &collection_entity, &ep, NULL, &cols, err) ||
	    receipts_load(st, p.id, &rs, &nr, err) || !(s = store_prepare(st, SQL_WON_DEALS, err)))
		goto out;
	store_bind_int(st, s, 1, p.id);
	jw_obj(w);
	jw_kstr(w, "project", p.code);
	jw_kdate(w, "today", today);
	jw_key(w, "deals");
	jw_arr(w);
	while ((rc = store_step(st, s, err)) == STORE_ROW)
		won_deal_json(w, st, s, &cols, rs, nr, today);
	jw_arr_end(w);
	jw_obj_end(w);
	store_done(st, s);
	rc = rc < 0 ? -1 : 0;
out:
	entity_rows_release(&cols);
	free(rs);
	return rc;
}

/* --- the collections goal metric ------------------------------------------------------------------ */

/* ?1 project, ?2 from, ?3 to, ?4 owner, ?5 segment, ?6 channel (NULL: any) */
static const char SQL_RECEIVED[] =
	"SELECT COALESCE(SUM(r.amount_minor), 0) FROM receipts r "
	"JOIN collections c ON c.id = r.collection_id JOIN deals d ON d.id = c.deal_id "
	"WHERE (CAST(?1 AS BIGINT) IS NULL OR r.project_id = ?1) AND r.received_on BETWEEN ?2 AND ?3 "
	"AND (CAST(?4 AS BIGINT) IS NULL OR d.owner_id = ?4) "
	"AND (CAST(?5 AS BIGINT) IS NULL OR d.segment_id = ?5) "
	"AND (CAST(?6 AS BIGINT) IS NULL OR d.channel_id = ?6)";

int collection_received(struct store *st, int64_t project_id, int32_t from, int32_t to,
			int64_t owner_id, int64_t segment_id, int64_t channel_id, int64_t *out,
			struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_RECEIVED, err);
	int rc;

	*out = 0;
	if (!s)
		return -1;
	store_bind_int_or_null(st, s, 1, project_id, NO_ID);
	store_bind_int(st, s, 2, from);
	store_bind_int(st, s, 3, to);
	store_bind_int_or_null(st, s, 4, owner_id, NO_ID);
	store_bind_int_or_null(st, s, 5, segment_id, NO_ID);
	store_bind_int_or_null(st, s, 6, channel_id, NO_ID);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		*out = store_col_int(st, s, 0);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}
