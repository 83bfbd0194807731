"""Reading the TOML file into the sections: each key typed as its default is, unknown keys and
sections refused with one line; secrets from the environment win (``ENV_SECRETS``)."""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import is_dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from bot.config.checks import validate
from bot.config.sections import ENV_SECRETS, Config, ConfigError, Dates, Names

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _time(key: str, value: Any) -> time:
    if isinstance(value, time):
        return value
    m = _TIME.match(str(value)) if isinstance(value, str) else None
    if not m:
        raise ConfigError(key, "应为 HH:MM 格式的时间", "must be a time as HH:MM")
    return time(int(m[1]), int(m[2]))


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(key: str, value: Any) -> date:
    """A TOML date or an ISO date string, "2026-10-09"."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    shown = value if isinstance(value, str) else repr(value)
    shown = " ".join(str(shown).split())
    raise ConfigError(key, f"中的“{shown}”不是有效日期（应为 YYYY-MM-DD）",
                      f"has “{shown}”, not a date (YYYY-MM-DD)")


def _typed(key: str, default: Any, value: Any) -> Any:
    """Coerce ``value`` to the type of ``default`` or raise ConfigError naming ``key``."""
    if isinstance(default, time):
        return _time(key, value)
    if isinstance(default, Names):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(key, '应为字符串列表，如 ["第一党支部"]', 'must be a list of strings such as ["第一党支部"]')
        return Names(value)
    if isinstance(default, Dates):
        if not isinstance(value, list):
            raise ConfigError(key, '应为日期列表，如 ["2026-10-09"]', 'must be a list of dates such as ["2026-10-09"]')
        return Dates(_date(key, v) for v in value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(key, "应为 true 或 false", "must be true or false")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(key, "应为整数", "must be an integer")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(key, "应为数字", "must be a number")
        return float(value)
    if isinstance(default, list):
        if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise ConfigError(key, "应为整数列表", "must be a list of integers")
        return value
    if not isinstance(value, str):
        raise ConfigError(key, "应为字符串", "must be a string")
    return value


def _fill(section_name: str, obj: Any, table: Any) -> None:
    if not isinstance(table, dict):
        raise ConfigError(section_name, "应为一个表 [section]", "must be a table [section]")
    for name, value in table.items():
        key = f"{section_name}.{name}"
        if not hasattr(obj, name) or is_dataclass(getattr(obj, name)):
            raise ConfigError(key, "不是已知的配置项", "is not a known key")
        setattr(obj, name, _typed(key, getattr(obj, name), value))


def find_config_path(explicit: str | os.PathLike | None = None) -> Path | None:
    """``--config``, else ``$QINGDAN_CONFIG``, else ``./config.toml`` if it exists."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("QINGDAN_CONFIG")
    if env:
        return Path(env)
    local = Path("config.toml")
    return local if local.exists() else None


def load(path: str | os.PathLike | None = None, *, environ: dict | None = None) -> Config:
    """Read the configuration; with no file at all the defaults stand (SQLite, Asia/Shanghai)."""
    environ = os.environ if environ is None else environ
    cfg = Config()
    found = find_config_path(path)
    if found is not None:
        if not found.exists():
            raise ConfigError(str(found), "配置文件不存在", "config file not found")
        try:
            data = tomllib.loads(found.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(str(found), f"不是合法的 TOML（{exc}）", f"is not valid TOML ({exc})") from None
        sections = {"wecom": cfg.wecom, "database": cfg.database, "server": cfg.server,
                    "schedule": cfg.schedule, "stars": cfg.stars, "understanding": cfg.understanding,
                    "web": cfg.web, "meetings": cfg.meetings, "evidence": cfg.evidence,
                    "accountability": cfg.schedule.accountability, "study_day": cfg.schedule.study_day}
        for name, table in data.items():
            if name not in sections:
                raise ConfigError(name, "不是已知的配置节", "is not a known section")
            _fill(name, sections[name], table)
        cfg.source = found
    for var, (section, key) in ENV_SECRETS.items():
        if environ.get(var):
            setattr(getattr(cfg, section), key, environ[var])
    validate(cfg)
    return cfg
