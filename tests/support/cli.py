"""``qingdan`` run as an administrator runs it (a subprocess of this checkout), and what the
stand-in WeCom received, by person."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def qingdan(*args: str, config: Path | None = None, env: dict | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """``qingdan ARGS [--config CONFIG]`` with no QINGDAN_* variable from the test's environment
    unless ``env`` sets it; its exit status, stdout and stderr."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
    argv = [sys.executable, "-m", "bot", *args] + (["--config", str(config)] if config else [])
    return subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env={**clean, **(env or {})},
                          timeout=timeout)


def qingdan_ok(*args: str, config: Path | None = None) -> subprocess.CompletedProcess:
    """``qingdan`` that must succeed (exit status 0)."""
    r = qingdan(*args, config=config)
    assert r.returncode == 0, r.stderr
    return r


def by_person(standin) -> dict[str, list[str]]:
    """account → the texts the stand-in received for them, in order."""
    out: dict[str, list[str]] = {}
    for m in standin.state.sent:
        for account in m.touser:
            out.setdefault(account, []).append(m.content)
    return out
