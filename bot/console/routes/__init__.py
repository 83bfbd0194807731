"""The console's routes: ``login`` (WeCom OAuth / SSO, logout) and ``pages`` (the pages)."""
