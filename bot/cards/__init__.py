"""Template cards: one module per occasion a card is sent on, and what every card shares.

* ``keys.py`` — THE registry of what a card's button keys mean: the button's text and the words
  a tap stands for (a tap is recorded as if those words were typed, stored as "[按钮] 已完成");
* ``task_ids.py`` — a card's task_id, built from its push log row (occasion, addressee), and back;
* ``taps.py`` — the rules every tap obeys before it changes anything: the card is the bot's, the
  key is one of its buttons, the tapper is its addressee, it was not tapped before, no newer card
  about the same item came since; and the record of a tap taken (``CardTap``);
* ``deadline.py`` — the deadline reminder about one item (截止提醒): its card and what its item's
  state was when it was sent.

A card's tap is answered by its handler (``handlers/deadline_card.py``), registered before the
fallback ``handlers/card_taps.py`` in ``handlers.ROUTERS``. Read-back, close-off and notice cards
are to come as modules of their own here, their keys in ``keys.py``.
"""
