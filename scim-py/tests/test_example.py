"""examples/python/provision.py runs green against scim-testkit (twice: idempotent)."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT, ScimTestkit


def test_provision_example(testkit: ScimTestkit) -> None:
    script = ROOT / "examples" / "python" / "provision.py"
    result = subprocess.run(
        [sys.executable, "-W", "error", str(script), testkit.url, testkit.token],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("ok")
