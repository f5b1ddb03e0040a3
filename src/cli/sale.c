/*
 * sale.c - `salespm sale ...` (add, list, show, update, delete, import, export)
 * and `salespm customer ...`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/date.h"
#include "base/money.h"
#include "cli/cli.h"
#include "core/customer.h"
#include "core/sale.h"
#include "report/sale_xlsx.h"
#include "base/banned.h"

#define SALE_OPTS                                                                          \
	{ "date", 0, OPT_VALUE }, { "customer", 0, OPT_VALUE }, { "product", 0, OPT_VALUE }, \
		{ "channel", 0, OPT_VALUE }, { "rep", 0, OPT_VALUE },                        \
		{ "quantity", 0, OPT_VALUE }, { "price", 0, OPT_VALUE },                     \
		{ "unit-price", 0, OPT_VALUE }, { "discount", 0, OPT_VALUE },                \
		{ "promotion", 0, OPT_VALUE }, { "segment", 0, OPT_VALUE }

#define FILTER_OPTS                                                                          \
	{ "from", 0, OPT_VALUE }, { "to", 0, OPT_VALUE }, { "channel", 0, OPT_VALUE },       \
		{ "product", 0, OPT_VALUE }, { "rep", 0, OPT_VALUE },                        \
		{ "segment", 0, OPT_VALUE },                                                 \
		{ "customer", 0, OPT_VALUE }, { "sort", 0, OPT_VALUE }, { "desc", 0, OPT_FLAG }, \
		{ "limit", 0, OPT_VALUE }, { "offset", 0, OPT_VALUE }

static void print_sale(struct cli *c, const struct sale *s)
{
	char d[DATE_FMT_MAX], m1[MONEY_FMT_MAX], m2[MONEY_FMT_MAX], m3[MONEY_FMT_MAX],
		m4[MONEY_FMT_MAX];
	if (c->json) {
		CLI_PRINT_ONE(s, sale_write_json);
		return;
	}
	printf("sale %lld (version %lld)\ndate:       %s\ncustomer:   %s\nproduct:    %s\n"
	       "channel:    %s\nrep:        %s\nquantity:   %lld\nunit price: %s\n"
	       "discount:   %s\namount:     %s\ncost:       %s\npromotion:  %s\nsegment:    %s\n",
	       (long long)s->id, (long long)s->version, date_format(s->sold_on, d), s->customer,
	       s->product, s->channel, s->rep, (long long)s->quantity,
	       money_format_grouped(s->unit_price_minor, m1),
	       money_format_grouped(s->discount_minor, m2),
	       money_format_grouped(s->amount_minor, m3), money_format_grouped(s->cost_minor, m4),
	       s->promotion[0] ? s->promotion : "-", s->segment[0] ? s->segment : "-");
}

/* Fill in from options; base (for updates) supplies what is not given. */
static int sale_input_from(struct cli *c, struct cli_opt *opts, const struct sale *base,
			   struct sale_input *in, struct err *err)
{
	const char *v;
	memset(in, 0, sizeof(*in));
	in->sold_on = base ? base->sold_on : NO_DATE;
	in->customer = base ? base->customer : cli_opt(opts, "customer");
	in->product = base ? base->product : NULL;
	in->channel = base ? base->channel : NULL;
	in->rep = base ? base->rep : c->actor.login;
	in->promotion = base ? base->promotion : NULL;
	in->segment = base ? base->segment : NULL;
	in->quantity = base ? base->quantity : 0;
	/* a new sale without --price: the product's list price in force on its date */
	in->unit_price_minor = base ? base->unit_price_minor : SALE_PRICE_IN_FORCE;
	in->discount_minor = base ? base->discount_minor : 0;
	if ((v = cli_opt(opts, "date")) && cli_date(v, "date", &in->sold_on, err))
		return -1;
	if ((v = cli_opt(opts, "customer")))
		in->customer = v;
	if ((v = cli_opt(opts, "product")))
		in->product = v;
	if ((v = cli_opt(opts, "channel")))
		in->channel = v;
	if ((v = cli_opt(opts, "rep")))
		in->rep = v;
	if ((v = cli_opt(opts, "promotion")))
		in->promotion = v;
	if ((v = cli_opt(opts, "segment")))
		in->segment = v;
	if ((v = cli_opt(opts, "quantity")) && cli_int(v, "quantity", &in->quantity, err))
		return -1;
	if (!(v = cli_opt(opts, "price")))
		v = cli_opt(opts, "unit-price");
	if (v && cli_money(v, "unit_price", &in->unit_price_minor, err))
		return -1;
	if ((v = cli_opt(opts, "discount")) && cli_money(v, "discount", &in->discount_minor, err))
		return -1;
	if (!base) {
		static const char *const need[] = { "date", "customer", "product", "channel",
						    "quantity" };
		for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
			if (!cli_opt(opts, need[i]))
				return err_set(err, ERR_USAGE, need[i], "required", "--%s is required", need[i]);
	}
	return 0;
}

