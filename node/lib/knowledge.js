'use strict'
// Knowledge bases: vector stores, document loaders and chunkers, the indexer, retrieval with citations, and
// retrieval as an agent tool. Everything that touches a store, a file or a model returns a Promise and runs
// off the main thread.

const native = () => require('./native').knowledge

function embeddingOf(model) {
  if (model === undefined || model === null) throw new TypeError('an embedding model is required')
  return model
}

function toolFromNative(handle) {
  try {
    const tools = require('./tools')
    if (tools && tools.Tool && typeof tools.Tool.fromNative === 'function') return tools.Tool.fromNative(handle)
  } catch (_) {
    // lib/tools.js absent or without fromNative: the bare handle is what Agent accepts too.
  }
  return handle
}

class VectorStore {
  constructor(handle) {
    Object.defineProperty(this, '_native', { value: handle })
  }

  // ref: "sqlite:PATH", "postgres://...", "chroma:http://HOST:PORT", "qdrant:http://HOST:PORT".
  static async open(ref, options = {}) {
    return new VectorStore(await native().openStore(ref, options))
  }

  get ref() { return native().storeInfo(this._native).ref }
  get metric() { return native().storeInfo(this._native).metric }
  get dimensions() { return native().storeInfo(this._native).dimensions }

  upsert(records) {
    return native().storeUpsert(this._native, Array.isArray(records) ? records : [records])
  }

  // ids: a string or an array; resolves with how many existed.
  delete(ids) { return native().storeDelete(this._native, ids) }
  deleteWhere(filter) { return native().storeDeleteWhere(this._native, filter) }
  get(id) { return native().storeGet(this._native, id) }
  count(filter) { return native().storeCount(this._native, filter || null) }

  // vector: number[] or Float32Array; options: {k, filter}.
  search(vector, options = {}) { return native().storeSearch(this._native, Array.from(vector), options) }
  keywordSearch(text, options = {}) { return native().storeKeywordSearch(this._native, text, options) }
  // Vector and keyword search fused by reciprocal rank fusion; options: {k, candidates, rrfK, filter}.
  hybridSearch(vector, text, options = {}) {
    return native().storeHybridSearch(this._native, Array.from(vector), text, options)
  }

  toJSON() { return { ref: this.ref } }
}

function openStore(ref, options) { return VectorStore.open(ref, options) }

function loadFile(path, options = {}) { return native().loadFile(path, options) }
function loadText(text, format, source = '<text>', options = {}) {
  return native().loadText(text, format, source, options)
}
function loadPaths(paths, options = {}) { return native().loadPaths(paths, options) }
// mode: 'auto' (Markdown by the document's format), 'markdown' or 'recursive'.
function splitDocument(document, options = {}) { return native().splitDocument(document, options) }

// Indexes files and directories into store with the embedding model; options: {include, exclude, maxTokens,
// overlapTokens, embedBatch, onProgress(progress), signal}.
function index(paths, store, embeddingModel, options = {}) {
  const { onProgress, signal, ...rest } = options
  return native().index(Array.isArray(paths) ? paths : [paths], store._native || store, embeddingOf(embeddingModel),
    rest, typeof onProgress === 'function' ? onProgress : undefined, signal)
}

class Retriever {
  // options: {k, minScore, hybrid, candidates, filter}
  constructor(store, embeddingModel, options = {}) {
    Object.defineProperty(this, '_native', {
      value: native().newRetriever(store._native || store, embeddingOf(embeddingModel), options),
    })
  }

  retrieve(query, options) { return native().retrieve(this._native, query, options || {}) }

  // A tool "search_knowledge" {query, k?} for an Agent.
  tool(name = 'search_knowledge') { return searchKnowledgeTool(this, name) }
}

// options: {instructions, noSourcesAnswer, timeoutMs}; resolves with {text, sources, cited, usage}.
function answerFromSources(model, retriever, question, options = {}) {
  return native().answerFromSources(model, retriever._native || retriever, question, options)
}

function searchKnowledgeTool(retriever, name = 'search_knowledge') {
  return toolFromNative(native().searchKnowledgeTool(retriever._native || retriever, name))
}

module.exports = {
  VectorStore,
  openStore,
  loadFile,
  loadText,
  loadPaths,
  splitDocument,
  index,
  Retriever,
  answerFromSources,
  searchKnowledgeTool,
}
