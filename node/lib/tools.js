'use strict'
// Tools an agent can call: JS functions with a JSON Schema or zod schema of their arguments, or native tools
// (knowledge search, MCP, wallet tools) that other modules hand out.
const native = require('./native')
const { toJsonSchema, parseWith, isZod } = require('./schema')
const { withSignal } = require('./models')

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/

class Tool {
  /**
   * {name, description, parameters (JSON Schema or zod), handler(args, {callId}) -> value | Promise}.
   * The handler runs on the JS thread; arguments are validated before it runs (and parsed by zod when the
   * parameters are a zod schema). What it returns goes to the model: strings verbatim, anything else as JSON.
   * A throw or a rejection becomes an error result the model sees.
   */
  constructor({ name, description = '', parameters, handler } = {}) {
    if (typeof name !== 'string' || !TOOL_NAME.test(name)) {
      throw new TypeError(`alith: tool name must be 1-64 characters of [A-Za-z0-9_-], got ${JSON.stringify(name)}`)
    }
    if (typeof handler !== 'function') throw new TypeError(`alith: tool ${name} needs a handler function`)
    const schema = toJsonSchema(parameters)
    const zod = isZod(parameters) ? parameters : null
    const fn = zod ? (args, context) => handler(parseWith(zod, args), context) : handler
    this._native = native.makeTool(name, String(description), schema, fn)
    this._js = true
  }

  /** Wraps a native tool handle (from knowledge, mcp, web3...). */
  static fromNative(handle) {
    const tool = Object.create(Tool.prototype)
    tool._native = handle
    tool._js = false
    return tool
  }

  get spec() {
    return native.toolSpec(this._native)
  }
  get name() {
    return this.spec.name
  }
  get description() {
    return this.spec.description
  }
  get parameters() {
    return this.spec.parameters
  }
  /** Runs the tool as an agent would (arguments validated): Promise<{content, isError}>. */
  run(args = {}, options = {}) {
    return withSignal(options, (o) => native.toolRun(this._native, args, o))
  }
}

/** tool({name, description, parameters, handler}) -> Tool */
function tool(definition) {
  return new Tool(definition)
}

/** A Tool from what an agent's `tools` option accepts: a Tool, a definition object or a native handle. */
function toTool(value) {
  if (value instanceof Tool) return value
  if (value && typeof value === 'object' && typeof value.handler === 'function') return new Tool(value)
  if (value && typeof value === 'object' && value._native) return Tool.fromNative(value._native)
  if (value && typeof value === 'function' && value.name && value.length <= 2 && value.parameters) {
    return new Tool({ name: value.name, description: value.description, parameters: value.parameters, handler: value })
  }
  return Tool.fromNative(value) // a bare native handle; createAgent checks it
}

module.exports = { Tool, tool, toTool }
