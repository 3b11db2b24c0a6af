'use strict'
// Chat and embedding models. Every model object keeps its native handle in `._native`; functions that take a
// model accept the object, the handle or a reference string ('openai:gpt-4o-mini', 'local:gemma3-270m',
// 'echo:x').
const native = require('./native')
require('./errors')

class ChatModel {
  /** @param {object} handle a native model handle (use chatModel(ref) or a provider class instead). */
  constructor(handle) {
    this._native = handle
  }
  /** 'provider:model' */
  get id() {
    return native.modelId(this._native)
  }
  get capabilities() {
    return native.modelCapabilities(this._native)
  }
  /**
   * One completion. request: an array of messages ({role, content}), a string (one user message) or
   * {messages, tools, toolChoice, temperature, maxTokens, stop, responseFormat}.
   */
  complete(request, options = {}) {
    return withSignal(options, (o) => native.modelComplete(this._native, request, o))
  }
  /** Streams a completion: yields {type: 'text'|'toolCallStart'|'toolCallDelta'|'usage', ...}; the last
   * item is {type: 'response', response}. */
  stream(request, options = {}) {
    const handle = this._native
    return eventStream((onEvent, signal) =>
      native.modelStream(handle, request, onEvent, { ...options, signal }).then((response) => {
        onEvent({ type: 'response', response })
        return response
      }), options.signal)
  }
}

class OpenAIModel extends ChatModel {
  /** {model, baseUrl, apiKey, provider, headers, maxAttempts}: any OpenAI-compatible server (llama-server,
   * vLLM, Ollama...). apiKey defaults to $OPENAI_API_KEY only when baseUrl is OpenAI's. */
  constructor(options = {}) {
    const o = { ...options }
    if (o.apiKey === undefined && !o.baseUrl && process.env.OPENAI_API_KEY) o.apiKey = process.env.OPENAI_API_KEY
    super(native.openaiModel(o))
  }
}

class AnthropicModel extends ChatModel {
  /** {model, baseUrl, apiKey (default $ANTHROPIC_API_KEY), maxTokens} */
  constructor(options = {}) {
    const o = { ...options }
    if (o.apiKey === undefined && process.env.ANTHROPIC_API_KEY) o.apiKey = process.env.ANTHROPIC_API_KEY
    super(native.anthropicModel(o))
  }
}

class LocalModel extends ChatModel {
  /** A GGUF model in process (llama.cpp): a catalog name ('gemma3-270m') or a .gguf path. Loads
   * synchronously; LocalModel.load() loads off the main thread. */
  constructor(nameOrPath, handle) {
    super(handle || native.chatModel(`local:${nameOrPath}`))
  }
  /** {contextSize, sequences, threads, maxTokens} -> Promise<LocalModel> */
  static async load(nameOrPath, options = {}) {
    return new LocalModel(nameOrPath, await native.localModel(nameOrPath, options))
  }
}

class ScriptedModel extends ChatModel {
  /** Answers from a script (tests; overhead measurements): replies are served in the order pushed, then it
   * echoes the last user message. */
  constructor(handle) {
    super(handle || native.scriptedModel())
  }
  pushText(text) {
    native.scriptedPush(this._native, { text: String(text) })
    return this
  }
  pushToolCall(name, args = {}) {
    native.scriptedPush(this._native, { toolCalls: [{ name, arguments: args }] })
    return this
  }
  /** calls: [{name, arguments, id?}] in one turn */
  pushToolCalls(calls) {
    native.scriptedPush(this._native, { toolCalls: calls })
    return this
  }
  get calls() {
    return native.scriptedStats(this._native).calls
  }
  get remaining() {
    return native.scriptedStats(this._native).remaining
  }
}

/** A chat model from a reference: 'openai:gpt-4o-mini', 'anthropic:claude-sonnet-4-5', 'local:gemma3-270m',
 * 'echo:x', or a provider named in alith's config.yaml. */
