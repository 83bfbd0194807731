"""``qingdan remind --at`` on a deadline day: a reminder about one item goes as a card the stand-in
accepts as WeCom would (task_id, buttons, limits); with ``[wecom] cards = false`` the same as text."""
from datetime import date

import pytest

from tests.support.cli import qingdan
from tests.support.config import write_config
from tests.support.org import Org

AT = "2026-11-20T09:00:00+08:00"


@pytest.fixture
def standin(threaded_standin):
    return threaded_standin


@pytest.fixture
def org(bare_engine):
    o = Org(bare_engine)
    o.unit("b1", "第一党支部", "党支部")
    o.person("sun", "孙一", "b1")
    o.person("wu", "吴三", "b1")
    o.item("sun", "P-1", "完善支部活动台账", kind="project", deadline=date(2026, 11, 23))
    o.item("wu", "P-2", "更新党员信息", kind="project", deadline=date(2026, 11, 20))
    o.item("wu", "P-3", "建设党员活动室", kind="project", deadline=date(2026, 11, 21))
    return o


def test_remind_on_a_deadline_day_sends_a_card_for_one_item_and_text_for_several(tmp_path, db_url, org, standin):
    config = write_config(tmp_path / "config.toml", db_url, standin.base_url)
    run = qingdan("remind", "--at", AT, config=config)
    assert run.returncode == 0, run.stderr
    assert "截止提醒 2026-11-20：发送 2 人" in run.stdout
    [sun] = standin.state.to("sun")
    assert sun.msgtype == "template_card" and sun.response_code             # accepted as WeCom would
    card = sun.raw["template_card"]
    assert card["card_type"] == "button_interaction" and card["task_id"] in standin.state.cards
    [wu] = standin.state.to("wu")
    assert wu.msgtype == "text" and "[P-2]" in wu.content and "[P-3]" in wu.content


def test_remind_with_cards_off_sends_text(tmp_path, db_url, org, standin):
    config = write_config(tmp_path / "config.toml", db_url, standin.base_url)
    config.write_text(config.read_text(encoding="utf-8").replace("timeout = 5.0", "timeout = 5.0\ncards = false"),
                      encoding="utf-8")
    run = qingdan("remind", "--at", AT, config=config)
    assert run.returncode == 0, run.stderr
    [sun] = standin.state.to("sun")
    assert sun.msgtype == "text" and "[P-1] 完善支部活动台账" in sun.content and "直接回复“已完成”" in sun.content
    assert standin.state.cards == {}
