"""test_sales_xlsx.py - the sales import and export as .xlsx from the command line.

Workbooks are made here with openpyxl (Debian's python3-openpyxl), independently of the
program: dates as real Excel dates, numbers as numbers, several sheets. Exports are read
back with openpyxl and every cell's value AND type checked. Expected values are computed
here from the data the test made (money in integer cents from decimal strings).
"""
import json
import os
import sys
from datetime import date, datetime

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from xlsxlib import openpyxl  # noqa: E402
from harness import *  # noqa: E402,F401,F403

HEADER = ["date", "customer", "product", "channel", "rep", "quantity", "unit_price", "discount",
          "promotion", "segment"]


def cents(major):
    """'12.5' -> 1250, '7' -> 700; exact, with Python integers."""
    major = str(major).strip()
    neg = major.startswith("-")
    if neg:
        major = major[1:]
    whole, _, frac = major.partition(".")
    v = int(whole or "0") * 100 + int((frac + "00")[:2])
    return -v if neg else v


def setup(ws, project="P1"):
    for login, role in (("mona", "manager"), ("rita", "rep"), ("vic", "viewer")):
        ws.ok("user", "add", login, "--name", login.title(), "--role", role)
    ws.ok("project", "create", project, "--name", "春季冲刺", "--start", "2025-01-01", "--end",
          "2026-12-31")
    ws.ok("member", "add", project, "mona", "--role", "manager")
    ws.ok("member", "add", project, "rita")
    ws.ok("member", "add", project, "vic", "--role", "viewer")
    ws.ok("segment", "add", "SMB", "--name", "中小企业")
    ws.ok("channel", "add", "direct", "--name", "Direct", "--type", "direct")
    ws.ok("channel", "add", "tmall", "--name", "天猫", "--type", "ecommerce")
    ws.ok("product", "add", "SKU-1", "--name", "手表", "--cost", "80.00", "--price", "199.00",
          "--effective", "2025-01-01")
    ws.ok("product", "add", "SKU-2", "--name", "耳机", "--cost", "30.00", "--price", "59.90",
          "--effective", "2025-01-01")
    ws.ok("promotion", "add", "SPRING", "--name", "春季九折", "--kind", "percent", "--value", "10")


def sales(ws, project="P1"):
    """The project's sales as comparable tuples (money in cents), in id order."""
    out = ws.js("sale", "list", project, "--sort", "id")["sales"]
    return [(s["date"], s["customer"], s["product"], s["channel"], s["rep"], s["quantity"],
             s["unit_price"], s["discount"], s["promotion"] or "") for s in out]


def save(ws, wb, name):
    p = ws.path(name)
    wb.save(p)
    return p


def header_sheet(wb, title, header=HEADER):
    sh = wb.create_sheet(title)
    sh.append(header)
    return sh


def errors_of(r):
    return json.loads(r.err.strip().splitlines()[-1])["error"]


# --- import ------------------------------------------------------------------------

@test
def import_second_sheet_with_real_dates_and_numbers():
    ws = Workspace()
    setup(ws)
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "说明"
    notes.append(["本表是导入说明", "not sales"])
    # columns in another order, an empty column between, a gap row, a title-free header
    cols = ["customer", "date", "quantity", "unit_price", None, "product", "channel", "rep",
            "discount", "promotion"]
    sh = header_sheet(wb, "销售", cols)
    rows = [
        ("华东贸易", date(2025, 1, 1), 3, 199.5, "SKU-1", "direct", "rita", 0, ""),
        ("Acme, Inc.", datetime(2025, 3, 15, 14, 30), 1, 59.9, "SKU-2", "tmall", "mona", 5.25,
         "SPRING"),
        ("=SUM(A1)", date(2026, 12, 31), 12, 199, "SKU-1", "direct", "rita", 0.1, None),
        ("'@home", "2025-06-30", "2", "0.01", "SKU-2", "direct", "rita", None, None),
    ]
    for i, (cust, d, q, price, sku, ch, rep, disc, promo) in enumerate(rows):
        sh.append([cust, d, q, price, None, sku, ch, rep, disc, promo])
        if i == 1:
            sh.append([])  # a gap: the next row is numbered one further on
    # openpyxl takes text that starts with = for a formula: this one is typed text
    sh["A5"].data_type = "s"
    sh["B2"].number_format = "yyyy/m/d"  # a custom date format
    sh["B3"].number_format = "m/d/yy h:mm"  # built-in 22
    p = save(ws, wb, "sales.xlsx")

    out = ws.js("sale", "import", "P1", p, "--sheet", "销售")
    eq(out["imported"], 4, "imported")
    expected = [
        ("2025-01-01", "华东贸易", "SKU-1", "direct", "rita", 3, 19950, 0, ""),
        ("2025-03-15", "Acme, Inc.", "SKU-2", "tmall", "mona", 1, 5990, 525, "SPRING"),
        ("2026-12-31", "=SUM(A1)", "SKU-1", "direct", "rita", 12, 19900, 10, ""),
        # a text cell keeps the CSV rule: one leading ' taken off before @
        ("2025-06-30", "@home", "SKU-2", "direct", "rita", 2, 1, 0, ""),
    ]
    eq(sales(ws), expected, "sales")


