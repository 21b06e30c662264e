#!/usr/bin/python3
"""Builds the small colour image set used by the examples and tests.

No image file is committed: the photographs come from scikit-image's data folder (Debian's
python3-skimage). Each photograph becomes one class; it is cut into PATCH x PATCH patches on a
regular grid, saved as JPEG (and every fifth as PNG) under OUT/<photograph>/. Deterministic: the
same inputs give the same files.

Usage: /usr/bin/python3 scripts/make_colour_set.py OUT [--patch 128] [--stride 96]
"""
import argparse
import os

import numpy as np
import skimage
import skimage.io

PHOTOS = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "motorcycle_left.png", "hubble_deep_field.jpg",
          "retina.jpg"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--patch", type=int, default=128)
    ap.add_argument("--stride", type=int, default=96)
    args = ap.parse_args()
    data = os.path.join(os.path.dirname(skimage.__file__), "data")
    total = 0
    for name in PHOTOS:
        path = os.path.join(data, name)
        if not os.path.exists(path):
            continue
        img = skimage.io.imread(path)
        if img.ndim == 2:
            img = np.stack([img] * 3, axis=-1)
        img = img[..., :3].astype(np.uint8)
        cls = os.path.splitext(name)[0]
        os.makedirs(os.path.join(args.out, cls), exist_ok=True)
        k = 0
        for y in range(0, img.shape[0] - args.patch + 1, args.stride):
            for x in range(0, img.shape[1] - args.patch + 1, args.stride):
                patch = img[y:y + args.patch, x:x + args.patch]
                if k % 5 == 4:
                    skimage.io.imsave(os.path.join(args.out, cls, f"{cls}_{k:04d}.png"), patch, check_contrast=False)
                else:
                    skimage.io.imsave(os.path.join(args.out, cls, f"{cls}_{k:04d}.jpg"), patch, check_contrast=False,
                                      quality=95)
                k += 1
        total += k
    print(f"make_colour_set.py: {total} patches in {len(PHOTOS)} classes -> {args.out}")


if __name__ == "__main__":
    main()
