#!/usr/bin/env bash
# Install what is needed and start the whole platform: REST v6 on :5000 (Envoy), gRPC on :50051.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
exec .venv/bin/python -m server.stack
