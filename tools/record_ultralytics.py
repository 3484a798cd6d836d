"""Record what Ultralytics itself builds and reports for its YOLO models, as test data.

Run where torch and ultralytics are installed (never a dependency of shapecalc), offline, as
no weights are needed (every model is built from its YAML):

    YOLO_OFFLINE=1 /tmp/tv/bin/python tools/record_ultralytics.py [NAME ...]

For each model named (else every one: `--list` lists them), it writes
tests/data/ultralytics/NAME.json for a built-in (yolov8 and yolo11, scales n s m l x, tasks
detect, -seg, -cls, -pose and -obb: `yolov8n`, `yolo11s-seg`, ...), built as
`YOLO("NAME.yaml")` builds it, or tests/data/ultralytics/custom/NAME.json for one of the
hand-written YAMLs in examples/yolo/ (`yolov8n-neck`, `yolov8n-p2`). Each file holds:

- `config`: the YAML file Ultralytics read, the scale and task it took from the name, nc,
  kpt_shape, and the detection head's `legacy` flag (YOLOv8's head, not YOLO11's);
- `published`: what that YAML's comment for the scale states (layers, parameters,
  gradients, GFLOPs; GFLOPs as printed too);
- `info`: what Ultralytics reports, `model_info()`'s (layers, parameters, gradients, GFLOPs)
  at imgsz 640 (and 224 for classifiers), for the model and for a fused copy;
- `stride`, `save`, and every module's path, type and parameters as `named_modules()` lists
  them (Ultralytics' Convs share one activation module, listed once);
- `sizes`: at 640x640, 416x736, 641x641, 97x131 (and 224x224 for classifiers), each module's
  output shape at its first run and its MACs (FlopCounterMode's count ÷ 2 between its
  forward pre-hook and hook, its children and its own forward's work included), the model's
  output shape and its total MACs; or, where the forward raised, the leaf running, the
  exception and its message.

examples/yolo/yolov8n-broken.yaml and yolov8n-badindex.yaml cannot be built: for those the
file records the exception Ultralytics raises while building, and at which layer.

    YOLO_OFFLINE=1 /tmp/tv/bin/python tools/record_ultralytics.py --check [NAME ...]

checks instead (writing nothing) that this script builds what `YOLO("NAME.yaml")` builds,
and whether a forward pass on the meta device matches the CPU's. For detection heads it does
not (hence the CPU): Ultralytics' `_apply` moves Detect's stride to the meta device too, and
making anchors afresh calls `.item()` on it; and torch.cat's message differs there.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import re
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch
import ultralytics  # type: ignore[import-not-found]
from record_torch import first_tensor  # beside this script
from torch import nn
from torch.utils.flop_counter import FlopCounterMode
from ultralytics import YOLO
from ultralytics.nn.modules import Detect  # type: ignore[import-not-found]
from ultralytics.nn.tasks import (  # type: ignore[import-not-found]
    ClassificationModel,
    DetectionModel,
    OBBModel,
    PoseModel,
    SegmentationModel,
    guess_model_task,
    yaml_model_load,
)
from ultralytics.utils import LOGGER  # type: ignore[import-not-found]
from ultralytics.utils.checks import check_yaml  # type: ignore[import-not-found]
from ultralytics.utils.torch_utils import model_info  # type: ignore[import-not-found]

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "tests" / "data" / "ultralytics"
EXAMPLES = ROOT / "examples" / "yolo"

BUILT_IN = [
    f"{version}{scale}{task}"
    for version in ("yolov8", "yolo11")
    for task in ("", "-seg", "-cls", "-pose", "-obb")
    for scale in "nsmlx"
]
CUSTOM = ["yolov8n-neck", "yolov8n-p2", "yolov8n-relu"]
BROKEN = ["yolov8n-broken", "yolov8n-badindex", "yolo11n-psa"]
MODELS = {
    "detect": DetectionModel,
    "segment": SegmentationModel,
    "classify": ClassificationModel,
    "pose": PoseModel,
    "obb": OBBModel,
}
# (H, W): the default size, a non-square one valid for stride 32, one that is not (the
# detection models' Concats fail), and a small odd one; 224×224 for classifiers too.
SIZES = [(640, 640), (416, 736), (641, 641), (97, 131)]
CLASSIFY_SIZE = (224, 224)
FIGURES = ("layers", "parameters", "gradients", "gflops")


def versions() -> dict[str, str]:
    return {
        "torch": torch.__version__,
        "ultralytics": ultralytics.__version__,
        "python": sys.version.split()[0],
        "script": "tools/record_ultralytics.py",
    }


def yaml_name(name: str) -> str:
    """Return what to give Ultralytics for `name`: NAME.yaml, or a custom YAML's path."""
    path = EXAMPLES / f"{name}.yaml"
    return str(path.relative_to(ROOT)) if name in CUSTOM + BROKEN else path.name


