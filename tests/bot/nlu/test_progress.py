"""From clauses to updates (progress.py): counts, totals, long 月报, mentions that are not updates."""
from __future__ import annotations

import pytest

from bot import nlu
from bot.nlu import Parse, Update
from tests.bot.nlu.helpers import check, full, updates
from tests.support.item_lists import BRANCH, LEADER, OFFICE, SETS, STAFF, TASKS

# The short development corpus (dev.jsonl), as tuples (item, status, percent, count).
SHORT = [
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
    ("tasks", "调研报告已经写完了", [("P-4", "done", None, None)]),
    ("tasks", "活动室建设遇到困难，需要协调场地", [("P-3", "blocked", None, None)]),
    ("tasks", "主题党日活动已开展", [("P-2", "done", None, None)]),
    ("tasks", "活动室八成了", [("P-3", "in_progress", 80, None)]),
    ("tasks", "已完成", [(None, "done", None, None)]),
    ("tasks", "学习计划制定好了，调研报告写了一半",
     [("P-1", "done", None, None), ("P-4", "in_progress", 50, None)]),
]


@pytest.mark.parametrize("set_name,text,expected", SHORT, ids=[c[1] for c in SHORT])
def test_short_replies(set_name, text, expected):
    check(set_name, text, expected)


COUNTS = [
    ("branch", "本月召开支委会1次", [("R-1", "in_progress", None, 1)]),
    ("branch", "支委会开了3次", [("R-1", "in_progress", None, 3)]),
    ("branch", "开了两次支委会", [("R-1", "in_progress", None, 2)]),
    ("branch", "支部委员会会议召开了", [("R-1", "in_progress", None, 1)]),
    ("branch", "党课讲了两次", [("R-3", "in_progress", None, 2)]),
    ("branch", "上了一次党课", [("R-3", "in_progress", None, 1)]),
    ("branch", "这个月给党员上了两堂党课", [("R-3", "in_progress", None, 2)]),
    ("branch", "支部大会开过了", [("R-2", "in_progress", None, 1)]),
    ("branch", "召开了支委会，讲了党课", [("R-1", "in_progress", None, 1), ("R-3", "in_progress", None, 1)]),
    ("branch", "召开了支委会讲了党课", [("R-1", "in_progress", None, 1), ("R-3", "in_progress", None, 1)]),
    ("branch", "本月支委会还没开", [("R-1", "not_started", None, None)]),
    ("branch", "党课已完成2次", [("R-3", "in_progress", None, 2)]),       # the store derives done from the total
    ("branch", "支委会已完成", [("R-1", "done", None, None)]),
    ("branch", "支委会✅", [("R-1", "in_progress", None, 1)]),     # a tick is one more time of a duty
    ("group", "听取汇报两次，一次是机关党委，一次是离退休干部支部", [("R-4", "in_progress", None, 2)]),
    ("group", "座谈会已经开过了", [("R-3", "in_progress", None, 1)]),
    ("group", "R4 2次", [("R-4", "in_progress", None, 2)]),
    ("office", "党课×2", [("R-2", "in_progress", None, 2)]),
    ("office", "党课讲了两次，一次是七一给机关全体党员讲，一次是到第三支部讲", [("R-2", "in_progress", None, 2)]),
    ("office", "和三支部书记谈了一次心", [("R-3", "in_progress", None, 1)]),
    ("veterans", "支委会x2", [("R-2", "in_progress", None, 2)]),
    ("veterans", "主题党日搞了", [("R-4", "in_progress", None, 1)]),
    ("veterans", "支委会开了👍", [("R-2", "in_progress", None, 1)]),
    ("veterans", "支部党员大会和支委会各开了一次", [("R-1", "in_progress", None, 1), ("R-2", "in_progress", None, 1)]),
    ("veterans", "党小组会本月开了1次，上月漏报的1次一并报上", [("R-3", "in_progress", None, 2)]),
    ("veterans", "本月主题党日活动已开展，参加党员35人次", [("R-4", "in_progress", None, 1)]),
    ("leader", "到联系的二支部、五支部各指导了一次党建工作", [("R-1", "in_progress", None, 2)]),
    ("leader", "中心组学习参加了两回", [("R-2", "in_progress", None, 2)]),
    ("leader", "二是到联系支部讲党课已完成", [("R-3", "in_progress", None, 1)]),      # a once-a-year duty: that one time
    ("mixed", "谈心谈话三次", [("ZR-2", "in_progress", None, 3)]),
    ("tasks", "召开了2次", [(None, "in_progress", None, 2)]),
]


