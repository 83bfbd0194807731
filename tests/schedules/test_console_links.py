"""From chat to the console (issue 24, point 4): with ``[web] base_url`` set, the month-end prompt,
the 季督 digest and the close-off request end with a link to the matching console page (the
close-off card opens it when tapped outside its buttons); without it, none. Every text stays within
2048 bytes, the link kept when a digest is cut."""
from __future__ import annotations

from datetime import date, datetime

from bot.fitting import MAX_TEXT_BYTES
from schedules.runner import run_due
from tests.support.cli import by_person

BASE = "https://qingdan.example.gov.cn"
Q3_DIGEST_AT = datetime.fromisoformat("2026-10-08T09:00:00+08:00")
PROMPT_AT = datetime.fromisoformat("2026-11-25T09:00:00+08:00")


def _fits(text: str) -> bool:
    return len(text.encode("utf-8")) <= MAX_TEXT_BYTES


async def test_the_month_end_prompts_link_to_my_list_only_when_base_url_is_set(org, config, engine, sender, standin):
    org.item("sun", "X-1", "讲专题党课")
    org.item("zhou", "X-2", "长" * 60)
    for n in range(3, 60):                              # a list longer than one message
        org.item("zhou", f"X-{n}", f"第{n}项很长的事项名称" + "说明" * 20)
    await run_due(config, engine, sender, PROMPT_AT, kinds=["monthly_prompt"])
    plain = by_person(standin)
    assert "在网页中查看" not in plain["sun"][0] and "/console/" not in plain["zhou"][0]

    config.web.base_url = BASE + "/"
    standin.state.sent.clear()
    await run_due(config, engine, sender, datetime.fromisoformat("2026-12-25T09:00:00+08:00"),
                  kinds=["monthly_prompt"])
    linked = by_person(standin)
    for account in ("sun", "zhou"):
        text = linked[account][0]
        assert text.endswith(f"\n在网页中查看：{BASE}/console/") and _fits(text), text
    assert "…及其余" in linked["zhou"][0]


async def test_the_quarterly_digest_links_to_the_board(org, config, engine, sender, standin):
    org.item("sun", "P-1", "逾期项目", kind="project", deadline=date(2026, 9, 30))
    org.item("wu", "X-2", "二支部事项")
    await run_due(config, engine, sender, Q3_DIGEST_AT, kinds=["quarterly"])
    assert not any("在网页中查看" in t for texts in by_person(standin).values() for t in texts)

    config.web.base_url = BASE
    standin.state.sent.clear()
    await run_due(config, engine, sender, datetime.fromisoformat("2027-01-04T09:00:00+08:00"), kinds=["quarterly"])
    sent = by_person(standin)
    assert sent["zhao"][0].endswith(f"\n在网页中查看：{BASE}/console/board")          # a branch: item by item
    assert sent["li"][0].endswith(f"查看明细\n在网页中查看：{BASE}/console/board")       # units below: rolled up
    assert all(_fits(t) for texts in sent.values() for t in texts)