static int cmd_sale_add(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { SALE_OPTS, { NULL, 0, 0 } };
	struct sale_input in;
	struct sale s;
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    sale_input_from(c, opts, NULL, &in, err) ||
	    sale_add(c->st, &c->actor, pos[0], &in, &s, err))
		return -1;
	if (c->json) {
		print_sale(c, &s);
	} else {
		char m[MONEY_FMT_MAX];
		printf("recorded sale %lld: %s, %lld x %s, %s %s\n", (long long)s.id, s.customer,
		       (long long)s.quantity, s.product, money_format_grouped(s.amount_minor, m),
		       c->ws.currency);
	}
	return 0;
}

static int parse_filter(struct cli_opt *opts, struct sale_filter *f, struct err *err)
{
	const char *v;
	memset(f, 0, sizeof(*f));
	f->from = f->to = NO_DATE;
	if ((v = cli_opt(opts, "from")) && cli_date(v, "from", &f->from, err))
		return -1;
	if ((v = cli_opt(opts, "to")) && cli_date(v, "to", &f->to, err))
		return -1;
	f->channel = cli_opt(opts, "channel");
	f->product = cli_opt(opts, "product");
	f->rep = cli_opt(opts, "rep");
	f->segment = cli_opt(opts, "segment");
	f->customer = cli_opt(opts, "customer");
	f->sort = SALE_SORT_DATE;
	if ((v = cli_opt(opts, "sort")) && sale_sort_parse(v, &f->sort, err))
		return -1;
	f->desc = cli_opt(opts, "desc") != NULL;
	if ((v = cli_opt(opts, "limit")) && cli_int(v, "limit", &f->limit, err))
		return -1;
	if ((v = cli_opt(opts, "offset")) && cli_int(v, "offset", &f->offset, err))
		return -1;
	return 0;
}

