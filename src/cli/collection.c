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
