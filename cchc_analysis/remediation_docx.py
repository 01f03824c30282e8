"""The remediation report as a Word document, in the layout of Nghị định 30/2020/NĐ-CP (Phụ lục I).

Layout (Phụ lục I, mục II and the report form): A4 portrait; margins top 20 mm, bottom 20 mm, left 30 mm, right
15 mm; Times New Roman (also for East-Asian and complex-script runs, so no part falls back to another font);
issuing body 12 pt (the body's own name bold), quốc hiệu 12 pt bold upper case, tiêu ngữ 13 pt bold with a line
under it, place and date 13 pt italic, the kind of document («BÁO CÁO») 14 pt bold, its summary 14 pt bold, body
14 pt justified with a 1 cm first-line indent and 6 pt after each paragraph, «Nơi nhận:» 12 pt bold italic and its
list 11 pt, the signer's title 13 pt bold. Placeholders the centre fills in are «…» fields, never invented.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from cchc_analysis.formatting import fmt_int, fmt_pct
from cchc_analysis.outputs import atomic_write_bytes
from cchc_analysis.remediation import PLACEHOLDER, STATUSES, Entry

FONT = "Times New Roman"
#: Page margins in mm (Nghị định 30/2020, Phụ lục I: top 20–25, bottom 20–25, left 30–35, right 15–20).
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
SIZE_BODY, SIZE_HEAD, SIZE_MOTTO, SIZE_TITLE = 14, 12, 13, 14
SIZE_RECIPIENTS_LABEL, SIZE_RECIPIENTS, SIZE_TABLE = 12, 11, 12
SYNTHETIC_LABEL = "Dữ liệu mô phỏng"

#: Child order of ``w:pPr`` and ``w:tblPr`` in the WordprocessingML schema (ECMA-376 Part 1, §17.3.1.26 and
#: §17.4.60): Word refuses («unreadable content») a file whose elements are out of this order.
PPR_ORDER: tuple[str, ...] = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
    "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
    "w:sectPr", "w:pPrChange",
)  # fmt: skip
TBLPR_ORDER: tuple[str, ...] = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize", "w:tblStyleColBandSize",
    "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar",
    "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange",
)  # fmt: skip
RPR_ORDER: tuple[str, ...] = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike", "w:dstrike",
    "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden",
    "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
    "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath",
)  # fmt: skip


def _fonts(rpr) -> None:
    """Times New Roman for every script slot of a run or style (ascii, hAnsi, East-Asian, complex script)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)


def _run(paragraph, text: str, *, size: float = SIZE_BODY, bold=False, italic=False, color=None):
    from cchc_analysis.privacy import mask_personal_text

    run = paragraph.add_run(mask_personal_text(text))  # every text of the document goes through here
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    rpr = run._element.get_or_add_rPr()
    _fonts(rpr)
    if color is not None:
        run.font.color.rgb = color
    cs = OxmlElement("w:szCs")  # the size of complex-script text too
    cs.set(qn("w:val"), str(int(size * 2)))
    rpr.find(qn("w:sz")).addnext(cs)
    return run


def _para(
    container,
    text: str = "",
    *,
    size: float = SIZE_BODY,
    bold=False,
    italic=False,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = True,
    before: float = 0,
    after: float = 6,
    color=None,
):
    p = container.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = 1.0
    if indent:
        fmt.first_line_indent = Mm(10)
    if text:
        _run(p, text, size=size, bold=bold, italic=italic, color=color)
    return p


def _rule_line(container, width_mm: float, cell_mm: float) -> None:
    """A short centred line (the line under the issuing body, the motto and the title): an empty paragraph with a
    bottom border, narrowed by equal left and right indents."""
    p = container.add_paragraph()
    side = max(0.0, (cell_mm - width_mm) / 2)
    p.paragraph_format.left_indent = Mm(side)
    p.paragraph_format.right_indent = Mm(side)
    p.paragraph_format.space_after = Pt(4)
    p.paragraph_format.line_spacing = Pt(5)
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    border.append(bottom)
    ppr.insert_element_before(border, *PPR_ORDER[PPR_ORDER.index("w:pBdr") + 1 :])


