#!/usr/bin/python3
"""Builds a large ImageNet-style folder for the data-at-scale figure (bench/RESULTS.md): COUNT
JPEG images of SIZE x SIZE in one class folder per photograph of scikit-image's data folder,
each a seeded random crop (random scale, random flip) of its photograph. Deterministic: the same
arguments give the same files. Nothing is committed: the figure's command builds it.

Usage: /usr/bin/python3 bench/make_scale_folder.py OUT [--count 20000] [--size 256]
"""
import argparse
import os
import sys

import numpy as np
import skimage
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from make_colour_set import PHOTOS  # noqa: E402  the colour set's photographs, one class each


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--size", type=int, default=256)
    args = ap.parse_args()
    data = os.path.join(os.path.dirname(skimage.__file__), "data")
    photos = [Image.open(os.path.join(data, name)).convert("RGB") for name in PHOTOS]
    rng = np.random.default_rng(0)
    for name in PHOTOS:
        os.makedirs(os.path.join(args.out, os.path.splitext(name)[0]), exist_ok=True)
    for i in range(args.count):
        k = i % len(PHOTOS)
        photo = photos[k]
        side = int(rng.integers(args.size // 2, min(photo.size) + 1))
        left = int(rng.integers(0, photo.size[0] - side + 1))
        top = int(rng.integers(0, photo.size[1] - side + 1))
        crop = photo.crop((left, top, left + side, top + side)).resize((args.size, args.size), Image.BILINEAR)
        if rng.integers(0, 2):
            crop = crop.transpose(Image.FLIP_LEFT_RIGHT)
        crop.save(os.path.join(args.out, os.path.splitext(PHOTOS[k])[0], "%06d.jpg" % i), quality=90)
    print("wrote %d images of %dx%d to %s" % (args.count, args.size, args.size, args.out))


if __name__ == "__main__":
    main()
