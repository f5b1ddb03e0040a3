/*
 * render_pdf.c - a report as an A4 PDF through cairo, its text laid out by
 * pango in a CJK font (pango embeds the subset used): a title block, the
 * interim banner, section headings, tables that break across pages repeating
 * their header row, charts as vectors (render_chart()), paragraphs, and
 * "第 1 页 / 共 N 页" on each page (the document is laid out twice: the first
 * pass counts the pages).
 *
 * cairo, pango, pangocairo and gobject are loaded on the first PDF, not
 * linked (they bring 36 shared objects to every start otherwise); without
 * them a PDF is 503 pdf_unavailable.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "report/dl.h"
#include "report/render_impl.h"
#include "base/banned.h"

/* The functions this file calls, by the library that has them. */
#define CAIRO_FUNCTIONS(X)                     \
	X(cairo_arc)                           \
	X(cairo_close_path)                    \
	X(cairo_create)                        \
	X(cairo_destroy)                       \
	X(cairo_fill)                          \
	X(cairo_fill_preserve)                 \
	X(cairo_line_to)                       \
	X(cairo_move_to)                       \
	X(cairo_new_path)                      \
	X(cairo_pdf_surface_create_for_stream) \
	X(cairo_pdf_surface_set_metadata)      \
	X(cairo_rectangle)                     \
	X(cairo_restore)                       \
	X(cairo_rotate)                        \
	X(cairo_save)                          \
	X(cairo_set_dash)                      \
	X(cairo_set_line_join)                 \
	X(cairo_set_line_width)                \
	X(cairo_set_source_rgb)                \
	X(cairo_show_page)                     \
	X(cairo_status)                        \
	X(cairo_stroke)                        \
	X(cairo_surface_destroy)               \
	X(cairo_surface_finish)                \
	X(cairo_surface_status)                \
	X(cairo_translate)
#define GOBJECT_FUNCTIONS(X) \
	X(g_object_unref)
#define PANGO_FUNCTIONS(X)                          \
	X(pango_font_description_free)              \
	X(pango_font_description_from_string)       \
	X(pango_font_description_set_absolute_size) \
	X(pango_font_description_set_weight)        \
	X(pango_layout_get_iter)                    \
	X(pango_layout_get_size)                    \
	X(pango_layout_iter_free)                   \
	X(pango_layout_iter_get_baseline)           \
	X(pango_layout_iter_get_line_readonly)      \
	X(pango_layout_iter_get_line_yrange)        \
	X(pango_layout_iter_next_line)              \
	X(pango_layout_set_alignment)               \
	X(pango_layout_set_font_description)        \
	X(pango_layout_set_text)                    \
	X(pango_layout_set_width)                   \
	X(pango_layout_set_wrap)
#define PANGOCAIRO_FUNCTIONS(X)         \
	X(pango_cairo_create_layout)    \
	X(pango_cairo_show_layout)      \
	X(pango_cairo_show_layout_line) \
	X(pango_cairo_update_layout)

static struct {
	CAIRO_FUNCTIONS(DL_MEMBER)
	GOBJECT_FUNCTIONS(DL_MEMBER)
	PANGO_FUNCTIONS(DL_MEMBER)
	PANGOCAIRO_FUNCTIONS(DL_MEMBER)
} pdf;
#define PDF_ENTRY(f) DL_ENTRY(pdf, f)
static const struct dl_sym cairo_syms[] = { CAIRO_FUNCTIONS(PDF_ENTRY) };
static const struct dl_sym gobject_syms[] = { GOBJECT_FUNCTIONS(PDF_ENTRY) };
static const struct dl_sym pango_syms[] = { PANGO_FUNCTIONS(PDF_ENTRY) };
static const struct dl_sym pangocairo_syms[] = { PANGOCAIRO_FUNCTIONS(PDF_ENTRY) };
static struct dl_lib pdf_libs[] = {
	DL_LIB("libcairo.so.2", "pdf_unavailable", "a PDF", cairo_syms),
	DL_LIB("libgobject-2.0.so.0", "pdf_unavailable", "a PDF", gobject_syms),
	DL_LIB("libpango-1.0.so.0", "pdf_unavailable", "a PDF", pango_syms),
	DL_LIB("libpangocairo-1.0.so.0", "pdf_unavailable", "a PDF", pangocairo_syms),
};

