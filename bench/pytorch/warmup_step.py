"""The warm-up step of diga in plain eager PyTorch: the yardstick for `npm run bench`'s step.

The same network (HRNetV2 + OCR, with the published state-dict names, so diga's fixtures load
into it) and the same step as src/bench/step.ts: student forward on [x; aug(x)] with gradients,
the student's no-grad pass over 3 unlabelled images, the teacher's no-grad forward, segmentation
loss (cross entropy over all pixels) + 0.5 * symmetric distillation, each with its 0.1 * aux term,
SGD with momentum and weight decay, and the EMA teacher update.

    python3 bench/pytorch/warmup_step.py --device cuda            # paper configuration: W48, 3 + 3 at 512x1024
    python3 bench/pytorch/warmup_step.py --quick                  # the tiny network at 64x128 (any machine)
    python3 bench/pytorch/warmup_step.py --check test/fixtures    # forward agrees with the reference fixture

Prints one JSON object: median seconds per step, eager and (where it works) torch.compile'd.
"""
import argparse
import json
import math
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {
    "hrnet48": dict(widths=[48, 96, 192, 384], blocks=4, modules=[1, 4, 3], stem=64, s1_ch=64, s1_blocks=4, pix=512, key=256),
    "hrnet18": dict(widths=[18, 36, 72, 144], blocks=4, modules=[1, 4, 3], stem=64, s1_ch=64, s1_blocks=4, pix=512, key=256),
    "tiny": dict(widths=[8, 16, 32, 64], blocks=1, modules=[1, 1, 1], stem=16, s1_ch=8, s1_blocks=1, pix=32, key=16),
}
CLASSES = 19


def conv(i, o, k, s=1, bias=False):
    return nn.Conv2d(i, o, k, stride=s, padding=k // 2, bias=bias)


def bn(c):
    return nn.BatchNorm2d(c, momentum=0.1)


class BasicBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1, self.bn1, self.conv2, self.bn2 = conv(c, c, 3), bn(c), conv(c, c, 3), bn(c)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + x)


class Bottleneck(nn.Module):
    def __init__(self, i, w):
        super().__init__()
        self.conv1, self.bn1 = conv(i, w, 1), bn(w)
        self.conv2, self.bn2 = conv(w, w, 3), bn(w)
        self.conv3, self.bn3 = conv(w, 4 * w, 1), bn(4 * w)
        self.downsample = nn.Sequential(conv(i, 4 * w, 1), bn(4 * w)) if i != 4 * w else None

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return F.relu(out + (self.downsample(x) if self.downsample is not None else x))


def up(x, h, w):
    return x if x.shape[2:] == (h, w) else F.interpolate(x, size=(h, w), mode="bilinear", align_corners=True)


class HRModule(nn.Module):
    def __init__(self, ch, blocks):
        super().__init__()
        n = len(ch)
        self.branches = nn.ModuleList(nn.Sequential(*[BasicBlock(c) for _ in range(blocks)]) for c in ch)
        rows = []
        for i in range(n):
            row = []
            for j in range(n):
                if j == i:
                    row.append(nn.Identity())
                elif j > i:
                    row.append(nn.Sequential(conv(ch[j], ch[i], 1), bn(ch[i])))
                else:
                    steps = []
                    for k in range(i - j):
                        last = k == i - j - 1
                        o = ch[i] if last else ch[j]
                        steps.append(nn.Sequential(conv(ch[j], o, 3, 2), bn(o)) if last else nn.Sequential(conv(ch[j], o, 3, 2), bn(o), nn.ReLU()))
                    row.append(nn.Sequential(*steps))
            rows.append(nn.ModuleList(row))
        self.fuse_layers = nn.ModuleList(rows)

    def forward(self, xs):
        xs = [b(x) for b, x in zip(self.branches, xs)]
        out = []
        for i, row in enumerate(self.fuse_layers):
            h, w = xs[i].shape[2:]
            y = xs[0] if i == 0 else row[0](xs[0])
            for j in range(1, len(xs)):
                y = y + (xs[j] if j == i else up(row[j](xs[j]), h, w) if j > i else row[j](xs[j]))
            out.append(F.relu(y))
        return out


class Transition(nn.Module):
    def __init__(self, pre, cur):
        super().__init__()
        self.n = len(cur)
        for i, c in enumerate(cur):
            if i < len(pre):
                m = nn.Identity() if c == pre[i] else nn.Sequential(conv(pre[i], c, 3), bn(c), nn.ReLU())
            else:
                steps = []
                for k in range(i + 1 - len(pre)):
                    o = c if k == i - len(pre) else pre[-1]
                    steps.append(nn.Sequential(conv(pre[-1], o, 3, 2), bn(o), nn.ReLU()))
                m = nn.Sequential(*steps)
            self.add_module(str(i), m)

    def forward(self, xs):
        return [getattr(self, str(i))(xs[i] if i < len(xs) else xs[-1]) for i in range(self.n)]


