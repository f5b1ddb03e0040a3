/*
 * mention.c - the @mention parser (see mention.h): a byte scan, no allocation,
 * so it is fuzzable and cheap inside a write.
 */
#include "core/mention.h"

#include <string.h>

#include "base/banned.h"

static int login_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

size_t mention_scan(const char *text, struct mention *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; text[i] && n < max; i++) {
		size_t j, len;
		int seen = 0;

		if (text[i] != '@')
			continue;
		/* part of a word (an e-mail address) or "@@": not a mention */
		if (i > 0 && (login_char((unsigned char)text[i - 1]) || text[i - 1] == '@'))
			continue;
		for (j = i + 1; login_char((unsigned char)text[j]); j++)
			;
		/* a sentence's last dot, dash or more is not part of the login */
		while (j > i + 1 && (text[j - 1] == '.' || text[j - 1] == '-'))
			j--;
		len = j - i - 1;
		if (len == 0 || len >= MENTION_LOGIN_MAX) {
			i = j - 1 > i ? j - 1 : i;
			continue;
		}
		for (size_t k = 0; k < n && !seen; k++)
			seen = strlen(out[k].login) == len && !memcmp(out[k].login, text + i + 1, len);
		if (!seen) {
			out[n].at = i;
			out[n].len = len + 1;
			memcpy(out[n].login, text + i + 1, len);
			out[n].login[len] = 0;
			n++;
		}
		i = j - 1;
	}
	return n;
}
