'use strict'
// MCP: our client against the reference server-everything (stdio and an mcpServers config), and an alith
// server with a JS tool, over stdio (a child node process, called by our client) and Streamable HTTP (called by
// the official @modelcontextprotocol/sdk client).
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('fs')
const os = require('os')
const path = require('path')

const alith = require('..')
const { mcp } = alith

const peers = path.join(os.homedir(), '.cache/alith/peers/mcp-node')
const everything = path.join(peers, '@modelcontextprotocol/server-everything/dist/index.js')
const sdk = path.join(peers, '@modelcontextprotocol/sdk/dist/cjs')

function needPeers() {
  if (!fs.existsSync(everything) || !fs.existsSync(sdk)) {
    throw new Error(`the MCP reference peers are missing under ${peers}: run scripts/mcp-peers`)
  }
}

const textOf = (result) => result.content.filter((b) => b.type === 'text').map((b) => b.text).join('\n')

test('client against server-everything over stdio', async () => {
  needPeers()
  const client = await mcp.connect({ command: process.execPath, args: [everything, 'stdio'], timeoutMs: 30000 })
  try {
    assert.ok(client.connected)
    assert.ok(client.server.capabilities.tools)
    assert.ok(client.server.protocolVersion)
    await client.ping()
    const tools = await client.listTools()
    const names = tools.map((t) => t.name)
    assert.ok(names.includes('echo') && names.includes('get-sum'), names.join(','))
    assert.equal(textOf(await client.callTool('echo', { message: 'hello mcp' })), 'Echo: hello mcp')
    const sum = await client.callTool('get-sum', { a: 2, b: 3 })
    assert.match(textOf(sum), /5/)
    const resources = await client.listResources()
    assert.ok(resources.length > 0)
    const read = await client.readResource(resources[0].uri)
    assert.ok(read.contents.length > 0)
    const prompts = await client.listPrompts()
    assert.ok(prompts.length > 0)
    // A JSON-RPC error from the server (an unknown method) is a ProviderError.
    await assert.rejects(client.request('no/such/method', {}), (e) => e instanceof alith.AlithError && e.code === 'provider')

    // The server's tools drive an agent (a scripted model asks for echo, then answers).
    const agentTools = await client.tools()
    const echo = agentTools.find((t) => t.name === 'echo')
    assert.ok(echo)
    const model = new alith.ScriptedModel()
    model.pushToolCall('echo', { message: 'via agent' }).pushText('ok')
    const agent = new alith.Agent({ model, tools: agentTools })
    const result = await agent.run('call echo')
    assert.equal(result.answer, 'ok')
    assert.ok(JSON.stringify(result.transcript).includes('Echo: via agent'))
  } finally {
    await client.close()
  }
  assert.equal(client.connected, false)
})

test('servers from an mcpServers config', async () => {
  needPeers()
  const servers = await mcp.connectServers({ mcpServers: { everything: { command: process.execPath, args: [everything] } } })
  try {
    const tools = await servers.tools()
    assert.ok(tools.some((t) => t.name === 'echo'))
    assert.ok(servers.client('everything'))
    assert.match(textOf(await servers.client('everything').callTool('echo', { message: 'cfg' })), /cfg/)
  } finally {
    await servers.close()
  }
})

const addTool = {
  name: 'add',
  description: 'Adds two numbers',
  parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
}

test('an alith server with a JS tool over stdio, called by our client', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alith-mcp-'))
  const script = path.join(dir, 'server.js')
  fs.writeFileSync(script, `
    const alith = require(${JSON.stringify(path.resolve(__dirname, '..'))})
    const server = new alith.mcp.Server({ name: 'js-server', version: '1.0.0', tools: [
      alith.tool({ ...${JSON.stringify(addTool)}, handler: async ({ a, b }) => { await new Promise((r) => setTimeout(r, 5)); return { sum: a + b } } }),
      alith.tool({ name: 'fail', description: 'Always fails', parameters: { type: 'object', properties: {} }, handler: () => { throw new Error('nope') } }),
    ] })
    server.serveStdio().then(() => process.exit(0), (e) => { console.error(e); process.exit(1) })
  `)
  const client = await mcp.connect({ command: process.execPath, args: [script], timeoutMs: 30000 })
  try {
    assert.equal(client.server.serverInfo.name, 'js-server')
    const tools = await client.listTools()
    assert.deepEqual(tools.map((t) => t.name).sort(), ['add', 'fail'])
    const r = await client.callTool('add', { a: 2, b: 40 })
    assert.equal(r.isError || false, false)
    assert.match(textOf(r), /42/)
    const failed = await client.callTool('fail', {})
    assert.equal(failed.isError, true)
    assert.match(textOf(failed), /nope/)
    const bad = await client.callTool('add', { a: 'x' })
    assert.equal(bad.isError, true)
  } finally {
    await client.close()
  }
})

test('an alith server over Streamable HTTP, called by the official SDK client', async () => {
  needPeers()
  const { Client } = require(path.join(sdk, 'client/index.js'))
  const { StreamableHTTPClientTransport } = require(path.join(sdk, 'client/streamableHttp.js'))
  let calls = 0
  const server = new mcp.Server({
    name: 'js-http',
    tools: [{ ...addTool, handler: ({ a, b }) => { calls++; return a + b } }],
  })
  const serving = await server.serveHttp('127.0.0.1', 0)
  assert.ok(serving.port > 0)
  const client = new Client({ name: 'sdk-test', version: '1.0.0' })
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(serving.url)))
    const { tools } = await client.listTools()
    assert.deepEqual(tools.map((t) => t.name), ['add'])
    const r = await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })
    assert.match(r.content[0].text, /3/)
    assert.equal(calls, 1)

    // Our own client too, concurrently.
    const ours = await mcp.connect({ url: serving.url })
    const results = await Promise.all([1, 2, 3, 4].map((n) => ours.callTool('add', { a: n, b: n })))
    assert.deepEqual(results.map((x) => textOf(x)), ['2', '4', '6', '8'])
    await ours.close()
  } finally {
    await client.close()
    await serving.stop()
  }
})

