'use strict'
// Web3: hashing, addresses, keys and signatures (EIP-191 messages, EIP-712 typed data, transactions), units,
// ABI encoding, JSON-RPC, wallets, contracts, ERC-20, keystores, mnemonics, and wallet tools for agents.
// Amounts are BigInt; bytes are 0x-hex strings or Uint8Arrays; a private key lives behind an opaque handle
// and never shows up in messages, util.inspect or JSON.stringify (reveal() is the one explicit way out).

const util = require('util')
const native = () => require('./native').web3

// BigInts become decimal strings on their way into C++ (JSON has no 256-bit integers).
function plain(value) {
  if (typeof value === 'bigint') return value.toString()
  if (Array.isArray(value)) return value.map(plain)
  if (value instanceof Uint8Array) return '0x' + Buffer.from(value).toString('hex')
  if (value && typeof value === 'object') {
    const out = {}
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plain(v)
    return out
  }
  return value
}

function bytes(data) {
  if (typeof data === 'string') return data
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  throw new TypeError('expected bytes: a 0x-hex string or a Uint8Array')
}

function text(message) {
  return typeof message === 'string' ? Buffer.from(message, 'utf8') : bytes(message)
}

function keccak256(data) { return native().keccak256(bytes(data)) }
// keccak256 of a UTF-8 string (ethers' id()).
function id(str) { return native().keccak256(Buffer.from(str, 'utf8')) }
function hashMessage(message) { return native().hashMessage(text(message)) }
function getAddress(address) { return native().checksumAddress(address) }
function isAddress(address) { return native().isAddress(address) }
function parseUnits(value, decimals = 18) { return BigInt(native().parseUnits(String(value), decimals)) }
function formatUnits(value, decimals = 18) { return native().formatUnits(BigInt(value).toString(), decimals) }
function parseEther(value) { return parseUnits(value, 18) }
function formatEther(value) { return formatUnits(value, 18) }

function recoverMessage(message, signature) { return native().recoverMessage(text(message), signature) }
function recoverHash(hash, signature) { return native().recoverHash(hash, signature) }
function hashTypedData(typedData) { return native().hashTypedData(plain(typedData)) }
function recoverTypedData(typedData, signature) { return native().recoverTypedData(plain(typedData), signature) }
function decodeTransaction(raw) { return native().decodeTransaction(bytes(raw)) }

class PrivateKey {
  constructor(handle) {
    Object.defineProperty(this, '_native', { value: handle })
    Object.defineProperty(this, 'address', { value: native().keyAddress(handle), enumerable: true })
  }

  static generate() { return new PrivateKey(native().keyRandom()) }
  static fromHex(hex) { return new PrivateKey(native().keyFromHex(hex)) }
  // The key at a BIP-32 path ("m/44'/60'/0'/0/0") or at index i of Ethereum's path.
  static fromMnemonic(phrase, pathOrIndex = 0, passphrase = '') {
    return new PrivateKey(native().keyFromMnemonic(phrase, pathOrIndex, passphrase))
  }

  static async fromKeystore(json, password) {
    return new PrivateKey(await native().keystoreDecrypt(typeof json === 'string' ? json : JSON.stringify(json),
      password))
  }

  get publicKey() { return native().keyPublic(this._native) }
  // The secret as 0x-hex: the only way it leaves the handle.
  reveal() { return native().keyReveal(this._native) }

  signMessage(message) { return native().keySignMessage(this._native, text(message)) }
  signHash(hash) { return native().keySignHash(this._native, hash) }
  signTypedData(typedData) { return native().keySignTypedData(this._native, plain(typedData)) }
  // tx: {type: 0|1|2, chainId, nonce, to, value, data, gasLimit, gasPrice | maxFeePerGas,
  // maxPriorityFeePerGas, accessList}; resolves the signed form with {raw, hash, from, v, r, s, ...}.
  signTransaction(tx) { return native().keySignTransaction(this._native, plain(tx)) }
  // An encrypted JSON keystore (V3); options: {kdf: 'scrypt' | 'pbkdf2', scryptN, iterations}.
  encrypt(password, options = {}) { return native().keystoreEncrypt(this._native, password, plain(options)) }

