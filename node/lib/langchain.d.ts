import { BaseChatModel, BaseChatModelParams } from '@langchain/core/language_models/chat_models'
import { BaseMessage, AIMessageChunk } from '@langchain/core/messages'
import { ChatResult } from '@langchain/core/outputs'
import { StructuredToolInterface } from '@langchain/core/tools'
import { ChatModel, Tool, ToolDefinition, Message } from '../index'

export interface AlithChatModelFields extends BaseChatModelParams {
  model?: ChatModel | string
  temperature?: number
  maxTokens?: number
}
/** Any alith model as a LangChain chat model (invoke, stream, bindTools). */
export class AlithChatModel extends BaseChatModel {
  constructor(fields?: AlithChatModelFields)
  model: ChatModel
  _llmType(): string
  _generate(messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult>
  bindTools(tools: any[], kwargs?: any): any
}
export function toLangChainTool(tool: Tool | ToolDefinition): StructuredToolInterface
export function fromLangChainTool(tool: StructuredToolInterface): Tool
export function toAlithMessage(message: BaseMessage): Message
