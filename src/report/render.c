/*
 * render.c - the formats a report is rendered as (name, media type, file
 * extension), the dispatch to each format's renderer, and what they share: a
 * chart's axis, a chart value's text, the words a renderer adds itself.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "report/render.h"
#include "report/render_impl.h"
#include "base/banned.h"

static const struct {
	enum report_format f;
	const char *name, *mime;
} formats[] = {
	{ REPORT_JSON, "json", "application/json" },
	{ REPORT_CSV, "csv", "text/csv; charset=utf-8" },
	{ REPORT_HTML, "html", "text/html; charset=utf-8" },
	{ REPORT_XLSX, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
	{ REPORT_PDF, "pdf", "application/pdf" },
};
#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

int report_format_parse(const char *s, enum report_format *out, struct err *err)
{
	size_t i;
	for (i = 0; i < NFORMATS; i++)
		if (s && !strcmp(s, formats[i].name)) {
			*out = formats[i].f;
			return 0;
		}
	return err_set(err, ERR_INVALID, "format", "report_format:format",
		       "\"%s\" is not a report format (json, csv, html, xlsx or pdf)", s ? s : "");
}

/* The row of formats[] for f, the first (JSON) for none. */
static size_t format_row(enum report_format f)
{
	size_t i;
	for (i = 0; i < NFORMATS; i++)
		if (formats[i].f == f)
			return i;
	return 0;
}

const char *report_format_mime(enum report_format f)
{
	return formats[format_row(f)].mime;
}

const char *report_format_ext(enum report_format f)
{
	return formats[format_row(f)].name;
}

int report_render(const struct rdoc *d, enum report_format f, struct buf *out, struct err *err)
{
	switch (f) {
	case REPORT_CSV:
		return render_csv(d, out, err);
	case REPORT_HTML:
		return render_html(d, out, err);
	case REPORT_XLSX:
		return render_xlsx(d, out, err);
	case REPORT_PDF:
		return render_pdf(d, out, err);
	case REPORT_JSON:
	default:
		return err_set(err, ERR_INTERNAL, NULL, "internal",
			       "a report's JSON is written by its caller, not rendered");
	}
}

/* The round step (1, 2 or 5 x 10^k) nearest above x. */
static double nice_step(double x)
{
	double p = pow(10.0, floor(log10(x))), f = x / p;
	return (f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0) * p;
}

void render_axis_of(const struct rchart *c, struct render_axis *ax)
{
	double lo = 0, hi = 0, step;
	size_t i, j;

	for (i = 0; i < c->nseries; i++)
		for (j = 0; j < c->ncat; j++) {
			double v = c->series[i].values[j];
			if (!isfinite(v))
				continue;
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
	if (hi - lo <= 0)
		hi = c->unit == RC_RATIO ? 1.0 : c->unit == RC_MONEY ? 100.0 : 5.0;
	step = nice_step((hi - lo) / 5.0);
	if (c->unit == RC_COUNT && step < 1.0)
		step = 1.0;
	ax->step = step;
	ax->lo = floor(lo / step + 1e-9) * step;
	ax->hi = ceil(hi / step - 1e-9) * step;
	if (ax->hi <= ax->lo)
		ax->hi = ax->lo + step;
	ax->nticks = (int)lround((ax->hi - ax->lo) / step);
}

/* Decimals that show every multiple of step (at most 4). */
static int step_decimals(double step)
{
	int n = 0;
	while (n < 4 && fabs(step * pow(10.0, n) - round(step * pow(10.0, n))) > 1e-6)
		n++;
	return n;
}

void render_value_text(const struct rdoc *d, enum rcell_type unit, double v,
		       const struct render_axis *tick, char *out, size_t size)
{
	struct rcell c = { 0 };
	size_t n;
	int dec;

	if (!isfinite(v)) {
		snprintf(out, size, "—");
		return;
	}
	switch (unit) {
	case RC_MONEY:
		/* whole major units, unless the figure is small or the axis steps by less */
		dec = tick ? (step_decimals(tick->step) ? 2 : 0) : (fabs(v) < 100.0 ? 2 : 0);
		c.type = RC_MONEY;
		c.i = dec ? llround(v * 100.0) : llround(v) * 100;
		rdoc_cell_text(d, &c, out, size);
		n = strlen(out);
		if (!dec && n > 3 && !strcmp(out + n - 3, ".00"))
			out[n - 3] = '\0';
		return;
	case RC_COUNT:
		c.type = RC_COUNT;
		c.i = llround(v);
		rdoc_cell_text(d, &c, out, size);
		return;
	case RC_RATIO:
		dec = tick ? step_decimals(tick->step * 100.0) : 1;
		snprintf(out, size, "%.*f%%", dec > 2 ? 2 : dec, v * 100.0 + 0.0);
		return;
	default:
		dec = tick ? step_decimals(tick->step) : 1;
		snprintf(out, size, "%.*f", dec > 2 ? 2 : dec, v + 0.0);
		return;
	}
}

const char *render_word(const struct rdoc *d, enum render_word w)
{
	int en = d->lang && !strcmp(d->lang, "en");
	switch (w) {
	case RW_PAGE:
		return en ? "Page %d of %d" : "第 %d 页 / 共 %d 页";
	case RW_CONTINUED:
		return en ? " (continued)" : "（续）";
	case RW_INTERIM:
		return en ? "Interim report: the project is still running; figures are as of today."
			  : "中期报告：项目仍在进行，数据截至今日。";
	case RW_RATIO:
		return en ? " (ratio)" : "（比率）";
	case RW_GENERATED:
		return en ? "Generated" : "生成于";
	case RW_INTERIM_TAG:
		return en ? "Interim" : "中期报告";
	}
	return "";
}

size_t render_text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t w = 0;

	while (*p) {
		uint32_t cp;
		int n;
		if (*p < 0x80) {
			cp = *p;
			n = 1;
		} else if ((*p & 0xE0) == 0xC0) {
			cp = *p & 0x1F;
			n = 2;
		} else if ((*p & 0xF0) == 0xE0) {
			cp = *p & 0x0F;
			n = 3;
		} else {
			cp = *p & 0x07;
			n = 4;
		}
		for (int i = 1; i < n; i++) {
			if ((p[i] & 0xC0) != 0x80) {
				n = i;
				break;
			}
			cp = cp << 6 | (p[i] & 0x3F);
		}
		p += n;
		/* East Asian wide and full-width: Hangul Jamo, CJK, Hangul, compatibility forms */
		if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
		    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
		    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
		    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD))
			w += 2;
		else if (cp != '\n' && cp != '\r')
			w += 1;
	}
	return w;
}

const char *render_paragraph(const char **s, size_t *len)
{
	const char *p = *s ? *s : "", *end;

	while (*p == '\n' || *p == '\r')
		p++;
	if (!*p) {
		*s = p;
		return NULL;
	}
	end = strstr(p, "\n\n");
	if (!end)
		end = p + strlen(p);
	*len = (size_t)(end - p);
	*s = end;
	return p;
}

int render_is_figure(enum rcell_type t)
{
	return t == RC_MONEY || t == RC_COUNT || t == RC_RATIO || t == RC_NUMBER || t == RC_DATE;
}
