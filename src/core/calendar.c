/*
 * calendar.c - the per-user iCalendar feed (GET /api/v1/calendar/{token}.ics,
 * its link managed at /api/v1/me/calendar: api/calendar.c; table
 * calendar_feeds in store/schema/023-meetings.sql). The link's secret is its
 * credential, so only its hash is stored, as for API tokens (core/auth.c).
 * The feed is read from the tables at each request, joined with the user's
 * memberships as they are then, so leaving a project takes its items away.
 * Timed items are UTC date-times, all-day ones DATE values (an end is the
 * day after, exclusive); each event's UID is its kind and id, its DTSTAMP the
 * record's last change, so a calendar sees the same event change in place.
 */
#include "core/calendar.h"

#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/ical.h"
#include "core/engagement.h"
#include "core/tx.h"
#include "base/banned.h"

static const char SQL_CAL_STATUS[] = "SELECT created_at FROM calendar_feeds WHERE user_id = ?";
static const char SQL_CAL_DELETE[] = "DELETE FROM calendar_feeds WHERE user_id = ?";
static const char SQL_CAL_INSERT[] =
	"INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (?1, ?2, ?3)";
static const char SQL_CAL_LOOKUP[] =
	"SELECT u.id, u.name FROM calendar_feeds f JOIN users u ON u.id = f.user_id "
	"WHERE f.token_hash = ? AND u.active = 1";

int calendar_feed_status(struct store *st, const struct actor *a, int *exists,
			 int64_t *created_at, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_CAL_STATUS, err);
	int rc;

	*exists = 0;
	*created_at = 0;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, a->user_id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		*exists = 1;
		*created_at = store_col_int(st, s, 0);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* Delete the actor's link; *had whether there was one. */
static int feed_delete(struct tx *tx, int *had, struct err *err)
{
	int exists;
	int64_t at;
	struct stmt *s;
	int rc;

	if (calendar_feed_status(tx->st, tx->actor, &exists, &at, err))
		return -1;
	*had = exists;
	if (!(s = store_prepare(tx->st, SQL_CAL_DELETE, err)))
		return -1;
	store_bind_int(tx->st, s, 1, tx->actor->user_id);
	rc = store_step(tx->st, s, err);
	store_done(tx->st, s);
	return rc < 0 ? -1 : 0;
}

int calendar_feed_rotate(struct store *st, const struct actor *a, char secret[AUTH_SECRET_MAX],
			 struct err *err)
{
	struct tx tx = { 0 };
	char hash[65];
	struct stmt *s;
	int had, rc;

	if (auth_secret_new(secret, "cal_", err) || tx_begin(&tx, st, a, err))
		return -1;
	auth_secret_hash(secret, hash);
	if (feed_delete(&tx, &had, err) || !(s = store_prepare(st, SQL_CAL_INSERT, err)))
		goto fail;
	store_bind_int(st, s, 1, a->user_id);
	store_bind_text(st, s, 2, hash);
	store_bind_int(st, s, 3, tx.now);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0 ||
	    tx_audit(&tx, "calendar_feed", a->user_id, had ? "rotate" : "create",
		     had ? "{\"link\":true}" : NULL, "{\"link\":true}", err) ||
	    tx_commit(&tx, err))
		goto fail;
	return 0;
fail:
	tx_abort(&tx);
	return -1;
}

int calendar_feed_revoke(struct store *st, const struct actor *a, struct err *err)
{
	struct tx tx = { 0 };
	int had;

	if (tx_begin(&tx, st, a, err))
		return -1;
	if (feed_delete(&tx, &had, err))
		goto fail;
	if (!had) {
		err_set(err, ERR_NOT_FOUND, "calendar", "no_calendar_link",
			"you have no calendar link");
		goto fail;
	}
	if (tx_audit(&tx, "calendar_feed", a->user_id, "revoke", "{\"link\":true}", NULL, err) ||
	    tx_commit(&tx, err))
		goto fail;
	return 0;
fail:
	tx_abort(&tx);
	return -1;
}

/* --- the feed --------------------------------------------------------------------------- */

