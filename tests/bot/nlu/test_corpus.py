"""The labelled development corpora, through the contract's own scorer and ``qingdan parse --batch``.

dev.jsonl (short replies) must stay at 98% or better and dev2.jsonl (real 月报) at 97% or better.
Skipped only when ../shared (beside this checkout) is absent.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "nlu"
SCORER = SHARED / "score.py"


def score(cases: str) -> tuple[int, int, str]:
    r = subprocess.run([sys.executable, str(SCORER), str(SHARED / cases),
                        "--cmd", f"{sys.executable} -m bot parse --batch"],
                       capture_output=True, text=True, timeout=300)
    m = re.search(r"accuracy: (\d+)/(\d+)", r.stdout.strip().splitlines()[-1] if r.stdout.strip() else "")
    assert m, r.stdout + r.stderr
    return int(m[1]), int(m[2]), r.stdout


@pytest.mark.skipif(not SCORER.exists(), reason="../shared/nlu is not beside this checkout")
@pytest.mark.parametrize("cases,minimum", [("dev.jsonl", 0.98), ("dev2.jsonl", 0.97)])
def test_the_development_corpora_score_well(cases, minimum):
    if not (SHARED / cases).exists():
        pytest.skip(f"{cases} is not in ../shared/nlu")
    passed, total, report = score(cases)
    assert passed / total >= minimum, report
