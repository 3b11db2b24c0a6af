'use strict'
// LangChain.js interop (needs @langchain/core, loaded only when this module is): an alith model as a LangChain
// chat model (with bindTools and streaming), and tools converted both ways.
const { BaseChatModel } = require('@langchain/core/language_models/chat_models')
const { AIMessage, AIMessageChunk } = require('@langchain/core/messages')
const { ChatGenerationChunk } = require('@langchain/core/outputs')
const { tool: lcTool } = require('@langchain/core/tools')
const { convertToOpenAITool } = require('@langchain/core/utils/function_calling')
const { chatModel } = require('./models')
const { Tool } = require('./tools')
const { toJsonSchema, isZod } = require('./schema')

function textOf(content) {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) {
    return content.map((p) => (typeof p === 'string' ? p : p.type === 'text' ? p.text : '')).join('')
  }
  return content === undefined || content === null ? '' : String(content)
}

function typeOf(message) {
  if (typeof message.getType === 'function') return message.getType()
  if (typeof message._getType === 'function') return message._getType()
  return message.role
}

/** A LangChain BaseMessage -> alith {role, content, toolCalls?, toolCallId?} */
function toAlithMessage(message) {
  const type = typeOf(message)
  if (type === 'human' || type === 'user' || type === 'generic') return { role: 'user', content: textOf(message.content) }
  if (type === 'system' || type === 'developer') return { role: 'system', content: textOf(message.content) }
  if (type === 'tool') {
    return { role: 'tool', content: textOf(message.content), toolCallId: message.tool_call_id, name: message.name || '' }
  }
  if (type === 'ai' || type === 'assistant') {
    const out = { role: 'assistant', content: textOf(message.content) }
    if (message.tool_calls && message.tool_calls.length) {
      out.toolCalls = message.tool_calls.map((c) => ({ id: c.id || '', name: c.name, arguments: c.args || {} }))
    }
    return out
  }
  throw new TypeError(`alith: unsupported LangChain message type ${type}`)
}

function toolSpecOf(t) {
  if (t instanceof Tool) return t.spec
  if (t && typeof t.name === 'string' && t.parameters && typeof t.invoke !== 'function') {
    return { name: t.name, description: t.description || '', parameters: t.parameters } // already a spec
  }
  const f = t && t.type === 'function' && t.function ? t.function : convertToOpenAITool(t).function
  return { name: f.name, description: f.description || '', parameters: f.parameters || { type: 'object', properties: {} } }
}

function usageMetadata(usage) {
  return { input_tokens: usage.promptTokens, output_tokens: usage.completionTokens, total_tokens: usage.totalTokens }
}

/**
 * new AlithChatModel({model: ChatModel | 'provider:model', temperature, maxTokens}): any alith model as a
 * LangChain chat model. bindTools(tools) accepts LangChain tools, alith Tools and OpenAI-style tool objects.
 */
class AlithChatModel extends BaseChatModel {
  static lc_name() {
    return 'AlithChatModel'
  }

  constructor(fields = {}) {
    super(fields)
    this.model = chatModel(fields.model || 'echo:langchain')
    this.temperature = fields.temperature
    this.maxTokens = fields.maxTokens
  }

  _llmType() {
    return 'alith'
  }

  bindTools(tools, kwargs = {}) {
    return this.withConfig({ tools: tools.map(toolSpecOf), ...kwargs })
  }

  _request(messages, options) {
    const request = { messages: messages.map(toAlithMessage) }
    if (options.tools && options.tools.length) request.tools = options.tools.map(toolSpecOf)
    if (options.tool_choice !== undefined) {
      const c = options.tool_choice
      request.toolChoice = typeof c === 'string' ? c : c && c.function ? c.function.name : c && c.name ? c.name : 'auto'
    }
    if (this.temperature !== undefined) request.temperature = this.temperature
    if (this.maxTokens !== undefined) request.maxTokens = this.maxTokens
    if (options.stop) request.stop = options.stop
    return request
  }

  async _generate(messages, options, runManager) {
    const response = await this.model.complete(this._request(messages, options), { signal: options.signal })
    const m = response.message
    const message = new AIMessage({
      content: m.content,
      tool_calls: (m.toolCalls || []).map((c) => ({ id: c.id, name: c.name, args: c.arguments || {}, type: 'tool_call' })),
      usage_metadata: usageMetadata(response.usage),
      response_metadata: { finish_reason: response.finishReason, model: response.model },
    })
    if (runManager && m.content) await runManager.handleLLMNewToken(m.content)
    return { generations: [{ text: m.content, message }], llmOutput: { tokenUsage: response.usage } }
  }

  async *_streamResponseChunks(messages, options, runManager) {
    for await (const event of this.model.stream(this._request(messages, options), { signal: options.signal })) {
      let chunk = null
      if (event.type === 'text') {
        chunk = new AIMessageChunk({ content: event.text })
      } else if (event.type === 'toolCallStart') {
        chunk = new AIMessageChunk({
          content: '',
          tool_call_chunks: [{ id: event.id, name: event.name, args: '', index: event.index, type: 'tool_call_chunk' }],
        })
      } else if (event.type === 'toolCallDelta') {
        chunk = new AIMessageChunk({
          content: '',
          tool_call_chunks: [{ args: event.text, index: event.index, type: 'tool_call_chunk' }],
        })
      } else if (event.type === 'usage') {
        chunk = new AIMessageChunk({ content: '', usage_metadata: usageMetadata(event.usage) })
      }
      if (!chunk) continue
      const text = typeof chunk.content === 'string' ? chunk.content : ''
      yield new ChatGenerationChunk({ text, message: chunk })
      if (runManager && text) await runManager.handleLLMNewToken(text)
    }
  }
}

/** An alith Tool (or tool definition) as a LangChain tool. */
function toLangChainTool(alithTool) {
  const t = alithTool instanceof Tool ? alithTool : new Tool(alithTool)
  const spec = t.spec
  return lcTool(
    async (args) => {
      const outcome = await t.run(args)
      if (outcome.isError) throw new Error(outcome.content)
      return outcome.content
    },
    { name: spec.name, description: spec.description, schema: spec.parameters })
}

/** A LangChain tool as an alith Tool (for an Agent's tools). */
function fromLangChainTool(langchainTool) {
  const schema = langchainTool.schema
  const parameters = isZod(schema) ? toJsonSchema(schema) : schema || { type: 'object', properties: {} }
  return new Tool({
    name: langchainTool.name,
    description: langchainTool.description || '',
    parameters,
    handler: async (args) => {
      const out = await langchainTool.invoke(args)
      if (typeof out === 'string') return out
      if (out && typeof out === 'object' && 'content' in out) return textOf(out.content)
      return out
    },
  })
}

module.exports = { AlithChatModel, toLangChainTool, fromLangChainTool, toAlithMessage }
