#!/usr/bin/python3
"""Convert an XLSForm workbook (.xls or .xlsx) to the CSV layout the kiosk
reads (forms/README.md §1): a row whose first cell is the sheet name, then
the sheet's header, then its data rows with an empty first cell.

Usage: xlsform2csv.py WORKBOOK OUT.csv

Used only when the list of real-world forms is curated (README.md beside
this file); the tests read the CSV files it wrote, never a workbook, and
need neither this script nor xlrd (Debian: python3-xlrd 1.2, which reads
both formats). Cells are written as pyxform reads them: a whole number
without ".0", a date as YYYY-MM-DD, booleans as TRUE/FALSE; sheets other
than survey, choices, settings and external_choices are left out, as
pyxform ignores them.
"""
import csv, datetime, sys
import xlrd

SHEETS = ('survey', 'choices', 'settings', 'external_choices')

def cell_text(book, c):
    if c.ctype == xlrd.XL_CELL_NUMBER:
        v = c.value
        return str(int(v)) if v == int(v) else repr(v)
    if c.ctype == xlrd.XL_CELL_DATE:
        t = xlrd.xldate_as_tuple(c.value, book.datemode)
        if t[3:] == (0, 0, 0):
            return '%04d-%02d-%02d' % t[:3]
        return datetime.datetime(*t).isoformat()
    if c.ctype == xlrd.XL_CELL_BOOLEAN:
        return 'TRUE' if c.value else 'FALSE'
    if c.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ''
    return str(c.value)

def main(src, dst):
    book = xlrd.open_workbook(src)
    with open(dst, 'w', newline='', encoding='utf-8') as out:
        w = csv.writer(out, lineterminator='\n')
        for sh in book.sheets():
            if sh.name.strip().lower() not in SHEETS:
                continue
            rows = [[cell_text(book, c) for c in sh.row(r)]
                    for r in range(sh.nrows)]
            # Drop trailing empty columns and rows (as pyxform does).
            rows = [r for r in rows if any(x.strip() for x in r)]
            if not rows:
                continue
            width = max(max((i + 1 for i, x in enumerate(r) if x.strip()),
                            default=0) for r in rows)
            w.writerow([sh.name.strip().lower()])
            for r in rows:
                w.writerow([''] + (r + [''] * width)[:width])

if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