static int cmd_sale_list(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { FILTER_OPTS, { NULL, 0, 0 } };
	struct sale_filter f;
	struct sale_list l = { 0 };
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) || parse_filter(opts, &f, err))
		return -1;
	if (!cli_opt(opts, "limit") && !c->json)
		f.limit = 50;
	if (sale_list(c->st, &c->actor, pos[0], &f, &l, err))
		return -1;
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		jw_obj(&w);
		jw_key(&w, "sales");
		jw_arr(&w);
		for (size_t i = 0; i < l.n; i++)
			sale_write_json(&w, &l.items[i]);
		jw_arr_end(&w);
		jw_kint(&w, "total", l.total);
		jw_key(&w, "totals");
		sale_totals_write_json(&w, &l.totals);
		jw_obj_end(&w);
		cli_print_json(&b);
		buf_release(&b);
	} else if (l.total == 0) {
		printf("no sales match; record one with `salespm sale add` or import a CSV\n");
	} else {
		static const char *const head[] = { "ID",  "DATE",     "CUSTOMER", "PRODUCT",
						    "CHANNEL", "REP", "QTY", "AMOUNT" };
		static const int right[] = { 1, 0, 0, 0, 0, 0, 1, 1 };
		struct cli_table t;
		cli_table_init(&t, 8, head, right);
		for (size_t i = 0; i < l.n; i++) {
			const struct sale *s = &l.items[i];
			char id[24], d[DATE_FMT_MAX], q[24], m[MONEY_FMT_MAX];
			const char *row[8];
			snprintf(id, sizeof(id), "%lld", (long long)s->id);
			snprintf(q, sizeof(q), "%lld", (long long)s->quantity);
			row[0] = id;
			row[1] = date_format(s->sold_on, d);
			row[2] = s->customer;
			row[3] = s->product;
			row[4] = s->channel;
			row[5] = s->rep;
			row[6] = q;
			row[7] = money_format_grouped(s->amount_minor, m);
			cli_table_row(&t, row);
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
		if ((int64_t)l.n < l.total)
			printf("(%zu of %lld shown; use --limit and --offset for more)\n", l.n,
			       (long long)l.total);
		{
			const struct sale_totals *tt = &l.totals;
			char m1[MONEY_FMT_MAX], m2[MONEY_FMT_MAX], m3[MONEY_FMT_MAX],
				r[RATIO_FMT_MAX] = "-";
			int64_t bp;
			if (tt->amount > 0 && !ratio_bp(tt->amount - tt->cost, tt->amount, &bp))
				ratio_format(bp, r);
			printf("total of %lld lines: quantity %lld, amount %s, cost %s, gross profit "
			       "%s, margin %s\n",
			       (long long)tt->lines, (long long)tt->quantity,
			       money_format_grouped(tt->amount, m1), money_format_grouped(tt->cost, m2),
			       money_format_grouped(tt->amount - tt->cost, m3), r);
		}
	}
	sale_list_release(&l);
	return 0;
}

static int parse_id(const char *s, int64_t *id, struct err *err)
{
	if (cli_int(s, "id", id, err))
		return -1;
	if (*id <= 0)
		return err_set(err, ERR_INVALID, "id", "not_id:value", "\"%s\" is not a sale id", s);
	return 0;
}

static int cmd_sale_show(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct sale s;
	const char *pos[2];
	int64_t id;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err) || parse_id(pos[1], &id, err) ||
	    sale_get(c->st, &c->actor, pos[0], id, &s, err))
		return -1;
	print_sale(c, &s);
	return 0;
}

static int cmd_sale_update(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { SALE_OPTS, { "version", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct sale cur, out;
	struct sale_input in;
	const char *pos[2];
	int64_t id, version;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err) || parse_id(pos[1], &id, err) ||
	    sale_get(c->st, &c->actor, pos[0], id, &cur, err) ||
	    sale_input_from(c, opts, &cur, &in, err))
		return -1;
	version = cur.version;
	if (cli_opt(opts, "version") && cli_int(cli_opt(opts, "version"), "version", &version, err))
		return -1;
	if (sale_update(c->st, &c->actor, pos[0], id, version, &in, &out, err))
		return -1;
	if (c->json)
		print_sale(c, &out);
	else
		printf("updated sale %lld (version %lld)\n", (long long)out.id,
		       (long long)out.version);
	return 0;
}

static int cmd_sale_delete(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "version", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct sale cur;
	const char *pos[2];
	int64_t id, version;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err) || parse_id(pos[1], &id, err) ||
	    sale_get(c->st, &c->actor, pos[0], id, &cur, err))
		return -1;
	version = cur.version;
	if (cli_opt(opts, "version") && cli_int(cli_opt(opts, "version"), "version", &version, err))
		return -1;
	if (sale_delete(c->st, &c->actor, pos[0], id, version, err))
		return -1;
	if (c->json)
		printf("{\"deleted\":%lld}\n", (long long)id);
	else
		printf("deleted sale %lld\n", (long long)id);
	return 0;
}

