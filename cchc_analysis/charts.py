"""Every chart of the package, in one look: Vietnamese titles and numbers, a colour-blind-safe palette.

Each function takes one of the library's frames (counts and rates from :mod:`cchc_analysis.rates`, ranking
snapshots, target progress) and returns a :class:`Chart` — a matplotlib ``Figure`` that a notebook shows as a
sharp PNG sized for an A4 page. No function touches ``pyplot``'s global state, so figures are never shown twice
and never pile up in memory. With ``synthetic=True`` a chart carries the visible caption «Dữ liệu mô phỏng».

Style choices, made once here:

- font DejaVu Sans (bundled with matplotlib, covers the whole Vietnamese block U+1EA0–U+1EF9);
- the Okabe–Ito palette, readable with every common colour-vision deficiency, one fixed colour per meaning
  (early is always green, late always vermilion, full-process online always blue);
- numbers in Vietnamese style through :mod:`cchc_analysis.formatting` (``3.099``, ``99,6 %``, ``13/04/2026``).
"""

from __future__ import annotations

import io
import itertools
import textwrap
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING

import matplotlib as mpl
import matplotlib.patches
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from cchc_analysis.formatting import exact_decimal, fmt_date, fmt_int, fmt_number, fmt_pct, round_half_up
from cchc_analysis.periods import month_end
from cchc_analysis.rates import COUNT_COLUMNS, RATE_COLUMNS
from cchc_analysis.schema import (
    CHANNEL_LABELS_VI,
    CHANNELS,
    COUNT_LABELS_VI,
    SYNTHETIC_NOTE_VI,
    label,
)

if TYPE_CHECKING:
    from cchc_analysis.narrative import Markdown


#: The caption every chart built from synthetic data carries.
SYNTHETIC_CAPTION = SYNTHETIC_NOTE_VI

#: The timeliness categories of Biểu 06, in the order the bars stack.
TIMELINESS_PARTS: tuple[str, ...] = ("early", "on_time", "late", "pending_within", "pending_overdue")

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermilion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}

#: One colour per meaning, the same in every chart.
COLOURS: dict[str, str] = {
    "early": OKABE_ITO["green"],
    "on_time": OKABE_ITO["sky_blue"],
    "late": OKABE_ITO["vermilion"],
    "pending_within": OKABE_ITO["yellow"],
    "pending_overdue": OKABE_ITO["purple"],
    "full_online": OKABE_ITO["blue"],
    "partial_online": OKABE_ITO["sky_blue"],
    "online": OKABE_ITO["grey"],
    "in_person": OKABE_ITO["orange"],
    "postal": OKABE_ITO["purple"],
    "new_in_person_postal": OKABE_ITO["orange"],
    "value": OKABE_ITO["blue"],
    "target": OKABE_ITO["black"],
    "track": "#E6E6E6",
    "text": "#222222",
    "muted": "#555555",
    "caption": "#8A2B00",
}

#: matplotlib settings applied while a chart is built and drawn (read-only: ``mpl.rc_context(STYLE)`` reads it).
STYLE: Mapping[str, object] = MappingProxyType(
    {
        "font.family": "sans-serif",
        "font.sans-serif": ("DejaVu Sans",),
        "font.size": 9.5,
        "axes.titlesize": 10.5,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": 9.5,
        "axes.labelcolor": COLOURS["text"],
        "axes.edgecolor": "#B0B0B0",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": False,
        "axes.axisbelow": True,
        "grid.color": "#E3E3E3",
        "grid.linewidth": 0.8,
        "xtick.color": COLOURS["muted"],
        "ytick.color": COLOURS["text"],
        "xtick.labelsize": 8.5,
        "ytick.labelsize": 8.5,
        "legend.fontsize": 8.5,
        "legend.frameon": False,
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "axes.unicode_minus": True,
        # Labels come from data (field, procedure names): a "$" must print as "$", never start mathtext.
        "text.parse_math": False,
        "svg.fonttype": "none",
        "pdf.fonttype": 42,
    }
)

#: Width of every chart, in inches: the text width of an A4 page with 18 mm margins.
WIDTH = 6.6
#: Resolution of the PNG a notebook shows (sharp when printed); its display size stays ``WIDTH`` × 96 px.
DISPLAY_DPI = 200
_CSS_PX_PER_INCH = 96

#: Figures named in a chart's alt text at most (the rest are counted).
ALT_MAX_ITEMS = 40

UNKNOWN_GROUP = "(Chưa xác định)"
OTHER_GROUPS = "Các nhóm khác"


class Chart(Figure):
    """A matplotlib Figure that a notebook displays as a PNG of fixed CSS size, without ``pyplot``.

    ``fig.savefig(...)`` works as for any Figure.
    """

    def _repr_png_(self) -> tuple[bytes, dict[str, object]]:
        png = self.to_png()  # drawn first: the alt text reads the tick labels the drawing placed
        return png, {
            "width": round(self.get_figwidth() * _CSS_PX_PER_INCH),
            "height": round(self.get_figheight() * _CSS_PX_PER_INCH),
            "alt": self.alt_text(),
        }

    def alt_text(self, max_items: int = ALT_MAX_ITEMS) -> str:
        """The chart in words, for the ``alt`` of its image: its title, then the figures it shows.

        Each figure printed on a bar or a point is named by the category label on its row or column
        (``"Hộ tịch: 99,6 %"``); the notes and the «Dữ liệu mô phỏng» caption follow.

        Examples
        --------
        >>> fig = Chart()
        >>> ax = fig.subplots()
        >>> _ = ax.barh([0, 1], [0.9, 0.5]); _ = ax.set_yticks([0, 1], ["Hộ tịch", "Đất đai"])
        >>> _ = ax.text(0.9, 0, "90,0 %"); _ = ax.text(0.5, 1, "50,0 %")
        >>> fig._cchc_title = "Tỷ lệ đúng hạn"
        >>> fig.alt_text()
        'Biểu đồ: Tỷ lệ đúng hạn. Hộ tịch: 90,0 %; Đất đai: 50,0 %.'
        """
        title = getattr(self, "_cchc_title", None)
        items: list[str] = []
        for ax in self.axes:
            if ax.get_title():
                items.append(ax.get_title())
            y_ticks = {round(float(t.get_position()[1]), 3): t.get_text() for t in ax.get_yticklabels()}
            x_ticks = {round(float(t.get_position()[0]), 3): t.get_text() for t in ax.get_xticklabels()}
            for text in ax.texts:
                words = " ".join(text.get_text().split())
                if not words:
                    continue
                label = None
                if text.get_transform() == ax.transData:
                    x, y = (float(v) for v in text.get_position())
                    label = _nearest_tick(y_ticks, y) if len(y_ticks) > 1 else None
                    if label is None and len(x_ticks) > 1:
                        label = _nearest_tick(x_ticks, x)
                items.append(f"{label}: {words}" if label else words)
        notes = [
            " ".join(t.get_text().split())
            for t in self.texts
            if t.get_text() and " ".join(t.get_text().split()) != title
        ]
        shown = items[:max_items]
        if len(items) > max_items:
            shown.append(f"… và {len(items) - max_items} số liệu khác")
        parts = [f"Biểu đồ: {title}." if title else "Biểu đồ."]
        legend = getattr(self, "_cchc_legend", None)
        if legend is not None and legend[1]:
            parts.append("Chú giải: " + "; ".join(" ".join(str(x).split()) for x in legend[1]) + ".")
        if shown:
            parts.append("; ".join(shown) + ".")
        parts += [note if note.endswith(".") else note + "." for note in notes]
        return " ".join(parts)

    def to_png(self, dpi: int = DISPLAY_DPI) -> bytes:
        """The chart as PNG bytes."""
        buf = io.BytesIO()
        with mpl.rc_context(STYLE):
            self.savefig(buf, format="png", dpi=dpi)
        return buf.getvalue()