/* ?1 the user: their tasks in the projects they are a member of */
static const char SQL_CAL_TASKS[] =
	"SELECT t.id, t.title, t.description, t.start_on, t.due_on, t.status, t.updated_at, "
	"p.code FROM tasks t JOIN projects p ON p.id = t.project_id "
	"JOIN members m ON m.project_id = t.project_id AND m.user_id = ?1 "
	"WHERE t.assignee_id = ?1 ORDER BY t.id";
/* ?1 the user: their activities, with the customer's name */
static const char SQL_CAL_ACTIVITIES[] =
	"SELECT a.id, a.kind, a.happened_on, a.at_time, a.outcome, a.notes, a.updated_at, p.code, "
	"COALESCE(c.name, '') FROM activities a JOIN projects p ON p.id = a.project_id "
	"JOIN members m ON m.project_id = a.project_id AND m.user_id = ?1 "
	"LEFT JOIN customers c ON c.id = a.customer_id WHERE a.user_id = ?1 ORDER BY a.id";
/* ?1 the user: the meetings they organise or attend */
static const char SQL_CAL_MEETINGS[] =
	"SELECT t.id, t.title, t.starts_at, t.ends_at, t.location, t.agenda, t.updated_at, p.code "
	"FROM meetings t JOIN projects p ON p.id = t.project_id "
	"JOIN members m ON m.project_id = t.project_id AND m.user_id = ?1 "
	"WHERE t.organizer_id = ?1 OR EXISTS (SELECT 1 FROM meeting_attendees x "
	"WHERE x.meeting_id = t.id AND x.user_id = ?1) ORDER BY t.id";
/* ?1 the user: their open deals' expected close days */
static const char SQL_CAL_DEALS[] =
	"SELECT d.id, d.title, d.expected_close_on, d.stage, d.updated_at, p.code "
	"FROM deals d JOIN projects p ON p.id = d.project_id "
	"JOIN members m ON m.project_id = d.project_id AND m.user_id = ?1 "
	"WHERE d.owner_id = ?1 AND d.expected_close_on IS NOT NULL AND d.won_on IS NULL "
	"AND d.lost_on IS NULL ORDER BY d.id";

static void event_begin(struct buf *b, const char *kind, int64_t id, int64_t stamp)
{
	char uid[64];

	snprintf(uid, sizeof(uid), "%s-%lld@salespm", kind, (long long)id);
	buf_adds(b, "BEGIN:VEVENT\r\n");
	ical_line(b, "UID", uid);
	ical_utc(b, "DTSTAMP", stamp);
}

/* "[CODE] what" as the event's summary. */
static void summary(struct buf *b, const char *code, const char *what, const char *more)
{
	struct buf v = BUF_INIT;

	buf_addf(&v, "[%s] %s%s%s", code, what, more && *more ? " · " : "", more ? more : "");
	ical_text(b, "SUMMARY", buf_cstr(&v));
	buf_release(&v);
}

/* An activity's "HH:MM" as minutes, -1 when it has none (stored times were checked on write). */
static int minutes_of(const char *t)
{
	struct err ignored;
	int m;

	return engagement_hhmm(t, "time", &m, &ignored) ? -1 : m;
}

/* One row of each kind as an event (the columns of its query above). */
static void task_row(struct store *st, struct stmt *s, struct buf *b)
{
	event_begin(b, "task", store_col_int(st, s, 0), store_col_int(st, s, 6));
	summary(b, store_col_text(st, s, 7), store_col_text(st, s, 1),
		!strcmp(store_col_text(st, s, 5), "done") ? "✓" : "");
	ical_date(b, "DTSTART", (int32_t)store_col_int(st, s, 3));
	ical_date(b, "DTEND", (int32_t)store_col_int(st, s, 4) + 1);
	if (*store_col_text(st, s, 2))
		ical_text(b, "DESCRIPTION", store_col_text(st, s, 2));
	ical_line(b, "TRANSP", "TRANSPARENT");
}

