// `splitleak forward --model M --input X.h5 --output Y.h5 [--cut NAME] [--tee sim|process]`:
// runs the model (or, with --cut, its front partition) on the float32 dataset /x in batches, read
// and written a batch at a time (memory bounded by the batch, not by /x), and writes /y. With --tee the front partition runs behind the enclave boundary: the command seals
// each batch as the client would, or, with --sealed-input and --key-file, forwards batches the
// client sealed (splitleak seal), never holding their plaintext. With --device opencl the back
// partition then runs on OpenCL: the split inference, TEE front -> feature map -> GPU back.
#include <cstdio>
#include <functional>
#include <map>
#include <memory>

#include "cli/commands.h"
#include "core/device.h"
#include "core/autograd.h"
#include "core/error.h"
#include "core/finite.h"
#include "core/hdf5_rows.h"
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

// /y of the output file, written a batch at a time: the writer is made at the first batch (its
// rows give the row shape); commit() renames the file into place.
class OutputRows {
 public:
  OutputRows(std::string path, int64_t expected_rows) : path_(std::move(path)), expected_rows_(expected_rows) {}
  void append(const Tensor& y) {
    if (!writer_) {
      row_shape_.assign(y.shape().begin() + 1, y.shape().end());
      writer_ = std::make_unique<h5::RowWriter>(path_, "y", expected_rows_, row_shape_, h5::RowType::Float32);
    }
    writer_->append(y);
  }
  void commit(const std::map<std::string, std::string>& attributes) {
    writer_->commit(attributes);
    Shape shape = row_shape_;
    shape.insert(shape.begin(), writer_->rows_written());
    std::fprintf(stderr, "wrote %s: /y %s\n", path_.c_str(), shape_str(shape).c_str());
  }

 private:
  std::string path_;
  int64_t expected_rows_;
  Shape row_shape_;
  std::unique_ptr<h5::RowWriter> writer_;
};

// The rows of /x of `path`, read by batches; non-empty, floats, and every value checked for NaN
// or infinity (warned about or refused) before the first batch runs.
std::shared_ptr<const h5::RowFile> open_input(const std::string& path, int64_t batch) {
  auto x = std::make_shared<const h5::RowFile>(path, "x");
  check(x->size() > 0 && shape_numel(x->row_shape()) > 0, path + ": /x is empty");
  check_finite_rows(*x, path + ": /x", batch);
  return x;
}

// Runs batches of features through the enclave, each sealed by the client: read from
// --sealed-input, or, without it, sealed here from /x a batch at a time under a fresh session
// key. Hands each batch's features to `sink`; prints the measurement first and the summed
// timings last.
void run_in_tee(const victim::Graph& front, const ForwardOptions& o, const std::function<void(const Tensor&)>& sink) {
  tee::EnclaveOptions eo;
  eo.backend = o.tee;
  eo.memory_budget_bytes = o.memory_budget_mib << 20;
  eo.run_timeout_s = o.timeout_s;
  auto enclave = tee::make_enclave(eo);
  const tee::Measurement m = enclave->load(front);
  std::printf("measurement=%s\n", tee::measurement_hex(m).c_str());
  std::fflush(stdout);
  const std::string source = o.sealed_input.empty() ? o.input : o.sealed_input;
  const bool client_here = o.sealed_input.empty();
  const tee::SessionKey key = client_here ? tee::SessionKey::generate() : tee::read_key_file(o.key_file);
  std::vector<std::string> sealed;  // --sealed-input's messages
  std::shared_ptr<const h5::RowFile> x;
  if (client_here) x = open_input(o.input, o.batch_size);
  else sealed = tee::read_sealed_file(o.sealed_input);
  check(client_here || !sealed.empty(), o.sealed_input + ": holds no sealed batches");
  const size_t batches = client_here ? static_cast<size_t>((x->size() + o.batch_size - 1) / o.batch_size) : sealed.size();
  tee::Sealer sealer(key, m);
  enclave->provision(key);
  tee::EnclaveTiming total;
  bool ended = false;
  for (size_t i = 0; i < batches; ++i) {
    std::string message;
    if (client_here) {
      const int64_t begin = static_cast<int64_t>(i) * o.batch_size, end = std::min(x->size(), begin + o.batch_size);
      message = sealer.seal(tensor_to_bytes(x->read_range(begin, end)), /*final=*/end == x->size());
    }
    tee::EnclaveOutput out;
    try {
      out = enclave->run(client_here ? message : sealed[i]);
    } catch (const Error& e) {
      throw Error(source + ": batch " + std::to_string(i) + ": " + e.what(), e.kind());
    }
    sink(out.features);
    ended = out.stream_ended;
    total.decrypt_ms += out.timing.decrypt_ms, total.compute_ms += out.timing.compute_ms;
    total.export_ms += out.timing.export_ms, total.transport_ms += out.timing.transport_ms;
  }
  check(ended, source + ": the sealed stream stops after " + std::to_string(batches) +
                   " batches without its final one (truncated)");
  std::printf("tee=%s\nbatches=%zu\ndecrypt_ms=%.3f\ncompute_ms=%.3f\nexport_ms=%.3f\ntransport_ms=%.3f\n", o.tee.c_str(),
              batches, total.decrypt_ms, total.compute_ms, total.export_ms, total.transport_ms);
}

