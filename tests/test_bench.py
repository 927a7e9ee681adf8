"""Smoke test of the benchmark (structure only: no timing is asserted)."""
import gzip
import json

from pipeline.commands import bench


def test_bench_runs_on_a_few_documents(tmp_path):
    corpus = tmp_path / "corpus.jsonl.gz"
    src = bench.DEFAULT_CORPUS
    lines = []
    if src.is_file():
        with gzip.open(src, "rt", encoding="utf-8") as f:
            for line in f:
                lines.append(line)
                if len(lines) == 20:
                    break
    else:  # no shared corpus: a made-up one
        lines = [json.dumps({"id": f"d{i}", "text": "وقال الوزير إن «الوضع مستقر».\nوأضاف أنه متفائل."},
                            ensure_ascii=False) + "\n" for i in range(20)]
    with gzip.open(corpus, "wt", encoding="utf-8") as f:
        f.writelines(lines)
    printed = []
    res = bench.run_bench(docs=20, corpus=str(corpus), skip_e2e=True, out=printed.append)
    assert res["sample"]["docs"] == 20
    assert set(res["phases"]) == {"tokenize", "pipeline"}
    for phase in res["phases"].values():
        for key in ("wall", "cpu", "docs_s", "mb_s", "tokens_s", "peak_rss_mb"):
            assert phase[key] >= 0
        assert phase["tokens"] > 0
    assert set(res["ratios"]) == {"b/a", "b/a_cpu"}
    assert {"tokenizer", "isnad_cues", "doc_rows", "parquet"} <= set(res["breakdown"])
    text = "\n".join(printed)
    for needle in ("(a) spacy.blank('ar') tokenise", "(b) pipeline + Parquet", "(b)/(a) speed", "docs/s", "MB/s",
                   "tokens/s", "peak RSS", "--workers"):
        assert needle in text
    assert "(c)" not in text.split("(b)/(a)")[0]


def test_bench_cli_rejects_bad_options(capsys):
    assert bench.main(["--docs", "-1"]) == 2
