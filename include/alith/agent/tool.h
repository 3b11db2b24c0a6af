#pragma once

// Tools an agent can call. A tool has a spec (name, description, JSON Schema of its arguments) and invoke().
//
// Three factories cover most needs:
//   make_tool(name, description, schema, fn)       dynamic: fn(const Json& args, const ToolContext&) -> Json
//   make_tool<Args>(name, description, fn)         typed: Args is a struct with `fields`
//   (alith/agent/schema.h);
//                                                  fn(const Args&) or fn(const Args&, const ToolContext&)
//   make_function_tool(name, description, {"a", "b"}, {"first", "second"},
//                      [](double a, double b) { return a + b; })
//                                                  the schema comes from the parameter types; a last
//                                                  parameter `const ToolContext&` receives the context.
// A tool returns JSON: a string goes to the model verbatim, any other value as JSON text; typed tools may
// return anything to_json knows (a number, a struct, a vector...), or void ("ok").
//
// Thread-safety: invoke() may run on several threads at once (parallel tool calls, concurrent runs), so a
// tool's function must be safe for that. Throwing from a tool is fine: run_tool turns it into an error
// result.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "alith/agent/schema.h"
#include "alith/core/cancel.h"
#include "alith/core/error.h"
#include "alith/core/json.h"
#include "alith/llm/message.h"