void check_forward_options(const ForwardOptions& o) {
  check(o.batch_size > 0, "forward: --batch-size must be positive");
  check(o.input.empty() != o.sealed_input.empty(), "forward: give --input X.h5 or --sealed-input X.sealed");
  check(o.tee.empty() || !o.cut.empty(), "forward: --tee runs the front partition: give --cut");
  check(o.sealed_input.empty() || (!o.tee.empty() && !o.key_file.empty()),
        "forward: --sealed-input needs --tee sim|process and --key-file");
  check(o.memory_budget_mib > 0 && o.timeout_s > 0, "forward: --memory-budget-mib and --timeout must be positive");
  check(!parse_device(o.device).opencl || !o.cut.empty() || o.tee.empty(),
        "forward: --device opencl with --tee runs the back partition: give --cut");
}

// /x (or the sealed batches) through the model a batch at a time, each batch's output appended to
// /y as it comes: the front (the whole model without --cut) on the CPU engine or in the TEE, then
// with --device opencl the back partition (the whole model without --cut) on the device.
int run_forward(const ForwardOptions& o) {
  check_forward_options(o);
  const victim::Graph model =
      victim::load_model(o.model, o.input_shape.empty() ? Shape{} : victim::parse_chw(o.input_shape));
  const bool opencl = parse_device(o.device).opencl;
  victim::Graph front = model, back;
  if (!o.cut.empty()) {
    victim::Partition p = victim::partition(model, o.cut);
    front = std::move(p.front), back = std::move(p.back);
  }
  std::unique_ptr<gpu::OpenClExecutor> gpu_back;
  if (opencl) gpu_back = std::make_unique<gpu::OpenClExecutor>(o.cut.empty() ? model : back, o.device);
  const bool front_on_cpu = !(opencl && o.cut.empty());  // else the whole model runs on the device
  gpu::GpuTiming gpu_total;
  std::unique_ptr<OutputRows> out;
  // The features of one batch: through the device when there is one, then into /y.
  auto sink = [&](const Tensor& features) {
    if (!gpu_back) return out->append(features);
    gpu::GpuTiming t;
    out->append(gpu_back->run(features, &t));
    gpu_total.upload_ms += t.upload_ms, gpu_total.kernels_ms += t.kernels_ms, gpu_total.download_ms += t.download_ms;
  };
  if (!o.tee.empty()) {
    out = std::make_unique<OutputRows>(o.output, -1);  // as many rows as the batches bring
    run_in_tee(front, o, sink);
  } else {
    const auto x = open_input(o.input, o.batch_size);
    out = std::make_unique<OutputRows>(o.output, x->size());
    autograd::NoGradGuard no_grad;
    for_each_batch(*x, o.batch_size, [&](int64_t, const Tensor& rows) {
      if (!front_on_cpu) return sink(rows);
      Tensor features;
      try {
        features = victim::run(front, rows);
      } catch (const Error& e) {
        throw Error(o.input + ": /x: " + e.what());
      }
      sink(features);
    });
  }
  if (gpu_back)
    std::printf("device=%s\ngpu_upload_ms=%.3f\ngpu_kernels_ms=%.3f\ngpu_download_ms=%.3f\n",
                gpu_back->device_name().c_str(), gpu_total.upload_ms, gpu_total.kernels_ms, gpu_total.download_ms);
  out->commit({{"model", o.model}, {"cut", o.cut}, {"tee", o.tee}, {"device", o.device}});
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
