#!/usr/bin/env python3
"""Fails when an analyzer include points up the pipeline.

The analyzer is a pipeline: decode -> model -> analysis -> findings -> views,
with symbols/, text/ and encode/ as services below it and cli/ on top. Each
folder may include only the folders listed for it in ALLOWED (and itself);
format/ (the log's definition) is open to all. Run by `make test`.
"""
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
ANALYZER = os.path.join(ROOT, "analyzer")

# Folder -> the analyzer folders its files may include besides their own.
# "pipeline" is analyzer/pipeline.{h,cpp}: the one place that runs every stage.
ALLOWED = {
    "model": set(),
    "text": set(),
    "encode": set(),
    "decode": {"model"},
    "symbols": {"model", "text"},
    "analysis": {"model", "decode", "symbols", "text"},
    "findings": {"model", "decode", "symbols", "text", "analysis"},
    "views": {"model", "symbols", "text", "encode", "analysis", "findings", "diff"},
    "diff": {"model", "symbols", "text", "analysis", "findings", "pipeline"},
    "pipeline": {"model", "decode", "symbols", "text", "analysis", "findings"},
    "cli": {"model", "decode", "symbols", "text", "encode", "analysis", "findings", "views", "diff", "pipeline"},
}

# Views render what they are handed: of findings/ they read only the Finding
# struct, not a rule; of analysis/ only the results (analysis.h and the
# structs), not a header whose job is to compute one.
VIEWS_MAY_INCLUDE_FROM_FINDINGS = {"findings/finding.h"}
VIEWS_MAY_NOT_INCLUDE = {
    "analysis/phase_attribution.h",
    "analysis/file_groups.h",
    "analysis/reachability.h",
    "analysis/io_totals.h",
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def folder_of(path):
    rel = os.path.relpath(path, ANALYZER)
    parts = rel.split(os.sep)
    if len(parts) == 1:
        return os.path.splitext(parts[0])[0]  # pipeline.h, pipeline.cpp
    return parts[0]


def check():
    problems = []
    for dirpath, _, names in os.walk(ANALYZER):
        for name in sorted(names):
            if not name.endswith((".h", ".cpp")):
                continue
            path = os.path.join(dirpath, name)
            source = folder_of(path)
            if source not in ALLOWED:
                problems.append(f"{os.path.relpath(path, ROOT)}: folder '{source}' has no row in ALLOWED")
                continue
            with open(path, encoding="utf-8") as f:
                text = f.read()
            for included in INCLUDE.findall(text):
                target = os.path.normpath(os.path.join(dirpath, included))
                if not target.startswith(ANALYZER + os.sep):
                    continue  # format/ and the system: open to all
                target_rel = os.path.relpath(target, ANALYZER)
                dest = folder_of(target)
                where = f"{os.path.relpath(path, ROOT)} includes {target_rel}"
                if dest != source and dest not in ALLOWED[source]:
                    problems.append(f"{where}: {source}/ may not include {dest}/")
                elif source == "views" and dest == "findings" and target_rel not in VIEWS_MAY_INCLUDE_FROM_FINDINGS:
                    problems.append(f"{where}: views read Finding structs, not rules")
                elif source == "views" and target_rel in VIEWS_MAY_NOT_INCLUDE:
                    problems.append(f"{where}: views are handed this analysis's result, they do not compute it")
    return problems


if __name__ == "__main__":
    found = check()
    for p in found:
        print(p)
    if found:
        print(f"check_include_direction: {len(found)} include(s) point up the pipeline", file=sys.stderr)
        sys.exit(1)
    print("check_include_direction: every analyzer include points down the pipeline")
