"""Everything a briefing notebook shows, computed in one call from its parameters.

A notebook cell should call one or two library functions and show the result; the orchestration — which file,
which period, which previous period — lives here instead, once. The period and the data cut-off follow the one
policy of the loading layer, :func:`cchc_analysis.loaders.data_period`, as the command line does.

- :func:`quarter_data` for the quarterly briefing (``notebooks/02_bao_cao_quy.ipynb``),
- :func:`inspection_data` for the 2026 inspection (``notebooks/01_kiem_tra_2026.ipynb``),
- :func:`exploration_data` for the analysts' notebook (``notebooks/03_kham_pha.ipynb``).

All numbers come from :mod:`cchc_analysis.rates`, :mod:`~cchc_analysis.reconcile`, :mod:`~cchc_analysis.ranking`,
:mod:`~cchc_analysis.index766` and :mod:`~cchc_analysis.targets`; this module only decides what to compute.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from cchc_analysis.errors import InputError
from cchc_analysis.loaders import data_period
from cchc_analysis.loaders.tables import read_table
from cchc_analysis.periods import Period, parse_period, period_between, previous_period
from cchc_analysis.privacy import mask_personal_text  # file names shown in the briefing
from cchc_analysis.rates import processing_rates
from cchc_analysis.resources import bundled_dir_or_expected

PACKAGE_DIR = Path(__file__).resolve().parent
#: The bundled ``data/``: package data of the installed wheel, or the clone's top-level folder
#: (:func:`cchc_analysis.resources.resource_dir`).
DATA_DIR = bundled_dir_or_expected("data")
#: The bundled synthetic dossier file, calibrated to the notice's figures (SPEC §6).
BUNDLED_DOSSIERS = DATA_DIR / "synthetic" / "dossiers_dai_son_2026_mo_phong.csv"
#: The notice's own figures: reported figures, ranking snapshots, targets, findings (real, with sources).
NOTICE_DIR = DATA_DIR / "notice_2026"
REPORTED_FIGURES = NOTICE_DIR / "reported_figures.csv"
RANKING_SNAPSHOTS = NOTICE_DIR / "ranking_snapshots.csv"
TARGETS = NOTICE_DIR / "targets.csv"
FINDINGS = NOTICE_DIR / "findings.csv"
LEGAL_BASIS = NOTICE_DIR / "legal_basis.csv"

#: What the 766 what-if asks: the full-process online rate the notice sets as the Q2/2026 target.
WHAT_IF_INDICATOR = "full_online_rate"


def resolve_path(text: object, default: Path, *, folder: bool = False) -> Path:
    """A notebook parameter as a path: blank → ``default``; a missing file (or folder, when ``folder``) is an
    :class:`InputError`."""
    s = "" if text is None else str(text).strip()
    path = Path(s).expanduser() if s else default
    if not (path.is_file() or (folder and path.is_dir())):
        raise InputError("Không tìm thấy tệp", "File not found", file=path)
    return path


def load(path_text: object = "", unit: object = ""):
    """Load a dossier file or folder (blank → the bundled synthetic sample) with
    :func:`cchc_analysis.loaders.load_path`; ``unit`` (``--unit``) names the unit when given.

    The user vocabulary files of ``cchc briefing --vocabulary`` come through the environment variable
    ``CCHC_VOCABULARY`` (a ``cchc_vocabulary.csv`` beside the file is used anyway).
    """
    import os

    from cchc_analysis.loaders import load_path

    files = [f for f in os.environ.get("CCHC_VOCABULARY", "").split(os.pathsep) if f]
    return load_path(
        resolve_path(path_text, BUNDLED_DOSSIERS, folder=True),
        vocabulary=files or None,
        unit=str(unit or "").strip() or None,
    )


def reading_warnings(load, choice=None) -> list[str]:
    """What the briefing's first page shows in a warning box: the load's notes, the alert on many rejected rows
    (:func:`cchc_analysis.loaders.reject_alert`, the text the command line prints) and the period's notes."""
    from cchc_analysis.loaders import reject_alert

    warnings = list(getattr(load, "notes", None) or [])
    alert = reject_alert(load.accounting, load.rejects)
    if alert is not None:
        warnings.append(alert)
    return warnings + list(getattr(choice, "notes", None) or [])


# --------------------------------------------------------------------------------------------------------------
# whose data: the notice's files serve only the notice's unit


