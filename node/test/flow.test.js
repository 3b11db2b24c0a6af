'use strict'
// Workflows: JS graphs run by the alith engine (fan-out, reducers, joins, conditional edges, Send map-reduce,
// interrupts resumed from another process through the SQLite checkpointer), YAML workflows on the echo model,
// and an event loop that stays free while a graph runs.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('fs')
const os = require('os')
const path = require('path')
const { execFile } = require('child_process')

const alith = require('..')
const { StateGraph, START, END, Send } = alith

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function tmp(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

test('parallel fan-out, reducers, a join and a conditional edge', async () => {
  const seen = []
  const graph = new StateGraph({
    state: {
      notes: { reducer: 'append' },
      total: { reducer: (current, update) => (current || 0) + update },
      tags: { reducer: 'merge' },
    },
  })
    .addNode('a', (state) => ({ notes: [`a:${state.topic}`], total: 1, tags: { a: true } }))
    .addNode('b', async () => { await sleep(20); return { notes: ['b'], total: 10, tags: { b: true } } })
    .addNode('c', () => ({ notes: 'c', total: 100 }))
    .addNode('merge', (state) => { seen.push(state.total); return { summary: state.notes.join(',') } })
    .addNode('big', () => ({ size: 'big' }))
    .addNode('small', () => ({ size: 'small' }))
    .addEdge(START, 'a').addEdge(START, 'b').addEdge(START, 'c')
    .addJoin(['a', 'b', 'c'], 'merge')
    .addConditionalEdges('merge', (state) => (state.total > 50 ? 'big' : 'small'), ['big', 'small'])
    .addEdge('big', END).addEdge('small', END)
    .compile()
  assert.deepEqual(graph.nodes, ['a', 'b', 'c', 'merge', 'big', 'small'])
  const out = await graph.invoke({ topic: 'rollups' })
  assert.equal(out.status, 'done')
  // Updates of one step apply in task order, whatever order the tasks finished in.
  assert.deepEqual(out.state.notes, ['a:rollups', 'b', 'c'])
  assert.equal(out.state.total, 111)
  assert.deepEqual(out.state.tags, { a: true, b: true })
  assert.equal(out.state.summary, 'a:rollups,b,c')
  assert.equal(out.state.size, 'big')
  assert.deepEqual(seen, [111])
})

test('Send map-reduce and LangGraph-style target maps', async () => {
  const graph = new StateGraph({ state: { squares: { reducer: 'append' } } })
    .addNode('plan', () => null)
    .addNode('square', (item) => ({ squares: [item.n * item.n] }))
    .addNode('sum', (state) => ({ sum: state.squares.reduce((a, b) => a + b, 0) }))
    .addEdge(START, 'plan')
    .addConditionalEdges('plan', (state) => state.numbers.map((n) => new Send('square', { n })), ['square'])
    .addEdge('square', 'sum')
    .addConditionalEdges('sum', () => 'finish', { finish: END })
    .compile()
  const out = await graph.invoke({ numbers: [1, 2, 3, 4] })
  assert.deepEqual(out.state.squares, [1, 4, 9, 16])
  assert.equal(out.state.sum, 30)
})

test('a node that throws fails the run with its message', async () => {
  const graph = new StateGraph()
    .addNode('boom', () => { throw new Error('kaboom') })
    .addEdge(START, 'boom').addEdge('boom', END)
    .compile()
  await assert.rejects(graph.invoke({}), (e) => e instanceof alith.AlithError && /kaboom/.test(e.message))
})

// The review graph: a draft, a human approval (interrupt), then publish or revise.
const reviewGraph = (alithPath) => `
const alith = require(${JSON.stringify(alithPath)})
const { StateGraph, START, END } = alith
module.exports = new StateGraph({ state: { log: { reducer: 'append' } } })
  .addNode('draft', (s) => ({ draft: 'draft about ' + s.topic, log: ['draft'] }))
  .addNode('approve', (s, ctx) => {
    const answer = ctx.interrupt({ question: 'publish?', draft: s.draft })
    return { approved: answer === 'yes', log: ['approve:' + answer] }
  })
  .addNode('publish', () => ({ published: true, log: ['publish'] }))
  .addEdge(START, 'draft').addEdge('draft', 'approve')
  .addConditionalEdges('approve', (s) => (s.approved ? 'publish' : END), ['publish', END])
  .addEdge('publish', END)
  .compile()
`

test('interrupt, then resume from a second node process with the sqlite checkpointer', async () => {
  const dir = tmp('alith-flow-')
  const alithPath = path.resolve(__dirname, '..')
  const graphFile = path.join(dir, 'review.js')
  fs.writeFileSync(graphFile, reviewGraph(alithPath))
  const db = `sqlite:${path.join(dir, 'checkpoints.db')}`
  const graph = require(graphFile)
  const checkpointer = await alith.openCheckpointer(db)
  const first = await graph.invoke({ topic: 'zk' }, { threadId: 't1', checkpointer })
  assert.equal(first.status, 'interrupted')
  assert.equal(first.interrupts.length, 1)
  assert.equal(first.interrupts[0].node, 'approve')
  assert.deepEqual(first.interrupts[0].payload, { question: 'publish?', draft: 'draft about zk' })

  const child = `
    const graph = require(${JSON.stringify(graphFile)})
    graph.resume({ threadId: 't1', checkpointer: ${JSON.stringify(db)} }, 'yes')
      .then((o) => { process.stdout.write(JSON.stringify(o)) }, (e) => { console.error(e); process.exit(1) })`
  const stdout = await new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', child], { timeout: 60000 }, (err, out, errOut) =>
      err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out))
  })
  const resumed = JSON.parse(stdout)
  assert.equal(resumed.status, 'done')
  assert.equal(resumed.state.published, true)
  assert.deepEqual(resumed.state.log, ['draft', 'approve:yes', 'publish'])

  const history = await graph.history({ threadId: 't1', checkpointer })
  assert.ok(history.length >= 3)
  assert.equal(history[0].state.published, true)
  assert.ok((await checkpointer.threads()).includes('t1'))
})

