"""Reply understanding (bot.nlu): which item, what state, how far, how many times, which query.

The item lists are the development corpus's (branch, group, tasks) plus a list whose titles
overlap on purpose (mixed). Expected updates are written as (item, status, percent, count).
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import nlu
from bot.nlu import INTENTS, STATUSES, ItemRef, Parse, Update

BRANCH = [
    {"id": "R-1", "title": "每月召开支委会", "kind": "responsibility", "target": 12},
    {"id": "R-2", "title": "每季度召开支部党员大会", "kind": "responsibility", "target": 4},
    {"id": "R-3", "title": "支部书记讲党课", "kind": "responsibility", "target": 2},
    {"id": "P-1", "title": "开展主题教育", "kind": "project", "target": None},
    {"id": "P-2", "title": "党支部规范化建设", "kind": "project", "target": None},
    {"id": "Z-1", "title": "党员活动室未按标准建设", "kind": "rectification", "target": None},
    {"id": "Z-2", "title": "党费收缴不规范", "kind": "rectification", "target": None},
]
GROUP = [
    {"id": "R-1", "title": "专题研究党建工作", "kind": "responsibility", "target": 2},
    {"id": "R-2", "title": "向市委专题报告党建工作", "kind": "responsibility", "target": 1},
    {"id": "R-3", "title": "召开政协系统党建工作座谈会", "kind": "responsibility", "target": 1},
    {"id": "R-4", "title": "听取汇报、研究指导党建工作", "kind": "responsibility", "target": 4},
    {"id": "P-1", "title": "党员委员能力作风建设", "kind": "project", "target": None},
    {"id": "Z-1", "title": "民主生活会批评意见整改", "kind": "rectification", "target": None},
]
TASKS = [
    {"id": "P-1", "title": "制定年度学习计划", "kind": "project", "target": None},
    {"id": "P-2", "title": "开展主题党日活动", "kind": "project", "target": None},
    {"id": "P-3", "title": "建设党员活动室", "kind": "project", "target": None},
    {"id": "P-4", "title": "撰写调研报告", "kind": "project", "target": None},
]
MIXED = [
    {"id": "XM-1", "title": "开展主题教育", "kind": "project", "target": None},
    {"id": "XM-2", "title": "开展主题党日活动", "kind": "project", "target": None},
    {"id": "XM-3", "title": "建设党员活动室", "kind": "project", "target": None},
    {"id": "ZG-1", "title": "党员活动室未按标准建设", "kind": "rectification", "target": None},
    {"id": "ZG-2", "title": "发展党员档案不完整", "kind": "rectification", "target": None},
    {"id": "ZR-1", "title": "每月召开支委会", "kind": "responsibility", "target": 12},
    {"id": "ZR-2", "title": "开展谈心谈话", "kind": "responsibility", "target": 20},
    {"id": "ZR-3", "title": "党员学习不少于32学时", "kind": "responsibility", "target": None},
]
SETS = {"branch": BRANCH, "group": GROUP, "tasks": TASKS, "mixed": MIXED}


@pytest.fixture(scope="module", autouse=True)
def loaded():
    nlu.load()


def updates(text: str, items) -> list[tuple]:
    """The parse of ``text`` as sorted (item, status, percent, count) tuples; asserts progress."""
    p = nlu.parse(text, items)
    assert p.intent == "progress", (text, p)
    return sorted(((u.item, u.status, u.percent, u.count) for u in p.updates), key=repr)


def check(set_name: str, text: str, expected: list[tuple]) -> None:
    assert updates(text, SETS[set_name]) == sorted(expected, key=repr), text


# ---- the development corpus, as the scorer reads it -------------------------------------------

CORPUS = [
    ("branch", "第4项已完成", [("P-1", "done", None, None)]),
    ("branch", "主题教育完成了", [("P-1", "done", None, None)]),
    ("branch", "规范化建设推进到80%", [("P-2", "in_progress", 80, None)]),
    ("branch", "党支部规范化建设完成百分之六十", [("P-2", "in_progress", 60, None)]),
    ("branch", "规范化建设完成了一半", [("P-2", "in_progress", 50, None)]),
    ("branch", "主题教育还没完成", [("P-1", "in_progress", None, None)]),
    ("branch", "主题教育尚未开始", [("P-1", "not_started", None, None)]),
    ("branch", "活动室整改已完成", [("Z-1", "done", None, None)]),
    ("branch", "党费收缴问题已整改到位", [("Z-2", "done", None, None)]),
    ("branch", "Z-2已销号", [("Z-2", "closed", None, None)]),
    ("branch", "本月召开了支委会", [("R-1", "in_progress", None, 1)]),
    ("branch", "召开了2次支委会", [("R-1", "in_progress", None, 2)]),
    ("branch", "讲了一次党课", [("R-3", "in_progress", None, 1)]),
    ("branch", "这季度开过支部党员大会了", [("R-2", "in_progress", None, 1)]),
    ("group", "专题研究党建工作1次", [("R-1", "in_progress", None, 1)]),
    ("group", "今天听取了机关党委的汇报", [("R-4", "in_progress", None, 1)]),
    ("group", "已向市委专题报告党建工作", [("R-2", "in_progress", None, 1)]),
    ("group", "能力作风建设进行中", [("P-1", "in_progress", None, None)]),
    ("group", "批评意见整改完成70%", [("Z-1", "in_progress", 70, None)]),
    ("tasks", "1、2项已完成，第3项进行中",
     [("P-1", "done", None, None), ("P-2", "done", None, None), ("P-3", "in_progress", None, None)]),
    ("tasks", "第三项完成了百分之七十", [("P-3", "in_progress", 70, None)]),
    ("tasks", "调研报告已经写完了", [("P-4", "done", None, None)]),
    ("tasks", "活动室建设遇到困难，需要协调场地", [("P-3", "blocked", None, None)]),
    ("tasks", "学习计划没有完成", [("P-1", "in_progress", None, None)]),
    ("tasks", "主题党日活动已开展", [("P-2", "done", None, None)]),
    ("tasks", "第2项 90%", [("P-2", "in_progress", 90, None)]),
    ("tasks", "P-4 完成", [("P-4", "done", None, None)]),
    ("tasks", "活动室八成了", [("P-3", "in_progress", 80, None)]),
    ("tasks", "已完成", [(None, "done", None, None)]),
    ("tasks", "完成了", [(None, "done", None, None)]),
    ("tasks", "学习计划制定好了，调研报告写了一半",
     [("P-1", "done", None, None), ("P-4", "in_progress", 50, None)]),
    ("tasks", "第1项完成，第4项还没开始", [("P-1", "done", None, None), ("P-4", "not_started", None, None)]),
]


@pytest.mark.parametrize("set_name,text,expected", CORPUS, ids=[c[1] for c in CORPUS])
def test_corpus_progress(set_name, text, expected):
    check(set_name, text, expected)


# ---- which item: by position ------------------------------------------------------------------

POSITIONS = [
    ("第3项已完成", [("P-3", "done", None, None)]),
    ("第三项已完成", [("P-3", "done", None, None)]),
    ("第３项已完成", [("P-3", "done", None, None)]),
    ("第 2 项 已完成", [("P-2", "done", None, None)]),
    ("第二项已经完成了", [("P-2", "done", None, None)]),
    ("第二條已完成", [("P-2", "done", None, None)]),
    ("3、4两项已完成", [("P-3", "done", None, None), ("P-4", "done", None, None)]),
    ("1、2项完成", [("P-1", "done", None, None), ("P-2", "done", None, None)]),
    ("第1、3项进行中", [("P-1", "in_progress", None, None), ("P-3", "in_progress", None, None)]),
    ("第1项和第3项已完成", [("P-1", "done", None, None), ("P-3", "done", None, None)]),
    ("第1-3项已完成", [("P-1", "done", None, None), ("P-2", "done", None, None), ("P-3", "done", None, None)]),
    ("前两项已完成", [("P-1", "done", None, None), ("P-2", "done", None, None)]),
    ("1.已完成；2.进行中", [("P-1", "done", None, None), ("P-2", "in_progress", None, None)]),
    ("1.完成 2.进行中 3.未开始",
     [("P-1", "done", None, None), ("P-2", "in_progress", None, None), ("P-3", "not_started", None, None)]),
    ("①完成②进行中", [("P-1", "done", None, None), ("P-2", "in_progress", None, None)]),
    ("（1）已完成（2）推进中", [("P-1", "done", None, None), ("P-2", "in_progress", None, None)]),
    ("1.学习计划已完成 2.调研报告写了一半", [("P-1", "done", None, None), ("P-4", "in_progress", 50, None)]),
    ("一、学习计划已完成；二、调研报告进行中", [("P-1", "done", None, None), ("P-4", "in_progress", None, None)]),
    ("第1项完成第2项进行中", [("P-1", "done", None, None), ("P-2", "in_progress", None, None)]),
    ("第2项没开始第3项已完成", [("P-2", "not_started", None, None), ("P-3", "done", None, None)]),
    ("1、2项已完成，其余进行中", [("P-1", "done", None, None), ("P-2", "done", None, None),
                                ("P-3", "in_progress", None, None), ("P-4", "in_progress", None, None)]),
    ("第2项，已完成", [("P-2", "done", None, None)]),
    ("第2项：完成80%", [("P-2", "in_progress", 80, None)]),
    ("第9项已完成", [(None, "done", None, None)]),          # beyond the list: not an item
    ("第2项", [("P-2", None, None, None)]),                 # an item and no state
]


@pytest.mark.parametrize("text,expected", POSITIONS, ids=[c[0] for c in POSITIONS])
def test_positions(text, expected):
    check("tasks", text, expected)


# ---- which item: by 编号 ----------------------------------------------------------------------

IDS = [
    ("mixed", "XM-3完成", [("XM-3", "done", None, None)]),
    ("mixed", "xm-3 完成", [("XM-3", "done", None, None)]),
    ("mixed", "XM3完成了", [("XM-3", "done", None, None)]),
    ("mixed", "ＸＭ－３已完成", [("XM-3", "done", None, None)]),
    ("mixed", "zg2已销号", [("ZG-2", "closed", None, None)]),
    ("mixed", "ZG-1 80%", [("ZG-1", "in_progress", 80, None)]),
    ("mixed", "XM-9已完成", [(None, "done", None, None)]),    # not in the list
    ("branch", "Z-2", [("Z-2", None, None, None)]),
    ("branch", "z-1已整改", [("Z-1", "done", None, None)]),
    ("tasks", "P-1 done", [("P-1", "done", None, None)]),
    ("tasks", "P1、P2已完成", [("P-1", "done", None, None), ("P-2", "done", None, None)]),
]


@pytest.mark.parametrize("set_name,text,expected", IDS, ids=[c[1] for c in IDS])
def test_ids(set_name, text, expected):
    check(set_name, text, expected)


# ---- which item: by words of the title ---------------------------------------------------------

TITLES = [
    ("tasks", "活动室建好了", [("P-3", "done", None, None)]),
    ("tasks", "建设党员活动室已完成", [("P-3", "done", None, None)]),
    ("tasks", "学习计划已制定", [("P-1", "done", None, None)]),
    ("tasks", "调研报告弄好了", [("P-4", "done", None, None)]),
    ("tasks", "學習計劃已完成", [("P-1", "done", None, None)]),
    ("tasks", "調研報告寫完了", [("P-4", "done", None, None)]),
    ("tasks", "学习计划和调研报告都完成了", [("P-1", "done", None, None), ("P-4", "done", None, None)]),
    ("tasks", "完成了学习计划和调研报告", [("P-1", "done", None, None), ("P-4", "done", None, None)]),
    ("tasks", "学习计划已完成调研报告写了一半", [("P-1", "done", None, None), ("P-4", "in_progress", 50, None)]),
    ("branch", "规范化建设完成", [("P-2", "done", None, None)]),
    ("branch", "党费收缴不规范的问题已经整改到位", [("Z-2", "done", None, None)]),
    ("branch", "党员活动室未按标准建设问题已整改完毕", [("Z-1", "done", None, None)]),
    ("branch", "活动室整改进行中", [("Z-1", "in_progress", None, None)]),
    ("mixed", "档案已补齐", [("ZG-2", "done", None, None)]),
    ("mixed", "档案不完整问题已整改", [("ZG-2", "done", None, None)]),
    ("mixed", "主题教育已完成", [("XM-1", "done", None, None)]),
    ("mixed", "主题党日已开展", [("XM-2", "done", None, None)]),
    ("mixed", "活动室整改已完成", [("ZG-1", "done", None, None)]),          # 整改 names the rectification
    ("mixed", "活动室建设项目已完成", [("XM-3", "done", None, None)]),       # 项目 names the project
    ("mixed", "学时已满", [("ZR-3", "done", None, None)]),
    ("group", "民主生活会整改已完成", [("Z-1", "done", None, None)]),
    ("group", "能力作风建设完成80%", [("P-1", "in_progress", 80, None)]),
    ("group", "党建工作已完成", [(None, "done", None, None)]),           # generic words name nothing
]


@pytest.mark.parametrize("set_name,text,expected", TITLES, ids=[c[1] for c in TITLES])
def test_titles(set_name, text, expected):
    check(set_name, text, expected)


# ---- quantified duties: how many times ----------------------------------------------------------

COUNTS = [
    ("branch", "本月召开支委会1次", [("R-1", "in_progress", None, 1)]),
    ("branch", "支委会开了3次", [("R-1", "in_progress", None, 3)]),
    ("branch", "开了两次支委会", [("R-1", "in_progress", None, 2)]),
    ("branch", "支部委员会会议召开了", [("R-1", "in_progress", None, 1)]),
    ("branch", "党课讲了两次", [("R-3", "in_progress", None, 2)]),
    ("branch", "上了一次党课", [("R-3", "in_progress", None, 1)]),
    ("branch", "支部大会开过了", [("R-2", "in_progress", None, 1)]),
    ("branch", "党员大会召开了", [("R-2", "in_progress", None, 1)]),
    ("branch", "召开了支委会，讲了党课", [("R-1", "in_progress", None, 1), ("R-3", "in_progress", None, 1)]),
    ("branch", "召开了支委会讲了党课", [("R-1", "in_progress", None, 1), ("R-3", "in_progress", None, 1)]),
    ("branch", "本月支委会还没开", [("R-1", "not_started", None, None)]),
    ("branch", "党课已完成2次", [("R-3", "in_progress", None, 2)]),       # the store derives done from the total
    ("branch", "支委会已完成", [("R-1", "done", None, None)]),
    ("group", "专题研究党建工作2次", [("R-1", "in_progress", None, 2)]),
    ("group", "听取汇报1次", [("R-4", "in_progress", None, 1)]),
    ("group", "座谈会开了", [("R-3", "in_progress", None, 1)]),
    ("group", "向市委报告了党建工作", [("R-2", "in_progress", None, 1)]),
    ("group", "R4 2次", [("R-4", "in_progress", None, 2)]),
    ("mixed", "谈心谈话三次", [("ZR-2", "in_progress", None, 3)]),
    ("mixed", "开展谈心谈话3次", [("ZR-2", "in_progress", None, 3)]),
    ("tasks", "召开了2次", [(None, "in_progress", None, 2)]),
]


@pytest.mark.parametrize("set_name,text,expected", COUNTS, ids=[c[1] for c in COUNTS])
def test_counts(set_name, text, expected):
    check(set_name, text, expected)


# ---- what state, with no item named ----------------------------------------------------------

STATES = [
    ("已完成", "done"), ("完成了", "done"), ("搞定了", "done"), ("写完了", "done"), ("已整改到位", "done"),
    ("建好了", "done"), ("制定好了", "done"), ("已开展", "done"), ("已办结", "done"), ("落实到位", "done"),
    ("全部完成", "done"), ("已建成", "done"), ("整改完毕", "done"), ("好的，已完成", "done"),
    ("申请销号", "done"), ("已整改到位，尚未销号", "done"), ("100%", "done"), ("百分之百", "done"),
    ("进行中", "in_progress"), ("正在推进", "in_progress"), ("尚在推进", "in_progress"),
    ("快完成了", "in_progress"), ("推进中", "in_progress"), ("基本完成", "in_progress"),
    ("已启动", "in_progress"), ("马上就好了", "in_progress"), ("预计月底前完成", "in_progress"),
    ("初稿已完成", "in_progress"), ("還在進行", "in_progress"), ("还没销号", "in_progress"),
    ("尚未开始", "not_started"), ("还没启动", "not_started"), ("暂未开展", "not_started"),
    ("还没开始", "not_started"), ("还没动", "not_started"), ("还未整改", "not_started"),
    ("遇到困难", "blocked"), ("不能按期完成", "blocked"), ("需要协调", "blocked"), ("有困难", "blocked"),
    ("卡住了", "blocked"), ("经费不足", "blocked"), ("完成不了", "blocked"), ("遇到了一些问题", "blocked"),
    ("已销号", "closed"), ("销号", "closed"), ("已经销号了", "closed"),
]


@pytest.mark.parametrize("text,status", STATES, ids=[s[0] for s in STATES])
def test_states_without_item(text, status):
    assert updates(text, TASKS) == [(None, status, 100 if "100" in text or "百分之百" in text else None, None)]


# ---- negation never reads as done ------------------------------------------------------------

NEGATED = [
    "还没完成", "没有完成", "没有建好", "还未整改", "未完成", "尚未完成", "没搞定", "并未完成", "没能完成",
    "调研报告没有做完", "调研报告还没写完", "活动室没建成", "学习计划未落实到位", "没把活动室建好",
    "还没有将调研报告写完", "尚未全部完成", "还没有按照要求完成", "活动室还没有整改到位", "未办结",
    "党费收缴问题还未整改", "主题党日活动暂时还没有开展", "第2项还没完成", "还没完成学习计划",
    "P-4 not done", "還沒完成",
]


@pytest.mark.parametrize("text", NEGATED)
def test_negation_is_never_done(text):
    got = updates(text, TASKS)
    assert got and all(status in ("in_progress", "not_started", "blocked") for _, status, _, _ in got), got


# ---- how far -----------------------------------------------------------------------------------

PERCENTS = [
    ("活动室完成了80%", 80), ("活动室80％", 80), ("活动室百分之八十", 80), ("活动室百分之八十五", 85),
    ("活动室八成", 80), ("活动室三成了", 30), ("活动室完成了一半", 50), ("活动室完成度85", 85),
    ("活动室进度：40%", 40), ("活动室进度40%", 40), ("活动室完成了三分之二", 67), ("活动室完成九成", 90),
    ("活动室推进到60%", 60), ("活动室 85.5%", 86), ("活动室已完成，进度70%", 70),
    ("活动室初稿已完成，进度70%", 70), ("活动室八十%", 80), ("活动室进度为35", 35),
]


@pytest.mark.parametrize("text,percent", PERCENTS, ids=[p[0] for p in PERCENTS])
def test_percents(text, percent):
    assert updates(text, TASKS) == [("P-3", "in_progress", percent, None)]


# ---- two items match equally: ask, never guess --------------------------------------------------

AMBIGUOUS = [
    ("mixed", "活动室已完成", ["XM-3", "ZG-1"], "done"),
    ("mixed", "主题已完成", ["XM-1", "XM-2"], "done"),
    ("group", "研究了党建工作", ["R-1", "R-4"], "in_progress"),
]


@pytest.mark.parametrize("set_name,text,candidates,status", AMBIGUOUS, ids=[a[1] for a in AMBIGUOUS])
def test_equal_matches_give_candidates(set_name, text, candidates, status):
    p = nlu.parse(text, SETS[set_name])
    assert p.intent == "progress"
    assert len(p.updates) == 1
    u = p.updates[0]
    assert u.item is None and sorted(u.candidates) == candidates and u.status == status
    assert nlu.to_json(p)["updates"][0]["candidates"] == u.candidates


# ---- queries and other intents ------------------------------------------------------------------

QUERIES = [
    ("我的清单", "my_list"), ("看看我的任务", "my_list"), ("查看我的任务", "my_list"), ("我有哪些事项", "my_list"),
    ("我的任务清单", "my_list"), ("清单", "my_list"), ("我负责哪些事项", "my_list"), ("列出我的任务", "my_list"),
    ("看一下我的清单", "my_list"), ("我的清单呢", "my_list"), ("请给我看一下我的清单", "my_list"),
    ("把我的清单发给我", "my_list"), ("我有什么事要做", "my_list"), ("我名下有哪些事项", "my_list"),
    ("我的责任清单", "my_list"), ("我还有哪些任务没完成", "my_list"),
    ("我们支部几星", "star_level"), ("我单位星级", "star_level"), ("本单位星级评定结果", "star_level"),
    ("我们是几星级", "star_level"), ("我们的星级是多少", "star_level"), ("星级", "star_level"),
    ("本支部评了几颗星", "star_level"), ("我们单位是几星级党支部？", "star_level"),
    ("哪些事项过期了", "overdue"), ("有哪些逾期的", "overdue"), ("超期事项", "overdue"), ("逾期事项", "overdue"),
    ("有没有超期的", "overdue"), ("哪些任务逾期了？", "overdue"), ("我有逾期的事项吗", "overdue"),
    ("哪些快到期了", "overdue"), ("本单位逾期情况", "overdue"),
    ("谁还没报", "unreported"), ("本月还有谁没有报送", "unreported"), ("本月未报名单", "unreported"),
    ("哪些人还没报", "unreported"), ("未报送名单", "unreported"), ("还有谁没交月报", "unreported"),
    ("哪些同志还没报送月报", "unreported"), ("没报的有谁", "unreported"), ("这个月还有谁没汇报", "unreported"),
    ("整改清单", "rectifications"), ("还有哪些整改没完成", "rectifications"), ("整改进度怎么样", "rectifications"),
    ("整改情况", "rectifications"), ("我的整改清单", "rectifications"), ("問題整改進度", "rectifications"),
    ("整改事项进展如何", "rectifications"), ("未完成的整改", "rectifications"), ("还有几项整改", "rectifications"),
    ("把整改清单发我", "rectifications"),
    ("我这个月报了吗", "report_status"), ("本月月报情况", "report_status"), ("我报了没有", "report_status"),
    ("我本月报了吗", "report_status"), ("我的月报交了吗", "report_status"), ("月报情况", "report_status"),
    ("我本月是否已报送", "report_status"), ("我提交月报了没", "report_status"), ("这个月我报过了吗", "report_status"),
    ("帮助", "help"), ("怎么用", "help"), ("使用说明", "help"), ("?", "help"), ("？", "help"), ("help", "help"),
    ("HELP", "help"), ("怎么使用", "help"), ("使用帮助", "help"), ("菜单", "help"), ("你能做什么", "help"),
    ("这个机器人怎么用？", "help"), ("帮助信息", "help"), ("能干啥", "help"),
    ("通知 全体党员：明天下午3点在三楼会议室开会", "broadcast"), ("通知：下午开会", "broadcast"),
    ("发通知 明天学习", "broadcast"), ("通知全体支部书记明天开会", "broadcast"), ("【通知】周五下午学习", "broadcast"),
]


@pytest.mark.parametrize("text,intent", QUERIES, ids=[q[0] for q in QUERIES])
def test_queries(text, intent):
    p = nlu.parse(text, TASKS)
    assert p.intent == intent
    assert p.updates == []


UNKNOWN = ["今天天气不错", "哈哈", "好的", "收到", "谢谢", "收到，谢谢", "辛苦了", "嗯", "OK", "明白", "在吗",
           "今天开会吗", "第2项完成了吗", "活动室什么时候建好？", "通知收到了", "第一次用这个", "👍", "hello", "",
           "   ", "，。", "12345", "嗯嗯", "你好", "好的收到", "没问题", "明白了", "早上好", "知道了", "请问会议室在哪",
           "通知下发了吗", "收到，马上办"]


@pytest.mark.parametrize("text", UNKNOWN)
def test_unknown_is_never_a_guessed_update(text):
    assert nlu.parse(text, TASKS) == Parse("unknown", [])


def test_all_and_the_rest():
    assert updates("所有事项都已完成", TASKS) == [(i["id"], "done", None, None) for i in TASKS]
    assert updates("其余已完成，第2项进行中", TASKS) == [
        ("P-1", "done", None, None), ("P-2", "in_progress", None, None),
        ("P-3", "done", None, None), ("P-4", "done", None, None)]
    assert updates("其他都完成了", TASKS) == [(None, "done", None, None)]   # nothing else named: no guess


def test_time_words_and_noun_phrases_are_not_done():
    assert updates("学习计划下周完成", TASKS) == [("P-1", "in_progress", None, None)]
    assert updates("本周已完成", TASKS) == [(None, "done", None, None)]
    assert updates("第2项完成情况", TASKS) == [("P-2", None, None, None)]


def test_a_question_beside_a_report_keeps_the_report():
    assert updates("调研报告写了一半，什么时候交？", TASKS) == [("P-4", "in_progress", 50, None)]


def test_a_statement_that_resembles_a_query_stays_progress():
    assert updates("我的清单第2项已完成", TASKS) == [("P-2", "done", None, None)]
    assert updates("整改进度80%", BRANCH) == [(None, "in_progress", 80, None)]


# ---- the API ------------------------------------------------------------------------------------

def test_to_json_is_the_contract_form():
    p = nlu.parse("第2项 90%", TASKS)
    assert nlu.to_json(p) == {"intent": "progress",
                              "updates": [{"item": "P-2", "status": "in_progress", "percent": 90, "count": None}]}
    assert nlu.to_json(nlu.parse("我的清单", TASKS)) == {"intent": "my_list", "updates": []}


def test_item_refs_and_dicts_parse_alike():
    refs = nlu.item_refs(BRANCH)
    assert refs[0] == ItemRef("R-1", "每月召开支委会", "responsibility", 12)
    assert refs[3].target is None
    for text in ("召开了2次支委会", "第4项已完成", "活动室整改已完成"):
        assert nlu.parse(text, refs) == nlu.parse(text, BRANCH)


def test_item_refs_tolerates_loose_fields():
    refs = nlu.item_refs([{"id": "A-1", "title": "撰写调研报告", "target": "3"}, {"id": "A-2", "target": ""}])
    assert refs == [ItemRef("A-1", "撰写调研报告", "", 3), ItemRef("A-2", "", "", None)]


def test_no_items_still_understands_states_and_queries():
    assert nlu.parse("已完成", []) == Parse("progress", [Update(None, "done")])
    assert nlu.parse("第2项已完成", []) == Parse("progress", [Update(None, "done")])
    assert nlu.parse("我的清单", []).intent == "my_list"


def test_the_domain_dictionary_is_loaded():
    from bot.nlu import segmenter

    words = segmenter.cut("三会一课和主题党日，支委会、党小组会、民主生活会、组织生活会、谈心谈话都已销号")
    for word in ("三会一课", "主题党日", "支委会", "党小组会", "民主生活会", "组织生活会", "谈心谈话", "销号"):
        assert word in words


def test_load_is_idempotent_and_timed():
    assert isinstance(nlu.load(), float)
    assert nlu.load(["加强党员教育管理"]) >= 0.0


def test_added_words_keep_results_stable():
    before = nlu.parse("学习计划制定好了", TASKS)
    nlu.add_words(["制定年度学习计划", "撰写调研报告"])
    assert nlu.parse("学习计划制定好了", TASKS) == before


def test_parse_survives_non_text():
    assert nlu.parse(None, TASKS).intent == "unknown"          # type: ignore[arg-type]
    assert nlu.parse("已完成", [None, 3, {"id": "X-1"}]).intent == "progress"   # type: ignore[list-item]


# ---- properties ---------------------------------------------------------------------------------

def _valid(p: Parse, items) -> None:
    ids = {i["id"] for i in items}
    assert p.intent in INTENTS
    if p.intent != "progress":
        assert p.updates == []
    else:
        assert p.updates
    for u in p.updates:
        assert u.item is None or u.item in ids
        assert u.status is None or u.status in STATUSES
        assert u.percent is None or 0 <= u.percent <= 100
        assert u.count is None or u.count > 0
        assert set(u.candidates) <= ids


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(), set_name=st.sampled_from(sorted(SETS)))
def test_parse_never_raises_on_any_text(text, set_name):
    _valid(nlu.parse(text, SETS[set_name]), SETS[set_name])


_CHINESE = st.text(alphabet=st.sampled_from(list("第项已完成了没有未还尚进行中度百分之八十一半成次开会支委党课销号整改"
                                                   "困难协调通知我的清单星级逾期谁报吗？?，。、123456789%ZPR-")),
                   max_size=30)


@settings(max_examples=400, deadline=None)
@given(text=_CHINESE, set_name=st.sampled_from(sorted(SETS)))
def test_parse_never_raises_on_domain_soup(text, set_name):
    _valid(nlu.parse(text, SETS[set_name]), SETS[set_name])


_NEGATORS = ["没", "没有", "还没", "还没有", "未", "尚未", "还未", "并未", "暂未", "仍未", "没能", "并没有", "都没有"]
_DONE_VERBS = ["完成", "完成了", "搞定", "写完", "建好", "做完", "办结", "落实到位", "整改到位", "制定好", "弄好",
               "建成", "整改完毕", "全部完成", "按期完成", "开展", "召开", "整改"]
_ITEM_WORDS = ["活动室", "学习计划", "调研报告", "主题党日活动", "第2项", "P-3", "", "党费收缴", "档案", "规范化建设",
               "主题教育", "党员活动室未按标准建设问题", "Z-1"]
_TEMPLATES = ["{item}{neg}{verb}", "{neg}{verb}{item}", "{item}{neg}{verb}呢", "{item}目前{neg}{verb}",
              "{neg}把{item}{verb}", "{item}，{neg}{verb}", "{item}{neg}{verb}。"]


@settings(max_examples=1000, deadline=None)
@given(neg=st.sampled_from(_NEGATORS), verb=st.sampled_from(_DONE_VERBS), item=st.sampled_from(_ITEM_WORDS),
       template=st.sampled_from(_TEMPLATES), set_name=st.sampled_from(sorted(SETS)))
def test_negated_states_never_come_out_done(neg, verb, item, template, set_name):
    text = template.format(item=item, neg=neg, verb=verb)
    p = nlu.parse(text, SETS[set_name])
    assert all(u.status != "done" for u in p.updates), (text, p)


@pytest.mark.parametrize("text", ["活动室未完成", "活动室 未完成", "活动室没完成", "党费收缴不完成", "档案未补齐"])
def test_a_negator_that_also_stands_in_a_title_still_negates(text):
    p = nlu.parse(text, BRANCH + MIXED[4:5])
    assert p.intent == "progress" and all(u.status != "done" for u in p.updates), p


_CN = ["一", "二", "三", "四"]
_FULL_WIDTH = "０１２３４５６７８９"


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 4), form=st.sampled_from(["digit", "chinese", "full"]),
       state=st.sampled_from([("已完成", "done"), ("进行中", "in_progress"), ("还没开始", "not_started"),
                              ("遇到困难", "blocked")]))
def test_any_position_with_any_state(n, form, state):
    number = {"digit": str(n), "chinese": _CN[n - 1], "full": _FULL_WIDTH[n]}[form]
    words, status = state
    assert updates(f"第{number}项{words}", TASKS) == [(TASKS[n - 1]["id"], status, None, None)]


_CN_PERCENT = {10: "十", 20: "二十", 35: "三十五", 50: "五十", 66: "六十六", 80: "八十", 95: "九十五", 99: "九十九"}


@settings(max_examples=200, deadline=None)
@given(p=st.integers(1, 99), form=st.sampled_from(["%", "％", " %", "cn"]))
def test_any_percent_below_100_is_in_progress(p, form):
    if form == "cn":
        p = min(_CN_PERCENT, key=lambda k: abs(k - p))
        text = f"调研报告完成百分之{_CN_PERCENT[p]}"
    else:
        text = f"调研报告完成{p}{form}"
    assert updates(text, TASKS) == [("P-4", "in_progress", p, None)]


@settings(max_examples=100, deadline=None)
@given(times=st.integers(1, 12), form=st.sampled_from(["召开了{n}次支委会", "支委会开了{n}次", "本月开了{n}次支委会"]))
def test_any_count_of_a_quantified_duty(times, form):
    assert updates(form.format(n=times), BRANCH) == [("R-1", "in_progress", None, times)]


# --- a figure over 100% is no progress: the item is named, the figure is not guessed at ---------

@pytest.mark.parametrize("text", ["活动室推进760%", "第2项120%", "第3项进度：150%"])
def test_a_percentage_over_100_is_not_read(text):
    from bot.nlu import parse, to_json

    items = [{"id": "P-1", "title": "制定年度学习计划", "kind": "project", "target": None},
             {"id": "P-2", "title": "开展主题党日活动", "kind": "project", "target": None},
             {"id": "P-3", "title": "建设党员活动室", "kind": "project", "target": None}]
    result = to_json(parse(text, items))
    assert result["intent"] == "progress"
    [update] = result["updates"]
    assert update["percent"] is None and update["status"] != "done"
