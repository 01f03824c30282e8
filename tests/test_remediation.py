"""The remediation report: status rules as data, figures with numerator and denominator, the Word layout of
Nghị định 30/2020/NĐ-CP, placeholders, the synthetic label, other units, the command line, and the print through
LibreOffice."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from cchc_analysis.briefing_data import FINDINGS, read_findings
from cchc_analysis.cli import main
from cchc_analysis.errors import InputError
from cchc_analysis.periods import parse_period
from cchc_analysis.ranking import rank_trend
from cchc_analysis.remediation import (
    ACTIONS_TEMPLATE,
    DONE,
    NOT_DONE,
    ONGOING,
    RULES,
    UNKNOWN,
    actions_template,
    evaluate,
    read_actions,
    read_rules,
    remediation_report,
)
from cchc_analysis.remediation_docx import build_document, write_docx
from cchc_analysis.targets import load_targets

TARGETS = FINDINGS.parent / "targets.csv"
TODAY = date(2026, 5, 2)
HEADER = "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Kênh tiếp nhận,Đơn vị"


def q2_export(
    folder: Path, full_online: int, total: int = 20, unit: str = "Trung tâm PVHCC xã Đại Sơn"
) -> Path:
    """``total`` dossiers received 10/04, 10/05, 10/06/2026 in turn, all resolved on the 15th; the first
    ``full_online`` full-process online, the others in person."""
    rows = [HEADER]
    for i in range(total):
        month = 4 + i % 3
        channel = "Trực tuyến toàn trình" if i < full_online else "Trực tiếp"
        rows.append(f"HS{i:03d},10/{month:02d}/2026,20/{month:02d}/2026,15/{month:02d}/2026,{channel},{unit}")
    path = folder / f"q2_{full_online}_{total}.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def frame(full_online: int, total: int = 10, home: int | None = None) -> pd.DataFrame:
    """``total`` dossiers received 06/04/2026 and resolved 08/04 (due 10/04); ``full_online`` of them full online."""
    d = pd.DataFrame(
        {
            "received_at": pd.to_datetime(["2026-04-06"] * total),
            "due_at": pd.to_datetime(["2026-04-10"] * total),
            "resolved_at": pd.to_datetime(["2026-04-08"] * total),
            "channel": ["full_online"] * full_online + ["in_person"] * (total - full_online),
        }
    )
    if home is not None:
        d["home_delivery"] = pd.array([True] * home + [False] * (total - home), dtype="boolean")
    return d


def rules(*rows: str) -> pd.DataFrame:
    """A rules file of ``rows`` (CSV lines), read back."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rules.csv"
        path.write_text(
            "id,rule,argument,baseline,figures,source\n" + "\n".join(rows) + "\n", encoding="utf-8"
        )
        return read_rules(path)


def one(rid: str, kind: str = "recommendation") -> pd.DataFrame:
    return pd.DataFrame([{"id": rid, "kind": kind, "addressee": "", "text": "…", "deadline": pd.NaT}])


APRIL = parse_period("2026-04")


# --- rules as data ------------------------------------------------------------------------------------------------
def test_bundled_rules_cover_every_finding_and_request_of_the_notice_with_a_source():
    table = read_rules(RULES)
    assert list(table["id"]) == list(read_findings()["id"])
    assert (table["source"].str.len() > 20).all()
    assert table.loc["R02", "rule"] == "target" and table.loc["R02", "argument"] == "full_online_q2_2026"
    assert table.loc["F04", "argument"] == "R02"


@pytest.mark.parametrize(
    ("full_online", "status"),
    [
        (6, DONE),
        (5, DONE),
        (4, ONGOING),
        (3, ONGOING),
        (2, NOT_DONE),
    ],  # 60 %, 50 %, 40 %, 30 % > 29,78 %, 20 %
)
def test_target_rule_met_improved_or_not(full_online, status):
    table = rules("R02,target,full_online_q2_2026,0.2978,full_online/new,test")
    entry = evaluate(
        one("R02"),
        table,
        None,
        dossiers=frame(full_online),
        period=APRIL,
        targets=load_targets(TARGETS),
        today=TODAY,
    )[0]
    assert entry.status == status
    f = entry.figures[0]
    assert (f.numerator, f.denominator) == (full_online, 10)
    assert f"({full_online}/10 hồ sơ)" in f.text()


