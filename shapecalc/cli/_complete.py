"""Shell completion: built-in model names and spec files, formats, column names, files.

click runs it when _SHAPECALC_COMPLETE is set (see click's shell completion): each Tab
starts the command, so it reads no spec, only the folder of built-in specs and their
index. Whatever else a word could be, the shell's own file completion is offered too:
with completion installed, `shapecalc ./sp<Tab>` completes as it would without.

Each shell's script or answers differ from click's in one thing: in bash, a word that may
be a model name or a file gets both, where click's would have the files replace the names,
and `--columns=a,b` is read whole; in zsh, `--columns=` is kept in front of the value it
completes; in fish, a value or description with a comma is kept whole.
"""

from __future__ import annotations

import os
from typing import Any

import click
from click.shell_completion import (
    BashComplete,
    CompletionItem,
    FishComplete,
    ShellComplete,
    ZshComplete,
    add_completion_class,
    get_completion_class,
)

from shapecalc import catalog
from shapecalc._streams import one_line
from shapecalc.formats.columns import Column

# click's script (8.1 to 8.5) but for the `file` and `dir` lines: their candidates are
# added to the names already found, and where nothing else is, bash's own completion runs.
BASH_SCRIPT = """\
%(complete_func)s() {
    local IFS=$'\\n'
    local response
    local files=''

    response=$(env COMP_WORDS="${COMP_WORDS[*]}" COMP_CWORD=$COMP_CWORD \\
%(complete_var)s=bash_complete $1)

    for completion in $response; do
        IFS=',' read type value <<< "$completion"

        if [[ $type == 'dir' ]]; then
            files='-d'
        elif [[ $type == 'file' ]]; then
            files='-f'
        elif [[ $type == 'plain' ]]; then
            COMPREPLY+=($value)
        fi
    done

    if [[ -n $files && ${#COMPREPLY[@]} -eq 0 ]]; then
        if [[ $files == '-d' ]]; then compopt -o dirnames; else compopt -o default; fi
    elif [[ -n $files ]]; then
        compopt -o filenames
        COMPREPLY+=($(compgen $files -- "${COMP_WORDS[COMP_CWORD]}"))
    fi

    return 0
}

%(complete_func)s_setup() {
    complete -o nosort -F %(complete_func)s %(prog_name)s
}

%(complete_func)s_setup;
"""


# click's script but for the split of each line at its first comma only: a value such as
# `layer,output` and a description such as "ResNet-18 (torchvision), basic blocks" have more.
FISH_SCRIPT = """\
function %(complete_func)s;
    set -l response (env %(complete_var)s=fish_complete COMP_WORDS=(commandline -cp) \
COMP_CWORD=(commandline -t) %(prog_name)s);

    for completion in $response;
        set -l metadata (string split -m 1 "," $completion);

        if test $metadata[1] = "dir";
            __fish_complete_directories $metadata[2];
        else if test $metadata[1] = "file";
            __fish_complete_path $metadata[2];
        else if test $metadata[1] = "plain";
            echo $metadata[2];
        end;
    end;
end;

complete --no-files --command %(prog_name)s --arguments \
"(%(complete_func)s)";
"""


class Bash(BashComplete):
    """Bash completion that offers model names and files together."""

    source_template = BASH_SCRIPT

    def get_completion_args(self) -> tuple[list[str], str]:
        """Return the words before the cursor and the word at it, `--columns=a,b` whole.

        bash splits a word at `=` (COMP_WORDBREAKS): `--columns=a,b` reaches here as
        `--columns`, `=`, `a,b`, which click would read as the option's value `=`.
        """
        args, incomplete = super().get_completion_args()
        joined: list[str] = []
        glue = False
        for word in args:
            if word == "=" and joined:
                joined[-1] += word
                glue = True
            elif glue:
                joined[-1] += word
                glue = False
            else:
                joined.append(word)
        if glue:  # the word at the cursor is the value: `--columns=` and `a,b`
            return joined[:-1], joined[-1] + incomplete
        return joined, incomplete


class _Joined(ShellComplete):
    """Completion for a shell that takes `--columns=a,b` as one word, and wants it back so.

    zsh and fish replace, or filter by, the whole word: a value alone would lose its option.
    """

    option = ""  # `--columns=` where the word at the cursor starts so, else empty

    def get_completion_args(self) -> tuple[list[str], str]:
        """Return the words before the cursor and the word at it, noting an `--option=`."""
        args, incomplete = super().get_completion_args()
        if incomplete.startswith("-") and "=" in incomplete:
            self.option = incomplete.partition("=")[0] + "="
        return args, incomplete

    def format_completion(self, item: CompletionItem) -> str:
        """Return `item` as the script reads it, after its `--option=`."""
        if self.option and item.type == "plain":
            item = CompletionItem(self.option + item.value, help=item.help)
        return super().format_completion(item)


class Zsh(_Joined, ZshComplete):
    """Zsh completion that keeps the `--columns=` of a value given in the same word."""


class Fish(_Joined, FishComplete):
    """Fish completion that keeps `--columns=`, and the commas of values and descriptions."""

    source_template = FISH_SCRIPT


add_completion_class(Bash, "bash")
add_completion_class(Fish, "fish")
add_completion_class(Zsh, "zsh")


def script(command: click.Command, shell: str) -> str:
    """Return the script that sets up `shell`'s completion of `command`."""
    name = command.name or "shapecalc"
    variable = f"_{name.upper()}_COMPLETE"
    completion = get_completion_class(shell)
    assert completion is not None  # one of the three registered here
    return completion(command, {}, name, variable).source()


def models(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Complete MODEL: the built-in names and subcommands it starts, and files."""
    files = CompletionItem(incomplete, type="file")
    if _looks_like_path(incomplete):
        return [files]
    from shapecalc.cli._base import SUBCOMMANDS

    about = _descriptions()
    names = [*SUBCOMMANDS, *catalog.builtin_names()]
    return [
        CompletionItem(name, help=about.get(name)) for name in names if name.startswith(incomplete)
    ] + [files]


def columns(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Complete --columns: the names after the last comma, less those already given."""
    given, comma, last = incomplete.rpartition(",")
    taken = set(given.split(","))
    return [
        CompletionItem(f"{given}{comma}{column.value}")
        for column in Column
        if column.value.startswith(last) and column.value not in taken
    ]


def files(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Complete a file name, as the shell would."""
    return [CompletionItem(incomplete, type="file")]


def fallback(items: list[CompletionItem], incomplete: str) -> list[CompletionItem]:
    """Return `items`, or the shell's file completion where there are none."""
    return items or [CompletionItem(incomplete, type="file")]


def _looks_like_path(word: str) -> bool:
    return word.startswith((".", "~", "$")) or os.sep in word or "/" in word


def _descriptions() -> dict[str, str]:
    """Return each built-in model's description, from the index, as far as it is there."""
    import json

    try:
        path = os.path.join(catalog.builtin_dir(), "index.json")  # formats.models.INDEX
        with open(path, encoding="utf-8") as file:
            index: Any = json.load(file)
        return {entry["model"]: one_line(entry["description"]) for entry in index["models"]}
    except (OSError, ValueError, KeyError, TypeError):  # missing or mangled: names alone
        return {}
