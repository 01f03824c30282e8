"""The wheel works installed anywhere (issue 14): it carries the notebooks, bundled data and templates.

``notebooks/`` and ``data/`` stay at the top of the repository (one copy); ``pyproject.toml`` maps them into the
wheel as package data, read through :mod:`cchc_analysis.resources`.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

from cchc_analysis import resources

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def expected_packages() -> set[str]:
    """Every folder of the package and of the mapped top-level folders that holds files."""
    names = set()
    roots = {"cchc_analysis": ROOT / "cchc_analysis"}
    roots.update({package: ROOT / folder for package, folder in CONFIG["package-dir"].items()})
    for package, folder in roots.items():
        for path in [folder, *folder.rglob("*")]:
            if (
                path.is_dir()
                and path.name not in ("__pycache__", ".ipynb_checkpoints")
                and any(f.is_file() for f in path.iterdir())
            ):
                names.add(".".join([package, *path.relative_to(folder).parts]))
    return names


def test_every_folder_of_the_package_is_in_the_wheel_list():
    listed = set(CONFIG["packages"])
    assert expected_packages() <= listed, expected_packages() - listed  # a new folder would miss the wheel
    for package in listed:  # and each listed name is a folder of the clone
        head, *rest = package.split(".")[1:] or [""]
        mapped = CONFIG["package-dir"].get(f"cchc_analysis.{head}")
        folder = (ROOT / mapped if mapped else ROOT / "cchc_analysis" / head).joinpath(*rest)
        assert folder.is_dir(), package


def test_in_a_clone_the_top_level_folders_are_read():
    assert resources.resource_dir("notebooks") == ROOT / "notebooks"
    assert resources.resource_dir("data") == ROOT / "data"
    assert resources.resource_file("data", "synthetic", "dossiers_dai_son_2026_mo_phong.csv").is_file()
    with pytest.raises(resources.PackageResourceError, match="cài đặt bị hỏng"):
        resources.resource_file("data", "khong_co.csv")


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CCHC_DEBUG")}
    # nbconvert's templates and the kernel spec are data files under the prefix of the environment that
    # installed them (``share/jupyter``); the dependencies borrowed from the test's environment bring theirs.
    shared = str(Path(sys.prefix) / "share" / "jupyter")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (env.get("JUPYTER_PATH"), shared) if p)
    return env


def _build_wheel(tmp: Path) -> Path:
    import setuptools

    # Offline with the environment's setuptools when it is new enough (pyproject needs >= 77), else pip fetches it.
    flags = ["--no-build-isolation"] if int(setuptools.__version__.split(".")[0]) >= 77 else []
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", *flags, "-w", str(tmp), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
        env=_clean_env(),
    )
    (wheel,) = tmp.glob("cchc_analysis-*.whl")
    return wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv (seeing the test venv's dependencies) with the built wheel installed, not editable."""
    tmp = tmp_path_factory.mktemp("wheel")
    wheel = _build_wheel(tmp)
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
        env=_clean_env(),  # with the clone on PYTHONPATH, pip would take the wheel as installed already
    )
    # Then the dependencies come from the test's own environment (offline and fast): its site-packages are
    # added after the new venv's own (a plain path: the test venv's editable install of the clone is not seen;
    # added after pip ran, so that pip installs into the fresh venv and never touches the test's environment).
    target = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (target / "_test_dependencies.pth").write_text(
        "\n".join(p for p in site.getsitepackages() if Path(p).is_dir()) + "\n", encoding="utf-8"
    )
    return env_dir


def _run(env_dir: Path, cwd: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    env = _clean_env()
    cchc = env_dir / ("Scripts/cchc.exe" if os.name == "nt" else "bin/cchc")
    return subprocess.run(
        [str(cchc), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_wheel_carries_notebooks_data_and_templates(installed):
    python = installed / "bin" / "python"
    code = (
        "import cchc_analysis, sys; from cchc_analysis import resources as r; "
        "print(cchc_analysis.__file__); print(r.resource_dir('notebooks')); print(r.resource_dir('data'))"
    )
    env = _clean_env()
    out = subprocess.run(
        [str(python), "-c", code], cwd=installed, env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert all(str(installed) in line for line in out), out  # the wheel's copy, not the clone's
    assert (Path(out[1]) / "01_kiem_tra_2026.ipynb").is_file()
    assert (Path(out[2]) / "synthetic" / "dossiers_dai_son_2026_mo_phong.csv").is_file()


def test_briefing_from_an_empty_folder(installed, tmp_path):
    empty = tmp_path / "trong"
    empty.mkdir()
    done = _run(installed, empty, "briefing")
    assert done.returncode == 0, done.stderr
    html = list(empty.glob("exports/*/briefing.html"))
    assert len(html) == 1
    assert "Dữ liệu mô phỏng" in html[0].read_text(encoding="utf-8")
    from cchc_analysis.briefing import find_browser

    if find_browser() is not None:
        assert (html[0].parent / "briefing.pdf").stat().st_size > 10_000


def test_a_missing_package_file_is_a_bug_not_bad_input(installed, tmp_path):
    package = next((installed / "lib").glob("python*/site-packages")) / "cchc_analysis"
    notebook = package / "notebooks" / "01_kiem_tra_2026.ipynb"
    hidden = notebook.with_suffix(".bak")
    notebook.rename(hidden)
    try:
        done = _run(installed, tmp_path, "briefing", timeout=300)
    finally:
        hidden.rename(notebook)
    assert done.returncode == 1, done.stderr
    assert "cài đặt bị hỏng" in done.stderr and "Lỗi dữ liệu đầu vào" not in done.stderr