def _nearest_tick(ticks: dict[float, str], position: float) -> str | None:
    """The label of the tick within half a step of ``position`` (a bar's row or column), if any."""
    if not ticks:
        return None
    spots = sorted(ticks)
    step = min((b - a for a, b in itertools.pairwise(spots)), default=1.0) or 1.0
    nearest = min(spots, key=lambda t: abs(t - position))
    label = " ".join(ticks[nearest].split())
    return label if abs(nearest - position) <= step / 2 and label else None


# --------------------------------------------------------------------------------------------------------------
# shared helpers


def _new_chart(height: float, *, nrows: int = 1, height_ratios: Sequence[float] | None = None, sharex=False):
    with mpl.rc_context(STYLE):
        fig = Chart(figsize=(WIDTH, height), layout="constrained")
        axes = fig.subplots(nrows, 1, squeeze=False, height_ratios=height_ratios, sharex=sharex)[:, 0]
    return fig, list(axes)


def _finish(fig: Chart, title: str | None, *, synthetic: bool, note: str | None = None) -> Chart:
    """Title and legend in a strip on top; the note (left) and the synthetic-data caption (right) at the bottom.

    Both strips are set aside from the constrained layout, so nothing overlaps whatever the labels' lengths.
    """
    height = fig.get_figheight()
    fig._cchc_title = title  # for the alt text of its image
    legend = getattr(fig, "_cchc_legend", None)
    top = 0.0
    with mpl.rc_context(STYLE):
        if title:
            top = 0.36
            fig.text(
                0.01,
                1 - 0.08 / height,
                title,
                ha="left",
                va="top",
                fontsize=11.5,
                fontweight="bold",
                color=COLOURS["text"],
            )
        if legend is not None:
            handles, labels, ncols = legend
            rows = -(-len(labels) // ncols)
            fig.legend(
                handles,
                labels,
                loc="upper left",
                bbox_to_anchor=(0.005, 1 - (top + 0.02) / height),
                ncols=ncols,
                handlelength=1.2,
                columnspacing=1.4,
                borderaxespad=0,
                borderpad=0.1,
            )
            top += 0.08 + 0.21 * rows
        bottom = 0.32 if (synthetic or note) else 0.0
        fig.get_layout_engine().set(rect=(0, bottom / height, 1, 1 - (top + bottom) / height))
        if note:
            fig.text(
                0.01, bottom * 0.45 / height, note, ha="left", va="center", fontsize=8, color=COLOURS["muted"]
            )
        if synthetic:
            fig.text(
                0.99,
                bottom * 0.45 / height,
                SYNTHETIC_CAPTION,
                ha="right",
                va="center",
                fontsize=8.5,
                fontstyle="italic",
                fontweight="bold",
                color=COLOURS["caption"],
                bbox={"boxstyle": "round,pad=0.25", "facecolor": "#FFF4E5", "edgecolor": COLOURS["caption"]},
            )
    return fig


def _int_axis(ax, axis: str = "x") -> None:
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(MaxNLocator(nbins=6, integer=True))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_int(v)))


def _pct_axis(ax, axis: str = "x") -> None:
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_pct(v, 0)))


