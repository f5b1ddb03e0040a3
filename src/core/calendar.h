/*
 * calendar.h - each user's calendar feed (core/calendar.c): an iCalendar
 * document of their tasks, activities, meetings and open deals' expected
 * close days, in the projects they are a member of when it is read, behind a
 * secret link that is its only credential (only its hash is kept), made,
 * rotated and revoked by its user.
 */
#ifndef CORE_CALENDAR_H
#define CORE_CALENDAR_H

#include <stdint.h>

#include "base/buf.h"
#include "core/auth.h"
#include "core/core.h"

/* Whether the actor has a feed link, and since when (*created_at, UTC seconds). */
int calendar_feed_status(struct store *st, const struct actor *a, int *exists,
			 int64_t *created_at, struct err *err);

/*
 * Make the actor a new link (any old one stops working): its secret into
 * secret (shown here only). Audited.
 */
int calendar_feed_rotate(struct store *st, const struct actor *a, char secret[AUTH_SECRET_MAX],
			 struct err *err);

/* Revoke the actor's link (ERR_NOT_FOUND when there is none). Audited. */
int calendar_feed_revoke(struct store *st, const struct actor *a, struct err *err);

/*
 * The feed of the link whose secret is secret, as iCalendar text into out
 * (ERR_NOT_FOUND for an unknown or revoked secret, or a deactivated user).
 */
int calendar_feed_write(struct store *st, const char *secret, struct buf *out, struct err *err);

#endif
