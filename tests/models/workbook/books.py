"""Books and helpers shared by the workbook tests: a full book as an administrator types it, and
import / export helpers over a database from the shared fixtures (``bare_engine``)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlmodel import select

from models.db import session_scope
from models.tables import AuditEvent, Item, Member, StarScore, Unit
from models.workbook import ImportSummary, WorkbookError, build_workbook, import_workbook

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 10, 30, tzinfo=TZ)

UNITS = [["名称", "上级", "类型"],
         ["县委办党组", None, "党组"],
         ["第一党支部", "机关党委", "党支部"],           # parent defined on a later row
         ["机关党委", "县委办党组", "机关党委"],
         ["第二党支部", "机关党委", "党支部"]]
MEMBERS = [["姓名", "企业微信账号", "所在组织", "职务", "管理员"],
           ["张书记", "zhangsj", "县委办党组", "党组书记", "否"],
           ["纪伟", "jiwei", "机关党委", "机关党委书记", "是"],
           ["李明", "liming", "第一党支部", "支部书记", None],
           ["王芳", "wangfang", "第一党支部", "党员", "否"],
           ["孙丽", "sunli", "第二党支部", "支部书记", "否"]]
DUTIES = [["编号", "责任人", "事项", "年度", "目标次数"],
          ["R-1", "zhangsj", "听取基层党建工作汇报并指导", 2026, 4],
          ["R-2", "jiwei", "组织党员集中学习", 2026, None],
          ["R-3", "liming", "讲专题党课", "2026", "2次"]]
PROJECTS = [["编号", "项目", "牵头人", "年度", "截止日期"],
            ["P-1", "建设党员活动室", "liming", 2026, date(2026, 12, 20)],
            ["P-2", "制定年度学习计划", "wangfang", 2026, "2026-06-30"]]
RECTS = [["编号", "问题", "整改措施", "责任人", "来源", "整改时限"],
         ["Z-1", "党费收缴不规范", "逐月核对台账", "wangfang", "巡察", date(2026, 11, 30)],
         ["Z-2", "三会一课记录不全", "补齐记录", "sunli", "检查考核", "2026/12/15"]]
# Each dimension within its default maximum (15, 15, 15, 10, 15, 20, 10).
STARS = [["组织", "年度", "组织建设", "队伍建设", "制度建设", "阵地建设", "活动开展", "工作实绩",
          "群众满意度测评", "群众满意率", "三会一课落实(是/否)", "阵地达标(是/否)", "受警告以上处分人数"],
         ["第一党支部", 2026, 15, 14, 13.5, 10, 14, 20, 10, "92%", "是", "是", 0],
         ["第二党支部", 2026, 10, 9, 8, 8, 9, 9, 7, 0.55, "否", "是", 1]]


def full_book() -> dict[str, list[list]]:
    return {"组织": UNITS, "党员": MEMBERS, "责任清单": DUTIES, "项目清单": PROJECTS,
            "整改清单": RECTS, "星级评分": STARS}


def save(tmp_path, data, name="book.xlsx"):
    path = tmp_path / name
    build_workbook(data).save(path)
    return path


def run_import(engine, path, **kw) -> ImportSummary:
    with session_scope(engine) as s:
        return import_workbook(s, path, actor="cli:test", now=NOW, **kw)


def import_error(engine, path, **kw) -> WorkbookError:
    """Import expecting failure; the session is committed anyway, to prove nothing was written."""
    with session_scope(engine) as s, pytest.raises(WorkbookError) as info:
        import_workbook(s, path, actor="cli:test", now=NOW, **kw)
    return info.value


def dump(engine) -> dict[str, list[dict]]:
    """Every row of the tables an import may touch, as plain dicts."""
    with session_scope(engine) as s:
        return {t.__name__: [r.model_dump() for r in s.exec(select(t).order_by(t.id))]
                for t in (Unit, Member, Item, StarScore, AuditEvent)}


def counts(d):
    return sum(d.values())


def reasons(err: WorkbookError) -> list[str]:
    return [str(p) for p in err.problems]


def sheet_rows(path, name) -> list[dict]:
    ws = openpyxl.load_workbook(path)[name]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]
