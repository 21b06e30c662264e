"""Helpers shared by the reference scripts."""
import torch


def randomise_batch_norm(model):
    """Batch-norm affine parameters and running statistics drawn at random (seeded by the caller's
    torch.manual_seed), so that a cross-check exercises them rather than an identity."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
