/*
 * sale.c - a project's sales over HTTP: list with filters and paging, one sale
 * at a time (create, read, change, delete), and the CSV import and export of
 * SPEC.md. Who may write which line is core's rule (a member only their own).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "base/date.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "core/sale.h"
#include "report/sale_xlsx.h"
#include "report/xlsx_write.h"
#include "base/banned.h"

#define SALE_LIMIT_DEFAULT 50
#define SALE_LIMIT_MAX 1000

/* --- query arguments ---------------------------------------------------------------- */

static int query_date(struct api_req *r, const char *name, int32_t *out, struct err *err)
{
	const char *v = api_query(r, name);
	if (!v)
		return 0;
	return date_parse(v, strlen(v), out, name, err);
}

/* An optional text argument: absent or empty is no filter. */
static const char *query_text(struct api_req *r, const char *name)
{
	const char *v = api_query(r, name);
	return v && *v ? v : NULL;
}

/* The filters list and export share: dates, channel, product, rep, customer. */
static int parse_filter(struct api_req *r, struct sale_filter *f, struct err *err)
{
	memset(f, 0, sizeof(*f));
	f->from = f->to = NO_DATE;
	f->sort = SALE_SORT_DATE;
	if (query_date(r, "from", &f->from, err) || query_date(r, "to", &f->to, err))
		return -1;
	if (f->from != NO_DATE && f->to != NO_DATE && f->to < f->from)
		return err_set(err, ERR_INVALID, "to", "range_reversed", "to is before from");
	f->channel = query_text(r, "channel");
	f->product = query_text(r, "product");
	f->rep = query_text(r, "rep");
	f->segment = query_text(r, "segment");
	f->customer = query_text(r, "customer");
	return 0;
}

/* Sorting and paging of a list: sort, order, limit (1..1000, default 50), offset. */
static int parse_page(struct api_req *r, struct sale_filter *f, struct err *err)
{
	const char *v;

	if ((v = api_query(r, "sort")) && sale_sort_parse(v, &f->sort, err))
		return -1;
	if ((v = api_query(r, "order"))) {
		if (!strcmp(v, "asc"))
			f->desc = 0;
		else if (!strcmp(v, "desc"))
			f->desc = 1;
		else
			return err_set(err, ERR_INVALID, "order", "bad_order:value", "order is asc or desc, not \"%.40s\"",
				       v);
	}
	f->limit = SALE_LIMIT_DEFAULT;
	if (api_query_int(r, "limit", &f->limit, err) || api_query_int(r, "offset", &f->offset, err))
		return -1;
	if (f->limit < 1 || f->limit > SALE_LIMIT_MAX)
		return err_set(err, ERR_INVALID, "limit", "limit_range:max,value", "limit must be between 1 and %d, not %lld",
			       SALE_LIMIT_MAX, (long long)f->limit);
	if (f->offset < 0)
		return err_set(err, ERR_INVALID, "offset", "negative", "offset cannot be negative");
	return 0;
}

/* The {id} of the path; text that is not a positive integer names no sale. */
static int path_id(struct api_req *r, int64_t *id, struct err *err)
{
	const char *s = api_param(r, "id");
	if (!s || int_parse(s, strlen(s), id, "id", NULL) || *id <= 0)
		return err_set(err, ERR_NOT_FOUND, "id", "no_sale:id", "no sale \"%.40s\" in this project",
			       s ? s : "");
	return 0;
}

/* --- one sale ------------------------------------------------------------------------ */

struct sale_body {
	const char *customer, *product, *channel, *rep, *promotion, *segment;
	int32_t date;
	int64_t quantity, unit_price, discount, version;
	int has_date, has_quantity, has_unit_price, has_discount, has_promotion, has_segment;
};

#define SALE_FIELDS(b, req)                                                                     \
	{ "date", API_DATE, req, &(b).date, &(b).has_date },                                   \
	{ "customer", API_STR, req, &(b).customer },                                            \
	{ "product", API_STR, req, &(b).product },                                              \
	{ "channel", API_STR, req, &(b).channel },                                              \
	{ "rep", API_STR, 0, &(b).rep },                                                        \
	{ "quantity", API_INT, req, &(b).quantity, &(b).has_quantity },                         \
	{ "unit_price", API_INT, 0, &(b).unit_price, &(b).has_unit_price },                     \
	{ "discount", API_INT, 0, &(b).discount, &(b).has_discount },                           \
	{ "promotion", API_STR, API_NULLABLE, &(b).promotion, &(b).has_promotion },             \
	{ "segment", API_STR, API_NULLABLE, &(b).segment, &(b).has_segment }

