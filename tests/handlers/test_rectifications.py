"""整改清单."""
from __future__ import annotations

from handlers.rectifications import show_rectifications


async def test_rectifications(chat):
    reply = await chat.ask(show_rectifications, "liming", "整改清单", "rectifications")
    assert "共2项" in reply and "[Z-1]" in reply and "[Z-2]" in reply and "（已逾期）" in reply
    assert reply.count("共2项") == 1                 # one unit: its counts once, in the head
    reply = await chat.ask(show_rectifications, "zhouqiang", "整改清单", "rectifications")
    assert "暂无整改事项" in reply