def config_file(given: str) -> Path:
    """Return the YAML file Ultralytics reads for `given`, found as yaml_model_load finds it:
    the file itself, else the unified one without the scale (yolov8n.yaml → yolov8.yaml)."""
    unified = re.sub(r"(\d+)([nslmx])(.+)?$", r"\1\3", given)
    found = Path(check_yaml(given, hard=False) or check_yaml(unified))
    assert "/" not in given or found.resolve() == (ROOT / given).resolve(), (given, found)
    return found


def build(given: str) -> nn.Module:
    """Build the model as `YOLO(given)` does (its `_new`), in eval mode."""
    cfg = yaml_model_load(given)
    task = guess_model_task(cfg)
    with quiet():  # ClassificationModel logs its summary even when not verbose
        model = MODELS[task](cfg, ch=3, verbose=False).eval()
    model.task = task
    return model


def published(text: str, scale: str) -> dict[str, Any]:
    """Return the figures the YAML's comment on its `scale` line states, as numbers (and
    GFLOPs as printed); nothing for a scale without a comment."""
    line = re.search(rf"^\s+{scale}:\s*\[[^\]]*\]\s*#\s*(.*)$", text, re.MULTILINE)
    if not line:
        return {}
    comment = line.group(1).strip()
    found: dict[str, Any] = {"comment": comment}
    for key in FIGURES[:3]:
        number = re.search(rf"([\d,]+) {key}", comment)
        if number:
            found[key] = int(number.group(1).replace(",", ""))
    gflops = re.search(r"([\d.]+) GFLOPs", comment, re.IGNORECASE)
    if gflops:
        found["gflops"] = float(gflops.group(1))
        found["gflops_text"] = gflops.group(1)
    return found


@contextmanager
def quiet() -> Iterator[None]:
    """Silence Ultralytics' logger (model_info prints its summary line)."""
    level = LOGGER.level
    LOGGER.setLevel(logging.ERROR)
    try:
        yield
    finally:
        LOGGER.setLevel(level)


def reported(model: nn.Module, imgsz: int) -> dict[str, Any]:
    """Return model_info's (layers, parameters, gradients, GFLOPs) at `imgsz`, unrounded.

    model_info returns nothing when verbose=False, so it runs verbose with its log silenced.
    """
    with quiet():
        figures = model_info(model, detailed=False, verbose=True, imgsz=imgsz)
    return dict(zip(FIGURES, figures, strict=True))


def info(model: nn.Module, sizes: list[int]) -> dict[str, Any]:
    """What Ultralytics reports for the model, and for a fused copy, at each of `sizes`."""
    found: dict[str, Any] = {str(size): reported(model, size) for size in sizes}
    try:
        fused = copy.deepcopy(model).fuse(verbose=False)
    except Exception as error:
        found["fused"] = {"error": f"{type(error).__name__}: {first_line(error)}"}
    else:
        found["fused"] = {str(size): reported(fused, size) for size in sizes}
    return found


def first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else ""


