"""What an operator meets running the sending commands (issue 22, points 12 and 13), as they run
them (subprocesses), on SQLite and PostgreSQL: nothing leaves for the real WeCom without a
configuration, trouble on the way to WeCom is one Chinese line, a slow token endpoint stops the
run within ``wecom.timeout`` × a bounded number of fetches, and nothing that was not attempted is
stored as failed."""
from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models.tables import PushLog
from tests.support.cli import qingdan
from tests.support.config import write_config
from tests.support.org import Org

PROMPT = "2026-11-25T01:00:00Z"          # 09:00 in Shanghai: the monthly prompt is due
# Words an operator may read in an answer: config keys, commands, DNS.
ALLOWED = re.compile(r"Asia/Shanghai|wecom\.\w+|qingdan|remind|outbox|--retry|DNS|HTTP|JSON|config error: wecom\.corp_id is missing")


@pytest.fixture
def standin(threaded_standin):
    return threaded_standin


@pytest.fixture
def org(bare_engine) -> Org:
    """Three owners of an open item."""
    org = Org(bare_engine)
    org.unit("b1", "第一党支部", "党支部")
    for n in range(3):
        org.person(f"u{n}", f"党员{n}", "b1", "支部书记" if n == 0 else "党员")
        org.item(f"u{n}", f"X-{n}", "讲专题党课")
    return org


def rows(engine) -> list[PushLog]:
    with Session(engine) as s:
        return list(s.exec(select(PushLog)))


def english(text: str) -> list[str]:
    """Latin words of four letters or more left once the allowed ones are taken out."""
    return re.findall(r"[A-Za-z]{4,}", ALLOWED.sub("", text))


def database_only(tmp_path: Path, db_url: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    return path


def test_remind_and_retry_without_a_wecom_configuration_send_and_store_nothing(tmp_path, db_url, bare_engine, org):
    config = database_only(tmp_path, db_url)
    for args in (("remind", "--at", PROMPT), ("outbox", "--retry")):
        r = qingdan(*args, config=config)
        assert r.returncode == 2, (r.stdout, r.stderr)
        assert r.stderr.strip().startswith("配置错误：wecom.corp_id 缺失") and "Traceback" not in r.stderr
        assert r.stdout == ""
    assert rows(bare_engine) == []
    assert qingdan("outbox", config=config).stdout.strip() == "没有失败、结果不明或账号无效的推送"


def test_remind_with_no_config_file_at_all_is_refused(tmp_path):
    r = qingdan("remind", "--at", PROMPT, env={"HOME": str(tmp_path)})
    assert r.returncode == 2 and r.stderr.startswith("配置错误：wecom.corp_id 缺失"), r.stderr
    assert not (Path(__file__).resolve().parents[2] / "qingdan.db").exists()


@pytest.mark.parametrize("base", ["http://qingdan-no-such-host.invalid/cgi-bin/", "http://127.0.0.1:9/cgi-bin/"])
def test_an_unreachable_wecom_is_one_chinese_line_and_nothing_is_stored_failed(tmp_path, db_url, bare_engine,
                                                                               org, base):
    config = write_config(tmp_path / "config.toml", db_url, base)
    r = qingdan("remind", "--at", PROMPT, config=config)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "取不到企业微信的访问令牌" in r.stderr and "无法" in r.stderr
    assert english(r.stdout + r.stderr) == [], r.stderr
    assert rows(bare_engine) == []                      # nothing was attempted: nothing failed
    listed = qingdan("outbox", config=config)
    assert listed.stdout.strip() == "没有失败、结果不明或账号无效的推送" and listed.stderr == ""


def test_a_slow_token_endpoint_stops_the_run_within_the_timeout_and_leaves_the_pushes_owed(
        tmp_path, db_url, bare_engine, org, standin):
    config = write_config(tmp_path / "config.toml", db_url, standin.base_url)
    config.write_text(config.read_text(encoding="utf-8").replace("timeout = 5.0", "timeout = 0.3"), encoding="utf-8")
    standin.state.token_delay = 2.0
    r = qingdan("remind", "--at", PROMPT, config=config)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "取不到企业微信的访问令牌（试了2次）：企业微信在规定时间内没有应答" in r.stderr
    assert "未发出的推送没有记为失败" in r.stderr and english(r.stderr) == []
    assert standin.state.token_requests == 2             # max_retries = 1: two fetches, then it stops
    assert standin.state.sent == [] and rows(bare_engine) == []

    standin.state.token_delay = 0
    again = qingdan("remind", "--at", PROMPT, config=config)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[1:] == ["月报提醒 2026-11：发送 3 人"]


def test_a_wrong_secret_is_one_fetch_and_names_the_key(standin):
    from bot.config import WeComConfig
    from bot.wecom import WeComSender
    from bot.wecom_errors import TokenUnavailable
    from tests.support import wecom as wf

    async def ready() -> str:
        sender = WeComSender(WeComConfig(corp_id=wf.CORP_ID, agent_id=wf.AGENT_ID, secret="wrong",
                                         api_base_url=standin.base_url, max_retries=3))
        try:
            with pytest.raises(TokenUnavailable) as info:
                await sender.ready()
            return str(info.value)
        finally:
            await sender.aclose()

    assert asyncio.run(ready()) == ("取不到企业微信的访问令牌（试了1次）：企业微信拒绝：40001: invalid credential"
                                    "（wecom.secret 不对，或不是这个应用的 Secret）")
    assert standin.state.token_requests == 1          # a refusal is not tried again
