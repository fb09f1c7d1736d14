"""The analyst notebooks in notebooks/ run top to bottom and show what they promise.

Each notebook is executed with nbclient in a fresh kernel of the Python running the tests (a
kernelspec written to a temporary folder, so a user's own ``python3`` kernelspec cannot take
over), with the repository root and ``src/`` on PYTHONPATH and a timeout per cell. One notebook
runs with the repository root as its working directory and the other from notebooks/, as
Jupyter starts it, so both ways of finding the repository are exercised. The executed copies stay
in memory: the committed notebooks carry no outputs, which the last test checks.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

#: Seconds one cell may take before the run fails: a guard against a hung kernel, not a speed
#: target (speed is measured by benchmarks/, never asserted here; a loaded machine is slower).
CELL_TIMEOUT = int(os.environ.get("ALIGNMENT_NLP_NOTEBOOK_CELL_TIMEOUT", "300"))

#: notebook -> working directory of its kernel
CASES = {
    "explore-a-run.ipynb": ROOT,
    "train-on-your-coding.ipynb": NOTEBOOKS,
}


def _kernel_manager(tmp_path: Path):
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    name = "alignment-nlp-tests"
    spec = tmp_path / "kernels" / name
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "alignment-nlp tests", "language": "python",
    }), encoding="utf-8")
    ksm = KernelSpecManager(kernel_dirs=[str(tmp_path / "kernels")])
    return KernelManager(kernel_name=name, kernel_spec_manager=ksm)


def _kernel_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)          # figures must go through the inline backend
    env.pop("ALIGNMENT_NLP_ROOT", None)  # the notebooks find the repository themselves
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src"), str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def _outputs(nb) -> list[dict]:
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]


@pytest.mark.parametrize("name", sorted(CASES))
def test_notebook_runs(name: str, tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(
        nb, km=_kernel_manager(tmp_path), timeout=CELL_TIMEOUT, allow_errors=False,
        resources={"metadata": {"path": str(CASES[name])}})
    started = time.perf_counter()
    try:
        client.execute(env=_kernel_env(), cleanup_kc=True)  # shut the kernel down afterwards
    except CellExecutionError as exc:
        pytest.fail(f"{name}: a cell failed:\n{exc}", pytrace=False)
    finally:
        if client.km is not None and client.km.has_kernel:
            client.km.shutdown_kernel(now=True)
    seconds = time.perf_counter() - started
    print(f"{name}: {seconds:.1f} s")

    outputs = _outputs(nb)
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors, f"{name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert images, f"{name}: no figure (image/png output) was shown"
    if name == "explore-a-run.ipynb":
        marked = [o for o in outputs if "<mark" in str(o.get("data", {}).get("text/html", ""))]
        assert marked, f"{name}: no HTML output with <mark> around evidence spans"


@pytest.mark.parametrize("name", sorted(CASES))
def test_notebook_is_committed_clean(name: str) -> None:
    """No outputs or execution counts in the repository: outputs are produced by the test."""
    nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    assert nb["nbformat"] == 4
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, f"{name} has no code cells"
    for cell in code:
        assert cell.get("outputs") == [], f"{name}: cell {cell.get('id')} has outputs"
        assert cell.get("execution_count") is None, f"{name}: cell {cell.get('id')} was run"
