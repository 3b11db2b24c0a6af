// Workflows: graphs of JS nodes run by the alith engine, and YAML workflow files.

export declare const START: '__start__'
export declare const END: '__end__'

export type FlowState = Record<string, any>

export declare class Send {
  constructor(node: string, input?: unknown)
  node: string
  input: unknown
}

/** Thrown out of a node by ctx.interrupt() to pause the run; let it propagate. */
export declare class Interrupt extends Error {
  payload: unknown
}

export interface NodeContext {
  threadId: string
  node: string
  step: number
  /** Stable across re-runs of this task: an idempotency key. */
  taskId: string
  /** Pauses the run with payload; after resume(value) the node runs again and this returns value. */
  interrupt<T = unknown>(payload?: unknown): T
  emit(data: unknown): void
  emitToken(text: string): void
}

export interface AgentNodeOptions {
  /** The state key holding the prompt (default "input"). */
  promptKey?: string
  /** Where the answer goes (default "output"). */
  outputKey?: string
  /** When set, the turn's messages are appended here (declare it with reducer 'append'). */
  messagesKey?: string
  stream?: boolean
}

export declare class AgentNode {
  constructor(agent: object, options?: AgentNodeOptions)
  agent: object
  options: AgentNodeOptions
}

/** An agent as a graph node: one whole agent turn per task. */
export declare function agentNode(agent: object, options?: AgentNodeOptions): AgentNode
/** An agent as a tool {input: string} for another agent. */
export declare function agentTool(agent: object, name: string, description: string): any

export type NodeFn<S = FlowState> = (state: S, ctx: NodeContext) => Partial<S> | null | void | Promise<Partial<S> | null | void>
export type Route = string | Send | Array<string | Send> | { nodes?: string[]; sends?: Send[] }
export type Router<S = FlowState> = (state: S) => Route | Promise<Route>
export type ReducerFn = (current: any, update: any) => any | Promise<any>

export interface KeySpec {
  reducer?: 'overwrite' | 'append' | 'merge' | ReducerFn
  schema?: Record<string, unknown>
  initial?: unknown
}

export interface RunEvent {
  kind: 'step_started' | 'task_started' | 'task_finished' | 'token' | 'custom' | 'step_finished' | 'interrupted'
  step: number
  node?: string
  taskId?: string
  text?: string
  checkpointId?: string
  data?: unknown
}

export interface RunConfig {
  threadId?: string
  /** A Checkpointer or a reference ("sqlite:PATH", "memory:", "postgres://...", "redis://..."). */
  checkpointer?: Checkpointer | string
  maxSteps?: number
  metadata?: Record<string, unknown>
  commit?: 'sync' | 'batched'
  signal?: AbortSignal
  onEvent?: (event: RunEvent) => void
}

export interface PendingInterrupt {
  taskId: string
  node: string
  payload: unknown
}

export interface RunOutcome<S = FlowState> {
  status: 'done' | 'interrupted'
  state: S
  interrupts: PendingInterrupt[]
  checkpointId: string
  steps: number
}

export interface CheckpointInfo<S = FlowState> {
  threadId: string
  id: string
  parentId: string
  step: number
  state: S
  next: Array<{ id: string; node: string; input?: unknown }>
  source: string
  metadata: Record<string, unknown>
  createdMs: number
}

export declare class Checkpointer {
  static open(ref: string, options?: { durability?: 'process' | 'power_loss' }): Promise<Checkpointer>
  readonly ref: string
  list(threadId: string, limit?: number): Promise<CheckpointInfo[]>
  get(threadId: string, checkpointId?: string): Promise<CheckpointInfo | null>
  threads(): Promise<string[]>
  deleteThread(threadId: string): Promise<void>
}

export declare function openCheckpointer(ref: string, options?: { durability?: 'process' | 'power_loss' }): Promise<Checkpointer>

export type StreamItem<S = FlowState> = RunEvent | { kind: 'end'; outcome: RunOutcome<S> }

export declare class Graph<S = FlowState> {
  readonly nodes: string[]
  invoke(input?: Partial<S>, config?: RunConfig): Promise<RunOutcome<S>>
  resume(config?: RunConfig, value?: unknown): Promise<RunOutcome<S>>
  resumeTasks(config: RunConfig, valuesByTask: Record<string, unknown>): Promise<RunOutcome<S>>
  fork(config: RunConfig, checkpointId: string, update?: Partial<S> | null): Promise<RunOutcome<S>>
  history(config: RunConfig, limit?: number): Promise<CheckpointInfo<S>[]>
  stream(input?: Partial<S>, config?: RunConfig): AsyncIterable<StreamItem<S>>
  streamResume(config?: RunConfig, value?: unknown): AsyncIterable<StreamItem<S>>
}

export declare class StateGraph<S = FlowState> {
  constructor(options?: { state?: Record<string, KeySpec | KeySpec['reducer']> })
  key(name: string, spec?: KeySpec | KeySpec['reducer']): this
  addNode(name: string, fn: NodeFn<S> | Graph | AgentNode): this
  addEdge(from: string | string[], to: string): this
  addJoin(from: string[], to: string): this
  addConditionalEdges(from: string, router: Router<S>, targets: string[] | Record<string, string>): this
  setMaxSteps(steps: number): this
  setThreads(threads: number): this
  node(name: string, fn: NodeFn<S> | Graph | AgentNode): this
  edge(from: string | string[], to: string): this
  join(from: string[], to: string): this
  branch(from: string, router: Router<S>, targets: string[] | Record<string, string>): this
  maxSteps(steps: number): this
  compile(): Graph<S>
}

export declare class Workflow {
  readonly name: string
  readonly files: Array<{ path: string; sha256: string }>
  readonly agents: string[]
  readonly graph: Graph
  run(input?: FlowState, config?: RunConfig): Promise<RunOutcome>
  resume(threadId: string | RunConfig, value?: unknown, config?: RunConfig): Promise<RunOutcome>
  history(threadId: string | RunConfig, config?: RunConfig): Promise<CheckpointInfo[]>
  stream(input?: FlowState, config?: RunConfig): AsyncIterable<StreamItem>
}

export interface WorkflowOptions {
  /** Tools usable by name in the file (beside the built-in ones). */
  tools?: any[]
  /** Chat models by the reference the file uses. */
  models?: Record<string, any>
  /** The model of agents that name none. */
  model?: any
  baseDir?: string
  threads?: number
}

/** Throws a ConfigError whose `problems` lists every problem of the file. */
export declare function loadWorkflow(path: string, options?: WorkflowOptions): Workflow
export declare function loadWorkflowText(text: string, options?: WorkflowOptions & { sourceName?: string }): Workflow
