'use strict'
// alith for Node.js: agents, tools, models (hosted, local, scripted), memory, extraction, streaming, and the
// knowledge, workflow, MCP and Web3 modules.
const fs = require('fs')
const path = require('path')

const errors = require('./errors')
const models = require('./models')
const tools = require('./tools')
const memory = require('./memory')
const agent = require('./agent')

module.exports = {
  ...errors,
  ...models,
  ...tools,
  ...memory,
  ...agent,
}
delete module.exports.modelHandle
delete module.exports.eventStream
delete module.exports.withSignal

function optional(name) {
  return fs.existsSync(path.join(__dirname, `${name}.js`)) ? require(`./${name}`) : {}
}
Object.assign(module.exports, optional('knowledge'), optional('flow'), optional('web3'))
module.exports.mcp = optional('mcp')
module.exports.web3 = optional('web3')
// LangChain adapters load @langchain/core only when used.
Object.defineProperty(module.exports, 'langchain', {
  enumerable: true,
  get: () => require('./langchain'),
})