function chatModel(ref) {
  if (ref instanceof ChatModel) return ref
  const handle = native.chatModel(String(ref))
  return String(ref).startsWith('echo:') ? new ScriptedModel(handle) : new ChatModel(handle)
}

class EmbeddingModel {
  constructor(handle) {
    this._native = handle
  }
  get id() {
    return native.embeddingModelId(this._native)
  }
  /** texts -> Promise<number[][]> */
  embed(texts, options = {}) {
    return withSignal(options, (o) => native.embed(this._native, Array.isArray(texts) ? texts : [texts], o))
  }
}

/** 'openai:text-embedding-3-small', 'local:minilm', ... */
function embeddingModel(ref) {
  if (ref instanceof EmbeddingModel) return ref
  return new EmbeddingModel(native.embeddingModel(String(ref)))
}

/** The native handle of a model given as an object, a handle or a reference string. */
function modelHandle(model) {
  if (typeof model === 'string') return native.chatModel(model)
  if (model && model._native) return model._native
  if (model === undefined || model === null) throw new TypeError('alith: a model is required')
  return model
}

/**
 * Calls call(options) with options.signal replaced by a native cancel token that the signal fires, and unhooks
 * the listener when the call settles, so a long-lived signal shared by many calls collects no listeners.
 */
function withSignal(options, call) {
  const signal = options && options.signal
  if (!signal || signal.aborted || typeof signal.addEventListener !== 'function') return call(options || {})
  const token = native.cancelToken()
  const onAbort = () => native.cancelTokenCancel(token)
  signal.addEventListener('abort', onAbort, { once: true })
  const done = () => signal.removeEventListener('abort', onAbort)
  const promise = call({ ...options, signal: token })
  promise.then(done, done)
  return promise
}

// An AsyncIterable over events a native call reports through onEvent; ends when start()'s Promise settles
// (rethrowing its error). Breaking out of the loop aborts the call. `.result` is that Promise.
function eventStream(start, signal) {
  const queue = []
  let waiter = null
  let finished = false
  let failure = null
  const controller = new AbortController()
  const onAbort = () => controller.abort()
  if (signal) {
    if (signal.aborted) controller.abort()
    else signal.addEventListener('abort', onAbort, { once: true })
  }
  const wake = () => {
    if (!waiter) return
    const w = waiter
    waiter = null
    if (queue.length) w.resolve({ value: queue.shift(), done: false })
    else if (failure) {
      const e = failure
      failure = null
      w.reject(e)
    } else if (finished) w.resolve({ value: undefined, done: true })
    else waiter = w
  }
  const result = start((event) => {
    queue.push(event)
    wake()
  }, controller.signal)
  const unhook = () => signal && signal.removeEventListener('abort', onAbort)
  result.then(
    () => {
      unhook()
      finished = true
      wake()
    },
    (e) => {
      unhook()
      failure = e
      finished = true
      wake()
    })
  const iterator = {
    next() {
      if (queue.length) return Promise.resolve({ value: queue.shift(), done: false })
      if (failure) {
        const e = failure
        failure = null
        return Promise.reject(e)
      }
      if (finished) return Promise.resolve({ value: undefined, done: true })
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject }
      })
    },
    return() {
      if (!finished) controller.abort()
      queue.length = 0
      failure = null
      finished = true
      return Promise.resolve({ value: undefined, done: true })
    },
    [Symbol.asyncIterator]() {
      return this
    },
  }
  const handled = result.catch(() => undefined)
  iterator.result = result
  Object.defineProperty(iterator, '_handled', { value: handled })
  return iterator
}

module.exports = {
  ChatModel,
  OpenAIModel,
  AnthropicModel,
  LocalModel,
  ScriptedModel,
  EmbeddingModel,
  chatModel,
  embeddingModel,
  modelHandle,
  eventStream,
  withSignal,
}
