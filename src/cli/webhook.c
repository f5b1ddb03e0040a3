/*
 * webhook.c - `salespm webhook ...` (core/webhook.c): the admins' webhooks,
 * their secret (printed at add and rotate only), a test ping, the deliveries
 * log, a redelivery, the catalogue of events and the allowed hosts. The
 * deliveries are sent by a running `salespm serve`; a write made here while
 * none runs is sent when one starts.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/webhook.h"
#include "base/banned.h"

/* --events "a,b" (or "*") split in place into names. */
static int split_events(char *text, const char **names, size_t max, size_t *n, struct err *err)
{
	char *p = text;

	*n = 0;
	while (p && *p) {
		char *e = strchr(p, ',');
		if (e)
			*e = '\0';
		if (*p) {
			if (*n == max)
				return err_set(err, ERR_INVALID, "events", "too_many:_,max",
					       "events names too many (at most %zu)", max);
			names[(*n)++] = p;
		}
		p = e ? e + 1 : NULL;
	}
	return 0;
}

static int parse_id(const char *s, const char *opt, int64_t *id, struct err *err)
{
	return cli_int(s, opt, id, err);
}

static void print_hook(struct cli *c, const struct webhook *h, const char *secret)
{
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		if (secret)
			webhook_secret_write_json(&w, h, secret);
		else
			webhook_write_json(&w, h);
		cli_print_json(&b);
		buf_release(&b);
		return;
	}
	printf("webhook %lld: %s\n  format: %s\n  project: %s\n  lang: %s\n  events: %s\n"
	       "  active: %s\n  version: %lld\n",
	       (long long)h->id, h->url, h->format, h->project[0] ? h->project : "(all)", h->lang,
	       h->events, h->active ? "yes" : "no", (long long)h->version);
	if (h->key_hint[0])
		printf("  signing secret: %s\n", h->key_hint);
	if (h->description[0])
		printf("  description: %s\n", h->description);
	if (secret)
		printf("  secret (shown once): %s\n", secret);
}

static int cmd_list(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct webhook_list l;
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 0, 0, &npos, err) ||
	    webhook_list(c->st, &c->actor, &l, err))
		return -1;
	if (c->json) {
		CLI_PRINT_LIST("webhooks", l.items, l.n, webhook_write_json);
	} else {
		static const char *const head[] = { "ID", "FORMAT", "PROJECT", "URL", "EVENTS",
						    "ACTIVE" };
		static const int right[] = { 1, 0, 0, 0, 0, 0 };
		struct cli_table t;
		cli_table_init(&t, 6, head, right);
		for (size_t i = 0; i < l.n; i++) {
			char id[24];
			const char *cells[6] = { id, l.items[i].format, l.items[i].project,
						 l.items[i].url, l.items[i].events,
						 l.items[i].active ? "yes" : "no" };
			snprintf(id, sizeof(id), "%lld", (long long)l.items[i].id);
			cli_table_row(&t, cells);
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
	}
	webhook_list_release(&l);
	return 0;
}

#define INPUT_OPTS                                                                     \
	{ "url", 0, OPT_VALUE }, { "description", 0, OPT_VALUE }, { "events", 0, OPT_VALUE }, \
		{ "active", 0, OPT_VALUE }, { "project", 0, OPT_VALUE },                     \
		{ "lang", 0, OPT_VALUE }, { "secret", 0, OPT_VALUE }

/* --secret -: the secret read from the first line of stdin (kept off the command line). */
static int secret_from_stdin(char *out, size_t size, struct err *err)
{
	size_t n;

	if (!fgets(out, (int)size, stdin))
		return err_set(err, ERR_USAGE, "secret", "usage",
			       "--secret - reads the secret from stdin, which was empty");
	n = strlen(out);
	while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return 0;
}

/* The options into in; events_text holds the split names, secret_buf a secret read from stdin. */
static int input_from(struct cli_opt *opts, struct webhook_input *in, char *events_text,
		      size_t size, const char **names, char *secret_buf, size_t ssize,
		      struct err *err)
{
	const char *act = cli_opt(opts, "active");

