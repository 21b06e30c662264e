"""ONNX models exported from torchvision for the import cross-check, and broken files for the error tests.

For each model and opset (11 and 17): seeded random weights (batch-norm statistics randomised), eval mode,
torch.onnx.export to OUT_DIR/onnx/<model>_op<opset>.onnx, and OUT_DIR/onnx/<model>_op<opset>.h5
holding the input x and torch's output y. Broken files: truncated.onnx, not_onnx.onnx,
unsupported_op.onnx (a Softmax node), missing_external.onnx (weights in a deleted external file),
huge_initializer.onnx and overflowing_initializer.onnx (initializer shapes their values do not fill).

Also resnet18 with BatchNormalization kept and shape chains unfolded, and a small model with a grafted
Pad node and a view(x.size(0), -1) chain (shape_chains_op11/17).

Usage: /usr/bin/python3 torch_onnx.py OUT_DIR
"""
import os
import sys
import warnings

import h5py
import onnx
import onnx.helper
import torch
import torchvision

from reference_models import randomise_batch_norm

warnings.filterwarnings("ignore")

class ShapeChains(torch.nn.Module):
    """Ops torchvision's classifiers rarely export: Sub/Div by constants, Clip, ceil-mode and padded
    pooling, HardSigmoid, a view(x.size(0), -1) shape chain, a bias-free Linear (MatMul). With
    `pad`, the input is first padded (1, 2, 0, 1) by 0.25 (see export_shape_chains)."""

    def __init__(self, pad=False):
        super().__init__()
        self.pad = pad
        self.conv = torch.nn.Conv2d(3, 8, 3, stride=2)
        self.bn = torch.nn.BatchNorm2d(8)
        self.fc = torch.nn.Linear(8 * 8 * 8, 10, bias=False)

    def forward(self, x):
        if self.pad:
            x = torch.nn.functional.pad(x, (1, 2, 0, 1), value=0.25)
        x = (x - 0.5) / 0.25
        x = torch.nn.functional.relu6(self.bn(self.conv(x)))
        x = torch.nn.functional.max_pool2d(x, 3, stride=2, ceil_mode=True)
        x = torch.nn.functional.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)
        x = x * torch.nn.functional.hardsigmoid(x)
        return self.fc(x.view(x.size(0), -1))


# name -> (constructor, input size, opsets). VGG and AlexNet need 224x224 inputs (their adaptive
# pooling exports only when the sizes divide) and weigh 0.5 and 0.25 GB, so each gets one opset.
MODELS = {
    "resnet18": (lambda: torchvision.models.resnet18(), 64, (11, 17)),
    "mobilenet_v2": (lambda: torchvision.models.mobilenet_v2(), 64, (11, 17)),
    "mobilenet_v3_small": (lambda: torchvision.models.mobilenet_v3_small(), 64, (11, 17)),
    "efficientnet_b0": (lambda: torchvision.models.efficientnet_b0(), 64, (11, 17)),
    "squeezenet1_0": (lambda: torchvision.models.squeezenet1_0(), 64, (11, 17)),
    "densenet121": (lambda: torchvision.models.densenet121(), 64, (11, 17)),
    "googlenet": (lambda: torchvision.models.googlenet(aux_logits=False, init_weights=True), 64, (11, 17)),
    "alexnet": (lambda: torchvision.models.alexnet(), 224, (11,)),
    "vgg11_bn": (lambda: torchvision.models.vgg11_bn(), 224, (17,)),
}


