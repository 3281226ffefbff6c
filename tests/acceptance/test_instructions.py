"""Every command odoosync tells a person to run exists, with the options it is given: each `odoosync …` named in
the source (error instructions, advice, help texts, docstrings) goes through the CLI's own parser.

The strings are read from the source with `ast` (a message made of an f-string or of `+` joins is read whole; an
interpolated value becomes a placeholder), and each mention of `odoosync` is followed word by word through the
command tree: global options, a group's command, then the command's options and as many arguments as it takes.
The mention ends where the words stop being a command line (a comma, a bracket, the end of the line, a word no
argument of the command takes). Placeholders (`<code>`, `ID`, `…`, an interpolated value) become a sample value of
the argument's type. The parser then has the last word: an unknown command or option, or a value of the wrong type
fails the test. A mention that leaves out a required option ("run odoosync connect again") names a command and
options that exist, and passes.
"""

from __future__ import annotations

import ast
import enum
import re
import typing
from dataclasses import dataclass

import pytest
from typer._click import core as click_core
from typer._click import exceptions as click_errors
from typer.core import TyperGroup

from odoosync.cli.app import command_tree
from tests.conftest import ROOT

PLACEHOLDER = "{…}"
MENTION = re.compile(r"(?<![\w./=-])odoosync (?=[\w-])")
# A mention whose first word is no command is prose ("odoosync looks for the record"), unless it is asked for as a
# command ("Run: odoosync retry", "odoosync retry --failed"): then it names a command that does not exist.
ASKED = re.compile(r"\b(?:[Rr]un|with|[Ss]ee|[Tt]ry):\s*$")
WORD = re.compile(r'"[^"\n]*"\S*|\S+')
ENDS_MENTION = ",;:).`'?"
SHELL = {"<", ">", "|", "&&", "||"}


def made_at_run_time(word: str) -> bool:
    """An f-string's value or a str.format field."""
    return PLACEHOLDER in word or re.search(r"\{\w*\}", word) is not None


def is_placeholder(word: str) -> bool:
    return (
        made_at_run_time(word)
        or word in ("…", "...")
        or re.fullmatch(r"<[^>]+>", word) is not None
        or re.fullmatch(r"[A-Z][A-Z0-9_]*", word) is not None
    )


@dataclass(frozen=True)
class Mention:
    where: str
    words: tuple[str, ...]
    asked: bool

    def __str__(self) -> str:
        return f"{self.where}: odoosync {' '.join(self.words)}"


def _words(rest: str) -> tuple[str, ...]:
    """The words after `odoosync`, up to the end of what can be a command line."""
    words: list[str] = []
    for raw in WORD.findall(rest.split("\n", 1)[0]):
        if raw in SHELL or raw.startswith(("(", "[")):
            break
        word = raw.rstrip(ENDS_MENTION)
        unquoted = word[1:-1] if len(word) > 1 and word.startswith('"') and word.endswith('"') else word
        if unquoted:
            words.append(unquoted)
        if word != raw:
            break
    return tuple(words)


def mentions_in(text: str, where: str) -> list[Mention]:
    return [
        Mention(where, words, asked=ASKED.search(text[: match.start()]) is not None)
        for match in MENTION.finditer(text)
        if (words := _words(text[match.end() :]))
    ]


def _text(node: ast.AST) -> str | None:
    """The text of a string expression: a literal, an f-string (its values as placeholders) or a `+` of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else PLACEHOLDER for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left), _text(node.right)
        if left is not None and right is not None:
            return left + right
    return None


def source_mentions() -> list[Mention]:
    found: list[Mention] = []

    def visit(node: ast.AST, where: str) -> None:
        text = _text(node)
        if text is not None:
            found.extend(mentions_in(text, f"{where}:{getattr(node, 'lineno', 0)}"))
            return  # its parts are in it
        for child in ast.iter_child_nodes(node):
            visit(child, where)

    for path in sorted((ROOT / "odoosync").rglob("*.py")):
        if "sandbox" not in path.relative_to(ROOT).parts:  # the emulator of Odoo names no odoosync command
            visit(ast.parse(path.read_text(encoding="utf-8")), str(path.relative_to(ROOT)))
    return found


def _sample(param: click_core.Parameter, word: str) -> str:
    """The word, or for a placeholder a value of the parameter's type."""
    if not is_placeholder(word):
        return word
    annotation: object = param.type_descriptor.annotation  # type: ignore[attr-defined]
    while typing.get_args(annotation):  # list[int], int | None
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return str(next(iter(annotation)).value)
    return "1" if annotation in (int, float) else "sample"


