"""Shell completion through click's environment variables, and bash's script run for real."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_streams import COMMAND, environment

from shapecalc import catalog
from shapecalc.cli._base import SUBCOMMANDS

SCRIPT = Path(sys.executable).parent / "shapecalc"  # what the shell script runs, by path
RESNETS = ["resnet101", "resnet152", "resnet18", "resnet34", "resnet50"]


def complete(words: str, cword: str | int, shell: str = "bash", cwd: Path | None = None) -> str:
    """Return the command's answer to a Tab: `words` typed, the cursor in word `cword`."""
    done = subprocess.run(
        COMMAND,
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
        env=environment(
            COMP_WORDS=words, COMP_CWORD=str(cword), _SHAPECALC_COMPLETE=f"{shell}_complete"
        ),
    )
    assert done.stderr == ""
    return done.stdout


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("shapecalc resnet", 1, [*(f"plain,{name}" for name in RESNETS), "file,resnet"]),
        (
            "shapecalc ",
            1,
            [*(f"plain,{name}" for name in [*SUBCOMMANDS, *catalog.builtin_names()]), "file,"],
        ),
        ("shapecalc ./sp", 1, ["file,./sp"]),
        ("shapecalc ~/m", 1, ["file,~/m"]),
        ("shapecalc resnet18 --dtype float1", 3, ["plain,float16"]),
        ("shapecalc resnet18 -f c", 3, ["plain,csv"]),
        ("shapecalc resnet18 --view ", 3, ["plain,table", "plain,tree", "plain,graph"]),
        ("shapecalc resnet18 -c layer,ou", 3, ["plain,layer,output"]),
        (
            "shapecalc resnet18 --columns = layer,pa",  # as bash splits --columns=layer,pa
            4,
            ["plain,layer,path", "plain,layer,padding", "plain,layer,params"],
        ),
        ("shapecalc resnet18 -c layer,output,l", 3, []),  # given already
        ("shapecalc resnet18 -o r", 3, ["file,r"]),
        ("shapecalc resnet18 extra", 2, ["file,extra"]),  # nothing else fits: files
        (
            "shapecalc --format = json resnet1",
            4,
            ["plain,resnet101", "plain,resnet152", "plain,resnet18", "file,resnet1"],
        ),
    ],
    ids=[
        "model-prefix",
        "all-models",
        "path",
        "home",
        "dtype",
        "format",
        "view",
        "columns",
        "columns-equals",
        "columns-given",
        "output",
        "fallback",
        "after-equals",
    ],
)
def test_bash(words: str, cword: int, expected: list[str]) -> None:
    assert complete(words, cword).split() == expected


def test_options_are_offered_new_ones_too() -> None:
    answer = complete("shapecalc resnet18 --", 2).splitlines()
    assert {"plain,--no-pager", "plain,--watch", "plain,--columns"} <= set(answer)


@pytest.mark.parametrize(
    ("shell", "words", "cword", "expected"),
    [
        (
            "zsh",
            "shapecalc resnet1",
            1,
            "plain\nresnet18\nResNet-18 (torchvision), basic blocks [2, 2, 2, 2]\n",
        ),
        ("zsh", "shapecalc resnet18 --columns=layer,ou", 2, "plain\n--columns=layer,output\n_\n"),
        ("zsh", "shapecalc resnet18 --format=j", 2, "plain\n--format=json\n_\n"),
        ("zsh", "shapecalc ./sp", 1, "file\n./sp\n_\n"),
        (
            "fish",
            "shapecalc resnet1",
            "resnet1",
            "plain,resnet18\tResNet-18 (torchvision), basic blocks [2, 2, 2, 2]\n",
        ),
        (
            "fish",
            "shapecalc resnet18 --columns=layer,ou",
            "--columns=layer,ou",
            "plain,--columns=layer,output\n",
        ),
    ],
    ids=[
        "zsh-help",
        "zsh-columns",
        "zsh-format",
        "zsh-path",
        "fish-help",
        "fish-columns",
    ],
)
def test_zsh_and_fish(shell: str, words: str, cword: str | int, expected: str) -> None:
    assert expected in complete(words, cword, shell)


@pytest.mark.parametrize(
    ("shell", "seen"),
    [
        ("bash", "compopt -o default"),
        ("zsh", "compdef _shapecalc_completion shapecalc"),
        ("fish", 'string split -m 1 ","'),
    ],
)
def test_each_shell_has_a_script(shell: str, seen: str) -> None:
    env = environment(_SHAPECALC_COMPLETE=f"{shell}_source")
    done = subprocess.run(COMMAND, capture_output=True, text=True, check=True, env=env)
    flag = subprocess.run(
        [*COMMAND, "--completion", shell], capture_output=True, text=True, check=True
    )
    assert seen in done.stdout
    assert flag.stdout == done.stdout


BASH_TAB = """\
eval "$(_SHAPECALC_COMPLETE=bash_source shapecalc)"
COMP_WORDS=({words}); COMP_CWORD={cword}
_shapecalc_completion {script} 2>/dev/null  # compopt says it runs outside a completion
printf '%s\\n' "${{COMPREPLY[@]}}"
"""


@pytest.mark.skipif(shutil.which("bash") is None or not SCRIPT.exists(), reason="bash")
@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        (
            "shapecalc resnet1",
            1,
            ["resnet101", "resnet152", "resnet18", "resnet1_mine.yaml", "resnet1_runs"],
        ),
        ("shapecalc resnet18 -o resnet1", 3, []),  # no names: bash's own completion
        ("shapecalc ./resnet1", 1, []),
    ],
    ids=["names-and-files", "files-alone", "path"],
)
def test_bash_script_offers_names_and_files_together(
    tmp_path: Path, words: str, cword: int, expected: list[str]
) -> None:
    (tmp_path / "resnet1_mine.yaml").write_text("")
    (tmp_path / "resnet1_runs").mkdir()
    code = BASH_TAB.format(words=words, cword=cword, script=SCRIPT)
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=environment(PATH=f"{SCRIPT.parent}:/usr/bin:/bin"),
    )
    assert sorted(done.stdout.split()) == sorted(expected)
