"""No live markup from data or file names in a briefing, and a PDF printer that cannot hang the command.

Text from data (file name, unit name in the title rows and the unit column, fields, procedures, officers,
systems, status words quoted in the reading notes) reaches a briefing only through
:func:`cchc_analysis.markup.md_text` (Markdown) or :func:`cchc_analysis.markup.html_text` (HTML). The HTML is
parsed with :mod:`html.parser`: no element or attribute may come from data, and the text must still read as
the characters of the data.
"""

from __future__ import annotations

import csv
import json
import os
import stat
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nbconvert.filters.markdown import markdown2html

from cchc_analysis.cli import main
from cchc_analysis.markup import MAX_PROSE_CHARS, md_text
from cchc_analysis.narrative import Markdown, WarningBox

#: Hostile texts: HTML, code spans that Markdown and a naive splitter disagree on, a table breaker, a link,
#: template braces, math, emphasis, a bare link, and a long name.
HOSTILE = [
    "<script>alert('s')</script>",
    "<img src=x onerror=alert(1)>",
    "``<img src=x onerror=alert(2)>``",
    "`<img src=x onerror=alert(3)>`",
    "</td></tr></table><b>đậm</b>",
    "[bấm](javascript:alert(4))",
    "![ảnh](x)",
    "{{ 7*7 }} {% raw %}",
    "$<img src=x onerror=alert(5)>$ và $$x$$",
    "*nghiêng* _nghiêng_ __đậm__ ~~gạch~~",
    "http://evil.example/a www.evil.example",
    "# tiêu đề",
    "1. danh sách",
    "- gạch đầu dòng",
    "> trích dẫn",
    "a | b | c",
    "&lt;b&gt; &amp; \\*",
    "Lĩnh vực " + "dài " * 80,
]


