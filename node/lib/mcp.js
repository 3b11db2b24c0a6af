'use strict'
// Model Context Protocol: a client for any MCP server (stdio child process or Streamable HTTP), the servers of
// an mcpServers config, and an MCP server exposing alith tools (JS tools included) over stdio or HTTP.

const native = () => require('./native').mcp

function toolsFromNative(handles) {
  let wrap = (h) => h
  try {
    const tools = require('./tools')
    if (tools && tools.Tool && typeof tools.Tool.fromNative === 'function') wrap = (h) => tools.Tool.fromNative(h)
  } catch (_) {
    // the bare handles are accepted by Agent too
  }
  return handles.map(wrap)
}

function nativeTool(tool) {
  if (tool && typeof tool === 'object' && !tool._native && typeof tool.handler === 'function') {
    // A tool spec {name, description, parameters, handler}: made into an alith tool by lib/tools.js.
    return require('./tools').tool(tool)
  }
  return tool
}

async function allPages(fetch, key) {
  const items = []
  let cursor
  for (let page = 0; page < 1000; page++) {
    const result = await fetch(cursor)
    items.push(...(result[key] || []))
    cursor = result.nextCursor
    if (!cursor) break
  }
  return items
}

// options: {command, args, env, cwd, stderrLog} (stdio) or {url, headers} (Streamable HTTP); plus timeoutMs
// (per request) and clientName.
class Client {
  constructor(handle) {
    Object.defineProperty(this, '_native', { value: handle })
  }

  static async connect(options) {
    return new Client(await native().connect(options))
  }

  // What the server said at initialize: {protocolVersion, capabilities, serverInfo, instructions?}.
  get server() { return native().serverInfo(this._native) }
  get connected() { return native().connected(this._native) }

  // A raw JSON-RPC request; options: {timeoutMs, signal}.
  request(method, params = null, options = {}) {
    const { signal, ...rest } = options
    return native().request(this._native, method, params, rest, signal)
  }

  notify(method, params = null) { native().notify(this._native, method, params) }
  async ping(options) { await this.request('ping', null, options) }

  listTools(options) {
    return allPages((cursor) => this.request('tools/list', cursor ? { cursor } : {}, options), 'tools')
  }

  callTool(name, args = {}, options) {
    return this.request('tools/call', { name, arguments: args }, options)
  }

  listResources(options) {
    return allPages((cursor) => this.request('resources/list', cursor ? { cursor } : {}, options), 'resources')
  }

  listResourceTemplates(options) {
    return allPages((cursor) => this.request('resources/templates/list', cursor ? { cursor } : {}, options),
      'resourceTemplates')
  }

  readResource(uri, options) { return this.request('resources/read', { uri }, options) }

  listPrompts(options) {
    return allPages((cursor) => this.request('prompts/list', cursor ? { cursor } : {}, options), 'prompts')
  }

  getPrompt(name, args = {}, options) { return this.request('prompts/get', { name, arguments: args }, options) }

  // The server's tools as alith tools for an Agent; options: {namePrefix, timeoutMs}.
  async tools(options = {}) {
    return toolsFromNative(await native().clientTools(this._native, options))
  }

  close() { return native().close(this._native) }
}

function connect(options) { return Client.connect(options) }

// Every server of an mcpServers config (an object, or a path to a JSON file), connected.
class Servers {
  constructor(result) {
    Object.defineProperty(this, '_native', { value: result.handle })
    this.clients = {}
    for (const [name, handle] of Object.entries(result.clients)) this.clients[name] = new Client(handle)
  }

  static async connect(config, options = {}) {
    return new Servers(await native().connectServers(config, options))
  }

  client(name) { return this.clients[name] }
  // Every server's tools; a name two servers share is prefixed with "<server>_".
  async tools() { return toolsFromNative(await native().serversTools(this._native)) }
  close() { return native().serversClose(this._native) }
}

function connectServers(config, options) { return Servers.connect(config, options) }

const invalidArgument = (message) => new (require('./errors').InvalidArgumentError)(message)

// What a resources.read / prompts.get throw means to the client: an InvalidArgumentError (or any error with code
// 'invalid_argument'), a RangeError or ENOENT stand for "no such resource / prompt, or bad arguments" (the MCP
// errors -32002 resource not found and -32602 invalid params); anything else is an internal error (-32603).
function lookupError(error) {
  if (error && typeof error === 'object' && error.code !== 'invalid_argument' &&
      (error instanceof RangeError || error.code === 'ENOENT')) {
    return invalidArgument(error.message)
  }
  return error
}

