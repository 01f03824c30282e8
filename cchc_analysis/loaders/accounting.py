"""Row accounting and rejects: what became of every data row (loaded, excluded or rejected, with a reason).

:class:`RowAccounting` and :class:`LoadResult` are the public result types; reasons are worded here, once.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_analysis import schema
from cchc_analysis.formatting import fmt_int, fmt_pct
from cchc_analysis.loaders.cleaning import _cell_text

#: Vietnamese reasons by ``reason_code`` (``{label}``: the column's Vietnamese name).
REASONS_VI: dict[str, str] = {
    "bad_field_count": "Dòng có nhiều ô hơn số cột của dòng tiêu đề",
    "blank_id": "Thiếu mã hồ sơ",
    "duplicate_id": "Mã hồ sơ trùng với dòng {first_row}",
    "duplicate_id_known": "Mã hồ sơ trùng với một hồ sơ đã nạp từ tệp trước",
    "blank_date": "Thiếu {label}",
    "bad_date": "Không đọc được {label} (cần ngày/tháng/năm, ví dụ 13/04/2026 hoặc 13/04/2026 14:30)",
    "date_out_of_range": "{Label} ngoài khoảng hợp lý (01/01/1990–31/12/2060)",
    "due_before_received": "Ngày hẹn trả trước ngày tiếp nhận",
    "resolved_before_received": "Ngày kết thúc xử lý trước ngày tiếp nhận",
    "unknown_channel": "Không nhận ra kênh thực hiện (cần Trực tiếp, Trực tuyến toàn trình, Trực tuyến một phần, "
    "Trực tuyến hoặc Bưu chính công ích)",
    "unknown_online_level": "Không nhận ra mức độ dịch vụ công trực tuyến (cần Toàn trình hoặc Một phần)",
    "unknown_status": "Không nhận ra trạng thái hồ sơ (cần mã 1–10 hoặc tên trạng thái DVCQG)",
    "unknown_value": "Không đọc được giá trị có/không ở cột «{name}» (cần Có/Không, Đã/Chưa, X hoặc 1/0)",
    "unknown_satisfaction": "Không nhận ra mức độ hài lòng (cần Rất hài lòng, Hài lòng hoặc Không hài lòng)",
    "excluded_status": "Hồ sơ trạng thái {status} «{status_name}»: chưa được tiếp nhận, không tính vào số liệu",
    "footer": "Dòng cuối bảng (dòng tổng cộng, chữ ký, ghi chú): không phải hồ sơ, không tính vào số liệu",
}


REASONS_EN: dict[str, str] = {
    "bad_field_count": "The row has more cells than the header row",
    "blank_id": "Missing dossier id",
    "duplicate_id": "Duplicate dossier id (first seen on row {first_row})",
    "duplicate_id_known": "Duplicate dossier id (already loaded from an earlier file)",
    "blank_date": "Missing {column}",
    "bad_date": "Unreadable {column} (expected day/month/year, e.g. 13/04/2026)",
    "date_out_of_range": "{column} outside the plausible range 1990-01-01..2060-12-31",
    "due_before_received": "Due date before the receipt date",
    "resolved_before_received": "Resolution date before the receipt date",
    "unknown_channel": "Unknown channel",
    "unknown_online_level": "Unknown online service level",
    "unknown_status": "Unknown dossier status",
    "unknown_value": "Unreadable yes/no value in {column}",
    "unknown_satisfaction": "Unknown satisfaction rating",
    "excluded_status": "Status {status}: the dossier was never received",
    "footer": "Footer row below the data (total, signature, note): not a dossier",
}


REJECT_COLUMNS: tuple[str, ...] = ("file", "row", "column", "value", "reason_code", "reason")
#: Vietnamese headers of the reject list, for files written for people (``validate --rejects``).
REJECT_LABELS_VI: dict[str, str] = {
    "file": "Tệp",
    "row": "Dòng",
    "column": "Cột",
    "value": "Giá trị",
    "reason_code": "Mã lý do",
    "reason": "Lý do",
}


_VALUE_MAX_CHARS = 200


@dataclass(frozen=True)
class RowAccounting:
    """What became of the data rows of one or more files: ``read == loaded + excluded + rejected``.

    Fully blank rows are not data rows and are not counted.

    Examples
    --------
    >>> (RowAccounting(3, 2, 0, 1) + RowAccounting(2, 1, 1, 0)).as_dict()
    {'read': 5, 'loaded': 3, 'excluded': 1, 'rejected': 1}
    """

    read: int
    loaded: int
    excluded: int
    rejected: int

    def as_dict(self) -> dict[str, int]:
        return {
            "read": self.read,
            "loaded": self.loaded,
            "excluded": self.excluded,
            "rejected": self.rejected,
        }

    def __add__(self, other: RowAccounting) -> RowAccounting:
        if not isinstance(other, RowAccounting):
            return NotImplemented
        return RowAccounting(
            self.read + other.read,
            self.loaded + other.loaded,
            self.excluded + other.excluded,
            self.rejected + other.rejected,
        )

    def __radd__(self, other: object) -> RowAccounting:
        if other == 0:  # lets sum() start from 0
            return self
        return NotImplemented


@dataclass
class LoadResult:
    """A loaded dossier file.

    Attributes
    ----------
    dossiers : DataFrame
        Loaded rows; canonical columns only (see ``docs/architecture.md``), plus kept unknown columns.
    rejects, excluded : DataFrame
        One record per rejected / excluded row: ``file, row, column, value, reason_code, reason``.
    accounting : RowAccounting
    source : Path
    sha256 : str
        Hash of the file bytes.
    synthetic : bool
        The file says it holds synthetic data ("mô phỏng" / "synthetic" in a title line or the file name,
        or Parquet metadata ``cchc_synthetic=true``).
    header_map : dict
        Original header → canonical name, for every recognised column.
    dropped_columns : list
        Original headers dropped: personal data and (unless kept) unknown columns.
    title_lines : list
        Text of the non-blank lines above the header row.
    id_hashes : ndarray of uint64
        :func:`cchc_analysis.dossier_ids.id_hashes` of the loaded ids, row for row: enough to tell whether
        files (or parts of a file) loaded separately share a dossier, without keeping the ids.
    notes : list of str
        One-line Vietnamese notes about the reading that every command prints and the briefing shows
        (a stated total that differs from the rows read, a cut-off taken from the title …).
    stated_total : int or None
        The number of dossiers a total row of the file states («Tổng cộng: 1.500 hồ sơ»), if any.
    as_of : Timestamp or None
        The cut-off date («ngày chốt số liệu») the file states in its title lines («… đến ngày 30/06/2026»).
    unit_name : str or None
        The unit the file is about, from its unit column (one value) or its title rows («UBND XÃ TÂN LẬP»).
    """

    dossiers: pd.DataFrame
    rejects: pd.DataFrame
    excluded: pd.DataFrame
    accounting: RowAccounting
    source: Path
    sha256: str
    synthetic: bool
    header_map: dict[str, str] = field(default_factory=dict)
    dropped_columns: list[str] = field(default_factory=list)
    title_lines: list[str] = field(default_factory=list)
    id_hashes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    notes: list[str] = field(default_factory=list)
    stated_total: int | None = None
    as_of: pd.Timestamp | None = None
    unit_name: str | None = None

    def __post_init__(self) -> None:
        # The texts of a load that commands show besides the data (already masked at load) go through the one
        # masking path here, once: a unit name or title with a phone number, a note quoting a cell.
        from cchc_analysis.privacy import mask_personal_text

        if self.unit_name is not None:
            self.unit_name = mask_personal_text(self.unit_name)
        self.notes = [mask_personal_text(n) for n in self.notes]
        self.title_lines = [mask_personal_text(t) for t in self.title_lines]


def _display_value(value: object) -> str | None:
    text = _cell_text(value)
    if text is None:
        return None
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if not text:
        return None
    return text if len(text) <= _VALUE_MAX_CHARS else text[: _VALUE_MAX_CHARS - 1] + "…"


def _label(name: str | None) -> str:
    if name is None:
        return ""
    label = schema.COLUMN_LABELS_VI.get(name, name)
    return label[:1].lower() + label[1:]


def _reason(code: str, column: str | None, **extra: object) -> tuple[str, str]:
    if code == "duplicate_id" and extra.get("first_row") == 0:  # the first occurrence was in another file
        code = "duplicate_id_known"
    label = _label(column)
    name = schema.COLUMN_LABELS_VI.get(column, column) if column else ""
    vi = REASONS_VI[code].format(label=label, Label=label[:1].upper() + label[1:], name=name, **extra)
    en = REASONS_EN[code].format(column=column or "", **extra)
    return vi, en


def _record_frame(groups: list[dict[str, object]], file_label: str) -> pd.DataFrame:
    """Reject / exclusion records from groups of rows sharing a reason, sorted by row."""
    parts = []
    for group in groups:
        rows = np.asarray(group["row"], dtype=np.int64)
        part = pd.DataFrame({"row": rows})
        for key in ("column", "value", "reason_code", "reason"):
            part[key] = pd.array(
                group[key] if isinstance(group[key], list) else [group[key]] * len(rows), dtype="string"
            )
        parts.append(part)
    if not parts:
        empty = pd.array([], dtype="string")
        return pd.DataFrame(
            {"file": empty, "row": np.zeros(0, dtype=np.int64), "column": empty, "value": empty}
            | {"reason_code": empty, "reason": empty}
        )
    frame = pd.concat(parts, ignore_index=True)
    frame.insert(0, "file", pd.array([file_label] * len(frame), dtype="string"))
    return frame.sort_values("row", kind="stable").reset_index(drop=True)[list(REJECT_COLUMNS)]


#: Share of rejected rows above which every command says so on stderr and the briefing shows a warning box.
REJECT_ALERT_SHARE = 0.01


def _reason_label(code: str, reason: object) -> str:
    """A reason as one line of the alert: duplicates grouped whatever their first row."""
    if code in ("duplicate_id", "duplicate_id_known"):
        return "Mã hồ sơ trùng với một dòng đã nạp"
    return str(reason)


def reject_alert(
    accounting: RowAccounting, rejects: pd.DataFrame, threshold: float = REJECT_ALERT_SHARE
) -> str | None:
    """One Vietnamese line when more than ``threshold`` of the rows read were rejected, else None.

    It gives the count, the share and the three most frequent reasons with their counts; the CLI prints it on
    stderr (``--max-rejected`` turns it into exit 2) and the briefing shows it in a warning box.

    Examples
    --------
    >>> rejects = pd.DataFrame({"reason_code": ["unknown_status"] * 2, "reason": ["Không nhận ra trạng thái"] * 2})
    >>> reject_alert(RowAccounting(100, 98, 0, 2), rejects)
    'Cảnh báo: 2/100 dòng bị từ chối (2,0 %), không được tính vào số liệu. Lý do chính: Không nhận ra trạng thái (2).'
    >>> reject_alert(RowAccounting(100, 99, 0, 1), rejects.head(1)) is None
    True
    """
    a = accounting
    if not a.read or not a.rejected or a.rejected / a.read <= threshold:
        return None
    reasons: dict[str, int] = {}
    if len(rejects):
        codes = rejects["reason_code"].astype(object).tolist()
        texts = rejects["reason"].astype(object).tolist()
        for code, text in zip(codes, texts, strict=True):
            label = _reason_label(str(code), text)
            reasons[label] = reasons.get(label, 0) + 1
    top = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    listed = "; ".join(f"{label} ({fmt_int(n)})" for label, n in top)
    return (
        f"Cảnh báo: {fmt_int(a.rejected)}/{fmt_int(a.read)} dòng bị từ chối ({fmt_pct(a.rejected / a.read, 1)}), "
        "không được tính vào số liệu." + (f" Lý do chính: {listed}." if listed else "")
    )
