"""Every intent but progress: notices, help, and the queries.

A query comes in two shapes:

* a bare noun phrase, the whole message ("我的清单", "整改清单", "超期事项", "本月未报名单",
  "本单位星级评定结果") — matched against the message with politeness and punctuation removed;
* a question ("我们支部几星", "还有哪些整改没完成", "谁还没报", "我这个月报了吗") — a message
  with a question word is searched for the keywords of each query.

Because a statement must match a query as a whole, "整改进度80%" stays a progress update while
"整改进度怎么样" is a query.
"""
from __future__ import annotations

import re

from .notices import is_notice
from .prefilter import needing

_HELP_WORDS = (r"帮助|使用帮助|查看帮助|帮助信息|help|h|菜单|功能|功能介绍|使用说明|说明|用法|指南|使用指南|操作指南|教程|命令|指令|"
               r"怎么用|如何使用|怎么使用|如何用|怎样用|怎样使用|使用方法|操作说明|怎么操作|如何操作|"
               r"能做什么|你能做什么|可以做什么|有什么功能|有哪些功能|支持哪些功能|你会什么|"
               r"怎么报|怎么汇报|怎么填报|怎么报进度|如何报进度|如何汇报|如何填报|怎么回复")
_HELP_RE = re.compile(rf"(?:{_HELP_WORDS})", re.IGNORECASE)
_HELP_QUESTION_RE = re.compile(
    r"(?:怎么|如何|怎样|咋)(?:使用|用|操作|报进度|汇报进度|填报|上报进度|更新进度|回复)(?!了)"
    r"|(?:怎么|如何|怎样|咋)(?:报|填|汇报|上报|填报)(?:进度|进展|月报)"
    r"|(?:进度|进展|月报)(?:要|该|应该|应)?(?:怎么|如何|怎样|咋)(?:报|填|写|汇报|上报|填报|回复)"
    r"|格式是(?:啥|什么)|什么格式|(?:哪些|什么|啥)(?:命令|指令|功能)|(?:命令|指令)(?:有哪些|是什么|有啥)"
    r"|使用(?:说明|帮助|方法|指南)|(?:能|可以|会)(?:做|干)(?:什么|啥)|(?:有|支持)(?:什么|哪些)功能")

# Politeness, fillers and punctuation, removed before a statement is compared with a query.
_FILLER_RE = re.compile(r"[\s,.;:!?。、~…'\"“”‘’()\[\]【】《》<>·\-—_*#@/]+"
                        r"|请问|请|麻烦你?|帮我|帮忙|给我|一下|吧|呀|啊|哦|噢|嘛|谢谢|谢了|好吗")

# Question words; "没什么问题" and "好几次" are not questions.
_NOT_QUESTION_RE = re.compile(r"没什么|没啥|没有什么|不怎么|好几|几乎|为什么不")
_QUESTION_RE = re.compile(r"[?？]|吗|么$|(?<!着)呢$|嘛$|了没有?$|(?<![项条个件号])没有$|哪|谁|几|多少|什么|啥|怎么|怎样|咋|如何|是否|有没有|有无|"
                          r"查看|查询|查一下|查下|看看|看下|看一下|列出|列一下|列下|显示|告诉我")

_MAY_NOT_QUESTION = needing("intents._NOT_QUESTION_RE", _NOT_QUESTION_RE, "没不几")
_MAY_QUESTION = needing("intents._QUESTION_RE", _QUESTION_RE, "?？吗么呢嘛没哪谁几多什啥怎咋如是有查看列显告")

# A unit named before a query ("第二支部的逾期事项", "全机关报送率"); which unit is
# bot.nlu.scopes' business: here it only must not stop the query from being recognised.
_UNIT = (r"(?:(?:全机关|各单位|各支部|全部单位|所有单位|第?[一二三四五六七八九十\d]{1,3}(?:党支部|支部|党总支|总支)"
         r"|[\u4e00-\u9fff]{0,8}?(?:机关党委|党组|党支部|党总支))的?)?")
_OWNER = _UNIT + r"(?:我的?|本人的?|本单位的?|我单位的?|本支部的?|我们支部的?|我们的?|我支部的?)?"
_MONTH = _UNIT + r"(?:本月|这个月|当月|上个?月|本期|本季度|这季度|\d{1,2}月份?的?)?"

