#!/usr/bin/env python3
"""RapidOCR side of the OCR benchmark (run by `cargo bench --bench ocr -- --rapidocr PYTHON`).

Runs RapidOCR 3.10.0 (onnxruntime, its default PP-OCRv6 small det/rec + v2 cls) in this process on the
same fixtures, with model load excluded (two warm-up calls first), images decoded before timing, and
prints JSON: median timings for the timed images, every fixture's lines, and this process's peak RSS.

Setup (benchmarks only; CI does not run this):
    python3 -m venv .venv-ocr && .venv-ocr/bin/pip install rapidocr==3.10.0 onnxruntime
"""

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

import cv2
from rapidocr import RapidOCR


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--timed", action="append", default=[])
    ap.add_argument("--iters", type=int, default=15)
    ap.add_argument("--det", help="detection model path (default: RapidOCR's)")
    ap.add_argument("--rec", help="recognition model path (default: RapidOCR's)")
    ap.add_argument("--keys", help="recognition dictionary path")
    args = ap.parse_args()

    params = {"Global.log_level": "error"}
    if args.det:
        params["Det.model_path"] = args.det
    if args.rec:
        params["Rec.model_path"] = args.rec
    if args.keys:
        params["Rec.rec_keys_path"] = args.keys
    engine = RapidOCR(params=params)
    fixtures = Path(args.fixtures)

    timings = {}
    for name in args.timed:
        img = cv2.imread(str(fixtures / f"{name}.png"))
        for _ in range(2):
            engine(img)
        det, cls, rec, total = [], [], [], []
        for _ in range(args.iters):
            start = time.perf_counter()
            out = engine(img)
            total.append((time.perf_counter() - start) * 1000)
            e = list(out.elapse_list) + [0.0, 0.0, 0.0]
            det.append((e[0] or 0.0) * 1000)
            cls.append((e[1] or 0.0) * 1000)
            rec.append((e[2] or 0.0) * 1000)
        timings[name] = {
            "det_ms": statistics.median(det),
            "cls_ms": statistics.median(cls),
            "rec_ms": statistics.median(rec),
            "total_ms": statistics.median(total),
        }

    texts = {}
    for exp in sorted(fixtures.glob("*.expected.txt")):
        name = exp.name[: -len(".expected.txt")]
        img = cv2.imread(str(fixtures / f"{name}.png"))
        out = engine(img)
        texts[name] = list(out.txts or [])

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump({"timings": timings, "texts": texts, "peak_rss_mib": peak}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
