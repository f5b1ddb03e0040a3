/*
 * webhook.c - webhooks and their deliveries (webhook.h): the admins' records
 * (URL, description, events, active, a generated secret), the allowed hosts
 * of the address guard, the outbox pump from the audit log with its catalogue
 * of event names, and the claim / record steps of the sender. Tables in
 * store/schema/025-webhooks.sql.
 */
#include "core/webhook.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/netaddr.h"
#include "base/xalloc.h"
#include "core/audit.h"
#include "core/tx.h"
#include "base/banned.h"

/* --- the catalogue ----------------------------------------------------------- */

/*
 * Each audit (entity, action) that is an event, and its name. A deal's stage
 * move to a won or lost stage is deal.won / deal.lost for a webhook that asks
 * for those, deal.stage_changed otherwise; a problem's move to resolved is
 * problem.resolved likewise (one delivery per webhook and write).
 */
struct event_def {
	const char *entity, *action, *event;
};

static const struct event_def event_defs[] = {
	{ "project", "create", "project.created" },
	{ "project", "update", "project.updated" },
	{ "project", "delete", "project.deleted" },
	{ "member", "create", "member.added" },
	{ "member", "update", "member.updated" },
	{ "member", "delete", "member.removed" },
	{ "goal", "create", "goal.created" },
	{ "goal", "update", "goal.updated" },
	{ "goal", "delete", "goal.deleted" },
	{ "goal_checkin", "create", "goal.checked_in" },
	{ "customer", "create", "customer.created" },
	{ "customer", "update", "customer.updated" },
	{ "customer", "delete", "customer.deleted" },
	{ "deal", "create", "deal.created" },
	{ "deal", "update", "deal.updated" },
	{ "deal", "lines", "deal.updated" },
	{ "deal", "stage", "deal.stage_changed" },
	{ "deal", "delete", "deal.deleted" },
	{ "sale", "create", "sale.created" },
	{ "sale", "update", "sale.updated" },
	{ "sale", "delete", "sale.deleted" },
	{ "sale", "import", "sale.imported" },
	{ "activity", "create", "activity.created" },
	{ "activity", "update", "activity.updated" },
	{ "activity", "delete", "activity.deleted" },
	{ "feedback", "create", "feedback.created" },
	{ "feedback", "update", "feedback.updated" },
	{ "feedback", "delete", "feedback.deleted" },
	{ "problem", "create", "problem.opened" },
	{ "problem", "update", "problem.updated" },
	{ "problem", "status", "problem.status_changed" },
	{ "problem", "delete", "problem.deleted" },
	{ "task", "create", "task.created" },
	{ "task", "update", "task.updated" },
	{ "task", "status", "task.status_changed" },
	{ "task", "depend", "task.updated" },
	{ "task", "undepend", "task.updated" },
	{ "task", "delete", "task.deleted" },
	{ "risk", "create", "risk.created" },
	{ "risk", "update", "risk.updated" },
	{ "risk", "delete", "risk.deleted" },
	{ "alert", "raise", "alert.raised" },
};

const char *const webhook_events[] = {
	"project.created",  "project.updated",	   "project.deleted",	"member.added",
	"member.updated",   "member.removed",	   "goal.created",	"goal.updated",
	"goal.deleted",	    "goal.checked_in",	   "customer.created",	"customer.updated",
	"customer.deleted", "deal.created",	   "deal.updated",	"deal.stage_changed",
	"deal.won",	    "deal.lost",	   "deal.deleted",	"sale.created",
	"sale.updated",	    "sale.deleted",	   "sale.imported",	"activity.created",
	"activity.updated", "activity.deleted",	   "feedback.created",	"feedback.updated",
	"feedback.deleted", "problem.opened",	   "problem.updated",	"problem.status_changed",
	"problem.resolved", "problem.deleted",	   "task.created",	"task.updated",
	"task.status_changed", "task.deleted",	   "risk.created",	"risk.updated",
	"risk.deleted",	    "alert.raised",	   NULL,
};

static int event_known(const char *name)
{
	for (const char *const *e = webhook_events; *e; e++)
		if (!strcmp(*e, name))
			return 1;
	return 0;
}

static const char *event_of(const char *entity, const char *action)
{
	for (size_t i = 0; i < sizeof(event_defs) / sizeof(event_defs[0]); i++)
		if (!strcmp(event_defs[i].entity, entity) && !strcmp(event_defs[i].action, action))
			return event_defs[i].event;
	return NULL;
}

/* Whether the events text ("*" or a comma list) names event. */
static int wants(const char *events, const char *event)
{
	size_t n = strlen(event);
	const char *p = events;

	if (!strcmp(events, "*"))
		return 1;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && !memcmp(p, event, n))
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}


/* --- records ----------------------------------------------------------------- */

static const char SQL_HOOK_COLS[] =
	"SELECT h.id, h.url, h.description, h.events, h.active, COALESCE(u.login, ''), "
	"h.version, h.created_at, h.updated_at, h.format, COALESCE(p.code, ''), h.lang, "
	"h.secret, h.project_id FROM webhooks h LEFT JOIN users u ON u.id = h.created_by "
	"LEFT JOIN projects p ON p.id = h.project_id ORDER BY h.id";
static const char SQL_HOOK_ONE[] =
	"SELECT h.id, h.url, h.description, h.events, h.active, COALESCE(u.login, ''), "
	"h.version, h.created_at, h.updated_at, h.format, COALESCE(p.code, ''), h.lang, "
	"h.secret, h.project_id FROM webhooks h LEFT JOIN users u ON u.id = h.created_by "
	"LEFT JOIN projects p ON p.id = h.project_id WHERE h.id = ?";

/*
 * A robot's pasted secret as shown back: its first three and last four
 * characters ("SEC…89ab"), only stars for a short one; never the whole.
 */
static void key_hint(const char *secret, char out[24])
{
	size_t n = strlen(secret);

	if (!n)
		out[0] = '\0';
	else if (n < 12)
		snprintf(out, 24, "****");
	else
		snprintf(out, 24, "%.3s…%s", secret, secret + n - 4);
}

static void row_to_hook(struct store *st, struct stmt *s, struct webhook *h)
{
	memset(h, 0, sizeof(*h));
	h->id = store_col_int(st, s, 0);
	snprintf(h->url, sizeof(h->url), "%s", store_col_text(st, s, 1));
	snprintf(h->description, sizeof(h->description), "%s", store_col_text(st, s, 2));
	snprintf(h->events, sizeof(h->events), "%s", store_col_text(st, s, 3));
	h->active = (int)store_col_int(st, s, 4);
	snprintf(h->created_by, sizeof(h->created_by), "%s", store_col_text(st, s, 5));
	h->version = store_col_int(st, s, 6);
	h->created_at = store_col_int(st, s, 7);
	h->updated_at = store_col_int(st, s, 8);
	snprintf(h->format, sizeof(h->format), "%s", store_col_text(st, s, 9));
	snprintf(h->project, sizeof(h->project), "%s", store_col_text(st, s, 10));
	snprintf(h->lang, sizeof(h->lang), "%s", store_col_text(st, s, 11));
	/* the generated secret of a "salespm" webhook is never shown, not even masked */
	if (robot_format(h->format))
		key_hint(store_col_text(st, s, 12), h->key_hint);
	h->project_id = store_col_int_or(st, s, 13, NO_ID);
}

static int admin_only(const struct actor *a, struct err *err)
{
	return require_role(a, ROLE_ADMIN, "managing webhooks", err);
}

static const char SQL_MANAGES_ANY[] =
	"SELECT COUNT(*) FROM members WHERE user_id = ? AND role IN ('owner', 'manager')";

