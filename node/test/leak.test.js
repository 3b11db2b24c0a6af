'use strict'
// No leak over 10,000 calls on the echo model: RSS after 10,000 more calls stays within 5% of RSS after a
// warm-up (run with --expose-gc for a tighter figure; scripts/sdk-node does). The warm-up is 2,000 calls, not
// 1,000: V8 tiers the hot path up and sizes its heap between call 1,000 and 2,000 (RSS +6 MB once, measured),
// and is flat to 0.1% from there on.
const test = require('node:test')
const assert = require('node:assert/strict')
const { Agent, tool, ScriptedModel } = require('..')

function settle() {
  if (global.gc) {
    global.gc()
    global.gc()
  }
  return process.memoryUsage().rss
}

async function measure(call) {
  for (let i = 0; i < 2000; i++) await call(i)
  const before = settle()
  for (let i = 0; i < 10000; i++) await call(i)
  const after = settle()
  return { before, after, growth: (after - before) / before }
}

test('10,000 await prompt() calls: RSS flat within 5%', async () => {
  const agent = new Agent({ model: 'echo:leak', preamble: 'p' })
  const { before, after, growth } = await measure((i) => agent.prompt(`message ${i}`))
  assert.ok(growth < 0.05, `RSS grew ${(growth * 100).toFixed(1)}% (${before} -> ${after})`)
})

test('10,000 promptSync() calls: RSS flat within 5%', async () => {
  const agent = new Agent({ model: 'echo:leak-sync' })
  const { before, after, growth } = await measure((i) => agent.promptSync(`message ${i}`))
  assert.ok(growth < 0.05, `RSS grew ${(growth * 100).toFixed(1)}% (${before} -> ${after})`)
})

test('10,000 runs with a JS tool call each: RSS flat within 5%', async () => {
  const model = new ScriptedModel()
  const t = tool({ name: 't', parameters: { type: 'object', properties: { i: { type: 'integer' } } }, handler: ({ i }) => ({ i }) })
  const agent = new Agent({ model, tools: [t] })
  const { before, after, growth } = await measure(async (i) => {
    model.pushToolCall('t', { i })
    model.pushText('ok')
    await agent.prompt('x')
  })
  assert.ok(growth < 0.05, `RSS grew ${(growth * 100).toFixed(1)}% (${before} -> ${after})`)
})