/* Lay what the body gave over in (which holds the defaults or the current sale). */
static void apply(const struct sale_body *b, struct sale_input *in)
{
	if (b->has_date)
		in->sold_on = b->date;
	if (b->customer)
		in->customer = b->customer;
	if (b->product)
		in->product = b->product;
	if (b->channel)
		in->channel = b->channel;
	if (b->rep)
		in->rep = b->rep;
	if (b->has_quantity)
		in->quantity = b->quantity;
	if (b->has_unit_price)
		in->unit_price_minor = b->unit_price;
	if (b->has_discount)
		in->discount_minor = b->discount;
	/* null clears a promotion; a segment names the one the sale is made in */
	if (b->has_promotion)
		in->promotion = b->promotion ? b->promotion : "";
	if (b->has_segment)
		in->segment = b->segment ? b->segment : "";
}

static int list_sales(struct api_req *r, struct err *err)
{
	struct sale_filter f;
	struct sale_list l = { 0 };

	if (parse_filter(r, &f, err) || parse_page(r, &f, err) ||
	    sale_list(r->st, &r->actor, api_param(r, "code"), &f, &l, err)) {
		sale_list_release(&l);
		return -1;
	}
	jw_obj(&r->jw);
	jw_key(&r->jw, "sales");
	jw_arr(&r->jw);
	for (size_t i = 0; i < l.n; i++)
		sale_write_json(&r->jw, &l.items[i]);
	jw_arr_end(&r->jw);
	jw_kint(&r->jw, "total", l.total);
	jw_key(&r->jw, "totals");
	sale_totals_write_json(&r->jw, &l.totals);
	jw_kint(&r->jw, "limit", f.limit);
	jw_kint(&r->jw, "offset", f.offset);
	jw_obj_end(&r->jw);
	sale_list_release(&l);
	return 0;
}

static int create_sale(struct api_req *r, struct err *err)
{
	struct sale_body b;
	struct sale_input in;
	struct sale out;
	struct buf json = BUF_INIT;

	memset(&b, 0, sizeof(b));
	{
		const struct api_field fields[] = { SALE_FIELDS(b, API_REQUIRED), { NULL } };
		if (api_parse(r, fields, err))
			return -1;
	}
	memset(&in, 0, sizeof(in));
	in.sold_on = NO_DATE;
	in.rep = r->actor.login; /* a rep records their own sales unless told otherwise */
	in.unit_price_minor = SALE_PRICE_IN_FORCE; /* unless given: the list price that day */
	apply(&b, &in);
	/* the answer is the audit row's JSON of the new sale, written once */
	if (sale_add_json(r->st, &r->actor, api_param(r, "code"), &in, &out, &json, err)) {
		buf_release(&json);
		return -1;
	}
	r->status = 201;
	jw_raw(&r->jw, buf_cstr(&json));
	buf_release(&json);
	return 0;
}

static int get_sale(struct api_req *r, struct err *err)
{
	struct sale s;
	int64_t id;

	if (path_id(r, &id, err) || sale_get(r->st, &r->actor, api_param(r, "code"), id, &s, err))
		return -1;
	sale_write_json(&r->jw, &s);
	return 0;
}

static int update_sale(struct api_req *r, struct err *err)
{
	struct sale_body b;
	struct sale cur, out;
	struct sale_input in;
	const char *code = api_param(r, "code");
	int64_t id;

	memset(&b, 0, sizeof(b));
	{
		const struct api_field fields[] = {
			SALE_FIELDS(b, 0),
			{ "version", API_INT, API_REQUIRED, &b.version },
			{ NULL },
		};
		if (api_parse(r, fields, err))
			return -1;
	}
	if (path_id(r, &id, err) || sale_get(r->st, &r->actor, code, id, &cur, err))
		return -1;
	memset(&in, 0, sizeof(in));
	in.sold_on = cur.sold_on;
	in.customer = cur.customer;
	in.product = cur.product;
	in.channel = cur.channel;
	in.rep = cur.rep;
	in.promotion = cur.promotion;
	in.segment = cur.segment;
	in.quantity = cur.quantity;
	in.unit_price_minor = cur.unit_price_minor;
	in.discount_minor = cur.discount_minor;
	apply(&b, &in);
	if (sale_update(r->st, &r->actor, code, id, b.version, &in, &out, err))
		return -1;
	sale_write_json(&r->jw, &out);
	return 0;
}

