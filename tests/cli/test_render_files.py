"""test_render_files.py - the report files (src/report/render*.c) opened as a reader's tools
open them: the PDF with poppler-utils (its text, pages, fonts, a page rendered to PNG), the XLSX
with openpyxl (sheets, cells, their types and number formats), the HTML parsed, the CSV read back
with Python's csv module.

The files come from the unit test build/.../tests/test_render, which builds two documents by
hand (a zh-CN one in CNY with a 150-row table, an interim note, two charts and paragraphs; a
short en one in USD) and writes every format to $SALESPM_RENDER_OUT. The values expected below
are worked out by hand from what that test puts in (keep the two in step).
"""
import csv
import datetime
import html.parser
import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from xlsxlib import openpyxl  # noqa: E402 (the one place that finds it)
from harness import *  # noqa: E402,F401,F403

BUILD = os.environ.get("SALESPM_BUILD") or os.path.join(ROOT, "build", "debug")
OUT = tempfile.mkdtemp(prefix="salespm-render-")
_made = []


def files():
    """Run test_render once, writing its files into OUT."""
    if not _made:
        r = subprocess.run([os.path.join(BUILD, "tests", "test_render")],
                           env=dict(os.environ, SALESPM_RENDER_OUT=OUT),
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise AssertionError("test_render failed:\n" + r.stdout + r.stderr)
        _made.append(True)
    return OUT


def path(name):
    return os.path.join(files(), name)


def run(*args):
    return subprocess.run(args, capture_output=True, check=True, timeout=120).stdout


def pdf_pages(name):
    info = run("pdfinfo", path(name)).decode()
    return int([l for l in info.splitlines() if l.startswith("Pages:")][0].split()[1])


def pdf_text(name, page=None):
    args = ["pdftotext", "-enc", "UTF-8"]
    if page:
        args += ["-f", str(page), "-l", str(page)]
    return run(*args, path(name), "-").decode()


def png_ink(png):
    """The share of pixels that are not near white in an 8-bit RGB or grey PNG, decoded here
    (zlib and the five row filters of the PNG specification)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(png):
        n, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", data)
            eq((depth, interlace), (8, 0), "8-bit, not interlaced")
            bpp = {0: 1, 2: 3, 6: 4}[ctype]
        elif kind == b"IDAT":
            idat += data
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    ink = 0
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(width):
            if min(line[x * bpp:x * bpp + min(bpp, 3)]) < 200:
                ink += 1
        prev = line
    return ink / (width * height)


# --- PDF -----------------------------------------------------------------------------------

@test
def pdf_text_has_the_chinese_title_sections_figures_and_page_numbers():
    pages = pdf_pages("zh.pdf")
    assert pages > 1, f"the 150-row table spans pages: {pages}"
    text = pdf_text("zh.pdf")
    for want in ("Q4 推进 — 评估报告", "中期报告：项目仍在进行，数据截至 2026-11-30。",
                 "目标达成", "策略效果", "团队表现", "经验教训", "华东销售额",
                 "¥1,234.56", "¥987.65", "12.5%", "2026-03-01", "1,234", "-¥12.50", "150.0%",
                 "¥1,000,000.00", "-25.0%", "=SUM(A1)",
                 "成员150", "¥185,184.00", "75.0%",  # the last row: 150 x 1234.56, 150 / 200
                 "线上渠道贡献了一半的收入。", "更早锁定经销商的库存"):
        assert want in text, f"{want!r} in the PDF's text"
    # pdftotext drops the narrow spaces between CJK and digits: compared without spaces
    for p in range(1, pages + 1):
        t = pdf_text("zh.pdf", p).replace(" ", "")
        assert "第%d页/共%d页" % (p, pages) in t, f"page {p}'s number"
    # a narrow column wraps its text rather than run over the next
    assert "<script>alert(1)</script>" in text.replace("\n", ""), "a text cell, whole"
    # the bar chart's labels and values: 12000.5 rounds to 12,001; the axis to 15,000
    for want in ("线上商城", "门店", "经销商", "¥12,001", "¥8,000", "¥2,500", "¥15,000", "40.0%",
                 # the ROI chart: -0.35 .. 2.1 on an axis from -50% to 250% by 50%
                 "-50%", "250%", "-35.0%", "210.0%"):
        assert want in text, f"chart text {want!r}"
    # (its category labels are slanted: pdftotext does not read turned text back in order)


@test
def pdf_long_table_repeats_its_header_on_every_page_it_spans():
    pages = pdf_pages("zh.pdf")
    spanned = []
    for p in range(1, pages + 1):
        t = pdf_text("zh.pdf", p)
        rows = [n for n in range(1, 151) if "rep%03d" % n in t]
        if rows:
            spanned.append(p)
            assert "赢单率" in t and "周期（天）" in t, f"page {p}: the header row again"
        assert "中期报告" in t, f"page {p}: marked interim"
        if p > 1:
            assert "Q4 推进 — 评估报告" in t, f"page {p}: the running header"
    assert len(spanned) >= 3, f"150 rows over several pages: {spanned}"
    # every row once, in order, across the pages
    t = pdf_text("zh.pdf")
    at = [t.index("rep%03d" % n) for n in range(1, 151)]
    eq(at, sorted(at), "rows in order")
    eq(sum(t.count("rep%03d" % n) for n in range(1, 151)), 150, "each row once")


@test
def pdf_embeds_a_cjk_font_subset():
    fonts = run("pdffonts", path("zh.pdf")).decode().splitlines()[2:]
    cjk = [l for l in fonts if "NotoSansCJK" in l]
    assert cjk, f"a Noto Sans CJK font: {fonts}"
    for l in cjk:
        cols = l.split()
        # name type... encoding emb sub uni
        eq(cols[-5:-2], ["yes", "yes", "yes"], f"embedded subset with a map to Unicode: {l}")


@test
def pdf_first_page_renders_to_a_picture_with_ink():
    prefix = os.path.join(OUT, "page")
    run("pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile", path("zh.pdf"),
        prefix)
    with open(prefix + ".png", "rb") as f:
        ink = png_ink(f.read())
    # a title, a banner, a table and a bar chart: some ink, but a page mostly white
    assert 0.03 < ink < 0.6, f"share of inked pixels on page 1: {ink:.3f}"


@test
def pdf_in_english_says_page_of_and_dollars():
    eq(pdf_pages("en.pdf"), 1, "one page")
    text = pdf_text("en.pdf")
    for want in ("Q3 push — evaluation", "Page 1 of 1", "$1,234.56", "12.5%", "Online",
                 "Stores", "1,235", "Nothing else."):
        assert want in text, f"{want!r} in the English PDF"
    assert "第" not in text and "Interim" not in text, "no Chinese words, not interim"


@test
def pdf_prints_a_long_chinese_lesson_whole():
    """A table cell of text is drawn from the cell's own text: a lesson of 300 Chinese
    characters (900 bytes, past any fixed cell buffer) comes out whole in the evaluation
    report's PDF, every character, none cut in the middle of its bytes."""
    ws = Workspace(today="2026-03-10")
    ws.ok("project", "create", "P1", "--name", "长文测试", "--start", "2026-01-01", "--end",
          "2026-02-28", "--status", "active")
    base = "渠道组合有效而且促销节奏把握得当团队协作顺畅客户满意度持续提升"
    lesson = "".join(base[(i * 7) % len(base)] for i in range(297)) + "第三百"
    eq(len(lesson), 300)
    ws.ok("lesson", "add", "P1", "--kind", "went_well", "--text", lesson)
    out = ws.path("ev.pdf")
    r = ws.run("report", "evaluation", "P1", "--format", "pdf", "-o", out)
    if r.code != 0:
        assert "unavailable" in r.err or "not built in" in r.err, r
        print("     (skipped: no PDF renderer here)")
        return
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", out, "-"], capture_output=True,
                          check=True, timeout=120).stdout.decode()
    flat = "".join(text.split())
    assert lesson in flat, "the lesson whole in the PDF's text"


