// Web3: hashing, keys and signatures, ABI, JSON-RPC, wallets, contracts, ERC-20, keystores, agent tools.

export type BytesLike = string | Uint8Array
export type BigNumberish = bigint | number | string

export declare function keccak256(data: BytesLike): string
/** keccak256 of a UTF-8 string. */
export declare function id(text: string): string
/** The EIP-191 hash of a personal message. */
export declare function hashMessage(message: string | Uint8Array): string
/** The EIP-55 checksummed form; throws a ParseError for a malformed address. */
export declare function getAddress(address: string): string
export declare function isAddress(address: unknown): boolean
export declare function parseUnits(value: string | number, decimals?: number): bigint
export declare function formatUnits(value: BigNumberish, decimals?: number): string
export declare function parseEther(value: string | number): bigint
export declare function formatEther(value: BigNumberish): string
export declare function recoverMessage(message: string | Uint8Array, signature: string): string
export declare function recoverHash(hash: string, signature: string): string

export interface TypedData {
  types: Record<string, Array<{ name: string; type: string }>>
  primaryType: string
  domain: Record<string, unknown>
  message: Record<string, unknown>
}

export declare function hashTypedData(typedData: TypedData): string
export declare function recoverTypedData(typedData: TypedData, signature: string): string

export interface TransactionRequest {
  type?: 0 | 1 | 2 | 'legacy' | 'accessList' | 'dynamicFee'
  chainId?: BigNumberish
  nonce?: BigNumberish
  to?: string | null
  value?: BigNumberish
  data?: BytesLike
  gasLimit?: BigNumberish
  gasPrice?: BigNumberish
  maxFeePerGas?: BigNumberish
  maxPriorityFeePerGas?: BigNumberish
  accessList?: Array<{ address: string; storageKeys: string[] }>
}

export interface SignedTransaction {
  raw: string
  hash: string
  from?: string
  v: string
  r: string
  s: string
  [field: string]: unknown
}

export declare function decodeTransaction(raw: BytesLike): SignedTransaction

/** A secp256k1 key behind an opaque handle: inspect() and JSON.stringify show only the address. */
export declare class PrivateKey {
  static generate(): PrivateKey
  static fromHex(hex: string): PrivateKey
  static fromMnemonic(phrase: string, pathOrIndex?: string | number, passphrase?: string): PrivateKey
  static fromKeystore(json: string | object, password: string): Promise<PrivateKey>
  readonly address: string
  readonly publicKey: string
  /** The secret as 0x-hex: the only way it leaves the handle. */
  reveal(): string
  signMessage(message: string | Uint8Array): string
  signHash(hash: string): string
  signTypedData(typedData: TypedData): string
  signTransaction(tx: TransactionRequest): SignedTransaction
  encrypt(password: string, options?: { kdf?: 'scrypt' | 'pbkdf2'; scryptN?: number; iterations?: number }): Promise<string>
  toJSON(): { address: string }
}

export declare function generateMnemonic(words?: 12 | 15 | 18 | 21 | 24): string
export declare function isValidMnemonic(phrase: string): boolean

export declare class Interface {
  /** A JSON ABI, or human-readable signatures ("function balanceOf(address) view returns (uint256)"). */
  constructor(abi: object[] | string[])
  encodeFunctionData(fn: string, args?: unknown[]): string
  /** Integers as decimal strings, addresses checksummed, bytes as 0x-hex. */
  decodeFunctionResult(fn: string, data: BytesLike): unknown[]
  decodeFunctionData(data: BytesLike): { name: string; signature: string; args: unknown[] }
  decodeEventLog(log: { topics: string[]; data: BytesLike }): Record<string, unknown>
  decodeRevert(data: BytesLike): { message: string; errorName: string; text: string }
  readonly signatures: string[]
  toJSON(): object[]
}

export interface Log {
  address: string
  topics: string[]
  data: string
  removed: boolean
  blockNumber?: number
  transactionHash?: string
  logIndex?: number
}

export interface Receipt {
  transactionHash: string
  transactionIndex: number
  blockHash: string
  blockNumber: number
  from: string
  to: string | null
  contractAddress: string | null
  status: boolean
  gasUsed: number
  cumulativeGasUsed: number
  effectiveGasPrice: string
  type: number
  logs: Log[]
  events?: Array<Record<string, unknown>>
}

export declare class RpcClient {
  constructor(options: string | { url: string; timeoutMs?: number; maxAttempts?: number })
  readonly url: string
  request(method: string, params?: unknown[]): Promise<any>
  chainId(): Promise<number>
  blockNumber(): Promise<number>
  getBalance(address: string, block?: string): Promise<bigint>
  getTransactionCount(address: string, block?: string): Promise<number>
  waitForReceipt(hash: string, options?: { confirmations?: number; timeoutMs?: number; pollMs?: number }): Promise<Receipt>
}

export declare class Wallet {
  constructor(key: PrivateKey | string, rpc: RpcClient | string, options?: { gasMargin?: number })
  readonly address: string
  readonly rpc: RpcClient
  getBalance(): Promise<bigint>
  send(request: TransactionRequest, options?: { signal?: AbortSignal }): Promise<string>
  sendAndWait(request: TransactionRequest, options?: { timeoutMs?: number }): Promise<Receipt>
  prepare(request: TransactionRequest): Promise<Record<string, unknown>>
  waitForReceipt(hash: string, options?: { confirmations?: number; timeoutMs?: number; pollMs?: number }): Promise<Receipt>
}

export declare class Contract {
  constructor(address: string, abi: Interface | object[] | string[], runner: RpcClient | Wallet)
  static deploy(abi: Interface | object[] | string[], bytecode: BytesLike, wallet: Wallet, args?: unknown[], options?: { value?: BigNumberish; gasLimit?: BigNumberish }): Promise<Contract>
  readonly address: string
  readonly interface: Interface
  call(fn: string, args?: unknown[], options?: { from?: string; value?: BigNumberish; block?: string }): Promise<unknown[]>
  send(fn: string, args?: unknown[], options?: { value?: BigNumberish; gasLimit?: BigNumberish; wait?: boolean; timeoutMs?: number }): Promise<string | Receipt>
  transact(fn: string, args?: unknown[], options?: { value?: BigNumberish; gasLimit?: BigNumberish; timeoutMs?: number }): Promise<Receipt>
}

export declare class Erc20 {
  constructor(address: string, runner: RpcClient | Wallet)
  readonly address: string
  info(): Promise<{ name: string; symbol: string; decimals: number; totalSupply: bigint }>
  balanceOf(holder: string): Promise<bigint>
  transfer(to: string, amount: BigNumberish): Promise<string>
}

export interface SpendLimits {
  perTransaction?: BigNumberish
  perDay?: BigNumberish
}

export interface SpendRequest {
  callId: string
  to: string
  token: string | null
  amount: string
  summary: string
}

export interface WalletPolicy {
  native?: SpendLimits
  tokens?: Record<string, SpendLimits>
  allowlist?: string[]
  confirm?: (request: SpendRequest) => boolean | Promise<boolean>
}

/** Tools for an Agent, carrying the hooks that enforce the policy: pass both to the Agent
 * (`const {tools, hooks} = walletTools(...)`; `new Agent({tools, hooks: [hooks]})`). */
export declare function walletTools(wallet: Wallet, policy?: WalletPolicy, options?: { nativeSymbol?: string; receiptTimeoutMs?: number }): any[] & { tools: any[]; hooks: object }
export declare function chainReadTools(rpc: RpcClient | string, options?: { nativeSymbol?: string }): any[]
