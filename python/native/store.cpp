// alith.VectorStore: the store/ module (open_store, CRUD, filters, vector, keyword and hybrid search).
// Records and hits cross as dicts; filters as dicts in the filter grammar of store/filter.h.

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <memory>
#include <string>
#include <vector>

#include "alith/store/hybrid.h"
#include "alith/store/vector_store.h"
#include "convert.h"
#include "gil.h"
#include "mods_bindings.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace alith_py {

alith::store::Filter filter_from_python(nb::handle filter) {
  if (!filter.is_valid() || filter.is_none()) return {};
  // alith.knowledge.Filter (the Python builder) stands for its dict.
  if (nb::hasattr(filter, "to_dict"))
    return alith::store::Filter::from_json(from_python(filter.attr("to_dict")()));
  return alith::store::Filter::from_json(from_python(filter));
}

nb::dict hit_to_python(const alith::store::Hit& hit) {
  nb::dict d;
  d["id"] = hit.id;
  d["score"] = hit.score;
  d["text"] = hit.text;
  d["metadata"] = to_python(hit.metadata);
  return d;
}

alith::store::Hit hit_from_python(nb::handle item) {
  nb::dict d = nb::borrow<nb::dict>(item);
  alith::store::Hit h;
  h.id = nb::cast<std::string>(d["id"]);
  if (d.contains("score")) h.score = nb::cast<float>(d["score"]);
  if (d.contains("text")) h.text = nb::cast<std::string>(d["text"]);
  if (d.contains("metadata")) h.metadata = from_python(d["metadata"]);
  return h;
}

nb::list hits_to_python(const std::vector<alith::store::Hit>& hits) {
  nb::list out;
  for (const auto& hit : hits) out.append(hit_to_python(hit));
  return out;
}

namespace {

alith::store::Record record_from_python(nb::handle item) {
  if (!nb::isinstance<nb::dict>(item))
    throw nb::type_error("a record is a dict {id, vector, text, metadata}");
  nb::dict d = nb::borrow<nb::dict>(item);
  alith::store::Record r;
  if (!d.contains("id")) throw nb::key_error("record without 'id'");
  r.id = nb::cast<std::string>(d["id"]);
  if (!d.contains("vector")) throw nb::key_error("record without 'vector'");
  r.vector = nb::cast<std::vector<float>>(d["vector"]);
  if (d.contains("text")) r.text = nb::cast<std::string>(d["text"]);
  if (d.contains("metadata") && !d["metadata"].is_none()) r.metadata = from_python(d["metadata"]);
  return r;
}

nb::dict record_to_python(const alith::store::Record& r) {
  nb::dict d;
  d["id"] = r.id;
  d["vector"] = nb::cast(r.vector);
  d["text"] = r.text;
  d["metadata"] = to_python(r.metadata);
  return d;
}

}  // namespace