def _group_columns(frame: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    if by is not None:
        return [by] if isinstance(by, str) else list(by)
    measures = set(COUNT_COLUMNS) | set(RATE_COLUMNS)
    return [c for c in frame.columns if c not in measures]


def _group_label(value: object, column: str | None = None, width: int = 30) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return UNKNOWN_GROUP
    text = str(value)
    if column == "channel":
        text = CHANNEL_LABELS_VI.get(text, text)
    elif column == "month" and len(text) == 7 and text[4] == "-":
        text = f"T{int(text[5:])}/{text[:4]}"
    return (
        textwrap.shorten(text, width=width * 2, placeholder="…")
        if len(text) > width * 2
        else "\n".join(textwrap.wrap(text, width=width))
    )


def _group_labels(frame: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    if not columns:
        return ["Tổng số"] * len(frame)
    labels = []
    for _, row in frame[list(columns)].iterrows():
        labels.append(" · ".join(_group_label(row[c], c) for c in columns))
    return labels


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.zeros(len(frame))
    return pd.to_numeric(frame[column], errors="coerce").astype("float64").fillna(0).to_numpy()


def _has_values(frame: pd.DataFrame, column: str) -> bool:
    return column in frame and bool(pd.to_numeric(frame[column], errors="coerce").notna().any())


def _top_groups(frame: pd.DataFrame, columns: Sequence[str], size: str, max_groups: int) -> pd.DataFrame:
    """The ``max_groups`` largest groups by ``size``; the rest summed into one «Các nhóm khác» row (counts add)."""
    if not columns or len(frame) <= max_groups:
        return frame.reset_index(drop=True)
    order = frame.assign(_size=_numbers(frame, size)).sort_values("_size", ascending=False, kind="stable")
    head = order.iloc[: max_groups - 1].drop(columns="_size")
    tail = order.iloc[max_groups - 1 :]
    counts = [c for c in COUNT_COLUMNS if c in frame.columns]
    rest = {c: [pd.to_numeric(tail[c], errors="coerce").sum()] for c in counts}
    rest.update({c: [OTHER_GROUPS] for c in columns})
    return pd.concat([head, pd.DataFrame(rest)], ignore_index=True)


def _bar_label(ax, x: float, y: float, text: str, *, inside: bool, colour: str = "white", **kw) -> None:
    ax.text(
        x,
        y,
        text,
        ha="right" if inside else "left",
        va="center",
        fontsize=8.5,
        color=colour if inside else COLOURS["text"],
        **kw,
    )


def _short_pct(fraction: float) -> str:
    """A printed percentage with only the decimals it needs: ``0.996 → '99,6 %'``, ``1.0 → '100 %'``."""
    percent = exact_decimal(fraction) * 100
    for decimals in (0, 1, 2, 3):
        if round_half_up(percent, decimals) == percent:
            return fmt_pct(fraction, decimals)
    return fmt_pct(fraction, 2)


def _legend_on_top(ax, ncols: int, handles: Sequence[object] | None = None) -> None:
    """Ask :func:`_finish` for a legend across the top of the figure, under the title."""
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    else:
        labels = [h.get_label() for h in handles]
    ax.figure._cchc_legend = (list(handles), list(labels), max(1, min(ncols, len(labels))))


def _panel_legend(ax, ncols: int) -> None:
    """A legend just above one panel of a multi-panel chart."""
    ax.legend(
        loc="lower left",
        bbox_to_anchor=(0, 1.01),
        ncols=ncols,
        handlelength=1.2,
        columnspacing=1.2,
        borderaxespad=0.2,
    )


def _empty_chart(title: str, text: str, synthetic: bool) -> Chart:
    fig, (ax,) = _new_chart(1.6)
    with mpl.rc_context(STYLE):
        ax.axis("off")
        ax.text(
            0.5,
            0.5,
            text,
            ha="center",
            va="center",
            fontsize=11,
            color=COLOURS["muted"],
            transform=ax.transAxes,
        )
    return _finish(fig, title, synthetic=synthetic)


def _text_colour(background: str) -> str:
    r, g, b = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return COLOURS["text"] if 0.299 * r + 0.587 * g + 0.114 * b > 0.6 else "white"


def _bar_height(n: int) -> float:
    return 1.2 + 0.36 * max(n, 1)


# --------------------------------------------------------------------------------------------------------------
# timeliness


def timeliness_chart(
    counts: pd.DataFrame | None,
    by: str | Sequence[str] | None = None,
    *,
    title: str | None = None,
    synthetic: bool = False,
    max_groups: int = 12,
    note: str | None = None,
) -> Chart | Markdown:
    """Dossiers resolved early / on time / late and pending within / past their deadline, one bar per group.

    Parameters
    ----------
    counts : DataFrame
        ``rates.count_dossiers`` (or ``processing_rates``) output, overall or grouped (e.g. ``by="field"``).
    by : str or list of str, optional
        The grouping columns of ``counts``; by default every column that is not a count or a rate.
    title : str, optional
        Chart title; by default «Tiến độ giải quyết hồ sơ theo <nhóm>».
    synthetic : bool
        Add the caption «Dữ liệu mô phỏng».
    max_groups : int
        Largest groups shown; the others are added up in one bar «Các nhóm khác».

    Returns
    -------
    Chart
        Stacked horizontal bars of counts, the largest group on top; the end of each bar gives the total and,
        when there are any, the number of late and overdue dossiers.

    ``counts`` None (the file has no column to group by): the line «Tệp không có cột … nên phần theo …
    được bỏ qua.» (:func:`cchc_analysis.narrative.absent_section`) instead.
    """
    if counts is None:  # the file has no column to group by: one line instead of the chart
        from cchc_analysis.narrative import absent_section

        return absent_section(by or "field")
    columns = _group_columns(counts, by)
    frame = _top_groups(counts, columns, "in_scope", max_groups)
    if columns:
        frame = frame.assign(_size=_numbers(frame, "in_scope"))
        is_other = frame[columns[0]].astype("string").eq(OTHER_GROUPS).fillna(False).to_numpy(dtype=bool)
        frame = frame.assign(_other=is_other).sort_values(["_other", "_size"], ascending=[False, True])
    labels = _group_labels(frame, columns)
    parts = [c for c in TIMELINESS_PARTS if c in frame.columns]
    n = len(frame)
    fig, (ax,) = _new_chart(_bar_height(n) + 0.5)
    with mpl.rc_context(STYLE):
        y = np.arange(n)
        left = np.zeros(n)
        totals = sum(_numbers(frame, c) for c in parts)
        scale = float(totals.max()) if n and totals.max() > 0 else 1.0
        for part in parts:
            values = _numbers(frame, part)
            colour = COLOURS[part]
            ax.barh(y, values, left=left, color=colour, height=0.62, label=COUNT_LABELS_VI[part])
            for yi, (lo, v) in enumerate(zip(left, values, strict=True)):
                if v > 0 and v / scale > 0.09:
                    _bar_label(
                        ax, lo + v - scale * 0.01, yi, fmt_int(v), inside=True, colour=_text_colour(colour)
                    )
            left = left + values
        late = _numbers(frame, "late") + _numbers(frame, "pending_overdue")
        for yi, (total, bad) in enumerate(zip(totals, late, strict=True)):
            text = fmt_int(total)
            if bad > 0:
                text += f"  (quá hạn: {fmt_int(bad)})"
            _bar_label(ax, total + scale * 0.01, yi, text, inside=False)
        ax.set_yticks(y, labels)
        ax.set_xlim(0, scale * 1.32)
        _int_axis(ax)
        ax.xaxis.grid(True)
        ax.set_xlabel("Số hồ sơ")
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        _legend_on_top(ax, ncols=3)
    if title is None:
        what = " và ".join(label(c).lower() for c in columns)
        title = "Tiến độ giải quyết hồ sơ" + (f" theo {what}" if what else "")
    return _finish(fig, title, synthetic=synthetic, note=note)


# --------------------------------------------------------------------------------------------------------------
# channels


#: The line under a channel chart when the file tells no online level (full-process or partial) at all.
LEVEL_UNKNOWN_VI = "Tệp không cho biết mức độ dịch vụ (toàn trình / một phần) nên không tách được hồ sơ trực tuyến toàn trình."


def channel_chart(
    counts: pd.DataFrame | None,
    *,
    title: str | None = None,
    synthetic: bool = False,
    note: str | None = None,
) -> Chart | Markdown:
    """How new dossiers were submitted: full-process online, partial online, in person, postal.

    Parameters
    ----------
    counts : DataFrame
        ``rates.count_dossiers(..., by="channel")``: a ``channel`` column and the ``new`` count; or an overall
        counts row, which splits into full-process online, partial online and in person/postal only.

    Returns
    -------
    Chart
        One bar per channel with its count and its share of new dossiers.

    ``counts`` None (the file has no column to group by): the line «Tệp không có cột … nên phần theo …
    được bỏ qua.» (:func:`cchc_analysis.narrative.absent_section`) instead.
    """
    if counts is None:  # the file has no column to group by: one line instead of the chart
        from cchc_analysis.narrative import absent_section

        return absent_section("channel")
    if "channel" in counts.columns:
        grouped = counts.assign(channel=counts["channel"].astype("string"))
        values = {c: float(_numbers(grouped[grouped["channel"] == c], "new").sum()) for c in CHANNELS}
        blank = float(_numbers(grouped[grouped["channel"].isna()], "new").sum())
        if blank:
            values["in_person"] += blank  # DVCQG: a blank channel is in person
        names = {c: CHANNEL_LABELS_VI[c] for c in CHANNELS}
        levels_known = values["full_online"] + values["partial_online"] > 0 or not values["online"]
        always = ("full_online", "partial_online", "in_person") if levels_known else ("in_person",)
        keys = [c for c in CHANNELS if values[c] > 0 or c in always]
        if not levels_known:  # absent is unknown: no «0 hồ sơ toàn trình» when the file gives no level at all
            note = " ".join(filter(None, [note, LEVEL_UNKNOWN_VI]))
    else:
        row = counts.iloc[0]
        if pd.isna(row.get("full_online")) and pd.notna(row.get("new_online")):
            note = " ".join(filter(None, [note, LEVEL_UNKNOWN_VI]))

        def count(name: str) -> float:
            value = row.get(name)
            return 0.0 if value is None or pd.isna(value) else float(value)

        values = {
            "full_online": count("full_online"),
            "partial_online": count("partial_online"),
            "online": count("new_online") - count("full_online") - count("partial_online"),
            "new_in_person_postal": count("new_in_person_postal"),
        }
        names = {**CHANNEL_LABELS_VI, "new_in_person_postal": "Trực tiếp, bưu chính"}
        keys = [k for k in values if values[k] > 0 or (k != "online" and pd.notna(row.get(k, 0)))]
    total = sum(values[k] for k in keys)
    fig, (ax,) = _new_chart(_bar_height(len(keys)) + 0.2)
    with mpl.rc_context(STYLE):
        y = np.arange(len(keys))[::-1]
        scale = max(max(values[k] for k in keys), 1.0)
        for yi, key in zip(y, keys, strict=True):
            v = values[key]
            ax.barh(yi, v, color=COLOURS[key], height=0.62)
            share = fmt_pct(v / total, 2) if total else "–"
            _bar_label(ax, v + scale * 0.01, yi, f"{fmt_int(v)} hồ sơ · {share}", inside=False)
        ax.set_yticks(y, [names[k] for k in keys])
        ax.set_xlim(0, scale * 1.35)
        _int_axis(ax)
        ax.xaxis.grid(True)
        ax.set_xlabel("Số hồ sơ tiếp nhận mới trong kỳ")
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
    return _finish(fig, title or "Hồ sơ tiếp nhận theo kênh thực hiện", synthetic=synthetic, note=note)


# --------------------------------------------------------------------------------------------------------------
# rates


def rates_chart(
    rates: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    targets: Mapping[str, float] | None = None,
    reported: Mapping[str, float] | None = None,
    title: str | None = None,
    synthetic: bool = False,
    note: str | None = None,
    decimals: int = 2,
) -> Chart:
    """Several rates of one group against 100 %, with target marks and, optionally, the printed values.

    Parameters
    ----------
    rates : DataFrame
        ``processing_rates`` output; the first row is used (an overall frame has one).
    columns : list of str, optional
        Rate columns to show, in order; by default every rate that has a value.
    targets : mapping, optional
        ``{"full_online_rate": 0.5}``: a dashed black mark «Mục tiêu 50 %» on that bar.
    reported : mapping, optional
        ``{"full_online_rate": 0.2978}``: the value printed in a report, drawn as a hollow diamond and named in the
        label, so the reader sees data and document side by side.

    Returns
    -------
    Chart
        One horizontal bar per rate on a grey track to 100 %.
    """
    row = rates.iloc[0]
    if columns is None:
        columns = [c for c in RATE_COLUMNS if c in rates.columns and pd.notna(row[c])]
    columns = list(columns)
    targets = dict(targets or {})
    reported = dict(reported or {})
    n = len(columns)
    fig, (ax,) = _new_chart(_bar_height(n) + (0.35 if reported else 0.0))
    with mpl.rc_context(STYLE):
        y = np.arange(n)[::-1]
        ax.barh(y, np.ones(n), color=COLOURS["track"], height=0.62)
        for yi, column in zip(y, columns, strict=True):
            value = row[column]
            v = float(value) if pd.notna(value) else 0.0
            ax.barh(yi, v, color=COLOURS["value"], height=0.62)
            text = fmt_pct(value, decimals) if pd.notna(value) else "không có dữ liệu"
            if column in reported:
                text += f" · báo cáo {_short_pct(reported[column])}"
                ax.plot(reported[column], yi, marker="D", ms=6, mfc="white", mec=COLOURS["late"], mew=1.6)
            _bar_label(ax, max(v, 1.0) + 0.02, yi, text, inside=False)
            if column in targets:
                t = float(targets[column])
                ax.plot([t, t], [yi - 0.42, yi + 0.42], color=COLOURS["target"], ls="--", lw=1.6)
                ax.text(t, yi + 0.46, f"Mục tiêu {fmt_pct(t, 0)}", ha="center", va="bottom", fontsize=7.5)
        ax.set_yticks(y, ["\n".join(textwrap.wrap(label(c), 40)) for c in columns])
        ax.set_xlim(0, 1.62 if reported else 1.3)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        _pct_axis(ax)
        ax.spines["left"].set_visible(False)
        ax.spines["bottom"].set_bounds(0, 1)
        ax.tick_params(axis="y", length=0)
        if reported:
            ax.plot(
                [],
                [],
                ls="",
                marker="D",
                ms=6,
                mfc="white",
                mec=COLOURS["late"],
                mew=1.6,
                label="Số liệu báo cáo",
            )
            ax.barh([], [], color=COLOURS["value"], label="Tính lại từ dữ liệu hồ sơ")
            _legend_on_top(ax, ncols=2)
    return _finish(fig, title or "Các tỷ lệ chính", synthetic=synthetic, note=note)


def rate_by_group_chart(
    rates: pd.DataFrame | None,
    rate: str,
    by: str | Sequence[str] | None = None,
    *,
    target: float | None = None,
    title: str | None = None,
    synthetic: bool = False,
    max_groups: int = 14,
    note: str | None = None,
    decimals: int = 1,
) -> Chart | Markdown:
    """One rate for each group (e.g. full-process online by field), against 100 % and a target line.

    Groups are sorted by the rate, highest on top; with more than ``max_groups`` groups the largest (by new
    dossiers) are kept. Each label gives the rate and the size of its denominator.

    ``rates`` None (the file has no column to group by): the line «Tệp không có cột … nên phần theo …
    được bỏ qua.» (:func:`cchc_analysis.narrative.absent_section`) instead.
    """
    if rates is None:  # the file has no column to group by: one line instead of the chart
        from cchc_analysis.narrative import absent_section

        return absent_section(by or "field")
    if pd.to_numeric(rates[rate], errors="coerce").isna().all():  # unknown everywhere: no empty bars
        from cchc_analysis.narrative import Markdown

        return Markdown(
            f"Không có dữ liệu để tính {label(rate).lower()} theo nhóm nên biểu đồ này được bỏ qua."
        )
    columns = _group_columns(rates, by)
    frame = rates.copy()
    if len(frame) > max_groups:
        frame = frame.assign(_n=_numbers(frame, "new")).nlargest(max_groups, "_n")
    frame = frame.assign(_v=pd.to_numeric(frame[rate], errors="coerce")).sort_values(
        "_v", ascending=True, na_position="first"
    )
    labels = _group_labels(frame, columns)
    n = len(frame)
    fig, (ax,) = _new_chart(_bar_height(n))
    with mpl.rc_context(STYLE):
        y = np.arange(n)
        values = frame["_v"].astype("float64").to_numpy()
        ax.barh(y, np.ones(n), color=COLOURS["track"], height=0.62)
        ax.barh(y, np.nan_to_num(values), color=COLOURS["value"], height=0.62)
        for yi, v in enumerate(values):
            _bar_label(ax, 1.02, yi, fmt_pct(v, decimals) if not np.isnan(v) else "–", inside=False)
        if target is not None:
            ax.axvline(target, color=COLOURS["target"], ls="--", lw=1.5)
            ax.text(target, n - 0.35, f"Mục tiêu {fmt_pct(target, 0)}", ha="center", va="bottom", fontsize=8)
        ax.set_yticks(y, labels)
        ax.set_ylim(-0.6, n - 0.4 + (0.5 if target is not None else 0))
        ax.set_xlim(0, 1.22)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        _pct_axis(ax)
        ax.spines["left"].set_visible(False)
        ax.spines["bottom"].set_bounds(0, 1)
        ax.tick_params(axis="y", length=0)
    if title is None:
        what = " và ".join(label(c).lower() for c in columns)
        title = label(rate) + (f" theo {what}" if what else "")
    return _finish(fig, title, synthetic=synthetic, note=note)


def counts_by_group_chart(
    counts: pd.DataFrame | None,
    columns: Sequence[str] = ("late", "pending_overdue"),
    by: str | Sequence[str] | None = None,
    *,
    title: str | None = None,
    synthetic: bool = False,
    max_groups: int = 12,
    note: str | None = None,
    empty_text: str = "Không có hồ sơ nào",
) -> Chart | Markdown:
    """Chosen counts per group as stacked bars (by default: where the late and overdue dossiers are).

    Groups with none of the chosen counts are left out; with none at all the chart says so in words.

    ``counts`` None (the file has no column to group by): the line «Tệp không có cột … nên phần theo …
    được bỏ qua.» (:func:`cchc_analysis.narrative.absent_section`) instead.
    """
    if counts is None:  # the file has no column to group by: one line instead of the chart
        from cchc_analysis.narrative import absent_section

        return absent_section(by or "field")
    groups = _group_columns(counts, by)
    parts = [c for c in columns if c in counts.columns]
    frame = counts.assign(_n=sum(_numbers(counts, c) for c in parts))
    frame = frame[frame["_n"] > 0].sort_values("_n", ascending=True).tail(max_groups)
    n = len(frame)
    fig, (ax,) = _new_chart(_bar_height(n) + 0.4 if n else 1.8)
    with mpl.rc_context(STYLE):
        if n == 0:
            ax.axis("off")
            ax.text(0.5, 0.5, empty_text, ha="center", va="center", fontsize=11, transform=ax.transAxes)
        else:
            y = np.arange(n)
            left = np.zeros(n)
            palette = [COLOURS.get(c, OKABE_ITO["blue"]) for c in parts]
            for column, colour in zip(parts, palette, strict=True):
                values = _numbers(frame, column)
                ax.barh(y, values, left=left, color=colour, height=0.62, label=label(column))
                left = left + values
            for yi, total in enumerate(left):
                _bar_label(ax, total + left.max() * 0.01, yi, fmt_int(total), inside=False)
            ax.set_yticks(y, _group_labels(frame, groups))
            ax.set_xlim(0, left.max() * 1.15)
            _int_axis(ax)
            ax.xaxis.grid(True)
            ax.set_xlabel("Số hồ sơ")
            ax.spines["left"].set_visible(False)
            ax.tick_params(axis="y", length=0)
            if len(parts) > 1:
                _legend_on_top(ax, ncols=len(parts))
    if title is None:
        what = " và ".join(label(c).lower() for c in groups)
        if set(parts) <= {"late", "pending_overdue"}:
            title = "Hồ sơ quá hạn" + (f" theo {what}" if what else "")
        else:
            title = " và ".join(label(c) for c in parts) + (f" theo {what}" if what else "")
    return _finish(fig, title, synthetic=synthetic, note=note)


# --------------------------------------------------------------------------------------------------------------
# trends


def monthly_trend_chart(
    monthly: pd.DataFrame,
    rates: Sequence[str] = ("on_time_rate", "full_online_rate"),
    *,
    targets: Mapping[str, float] | None = None,
    as_of: object | None = None,
    title: str | None = None,
    synthetic: bool = False,
    note: str | None = None,
) -> Chart:
    """New dossiers per month by channel (bars, top) and chosen rates per month (lines, bottom).

    Parameters
    ----------
    monthly : DataFrame
        ``processing_rates(..., by="month")`` output (keys ``"2026-04"``).
    rates : list of str
        Rate columns drawn as lines, each with its value labelled.
    targets : mapping, optional
        Target lines, e.g. ``{"full_online_rate": 0.5}``.
    as_of : date or str, optional
        The last day of data: a month it cuts short is labelled «đến dd/mm».
    """
    frame = _receipt_months(monthly)
    months = [_month_tick(m, as_of) for m in frame["month"]]
    x = np.arange(len(frame))
    fig, (top, bottom) = _new_chart(4.7, nrows=2, height_ratios=[1, 1.15], sharex=True)
    with mpl.rc_context(STYLE):
        _channel_bars(top, frame, x)
        _monthly_rate_lines(bottom, frame, x, rates, targets)
        bottom.set_xticks(x, months)
        bottom.set_xlim(-0.6, len(x) - 0.4)
    return _finish(fig, title or "Diễn biến theo tháng", synthetic=synthetic, note=note)


def _channel_bars(top, frame: pd.DataFrame, x: np.ndarray) -> None:
    """New dossiers per month stacked by channel, each month's total on top (upper panel of the trend chart)."""
    bottom_stack = np.zeros(len(frame))
    channel_parts = [
        c for c in ("full_online", "partial_online", "new_in_person_postal") if _has_values(frame, c)
    ]
    if not channel_parts:
        channel_parts = ["new"]
    other_online = (
        _numbers(frame, "new_online") - _numbers(frame, "full_online") - _numbers(frame, "partial_online")
    )
    for column in channel_parts:
        values = _numbers(frame, column)
        name = {"new_in_person_postal": "Trực tiếp, bưu chính", "new": "Hồ sơ mới"}.get(column, label(column))
        top.bar(
            x,
            values,
            bottom=bottom_stack,
            color=COLOURS.get(column, COLOURS["value"]),
            width=0.62,
            label=name,
        )
        bottom_stack = bottom_stack + values
    if other_online.sum() > 0 and channel_parts != ["new"]:
        top.bar(x, other_online, bottom=bottom_stack, color=COLOURS["online"], width=0.62, label="Trực tuyến")
        bottom_stack = bottom_stack + other_online
    for xi, total in zip(x, bottom_stack, strict=True):
        top.text(xi, total, fmt_int(total), ha="center", va="bottom", fontsize=8.5)
    top.set_ylim(0, max(bottom_stack.max(), 1) * 1.15)
    _int_axis(top, "y")
    top.yaxis.grid(True)
    top.set_ylabel("Hồ sơ mới")
    _panel_legend(top, ncols=4)


def _monthly_rate_lines(
    bottom, frame: pd.DataFrame, x: np.ndarray, rates: Sequence[str], targets: Mapping[str, float] | None
) -> None:
    """The chosen rates per month as labelled lines, with target lines (lower panel of the trend chart)."""
    markers = ["o", "s", "^", "D"]
    line_colours = [OKABE_ITO["green"], OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["purple"]]
    for i, rate in enumerate(r for r in rates if r in frame.columns):
        values = pd.to_numeric(frame[rate], errors="coerce").astype("float64").to_numpy()
        bottom.plot(x, values, marker=markers[i % 4], color=line_colours[i % 4], lw=2, label=label(rate))
        for xi, v in zip(x, values, strict=True):
            if not np.isnan(v):
                bottom.annotate(
                    fmt_pct(v),
                    (xi, v),
                    textcoords="offset points",
                    xytext=(0, 7),
                    ha="center",
                    fontsize=8,
                    color=line_colours[i % 4],
                )
    for rate, t in (targets or {}).items():
        bottom.axhline(t, color=COLOURS["target"], ls="--", lw=1.3)
        bottom.text(
            x[-1] + 0.45 if len(x) else 0,
            t,
            f"Mục tiêu {label(rate).lower()}: {fmt_pct(t, 0)}",
            ha="right",
            va="bottom",
            fontsize=7.5,
        )
    bottom.set_ylim(0, 1.12)
    bottom.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    _pct_axis(bottom, "y")
    bottom.yaxis.grid(True)
    bottom.set_ylabel("Tỷ lệ")
    _panel_legend(bottom, ncols=2)


# --------------------------------------------------------------------------------------------------------------
# ranking and the 766 index


def _rank_ticks(n_units: int) -> list[int]:
    step = 10 if n_units <= 60 else 20 if n_units <= 150 else 50
    ticks = [1, *range(step, n_units, step)]
    if n_units - ticks[-1] < step / 2 and len(ticks) > 1:
        ticks = ticks[:-1]
    return [*ticks, n_units]


def rank_chart(
    trend: pd.DataFrame,
    unit: str | None = None,
    *,
    title: str | None = None,
    synthetic: bool = False,
    note: str | None = None,
) -> Chart:
    """Rank over time, rank 1 at the top, the whole field of units shown (``40/114``).

    Parameters
    ----------
    trend : DataFrame
        ``ranking.rank_trend`` output (``unit, date, rank, n_units`` at least).
    unit : str, optional
        The unit to draw; by default every unit of ``trend`` (one line each).

    Returns
    -------
    Chart
        Each snapshot labelled with ``rank/n_units`` and its date; the change since the first snapshot is said
        in words in the subtitle.
    """
    if trend is None or len(trend) == 0:
        return _empty_chart(title or "Thứ hạng theo Bộ chỉ số 766", "Chưa có số liệu xếp hạng", synthetic)
    frame = trend if unit is None else trend[trend["unit"].astype("string") == unit]
    frame = frame.dropna(subset=["rank"]).sort_values(["unit", "date"])
    n_units = (
        int(pd.to_numeric(frame["n_units"], errors="coerce").max())
        if frame["n_units"].notna().any()
        else int(frame["rank"].max())
    )
    units = list(dict.fromkeys(frame["unit"].astype(str)))
    fig, (ax,) = _new_chart(3.1)
    palette = [OKABE_ITO["vermilion"], OKABE_ITO["blue"], OKABE_ITO["green"], OKABE_ITO["orange"]]
    with mpl.rc_context(STYLE):
        dates = pd.to_datetime(frame["date"])
        for i, name in enumerate(units):
            rows = frame[frame["unit"].astype(str) == name]
            x = pd.to_datetime(rows["date"]).to_numpy()
            y = rows["rank"].astype("float64").to_numpy()
            colour = palette[i % len(palette)]
            ax.plot(x, y, marker="o", ms=7, lw=2.2, color=colour, label=name)
            for xi, yi, n in zip(x, y, rows["n_units"], strict=True):
                total = fmt_int(n) if pd.notna(n) else fmt_int(n_units)
                ax.annotate(
                    f"{fmt_int(yi)}/{total}",
                    (xi, yi),
                    textcoords="offset points",
                    xytext=(0, 9),
                    ha="center",
                    va="bottom",
                    fontsize=10,
                    fontweight="bold",
                    color=colour,
                )
        ax.set_ylim(n_units + 0.5, 0.5)
        ax.set_yticks(_rank_ticks(n_units))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_int(v)))
        ax.yaxis.grid(True)
        ax.set_ylabel(f"Thứ hạng (1 = cao nhất; {fmt_int(n_units)} đơn vị)")
        unique_dates = sorted(set(dates.dt.normalize()))
        ax.set_xticks(unique_dates, [fmt_date(d) for d in unique_dates])
        if len(unique_dates) > 1:
            span = unique_dates[-1] - unique_dates[0]
            ax.set_xlim(unique_dates[0] - span * 0.15, unique_dates[-1] + span * 0.15)
        else:
            ax.set_xlim(unique_dates[0] - pd.Timedelta(days=10), unique_dates[0] + pd.Timedelta(days=10))
        if len(units) > 1:
            _legend_on_top(ax, ncols=min(len(units), 4))
    if title is None:
        title = "Thứ hạng theo Bộ chỉ số 766" + (f" — {units[0]}" if len(units) == 1 else "")
    if note is None and len(units) == 1 and "direction_first" in frame.columns and len(frame) > 1:
        last = frame.iloc[-1]
        note = (
            f"Từ {fmt_date(frame.iloc[0]['date'])} đến {fmt_date(last['date'])}: {last['direction_first']}."
        )
    return _finish(fig, title, synthetic=synthetic, note=note)


