"""Build a briefing: execute a notebook for one period, export it to HTML and PDF, stamp the run.

``build_briefing()`` with no arguments builds the 2026 inspection briefing (``notebooks/01_kiem_tra_2026.ipynb``)
from the bundled data into ``exports/2026-kiem-tra/``; with a period (``"2026-Q2"``) and a dossier file it builds
the quarterly briefing (``notebooks/02_bao_cao_quy.ipynb``) into ``exports/2026-Q2/``. Either way the folder gets:

- ``briefing.html`` — one self-contained file (charts embedded, nothing fetched from the network, code hidden,
  ``lang="vi"``, A4 print styles; template ``cchc_analysis/templates/cchc_briefing``);
- ``briefing.pdf`` — the same HTML printed by a Chromium-family browser (Chromium / Chrome, Edge on Windows;
  the ``CCHC_BROWSER`` environment variable names another one, ``CCHC_BROWSER=none`` skips the PDF);
- ``briefing.ipynb`` — the executed notebook, code and outputs, for whoever wants to check a number;
- ``run_stamp.json`` — the run stamp: period, package version, SHA-256 and row accounting of every input file, the
  SHA-256 of every output, the git commit of a clone, the time (:mod:`cchc_analysis.audit`);
- ``briefing.log`` — what the run did, line by line with the time (also written when the run fails).

Every file is written atomically (:mod:`cchc_analysis.outputs`). The notebook is executed with papermill's
parameter injection and nbclient, on the ``python3`` kernel of the running interpreter.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from cchc_analysis.audit import (  # noqa: F401  (sha256_file, git_commit: part of this module's interface)
    RunLog,
    file_record,
    git_commit,
    input_record,
    package_version,
    run_stamp,
    sha256_file,
    write_stamp,
)
from cchc_analysis.errors import InputError
from cchc_analysis.outputs import atomic_path, atomic_write_text
from cchc_analysis.periods import Period, parse_period
from cchc_analysis.resources import bundled_dir_or_expected, in_clone, resource_dir, resource_file

PACKAGE_DIR = Path(__file__).resolve().parent
#: The clone's root when the package runs from a clone (it has the notebooks next to the package).
REPO_DIR = PACKAGE_DIR.parent
#: The notebooks: package data of the installed wheel, or the clone's ``notebooks/`` (see :mod:`.resources`).
NOTEBOOKS_DIR = bundled_dir_or_expected("notebooks")
TEMPLATES_DIR = bundled_dir_or_expected("templates")
TEMPLATE_NAME = "cchc_briefing"

INSPECTION_NOTEBOOK = "01_kiem_tra_2026.ipynb"
QUARTERLY_NOTEBOOK = "02_bao_cao_quy.ipynb"
EXPLORATION_NOTEBOOK = "03_kham_pha.ipynb"
COMPARISON_NOTEBOOK = "05_so_sanh_don_vi.ipynb"
#: The province ranking notebook: REAL ranking data only, no dossier file (``--ranking``, ``--unit``).
RANKING_NOTEBOOK = "04_xep_hang_766.ipynb"
#: Export folder of the default briefing: the 2026 inspection (01/01/2026–13/04/2026, notice of April 2026).
INSPECTION_LABEL = "2026-kiem-tra"

KERNEL_NAME = "python3"
BROWSER_ENV = "CCHC_BROWSER"
#: Browser names searched on PATH, in order (Windows: Edge is found by its install paths too).
BROWSER_NAMES: tuple[str, ...] = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "msedge",
    "microsoft-edge",
    "microsoft-edge-stable",
)
#: Cell tags removed from the exported HTML (papermill's parameter cells).
HIDDEN_TAGS: tuple[str, ...] = ("parameters", "injected-parameters", "remove-cell", "remove_cell")

HTML_NAME = "briefing.html"
PDF_NAME = "briefing.pdf"
NOTEBOOK_NAME = "briefing.ipynb"
STAMP_NAME = "run_stamp.json"
LOG_NAME = "briefing.log"

Progress = Callable[[str], object]


@dataclass(frozen=True)
class BriefingResult:
    """What :func:`build_briefing` wrote. ``pdf`` is None when no browser was found."""

    period: str
    out_dir: Path
    html: Path
    pdf: Path | None
    notebook: Path
    stamp: Path
    message: str
    warnings: tuple[str, ...] = field(default=())
    log: Path | None = None


# --------------------------------------------------------------------------------------------------------------
# where things are


def default_exports_dir() -> Path:
    """``exports/`` of the clone when the package runs from one, else ``./exports``."""
    if in_clone():
        return REPO_DIR / "exports"
    return Path.cwd() / "exports"


def notebook_path(name: str) -> Path:
    """The notebook ``name`` (a file name in ``notebooks/`` or a path)."""
    p = Path(name)
    if not p.suffix:
        p = p.with_suffix(".ipynb")
    candidates = [p] if p.is_absolute() or p.exists() else [NOTEBOOKS_DIR / p.name, p]
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    if str(name) in (INSPECTION_NOTEBOOK, QUARTERLY_NOTEBOOK, EXPLORATION_NOTEBOOK):
        return resource_file("notebooks", str(name))  # one of ours missing: a broken installation (exit 1)
    raise InputError(
        f"Không tìm thấy sổ tay «{name}» (tìm trong {NOTEBOOKS_DIR})",
        f"Notebook {name!r} not found (looked in {NOTEBOOKS_DIR})",
    )


def bundled_dossiers_path() -> Path:
    """The bundled synthetic dossier file (calibrated to the notice's figures)."""
    from cchc_analysis.briefing_data import BUNDLED_DOSSIERS

    return resource_file("data", *BUNDLED_DOSSIERS.relative_to(BUNDLED_DOSSIERS.parents[1]).parts)


def notice_data_dir() -> Path:
    """``data/notice_2026/``: the figures, ranking snapshots, targets and findings of the notice."""
    from cchc_analysis.briefing_data import NOTICE_DIR

    resource_file("data", NOTICE_DIR.name, "reported_figures.csv")  # a broken installation is exit 1
    return resource_dir("data") / NOTICE_DIR.name


# --------------------------------------------------------------------------------------------------------------
# browser and PDF


def _windows_browser_paths() -> list[Path]:
    roots = [os.environ.get(v) for v in ("PROGRAMFILES(X86)", "PROGRAMFILES", "LOCALAPPDATA")]
    tails = [
        Path("Microsoft", "Edge", "Application", "msedge.exe"),
        Path("Google", "Chrome", "Application", "chrome.exe"),
        Path("Chromium", "Application", "chrome.exe"),
    ]
    return [Path(root) / tail for tail in tails for root in roots if root]


_MAC_BROWSERS: tuple[str, ...] = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
)


