/*
 * date.h - calendar dates as days since 1970-01-01 (int32_t, *_on), instants as
 * UTC seconds (int64_t, *_at), both to and from ISO 8601 text.
 */
#ifndef BASE_DATE_H
#define BASE_DATE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* "YYYY-MM-DD" plus NUL. */
#define DATE_FMT_MAX 11
/* "YYYY-MM-DDTHH:MM:SSZ" plus NUL. */
#define TS_FMT_MAX 21

/* Days since the epoch of a valid proleptic Gregorian y-m-d. */
int32_t date_from_ymd(int y, int m, int d);

/* The y-m-d of a day number. */
void date_to_ymd(int32_t day, int *y, int *m, int *d);

/* Parse exactly "YYYY-MM-DD" (years 1000-9999, real days only). */
int date_parse(const char *s, size_t len, int32_t *out, const char *field, struct err *err);

/* Write "YYYY-MM-DD" into out (DATE_FMT_MAX bytes); returns out. */
char *date_format(int32_t day, char *out);

/* Day of week, 0 = Monday ... 6 = Sunday. */
int date_weekday(int32_t day);

/* Days in month m of year y. */
int date_days_in_month(int y, int m);

/*
 * Today in the process's time zone (set from the workspace by the store), or the
 * SALESPM_TODAY environment variable when set, so that tests and demos are
 * reproducible.
 */
int32_t date_today(void);

/* Now as UTC seconds (SALESPM_NOW overrides, as an ISO instant). */
int64_t ts_now(void);

/* Write "YYYY-MM-DDTHH:MM:SSZ"; returns out. */
char *ts_format(int64_t at, char *out);

/* Parse "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "+HH:MM"/"-HH:MM". */
int ts_parse(const char *s, size_t len, int64_t *out, const char *field, struct err *err);

#endif
