"""The cache of loaded models: hits equal misses, changes invalidate, failures fall back."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import settled

from shapecalc import _cache, api, catalog
from shapecalc.errors import SpecError, UsageError
from shapecalc.modules import Model

NET = "include: _lib.yaml\nparams: [width: 4]\ninput: [$width, 8, 8]\nmodel: Net\n"
LIB = "blocks:\n  Net: {children: {a: ReLU, b: Flatten}}\n"
EDITED = LIB.replace("ReLU", "Tanh")  # as long: only its time tells


def entries(folder: Path) -> list[str]:
    """Return the names of the model entries in the cache folder (results are left out)."""
    return (
        sorted(path.name for path in folder.iterdir() if path.suffix != ".result")
        if folder.exists()
        else []
    )


@pytest.mark.parametrize(
    "name", ["resnet18", "efficientnet_b7", "densenet121", "inception_v3"], ids=str
)
def test_a_hit_equals_a_miss(name: str, cache: Path, builds: list[str]) -> None:
    first = catalog.load(name)
    second = catalog.load(name)
    assert builds == [f"{name}.yaml"]
    assert second == first and api.infer(second) == api.infer(first)
    assert len(entries(cache)) == 1


def test_a_cached_folder_is_private(cache: Path) -> None:
    catalog.load("resnet18")
    assert cache.stat().st_mode & 0o777 == 0o700
    assert all((cache / name).stat().st_mode & 0o777 == 0o600 for name in entries(cache))


def write_net(folder: Path, lib: str = LIB) -> Path:
    net, library = folder / "net.yaml", folder / "_lib.yaml"
    net.write_text(NET, encoding="utf-8")
    library.write_text(lib, encoding="utf-8")
    settled(net, library)
    return net


def types(model: Model) -> list[str]:
    return [row.module.type for row in api.infer(model).rows]


def test_an_edited_include_is_read_again(tmp_path: Path, cache: Path, builds: list[str]) -> None:
    net = write_net(tmp_path)
    assert types(catalog.load(str(net))) == types(catalog.load(str(net)))
    assert len(builds) == 1
    write_net(tmp_path, EDITED)
    edited = catalog.load(str(net))
    assert len(builds) == 2 and "Tanh" in types(edited) and "ReLU" not in types(edited)
    assert catalog.load(str(net)) == edited and len(builds) == 2  # and stored again


def test_a_file_just_changed_is_not_stored(write_spec: Callable[..., Path], cache: Path) -> None:
    catalog.load(str(write_spec("input: [3, 8, 8]\nmodel: ReLU\n")))
    assert entries(cache) == []


def test_set_values_key_separately(tmp_path: Path, cache: Path, builds: list[str]) -> None:
    net = str(write_net(tmp_path))
    given: list[dict[str, object] | None] = [None, {"width": 5}, {"width": "6"}, {"width": 6}]
    for _ in range(2):
        channels = [catalog.load(net, values).input.dims[0] for values in given]
        assert channels == [4, 5, 6, 6]
    assert len(builds) == 4 and len(entries(cache)) == 4


def test_the_name_shown_keys_too(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    net = write_net(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert catalog.load(str(net)).source == str(net)
    assert catalog.load("net.yaml").source == "net.yaml"
    assert catalog.load("./net.yaml").source == "./net.yaml"


def corrupt(entry: Path) -> list[bytes]:
    data = entry.read_bytes()
    magic, key, stats, model = pickle.loads(data)
    return [
        b"",
        b"not a pickle",
        data[: len(data) // 2],
        pickle.dumps((magic, key, stats, {"a": 1})),
        pickle.dumps((magic, key[:-1], stats, model)),
        pickle.dumps(("other", key, stats, model)),
        pickle.dumps((magic, key, stats[1:], model)),
        pickle.dumps([magic, key, stats, model]),
        pickle.dumps(os.system),  # a foreign class is refused, never called
        pickle.dumps((magic, key, stats, model)).replace(
            b"shapecalc.modules", b"shapecalc.modulez"
        ),
    ]


def test_a_bad_entry_is_a_miss(cache: Path, builds: list[str]) -> None:
    fresh = catalog.load("resnet18")
    [name] = entries(cache)
    for number, data in enumerate(corrupt(cache / name)):
        (cache / name).write_bytes(data)
        assert catalog.load("resnet18") == fresh
        assert len(builds) == number + 2  # read again
    assert catalog.load("resnet18") == fresh and len(builds) == len(corrupt(cache / name)) + 1


def test_a_symlinked_folder_is_not_used(tmp_path: Path, cache: Path, builds: list[str]) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    cache.symlink_to(real)
    catalog.load("resnet18")
    catalog.load("resnet18")
    assert entries(real) == [] and len(builds) == 2


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o722], ids=oct)
def test_a_shared_folder_is_not_used(cache: Path, builds: list[str], mode: int) -> None:
    cache.mkdir()
    cache.chmod(mode)
    catalog.load("resnet18")
    catalog.load("resnet18")
    assert entries(cache) == [] and len(builds) == 2


def test_a_symlinked_entry_is_not_followed(tmp_path: Path, cache: Path) -> None:
    catalog.load("resnet18")
    [name] = entries(cache)
    target = tmp_path / "elsewhere"
    (cache / name).rename(target)
    (cache / name).symlink_to(target)
    assert catalog.load("resnet18") == catalog._load_spec(
        catalog.locate("resnet18")[0], "resnet18.yaml", None
    )
    assert not (cache / name).is_symlink()  # replaced by an entry of its own
    assert target.read_bytes() == (cache / name).read_bytes()


@pytest.mark.parametrize("value", ["1", "yes"], ids=str)
def test_no_cache_turns_it_off(
    cache: Path, builds: list[str], monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SHAPECALC_NO_CACHE", value)
    catalog.load("resnet18")
    catalog.load("resnet18")
    assert not cache.exists() and len(builds) == 2


@pytest.mark.parametrize(
    ("env", "folder"),
    [
        pytest.param({"SHAPECALC_CACHE_DIR": "/c"}, "/c", id="own"),
        pytest.param({"XDG_CACHE_HOME": "/x"}, "/x/shapecalc", id="xdg"),
        pytest.param({"XDG_CACHE_HOME": "x"}, "/h/.cache/shapecalc", id="relative-xdg"),
        pytest.param({}, "/h/.cache/shapecalc", id="home"),
    ],
)
def test_where_the_cache_lives(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], folder: str
) -> None:
    for name in ("SHAPECALC_NO_CACHE", "SHAPECALC_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", "/h")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert _cache.where() == folder


@pytest.mark.parametrize(
    ("text", "values", "error"),
    [
        pytest.param("input: [3, 8, 8]\nmodel: Nope\n", None, SpecError, id="spec"),
        pytest.param(NET, {"depth": 2}, UsageError, id="set"),
    ],
)
def test_an_error_is_never_cached(
    tmp_path: Path, cache: Path, text: str, values: dict[str, object], error: type[Exception]
) -> None:
    write_net(tmp_path)
    net = tmp_path / "net.yaml"
    net.write_text(text, encoding="utf-8")
    settled(net)
    raised = []
    for _ in range(2):
        with pytest.raises(error) as caught:
            catalog.load(str(net), values)
        raised.append(str(caught.value))
    assert raised[0] == raised[1] and entries(cache) == []


def test_the_oldest_entries_go(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_cache, "MAX_ENTRIES", 2)
    for name in ("resnet18", "resnet34", "alexnet"):
        catalog.load(name)
        time.sleep(0.01)
    assert len(entries(cache)) == 2


def test_a_huge_entry_is_not_stored(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_cache, "MAX_ENTRY_BYTES", 1_000)
    catalog.load("resnet18")
    assert not cache.exists() or entries(cache) == []


def test_a_hit_imports_no_yaml(cache: Path) -> None:
    code = (
        "import sys\n"
        "from shapecalc.cli import main\n"
        "try:\n"
        "    main(['efficientnet_b7', '--format', 'json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('yaml', 'shapecalc.spec.build') if m in sys.modules),"
        " file=sys.stderr)\n"
    )
    imported = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        imported.append(done.stderr.strip().splitlines()[-1])
    assert imported == ["['shapecalc.spec.build', 'yaml']", "[]"]


def test_links_to_one_spec_in_two_folders_are_two_models(
    tmp_path: Path, cache: Path, builds: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "real").mkdir()
    real = write_net(tmp_path / "real")
    for folder, lib in (("a", LIB), ("b", EDITED)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "net.yaml").symlink_to(real)
        (tmp_path / folder / "_lib.yaml").write_text(lib, encoding="utf-8")
        settled(tmp_path / folder / "_lib.yaml")
    for folder in "abab":  # each is "net.yaml", in a folder of its own includes
        monkeypatch.chdir(tmp_path / folder)
        assert ("ReLU" if folder == "a" else "Tanh") in types(catalog.load("net.yaml"))
    assert len(builds) == 2


def test_a_link_to_another_spec_is_read_again(tmp_path: Path, cache: Path) -> None:
    net = write_net(tmp_path)
    other = tmp_path / "other.yaml"
    other.write_text(NET.replace("model: Net", "model: Flatten"), encoding="utf-8")
    settled(other)
    link = tmp_path / "link.yaml"
    link.symlink_to(net)
    assert "ReLU" in types(catalog.load(str(link)))
    link.unlink()
    link.symlink_to(other)
    assert catalog.load(str(link)).root.type == "Flatten"
