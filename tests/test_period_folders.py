"""Issue 9, findings 9, 10 and the loud part of 2; issue 17 point 7: period sanity, the cut-off, one period policy,
loud rejects and folders.

Every file here is a few hand-written rows; each expected count can be checked by eye.
"""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
import pytest

from cchc_analysis import briefing, briefing_data
from cchc_analysis.cli import main
from cchc_analysis.errors import InputError
from cchc_analysis.loaders import (
    RowAccounting,
    data_period,
    list_dossier_files,
    load_dossiers,
    load_path,
    reject_alert,
    stated_as_of,
    stated_period,
)
from cchc_analysis.periods import parse_period

HEADER = ["Mã hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý", "Trạng thái"]

# Q2/2026: three dossiers received in April, none before.
#   HS-A received 01/04, due 03/04, still open          → overdue at any T ≥ 04/04
#   HS-B received 10/04, due 20/04, still open          → within its deadline at 15/04, overdue at 30/06
#   HS-C received 02/04, due 05/04, resolved 04/04      → early
APRIL = [
    ["HS-A", "01/04/2026", "03/04/2026", "", "4"],
    ["HS-B", "10/04/2026", "20/04/2026", "", "4"],
    ["HS-C", "02/04/2026", "05/04/2026", "04/04/2026", "10"],
]


def _csv(path: Path, rows: list[list[str]], titles: tuple[str, ...] = ()) -> Path:
    lines = [*titles, ";".join(HEADER), *(";".join(r) for r in rows)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _ods(path: Path, rows: list[list[str]]) -> Path:
    """A minimal OpenDocument spreadsheet (odfpy, which pandas needs to write .ods, is not installed here)."""

    def cells(row: list[str]) -> str:
        return "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(c)}</text:p></table:table-cell>'
            for c in row
        )

    body = "".join(f"<table:table-row>{cells(r)}</table:table-row>" for r in [HEADER, *rows])
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="Sheet1">{body}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _xlsx(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=HEADER).to_excel(path, index=False)
    return path