/* An admin, or a manager of some project (ERR_DENIED for anyone else). */
int webhook_may_use(struct store *st, const struct actor *a, struct err *err)
{
	struct stmt *s;
	int64_t n = 0;
	int rc;

	if (a->role == ROLE_ADMIN)
		return 0;
	if (a->role != ROLE_VIEWER) {
		if (!(s = store_prepare(st, SQL_MANAGES_ANY, err)))
			return -1;
		store_bind_int(st, s, 1, a->user_id);
		rc = store_step(st, s, err);
		if (rc == STORE_ROW)
			n = store_col_int(st, s, 0);
		store_done(st, s);
		if (rc < 0)
			return -1;
	}
	return n > 0 ? 0 : admin_only(a, err);
}

/* Whether a manages the project (its manager or owner; an admin every one). */
static int manages(struct store *st, const struct actor *a, int64_t project_id)
{
	return project_id != NO_ID && project_access(st, a, project_id, NULL) >= PROLE_MANAGER;
}

/* May a manage h: an admin any, a project's manager the group robots of the project. */
static int may_manage(struct store *st, const struct actor *a, const struct webhook *h,
		      struct err *err)
{
	if (a->role == ROLE_ADMIN || (robot_format(h->format) && manages(st, a, h->project_id)))
		return 0;
	return admin_only(a, err);
}

int webhook_list(struct store *st, const struct actor *a, struct webhook_list *out,
		 struct err *err)
{
	struct stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	if (webhook_may_use(st, a, err) || !(s = store_prepare(st, SQL_HOOK_COLS, err)))
		return -1;
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		row_to_hook(st, s, &out->items[out->n]);
		/* a project's manager: the robots of the projects managed */
		if (a->role == ROLE_ADMIN || (robot_format(out->items[out->n].format) &&
					      manages(st, a, out->items[out->n].project_id)))
			out->n++;
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

void webhook_list_release(struct webhook_list *l)
{
	free(l->items);
	memset(l, 0, sizeof(*l));
}

static int load(struct store *st, int64_t id, struct webhook *out, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_HOOK_ONE, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		row_to_hook(st, s, out);
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (rc == STORE_DONE)
		return err_set(err, ERR_NOT_FOUND, "webhook", "no_webhook:id", "no webhook with id %lld",
			       (long long)id);
	return 0;
}

int webhook_get(struct store *st, const struct actor *a, int64_t id, struct webhook *out,
		struct err *err)
{
	if (load(st, id, out, err))
		return a->role == ROLE_ADMIN ? -1 : admin_only(a, err); /* none: not told apart */
	return may_manage(st, a, out, err);
}

/* "whsec_" and 32 random bytes in hex. */
static void new_secret(char secret[WEBHOOK_SECRET_MAX])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	memcpy(secret, "whsec_", 6);
	sodium_bin2hex(secret + 6, WEBHOOK_SECRET_MAX - 6, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
}

/* The record as the audit keeps it (never the secret). */
static const char *hook_json(const struct webhook *h, struct buf *b)
{
	struct jw w;

	buf_reset(b);
	jw_init(&w, b);
	webhook_write_json(&w, h);
	return buf_cstr(b);
}

static int parse_port(const char *p, size_t len, int *port)
{
	int v = 0;

	if (len == 0 || len > 5)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	*port = v;
	return 0;
}

/*
 * Split "host", "host:port", "[v6]" or "[v6]:port" (len bytes at s) into a
 * lowercase host (brackets kept) and a port (0 when not given).
 */
static int split_host_port(const char *s, size_t len, char *host, size_t size, int *port)
{
	const char *end = s + len, *colon = NULL;
	size_t hlen;

	*port = 0;
	if (len && s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (!close)
			return -1;
		hlen = (size_t)(close - s) + 1;
		if (close + 1 < end) {
			if (close[1] != ':' || parse_port(close + 2, (size_t)(end - close - 2), port))
				return -1;
		}
	} else {
		colon = memchr(s, ':', len);
		hlen = colon ? (size_t)(colon - s) : len;
		if (colon && parse_port(colon + 1, (size_t)(end - colon - 1), port))
			return -1;
	}
	if (hlen == 0 || hlen >= size)
		return -1;
	for (size_t i = 0; i < hlen; i++) {
		unsigned char c = (unsigned char)s[i];
		if (s[0] == '[' ? !(isxdigit(c) || c == ':' || c == '.' || c == '[' || c == ']')
				: !(isalnum(c) || c == '.' || c == '-' || c == '_'))
			return -1;
		host[i] = (char)tolower(c);
	}
	host[hlen] = '\0';
	if (host[0] == '[') {
		char inner[64];
		struct in6_addr a6;
		if (hlen - 2 >= sizeof(inner))
			return -1;
		memcpy(inner, host + 1, hlen - 2);
		inner[hlen - 2] = '\0';
		if (inet_pton(AF_INET6, inner, &a6) != 1)
			return -1;
	}
	return 0;
}

int webhook_host_allowed(const char *list, const char *host, int port)
{
	const char *p = list;

	while (p && *p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char h[262];
		int hp;
		if (!split_host_port(p, len, h, sizeof(h), &hp) && !strcmp(h, host) &&
		    (hp == 0 || hp == port))
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

/* The class of a host as written in a URL: an address (any form inet_aton takes), localhost. */
static enum addr_class host_class(const char *host)
{
	char inner[64];
	size_t n = strlen(host);
	struct in_addr a4;

	if (host[0] == '[' && n >= 2 && n - 2 < sizeof(inner)) {
		memcpy(inner, host + 1, n - 2);
		inner[n - 2] = '\0';
		return netaddr_class_text(inner);
	}
	if (!strcmp(host, "localhost") ||
	    (n > 10 && !strcmp(host + n - 10, ".localhost")))
		return ADDR_LOOPBACK;
	/* 127.1, 0x7f000001 and 2130706433 are 127.0.0.1 to the resolver too */
	if (inet_aton(host, &a4))
		return netaddr_class4(ntohl(a4.s_addr));
	return ADDR_PUBLIC;
}

int webhook_url_check(const char *url, const char *allowed, struct err *err)
{
	const char *auth, *end;
	char host[262];
	int port, https;
	enum addr_class c;

	if (!url || !*url)
		return err_set(err, ERR_INVALID, "url", "required:_", "%s is required", "url");
	if (strlen(url) > WEBHOOK_URL_MAX)
		return err_set(err, ERR_INVALID, "url", "too_long:_,max", "url is too long (at most %d bytes)",
			       WEBHOOK_URL_MAX);
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return err_set(err, ERR_INVALID, "url", "url_invalid",
				       "url may not hold spaces or control characters");
	https = !strncasecmp(url, "https://", 8);
	if (!https && strncasecmp(url, "http://", 7))
		return err_set(err, ERR_INVALID, "url", "url_scheme",
			       "url must begin with http:// or https://");
	auth = url + (https ? 8 : 7);
	end = auth + strcspn(auth, "/?#");
	if (memchr(auth, '@', (size_t)(end - auth)))
		return err_set(err, ERR_INVALID, "url", "url_credentials",
			       "url may not hold a user name or password");
	if (split_host_port(auth, (size_t)(end - auth), host, sizeof(host), &port))
		return err_set(err, ERR_INVALID, "url", "url_host", "url has no valid host and port");
	if (!port)
		port = https ? 443 : 80;
	c = host_class(host);
	if (c != ADDR_PUBLIC && !webhook_host_allowed(allowed, host, port))
		return err_set(err, ERR_INVALID, "url", "url_address_refused:host,class",
			       "%s is a %s address, refused unless an admin allows the host",
			       host, netaddr_class_str(c));
	return 0;
}

/* The events as stored: "*" or names joined by commas, each from the catalogue, once. */
static int events_text(const struct webhook_input *in, char *out, size_t size, struct err *err)
{
	struct buf b = BUF_INIT;
	int r = -1;

	if (in->n_events == 0)
		return err_set(err, ERR_INVALID, "events", "required:_", "%s is required", "events");
	if (in->n_events > WEBHOOK_EVENTS_MAX)
		return err_set(err, ERR_INVALID, "events", "too_many:_,max",
			       "events names too many (at most %d)", WEBHOOK_EVENTS_MAX);
	for (size_t i = 0; i < in->n_events; i++) {
		const char *e = in->events[i];
		if (!strcmp(e, "*")) {
			if (in->n_events != 1) {
				err_set(err, ERR_INVALID, "events", "events_all_alone",
					"\"*\" (every event) stands alone in events");
				goto out;
			}
			buf_adds(&b, "*");
			break;
		}
		if (!event_known(e)) {
			err_set(err, ERR_INVALID, "events", "unknown_event:value",
				"\"%.60s\" is not an event of the catalogue", e);
			goto out;
		}
		if (wants(buf_cstr(&b), e) && b.len)
			continue;
		if (b.len)
			buf_addch(&b, ',');
		buf_adds(&b, e);
	}
	if (b.len >= size) {
		err_set(err, ERR_INVALID, "events", "too_many:_,max",
			"events names too many (at most %d)", WEBHOOK_EVENTS_MAX);
		goto out;
	}
	snprintf(out, size, "%s", buf_cstr(&b));
	r = 0;
out:
	buf_release(&b);
	return r;
}

static const char SQL_HOSTS_GET[] =
	"SELECT allowed_hosts, version FROM webhook_settings WHERE id = 1";

int webhook_hosts_read(struct store *st, struct webhook_hosts *out, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_HOSTS_GET, err);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!s)
		return -1;
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		snprintf(out->text, sizeof(out->text), "%s", store_col_text(st, s, 0));
		out->version = store_col_int(st, s, 1);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static const char SQL_HOOK_INSERT[] =
	"INSERT INTO webhooks (url, description, events, active, secret, since_audit_id, "
	"created_by, version, created_at, updated_at, format, project_id, lang) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8, ?9, ?10, ?11) RETURNING id";
static const char SQL_PROJECT_ID[] = "SELECT id FROM projects WHERE code = ?";

/*
 * A robot's own fields: the project filter (its id into *project_id, NO_ID
 * for none; left alone when not given), the language and the pasted secret
 * (into secret when given; *secret_given says so).
 */
static int apply_robot(struct store *st, const struct webhook_input *in, struct webhook *h,
		       int64_t *project_id, char secret[ROBOT_SECRET_MAX + 1], int *secret_given,
		       struct err *err)
{
	*secret_given = 0;
	if (in->project) {
		if (!*in->project) {
			*project_id = NO_ID;
			h->project[0] = '\0';
		} else {
			struct stmt *s = store_prepare(st, SQL_PROJECT_ID, err);
			int rc;
			if (!s)
				return -1;
			store_bind_text(st, s, 1, in->project);
			rc = store_step(st, s, err);
			if (rc == STORE_ROW)
				*project_id = store_col_int(st, s, 0);
			store_done(st, s);
			if (rc < 0)
				return -1;
			if (rc == STORE_DONE)
				return err_set(err, ERR_INVALID, "project", "no_project:code",
					       "no project \"%.60s\"", in->project);
			snprintf(h->project, sizeof(h->project), "%s", in->project);
		}
	}
	if (in->lang) {
		if (strcmp(in->lang, "zh-CN") && strcmp(in->lang, "en"))
			return err_set(err, ERR_INVALID, "lang", "webhook_lang_unknown:value",
				       "\"%.20s\" is not a message language: zh-CN or en", in->lang);
		snprintf(h->lang, sizeof(h->lang), "%s", in->lang);
	}
	if (in->secret) {
		size_t n = strlen(in->secret);
		if (!robot_format(h->format))
			return err_set(err, ERR_INVALID, "secret", "webhook_secret_generated",
				       "a salespm webhook's secret is generated (rotate it), not given");
		if (n && !strcmp(h->format, "wecom"))
			return err_set(err, ERR_INVALID, "secret", "robot_no_secret:format",
				       "a %s robot has no signing secret: its key is in the URL",
				       h->format);
		if (n > ROBOT_SECRET_MAX)
			return err_set(err, ERR_INVALID, "secret", "too_long:_,max",
				       "secret is too long (at most %d bytes)", ROBOT_SECRET_MAX);
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)in->secret[i] <= ' ' || in->secret[i] == 0x7f)
				return err_set(err, ERR_INVALID, "secret", "secret_invalid",
					       "secret may not hold spaces or control characters");
		snprintf(secret, ROBOT_SECRET_MAX + 1, "%s", in->secret);
		key_hint(secret, h->key_hint);
		*secret_given = 1;
	}
	return 0;
}