@test
def without_cairo_or_libxlsxwriter_pdf_and_xlsx_are_unavailable():
    """A machine without the libraries still starts and renders HTML and CSV; a PDF or XLSX
    is 503 pdf_unavailable / xlsx_unavailable. The libraries are hidden from test_render alone
    by binding /dev/null over them in a mount namespace of its own (root only)."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        print("     (skipped: needs root and unshare)")
        return
    hide = [os.path.realpath(os.path.join(d, n))
            for d in ("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu")
            for n in ("libcairo.so.2", "libxlsxwriter.so.4")
            if os.path.exists(os.path.join(d, n))]
    script = "".join(f"mount --bind /dev/null '{p}' && " for p in sorted(set(hide)))
    r = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                        script + "exec \"$0\"", os.path.join(BUILD, "tests", "test_render")],
                       env=dict(os.environ, SALESPM_RENDER_HIDDEN="1"), capture_output=True,
                       text=True, timeout=300)
    out = r.stdout + r.stderr
    eq(r.returncode, 0, "test_render with the libraries hidden:\n" + out)
    assert "[       OK ] test_libraries_missing" in out, out


# --- XLSX ----------------------------------------------------------------------------------

def row_of(ws, first):
    for row in ws.iter_rows():
        if row[0].value == first:
            return row
    raise AssertionError(f"no row starting {first!r} in {ws.title}")


@test
def xlsx_has_a_sheet_per_section_with_typed_cells():
    wb = openpyxl.load_workbook(path("zh.xlsx"))
    eq(wb.sheetnames, ["目标达成", "策略效果", "团队表现", "经验教训"], "a sheet per section")
    ws = wb["目标达成"]
    eq(ws["A1"].value, "Q4 推进 — 评估报告", "the title on top")
    eq(ws["A3"].value, "中期报告：项目仍在进行，数据截至 2026-11-30。", "the interim note")
    assert "A3:H3" in [str(r) for r in ws.merged_cells.ranges], "the note across the sheet"
    head = row_of(ws, "目标")
    eq([c.value for c in head],
       ["目标", "目标值", "实际", "达成率", "截止", "状态", "成交笔数", "评分"], "header labels")
    assert all(c.font.b for c in head), "a bold header row"
    eq(ws.freeze_panes, "A%d" % (head[0].row + 1), "frozen under the header")
    r = row_of(ws, "华东销售额")
    money, actual, ratio, due, status, count, score = (c for c in r[1:8])
    eq((type(money.value), money.value), (float, 1234.56), "money as a number")
    eq(money.number_format, '"¥"#,##0.00', "money in yuan")
    eq(actual.value, 987.65, "actual")
    eq((ratio.value, ratio.number_format), (0.125, "0.0%"), "a ratio as a fraction shown in %")
    eq((due.value, due.number_format), (datetime.datetime(2026, 3, 1), "yyyy-mm-dd"),
       "a date as an Excel date")
    eq((count.value, count.number_format), (1234, "#,##0"), "a count")
    eq((score.value, score.number_format), (4.2, "0.0"), "a number")
    eq(status.value, "未达成", "text")
    r = row_of(ws, "<script>alert(1)</script>")
    eq((r[1].value, r[2].value, r[3].value, r[5].value, r[5].data_type),
       (-12.5, "—", 1.5, "=SUM(A1)", "s"), "a formula-looking text stays text; empty is a dash")
    r = row_of(ws, '他说 "好", 然后')
    eq((r[1].value, r[3].value, r[4].value, r[6].value, r[7].value),
       (1000000, -0.25, datetime.datetime(2026, 12, 31), -7, 12), "the third goal")
    # widths from content: 25 characters of <script>..., CJK counting two
    assert ws.column_dimensions["A"].width >= 25, ws.column_dimensions["A"].width

    ws = wb["团队表现"]
    head = row_of(ws, "账号")
    rows = [r for r in ws.iter_rows(min_row=head[0].row + 1) if r[0].value]
    eq(len(rows), 150, "150 members")
    eq([c.value for c in rows[-1][:6]], ["rep150", "成员150", 185184, 0.75, 150, 37.5],
       "the last member by hand")
    eq(rows[-1][2].number_format, '"¥"#,##0.00', "money format")

    ws = wb["策略效果"]
    eq(len(ws._charts), 3, "a native chart for each chart")
    head = row_of(ws, "线上商城")
    eq([c.value for c in head[:3]], ["线上商城", 12000.5, 4000], "the bar chart's data")
    ws = wb["经验教训"]
    eq(row_of(ws, "做得好：渠道分工清楚。\n\n下次：更早锁定经销商的库存。")[0].alignment.wrap_text,
       True, "a paragraph wraps")


@test
def xlsx_sheet_names_are_made_acceptable_and_unique():
    wb = openpyxl.load_workbook(path("en.xlsx"))
    eq(wb.sheetnames, ["Strategy (channels) - all", "Strategy (channels) - all (2)",
                       "A very long section title that", "Sheet4"], "sheet names")
    for n in wb.sheetnames:
        assert len(n) <= 31 and not any(ch in n for ch in "[]:*?/\\"), n
    ws = wb.worksheets[0]
    r = row_of(ws, "Online")
    eq((r[1].value, r[1].number_format, r[2].value), (1234.56, '"$"#,##0.00', 0.125), "USD")
    eq(ws["A3"].value, "Strategy: [channels] / *all*", "the section's own title in the sheet")


# --- HTML and CSV --------------------------------------------------------------------------

class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.texts, self.attrs, self.cur = [], [], {}, []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.setdefault(tag, []).append(dict(attrs))
        self.cur.append(tag)

    def handle_endtag(self, tag):
        if self.cur and self.cur[-1] == tag:
            self.cur.pop()

    def handle_data(self, data):
        self.texts.append((self.cur[-1] if self.cur else "", data))


@test
def html_is_one_escaped_page_with_svg_charts():
    with open(path("zh.html"), encoding="utf-8") as f:
        src = f.read()
    p = Page()
    p.feed(src)
    eq(p.attrs["html"][0].get("lang"), "zh-CN", "lang")
    assert "script" not in p.tags, "no script element"
    assert ("td", "<script>alert(1)</script>") in p.texts, "the cell's text, as text"
    eq(p.tags.count("svg"), 3, "three charts as inline SVG")
    assert "link" not in p.tags and "img" not in p.tags, "self-contained"
    assert "@media print" in src and "@page{size:A4" in src, "a print stylesheet"
    assert ("div", "中期报告：项目仍在进行，数据截至 2026-11-30。") in p.texts, "the banner"
    tds = [t for tag, t in p.texts if tag == "td"]
    i = tds.index("华东销售额")
    eq(tds[i:i + 8], ["华东销售额", "¥1,234.56", "¥987.65", "12.5%", "2026-03-01", "未达成",
                      "1,234", "4.2"], "a row as the reader sees it")
    classes = [a.get("class") for a in p.attrs["td"]]
    eq(classes[i + 1:i + 5], ["num"] * 4, "figures right-aligned")


@test
def csv_reads_back_with_bom_sections_and_quoting():
    with open(path("zh.csv"), "rb") as f:
        raw = f.read()
    eq(raw[:3], b"\xef\xbb\xbf", "a UTF-8 byte order mark")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
    eq(rows[0], ["Q4 推进 — 评估报告"], "the title first")
    titles = [r[0] for i, r in enumerate(rows) if len(r) == 1 and i and rows[i - 1] == []]
    for t in ("目标达成", "策略效果", "团队表现", "经验教训"):
        assert t in titles, f"section {t} after a blank line"
    i = rows.index(["目标", "目标值 (CNY)", "实际 (CNY)", "达成率（比率）", "截止", "状态",
                    "成交笔数", "评分"])
    eq(rows[i + 1], ["华东销售额", "1234.56", "987.65", "0.125", "2026-03-01", "未达成", "1234",
                     "4.2"], "numbers a spreadsheet sums")
    eq(rows[i + 2], ["<script>alert(1)</script>", "-12.50", "", "1.5", "", "'=SUM(A1)", "0", ""],
       "a formula neutralised, a negative figure not")
    eq(rows[i + 3][0], '他说 "好", 然后', "quotes and a comma round-trip")
    team = rows.index(["账号", "姓名", "收入 (CNY)", "赢单率（比率）", "赢单", "周期（天）"])
    eq(rows[team + 150], ["rep150", "成员150", "185184.00", "0.75", "150", "37.5"], "last row")
    eq(round(sum(float(r[2]) for r in rows[team + 1:team + 151]), 2), 123456 * 150 * 151 / 2 / 100,
       "the revenue column sums to 1234.56 x (1 + ... + 150)")


if __name__ == "__main__":
    run_all()
