"""Every file the package writes is written atomically: a failure mid-write leaves no half file and no temp file.

Covers each writer: CSV (``write_csv``, ``validate --rejects``), the Biểu 06 xlsx, run stamps and logs, the
briefing's HTML / notebook / PDF; and a source scan that finds no file write outside :mod:`cchc_analysis.outputs`.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from cchc_analysis import audit, briefing, outputs
from cchc_analysis.bieu06 import bieu06_table, write_bieu06_xlsx
from cchc_analysis.cli import main
from cchc_analysis.outputs import write_csv
from cchc_analysis.synthetic import generate_dossiers

PACKAGE = Path(__file__).resolve().parent.parent / "cchc_analysis"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if ".tmp" in p.name)


@pytest.fixture
def failing_fsync(monkeypatch):
    """The disk fails after the bytes were handed over: the write must not land."""

    def fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outputs.os, "fsync", fsync)


def test_csv_write_failure_keeps_the_old_file_and_leaves_no_temp(tmp_path, failing_fsync) -> None:
    target = tmp_path / "rejects.csv"
    target.write_text("cũ\n", encoding="utf-8")
    with pytest.raises(OSError, match="No space"):
        write_csv(pd.DataFrame({"a": range(1000)}), target)
    assert target.read_text(encoding="utf-8") == "cũ\n"
    assert _leftovers(tmp_path) == []


def test_stamp_and_log_write_failure_leaves_nothing(tmp_path, failing_fsync) -> None:
    log = audit.RunLog()
    log("một dòng")
    with pytest.raises(OSError):
        log.write(tmp_path / "run.log")
    with pytest.raises(OSError):
        audit.write_stamp(tmp_path / "run.json", {"command": "kpis"})
    assert list(tmp_path.iterdir()) == []


def test_validate_rejects_csv_failure_is_exit_2_and_leaves_nothing(tmp_path, failing_fsync, capsys) -> None:
    bad = Path(__file__).parent / "data" / "bad" / "unreadable_dates.csv"
    out = tmp_path / "out"
    code = main(["validate", str(bad), "--rejects", str(out / "rejects.csv")])
    assert code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "rejects.csv" in err
    assert not (out / "rejects.csv").exists() and _leftovers(tmp_path) == []


def test_bieu06_xlsx_failure_mid_write_leaves_no_half_file(tmp_path, monkeypatch) -> None:
    from openpyxl import Workbook

    frame = generate_dossiers(200, seed=1, start="2026-01-01", end="2026-03-31")
    table = bieu06_table(frame, "01/01/2026", "31/03/2026")
    target = tmp_path / "bieu06.xlsx"
    target.write_bytes(b"old workbook")

    def half_save(self, filename) -> None:
        Path(filename).write_bytes(b"PK\x03\x04 half a workbook")
        raise OSError(5, "I/O error")

    monkeypatch.setattr(Workbook, "save", half_save)
    with pytest.raises(OSError):
        write_bieu06_xlsx(table, target, start=pd.Timestamp("2026-01-01"), end=pd.Timestamp("2026-03-31"))
    assert target.read_bytes() == b"old workbook"
    assert _leftovers(tmp_path) == []


def _tiny_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('period = "2026-Q1"\ndossiers = ""\nprevious_dossiers = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Thử"),
        params,
        nbformat.v4.new_code_cell('print("Xin chào")'),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


def _broken_browser(folder: Path) -> str:
    """A browser that writes half a PDF and crashes."""
    script = folder / "broken-chromium"
    body = (
        "import sys\n"
        "target = next(a.split('=', 1)[1] for a in sys.argv if a.startswith('--print-to-pdf='))\n"
        "open(target, 'wb').write(b'%PDF-1.4 half')\n"
        "sys.exit(139)\n"
    )
    script.write_text(f"#!{sys.executable}\n{body}", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_briefing_with_a_crashing_browser_keeps_html_drops_the_stale_pdf(tmp_path) -> None:
    folder = tmp_path / "exports" / "2026-Q1"
    folder.mkdir(parents=True)
    (folder / "briefing.pdf").write_bytes(b"%PDF- of an earlier run")
    result = briefing.build_briefing(
        "2026-Q1",
        out_dir=tmp_path / "exports",
        notebook=str(_tiny_notebook(tmp_path)),
        browser=_broken_browser(tmp_path),
        progress=lambda _: None,
    )
    assert result.pdf is None and result.html.is_file()
    assert not (folder / "briefing.pdf").exists()  # never a PDF of another run beside this HTML
    assert "Chưa tạo được PDF" in result.message
    assert _leftovers(tmp_path) == []
    stamp = (folder / "run_stamp.json").read_text(encoding="utf-8")
    assert '"pdf_error"' in stamp and "exit code 139" in stamp
    assert "Lỗi khi in PDF" in (folder / "briefing.log").read_text(encoding="utf-8")


def test_briefing_html_write_failure_leaves_no_html_and_a_log(tmp_path, monkeypatch) -> None:
    real_replace = os.replace

    def replace(src, dst) -> None:
        if str(dst).endswith(".html"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(outputs.os, "replace", replace)
    monkeypatch.setenv("CCHC_BROWSER", "none")
    with pytest.raises(OSError):
        briefing.build_briefing(
            "2026-Q1",
            out_dir=tmp_path,
            notebook=str(_tiny_notebook(tmp_path)),
            progress=lambda _: None,
        )
    folder = tmp_path / "2026-Q1"
    assert not (folder / "briefing.html").exists() and not (folder / "run_stamp.json").exists()
    assert _leftovers(tmp_path) == []
    assert "Lỗi, báo cáo chưa tạo xong" in (folder / "briefing.log").read_text(encoding="utf-8")


# --- no file write outside cchc_analysis.outputs ---------------------------------------------------------------------
#: Calls that write a file when given a path. Each use in the package must write to a temporary path given by
#: ``atomic_path`` (``tmp``) or to memory (a buffer, a string).
_WRITES = re.compile(
    r"\.(?:write_text|write_bytes|to_csv|to_excel|to_parquet|to_json|to_html|save|savefig|write_table)\(|"
    r"nbformat\.write\(|open\([^)]*['\"][wax]b?['\"]|--print-to-pdf|--screenshot"
)
_SAFE = re.compile(r"\btmp\b|\btarget\b|buf\b|archive|io\.BytesIO|\.to_csv\(index=|lineterminator|def |#|``")


def test_every_file_write_goes_through_outputs() -> None:
    unsafe = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "outputs.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if _WRITES.search(line) and not _SAFE.search(line):
                unsafe.append(f"{path.name}:{number}: {line.strip()}")
    assert not unsafe, "\n".join(unsafe)


# --- text from data in HTML and in messages --------------------------------------------------------------------------
def test_narrative_markdown_shows_data_text_as_text() -> None:
    from nbconvert.filters.markdown import markdown2html

    from cchc_analysis.markup import md_text
    from cchc_analysis.narrative import Markdown

    name, unit = "``<b>x</b>``.csv", "<script>alert(1)</script> & cộng sự"
    text = f"**Tệp** «{md_text(name)}» — đơn vị {md_text(unit)}\n\n> **Dữ liệu mô phỏng.**"
    html = markdown2html(Markdown(text)._repr_markdown_())
    assert "<script" not in html and "<b>" not in html and "<code>" not in html
    assert (
        "«``&lt;b&gt;x&lt;/b&gt;``.csv»" in html
        and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; cộng sự" in html
    )
    assert "<blockquote>" in html and "<strong>Dữ liệu mô phỏng.</strong>" in html
    assert str(Markdown(text)) == text  # the Markdown source itself is unchanged
    # a data text that skipped md_text still makes no element (the last guard): it shows escaped
    assert "<b>" not in markdown2html(Markdown("`<b>x</b>` <b>y</b>")._repr_markdown_())


def test_input_errors_are_always_one_line() -> None:
    from cchc_analysis.errors import InputError

    error = InputError(
        "Lỗi\nhai dòng", "Error\r\non two lines", file="a\nb.csv", column="Ngày hẹn trả\nkết quả"
    )
    assert "\n" not in str(error) and "\r" not in str(error)
    assert str(error).count(" | ") == 1


def test_git_commit_of_a_worktree(tmp_path) -> None:
    common = tmp_path / "main.git"
    (common / "refs" / "heads").mkdir(parents=True)
    (common / "refs" / "heads" / "feature").write_text("b" * 40 + "\n", encoding="utf-8")
    gitdir = common / "worktrees" / "wt"
    gitdir.mkdir(parents=True)
    (gitdir / "HEAD").write_text("ref: refs/heads/feature\n", encoding="utf-8")
    (gitdir / "commondir").write_text("../..\n", encoding="utf-8")
    work = tmp_path / "wt"
    work.mkdir()
    (work / ".git").write_text(f"gitdir: {gitdir}\n", encoding="utf-8")
    assert audit.git_commit(work) == "b" * 40
