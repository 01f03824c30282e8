"""``cchc doctor``: what the package found on this machine, what is missing, and the command that fixes each.

Works on any system (Windows, macOS, Linux) and never changes anything: it only looks.
"""

from __future__ import annotations

import platform
import shutil
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

#: Distributions the package and its briefings use (pyproject.toml's dependencies).
PACKAGES: tuple[str, ...] = (
    "pandas",
    "numpy",
    "pyarrow",
    "matplotlib",
    "openpyxl",
    "python-calamine",
    "babel",
    "nbconvert",
    "nbformat",
    "ipykernel",
    "papermill",
    "jupyterlab",
    "jupyterlab-language-pack-vi-vn",
)
#: Letters a font must have for Vietnamese text: ệ ờ ữ ặ đ.
VIETNAMESE_SAMPLE = "ệờữặđ"


@dataclass(frozen=True)
class Check:
    """One line of the report: what was looked at, what was found, and the fix when it is missing."""

    name: str
    ok: bool
    found: str
    fix: str = ""
    required: bool = True


def _pip_fix(name: str) -> str:
    return f'{sys.executable} -m pip install -c requirements.lock "{name}"'


def _browser_fix() -> str:
    if sys.platform == "win32":
        return "cài Microsoft Edge hoặc Google Chrome, hoặc đặt biến CCHC_BROWSER=<đường dẫn trình duyệt>"
    if sys.platform == "darwin":
        return "cài Google Chrome, hoặc đặt CCHC_BROWSER=<đường dẫn trình duyệt>"
    return "sudo apt-get install -y chromium (hoặc đặt CCHC_BROWSER=<đường dẫn trình duyệt>)"


def _libreoffice_fix() -> str:
    if sys.platform == "win32":
        return "winget install TheDocumentFoundation.LibreOffice (hoặc tải từ libreoffice.org)"
    if sys.platform == "darwin":
        return "brew install --cask libreoffice"
    return "sudo apt-get install -y --no-install-recommends libreoffice-calc"


def checks() -> list[Check]:
    """Look at the machine and return one :class:`Check` per item.

    Examples
    --------
    >>> names = [c.name for c in checks()]
    >>> names[0], "Trình duyệt in PDF" in names
    ('Python', True)
    """
    found: list[Check] = []
    py_ok = sys.version_info >= (3, 11)
    found.append(
        Check(
            "Python",
            py_ok,
            f"{platform.python_version()} ({sys.executable})",
            "cài Python ≥ 3.11 (Windows: py install 3.12, hoặc python.org)",
        )
    )
    for name in ("cchc_analysis", *PACKAGES):
        try:
            found.append(Check(name, True, version(name)))
        except PackageNotFoundError:
            optional = name == "jupyterlab-language-pack-vi-vn"
            found.append(Check(name, False, "chưa cài", _pip_fix(name), required=not optional))
    try:
        from cchc_analysis.resources import resource_dir

        where = ", ".join(str(resource_dir(n)) for n in ("notebooks", "data"))
        found.append(Check("Sổ tay và dữ liệu kèm gói", True, where))
    except Exception as exc:  # a broken installation: say it, do not stop the report
        found.append(
            Check(
                "Sổ tay và dữ liệu kèm gói", False, str(exc), "cài lại gói: pip install --force-reinstall ."
            )
        )
    from cchc_analysis.briefing import find_browser

    browser = find_browser()
    found.append(
        Check(
            "Trình duyệt in PDF",
            browser is not None,
            browser or "không tìm thấy",
            _browser_fix(),
            required=False,
        )
    )
    office = shutil.which("soffice") or shutil.which("libreoffice")
    found.append(
        Check(
            "LibreOffice (xem/in Biểu 06 không có Excel)",
            office is not None,
            office or "không tìm thấy",
            _libreoffice_fix(),
            required=False,
        )
    )
    found.append(_kernel_check())
    found.append(_font_check())
    return found


def _kernel_check() -> Check:
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        from cchc_analysis.briefing import KERNEL_NAME

        # The kernels of this environment only, as cchc briefing uses them (cchc_analysis.briefing).
        kernels = Path(sys.prefix) / "share" / "jupyter" / "kernels"
        specs = KernelSpecManager(kernel_dirs=[str(kernels)]).find_kernel_specs()
        if KERNEL_NAME in specs:
            return Check("Nhân Jupyter (kernel)", True, f"{KERNEL_NAME}: {specs[KERNEL_NAME]}")
        return Check(
            "Nhân Jupyter (kernel)",
            False,
            "chưa đăng ký (cchc briefing tự đăng ký khi chạy)",
            f"{sys.executable} -m ipykernel install --sys-prefix --name python3",
            required=False,
        )
    except Exception as exc:
        return Check("Nhân Jupyter (kernel)", False, str(exc), _pip_fix("ipykernel"))


def _font_check() -> Check:
    """Fonts with every Vietnamese letter: the charts' DejaVu Sans, and any other the system has."""
    try:
        from matplotlib import font_manager
        from matplotlib.ft2font import FT2Font
    except ImportError:
        return Check("Phông chữ tiếng Việt", False, "matplotlib chưa cài", _pip_fix("matplotlib"))
    families: list[str] = []
    for entry in font_manager.fontManager.ttflist:
        if entry.name in families or not entry.fname.lower().endswith((".ttf", ".otf")):
            continue
        try:
            charmap = FT2Font(entry.fname).get_charmap()
        except Exception:
            continue
        if all(ord(c) in charmap for c in VIETNAMESE_SAMPLE):
            families.append(entry.name)
    ok = "DejaVu Sans" in families
    shown = ", ".join(sorted(families)[:8]) + (" …" if len(families) > 8 else "")
    return Check(
        "Phông chữ tiếng Việt",
        ok,
        shown or "không có",
        _pip_fix("matplotlib") + " (DejaVu Sans đi kèm matplotlib)",
    )


def report(found: list[Check]) -> str:
    """The report as text: one line per check, ✓ or ✗, and the fix under each missing item."""
    lines = ["Kiểm tra môi trường cchc_analysis:"]
    for check in found:
        mark = "✓" if check.ok else ("✗" if check.required else "–")
        lines.append(f"  {mark} {check.name}: {check.found}")
        if not check.ok and check.fix:
            lines.append(f"      cách sửa: {check.fix}")
    missing = [c.name for c in found if not c.ok and c.required]
    lines.append("Thiếu: " + ", ".join(missing) if missing else "Đủ để chạy mọi lệnh (mục «–» là tùy chọn).")
    return "\n".join(lines)
