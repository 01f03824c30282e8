"""Chart images in the HTML briefing carry Vietnamese alt text; the HTML reads on a phone (issue 14)."""

from __future__ import annotations

import html
import re

import nbformat
import pandas as pd

from cchc_analysis import briefing, charts


def by_field() -> pd.DataFrame:
    # Hộ tịch: 4 resolved (3 early, 1 on time); Đất đai: 2 resolved (1 on time, 1 late) and 1 pending overdue.
    return pd.DataFrame(
        {
            "field": ["Hộ tịch", "Đất đai"],
            "in_scope": [4, 3],
            "resolved": [4, 2],
            "early": [3, 0],
            "on_time": [1, 1],
            "late": [0, 1],
            "pending": [0, 1],
            "pending_within": [0, 0],
            "pending_overdue": [0, 1],
        }
    ).astype({c: "Int64" for c in ("in_scope", "resolved", "early", "on_time", "late", "pending")})


def test_alt_text_has_the_title_and_the_figures():
    fig = charts.rates_chart(
        pd.DataFrame({"on_time_rate": [0.5], "online_rate": [0.25]}),
        ["on_time_rate", "online_rate"],
        title="Các tỷ lệ chính",
        synthetic=True,
    )
    _, meta = fig._repr_png_()
    alt = meta["alt"]
    assert alt.startswith("Biểu đồ: Các tỷ lệ chính.")
    assert "Tỷ lệ giải quyết đúng và trước hạn: 50,0" in alt
    assert "Tỷ lệ tiếp nhận trực tuyến: 25,0" in alt
    assert "Dữ liệu mô phỏng" in alt


def test_alt_text_names_each_group():
    alt = charts.timeliness_chart(by_field(), "field").alt_text()
    assert "Tiến độ giải quyết hồ sơ theo lĩnh vực" in alt
    assert "Hộ tịch:" in alt and "Đất đai:" in alt
    # The legend says what the segments are, so the figures read: «Hộ tịch: 3» is three resolved early.
    assert "Chú giải: Giải quyết trước hạn; Giải quyết đúng hạn; Giải quyết quá hạn" in alt
    assert "Hộ tịch: 3;" in alt and "Hộ tịch: 4." in alt  # 3 early; 4 resolved in all


def test_html_image_carries_the_alt_text_not_nbconvert_english():
    fig = charts.timeliness_chart(by_field(), "field", synthetic=True)
    png, meta = fig._repr_png_()
    import base64

    output = nbformat.v4.new_output(
        "display_data", data={"image/png": base64.b64encode(png).decode()}, metadata={"image/png": meta}
    )
    cell = nbformat.v4.new_code_cell("charts.timeliness_chart(...)", outputs=[output])
    page = briefing.notebook_to_html(nbformat.v4.new_notebook(cells=[cell]), title="Thử", synthetic=True)
    assert "No description has been provided" not in page
    (img,) = re.findall(r"<img [^>]*>", page)
    alt = html.unescape(re.search(r'alt="([^"]*)"', img).group(1))
    assert alt == meta["alt"]
    assert f'width="{meta["width"]}"' in img


def test_html_reads_on_a_phone():
    page = briefing.notebook_to_html(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Báo cáo")])
    )
    assert re.search(r'<meta content="width=device-width, initial-scale=1.0" name="viewport"/?>', page)
    media = re.search(r"@media screen and \(max-width: 640px\) \{(.*?)\n\}", page, re.S)
    assert media, "a small-screen style"
    assert "overflow-x: auto" in media.group(1)  # wide tables scroll, the page does not shrink
    assert "max-width: none" in media.group(1)