/* Each call below goes through its pointer (after the tables, which name the members). */
#define cairo_arc pdf.cairo_arc
#define cairo_close_path pdf.cairo_close_path
#define cairo_create pdf.cairo_create
#define cairo_destroy pdf.cairo_destroy
#define cairo_fill pdf.cairo_fill
#define cairo_fill_preserve pdf.cairo_fill_preserve
#define cairo_line_to pdf.cairo_line_to
#define cairo_move_to pdf.cairo_move_to
#define cairo_new_path pdf.cairo_new_path
#define cairo_pdf_surface_create_for_stream pdf.cairo_pdf_surface_create_for_stream
#define cairo_pdf_surface_set_metadata pdf.cairo_pdf_surface_set_metadata
#define cairo_rectangle pdf.cairo_rectangle
#define cairo_restore pdf.cairo_restore
#define cairo_rotate pdf.cairo_rotate
#define cairo_save pdf.cairo_save
#define cairo_set_dash pdf.cairo_set_dash
#define cairo_set_line_join pdf.cairo_set_line_join
#define cairo_set_line_width pdf.cairo_set_line_width
#define cairo_set_source_rgb pdf.cairo_set_source_rgb
#define cairo_show_page pdf.cairo_show_page
#define cairo_status pdf.cairo_status
#define cairo_stroke pdf.cairo_stroke
#define cairo_surface_destroy pdf.cairo_surface_destroy
#define cairo_surface_finish pdf.cairo_surface_finish
#define cairo_surface_status pdf.cairo_surface_status
#define cairo_translate pdf.cairo_translate
#define g_object_unref pdf.g_object_unref
#define pango_font_description_free pdf.pango_font_description_free
#define pango_font_description_from_string pdf.pango_font_description_from_string
#define pango_font_description_set_absolute_size pdf.pango_font_description_set_absolute_size
#define pango_font_description_set_weight pdf.pango_font_description_set_weight
#define pango_layout_get_iter pdf.pango_layout_get_iter
#define pango_layout_get_size pdf.pango_layout_get_size
#define pango_layout_iter_free pdf.pango_layout_iter_free
#define pango_layout_iter_get_baseline pdf.pango_layout_iter_get_baseline
#define pango_layout_iter_get_line_readonly pdf.pango_layout_iter_get_line_readonly
#define pango_layout_iter_get_line_yrange pdf.pango_layout_iter_get_line_yrange
#define pango_layout_iter_next_line pdf.pango_layout_iter_next_line
#define pango_layout_set_alignment pdf.pango_layout_set_alignment
#define pango_layout_set_font_description pdf.pango_layout_set_font_description
#define pango_layout_set_text pdf.pango_layout_set_text
#define pango_layout_set_width pdf.pango_layout_set_width
#define pango_layout_set_wrap pdf.pango_layout_set_wrap
#define pango_cairo_create_layout pdf.pango_cairo_create_layout
#define pango_cairo_show_layout pdf.pango_cairo_show_layout
#define pango_cairo_show_layout_line pdf.pango_cairo_show_layout_line
#define pango_cairo_update_layout pdf.pango_cairo_update_layout

/* cairo, gobject, pango and pangocairo, loaded once for the process (kept until it ends). */
static int pdf_load(struct err *err)
{
	for (size_t i = 0; i < sizeof(pdf_libs) / sizeof(pdf_libs[0]); i++)
		if (dl_load(&pdf_libs[i], err))
			return -1;
	return 0;
}

