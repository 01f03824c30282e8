"""Realistic dossier exports of units other than Đại Sơn, for other quarters, as one-stop systems write them.

A seeded generator: :func:`make_records` draws dossiers as plain dicts with real dates (one dict a dossier, the
truth a test counts from), and :func:`write_export` prints them as a one-stop system or the National Public Service
Portal (DVCQG) sync would:

- **xlsx** (openpyxl): title rows «UBND XÃ TÂN LẬP» … «BÁO CÁO DANH SÁCH HỒ SƠ», «Từ ngày 01/04/2026 đến ngày
  30/06/2026», a header of one row or two (merged group cell «Thời gian giải quyết» above «Ngày tiếp nhận | Ngày hẹn
  trả | Ngày có kết quả», cells merged down for the others), native date cells, a total row «Tổng cộng: 1.500 hồ sơ»,
  a date line and a signature block «NGƯỜI LẬP BIỂU … (a name)»;
- **CSV** (UTF-8 with BOM or Windows-1258, ``;``), the same layout as text;
- **headers**: Vietnamese as printed (``words="classic"``: the headers the package has always read;
  ``words="onestop"``: «Loại tiếp nhận», «Mức độ», «Ngày nộp») or the portal's sync field names (``style="portal"``:
  MaHoSo, NgayTiepNhan, NgayHenTra, NgayKetThucXuLy as ``yyyyMMddHHmmss``, KenhThucHien 1/2/3, MucDo 4/3/2,
  TrangThaiHoSo codes, DuocThanhToanTrucTuyen 0–3 …);
- **columns**: all, all but the source system (``"no_system"``), or the required ones only (``"required"``);
  personal data (names, CCCD, phones, addresses) always, which must never reach an output — recognisably fake
  like the package's own test data: CCCD with the non-existent province code 000, phones 0999…, «Giả Định» places;
- status words one-stop systems print («Đã có kết quả», «Đã trả kết quả», «Đang xử lý», «Chờ bổ sung») or the
  DVCQG names, blank due dates (procedures without a fixed deadline), a note cell of 250 lines, rows of other
  statuses (some never received: DVCQG 1 and 3), and the day/month swap of a spreadsheet saved with US settings
  (dates with day ≤ 12 become date cells with day and month exchanged, the others stay ``dd/mm/yyyy`` text).

Nothing here calls the package: the records are the truth, the files are what a user would get.
"""

from __future__ import annotations

import csv
import io
import random
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

# --- units and periods ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A commune-level unit: its name, the way a report's first title row prints it, and its place name."""

    key: str
    name: str  # "Xã Tân Lập"
    title: str  # "UBND XÃ TÂN LẬP"
    place: str  # "Tân Lập" (the date line: «Tân Lập, ngày 01 tháng 07 năm 2026»)
    code: str  # the unit's code in dossier ids


UNITS: dict[str, Unit] = {
    u.key: u
    for u in (
        Unit("tan_lap", "Xã Tân Lập", "UBND XÃ TÂN LẬP", "Tân Lập", "H26.41.7"),
        Unit("hoa_binh", "Phường Hòa Bình", "UBND PHƯỜNG HÒA BÌNH", "Hòa Bình", "H26.22.3"),
        Unit("cat_hai", "Đặc khu Cát Hải", "UBND ĐẶC KHU CÁT HẢI", "Cát Hải", "H26.90.1"),
    )
}

QUARTERS: dict[str, tuple[date, date]] = {
    "2026-Q2": (date(2026, 4, 1), date(2026, 6, 30)),
    "2026-Q3": (date(2026, 7, 1), date(2026, 9, 30)),
}

# --- what a dossier can be ---------------------------------------------------------------------------------------

