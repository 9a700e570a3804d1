#!/usr/bin/env bash
# Install what is needed and run every check: generated-code freshness, buf lint/format/breaking, ruff, mypy,
# pytest (unit + integration).
#   tools/test.sh           everything (CI: .ci/run); extra arguments go to pytest
#   tools/test.sh --fast    ruff + mypy + the tests that need neither the stack nor Triton (under a minute)
set -euo pipefail
cd "$(dirname "$0")/.."
fast=0
if [ "${1:-}" = "--fast" ]; then
  fast=1
  shift
fi
tools/setup.sh --dev
export PATH="$PWD/.venv/bin:$PATH"
if [ "$fast" = 1 ]; then
  echo "== ruff"
  ruff check server inference gateway tools tests bench deploy
  echo "== mypy"
  mypy server inference gateway tests bench
  echo "== pytest (not stack, not triton)"
  python -m pytest -q -m "not stack and not triton" "$@"
  exit 0
fi
echo "== generated code is fresh"
python tools/codegen.py --check
echo "== buf lint"
buf lint
echo "== buf format"
buf format -d --exit-code
echo "== buf breaking (against the previous commit)"
tools/buf_breaking.sh HEAD~1
echo "== ruff"
ruff check server inference gateway tools tests bench deploy
echo "== mypy"
mypy server inference gateway tests bench
echo "== pytest"
python -m pytest -q "$@"
