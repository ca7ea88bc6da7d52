"""Inference of diga's network in plain eager PyTorch: the yardstick for `npm run bench -- --only predict`.

The network is the one of warmup_step.py (HRNetV2 + OCR with the published names), in eval
mode under no_grad, one image per forward, as `diga predict` runs it at a single scale.

    python3 bench/pytorch/predict.py --preset hrnet18 --height 1024 --width 2048 --images 3

Prints one JSON object: median seconds per image (fp32, and bf16 autocast where asked).
"""
import argparse
import json
import time

import torch

from warmup_step import SegModel


def seconds_per_image(model, x, images, bf16):
    times = []
    with torch.no_grad():
        for i in range(images + 1):
            t0 = time.perf_counter()
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                model(x)
            times.append(time.perf_counter() - t0)
    warm = sorted(times[1:])
    return warm[len(warm) // 2]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", default="hrnet18")
    ap.add_argument("--height", type=int, default=1024)
    ap.add_argument("--width", type=int, default=2048)
    ap.add_argument("--images", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--bf16", action="store_true", help="also time bf16 autocast")
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = SegModel(args.preset).eval()
    x = torch.randn(1, 3, args.height, args.width)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "preset": args.preset,
           "fp32S": seconds_per_image(model, x, args.images, False)}
    if args.bf16:
        out["bf16S"] = seconds_per_image(model, x, args.images, True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