/* Check the input's fields into h (those given). */
static int apply_input(struct store *st, const struct webhook_input *in, struct webhook *h,
		       struct err *err)
{
	struct webhook_hosts hosts;

	if (in->url) {
		if (webhook_hosts_read(st, &hosts, err) || webhook_url_check(in->url, hosts.text, err))
			return -1;
		snprintf(h->url, sizeof(h->url), "%s", in->url);
	}
	if (in->description &&
	    text_field(h->description, sizeof(h->description), in->description, 0, 1,
		       "description", err))
		return -1;
	if (in->has_events && events_text(in, h->events, sizeof(h->events), err))
		return -1;
	if (in->active >= 0)
		h->active = in->active ? 1 : 0;
	return 0;
}

int webhook_create(struct store *st, const struct actor *a, const struct webhook_input *in,
		   struct webhook *out, char secret[WEBHOOK_SECRET_MAX], struct err *err)
{
	struct tx tx = { 0 };
	struct buf after = BUF_INIT;
	struct stmt *s;
	int64_t since = 0;
	int rc, r = -1;

	char robot_secret[ROBOT_SECRET_MAX + 1] = "";
	int64_t project_id = NO_ID;
	int given = 0;

	memset(out, 0, sizeof(*out));
	memset(secret, 0, WEBHOOK_SECRET_MAX);
	out->active = 1;
	snprintf(out->events, sizeof(out->events), "*");
	snprintf(out->format, sizeof(out->format), "%s", in->format ? in->format : "salespm");
	snprintf(out->lang, sizeof(out->lang), "zh-CN");
	/* a project's manager adds group robots for a project they manage */
	if (a->role != ROLE_ADMIN && (!robot_format(out->format) || webhook_may_use(st, a, err)))
		return admin_only(a, err);
	if (a->role != ROLE_ADMIN && (!in->project || !*in->project))
		return err_set(err, ERR_INVALID, "project", "robot_project_required",
			       "a project's manager adds a group robot for a project they manage");
	if (strcmp(out->format, "salespm") && !robot_format(out->format))
		return err_set(err, ERR_INVALID, "format", "webhook_format_unknown:value",
			       "\"%.20s\" is not a format: salespm, wecom, dingtalk or feishu",
			       out->format);
	if (!in->url)
		return err_set(err, ERR_INVALID, "url", "required:_", "%s is required", "url");
	if (tx_begin(&tx, st, a, err))
		return -1;
	if (apply_input(st, in, out, err) ||
	    apply_robot(st, in, out, &project_id, robot_secret, &given, err) ||
	    (a->role != ROLE_ADMIN && require_project(st, a, project_id, out->project,
						      PROLE_MANAGER, "adding a group robot", err)) ||
	    audit_last_id(st, &since, err))
		goto out;
	if (!robot_format(out->format))
		new_secret(secret);
	if (!(s = store_prepare(st, SQL_HOOK_INSERT, err)))
		goto out;
	store_bind_text(st, s, 1, out->url);
	store_bind_text(st, s, 2, out->description);
	store_bind_text(st, s, 3, out->events);
	store_bind_int(st, s, 4, out->active);
	/* a robot's is the one pasted from its settings ("" when none), shown only masked */
	store_bind_text(st, s, 5, robot_format(out->format) ? robot_secret : secret);
	/* only what is written from now on: the audit log's past is not replayed */
	store_bind_int(st, s, 6, since);
	store_bind_int(st, s, 7, a->user_id);
	store_bind_int(st, s, 8, tx.now);
	store_bind_text(st, s, 9, out->format);
	store_bind_int_or_null(st, s, 10, project_id, NO_ID);
	store_bind_text(st, s, 11, out->lang);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		out->id = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0)
		goto out;
	out->version = 1;
	out->created_at = out->updated_at = tx.now;
	snprintf(out->created_by, sizeof(out->created_by), "%s", a->login);
	if (tx_audit(&tx, "webhook", out->id, "create", NULL, hook_json(out, &after), err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r) {
		tx_abort(&tx);
		sodium_memzero(secret, WEBHOOK_SECRET_MAX);
	}
	sodium_memzero(robot_secret, sizeof(robot_secret));
	buf_release(&after);
	return r;
}

