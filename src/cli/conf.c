/*
 * conf.c - the configuration file, the environment and the flags (conf.h),
 * and `salespm config check` / `salespm config show`.
 */
#include "cli/conf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/xalloc.h"
#include "cli/cli.h"
#include "base/banned.h"

enum kind { K_TEXT, K_INT, K_CHOICE, K_URL, K_FILE };

static const struct setting {
	const char *key, *env, *flag;
	enum kind kind;
	int64_t lo, hi;      /* K_INT */
	const char *choices; /* K_CHOICE: "a|b" */
	const char *def;     /* shown by config show */
	int secret;          /* a password inside it is masked */
	const char *help;
} settings[CONF__COUNT] = {
	[CONF_DATABASE] = { "database", "SALESPM_DB", "--db", K_TEXT, 0, 0, NULL, "salespm.db", 1,
			    "a SQLite file, or postgresql://USER:PASSWORD@HOST/NAME" },
	[CONF_LISTEN] = { "listen", "SALESPM_LISTEN", "--listen", K_TEXT, 0, 0, NULL,
			  "127.0.0.1:8080", 0, "serve: the address to listen on, HOST:PORT" },
	[CONF_WEB_DIR] = { "web_dir", "SALESPM_WEB_DIR", "--web-dir", K_TEXT, 0, 0, NULL,
			   "(built in)", 0, "serve: the UI from this directory" },
	[CONF_THREADS] = { "threads", "SALESPM_THREADS", "--threads", K_INT, 1, 256, NULL,
			   "(one per core)", 0, "serve: worker threads" },
	[CONF_WAL_LIMIT] = { "wal_limit_mb", "SALESPM_WAL_LIMIT_MB", "--wal-limit", K_INT, 1, 65536,
			     NULL, "64", 0, "serve, SQLite: the write-ahead log's bound (MiB)" },
	[CONF_WEBHOOK_RETRY_BASE] = { "webhook_retry_base", "SALESPM_WEBHOOK_RETRY_BASE",
				      "--webhook-retry-base", K_INT, 1, 3600, NULL, "30", 0,
				      "serve: the unit of the webhook retries (seconds)" },
	[CONF_EVENTS_MAX] = { "events_max", "SALESPM_EVENTS_MAX", "--events-max", K_INT, 1, 100000,
			      NULL, "1000", 0, "serve: live event streams held in all" },
	[CONF_EVENTS_PER_USER] = { "events_per_user", "SALESPM_EVENTS_PER_USER", "--events-per-user",
				   K_INT, 1, 1000, NULL, "8", 0,
				   "serve: live event streams one user may hold" },
	[CONF_EVENTS_PING] = { "events_ping", "SALESPM_EVENTS_PING", "--events-ping", K_INT, 1, 3600,
			       NULL, "15", 0, "serve: a quiet stream's keep-alive (seconds)" },
	[CONF_LOG_FORMAT] = { "log_format", "SALESPM_LOG_FORMAT", "--log-format", K_CHOICE, 0, 0,
			      "logfmt|json", "logfmt", 0, "serve: the access log's lines" },
	[CONF_LOG_LEVEL] = { "log_level", "SALESPM_LOG_LEVEL", "--log-level", K_CHOICE, 0, 0,
			     "info|warn|error", "info", 0,
			     "serve: the requests logged: every one, or those answered 4xx and 5xx, "
			     "or 5xx" },
	[CONF_PUBLIC_URL] = { "public_url", "SALESPM_PUBLIC_URL", "--public-url", K_URL, 0, 0, NULL,
			      "(none)", 0, "serve: the address users open the UI at" },
	[CONF_TLS_CERT] = { "tls_cert", "SALESPM_TLS_CERT", "--tls-cert", K_FILE, 0, 0, NULL,
			    "(plain HTTP)", 0, "serve: HTTPS with this PEM certificate chain" },
	[CONF_TLS_KEY] = { "tls_key", "SALESPM_TLS_KEY", "--tls-key", K_FILE, 0, 0, NULL,
			   "(plain HTTP)", 0, "serve: ... and its private key" },
	[CONF_TRUST_PROXY] = { "trust_proxy", "SALESPM_TRUST_PROXY", "--trust-proxy", K_TEXT, 0, 0,
			       NULL, "(none)", 0,
			       "serve: proxies (addresses, networks) whose X-Forwarded-* count" },
	[CONF_BACKUP_DIR] = { "backup_dir", "SALESPM_BACKUP_DIR", "--dir", K_TEXT, 0, 0, NULL, "(none)",
			      0, "db backup: dated copies go here when no file is named" },
	[CONF_BACKUP_KEEP_DAYS] = { "backup_keep_days", "SALESPM_BACKUP_KEEP_DAYS", "--keep-days",
				    K_INT, 1, 36500, NULL, "(all kept)", 0,
				    "db backup: its dated copies older than this go" },
};