function arrayOf(value, what) {
  if (!Array.isArray(value)) throw new TypeError(`${what} must return an array (or a Promise of one)`)
  return value
}

// resources: {list() -> [{uri, name, mimeType?, ...}], templates()? -> [{uriTemplate, name, ...}], read(uri) ->
// [{uri?, mimeType?, text | blob}] | {text | blob, ...} | string | undefined (unknown uri)}; each may be async.
// The native server calls these functions from its threads and waits for them (the event loop runs on).
function resourcesProvider(resources) {
  if (resources == null) return undefined
  if (typeof resources.list !== 'function' || typeof resources.read !== 'function') {
    throw new TypeError('resources need list() and read(uri) methods')
  }
  const provider = {
    list: async () => arrayOf(await resources.list(), 'resources.list()'),
    read: async (uri) => {
      let contents
      try {
        contents = await resources.read(uri)
      } catch (e) {
        throw lookupError(e)
      }
      if (contents === undefined || contents === null) throw invalidArgument(`unknown resource: ${uri}`)
      if (typeof contents === 'string') contents = [{ text: contents }]
      else if (!Array.isArray(contents)) contents = Array.isArray(contents.contents) ? contents.contents : [contents]
      return contents.map((c) => ({ uri, ...c }))
    },
  }
  if (typeof resources.templates === 'function') {
    provider.templates = async () => arrayOf(await resources.templates(), 'resources.templates()')
  }
  return provider
}

// prompts: {list() -> [{name, description?, arguments?: [{name, description?, required?}]}], get(name, args) ->
// {description?, messages: [{role, content}]} | messages array | string (one user message) | undefined (unknown
// prompt)}; each may be async.
function promptsProvider(prompts) {
  if (prompts == null) return undefined
  if (typeof prompts.list !== 'function' || typeof prompts.get !== 'function') {
    throw new TypeError('prompts need list() and get(name, arguments) methods')
  }
  return {
    list: async () => arrayOf(await prompts.list(), 'prompts.list()'),
    get: async (name, args) => {
      let result
      try {
        result = await prompts.get(name, args || {})
      } catch (e) {
        throw lookupError(e)
      }
      if (result === undefined || result === null) throw invalidArgument(`unknown prompt: ${name}`)
      if (typeof result === 'string') result = [{ role: 'user', content: { type: 'text', text: result } }]
      return Array.isArray(result) ? { messages: result } : result
    },
  }
}

// An MCP server of alith tools, and optionally resources and prompts: new Server({name, version, instructions,
// tools: [Tool | {name, description, parameters, handler}], resources: {list, templates?, read}, prompts: {list,
// get}}).
class Server {
  constructor(options = {}) {
    const tools = (options.tools || []).map(nativeTool)
    const resources = resourcesProvider(options.resources)
    const prompts = promptsProvider(options.prompts)
    const { name, version, instructions, threads } = options
    const opts = {}
    if (name !== undefined) opts.name = name
    if (version !== undefined) opts.version = version
    if (instructions !== undefined) opts.instructions = instructions
    if (threads !== undefined) opts.threads = threads
    Object.defineProperty(this, '_native', { value: native().newServer(tools, opts, resources, prompts) })
  }

  // Serves this process's stdin/stdout until stdin ends. Nothing else may write to stdout meanwhile (use
  // console.error for logs).
  serveStdio() { return native().serveStdio(this._native) }

  // Streamable HTTP on host:port (port 0: a free one) at path (default /mcp): serveHttp({host, port, path,
  // allowedOrigins}), serveHttp(host, port) or serveHttp(port). Resolves once listening with {port, url, stop(),
  // closed}.
  async serveHttp(options = {}, portNumber) {
    const opts = typeof options === 'number' ? { port: options }
      : typeof options === 'string' ? { host: options, port: portNumber || 0 } : options
    const handle = native().httpStart(this._native, opts)
    const port = native().httpPort(handle)
    const closed = native().httpRun(handle)
    const host = opts.host || '127.0.0.1'
    return {
      port,
      url: `http://${host}:${port}${opts.path || '/mcp'}`,
      closed,
      async stop() {
        await native().httpStop(handle)
        await closed
      },
    }
  }
}

module.exports = { Client, connect, Servers, connectServers, Server }
