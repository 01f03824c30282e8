"""Home delivery (Kế hoạch 126), return / sync delays by system, staff turnover, and their briefing sections:
hand-made exports with and without each column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cchc_analysis import people_systems as ps
from cchc_analysis import returns as ret
from cchc_analysis.loaders import load_dossiers
from cchc_analysis.officers import newcomer_quality, officer_turnover
from cchc_analysis.periods import parse_period
from cchc_analysis.synthetic import generate_dossiers, generate_notice_sample

Q1 = parse_period("2026-Q1")

# Ten dossiers of Q1 2026 (working days: 09/01 is a Friday, 12/01 a Monday; 31/03 a Tuesday).
EXPORT = """Mã hồ sơ;Ngày tiếp nhận;Ngày hẹn trả;Ngày kết thúc xử lý;Ngày trả kết quả;Ngày đồng bộ;Hệ thống;Đối tượng yếu thế;Tiếp nhận tại nhà;Trả kết quả tại nhà;Cán bộ xử lý;Mức độ hài lòng
H1;05/01/2026;09/01/2026;09/01/2026;12/01/2026;09/01/2026;Hộ tịch dùng chung;Người cao tuổi;Có;Có;CB01;Hài lòng
H2;05/01/2026;09/01/2026;09/01/2026;15/01/2026;16/01/2026;Hộ tịch dùng chung;Người khuyết tật;Không;Có;CB01;Hài lòng
H3;06/01/2026;09/01/2026;08/01/2026;;;Hộ tịch dùng chung;;Không;Không;CB01;
C1;06/01/2026;09/01/2026;08/01/2026;08/01/2026;;Chứng thực điện tử;Hộ nghèo;Không;Không;CB02;Hài lòng
C2;02/02/2026;05/02/2026;04/02/2026;11/02/2026;;Chứng thực điện tử;;Không;Không;CB02;Không hài lòng
M1;03/02/2026;06/02/2026;05/02/2026;05/02/2026;;Một cửa tỉnh;Khác;Không;Không;CB02;Hài lòng
M2;02/03/2026;06/03/2026;09/03/2026;09/03/2026;;Một cửa tỉnh;Người cao tuổi;Có;Không;CB03;Không hài lòng
M3;03/03/2026;06/03/2026;05/03/2026;05/03/2026;;Một cửa tỉnh;;Không;Không;CB03;Hài lòng
M4;30/03/2026;03/04/2026;30/03/2026;;;Một cửa tỉnh;;Không;Không;CB03;
M5;31/03/2026;03/04/2026;;;;Một cửa tỉnh;;Không;Không;CB03;
"""


def _without(*columns: str) -> str:
    lines = [line.split(";") for line in EXPORT.strip().splitlines()]
    keep = [j for j, name in enumerate(lines[0]) if name not in columns]
    return "\n".join(";".join(line[j] for j in keep) for line in lines) + "\n"


def load(tmp_path: Path, text: str = EXPORT) -> pd.DataFrame:
    path = tmp_path / "ho_so.csv"
    path.write_text(text, encoding="utf-8")
    return load_dossiers(path).dossiers


def test_new_columns_are_read_through_the_vocabulary(tmp_path):
    d = load(tmp_path).set_index("dossier_id")
    assert (
        d.loc["H1", "vulnerable_group"] == "elderly" and d.loc["C1", "vulnerable_group"] == "poor_household"
    )
    assert d.loc["M1", "vulnerable_group"] == "other_vulnerable" and pd.isna(d.loc["H3", "vulnerable_group"])
    assert bool(d.loc["H1", "home_pickup"]) and not bool(d.loc["H2", "home_pickup"])
    assert d.loc["H2", "synced_at"] == pd.Timestamp("2026-01-16")


def test_home_delivery_by_month_and_group(tmp_path):
    table = ret.home_delivery_table(load(tmp_path), Q1)
    rows = {(r["month"], r["group"]): r for r in table.to_dict("records")}
    assert rows[("2026-01", "Người cao tuổi")]["home_pickup"] == 1
    assert rows[("2026-01", "Người khuyết tật")]["home_return"] == 1
    assert rows[("2026-01", ret.NOT_VULNERABLE)]["dossiers"] == 1  # H3
    assert rows[("2026-03", "Người cao tuổi")]["home_pickup_rate"] == 1.0  # M2
    assert rows[("2026-03", ret.NOT_VULNERABLE)]["dossiers"] == 3  # M3, M4, M5
    assert table["dossiers"].sum() == 10


def test_time_from_result_to_home_return(tmp_path):
    times = ret.home_delivery_times(load(tmp_path), Q1)
    # H1: Friday 09/01 → Monday 12/01 = 1 working day; H2: 09/01 → Thursday 15/01 = 4.
    assert times.to_dict("records") == [
        {"month": "2026-01", "returned_home": 2, "median_days": 2.5, "max_days": 4.0}
    ]


def test_home_delivery_absent_is_unknown(tmp_path):
    d = load(tmp_path, _without("Tiếp nhận tại nhà", "Trả kết quả tại nhà"))
    assert ret.home_delivery_table(d, Q1) is None and ret.home_delivery_times(d, Q1) is None
    line = str(ps.home_delivery_summary(d, Q1))
    assert (
        line.startswith("Tệp không có cột Trả kết quả tại nhà và Tiếp nhận hồ sơ tại nhà") and "0" not in line
    )
    assert ps.home_delivery_by_group(d, Q1) is None
    # Without the group column the counts are over all dossiers, said so; pick-up absent is NA, not 0.
    d = load(tmp_path, _without("Đối tượng yếu thế", "Tiếp nhận tại nhà"))
    table = ret.home_delivery_table(d, Q1)
    assert "group" not in table and table["home_pickup"].isna().all() and table["home_return"].sum() == 2
    assert "chưa tách được nhóm yếu thế" in str(ps.home_delivery_summary(d, Q1))


def test_return_and_sync_delays_by_system(tmp_path):
    delays = ret.return_delays(load(tmp_path), Q1, max_days=2)
    by_system = ret.delays_by_system(delays)
    rows = {(r["step"], r["system"]): r for r in by_system.to_dict("records")}
    # The notice's systems first (hộ tịch, chứng thực), then the others.
    assert list(by_system["system"])[:2] == ["Hộ tịch dùng chung", "Chứng thực điện tử"]
    civil = rows[("Trả kết quả", "Hộ tịch dùng chung")]
    # H1 1 day, H2 4 days (delayed), H3 resolved 08/01 and never returned: waiting far past 2 days (delayed).
    assert (civil["resolved"], civil["done"], civil["waiting"], civil["delayed"]) == (3, 2, 1, 2)
    auth = rows[("Trả kết quả", "Chứng thực điện tử")]
    assert (auth["resolved"], auth["delayed"]) == (2, 1)  # C2: 04/02 → 11/02 = 5 working days
    one_stop = rows[("Trả kết quả", "Một cửa tỉnh")]
    # M4 resolved Monday 30/03, not returned by Tuesday 31/03: 1 working day, not yet delayed; M5 pending.
    assert (one_stop["resolved"], one_stop["waiting"], one_stop["delayed"]) == (4, 1, 0)
    # Sync: only the system with sync dates; H2 synced 16/01 = 5 working days after 09/01; H3 never synced.
    assert [k for k in rows if k[0] == "Đồng bộ"] == [("Đồng bộ", "Hộ tịch dùng chung")]
    assert rows[("Đồng bộ", "Hộ tịch dùng chung")]["delayed"] == 2
    assert "Hộ tịch dùng chung" in str(ps.delays_summary(load(tmp_path), Q1))


def test_delays_absent_and_without_a_system_column(tmp_path):
    d = load(tmp_path, _without("Ngày trả kết quả", "Ngày đồng bộ"))
    assert ret.return_delays(d, Q1) is None and ps.delays_table(d, Q1) is None
    assert str(ps.delays_summary(d, Q1)).startswith("Tệp không có cột Ngày trả kết quả và Ngày đồng bộ")
    d = load(tmp_path, _without("Hệ thống", "Ngày đồng bộ"))
    delays = ret.return_delays(d, Q1)
    assert set(delays["system"]) == {"Toàn đơn vị"} and set(delays["step"]) == {"Trả kết quả"}
    assert "Tệp không có cột Ngày đồng bộ" in str(ps.delays_summary(d, Q1))


def test_turnover_starts_stops_and_newcomers(tmp_path):
    d = load(tmp_path)
    t = officer_turnover(d, Q1)
    assert t["month"].tolist() == ["2026-01", "2026-02", "2026-03"]
    assert t["active"].tolist() == [2, 1, 1]  # Jan CB01, CB02; Feb CB02; Mar CB03
    assert pd.isna(t.loc[0, "started"]) and pd.isna(t.loc[0, "stopped"])  # the file's first month cannot tell
    assert t.loc[1, "stopped"] == 1 and t.attrs["stopped"]["2026-02"] == ["CB01"]
    assert t.loc[2, "started"] == 1 and t.attrs["started"]["2026-03"] == ["CB03"]
    assert pd.isna(t.loc[2, "stopped"])  # the file's last month cannot tell who stopped
    assert t.loc[2, "by_newcomers"] == 4 and t.loc[2, "newcomer_share"] == 1.0
    q = newcomer_quality(d, Q1).set_index("group")
    # CB03 in March: M2 late and dissatisfied, M3, M4 early (M5 pending); the others: no late, C2 dissatisfied
    # of the 5 rated.
    assert q.loc["Cán bộ trong tháng đầu xử lý hồ sơ", ["resolved", "late", "dissatisfied"]].tolist() == [
        3,
        1,
        1,
    ]
    assert q.loc["Cán bộ khác", ["resolved", "late", "rated", "dissatisfied"]].tolist() == [6, 0, 5, 1]
    assert "CB03" in str(ps.turnover_summary(d, Q1))


def test_turnover_without_officers_is_one_line(tmp_path):
    d = load(tmp_path, _without("Cán bộ xử lý"))
    assert officer_turnover(d, Q1) is None and ps.turnover_table(d, Q1) is None
    assert (
        str(ps.turnover_summary(d, Q1))
        == "Tệp không có cột Cán bộ xử lý nên phần theo cán bộ xử lý được bỏ qua."
    )
    assert str(ps.officers_summary(d, Q1)).startswith("Tệp không có cột Cán bộ xử lý")


def test_officers_who_need_support(tmp_path):
    d = load(tmp_path)
    text = str(ps.officers_summary(d, Q1))
    assert "CB03" in text and "CB02" in text  # M2 late and unhappy; C2 unhappy
    shown = ps.officers_table(d, Q1).data
    assert set(shown["officer"]) == {"CB02", "CB03"}


@pytest.mark.parametrize(
    "frame", [generate_notice_sample(), generate_dossiers(2000, seed=3, start="2026-01-01", end="2026-03-31")]
)
def test_generators_produce_every_new_column(frame):
    for column in ("returned_at", "synced_at", "home_pickup", "home_delivery", "vulnerable_group"):
        assert column in frame.columns, column
    resolved = frame["resolved_at"].notna()
    assert frame.loc[~resolved, "returned_at"].isna().all()
    done = frame["returned_at"].notna()
    assert (frame.loc[done, "returned_at"] >= frame.loc[done, "resolved_at"]).all()
    assert frame["synced_at"].notna().any() and frame["vulnerable_group"].notna().any()
    period = parse_period("2026-Q1")
    assert ret.return_delays(frame, period) is not None and ret.home_delivery_table(frame, period) is not None