@pytest.mark.parametrize("set_name,text,expected", COUNTS, ids=[c[1] for c in COUNTS])
def test_counts(set_name, text, expected):
    check(set_name, text, expected)


TOTALS = [
    ("veterans", "今年已召开支委会8次", [("R-2", "in_progress", None, None, 8)]),
    ("office", "党课今年累计讲了2次", [("R-2", "in_progress", None, None, 2)]),
    ("office", "机关党委会议开了1次，累计9次", [("R-1", "in_progress", None, 1, 9)]),
    ("leader", "指导联系支部党建工作2次，累计已5次", [("R-1", "in_progress", None, 2, 5)]),
    ("office", "全年2次党课已全部讲完", [("R-2", "done", None, None, 2)]),
]


@pytest.mark.parametrize("set_name,text,expected", TOTALS, ids=[c[1] for c in TOTALS])
def test_totals(set_name, text, expected):
    assert full(text, SETS[set_name]) == expected


def test_unquantified_items_with_a_count_or_a_first_time_are_under_way():
    assert updates("社区报到参加了两次志愿服务", STAFF) == [("XM-02", "in_progress", None, None)]
    assert updates("读书分享会已举办第一期", STAFF) == [("XM-04", "in_progress", None, None)]
    assert updates("结对共建签了协议，已开展首次共建活动", LEADER) == [("P-2", "in_progress", None, None)]


def test_respectively_hands_out_the_figures_in_order():
    assert updates("换届选举和调研报告分别完成60%和80%", OFFICE) == [
        ("P-2", "in_progress", 60, None), ("P-3", "in_progress", 80, None)]


# ---- long 月报 ---------------------------------------------------------------------------------

REPORTS = [
    ("office", "11月工作汇报：1.召开机关党委会议1次；2.到第三党支部讲党课1次；3.“一支部一品牌”创建完成60%；"
               "4.发展党员程序不规范问题已整改到位，等待销号。",
     [("R-1", "in_progress", None, 1), ("R-2", "in_progress", None, 1), ("P-1", "in_progress", 60, None),
      ("Z-1", "done", None, None)]),
    ("office", "报告书记：机关党委会议本月开了；党课还没讲，计划七一前讲；发展党员程序不规范的问题已经销号了。",
     [("R-1", "in_progress", None, 1), ("R-2", "not_started", None, None), ("Z-1", "closed", None, None)]),
    ("office", "本月工作小结：机关党委会议召开1次，研究发展党员和换届工作；督导各支部三会一课落实情况，"
               "抽查了6个支部的会议记录；调研报告已完成并报送党组。",
     [("R-1", "in_progress", None, 1), ("R-4", "done", None, None), ("P-3", "done", None, None)]),
    ("veterans", "支部10月份工作：召开支委会1次，各党小组都开了党小组会，主题党日组织大家参观了红色教育基地，"
                 "党员活动室建设完成七成。",
     [("R-2", "in_progress", None, 1), ("R-3", "in_progress", None, 1), ("R-4", "in_progress", None, 1),
      ("P-1", "in_progress", 70, None)]),
    ("staff", "书记，我这月的情况：先锋岗评选材料交上去了，在等结果；社区那边去了一次，帮忙搞文明城市创建；"
              "档案整理还差三成；读书分享下周搞。",
     [("XM-01", "in_progress", None, None), ("XM-02", "in_progress", None, None),
      ("XM-03", "in_progress", 70, None), ("XM-04", "not_started", None, None)]),
    ("office", "书记你好我这个月调研报告已经写完了换届选举还有两个支部没弄完",
     [("P-3", "done", None, None), ("P-2", "in_progress", None, None)]),
    ("leader", "本月汇报：1.指导联系支部党建工作2次，累计已5次；2.中心组学习1次；3.讲党课1次；4.结对共建进度80%；"
               "5.一岗双责问题已销号。",
     [("R-1", "in_progress", None, 2), ("R-2", "in_progress", None, 1), ("R-3", "in_progress", None, 1),
      ("P-2", "in_progress", 80, None), ("Z-1", "closed", None, None)]),
]


