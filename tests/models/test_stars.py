"""models.stars: the rating rule and the one table of dimensions."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from models.stars import star_rating
from models.tables import StarScore

TZ = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 20, 10, 0, tzinfo=TZ)


def _score(total_each, **kw):
    return StarScore(unit_id=1, year=2026, organisation=total_each, team=total_each, system=total_each,
                     venue=total_each, activities=total_each, performance=total_each,
                     satisfaction_score=total_each, **kw)


@pytest.mark.parametrize("per, stars", [(95 / 7, 5), (94 / 7, 4), (80 / 7, 4), (79 / 7, 3), (60 / 7, 3), (59 / 7, 0)])
def test_star_thresholds(per, stars):
    r = star_rating(_score(per), five=95, four=80, three=60, min_satisfaction=60)
    assert r.stars == stars and r.weak_lax == (stars == 0)


@pytest.mark.parametrize("kw, reason", [
    ({"satisfaction_rate": 59}, "群众满意率"),
    ({"three_meetings_ok": False}, "三会一课"),
    ({"venue_ok": False}, "阵地"),
    ({"disciplined": 1}, "处分"),
])
def test_any_veto_condition_means_no_star(kw, reason):
    r = star_rating(_score(14, **kw), five=95, four=80, three=60, min_satisfaction=60)
    assert r.stars == 0 and r.weak_lax and reason in r.reasons[0]
