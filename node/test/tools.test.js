'use strict'
// Tools from JS functions driven through the agent loop by a ScriptedModel (deterministic, no server).
const test = require('node:test')
const assert = require('node:assert/strict')
const { z } = require('zod')
const { Agent, ScriptedModel, tool, Tool, SchemaError } = require('..')

const addTool = () =>
  tool({
    name: 'add',
    description: 'Adds two numbers',
    parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
    handler: ({ a, b }) => a + b,
  })

test('a scripted tool loop runs a sync and an async JS tool and answers', async () => {
  const model = new ScriptedModel()
  model.pushToolCall('add', { a: 2, b: 3 })
  model.pushToolCall('lookup', { key: 'x' })
  model.pushText('done')
  const seen = []
  const lookup = tool({
    name: 'lookup',
    parameters: z.object({ key: z.string() }),
    handler: async ({ key }, context) => {
      seen.push(context.callId)
      await new Promise((r) => setTimeout(r, 10))
      return { key, value: 42 }
    },
  })
  const agent = new Agent({ model, tools: [addTool(), lookup] })
  const result = await agent.run('go')
  assert.equal(result.answer, 'done')
  assert.equal(result.steps, 3)
  const toolMessages = result.transcript.filter((m) => m.role === 'tool')
  assert.equal(toolMessages.length, 2)
  assert.equal(toolMessages[0].content, '5')
  assert.deepEqual(JSON.parse(toolMessages[1].content), { key: 'x', value: 42 })
  assert.equal(seen.length, 1)
  assert.equal(model.calls, 3)
})

test('a tool that throws or rejects becomes an error result, and the run goes on', async () => {
  const model = new ScriptedModel()
  model.pushToolCalls([
    { name: 'boom', arguments: {}, id: 'c1' },
    { name: 'reject', arguments: {}, id: 'c2' },
  ])
  model.pushText('recovered')
  const boom = tool({ name: 'boom', handler: () => { throw new Error('kaboom') } })
  const reject = tool({ name: 'reject', handler: async () => { throw new TypeError('nope') } })
  const result = await new Agent({ model, tools: [boom, reject] }).run('x')
  assert.equal(result.answer, 'recovered')
  const [a, b] = result.transcript.filter((m) => m.role === 'tool')
  assert.equal(a.isError, true)
  assert.match(a.content, /kaboom/)
  assert.equal(b.isError, true)
  assert.match(b.content, /nope/)
})

test('arguments that do not validate never reach the handler', async () => {
  let called = false
  const model = new ScriptedModel().pushToolCall('add', { a: 'one' }).pushText('ok')
  const add = tool({
    name: 'add',
    parameters: { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] },
    handler: () => { called = true },
  })
  const result = await new Agent({ model, tools: [add] }).run('x')
  assert.equal(called, false)
  assert.equal(result.transcript.find((m) => m.role === 'tool').isError, true)
})

test('zod parameters become JSON Schema and parse the arguments', async () => {
  const t = tool({
    name: 'weather',
    description: 'Weather for a city',
    parameters: z.object({ city: z.string().describe('City name'), days: z.number().int().optional() }),
    handler: ({ city }) => `sunny in ${city}`,
  })
  const p = t.parameters
  assert.equal(p.type, 'object')
  assert.equal(p.properties.city.type, 'string')
  assert.equal(p.properties.city.description, 'City name')
  assert.deepEqual(p.required, ['city'])
  assert.deepEqual(await t.run({ city: 'Oslo' }), { content: 'sunny in Oslo', isError: false })
  const bad = await t.run({ city: 3 })
  assert.equal(bad.isError, true)
})

test('tool definitions are checked', () => {
  assert.throws(() => tool({ name: 'bad name', handler: () => 1 }), TypeError)
  assert.throws(() => tool({ name: 'ok' }), TypeError)
  assert.throws(() => tool({ name: 'ok', parameters: 'string', handler: () => 1 }), TypeError)
  // Plain definition objects are accepted by Agent directly.
  const agent = new Agent({ model: 'echo:x', tools: [{ name: 'a', handler: () => 1 }, addTool()] })
  assert.deepEqual(agent.toolSpecs.map((s) => s.name), ['a', 'add'])
  assert.ok(Tool.fromNative(agent.tools[1]._native) instanceof Tool)
})

test('promptSync runs JS tools (several in one turn) while the JS thread is blocked', () => {
  const model = new ScriptedModel()
  model.pushToolCalls([
    { name: 'add', arguments: { a: 1, b: 2 }, id: 'a' },
    { name: 'add', arguments: { a: 3, b: 4 }, id: 'b' },
  ])
  model.pushToolCall('add', { a: 5, b: 6 })
  model.pushText('sync done')
  const agent = new Agent({ model, tools: [addTool()] })
  const result = agent.runSync('x')
  assert.equal(result.answer, 'sync done')
  assert.deepEqual(result.transcript.filter((m) => m.role === 'tool').map((m) => m.content), ['3', '7', '11'])
})

test('an async handler inside promptSync is reported to the model, not a deadlock', () => {
  const model = new ScriptedModel().pushToolCall('slow', {}).pushText('after')
  const slow = tool({ name: 'slow', handler: async () => 1 })
  const result = new Agent({ model, tools: [slow] }).runSync('x')
  assert.equal(result.answer, 'after')
  assert.match(result.transcript.find((m) => m.role === 'tool').content, /Promise API/)
})

test('the event loop keeps ticking while an agent runs and its tools wait', async () => {
  const model = new ScriptedModel().pushToolCall('wait', {}).pushText('ok')
  const wait = tool({ name: 'wait', handler: () => new Promise((r) => setTimeout(() => r('waited'), 200)) })
  let ticks = 0
  const timer = setInterval(() => ticks++, 10)
  const answer = await new Agent({ model, tools: [wait] }).prompt('x')
  clearInterval(timer)
  assert.equal(answer, 'ok')
  assert.ok(ticks >= 10, `only ${ticks} ticks in 200 ms`)
})

test('a zod parse failure inside the tool is an error result', async () => {
  const t = tool({ name: 'n', parameters: z.object({ n: z.number().max(3) }), handler: ({ n }) => n })
  const out = await t.run({ n: 10 })
  assert.equal(out.isError, true)
  assert.ok(SchemaError) // exported
})
