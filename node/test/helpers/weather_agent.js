'use strict'
// The agent of the scenarios: two JS tools (one sync, one async), the first step forced to call a tool.
const { Agent, tool } = require('../..')

function makeAgent(model, calls, overrides = {}) {
  const weather = tool({
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    handler: ({ city }) => {
      calls.weather++
      return `Sunny, 21 C in ${city || 'the city'}`
    },
  })
  const time = tool({
    name: 'get_time',
    description: 'Current local time in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    handler: async ({ city }) => {
      calls.time++
      await new Promise((r) => setTimeout(r, 5))
      return `12:00 in ${city || 'the city'}`
    },
  })
  return new Agent({
    model,
    preamble: 'You answer questions about the weather using tools.',
    tools: [weather, time],
    toolChoice: 'required',
    maxSteps: 2, // with answerOnLastStep: the forced tool step, then the answer
    answerOnLastStep: true,
    maxTokens: 64,
    temperature: 0,
    ...overrides,
  })
}

module.exports = { makeAgent }
