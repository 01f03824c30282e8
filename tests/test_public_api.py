"""The package's top level: what a notebook imports, documented (parameters and one example) and listed by help()."""

from __future__ import annotations

import doctest
import inspect
import pydoc
import re

import pytest

import cchc_analysis

FUNCTIONS = [n for n in cchc_analysis.__all__ if inspect.isfunction(getattr(cchc_analysis, n))]


def test_a_notebook_imports_what_it_needs_from_the_top_level():
    for name in (
        "load_dossiers",
        "load_path",
        "processing_rates",
        "count_dossiers",
        "parse_period",
        "as_period",
    ):
        assert name in cchc_analysis.__all__
        assert callable(getattr(cchc_analysis, name))


def documented_parameters(doc: str) -> set[str]:
    """Names in the numpydoc «Parameters» section (``a, b : type`` lines, ``**options``)."""
    section = re.search(r"Parameters\n-+\n(.*?)(?:\n\n[A-Z][a-z]+\n-+\n|\Z)", doc, re.S)
    if not section:
        return set()
    names: set[str] = set()
    for line in section.group(1).splitlines():
        if line and not line.startswith(" "):
            head = line.split(" : ")[0]
            names.update(n.strip().lstrip("*") for n in head.split(","))
    return names


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_exported_function_names_its_parameters_and_shows_an_example(name):
    function = getattr(cchc_analysis, name)
    doc = inspect.getdoc(function) or ""
    parameters = [p for p in inspect.signature(function).parameters if p != "self"]
    assert set(parameters) <= documented_parameters(doc), (
        f"{name}: undocumented {set(parameters) - documented_parameters(doc)}"
    )
    assert "Examples\n--------" in doc and ">>>" in doc, f"{name}: no example"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_the_examples_run(name):
    function = getattr(cchc_analysis, name)
    module = inspect.getmodule(function)
    tests = doctest.DocTestFinder().find(function, name, globs=dict(vars(module)))
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


def test_help_lists_the_functions():
    text = pydoc.render_doc(cchc_analysis, renderer=pydoc.plaintext)
    for name in ("load_dossiers", "processing_rates", "count_dossiers", "parse_period", "bieu06_table"):
        assert name in text
    assert "Quý II/2026" in text  # the module docstring says which period forms are read
