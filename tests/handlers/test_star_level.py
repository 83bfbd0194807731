"""我单位星级."""
from __future__ import annotations

from handlers.star_level import show_star_level


async def test_star_level_four_stars_and_weak_lax(chat):
    reply = await chat.ask(show_star_level, "wangfang", "我单位星级", "star_level")
    assert "第一党支部2026年度星级考评：四星（总分98分）" not in reply  # 7 × 14 = 98 → five stars
    assert "五星" in reply and "98" in reply
    reply = await chat.ask(show_star_level, "zhouqiang", "我们支部几星", "star_level")
    assert "未评星" in reply and "软弱涣散" in reply and "三会一课未落实" in reply
    reply = await chat.ask(show_star_level, "jiwei", "我单位星级", "star_level")
    assert "暂无星级评分记录" in reply
