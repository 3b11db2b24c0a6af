// Compiled (not run) by types.test.js: the declarations cover what the SDK's users write.
import {
  Agent, tool, Tool, ScriptedModel, OpenAIModel, LocalModel, chatModel, embeddingModel, WindowMemory, Extractor,
  extract, AlithError, ProviderError, RunResult, AgentEvent, ChatResponse,
} from '../..'
import { AlithChatModel, toLangChainTool } from '../../lib/langchain'

async function main(): Promise<void> {
  const add = tool<{ a: number; b: number }>({
    name: 'add',
    description: 'Adds',
    parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } },
    handler: ({ a, b }) => a + b,
  })
  const model = new ScriptedModel().pushToolCall('add', { a: 1, b: 2 }).pushText('3')
  const agent = new Agent({ model, tools: [add], memory: new WindowMemory(10), maxSteps: 3, toolChoice: 'required' })
  const answer: string = await agent.prompt('x', { signal: new AbortController().signal, timeoutMs: 1000 })
  const result: RunResult = await agent.run('x')
  const sync: string = agent.promptSync('x')
  for await (const event of agent.stream('x')) {
    const e: AgentEvent = event
    if (e.type === 'text') console.log(e.text.length)
  }
  const response: ChatResponse = await chatModel('echo:x').complete([{ role: 'user', content: 'hi' }])
  const vectors: number[][] = await embeddingModel('local:minilm').embed(['a'])
  const hosted = new OpenAIModel({ baseUrl: 'http://127.0.0.1:1/v1', model: 'm' })
  const local: LocalModel = await LocalModel.load('gemma3-270m')
  const value: { name: string } = await extract<{ name: string }>(hosted, { type: 'object' }, 'text')
  const extractor = new Extractor(local, { type: 'object' })
  try {
    await extractor.extract('x')
  } catch (e) {
    if (e instanceof ProviderError) console.log(e.status, e.body, e.code)
    else if (e instanceof AlithError) console.log(e.code)
  }
  const t: Tool = add
  const lc = new AlithChatModel({ model: 'echo:x' })
  toLangChainTool(t)
  console.log(answer, result.steps, sync, response.usage.totalTokens, vectors.length, value.name, lc)
}
void main
