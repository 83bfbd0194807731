"""The questions a member can ask, by intent, and the handler that answers each: one table for
what asks a question without typing it (a menu click, "更多" after a cut answer)."""
from handlers import help, my_list, overdue, rectifications, report_status, star_level, unreported

QUESTIONS = {
    "my_list": my_list.show_my_list,
    "report_status": report_status.show_report_status,
    "overdue": overdue.show_overdue,
    "rectifications": rectifications.show_rectifications,
    "star_level": star_level.show_star_level,
    "unreported": unreported.show_unreported,
    "help": help.show_help,
}
