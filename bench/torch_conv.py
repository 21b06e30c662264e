#!/usr/bin/python3
"""PyTorch counterpart of bench_conv: the shapes of bench/conv_shapes.h, same thread count.

Prints one line per benchmark: name, median ms, GFLOP/s.
Usage: /usr/bin/python3 bench/torch_conv.py [--threads N] [--iters N]
"""
import argparse
import statistics
import time

import torch
import torch.nn.functional as F

# name, batch, in, out, size, kernel, stride, padding, transposed (as bench/conv_shapes.h)
SHAPES = [
    ("vgg_conv1_64x112", 8, 64, 64, 112, 3, 1, 1, False),
    ("vgg_conv3_256x56", 8, 256, 256, 56, 3, 1, 1, False),
    ("unet_up_512to128_16", 8, 512, 128, 16, 4, 2, 1, True),
    ("unet_up_256to64_32", 8, 256, 64, 32, 4, 2, 1, True),
    ("unet_up_128to3_128", 2, 128, 3, 128, 4, 2, 1, True),
]


def flops(batch, cin, cout, size, k, stride, pad, transposed):
    out = (size - 1) * stride - 2 * pad + k if transposed else (size + 2 * pad - k) // stride + 1
    pixels = size * size if transposed else out * out
    return 2.0 * batch * cin * cout * k * k * pixels


def median_ms(fn, iters):
    fn()  # warm-up
    times = []
    for _ in range(iters):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--iters", type=int, default=10)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    for name, b, cin, cout, size, k, s, p, tr in SHAPES:
        x = torch.rand(b, cin, size, size, requires_grad=True)
        w = (torch.rand(cin, cout, k, k) if tr else torch.rand(cout, cin, k, k)).mul_(0.2).sub_(0.1).requires_grad_()
        bias = torch.zeros(cout, requires_grad=True)
        conv = (lambda: F.conv_transpose2d(x, w, bias, s, p)) if tr else (lambda: F.conv2d(x, w, bias, s, p))
        op = "conv_transpose2d" if tr else "conv2d"
        with torch.no_grad():
            fwd = median_ms(conv, args.iters)
        y = conv()
        g = torch.ones_like(y)
        bwd = median_ms(lambda: torch.autograd.grad(y, (x, w, bias), g, retain_graph=True), args.iters)
        f = flops(b, cin, cout, size, k, s, p, tr)
        print(f"{op}_forward/{name}  {fwd:8.2f} ms  {f / fwd / 1e6:7.1f} GFLOP/s")
        print(f"{op}_backward/{name} {bwd:8.2f} ms  {2 * f / bwd / 1e6:7.1f} GFLOP/s")


if __name__ == "__main__":
    main()
