"""A folder of dossier exports: which files to read, and reading them as one.

One listing rule for every command (``kpis``, ``bieu06``, ``validate``, ``briefing --dossiers FOLDER``):

- files of every format the loader reads (CSV/TSV/TXT, Excel .xlsx/.xlsm/.xlsb/.xls/.ods, Parquet), in the folder
  and its sub-folders (a province folder of commune folders), in a stable order: by path, folder by folder;
- skipped and named in a note: Excel and LibreOffice lock files (``~$…``, ``.~lock.…#``), hidden files and folders
  (``.…``), temporary files (``~…``, ``…~``, ``.tmp``, ``.temp``, ``.part``, ``.crdownload``) and files of other
  types;
- a readable file that is not a dossier export (no header row with the required columns,
  :class:`~cchc_analysis.errors.NotADossierExport`) is named in a note and skipped, unless ``strict``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_analysis.errors import InputError, NotADossierExport
from cchc_analysis.loaders.accounting import LoadResult, RowAccounting
from cchc_analysis.loaders.sniffing import CSV_EXTENSIONS, EXCEL_EXTENSIONS, PARQUET_EXTENSIONS
from cchc_analysis.loaders.unit_name import own_unit, place, with_unit_column
from cchc_analysis.loaders.vocabulary import VOCABULARY_FILE_NAME, load_vocabulary

#: Every suffix the loader reads.
DOSSIER_SUFFIXES: frozenset[str] = CSV_EXTENSIONS | EXCEL_EXTENSIONS | PARQUET_EXTENSIONS
_TEMPORARY_SUFFIXES = frozenset({".tmp", ".temp", ".part", ".partial", ".crdownload", ".swp"})
#: At most this many names are listed in one note.
_NOTE_NAMES = 10


@dataclass
class FolderListing:
    """The files to read, and one Vietnamese note per kind of file skipped."""

    files: list[Path]
    notes: list[str] = field(default_factory=list)
    folder: Path | None = None  # None: a single file was named

    def name(self, path: Path) -> str:
        """A file's name as notes show it: relative to the folder."""
        return str(path.relative_to(self.folder)) if self.folder is not None else path.name


def _skip_kind(name: str) -> str | None:
    """Why a file name is skipped (a note's wording), or None to read it."""
    suffix = Path(name).suffix.lower()
    if name.lower() == VOCABULARY_FILE_NAME:
        return "tệp từ vựng (dùng để đọc các tệp khác)"
    if name.startswith("~$") or name.startswith(".~lock."):
        return "tệp khóa của Excel/LibreOffice"
    if name.startswith("."):
        return "tệp ẩn"
    if name.startswith("~") or name.endswith("~") or suffix in _TEMPORARY_SUFFIXES:
        return "tệp tạm"
    if suffix not in DOSSIER_SUFFIXES:
        return "tệp không phải dạng dữ liệu đọc được (CSV, Excel, Parquet)"
    return None


def _names(names: list[str]) -> str:
    shown = ", ".join(f"«{n}»" for n in names[:_NOTE_NAMES])
    return shown + (f" và {len(names) - _NOTE_NAMES} tệp khác" if len(names) > _NOTE_NAMES else "")


def list_dossier_files(path: str | Path) -> FolderListing:
    """The dossier files ``path`` names: the file itself, or the files of a folder and its sub-folders.

    Raises
    ------
    InputError
        ``path`` does not exist, or the folder holds no file the loader reads.
    """
    p = Path(path)
    if not p.exists():
        raise InputError("Không tìm thấy tệp", "File not found", file=p)
    if not p.is_dir():
        return FolderListing([p])
    files: list[Path] = []
    skipped: dict[str, list[str]] = {}
    for f in sorted(p.rglob("*"), key=lambda f: f.relative_to(p).parts):
        relative = f.relative_to(p)
        if any(part.startswith(".") for part in relative.parts[:-1]):
            continue  # inside a hidden folder (.git): not the user's data
        if not f.is_file():
            if f.is_dir() and f.name.startswith("."):
                skipped.setdefault("thư mục ẩn", []).append(str(relative))
            continue
        kind = _skip_kind(f.name)
        if kind is None:
            files.append(f)
        else:
            skipped.setdefault(kind, []).append(str(relative))
    notes = [f"Bỏ qua {len(names)} {kind} trong thư mục: {_names(names)}." for kind, names in skipped.items()]
    if not files:
        listed = ", ".join(sorted(DOSSIER_SUFFIXES))
        raise InputError(
            f"Thư mục không có tệp hồ sơ nào ({listed})" + (" — " + " ".join(notes) if notes else ""),
            f"The folder holds no dossier file ({listed})",
            file=p,
        )
    return FolderListing(files, notes, p)


