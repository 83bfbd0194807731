"""The accountability ladder's steps, lowest first: ``[accountability] steps`` names some of them,
``models.ladder`` climbs them."""

STEPS = ("提示", "催办", "通报", "约谈")