@test
def first_sheet_is_read_without_sheet_option():
    ws = Workspace()
    setup(ws)
    wb = openpyxl.Workbook()
    sh = wb.active
    sh.title = "Q1"
    sh.append(HEADER)
    sh.append([date(2025, 2, 1), "zeta", "SKU-1", "direct", "rita", 1, 199, None, None, None])
    other = header_sheet(wb, "Q2")
    other.append([date(2025, 5, 1), "other", "SKU-1", "direct", "rita", 9, 1, None, None, None])
    p = save(ws, wb, "two.xlsx")
    r = ws.ok("sale", "import", "P1", p)
    assert "imported 1 rows" in r.out, r.out
    eq(sales(ws), [("2025-02-01", "zeta", "SKU-1", "direct", "rita", 1, 19900, 0, "")])


@test
def date1904_workbook_dates():
    ws = Workspace()
    setup(ws)
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sh = wb.active
    sh.append(HEADER)
    sh.append([date(2025, 1, 1), "mac", "SKU-1", "direct", "rita", 1, 199, None, None, None])
    p = save(ws, wb, "mac.xlsx")
    ws.ok("sale", "import", "P1", p)
    eq(sales(ws)[0][0], "2025-01-01", "a 1904-system date")


@test
def bad_cells_name_sheet_row_and_column_and_nothing_is_written():
    ws = Workspace()
    setup(ws)
    ws.ok("sale", "add", "P1", "--date", "2025-01-02", "--customer", "before", "--product",
          "SKU-1", "--channel", "direct", "--rep", "rita", "--quantity", "1", "--price", "1")
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    sh = header_sheet(wb, "销售")
    sh.append([date(2025, 1, 1), "ok", "SKU-1", "direct", "rita", 1, 199, None, None, None])
    sh.append([date(2025, 1, 1), "a", "SKU-1", "direct", "rita", 1, "12,5", None, None, None])
    sh.append([date(2025, 1, 1), "b", "SKU-1", "direct", "rita", 2.5, 10, None, None, None])
    sh.append([45658, "c", "SKU-1", "direct", "rita", 1, 10, None, None, None])  # no date format
    sh.append([date(2025, 1, 1), "#N/A", "SKU-1", "direct", "rita", 1, 10, None, None, None])
    sh.append([date(2025, 1, 1), "d", "SKU-9", "direct", "rita", 1, 199.555, None, None, None])
    eq(sh["B6"].data_type, "e", "openpyxl wrote an error cell")
    p = save(ws, wb, "bad.xlsx")
    before = sales(ws)

    r = ws.fail("sale", "import", "P1", p, "--sheet", "销售", code=65)
    assert 'sheet 销售, row 3, column unit_price: "12,5" is not a decimal' in r.err, r.err
    r = ws.fail("sale", "import", "P1", p, "--sheet", "销售", json_out=True, code=65)
    e = errors_of(r)
    eq(e["reason"], "import_bad_rows")
    eq(e["bad_rows"], 5, "bad rows")
    got = {(x["sheet"], x["row"], x["line"], x["column"], x["reason"]) for x in e["rows"]}
    want = {
        ("销售", 3, 3, "unit_price", "not_decimal"),
        ("销售", 4, 4, "quantity", "not_integer"),
        ("销售", 5, 5, "date", "not_date"),
        ("销售", 6, 6, "customer", "xlsx_error_cell"),
        ("销售", 7, 7, "product", "no_product"),
        ("销售", 7, 7, "unit_price", "too_precise"),
    }
    missing = want - got
    assert not missing, f"missing {missing} in {got}"
    eq(sales(ws), before, "nothing written")


