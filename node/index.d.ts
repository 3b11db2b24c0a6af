// Type declarations of the alith Node.js SDK (node-core: errors, models, tools, agent, memory, extraction,
// LangChain; the knowledge, flow, mcp and web3 modules declare themselves in lib/*.d.ts).

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
export type JsonSchema = { [key: string]: any }
/** A zod schema (zod 4 converts itself to JSON Schema); typed loosely so zod stays optional. */
export interface ZodLike<T = any> {
  parse(value: unknown): T
  safeParse(value: unknown): any
}
export type Schema = JsonSchema | ZodLike

// ---- errors ------------------------------------------------------------------------------------------------

export type ErrorCode =
  | 'provider' | 'rate_limited' | 'timeout' | 'parse' | 'schema' | 'tool' | 'io' | 'chain' | 'crypto'
  | 'cancelled' | 'config' | 'invalid_argument' | 'too_large' | 'max_steps' | 'unsupported' | 'internal'

export class AlithError extends Error {
  constructor(message?: string, code?: ErrorCode)
  readonly code: ErrorCode
  static readonly code: ErrorCode
}
export class ProviderError extends AlithError {
  /** HTTP status, 0 if none */
  status: number
  /** the provider's error text */
  body: string
}
export class RateLimitedError extends ProviderError {
  retryAfterSeconds?: number
}
export class ParseError extends AlithError {
  offset?: number
}
export class TimeoutError extends AlithError {}
export class SchemaError extends AlithError {}
export class ToolError extends AlithError {}
export class IoError extends AlithError {}
export class ChainError extends AlithError {}
export class CryptoError extends AlithError {}
export class CancelledError extends AlithError {}
export class ConfigError extends AlithError {}
export class InvalidArgumentError extends AlithError {}
export class TooLargeError extends AlithError {}
export class MaxStepsError extends AlithError {}
export class UnsupportedError extends AlithError {}
export function errorClassFor(code: string): typeof AlithError

// ---- messages and models -----------------------------------------------------------------------------------

export type Role = 'system' | 'user' | 'assistant' | 'tool'
export interface ToolCall {
  id: string
  name: string
  arguments: { [key: string]: Json }
  /** as the model produced them, when they did not parse */
  rawArguments?: string
}
export interface ContentPart {
  type: 'text' | 'image_url' | 'image_base64'
  [key: string]: any
}
export interface Message {
  role: Role
  content: string | ContentPart[]
  toolCalls?: ToolCall[]
  toolCallId?: string
  name?: string
  isError?: boolean
}
export interface Usage {
  promptTokens: number
  completionTokens: number
  totalTokens: number
}
export interface ToolSpec {
  name: string
  description: string
  parameters: JsonSchema
}
export type ToolChoice = 'auto' | 'none' | 'required' | string | { name: string }
export interface ChatRequest {
  messages: Message[]
  tools?: ToolSpec[]
  toolChoice?: ToolChoice
  temperature?: number
  topP?: number
  topK?: number
  seed?: number
  maxTokens?: number
  stop?: string | string[]
  responseFormat?: { type: 'text' | 'json_object' } | { type: 'json_schema'; schema: JsonSchema; name?: string; strict?: boolean }
}
export interface ChatResponse {
  message: Message
  finishReason: 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'other'
  usage: Usage
  model: string
  id: string
}
export interface CallOptions {
  signal?: AbortSignal
  /** per request, in milliseconds */
  timeoutMs?: number
}
export type ModelStreamEvent =
  | { type: 'text'; text: string }
  | { type: 'toolCallStart'; index: number; id: string; name: string }
  | { type: 'toolCallDelta'; index: number; text: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'response'; response: ChatResponse }

/** An async iterable of events; breaking out of the loop cancels the call. */
export interface EventStream<E, R> extends AsyncIterableIterator<E> {
  /** the call's outcome */
  readonly result: Promise<R>
}

export class ChatModel {
  /** 'provider:model' */
  readonly id: string
  readonly capabilities: { tools: boolean; jsonSchema: boolean; jsonObject: boolean; images: boolean; streaming: boolean }
  complete(request: ChatRequest | Message[] | string, options?: CallOptions): Promise<ChatResponse>
  stream(request: ChatRequest | Message[] | string, options?: CallOptions): EventStream<ModelStreamEvent, ChatResponse>
}
export interface OpenAIModelOptions {
  model?: string
  /** default https://api.openai.com/v1; any OpenAI-compatible server (llama-server, vLLM, Ollama...) */
  baseUrl?: string
  apiKey?: string
  provider?: string
  headers?: { [name: string]: string }
  /** 1 = no retries (default 4) */
  maxAttempts?: number
}
export class OpenAIModel extends ChatModel {
  constructor(options?: OpenAIModelOptions)
}
export class AnthropicModel extends ChatModel {
  constructor(options?: { model?: string; baseUrl?: string; apiKey?: string; maxTokens?: number })
}
export interface LocalModelOptions {
  contextSize?: number
  sequences?: number
  threads?: number
  maxTokens?: number
}
export class LocalModel extends ChatModel {
  /** Loads synchronously (a catalog name such as 'gemma3-270m' or a .gguf path). */
  constructor(nameOrPath: string)
  /** Loads off the JS thread. */
  static load(nameOrPath: string, options?: LocalModelOptions): Promise<LocalModel>
}
export class ScriptedModel extends ChatModel {
  constructor()
  pushText(text: string): this
  pushToolCall(name: string, args?: { [key: string]: Json }): this
  pushToolCalls(calls: { name: string; arguments?: { [key: string]: Json }; id?: string }[]): this
  /** model calls answered so far */
  readonly calls: number
  /** scripted replies not yet served */
  readonly remaining: number
}
/** 'openai:gpt-4o-mini', 'anthropic:claude-sonnet-4-5', 'local:gemma3-270m', 'echo:x', or a configured provider */
export function chatModel(ref: string | ChatModel): ChatModel
export class EmbeddingModel {
  readonly id: string
  embed(texts: string[] | string, options?: CallOptions): Promise<number[][]>
}
export function embeddingModel(ref: string | EmbeddingModel): EmbeddingModel

