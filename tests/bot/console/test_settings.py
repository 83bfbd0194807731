"""The console's settings ([web], [wecom] oauth_url / sso_url) and its cookie key: checked on
load with one line naming the key; the key derived by HKDF, so a cookie sealed under one secret
is nothing under another."""
from __future__ import annotations

import pytest
from aiohttp.test_utils import make_mocked_request

from bot import config
from bot.console.session import SESSION_COOKIE, Cookies, cookie_key


def _load(tmp_path, text: str, environ: dict | None = None):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return config.load(path, environ=environ or {})


@pytest.mark.parametrize(("text", "key"), [
    ('[web]\nbase_url = "qingdan.example.gov.cn"', "web.base_url"),
    ('[web]\nsession_secret = "short"', "web.session_secret"),
    ('[web]\nsession_hours = 0', "web.session_hours"),
    ('[web]\nlogin_failures = 0', "web.login_failures"),
    ('[wecom]\noauth_url = "open.weixin.qq.com"', "wecom.oauth_url"),
    ('[wecom]\nsso_url = "login.work.weixin.qq.com"', "wecom.sso_url"),
])
def test_a_wrong_console_setting_stops_start_up_naming_it(tmp_path, text, key):
    with pytest.raises(config.ConfigError) as err:
        _load(tmp_path, text)
    assert err.value.key == key


def test_the_console_settings_load_and_the_secret_comes_from_the_environment(tmp_path):
    cfg = _load(tmp_path, '[web]\nbase_url = "https://qingdan.example.gov.cn/"\nsession_hours = 2',
                {"QINGDAN_WEB_SESSION_SECRET": "s" * 32})
    assert cfg.web.base_url == "https://qingdan.example.gov.cn" and cfg.web.secure
    assert (cfg.web.session_hours, cfg.web.session_secret) == (2, "s" * 32)
    assert cfg.wecom.oauth_url == config.DEFAULT_OAUTH_URL and cfg.wecom.sso_url == config.DEFAULT_SSO_URL


def _cookies(cfg) -> Cookies:
    return Cookies(cookie_key(cfg), False, 3600, lambda: 1_800_000_000)


def test_a_cookie_sealed_under_one_secret_is_nothing_under_another():
    derived = config.Config()
    derived.wecom.secret, derived.wecom.corp_id = "app-secret", "wwone"
    own = config.Config()
    own.wecom.secret, own.wecom.corp_id, own.web.session_secret = "app-secret", "wwone", "k" * 32
    from aiohttp import web

    response = web.Response()
    _cookies(derived).start_session(response, "wangfang")
    sealed = response.cookies[SESSION_COOKIE].value
    assert b"app-secret" not in sealed.encode() and "wangfang" not in sealed
    request = make_mocked_request("GET", "/console/", headers={"Cookie": f"{SESSION_COOKIE}={sealed}"})
    assert _cookies(derived).session(request).account == "wangfang"
    assert _cookies(own).session(request) is None
    with pytest.raises(config.ConfigError):
        cookie_key(config.Config())
