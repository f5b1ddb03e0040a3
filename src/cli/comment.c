/*
 * comment.c - the CLI's `comment` and `inbox` (core/comment.c, core/notify.c):
 *   comment list ON | add ON --text T | edit ID --text T [--version N] | delete ID [--version N]
 *   inbox list [--unread] [--kind K] [--limit N] [--offset N] | count | read ID | read-all
 *   inbox settings [--on KIND]... [--off KIND]...
 * ON names a record as kind:id (deal:12). Lists are text (the API's JSON with
 * --json); the count and the settings are JSON; writes say what they did, or
 * print the record with --json.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/jw.h"
#include "cli/cli.h"
#include "core/comment.h"
#include "core/notify.h"
#include "base/banned.h"

/* The text of --text, or of --file (a file, "-" for stdin). */
static int body_of(struct cli_opt *opts, struct buf *b, const char **text, struct err *err)
{
	if (cli_opt(opts, "file")) {
		if (cli_read_file(cli_opt(opts, "file"), b, COMMENT_MAX + 1, err))
			return -1;
		*text = buf_cstr(b);
		return 0;
	}
	*text = cli_opt(opts, "text");
	if (!*text)
		return err_set(err, ERR_INVALID, "body", "required", "--text (or --file) is required");
	return 0;
}

/* Print what a core writer put in b (when it succeeded, r == 0); b is released. */
static int printed(int r, struct buf *b)
{
	if (!r)
		cli_print_json(b);
	buf_release(b);
	return r;
}

static int print_comment(struct cli *c, int64_t id, struct err *err)
{
	struct buf b = BUF_INIT;
	struct jw w;

	jw_init(&w, &b);
	return printed(comment_write_json(c->st, &c->actor, id, &w, err), &b);
}

/* One comment as text: its id, author, time and whether edited, then its lines indented. */
static void comment_text(void *ctx, const struct comment_item *it)
{
	char at[TS_FMT_MAX];
	const char *p = it->body;

	(void)ctx;
	printf("#%lld  %s (%s)  %s%s\n", (long long)it->id, it->author_name, it->author,
	       ts_format(it->created_at, at), it->version > 1 ? "  edited" : "");
	while (*p) {
		size_t n = strcspn(p, "\n");
		printf("    %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
}

static int cmd_comment_list(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct comment_about about;
	struct comment_on on;
	struct buf b = BUF_INIT;
	struct jw w;
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    comment_on_parse(pos[0], &on, err))
		return -1;
	if (c->json) {
		jw_init(&w, &b);
		return printed(comment_list_write_json(c->st, &c->actor, &on, &w, err), &b);
	}
	return comment_list(c->st, &c->actor, &on, &about, comment_text, NULL, err);
}

static int cmd_comment_add(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "text", 0, OPT_VALUE }, { "file", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct comment_on on;
	struct buf b = BUF_INIT;
	const char *pos[1], *text;
	int64_t id;
	int npos, r = -1;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    comment_on_parse(pos[0], &on, err) || body_of(opts, &b, &text, err) ||
	    comment_add(c->st, &c->actor, &on, text, &id, err))
		goto out;
	if (c->json)
		r = print_comment(c, id, err);
	else
		r = (printf("comment %lld added on %s\n", (long long)id, pos[0]), 0);
out:
	buf_release(&b);
	return r;
}

/* A comment's id and the version to change: --version, else the comment as it is now. */
static int id_version(const char *text, struct cli_opt *opts, int64_t *id, int64_t *version,
		      struct err *err)
{
	*version = INT64_MIN;
	if (cli_int(text, "id", id, err))
		return -1;
	if (cli_opt(opts, "version") && cli_int(cli_opt(opts, "version"), "version", version, err))
		return -1;
	return 0;
}

static int cmd_comment_edit(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "text", 0, OPT_VALUE },
				  { "file", 0, OPT_VALUE },
				  { "version", 0, OPT_VALUE },
				  { NULL, 0, 0 } };
	struct buf b = BUF_INIT;
	const char *pos[1], *text;
	int64_t id, version;
	int npos, r = -1;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    id_version(pos[0], opts, &id, &version, err) || body_of(opts, &b, &text, err) ||
	    comment_edit(c->st, &c->actor, id, version, text, err))
		goto out;
	if (c->json)
		r = print_comment(c, id, err);
	else
		r = (printf("comment %lld changed\n", (long long)id), 0);
