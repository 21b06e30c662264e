// The experiment schema: the example files load; every file of the bad-YAML corpus
// (tests/experiments/bad_yaml, each starting with "# expect: <message>") is refused with that
// message, which names file, line and key; --set overrides; the resolved YAML loads back equal.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "experiments/experiment.h"

namespace splitleak::experiments {
namespace {

namespace fs = std::filesystem;
const fs::path kSource = SPLITLEAK_SOURCE_DIR;

std::string expected_message(const fs::path& file) {
  std::ifstream in(file);
  std::string first;
  std::getline(in, first);
  const std::string tag = "# expect: ";
  EXPECT_EQ(first.rfind(tag, 0), 0u) << file << " must start with '" << tag << "'";
  return first.substr(tag.size());
}

TEST(ExperimentYaml, EveryBadFileIsRefusedWithItsMessage) {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(kSource / "tests/experiments/bad_yaml")) {
    ++files;
    const std::string want = expected_message(entry.path());
    try {
      check_paths(load_experiment(entry.path().string()));
      ADD_FAILURE() << entry.path() << " loaded";
    } catch (const Error& e) {
      const std::string got = e.what();
      EXPECT_NE(got.find(want), std::string::npos) << entry.path().filename() << "\n  want: " << want << "\n  got:  " << got;
      EXPECT_NE(got.find(entry.path().string()), std::string::npos) << "names the file: " << got;
    }
  }
  EXPECT_GE(files, 15);
}

struct TempFile {
  fs::path path;
  explicit TempFile(const std::string& text, const std::string& name = "exp.yaml") {
    const fs::path dir = fs::temp_directory_path() / ("splitleak_yaml_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    path = dir / name;
    std::ofstream(path) << text;
  }
  ~TempFile() { fs::remove_all(path.parent_path()); }
};

TEST(ExperimentYaml, DefaultsOverridesAndSettings) {
  const TempFile f(
      "victim:\n  model: lenet5\n  cuts: [relu1, pool2]\nattackers:\n  - kind: cgan\n    ngf: 32\n  - kind: rmle\n");
  ExperimentConfig c = load_experiment(f.path.string());
  EXPECT_EQ(c.name, "exp");
  EXPECT_EQ(c.output, "runs/exp");
  EXPECT_EQ(c.dataset.spec(), "fashion-mnist");
  EXPECT_EQ(c.dataset.aux_data, "disjoint");
  EXPECT_FALSE(c.victim.all_cuts);
  EXPECT_EQ(c.victim.cuts, (std::vector<std::string>{"relu1", "pool2"}));
  EXPECT_EQ(c.victim.cut_origins[1].str(), f.path.string() + ":3: victim.cuts[1]");
  ASSERT_EQ(c.attackers.size(), 2u);
  EXPECT_EQ(c.attackers[0].settings.at("ngf"), "32");
  EXPECT_EQ(c.attackers[0].origins.at("ngf").str(), f.path.string() + ":6: attackers[0].ngf");
  EXPECT_DOUBLE_EQ(c.privacy.threshold, 0.3);
  EXPECT_EQ(c.privacy.rule, "absolute");
  EXPECT_DOUBLE_EQ(c.privacy.margin, 0.05);
  EXPECT_DOUBLE_EQ(c.privacy.tail_ssim, 0.5);
  EXPECT_LT(c.privacy.max_tail_fraction, 0);  // not ruled on
  EXPECT_DOUBLE_EQ(c.privacy.converged_delta, 0.01);
  EXPECT_EQ(c.attackers[0].seeds, 1);
  EXPECT_EQ(c.attackers[0].evaluation_interval(), 100);  // steps / 10
  EXPECT_EQ(c.attackers[0].settings.count("seeds"), 0u);  // the runner's keys are not the attacker's settings

  c = load_experiment(f.path.string(), {"attackers.0.steps=50", "privacy.threshold=0.2", "victim.cuts=[conv1]",
                                        "dataset.aux=100", "victim.train.epochs=2", "privacy.rule=beyond_output",
                                        "privacy.max_tail_fraction=0.1", "attackers.0.seeds=3", "attackers.0.eval_every=7"});
  EXPECT_EQ(c.privacy.rule, "beyond_output");
  EXPECT_DOUBLE_EQ(c.privacy.max_tail_fraction, 0.1);
  EXPECT_EQ(c.attackers[0].seeds, 3);
  EXPECT_EQ(c.attackers[0].evaluation_interval(), 7);
  EXPECT_EQ(c.attackers[0].steps, 50);
  EXPECT_DOUBLE_EQ(c.privacy.threshold, 0.2);
  EXPECT_EQ(c.victim.cuts, (std::vector<std::string>{"conv1"}));
  EXPECT_EQ(c.dataset.aux, 100);
  EXPECT_TRUE(c.victim.train.enabled);
  EXPECT_EQ(c.victim.train.epochs, 2);

  for (const auto& [override_text, message] : std::vector<std::pair<std::string, std::string>>{
           {"attackers.0.steps=-1", "--set attackers[0].steps: expected an integer in [1, 1000000000], got -1"},
           {"attackers.0.seeds=1001", "--set attackers[0].seeds: expected an integer in [1, 1000], got 1001"},
           {"attackers.7.steps=1", "--set attackers.7.steps=1: index 7 is past the list's 2 entries"},
           {"privacy.treshold=0.1", "--set privacy.treshold: unknown key (did you mean 'threshold'?)"},
           {"victim.model.x=1", "--set victim.model.x=1: 'x' is below a value, not a mapping"},
           {"threads", "--set threads: expected key.path=value"},
           {"seed=", "--set seed=: no value (give key.path=value; write null for an empty value)"},
           {"victim={model: a, model: b}", "--set victim={model: a, model: b}:1: key 'model' given twice"},
           {"victim.cuts=&a [*a]", "--set victim.cuts=&a [*a]:1: malformed YAML: an alias refers to the node it stands inside"},
           {"seed=&a {x: *a}", "--set seed=&a {x: *a}:1: malformed YAML: an alias refers to the node it stands inside"},
           {"seed=1\n---\n2", "--set seed=1?---?2: holds more than one YAML document"},
           {"seed=*a", "--set seed=*a:1: malformed YAML: the referenced anchor is not defined"}}) {
    try {
      load_experiment(f.path.string(), {override_text});
      ADD_FAILURE() << override_text;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  }
}

TEST(ExperimentYaml, ResolvedYamlLoadsBackToTheSameValues) {
  const TempFile f(
      "name: t\nseed: 4\ndataset: {kind: fashion-mnist, aux: 300}\nvictim:\n  model: lenet5\n  train: {epochs: 2}\n"
      "attackers:\n  - {kind: inverse_net, loss: l1, steps: 20}\nprivacy: {threshold: 0.25}\n");
  const ExperimentConfig a = load_experiment(f.path.string());
  const TempFile g(resolved_yaml(a), "resolved.yaml");
  const ExperimentConfig b = load_experiment(g.path.string());
  EXPECT_EQ(resolved_yaml(b), resolved_yaml(a));
  EXPECT_EQ(b.seed, 4u);
  EXPECT_EQ(b.dataset.aux, 300);
  EXPECT_EQ(b.attackers[0].settings.at("loss"), "l1");
  EXPECT_EQ(b.attackers[0].steps, 20);
  EXPECT_TRUE(b.victim.train.enabled);
}

// steps: auto with its bounds (min_steps at most max_steps; both only with auto), written back.
TEST(ExperimentYaml, AutomaticBudgets) {
  const TempFile f(
      "victim: {model: lenet5}\nattackers:\n  - {kind: cgan, steps: auto, min_steps: 300, max_steps: 5000}\n"
      "  - {kind: inverse_net, steps: auto}\n  - {kind: inverse_net, steps: 50}\n");
  const ExperimentConfig c = load_experiment(f.path.string());
  EXPECT_TRUE(c.attackers[0].auto_steps);
  EXPECT_EQ(c.attackers[0].min_steps, 300);
  EXPECT_EQ(c.attackers[0].max_steps, 5000);
  EXPECT_EQ(c.attackers[0].steps, 5000);
  EXPECT_EQ(c.attackers[0].evaluation_interval(), 200);
  EXPECT_EQ(c.attackers[0].settings.count("min_steps"), 0u);
  EXPECT_TRUE(c.attackers[1].auto_steps);
  EXPECT_EQ(c.attackers[1].min_steps, 400);
  EXPECT_EQ(c.attackers[1].max_steps, 20000);
  EXPECT_FALSE(c.attackers[2].auto_steps);
  EXPECT_EQ(c.attackers[2].evaluation_interval(), 5);
  const TempFile g(resolved_yaml(c), "resolved.yaml");
  EXPECT_EQ(resolved_yaml(load_experiment(g.path.string())), resolved_yaml(c));
  for (const auto& [text, message] : std::vector<std::pair<std::string, std::string>>{
           {"{kind: cgan, steps: auto, min_steps: 600, max_steps: 500}", "min_steps: expected an integer in [1, 500], got 600"},
           {"{kind: cgan, steps: 100, max_steps: 500}", "attackers[0].max_steps: applies to steps: auto only"},
           {"{kind: cgan, min_steps: 5}", "attackers[0].min_steps: applies to steps: auto only"},
           {"{kind: cgan, steps: automatic}", "attackers[0].steps: expected an integer, got 'automatic'"}}) {
    const TempFile bad("victim: {model: lenet5}\nattackers:\n  - " + text + "\n");
    try {
      load_experiment(bad.path.string());
      ADD_FAILURE() << text;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  }
}

// defences: none first whether listed or not, the file's entries in order, written back.
TEST(ExperimentYaml, DefencesAndTheAccuracyBudget) {
  const TempFile f(
      "victim: {model: lenet5}\nattackers:\n  - kind: rmle\ndefences:\n  - {kind: noise, sigma: 0.5}\n"
      "  - {kind: none}\n  - {kind: topk, fraction: 0.25}\n  - {kind: nopeek, weight: 0.5}\n"
      "  - {kind: quantize, bits: 4, finetune: 2}\nprivacy: {max_accuracy_drop: 0.02}\n");
  const ExperimentConfig c = load_experiment(f.path.string());
  ASSERT_EQ(c.defences.size(), 5u);
  EXPECT_EQ(c.defences[3].spec.label(), "nopeek(weight=0.5,finetune=1)");  // nopeek fine-tunes 1 epoch by default
  EXPECT_EQ(c.defences[4].spec.label(), "quantize(bits=4,finetune=2)");
  EXPECT_TRUE(c.fine_tunes());
  EXPECT_EQ(c.defences[0].spec.label(), "none");
  EXPECT_EQ(c.defences[1].spec.label(), "noise(sigma=0.5)");
  EXPECT_EQ(c.defences[2].spec.label(), "topk(fraction=0.25)");
  EXPECT_EQ(c.defences[2].origin.str(), f.path.string() + ":7: defences[2]");
  EXPECT_EQ(c.privacy.max_accuracy_drop, 0.02);
  const TempFile g(resolved_yaml(c), "resolved.yaml");
  EXPECT_EQ(resolved_yaml(load_experiment(g.path.string())), resolved_yaml(c));
  const TempFile none("victim: {model: lenet5}\nattackers:\n  - kind: rmle\n");
  const ExperimentConfig plain = load_experiment(none.path.string());
  ASSERT_EQ(plain.defences.size(), 1u);
  EXPECT_EQ(plain.defences[0].spec.kind, "none");
  EXPECT_FALSE(plain.fine_tunes());
  EXPECT_EQ(plain.privacy.max_accuracy_drop, 0.01);
}

// TON_IoT's target and log-scaled columns: read, defaulted, written back and checked.
TEST(ExperimentYaml, TonIotTargetAndLogScale) {
  const TempFile f("dataset: {kind: ton-iot, path: /x.csv, target: type, log_scale: [src_bytes]}\n"
                   "victim: {model: lenet5}\nattackers: [{kind: rmle}]\n");
  const ExperimentConfig a = load_experiment(f.path.string());
  EXPECT_EQ(a.dataset.target, "type");
  EXPECT_EQ(a.dataset.log_columns, (std::vector<std::string>{"src_bytes"}));
  const TempFile g(resolved_yaml(a), "resolved.yaml");
  EXPECT_EQ(resolved_yaml(load_experiment(g.path.string())), resolved_yaml(a));
  const ExperimentConfig defaults = load_experiment(f.path.string(), {"dataset.log_scale=[]", "dataset.target=label"});
  EXPECT_TRUE(defaults.dataset.log_columns.empty());
  EXPECT_EQ(load_experiment(f.path.string(), {"dataset.log_scale=null"}).dataset.log_columns,
            datasets::TonIotOptions::default_log_columns());
  for (const auto& [override_text, message] : std::vector<std::pair<std::string, std::string>>{
           {"dataset.log_scale=src_bytes", "--set dataset.log_scale: expected a list of strings, got"},
           {"dataset.log_scale=[[a]]", "--set dataset.log_scale: entry 0 is not a string"},
           {"dataset.target=kind", "--set dataset.target: expected one of label, type, got 'kind'"}}) {
    try {
      load_experiment(f.path.string(), {override_text});
      ADD_FAILURE() << override_text;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace splitleak::experiments
