/*
 * ical.c - the iCalendar writer (ical.h): folding, escaping, dates. Folding
 * works on the unfolded line: the first piece holds up to 75 octets, each
 * continuation a space and up to 74; a cut that would fall inside a UTF-8
 * sequence moves back to the character's first byte.
 */
#include "base/ical.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "base/banned.h"

/* Append the unfolded line s (len octets) folded, each piece ended by CRLF. */
static void fold(struct buf *b, const char *s, size_t len)
{
	size_t at = 0, room = ICAL_LINE_MAX;

	while (len - at > room) {
		size_t cut = at + room;
		/* never between the bytes of one character: back to its lead byte */
		while (cut > at && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
		buf_add(b, s + at, cut - at);
		buf_adds(b, "\r\n ");
		at = cut;
		room = ICAL_LINE_MAX - 1;
	}
	buf_add(b, s + at, len - at);
	buf_adds(b, "\r\n");
}

void ical_escape(struct buf *b, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		switch (*p) {
		case '\\':
			buf_adds(b, "\\\\");
			break;
		case ';':
			buf_adds(b, "\\;");
			break;
		case ',':
			buf_adds(b, "\\,");
			break;
		case '\n':
			buf_adds(b, "\\n");
			break;
		case '\t':
			buf_add(b, "\t", 1);
			break;
		default:
			if (*p >= 0x20 && *p != 0x7F)
				buf_add(b, (const char *)p, 1);
			break; /* CR and other control characters have no place in TEXT */
		}
	}
}

void ical_line(struct buf *b, const char *name, const char *value)
{
	struct buf l = BUF_INIT;

	buf_adds(&l, name);
	buf_adds(&l, ":");
	buf_adds(&l, value);
	fold(b, buf_cstr(&l), l.len);
	buf_release(&l);
}

void ical_text(struct buf *b, const char *name, const char *text)
{
	struct buf l = BUF_INIT;

	buf_adds(&l, name);
	buf_adds(&l, ":");
	ical_escape(&l, text);
	fold(b, buf_cstr(&l), l.len);
	buf_release(&l);
}

void ical_date(struct buf *b, const char *name, int32_t day)
{
	char v[48];
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	snprintf(v, sizeof(v), "%04d%02d%02d", y, m, d);
	buf_adds(b, name);
	buf_adds(b, ";VALUE=DATE:");
	buf_adds(b, v);
	buf_adds(b, "\r\n");
}

void ical_utc(struct buf *b, const char *name, int64_t at)
{
	struct tm tm;
	time_t t = (time_t)at;
	char v[48];

	gmtime_r(&t, &tm);
	snprintf(v, sizeof(v), "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	ical_line(b, name, v);
}