out:
	buf_release(&b);
	return r;
}

static int cmd_comment_delete(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "version", 0, OPT_VALUE }, { NULL, 0, 0 } };
	const char *pos[1];
	int64_t id, version;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    id_version(pos[0], opts, &id, &version, err) ||
	    comment_delete(c->st, &c->actor, id, version, err))
		return -1;
	if (c->json)
		printf("{\"id\":%lld,\"deleted\":true}\n", (long long)id);
	else
		printf("comment %lld deleted\n", (long long)id);
	return 0;
}

/* One notification as a table row: id, kind, record, project, by, when, unread mark. */
static void inbox_row(void *ctx, const struct inbox_item *it)
{
	char id[24], on[48], at[TS_FMT_MAX];
	const char *cells[7];

	snprintf(id, sizeof(id), "%lld", (long long)it->id);
	snprintf(on, sizeof(on), "%s:%lld", it->on_kind, (long long)it->on_id);
	cells[0] = id;
	cells[1] = it->kind;
	cells[2] = on;
	cells[3] = it->project ? it->project : "-";
	cells[4] = it->by_login ? it->by_login : "-";
	cells[5] = ts_format(it->created_at, at);
	cells[6] = it->read ? "" : "unread";
	cli_table_row(ctx, cells);
}

static int cmd_inbox_list(struct cli *c, int argc, char **argv, struct err *err)
{
	static const char *const head[] = { "id", "kind", "record", "project", "by", "at", "" };
	static const int right[] = { 1, 0, 0, 0, 0, 0, 0 };
	struct cli_opt opts[] = { { "unread", 0, OPT_FLAG },
				  { "kind", 0, OPT_VALUE },
				  { "limit", 0, OPT_VALUE },
				  { "offset", 0, OPT_VALUE },
				  { NULL, 0, 0 } };
	struct inbox_query q = { .kind = -1, .limit = INBOX_PAGE };
	struct inbox_totals tot;
	struct cli_table t;
	struct buf b = BUF_INIT;
	struct jw w;
	int npos, r;

	if (cli_parse(c, argc, argv, opts, NULL, 0, 0, &npos, err) ||
	    (cli_opt(opts, "kind") && notify_kind_parse(cli_opt(opts, "kind"), "kind", &q.kind, err)) ||
	    (cli_opt(opts, "limit") && cli_int(cli_opt(opts, "limit"), "limit", &q.limit, err)) ||
	    (cli_opt(opts, "offset") && cli_int(cli_opt(opts, "offset"), "offset", &q.offset, err)))
		return -1;
	q.unread = cli_optp(opts, "unread")->set;
	if (c->json) {
		jw_init(&w, &b);
		return printed(inbox_list_write_json(c->st, &c->actor, &q, &w, err), &b);
	}
	cli_table_init(&t, 7, head, right);
	r = inbox_list(c->st, &c->actor, &q, &tot, inbox_row, &t, err);
	if (!r) {
		cli_table_print(&t, stdout);
		printf("%lld of %lld shown from %lld; %lld unread\n", (long long)t.nrows,
		       (long long)tot.total, (long long)tot.offset, (long long)tot.unread);
	}
	cli_table_release(&t);
	return r;
}

static int cmd_inbox_count(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct buf b = BUF_INIT;
	struct jw w;
	int npos;

	if (cli_parse(c, argc, argv, opts, NULL, 0, 0, &npos, err))
		return -1;
	jw_init(&w, &b);
	return printed(inbox_count_write_json(c->st, &c->actor, &w, err), &b);
}

static int cmd_inbox_read(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	int all = !strcmp(c->cmd->verb, "read-all");
	const char *pos[1];
	int64_t id = NO_ID, changed;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, all ? 0 : 1, all ? 0 : 1, &npos, err) ||
	    (!all && cli_int(pos[0], "id", &id, err)) ||
	    inbox_mark_read(c->st, &c->actor, id, &changed, err))
		return -1;
	if (c->json)
		printf("{\"marked\":%lld}\n", (long long)changed);
	else
		printf("%lld marked read\n", (long long)changed);
	return 0;
}

