"""The package's own error type for bad input.

Every problem with what a user gave us (a file, a column, a value, an option) is raised as
:class:`InputError`. The command line turns it into one line, Vietnamese first then English, and exit
code 2; anything else is a bug (exit code 1).
"""

from __future__ import annotations


class InputError(Exception):
    """Bad input, described for an analyst.

    Parameters
    ----------
    message_vi, message_en : str
        The same message in Vietnamese and in English.
    file, row, column, value : optional
        Where the problem is: the file, its 1-based row number as a spreadsheet shows it, the column header
        and the offending value. Any that are given are appended to both messages.
    id_value : bool
        ``value`` is a dossier id, shown as it is; any other text of the error (messages, file, column, value)
        goes through :func:`cchc_analysis.privacy.mask_personal_text`, so an error never quotes a phone or ID
        number.

    Examples
    --------
    >>> str(InputError("Thiếu cột bắt buộc", "Missing required column", file="a.csv", column="Mã hồ sơ"))
    'Thiếu cột bắt buộc (tệp a.csv, cột «Mã hồ sơ») | Missing required column (file a.csv, column «Mã hồ sơ»)'
    """

    def __init__(
        self,
        message_vi: str,
        message_en: str,
        *,
        file: object = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        id_value: bool = False,
    ) -> None:
        from cchc_analysis.privacy import mask_personal_text, mask_value

        # One line, whatever the message quotes (a library's multi-line error, a cell with line breaks).
        self.message_vi = mask_personal_text(" ".join(str(message_vi).split()))
        self.message_en = mask_personal_text(" ".join(str(message_en).split()))
        self.file = None if file is None else mask_personal_text(str(file))
        self.row = row
        self.column = mask_value(column)
        self.value = value if id_value or value is None else mask_personal_text(str(value))
        super().__init__(str(self))

    def _where(self, vi: bool) -> str:
        parts = []
        if self.file is not None:
            parts.append(("tệp " if vi else "file ") + _no_line_breaks(self.file))
        if self.row is not None:
            parts.append(("dòng " if vi else "row ") + str(self.row))
        if self.column is not None:  # an Excel header may hold a line break ("Ngày hẹn trả\nkết quả")
            parts.append(("cột «" if vi else "column «") + _no_line_breaks(str(self.column)) + "»")
        if self.value is not None:
            text = " ".join(str(self.value).split())
            if len(text) > 60:
                text = text[:57] + "..."
            parts.append(("giá trị «" if vi else "value «") + text + "»")
        return f" ({', '.join(parts)})" if parts else ""

    def __str__(self) -> str:
        return f"{self.message_vi}{self._where(True)} | {self.message_en}{self._where(False)}"


class NotADossierExport(InputError):
    """A readable file that is not a dossier export: no header row with the required columns.

    In a folder, such a file is named in a note and skipped (unless ``--strict``); given alone, it is an error.
    """


def _no_line_breaks(text: str) -> str:
    return " ".join(text.splitlines())
