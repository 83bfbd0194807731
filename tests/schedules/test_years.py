"""Issue 22, points 2 and 3, as the month-end prompt shows them (run_due and the stand-in): a
responsibility duty of last year is not carried into the next; a quantified duty says whether it
keeps pace."""
from __future__ import annotations

from datetime import datetime

from schedules.runner import run_due
from tests.support.cli import by_person

R = "responsibility"


async def test_last_years_duties_are_not_prompted_next_year_its_projects_are(org, config, engine, sender, standin):
    org.item("sun", "R-23", "每月召开支委会", kind=R, year=2026, target_count=12, done_count=7,
             status="in_progress", percent=58)
    org.item("sun", "P-5", "建设党员活动室", kind="project", year=2026, status="in_progress", percent=30)
    org.item("sun", "R-1", "讲专题党课", kind=R, year=2027, target_count=2)
    org.item("zhou", "R-24", "开展谈心谈话", kind=R, year=2026)          # zhou's only item: last year's duty
    await run_due(config, engine, sender, datetime.fromisoformat("2027-03-25T09:00:00+08:00"))
    sent = by_person(standin)
    assert set(sent) == {"sun"}                                        # zhou owes nothing in 2027
    (prompt,) = sent["sun"]
    assert "R-23" not in prompt and "7/12" not in prompt
    assert "[P-5] 建设党员活动室｜进行中 30%｜2026年度" in prompt
    assert "[R-1] 讲专题党课｜已开展0/2次\n" in prompt                # twice a year: none owed by March


async def test_the_month_end_prompt_says_whether_a_count_keeps_pace(org, config, engine, sender, standin):
    org.item("sun", "R-2", "每月召开支委会", kind=R, target_count=12, done_count=8, status="in_progress", percent=67)
    org.item("sun", "R-3", "讲专题党课", kind=R, target_count=2, done_count=2, status="done", percent=100)
    org.item("zhou", "R-4", "开展主题党日", kind=R, target_count=12, done_count=10, status="in_progress", percent=83)
    await run_due(config, engine, sender, datetime.fromisoformat("2026-11-25T09:00:00+08:00"))
    sent = by_person(standin)
    assert "[R-2] 每月召开支委会｜已开展8/12次，落后进度" in sent["sun"][0]
    assert "R-3" not in sent["sun"][0]                                 # met: done
    assert "[R-4] 开展主题党日｜已开展10/12次" in sent["zhou"][0] and "落后" not in sent["zhou"][0]
