#!/usr/bin/python3
"""PyTorch reference for every op case of the engine.

Reads the case table that `dump_op_cases` writes (tests/core/op_cases.cpp is its only source),
draws seeded inputs for each case, runs the op in float64 PyTorch, and writes to HDF5, per case
group: in<i> (float32 inputs), out, w (weights of the scalar L = sum(out * w)), grad<i> (dL/d in<i>
for differentiable inputs) and, for batch-norm training, running_mean/running_var after the step.

Usage: /usr/bin/python3 torch_ops.py CASES.json OUT.h5
"""
import json
import sys

import h5py
import numpy as np
import torch
import torch.nn.functional as F


def make_input(spec, margin, rng):
    shape = tuple(spec["shape"])
    kind = spec["kind"]
    lo, hi = spec["lo"], spec["hi"]
    if kind == "uniform":
        v = rng.uniform(lo, hi, size=shape)
        for k in spec["kinks"]:
            near = np.abs(v - k) < margin
            v = np.where(near, np.where(v < k, k - margin, k + margin), v)
        return v.astype(np.float32)
    if kind == "spaced":
        n = int(np.prod(shape))
        values = lo + (hi - lo) * (np.arange(n) + 0.5) / n
        return rng.permutation(values).reshape(shape).astype(np.float32)
    if kind == "labels":
        return rng.integers(0, spec["classes"], size=shape).astype(np.float32)
    if kind == "mask":
        return (rng.uniform(size=shape) >= 0.5).astype(np.float32)
    raise ValueError(f"unknown input kind {kind}")


def pair(attrs, key, fallback):
    v = attrs.get(key, fallback)
    return tuple(v) if isinstance(v, list) else (v, v)


def opt(xs, i):
    return xs[i] if i < len(xs) and xs[i].numel() > 0 else None


def distance_correlation(x, z):
    """NoPeek's dCor: double-centred distance matrices; the eye keeps sqrt's gradient finite at 0."""
    def centred(t):
        t = t.reshape(t.shape[0], -1)
        eye = torch.eye(t.shape[0], dtype=t.dtype)
        d = (((t[:, None, :] - t[None, :, :]) ** 2).sum(-1) + eye).sqrt() - eye
        return d - d.mean(0, keepdim=True) - d.mean(1, keepdim=True) + d.mean()
    a, b = centred(x), centred(z)
    return ((a * b).mean() / ((a * a).mean() * (b * b).mean()).sqrt()).clamp(min=0).sqrt()


