"""The unit a dossier file is about: from its unit column (one value) or its title rows («UBND XÃ TÂN LẬP»).

A one-stop export names its unit in the first title rows — «UBND XÃ TÂN LẬP», «TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG
XÃ TÂN LẬP», «ỦY BAN NHÂN DÂN PHƯỜNG …», «ĐẶC KHU …» — often on the same row as the national motto («CỘNG HÒA XÃ
HỘI CHỦ NGHĨA VIỆT NAM»), or in a unit column holding one value. The name is shown in proper case («Xã Tân Lập»);
:func:`same_unit` tells whether two names mean the same unit (``"Đại Sơn"`` and ``"Xã Đại Sơn"``).
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from cchc_analysis.text import fold

#: Kinds of unit at commune level, folded word by word → the kind as written in a name.
_KINDS: dict[tuple[str, ...], str] = {
    ("dac", "khu"): "Đặc khu",
    ("thi", "tran"): "Thị trấn",
    ("phuong",): "Phường",
    ("xa",): "Xã",
}
#: What may stand before the kind in a title row: the people's committee or its one-stop centre.
_MARKERS: tuple[tuple[str, ...], ...] = (
    ("ubnd",),
    ("uy", "ban", "nhan", "dan"),
    ("trung", "tam", "phuc", "vu", "hanh", "chinh", "cong"),
    ("trung", "tam", "pvhcc"),
    ("bo", "phan", "mot", "cua"),
)
#: Phrases that end a name (the motto, a report title, a province or district, a date line), in lower case with
#: their diacritics: folding would confuse «tỉnh» with «Tịnh Biên» or «kỳ» with «Kỳ Anh». The motto is matched
#: whole, since «Cộng Hòa» and «Độc Lập» are commune names too.
_STOP_PHRASES: tuple[tuple[str, ...], ...] = (
    ("cộng", "hòa", "xã", "hội"),
    ("cộng", "hoà", "xã", "hội"),
    ("độc", "lập", "tự", "do"),
    ("báo", "cáo"),
    ("danh", "sách"),
    ("từ", "ngày"),
    ("đến", "ngày"),
    ("ngày",),
    ("tỉnh",),
    ("thành", "phố"),
    ("huyện",),
    ("quận",),
    ("thị", "xã"),
    ("quý",),
    ("năm",),
    ("số",),
)
_PUNCTUATION = ".,;:()[]-–—|/"
_MAX_NAME_WORDS = 4


def proper_case(text: str) -> str:
    """Each word with a capital first letter and the rest lower case: ``"TÂN LẬP"`` → ``"Tân Lập"``."""
    words = unicodedata.normalize("NFC", str(text)).split()
    return " ".join(w[:1].upper() + w[1:].lower() for w in words)


def _starts_with(folded: Sequence[str], at: int, words: tuple[str, ...]) -> bool:
    return tuple(folded[at : at + len(words)]) == words


def _name_after(words: Sequence[str]) -> list[str]:
    """The name that starts ``words``: up to four words, ended by punctuation, a number (after the first word:
    «Phường 12» is a name, «… 2026» is a date) or a stop phrase."""
    lower = [unicodedata.normalize("NFC", w).lower().strip(_PUNCTUATION) for w in words]
    name: list[str] = []
    for i, word in enumerate(words):
        stripped = word.strip(_PUNCTUATION)
        if not stripped or len(name) == _MAX_NAME_WORDS:
            break
        if any(tuple(lower[i : i + len(p)]) == p for p in _STOP_PHRASES):
            break
        if name and any(c.isdigit() for c in stripped):
            break
        name.append(stripped)
        if word[-1:] in _PUNCTUATION:  # «XÃ TÂN LẬP,» or «XÃ TÂN LẬP -»: punctuation ends the name
            break
    return name


def _unit_in_words(words: list[str], *, need_marker: bool) -> str | None:
    """The first «<kind> <name>» in ``words``, in proper case; with ``need_marker`` only after a marker or at the
    start (so that «CỘNG HÒA XÃ HỘI …» is no commune)."""
    folded = [fold(w) for w in words]
    for at in range(len(words)):
        for kind_words, kind in _KINDS.items():
            if not _starts_with(folded, at, kind_words):
                continue
            before = folded[:at]
            if need_marker and at > 0 and not any(tuple(before[-len(m) :]) == m for m in _MARKERS):
                continue
            if kind == "Xã" and at > 0 and folded[at - 1] == "hoa":  # the motto's «CỘNG HÒA XÃ HỘI»
                continue
            name = _name_after(words[at + len(kind_words) :])
            if name:
                return f"{kind} {proper_case(' '.join(name))}"
    return None


def unit_from_titles(title_lines: Iterable[str]) -> str | None:
    """The unit named by the title rows above the header, e.g. ``["UBND XÃ TÂN LẬP CỘNG HÒA …"]`` → ``"Xã Tân
    Lập"``; None when no row names one.

    Examples
    --------
    >>> unit_from_titles(["UBND XÃ TÂN LẬP CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    'Xã Tân Lập'
    >>> unit_from_titles(["TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG HỒNG BÀNG", "Từ ngày 01/04/2026"])
    'Phường Hồng Bàng'
    >>> unit_from_titles(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]) is None
    True
    """
    for line in title_lines:
        found = _unit_in_words(str(line).split(), need_marker=True)
        if found:
            return found
    return None


def unit_from_value(value: object) -> str | None:
    """A unit column's value as a unit name: «Trung tâm PVHCC xã Đại Sơn» → «Xã Đại Sơn»; a value naming no
    commune, ward or special zone is kept as written (spaces collapsed)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = " ".join(unicodedata.normalize("NFC", str(value)).split())
    if not text:
        return None
    return _unit_in_words(text.split(), need_marker=False) or text


def unit_texts(values: pd.Series, limit: int = 2) -> set[str]:
    """Up to ``limit`` distinct non-blank values of a unit column, spaces collapsed (enough to tell one unit from
    several: :func:`unit_name_of_texts` of a file read in parts takes the union of its parts' sets)."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # the categories that occur, from a count of the codes
        codes = values.cat.codes.to_numpy()
        occurs = np.bincount(codes[codes >= 0].astype(np.intp), minlength=len(values.cat.categories)) > 0
        candidates: Iterable[object] = values.cat.categories[occurs]
    else:
        candidates = values.dropna().unique()
    distinct: set[str] = set()
    for v in candidates:
        text = " ".join(str(v).split())
        if text:
            distinct.add(text)
            if len(distinct) >= limit:  # several units: no need to look further
                break
    return distinct


def unit_name(
    dossiers: pd.DataFrame, title_lines: Iterable[str] = (), given: str | None = None
) -> str | None:
    """The unit a file is about: ``given`` (``--unit``), else a single value of the ``unit`` column, else the
    title rows; None when nothing names it."""
    texts = unit_texts(dossiers["unit"]) if "unit" in dossiers.columns else set()
    return unit_name_of_texts(texts, title_lines, given)


def unit_name_of_texts(
    texts: set[str], title_lines: Iterable[str] = (), given: str | None = None
) -> str | None:
    """:func:`unit_name` from the unit column's distinct texts (:func:`unit_texts`; for a file read in parts, the
    union of its parts' sets): ``given``, else the one text, else the title rows."""
    if given is not None and str(given).strip():
        return unit_from_value(given)
    from_column = unit_from_value(next(iter(texts))) if len(texts) == 1 else None
    return from_column or unit_from_titles(title_lines)


def place(name: object) -> str:
    """The folded place name without its kind: ``"Xã Đại Sơn"`` → ``"dai son"``, ``"Đại Sơn"`` → ``"dai son"``."""
    words = fold(str(name or "")).split()
    for kind_words in _KINDS:
        if tuple(words[: len(kind_words)]) == kind_words and len(words) > len(kind_words):
            return " ".join(words[len(kind_words) :])
    found = _unit_in_words(str(name or "").split(), need_marker=False)
    return place(found) if found and fold(found) != fold(str(name)) else " ".join(words)


def same_unit(a: object, b: object) -> bool:
    """Whether two names mean the same unit, by folded place name (``"Đại Sơn"`` and ``"XÃ ĐẠI SƠN"``)."""
    pa, pb = place(a), place(b)
    return bool(pa) and pa == pb


def in_sentence(name: str | None) -> str:
    """The name inside a sentence: the kind in lower case («xã Tân Lập»); a name without a kind unchanged."""
    if not name:
        return ""
    for kind in _KINDS.values():
        if name.startswith(kind + " "):
            return kind[:1].lower() + name[1:]
    return name


def fill_unit(values: pd.Series, unit: str | None) -> pd.Series:
    """A unit column (categorical or text) with its blank cells set to ``unit``; unchanged when ``unit`` is None
    or no cell is blank."""
    if unit is None or not values.isna().any():
        return values
    if isinstance(values.dtype, pd.CategoricalDtype) and unit not in values.cat.categories:
        values = values.cat.add_categories([unit])
    return values.fillna(unit)


def own_unit(dossiers: pd.DataFrame, title_lines: Iterable[str] = ()) -> str | None:
    """The unit a file itself names (its unit column's one value, else its title rows), whatever ``--unit`` says:
    in a folder of several units' exports, ``--unit`` picks the unit of interest, not every file's unit."""
    return unit_name(dossiers, title_lines, None)


def with_unit_column(dossiers: pd.DataFrame, unit: str | None, *, categorical: bool = False) -> pd.DataFrame:
    """The dossiers with a ``unit`` column naming each row's commune, for grouping several units' files.

    A file without a unit column gets ``unit`` (the name its title rows give); blank cells get it too; the
    values are written as :func:`unit_from_value` writes them («Trung tâm PVHCC xã Đại Sơn» → «Xã Đại Sơn»), so
    two files naming one commune differently group together. With no column and no ``unit``, unchanged.

    Each distinct value is rewritten once (a categorical column through its categories), then the rows take
    their value by code: no text work per row.

    Parameters
    ----------
    dossiers : DataFrame
        Canonical dossier frame.
    unit : str, optional
        The name for rows without one.
    categorical : bool
        Return the column as a categorical (of ``string`` categories) rather than a ``string`` column: cheaper
        for counting part by part, where the values are only grouped by.

    Examples
    --------
    >>> with_unit_column(pd.DataFrame({"dossier_id": ["A"]}), "Xã An")["unit"].tolist()
    ['Xã An']
    >>> d = pd.DataFrame({"unit": ["Trung tâm PVHCC xã Đại Sơn", None]})
    >>> with_unit_column(d, "Xã Đại Sơn")["unit"].tolist()
    ['Xã Đại Sơn', 'Xã Đại Sơn']
    """
    if "unit" not in dossiers.columns:
        if unit is None:
            return dossiers
        if categorical:
            column = pd.Categorical.from_codes(
                np.zeros(len(dossiers), dtype=np.int8), categories=pd.Index([unit], dtype="string")
            )
            return dossiers.assign(unit=pd.Series(column, index=dossiers.index))
        return dossiers.assign(unit=pd.Series(unit, index=dossiers.index, dtype="string"))
    values = dossiers["unit"]
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        distinct = list(values.cat.categories)
    else:
        codes, uniques = pd.factorize(values.astype("string"))  # blank → -1
        distinct = list(uniques)
    # The name of each distinct value, then of a blank cell (``unit``, possibly None), numbered anew: two values
    # may name one commune.
    with _NAMING:  # parts named by two threads: the second finds the first's names in the cache
        names = [_unit_from_text(str(v)) for v in distinct] + [unit]
    name_codes, name_values = pd.factorize(pd.array(names, dtype="string"))  # None → -1
    row_codes = name_codes[codes]  # code -1 (blank cell) takes the last name, ``unit``
    if categorical:
        column = pd.Categorical.from_codes(row_codes, categories=pd.Index(name_values, dtype="string"))
        return dossiers.assign(unit=pd.Series(column, index=dossiers.index))
    filled = pd.array(name_values, dtype="string").take(row_codes, allow_fill=True)
    return dossiers.assign(unit=pd.Series(filled, index=dossiers.index))


_NAMING = threading.Lock()


@functools.lru_cache(maxsize=65536)
def _unit_from_text(text: str) -> str | None:
    """:func:`unit_from_value` of a text, remembered: the same few thousand names come back in every part."""
    return unit_from_value(text)
