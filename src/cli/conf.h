/*
 * conf.h - salespm's configuration: /etc/salespm/salespm.conf (or the file
 * --config or $SALESPM_CONFIG names), each setting overridden by its
 * environment variable and then by its command-line flag. One table of the
 * settings says each one's key, variable, kind, bounds and default, so that
 * `salespm config check` (what is wrong, by line), `salespm config show`
 * (what is in force and from where, secrets masked) and the commands that
 * use them read the same rules.
 *
 * The file: one "key = value" a line; '#' starts a comment line; blank lines
 * are skipped; a value may be put in double quotes.
 */
#ifndef CLI_CONF_H
#define CLI_CONF_H

#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

#define CONF_DEFAULT_PATH "/etc/salespm/salespm.conf"

enum conf_key {
	CONF_DATABASE,
	CONF_LISTEN,
	CONF_WEB_DIR,
	CONF_THREADS,
	CONF_WAL_LIMIT,
	CONF_WEBHOOK_RETRY_BASE,
	CONF_EVENTS_MAX,
	CONF_EVENTS_PER_USER,
	CONF_EVENTS_PING,
	CONF_LOG_FORMAT,
	CONF_LOG_LEVEL,
	CONF_PUBLIC_URL,
	CONF_TLS_CERT,
	CONF_TLS_KEY,
	CONF_TRUST_PROXY,
	CONF_BACKUP_DIR,
	CONF_BACKUP_KEEP_DAYS,
	CONF__COUNT
};

enum conf_source { CONF_FROM_DEFAULT, CONF_FROM_FILE, CONF_FROM_ENV, CONF_FROM_FLAG };

struct conf {
	char path[4096]; /* the file read ("" when none was) */
	struct {
		char *value;     /* NULL: not set (the default applies) */
		enum conf_source from;
		int line;        /* the file's line it was set on */
	} v[CONF__COUNT];
	struct buf problems; /* "FILE:LINE: what is wrong\n" a problem, in order */
	int nproblems;
};

/*
 * Read the configuration: the file at path (NULL: $SALESPM_CONFIG, else
 * CONF_DEFAULT_PATH when it exists), then the environment. A file named
 * (by path or $SALESPM_CONFIG) must exist. Problems are gathered in
 * c->problems; -1 with err only when the file cannot be read at all.
 */
int conf_load(struct conf *c, const char *path, struct err *err);
void conf_release(struct conf *c);

/* The value in force of key (NULL: none set; its default applies). */
const char *conf_get(const struct conf *c, enum conf_key key);
/* A whole number in force, or def when none is set (conf_load checked it). */
int64_t conf_int(const struct conf *c, enum conf_key key, int64_t def);
/* A flag's value over the file's and the environment's. */
void conf_set_flag(struct conf *c, enum conf_key key, const char *value);

/* A value checked against key's rules: 0, or -1 with a message in why (size len). */
int conf_check_value(enum conf_key key, const char *value, char *why, size_t len);

/* The key's name in the file, its environment variable, its flag ("" none). */
const char *conf_key_name(enum conf_key key);
const char *conf_key_env(enum conf_key key);

#endif