const char *conf_key_name(enum conf_key key)
{
	return settings[key].key;
}

const char *conf_key_env(enum conf_key key)
{
	return settings[key].env;
}

int conf_check_value(enum conf_key key, const char *value, char *why, size_t len)
{
	const struct setting *s = &settings[key];
	char *end;
	long long n;

	if (!*value) {
		snprintf(why, len, "%s is empty", s->key);
		return -1;
	}
	switch (s->kind) {
	case K_TEXT:
		return 0;
	case K_FILE: {
		FILE *f = fopen(value, "r");
		if (!f) {
			snprintf(why, len, "%s: cannot read %s: %s", s->key, value, strerror(errno));
			return -1;
		}
		fclose(f);
		return 0;
	}
	case K_INT:
		errno = 0;
		n = strtoll(value, &end, 10);
		if (errno || *end || n < s->lo || n > s->hi) {
			snprintf(why, len, "%s must be a whole number from %lld to %lld, not \"%s\"",
				 s->key, (long long)s->lo, (long long)s->hi, value);
			return -1;
		}
		return 0;
	case K_CHOICE: {
		const char *p = s->choices;
		size_t vl = strlen(value);
		while (p && *p) {
			const char *bar = strchr(p, '|');
			size_t l = bar ? (size_t)(bar - p) : strlen(p);
			if (l == vl && !strncmp(p, value, l))
				return 0;
			p = bar ? bar + 1 : NULL;
		}
		snprintf(why, len, "%s is one of %s, not \"%s\"", s->key, s->choices, value);
		return -1;
	}
	case K_URL: {
		int bad = strlen(value) > 500 ||
			  (strncmp(value, "http://", 7) && strncmp(value, "https://", 8));
		for (const char *p = value; *p && !bad; p++)
			bad = (unsigned char)*p <= ' ' || *p == 0x7f || *p == '"' || *p == '#';
		if (bad) {
			snprintf(why, len,
				 "%s must be an http:// or https:// URL (at most 500 bytes, no spaces "
				 "or #), not \"%.60s\"",
				 s->key, value);
			return -1;
		}
		return 0;
	}
	}
	return 0;
}

static void problem(struct conf *c, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(struct conf *c, int line, const char *fmt, ...)
{
	va_list ap;
	if (line)
		buf_addf(&c->problems, "%s:%d: ", c->path, line);
	va_start(ap, fmt);
	buf_vaddf(&c->problems, fmt, ap);
	va_end(ap);
	buf_addch(&c->problems, '\n');
	c->nproblems++;
}

/* How far apart two keys are (edits), for "did you mean". */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];
	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(size_t));
	}
	return prev[lb];
}

