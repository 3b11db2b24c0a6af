// Chooses the ANN library of the embedded store, and checks the store end to end.
//
// Data: a mixture of Gaussian clusters normalized to unit length (what sentence embeddings look like: nearest
// neighbours at cosine ~0.7, unrelated texts near 0), N x 384 float32 by default; queries are fresh draws
// from the same mixture. --uniform adds the unrealistic worst case of uniform random directions.
//
// Compared on the same data in the same run, one query at a time on one thread (the store's case: one
// agent's question):
//   exact      brute force with a vectorizable dot-product loop (the reference every ratio is against)
//   faiss-flat faiss IndexFlatIP (exact, as a check of the reference loop)
//   hnswlib    HNSW, M=16, ef_construction=100, ef swept
//   faiss-hnsw faiss IndexHNSWFlat, same M and ef_construction, ef swept
//   faiss-ivf  faiss IndexIVFFlat, nlist = sqrt(N), nprobe swept
//   store      the SqliteStore through VectorStore::search (index, SQLite row reads, exact rescoring) and the
//              same store forced to exact search
// Reported: build time, recall@10 against exact, QPS, p50 latency, QPS ratio against exact; and bytes per
// stored vector of the SQLite store (database + index files / count).
//
// Usage: ann_bench [--quick] [--n N] [--dim D] [--queries Q] [--uniform]

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVFFlat.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <numeric>
#include <queue>
#include <random>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "alith/store/sqlite_store.h"
#include "sqlite/ann_index.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kK = 10;
using Idx = faiss::Index::idx_t;  // faiss 1.7.3 spells it inside Index

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Data {
  size_t n = 0, dim = 0;
  std::vector<float> base;     // n x dim, row-major
  std::vector<float> queries;  // q x dim
  size_t q = 0;
  const float* row(size_t i) const { return base.data() + i * dim; }
  const float* query(size_t i) const { return queries.data() + i * dim; }
};

void normalize(float* v, size_t dim) {
  double s = 0;
  for (size_t i = 0; i < dim; ++i) s += static_cast<double>(v[i]) * v[i];
  const auto inv = static_cast<float>(1.0 / std::sqrt(std::max(s, 1e-30)));
  for (size_t i = 0; i < dim; ++i) v[i] *= inv;
}

// Topics and subtopics: one centre per 100 vectors, each drawn around one of 32 topic centres, and points
// spread around their centre a little more than the centre sits from its topic. Nearest neighbours land at
// cosine ~0.7, vectors of one topic at ~0.35, unrelated ones near 0 (the run prints the measured values):
// roughly what MiniLM-class sentence embeddings of a document collection show, and far less separable than
// well-spaced clusters (on which even a coarse IVF scan is exact).
Data make_data(size_t n, size_t q, size_t dim, bool uniform, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0, 1);
  const size_t topics = 32;
  const size_t clusters = std::max<size_t>(16, n / 100);
  std::vector<float> topic(topics * dim), centres(clusters * dim);
  for (auto& x : topic) x = normal(rng);
  for (size_t c = 0; c < clusters; ++c) {
    const float* t = topic.data() + (c % topics) * dim;
    for (size_t i = 0; i < dim; ++i) centres[c * dim + i] = t[i] + 0.8f * normal(rng);
  }
  std::uniform_int_distribution<size_t> pick(0, clusters - 1);
  const float spread = 1.0f;
  auto draw = [&](float* v) {
    if (uniform) {
      for (size_t i = 0; i < dim; ++i) v[i] = normal(rng);
    } else {
      const float* c = centres.data() + pick(rng) * dim;
      for (size_t i = 0; i < dim; ++i) v[i] = c[i] + spread * normal(rng);
    }
    normalize(v, dim);
  };
  Data d;
  d.n = n;
  d.q = q;
  d.dim = dim;
  d.base.resize(n * dim);
  d.queries.resize(q * dim);
  for (size_t i = 0; i < n; ++i) draw(d.base.data() + i * dim);
  for (size_t i = 0; i < q; ++i) draw(d.queries.data() + i * dim);
  return d;
}