#: (procedure, procedure code, field, field code, deadline in working days or None, DVC level 4/3/2, fee in đồng)
PROCEDURES: tuple[tuple[str, str, str, str, int | None, int, int], ...] = (
    ("Đăng ký khai sinh", "1.001193", "Hộ tịch", "G01-HT", 0, 4, 0),
    ("Đăng ký kết hôn", "1.000894", "Hộ tịch", "G01-HT", 0, 3, 0),
    ("Đăng ký khai tử", "1.000656", "Hộ tịch", "G01-HT", 0, 4, 0),
    ("Trích lục hộ tịch", "2.000635", "Hộ tịch", "G01-HT", 0, 4, 8_000),
    ("Chứng thực bản sao từ bản chính", "2.000815", "Chứng thực", "G01-CT", 0, 3, 2_000),
    ("Chứng thực chữ ký trong giấy tờ, văn bản", "2.000884", "Chứng thực", "G01-CT", 0, 2, 10_000),
    ("Chứng thực hợp đồng, giao dịch", "2.001035", "Chứng thực", "G01-CT", 2, 2, 50_000),
    ("Đăng ký biến động quyền sử dụng đất", "1.004227", "Đất đai", "G01-DD", 10, 3, 50_000),
    ("Cấp giấy phép xây dựng nhà ở riêng lẻ", "1.009994", "Xây dựng", "G01-XD", 15, 3, 75_000),
    ("Xác nhận tình trạng hôn nhân", "1.004873", "Hộ tịch", "G01-HT", 3, 4, 0),
    ("Trợ cấp xã hội hằng tháng", "1.001776", "Bảo trợ xã hội", "G01-BTXH", 10, 3, 0),
    ("Đăng ký hộ kinh doanh", "2.000720", "Thành lập và hoạt động doanh nghiệp", "G01-DN", 3, 4, 100_000),
)

#: Procedures with no fixed deadline (a blank «Ngày hẹn trả»), used when ``no_deadline`` is asked for.
NO_DEADLINE_PROCEDURES: tuple[tuple[str, str, str, str, int | None, int, int], ...] = (
    ("Cung cấp thông tin quy hoạch xây dựng", "1.002662", "Xây dựng", "G01-XD", None, 2, 0),
    ("Tiếp nhận phản ánh về hộ tịch", "2.002165", "Hộ tịch", "G01-HT", None, 2, 0),
)

SYSTEMS = ("HTTT giải quyết TTHC Hải Phòng", "Bộ Tư pháp", "Bộ Công an", "Bộ Tài chính")

#: Status code → (words a one-stop system prints, DVCQG name). A one-stop word is picked per dossier.
STATUS_WORDS: dict[int, tuple[tuple[str, ...], str]] = {
    2: (("Đã tiếp nhận",), "Được tiếp nhận"),
    4: (("Đang xử lý", "Đang giải quyết"), "Đang xử lý"),
    5: (("Chờ bổ sung",), "Yêu cầu bổ sung giấy tờ"),
    6: (("Yêu cầu thực hiện nghĩa vụ tài chính",), "Yêu cầu thực hiện nghĩa vụ tài chính"),
    7: (("Công dân yêu cầu rút hồ sơ",), "Công dân yêu cầu rút hồ sơ"),
    8: (("Tạm dừng",), "Dừng xử lý"),
    9: (("Đã có kết quả",), "Đã xử lý xong"),
    10: (("Đã trả kết quả",), "Đã trả kết quả"),
    1: (("Mới đăng ký",), "Mới đăng ký"),
    3: (("Từ chối", "Trả lại", "Đã hủy"), "Không được tiếp nhận"),
}

#: DVCQG statuses of dossiers never received (SPEC §2: excluded, not counted).
NEVER_RECEIVED = frozenset({1, 3})

SATISFACTION_WORDS = {
    "very_satisfied": "Rất hài lòng",
    "satisfied": "Hài lòng",
    "dissatisfied": "Không hài lòng",
}

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Hữu", "Thanh", "Xuân")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hạnh", "Khoa", "Lan", "Mai", "Nam", "Oanh", "Phúc", "Quyên")
GIVEN += ("Sơn", "Tâm", "Uyên", "Vinh", "Xuyến", "Yến", "Thắng", "Hương", "Toàn", "Nhung", "Lộc", "Trâm")
STREETS = ("Giả Định", "Thử Nghiệm", "Mẫu Một", "Mẫu Hai")  # fake, like the CCCD and phone numbers


# --- the records ---------------------------------------------------------------------------------------------------


def _working_days_after(day: date, n: int) -> date:
    """The ``n``-th working day (Monday–Friday) after ``day`` (``day`` itself for 0)."""
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _working_day(rng: random.Random, first: date, last: date) -> date:
    while True:
        day = first + timedelta(days=rng.randrange((last - first).days + 1))
        if day.weekday() < 5:
            return day