def _command_line(
    command: click_core.Command, ctx: click_core.Context, words: tuple[str, ...]
) -> tuple[list[str], tuple[str, ...]]:
    """The words the command takes (its options with their values, its arguments; placeholders as samples) and
    the words left. Raises UsageError for an option the command does not have."""
    params = command.get_params(ctx)
    arguments = [p for p in params if p.param_type_name == "argument"]
    taken: list[str] = []
    while words:
        word, words = words[0], words[1:]
        if word.startswith("-") and word != "-":
            name = word.split("=", 1)[0]
            if made_at_run_time(name):
                raise click_errors.UsageError(f"the option {word} is made at run time: write it out")
            option = next((p for p in params if name in (*p.opts, *getattr(p, "secondary_opts", ()))), None)
            if option is None:
                raise click_errors.UsageError(f"{ctx.command_path} has no option {name}")
            if name in ctx.help_option_names:
                continue  # it exists; asked for, it would print the help
            taken.append(word)
            flag = getattr(option, "is_flag", False) or getattr(option, "count", False)
            if not flag and "=" not in word and words:
                taken.append(_sample(option, words[0]))
                words = words[1:]
        elif isinstance(command, TyperGroup) or not arguments:
            if made_at_run_time(word) and not isinstance(command, TyperGroup):
                # Where an option would go: an option made at run time, which no test can check.
                raise click_errors.UsageError(f"{word} after {ctx.command_path}'s arguments is made at run time")
            return taken, (word, *words)
        else:
            taken.append(_sample(arguments[0], word))
            if arguments[0].nargs != -1:
                arguments = arguments[1:]
    return taken, words


CLI = command_tree()


def problem_of(mention: Mention) -> str | None:
    """What the parser says of the command line a mention names, or None when it is right."""
    root = CLI
    assert isinstance(root, TyperGroup)
    words = mention.words
    if not (words[0] in root.commands or any(w.startswith("--") for w in words) or mention.asked):
        return None
    command: click_core.Command = root
    name, parent = "odoosync", None
    try:
        while True:
            probe = command.make_context(name, [], parent=parent, resilient_parsing=True)
            taken, words = _command_line(command, probe, words)
            if not isinstance(command, TyperGroup):
                command.make_context(name, taken, parent=parent)
                return None
            if not words:
                return None  # a group: "odoosync queue"
            sub = command.commands.get(words[0])
            if sub is None:
                return f"{probe.command_path} has no command {words[0]!r}"
            parent = command.make_context(name, [*taken, words[0]], parent=parent)
            command, name, words = sub, words[0], words[1:]
    except (click_errors.MissingParameter, click_errors.NoArgsIsHelpError):
        return None  # a command and options that exist; the rest is for the person to fill in
    except click_errors.UsageError as error:
        return error.format_message()


MENTIONS = source_mentions()


def test_the_source_names_many_commands() -> None:
    named = {m.words[0] for m in MENTIONS}
    assert {"connect", "queue", "map", "defaults", "setup", "enable", "--config"} <= named
    assert len(MENTIONS) > 100


@pytest.mark.parametrize("mention", MENTIONS, ids=str)
def test_every_command_named_exists_with_its_options(mention: Mention) -> None:
    assert problem_of(mention) is None, f"{mention}: {problem_of(mention)}"


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("create the file (or run odoosync config set).", "has no command 'set'"),
        ("Run: odoosync queue retry --all", "has no option --all"),
        ("See: odoosync queue show job-seven", "Invalid value for 'JOB'"),
        ("Run: odoosync adopt accept payment C-1 --odoo-id 4", "'payment' is not one of"),
        ("Run: odoosync retry --failed", "has no command 'retry'"),
        ("Run: odoosync sync --batch-size lots", "Invalid value for '--batch-size'"),
        ("Run: odoosync defaults set --{…} …", "made at run time"),
        ('Run: odoosync map set {kind} "{code}" {option} …', "made at run time"),
    ],
)
def test_a_wrong_command_is_caught(text: str, wrong: str) -> None:
    [mention] = mentions_in(text, "example")
    assert wrong in (problem_of(mention) or "")


def test_placeholders_and_prose_pass() -> None:
    text = "\n".join(
        [
            'Run: odoosync map set category "Air conditioning" --account <code>, then odoosync queue retry --failed',
            "Run: odoosync adopt accept {…} {…} --odoo-id ID (one of 3, 4; see odoosync adopt list)",
            "odoosync looks for the record in Odoo before trying again.",
            "Make the file readable by this user, or pipe it: odoosync ingest - < FILE",
            "or run odoosync connect again with --protocol json2.",
            "  odoosync --config {…} queue list",
        ]
    )
    found = mentions_in(text, "example")
    assert [m.words for m in found] == [
        ("map", "set", "category", "Air conditioning", "--account", "<code>"),
        ("queue", "retry", "--failed"),
        ("adopt", "accept", "{…}", "{…}", "--odoo-id", "ID"),
        ("adopt", "list"),
        ("looks", "for", "the", "record", "in", "Odoo", "before", "trying", "again"),
        ("ingest", "-"),
        ("connect", "again", "with", "--protocol", "json2"),
        ("--config", "{…}", "queue", "list"),
    ]
    assert [problem_of(m) for m in found] == [None] * len(found)
