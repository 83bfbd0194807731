"""States, percentages and counts in a clause: the "signals" of a progress reply.

States are read with regular expressions on the normalized text, not with the segmenter, which
splits status words badly ("已销号", "学时已满", "不少于"). One combined pattern lists the
alternatives in priority order, so that at any position the more specific reading wins:
"快完成了" is in progress before "完成了" can be done, "不能按期完成" is blocked before "完成"
is done, "还没开始" is not started.

A done (or held, closed, blocked) phrase is then checked for a negator shortly before it:
"还没有完成", "没把活动室建好", "尚未全部完成" are never done. The look-back skips the words of an
item title (so "没有把调研报告写完" is negated) and stops at an earlier signal (so in
"第2项没开始第3项已完成" the second is done). The same look-back finds modality: after a promise
("确保…完成") a done phrase is a weak signal, after a plan ("计划下月完成") it is in progress.

Weak signals — a promise, a plan to start ("下周搞"), a thumbs-up — count only when nothing else
is said about a named item; alone they make no update.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .numbers import find_counts, find_percents
from .prefilter import guard, guarded, needing
from .text import CHECK, CROSS


class Signal(NamedTuple):
    """Something a clause says about an item: a state, a percent, a count or "it was held"."""
    start: int
    end: int
    kind: str       # status | weak | tick | dated | percent | count | total | ordinal | held | bad_percent | bad_count
    value: str | int          # a status (or "not_closed") / a number / "held"
    negated: bool = False     # turned round by a negator before it ("还没完成")
    words: str = ""           # the words read


# Words that negate what follows.
NEGATOR = r"(?:尚未|还未|仍未|暂未|并未|从未|均未|都未|还没有?|也没有?|都没有?|并没有?|仍没有?|暂时(?:还)?没有?|目前(?:还)?没有?|没有|没|未)"

# Verbs whose negation means "not started" ("还没启动", "暂未开展", "没有召开"); not when a
# result follows ("没做完", "没建好", "未落实到位" are unfinished, handled by negated done).
_START_VERB = (r"(?:开始|启动|开展|动工|开工|着手|实施|部署|召开|举办|举行|组织|安排|排上|推进|进行|整改|建设|制定|撰写|更新|"
               r"落实|筹备|准备|开|动|做|搞|干|弄|写|建|讲|学|谈|修)")
_NOT_AFTER_START = r"(?![完好成齐定毕掉到过])"

_FUTURE = (r"(?:下周|下个?月|下旬|中旬|月底|月初|年底|近期|明天|后天|过几天|过段时间|择期|下半年|下季度|七一|国庆|节后)"
           r"(?:初|中旬|底|前|后)?")

_ALTERNATIVES: list[tuple[str, str]] = [
    # (group name, pattern) in priority order; the group name starts with the status it means.
    ("not_closed", NEGATOR + r"(?:申请)?销号"),
    ("done_pending_close", r"(?:正在|已经?)?(?:申请|提请|提交|报请|等待|等着?|准备|待|可以|可|能够?|请予?|恳请|建议)"
                           r"(?:[^,;。已]{0,8}?(?:验收|审核|审批|审定|批准|同意))?(?:后|并|和|及)?销号(?:了|中)?|正在销号"),
    ("closed", r"(?:已经?|均已|已予|予以|同意|完成|全部)?销号(?:了|完成|完毕)?|(?<![a-z])closed(?![a-z])"),
    ("blocked",
     r"(?:遇到|碰到|存在|面临|有)了?(?:一些|一定|较大|很大|不少|些|点|一点)?(?:的)?(?:困难|难题|难度|阻力|障碍|瓶颈)"
     r"|(?:遇到|碰到)了?(?:一些|些|点|一点)?问题|stuck|blocked"
     r"|困难(?:较大|很大|重重)|难度(?:较大|很大|大)"
     r"|受阻|卡住|卡在|卡壳|停滞|搁置|暂停|暂缓|停工|停摆|停下来|停了下来|中断|推不动|进行不下去|推进不下去"
     r"|(?:不能|未能|没能|没有能|无法|没法|没办法|难以|不能够|恐怕不能|可能无法|可能不能)(?:按期|按时|如期|按计划|按要求|在规定时间内|及时|年底前|月底前)?"
     r"(?:完成|推进|开展|落实|办结|交付|整改到位|整改|召开|实施)"
     r"|(?:未|没有?)(?:按期|按时|如期)完成|逾期未完成"
     r"|完成不了|完不成|搞不定|做不完|写不完|弄不完|干不完|办不了|建不好|整改不了|落实不了|推进不了"
     r"|(?:搞|做|干|弄|办|进行|开展|落实|实施|建|开)不(?:了|成|下去|动)"
     r"|(?:需要|需|亟需|急需|请求|申请|希望|请)(?:上级|领导|机关党委|组织|有关部门|相关部门)?(?:协调|支持|帮助|帮忙|解决|支援)"
     r"|(?:经费|资金|人手|人员|场地|材料)(?:不足|不够|紧张|短缺|缺乏|没有着落|未落实|没落实|没有?到位|未到位|不到位)"
     r"|缺(?:少|乏)?(?:经费|资金|人手|场地)"
     r"|进展缓慢|推进缓慢|进度滞后|滞后|延期|推迟|延误"),
    ("not_started",
     r"(?:还在|正在|尚在|仍在)(?:排期|酝酿|筹划|谋划|商量|计划)|not started|(?<![a-z])todo(?![a-z])|" +
     NEGATOR + r"(?:正式|真正|全面|开始)?" + _START_VERB + _NOT_AFTER_START +
     r"|" + NEGATOR + r"(?:开|召开|办|举办|举行|讲|搞)成"
     r"|未开始|待启动|待开展|准备启动|计划启动|即将启动|尚无进展|没有进展|无进展|毫无进展|没动静|还没影"),
    # A bare negation at the end of a clause ("第3项没有", "第二个还没"): weak, and nothing alone.
    ("bare_not", r"(?:还|也|都|尚)?(?:没有?|未)(?:呢|哪)?(?=\s*(?:[,;。!]|$))|not yet"),
    ("in_progress",
     r"(?:进行|推进|实施|建设|整改|办理|落实|筹备|准备|修改|完善|撰写|起草|施工|开展|审核|审批|验收|制定)(?:当)?中"
     r"|正在|尚在|仍在|还在|在(?:推进|做|写|办|改|建|整改|落实|实施|开展|进行|筹备|准备|修改|完善|撰写|起草|弄|搞|干|等|排查|核查|调查|对接|施工)"
     r"|[弄做搞干写办]着|进行到|(?<![现存所实好])在[\u4e00-\u9fff]{1,3}中(?![心央间])"
     r"|(?:持续|继续|稳步|有序|扎实|加紧|抓紧|积极|加快|全力|全面|逐步|正常|顺利)推进|推进(?:到|至|了|顺利|正常)|已经?推进"
     r"|(?:快要?|即将|将要|马上(?:就要?)?|就要|接近|基本|大部分|大体|大致|部分|初步|大多|尚未全部|没有全部|未全部)完成"
     r"|完成了?(?:大部分|部分|一部分|大半|过半|多半|一小半|小半)"
     r"|(?:已经?)?整改(?:了|(?:已经?)?(?:完成|到位)了?)?(?:大部分|部分|一部分|一些|一半)|(?:部分|一部分)(?:已经?)?整改"
     r"|基本(?:已经?)?整改(?:完成|到位|完毕)?|整改基本(?:完成|到位)"
     r"|(?:能否|能不能|是否能|可否)(?:按期|按时|如期)?完成"
     r"|差不多|收尾|已经?启动|已经?开始|开始了|启动了|刚开始|刚启动|刚开工|已经?开工|开工了|已经?着手|着手|开了个?头|起步|有进展|进展顺利|有所进展|取得进展"
     r"|过半|一?大半|一?小半|多半|还差|还剩|剩下一?(?:点|些|部分)|初稿|草稿|提纲|大纲|初步|in progress|ongoing"
     r"|报.{0,4}(?:审定|审批|审核)|待(?:审定|审批|审核)|等(?:待)?(?:结果|批复|审批|审定)"
     r"|(?:大|一)部分(?:已经?|都)?(?:完成|做完|建好|落实)|快了|进展不大|没什么进展|进展不明显"
     r"|阶段性|正按|(?:按计划|按进度|按期|如期)(?:推进|进行|实施|开展)"
     r"|(?:马上|快要?|即将|就要)就?(?:好|完|弄好|建好|写完|做完|搞定)"
     r"|(?:预计|争取|打算|计划于|计划在|拟|将于|将在|将要|下周|下个?月|本月底|月底前?|年底前?|近期|尽快|有望"
     r"|明天|后天|本周内|这周内|周末前?|月内|年内|下半年|下季度"
     r"|(?:会|能|能够|可以)(?:按时|按期|如期|尽快))"
     r"[^已了]{0,8}?(?:完成|建好|建成|写完|做完|搞定|落实|办结|整改到位)(?![了啦])"),
    # A promise ("确保全年任务圆满完成") or a plan to start ("下周搞") says little: weak signals.
    ("promise", r"(?:确保|保证|力争|务必|坚决|努力|全力|一定要)[^已了,]{0,10}?(?:完成|落实|推进|做好|抓好|到位)"),
    ("planned", r"(?:" + _FUTURE + r"(?:再|才|就|开始|准备|计划|打算)?(?:搞|开始|启动|开展|举办|进行|组织|召开|做|弄|讲|走访|开工|动工)"
                r"|(?:计划|打算|准备)[^,已了]{0,6}?(?:搞|开始|启动|开展|举办|进行|组织|召开|讲))(?![好完成定])"
                r"|(?:计划|打算|准备|预计|争取|拟)(?:在|于)?" + _FUTURE +
                r"(?![^,;。]{0,8}?(?:完成|建好|建成|写完|做完|搞定|落实|办结|整改到位))"),
    ("done",
     r"(?:已经?|均已|都已|全部|全都|已全部|都)?完成(?:了|啦)?(?!情况|时间|时限|期限|日期|目标)"
     r"|搞定|(?:[做写弄干办改建开讲学修填交报搞整印编录走]|整理|整改|处理)完(?![成善备])|[印做写建办]出来了|完工|办妥|妥了|妥当了"
     r"|(?:做|写|弄|搞|办|改|建|修|换|印|制定|准备|整理|完善|布置|装修|定|订|落实|整改|安排|处理|解决|补|建设|筹备|更新)好(?:了|啦)?"
     r"|(?:圆满|顺利)(?:结束|收官)|收官|落实到位|(?:已经?)?整改到位|已到位|到位了|已落实|落实了|已整改|整改了|整改完毕|整改完成|完毕|办结|结项"
     r"|(?:已经?|全部|均已|都已)[\u4e00-\u9fff]{0,4}?到位"
     r"|已验收|通过验收|验收(?:合格|通过)|待验收|建成|落成|竣工|交付|已达标|达标了|已满|满了|已达到|达到要求"
     r"|补齐|补全|补完|补上|已解决|解决了|已处理|处理完|已纠正|纠正了|已规范|规范了"
     r"|已经?(?:提交|上报|报送|印发|出台|制定|建立|撰写|完善|结束|执行|实施|健全|修订|更新|配备|开通|缴纳|缴清|清缴|成立|挂牌)"
     r"|(?:提交|上报|报送|印发|出台|制定|建立|撰写|完善|结束|执行|实施|修订|更新|配备|缴纳|成立|挂牌)了"
     r"|ok了|(?<![就只还这那])好了|(?<![a-z])(?:done|finished|completed)(?![a-z])"),
    ("tick", CHECK),
    ("not_done", CROSS),
    ("thumbs", r"👍|(?<![a-z])ok(?![a-z])"),
    ("held",
     r"(?:召开|开|讲|上|听取|听|研究|报告|汇报|举办|举行|组织|开展|参加|参观|观看|谈|座谈|调研|走访|慰问|部署|学习|搞|去"
     r"|抽查|检查|督导|督查|指导|看望|宣讲|培训|主持|召集)(?:了|过)(?!个?头)"
     r"|已经?(?:向|召开|开|讲|上|听取|听|研究|专题|报告|汇报|举办|举行|组织|开展|进行|谈|调研|走访|部署|学习|参加)"
     r"|开会了|开过会|讲课了|(?:\d{1,4}|[一二两三四五六七八九十百]{1,4})人次"),
]

# The characters a signal starts with (``prefilter``; the test keeps them in step with the patterns).
SIGNAL_FIRST_CHARS = (
    "0123456789bcdfinost✓✗一七三上下不两中主举九也予争二五亟交人仍从会保修做停全八六写准出刚初到制剩力办加务努十卡印即去"
    "参取受召可同后听启周四困国圆在场均坚培基填处多大好如妥存学安完定实审宣将小尚就尽差已布希干年并座延建开弄录待快急恐恳慰"
    "成扎打执抓报抽拟择持挂指按换接推提搁搞撰收改整施无明是暂更月有未本材检正毫汇没滞满申百目看着督研确碰积稳竣等筹纠组经"
    "结继编缴缺能节草落补装观规解计订讲请调谈资走起达过近还这进逐通逾遇部都配销阶难需面顺预马验👍")
# The characters each alternative starts with: where none of them stands, the alternative costs
# one set test instead of trying its own alternatives (``prefilter.guard``; checked by the same test).
_FIRST_CHARS = {
    "not_closed": "也仍从均尚并暂未没目还都",
    "done_pending_close": "准可已建待恳报提正申等能请",
    "closed": "c予全同均完已销",
    "blocked": "bs不中亟人做停写办卡受可困场存完实希干延建开弄急恐推搁搞整无暂有未材没滞申碰经缺落请资进逾遇难需面",
    "not_started": "nt也仍从准即均尚并待无暂未正毫没目计还都",
    "bare_not": "n也尚未没还都",
    "in_progress": "io一下争仍会修做全写准刚初制剩办加即取可后启周在基多大如完实审将小尚就尽差已干年建开弄待快扎打抓报拟持按接推提搞撰收整施明是月有未本正没着积稳等筹继能草落计起过近还这进逐部阶顺预马验",
    "promise": "一保全力务努坚确",
    "planned": "七下中争准后国年打拟择明月节计过近预",
    "done": "cdfo上交修做全写准出到制办印圆均填处好妥学安完定实已布干建开弄录待成执报挂换提搞撰收改整更满竣筹纠结编缴落补装规解订讲走达通都配顺验",
    "tick": "✓",
    "not_done": "✗",
    "thumbs": "o👍",
    "held": "0123456789一七三上两主举九二五八六十去参召听四培学宣已座开慰报抽指搞检汇百看督研组观讲调谈走部",
}
_SIGNAL_RE = guarded("states._SIGNAL_RE", "|".join(
    f"(?P<{name}>{guard(f'states._ALTERNATIVES[{name}]', pattern, re.IGNORECASE, _FIRST_CHARS[name])})"
    for name, pattern in _ALTERNATIVES), re.IGNORECASE, SIGNAL_FIRST_CHARS)

_STATUS_OF_GROUP = {
    "not_closed": "not_closed",
    "done_pending_close": "done",
    "closed": "closed",
    "blocked": "blocked",
    "not_started": "not_started",
    "in_progress": "in_progress",
    "done": "done",
    "not_done": "in_progress",
}
# Weak signals: the status they stand for when nothing stronger is said about the item.
WEAK = {"promise": "in_progress", "planned": "not_started", "thumbs": "done", "bare_not": "not_started"}

# What a negator in front turns a signal into (None: the signal is dropped).
_NEGATED = {"done": "in_progress", "held": "not_started", "closed": "not_closed",
            "blocked": None, "in_progress": "not_started"}

_NEGATOR_RE = re.compile(r"没|沒|未|无|無|莫|勿|不|非|(?<![a-z])not(?![a-z])", re.IGNORECASE)
# Phrases with a negator character that negate nothing.
_NOT_NEGATION_RE = re.compile(r"不错|不少|不断|不仅|不但|不过|不久|毫不|非常|并非没|不折不扣|不管|不论|无论|"
                              r"没问题|没有问题|无问题|无误|无异议|没毛病|无偏差|不等")
_MAY_NEGATE = needing("states._NEGATOR_RE", _NEGATOR_RE, "没沒未无無莫勿不非n")
_LOOK_BACK = 16     # characters, not counting item words

# Modality before a done phrase: a promise makes it a weak signal, a plan makes it in progress
# ("确保…搞定", "计划下月完成", "争取月底前弄好"), unless the phrase itself says it happened (已…, …了).
MODAL_WORDS = re.compile(r"计划|打算|准备|争取|希望|预计|确保|保证|力争")
_PROMISE_RE = re.compile(r"确保|保证|力争|务必|坚决|努力|全力|一定要|要求")
_PLAN_RE = re.compile(r"预计|计划|打算|准备|争取|希望|拟|将要|将于|将在|尽快|有望|" + _FUTURE)
_HAPPENED_RE = re.compile(r"^已")
_LATER_CHARS_RE = re.compile(r"[说报告]")
# A done phrase that is the condition of a later report is a promise: "弄完了跟你说", "做好了再报".
_AFTERWARDS_RE = re.compile(r"[^,;。!?]{0,3}?(?:(?:再|就|会|后)?(?:跟|和|给|向)(?:你|您|书记|领导)(?:说|讲|汇报|报告|报)"
                            r"|再(?:说|报|汇报|报告|告诉|通知|联系)|(?:就|再|会)?告诉(?:你|您))")


# A day before an activity ("10月18日召开支部党员大会"): it was held then, most likely. The reply does
# not say so in words (a date may also be a plan), so the update it makes is asked about.
_DATED_RE = re.compile(r"(?<![下本这上\d])(?:\d{1,2}月)?\d{1,2}[日号](?:上午|下午|晚上)?(?:在[^,;。]{0,8}?)?"
                       r"(?=召开|开展|组织|举办|举行|讲|参加|走访|慰问|听取)")


def find_signals(clause: str, mention_mask: list[bool] | None = None) -> list[Signal]:
    """Every signal in ``clause`` (normalized), in order.

    ``mention_mask[i]`` is True where character i belongs to an item reference; the negation
    look-back skips those characters.
    """
    signals: list[Signal] = []
    signal_chars = [False] * len(clause)
    later = _LATER_CHARS_RE.search(clause) is not None     # "跟你说", "再报": a promise may be there
    for m in _SIGNAL_RE.finditer(clause):
        group, (start, end), words = m.lastgroup, m.span(), m.group()
        if group == "held":
            kind, value = "held", "held"
        elif group == "tick":
            kind, value = "tick", "done"    # read by the item's kind: one more time of a duty
        elif group in WEAK:
            kind, value = "weak", WEAK[group]
        else:
            kind, value = "status", _STATUS_OF_GROUP[group]
        # a phrase that starts with its own negator ("没能整改") is not negated again from afar
        negated = (value in _NEGATED and not _NEGATOR_RE.match(words)
                   and _negated(clause, start, mention_mask, signal_chars))
        if value in ("done", "held") and not negated and later and _AFTERWARDS_RE.match(clause, end):
            kind, value = "weak", "in_progress"
        elif value in ("done", "held") and not negated and not _HAPPENED_RE.search(words):
            window = _window(clause, start, mention_mask, signal_chars)
            if _PROMISE_RE.search(window):
                kind, value = "weak", "in_progress"
            elif _PLAN_RE.search(window):
                kind, value = "status", "in_progress"
        if negated:
            kind, value = "status", _NEGATED[value]
            if value is None:
                kind, value = "void", group     # "没有遇到困难": says nothing, still a phrase
        signals.append(Signal(start, end, kind, value, negated, words))
        if kind != "weak":      # a look-back passes over a plan or promise ("计划下周制定好")
            signal_chars[start:end] = [True] * (end - start)
    for m in _DATED_RE.finditer(clause) if ("日" in clause or "号" in clause) else ():
        signals.append(Signal(m.start(), m.end(), "dated", "held", False, m.group()))
    for start, end, value in find_percents(clause):
        signals.append(Signal(start, end, "percent", value) if value is not None
                       else Signal(start, end, "bad_percent", 0))
    for start, end, value, kind in find_counts(clause):
        signals.append(Signal(start, end, kind, value))
    signals.sort()
    return signals


def _window(clause: str, start: int, mention_mask: list[bool] | None, signal_chars: list[bool]) -> str:
    """Up to ``_LOOK_BACK`` characters before ``start``, item words skipped, stopping at a signal."""
    window: list[str] = []
    i = start - 1
    while i >= 0 and len(window) < _LOOK_BACK:
        if signal_chars[i]:
            break
        if not (mention_mask and mention_mask[i]):
            window.append(clause[i])
        i -= 1
    return "".join(reversed(window))


def _negated(clause: str, start: int, mention_mask: list[bool] | None, signal_chars: list[bool]) -> bool:
    """Whether a negator stands shortly before position ``start`` of ``clause``."""
    text = _window(clause, start, mention_mask, signal_chars)
    if not _MAY_NEGATE.search(text):
        return False        # no negator's character, none left after the phrases below go either
    return _NEGATOR_RE.search(_NOT_NEGATION_RE.sub("", text)) is not None
