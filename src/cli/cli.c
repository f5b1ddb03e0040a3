/*
 * cli.c - option parsing, tables, progress bar and file helpers for commands.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/date.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "base/banned.h"

struct cli_opt *cli_optp(struct cli_opt *opts, const char *name)
{
	for (struct cli_opt *o = opts; o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

const char *cli_opt(struct cli_opt *opts, const char *name)
{
	struct cli_opt *o = cli_optp(opts, name);
	return o && o->set ? (o->value ? o->value : "") : NULL;
}

static const char *cmd_name(struct cli *c, char *buf, size_t len)
{
	if (!c->cmd)
		return "salespm";
	if (c->cmd->verb)
		snprintf(buf, len, "salespm %s %s", c->cmd->noun, c->cmd->verb);
	else
		snprintf(buf, len, "salespm %s", c->cmd->noun);
	return buf;
}

int cli_parse(struct cli *c, int argc, char **argv, struct cli_opt *opts, const char **pos,
	      int minpos, int maxpos, int *npos, struct err *err)
{
	char name[64];
	int n = 0;

	*npos = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		struct cli_opt *o = NULL;
		const char *val = NULL;
		if (!strcmp(a, "--")) {
			for (i++; i < argc; i++) {
				if (n >= maxpos)
					return err_set(err, ERR_USAGE, NULL, "usage",
						       "too many arguments for `%s` (see --help)",
						       cmd_name(c, name, sizeof(name)));
				pos[n++] = argv[i];
			}
			break;
		}
		if (a[0] == '-' && a[1] == '-' && a[2]) {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			for (struct cli_opt *p = opts; p->name; p++)
				if (strlen(p->name) == len && !strncmp(p->name, a + 2, len))
					o = p;
			if (!o)
				return err_set(err, ERR_USAGE, NULL, "usage",
					       "unknown option %.*s for `%s` (see --help)",
					       (int)(len + 2), a, cmd_name(c, name, sizeof(name)));
			if (eq)
				val = eq + 1;
		} else if (a[0] == '-' && a[1] && a[1] != '-' && !a[2] &&
			   !(a[1] >= '0' && a[1] <= '9')) {
			for (struct cli_opt *p = opts; p->name; p++)
				if (p->shortname == a[1])
					o = p;
			if (!o)
				return err_set(err, ERR_USAGE, NULL, "usage",
					       "unknown option %s for `%s` (see --help)", a,
					       cmd_name(c, name, sizeof(name)));
		} else {
			if (n >= maxpos)
				return err_set(err, ERR_USAGE, NULL, "usage",
					       "unexpected argument \"%s\" for `%s` (see --help)", a,
					       cmd_name(c, name, sizeof(name)));
			pos[n++] = a;
			continue;
		}
		if (o->kind == OPT_FLAG) {
			if (val)
				return err_set(err, ERR_USAGE, o->name, "usage", "--%s takes no value",
					       o->name);
			o->set = 1;
			continue;
		}
		if (!val) {
			if (i + 1 >= argc)
				return err_set(err, ERR_USAGE, o->name, "usage", "--%s needs a value",
					       o->name);
			val = argv[++i];
		}
		if (o->kind == OPT_VALUE) {
			if (o->set)
				return err_set(err, ERR_USAGE, o->name, "usage", "--%s is given twice",
					       o->name);
			o->value = val;
		} else {
			if (o->nvalues >= 16)
				return err_set(err, ERR_USAGE, o->name, "usage", "--%s is given too often",
					       o->name);
			o->values[o->nvalues++] = val;
			o->value = val;
		}
		o->set = 1;
	}
	if (n < minpos)
		return err_set(err, ERR_USAGE, NULL, "usage", "`%s` needs %d argument%s (see --help)",
			       cmd_name(c, name, sizeof(name)), minpos, minpos == 1 ? "" : "s");
	*npos = n;
	return 0;
}

int cli_money(const char *s, const char *opt, int64_t *out, struct err *err)
{
	return money_parse(s, strlen(s), out, opt, err);
}

int cli_date(const char *s, const char *opt, int32_t *out, struct err *err)
{
	return date_parse(s, strlen(s), out, opt, err);
}

int cli_int(const char *s, const char *opt, int64_t *out, struct err *err)
{
	return int_parse(s, strlen(s), out, opt, err);
}

int cli_read_file(const char *path, struct buf *out, size_t max, struct err *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char chunk[65536];
	struct stat sb;
	size_t n;

	if (!f)
		return err_set(err, errno == ENOENT ? ERR_NOT_FOUND : ERR_INVALID, "file", "file_open",
			       "cannot open %s: %s", path, strerror(errno));
	buf_init(out, max);
	/* a file of known size: read into one block (a 1 GB import is copied once, not twice) */
	if (!fstat(fileno(f), &sb) && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
	    (uint64_t)sb.st_size < max && !buf_reserve(out, (size_t)sb.st_size)) {
		while (out->len + 1 < out->alloc &&
		       (n = fread(out->p + out->len, 1, out->alloc - out->len - 1, f)) > 0)
			out->len += n;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_add(out, chunk, n)) {
			if (f != stdin)
				fclose(f);
			buf_release(out);
			return err_set(err, ERR_TOO_LARGE, "file", "file_too_large", "%s is larger than %zu bytes",
				       path, max);
		}
	}
	if (ferror(f)) {
		if (f != stdin)
			fclose(f);
		buf_release(out);
		return err_set(err, ERR_INVALID, "file", "file_read", "cannot read %s", path);
	}
	if (f != stdin)
		fclose(f);
	/* read straight into the block above: terminated here (the block keeps a byte for it) */
	if (out->p)
		out->p[out->len] = '\0';
	return 0;
}

