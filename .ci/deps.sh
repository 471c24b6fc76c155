#!/usr/bin/env bash
# Installs the Debian packages the project builds and tests with, if missing.
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -euo pipefail

packages=(
  g++ make python3
  time                      # GNU time: peak memory in the scale test and the bench
  strace                    # the unseen-I/O tests compare their counts with strace -c
  libunwind-dev             # fast stack capture for every allocation
  libcli11-dev              # the analyzer's command line
  catch2                    # unit and integration tests (Catch2 v2)
  libdw-dev libelf-dev      # offline symbolization (elfutils)
  libiberty-dev             # Rust symbol names (GCC's demangler: v0 and legacy)
  libzstd-dev               # compressed allocation events (shim writes, analyzer reads)
  libpng-dev                # the mandelbrot workload's PNG output
  clang libclang-rt-14-dev  # the libFuzzer target (make fuzz) with ASan and UBSan
  zlib1g-dev                # gzip'd pprof profiles
  libcurl4-openssl-dev      # analyzer push: uploads to Pyroscope or Parca
  golang-go                 # tests read the pprof export with `go tool pprof`
  chromium                  # tests load the HTML report in headless Chromium
  google-perftools          # gperftools' own CPU profiler must keep working under the shim
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "missing packages; install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
