"""The sentence-transformers side of ingest_bench's embedding comparison.

Embeds the same texts as alith's Embedder, with the same model (the Hugging Face folder that
`scripts/fetch-model minilm` installs) on the CPU with a fixed thread count, and prints one JSON object:

    {"sets": [{"name", "texts", "seconds", "texts_per_second", "dims", "batch_size",
               "sample": {"<index>": [floats...]}}], "torch": "<version>", ...}

Usage: python sentence_transformers_embed.py --model DIR --threads N [--batch-size 32] [--sample I,J,...]
                                             NAME=TEXTS.jsonl [NAME=TEXTS.jsonl ...]
Each TEXTS.jsonl holds one JSON string per line. Only encode() is timed, after a warm-up batch, so loading
PyTorch and the model is not counted. Run by bench/ingest_bench.cpp in the venv of scripts/bench-venv.
"""

import argparse
import json
import os
import sys
import time


def load_model(model_dir):
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(model_dir, device="cpu"), "modules.json"
    except Exception as error:  # a folder without sentence-transformers' own configuration
        print(f"loading {model_dir} as a SentenceTransformer failed ({error}); building its modules",
              file=sys.stderr)
        from sentence_transformers import models

        transformer = models.Transformer(model_dir, max_seq_length=256)
        pooling = models.Pooling(transformer.get_word_embedding_dimension(), "mean")
        return SentenceTransformer(modules=[transformer, pooling, models.Normalize()], device="cpu"), "built"


def read_texts(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--sample", default="", help="comma-separated indices whose vectors are printed")
    parser.add_argument("sets", nargs="+", help="NAME=TEXTS.jsonl")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    model, loaded_as = load_model(args.model)
    model.eval()
    sample = [int(i) for i in args.sample.split(",") if i]

    out = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "loaded_as": loaded_as,
        "max_seq_length": model.max_seq_length,
        "python": sys.version.split()[0],
        "sets": [],
    }
    try:
        import sentence_transformers

        out["sentence_transformers"] = sentence_transformers.__version__
    except AttributeError:
        pass
    for spec in args.sets:
        name, _, path = spec.partition("=")
        texts = read_texts(path)
        with torch.inference_mode():
            model.encode(texts[: args.batch_size], batch_size=args.batch_size, normalize_embeddings=True)
            start = time.perf_counter()
            vectors = model.encode(texts, batch_size=args.batch_size, normalize_embeddings=True,
                                   convert_to_numpy=True, show_progress_bar=False)
            seconds = time.perf_counter() - start
        out["sets"].append({
            "name": name,
            "texts": len(texts),
            "seconds": seconds,
            "texts_per_second": len(texts) / seconds if seconds > 0 else 0.0,
            "dims": int(vectors.shape[1]),
            "batch_size": args.batch_size,
            "sample": {str(i): [float(x) for x in vectors[i]] for i in sample if 0 <= i < len(texts)},
        })
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.exit(main())