// Mean cosine of each query's nearest neighbour and of random pairs: says what the data looks like.
void describe(const Data& d, const std::vector<std::vector<int64_t>>& truth);

// The exact reference: eight partial sums per dot product, so GCC vectorizes it without -ffast-math.
float dot(const float* a, const float* b, size_t dim) {
  float acc[8] = {};
  size_t i = 0;
  for (; i + 8 <= dim; i += 8)
    for (size_t l = 0; l < 8; ++l) acc[l] += a[i + l] * b[i + l];
  float s = 0;
  for (float x : acc) s += x;
  for (; i < dim; ++i) s += a[i] * b[i];
  return s;
}

std::vector<int64_t> exact_top_k(const Data& d, const float* q, size_t k) {
  using Entry = std::pair<float, int64_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> top;
  for (size_t i = 0; i < d.n; ++i) {
    const float s = dot(q, d.row(i), d.dim);
    if (top.size() < k) {
      top.emplace(s, static_cast<int64_t>(i));
    } else if (s > top.top().first) {
      top.pop();
      top.emplace(s, static_cast<int64_t>(i));
    }
  }
  std::vector<int64_t> out;
  while (!top.empty()) {
    out.push_back(top.top().second);
    top.pop();
  }
  std::reverse(out.begin(), out.end());
  return out;
}

void describe(const Data& d, const std::vector<std::vector<int64_t>>& truth) {
  double nn1 = 0, nn10 = 0, random = 0;
  std::mt19937 rng(1);
  std::uniform_int_distribution<size_t> pick(0, d.n - 1);
  for (size_t i = 0; i < d.q; ++i) {
    nn1 += dot(d.query(i), d.row(static_cast<size_t>(truth[i].front())), d.dim);
    nn10 += dot(d.query(i), d.row(static_cast<size_t>(truth[i].back())), d.dim);
    random += dot(d.query(i), d.row(pick(rng)), d.dim);
  }
  const auto q = static_cast<double>(d.q);
  std::printf("data: mean cosine to the 1st neighbour %.3f, to the 10th %.3f, to a random vector %.3f\n",
              nn1 / q, nn10 / q, random / q);
}

struct Result {
  double recall = 0, qps = 0, p50_ms = 0;
};

// Runs search(query index) -> ids for the first `queries` queries, one at a time, `reps` times; the machine
// is shared, so the fastest pass is reported (recall comes from the first; it does not change between
// passes).
Result measure(const Data& d, const std::vector<std::vector<int64_t>>& truth,
               const std::function<std::vector<int64_t>(size_t)>& search, size_t queries = 0, int reps = 3) {
  if (queries == 0 || queries > d.q) queries = d.q;
  Result best;
  double hits = 0;
  for (int rep = 0; rep < reps; ++rep) {
    std::vector<double> latencies;
    std::vector<std::vector<int64_t>> answers(queries);
    const auto start = Clock::now();
    for (size_t i = 0; i < queries; ++i) {
      const auto t = Clock::now();
      answers[i] = search(i);
      latencies.push_back(seconds_since(t) * 1e3);
    }
    const double qps = static_cast<double>(queries) / seconds_since(start);
    std::sort(latencies.begin(), latencies.end());
    if (rep == 0)
      for (size_t i = 0; i < queries; ++i) {
        const std::unordered_set<int64_t> want(truth[i].begin(), truth[i].end());
        for (auto id : answers[i]) hits += static_cast<double>(want.count(id));
      }
    if (qps > best.qps) {
      best.qps = qps;
      best.p50_ms = latencies[latencies.size() / 2];
    }
  }
  best.recall = hits / static_cast<double>(queries * kK);
  return best;
}

double exact_qps = 0, exact_p50 = 0;

void row(const char* name, const std::string& setting, double build_s, const Result& r) {
  // Two speed-ups against exact: by throughput, and by median latency (the steadier one on a shared machine).
  std::printf(
      "%-11s %-16s build %7.2f s  recall@10 %.4f  QPS %9.1f  p50 %8.3f ms  x exact: QPS %6.1f p50 %6.1f\n",
      name, setting.c_str(), build_s, r.recall, r.qps, r.p50_ms, r.qps / exact_qps, exact_p50 / r.p50_ms);
}

