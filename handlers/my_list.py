"""我的清单: the sender's items of the year, numbered, with status, progress and deadline; a question
about particular items ("第2项完成了吗？", "换届选举截止哪天") gets just those items' lines."""
from bot.fitting import fit_lines
from bot.paging import paged
from bot.router import Message, Router
from bot.texts import HOW_TO_REPLY, MORE_ITEMS, numbered

router = Router("my_list")


@router.message(intent="my_list")
def show_my_list(msg: Message) -> str:
    """Numbered as the monthly prompt numbers them, so "第2项" means the same everywhere."""
    if not msg.items:
        return f"{msg.member.name}，您{msg.at.year}年度暂无清单事项。如有疑问请联系机关党委。"
    asked = [i for i in msg.items if i.code in set(msg.parsed.asked_items)]
    if asked:
        lines = numbered(msg.items, only=asked, today=msg.at.date())
        return fit_lines("您问到的事项：", lines, MORE_ITEMS, footer="如需更新进展，请回复如“第2项完成80%”。")
    open_count = sum(1 for i in msg.items if i.is_open)
    head = f"{msg.member.name}的清单（{msg.at.year}年度，共{len(msg.items)}项，未完成{open_count}项）"
    return paged(msg, head, numbered(msg.items, today=msg.at.date()), footer=HOW_TO_REPLY)
