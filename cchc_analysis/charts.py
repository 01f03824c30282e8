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


#: Prefixes left out of a unit's name on a crowded chart («UBND tỉnh Đắk Lắk» → «Đắk Lắk»).
UNIT_PREFIXES: tuple[str, ...] = ("UBND Thành phố ", "UBND thành phố ", "UBND tỉnh ", "UBND Tỉnh ", "UBND ")


def short_unit(name: object) -> str:
    """A unit's name without its «UBND tỉnh / thành phố» prefix, for charts of many units."""
    text = str(name)
    for prefix in UNIT_PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def _snapshot_ticks(trend: pd.DataFrame, dates: list[pd.Timestamp], *, short: bool = False) -> list[str]:
    """Tick labels of snapshot dates; a snapshot identical to the previous one says so («không cập nhật»)."""
    updated = (
        trend.groupby("date")["updated"].all() if "updated" in trend.columns else pd.Series(True, index=dates)
    )
    labels = []
    for d in dates:
        text = d.strftime("%d/%m") if short else fmt_date(d)
        if not bool(updated.get(d, True)):
            text += "\n(không\ncập nhật)" if short else "\n(không cập nhật)"
        labels.append(text)
    return labels


def bump_chart(
    trend: pd.DataFrame,
    highlight: str | None = None,
    *,
    title: str | None = None,
    synthetic: bool = False,
    note: str | None = None,
) -> Chart:
    """Ranks of many units over snapshots (a bump chart), one unit highlighted, the others muted.

    Parameters
    ----------
    trend : DataFrame
        ``ranking.rank_trend`` output (any units, any dates).
    highlight : str, optional
        The unit of interest (as in ``trend["unit"]``): drawn thick in colour with its rank at each snapshot.

    Returns
    -------
    Chart
        Rank 1 at the top; every unit labelled on the right in the order of the last snapshot («3. Hải Phòng»),
        one label per line so labels never overlap (tied units get consecutive lines, a thin connector joins a
        label to its rank). A snapshot identical to the previous one is marked «không cập nhật».
    """
    if trend is None or len(trend) == 0 or trend["rank"].notna().sum() == 0:
        return _empty_chart(title or "Thứ hạng theo Bộ chỉ số 766", "Chưa có số liệu xếp hạng", synthetic)
    frame = trend.dropna(subset=["rank"])
    dates = sorted(pd.to_datetime(frame["date"]).unique())
    x_of = {d: i for i, d in enumerate(dates)}
    last = frame[frame["date"] == dates[-1]].sort_values(["rank", "unit"], kind="stable")
    units = list(dict.fromkeys([*last["unit"].astype(str), *frame["unit"].astype(str)]))
    n_slots = len(units)
    n_ranks = int(max(frame["rank"].max(), n_slots))
    fig, (ax,) = _new_chart(max(3.0, 0.2 * n_slots + 1.3))
    xmax = len(dates) - 1 + 0.45
    with mpl.rc_context(STYLE):
        for name in units:
            rows = frame[frame["unit"].astype(str) == name].sort_values("date")
            x = [x_of[pd.Timestamp(d)] for d in rows["date"]]
            y = rows["rank"].astype("float64").to_numpy()
            mine = name == highlight
            ax.plot(
                x,
                y,
                marker="o",
                ms=6 if mine else 2.5,
                lw=2.6 if mine else 0.9,
                color=OKABE_ITO["vermilion"] if mine else "#B8B8B8",
                zorder=5 if mine else 2,
                label=short_unit(name) if mine else None,
            )
            if mine:
                for xi, yi in zip(x, y, strict=True):
                    ax.annotate(
                        fmt_int(yi),
                        (xi, yi),
                        textcoords="offset points",
                        xytext=(0, 6),
                        ha="center",
                        va="bottom",
                        fontsize=8.5,
                        fontweight="bold",
                        color=OKABE_ITO["vermilion"],
                        zorder=6,
                    )
        # labels: one slot per unit in the last snapshot's order, joined to the unit's rank by a connector
        slots = {name: i + 1 for i, name in enumerate(units)}
        for _, r in last.iterrows():
            name = str(r["unit"])
            ax.plot(
                [len(dates) - 1, xmax],
                [float(r["rank"]), slots[name]],
                color=OKABE_ITO["vermilion"] if name == highlight else "#D0D0D0",
                lw=0.8,
                zorder=1,
            )
        right = ax.twinx()
        right.spines["right"].set_visible(False)
        right.tick_params(axis="y", length=0, pad=2)
        for axis in (ax, right):
            axis.set_ylim(n_ranks + 0.6, 0.4)
        rank_of = dict(zip(last["unit"].astype(str), last["rank"], strict=True))
        right.set_yticks(
            list(range(1, n_slots + 1)),
            [
                f"{fmt_int(rank_of[u])}. {short_unit(u)}" if u in rank_of else f"– {short_unit(u)}"
                for u in units
            ],
            fontsize=7.5 if n_slots > 20 else 8.5,
        )
        for tick, name in zip(right.get_yticklabels(), units, strict=True):
            if name == highlight:
                tick.set_color(OKABE_ITO["vermilion"])
                tick.set_fontweight("bold")
            else:
                tick.set_color(COLOURS["muted"])
        ax.set_yticks(_rank_ticks(n_ranks))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_int(v)))
        ax.yaxis.grid(True)
        ax.set_ylabel(f"Thứ hạng (1 = cao nhất; {fmt_int(n_ranks)} đơn vị)")
        ax.set_xticks(range(len(dates)), _snapshot_ticks(frame, dates))
        ax.set_xlim(-0.3, xmax)
    if title is None:
        title = "Thứ hạng theo Bộ chỉ số 766" + (f" — {short_unit(highlight)}" if highlight else "")
    return _finish(fig, title, synthetic=synthetic, note=note)