def export(out_dir, name, make, size, opsets):
    torch.manual_seed(0)
    model = make()
    randomise_batch_norm(model)
    model.eval()
    x = torch.rand(2, 3, size, size)
    with torch.no_grad():
        y = model(x)
    for opset in opsets:
        base = os.path.join(out_dir, f"{name}_op{opset}")
        torch.onnx.export(model, x, base + ".onnx", opset_version=opset, input_names=["input"],
                          output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        with h5py.File(base + ".h5", "w") as f:
            f["x"] = x.numpy()
            f["y"] = y.numpy()


def export_shape_chains(out_dir):
    """ShapeChains exported at opsets 11 and 17 without its pad, then an ONNX Pad node (constant pads
    and value, as exporters other than torch's write it) grafted in front; y is torch's output
    with the pad."""
    torch.manual_seed(0)
    model = ShapeChains(pad=True)
    randomise_batch_norm(model)
    model.eval()
    x = torch.rand(2, 3, 32, 32)
    with torch.no_grad():
        y = model(x)
    model.pad = False
    padded = torch.nn.functional.pad(x, (1, 2, 0, 1), value=0.25)
    for opset in (11, 17):
        base = os.path.join(out_dir, f"shape_chains_op{opset}")
        torch.onnx.export(model, padded, base + ".onnx", opset_version=opset, input_names=["input"],
                          output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        onnx_model = onnx.load(base + ".onnx")
        graph = onnx_model.graph
        for node in graph.node:
            node.input[:] = ["padded" if name == "input" else name for name in node.input]
        graph.initializer.append(onnx.helper.make_tensor("pads", onnx.TensorProto.INT64, [8],
                                                         [0, 0, 0, 1, 0, 0, 1, 2]))
        graph.initializer.append(onnx.helper.make_tensor("pad_value", onnx.TensorProto.FLOAT, [], [0.25]))
        graph.node.insert(0, onnx.helper.make_node("Pad", ["input", "pads", "pad_value"], ["padded"], name="pad_input"))
        graph.input[0].type.tensor_type.shape.dim[2].dim_value = 32
        graph.input[0].type.tensor_type.shape.dim[3].dim_value = 32
        onnx.save(onnx_model, base + ".onnx")
        with h5py.File(base + ".h5", "w") as f:
            f["x"] = x.numpy()
            f["y"] = y.numpy()


def export_unfolded(out_dir):
    """resnet18 with its BatchNormalization nodes kept (TrainingMode.PRESERVE on an eval model) and no
    constant folding, so the importer sees BatchNormalization and unfolded shape chains."""
    torch.manual_seed(0)
    model = torchvision.models.resnet18()
    randomise_batch_norm(model)
    model.eval()
    x = torch.rand(2, 3, 64, 64)
    with torch.no_grad():
        y = model(x)
    base = os.path.join(out_dir, "resnet18_unfolded_op13")
    torch.onnx.export(model, x, base + ".onnx", opset_version=13, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
    with h5py.File(base + ".h5", "w") as f:
        f["x"] = x.numpy()
        f["y"] = y.numpy()


def broken(out_dir):
    good = os.path.join(out_dir, "resnet18_op17.onnx")
    data = open(good, "rb").read()
    open(os.path.join(out_dir, "truncated.onnx"), "wb").write(data[: len(data) // 3])
    open(os.path.join(out_dir, "not_onnx.onnx"), "w").write("this is a text file, not a model\n")
    model = onnx.load(good)
    softmax = onnx.helper.make_node("Softmax", ["logits"], ["probabilities"], name="final_softmax")
    model.graph.node.append(softmax)
    model.graph.output[0].name = "probabilities"
    onnx.save(model, os.path.join(out_dir, "unsupported_op.onnx"))
    model = onnx.load(good)
    external = os.path.join(out_dir, "missing_external.onnx")
    onnx.save_model(model, external, save_as_external_data=True, all_tensors_to_one_file=True,
                    location="missing_external.data", size_threshold=0)
    os.remove(os.path.join(out_dir, "missing_external.data"))
    model = onnx.load(good)
    onnx.save_model(model, os.path.join(out_dir, "external.onnx"), save_as_external_data=True,
                    all_tensors_to_one_file=True, location="external.data", size_threshold=0)
    # Initializer shapes that do not match their values: a billion rows (refused before any
    # allocation), and dimensions whose product overflows 64 bits (found by fuzz_onnx).
    for name, dims in (("huge_initializer.onnx", [10**9, 512]), ("overflowing_initializer.onnx", [2**40, 2**40, 7])):
        model = onnx.load(good)
        del model.graph.initializer[0].dims[:]
        model.graph.initializer[0].dims.extend(dims)
        onnx.save(model, os.path.join(out_dir, name))


def main():
    out_dir = os.path.join(sys.argv[1], "onnx")
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(2)
    for name, (make, size, opsets) in MODELS.items():
        export(out_dir, name, make, size, opsets)
    export_unfolded(out_dir)
    export_shape_chains(out_dir)
    broken(out_dir)


if __name__ == "__main__":
    main()