def test_a_finding_follows_its_request_and_shows_the_same_figure():
    table = rules("F04,follow,R02,,,test", "R02,target,full_online_q2_2026,0.2978,full_online/new,test")
    findings = pd.concat([one("F04", "finding"), one("R02")], ignore_index=True)
    f04, r02 = evaluate(findings, table, None, dossiers=frame(7), period=APRIL, targets=load_targets(TARGETS))
    assert f04.status == r02.status == DONE and f04.follows == "R02"
    assert f04.figures[0].numerator == 7


@pytest.mark.parametrize(
    ("rank", "status"),
    [(38, DONE), (40, DONE), (45, ONGOING), (58, NOT_DONE), (70, NOT_DONE), (None, UNKNOWN)],
)
def test_rank_rule_against_the_rank_before_and_at_the_finding(rank, status):
    snaps = [("2026-03-12", 40), ("2026-04-15", 58)] + ([("2026-06-20", rank)] if rank else [])
    trend = rank_trend(
        pd.DataFrame(
            {"date": [d for d, _ in snaps], "unit": "Đại Sơn", "rank": [r for _, r in snaps], "n_units": 114}
        )
    )
    table = rules("R06,rank,2026-04-15,,,test")
    entry = evaluate(one("R06"), table, None, dossiers=frame(1), period=APRIL, trend=trend)[0]
    assert entry.status == status
    if rank:
        assert f"{rank}/114" in entry.reason


def test_actions_rule_done_ongoing_or_unknown(tmp_path):
    path = tmp_path / "ACTIONS.csv"
    path.write_text(
        "id,request,actions,documents,trainings,done_on,notes\n"
        "R01,…,Họp quán triệt,Thông báo số 12/TB-TTPVHCC,,15/05/2026,\n"
        "R03,…,Đang tổ chức chia sẻ kinh nghiệm,,,,\n"
        "R05,…,,,,,\n",
        encoding="utf-8",
    )
    acts = read_actions(path, ["R01", "R03", "R05"])
    assert set(acts) == {"R01", "R03"}  # a row without content is no action
    findings = pd.concat([one("R01"), one("R03"), one("R05")], ignore_index=True)
    entries = evaluate(findings, read_rules(RULES), acts, dossiers=frame(1), period=APRIL)
    assert [e.status for e in entries] == [DONE, ONGOING, UNKNOWN]
    assert "15/05/2026" in entries[0].reason


def test_actions_file_errors_name_the_row(tmp_path):
    path = tmp_path / "ACTIONS.csv"
    path.write_text("id,actions,done_on\nR99,x,\n", encoding="utf-8")
    with pytest.raises(InputError, match="R99"):
        read_actions(path, ["R01"])
    path.write_text("id,actions,done_on\nR01,x,31/02/2026\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_actions(path, ["R01"])
    assert exc.value.row == 2 and exc.value.column == "done_on"


def test_count_rule_absent_column_is_unknown_not_zero():
    table = rules("R07,count,home_delivery,,home_delivery/in_scope,test")
    absent = evaluate(one("R07"), table, None, dossiers=frame(1), period=APRIL)[0]
    assert absent.status == UNKNOWN and "chưa có số liệu" in absent.figures[0].text()
    none = evaluate(one("R07"), table, None, dossiers=frame(1, home=0), period=APRIL)[0]
    assert none.status == NOT_DONE and none.figures[0].text().endswith("0,00 % (0/10 hồ sơ)")
    some = evaluate(one("R07"), table, None, dossiers=frame(1, home=3), period=APRIL)[0]
    assert some.status == ONGOING and "(3/10 hồ sơ)" in some.figures[0].text()


def test_officers_rule_reads_the_monthly_evaluation_basis_from_the_dossiers():
    table = rules("R04,officers,,,rated/resolved,test")
    # 10 dossiers resolved 08/04 by two officers; 4 of them rated (3 by CB01, 1 by CB02). Grading needs 5
    # resolved and 3 ratings (reference/officer_grades.csv): CB01 has them, CB02 has 1 rating.
    rated = frame(1).assign(
        officer=["CB01"] * 5 + ["CB02"] * 5,
        satisfaction=pd.Categorical(
            ["satisfied"] * 3 + [None] * 2 + ["very_satisfied"] + [None] * 4,
            categories=["very_satisfied", "satisfied", "dissatisfied"],
        ),
    )
    entry = evaluate(one("R04"), table, None, dossiers=rated, period=APRIL)[0]
    assert entry.status == ONGOING  # ratings in every month, but no evaluation dated in ACTIONS.csv
    assert entry.lines == [
        "Tháng 04/2026: 2 công chức giải quyết 10 hồ sơ, 4 hồ sơ có phiếu đánh giá (40,0 %); "
        "1 công chức đủ số liệu để đề xuất xếp loại (cchc officers)."
    ]
    assert "CB01" not in " ".join([*entry.lines, entry.reason])  # counts only, no officer named
    done = evaluate(one("R04"), table, {"R04": {"done_on": "30/04/2026"}}, dossiers=rated, period=APRIL)[0]
    assert done.status == DONE
    unrated = rated.assign(satisfaction=pd.Categorical([None] * 10, categories=["satisfied"]))
    assert evaluate(one("R04"), table, None, dossiers=unrated, period=APRIL)[0].status == NOT_DONE
    absent = evaluate(one("R04"), table, None, dossiers=frame(1), period=APRIL)[0]
    assert absent.status == UNKNOWN
    assert absent.reason.startswith("tệp hồ sơ không có cột cán bộ xử lý và mức độ hài lòng")


def test_a_bad_rule_or_figure_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="Quy tắc"):
        rules("R01,guess,,,,x")
    with pytest.raises(InputError, match="mẫu_số"):
        rules("R01,actions,,,full_online/nobody,x")


