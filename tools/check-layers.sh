#!/usr/bin/env bash
# Fails when a source file includes a header its layer may not (DESIGN.md, layer table):
# the engine knows no domain, YAML, HDF5 or Boost; only sim/io touches yaml-cpp and HDF5;
# agents never include io; nothing below tools/ includes tools/.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
check() {  # check FOLDER REGEX WHY
  local hits
  hits=$(grep -rnE "^\s*#\s*include\s*[<\"]($2)" "$1" --include='*.hpp' --include='*.cpp' --include='*.h' || true)
  if [[ -n "$hits" ]]; then
    echo "layer violation: $1 must not include $2 ($3):"
    echo "$hits"
    status=1
  fi
}

check sim/engine 'sim/world|sim/io|agents/|analysis/|tools/|yaml-cpp|H5|hdf5|boost/' "the engine knows nothing of chips, YAML, HDF5 or Boost"
check sim/world 'sim/io|agents/|analysis/|tools/|yaml-cpp|H5|hdf5' "the world does no I/O"
check agents 'sim/io|analysis/|tools/|yaml-cpp|H5|hdf5' "agents read the world, never files"
check sim/io 'agents/|analysis/|tools/' "I/O sits below agents and analysis"
check analysis 'agents/|tools/|yaml-cpp' "analysis reads result files"
[[ $status -eq 0 ]] && echo "layers ok"
exit $status
