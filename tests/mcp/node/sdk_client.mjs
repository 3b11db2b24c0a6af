// Drives an MCP server with the official TypeScript SDK client (@modelcontextprotocol/sdk) and prints one JSON
// object with what it saw, for tests/mcp/sdk_client_test.cpp to check.
//
//   node sdk_client.mjs NODE_MODULES stdio COMMAND [ARG...]   spawn the server (StdioClientTransport)
//   node sdk_client.mjs NODE_MODULES http URL                  connect to it (StreamableHTTPClientTransport)
//
// The server must offer `echo` ({text}) and `calculator` ({expression}).
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const [modules, mode, ...rest] = process.argv.slice(2);
const sdk = (p) => import(pathToFileURL(join(modules, '@modelcontextprotocol/sdk/dist/esm', p)).href);
const { Client } = await sdk('client/index.js');

// Never hang a test: give up after 60 s.
setTimeout(() => {
  console.log(JSON.stringify({ error: 'timeout' }));
  process.exit(3);
}, 60_000).unref();

let transport;
if (mode === 'stdio') {
  const { StdioClientTransport } = await sdk('client/stdio.js');
  transport = new StdioClientTransport({ command: rest[0], args: rest.slice(1), stderr: 'ignore' });
} else {
  const { StreamableHTTPClientTransport } = await sdk('client/streamableHttp.js');
  transport = new StreamableHTTPClientTransport(new URL(rest[0]));
}

const out = {};
const client = new Client({ name: 'alith-sdk-test', version: '1.0.0' });
await client.connect(transport);
out.serverInfo = client.getServerVersion();
out.capabilities = client.getServerCapabilities();
out.protocolVersion = transport.protocolVersion ?? null;
out.sessionId = transport.sessionId ?? null;
const listed = await client.listTools();
out.tools = listed.tools.map((t) => t.name).sort();
out.echo = await client.callTool({ name: 'echo', arguments: { text: 'héllo ✓' } });
out.calculator = await client.callTool({ name: 'calculator', arguments: { expression: '6 * 7' } });
out.badArguments = await client.callTool({ name: 'echo', arguments: { text: 42 } });
try {
  out.unknownTool = await client.callTool({ name: 'no_such_tool', arguments: {} });
} catch (e) {
  out.unknownToolError = { code: e.code, message: e.message };
}
out.ping = await client.ping();
// Several calls at once on one connection.
const many = await Promise.all([...Array(10).keys()].map((i) => client.callTool({ name: 'echo', arguments: { text: `n${i}` } })));
out.concurrent = many.map((r) => r.content[0].text);
if (mode === 'http') await transport.terminateSession();
await client.close();
console.log(JSON.stringify(out));