def index766_chart(
    summary: pd.DataFrame,
    what_if: Mapping[str, object] | None = None,
    *,
    title: str | None = None,
    synthetic: bool = False,
    note: str | None = None,
) -> Chart:
    """Points of each 766 group against its maximum; unknown indicators shown apart; an optional what-if gain.

    Parameters
    ----------
    summary : DataFrame
        ``index766.summarise_766`` output (the total row is left out of the bars and given in the title).
    what_if : dict, optional
        ``index766.what_if`` result: its ``points_gained`` is drawn as a hatched segment on its group.
    """
    groups = summary[summary["group_code"].astype(str) != "total"].reset_index(drop=True)
    total = summary[summary["group_code"].astype(str) == "total"]
    n = len(groups)
    fig, (ax,) = _new_chart(_bar_height(n) + 0.5)
    gain_group = None
    if what_if is not None:
        code = str(what_if.get("code", ""))
        gain_group = code.split(".")[0]
    with mpl.rc_context(STYLE):
        y = np.arange(n)[::-1]
        for yi, (_, g) in zip(y, groups.iterrows(), strict=True):
            maximum = float(g["max_points"])
            points = 0.0 if pd.isna(g["points"]) else float(g["points"])
            unknown = float(g["max_points"]) - float(g["known_max_points"])
            ax.barh(yi, maximum, color=COLOURS["track"], height=0.62)
            ax.barh(yi, points, color=COLOURS["value"], height=0.62)
            if unknown > 0:
                ax.barh(
                    yi,
                    unknown,
                    left=maximum - unknown,
                    color="white",
                    edgecolor=OKABE_ITO["grey"],
                    hatch="////",
                    height=0.62,
                    lw=0.6,
                )
            text = f"{fmt_number(points, 2)}/{fmt_number(maximum, 0)}"
            gained = 0.0
            if gain_group is not None and str(g["group_code"]) == gain_group:
                gained = float(what_if.get("points_gained") or 0.0)
                if gained > 0:
                    ax.barh(
                        yi,
                        gained,
                        left=points,
                        color=OKABE_ITO["green"],
                        hatch="..",
                        edgecolor="white",
                        height=0.62,
                        lw=0,
                    )
                    text += f"  (+{fmt_number(gained, 2)} nếu đạt {fmt_pct(what_if.get('rate_after'), 0)})"
            ax.text(maximum + 0.4, yi, text, va="center", fontsize=8.5, color=COLOURS["text"])
        names = ["\n".join(textwrap.wrap(str(name), 26)) for name in groups["group_name"]]
        ax.set_yticks(y, names)
        ax.set_xlim(0, float(groups["max_points"].max()) * (1.9 if what_if is not None else 1.45))
        ax.set_xlabel("Điểm")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_int(v)))
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        handles = [
            mpl.patches.Patch(color=COLOURS["value"], label="Điểm tính từ dữ liệu"),
            mpl.patches.Patch(
                facecolor="white", edgecolor=OKABE_ITO["grey"], hatch="////", label="Chỉ số chưa có dữ liệu"
            ),
        ]
        if what_if is not None:
            handles.append(
                mpl.patches.Patch(
                    facecolor=OKABE_ITO["green"],
                    hatch="..",
                    edgecolor="white",
                    label="Điểm tăng thêm (giả định)",
                )
            )
        _legend_on_top(ax, ncols=len(handles), handles=handles)
    if title is None:
        title = "Điểm Bộ chỉ số 766 theo nhóm"
        if len(total) and pd.notna(total.iloc[0]["points"]):
            t = total.iloc[0]
            title += f" — đã biết {fmt_number(t['points'], 2)}/{fmt_number(t['known_max_points'], 0)} điểm"
    return _finish(fig, title, synthetic=synthetic, note=note)


