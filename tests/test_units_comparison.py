"""Many units side by side: each file's commune from its unit column or title rows, the league table with ranks
and quartiles, the unit of interest highlighted, the synthetic province and the comparison briefing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from cchc_analysis import exploration, narrative
from cchc_analysis.kpis import build_kpi_report
from cchc_analysis.loaders import load_path
from cchc_analysis.periods import Period
from cchc_analysis.synthetic import PROVINCE_COMMUNES, generate_province, write_province

pytestmark = pytest.mark.filterwarnings("error:Glyph:UserWarning")

JAN = Period(date(2026, 1, 1), date(2026, 1, 31), "2026-01")
HEADER = "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Ngày kết thúc xử lý"


def _export(folder: Path, name: str, title: str | None, rows: list[str], header: str = HEADER) -> None:
    lines = ([title, ""] if title else []) + [header, *rows]
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def communes(tmp_path: Path) -> Path:
    # Xã An Hòa: 2 dossiers, both early. Xã Bình Minh: 2 dossiers, 1 late (resolved 09/01, due 07/01).
    # Xã Đại Sơn: a unit column saying «Trung tâm PVHCC xã Đại Sơn», 1 dossier, early.
    _export(
        tmp_path,
        "a.csv",
        "UBND XÃ AN HÒA",
        [
            "A1,05/01/2026 08:00,07/01/2026 17:00,06/01/2026 10:00",
            "A2,06/01/2026 08:00,08/01/2026 17:00,07/01/2026 10:00",
        ],
    )
    _export(
        tmp_path,
        "b.csv",
        "ỦY BAN NHÂN DÂN XÃ BÌNH MINH",
        [
            "B1,05/01/2026 08:00,07/01/2026 17:00,09/01/2026 10:00",
            "B2,06/01/2026 08:00,08/01/2026 17:00,07/01/2026 10:00",
        ],
    )
    _export(
        tmp_path,
        "c.csv",
        None,
        ["C1,05/01/2026 08:00,07/01/2026 17:00,06/01/2026 10:00,Trung tâm PVHCC xã Đại Sơn"],
        header=HEADER + ",Đơn vị",
    )
    return tmp_path


def test_each_files_unit_comes_from_its_title_or_column(communes):
    load = load_path(communes)
    got = load.dossiers.set_index("dossier_id")["unit"].to_dict()
    assert got == {
        "A1": "Xã An Hòa",
        "A2": "Xã An Hòa",
        "B1": "Xã Bình Minh",
        "B2": "Xã Bình Minh",
        "C1": "Xã Đại Sơn",
    }


def test_kpis_by_unit_groups_by_commune(communes):
    report = build_kpi_report(communes, JAN, by="unit")
    table = report.table.set_index("unit")
    assert table["resolved"].to_dict() == {"Xã An Hòa": 2, "Xã Bình Minh": 2, "Xã Đại Sơn": 1}
    assert table.loc["Xã Bình Minh", "late"] == 1


def test_a_folder_of_one_units_months_gets_no_unit_column(tmp_path):
    _export(tmp_path, "t1.csv", None, ["A1,05/01/2026 08:00,07/01/2026 17:00,06/01/2026 10:00"])
    _export(tmp_path, "t2.csv", None, ["A2,05/02/2026 08:00,07/02/2026 17:00,06/02/2026 10:00"])
    assert "unit" not in load_path(tmp_path).dossiers.columns  # absent stays absent


def _league_frame() -> pd.DataFrame:
    # On-time rates: Xã A 2/2 = 100 %, Xã B 1/2 = 50 %, Xã C 1/2 = 50 %, Xã D 0/1 = 0 %.
    rows = []
    for unit, outcomes in {"Xã A": [0, 0], "Xã B": [0, 3], "Xã C": [3, 0], "Xã D": [3]}.items():
        for i, late_days in enumerate(outcomes):
            rows.append(
                {
                    "dossier_id": f"{unit}-{i}",
                    "unit": unit,
                    "received_at": pd.Timestamp("2026-01-05 08:00"),
                    "due_at": pd.Timestamp("2026-01-07 17:00"),
                    "resolved_at": pd.Timestamp("2026-01-06 10:00") + pd.Timedelta(days=late_days),
                }
            )
    return pd.DataFrame(rows)


def test_league_table_ranks_ties_and_quartiles():
    frame, chart = exploration.unit_league(_league_frame(), JAN, highlight="C", synthetic=True)
    assert frame[["rank", "unit", "on_time_rate"]].values.tolist() == [
        [1, "Xã A", 1.0],
        [2, "Xã B", 0.5],
        [2, "Xã C", 0.5],
        [4, "Xã D", 0.0],
    ]
    # quartiles of (1, .5, .5, 0): Q1 = .375, median = .5, Q3 = .625
    assert frame["quartile"].tolist() == ["nhóm cao nhất", "trên trung vị", "trên trung vị", "nhóm thấp nhất"]
    ticks = {t.get_text(): t for t in chart.axes[0].get_yticklabels()}
    assert ticks["2. Xã C"].get_fontweight() == "bold" and ticks["2. Xã B"].get_fontweight() == "normal"
    text = str(narrative.unit_standing(frame, "C"))
    assert "Xã A, Xã B, Xã C, Xã D" in text and "**Xã C** đứng thứ 2/4" in text
    assert "Không tìm thấy đơn vị «Xã Z»" in str(narrative.unit_standing(frame, "Xã Z"))
    chart.to_png(dpi=60)


def test_league_without_a_unit_column_is_one_line():
    view = exploration.unit_league(_league_frame().drop(columns="unit"), JAN)
    assert view.chart is None and "Đơn vị" in str(view.note)


def test_synthetic_province_profiles_show_in_the_rates():
    df = generate_province(6, 3000, seed=3)
    assert df.attrs["cchc_synthetic"] is True
    period = Period(date(2026, 1, 1), date(2026, 3, 31), "2026-Q1")
    league = exploration.unit_league(df, period).frame.set_index("unit")
    slow = [c for c, p in PROVINCE_COMMUNES[:6] if p == "chậm"]
    steady = [c for c, p in PROVINCE_COMMUNES[:6] if p == "ổn định"]
    online = [c for c, p in PROVINCE_COMMUNES[:6] if p == "trực tuyến cao"]
    assert league.loc[slow, "on_time_rate"].max() < league.loc[steady, "on_time_rate"].min()
    assert league.loc[online, "full_online_rate"].min() > league.loc[steady, "full_online_rate"].max()


def test_comparison_briefing_names_every_unit(tmp_path):
    from cchc_analysis.cli import main

    folder = tmp_path / "tinh"
    write_province(folder, 4, 800, seed=5)
    out = tmp_path / "out"
    code = main(
        [
            "briefing",
            "--notebook",
            "05_so_sanh_don_vi.ipynb",
            "--dossiers",
            str(folder),
            "--unit",
            "Bình Minh",
            "--out",
            str(out),
        ]
    )
    assert code in (0, None)
    html = next(out.rglob("briefing.html")).read_text(encoding="utf-8")
    for name, _ in PROVINCE_COMMUNES[:4]:
        assert name in html
    assert "Dữ liệu mô phỏng" in html
    assert "<strong>Xã Bình Minh</strong> đứng thứ" in html


def test_a_file_naming_no_unit_among_named_ones_is_named_by_its_file(communes):
    _export(communes, "xa_phu_my.csv", None, ["D1,05/01/2026 08:00,07/01/2026 17:00,06/01/2026 10:00"])
    load = load_path(communes)
    assert load.dossiers.set_index("dossier_id").loc["D1", "unit"] == "xa_phu_my"
    assert any("xa_phu_my.csv" in n and "tên tệp" in n for n in load.notes)


def test_one_stop_exports_of_three_units_side_by_side(tmp_path):
    import other_units

    kinds = {
        "tan_lap": ("xlsx", {"header_rows": 2}),
        "hoa_binh": ("csv", {"style": "portal"}),
        "cat_hai": ("csv", {"words": "onestop", "columns": "required"}),
    }
    for i, (unit, (suffix, options)) in enumerate(kinds.items()):
        records = other_units.make_records(120, seed=i, unit=unit)
        other_units.write_export(records, tmp_path / f"{unit}.{suffix}", unit=unit, **options)
    load = load_path(tmp_path)
    assert set(load.dossiers["unit"]) == {"Xã Tân Lập", "Phường Hòa Bình", "Đặc khu Cát Hải"}
    period = Period(date(2026, 4, 1), date(2026, 6, 30), "2026-Q2")
    league = exploration.unit_league(load.dossiers, period, highlight="Tân Lập").frame
    assert set(league["unit"]) == {"Xã Tân Lập", "Phường Hòa Bình", "Đặc khu Cát Hải"}
    assert league["rank"].notna().all()
