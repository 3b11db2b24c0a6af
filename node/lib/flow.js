'use strict'
// Workflows: graphs of JS function nodes (sync or async) run by the alith engine in supersteps, with reducers,
// static, joined and conditional edges, Send map-reduce, interrupts and durable checkpoints; and YAML
// workflow files. Runs happen on a native thread; nodes, routers and reducers are called on the JS thread
// through thread-safe functions, so the event loop stays free while a graph runs.

const native = () => require('./native').flow

const START = '__start__'
const END = '__end__'

// Map-reduce: run `node` once with `input` as its state (return Sends from a router).
class Send {
  constructor(node, input) {
    this.node = node
    this.input = input === undefined ? null : input
  }
}

// Thrown out of a node by ctx.interrupt() when the run must pause; never seen by user code unless a node
// catches everything (let it through: rethrow errors that are instanceof Interrupt).
class Interrupt extends Error {
  constructor(payload) {
    super('workflow interrupt')
    this.name = 'Interrupt'
    this.payload = payload === undefined ? null : payload
  }
}

// An agent as a graph node: one whole agent turn on the prompt at state[promptKey], its answer written to
// state[outputKey] (and the turn's messages appended under messagesKey when set); text deltas stream as the
// run's token events.
class AgentNode {
  constructor(agent, options = {}) {
    this.agent = agent
    this.options = options
  }
}

function agentNode(agent, options = {}) { return new AgentNode(agent, options) }

// An agent as a tool {input: string} another agent can call.
function agentTool(agent, name, description) {
  const handle = native().agentTool(agent, name, description)
  try {
    return require('./tools').Tool.fromNative(handle)
  } catch (_) {
    return handle
  }
}

function wrapNode(fn) {
  return async (state, info, answers) => {
    const tokens = []
    const emits = []
    let asked = 0
    const ctx = {
      ...info,
      // Pauses the run with payload for a human; on resume the node runs again and this call returns the
      // answer given to graph.resume().
      interrupt(payload) {
        if (asked < answers.length) return answers[asked++]
        throw new Interrupt(payload)
      },
      emit(data) { emits.push(data === undefined ? null : data) },
      emitToken(text) { tokens.push(String(text)) },
    }
    try {
      const update = await fn(state, ctx)
      return { update: update === undefined ? null : update, tokens, emits }
    } catch (e) {
      if (e instanceof Interrupt) return { interrupt: e.payload, tokens, emits }
      throw e
    }
  }
}

function normalizeRoute(route) {
  const out = { nodes: [], sends: [] }
  const add = (r) => {
    if (r === undefined || r === null) return
    if (typeof r === 'string') out.nodes.push(r)
    else if (r instanceof Send || (typeof r === 'object' && typeof r.node === 'string')) {
      out.sends.push({ node: r.node, input: r.input === undefined ? null : r.input })
    } else if (Array.isArray(r)) r.forEach(add)
    else if (typeof r === 'object') {
      if (r.nodes) add(r.nodes)
      if (r.sends) add(r.sends)
    } else throw new TypeError(`a router returned ${typeof r}; expected node names or Sends`)
  }
  add(route)
  return out
}

function wrapRouter(fn) {
  return async (state) => normalizeRoute(await fn(state))
}

function wrapReducer(fn) {
  return async (current, update) => {
    const v = await fn(current, update)
    return v === undefined ? null : v
  }
}

function splitConfig(config = {}) {
  const { checkpointer, onEvent, signal, threadId, maxSteps, metadata, commit } = config
  const json = {}
  if (threadId !== undefined) json.threadId = String(threadId)
  if (maxSteps !== undefined) json.maxSteps = maxSteps
  if (metadata !== undefined) json.metadata = metadata
  if (commit !== undefined) json.commit = commit
  const cp = checkpointer === undefined || checkpointer === null ? undefined
    : typeof checkpointer === 'string' ? checkpointer : checkpointer._native || checkpointer
  // The engine ends each run with one empty call (a barrier that lets every event reach JS first).
  const events = typeof onEvent === 'function' ? (e) => { if (e !== undefined) onEvent(e) } : undefined
  return [json, cp, events, signal]
}

class Checkpointer {
  constructor(handle, ref) {
    Object.defineProperty(this, '_native', { value: handle })
    this.ref = ref
  }

  // ref: "memory:", "sqlite:PATH", "postgres://...", "redis://host:port[/db]"; options: {durability:
  // 'process' | 'power_loss'}.
  static async open(ref, options = {}) {
    return new Checkpointer(await native().openCheckpointer(ref, options), ref)
  }

