"""The workbook's SKM sheet, laid out like an SKM report: the service elements as rows
with their answers, total score, NRR, weight and weighted NRR, then the IKM, the
converted score and the grade, the grade bands they are read from, and the index per
help topic, department and agent. Figures are numbers and the derived ones Excel
formulas (with their values cached), so a supervisor can check and compute with them."""
from xlsxwriter.utility import xl_rowcol_to_cell as cell

from flask_babel import gettext as _, lazy_gettext as _l

from .spreadsheet import safe_text
from .survey_index import CONVERSION

BREAKDOWN_TITLES = (("topic", _l("Help topic")), ("department", _l("Department")),
                    ("agent", _l("Agent at closing")))


def write_survey_sheet(book, styles, board, name):
    sheet = book.add_worksheet(name)
    panel = board.survey
    found = panel.index
    number = book.add_format({"num_format": "0.000"})
    cents = book.add_format({"num_format": "0.00"})
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 42)
    sheet.set_column(2, 6, 14)
    sheet.write_string(0, 0, _("Public satisfaction index (IKM)"), styles["title"])
    sheet.write_string(1, 0, _("Respondents"), styles["label"])
    sheet.write_number(1, 2, found.respondents, styles["count"])
    heads = (_("No."), _("Service element"), _("Answers"), _("Total score"), _("NRR"),
             _("Weight"), _("Weighted NRR"))
    for col, label in enumerate(heads):
        sheet.write_string(3, col, label, styles["head"])
    first = row = 4
    count = len(found.elements)
    for position, element in enumerate(found.elements, 1):
        sheet.write_number(row, 0, position)
        sheet.write_string(row, 1, safe_text(f"{element.question.tag} "
                                             f"{element.question.element}"))
        sheet.write_number(row, 2, element.answers)
        sheet.write_number(row, 3, element.total)
        sheet.write_formula(row, 4, f"={cell(row, 3)}/{cell(row, 2)}", number,
                            float(element.nrr))
        sheet.write_formula(row, 5, f"=1/{count}", number, float(found.weight))
        sheet.write_formula(row, 6, f"={cell(row, 4)}*{cell(row, 5)}", number,
                            float(element.nrr * found.weight))
        row += 1
    ikm_row, converted_row, grade_row = row + 1, row + 2, row + 3
    for offset, label in enumerate((_("IKM (sum of weighted NRR)"),
                                    _("Converted score (IKM × %(n)s)", n=CONVERSION),
                                    _("Grade"), _("Service quality"))):
        sheet.write_string(ikm_row + offset, 1, label, styles["label"])
    bands = sorted(found.grades, key=lambda band: band.lowest)
    band_row = grade_row + 4
    if count:
        ikm = f"SUM({cell(first, 6)}:{cell(row - 1, 6)})"
        sheet.write_formula(ikm_row, 6, f"={ikm}", number, float(found.ikm))
        sheet.write_formula(converted_row, 6, f"=ROUND({cell(ikm_row, 6)}*{CONVERSION},2)",
                            cents, float(found.converted))
        grade = found.grade
        for offset, band_col, value in ((0, 0, grade.letter if grade else ""),
                                        (1, 3, grade.label if grade else "")):
            sheet.write_formula(grade_row + offset, 6, '=IFERROR(INDEX({},MATCH({},{},1)),"")'
                                .format(_band_column(band_row, bands, band_col),
                                        cell(converted_row, 6),
                                        _band_column(band_row, bands, 1)), None, value)
    sheet.write_string(band_row - 1, 0, _("Grade bands of the converted score"),
                       styles["section"])
    for col, label in enumerate((_("Grade"), _("From"), _("To"), _("Service quality"))):
        sheet.write_string(band_row, col, label, styles["head"])
    for offset, band in enumerate(bands, 1):
        sheet.write_string(band_row + offset, 0, band.letter)
        sheet.write_number(band_row + offset, 1, float(band.lowest), cents)
        sheet.write_number(band_row + offset, 2, float(band.highest), cents)
        sheet.write_string(band_row + offset, 3, safe_text(band.label))
    row = band_row + len(bands) + 2
    for by, title in BREAKDOWN_TITLES:
        row = _breakdown(sheet, styles, number, cents, row, str(title), panel.by[by]) + 1
    return sheet


def _band_column(band_row, bands, col):
    """The absolute range of one column of the band table (lowest first, for MATCH)."""
    return (f"{cell(band_row + 1, col, True, True)}:"
            f"{cell(band_row + len(bands), col, True, True)}")


def _breakdown(sheet, styles, number, cents, row, title, rows):
    sheet.write_string(row, 0, title, styles["section"])
    row += 1
    for col, label in enumerate((title, _("Respondents"), _("IKM"), _("Converted score"),
                                 _("Grade"))):
        sheet.write_string(row, col + 1, label, styles["head"])
    for name, found in rows:
        row += 1
        sheet.write_string(row, 1, safe_text(name))
        sheet.write_number(row, 2, found.respondents)
        sheet.write_number(row, 3, float(found.ikm), number)
        sheet.write_number(row, 4, float(found.converted), cents)
        sheet.write_string(row, 5, found.grade.letter if found.grade else "")
    return row + 1
