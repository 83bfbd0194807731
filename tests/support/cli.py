"""``qingdan`` run as an administrator runs it, and what the stand-in WeCom received, by person.

``qingdan(...)`` calls ``bot.cli.main`` in this process: starting a Python process for each command
cost a second or more of the suite's time and tested nothing the call does not. What a process
would give is kept: stdout, stderr and the exit status (``SystemExit`` from argparse included),
the working directory, an environment without the test's QINGDAN_* variables, and no state left
behind — the collector's threshold, argparse's words, the root logger's handlers and level, the
environment, and every database engine the command opened (disposed, as the process's exit closes
them). ``serve`` still runs as a process (a server that started by mistake would never return),
and so do the tests that need one: signals, two processes at once, a pipe closed under them.
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import io
import logging
import os
import subprocess
import sys
import threading
import traceback
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parents[2]
AS_PROCESS = {"serve"}            # commands that run as a process even here (see above)


def qingdan_process(*args: str, config: Path | None = None, env: dict | None = None,
                    timeout: float = 120, cwd: Path = ROOT, stdin: str | None = None) -> subprocess.CompletedProcess:
    """``python -m bot ARGS [--config CONFIG]`` as a process, with no QINGDAN_* variable from the
    test's environment unless ``env`` sets it; its exit status, stdout and stderr."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
    argv = [sys.executable, "-m", "bot", *args] + (["--config", str(config)] if config else [])
    return subprocess.run(argv, capture_output=True, text=True, cwd=cwd, env={**clean, **(env or {})},
                          timeout=timeout, input=stdin)


def qingdan(*args: str, config: Path | None = None, env: dict | None = None,
            timeout: float = 120, cwd: Path = ROOT, stdin: str | None = None) -> subprocess.CompletedProcess:
    """``qingdan ARGS [--config CONFIG]`` with no QINGDAN_* variable from the test's environment
    unless ``env`` sets it, ``stdin`` as its input; its exit status, stdout and stderr
    (``subprocess.TimeoutExpired`` after ``timeout`` seconds)."""
    if args and args[0] in AS_PROCESS:
        return qingdan_process(*args, config=config, env=env, timeout=timeout, cwd=cwd, stdin=stdin)
    from bot.cli import main

    argv = [*args] + (["--config", str(config)] if config else [])
    out, err = io.StringIO(), io.StringIO()
    engines: list[Engine] = []
    status: list[int] = []

    def opened(conn) -> None:                  # noqa: ANN001 - the engines the command connects with
        if threading.current_thread() is command and conn.engine not in engines:
            engines.append(conn.engine)

    # On a thread of its own: an async test's loop is running on this one (asyncio.run would refuse),
    # and a command that never returns fails the test after ``timeout`` instead of hanging the suite.
    command = threading.Thread(target=lambda: status.append(_exit_status(main, argv)), daemon=True,
                               name="qingdan-command")
    with _process_state(env or {}, cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        sys.stdin = io.StringIO(stdin or "")
        event.listen(Engine, "engine_connect", opened)
        try:
            command.start()
            command.join(timeout)
        finally:
            event.remove(Engine, "engine_connect", opened)
            if not command.is_alive():
                for engine in engines:
                    engine.dispose()
    if command.is_alive():
        raise subprocess.TimeoutExpired(["qingdan", *argv], timeout, out.getvalue(), err.getvalue())
    return subprocess.CompletedProcess([sys.executable, "-m", "bot", *argv], status[0], out.getvalue(),
                                       err.getvalue())


def _exit_status(main, argv: list[str]) -> int:
    """What the process's exit status would be: main's return, SystemExit's code, 1 after a traceback."""
    try:
        return main(argv)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    except BaseException:  # noqa: BLE001 - the interpreter prints it and exits 1
        traceback.print_exc()
        return 1


@contextlib.contextmanager
def _process_state(env: dict, cwd: Path):
    """A process's fresh state for the call (environment, directory, stdin, root logger), and what
    the test process had, restored afterwards (with the collector's threshold and argparse)."""
    saved_env, saved_cwd, saved_stdin = dict(os.environ), os.getcwd(), sys.stdin
    saved_gc, saved_argparse = gc.get_threshold(), (argparse._, argparse.ngettext)
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    for key in [k for k in os.environ if k.startswith("QINGDAN_")]:
        del os.environ[key]
    os.environ.update(env)
    os.chdir(cwd)
    root.handlers[:] = []                     # basicConfig installs its own, as in a new process
    root.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for handler in root.handlers:
            if handler not in saved_handlers:
                handler.close()
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        argparse._, argparse.ngettext = saved_argparse
        gc.set_threshold(*saved_gc)
        os.chdir(saved_cwd)
        sys.stdin = saved_stdin
        os.environ.clear()
        os.environ.update(saved_env)


def qingdan_ok(*args: str, config: Path | None = None) -> subprocess.CompletedProcess:
    """``qingdan`` that must succeed (exit status 0)."""
    r = qingdan(*args, config=config)
    assert r.returncode == 0, r.stderr
    return r


def by_person(standin) -> dict[str, list[str]]:
    """account → the texts the stand-in received for them, in order."""
    out: dict[str, list[str]] = {}
    for m in standin.state.sent:
        for account in m.touser:
            out.setdefault(account, []).append(m.content)
    return out
