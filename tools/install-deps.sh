#!/usr/bin/env bash
# Installs the Debian 12 packages chipsim needs to build and test.
# Idempotent and non-interactive; run as root (or it uses sudo when available).
# Works on a fresh machine where `apt-get update` has never run.
set -euo pipefail

packages=(
  build-essential cmake make pkg-config
  libboost-graph-dev libtbb-dev libyaml-cpp-dev
  libhdf5-dev hdf5-tools libdeflate-dev zlib1g-dev
  catch2 libcli11-dev
  libboost-serialization-dev
  python3-h5py python3-pandas python3-matplotlib
  libjs-chart.js chromium
  clang-16 libclang-rt-16-dev
  clang-tidy-16
  libopenmpi-dev openmpi-bin openssh-client
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  else
    echo "install-deps: need root to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
