"""Canonical names of the dossier data: columns, their kinds and the canonical values.

The header aliases that map an export's headers to these names are data:
``cchc_analysis/reference/header_aliases.csv``. The loaders produce frames that use only the names here.
"""

from __future__ import annotations

#: Required columns; ``resolved_at`` must exist as a column (or ``returned_at`` in its place) but may be blank.
REQUIRED_COLUMNS: tuple[str, ...] = ("dossier_id", "received_at", "due_at", "resolved_at")

#: Every canonical column, in the order the loaders return them (absent optional columns are left out).
CANONICAL_COLUMNS: tuple[str, ...] = (
    "dossier_id",
    "received_at",
    "due_at",
    "resolved_at",
    "returned_at",
    "procedure",
    "field",
    "unit",
    "source_system",
    "channel",
    "online_level",
    "status",
    "digitized",
    "data_reused",
    "fee_required",
    "paid_online",
    "officer",
    "satisfaction",
    "complaint",
    "home_delivery",
    "home_pickup",
    "vulnerable_group",
    "synced_at",
)

DATE_COLUMNS: tuple[str, ...] = ("received_at", "due_at", "resolved_at", "returned_at", "synced_at")
#: ``vulnerable_group`` is text whose known words become the codes of :data:`VULNERABLE_GROUPS` (vocabulary kind
#: ``vulnerable_group``); a word the vocabulary lacks is kept as written.
TEXT_COLUMNS: tuple[str, ...] = ("procedure", "field", "unit", "source_system", "officer", "vulnerable_group")
BOOL_COLUMNS: tuple[str, ...] = (
    "digitized",
    "data_reused",
    "fee_required",
    "paid_online",
    "complaint",
    "home_delivery",
    "home_pickup",
)

#: Vulnerable groups of Kế hoạch 126/KH-UBND (home pick-up and return), canonical codes.
VULNERABLE_GROUPS: tuple[str, ...] = (
    "elderly",
    "disabled",
    "poor_household",
    "social_protection",
    "meritorious",
    "other_vulnerable",
)
VULNERABLE_GROUP_LABELS_VI: dict[str, str] = {
    "elderly": "Người cao tuổi",
    "disabled": "Người khuyết tật",
    "poor_household": "Hộ nghèo, cận nghèo",
    "social_protection": "Đối tượng bảo trợ xã hội",
    "meritorious": "Người có công",
    "other_vulnerable": "Đối tượng yếu thế khác",
}

#: Canonical channel values (pandas categorical with these categories, in this order).
CHANNELS: tuple[str, ...] = ("full_online", "partial_online", "online", "in_person", "postal")
ONLINE_CHANNELS: frozenset[str] = frozenset({"full_online", "partial_online", "online"})

#: Canonical online-level values.
ONLINE_LEVELS: tuple[str, ...] = ("full_online", "partial_online")

#: Canonical satisfaction values; blank means not rated.
SATISFACTION_LEVELS: tuple[str, ...] = ("very_satisfied", "satisfied", "dissatisfied")
SATISFIED_LEVELS: frozenset[str] = frozenset({"very_satisfied", "satisfied"})

#: DVCQG TrangThaiHoSo codes and names [confirmed]; codes 1 and 3 were never received and are excluded.
STATUS_NAMES: dict[int, str] = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}
EXCLUDED_STATUSES: frozenset[int] = frozenset({1, 3})

#: Columns derived from ``received_at`` that may be used as grouping keys.
CALENDAR_KEYS: tuple[str, ...] = ("month", "quarter")

#: Vietnamese names of canonical columns, for tables and messages shown to analysts.
COLUMN_LABELS_VI: dict[str, str] = {
    "dossier_id": "Mã hồ sơ",
    "received_at": "Ngày tiếp nhận",
    "due_at": "Ngày hẹn trả",
    "resolved_at": "Ngày kết thúc xử lý",
    "returned_at": "Ngày trả kết quả",
    "procedure": "Thủ tục hành chính",
    "field": "Lĩnh vực",
    "unit": "Đơn vị",
    "source_system": "Hệ thống",
    "channel": "Kênh thực hiện",
    "online_level": "Mức độ DVC",
    "status": "Trạng thái",
    "digitized": "Số hóa",
    "data_reused": "Tái sử dụng dữ liệu",
    "fee_required": "Có phí lệ phí",
    "paid_online": "Thanh toán trực tuyến",
    "officer": "Cán bộ xử lý",
    "satisfaction": "Mức độ hài lòng",
    "complaint": "Phản ánh kiến nghị",
    "home_delivery": "Trả kết quả tại nhà",
    "home_pickup": "Tiếp nhận hồ sơ tại nhà",
    "vulnerable_group": "Đối tượng yếu thế",
    "synced_at": "Ngày đồng bộ",
    "month": "Tháng",
    "quarter": "Quý",
}

