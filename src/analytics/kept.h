/*
 * kept.h - answers kept in the database across restarts (table kept_answers),
 * so that a server's first dashboard after a start reads one row instead of
 * computing it. Each answer is stored with the stamp of the data it was
 * computed from; it is valid while the data's stamp is still the same.
 */
#ifndef ANALYTICS_KEPT_H
#define ANALYTICS_KEPT_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"

/* Room for a stamp and its NUL. */
#define KEPT_STAMP_MAX 64

/*
 * The stamp of the data now (in the caller's transaction, if any): the format
 * of kept answers, the audit log's largest id (and count: kept.c). Every write adds
 * its audit row in its own transaction, so any committed write changes it
 * (the count too when ids from a sequence commit out of order, as on PostgreSQL).
 */
int kept_stamp(struct store *st, char stamp[KEPT_STAMP_MAX], struct err *err);

/*
 * The answer kept for key, when it was computed at stamp, appended to body;
 * *found says whether there was one.
 */
int kept_get(struct store *st, const char *key, const char *stamp, struct buf *body, int *found,
	     struct err *err);

/*
 * Keep body as key's answer at stamp, dropping answers kept at other stamps
 * (they can never be valid again). Inside the caller's write transaction.
 */
int kept_put(struct store *st, const char *key, const char *stamp, const char *body, size_t len,
	     struct err *err);

#endif
