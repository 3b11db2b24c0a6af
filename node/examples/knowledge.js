'use strict'
// A knowledge base: index a folder into the embedded SQLite store with the in-process MiniLM embedder, then
// answer a question from it with citations, and give an agent the search_knowledge tool.
//   node node/examples/knowledge.js [folder] [question]
const os = require('os')
const path = require('path')
const alith = require('..')

async function main() {
  const folder = process.argv[2] || path.resolve(__dirname, '..', '..', 'docs')
  const question = process.argv[3] || 'How do workflows checkpoint their state?'
  const store = await alith.openStore(`sqlite:${path.join(os.tmpdir(), 'alith-example-kb.db')}`)
  const embedder = alith.embeddingModel('local:minilm')
  const report = await alith.index(folder, store, embedder, {
    onProgress: (p) => process.stderr.write(`\rindexed ${p.filesDone}/${p.filesTotal} files, ${p.chunks} chunks`),
  })
  process.stderr.write(`\n${report.filesIndexed} indexed, ${report.filesUnchanged} unchanged\n`)

  const retriever = new alith.Retriever(store, embedder, { k: 4, hybrid: true })
  for (const c of await retriever.retrieve(question)) console.log(`[${c.number}] ${c.label}  (${c.score.toFixed(3)})`)

  const model = alith.chatModel(process.env.ALITH_MODEL || 'local:gemma3-270m')
  const answer = await alith.answerFromSources(model, retriever, question)
  console.log(`\n${answer.text}\n`)
  for (const c of answer.cited) console.log(`  cited [${c.number}] ${c.label}`)

  // Agentic retrieval: the model decides when to search. retriever.tool() (search_knowledge) lets the model
  // pick how many passages it wants; for a small local model (4096 tokens of context) a JS tool that always
  // returns two short passages keeps the prompt small.
  const searchDocs = alith.tool({
    name: 'search_docs',
    description: 'Searches the documentation',
    parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
    handler: async ({ query }) => (await retriever.retrieve(query, { k: 2 }))
      .map((c) => ({ source: c.label, text: c.text.slice(0, 600) })),
  })
  const agent = new alith.Agent({
    model,
    preamble: 'Answer from the documentation.',
    tools: process.env.ALITH_MODEL ? [retriever.tool()] : [searchDocs],
    toolChoice: 'required',
    maxSteps: 3,
    maxTokens: 200,
  })
  console.log(await agent.prompt(question))
}

main().catch((e) => { console.error(e); process.exit(1) })