def test_shipped_actions_template_is_one_row_per_request():
    shipped = ACTIONS_TEMPLATE.read_text(encoding="utf-8-sig")
    assert shipped == actions_template(read_findings())
    ids = pd.read_csv(ACTIONS_TEMPLATE, encoding="utf-8-sig")["id"].tolist()
    assert ids == [f"R{i:02d}" for i in range(1, 12)]


# --- the document -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bundled():
    report = remediation_report(today=TODAY)
    return report, build_document(report)


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    for section in doc.sections:
        for part in (section.header, section.first_page_header):
            parts.extend(p.text for p in part.paragraphs)
    return "\n".join(parts).replace("\u200b", "")


def runs_with(doc, text: str):
    found = []
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                found += [r for p in cell.paragraphs for r in p.runs if r.text == text]
    found += [r for p in doc.paragraphs for r in p.runs if r.text == text]
    assert found, text
    return found[0]


def test_page_is_a4_with_the_decree_margins(bundled):
    section = bundled[1].sections[0]
    mm = {
        k: round(getattr(section, k).mm, 1)
        for k in ("page_width", "page_height", "top_margin", "bottom_margin", "left_margin", "right_margin")
    }
    assert mm == {
        "page_width": 210,
        "page_height": 297,
        "top_margin": 20,  # Phụ lục I: 20–25 mm
        "bottom_margin": 20,  # 20–25 mm
        "left_margin": 30,  # 30–35 mm
        "right_margin": 15,  # 15–20 mm
    }


def test_times_new_roman_for_every_script(bundled):
    doc = bundled[1]
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{s}")) for s in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    body = doc.element.body
    run_fonts = body.findall(".//" + qn("w:rFonts"))
    assert run_fonts and all(f.get(qn("w:eastAsia")) == "Times New Roman" for f in run_fonts)


@pytest.mark.parametrize(
    ("text", "size", "bold", "italic"),
    [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, True, False),
        ("Độc lập - Tự do - Hạnh phúc", 13, True, False),
        ("BÁO CÁO", 14, True, False),
        ("Nơi nhận:", 12, True, True),
        ("- Lưu: VT.", 11, False, False),
    ],
)
def test_font_sizes_of_the_decree(bundled, text, size, bold, italic):
    run = runs_with(bundled[1], text)
    assert run.font.size == Pt(size) and bool(run.bold) == bold and bool(run.italic) == italic


def test_number_date_and_signer_are_placeholders_never_invented(bundled):
    text = all_text(bundled[1])
    assert "Số: «…»/BC-TTPVHCC" in text
    assert "Đại Sơn, ngày «…» tháng «…» năm 2026" in text
    assert "«…» (Họ và tên người ký)" in text and "«…» (CHỨC VỤ NGƯỜI KÝ)" in text
    assert "Nguyễn" not in text  # the notice's signer is not the centre's