@test
def non_xlsx_and_missing_sheet_are_refused_clearly():
    ws = Workspace()
    setup(ws)
    p = ws.write("sales.xlsx", ",".join(HEADER) + "\r\n2025-01-01,a,SKU-1,direct,rita,1,1,,,\r\n")
    r = ws.fail("sale", "import", "P1", p, code=65)
    assert "not an .xlsx workbook" in r.err, r.err
    r = ws.fail("sale", "import", "P1", p, json_out=True, code=65)
    eq(errors_of(r)["reason"], "xlsx_unreadable")
    # the same text read as CSV with --format csv is fine
    ws.ok("sale", "import", "P1", p, "--format", "csv")
    # a zip that is no workbook
    import zipfile
    z = ws.path("other.xlsx")
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("hello.txt", "hi")
    r = ws.fail("sale", "import", "P1", z, json_out=True, code=65)
    eq(errors_of(r)["reason"], "xlsx_unreadable")
    # a sheet it lacks: the sheets it has are named
    wb = openpyxl.Workbook()
    wb.active.title = "Q1"
    wb.create_sheet("Q2")
    q = save(ws, wb, "q.xlsx")
    r = ws.fail("sale", "import", "P1", q, "--sheet", "Q3", json_out=True, code=65)
    e = errors_of(r)
    eq(e["reason"], "xlsx_sheet_missing")
    eq(e["params"], {"sheet": "Q3", "sheets": "Q1, Q2"})
    # an empty sheet
    r = ws.fail("sale", "import", "P1", q, "--sheet", "Q2", json_out=True, code=65)
    eq(errors_of(r)["reason"], "xlsx_empty")
    # --sheet is for workbooks only; a format it does not know
    ws.fail("sale", "import", "P1", ws.write("s.csv", "x"), "--sheet", "Q1", code=2)
    ws.fail("sale", "import", "P1", q, "--format", "ods", code=2)
    # a viewer may not import, whatever the file
    ws.fail("sale", "import", "P1", q, as_="vic", code=77)


@test
def a_value_outside_the_header_is_reported():
    ws = Workspace()
    setup(ws)
    wb = openpyxl.Workbook()
    sh = wb.active
    sh.append(HEADER)
    sh.append([date(2025, 1, 1), "x", "SKU-1", "direct", "rita", 1, 1, None, None, None, None,
               "stray"])
    p = save(ws, wb, "stray.xlsx")
    r = ws.fail("sale", "import", "P1", p, json_out=True, code=65)
    row = errors_of(r)["rows"][0]
    eq((row["row"], row["column"], row["reason"], row["params"]),
       (2, "file", "xlsx_no_header", {"cell": "L2"}))


# --- export ------------------------------------------------------------------------

def add_sales(ws):
    data = [
        ("2025-01-01", "华东贸易", "SKU-1", "direct", "rita", "3", "199.50", "0", ""),
        ("2025-02-28", "=1+1", "SKU-2", "tmall", "mona", "1", "59.90", "5.25", "SPRING"),
        ("2025-03-01", "'=x", "SKU-1", "direct", "rita", "12", "0.01", "0.01", ""),
        ("2026-12-31", "Big Co", "SKU-1", "direct", "rita", "100000", "123456.78", "1000", ""),
    ]
    for d, cust, sku, ch, rep, q, price, disc, promo in data:
        args = ["sale", "add", "P1", "--date", d, "--customer", cust, "--product", sku,
                "--channel", ch, "--rep", rep, "--quantity", q, "--price", price,
                "--discount", disc]
        if promo:
            args += ["--promotion", promo]
        ws.ok(*args)
    return data