/*
 * Under AddressSanitizer, what LeakSanitizer leaves out at exit: fontconfig's
 * and cairo's own caches and cairo 1.16's few hundred bytes kept by each PDF
 * surface it finishes (a leak of cairo's, reported upstream; not ours: every
 * cairo_t, surface, layout and font description here is released). A build
 * without the sanitizer never calls it.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\nleak:libcairo.so\n";
}

/* --- the page ------------------------------------------------------------ */

#define PAGE_W 595.276 /* A4, points */
#define PAGE_H 841.890
#define MARGIN_X 50.0
#define MARGIN_TOP 58.0
#define MARGIN_BOTTOM 62.0
#define BODY_W (PAGE_W - 2 * MARGIN_X)
#define BODY_BOTTOM (PAGE_H - MARGIN_BOTTOM)

#define FONT "Noto Sans CJK SC"
#define NAVY 0x12324Fu
#define BRAND 0x1F4E79u
#define INK 0x1F2937u
#define MUTED 0x6B7280u
#define RULE 0xD5DCE4u
#define ZEBRA 0xF4F6F9u

#define CELL 8.3   /* table text, points */
#define PAD_X 5.0  /* a cell's inner margins */
#define PAD_Y 3.6
#define CHART_H 215.0
#define MAX_COLS 64 /* a table's columns drawn */

struct pdf {
	const struct rdoc *d;
	cairo_t *cr;
	PangoLayout *layout;   /* every short text */
	PangoLayout *para;     /* a paragraph being set line by line */
	PangoFontDescription *font;
	int page, pages;       /* this page (1-based); all (0 in the counting pass) */
	double y;              /* the next line's top on this page */
};

static void colour(struct pdf *p, unsigned rgb)
{
	cairo_set_source_rgb(p->cr, (rgb >> 16 & 0xFF) / 255.0, (rgb >> 8 & 0xFF) / 255.0,
			     (rgb & 0xFF) / 255.0);
}

/* Set s in l at size points (bold or not), wrapped at width (<= 0: one line), aligned. */
static void set_text(struct pdf *p, PangoLayout *l, const char *s, double size, int bold,
		     double width, PangoAlignment align)
{
	pango_font_description_set_absolute_size(p->font, size * PANGO_SCALE);
	pango_font_description_set_weight(p->font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, p->font);
	pango_layout_set_width(l, width > 0 ? (int)(width * PANGO_SCALE) : -1);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, align);
	pango_layout_set_text(l, s ? s : "", -1);
}

static void layout_size(PangoLayout *l, double *w, double *h)
{
	int iw, ih;
	pango_layout_get_size(l, &iw, &ih);
	if (w)
		*w = (double)iw / PANGO_SCALE;
	if (h)
		*h = (double)ih / PANGO_SCALE;
}

/* The height s takes at size in width. */
static double text_height(struct pdf *p, const char *s, double size, int bold, double width)
{
	double h;
	set_text(p, p->layout, s, size, bold, width, PANGO_ALIGN_LEFT);
	layout_size(p->layout, NULL, &h);
	return h;
}

static double text_width(struct pdf *p, const char *s, double size, int bold)
{
	double w;
	set_text(p, p->layout, s, size, bold, 0, PANGO_ALIGN_LEFT);
	layout_size(p->layout, &w, NULL);
	return w;
}

/* Draw s with its top left at (x, y), wrapped at width; returns its height. */
static double draw_text(struct pdf *p, double x, double y, const char *s, double size, int bold,
			unsigned rgb, double width, PangoAlignment align)
{
	double h;
	set_text(p, p->layout, s, size, bold, width, align);
	layout_size(p->layout, NULL, &h);
	colour(p, rgb);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, p->layout);
	return h;
}

