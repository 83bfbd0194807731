"""The labelled development corpora, through the contract's own scorer and ``qingdan parse --batch``.

dev.jsonl (short replies), dev2.jsonl (real 月报) and dev3.jsonl (月报 over five further item lists)
must each stay at 98% or better, and none of their replies may make a **wrong write** (an update
that would store something the reply did not say: score.py's own judgement). Skipped only when
../shared (beside this checkout) is absent.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "nlu"
SCORER = SHARED / "score.py"
CORPORA = ["dev.jsonl", "dev2.jsonl", "dev3.jsonl"]


def score(cases: str) -> tuple[int, int, int, str]:
    """(passed, replies, replies with a wrong write, the scorer's report)."""
    r = subprocess.run([sys.executable, str(SCORER), str(SHARED / cases),
                        "--cmd", f"{sys.executable} -m bot parse --batch"],
                       capture_output=True, text=True, timeout=300)
    m = re.search(r"accuracy: (\d+)/(\d+)", r.stdout.strip().splitlines()[-1] if r.stdout.strip() else "")
    wrong = re.search(r"wrong writes: (\d+) of", r.stdout)
    assert m and wrong, r.stdout + r.stderr
    return int(m[1]), int(m[2]), int(wrong[1]), r.stdout


@pytest.fixture(scope="module", params=CORPORA)
def scored(request):
    if not SCORER.exists() or not (SHARED / request.param).exists():
        pytest.skip(f"{request.param} is not in ../shared/nlu beside this checkout")
    return score(request.param)


def test_no_reply_of_the_corpora_would_store_what_it_did_not_say(scored):
    _, _, wrong, report = scored
    assert wrong == 0, "\n".join(line for line in report.splitlines() if line.startswith("WRONG WRITE"))


def test_the_corpora_are_understood_at_98_percent(scored):
    passed, total, _, report = scored
    assert passed / total >= 0.98, report