static const char SQL_HOOK_UPDATE[] =
	"UPDATE webhooks SET url = ?1, description = ?2, events = ?3, active = ?4, "
	"since_audit_id = CASE WHEN ?9 = 1 THEN ?5 ELSE since_audit_id END, "
	"project_id = CASE WHEN ?10 = 1 THEN ?11 ELSE project_id END, lang = ?12, "
	"secret = CASE WHEN ?13 = 1 THEN ?14 ELSE secret END, "
	"version = version + 1, updated_at = ?6 WHERE id = ?7 AND version = ?8 RETURNING version";

/* Begin a change of webhook id at version: the record under the write lock. */
static int begin_change(struct tx *tx, struct store *st, const struct actor *a, int64_t id,
			int64_t version, struct webhook *cur, struct err *err)
{
	if (tx_begin(tx, st, a, err))
		return -1;
	if (load(st, id, cur, err)) {
		if (a->role != ROLE_ADMIN)
			admin_only(a, err); /* to others a webhook not there is one not theirs */
		tx_abort(tx);
		return -1;
	}
	if (may_manage(st, a, cur, err) ||
	    (version != NO_ID && version != cur->version &&
	     tx_version_conflict("webhook", cur->url, version, cur->version, err))) {
		tx_abort(tx);
		return -1;
	}
	return 0;
}

/* Step an UPDATE of webhook cur that returns its version, audit cur -> out, commit. */
static int finish_change(struct tx *tx, struct stmt *s, const struct webhook *cur,
			 struct webhook *out, const char *action, struct err *err)
{
	struct store *st = tx->st;
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	int rc = store_step(st, s, err), r = -1;

	if (rc == STORE_ROW)
		out->version = store_col_int(st, s, 0);
	store_done(st, s);
	out->updated_at = tx->now;
	if (rc >= 0 &&
	    !tx_audit(tx, "webhook", cur->id, action, hook_json(cur, &b1), hook_json(out, &b2), err))
		r = tx_commit(tx, err);
	buf_release(&b1);
	buf_release(&b2);
	return r;
}

int webhook_update(struct store *st, const struct actor *a, int64_t id,
		   const struct webhook_input *in, struct webhook *out, struct err *err)
{
	struct tx tx = { 0 };
	struct webhook cur;
	struct stmt *s;
	char robot_secret[ROBOT_SECRET_MAX + 1] = "";
	int64_t since = 0, project_id = NO_ID;
	int r = -1, given = 0;

	if (begin_change(&tx, st, a, id, in->version, &cur, err))
		return -1;
	*out = cur;
	if (in->format && strcmp(in->format, cur.format)) {
		err_set(err, ERR_INVALID, "format", "webhook_format_fixed",
			"a webhook's format is kept: add a new one for another format");
		goto out;
	}
	if (apply_input(st, in, out, err) ||
	    apply_robot(st, in, out, &project_id, robot_secret, &given, err))
		goto out;
	/* a project's manager moves a robot only to another project they manage */
	if (a->role != ROLE_ADMIN && in->project) {
		if (!*in->project) {
			err_set(err, ERR_INVALID, "project", "robot_project_required",
				"a project's manager adds a group robot for a project they manage");
			goto out;
		}
		if (require_project(st, a, project_id, out->project, PROLE_MANAGER,
				    "moving a group robot", err))
			goto out;
	}
	if (audit_last_id(st, &since, err) || !(s = store_prepare(st, SQL_HOOK_UPDATE, err)))
		goto out;
	store_bind_text(st, s, 1, out->url);
	store_bind_text(st, s, 2, out->description);
	store_bind_text(st, s, 3, out->events);
	store_bind_int(st, s, 4, out->active);
	/* switched back on: what was written while it was off is not sent */
	store_bind_int(st, s, 5, since);
	store_bind_int(st, s, 6, tx.now);
	store_bind_int(st, s, 7, id);
	store_bind_int(st, s, 8, cur.version);
	store_bind_int(st, s, 9, !cur.active && out->active);
	store_bind_int(st, s, 10, in->project != NULL);
	store_bind_int_or_null(st, s, 11, project_id, NO_ID);
	store_bind_text(st, s, 12, out->lang);
	store_bind_int(st, s, 13, given);
	store_bind_text(st, s, 14, robot_secret);
	r = finish_change(&tx, s, &cur, out, "update", err);
out:
	if (r)
		tx_abort(&tx);
	sodium_memzero(robot_secret, sizeof(robot_secret));
	return r;
}

static const char SQL_HOOK_DELETE[] = "DELETE FROM webhooks WHERE id = ?1 AND version = ?2";
static const char SQL_HOOK_ATTEMPTS_DELETE[] =
	"DELETE FROM webhook_attempts WHERE delivery_id IN "
	"(SELECT id FROM webhook_deliveries WHERE webhook_id = ?)";
static const char SQL_HOOK_DELIVERIES_DELETE[] =
	"DELETE FROM webhook_deliveries WHERE webhook_id = ?";

static int exec_id(struct store *st, const char *sql, int64_t id, int64_t v2, struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, id);
	if (v2 != NO_ID)
		store_bind_int(st, s, 2, v2);
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int webhook_delete(struct store *st, const struct actor *a, int64_t id, int64_t version,
		   struct err *err)
{
	struct tx tx = { 0 };
	struct webhook cur;
	struct buf b = BUF_INIT;
	int r = -1;

	if (begin_change(&tx, st, a, id, version, &cur, err))
		return -1;
	if (exec_id(st, SQL_HOOK_ATTEMPTS_DELETE, id, NO_ID, err) ||
	    exec_id(st, SQL_HOOK_DELIVERIES_DELETE, id, NO_ID, err) ||
	    exec_id(st, SQL_HOOK_DELETE, id, cur.version, err) ||
	    tx_audit(&tx, "webhook", id, "delete", hook_json(&cur, &b), NULL, err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	buf_release(&b);
	return r;
}

static const char SQL_HOOK_ROTATE[] =
	"UPDATE webhooks SET secret = ?1, version = version + 1, updated_at = ?2 "
	"WHERE id = ?3 RETURNING version";

int webhook_rotate(struct store *st, const struct actor *a, int64_t id, int64_t version,
		   struct webhook *out, char secret[WEBHOOK_SECRET_MAX], struct err *err)
{
	struct tx tx = { 0 };
	struct webhook cur;
	struct stmt *s;
	int r = -1;

	memset(secret, 0, WEBHOOK_SECRET_MAX);
	if (begin_change(&tx, st, a, id, version, &cur, err))
		return -1;
	*out = cur;
	if (robot_format(cur.format)) {
		err_set(err, ERR_INVALID, "secret", "robot_secret_pasted:format",
			"a %s robot's secret comes from the robot's settings: change it with an "
			"update", cur.format);
		goto out;
	}
	new_secret(secret);
	if (!(s = store_prepare(st, SQL_HOOK_ROTATE, err)))
		goto out;
	store_bind_text(st, s, 1, secret);
	store_bind_int(st, s, 2, tx.now);
	store_bind_int(st, s, 3, id);
	r = finish_change(&tx, s, &cur, out, "rotate", err);
out:
	if (r) {
		tx_abort(&tx);
		sodium_memzero(secret, WEBHOOK_SECRET_MAX);
	}
	return r;
}

static const char SQL_DELIVERY_INSERT[] =
	"INSERT INTO webhook_deliveries (webhook_id, audit_id, redelivery_of, event, body, "
	"next_at, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?6) "
	"ON CONFLICT (webhook_id, audit_id) DO NOTHING RETURNING id";

/* Insert a delivery (audit_id NO_ID for a ping or a redelivery); *id 0 when it was there already. */
static int delivery_insert(struct store *st, int64_t hook, int64_t audit_id, int64_t again,
			   const char *event, const char *body, int64_t now, int64_t *id,
			   struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_DELIVERY_INSERT, err);
	int rc;

	*id = 0;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, hook);
	store_bind_int_or_null(st, s, 2, audit_id, NO_ID);
	store_bind_int_or_null(st, s, 3, again, NO_ID);
	store_bind_text(st, s, 4, event);
	store_bind_text(st, s, 5, body);
	store_bind_int(st, s, 6, now);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		*id = store_col_int(st, s, 0);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int webhook_ping(struct store *st, const struct actor *a, int64_t id, int64_t *delivery_id,
		 struct err *err)
{
	struct tx tx = { 0 };
	struct webhook cur;
	struct buf body = BUF_INIT;
	struct jw w;
	int r = -1;

