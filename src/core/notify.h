/*
 * notify.h - the inbox (core/notify.c; tables in store/schema/024-comments-
 * inbox.sql): notifications of events, inserted by the write that causes them
 * inside its own transaction (a mention, an assignment, a stage change), and
 * of time (due, overdue, past SLA), materialised for a reader when their inbox
 * or its count is read; the per-user choice of kinds; and the reads, which
 * show only what the reader may see now (a project they left is gone).
 */
#ifndef CORE_NOTIFY_H
#define CORE_NOTIFY_H

#include <stdint.h>

#include "base/err.h"
#include "base/jw.h"
#include "core/core.h"
#include "core/tx.h"
#include "store/store.h"

/* The kinds, in the order the settings and counts list them. */
enum notify_kind {
	NK_MENTION,
	NK_ASSIGNED,
	NK_DUE,
	NK_OVERDUE,
	NK_STAGE,
	NK_SLA,
	NK_ALERT,
	NK_REVIEW, /* a project closed: write your peer reviews */
	NK__COUNT
};
extern const char *const notify_kinds[NK__COUNT + 1];

/* What an event is about: a record, its project (NO_ID: none) and what the UI says of it. */
struct notify_about {
	const char *on_kind; /* "deal", "task", ... */
	int64_t on_id;
	int64_t project_id;
	const char *title;   /* the record's title as it was (a line) */
	const char *from;    /* a stage change: the stage left, else NULL */
	const char *to;      /* a stage change: the stage entered, else NULL */
	const char *excerpt; /* a mention: the comment's start, else NULL */
	int64_t comment_id;  /* a mention: the comment, else NO_ID */
};

/*
 * Notify user of an event of kind about ab, in tx (the write that caused it).
 * Nothing when user is the actor (no one is told of their own doing), is not
 * active, or has turned kind off.
 */
int notify_event(struct tx *tx, int64_t user_id, enum notify_kind kind,
		 const struct notify_about *ab, struct err *err);

/*
 * An assignment: notify owner that a record became theirs, when it is new
 * (was NO_ID) or was someone else's; the write's actor is not told.
 */
int notify_owner(struct tx *tx, int64_t was, int64_t owner, const char *on_kind, int64_t on_id,
		 int64_t project_id, const char *title, struct err *err);

/*
 * An alert newly raised (analytics/alert.c): notify user of it in tx, with
 * params (JSON object text: the alert's kind, severity, title and figures).
 * Unlike an event, the actor is not skipped (a sweep has none; a manager who
 * reads the alerts is told of one that concerns them as anyone else); nothing
 * when user is not active or has turned 'alert' off.
 */
int notify_alert(struct tx *tx, int64_t user_id, int64_t project_id, const char *on_kind,
		 int64_t on_id, const char *params, struct err *err);

#define INBOX_PAGE 50

/* Which notifications a list shows. */
struct inbox_query {
	int unread;        /* only the unread ones */
	int kind;          /* an enum notify_kind, or -1 for all */
	int64_t limit;     /* 1-200 (the faces' default: INBOX_PAGE) */
	int64_t offset;    /* >= 0 */
};

/* Parse a kind's name ("mention") into *kind; ERR_INVALID naming field otherwise. */
int notify_kind_parse(const char *s, const char *field, int *kind, struct err *err);

/* One notification as a list reads it (strings valid during the callback only). */
struct inbox_item {
	int64_t id;
	const char *kind, *on_kind;
	int64_t on_id;
	int32_t day;          /* a time-made one's due day, else NO_DATE */
	const char *params;   /* JSON object text: title, from, to, excerpt, comment, due */
	int64_t created_at;
	int read;
	const char *project;  /* NULL: a workspace record's */
	const char *by_login; /* who caused it, or NULL */
	const char *by_name;
};

/* What a page of the list is part of. */
struct inbox_totals {
	int64_t total, unread, limit, offset;
};

typedef void inbox_each_fn(void *ctx, const struct inbox_item *it);

/*
 * The reader's notifications, newest first, each handed to each(ctx, item),
 * with the totals of what q selects; the time-derived ones are materialised
 * first. ERR_INVALID for a limit outside 1-200 or a negative offset.
 */
int inbox_list(struct store *st, const struct actor *a, const struct inbox_query *q,
	       struct inbox_totals *tot, inbox_each_fn *each, void *ctx, struct err *err);

/*
 * The same as {"notifications":[...],
 * "total","unread","limit","offset"}; the time-derived ones are materialised
 * first.
 */
int inbox_list_write_json(struct store *st, const struct actor *a, const struct inbox_query *q,
			  struct jw *w, struct err *err);

/* The reader's unread counts: {"unread": N, "by_kind": {"mention": n, ...}}. */
int inbox_count_write_json(struct store *st, const struct actor *a, struct jw *w,
			   struct err *err);

/*
 * Mark one notification read (id) or every one the reader sees (id NO_ID);
 * *changed says how many were unread. One of another user, or of a project the
 * reader no longer sees, is "not found".
 */
int inbox_mark_read(struct store *st, const struct actor *a, int64_t id, int64_t *changed,
		    struct err *err);

/* The reader's choice per kind: {"settings": {"mention": true, ...}}. */
int notify_settings_write_json(struct store *st, const struct actor *a, struct jw *w,
			       struct err *err);

/* Set the reader's choice: want[k] 1 on, 0 off, -1 unchanged. */
int notify_settings_put(struct store *st, const struct actor *a, const int want[NK__COUNT],
			struct err *err);

#endif
