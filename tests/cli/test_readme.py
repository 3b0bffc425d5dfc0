"""The README's command lines run as written, in order, after the demo.

A new user runs ``scripts/demo.sh`` and then types the lines of the README's "Using it"
section. This test does the same in an empty folder: ``graphtwin demo`` first (as
demo.sh does), then every command line of the section's bash blocks, through the
installed ``graphtwin`` entry point, with the environment the lines export (and a
``> FILE`` redirection done as the shell would). Each must exit 0; a few outputs are
checked against the demo data.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GRAPHTWIN = str(Path(sys.executable).with_name("graphtwin"))


def section(title: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def command_lines(text: str) -> list[list[str]]:
    """The commands of the ```bash blocks of ``text``, split as the shell would."""
    lines = []
    for block in text.split("```bash\n")[1:]:
        for line in block.split("```", 1)[0].splitlines():
            words = shlex.split(line, comments=True)
            if words:
                lines.append(words)
    return lines


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[list[str], str]]:
    """Run the demo, then every README line, in a fresh folder; (line, stdout) each."""
    home = tmp_path_factory.mktemp("readme")
    (home / "tests").symlink_to(REPO / "tests")  # the README reads tests/data/real/
    env = {k: v for k, v in os.environ.items() if k not in ("GRAPHTWIN_DB", "NEO4J_URI")}
    env["OMP_NUM_THREADS"] = "1"

    def run(words: list[str]) -> str:
        r = subprocess.run(
            [GRAPHTWIN, *words[1:]],
            cwd=home,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert r.returncode == 0, f"`{shlex.join(words)}` exited {r.returncode}:\n{r.stderr}"
        return r.stdout

    run(["graphtwin", "-q", "demo"])  # what scripts/demo.sh runs after setting up
    out = []
    for words in command_lines(section("Using it")):
        if words[0] == "source":
            continue
        if words[0] == "export":
            name, _, value = words[1].partition("=")
            env[name] = value
            continue
        assert words[0] == "graphtwin", f"unexpected README line: {shlex.join(words)}"
        if ">" in words:
            at = words.index(">")
            (home / words[at + 1]).write_text(run(words[:at]), encoding="utf-8")
            out.append((words, (home / words[at + 1]).read_text(encoding="utf-8")))
        else:
            out.append((words, run(words)))
    return out


def test_every_readme_line_runs_after_the_demo(walk) -> None:
    commands = [words[1] if words[1] != "--db" else words[3] for words, _ in walk]
    for expected in ("bridges", "potential", "twins", "map", "query", "import", "load"):
        assert expected in commands, f"the README no longer shows `graphtwin {expected}`"


def test_readme_examples_find_what_they_promise(walk) -> None:
    by_line = {shlex.join(words): stdout for words, stdout in walk}
    profile = next(v for k, v in by_line.items() if "org_id=qub" in k)
    assert "Queen's University Belfast" in profile and profile.count("\nqub ") == 1
    by_ror = next(v for k, v in by_line.items() if "org_id=00hswnk62" in k)
    assert "Queen's University Belfast" in by_ror
    bridges = next(v for k, v in by_line.items() if k.startswith("graphtwin bridges"))
    assert "Belfast City Council" in bridges
    busan = next(v for k, v in by_line.items() if "city=Busan" in k)
    assert "Busan Metropolitan City" in busan
    excel = next(v for k, v in by_line.items() if "--excel" in k)
    assert excel.startswith("\ufeffrank,city_a,") and "Belfast,GB,Sejong,KR" in excel


@pytest.mark.parametrize("name", ["belfast-sejong-map.png", "cities-map.png"])
def test_readme_screenshot_is_small_and_present(name: str) -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    image = REPO / "docs" / "img" / name
    assert f"](docs/img/{name})" in text
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.stat().st_size < 150_000
