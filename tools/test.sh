#!/usr/bin/env bash
# Install what is needed and run every check: generated-code freshness, buf lint, ruff, mypy, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh --dev
export PATH="$PWD/.venv/bin:$PATH"
echo "== generated code is fresh"
python tools/codegen.py --check
echo "== buf lint"
buf lint
echo "== ruff"
ruff check server inference gateway tools tests bench
echo "== mypy"
mypy server inference gateway
echo "== pytest"
python -m pytest -q "$@"
