#!/usr/bin/env node
// Per-call overhead of the Node SDK: the agents of bench/sdk_overhead_bench.cpp (the C++ reference) driven from
// JavaScript. Prints microseconds per call, the median of several rounds, one line per case:
//
//   node prompt_echo: 3.10 us/call          promptSync on the echo agent (no tools)
//   node prompt_echo_async: 25.0 us/call    await prompt(): a worker thread and a Promise per call
//   node tool_step: 40.0 us/call            promptSync; the model calls a JS tool once, then answers
//   node tool_step_async: 60.0 us/call      the same with await prompt()
//
// Run from the repo after `scripts/sdk-node --no-test` (or with node/ installed). --json prints
// {"prompt_echo": us, ...}; --calls N and --rounds N size the loops.
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const require = createRequire(import.meta.url)
const here = path.dirname(fileURLToPath(import.meta.url))
const alith = require(path.join(here, '..', 'node'))

function option(name, fallback) {
  const i = process.argv.indexOf(name)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const calls = option('--calls', 20000)
const rounds = option('--rounds', 5)
const json = process.argv.includes('--json')

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

async function perCallUs(fn, n) {
  for (let i = 0; i < Math.min(n, 1000); i++) await fn() // warm-up
  const samples = []
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < n; i++) await fn()
    samples.push(Number(process.hrtime.bigint() - start) / n / 1000)
  }
  return median(samples)
}

function perCallUsSync(fn, n) {
  for (let i = 0; i < Math.min(n, 1000); i++) fn()
  const samples = []
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < n; i++) fn()
    samples.push(Number(process.hrtime.bigint() - start) / n / 1000)
  }
  return median(samples)
}

const echoAgent = new alith.Agent({ model: new alith.ScriptedModel(), preamble: 'p' })
const model = new alith.ScriptedModel()
const echo = alith.tool({
  name: 'echo',
  description: 'Returns its text.',
  parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  handler: ({ text }) => text,
})
const toolAgent = new alith.Agent({ model, preamble: 'p', tools: [echo] })
const script = () => {
  model.pushToolCall('echo', { text: 'x' })
  model.pushText('done')
}

const results = {
  prompt_echo: perCallUsSync(() => echoAgent.promptSync('hi'), calls),
  prompt_echo_async: await perCallUs(() => echoAgent.prompt('hi'), calls),
  tool_step: perCallUsSync(() => {
    script()
    toolAgent.promptSync('hi')
  }, Math.max(1, Math.floor(calls / 4))),
  tool_step_async: await perCallUs(() => {
    script()
    return toolAgent.prompt('hi')
  }, Math.max(1, Math.floor(calls / 4))),
}
if (json) {
  console.log(JSON.stringify(results))
} else {
  for (const [name, us] of Object.entries(results)) console.log(`node ${name}: ${us.toFixed(2)} us/call`)
}