static char *trim(char *s)
{
	char *e;
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static void parse_line(struct conf *c, char *line, int no)
{
	char *eq, *key, *val, why[256];
	int k;

	line = trim(line);
	if (!*line || *line == '#')
		return;
	eq = strchr(line, '=');
	if (!eq) {
		problem(c, no, "\"%s\" is not a setting: write key = value", line);
		return;
	}
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	if (*val == '"') {
		size_t n = strlen(val);
		if (n < 2 || val[n - 1] != '"') {
			problem(c, no, "the value of %s opens a quote it does not close", key);
			return;
		}
		val[n - 1] = '\0';
		val++;
	}
	for (k = 0; k < CONF__COUNT && strcmp(settings[k].key, key); k++)
		;
	if (k == CONF__COUNT) {
		int best = -1;
		size_t bd = 3;
		for (int i = 0; i < CONF__COUNT; i++)
			if (distance(key, settings[i].key) < bd)
				bd = distance(key, settings[i].key), best = i;
		if (best >= 0)
			problem(c, no, "unknown setting \"%s\" (did you mean %s?)", key,
				settings[best].key);
		else
			problem(c, no, "unknown setting \"%s\" (`salespm config show` lists them)",
				key);
		return;
	}
	if (c->v[k].from == CONF_FROM_FILE) {
		problem(c, no, "%s is set again (first on line %d)", key, c->v[k].line);
		return;
	}
	if (conf_check_value((enum conf_key)k, val, why, sizeof(why))) {
		problem(c, no, "%s", why);
		return;
	}
	c->v[k].value = xstrdup(val);
	c->v[k].from = CONF_FROM_FILE;
	c->v[k].line = no;
}

int conf_load(struct conf *c, const char *path, struct err *err)
{
	const char *named = path ? path : getenv("SALESPM_CONFIG");
	struct buf text = BUF_INIT;
	struct stat sb;

	memset(c, 0, sizeof(*c));
	buf_init(&c->problems, 0);
	if (named && !*named)
		named = NULL;
	if (named || stat(CONF_DEFAULT_PATH, &sb) == 0) {
		const char *file = named ? named : CONF_DEFAULT_PATH;
		snprintf(c->path, sizeof(c->path), "%s", file);
		if (cli_read_file(file, &text, 1 << 20, err))
			return -1;
		{
			char *p = (char *)buf_cstr(&text);
			int no = 1;
			while (p && *p) {
				char *nl = strchr(p, '\n');
				if (nl)
					*nl = '\0';
				parse_line(c, p, no++);
				p = nl ? nl + 1 : NULL;
			}
		}
		buf_release(&text);
	}
	for (int k = 0; k < CONF__COUNT; k++) {
		const char *v = getenv(settings[k].env);
		char why[256];
		if (!v || !*v)
			continue;
		if (conf_check_value((enum conf_key)k, v, why, sizeof(why))) {
			problem(c, 0, "$%s: %s", settings[k].env, why);
			continue;
		}
		free(c->v[k].value);
		c->v[k].value = xstrdup(v);
		c->v[k].from = CONF_FROM_ENV;
	}
	return 0;
}

void conf_release(struct conf *c)
{
	for (int k = 0; k < CONF__COUNT; k++)
		free(c->v[k].value);
	buf_release(&c->problems);
}

const char *conf_get(const struct conf *c, enum conf_key key)
{
	return c->v[key].value;
}

int64_t conf_int(const struct conf *c, enum conf_key key, int64_t def)
{
	return c->v[key].value ? strtoll(c->v[key].value, NULL, 10) : def;
}

void conf_set_flag(struct conf *c, enum conf_key key, const char *value)
{
	if (!value)
		return;
	free(c->v[key].value);
	c->v[key].value = xstrdup(value);
	c->v[key].from = CONF_FROM_FLAG;
	c->v[key].line = 0;
}

/* value as config show prints it: a password in a URI's user part masked */
static void masked(const char *value, int secret, char *out, size_t len)
{
	const char *scheme = strstr(value, "://"), *at, *colon;
	snprintf(out, len, "%s", value);
	if (!secret || !scheme)
		return;
	at = strchr(scheme + 3, '@');
	colon = strchr(scheme + 3, ':');
	if (at && colon && colon < at)
		snprintf(out, len, "%.*s:****%s", (int)(colon - value), value, at);
	{
		/* a password=... parameter of the URI too */
		char *pw = strstr(out, "password=");
		if (pw) {
			char *end = pw + strlen("password=");
			size_t rest = strcspn(end, "&");
			memmove(end + 4, end + rest, strlen(end + rest) + 1);
			memcpy(end, "****", 4);
		}
	}
}

/* --- the commands ----------------------------------------------------------------- */

static int cmd_config_check(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	const char *pos[1];
	struct conf cf;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 0, 1, &npos, err))
		return -1;
	if (conf_load(&cf, npos ? pos[0] : c->config_path, err))
		return -1;
	if (!cf.path[0] && !cf.nproblems) {
		printf("no configuration file (%s does not exist): the defaults, the environment and "
		       "the flags apply\n",
		       CONF_DEFAULT_PATH);
	} else if (!cf.nproblems) {
		printf("%s: no problems\n", cf.path[0] ? cf.path : "the environment");
	} else {
		fputs(buf_cstr(&cf.problems), stderr);
		err_set(err, ERR_INVALID, "config", "config_invalid:count",
			"%d problem%s in the configuration", cf.nproblems,
			cf.nproblems == 1 ? "" : "s");
		conf_release(&cf);
		return -1;
	}
	conf_release(&cf);
	return 0;
}