@pytest.mark.parametrize("set_name,text,expected", REPORTS, ids=[c[1][:12] for c in REPORTS])
def test_long_reports(set_name, text, expected):
    check(set_name, text, expected)


# ---- other words, another list ----------------------------------------------------------------

OTHER_WORDS = [
    ("本月汇报如下：一、支委会开了两次；二、党课本季度已上；三、红色书屋建设完成八成；四、三会一课记录已补齐，申请销号。",
     [("R-1", "in_progress", None, 2), ("R-2", "in_progress", None, 1), ("P-1", "in_progress", 80, None),
      ("Z-1", "done", None, None)]),
    ("整改清单第二项正在整改，项目第三项还没动", [("Z-2", "in_progress", None, None), ("P-3", "not_started", None, None)]),
    ("书屋的事弄得差不多了，工作手册在排版中", [("P-1", "in_progress", None, None), ("P-3", "in_progress", None, None)]),
    ("青年理论学习小组活动因疫情暂停", [("P-2", "blocked", None, None)]),
    ("记录不完整的问题不是没整改，是整改完了还没验收", [("Z-1", "done", None, None)]),
    ("项目清单最后一项已完成", [("P-3", "done", None, None)]),
    ("讲党课×1", [("R-2", "in_progress", None, 1)]),
    ("档案管理问题已消号", [("Z-2", "closed", None, None)]),
    ("二、整改事项\n1.已补齐\n2.整改中", [("Z-1", "done", None, None), ("Z-2", "in_progress", None, None)]),
    ("学习小组活动開展了两期", [("P-2", "in_progress", None, None)]),
    ("谈心谈话还差2次没完成", [("R-3", "in_progress", None, None)]),
    ("支部工作手册计划年底前印出来", [("P-3", "not_started", None, None)]),
]


@pytest.mark.parametrize("text,expected", OTHER_WORDS, ids=[c[0][:12] for c in OTHER_WORDS])
def test_other_words_on_another_list(text, expected):
    check("school", text, expected)


def test_totals_in_other_words():
    assert full("党课这季度上过了，今年一共上了3次", SETS["school"]) == [("R-2", "in_progress", None, None, 3)]
    assert full("支委会今年累计开了10次", SETS["school"]) == [("R-1", "in_progress", None, None, 10)]


# ---- mentions are not updates ------------------------------------------------------------------

@pytest.mark.parametrize("set_name,text", [
    ("leader", "认真履行一岗双责，抓好分管领域党建工作"),
    ("office", "研究发展党员和换届工作"),
    ("office", "回复如：第2项完成80%"),
    ("staff", "可回复：XM-01已完成"),
    ("veterans", "回复格式：项目名称+进度，例如 活动室建设完成50%"),
    ("office", "确保全年任务圆满完成"),
])
def test_mentions_examples_and_promises_write_nothing(set_name, text):
    assert nlu.parse(text, SETS[set_name]).intent == "unknown"


def test_a_mention_beside_an_update_is_left_out():
    assert updates("机关党委会议召开1次，研究发展党员和换届工作", OFFICE) == [("R-1", "in_progress", None, 1)]


def test_nothing_but_a_reference_answers_which_item():
    assert nlu.parse("第2项", TASKS) == Parse("progress", [Update("P-2", None)])
    assert nlu.parse("调研报告", TASKS) == Parse("progress", [Update("P-4", None)])


# ---- the API -------------------------------------------------------------------------------------

def test_to_json_is_the_contract_form():
    p = nlu.parse("第2项 90%", TASKS)
    assert nlu.to_json(p) == {"intent": "progress", "updates": [
        {"item": "P-2", "status": "in_progress", "percent": 90, "count": None, "total": None}]}
    assert nlu.to_json(nlu.parse("我的清单", TASKS)) == {"intent": "my_list", "updates": []}
    assert nlu.to_json(nlu.parse("机关党委会议开了1次，累计9次", OFFICE))["updates"] == [
        {"item": "R-1", "status": "in_progress", "percent": None, "count": 1, "total": 9}]


def test_no_items_still_understands_states_and_queries():
    assert nlu.parse("已完成", []) == Parse("progress", [Update(None, "done")])
    assert nlu.parse("第2项已完成", []) == Parse("progress", [Update(None, "done", unresolved="第2项")])
    assert nlu.parse("我的清单", []).intent == "my_list"


