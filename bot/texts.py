"""Everything a user reads that is fixed, and how items, dates and times read in Chinese —
shared by handlers, pushes and the callback."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from models.tables import Item, ItemKind, ItemStatus
from models.yearly import behind_pace, closed_with_year

if TYPE_CHECKING:
    from bot.nlu.model import Update
    from models.progress import Preview

MORE_ITEMS = "…及其余{n}项，回复“我的清单”查看"
OWN_REPORT = "您可以回复“我这个月报了吗”查看本人月报。"
NO_NEWS_REPLY = "本月没有新进展的，回复“本月无新进展”也算报送（不改动任何事项）。"


def only_for(what: str, who: str, instead: str, not_done: str = "") -> str:
    """A refusal for want of a role, one style for all: what was refused, who may, what was not
    done (if anything was asked to be done), what the asker can do instead —
    "“提醒没报的”仅限各级书记使用。您可以回复…"."""
    return f"{what}仅限{who}使用" + (f"，{not_done}" if not_done else "") + f"。{instead}"


def day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def moment(at: datetime, tz: ZoneInfo) -> str:
    local = at.astimezone(tz)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def page_line(url: str) -> str:
    """The line a push or request ends with to link to its console page ("" without a URL)."""
    return f"\n在网页中查看：{url}" if url else ""


def opening(text: str, chars: int = 40) -> str:
    """The beginning of a longer text (a notice) on one line: "周五下午3点在三楼会议室…"."""
    flat = " ".join(text.split())
    return flat if len(flat) <= chars else flat[:chars] + "…"


def month_zh(month: str) -> str:
    """"2026-11" → "2026年11月"."""
    y, m = month.split("-")
    return f"{y}年{int(m)}月"


def status_zh(item: Item) -> str:
    return ItemStatus(item.status).zh


def progress_zh(item: Item, today: date) -> str:
    """"进行中 60%", "已开展5/12次", "已开展8/12次，落后进度" (``models.yearly.behind_pace`` on
    ``today``), "已完成12/12次", "已完成13/12次（已超额）", "已开展7/12次，未达标" (a duty of a year
    closed), "已完成"."""
    if item.target_count:
        return _count_zh(item, today)
    if (item.status == ItemStatus.IN_PROGRESS and item.percent) or (item.status == ItemStatus.BLOCKED and item.percent):
        return f"{status_zh(item)} {item.percent}%"
    return status_zh(item)


def state_zh(status: ItemStatus, percent: int, count: int, target: int | None) -> str:
    """A state not yet stored (a read-back's line), worded as ``progress_zh`` words a stored one."""
    if target:
        text = f"{'已完成' if count >= target else '已开展'}{count}/{target}次"
        if count > target:
            text += "（已超额）"
        if percent != min(100, round(100 * count / target)):
            text += f"，进度{percent}%"   # a percentage reported in words, not as a count
        return text if status != ItemStatus.BLOCKED else f"受阻，{text}"
    if status in (ItemStatus.IN_PROGRESS, ItemStatus.BLOCKED) and percent:
        return f"{ItemStatus(status).zh} {percent}%"
    return ItemStatus(status).zh


def _count_zh(item: Item, today: date) -> str:
    """A quantified duty: 已完成 only when the target is met, else 已开展, and how it keeps pace."""
    done, target = item.done_count, item.target_count
    text = f"{'已完成' if done >= target else '已开展'}{done}/{target}次"
    if done > target:
        text += "（已超额）"
    if item.percent != min(100, round(100 * done / target)):
        text += f"，进度{item.percent}%"   # a percentage reported in words, not as a count
    if done < target and closed_with_year(item.kind, item.year, today):
        text += "，未达标"
    elif behind_pace(done, target, item.year, today):
        text += "，落后进度"
    return text if item.status != ItemStatus.BLOCKED else f"受阻，{text}"


def item_line(number: int, item: Item, today: date, photos: int = 0) -> str:
    """One numbered line as "我的清单" and the monthly prompt show it (``photos``: its evidence
    photos, shown as 📎2)."""
    line = f"{number}. [{item.code}] {item.title}｜{progress_zh(item, today)}"
    if photos:
        line += f"｜📎{photos}"
    if item.year != today.year:
        line += f"｜{item.year}年度"            # an unfinished item of an earlier year
    if item.deadline:
        line += f"｜截止{day(item.deadline)}"
        if item.is_open and item.deadline < today:
            line += "（已逾期）"
    return line


def numbered(items: list[Item], only: list[Item] | None = None, today: date | None = None,
             photos: dict[int, int] | None = None) -> list[str]:
    """Lines for ``only`` (default all), numbered by their place in ``items``; ``photos``: item id →
    its evidence photos."""
    today, photos = today or date.today(), photos or {}
    wanted = {i.id for i in (only if only is not None else items)}
    return [item_line(n, i, today, photos.get(i.id, 0)) for n, i in enumerate(items, 1) if i.id in wanted]


def how_to_reply(items: list[Item], among: list[Item] | None = None) -> str:
    """How to answer, with examples from the person's own list (``items``, numbered as 我的清单
    numbers them) about their open items (of ``among``, when given): a number they have, a 编号 of
    theirs when a rectification is open, a count for a duty with a target; a list of one, no number."""
    wanted = {i.id for i in (among if among is not None else items)}
    open_items = [(n, i) for n, i in enumerate(items, 1) if i.id in wanted and i.is_open]
    if not open_items or len(items) == 1:
        return ONE_ITEM_REPLY if open_items else ""
    examples = []
    plain = next((n for n, i in open_items if not i.target_count and i.kind != ItemKind.RECTIFICATION), None)
    if plain is not None:
        examples.append(f"第{plain}项完成80%")
    rectification = next((i for _, i in open_items if i.kind == ItemKind.RECTIFICATION), None)
    if rectification is not None:
        examples.append(f"{rectification.code}已整改到位")
    counted = next((n for n, i in open_items if i.target_count), None)
    if counted is not None:
        examples.append(f"第{counted}项本月开展了1次")
    return "回复如：" + "、".join(examples)


# --- fixed replies ------------------------------------------------------------------------------

NOT_A_MEMBER = "您好，您还不在本系统的党员名单中，暂时无法使用。如需开通，请联系机关党委管理员。"
LEFT_THE_ROLLS = "您好，您已不在本系统的在册党员名单中，暂时无法使用。如有疑问，请联系机关党委管理员。"
NOT_TEXT = "暂时只能识别文字消息。请直接输入文字，例如“我的清单”“第2项完成80%”，回复“帮助”查看全部用法。"
VIDEO_NOT_KEPT = ("收到视频。视频不能作为佐证材料保存，本条未做任何记录。佐证材料请发照片（可截取视频画面）；"
                  "进展请用文字回复，例如“第2项完成80%”。")
LOCATION_NOT_KEPT = ("收到位置。位置信息不作记录，本条未做任何记录。活动现场请发照片作为佐证材料；"
                     "进展请用文字回复，例如“第2项完成80%”。")
VOICE_NOT_READ = ("暂时无法识别语音消息，本条未做任何记录。请改用文字回复（可用输入法的语音转文字），"
                  "例如“第2项完成80%”。")
NO_MORE_PAGES = "共{pages}页，已经是最后一页了。"
NOTHING_TO_CONTINUE = "没有可以继续查看的内容。请直接提问，例如“我的清单”“谁还没报”；回复“帮助”查看全部用法。"
MENU_KEY_UNKNOWN = "该菜单项暂未设置，请直接输入文字，例如“我的清单”；回复“帮助”查看全部用法。"
CARD_NOT_ANSWERED = ("这张卡片已失效，本次点击未做任何记录。请直接输入文字回复，例如“第2项完成80%”；"
                     "回复“我的清单”查看事项。")
FAILED = "抱歉，处理您的消息时出错了，本次未做任何更改。请稍后再试，或联系管理员。"
WELCOME = "欢迎使用清单助手！回复“我的清单”查看您的任务，回复“帮助”查看全部用法。"
NOT_UNDERSTOOD = ("抱歉，没有看懂您的意思，未做任何记录。\n"
                  "您可以回复“我的清单”查看事项，或直接报进度，如“第2项完成80%”；回复“帮助”查看全部用法。")
ONE_ITEM_REPLY = "直接回复“已完成”或“完成80%”即可更新这一项。"
ANSWER_WITH_ITEM = "请回复序号或编号，如“第2项”。"
ASK_ITEM_STATE = "请回复这一项的进展，如“完成80%”“已完成”。"
ACKNOWLEDGED = "好的。需要时回复“我的清单”查看事项，或直接报进度，如“第2项完成80%”。"
HOW_TO_UNDO = "如有误，回复“撤回”可撤销本次记录，或回复如“不对，是第3项”改到另一项。"
NOT_SURE = "没能确定您说的是哪一项、什么进展，本条未做任何记录。请写明事项和进展，如“第2项已完成”“Z-1完成80%”。"
NO_ITEMS_TO_UPDATE = "您本年度暂无清单事项，无法记录进展。如有疑问请联系机关党委。"
BROADCAST_NEEDS_BODY = "请写明通知内容，例如：通知 全体党员：明天下午3点在三楼会议室开会"
UNREPORTED_SECRETARIES_ONLY = only_for("“谁还没报”", "各级书记", OWN_REPORT)
NOBODY_NAMED = "没有找到“{name}”这名党员或单位，请核对姓名或单位名称；查看本人事项请回复“我的清单”。"
UNIT_MORE = "…及其余{n}项，回复“逾期事项”或“整改清单”查看"
UNITS_MORE = "…及其余{n}个单位"
STARS_NONE = "{label}暂无星级评分记录。评分由机关党委录入后即可查询。"

# 帮助 is built for the asker (handlers.help): these are its parts; {n} and the like are filled
# with the asker's own item numbers, 编号, units and people, and a part is left out when it does
# not apply to them.
HELP_HEAD = "清单助手使用说明\n【查询】\n· 我的清单 —— 查看本人事项及进度"
HELP_ASK_ITEM = "· 第{n}项完成了吗 —— 查看某一项"
HELP_ASK_LIST = "· {lists} —— 只看其中一张清单"
HELP_ASK_COMMON = "· 我这个月报了吗 —— 本月月报情况\n· 有哪些逾期的 —— 逾期事项"
HELP_ASK_RECTIFICATIONS = "· 整改清单 —— 整改事项进展"
HELP_ASK_STARS = "· 我单位星级 —— 本单位星级评定"
HELP_REPORT_HEAD = "【报进度】直接回复，例如："
HELP_REPORT_NONE = "【报进度】您本年度暂无清单事项，有事项后直接回复进展即可。"
HELP_REPORT_ONE = "· 完成80% / 已完成 —— 您只有一项，直接说进展即可"
HELP_REPORT_ITEM = "· 第{n}项完成80%"
HELP_REPORT_SEVERAL = "· 1、2项已完成，第3项进行中"
HELP_REPORT_RECTIFICATION = "· {code}已整改到位（报书记核实）"
HELP_REPORT_COUNT = "· 第{n}项开展了1次；今年已开展{total}次"
HELP_UNDO = "· 撤回 —— 撤销上一条记录"
HELP_UNDO_OTHER = "· 撤回 —— 撤销上一条记录；不对，是第{n}项 —— 改到另一项"
HELP_READ_BACK = "· 一次报多项时先列出“我理解为：……”，回复“确认”后记录，或回复“第2条是60%”修改"
HELP_PHOTOS = "· 报完进展后发照片 —— 作为佐证材料附到该项（“我的清单”显示📎张数）"
HELP_NOTICES = "【通知】收到通知后回复“收到”即确认。"
HELP_SECRETARY_HEAD = "【书记】查询{scope}："
HELP_SECRETARY_UNREPORTED = "· 谁还没报{unit_ask} / {month}月谁还没报{person_ask}"
HELP_SECRETARY_LISTS = "· {person}的清单 / {unit}的清单完成情况"
HELP_SECRETARY_QUERIES = "· 有哪些逾期的 / 整改清单 / 星级（下级单位排名）"
HELP_SECRETARY_REVIEW = "· 销号 {code} / 退回 {code} 原因：… / 重开 {code} 原因：…"
HELP_SECRETARY_MEETINGS = "· 三会一课：今天召开支委会，应到7人实到6人，研究…… / 11月8日上党课，主题…{recorder}"
HELP_SECRETARY_NUDGE = "· 提醒没报的{unit_nudge}{person_nudge}"
HELP_SECRETARY_NOTICE = "· 通知：……（发给{scope}，先预览，回复“确认”发送）\n· 通知收到情况 —— 所发通知谁已确认、谁还没有"
HELP_SECRETARY_LADDER = ("· 问责记录 —— 本年红叉；约谈 {person} 已完成：谈话情况 —— 记录约谈；"
                         "撤销 {person} {month}月红叉：原因 —— 上级书记撤销红叉")
HELP_ADMIN = """【管理员】
· 通知 全体党员：…… / 通知 全体书记：…… / 通知 第一支部 仅本单位：……
  （先预览，回复“确认”后发送）
· 通知收到情况 —— 谁已确认、谁还没有"""


# --- notices (preview, 确认, receipts) and nudges (催报) -------------------------------------------

NOTICE_SENDERS_ONLY = only_for("发通知", "管理员和各级书记", "如需通知大家，请联系本单位书记。", not_done="本条未发送")
NOTICE_PREVIEW = "将发送给{label}共{count}人{units}：\n“{head}”\n{parts}回复“确认”发送（{minutes}分钟内有效），回复“取消”不发。"
NOTICE_NARROWED = "“{asked}”的通知仅管理员可发；您可通知{label}，本条只发给{label}。\n"
NOTICE_PARTS = "正文较长，将分{n}条发送（每条标明序号）。\n"
NOTICE_NO_RECIPIENTS = "{label}暂无其他在册成员，本条未发送。"
NOTICE_SENT = "通知已发送给{label}，共{count}人。回复“通知收到情况”查看确认情况。"
NOTICE_SEND_FAILED = "通知发送失败（{error}），请稍后重新发送。"
NOTICE_INVALID = "以下账号不在应用可见范围内，未收到：{accounts}"
NOTICE_EXPIRED = "通知“{head}”超过{minutes}分钟未确认，已作废，未发送。如需发送，请重新发送通知。"
NOTICE_CANCELLED = "通知“{head}”已取消，未发送。"
NOTICE_ASK_AGAIN = "通知“{head}”还未发送：回复“确认”发送给{count}人，回复“取消”不发。"
NOTICE_NO_DRAFT = "没有待确认的通知。发送通知请写如：通知 全体党员：明天下午3点开会"
NOTICE_ASK_ACK = "收到请回复“收到”。"
NOTICE_ACKNOWLEDGED = "已确认收到通知“{head}”。"
NOTICE_ACK_MORE = "您还有{n}条通知未确认，再回复“收到”可逐条确认。"
RECEIPTS_NONE = "您还没有发送过通知。发送通知请写如：通知 全体党员：明天下午3点开会"
RECEIPTS_SENDERS_ONLY = only_for("“通知收到情况”", "发送通知的管理员和书记", "您收到的通知，回复“收到”即确认。")
NUDGE_SECRETARIES_ONLY = only_for("“提醒没报的”（催报）", "各级书记", OWN_REPORT)
NUDGE_TEXT = ("【催报】{sender}提醒您：请报送{month}清单进展。回复“我的清单”查看事项，直接回复进展即可（如“完成80%”）；"
              "回复“帮助”查看全部用法。")
NUDGE_SEND_FAILED = "催报发送失败（{error}），本次未提醒到任何人，可稍后再说“提醒没报的”重试。"


# --- members who left (an import marked them 离开): their unfinished items, to their secretary ----------

LEAVER_ITEMS_HEAD = "【人员离开】{to}，{name}（{unit}）已在党员名单中标记为“离开”，名下{n}项未完成事项需重新指定责任人："
LEAVER_ITEMS_MORE = "…及其余{n}项"
LEAVER_ITEMS_FOOTER = "请在清单工作簿中把这些事项的“责任人账号”改为新的责任人，由管理员重新导入。"


# --- a report read back before it is stored (handlers.summary, handlers.read_back) ---------------------

READ_BACK_HEAD = "我理解为（共{n}条，尚未记录）："
READ_BACK_MORE = "（续，第{first}条起，共{total}条）"
READ_BACK_FOOTER = ("回复“确认”记录以上{n}条；如有不对，回复如“第3条是60%”“第2条不对，删掉”“还有第5项完成了”修改，"
                    "回复“取消”不记录。{until}前未确认则作废、不作记录。")
READ_BACK_COUNTED = "本条已计入{month}月报。"
READ_BACK_WEAK = "（依据不足，请核对）"
READ_BACK_BACKWARDS = "（进度倒退，请核对）"
READ_BACK_CANCELLED = "已取消，以上理解的内容未作任何记录（本月月报已计为报送）。如需记录进度，请重新回复，如“第2项完成80%”。"
READ_BACK_TAKEN = "这份核对内容已处理，未重复记录。回复“我的清单”查看各项进度。"
READ_BACK_NO_LINE = "核对内容共{n}条，没有第{k}条，未作更改。回复“确认”记录，或回复如“第{n}条是60%”修改。"
READ_BACK_HOW_TO_FIX = "没看懂第{k}条要改成什么，未作更改。请回复如“第{k}条是60%”“第{k}条已完成”；要去掉这一条，回复“第{k}条删掉”。"
READ_BACK_EMPTY = "核对内容已全部删去，未作任何记录（本月月报已计为报送）。"
READ_BACK_NAME_THE_ITEM = "没能确定您说的是哪一项，核对内容未变。请写明事项，如“还有第5项完成了”；或回复“确认”记录以下内容。"
READ_BACK_LAPSED = ("您{since}报送、待确认的{n}条进展超过{hours}小时未确认，已作废，未作任何记录（本月月报已计为报送）。"
                    "如需记录，请重新回复，如“第2项完成80%”。")
READ_BACK_GONE = "第{k}条的事项已不在您的清单中，未记录。"
READ_BACK_REMINDER = "【待确认提醒】{name}，您{since}报送的进展尚未记录，{until}前回复“确认”即记录，逾期作废："


def read_back_line(n: int, item: Item, u: Update, after: Preview, today: date) -> str:
    """One numbered line of a read-back: what ``u`` would do to ``item`` as it is now (``after``,
    ``models.progress.preview``) — "1. [R-1] 每月召开支委会 +1次（本年10/12）",
    "2. [P-3] 建设党员活动室：未开始 → 进行中 60%"."""
    head = f"{n}. [{item.code}] {item.title}"
    if not after.changes:
        return f"{head}：不作更改（{after.note}）"
    if after.backwards and u.sure:
        return f"{head}：{taken_back(item, u, after)}{READ_BACK_BACKWARDS}"
    if item.target_count and (u.count or u.total is not None) and after.count != item.done_count:
        added = after.count - item.done_count
        text = (f"{head} +{added}次" if added > 0 and u.total is None else f"{head} 本年共{after.count}次") + \
            f"（本年{after.count}/{item.target_count}）"
    else:
        text = f"{head}：{progress_zh(item, today)} → {state_zh(after.status, after.percent, after.count, item.target_count)}"
    if after.note:
        text += f"（{after.note}）"
    if not u.sure:
        text += READ_BACK_WEAK
    elif after.backwards:
        text += READ_BACK_BACKWARDS
    return text


def taken_back(item: Item, u: Update, after: Preview) -> str:
    """A read-back line's question about an update that takes an item back (a lower total or
    percentage, done to not done): what was recorded, what the reply said, what it would become —
    "之前记录的是已开展3/4次，这次说2次，确认后改为已开展2/4次"."""
    target = item.target_count
    said = (f"{u.total}次" if u.total is not None else f"{u.percent}%" if u.percent is not None
            else ItemStatus(u.status).zh if u.status else state_zh(after.status, after.percent, after.count, target))
    return (f"之前记录的是{state_zh(ItemStatus(item.status), item.percent, item.done_count, target)}，这次说{said}，"
            f"确认后改为{state_zh(after.status, after.percent, after.count, target)}")


READ_BACK_REMINDER_FOOTER = "回复“确认”记录；如有不对，回复如“第3条是60%”修改，回复“取消”不记录。"
