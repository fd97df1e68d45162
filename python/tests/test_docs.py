"""The example notebook in docs/examples runs from top to bottom, shows its chart, writes
nothing where it runs, and shows the same output every time."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "examples" / "getting-started.ipynb"


def run_notebook(cwd: Path) -> Any:
    """The notebook executed in ``cwd``."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    before = os.getcwd()
    os.chdir(cwd)
    try:
        nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    finally:
        os.chdir(before)
    return nb


def outputs_of(nb: Any) -> list[list[dict[str, Any]]]:
    """Each code cell's outputs, as plain JSON."""
    return [json.loads(json.dumps(cell.outputs)) for cell in nb.cells if cell.cell_type == "code"]


def test_getting_started_notebook_executes_and_repeats_itself(tmp_path: Path) -> None:
    first = run_notebook(tmp_path)
    outputs = [o for cell in outputs_of(first) for o in cell]
    assert not [o for o in outputs if o["output_type"] == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any('<figure class="chart" id="chart-balance"><svg' in h for h in html), "the report"
    svg = [o["data"]["image/svg+xml"] for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert any("total goods trade with Russian Federation and China" in s for s in svg), "the chart"
    text = "".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "(2, 1, 1)" in text, "the import's row accounting is shown"
    streams = "".join(str(o.get("text", "")) for o in outputs)
    assert "month = sep" in streams
    # The question's answer: the years leaning each way, by source.
    assert re.search(r"IMF DOTS \(TJK reports\)\s+RUS\s+\d+", streams), streams
    assert re.search(r"the article\s+RUS\s+1\b", streams), streams
    assert list(tmp_path.iterdir()) == [], "the notebook writes only to a temporary directory"

    second = run_notebook(tmp_path)
    assert outputs_of(second) == outputs_of(first)
    assert "(0, 0, 0)" not in text
