'use strict'
// Conversation memory for agents (what goes before each new prompt).
const native = require('./native')

class Memory {
  constructor(handle) {
    this._native = handle
  }
  /** The kept messages: [{role, content, toolCalls?, toolCallId?, name?}] */
  messages() {
    return native.memoryMessages(this._native)
  }
  append(message) {
    native.memoryAppend(this._native, message)
  }
  clear() {
    native.memoryClear(this._native)
  }
}

/** Keeps the last maxMessages messages, in whole turn groups. */
class WindowMemory extends Memory {
  constructor(maxMessages = 20) {
    super(native.windowMemory(maxMessages))
  }
}

/** Keeps everything. */
class BufferMemory extends Memory {
  constructor() {
    super(native.bufferMemory())
  }
}

/** Keeps the recent messages that fit in maxTokens (estimated). */
class TokenWindowMemory extends Memory {
  constructor(maxTokens = 4096) {
    super(native.tokenWindowMemory(maxTokens))
  }
}

module.exports = { Memory, WindowMemory, BufferMemory, TokenWindowMemory }