	memset(in, 0, sizeof(*in));
	in->active = -1;
	in->version = NO_ID;
	in->url = cli_opt(opts, "url");
	in->description = cli_opt(opts, "description");
	in->project = cli_opt(opts, "project");
	in->lang = cli_opt(opts, "lang");
	in->secret = cli_opt(opts, "secret");
	if (in->project && !strcmp(in->project, "-"))
		in->project = ""; /* every project's events */
	if (in->secret && !strcmp(in->secret, "-")) {
		if (secret_from_stdin(secret_buf, ssize, err))
			return -1;
		in->secret = secret_buf;
	}
	if (cli_opt(opts, "events")) {
		snprintf(events_text, size, "%s", cli_opt(opts, "events"));
		if (split_events(events_text, names, WEBHOOK_EVENTS_MAX + 1, &in->n_events, err))
			return -1;
		in->events = names;
		in->has_events = 1;
	}
	if (act) {
		if (strcmp(act, "yes") && strcmp(act, "no"))
			return err_set(err, ERR_USAGE, "active", "not_yes_no:_",
				       "--active must be yes or no, not \"%s\"", act);
		in->active = !strcmp(act, "yes");
	}
	return 0;
}

static int cmd_add(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { INPUT_OPTS, { "format", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct webhook_input in;
	struct webhook h;
	char text[2048], secret[WEBHOOK_SECRET_MAX], pasted[ROBOT_SECRET_MAX + 2] = "";
	const char *names[WEBHOOK_EVENTS_MAX + 1], *all[] = { "*" }, *pos[1];
	int npos, r;

	if (cli_parse(c, argc, argv, opts, pos, 0, 1, &npos, err) ||
	    input_from(opts, &in, text, sizeof(text), names, pasted, sizeof(pasted), err))
		return -1;
	in.format = cli_opt(opts, "format");
	/* the URL as --url or as the one argument */
	if (npos && in.url)
		return err_set(err, ERR_USAGE, "url", "usage", "give the URL once: --url URL or URL");
	if (npos)
		in.url = pos[0];
	if (!in.has_events) {
		in.events = all;
		in.n_events = 1;
		in.has_events = 1;
	}
	r = webhook_create(c->st, &c->actor, &in, &h, secret, err);
	sodium_memzero(pasted, sizeof(pasted));
	if (r)
		return -1;
	print_hook(c, &h, secret[0] ? secret : NULL);
	sodium_memzero(secret, sizeof(secret));
	return 0;
}

static int cmd_show(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct webhook h;
	const char *pos[1];
	int64_t id;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    parse_id(pos[0], "ID", &id, err) || webhook_get(c->st, &c->actor, id, &h, err))
		return -1;
	print_hook(c, &h, NULL);
	return 0;
}

/* --version, or the webhook's current one. */
static int version_of(struct cli *c, struct cli_opt *opts, int64_t id, int64_t *v, struct err *err)
{
	struct webhook h;

	if (cli_opt(opts, "version"))
		return cli_int(cli_opt(opts, "version"), "version", v, err);
	if (webhook_get(c->st, &c->actor, id, &h, err))
		return -1;
	*v = h.version;
	return 0;
}

static int cmd_update(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { INPUT_OPTS, { "version", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct webhook_input in;
	struct webhook h;
	char text[2048], pasted[ROBOT_SECRET_MAX + 2] = "";
	const char *names[WEBHOOK_EVENTS_MAX + 1], *pos[1];
	int64_t id, version;
	int npos, r;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    parse_id(pos[0], "ID", &id, err) ||
	    input_from(opts, &in, text, sizeof(text), names, pasted, sizeof(pasted), err) ||
	    version_of(c, opts, id, &version, err))
		return -1;
	in.version = version;
	r = webhook_update(c->st, &c->actor, id, &in, &h, err);
	sodium_memzero(pasted, sizeof(pasted));
	if (r)
		return -1;
	print_hook(c, &h, NULL);
	return 0;
}

static int cmd_delete(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "version", 0, OPT_VALUE }, { NULL, 0, 0 } };
	const char *pos[1];
	int64_t id, version;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    parse_id(pos[0], "ID", &id, err) || version_of(c, opts, id, &version, err) ||
	    webhook_delete(c->st, &c->actor, id, version, err))
		return -1;
	if (c->json)
		printf("{\"id\":%lld,\"deleted\":true}\n", (long long)id);
	else
		printf("webhook %lld deleted\n", (long long)id);
	return 0;
}

