/*
 * webhook.h - webhooks: a URL told of the workspace's events, signed with a
 * secret the server generates. Events come from the audit log as from an
 * outbox: webhook_pump() turns the audit rows past a cursor into delivery
 * rows, moving the cursor in the same transaction, so a write that was
 * acknowledged is never missed, even across a crash or a write made by the
 * CLI while no server ran. A sender (the server's webhook thread,
 * http/webhook_worker.c) claims a due delivery (webhook_claim), posts it and
 * records the attempt (webhook_record), which schedules the retry. Admins,
 * and a project's managers for its group robots; the secret is shown at
 * creation and rotation and never again.
 */
#ifndef CORE_WEBHOOK_H
#define CORE_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"
#include "core/robot.h"

#define WEBHOOK_URL_MAX 2000
#define WEBHOOK_SECRET_MAX 72     /* "whsec_" and 64 hex digits, NUL */
#define WEBHOOK_EVENTS_MAX 64     /* events named by one webhook */
#define WEBHOOK_HOSTS_MAX 100     /* entries of the allowed hosts */
#define WEBHOOK_ATTEMPTS_MAX 6    /* the first try and five retries */
#define WEBHOOK_RETRY_BASE 30     /* seconds: retries after 1, 4, 20, 120 and 720 times it */

struct webhook {
	int64_t id;
	char url[WEBHOOK_URL_MAX + 1];
	char description[501];
	char events[1600]; /* "*" or names joined by commas */
	int active;
	char created_by[64];
	int64_t version, created_at, updated_at;
	char format[12];      /* "salespm" (the event JSON) or a robot's: "wecom", "dingtalk", "feishu" */
	char project[64];     /* the project whose events alone it gets; "" for every event */
	char lang[8];         /* the robot's language: "zh-CN" or "en" */
	char key_hint[24];    /* a robot's signing secret masked ("SEC…89ab"); "" when none */
	int64_t project_id;   /* NO_ID when none */
};

struct webhook_list {
	struct webhook *items;
	size_t n, alloc;
};

/* What a create or update gives; a pointer left NULL (update) keeps the value. */
struct webhook_input {
	const char *url;
	const char *description;
	const char *const *events; /* n_events names, or one "*" for every event */
	size_t n_events;
	int has_events;
	int active; /* -1 keeps it */
	int64_t version; /* update: the version the caller saw */
	const char *format;  /* create only: "salespm" when NULL */
	const char *project; /* a project's code, "" for none */
	const char *lang;    /* "zh-CN" or "en" */
	const char *secret;  /* a robot's signing secret as pasted; "" removes it */
};

struct webhook_delivery {
	int64_t id, webhook_id, audit_id, redelivery_of; /* NO_ID when none */
	char event[48];
	char state[16];
	int64_t attempts;
	int64_t last_status; /* NO_ID before any answer */
	char last_error[300];
	int64_t next_at, created_at, updated_at, delivered_at; /* NO_ID when none */
	char *body; /* the event JSON (owned), only for a single delivery */
};

struct webhook_attempt {
	int64_t at, http_status; /* NO_ID when no answer came */
	char error[300];
	int64_t duration_ms;
};

struct webhook_delivery_list {
	struct webhook_delivery *items;
	size_t n, alloc;
	struct webhook_attempt *attempts; /* a single delivery's */
	size_t n_attempts, alloc_attempts;
};

/* The catalogue of event names, NULL-ended, in the order the docs list them. */
extern const char *const webhook_events[];

/*
 * Who manages what: admins every webhook and robot; a project's managers (and
 * owner) the group robots of their project - adding, changing, testing and
 * deleting them, reading their deliveries - never a signed-JSON webhook, a
 * robot of every project or the allowed hosts. webhook_list gives each caller
 * what they manage (ERR_DENIED to who manages no project).
 */
int webhook_list(struct store *st, const struct actor *a, struct webhook_list *out,
		 struct err *err);
/* Whether a may see the catalogue of events: an admin or a project's manager. */
int webhook_may_use(struct store *st, const struct actor *a, struct err *err);
void webhook_list_release(struct webhook_list *l);
int webhook_get(struct store *st, const struct actor *a, int64_t id, struct webhook *out,
		struct err *err);
/* Create; secret receives the signing secret, to be shown once. */
int webhook_create(struct store *st, const struct actor *a, const struct webhook_input *in,
		   struct webhook *out, char secret[WEBHOOK_SECRET_MAX], struct err *err);
int webhook_update(struct store *st, const struct actor *a, int64_t id,
		   const struct webhook_input *in, struct webhook *out, struct err *err);
int webhook_delete(struct store *st, const struct actor *a, int64_t id, int64_t version,
		   struct err *err);
/* A new secret (the old one stops signing at once); version as for an update. */
int webhook_rotate(struct store *st, const struct actor *a, int64_t id, int64_t version,
		   struct webhook *out, char secret[WEBHOOK_SECRET_MAX], struct err *err);
/* Queue a "ping" delivery to the webhook now; *delivery_id its id. */
int webhook_ping(struct store *st, const struct actor *a, int64_t id, int64_t *delivery_id,
		 struct err *err);
