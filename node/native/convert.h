#pragma once

// alith::Json <-> JavaScript values. Objects and arrays nest; numbers that are whole and fit in 53 bits
// become JSON integers; BigInt becomes an integer (int64/uint64); undefined members and functions are left
// out; a value with toJSON() is converted through it (Date -> ISO string). Integers beyond 2^53 come back to
// JS as (rounded) numbers.

#include <napi.h>

#include "alith/core/json.h"

Napi::Value ToJs(Napi::Env env, const alith::Json& value);
alith::Json FromJs(Napi::Value value);
