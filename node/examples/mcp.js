'use strict'
// MCP both ways: serve a JS tool over Streamable HTTP, connect to it with the alith client, and give its
// tools to an agent.
//   node node/examples/mcp.js
const alith = require('..')

async function main() {
  const server = new alith.mcp.Server({
    name: 'weather',
    tools: [alith.tool({
      name: 'forecast',
      description: 'The forecast for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      handler: async ({ city }) => ({ city, forecast: 'sunny', high_c: 24 }),
    })],
  })
  const serving = await server.serveHttp({ port: 0 })
  console.log(`serving ${serving.url}`)

  const client = await alith.mcp.connect({ url: serving.url })
  console.log('tools:', (await client.listTools()).map((t) => t.name))
  console.log(await client.callTool('forecast', { city: 'Lisbon' }))

  const model = process.env.ALITH_MODEL ? alith.chatModel(process.env.ALITH_MODEL)
    : new alith.ScriptedModel().pushToolCall('forecast', { city: 'Lisbon' }).pushText('Sunny in Lisbon, 24 °C.')
  const agent = new alith.Agent({ model, tools: await client.tools(), toolChoice: 'required' })
  console.log(await agent.prompt('What is the weather in Lisbon?'))

  await client.close()
  await serving.stop()
}

main().catch((e) => { console.error(e); process.exit(1) })
