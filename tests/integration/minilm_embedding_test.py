#!/usr/bin/env python3
"""Checks `alith convert` end to end on all-MiniLM-L6-v2: the GGUF it writes must embed, in llama.cpp's
llama-server, like the original model does.

The reference is an independent NumPy forward pass of BERT (embeddings, six encoder layers with exact GELU),
mean pooling and L2 normalization, computed in float64 from the checkpoint's model.safetensors, on token ids
from the model's own tokenizer.json (Hugging Face `tokenizers`). That is what sentence-transformers computes for
this model; PyTorch itself is not installable here in reasonable size (its PyPI wheels pull in gigabytes of
CUDA libraries).

For each output type (f16, f32) the test converts the model into a temporary folder, starts llama-server with
`--embedding --pooling mean` on a free port, and requires for every sentence: the same token ids as the
reference tokenizer, and a cosine similarity of at least 0.99 with the reference embedding. A last run without
--pooling checks that the GGUF's own pooling type (mean) is what llama.cpp uses.

Usage: minilm_embedding_test.py --alith PATH --llama-server PATH [--hf-dir DIR]
Runs itself under the reference venv (scripts/test-venv) when numpy & co. are not importable.
"""

import argparse
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The matrices are small; OpenBLAS threads only fight llama-server and parallel builds for the cores.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

try:
    import numpy as np
    import safetensors.numpy
    import tokenizers
except ImportError:
    if os.environ.get("ALITH_IN_TEST_VENV"):
        raise
    python = subprocess.run([str(ROOT / "scripts" / "test-venv")], check=True, capture_output=True,
                            text=True).stdout.strip()
    os.environ["ALITH_IN_TEST_VENV"] = "1"
    os.execv(python, [python, __file__, *sys.argv[1:]])

MIN_COSINE = 0.99

SENTENCES = [
    "This is an example sentence.",
    "Each sentence is converted to a vector.",
    "The quick brown fox jumps over the lazy dog.",
    "A man is playing a guitar on the stage.",
    "How do I reset my password if I forgot my email address?",
    "Stock markets fell sharply on Tuesday after the central bank raised interest rates by 0.5%.",
    "Photosynthesis converts light energy into chemical energy stored in glucose.",
    "I absolutely loved this movie! The acting was superb, and the ending... wow.",
    "Never gonna give you up, never gonna let you down.",
    "def fibonacci(n): return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)",
    "Café naïve résumé: accents should be stripped by the uncased tokenizer.",
    "UNCASED MODELS LOWERCASE EVERYTHING, Even Mixed Case Text.",
    "Der schnelle braune Fuchs springt über den faulen Hund.",
    "東京は日本の首都です。",
    "The meeting is scheduled for 10:30 a.m. on 2024-03-15 in room B-204.",
    "unbelievably, the antidisestablishmentarianism debate continued for hours",
    "Why?",
    "Machine learning models can be converted to GGUF to run with llama.cpp without PyTorch.",
    "She sells sea-shells by the sea-shore; the shells she sells are sea-shells, I'm sure.",
    "A very long sentence that keeps going and going, listing apples, oranges, pears, plums, cherries, "
    "grapes, melons, lemons, limes, kiwis, mangoes, papayas, and finally bananas, just to make it long.",
]


# ---------------------------------------------------------------------------------------------- reference


def erf(x):
    # NumPy has no erf and SciPy is not worth installing for one function: Numerical Recipes' erfc
    # approximation (fractional error below 1.2e-7 everywhere) is far more precise than the check needs.
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    r = t * np.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
    return np.where(x >= 0, 1.0 - r, r - 1.0)