def group_scores_chart(
    snapshots: pd.DataFrame,
    highlight: str | None = None,
    *,
    groups: Mapping[str, tuple[str, float]] | None = None,
    title: str | None = None,
    synthetic: bool = False,
    note: str | None = None,
) -> Chart:
    """Small multiples of the group scores over snapshots: every unit muted, the median dashed, one unit in colour.

    Parameters
    ----------
    snapshots : DataFrame
        ``ranking.rank_trend`` (or snapshot) frame with ``unit, date`` and ``score_<group>`` columns.
    highlight : str, optional
        The unit of interest.
    groups : mapping, optional
        ``score_<group>`` column → (Vietnamese name, maximum points); default the six groups of the bundled
        766 table.
    """
    if groups is None:
        from cchc_analysis.index766 import bundled_indicators

        table = bundled_indicators()
        maxima = table.groupby("group_code", sort=False)["max_points"].sum()
        names = table.drop_duplicates("group_code").set_index("group_code")["group_name"]
        groups = {f"score_{c}": (str(names[c]), float(maxima[c])) for c in maxima.index}
    present = [c for c in groups if c in snapshots.columns and snapshots[c].notna().any()]
    if not present:
        return _empty_chart(title or "Điểm theo nhóm chỉ số 766", "Tệp không có điểm theo nhóm", synthetic)
    dates = sorted(pd.to_datetime(snapshots["date"]).unique())
    x_of = {d: i for i, d in enumerate(dates)}
    ncols = 3 if len(present) > 2 else len(present)
    nrows = -(-len(present) // ncols)
    with mpl.rc_context(STYLE):
        fig = Chart(figsize=(WIDTH, 0.6 + 2.3 * nrows), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True).ravel()
        handles = {}
        for ax, column in zip(axes, present, strict=False):
            name, maximum = groups[column]
            for unit, rows in snapshots.groupby("unit", sort=False):
                rows = rows.sort_values("date")
                x = [x_of[pd.Timestamp(d)] for d in rows["date"]]
                mine = unit == highlight
                (line,) = ax.plot(
                    x,
                    rows[column].astype("float64"),
                    color=OKABE_ITO["vermilion"] if mine else "#C8C8C8",
                    lw=2.2 if mine else 0.6,
                    marker="o" if mine else None,
                    ms=3.5,
                    zorder=5 if mine else 1,
                )
                handles["mine" if mine else "other"] = line
            median = snapshots.groupby("date")[column].median().sort_index()
            (line,) = ax.plot(
                [x_of[pd.Timestamp(d)] for d in median.index],
                median.to_numpy(),
                color=COLOURS["target"],
                ls="--",
                lw=1.3,
                zorder=4,
            )
            handles["median"] = line
            ax.set_title(f"{name}\n(tối đa {fmt_number(maximum, 0)} điểm)", fontsize=8.5, loc="left")
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_number(v, 0)))
            ax.yaxis.set_major_locator(MaxNLocator(4))
            ax.yaxis.grid(True)
            ax.set_xticks(range(len(dates)), _snapshot_ticks(snapshots, dates, short=True), fontsize=7)
        for ax in axes[len(present) :]:
            ax.axis("off")
        labelled = []
        for key, text in (
            ("mine", short_unit(highlight) if highlight else ""),
            ("median", "Trung vị các đơn vị"),
            ("other", "Các đơn vị khác"),
        ):
            if key in handles and text:
                handles[key].set_label(text)
                labelled.append(handles[key])
        fig._cchc_legend = (labelled, [h.get_label() for h in labelled], len(labelled))
    if title is None:
        title = "Điểm theo nhóm chỉ số 766" + (f" — {short_unit(highlight)}" if highlight else "")
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


