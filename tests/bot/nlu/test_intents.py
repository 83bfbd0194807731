"""Every intent but progress (intents.py): queries, help, notices, acknowledgements, item questions."""
from __future__ import annotations

import pytest

from bot import nlu
from bot.nlu import INTENTS, Parse
from tests.bot.nlu.helpers import updates
from tests.support.item_lists import OFFICE, SETS, STAFF, TASKS

QUERIES = [
    ("我的清单", "my_list"), ("看看我的任务", "my_list"), ("查看我的任务", "my_list"), ("我有哪些事项", "my_list"),
    ("我的任务清单", "my_list"), ("清单", "my_list"), ("我负责哪些事项", "my_list"), ("列出我的任务", "my_list"),
    ("看一下我的清单", "my_list"), ("我的清单呢", "my_list"), ("请给我看一下我的清单", "my_list"),
    ("把我的清单发给我", "my_list"), ("我有什么事要做", "my_list"), ("我名下有哪些事项", "my_list"),
    ("我的责任清单", "my_list"), ("我还有哪些任务没完成", "my_list"), ("我名下都有啥任务", "my_list"),
    ("把我的责任清单发我看看", "my_list"), ("我负责哪几项", "my_list"), ("列一下我名下的清单事项", "my_list"),
    ("我还有几项没完成", "my_list"),
    ("我们支部几星", "star_level"), ("我单位星级", "star_level"), ("本单位星级评定结果", "star_level"),
    ("我们是几星级", "star_level"), ("我们的星级是多少", "star_level"), ("星级", "star_level"),
    ("本支部评了几颗星", "star_level"), ("我们单位是几星级党支部？", "star_level"),
    ("咱们支部评了几颗星", "star_level"), ("今年星级考评结果出来没有", "star_level"),
    ("哪些事项过期了", "overdue"), ("有哪些逾期的", "overdue"), ("超期事项", "overdue"), ("逾期事项", "overdue"),
    ("有没有超期的", "overdue"), ("哪些任务逾期了？", "overdue"), ("我有逾期的事项吗", "overdue"),
    ("哪些快到期了", "overdue"), ("本单位逾期情况", "overdue"), ("哪些事项过了截止日期还没完成", "overdue"),
    ("我有没有超时的任务", "overdue"), ("有没有拖期的项目", "overdue"), ("哪几项已经超过时限了", "overdue"),
    ("谁还没报", "unreported"), ("本月还有谁没有报送", "unreported"), ("本月未报名单", "unreported"),
    ("哪些人还没报", "unreported"), ("未报送名单", "unreported"), ("还有谁没交月报", "unreported"),
    ("哪些同志还没报送月报", "unreported"), ("没报的有谁", "unreported"), ("这个月还有谁没汇报", "unreported"),
    ("这个月还有哪些人没报月报", "unreported"), ("看下谁没交进度", "unreported"),
    ("整改清单", "rectifications"), ("还有哪些整改没完成", "rectifications"), ("整改进度怎么样", "rectifications"),
    ("整改情况", "rectifications"), ("我的整改清单", "rectifications"), ("問題整改進度", "rectifications"),
    ("整改事项进展如何", "rectifications"), ("未完成的整改", "rectifications"), ("还有几项整改", "rectifications"),
    ("把整改清单发我", "rectifications"), ("还有多少整改问题没销号", "rectifications"),
    ("巡察反馈的问题整改到哪一步了", "rectifications"),
    ("我这个月报了吗", "report_status"), ("本月月报情况", "report_status"), ("我报了没有", "report_status"),
    ("我本月报了吗", "report_status"), ("我的月报交了吗", "report_status"), ("月报情况", "report_status"),
    ("我本月是否已报送", "report_status"), ("我提交月报了没", "report_status"), ("这个月我报过了吗", "report_status"),
    ("我这个月的进度报上去没有", "report_status"), ("我本月的进展报上去没有", "report_status"),
    ("本月我提交月报了没", "report_status"),
    ("帮助", "help"), ("怎么用", "help"), ("使用说明", "help"), ("?", "help"), ("？", "help"), ("help", "help"),
    ("HELP", "help"), ("怎么使用", "help"), ("使用帮助", "help"), ("菜单", "help"), ("你能做什么", "help"),
    ("这个机器人怎么用？", "help"), ("帮助信息", "help"), ("能干啥", "help"), ("这个机器人怎么用啊", "help"),
    ("进度怎么报？格式是啥", "help"), ("有哪些命令可以用", "help"), ("咋报进度", "help"), ("有什么指令", "help"),
    ("通知 全体党员：明天下午3点在三楼会议室开会", "broadcast"), ("通知：下午开会", "broadcast"),
    ("发通知 明天学习", "broadcast"), ("通知全体支部书记明天开会", "broadcast"), ("【通知】周五下午学习", "broadcast"),
    ("通知：各支部于本周五前报送党费收缴情况", "broadcast"),
    ("发通知给全体支部书记：明天上午9点召开党建工作推进会", "broadcast"),
]


