"""Configuration: one TOML file, secrets from the environment win.

The file is found by ``--config PATH``, else ``$QINGDAN_CONFIG``, else ``./config.toml``.
A missing or malformed key stops start-up with one line, Chinese and English, naming the key.
"""
from bot.config.checks import validate
from bot.config.reading import find_config_path, load
from bot.config.sections import (
    DEFAULT_API_BASE_URL,
    DEFAULT_OAUTH_URL,
    DEFAULT_SSO_URL,
    ENV_SECRETS,
    FREQUENCIES,
    PLACEHOLDERS,
    WEEKDAYS_ZH,
    AccountabilityConfig,
    Config,
    ConfigError,
    DatabaseConfig,
    Dates,
    EvidenceConfig,
    MeetingsConfig,
    Names,
    ScheduleConfig,
    ServerConfig,
    StarsConfig,
    StudyDayConfig,
    UnderstandingConfig,
    WebConfig,
    WeComConfig,
    parse_study_day,
)

__all__ = [
    "AccountabilityConfig",
    "Config",
    "ConfigError",
    "DEFAULT_API_BASE_URL",
    "DEFAULT_OAUTH_URL",
    "DEFAULT_SSO_URL",
    "DatabaseConfig",
    "Dates",
    "ENV_SECRETS",
    "EvidenceConfig",
    "FREQUENCIES",
    "MeetingsConfig",
    "Names",
    "PLACEHOLDERS",
    "ScheduleConfig",
    "ServerConfig",
    "StarsConfig",
    "StudyDayConfig",
    "UnderstandingConfig",
    "WEEKDAYS_ZH",
    "WeComConfig",
    "WebConfig",
    "find_config_path",
    "load",
    "parse_study_day",
    "validate",
]
