// The learned attackers invert LeNet-5's first conv on Fashion-MNIST within a short budget; the
// registry refuses unknown kinds and settings.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <cstdio>

#include "attack/attacker.h"
#include "attack/metrics.h"
#include "tests/attack/lenet_cut.h"
#include "core/autograd.h"
#include "core/error.h"
#include "core/hdf5_rows.h"
#include "datasets/fashion_mnist.h"
#include "victim/execute.h"
#include "victim/partition.h"
#include "victim/zoo/zoo.h"

namespace splitleak::attack {
namespace {

using testing::LeNetCut;
using testing::mean;

TEST(Attackers, LearnToInvertLeNetConv1) {
  const LeNetCut c("relu1", 640);
  const Tensor& features = c.features;
  const datasets::ImageSet& data = c.data;
  const Tensor aux_f = features.slice(0, 512), aux_x = data.images.slice(0, 512);
  const Tensor test_f = features.slice(512, 640), test_x = data.images.slice(512, 640);
  const AttackContext ctx{{6, 28, 28}, {1, 28, 28}, nullptr, Device{}};
  for (const std::string kind : {"inverse_net", "cgan"}) {
    std::map<std::string, std::string> small{{"ngf", "16"}, {"stem_channels", "16"}};
    if (kind == "cgan") small["ndf"] = "16";
    auto attacker = make_attacker(kind, Config("test", small), ctx);
    FitOptions fit;
    fit.steps = 150, fit.batch_size = 16;
    const auto t0 = std::chrono::steady_clock::now();
    attacker->fit(TensorSamples(aux_f), TensorSamples(aux_x), fit);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double s = mean(ssim_per_image(attacker->reconstruct(test_f), test_x));
    std::printf("%s: held-out SSIM %.3f after %ld steps (%.1f s)\n", kind.c_str(), s, static_cast<long>(fit.steps), seconds);
    EXPECT_GT(s, 0.5) << kind;
  }
}

TEST(Attackers, RmleInvertsLeNetConv1ThroughTheFront) {
  const LeNetCut c("relu1", 16);
  const Tensor& features = c.features;
  const datasets::ImageSet& data = c.data;
  const AttackContext ctx{{6, 28, 28}, {1, 28, 28}, &c.partition.front, Device{}};
  auto attacker = make_attacker("rmle", Config("test", {}), ctx);
  const double s = mean(ssim_per_image(attacker->reconstruct(features), data.images));
  std::printf("rmle: SSIM %.3f at relu1\n", s);
  EXPECT_GT(s, 0.8);
  EXPECT_THROW(make_attacker("rmle", Config("test", {}), {{6, 28, 28}, {1, 28, 28}, nullptr, Device{}}), Error);
}

struct Stop {};

TEST(Attackers, ResumedTrainingEndsBitIdentical) {
  const LeNetCut c("pool1", 48);
  const Tensor& features = c.features;
  const datasets::ImageSet& data = c.data;
  const AttackContext ctx{{6, 14, 14}, {1, 28, 28}, &c.partition.front, Device{}};
  const auto dir = std::filesystem::temp_directory_path() / ("splitleak_attack_resume_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const std::string kind : {"cgan", "inverse_net", "hybrid", "gan_prior"}) {
    std::map<std::string, std::string> small{{"ngf", "8"}, {"stem_channels", "8"}};
    if (kind == "cgan") small["ndf"] = "8";
    if (kind != "inverse_net") small["feature_weight"] = "0.5";  // the white-box term resumes too
    if (kind == "hybrid") small["refine_iterations"] = "3";
    if (kind == "gan_prior") small = {{"ngf", "8"}, {"ndf", "8"}, {"latent_dim", "16"}, {"iterations", "3"}};
    FitOptions fit;
    fit.steps = 6, fit.batch_size = 8, fit.seed = 3, fit.checkpoint_every = 2;
    auto whole = make_attacker(kind, Config("test", small), ctx);
    whole->fit(TensorSamples(features), TensorSamples(data.images), fit);
    fit.checkpoint = (dir / (kind + ".h5")).string();
    auto killed = make_attacker(kind, Config("test", small), ctx);
    fit.progress = [](const FitProgress& pr) {
      if (pr.step == 5) throw Stop{};  // after step 5's update, before any checkpoint of it
    };
    EXPECT_THROW(killed->fit(TensorSamples(features), TensorSamples(data.images), fit), Stop);
    int64_t first_step = 0;
    fit.progress = [&](const FitProgress& pr) {
      if (first_step == 0) first_step = pr.step;
    };
    auto resumed = make_attacker(kind, Config("test", small), ctx);
    resumed->fit(TensorSamples(features), TensorSamples(data.images), fit);
    EXPECT_EQ(first_step, 5) << kind << ": resumes after the step-4 checkpoint";
    EXPECT_EQ(resumed->reconstruct(features).to_vector(), whole->reconstruct(features).to_vector()) << kind;
  }
  std::filesystem::remove_all(dir);
}

TEST(Attackers, TrainingOnRowsFromDiskEqualsTrainingInMemory) {
  const LeNetCut c("pool1", 40);
  const AttackContext ctx{{6, 14, 14}, {1, 28, 28}, nullptr, Device{}};
  const auto dir = std::filesystem::temp_directory_path() / ("splitleak_attack_disk_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const Tensor& rows) {
    const std::string path = (dir / name).string();
    h5::RowWriter w(path, "rows", rows.size(0), Shape(rows.shape().begin() + 1, rows.shape().end()), h5::RowType::Float32);
    w.append(rows.slice(0, 17));
    w.append(rows.slice(17, rows.size(0)));
    w.commit({});
    return h5::RowFile(path, "rows");
  };
  const h5::RowFile features = write("features.h5", c.features), images = write("images.h5", c.data.images);
  const std::map<std::string, std::string> small{{"ngf", "8"}, {"stem_channels", "8"}, {"ndf", "8"}};
  FitOptions fit;
  fit.steps = 4, fit.batch_size = 8, fit.seed = 2;
  auto from_disk = make_attacker("cgan", Config("test", small), ctx);
  from_disk->fit(features, images, fit);
  auto from_memory = make_attacker("cgan", Config("test", small), ctx);
  from_memory->fit(TensorSamples(c.features), TensorSamples(c.data.images), fit);
  EXPECT_EQ(from_disk->reconstruct(c.features).to_vector(), from_memory->reconstruct(c.features).to_vector());
  std::filesystem::remove_all(dir);
}

TEST(Attackers, SaveAndLoadRestoreTheLearnedState) {
  const LeNetCut c("pool1", 24);
  const AttackContext ctx{{6, 14, 14}, {1, 28, 28}, &c.partition.front, Device{}};
  const auto dir = std::filesystem::temp_directory_path() / ("splitleak_attack_save_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::map<std::string, std::string> small{{"ngf", "8"}, {"stem_channels", "8"}};
  for (const std::string kind : {"cgan", "inverse_net", "hybrid", "gan_prior"}) {
    std::map<std::string, std::string> settings = small;
    if (kind == "gan_prior") settings = {{"ngf", "8"}, {"ndf", "8"}, {"latent_dim", "16"}, {"iterations", "2"}};
    settings["decay_fraction"] = "0";  // a constant rate, so a fit of 3 then 5 steps equals one of 5
    if (kind == "cgan") settings["ndf"] = "8";
    if (kind == "hybrid") settings["refine_iterations"] = "2";
    FitOptions fit;
    fit.steps = 3, fit.batch_size = 8, fit.seed = 5;
    auto trained = make_attacker(kind, Config("test", settings), ctx);
    trained->fit(TensorSamples(c.features), TensorSamples(c.data.images), fit);
    const std::string path = (dir / (kind + ".h5")).string();
    trained->save(path);
    auto loaded = make_attacker(kind, Config("test", settings), ctx);
    EXPECT_NE(loaded->reconstruct(c.features).to_vector(), trained->reconstruct(c.features).to_vector()) << kind;
    loaded->load(path);
    EXPECT_EQ(loaded->reconstruct(c.features).to_vector(), trained->reconstruct(c.features).to_vector()) << kind;
    // A loaded attacker continues from the steps it has done.
    fit.steps = 5;
    loaded->fit(TensorSamples(c.features), TensorSamples(c.data.images), fit);
    auto whole = make_attacker(kind, Config("test", settings), ctx);
    whole->fit(TensorSamples(c.features), TensorSamples(c.data.images), fit);
    EXPECT_EQ(loaded->reconstruct(c.features).to_vector(), whole->reconstruct(c.features).to_vector()) << kind;
    // Another configuration: refused with the entry named.
    std::map<std::string, std::string> wider = settings;
    wider["ngf"] = "16";
    try {
      make_attacker(kind, Config("test", wider), ctx)->load(path);
      FAIL() << kind;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("generator/params/"), std::string::npos) << e.what();
    }
  }
  // Another kind, a white-box attacker's file, a truncated file and a missing one: refused.
  const std::string cgan_file = (dir / "cgan.h5").string(), rmle_file = (dir / "rmle.h5").string();
  auto rmle = make_attacker("rmle", Config("test", {}), ctx);
  rmle->save(rmle_file);
  EXPECT_NO_THROW(make_attacker("rmle", Config("test", {}), ctx)->load(rmle_file));
  for (const auto& [kind, file] : std::vector<std::pair<std::string, std::string>>{{"rmle", cgan_file}, {"inverse_net", cgan_file}, {"cgan", rmle_file}}) {
    std::map<std::string, std::string> settings = small;
    if (kind == "rmle") settings.clear();
    try {
      make_attacker(kind, Config("test", settings), ctx)->load(file);
      FAIL() << kind << " loaded " << file;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("a checkpoint of attacker"), std::string::npos) << e.what();
    }
  }
  const std::string truncated = (dir / "truncated.h5").string();
  std::filesystem::copy_file(cgan_file, truncated);
  std::filesystem::resize_file(truncated, std::filesystem::file_size(truncated) / 2);
  for (const std::string& file : {truncated, (dir / "missing.h5").string()}) {
    try {
      make_attacker("cgan", Config("test", {{"ngf", "8"}, {"stem_channels", "8"}, {"ndf", "8"}}), ctx)->load(file);
      FAIL() << file;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(Attackers, RegistryRefusesUnknownKindsAndSettings) {
  const AttackContext ctx{{6, 28, 28}, {1, 28, 28}, nullptr, Device{}};
  try {
    make_attacker("gan9000", Config("exp.yaml: attackers[0]", {}), ctx);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("known: cgan, gan_prior, hybrid, inverse_net, rmle"), std::string::npos) << e.what();
  }
  try {
    make_attacker("cgan", Config("exp.yaml: attackers[0]", {{"lamda_l1", "10"}}), ctx);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'lambda_l1'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace splitleak::attack
