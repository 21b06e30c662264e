"""One pix2pix training step in PyTorch, for the c-GAN gradient-flow cross-check.

The networks transcribe the pix2pix reference implementation (junyanz/pytorch-CycleGAN-and-pix2pix,
models/networks.py: UnetGenerator, UnetSkipConnectionBlock, NLayerDiscriminator) with batch norm,
dropout off (its masks cannot be shared across implementations), and the generator's tanh
rescaled to [0, 1] as splitleak does. Weights start from pix2pix's init_weights('normal', 0.02),
seeded; one optimize_parameters step (D on (A, real) vs (A, fake.detach()), then G with GAN +
100 L1), Adam(2e-4, (0.5, 0.999)).
Writes OUT.h5: before/{G,D}/<state_dict name>, condition, real, grad/{G,D}/<parameter name> (D's
after its backward, G's after its), after/{G,D}/<name>, losses
[d_real, d_fake, g_gan, g_l1].

Usage: /usr/bin/python3 torch_pix2pix.py OUT.h5 [--size 32] [--feat-channels 8] [--batch 2] [--ngf 8] [--ndf 8]
"""
import argparse
import os

import h5py
import torch
import torch.nn as nn


class UnetSkipConnectionBlock(nn.Module):
    def __init__(self, outer_nc, inner_nc, input_nc=None, submodule=None, outermost=False, innermost=False):
        super().__init__()
        self.outermost = outermost
        input_nc = outer_nc if input_nc is None else input_nc
        downconv = nn.Conv2d(input_nc, inner_nc, kernel_size=4, stride=2, padding=1, bias=False)
        downrelu, downnorm = nn.LeakyReLU(0.2, True), nn.BatchNorm2d(inner_nc)
        uprelu, upnorm = nn.ReLU(True), nn.BatchNorm2d(outer_nc)
        if outermost:
            upconv = nn.ConvTranspose2d(inner_nc * 2, outer_nc, kernel_size=4, stride=2, padding=1)
            model = [downconv, submodule, uprelu, upconv, nn.Tanh()]
        elif innermost:
            upconv = nn.ConvTranspose2d(inner_nc, outer_nc, kernel_size=4, stride=2, padding=1, bias=False)
            model = [downrelu, downconv, uprelu, upconv, upnorm]
        else:
            upconv = nn.ConvTranspose2d(inner_nc * 2, outer_nc, kernel_size=4, stride=2, padding=1, bias=False)
            model = [downrelu, downconv, downnorm, submodule, uprelu, upconv, upnorm]
        self.model = nn.Sequential(*model)

    def forward(self, x):
        return self.model(x) if self.outermost else torch.cat([x, self.model(x)], 1)


class UnetGenerator(nn.Module):
    def __init__(self, input_nc, output_nc, num_downs, ngf):
        super().__init__()
        block = UnetSkipConnectionBlock(ngf * 8, ngf * 8, innermost=True)
        for _ in range(num_downs - 5):
            block = UnetSkipConnectionBlock(ngf * 8, ngf * 8, submodule=block)
        block = UnetSkipConnectionBlock(ngf * 4, ngf * 8, submodule=block)
        block = UnetSkipConnectionBlock(ngf * 2, ngf * 4, submodule=block)
        block = UnetSkipConnectionBlock(ngf, ngf * 2, submodule=block)
        self.model = UnetSkipConnectionBlock(output_nc, ngf, input_nc=input_nc, submodule=block, outermost=True)

    def forward(self, x):
        return self.model(x) * 0.5 + 0.5


class NLayerDiscriminator(nn.Module):
    def __init__(self, input_nc, ndf=64, n_layers=3):
        super().__init__()
        seq = [nn.Conv2d(input_nc, ndf, 4, 2, 1), nn.LeakyReLU(0.2, True)]
        mult = 1
        for n in range(1, n_layers):
            prev, mult = mult, min(2 ** n, 8)
            seq += [nn.Conv2d(ndf * prev, ndf * mult, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * mult),
                    nn.LeakyReLU(0.2, True)]
        prev, mult = mult, min(2 ** n_layers, 8)
        seq += [nn.Conv2d(ndf * prev, ndf * mult, 4, 1, 1, bias=False), nn.BatchNorm2d(ndf * mult),
                nn.LeakyReLU(0.2, True), nn.Conv2d(ndf * mult, 1, 4, 1, 1)]
        self.model = nn.Sequential(*seq)

    def forward(self, x):
        return self.model(x)


def init_weights(net):
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight, 0.0, 0.02)
            if m.bias is not None:
                nn.init.constant_(m.bias, 0.0)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.constant_(m.bias, 0.0)


def state(net):
    return {k: v.detach().clone() for k, v in net.state_dict().items() if not k.endswith("num_batches_tracked")}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--feat-channels", type=int, default=8)
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--ngf", type=int, default=8)
    parser.add_argument("--ndf", type=int, default=8)
    args = parser.parse_args()
    torch.manual_seed(0)
    num_downs = args.size.bit_length() - 1
    g = UnetGenerator(args.feat_channels, 3, num_downs, args.ngf)
    d = NLayerDiscriminator(args.feat_channels + 3, args.ndf)
    init_weights(g), init_weights(d)
    condition = torch.rand(args.batch, args.feat_channels, args.size, args.size)
    real = torch.rand(args.batch, 3, args.size, args.size)
    before_g, before_d = state(g), state(d)
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    fake = g(condition)
    for p in d.parameters():
        p.requires_grad_(True)
    opt_d.zero_grad()
    pred_fake = d(torch.cat([condition, fake.detach()], 1))
    loss_d_fake = bce(pred_fake, torch.zeros_like(pred_fake))
    pred_real = d(torch.cat([condition, real], 1))
    loss_d_real = bce(pred_real, torch.ones_like(pred_real))
    ((loss_d_fake + loss_d_real) * 0.5).backward()
    d_grads = {k: p.grad.detach().clone() for k, p in d.named_parameters()}
    opt_d.step()
    for p in d.parameters():
        p.requires_grad_(False)
    opt_g.zero_grad()
    pred_fake = d(torch.cat([condition, fake], 1))
    loss_g_gan = bce(pred_fake, torch.ones_like(pred_fake))
    loss_g_l1 = nn.functional.l1_loss(fake, real)
    (loss_g_gan + 100.0 * loss_g_l1).backward()
    g_grads = {k: p.grad.detach().clone() for k, p in g.named_parameters()}
    opt_g.step()
    with h5py.File(args.out + ".tmp", "w") as f:
        for prefix, values in (("before/G", before_g), ("before/D", before_d), ("after/G", state(g)),
                               ("after/D", state(d)), ("grad/G", g_grads), ("grad/D", d_grads)):
            for k, v in values.items():
                f[f"{prefix}/{k}"] = v.numpy()
        f["condition"], f["real"] = condition.numpy(), real.numpy()
        f["losses"] = torch.tensor([loss_d_real.item(), loss_d_fake.item(), loss_g_gan.item(),
                                    loss_g_l1.item()]).numpy()
    os.replace(args.out + ".tmp", args.out)


if __name__ == "__main__":
    main()
