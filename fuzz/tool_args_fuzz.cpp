// Tool arguments from untrusted bytes: parse, validate against a fixed schema, decode into a struct. Also
// uses the input as a schema, to exercise the validator's limits on hostile schemas. Must never crash,
// hang or overflow the stack.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alith/agent/schema.h"

namespace {

using alith::Json;
using alith::agent::field;

struct Address {
  std::string city;
  std::optional<std::string> zip;
  static constexpr auto fields = std::make_tuple(field(&Address::city, "city"), field(&Address::zip, "zip"));
};

struct Args {
  std::string name;
  std::optional<int> count;
  std::vector<double> values;
  std::optional<Address> address;
  std::map<std::string, bool> flags;
  std::optional<std::vector<std::vector<int64_t>>> grid;
  uint8_t level = 0;
  Json extra;
  static constexpr auto fields = std::make_tuple(
      field(&Args::name, "name"), field(&Args::count, "count"), field(&Args::values, "values"),
      field(&Args::address, "address"), field(&Args::flags, "flags"), field(&Args::grid, "grid"),
      field(&Args::level, "level"), field(&Args::extra, "extra"));
};

const Json& fixed_schema() {
  static const Json schema = [] {
    Json s = alith::agent::schema_of<Args>();
    s["properties"]["name"]["minLength"] = 1;
    s["properties"]["name"]["maxLength"] = 64;
    s["properties"]["count"]["minimum"] = 0;
    s["properties"]["values"]["maxItems"] = 100;
    s["properties"]["values"]["uniqueItems"] = true;
    s["$defs"]["tree"] =
        Json{{"anyOf", {{{"type", "integer"}}, {{"type", "array"}, {"items", {{"$ref", "#/$defs/tree"}}}}}}};
    s["properties"]["extra"] =
        Json{{"oneOf", {{{"$ref", "#/$defs/tree"}}, {{"type", "string"}, {"enum", {"a", "b"}}}}}};
    return s;
  }();
  return schema;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = alith::parse_json(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed) return 0;
  const Json& value = *parsed;

  auto valid = alith::agent::validate(value, fixed_schema());
  auto decoded = alith::agent::try_from_json<Args>(value);
  if (decoded) {
    // What decodes must encode back to something the derived schema accepts.
    if (!alith::agent::validate(alith::agent::to_json(*decoded), alith::agent::schema_of<Args>()))
      std::abort();
  }
  (void)valid;

  // The input as a schema (and as its own instance), with a small budget to keep runs fast.
  alith::agent::ValidateOptions options;
  options.max_steps = 20'000;
  (void)alith::agent::validate(fixed_schema(), value, options);
  (void)alith::agent::validate(value, value, options);
  return 0;
}
