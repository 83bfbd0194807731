"""One way to configure qingdan in tests: a ``Config`` object for in-process runtimes, or a TOML
file (the same keys) for the CLI and ``serve`` run as subprocesses."""
from __future__ import annotations

from pathlib import Path

from bot.config import Config
from tests.support import wecom as wf

SECRET = "test-secret"


def make_config(db_url: str, api_base_url: str, *, max_retries: int = 2) -> Config:
    """A configuration pointed at ``db_url`` and a stand-in WeCom at ``api_base_url``."""
    cfg = Config()
    w = cfg.wecom
    w.corp_id, w.agent_id, w.secret = wf.CORP_ID, wf.AGENT_ID, SECRET
    w.token, w.encoding_aes_key, w.api_base_url = wf.TOKEN, wf.AES_KEY, api_base_url
    w.max_retries = max_retries
    cfg.database.url = db_url
    # 三会一课 pushes off unless a test turns them on (tests/test_meetings.py): the other tests count
    # every message a run sends.
    cfg.meetings.reminder_day, cfg.meetings.in_quarterly = 0, False
    return cfg


def write_config(path: Path, db_url: str, api_base_url: str, *, port: int = 8080,
                 extra: str = "") -> Path:
    """The same configuration as a TOML file at ``path`` (``extra`` is appended verbatim)."""
    path.write_text(f"""
[wecom]
corp_id = "{wf.CORP_ID}"
agent_id = {wf.AGENT_ID}
secret = "{SECRET}"
token = "{wf.TOKEN}"
encoding_aes_key = "{wf.AES_KEY}"
api_base_url = "{api_base_url}"
max_retries = 1
timeout = 5.0

[database]
url = "{db_url}"

[meetings]
reminder_day = 0
in_quarterly = false

[server]
host = "127.0.0.1"
port = {port}
{extra}
""", encoding="utf-8")
    return path
