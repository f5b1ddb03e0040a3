/*
 * serve_cmd.c - the `salespm serve` command. It lives beside the server
 * (http may use cli's headers, not the other way round) and is listed in
 * src/main.c's command table like every other noun's commands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

#include "cli/cli.h"
#include "cli/conf.h"
#include "core/entity.h"
#include "http/server.h"
#include "base/banned.h"

/* An optional whole-number option within [lo, hi] into *out; a usage error naming it. */
static int serve_bound(struct cli_opt *opts, const char *name, int64_t lo, int64_t hi, int *out,
		       struct err *err)
{
	int64_t n;

	if (!cli_opt(opts, name))
		return 0;
	if (cli_int(cli_opt(opts, name), name, &n, err) || n < lo || n > hi) {
		err_clear(err);
		return err_set(err, ERR_USAGE, name, "usage", "--%s must be %lld to %lld", name,
			       (long long)lo, (long long)hi);
	}
	*out = (int)n;
	return 0;
}

static int cmd_serve(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "listen", 0, OPT_VALUE },
				  { "web-dir", 0, OPT_VALUE },
				  { "threads", 0, OPT_VALUE },
				  { "wal-limit", 0, OPT_VALUE },
				  { "webhook-retry-base", 0, OPT_VALUE },
				  { "public-url", 0, OPT_VALUE },
				  { "events-max", 0, OPT_VALUE },
				  { "events-per-user", 0, OPT_VALUE },
				  { "events-ping", 0, OPT_VALUE },
				  { "log-format", 0, OPT_VALUE },
				  { "log-level", 0, OPT_VALUE },
				  { "tls-cert", 0, OPT_VALUE },
				  { "tls-key", 0, OPT_VALUE },
				  { "trust-proxy", 0, OPT_VALUE },
				  { "print-routes", 0, OPT_FLAG },
				  { "print-openapi", 0, OPT_FLAG },
				  { "print-entities", 0, OPT_FLAG },
				  { NULL, 0, 0 } };
	struct http_options o = { 0 };
	const char *pos[1];
	int64_t n;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 0, 0, &npos, err))
		return -1;
	/* Hidden: the route table, for tests and docs. */
	if (cli_optp(opts, "print-routes")->set) {
		http_print_routes(stdout);
		return 0;
	}
	/* Hidden: the API document (make openapi writes docs/openapi.json with it). */
	if (cli_optp(opts, "print-openapi")->set) {
		size_t len;
		const char *doc = api_openapi(&len);
		if (*api_openapi_missing())
			return err_set(err, ERR_INTERNAL, NULL, "openapi_missing:routes",
				       "routes without an entry in src/api/openapi-routes.json:\n%s",
				       api_openapi_missing());
		if (!doc)
			return err_set(err, ERR_INTERNAL, NULL, "internal", "the API document could not be built");
		fwrite(doc, 1, len, stdout);
		fputc('\n', stdout);
		return 0;
	}
	/* Hidden: the nouns' descriptions, as GET /api/v1/entities answers (for tests). */
	if (cli_optp(opts, "print-entities")->set) {
		struct buf b;
		struct jw w;

		buf_init(&b, 0);
		jw_init(&w, &b);
		entity_describe_all(&w);
		fwrite(b.p, 1, b.len, stdout);
		fputc('\n', stdout);
		buf_release(&b);
		return 0;
	}
	o.db_path = c->db_path;
	o.listen = cli_opt(opts, "listen");
	o.web_dir = cli_opt(opts, "web-dir");
	if (cli_opt(opts, "threads")) {
		if (cli_int(cli_opt(opts, "threads"), "threads", &n, err))
			return -1;
		if (n < 1 || n > 256)
			return err_set(err, ERR_USAGE, "threads", "usage", "--threads must be 1 to 256");
		o.threads = (int)n;
	}
	if (cli_opt(opts, "wal-limit")) {
		/* a word or a number out of range: the same usage error, naming the option */
		if (cli_int(cli_opt(opts, "wal-limit"), "wal-limit", &n, err) || n < 1 || n > 65536) {
			err_clear(err);
			return err_set(err, ERR_USAGE, "wal-limit", "usage",
				       "--wal-limit must be 1 to 65536 (MiB)");
		}
		o.wal_limit_mb = (int)n;
	}
	if (cli_opt(opts, "webhook-retry-base")) {
		if (cli_int(cli_opt(opts, "webhook-retry-base"), "webhook-retry-base", &n, err) ||
		    n < 1 || n > 3600) {
			err_clear(err);
			return err_set(err, ERR_USAGE, "webhook-retry-base", "usage",
				       "--webhook-retry-base must be 1 to 3600 (seconds)");
		}
		o.webhook_retry_base = n;
	}
	if (cli_opt(opts, "log-format")) {
		const char *f = cli_opt(opts, "log-format");
		if (strcmp(f, "logfmt") && strcmp(f, "json"))
			return err_set(err, ERR_USAGE, "log-format", "usage",
				       "--log-format is logfmt or json, not \"%s\"", f);
		o.log_json = !strcmp(f, "json");
	}
	{
		/* the level: a flag, else the configuration's (checked there) */
		const char *lv = cli_opt(opts, "log-level");
		if (!lv && c->conf)
			lv = conf_get(c->conf, CONF_LOG_LEVEL);
		if (lv && strcmp(lv, "info") && strcmp(lv, "warn") && strcmp(lv, "error"))
			return err_set(err, ERR_USAGE, "log-level", "usage",
				       "--log-level is info, warn or error, not \"%s\"", lv);
		o.log_min_status = !lv || !strcmp(lv, "info") ? 0 : !strcmp(lv, "warn") ? 400 : 500;
	}
	if ((o.public_url = cli_opt(opts, "public-url"))) {
		/* the configuration file's rule for public_url, one for both */
		char why[200];
		if (conf_check_value(CONF_PUBLIC_URL, o.public_url, why, sizeof(why)))
			return err_set(err, ERR_USAGE, "public-url", "usage", "%s (--public-url)", why);
	}
	if (serve_bound(opts, "events-max", 1, 100000, &o.events_max, err) ||
	    serve_bound(opts, "events-per-user", 1, 1000, &o.events_per_user, err) ||
	    serve_bound(opts, "events-ping", 1, 3600, &o.events_ping, err))
		return -1;
	o.tls_cert = cli_opt(opts, "tls-cert");
	o.tls_key = cli_opt(opts, "tls-key");
	o.trust_proxy = cli_opt(opts, "trust-proxy");
	if (c->conf) {
		/* what no flag gave: the environment's, else the configuration file's (checked) */
		const struct conf *cf = c->conf;
		if (!o.listen)
			o.listen = conf_get(cf, CONF_LISTEN);
		if (!o.web_dir)
			o.web_dir = conf_get(cf, CONF_WEB_DIR);
		if (!o.threads)
			o.threads = (int)conf_int(cf, CONF_THREADS, 0);
		if (!o.wal_limit_mb)
			o.wal_limit_mb = (int)conf_int(cf, CONF_WAL_LIMIT, 0);
		if (!o.webhook_retry_base)
			o.webhook_retry_base = conf_int(cf, CONF_WEBHOOK_RETRY_BASE, 0);
		if (!o.events_max)
			o.events_max = (int)conf_int(cf, CONF_EVENTS_MAX, 0);
		if (!o.events_per_user)
			o.events_per_user = (int)conf_int(cf, CONF_EVENTS_PER_USER, 0);
		if (!o.events_ping)
			o.events_ping = (int)conf_int(cf, CONF_EVENTS_PING, 0);
		if (!cli_opt(opts, "log-format") && conf_get(cf, CONF_LOG_FORMAT))
			o.log_json = !strcmp(conf_get(cf, CONF_LOG_FORMAT), "json");
		if (!o.public_url)
			o.public_url = conf_get(cf, CONF_PUBLIC_URL);
		if (!o.tls_cert)
			o.tls_cert = conf_get(cf, CONF_TLS_CERT);
		if (!o.tls_key)
			o.tls_key = conf_get(cf, CONF_TLS_KEY);
		if (!o.trust_proxy)
			o.trust_proxy = conf_get(cf, CONF_TRUST_PROXY);
	}
	return http_serve(&o, err);
}

