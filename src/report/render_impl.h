/*
 * render_impl.h - what the renderers of render.h share, inside src/report/
 * only: one entry per format, a chart's value axis, a chart value's text, the
 * few words a renderer adds itself, in the document's language.
 */
#ifndef REPORT_RENDER_IMPL_H
#define REPORT_RENDER_IMPL_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "report/doc.h"

int render_csv(const struct rdoc *d, struct buf *out, struct err *err);
int render_html(const struct rdoc *d, struct buf *out, struct err *err);
int render_xlsx(const struct rdoc *d, struct buf *out, struct err *err);
int render_pdf(const struct rdoc *d, struct buf *out, struct err *err);

/* A chart's value axis: from lo to hi (one of them 0 or beyond) by step, nticks + 1 ticks. */
struct render_axis {
	double lo, hi, step;
	int nticks;
};

/* The axis that holds every value of c (and 0), with round steps (1, 2 or 5 x 10^k). */
void render_axis_of(const struct rchart *c, struct render_axis *ax);

/*
 * A chart value of unit (RC_MONEY in major units, RC_RATIO 0..1 ...) as text:
 * "¥12,346", "12.5%", "1,234", "4.2". tick: an axis label, whose decimals
 * follow the axis's step instead.
 */
void render_value_text(const struct rdoc *d, enum rcell_type unit, double v, const struct
		       render_axis *tick, char *out, size_t size);

enum render_word {
	RW_PAGE,      /* printf: page, pages */
	RW_CONTINUED, /* after a table's title on the next page */
	RW_INTERIM,   /* the banner's words when the document has none */
	RW_RATIO,     /* a CSV header's unit for a ratio column */
	RW_GENERATED, /* before the generation time */
	RW_INTERIM_TAG, /* a short mark of an interim report at the top of each page */
};

/* A word the renderers add, in d's language. */
const char *render_word(const struct rdoc *d, enum render_word w);

/* Columns a UTF-8 text takes in a spreadsheet or a monospace grid: CJK and full-width 2. */
size_t render_text_width(const char *s);

/*
 * The next paragraph of a text whose blank lines separate paragraphs: its start, with
 * *len its length, and *s moved past it; NULL when none is left.
 */
const char *render_paragraph(const char **s, size_t *len);

/* Whether a cell type is a figure (right-aligned, a number in a spreadsheet). */
int render_is_figure(enum rcell_type t);

/*
 * A surface a chart is drawn on (an SVG text, a cairo context): coordinates in
 * points, y down; colours 0xRRGGBB. text() centres the text vertically on y
 * and aligns it by anchor (-1 left, 0 centre, 1 right) on x, turned by angle
 * degrees (negative: up to the right) about (x, y).
 */
struct render_canvas {
	void *ctx;
	void (*rect)(void *ctx, double x, double y, double w, double h, unsigned rgb);
	void (*line)(void *ctx, double x1, double y1, double x2, double y2, double width,
		     unsigned rgb, int dashed);
	void (*polyline)(void *ctx, const double *xy, size_t npoints, double width, unsigned rgb);
	void (*dot)(void *ctx, double x, double y, double r, unsigned rgb);
	void (*text)(void *ctx, double x, double y, const char *s, double size, int anchor,
		     int bold, unsigned rgb, double angle);
	double (*text_width)(void *ctx, const char *s, double size, int bold);
};

/* The series colours, in order (cycling). */
unsigned render_series_colour(size_t i);

/*
 * Draw chart c in the box (x, y, w, h): axis with round ticks and grid lines,
 * bars (grouped by category, value above each) or lines (a dot at each point),
 * category labels under the axis (slanted when they do not fit), a legend
 * when there is more than one series. The chart's title is the caller's.
 */
void render_chart(const struct rdoc *d, const struct rchart *c, const struct render_canvas *cv,
		  double x, double y, double w, double h);

#endif
