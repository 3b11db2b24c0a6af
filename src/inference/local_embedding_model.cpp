#include "alith/core/error.h"
#include "alith/inference/local_model.h"

namespace alith::inference {

LocalEmbeddingModel::LocalEmbeddingModel(std::shared_ptr<Embedder> embedder, std::string id)
    : embedder_(std::move(embedder)), id_(std::move(id)) {
  if (!embedder_) throw InvalidArgumentError("LocalEmbeddingModel: no embedder");
}

std::vector<std::vector<float>> LocalEmbeddingModel::embed(const std::vector<std::string>& inputs,
                                                           const llm::CallOptions& options) {
  return embedder_->embed(inputs, options.cancel);
}

}  // namespace alith::inference
