/*
 * workspace.c - workspace settings and initialisation.
 */
#include "core/workspace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/buf.h"
#include "base/jw.h"
#include "core/tx.h"
#include "core/user.h"
#include "base/banned.h"

static const char SQL_SETTING_GET[] = "SELECT value FROM settings WHERE key = ?";
static const char SQL_SETTING_PUT[] =
	"INSERT INTO settings (key, value) VALUES (?, ?) "
	"ON CONFLICT (key) DO UPDATE SET value = excluded.value";

static int setting_put(struct store *st, const char *key, const char *value, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_SETTING_PUT, err);
	int rc;
	if (!s)
		return -1;
	store_bind_text(st, s, 1, key);
	store_bind_text(st, s, 2, value);
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static int setting_get(struct store *st, const char *key, char *out, size_t outlen,
		       struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_SETTING_GET, err);
	int rc;
	if (!s)
		return -1;
	store_bind_text(st, s, 1, key);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		snprintf(out, outlen, "%s", store_col_text(st, s, 0));
	else
		out[0] = '\0';
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int timezone_valid(const char *tz)
{
	char path[256];
	struct stat sb;
	if (!tz || !*tz || strstr(tz, "..") || tz[0] == '/')
		return 0;
	if (!strcmp(tz, "UTC"))
		return 1;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static int currency_valid(const char *c)
{
	return c && strlen(c) == 3 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' &&
	       c[2] >= 'A' && c[2] <= 'Z';
}

static void settings_json(struct buf *b, const char *name, const char *currency,
			  const char *timezone)
{
	struct jw w;
	jw_init(&w, b);
	jw_obj(&w);
	jw_kstr(&w, "name", name);
	jw_kstr(&w, "currency", currency);
	jw_kstr(&w, "timezone", timezone);
	jw_obj_end(&w);
}

int workspace_init(struct store *st, const struct workspace_input *in, struct err *err)
{
	struct tx tx;
	struct user u;
	struct user_input ui = { 0 };
	const struct actor founder = { NO_ID, ROLE_ADMIN, "" };
	struct buf after = BUF_INIT;
	char have[64];
	const char *currency = in->currency ? in->currency : "CNY";
	const char *timezone = in->timezone ? in->timezone : "Asia/Shanghai";
	const char *name = in->name ? in->name : "salespm";
	int r = -1;

	if (!currency_valid(currency))
		return err_set(err, ERR_INVALID, "currency", "bad_currency:value",
			       "\"%s\" is not an ISO 4217 currency code (e.g. CNY, USD)", currency);
	if (!timezone_valid(timezone))
		return err_set(err, ERR_INVALID, "timezone", "bad_timezone:value",
			       "\"%s\" is not a known time zone (e.g. Asia/Shanghai, UTC)",
			       timezone);
	if (setting_get(st, "currency", have, sizeof(have), err))
		return -1;
	if (have[0])
		return err_set(err, ERR_CONFLICT, "db", "workspace_exists", "this database already holds a workspace");
	if (tx_begin(&tx, st, NULL, err))
		return -1;
	if (setting_put(st, "name", name, err) || setting_put(st, "currency", currency, err) ||
	    setting_put(st, "timezone", timezone, err) ||
	    setting_put(st, "admin", in->admin ? in->admin : "admin", err))
		goto out;
	ui.login = in->admin ? in->admin : "admin";
	ui.name = in->admin_name ? in->admin_name : "Administrator";
	ui.role = "admin";
	ui.password = in->password;
	/* the first admin is made by the workspace itself, inside its transaction */
	if (user_create(st, &founder, &ui, &u, err))
		goto out;
	settings_json(&after, name, currency, timezone);
	if (tx_audit(&tx, "workspace", NO_ID, "init", NULL, buf_cstr(&after), err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	buf_release(&after);
	return r;
}

int workspace_load(struct store *st, struct workspace *out, struct err *err)
{
	if (setting_get(st, "currency", out->currency, sizeof(out->currency), err) ||
	    setting_get(st, "timezone", out->timezone, sizeof(out->timezone), err) ||
	    setting_get(st, "name", out->name, sizeof(out->name), err) ||
	    setting_get(st, "admin", out->admin, sizeof(out->admin), err))
		return -1;
	if (!out->currency[0])
		return err_set(err, ERR_NOT_FOUND, "db", "no_workspace",
			       "the database holds no workspace yet (run `salespm init`)");
	/*
	 * The process keeps the workspace's zone as its local zone (date_today()).
	 * Only a change touches the environment, so the many loads of a running
	 * server never race with another thread's localtime_r().
	 */
	{
		const char *tz = getenv("TZ");
		if (!tz || strcmp(tz, out->timezone)) {
			setenv("TZ", out->timezone, 1);
			tzset();
		}
	}
	return 0;
}

int workspace_currency(struct store *st, char *out, size_t size, struct err *err)
{
	if (setting_get(st, "currency", out, size, err))
		return -1;
	if (!out[0])
		return err_set(err, ERR_NOT_FOUND, "db", "no_workspace",
			       "the database holds no workspace yet (run `salespm init`)");
	return 0;
}

int workspace_update(struct store *st, const struct actor *a, const char *name,
		     const char *currency, const char *timezone, struct err *err)
{
	struct workspace ws;
	struct buf before = BUF_INIT, after = BUF_INIT;
	struct tx tx;
	char tmp[128];
	int r = -1;

	if (require_role(a, ROLE_ADMIN, "changing workspace settings", err))
		return -1;
	if (currency && !currency_valid(currency))
		return err_set(err, ERR_INVALID, "currency", "bad_currency:value",
			       "\"%s\" is not an ISO 4217 currency code (e.g. CNY, USD)", currency);
	if (timezone && !timezone_valid(timezone))
		return err_set(err, ERR_INVALID, "timezone", "bad_timezone:value", "\"%s\" is not a known time zone",
			       timezone);
	if (name && text_field(tmp, sizeof(tmp), name, 1, 0, "name", err))
		return -1;
	if (workspace_load(st, &ws, err))
		return -1;
	if (tx_begin(&tx, st, a, err))
		return -1;
	settings_json(&before, ws.name, ws.currency, ws.timezone);
	if ((name && setting_put(st, "name", name, err)) ||
	    (currency && setting_put(st, "currency", currency, err)) ||
	    (timezone && setting_put(st, "timezone", timezone, err)))
		goto out;
	settings_json(&after, name ? name : ws.name, currency ? currency : ws.currency,
		      timezone ? timezone : ws.timezone);
	if (tx_audit(&tx, "workspace", NO_ID, "update", buf_cstr(&before), buf_cstr(&after), err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	buf_release(&before);
	buf_release(&after);
	return r;
}
