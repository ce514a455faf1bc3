#!/usr/bin/env bash
# Train on a GPU machine that has Python, JAX and NumPy but neither TensorFlow
# nor network access, from a kit that `charseg-train kit` packed.
#
#   training/gpu/train.sh KIT OUT MINUTES [fit options...]
#
# Run it from the repository root. It installs the kit's wheels into a private
# folder, unpacks the corpus, and runs `charseg-train fit` on the JAX backend for
# about MINUTES (the epoch in progress then finishes). By default the run
# continues the bundled model's checkpoint in training/checkpoints/default; set
# RUN_FROM=none to start a fresh run from the fit options (--config, --set).
# OUT receives checkpoint.keras, config.json, state.json and history.csv when
# fit has written them, and fit.log, to which every run of the script appends
# all that it prints. Export and evaluation then run on a machine with
# TensorFlow.
#
# Environment:
#   PYTHON    the interpreter (default python3)
#   WORK      scratch folder (default /tmp/charseg-gpu). A second run with the
#             same WORK resumes the first.
#   RUN_FROM  a run folder with checkpoint.keras to copy, or none
set -euo pipefail

if [ $# -lt 3 ]; then
    echo "usage: $0 KIT OUT MINUTES [fit options...]" >&2
    exit 2
fi
kit=$1
out=$2
minutes=$3
shift 3
python=${PYTHON:-python3}
work=${WORK:-/tmp/charseg-gpu}
run_from=${RUN_FROM:-training/checkpoints/default}
run=$work/run

fail() {
    echo "train.sh: error: $1" >&2
    exit 2
}

# Checks that need no installs come first, so that a mistake costs no time.
if ! [[ $minutes =~ ^[0-9]+([.][0-9]+)?$ ]] || [[ $minutes =~ ^0+([.]0+)?$ ]]; then
    fail "MINUTES must be a number > 0, got '$minutes'"
fi
[ -f "$kit/corpus.tar.xz" ] ||
    fail "$kit/corpus.tar.xz not found: run \`charseg-train kit --out $kit\` first"
if [ "$run_from" != none ] && [ ! -e "$run/checkpoint.keras" ] &&
    [ ! -f "$run_from/checkpoint.keras" ]; then
    fail "RUN_FROM=$run_from has no checkpoint.keras (RUN_FROM=none starts a fresh run)"
fi
mkdir -p "$out" "$work"
exec > >(tee -a "$out/fit.log") 2>&1
echo "== train.sh $(date -u +%Y-%m-%dT%H:%M:%SZ): $minutes minutes, fit options: $*"

if compgen -G "$kit/wheels/*.whl" >/dev/null; then
    "$python" -m pip install --quiet --no-index --no-deps --no-compile \
        --upgrade --target "$work/site" "$kit"/wheels/*.whl
fi
export PYTHONPATH="$work/site:$PWD/server:$PWD/training${PYTHONPATH:+:$PYTHONPATH}"
export KERAS_BACKEND=jax

rm -rf "$work/corpus"
tar -xJf "$kit/corpus.tar.xz" -C "$work"

if [ "$run_from" != none ] && [ ! -e "$run/checkpoint.keras" ]; then
    mkdir -p "$run"
    find "$run_from" -maxdepth 1 -type f -exec cp {} "$run/" \;
fi

"$python" -c 'import jax, keras; print("keras", keras.__version__, "on", jax.devices())'
set +e
"$python" -m charseg_training.cli fit --run "$run" --corpus "$work/corpus" \
    --max-minutes "$minutes" --quiet "$@"
status=$?
set -e
for name in checkpoint.keras config.json state.json history.csv; do
    if [ -f "$run/$name" ]; then cp "$run/$name" "$out/"; fi
done
# The copy names data/corpus, where the corpus lies on the machine that built
# the kit, so that export and later fits there find it.
if [ -f "$out/config.json" ]; then
    "$python" - "$out/config.json" <<'PY'
import json, sys
path = sys.argv[1]
config = json.load(open(path))
config["data"]["corpus"] = "data/corpus"
open(path, "w").write(json.dumps(config, indent=2) + "\n")
PY
fi
echo "== train.sh: fit exited with status $status"
exit "$status"
