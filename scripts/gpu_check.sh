#!/usr/bin/env bash
# The course's GPU checks, in one command (README: "GPU checks"). On a machine
# with an NVIDIA GPU and the course's stack with a GPU build of TensorFlow:
#
#   COURSE_DATA_DIR=/path/to/data bash scripts/gpu_check.sh [OUT.json] [tools/gpu_check.py options]
#
# It runs the kernel checks (cuDNN vs generic masked outputs, TF32 on/off),
# every chapter in fast mode, and chapters 4 and 5 in full mode, and writes
# OUT.json (default gpu_check.json); `python tools/gpu_check.py merge OUT.json`
# then adds its figures to benchmarks/results.json. Exit status 1 if a check
# or a notebook failed. Without a GPU: `--cpu-smoke` (what the tests run).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-gpu_check.json}"
[ $# -gt 0 ] && shift
PYTHON="${PYTHON:-python}"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}" PYTHONUNBUFFERED=1
# Machines without internet need the datasets offline (mnist/ and ptb/ as in
# ../shared/data); an empty value means "download them".
: "${COURSE_DATA_DIR?set COURSE_DATA_DIR to a directory holding mnist/ and ptb/, or to '' to download the data}"
export COURSE_DATA_DIR
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || true
exec "$PYTHON" tools/gpu_check.py --out "$OUT" "$@"
