#!/usr/bin/env bash
# Install what is needed and start the whole platform: REST v6 on :5000 (Envoy), gRPC on :50051.
# Logs "Lumen is ready" once GET /6/healthcheck answers 200; exits 2 when a port is taken, 1 when the
# start fails; restarts a crashed server/Envoy/Triton with back-off (docs/OPERATIONS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
exec .venv/bin/python -m server.stack
