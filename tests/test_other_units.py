"""Exports of other units and other quarters (issue 9): exact counts, nothing lost, no personal data, one test per
finding 1–11 of the issue.

The exports come from ``other_units.py`` (a seeded generator of what one-stop systems and the portal's sync really
write); the expected counts come from :func:`oracle`, a plain row-by-row count of SPEC §3 over the generated
records, written here and calling nothing of the package.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
import zipfile
from datetime import date, timedelta
from pathlib import Path

import other_units as ou
import pandas as pd
import pytest

from cchc_analysis import index766, rates
from cchc_analysis.cli import main
from cchc_analysis.errors import InputError
from cchc_analysis.loaders import classify_header, load_dossiers

REPO = Path(__file__).resolve().parents[1]

# --- the oracle ----------------------------------------------------------------------------------------------------

#: Every count the oracle makes (SPEC §3 and the JSON contract, plus ``no_deadline`` of issue 9).
ORACLE_COUNTS = (
    "in_scope",
    "new",
    "new_online",
    "new_in_person_postal",
    "carried_over",
    "resolved",
    "early",
    "on_time",
    "late",
    "pending",
    "pending_within",
    "pending_overdue",
    "no_deadline",
    "full_online",
    "partial_online",
    "digitized",
    "data_reused",
    "fee_required",
    "paid_online",
    "rated",
    "satisfied",
    "complaint",
    "home_delivery",
)

#: The count → the canonical column it needs besides the three dates (absent column: the count is unknown, None).
_NEEDS = {
    "new_online": "channel",
    "new_in_person_postal": "channel",
    "full_online": "channel",
    "partial_online": "channel",
    "digitized": "digitized",
    "data_reused": "data_reused",
    "fee_required": "fee_required",
    "paid_online": "paid_online",
    "rated": "satisfaction",
    "satisfied": "satisfaction",
    "complaint": "complaint",
    "home_delivery": "home_delivery",
}


#: The counts made from the three dates alone.
DATE_COUNTS = ORACLE_COUNTS[:2] + ORACLE_COUNTS[4:13]


def oracle(export: ou.Export, start: date, end: date) -> dict[str, int | None]:
    """Biểu 06 counts of ``export`` for ``[start, end]``, one record at a time (SPEC §3, calendar dates).

    A dossier without a deadline (blank due date) is counted in ``no_deadline``; resolved it is on time, pending it
    is within its deadline (the rule of docs/assumptions.md, "Dossiers without a deadline": it can be neither early
    nor late). Full-process and partial online are unknown when the file does not say the level of an online
    dossier.
    """
    counts = dict.fromkeys(ORACLE_COUNTS, 0)
    for r in export.counted:
        received = r["received_at"].date()
        due = r["due_at"].date() if r["due_at"] is not None else None
        resolved_at = r["resolved_at"] if "resolved_at" in export.columns else r["returned_at"]
        resolved_day = resolved_at.date() if resolved_at is not None else None
        new = start <= received <= end
        carried = received < start and (resolved_day is None or resolved_day >= start)
        if not (new or carried):
            continue
        add = {"in_scope", "new" if new else "carried_over"}
        if resolved_day is not None and resolved_day <= end:
            add.add("resolved")
            if due is None or resolved_day == due:
                add.add("on_time")
            else:
                add.add("early" if resolved_day < due else "late")
        else:
            add.add("pending")
            add.add("pending_within" if due is None or due >= end else "pending_overdue")
        if due is None:
            add.add("no_deadline")
        if new:
            if r["channel"] == "online":
                add.add("new_online")
                if r["level"] in (4, 3):
                    add.add("full_online" if r["level"] == 4 else "partial_online")
            else:
                add.add("new_in_person_postal")
            add |= {name for name in ("digitized", "data_reused") if r[name]}
            if r["fee"] > 0:
                add.add("fee_required")
            if r["paid_code"] in (1, 2):
                add.add("paid_online")
        if "resolved" in add and r["satisfaction"] is not None:
            add.add("rated")
            if r["satisfaction"] in ("very_satisfied", "satisfied"):
                add.add("satisfied")
        add |= {name for name in ("complaint", "home_delivery") if r[name]}
        for name in add:
            counts[name] += 1
    present = export.present
    result: dict[str, int | None] = {
        name: (counts[name] if _NEEDS.get(name, "dossier_id") in present else None) for name in ORACLE_COUNTS
    }
    if "channel" in present and not export.level_known:
        result["full_online"] = result["partial_online"] = None
    return result


def package_counts(frame: pd.DataFrame, start: date, end: date) -> dict[str, int | None]:
    row = rates.count_dossiers(frame, start, end).iloc[0]
    return {name: (None if pd.isna(row[name]) else int(row[name])) for name in rates.COUNT_COLUMNS}


def assert_counts_equal(got: dict, expected: dict) -> None:
    unknown = set(got) - set(expected)
    assert not unknown, f"the oracle does not know the package's counts {sorted(unknown)}"
    differences = {k: (got[k], expected[k]) for k in got if got[k] != expected[k]}
    assert not differences, f"package vs oracle: {differences}"


# --- the exports -----------------------------------------------------------------------------------------------

#: name → (records options, writer options, suffix). "classic" exports use only what the package read before
#: issue 9 (they check the generator and the oracle); the others carry the patterns of the issue.
EXPORTS: dict[str, tuple[dict, dict, str]] = {
    "hoa_binh_q2_classic_csv": (
        {"n": 500, "seed": 21, "unit": "hoa_binh", "other_statuses": 8},
        {"statuses": "dvcqg", "footer": False},
        ".csv",
    ),
    "cat_hai_q3_classic_xlsx": (
        {"n": 400, "seed": 22, "unit": "cat_hai", "quarter": "2026-Q3"},
        {"statuses": "dvcqg", "footer": False},
        ".xlsx",
    ),
    "tan_lap_q3_required_cp1258": (
        {"n": 400, "seed": 23, "quarter": "2026-Q3"},
        {"columns": "required", "footer": False, "encoding": "cp1258"},
        ".csv",
    ),
    "tan_lap_q2_onestop_xlsx": (
        {"n": 1500, "seed": 24},
        {"words": "onestop", "columns": "no_system", "header_rows": 2},
        ".xlsx",
    ),
    "hoa_binh_q3_onestop_csv": (
        {
            "n": 500,
            "seed": 25,
            "unit": "hoa_binh",
            "quarter": "2026-Q3",
            "no_deadline": 12,
            "other_statuses": 16,
            "long_note": True,
        },
        {"words": "onestop", "header_rows": 2},
        ".csv",
    ),
    "cat_hai_q2_portal_csv": (
        {"n": 500, "seed": 26, "unit": "cat_hai", "other_statuses": 8},
        {"style": "portal", "titles": False, "footer": False},
        ".csv",
    ),
    "tan_lap_q3_portal_xlsx": (
        {"n": 400, "seed": 27, "quarter": "2026-Q3", "no_deadline": 6},
        {"style": "portal", "status_header": "TrangThaiHoSoId", "footer": False},
        ".xlsx",
    ),
    "hoa_binh_q2_portal_cp1258": (
        {"n": 300, "seed": 28, "unit": "hoa_binh"},
        {"style": "portal", "encoding": "cp1258", "footer": False},
        ".csv",
    ),
}

#: The exports the package read before issue 9: they must pass on any branch.
CLASSIC = ("hoa_binh_q2_classic_csv", "cat_hai_q3_classic_xlsx", "tan_lap_q3_required_cp1258")


def make_export(folder: Path, name: str, **changes) -> ou.Export:
    record_options, writer_options, suffix = EXPORTS[name]
    record_options = record_options | changes.pop("records", {})
    records = ou.make_records(**record_options)
    writer = {
        "unit": record_options.get("unit", "tan_lap"),
        "quarter": record_options.get("quarter", "2026-Q2"),
    }
    writer |= {"as_of": record_options.get("as_of")} | writer_options | changes
    return ou.write_export(records, folder / f"{name}{suffix}", **writer)


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, ou.Export]:
    folder = tmp_path_factory.mktemp("other_units")
    return {name: make_export(folder, name) for name in EXPORTS}


@pytest.fixture(scope="module")
def loads(exports) -> dict:
    """Each export loaded once; an input error is kept (and re-raised by the test that needs the load)."""
    result = {}
    for name, export in exports.items():
        try:
            result[name] = load_dossiers(export.path)
        except InputError as exc:
            result[name] = exc
    return result


def loaded(loads, name):
    value = loads[name]
    if isinstance(value, Exception):
        raise value
    return value


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def run(args: list, capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def leaks(text: str, export: ou.Export) -> list[str]:
    return [value for value in export.personal if value in text]


def xlsx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return unicodedata.normalize(
            "NFC", " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
        )


# --- the generator and the oracle themselves --------------------------------------------------------------------


def test_generator_is_seeded_and_realistic(tmp_path):
    a = ou.make_records(200, seed=5, no_deadline=4, other_statuses=8, long_note=True)
    b = ou.make_records(200, seed=5, no_deadline=4, other_statuses=8, long_note=True)
    assert a == b
    assert len({r["dossier_id"] for r in a}) == len(a) == 208
    assert all(r["received_at"].weekday() < 5 for r in a)
    assert sum(r["due_at"] is None for r in a) == 4
    assert max(r["note"].count("\n") for r in a if r["note"]) == 249
    words = {r["status_word"] for r in a}
    assert {"Đã có kết quả", "Đã trả kết quả", "Đang xử lý", "Chờ bổ sung"} <= words
    assert all(r["resolved_at"] is None or r["resolved_at"].date() <= date(2026, 6, 30) for r in a)
    cp = ou.write_export(a, tmp_path / "x.csv", encoding="cp1258")
    text = unicodedata.normalize("NFC", cp.path.read_bytes().decode("cp1258"))
    assert text.startswith("UBND XÃ TÂN LẬP;") and "Tổng cộng: 208 hồ sơ" in text and cp.signers[0] in text


def test_oracle_on_a_hand_made_export():
    """Four dossiers whose counts can be read by eye (period 01/04–30/04/2026)."""
    from datetime import datetime as dt

    def record(received, due, resolved, channel="in_person", level=2, status=10):
        return {
            "received_at": received,
            "due_at": due,
            "resolved_at": resolved,
            "returned_at": resolved,
            "channel": channel,
            "level": level,
            "status": status,
            "digitized": True,
            "data_reused": False,
            "fee": 0,
            "paid_code": 0,
            "satisfaction": None,
            "complaint": False,
            "home_delivery": False,
        }

    records = [
        record(dt(2026, 3, 30, 9), dt(2026, 4, 3, 17), None),  # carried over, pending, overdue at 30/04
        record(
            dt(2026, 4, 2, 9), dt(2026, 4, 6, 17), dt(2026, 4, 6, 8), "online", 4
        ),  # new, on time, full online
        record(
            dt(2026, 4, 6, 9), dt(2026, 4, 8, 17), dt(2026, 4, 9, 8), "online", 3
        ),  # new, late, partial online
        record(dt(2026, 4, 29, 9), None, None),  # new, no deadline, pending (within)
        record(dt(2026, 4, 10, 9), dt(2026, 4, 12, 17), None, status=3),  # never received: not counted
    ]
    export = ou.Export(
        Path("x"),
        records,
        ou.UNITS["tan_lap"],
        "2026-Q2",
        ou.QUARTERS["2026-Q2"],
        date(2026, 6, 30),
        "vi",
        ("dossier_id", "received_at", "due_at", "resolved_at", "channel", "level", "digitized"),
        (),
        0,
        None,
        (),
    )
    c = oracle(export, date(2026, 4, 1), date(2026, 4, 30))
    assert (c["in_scope"], c["new"], c["carried_over"], c["resolved"], c["pending"]) == (4, 3, 1, 2, 2)
    assert (c["early"], c["on_time"], c["late"], c["pending_within"], c["pending_overdue"]) == (0, 1, 1, 1, 1)
    assert (c["new_online"], c["full_online"], c["partial_online"], c["new_in_person_postal"]) == (2, 1, 1, 1)
    assert (c["no_deadline"], c["digitized"], c["data_reused"], c["rated"]) == (1, 3, None, None)


@pytest.mark.parametrize("name", CLASSIC)
def test_classic_exports_give_the_oracle_counts(name, exports, loads):
    """Only features the package always read: the generator and the oracle agree with the package."""
    export, load = exports[name], loaded(loads, name)
    assert load.accounting.rejected == 0, load.rejects.head().to_dict("records")
    first, last = export.period
    assert_counts_equal(package_counts(load.dossiers, first, last), oracle(export, first, last))


# --- every export: nothing lost, exact counts, absent is null --------------------------------------------------


@pytest.mark.parametrize("name", list(EXPORTS))
def test_every_row_accounted_for_and_none_rejected(name, exports, loads):
    export, load = exports[name], loaded(loads, name)
    a = load.accounting
    assert a.read == a.loaded + a.excluded + a.rejected
    assert a.rejected == 0, load.rejects.groupby("reason_code").size().to_dict()
    assert a.loaded == len(export.counted)
    reasons = load.excluded["reason_code"]
    assert (reasons != "footer").sum() == len(export.records) - len(export.counted)
    footer = load.excluded[reasons == "footer"]
    assert len(footer) == export.footer_rows
    assert footer["value"].isna().all()  # never the text (names!)


@pytest.mark.parametrize("name", list(EXPORTS))
def test_counts_equal_the_oracle(name, exports, loads):
    """The quarter, and its middle month (carried-over and still-pending dossiers on both sides)."""
    export, load = exports[name], loaded(loads, name)
    first, last = export.period
    middle = date(first.year, first.month + 1, 1)
    for start, end in ((first, last), (middle, date(first.year, first.month + 2, 1) - timedelta(days=1))):
        assert_counts_equal(package_counts(load.dossiers, start, end), oracle(export, start, end))


def test_kpis_json_of_required_columns_only_is_null_where_columns_are_absent(exports):
    export = exports["tan_lap_q3_required_cp1258"]
    env = os.environ | {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cchc_analysis",
            "kpis",
            str(export.path),
            "--period",
            "2026-Q3",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    (group,) = json.loads(done.stdout)["groups"]
    expected = oracle(export, *export.period)
    for name in (
        "new_online",
        "full_online",
        "digitized",
        "paid_online",
        "rated",
        "complaint",
        "home_delivery",
    ):
        assert group["counts"][name] is None and expected[name] is None
    for name in ("full_online_rate", "online_rate", "digitization_rate", "online_payment_rate"):
        assert group["rates"][name] is None
    assert_counts_equal({k: group["counts"][k] for k in rates.COUNT_COLUMNS}, expected)
    assert not leaks(done.stdout + done.stderr, export)


@pytest.mark.parametrize(
    "name",
    [
        "hoa_binh_q2_classic_csv",
        "tan_lap_q2_onestop_xlsx",
        "hoa_binh_q3_onestop_csv",
        "cat_hai_q2_portal_csv",
    ],
)
def test_personal_data_never_reaches_an_output(name, exports, tmp_path, capsys):
    export = exports[name]
    quarter = export.quarter
    texts = []
    rejects = tmp_path / "rejects.csv"
    for args in (
        ["validate", export.path, "--rejects", rejects],
        ["validate", export.path, "--format", "json"],
        ["kpis", export.path, "--period", quarter, "--format", "json"],
        ["kpis", export.path, "--period", quarter, "--by", "field,unit"],
        ["kpis", export.path, "--period", quarter, "--format", "csv", "--by", "procedure"],
        ["bieu06", export.path, "--period", quarter, "-o", tmp_path / "b06.xlsx"],
    ):
        code, out, err = run(args, capsys)
        assert code == 0, err
        texts += [out, err]
    texts += [rejects.read_text(encoding="utf-8-sig"), xlsx_text(tmp_path / "b06.xlsx")]
    found = leaks("\n".join(texts), export)
    assert not found, found[:5]


# --- one test per finding of issue 9 -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tan_lap_briefing(tmp_path_factory) -> dict:
    """The one Tân Lập briefing of this module: Q2/2026, xlsx with only the required dossier columns (no system,
    channel, satisfaction …), title rows, merged two-row header, total row and signatures, personal data."""
    folder = tmp_path_factory.mktemp("tan_lap_briefing")
    records = ou.make_records(600, seed=31)
    export = ou.write_export(records, folder / "tan_lap_q2.xlsx", columns="required", header_rows=2)
    env = os.environ | {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    }
    args = ["briefing", "--period", "2026-Q2", "--dossiers", export.path, "--out", folder / "out"]
    done = subprocess.run(
        [sys.executable, "-m", "cchc_analysis", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=REPO,
        timeout=900,
    )
    texts = {}
    for path in sorted((folder / "out").rglob("*")):
        if path.suffix == ".ipynb":  # what the notebook showed (its code may name the bundled unit)
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            outputs = [json.dumps(o, ensure_ascii=False) for c in cells for o in c.get("outputs", [])]
            texts[path.name] = unicodedata.normalize("NFC", "\n".join(outputs))
        elif path.suffix in (".html", ".json", ".csv", ".log", ".txt"):
            texts[path.name] = unicodedata.normalize(
                "NFC", path.read_text(encoding="utf-8", errors="replace")
            )
        elif path.suffix == ".pdf":
            from pypdf import PdfReader

            pages = PdfReader(str(path)).pages
            texts[path.name] = unicodedata.normalize("NFC", "\n".join(p.extract_text() or "" for p in pages))
    return {"export": export, "done": done, "texts": texts}


def _visible(html: str) -> str:
    import html as html_lib

    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'src="data:[^"]*"', "", html)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", html))


def test_finding_01_briefing_without_system_or_optional_columns_exits_0(tan_lap_briefing):
    done = tan_lap_briefing["done"]
    assert done.returncode == 0, done.stderr[-2000:]
    assert "briefing.html" in tan_lap_briefing["texts"]


def test_finding_02_one_stop_status_words_are_read(tmp_path):
    """Status words as one-stop systems print them, in an export the package otherwise always read."""
    records = ou.make_records(400, seed=38, other_statuses=16)
    export = ou.write_export(records, tmp_path / "tan_lap.csv", statuses="onestop", footer=False)
    words = {r["status_word"] for r in export.records}
    assert {"Đã có kết quả", "Đã trả kết quả", "Đang xử lý", "Chờ bổ sung", "Từ chối", "Tạm dừng"} <= words
    load = load_dossiers(export.path)
    assert load.accounting.rejected == 0
    assert load.accounting.loaded == len(export.counted)
    assert load.accounting.excluded == len(export.records) - len(export.counted)
    first, last = export.period
    assert package_counts(load.dossiers, first, last)["new"] == oracle(export, first, last)["new"]


def test_finding_02_unknown_word_is_listed_and_a_user_vocabulary_adds_it(tmp_path, capsys):
    records = ou.make_records(120, seed=32)
    for r in records:  # words the package always knew, but for one no table knows
        r["status_word"] = ou.STATUS_WORDS[r["status"]][1]
    for r in records[::10]:
        r["status_word"] = "Đã ký duyệt"
    n_unknown = len(records[::10])
    data = tmp_path / "data"
    export = ou.write_export(records, data / "tan_lap.csv", statuses="onestop", footer=False)
    code, out, err = run(["validate", export.path], capsys)
    assert code == 0
    said = out + err
    assert "Đã ký duyệt" in said and str(n_unknown) in said
    assert "--vocabulary" in said or "cchc_vocabulary.csv" in said  # how to add it
    assert load_dossiers(export.path).accounting.rejected == n_unknown
    # More than 1 % rejected: every command says so (count and share), and --max-rejected makes it an error.
    code, out, err = run(["kpis", export.path, "--period", "2026-Q2", "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["rows"]["rejected"] == n_unknown
    assert re.search(rf"\b{n_unknown}\b", err) and re.search(r"\b10(,0+)?\s?%", err), err  # 12 of 120
    code, out, err = run(["kpis", export.path, "--period", "2026-Q2", "--max-rejected", "0.01"], capsys)
    assert code == 2 and out == ""

    vocabulary = tmp_path / "tu_dien.csv"
    vocabulary.write_text(
        "kind,word,value,source\nstatus,Đã ký duyệt,9,Bộ phận một cửa xã Tân Lập\n", "utf-8"
    )
    assert load_dossiers(export.path, vocabulary=vocabulary).accounting.rejected == 0
    code, out, err = run(["validate", export.path, "--vocabulary", vocabulary, "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["rows"]["rejected"] == 0
    (data / "cchc_vocabulary.csv").write_text(vocabulary.read_text("utf-8"), "utf-8")  # found beside the data
    assert load_dossiers(export.path).accounting.rejected == 0
    code, out, _ = run(["vocabulary"], capsys)
    assert code == 0 and "Đã có kết quả" in out


def test_finding_03_the_unit_is_named_from_the_file(exports, loads):
    for name in ("hoa_binh_q2_classic_csv", "cat_hai_q3_classic_xlsx", "tan_lap_q3_required_cp1258"):
        unit_name = loaded(loads, name).unit_name
        assert unit_name and fold(exports[name].unit.place) in fold(unit_name), (name, unit_name)
    assert fold("Cát Hải") in fold(loaded(loads, "cat_hai_q2_portal_csv").unit_name or "")  # from DonViXuLy


def test_finding_03_briefing_is_about_tan_lap_only(tan_lap_briefing):
    assert tan_lap_briefing["done"].returncode == 0, tan_lap_briefing["done"].stderr[-2000:]
    texts = tan_lap_briefing["texts"]
    html = _visible(texts["briefing.html"])
    assert "Tân Lập" in html
    export = tan_lap_briefing["export"]
    for name, text in texts.items():
        shown = _visible(text) if name.endswith(".html") else text
        for other in ("40/114", "58/114", "Đại Sơn"):
            assert other not in shown, (name, other)
        assert not leaks(text, export), (name, leaks(text, export)[:3])


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_finding_04_merged_two_row_header_is_read(suffix, tmp_path):
    records = ou.make_records(300, seed=39)
    export = ou.write_export(
        records, tmp_path / f"hai_dong{suffix}", header_rows=2, statuses="dvcqg", footer=False
    )
    load = load_dossiers(export.path)
    for header, canonical in (("Ngày tiếp nhận", "received_at"), ("Ngày hẹn trả", "due_at")):
        assert load.header_map.get(header) == canonical
    assert load.header_map.get("Ngày có kết quả") == "resolved_at"
    assert load.accounting.rejected == 0 and load.accounting.loaded == len(export.counted)
    first, last = export.period
    assert_counts_equal(package_counts(load.dossiers, first, last), oracle(export, first, last))


def test_finding_05_total_row_and_signatures_are_excluded_not_rejected(tmp_path, capsys):
    records = ou.make_records(1500, seed=40)
    export = ou.write_export(records, tmp_path / "tan_lap_q2.xlsx", statuses="dvcqg")
    load = load_dossiers(export.path)
    assert load.accounting.rejected == 0
    footer = load.excluded[load.excluded["reason_code"] == "footer"]
    assert len(footer) == export.footer_rows == 5 and footer["value"].isna().all()
    assert load.stated_total == len(export.records) == 1500
    agreeing = [n for n in load.notes if "1.500" in n or "tong" in fold(n)]
    assert not agreeing  # the stated total agrees with the rows: nothing to say
    out = tmp_path / "b06.xlsx"
    code, stdout, stderr = run(["bieu06", export.path, "--period", "2026-Q2", "-o", out], capsys)
    assert code == 0, stderr
    text = xlsx_text(out) + stdout + stderr
    assert not re.search(r"[1-9][\d.]* dòng bị từ chối", text)
    assert not [s for s in export.signers if s in text]
    # A stated total that differs from the rows read is said.
    wrong = ou.write_export(
        export.records[:200], tmp_path / "sai_tong.xlsx", statuses="dvcqg", stated_total=205
    )
    notes = load_dossiers(wrong.path).notes
    assert any("205" in note and "200" in note for note in notes), notes


def test_finding_06_blank_due_dates_are_loaded_and_counted(tmp_path, capsys):
    records = ou.make_records(500, seed=44, unit="hoa_binh", quarter="2026-Q3", no_deadline=12)
    export = ou.write_export(
        records,
        tmp_path / "hoa_binh_q3.csv",
        unit="hoa_binh",
        quarter="2026-Q3",
        statuses="dvcqg",
        footer=False,
    )
    load = load_dossiers(export.path)
    blank_due = [r for r in export.counted if r["due_at"] is None]
    assert len(blank_due) == 12
    assert load.accounting.rejected == 0 and load.accounting.loaded == len(export.counted)
    assert int(load.dossiers["due_at"].isna().sum()) == 12
    first, last = export.period
    expected = oracle(export, first, last)
    got = package_counts(load.dossiers, first, last)
    assert got["no_deadline"] == expected["no_deadline"] > 0
    assert got["resolved"] == got["early"] + got["on_time"] + got["late"]
    assert got["pending"] == got["pending_within"] + got["pending_overdue"]
    code, out, err = run(["kpis", export.path, "--period", "2026-Q3", "--format", "json"], capsys)
    assert code == 0, err
    assert json.loads(out)["groups"][0]["counts"]["no_deadline"] == expected["no_deadline"]


def test_finding_07_day_month_swap_is_refused_and_can_be_read_month_first(tmp_path, capsys):
    records = ou.make_records(300, seed=34)
    export = ou.write_export(records, tmp_path / "us.xlsx", swap_dates=True, statuses="dvcqg", footer=False)
    code, out, err = run(["kpis", export.path, "--period", "2026-Q2", "--format", "json"], capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "--month-first" in err  # one way out; the other is to export again
    assert re.search(r"Mỹ|\bUS\b|tháng trước", err), err
    code, _, err = run(["validate", export.path], capsys)
    assert code == 2
    load = load_dossiers(export.path, month_first_cells=True)
    assert load.accounting.rejected == 0
    first, last = export.period
    assert_counts_equal(package_counts(load.dossiers, first, last), oracle(export, first, last))
    code, out, err = run(
        ["kpis", export.path, "--period", "2026-Q2", "--format", "json", "--month-first"], capsys
    )
    assert code == 0, err
    assert json.loads(out)["groups"][0]["counts"]["late"] == oracle(export, first, last)["late"]


def test_finding_08_portal_sync_fields_are_read(exports, loads):
    for header in (
        "MucDo",
        "Mức độ",
        "Loại tiếp nhận",
        "TrangThaiHoSoId",
        "MaTTHC",
        "MaLinhVuc",
        "NgayNopHoSo",
        "NgayTuChoi",
        "NgayYeuCauBoSung",
        "NgayTra",
        "HinhThuc",
        "HinhThucTra",
        "Ngày nộp",
    ):
        assert classify_header(header) is not None, header
    export, load = exports["cat_hai_q2_portal_csv"], loaded(loads, "cat_hai_q2_portal_csv")
    assert load.header_map.get("MucDo") == "online_level"
    assert loaded(loads, "tan_lap_q3_portal_xlsx").header_map.get("TrangThaiHoSoId") == "status"
    assert sum(r["paid_code"] == 3 for r in export.counted) > 0
    assert load.accounting.rejected == 0
    first, last = export.period
    got, expected = package_counts(load.dossiers, first, last), oracle(export, first, last)
    assert got["full_online"] == expected["full_online"] > 0
    assert got["paid_online"] == expected["paid_online"]


def test_finding_08_online_level_unknown_without_a_level_column(tmp_path, capsys):
    """KenhThucHien = 2 says online, not which level: full-process online is unknown, not 0 %."""
    records = ou.make_records(200, seed=35)
    export = ou.write_export(
        records, tmp_path / "no_level.csv", style="portal", columns="no_level", footer=False
    )
    assert oracle(export, *export.period)["full_online"] is None
    code, out, err = run(["kpis", export.path, "--period", "2026-Q2", "--format", "json"], capsys)
    assert code == 0, err
    group = json.loads(out)["groups"][0]
    assert group["counts"]["new_online"] == oracle(export, *export.period)["new_online"] > 0
    assert group["counts"]["full_online"] is None and group["rates"]["full_online_rate"] is None
    row = rates.processing_rates(load_dossiers(export.path).dossiers, *export.period).iloc[0]
    online_group = index766.score_766(row).set_index("code").loc["3"]
    assert pd.isna(online_group["points"])  # unknown, not 0 points


def test_finding_09_a_period_without_dossiers_is_refused(exports, tmp_path, capsys):
    export = exports["hoa_binh_q2_classic_csv"]  # received 11/03–30/06/2026 (some carried over from March)
    code, out, err = run(["kpis", export.path, "--period", "2025-Q4"], capsys)
    assert code == 2 and out == "", out
    assert "Traceback" not in err and "2025" in err.strip().splitlines()[-1]  # the error names the period
    b06 = tmp_path / "q3.xlsx"
    code, _, _ = run(["bieu06", export.path, "--period", "2026-Q3", "-o", b06], capsys)
    assert code == 2 and not b06.exists()


def test_finding_09_the_cut_off_bounds_the_period(tmp_path, capsys):
    """An export taken on 15/06/2026 («… đến ngày 15/06/2026»): Q2 is counted to 15/06, never later."""
    as_of = date(2026, 6, 15)
    records = ou.make_records(400, seed=36, as_of=as_of)
    export = ou.write_export(records, tmp_path / "den_15_6.xlsx", as_of=as_of, statuses="dvcqg", footer=False)
    load = load_dossiers(export.path)
    assert load.as_of == pd.Timestamp("2026-06-15")
    code, out, err = run(["kpis", export.path, "--period", "2026-Q2", "--format", "json"], capsys)
    assert code == 0, err
    counts = json.loads(out)["groups"][0]["counts"]
    assert_counts_equal({k: counts[k] for k in rates.COUNT_COLUMNS}, oracle(export, date(2026, 4, 1), as_of))
    assert "15/06/2026" in err  # said on the terminal
    code, out, err = run(
        ["kpis", export.path, "--period", "2026-Q2", "--as-of", "10/06/2026", "--format", "json"], capsys
    )
    assert code == 0, err
    counts = json.loads(out)["groups"][0]["counts"]
    expected = oracle(export, date(2026, 4, 1), date(2026, 6, 10))
    assert counts["pending_overdue"] == expected["pending_overdue"]
    assert counts["resolved"] == expected["resolved"]


def test_finding_10_folders_with_lock_files_ods_and_subfolders(tmp_path, capsys):
    root = tmp_path / "tinh"
    parts = [
        ou.write_export(
            ou.make_records(150, seed=41), root / "tan_lap" / "q2.csv", statuses="dvcqg", footer=False
        ),
        ou.write_export(
            ou.make_records(120, seed=42, unit="hoa_binh"),
            root / "hoa_binh" / "q2.xlsx",
            unit="hoa_binh",
            statuses="dvcqg",
            footer=False,
        ),
        ou.write_export(
            ou.make_records(90, seed=43, unit="cat_hai"),
            root / "cat_hai.ods",
            unit="cat_hai",
            style="portal",
            titles=False,
            footer=False,
        ),
    ]
    (root / "hoa_binh" / "~$q2.xlsx").write_bytes(b"\x0bNguoi dung " + b"\x00" * 150)  # Excel's lock file
    (root / ".~lock.cat_hai.ods#").write_text("Người dùng,máy,01.07.2026 08:00;", "utf-8")
    (root / "ghi_chu.csv").write_text("Việc cần làm;Người phụ trách\nGửi báo cáo;Văn phòng\n", "utf-8")
    expected = {k: 0 for k in ORACLE_COUNTS}
    for part in parts:
        for k, v in oracle(part, *part.period).items():
            expected[k] = None if v is None or expected[k] is None else expected[k] + v
    code, out, err = run(["kpis", root, "--period", "2026-Q2", "--format", "json"], capsys)
    assert code == 0, err
    document = json.loads(out)
    assert document["rows"]["read"] == sum(len(p.records) for p in parts)
    counts = document["groups"][0]["counts"]
    for name in DATE_COUNTS:  # the counts every file of the folder gives (the others depend on its columns)
        if name in rates.COUNT_COLUMNS:
            assert counts[name] == expected[name], name
    assert "~$q2.xlsx" in err and "ghi_chu.csv" in err  # skipped, and said
    code, _, err = run(["kpis", root, "--period", "2026-Q2", "--strict"], capsys)
    assert code == 2 and "ghi_chu.csv" in err
    code, out, err = run(["validate", root], capsys)
    assert code == 0, err


def test_finding_11_a_note_of_250_lines_is_read(tmp_path):
    records = ou.make_records(300, seed=45, unit="hoa_binh", long_note=True)
    export = ou.write_export(
        records, tmp_path / "ghi_chu_dai.csv", unit="hoa_binh", statuses="dvcqg", footer=False
    )
    load = load_dossiers(export.path)
    assert max((r["note"] or "").count("\n") for r in export.records) == 249
    assert load.accounting.rejected == 0 and load.accounting.loaded == len(export.counted)
    # Only a quote that never closes is an error.
    records = ou.make_records(40, seed=37)
    broken = ou.write_export(records, tmp_path / "mo_ngoac.csv", footer=False, columns="required")
    with broken.path.open("a", encoding="utf-8") as f:
        f.write('999;H26.41.7-260630-9999;"Ghi chú chưa đóng ngoặc;01/06/2026;03/06/2026;\r\n')
    with pytest.raises(InputError):
        load_dossiers(broken.path)
