"""The notebooks: stored without outputs, narration and library calls only, and every one runs on the bundled data
without a warning (a missing glyph, a deprecation… anything written to stderr fails)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import briefing_builds
import nbformat
import pytest

from cchc_analysis import briefing

NOTEBOOKS = sorted(briefing.NOTEBOOKS_DIR.glob("*.ipynb"))
NAMES = [p.name for p in NOTEBOOKS]


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def test_the_three_notebooks_exist():
    assert {briefing.INSPECTION_NOTEBOOK, briefing.QUARTERLY_NOTEBOOK, briefing.EXPLORATION_NOTEBOOK} <= set(
        NAMES
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_stored_notebook_has_no_outputs(path):
    nb = _read(path)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"outputs stored in {path.name}"
            assert cell.execution_count is None
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_notebook_cells_only_call_the_library(path):
    """No function or class is defined in a notebook; each code cell is a statement or two."""
    for cell in _read(path).cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            assert not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda), (
                f"{path.name}: define functions in the library, not in the notebook"
            )
        if "parameters" in cell.metadata.get("tags", []):  # one literal assignment per parameter, any number
            assert all(isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant) for n in tree.body), (
                f"{path.name}: the parameters cell only assigns literals"
            )
            continue
        assert len(tree.body) <= 3, f"{path.name}: cell too long:\n{cell.source}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_no_date_typed_into_the_narrative(path):
    """Dates come from the period and the data, never typed into markdown."""
    for cell in _read(path).cells:
        if cell.cell_type == "markdown":
            assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b20\d\d-\d\d-\d\d\b", cell.source), cell.source


def test_quarterly_notebook_parameters():
    nb = _read(briefing.NOTEBOOKS_DIR / briefing.QUARTERLY_NOTEBOOK)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assignments = {}
    for node in ast.parse(tagged[0].source).body:
        assert isinstance(node, ast.Assign)
        assignments[node.targets[0].id] = ast.literal_eval(node.value)
    assert assignments == {
        "period": "2026-Q1",
        "dossiers": "",
        "previous_dossiers": "",
        "unit": "",
        "ranking": "",
        "targets": "",
    }


def _executed(name: str) -> nbformat.NotebookNode:
    if name == briefing.INSPECTION_NOTEBOOK:
        return nbformat.read(briefing_builds.inspection().result.notebook, as_version=4)
    return briefing.execute_notebook(briefing.NOTEBOOKS_DIR / name, {}, progress=lambda _: None)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_executes_on_bundled_data_without_warnings(name):
    nb = _executed(name)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    assert briefing.stderr_outputs(nb) == []  # includes matplotlib's "Glyph … missing from font(s)"
    shown = [c for c in nb.cells if c.cell_type == "code" and c.outputs]
    assert len(shown) >= 5
    images = [o for c in shown for o in c.outputs if "image/png" in o.get("data", {})]
    assert images, "no chart was drawn"
