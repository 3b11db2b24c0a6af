// Knowledge bases: vector stores, loaders, chunkers, the indexer and retrieval.

/** A metadata filter: `{source: 'a.md'}`, `{page: {$gte: 2, $lt: 5}}`, `{lang: {$in: ['en', 'fr']}}`. */
export type StoreFilter = Record<string, unknown>

export interface StoreRecord {
  id: string
  vector: number[]
  text?: string
  metadata?: Record<string, unknown>
}

export interface Hit {
  id: string
  /** Higher is more similar (cosine similarity, inner product, or negated L2 distance). */
  score: number
  text: string
  metadata: Record<string, unknown>
}

export interface OpenStoreOptions {
  collection?: string
  metric?: 'cosine' | 'dot' | 'l2'
  /** Recorded by a new collection; later opens must match. */
  embeddingModel?: string
}

export interface SearchOptions {
  k?: number
  filter?: StoreFilter
}

export interface HybridSearchOptions extends SearchOptions {
  candidates?: number
  rrfK?: number
}

export declare class VectorStore {
  /** `sqlite:PATH`, `postgres://...`, `chroma:http://HOST:PORT`, `qdrant:http://HOST:PORT`. */
  static open(ref: string, options?: OpenStoreOptions): Promise<VectorStore>
  readonly ref: string
  readonly metric: 'cosine' | 'dot' | 'l2'
  readonly dimensions: number
  upsert(records: StoreRecord | StoreRecord[]): Promise<number>
  delete(ids: string | string[]): Promise<number>
  deleteWhere(filter: StoreFilter): Promise<number>
  get(id: string): Promise<StoreRecord | null>
  count(filter?: StoreFilter): Promise<number>
  search(vector: ArrayLike<number>, options?: SearchOptions): Promise<Hit[]>
  keywordSearch(text: string, options?: SearchOptions): Promise<Hit[]>
  hybridSearch(vector: ArrayLike<number>, text: string, options?: HybridSearchOptions): Promise<Hit[]>
}

export declare function openStore(ref: string, options?: OpenStoreOptions): Promise<VectorStore>

export interface KnowledgeDocument {
  id: string
  source: string
  text: string
  metadata: Record<string, unknown>
  pageStarts?: number[]
}

export interface LoadOptions {
  format?: string
  maxBytes?: number
  csv?: { delimiter?: string; textColumn?: string; metadataColumns?: string[]; idColumn?: string; header?: boolean }
  json?: { records?: string; textField?: string; metadataFields?: string[]; idField?: string }
}

export interface WalkOptions {
  include?: string[]
  exclude?: string[]
  hidden?: boolean
  followSymlinks?: boolean
}

export interface LoadFailure {
  source: string
  code: string
  message: string
}

export declare function loadFile(path: string, options?: LoadOptions): Promise<KnowledgeDocument[]>
export declare function loadText(text: string, format: string, source?: string, options?: LoadOptions): KnowledgeDocument[]
export declare function loadPaths(
  paths: string | string[],
  options?: LoadOptions & WalkOptions,
): Promise<{ documents: KnowledgeDocument[]; failures: LoadFailure[] }>

export interface Chunk {
  id: string
  documentId: string
  source: string
  index: number
  text: string
  span: { begin: number; end: number; lineBegin: number; lineEnd: number; pageBegin: number; pageEnd: number }
  tokens: number
  headings: string[]
  metadata: Record<string, unknown>
}

export interface ChunkOptions {
  maxTokens?: number
  overlapTokens?: number
  mode?: 'auto' | 'markdown' | 'recursive'
}

export declare function splitDocument(document: Partial<KnowledgeDocument> & { text: string }, options?: ChunkOptions): Chunk[]

export interface IndexProgress {
  filesTotal: number
  filesDone: number
  bytesTotal: number
  bytesDone: number
  chunks: number
  embeddings: number
  embeddingsPerSecond: number
  elapsedSeconds: number
  etaSeconds: number
  current: string
}

export interface IndexOptions extends LoadOptions, WalkOptions {
  maxTokens?: number
  overlapTokens?: number
  embedBatch?: number
  onProgress?: (progress: IndexProgress) => void
  signal?: AbortSignal
}

export interface IndexReport {
  filesIndexed: number
  filesUnchanged: number
  chunksStored: number
  chunksRemoved: number
  failures: LoadFailure[]
  elapsedSeconds: number
}

/** Any embedding model of the SDK (`embeddingModel('local:minilm')`) or a model reference string. */
export type EmbeddingModelLike = object | string
/** Any chat model of the SDK or a model reference string. */
export type ChatModelLike = object | string

export declare function index(
  paths: string | string[],
  store: VectorStore,
  embeddingModel: EmbeddingModelLike,
  options?: IndexOptions,
): Promise<IndexReport>

export interface Citation {
  number: number
  id: string
  source: string
  /** "docs/guide.md:12-18", "paper.pdf p. 3". */
  label: string
  score: number
  text: string
  lineBegin: number
  lineEnd: number
  pageBegin: number
  pageEnd: number
  headings: string[]
}

export interface RetrieveOptions {
  k?: number
  minScore?: number
  hybrid?: boolean
  candidates?: number
  filter?: StoreFilter
}

export declare class Retriever {
  constructor(store: VectorStore, embeddingModel: EmbeddingModelLike, options?: RetrieveOptions)
  retrieve(query: string, options?: RetrieveOptions): Promise<Citation[]>
  /** The search_knowledge tool over this retriever. */
  tool(name?: string): any
}

export interface Answer {
  text: string
  sources: Citation[]
  cited: Citation[]
  usage: { promptTokens: number; completionTokens: number; totalTokens: number }
}

export declare function answerFromSources(
  model: ChatModelLike,
  retriever: Retriever,
  question: string,
  options?: { instructions?: string; noSourcesAnswer?: string; timeoutMs?: number },
): Promise<Answer>

/** A tool `search_knowledge {query, k?}` for an Agent. */
export declare function searchKnowledgeTool(retriever: Retriever, name?: string): any