void bind_store(nb::module_& m) {
  using alith::store::VectorStore;
  nb::class_<VectorStore>(m, "VectorStore",
                          "A vector store (sqlite, postgres, chroma or qdrant), opened by open_store().")
      .def(
          "upsert",
          [](VectorStore& s, nb::iterable records) {
            std::vector<alith::store::Record> rs;
            for (nb::handle item : records) rs.push_back(record_from_python(item));
            nb::gil_scoped_release release;
            s.upsert(rs);
          },
          "records"_a, "Inserts or replaces records ({id, vector, text, metadata}) atomically.")
      .def(
          "remove",
          [](VectorStore& s, std::vector<std::string> ids) {
            nb::gil_scoped_release release;
            return s.remove(ids);
          },
          "ids"_a, "Removes records by id; returns how many existed.")
      .def(
          "remove_where",
          [](VectorStore& s, nb::handle filter) {
            auto f = filter_from_python(filter);
            nb::gil_scoped_release release;
            return s.remove_where(f);
          },
          "filter"_a, "Removes every record matching the filter (an empty filter removes nothing).")
      .def(
          "get",
          [](VectorStore& s, const std::string& id) -> nb::object {
            std::optional<alith::store::Record> r = without_gil([&] { return s.get(id); });
            if (!r) return nb::none();
            return record_to_python(*r);
          },
          "id"_a, "The record with this id, or None.")
      .def(
          "count",
          [](VectorStore& s, nb::handle filter) {
            auto f = filter_from_python(filter);
            nb::gil_scoped_release release;
            return s.count(f);
          },
          "filter"_a = nb::none(), "Records matching the filter (all without one).")
      .def(
          "search",
          [](VectorStore& s, std::vector<float> vector, size_t k, nb::handle filter) {
            auto f = filter_from_python(filter);
            std::vector<alith::store::Hit> hits = without_gil([&] { return s.search(vector, k, f); });
            return hits_to_python(hits);
          },
          "vector"_a, "k"_a = 10, "filter"_a = nb::none(),
          "The k most similar records matching the filter, best first: [{id, score, text, metadata}].")
      .def(
          "keyword_search",
          [](VectorStore& s, const std::string& text, size_t k, nb::handle filter) {
            auto f = filter_from_python(filter);
            std::vector<alith::store::Hit> hits = without_gil([&] { return s.keyword_search(text, k, f); });
            return hits_to_python(hits);
          },
          "text"_a, "k"_a = 10, "filter"_a = nb::none(),
          "Full-text (BM25) search, best first; UnsupportedError for stores without it.")
      .def(
          "hybrid_search",
          [](VectorStore& s, std::vector<float> vector, const std::string& text, size_t k, size_t candidates,
             double rrf_k, nb::handle filter) {
            alith::store::HybridOptions options;
            options.k = k;
            options.candidates = candidates;
            options.rrf_k = rrf_k;
            options.filter = filter_from_python(filter);
            std::vector<alith::store::Hit> hits =
                without_gil([&] { return alith::store::hybrid_search(s, vector, text, options); });
            return hits_to_python(hits);
          },
          "vector"_a, "text"_a, "k"_a = 10, "candidates"_a = 50, "rrf_k"_a = 60.0, "filter"_a = nb::none(),
          "Vector and keyword search fused by reciprocal rank fusion.")
      .def_prop_ro("metric",
                   [](const VectorStore& s) { return std::string(alith::store::to_string(s.metric())); })
      .def_prop_ro("dimensions", &VectorStore::dimensions)
      .def_prop_ro("ref", &VectorStore::ref)
      .def("__len__",
           [](VectorStore& s) {
             nb::gil_scoped_release release;
             return s.count();
           })
      .def("__repr__", [](const VectorStore& s) { return "<VectorStore " + s.ref() + ">"; });

  m.def(
      "open_store",
      [](const std::string& ref, const std::string& collection, const std::string& metric,
         const std::string& embedding_model) {
        alith::store::StoreOptions options;
        options.collection = collection;
        options.metric = alith::store::metric_from_string(metric);
        options.embedding_model = embedding_model;
        std::shared_ptr<VectorStore> store =
            without_gil([&] { return alith::store::open_store(ref, options); });
        return store;
      },
      "ref"_a, "collection"_a = "default", "metric"_a = "cosine", "embedding_model"_a = "",
      "Opens (creating) a store: 'sqlite:PATH', 'postgres://...', 'chroma:http://...', 'qdrant:http://...'.");

  m.def(
      "validate_filter", [](nb::handle filter) { return to_python(filter_from_python(filter).to_json()); },
      "filter"_a,
      "The filter in its canonical form; InvalidArgumentError naming the offending field or operator.");

  m.def(
      "reciprocal_rank_fusion",
      [](nb::list lists, double rrf_k, size_t k) {
        std::vector<std::vector<alith::store::Hit>> ranked;
        for (nb::handle list : lists) {
          std::vector<alith::store::Hit> hits;
          for (nb::handle item : list) {
            hits.push_back(hit_from_python(item));
          }
          ranked.push_back(std::move(hits));
        }
        return hits_to_python(alith::store::reciprocal_rank_fusion(ranked, rrf_k, k));
      },
      "ranked_lists"_a, "rrf_k"_a = 60.0, "k"_a = 10, "Fuses ranked hit lists by reciprocal rank fusion.");
}

}  // namespace alith_py
