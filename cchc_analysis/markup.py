"""The escaping of every text from data or file names before it enters Markdown or HTML that a briefing shows.

A briefing's prose is assembled as Markdown (:class:`cchc_analysis.narrative.Markdown`) and its tables as HTML
(:class:`cchc_analysis.report_tables.Table`). Text that comes from data — file names, unit names, fields,
procedures, officers, systems, statuses, sentences built from them — passes through exactly one function on the
way in:

- :func:`md_text` when it goes into Markdown: it shows as the same characters and never as markup (no HTML tag,
  no link, no code span, no emphasis, no heading or list, no math, no table cell);
- :func:`html_text` when it goes straight into HTML (a table cell, a caption, an attribute).

Nothing else escapes: data is escaped once, where the Markdown or HTML is assembled, never "repaired" later. As a
last guard, :class:`~cchc_analysis.narrative.Markdown` turns any raw ``<`` left in its text into ``&lt;`` (our own
sentences never use HTML; :func:`md_text` never leaves a raw ``<``), so a forgotten call shows a visible escape
rather than a live element.
"""

from __future__ import annotations

import html
import re

#: Longest data text shown in prose; longer text is cut with «…» (a 5.000-character file name is not a sentence).
MAX_PROSE_CHARS = 200

#: Characters that start Markdown syntax anywhere in a line: escaped with a backslash (CommonMark: any ASCII
#: punctuation may be). ``[`` and ``]`` stop links and images (so ``(``, ``)`` and ``!`` may stay); ``:`` stops
#: bare ``http://`` links (the renderer autolinks them); ``$`` stops math; ``#`` a heading's closing marks.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]|$~:#])")
#: Characters that start a block (list, quote, heading, setext underline) at the start of a text.
_LEADING_BLOCK = re.compile(r"^([-+=>])")
#: ``1.`` / ``1)`` at the start of a text would start a numbered list.
_LEADING_NUMBER = re.compile(r"^(\d+)([.)])")
_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def md_text(value: object, *, limit: int | None = MAX_PROSE_CHARS) -> str:
    """``value`` as Markdown source that renders as exactly its characters (one line, cut at ``limit``).

    Examples
    --------
    >>> md_text("<img src=x onerror=alert(1)>.csv")
    '&lt;img src=x onerror=alert(1)&gt;.csv'
    >>> md_text("Xã Tân Lập")
    'Xã Tân Lập'
    """
    text = _LINE_BREAKS.sub(" ", "" if value is None else str(value)).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _LEADING_NUMBER.sub(r"\1\\\2", text)
    return _LEADING_BLOCK.sub(r"\\\1", text)


def html_text(value: object) -> str:
    """``value`` as HTML text (element content or a quoted attribute value): ``& < > " '`` escaped."""
    return html.escape("" if value is None else str(value), quote=True)


def no_raw_tags(markdown: str) -> str:
    """The last guard of :class:`~cchc_analysis.narrative.Markdown`: every raw ``<`` becomes ``&lt;``."""
    return markdown.replace("<", "&lt;")