def _no_borders(table) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:val"), "nil")
        borders.append(e)
    tblpr.insert_element_before(borders, *TBLPR_ORDER[TBLPR_ORDER.index("w:tblBorders") + 1 :])


def _grid(table, widths_mm: list[float]) -> None:
    """Column widths, in the table grid (what LibreOffice reads) and on every cell (what Word reads)."""
    table.autofit = False
    for col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(int(Mm(w).twips)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(w)


def _cell_text(cell, text: str, *, size=SIZE_HEAD, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER):
    p = (
        cell.paragraphs[0]
        if not cell.paragraphs[0].text and not cell.paragraphs[0].runs
        else cell.add_paragraph()
    )
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = 1.0
    _run(p, text, size=size, bold=bold, italic=italic)
    return p


def _setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(SIZE_BODY)
    _fonts(normal.element.get_or_add_rPr())
    # the document defaults too: a run without a style must not fall back to Calibri / a CJK font
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            _fonts(rpr)
    lang = OxmlElement("w:lang")  # spelling and hyphenation in Vietnamese (last child of rPr: order kept)
    lang.set(qn("w:val"), "vi-VN")
    normal.element.get_or_add_rPr().append(lang)
    doc.core_properties.language = "vi-VN"


def _page_number(paragraph) -> None:
    run = _run(paragraph, "", size=SIZE_HEAD)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._element.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)