def test_title_body_and_synthetic_label(bundled):
    report, doc = bundled
    text = all_text(doc)
    assert "Kết quả khắc phục tồn tại, hạn chế theo Thông báo kết luận kiểm tra" in text
    assert "UBND XÃ ĐẠI SƠN" in text
    assert text.count("Dữ liệu mô phỏng") >= 1 and "DỮ LIỆU MÔ PHỎNG" in text
    for e in report.entries:
        assert f"({e.id})" in text
    # the full-online figure of the bundled sample, from its own counts, with numerator and denominator
    r02 = next(e for e in report.entries if e.id == "R02")
    f = r02.figures[0]
    assert f"({f.numerator}/{f.denominator} hồ sơ)" in text
    assert "Chưa có tệp ACTIONS.csv" in text and "dòng R01" in text


def test_no_personal_data_reaches_the_document(bundled):
    from cchc_analysis.briefing_data import load

    officers = {str(v) for v in load("").dossiers["officer"].dropna().unique()}
    text = all_text(bundled[1])
    assert not [o for o in officers if o in text]


# --- the full-online target on a Q2 export --------------------------------------------------------------------
@pytest.mark.parametrize(("full_online", "status"), [(11, DONE), (9, ONGOING), (5, NOT_DONE)])
def test_q2_export_status_matches_the_measured_rate(tmp_path, full_online, status):
    path = q2_export(tmp_path, full_online)
    out = tmp_path / "bao_cao.docx"
    assert main(["remediation", "--dossiers", str(path), "--period", "2026-Q2", "-o", str(out)]) == 0
    text = all_text(Document(str(out)))
    assert f"({full_online}/20 hồ sơ)" in text
    paragraphs = [p for p in text.splitlines() if p.startswith("- Mức độ:")]
    r02 = text.split("(R02):", 1)[1]
    assert r02.split("- Mức độ: ", 1)[1].startswith(status)
    assert paragraphs
    assert "Dữ liệu mô phỏng" not in text  # a real export is not labelled synthetic


def test_actions_fill_the_document(tmp_path):
    actions = tmp_path / "ACTIONS.csv"
    actions.write_text(
        "id,actions,documents,trainings,done_on\nR03,Tổ chức 2 buổi chia sẻ kinh nghiệm,,Tập huấn 12/5/2026,20/05/2026\n",
        encoding="utf-8",
    )
    report = remediation_report(actions=actions, today=TODAY)
    assert report.status_of("R03") == DONE and report.status_of("F01") == DONE
    text = all_text(build_document(report))
    assert "Tổ chức 2 buổi chia sẻ kinh nghiệm" in text and "Tập huấn 12/5/2026" in text
    assert "dòng R03" not in text and "dòng R01" in text


# --- other units ----------------------------------------------------------------------------------------------
def test_another_unit_never_gets_dai_son_findings(tmp_path):
    path = q2_export(tmp_path, 11, unit="Trung tâm PVHCC xã Tân Lập")
    with pytest.raises(InputError, match="Tân Lập"):
        remediation_report(path)
    own = tmp_path / "findings_tan_lap.csv"
    own.write_text(
        "id,kind,addressee,text,deadline\n"
        "F01,finding,Trung tâm,Tỷ lệ toàn trình còn thấp,\n"
        "R01,recommendation,Trung tâm,Nâng tỷ lệ toàn trình,2026-06-30\n",
        encoding="utf-8",
    )
    report = remediation_report(path, findings=own, today=TODAY)
    text = all_text(build_document(report))
    assert "Tân Lập" in text and "UBND XÃ TÂN LẬP" in text
    assert "Đại Sơn" not in text and "58/114" not in text and "Đoàn kiểm tra «…»" in text
    assert [e.status for e in report.entries] == [UNKNOWN, UNKNOWN]


# --- command line ---------------------------------------------------------------------------------------------
def test_help_of_both_names(capsys):
    for name in ("remediation", "khac-phuc"):
        with pytest.raises(SystemExit) as exc:
            main([name, "--help"])
        assert exc.value.code == 0
        assert "Nghị định 30/2020/NĐ-CP" in capsys.readouterr().out


