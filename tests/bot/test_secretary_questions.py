"""Issue 22 (secretaries): questions about a person's, a unit's or one list's items answered within
the asker's units; "谁还没报" early in a month; nudges only down the tree; a narrowed notice says
so; help by role and list. Through real encrypted callbacks, on both engines."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.support import wecom as wf
from tests.support.clock import NOW, TZ
from tests.support.org import Org


@pytest.fixture
def org(bare_engine) -> Org:
    o = Org(bare_engine)
    o.unit("group", "市政协党组", "党组")
    o.unit("committee", "市政协机关党委", "机关党委", parent="group")
    o.unit("b1", "第一党支部", "党支部", parent="committee")
    o.unit("b2", "第二党支部", "党支部", parent="committee")
    o.person("chen", "陈建国", "group", "党组书记")
    o.person("wangxd", "王晓东", "committee", "机关党委书记", is_admin=True)
    o.person("zhangwei", "张伟", "b1", "支部书记")
    o.person("lina", "李娜", "b1")
    o.person("liuyang", "刘洋", "b1")
    o.person("huanglei", "黄磊", "b2", "支部书记")
    o.person("wumin", "吴敏", "b2")
    o.person("lina2", "李娜", "b2")                       # the same name in another branch
    o.item("chen", "R-1", "党组专题研究党建工作", target_count=2)
    o.item("zhangwei", "R-2", "每月召开支委会", target_count=12, done_count=10, status="in_progress")
    o.item("zhangwei", "P-1", "建设党员活动室", kind="project", status="in_progress", percent=40,
           deadline=date(2026, 11, 10))
    o.item("lina", "P-2", "党员到社区报到服务", kind="project", status="done", percent=100)
    o.item("lina", "R-3", "讲一次党课", target_count=1)
    o.item("liuyang", "Z-1", "党费收缴不规范", kind="rectification", deadline=date(2026, 12, 15))
    o.item("wumin", "P-3", "党建品牌创建", kind="project")
    o.item("lina2", "P-4", "志愿服务", kind="project")
    return o


async def say(client, account: str, text: str) -> str:
    return await wf.say(client, account, text)


# --- 7. a person's, a unit's, one list's items -------------------------------------------------------

async def test_a_secretary_asks_for_a_persons_list_by_name(client):
    for question in ("李娜的清单", "李娜的进度怎么样"):
        reply = await say(client, "zhangwei", question)
        assert reply.startswith("李娜（第一党支部）的清单（2026年度，共2项，未完成1项）"), reply
        assert "[P-2] 党员到社区报到服务" in reply and "[R-3] 讲一次党课" in reply
        assert "志愿服务" not in reply            # the other 李娜 is not in 张伟's branch


async def test_a_name_outside_the_askers_units_is_refused_without_saying_where(client):
    reply = await say(client, "zhangwei", "吴敏的清单")
    assert reply == "吴敏不在您负责的单位范围内，无法查询。您可查询第一党支部及其下级单位。"
    reply = await say(client, "lina", "刘洋的清单")
    assert reply.startswith("刘洋不在您负责的单位范围内，无法查询。") and "第一党支部" not in reply
    reply = await say(client, "zhangwei", "张三的清单")
    assert reply == "没有找到“张三”这名党员或单位，请核对姓名或单位名称；查看本人事项请回复“我的清单”。"
    assert (await say(client, "zhangwei", "负责的事项")).startswith("张伟的清单（2026年度")


async def test_two_people_of_one_name_are_asked_about_then_a_unit_tells_them_apart(client):
    reply = await say(client, "wangxd", "李娜的清单")
    assert reply.startswith("有2位同名的同志：第一党支部的李娜、第二党支部的李娜。请写明单位再问")
    reply = await say(client, "wangxd", "第二支部李娜的清单")
    assert reply.startswith("李娜（第二党支部）的清单") and "[P-4] 志愿服务" in reply and "讲一次党课" not in reply


async def test_a_units_list_is_counted_per_person_within_scope(client):
    reply = await say(client, "zhangwei", "第一支部的清单完成情况")
    lines = reply.splitlines()
    assert lines[0] == "第一党支部清单完成情况（2026年度）：共5项，未开始2项，进行中2项，已完成1项（逾期1项）"
    assert "· 第一党支部 张伟：共2项，进行中2项（逾期1项）" in lines
    assert "· 第一党支部 李娜：共2项，未开始1项，已完成1项" in lines
    reply = await say(client, "wangxd", "第二支部的项目清单")
    assert reply.splitlines()[0] == "第二党支部项目清单完成情况（2026年度）：共2项，未开始2项"
    assert (await say(client, "zhangwei", "第二支部的清单完成情况")).startswith("第二党支部不在您负责的单位范围内")


async def test_a_list_named_filters_ones_own_list(client):
    reply = await say(client, "zhangwei", "项目清单进展")
    assert reply.startswith("张伟的项目清单（2026年度，共1项，未完成1项）")
    assert "[P-1] 建设党员活动室" in reply and "R-2" not in reply
    assert reply.splitlines()[1].startswith("2. [P-1]")       # numbered as "我的清单" numbers it
    reply = await say(client, "zhangwei", "责任清单")
    assert reply.startswith("张伟的责任清单（2026年度，共1项") and "P-1" not in reply
    reply = await say(client, "lina", "项目清单")
    assert reply.startswith("李娜的项目清单") and "R-3" not in reply
    reply = await say(client, "liuyang", "项目清单")
    assert reply == "刘洋，您2026年度项目清单中暂无事项。回复“我的清单”查看全部1项。"
    reply = await say(client, "liuyang", "整改清单")
    assert "[Z-1] 党费收缴不规范" in reply


# --- 9. nudges down the tree only; a narrowed notice says so -----------------------------------------

async def test_an_administrators_nudge_goes_down_the_tree_never_to_the_party_group_above(client, standin):
    reply = await say(client, "wangxd", "提醒没报的")
    assert reply.startswith("已提醒市政协机关党委及下级单位2026年11月未报送的")
    (sent,) = standin.state.sent
    assert "chen" not in sent.touser                   # the 党组书记 above the administrator
    assert sorted(sent.touser) == ["lina", "lina2", "liuyang", "wumin", "zhangwei"]
    reply = await say(client, "wangxd", "提醒陈建国报送")
    assert reply.startswith("陈建国") and "不在您负责的单位范围内，无法提醒" in reply
    assert "您可提醒市政协机关党委及下级单位的人员" in reply
    assert len(standin.state.sent) == 1


async def test_a_branch_secretarys_notice_to_everyone_says_it_goes_to_their_branch(client, standin):
    preview = await say(client, "zhangwei", "通知 全体党员：周五下午学习")
    assert preview.startswith("“全体党员”的通知仅管理员可发；您可通知第一党支部，本条只发给第一党支部。\n"
                              "将发送给第一党支部共2人")
    await say(client, "zhangwei", "确认")
    assert sorted(standin.state.sent[-1].touser) == ["lina", "liuyang"]
    preview = await say(client, "wangxd", "通知 全体党员：周五下午学习")
    assert preview.startswith("将发送给全体党员共7人")           # an administrator's is not narrowed


# --- 8. early in a month, "谁还没报" is about last month --------------------------------------------

async def test_early_in_a_month_who_has_not_reported_means_last_month_and_this_month_so_far(client, runtime, org):
    org.reported("lina", "2026-11", NOW)
    runtime.clock.offset += datetime(2026, 12, 1, 10, 0, tzinfo=TZ) - NOW        # the escalation day
    org.reported("liuyang", "2026-12", datetime(2026, 12, 1, 9, 30, tzinfo=TZ))
    reply = await say(client, "zhangwei", "谁还没报")
    lines = reply.splitlines()
    assert lines[0] == "第一党支部2026年11月月报：应报3人，未报2人"
    assert "第一党支部 2/3 未报：张伟、刘洋" in lines
    assert lines[-1] == ("（本月初，以上为上月2026年11月的情况。2026年12月至今：应报3人，已报1人；"
                         "问“本月谁还没报”可看本月名单。）")
    reply = await say(client, "zhangwei", "本月谁还没报")
    assert reply.splitlines()[0] == "第一党支部2026年12月月报：应报3人，未报2人"
    runtime.clock.offset += timedelta(days=1)                                     # 2 December
    reply = await say(client, "zhangwei", "谁还没报")
    assert reply.splitlines()[0] == "第一党支部2026年12月月报：应报3人，未报2人" and "本月初" not in reply


# --- 11. help by role and by one's own list ------------------------------------------------------------

async def test_help_uses_the_askers_own_items_and_role(client):
    one = await say(client, "liuyang", "帮助")              # a member with one item, a rectification
    assert "第2项" not in one and "1、2项" not in one and "完成80% / 已完成 —— 您只有一项" in one
    assert "销号" not in one and "整改清单 —— 整改事项进展" in one and "通知 " not in one
    two = await say(client, "lina", "帮助")                 # a counted duty (第1项) and a done project
    assert "· 第2项完成了吗" in two and "· 第1项完成80%" in two and "· 第1项开展了1次；今年已开展1次" in two
    assert "不对，是第2项" in two and "责任清单 / 项目清单 —— 只看其中一张清单" in two
    assert "第3项" not in two and "销号" not in two and "整改" not in two
    secretary = await say(client, "zhangwei", "帮助")
    assert "· 销号 Z-1 / 退回 Z-1 原因：…" in secretary         # 刘洋's, in his branch
    assert "通知 全体党员" not in secretary and "· 通知：……（发给第一党支部，先预览" in secretary
    assert "李娜的清单" in secretary and "提醒没报的 / 提醒李娜报送" in secretary
    assert "销号" not in await say(client, "huanglei", "帮助")   # no rectification to close off in his branch
    admin = await say(client, "wangxd", "帮助")
    assert "通知 全体党员" in admin and "第一党支部谁还没报" in admin
    for text in (one, two, secretary, admin):
        assert len(text.encode()) <= 2048
