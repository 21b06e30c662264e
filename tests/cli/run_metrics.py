"""Every metric of a run directory, printed for byte comparison between runs: results.json
without timings, then every array of results.h5 in hex."""
import json
import sys

import h5py
import numpy

run = sys.argv[1]
results = json.load(open(run + "/results.json"))
for cut in results["cuts"]:
    cut.pop("latency")
    for attacker in cut["attackers"]:
        attacker.pop("train_seconds")
for cut in results["defended"]:
    cut.pop("latency")
    for attacker in cut["attackers"]:
        attacker.pop("train_seconds")
for key in ("latency_baselines", "gpu_runtime", "decision"):  # the decision weighs measured latencies
    results.pop(key)
print(json.dumps(results, sort_keys=True))


def show(name, obj):
    if isinstance(obj, h5py.Dataset):
        print(name, numpy.asarray(obj[()]).tobytes().hex())


h5py.File(run + "/results.h5").visititems(show)