# --------------------------------------------------------------------------------------------------------------
# statistical exploration (seaborn): distributions, heatmaps, small multiples

#: Weekday names, Monday first (``Timestamp.weekday()`` order).
WEEKDAYS_VI: tuple[str, ...] = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
#: The two measures of :func:`working_time_chart`, as its frame's ``measure`` column says them.
ACTUAL_TIME_VI = "Thời gian thực tế"
STATUTORY_TIME_VI = "Thời gian theo quy định"


#: Short names of rates for the titles of panels side by side.
SHORT_RATE_LABELS_VI: dict[str, str] = {
    "on_time_rate": "Đúng và trước hạn",
    "early_rate": "Trước hạn",
    "late_rate": "Quá hạn",
    "full_online_rate": "Trực tuyến toàn trình",
    "online_rate": "Trực tuyến",
    "satisfaction_rate": "Hài lòng",
    "digitization_rate": "Số hóa",
}


def _sns():
    import seaborn as sns  # imported where it serves: the statistical charts below

    return sns


def _grid(nrows: int, ncols: int, height: float, **kw):
    with mpl.rc_context(STYLE):
        fig = Chart(figsize=(WIDTH, height), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    return fig, axes


def working_time_chart(
    frame: pd.DataFrame,
    by: str = "field",
    *,
    title: str | None = None,
    synthetic: bool = False,
    note: str | None = None,
) -> Chart:
    """Distribution of processing time in working days per group: actual time next to the statutory time.

    Parameters
    ----------
    frame : DataFrame
        Tidy: ``by``, ``measure`` (:data:`ACTUAL_TIME_VI` or :data:`STATUTORY_TIME_VI`), ``working_days``; groups
        in the order they come (largest first).
    """
    sns = _sns()
    groups = list(dict.fromkeys(frame[by].astype(str)))
    data = frame.assign(_group=frame[by].astype(str).map(lambda g: _group_label(g, by, 24)))
    data["working_days"] = pd.to_numeric(data["working_days"]).astype("float64")
    fig, (ax,) = _new_chart(1.3 + 0.55 * max(len(groups), 1))
    with mpl.rc_context(STYLE):
        sns.boxenplot(
            data=data,
            y="_group",
            x="working_days",
            hue="measure",
            order=[_group_label(g, by, 24) for g in groups],
            hue_order=[ACTUAL_TIME_VI, STATUTORY_TIME_VI],
            palette={ACTUAL_TIME_VI: COLOURS["value"], STATUTORY_TIME_VI: OKABE_ITO["orange"]},
            showfliers=False,
            width=0.8,
            linewidth=0.6,
            ax=ax,
        )
        ax.set_ylabel("")
        ax.set_xlabel("Số ngày làm việc (không tính thứ Bảy, Chủ nhật, ngày lễ, Tết)")
        ax.set_xlim(left=0)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_int(v)))
        ax.xaxis.grid(True)
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        handles = [
            matplotlib.patches.Patch(
                color=COLOURS["value"], label=ACTUAL_TIME_VI + " (tiếp nhận → kết thúc)"
            ),
            matplotlib.patches.Patch(
                color=OKABE_ITO["orange"], label=STATUTORY_TIME_VI + " (tiếp nhận → hẹn trả)"
            ),
        ]
        _legend_on_top(ax, 2, handles)
    if title is None:
        title = f"Thời gian giải quyết theo {label(by).lower()}, tính bằng ngày làm việc"
    return _finish(
        fig,
        title,
        synthetic=synthetic,
        note=note or "Hộp giữa: nửa số hồ sơ; các hộp ngoài: phân vị xa dần; vạch: trung vị.",
    )


