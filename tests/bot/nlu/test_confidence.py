"""The link model: fitting, the ask-threshold, and what it says of real links."""
from __future__ import annotations

from bot import nlu
from bot.nlu import confidence
from tests.support.item_lists import SETS


def _x(**on) -> list[float]:
    x = [0.0] * len(confidence.FEATURES)
    x[0] = 1.0
    for name, value in on.items():
        x[confidence.FEATURES.index(name)] = value
    return x


def test_fitting_separates_right_links_from_wrong_ones():
    right = [(_x(by_code=1, stated=1), 1)] * 40
    wrong = [(_x(by_title=1, title_weight=0.2, margin=-0.5), 0)] * 40
    model = confidence.Model(confidence.fit(right + wrong))
    assert model.confidence(right[0][0]) > 0.9 > 0.1 > model.confidence(wrong[0][0])


def test_the_threshold_keeps_at_most_one_wrong_in_a_hundred():
    scored = [(0.99, 1)] * 200 + [(0.6, 0)] * 3 + [(0.5, 1)] * 10 + [(0.2, 0)] * 20
    t = confidence.pick_threshold(scored, 0.01)
    kept = [y for p, y in scored if p >= t]
    assert kept.count(0) <= 0.01 * len(kept)
    assert t > 0.2


def test_without_weights_every_link_is_as_the_rules_left_it():
    before = confidence.use(confidence.Model())
    try:
        update = nlu.parse("第2项已完成", SETS["tasks"]).updates[0]
    finally:
        confidence.use(before)
    assert update.confidence is None and update.sure


def test_the_shipped_model_fits_its_features_and_trusts_a_code_more_than_a_shared_word():
    model = confidence.load()
    assert len(model.weights) == len(confidence.FEATURES) and 0 < model.threshold < 1
    by_code = model.confidence(_x(by_code=1, stated=1))
    by_shared_word = model.confidence(_x(by_title=1, title_weight=0.2, margin=-0.5, month_report=1))
    assert by_code > model.threshold > by_shared_word


def test_a_link_below_the_threshold_is_asked_about_not_written():
    strict = confidence.Model(confidence.load().weights, threshold=1.0)
    before = confidence.use(strict)
    try:
        update = nlu.parse("调研报告已完成", SETS["tasks"]).updates[0]
    finally:
        confidence.use(before)
    assert update.item == "P-4" and update.sure is False and update.confidence < 1.0


def test_the_trace_holds_each_link_and_its_rivals():
    trace: dict = {}
    nlu.parse("活动室已完成", SETS["branch"], trace)
    assert trace["links"], trace
    assert all(len(link["x"]) == len(confidence.FEATURES) for link in trace["links"])
