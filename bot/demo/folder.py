"""The demo's data folder (``--dir``, default ``./qingdan-demo``): the files it holds, and the demo
clock's offset, kept there between runs so that a second ``qingdan demo`` carries on where the
first stopped.
"""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

DB_FILE = "demo.db"                 # the SQLite database
BOOK_FILE = "演示清单.xlsx"          # the import workbook the organisation is loaded from
STATE_FILE = "demo-state.json"      # the demo clock's offset
LOG_FILE = "demo.log"               # the log (look here when something fails)
FILES = (DB_FILE, DB_FILE + "-wal", DB_FILE + "-shm", STATE_FILE, BOOK_FILE, LOG_FILE)


def clear(data_dir: Path) -> None:
    """``--fresh``: remove the demo's files (and nothing else) from ``data_dir``."""
    for name in FILES:
        (data_dir / name).unlink(missing_ok=True)


def load_offset(data_dir: Path) -> timedelta:
    """How far ahead of real time the demo clock stood when the demo last ended."""
    try:
        state = json.loads((data_dir / STATE_FILE).read_text(encoding="utf-8"))
        return timedelta(seconds=max(0.0, float(state.get("clock_offset_seconds", 0))))
    except (OSError, ValueError, TypeError, AttributeError):
        return timedelta()


def save_offset(data_dir: Path, offset: timedelta) -> None:
    """Keep the demo clock's offset for the next run."""
    (data_dir / STATE_FILE).write_text(
        json.dumps({"clock_offset_seconds": offset.total_seconds()}), encoding="utf-8")