	if (begin_change(&tx, st, a, id, NO_ID, &cur, err))
		return -1;
	jw_init(&w, &body);
	jw_obj(&w);
	jw_kint(&w, "id", 0);
	jw_kstr(&w, "event", "ping");
	jw_kts(&w, "created_at", tx.now);
	jw_kstr(&w, "project", cur.project[0] ? cur.project : NULL);
	jw_kint(&w, "webhook_id", id);
	jw_kstr(&w, "actor", a->login);
	jw_obj_end(&w);
	if (robot_format(cur.format)) {
		/* a robot's test message, in its format and language */
		struct buf msg = BUF_INIT;
		int rr = robot_render(st, cur.format, cur.lang, NULL, buf_cstr(&body), &msg, err);
		buf_reset(&body);
		buf_add(&body, msg.p ? msg.p : "", msg.len);
		buf_release(&msg);
		if (rr)
			goto out;
	}
	if (delivery_insert(st, id, NO_ID, NO_ID, "ping", buf_cstr(&body), tx.now, delivery_id,
			    err) ||
	    tx_audit(&tx, "webhook", id, "ping", NULL, NULL, err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	buf_release(&body);
	return r;
}

static const char SQL_DELIVERIES[] =
	"SELECT id, webhook_id, audit_id, redelivery_of, event, state, attempts, last_status, "
	"last_error, next_at, created_at, updated_at, delivered_at FROM webhook_deliveries "
	"WHERE webhook_id = ?1 ORDER BY id DESC LIMIT ?2";
static const char SQL_DELIVERY_ONE[] =
	"SELECT id, webhook_id, audit_id, redelivery_of, event, state, attempts, last_status, "
	"last_error, next_at, created_at, updated_at, delivered_at, body FROM webhook_deliveries "
	"WHERE webhook_id = ?1 AND id = ?2";
static const char SQL_ATTEMPTS[] =
	"SELECT at, http_status, error, duration_ms FROM webhook_attempts WHERE delivery_id = ? "
	"ORDER BY id";

static void row_to_delivery(struct store *st, struct stmt *s, struct webhook_delivery *d)
{
	memset(d, 0, sizeof(*d));
	d->id = store_col_int(st, s, 0);
	d->webhook_id = store_col_int(st, s, 1);
	d->audit_id = store_col_int_or(st, s, 2, NO_ID);
	d->redelivery_of = store_col_int_or(st, s, 3, NO_ID);
	snprintf(d->event, sizeof(d->event), "%s", store_col_text(st, s, 4));
	snprintf(d->state, sizeof(d->state), "%s", store_col_text(st, s, 5));
	d->attempts = store_col_int(st, s, 6);
	d->last_status = store_col_int_or(st, s, 7, NO_ID);
	snprintf(d->last_error, sizeof(d->last_error), "%s", store_col_text(st, s, 8));
	d->next_at = store_col_int(st, s, 9);
	d->created_at = store_col_int(st, s, 10);
	d->updated_at = store_col_int(st, s, 11);
	d->delivered_at = store_col_int_or(st, s, 12, NO_ID);
}

int webhook_deliveries(struct store *st, const struct actor *a, int64_t id, int64_t limit,
		       struct webhook_delivery_list *out, struct err *err)
{
	struct webhook h;
	struct stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	if (webhook_get(st, a, id, &h, err))
		return -1;
	if (limit < 1 || limit > 500)
		return err_set(err, ERR_INVALID, "limit", "out_of_range:_,min,max",
			       "limit must be %d to %d", 1, 500);
	if (!(s = store_prepare(st, SQL_DELIVERIES, err)))
		return -1;
	store_bind_int(st, s, 1, id);
	store_bind_int(st, s, 2, limit);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		row_to_delivery(st, s, &out->items[out->n++]);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static int delivery_load(struct store *st, int64_t id, int64_t delivery_id,
			 struct webhook_delivery_list *out, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_DELIVERY_ONE, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, id);
	store_bind_int(st, s, 2, delivery_id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		row_to_delivery(st, s, &out->items[out->n]);
		out->items[out->n++].body = xstrdup(store_col_text(st, s, 13));
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (rc == STORE_DONE)
		return err_set(err, ERR_NOT_FOUND, "delivery", "no_delivery:id",
			       "no delivery with id %lld", (long long)delivery_id);
	return 0;
}

int webhook_delivery_get(struct store *st, const struct actor *a, int64_t id,
			 int64_t delivery_id, struct webhook_delivery_list *out, struct err *err)
{
	struct webhook h;
	struct stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	if (webhook_get(st, a, id, &h, err) || delivery_load(st, id, delivery_id, out, err))
		return -1;
	if (!(s = store_prepare(st, SQL_ATTEMPTS, err)))
		return -1;
	store_bind_int(st, s, 1, delivery_id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct webhook_attempt *t;
		ALLOC_GROW(out->attempts, out->n_attempts + 1, out->alloc_attempts);
		t = &out->attempts[out->n_attempts++];
		t->at = store_col_int(st, s, 0);
		t->http_status = store_col_int_or(st, s, 1, NO_ID);
		snprintf(t->error, sizeof(t->error), "%s", store_col_text(st, s, 2));
		t->duration_ms = store_col_int(st, s, 3);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

void webhook_delivery_list_release(struct webhook_delivery_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i].body);
	free(l->items);
	free(l->attempts);
	memset(l, 0, sizeof(*l));
}

int webhook_redeliver(struct store *st, const struct actor *a, int64_t id, int64_t delivery_id,
		      int64_t *new_id, struct err *err)
{
	struct tx tx = { 0 };
	struct webhook cur;
	struct webhook_delivery_list l = { 0 };
	int r = -1;

	if (begin_change(&tx, st, a, id, NO_ID, &cur, err))
		return -1;
	if (delivery_load(st, id, delivery_id, &l, err) ||
	    delivery_insert(st, id, NO_ID, delivery_id, l.items[0].event, l.items[0].body, tx.now,
			    new_id, err) ||
	    tx_audit(&tx, "webhook", id, "redeliver", NULL, NULL, err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	webhook_delivery_list_release(&l);
	return r;
}

int webhook_hosts_get(struct store *st, const struct actor *a, struct webhook_hosts *out,
		      struct err *err)
{
	return admin_only(a, err) || webhook_hosts_read(st, out, err) ? -1 : 0;
}

static const char SQL_HOSTS_SET[] =
	"UPDATE webhook_settings SET allowed_hosts = ?1, version = version + 1, updated_at = ?2 "
	"WHERE id = 1 RETURNING version";

static void hosts_json(struct buf *b, const char *text)
{
	struct jw w;

	buf_reset(b);
	jw_init(&w, b);
	jw_obj(&w);
	jw_kstr(&w, "allowed_hosts", text);
	jw_obj_end(&w);
}

int webhook_hosts_set(struct store *st, const struct actor *a, const char *const *hosts,
		      size_t n, int64_t version, struct webhook_hosts *out, struct err *err)
{
	struct tx tx = { 0 };
	struct webhook_hosts cur;
	struct buf text = BUF_INIT, b1 = BUF_INIT, b2 = BUF_INIT;
	struct stmt *s;
	int rc, r = -1;

	if (admin_only(a, err))
		return -1;
	if (n > WEBHOOK_HOSTS_MAX)
		return err_set(err, ERR_INVALID, "hosts", "too_many:_,max",
			       "hosts names too many (at most %d)", WEBHOOK_HOSTS_MAX);
	for (size_t i = 0; i < n; i++) {
		char h[262];
		int port;
		if (split_host_port(hosts[i], strlen(hosts[i]), h, sizeof(h), &port)) {
			err_set(err, ERR_INVALID, "hosts", "not_host:value",
				"\"%.100s\" is not a host or host:port", hosts[i]);
			goto out;
		}
		if (text.len)
			buf_addch(&text, '\n');
		buf_adds(&text, h);
		if (port)
			buf_addf(&text, ":%d", port);
	}
	if (tx_begin(&tx, st, a, err))
		goto out;
	if (webhook_hosts_read(st, &cur, err) ||
	    (version != NO_ID && version != cur.version &&
	     tx_version_conflict("webhook", "allowed hosts", version, cur.version, err)) ||
	    !(s = store_prepare(st, SQL_HOSTS_SET, err)))
		goto out;
	store_bind_text(st, s, 1, buf_cstr(&text));
	store_bind_int(st, s, 2, tx.now);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		out->version = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0)
		goto out;
	snprintf(out->text, sizeof(out->text), "%s", buf_cstr(&text));
	hosts_json(&b1, cur.text);
	hosts_json(&b2, out->text);
	if (tx_audit(&tx, "webhook_hosts", NO_ID, "update", buf_cstr(&b1), buf_cstr(&b2), err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r && tx.open)
		tx_abort(&tx);
	buf_release(&text);
	buf_release(&b1);
	buf_release(&b2);
	return r;
}

/* --- JSON -------------------------------------------------------------------- */

/* The items of text joined by sep as a JSON array of strings under key. */
static void write_split(struct jw *w, const char *key, const char *text, char sep)
{
	const char *p = text;

	jw_key(w, key);
	jw_arr(w);
	while (*p) {
		const char *e = strchr(p, sep);
		size_t len = e ? (size_t)(e - p) : strlen(p);
		jw_strn(w, p, len);
		if (!e)
			break;
		p = e + 1;
	}
	jw_arr_end(w);
}

void webhook_secret_write_json(struct jw *w, const struct webhook *h, const char *secret)
{
	jw_obj(w);
	jw_key(w, "webhook");
	webhook_write_json(w, h);
	/* a robot's secret is the user's own: not shown back */
	jw_kstr(w, "secret", secret && *secret ? secret : NULL);
	jw_obj_end(w);
}

void webhook_hosts_write_json(struct jw *w, const struct webhook_hosts *h)
{
	jw_obj(w);
	write_split(w, "hosts", h->text, '\n');
	jw_kint(w, "version", h->version);
	jw_obj_end(w);
}

void webhook_events_write_json(struct jw *w)
{
	jw_obj(w);
	jw_key(w, "events");
	jw_arr(w);
	for (const char *const *e = webhook_events; *e; e++)
		jw_str(w, *e);
	jw_arr_end(w);
	jw_obj_end(w);
}

void webhook_write_json(struct jw *w, const struct webhook *h)
{
	jw_obj(w);
	jw_kint(w, "id", h->id);
	jw_kstr(w, "url", h->url);
	jw_kstr(w, "description", h->description);
	write_split(w, "events", h->events, ',');
	jw_kbool(w, "active", h->active);
	jw_kstr(w, "format", h->format[0] ? h->format : "salespm");
	jw_kstr(w, "project", h->project[0] ? h->project : NULL);
	jw_kstr(w, "lang", h->lang[0] ? h->lang : "zh-CN");
	jw_kstr(w, "key_hint", h->key_hint[0] ? h->key_hint : NULL);
	jw_kstr(w, "created_by", h->created_by[0] ? h->created_by : NULL);
	jw_kint(w, "version", h->version);
	jw_kts(w, "created_at", h->created_at);
	jw_kts(w, "updated_at", h->updated_at);
	jw_obj_end(w);
}

static void kint_or_null(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	if (v == NO_ID)
		jw_null(w);
	else
		jw_int(w, v);
}

static void kts_or_null(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	if (v == NO_ID)
		jw_null(w);
	else
		jw_ts(w, v);
}

void webhook_delivery_write_json(struct jw *w, const struct webhook_delivery *d)
{
	jw_obj(w);
	jw_kint(w, "id", d->id);
	jw_kint(w, "webhook_id", d->webhook_id);
	kint_or_null(w, "audit_id", d->audit_id);
	kint_or_null(w, "redelivery_of", d->redelivery_of);
	jw_kstr(w, "event", d->event);
	jw_kstr(w, "state", d->state);
	jw_kint(w, "attempts", d->attempts);
	kint_or_null(w, "last_status", d->last_status);
	jw_kstr(w, "last_error", d->last_error);
	kts_or_null(w, "next_at", !strcmp(d->state, "pending") ? d->next_at : NO_ID);
	jw_kts(w, "created_at", d->created_at);
	jw_kts(w, "updated_at", d->updated_at);
	kts_or_null(w, "delivered_at", d->delivered_at);
	if (d->body) {
		jw_key(w, "body");
		jw_raw(w, d->body);
	}
	jw_obj_end(w);
}

void webhook_attempt_write_json(struct jw *w, const struct webhook_attempt *t)
{
	jw_obj(w);
	jw_kts(w, "at", t->at);
	kint_or_null(w, "http_status", t->http_status);
	jw_kstr(w, "error", t->error);
	jw_kint(w, "duration_ms", t->duration_ms);
	jw_obj_end(w);
}

/* --- signature --------------------------------------------------------------- */

void webhook_hmac_hex(const unsigned char *key, size_t keylen, const unsigned char *msg,
		      size_t len, char hex[65])
{
	crypto_auth_hmacsha256_state state;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256_init(&state, key, keylen);
	crypto_auth_hmacsha256_update(&state, msg, len);
	crypto_auth_hmacsha256_final(&state, mac);
	sodium_bin2hex(hex, 65, mac, sizeof(mac));
	sodium_memzero(&state, sizeof(state));
}

void webhook_sign(const char *secret, int64_t ts, const char *body, size_t len, char out[72])
{
	crypto_auth_hmacsha256_state state;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char prefix[32];
	int n = snprintf(prefix, sizeof(prefix), "%lld.", (long long)ts);

	crypto_auth_hmacsha256_init(&state, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&state, (const unsigned char *)prefix, (size_t)n);
	crypto_auth_hmacsha256_update(&state, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&state, mac);
	memcpy(out, "v1=", 3);
	sodium_bin2hex(out + 3, 65, mac, sizeof(mac));
	sodium_memzero(&state, sizeof(state));
}

/* --- the pump ---------------------------------------------------------------- */

#define PUMP_BATCH 256

struct audit_row {
	int64_t id, at, entity_id;
	char actor[64], entity[32], action[32];
	char *before, *after;
};

struct hook_row {
	int64_t id, since;
	char events[1600];
	char format[12], lang[8], project[64];
};

static const char SQL_HOOKS_ANY[] = "SELECT COUNT(*) FROM webhooks";
static const char SQL_CURSOR[] = "SELECT audit_id FROM webhook_cursor WHERE id = 1";
static const char SQL_HOOKS_ACTIVE[] =
	"SELECT h.id, h.since_audit_id, h.events, h.format, h.lang, COALESCE(p.code, '') "
	"FROM webhooks h LEFT JOIN projects p ON p.id = h.project_id WHERE h.active = 1 "
	"ORDER BY h.id";
static const char SQL_AUDIT_AFTER[] =
	"SELECT a.id, a.at, COALESCE(u.login, ''), a.entity, a.entity_id, a.action, a.before, "
	"a.after FROM audit a LEFT JOIN users u ON u.id = a.actor_id WHERE a.id > ?1 "
	"ORDER BY a.id LIMIT ?2";
static const char SQL_CURSOR_MOVE[] =
	"UPDATE webhook_cursor SET audit_id = ?2 WHERE id = 1 AND audit_id = ?1 RETURNING id";

static const char SQL_STAGE_KIND[] =
	"SELECT s.kind FROM deals d JOIN deal_stages s ON s.project_id = d.project_id "
	"AND s.code = ?2 WHERE d.id = ?1";

/*
 * The specific event of a write, when there is one: deal.won / deal.lost for
 * a stage move into a won or lost stage, problem.resolved for a move to
 * resolved; NULL otherwise.
 */
static int specific_event(struct store *st, const struct audit_row *r, const char **out,
			  struct err *err)
{
	char v[64];
	struct stmt *s;
	int rc;

	*out = NULL;
	if (!strcmp(r->entity, "problem") && !strcmp(r->action, "status")) {
		audit_json_str(r->after, "status", v, sizeof(v));
		if (!strcmp(v, "resolved"))
			*out = "problem.resolved";
		return 0;
	}
	if (strcmp(r->entity, "deal") || strcmp(r->action, "stage"))
		return 0;
	audit_json_str(r->after, "stage", v, sizeof(v));
	if (!(s = store_prepare(st, SQL_STAGE_KIND, err)))
		return -1;
	store_bind_int(st, s, 1, r->entity_id);
	store_bind_text(st, s, 2, v);
	rc = store_step(st, s, err);
	/* a project without a pipeline of its own has the standard stages, won and lost by name */
	{
		const char *kind = rc == STORE_ROW ? store_col_text(st, s, 0) : v;
		if (!strcmp(kind, "won"))
			*out = "deal.won";
		else if (!strcmp(kind, "lost"))
			*out = "deal.lost";
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* The event JSON of an audit row. */
static void event_body(struct buf *b, const struct audit_row *r, const char *event,
		       const char *project)
{
	struct jw w;

	buf_reset(b);
	jw_init(&w, b);
	jw_obj(&w);
	jw_kint(&w, "id", r->id);
	jw_kstr(&w, "event", event);
	jw_kts(&w, "created_at", r->at);
	jw_kstr(&w, "project", *project ? project : NULL);
	jw_kstr(&w, "entity", r->entity);
	kint_or_null(&w, "entity_id", r->entity_id);
	jw_kstr(&w, "actor", r->actor[0] ? r->actor : NULL);
	if (r->before && r->after) {
		jw_key(&w, "before");
		jw_raw(&w, r->before);
	}
	jw_key(&w, "after");
	if (r->after)
		jw_raw(&w, r->after);
	else
		jw_null(&w);
	if (r->before && !r->after) {
		jw_key(&w, "before");
		jw_raw(&w, r->before);
	}
	jw_obj_end(&w);
}

static void rows_release(struct audit_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].before);
		free(rows[i].after);
	}
	free(rows);
}

static char *dup_or_null(struct store *st, struct stmt *s, int col)
{
	return store_col_is_null(st, s, col) ? NULL : xstrdup(store_col_text(st, s, col));
}

/* The audit rows past cursor (at most PUMP_BATCH). */
static int read_audit(struct store *st, int64_t cursor, struct audit_row **out, size_t *n,
		      struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_AUDIT_AFTER, err);
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, cursor);
	store_bind_int(st, s, 2, PUMP_BATCH);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct audit_row *r;
		ALLOC_GROW(*out, *n + 1, alloc);
		r = &(*out)[(*n)++];
		r->id = store_col_int(st, s, 0);
		r->at = store_col_int(st, s, 1);
		snprintf(r->actor, sizeof(r->actor), "%s", store_col_text(st, s, 2));
		snprintf(r->entity, sizeof(r->entity), "%s", store_col_text(st, s, 3));
		r->entity_id = store_col_int_or(st, s, 4, NO_ID);
		snprintf(r->action, sizeof(r->action), "%s", store_col_text(st, s, 5));
		r->before = dup_or_null(st, s, 6);
		r->after = dup_or_null(st, s, 7);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static int read_hooks(struct store *st, struct hook_row **out, size_t *n, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_HOOKS_ACTIVE, err);
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return -1;
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct hook_row *h;
		ALLOC_GROW(*out, *n + 1, alloc);
		h = &(*out)[(*n)++];
		h->id = store_col_int(st, s, 0);
		h->since = store_col_int(st, s, 1);
		snprintf(h->events, sizeof(h->events), "%s", store_col_text(st, s, 2));
		snprintf(h->format, sizeof(h->format), "%s", store_col_text(st, s, 3));
		snprintf(h->lang, sizeof(h->lang), "%s", store_col_text(st, s, 4));
		snprintf(h->project, sizeof(h->project), "%s", store_col_text(st, s, 5));
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/*
 * One audit row into deliveries for the hooks that want it: a hook with a
 * project only for that project's records, a robot its message (made from the
 * event JSON, so both say the same).
 */
static int pump_row(struct store *st, const struct audit_row *r, const struct hook_row *hooks,
		    size_t nh, int64_t now, const char *public_url, struct buf *body,
		    int *made, struct err *err)
{
	const char *general = event_of(r->entity, r->action), *specific = NULL, *built = NULL;
	char project[64] = "";
	struct buf msg = BUF_INIT;
	int looked = 0, rr = 0;

	if (!general)
		return 0;
	for (size_t j = 0; j < nh; j++) {
		const char *ev;
		int64_t id;
		if (hooks[j].since >= r->id)
			continue;
		if (!looked) {
			if (specific_event(st, r, &specific, err) ||
			    audit_project_of(st, r->entity, r->entity_id, r->before, r->after, project, sizeof(project), err))
				return -1;
			looked = 1;
		}
		ev = specific && wants(hooks[j].events, specific) ? specific
		     : wants(hooks[j].events, general)	     ? general
							     : NULL;
		if (!ev || (hooks[j].project[0] && strcmp(hooks[j].project, project)))
			continue;
		if (built != ev) {
			event_body(body, r, ev, project);
			built = ev;
		}
		if (robot_format(hooks[j].format) &&
		    robot_render(st, hooks[j].format, hooks[j].lang, public_url, buf_cstr(body), &msg,
				 err)) {
			rr = -1;
			break;
		}
		if (delivery_insert(st, hooks[j].id, r->id, NO_ID, ev,
				    robot_format(hooks[j].format) ? buf_cstr(&msg) : buf_cstr(body),
				    now, &id, err)) {
			rr = -1;
			break;
		}
		*made += id != 0;
	}
	buf_release(&msg);
	return rr;
}

/* One batch: 1 when the cursor moved a full batch (more may follow). */
static int pump_batch(struct store *st, const char *public_url, int *made, struct err *err)
{
	struct tx tx = { 0 };
	struct audit_row *rows = NULL;
	struct hook_row *hooks = NULL;
	struct buf body = BUF_INIT;
	size_t nr = 0, nh = 0;
	int64_t cursor = 0, from, min_since = INT64_MAX;
	struct stmt *s;
	int rc, r = -1;

	if (tx_begin(&tx, st, NULL, err))
		return -1;
	if (store_query_int(st, SQL_CURSOR, &cursor, err) || read_hooks(st, &hooks, &nh, err))
		goto out;
	for (size_t j = 0; j < nh; j++)
		if (hooks[j].since < min_since)
			min_since = hooks[j].since;
	if (!nh) {
		r = 0;
		goto out;
	}
	/* rows older than every active webhook are nobody's: skip them unread */
	from = cursor > min_since ? cursor : min_since;
	if (read_audit(st, from, &rows, &nr, err))
		goto out;
	if (!nr && from == cursor) {
		r = 0;
		goto out;
	}
	for (size_t i = 0; i < nr; i++)
		if (pump_row(st, &rows[i], hooks, nh, tx.now, public_url, &body, made, err))
			goto out;
	if (!(s = store_prepare(st, SQL_CURSOR_MOVE, err)))
		goto out;
	store_bind_int(st, s, 1, cursor);
	store_bind_int(st, s, 2, nr ? rows[nr - 1].id : from);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0)
		goto out;
	if (rc == STORE_DONE) {
		/* another server moved it meanwhile: its deliveries stand, ours go */
		r = 0;
		goto out;
	}
	if (tx_commit(&tx, err))
		goto out;
	r = nr == PUMP_BATCH;
out:
	if (tx.open)
		tx_abort(&tx);
	rows_release(rows, nr);
	free(hooks);
	buf_release(&body);
	return r;
}

int webhook_any(struct store *st, int *any, struct err *err)
{
	int64_t n = 0;

	*any = 0;
	if (store_query_int(st, SQL_HOOKS_ANY, &n, err))
		return -1;
	*any = n > 0;
	return 0;
}

int webhook_pump(struct store *st, const char *public_url, int *made, struct err *err)
{
	int any, r;

	*made = 0;
	if (webhook_any(st, &any, err))
		return -1;
	if (!any)
		return 0;
	while ((r = pump_batch(st, public_url, made, err)) == 1)
		;
	return r;
}

/* --- sending ----------------------------------------------------------------- */

static const char SQL_DUE[] =
	"SELECT d.id FROM webhook_deliveries d JOIN webhooks h ON h.id = d.webhook_id "
	"WHERE d.state = 'pending' AND d.next_at <= ?1 AND d.claimed_until < ?1 AND h.active = 1 "
	"ORDER BY d.next_at, d.id LIMIT ?2";
static const char SQL_NEXT_DUE[] =
	"SELECT COALESCE(MIN(d.next_at), 0) FROM webhook_deliveries d "
	"JOIN webhooks h ON h.id = d.webhook_id WHERE d.state = 'pending' AND h.active = 1";

int webhook_due(struct store *st, int64_t now, int64_t *ids, size_t n, size_t *got,
		int64_t *next_at, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_DUE, err);
	int rc;

	*got = 0;
	*next_at = 0;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, now);
	store_bind_int(st, s, 2, (int64_t)n);
	while ((rc = store_step(st, s, err)) == STORE_ROW && *got < n)
		ids[(*got)++] = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0)
		return -1;
	return store_query_int(st, SQL_NEXT_DUE, next_at, err);
}

