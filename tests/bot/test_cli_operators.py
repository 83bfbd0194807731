"""What an operator reads from ``import``, ``schedule``, ``remind`` and ``export`` (issue 22, point
15), run in-process through ``bot.cli.main`` on SQLite and PostgreSQL: the cause of a file that is
not a workbook, Chinese job names, why a quiet-hours moment sends nothing and when the next push
is, "两次" as a target, and months before the first import as not applicable in 月报."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlmodel import select

from bot.cli import main
from models.db import session_scope
from models.tables import Item
from tests.models.workbook.books import full_book, save, sheet_rows
from tests.support.config import write_config


def config_file(tmp_path: Path, db_url: str) -> Path:
    return write_config(tmp_path / "config.toml", db_url, "http://127.0.0.1:9/cgi-bin/")


def test_a_file_that_is_not_a_workbook_says_why_and_offers_no_skipping(tmp_path, db_url, capsys):
    config = config_file(tmp_path, db_url)
    for name, text, why in [("junk.xlsx", "not a workbook", "不是 Excel 工作簿"),
                            ("list.csv", "a,b\n1,2\n", "不是 .xlsx 工作簿")]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert main(["import", str(path), "--config", str(config)]) == 1
        err = capsys.readouterr().err
        assert why in err and "另存为 .xlsx" in err
        assert "--skip-bad-rows" not in err and "BadZipFile" not in err and "openpyxl" not in err
        assert err.splitlines()[-1] == "改正后重新导入。"


def test_a_target_in_chinese_numerals_is_read_as_the_chat_reads_it(tmp_path, db_url, bare_engine, capsys):
    book = full_book()
    book["责任清单"] = [row[:4] + ["两次" if row[0] == "R-1" else "十二次" if row[0] == "R-2" else row[4]]
                      for row in book["责任清单"]]
    assert main(["import", str(save(tmp_path, book)), "--config", str(config_file(tmp_path, db_url))]) == 0, \
        capsys.readouterr().err
    with session_scope(bare_engine) as s:
        targets = {i.code: i.target_count for i in s.exec(select(Item).where(Item.code.in_(["R-1", "R-2", "R-3"])))}
    assert targets == {"R-1": 2, "R-2": 12, "R-3": 2}


def test_schedule_names_the_jobs_in_chinese_only(tmp_path, db_url, capsys):
    assert main(["schedule", "--config", str(config_file(tmp_path, db_url))]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("  月报提醒：下次 ") and out[-1].startswith("  补发与重试（每小时）：下次 ")
    assert not any(c.isascii() and c.isalpha() for line in out[1:] for c in line)


def test_remind_in_the_quiet_hours_says_why_and_when_the_next_push_is(tmp_path, db_url, capsys):
    config = config_file(tmp_path, db_url)
    assert main(["import", str(save(tmp_path, full_book())), "--config", str(config)]) == 0
    capsys.readouterr()
    assert main(["remind", "--at", "2026-12-25", "--config", str(config)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "推送时刻：2026-12-25 00:00（Asia/Shanghai）",
        "无到期推送：00:00 在免打扰时段（22:00–08:00）内，此时不发推送；下一次推送：2026-12-25 09:00"]


def test_monthly_report_months_before_the_first_import_are_not_applicable(tmp_path, db_url, capsys):
    config = config_file(tmp_path, db_url)
    assert main(["import", str(save(tmp_path, full_book())), "--config", str(config)]) == 0
    out = tmp_path / "out.xlsx"
    assert main(["export", str(out), "--config", str(config)]) == 0
    now = datetime.now()
    months = sheet_rows(out, "月报")
    this_month = f"{now.year}-{now.month:02d}"
    assert {m["已报"] for m in months if m["月份"] == this_month} == {"否"}
    before = [m for m in months if m["月份"] < this_month]
    assert len(before) == 5 * (now.month - 1)
    assert {m["已报"] for m in before} <= {"—"}