# --------------------------------------------------------------------------------------------------------------
# processing times


def processing_time_chart(
    times: pd.DataFrame,
    by: str = "field",
    *,
    title: str | None = None,
    synthetic: bool = False,
    max_groups: int = 10,
    note: str | None = None,
) -> Chart:
    """How long resolved dossiers took, per group: box (quartiles), whiskers (5th–95th percentile), median.

    Parameters
    ----------
    times : DataFrame
        ``exploration.processing_times`` output (``processing_days`` and the grouping column).
    by : str
        Grouping column; the ``max_groups`` groups with most dossiers are shown, largest on top.
    """
    days = pd.to_numeric(times["processing_days"], errors="coerce")
    keys = (
        times[by].astype("string").fillna(UNKNOWN_GROUP)
        if by in times
        else pd.Series("Tổng số", index=times.index)
    )
    sizes = keys.value_counts().head(max_groups)
    groups = list(sizes.index)[::-1]
    data = [days[keys == g].dropna().to_numpy() for g in groups]
    fig, (ax,) = _new_chart(_bar_height(len(groups)) + 0.3)
    with mpl.rc_context(STYLE):
        if groups:
            ax.boxplot(
                data,
                orientation="horizontal",
                whis=(5, 95),
                widths=0.55,
                showfliers=False,
                patch_artist=True,
                boxprops={"facecolor": OKABE_ITO["sky_blue"], "edgecolor": COLOURS["text"], "lw": 0.8},
                medianprops={"color": COLOURS["text"], "lw": 1.6},
                whiskerprops={"color": COLOURS["muted"]},
                capprops={"color": COLOURS["muted"]},
            )
            upper = max(float(np.percentile(d, 95)) if len(d) else 0.0 for d in data)
            for i, d in enumerate(data, start=1):
                if len(d):
                    ax.text(
                        upper * 1.04 + 0.1,
                        i,
                        f"trung vị {fmt_number(np.median(d), 1)} ngày · {fmt_int(len(d))} hồ sơ",
                        va="center",
                        fontsize=8,
                        color=COLOURS["text"],
                    )
            ax.set_yticks(range(1, len(groups) + 1), [_group_label(g, by) for g in groups])
            ax.set_xlim(0, upper * 1.6 + 0.5)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_number(v, 0)))
        ax.xaxis.grid(True)
        ax.set_xlabel("Số ngày từ tiếp nhận đến kết thúc xử lý")
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
    if title is None:
        title = f"Thời gian giải quyết hồ sơ theo {label(by).lower()}"
    return _finish(
        fig, title, synthetic=synthetic, note=note or "Hộp: từ phân vị 25 đến 75; râu: 5–95; vạch: trung vị."
    )


