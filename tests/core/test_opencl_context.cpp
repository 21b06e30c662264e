// The engine's OpenCL layer on the machine's OpenCL device (PoCL here): one shared context per
// device, programs built once by name with the build log on failure, counted transfers that
// round-trip data, CLBlast GEMM against a hand computation, and clear errors for devices that do
// not exist.
#include <gtest/gtest.h>

#include <vector>

#include "core/error.h"
#include "core/opencl/blas.h"
#include "core/opencl/context.h"

namespace splitleak::opencl {
namespace {

const char* kScale = "__kernel void scale(__global float* x, float a) { x[get_global_id(0)] *= a; }";

TEST(OpenClContext, SharedPerDeviceAndProgramsBuiltOnce) {
  const auto a = context(parse_device("opencl")), b = context(parse_device("opencl:0:0"));
  EXPECT_EQ(a.get(), b.get());
  EXPECT_FALSE(a->device_name.empty());
  cl::Program& p = a->program("test_scale", kScale);
  EXPECT_EQ(&p, &a->program("test_scale", "ignored: built before"));
  EXPECT_EQ(&a->kernel("test_scale", "scale"), &a->kernel("test_scale", "scale"));
  EXPECT_THROW(a->kernel("never_built", "scale"), Error);
}

TEST(OpenClContext, TransfersRoundTripAndAreCounted) {
  auto ctx = context(parse_device("opencl"));
  ctx->program("test_scale", kScale);
  const std::vector<float> host{1, 2, 3, 4};
  const Transfers before = transfers();
  cl::Buffer buffer(ctx->context, CL_MEM_READ_WRITE, host.size() * 4);
  upload(*ctx, buffer, host.data(), host.size() * 4);
  cl::Kernel& k = ctx->kernel("test_scale", "scale");
  k.setArg(0, buffer), k.setArg(1, 2.5f);
  ctx->queue.enqueueNDRangeKernel(k, cl::NullRange, cl::NDRange(host.size()), cl::NullRange);
  std::vector<float> back(host.size());
  download(*ctx, buffer, back.data(), back.size() * 4);
  const cl::Buffer constant = upload_buffer(*ctx, host.data(), host.size() * 4);
  ctx->queue.finish();
  EXPECT_EQ(back, (std::vector<float>{2.5f, 5, 7.5f, 10}));
  const Transfers after = transfers();
  EXPECT_EQ(after.uploads - before.uploads, 2);
  EXPECT_EQ(after.downloads - before.downloads, 1);
  EXPECT_EQ(after.bytes_uploaded - before.bytes_uploaded, 32);
  EXPECT_EQ(after.bytes_downloaded - before.bytes_downloaded, 16);
}

TEST(OpenClContext, GemmMatchesAHandComputation) {
  auto ctx = context(parse_device("opencl"));
  // A (2x3) * B^T with B (2x3): C (2x2) = [[1*1+2*0+3*1, 1*2+2*1+3*0], [4*1+5*0+6*1, 4*2+5*1+6*0]]
  const std::vector<float> a{1, 2, 3, 4, 5, 6}, b{1, 0, 1, 2, 1, 0}, c0{10, 10, 10, 10};
  const cl::Buffer da = upload_buffer(*ctx, a.data(), 24), db = upload_buffer(*ctx, b.data(), 24);
  cl::Buffer dc(ctx->context, CL_MEM_READ_WRITE, 16);
  upload(*ctx, dc, c0.data(), 16);
  gemm(*ctx, false, true, 2, 2, 3, 1.0f, da(), 0, 3, db(), 0, 3, 0.5f, dc(), 0, 2, "test gemm");
  std::vector<float> c(4);
  download(*ctx, dc, c.data(), 16);
  ctx->queue.finish();
  EXPECT_EQ(c, (std::vector<float>{4 + 5, 4 + 5, 10 + 5, 13 + 5}));
}

TEST(OpenClContext, ClearErrors) {
  auto ctx = context(parse_device("opencl"));
  try {
    ctx->program("test_broken", "__kernel void broken(__global float* x) { x[0] = no_such_function(); }");
    FAIL();
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("the OpenCL kernels failed to build (program 'test_broken')"), std::string::npos) << what;
    EXPECT_NE(what.find("build log:"), std::string::npos) << what;
  }
  EXPECT_THROW(ctx->kernel("test_broken", "broken"), Error);  // a failed build is not kept
  for (const char* missing : {"opencl:99:0", "opencl:0:99"}) {
    try {
      context(parse_device(missing));
      FAIL() << missing;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("splitleak devices lists them"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(context(parse_device("cpu")), Error);
}

}  // namespace
}  // namespace splitleak::opencl
