"""handlers.more and bot.paging: a long answer in pages; "更多" goes on where it stopped, through
real encrypted callbacks on both engines."""
from __future__ import annotations

import re

import pytest
from sqlmodel import Session

from models.tables import Item, ItemKind, Member
from tests.support.org import get
from tests.support.wecom import say


@pytest.fixture
def sixty(engine):
    """王芳 with 60 more items."""
    with Session(engine) as s:
        who = get(s, "wangfang")
        for n in range(1, 61):
            s.add(Item(kind=ItemKind.PROJECT, code=f"XM-{n}", title=f"第{n}个重点任务项目推进落实情况", owner_id=who.id,
                       unit_id=who.unit_id, year=2026))
        s.commit()
    return engine


def codes(reply: str) -> list[str]:
    return re.findall(r"\[([A-Z]+-\d+)\]", reply)


async def test_more_pages_a_sixty_item_list_to_its_end_losing_none(client, sixty):
    first = await say(client, "wangfang", "我的清单")
    total = int(re.search(r"共(\d+)项", first).group(1))
    left = int(re.search(r"…还有(\d+)项，回复“更多”查看", first).group(1))
    seen = codes(first)
    assert total > 60 and left == total - len(seen) and left > 0
    for _ in range(10):
        reply = await say(client, "wangfang", "更多")
        assert "（第" in reply and "页）" in reply
        seen += codes(reply)
        if "回复“更多”查看" not in reply:
            break
    assert len(seen) == total == len(set(seen))
    assert "已经是最后一页" in await say(client, "wangfang", "更多")


async def test_a_page_named_and_the_page_before(client, sixty):
    first = await say(client, "wangfang", "我的清单")
    second = await say(client, "wangfang", "下一页")
    assert codes(await say(client, "wangfang", "第2页")) == codes(second)
    assert codes(await say(client, "wangfang", "上一页")) == codes(first)


async def test_more_with_nothing_to_continue_says_so(client):
    assert "没有可以继续查看的内容" in await say(client, "wangfang", "更多")
    await say(client, "wangfang", "我的清单")          # three items: one page, nothing to wait for
    assert "没有可以继续查看的内容" in await say(client, "wangfang", "更多")


async def test_a_cut_answer_waits_for_more(client, sixty, engine):
    await say(client, "wangfang", "我的清单")
    with Session(engine) as s:
        assert '"more_pages"' in s.get(Member, get(s, "wangfang").id).waiting
