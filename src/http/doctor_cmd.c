/*
 * doctor_cmd.c - `salespm doctor`: what an operator checks before and after
 * an install, each with what to do about it: the configuration, the
 * database (reachable, consistent, its schema), its file's permissions and
 * the disk it is on, the workspace's time zone, the TLS certificate, the
 * listen address, the last backup. It lives beside the server (like
 * serve_cmd.c) as it checks the server's TLS files and address.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "base/date.h"
#include "cli/cli.h"
#include "cli/conf.h"
#include "core/workspace.h"
#include "http/server.h"
#include "http/tls.h"
#include "base/banned.h"

enum verdict { OK, WARN, FAIL };
static const char *const verdict_names[] = { "ok", "warn", "fail" };

struct report {
	struct buf text;
	struct jw w;
	struct buf json;
	int json_on;
	int worst;
};

static void say(struct report *r, enum verdict v, const char *check, const char *what,
		const char *todo)
{
	if ((int)v > r->worst)
		r->worst = (int)v;
	if (r->json_on) {
		jw_obj(&r->w);
		jw_kstr(&r->w, "check", check);
		jw_kstr(&r->w, "result", verdict_names[v]);
		jw_kstr(&r->w, "detail", what);
		jw_kstr(&r->w, "todo", todo && *todo ? todo : NULL);
		jw_obj_end(&r->w);
	} else {
		buf_addf(&r->text, "%-4s  %-12s %s\n", v == OK ? "ok" : v == WARN ? "WARN" : "FAIL",
			 check, what);
		if (todo && *todo)
			buf_addf(&r->text, "      %-12s -> %s\n", "", todo);
	}
}

/* A SQLite database's file: its mode (not readable by others) and the disk it is on. */
static void check_file(struct report *r, const char *path)
{
	struct stat sb;
	struct statvfs vfs;
	char what[5000], dir[4096], todo[5000];
	char *slash;

	if (stat(path, &sb)) {
		snprintf(what, sizeof(what), "cannot stat %s: %s", path, strerror(errno));
		say(r, FAIL, "permissions", what, "check the path and its directory's permissions");
		return;
	}
	if (sb.st_mode & (S_IROTH | S_IWOTH)) {
		snprintf(what, sizeof(what), "%s is %s by every user (mode %03o)", path,
			 sb.st_mode & S_IWOTH ? "writable" : "readable", (unsigned)(sb.st_mode & 0777));
		snprintf(todo, sizeof(todo), "chmod 640 %s (the service's user and group only)", path);
		say(r, WARN, "permissions", what, todo);
	} else {
		snprintf(what, sizeof(what), "%s mode %03o, owner uid %u", path,
			 (unsigned)(sb.st_mode & 0777), (unsigned)sb.st_uid);
		say(r, OK, "permissions", what, NULL);
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	if (!statvfs(dir, &vfs)) {
		double free_b = (double)vfs.f_bavail * (double)vfs.f_frsize;
		double total = (double)vfs.f_blocks * (double)vfs.f_frsize;
		double share = total > 0 ? free_b / total : 0;
		/* a day of writes and a copy of the database must fit */
		int low = free_b < 2.0 * (double)sb.st_size + 512.0 * 1024 * 1024 || share < 0.05;
		snprintf(what, sizeof(what), "%.1f GiB free of %.1f GiB on %s (%.0f%%); the database "
					     "is %.1f MiB",
			 free_b / 1073741824.0, total / 1073741824.0, dir, share * 100,
			 (double)sb.st_size / 1048576.0);
		say(r, low ? WARN : OK, "disk", what,
		    low ? "free space: a backup copy needs as much as the database, and an upgrade "
			  "writes one"
			: NULL);
	}
}

static void check_tls(struct report *r, const struct conf *cf)
{
	const char *cert = cf ? conf_get(cf, CONF_TLS_CERT) : NULL;
	const char *key = cf ? conf_get(cf, CONF_TLS_KEY) : NULL;
	char subject[4400], what[5000], when[TS_FMT_MAX];
	struct err err = { 0 };
	int64_t expires = 0, left;

	if (!cert && !key) {
		say(r, OK, "tls", "not configured: plain HTTP (behind a proxy that does TLS, or on "
				  "127.0.0.1 only)",
		    NULL);
		return;
	}
	if (!cert || !key) {
		say(r, FAIL, "tls", "only one of tls_cert and tls_key is set",
		    "set both, or neither");
		return;
	}
	if (tls_check(cert, key, subject, sizeof(subject), &expires, &err)) {
		say(r, FAIL, "tls", err.msg, "fix the file named; serve refuses to start on it");
		return;
	}
	ts_format(expires, when);
	left = (expires - (int64_t)time(NULL)) / 86400;
	snprintf(what, sizeof(what), "%s, valid until %s (%lld days)", subject, when,
		 (long long)left);
	if (expires < (int64_t)time(NULL))
		say(r, FAIL, "tls", what, "renew the certificate, then systemctl reload salespm");
	else if (left < 14)
		say(r, WARN, "tls", what, "renew the certificate soon, then systemctl reload salespm");
	else
		say(r, OK, "tls", what, NULL);
	{
		struct stat sb;
		if (!stat(key, &sb) && (sb.st_mode & (S_IROTH | S_IWOTH))) {
			snprintf(what, sizeof(what), "the key %s is readable by every user (mode %03o)",
				 key, (unsigned)(sb.st_mode & 0777));
			snprintf(subject, sizeof(subject), "chmod 640 %s (root and the salespm group)",
				 key);
			say(r, FAIL, "tls", what, subject);
		}
	}
}

/* The listen address: free (or a salespm answering on it already). */
static void check_listen(struct report *r, const struct conf *cf)
{
	const char *listen = cf && conf_get(cf, CONF_LISTEN) ? conf_get(cf, CONF_LISTEN)
							     : "127.0.0.1:8080";
	char what[5000];
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	struct err e = { 0 };
	int fd;

	/* the server's own reading of the address, so doctor judges what serve would bind */
	if (http_parse_listen(listen, &ss, &len, &e)) {
		snprintf(what, sizeof(what), "%s", e.msg);
		say(r, FAIL, "listen", what, "listen = 127.0.0.1:8080 (or [::1]:8080, 0.0.0.0:443)");
		return;
	}
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		return;
	{
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	}
	if (bind(fd, (struct sockaddr *)&ss, len) == 0) {
		snprintf(what, sizeof(what), "%s is free to listen on", listen);
		say(r, OK, "listen", what, NULL);
	} else if (errno == EADDRINUSE) {
		snprintf(what, sizeof(what), "%s is taken (by the service itself when it runs)",
			 listen);
		say(r, WARN, "listen", what,
		    "systemctl status salespm; if another program holds it, change listen");
	} else if (errno == EACCES) {
		snprintf(what, sizeof(what), "%s needs a privilege to bind: %s", listen,
			 strerror(errno));
		say(r, WARN, "listen", what,
		    "the service unit grants CAP_NET_BIND_SERVICE; by hand, use a port above 1023");
	} else {
		snprintf(what, sizeof(what), "cannot listen on %s: %s", listen, strerror(errno));
		say(r, FAIL, "listen", what, "an address of this machine, e.g. 127.0.0.1:8080");
	}
	close(fd);
}

/* The newest dated copy in backup_dir: a day old at most. */
static void check_backups(struct report *r, const struct conf *cf)
{
	const char *dir = cf ? conf_get(cf, CONF_BACKUP_DIR) : NULL;
	char what[5000];
	time_t newest = 0;
	DIR *d;
	struct dirent *e;
	int n = 0;

	if (!dir) {
		say(r, WARN, "backups", "no backup_dir configured: nothing shows copies are made",
		    "set backup_dir and enable salespm-backup.timer (or your own schedule)");
		return;
	}
	if (!(d = opendir(dir))) {
		snprintf(what, sizeof(what), "cannot read %s: %s", dir, strerror(errno));
		say(r, FAIL, "backups", what, "create it, writable by the salespm user");
		return;
	}
	while ((e = readdir(d)) != NULL) {
		struct stat sb;
		char path[4400];
		if (strncmp(e->d_name, "salespm-", 8))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!stat(path, &sb) && S_ISREG(sb.st_mode)) {
			n++;
			if (sb.st_mtime > newest)
				newest = sb.st_mtime;
		}
	}
	closedir(d);
	if (!n) {
		snprintf(what, sizeof(what), "no copy in %s yet", dir);
		say(r, WARN, "backups", what, "salespm db backup (or systemctl start salespm-backup)");
		return;
	}
	snprintf(what, sizeof(what), "%d cop%s in %s, the newest %.1f hours old", n,
		 n == 1 ? "y" : "ies", dir, (double)(time(NULL) - newest) / 3600.0);
	say(r, time(NULL) - newest > 36 * 3600 ? WARN : OK, "backups", what,
	    time(NULL) - newest > 36 * 3600 ? "the nightly copy is late: systemctl status "
					      "salespm-backup.timer"
					    : NULL);
}