def _heatmap(
    ax, table: pd.DataFrame, *, cmap, vmin: float, vmax: float, labels: np.ndarray, ylabels, xlabels
):
    sns = _sns()
    sns.heatmap(
        table.astype("float64"),
        ax=ax,
        cmap=cmap,
        vmin=vmin,
        vmax=vmax,
        annot=labels,
        fmt="",
        annot_kws={"fontsize": 7.5},
        cbar=False,
        linewidths=0.6,
        linecolor="white",
        xticklabels=xlabels,
        yticklabels=ylabels,
    )
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="both", length=0)
    ax.tick_params(axis="x", rotation=0)
    ax.tick_params(axis="y", rotation=0)


def rate_heatmap_chart(
    frame: pd.DataFrame,
    row: str = "field",
    rates: Sequence[str] = ("on_time_rate", "full_online_rate"),
    *,
    title: str | None = None,
    synthetic: bool = False,
    note: str | None = None,
) -> Chart:
    """Rates by ``row`` × month, one heatmap per rate, side by side; the cell prints the rate in per cent.

    Parameters
    ----------
    frame : DataFrame
        Tidy: ``row``, ``month`` (``YYYY-MM``), ``rate`` (a name of ``rates``), ``value`` (0–1, NaN unknown).
        Rows in the order they come.
    """
    sns = _sns()
    rows = list(dict.fromkeys(frame[row].astype(str)))
    months = sorted(frame["month"].astype(str).unique())
    shown = [r for r in rates if frame.loc[frame["rate"] == r, "value"].notna().any()]
    if not shown:
        return _empty_chart(title or "", "Không có tỷ lệ nào tính được.", synthetic)
    height = 1.4 + 0.27 * max(len(rows), 2)
    values = frame.loc[frame["rate"].isin(shown), "value"]
    low = min(0.5, float(np.floor(values.min() * 10) / 10))  # colour from ≤ 50 %, so 90 and 100 differ
    fig, axes = _grid(1, len(shown), height)
    cmap = sns.light_palette(COLOURS["value"], as_cmap=True)
    with mpl.rc_context(STYLE):
        for i, (ax, rate) in enumerate(zip(axes[0], shown, strict=True)):
            part = frame[frame["rate"] == rate].assign(_row=lambda f: f[row].astype(str))
            table = part.pivot_table(
                index="_row", columns="month", values="value", aggfunc="first", dropna=False
            )
            table = table.reindex(index=rows, columns=months).astype("float64")
            text = np.vectorize(lambda v: "" if np.isnan(v) else fmt_number(v * 100, 0))(table.to_numpy())
            _heatmap(
                ax,
                table,
                cmap=cmap,
                vmin=low,
                vmax=1,
                labels=text,
                ylabels=[_group_label(r, row, 22) for r in rows] if i == 0 else False,
                xlabels=[_month_tick(m) for m in months],
            )
            ax.set_title(f"{SHORT_RATE_LABELS_VI.get(rate, label(rate))} (%)", fontsize=9.5)
    if title is None:
        title = f"Tỷ lệ theo {label(row).lower()} và tháng"
    scale = f"Màu: nhạt ≤ {fmt_pct(low, 0)}, đậm = 100 %."
    note = f"{note} {scale}" if note else f"Ô trống: không có hồ sơ. {scale}"
    return _finish(fig, title, synthetic=synthetic, note=note)


