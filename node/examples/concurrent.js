// Ten agents at once with Promise.all: each run goes to its own native thread, the event loop stays free.
// Run: node node/examples/concurrent.js   (ALITH_MODEL=openai:... for a hosted model; echo:x for a dry run)
const { Agent } = require('..')

async function main() {
  const model = process.env.ALITH_MODEL || 'local:gemma3-270m'
  const topics = ['the sun', 'the sea', 'a cat', 'a tree', 'rain', 'snow', 'wind', 'fire', 'stone', 'glass']
  const agent = new Agent({ model, preamble: 'Answer in one short sentence.', maxTokens: 40 })
  const started = Date.now()
  const answers = await Promise.all(topics.map((t) => agent.prompt(`Say something about ${t}.`)))
  answers.forEach((a, i) => console.log(`${topics[i]}: ${a.trim()}`))
  console.log(`${topics.length} answers in ${Date.now() - started} ms`)
}

main().catch((e) => {
  console.error(`${e.name} (${e.code}): ${e.message}`)
  process.exit(1)
})
