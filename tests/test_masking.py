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


# --- end to end: every command's outputs ---------------------------------------------------------------------------
#: The formats of issue 16, as typed into a unit name, procedure and field names, a source system and a date cell.
ISSUE_NUMBERS = {
    "cccd": "000 190 012 346",
    "cmnd": "099.888.777",
    "intl": "(+84) 999 246 136",
    "landline4": "(0225) 3123456",
    "landline3": "(024) 3825 1234",
    "full_width": "０９１２ ３４５ ６７８",
    "intl00": "0084 912 345 678",
    "date_cell": "0913.579.246",
}
NUMERIC_ID = "202604160007"  # a dossier id of 12 digits: no personal data, shown where ids are shown


def _leak_pattern(numbers) -> re.Pattern[str]:
    """Any 7 digits in a row of one of ``numbers``, whatever separators (up to 3 characters, not a line break:
    lines are cells and table rows) stand between."""
    windows = set()
    for written in numbers:
        digits = _digit_stream(written)
        windows |= _runs_of(digits)
    return re.compile("|".join("[^0-9A-Za-z\n]{0,3}".join(w) for w in sorted(windows)))


LEAK = _leak_pattern(ISSUE_NUMBERS.values())


def _leaks_in(text: str) -> list[str]:
    return [m.group() for m in LEAK.finditer(unicodedata.normalize("NFKC", text))]


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    import csv

    from cchc_analysis import synthetic

    folder = tmp_path_factory.mktemp("masking")
    frame = synthetic.generate_dossiers(300, seed=16, start="2026-04-01", end="2026-06-30")
    for name in ("procedure", "field", "unit", "source_system"):
        frame[name] = frame[name].astype("string")
    n = ISSUE_NUMBERS
    frame["unit"] = f"UBND xã Tân Lập, ĐT {n['landline3']}"
    frame.loc[0:4, "procedure"] += f" (CCCD {n['cccd']})"
    frame.loc[5:9, "procedure"] += f" - CMND {n['cmnd']}"
    frame.loc[40:44, "procedure"] += f" liên hệ {n['intl00']}"
    frame.loc[10:19, "field"] = f"Hộ tịch, liên hệ {n['intl']}"
    frame.loc[20:29, "field"] = f"Chứng thực {n['landline4']}"
    frame.loc[30:39, "source_system"] = f"Hệ thống ĐT {n['full_width']}"
    path = synthetic.to_raw_export(frame, folder / "ho_so_mo_phong.csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header = next(i for i, row in enumerate(rows) if "Mã hồ sơ" in row)
    id_col, received_col = rows[header].index("Mã hồ sơ"), rows[header].index("Ngày tiếp nhận")
    rows[header + 50][received_col] = f"SĐT {n['date_cell']}"  # a bad date: rejected, its value quoted
    rows[header + 60][id_col] = rows[header + 61][id_col] = NUMERIC_ID  # a duplicate id: rejected, id quoted
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    assert len(_leaks_in(path.read_text(encoding="utf-8-sig"))) >= 8  # the check finds them in the input
    return path


def _run(args) -> tuple[int, str, str]:
    import contextlib
    import io

    from cchc_analysis.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def test_no_issue_number_reaches_validate_kpis_or_bieu06(export, tmp_path) -> None:
    import json

    from openpyxl import load_workbook

    texts: dict[str, str] = {}
    log = ["--log", tmp_path / "run.log", "--stamp", tmp_path / "run.json"]
    for name, args in {
        "validate": ["validate", export, "--show", "100", "--rejects", tmp_path / "rejects.csv", *log],
        "validate_json": ["validate", export, "--format", "json"],
        "kpis_json": [
            "kpis",
            export,
            "--period",
            "2026-Q2",
            "--format",
            "json",
            "--by",
            "field,procedure,unit",
        ],
        "kpis_csv": ["kpis", export, "--period", "2026-Q2", "--format", "csv", "--by", "field,source_system"],
        "kpis_table": ["kpis", export, "--period", "2026-Q2", "--by", "unit"],
        "bieu06": ["bieu06", export, "--period", "2026-Q2", "-o", tmp_path / "bieu06.xlsx"],
    }.items():
        code, out, err = _run(args)
        assert code == 0, err
        texts[name], texts[f"{name} stderr"] = out, err
    workbook = load_workbook(tmp_path / "bieu06.xlsx")
    cells = [str(c.value) for ws in workbook for row in ws.iter_rows() for c in row if c.value is not None]
    texts["bieu06.xlsx"] = "\n".join(cells)
    for path in ("rejects.csv", "run.log", "run.json"):
        texts[path] = (tmp_path / path).read_text(encoding="utf-8-sig")
    for name, text in texts.items():
        assert not _leaks_in(text), (name, _leaks_in(text)[:3])
    # the masked values are there, as «[đã ẩn]», where the numbers were
    assert f"Đơn vị: UBND xã Tân Lập, ĐT {MASK}" in cells
    assert f"Hộ tịch, liên hệ {MASK}" in cells and f"Chứng thực {MASK}" in cells
    groups = json.loads(texts["kpis_json"])["groups"]
    assert {f"Hộ tịch, liên hệ {MASK}", f"Chứng thực {MASK}"} <= {g["key"]["field"] for g in groups}
    assert f"SĐT {MASK}" in texts["validate"] and f"Hệ thống ĐT {MASK}" in texts["kpis_csv"]
    # a dossier id is no personal data: validate shows the duplicate id as it is
    assert f"«{NUMERIC_ID}»" in texts["validate"] and NUMERIC_ID in texts["rejects.csv"]
    rejects = json.loads(texts["validate_json"])["rejects"]
    assert {r["value"] for r in rejects} == {f"SĐT {MASK}", NUMERIC_ID}


def test_an_error_quoting_a_cell_masks_it(export) -> None:
    code, _, err = _run(["validate", export, "--strict"])
    assert code == 2 and "SĐT [đã ẩn]" in err and not _leaks_in(err)


def test_no_issue_number_reaches_the_briefing(export, tmp_path) -> None:
    out = tmp_path / "briefing"
    code, _, err = _run(["briefing", "--period", "2026-Q2", "--dossiers", export, "--out", out])
    assert code == 0, err
    folder = out / "2026-Q2"
    written = {p.name: p for p in folder.iterdir()}
    assert {"briefing.html", "briefing.ipynb", "run_stamp.json", "briefing.log"} <= set(written)
    html = written["briefing.html"].read_text(encoding="utf-8")
    assert "UBND xã Tân Lập" in html or MASK in html  # the masked data are shown, not left out
    for name, path in written.items():
        if path.suffix in (".html", ".ipynb", ".json", ".log"):
            leaked = _leaks_in(path.read_text(encoding="utf-8"))
            assert not leaked, (name, leaked[:3])


# --- the writers' path keeps what is no personal data --------------------------------------------------------------
def test_mask_frame_keeps_dossier_ids_of_rejected_rows_and_hashes() -> None:
    import pandas as pd

    from cchc_analysis.privacy import mask_frame, mask_json

    rejects = pd.DataFrame(
        {
            "row": [5, 6],
            "column": ["Mã hồ sơ", "Ngày tiếp nhận"],
            "value": ["001203004005", "ĐT 0912 345 678"],
            "reason_code": ["duplicate_id", "bad_date"],
        }
    )
    assert mask_frame(rejects)["value"].tolist() == ["001203004005", f"ĐT {MASK}"]
    assert mask_frame(pd.DataFrame({"dossier_id": ["001203004005"], "ghi chú": ["0912345678"]})).to_dict(
        "records"
    ) == [{"dossier_id": "001203004005", "ghi chú": MASK}]
    digest = "1234567890" * 6 + "abcd"
    document = {"sha256": digest, "file": "/tmp/0912345678.csv", "rejects": rejects.to_dict("records")}
    masked = mask_json(document)
    assert masked["sha256"] == digest and masked["file"] == f"/tmp/{MASK}.csv"
    assert [r["value"] for r in masked["rejects"]] == ["001203004005", f"ĐT {MASK}"]


def test_a_strict_error_shows_a_dossier_id_but_masks_other_values(tmp_path) -> None:
    header = "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Ngày kết thúc xử lý\n"
    duplicate = tmp_path / "trung_ma.csv"
    duplicate.write_text(
        header + f"{NUMERIC_ID},02/04/2026,10/04/2026,\n{NUMERIC_ID},03/04/2026,10/04/2026,\n",
        encoding="utf-8",
    )
    code, _, err = _run(["validate", duplicate, "--strict"])
    assert code == 2 and f"«{NUMERIC_ID}»" in err
    bad_date = tmp_path / "ngay_sai.csv"
    bad_date.write_text(header + "HS-1,SĐT (+84) 999 246 136,10/04/2026,\n", encoding="utf-8")
    code, _, err = _run(["validate", bad_date, "--strict"])
    assert code == 2 and f"«SĐT {MASK}»" in err and not _leaks_in(err)
