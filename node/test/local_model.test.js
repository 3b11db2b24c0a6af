'use strict'
// The same two-tool agent on the in-process model (local:gemma3-270m through llama.cpp in this process).
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('fs')
const { LocalModel } = require('..')
const { makeAgent } = require('./helpers/weather_agent')
const { model: modelPath } = require('./helpers/llama_server')

const skip = fs.existsSync(modelPath) ? false : 'the Gemma model is not installed (scripts/setup)'

test('an agent with two JS tools on local:gemma3-270m', { skip }, async () => {
  const model = await LocalModel.load('gemma3-270m')
  assert.match(model.id, /^local:/)
  const calls = { weather: 0, time: 0 }
  const result = await makeAgent(model, calls).run('What is the weather in Paris?')
  assert.ok(calls.weather + calls.time >= 1, 'no tool ran')
  assert.equal(result.transcript.at(-1).role, 'assistant')
  assert.equal(result.answer, result.transcript.at(-1).content)
})
