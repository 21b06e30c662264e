"""PyTorch side of `splitleak bench cgan-step`: the same pix2pix networks (tests/reference/
torch_pix2pix.py) with dropout on, random feature maps (C, S, S) and images, one step = D update
then G update (pix2pix's optimize_parameters). Prints ms_per_step (median).

Usage: /usr/bin/python3 bench/torch_cgan_step.py [--image-size 32] [--feat-channels 64] [--batch 16]
       [--steps 5] [--warmup 5] [--threads 2]
"""
import argparse
import os
import statistics
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "reference"))
from torch_pix2pix import NLayerDiscriminator, UnetGenerator, init_weights  # noqa: E402


def add_dropout(g):
    """pix2pix puts Dropout(0.5) after the up-norm of the innermost 8*ngf blocks (num_downs - 5)."""
    block = g.model
    middles = []
    while True:
        inner = [m for m in block.model if hasattr(m, "model")]
        if not inner:
            break
        block = inner[0]
        middles.append(block)
    for b in middles[3:-1]:
        b.model.append(nn.Dropout(0.5))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--image-size", type=int, default=32)
    p.add_argument("--feat-channels", type=int, default=64)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=5, help="untimed steps first, as splitleak bench cgan-step")
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    g = UnetGenerator(a.feat_channels, 3, a.image_size.bit_length() - 1, 64)
    add_dropout(g)
    d = NLayerDiscriminator(a.feat_channels + 3, 64)
    init_weights(g), init_weights(d)
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    cond = torch.rand(a.batch, a.feat_channels, a.image_size, a.image_size)
    real = torch.rand(a.batch, 3, a.image_size, a.image_size)

    def step():
        fake = g(cond)
        for q in d.parameters():
            q.requires_grad_(True)
        opt_d.zero_grad()
        pf = d(torch.cat([cond, fake.detach()], 1))
        pr = d(torch.cat([cond, real], 1))
        ((bce(pf, torch.zeros_like(pf)) + bce(pr, torch.ones_like(pr))) * 0.5).backward()
        opt_d.step()
        for q in d.parameters():
            q.requires_grad_(False)
        opt_g.zero_grad()
        pf = d(torch.cat([cond, fake], 1))
        (bce(pf, torch.ones_like(pf)) + 100 * nn.functional.l1_loss(fake, real)).backward()
        opt_g.step()

    for _ in range(a.warmup):
        step()
    times = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1e3)
    print(f"image_size={a.image_size} feat_channels={a.feat_channels} batch={a.batch} threads={a.threads} "
          f"ms_per_step={statistics.median(times):.1f}")


if __name__ == "__main__":
    main()
