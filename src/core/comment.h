/*
 * comment.h - comments with @mentions on a project's records and on customers
 * (core/comment.c; table comments in store/schema/024-comments-inbox.sql;
 * routes /api/v1/comments, the CLI's `comment`). A record is named "kind:id"
 * (deal:12); whoever may read the record reads its comments, whoever may write
 * in its project (a customer: any rep) comments; the author edits (versioned),
 * the author or a project manager (a customer: a workspace manager) deletes.
 */
#ifndef CORE_COMMENT_H
#define CORE_COMMENT_H

#include <stdint.h>

#include "base/err.h"
#include "base/jw.h"
#include "core/core.h"
#include "store/store.h"

#define COMMENT_MAX 4000 /* a comment's bytes */

/* A record comments are on. */
struct comment_on {
	char kind[16];
	int64_t id;
};

/* Parse "kind:id" (deal:12) into on; ERR_INVALID naming field "on" otherwise. */
int comment_on_parse(const char *text, struct comment_on *on, struct err *err);

#include "core/mention.h"

/* One comment as a list reads it (strings valid during the callback only). */
struct comment_item {
	int64_t id;
	const char *on_kind;
	int64_t on_id;
	const char *project;     /* NULL: a customer's */
	const char *author, *author_name, *body;
	int64_t version, created_at, updated_at;
	char mentions[MENTION_MAX][MENTION_LOGIN_MAX]; /* the mentions that name users */
	size_t nmentions;
	int can_edit, can_delete; /* what the reader may do with it */
};

/* The record a list is of, and whether the reader may comment on it. */
struct comment_about {
	char kind[16];
	int64_t id;
	char title[256];
	char project[64]; /* "" for a customer */
	int can_comment;
};

typedef void comment_each_fn(void *ctx, const struct comment_item *it);

/* The comments on a record, oldest first, each handed to each(ctx, item). */
int comment_list(struct store *st, const struct actor *a, const struct comment_on *on,
		 struct comment_about *about, comment_each_fn *each, void *ctx, struct err *err);

/* The same as {"on":{...},"comments":[...]}. */
int comment_list_write_json(struct store *st, const struct actor *a, const struct comment_on *on,
			    struct jw *w, struct err *err);

/*
 * Comment on a record; mentioned users who may see it are notified in the same
 * transaction. *id is the new comment's.
 */
int comment_add(struct store *st, const struct actor *a, const struct comment_on *on,
		const char *body, int64_t *id, struct err *err);

/* Change one's own comment at version; users newly mentioned are notified. */
int comment_edit(struct store *st, const struct actor *a, int64_t id, int64_t version,
		 const char *body, struct err *err);

/* Delete a comment at version (ENT_ANY_VERSION-like: INT64_MIN = as it is now). */
int comment_delete(struct store *st, const struct actor *a, int64_t id, int64_t version,
		   struct err *err);

/*
 * A record deleted in tx: its comments and every notification about it go
 * with it (ids may be used again: a new record must not inherit them).
 */
struct tx;
int comment_forget(struct tx *tx, const char *kind, int64_t id, struct err *err);

/* One comment as the list shows it. */
int comment_write_json(struct store *st, const struct actor *a, int64_t id, struct jw *w,
		       struct err *err);

#endif
