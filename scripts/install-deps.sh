#!/usr/bin/env bash
# Installs every Debian package splitleak needs for building, testing and the reference
# cross-checks. Idempotent: prints nothing and exits 0 when everything is present.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config
  # engine and product libraries
  libeigen3-dev libomp-dev libhdf5-dev libyaml-cpp-dev libsodium-dev
  libopencv-dev ocl-icd-opencl-dev opencl-headers pocl-opencl-icd libclblast-dev
  libonnx-dev libprotobuf-dev protobuf-compiler libseccomp-dev zlib1g-dev
  libcli11-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libmgl-dev libboost-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # fuzzing (make fuzz: clang, whose runtime holds libFuzzer)
  clang libclang-rt-14-dev
  # multi-node runs (mpirun -n N splitleak run)
  libopenmpi-dev openmpi-bin
  # reference tools (tests and benchmarks only, run by /usr/bin/python3)
  python3 python3-numpy python3-torch python3-torchvision python3-onnx python3-h5py python3-skimage python3-scipy
  # data
  dataset-fashion-mnist
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${#missing[@]} package(s): ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done" >&2