static void fill_rect(struct pdf *p, double x, double y, double w, double h, unsigned rgb)
{
	colour(p, rgb);
	cairo_rectangle(p->cr, x, y, w, h);
	cairo_fill(p->cr);
}

static void hline(struct pdf *p, double x1, double x2, double y, double width, unsigned rgb)
{
	colour(p, rgb);
	cairo_set_line_width(p->cr, width);
	cairo_move_to(p->cr, x1, y);
	cairo_line_to(p->cr, x2, y);
	cairo_stroke(p->cr);
}

/* The running header (after the first page) and the footer with the page number. */
static void page_furniture(struct pdf *p)
{
	char num[96], at[32];

	if (p->page > 1) {
		draw_text(p, MARGIN_X, 30, p->d->title, 7.5, 0, MUTED, BODY_W - 80, PANGO_ALIGN_LEFT);
		hline(p, MARGIN_X, PAGE_W - MARGIN_X, 44, 0.5, RULE);
	}
	if (p->d->interim) { /* every printed page says the figures are not final */
		const char *tag = render_word(p->d, RW_INTERIM_TAG);
		double tw = text_width(p, tag, 7.5, 1) + 10;
		fill_rect(p, PAGE_W - MARGIN_X - tw, 27, tw, 13, 0xFEF3C7);
		draw_text(p, PAGE_W - MARGIN_X - tw + 5, 29, tag, 7.5, 1, 0x92400E, 0, PANGO_ALIGN_LEFT);
	}
	hline(p, MARGIN_X, PAGE_W - MARGIN_X, PAGE_H - 44, 0.5, RULE);
	snprintf(num, sizeof(num), render_word(p->d, RW_PAGE), p->page, p->pages ? p->pages : 1);
	draw_text(p, MARGIN_X, PAGE_H - 38, num, 7.5, 0, MUTED, BODY_W, PANGO_ALIGN_RIGHT);
	ts_format(p->d->generated_at, at);
	snprintf(num, sizeof(num), "%s %.10s %.5s UTC", render_word(p->d, RW_GENERATED), at,
		 at + 11);
	draw_text(p, MARGIN_X, PAGE_H - 38, num, 7.5, 0, MUTED, BODY_W, PANGO_ALIGN_LEFT);
}