static const char SQL_CLAIM[] =
	"UPDATE webhook_deliveries SET claimed_until = ?2 "
	"WHERE id = ?1 AND state = 'pending' AND claimed_until < ?3 "
	"RETURNING webhook_id, event, body, attempts";
static const char SQL_CLAIMED_HOOK[] = "SELECT url, secret, format FROM webhooks WHERE id = ?";

void webhook_job_release(struct webhook_job *j)
{
	free(j->body);
	sodium_memzero(j->secret, sizeof(j->secret));
	j->body = NULL;
}

int webhook_claim(struct store *st, int64_t id, int64_t now, int64_t lease,
		  struct webhook_job *job, struct err *err)
{
	struct stmt *s;
	int rc, r = -1;

	memset(job, 0, sizeof(*job));
	if (store_begin(st, 1, err))
		return -1;
	if (!(s = store_prepare(st, SQL_CLAIM, err)))
		goto out;
	store_bind_int(st, s, 1, id);
	store_bind_int(st, s, 2, now + lease);
	store_bind_int(st, s, 3, now);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		job->id = id;
		job->webhook_id = store_col_int(st, s, 0);
		snprintf(job->event, sizeof(job->event), "%s", store_col_text(st, s, 1));
		job->body = xstrdup(store_col_text(st, s, 2));
		job->attempts = store_col_int(st, s, 3);
	}
	store_done(st, s);
	if (rc < 0)
		goto out;
	if (rc == STORE_ROW) {
		if (!(s = store_prepare(st, SQL_CLAIMED_HOOK, err)))
			goto out;
		store_bind_int(st, s, 1, job->webhook_id);
		rc = store_step(st, s, err);
		if (rc == STORE_ROW) {
			snprintf(job->url, sizeof(job->url), "%s", store_col_text(st, s, 0));
			snprintf(job->secret, sizeof(job->secret), "%s", store_col_text(st, s, 1));
			snprintf(job->format, sizeof(job->format), "%s", store_col_text(st, s, 2));
		}
		store_done(st, s);
		if (rc < 0)
			goto out;
	}
	if (store_commit(st, err))
		goto out;
	r = job->body ? 1 : 0;