static int cmd_config_show(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	const char *pos[1];
	struct conf cf;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 0, 0, &npos, err))
		return -1;
	if (conf_load(&cf, c->config_path, err))
		return -1;
	if (c->db_flag)
		conf_set_flag(&cf, CONF_DATABASE, c->db_flag);
	if (cf.nproblems) {
		fputs(buf_cstr(&cf.problems), stderr);
		err_set(err, ERR_INVALID, "config", "config_invalid:count",
			"%d problem%s in the configuration (see `salespm config check`)",
			cf.nproblems, cf.nproblems == 1 ? "" : "s");
		conf_release(&cf);
		return -1;
	}
	if (!c->json)
		printf("# file: %s\n", cf.path[0] ? cf.path : "(none)");
	{
		struct buf b = BUF_INIT;
		struct jw w;
		if (c->json) {
			jw_init(&w, &b);
			jw_obj(&w);
			jw_key(&w, "file");
			jw_str(&w, cf.path[0] ? cf.path : NULL);
			jw_key(&w, "settings");
			jw_arr(&w);
		}
		for (int k = 0; k < CONF__COUNT; k++) {
			const struct setting *s = &settings[k];
			const char *v = cf.v[k].value;
			char shown[1024], from[4200];
			masked(v ? v : s->def, v && s->secret, shown, sizeof(shown));
			switch (cf.v[k].from) {
			case CONF_FROM_FILE:
				snprintf(from, sizeof(from), "%s:%d", cf.path, cf.v[k].line);
				break;
			case CONF_FROM_ENV:
				snprintf(from, sizeof(from), "$%s", s->env);
				break;
			case CONF_FROM_FLAG:
				snprintf(from, sizeof(from), "%s", s->flag);
				break;
			default:
				snprintf(from, sizeof(from), "default");
			}
			if (c->json) {
				jw_obj(&w);
				jw_key(&w, "key");
				jw_str(&w, s->key);
				jw_key(&w, "value");
				jw_str(&w, v ? shown : NULL);
				jw_key(&w, "default");
				jw_str(&w, s->def);
				jw_key(&w, "from");
				jw_str(&w, from);
				jw_key(&w, "env");
				jw_str(&w, s->env);
				jw_obj_end(&w);
			} else {
				printf("%s = %s%s  # %s; %s\n", s->key, v ? "" : "# ", shown, from,
				       s->help);
			}
		}
		if (c->json) {
			jw_arr_end(&w);
			jw_obj_end(&w);
			cli_print_json(&b);
			buf_release(&b);
		}
	}
	conf_release(&cf);
	return 0;
}

const struct cli_command cli_config_cmds[] = {
	{ "config", "check", cmd_config_check, CLI_NEEDS_NOTHING,
	  "check the configuration file and the environment: each problem with its line",
	  "config check [FILE]",
	  "  FILE    the file to check (default --config, $SALESPM_CONFIG, else\n"
	  "          /etc/salespm/salespm.conf); the SALESPM_* variables are checked too.\n"
	  "  Exit 65 when anything is wrong, each problem on stderr as FILE:LINE: what.",
	  "salespm config check /etc/salespm/salespm.conf" },
	{ "config", "show", cmd_config_show, CLI_NEEDS_NOTHING,
	  "the configuration in force, each setting with where it comes from, secrets masked",
	  "config show",
	  "  Each setting: the file's line, then its SALESPM_* variable, then the flag win in\n"
	  "  that order over the default; a database password is shown as ****.",
	  "salespm config show" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL },
};
