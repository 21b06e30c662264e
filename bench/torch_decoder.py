"""A plain decoder in PyTorch: the reviewer's afternoon baseline the learned attackers must match
(issue 18). Not part of the product; a check on the same features and images as ours.

Reads DIR/<cut>.h5 written by `attack_strength --dump DIR` (aux_features, aux_images,
test_features, test_images), trains convolutions and up-sampling with MSE and Adam, and prints
the held-out mean SSIM (scikit-image, the settings splitleak's metric is checked against) with
a bootstrap 95% interval.

The decoder: a flat feature vector goes through a linear layer to 128 x 7 x 7 (a map of side
s: to 128 x s x s); then [upsample x2, conv3x3, BN, ReLU] until the side reaches the image's,
a bilinear resize for the remainder, a 3x3 conv to the image channels and a sigmoid.

Usage: /usr/bin/python3 torch_decoder.py DIR/CUT.h5 [--steps 1000] [--batch 64] [--lr 1e-3]
"""
import argparse

import h5py
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from skimage.metrics import structural_similarity


class Decoder(nn.Module):
    def __init__(self, feature_shape, image_shape, width=128):
        super().__init__()
        c_img, h_img, _ = image_shape
        self.image_side = h_img
        if len(feature_shape) == 1:
            self.start = 7 if h_img % 7 == 0 else h_img // 8
            self.linear = nn.Linear(feature_shape[0], width * self.start * self.start)
            self.width = width
            side, c = self.start, width
        else:
            self.linear = None
            side, c = feature_shape[1], feature_shape[0]
        layers = [nn.Conv2d(c, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU()]
        while side * 2 <= h_img:
            layers += [nn.Upsample(scale_factor=2), nn.Conv2d(width, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU()]
            side *= 2
        self.body = nn.Sequential(*layers)
        self.head = nn.Conv2d(width, c_img, 3, padding=1)

    def forward(self, v):
        if self.linear is not None:
            v = F.relu(self.linear(v)).view(v.shape[0], self.width, self.start, self.start)
        x = self.body(v)
        if x.shape[-1] != self.image_side:
            x = F.interpolate(x, size=(self.image_side, self.image_side), mode="bilinear", align_corners=False)
        return torch.sigmoid(self.head(x))


def ssim_scores(rec, real):
    return np.array([np.mean([structural_similarity(r[c], t[c], gaussian_weights=True, sigma=1.5,
                                                    use_sample_covariance=False, data_range=1.0)
                              for c in range(r.shape[0])]) for r, t in zip(rec, real)])


def bootstrap(scores, rng, n=2000):
    means = [scores[rng.integers(0, len(scores), len(scores))].mean() for _ in range(n)]
    return scores.mean(), np.percentile(means, 2.5), np.percentile(means, 97.5)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    with h5py.File(a.data, "r") as f:
        aux_f, aux_x = torch.tensor(f["aux_features"][()]), torch.tensor(f["aux_images"][()])
        test_f, test_x = torch.tensor(f["test_features"][()]), torch.tensor(f["test_images"][()])
    net = Decoder(tuple(aux_f.shape[1:]), tuple(aux_x.shape[1:]))
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    gen = torch.Generator().manual_seed(a.seed)
    for _ in range(a.steps):
        idx = torch.randint(0, aux_f.shape[0], (a.batch,), generator=gen)
        loss = F.mse_loss(net(aux_f[idx]), aux_x[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        rec = torch.cat([net(test_f[i:i + 64]) for i in range(0, test_f.shape[0], 64)])
    mean, low, high = bootstrap(ssim_scores(rec.double().numpy(), test_x.double().numpy()), np.random.default_rng(0))
    print(f"data={a.data} attacker=torch_decoder steps={a.steps} batch={a.batch} lr={a.lr} "
          f"ssim={mean:.3f} [{low:.3f}, {high:.3f}]")


if __name__ == "__main__":
    main()