def find_browser() -> str | None:
    """The Chromium-family browser that prints the PDF, or None when there is none.

    ``CCHC_BROWSER`` comes first: a program name or path (an error if it names nothing), or ``none`` to skip the
    PDF. Then, on PATH: chromium, chromium-browser, google-chrome, google-chrome-stable (and msedge); on Windows
    Edge (always installed on Windows 10/11) or Chrome under ``%PROGRAMFILES(X86)%``, ``%PROGRAMFILES%`` or
    ``%LOCALAPPDATA%``; on macOS the usual applications.
    """
    wanted = os.environ.get(BROWSER_ENV, "").strip().strip('"')
    if wanted:
        if wanted.lower() in {"none", "0", "off", "false", "no", "khong"}:
            return None
        found = shutil.which(wanted) or (wanted if Path(wanted).is_file() else None)
        if found is None:
            raise InputError(
                f"Biến môi trường {BROWSER_ENV} chỉ tới trình duyệt không tồn tại",
                f"{BROWSER_ENV} names a browser that does not exist",
                value=wanted,
            )
        return str(found)
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    candidates: list[Path] = []
    if os.name == "nt":
        candidates = _windows_browser_paths()
    elif sys.platform == "darwin":
        candidates = [Path(p) for p in _MAC_BROWSERS]
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    return None


def _browser_command(browser: str, profile: str, *extra: str) -> list[str]:
    return [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--mute-audio",
        f"--user-data-dir={profile}",
        *extra,
    ]


#: Seconds the browser may take to print the PDF (``cchc briefing --pdf-timeout``): a briefing of a few dozen
#: pages prints in well under 30 s; past this the browser is stopped with all its child processes and the
#: command exits 2 (the HTML, notebook, run stamp and log are written; no PDF).
PDF_TIMEOUT = 120.0


