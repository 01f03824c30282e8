"""The one recogniser of personal numbers (cchc_analysis.privacy), property-tested with generated formats.

Personal numbers are generated as Vietnamese people write them — 9-digit CMND and 12-digit CCCD numbers in any
grouping, mobiles and landlines with area codes, with ``+84``, ``0084`` or ``(+84)``, spaces, dots, dashes,
brackets, full-width digits — and put in random Vietnamese text: what comes out holds no run of 7 of their digits.
Dates, dossier codes, money, percentages and counts written in the same text come out unchanged. The array
masker's quick test never says "nothing personal" where the text masker would mask.
"""

from __future__ import annotations

import re
import unicodedata

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cchc_analysis.privacy import MASK, mask_personal_array, mask_personal_text, may_hold_personal_data

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
WORDS = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper(), min_size=1, max_size=8)
#: Text around a number: Vietnamese words, and what may stand just before or after a number.
TEXT = st.lists(WORDS, max_size=5).map(" ".join)
BEFORE = st.sampled_from([" ", ": ", " (", " số ", ", ", "\n", " SĐT ", " ĐT: ", " CCCD số ", "\t"])
AFTER = st.sampled_from([" ", ")", ", ", ". ", ";", "\n", " - ", ""])
SEPARATORS = st.sampled_from([" ", ".", "-", " - ", "\u00a0", "\u3000", "  ", ". ", "–"])
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _digits(draw, n: int) -> str:
    return "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=n, max_size=n)))


@st.composite
def national_numbers(draw) -> tuple[str, str]:
    """A personal number's digits (without separators) and the part that may stand in brackets (area code)."""
    kind = draw(st.sampled_from(["cmnd", "cccd", "mobile", "landline3", "landline4"]))
    if kind == "cmnd":
        return _digits(draw, 9), ""
    if kind == "cccd":
        return _digits(draw, 12), ""
    if kind == "mobile":
        return "0" + draw(st.sampled_from("35789")) + _digits(draw, 8), ""
    if kind == "landline3":
        area = "02" + draw(st.sampled_from("48"))
        return area + _digits(draw, 8), area
    area = "02" + draw(st.sampled_from("0123456789")) + draw(st.sampled_from("0123456789"))
    return area + _digits(draw, 7), area


def _grouped(draw, digits: str) -> str:
    """``digits`` split at random places, each gap a random separator."""
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=len(digits) - 1)))
    parts = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
    return "".join(p + (draw(SEPARATORS) if i < len(parts) - 1 else "") for i, p in enumerate(parts))


@st.composite
def written_numbers(draw) -> tuple[str, str]:
    """A personal number as someone typed it, and its digits."""
    digits, area = draw(national_numbers())
    style = draw(st.sampled_from(["plain", "grouped", "bracket", "+84", "84", "0084", "(+84)"]))
    if style == "bracket" and area:
        text = f"({area})" + draw(st.sampled_from([" ", ""])) + _grouped(draw, digits[len(area) :])
    elif style in ("+84", "84", "0084", "(+84)") and digits[0] == "0" and len(digits) in (10, 11):
        national = digits[1:]
        text = style + draw(st.sampled_from([" ", "", "-", "."])) + _grouped(draw, national)
        digits = national
    elif style == "plain":
        text = digits
    else:
        text = _grouped(draw, digits)
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    return text, digits


def _digit_stream(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isdigit())


def _runs_of(digits: str, n: int = 7) -> set[str]:
    return {digits[i : i + n] for i in range(len(digits) - n + 1)}


@SETTINGS
@given(TEXT, BEFORE, written_numbers(), AFTER, TEXT)
def test_a_personal_number_in_text_is_masked(head, before, number, after, tail) -> None:
    written, digits = number
    text = head + before + written + after + tail
    masked = mask_personal_text(text)
    assert MASK in masked
    assert not _runs_of(digits) & _runs_of(_digit_stream(masked)), (text, masked)
    assert head in masked and tail in masked  # the words around are kept
    assert mask_personal_text(masked) == masked


@SETTINGS
@given(TEXT, st.lists(written_numbers(), min_size=2, max_size=3), TEXT)
def test_several_numbers_side_by_side_are_all_masked(head, numbers, tail) -> None:
    text = head + " " + " ".join(w for w, _ in numbers) + " " + tail
    stream = _digit_stream(mask_personal_text(text))
    for _, digits in numbers:
        assert not _runs_of(digits) & _runs_of(stream), text


@SETTINGS
@given(st.text(alphabet=VIETNAMESE + "@._-+", min_size=1, max_size=12), st.sampled_from(["", "＠"]))
def test_email_addresses_are_masked(user, at) -> None:
    assume(re.fullmatch(r"[\w.+\-]+", user))
    text = f"Liên hệ {user}{at or '@'}example.gov.vn để bổ sung"
    masked = mask_personal_text(text)
    assert "example" not in masked and masked.startswith("Liên hệ ") and masked.endswith(" để bổ sung")


# --- what is not personal data comes out unchanged ---------------------------------------------------------------
def _two(draw, low: int, high: int) -> str:
    value = draw(st.integers(low, high))
    return f"{value:02d}" if draw(st.booleans()) else str(value)