def build_document(report) -> Document:
    """The Word document of ``report`` (a :class:`cchc_analysis.remediation.RemediationReport`)."""
    doc = Document()
    _setup(doc)
    section = doc.sections[0]
    text_width = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]

    # page header: the page number from page 2 (decree: centred at the top, not on the first page) and the
    # synthetic label on every page
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(header)
    if report.synthetic:
        for part in (section.header, section.first_page_header):
            p = part.add_paragraph() if part is section.header else part.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _run(p, f"{SYNTHETIC_LABEL} — không phải số liệu thật", size=10, italic=True)

    # heading block: issuing body | national emblem line
    left_mm, right_mm = 65.0, text_width - 65.0
    head = doc.add_table(rows=1, cols=2)
    _no_borders(head)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    _grid(head, [left_mm, right_mm])
    left, right = head.rows[0].cells
    _cell_text(left, report.parent_body.upper(), size=SIZE_HEAD)
    for line in report.body_name_lines:
        _cell_text(left, line.upper(), size=SIZE_HEAD, bold=True)
    _rule_line(left, 25, left_mm)
    _cell_text(left, f"Số: {PLACEHOLDER}/BC-{report.body_code}", size=SIZE_MOTTO)
    _cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=SIZE_HEAD, bold=True)
    _cell_text(right, "Độc lập - Tự do - Hạnh phúc", size=SIZE_MOTTO, bold=True)
    _rule_line(right, 58, right_mm)
    _cell_text(
        right,
        f"{report.place}, ngày {PLACEHOLDER} tháng {PLACEHOLDER} năm {report.year}",
        size=SIZE_MOTTO,
        italic=True,
    )

    # title
    _para(
        doc,
        "BÁO CÁO",
        size=SIZE_TITLE,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        before=18,
        after=0,
    )
    _para(
        doc,
        report.summary,
        size=SIZE_TITLE,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        after=0,
    )
    _rule_line(doc, 40, text_width)
    _para(
        doc,
        f"Kính gửi: {report.addressee}",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        before=6,
        after=12,
    )

    if report.synthetic:
        _para(
            doc,
            f"{SYNTHETIC_LABEL.upper()}: số liệu trong dự thảo này được tính từ tệp dữ liệu mô phỏng "
            f"({breakable(report.source_name)}), không phải số liệu thật của đơn vị.",
            bold=True,
            color=RGBColor(0xA0, 0x00, 0x00),
        )

    for text in report.opening:
        _para(doc, breakable(text))

    # I. findings
    _para(doc, "I. KẾT QUẢ KHẮC PHỤC TỒN TẠI, HẠN CHẾ", bold=True, indent=True, before=6)
    if not report.findings:
        _para(doc, "Tệp kết luận kiểm tra không có tồn tại, hạn chế nào (kind = finding).", italic=True)
    for n, e in enumerate(report.findings, 1):
        _entry(doc, n, e, report, finding=True)

    # II. requests
    _para(doc, "II. KẾT QUẢ THỰC HIỆN CÁC YÊU CẦU, KIẾN NGHỊ", bold=True, before=6)
    for n, e in enumerate(report.requests, 1):
        _entry(doc, n, e, report, finding=False)

    # III. summary table
    _para(doc, "III. TỔNG HỢP MỨC ĐỘ KHẮC PHỤC", bold=True, before=6)
    counts = {s: sum(e.status == s for e in report.entries) for s in STATUSES}
    _para(
        doc,
        "; ".join(f"{s}: {fmt_int(n)}" for s, n in counts.items() if n)
        + f" (trên {fmt_int(len(report.entries))} nội dung). Mức độ được xác định theo quy tắc ghi trong tệp "
        f"{report.rules_name}, cột «Căn cứ».",
    )
    _summary_table(doc, report, text_width)

    _para(doc, "IV. ĐỀ XUẤT, KIẾN NGHỊ", bold=True, before=12)
    _para(doc, PLACEHOLDER + " (Trung tâm ghi đề xuất, kiến nghị nếu có)", italic=True)
    _para(
        doc,
        f"Trên đây là báo cáo kết quả khắc phục tồn tại, hạn chế của {report.body_in_sentence}, kính gửi "
        f"{report.addressee} xem xét./.",
    )

    # recipients | signature
    sign = doc.add_table(rows=1, cols=2)
    _no_borders(sign)
    _grid(sign, [text_width / 2, text_width / 2])
    left, right = sign.rows[0].cells
    _cell_text(
        left, "Nơi nhận:", size=SIZE_RECIPIENTS_LABEL, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT
    )
    for line in (f"- {report.addressee};", "- Lưu: VT."):
        _cell_text(left, line, size=SIZE_RECIPIENTS, align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell_text(right, f"{PLACEHOLDER} (CHỨC VỤ NGƯỜI KÝ)", size=SIZE_MOTTO, bold=True)
    _cell_text(right, "(Chữ ký, dấu)", size=SIZE_MOTTO, italic=True)
    for _ in range(4):
        _cell_text(right, "", size=SIZE_MOTTO)
    _cell_text(right, f"{PLACEHOLDER} (Họ và tên người ký)", size=SIZE_MOTTO, bold=True)

    _para(
        doc,
        breakable(report.provenance),
        size=10,
        italic=True,
        indent=False,
        before=18,
    )
    return doc


def _entry(doc, n: int, e: Entry, report, *, finding: bool) -> None:
    heading = _para(doc, "", before=3)
    _run(heading, f"{n}. ", bold=True)
    lead = (
        "Tồn tại, hạn chế"
        if finding
        else (
            "Kiến nghị đối với " + e.addressee
            if e.addressee and e.addressee != report.centre_full
            else "Yêu cầu"
        )
    )
    _run(heading, f"{lead} ({e.id}): ", bold=True)
    _run(heading, e.text, italic=True)
    if not finding:
        if e.actions:
            for key, label in (
                ("actions", "Việc đã làm"),
                ("documents", "Văn bản đã ban hành"),
                ("trainings", "Tập huấn, bồi dưỡng"),
                ("notes", "Ghi chú"),
            ):
                if e.actions.get(key):
                    _para(doc, f"- {label}: {e.actions[key]}")
            if e.actions.get("done_on"):
                _para(doc, f"- Ngày hoàn thành: {e.actions['done_on']}")
        else:
            _para(
                doc,
                f"- Việc đã làm: {PLACEHOLDER} (chưa có: Trung tâm ghi vào {report.actions_name}, dòng {e.id})",
                italic=True,
            )
    for line in e.lines:
        _para(doc, f"- {line}")
    for f in e.figures:
        _para(doc, f"- Số liệu {report.period_text}: {f.text()}.")
    if e.monthly is not None and len(e.monthly):
        _para(doc, "- Diễn biến theo tháng (theo ngày tiếp nhận):")
        _monthly_table(doc, e, report)
    status = _para(doc, "- Mức độ: ")
    _run(status, e.status, bold=True)
    _run(status, f" ({e.reason})." if e.reason else ".")
    if finding and e.follows:
        _para(doc, f"(Kết quả thực hiện: xem mục II, {e.follows}.)", italic=True, size=12)


def _styled_table(doc, rows: list[list[str]], widths: list[float], aligns: str, header_bold=True):
    """A bordered table, 12 pt; ``aligns`` one letter per column (``l`` left, ``c`` centre, ``r`` right)."""
    table = doc.add_table(rows=len(rows), cols=len(widths))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _grid(table, widths)
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            cell = table.rows[i].cells[j]
            align = WD_ALIGN_PARAGRAPH.CENTER if i == 0 else _ALIGN[aligns[j]]
            _cell_text(cell, text, size=SIZE_TABLE, bold=header_bold and i == 0, align=align)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)
    return table


