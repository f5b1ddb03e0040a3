/*
 * ical.h - an iCalendar (RFC 5545) writer over struct buf: content lines
 * ended by CRLF and folded at 75 octets (a continuation line starts with one
 * space) without ever splitting a UTF-8 character, TEXT values escaped
 * (backslash, semicolon, comma, line break), dates and UTC date-times.
 */
#ifndef BASE_ICAL_H
#define BASE_ICAL_H

#include <stdint.h>

#include "base/buf.h"

/* The most octets of a content line, CRLF not counted (RFC 5545 3.1). */
#define ICAL_LINE_MAX 75

/* Append "NAME:value" as it is (no escaping), folded, with CRLF. */
void ical_line(struct buf *b, const char *name, const char *value);

/*
 * Append "NAME:text" with text escaped as a TEXT value (\\ \; \, and \n for a
 * line break; a CR and other control characters but TAB are dropped), folded.
 */
void ical_text(struct buf *b, const char *name, const char *text);

/* Append text escaped as a TEXT value into b, unfolded (for building a value). */
void ical_escape(struct buf *b, const char *text);

/* Append "NAME;VALUE=DATE:YYYYMMDD" for a day (days since 1970-01-01). */
void ical_date(struct buf *b, const char *name, int32_t day);

/* Append "NAME:YYYYMMDDTHHMMSSZ" for an instant (UTC seconds). */
void ical_utc(struct buf *b, const char *name, int64_t at);

#endif