// ---- tools -------------------------------------------------------------------------------------------------

export interface ToolContext {
  /** the model's id for this call */
  callId: string
}
export interface ToolDefinition<A = any> {
  name: string
  description?: string
  /** JSON Schema of the arguments, or a zod schema */
  parameters?: Schema
  handler: (args: A, context: ToolContext) => unknown | Promise<unknown>
}
export class Tool {
  constructor(definition: ToolDefinition)
  static fromNative(handle: unknown): Tool
  readonly spec: ToolSpec
  readonly name: string
  readonly description: string
  readonly parameters: JsonSchema
  /** Runs it as an agent would (arguments validated first). */
  run(args?: { [key: string]: Json }, options?: { signal?: AbortSignal }): Promise<{ content: string; isError: boolean }>
}
export function tool<A = any>(definition: ToolDefinition<A>): Tool

// ---- memory ------------------------------------------------------------------------------------------------

export class Memory {
  messages(): Message[]
  append(message: Message): void
  clear(): void
}
export class WindowMemory extends Memory {
  constructor(maxMessages?: number)
}
export class BufferMemory extends Memory {
  constructor()
}
export class TokenWindowMemory extends Memory {
  constructor(maxTokens?: number)
}

// ---- agent -------------------------------------------------------------------------------------------------

export interface AgentOptions {
  model: ChatModel | string
  preamble?: string
  name?: string
  tools?: (Tool | ToolDefinition | { _native: unknown })[]
  memory?: Memory
  /** model calls per run (default 10) */
  maxSteps?: number
  /** withhold the tools on the last allowed step, so the run ends with an answer instead of a MaxStepsError */
  answerOnLastStep?: boolean
  /** for the first step only */
  toolChoice?: ToolChoice
  temperature?: number
  topP?: number
  seed?: number
  maxTokens?: number
  /** native hooks handles (e.g. a wallet's spending guard) */
  hooks?: unknown[]
  toolThreads?: number
}
export interface RunResult {
  answer: string
  /** model calls made */
  steps: number
  usage: Usage
  /** everything the model saw plus its final reply */
  transcript: Message[]
}
export type AgentEvent =
  | { type: 'text'; step: number; text: string }
  | { type: 'usage'; step: number; usage: Usage }
  | { type: 'toolCallStarted'; step: number; toolCall: ToolCall }
  | { type: 'toolCallFinished'; step: number; toolCall: ToolCall; result: string; isError: boolean }
  | { type: 'stepFinished'; step: number }
  | { type: 'finalAnswer'; step: number; text: string }
export interface RunOptions {
  signal?: AbortSignal
  /** per model call, in milliseconds */
  timeoutMs?: number
}
export class Agent {
  constructor(options: AgentOptions)
  readonly name: string
  readonly toolSpecs: ToolSpec[]
  readonly tools: Tool[]
  prompt(text: string, options?: RunOptions): Promise<string>
  run(text: string, options?: RunOptions): Promise<RunResult>
  /** Blocks the JS thread (scripts, benchmarks); JS tools still run, async tool handlers cannot. */
  promptSync(text: string): string
  runSync(text: string): RunResult
  stream(text: string, options?: RunOptions): EventStream<AgentEvent, RunResult>
}

// ---- extraction --------------------------------------------------------------------------------------------

export interface ExtractOptions {
  mode?: 'auto' | 'responseFormat' | 'toolCall' | 'prompt'
  instructions?: string
  repairAttempts?: number
  temperature?: number
  maxTokens?: number
  name?: string
  description?: string
  signal?: AbortSignal
}
export class Extractor<T = any> {
  constructor(model: ChatModel | string, schema: Schema, options?: ExtractOptions)
  readonly schema: JsonSchema
  extract(input: string | Message[], options?: ExtractOptions): Promise<T>
}
export function extract<T = any>(model: ChatModel | string, schema: Schema | ZodLike<T>, input: string | Message[], options?: ExtractOptions): Promise<T>

// ---- modules -----------------------------------------------------------------------------------------------

export * as langchain from './lib/langchain'
export * from './lib/knowledge'
export * from './lib/flow'
export * as mcp from './lib/mcp'
export * from './lib/web3'
export * as web3 from './lib/web3'