def _monthly_table(doc, e: Entry, report) -> None:
    f = e.figures[0]
    rows = [["Tháng", report_label(f.den_count), report_label(*f.num_counts), "Tỷ lệ"]]
    for _, m in e.monthly.iterrows():
        month = m["month"] + (f" ({m['partial']})" if m["partial"] else "")
        rows.append(
            [
                month,
                fmt_int(m["denominator"]),
                fmt_int(m["numerator"]),
                fmt_pct(m["value"], 2) if m["value"] is not None else "–",
            ]
        )
    _styled_table(doc, rows, [40, 45, 45, 30], "lrrr")


def report_label(*names: str) -> str:
    from cchc_analysis.schema import COUNT_LABELS_VI

    return " + ".join(COUNT_LABELS_VI.get(n, n) for n in names)


def _summary_table(doc, report, width: float) -> None:
    rows = [["STT", "Nội dung", "Mức độ", "Căn cứ xác định"]]
    for n, e in enumerate(report.entries, 1):
        rows.append([str(n), f"{e.id}: {_short(e.text, 80)}", e.status, rule_basis(e)])
    _styled_table(doc, rows, [12, 78, 32, width - 122], "clcl")


_ALIGN = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT}
_RULE_BASIS = {
    "target": "Tỷ lệ trong kỳ so với mục tiêu và mức khi kiểm tra",
    "rank": "Thứ hạng mới nhất so với khi kiểm tra",
    "count": "Số hồ sơ trong kỳ và việc đã làm (ACTIONS.csv)",
    "actions": "Việc đã làm (ACTIONS.csv)",
    "deadline": "Ngày gửi báo cáo (ACTIONS.csv)",
}


def rule_basis(e: Entry) -> str:
    """The rule of an entry in a few words, for the summary table (the full rule and its source are in the rules
    file)."""
    if e.rule == "follow":
        return f"Theo kết quả {e.follows}"
    return _RULE_BASIS.get(e.rule, e.rule)


def breakable(text: str) -> str:
    """Text whose file names may wrap after ``_`` (a zero-width space after each), so that a justified line
    holding a long file name is not stretched."""
    return text.replace("_", "_\u200b")


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def write_docx(report, path: str | Path) -> Path:
    """Build the document of ``report`` and write it atomically to ``path``."""
    buf = io.BytesIO()
    build_document(report).save(buf)
    return atomic_write_bytes(path, buf.getvalue())
