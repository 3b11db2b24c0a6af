// The TypeScript SDK's reference point for bench/mcp_bench.cpp: an McpServer with one `echo` tool ({text}
// -> the same text), over StdioServerTransport.   node mcp_sdk_server.mjs NODE_MODULES
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const [modules] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(join(modules, p)).href);
const { McpServer } = await load('@modelcontextprotocol/sdk/dist/esm/server/mcp.js');
const { StdioServerTransport } = await load('@modelcontextprotocol/sdk/dist/esm/server/stdio.js');
const z = await load('zod/index.js');

const server = new McpServer({ name: 'sdk-echo', version: '1.0.0' });
server.registerTool(
  'echo',
  { description: 'Returns the given text unchanged.', inputSchema: { text: z.string().describe('what to echo') } },
  async ({ text }) => ({ content: [{ type: 'text', text }] }),
);
await server.connect(new StdioServerTransport());
