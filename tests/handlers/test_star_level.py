"""我单位星级."""
from __future__ import annotations

from bot.fitting import MAX_TEXT_BYTES, byte_size
from handlers.star_level import show_star_level
from models.tables import UnitKind
from tests.support.statements import statements

SCORES = dict(organisation=15, team=15, system=15, venue=10, activities=15, performance=18,
              satisfaction_score=10, satisfaction_rate=92)          # 98: five stars


async def test_star_level_four_stars_and_weak_lax(chat):
    reply = await chat.ask(show_star_level, "wangfang", "我单位星级", "star_level")
    assert "第一党支部2026年度星级考评：四星（总分98分）" not in reply  # 7 × 14 = 98 → five stars
    assert "五星" in reply and "98" in reply
    reply = await chat.ask(show_star_level, "zhouqiang", "我们支部几星", "star_level")
    assert "未评星" in reply and "软弱涣散" in reply and "三会一课未落实" in reply
    # The 机关党委 secretary sees the units below with their rank: the 软弱涣散 one first, the
    # unscored named.
    reply = await chat.ask(show_star_level, "jiwei", "我单位星级", "star_level")
    assert reply.splitlines() == ["机关党委及下级单位星级考评（2026年度）：五星1个、未评星1个",
                                  "2. 第二党支部 未评星 98分，软弱涣散：三会一课未落实", "1. 第一党支部 五星 98分",
                                  "暂无评分：机关党委"]
    reply = await chat.ask(show_star_level, "jiwei", "第二支部几星", "star_level")
    assert reply.startswith("第二党支部2026年度星级考评：未评星")
    reply = await chat.ask(show_star_level, "liming", "第二支部几星", "star_level")
    assert "第二党支部不在您负责的单位范围内" in reply


def _more_rated_branches(org, n: int, start: int = 0) -> None:
    for k in range(start, start + n):
        org.unit(f"s{k}", f"第{k + 3}党支部（星级考评测试用的较长名称）", UnitKind.BRANCH, parent="root")
        org.stars(f"s{k}", **{**SCORES, "performance": 18 - k % 10})


async def test_the_statements_run_do_not_grow_with_the_units_ranked(chat, engine, org):
    with statements(engine) as before:
        reply = await chat.ask(show_star_level, "jiwei", "我单位星级", "star_level")
    _more_rated_branches(org, 12)
    with statements(engine) as after:
        more = await chat.ask(show_star_level, "jiwei", "我单位星级", "star_level")
    assert len(after) == len(before), after
    assert "五星1个" in reply and "第14党支部" in more and more.count("\n") == reply.count("\n") + 12


async def test_a_ranking_of_many_units_fits_one_message_and_says_how_many_are_left_out(chat, org):
    _more_rated_branches(org, 150)
    org.stars("root", **{**SCORES, "performance": 10})            # the asker's own unit: 90, ranked low
    reply = await chat.ask(show_star_level, "jiwei", "我单位星级", "star_level")
    lines = reply.splitlines()
    assert byte_size(reply) <= MAX_TEXT_BYTES
    assert lines[0] == "机关党委及下级单位星级考评（2026年度）：五星61个、四星91个、未评星1个"
    assert lines[1].endswith(". 机关党委（本单位） 四星 90分")        # own unit first, then 软弱涣散
    assert lines[2].startswith("153. 第二党支部 未评星") and lines[3].startswith("1. ")
    shown = sum(1 for line in lines if line[0].isdigit())
    assert lines[-1] == f"…及其余{153 - shown}个单位" and 10 < shown < 153
