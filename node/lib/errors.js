'use strict'
// alith's errors: AlithError with a stable lower-case .code ('timeout', 'provider', ...) and one subclass per
// code. Errors thrown by the native layer are instances of these classes (registered with the addon below).
const native = require('./native')

class AlithError extends Error {
  constructor(message, code) {
    super(message)
    this.name = new.target.name
    this.code = code || new.target.code || 'internal'
  }
}
AlithError.code = 'internal'

function define(name, code, Base = AlithError) {
  const cls = { [name]: class extends Base {} }[name]
  cls.code = code
  return cls
}

/** A provider answered with an error: .status (HTTP status, 0 if none) and .body. */
class ProviderError extends AlithError {
  constructor(message, code, status = 0, body = '') {
    super(message, code)
    this.status = status
    this.body = body
  }
}
ProviderError.code = 'provider'
/** HTTP 429: .retryAfterSeconds when the provider said. */
class RateLimitedError extends ProviderError {}
RateLimitedError.code = 'rate_limited'
/** Malformed input: .offset when known. */
class ParseError extends AlithError {}
ParseError.code = 'parse'
const TimeoutError = define('TimeoutError', 'timeout')
const SchemaError = define('SchemaError', 'schema')
const ToolError = define('ToolError', 'tool')
const IoError = define('IoError', 'io')
const ChainError = define('ChainError', 'chain')
const CryptoError = define('CryptoError', 'crypto')
const CancelledError = define('CancelledError', 'cancelled')
const ConfigError = define('ConfigError', 'config')
const InvalidArgumentError = define('InvalidArgumentError', 'invalid_argument')
const TooLargeError = define('TooLargeError', 'too_large')
const MaxStepsError = define('MaxStepsError', 'max_steps')
const UnsupportedError = define('UnsupportedError', 'unsupported')

const classes = {
  AlithError,
  ProviderError,
  RateLimitedError,
  TimeoutError,
  ParseError,
  SchemaError,
  ToolError,
  IoError,
  ChainError,
  CryptoError,
  CancelledError,
  ConfigError,
  InvalidArgumentError,
  TooLargeError,
  MaxStepsError,
  UnsupportedError,
}

// The addon looks classes up by code; a function object so it can hold a strong reference to it.
function table() {}
for (const cls of Object.values(classes)) table[cls.code] = cls
table.AlithError = AlithError
native.registerErrorClasses(table)

/** The class for a code ('timeout' -> TimeoutError); AlithError for unknown codes. */
function errorClassFor(code) {
  return table[code] || AlithError
}

module.exports = { ...classes, errorClassFor }