def gelu(x):
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def layer_norm(x, w, b, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


class ReferenceBert:
    def __init__(self, hf_dir: Path):
        config = json.loads((hf_dir / "config.json").read_text())
        self.n_layer = config["num_hidden_layers"]
        self.n_head = config["num_attention_heads"]
        self.eps = config.get("layer_norm_eps", 1e-12)
        self.w = {k: v.astype(np.float64) for k, v in safetensors.numpy.load_file(hf_dir / "model.safetensors").items()}
        self.tokenizer = tokenizers.Tokenizer.from_file(str(hf_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=256)  # sentence_bert_config.json's max_seq_length

    def token_ids(self, text):
        return self.tokenizer.encode(text).ids

    def embed(self, text):
        w = self.w
        ids = np.array(self.token_ids(text))
        n = len(ids)
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n] +
             w["embeddings.token_type_embeddings.weight"][0])
        x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        d = x.shape[1] // self.n_head

        def linear(name, v):
            return v @ w[name + ".weight"].T + w[name + ".bias"]

        for i in range(self.n_layer):
            p = f"encoder.layer.{i}."
            q = linear(p + "attention.self.query", x).reshape(n, self.n_head, d).transpose(1, 0, 2)
            k = linear(p + "attention.self.key", x).reshape(n, self.n_head, d).transpose(1, 0, 2)
            v = linear(p + "attention.self.value", x).reshape(n, self.n_head, d).transpose(1, 0, 2)
            scores = q @ k.transpose(0, 2, 1) / math.sqrt(d)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            ctx = (scores @ v).transpose(1, 0, 2).reshape(n, -1)
            x = layer_norm(linear(p + "attention.output.dense", ctx) + x, w[p + "attention.output.LayerNorm.weight"],
                           w[p + "attention.output.LayerNorm.bias"], self.eps)
            h = gelu(linear(p + "intermediate.dense", x))
            x = layer_norm(linear(p + "output.dense", h) + x, w[p + "output.LayerNorm.weight"],
                           w[p + "output.LayerNorm.bias"], self.eps)
        pooled = x.mean(0)
        return pooled / np.linalg.norm(pooled)


# ---------------------------------------------------------------------------------------------- llama-server


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url, body, timeout=60):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read())


class Server:
    def __init__(self, binary, model, pooling, log_path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        args = [binary, "--embedding", "-m", str(model), "--port", str(self.port), "--host", "127.0.0.1",
                "--ctx-size", "512", "--threads", "2"]
        if pooling:
            args += ["--pooling", pooling]
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)

    def __enter__(self):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.flush()
                tail = Path(self.log.name).read_text(errors="replace")[-3000:]
                raise RuntimeError(f"llama-server exited with {self.proc.returncode}:\n{tail}")
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"llama-server did not become healthy; see {self.log.name}")

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def tokens(self, text):
        return post(self.base + "/tokenize", {"content": text, "add_special": True})["tokens"]

    def embeddings(self, texts):
        data = post(self.base + "/v1/embeddings", {"input": texts})["data"]
        return [np.array(d["embedding"], dtype=np.float64) for d in sorted(data, key=lambda d: d["index"])]


# ---------------------------------------------------------------------------------------------- the test


def check(label, server, ref_ids, ref_vecs):
    failures = []
    for text, ids in zip(SENTENCES, ref_ids):
        got = server.tokens(text)
        if got != ids:
            failures.append(f"{label}: tokens differ for {text!r}:\n  llama.cpp {got}\n  reference {ids}")
    return failures + compare(label, server.embeddings(SENTENCES), ref_vecs)


def compare(label, vecs, ref_vecs):
    """Each vector against its sentence's reference (cosine >= MIN_COSINE); returns failure messages."""
    failures = []
    cosines = []
    for text, got, ref in zip(SENTENCES, vecs, ref_vecs):
        c = float(got @ ref / (np.linalg.norm(got) * np.linalg.norm(ref)))
        cosines.append(c)
        if not c >= MIN_COSINE:
            failures.append(f"{label}: cosine {c:.6f} < {MIN_COSINE} for {text!r}")
    # The check must tell sentences apart: each vector against the next sentence's reference stays far lower.
    shifted = [float(g @ r / (np.linalg.norm(g) * np.linalg.norm(r))) for g, r in zip(vecs, ref_vecs[1:] + ref_vecs[:1])]
    if max(shifted) >= MIN_COSINE:
        failures.append(f"{label}: embeddings of different sentences agree ({max(shifted):.4f}); the check is blind")
    print(f"{label}: cosine min {min(cosines):.7f} mean {sum(cosines) / len(cosines):.7f} "
          f"over {len(cosines)} sentences (different sentences: max {max(shifted):.3f})")
    return failures


