'use strict'
// Streaming as async iterators and cancellation through AbortSignal (before a run and in the middle of one).
const test = require('node:test')
const assert = require('node:assert/strict')
const { Agent, ScriptedModel, CancelledError, tool } = require('..')

test('agent.stream yields text, tool and final events in order, and .result resolves', async () => {
  const model = new ScriptedModel().pushToolCall('add', { a: 1, b: 1 }).pushText('two')
  const add = tool({ name: 'add', handler: ({ a, b }) => a + b })
  const stream = new Agent({ model, tools: [add] }).stream('sum')
  const types = []
  let text = ''
  for await (const event of stream) {
    types.push(event.type)
    if (event.type === 'text') text += event.text
  }
  assert.equal(text, 'two')
  assert.ok(types.indexOf('toolCallStarted') < types.indexOf('toolCallFinished'))
  assert.ok(types.indexOf('toolCallFinished') < types.indexOf('finalAnswer'))
  assert.equal(types.at(-1), 'finalAnswer')
  const result = await stream.result
  assert.equal(result.answer, 'two')
  assert.equal(result.steps, 2)
})

test('model.stream yields the reply in pieces and then the response', async () => {
  const model = new ScriptedModel().pushText('hello streaming world')
  let text = ''
  let response
  for await (const event of model.stream([{ role: 'user', content: 'x' }])) {
    if (event.type === 'text') text += event.text
    if (event.type === 'response') response = event.response
  }
  assert.equal(text, 'hello streaming world')
  assert.equal(response.message.content, 'hello streaming world')
})

test('an already aborted signal cancels before the model is called', async () => {
  const model = new ScriptedModel()
  const controller = new AbortController()
  controller.abort()
  await assert.rejects(new Agent({ model }).prompt('x', { signal: controller.signal }), CancelledError)
  assert.equal(model.calls, 0)
  const events = []
  await assert.rejects(async () => {
    for await (const e of new Agent({ model }).stream('x', { signal: controller.signal })) events.push(e)
  }, CancelledError)
  assert.equal(model.calls, 0)
})

test('aborting mid-run cancels it while a tool is running, mid-stream', async () => {
  const model = new ScriptedModel().pushToolCall('slow', {}).pushText('never')
  const controller = new AbortController()
  const slow = tool({
    name: 'slow',
    handler: () => new Promise((r) => setTimeout(() => r('late'), 2000)),
  })
  const agent = new Agent({ model, tools: [slow] })
  const seen = []
  const started = Date.now()
  await assert.rejects(async () => {
    for await (const event of agent.stream('x', { signal: controller.signal })) {
      seen.push(event.type)
      if (event.type === 'toolCallStarted') controller.abort()
    }
  }, CancelledError)
  assert.ok(Date.now() - started < 1500, 'cancellation waited for the tool')
  assert.ok(seen.includes('toolCallStarted'))
  assert.ok(!seen.includes('finalAnswer'))
  assert.equal(model.calls, 1)
})

test('breaking out of the loop cancels the run', async () => {
  const model = new ScriptedModel().pushToolCall('slow', {}).pushText('never')
  const slow = tool({ name: 'slow', handler: () => new Promise((r) => setTimeout(() => r('late'), 300)) })
  const stream = new Agent({ model, tools: [slow] }).stream('x')
  for await (const event of stream) {
    if (event.type === 'toolCallStarted') break
  }
  await assert.rejects(stream.result, CancelledError)
  assert.equal(model.calls, 1)
})

test('a long-lived signal shared by many calls keeps no listeners behind', async () => {
  const { getEventListeners } = require('node:events')
  const controller = new AbortController()
  const agent = new Agent({ model: 'echo:s' })
  for (let i = 0; i < 50; i++) await agent.prompt('x', { signal: controller.signal })
  for await (const e of agent.stream('y', { signal: controller.signal })) assert.ok(e)
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0)
  // And the signal still cancels a later call.
  const model = new ScriptedModel().pushToolCall('slow', {}).pushText('never')
  const slow = tool({ name: 'slow', handler: () => new Promise((r) => setTimeout(() => r('late'), 1000)) })
  const pending = new Agent({ model, tools: [slow] }).prompt('x', { signal: controller.signal })
  setTimeout(() => controller.abort(), 50)
  await assert.rejects(pending, CancelledError)
})