static int delete_sale(struct api_req *r, struct err *err)
{
	int64_t body_version = 0, version, id;
	int has_version = 0;
	const struct api_field fields[] = {
		{ "version", API_INT, 0, &body_version, &has_version },
		{ NULL },
	};

	if (api_parse_optional(r, fields, err) || path_id(r, &id, err) ||
	    api_version(r, has_version, body_version, &version, err) ||
	    sale_delete(r->st, &r->actor, api_param(r, "code"), id, version, err))
		return -1;
	api_answer_deleted(r, id);
	return 0;
}

/* --- CSV and .xlsx import and export ------------------------------------------------------ */

/* An export built whole in memory (a workbook) stops at this size: 413 past it. */
#define XLSX_EXPORT_MAX (64u << 20)

static int query_bool(struct api_req *r, const char *name, int *out, struct err *err)
{
	const char *v = api_query(r, name);
	if (!v)
		return 0;
	if (!strcmp(v, "1") || !strcmp(v, "true") || !*v)
		*out = 1;
	else if (!strcmp(v, "0") || !strcmp(v, "false"))
		*out = 0;
	else
		return err_set(err, ERR_INVALID, name, "not_boolean:_,value", "%s is 1 or 0 (true or false), not \"%.40s\"",
			       name, v);
	return 0;
}

/* The bad rows of a failed import as the error's "rows" and "bad_rows" members. */
static void import_rows(struct api_req *r, const struct sale_import_result *res)
{
	struct buf b = BUF_INIT;
	struct jw w;

	/* members inside the error object the server writes: open one to keep jw's commas */
	jw_init(&w, &b);
	jw_obj(&w);
	sale_import_errors_write_json(&w, res);
	jw_obj_end(&w);
	/* strip the braces: the server adds these members to its own object */
	r->error_extra = arena_strndup(r->arena, buf_cstr(&b) + 1, b.len - 2);
	buf_release(&b);
}

static int import_sales(struct api_req *r, struct err *err)
{
	/* every bad row is counted (bad_rows); the first 10,000 are listed in the body */
	struct sale_import_opts io = { .max_errors = 10000 };
	struct sale_import_result res;
	int rc;

	if (api_body_type(r->route, r->content_type, err))
		return -1;
	io.gb18030 = api_csv_gb(r->content_type);
	if (query_bool(r, "dry_run", &io.dry_run, err))
		return -1;
	if (api_xlsx_type(r->content_type)) {
		/* a workbook: its first sheet, or ?sheet=NAME */
		struct sale_xlsx_source in = { .data = r->body, .len = r->body_len,
					       .sheet = query_text(r, "sheet") };
		rc = sale_import_xlsx(r->st, &r->actor, api_param(r, "code"), &in, &io, &res, err);
	} else if (query_text(r, "sheet")) {
		return err_set(err, ERR_INVALID, "sheet", "sheet_not_csv",
			       "sheet names a sheet of an .xlsx workbook; this body is CSV");
	} else {
		/*
		 * The reader NUL-terminates cells in place: the body is this request's own
		 * buffer, with the spare byte after it that sale_import() needs.
		 */
		rc = sale_import(r->st, &r->actor, api_param(r, "code"), (char *)r->body,
				 r->body_len, &io, &res, err);
	}
	if (rc) {
		if (err->code == ERR_INVALID)
			import_rows(r, &res);
		sale_import_result_release(&res);
		return -1;
	}
	jw_obj(&r->jw);
	jw_kint(&r->jw, "imported", res.imported);
	jw_kint(&r->jw, "rows", res.rows);
	jw_kint(&r->jw, "new_customers", res.new_customers);
	jw_kbool(&r->jw, "dry_run", io.dry_run);
	jw_kstr(&r->jw, "encoding", res.encoding);
	jw_obj_end(&r->jw);
	sale_import_result_release(&res);
	return 0;
}