static void import_progress(void *ctx, const char *phase, uint64_t done, uint64_t total)
{
	cli_progress(ctx, phase, done, total);
}

/* Whether name ends with ext (".xlsx"), in any case. */
static int has_ext(const char *name, const char *ext)
{
	size_t n = name ? strlen(name) : 0, e = strlen(ext);
	return n > e && !strcasecmp(name + n - e, ext);
}

/*
 * The file format: --format csv|xlsx, else by the file's name (.xlsx is a
 * workbook), else CSV. *xlsx set; -1 on a format it does not know.
 */
static int file_format(const char *format, const char *file, int *xlsx, struct err *err)
{
	if (!format) {
		*xlsx = has_ext(file, ".xlsx");
		return 0;
	}
	if (strcmp(format, "csv") && strcmp(format, "xlsx"))
		return err_set(err, ERR_USAGE, "format", "usage",
			       "--format: \"%s\" is not a format (csv or xlsx)", format);
	*xlsx = !strcmp(format, "xlsx");
	return 0;
}

static int cmd_sale_import(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "dry-run", 0, OPT_FLAG }, { "sheet", 0, OPT_VALUE },
				  { "format", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct sale_import_opts io = { 0 };
	struct sale_import_result res;
	struct buf data;
	const char *pos[2], *sheet;
	int npos, r, xlsx;

	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err) ||
	    file_format(cli_opt(opts, "format"), pos[1], &xlsx, err))
		return -1;
	sheet = cli_opt(opts, "sheet");
	if (sheet && !xlsx)
		return err_set(err, ERR_USAGE, "sheet", "usage",
			       "--sheet names a sheet of an .xlsx workbook (--format xlsx)");
	if (cli_read_file(pos[1], &data, (size_t)4 << 30, err))
		return -1;
	io.dry_run = cli_opt(opts, "dry-run") != NULL;
	io.progress = import_progress;
	io.progress_ctx = c;
	if (xlsx) {
		struct sale_xlsx_source in = { .data = data.p, .len = data.len, .sheet = sheet };
		r = sale_import_xlsx(c->st, &c->actor, pos[0], &in, &io, &res, err);
	} else {
		r = sale_import(c->st, &c->actor, pos[0], data.p, data.len, &io, &res, err);
	}
	cli_progress_end(c);
	buf_release(&data);
	if (r) {
		if (res.nerrors) {
			if (c->json) {
				struct buf b = BUF_INIT;
				struct jw w;
				jw_init(&w, &b);
				jw_obj(&w);
				jw_key(&w, "error");
				jw_obj(&w);
				jw_error_members(&w, err);
				sale_import_errors_write_json(&w, &res);
				jw_obj_end(&w);
				jw_obj_end(&w);
				fprintf(stderr, "%s\n", buf_cstr(&b));
				buf_release(&b);
			} else {
				if (!xlsx)
					fprintf(stderr, "read as %s\n", res.encoding);
				for (size_t i = 0; i < res.nerrors; i++)
					fprintf(stderr, "%s\n", res.errors[i].message);
				if (res.errors_total > (int64_t)res.nerrors)
					fprintf(stderr, "... and %lld more bad rows\n",
						(long long)(res.errors_total - (int64_t)res.nerrors));
				fprintf(stderr, "salespm: %s\n", err->msg);
			}
			c->reported = 1;
		}
		sale_import_result_release(&res);
		return -1;
	}
	if (c->json)
		printf("{\"imported\":%lld,\"rows\":%lld,\"new_customers\":%lld,\"dry_run\":%s,"
		       "\"encoding\":\"%s\"}\n",
		       (long long)res.imported, (long long)res.rows, (long long)res.new_customers,
		       io.dry_run ? "true" : "false", res.encoding);
	else if (io.dry_run)
		printf("%lld rows are valid (%lld new customers); nothing was written (dry run)\n",
		       (long long)res.rows, (long long)res.new_customers);
	else
		printf("imported %lld rows (%lld new customers)\n", (long long)res.imported,
		       (long long)res.new_customers);
	if (!c->json && !xlsx)
		printf("read as %s%s\n", res.encoding,
		       strcmp(res.encoding, "UTF-8") ? " (converted to UTF-8)" : "");
	sale_import_result_release(&res);
	return 0;
}