test('run events arrive as an async iterator', async () => {
  const graph = new StateGraph()
    .addNode('talk', (s, ctx) => { ctx.emitToken('hel'); ctx.emitToken('lo'); ctx.emit({ n: 1 }); return { said: 'hello' } })
    .addEdge(START, 'talk').addEdge('talk', END)
    .compile()
  const kinds = []
  let text = ''
  let end
  for await (const event of graph.stream({})) {
    kinds.push(event.kind)
    if (event.kind === 'token') text += event.text
    if (event.kind === 'end') end = event.outcome
  }
  assert.equal(text, 'hello')
  assert.ok(kinds.includes('step_started') && kinds.includes('custom') && kinds.includes('step_finished'))
  assert.equal(end.state.said, 'hello')
})

test('a YAML workflow on the echo model', async () => {
  const dir = tmp('alith-yaml-')
  const file = path.join(dir, 'review.yaml')
  fs.writeFileSync(file, `name: review
state:
  notes: {reducer: append}
agents:
  writer: {model: "echo:writer", preamble: You write short drafts.}
nodes:
  write: {agent: writer, prompt: "Write about {{topic}}", output: draft}
  approve: {interrupt: "Publish this draft?", output: approved}
  publish: {set: {published: "true"}}
edges:
  - {from: start, to: write}
  - {from: write, to: approve}
  - {from: approve, to: publish, when: "approved == 'yes'"}
  - {from: approve, to: end, else: true}
  - {from: publish, to: end}
`)
  const wf = alith.loadWorkflow(file)
  assert.equal(wf.name, 'review')
  assert.deepEqual(wf.agents, ['writer'])
  const checkpointer = await alith.openCheckpointer('memory:')
  const first = await wf.run({ topic: 'rollups' }, { threadId: 'y1', checkpointer })
  assert.equal(first.status, 'interrupted')
  assert.equal(first.state.draft, 'Write about rollups')
  const done = await wf.resume('y1', 'yes', { checkpointer })
  assert.equal(done.status, 'done')
  assert.equal(done.state.published, true)
  assert.ok((await wf.history('y1', { checkpointer })).length >= 3)

  assert.throws(() => alith.loadWorkflowText('name: bad\nnodes:\n  x: {sett: 1}\n'),
    (e) => e instanceof alith.AlithError && e.code === 'config' && Array.isArray(e.problems) && e.problems.length >= 1)
})

test('the event loop stays responsive while a graph runs', async () => {
  let ticks = 0
  const timer = setInterval(() => { ticks++ }, 5)
  const graph = new StateGraph({ state: { n: { reducer: (a, b) => (a || 0) + b } } })
    .addNode('work', async () => { await sleep(30); return { n: 1 } })
    .addEdge(START, 'work')
    .addConditionalEdges('work', (s) => (s.n < 8 ? 'work' : END), ['work', END])
    .setMaxSteps(20)
    .compile()
  const start = Date.now()
  const out = await graph.invoke({})
  clearInterval(timer)
  assert.equal(out.state.n, 8)
  const elapsed = Date.now() - start
  // A blocked loop would tick about never; a free one about every 5 ms.
  assert.ok(ticks >= elapsed / 20, `only ${ticks} ticks in ${elapsed} ms`)
})

