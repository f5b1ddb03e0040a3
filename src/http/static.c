/*
 * static.c - the web UI's files: embedded in the binary under web/dist/ (the
 * release path) or read from --web-dir (development), with precompressed
 * ".gz" variants for clients that accept gzip and index.html for every
 * client-side route. And the docs at /docs/: docs/NAME.md rendered at build time
 * (scripts/build-docs, embedded under build/docs/) and their screenshots
 * (embedded from docs/img/), always from the binary; a missing page is a 404.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "http/http.h"
#include "store/embedded.h"
#include "base/banned.h"

/* Larger files are not served from --web-dir (it is for development). */
#define WEB_DIR_FILE_MAX (64u << 20)

static const char NOT_BUILT[] =
	"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	"<title>salespm</title></head>\n<body><h1>salespm</h1>\n"
	"<p>The web UI is not built into this binary yet. The JSON API is at "
	"<a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>.</p>\n"
	"<p>界面尚未构建。JSON API 说明见 /api/v1/openapi.json。</p>\n</body></html>\n";

static const char NOT_FOUND[] = "not found\n";

static const struct {
	const char *ext, *type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".json", "application/json; charset=utf-8" },
	{ ".map", "application/json; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".jpeg", "image/jpeg" },
	{ ".gif", "image/gif" },
	{ ".webp", "image/webp" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".woff", "font/woff" },
	{ ".ttf", "font/ttf" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".wasm", "application/wasm" },
};

static const char *type_of(const char *path)
{
	size_t n = strlen(path);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t e = strlen(types[i].ext);
		if (n >= e && !strcasecmp(path + n - e, types[i].ext))
			return types[i].type;
	}
	return "application/octet-stream";
}

/* Whether rel is a plain relative path: no "..", no empty or hidden segments. */
static int safe_path(const char *rel)
{
	const char *seg = rel;
	if (!*rel)
		return 0;
	for (;;) {
		const char *end = strchr(seg, '/');
		size_t len = end ? (size_t)(end - seg) : strlen(seg);
		if (len == 0 || seg[0] == '.')
			return 0;
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)seg[i] < 0x20 || seg[i] == '\\')
				return 0;
		if (!end)
			return 1;
		seg = end + 1;
	}
}

static const struct embedded_file *embedded_under(const char *dir, const char *rel,
						  const char *suffix)
{
	char want[512];
	if (snprintf(want, sizeof(want), "%s/%s%s", dir, rel, suffix) >= (int)sizeof(want))
		return NULL;
	for (const struct embedded_file *f = embedded_files; f->path; f++)
		if (!strcmp(f->path, want))
			return f;
	return NULL;
}

/* Read web_dir/rel+suffix into out->owned; 0 when found. */
static int from_dir(const char *web_dir, const char *rel, const char *suffix,
		    struct static_file *out)
{
	char path[1024];
	struct stat sb;
	unsigned char *p;
	size_t got = 0;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s%s", web_dir, rel, suffix) >= (int)sizeof(path))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || (size_t)sb.st_size > WEB_DIR_FILE_MAX) {
		close(fd);
		return -1;
	}
	p = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, p + got, (size_t)sb.st_size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	out->owned = p;
	out->data = p;
	out->len = got;
	return 0;
}

/* Look rel up (gzip variant first when accepted); 0 when found. */
static int find(const char *web_dir, const char *rel, int accept_gzip, struct static_file *out)
{
	const struct embedded_file *f;

	out->content_type = type_of(rel);
	out->status = 200;
	if (web_dir) {
		if (accept_gzip && !from_dir(web_dir, rel, ".gz", out)) {
			out->gzip = 1;
			return 0;
		}
		return from_dir(web_dir, rel, "", out);
	}
	if (accept_gzip && (f = embedded_under("web/dist", rel, ".gz"))) {
		out->gzip = 1;
	} else if (!(f = embedded_under("web/dist", rel, ""))) {
		return -1;
	}
	out->data = f->data;
	out->len = f->len;
	return 0;
}

static void not_found(struct static_file *out)
{
	out->status = 404;
	out->data = (const unsigned char *)NOT_FOUND;
	out->len = sizeof(NOT_FOUND) - 1;
	out->content_type = "text/plain; charset=utf-8";
}

/* rel: the path after "/docs" ("", "/", "/guide.html", "/img/en/deals.png"). */
static void docs_lookup(const char *rel, int accept_gzip, struct static_file *out)
{
	const struct embedded_file *f = NULL;
	const char *dir = "build/docs";

	if (*rel == '/')
		rel++;
	if (!*rel)
		rel = "index.html";
	if (!strncmp(rel, "img/", 4))
		dir = "docs";
	if (!safe_path(rel)) {
		not_found(out);
		return;
	}
	out->content_type = type_of(rel);
	out->status = 200;
	if (accept_gzip && (f = embedded_under(dir, rel, ".gz")))
		out->gzip = 1;
	else if (!(f = embedded_under(dir, rel, ""))) {
		not_found(out);
		return;
	}
	out->data = f->data;
	out->len = f->len;
}

void static_lookup(const char *web_dir, const char *url, int accept_gzip,
		   struct static_file *out)
{
	const char *rel = url;
	const char *last;

	memset(out, 0, sizeof(*out));
	while (*rel == '/')
		rel++;
	if (!strncmp(rel, "docs", 4) && (rel[4] == '\0' || rel[4] == '/')) {
		docs_lookup(rel + 4, accept_gzip, out);
		return;
	}
	if (!*rel)
		rel = "index.html";
	if (safe_path(rel) && !find(web_dir, rel, accept_gzip, out))
		return;
	/* A missing asset is a 404; any other path is a route of the UI's own. */
	last = strrchr(rel, '/');
	last = last ? last + 1 : rel;
	if (strchr(last, '.') && strcmp(rel, "index.html")) {
		not_found(out);
		return;
	}
	if (!find(web_dir, "index.html", accept_gzip, out))
		return;
	out->status = 200;
	out->data = (const unsigned char *)NOT_BUILT;
	out->len = sizeof(NOT_BUILT) - 1;
	out->content_type = "text/html; charset=utf-8";
}