# A person named before a list ("李娜的清单"): who it is, is bot.scope's business.
_PERSON = r"[\u4e00-\u9fff]{2,4}的"
# How far a list has got ("项目清单进展", "第一支部的清单完成情况").
_HOW_FAR = r"(?:的)?(?:完成情况|完成进度|进度情况|进展情况|完成度|进度|进展)?"

# Around a query noun phrase: "把我的清单发我", "整改清单看一下".
_ASK_PREFIX = r"(?:把|将)?"
_ASK_SUFFIX = r"(?:发我|发过来|发来|发|看看|看下|看|列出来)?"

# (intent, whole-message pattern) in order.
_STATEMENTS: list[tuple[str, re.Pattern]] = [(intent, re.compile(_ASK_PREFIX + f"(?:{pattern})" + _ASK_SUFFIX))
                                             for intent, pattern in [
    ("star_level", r".{0,12}(?:星级|星评|评星|几星|几颗星).{0,12}"),
    ("overdue", _OWNER + r"(?:所有|全部)?(?:已经?)?(?:逾期|超期|过期|超时|拖期|到期未完成)(?:的|未完成的?)?"
                r"(?:事项|任务|项目|清单|列表|情况|工作|整改|事)?(?:清单|列表|情况|名单)?"),
    ("unreported", _MONTH + r"(?:还)?(?:有)?(?:未报|没报|未报送|没有报送|没报送|未提交|没提交|没有提交|未上报|没上报|"
                   r"未填报|未交|没交|未汇报|没汇报|未报告)(?:月报)?(?:的)?(?:人员|人|同志|单位|支部|党员)?"
                   r"(?:名单|清单|情况|统计|列表)?"
                   r"|" + _MONTH + r"(?:月报)?(?:报送率|上报率|报告率|未报率)|催报|催交月报"),
    ("report_status", _OWNER + _MONTH + r"(?:的)?(?:月报|报送|填报|上报)(?:情况|状态|记录|结果)?"),
    ("rectifications", _OWNER + r"(?:全部|所有|未完成的?|没完成的?|待完成的?|待|在办的?)?(?:问题)?(?:整改|问题)"
                       r"(?:清单|列表|事项|任务|台账|项目|情况|进度|进展|问题)?(?:清单|列表|情况)?"),
    ("my_list", r"(?:查看|看看|查询|查|看|显示|列出|打开|获取|发送?)?(?:一下)?(?:" + _OWNER + "|" + _UNIT + _PERSON + ")"
                r"(?:全部|所有|个人|负责的|目前的?|现在的?|当前的?)?(?:任务|事项|清单|工作|责任|项目|待办)"
                r"(?:清单|列表|事项|情况)?" + _HOW_FAR + "|我的"),
]]

# Per statement above, the characters one of which its every match holds.
_MAY_STATE = [needing(f"intents._STATEMENTS[{intent}]", pattern, chars) for (intent, pattern), chars in zip(
    _STATEMENTS, ("星", "逾超过拖到", "未没率催", "报", "整问", "任事清工责项待我"), strict=True)]

# (intent, keyword pattern) searched in a question, in order.
_QUESTIONS: list[tuple[str, re.Pattern]] = [(intent, re.compile(pattern)) for intent, pattern in [
    ("star_level", r"星(?!期)"),
    ("overdue", r"逾期|超期|过期|超时|拖期|到期|延期|截止|超过(?:时限|期限)|过了(?:时限|期限)"),
    ("unreported", r"(?:谁|哪些人|哪个人|哪位|哪几位|哪几个|哪些同志|几个人|多少人|哪些支部|哪些单位|名单|人员).{0,10}"
                   r"(?:没|未)(?:有)?(?:报|交|提交|填|上报|汇报)"
                   r"|(?:没|未)(?:有)?(?:报|交|提交|填报|上报|汇报|报送)(?:的|月报的)?(?:人|同志|名单|单位|有哪些|是谁|有谁|都有谁)"
                   r"|谁.{0,4}(?:没|未)|报送率|上报率"),
    ("report_status", r"月报|(?:我|本人).{0,10}(?:报|交|提交|填报|上报|汇报|报送)(?:上去|上来|上)?(?:了|过|没|吗|么)"
                      r"|(?:我|本人).{0,8}(?:是否|有没有)(?:已经?)?(?:报|交|提交|填报|上报|汇报|报送)"
                      r"|报了(?:吗|没)|交了(?:吗|没)|报没报|交没交"),
    ("rectifications", r"整改|问题清单|销号"),
    ("my_list", r"我.{0,8}(?:清单|任务|事项|工作|项目|待办|负责|事情)|我.{0,6}(?:事要|要做|要办|要干)"
                r"|我.{0,6}(?:几项|哪几项|哪些项|多少项)|我的?(?:进度|进展)"
                r"|^(?:查看|看看|查询|显示|列出|看下|看一下)?.{0,4}(?:清单|任务|事项)"
                r"|^[\u4e00-\u9fff]{2,12}?的(?:清单|任务|事项|进度|进展|完成情况)"),
]]