def run(args: list[object], capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _kpis(args: list[object], capsys) -> tuple[int, dict | None, str]:
    code, out, err = run(["kpis", *args, "--format", "json"], capsys)
    return code, (json.loads(out) if code == 0 else None), err


# --- 8. Period sanity -------------------------------------------------------------------------------------------


def test_a_period_holding_none_of_the_dossiers_is_refused_by_kpis(tmp_path, capsys):
    q2 = _csv(tmp_path / "q2.csv", APRIL)
    code, _, err = _kpis([q2, "--period", "2026-Q1"], capsys)
    assert code == 2
    assert "Quý I/2026" in err and "0 hồ sơ trong kỳ" in err
    assert "hồ sơ tiếp nhận từ 01/04/2026 đến 10/04/2026" in err  # the file's span is named


def test_a_period_after_the_cutoff_is_refused_by_bieu06_and_nothing_is_written(tmp_path, capsys):
    q2 = _csv(tmp_path / "q2.csv", APRIL, titles=("Từ ngày 01/04/2026 đến ngày 30/06/2026",))
    out = tmp_path / "bieu06.xlsx"
    code, _, err = run(["bieu06", q2, "--period", "2026-Q3", "-o", out], capsys)
    assert code == 2  # HS-A and HS-B are carried over into Q3: counting them "quá hạn" would be invented
    assert "Quý III/2026" in err and "ngày chốt số liệu 30/06/2026 (theo dòng tiêu đề của tệp)" in err
    assert not out.exists()
    code, _, err = run(["bieu06", q2, "--period", "2026-Q1", "-o", out], capsys)
    assert code == 2 and "0 hồ sơ trong kỳ" in err and not out.exists()


def test_a_cutoff_from_the_title_stops_pending_overdue_counts_at_the_cutoff(tmp_path, capsys):
    path = _csv(tmp_path / "april.csv", APRIL, titles=("Danh sách hồ sơ tính đến ngày 15/04/2026",))
    assert load_dossiers(path).as_of == pd.Timestamp("2026-04-15")
    code, document, err = _kpis([path, "--period", "2026-Q2"], capsys)
    assert code == 0
    assert document["period"] == {
        "from": "2026-04-01",
        "to": "2026-04-15",
        "cutoff": "2026-04-15",
        "requested_to": "2026-06-30",
    }
    c = document["groups"][0]["counts"]
    # At 15/04 HS-B is within its deadline (20/04); at 30/06 it would be overdue: the data cannot know that.
    assert (c["pending"], c["pending_within"], c["pending_overdue"], c["early"]) == (2, 1, 1, 1)
    assert "ngày chốt số liệu 15/04/2026" in err and "tính đến ngày 15/04/2026" in err
    code, out, _ = run(["kpis", path, "--period", "2026-Q2"], capsys)  # the table says it too
    assert "kỳ yêu cầu đến ngày 30/06/2026; số liệu chốt ngày 15/04/2026" in out


def test_without_a_title_the_cutoff_is_the_last_date_in_the_file(tmp_path, capsys):
    path = _csv(tmp_path / "april.csv", APRIL)  # last date: received 10/04 (HS-B)
    code, document, err = _kpis([path, "--period", "2026-Q2"], capsys)
    assert code == 0
    assert document["period"]["to"] == "2026-04-10" and document["period"]["cutoff"] == "2026-04-10"
    assert "ngày cuối có trong dữ liệu" in err


def test_as_of_wins_over_the_title(tmp_path, capsys):
    path = _csv(tmp_path / "april.csv", APRIL, titles=("Danh sách hồ sơ tính đến ngày 30/06/2026",))
    code, document, err = _kpis([path, "--period", "2026-Q2", "--as-of", "12/04/2026"], capsys)
    assert code == 0
    assert document["period"]["to"] == "2026-04-12" and document["period"]["requested_to"] == "2026-06-30"
    assert "theo --as-of" in err
    c = document["groups"][0]["counts"]
    assert (c["pending_within"], c["pending_overdue"]) == (1, 1)
    code, document, _ = _kpis([path, "--period", "2026-Q2"], capsys)  # the title's 30/06: HS-B overdue then
    assert document["period"] == {
        "from": "2026-04-01",
        "to": "2026-06-30",
    }  # within the cut-off: SPEC §5 keys
    assert document["groups"][0]["counts"]["pending_overdue"] == 2


# --- one period policy (issue 17 point 7) -------------------------------------------------------------------------


def test_title_lines_state_the_period_and_the_cutoff():
    lines = ["UBND XÃ TÂN LẬP", "Từ ngày 01/04/2026 đến ngày 30/06/2026"]
    assert stated_period(lines) == parse_period("2026-Q2")
    assert stated_as_of(lines) == date(2026, 6, 30)
    assert stated_as_of(["Danh sách hồ sơ tính đến ngày 15/04/2026"]) == date(2026, 4, 15)
    assert stated_period(["Danh sách hồ sơ tính đến ngày 15/04/2026"]) is None
    assert stated_as_of(["BÁO CÁO DANH SÁCH HỒ SƠ"]) is None
    assert stated_as_of(["đến ngày 31/02/2026"]) is None  # no such day: no cut-off, not an error


def test_default_period_follows_the_title_in_kpis_and_in_the_briefing(tmp_path, capsys):
    path = _csv(tmp_path / "april.csv", APRIL, titles=("Từ ngày 01/04/2026 đến ngày 30/04/2026",))
    code, document, _ = _kpis([path], capsys)
    assert code == 0 and document["period"] == {"from": "2026-04-01", "to": "2026-04-30"}
    explored = briefing_data.exploration_data(path).period
    assert (explored.start, explored.end) == (date(2026, 4, 1), date(2026, 4, 30))


def test_the_bundled_file_has_one_period_in_kpis_and_the_briefing(capsys):
    code, document, _ = _kpis([briefing_data.BUNDLED_DOSSIERS], capsys)
    assert code == 0
    assert document["period"] == {"from": "2026-01-01", "to": "2026-04-13"}  # its title line, not 05/01
    explored = briefing_data.exploration_data("").period
    assert (explored.start.isoformat(), explored.end.isoformat()) == ("2026-01-01", "2026-04-13")


def test_data_period_is_what_quarter_data_counts(tmp_path):
    path = _csv(tmp_path / "april.csv", APRIL, titles=("Danh sách hồ sơ tính đến ngày 15/04/2026",))
    q = briefing_data.quarter_data("2026-Q2", path)
    choice = data_period(load_dossiers(path), parse_period("2026-Q2"))
    assert q.counted == choice.period and q.counted.end == date(2026, 4, 15) and not q.complete
    assert any("15/04/2026" in w for w in q.reading_warnings)
    with pytest.raises(InputError, match="Quý III/2026"):
        briefing_data.quarter_data("2026-Q3", path)


# --- 7. Loud rejects --------------------------------------------------------------------------------------------


def _with_rejects(path: Path, good: int, unknown_status: int) -> Path:
    rows = [[f"HS-{i:03d}", "01/04/2026", "05/04/2026", "03/04/2026", "10"] for i in range(good)]
    rows += [
        [f"HS-X{i:02d}", "01/04/2026", "05/04/2026", "03/04/2026", "Đã xong rồi"]
        for i in range(unknown_status)
    ]
    return _csv(path, rows)


def test_more_than_one_percent_rejected_is_said_on_stderr_by_every_command(tmp_path, capsys):
    path = _with_rejects(tmp_path / "x.csv", 48, 2)  # 2 of 50 rows: 4 %
    expected = (
        "Cảnh báo: 2/50 dòng bị từ chối (4,0 %), không được tính vào số liệu. Lý do chính: Không nhận ra"
    )
    for args in (
        ["validate", path],
        ["kpis", path, "--format", "json"],
        ["bieu06", path, "--period", "2026-Q2", "-o", tmp_path / "b.xlsx"],
    ):
        code, out, err = run(args, capsys)
        assert code == 0, err
        assert expected in err and "(2)." in err, args
        assert "Cảnh báo" not in out  # stdout stays the command's output (JSON stays JSON)
    quiet = _with_rejects(tmp_path / "y.csv", 199, 1)  # 0,5 %: no alert
    code, _, err = run(["kpis", quiet], capsys)
    assert code == 0 and "Cảnh báo" not in err


def test_max_rejected_turns_the_alert_into_exit_2(tmp_path, capsys):
    path = _with_rejects(tmp_path / "x.csv", 48, 2)
    for command in (
        ["kpis", path],
        ["validate", path],
        ["bieu06", path, "--period", "2026-Q2", "-o", tmp_path / "b.xlsx"],
    ):
        code, out, err = run([*command, "--max-rejected", "0.01"], capsys)
        assert code == 2 and out == ""
        assert "Cảnh báo: 2/50 dòng bị từ chối (4,0 %)" in err and "--max-rejected 0.01" in err
    code, _, _ = run(["kpis", path, "--max-rejected", "0.05"], capsys)
    assert code == 0
    code, _, err = run(["kpis", path, "--max-rejected", "5"], capsys)
    assert code == 2 and "từ 0 đến 1" in err


def test_reject_alert_lists_the_top_three_reasons_with_counts():
    codes = ["unknown_status"] * 3 + ["blank_id"] * 2 + ["bad_date"] * 2 + ["unknown_channel"]
    reasons = ["Trạng thái?"] * 3 + ["Thiếu mã"] * 2 + ["Ngày?"] * 2 + ["Kênh?"]
    rejects = pd.DataFrame({"reason_code": codes, "reason": reasons})
    text = reject_alert(RowAccounting(100, 92, 0, 8), rejects)
    assert text.endswith("Lý do chính: Trạng thái? (3); Ngày? (2); Thiếu mã (2).")
    assert reject_alert(RowAccounting(100, 92, 0, 8), rejects, threshold=0.1) is None


def test_the_briefing_gets_the_same_alert_text(tmp_path):
    path = _with_rejects(tmp_path / "x.csv", 48, 2)
    load = load_dossiers(path)
    warnings = briefing_data.reading_warnings(load)
    assert load.notes and load.notes[0].startswith(
        "Giá trị không nhận ra"
    )  # the unknown status words, listed
    assert warnings == [*load.notes, reject_alert(load.accounting, load.rejects)]
    assert briefing_data.exploration_data(path).reading_warnings == warnings


# --- 9. Folders -------------------------------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """a.csv (2 rows), c.ods (2 rows), sub/b.xlsx (2 rows, one an id already in c.ods), and what is skipped."""
    root = tmp_path / "xa"
    _csv(root / "a.csv", APRIL[:2])
    _ods(root / "c.ods", [APRIL[2], ["HS-D", "03/04/2026", "06/04/2026", "05/04/2026", "10"]])
    _xlsx(
        root / "sub" / "b.xlsx",
        [["HS-D", "07/04/2026", "09/04/2026", "", "4"], ["HS-E", "08/04/2026", "09/04/2026", "", "4"]],
    )
    (root / "~$a.xlsx").write_bytes(b"\x00locked by someone")  # an Excel lock file
    _csv(root / ".hidden.csv", [["HS-H", "01/04/2026", "02/04/2026", "", "4"]])  # would add a row if read
    (root / "notes.csv").write_text("Ghi chú;Nội dung\n1;Báo cáo gửi huyện\n", encoding="utf-8")
    (root / "bao_cao.tmp").write_text("x", encoding="utf-8")
    return root


def test_folder_listing_is_recursive_stable_and_names_what_it_skips(folder):
    listing = list_dossier_files(folder)
    assert [listing.name(f) for f in listing.files] == [
        "a.csv",
        "c.ods",
        "notes.csv",
        str(Path("sub", "b.xlsx")),
    ]
    notes = " ".join(listing.notes)
    assert "«~$a.xlsx»" in notes and "«.hidden.csv»" in notes and "«bao_cao.tmp»" in notes


def test_kpis_validate_bieu06_read_a_folder_and_note_what_they_skip(folder, tmp_path, capsys):
    code, document, err = _kpis([folder, "--period", "2026-Q2", "--as-of", "30/06/2026"], capsys)
    assert code == 0, err
    # a.csv 2 + c.ods 2 + sub/b.xlsx 2 = 6 rows; HS-D again in sub/b.xlsx (read after c.ods) is rejected
    assert document["rows"] == {"read": 6, "loaded": 5, "excluded": 0, "rejected": 1}
    assert document["groups"][0]["counts"]["in_scope"] == 5
    for name in ("~$a.xlsx", ".hidden.csv", "notes.csv", "bao_cao.tmp"):
        assert f"«{name}»" in err
    code, out, err = run(["validate", folder, "--format", "json"], capsys)
    assert code == 0 and "«notes.csv»" in err
    document = json.loads(out)
    assert document["rows"]["read"] == 6
    (reject,) = document["rejects"]
    assert reject["file"].endswith("b.xlsx") and reject["reason_code"] == "duplicate_id"
    code, out, err = run(["bieu06", folder, "--period", "2026-Q2", "-o", tmp_path / "b.xlsx"], capsys)
    assert code == 0 and "5 hồ sơ" in out and "«~$a.xlsx»" in err


def test_strict_makes_a_file_that_is_not_an_export_fatal(folder, capsys):
    code, _, err = run(["validate", folder, "--strict"], capsys)
    assert code == 2 and "notes.csv" in err and "Không tìm thấy dòng tiêu đề" in err
    code, _, err = run(["kpis", folder, "--strict"], capsys)
    assert code == 2 and "notes.csv" in err


def test_the_briefing_reads_a_folder(folder, tmp_path):
    load = load_path(folder)
    assert load.accounting.read == 6 and load.source == folder
    q = briefing_data.quarter_data("2026-Q2", folder)
    assert int(q.rates["in_scope"].iloc[0]) == 5
    assert any("notes.csv" in w for w in q.reading_warnings)
    with pytest.raises(InputError, match="Quý I/2025"):  # the folder is read, then the period is refused
        briefing.build_briefing("2025-Q1", dossiers=folder, out_dir=tmp_path / "out", progress=lambda _: None)


def test_a_parquet_file_past_its_data_is_read_once_and_cut_at_its_last_date(tmp_path, monkeypatch):
    from cchc_analysis import kpis

    frame = pd.DataFrame(
        {
            "dossier_id": ["HS-A", "HS-B", "HS-C"],
            "received_at": pd.to_datetime(["2026-04-01", "2026-04-10", "2026-04-02"]),
            "due_at": pd.to_datetime(["2026-04-03", "2026-04-20", "2026-04-05"]),
            "resolved_at": pd.to_datetime([None, None, "2026-04-04"]),
        }
    )
    path = tmp_path / "april.parquet"
    frame.to_parquet(path)
    reads = []
    real = kpis.load_dossiers_by_part
    monkeypatch.setattr(kpis, "load_dossiers_by_part", lambda *a, **k: reads.append(a[0]) or real(*a, **k))
    report = kpis.build_kpi_report(path, parse_period("2026-Q2"))
    assert (report.period.end, report.choice.cutoff_source) == (date(2026, 4, 10), "data")
    assert len(reads) == 1  # the statistics gave the cut-off before reading
    assert int(report.table["pending_overdue"].iloc[0]) == 1  # HS-A; HS-B is due 20/04, after the cut-off


def test_the_briefing_command_says_the_alert_and_honours_max_rejected(tmp_path):
    path = _with_rejects(tmp_path / "x.csv", 48, 2)
    said: list[str] = []
    with pytest.raises(InputError, match="Quý I/2025"):  # refused after loading: the alert was said before
        briefing.build_briefing("2025-Q1", dossiers=path, out_dir=tmp_path / "out", progress=said.append)
    assert any(line.startswith("Cảnh báo: 2/50 dòng bị từ chối (4,0 %)") for line in said)
    with pytest.raises(InputError, match=r"--max-rejected 0\.01"):
        briefing.build_briefing(
            "2026-Q2", dossiers=path, out_dir=tmp_path / "out", progress=lambda _: None, max_rejected=0.01
        )
