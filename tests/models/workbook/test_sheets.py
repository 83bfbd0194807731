"""Sheet definitions (models.workbook.sheets): the 星级评分 columns come from the one table of the
seven dimensions, and headers are matched loosely."""
from __future__ import annotations

from models.stars import DIMENSIONS
from models.workbook.sheets import SHEETS, STARS, header_key, headers


def test_star_headers_come_from_the_dimensions_table():
    cols = SHEETS[STARS]
    dims = [c for c in cols if c.field in {d.field for d in DIMENSIONS}]
    assert [(c.header, c.field) for c in dims] == [(d.zh, d.field) for d in DIMENSIONS]
    assert headers(STARS) == ["组织", "年度", *(d.zh for d in DIMENSIONS), "群众满意率",
                              "三会一课落实(是/否)", "阵地达标(是/否)", "受警告以上处分人数"]
    # The contract's order and names.
    assert headers(STARS)[2:9] == ["组织建设", "队伍建设", "制度建设", "阵地建设", "活动开展", "工作实绩",
                                   "群众满意度测评"]


def test_header_key_is_loose():
    assert header_key(" 三会一课落实 （是/否）") == header_key("三会一课落实(是/否)") == "三会一课落实"
    assert header_key("*企业微信账号") == "企业微信账号"
    assert header_key("群众满意率（%）") == "群众满意率"
    assert header_key(None) == ""
