"""Run the notebooks from their source and store them with their outputs.

The source of each notebook is its jupytext percent script, ``notebooks/NN_name.py``
(reviewed as ordinary Python). This tool executes that script as a notebook with
nbclient, in ``notebooks/`` as working folder, on an ipykernel started with this
interpreter, and writes ``notebooks/NN_name.ipynb`` *with its outputs*, so that the
notebook reads on GitHub without running it. tests/notebooks/ checks that every
``.ipynb`` holds exactly the cells of its script and carries outputs.

Usage::

    python tools/run_notebooks.py                      # every notebook
    python tools/run_notebooks.py 01_quickstart        # some of them
    NEO4J_URI=bolt://127.0.0.1:7687 python tools/run_notebooks.py 03_neo4j

Notebook 03 needs a Neo4j server it may write to (``graphtwin neo4j start``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbformat.notebooknode import NotebookNode

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
#: Seconds a single cell may run, and the kernel may take to start.
CELL_TIMEOUT = 300
STARTUP_TIMEOUT = 120


class ThisPythonKernelSpecs(KernelSpecManager):
    """Resolves every kernel name to ipykernel on this interpreter (no kernelspec install)."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            display_name=f"Python ({sys.executable})",
            language="python",
            resource_dir="",
        )


def sources() -> list[Path]:
    """The notebook scripts, in order: notebooks/NN_*.py."""
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.py"))


def read_source(path: Path) -> NotebookNode:
    """The notebook that the percent script ``path`` describes (no outputs)."""
    return jupytext.read(path)


def execute(nb: NotebookNode, workdir: Path = NOTEBOOK_DIR) -> float:
    """Run every cell of ``nb`` in place (raises on a cell error); returns the seconds."""
    km = KernelManager(kernel_name="python3", kernel_spec_manager=ThisPythonKernelSpecs())
    client = NotebookClient(
        nb,
        km=km,
        timeout=CELL_TIMEOUT,
        startup_timeout=STARTUP_TIMEOUT,
        allow_errors=False,
        resources={"metadata": {"path": str(workdir)}},
    )
    started = time.perf_counter()
    client.execute()
    return time.perf_counter() - started


def write_with_outputs(nb: NotebookNode, path: Path) -> None:
    """Write the executed notebook as ``.ipynb`` (paired with its script)."""
    nb.metadata.pop("widgets", None)
    nbformat.validate(nb)
    jupytext.write(nb, path, fmt="ipynb")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="notebook names (default: all)")
    args = parser.parse_args(argv)
    chosen = [p for p in sources() if not args.names or p.stem in args.names]
    unknown = set(args.names) - {p.stem for p in chosen}
    if unknown:
        print(f"no such notebook: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 1
    for script in chosen:
        nb = read_source(script)
        seconds = execute(nb)
        write_with_outputs(nb, script.with_suffix(".ipynb"))
        print(f"{script.with_suffix('.ipynb').relative_to(REPO)}: ran in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
