"""Excel workbooks for downloads: one call builds a styled sheet per table.

``workbook_response("file.xlsx", [Sheet(...)])`` returns an HttpResponse; every export in
danvan goes through here so headers, column widths, frozen header rows and dd/mm/yyyy
dates look the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="9B1C1C")
HEADER_FONT = Font(bold=True, color="FFFFFF")


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    caption: str = ""  # a first line above the table (e.g. the campaign's name)
    widths: Sequence[int] = field(default_factory=list)


def _cell_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, (int, float, dt.date)):
        return value
    return str(value)


def build_workbook(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        ws = workbook.create_sheet(title=sheet.title[:31] or "Sheet")
        row_index = 1
        if sheet.caption:
            ws.cell(row=1, column=1, value=sheet.caption).font = Font(bold=True, size=13)
            row_index = 3
        for col, header in enumerate(sheet.headers, start=1):
            cell = ws.cell(row=row_index, column=col, value=str(header))
            cell.fill = HEADER_FILL
            cell.font = HEADER_FONT
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.freeze_panes = ws.cell(row=row_index + 1, column=1)
        header_row = row_index
        for row in sheet.rows:
            row_index += 1
            for col, value in enumerate(row, start=1):
                cell = ws.cell(row=row_index, column=col, value=_cell_value(value))
                if isinstance(value, dt.datetime):
                    cell.number_format = "dd/mm/yyyy hh:mm"
                elif isinstance(value, dt.date):
                    cell.number_format = "dd/mm/yyyy"
        for col, header in enumerate(sheet.headers, start=1):
            width = sheet.widths[col - 1] if col - 1 < len(sheet.widths) else None
            ws.column_dimensions[get_column_letter(col)].width = width or max(
                12, min(60, len(str(header)) + 4)
            )
        if row_index > header_row:
            ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(sheet.headers))}{row_index}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    response = HttpResponse(build_workbook(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