/*
 * The export, streamed a page at a time to stdout or to FILE. A file is
 * written beside its name and renamed into place once whole: a failed export
 * leaves no half file (and an existing one as it was).
 */
static int cmd_sale_export(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "output", 'o', OPT_VALUE }, { "format", 0, OPT_VALUE },
				  FILTER_OPTS, { NULL, 0, 0 } };
	struct sale_filter f;
	struct sale_export *x = NULL;
	struct buf out = BUF_INIT, tmp = BUF_INIT;
	const char *pos[1], *file;
	FILE *fp = stdout;
	int64_t bytes = 0;
	int npos, r = -1, rc, xlsx;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) || parse_filter(opts, &f, err) ||
	    file_format(cli_opt(opts, "format"), cli_opt(opts, "output"), &xlsx, err))
		return -1;
	file = cli_opt(opts, "output");
	if (file && !strcmp(file, "-"))
		file = NULL;
	if (xlsx && !file && isatty(STDOUT_FILENO))
		return err_set(err, ERR_USAGE, "output", "usage",
			       "a workbook is not for a terminal: name a file with -o FILE");
	/* a workbook is made whole in memory (constant-memory rows), then written */
	if (!xlsx && sale_export_open(c->st, &c->actor, pos[0], &f, &x, err))
		return -1;
	if (file) {
		int fd;
		buf_addf(&tmp, "%s.partial-XXXXXX", file);
		fd = mkstemp(tmp.p);
		fp = fd < 0 ? NULL : fdopen(fd, "wb");
		if (!fp) {
			if (fd >= 0)
				close(fd);
			err_set(err, ERR_INVALID, "output", "file_write", "cannot write %s", file);
			goto done;
		}
		{
			/* the mode a plain fopen() gives (mkstemp's is 0600) */
			mode_t mask = umask(0);
			umask(mask);
			fchmod(fd, 0666 & ~mask);
		}
	}
	if (xlsx) {
		if (sale_export_xlsx(c->st, &c->actor, pos[0], &f, &out, err))
			goto done;
		if (fwrite(out.p, 1, out.len, fp) != out.len) {
			err_set(err, ERR_INVALID, "output", "file_write", "cannot write %s (disk full?)",
				file ? file : "the output");
			goto done;
		}
		bytes = (int64_t)out.len;
	}
	while (!xlsx) {
		buf_reset(&out);
		rc = sale_export_next(x, &out, err);
		if (rc < 0)
			goto done;
		if (out.len && fwrite(out.p, 1, out.len, fp) != out.len) {
			err_set(err, ERR_INVALID, "output", "file_write", "cannot write %s (disk full?)",
				file ? file : "the output");
			goto done;
		}
		bytes += (int64_t)out.len;
		if (rc == 0)
			break;
	}
	if (file) {
		int closed = fclose(fp);
		fp = NULL;
		if (closed || rename(tmp.p, file)) {
			err_set(err, ERR_INVALID, "output", "file_write", "cannot write %s (disk full?)", file);
			goto done;
		}
		buf_reset(&tmp);
		if (c->json) {
			/* the file name is the user's text: written by the JSON writer */
			struct buf b = BUF_INIT;
			struct jw w;
			jw_init(&w, &b);
			jw_obj(&w);
			jw_kstr(&w, "file", file);
			jw_kint(&w, "bytes", bytes);
			jw_obj_end(&w);
			cli_print_json(&b);
			buf_release(&b);
		} else
			fprintf(stderr, "wrote %s\n", file);
	} else if (fflush(stdout)) {
		err_set(err, ERR_INVALID, "output", "file_write", "cannot write the output");
		goto done;
	}
	r = 0;