def no_readable_export(listing: FolderListing, notes: list[str]) -> InputError:
    """The error for a folder none of whose files is a dossier export (the notes name the files skipped)."""
    return InputError(
        "Thư mục không có tệp danh sách hồ sơ nào đọc được — " + " ".join(notes),
        "The folder holds no readable dossier export",
        file=listing.folder,
    )


def skipped_note(listing: FolderListing, path: Path, error: NotADossierExport) -> str:
    """The note for a file of a folder that is not a dossier export."""
    return f"Bỏ qua tệp «{listing.name(path)}»: không phải tệp danh sách hồ sơ ({error.message_vi})."


def load_path(
    path: str | Path,
    *,
    strict: bool = False,
    load: Callable[..., LoadResult] | None = None,
    **options: object,
) -> LoadResult:
    """Load a dossier file, or every dossier file of a folder as one (see the module docstring).

    A folder's files are loaded one after the other with their ids tracked, so that an id repeated in a later
    file is rejected as a duplicate, exactly as in their concatenation. The result's ``source`` is the folder, its
    ``sha256`` the hash of the files' names and hashes, its ``notes`` the folder's notes then each file's.

    Parameters
    ----------
    path : str or Path
        A dossier export (as :func:`~cchc_analysis.loaders.load_dossiers` reads) or a folder of them, read with
        its sub-folders.
    strict : bool
        As for :func:`~cchc_analysis.loaders.load_dossiers`; also makes a file that is not a dossier export fatal.
    load : callable, optional
        The loader (default :func:`~cchc_analysis.loaders.load_dossiers`).
    **options
        Passed to the loader.

    Examples
    --------
    >>> result = load_path("ho_so_2026/")  # doctest: +SKIP
    >>> result.accounting.as_dict()  # doctest: +SKIP
    {'read': 3099, 'loaded': 3099, 'excluded': 0, 'rejected': 0}
    """
    from cchc_analysis.dossier_ids import KnownIds
    from cchc_analysis.loaders.build import load_dossiers

    load = load or load_dossiers
    listing = list_dossier_files(path)
    if listing.folder is None:
        return load(listing.files[0], strict=strict, **options)
    # the folder's cchc_vocabulary.csv applies to every file in it, before the user's own files
    options["vocabulary"] = load_vocabulary(listing.folder, options.get("vocabulary"))
    known = KnownIds()
    results: list[LoadResult] = []
    notes = list(listing.notes)
    for f in listing.files:
        try:
            results.append(load(f, strict=strict, known_ids=known, **options))
        except NotADossierExport as error:
            if strict:
                raise
            notes.append(skipped_note(listing, f, error))
    if not results:
        raise no_readable_export(listing, notes)
    return combine_results(results, listing.folder, notes)


def combine_results(results: list[LoadResult], folder: Path, notes: list[str]) -> LoadResult:
    """One :class:`LoadResult` of the files of a folder (loaded with their ids tracked, see :func:`load_path`)."""
    digest = hashlib.sha256()
    for r in results:
        digest.update(f"{r.source.relative_to(folder)}\t{r.sha256}\n".encode())
    header_map: dict[str, str] = {}
    dropped: list[str] = []
    for r in results:
        header_map.update(r.header_map)
        dropped += [c for c in r.dropped_columns if c not in dropped]
    stated = [r.as_of for r in results if r.as_of is not None]
    totals = [r.stated_total for r in results]
    units = {r.unit_name for r in results}
    frames = [r.dossiers for r in results]
    own = [own_unit(r.dossiers, r.title_lines) for r in results]
    if len({place(u) for u in own if u}) > 1:  # several units' exports: each row says its commune
        for i, r in enumerate(results):
            if own[i] is None and "unit" not in r.dossiers.columns:  # named by neither column nor title rows
                own[i] = r.source.stem
                notes.append(
                    f"Tệp «{r.source.relative_to(folder)}» không ghi tên đơn vị (cột đơn vị hay dòng tiêu đề): "
                    f"dùng tên tệp «{own[i]}» làm tên đơn vị."
                )
        frames = [with_unit_column(f, u) for f, u in zip(frames, own, strict=True)]
    return LoadResult(
        dossiers=pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0],
        rejects=pd.concat([r.rejects for r in results], ignore_index=True),
        excluded=pd.concat([r.excluded for r in results], ignore_index=True),
        accounting=sum((r.accounting for r in results), RowAccounting(0, 0, 0, 0)),
        source=folder,
        sha256=digest.hexdigest(),
        synthetic=any(r.synthetic for r in results),
        header_map=header_map,
        dropped_columns=dropped,
        title_lines=[line for r in results for line in r.title_lines],
        id_hashes=np.concatenate([r.id_hashes for r in results]),
        notes=notes + [n for r in results for n in r.notes],
        stated_total=sum(totals) if all(t is not None for t in totals) else None,  # type: ignore[arg-type]
        as_of=max(stated) if stated else None,
        unit_name=units.pop() if len(units) == 1 else None,
    )
