"""帮助: what can be said to the bot."""
from bot.router import Message, Router

router = Router("help")

HELP = """清单助手使用说明
【查询】
· 我的清单 —— 查看本人事项及进度
· 我这个月报了吗 —— 本月月报情况
· 有哪些逾期的 —— 逾期事项
· 整改清单 —— 整改事项进展
· 我单位星级 —— 本单位星级评定
· 谁还没报 —— 本单位未报人员（书记可用）
【报进度】直接回复，例如：
· 第2项完成80%
· 1、2项已完成，第3项进行中
· Z-2已整改到位
· 召开了2次支委会
【发通知】（管理员）
· 通知 全体党员：明天下午3点开会
· 通知 第一党支部：……
· 通知 全体书记：……"""


@router.message(intent="help")
async def show_help(msg: Message) -> str:
    """The usage text."""
    return HELP