class BrowserTimeout(RuntimeError):
    """The browser did not finish within its time limit (it and its child processes were stopped)."""

    def __init__(self, message: str, timeout: float) -> None:
        super().__init__(message)
        self.timeout = timeout


def _stop_process_tree(process: subprocess.Popen) -> None:
    """Kill ``process`` and every process it started (Chromium's renderer, GPU and zygote processes)."""
    if os.name == "nt":
        subprocess.run(
            ["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, check=False, timeout=30
        )
    else:
        import signal

        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)  # its own session: the group is the browser's alone
    with contextlib.suppress(OSError):
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def _run_browser(command: list[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run the browser with a hard time limit that also stops its child processes.

    Output goes to a temporary file, not a pipe: a child process that outlives the browser would hold a pipe
    open and keep the caller waiting after the time limit (``subprocess.run(timeout=)`` waits for it).
    """
    with tempfile.TemporaryFile() as out:
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=os.name != "nt",
                creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0) if os.name == "nt" else 0,
            )
        except OSError as exc:
            raise RuntimeError(f"cannot start the browser {command[0]}: {exc}") from None
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop_process_tree(process)
            raise BrowserTimeout(
                f"the browser did not finish within {timeout:g} s: {command[0]}", timeout
            ) from None
        if os.name != "nt":  # a child left behind after a normal exit is stopped too
            import signal

            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        out.seek(0)
        output = out.read()[-65536:]
    return subprocess.CompletedProcess(command, returncode, b"", output)


def _is_complete_pdf(path: Path) -> bool:
    """A PDF header at the start and the end-of-file marker in the last kilobyte."""
    if not path.is_file() or path.stat().st_size < 16:
        return False
    with open(path, "rb") as fh:
        head = fh.read(5)
        fh.seek(max(0, path.stat().st_size - 1024))
        tail = fh.read()
    return head == b"%PDF-" and b"%%EOF" in tail


def html_to_pdf(html: Path, pdf: Path, browser: str, *, timeout: float = PDF_TIMEOUT) -> Path:
    """Print ``html`` to ``pdf`` (atomically) with a headless Chromium-family browser.

    The page size and margins come from the HTML's CSS (``@page { size: A4 }``); the browser's own header and
    footer (file URL, date) are turned off. A fresh profile folder is used so that a running browser window
    cannot take the job over.

    Raises
    ------
    BrowserTimeout
        When the browser takes longer than ``timeout`` seconds (it is stopped with its child processes).
    RuntimeError
        When the browser fails or writes no PDF.
    """
    html = Path(html).resolve()
    with tempfile.TemporaryDirectory(prefix="cchc-browser-") as profile, atomic_path(pdf) as tmp:
        target = Path(tmp).resolve()
        command = _browser_command(
            browser, profile, "--no-pdf-header-footer", f"--print-to-pdf={target}", html.as_uri()
        )
        done = _run_browser(command, timeout)
        if not _is_complete_pdf(target):  # none, or half of one (a browser that crashed while writing)
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise RuntimeError(
                f"the browser wrote no PDF (exit code {done.returncode}): " + " | ".join(detail)
            )
    return Path(pdf)


def screenshot_html(
    html: Path, png: Path, browser: str, *, width: int = 1000, height: int = 1400, timeout: float = 120
) -> Path:
    """A PNG screenshot of the top of ``html`` as a headless browser shows it (for tests and checks)."""
    html = Path(html).resolve()
    with tempfile.TemporaryDirectory(prefix="cchc-browser-") as profile, atomic_path(png) as tmp:
        target = Path(tmp).resolve()
        command = _browser_command(
            browser,
            profile,
            "--hide-scrollbars",
            f"--window-size={width},{height}",
            f"--screenshot={target}",
            html.as_uri(),
        )
        done = _run_browser(command, timeout)
        if not target.is_file() or target.stat().st_size == 0:
            raise RuntimeError(f"the browser wrote no screenshot (exit code {done.returncode})")
    return Path(png)


# --------------------------------------------------------------------------------------------------------------
# executing a notebook


def _kernel_spec_manager():
    """Kernel specs of this interpreter's environment only, so ``python3`` is the kernel of ``sys.executable``.

    A ``python3`` kernel registered by another Python (in the user's Jupyter folder) would otherwise win and
    fail to import this package — the most reported papermill failure. Registers the kernel if it is missing.
    """
    from jupyter_client.kernelspec import KernelSpecManager

    kernels = Path(sys.prefix) / "share" / "jupyter" / "kernels"
    manager = KernelSpecManager(kernel_dirs=[str(kernels)])
    if KERNEL_NAME not in manager.find_kernel_specs():
        subprocess.run(
            [sys.executable, "-m", "ipykernel", "install", "--sys-prefix", "--name", KERNEL_NAME],
            check=True,
            capture_output=True,
        )
        manager = KernelSpecManager(kernel_dirs=[str(kernels)])
    return manager


def _kernel_env() -> dict[str, str]:
    """The kernel's environment: this package importable first, warnings shown, matplotlib inline."""
    env = dict(os.environ)
    parts = [str(PACKAGE_DIR.parent)]
    if env.get("PYTHONPATH"):
        parts.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(parts)
    env.pop("MPLBACKEND", None)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = (
        "1"  # the debugger's frozen-modules note is not a briefing warning
    )
    return env


def execute_notebook(
    path: Path,
    parameters: Mapping[str, object],
    *,
    progress: Progress = print,
    timeout: float = 600,
) -> nbformat.NotebookNode:
    """Execute the notebook at ``path`` with papermill-injected ``parameters``; return the executed notebook.

    The kernel runs in the notebook's folder. A failing cell raises ``RuntimeError`` naming the cell and the
    error; the partly executed notebook is attached as the exception's ``notebook`` attribute.
    """
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(path))  # gives every cell a ``tags`` list, which papermill relies on
    nb = parameterize_notebook(nb, dict(parameters), kernel_name=KERNEL_NAME, language="python")
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    total = len(code_cells)
    marks = {
        code_cells[int(total * q) - 1]: q for q in (0.25, 0.5, 0.75, 1.0) if total and int(total * q) >= 1
    }

    def on_cell_executed(cell_index: int, **_: object) -> None:
        if cell_index in marks:
            progress(f"  … đã chạy {code_cells.index(cell_index) + 1}/{total} ô ({marks[cell_index]:.0%})")

    km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=_kernel_spec_manager())
    client = NotebookClient(
        nb,
        km=km,
        kernel_name=KERNEL_NAME,
        timeout=timeout,
        startup_timeout=120,
        resources={"metadata": {"path": str(path.parent)}},
        on_cell_executed=on_cell_executed,
    )
    try:
        client.execute(env=_kernel_env(), stderr=subprocess.DEVNULL)
    except CellExecutionError as exc:
        # Bad input found inside the notebook: the same clean message as outside.
        if exc.ename == "InputError":
            vi, _, en = str(exc.evalue).partition(" | ")
            raise InputError(vi, en or vi) from None
        error = RuntimeError(f"notebook {path.name} failed: {exc.ename}: {exc.evalue}")
        error.notebook = nb  # type: ignore[attr-defined]
        raise error from None
    return nb


def stderr_outputs(nb: nbformat.NotebookNode) -> list[str]:
    """Everything the notebook's cells wrote to stderr (warnings): a clean briefing has none."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                text = "".join(output.get("text", "")).strip()
                if text:
                    found.append(text)
    return found


# --------------------------------------------------------------------------------------------------------------
# HTML


def _for_readers(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy for the HTML: no parameter cells, no code cells without output, no stderr."""
    reader_nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    cells = []
    for cell in reader_nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & set(HIDDEN_TAGS):
            continue
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.outputs
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
            if not cell.outputs:
                continue
        cells.append(cell)
    reader_nb.cells = cells
    return reader_nb


def _for_saving(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy to save as a file: the parameter cells (file paths, ``--unit``) and printed streams masked
    (:func:`cchc_analysis.privacy.mask_personal_text`); the data the cells show were masked at load."""
    from cchc_analysis.privacy import mask_personal_text

    saved = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in saved.cells:
        if set(cell.get("metadata", {}).get("tags", [])) & set(HIDDEN_TAGS):
            cell.source = mask_personal_text(cell.source)
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") == "stream":
                output["text"] = mask_personal_text(str(output.get("text", "")))
    return saved


def notebook_to_html(
    nb: nbformat.NotebookNode,
    *,
    title: str | None = None,
    synthetic: bool = False,
    footer: str | None = None,
) -> str:
    """The briefing HTML of an executed notebook: code hidden, self-contained, Vietnamese, A4 print styles."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        sanitize_html=False,
    )
    resources = {
        "metadata": {"name": title or "Báo cáo"},
        "cchc": {"title": title, "synthetic": synthetic, "footer": footer},
    }
    body, _ = exporter.from_notebook_node(_for_readers(nb), resources=resources)
    return body


# --------------------------------------------------------------------------------------------------------------
# the command


@dataclass(frozen=True)
class _Plan:
    notebook: Path
    label: str
    title: str
    parameters: dict[str, object]
    period: Period | None


def _load(path: Path, role: str, vocabulary: list[Path] | None = None, unit: str | None = None):
    from cchc_analysis.loaders import load_path

    return load_path(path, vocabulary=vocabulary, unit=unit)  # a file, or a folder of files


#: The user vocabulary files of a briefing, passed to its notebook's kernel (``os.pathsep``-separated paths; read
#: by :func:`cchc_analysis.briefing_data.load`).
VOCABULARY_ENV = "CCHC_VOCABULARY"


@contextlib.contextmanager
def _vocabulary_env(files: list[Path] | None):
    """Set :data:`VOCABULARY_ENV` for the notebook's kernel during the block, as it was afterwards."""
    before = os.environ.get(VOCABULARY_ENV)
    if files:
        os.environ[VOCABULARY_ENV] = os.pathsep.join(str(f) for f in files)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(VOCABULARY_ENV, None)
        else:
            os.environ[VOCABULARY_ENV] = before


def _check_covers(load, period: Period) -> None:
    """Refuse a period the data cannot speak for: after the cut-off, or before the data begin."""
    from cchc_analysis.loaders import data_period

    choice = data_period(load, period)  # raises for a period after the data's cut-off
    first = choice.covered.start if choice.covered is not None else None
    if first is None or first > period.end:
        raise InputError(
            f"Tệp hồ sơ không có số liệu của kỳ {period.label_vi}; tệp có {choice.span_text()}",
            f"The dossier file has no data for {period.label}",
            file=load.source,
        )


def _check_rejects(load, log: RunLog, max_rejected: float | None) -> None:
    """The load's notes and the alert on many rejected rows, as the command line says them."""
    from cchc_analysis.loaders import reject_alert

    for note in load.notes:
        log(f"Ghi chú: {note}")
    if max_rejected is not None:
        over = reject_alert(load.accounting, load.rejects, threshold=max_rejected)
        if over is not None:
            raise InputError(
                f"{over} Vượt quá mức cho phép --max-rejected {max_rejected:g}",
                f"{load.accounting.rejected} of {load.accounting.read} rows rejected, more than --max-rejected",
                file=load.source,
            )
    alert = reject_alert(load.accounting, load.rejects)
    if alert is not None:
        log(alert)


def _latest_quarter(load) -> Period:
    received = load.dossiers["received_at"].dropna()
    if received.empty:
        raise InputError("Tệp hồ sơ không có hồ sơ nào", "The dossier file has no dossiers", file=load.source)
    last = received.max()
    return parse_period(f"{last.year}-Q{(last.month - 1) // 3 + 1}")


def build_briefing(
    period: str | None = None,
    dossiers: Path | None = None,
    previous: Path | None = None,
    out_dir: Path | None = None,
    *,
    notebook: str | None = None,
    browser: str | None = None,
    progress: Progress = print,
    vocabulary: list[Path] | None = None,
    max_rejected: float | None = None,
    unit: str | None = None,
    ranking: Path | None = None,
    targets: Path | None = None,
    findings: Path | None = None,
    pdf_timeout: float = PDF_TIMEOUT,
) -> BriefingResult:
    """Execute a briefing notebook and write HTML, PDF, executed notebook and run stamp to ``<out_dir>/<period>/``.

    Parameters
    ----------
    period : str, optional
        The reporting period, e.g. ``"2026-Q2"`` (also ``"2026-04"``, ``"2026"``, ``"01/04/2026..30/06/2026"``).
        Without a period and without ``dossiers``: the 2026 inspection briefing, folder ``2026-kiem-tra``.
        Without a period but with ``dossiers``: the quarter of the latest dossier received.
    dossiers : Path, optional
        The dossier export (CSV / Excel / Parquet) or a folder of them; by default the bundled synthetic sample.
    previous : Path, optional
        The previous period's export, for the quarter-on-quarter comparison (by default the comparison uses the
        dossiers of the previous period found in ``dossiers``, if any).
    out_dir : Path, optional
        The exports folder; the files go to ``out_dir/<period>/``. Default: ``exports/`` of the clone, else
        ``./exports``.
    notebook : str, optional
        Another notebook of ``notebooks/`` (or a path) to execute with the same parameters.
    browser : str, optional
        The browser that prints the PDF; by default :func:`find_browser`.
    progress : callable
        Receives one Vietnamese line per step (``print`` by default; ``lambda s: None`` for silence); also the
        reading notes and the alert on many rejected rows.
    vocabulary : list of Path, optional
        User vocabulary files (see :func:`cchc_analysis.loaders.load_dossiers`), for this load and the notebook's.
    max_rejected : float, optional
        Refuse (:class:`InputError`) a dossier file with more than this share of rejected rows.
    unit : str, optional
        The unit's name; by default the one the dossier file gives (unit column or title rows).
    ranking, targets, findings : Path, optional
        The unit's ranking snapshots, targets and findings. Without them the notice's files of
        ``data/notice_2026/`` are used only when the unit is the notice's; otherwise the section is left out.
    pdf_timeout : float
        Seconds the browser may take to print the PDF (default :data:`PDF_TIMEOUT`, 120 s). Past it the browser is
        stopped with its child processes, the HTML, notebook, stamp and log are still written, no PDF is left,
        and :class:`InputError` is raised (exit 2).

    Returns
    -------
    BriefingResult

    Raises
    ------
    InputError
        Unknown period, unreadable dossier file, missing notebook, a ``CCHC_BROWSER`` that names nothing.
    RuntimeError
        The notebook failed (the partly executed notebook is written as ``briefing.failed.ipynb``) or the
        browser failed.
    """
    started = time.monotonic()
    log = RunLog(echo=progress)  # every progress line also goes to briefing.log
    progress = log
    dossier_path = Path(dossiers).expanduser().resolve() if dossiers else None
    previous_path = Path(previous).expanduser().resolve() if previous else None
    unit_files = {
        name: Path(p).expanduser().resolve() if p else None
        for name, p in (("ranking", ranking), ("targets", targets), ("findings", findings))
    }
    for p, what in (
        (dossier_path, "hồ sơ"),
        (previous_path, "hồ sơ kỳ trước"),
        (unit_files["ranking"], "xếp hạng"),
        (unit_files["targets"], "mục tiêu"),
        (unit_files["findings"], "kết luận kiểm tra"),
    ):
        if p is not None and not (
            p.exists() if what.startswith("hồ sơ") else p.is_file()
        ):  # dossiers: a folder too
            raise InputError(f"Không tìm thấy tệp {what}", f"File not found: {p}", file=p)

    if (
        notebook
        and notebook_path(notebook).name == RANKING_NOTEBOOK
        and dossier_path is None
        and period is None
    ):
        # real ranking data only: no dossier file is read, so nothing synthetic enters the briefing
        from cchc_analysis.ranking import PROVINCE_RANKING

        parameters_766: dict[str, object] = {
            "ranking": str(unit_files["ranking"] or PROVINCE_RANKING),
            "unit": (unit or "").strip(),
        }
        folder = (Path(out_dir).expanduser().resolve() if out_dir else default_exports_dir()) / "xep-hang-766"
        return _execute_and_export(
            notebook_path(notebook),
            parameters_766,
            folder,
            "xep-hang-766",
            "Xếp hạng các tỉnh, thành phố theo Bộ chỉ số 766",
            None,
            False,
            None,
            None,
            browser=browser,
            log=log,
            started=started,
            pdf_timeout=pdf_timeout,
        )

    # Load the inputs here too: the stamp needs their hashes and row accounting, and a bad file should stop the
    # run with a clear message before a kernel starts.
    progress("Đọc dữ liệu đầu vào…")
    vocabulary = [Path(v).expanduser().resolve() for v in vocabulary] if vocabulary else None
    current_load = _load(dossier_path or bundled_dossiers_path(), "dossiers", vocabulary, unit)
    previous_load = _load(previous_path, "previous_dossiers", vocabulary) if previous_path else None
    synthetic = bool(current_load.synthetic or (previous_load is not None and previous_load.synthetic))
    for load in (current_load, previous_load):
        if load is not None:
            a = load.accounting
            log.note(
                f"Tệp {load.source} (SHA-256 {load.sha256}): đọc {a.read} dòng = nạp {a.loaded} + loại trừ "
                f"{a.excluded} + bị từ chối {a.rejected}"
            )
            _check_rejects(load, log, max_rejected)

    named = {"unit": (unit or "").strip()} | {k: str(v) if v else "" for k, v in unit_files.items()}
    heading = f" — {current_load.unit_name}" if current_load.unit_name else ""
    parameters: dict[str, object] = {"dossiers": str(dossier_path) if dossier_path else ""} | named
    if period is None and dossier_path is None and previous_path is None:
        nb_path = notebook_path(notebook or INSPECTION_NOTEBOOK)
        label = INSPECTION_LABEL
        title = f"Kết luận kiểm tra công vụ, cải cách hành chính năm 2026{heading}"
        the_period = None
    else:
        the_period = parse_period(period) if period else _latest_quarter(current_load)
        _check_covers(current_load, the_period)
        nb_path = notebook_path(notebook or QUARTERLY_NOTEBOOK)
        label = the_period.label
        title = f"Báo cáo tình hình giải quyết thủ tục hành chính{heading} — {the_period.label_vi}"
        parameters = {
            "period": the_period.label,
            "dossiers": str(dossier_path) if dossier_path else "",
            "previous_dossiers": str(previous_path) if previous_path else "",
            "unit": named["unit"],
            "ranking": named["ranking"],
            "targets": named["targets"],
        }
    folder = Path(out_dir).expanduser().resolve() if out_dir else default_exports_dir()
    folder = folder / label

    try:
        with _vocabulary_env(vocabulary):
            return _execute_and_export(
                nb_path,
                parameters,
                folder,
                label,
                title,
                the_period,
                synthetic,
                current_load,
                previous_load,
                browser=browser,
                log=log,
                started=started,
                pdf_timeout=pdf_timeout,
            )
    except BaseException as exc:
        log.note(f"Lỗi, báo cáo chưa tạo xong: {type(exc).__name__}: {exc}")
        with contextlib.suppress(OSError):
            log.write(folder / LOG_NAME)
        raise


def _execute_and_export(
    nb_path: Path,
    parameters: dict[str, object],
    folder: Path,
    label: str,
    title: str,
    the_period: Period | None,
    synthetic: bool,
    current_load,
    previous_load,
    *,
    browser: str | None,
    log: RunLog,
    started: float,
    pdf_timeout: float = PDF_TIMEOUT,
) -> BriefingResult:
    progress = log
    progress(f"Chạy sổ tay {nb_path.name} cho kỳ {label}…")
    try:
        nb = execute_notebook(nb_path, parameters, progress=progress)
    except RuntimeError as exc:
        failed = getattr(exc, "notebook", None)
        if failed is not None:
            atomic_write_text(folder / "briefing.failed.ipynb", nbformat.writes(_for_saving(failed)))
            raise RuntimeError(f"{exc} (sổ tay đã chạy dở: {folder / 'briefing.failed.ipynb'})") from None
        raise
    warnings = stderr_outputs(nb)
    for text in warnings:
        progress("Cảnh báo trong sổ tay (không đưa vào báo cáo): " + text.splitlines()[-1])

    version = package_version()
    footer = ("Dữ liệu mô phỏng · " if synthetic else "") + f"cchc_analysis {version}"
    progress("Xuất HTML…")
    html_text = notebook_to_html(nb, title=title, synthetic=synthetic, footer=footer)
    html_path = atomic_write_text(folder / HTML_NAME, html_text)
    nb_out = atomic_write_text(folder / NOTEBOOK_NAME, nbformat.writes(_for_saving(nb)))

    pdf_path: Path | None = None
    pdf_failure: str | None = None
    timed_out: BrowserTimeout | None = None
    chosen = browser or find_browser()
    if chosen:
        progress(f"In PDF bằng {Path(chosen).name}…")
        try:
            pdf_path = html_to_pdf(html_path, folder / PDF_NAME, chosen, timeout=pdf_timeout)
        except BrowserTimeout as exc:  # stopped: the rest of the run is written, then exit 2
            timed_out = exc
            pdf_failure = str(exc)
            log.note(f"Lỗi khi in PDF: quá {pdf_timeout:g} giây, đã dừng trình duyệt ({exc})")
        except RuntimeError as exc:  # a broken browser: the HTML and the notebook still stand
            pdf_failure = str(exc)
            log.note(f"Lỗi khi in PDF: {pdf_failure}")
    if pdf_path is not None:
        pdf_note = f"PDF: {pdf_path}"
    else:
        stale = folder / PDF_NAME
        with contextlib.suppress(OSError):
            stale.unlink()  # never leave a PDF of an earlier run beside a newer HTML
        how = (
            "Cài Chromium (Debian/Ubuntu: apt-get install chromium) hoặc đặt biến môi trường CCHC_BROWSER trỏ tới "
            "chrome/msedge rồi chạy lại; hoặc mở briefing.html bằng trình duyệt và chọn In → Lưu thành PDF (khổ A4)."
        )
        pdf_note = (
            f"Chưa tạo được PDF: trình duyệt {Path(chosen).name} báo lỗi ({pdf_failure}). {how}"
            if pdf_failure
            else f"Chưa tạo PDF vì không tìm thấy trình duyệt Chromium/Chrome/Edge. {how}"
        )

    inputs = [input_record("dossiers", current_load)] if current_load is not None else []
    if previous_load is not None:
        inputs.append(input_record("previous_dossiers", previous_load))
    from cchc_analysis.briefing_data import is_notice_unit

    for kind in ("ranking", "targets", "findings"):
        if parameters.get(kind):
            inputs.append(file_record(kind, Path(str(parameters[kind]))))
    reference_dir = notice_data_dir()
    if (
        reference_dir.is_dir() and current_load is not None and is_notice_unit(current_load.unit_name)
    ):  # the notice serves its unit only
        inputs += [file_record("reference", p) for p in sorted(reference_dir.glob("*.csv"))]
    outputs = [file_record("html", html_path), file_record("notebook", nb_out)]
    if pdf_path is not None:
        outputs.append(file_record("pdf", pdf_path))
    stamp = run_stamp(
        "briefing",
        started=started,
        parameters=parameters,
        inputs=inputs,
        outputs=outputs,
        period=label,
        period_start=the_period.start.isoformat() if the_period else None,
        period_end=the_period.end.isoformat() if the_period else None,
        title=title,
        notebook=nb_path.name,
        browser=chosen,
        pdf_error=pdf_failure,
        notebook_warnings=warnings,
        log=LOG_NAME,
    )
    stamp["synthetic"] = synthetic
    stamp_path = write_stamp(folder / STAMP_NAME, stamp)
    message = f"Đã tạo báo cáo kỳ {label} trong {folder}: HTML {html_path.name}; {pdf_note}"
    log.note(message)
    log_path = log.write(folder / LOG_NAME)
    if timed_out is not None:
        raise InputError(
            f"Trình duyệt {Path(str(chosen)).name} không in xong PDF trong {pdf_timeout:g} giây nên đã bị dừng; "
            f"briefing.html và sổ đã chạy vẫn được tạo trong {folder}, không có briefing.pdf. Chạy lại với "
            "--pdf-timeout GIÂY lớn hơn, hoặc CCHC_BROWSER=none để bỏ qua PDF",
            f"The browser did not finish printing the PDF within {pdf_timeout:g} s and was stopped; the HTML and "
            "notebook were written, no PDF (raise --pdf-timeout, or set CCHC_BROWSER=none)",
        )
    return BriefingResult(
        period=label,
        out_dir=folder,
        html=html_path,
        pdf=pdf_path,
        notebook=nb_out,
        stamp=stamp_path,
        message=message,
        warnings=tuple(warnings),
        log=log_path,
    )
