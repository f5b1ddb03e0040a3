/*
 * mention.h - finding the @mentions in a comment's text: "@login" where login
 * is a user's login ([A-Za-z0-9_.-], 1-63 bytes), not part of a longer word
 * (an e-mail address "a@b.com" names nobody), a sentence's final dot not
 * included. The UI's renderer (web/src/components/comments.js) follows the
 * same rule.
 */
#ifndef CORE_MENTION_H
#define CORE_MENTION_H

#include <stddef.h>

#define MENTION_MAX 32       /* distinct logins looked at in one comment */
#define MENTION_LOGIN_MAX 64 /* a login's bytes, NUL included */

/* One mention: where it is in the text ('@' included) and the login it names. */
struct mention {
	size_t at, len;
	char login[MENTION_LOGIN_MAX];
};

/*
 * Scan text for mentions, in order, each login once (its first place); at
 * most max are kept. Returns how many were found.
 */
size_t mention_scan(const char *text, struct mention *out, size_t max);

#endif
