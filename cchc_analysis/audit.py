"""The audit trail of a run: a run stamp (what went in, what came out, which code, when) and a log.

``cchc briefing`` writes both beside its exports (``run_stamp.json``, ``briefing.log``); ``cchc validate``,
``cchc kpis`` and ``cchc bieu06`` write them where ``--stamp PATH`` and ``--log PATH`` say. A stamp holds:

- ``command`` and ``parameters`` (the period, grouping, options — never the data);
- ``inputs``: each file read, with its SHA-256, row accounting (``read = loaded + excluded + rejected``), rejected
  rows by reason and whether it is synthetic; reference files with their SHA-256;
- ``outputs``: each file written, with its SHA-256;
- ``package_version``, ``git_commit`` (when the package runs from a clone), ``python``, ``created_at`` (local
  time with its UTC offset), ``duration_seconds``;
- ``privacy``: how officers' names were handled (pseudonyms with the user's key or the package's, or names
  kept) — see :mod:`cchc_analysis.privacy`.

Both files are written atomically (:mod:`cchc_analysis.outputs`). Neither carries a cell value of the data.
"""

from __future__ import annotations

import hashlib
import json
import platform
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path

from cchc_analysis.outputs import atomic_write_text

#: The clone's root when the package runs from a clone.
REPO_DIR = Path(__file__).resolve().parent.parent


def now_text() -> str:
    """The local time with its UTC offset, to the second (``2026-04-13T14:30:05+07:00``)."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def git_commit(repo: Path = REPO_DIR) -> str | None:
    """The commit checked out in ``repo`` (read from ``.git`` without running git), or None.

    Handles a branch (loose or packed ref), a detached head and a worktree (``.git`` as a file).
    """
    git = repo / ".git"
    try:
        if git.is_file():  # a worktree or submodule: "gitdir: <path>"
            pointer = git.read_text(encoding="utf-8").strip()
            if not pointer.startswith("gitdir:"):
                return None
            git = (repo / pointer.split(":", 1)[1].strip()).resolve()
        head = (git / "HEAD").read_text(encoding="utf-8").strip()
        if not head.startswith("ref:"):
            return head or None
        ref = head.split(":", 1)[1].strip()
        common = git
        commondir = git / "commondir"
        if commondir.is_file():
            common = (git / commondir.read_text(encoding="utf-8").strip()).resolve()
        for base in (git, common):
            ref_file = base / ref
            if ref_file.is_file():
                return ref_file.read_text(encoding="utf-8").strip() or None
        packed = common / "packed-refs"
        if packed.is_file():
            for line in packed.read_text(encoding="utf-8").splitlines():
                if line.endswith(" " + ref):
                    return line.split(" ", 1)[0]
    except OSError:
        return None
    return None


def package_version() -> str:
    """The installed version of cchc_analysis (``"unknown"`` when it cannot be told)."""
    import cchc_analysis

    version = getattr(cchc_analysis, "__version__", None)
    if version:
        return str(version)
    try:
        from importlib.metadata import version as dist_version

        return dist_version("cchc_analysis")
    except Exception:
        return "unknown"


def input_record(role: str, load) -> dict[str, object]:
    """What a stamp says about one loaded dossier file (a :class:`~cchc_analysis.loaders.LoadResult`)."""
    accounting = load.accounting
    rows = accounting.as_dict() if hasattr(accounting, "as_dict") else dict(vars(accounting))
    record: dict[str, object] = {
        "role": role,
        "file": str(load.source),
        "sha256": load.sha256,
        "rows": rows,
        "synthetic": bool(load.synthetic),
    }
    rejects = getattr(load, "rejects", None)
    if rejects is not None and "reason_code" in rejects:
        counts = rejects["reason_code"].value_counts().sort_index()
        record["rejects_by_reason"] = {str(k): int(v) for k, v in counts.items()}
    dropped = getattr(load, "dropped_columns", None)
    if dropped is not None:
        record["dropped_columns"] = len(dropped)  # how many, not which: headers may name people
    return record


def file_record(role: str, path: str | Path) -> dict[str, object]:
    """A file read or written, with its SHA-256."""
    return {"role": role, "file": str(path), "sha256": sha256_file(path)}


def privacy_record(officer_names: bool = False) -> dict[str, object]:
    """How personal data were handled in this run."""
    from cchc_analysis.privacy import PSEUDONYM_KEY_ENV, pseudonym_key_is_set

    if officer_names:
        officers = "names kept (--officer-names)"
    elif pseudonym_key_is_set():
        officers = f"pseudonyms keyed by {PSEUDONYM_KEY_ENV}"
    else:
        officers = "pseudonyms with the package's default key"
    return {
        "personal_columns": "dropped at load",
        "officers": officers,
        "identifiers_in_free_text": "masked at load and in every output",
    }


def run_stamp(
    command: str,
    *,
    started: float,
    parameters: Mapping[str, object] | None = None,
    inputs: Iterable[Mapping[str, object]] = (),
    outputs: Iterable[Mapping[str, object]] = (),
    officer_names: bool = False,
    **extra: object,
) -> dict[str, object]:
    """The run stamp of one run.

    Parameters
    ----------
    command : str
        ``"kpis"``, ``"bieu06"``, ``"briefing"`` …
    started : float
        ``time.monotonic()`` when the run began.
    parameters : mapping, optional
        The run's options (JSON-serialisable).
    inputs, outputs : iterable of dict
        From :func:`input_record` / :func:`file_record`.
    **extra
        More keys, placed after ``command`` and ``parameters``.
    """
    inputs = list(inputs)
    return {
        "command": command,
        "parameters": dict(parameters or {}),
        **extra,
        "package_version": package_version(),
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "created_at": now_text(),
        "duration_seconds": round(time.monotonic() - started, 1),
        "synthetic": any(bool(i.get("synthetic")) for i in inputs),
        "privacy": privacy_record(officer_names),
        "inputs": inputs,
        "outputs": list(outputs),
    }


def write_stamp(path: str | Path, stamp: Mapping[str, object]) -> Path:
    """Write a run stamp as indented UTF-8 JSON, atomically, its text masked (:func:`~cchc_analysis.privacy.mask_json`:
    a file name or ``--unit`` holding a phone number); hashes are kept."""
    from cchc_analysis.privacy import mask_json

    document = json.loads(json.dumps(stamp, ensure_ascii=False, default=str))
    return atomic_write_text(path, json.dumps(mask_json(document), ensure_ascii=False, indent=2) + "\n")


def _masked(message: object) -> str:
    from cchc_analysis.privacy import mask_personal_text

    return mask_personal_text(str(message))


class RunLog:
    """Timestamped lines of one run, written at the end (atomically) to a log file.

    A ``RunLog`` is callable, so it can stand where a ``progress`` callback is expected, and it can pass each
    line on to another callback (``echo``), e.g. the terminal.

    Examples
    --------
    >>> log = RunLog()
    >>> log("Đọc dữ liệu đầu vào…")
    >>> log.lines[0].endswith("Đọc dữ liệu đầu vào…")
    True
    """

    def __init__(self, echo=None) -> None:
        self.lines: list[str] = []
        self.echo = echo

    def __call__(self, message: object) -> None:
        self.note(message)
        if self.echo is not None:
            self.echo(_masked(message))

    def note(self, message: object) -> None:
        """Add a line to the log only (not echoed); personal numbers in it are masked."""
        for line in _masked(message).splitlines() or [""]:
            self.lines.append(f"{now_text()}  {line}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def write(self, path: str | Path) -> Path:
        """Write the log (UTF-8), atomically."""
        return atomic_write_text(path, self.text())
