"""Properties of reply understanding, over generated replies (hypothesis)."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import nlu
from bot.nlu import INTENTS, STATUSES, Parse
from tests.support.item_lists import BRANCH, SETS, TASKS

NAMES = sorted(SETS)


def _valid(p: Parse, items) -> None:
    ids = {i["id"] for i in items}
    assert p.intent in INTENTS
    if p.intent != "progress":
        assert p.updates == []
    else:
        assert p.updates
    assert set(p.asked_items) <= ids
    for u in p.updates:
        assert u.item is None or u.item in ids
        assert u.status is None or u.status in STATUSES
        assert u.percent is None or 0 <= u.percent <= 100
        assert u.count is None or u.count > 0
        assert u.total is None or u.total > 0
        assert set(u.candidates) <= ids


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(), set_name=st.sampled_from(NAMES))
def test_parse_never_raises_on_any_text(text, set_name):
    _valid(nlu.parse(text, SETS[set_name]), SETS[set_name])


_SOUP = st.text(alphabet=st.sampled_from(list(
    "第项条已完成了没有未还尚进行中度百分之八十一半成次开会支委党课销号整改困难协调通知我的清单星级逾期谁报吗？?，。、"
    "123456789%ZPR-：:各累计今年倒数最后前两✔✘×x()（）含是不回复如例不算确保计划下周搞妥")), max_size=40)


@settings(max_examples=600, deadline=None)
@given(text=_SOUP, set_name=st.sampled_from(NAMES))
def test_parse_never_raises_on_domain_soup(text, set_name):
    _valid(nlu.parse(text, SETS[set_name]), SETS[set_name])


# ---- a negated or promised state never comes out done --------------------------------------------

_NEGATORS = ["没", "没有", "还没", "还没有", "未", "尚未", "还未", "并未", "暂未", "仍未", "没能", "并没有", "都没有",
             "不算", "不能说"]
_PROMISES = ["确保", "保证", "力争", "争取", "务必", "努力", "预计", "计划", "打算", "下周", "下个月", "月底前", "年底前"]
_DONE_VERBS = ["完成", "完成了", "搞定", "写完", "建好", "做完", "办结", "落实到位", "整改到位", "制定好", "弄好",
               "建成", "整改完毕", "全部完成", "按期完成", "开展", "召开", "整改", "弄完", "完工"]
_ITEM_WORDS = ["活动室", "学习计划", "调研报告", "主题党日活动", "第2项", "P-3", "", "党费收缴", "档案", "规范化建设",
               "主题教育", "党员活动室未按标准建设问题", "Z-1", "整改第一条", "最后一项", "换届选举", "先锋岗"]
_TEMPLATES = ["{item}{neg}{verb}", "{neg}{verb}{item}", "{item}{neg}{verb}呢", "{item}目前{neg}{verb}",
              "{neg}把{item}{verb}", "{item}，{neg}{verb}", "{item}{neg}{verb}。", "本月{item}{neg}{verb}"]


@settings(max_examples=1000, deadline=None)
@given(neg=st.sampled_from(_NEGATORS + _PROMISES), verb=st.sampled_from(_DONE_VERBS),
       item=st.sampled_from(_ITEM_WORDS), template=st.sampled_from(_TEMPLATES), set_name=st.sampled_from(NAMES))
def test_negated_or_promised_states_never_come_out_done(neg, verb, item, template, set_name):
    text = template.format(item=item, neg=neg, verb=verb)
    p = nlu.parse(text, SETS[set_name])
    assert all(u.status != "done" for u in p.updates), (text, p)


# ---- a clause with no state, percent or count writes nothing ---------------------------------------

_FRAMES = ["关于{title}的有关要求", "{title}方面的想法", "学习{title}的相关精神", "对{title}提点建议", "{title}这件事",
           "认真抓好{title}"]


def _titles(set_name: str) -> list[str]:
    return [i["title"] for i in SETS[set_name]] + [i["title"][-4:] for i in SETS[set_name]]


@settings(max_examples=500, deadline=None)
@given(data=st.data(), set_name=st.sampled_from(NAMES), frame=st.sampled_from(_FRAMES))
def test_a_clause_with_no_state_percent_or_count_writes_nothing(data, set_name, frame):
    title = data.draw(st.sampled_from(_titles(set_name)))
    text = frame.format(title=title)
    assert nlu.parse(text, SETS[set_name]).updates == [], text


_STATEMENTS = ["第1项已完成", "第2项完成80%", "调研报告写了一半", "支委会开了2次", "Z-2已销号", "活动室建设遇到困难",
               "主题教育还没开始", "XM-02完成", "换届选举已全部完成", "今年已召开支委会8次", "1.先锋岗已挂牌"]


@settings(max_examples=500, deadline=None)
@given(data=st.data(), set_name=st.sampled_from(NAMES), frame=st.sampled_from(_FRAMES),
       statement=st.sampled_from(_STATEMENTS), before=st.booleans())
def test_a_mention_beside_a_report_changes_nothing(data, set_name, frame, statement, before):
    mention = frame.format(title=data.draw(st.sampled_from(_titles(set_name))))
    items = SETS[set_name]
    alone = nlu.parse(statement, items)
    text = f"{mention}；{statement}" if before else f"{statement}；{mention}"
    assert nlu.parse(text, items).updates == alone.updates, text


# ---- appending a sentence that names no item and states nothing changes nothing -----------------------

_CLOSINGS = ["谢谢。", "以上，请审阅。", "请书记审阅。", "特此报告。", "辛苦了！", "以上是本月情况。", "如有不妥请指正。",
             "谢谢书记", "请指示", "👌"]
_REPLIES = _STATEMENTS + ["学习计划制定好了，调研报告写了一半", "1、2项已完成，第3项进行中", "党课×2",
                          "机关党委会议开了1次，累计9次", "前两项都完成了", "已完成", "第2项", "我的清单", "整改清单"]


@settings(max_examples=500, deadline=None)
@given(reply=st.sampled_from(_REPLIES), closing=st.sampled_from(_CLOSINGS), set_name=st.sampled_from(NAMES),
       joiner=st.sampled_from(["", "，", "。", "\n", " "]))
def test_appending_a_sentence_that_states_nothing_changes_nothing(reply, closing, set_name, joiner):
    items = SETS[set_name]
    before = nlu.parse(reply, items)
    after = nlu.parse(reply + joiner + closing, items)
    if before.intent == "progress":
        assert after.updates == before.updates, (reply, closing)


# ---- shapes of progress -------------------------------------------------------------------------

_CN = ["一", "二", "三", "四"]
_FULL_WIDTH = "０１２３４５６７８９"


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 4), form=st.sampled_from(["digit", "chinese", "full"]),
       state=st.sampled_from([("已完成", "done"), ("进行中", "in_progress"), ("还没开始", "not_started"),
                              ("遇到困难", "blocked"), ("妥了", "done"), ("在弄着呢", "in_progress")]))
def test_any_position_with_any_state(n, form, state):
    number = {"digit": str(n), "chinese": _CN[n - 1], "full": _FULL_WIDTH[n]}[form]
    words, status = state
    [u] = nlu.parse(f"第{number}项{words}", TASKS).updates
    assert (u.item, u.status) == (TASKS[n - 1]["id"], status)


_CN_PERCENT = {10: "十", 20: "二十", 35: "三十五", 50: "五十", 66: "六十六", 80: "八十", 95: "九十五", 99: "九十九"}


@settings(max_examples=200, deadline=None)
@given(p=st.integers(1, 99), form=st.sampled_from(["%", "％", " %", "cn"]))
def test_any_percent_below_100_is_in_progress(p, form):
    if form == "cn":
        p = min(_CN_PERCENT, key=lambda k: abs(k - p))
        text = f"调研报告完成百分之{_CN_PERCENT[p]}"
    else:
        text = f"调研报告完成{p}{form}"
    [u] = nlu.parse(text, TASKS).updates
    assert (u.item, u.status, u.percent) == ("P-4", "in_progress", p)


@settings(max_examples=100, deadline=None)
@given(times=st.integers(1, 12), form=st.sampled_from(["召开了{n}次支委会", "支委会开了{n}次", "本月开了{n}次支委会",
                                                       "支委会×{n}"]))
def test_any_count_of_a_quantified_duty(times, form):
    [u] = nlu.parse(form.format(n=times), BRANCH).updates
    assert (u.item, u.status, u.count, u.total) == ("R-1", "in_progress", times, None)


@settings(max_examples=100, deadline=None)
@given(times=st.integers(1, 12), total=st.integers(1, 40),
       form=st.sampled_from(["支委会开了{n}次，累计{t}次", "本月召开支委会{n}次，今年共{t}次", "支委会{n}次，全年已开{t}次"]))
def test_a_count_and_a_total(times, total, form):
    [u] = nlu.parse(form.format(n=times, t=total), BRANCH).updates
    assert (u.item, u.count, u.total) == ("R-1", times, total)


_ID_CHARS = st.sampled_from(list("RrPpZzKkSsſİıi-_.01239一项"))


@settings(max_examples=400, deadline=None)
@given(item_id=st.text(_ID_CHARS, min_size=1, max_size=8), around=st.text(_ID_CHARS, max_size=12), at=st.integers(0, 12),
       typed=st.sampled_from(["same", "upper", "lower", "swap"]))
def test_literal_codes_are_found_as_the_pattern_finds_them(item_id, around, at, typed):
    """The caseless-character check before compiling a 编号's pattern never skips a clause where the
    pattern (any case) would have found the 编号."""
    import re

    from bot.nlu.items import literal_id_spans
    written = {"same": item_id, "upper": item_id.upper(), "lower": item_id.lower(), "swap": item_id.swapcase()}[typed]
    clause = around[:at] + written + around[at:]
    expected = [m.span() for m in re.finditer(re.escape(item_id), clause, re.IGNORECASE)]
    assert literal_id_spans(item_id, clause) == expected
    assert literal_id_spans(item_id, around) == [m.span() for m in re.finditer(re.escape(item_id), around, re.IGNORECASE)]
