"""The example notebook in docs/examples runs from top to bottom, shows its chart, writes
nothing where it runs, and shows the same output every time."""

from __future__ import annotations

import json
import os
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
    assert any('<figure id="chart"><svg' in h for h in html), "the report's chart is shown"
    text = "".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "(2, 1, 1)" in text, "the import's row accounting is shown"
    assert "month = sep" in "".join(str(o.get("text", "")) for o in outputs)
    assert list(tmp_path.iterdir()) == [], "the notebook writes only to a temporary directory"

    second = run_notebook(tmp_path)
    assert outputs_of(second) == outputs_of(first)
    assert "(0, 0, 0)" not in text