# --------------------------------------------------------------------------------------------------------------
# targets


def target_path_chart(
    monthly: pd.DataFrame,
    progress: pd.DataFrame | pd.Series,
    *,
    as_of: object | None = None,
    title: str | None = None,
    synthetic: bool = False,
    note: str | None = None,
) -> Chart:
    """The path to a rate target: the rate month by month, the target line, and the rate each remaining month
    needs.

    Parameters
    ----------
    monthly : DataFrame
        ``processing_rates(..., by="month")`` output: the months with data.
    progress : DataFrame or Series
        One row of ``targets.target_progress`` (``metric, target, period, needed_per_month, monthly_volume,
        months_remaining, last_day, days_left``).
    as_of : date or str, optional
        The day the data are complete to; the month it falls in is marked «đến dd/mm».

    Returns
    -------
    Chart
        Solid bars for the months with data, hatched bars for the months still to come at the rate they need,
        the target as a dashed line, the target's period shaded; the title says the months and days left.
    """
    from cchc_analysis.periods import parse_day, parse_period

    if isinstance(progress, pd.DataFrame) and progress.empty:
        return _empty_chart(title or "Lộ trình đến mục tiêu", "Chưa có mục tiêu nào", synthetic)
    row = progress.iloc[0] if isinstance(progress, pd.DataFrame) else progress
    metric = str(row["metric"])
    target = float(row["target"])
    period = parse_period(str(row["period"]))
    as_of_day = parse_day(as_of) if as_of is not None else None
    data = _receipt_months(monthly)
    first_month = min([*data["month"], period.months()[0]])
    months = [str(p) for p in pd.period_range(first_month, period.months()[-1], freq="M")]
    values = dict(zip(data["month"], pd.to_numeric(data[metric], errors="coerce"), strict=True))
    remaining = int(row["months_remaining"]) if pd.notna(row.get("months_remaining")) else 0
    remaining_months = months[len(months) - remaining :] if remaining else []
    needed_rate = _needed_rate(row) if remaining else float("nan")
    show_needed = bool(remaining_months) and not np.isnan(needed_rate)

    fig, (ax,) = _new_chart(3.4)
    with mpl.rc_context(STYLE):
        _shade_target_period(ax, months, period)
        as_of_month = f"{as_of_day.year}-{as_of_day.month:02d}" if as_of_day is not None else None
        for i, m in enumerate(months):
            if m in remaining_months and not np.isnan(needed_rate):
                _needed_bar(ax, i, needed_rate, target)
            v = values.get(m, float("nan"))
            if not np.isnan(v):
                partial = m == as_of_month and month_end(m) > as_of_day
                _achieved_bar(ax, i, v, partial)
        _target_path_axes(ax, months, target, metric, as_of_day, show_needed)
    if title is None:
        title = f"Lộ trình đến mục tiêu {label(metric).lower()} {fmt_pct(target, 0)}"
    if note is None:
        note = _target_path_note(row, remaining, as_of_day)
    return _finish(fig, title, synthetic=synthetic, note=note)


