"""Building briefings: HTML (self-contained, Vietnamese, code hidden), PDF through a browser, run stamp, atomicity.

The two real builds (the default 2026 inspection, and 2026-Q2 from a raw export) are made once per session in
``briefing_builds``; the other tests use a fake browser or a tiny notebook so that they run without Chromium.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import unicodedata
from pathlib import Path

import briefing_builds
import nbformat
import pytest

from cchc_analysis import __version__, briefing
from cchc_analysis.errors import InputError
from cchc_analysis.formatting import fmt_int, fmt_pct

NEEDS_BROWSER = pytest.mark.skipif(
    briefing_builds.browser() is None,
    reason="no Chromium/Chrome/Edge found (install chromium or set CCHC_BROWSER): PDF and screenshot not tested",
)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() or "" for page in reader.pages))


def _html_text(path: Path) -> str:
    """The visible text of a briefing HTML (no tags, no embedded images or styles)."""
    import html as html_lib

    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(style|script)\b.*?</\1>", " ", raw, flags=re.S)
    raw = re.sub(r'src="data:[^"]*"', "", raw)
    return unicodedata.normalize("NFC", html_lib.unescape(re.sub(r"<[^>]+>", " ", raw)))


def _fake_browser(folder: Path, *, writes_pdf: bool = True) -> str:
    """A stand-in for Chromium: writes a one-page PDF to the --print-to-pdf path (or nothing)."""
    script = folder / "fake-chromium"
    body = (
        "import sys\n"
        "args = sys.argv[1:]\n"
        "target = next(a.split('=', 1)[1] for a in args if a.startswith('--print-to-pdf='))\n"
        "assert any(a.startswith('--user-data-dir=') for a in args) and '--no-pdf-header-footer' in args\n"
        "assert args[-1].startswith('file://')\n"
        + ("open(target, 'wb').write(b'%PDF-1.4\\n%fake\\n%%EOF\\n')\n" if writes_pdf else "sys.exit(3)\n")
    )
    script.write_text(f"#!{sys.executable}\n{body}", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def _tiny_notebook(folder: Path, source: str = 'print("Xin chào")') -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('period = "2026-Q1"\ndossiers = ""\nprevious_dossiers = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Thử"), params, nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


# --- finding a browser ------------------------------------------------------------------------------------------
def test_find_browser_env_variable_first(tmp_path, monkeypatch):
    fake = _fake_browser(tmp_path)
    monkeypatch.setenv("CCHC_BROWSER", fake)
    assert briefing.find_browser() == fake


def test_find_browser_env_none_disables_pdf(monkeypatch):
    monkeypatch.setenv("CCHC_BROWSER", "none")
    assert briefing.find_browser() is None


def test_find_browser_env_naming_nothing_is_an_input_error(monkeypatch):
    monkeypatch.setenv("CCHC_BROWSER", "/khong/co/trinh-duyet")
    with pytest.raises(InputError, match="CCHC_BROWSER"):
        briefing.find_browser()


def test_find_browser_searches_path(tmp_path, monkeypatch):
    monkeypatch.delenv("CCHC_BROWSER", raising=False)
    fake = Path(_fake_browser(tmp_path))
    fake.rename(tmp_path / "chromium")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert briefing.find_browser() == str(tmp_path / "chromium")


def test_find_browser_none_when_nothing_installed(tmp_path, monkeypatch):
    monkeypatch.delenv("CCHC_BROWSER", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(briefing, "_windows_browser_paths", list)
    monkeypatch.setattr(briefing, "_MAC_BROWSERS", ())
    assert briefing.find_browser() is None


# --- printing ---------------------------------------------------------------------------------------------------
def test_html_to_pdf_uses_the_flags_and_writes_atomically(tmp_path):
    html = tmp_path / "b.html"
    html.write_text("<html lang='vi'><body>Xin chào</body></html>", encoding="utf-8")
    pdf = briefing.html_to_pdf(html, tmp_path / "out" / "b.pdf", _fake_browser(tmp_path))
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in pdf.parent.iterdir()] == ["b.pdf"]


def test_html_to_pdf_failure_leaves_nothing(tmp_path):
    html = tmp_path / "b.html"
    html.write_text("<html></html>", encoding="utf-8")
    (tmp_path / "out").mkdir()
    with pytest.raises(RuntimeError, match="no PDF"):
        briefing.html_to_pdf(html, tmp_path / "out" / "b.pdf", _fake_browser(tmp_path, writes_pdf=False))
    assert list((tmp_path / "out").iterdir()) == []


# --- HTML -------------------------------------------------------------------------------------------------------
def test_notebook_to_html_is_offline_vietnamese_a4_and_hides_code(tmp_path):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('period = "2026-Q2"')
    params.metadata["tags"] = ["injected-parameters"]
    shown = nbformat.v4.new_code_cell("bang_so_lieu()")
    shown.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="Tổng số 3.099 hồ sơ\n"),
        nbformat.v4.new_output("stream", name="stderr", text="UserWarning: cảnh báo lạc\n"),
    ]
    silent = nbformat.v4.new_code_cell("x = 1")
    nb.cells = [nbformat.v4.new_markdown_cell("# Báo cáo Quý II/2026"), params, shown, silent]
    page = briefing.notebook_to_html(nb, title="Báo cáo", synthetic=True, footer="Dữ liệu mô phỏng · thử")
    assert '<html lang="vi">' in page
    assert "<script" not in page.lower()  # no require.js, MathJax, Mermaid or widgets
    assert not re.search(r"https?://[^\"' )]*\.(js|css)", page)
    assert "size: A4" in page and "break-inside: avoid" in page
    assert "DejaVu Sans" in page
    assert "Báo cáo Quý II/2026" in page and "Tổng số 3.099 hồ sơ" in page
    assert "bang_so_lieu" not in page and 'period = "2026-Q2"' not in page and "x = 1" not in page
    assert "cảnh báo lạc" not in page
    assert "Dữ liệu mô phỏng" in page


# --- the default briefing (the 2026 inspection, bundled data) ---------------------------------------------------
@pytest.fixture(scope="session")
def inspection():
    return briefing_builds.inspection()


def test_default_briefing_writes_every_file(inspection):
    r = inspection.result
    assert r.period == briefing.INSPECTION_LABEL
    assert r.out_dir.name == briefing.INSPECTION_LABEL
    for path in (r.html, r.notebook, r.stamp):
        assert path.is_file() and path.parent == r.out_dir
    assert not [p for p in r.out_dir.iterdir() if ".tmp" in p.name]
    assert r.warnings == ()
    assert inspection.seconds < 180


def test_default_briefing_html(inspection):
    page = inspection.result.html.read_text(encoding="utf-8")
    assert '<html lang="vi">' in page
    assert "<script" not in page.lower()
    text = _html_text(inspection.result.html)
    for figure in ("3.099", "99,6 %", "29,78 %", "58/114", "Dữ liệu mô phỏng"):
        assert figure in text
    assert "briefing_data" not in text and "import " not in text  # no code
    assert "Traceback" not in text and "Warning" not in text


def test_run_stamp(inspection):
    stamp = json.loads(inspection.result.stamp.read_text(encoding="utf-8"))
    assert stamp["period"] == briefing.INSPECTION_LABEL
    assert stamp["package_version"] == __version__
    assert stamp["synthetic"] is True
    dossiers = stamp["inputs"][0]
    assert dossiers["role"] == "dossiers"
    assert dossiers["rows"] == {"read": 3099, "loaded": 3099, "excluded": 0, "rejected": 0}
    assert dossiers["sha256"] == hashlib.sha256(Path(dossiers["file"]).read_bytes()).hexdigest()
    assert any(i["file"].endswith("reported_figures.csv") for i in stamp["inputs"])
    assert stamp["created_at"] and stamp["notebook"] == briefing.INSPECTION_NOTEBOOK
    assert stamp["notebook_warnings"] == []


def test_executed_notebook_is_kept_with_its_outputs(inspection):
    nb = nbformat.read(inspection.result.notebook, as_version=4)
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert briefing.stderr_outputs(nb) == []


@NEEDS_BROWSER
def test_default_briefing_pdf_text(inspection):
    pdf = inspection.result.pdf
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF-")
    text = _pdf_text(pdf)
    for figure in ("3.099", "99,6 %", "29,78 %", "58/114", "Dữ liệu mô phỏng"):
        assert figure in text, figure
    assert "Kết luận kiểm tra" in text
    assert "file://" not in text  # no browser header or footer


@NEEDS_BROWSER
def test_default_briefing_pdf_is_a4_with_embedded_fonts(inspection):
    from pypdf import PdfReader

    reader = PdfReader(str(inspection.result.pdf))
    assert len(reader.pages) >= 3
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2  # A4 in points
    if shutil.which("pdffonts"):
        listing = subprocess.run(
            ["pdffonts", str(inspection.result.pdf)], capture_output=True, text=True
        ).stdout
        rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
        assert rows and all(row[-5] == "yes" for row in rows)  # column "emb": every font embedded


@NEEDS_BROWSER
def test_html_screenshot_is_not_blank(inspection, tmp_path):
    from matplotlib import image

    png = briefing.screenshot_html(inspection.result.html, tmp_path / "shot.png", briefing_builds.browser())
    pixels = image.imread(str(png))[..., :3]
    dark = (pixels.mean(axis=2) < 0.5).mean()
    assert pixels.std() > 0.05
    assert dark > 0.005  # text is drawn, not a white page


# --- another quarter, from a raw export with personal data -----------------------------------------------------
@pytest.fixture(scope="session")
def other_quarter():
    return briefing_builds.other_quarter()


def _quarter_numbers(raw: Path) -> dict[str, str]:
    from cchc_analysis.loaders import data_period, load_dossiers
    from cchc_analysis.periods import parse_period
    from cchc_analysis.rates import processing_rates

    load = load_dossiers(raw)
    row = processing_rates(load.dossiers, data_period(load, parse_period("2026-Q2")).period).iloc[0]
    return {
        "new": fmt_int(row["new"]),
        "resolved": fmt_int(row["resolved"]),
        "full_online_rate": fmt_pct(row["full_online_rate"], 2),
        "on_time_rate": fmt_pct(row["on_time_rate"]),
    }


def test_other_quarter_shows_that_quarters_numbers(other_quarter):
    r = other_quarter.result
    assert r.period == "2026-Q2" and r.out_dir.name == "2026-Q2"
    expected = _quarter_numbers(other_quarter.dossiers)
    text = _html_text(r.html)
    assert "Quý II/2026" in text and "01/04/2026" in text and "30/06/2026" in text
    assert "Dữ liệu mô phỏng" in text and "hiệu chỉnh cho khớp" not in text  # not the calibrated sample
    for value in expected.values():
        assert value in text
    stamp = json.loads(r.stamp.read_text(encoding="utf-8"))
    assert stamp["period"] == "2026-Q2" and stamp["period_start"] == "2026-04-01"
    assert stamp["parameters"]["period"] == "2026-Q2"
    assert stamp["inputs"][0]["rows"]["read"] == 1800
    if r.pdf is not None:
        pdf_text = _pdf_text(r.pdf)
        assert "Quý II/2026" in pdf_text
        for value in expected.values():
            assert value in pdf_text


def test_no_personal_data_in_any_output(other_quarter):
    raw = other_quarter.dossiers
    with open(raw, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header_at = next(i for i, row in enumerate(rows) if briefing_builds.PERSONAL_HEADERS[0] in row)
    header = rows[header_at]
    columns = [header.index(h) for h in briefing_builds.PERSONAL_HEADERS]
    values = {
        row[c].strip() for row in rows[header_at + 1 :] for c in columns if len(row) > c and row[c].strip()
    }
    assert len(values) > 1000
    r = other_quarter.result
    outputs = {
        "html": _html_text(r.html),
        "ipynb": r.notebook.read_text(encoding="utf-8"),
        "stamp": r.stamp.read_text(encoding="utf-8"),
    }
    if r.pdf is not None:
        outputs["pdf"] = _pdf_text(r.pdf)
    for name, text in outputs.items():
        leaked = sorted(v for v in values if v in text)
        assert not leaked, f"{name}: {leaked[:5]}"


# --- failure paths ----------------------------------------------------------------------------------------------
def test_bad_period_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        briefing.build_briefing("2026-Q5", out_dir=tmp_path, progress=lambda _: None)


def test_missing_dossier_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        briefing.build_briefing("2026-Q1", dossiers=tmp_path / "khong_co.csv", out_dir=tmp_path)
    assert not (tmp_path / "2026-Q1").exists()


def test_a_period_the_file_does_not_cover_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="Quý I/2025"):
        briefing.build_briefing("2025-Q1", out_dir=tmp_path, progress=lambda _: None)


def test_without_a_browser_the_html_is_written_and_the_message_says_how_to_get_the_pdf(tmp_path, monkeypatch):
    monkeypatch.setenv("CCHC_BROWSER", "none")
    notebook = _tiny_notebook(tmp_path)
    stale = tmp_path / "exports" / "2026-Q1" / "briefing.pdf"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"%PDF-old")
    lines: list[str] = []
    r = briefing.build_briefing(
        "2026-Q1", out_dir=tmp_path / "exports", notebook=str(notebook), progress=lines.append
    )
    assert r.pdf is None and r.html.is_file() and not stale.exists()
    assert "Chromium" in r.message and "CCHC_BROWSER" in r.message
    assert any("Chạy sổ tay" in line for line in lines)  # progress is shown
    assert "Xin chào" in r.html.read_text(encoding="utf-8")


def test_a_failing_notebook_raises_and_keeps_the_partial_notebook(tmp_path, monkeypatch):
    monkeypatch.setenv("CCHC_BROWSER", "none")
    notebook = _tiny_notebook(tmp_path, 'raise ValueError("hỏng")')
    with pytest.raises(RuntimeError, match="hỏng"):
        briefing.build_briefing("2026-Q1", out_dir=tmp_path, notebook=str(notebook), progress=lambda _: None)
    failed = tmp_path / "2026-Q1" / "briefing.failed.ipynb"
    assert failed.is_file()
    assert not (tmp_path / "2026-Q1" / "briefing.html").exists()


def test_git_commit_read_without_git(tmp_path):
    git = tmp_path / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    (git / "refs" / "heads" / "main").write_text("a" * 40 + "\n")
    assert briefing.git_commit(tmp_path) == "a" * 40
    assert briefing.git_commit(tmp_path / "none") is None


def test_kernel_is_the_one_of_this_interpreter():
    manager = briefing._kernel_spec_manager()
    spec = manager.get_kernel_spec(briefing.KERNEL_NAME)
    assert spec.argv[0] in ("python", "python3", sys.executable) or os.path.samefile(
        spec.argv[0], sys.executable
    )
