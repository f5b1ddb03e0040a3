/*
 * date.c - civil date arithmetic (Howard Hinnant's days_from_civil) and ISO 8601.
 */
#include "base/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/banned.h"

int32_t date_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	/* 64-bit: era * 146097 passes INT_MAX for the years of the last int32 days. */
	return (int32_t)((int64_t)era * 146097 + (int64_t)doe - 719468);
}

void date_to_ymd(int32_t day, int *y, int *m, int *d)
{
	/* 64-bit so that every int32 day number works, those near INT32_MAX included. */
	int64_t z = (int64_t)day + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int yy = (int)((int64_t)yoe + era * 400);
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned dd = doy - (153 * mp + 2) / 5 + 1;
	unsigned mm = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (mm <= 2);
	*m = (int)mm;
	*d = (int)dd;
}

int date_days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static void shown(char *dst, size_t dstlen, const char *s, size_t len)
{
	size_t n = len < dstlen - 1 ? len : dstlen - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

int date_parse(const char *s, size_t len, int32_t *out, const char *field, struct err *err)
{
	char txt[48];
	int y, m, d;

	shown(txt, sizeof(txt), s, len);
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return err_set(err, ERR_INVALID, field, "not_date:value", "\"%s\" is not a date (YYYY-MM-DD)", txt);
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 0 || m < 0 || d < 0)
		return err_set(err, ERR_INVALID, field, "not_date:value", "\"%s\" is not a date (YYYY-MM-DD)", txt);
	if (y < 1000 || m < 1 || m > 12 || d < 1 || d > date_days_in_month(y, m))
		return err_set(err, ERR_INVALID, field, "not_calendar_date:value", "\"%s\" is not a real calendar date", txt);
	*out = date_from_ymd(y, m, d);
	return 0;
}

static char *put(char *p, int v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

char *date_format(int32_t day, char *out)
{
	int y, m, d;
	char *p = out;
	date_to_ymd(day, &y, &m, &d);
	if (y < 0)
		y = 0;
	p = put(p, y % 10000, 4);
	*p++ = '-';
	p = put(p, m, 2);
	*p++ = '-';
	p = put(p, d, 2);
	*p = '\0';
	return out;
}

int date_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday (3 with Monday = 0). */
	int w = (int)((day % 7 + 7) % 7);
	return (w + 3) % 7;
}

int32_t date_today(void)
{
	const char *env = getenv("SALESPM_TODAY");
	int32_t day;
	struct tm tm;
	time_t now;

	/*
	 * localtime_r() takes the C library's time-zone lock: once a second per
	 * thread, and again whenever TZ names another zone (the server sets the
	 * workspace's; a test moves it within the second).
	 */
	static _Thread_local time_t last;
	static _Thread_local int32_t last_day;
	static _Thread_local char last_tz[64];
	const char *tz = getenv("TZ");

	if (env && *env && date_parse(env, strlen(env), &day, NULL, NULL) == 0)
		return day;
	if (!tz)
		tz = "";
	now = time(NULL);
	if (now == last && strlen(tz) < sizeof(last_tz) && !strcmp(tz, last_tz))
		return last_day;
	localtime_r(&now, &tm);
	last = now;
	snprintf(last_tz, sizeof(last_tz), "%s", tz);
	last_day = date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	return last_day;
}

int64_t ts_now(void)
{
	const char *env = getenv("SALESPM_NOW");
	int64_t at;
	if (env && *env && ts_parse(env, strlen(env), &at, NULL, NULL) == 0)
		return at;
	return (int64_t)time(NULL);
}

char *ts_format(int64_t at, char *out)
{
	/* Floor division without negating at (which overflows for INT64_MIN). */
	int64_t day = at / 86400, sec = at % 86400;
	if (sec < 0) {
		sec += 86400;
		day--;
	}
	char *p = out + 10;
	date_format((int32_t)day, out);
	*p++ = 'T';
	p = put(p, (int)(sec / 3600), 2);
	*p++ = ':';
	p = put(p, (int)(sec / 60 % 60), 2);
	*p++ = ':';
	p = put(p, (int)(sec % 60), 2);
	*p++ = 'Z';
	*p = '\0';
	return out;
}

int ts_parse(const char *s, size_t len, int64_t *out, const char *field, struct err *err)
{
	char txt[48];
	int32_t day;
	int hh, mm, ss, off = 0;

	shown(txt, sizeof(txt), s, len);
	if (len < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		goto bad;
	if (date_parse(s, 10, &day, field, NULL))
		goto bad;
	hh = digits(s + 11, 2);
	mm = digits(s + 14, 2);
	ss = digits(s + 17, 2);
	if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59)
		goto bad;
	if (len == 20 && s[19] == 'Z') {
		off = 0;
	} else if (len == 25 && (s[19] == '+' || s[19] == '-') && s[22] == ':') {
		int oh = digits(s + 20, 2), om = digits(s + 23, 2);
		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			goto bad;
		off = (oh * 3600 + om * 60) * (s[19] == '-' ? -1 : 1);
	} else {
		goto bad;
	}
	*out = (int64_t)day * 86400 + hh * 3600 + mm * 60 + ss - off;
	return 0;
bad:
	return err_set(err, ERR_INVALID, field, "not_instant:value",
		       "\"%s\" is not an ISO 8601 instant (YYYY-MM-DDTHH:MM:SSZ)", txt);
}
