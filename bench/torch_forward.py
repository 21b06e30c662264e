"""PyTorch side of `splitleak bench forward`: median inference time of torchvision models.

Usage: /usr/bin/python3 bench/torch_forward.py [--threads 2] [--iters 10] [--input-size 224] [--batch 1]
       [--models vgg16,resnet50,efficientnet_b0]
Prints model=... ms_per_forward=... lines.
"""
import argparse
import statistics
import time

import torch
import torchvision


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--iters", type=int, default=10)
    parser.add_argument("--input-size", type=int, default=224)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--models", default="vgg16,resnet50,efficientnet_b0")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    for name in args.models.split(","):
        model = getattr(torchvision.models, name)().eval()
        x = torch.rand(args.batch, 3, args.input_size, args.input_size)
        times = []
        with torch.no_grad():
            model(x)
            for _ in range(args.iters):
                t0 = time.perf_counter()
                model(x)
                times.append((time.perf_counter() - t0) * 1e3)
        print(f"model={name} threads={args.threads} ms_per_forward={statistics.median(times):.3f}")


if __name__ == "__main__":
    main()
