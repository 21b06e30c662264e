// `splitleak forward --model M --input X.h5 --output Y.h5 [--cut NAME] [--tee sim|process]`:
// runs the model (or, with --cut, its front partition) on the float32 dataset /x in batches and
// writes /y. With --tee the front partition runs behind the enclave boundary: the command seals
// each batch as the client would, or, with --sealed-input and --key-file, forwards batches the
// client sealed (splitleak seal), never holding their plaintext. With --device opencl the back
// partition then runs on OpenCL: the split inference, TEE front -> feature map -> GPU back.
#include <cstdio>

#include "cli/commands.h"
#include "core/device.h"
#include "core/autograd.h"
#include "core/error.h"
#include "core/finite.h"
#include "core/hdf5_io.h"
#include "core/tensor_bytes.h"
#include "gpu_runtime/opencl_device.h"
#include "gpu_runtime/opencl_executor.h"
#include "tee_runtime/enclave.h"
#include "victim/execute.h"
#include "victim/load.h"
#include "victim/partition.h"

namespace splitleak::cli {
namespace {

struct ForwardOptions {
  std::string model, input, output, cut, input_shape, tee, sealed_input, key_file, device = "cpu";
  int64_t batch_size = 64;
  int64_t memory_budget_mib = 4096;
  double timeout_s = 600;
};

// Stacks batches along dimension 0.
Tensor concat_batches(const std::vector<Tensor>& parts) {
  Shape shape = parts.front().shape();
  shape[0] = 0;
  for (const Tensor& p : parts) shape[0] += p.size(0);
  Tensor y = Tensor::empty(shape);
  int64_t at = 0;
  for (const Tensor& p : parts) y.slice(at, at + p.size(0)).copy_from(p), at += p.size(0);
  return y;
}

// The dataset /x of `path`, non-empty; NaN or infinity in it warned about or refused.
Tensor read_input(const std::string& path) {
  const Tensor x = h5::read_tensor(path, "x");
  check(x.dim() >= 1 && x.size(0) > 0, path + ": /x is empty");
  check_finite(x, path + ": /x");
  return x;
}

Tensor run_plain(const victim::Graph& g, const ForwardOptions& o) {
  const Tensor x = read_input(o.input);
  autograd::NoGradGuard no_grad;
  std::vector<Tensor> parts;
  for (int64_t begin = 0; begin < x.size(0); begin += o.batch_size) {
    try {
      parts.push_back(victim::run(g, x.slice(begin, std::min(x.size(0), begin + o.batch_size))));
    } catch (const Error& e) {
      throw Error(o.input + ": /x: " + e.what());
    }
  }
  return concat_batches(parts);
}

Tensor run_in_tee(const victim::Graph& front, const ForwardOptions& o) {
  tee::EnclaveOptions eo;
  eo.backend = o.tee;
  eo.memory_budget_bytes = o.memory_budget_mib << 20;
  eo.run_timeout_s = o.timeout_s;
  auto enclave = tee::make_enclave(eo);
  const tee::Measurement m = enclave->load(front);
  std::printf("measurement=%s\n", tee::measurement_hex(m).c_str());
  std::fflush(stdout);
  std::vector<std::string> sealed;
  tee::SessionKey key;
  if (!o.sealed_input.empty()) {
    key = tee::read_key_file(o.key_file);
    sealed = tee::read_sealed_file(o.sealed_input);
    check(!sealed.empty(), o.sealed_input + ": holds no sealed batches");
  } else {
    // This command is the client too: a fresh session key, each batch sealed for this enclave.
    key = tee::SessionKey::generate();
    const Tensor x = read_input(o.input);
    tee::Sealer sealer(key, m);
    for (int64_t begin = 0; begin < x.size(0); begin += o.batch_size) {
      const int64_t end = std::min(x.size(0), begin + o.batch_size);
      sealed.push_back(sealer.seal(tensor_to_bytes(x.slice(begin, end)), /*final=*/end == x.size(0)));
    }
  }
  enclave->provision(key);
  std::vector<Tensor> parts;
  tee::EnclaveTiming total;
  bool ended = false;
  for (size_t i = 0; i < sealed.size(); ++i) {
    tee::EnclaveOutput out;
    try {
      out = enclave->run(sealed[i]);
    } catch (const Error& e) {
      const std::string source = o.sealed_input.empty() ? o.input : o.sealed_input;
      throw Error(source + ": batch " + std::to_string(i) + ": " + e.what(), e.kind());
    }
    parts.push_back(out.features);
    ended = out.stream_ended;
    total.decrypt_ms += out.timing.decrypt_ms, total.compute_ms += out.timing.compute_ms;
    total.export_ms += out.timing.export_ms, total.transport_ms += out.timing.transport_ms;
  }
  check(ended, (o.sealed_input.empty() ? o.input : o.sealed_input) + ": the sealed stream stops after " +
                   std::to_string(sealed.size()) + " batches without its final one (truncated)");
  std::printf("tee=%s\nbatches=%zu\ndecrypt_ms=%.3f\ncompute_ms=%.3f\nexport_ms=%.3f\ntransport_ms=%.3f\n", o.tee.c_str(),
              sealed.size(), total.decrypt_ms, total.compute_ms, total.export_ms, total.transport_ms);
  return concat_batches(parts);
}

int run_forward(const ForwardOptions& o) {
  check(o.batch_size > 0, "forward: --batch-size must be positive");
  check(o.input.empty() != o.sealed_input.empty(), "forward: give --input X.h5 or --sealed-input X.sealed");
  check(o.tee.empty() || !o.cut.empty(), "forward: --tee runs the front partition: give --cut");
  check(o.sealed_input.empty() || (!o.tee.empty() && !o.key_file.empty()),
        "forward: --sealed-input needs --tee sim|process and --key-file");
  check(o.memory_budget_mib > 0 && o.timeout_s > 0, "forward: --memory-budget-mib and --timeout must be positive");
  const victim::Graph model =
      victim::load_model(o.model, o.input_shape.empty() ? Shape{} : victim::parse_chw(o.input_shape));
  const bool opencl = parse_device(o.device).opencl;
  check(!opencl || !o.cut.empty() || o.tee.empty(), "forward: --device opencl with --tee runs the back partition: give --cut");
  victim::Graph g = model;
  victim::Graph back;
  if (!o.cut.empty()) {
    victim::Partition p = victim::partition(model, o.cut);
    g = std::move(p.front), back = std::move(p.back);
  }
  std::unique_ptr<gpu::OpenClExecutor> gpu_back;
  if (opencl) gpu_back = std::make_unique<gpu::OpenClExecutor>(o.cut.empty() ? model : back, o.device);
  Tensor y;
  // On the OpenCL device in batches of --batch-size, the profiled times summed.
  auto run_on_device = [&](const Tensor& x, gpu::GpuTiming& total) {
    std::vector<Tensor> parts;
    for (int64_t begin = 0; begin < x.size(0); begin += o.batch_size) {
      gpu::GpuTiming t;
      parts.push_back(gpu_back->run(x.slice(begin, std::min(x.size(0), begin + o.batch_size)), &t));
      total.upload_ms += t.upload_ms, total.kernels_ms += t.kernels_ms, total.download_ms += t.download_ms;
    }
    return concat_batches(parts);
  };
  if (opencl && o.cut.empty()) {
    // The whole model on the OpenCL device.
    const Tensor x = read_input(o.input);
    gpu::GpuTiming t;
    y = run_on_device(x, t);
    std::printf("device=%s\ngpu_upload_ms=%.3f\ngpu_kernels_ms=%.3f\ngpu_download_ms=%.3f\n",
                gpu_back->device_name().c_str(), t.upload_ms, t.kernels_ms, t.download_ms);
  } else {
    y = o.tee.empty() ? run_plain(g, o) : run_in_tee(g, o);
    if (opencl) {
      gpu::GpuTiming t;
      y = run_on_device(y, t);  // the back partition on the device: the split inference's logits
      std::printf("device=%s\ngpu_upload_ms=%.3f\ngpu_kernels_ms=%.3f\ngpu_download_ms=%.3f\n",
                  gpu_back->device_name().c_str(), t.upload_ms, t.kernels_ms, t.download_ms);
    }
  }
  h5::write_tensors(o.output, {{"y", y}}, {{"model", o.model}, {"cut", o.cut}, {"tee", o.tee}, {"device", o.device}});
  std::fprintf(stderr, "wrote %s: /y %s\n", o.output.c_str(), shape_str(y.shape()).c_str());
  return 0;
}

const bool registered = add_command(
    {"forward", "Run a model (or its front partition with --cut, optionally behind a TEE) on /x of an HDF5 file; writes /y",
     [](CLI::App& sub) -> std::function<int()> {
       auto opts = std::make_shared<ForwardOptions>();
       sub.add_option("--model", opts->model, "MODEL: zoo spec, .onnx or .h5")->required();
       sub.add_option("--input", opts->input, "HDF5 file with float32 dataset /x (NCHW)");
       sub.add_option("--output", opts->output, "HDF5 file to write /y to")->required()->check(output_file());
       sub.add_option("--cut", opts->cut, "Run only the front partition up to this cut");
       sub.add_option("--input-shape", opts->input_shape, "Model input shape CxHxW (overrides the model's)");
       sub.add_option("--batch-size", opts->batch_size, "Images per forward pass (and per sealed message)")
           ->capture_default_str();
       sub.add_option("--tee", opts->tee, "Run the front partition in a TEE: sim (in process) or process (splitleak-enclave)")
           ->check(CLI::IsMember({"sim", "process"}));
       sub.add_option("--device", opts->device,
                      "cpu, or opencl[:P:D]: with --cut the back partition runs there after the front (the split "
                      "inference, writing the logits); without --cut the whole model")
           ->capture_default_str();
       sub.add_option("--sealed-input", opts->sealed_input, "Batches sealed by the client (splitleak seal) instead of --input");
       sub.add_option("--key-file", opts->key_file, "The client's session key (with --sealed-input)");
       sub.add_option("--memory-budget-mib", opts->memory_budget_mib, "process: the enclave's memory budget")
           ->capture_default_str();
       sub.add_option("--timeout", opts->timeout_s, "process: seconds to wait for each batch")->capture_default_str();
       return [opts] { return run_forward(*opts); };
     }});

}  // namespace
}  // namespace splitleak::cli
