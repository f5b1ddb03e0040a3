/*
 * render_chart.c - a bar or line chart laid out once for every renderer that
 * draws one (HTML as SVG, PDF through cairo), on the surface it is handed:
 * the value axis with round ticks, grid lines, bars or lines with their
 * values, category labels, a legend.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/render_impl.h"
#include "base/banned.h"

#define LABEL 7.5  /* axis and category labels, points */
#define VALUE 7.0  /* the values on bars and points */
#define GRID 0xE5E7EBu
#define AXIS 0x6B7280u
#define INK 0x374151u

unsigned render_series_colour(size_t i)
{
	static const unsigned colours[] = { 0x1F4E79, 0xE08E0B, 0x2E8B57, 0xC0392B,
					    0x7D5BA6, 0x2A9DBF };
	return colours[i % (sizeof(colours) / sizeof(colours[0]))];
}

/* s cut to at most cols display columns, with "…" when it was longer. */
static void clip(const char *s, size_t cols, char *out, size_t size)
{
	size_t i = 0, w = 0, n = strlen(s ? s : "");
	char ch[8];

	if (render_text_width(s) <= cols) {
		snprintf(out, size, "%s", s ? s : "");
		return;
	}
	while (i < n) {
		size_t len = 1, cw;
		while (i + len < n && ((unsigned char)s[i + len] & 0xC0) == 0x80)
			len++;
		memcpy(ch, s + i, len < sizeof(ch) ? len : sizeof(ch) - 1);
		ch[len < sizeof(ch) ? len : sizeof(ch) - 1] = '\0';
		cw = render_text_width(ch);
		if (w + cw + 1 > cols || i + len + 4 > size)
			break;
		w += cw;
		i += len;
	}
	snprintf(out, size, "%.*s…", (int)i, s);
}

void render_chart(const struct rdoc *d, const struct rchart *c, const struct render_canvas *cv,
		  double x, double y, double w, double h)
{
	struct render_axis ax;
	char t[96], lab[96];
	double left = 0, top = 6, bottom, px, py, pw, ph, slot, catw = 0, zero;
	int slant = 0;
	size_t i, j;

#define VY(v) (py + ph * (ax.hi - (v)) / (ax.hi - ax.lo))
	render_axis_of(c, &ax);
	for (i = 0; i <= (size_t)ax.nticks; i++) {
		render_value_text(d, c->unit, ax.lo + (double)i * ax.step, &ax, t, sizeof(t));
		double tw = cv->text_width(cv->ctx, t, LABEL, 0);
		left = tw > left ? tw : left;
	}
	left += 8;
	/* the legend: one row of swatches above the plot */
	if (c->nseries > 1) {
		double lx = x + left;
		for (i = 0; i < c->nseries; i++) {
			clip(c->series[i].label, 24, lab, sizeof(lab));
			cv->rect(cv->ctx, lx, y + 2, 9, 9, render_series_colour(i));
			cv->text(cv->ctx, lx + 13, y + 6.5, lab, LABEL, -1, 0, INK, 0);
			lx += 13 + cv->text_width(cv->ctx, lab, LABEL, 0) + 14;
		}
		top += 16;
	}
	top += VALUE + 4; /* room for the values over the highest bar */
	pw = w - left - 6;
	slot = c->ncat ? pw / (double)c->ncat : pw;
	for (j = 0; j < c->ncat; j++) {
		clip(c->categories[j], 18, lab, sizeof(lab));
		double cw = cv->text_width(cv->ctx, lab, LABEL, 0);
		catw = cw > catw ? cw : catw;
	}
	slant = catw > slot - 4;
	bottom = slant ? catw * 0.574 + LABEL + 10 : LABEL + 12; /* sin 35° */
	if (bottom > h * 0.4)
		bottom = h * 0.4;
	px = x + left;
	py = y + top;
	ph = h - top - bottom;
	if (ph < 20)
		ph = 20;

	/* grid and ticks */
	for (i = 0; i <= (size_t)ax.nticks; i++) {
		double v = ax.lo + (double)i * ax.step, gy = VY(v);
		render_value_text(d, c->unit, v, &ax, t, sizeof(t));
		cv->line(cv->ctx, px, gy, px + pw, gy, 0.5, GRID, 0);
		cv->text(cv->ctx, px - 5, gy, t, LABEL, 1, 0, AXIS, 0);
	}
	zero = VY(ax.lo > 0 ? ax.lo : ax.hi < 0 ? ax.hi : 0.0);

	if (c->kind == RCHART_BAR && c->nseries) {
		double group = slot * 0.72, bw = group / (double)c->nseries;
		for (j = 0; j < c->ncat; j++)
			for (i = 0; i < c->nseries; i++) {
				double v = c->series[i].values[j], bx, top_y;
				if (!isfinite(v))
					continue;
				bx = px + slot * (double)j + (slot - group) / 2 + bw * (double)i;
				top_y = VY(v);
				cv->rect(cv->ctx, bx + bw * 0.06, v >= 0 ? top_y : zero, bw * 0.88,
					 fabs(zero - top_y), render_series_colour(i));
				if (bw < 14)
					continue;
				render_value_text(d, c->unit, v, NULL, t, sizeof(t));
				if (cv->text_width(cv->ctx, t, VALUE, 0) > bw * 1.6)
					continue;
				cv->text(cv->ctx, bx + bw / 2,
					 v >= 0 ? top_y - VALUE * 0.8 : top_y + VALUE * 0.8, t,
					 VALUE, 0, 0, INK, 0);
			}
	} else if (c->ncat) {
		double xy[2 * 64];
		for (i = 0; i < c->nseries; i++) {
			size_t n = 0;
			unsigned col = render_series_colour(i);
			/* a gap in the data breaks the line */
			for (j = 0; j <= c->ncat; j++) {
				double v = j < c->ncat ? c->series[i].values[j] : NAN;
				if (isfinite(v) && n < 64) {
					xy[2 * n] = px + slot * ((double)j + 0.5);
					xy[2 * n + 1] = VY(v);
					n++;
					continue;
				}
				if (n > 1)
					cv->polyline(cv->ctx, xy, n, 1.8, col);
				n = 0;
			}
			for (j = 0; j < c->ncat; j++) {
				double v = c->series[i].values[j], cx = px + slot * ((double)j + 0.5);
				if (!isfinite(v))
					continue;
				cv->dot(cv->ctx, cx, VY(v), 2.6, col);
				if (c->ncat > 12 || c->nseries > 2)
					continue;
				render_value_text(d, c->unit, v, NULL, t, sizeof(t));
				cv->text(cv->ctx, cx, VY(v) - VALUE - 1, t, VALUE, 0, 0, INK, 0);
			}
		}
	}
	/* the axes over the bars */
	cv->line(cv->ctx, px, py, px, py + ph, 0.8, AXIS, 0);
	cv->line(cv->ctx, px, zero, px + pw, zero, 0.8, AXIS, 0);
	for (j = 0; j < c->ncat; j++) {
		double cx = px + slot * ((double)j + 0.5);
		clip(c->categories[j], 18, lab, sizeof(lab));
		if (slant)
			cv->text(cv->ctx, cx + 3, py + ph + LABEL, lab, LABEL, 1, 0, INK, -35);
		else
			cv->text(cv->ctx, cx, py + ph + LABEL + 2, lab, LABEL, 0, 0, INK, 0);
	}
#undef VY
}
