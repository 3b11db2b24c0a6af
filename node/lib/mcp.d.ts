// Model Context Protocol client and server.

export interface McpClientOptions {
  /** stdio: the server's program and arguments. */
  command?: string
  args?: string[]
  env?: Record<string, string>
  cwd?: string
  stderrLog?: string
  /** Streamable HTTP: the server's MCP endpoint. */
  url?: string
  headers?: Record<string, string>
  /** Per request. */
  timeoutMs?: number
  clientName?: string
}

export interface RequestOptions {
  timeoutMs?: number
  signal?: AbortSignal
}

export interface McpTool {
  name: string
  title?: string
  description?: string
  inputSchema: Record<string, unknown>
  outputSchema?: Record<string, unknown>
  annotations?: Record<string, unknown>
}

export interface CallToolResult {
  content: Array<{ type: string; text?: string; [key: string]: unknown }>
  structuredContent?: unknown
  isError?: boolean
}

export declare class Client {
  static connect(options: McpClientOptions): Promise<Client>
  readonly server: { protocolVersion: string; capabilities: Record<string, unknown>; serverInfo: { name: string; version: string }; instructions?: string }
  readonly connected: boolean
  request(method: string, params?: unknown, options?: RequestOptions): Promise<any>
  notify(method: string, params?: unknown): void
  ping(options?: RequestOptions): Promise<void>
  listTools(options?: RequestOptions): Promise<McpTool[]>
  callTool(name: string, args?: Record<string, unknown>, options?: RequestOptions): Promise<CallToolResult>
  listResources(options?: RequestOptions): Promise<Array<{ uri: string; name: string; [key: string]: unknown }>>
  listResourceTemplates(options?: RequestOptions): Promise<Array<{ uriTemplate: string; name: string; [key: string]: unknown }>>
  readResource(uri: string, options?: RequestOptions): Promise<{ contents: Array<{ uri: string; text?: string; blob?: string; mimeType?: string }> }>
  listPrompts(options?: RequestOptions): Promise<Array<{ name: string; description?: string; arguments?: unknown[] }>>
  getPrompt(name: string, args?: Record<string, string>, options?: RequestOptions): Promise<{ description?: string; messages: unknown[] }>
  /** The server's tools as alith tools for an Agent. */
  tools(options?: { namePrefix?: string; timeoutMs?: number }): Promise<any[]>
  close(): Promise<void>
}

export declare function connect(options: McpClientOptions): Promise<Client>

export declare class Servers {
  /** config: an `{mcpServers: {...}}` object or the path of such a JSON file. */
  static connect(config: object | string, options?: { timeoutMs?: number }): Promise<Servers>
  readonly clients: Record<string, Client>
  client(name: string): Client | undefined
  tools(): Promise<any[]>
  close(): Promise<void>
}

export declare function connectServers(config: object | string, options?: { timeoutMs?: number }): Promise<Servers>

export interface ToolSpec {
  name: string
  description?: string
  parameters?: Record<string, unknown>
  handler: (args: any, context: { callId: string }) => unknown | Promise<unknown>
}

export interface HttpServing {
  port: number
  url: string
  closed: Promise<void>
  stop(): Promise<void>
}

type MaybePromise<T> = T | Promise<T>

export interface McpResource { uri: string; name: string; title?: string; description?: string; mimeType?: string; size?: number; [key: string]: unknown }
export interface McpResourceTemplate { uriTemplate: string; name: string; title?: string; description?: string; mimeType?: string; [key: string]: unknown }
export interface McpResourceContents { uri?: string; mimeType?: string; text?: string; /** base64 */ blob?: string; [key: string]: unknown }

/**
 * Resources an alith Server offers. read(uri) answers the contents (a string is one text item; uri defaults to
 * the one asked for). Unknown uri: return undefined, or throw an InvalidArgumentError, a RangeError or an
 * ENOENT error (the client gets -32002 "resource not found"); any other throw is an internal error (-32603).
 */
export interface ResourceProvider {
  list(): MaybePromise<McpResource[]>
  templates?(): MaybePromise<McpResourceTemplate[]>
  read(uri: string): MaybePromise<McpResourceContents[] | McpResourceContents | { contents: McpResourceContents[] } | string | undefined | null>
}

export interface McpPrompt { name: string; title?: string; description?: string; arguments?: Array<{ name: string; description?: string; required?: boolean }>; [key: string]: unknown }
export interface McpPromptMessage { role: 'user' | 'assistant'; content: { type: string; text?: string; [key: string]: unknown } }

/**
 * Prompts an alith Server offers. get(name, args) answers a GetPromptResult (an array is its messages, a string
 * one user text message). Unknown prompt or bad arguments: return undefined, or throw an InvalidArgumentError or
 * a RangeError (the client gets -32602); any other throw is an internal error (-32603).
 */
export interface PromptProvider {
  list(): MaybePromise<McpPrompt[]>
  get(name: string, args: Record<string, string>): MaybePromise<{ description?: string; messages: McpPromptMessage[] } | McpPromptMessage[] | string | undefined | null>
}

export interface ServerOptions {
  name?: string
  version?: string
  instructions?: string
  threads?: number
  tools?: Array<ToolSpec | object>
  resources?: ResourceProvider
  prompts?: PromptProvider
}

export declare class Server {
  constructor(options: ServerOptions)
  /** Serves stdin/stdout until stdin ends; nothing else may write to stdout meanwhile. */
  serveStdio(): Promise<void>
  serveHttp(options?: number | { host?: string; port?: number; path?: string; allowedOrigins?: string[] }): Promise<HttpServing>
  serveHttp(host: string, port?: number): Promise<HttpServing>
}
