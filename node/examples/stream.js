// Streams an agent's answer as it is generated; Ctrl-C (or the 10 s timeout) cancels through an AbortSignal.
// Run: node node/examples/stream.js "Tell me about the moon."
const { Agent } = require('..')

async function main() {
  const agent = new Agent({ model: process.env.ALITH_MODEL || 'local:gemma3-270m', maxTokens: 200 })
  const controller = new AbortController()
  process.once('SIGINT', () => controller.abort())
  setTimeout(() => controller.abort(), 10_000).unref()
  for await (const event of agent.stream(process.argv[2] || 'Tell me about the moon.', { signal: controller.signal })) {
    if (event.type === 'text') process.stdout.write(event.text)
    if (event.type === 'usage') process.stdout.write(`\n[${event.usage.totalTokens} tokens]`)
  }
  process.stdout.write('\n')
}

main().catch((e) => {
  console.error(`\n${e.name} (${e.code}): ${e.message}`)
  process.exit(1)
})
