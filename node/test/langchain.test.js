'use strict'
// The LangChain adapters against the real @langchain/core.
const test = require('node:test')
const assert = require('node:assert/strict')
const { z } = require('zod')
const { HumanMessage, SystemMessage, AIMessage, ToolMessage } = require('@langchain/core/messages')
const { tool: lcTool } = require('@langchain/core/tools')
const { ScriptedModel, Agent, tool } = require('..')
const { AlithChatModel, toLangChainTool, fromLangChainTool } = require('../lib/langchain')

test('AlithChatModel.invoke returns an AIMessage with usage', async () => {
  const chat = new AlithChatModel({ model: new ScriptedModel().pushText('hi from alith') })
  const reply = await chat.invoke([new SystemMessage('sys'), new HumanMessage('hello')])
  assert.ok(reply instanceof AIMessage)
  assert.equal(reply.content, 'hi from alith')
  assert.equal(typeof reply.usage_metadata.total_tokens, 'number')
})

test('bindTools: the model sees the tools and tool calls come back as LangChain tool_calls', async () => {
  const weather = lcTool(async ({ city }) => `sunny in ${city}`, {
    name: 'weather',
    description: 'Weather for a city',
    schema: z.object({ city: z.string() }),
  })
  const model = new ScriptedModel().pushToolCall('weather', { city: 'Oslo' }).pushText('It is sunny.')
  const chat = new AlithChatModel({ model }).bindTools([weather])
  const first = await chat.invoke([new HumanMessage('weather in Oslo?')])
  assert.equal(first.tool_calls.length, 1)
  assert.equal(first.tool_calls[0].name, 'weather')
  assert.deepEqual(first.tool_calls[0].args, { city: 'Oslo' })
  const toolResult = await weather.invoke(first.tool_calls[0])
  assert.ok(toolResult instanceof ToolMessage)
  const second = await chat.invoke([new HumanMessage('weather in Oslo?'), first, toolResult])
  assert.equal(second.content, 'It is sunny.')
})

test('AlithChatModel.stream yields chunks that concatenate to the reply', async () => {
  const chat = new AlithChatModel({ model: new ScriptedModel().pushText('a streamed answer') })
  let text = ''
  for await (const chunk of await chat.stream('x')) text += chunk.content
  assert.equal(text, 'a streamed answer')
})

test('tools convert both ways', async () => {
  const add = tool({
    name: 'add',
    description: 'Adds',
    parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
    handler: ({ a, b }) => a + b,
  })
  const asLc = toLangChainTool(add)
  assert.equal(asLc.name, 'add')
  assert.equal(await asLc.invoke({ a: 2, b: 5 }), '7')

  const upper = lcTool(async ({ s }) => s.toUpperCase(), {
    name: 'upper',
    description: 'Upper-cases',
    schema: z.object({ s: z.string() }),
  })
  const asAlith = fromLangChainTool(upper)
  assert.equal(asAlith.parameters.properties.s.type, 'string')
  const model = new ScriptedModel().pushToolCall('upper', { s: 'abc' }).pushText('done')
  const result = await new Agent({ model, tools: [asAlith] }).run('x')
  assert.equal(result.transcript.find((m) => m.role === 'tool').content, 'ABC')
})