done:
	if (file && fp)
		fclose(fp);
	if (file && tmp.len)
		unlink(tmp.p);
	sale_export_close(x);
	buf_release(&out);
	buf_release(&tmp);
	return r;
}

/* --- customers ------------------------------------------------------------------ */

static int cmd_customer_list(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "search", 0, OPT_VALUE }, { "segment", 0, OPT_VALUE },
				  { "limit", 0, OPT_VALUE }, { "offset", 0, OPT_VALUE },
				  { NULL, 0, 0 } };
	struct customer_list l = { 0 };
	struct customer_filter f = { 0 };
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 0, 0, &npos, err))
		return -1;
	if ((cli_opt(opts, "limit") && cli_int(cli_opt(opts, "limit"), "limit", &f.limit, err)) ||
	    (cli_opt(opts, "offset") && cli_int(cli_opt(opts, "offset"), "offset", &f.offset, err)))
		return -1;
	f.q = cli_opt(opts, "search");
	f.segment = cli_opt(opts, "segment");
	if (customer_list(c->st, &c->actor, &f, &l, err)) {
		customer_list_release(&l);
		return -1;
	}
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		jw_obj(&w);
		jw_key(&w, "customers");
		jw_arr(&w);
		for (size_t i = 0; i < l.n; i++)
			customer_write_json(&w, &l.items[i]);
		jw_arr_end(&w);
		jw_kint(&w, "total", l.total);
		jw_obj_end(&w);
		cli_print_json(&b);
		buf_release(&b);
	} else {
		static const char *const head[] = { "ID", "NAME", "SEGMENT", "FIRST PURCHASE", "LINES",
						    "REVENUE" };
		static const int right[] = { 1, 0, 0, 0, 1, 1 };
		struct cli_table t;
		cli_table_init(&t, 6, head, right);
		for (size_t i = 0; i < l.n; i++) {
			char d[DATE_FMT_MAX] = "-", id[24], n[24], m[MONEY_FMT_MAX];
			const char *row[6];
			if (l.items[i].first_sale_on != NO_DATE)
				date_format(l.items[i].first_sale_on, d);
			snprintf(id, sizeof(id), "%lld", (long long)l.items[i].id);
			snprintf(n, sizeof(n), "%lld", (long long)l.items[i].lines);
			row[0] = id;
			row[1] = l.items[i].name;
			row[2] = l.items[i].segment[0] ? l.items[i].segment : "-";
			row[3] = d;
			row[4] = n;
			row[5] = money_format_grouped(l.items[i].revenue_minor, m);
			cli_table_row(&t, row);
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
		if ((int64_t)l.n < l.total)
			printf("(%zu of %lld shown; use --limit and --offset for more)\n", l.n,
			       (long long)l.total);
	}
	customer_list_release(&l);
	return 0;
}

static void print_customer(struct cli *c, const struct customer *cu)
{
	char d[DATE_FMT_MAX] = "-", m[MONEY_FMT_MAX];
	if (c->json) {
		CLI_PRINT_ONE(cu, customer_write_json);
		return;
	}
	if (cu->first_sale_on != NO_DATE)
		date_format(cu->first_sale_on, d);
	printf("customer %lld (version %lld)\nname:           %s\nsegment:        %s\n"
	       "first purchase: %s\nsale lines:     %lld\nrevenue:        %s %s\n",
	       (long long)cu->id, (long long)cu->version, cu->name,
	       cu->segment[0] ? cu->segment : "-", d, (long long)cu->lines,
	       money_format_grouped(cu->revenue_minor, m), c->ws.currency);
}