def check_cli(label, alith, gguf, ref_vecs, stdin, backend):
    args = [alith, "embed", "--model", f"local:{gguf}", "--json", "--threads", "2", "--backend", backend]
    if stdin:
        r = subprocess.run(args, input="\n".join(SENTENCES) + "\n", capture_output=True, text=True)
    else:
        r = subprocess.run(args + ["--", *SENTENCES], capture_output=True, text=True)
    if r.returncode != 0:
        return [f"{label}: alith embed exited with {r.returncode}: {r.stderr.strip()[-2000:]}"]
    out = json.loads(r.stdout)
    failures = []
    vecs = [np.array(v, dtype=np.float64) for v in out["embeddings"]]
    if len(vecs) != len(SENTENCES):
        return [f"{label}: {len(vecs)} embeddings for {len(SENTENCES)} sentences"]
    if out["dimensions"] != len(ref_vecs[0]) or any(len(v) != len(ref_vecs[0]) for v in vecs):
        failures.append(f"{label}: dimensions {out['dimensions']}, expected {len(ref_vecs[0])}")
        return failures
    norms = [float(np.linalg.norm(v)) for v in vecs]
    if max(abs(n - 1.0) for n in norms) > 1e-3:
        failures.append(f"{label}: vectors are not unit length (norms {min(norms):.5f}..{max(norms):.5f})")
    return failures + compare(label, vecs, ref_vecs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--alith", required=True)
    ap.add_argument("--llama-server", required=True)
    ap.add_argument("--hf-dir", help="the model folder (default: scripts/fetch-model minilm)")
    args = ap.parse_args()
    hf_dir = Path(args.hf_dir or subprocess.run([str(ROOT / "scripts" / "fetch-model"), "minilm"], check=True,
                                                capture_output=True, text=True).stdout.strip())

    t0 = time.monotonic()
    ref = ReferenceBert(hf_dir)
    ref_ids = [ref.token_ids(s) for s in SENTENCES]
    ref_vecs = [ref.embed(s) for s in SENTENCES]
    print(f"reference: {len(SENTENCES)} sentences in {time.monotonic() - t0:.2f} s")

    failures = []
    runs_passed = runs_total = 0
    with tempfile.TemporaryDirectory(prefix="alith-minilm-") as tmp:
        for out_type in ("f16", "f32"):
            gguf = Path(tmp) / f"minilm-{out_type}.gguf"
            t0 = time.monotonic()
            subprocess.run([args.alith, "convert", str(hf_dir), str(gguf), "--outtype", out_type], check=True)
            print(f"{out_type}: converted in {time.monotonic() - t0:.2f} s, {gguf.stat().st_size} bytes")
            runs = [("mean", f"{out_type} --pooling mean")]
            if out_type == "f16":
                runs.append((None, "f16 pooling from the GGUF"))
            for pooling, label in runs:
                t0 = time.monotonic()
                with Server(args.llama_server, gguf, pooling, Path(tmp) / f"server-{out_type}.log") as server:
                    f = check(label, server, ref_ids, ref_vecs)
                print(f"{label}: verified in {time.monotonic() - t0:.2f} s")
                failures += f
                runs_total += 1
                runs_passed += not f
            # In-process: alith's Embedder on the same GGUF, the GGUF's pooling, on each backend.
            for backend in ("llama", "onednn"):
                label = (f"{out_type} alith embed --backend {backend} (in-process, texts on "
                         f"{'stdin' if out_type == 'f32' else 'the command line'})")
                t0 = time.monotonic()
                f = check_cli(label, args.alith, gguf, ref_vecs, stdin=out_type == "f32", backend=backend)
                print(f"{label}: verified in {time.monotonic() - t0:.2f} s")
                failures += f
                runs_total += 1
                runs_passed += not f
    for f in failures:
        print("FAIL " + f)
    print(f"{runs_passed} passed, {runs_total - runs_passed} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
