"""Every flag's help gives its default: they differ between commands (batch size 10 for
train, 32 for lr-range and imbalance; workers 1, 2 or every core), and most were unsaid."""

import argparse

import hplab


def _parsers(parser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def test_every_flag_with_a_default_says_it_in_its_help():
    unsaid, checked = [], 0
    for parser in _parsers(hplab.build_parser()):
        for action in parser._actions:
            if not action.option_strings or any(
                    action.default is v for v in (None, False, argparse.SUPPRESS)):
                continue
            checked += 1
            if "default" not in (action.help or ""):
                unsaid.append(f"{parser.prog} {action.option_strings[0]}")
    assert checked > 80 and unsaid == []
    help_text = hplab.build_parser()._subparsers._group_actions[0].choices["train"].format_help()
    assert "(default 10)" in help_text and "--seed SEED           (default 0)" in help_text
