#pragma once

// The checkpointer backends open_checkpointer chooses from (flow/open_checkpointer.cpp).

#include <memory>
#include <string>

#include "alith/flow/checkpointer.h"

namespace alith::flow::detail {

std::shared_ptr<Checkpointer> make_memory_checkpointer();
// path: a file, created when missing.
std::shared_ptr<Checkpointer> make_sqlite_checkpointer(const std::string& path,
                                                       const CheckpointerOptions& options);
// uri: a libpq URI (postgres:// or postgresql://).
std::shared_ptr<Checkpointer> make_postgres_checkpointer(const std::string& uri);
// uri: redis://host:port[/db]
std::shared_ptr<Checkpointer> make_redis_checkpointer(const std::string& uri);

}  // namespace alith::flow::detail