def _at(day: date, rng: random.Random, low: int = 7, high: int = 17) -> datetime:
    return datetime.combine(day, time(rng.randrange(low, high), rng.choice((0, 5, 15, 20, 30, 40, 45, 55))))


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def make_records(
    n: int = 600,
    *,
    seed: int,
    unit: str = "tan_lap",
    quarter: str = "2026-Q2",
    as_of: date | None = None,
    carried_over: float = 0.08,
    no_deadline: int = 0,
    other_statuses: int = 0,
    long_note: bool = False,
) -> list[dict]:
    """Dossiers of one unit as its one-stop system knows them on the cut-off day ``as_of``.

    Parameters
    ----------
    n : int
        Dossiers received in the quarter or carried over into it (before ``other_statuses`` are added).
    seed : int
        Same seed, same records.
    unit, quarter : str
        Keys of :data:`UNITS` and :data:`QUARTERS`.
    as_of : date, optional
        The day the export is taken (default: the quarter's last day): nothing is received after it and nothing
        resolved after it is known (such a dossier is still pending in the file).
    carried_over : float
        Share of dossiers received in the last weeks of the previous quarter and still open on its last day.
    no_deadline : int
        Dossiers of procedures without a fixed deadline (blank due date).
    other_statuses : int
        Extra dossiers of statuses other than in progress / resolved: half never received (DVCQG 1 and 3: «Mới
        đăng ký», «Từ chối», «Trả lại», «Đã hủy»), half stopped or waiting (6, 7, 8).
    long_note : bool
        Give one dossier a note of 250 lines.

    Returns
    -------
    list of dict
        One dict per dossier: ``dossier_id``, ``received_at``, ``due_at`` (None: no deadline), ``resolved_at``,
        ``returned_at`` (datetimes or None), ``submitted_at``, ``procedure``, ``procedure_code``, ``field``,
        ``field_code``, ``level`` (4/3/2), ``unit``, ``source_system``, ``channel`` (``in_person``, ``online``,
        ``postal``), ``status`` (DVCQG code), ``status_word`` (as a one-stop system prints it), ``digitized``,
        ``data_reused``, ``fee`` (đồng), ``paid_code`` (DuocThanhToanTrucTuyen 0–3), ``officer``,
        ``satisfaction`` (None or a canonical level), ``complaint``, ``home_delivery``, ``applicant``, ``cccd``,
        ``phone``, ``address``, ``note``.
    """
    rng = random.Random(seed)
    u = UNITS[unit]
    first, last = QUARTERS[quarter]
    cutoff = as_of or last
    officers = [_person(rng) for _ in range(4)]
    records: list[dict] = []

    def draw(procedure: tuple, received_day: date, status: int | None = None) -> dict:
        name, code, field_name, field_code, deadline, level, fee = procedure
        received = _at(received_day, rng)
        due = (
            None
            if deadline is None
            else datetime.combine(_working_days_after(received_day, deadline), time(17))
        )
        channel = (
            rng.choices(("in_person", "online", "postal"), weights=(50, 45, 5))[0]
            if level >= 3
            else "in_person"
        )
        if level == 2:
            channel = rng.choices(("in_person", "postal"), weights=(92, 8))[0]
        resolved = None
        if status is None:
            outcome = rng.choices(("early", "on_time", "late", "pending"), weights=(62, 18, 6, 14))[0]
            if due is None:  # no deadline: resolved some days later, or not yet
                if outcome != "pending":
                    resolved = _at(_working_days_after(received_day, rng.randrange(0, 12)), rng, 8, 17)
            elif outcome == "early" and due.date() > received_day:
                day = received_day + timedelta(days=rng.randrange((due.date() - received_day).days))
                resolved = _at(day, rng, 8, 17)
            elif outcome in ("early", "on_time"):
                resolved = _at(due.date(), rng, 8, 17)
            elif outcome == "late":
                resolved = _at(due.date() + timedelta(days=rng.randrange(1, 9)), rng, 8, 17)
            if resolved is not None and resolved < received:
                resolved = received + timedelta(minutes=rng.randrange(20, 180))
            if resolved is not None and resolved.date() > cutoff:
                resolved = None  # not known on the cut-off day
        returned = None
        if resolved is not None and rng.random() < 0.8:
            returned = resolved + timedelta(days=rng.choice((0, 0, 1, 2)))
            if returned.date() > cutoff:
                returned = None
        if status is None:
            status = (10 if returned else 9) if resolved else rng.choices((2, 4, 5), weights=(2, 8, 2))[0]
        online = channel == "online"
        paid = online and fee > 0 and rng.random() < 0.7
        rated = resolved is not None and rng.random() < 0.55
        serial = len(records) + 1
        record = {
            "dossier_id": f"{u.code}-{received:%y%m%d}-{serial:04d}",
            "received_at": received,
            "submitted_at": received - timedelta(hours=rng.randrange(0, 30)) if online else received,
            "due_at": due,
            "resolved_at": resolved,
            "returned_at": returned,
            "procedure": name,
            "procedure_code": code,
            "field": field_name,
            "field_code": field_code,
            "level": level,
            "unit": f"UBND {u.name[:1].lower()}{u.name[1:]}",
            "source_system": rng.choices(SYSTEMS, weights=(70, 15, 10, 5))[0],
            "channel": channel,
            "status": status,
            "status_word": rng.choice(STATUS_WORDS[status][0]),
            "digitized": online or rng.random() < 0.9,
            "data_reused": rng.random() < 0.6,
            "fee": fee,
            "paid_code": (rng.choice((1, 2)) if paid else rng.choice((0, 3))),
            "officer": rng.choice(officers),
            "satisfaction": rng.choices(tuple(SATISFACTION_WORDS), weights=(60, 35, 5))[0] if rated else None,
            "complaint": rng.random() < 0.02,
            "home_delivery": rng.random() < 0.04,
            "applicant": _person(rng),
            "cccd": f"000{rng.randrange(10**8, 10**9)}",  # province code 000 does not exist: recognisably fake
            "phone": f"0999{rng.randrange(10**5, 10**6)}",
            "address": f"Số {rng.randrange(2, 300)} đường {rng.choice(STREETS)}, thôn Giả Định {rng.randrange(1, 40)}",
            "note": None,
        }
        records.append(record)
        return record

    n_carried = round(n * carried_over)
    for _ in range(n_carried):  # received in the last three weeks before the quarter, still open on its eve
        while True:
            record = draw(
                rng.choice(PROCEDURES[7:]),
                _working_day(rng, first - timedelta(days=21), first - timedelta(1)),
            )
            if record["resolved_at"] is None or record["resolved_at"].date() >= first:
                break
            records.pop()
    for _ in range(n - n_carried - no_deadline):
        draw(rng.choice(PROCEDURES), _working_day(rng, first, cutoff))
    for _ in range(no_deadline):
        draw(rng.choice(NO_DEADLINE_PROCEDURES), _working_day(rng, first, cutoff))
    for k in range(other_statuses):
        status = (1, 3, 3, 3, 6, 7, 8, 8)[k % 8]
        record = draw(rng.choice(PROCEDURES), _working_day(rng, first, cutoff), status=status)
        record["returned_at"] = None
        record["status_word"] = STATUS_WORDS[status][0][k // 8 % len(STATUS_WORDS[status][0])]
    for k, record in enumerate(records):
        if k % 37 == 5:
            record["note"] = (
                f"Công dân bổ sung giấy tờ, liên hệ {record['applicant']} qua số {record['phone']}"
            )
    if long_note and records:
        lines = [
            f"Dòng {i + 1}: kiểm tra thành phần hồ sơ, đối chiếu bản chính; ý kiến «đã xem»"
            for i in range(250)
        ]
        records[len(records) // 2]["note"] = "\n".join(lines)
    records.sort(key=lambda r: (r["received_at"], r["dossier_id"]))
    return records


# --- printing them -------------------------------------------------------------------------------------------------

#: Columns of the export, in order: (key, Vietnamese header (classic words), header (one-stop words), portal field).
#: ``None`` where that style has no such column. Keys ``_…`` are not dossier fields (STT, personal data, notes).
_COLUMNS: tuple[tuple[str, str | None, str | None, str | None], ...] = (
    ("_stt", "STT", "STT", None),
    ("dossier_id", "Mã hồ sơ", "Mã hồ sơ", "MaHoSo"),
    ("procedure_code", None, None, "MaTTHC"),
    ("procedure", "Tên thủ tục hành chính", "Tên thủ tục hành chính", "TenTTHC"),
    ("field_code", None, None, "MaLinhVuc"),
    ("field", "Lĩnh vực", "Lĩnh vực", "TenLinhVuc"),
    ("_applicant", "Họ tên người nộp", "Họ tên người nộp", "ChuHoSo"),
    ("_cccd", "Số CCCD", "Số CCCD", "SoGiayToChuHoSo"),
    ("_phone", "Số điện thoại", "Số điện thoại", "SoDienThoaiChuHoSo"),
    ("_address", "Địa chỉ", "Địa chỉ", "DiaChiChuHoSo"),
    ("channel", "Kênh thực hiện", "Loại tiếp nhận", "KenhThucHien"),
    ("level", "Mức độ DVC", "Mức độ", "MucDo"),
    ("submitted_at", None, "Ngày nộp", "NgayNopHoSo"),
    ("received_at", "Ngày tiếp nhận", "Ngày tiếp nhận", "NgayTiepNhan"),
    ("due_at", "Ngày hẹn trả", "Ngày hẹn trả", "NgayHenTra"),
    ("resolved_at", "Ngày có kết quả", "Ngày có kết quả", "NgayKetThucXuLy"),
    ("returned_at", "Ngày trả kết quả", "Ngày trả kết quả", "NgayTra"),
    ("_refused_at", None, None, "NgayTuChoi"),
    ("_supplement_at", None, None, "NgayYeuCauBoSung"),
    ("status", "Trạng thái", "Trạng thái", "TrangThaiHoSo"),
    ("unit", "Đơn vị tiếp nhận", "Đơn vị tiếp nhận", "DonViXuLy"),
    ("source_system", "Hệ thống", "Hệ thống", None),
    ("digitized", "Số hóa hồ sơ", "Số hóa hồ sơ", None),
    ("data_reused", "Tái sử dụng dữ liệu", "Tái sử dụng dữ liệu", "HoSoCoThanhPhanSoHoa"),
    ("fee_required", "Phí lệ phí", "Phí lệ phí", None),
    ("paid_online", "Thanh toán trực tuyến", "Thanh toán trực tuyến", "DuocThanhToanTrucTuyen"),
    ("_form", None, None, "HinhThuc"),
    ("_return_form", None, None, "HinhThucTra"),
    ("officer", "Cán bộ tiếp nhận", "Cán bộ tiếp nhận", None),
    ("satisfaction", "Mức độ hài lòng", "Mức độ hài lòng", None),
    ("complaint", "Phản ánh kiến nghị", "Phản ánh kiến nghị", None),
    ("home_delivery", "Trả kết quả tại nhà", "Trả kết quả tại nhà", None),
    ("_note", "Ghi chú", "Ghi chú", "GhiChu"),
)

_PERSONAL_KEYS = ("_applicant", "_cccd", "_phone", "_address")
#: The dossier columns every export has (SPEC §2: required).
REQUIRED = ("dossier_id", "received_at", "due_at", "resolved_at")
#: Under the group cell «Thời gian giải quyết» of a two-row header.
_GROUPED = ("received_at", "due_at", "resolved_at")
GROUP_HEADER = "Thời gian giải quyết"
DATE_KEYS = frozenset({"submitted_at", "received_at", "due_at", "resolved_at", "returned_at"})


@dataclass
class Export:
    """A written export and what a test needs to know about it."""

    path: Path
    records: list[dict]
    unit: Unit
    quarter: str
    period: tuple[date, date]
    as_of: date
    style: str
    columns: tuple[str, ...]  # the dossier keys written, in order (keys of _COLUMNS, ``_…`` included)
    headers: tuple[str, ...]  # the headers written, in order
    footer_rows: int  # non-blank rows after the data (total row, date line, signature block)
    stated_total: int | None
    signers: tuple[str, ...]
    personal: tuple[str, ...] = field(default=())

    @property
    def present(self) -> frozenset[str]:
        """Canonical dossier columns the file holds (the level of an online dossier counts as ``online_level``)."""
        names = {k for k in self.columns if not k.startswith("_") and k not in ("level", "submitted_at")}
        names -= {"procedure_code", "field_code"}
        if "level" in self.columns:
            names.add("online_level")
        if "returned_at" in names and "resolved_at" not in names:
            names.add("resolved_at")
        return frozenset(names)

    @property
    def level_known(self) -> bool:
        """Does the file tell full-process from partial online (a level column, or channel words that say it)?"""
        return "channel" in self.columns and ("level" in self.columns or self.style == "vi")

    @property
    def counted(self) -> list[dict]:
        """The records that are dossiers received (DVCQG status neither 1 nor 3)."""
        return [r for r in self.records if r["status"] not in NEVER_RECEIVED]


def _columns(style: str, words: str, columns: str, status_header: str) -> list[tuple[str, str]]:
    chosen = []
    for key, classic, onestop, portal in _COLUMNS:
        header = {"vi": classic if words == "classic" else onestop, "portal": portal}[style]
        if header is None:
            continue
        if key == "status" and style == "portal":
            header = status_header
        if columns == "required" and not (key in REQUIRED or key in _PERSONAL_KEYS or key == "_stt"):
            continue
        if columns == "no_system" and key == "source_system":
            continue
        if columns == "no_level" and key == "level":
            continue
        chosen.append((key, header))
    return chosen


def _vn_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _cell(record: dict, key: str, *, style: str, words: str, statuses: str, level_column: bool) -> object:
    """The value of one cell as the export prints it (datetimes stay datetimes: the writer formats them)."""
    if key == "_stt":
        return None  # filled by the writer
    if key.startswith("_") and key[1:] in ("applicant", "cccd", "phone", "address", "note"):
        return record[key[1:]]
    if key == "_refused_at":
        return record["received_at"] if record["status"] == 3 else None
    if key == "_supplement_at":
        return record["received_at"] + timedelta(days=1) if record["status"] == 5 else None
    if key in ("_form", "_return_form"):
        return 1 if record["channel"] == "online" else 0
    value = record.get(key)
    portal = style == "portal"
    if key in DATE_KEYS:
        return value
    if key == "channel":
        if portal:
            return {"in_person": 1, "online": 2, "postal": 3}[value]
        if value == "online":
            if level_column:
                return "Trực tuyến"
            return {4: "Trực tuyến toàn trình", 3: "Trực tuyến một phần"}[record["level"]]
        if value == "postal":
            return "Qua dịch vụ bưu chính công ích" if words == "onestop" else "Bưu chính công ích"
        return "Trực tiếp"
    if key == "level":
        return value if portal else {4: "Toàn trình", 3: "Một phần", 2: "Mức độ 2"}[value]
    if key == "status":
        if portal or statuses == "code":
            return value
        return record["status_word"] if statuses == "onestop" else STATUS_WORDS[value][1]
    if key == "fee_required":
        return _vn_int(record["fee"]) if record["fee"] else "0"
    if key == "paid_online":
        if portal:
            return record["paid_code"]
        if not record["fee"]:
            return None
        return "Đã thanh toán" if record["paid_code"] in (1, 2) else "Chưa thanh toán"
    if key in ("digitized", "data_reused"):
        return (1 if value else 0) if portal else ("Có" if value else "Không")
    if key in ("complaint", "home_delivery"):
        return "x" if value else None
    if key == "satisfaction":
        return None if value is None else SATISFACTION_WORDS[value]
    return value


def _date_text(value: datetime, *, key: str, portal: bool) -> str:
    if portal:
        return f"{value:%Y%m%d%H%M%S}"
    return f"{value:%d/%m/%Y}" if key == "due_at" else f"{value:%d/%m/%Y %H:%M:%S}"


def _swapped(value: datetime) -> datetime | str:
    """What a spreadsheet with US settings makes of ``dd/mm/yyyy hh:mm``: a month-first date, or text."""
    if value.day <= 12:
        return value.replace(month=value.day, day=value.month)
    return f"{value:%d/%m/%Y %H:%M}"


def _title_rows(unit: Unit, first: date, last: date) -> list[tuple[str, str | None]]:
    """(left text, right text) of the rows above the header."""
    return [
        (unit.title, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("BỘ PHẬN MỘT CỬA", "Độc lập - Tự do - Hạnh phúc"),
        ("", None),
        ("BÁO CÁO DANH SÁCH HỒ SƠ", None),
        (f"Từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}", None),
        ("", None),
    ]


def _footer_rows(unit: Unit, n: int, signed: date, signers: tuple[str, str]) -> list[tuple[str, str | None]]:
    """(left text, right text) of the rows below the data; blank rows are ``("", None)``."""
    return [
        (f"Tổng cộng: {_vn_int(n)} hồ sơ", None),
        ("", None),
        ("", f"{unit.place}, ngày {signed:%d} tháng {signed:%m} năm {signed:%Y}"),
        ("NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ"),
        ("(Ký, ghi rõ họ tên)", "(Ký tên, đóng dấu)"),
        ("", None),
        ("", None),
        (signers[0], signers[1]),
    ]


def write_export(
    records: list[dict],
    path: str | Path,
    *,
    unit: str = "tan_lap",
    quarter: str = "2026-Q2",
    as_of: date | None = None,
    style: str = "vi",
    words: str = "classic",
    columns: str = "all",
    statuses: str = "onestop",
    header_rows: int = 1,
    titles: bool = True,
    footer: bool = True,
    swap_dates: bool = False,
    encoding: str = "utf-8-sig",
    delimiter: str = ";",
    status_header: str = "TrangThaiHoSo",
    stated_total: int | None = None,
    seed: int = 0,
) -> Export:
    """Write ``records`` as an export: ``.xlsx``, ``.csv`` or ``.ods`` by the file's suffix.

    Parameters
    ----------
    style : {"vi", "portal"}
        Vietnamese headers and words, or the DVCQG sync field names and codes.
    words : {"classic", "onestop"}
        With ``style="vi"``: the long-known headers (Kênh thực hiện, Mức độ DVC) or those of one-stop systems
        (Loại tiếp nhận, Mức độ, Ngày nộp).
    columns : {"all", "no_system", "no_level", "required"}
        Which dossier columns; personal data columns are in every variant.
    statuses : {"onestop", "dvcqg", "code"}
        Status words of one-stop systems, DVCQG names, or codes.
    header_rows : {1, 2}
        Two: a merged group cell «Thời gian giải quyết» above the three dates, other headers merged down.
    titles, footer : bool
        Title rows above the header; total row, date line and signature block below the data.
    swap_dates : bool
        xlsx only: the day/month swap of a spreadsheet saved with US settings.
    encoding, delimiter : str
        CSV only.
    stated_total : int, optional
        The total printed in «Tổng cộng» (default: the number of data rows).
    """
    target = Path(path)
    rng = random.Random(seed)
    u = UNITS[unit]
    first, last = QUARTERS[quarter]
    cutoff = as_of or last
    chosen = _columns(style, words, columns, status_header)
    keys = tuple(k for k, _ in chosen)
    headers = tuple(h for _, h in chosen)
    level_column = "level" in keys
    portal = style == "portal"
    rows = []
    for number, record in enumerate(records, start=1):
        row = []
        for key in keys:
            value = (
                number
                if key == "_stt"
                else _cell(
                    record, key, style=style, words=words, statuses=statuses, level_column=level_column
                )
            )
            row.append(value)
        rows.append(row)
    signers = (_person(rng), _person(rng))
    titles_ = _title_rows(u, first, cutoff) if titles else []
    footer_ = (
        _footer_rows(
            u, stated_total if stated_total is not None else len(records), cutoff + timedelta(1), signers
        )
        if footer
        else []
    )
    suffix = target.suffix.lower()
    target.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".xlsx":
        _write_xlsx(
            target,
            keys,
            headers,
            rows,
            titles_,
            footer_,
            header_rows=header_rows,
            swap=swap_dates,
            portal=portal,
        )
    elif suffix == ".csv":
        text = _csv_text(
            keys, headers, rows, titles_, footer_, header_rows=header_rows, portal=portal, delimiter=delimiter
        )
        target.write_bytes(encode(text, encoding))
    elif suffix == ".ods":
        _write_ods(
            target,
            [list(headers)] + [[_plain(k, v, portal) for k, v in zip(keys, r, strict=True)] for r in rows],
        )
    else:
        raise ValueError(f"no writer for {suffix}")
    personal = sorted(
        {r[k] for r in records for k in ("applicant", "cccd", "phone", "address")}
        | {r["officer"] for r in records}
        | set(signers)
    )
    return Export(
        path=target,
        records=records,
        unit=u,
        quarter=quarter,
        period=(first, last),
        as_of=cutoff,
        style=style,
        columns=keys,
        headers=headers,
        footer_rows=sum(1 for left, right in footer_ if left or right),
        stated_total=(stated_total if stated_total is not None else len(records)) if footer else None,
        signers=signers,
        personal=tuple(personal),
    )


def _plain(key: str, value: object, portal: bool) -> object:
    """A cell as text or a number (dates as text)."""
    if isinstance(value, datetime):
        return _date_text(value, key=key, portal=portal)
    return value


def _header_block(keys: tuple[str, ...], headers: tuple[str, ...], header_rows: int) -> list[list[str]]:
    if header_rows == 1:
        return [list(headers)]
    top, bottom = [], []
    for key, header in zip(keys, headers, strict=True):
        if key in _GROUPED:
            top.append(GROUP_HEADER if key == _GROUPED[0] else "")
            bottom.append(header)
        else:
            top.append(header)
            bottom.append("")
    return [top, bottom]


def _csv_text(keys, headers, rows, titles, footer, *, header_rows: int, portal: bool, delimiter: str) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    width = len(headers)
    right = width - 4

    def text_row(left: str, right_text: str | None) -> list[str]:
        row = [""] * width
        row[0] = left
        if right_text:
            row[right] = right_text
        return row

    for left, right_text in titles:
        writer.writerow(text_row(left, right_text))
    writer.writerows(_header_block(keys, headers, header_rows))
    for row in rows:
        writer.writerow(["" if v is None else _plain(k, v, portal) for k, v in zip(keys, row, strict=True)])
    for left, right_text in footer:
        writer.writerow(text_row(left, right_text))
    return buffer.getvalue()


def encode(text: str, encoding: str) -> bytes:
    """Encode text; for Windows-1258, letters it lacks precomposed become base letter + combining tone mark."""
    if encoding.replace("-", "").lower() != "cp1258":
        return text.encode(encoding)
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base, marks = parts[0], parts[1:]
        # keep the letter's own mark (â, ê, ô, ă, ơ, ư) composed when cp1258 has it; the tone mark stays combining
        encoded = None
        for k in [*range(len(marks)), None]:
            head = base if k is None else unicodedata.normalize("NFC", base + marks[k])
            rest = marks if k is None else marks[:k] + marks[k + 1 :]
            try:
                encoded = head.encode("cp1258") + rest.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        if encoded is None:  # pragma: no cover - every Vietnamese letter has a cp1258 spelling
            raise UnicodeEncodeError("cp1258", ch, 0, 1, "no spelling")
        out.append(encoded)
    return b"".join(out)


def _write_xlsx(
    path, keys, headers, rows, titles, footer, *, header_rows: int, swap: bool, portal: bool
) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "DanhSachHoSo"
    width = len(headers)
    right = max(width - 4, 2)
    bold = Font(bold=True)
    r = 1
    for left, right_text in titles:
        if left:
            ws.cell(r, 1, left).font = bold
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=min(4, right - 1))
        if right_text:
            ws.cell(r, right, right_text).font = bold
            ws.merge_cells(start_row=r, start_column=right, end_row=r, end_column=width)
        r += 1
    block = _header_block(keys, headers, header_rows)
    for i, row in enumerate(block):
        for j, header in enumerate(row, start=1):
            if header:
                cell = ws.cell(r + i, j, header)
                cell.font = bold
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if header_rows == 2:
        group = [j for j, k in enumerate(keys, start=1) if k in _GROUPED]
        ws.merge_cells(start_row=r, start_column=group[0], end_row=r, end_column=group[-1])
        for j, k in enumerate(keys, start=1):
            if k not in _GROUPED:
                ws.merge_cells(start_row=r, start_column=j, end_row=r + 1, end_column=j)
    r += len(block)
    for row in rows:
        for j, (key, value) in enumerate(zip(keys, row, strict=True), start=1):
            if value is None:
                continue
            if isinstance(value, datetime):
                if portal:
                    value = _date_text(value, key=key, portal=True)
                elif swap:
                    value = _swapped(value)
            cell = ws.cell(r, j, value)
            if isinstance(value, datetime):
                cell.number_format = "dd/mm/yyyy hh:mm" if not swap else "m/d/yyyy h:mm"
            if key == "_note" and isinstance(value, str) and "\n" in value:
                cell.alignment = Alignment(wrap_text=True)
        r += 1
    for left, right_text in footer:
        if left:
            ws.cell(r, 1, left).font = bold
        if right_text:
            ws.cell(r, right, right_text).font = bold
        r += 1
    wb.save(path)


def _write_ods(path: Path, rows: list[list[object]]) -> None:
    """A minimal OpenDocument spreadsheet (one sheet, text and number cells)."""

    def cell(value: object) -> str:
        if value is None or value == "":
            return "<table:table-cell/>"
        if isinstance(value, int | float) and not isinstance(value, bool):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p>'
                "</table:table-cell>"
            )
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="HoSo">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
