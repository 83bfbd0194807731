"""我单位星级."""
from __future__ import annotations

from handlers.star_level import show_star_level


async def test_star_level_four_stars_and_weak_lax(chat):
    reply = await chat.ask(show_star_level, "wangfang", "我单位星级", "star_level")
    assert "第一党支部2026年度星级考评：四星（总分98分）" not in reply  # 7 × 14 = 98 → five stars
    assert "五星" in reply and "98" in reply
    reply = await chat.ask(show_star_level, "zhouqiang", "我们支部几星", "star_level")
    assert "未评星" in reply and "软弱涣散" in reply and "三会一课未落实" in reply
    # The 机关党委 secretary sees the units below ranked, vetoes shown, the unscored named.
    reply = await chat.ask(show_star_level, "jiwei", "我单位星级", "star_level")
    assert reply.splitlines()[1:3] == ["1. 第一党支部 五星 98分", "2. 第二党支部 未评星 98分，软弱涣散：三会一课未落实"]
    assert "暂无评分：机关党委" in reply
    reply = await chat.ask(show_star_level, "jiwei", "第二支部几星", "star_level")
    assert reply.startswith("第二党支部2026年度星级考评：未评星")
    reply = await chat.ask(show_star_level, "liming", "第二支部几星", "star_level")
    assert "第二党支部不在您负责的单位范围内" in reply
