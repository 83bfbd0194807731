"""Pushes are tested on the three-level organisation (tests.support.org.three_levels), against
the stand-in WeCom, on both engines."""
from __future__ import annotations

import pytest

from bot.wecom import WeComSender
from tests.support.org import SH, Org, three_levels

__all__ = ["Org", "SH"]


@pytest.fixture
def org(bare_engine) -> Org:
    return three_levels(bare_engine)


@pytest.fixture
def engine(bare_engine):
    return bare_engine


@pytest.fixture
async def sender(config):
    s = WeComSender(config.wecom)
    yield s
    await s.aclose()
