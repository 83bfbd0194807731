"""The fixed moment the in-process tests run at, in the default zone."""
from datetime import datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=TZ)     # a Friday, 10:00 Shanghai