namespace alith::agent {

struct ToolContext {
  CancelToken cancel;   // long-running tools should poll it (or pass it on to HTTP calls)
  std::string call_id;  // the model's id for this call
};

class Tool {
 public:
  virtual ~Tool() = default;
  virtual const llm::ToolSpec& spec() const = 0;
  // args have been validated against spec().parameters by the caller (run_tool does this).
  virtual Json invoke(const Json& args, const ToolContext& context) = 0;
};

// What a tool call produced, as the model will see it.
struct ToolOutcome {
  std::string content;
  bool is_error = false;
};

// Validates args against the tool's schema, invokes it and converts the result. Invalid arguments and
// anything the tool throws become an error outcome whose content explains the failure to the model;
// only CancelledError propagates.
ToolOutcome run_tool(Tool& tool, const Json& args, const ToolContext& context);

// Tool names are what providers accept: 1-64 characters of [A-Za-z0-9_-].
bool is_valid_tool_name(std::string_view name) noexcept;

using ToolFunction = std::function<Json(const Json& args, const ToolContext& context)>;

// A tool from a JSON Schema (an object schema) and a function. InvalidArgumentError for a bad name, a schema
// that is not an object, or an empty function.
std::shared_ptr<Tool> make_tool(std::string name, std::string description, Json schema, ToolFunction fn);

namespace detail {

template <class F>
struct callable : callable<decltype(&std::remove_cvref_t<F>::operator())> {};
template <class R, class... A>
struct callable<R (*)(A...)> {
  using result = R;
  using args = std::tuple<A...>;
};
template <class R, class... A>
struct callable<R (*)(A...) noexcept> : callable<R (*)(A...)> {};
template <class R, class... A>
struct callable<R(A...)> : callable<R (*)(A...)> {};
template <class C, class R, class... A>
struct callable<R (C::*)(A...)> : callable<R (*)(A...)> {};
template <class C, class R, class... A>
struct callable<R (C::*)(A...) const> : callable<R (*)(A...)> {};
template <class C, class R, class... A>
struct callable<R (C::*)(A...) noexcept> : callable<R (*)(A...)> {};
template <class C, class R, class... A>
struct callable<R (C::*)(A...) const noexcept> : callable<R (*)(A...)> {};

// Turns what a tool function returned into the tool's JSON result.
template <class Fn>
Json call_to_json(Fn&& fn) {
  using R = std::invoke_result_t<Fn>;
  using D = std::remove_cvref_t<R>;
  if constexpr (std::is_void_v<R>) {
    fn();
    return Json("ok");
  } else if constexpr (std::is_same_v<D, Json>) {
    return fn();
  } else if constexpr (std::is_convertible_v<R, std::string_view> && !std::is_same_v<D, std::nullptr_t>) {
    return Json(std::string(std::string_view(fn())));
  } else {
    static_assert(supported_v<D>, "a tool function must return Json, a string, void or a type to_json knows");
    return to_json<D>(fn());
  }
}

template <class Args>
constexpr bool takes_context() {
  constexpr size_t n = std::tuple_size_v<Args>;
  if constexpr (n == 0) {
    return false;
  } else {
    return std::is_same_v<std::remove_cvref_t<std::tuple_element_t<n - 1, Args>>, ToolContext>;
  }
}

template <class P>
using param_t = std::remove_cvref_t<P>;

Json function_schema(const std::vector<std::string>& names, const std::vector<std::string>& descriptions,
                     std::vector<Json> param_schemas, const std::vector<bool>& optional);

template <class Args, size_t... I>
Json params_schema(const std::vector<std::string>& names, const std::vector<std::string>& descriptions,
                   std::index_sequence<I...>) {
  std::vector<Json> schemas;
  std::vector<bool> optional;
  auto add = [&](auto tag) {
    using P = typename decltype(tag)::type;
    if constexpr (is_optional<P>::value) {
      schemas.push_back(schema_of<typename P::value_type>());
      optional.push_back(true);
    } else {
      schemas.push_back(schema_of<P>());
      optional.push_back(false);
    }
  };
  (add(std::type_identity<param_t<std::tuple_element_t<I, Args>>>{}), ...);
  (void)add;  // unused when the function takes no parameters
  return function_schema(names, descriptions, std::move(schemas), optional);
}

// Decodes one named argument; a missing optional one stays empty. Throws SchemaError.
template <class P>
void decode_param(const Json& args, const std::string& name, P& out) {
  auto it = args.is_object() ? args.find(name) : args.end();
  if (!args.is_object() || it == args.end()) {
    if constexpr (is_optional<P>::value) {
      return;
    } else {
      throw SchemaError("$: missing required property \"" + name + "\"");
    }
  }
  DecodeState state;
  append_key_to_path(state.path, name);
  if (!decode_impl(*it, out, state)) throw SchemaError(state.error);
}

template <class Args, bool WithContext, class F, size_t... I>
Json invoke_function(const F& fn, const std::vector<std::string>& names, const Json& args,
                     const ToolContext& context, std::index_sequence<I...>) {
  (void)names;  // unused when the function takes no parameters
  (void)args;
  std::tuple<param_t<std::tuple_element_t<I, Args>>...> values;
  (decode_param(args, names[I], std::get<I>(values)), ...);
  return call_to_json([&]() -> decltype(auto) {
    if constexpr (WithContext) {
      return fn(std::move(std::get<I>(values))..., context);
    } else {
      return fn(std::move(std::get<I>(values))...);
    }
  });
}

void check_function_params(size_t expected, const std::vector<std::string>& names,
                           const std::vector<std::string>& descriptions);

}  // namespace detail

// A tool whose arguments are the struct Args (schema derived; arguments validated, then decoded).
template <detail::Described Args, class F>
std::shared_ptr<Tool> make_tool(std::string name, std::string description, F fn) {
  static_assert(
      std::is_invocable_v<const F&, const Args&> ||
          std::is_invocable_v<const F&, const Args&, const ToolContext&>,
      "make_tool<Args>: fn must be callable as fn(const Args&) or fn(const Args&, const ToolContext&)");
  return make_tool(std::move(name), std::move(description), schema_of<Args>(),
                   [fn = std::move(fn)](const Json& json, const ToolContext& context) -> Json {
                     Args args = from_json<Args>(json);
                     return detail::call_to_json([&]() -> decltype(auto) {
                       if constexpr (std::is_invocable_v<const F&, const Args&, const ToolContext&>) {
                         return fn(std::as_const(args), context);
                       } else {
                         return fn(std::as_const(args));
                       }
                     });
                   });
}

// A tool from a plain function or lambda (not a generic one). param_names names each parameter (excluding a
// trailing `const ToolContext&`); param_descriptions is empty or the same length. std::optional parameters
// are not required. InvalidArgumentError when the counts do not match.
template <class F>
std::shared_ptr<Tool> make_function_tool(std::string name, std::string description,
                                         std::vector<std::string> param_names,
                                         std::vector<std::string> param_descriptions, F fn) {
  using Args = typename detail::callable<F>::args;
  constexpr bool with_context = detail::takes_context<Args>();
  constexpr size_t n = std::tuple_size_v<Args> - (with_context ? 1 : 0);
  using Seq = std::make_index_sequence<n>;
  detail::check_function_params(n, param_names, param_descriptions);
  Json schema = detail::params_schema<Args>(param_names, param_descriptions, Seq{});
  return make_tool(std::move(name), std::move(description), std::move(schema),
                   [fn = std::move(fn), names = std::move(param_names)](const Json& args,
                                                                        const ToolContext& context) -> Json {
                     return detail::invoke_function<Args, with_context>(fn, names, args, context, Seq{});
                   });
}

}  // namespace alith::agent