test('a YAML workflow calls JS tools and uses the models it is given', async () => {
  const seen = []
  const lookup = alith.tool({
    name: 'lookup',
    description: 'Looks a city up',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    handler: async ({ city }) => { seen.push(city); await sleep(5); return { city, population: 545000 } },
  })
  const model = new alith.ScriptedModel()
  model.pushText('Lisbon is big enough.')
  const wf = alith.loadWorkflowText(`name: cities
agents:
  judge: {model: "scripted:judge"}
nodes:
  find: {tool: lookup, args: {city: "{{city}}"}, output: facts}
  judge: {agent: judge, prompt: "Is {{city}} big? {{facts}}", output: verdict}
edges:
  - {from: start, to: find}
  - {from: find, to: judge}
  - {from: judge, to: end}
`, { tools: [lookup], models: { 'scripted:judge': model } })
  const out = await wf.run({ city: 'Lisbon' })
  assert.deepEqual(seen, ['Lisbon'])
  assert.equal(out.state.verdict, 'Lisbon is big enough.')
  assert.match(JSON.stringify(out.state.facts), /545000/)
})

test('time travel: fork a finished thread from an earlier checkpoint', async () => {
  const checkpointer = await alith.openCheckpointer('memory:')
  const graph = new StateGraph()
    .addNode('double', (s) => ({ n: s.n * 2 }))
    .addNode('inc', (s) => ({ n: s.n + 1 }))
    .addEdge(START, 'double').addEdge('double', 'inc').addEdge('inc', END)
    .compile()
  const config = { threadId: 'tt', checkpointer }
  const out = await graph.invoke({ n: 5 }, config)
  assert.equal(out.state.n, 11)
  const history = await graph.history(config)
  const afterDouble = history.find((c) => c.next.some((t) => t.node === 'inc'))
  const forked = await graph.fork(config, afterDouble.id, { n: 100 })
  assert.equal(forked.state.n, 101)
})

test('the redis checkpointer carries an interrupted thread', async () => {
  const port = await new Promise((resolve) => {
    const srv = require('net').createServer().listen(0, '127.0.0.1', () => {
      const p = srv.address().port
      srv.close(() => resolve(p))
    })
  })
  const redis = require('child_process').spawn('redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  redis.on('error', () => {})
  try {
    const ref = `redis://127.0.0.1:${port}`
    let checkpointer
    for (let i = 0; !checkpointer; i++) {
      try {
        checkpointer = await alith.openCheckpointer(ref)
      } catch (e) {
        if (i > 100) throw new Error(`redis-server did not start (is redis-server installed? see scripts/store-peers): ${e.message}`)
        await sleep(50)
      }
    }
    const graph = new StateGraph()
      .addNode('ask', (s, ctx) => ({ answer: ctx.interrupt('name?') }))
      .addEdge(START, 'ask').addEdge('ask', END)
      .compile()
    const first = await graph.invoke({}, { threadId: 'r1', checkpointer })
    assert.equal(first.status, 'interrupted')
    const done = await graph.resume({ threadId: 'r1', checkpointer: ref }, 'ada')
    assert.equal(done.state.answer, 'ada')
  } finally {
    redis.kill('SIGTERM')
  }
})

test('agents as graph nodes and as tools', async () => {
  const writer = new alith.Agent({ model: alith.chatModel('echo:writer') })
  const graph = new StateGraph({ state: { log: { reducer: 'append' } } })
    .addNode('prep', (s) => ({ prompt: `draft: ${s.topic}` }))
    .addNode('write', alith.agentNode(writer, { promptKey: 'prompt', outputKey: 'draft', messagesKey: 'log' }))
    .addEdge(START, 'prep').addEdge('prep', 'write').addEdge('write', END)
    .compile()
  let tokens = ''
  const out = await graph.invoke({ topic: 'bridges' }, { onEvent: (e) => { if (e.kind === 'token') tokens += e.text } })
  assert.equal(out.state.draft, 'draft: bridges')
  assert.equal(tokens, 'draft: bridges')
  assert.ok(out.state.log.length >= 2)

  const delegate = alith.agentTool(writer, 'writer', 'Writes drafts')
  assert.equal(delegate.name, 'writer')
  const boss = new alith.ScriptedModel()
  boss.pushToolCall('writer', { input: 'hello from boss' }).pushText('delegated')
  const result = await new alith.Agent({ model: boss, tools: [delegate] }).run('delegate')
  assert.equal(result.answer, 'delegated')
  assert.ok(JSON.stringify(result.transcript).includes('hello from boss'))
})

test('an AbortSignal cancels a running graph', async () => {
  const graph = new StateGraph()
    .addNode('spin', async (s) => { await sleep(20); return { n: (s.n || 0) + 1 } })
    .addEdge(START, 'spin')
    .addConditionalEdges('spin', () => 'spin', ['spin', END])
    .setMaxSteps(10000)
    .compile()
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 100)
  await assert.rejects(graph.invoke({}, { signal: controller.signal }), (e) => e.code === 'cancelled')
  await assert.rejects(graph.invoke({}, { maxSteps: 3 }), (e) => e.code === 'max_steps')
})
