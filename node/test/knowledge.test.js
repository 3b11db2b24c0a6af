'use strict'
// Knowledge bases on the embedded SQLite store: store CRUD and filters, loaders and chunkers, indexing a
// directory with the in-process local:minilm embedder, retrieval (vector and hybrid), answerFromSources and the
// search_knowledge tool.
const { test, before } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('fs')
const os = require('os')
const path = require('path')

const alith = require('..')

const minilm = path.join(os.homedir(), '.cache/alith/models')

function tmp(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

test('store CRUD and metadata filters', async () => {
  const dir = tmp('alith-store-')
  const store = await alith.openStore(`sqlite:${path.join(dir, 'kb.db')}`, { collection: 'crud' })
  assert.equal(store.dimensions, 0)
  const records = [
    { id: 'a', vector: [1, 0, 0], text: 'alpha', metadata: { lang: 'en', page: 1 } },
    { id: 'b', vector: [0, 1, 0], text: 'beta', metadata: { lang: 'fr', page: 2 } },
    { id: 'c', vector: [0.9, 0.1, 0], text: 'gamma', metadata: { lang: 'en', page: 3 } },
  ]
  assert.equal(await store.upsert(records), 3)
  assert.equal(store.dimensions, 3)
  assert.equal(await store.count(), 3)
  assert.equal(await store.count({ lang: 'en' }), 2)
  assert.equal(await store.count({ page: { $gte: 2 } }), 2)
  assert.equal(await store.count({ lang: { $in: ['fr'] } }), 1)
  const got = await store.get('b')
  assert.equal(got.text, 'beta')
  assert.deepEqual(got.metadata, { lang: 'fr', page: 2 })
  assert.equal(await store.get('zzz'), null)

  const hits = await store.search([1, 0, 0], { k: 2 })
  assert.deepEqual(hits.map((h) => h.id), ['a', 'c'])
  assert.ok(hits[0].score >= hits[1].score)
  const filtered = await store.search([1, 0, 0], { k: 3, filter: { lang: 'fr' } })
  assert.deepEqual(filtered.map((h) => h.id), ['b'])
  const keyword = await store.keywordSearch('gamma', { k: 3 })
  assert.equal(keyword[0].id, 'c')
  const hybrid = await store.hybridSearch([0, 1, 0], 'gamma', { k: 3 })
  assert.ok(hybrid.some((h) => h.id === 'b') && hybrid.some((h) => h.id === 'c'))

  assert.equal(await store.delete(['a', 'nope']), 1)
  assert.equal(await store.deleteWhere({ lang: 'fr' }), 1)
  assert.equal(await store.count(), 1)
  await assert.rejects(store.upsert([{ id: 'x', vector: [1, 2] }]), (e) => e.code === 'invalid_argument')
  await assert.rejects(store.count({ page: { $bogus: 1 } }), (e) => e instanceof alith.AlithError)
})

test('loaders and chunkers', async () => {
  const docs = alith.loadText('# Title\n\nSome text here.\n\n## Part\n\nMore words.\n', 'md', 'doc.md')
  assert.equal(docs.length, 1)
  assert.equal(docs[0].metadata.format, 'markdown')
  const chunks = alith.splitDocument(docs[0], { maxTokens: 8, overlapTokens: 0 })
  assert.ok(chunks.length >= 2)
  assert.ok(chunks.some((c) => c.headings.includes('Part')))
  const dir = tmp('alith-load-')
  fs.writeFileSync(path.join(dir, 'rows.csv'), 'name,age\nann,31\nbob,42\n')
  const rows = await alith.loadFile(path.join(dir, 'rows.csv'), { csv: { textColumn: 'name', metadataColumns: ['age'] } })
  assert.deepEqual(rows.map((d) => d.text), ['ann', 'bob'])
  assert.equal(rows[1].metadata.age, 42)
  const report = await alith.loadPaths([dir, path.join(dir, 'missing.txt')])
  assert.equal(report.documents.length, 2)
  assert.equal(report.failures.length, 1)
  assert.equal(report.failures[0].code, 'io')
})

let kb
before(() => {
  if (!fs.existsSync(minilm) || !fs.readdirSync(minilm).some((f) => /minilm/i.test(f))) {
    throw new Error(`local:minilm is not installed under ${minilm}: run scripts/setup`)
  }
})

async function knowledgeBase() {
  if (kb) return kb
  const dir = tmp('alith-kb-')
  const docs = path.join(dir, 'docs')
  fs.mkdirSync(docs)
  fs.writeFileSync(path.join(docs, 'rollups.md'), '# Rollups\n\nOptimistic rollups post transaction data to Ethereum and assume it is valid unless a fraud proof shows otherwise. The challenge window lasts seven days.\n')
  fs.writeFileSync(path.join(docs, 'cooking.md'), '# Pasta\n\nBoil the water, salt it generously, and cook the spaghetti for nine minutes until al dente.\n')
  fs.writeFileSync(path.join(docs, 'notes.txt'), 'The Alith framework runs agents with tools, memory and knowledge bases.\n')
  const store = await alith.openStore(`sqlite:${path.join(dir, 'kb.db')}`)
  const embedder = alith.embeddingModel('local:minilm')
  const progress = []
  const report = await alith.index(docs, store, embedder, { maxTokens: 64, overlapTokens: 8, onProgress: (p) => progress.push(p) })
  kb = { dir, docs, store, embedder, report, progress }
  return kb
}

test('indexing a directory with local:minilm, then querying it', async () => {
  const { docs, store, embedder, report, progress } = await knowledgeBase()
  assert.equal(report.filesIndexed, 3)
  assert.ok(report.chunksStored >= 3)
  assert.deepEqual(report.failures, [])
  assert.ok(progress.length > 0 && progress[progress.length - 1].filesDone <= 3)
  assert.equal(await store.count(), report.chunksStored)

  const again = await alith.index(docs, store, embedder)
  assert.equal(again.filesUnchanged, 3)
  assert.equal(again.filesIndexed, 0)

  const retriever = new alith.Retriever(store, embedder, { k: 2 })
  const cites = await retriever.retrieve('How long is the fraud proof challenge window?')
  assert.ok(cites.length >= 1)
  assert.match(cites[0].source, /rollups\.md$/)
  assert.match(cites[0].label, /rollups\.md:\d+/)
  assert.equal(cites[0].number, 1)

  const hybrid = await retriever.retrieve('spaghetti al dente', { hybrid: true, k: 1 })
  assert.match(hybrid[0].source, /cooking\.md$/)

  const [vector] = await embedder.embed(['boil pasta water'])
  const hits = await store.search(vector, { k: 1 })
  assert.match(hits[0].metadata.source, /cooking\.md$/)
})

test('answerFromSources cites the passages it was given', async () => {
  const { store, embedder } = await knowledgeBase()
  const retriever = new alith.Retriever(store, embedder, { k: 2 })
  const model = alith.chatModel('echo:kb')
  const answer = await alith.answerFromSources(model, retriever, 'What do optimistic rollups assume?')
  assert.equal(typeof answer.text, 'string')
  assert.ok(answer.sources.length >= 1)
  assert.match(answer.sources[0].source, /rollups\.md$/)

  const none = new alith.Retriever(store, embedder, { k: 2, minScore: 0.99 })
  const empty = await alith.answerFromSources(model, none, 'zebra migration patterns')
  assert.equal(empty.sources.length, 0)
  assert.match(empty.text, /could not find/)
})

test('searchKnowledgeTool gives an agent tool', async () => {
  const { store, embedder } = await knowledgeBase()
  const retriever = new alith.Retriever(store, embedder)
  const tool = alith.searchKnowledgeTool(retriever)
  assert.equal(tool.name, 'search_knowledge')
  const out = await tool.run({ query: 'challenge window', k: 1 })
  assert.equal(out.isError, false)
  assert.match(out.content, /rollups\.md/)

  const model = new alith.ScriptedModel()
  model.pushToolCall('search_knowledge', { query: 'pasta' }).pushText('done')
  const agent = new alith.Agent({ model, tools: [retriever.tool()] })
  assert.equal(await agent.prompt('find pasta'), 'done')
})

test('an aborted signal cancels indexing', async () => {
  const { docs, embedder } = await knowledgeBase()
  const store = await alith.openStore(`sqlite:${path.join(tmp('alith-kb-abort-'), 'kb.db')}`)
  const controller = new AbortController()
  controller.abort()
  await assert.rejects(alith.index(docs, store, embedder, { signal: controller.signal }), (e) => e.code === 'cancelled')
  assert.equal(await store.count(), 0)
})