// Resources and prompts backed by JS objects (sync and async methods), served over Streamable HTTP and read by
// our client and the official SDK client.
function docsServer() {
  const docs = new Map([
    ['doc://readme', { name: 'readme', mimeType: 'text/markdown', text: '# alith' }],
    ['doc://notes', { name: 'notes', mimeType: 'text/plain', text: 'remember the milk' }],
  ])
  const reads = []
  const resources = {
    list: () => [...docs].map(([uri, d]) => ({ uri, name: d.name, mimeType: d.mimeType })),
    templates: async () => [{ uriTemplate: 'doc://{name}', name: 'doc' }],
    async read(uri) {
      reads.push(uri)
      await new Promise((r) => setTimeout(r, 2))
      const d = docs.get(uri)
      if (!d) throw new alith.InvalidArgumentError(`no document ${uri}`)
      return [{ mimeType: d.mimeType, text: d.text }]
    },
  }
  const prompts = {
    list: async () => [{ name: 'greet', description: 'Greets someone', arguments: [{ name: 'who', required: true }] }],
    get(name, args) {
      if (name !== 'greet') return undefined
      if (!args.who) throw new RangeError('missing argument: who')
      return { description: 'a greeting', messages: [{ role: 'user', content: { type: 'text', text: `Say hello to ${args.who}` } }] }
    },
  }
  return { server: new mcp.Server({ name: 'js-docs', tools: [], resources, prompts }), reads }
}

test('an alith server with JS resources and prompts over HTTP, called by our client', async () => {
  const { server, reads } = docsServer()
  const serving = await server.serveHttp({ port: 0 })
  const client = await mcp.connect({ url: serving.url, timeoutMs: 30000 })
  try {
    assert.ok(client.server.capabilities.resources)
    assert.ok(client.server.capabilities.prompts)
    const resources = await client.listResources()
    assert.deepEqual(resources.map((r) => r.uri), ['doc://readme', 'doc://notes'])
    assert.deepEqual((await client.listResourceTemplates()).map((t) => t.uriTemplate), ['doc://{name}'])
    const read = await client.readResource('doc://notes')
    assert.deepEqual(read.contents, [{ uri: 'doc://notes', mimeType: 'text/plain', text: 'remember the milk' }])
    await assert.rejects(client.readResource('doc://missing'), (e) => e instanceof alith.AlithError && /-32002|not found/i.test(e.message))
    // Concurrent reads are served while the event loop runs the (async) callbacks.
    const many = await Promise.all([1, 2, 3].map(() => client.readResource('doc://readme')))
    assert.ok(many.every((r) => r.contents[0].text === '# alith'))
    assert.deepEqual(reads.filter((u) => u === 'doc://readme').length, 3)

    const prompts = await client.listPrompts()
    assert.deepEqual(prompts.map((p) => p.name), ['greet'])
    const got = await client.getPrompt('greet', { who: 'Ada' })
    assert.equal(got.messages[0].content.text, 'Say hello to Ada')
    await assert.rejects(client.getPrompt('nope', {}), (e) => e instanceof alith.AlithError && /unknown prompt/.test(e.message))
    await assert.rejects(client.getPrompt('greet', {}), (e) => e instanceof alith.AlithError && /missing argument/.test(e.message))
  } finally {
    await client.close()
    await serving.stop()
  }
})

test('JS resources and prompts, called by the official SDK client (MCP error codes)', async () => {
  needPeers()
  const { Client } = require(path.join(sdk, 'client/index.js'))
  const { StreamableHTTPClientTransport } = require(path.join(sdk, 'client/streamableHttp.js'))
  const { server } = docsServer()
  const serving = await server.serveHttp('127.0.0.1', 0)
  const client = new Client({ name: 'sdk-test', version: '1.0.0' })
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(serving.url)))
    const { resources } = await client.listResources()
    assert.deepEqual(resources.map((r) => r.name), ['readme', 'notes'])
    const { resourceTemplates } = await client.listResourceTemplates()
    assert.equal(resourceTemplates[0].uriTemplate, 'doc://{name}')
    const read = await client.readResource({ uri: 'doc://readme' })
    assert.equal(read.contents[0].text, '# alith')
    assert.equal(read.contents[0].mimeType, 'text/markdown')
    await assert.rejects(client.readResource({ uri: 'doc://missing' }), (e) => e.code === -32002)

    const { prompts } = await client.listPrompts()
    assert.equal(prompts[0].name, 'greet')
    assert.equal(prompts[0].arguments[0].name, 'who')
    const got = await client.getPrompt({ name: 'greet', arguments: { who: 'Grace' } })
    assert.equal(got.description, 'a greeting')
    assert.deepEqual(got.messages, [{ role: 'user', content: { type: 'text', text: 'Say hello to Grace' } }])
    await assert.rejects(client.getPrompt({ name: 'nope', arguments: {} }), (e) => e.code === -32602)
    await assert.rejects(client.getPrompt({ name: 'greet', arguments: {} }), (e) => e.code === -32602)
  } finally {
    await client.close()
    await serving.stop()
  }
})
