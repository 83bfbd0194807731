"""Scope is the subtree (bot.scope), through real encrypted callbacks on a three-level organisation:
党组 → 机关党委 → three branches, one without a secretary."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.bot.test_callback import say
from tests.support.clock import NOW, TZ
from tests.support.org import Org


@pytest.fixture
def org(bare_engine) -> Org:
    o = Org(bare_engine)
    o.unit("group", "市政协党组", "党组")
    o.unit("committee", "市政协机关党委", "机关党委", parent="group")
    o.unit("b1", "第一党支部", "党支部", parent="committee")
    o.unit("b2", "第二党支部", "党支部", parent="committee")
    o.unit("b3", "第三党支部", "党支部", parent="committee")          # no secretary
    o.person("chen", "陈建国", "group", "党组书记")
    o.person("wangxd", "王晓东", "committee", "机关党委书记")
    o.person("admin", "孙丽", "committee", is_admin=True)
    o.person("zhangwei", "张伟", "b1", "支部书记")
    o.person("lina", "李娜", "b1")
    o.person("huanglei", "黄磊", "b2", "支部书记")
    o.person("wumin", "吴敏", "b2")
    o.person("linfeng", "林峰", "b3")
    for account in ("zhangwei", "lina", "huanglei", "wumin", "linfeng", "wangxd"):
        o.item(account, f"P-{account}", "开展主题党日活动", kind="project", deadline=date(2026, 11, 10))
    o.item("linfeng", "Z-9", "党费收缴不规范", kind="rectification", deadline=date(2026, 10, 31))
    o.reported("lina", "2026-11", NOW)
    o.reported("wumin", "2026-10", datetime(2026, 10, 20, 10, 0, tzinfo=TZ))
    o.stars("b1", organisation=15, team=15, system=15, venue=10, activities=15, performance=20,
            satisfaction_score=10, satisfaction_rate=95)
    o.stars("b2", organisation=12, team=12, system=12, venue=8, activities=12, performance=16,
            satisfaction_score=8, satisfaction_rate=90)
    return o


async def test_the_committee_secretary_sees_every_branch_grouped_with_counts_first(client):
    reply = await say(client, "wangxd", "谁还没报")
    lines = reply.splitlines()
    assert lines[0] == "市政协机关党委及下级单位2026年11月月报：应报6人，未报5人"
    assert "第一党支部 1/2 未报：张伟" in lines
    assert "第三党支部 1/1 未报：林峰" in lines          # a branch without a secretary is not forgotten
    assert "第二党支部 2/2 未报：黄磊、吴敏" in lines


async def test_a_unit_person_or_month_named_is_answered_exactly(client, runtime):
    reply = await say(client, "wangxd", "第二支部谁还没报")
    assert reply.splitlines()[0].startswith("第二党支部2026年11月月报：应报2人，未报2人")
    assert "第一党支部" not in reply
    assert "李娜：已于" in await say(client, "wangxd", "李娜报了吗")
    assert "李娜：已于" in await say(client, "wangxd", "请问" * 60 + "李娜报了吗")     # long: every name tried
    runtime.clock.offset += datetime(2026, 12, 1, 10, 0, tzinfo=TZ) - NOW     # 1 December
    reply = await say(client, "wangxd", "11月谁还没报")
    assert "2026年11月" in reply.splitlines()[0] and "李娜" not in reply


async def test_what_is_outside_or_unknown_is_refused_with_a_reason(client):
    # One style: who is outside, what was not done, what the asker may do instead.
    assert "第二党支部不在您负责的单位范围内，无法查询。您可查询" in await say(client, "zhangwei", "第二支部谁还没报")
    assert "吴敏不在您负责的单位范围内，无法查询。您可查询" in await say(client, "zhangwei", "吴敏报了吗")
    assert (await say(client, "lina", "全机关有哪些逾期的")).startswith("查询全机关的情况仅限书记和管理员使用。您可查询本人的情况")
    reply = await say(client, "wangxd", "第九支部谁还没报")
    assert "没有找到“第九支部”" in reply and "第一党支部" in reply
    assert "“谁还没报”仅限各级书记使用" in await say(client, "lina", "谁还没报")


async def test_overdue_rectifications_and_stars_over_the_subtree(client):
    reply = await say(client, "wangxd", "有哪些逾期的")
    assert "第三党支部（2项）" in reply and "[Z-9]" in reply and "第一党支部（2项）" in reply
    assert reply.startswith("市政协机关党委及下级单位逾期事项共7项")
    reply = await say(client, "wangxd", "整改清单")
    assert "第三党支部：共1项" in reply
    reply = await say(client, "chen", "全机关星级")
    assert "1. 第一党支部 五星 100分" in reply and "2. 第二党支部 四星 80分" in reply
    assert reply.startswith("第一党支部2026年度星级考评：五星") is False
    assert (await say(client, "wangxd", "第一支部星级")).startswith("第一党支部2026年度星级考评：五星")
