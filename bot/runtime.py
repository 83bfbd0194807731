"""The running bot: configuration, database, sender, clock and dispatcher, built once."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from bot.config import Config
from bot.router import Dispatcher
from bot.wecom import WeComSender, make_crypto
from handlers import ROUTERS
from models.db import make_engine


@dataclass
class Clock:
    """Now, in the configured zone. The demo moves it forward with ``offset``."""

    tz: ZoneInfo
    offset: timedelta = field(default_factory=timedelta)

    def now(self) -> datetime:
        return datetime.now(self.tz) + self.offset


@dataclass
class Runtime:
    """What every part of the running bot shares: built once per process (serve, demo, tests)."""

    config: Config
    engine: Engine
    sender: WeComSender
    clock: Clock
    dispatcher: Dispatcher

    @classmethod
    def build(cls, config: Config, clock: Clock | None = None) -> Runtime:
        return cls(
            config=config,
            engine=make_engine(config.database.url),
            sender=WeComSender(config.wecom),
            clock=clock or Clock(config.tz),
            dispatcher=Dispatcher(ROUTERS),
        )

    @property
    def tz(self) -> ZoneInfo:
        return self.config.tz

    @cached_property
    def crypto(self):
        """The callback crypto (token, EncodingAESKey, corp ID), built once."""
        return make_crypto(self.config.wecom)

    def close(self) -> None:
        self.sender.close()
        self.engine.dispose()
