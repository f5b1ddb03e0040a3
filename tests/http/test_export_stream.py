"""test_export_stream.py - a sales export of any size streams: the server sends it in pieces
(chunked, no Content-Length) read a page at a time in one snapshot, so a sale written while a
download is under way is not in it, every row is there once, in order, and limit/offset across
page boundaries pick exactly the rows asked for. Expected rows come from the generated CSV
itself (written in the export's own format), not from the program."""
import http.client
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import Server, Workspace, eq, run_all, test  # noqa: E402

HEADER = "date,customer,product,channel,rep,quantity,unit_price,discount,promotion,segment"
N = 9000  # more than four of the server's pages (2,000 rows)


def rows(n):
    """n sale lines in the export's format (dates in 2026, two products, money with cents)."""
    out = []
    for i in range(n):
        month, day = 1 + i % 12, 1 + i % 28
        out.append(f"2026-{month:02d}-{day:02d},客户{i % 700:03d},{'SKU-1' if i % 3 else 'SKU-2'},"
                   f"direct,admin,{1 + i % 7},{100 + i % 50}.{i % 100:02d},0.00,,")
    return out


def setup():
    ws = Workspace()
    ws.ok("project", "create", "P1", "--name", "P1", "--start", "2026-01-01", "--end", "2026-12-31")
    ws.ok("channel", "add", "direct", "--name", "直销", "--type", "direct")
    for sku in ("SKU-1", "SKU-2"):
        ws.ok("product", "add", sku, "--name", sku, "--cost", "50.00", "--price", "99.00",
              "--effective", "2026-01-01")
    lines = rows(N)
    ws.write("in.csv", HEADER + "\r\n" + "\r\n".join(lines) + "\r\n")
    ws.ok("sale", "import", "P1", ws.path("in.csv"))
    return ws, lines


def body_rows(body):
    text = body.decode("utf-8")
    assert text.endswith("\r\n"), text[-50:]
    got = text.split("\r\n")[:-1]
    eq(got[0], HEADER, "header")
    return got[1:]


@test
def a_large_export_streams_every_row_once_in_order():
    ws, lines = setup()
    with Server(ws) as srv:
        c = srv.client("admin")
        r = c.get("/api/v1/projects/P1/sales/export")
        eq(r.status, 200, "export")
        eq(r.header("Transfer-Encoding"), "chunked", "sent in pieces")
        eq(r.header("Content-Length"), None, "no length known up front")
        assert r.header("Content-Type").startswith("text/csv"), r.header("Content-Type")
        got = body_rows(r.body)
        eq(len(got), N, "every row")
        assert got == lines, "every row once, in the order written"
        # filters still apply, across pages: SKU-2 is every third line
        r = c.get("/api/v1/projects/P1/sales/export?product=SKU-2")
        eq(body_rows(r.body), [x for x in lines if ",SKU-2," in x], "filtered")


@test
def limit_and_offset_across_page_boundaries():
    """The CLI's export takes --limit and --offset; the pages must join without a gap."""
    ws, lines = setup()
    for offset, limit in ((0, 2000), (1999, 2), (1990, 4030), (8990, 100), (9000, 5)):
        r = ws.ok("sale", "export", "P1", "--offset", str(offset), "--limit", str(limit))
        text = r.out.splitlines()  # (the harness reads stdout as text: line ends folded)
        eq(text[0], HEADER, "header")
        got, want = text[1:], lines[offset:offset + limit]
        # (compared by count and ends first: a long list is unreadable in a failure)
        eq((len(got), got[:1], got[-1:]), (len(want), want[:1], want[-1:]),
           f"offset {offset} limit {limit}")
        assert got == want, f"offset {offset} limit {limit}: the rows differ"


@test
def a_sale_written_during_a_download_is_not_in_it():
    ws, lines = setup()
    with Server(ws) as srv:
        c = srv.client("admin")
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
        conn.request("GET", "/api/v1/projects/P1/sales/export",
                     headers={"Cookie": f"salespm_session={c.cookie}"})
        resp = conn.getresponse()
        first = resp.read(4096)  # the download is under way: its snapshot is taken
        # a write through the API meanwhile (another connection, another worker)
        c.ok("POST", "/api/v1/projects/P1/sales",
             {"date": "2026-06-01", "customer": "迟到的客户", "product": "SKU-1",
              "channel": "direct", "quantity": 1, "unit_price": 10000}, status=201)
        body = first + resp.read()
        conn.close()
        got = body_rows(body)
        eq(got, lines, "the download is the data as it was when it began")
        # the next download has it
        r = c.get("/api/v1/projects/P1/sales/export")
        eq(len(body_rows(r.body)), N + 1, "written")


@test
def the_cli_writes_a_whole_file_or_none():
    ws, lines = setup()
    out = ws.path("export.csv")
    ws.ok("sale", "export", "P1", "-o", out)
    with open(out, "rb") as f:
        eq(body_rows(f.read()), lines, "the file")
    # a refused export (an unknown channel) leaves the file as it was, and no partial file
    before = open(out, "rb").read()
    ws.fail("sale", "export", "P1", "-o", out, "--channel", "nope")
    eq(open(out, "rb").read(), before, "untouched")
    eq(sorted(os.listdir(os.path.dirname(out))).count("export.csv"), 1, "one file")
    assert not [n for n in os.listdir(os.path.dirname(out)) if ".partial-" in n], "no partial file"


if __name__ == "__main__":
    run_all()