size_t dir_bytes(const std::filesystem::path& dir) {
  size_t total = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.is_regular_file()) total += e.file_size();
  return total;
}

std::vector<alith::store::Record> records(const Data& d, size_t from, size_t to) {
  std::vector<alith::store::Record> out;
  for (size_t i = from; i < to; ++i)
    out.push_back({"v" + std::to_string(i),
                   std::vector<float>(d.row(i), d.row(i) + d.dim),
                   "chunk " + std::to_string(i),
                   {{"i", i}}});
  return out;
}

void run(const Data& d, size_t threads, const char* label) {
  std::printf("\n== %s: N=%zu dim=%zu queries=%zu (single-threaded queries; builds on %zu threads) ==\n",
              label, d.n, d.dim, d.q, threads);
  std::vector<std::vector<int64_t>> truth(d.q);
  {
    const auto start = Clock::now();
    for (size_t i = 0; i < d.q; ++i) truth[i] = exact_top_k(d, d.query(i), kK);
    exact_qps = static_cast<double>(d.q) / seconds_since(start);
  }
  describe(d, truth);
  const auto exact = measure(d, truth, [&](size_t i) { return exact_top_k(d, d.query(i), kK); });
  exact_qps = exact.qps;
  exact_p50 = exact.p50_ms;
  row("exact", "brute force", 0, exact);

  omp_set_num_threads(1);
  {
    faiss::IndexFlatIP flat(static_cast<Idx>(d.dim));
    flat.add(static_cast<Idx>(d.n), d.base.data());
    std::vector<float> dist(kK);
    std::vector<Idx> ids(kK);
    row("faiss-flat", "IndexFlatIP", 0, measure(d, truth, [&](size_t i) {
          flat.search(1, d.query(i), kK, dist.data(), ids.data());
          return std::vector<int64_t>(ids.begin(), ids.end());
        }));
  }

  const size_t m = 16, ef_construction = 100;
  const std::vector<size_t> efs = {16, 32, 64, 96, 128, 256};
  {
    // hnswlib through the store's own thin wrapper (hnswlib 0.6.2's headers define globals, so only one
    // translation unit of a program may include them: the library's).
    std::vector<std::pair<int64_t, std::vector<float>>> items(d.n);
    for (size_t i = 0; i < d.n; ++i) items[i] = {static_cast<int64_t>(i), {d.row(i), d.row(i) + d.dim}};
    const auto start = Clock::now();
    const auto index = alith::store::sqlite::AnnIndex::build(alith::store::Metric::dot, d.dim,
                                                             {m, ef_construction}, items, threads);
    const double build = seconds_since(start);
    for (size_t ef : efs)
      row("hnswlib", "ef=" + std::to_string(ef), build, measure(d, truth, [&](size_t i) {
            std::vector<int64_t> ids;
            for (const auto& [label, distance] : index->search({d.query(i), d.dim}, kK, ef))
              ids.push_back(label);
            return ids;
          }));
  }
  {
    omp_set_num_threads(static_cast<int>(threads));
    faiss::IndexHNSWFlat index(static_cast<int>(d.dim), static_cast<int>(m), faiss::METRIC_INNER_PRODUCT);
    index.hnsw.efConstruction = static_cast<int>(ef_construction);
    const auto start = Clock::now();
    index.add(static_cast<Idx>(d.n), d.base.data());
    const double build = seconds_since(start);
    omp_set_num_threads(1);
    std::vector<float> dist(kK);
    std::vector<Idx> ids(kK);
    for (size_t ef : efs) {
      index.hnsw.efSearch = static_cast<int>(ef);
      row("faiss-hnsw", "ef=" + std::to_string(ef), build, measure(d, truth, [&](size_t i) {
            index.search(1, d.query(i), kK, dist.data(), ids.data());
            return std::vector<int64_t>(ids.begin(), ids.end());
          }));
    }
  }
  {
    omp_set_num_threads(static_cast<int>(threads));
    // nlist = sqrt(N), trained on 50 points per list for 10 iterations: Debian's faiss runs on reference
    // BLAS, so k-means on more is minutes.
    const auto nlist = static_cast<size_t>(std::sqrt(static_cast<double>(d.n)));
    faiss::IndexFlatIP quantizer(static_cast<Idx>(d.dim));
    faiss::IndexIVFFlat index(&quantizer, d.dim, nlist, faiss::METRIC_INNER_PRODUCT);
    const auto start = Clock::now();
    index.cp.niter = 10;
    const size_t train = std::min(d.n, nlist * 50);
    index.train(static_cast<Idx>(train), d.base.data());
    index.add(static_cast<Idx>(d.n), d.base.data());
    const double build = seconds_since(start);
    omp_set_num_threads(1);
    std::vector<float> dist(kK);
    std::vector<Idx> ids(kK);
    for (size_t nprobe : {4, 8, 16, 32, 64}) {
      index.nprobe = nprobe;
      row("faiss-ivf", "nlist=" + std::to_string(nlist) + ",np=" + std::to_string(nprobe), build,
          measure(d, truth, [&](size_t i) {
            index.search(1, d.query(i), kK, dist.data(), ids.data());
            return std::vector<int64_t>(ids.begin(), ids.end());
          }));
    }
  }

  // The store, end to end.
  const auto dir = std::filesystem::temp_directory_path() / ("alith-ann-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "kb.db").string();
  {
    alith::store::SqliteOptions options;
    options.build_threads = threads;
    auto store = alith::store::open_sqlite_store(path, {}, options);
    auto start = Clock::now();
    for (size_t from = 0; from < d.n; from += 1000)
      store->upsert(records(d, from, std::min(d.n, from + 1000)));
    const double ingest = seconds_since(start);
    start = Clock::now();
    store->search(std::span<const float>(d.query(0), d.dim), kK);  // builds and saves the index
    const double build = seconds_since(start);
    std::printf("store      ingest %.2f s (%.0f records/s), index build+save %.2f s\n", ingest,
                static_cast<double>(d.n) / ingest, build);
    auto id_of = [](const std::string& id) { return static_cast<int64_t>(std::stoll(id.substr(1))); };
    auto through = [&](alith::store::VectorStore& s) {
      return [&](size_t i) {
        std::vector<int64_t> ids;
        for (const auto& h : s.search(std::span<const float>(d.query(i), d.dim), kK))
          ids.push_back(id_of(h.id));
        return ids;
      };
    };
    row("store", "ann ef=" + std::to_string(options.ef_search), build, measure(d, truth, through(*store)));
    alith::store::SqliteOptions exact_options;
    exact_options.ann = false;
    auto exact_store = alith::store::open_sqlite_store(path, {}, exact_options);
    const auto e = measure(d, truth, through(*exact_store), std::min<size_t>(d.q, 20), 1);
    row("store", "exact (SQLite)", 0, e);
    store.reset();  // closes and saves
    const size_t bytes = dir_bytes(dir);
    std::printf(
        "store      %.0f bytes per stored vector (%zu bytes for %zu vectors of %zu floats = %zu raw)\n",
        static_cast<double>(bytes) / static_cast<double>(d.n), bytes, d.n, d.dim, d.dim * sizeof(float));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows as it happens, even into a file
  size_t n = 100000, dim = 384, q = 200;
  bool uniform = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") {
      n = 10000;
      dim = 128;
      q = 100;
    } else if (a == "--n" && i + 1 < argc) {
      n = std::stoul(argv[++i]);
    } else if (a == "--dim" && i + 1 < argc) {
      dim = std::stoul(argv[++i]);
    } else if (a == "--queries" && i + 1 < argc) {
      q = std::stoul(argv[++i]);
    } else if (a == "--uniform") {
      uniform = true;
    } else {
      std::fprintf(stderr, "usage: ann_bench [--quick] [--n N] [--dim D] [--queries Q] [--uniform]\n");
      return 2;
    }
  }
  const size_t threads = std::max(1u, std::thread::hardware_concurrency());
  run(make_data(n, q, dim, false, 42), threads, "clustered unit vectors (sentence-embedding-like)");
  if (uniform) run(make_data(n, q, dim, true, 43), threads, "uniform random directions (worst case)");
  return 0;
}