  // The thread's checkpoints, newest first.
  list(threadId, limit = 0) { return native().checkpointerList(this._native, threadId, limit) }
  get(threadId, checkpointId) { return native().checkpointerGet(this._native, threadId, checkpointId) }
  threads() { return native().checkpointerThreads(this._native) }
  deleteThread(threadId) { return native().checkpointerDeleteThread(this._native, threadId) }
}

function openCheckpointer(ref, options) { return Checkpointer.open(ref, options) }

async function checkpointerOf(config) {
  const cp = config && config.checkpointer
  if (!cp) throw new TypeError('history needs a checkpointer in the config')
  return typeof cp === 'string' ? Checkpointer.open(cp) : cp
}

// A compiled graph. Outcomes: {status: 'done' | 'interrupted', state, interrupts: [{taskId, node, payload}],
// checkpointId, steps}. config: {threadId, checkpointer, maxSteps, metadata, commit: 'auto' | 'sync' | 'batched',
// signal: AbortSignal, onEvent(event)}.
class Graph {
  constructor(handle) {
    Object.defineProperty(this, '_native', { value: handle })
  }

  get nodes() { return native().graphNodes(this._native) }

  invoke(input = {}, config = {}) {
    return native().graphInvoke(this._native, ...splitConfig(config), input)
  }

  // Goes on from the thread's newest checkpoint; value answers the one pending interrupt.
  resume(config = {}, value) {
    return native().graphResume(this._native, ...splitConfig(config), value)
  }

  // Answers several pending interrupts: {taskId: value}.
  resumeTasks(config, valuesByTask) {
    return native().graphResumeTasks(this._native, ...splitConfig(config), valuesByTask)
  }

  // Time travel: branches from checkpointId with update applied, and runs on.
  fork(config, checkpointId, update = null) {
    return native().graphFork(this._native, ...splitConfig(config), checkpointId, update)
  }

  async history(config = {}, limit = 0) {
    const cp = await checkpointerOf(config)
    return cp.list(config.threadId || 'default', limit)
  }

  // The run's events as an async iterator, then {kind: 'end', outcome}.
  stream(input = {}, config = {}) {
    return eventStream((onEvent) => this.invoke(input, { ...config, onEvent }), config.onEvent)
  }

  streamResume(config = {}, value) {
    return eventStream((onEvent) => this.resume({ ...config, onEvent }, value), config.onEvent)
  }
}

async function* eventStream(start, userOnEvent) {
  const queue = []
  let wake = null
  let finished = false
  let outcome
  let failure
  const poke = () => {
    if (wake) {
      const w = wake
      wake = null
      w()
    }
  }
  const run = start((event) => {
    if (userOnEvent) userOnEvent(event)
    queue.push(event)
    poke()
  })
  run.then((o) => { outcome = o; finished = true; poke() }, (e) => { failure = e; finished = true; poke() })
  for (;;) {
    if (queue.length > 0) {
      yield queue.shift()
      continue
    }
    if (finished) break
    await new Promise((resolve) => { wake = resolve })
  }
  if (failure) throw failure
  yield { kind: 'end', outcome }
}

// Builds a graph. state: {key: {reducer: 'overwrite' | 'append' | 'merge' | (current, update) => value,
// schema, initial}}.
class StateGraph {
  constructor(options = {}) {
    this._state = {}
    this._reducers = {}
    this._nodes = []
    this._fns = {}
    this._subgraphs = {}
    this._agents = {}
    this._edges = []
    this._joins = []
    this._branches = []
    this._routers = []
    this._maxSteps = undefined
    this._threads = undefined
    const state = options.state || {}
    for (const [key, spec] of Object.entries(state)) this.key(key, spec)
  }

  key(name, spec = {}) {
    const s = typeof spec === 'string' || typeof spec === 'function' ? { reducer: spec } : spec
    const entry = {}
    if (typeof s.reducer === 'function') {
      entry.reducer = 'custom'
      this._reducers[name] = wrapReducer(s.reducer)
    } else if (s.reducer) entry.reducer = s.reducer
    if (s.schema) entry.schema = s.schema
    if (s.initial !== undefined) entry.initial = s.initial
    this._state[name] = entry
    return this
  }

