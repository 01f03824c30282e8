"""``cchc index766``: the portal's per-indicator figures recomputed and compared (real file and hand-made units)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cchc_analysis.cli import main
from cchc_analysis.errors import InputError
from cchc_analysis.portal766 import compare_portal, read_portal_indicators, read_published_totals

REAL_DIR = Path(__file__).resolve().parents[1] / "data" / "portal_766"
REAL_INDICATORS = REAL_DIR / "portal_766_indicators_2026-09-17.csv"
HEADER = "date,unit_code,unit_name,group,metric_code,numerator,denominator,ratio_pct,score,max_score\n"


def _unit(code: str, rows: list[tuple[str, str, object, object, object]], day: str = "2026-10-01") -> str:
    """CSV lines of one unit: (group, metric, numerator, denominator, published score); None → blank."""

    def cell(v: object) -> str:
        return "" if v is None else str(v)

    return "".join(
        f"{day},{code},Đơn vị {code},{g},{m},{cell(n)},{cell(d)},,{cell(s)},\n" for g, m, n, d, s in rows
    )


# A complete hand-made unit: every group computable or published. Expected points by eye:
# transparency 6×1 + 4×0,5 + 2×1 + 6×0 = 10; progress 20 × 9/10 = 18; onlineService published 7,5;
# payment 6 × 1/3 = 1,9999… → 2,00, 2 × (1/8)/0,8 = 0,3125 → 0,31, 2 × 0 = 0 → 2,31;
# satisfaction no petition → 6 + 6, 6 × 0,45/0,9 = 3 → 15; digitized 6 × 1/3 → 2,00, 4 × 1/3 → 1,33,
# 2 × (1/3)/0,8 = 0,8333 → 0,83, 4 × 0 = 0, 2 × 1/3 → 0,67, 2 × 1/3 → 0,67, 0/0 certified copy → 2 (portal) → 7,50.
# Total 10 + 18 + 7,5 + 2,31 + 15 + 7,5 = 60,31 (unrounded indicators would give 60,3016…).
COMPLETE = [
    ("transparency", "PUBLISH_ON_TIME", 5, 5, 6),
    ("transparency", "PUBLIC_UPDATE_ON_TIME", 1, 2, 2),
    ("transparency", "PUBLIC_CONTENT_FULL", 3, 3, 2),
    ("transparency", "DOSSIER_SYNC", 0, 9, 0),
    ("transparency", "GROUP", None, None, 10),
    ("progress", "GROUP", 9, 10, 18),
    ("onlineService", "GROUP", None, None, 7.5),
    ("payment", "DOSSIER_ONLINE_PAYMENT", 1, 3, None),
    ("payment", "FORMALITY_WITH_ONLINE_PAYMENT", 1, 8, None),
    ("payment", "FEE_FORMALITY_WITH_DOSSIERS", 0, 8, None),
    ("payment", "GROUP", None, None, 2.31),
    ("satisfaction", "PETITION_CLASSIFICATION_TTHC", 0, 0, 0),
    ("satisfaction", "DOSSIER_RECEIVING_SATISFACTION", 45, 100, 3),
    ("satisfaction", "PETITION_PROCESSING_ON_TIME", 0, 0, 6),
    ("satisfaction", "PETITION_HANDLING_SATISFACTION", 0, 0, 6),
    ("satisfaction", "PETITION_CLASSIFICATION_STAFF", 0, 0, 0),
    ("satisfaction", "GROUP", None, None, 15),
    ("digitized", "ORIGINAL_RESULT_AVAILABLE", 1, 3, 2),
    ("digitized", "SO_HOA_GIAY_TO_GIAI_QUYET", 1, 3, 1.33),
    ("digitized", "REUSED_DIGITIZED_DATA", 1, 3, 0.83),
    ("digitized", "SYNCED_WITH_DVCQG_PERSONAL_STORAGE", 0, 3, 0),
    ("digitized", "CITIZEN_DATA_CONNECTED_DOSSIER", 1, 3, 0.67),
    ("digitized", "CITIZEN_DATA_CONNECTED_FORMALITY", 1, 3, 0.67),
    ("digitized", "ELECTRONIC_CERTIFIED_COPY", 0, 0, 2),
    ("digitized", "GROUP", None, None, 7.5),
]


def _write(tmp_path: Path, text: str, name: str = "portal.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(["index766", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_real_dak_lak_total_and_every_published_figure_reproduced(tmp_path, capsys):
    totals = _write(tmp_path, 'date,unit_code,total_score\n17/09/2026,H15,"64,08"\n', "totals.csv")
    result = _run_json(capsys, str(REAL_INDICATORS), "--totals", str(totals))
    h15 = next(u for u in result["units"] if u["unit_code"] == "H15")
    assert set(h15) >= {"date", "unit_code", "unit_name", "total", "total_published", "groups", "indicators"}
    assert h15["total"] == pytest.approx(64.08, abs=0.005) and h15["total_status"] == "match"
    # the README's published groups of that day: 11,90 / 17,00 / 8,98 / 6,43 / 10,90 / 8,87
    groups = {g["group"]: g["score"] for g in h15["groups"]}
    assert groups == pytest.approx(
        {
            "transparency": 11.9,
            "progress": 17.0,
            "onlineService": 8.98,
            "payment": 6.43,
            "satisfaction": 10.9,
            "digitized": 8.87,
        }
    )
    for unit in result["units"]:
        for ind in unit["indicators"]:
            assert ind["status"] in ("match", "not_published", "published_only"), ind
            assert set(ind) >= {
                "group",
                "metric_code",
                "indicator",
                "numerator",
                "denominator",
                "rate",
                "score",
                "published",
                "status",
            }
    # H15.15 lacks three groups in this partial file: its total is unknown, not a sum of the others
    h1515 = next(u for u in result["units"] if u["unit_code"] == "H15.15")
    assert h1515["total"] is None and h1515["total_status"] == "unknown"


def test_hand_made_complete_unit_with_no_petition_and_rounding(tmp_path, capsys):
    path = _write(tmp_path, HEADER + _unit("X1", COMPLETE))
    totals = _write(tmp_path, "date,unit_code,total_score\n2026-10-01,X1,60.31\n", "totals.csv")
    unit = _run_json(capsys, str(path), "--totals", str(totals))["units"][0]
    assert unit["total"] == pytest.approx(60.31) and unit["total_status"] == "match"
    groups = {g["group"]: (g["score"], g["status"]) for g in unit["groups"]}
    assert groups["satisfaction"] == (15.0, "match")  # 6 + 6 without petitions, not 0 + 0
    assert groups["payment"] == (2.31, "match")  # 2,00 + 0,31 + 0: rounded per indicator
    assert groups["digitized"] == (7.5, "match")
    assert groups["onlineService"] == (7.5, "published_only")
    by_metric = {i["metric_code"]: i for i in unit["indicators"]}
    assert by_metric["PETITION_PROCESSING_ON_TIME"]["score"] == 6.0
    assert by_metric["FORMALITY_WITH_ONLINE_PAYMENT"]["score"] == 0.31  # 0,3125
    assert by_metric["FORMALITY_WITH_ONLINE_PAYMENT"]["rate"] == 0.125  # unrounded fraction
    assert by_metric["DOSSIER_ONLINE_PAYMENT"]["status"] == "not_published"


def test_a_denominator_zero_elsewhere_is_unknown_and_the_published_group_stands(tmp_path):
    rows = [
        r if r[1] != "ORIGINAL_RESULT_AVAILABLE" else ("digitized", "ORIGINAL_RESULT_AVAILABLE", 0, 0, 6)
        for r in COMPLETE
    ]
    unit = compare_portal(read_portal_indicators(_write(tmp_path, HEADER + _unit("X2", rows))))["units"][0]
    ind = next(i for i in unit["indicators"] if i["metric_code"] == "ORIGINAL_RESULT_AVAILABLE")
    assert ind["score"] is None and ind["status"] == "unknown"  # neither 0 nor full marks
    digitized = next(g for g in unit["groups"] if g["group"] == "digitized")
    assert (digitized["score"], digitized["source"]) == (7.5, "published")


def test_a_wrong_published_score_is_a_finding_not_an_error(tmp_path, capsys):
    rows = [r if r[1] != "DOSSIER_SYNC" else ("transparency", "DOSSIER_SYNC", 0, 9, 1.5) for r in COMPLETE]
    unit = _run_json(capsys, str(_write(tmp_path, HEADER + _unit("X3", rows))))["units"][0]
    ind = next(i for i in unit["indicators"] if i["metric_code"] == "DOSSIER_SYNC")
    assert (ind["score"], ind["published"], ind["status"]) == (0.0, 1.5, "mismatch")
    assert unit["total_published"] is None and unit["total_status"] == "not_published"


def test_many_units_and_dates_and_a_missing_group(tmp_path, capsys):
    incomplete = [r for r in COMPLETE if r[0] != "onlineService"]
    text = (
        HEADER
        + _unit("A", COMPLETE, "2026-10-02")
        + _unit("B", incomplete, "2026-10-01")
        + _unit("A", COMPLETE)
    )
    result = _run_json(capsys, str(_write(tmp_path, text)))
    assert [(u["date"], u["unit_code"]) for u in result["units"]] == [
        ("2026-10-01", "B"),
        ("2026-10-01", "A"),
        ("2026-10-02", "A"),
    ]
    assert result["units"][0]["total"] is None  # no onlineService figure at all: unknown, not 52,81
    assert main(["index766", str(tmp_path / "portal.csv")]) == 0
    assert "Tổng điểm: 60,31/100" in capsys.readouterr().out


@pytest.mark.parametrize(
    "line",
    [
        "2026-10-01,X,Đơn vị,payment,DOSSIER_ONLINE_PAYMENT,abc,3,,,\n",  # not a number
        "2026-10-01,X,Đơn vị,payment,DOSSIER_ONLINE_PAYMENT,-1,3,,,\n",  # negative
        "31/02/2026,X,Đơn vị,payment,DOSSIER_ONLINE_PAYMENT,1,3,,,\n",  # no such day
        "2026-10-01,,Đơn vị,payment,DOSSIER_ONLINE_PAYMENT,1,3,,,\n",  # blank unit
    ],
)
def test_malformed_file_is_exit_2(tmp_path, capsys, line):
    assert main(["index766", str(_write(tmp_path, HEADER + line))]) == 2
    assert "Lỗi dữ liệu đầu vào" in capsys.readouterr().err


def test_duplicate_metric_and_missing_column_are_errors(tmp_path):
    line = "2026-10-01,X,Đơn vị,payment,DOSSIER_ONLINE_PAYMENT,1,3,,,\n"
    with pytest.raises(InputError):
        read_portal_indicators(_write(tmp_path, HEADER + line + line))
    with pytest.raises(InputError):
        read_portal_indicators(_write(tmp_path, "date,unit_code,group\n2026-10-01,X,payment\n"))
    with pytest.raises(InputError):
        read_published_totals(_write(tmp_path, "date,unit_code\n2026-10-01,X\n", "t.csv"))
