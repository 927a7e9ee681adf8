"""Draw merged person keys to check by hand: ``python bench/people_sample.py OUT [--seed N] [--n 100]``.

A merged key is a ``speakers.person_key`` shared by two or more documents.  For each key
drawn at random it prints the key, its type, the number of documents, and the distinct
(name | title) forms it groups with their counts — enough to judge whether they are one
person or organisation.  The README's precision figure is this sample, judged by hand.
"""
from __future__ import annotations

import argparse
import random
from collections import Counter, defaultdict

import duckdb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="an isnad output folder")
    ap.add_argument("--seed", type=int, default=99)
    ap.add_argument("--n", type=int, default=100)
    args = ap.parse_args()
    rows = duckdb.sql(f"""SELECT doc_id, name, type, title, person_key
                          FROM read_parquet('{args.out}/speakers/**/*.parquet')
                          WHERE person_key IS NOT NULL""").fetchall()
    groups: dict[str, list] = defaultdict(list)
    for r in rows:
        groups[r[4]].append(r)
    merged = sorted(k for k, v in groups.items() if len({r[0] for r in v}) > 1)
    print(f"{len(rows)} keyed speakers, {len(groups)} keys, {len(merged)} merged keys "
          f"({sum(groups[k][0][2] == 'person' for k in merged)} of people)")
    random.seed(args.seed)
    for i, k in enumerate(random.sample(merged, min(args.n, len(merged))), 1):
        v = groups[k]
        forms = Counter((r[1], r[3]) for r in v)
        typ = Counter(r[2] for r in v).most_common(1)[0][0]
        print(f"{i:3d}. {k}  [{len({r[0] for r in v})} docs, {typ}]")
        for (name, title), c in forms.most_common(5):
            print(f"       {c}x {name} | {title}")
        if len(forms) > 5:
            print(f"       ... {len(forms) - 5} more forms")


if __name__ == "__main__":
    main()
