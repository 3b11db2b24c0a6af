'use strict'
// The Agent: a model, a preamble, tools and optional memory; prompt() runs the tool loop off the JS thread.
const native = require('./native')
require('./errors')
const { modelHandle, eventStream, withSignal } = require('./models')
const { toTool } = require('./tools')
const { toJsonSchema, parseWith } = require('./schema')

function handleOf(value) {
  return value && value._native ? value._native : value
}

class Agent {
  /**
   * {model: ChatModel | 'provider:model', preamble, tools: [Tool | {name, description, parameters, handler}],
   *  memory, maxSteps (10), answerOnLastStep (withhold the tools on the last allowed step so the run ends
   *  with an answer instead of a MaxStepsError), toolChoice ('auto'|'none'|'required'|toolName, first step only), temperature, topP,
   *  seed, maxTokens, name, hooks (native hooks handles), toolThreads}
   */
  constructor(options = {}) {
    const { model, tools = [], memory, hooks, ...rest } = options
    this.model = model
    this.tools = tools.map(toTool)
    this.memory = memory
    // Any tool may call into JS (native tools from other modules can wrap JS functions too): *Sync calls of
    // agents with tools keep the JS thread servicing those calls.
    this._hasJsTools = this.tools.length > 0
    this._native = native.createAgent({
      ...rest,
      model: modelHandle(model),
      tools: this.tools.map((t) => t._native),
      memory: memory ? handleOf(memory) : undefined,
      hooks: hooks ? hooks.map(handleOf) : undefined,
    })
  }

  get name() {
    return native.agentInfo(this._native).name
  }
  /** The tools' specs: [{name, description, parameters}] */
  get toolSpecs() {
    return native.agentInfo(this._native).tools
  }

  /** The answer. options: {signal: AbortSignal, timeoutMs (per model call)} */
  prompt(text, options = {}) {
    return withSignal(options, (o) => native.agentPrompt(this._native, String(text), o))
  }
  /** {answer, steps, usage, transcript} */
  run(text, options = {}) {
    return withSignal(options, (o) => native.agentRun(this._native, String(text), o))
  }
  /** Blocks the JS thread until the answer (scripts, benchmarks). JS tools still run; async handlers cannot. */
  promptSync(text) {
    return native.agentPromptSync(this._native, String(text), this._hasJsTools)
  }
  runSync(text) {
    return native.agentRunSync(this._native, String(text), this._hasJsTools)
  }
  /**
   * Streams the run: for await (const event of agent.stream(text)) — events {type: 'text' | 'usage' |
   * 'toolCallStarted' | 'toolCallFinished' | 'stepFinished' | 'finalAnswer', step, ...}. Breaking out of the
   * loop cancels the run; `.result` is a Promise of the RunResult.
   */
  stream(text, options = {}) {
    const handle = this._native
    return eventStream((onEvent, signal) =>
      native.agentStream(handle, String(text), onEvent, { ...options, signal }), options.signal)
  }
}

/** Structured extraction: a value that validates against the schema (JSON Schema or zod), or SchemaError. */
class Extractor {
  /** options: {mode: 'auto'|'responseFormat'|'toolCall'|'prompt', instructions, repairAttempts, temperature,
   * maxTokens, name, description} */
  constructor(model, schema, options = {}) {
    this._model = modelHandle(model)
    this._schema = schema
    this._json = toJsonSchema(schema)
    this._options = options
  }
  get schema() {
    return this._json
  }
  /** input: text or messages -> Promise<value> (zod-parsed when the schema is zod) */
  async extract(input, options = {}) {
    const merged = { ...this._options, ...options }
    const value = await withSignal(merged, (o) => native.extract(this._model, this._json, input, o))
    return parseWith(this._schema, value)
  }
}

function extract(model, schema, input, options = {}) {
  return new Extractor(model, schema, options).extract(input, options)
}

module.exports = { Agent, Extractor, extract }