CHANNEL_LABELS_VI: dict[str, str] = {
    "full_online": "Trực tuyến toàn trình",
    "partial_online": "Trực tuyến một phần",
    "online": "Trực tuyến",
    "in_person": "Trực tiếp",
    "postal": "Bưu chính công ích",
}

SATISFACTION_LABELS_VI: dict[str, str] = {
    "very_satisfied": "Rất hài lòng",
    "satisfied": "Hài lòng",
    "dissatisfied": "Không hài lòng",
}

#: Vietnamese names of the Biểu 06 counts (see :mod:`cchc_analysis.rates`).
COUNT_LABELS_VI: dict[str, str] = {
    "in_scope": "Tổng số hồ sơ giải quyết trong kỳ",
    "new": "Tiếp nhận mới trong kỳ",
    "new_online": "Tiếp nhận trực tuyến",
    "new_in_person_postal": "Tiếp nhận trực tiếp, bưu chính",
    "carried_over": "Từ kỳ trước chuyển sang",
    "resolved": "Đã giải quyết",
    "early": "Giải quyết trước hạn",
    "on_time": "Giải quyết đúng hạn",
    "late": "Giải quyết quá hạn",
    "pending": "Đang giải quyết",
    "pending_within": "Đang giải quyết, trong hạn",
    "pending_overdue": "Đang giải quyết, quá hạn",
    "no_deadline": "Không có thời hạn giải quyết",
    "full_online": "Trực tuyến toàn trình",
    "partial_online": "Trực tuyến một phần",
    "digitized": "Hồ sơ được số hóa",
    "data_reused": "Tái sử dụng dữ liệu số hóa",
    "fee_required": "Hồ sơ có phí, lệ phí",
    "paid_online": "Thanh toán trực tuyến",
    "rated": "Hồ sơ được đánh giá",
    "satisfied": "Đánh giá hài lòng",
    "complaint": "Có phản ánh, kiến nghị",
    "home_delivery": "Nhận, trả kết quả tại nhà",
}

#: Vietnamese names of the rates.
RATE_LABELS_VI: dict[str, str] = {
    "early_rate": "Tỷ lệ giải quyết trước hạn",
    "on_time_rate": "Tỷ lệ giải quyết đúng và trước hạn",
    "late_rate": "Tỷ lệ giải quyết quá hạn",
    "progress_766_rate": "Tiến độ giải quyết (chỉ số 766)",
    "online_rate": "Tỷ lệ tiếp nhận trực tuyến",
    "full_online_rate": "Tỷ lệ trực tuyến toàn trình",
    "partial_online_rate": "Tỷ lệ trực tuyến một phần",
    "digitization_rate": "Tỷ lệ số hóa hồ sơ",
    "reuse_rate": "Tỷ lệ tái sử dụng dữ liệu số hóa",
    "online_payment_rate": "Tỷ lệ thanh toán trực tuyến",
    "satisfaction_rate": "Tỷ lệ hài lòng",
    "complaint_rate": "Tỷ lệ hồ sơ có phản ánh, kiến nghị",
    "satisfaction_766_rate": "Mức độ hài lòng (chỉ số 766, ước tính)",
}


def label(name: str) -> str:
    """The Vietnamese name of a rate, count or column; ``name`` itself when none is known.

    >>> label("full_online_rate"), label("field"), label("xyz")
    ('Tỷ lệ trực tuyến toàn trình', 'Lĩnh vực', 'xyz')
    """
    for table in (RATE_LABELS_VI, COUNT_LABELS_VI, COLUMN_LABELS_VI):
        if name in table:
            return table[name]
    return name


#: What every output built from synthetic data says, visibly.
SYNTHETIC_NOTE_VI = "Dữ liệu mô phỏng"
