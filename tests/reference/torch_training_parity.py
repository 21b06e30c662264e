#!/usr/bin/python3
"""PyTorch side of the training-parity test.

A small convnet (conv 3x3 without bias, as before every batch norm in torchvision -> batch norm -> relu -> max pool -> flatten -> linear) is built with
torch's seeded default initialisation, its initial weights are written in splitleak's checkpoint
layout (params/<name>, buffers/<name>), and it is trained 20 Adam steps on seeded minibatches
with cross-entropy. Written: the data (data/x, data/y), the loss before each step (losses) and
the final parameters (final/<name>). The C++ test loads the same weights, trains the same steps
and compares.

Usage: /usr/bin/python3 torch_training_parity.py OUT.h5
"""
import os
import sys

import h5py
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

STEPS, BATCH, LR = 20, 8, 5e-3


# Optimizer cases: name -> (constructor, options as written for the C++ side).
OPTIMIZERS = {
    "adam_wd": (lambda p: torch.optim.Adam(p, lr=1e-2, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1),
                {"lr": 1e-2, "beta1": 0.8, "beta2": 0.95, "eps": 1e-6, "weight_decay": 0.1}),
    "adamw": (lambda p: torch.optim.AdamW(p, lr=1e-2, weight_decay=0.1),
              {"lr": 1e-2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.1}),
    "sgd_momentum": (lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01),
                     {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
    "sgd_nesterov": (lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
                     {"lr": 0.1, "momentum": 0.9}),
    "sgd_plain": (lambda p: torch.optim.SGD(p, lr=0.05), {"lr": 0.05}),
}


def write_optimizer_cases(f):
    """Each optimizer applied to a parameter with given gradients, 6 steps: optim/<name>/{initial,
    grads (steps x n), final, options/<key>}."""
    rng = np.random.default_rng(11)
    for name, (make, options) in OPTIMIZERS.items():
        p0 = rng.normal(size=(12,)).astype(np.float32)
        grads = rng.normal(size=(6, 12)).astype(np.float32)
        p = torch.nn.Parameter(torch.from_numpy(p0.copy()))
        opt = make([p])
        for g in grads:
            p.grad = torch.from_numpy(g.copy())
            opt.step()
        g = f.create_group("optim/" + name)
        g["initial"], g["grads"], g["final"] = p0, grads, p.detach().numpy().copy()
        for key, value in options.items():
            g["options/" + key] = np.float32(value)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    net = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(8 * 7 * 7, 10))
    rng = np.random.default_rng(7)
    # Learnable data: each class is a fixed random template plus noise.
    templates = rng.uniform(0, 1, size=(10, 1, 14, 14))
    labels = rng.integers(0, 10, size=(STEPS * BATCH,))
    x = (0.6 * templates[labels] + 0.4 * rng.uniform(0, 1, size=(STEPS * BATCH, 1, 14, 14))).astype(np.float32)
    y = labels.astype(np.float32)
    out = os.path.abspath(sys.argv[1])
    with h5py.File(out + ".tmp", "w") as f:
        for name, p in net.named_parameters():
            f["params/" + name] = p.detach().numpy().copy()
        for name, b in net.named_buffers():
            f["buffers/" + name] = b.detach().numpy().astype(np.float32).copy()
        f["data/x"] = x
        f["data/y"] = y
        f["config/lr"] = np.float32(LR)
        f["config/batch"] = np.float32(BATCH)
        opt = torch.optim.Adam(net.parameters(), lr=LR)
        losses = []
        net.train()
        for step in range(STEPS):
            xb = torch.from_numpy(x[step * BATCH:(step + 1) * BATCH])
            yb = torch.from_numpy(y[step * BATCH:(step + 1) * BATCH]).long()
            loss = F.cross_entropy(net(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        f["losses"] = np.array(losses, dtype=np.float32)
        for name, p in net.named_parameters():
            f["final/" + name] = p.detach().numpy().copy()
        write_optimizer_cases(f)
    os.replace(out + ".tmp", out)
    print(f"torch_training_parity.py: losses {losses[0]:.5f} -> {losses[-1]:.5f} -> {out}")


if __name__ == "__main__":
    main()
