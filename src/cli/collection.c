/*
 * collection.c - collections' commands beyond the entity engine's generic
 * ones (`salespm collection add|list|show|update|delete`): a receipt recorded
 * against a collection (`collection receive`) or taken back
 * (`collection unreceive`), the totals per customer and owner
 * (`collection summary`) and the won deals with their plans
 * (`collection deals`) (core/collection.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/jw.h"
#include "base/money.h"
#include "cli/cli.h"
#include "core/collection.h"
#include "base/banned.h"

static int cmd_collection_receive(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = {
		{ "amount", 0, OPT_VALUE }, { "date", 0, OPT_VALUE }, { "note", 0, OPT_VALUE },
		{ NULL, 0, 0 },
	};
	struct receipt_input in = { 0 };
	const char *pos[2];
	void *rec = calloc(1, collection_entity.size);
	int npos, r = -1;

	if (!rec)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory");
	in.received_on = NO_DATE;
	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err))
		goto out;
	if (!cli_opt(opts, "amount")) {
		err_set(err, ERR_INVALID, "amount", "required", "--amount is required");
		goto out;
	}
	if (cli_money(cli_opt(opts, "amount"), "amount", &in.amount_minor, err) ||
	    (cli_opt(opts, "date") && cli_date(cli_opt(opts, "date"), "received_on",
					       &in.received_on, err)))
		goto out;
	in.note = cli_opt(opts, "note");
	if (collection_receive(c->st, &c->actor, pos[0], pos[1], &in, rec, err))
		goto out;
	if (!c->json) {
		char a[MONEY_FMT_MAX];
		printf("received %s against collection %s\n", money_format(in.amount_minor, a),
		       pos[1]);
	}
	cli_entity_print(c, &collection_entity, rec);
	r = 0;
out:
	free(rec);
	return r;
}

static int cmd_collection_unreceive(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	const char *pos[3];
	void *rec = calloc(1, collection_entity.size);
	int npos, r = -1;

	if (!rec)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory");
	if (cli_parse(c, argc, argv, opts, pos, 3, 3, &npos, err) ||
	    collection_receipt_delete(c->st, &c->actor, pos[0], pos[1], pos[2], rec, err))
		goto out;
	if (!c->json)
		printf("took back receipt %s of collection %s\n", pos[2], pos[1]);
	cli_entity_print(c, &collection_entity, rec);
	r = 0;
out:
	free(rec);
	return r;
}

static void id_json(struct jw *w, const int64_t *id)
{
	jw_int(w, *id);
}

static int cmd_collection_split(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = {
		{ "parts", 0, OPT_VALUE }, { "first", 0, OPT_VALUE }, { "every", 0, OPT_VALUE },
		{ NULL, 0, 0 },
	};
	int64_t parts[12], ids[12], deal, every = 30;
	int32_t first;
	const char *pos[2], *p;
	int npos, n = 0;

	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err))
		return -1;
	if (!cli_opt(opts, "parts") || !cli_opt(opts, "first"))
		return err_set(err, ERR_INVALID, !cli_opt(opts, "parts") ? "parts" : "first", "required",
			       "--parts and --first are required");
	if (cli_int(pos[1], "deal", &deal, err) || cli_date(cli_opt(opts, "first"), "first", &first, err) ||
	    (cli_opt(opts, "every") && cli_int(cli_opt(opts, "every"), "every", &every, err)))
		return -1;
	/* "30,40,30": percents, to a tenth ("33.3") */
	for (p = cli_opt(opts, "parts"); *p;) {
		int64_t whole = 0, tenth = 0;
		int digits = 0;
		if (n == 12)
			return err_set(err, ERR_INVALID, "parts", "parts_count:n",
				       "an amount is split into 1 to 12 instalments, not more");
		while (*p >= '0' && *p <= '9' && digits < 4) {
			whole = whole * 10 + (*p++ - '0');
			digits++;
		}
		if (*p == '.' && p[1] >= '0' && p[1] <= '9') {
			tenth = p[1] - '0';
			p += 2;
		}
		if (!digits || (*p && *p != ','))
			return err_set(err, ERR_INVALID, "parts", "bad_parts:value",
				       "\"%.60s\" is not a list of percents like 30,40,30",
				       cli_opt(opts, "parts"));
		parts[n++] = whole * 100 + tenth * 10;
		if (*p == ',')
			p++;
	}
	if (collection_split(c->st, &c->actor, pos[0], deal, parts, n, first, (int32_t)every, ids,
			     err))
		return -1;
	if (c->json) {
		CLI_PRINT_LIST("collections", ids, n, id_json);
	} else {
		printf("planned %d instalments of deal %s\n", n, pos[1]);
	}
	return 0;
}