def receipt_pattern_chart(
    frame: pd.DataFrame, *, title: str | None = None, synthetic: bool = False, note: str | None = None
) -> Chart:
    """When dossiers arrive: weekday × hour of receipt, one heatmap per channel group (counts in the cells).

    Parameters
    ----------
    frame : DataFrame
        Tidy: ``channel_group``, ``weekday`` (0 = Monday), ``hour`` (0–23), ``dossiers``.
    """
    sns = _sns()
    groups = list(dict.fromkeys(frame["channel_group"]))
    days = [d for d in range(7) if d in set(frame["weekday"])] or list(range(5))
    hours = list(range(int(frame["hour"].min()), int(frame["hour"].max()) + 1)) if len(frame) else [8]
    height = 1.0 + len(groups) * (0.35 + 0.26 * len(days))
    fig, axes = _grid(len(groups), 1, height, sharex=True)
    cmap = sns.light_palette(OKABE_ITO["orange"], as_cmap=True)
    top = float(pd.to_numeric(frame["dossiers"]).max()) if len(frame) else 1.0
    with mpl.rc_context(STYLE):
        for ax, group in zip(axes[:, 0], groups, strict=True):
            part = frame[frame["channel_group"] == group]
            table = (
                part.pivot_table(index="weekday", columns="hour", values="dossiers", aggfunc="sum")
                .reindex(index=days, columns=hours)
                .fillna(0)
            )
            text = np.vectorize(lambda v: "" if v == 0 else fmt_int(v))(table.to_numpy())
            _heatmap(
                ax,
                table,
                cmap=cmap,
                vmin=0,
                vmax=max(top, 1.0),
                labels=text,
                ylabels=[WEEKDAYS_VI[d] for d in days],
                xlabels=[f"{h}h" for h in hours],
            )
            ax.set_title(f"{group}: {fmt_int(part['dossiers'].sum())} hồ sơ", fontsize=9.5)
        axes[-1, 0].set_xlabel("Giờ tiếp nhận (ví dụ 8h: từ 8:00 đến 8:59)")
    return _finish(
        fig,
        title or "Hồ sơ đến vào ngày nào, giờ nào",
        synthetic=synthetic,
        note=note or "Số trong ô: số hồ sơ.",
    )


def small_multiples_chart(
    frame: pd.DataFrame,
    facet: str = "unit",
    metric: str = "on_time_rate",
    *,
    highlight: str | None = None,
    title: str | None = None,
    synthetic: bool = False,
    note: str | None = None,
    ncols: int | None = None,
) -> Chart:
    """Monthly ``metric`` per ``facet`` value as small multiples; every panel shows the others in grey behind.

    Parameters
    ----------
    frame : DataFrame
        Tidy: ``facet``, ``month`` (``YYYY-MM``), ``metric`` (a rate 0–1). Panels in the order ``facet`` values
        come; ``highlight`` (a ``facet`` value) is drawn in vermilion with its title in bold.
    """
    sns = _sns()
    data = frame.assign(
        _facet=frame[facet].astype(str),
        _x=frame["month"].astype(str),
        _y=pd.to_numeric(frame[metric], errors="coerce").astype("float64"),
    )
    names = list(dict.fromkeys(data["_facet"]))
    months = sorted(data["_x"].unique())
    ncols = ncols or (2 if len(names) <= 4 else 3 if len(names) <= 12 else 5)
    nrows = -(-len(names) // ncols)
    fig, axes = _grid(nrows, ncols, 0.9 + 1.25 * nrows, sharex=True, sharey=True)
    x_of = {m: i for i, m in enumerate(months)}
    data["_i"] = data["_x"].map(x_of)
    low = min(0.0, float(np.nanmin(data["_y"]))) if data["_y"].notna().any() else 0.0
    with mpl.rc_context(STYLE):
        for k, ax in enumerate(axes.flat):
            if k >= len(names):
                ax.axis("off")
                continue
            name = names[k]
            for _other, part in data[data["_facet"] != name].groupby("_facet", sort=False):
                ax.plot(part["_i"], part["_y"], color="#D0D0D0", lw=0.7, zorder=1)
            own = data[data["_facet"] == name]
            colour = COLOURS["late"] if name == highlight else COLOURS["value"]
            sns.lineplot(
                data=own,
                x="_i",
                y="_y",
                ax=ax,
                color=colour,
                lw=2.0,
                marker="o",
                markersize=3.5,
                zorder=3,
                errorbar=None,
            )
            ax.set_title(
                _group_label(name, facet, 26),
                fontsize=8 if len(names) > 12 else 9,
                fontweight="bold" if name == highlight else "normal",
                color=COLOURS["late"] if name == highlight else COLOURS["text"],
            )
            ax.set_xlabel("")
            ax.set_ylabel("")
            ax.yaxis.grid(True)
            ax.set_ylim(low, 1.02)
            ax.set_xticks(range(len(months)), [f"T{int(m[5:])}" if len(m) == 7 else m for m in months])
            ax.yaxis.set_major_locator(MaxNLocator(nbins=3))
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_pct(v, 0)))
            ax.tick_params(labelsize=7.5)
    if title is None:
        title = f"{label(metric)} theo tháng, từng {label(facet).lower()}"
    default = "Đường xám: các đơn vị khác, để so sánh." if facet == "unit" else "Đường xám: các nhóm khác."
    return _finish(fig, title, synthetic=synthetic, note=note or default)