const struct cli_command cli_serve_cmds[] = {
	{ "serve", NULL, cmd_serve, CLI_NEEDS_NOTHING,
	  "run the HTTP server: the JSON API under /api/v1/ and the web UI",
	  "serve [--listen 127.0.0.1:8080] [--web-dir DIR] [--threads N] [--wal-limit MIB]\n"
	  "      [--webhook-retry-base SECONDS] [--events-max N] [--events-per-user N]\n"
	  "      [--events-ping SECONDS] [--log-format logfmt|json] [--log-level info|warn|error]\n"
	  "      [--public-url URL]\n"
	  "      [--tls-cert FILE --tls-key FILE] [--trust-proxy ADDR[,ADDR...]]",
	  "  --listen HOST:PORT   the address to listen on (default 127.0.0.1:8080;\n"
	  "                       [::1]:8080 for IPv6, port 0 picks a free port)\n"
	  "  --web-dir DIR        serve the UI from DIR instead of the copy built in\n"
	  "                       (for UI development)\n"
	  "  --threads N          worker threads (default one per core)\n"
	  "  --wal-limit MIB      SQLite: the size the write-ahead log (FILE-wal) is kept\n"
	  "                       to under any load (default 64); its frames are copied\n"
	  "                       into the database from an eighth of it on\n"
	  "  --webhook-retry-base SECONDS  the unit of the webhook retries (default 30):\n"
	  "                       a failed delivery is tried again after 1, 4, 20, 120\n"
	  "                       and 720 times it, then marked failed\n"
	  "  --events-max N       live event streams (GET /api/v1/events) held in all\n"
	  "                       (default 1000; 503 beyond)\n"
	  "  --events-per-user N  live event streams one user may hold (default 8; 429 beyond)\n"
	  "  --events-ping SECONDS  a quiet stream's keep-alive comment line (default 15)\n"
	  "  --log-format F       the access log on stderr, one line per request: logfmt\n"
	  "                       (default) or json; each line names the request's id, also\n"
	  "                       sent back as X-Request-Id but on a kept (cached) answer\n"
	  "                       (a proxy's own id is kept)\n"
	  "  --log-level L        info (default): every request; warn: those answered 4xx or\n"
	  "                       5xx; error: 5xx only\n"
	  "  --public-url URL     the address users open the UI at (https://sales.example.com):\n"
	  "                       the group robots' messages link to the records under it;\n"
	  "                       without it they carry no link\n"
	  "  --tls-cert FILE      HTTPS: the PEM certificate chain (leaf first); with --tls-key\n"
	  "  --tls-key FILE       its unencrypted PEM key. TLS 1.2 and 1.3, AEAD ciphers;\n"
	  "                       HSTS and Secure cookies; SIGHUP reads both files again\n"
	  "  --trust-proxy LIST   addresses or networks (10.0.0.0/8, ::1) of reverse proxies:\n"
	  "                       their X-Forwarded-For names the client, and their\n"
	  "                       X-Forwarded-Proto https makes cookies Secure; from anyone\n"
	  "                       else those headers are ignored\n"
	  "Each option may also be set in the configuration file (salespm config show lists\n"
	  "the settings: listen, threads, log_format...) or its SALESPM_* variable; a flag wins.\n"
	  "Health: GET /livez, GET /readyz; Prometheus metrics: GET /metrics.\n"
	  "Stops on SIGINT or SIGTERM after answering the requests in flight.",
	  "salespm --db sales.db serve --listen 0.0.0.0:8080" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
