// alith inside LangChain.js (needs @langchain/core): an alith model as a LangChain chat model with a bound
// LangChain tool. Run: node node/examples/langchain.js
const { tool } = require('@langchain/core/tools')
const { HumanMessage } = require('@langchain/core/messages')
const { AlithChatModel } = require('../lib/langchain')

const weather = tool(async ({ city }) => `Sunny, 21 C in ${city}`, {
  name: 'get_weather',
  description: 'Current weather for a city',
  schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
})

async function main() {
  const chat = new AlithChatModel({ model: process.env.ALITH_MODEL || 'local:gemma3-270m', maxTokens: 64 })
  const withTools = chat.bindTools([weather], { tool_choice: 'required' })
  const question = new HumanMessage('What is the weather in Paris?')
  const call = await withTools.invoke([question])
  console.log('tool calls:', JSON.stringify(call.tool_calls))
  const results = await Promise.all(call.tool_calls.map((c) => weather.invoke(c)))
  const answer = await chat.invoke([question, call, ...results])
  console.log(answer.content)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