def _needed_rate(row: pd.Series) -> float:
    """The rate each remaining month needs: dossiers needed per month over the monthly volume (NaN if unknown)."""
    if pd.isna(row.get("needed_per_month")) or pd.isna(row.get("monthly_volume")):
        return float("nan")
    volume = float(row["monthly_volume"])
    return float(row["needed_per_month"]) / volume if volume > 0 else float("nan")


def _shade_target_period(ax, months: list[str], period) -> None:
    in_period = [i for i, m in enumerate(months) if m in period.months()]
    if in_period:
        ax.axvspan(in_period[0] - 0.5, in_period[-1] + 0.5, color="#F2F2F2", zorder=0)
        ax.text(
            in_period[0] - 0.45,
            1.07,
            f"Kỳ mục tiêu: {period.label_vi}",
            fontsize=8,
            va="bottom",
            color=COLOURS["muted"],
        )


def _needed_bar(ax, i: int, needed_rate: float, target: float) -> None:
    """A hatched bar at the rate a remaining month needs, labelled «cần …»."""
    ax.bar(
        i,
        min(needed_rate, 1.0),
        width=0.62,
        color="white",
        edgecolor=OKABE_ITO["vermilion"],
        hatch="///",
        lw=1.2,
        zorder=2,
    )
    ax.text(
        i,
        max(min(needed_rate, 1.0), target) + 0.03,
        f"cần {fmt_pct(needed_rate, 0)}",
        ha="center",
        va="bottom",
        fontsize=8,
        color=OKABE_ITO["vermilion"],
        fontweight="bold",
    )