  toJSON() { return { address: this.address } }
  toString() { return `PrivateKey(${this.address})` }
  [util.inspect.custom]() { return `PrivateKey { address: '${this.address}' }` }
}

function generateMnemonic(words = 12) { return native().generateMnemonic(words) }
function isValidMnemonic(phrase) { return native().isValidMnemonic(phrase) }

// An ABI: a JSON ABI array, or human-readable signatures ("function balanceOf(address) view returns (uint256)").
class Interface {
  constructor(abi) {
    Object.defineProperty(this, '_native', { value: native().newInterface(plain(abi)) })
  }

  encodeFunctionData(fn, args = []) { return native().encodeFunction(this._native, fn, plain(args)) }
  // Values as JSON: integers as decimal strings, addresses checksummed, bytes as 0x-hex.
  decodeFunctionResult(fn, data) { return native().decodeFunctionResult(this._native, fn, bytes(data)) }
  decodeFunctionData(data) { return native().decodeFunctionData(this._native, bytes(data)) }
  decodeEventLog(log) { return native().decodeLog(this._native, log.topics, bytes(log.data)) }
  decodeRevert(data) { return native().decodeRevert(this._native, bytes(data)) }
  toJSON() { return native().interfaceJson(this._native).abi }
  get signatures() { return native().interfaceJson(this._native).signatures }
}

class RpcClient {
  // options: a URL or {url, timeoutMs, maxAttempts}
  constructor(options) {
    const opts = typeof options === 'string' ? { url: options } : options
    Object.defineProperty(this, '_native', { value: native().newRpc(opts) })
    this.url = opts.url
  }

  request(method, params = []) { return native().rpcRequest(this._native, method, plain(params)) }
  async chainId() { return Number(BigInt(await this.request('eth_chainId'))) }
  async blockNumber() { return Number(BigInt(await this.request('eth_blockNumber'))) }
  async getBalance(address, block = 'latest') { return BigInt(await native().rpcBalance(this._native, address, block)) }
  async getTransactionCount(address, block = 'pending') {
    return Number(BigInt(await this.request('eth_getTransactionCount', [address, block])))
  }

  // options: {confirmations, timeoutMs, pollMs}
  waitForReceipt(hash, options = {}) { return native().rpcWaitForReceipt(this._native, hash, options) }
}

class Wallet {
  // key: a PrivateKey (or a 0x-hex secret); rpc: an RpcClient or a URL.
  constructor(key, rpc, options = {}) {
    const k = key instanceof PrivateKey ? key : PrivateKey.fromHex(key)
    const r = rpc instanceof RpcClient ? rpc : new RpcClient(rpc)
    Object.defineProperty(this, '_native', { value: native().newWallet(k._native, r._native, options) })
    Object.defineProperty(this, 'rpc', { value: r })
    this.address = native().walletAddress(this._native)
  }

  getBalance() { return this.rpc.getBalance(this.address) }
  // request: {to, value, data, type, gasLimit, maxFeePerGas, ...}; resolves with the transaction hash.
  send(request, options = {}) { return native().walletSend(this._native, plain(request), options.signal) }
  sendAndWait(request, options = {}) { return native().walletSendAndWait(this._native, plain(request), options) }
  prepare(request) { return native().walletPrepare(this._native, plain(request)) }
  waitForReceipt(hash, options) { return this.rpc.waitForReceipt(hash, options) }
  toJSON() { return { address: this.address } }
  [util.inspect.custom]() { return `Wallet { address: '${this.address}' }` }
}

class Contract {
  // abi: an Interface, a JSON ABI or signatures; runner: an RpcClient (calls) or a Wallet (calls and sends).
  constructor(address, abi, runner) {
    this.address = getAddress(address)
    this.interface = abi instanceof Interface ? abi : new Interface(abi)
    this.runner = runner
  }

