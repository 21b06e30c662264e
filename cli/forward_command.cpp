// `splitleak forward --model M --input X.h5 --output Y.h5 [--cut NAME]`: runs the model (or,
// with --cut, its front partition) on the float32 dataset /x and writes /y, in batches.
#include <cstdio>

#include "cli/commands.h"
#include "core/autograd.h"
#include "core/error.h"
#include "core/hdf5_io.h"
#include "victim/execute.h"
#include "victim/load.h"
#include "victim/partition.h"

namespace splitleak::cli {
namespace {

struct ForwardOptions {
  std::string model, input, output, cut, input_shape;
  int64_t batch_size = 64;
};

int run_forward(const ForwardOptions& o) {
  check(o.batch_size > 0, "forward: --batch-size must be positive");
  victim::Graph g = victim::load_model(o.model, o.input_shape.empty() ? Shape{} : victim::parse_chw(o.input_shape));
  if (!o.cut.empty()) g = victim::partition(g, o.cut).front;
  const Tensor x = h5::read_tensor(o.input, "x");
  check(x.dim() >= 1 && x.size(0) > 0, o.input + ": /x is empty");
  autograd::NoGradGuard no_grad;
  Tensor y;
  for (int64_t begin = 0; begin < x.size(0); begin += o.batch_size) {
    const int64_t end = std::min(x.size(0), begin + o.batch_size);
    Tensor part;
    try {
      part = victim::run(g, x.slice(begin, end));
    } catch (const Error& e) {
      throw Error(o.input + ": /x: " + e.what());
    }
    if (!y.defined()) {
      Shape shape = part.shape();
      shape[0] = x.size(0);
      y = Tensor::empty(shape);
    }
    y.slice(begin, end).copy_from(part);
  }
  h5::write_tensors(o.output, {{"y", y}}, {{"model", o.model}, {"cut", o.cut}});
  std::fprintf(stderr, "wrote %s: /y %s\n", o.output.c_str(), shape_str(y.shape()).c_str());
  return 0;
}

const bool registered = add_command(
    {"forward", "Run a model (or its front partition with --cut) on /x of an HDF5 file; writes /y",
     [](CLI::App& sub) -> std::function<int()> {
       auto opts = std::make_shared<ForwardOptions>();
       sub.add_option("--model", opts->model, "MODEL: zoo spec, .onnx or .h5")->required();
       sub.add_option("--input", opts->input, "HDF5 file with float32 dataset /x (NCHW)")->required();
       sub.add_option("--output", opts->output, "HDF5 file to write /y to")->required();
       sub.add_option("--cut", opts->cut, "Run only the front partition up to this cut");
       sub.add_option("--input-shape", opts->input_shape, "Model input shape CxHxW (overrides the model's)");
       sub.add_option("--batch-size", opts->batch_size, "Images per forward pass")->capture_default_str();
       return [opts] { return run_forward(*opts); };
     }});

}  // namespace
}  // namespace splitleak::cli