int cli_read_password(const char *path, char *out, size_t outlen, struct err *err)
{
	struct buf b;
	size_t len;

	if (cli_read_file(path, &b, 4096, err))
		return -1;
	len = strcspn(buf_cstr(&b), "\r\n");
	if (len >= outlen) {
		buf_release(&b);
		return err_set(err, ERR_INVALID, "password-file", "too_long", "the password is too long");
	}
	memcpy(out, buf_cstr(&b), len);
	out[len] = '\0';
	buf_release(&b);
	return 0;
}

void cli_print_json(struct buf *b)
{
	fwrite(buf_cstr(b), 1, b->len, stdout);
	fputc('\n', stdout);
}

/* --- tables ------------------------------------------------------------- */

void cli_table_init(struct cli_table *t, int ncols, const char *const *head, const int *right)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	for (int i = 0; i < ncols; i++) {
		t->head[i] = head[i];
		t->right[i] = right ? right[i] : 0;
	}
}

void cli_table_row(struct cli_table *t, const char *const *cells)
{
	ALLOC_GROW(t->cells, (t->nrows + 1) * (size_t)t->ncols, t->alloc);
	for (int i = 0; i < t->ncols; i++)
		t->cells[t->nrows * (size_t)t->ncols + (size_t)i] = xstrdup(cells[i] ? cells[i] : "");
	t->nrows++;
}

static unsigned decode(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned c = *s;
	if (c < 0x80) {
		*p = s + 1;
		return c;
	}
	if ((c & 0xE0) == 0xC0 && s[1]) {
		*p = s + 2;
		return ((c & 0x1F) << 6) | (s[1] & 0x3F);
	}
	if ((c & 0xF0) == 0xE0 && s[1] && s[2]) {
		*p = s + 3;
		return ((c & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
	}
	if ((c & 0xF8) == 0xF0 && s[1] && s[2] && s[3]) {
		*p = s + 4;
		return ((c & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) |
		       (s[3] & 0x3F);
	}
	*p = s + 1;
	return '?';
}

int cli_width(const char *str)
{
	const unsigned char *p = (const unsigned char *)str;
	int w = 0;
	while (*p) {
		unsigned c = decode(&p);
		if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
		    (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
		    (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
		    (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1FAFF) ||
		    (c >= 0x20000 && c <= 0x3FFFD))
			w += 2;
		else if (c >= 0x20)
			w += 1;
	}
	return w;
}

static void pad(FILE *f, int n)
{
	while (n-- > 0)
		fputc(' ', f);
}

void cli_table_print(struct cli_table *t, FILE *f)
{
	int width[16];
	for (int c = 0; c < t->ncols; c++) {
		width[c] = cli_width(t->head[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			int w = cli_width(t->cells[r * (size_t)t->ncols + (size_t)c]);
			if (w > width[c])
				width[c] = w;
		}
	}
	for (int c = 0; c < t->ncols; c++) {
		int w = cli_width(t->head[c]);
		if (t->right[c])
			pad(f, width[c] - w);
		fputs(t->head[c], f);
		if (c + 1 < t->ncols) {
			if (!t->right[c])
				pad(f, width[c] - w);
			fputs("  ", f);
		}
	}
	fputc('\n', f);
	for (size_t r = 0; r < t->nrows; r++) {
		for (int c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[r * (size_t)t->ncols + (size_t)c];
			int w = cli_width(cell);
			if (t->right[c])
				pad(f, width[c] - w);
			fputs(cell, f);
			if (c + 1 < t->ncols) {
				if (!t->right[c])
					pad(f, width[c] - w);
				fputs("  ", f);
			}
		}
		fputc('\n', f);
	}
}

void cli_table_release(struct cli_table *t)
{
	for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->alloc = 0;
}

/* --- progress --------------------------------------------------------------- */

void cli_progress(struct cli *c, const char *what, uint64_t done, uint64_t total)
{
	static int last = -1;
	int pct, fill;
	if (!c->tty || c->json || total == 0)
		return;
	pct = (int)(done * 100 / total);
	if (pct == last)
		return;
	last = pct;
	fill = pct * 30 / 100;
	fprintf(stderr, "\r%s [", what);
	for (int i = 0; i < 30; i++)
		fputc(i < fill ? '#' : '.', stderr);
	fprintf(stderr, "] %3d%%", pct);
	fflush(stderr);
}

void cli_progress_end(struct cli *c)
{
	if (!c->tty || c->json)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
}

void cli_note(struct cli *c, const char *fmt, ...)
{
	va_list ap;
	(void)c;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
