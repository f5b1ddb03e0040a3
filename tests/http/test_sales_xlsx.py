"""test_sales_xlsx.py - the sales import and export as .xlsx over HTTP, on both backends.

POST .../sales/import with an .xlsx body (?sheet=) and GET .../sales/export?format=xlsx:
workbooks made here with openpyxl, answers read back with openpyxl (values and types), every
role, the refusals (not a workbook, a sheet it lacks, ?sheet= with CSV, a bad format) and the
all-or-nothing rule (nothing written on a bad row). Expected values are computed here.
"""
import io
import os
import sys
from datetime import date

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from xlsxlib import openpyxl  # noqa: E402
from harness import *  # noqa: E402,F401,F403
from fixture import Env, expect_error, workspace  # noqa: E402

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["date", "customer", "product", "channel", "rep", "quantity", "unit_price", "discount",
          "promotion", "segment"]
IMPORT = "/api/v1/projects/{}/sales/import"
EXPORT = "/api/v1/projects/{}/sales/export"


def book(sheets):
    """An .xlsx (bytes) with sheets: [(title, rows)], rows as lists of cell values."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        sh = wb.create_sheet(title)
        for r in rows:
            sh.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def env():
    ws = workspace(users=("mgr", "rep", "rep2", "vw", "out"), projects=("P1", "P2"),
                   channels=("direct", "shop"), products=("SKU-1", "SKU-2"))
    for login in ("mgr", "rep"):
        ws.ok("member", "add", "P2", login, "--role", "manager" if login == "mgr" else "member")
    return ws


def listed(c, code="P1"):
    out = c.ok("GET", f"/api/v1/projects/{code}/sales?sort=id&limit=1000")["sales"]
    return [(s["date"], s["customer"], s["product"], s["channel"], s["rep"], s["quantity"],
             s["unit_price"], s["discount"]) for s in out]


GOOD = [HEADER,
        [date(2026, 1, 5), "华东贸易", "SKU-1", "direct", "rep", 3, 99.5, None, None, None],
        [date(2026, 2, 28), "Acme", "SKU-2", "shop", "rep", 1, 9.9, 0.9, None, None]]
GOOD_SALES = [("2026-01-05", "华东贸易", "SKU-1", "direct", "rep", 3, 9950, 0),
              ("2026-02-28", "Acme", "SKU-2", "shop", "rep", 1, 990, 90)]


@test
def import_a_named_sheet():
    ws = env()
    with Env(ws) as e:
        c = e.as_("mgr")
        body = book([("说明", [["read me"]]), ("销售", GOOD)])
        r = c.post(IMPORT.format("P1") + "?sheet=%E9%94%80%E5%94%AE", raw=body,
                   content_type=XLSX)
        eq(r.status, 200, f"{r}")
        j = r.json()
        eq((j["imported"], j["rows"], j["new_customers"], j["dry_run"]), (2, 2, 2, False))
        eq(listed(c), GOOD_SALES, "sales")
        # the first sheet when none is named: its header is not the sales'
        r = c.post(IMPORT.format("P2"), raw=body, content_type=XLSX)
        expect_error(r, 422, "invalid", "file", "csv_unknown_column")


@test
def bad_rows_name_sheet_row_and_column_and_nothing_is_written():
    ws = env()
    with Env(ws) as e:
        c = e.as_("mgr")
        rows = [HEADER,
                [date(2026, 1, 5), "ok", "SKU-1", "direct", "rep", 1, 1, None, None, None],
                [date(2026, 1, 5), "x", "SKU-1", "direct", "rep", 1, "12,5", None, None, None],
                [],
                [date(2030, 1, 5), "y", "SKU-1", "direct", "rep", 2.5, 1, None, None, None]]
        r = c.post(IMPORT.format("P1"), raw=book([("S1", rows)]), content_type=XLSX)
        err = expect_error(r, 422, "invalid", "file", "import_bad_rows")
        eq(err["bad_rows"], 2)
        got = {(x["sheet"], x["row"], x["line"], x["column"], x["reason"]) for x in err["rows"]}
        for want in (("S1", 3, 3, "unit_price", "not_decimal"),
                     ("S1", 5, 5, "quantity", "not_integer"),
                     ("S1", 5, 5, "date", "outside_project")):
            assert want in got, f"{want} not in {got}"
        msgs = [x["message"] for x in err["rows"]]
        assert 'sheet S1, row 3, column unit_price: "12,5" is not a decimal' in msgs, msgs
        eq(listed(c), [], "nothing written")


@test
def refusals_of_the_file():
    ws = env()
    with Env(ws) as e:
        c = e.as_("mgr")
        csv = (",".join(HEADER) + "\r\n2026-01-05,a,SKU-1,direct,rep,1,1,,,\r\n").encode()
        expect_error(c.post(IMPORT.format("P1"), raw=csv, content_type=XLSX), 422, "invalid",
                     "file", "xlsx_unreadable")
        body = book([("Q1", GOOD), ("Q2", [])])
        expect_error(c.post(IMPORT.format("P1") + "?sheet=Q3", raw=body, content_type=XLSX),
                     422, "invalid", "sheet", "xlsx_sheet_missing",
                     {"sheet": "Q3", "sheets": "Q1, Q2"})
        expect_error(c.post(IMPORT.format("P1") + "?sheet=Q2", raw=body, content_type=XLSX),
                     422, "invalid", "file", "xlsx_empty", {"sheet": "Q2"})
        expect_error(c.post(IMPORT.format("P1") + "?sheet=Q1", raw=csv,
                            content_type="text/csv"), 422, "invalid", "sheet", "sheet_not_csv")
        expect_error(c.post(IMPORT.format("P1"), raw=body, content_type="application/zip"),
                     415, "unsupported_media_type", None, "unsupported_type")
        eq(listed(c), [], "nothing written")
        # a dry run of a good workbook writes nothing either
        r = c.post(IMPORT.format("P1") + "?sheet=Q1&dry_run=1", raw=body, content_type=XLSX)
        eq((r.status, r.json()["rows"], r.json()["imported"]), (200, 2, 0))
        eq(listed(c), [])


@test
def who_may_import_a_workbook():
    ws = env()
    with Env(ws) as e:
        body = book([("S", GOOD)])
        # a member imports their own lines; another's are refused
        eq(e.as_("rep").post(IMPORT.format("P1"), raw=body, content_type=XLSX).status, 200)
        r = e.as_("rep2").post(IMPORT.format("P1"), raw=body, content_type=XLSX)
        expect_error(r, 422, "invalid", "file", "import_bad_rows")
        eq(e.as_("vw").post(IMPORT.format("P1"), raw=body, content_type=XLSX).status, 403)
        eq(e.as_("out").post(IMPORT.format("P1"), raw=body, content_type=XLSX).status, 404)
        eq(len(listed(e.as_("mgr"))), 2)


@test
def export_as_a_typed_workbook_and_back():
    ws = env()
    with Env(ws) as e:
        c = e.as_("mgr")
        data = [("2026-01-05", "=cmd", "SKU-1", "direct", "rep", 3, 9950, 0),
                ("2026-03-01", "'+x", "SKU-2", "shop", "mgr", 12, 1, 1),
                ("2026-12-31", "Big", "SKU-1", "direct", "rep", 100000, 12345678, 100000)]
        for d, cust, sku, ch, rep, q, price, disc in data:
            c.ok("POST", "/api/v1/projects/P1/sales",
                 {"date": d, "customer": cust, "product": sku, "channel": ch, "rep": rep,
                  "quantity": q, "unit_price": price, "discount": disc}, status=201)
        for who in ("mgr", "vw", "rep"):
            r = e.as_(who).get(EXPORT.format("P1") + "?format=xlsx")
            eq(r.status, 200, f"{who}: {r}")
        eq(r.header("Content-Type"), XLSX)
        eq(r.header("Content-Disposition"), 'attachment; filename="P1-sales.xlsx"')
        sh = openpyxl.load_workbook(io.BytesIO(r.body))["P1"]
        eq([x.value for x in sh[1]], HEADER)
        rows = list(sh.iter_rows(min_row=2))
        eq(len(rows), 3)
        for cells, (d, cust, sku, ch, rep, q, price, disc) in zip(rows, data):
            eq((cells[0].is_date, cells[0].value.date().isoformat()), (True, d), "date")
            want = "'" + cust if cust.startswith("'+") else cust
            eq((cells[1].value, cells[1].data_type), (want, "s"), "customer, a string")
            eq((cells[5].value, cells[5].data_type), (q, "n"), "quantity")
            eq((round(cells[6].value * 100), round(cells[7].value * 100)), (price, disc),
               "money in major units")
        # filters apply
        r = c.get(EXPORT.format("P1") + "?format=xlsx&product=SKU-2")
        eq(openpyxl.load_workbook(io.BytesIO(r.body))["P1"].max_row, 2, "one sale")
        expect_error(c.get(EXPORT.format("P1") + "?format=ods"), 422, "invalid", "format",
                     "bad_enum")
        eq(e.as_("out").get(EXPORT.format("P1") + "?format=xlsx").status, 404)
        # the export imports back into another project exactly
        whole = c.get(EXPORT.format("P1") + "?format=xlsx").body
        r = c.post(IMPORT.format("P2"), raw=whole, content_type=XLSX)
        eq(r.status, 200, f"{r}")
        eq(listed(c, "P2"), listed(c, "P1"), "the same sales")
        eq(c.get(EXPORT.format("P2")).body, c.get(EXPORT.format("P1")).body, "same CSV")


if __name__ == "__main__":
    run_all()