@test
def export_is_a_typed_workbook():
    ws = Workspace()
    setup(ws)
    data = add_sales(ws)
    out = ws.js("sale", "export", "P1", "--format", "xlsx", "-o", ws.path("p1.xlsx"))
    assert out["bytes"] == os.path.getsize(ws.path("p1.xlsx")), out
    wb = openpyxl.load_workbook(ws.path("p1.xlsx"))
    eq(wb.sheetnames, ["P1"], "one sheet named by the project")
    sh = wb["P1"]
    eq([c.value for c in sh[1]], HEADER, "header")
    assert all(c.font.b for c in sh[1]), "bold header"
    eq(sh.freeze_panes, "A2", "header row frozen")
    rows = list(sh.iter_rows(min_row=2))
    eq(len(rows), len(data), "rows")
    for cells, (d, cust, sku, ch, rep, q, price, disc, promo) in zip(rows, data):
        eq(cells[0].is_date, True, "a real date")
        eq(cells[0].value.date(), date.fromisoformat(d), "date")
        eq(cells[0].number_format, "yyyy-mm-dd")
        # text as typed string cells; only the text the import would change gets a '
        want_cust = "'" + cust if cust.startswith("'=") else cust
        eq((cells[1].value, cells[1].data_type), (want_cust, "s"), "customer")
        eq((cells[2].value, cells[3].value, cells[4].value), (sku, ch, rep))
        eq((cells[5].value, cells[5].data_type), (int(q), "n"), "quantity")
        assert isinstance(cells[5].value, int), cells[5].value
        eq(cells[6].data_type, "n")
        eq(round(cells[6].value * 100), cents(price), "unit price")
        eq(cells[6].number_format, "0.00")
        eq(round(cells[7].value * 100), cents(disc), "discount")
        eq(cells[8].value, promo or None, "promotion")
        eq(cells[9].value, None, "segment")
    # --format from the file name, and filters apply
    ws.ok("sale", "export", "P1", "-o", ws.path("f.xlsx"), "--from", "2025-02-01", "--to",
          "2025-12-31")
    sh = openpyxl.load_workbook(ws.path("f.xlsx"))["P1"]
    eq(sh.max_row, 3, "two sales in the range")
    # an empty project: the header alone
    ws.ok("project", "create", "P2", "--name", "x", "--start", "2025-01-01", "--end",
          "2025-12-31")
    ws.ok("sale", "export", "P2", "-o", ws.path("e.xlsx"))
    sh = openpyxl.load_workbook(ws.path("e.xlsx"))["P2"]
    eq([c.value for c in sh[1]], HEADER)
    eq(sh.max_row, 1)


@test
def export_then_import_reproduces_the_sales():
    ws = Workspace()
    setup(ws)
    add_sales(ws)
    ws.ok("sale", "export", "P1", "--format", "xlsx", "-o", ws.path("p1.xlsx"))
    csv1 = ws.ok("sale", "export", "P1").out
    other = Workspace()
    setup(other)
    out = other.js("sale", "import", "P1", ws.path("p1.xlsx"))
    eq(out["imported"], 4)
    eq(sales(other), sales(ws), "the same sales")
    eq(other.ok("sale", "export", "P1").out, csv1, "the same CSV export")
    # and the workbook made from the copy is cell for cell the same
    other.ok("sale", "export", "P1", "-o", other.path("p1.xlsx"))
    a = [[c.value for c in r] for r in openpyxl.load_workbook(ws.path("p1.xlsx"))["P1"].rows]
    b = [[c.value for c in r] for r in openpyxl.load_workbook(other.path("p1.xlsx"))["P1"].rows]
    eq(a, b, "cells")


@test
def dry_run_checks_a_workbook_without_writing():
    ws = Workspace()
    setup(ws)
    wb = openpyxl.Workbook()
    sh = wb.active
    sh.append(HEADER)
    sh.append([date(2025, 1, 1), "new", "SKU-1", "direct", "rita", 1, 1, None, None, None])
    p = save(ws, wb, "d.xlsx")
    out = ws.js("sale", "import", "P1", p, "--dry-run")
    eq((out["imported"], out["rows"], out["new_customers"], out["dry_run"]), (0, 1, 1, True))
    eq(sales(ws), [])
    # a member imports their own lines
    eq(ws.js("sale", "import", "P1", p, as_="rita")["imported"], 1)


if __name__ == "__main__":
    run_all()
