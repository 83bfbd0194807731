"""Trouble on the way to WeCom as an operator reads it: one Chinese line (``bot.wecom`` raises and
stores these; ``qingdan remind`` and ``outbox`` print them)."""
from __future__ import annotations

# What an operator reads for trouble on the way to WeCom (a send's stored error, ``qingdan remind``
# and ``outbox``): the words of the exception's type and text (requests', aiohttp's, or a row stored
# before this) → one Chinese line. ``QINGDAN_DEBUG=1`` shows the original.
NETWORK_REASONS = (
    (("NameResolution", "Name or service not known", "getaddrinfo", "nodename nor servname",
      "name resolution", "ClientConnectorDNSError"), "无法解析企业微信的域名（请检查网络和 DNS，或 wecom.api_base_url）"),
    (("Timeout", "timed out"), "企业微信在规定时间内没有应答（超时；等待时间见 wecom.timeout）"),
    (("ConnectionError", "ConnectorError", "Connection refused", "Cannot connect", "ConnectionRefused",
      "ServerDisconnected", "ClientOSError", "Connection aborted", "Connection reset"),
     "无法连接企业微信（请检查网络、代理和 wecom.api_base_url）"),
    (("ClientResponseError", "HTTPError", "ContentTypeError", "JSONDecodeError"),
     "企业微信的应答不正常（HTTP 错误或不是 JSON；请检查 wecom.api_base_url）"),
)


def network_reason(text: str) -> str | None:
    """One Chinese line for a connection error, a timeout or a DNS failure named in ``text`` (an
    exception's ``"Type: message"``, or a stored error); None when it is none of these."""
    for words, reason in NETWORK_REASONS:
        if any(w.lower() in (text or "").lower() for w in words):
            return reason
    return None


# gettoken's refusals that name a key of the configuration.
TOKEN_REFUSALS = {40001: "wecom.secret 不对，或不是这个应用的 Secret", 40013: "wecom.corp_id 不对"}


class TokenUnavailable(Exception):
    """No access token after the bounded fetches of one run: ``str()`` is one Chinese line, ``detail``
    the last error as it came (redacted)."""

    def __init__(self, reason: str, detail: str, tries: int):
        super().__init__(f"取不到企业微信的访问令牌（试了{tries}次）：{reason}")
        self.detail, self.tries = detail, tries