static void sums_row(struct cli_table *t, const char *who, const char *name,
		     const struct collection_sums *g)
{
	char m[4][MONEY_FMT_MAX + 8];
	const char *row[6];

	money_format_grouped(g->planned, m[0]);
	money_format_grouped(g->received, m[1]);
	money_format_grouped(g->outstanding, m[2]);
	money_format_grouped(g->overdue, m[3]);
	row[0] = who;
	row[1] = name;
	for (int k = 0; k < 4; k++)
		row[2 + k] = m[k];
	cli_table_row(t, row);
}

static int cmd_collection_summary(struct cli *c, int argc, char **argv, struct err *err)
{
	static const char *const head[] = { "by", "name", "planned", "received", "outstanding",
					    "overdue" };
	static const int right[] = { 0, 0, 1, 1, 1, 1 };
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct collection_summary s;
	struct cli_table t;
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    collection_summary(c->st, &c->actor, pos[0], NO_DATE, &s, err))
		return -1;
	if (c->json) {
		CLI_PRINT_ONE(&s, collection_summary_write_json);
		collection_summary_release(&s);
		return 0;
	}
	cli_table_init(&t, 6, head, right);
	sums_row(&t, "project", s.project, &s.total);
	for (size_t i = 0; i < s.ncustomers; i++)
		sums_row(&t, "customer", s.customers[i].name, &s.customers[i]);
	for (size_t i = 0; i < s.nowners; i++)
		sums_row(&t, s.owners[i].key, s.owners[i].name, &s.owners[i]);
	cli_table_print(&t, stdout);
	cli_table_release(&t);
	collection_summary_release(&s);
	return 0;
}

static int cmd_collection_deals(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct buf b = BUF_INIT;
	struct jw w;
	const char *pos[1];
	int npos, r;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err))
		return -1;
	jw_init(&w, &b);
	r = collection_deals_write_json(c->st, &c->actor, pos[0], &w, err);
	/* the plans nest (deals, collections, receipts): JSON is their one shape */
	if (!r)
		cli_print_json(&b);
	buf_release(&b);
	return r;
}

const struct cli_command cli_collection_cmds[] = {
	{ "collection", "receive", cmd_collection_receive, CLI_NEEDS_STORE,
	  "record money received against a collection",
	  "collection receive PROJECT ID --amount MONEY [--date DATE] [--note TEXT]",
	  "  --amount MONEY       what was received (at most what is outstanding)\n"
	  "  --date DATE          the day it was received (default today; not in the future)\n"
	  "  --note TEXT          the bank reference, the payer\n"
	  "The deal's owner records receipts of their own deals, project managers any.",
	  "salespm collection receive FY 4 --amount 50000.00 --date 2026-11-20" },
	{ "collection", "split", cmd_collection_split, CLI_NEEDS_STORE,
	  "plan what is left of a won deal's amount as instalments",
	  "collection split PROJECT DEAL --parts P,P,... --first DATE [--every DAYS]",
	  "  --parts P,P,...      each instalment's percent of what is left to plan, adding\n"
	  "                       up to 100 (to a tenth: 33.3,33.3,33.4); 1 to 12 of them\n"
	  "  --first DATE         the first instalment's due date\n"
	  "  --every DAYS         days between instalments (default 30)\n"
	  "The last instalment takes what rounding left, so together they are exactly what\n"
	  "was left to plan.",
	  "salespm collection split FY 7 --parts 30,40,30 --first 2027-01-15 --every 45" },
	{ "collection", "unreceive", cmd_collection_unreceive, CLI_NEEDS_STORE,
	  "take back a receipt recorded by mistake", "collection unreceive PROJECT ID RECEIPT",
	  NULL, "salespm collection unreceive FY 4 9" },
	{ "collection", "summary", cmd_collection_summary, CLI_NEEDS_STORE,
	  "planned, received, outstanding and overdue money per project, customer and owner",
	  "collection summary PROJECT",
	  "Overdue is what is outstanding of collections due before today. The owner is\n"
	  "the deal's.",
	  "salespm collection summary FY" },
	{ "collection", "deals", cmd_collection_deals, CLI_NEEDS_STORE,
	  "the project's won deals with their planned collections and receipts (JSON)",
	  "collection deals PROJECT", NULL, "salespm --json collection deals FY" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
