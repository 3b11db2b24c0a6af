#include "flow/checkpointers/backends.h"

namespace alith::flow {

std::shared_ptr<Checkpointer> open_checkpointer(const std::string& ref, const CheckpointerOptions& options) {
  auto starts = [&](std::string_view prefix) { return ref.rfind(prefix, 0) == 0; };
  if (ref == "memory:" || ref == "memory") return detail::make_memory_checkpointer();
  if (starts("sqlite:")) {
    std::string path = ref.substr(7);
    if (path.rfind("//", 0) == 0) path = path.substr(2);  // sqlite://path as well as sqlite:path
    if (path.empty()) throw ConfigError("checkpointer: sqlite: needs a file path");
    return detail::make_sqlite_checkpointer(path, options);
  }
  if (starts("postgres://") || starts("postgresql://")) return detail::make_postgres_checkpointer(ref);
  if (starts("redis://")) return detail::make_redis_checkpointer(ref);
  throw ConfigError("checkpointer: unknown reference '" + ref.substr(0, ref.find(':')) +
                    ":...' (use memory:, sqlite:PATH, postgres://... or redis://...)");
}

}  // namespace alith::flow