class _Html(HTMLParser):
    """Elements, attributes and text of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]

    def handle_data(self, data):
        self.text.append(data)


def _parse(text: str) -> _Html:
    parser = _Html()
    parser.feed(text)
    parser.close()
    return parser


def _visible(parser: _Html) -> str:
    return " ".join("".join(parser.text).split())


def _no_live_markup(parser: _Html) -> None:
    """No event handler, no image but our charts, no link but a heading's anchor, no element data could make."""
    live = [
        (tag, name, value[:60])
        for tag, name, value in parser.attrs
        if name.startswith("on")
        or (tag == "img" and name == "src" and not value.startswith("data:image/png;base64,"))
        or (name == "href" and not value.startswith("#"))
    ]
    assert not live, live
    for tag in ("script", "iframe", "object", "embed", "b", "del", "ol", "h4"):
        assert tag not in parser.tags, tag


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize(
    "context", ["- tệp «{}» xong", "**Đơn vị:** {}", "{}: không có hồ sơ", "> - {}", "## Báo cáo — {}"]
)
def test_md_text_shows_data_as_its_characters(text: str, context: str) -> None:
    source = context.format(md_text(text))
    parser = _parse(markdown2html(Markdown(source)._repr_markdown_()))
    tags = set(parser.tags) - {"a"}  # a heading's own anchor link (href="#…", percent-encoded)
    own = [
        (t, k, v)
        for t, k, v in parser.attrs
        if not (
            (t, k) == ("h2", "id")
            or (t, k, v) == ("a", "class", "anchor-link")
            or ((t, k) == ("a", "href") and v.startswith("#"))
        )
    ]
    assert not own and tags <= {"p", "ul", "li", "strong", "h2", "blockquote"}, (source, tags, own)
    shown = text if len(text) <= MAX_PROSE_CHARS else text[: MAX_PROSE_CHARS - 1].rstrip() + "…"
    assert " ".join(shown.split()) in _visible(parser)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>&`*_[]()!#$|~:{}\\-+=.1 aăđ\"'/\n")), max_size=40))
def test_md_text_of_any_punctuation_is_plain_text(text: str) -> None:
    html = markdown2html(Markdown(f"- mục {md_text(text)}")._repr_markdown_())
    parser = _parse(html)
    assert set(parser.tags) <= {"ul", "li", "p"} and not parser.attrs, (text, html)
    assert _visible(parser) == " ".join(f"mục {text}".split())


def test_a_forgotten_escape_still_shows_no_element() -> None:
    html = markdown2html(Markdown("Đơn vị <img src=x onerror=alert(1)>")._repr_markdown_())
    parser = _parse(html)
    assert parser.tags == ["p"] and not parser.attrs


def test_warning_box_escapes_in_html_and_in_markdown() -> None:
    box = WarningBox("Lưu ý", ['Trạng thái: "Đang <b>treo</b>" × 3', "[x](javascript:alert(1))"])
    for html in (box._repr_html_(), markdown2html(box._repr_markdown_())):
        parser = _parse(html)
        _no_live_markup(parser)
        assert "Đang <b>treo</b>" in _visible(parser) and "[x](javascript:alert(1))" in _visible(parser)


def test_ranking_league_table_escapes_unit_names() -> None:
    from cchc_analysis import ranking_briefing

    r = type("R", (), {})()
    r.unit = "<img src=x onerror=alert(1)>"
    r.first = pd.Timestamp("2026-01-01")
    r.league = pd.DataFrame(
        {
            "rank": [1],
            "unit": [r.unit],
            "total_score": [50.0],
            "change_prev": [0],
            "change_first": [1],
            "best_rank": [1],
            "worst_rank": [2],
        }
    )
    parser = _parse(ranking_briefing.league_view(r).to_html())
    assert not [a for a in parser.attrs if a[1].startswith("on")] and "img" not in parser.tags
    assert "<img src=x onerror=alert(1)>" in _visible(parser)


# --- the whole briefing ------------------------------------------------------------------------------------------
HOSTILE_FILE_NAME = "``<img src=x onerror=alert(1)>``.csv"


def hostile_export(folder: Path, name: str = HOSTILE_FILE_NAME) -> Path:
    """A quarter of dossiers whose every text column, title row and unit is hostile (file name too)."""
    values = [*HOSTILE[:10], "http://evil.example/a"]
    rows: list[list[str]] = [
        ["UBND XÃ <script>alert('u')</script> `x`"],
        [],
        [
            "Mã hồ sơ",
            "Ngày tiếp nhận",
            "Ngày hẹn trả",
            "Ngày kết thúc xử lý",
            "Đơn vị",
            "Lĩnh vực",
            "Tên thủ tục",
            "Cán bộ xử lý",
            "Hệ thống",
            "Trạng thái",
        ],
    ]
    n = 0
    for month in (4, 5, 6):
        for k, text in enumerate(values):
            n += 1
            day = 2 + k
            rows.append(
                [
                    f"HS-{n:03d}",
                    f"{day:02d}/{month:02d}/2026",
                    f"{day + 7:02d}/{month:02d}/2026",
                    f"{day + 5 + k % 4:02d}/{month:02d}/2026" if k % 3 else "",
                    "Xã <img src=x onerror=alert(6)>",
                    text,
                    f"{text} (thủ tục)",
                    f"{text} (cán bộ)",
                    text,
                    "10" if k else "Đang <b>treo</b>",
                ]
            )
    path = folder / name
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.mark.parametrize("notebook", ["02_bao_cao_quy", "01_kiem_tra_2026", "03_kham_pha"])
def test_briefing_of_hostile_names_has_no_live_markup(
    notebook: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("CCHC_BROWSER", "none")
    source = hostile_export(tmp_path)
    out = tmp_path / "exports"
    code = main(
        [
            "briefing",
            "--dossiers",
            str(source),
            "--period",
            "2026-Q2",
            "--notebook",
            notebook,
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    page = (out / "2026-Q2" / "briefing.html").read_text(encoding="utf-8")
    parser = _parse(page)
    _no_live_markup(parser)
    assert parser.tags.count("script") == 0 and "onerror" not in {a[1] for a in parser.attrs}
    text = _visible(parser)
    assert HOSTILE_FILE_NAME in text  # the file name reads as itself
    if notebook != "01_kiem_tra_2026":
        assert "Đang <b>treo</b>" in text  # a status word quoted in the reading notes


def test_inspection_title_and_units_escape(tmp_path: Path) -> None:
    from cchc_analysis import narrative

    d = type("D", (), {})()
    d.unit = "<img src=x onerror=alert(1)> *x*"
    d.period = type(
        "P", (), {"start": pd.Timestamp("2026-01-01").date(), "end": pd.Timestamp("2026-04-13").date()}
    )
    parser = _parse(markdown2html(narrative.inspection_title(d)._repr_markdown_()))
    assert "img" not in parser.tags and "em" not in parser.tags
    assert "<img src=x onerror=alert(1)> *x*" in _visible(parser)


# --- PDF printing: a short, stated time limit --------------------------------------------------------------------
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


def _hanging_browser(folder: Path) -> Path:
    """A browser that starts a child holding its output open, writes half a PDF and never finishes."""
    script = folder / "hanging-chromium"
    body = (
        "import subprocess, sys, time\n"
        "target = next(a.split('=', 1)[1] for a in sys.argv if a.startswith('--print-to-pdf='))\n"
        "open(target, 'wb').write(b'%PDF-1.4 half')\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
        f"open({str(folder / 'child.pid')!r}, 'w').write(str(child.pid))\n"
        "time.sleep(600)\n"
    )
    script.write_text(f"#!{sys.executable}\n{body}", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX script stands in for the browser")
def test_a_hanging_browser_is_stopped_at_the_time_limit_exit_2(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("CCHC_BROWSER", str(_hanging_browser(tmp_path)))
    out = tmp_path / "exports"
    (out / "2026-Q1").mkdir(parents=True)
    (out / "2026-Q1" / "briefing.pdf").write_bytes(b"%PDF- of an earlier run")
    started = time.monotonic()
    code = main(
        [
            "briefing",
            "--period",
            "2026-Q1",
            "--notebook",
            str(_tiny_notebook(tmp_path)),
            "--out",
            str(out),
            "--pdf-timeout",
            "3",
        ]
    )
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == 2 and elapsed < 90, (code, elapsed)
    assert "Traceback" not in err
    message = [line for line in err.splitlines() if " | " in line]  # progress lines go to stderr too
    assert (
        len(message) == 1 and "không in xong PDF trong 3 giây" in message[0] and "--pdf-timeout" in message[0]
    )
    folder = out / "2026-Q1"
    assert not (folder / "briefing.pdf").exists()  # neither half of this one nor the earlier run's
    assert (folder / "briefing.html").is_file()
    assert not [p.name for p in tmp_path.rglob("*") if ".tmp" in p.name]
    stamp = json.loads((folder / "run_stamp.json").read_text(encoding="utf-8"))
    assert "did not finish within 3 s" in stamp["pdf_error"]
    child = int((tmp_path / "child.pid").read_text())
    time.sleep(0.5)
    stat_file = Path(f"/proc/{child}/stat")
    # the browser's child process was stopped too (at most a zombie awaiting its reaper)
    if stat_file.exists():
        assert stat_file.read_text().rsplit(")", 1)[1].split()[0] == "Z"
    else:
        with pytest.raises(ProcessLookupError):
            os.kill(child, 0)


def test_pdf_timeout_option_is_checked(capsys) -> None:
    assert main(["briefing", "--pdf-timeout", "0"]) == 2
    assert "cần một số giây lớn hơn 0" in capsys.readouterr().err


def test_timeliness_table_of_a_folder_whose_files_lack_the_field_column() -> None:
    """A folder mixing files with and without «Lĩnh vực»: the unnamed group is shown, never a crash."""
    from cchc_analysis.report_tables import timeliness_table

    counts = pd.DataFrame(
        {
            "field": pd.array(["Hộ tịch", pd.NA], dtype="string"),
            "new": [2, 3],
            "in_scope": [2, 3],
            "resolved": [1, 1],
            "early": [1, 0],
            "on_time": [0, 1],
            "late": [0, 0],
            "pending": [1, 2],
            "pending_within": [1, 2],
            "pending_overdue": [0, 0],
        }
    )
    shown = timeliness_table(counts, "field").shown
    assert "(Chưa xác định)" in shown.iloc[:, 0].tolist()
