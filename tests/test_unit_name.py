"""The briefing is about the unit in the file (issue 9, finding 3 and deliverable 11): its name from ``--unit``,
the unit column or the title rows; another unit's ranks, targets and deadlines never appear; a section whose
columns or files are absent is left out with one line, never a crash or a 0 %."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import briefing_builds
import pandas as pd
import pytest

from cchc_analysis import briefing, briefing_data, narrative
from cchc_analysis.loaders import load_dossiers
from cchc_analysis.loaders.accounting import RowAccounting, reject_alert
from cchc_analysis.loaders.unit_name import same_unit, unit_from_titles, unit_from_value

ROOT = Path(__file__).resolve().parents[1]
#: What only the Đại Sơn notice holds: its ranks, its unit, its deadline, its target line.
NOTICE_ONLY = ("Đại Sơn", "40/114", "58/114", "29/06/2026", "30/6/2026", "khắc phục tồn tại", "Quý II/2026 ≥")


def _write_csv(path: Path, rows: list[list[object]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


HEADER = ["dossier_id", "received_at", "due_at", "resolved_at"]
ROW = ["A1", "02/04/2026 08:00", "05/04/2026 17:00", "03/04/2026 09:00"]


# --- the name ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["UBND XÃ TÂN LẬP"], "Xã Tân Lập"),
        (["UBND XÃ TÂN LẬP CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], "Xã Tân Lập"),
        (
            ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ TÂN LẬP"],
            "Xã Tân Lập",
        ),
        (["ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG"], "Phường Hồng Bàng"),
        (["ĐẶC KHU CÔN ĐẢO", "BÁO CÁO DANH SÁCH HỒ SƠ"], "Đặc khu Côn Đảo"),
        (["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Từ ngày 01/04/2026 đến ngày 30/06/2026"], None),
        (["UBND XÃ CỘNG HÒA CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], "Xã Cộng Hòa"),  # a commune named Cộng Hòa
        (["UBND PHƯỜNG NAM SƠN", "Độc lập - Tự do - Hạnh phúc"], "Phường Nam Sơn"),
        (["UBND XÃ TỊNH BIÊN, TỈNH AN GIANG"], "Xã Tịnh Biên"),
        (["UBND PHƯỜNG 12 QUẬN 3"], "Phường 12"),
        (["TRUNG TÂM PVHCC XÃ KỲ ANH - BÁO CÁO NĂM 2026"], "Xã Kỳ Anh"),
    ],
)
def test_unit_from_title_rows(lines, expected):
    assert unit_from_titles(lines) == expected


def test_unit_from_the_file_title_row(tmp_path):
    path = briefing_builds.write_tan_lap(tmp_path / "tan_lap.xlsx")
    assert load_dossiers(path).unit_name == "Xã Tân Lập"


def test_unit_from_a_single_value_of_the_unit_column_before_the_title(tmp_path):
    rows = [["UBND XÃ TÂN LẬP"], [], [*HEADER, "Đơn vị xử lý"], [*ROW, "Trung tâm PVHCC xã Phú Mỹ"]]
    assert load_dossiers(_write_csv(tmp_path / "x.csv", rows)).unit_name == "Xã Phú Mỹ"
    two = [*rows, ["A2", *ROW[1:], "Xã Khác"]]
    assert load_dossiers(_write_csv(tmp_path / "y.csv", two)).unit_name == "Xã Tân Lập"  # several: the title


def test_unit_given_wins_and_none_when_nothing_names_it(tmp_path):
    path = _write_csv(tmp_path / "x.csv", [HEADER, ROW])
    assert load_dossiers(path).unit_name is None
    assert load_dossiers(path, unit="xã Tân Lập").unit_name == "Xã Tân Lập"
    assert unit_from_value("Phòng Tư pháp") == "Phòng Tư pháp"


def test_same_unit_by_folded_place_name():
    assert same_unit("Đại Sơn", "XÃ ĐẠI SƠN") and same_unit("Trung tâm PVHCC xã Đại Sơn", "Đại Sơn")
    assert not same_unit("Xã Tân Lập", "Đại Sơn") and not same_unit(None, "Đại Sơn")


# --- whose data -------------------------------------------------------------------------------------------------
def test_the_notice_serves_only_its_unit(tmp_path):
    assert briefing_data.is_notice_unit(load_dossiers(briefing_data.BUNDLED_DOSSIERS).unit_name)
    q = briefing_data.quarter_data("2026-Q2", briefing_builds.write_tan_lap(tmp_path / "t.xlsx"))
    assert q.unit == "Xã Tân Lập"
    assert q.trend is None and q.targets is None and q.progress is None and q.deadlines is None
    assert q.omitted["ranking"] == (
        "Chưa có tệp xếp hạng của xã Tân Lập (--ranking FILE) nên phần xếp hạng được bỏ qua."
    )
    assert "--targets FILE" in q.omitted["targets"]
    assert "Xã Tân Lập" in str(narrative.quarter_title(q))


def test_a_ranking_file_of_the_unit_is_used_with_its_rows_only(tmp_path):
    ranking = _write_csv(
        tmp_path / "r.csv",
        [
            ["date", "unit", "rank", "n_units"],
            ["2026-05-01", "Tân Lập", 7, 90],
            ["2026-05-01", "Khác", 3, 90],
        ],
    )
    q = briefing_data.quarter_data(
        "2026-Q2", briefing_builds.write_tan_lap(tmp_path / "t.xlsx"), ranking=ranking
    )
    assert q.trend["unit"].tolist() == ["Tân Lập"] and "ranking" not in q.omitted
    assert "7/90" in str(narrative.rank_summary(q.trend))
    other = briefing_data.quarter_data("2026-Q2", tmp_path / "t.xlsx", ranking=ranking, unit="Xã Phú Mỹ")
    assert other.trend is None
    assert (
        other.omitted["ranking"]
        == "Tệp xếp hạng r.csv không có dòng nào của xã Phú Mỹ nên phần xếp hạng được bỏ qua."
    )


def test_inspection_of_another_unit_leaves_the_notice_out(tmp_path):
    d = briefing_data.inspection_data(briefing_builds.write_tan_lap(tmp_path / "t.xlsx"))
    assert d.figures is None and d.checks is None and d.findings is None and d.what_if is None
    assert set(d.omitted) == {"notice", "ranking", "targets", "findings"}
    text = " ".join(str(narrative.omitted(d, k)) for k in d.omitted) + str(narrative.inspection_title(d))
    assert "Xã Tân Lập" in text and not any(s in text for s in NOTICE_ONLY)


def test_no_target_typed_in_code_or_notebooks():
    for path in [ROOT / "cchc_analysis" / "briefing_data.py", *sorted((ROOT / "notebooks").glob("*.ipynb"))]:
        assert not re.search(r"(?<![\d.])0\.5(?!\d)", path.read_text(encoding="utf-8")), path.name


# --- absent is unknown ------------------------------------------------------------------------------------------
def test_absent_columns_say_no_data_never_zero(tmp_path):
    path = briefing_builds.write_required_only(tmp_path / "req.csv")
    d = briefing_data.inspection_data(path)
    text = str(narrative.inspection_highlights(d))
    assert "số hóa không có dữ liệu" in text and "toàn trình không có dữ liệu" in text
    assert "0 %" not in text and "0,00 %" not in text
    from cchc_analysis import charts, report_tables

    line = "Tệp không có cột Hệ thống nên phần theo hệ thống được bỏ qua."
    assert str(charts.timeliness_chart(d.by_system, "source_system")) == line
    assert "Kênh thực hiện" in str(charts.channel_chart(d.by_channel))
    assert "Lĩnh vực" in str(report_tables.timeliness_table(d.by_field, "field"))


def test_reading_warnings_box_on_the_first_page():
    rejects = pd.DataFrame(
        {"reason_code": ["unknown_status"] * 382, "reason": ["Không nhận ra trạng thái hồ sơ"] * 382}
    )
    alert = reject_alert(RowAccounting(1500, 1118, 0, 382), rejects)
    assert alert.startswith("Cảnh báo: 382/1.500 dòng bị từ chối (25,5 %)")
    assert reject_alert(RowAccounting(1500, 1490, 0, 10), rejects) is None

    from types import SimpleNamespace

    load = SimpleNamespace(
        accounting=RowAccounting(1500, 1118, 0, 382),
        rejects=rejects,
        source=Path("x.xlsx"),
        synthetic=False,
        notes=["Dòng tổng cộng ghi 1.500 hồ sơ."],
    )
    box = narrative.reading_warnings(load)
    assert str(box).startswith("> **Lưu ý khi đọc dữ liệu**") and "382/1.500" in box and "1.500 hồ sơ." in box
    assert box._repr_html_().startswith('<div class="cchc-warning" role="alert">')
    load.rejects, load.accounting, load.notes = rejects.head(0), RowAccounting(1500, 1500, 0, 0), []
    assert narrative.reading_warnings(load) is None


# --- notebooks and the briefing on any export -------------------------------------------------------------------
@pytest.mark.parametrize(
    "name", [briefing.INSPECTION_NOTEBOOK, briefing.QUARTERLY_NOTEBOOK, "03_kham_pha.ipynb"]
)
def test_notebooks_run_on_a_file_with_only_the_required_columns(name, tmp_path):
    path = briefing_builds.write_required_only(tmp_path / "req.csv")
    parameters = {"dossiers": str(path)} | (
        {} if name == briefing.INSPECTION_NOTEBOOK else {"period": "2026-Q2"}
    )
    nb = briefing.execute_notebook(briefing.NOTEBOOKS_DIR / name, parameters, progress=lambda _: None)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == [] and briefing.stderr_outputs(nb) == []
    shown = " ".join(
        str(o.get("data", {}).get("text/markdown", "")) for c in nb.cells for o in c.get("outputs", [])
    )
    assert "Tệp không có cột" in shown


@pytest.fixture(scope="session")
def tan_lap():
    return briefing_builds.tan_lap()


def test_tan_lap_briefing_names_its_unit_and_no_other(tan_lap):
    html = tan_lap.result.html.read_text(encoding="utf-8")
    notebook = tan_lap.result.notebook.read_text(encoding="utf-8")
    assert (
        "Xã Tân Lập" in html and "<title>Báo cáo tình hình giải quyết thủ tục hành chính — Xã Tân Lập" in html
    )
    assert "Tệp không có cột Hệ thống nên phần theo hệ thống được bỏ qua." in html
    assert "Chưa có tệp xếp hạng của xã Tân Lập (--ranking FILE)" in html
    for text in (html, notebook):
        found = [s for s in NOTICE_ONLY if s in text]
        assert not found, found
    stamp = json.loads(tan_lap.result.stamp.read_text(encoding="utf-8"))
    assert [i["role"] for i in stamp["inputs"]] == ["dossiers"]  # the notice's files were not used


def test_online_dossiers_without_any_level_leave_full_online_unknown():
    from cchc_analysis.rates import processing_rates

    channels = ["online", "online", "in_person", "online"]
    frame = pd.DataFrame(
        {
            "received_at": pd.to_datetime(["2026-04-01", "2026-04-02", "2026-04-03", "2026-04-03"]),
            "due_at": pd.to_datetime(["2026-04-05"] * 4),
            "resolved_at": pd.to_datetime(["2026-04-04"] * 4),
            "channel": pd.Categorical(channels, categories=["online", "in_person", "full_online"]),
            "unit": ["A", "A", "A", "B"],
        }
    )
    row = processing_rates(frame, "2026-04-01", "2026-04-30").iloc[0]
    assert int(row["new_online"]) == 3  # the channel says online ...
    assert pd.isna(row["full_online"]) and pd.isna(
        row["full_online_rate"]
    )  # ... but never how: unknown, not 0
    frame.loc[3, "channel"] = "full_online"  # the file tells the level: a group without full online has 0
    by_unit = processing_rates(frame, "2026-04-01", "2026-04-30", by="unit").set_index("unit")
    assert by_unit.loc["A", "full_online"] == 0 and by_unit.loc["B", "full_online_rate"] == 1.0
    in_person = frame.assign(channel=pd.Categorical(["in_person"] * 4))
    assert processing_rates(in_person, "2026-04-01", "2026-04-30").iloc[0]["full_online"] == 0


def test_inspection_notebook_of_another_unit_shows_nothing_of_the_notice(tmp_path):
    import nbformat

    path = briefing_builds.write_tan_lap(tmp_path / "tan_lap.xlsx")
    nb = briefing.execute_notebook(
        briefing.NOTEBOOKS_DIR / briefing.INSPECTION_NOTEBOOK,
        {"dossiers": str(path)},
        progress=lambda _: None,
    )
    assert briefing.stderr_outputs(nb) == []
    text = nbformat.writes(nb)
    assert "Xã Tân Lập" in text and "Chưa có tệp xếp hạng của xã Tân Lập (--ranking FILE)" in text
    found = [s for s in NOTICE_ONLY if s in text]
    assert not found, found


def test_briefing_options_for_the_units_own_files(tmp_path):
    from cchc_analysis.cli import build_parser, main

    args = build_parser().parse_args(
        [
            "briefing",
            "--unit",
            "Xã Tân Lập",
            "--ranking",
            "r.csv",
            "--targets",
            "t.csv",
            "--findings",
            "f.csv",
        ]
    )
    assert (args.unit, args.ranking, args.targets, args.findings) == (
        "Xã Tân Lập",
        Path("r.csv"),
        Path("t.csv"),
        Path("f.csv"),
    )
    dossiers = briefing_builds.write_tan_lap(tmp_path / "t.xlsx")
    missing = tmp_path / "khong_co.csv"
    code = main(["briefing", "--period", "2026-Q2", "--dossiers", str(dossiers), "--ranking", str(missing)])
    assert code == 2  # a named file that does not exist stops the run before any kernel starts