  static async deploy(abi, bytecode, wallet, args = [], options = {}) {
    const json = abi instanceof Interface ? abi.toJSON() : abi
    const address = await native().contractDeploy(plain(json), bytes(bytecode), wallet._native, plain(args),
      plain(options))
    return new Contract(address, abi, wallet)
  }

  get _rpc() { return this.runner instanceof Wallet ? this.runner.rpc : this.runner }

  // options: {from, value, block}; resolves with the outputs as JSON values.
  call(fn, args = [], options = {}) {
    return native().contractCall(this.interface._native, this.address, this._rpc._native, fn, plain(args),
      plain(options))
  }

  // Resolves with the transaction hash, or with the receipt (and decoded events) when options.wait.
  send(fn, args = [], options = {}) {
    if (!(this.runner instanceof Wallet)) throw new TypeError('sending needs a Contract made with a Wallet')
    return native().contractSend(this.interface._native, this.address, this.runner._native, fn, plain(args),
      plain(options))
  }

  transact(fn, args = [], options = {}) { return this.send(fn, args, { ...options, wait: true }) }
}

class Erc20 {
  constructor(address, runner) {
    this.address = getAddress(address)
    this.runner = runner
  }

  get _rpc() { return this.runner instanceof Wallet ? this.runner.rpc : this.runner }

  async info() {
    const i = await native().erc20Info(this.address, this._rpc._native)
    return { ...i, totalSupply: BigInt(i.totalSupply) }
  }

  async balanceOf(holder) { return BigInt(await native().erc20BalanceOf(this.address, this._rpc._native, holder)) }
  transfer(to, amount) {
    if (!(this.runner instanceof Wallet)) throw new TypeError('transfer needs an Erc20 made with a Wallet')
    return native().erc20Transfer(this.address, this.runner._native, to, plain(amount))
  }
}

function wrapTools(handles) {
  try {
    const tools = require('./tools')
    if (tools && tools.Tool && typeof tools.Tool.fromNative === 'function') return handles.map((h) => tools.Tool.fromNative(h))
  } catch (_) {
    // bare handles work with Agent as well
  }
  return handles
}

// Agent tools over a wallet (get_balance, erc20_balance, contract_read, send_native, send_erc20), guarded by a
// spending policy: {native: {perTransaction, perDay} (wei, BigInt), tokens: {address: limits}, allowlist:
// [address], confirm(request) -> boolean | Promise<boolean>}. Returns the tools as an array that also carries
// `hooks` (and itself as `tools`, so `const {tools, hooks} = walletTools(...)` works): give the Agent both,
// new Agent({tools, hooks: [hooks]}); without the hooks the sending tools refuse to run.
function walletTools(wallet, policy = {}, options = {}) {
  const { confirm, ...limits } = policy
  const p = plain(limits)
  if (typeof confirm === 'function') p.confirm = async (req) => Boolean(await confirm(req))
  const out = native().walletTools(wallet._native, p, plain(options))
  const tools = wrapTools(out.tools)
  Object.defineProperty(tools, 'hooks', { value: out.hooks })
  Object.defineProperty(tools, 'tools', { value: tools })
  return tools
}

// Reading tools only (no wallet): get_balance, erc20_balance, contract_read.
function chainReadTools(rpc, options = {}) {
  const r = rpc instanceof RpcClient ? rpc : new RpcClient(rpc)
  return wrapTools(native().chainReadTools(r._native, plain(options)))
}

module.exports = {
  keccak256,
  id,
  hashMessage,
  getAddress,
  isAddress,
  parseUnits,
  formatUnits,
  parseEther,
  formatEther,
  recoverMessage,
  recoverHash,
  hashTypedData,
  recoverTypedData,
  decodeTransaction,
  PrivateKey,
  generateMnemonic,
  isValidMnemonic,
  Interface,
  RpcClient,
  Wallet,
  Contract,
  Erc20,
  walletTools,
  chainReadTools,
}
