"""models.ladder.marks_by_unit (counted in the database) and marks_of_people (read for some people
only), the console board's, give what marks_of_year gives, on both engines; Tally.merge adds up."""
from __future__ import annotations

from sqlmodel import Session, select

from bot.config import AccountabilityConfig
from models.ladder import Tally, climb_unreported, marks_by_unit, marks_of_people, marks_of_year
from models.tables import Mark
from tests.support.clock import NOW


def test_the_marks_counted_in_the_database_are_the_marks_read(org, engine):
    thresholds = AccountabilityConfig().thresholds("unreported")
    with Session(engine) as s:
        for month in ("2026-09", "2026-10"):
            climb_unreported(s, month, thresholds, NOW)
        cleared = s.exec(select(Mark).where(Mark.member_id == org.people["liming"].id)).first()
        cleared.cleared_at, cleared.clear_reason = NOW, "已说明"
        s.add(cleared)
        s.commit()
        people, units = marks_of_year(s, 2026)
        assert len(units) >= 2 and any(t.cleared for t in units.values())
        assert marks_by_unit(s, 2026) == units
        some = [org.people["liming"].id, org.people["zhouqiang"].id]
        assert marks_of_people(s, 2026, some) == {p: people[p] for p in some if p in people}
        assert marks_of_people(s, 2026, []) == {} and marks_by_unit(s, 2025) == {}


def test_tallies_merge_into_the_sum_and_the_highest_step():
    a, b = Tally(standing=2, cleared=1, highest="催办"), Tally(standing=1, cleared=0, highest="通报")
    a.merge(b)
    a.merge(Tally())
    assert a == Tally(standing=3, cleared=1, highest="通报")