def run_op(op, a, xs):
    if op == "conv2d":
        return F.conv2d(xs[0], xs[1], opt(xs, 2), pair(a, "stride", 1), pair(a, "padding", 0),
                        pair(a, "dilation", 1), a.get("groups", 1))
    if op == "conv_transpose2d":
        return F.conv_transpose2d(xs[0], xs[1], opt(xs, 2), pair(a, "stride", 1), pair(a, "padding", 0),
                                  pair(a, "output_padding", 0), a.get("groups", 1), pair(a, "dilation", 1))
    if op == "linear":
        return F.linear(xs[0], xs[1], opt(xs, 2))
    if op == "batch_norm":
        return F.batch_norm(xs[0], xs[3], xs[4], opt(xs, 1), opt(xs, 2), a["training"], a.get("momentum", 0.1), 1e-5)
    if op == "instance_norm":
        return F.instance_norm(xs[0], weight=opt(xs, 1), bias=opt(xs, 2), eps=1e-5)
    if op == "max_pool2d":
        return F.max_pool2d(xs[0], pair(a, "kernel", 2), pair(a, "stride", 2), pair(a, "padding", 0),
                            ceil_mode=a.get("ceil_mode", False))
    if op == "avg_pool2d":
        return F.avg_pool2d(xs[0], pair(a, "kernel", 2), pair(a, "stride", 2), pair(a, "padding", 0),
                            ceil_mode=a.get("ceil_mode", False), count_include_pad=a.get("count_include_pad", True))
    if op == "adaptive_avg_pool2d":
        return F.adaptive_avg_pool2d(xs[0], tuple(a["output"]))
    if op == "relu":
        return F.relu(xs[0])
    if op == "clamp":
        return torch.clamp(xs[0], a["lo"], a["hi"])
    if op == "leaky_relu":
        return F.leaky_relu(xs[0], a["slope"])
    if op == "sigmoid":
        return torch.sigmoid(xs[0])
    if op == "tanh":
        return torch.tanh(xs[0])
    if op == "silu":
        return F.silu(xs[0])
    if op == "hardswish":
        return F.hardswish(xs[0])
    if op == "hardsigmoid":
        return F.hardsigmoid(xs[0])
    if op == "power":
        return xs[0].clamp(min=0).pow(a["exponent"])
    if op == "dropout_mask":
        # What F.dropout computes once its Bernoulli mask is drawn (the mask itself is an input).
        return xs[0] * xs[1] / (1.0 - a["p"])
    if op == "add":
        return xs[0] + xs[1]
    if op == "sub":
        return xs[0] - xs[1]
    if op == "mul":
        return xs[0] * xs[1]
    if op == "affine_scalar":
        return xs[0] * a["scale"] + a["shift"]
    if op == "pad2d":
        top, left, bottom, right = a["pads"]
        return F.pad(xs[0], (left, right, top, bottom), value=a["value"])
    if op == "crop2d":
        top, left, bottom, right = a["crops"]
        x = xs[0]
        return x[:, :, top:x.shape[2] - bottom, left:x.shape[3] - right]
    if op == "concat":
        return torch.cat(xs, a["dim"])
    if op == "narrow":
        return xs[0].narrow(a["dim"], a["start"], a["length"])
    if op == "reshape":
        return xs[0].reshape(a["shape"])
    if op == "flatten":
        return torch.flatten(xs[0], a["start_dim"])
    if op == "upsample_nearest":
        return F.interpolate(xs[0], size=tuple(a["size"]), mode="nearest")
    if op == "upsample_bilinear":
        return F.interpolate(xs[0], size=tuple(a["size"]), mode="bilinear", align_corners=a["align_corners"])
    if op == "softmax":
        return F.softmax(xs[0], dim=1)
    if op == "log_softmax":
        return F.log_softmax(xs[0], dim=1)
    if op == "sum":
        return xs[0].sum()
    if op == "mean":
        return xs[0].mean()
    if op == "cross_entropy":
        return F.cross_entropy(xs[0], xs[1].long())
    if op == "bce_with_logits":
        return F.binary_cross_entropy_with_logits(xs[0], xs[1])
    if op == "l1_loss":
        return F.l1_loss(xs[0], xs[1])
    if op == "mse_loss":
        return F.mse_loss(xs[0], xs[1])
    if op == "total_variation":
        x = xs[0]
        return (((x[:, :, 1:, :] - x[:, :, :-1, :]) ** 2).sum() + ((x[:, :, :, 1:] - x[:, :, :, :-1]) ** 2).sum()) / x.shape[0]
    if op == "distance_correlation":
        return distance_correlation(xs[0], xs[1])
    raise ValueError(f"no PyTorch mapping for op '{op}'")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    table = json.load(open(sys.argv[1]))
    margin = table["kink_margin"]
    with h5py.File(sys.argv[2] + ".tmp", "w") as f:
        for case_index, case in enumerate(table["cases"]):
            rng = np.random.default_rng(1000 + case_index)
            arrays = [make_input(s, margin, rng) for s in case["inputs"]]
            xs = [torch.tensor(v, dtype=torch.float64, requires_grad=s["grad"]) for v, s in zip(arrays, case["inputs"])]
            out = run_op(case["op"], case["attrs"], xs)
            w = rng.uniform(-1, 1, size=tuple(out.shape)).astype(np.float32)
            (out * torch.tensor(w, dtype=torch.float64)).sum().backward()
            g = f.create_group(case["name"])
            for i, v in enumerate(arrays):
                g["in%d" % i] = v
                if case["inputs"][i]["grad"]:
                    g["grad%d" % i] = xs[i].grad.numpy().astype(np.float32)
            g["out"] = out.detach().numpy().astype(np.float32)
            g["w"] = w
            if case["op"] == "batch_norm" and case["attrs"]["training"]:
                g["running_mean"] = xs[3].detach().numpy().astype(np.float32)
                g["running_var"] = xs[4].detach().numpy().astype(np.float32)
    import os
    os.replace(sys.argv[2] + ".tmp", sys.argv[2])
    print(f"torch_ops.py: {len(table['cases'])} cases -> {sys.argv[2]} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
