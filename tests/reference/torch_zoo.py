"""Reference outputs of torchvision's VGG-16, ResNet-50 and EfficientNet-B0 for the zoo cross-check.

For each model: seeded random weights (batch-norm affine parameters and running statistics
randomised too, so they matter), eval mode, a seeded [0, 1] input batch normalised with ImageNet's
statistics, and the output of every candidate cut (forward hooks on torchvision's modules).
Writes OUT_DIR/zoo_<model>.h5 with weights/<state_dict name>, x, cuts/<cut name>.

Usage: /usr/bin/python3 torch_zoo.py OUT_DIR [--size 224] [--models vgg16,resnet50,efficientnet_b0]
"""
import argparse
import os

import h5py
import torch
import torchvision

from reference_models import randomise_batch_norm

MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def vgg16_cuts(model):
    """splitleak's VGG cut names -> torchvision modules."""
    cuts, k = {}, 0
    for block, convs in enumerate([2, 2, 3, 3, 3], start=1):
        for i in range(1, convs + 1):
            cuts[f"conv{block}_{i}"] = model.features[k]
            cuts[f"relu{block}_{i}"] = model.features[k + 1]
            k += 2
        cuts[f"pool{block}"] = model.features[k]
        k += 1
    cuts.update(fc6=model.classifier[0], relu6=model.classifier[1], fc7=model.classifier[3],
                relu7=model.classifier[4], fc8=model.classifier[6])
    return cuts


def resnet50_cuts(model):
    names = ["conv1", "bn1", "relu", "maxpool"]
    for layer, blocks in enumerate([3, 4, 6, 3], start=1):
        names += [f"layer{layer}.{b}" for b in range(blocks)]
    names += ["avgpool", "fc"]
    modules = dict(model.named_modules())
    return {n: modules[n] for n in names}


def efficientnet_b0_cuts(model):
    names = [f"features.{i}" for i in range(9)] + ["avgpool", "classifier"]
    modules = dict(model.named_modules())
    return {n: modules[n] for n in names}


MODELS = {
    "vgg16": (torchvision.models.vgg16, vgg16_cuts),
    "resnet50": (torchvision.models.resnet50, resnet50_cuts),
    "efficientnet_b0": (torchvision.models.efficientnet_b0, efficientnet_b0_cuts),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out_dir")
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--models", default=",".join(MODELS))
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    torch.set_num_threads(2)
    for name in args.models.split(","):
        make, cut_modules = MODELS[name]
        torch.manual_seed(0)
        model = make()
        randomise_batch_norm(model)
        model.eval()
        x = torch.rand(2, 3, args.size, args.size)
        outputs = {}
        for cut, module in cut_modules(model).items():
            module.register_forward_hook(lambda _m, _i, out, cut=cut: outputs.__setitem__(cut, out.detach().clone()))
        with torch.no_grad():
            model((x - MEAN) / STD)
        path = os.path.join(args.out_dir, f"zoo_{name}.h5")
        with h5py.File(path + ".tmp", "w") as f:
            for key, value in model.state_dict().items():
                if not key.endswith("num_batches_tracked"):
                    f[f"weights/{key}"] = value.numpy()
            f["x"] = x.numpy()
            for cut, value in outputs.items():
                f[f"cuts/{cut}"] = value.numpy()
        os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
