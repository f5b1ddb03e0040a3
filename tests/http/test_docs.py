"""test_docs.py - the docs the binary serves at /docs/: docs/*.md rendered at build time
(scripts/build-docs) and embedded. The index lists every docs/*.md; each page is HTML under the
UI's security headers with its doc's first heading; every link and image between the docs
resolves (fragments included); images are PNG; an unknown page is a 404; no path outside the
docs is reachable, however it is spelled."""
import gzip
import html
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import Server, Workspace, eq, run_all, test  # noqa: E402
from rawhttp import head, raw  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
DOCS = os.path.join(ROOT, "docs")
NAMES = sorted(f[:-3] for f in os.listdir(DOCS) if f.endswith(".md"))

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def first_heading(name):
    """The text of the doc's first '# ' line, its Markdown marks (` and *) left out."""
    with open(os.path.join(DOCS, name + ".md"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("# "):
                return line[2:].strip().replace("`", "").replace("*", "")
    raise AssertionError(f"docs/{name}.md has no first heading")


def text_of(fragment):
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def served():
    return Server(Workspace())


@test
def index_lists_every_doc():
    eq(len(NAMES) >= 7, True, "docs/*.md found (both guides and the operator's docs)")
    for want in ("guide", "guide.zh-CN", "operations", "postgresql"):
        assert want in NAMES, want
    with served() as srv:
        c = srv.client()
        for path in ("/docs/", "/docs"):
            r = c.get(path)
            eq((r.status, r.header("Content-Type")), (200, "text/html; charset=utf-8"), path)
            body = r.body.decode()
            linked = sorted(set(re.findall(r'href="/docs/([^"#]+)\.html"', body)))
            eq(linked, NAMES, f"{path} lists every docs/*.md")
            for name in NAMES:
                # each listed under its own title
                m = re.search(r'<a href="/docs/%s\.html"[^>]*>(.*?)</a>' % re.escape(name), body)
                eq(text_of(m.group(1)), first_heading(name), f"index title of {name}")


@test
def each_page_is_html_with_its_first_heading():
    with served() as srv:
        c = srv.client()
        for name in NAMES:
            r = c.get(f"/docs/{name}.html")
            eq(r.status, 200, name)
            eq(r.header("Content-Type"), "text/html; charset=utf-8", name)
            eq(r.header("Content-Security-Policy"), CSP, f"{name}: the UI's CSP")
            eq(r.header("X-Content-Type-Options"), "nosniff", name)
            eq(r.header("Referrer-Policy"), "no-referrer", name)
            body = r.body.decode()
            assert body.startswith("<!doctype html>"), name
            assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in body, name
            assert "<script" not in body and " style=" not in body and "<style" not in body, \
                f"{name}: no inline script or style (the CSP would refuse it)"
            h1 = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S)
            assert h1, f"{name}: an h1"
            eq(text_of(h1.group(1)), first_heading(name), f"{name}: its first heading")
            eq(re.search(r'<html lang="([^"]+)"', body).group(1),
               "zh-CN" if name.endswith(".zh-CN") else "en", f"{name}: its language")
            # the gzip variant is the same page
            z = c.get(f"/docs/{name}.html", headers={"Accept-Encoding": "gzip"})
            eq(z.header("Content-Encoding"), "gzip", name)
            eq(gzip.decompress(z.body), r.body, f"{name}: gzip variant")


@test
def links_and_images_resolve():
    """Every /docs/ link and image on every page answers 200, and a #fragment names an id
    on its page; the .md links of the sources became .html."""
    with served() as srv:
        c = srv.client()
        pages = {n: c.get(f"/docs/{n}.html").body.decode() for n in NAMES}
        ids = {n: set(re.findall(r' id="([^"]+)"', b)) for n, b in pages.items()}
        checked = set()
        for name, body in pages.items():
            assert not re.search(r'href="[^"]*\.md(#[^"]*)?"', body), f"{name}: an .md link left"
            for ref in re.findall(r'(?:href|src)="(/docs/[^"]*)"', body):
                ref = html.unescape(ref)
                path, _, frag = ref.partition("#")
                if path not in checked:
                    r = c.get(path)
                    eq(r.status, 200, f"{name} links {path}")
                    checked.add(path)
                if frag:
                    target = path[len("/docs/"):-len(".html")]
                    assert frag in ids[target], f"{name} links {ref}: no such id on {target}"
        # a relative link of a source, resolved: operations.md links guide.md and postgresql.md
        assert 'href="/docs/guide.html"' in pages["operations"], "operations -> guide"
        assert 'href="/docs/postgresql.html"' in pages["operations"], "operations -> postgresql"
        # the two guides link each other
        assert 'href="/docs/guide.zh-CN.html"' in pages["guide"], "guide -> zh-CN"
        assert 'href="/docs/guide.html"' in pages["guide.zh-CN"], "zh-CN -> guide"


@test
def images_are_png():
    with served() as srv:
        c = srv.client()
        imgs = set()
        for name in ("guide", "guide.zh-CN"):
            imgs |= set(re.findall(r'<img src="(/docs/img/[^"]+)"', c.get(f"/docs/{name}.html").body.decode()))
        eq(len(imgs) >= 6, True, f"the guides show screenshots: {sorted(imgs)}")
        for src in sorted(imgs):
            r = c.get(src)
            eq((r.status, r.header("Content-Type")), (200, "image/png"), src)
            eq(r.body[:8], b"\x89PNG\r\n\x1a\n", f"{src}: a PNG")
            # one of docs/img/ (its bytes may be newer than the binary's: every e2e run
            # takes the screenshots again)
            assert os.path.isfile(os.path.join(DOCS, src[len("/docs/"):])), f"{src}: in docs/img/"
            eq(r.header("Content-Security-Policy"), CSP, src)


@test
def unknown_page_is_404():
    with served() as srv:
        c = srv.client()
        for path in ("/docs/nope.html", "/docs/nope", "/docs/img/nope.png", "/docs/guide.md",
                     "/docs/img/", "/docs/sub/guide.html"):
            r = c.get(path)
            eq(r.status, 404, path)
            assert b"<!doctype" not in r.body.lower(), f"{path}: not the UI's page"


@test
def served_from_the_binary_with_a_web_dir_too():
    """--web-dir (UI development) serves the UI from a directory; the docs stay the binary's,
    and the directory's own docs/ is never read."""
    ws = Workspace()
    d = os.path.join(ws.dir, "ui")
    os.makedirs(os.path.join(d, "docs"))
    with open(os.path.join(d, "index.html"), "w") as f:
        f.write("<!doctype html><title>dev ui</title>")
    with open(os.path.join(d, "docs", "guide.html"), "w") as f:
        f.write("not the guide")
    with Server(ws, "--web-dir", d) as srv:
        c = srv.client()
        r = c.get("/docs/guide.html")
        eq(r.status, 200, "the guide")
        assert b"not the guide" not in r.body and b"<h1" in r.body, "the embedded guide"
        eq(c.get("/docs/nope.html").status, 404, "a missing page is a 404 there too")


@test
def no_path_traversal():
    """Nothing outside the docs: neither the sources (src/main.c, the Makefile, a doc's .md)
    nor the UI's own files through /docs/, however the dots and slashes are encoded."""
    with open(os.path.join(ROOT, "src", "main.c"), "rb") as f:
        secret = f.read()[:200]
    with served() as srv:
        targets = [b"/docs/../src/main.c", b"/docs/%2e%2e/src/main.c", b"/docs/%2E%2E/src/main.c",
                   b"/docs/.%2e/src/main.c", b"/docs/..%2fsrc%2fmain.c", b"/docs/%2e%2e%2fsrc/main.c",
                   b"/docs/img/../../src/main.c", b"/docs/img/%2e%2e/%2e%2e/src/main.c",
                   b"/docs/..%5csrc%5cmain.c", b"/docs/..\\src\\main.c", b"/docs//src/main.c",
                   b"/docs/%2fsrc/main.c", b"/docs/../Makefile", b"/docs/../docs/guide.md",
                   b"/docs/.stamp", b"/docs/img/.hidden.png", b"/docs/../web/dist/app.js",
                   b"/docs%2f..%2fsrc%2fmain.c"]
        for t in targets:
            status, _, body = raw(srv.port, head(b"GET", t, ["Connection: close"]))
            assert status in (b"400", b"404"), f"{t!r}: {status!r}"
            assert secret not in body and b"#include" not in body, f"{t!r} served a source"


if __name__ == "__main__":
    run_all()
