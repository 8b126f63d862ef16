"""Signed document generation: draw (reportlab) + PAdES signature (pyHanko) per document.

    .venv/bin/python bench/documents.py [--documents 300]

What the ``render_document`` job spends its CPU on after the database read, per layout (a licence
certificate, an F045 permit, an F057 charter plate, a refusal letter), with the self-signed
development key (RSA 2048) made under a temporary var dir. Prints p50, p99 and max in milliseconds
per layout and overall, and the signed file's size. Runs in a job, off the request path; the issue's
bar for generating on the request path would be p99 under 200 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from api.documents import content as contents
from api.documents.keys import document_key
from api.documents.render import draw_and_sign
from api.settings import Settings

BASE = {"number": "330300-2026-YZ-000123F", "holder": "温州顺达物流有限公司", "holderId": "统一社会信用代码 91330300MA2ABCDE14",
        "validity": "2026年12月6日至2032年12月5日", "validFrom": "2026-12-06", "validUntil": "2032-12-05",
        "authority": "市交通运输局", "issuedOn": "2026年12月6日", "version": 1, "reason": "签发",
        "verifyUrl": "https://zsb.example.gov.cn/verify/AQAAAAAAAAB7aUQ2sQ0vR9mXkq7cW1pYc3F0ZWxsYQ"}
LAYOUTS = {
    "licence": {**BASE, "layout": "licence", "title": "道路运输证",
                "lines": [["车牌号", "浙C40001"], ["车辆总质量（吨）", "18"]]},
    "permit": {**BASE, "layout": "permit", "title": "公路超限运输车辆通行证",
               "lines": [["牵引车车牌号", "浙C50001"], ["货物名称", "变压器"], ["车货总长（米）", "22.5"],
                         ["通行路线", "G15沈海高速温州南—G1513温丽高速丽水东，途经瓯江大桥" * 2]]},
    "plate": {**BASE, "layout": "plate", "title": "包车客运标志牌",
              "lines": [["车牌号", "浙C77777"], ["起点", "温州"], ["终点", "杭州"], ["出发日期", "2026年12月8日"]]},
    "refusal": {**BASE, "layout": "refusal", "title": "不予行政许可决定书", "number": "（WZ-20261206-7K3M9QX48）",
                "paragraphs": ["温州安达危险品运输有限公司：", "你（单位）提出的危险货物道路运输许可申请，经审查，不符合法定条件、标准。",
                               "理由：专用停车场地面积不足，不符合许可条件", contents.RECONSIDERATION]},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=300, help="documents per layout")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var:
        settings = Settings(env="test", jwt_secret="x" * 40, var_dir=var)
        document_key(settings)  # the key made and loaded once, as in a running worker
        draw_and_sign(LAYOUTS["licence"], settings)  # warm-up: fonts, imports
        everything: list[float] = []
        for name, content in LAYOUTS.items():
            times = []
            for _ in range(args.documents):
                started = time.perf_counter()
                signed = draw_and_sign(content, settings)
                times.append((time.perf_counter() - started) * 1000)
            everything += times
            print(f"{name:<8} n={len(times)} p50={statistics.median(times):6.1f} ms "
                  f"p99={statistics.quantiles(times, n=100)[98]:6.1f} ms max={max(times):6.1f} ms "
                  f"size={len(signed) // 1024} KiB")
        print(f"{'all':<8} n={len(everything)} p50={statistics.median(everything):6.1f} ms "
              f"p99={statistics.quantiles(everything, n=100)[98]:6.1f} ms max={max(everything):6.1f} ms")


if __name__ == "__main__":
    main()