@st.composite
def dates(draw) -> str:
    day, month, year = _two(draw, 1, 28), _two(draw, 1, 12), str(draw(st.integers(2015, 2030)))
    sep = draw(st.sampled_from("/.-"))
    text = sep.join([day, month, year]) if draw(st.booleans()) else sep.join([year, month, day])
    if draw(st.booleans()):
        hour, minute = f"{draw(st.integers(0, 23)):02d}", f"{draw(st.integers(0, 59)):02d}"
        text += draw(st.sampled_from([" ", "T"])) + hour + draw(st.sampled_from(":.h")) + minute
    return text


@st.composite
def dossier_codes(draw) -> str:
    letter = draw(st.sampled_from("GHKTX"))
    day = f"{draw(st.integers(24, 26))}{draw(st.integers(1, 12)):02d}{draw(st.integers(1, 28)):02d}"
    seq = f"{draw(st.integers(1, 9999)):04d}"
    agency = draw(
        st.sampled_from(
            [
                f"000.00.{draw(st.integers(1, 99)):02d}.{letter}{draw(st.integers(1, 99)):02d}",
                f"{letter}{draw(st.integers(1, 99)):02d}.{draw(st.integers(1, 999))}",
                f"{letter}{draw(st.integers(1, 99)):02d}",
            ]
        )
    )
    return f"{agency}-{day}-{seq}"


@st.composite
def money(draw) -> str:
    amount = draw(st.integers(1_000, 999_999_999_999))
    written = f"{amount:,}".replace(",", ".")
    return written + draw(st.sampled_from([" đồng", " đ", "đ", " VNĐ", " VND", " triệu"]))


@st.composite
def percentages(draw) -> str:
    whole = draw(st.integers(0, 100))
    decimals = draw(st.sampled_from(["", f",{draw(st.integers(0, 99))}"]))
    return f"{whole}{decimals}" + draw(st.sampled_from(["%", " %"]))


@st.composite
def counts(draw) -> str:
    return f"{draw(st.integers(0, 99_999_999)):,}".replace(",", ".") + draw(
        st.sampled_from(["", " hồ sơ", " lượt"])
    )


NOT_PERSONAL = st.one_of(dates(), dossier_codes(), money(), percentages(), counts())


@SETTINGS
@given(st.lists(st.tuples(TEXT, NOT_PERSONAL), min_size=1, max_size=4), TEXT)
def test_dates_codes_money_percentages_and_counts_are_kept(pieces, tail) -> None:
    text = " ".join(f"{words} {item}," for words, item in pieces) + " " + tail
    assert mask_personal_text(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "CCCD 000 190 012 346",
        "CMND 099.888.777",
        "ĐT (+84) 999 246 136",
        "Điện thoại (0225) 3123456",
        "(024) 3825 1234",
        "SĐT ０９１２ ３４５ ６７８",
        "0084 912 345 678",
        "SĐT0912345678",
        "CCCD:001203004005;",
    ],
)
def test_the_formats_of_the_issue_are_masked(text: str) -> None:
    masked = mask_personal_text(text)
    assert MASK in masked and len(_digit_stream(masked)) < 7, masked


@pytest.mark.parametrize(
    "text",
    [
        "25/12/2026",
        "2026-12-25 14:30",
        "000.00.12.H23-260101-0001",
        "H33.105-260413-0001",
        "Lệ phí 1.250.000 đồng",
        "Tỉ lệ 98,5 %",
        "12.345 hồ sơ",
        "Nghị định 63/2010/NĐ-CP",
        "Quyết định số 1234/QĐ-UBND ngày 01.02.2026 10.30",
    ],
)
def test_what_is_not_personal_is_kept(text: str) -> None:
    assert mask_personal_text(text) == text


# --- the array masker and its quick test ---------------------------------------------------------------------------
@SETTINGS
@given(st.lists(st.one_of(st.none(), st.text(max_size=40)), max_size=8))
def test_the_quick_test_never_misses_what_the_masker_masks(values) -> None:
    array = pa.array(values, type=pa.string())
    hints = may_hold_personal_data(array).to_pylist()
    for value, hint in zip(values, hints, strict=True):
        if value is not None and not hint:
            assert mask_personal_text(value) == value
    assert mask_personal_array(array).to_pylist() == [
        None if v is None else mask_personal_text(v) for v in values
    ]


@SETTINGS
@given(st.lists(st.tuples(TEXT, written_numbers()), min_size=1, max_size=5))
def test_the_array_masker_masks_every_written_number(rows) -> None:
    values = [f"{words} {written}" for words, (written, _) in rows]
    masked = mask_personal_array(pa.array(values, type=pa.string())).to_pylist()
    for value, (_, (_, digits)) in zip(masked, rows, strict=True):
        assert not _runs_of(digits) & _runs_of(_digit_stream(value)), value


def test_the_issue_formats_are_masked_in_an_arrow_column() -> None:
    """The cause of the issue: a quick test said "nothing personal" before the masker ran."""
    values = ["Hộ tịch (CCCD 000 190 012 346)", "Chứng thực 099.888.777", "ĐT (+84) 999 246 136", "Đất đai"]
    assert mask_personal_array(pa.array(values)).to_pylist() == [
        f"Hộ tịch (CCCD {MASK})",
        f"Chứng thực {MASK}",
        f"ĐT {MASK}",
        "Đất đai",
    ]