static int cmd_rotate(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "version", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct webhook h;
	char secret[WEBHOOK_SECRET_MAX];
	const char *pos[1];
	int64_t id, version;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    parse_id(pos[0], "ID", &id, err) || version_of(c, opts, id, &version, err) ||
	    webhook_rotate(c->st, &c->actor, id, version, &h, secret, err))
		return -1;
	print_hook(c, &h, secret);
	sodium_memzero(secret, sizeof(secret));
	return 0;
}

static int cmd_ping(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	const char *pos[1];
	int64_t id, delivery;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    parse_id(pos[0], "ID", &id, err) || webhook_ping(c->st, &c->actor, id, &delivery, err))
		return -1;
	if (c->json)
		printf("{\"delivery_id\":%lld,\"event\":\"ping\"}\n", (long long)delivery);
	else
		printf("ping queued as delivery %lld (sent by the running server)\n",
		       (long long)delivery);
	return 0;
}

static int cmd_deliveries(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "limit", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct webhook_delivery_list l;
	const char *pos[1];
	int64_t id, limit = 50;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    parse_id(pos[0], "ID", &id, err) ||
	    (cli_opt(opts, "limit") && cli_int(cli_opt(opts, "limit"), "limit", &limit, err)) ||
	    webhook_deliveries(c->st, &c->actor, id, limit, &l, err))
		return -1;
	if (c->json) {
		CLI_PRINT_LIST("deliveries", l.items, l.n, webhook_delivery_write_json);
	} else {
		static const char *const head[] = { "ID", "EVENT", "STATE", "ATTEMPTS", "STATUS",
						    "ERROR" };
		static const int right[] = { 1, 0, 0, 1, 1, 0 };
		struct cli_table t;
		cli_table_init(&t, 6, head, right);
		for (size_t i = 0; i < l.n; i++) {
			const struct webhook_delivery *d = &l.items[i];
			char id_s[24], att[24], st[24];
			const char *cells[6] = { id_s, d->event, d->state, att, st, d->last_error };
			snprintf(id_s, sizeof(id_s), "%lld", (long long)d->id);
			snprintf(att, sizeof(att), "%lld", (long long)d->attempts);
			if (d->last_status == NO_ID)
				snprintf(st, sizeof(st), "-");
			else
				snprintf(st, sizeof(st), "%lld", (long long)d->last_status);
			cli_table_row(&t, cells);
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
	}
	webhook_delivery_list_release(&l);
	return 0;
}

static int cmd_redeliver(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	const char *pos[2];
	int64_t id, did, new_id;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err) ||
	    parse_id(pos[0], "ID", &id, err) || parse_id(pos[1], "DELIVERY", &did, err) ||
	    webhook_redeliver(c->st, &c->actor, id, did, &new_id, err))
		return -1;
	if (c->json)
		printf("{\"delivery_id\":%lld,\"redelivery_of\":%lld}\n", (long long)new_id,
		       (long long)did);
	else
		printf("delivery %lld queued again as %lld\n", (long long)did, (long long)new_id);
	return 0;
}

static int cmd_events(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 0, 0, &npos, err) ||
	    require_role(&c->actor, ROLE_ADMIN, "managing webhooks", err))
		return -1;
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		webhook_events_write_json(&w);
		cli_print_json(&b);
		buf_release(&b);
	} else {
		for (const char *const *e = webhook_events; *e; e++)
			printf("%s\n", *e);
	}
	return 0;
}

static int cmd_hosts(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "set", 0, OPT_MULTI }, { "clear", 0, OPT_FLAG },
				  { NULL, 0, 0 } };
	struct webhook_hosts h;
	struct cli_opt *set;
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 0, 0, &npos, err))
		return -1;
	set = cli_optp(opts, "set");
	if (set->nvalues || cli_optp(opts, "clear")->set) {
		if (webhook_hosts_set(c->st, &c->actor, set->values, (size_t)set->nvalues, NO_ID, &h,
				      err))
			return -1;
	} else if (webhook_hosts_get(c->st, &c->actor, &h, err)) {
		return -1;
	}
	if (c->json) {
		CLI_PRINT_ONE(&h, webhook_hosts_write_json);
	} else {
		printf("%s%s", h.text, h.text[0] ? "\n" : "");
	}
	return 0;
}

