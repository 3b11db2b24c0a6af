'use strict'
// Workflows two ways: a graph of JS functions (parallel research, a reducer, a conditional edge and a human
// approval that survives a restart through the SQLite checkpointer), and a YAML workflow file.
//   node node/examples/workflow.js
const os = require('os')
const path = require('path')
const alith = require('..')
const { StateGraph, START, END, Send } = alith

async function main() {
  const graph = new StateGraph({ state: { facts: { reducer: 'append' } } })
    .addNode('plan', () => null)
    .addNode('research', async ({ topic }) => ({ facts: [`${topic} power is renewable`] }))
    .addNode('write', (s) => ({ draft: s.facts.join('. ') + '.' }))
    .addNode('approve', (s, ctx) => ({ approved: ctx.interrupt({ question: 'Publish?', draft: s.draft }) === 'yes' }))
    .addNode('publish', () => ({ published: true }))
    .addEdge(START, 'plan')
    .addConditionalEdges('plan', (s) => s.topics.map((topic) => new Send('research', { topic })), ['research'])
    .addEdge('research', 'write')
    .addEdge('write', 'approve')
    .addConditionalEdges('approve', (s) => (s.approved ? 'publish' : END), ['publish', END])
    .addEdge('publish', END)
    .compile()

  const checkpointer = await alith.openCheckpointer(`sqlite:${path.join(os.tmpdir(), 'alith-example-flow.db')}`)
  const config = { threadId: `example-${Date.now()}`, checkpointer }
  const paused = await graph.invoke({ topics: ['solar', 'wind', 'hydro'] }, config)
  console.log(paused.status, paused.interrupts[0].payload)
  // A later process could resume the same thread: the state is in the SQLite file.
  const done = await graph.resume(config, 'yes')
  console.log(done.status, done.state)

  // A YAML workflow (examples/flows): its agents use ALITH_MODEL or an echo model.
  const file = path.resolve(__dirname, '..', '..', 'examples', 'flows', 'map_reduce.yaml')
  const wf = alith.loadWorkflow(file, { model: alith.chatModel(process.env.ALITH_MODEL || 'echo:example') })
  for await (const event of wf.stream({}, { threadId: 'yaml' })) {
    if (event.kind === 'task_finished') console.log(`  ${event.node} finished`)
    if (event.kind === 'end') console.log(event.outcome.state.report)
  }
}

main().catch((e) => { console.error(e); process.exit(1) })
