"""An xlsxwriter worksheet that writes a whole row of plain values at once, for exports of
many rows in constant memory.

xlsxwriter spends most of a large export on its path for each cell: a decorated method,
a checked and stored cell tuple, then, when the row is flushed, an XML writer call per
cell with its escaping checks. In constant-memory mode a finished row is nothing but XML
appended to the sheet's temporary file, so ``RowsSheet.write_cells`` writes that XML
itself, the elements xlsxwriter writes for the same values: text as an inline string
(with Excel's ``_xHHHH_`` escapes), numbers, date-times as serial numbers with a format.
Headings, widths, the autofilter and the package stay xlsxwriter's.

It relies on three of xlsxwriter's internals, stable for years and pinned in
requirements.txt: the row file ``fh``, ``_write_single_row`` (flushes a row written the
ordinary way, e.g. the headings) and ``_check_dimensions`` (the sheet's extent)."""
import re
from datetime import datetime

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

TEXT_MAX = 32_767  # Excel's longest cell text
EPOCH = datetime(1899, 12, 31)  # Excel's day 0 (1900 date system)

_PLAIN = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
_ESCAPE_LIKE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_EDGE_SPACE = re.compile(r"^\s|\s$")


def inline_string(text):
    """A cell's inline string, ``<is><t>text</t></is>``, escaped as Excel expects: control
    characters as ``_xHHHH_``, a literal ``_xHHHH_`` protected by ``_x005F``, spaces at
    either end preserved, and XML's & < >."""
    if len(text) > TEXT_MAX:
        text = text[:TEXT_MAX]
    if not _PLAIN.search(text):
        return f"<is><t>{text}</t></is>"
    text = _ESCAPE_LIKE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda match: f"_x{ord(match.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    space = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<is><t{space}>{text}</t></is>"


def excel_serial(when):
    """A naive date-time as Excel's serial number (days since 1900, Excel counting
    29 February 1900), computed as xlsxwriter's ``write_datetime`` does."""
    delta = when - EPOCH
    serial = delta.days + (float(delta.seconds) + float(delta.microseconds) / 1e6) / 86400
    return serial + 1 if serial > 59 else serial


class RowsSheet(Worksheet):
    """Pass as ``worksheet_class`` to ``Workbook.add_worksheet`` of a workbook opened with
    ``constant_memory`` (and not ``in_memory``, which turns it off); rows go top to
    bottom, as constant memory demands anyway."""

    letters = ()

    def write_cells(self, row, values, time_format):
        """Row ``row`` (from 0) from ``values``, one per column from A: ``str`` as text,
        ``int``/``float`` as a number, ``datetime`` (naive) as a date cell in
        ``time_format``; None and "" leave the cell empty. -1 if beyond the sheet."""
        if not self.constant_memory:
            raise ValueError("RowsSheet writes rows of a constant_memory workbook only")
        if row > self.previous_row:
            self._write_single_row(row)  # the row before, if written the ordinary way
        if self._check_dimensions(row, len(values) - 1):
            return -1
        if len(self.letters) < len(values):
            self.letters = [xl_col_to_name(col) for col in range(len(values))]
        number, style = row + 1, time_format._get_xf_index()
        cells = []
        for letter, value in zip(self.letters, values):
            kind = type(value)
            if kind is str:
                if value:
                    cells.append(f'<c r="{letter}{number}" t="inlineStr">'
                                 f"{inline_string(value)}</c>")
            elif kind is datetime:
                cells.append(f'<c r="{letter}{number}" s="{style}">'
                             f"<v>{excel_serial(value):.16G}</v></c>")
            elif kind is int or kind is float:
                cells.append(f'<c r="{letter}{number}"><v>{value:.16G}</v></c>')
            elif value is not None:
                raise TypeError(f"no cell for {kind.__name__} {value!r}")
        self.fh.write(f'<row r="{number}">{"".join(cells)}</row>')
        return 0