static void activity_row(struct store *st, struct stmt *s, struct buf *b)
{
	int32_t day = (int32_t)store_col_int(st, s, 2);
	int min = minutes_of(store_col_text(st, s, 3));
	struct buf d = BUF_INIT;

	event_begin(b, "activity", store_col_int(st, s, 0), store_col_int(st, s, 6));
	summary(b, store_col_text(st, s, 7), store_col_text(st, s, 1), store_col_text(st, s, 8));
	if (min < 0) {
		ical_date(b, "DTSTART", day);
		ical_date(b, "DTEND", day + 1);
	} else {
		int64_t at = engagement_local_instant(day, min);
		ical_utc(b, "DTSTART", at);
		ical_utc(b, "DTEND", at + 30 * 60);
	}
	buf_adds(&d, store_col_text(st, s, 4));
	if (*store_col_text(st, s, 5))
		buf_addf(&d, "%s%s", d.len ? "\n" : "", store_col_text(st, s, 5));
	if (d.len)
		ical_text(b, "DESCRIPTION", buf_cstr(&d));
	buf_release(&d);
}

static void meeting_row(struct store *st, struct stmt *s, struct buf *b)
{
	event_begin(b, "meeting", store_col_int(st, s, 0), store_col_int(st, s, 6));
	summary(b, store_col_text(st, s, 7), store_col_text(st, s, 1), NULL);
	ical_utc(b, "DTSTART", store_col_int(st, s, 2));
	ical_utc(b, "DTEND", store_col_int(st, s, 3));
	if (*store_col_text(st, s, 4))
		ical_text(b, "LOCATION", store_col_text(st, s, 4));
	if (*store_col_text(st, s, 5))
		ical_text(b, "DESCRIPTION", store_col_text(st, s, 5));
}

static void deal_row(struct store *st, struct stmt *s, struct buf *b)
{
	int32_t day = (int32_t)store_col_int(st, s, 2);

	event_begin(b, "deal", store_col_int(st, s, 0), store_col_int(st, s, 4));
	summary(b, store_col_text(st, s, 5), store_col_text(st, s, 1), store_col_text(st, s, 3));
	ical_date(b, "DTSTART", day);
	ical_date(b, "DTEND", day + 1);
	ical_line(b, "TRANSP", "TRANSPARENT");
}

/* The feed's kinds of items, each its query (?1 the user) and how a row is written: a new kind is one more row. */
static const struct feed_source {
	const char *sql;
	void (*row)(struct store *st, struct stmt *s, struct buf *b);
} feed_sources[] = {
	{ SQL_CAL_TASKS, task_row },
	{ SQL_CAL_ACTIVITIES, activity_row },
	{ SQL_CAL_MEETINGS, meeting_row },
	{ SQL_CAL_DEALS, deal_row },
};

static int write_source(struct store *st, const struct feed_source *src, int64_t user,
			struct buf *b, struct err *err)
{
	struct stmt *s = store_prepare(st, src->sql, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, user);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		src->row(st, s, b);
		buf_adds(b, "END:VEVENT\r\n");
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int calendar_feed_write(struct store *st, const char *secret, struct buf *out, struct err *err)
{
	char hash[65], name[160];
	struct stmt *s;
	int64_t user = NO_ID;
	int rc;

	auth_secret_hash(secret, hash);
	if (!(s = store_prepare(st, SQL_CAL_LOOKUP, err)))
		return -1;
	store_bind_text(st, s, 1, hash);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		user = store_col_int(st, s, 0);
		snprintf(name, sizeof(name), "salespm · %s", store_col_text(st, s, 1));
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (user == NO_ID)
		return err_set(err, ERR_NOT_FOUND, "calendar", "no_calendar_link",
			       "no calendar at this link (it was revoked or replaced)");
	buf_adds(out, "BEGIN:VCALENDAR\r\n");
	ical_line(out, "VERSION", "2.0");
	ical_line(out, "PRODID", "-//salespm//salespm calendar//EN");
	ical_line(out, "CALSCALE", "GREGORIAN");
	ical_line(out, "METHOD", "PUBLISH");
	ical_text(out, "X-WR-CALNAME", name);
	/* how often a subscriber reads it again (RFC 7986; Outlook's own name for it) */
	ical_line(out, "REFRESH-INTERVAL;VALUE=DURATION", "PT1H");
	ical_line(out, "X-PUBLISHED-TTL", "PT1H");
	for (size_t i = 0; i < sizeof(feed_sources) / sizeof(feed_sources[0]); i++)
		if (write_source(st, &feed_sources[i], user, out, err))
			return -1;
	buf_adds(out, "END:VCALENDAR\r\n");
	return 0;
}