  // fn(state, ctx) -> update object (or a Promise of one); ctx: {threadId, node, step, taskId,
  // interrupt(payload), emit(data), emitToken(text)}. A compiled Graph as fn makes a subgraph node, and
  // agentNode(agent, options) an agent node.
  addNode(name, fn) {
    if (fn instanceof AgentNode) {
      const { promptKey, outputKey, messagesKey, stream } = fn.options
      this._nodes.push({ name, agent: { promptKey, outputKey, messagesKey, stream } })
      this._agents[name] = fn.agent
    } else if (fn instanceof Graph) {
      this._nodes.push({ name, subgraph: true })
      this._subgraphs[name] = fn._native
    } else if (typeof fn === 'function') {
      this._nodes.push({ name })
      this._fns[name] = wrapNode(fn)
    } else throw new TypeError(`node ${name}: expected a function or a compiled Graph`)
    return this
  }

  addEdge(from, to) {
    if (Array.isArray(from)) return this.addJoin(from, to)
    this._edges.push([from, to])
    return this
  }

  // `to` runs once every node of `from` has finished.
  addJoin(from, to) {
    this._joins.push([from, to])
    return this
  }

  // router(state) -> a node name, END, an array of them, Sends, or {nodes, sends}; targets lists every node
  // it may name (END included). A targets object {label: node} is accepted as in LangGraph (its values).
  addConditionalEdges(from, router, targets) {
    let list = targets
    if (list && !Array.isArray(list)) list = Object.values(list)
    if (!list || list.length === 0) throw new TypeError('addConditionalEdges needs the list of possible targets')
    let fn = router
    if (targets && !Array.isArray(targets)) {
      const map = targets
      fn = async (state) => {
        const r = await router(state)
        return typeof r === 'string' && Object.prototype.hasOwnProperty.call(map, r) ? map[r] : r
      }
    }
    this._branches.push({ from, targets: list })
    this._routers.push(wrapRouter(fn))
    return this
  }

  setMaxSteps(steps) {
    this._maxSteps = steps
    return this
  }

  setThreads(threads) {
    this._threads = threads
    return this
  }

  compile() {
    const spec = {
      state: this._state,
      nodes: this._nodes,
      edges: this._edges,
      joins: this._joins,
      branches: this._branches,
    }
    if (this._maxSteps !== undefined) spec.maxSteps = this._maxSteps
    if (this._threads !== undefined) spec.threads = this._threads
    return new Graph(native().compileGraph(spec, {
      nodes: this._fns,
      routers: this._routers,
      reducers: this._reducers,
      subgraphs: this._subgraphs,
      agents: this._agents,
    }))
  }
}

// The C++ builder's names, for readers of the C++ docs.
StateGraph.prototype.node = StateGraph.prototype.addNode
StateGraph.prototype.edge = StateGraph.prototype.addEdge
StateGraph.prototype.join = StateGraph.prototype.addJoin
StateGraph.prototype.branch = StateGraph.prototype.addConditionalEdges
StateGraph.prototype.maxSteps = StateGraph.prototype.setMaxSteps

// A YAML workflow: {name, graph, files, agents} plus run/resume/history.
class Workflow {
  constructor(loaded) {
    this.name = loaded.name
    this.files = loaded.files
    this.agents = loaded.agents
    this.graph = new Graph(loaded.graph)
  }

  run(input = {}, config = {}) { return this.graph.invoke(input, config) }
  resume(threadId, value, config = {}) {
    if (typeof threadId === 'object' && threadId !== null) return this.graph.resume(threadId, value)
    return this.graph.resume({ ...config, threadId }, value)
  }

  history(threadId, config = {}) {
    if (typeof threadId === 'object' && threadId !== null) return this.graph.history(threadId)
    return this.graph.history({ ...config, threadId })
  }

  stream(input = {}, config = {}) { return this.graph.stream(input, config) }
}

// options: {tools: [Tool], models: {ref: ChatModel}, model: ChatModel (agents that name none), baseDir,
// threads}. Problems in the file throw a ConfigError whose .problems lists {file, line, column, message}.
function loadWorkflow(path, options = {}) {
  return new Workflow(native().loadWorkflow(path, options))
}

function loadWorkflowText(text, options = {}) {
  return new Workflow(native().loadWorkflowText(text, options.sourceName || '<workflow>', options))
}

module.exports = {
  START,
  END,
  Send,
  Interrupt,
  AgentNode,
  agentNode,
  agentTool,
  StateGraph,
  Graph,
  Checkpointer,
  openCheckpointer,
  Workflow,
  loadWorkflow,
  loadWorkflowText,
}
