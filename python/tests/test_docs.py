"""The example notebook in docs/examples runs from top to bottom and shows its chart."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "examples" / "getting-started.ipynb"


def test_getting_started_notebook_executes(tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cwd = os.getcwd()
    os.chdir(tmp_path)  # the notebook writes a file and a store
    try:
        nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    finally:
        os.chdir(cwd)
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any('<figure id="chart"><svg' in h for h in html), "the report's chart is shown"
    text = "".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "(2, 1, 1)" in text, "the import's row accounting is shown"
