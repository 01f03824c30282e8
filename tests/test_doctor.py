"""``cchc doctor`` says what was found and how to fix what is missing (issue 14)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError

from cchc_analysis import doctor
from cchc_analysis.cli import main


def test_report_on_this_machine(capsys):
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    for item in (
        "Python",
        "pandas",
        "Trình duyệt in PDF",
        "LibreOffice",
        "Nhân Jupyter",
        "Phông chữ tiếng Việt",
    ):
        assert item in out
    assert "DejaVu Sans" in out  # the charts' font, bundled with matplotlib, has every Vietnamese letter


def test_missing_items_come_with_the_command_that_fixes_them(monkeypatch):
    real = doctor.version

    def version(name):
        if name == "openpyxl":
            raise PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(doctor, "version", version)
    monkeypatch.setattr("cchc_analysis.briefing.find_browser", lambda: None)
    monkeypatch.setattr(doctor.shutil, "which", lambda name: None)
    text = doctor.report(doctor.checks())
    lines = text.splitlines()
    i = lines.index("  ✗ openpyxl: chưa cài")
    assert "pip install" in lines[i + 1] and '"openpyxl"' in lines[i + 1]
    browser = next(n for n, line in enumerate(lines) if "Trình duyệt in PDF" in line)
    assert lines[browser].startswith("  – ")  # optional: the HTML is written without it
    assert "cách sửa:" in lines[browser + 1]
    office = next(n for n, line in enumerate(lines) if "LibreOffice" in line)
    assert "libreoffice" in lines[office + 1].lower()
    assert lines[-1] == "Thiếu: openpyxl"
