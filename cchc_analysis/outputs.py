"""Writing files safely: atomic writes, and CSV cells that a spreadsheet will not run as formulas.

Every file the package writes goes through here. A write either lands complete under its final name or leaves
nothing behind: the data goes to a temporary file in the same folder, which is renamed into place
(``os.replace``, atomic on one file system) only once it is fully written.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

#: First characters that make Excel, LibreOffice or Google Sheets read a text cell as a formula.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)*(?:[eE][+-]?\d+)?$")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _temp_sibling(path: Path) -> Path:
    """A fresh name in ``path``'s folder, hidden, keeping the suffix (writers such as openpyxl look at it)."""
    return path.with_name(f".{path.stem}.{secrets.token_hex(6)}.tmp{path.suffix}")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it is renamed to ``path``, on failure deleted.

    For writers that want a file name rather than bytes (openpyxl, a browser printing a PDF). The parent folder
    is created if needed. The temporary file does not exist when yielded; the writer must create it.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "bang.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("xin chào", encoding="utf-8")
    >>> target.read_text(encoding="utf-8")
    'xin chào'
    """
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_sibling(final)
    try:
        yield tmp
        if not tmp.exists():
            raise FileNotFoundError(f"nothing was written to the temporary file for {final}")
        os.replace(tmp, final)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError) and exc.filename in (None, str(tmp)):
            exc.filename = str(final)  # name the file the user asked for, not our temporary one
        raise


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder, flushed, then renamed).

    Returns the final path. The file gets the usual permissions (``0666`` less the umask).
    """
    final = Path(path)
    with atomic_path(final) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):  # Windows ignores most mode bits
            os.chmod(tmp, 0o666 & ~_umask())
    return final


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; newlines are written as given (no platform translation)."""
    return atomic_write_bytes(path, text.encode(encoding))


def neutralise_formula(value: object) -> object:
    """Make a text cell safe to open in a spreadsheet: prefix ``'`` when it would start a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, unless
    the text is just a number (``"-5"``, ``"+1,5"``). Anything that is not a string is returned unchanged.

    Examples
    --------
    >>> neutralise_formula("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_formula("-5"), neutralise_formula(-5), neutralise_formula("Hộ tịch")
    ('-5', -5, 'Hộ tịch')
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_PREFIXES):
        return value
    if _NUMBER.match(value):
        return value
    return "'" + value


_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_cell_text(value: object) -> object:
    """A text cell safe for an xlsx sheet: formula-like text neutralised, control characters (which the xlsx
    format cannot hold, and openpyxl refuses) removed. Anything that is not a string is returned unchanged.

    Examples
    --------
    >>> xlsx_cell_text("=1+1"), xlsx_cell_text("Hộ" + chr(0) + " tịch" + chr(26)), xlsx_cell_text(7)
    ("'=1+1", 'Hộ tịch', 7)
    """
    if not isinstance(value, str):
        return value
    return neutralise_formula(_XLSX_ILLEGAL.sub("", value))


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names are passed through :func:`neutralise_formula`."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype):
            out[col] = s.map(neutralise_formula, na_action="ignore")
        elif isinstance(s.dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(
            s.cat.categories.dtype
        ):
            out[col] = s.cat.rename_categories(lambda c: neutralise_formula(c))
    out.columns = [neutralise_formula(c) for c in out.columns]
    return out


def write_csv(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    index: bool = False,
    encoding: str = "utf-8-sig",
    **to_csv_kwargs: object,
) -> Path:
    """Write ``df`` as CSV atomically, with formula-like text cells neutralised.

    The default encoding is UTF-8 with a byte-order mark so that Excel shows Vietnamese diacritics; the
    package's loaders read it back unchanged. Extra keyword arguments go to :meth:`pandas.DataFrame.to_csv`.
    """
    text = neutralise_frame(df).to_csv(index=index, lineterminator="\n", **to_csv_kwargs)
    return atomic_write_text(path, text, encoding=encoding)