def run(model: nn.Module, size: tuple[int, int], device: str = "cpu") -> dict[str, Any]:
    """Run the model on a 3×size input of zeros; return each module's output shape (no batch)
    and MACs at its first run, the model's output shape and total MACs; or, if the forward
    raised, the last leaf that started, the exception, and whether that leaf was still
    running (`in_leaf`: False when the error came from forward() code after it).

    A module's MACs are FlopCounterMode's count ÷ 2 between its forward pre-hook and hook:
    its children's and its own forward's work (an attention's matmuls) included. A module
    that never runs (a ModuleList) has neither shape nor MACs (None).
    """
    modules = [(path, module) for path, module in model.named_modules() if path]
    leaves = {path for path, module in modules if not list(module.children())}
    counter = FlopCounterMode(display=False)
    started: dict[str, int] = {}
    shapes: dict[str, list[int]] = {}
    macs: dict[str, int] = {}
    running: list[str] = []
    finished: set[str] = set()

    def enter(path: str) -> Any:
        def note(_module: nn.Module, _inputs: Any) -> None:
            if path in leaves:
                running.append(path)
            if path not in started:
                started[path] = counter.get_total_flops()

        return note

    def leave(path: str) -> Any:
        def record(_module: nn.Module, _inputs: Any, out: Any) -> None:
            finished.add(path)
            if path not in shapes:
                shapes[path] = list(first_tensor(out).shape[1:])
                macs[path] = half(counter.get_total_flops() - started[path])

        return record

    handles = [module.register_forward_pre_hook(enter(path)) for path, module in modules]
    handles += [module.register_forward_hook(leave(path)) for path, module in modules]
    try:
        with torch.no_grad(), counter:
            out = model(torch.zeros(1, 3, *size, device=device))
    except Exception as error:
        path = running[-1]
        return {
            "path": path,
            "error": first_line(error),
            "type": type(error).__name__,
            "in_leaf": path not in finished,
        }
    finally:
        for handle in handles:
            handle.remove()
    return {
        "shapes": [shapes.get(path) for path, _ in modules],
        "macs": [macs.get(path) for path, _ in modules],
        "output": list(first_tensor(out).shape[1:]),
        "total_macs": half(counter.get_total_flops()),
    }


