'use strict'
// The Agent on the instant echo/scripted model: prompt, run, memory, sync variants, concurrency.
const test = require('node:test')
const assert = require('node:assert/strict')
const { Agent, ScriptedModel, WindowMemory, BufferMemory, chatModel } = require('..')

test('prompt echoes on the echo model; run reports steps, usage and the transcript', async () => {
  const agent = new Agent({ model: 'echo:x', preamble: 'Be terse.', name: 'echo' })
  assert.equal(agent.name, 'echo')
  assert.equal(await agent.prompt('hello'), 'hello')
  const result = await agent.run('again')
  assert.equal(result.answer, 'again')
  assert.equal(result.steps, 1)
  assert.deepEqual(result.transcript.map((m) => m.role), ['system', 'user', 'assistant'])
  assert.equal(result.transcript[0].content, 'Be terse.')
  assert.equal(typeof result.usage.totalTokens, 'number')
})

test('promptSync and runSync answer without the event loop', () => {
  const agent = new Agent({ model: chatModel('echo:sync') })
  assert.equal(agent.promptSync('sync'), 'sync')
  assert.equal(agent.runSync('r').answer, 'r')
})

test('memory carries the conversation across prompts', async () => {
  const memory = new WindowMemory(4)
  const agent = new Agent({ model: 'echo:m', memory })
  await agent.prompt('one')
  await agent.prompt('two')
  await agent.prompt('three')
  const messages = memory.messages()
  assert.equal(messages.length, 4)
  assert.deepEqual(messages.map((m) => m.content), ['two', 'two', 'three', 'three'])
  memory.clear()
  assert.equal(memory.messages().length, 0)
  const buffer = new BufferMemory()
  buffer.append({ role: 'user', content: 'earlier' })
  const model = new ScriptedModel()
  const result = await new Agent({ model, memory: buffer }).run('now')
  assert.deepEqual(result.transcript.map((m) => m.content), ['earlier', 'now', 'now'])
})

test('model.complete takes messages and returns the response', async () => {
  const model = new ScriptedModel().pushText('scripted')
  const response = await model.complete({ messages: [{ role: 'user', content: 'x' }], maxTokens: 5 })
  assert.equal(response.message.role, 'assistant')
  assert.equal(response.message.content, 'scripted')
  assert.equal(response.finishReason, 'stop')
  assert.equal((await model.complete('plain string')).message.content, 'plain string')
  assert.match(model.id, /^echo:/)
})

test('10 agents at once on the echo model (Promise.all)', async () => {
  const agents = Array.from({ length: 10 }, (_, i) => new Agent({ model: `echo:${i}` }))
  const answers = await Promise.all(agents.map((a, i) => a.prompt(`agent ${i}`)))
  assert.deepEqual(answers, agents.map((_, i) => `agent ${i}`))
})

test('10 scripted agents with JS tools at once', async () => {
  const runs = Array.from({ length: 10 }, (_, i) => {
    const model = new ScriptedModel().pushToolCall('id', { n: i }).pushText(`done ${i}`)
    const agent = new Agent({
      model,
      tools: [{ name: 'id', handler: async ({ n }) => { await new Promise((r) => setTimeout(r, 20)); return n } }],
    })
    return agent.run('go')
  })
  const results = await Promise.all(runs)
  results.forEach((r, i) => {
    assert.equal(r.answer, `done ${i}`)
    assert.equal(r.transcript.find((m) => m.role === 'tool').content, String(i))
  })
})

test('works in a worker thread too (its own env: dispatcher, error classes)', async () => {
  const { Worker } = require('node:worker_threads')
  const code = `
    const { parentPort } = require('node:worker_threads')
    const alith = require(${JSON.stringify(require.resolve('..'))})
    const agent = new alith.Agent({ model: 'echo:w', tools: [{ name: 't', handler: () => 1 }] })
    agent.prompt('from a worker').then(async (answer) => {
      let code = ''
      try { new alith.Agent({ model: 'echo:x', maxSteps: 0 }) } catch (e) { code = e instanceof alith.InvalidArgumentError ? e.code : 'wrong class' }
      parentPort.postMessage({ answer, code })
    })`
  const worker = new Worker(code, { eval: true })
  const message = await new Promise((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  await worker.terminate()
  assert.deepEqual(message, { answer: 'from a worker', code: 'invalid_argument' })
  // The main thread's error classes are still its own.
  const { InvalidArgumentError } = require('..')
  assert.throws(() => new Agent({ model: 'echo:x', maxSteps: 0 }), InvalidArgumentError)
})