def _achieved_bar(ax, i: int, value: float, partial: bool) -> None:
    """A solid bar at a month's rate (narrower and lighter for the month the data stop in)."""
    ax.bar(
        i,
        value,
        width=0.42 if partial else 0.62,
        color=COLOURS["value"],
        alpha=0.55 if partial else 1,
        zorder=3,
    )
    ax.text(
        i,
        value / 2,
        fmt_pct(value, 1),
        ha="center",
        va="center",
        fontsize=8,
        color="white",
        fontweight="bold",
        zorder=4,
        rotation=90 if value < 0.12 else 0,
    )


def _target_path_axes(
    ax, months: list[str], target: float, metric: str, as_of_day: object | None, show_needed: bool
) -> None:
    """The target line, month ticks, the percentage axis and the legend of :func:`target_path_chart`."""
    ax.axhline(target, color=COLOURS["target"], ls="--", lw=1.5, zorder=5)
    ax.text(
        -0.45,
        target + 0.015,
        f"Mục tiêu {fmt_pct(target, 0)}",
        fontsize=8.5,
        va="bottom",
        fontweight="bold",
    )
    ax.set_xticks(np.arange(len(months)), [_month_tick(m, as_of_day) for m in months])
    ax.set_xlim(-0.6, len(months) - 0.4)
    ax.set_ylim(0, 1.12)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    _pct_axis(ax, "y")
    ax.yaxis.grid(True)
    ax.set_ylabel(label(metric))
    handles = [mpl.patches.Patch(color=COLOURS["value"], label="Đã đạt (theo tháng)")]
    if show_needed:
        handles.append(
            mpl.patches.Patch(
                facecolor="white",
                edgecolor=OKABE_ITO["vermilion"],
                hatch="///",
                label="Mức cần đạt mỗi tháng còn lại",
            )
        )
    _legend_on_top(ax, ncols=len(handles), handles=handles)


def _target_path_note(row: pd.Series, remaining: int, as_of_day: object | None) -> str:
    """«Còn 3 tháng; còn 69 ngày (hạn cuối 29/06/2026); số liệu đến 13/04/2026.»"""
    parts = [f"Còn {fmt_int(remaining)} tháng" if remaining else "Kỳ mục tiêu đã kết thúc"]
    if pd.notna(row.get("days_left")) and pd.notna(row.get("last_day")):
        from cchc_analysis.targets import describe_days_left

        parts.append(f"{describe_days_left(row['days_left'])} (hạn cuối {fmt_date(row['last_day'])})")
    if as_of_day is not None:
        parts.append(f"số liệu đến {fmt_date(as_of_day)}")
    return "; ".join(parts) + "."


def _receipt_months(monthly: pd.DataFrame) -> pd.DataFrame:
    """Months of a by-month frame that received dossiers, sorted; leading months that only hold dossiers
    carried over from before the period (no new dossier) are dropped."""
    frame = monthly[monthly["month"].notna()].copy()
    frame["month"] = frame["month"].astype(str)
    frame = frame.sort_values("month").reset_index(drop=True)
    if "new" in frame.columns:
        received = pd.to_numeric(frame["new"], errors="coerce").fillna(0).to_numpy() > 0
        if received.any():
            frame = frame.iloc[int(np.argmax(received)) :].reset_index(drop=True)
    return frame


def _month_tick(key: object, as_of: object | None = None) -> str:
    """``"2026-04"`` → ``T4/2026``, with «(đến 13/04)» when ``as_of`` cuts that month short."""
    from cchc_analysis.periods import parse_day

    text = _group_label(key, "month")
    if as_of is None or key is None or key is pd.NA:
        return text
    day = parse_day(as_of)
    if str(key) == f"{day.year}-{day.month:02d}" and month_end(str(key)) > day:
        text += f"\n(đến {day:%d/%m})"
    return text