def league_chart(
    frame: pd.DataFrame,
    metric: str = "on_time_rate",
    *,
    highlight: str | None = None,
    title: str | None = None,
    synthetic: bool = False,
    note: str | None = None,
) -> Chart:
    """Units ranked by ``metric``: one dot each, the middle half of units (quartiles) shaded, the median drawn.

    Parameters
    ----------
    frame : DataFrame
        ``unit``, ``metric`` (0–1), ``rank``; units in rank order. A unit whose rate is unknown is left out.
    highlight : str, optional
        The ``unit`` value drawn in vermilion, with its rank.
    """
    data = frame[["unit", metric, "rank"]].copy()
    data[metric] = pd.to_numeric(data[metric], errors="coerce").astype("float64")
    data = data.dropna(subset=[metric]).reset_index(drop=True)
    if data.empty:
        return _empty_chart(title or "", f"Không đơn vị nào tính được {label(metric).lower()}.", synthetic)
    values = data[metric].to_numpy()
    q1, median, q3 = (float(np.quantile(values, q)) for q in (0.25, 0.5, 0.75))
    n = len(data)
    fig, (ax,) = _new_chart(1.3 + 0.24 * n)
    y = np.arange(n)[::-1]
    with mpl.rc_context(STYLE):
        ax.axvspan(q1, q3, color=COLOURS["track"], zorder=0, label="Nửa giữa các đơn vị (Q1–Q3)")
        ax.axvline(median, color=COLOURS["muted"], lw=1.2, ls="--", zorder=1, label="Trung vị")
        colours = [COLOURS["late"] if u == highlight else COLOURS["value"] for u in data["unit"]]
        ax.hlines(y, 0, values, color="#D8D8D8", lw=0.8, zorder=1)
        ax.scatter(values, y, s=[60 if u == highlight else 28 for u in data["unit"]], c=colours, zorder=3)
        for yi, v, u in zip(y, values, data["unit"], strict=True):
            ax.text(
                v,
                yi,
                "  " + _short_pct(v),
                va="center",
                fontsize=7.5,
                color=COLOURS["late"] if u == highlight else COLOURS["text"],
                fontweight="bold" if u == highlight else "normal",
            )
        ticks = [
            f"{int(r)}. {_group_label(u, 'unit', 40)}"
            for u, r in zip(data["unit"], data["rank"], strict=True)
        ]
        ax.set_yticks(y, ticks)
        for tick, u in zip(ax.get_yticklabels(), data["unit"], strict=True):
            if u == highlight:
                tick.set_color(COLOURS["late"])
                tick.set_fontweight("bold")
        ax.set_ylim(-0.7, n - 0.3)
        left = float(np.floor((values.min() - 0.05) * 10) / 10) if values.min() > 0.5 else 0.0
        ax.set_xlim(left, 1.08)
        ax.set_xticks(np.linspace(left, 1.0, round((1.0 - left) / (0.05 if left >= 0.7 else 0.1)) + 1))
        _pct_axis(ax)
        ax.xaxis.grid(True)
        ax.tick_params(axis="y", length=0, labelsize=8 if n <= 20 else 7)
        ax.spines["left"].set_visible(False)
        _legend_on_top(ax, 2)
    if title is None:
        title = f"Xếp hạng các đơn vị theo {label(metric).lower()}"
    spread = f"Trung vị {_short_pct(median)}; nửa giữa các đơn vị từ {_short_pct(q1)} đến {_short_pct(q3)}."
    return _finish(fig, title, synthetic=synthetic, note=note or spread)