static void new_page(struct pdf *p)
{
	page_furniture(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = MARGIN_TOP;
}

/* Start a new page unless h more points fit on this one (below what is already there). */
static void need(struct pdf *p, double h)
{
	if (p->y + h > BODY_BOTTOM && p->y > MARGIN_TOP + 1)
		new_page(p);
}

/* --- charts through cairo (render_chart()'s canvas) --------------------------- */

static void cv_rect(void *ctx, double x, double y, double w, double h, unsigned rgb)
{
	fill_rect(ctx, x, y, w, h, rgb);
}

static void cv_line(void *ctx, double x1, double y1, double x2, double y2, double width,
		    unsigned rgb, int dashed)
{
	struct pdf *p = ctx;
	static const double dash[] = { 3.0, 3.0 };
	colour(p, rgb);
	cairo_set_line_width(p->cr, width);
	cairo_set_dash(p->cr, dash, dashed ? 2 : 0, 0);
	cairo_move_to(p->cr, x1, y1);
	cairo_line_to(p->cr, x2, y2);
	cairo_stroke(p->cr);
	cairo_set_dash(p->cr, dash, 0, 0);
}

static void cv_polyline(void *ctx, const double *xy, size_t n, double width, unsigned rgb)
{
	struct pdf *p = ctx;
	size_t i;
	colour(p, rgb);
	cairo_set_line_width(p->cr, width);
	cairo_set_line_join(p->cr, CAIRO_LINE_JOIN_ROUND);
	for (i = 0; i < n; i++)
		(i ? cairo_line_to : cairo_move_to)(p->cr, xy[2 * i], xy[2 * i + 1]);
	cairo_stroke(p->cr);
}

static void cv_dot(void *ctx, double x, double y, double r, unsigned rgb)
{
	struct pdf *p = ctx;
	cairo_new_path(p->cr);
	cairo_arc(p->cr, x, y, r, 0, 2 * M_PI);
	cairo_close_path(p->cr);
	colour(p, 0xFFFFFF);
	cairo_fill_preserve(p->cr);
	colour(p, rgb);
	cairo_set_line_width(p->cr, 1.4);
	cairo_stroke(p->cr);
}

static void cv_text(void *ctx, double x, double y, const char *s, double size, int anchor,
		    int bold, unsigned rgb, double angle)
{
	struct pdf *p = ctx;
	double w, h;

	set_text(p, p->layout, s, size, bold, 0, PANGO_ALIGN_LEFT);
	layout_size(p->layout, &w, &h);
	cairo_save(p->cr);
	cairo_translate(p->cr, x, y);
	if (angle != 0)
		cairo_rotate(p->cr, angle * M_PI / 180.0);
	pango_cairo_update_layout(p->cr, p->layout);
	colour(p, rgb);
	cairo_move_to(p->cr, anchor < 0 ? 0 : anchor ? -w : -w / 2, -h / 2);
	pango_cairo_show_layout(p->cr, p->layout);
	cairo_restore(p->cr);
	pango_cairo_update_layout(p->cr, p->layout);
}

static double cv_text_width(void *ctx, const char *s, double size, int bold)
{
	return text_width(ctx, s, size, bold);
}

static void block_title(struct pdf *p, const char *title)
{
	p->y += draw_text(p, MARGIN_X, p->y, title, 10.0, 1, INK, BODY_W, PANGO_ALIGN_LEFT) + 4;
}

static void chart(struct pdf *p, const struct rchart *c)
{
	const struct render_canvas cv = { p, cv_rect, cv_line, cv_polyline, cv_dot, cv_text,
					  cv_text_width };
	double th = c->title ? text_height(p, c->title, 10.0, 1, BODY_W) + 4 : 0;

	need(p, th + CHART_H);
	if (c->title)
		block_title(p, c->title);
	render_chart(p->d, c, &cv, MARGIN_X, p->y, BODY_W, CHART_H);
	p->y += CHART_H + 12;
}

/* --- tables ------------------------------------------------------------------ */

/* A cell's text: a text cell's own (whole: a lesson runs to thousands of bytes), else
 * the figure formatted into buf. */
static const char *cell_str(const struct pdf *p, const struct rcell *x, char *buf, size_t size)
{
	if (x->type == RC_TEXT)
		return x->s ? x->s : "";
	rdoc_cell_text(p->d, x, buf, size);
	return buf;
}

/* The columns' widths into w (their minimums after them, from w + MAX_COLS): natural,
 * then fitted to the body's width (figures do not wrap). */
static void column_widths(struct pdf *p, const struct rtable *t, double *w)
{
	char cell[512];
	double nat_sum = 0, min_sum = 0, *minw = w + MAX_COLS;
	size_t r, c, rows = t->nrows < 400 ? t->nrows : 400;
	size_t n = t->ncols < MAX_COLS ? t->ncols : MAX_COLS;

	for (c = 0; c < n; c++) {
		double hw = text_width(p, t->cols[c].label, CELL, 1), cw = 0;
		for (r = 0; r < rows; r++) {
			const struct rcell *x = &t->cells[r * t->ncols + c];
			double tw;
			tw = text_width(p, cell_str(p, x, cell, sizeof(cell)), CELL, 0);
			cw = tw > cw ? tw : cw;
		}
		w[c] = (hw > cw ? hw : cw) + 2 * PAD_X;
		if (render_is_figure(t->cols[c].type))
			w[c] += 12; /* air between figures side by side */
		if (t->cols[c].type == RC_TEXT || t->cols[c].type == RC_NONE)
			minw[c] = w[c] < 56 ? w[c] : 56;
		else /* a figure keeps its width; its label may wrap */
			minw[c] = cw + 2 * PAD_X > 34 ? cw + 2 * PAD_X : 34;
		if (minw[c] > w[c])
			minw[c] = w[c];
		nat_sum += w[c];
		min_sum += minw[c];
	}
	if (nat_sum <= BODY_W) {
		/* the room left goes to the text columns (labels left, figures right, as in a
		 * statement), or to every column when there is none */
		double text_sum = 0;
		for (c = 0; c < n; c++)
			if (!render_is_figure(t->cols[c].type))
				text_sum += w[c];
		for (c = 0; c < n; c++)
			if (text_sum == 0)
				w[c] *= BODY_W / nat_sum;
			else if (!render_is_figure(t->cols[c].type))
				w[c] += (BODY_W - nat_sum) * w[c] / text_sum;
	} else if (min_sum <= BODY_W) {
		/* take the excess from the figures' air first, then from the text columns */
		double over = nat_sum - BODY_W;
		for (int pass = 0; pass < 2 && over > 0; pass++) {
			double slack = 0, take;
			for (c = 0; c < n; c++)
				if ((render_is_figure(t->cols[c].type) != 0) != pass)
					slack += w[c] - minw[c];
			if (slack <= 0)
				continue;
			take = over < slack ? over : slack;
			for (c = 0; c < n; c++)
				if ((render_is_figure(t->cols[c].type) != 0) != pass)
					w[c] -= (w[c] - minw[c]) * take / slack;
			over -= take;
		}
	} else {
		for (c = 0; c < n; c++)
			w[c] = minw[c] * BODY_W / min_sum;
	}
}

static double header_height(struct pdf *p, const struct rtable *t, const double *w)
{
	double h = 0, th;
	size_t c;
	for (c = 0; c < t->ncols; c++) {
		th = text_height(p, t->cols[c].label, CELL, 1, w[c] - 2 * PAD_X);
		h = th > h ? th : h;
	}
	return h + 2 * PAD_Y;
}

static void draw_header(struct pdf *p, const struct rtable *t, const double *w, double h)
{
	double x = MARGIN_X;
	size_t c;

	fill_rect(p, MARGIN_X, p->y, BODY_W, h, BRAND);
	for (c = 0; c < t->ncols; c++) {
		int fig = render_is_figure(t->cols[c].type);
		set_text(p, p->layout, t->cols[c].label, CELL, 1, w[c] - 2 * PAD_X,
			 fig ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
		double th;
		layout_size(p->layout, NULL, &th);
		colour(p, 0xFFFFFF);
		/* labels sit on the row's bottom, as the figures under them */
		cairo_move_to(p->cr, x + PAD_X, p->y + h - PAD_Y - th);
		pango_cairo_show_layout(p->cr, p->layout);
		x += w[c];
	}
	p->y += h;
}

static void table(struct pdf *p, const struct rtable *t)
{
	char cell[512];
	double w[2 * MAX_COLS], hh, title_h;
	size_t r, c, ncols = t->ncols < MAX_COLS ? t->ncols : MAX_COLS;
	struct rtable clipped = *t; /* the columns drawn (a report table has a dozen at most) */

	if (!ncols)
		return;
	clipped.ncols = ncols;
	column_widths(p, t, w);
	hh = header_height(p, &clipped, w);
	title_h = t->title ? text_height(p, t->title, 10.0, 1, BODY_W) + 4 : 0;
	/* the title, the header and two rows together */
	need(p, title_h + hh + 2 * (CELL * 1.5 + 2 * PAD_Y));
	if (t->title)
		block_title(p, t->title);
	draw_header(p, &clipped, w, hh);
	for (r = 0; r < t->nrows; r++) {
		const struct rcell *row = &t->cells[r * t->ncols];
		double rh = 0, x = MARGIN_X;
		for (c = 0; c < ncols; c++) {
			double th;
			th = text_height(p, cell_str(p, &row[c], cell, sizeof(cell)), CELL, 0,
					 w[c] - 2 * PAD_X);
			rh = th > rh ? th : rh;
		}
		rh += 2 * PAD_Y;
		if (p->y + rh > BODY_BOTTOM) {
			char more[512];
			new_page(p);
			if (t->title) {
				snprintf(more, sizeof(more), "%s%s", t->title,
					 render_word(p->d, RW_CONTINUED));
				p->y += draw_text(p, MARGIN_X, p->y, more, 8.5, 1, MUTED, BODY_W,
						  PANGO_ALIGN_LEFT) +
					3;
			}
			draw_header(p, &clipped, w, hh);
		}
		if (r % 2)
			fill_rect(p, MARGIN_X, p->y, BODY_W, rh, ZEBRA);
		for (c = 0; c < ncols; c++) {
			const struct rcell *x_ = &row[c];
			draw_text(p, x + PAD_X, p->y + PAD_Y, cell_str(p, x_, cell, sizeof(cell)),
				  CELL, 0,
				  x_->type == RC_NONE ? MUTED : INK, w[c] - 2 * PAD_X,
				  x_->type == RC_NONE	      ? PANGO_ALIGN_CENTER
				  : render_is_figure(x_->type) ? PANGO_ALIGN_RIGHT
								: PANGO_ALIGN_LEFT);
			x += w[c];
		}
		p->y += rh;
		hline(p, MARGIN_X, MARGIN_X + BODY_W, p->y, 0.4, RULE);
	}
	p->y += 14;
}

/* --- paragraphs, line by line (a long one goes on over the page) --------------- */

static void paragraph(struct pdf *p, const char *s, size_t len)
{
	PangoLayoutIter *it;
	double top;
	int more;

	set_text(p, p->para, "", 9.5, 0, BODY_W, PANGO_ALIGN_LEFT);
	pango_layout_set_text(p->para, s, (int)len);
	it = pango_layout_get_iter(p->para);
	do {
		int y0, y1, base;
		pango_layout_iter_get_line_yrange(it, &y0, &y1);
		base = pango_layout_iter_get_baseline(it);
		double lh = (double)(y1 - y0) / PANGO_SCALE * 1.25;
		need(p, lh);
		top = p->y;
		colour(p, INK);
		cairo_move_to(p->cr, MARGIN_X, top + (double)(base - y0) / PANGO_SCALE);
		pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
		p->y += lh;
		more = pango_layout_iter_next_line(it);
	} while (more);
	pango_layout_iter_free(it);
	p->y += 6;
}

static void paragraphs(struct pdf *p, const char *text)
{
	const char *s = text, *para;
	size_t len;

	while ((para = render_paragraph(&s, &len)))
		paragraph(p, para, len);
	p->y += 6;
}

/* --- the document -------------------------------------------------------------- */

static void title_block(struct pdf *p)
{
	const struct rdoc *d = p->d;

	fill_rect(p, MARGIN_X, p->y, 36, 4, BRAND);
	p->y += 12;
	p->y += draw_text(p, MARGIN_X, p->y, d->title, 20.0, 1, NAVY, BODY_W, PANGO_ALIGN_LEFT) + 4;
	if (d->subtitle)
		p->y += draw_text(p, MARGIN_X, p->y, d->subtitle, 9.5, 0, MUTED, BODY_W,
				  PANGO_ALIGN_LEFT) +
			4;
	p->y += 6;
	hline(p, MARGIN_X, PAGE_W - MARGIN_X, p->y, 1.2, BRAND);
	p->y += 14;
	if (d->interim) {
		const char *note = d->interim_note ? d->interim_note : render_word(d, RW_INTERIM);
		double h = text_height(p, note, 9.5, 1, BODY_W - 24) + 14;
		fill_rect(p, MARGIN_X, p->y, BODY_W, h, 0xFEF3C7);
		fill_rect(p, MARGIN_X, p->y, 4, h, 0xD97706);
		draw_text(p, MARGIN_X + 14, p->y + 7, note, 9.5, 1, 0x78350F, BODY_W - 24,
			  PANGO_ALIGN_LEFT);
		p->y += h + 16;
	}
}

static void section_heading(struct pdf *p, const struct rsection *s)
{
	double h = text_height(p, s->title, 14.0, 1, BODY_W);
	/* a heading is kept with what follows it */
	need(p, h + 90);
	if (p->y > MARGIN_TOP + 1)
		p->y += 8;
	fill_rect(p, MARGIN_X, p->y + 2, 3.5, h - 4, BRAND);
	draw_text(p, MARGIN_X + 10, p->y, s->title, 14.0, 1, NAVY, BODY_W - 10, PANGO_ALIGN_LEFT);
	p->y += h + 10;
}

/* Lay the whole document out on cr; returns the pages it took. */
static int layout_doc(struct pdf *p)
{
	size_t s, k;

	p->page = 1;
	p->y = MARGIN_TOP;
	title_block(p);
	for (s = 0; s < p->d->nsections; s++) {
		const struct rsection *sec = &p->d->sections[s];
		section_heading(p, sec);
		for (k = 0; k < sec->nblocks; k++) {
			const struct rblock *b = &sec->blocks[k];
			if (b->kind == RB_TABLE)
				table(p, b->table);
			else if (b->kind == RB_CHART)
				chart(p, b->chart);
			else
				paragraphs(p, b->text);
		}
	}
	page_furniture(p);
	cairo_show_page(p->cr);
	return p->page;
}

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int len)
{
	return buf_add(closure, data, len) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

static cairo_status_t to_nowhere(void *closure, const unsigned char *data, unsigned int len)
{
	(void)closure;
	(void)data;
	(void)len;
	return CAIRO_STATUS_SUCCESS;
}

/* One pass: lay d out as a PDF written by write to closure; the pages it took, or -1. */
static int pass(const struct rdoc *d, int pages, cairo_write_func_t write, void *closure)
{
	cairo_surface_t *surface;
	struct pdf p = { 0 };
	int n = -1;

	surface = cairo_pdf_surface_create_for_stream(write, closure, PAGE_W, PAGE_H);
	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS)
		goto out;
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, d->title ? d->title : "");
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "salespm");
	p.d = d;
	p.pages = pages;
	p.cr = cairo_create(surface);
	p.layout = pango_cairo_create_layout(p.cr);
	p.para = pango_cairo_create_layout(p.cr);
	p.font = pango_font_description_from_string(FONT);
	n = layout_doc(&p);
	if (cairo_status(p.cr) != CAIRO_STATUS_SUCCESS)
		n = -1;
	pango_font_description_free(p.font);
	g_object_unref(p.para);
	g_object_unref(p.layout);
	cairo_destroy(p.cr);
	cairo_surface_finish(surface);
	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS)
		n = -1;
out:
	cairo_surface_destroy(surface);
	return n;
}

int render_pdf(const struct rdoc *d, struct buf *out, struct err *err)
{
	/* fontconfig and pango's font maps are not for two threads at once */
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	int pages, rc = 0;

	if (pdf_load(err))
		return -1;
	pthread_mutex_lock(&lock);
	pages = pass(d, 0, to_nowhere, NULL);
	if (pages > 0)
		pages = pass(d, pages, to_buf, out);
	pthread_mutex_unlock(&lock);
	if (out->overflow)
		rc = err_set(err, ERR_TOO_LARGE, NULL, "too_large", "the report is too large");
	else if (pages < 0)
		rc = err_set(err, ERR_INTERNAL, NULL, "internal", "cairo could not write the PDF");
	return rc;
}
