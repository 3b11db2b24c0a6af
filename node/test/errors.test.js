'use strict'
// C++ errors arrive as AlithError subclasses with lower-case codes.
const test = require('node:test')
const assert = require('node:assert/strict')
const alith = require('..')
const { startStub } = require('./helpers/http_stub')

const { Agent, ScriptedModel, OpenAIModel, AlithError } = alith

test('every code has a class, all AlithErrors', () => {
  const codes = {
    ProviderError: 'provider', RateLimitedError: 'rate_limited', TimeoutError: 'timeout', ParseError: 'parse',
    SchemaError: 'schema', ToolError: 'tool', IoError: 'io', ChainError: 'chain', CryptoError: 'crypto',
    CancelledError: 'cancelled', ConfigError: 'config', InvalidArgumentError: 'invalid_argument',
    TooLargeError: 'too_large', MaxStepsError: 'max_steps', UnsupportedError: 'unsupported',
  }
  for (const [name, code] of Object.entries(codes)) {
    const e = new alith[name]('m')
    assert.ok(e instanceof AlithError && e instanceof Error, name)
    assert.equal(e.code, code)
    assert.equal(e.name, name)
    assert.equal(alith.errorClassFor(code), alith[name])
  }
  assert.ok(new alith.RateLimitedError('x') instanceof alith.ProviderError)
})

test('invalid arguments and configuration map to their classes', () => {
  assert.throws(() => alith.chatModel('no-provider'), (e) => e instanceof alith.InvalidArgumentError && e.code === 'invalid_argument')
  assert.throws(() => new Agent({ model: 'echo:x', maxSteps: 0 }), alith.InvalidArgumentError)
  assert.throws(() => new Agent({ model: 'echo:x', toolChoice: 'missing_tool' }), alith.InvalidArgumentError)
  assert.throws(() => alith.chatModel('local:no-such-model'), (e) => e instanceof AlithError && ['config', 'io'].includes(e.code))
})

test('the step limit is a MaxStepsError', async () => {
  const model = new ScriptedModel()
  for (let i = 0; i < 5; i++) model.pushToolCall('t', {})
  const agent = new Agent({ model, maxSteps: 2, tools: [{ name: 't', handler: () => 'again' }] })
  await assert.rejects(agent.prompt('x'), (e) => e instanceof alith.MaxStepsError && e.code === 'max_steps')
})

test('HTTP errors from a provider are ProviderError with status and body; 429 is RateLimitedError', async () => {
  let status = 500
  const stub = await startStub((req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ error: { message: `failure ${status}` } }))
  })
  try {
    const model = new OpenAIModel({ baseUrl: stub.baseUrl, model: 'm', maxAttempts: 1 })
    await assert.rejects(model.complete('hi'), (e) => {
      assert.ok(e instanceof alith.ProviderError)
      assert.equal(e.code, 'provider')
      assert.equal(e.status, 500)
      assert.match(e.body, /failure 500/)
      return true
    })
    status = 429
    await assert.rejects(new Agent({ model }).prompt('hi'), (e) => e instanceof alith.RateLimitedError && e.code === 'rate_limited' && e.status === 429)
  } finally {
    await stub.close()
  }
})

test('a model call past timeoutMs is a TimeoutError', async () => {
  const stub = await startStub(() => {}) // never answers
  try {
    const model = new OpenAIModel({ baseUrl: stub.baseUrl, model: 'm', maxAttempts: 1 })
    await assert.rejects(new Agent({ model }).prompt('hi', { timeoutMs: 300 }), (e) => e instanceof alith.TimeoutError && e.code === 'timeout')
  } finally {
    await stub.close()
  }
})

test('a cancelled run is a CancelledError', async () => {
  const controller = new AbortController()
  controller.abort()
  await assert.rejects(new Agent({ model: 'echo:x' }).prompt('hi', { signal: controller.signal }), (e) => e instanceof alith.CancelledError && e.code === 'cancelled')
})
