// A first agent with a JS tool. The model is $ALITH_MODEL (default the in-process local:gemma3-270m; e.g.
// openai:gpt-4o-mini with OPENAI_API_KEY set). Run: node node/examples/agent.js "What is 12 times 34?"
const { Agent, tool } = require('..')

const multiply = tool({
  name: 'multiply',
  description: 'Multiplies two numbers',
  parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
  handler: ({ a, b }) => a * b,
})

async function main() {
  const agent = new Agent({
    model: process.env.ALITH_MODEL || 'local:gemma3-270m',
    preamble: 'You are a terse assistant. Use tools for arithmetic.',
    tools: [multiply],
    toolChoice: 'required', // small local models need the nudge; drop it for hosted ones
    maxTokens: 128,
    maxSteps: 3,
    answerOnLastStep: true, // the last allowed step answers instead of calling tools again
  })
  const result = await agent.run(process.argv[2] || 'What is 12 times 34?')
  for (const m of result.transcript.filter((m) => m.role === 'tool')) console.log(`[tool ${m.name}] ${m.content}`)
  console.log(result.answer)
}

main().catch((e) => {
  console.error(`${e.name} (${e.code}): ${e.message}`)
  process.exit(1)
})