#define EVENTS_HELP                                                                        \
	"  --events LIST        event names joined by commas (salespm webhook events), or\n" \
	"                       * for every event (add: the default)\n"

#define ROBOT_HELP                                                                          \
	"  --project P          only the events of project P's records (update: - for all)\n"   \
	"  --lang L             a robot's message language: zh-CN (default) or en\n"           \
	"  --secret SECRET      a DingTalk (加签, SEC...) or Feishu (签名校验) robot's signing\n" \
	"                       secret as its settings show it; - reads it from stdin; \"\"\n"  \
	"                       removes it (shown back masked only)\n"

const struct cli_command cli_webhook_cmds[] = {
	{ "webhook", "list", cmd_list, CLI_NEEDS_STORE, "list the webhooks (admins)", "webhook list",
	  NULL, "salespm webhook list" },
	{ "webhook", "add", cmd_add, CLI_NEEDS_STORE,
	  "add a webhook or a group robot; a webhook's signing secret is printed once",
	  "webhook add [--url] URL [--format salespm|wecom|dingtalk|feishu] [--project P]\n"
	  "      [--lang zh-CN|en] [--secret SECRET|-] [--description TEXT] [--events LIST]\n"
	  "      [--active yes|no]",
	  "  --url URL            http:// or https://; loopback, link-local, private and like\n"
	  "                       addresses are refused unless allowed (webhook hosts)\n" EVENTS_HELP
	  "  --format F           salespm (the signed event JSON, the default), or a group\n"
	  "                       robot: wecom (企业微信), dingtalk (钉钉), feishu (飞书)\n"
	  ROBOT_HELP,
	  "salespm webhook add --format dingtalk --project P1 --lang zh-CN --secret - \\\n"
	  "    https://oapi.dingtalk.com/robot/send?access_token=..." },
	{ "webhook", "show", cmd_show, CLI_NEEDS_STORE, "show a webhook (never its secret)",
	  "webhook show ID", NULL, "salespm webhook show 1" },
	{ "webhook", "update", cmd_update, CLI_NEEDS_STORE, "change a webhook",
	  "webhook update ID [--url URL] [--description TEXT] [--events LIST] [--active yes|no]\n"
	  "      [--project P|-] [--lang zh-CN|en] [--secret SECRET|-] [--version N]",
	  EVENTS_HELP ROBOT_HELP
	  "  --version N          the version you saw (default: the current one)\n",
	  "salespm webhook update 1 --active no" },
	{ "webhook", "delete", cmd_delete, CLI_NEEDS_STORE, "delete a webhook and its deliveries",
	  "webhook delete ID [--version N]", NULL, "salespm webhook delete 1" },
	{ "webhook", "rotate", cmd_rotate, CLI_NEEDS_STORE,
	  "give a webhook a new signing secret, printed once", "webhook rotate ID [--version N]",
	  NULL, "salespm webhook rotate 1" },
	{ "webhook", "ping", cmd_ping, CLI_NEEDS_STORE, "queue a test ping to a webhook",
	  "webhook ping ID", NULL, "salespm webhook ping 1" },
	{ "webhook", "deliveries", cmd_deliveries, CLI_NEEDS_STORE,
	  "a webhook's deliveries, newest first", "webhook deliveries ID [--limit N]", NULL,
	  "salespm webhook deliveries 1 --limit 20" },
	{ "webhook", "redeliver", cmd_redeliver, CLI_NEEDS_STORE, "send a delivery again",
	  "webhook redeliver ID DELIVERY", NULL, "salespm webhook redeliver 1 42" },
	{ "webhook", "events", cmd_events, CLI_NEEDS_STORE, "the catalogue of event names",
	  "webhook events", NULL, "salespm webhook events" },
	{ "webhook", "hosts", cmd_hosts, CLI_NEEDS_STORE,
	  "show or replace the hosts allowed past the address guard",
	  "webhook hosts [--set HOST[:PORT]]... [--clear]",
	  "  --set HOST[:PORT]    replace the list with these (repeat; [v6]:port for IPv6)\n"
	  "  --clear              empty the list\n",
	  "salespm webhook hosts --set hooks.internal.example:8443" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