class HRNet(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1, self.bn1 = conv(3, c["stem"], 3, 2), bn(c["stem"])
        self.conv2, self.bn2 = conv(c["stem"], c["stem"], 3, 2), bn(c["stem"])
        blocks, i = [], c["stem"]
        for _ in range(c["s1_blocks"]):
            blocks.append(Bottleneck(i, c["s1_ch"]))
            i = 4 * c["s1_ch"]
        self.stage1 = nn.Sequential(*blocks)
        pre = [4 * c["s1_ch"]]
        for s in range(3):
            cur = c["widths"][: s + 2]
            setattr(self, f"transition_stage_{s + 1}_{s + 2}", Transition(pre, cur))
            setattr(self, f"stage{s + 2}", nn.ModuleList(HRModule(cur, c["blocks"]) for _ in range(c["modules"][s])))
            pre = cur

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        ys = [self.stage1(x)]
        for s in range(3):
            ys = getattr(self, f"transition_stage_{s + 1}_{s + 2}")(ys)
            for m in getattr(self, f"stage{s + 2}"):
                ys = m(ys)
        h, w = ys[0].shape[2:]
        return torch.cat([ys[0]] + [up(y, h, w) for y in ys[1:]], 1)


def proj(i, o):
    return [conv(i, o, 1), bn(o), nn.ReLU()]


class Relation(nn.Module):
    def __init__(self, pix, key):
        super().__init__()
        self.key = key
        self.pixel_rep = nn.Sequential(*proj(pix, key), *proj(key, key))
        self.obj_reg_rep = nn.Sequential(*proj(pix, key), *proj(key, key))

    def forward(self, pixels, regions):
        n = pixels.shape[0]
        q = self.pixel_rep(pixels).reshape(n, self.key, -1).transpose(1, 2)
        k = self.obj_reg_rep(regions).reshape(n, self.key, -1)
        return torch.softmax(torch.matmul(q, k) / math.sqrt(self.key), -1)


class Ocr(nn.Module):
    def __init__(self, c):
        super().__init__()
        raw, pix, key = sum(c["widths"]), c["pix"], c["key"]
        self.key = key
        self.pixel_representations = nn.Sequential(conv(raw, pix, 3, bias=True), bn(pix), nn.ReLU())
        self.soft_object_regions = nn.Sequential(conv(raw, raw, 1, bias=True), bn(raw), nn.ReLU(), conv(raw, CLASSES, 1, bias=True))
        self.pixel_region_relations = Relation(pix, key)
        self.value = nn.Sequential(*proj(pix, key))
        self.ocr_up = nn.Sequential(*proj(key, pix))
        self.augmented_rep = nn.Sequential(*proj(2 * pix, pix), nn.Dropout2d(0.05))
        self.segmentation_classes = nn.Sequential(conv(pix, CLASSES, 1, bias=True))

    def forward(self, f):
        aux = self.soft_object_regions(f)
        pixels = self.pixel_representations(f)
        n, c, h, w = pixels.shape
        weights = torch.softmax(aux.reshape(n, CLASSES, -1), 2)
        regions = torch.matmul(weights, pixels.reshape(n, c, -1).transpose(1, 2)).transpose(1, 2).unsqueeze(3)
        rel = self.pixel_region_relations(pixels, regions)
        values = self.value(regions).reshape(n, self.key, -1).transpose(1, 2)
        ctx = self.ocr_up(torch.matmul(rel, values).transpose(1, 2).reshape(n, self.key, h, w))
        feats = self.augmented_rep(torch.cat([ctx, pixels], 1))
        return aux, self.segmentation_classes(feats), feats


class SegModel(nn.Module):
    def __init__(self, preset):
        super().__init__()
        c = PRESETS[preset]
        self.hrnet, self.ocrnet = HRNet(c), Ocr(c)

    def forward(self, x):
        b = self.hrnet(x)
        aux, main, feats = self.ocrnet(b)
        return b, aux, main, feats


def seg_loss(logits, labels):
    logits = up(logits, *labels.shape[1:])
    return F.cross_entropy(logits, labels, ignore_index=255, reduction="sum") / labels.numel()


def kd(t, s, size):
    t, s = up(t, *size), up(s, *size)
    n = t.shape[0] // 2
    term = lambda tt, ss: (-(torch.softmax(tt, 1) * torch.log_softmax(ss, 1)).sum(1)).mean()
    return term(t[:n], s[n:]) + 0.5 * term(t[n:], s[:n])


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    dtypes = {"F32": torch.float32, "I64": torch.int64, "F64": torch.float64}
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        a, b = v["data_offsets"]
        out[k] = torch.frombuffer(bytearray(data[a:b]), dtype=dtypes[v["dtype"]]).reshape(v["shape"])
    return out


def check(fixtures):
    model = SegModel("tiny").eval()
    model.load_state_dict(read_safetensors(f"{fixtures}/tiny_state_dict.safetensors"))
    ref = read_safetensors(f"{fixtures}/tiny_forward_eval.safetensors")
    with torch.no_grad():
        b, aux, main, feats = model(ref["input"])
    errors = {}
    for name, got in [("backbone", b), ("aux", aux), ("main", main), ("pixel_features", feats)]:
        want = ref[f"out.{name}"]
        errors[name] = ((got - want).abs().max() / want.abs().max()).item()
    # The tolerances of diga's own parity test: the attention amplifies float32 rounding in the head.
    limits = {"backbone": 1e-4, "aux": 1e-4, "main": 1e-3, "pixel_features": 1e-3}
    return {"check": "tiny forward against the reference fixture", "maxRelativeError": errors, "ok": all(errors[k] < limits[k] for k in limits)}


def bench(preset, h, w, device, steps, compiled, profile=None):
    torch.manual_seed(0)
    student, teacher = SegModel(preset).to(device).train(), SegModel(preset).to(device).train()
    for p in teacher.parameters():
        p.requires_grad_(False)
    fs, ft = (torch.compile(student), torch.compile(teacher)) if compiled else (student, teacher)
    x = torch.randn(3, 3, h, w, device=device)
    aug = x * 1.4 - 0.4
    unlabelled = torch.randn(3, 3, h, w, device=device)
    labels = torch.randint(0, CLASSES, (3, h, w), device=device)
    opt = torch.optim.SGD(student.parameters(), lr=1e-3, momentum=0.9, weight_decay=5e-4)
    sp, tp = list(student.parameters()), list(teacher.parameters())
    sync = (lambda: torch.cuda.synchronize(device)) if str(device).startswith("cuda") else (lambda: None)
    times = []
    for i in range(steps + (3 if compiled else 1)):
        t0 = time.perf_counter()
        with torch.no_grad():
            a = min(1 - 1 / (i + 1), 0.999)
            for t, s in zip(tp, sp):
                t.mul_(a).add_(s, alpha=1 - a)
        # one_step includes the published step's unlabelled pass (it moves BatchNorm statistics).
        one_step(fs, ft, x, aug, unlabelled, labels, opt, h, w)
        sync()
        times.append(time.perf_counter() - t0)
    if profile:
        # Where the eager step's time goes, by operator (what to compare when a target is missed).
        acts = [torch.profiler.ProfilerActivity.CPU] + ([torch.profiler.ProfilerActivity.CUDA] if str(device).startswith("cuda") else [])
        with torch.profiler.profile(activities=acts) as prof:
            one_step(fs, ft, x, aug, unlabelled, labels, opt, h, w)
            sync()
        key = "self_cuda_time_total" if str(device).startswith("cuda") else "self_cpu_time_total"
        with open(profile, "w") as f:
            f.write(prof.key_averages().table(sort_by=key, row_limit=40))
    warm = times[(3 if compiled else 1):]
    return sorted(warm)[len(warm) // 2]


def one_step(fs, ft, x, aug, unlabelled, labels, opt, h, w):
    inp = torch.cat([x, aug])
    _, s_aux, s_main, _ = fs(inp)
    with torch.no_grad():
        fs(unlabelled)
        _, t_aux, t_main, _ = ft(inp)
    loss = seg_loss(s_main[:3], labels) + 0.1 * seg_loss(s_aux[:3], labels)
    loss = loss + 0.5 * (kd(t_main, s_main, (h, w)) + 0.1 * kd(t_aux, s_aux, (h, w)))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--quick", action="store_true", help="the tiny network at 64x128")
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--no-compile", action="store_true")
    ap.add_argument("--compile-only", action="store_true", help="only the torch.compile'd step (compiling can take minutes)")
    ap.add_argument("--profile", metavar="FILE", help="also write torch.profiler's operator table of one eager step")
    ap.add_argument("--check", metavar="FIXTURES", help="compare the tiny forward with the reference fixture and exit")
    args = ap.parse_args()
    if args.check:
        r = check(args.check)
        print(json.dumps(r))
        sys.exit(0 if r["ok"] else 1)
    if args.device.startswith("cpu"):
        torch.set_num_threads(torch.get_num_threads())
    preset, h, w = ("tiny", 64, 128) if args.quick else ("hrnet48", 512, 1024)
    steps = 2 if args.quick else args.steps
    out = {"torch": torch.__version__, "device": args.device, "preset": preset, "height": h, "width": w,
           "gpu": torch.cuda.get_device_name(0) if args.device.startswith("cuda") else None}
    if not args.compile_only:
        out["eagerS"] = bench(preset, h, w, args.device, steps, False, args.profile)
    if not args.no_compile and hasattr(torch, "compile"):
        try:
            out["compiledS"] = bench(preset, h, w, args.device, steps, True)
        except Exception as e:  # compile support varies with the machine's toolchain
            out["compileError"] = f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"
    elif not hasattr(torch, "compile"):
        out["compileError"] = "this torch has no torch.compile"
    print(json.dumps(out))


if __name__ == "__main__":
    main()
