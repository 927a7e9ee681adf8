"""Are two isnad outputs the same, row by row?  (Speed changes must not change outputs.)

    # run this checkout and another revision on the same articles, then compare
    python bench/compare_outputs.py --against main --docs 2000
    # compare two output folders that are already there
    python bench/compare_outputs.py OUT_A OUT_B

``--against REV`` extracts ``REV`` with ``git archive`` into a temporary folder, writes a
sample of ``--docs`` articles spread over the whole corpus (every k-th article with a
text, so every outlet is in it; ``--first`` takes the first ones instead), runs
``run.py SAMPLE --out DIR --workers 1`` with both trees and the same Python, and compares.

Every table is read whole (all part files), the run-dependent columns
(``processed_at``, the ``run_id`` partition) are left out, and the rows are compared
as sorted lists: the tables must hold exactly the same rows.  Prints the row counts
and the first differences; exit status 0 when identical, 1 otherwise.
"""
from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "saudinewsnet.jsonl.gz"
TABLES = ("documents", "sentences", "quotes", "speakers", "sources", "rejected")
IGNORED = {"processed_at", "run_id"}


def extract_tree(rev: str, dest: Path) -> None:
    """The files of revision ``rev`` of this repository, unpacked into ``dest``."""
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)


def write_sample(corpus: Path, n: int, path: Path, first: bool = False) -> int:
    """``n`` articles with a text: every k-th of the corpus (or the first ``n``)."""
    with gzip.open(corpus, "rt", encoding="utf-8") as f:
        rows = [o for o in map(json.loads, filter(str.strip, f)) if (o.get("text") or "").strip()]
    step = 1 if first else max(1, len(rows) // n)
    picked = rows[::step][:n]
    with open(path, "w", encoding="utf-8") as out:
        for o in picked:
            out.write(json.dumps({"id": str(o.get("id") or o.get("doc_id")), "text": o["text"],
                                  "title": o.get("title"), "url": o.get("url"), "source": o.get("source"),
                                  "date": o.get("date")}, ensure_ascii=False) + "\n")
    return len(picked)


def read_table(out: Path, name: str) -> list[tuple]:
    import pyarrow.parquet as pq

    files = sorted(p for p in (out / name).rglob("*.parquet") if not p.name.startswith("."))
    rows: list[tuple] = []
    for f in files:
        t = pq.read_table(f)
        keep = [c for c in t.column_names if c not in IGNORED]
        for r in t.select(keep).to_pylist():
            rows.append(tuple(sorted((k, repr(v)) for k, v in r.items())))
    rows.sort()
    return rows


def compare(a: Path, b: Path, show: int = 5) -> bool:
    same = True
    for name in TABLES:
        ra, rb = read_table(a, name), read_table(b, name)
        if ra == rb:
            print(f"  {name:10} {len(ra):8,} rows  identical")
            continue
        same = False
        sa, sb = set(ra), set(rb)
        only_a, only_b = sorted(sa - sb), sorted(sb - sa)
        print(f"  {name:10} {len(ra):8,} vs {len(rb):,} rows  DIFFERENT: {len(only_a)} only in A, "
              f"{len(only_b)} only in B")
        for label, rows in (("A", only_a), ("B", only_b)):
            for r in rows[:show]:
                print(f"    {label}: {dict(r)}"[:600])
    return same


def run_tree(tree: Path, sample: Path, out: Path) -> None:
    cmd = [sys.executable, str(tree / "run.py"), str(sample), "--out", str(out), "--workers", "1", "--quiet"]
    res = subprocess.run(cmd, cwd=tree, capture_output=True, text=True)
    if res.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(cmd)} exited {res.returncode}\n{res.stderr[-2000:]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outputs", nargs="*", help="two output folders to compare")
    ap.add_argument("--against", metavar="REV", help="a git revision to run and compare with this checkout")
    ap.add_argument("--docs", type=int, default=2000, help="articles in the sample (default 2000)")
    ap.add_argument("--first", action="store_true", help="the first --docs articles, not spread over the corpus")
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--keep", metavar="DIR", help="keep the sample and both outputs in DIR")
    args = ap.parse_args(argv)
    if args.against is None:
        if len(args.outputs) != 2:
            ap.error("give two output folders, or --against REV")
        ok = compare(Path(args.outputs[0]), Path(args.outputs[1]))
        print("identical" if ok else "DIFFERENT")
        return 0 if ok else 1
    with tempfile.TemporaryDirectory(prefix="isnad-compare-") as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        base = Path(tmp) / "base"
        base.mkdir()
        extract_tree(args.against, base)
        sample = work / "sample.jsonl"
        n = write_sample(Path(args.corpus), args.docs, sample, args.first)
        out_a, out_b = work / "out_against", work / "out_this"
        for d in (out_a, out_b):
            subprocess.run(["rm", "-rf", str(d)], check=True)
        run_tree(base, sample, out_a)
        run_tree(ROOT, sample, out_b)
        print(f"{n} articles; A = {args.against}, B = this checkout ({ROOT})")
        ok = compare(out_a, out_b)
    print("identical" if ok else "DIFFERENT")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