/*
 * An export streams: it reads on a connection of its own (the worker's serves
 * other requests between the pieces), in one snapshot, a page at a time.
 */
struct export_stream {
	struct store *st;
	struct sale_export *x;
};

static int export_next(void *ctx, struct buf *out, struct err *err)
{
	return sale_export_next(((struct export_stream *)ctx)->x, out, err);
}

static void export_end(void *ctx)
{
	struct export_stream *e = ctx;
	sale_export_close(e->x);
	store_free(e->st);
	free(e);
}

/*
 * The export as a workbook (?format=xlsx): built whole in memory (libxlsxwriter
 * makes the file at the end), on a connection of its own as the CSV's, up to
 * XLSX_EXPORT_MAX bytes (413 export_too_large past it; a filter narrows it).
 */
static int export_xlsx(struct api_req *r, const struct sale_filter *f, struct err *err)
{
	struct store *st = store_open(r->st->dsn, 0, err);
	struct buf b;
	int rc;

	if (!st)
		return -1;
	buf_init(&b, XLSX_EXPORT_MAX);
	rc = sale_export_xlsx(st, &r->actor, api_param(r, "code"), f, &b, err);
	store_free(st);
	if (rc) {
		buf_release(&b);
		return -1;
	}
	buf_reset(&r->out);
	rc = buf_add(&r->out, b.p, b.len);
	buf_release(&b);
	if (rc)
		return err_set(err, ERR_TOO_LARGE, NULL, "export_too_large",
			       "the export is larger than allowed");
	r->content_type_out = XLSX_MIME;
	return 0;
}

static int export_sales(struct api_req *r, struct err *err)
{
	struct sale_filter f;
	const char *code = api_param(r, "code"), *format = api_query(r, "format");
	char disp[160], safe[64];
	size_t n = 0;
	struct export_stream *e;
	int xlsx = 0;

	if (parse_filter(r, &f, err))
		return -1;
	if (format && strcmp(format, "csv")) {
		if (strcmp(format, "xlsx"))
			return err_set(err, ERR_INVALID, "format", "bad_enum:value,allowed",
				       "\"%.40s\" is not one of: %s", format, "csv, xlsx");
		xlsx = 1;
	}
	/* the file name repeats the project code, quoted: keep it to safe characters */
	for (const char *p = code; *p && n < sizeof(safe) - 1; p++)
		safe[n++] = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
					    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
					    *p == '.'
				    ? *p
				    : '_';
	safe[n] = '\0';
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s-sales.%s\"", safe,
		 xlsx ? "xlsx" : "csv");
	if (xlsx) {
		if (export_xlsx(r, &f, err))
			return -1;
		api_header_out(r, "Content-Disposition", disp);
		return 0;
	}
	e = xcalloc(1, sizeof(*e));
	e->st = store_open(r->st->dsn, 0, err);
	if (!e->st || sale_export_open(e->st, &r->actor, code, &f, &e->x, err)) {
		store_free(e->st);
		free(e);
		return -1;
	}
	api_stream(r, export_next, export_end, e);
	r->content_type_out = "text/csv; charset=utf-8";
	api_header_out(r, "Content-Disposition", disp);
	return 0;
}

/* The literal routes come before /sales/{id}, which would match them too. */
const struct api_route api_sale_routes[] = {
	{ "GET", "/api/v1/projects/{code}/sales", list_sales, ROLE_VIEWER, 0 },
	{ "POST", "/api/v1/projects/{code}/sales", create_sale, ROLE_REP, API_BATCHED },
	{ "POST", "/api/v1/projects/{code}/sales/import", import_sales, ROLE_REP, API_BULK },
	{ "GET", "/api/v1/projects/{code}/sales/export", export_sales, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/projects/{code}/sales/{id}", get_sale, ROLE_VIEWER, 0 },
	{ "PATCH", "/api/v1/projects/{code}/sales/{id}", update_sale, ROLE_REP, API_BATCHED },
	{ "DELETE", "/api/v1/projects/{code}/sales/{id}", delete_sale, ROLE_REP, API_BATCHED },
	{ NULL },
};