# An acknowledgement: the message starts with one ("收到", "好的，马上报", "谢谢书记", "👌").
_ACK_RE = re.compile(r"^(?:(?:通知|消息|文件)?(?:已?收到|收悉)|好的?|好嘞|好滴|好哒|行|可以|明白|了解|知道|已阅|已读|阅|谢谢|感谢|多谢|"
                     r"辛苦|没问题|ok|okay|嗯+|噢|哦|👌|👍|🙏|💪|🤝|✓)", re.IGNORECASE)
# A question about one item, what state it is in or when it is due ("第2项完成了吗", "换届选举截止哪天").
_ITEM_QUESTION_RE = re.compile(r"完成|做完|弄完|好了|进度|进展|截止|期限|到期|时限|哪天|几号|什么时候|何时|还差|怎么样|如何了|"
                               r"状态|销号|开了几次|几次了|[了过](?:没有?|吗|么)$")


_LIST_KINDS = (("项目", "project"), ("责任", "responsibility"), ("整改", "rectification"))


def list_kind(text: str) -> str | None:
    """The one list a list question names ("项目清单进展" → project), None for all."""
    named = [kind for word, kind in _LIST_KINDS if word + "清单" in text or word + "事项" in text]
    return named[0] if len(named) == 1 else None


# Words before 的 that name no one ("负责的事项", "目前的任务", "全机关的清单").
_OWNER_WORD_RE = re.compile(r"^(?:查看|看看|查询|查|看|显示|列出|打开|获取|发送?)?(?:一下)?([\u4e00-\u9fff]{2,4})的")
_NOT_OWNERS = ("我", "本", "咱", "这", "那", "该", "各", "全", "所有", "负责", "个人", "目前", "现在", "当前", "自己", "大家")


def owner_word(text: str) -> str | None:
    """The word a list question puts before 的 as whose list it is ("张三的清单" → 张三), unless it is
    the asker's own or no one's; the caller decides whether it names a person or a unit."""
    found = _OWNER_WORD_RE.match(_FILLER_RE.sub("", text))
    if found is None or found[1].startswith(_NOT_OWNERS):
        return None
    return found[1]


def is_ack(text: str) -> bool:
    """Whether ``text`` (normalized) acknowledges ("收到", "好的", "已阅", "谢谢", "辛苦了")."""
    return _ACK_RE.match(_FILLER_RE.sub("", text).lstrip()) is not None or \
        _ACK_RE.match(text.strip()) is not None


def asks_about_an_item(question: str) -> bool:
    """Whether a question that names an item asks for its state or deadline (not its rules)."""
    return _ITEM_QUESTION_RE.search(question) is not None


def command_intent(text: str) -> str | None:
    """broadcast, help, or a query phrased as a bare noun phrase; None otherwise."""
    if is_notice(text):
        return "broadcast"
    if not text.strip("?？ "):
        return "help"
    bare = _FILLER_RE.sub("", text).lower()
    if _HELP_RE.fullmatch(bare):
        return "help"
    for (intent, pattern), may in zip(_STATEMENTS, _MAY_STATE, strict=True):
        if may.search(bare) and pattern.fullmatch(bare):
            return intent
    return None


def is_question(clause: str) -> bool:
    """Whether a clause asks something rather than reports."""
    if _MAY_NOT_QUESTION.search(clause):
        clause = _NOT_QUESTION_RE.sub("", clause)
    return _MAY_QUESTION.search(clause) is not None and _QUESTION_RE.search(clause) is not None


def question_intent(text: str) -> str | None:
    """The query a question asks, or help; None when it asks nothing the bot answers."""
    if _HELP_QUESTION_RE.search(text):
        return "help"
    for intent, pattern in _QUESTIONS:
        if pattern.search(text):
            return intent
    return None
