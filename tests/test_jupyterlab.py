"""JupyterLab for Vietnamese users (issue 14): language pack, a monospace font with Vietnamese glyphs, quiet kernels.

``make setup`` copies ``cchc_analysis/templates/jupyterlab/overrides.json`` to the venv's ``share/jupyter/lab/settings/`` and
``cchc_analysis/templates/jupyterlab/ipython_kernel_config.json`` to its ``etc/ipython/`` (read by every kernel of that venv).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Letters whose tone marks detach in a monospace font without Vietnamese glyphs: ệ ờ ữ ặ.
VIETNAMESE = "1ec7 1edd 1eef 1eb7"


def test_vietnamese_language_pack_is_installed_and_selectable():
    from jupyterlab_server.translation_utils import get_language_packs

    packs, _ = get_language_packs("vi_VN")
    assert "vi_VN" in packs


def test_editor_font_has_vietnamese_glyphs_in_italic_too():
    settings = json.loads(
        (ROOT / "cchc_analysis" / "templates" / "jupyterlab" / "overrides.json").read_text(encoding="utf-8")
    )
    family = settings["@jupyterlab/codemirror-extension:plugin"]["defaultConfig"]["customStyles"][
        "fontFamily"
    ]
    names = [f.strip().strip("'\"") for f in family.split(",")]
    assert names[-1] == "monospace"
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig is not installed")
    found = subprocess.run(
        ["fc-list", f":charset={VIETNAMESE}:spacing=mono", "family", "style"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    first = next((n for n in names if n in found), None)
    assert first is not None, "no font of the list with Vietnamese glyphs on this machine"
    styles = " ".join(line for line in found.splitlines() if first in line)
    assert re.search(r"Oblique|Italic", styles), f"{first} has no italic with Vietnamese glyphs (comments)"


def test_make_setup_installs_both_files_into_the_venv():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert (
        "cp cchc_analysis/templates/jupyterlab/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json"
        in makefile
    )
    assert (
        "cp cchc_analysis/templates/jupyterlab/ipython_kernel_config.json $(VENV)/etc/ipython/ipython_kernel_config.json"
        in makefile
    )


def test_kernel_config_silences_the_tcp_warning(tmp_path):
    # The same file read from a profile folder (IPYTHONDIR) as from the venv's etc/ipython.
    profile = tmp_path / "ipython" / "profile_default"
    profile.mkdir(parents=True)
    shutil.copy(ROOT / "cchc_analysis" / "templates" / "jupyterlab" / "ipython_kernel_config.json", profile)

    def kernel_stderr(ipython_dir: Path | None, *options: str) -> str:
        env = dict(os.environ)
        if ipython_dir is not None:
            env["IPYTHONDIR"] = str(ipython_dir)
        kernel = subprocess.Popen(
            [sys.executable, "-m", "ipykernel_launcher", "-f", str(tmp_path / "connection.json"), *options],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )
        time.sleep(5)
        kernel.terminate()
        return kernel.communicate(timeout=30)[1].decode(errors="replace")

    # The warning exists at the default log level (given on the command line, which outranks any config file:
    # after `make setup` the venv's own etc/ipython already holds the file under test) ...
    assert "without encryption" in kernel_stderr(tmp_path / "empty", "--log-level=WARN")
    assert "without encryption" not in kernel_stderr(tmp_path / "ipython")  # ... and the file silences it
