"""Every Python example in README.md and docs/**/*.md runs as written.

The ```python blocks of one file run in order in one shared namespace, so a
page can build a ledger in one block and query it in the next. A block that
raises fails the test and names the file and the block's first line.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)


def python_blocks(path: Path) -> list[tuple[int, str]]:
    """The ```python blocks of a Markdown file, with the line each starts on."""
    return blocks_of(path.read_text(encoding="utf-8"))


def blocks_of(text: str) -> list[tuple[int, str]]:
    """The ```python blocks of Markdown *text*, with the line each starts on."""
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in _BLOCK.finditer(text)]


def pages() -> list[Path]:
    """README.md and the docs pages (subfolders too) that hold at least one Python block."""
    candidates = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [path for path in candidates if python_blocks(path)]


def test_readme_and_the_main_docs_pages_have_examples() -> None:
    """The pages that promise runnable examples do have them."""
    names = {path.relative_to(ROOT).as_posix() for path in pages()}
    assert {
        "README.md", "docs/concepts.md", "docs/embedding.md", "docs/errors.md",
        "docs/payments-in.md", "docs/foreign-currency.md",
        "docs/installation.md", "docs/tutorial.md", "docs/notebooks.md",
        "docs/statements.md", "docs/architecture.md",
    } <= names


def test_block_extraction_finds_only_python_blocks() -> None:
    """Blocks fenced as bash or text are not run; python blocks are, with their line."""
    sample = "x\n```bash\necho no\n```\n```python\nprint(1)\n```\n```text\n1\n```\n"
    assert blocks_of(sample) == [(6, "print(1)\n")]


@pytest.mark.parametrize("path", pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_python_blocks_run(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The page's Python blocks run in order in one namespace without an error."""
    namespace: dict[str, object] = {"__name__": f"docs_{path.stem}"}
    for line, source in python_blocks(path):
        code = compile(source, f"{path.name}:{line}", "exec")
        with warnings.catch_warnings():
            # pages may show a warning on purpose; they catch what they show
            warnings.simplefilter("error")
            exec(code, namespace)
    capsys.readouterr()
