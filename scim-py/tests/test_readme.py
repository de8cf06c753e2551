"""Runs the Python code blocks of the repository's README, so they cannot rot."""

import re

import pytest

from .conftest import ROOT, ScimTestkit

BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def readme_blocks() -> list[str]:
    return BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def test_readme_has_python_blocks() -> None:
    assert readme_blocks(), "the README lost its Python example"


@pytest.mark.parametrize("index", range(len(readme_blocks())))
def test_readme_block_runs(
    index: int, testkit: ScimTestkit, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCIM_URL", testkit.url)
    monkeypatch.setenv("SCIM_TOKEN", testkit.token)
    code = compile(readme_blocks()[index], f"README.md python block {index}", "exec")
    exec(code, {"__name__": "readme"})
    # A block that talks to the server created what it used and deleted it again.
    calls = {(r["method"], r["path"].split("?")[0].rsplit("/", 1)[0], r["status"])
             for r in testkit.requests()}
    if calls:
        assert any(c[0] == "POST" and c[2] == 201 for c in calls), calls
        assert any(c[0] == "DELETE" and c[2] == 204 for c in calls), calls
