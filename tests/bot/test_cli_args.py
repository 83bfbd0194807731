"""bot.cli_args: the command line parsed (in Chinese) and each command it knows done by bot.cli."""
from __future__ import annotations

import argparse

import pytest

from bot.cli import COMMANDS, main
from bot.cli_args import build_parser


def test_every_command_the_parser_knows_has_its_function_and_no_other():
    [sub] = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(sub.choices) == set(COMMANDS)
    args = build_parser().parse_args(["outbox", "--failed", "--since", "2026-11-01"])
    assert (args.command, args.failed, args.since, args.retry) == ("outbox", True, "2026-11-01", False)


def test_argparse_speaks_chinese(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["nope"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：qingdan") and "没有 'nope' 这个选项" in err
