"""Where the package's own files are: notebooks, bundled data, templates and reference tables.

The repository keeps ``notebooks/`` and ``data/`` at its top level, where a user reads and edits them. The wheel
carries the same files as package data of ``cchc_analysis.notebooks`` and ``cchc_analysis.data``: ``pyproject.toml``
maps those two packages onto the top-level folders (``[tool.setuptools.package-dir]``), so there is one copy in the
repository and the installed package reads them with :mod:`importlib.resources`. Run from a clone (``PYTHONPATH``
or an editable install), the top-level folders are used directly.

A resource that is missing is a bug of the installation (:class:`PackageResourceError`, exit 1), never bad input.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PACKAGE = "cchc_analysis"
#: The clone's root when the package runs from one (its top-level ``notebooks/`` and ``data/``).
SOURCE_ROOT = Path(__file__).resolve().parent.parent
#: Bundled folders: the name inside the installed package and the folder of the clone.
BUNDLED_DIRS: dict[str, str] = {"notebooks": "notebooks", "data": "data", "templates": "templates"}


class PackageResourceError(RuntimeError):
    """A file the package ships with is missing: a broken installation (exit 1, a bug), not bad input."""


def _installed(name: str) -> Path | None:
    resource = files(PACKAGE).joinpath(name)
    if isinstance(resource, Path) and resource.is_dir():  # a wheel installed on a file system (not zipped)
        return resource
    return None


def resource_dir(name: str) -> Path:
    """The folder of a bundled resource: ``"notebooks"``, ``"data"`` or ``"templates"``.

    Parameters
    ----------
    name : {"notebooks", "data", "templates"}
        ``notebooks`` and ``data`` are package data of the installed wheel, or the clone's top-level folders;
        ``templates`` lives in the package in both cases.

    Raises
    ------
    PackageResourceError
        When the folder is in neither place.

    Examples
    --------
    >>> (resource_dir("notebooks") / "01_kiem_tra_2026.ipynb").is_file()
    True
    """
    if name not in BUNDLED_DIRS:
        raise ValueError(f"unknown bundled resource {name!r}")
    installed = _installed(name)
    if installed is not None:
        return installed
    clone = SOURCE_ROOT / BUNDLED_DIRS[name]
    if name != "templates" and clone.is_dir() and (SOURCE_ROOT / "pyproject.toml").is_file():
        return clone
    raise PackageResourceError(
        f"Thiếu thư mục «{name}» của gói cchc_analysis (cài đặt bị hỏng; cài lại gói) | "
        f"The package's {name!r} folder is missing (broken installation; reinstall the package): looked in "
        f"{files(PACKAGE)} and {clone}"
    )


def resource_file(name: str, *parts: str) -> Path:
    """A bundled file, e.g. ``resource_file("data", "synthetic", "dossiers_dai_son_2026_mo_phong.csv")``.

    Raises
    ------
    PackageResourceError
        When the file is missing from the installation.
    """
    path = resource_dir(name).joinpath(*parts)
    if not path.is_file():
        raise PackageResourceError(
            f"Thiếu tệp «{'/'.join((name, *parts))}» của gói cchc_analysis (cài đặt bị hỏng; cài lại gói) | "
            f"The package file {'/'.join((name, *parts))!r} is missing (broken installation): {path}"
        )
    return path


def bundled_dir_or_expected(name: str) -> Path:
    """:func:`resource_dir`, or where the clone would have it when it is missing (for module constants: the
    error is raised where the file is needed, by :func:`resource_file`, not when the package is imported)."""
    try:
        return resource_dir(name)
    except PackageResourceError:
        return SOURCE_ROOT / BUNDLED_DIRS[name]


def in_clone() -> bool:
    """True when the package runs from a clone of the repository (its notebooks beside the package)."""
    return _installed("notebooks") is None and (SOURCE_ROOT / "pyproject.toml").is_file()