static int cmd_customer_show(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "limit", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct customer cu;
	struct customer_sales l = { 0 };
	const char *pos[1];
	int64_t limit = 10;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    (cli_opt(opts, "limit") && cli_int(cli_opt(opts, "limit"), "limit", &limit, err)) ||
	    customer_get(c->st, &c->actor, pos[0], &cu, err))
		return -1;
	if (c->json) {
		print_customer(c, &cu);
		return 0;
	}
	print_customer(c, &cu);
	if (limit > 0 && cu.lines > 0) {
		static const char *const head[] = { "DATE", "PROJECT", "PRODUCT", "QTY", "AMOUNT" };
		static const int right[] = { 0, 0, 0, 1, 1 };
		struct cli_table t;
		if (customer_sales(c->st, &c->actor, cu.id, limit, 0, &l, err)) {
			customer_sales_release(&l);
			return -1;
		}
		printf("\nlatest sales\n");
		cli_table_init(&t, 5, head, right);
		for (size_t i = 0; i < l.n; i++) {
			char d[DATE_FMT_MAX], q[24], m[MONEY_FMT_MAX];
			const char *row[5];
			snprintf(q, sizeof(q), "%lld", (long long)l.items[i].quantity);
			row[0] = date_format(l.items[i].sold_on, d);
			row[1] = l.items[i].project;
			row[2] = l.items[i].product;
			row[3] = q;
			row[4] = money_format_grouped(l.items[i].amount_minor, m);
			cli_table_row(&t, row);
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
		if ((int64_t)l.n < l.total)
			printf("(%zu of %lld shown; --limit N for more)\n", l.n, (long long)l.total);
		customer_sales_release(&l);
	}
	return 0;
}

static int cmd_customer_update(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "segment", 0, OPT_VALUE }, { "version", 0, OPT_VALUE },
				  { NULL, 0, 0 } };
	struct customer cu, out;
	const char *pos[1];
	int64_t version;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    customer_get(c->st, &c->actor, pos[0], &cu, err))
		return -1;
	if (!cli_opt(opts, "segment"))
		return err_set(err, ERR_USAGE, "segment", "required", "--segment is required (\"\" for none)");
	version = cu.version;
	if (cli_opt(opts, "version") && cli_int(cli_opt(opts, "version"), "version", &version, err))
		return -1;
	if (customer_set_segment(c->st, &c->actor, cu.id, cli_opt(opts, "segment"), version, &out,
				 err))
		return -1;
	print_customer(c, &out);
	return 0;
}