/* A webhook's deliveries, newest first (at most limit). */
int webhook_deliveries(struct store *st, const struct actor *a, int64_t id, int64_t limit,
		       struct webhook_delivery_list *out, struct err *err);
/* One delivery with its body and its attempts. */
int webhook_delivery_get(struct store *st, const struct actor *a, int64_t id,
			 int64_t delivery_id, struct webhook_delivery_list *out, struct err *err);
void webhook_delivery_list_release(struct webhook_delivery_list *l);
/* Send a delivery again, as a new delivery of the same event and body; *new_id its id. */
int webhook_redeliver(struct store *st, const struct actor *a, int64_t id, int64_t delivery_id,
		      int64_t *new_id, struct err *err);

/* The allowed hosts, one "host" or "host:port" a line, and the setting's version. */
struct webhook_hosts {
	char text[WEBHOOK_HOSTS_MAX * 262];
	int64_t version;
};
int webhook_hosts_get(struct store *st, const struct actor *a, struct webhook_hosts *out,
		      struct err *err);
/* Replace the list (version: NO_ID to skip the check); an entry that is not a host names it. */
int webhook_hosts_set(struct store *st, const struct actor *a, const char *const *hosts,
		      size_t n, int64_t version, struct webhook_hosts *out, struct err *err);

/* Whether host (lowercase; an IPv6 literal in brackets) and port are on the list text. */
int webhook_host_allowed(const char *list, const char *host, int port);

/*
 * Judge a webhook URL: http or https, a host, no credentials, and a host
 * written as an address (or localhost) not loopback, link-local, private...
 * unless allowed names it. ERR_INVALID naming the field "url".
 */
int webhook_url_check(const char *url, const char *allowed, struct err *err);

void webhook_write_json(struct jw *w, const struct webhook *h);
/* {"webhook":{...},"secret":"..."}: the answer to a creation or a rotation */
void webhook_secret_write_json(struct jw *w, const struct webhook *h, const char *secret);
/* {"hosts":[...],"version":N} */
void webhook_hosts_write_json(struct jw *w, const struct webhook_hosts *h);
/* {"events":[the catalogue]} */
void webhook_events_write_json(struct jw *w);
void webhook_delivery_write_json(struct jw *w, const struct webhook_delivery *d);
void webhook_attempt_write_json(struct jw *w, const struct webhook_attempt *t);

/* The signature header's value: "v1=" and hex HMAC-SHA256(secret, ts "." body). */
void webhook_sign(const char *secret, int64_t ts, const char *body, size_t len, char out[72]);

/* HMAC-SHA256 of msg under key (any length) as 64 hex digits. */
void webhook_hmac_hex(const unsigned char *key, size_t keylen, const unsigned char *msg,
		      size_t len, char hex[65]);

/* --- the sender's side ---------------------------------------------------- */

/* Whether any webhook exists (the sender does nothing while none does). */
int webhook_any(struct store *st, int *any, struct err *err);

/*
 * Turn the audit rows past the cursor into deliveries for the active webhooks
 * that want them, and move the cursor, in one transaction; *made counts the
 * deliveries. Nothing is done (no write) while no webhook exists. A robot's
 * delivery is its message (robot.h), with links under public_url (NULL: none).
 */
int webhook_pump(struct store *st, const char *public_url, int *made, struct err *err);

/* Up to n deliveries due at now (ids), and the earliest next_at of any pending (0: none). */
int webhook_due(struct store *st, int64_t now, int64_t *ids, size_t n, size_t *got,
		int64_t *next_at, struct err *err);

/* A claimed delivery: what the sender needs. */
struct webhook_job {
	int64_t id, webhook_id, attempts;
	char event[48];
	char url[WEBHOOK_URL_MAX + 1];
	char secret[ROBOT_SECRET_MAX + 1]; /* the generated one, or a robot's ("" when none) */
	char format[12];
	char *body; /* owned */
};
void webhook_job_release(struct webhook_job *j);

/*
 * Claim delivery id until now + lease seconds, atomically (another server's
 * claim in force wins): 1 with job filled when claimed, 0 when not.
 */
int webhook_claim(struct store *st, int64_t id, int64_t now, int64_t lease,
		  struct webhook_job *job, struct err *err);

/*
 * Log an attempt (status: the answer's HTTP status, or 0 when none came; error
 * "" on success, a robot's refusal in a 2xx answer fails it too) and mark the delivery delivered (2xx), failed (the last
 * attempt) or due again after the backoff (retry_base seconds times 1, 4, 20,
 * 120, 720).
 */
int webhook_record(struct store *st, const struct webhook_job *job, int64_t now, int status,
		   const char *error, int64_t duration_ms, int64_t retry_base, struct err *err);

/* The allowed hosts as they are now (no actor: for the sender). */
int webhook_hosts_read(struct store *st, struct webhook_hosts *out, struct err *err);

/* The delay after the n-th failed attempt (1-based), or -1 when there is no retry. */
int64_t webhook_backoff(int attempts, int64_t retry_base);

#endif