@functools.cache
def notice_unit() -> str | None:
    """The unit ``data/notice_2026/`` is about: the one unit of its ranking snapshots (``"Đại Sơn"``)."""
    if not RANKING_SNAPSHOTS.is_file():
        return None
    units = pd.read_csv(RANKING_SNAPSHOTS, dtype=str, encoding="utf-8-sig")["unit"].dropna().unique()
    return str(units[0]) if len(units) == 1 else None


def is_notice_unit(unit: str | None) -> bool:
    """Whether ``unit`` is the unit of the bundled notice data (by folded place name; None is no unit)."""
    from cchc_analysis.loaders.unit_name import same_unit

    return unit is not None and notice_unit() is not None and same_unit(unit, notice_unit())


def unit_label(unit: str | None) -> str:
    """The unit inside a sentence («xã Tân Lập»), or «đơn vị trong tệp» when the file names none."""
    from cchc_analysis.loaders.unit_name import in_sentence

    return in_sentence(unit) if unit else "đơn vị trong tệp"


#: What each unit-owned file fills, and the option that gives it: the line said when a section is left out.
_OMITTED: dict[str, tuple[str, str, str]] = {
    "ranking": ("tệp xếp hạng", "--ranking FILE", "phần xếp hạng"),
    "targets": ("tệp mục tiêu", "--targets FILE", "phần mục tiêu và thời hạn"),
    "findings": ("tệp kết luận kiểm tra", "--findings FILE", "phần tồn tại, hạn chế và kiến nghị"),
    "notice": ("Thông báo kết luận kiểm tra", "", "phần đối chiếu với số liệu công bố"),
}


def omitted_line(kind: str, unit: str | None) -> str:
    """«Chưa có tệp xếp hạng của xã Tân Lập (--ranking FILE) nên phần xếp hạng được bỏ qua.»"""
    what, option, section = _OMITTED[kind]
    given = f" ({option})" if option else ""
    return f"Chưa có {what} của {unit_label(unit)}{given} nên {section} được bỏ qua."


def _given(text: object) -> Path | None:
    s = "" if text is None else str(text).strip()
    return resolve_path(s, Path()) if s else None


def unit_file(kind: str, given: object, unit: str | None, bundled: Path) -> Path | None:
    """The file that fills section ``kind`` for ``unit``: the one given, else the bundled notice file when the
    unit is the notice's, else None (the section is left out)."""
    path = _given(given)
    if path is not None:
        return path
    return bundled if is_notice_unit(unit) and bundled.is_file() else None