out:
	if (r < 0) {
		store_rollback(st);
		webhook_job_release(job);
	}
	return r;
}

int64_t webhook_backoff(int attempts, int64_t retry_base)
{
	static const int64_t factor[] = { 1, 4, 20, 120, 720 };

	if (attempts < 1 || attempts >= WEBHOOK_ATTEMPTS_MAX)
		return -1;
	return retry_base * factor[attempts - 1];
}

static const char SQL_DELIVERY_THERE[] = "SELECT 1 FROM webhook_deliveries WHERE id = ?";
static const char SQL_ATTEMPT_INSERT[] =
	"INSERT INTO webhook_attempts (delivery_id, at, http_status, error, duration_ms) "
	"VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_DELIVERY_RESULT[] =
	"UPDATE webhook_deliveries SET attempts = ?2, last_status = ?3, last_error = ?4, "
	"state = ?5, next_at = ?6, claimed_until = 0, updated_at = ?7, delivered_at = ?8 "
	"WHERE id = ?1";

int webhook_record(struct store *st, const struct webhook_job *job, int64_t now, int status,
		   const char *error, int64_t duration_ms, int64_t retry_base, struct err *err)
{
	int ok = status >= 200 && status < 300 && !(error && *error);
	int attempts = (int)job->attempts + 1;
	int64_t delay = ok ? -1 : webhook_backoff(attempts, retry_base);
	const char *state = ok ? "delivered" : delay < 0 ? "failed" : "pending";
	char msg[300];
	struct stmt *s;
	int rc;

	snprintf(msg, sizeof(msg), "%s", error ? error : "");
	if (store_begin(st, 1, err))
		return -1;
	/* the webhook was deleted while its delivery was under way: nothing left to log */
	if (!(s = store_prepare(st, SQL_DELIVERY_THERE, err)))
		goto fail;
	store_bind_int(st, s, 1, job->id);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0)
		goto fail;
	if (rc == STORE_DONE) {
		store_rollback(st);
		return 0;
	}
	if (!(s = store_prepare(st, SQL_ATTEMPT_INSERT, err)))
		goto fail;
	store_bind_int(st, s, 1, job->id);
	store_bind_int(st, s, 2, now);
	store_bind_int_or_null(st, s, 3, status ? status : NO_ID, NO_ID);
	store_bind_text(st, s, 4, msg);
	store_bind_int(st, s, 5, duration_ms);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0 || !(s = store_prepare(st, SQL_DELIVERY_RESULT, err)))
		goto fail;
	store_bind_int(st, s, 1, job->id);
	store_bind_int(st, s, 2, attempts);
	store_bind_int_or_null(st, s, 3, status ? status : NO_ID, NO_ID);
	store_bind_text(st, s, 4, msg);
	store_bind_text(st, s, 5, state);
	store_bind_int(st, s, 6, delay < 0 ? now : now + delay);
	store_bind_int(st, s, 7, now);
	store_bind_int_or_null(st, s, 8, ok ? now : NO_ID, NO_ID);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0 || store_commit(st, err))
		goto fail;
	return 0;
fail:
	store_rollback(st);
	return -1;
}
