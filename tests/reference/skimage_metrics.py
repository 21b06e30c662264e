"""scikit-image's SSIM, PSNR and MSE on generated image pairs, and a NumPy distance correlation, for
the metric cross-checks.

Pairs: grey and colour, 11x11 (the smallest the 11x11 Gaussian window allows) to 256x256;
identical, noisy, shifted, independent, constant and half-constant. SSIM is
structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
data_range=1), channel-averaged, on float64 copies of the float32 images.
Writes OUT.h5: pairs/<i>/{a, b, ssim, psnr, mse}, dcor/<i>/{x, y, value}.

Usage: /usr/bin/python3 skimage_metrics.py OUT.h5
"""
import os
import sys

import h5py
import numpy as np
from skimage.metrics import mean_squared_error, peak_signal_noise_ratio, structural_similarity

SHAPES = [(1, 11, 11), (1, 12, 17), (1, 28, 28), (1, 64, 64), (1, 256, 256),
          (3, 11, 11), (3, 32, 32), (3, 64, 48), (3, 256, 256)]


def smooth_image(rng, shape):
    """A [0, 1] image with structure (blurred noise plus a gradient), not white noise."""
    c, h, w = shape
    img = rng.random(shape)
    for _ in range(2):
        img = (img + np.roll(img, 1, axis=1) + np.roll(img, 1, axis=2)) / 3
    img += np.linspace(0, 0.3, w)[None, None, :]
    return np.clip(img / img.max(), 0, 1)


def pairs(rng):
    for shape in SHAPES:
        a = smooth_image(rng, shape)
        yield a, a.copy()
        yield a, np.clip(a + rng.normal(0, 0.1, shape), 0, 1)
        yield a, np.roll(a, (2, 1), axis=(1, 2))
        yield a, smooth_image(rng, shape)
        yield np.full(shape, 0.5), np.full(shape, 0.5)
        yield a, np.full(shape, 0.25)


def skimage_scores(a, b):
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    kwargs = dict(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1)
    if a.shape[0] == 1:
        ssim = structural_similarity(a64[0], b64[0], **kwargs)
    else:
        ssim = structural_similarity(a64, b64, channel_axis=0, **kwargs)
    with np.errstate(divide="ignore"):
        psnr = peak_signal_noise_ratio(a64, b64, data_range=1)
    return ssim, psnr, mean_squared_error(a64, b64)


def distance_correlation(x, y):
    def centred(t):
        t = t.reshape(len(t), -1).astype(np.float64)
        d = np.sqrt(((t[:, None, :] - t[None, :, :]) ** 2).sum(-1))
        return d - d.mean(0, keepdims=True) - d.mean(1, keepdims=True) + d.mean()
    a, b = centred(x), centred(y)
    vxy, vx, vy = (a * b).mean(), (a * a).mean(), (b * b).mean()
    return np.sqrt(max(vxy, 0) / np.sqrt(vx * vy))


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(0)
    with h5py.File(out + ".tmp", "w") as f:
        for i, (a, b) in enumerate(pairs(rng)):
            a, b = a.astype(np.float32), b.astype(np.float32)
            ssim, psnr, mse = skimage_scores(a, b)
            g = f.create_group(f"pairs/{i:03d}")
            g["a"], g["b"] = a, b
            g["ssim"], g["psnr"], g["mse"] = np.float32([ssim]), np.float32([psnr]), np.float32([mse])
        for i, (n, p, q, dep) in enumerate([(40, 5, 3, 1.0), (64, 20, 8, 0.3), (30, 4, 4, 0.0)]):
            x = rng.random((n, p)).astype(np.float32)
            y = (dep * np.tanh(x[:, :q] * 3) + (1 - dep) * rng.random((n, q))).astype(np.float32)
            g = f.create_group(f"dcor/{i}")
            g["x"], g["y"] = x, y
            g["value"] = np.float32([distance_correlation(x, y)])
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