def test_a_position_or_code_that_names_no_item_is_reported_unresolved():
    parsed = nlu.parse("第9项完成了", TASKS)
    assert [(u.item, u.status, u.unresolved) for u in parsed.updates] == [(None, "done", "第9项")]
    assert nlu.parse("第9项", TASKS).updates[0].unresolved == "第9项"
    assert nlu.parse("第1项完成了", TASKS).updates[0].unresolved is None


def test_a_negative_count_is_no_count_and_nothing_held():
    [u] = nlu.parse("支委会开了-1次", BRANCH).updates
    assert (u.status, u.count, u.total) == (None, None, None)


def test_parse_survives_non_text():
    assert nlu.parse(None, TASKS).intent == "unknown"          # type: ignore[arg-type]
    assert nlu.parse("已完成", [None, 3, {"id": "X-1"}]).intent == "progress"   # type: ignore[list-item]


def test_load_is_idempotent_and_adds_the_words_given():
    from bot.nlu import segmenter

    nlu.load()
    words = segmenter._dictionary()
    nlu.load()
    assert segmenter._dictionary() is words                 # loaded once, not again
    new = "庚辰测评词条甲乙"                                  # no dictionary has it
    assert not segmenter.is_word(new)
    nlu.load([new])
    assert segmenter.is_word(new) and segmenter._dictionary() is words


def test_the_trace_has_every_clause():
    trace: dict = {}
    nlu.parse("书记，本月：1.支委会开了1次；2.学习计划还没完成", BRANCH + TASKS, trace)
    assert [step["clause"] for step in trace["steps"]] == ["1.支委会开了1次", "2.学习计划还没完成"]
    assert trace["dropped"][0] == ("书记,", "salutation")


VARIANTS = [
    ("staff", "1√ 2√ 3× 4 30%", [("XM-01", "done", None, None), ("XM-02", "done", None, None),
                                 ("XM-03", "in_progress", None, None), ("XM-04", "in_progress", 30, None)]),
    ("tasks", "活动室建设剩两成没完成", [("P-3", "in_progress", 80, None)]),
    ("tasks", "调研报告并非没写，而是已经写完了", [("P-4", "done", None, None)]),
    ("staff", "档案整理搞完了", [("XM-03", "done", None, None)]),
    ("staff", "先锋岗那个整完了", [("XM-01", "done", None, None)]),
    ("office", "发展党员那个问题已整改，请予销号", [("Z-1", "done", None, None)]),
    ("veterans", "党小组会三个小组各开了一次", [("R-3", "in_progress", None, 3)]),
    ("veterans", "项目清单里的最后一项完成了一半", [("P-3", "in_progress", 50, None)]),
    ("veterans", "支委会本月开了一次，今年共开了9次", [("R-2", "in_progress", None, 1)]),
    ("office", "换届选举没完成，卡在上级审批", [("P-2", "blocked", None, None)]),
    ("group", "座谈会因故推迟到下月", [("R-3", "blocked", None, None)]),
]


@pytest.mark.parametrize("set_name,text,expected", VARIANTS, ids=[c[1] for c in VARIANTS])
def test_variants(set_name, text, expected):
    check(set_name, text, expected)


@pytest.mark.parametrize("set_name,text,intent", [
    ("office", "好的书记", "ack"), ("office", "怎么查我的进度", "my_list"), ("veterans", "例：活动室建设完成50%", "unknown"),
    ("veterans", "比如说支委会开了2次", "unknown"), ("office", "下一步将继续抓好换届工作", "unknown"),
])
def test_variant_intents(set_name, text, intent):
    assert nlu.parse(text, SETS[set_name]).intent == intent


@pytest.mark.parametrize("text, expected", [
    ("第1项召开了1次支委会", [("R-1", "in_progress", None, 1)]),      # by position and by title
    ("第1项召开支委会1次", [("R-1", "in_progress", None, 1)]),
    ("R-1召开了1次支委会", [("R-1", "in_progress", None, 1)]),         # by 编号 and by title
    ("第1项支委会开了2次", [("R-1", "in_progress", None, 2)]),
    ("第3项讲党课1次", [("R-3", "in_progress", None, 1)]),
    ("R-2召开了一次支部党员大会", [("R-2", "in_progress", None, 1)]),
])
def test_an_item_named_twice_around_one_figure_is_told_it_once(text, expected):
    """Naming an item twice (a position or 编号, and its title) does not count its figure twice."""
    check("branch", text, expected)