static int cmd_doctor(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	const char *pos[1];
	struct report r = { .text = BUF_INIT, .json = BUF_INIT };
	struct store *st;
	char what[5000];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 0, 0, &npos, err))
		return -1;
	r.json_on = c->json;
	if (r.json_on) {
		jw_init(&r.w, &r.json);
		jw_obj(&r.w);
		jw_key(&r.w, "checks");
		jw_arr(&r.w);
	}
	if (c->conf && c->conf->path[0]) {
		snprintf(what, sizeof(what), "%s read without a problem", c->conf->path);
		say(&r, OK, "config", what, NULL);
	} else {
		say(&r, OK, "config", "no configuration file: the defaults, the environment and the "
				      "flags",
		    NULL);
	}
	st = store_open_as_is(c->db_path, err);
	if (!st) {
		snprintf(what, sizeof(what), "%s: %s", c->db_path, err->msg);
		say(&r, FAIL, "database", what,
		    err->code == ERR_NOT_FOUND ? "salespm init, or set database in the configuration"
					       : "check the database's address, that it runs, "
						 "and the user's rights");
		err_clear(err);
	} else {
		int64_t have = 0;
		int known = 0;
		struct buf names = BUF_INIT, check = BUF_INIT;
		struct workspace ws;
		if (store_pending(st, &have, &known, &names, err)) {
			say(&r, FAIL, "schema", err->msg, "upgrade salespm, or restore a copy");
			err_clear(err);
		} else if (names.len) {
			snprintf(what, sizeof(what), "at %lld; this salespm brings it to %d", (long long)have,
				 known);
			say(&r, WARN, "schema", what,
			    "salespm db migrate (a copy is kept first); --dry-run lists the steps");
		} else {
			snprintf(what, sizeof(what), "%lld, the latest", (long long)have);
			say(&r, OK, "schema", what, NULL);
		}
		if (store_check(st, &check, err)) {
			snprintf(what, sizeof(what), "%s (%s): %s", c->db_path, store_backend(st),
				 err->msg[0] ? err->msg : buf_cstr(&check));
			say(&r, FAIL, "database", what,
			    "salespm db check for every problem; restore the last good copy");
			err_clear(err);
		} else {
			snprintf(what, sizeof(what), "%s (%s) reachable, integrity and foreign keys "
						     "checked",
				 c->db_path, store_backend(st));
			say(&r, OK, "database", what, NULL);
		}
		if (!names.len && !workspace_load(st, &ws, err)) {
			int tz_ok = timezone_valid(ws.timezone);
			snprintf(what, sizeof(what), "the workspace's time zone %s%s", ws.timezone,
				 tz_ok ? "" : " is not in this system's time zone database");
			say(&r, tz_ok ? OK : FAIL, "timezone", what,
			    tz_ok ? NULL
				  : "apt install tzdata; or salespm workspace update --timezone");
		} else {
			err_clear(err);
		}
		if (!strcmp(store_backend(st), "sqlite"))
			check_file(&r, c->db_path);
		buf_release(&names);
		buf_release(&check);
		store_free(st);
	}
	check_tls(&r, c->conf);
	check_listen(&r, c->conf);
	check_backups(&r, c->conf);
	if (r.json_on) {
		jw_arr_end(&r.w);
		jw_kstr(&r.w, "result", verdict_names[r.worst]);
		jw_obj_end(&r.w);
		cli_print_json(&r.json);
	} else {
		fputs(buf_cstr(&r.text), stdout);
	}
	buf_release(&r.text);
	buf_release(&r.json);
	if (r.worst == FAIL) {
		c->reported = 1;
		return err_set(err, ERR_INTERNAL, NULL, "doctor_failed",
			       "a check failed: see its line");
	}
	return 0;
}

const struct cli_command cli_doctor_cmds[] = {
	{ "doctor", NULL, cmd_doctor, CLI_NEEDS_NOTHING,
	  "check the installation: configuration, database, schema, files, disk, TLS, listen "
	  "address, backups",
	  "doctor",
	  "  One line a check: ok, WARN or FAIL, and for each that is not ok what to do.\n"
	  "  Exit 1 when a check fails (warnings do not).",
	  "salespm --config /etc/salespm/salespm.conf doctor" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL },
};
