'use strict'
// The scenarios against a real llama-server running the local Gemma 3 270M model: an agent with two JS
// tools, streaming, and 10 agents at once. The model is tiny, so the first step forces a tool call
// (toolChoice 'required') and the asserts are about the loop (a tool ran, the run finished), as in the C++
// integration tests.
const test = require('node:test')
const assert = require('node:assert/strict')
const { Agent, OpenAIModel } = require('..')
const { makeAgent } = require('./helpers/weather_agent')
const { startLlamaServer, available } = require('./helpers/llama_server')

const skip = available() ? false : 'llama-server or the Gemma model is not installed (scripts/setup)'
let server
test.describe('against llama-server', { skip }, () => {
  let model
  test.before(async () => {
    // A slot per agent of the 10-at-once test: none waits in llama-server's queue (where no byte flows).
    server = await startLlamaServer({ parallel: 10, context: 10240 })
    model = new OpenAIModel({ baseUrl: server.baseUrl, model: 'gemma-3-270m' })
  })
  test.after(async () => {
    if (server) await server.stop()
  })

  test('an agent with two JS tools calls one and answers', async () => {
    const calls = { weather: 0, time: 0 }
    const result = await makeAgent(model, calls).run('What is the weather in Paris?')
    assert.ok(calls.weather + calls.time >= 1, 'no tool ran')
    assert.ok(result.steps >= 2)
    const toolMessages = result.transcript.filter((m) => m.role === 'tool')
    assert.ok(toolMessages.length >= 1)
    assert.equal(toolMessages[0].isError, undefined, toolMessages[0].content)
    assert.equal(result.transcript.at(-1).role, 'assistant')
    assert.equal(result.answer, result.transcript.at(-1).content)
    assert.ok(result.usage.totalTokens > 0)
  })

  test('streaming across the tool loop', async () => {
    const calls = { weather: 0, time: 0 }
    const stream = makeAgent(model, calls).stream('Weather in Oslo?')
    const types = []
    let text = ''
    for await (const e of stream) {
      types.push(e.type)
      if (e.type === 'text') text += e.text
    }
    const result = await stream.result
    assert.ok(types.indexOf('toolCallStarted') >= 0)
    assert.ok(types.indexOf('toolCallStarted') < types.indexOf('toolCallFinished'))
    assert.equal(types.at(-1), 'finalAnswer')
    assert.ok(text.includes(result.answer))
  })

  test('cancellation mid-generation', async () => {
    const agent = new Agent({ model, maxTokens: 400, temperature: 0.8 })
    const controller = new AbortController()
    let pieces = 0
    await assert.rejects(async () => {
      for await (const e of agent.stream('Write a long story about a dragon.', { signal: controller.signal })) {
        if (e.type === 'text' && ++pieces === 3) controller.abort()
      }
    }, (e) => e.code === 'cancelled')
  })

  test('10 agents at once (Promise.all)', async () => {
    // Streamed, so bytes keep flowing while ten runs share the CPU (a plain request sends nothing until its
    // reply is complete, and the HTTP idle timeout is 120 s); one tool step, then the answer.
    const calls = { weather: 0, time: 0 }
    const cities = ['Paris', 'Oslo', 'Rome', 'Lima', 'Cairo', 'Tokyo', 'Delhi', 'Quito', 'Accra', 'Bern']
    const runOne = async (city) => {
      const stream = makeAgent(model, calls, { maxTokens: 32 }).stream(`Weather in ${city}?`)
      for await (const event of stream) assert.ok(event.type)
      return stream.result
    }
    const results = await Promise.all(cities.map(runOne))
    assert.equal(results.length, 10)
    for (const r of results) {
      assert.ok(r.transcript.some((m) => m.role === 'tool'))
      assert.equal(r.transcript.at(-1).role, 'assistant')
    }
    assert.ok(calls.weather + calls.time >= 10)
  })
})
