// `splitleak seal --key-file K --input X.h5 --output X.sealed (--model M --cut C | --measurement HEX)`:
// the client's side. Seals /x in batches for the enclave holding that partition (its
// measurement, printed), under the session key in K (--new-key creates K first).
#include <cstdio>

#include "cli/commands.h"
#include "core/error.h"
#include "core/finite.h"
#include "core/hdf5_io.h"
#include "core/tensor_bytes.h"
#include "tee_runtime/sealing.h"
#include "victim/load.h"
#include "victim/partition.h"

namespace splitleak::cli {
namespace {

struct SealOptions {
  std::string key_file, input, output, model, cut, input_shape, measurement;
  bool new_key = false;
  int64_t batch_size = 64;
};

int run_seal(const SealOptions& o) {
  check(o.batch_size > 0, "seal: --batch-size must be positive");
  check(o.measurement.empty() != o.model.empty(),
        "seal: give the enclave's partition as --model M --cut C, or its --measurement HEX");
  check(o.model.empty() || !o.cut.empty(), "seal: --model needs --cut (the front partition the enclave runs)");
  tee::Measurement m;
  Shape takes;  // (C, H, W) the partition takes; unknown with --measurement
  if (!o.measurement.empty()) {
    m = tee::measurement_from_hex(o.measurement, "--measurement");
  } else {
    const victim::Graph g =
        victim::load_model(o.model, o.input_shape.empty() ? Shape{} : victim::parse_chw(o.input_shape));
    m = tee::measure(victim::partition(g, o.cut).front);
    takes = Shape(g.input().shape.begin() + 1, g.input().shape.end());
  }
  if (o.new_key) tee::write_key_file(o.key_file, tee::SessionKey::generate());
  const tee::SessionKey key = tee::read_key_file(o.key_file);
  const Tensor x = h5::read_tensor(o.input, "x");
  check(x.dim() >= 1 && x.size(0) > 0, o.input + ": /x is empty");
  check_finite(x, o.input + ": /x");
  check(takes.empty() || Shape(x.shape().begin() + 1, x.shape().end()) == takes,
        o.input + ": /x is " + shape_str(x.shape()) + ", the partition takes (N, " + shape_str(takes) + ")");
  tee::Sealer sealer(key, m);
  std::vector<std::string> messages;
  for (int64_t begin = 0; begin < x.size(0); begin += o.batch_size) {
    const int64_t end = std::min(x.size(0), begin + o.batch_size);
    messages.push_back(sealer.seal(tensor_to_bytes(x.slice(begin, end)), /*final=*/end == x.size(0)));
  }
  tee::write_sealed_file(o.output, messages);
  std::printf("measurement=%s\naead=%s\nbatches=%zu\n", tee::measurement_hex(m).c_str(),
              tee::aead_name(tee::preferred_aead()).c_str(), messages.size());
  std::fprintf(stderr, "wrote %s: %zu sealed batches of %s\n", o.output.c_str(), messages.size(),
               shape_str(x.shape()).c_str());
  return 0;
}

const bool registered = add_command(
    {"seal", "Seal /x of an HDF5 file for an enclave's partition (the client's side)",
     [](CLI::App& sub) -> std::function<int()> {
       auto opts = std::make_shared<SealOptions>();
       sub.add_option("--key-file", opts->key_file, "The session key (64 hex digits)")->required();
       sub.add_flag("--new-key", opts->new_key, "Create the key file first (never overwrites one)");
       sub.add_option("--input", opts->input, "HDF5 file with float32 dataset /x (NCHW)")->required();
       sub.add_option("--output", opts->output, "The sealed file to write")->required()->check(output_file());
       sub.add_option("--model", opts->model, "MODEL whose front partition the enclave runs");
       sub.add_option("--cut", opts->cut, "The cut ending that front partition");
       sub.add_option("--input-shape", opts->input_shape, "Model input shape CxHxW (overrides the model's)");
       sub.add_option("--measurement", opts->measurement, "The enclave's measurement (64 hex digits), instead of --model/--cut");
       sub.add_option("--batch-size", opts->batch_size, "Images per sealed message")->capture_default_str();
       return [opts] { return run_seal(*opts); };
     }});

}  // namespace
}  // namespace splitleak::cli
