"""Module-level tables that many functions read are read-only: a caller cannot change a definition for everyone."""

from __future__ import annotations

import pytest

from cchc_analysis import charts, rates


@pytest.mark.parametrize(
    ("table", "key"),
    [
        (rates.RATE_DEFINITIONS, "early_rate"),
        (charts.STYLE, "font.size"),
    ],
)
def test_shared_tables_cannot_be_changed(table, key):
    before = table[key]
    with pytest.raises(TypeError):
        table[key] = before  # type: ignore[index]
    with pytest.raises(TypeError):
        del table[key]  # type: ignore[attr-defined]
    assert table[key] == before