def half(flops: int) -> int:
    """Return FlopCounterMode's count as MACs (every op it counts is 2 per multiply-add)."""
    assert flops % 2 == 0, flops
    return int(flops // 2)


def head_flags(model: nn.Module) -> dict[str, Any]:
    """The detection head's flags that change what it builds or returns."""
    head = model.model[-1]
    if not isinstance(head, Detect):
        return {}
    return {"legacy": head.legacy, "end2end": head.end2end, "export": head.export}


def record(name: str) -> dict[str, Any]:
    """Everything about model `name`: what it reads, publishes, reports, holds and does."""
    given = yaml_name(name)
    cfg = yaml_model_load(given)
    source = config_file(given)
    model = build(given)
    flags = head_flags(model)  # right away: parse_model sets `legacy` on the class
    classify = model.task == "classify"
    modules = list(model.named_modules())[1:]
    recorded = {
        "recorded_with": versions(),
        "config": {
            "file": given if name in CUSTOM else source.name,
            "scale": cfg["scale"],
            "task": model.task,
            "nc": model.yaml["nc"],
            **({"kpt_shape": model.yaml["kpt_shape"]} if "kpt_shape" in model.yaml else {}),
            **{key: value for key, value in flags.items() if key != "export"},
        },
        "published": published(source.read_text(encoding="utf-8"), cfg["scale"]),
        "info": info(model, [640, 224] if classify else [640]),
        "stride": model.stride.tolist(),
        "save": model.save,
        "paths": [path for path, _ in modules],
        "types": [type(module).__name__ for _, module in modules],
        "params": [sum(p.numel() for p in module.parameters()) for _, module in modules],
        "total_params": sum(p.numel() for p in model.parameters()),
    }
    assert not model.training and not head_flags(model).get("export"), name
    sizes = [*SIZES, CLASSIFY_SIZE] if classify else SIZES
    recorded["sizes"] = {f"{h}x{w}": run(model, (h, w)) for h, w in sizes}
    return recorded


def build_error(name: str) -> dict[str, Any]:
    """Build model `name`, which fails: return the exception, its message's first line, and
    the layer it came from (the layer parse_model was making, or the top-level layer whose
    forward was running) with that layer's `from` and module."""
    given = yaml_name(name)
    cfg = yaml_model_load(given)
    layers: list[nn.Module] = []

    def note(module: nn.Module, _inputs: Any) -> None:
        if hasattr(module, "i") and hasattr(module, "f"):  # parse_model marks its layers
            layers.append(module)

    handle = nn.modules.module.register_module_forward_pre_hook(note)
    try:
        MODELS[guess_model_task(cfg)](cfg, ch=3, verbose=False)
    except Exception as error:
        found = {"type": type(error).__name__, "message": first_line(error)}
        frames = [frame for frame, _ in traceback.walk_tb(error.__traceback__)]
        parsing = [frame for frame in frames if frame.f_code.co_name == "parse_model"]
        if parsing:
            local = parsing[-1].f_locals
            layer = {"layer": local["i"], "from": local["f"], "module": module_name(local["m"])}
            return found | layer | {"stage": "parse_model"}
        last = layers[-1]
        return found | {
            "layer": last.i,
            "from": last.f,
            "module": type(last).__name__,
            "stage": "forward",
        }
    finally:
        handle.remove()
    raise AssertionError(f"{name} built")


def module_name(module: Any) -> str:
    return module if isinstance(module, str) else str(module.__name__)


def record_broken(name: str) -> dict[str, Any]:
    given = yaml_name(name)
    return {
        "recorded_with": versions(),
        "config": {"file": given, "scale": yaml_model_load(given)["scale"]},
        "build_error": build_error(name),
    }


def table(model: nn.Module) -> list[tuple[str, str, int]]:
    """Every module's path, type and parameters."""
    return [
        (path, type(module).__name__, sum(p.numel() for p in module.parameters()))
        for path, module in model.named_modules()
    ]


def check(name: str) -> None:
    """Check that `build` makes what YOLO() makes, and try the meta device against the CPU."""
    given = yaml_name(name)
    ours = build(given)
    theirs = YOLO(given).model.eval()
    same = table(ours) == table(theirs) and ours.yaml == theirs.yaml
    same = same and ours.stride.tolist() == theirs.stride.tolist()
    same = same and run(ours, (640, 640)) == run(theirs, (640, 640))
    print(f"{name}: YOLO({given!r}) builds {'the same' if same else 'ANOTHER'} model")
    meta = copy.deepcopy(ours).to("meta")
    for size in SIZES:
        on_cpu, on_meta = run(ours, size), run(meta, size, "meta")
        verdict = "same" if on_cpu == on_meta else f"differs: {on_meta.get('error', '')}"
        print(f"  {size}: meta {verdict}")


def write(path: Path, data: dict[str, Any]) -> None:
    """Write `data` as compact JSON, one top-level key a line."""
    lines = [
        f"{json.dumps(key)}:{json.dumps(value, separators=(',', ':'))}"
        for key, value in data.items()
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{" + ",\n".join(lines) + "}\n", encoding="utf-8")


def main() -> None:
    """Record the models named as arguments, else all; or --list them, or --check them."""
    torch.set_num_threads(1)  # leave the other cores to whatever else the machine runs
    os.chdir(ROOT)  # the custom YAMLs are given as paths from here, as a user would
    words = sys.argv[1:]
    everything = BUILT_IN + CUSTOM + BROKEN
    if words == ["--list"]:
        print("\n".join(everything))
        return
    checking = words[:1] == ["--check"]
    names = words[1:] if checking else words
    for name in names:
        if name not in everything:
            sys.exit(f"no model {name!r}: --list lists them")
    begun = time.perf_counter()
    for name in names or everything:
        start = time.perf_counter()
        if checking:
            check(name)
            continue
        folder = FOLDER / "custom" if name in CUSTOM + BROKEN else FOLDER
        path = folder / f"{name}.json"
        write(path, record_broken(name) if name in BROKEN else record(name))
        took = time.perf_counter() - start
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes, {took:.1f} s)")
    print(f"{len(names or everything)} models in {time.perf_counter() - begun:.1f} s")


if __name__ == "__main__":
    assert ultralytics.__version__ == "8.4.190", ultralytics.__version__
    main()
