#pragma once

// alith errors as JavaScript Error subclasses (node/lib/errors.js): AlithError with .code (the lower-case
// code string, e.g. 'timeout') and one subclass per code; ProviderError carries .status and .body, ParseError
// .offset, RateLimitedError .retryAfterSeconds. lib/errors.js registers its classes with the addon at load
// (registerErrorClasses); before that, plain Errors with .code are made.

#include <napi.h>

#include <exception>

// The JS error for a C++ exception: an alith::Error maps by code; any other std::exception becomes an
// AlithError with code 'internal'. Call on the JS thread only.
Napi::Error ToJsError(Napi::Env env, const std::exception& error);
// The same for an exception_ptr captured on another thread.
Napi::Error ToJsError(Napi::Env env, const std::exception_ptr& error);
[[noreturn]] void ThrowJs(Napi::Env env, const std::exception& error);

// Runs fn and turns any C++ exception into a pending JS exception (for binding bodies).
template <class F>
auto Guard(Napi::Env env, F&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    ThrowJs(env, e);
  }
}