static int cmd_inbox_settings(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "on", 0, OPT_MULTI }, { "off", 0, OPT_MULTI }, { NULL, 0, 0 } };
	int want[NK__COUNT];
	struct buf b = BUF_INIT;
	struct jw w;
	int npos, k;

	if (cli_parse(c, argc, argv, opts, NULL, 0, 0, &npos, err))
		return -1;
	for (k = 0; k < NK__COUNT; k++)
		want[k] = -1;
	for (int o = 0; o < 2; o++) {
		struct cli_opt *op = &opts[o];
		for (int i = 0; i < op->nvalues; i++) {
			if (notify_kind_parse(op->values[i], "kind", &k, err))
				return -1;
			want[k] = o == 0;
		}
	}
	if ((cli_optp(opts, "on")->set || cli_optp(opts, "off")->set) &&
	    notify_settings_put(c->st, &c->actor, want, err))
		return -1;
	jw_init(&w, &b);
	return printed(notify_settings_write_json(c->st, &c->actor, &w, err), &b);
}

#define ON_DETAILS                                                                           \
	"ON names a record as kind:id: deal, goal, task, problem, risk, meeting (of a project)\n" \
	"or customer (of the workspace), e.g. deal:12. @login in the text mentions a user: those\n" \
	"who may see the record are notified in their inbox.\n"

const struct cli_command cli_comment_cmds[] = {
	{ "comment", "list", cmd_comment_list, CLI_NEEDS_STORE, "the comments on a record, oldest first",
	  "comment list ON", ON_DETAILS, "salespm comment list deal:12" },
	{ "comment", "add", cmd_comment_add, CLI_NEEDS_STORE, "comment on a record",
	  "comment add ON (--text TEXT | --file F)",
	  ON_DETAILS "  --text TEXT          the comment (at most 4000 bytes)\n"
		     "  --file F             the comment read from a file (- for stdin)",
	  "salespm comment add deal:12 --text \"@wang.fang 请周五前发报价\"" },
	{ "comment", "edit", cmd_comment_edit, CLI_NEEDS_STORE, "change your own comment",
	  "comment edit ID (--text TEXT | --file F) [--version N]",
	  "Only the author edits; users newly mentioned are notified. Without --version the\n"
	  "edit starts from the comment as it is now.",
	  "salespm comment edit 5 --text \"done\" --version 1" },
	{ "comment", "delete", cmd_comment_delete, CLI_NEEDS_STORE, "delete a comment",
	  "comment delete ID [--version N]",
	  "The author, or a manager of the record's project (a customer's: a workspace manager).",
	  "salespm comment delete 5" },
	{ "inbox", "list", cmd_inbox_list, CLI_NEEDS_STORE, "your notifications, newest first",
	  "inbox list [--unread] [--kind KIND] [--limit N] [--offset N]",
	  "Kinds: mention, assigned, due, overdue, stage, sla, alert. Due, overdue and past-SLA items\n"
	  "are added when the inbox is read. Only what you may see now is listed.",
	  "salespm --as wang.fang inbox list --unread" },
	{ "inbox", "count", cmd_inbox_count, CLI_NEEDS_STORE, "your unread notifications per kind",
	  "inbox count", NULL, "salespm --as wang.fang inbox count" },
	{ "inbox", "read", cmd_inbox_read, CLI_NEEDS_STORE, "mark a notification read",
	  "inbox read ID", NULL, "salespm --as wang.fang inbox read 7" },
	{ "inbox", "read-all", cmd_inbox_read, CLI_NEEDS_STORE, "mark all your notifications read",
	  "inbox read-all", NULL, "salespm --as wang.fang inbox read-all" },
	{ "inbox", "settings", cmd_inbox_settings, CLI_NEEDS_STORE,
	  "what you receive: show, or turn kinds on and off",
	  "inbox settings [--on KIND]... [--off KIND]...",
	  "Kinds: mention, assigned, due, overdue, stage, sla, alert (all on unless turned off).",
	  "salespm --as wang.fang inbox settings --off due" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