@pytest.mark.parametrize("text,intent", QUERIES, ids=[q[0] for q in QUERIES])
def test_queries(text, intent):
    p = nlu.parse(text, OFFICE)
    assert p.intent == intent
    assert p.updates == []


ACKS = ["收到", "好的", "谢谢", "收到，谢谢", "辛苦了", "嗯", "OK", "明白", "👍", "👌", "嗯嗯", "好的收到", "没问题",
        "明白了", "知道了", "已阅", "收到，马上办", "通知收到了", "好的，马上报", "谢谢书记", "收到，辛苦了",
        "好的，我晚点统一填"]


@pytest.mark.parametrize("text", ACKS)
def test_acknowledgements(text):
    assert nlu.parse(text, TASKS) == Parse("ack", [])


UNKNOWN = ["今天天气不错", "哈哈", "在吗", "今天开会吗", "第一次用这个", "hello", "", "   ", "，。", "12345",
           "你好", "早上好", "请问会议室在哪", "通知下发了吗", "活动室建设要按什么标准？", "党课次数是按年算还是按季度算？"]


@pytest.mark.parametrize("text", UNKNOWN)
def test_unknown_is_never_a_guessed_update(text):
    assert nlu.parse(text, TASKS) == Parse("unknown", [])


ITEM_QUESTIONS = [
    ("staff", "第2项完成了吗？", ["XM-02"]),
    ("office", "换届选举截止哪天", ["P-2"]),
    ("tasks", "活动室什么时候建好？", ["P-3"]),
    ("tasks", "调研报告进度怎么样了", ["P-4"]),
    ("branch", "支委会开了几次了", ["R-1"]),
]


@pytest.mark.parametrize("set_name,text,asked", ITEM_QUESTIONS, ids=[q[1] for q in ITEM_QUESTIONS])
def test_a_question_about_an_item_asks_for_its_line(set_name, text, asked):
    p = nlu.parse(text, SETS[set_name])
    assert (p.intent, p.updates, p.asked_items) == ("my_list", [], asked)
    assert nlu.to_json(p) == {"intent": "my_list", "updates": [], "asked_items": asked}


def test_a_question_beside_a_report_keeps_the_report():
    assert updates("调研报告写了一半，什么时候交？", TASKS) == [("P-4", "in_progress", 50, None)]
    assert updates("第1项已完成，第2项完成了吗？", TASKS) == [("P-1", "done", None, None)]


def test_a_statement_that_resembles_a_query_stays_progress():
    assert updates("我的清单第2项已完成", TASKS) == [("P-2", "done", None, None)]
    assert updates("整改进度80%", SETS["branch"]) == [(None, "in_progress", 80, None)]
    assert updates("调研在弄着呢", SETS["leader"]) == [("P-1", "in_progress", None, None)]


def test_a_report_that_starts_with_thanks_is_a_report():
    assert updates("好的，已完成", TASKS) == [(None, "done", None, None)]
    assert updates("收到，XM-02已完成", STAFF) == [("XM-02", "done", None, None)]


def test_intents_are_the_contracts():
    assert INTENTS == ("progress", "my_list", "star_level", "overdue", "unreported", "rectifications",
                       "report_status", "broadcast", "help", "ack", "unknown")
