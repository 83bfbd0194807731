"""How sure a link from a reply to an item is: a small logistic model over the link's evidence.

Each update about a named item rests on one reference (the strongest that named it) and the
signals it got. Its evidence is a handful of numbers (``FEATURES``): how the item was named (编号,
position, enumeration, title words), for title words their weight and the margin over the best
rival item the same words also name, whether the clause's state words fit the item's kind, whether
a state or a figure was said outright, whether the reply is a long 月报. The weights are fitted on
the labelled replies (``bench/understanding_lolo.py --write``, leave-one-list-out measured by the
same command) and kept in ``link_weights.json`` beside this module; with no such file every link
is sure, as before.

The confidence is the model's probability that the link is what the member said. Below the fitted
``threshold`` the update is weak evidence: ``sure`` is false and the bot reads it back instead of
writing (``Update.confidence`` carries the figure, ``qingdan parse --explain`` shows it).
"""
from __future__ import annotations

import json
import math
import operator
from pathlib import Path

FEATURES = ("bias", "by_code", "by_position", "by_enumeration", "by_title", "title_weight", "margin",
            "kind_clash", "stated", "held_only", "month_report", "listed_with_others")
WEIGHTS_FILE = Path(__file__).with_name("link_weights.json")
_STATED = frozenset(("status", "percent", "count", "total", "bad_percent", "bad_count"))
_HELD = frozenset(("held", "dated", "tick", "ordinal"))
_DUTY_KINDS = frozenset(("count", "held", "dated", "tick"))


class Model:
    """Weights over ``FEATURES`` and the confidence below which a link is asked about."""

    def __init__(self, weights: list[float] | None = None, threshold: float = 0.0):
        self.weights = list(weights) if weights else []
        self.threshold = threshold

    def confidence(self, x: list[float]) -> float | None:
        """P(link is right) for evidence ``x``; None without weights."""
        if not self.weights:
            return None
        z = sum(map(operator.mul, self.weights, x))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict:
        return {"features": list(FEATURES), "weights": [round(w, 4) for w in self.weights],
                "threshold": round(self.threshold, 4)}


def load(path: Path = WEIGHTS_FILE) -> Model:
    """The model kept beside this module (an empty one when there is none or it does not fit)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Model()
    if data.get("features") != list(FEATURES):
        return Model()
    return Model(data["weights"], float(data.get("threshold", 0.0)))


MODEL = load()


def use(model: Model) -> Model:
    """Make ``model`` the one links are judged by (the benchmark's folds); returns the one before."""
    global MODEL
    before, MODEL = MODEL, model
    return before


def evidence(how: str, score: float, rival: float, kind: str, signals: list, clauses: int,
             listed: int) -> list[float]:
    """The features of a link made by a reference named ``how`` (weight ``score`` and best rival's
    ``rival`` for title words) to an item of ``kind``, with ``signals``, in a reply of ``clauses``
    clauses, its group naming ``listed`` references."""
    kinds = {s.kind for s in signals}
    if kind == "rectification":
        clash = bool(kinds & _DUTY_KINDS) and "status" not in kinds
    else:
        clash = any("整改" in s.words or "销号" in s.words for s in signals if s.words)
    title = how == "title"
    stated = not kinds.isdisjoint(_STATED)
    return [
        1.0,
        float(how == "code"),
        float(how in ("position", "all", "rest")),
        float(how == "enumeration"),
        float(title),
        min(score, 10.0) / 10.0 if title else 0.0,
        max(-1.0, (score - rival) / score) if title and score > 0 else 0.0,
        float(clash),
        float(stated),
        float(not stated and not kinds.isdisjoint(_HELD)),
        float(clauses > 3),
        float(listed > 1),
    ]


def judge(update, mention, kind: str, signals: list, clauses: int, listed: int, index,
          links: list | None) -> None:
    """Set ``update.confidence`` (and ``sure`` false below the threshold) from the evidence of the
    reference ``mention`` that named its item; ``links``, when given, receives the evidence of the
    link and of each rival the same words named less well (for fitting and --explain)."""
    best_rival = max(score for _, score in mention.rivals) if mention.rivals else 0.0
    x = evidence(mention.how, mention.score, best_rival, kind, signals, clauses, listed)
    p = MODEL.confidence(x)
    if p is not None:
        update.confidence = round(p, 3)
        if p < MODEL.threshold and update.sure:
            update.sure, update.doubt = False, "low_confidence"
    if links is not None:
        links.append({"item": update.item, "x": x, "p": p, "how": mention.how, "score": mention.score,
                      "rival": None, "signals": [s.kind for s in signals]})
        for k, score in mention.rivals:
            rx = evidence("title", score, mention.score, index.kinds[k], signals, clauses, listed)
            links.append({"item": index.ids[k], "x": rx, "p": MODEL.confidence(rx), "how": "title", "score": score,
                          "rival": update.item, "signals": [s.kind for s in signals]})


def fit(examples: list[tuple[list[float], int]], *, steps: int = 400, rate: float = 0.5,
        l2: float = 0.01) -> list[float]:
    """Logistic regression by gradient descent (pure Python; a few hundred examples)."""
    n = len(FEATURES)
    w = [0.0] * n
    if not examples:
        return w
    m = len(examples)
    for _ in range(steps):
        grad = [l2 * wi for wi in w]
        grad[0] = 0.0
        for x, y in examples:
            z = sum(wi * xi for wi, xi in zip(w, x, strict=True))
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            for k in range(n):
                grad[k] += (p - y) * x[k] / m
        w = [wi - rate * g for wi, g in zip(w, grad, strict=True)]
    return w


def pick_threshold(scored: list[tuple[float, int]], max_wrong: float = 0.01) -> float:
    """The lowest confidence at which the links kept (confidence >= it) are wrong at most
    ``max_wrong`` of the time, on the fitting data."""
    ranked = sorted(scored, key=lambda t: -t[0])
    best, wrong = 1.0, 0
    for kept, (p, y) in enumerate(ranked, 1):
        wrong += 1 - y
        last_of_its_value = kept == len(ranked) or ranked[kept][0] != p     # equal confidences go together
        if last_of_its_value and wrong <= max_wrong * kept:
            best = p
    return best
