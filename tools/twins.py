"""PyTorch twins of the specs the tests compare with: each names its modules as the spec does.

tools/record_torch.py runs them; they need torch, which shapecalc never does.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict

import torch
import torchvision
from torch import nn
from torch.nn import functional


class Constructs(nn.Module):  # type: ignore[misc]
    """The twin of tests/specs/constructs.yaml: every kind of arithmetic in one network."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 8, (3, 5), stride=(1, 2), padding=(2, 1), dilation=(2, 1))
        self.pool = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.branch_a = nn.Conv2d(8, 4, 1)
        self.branch_b = nn.Sequential(nn.Conv2d(8, 4, 3, padding=1), nn.ReLU())
        self.avg = nn.AvgPool2d(2, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
        self.same = nn.Conv2d(8, 8, 4, padding="same", dilation=2)
        self.adapt = nn.AdaptiveAvgPool2d((10, 7))
        self.head = nn.Linear(7, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.stem(x))
        x = torch.cat([self.branch_a(x), self.branch_b(x)], 1)
        return self.head(self.adapt(self.same(self.avg(x))))


class PerUse(nn.Module):  # type: ignore[misc]
    """The twin of tests/specs/per_use.yaml: each use of a block is its own module."""

    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Sequential(nn.MaxPool2d(2))
        self.b = nn.Sequential(nn.AvgPool2d(2))
        self.c = self.named(1, 3, 8, "out")
        self.d = self.named(2, 8, 16, "end")
        self.e = nn.Sequential(nn.Identity())
        self.f = nn.Sequential(nn.Flatten())

    @staticmethod
    def named(stage: int, channels: int, width: int, tail: str) -> nn.Sequential:
        conv = nn.Conv2d(channels, width, 3, padding=1)
        layers = {f"block{stage}": conv, f"act{stage * 10}": nn.ReLU(), tail: nn.Identity()}
        return nn.Sequential(OrderedDict(layers))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for child in (self.a, self.b, self.c, self.d, self.e, self.f):
            x = child(x)
        return x


def centre_crop(x: torch.Tensor, sizes: tuple[int, ...]) -> torch.Tensor:
    """Crop x's last axes to `sizes` about their centre, rounding offsets as torchvision's
    center_crop does (round half to even)."""
    cuts = [slice(None)] * (x.dim() - len(sizes))
    for extent, size in zip(x.shape[x.dim() - len(sizes) :], sizes, strict=True):
        start = round((extent - size) / 2.0)
        cuts.append(slice(start, start + size))
    return x[tuple(cuts)]


class Constructs1d(nn.Module):  # type: ignore[misc]
    """The twin of tests/specs/constructs_1d.yaml: the new layers on a C@L signal."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv1d(2, 8, 5, stride=2, padding=3, dilation=2)
        self.bn = nn.BatchNorm1d(8)
        self.act = nn.PReLU(8)
        self.reflect = nn.ReflectionPad1d((2, 1))
        self.pool = nn.MaxPool1d(3, stride=2, padding=1, dilation=2, ceil_mode=True)
        self.lp = nn.LPPool1d(2, 3, stride=2, ceil_mode=True)
        self.up = nn.ConvTranspose1d(8, 6, 4, stride=3, padding=2, output_padding=1, dilation=2)
        self.norm = nn.InstanceNorm1d(6, affine=True)
        self.glu = nn.GLU(dim=1)
        self.crop = nn.ConstantPad1d((-2, -3), 0.5)
        self.replicate = nn.ReplicationPad1d(2)
        self.circular = nn.CircularPad1d((1, 2))
        self.zero = nn.ZeroPad1d((3, 0))
        self.avg = nn.AvgPool1d(4, stride=3, padding=2, ceil_mode=True, count_include_pad=False)
        self.mix = nn.Conv1d(3, 8, 4, padding="same", dilation=3)
        self.shuffle = nn.ChannelShuffle(2)
        self.elu = nn.ELU()
        self.stretch = nn.Upsample(scale_factor=2.3, mode="linear")
        self.resize = nn.Upsample(size=40)
        self.ln = nn.LayerNorm(40)
        self.amax = nn.AdaptiveMaxPool1d(10)
        self.aavg = nn.AdaptiveAvgPool1d(5)
        self.a = nn.Conv1d(8, 4, 3, padding=1, groups=2)
        self.b = nn.Sequential(nn.Conv1d(8, 4, 1), nn.Dropout1d())
        self.flat = nn.Flatten()
        self.fc = nn.Linear(40, 12)
        self.unflat = nn.Unflatten(1, (3, 4))
        self.logp = nn.LogSoftmax(dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for name in ("stem", "bn", "act", "reflect", "pool", "lp", "up", "norm", "glu"):
            x = getattr(self, name)(x)
        for name in ("crop", "replicate", "circular", "zero", "avg", "mix", "shuffle", "elu"):
            x = getattr(self, name)(x)
        for name in ("stretch", "resize", "ln", "amax", "aavg"):
            x = getattr(self, name)(x)
        # Along L, just before Flatten: a window sliding across the seam would see both
        # ends of the input at once, which no receptive field describes.
        x = torch.cat([self.a(x), self.b(x)], -1)
        return self.logp(self.unflat(self.fc(self.flat(x))))


class SqueezeExcite(nn.Module):  # type: ignore[misc]
    """x times a gate computed from x's mean: C@1×1 broadcast over C@H×W."""

    def __init__(self, channels: int, squeezed: int) -> None:
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(channels, squeezed, 1)
        self.relu = nn.ReLU()
        self.fc2 = nn.Conv2d(squeezed, channels, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        gate = self.pool(x)
        for name in ("fc1", "relu", "fc2", "sigmoid"):
            gate = getattr(self, name)(gate)
        return x * gate


class Constructs2d(nn.Module):  # type: ignore[misc]
    """The twin of tests/specs/constructs_2d.yaml: the new layers on a C@H×W map."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 16, (3, 5), stride=2, padding=(1, 2))
        self.gn = nn.GroupNorm(4, 16)
        self.mish = nn.Mish()
        self.lrn = nn.LocalResponseNorm(3)
        self.reflect = nn.ReflectionPad2d((1, 2, 0, -1))
        self.shuffle = nn.PixelShuffle(2)
        self.unshuffle = nn.PixelUnshuffle(2)
        self.down = nn.MaxPool2d(2)
        self.mid = nn.Conv2d(16, 16, 3)
        self.up = nn.ConvTranspose2d(
            16, 8, 3, stride=2, padding=1, output_padding=1, dilation=3, groups=2
        )
        self.lp = nn.LPPool2d(3, (3, 2), stride=(2, 1), ceil_mode=True)
        self.nearest = nn.Upsample(scale_factor=(1.5, 0.5))
        self.avg = nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True)
        self.twice = nn.UpsamplingNearest2d(scale_factor=2)
        self.zero = nn.ZeroPad2d(1)
        self.crop = nn.ConstantPad2d((-1, -2, -2, 0), 0.0)
        self.smooth = nn.UpsamplingBilinear2d(scale_factor=2)
        self.bn = nn.BatchNorm2d(24)
        self.replicate = nn.ReplicationPad2d((0, 1, 2, 0))
        self.resize = nn.Upsample(size=(20, 18), mode="bilinear")
        self.center = torchvision.transforms.CenterCrop((15, 12))
        self.gate = SqueezeExcite(24, 6)
        self.ln = nn.LayerNorm((24, 15, 12))
        self.soft = nn.Softmax(dim=1)
        self.flat = nn.Flatten(start_dim=2)
        self.glu = nn.GLU(dim=-1)
        self.unflat = nn.Unflatten(2, (9, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for name in ("stem", "gn", "mish", "lrn", "reflect", "shuffle", "unshuffle"):
            x = getattr(self, name)(x)
        y = self.up(self.mid(self.down(x)))
        x = torch.cat([torchvision.transforms.functional.center_crop(x, y.shape[-2:]), y], 1)
        for name in ("lp", "nearest", "avg", "twice", "zero", "crop", "smooth", "bn"):
            x = getattr(self, name)(x)
        for name in ("replicate", "resize", "center", "gate", "ln", "soft", "flat", "glu"):
            x = getattr(self, name)(x)
        return self.unflat(x)


class DepthContext(nn.Module):  # type: ignore[misc]
    """x's convolution plus x's mean over depth: C@1×H×W broadcast over C@D×H×W."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv3d(channels, channels, 3, padding="same", dilation=(1, 2, 2))
        self.drop = nn.Dropout3d()
        self.squeeze = nn.AdaptiveAvgPool3d((1, None, None))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.drop(self.conv(x)) + self.squeeze(x)


class Constructs3d(nn.Module):  # type: ignore[misc]
    """The twin of tests/specs/constructs_3d.yaml: the new layers on a C@D×H×W volume."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv3d(2, 8, (3, 3, 5), stride=(1, 2, 2), padding=(1, 1, 2))
        self.bn = nn.BatchNorm3d(8)
        self.act = nn.Softplus()
        self.circular = nn.CircularPad3d(1)
        self.pool = nn.MaxPool3d((1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1), ceil_mode=True)
        self.norm = nn.InstanceNorm3d(8)
        self.up = nn.ConvTranspose3d(
            8,
            4,
            (3, 4, 4),
            stride=(1, 2, 2),
            padding=1,
            output_padding=(0, 1, 0),
            dilation=(1, 1, 3),
        )
        self.avg = nn.AvgPool3d(2, stride=(1, 2, 2), ceil_mode=True)
        self.trim = nn.Conv3d(4, 4, 3)
        self.lp = nn.LPPool3d(1.5, (1, 2, 2), ceil_mode=True)
        self.selu = nn.SELU()
        self.replicate = nn.ReplicationPad3d((1, 0, 2, 1, 0, 1))
        self.constant = nn.ConstantPad3d((1, 1, 0, 0, 2, 0), 1.0)
        self.zero = nn.ZeroPad3d((0, 1, 1, 0, 0, 0))
        self.stretch = nn.Upsample(scale_factor=(1.0, 1.5, 2.3), mode="trilinear")
        self.context = DepthContext(4)
        self.thin = nn.Conv3d(4, 4, 1)
        self.resize = nn.Upsample(size=(4, 6, 5), mode="nearest-exact")
        self.amax = nn.AdaptiveMaxPool3d((2, 3, None))
        self.aavg = nn.AdaptiveAvgPool3d(2)
        self.flat = nn.Flatten()
        self.fc = nn.Linear(32, 8)
        self.bn1d = nn.BatchNorm1d(8)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for name in ("stem", "bn", "act", "circular", "pool", "norm", "up", "avg"):
            x = getattr(self, name)(x)
        y = self.trim(x)
        x = centre_crop(x, tuple(y.shape[2:])) + y
        for name in ("lp", "selu", "replicate", "constant", "zero", "stretch", "context"):
            x = getattr(self, name)(x)
        x = torch.cat([x, self.thin(x)], 2)  # along D, once D is whole (see Constructs1d)
        for name in ("resize", "amax", "aavg"):
            x = getattr(self, name)(x)
        return self.bn1d(self.fc(self.flat(x)))


class ConvLayerBlock(nn.Module):  # type: ignore[misc]
    """torchaudio's wav2vec2 ConvLayerBlock: conv, an optional norm, then F.gelu."""

    def __init__(
        self, channels: tuple[int, int], kernel: int, stride: int, norm: nn.Module | None
    ) -> None:
        super().__init__()
        # torchaudio assigns layer_norm before conv, so its named_modules() lists the norm
        # first; a spec's rows follow the order layers run, so the twin registers conv first.
        self.conv = nn.Conv1d(*channels, kernel, stride=stride, bias=False)
        self.layer_norm = norm

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x)
        if self.layer_norm is not None:
            x = self.layer_norm(x)
        return functional.gelu(x)


class FeatureExtractor(nn.Module):  # type: ignore[misc]
    """The twin of examples/audio_1d.yaml: wav2vec2's convolutional feature encoder (torchaudio's
    FeatureExtractor in group_norm mode, without the final transpose to frames × features)."""

    def __init__(self, width: int = 512) -> None:
        super().__init__()
        shapes = [(10, 5)] + [(3, 2)] * 4 + [(2, 2)] * 2
        blocks = []
        for index, (kernel, stride) in enumerate(shapes):
            norm = nn.GroupNorm(width, width) if index == 0 else None
            channels = (1 if index == 0 else width, width)
            blocks.append(ConvLayerBlock(channels, kernel, stride, norm))
        self.conv_layers = nn.ModuleList(blocks)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.conv_layers:
            x = block(x)
        return x


def double_conv3d(channels: tuple[int, int, int]) -> nn.Sequential:
    """Two 3×3×3 convolutions, each with batch norm and ReLU, as 3-D U-Net's stages."""
    first, middle, last = channels
    return nn.Sequential(
        nn.Conv3d(first, middle, 3, padding=1),
        nn.BatchNorm3d(middle),
        nn.ReLU(inplace=True),
        nn.Conv3d(middle, last, 3, padding=1),
        nn.BatchNorm3d(last),
        nn.ReLU(inplace=True),
    )


class UNet3d(nn.Module):  # type: ignore[misc]
    """The twin of examples/volume_3d.yaml: a two-level 3-D U-Net (Çiçek et al., 2016)."""

    def __init__(self, width: int = 16) -> None:
        super().__init__()
        w = width
        self.enc1 = double_conv3d((1, w, 2 * w))
        self.pool1 = nn.MaxPool3d(2)
        self.enc2 = double_conv3d((2 * w, 2 * w, 4 * w))
        self.pool2 = nn.MaxPool3d(2)
        self.bottom = double_conv3d((4 * w, 4 * w, 8 * w))
        self.up2 = nn.ConvTranspose3d(8 * w, 8 * w, 2, stride=2)
        self.dec2 = double_conv3d((12 * w, 4 * w, 4 * w))
        self.up1 = nn.ConvTranspose3d(4 * w, 4 * w, 2, stride=2)
        self.dec1 = double_conv3d((6 * w, 2 * w, 2 * w))
        self.head = nn.Conv3d(2 * w, 3, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skip1 = self.enc1(x)
        skip2 = self.enc2(self.pool1(skip1))
        x = self.up2(self.bottom(self.pool2(skip2)))
        x = self.up1(self.dec2(torch.cat([skip2, x], 1)))
        return self.head(self.dec1(torch.cat([skip1, x], 1)))


class Generator(nn.Module):  # type: ignore[misc]
    """The twin of examples/decoder.yaml: the DCGAN generator of PyTorch's DCGAN tutorial."""

    def __init__(self, width: int = 64) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        channels = [100, 8 * width, 4 * width, 2 * width, width]
        for index, (before, after) in enumerate(itertools.pairwise(channels)):
            stride, padding = (1, 0) if index == 0 else (2, 1)
            layers += [
                nn.ConvTranspose2d(before, after, 4, stride, padding, bias=False),
                nn.BatchNorm2d(after),
                nn.ReLU(True),
            ]
        layers += [nn.ConvTranspose2d(width, 3, 4, 2, 1, bias=False), nn.Tanh()]
        self.main = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.main(x)


def double_conv(channels: tuple[int, int]) -> nn.Sequential:
    """Two unpadded 3×3 convolutions, each followed by ReLU, as U-Net's stages."""
    first, last = channels
    return nn.Sequential(nn.Conv2d(first, last, 3), nn.ReLU(), nn.Conv2d(last, last, 3), nn.ReLU())


class UNet(nn.Module):  # type: ignore[misc]
    """The twin of examples/unet.yaml: the U-Net of Ronneberger, Fischer & Brox (2015)."""

    def __init__(self, width: int = 64) -> None:
        super().__init__()
        widths = [width * 2**level for level in range(5)]
        self.enc1 = double_conv((1, widths[0]))
        for level in range(1, 5):
            self.add_module(f"pool{level}", nn.MaxPool2d(2))
            self.add_module(f"enc{level + 1}", double_conv((widths[level - 1], widths[level])))
        for level in range(4, 0, -1):
            up = nn.ConvTranspose2d(widths[level], widths[level - 1], 2, stride=2)
            self.add_module(f"up{level}", up)
            self.add_module(f"dec{level}", double_conv((widths[level], widths[level - 1])))
        self.head = nn.Conv2d(widths[0], 2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = [self.enc1(x)]
        for level in range(1, 5):
            down = getattr(self, f"pool{level}")(skips[-1])
            skips.append(getattr(self, f"enc{level + 1}")(down))
        x = skips.pop()
        for level in range(4, 0, -1):
            x = getattr(self, f"up{level}")(x)
            skip = torchvision.transforms.functional.center_crop(skips.pop(), list(x.shape[-2:]))
            x = getattr(self, f"dec{level}")(torch.cat([skip, x], 1))
        return self.head(x)