def test_cli_writes_atomically_and_refuses_another_suffix(tmp_path, capsys):
    out = tmp_path / "bao_cao_khac_phuc.docx"
    assert main(["khac-phuc", "-o", str(out)]) == 0
    assert out.is_file() and [p.name for p in tmp_path.iterdir()] == [out.name]
    assert "Dữ liệu mô phỏng" in capsys.readouterr().out
    assert main(["remediation", "-o", str(tmp_path / "x.pdf")]) == 2
    assert main(["remediation"]) == 2
    template = tmp_path / "ACTIONS.csv"
    assert main(["remediation", "--actions-template", str(template)]) == 0
    assert template.read_text(encoding="utf-8-sig") == actions_template(read_findings())


# --- printed through LibreOffice ----------------------------------------------------------------------------------
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
#: Writer is what opens a .docx; a LibreOffice with Calc alone (soffice present) cannot.
WRITER = shutil.which("lowriter")


@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: .ci/install-system-packages"
)
def test_libreoffice_opens_and_prints_the_draft_on_a4(tmp_path):
    from pypdf import PdfReader

    docx = write_docx(remediation_report(today=TODAY), tmp_path / "bao_cao.docx")
    profile = (tmp_path / "lo_profile").as_uri()
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf_path = tmp_path / "bao_cao.pdf"
    pdf = PdfReader(str(pdf_path))
    assert len(pdf.pages) >= 2
    box = pdf.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    # pypdf splits Vietnamese letters with stacked marks; poppler's pdftotext reads them whole
    text = subprocess.run(
        ["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = text.replace("\u200b", "")
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        "Nơi nhận:",
    ):
        assert expected in text
    assert "Dữ liệu mô phỏng" in text and "(R11)" in text
    # every word inside the printed margins: left 30 mm, right 15 mm, bottom 20 mm
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True, text=True, check=True
    )
    words = re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="([\d.]+)"', boxes.stdout)
    mm = [(float(a) * 25.4 / 72, float(b) * 25.4 / 72, float(c) * 25.4 / 72) for a, b, c in words]
    assert min(x for x, _, _ in mm) >= 29.5
    assert max(x for _, x, _ in mm) <= 210 - 15 + 0.5
    assert max(y for _, _, y in mm) <= 297 - 20 + 1  # a descender may touch the margin


def test_newer_ranking_snapshots_join_the_notice_ones(tmp_path):
    newer = tmp_path / "xep_hang.csv"
    newer.write_text("date,unit,rank,n_units\n2026-06-15,Xã Đại Sơn,45,114\n", encoding="utf-8")
    report = remediation_report(ranking=newer, today=TODAY)
    r06 = next(e for e in report.entries if e.id == "R06")
    assert r06.status == ONGOING and "45/114" in r06.reason and "58/114" in r06.reason
    assert report.status_of("F05") == ONGOING
    assert remediation_report(today=TODAY).status_of("R06") == UNKNOWN  # no newer snapshot: not judged


def test_properties_are_in_schema_order_so_word_opens_the_file_without_repair(bundled):
    from cchc_analysis.remediation_docx import PPR_ORDER, RPR_ORDER, TBLPR_ORDER

    doc = bundled[1]
    parts = [doc.element, doc.styles.element] + [
        p._element for s in doc.sections for p in (s.header, s.first_page_header)
    ]
    checked = 0
    for part in parts:
        for tag, order in (("w:pPr", PPR_ORDER), ("w:rPr", RPR_ORDER), ("w:tblPr", TBLPR_ORDER)):
            for props in part.iter(qn(tag)):
                names = [child.tag for child in props]
                positions = [[qn(t) for t in order].index(n) for n in names]
                assert positions == sorted(positions), (tag, [n.split("}")[1] for n in names])
                checked += 1
    assert checked > 100


def test_a_file_naming_no_unit_is_refused_with_the_way_out(tmp_path, capsys):
    path = q2_export(tmp_path, 11, unit="")
    out = tmp_path / "b.docx"
    assert main(["remediation", "--dossiers", str(path), "-o", str(out)]) == 2
    assert "--unit «Đại Sơn»" in capsys.readouterr().err and not out.exists()
    assert main(["remediation", "--dossiers", str(path), "--unit", "Xã Đại Sơn", "-o", str(out)]) == 0
    assert "(11/20 hồ sơ)" in all_text(Document(str(out)))