const struct cli_command cli_sale_cmds[] = {
	{ "sale", "add", cmd_sale_add, CLI_NEEDS_STORE, "record one sale",
	  "sale add PROJECT --date D --customer NAME --product SKU --channel CODE --quantity N "
	  "[--price MONEY] [--rep LOGIN] [--discount MONEY] [--promotion CODE] [--segment CODE]",
	  "  --price MONEY        unit price in major units (alias --unit-price); default the\n"
	  "                       product's list price in force on the sale's date\n"
	  "  --discount MONEY     discount on the whole line (default 0)\n"
	  "  --rep LOGIN          the rep who made the sale (default: you)\n"
	  "  --segment CODE       the segment the sale is made in (a new customer takes it);\n"
	  "                       default the customer's segment",
	  "salespm sale add Q1-2027 --date 2027-01-05 --customer 华东贸易 --product SKU-1 "
	  "--channel direct --quantity 3 --price 199.00" },
	{ "sale", "list", cmd_sale_list, CLI_NEEDS_STORE, "list a project's sales",
	  "sale list PROJECT [--from D] [--to D] [--channel C] [--product SKU] [--rep LOGIN] "
	  "[--segment CODE] [--customer NAME] [--sort date|amount|quantity|customer|id] [--desc] "
	  "[--limit N] [--offset N]",
	  "  --segment CODE       sales made to customers of that segment (the sale's own)\n"
	  "  --customer TEXT      part of the customer's name (literal; A-Z in any case)\n"
	  "  text output shows 50 rows unless --limit is given; --json returns all matching;\n"
	  "  the totals (lines, quantity, amount, cost, margin) are of every matching row",
	  "salespm sale list Q1-2027 --from 2027-01-01 --to 2027-01-31 --channel direct" },
	{ "sale", "show", cmd_sale_show, CLI_NEEDS_STORE, "show one sale", "sale show PROJECT ID",
	  "", "salespm sale show Q1-2027 42" },
	{ "sale", "update", cmd_sale_update, CLI_NEEDS_STORE, "change a sale",
	  "sale update PROJECT ID [--date D] [--customer N] [--product SKU] [--channel C] "
	  "[--rep L] [--quantity N] [--price M] [--discount M] [--promotion C] [--version V]",
	  "  --version V          fail with a conflict unless the sale is still at version V",
	  "salespm sale update Q1-2027 42 --quantity 4 --version 1" },
	{ "sale", "delete", cmd_sale_delete, CLI_NEEDS_STORE, "delete a sale",
	  "sale delete PROJECT ID [--version V]", "", "salespm sale delete Q1-2027 42" },
	{ "sale", "import", cmd_sale_import, CLI_NEEDS_STORE,
	  "import sales from CSV or .xlsx (all or nothing)",
	  "sale import PROJECT FILE [--dry-run] [--format csv|xlsx] [--sheet NAME]",
	  "  FILE is CSV with a header: date,customer,product,channel,rep,quantity,\n"
	  "  unit_price[,discount,promotion,segment] in any order (an empty unit_price: the\n"
	  "  product's list price in force on the row's date); UTF-8, or GB18030 as Excel\n"
	  "  writes it on Chinese Windows (the output says which was read); separated by\n"
	  "  commas, or semicolons or tabs when the header is. Empty rows are skipped. Any bad\n"
	  "  row means nothing is imported and every problem of every bad row is reported.\n"
	  "  --dry-run checks without writing.\n"
	  "  A FILE named .xlsx (or --format xlsx) is an Excel workbook: its first sheet, or\n"
	  "  --sheet NAME, with the same header row; numbers and dates are taken as the cells\n"
	  "  hold them, and problems name the sheet, row and column.",
	  "salespm sale import Q1-2027 sales.xlsx --sheet 销售" },
	{ "sale", "export", cmd_sale_export, CLI_NEEDS_STORE,
	  "export sales as CSV or .xlsx (the import format)",
	  "sale export PROJECT [-o FILE] [--format csv|xlsx] [--from D] [--to D] [--channel C] "
	  "[--product SKU] [--rep L] [--segment CODE] [--customer N]",
	  "  -o FILE              write to FILE instead of standard output\n"
	  "  --format csv|xlsx    the file's format (default: xlsx for a FILE named .xlsx,\n"
	  "                       else csv); a workbook has one sheet named by the project\n"
	  "  the filters are those of sale list; each row carries the sale's own segment",
	  "salespm sale export Q1-2027 -o q1.csv" },
	{ "customer", "list", cmd_customer_list, CLI_NEEDS_STORE,
	  "list customers with their sale lines and revenue in the projects you may see",
	  "customer list [--search TEXT] [--segment CODE] [--limit N] [--offset N]",
	  "  --search TEXT        part of the name (literal; A-Z in any case)\n"
	  "  --segment CODE       only the customers in this segment",
	  "salespm customer list --search 贸易" },
	{ "customer", "show", cmd_customer_show, CLI_NEEDS_STORE,
	  "show one customer, with their latest sales in the projects you may see",
	  "customer show NAME [--limit N]", "  --limit N            sales shown (default 10)",
	  "salespm customer show 华东贸易" },
	{ "customer", "update", cmd_customer_update, CLI_NEEDS_STORE,
	  "set a customer's segment (manager)",
	  "customer update NAME --segment CODE [--version V]", "",
	  "salespm customer update 华东贸易 --segment smb" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