def unit_targets(
    given: object, unit: str | None, by_month: pd.DataFrame, as_of: date, omitted: dict[str, str]
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The unit's targets table and the progress to each (``targets.target_progress`` at ``as_of``), or
    ``(None, None)`` with the line saying which file would fill the section added to ``omitted``."""
    from cchc_analysis.targets import load_targets, target_progress

    path = unit_file("targets", given, unit, TARGETS)
    if path is None:
        omitted["targets"] = omitted_line("targets", unit)
        return None, None
    table = load_targets(path)
    return table, target_progress(table, by_month, as_of)


def unit_trend(path: Path | None, unit: str | None) -> pd.DataFrame | None:
    """The rank trend of ``unit`` from a ranking file: its rows only when the file ranks several units."""
    from cchc_analysis.loaders.unit_name import same_unit
    from cchc_analysis.ranking import rank_trend, read_ranking_snapshots

    if path is None:
        return None
    snapshots = read_ranking_snapshots(path)
    if unit is not None:
        snapshots = snapshots[[same_unit(u, unit) for u in snapshots["unit"]]]
    elif snapshots["unit"].nunique() != 1:
        return None
    return rank_trend(snapshots) if len(snapshots) else None


def unit_ranking(given: object, unit: str | None) -> tuple[pd.DataFrame | None, str | None]:
    """The rank trend of ``unit`` (from the ranking file given, else the notice's for the notice's unit), and the
    line that replaces the section when there is none."""
    path = unit_file("ranking", given, unit, RANKING_SNAPSHOTS)
    trend = unit_trend(path, unit)
    if trend is not None:
        return trend, None
    if path is None:
        return None, omitted_line("ranking", unit)
    return (
        None,
        f"Tệp xếp hạng {mask_personal_text(path.name)} không có dòng nào của {unit_label(unit)} nên phần xếp hạng được bỏ qua.",
    )


@dataclass
class QuarterData:
    """The numbers of one quarterly briefing (see :func:`quarter_data`)."""

    period: Period
    counted: Period
    previous: Period
    load: object
    previous_load: object | None
    previous_source: str
    synthetic: bool
    rates: pd.DataFrame
    previous_rates: pd.DataFrame | None
    by_field: pd.DataFrame
    by_system: pd.DataFrame
    by_channel: pd.DataFrame
    by_month: pd.DataFrame
    history_by_month: pd.DataFrame
    targets: pd.DataFrame | None
    progress: pd.DataFrame | None
    deadlines: pd.DataFrame | None
    trend: pd.DataFrame | None
    as_of: date
    reading_warnings: list[str] = field(default_factory=list)
    unit: str | None = None
    omitted: dict[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """The data cover the whole period."""
        return self.counted.end == self.period.end


def quarter_data(
    period: str,
    dossiers: object = "",
    previous_dossiers: object = "",
    *,
    ranking: object = "",
    targets: object = "",
    unit: object = "",
) -> QuarterData:
    """Counts, rates, comparisons, targets and ranks for the quarterly briefing of ``period``.

    Parameters
    ----------
    period : str
        ``"2026-Q2"`` (any name :func:`~cchc_analysis.periods.parse_period` reads).
    dossiers : str or Path
        The period's dossier export; blank → the bundled synthetic sample.
    previous_dossiers : str or Path
        The previous period's export. Blank → the previous period is counted from ``dossiers`` when that file
        reaches back to the previous period's first day; otherwise there is no comparison.
    ranking, targets : str or Path
        The unit's ranking snapshots and targets files; blank → the notice's files in ``data/notice_2026/`` when
        the unit is the notice's, else none: the section is left out and ``omitted`` says which file fills it.
    unit : str
        The unit's name (``--unit``); blank → the name the file gives (``LoadResult.unit_name``).
    """
    the_period = parse_period(str(period))
    current = load(dossiers, unit)
    the_unit = current.unit_name
    omitted: dict[str, str] = {}
    frame = current.dossiers
    choice = data_period(current, the_period)  # refuses a period after the data's cut-off
    counted = choice.period
    first_day = choice.covered.start if choice.covered is not None else None
    before = previous_period(the_period)
    previous_load = None
    previous_rates = None
    if str(previous_dossiers or "").strip():
        previous_load = load(previous_dossiers)
        previous_rates = processing_rates(previous_load.dossiers, before)
        source = f"tệp {mask_personal_text(previous_load.source.name)}"
    elif first_day is not None and first_day <= before.start:
        previous_rates = processing_rates(frame, before)
        source = f"cùng tệp {mask_personal_text(current.source.name)}"
    else:
        source = "không có số liệu kỳ trước"
    synthetic = bool(current.synthetic or (previous_load is not None and previous_load.synthetic))

    history_start = min(d for d in (first_day, counted.start) if d is not None)
    history = period_between(history_start, counted.end)
    by_month_history = processing_rates(frame, history, by="month")

    from cchc_analysis.targets import deadline_status

    target_table, progress = unit_targets(targets, the_unit, by_month_history, counted.end, omitted)
    deadlines = deadline_status(target_table, counted.end) if target_table is not None else None
    trend, line = unit_ranking(ranking, the_unit)
    if trend is None:
        omitted["ranking"] = line
    else:
        trend = trend[pd.to_datetime(trend["date"]).dt.date <= the_period.end].reset_index(drop=True)
        if trend.empty:
            trend = None
    return QuarterData(
        period=the_period,
        counted=counted,
        previous=before,
        load=current,
        previous_load=previous_load,
        previous_source=source,
        synthetic=synthetic,
        rates=processing_rates(frame, counted),
        previous_rates=previous_rates,
        by_field=processing_rates(frame, counted, by="field") if "field" in frame else None,
        by_system=processing_rates(frame, counted, by="source_system") if "source_system" in frame else None,
        by_channel=processing_rates(frame, counted, by="channel") if "channel" in frame else None,
        by_month=processing_rates(frame, counted, by="month"),
        history_by_month=by_month_history,
        targets=target_table,
        progress=progress,
        deadlines=deadlines,
        trend=trend,
        as_of=counted.end,
        reading_warnings=reading_warnings(current, choice),
        unit=the_unit,
        omitted=omitted,
    )


@dataclass
class InspectionData:
    """The numbers of the 2026 inspection briefing (see :func:`inspection_data`).

    ``figures``, ``checks`` (the notice's printed figures), ``trend``, ``targets``, ``progress``, ``what_if`` and
    ``findings`` are None when no file of the unit fills them; ``omitted`` then holds the line saying which.
    """

    period: Period
    load: object
    synthetic: bool
    figures: pd.DataFrame | None
    checks: pd.DataFrame | None
    rates: pd.DataFrame
    by_field: pd.DataFrame | None
    by_system: pd.DataFrame | None
    by_channel: pd.DataFrame | None
    by_month: pd.DataFrame
    trend: pd.DataFrame | None
    scores: pd.DataFrame
    score_summary: pd.DataFrame
    what_if: dict | None
    targets: pd.DataFrame | None
    progress: pd.DataFrame | None
    findings: pd.DataFrame | None
    as_of: date
    today: date
    reading_warnings: list[str] = field(default_factory=list)
    unit: str | None = None
    omitted: dict[str, str] = field(default_factory=dict)
    legal_basis: pd.DataFrame | None = None


def read_findings(path: Path = FINDINGS) -> pd.DataFrame:
    """The notice's findings and recommendations (``id, kind, addressee, text, deadline, target_key, source,
    due_before``), deadlines as dates."""
    frame = read_table(
        path,
        required=("id", "kind", "text", "deadline"),
        what="tệp kết luận kiểm tra",
        what_en="findings file",
    ).reset_index(drop=True)
    frame["deadline"] = [pd.Timestamp(d).date() if d.strip() else pd.NaT for d in frame["deadline"]]
    return frame


def read_legal_basis(path: Path = LEGAL_BASIS) -> pd.DataFrame:
    """The documents the inspection rests on (``key, document, issued, issuer, subject, role, source``)."""
    required = ("document", "issued", "issuer", "subject", "role")
    return read_table(
        path, required=required, what="tệp căn cứ pháp lý", what_en="legal-basis file"
    ).reset_index(drop=True)


def rate_targets(targets: pd.DataFrame | None, period: Period | None = None) -> dict[str, float]:
    """``{metric: value}`` of the rate targets (``targets.load_targets`` output), optionally only those whose
    period overlaps ``period`` — for target lines on charts; empty without a targets table."""
    out: dict[str, float] = {}
    if targets is None:
        return out
    for _, t in targets[targets["kind"] == "target"].iterrows():
        overlaps = period is None or pd.isna(t.get("period_start"))
        if not overlaps and (t["period_start"] > period.end or t["period_end"] < period.start):
            continue
        out.setdefault(str(t["metric"]), float(t["value"]))
    return out


def findings_with_days_left(findings: pd.DataFrame, as_of: object, today: object) -> pd.DataFrame:
    """Findings and recommendations with the last allowed day and the days left at ``as_of`` and ``today``."""
    from cchc_analysis.targets import days_left

    out = findings.copy()
    due_before = out.get("due_before", pd.Series([""] * len(out))).astype(str).str.lower().eq("true")
    last_days, left_then, left_now = [], [], []
    for deadline, before in zip(out["deadline"], due_before, strict=True):
        if pd.isna(deadline):
            last_days.append(pd.NaT)
            left_then.append(pd.NA)
            left_now.append(pd.NA)
            continue
        last_days.append(deadline - pd.Timedelta(days=1) if before else deadline)
        left_then.append(days_left(deadline, as_of, due_before=bool(before)))
        left_now.append(days_left(deadline, today, due_before=bool(before)))
    out["last_day"] = last_days
    out["days_left_at_cutoff"] = pd.array(left_then, dtype="Int64")
    out["days_left_today"] = pd.array(left_now, dtype="Int64")
    return out


def inspection_data(
    dossiers: object = "",
    *,
    today: date | None = None,
    unit: object = "",
    ranking: object = "",
    targets: object = "",
    findings: object = "",
) -> InspectionData:
    """Everything the 2026 inspection briefing shows: the notice's figures against the data, reconciliation,
    ranks, the 766 what-if, target progress, findings with deadlines.

    The period is the one the export declares in its title lines («Từ ngày … đến ngày …»; the bundled sample
    declares the notice's period), else the first to the last receipt day; pass the real export of that period
    as ``dossiers`` to rerun the briefing on it. The notice's files (``data/notice_2026/``) are used only when
    the unit (``unit``, else the one the file names) is the notice's; ``ranking``, ``targets`` and ``findings``
    give another unit's own files.
    """
    from cchc_analysis import index766
    from cchc_analysis.reconcile import reconcile
    from cchc_analysis.reported import read_reported_figures

    current = load(dossiers, unit)
    the_unit = current.unit_name
    frame = current.dossiers
    choice = data_period(current)
    period = choice.period
    omitted: dict[str, str] = {}
    notice = is_notice_unit(the_unit)
    figures = read_reported_figures(REPORTED_FIGURES) if notice else None
    if figures is None:
        omitted["notice"] = omitted_line("notice", the_unit)
    rates = processing_rates(frame, period)
    trend, line = unit_ranking(ranking, the_unit)
    if trend is None:
        omitted["ranking"] = line
    scores = index766.score_766(rates)
    by_month = processing_rates(frame, period, by="month")
    target_table, progress = unit_targets(targets, the_unit, by_month, period.end, omitted)
    goal = rate_targets(target_table).get(WHAT_IF_INDICATOR)
    what_if = index766.what_if(rates, WHAT_IF_INDICATOR, goal) if goal is not None else None
    today = today or date.today()
    findings_path = unit_file("findings", findings, the_unit, FINDINGS)
    if findings_path is None:
        omitted["findings"] = omitted_line("findings", the_unit)
    return InspectionData(
        period=period,
        load=current,
        synthetic=bool(current.synthetic),
        figures=figures,
        checks=reconcile(figures) if figures is not None else None,
        rates=rates,
        by_field=processing_rates(frame, period, by="field") if "field" in frame else None,
        by_system=processing_rates(frame, period, by="source_system") if "source_system" in frame else None,
        by_channel=processing_rates(frame, period, by="channel") if "channel" in frame else None,
        by_month=by_month,
        trend=trend,
        scores=scores,
        score_summary=index766.summarise_766(scores),
        what_if=what_if,
        targets=target_table,
        progress=progress,
        findings=(
            findings_with_days_left(read_findings(findings_path), period.end, today)
            if findings_path
            else None
        ),
        as_of=period.end,
        today=today,
        reading_warnings=reading_warnings(current, choice),
        unit=the_unit,
        omitted=omitted,
        legal_basis=read_legal_basis() if notice else None,
    )


@dataclass
class ExplorationData:
    """Dossiers of one period for the analysts' notebook (see :func:`exploration_data`).

    :meth:`rates_by` and :meth:`counts_by` give None when the file lacks a grouping column (the charts and tables
    then say so in one line); :meth:`table` gives that line itself, for a cell that shows a frame.
    """

    period: Period
    load: object
    synthetic: bool
    dossiers: pd.DataFrame
    reading_warnings: list[str] = field(default_factory=list)
    unit: str | None = None
    #: ``{metric: target}`` of the unit's targets file (the notice's only for the notice's unit).
    targets: dict[str, float] = field(default_factory=dict)

    def has(self, by: str | list[str]) -> bool:
        """Whether the dossiers have every grouping column of ``by`` (``month``/``quarter`` always)."""
        names = [by] if isinstance(by, str) else list(by)
        return all(c in self.dossiers.columns or c in ("month", "quarter") for c in names)

    def rates_by(self, by: str | list[str]) -> pd.DataFrame | None:
        """``processing_rates`` of the period by ``by``; None when a grouping column is absent."""
        return processing_rates(self.dossiers, self.period, by=by) if self.has(by) else None

    def counts_by(self, by: str | list[str]) -> pd.DataFrame | None:
        """``count_dossiers`` of the period by ``by``; None when a grouping column is absent."""
        from cchc_analysis.rates import count_dossiers

        return count_dossiers(self.dossiers, self.period, by=by) if self.has(by) else None

    def table(self, by: str | list[str], columns: list[str] | None = None):
        """The rates by ``by`` as a frame (only ``columns`` if given, those present), or the line saying which
        column the file lacks."""
        from cchc_analysis.narrative import absent_section

        names = [by] if isinstance(by, str) else list(by)
        frame = self.rates_by(by)
        if frame is None:
            return absent_section([c for c in names if c not in self.dossiers.columns])
        return frame if columns is None else frame[[c for c in columns if c in frame.columns]]

    def group(self, by: str) -> str | None:
        """``by`` when the dossiers have that column, else None (the whole period as one group)."""
        return by if by in self.dossiers.columns else None


def exploration_data(
    dossiers: object = "", period: object = "", unit: object = "", targets: object = ""
) -> ExplorationData:
    """Load a dossier file for exploration; ``period`` blank → the period of
    :func:`cchc_analysis.loaders.data_period` (the title line's, else first to last receipt day); the unit's
    targets from ``targets`` (blank → the notice's, for the notice's unit only)."""
    from cchc_analysis.targets import load_targets

    current = load(dossiers, unit)
    frame = current.dossiers
    requested = parse_period(str(period)) if str(period or "").strip() else None
    choice = data_period(current, requested)

    targets_path = unit_file("targets", targets, current.unit_name, TARGETS)
    goals = rate_targets(load_targets(targets_path)) if targets_path is not None else {}
    return ExplorationData(
        choice.period,
        current,
        bool(current.synthetic),
        frame,
        reading_warnings(current, choice),
        current.unit_name,
        goals,
    )
