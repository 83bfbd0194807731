"""The labelled development corpus, through the contract's own scorer and ``qingdan parse --batch``."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SCORER = Path(__file__).resolve().parents[2].parent / "shared" / "nlu" / "score.py"


@pytest.mark.skipif(not SCORER.exists(), reason="../shared/nlu is not beside this checkout")
def test_the_development_corpus_scores_at_least_98_percent():
    r = subprocess.run([sys.executable, str(SCORER), "--cmd", f"{sys.executable} -m bot parse --batch"],
                       capture_output=True, text=True, timeout=120)
    last = r.stdout.strip().splitlines()[-1]
    m = re.search(r"accuracy: (\d+)/(\d+)", last)
    assert m, r.stdout + r.stderr
    passed, total = int(m[1]), int(m[2])
    assert passed / total >= 0.98, r.stdout
