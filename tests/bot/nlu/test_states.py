"""States (states.py): state words, negation, double negatives, promises and plans, colloquial text."""
from __future__ import annotations

import pytest

from bot import nlu
from bot.nlu.states import find_signals
from tests.bot.nlu.helpers import check, updates
from tests.support.item_lists import BRANCH, MIXED, TASKS

STATES = [
    ("已完成", "done"), ("完成了", "done"), ("搞定了", "done"), ("写完了", "done"), ("已整改到位", "done"),
    ("建好了", "done"), ("制定好了", "done"), ("已开展", "done"), ("已办结", "done"), ("落实到位", "done"),
    ("全部完成", "done"), ("已建成", "done"), ("整改完毕", "done"), ("好的，已完成", "done"), ("完工了", "done"),
    ("妥了", "done"), ("弄完了", "done"), ("✅", "done"), ("✔️", "done"), ("ok了", "done"), ("done", "done"),
    ("申请销号", "done"), ("等待销号", "done"), ("可以销号了", "done"), ("已整改到位，尚未销号", "done"),
    ("已完城", "done"), ("100%", "done"), ("百分之百", "done"),
    ("进行中", "in_progress"), ("正在推进", "in_progress"), ("尚在推进", "in_progress"),
    ("快完成了", "in_progress"), ("推进中", "in_progress"), ("基本完成", "in_progress"),
    ("已启动", "in_progress"), ("马上就好了", "in_progress"), ("预计月底前完成", "in_progress"),
    ("初稿已完成", "in_progress"), ("還在進行", "in_progress"), ("还没销号", "in_progress"),
    ("在弄着呢", "in_progress"), ("在等结果", "in_progress"), ("已报党组审定", "in_progress"),
    ("整改了一小半", "in_progress"), ("只是初步规范", "in_progress"),
    ("尚未开始", "not_started"), ("还没启动", "not_started"), ("暂未开展", "not_started"),
    ("还没开始", "not_started"), ("还没动", "not_started"), ("还未整改", "not_started"),
    ("还没开始筹备", "not_started"),
    ("遇到困难", "blocked"), ("不能按期完成", "blocked"), ("需要协调", "blocked"), ("有困难", "blocked"),
    ("卡住了", "blocked"), ("经费不足", "blocked"), ("完成不了", "blocked"), ("遇到了一些问题", "blocked"),
    ("搞不了了", "blocked"), ("暂时推进不了", "blocked"), ("资金没到位停下来了", "blocked"), ("没能按期完成", "blocked"),
    ("已销号", "closed"), ("销号", "closed"), ("已经销号了", "closed"), ("已消号", "closed"),
]


@pytest.mark.parametrize("text,status", STATES, ids=[s[0] for s in STATES])
def test_states_without_item(text, status):
    got = updates(text, TASKS)
    assert [(item, s) for item, s, _, _ in got] == [(None, status)], got


NEGATED = [
    "还没完成", "没有完成", "没有建好", "还未整改", "未完成", "尚未完成", "没搞定", "并未完成", "没能完成",
    "调研报告没有做完", "调研报告还没写完", "活动室没建成", "学习计划未落实到位", "没把活动室建好",
    "还没有将调研报告写完", "尚未全部完成", "还没有按照要求完成", "活动室还没有整改到位", "未办结",
    "党费收缴问题还未整改", "主题党日活动暂时还没有开展", "第2项还没完成", "还没完成学习计划",
    "P-4 not done", "還沒完成", "调研报告不算完成", "调研报告还没整改完", "活动室不能说整改完了，只是初步规范",
]


@pytest.mark.parametrize("text", NEGATED)
def test_negation_is_never_done(text):
    got = updates(text, TASKS)
    assert got and all(status in ("in_progress", "not_started", "blocked") for _, status, _, _ in got), got


@pytest.mark.parametrize("text", ["活动室未完成", "活动室 未完成", "活动室没完成", "党费收缴不完成", "档案未补齐"])
def test_a_negator_that_also_stands_in_a_title_still_negates(text):
    p = nlu.parse(text, BRANCH + MIXED[4:5])
    assert p.intent == "progress" and all(u.status != "done" for u in p.updates), p


DOUBLE_NEGATIVES = [
    ("office", "调研报告不是没完成，是已经完成了，昨天报给党组了", [("P-3", "done", None, None)]),
    ("tasks", "学习计划不是还没开始，是已经在做了", [("P-1", "in_progress", None, None)]),
    ("veterans", "活动室建设没有遇到困难，正常推进", [("P-1", "in_progress", None, None)]),
    ("leader", "结对共建不算完成，只签了协议，活动还没搞", [("P-2", "in_progress", None, None)]),
    ("office", "发展党员那条整改完了，但还没销号", [("Z-1", "done", None, None)]),
]


@pytest.mark.parametrize("set_name,text,expected", DOUBLE_NEGATIVES, ids=[c[1] for c in DOUBLE_NEGATIVES])
def test_double_negatives_and_contrasts(set_name, text, expected):
    check(set_name, text, expected)


PROMISES_AND_PLANS = [
    ("leader", "融合调研计划下月完成", "in_progress"),
    ("veterans", "阵地标准化建设正在收尾，争取月底前完成", "in_progress"),
    ("veterans", "志愿服务队组建工作暂未完成，预计下月中旬完成", "in_progress"),
    ("staff", "读书分享下周搞", "not_started"),
    ("office", "换届选举能否按期完成还不好说", "in_progress"),
    ("tasks", "学习计划下周完成", "in_progress"),
]


@pytest.mark.parametrize("set_name,text,status", PROMISES_AND_PLANS, ids=[c[1] for c in PROMISES_AND_PLANS])
def test_promises_and_plans_are_never_done(set_name, text, status):
    from tests.support.item_lists import SETS

    [(_, got, _, _)] = updates(text, SETS[set_name])
    assert got == status


@pytest.mark.parametrize("text", ["确保全年任务圆满完成", "力争按时完成", "坚决抓好落实", "下周搞", "👍"])
def test_a_promise_or_plan_alone_writes_nothing(text):
    assert nlu.parse(text, TASKS).intent in ("unknown", "ack")


def test_a_promise_about_a_named_item_is_unsure():
    [u] = nlu.parse("调研报告确保月底前完成", TASKS).updates
    assert (u.item, u.status, u.sure) == ("P-4", "in_progress", False)
    assert nlu.to_json(nlu.parse("调研报告确保月底前完成", TASKS))["updates"][0]["sure"] is False


def test_time_words_and_noun_phrases_are_not_done():
    assert updates("学习计划下周完成", TASKS) == [("P-1", "in_progress", None, None)]
    assert updates("本周已完成", TASKS) == [(None, "done", None, None)]
    assert nlu.parse("第2项完成情况", TASKS).intent == "unknown"      # a noun phrase: states nothing


def test_signals_say_whether_they_were_negated():
    [signal] = [s for s in find_signals("还没完成") if s.kind == "status"]
    assert signal.value == "in_progress" and signal.negated
    assert [s.kind for s in find_signals("没有遇到困难")] == ["void"]
