"""The app's menu: a click asks one of the questions a member could type.

A menu item of type "点击" (click) in the WeCom console carries a key; the keys below (or the
question itself in Chinese, e.g. "我的清单") are answered exactly as the typed question would be,
by the same handler. A menu only asks: a key that reads as anything but a question (a progress
report, a notice) is never acted on.
"""
from bot.router import Message, Router, understand
from bot.texts import MENU_KEY_UNKNOWN
from handlers.questions import QUESTIONS

router = Router("menu")

# The keys to set in the WeCom console (docs/deploy.md), and the question each asks.
MENU_KEYS = {
    "my_list": "我的清单",
    "report_status": "我这个月报了吗",
    "overdue": "有哪些逾期的",
    "rectifications": "整改清单",
    "star_level": "我单位星级",
    "unreported": "谁还没报",
    "help": "帮助",
}


@router.event("click")
def menu_click(msg: Message) -> str:
    """The question the key asks, answered by its handler."""
    key = msg.text
    question = MENU_KEYS.get(key.lower(), key)
    parsed = understand(question, msg.items)
    answer = QUESTIONS.get(parsed.intent)
    if answer is None:
        return MENU_KEY_UNKNOWN
    msg.text, msg.parsed = question, parsed
    return answer(msg)
