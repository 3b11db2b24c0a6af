'use strict'
// web3 against ethers (the reference implementation) and a real anvil chain started here.
const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('fs')
const os = require('os')
const path = require('path')
const net = require('net')
const util = require('util')
const { spawn } = require('child_process')

const alith = require('..')
const { web3 } = alith

const peers = path.join(os.homedir(), '.cache/alith/peers/web3-node')
const ethersPath = path.join(peers, 'ethers')
const anvilPath = path.join(peers, '@foundry-rs/anvil-linux-amd64/bin/anvil')

function requireEthers() {
  if (!fs.existsSync(ethersPath)) throw new Error(`ethers not found in ${peers}: run scripts/web3-peers`)
  return require(ethersPath)
}

const SECRET = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318'

test('keccak256, checksum addresses and units match ethers', () => {
  const { ethers } = requireEthers()
  assert.equal(web3.keccak256('0x1234'), ethers.keccak256('0x1234'))
  assert.equal(web3.id('Transfer(address,address,uint256)'), ethers.id('Transfer(address,address,uint256)'))
  const lower = '0x52908400098527886e0f7030069857d2e4169ee7'
  assert.equal(web3.getAddress(lower), ethers.getAddress(lower))
  assert.equal(web3.isAddress(lower), true)
  assert.equal(web3.isAddress('0x1234'), false)
  assert.equal(web3.parseUnits('1.5', 18), ethers.parseUnits('1.5', 18))
  assert.equal(web3.formatUnits(1500000000000000000n, 18), '1.5')
  assert.equal(web3.parseEther('0.01'), ethers.parseEther('0.01'))
})

test('message signatures match ethers and recover', () => {
  const { ethers } = requireEthers()
  const key = web3.PrivateKey.fromHex(SECRET)
  const wallet = new ethers.Wallet(SECRET)
  assert.equal(key.address, wallet.address)
  const sig = key.signMessage('hello alith')
  assert.equal(sig, wallet.signMessageSync('hello alith'))
  assert.equal(web3.recoverMessage('hello alith', sig), key.address)
  assert.equal(ethers.verifyMessage('hello alith', sig), key.address)
  assert.equal(web3.hashMessage('hello alith'), ethers.hashMessage('hello alith'))
})

test('EIP-712 typed data signatures match ethers', async () => {
  const { ethers } = requireEthers()
  const domain = { name: 'Ether Mail', version: '1', chainId: 1, verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC' }
  const types = {
    Person: [{ name: 'name', type: 'string' }, { name: 'wallet', type: 'address' }],
    Mail: [{ name: 'from', type: 'Person' }, { name: 'to', type: 'Person' }, { name: 'contents', type: 'string' }],
  }
  const message = {
    from: { name: 'Cow', wallet: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826' },
    to: { name: 'Bob', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' },
    contents: 'Hello, Bob!',
  }
  const typed = {
    types: { EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'version', type: 'string' }, { name: 'chainId', type: 'uint256' }, { name: 'verifyingContract', type: 'address' }], ...types },
    primaryType: 'Mail',
    domain,
    message,
  }
  const key = web3.PrivateKey.fromHex(SECRET)
  const sig = key.signTypedData(typed)
  const expected = await new ethers.Wallet(SECRET).signTypedData(domain, types, message)
  assert.equal(sig, expected)
  assert.equal(web3.hashTypedData(typed), ethers.TypedDataEncoder.hash(domain, types, message))
  assert.equal(web3.recoverTypedData(typed, sig), key.address)
})

test('signed transactions are byte-equal to ethers (EIP-1559 and legacy)', async () => {
  const { ethers } = requireEthers()
  const key = web3.PrivateKey.fromHex(SECRET)
  const wallet = new ethers.Wallet(SECRET)
  const tx1559 = {
    type: 2, chainId: 31337n, nonce: 7, to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    value: 10n ** 18n, gasLimit: 21000, maxFeePerGas: 2000000000n, maxPriorityFeePerGas: 1000000000n, data: '0x',
  }
  const mine = key.signTransaction(tx1559)
  const theirs = await wallet.signTransaction(tx1559)
  assert.equal(mine.raw, theirs)
  assert.equal(mine.hash, ethers.keccak256(theirs))
  assert.equal(mine.from, key.address)
  const legacy = {
    type: 0, chainId: 1, nonce: 0, to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', value: 5n,
    gasLimit: 21000, gasPrice: 20000000000n, data: '0xdeadbeef',
  }
  assert.equal(key.signTransaction(legacy).raw, await wallet.signTransaction(legacy))
  const decoded = web3.decodeTransaction(theirs)
  assert.equal(decoded.from, key.address)
})

test('keys never show in inspect() or JSON.stringify', () => {
  const key = web3.PrivateKey.fromHex(SECRET)
  const secret = SECRET.slice(2)
  assert.ok(!util.inspect(key, { showHidden: true, depth: 5 }).includes(secret))
  assert.ok(!JSON.stringify(key).includes(secret))
  assert.ok(!String(key).includes(secret))
  assert.ok(!JSON.stringify({ key }).includes(secret))
  assert.equal(key.reveal(), SECRET)
  // A malformed key is refused without quoting it.
  const almost = SECRET.slice(0, -1)
  assert.throws(() => web3.PrivateKey.fromHex(almost), (e) => e.code === 'crypto' && !e.message.includes(almost.slice(2, 20)))
  const wallet = new web3.Wallet(key, 'http://127.0.0.1:1')
  assert.ok(!util.inspect(wallet, { showHidden: true, depth: 5 }).includes(secret))
  assert.ok(!JSON.stringify(wallet).includes(secret))
})

test('ABI encoding and decoding match ethers', () => {
  const { ethers } = requireEthers()
  const abi = ['function transfer(address to, uint256 amount) returns (bool)',
    'event Transfer(address indexed from, address indexed to, uint256 value)']
  const mine = new web3.Interface(abi)
  const theirs = new ethers.Interface(abi)
  const to = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
  const data = mine.encodeFunctionData('transfer', [to, 123n])
  assert.equal(data, theirs.encodeFunctionData('transfer', [to, 123n]))
  const decoded = mine.decodeFunctionData(data)
  assert.equal(decoded.name, 'transfer')
  assert.equal(decoded.args[0], to)
  assert.equal(decoded.args[1], '123')
  const log = theirs.encodeEventLog('Transfer', [to, to, 42n])
  const event = mine.decodeEventLog(log)
  assert.match(JSON.stringify(event), /42/)
})

test('keystores and mnemonics interoperate with ethers', async () => {
  const { ethers } = requireEthers()
  const key = web3.PrivateKey.fromHex(SECRET)
  const json = await key.encrypt('pw', { scryptN: 1024 })
  const back = await ethers.Wallet.fromEncryptedJson(json, 'pw')
  assert.equal(back.address, key.address)
  const theirJson = await ethers.encryptKeystoreJson({ address: key.address, privateKey: SECRET }, 'pw2', { scrypt: { N: 1024 } })
  const mine = await web3.PrivateKey.fromKeystore(theirJson, 'pw2')
  assert.equal(mine.address, key.address)
  const phrase = 'test test test test test test test test test test test junk'
  assert.equal(web3.isValidMnemonic(phrase), true)
  assert.equal(web3.PrivateKey.fromMnemonic(phrase, 0).address, ethers.HDNodeWallet.fromPhrase(phrase).address)
  assert.equal(web3.PrivateKey.fromMnemonic(phrase, "m/44'/60'/0'/0/1").address,
    ethers.HDNodeWallet.fromPhrase(phrase, undefined, "m/44'/60'/0'/0/1").address)
  assert.equal(web3.generateMnemonic(12).split(' ').length, 12)
})

// ---- a real chain ---------------------------------------------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

let anvil
let anvilUrl
let anvilKeys

before(async () => {
  if (!fs.existsSync(anvilPath)) throw new Error(`anvil not found at ${anvilPath}: run scripts/web3-peers`)
  const port = await freePort()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alith-anvil-'))
  const config = path.join(dir, 'config.json')
  anvil = spawn(anvilPath, ['--host', '127.0.0.1', '--port', String(port), '--chain-id', '31337', '--accounts', '3',
    '--config-out', config], { stdio: 'ignore' })
  anvilUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60000
  for (;;) {
    try {
      const r = await fetch(anvilUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }) })
      if (r.ok && fs.existsSync(config)) break
    } catch (_) {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error('anvil did not start within 60 s')
    await new Promise((r) => setTimeout(r, 100))
  }
  anvilKeys = JSON.parse(fs.readFileSync(config, 'utf8')).private_keys
})

after(() => {
  if (anvil) anvil.kill('SIGTERM')
})

test('a transfer on anvil moves the balance', async () => {
  const rpc = new web3.RpcClient(anvilUrl)
  assert.equal(await rpc.chainId(), 31337)
  const wallet = new web3.Wallet(web3.PrivateKey.fromHex(anvilKeys[0]), rpc)
  const to = web3.PrivateKey.generate().address
  const amount = web3.parseEther('0.25')
  const hash = await wallet.send({ to, value: amount })
  assert.match(hash, /^0x[0-9a-f]{64}$/)
  const receipt = await wallet.waitForReceipt(hash, { timeoutMs: 30000 })
  assert.equal(receipt.status, true)
  assert.equal(await rpc.getBalance(to), amount)
  const second = await wallet.sendAndWait({ to, value: 1n })
  assert.equal(second.status, true)
  assert.equal(await rpc.getBalance(to), amount + 1n)
})

test('wallet tools run under a spending policy', async () => {
  const rpc = new web3.RpcClient(anvilUrl)
  const wallet = new web3.Wallet(web3.PrivateKey.fromHex(anvilKeys[1]), rpc)
  const { tools, hooks } = web3.walletTools(wallet, { native: { perTransaction: web3.parseEther('1') } })
  assert.ok(Array.isArray(tools) && tools.length >= 4)
  assert.ok(hooks)
  const names = tools.map((t) => t.name)
  for (const n of ['get_balance', 'erc20_balance', 'contract_read', 'send_native', 'send_erc20']) assert.ok(names.includes(n), n)
  const asArray = web3.walletTools(wallet, {})
  assert.ok(Array.isArray(asArray) && asArray.hooks && asArray.length === tools.length)
  const reads = web3.chainReadTools(rpc)
  assert.ok(reads.length >= 3)
})

test('an agent pays through wallet tools; the policy refuses an over-limit send', async () => {
  const rpc = new web3.RpcClient(anvilUrl)
  const wallet = new web3.Wallet(web3.PrivateKey.fromHex(anvilKeys[2]), rpc)
  const to = web3.PrivateKey.generate().address
  const asked = []
  const { tools, hooks } = web3.walletTools(wallet, {
    native: { perTransaction: web3.parseEther('1') },
    confirm: async (request) => { asked.push(request); return true },
  })
  const model = new alith.ScriptedModel()
  model.pushToolCall('send_native', { to, amount: '0.5' })
    .pushToolCall('send_native', { to, amount: '5' })
    .pushText('done')
  const agent = new alith.Agent({ model, tools, hooks: [hooks] })
  const result = await agent.run('pay twice')
  assert.equal(result.answer, 'done')
  assert.equal(await rpc.getBalance(to), web3.parseEther('0.5'))
  assert.equal(asked[0].amount, web3.parseEther('0.5').toString())
  assert.equal(asked[0].to, to)

  // Without the guard's hooks the sending tools fail closed.
  const unguarded = new alith.ScriptedModel()
  unguarded.pushToolCall('send_native', { to, amount: '0.1' }).pushText('tried')
  await new alith.Agent({ model: unguarded, tools }).run('pay')
  assert.equal(await rpc.getBalance(to), web3.parseEther('0.5'))
})

test('deploy the project ERC-20, then Contract calls and sends and Erc20 transfers', async () => {
  const solc = require(path.join(peers, 'solc'))
  const file = path.resolve(__dirname, '..', '..', 'contracts', 'AlithToken.sol')
  const output = JSON.parse(solc.compile(JSON.stringify({
    language: 'Solidity',
    sources: { 'AlithToken.sol': { content: fs.readFileSync(file, 'utf8') } },
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'cancun', outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  })))
  const errors = (output.errors || []).filter((e) => e.severity === 'error')
  assert.deepEqual(errors, [])
  const compiled = output.contracts['AlithToken.sol'].AlithToken
  const rpc = new web3.RpcClient(anvilUrl)
  const owner = new web3.Wallet(web3.PrivateKey.fromHex(anvilKeys[0]), rpc)
  const token = await web3.Contract.deploy(compiled.abi, '0x' + compiled.evm.bytecode.object, owner,
    ['Alith', 'ALI', web3.parseEther('1000')])
  assert.ok(web3.isAddress(token.address))

  const erc20 = new web3.Erc20(token.address, owner)
  const info = await erc20.info()
  assert.deepEqual(info, { name: 'Alith', symbol: 'ALI', decimals: 18, totalSupply: web3.parseEther('1000') })
  const bob = web3.PrivateKey.generate().address
  const hash = await erc20.transfer(bob, web3.parseEther('12.5'))
  await rpc.waitForReceipt(hash)
  assert.equal(await erc20.balanceOf(bob), web3.parseEther('12.5'))

  const receipt = await token.transact('transfer', [bob, 1n])
  assert.equal(receipt.status, true)
  assert.equal(receipt.events[0].event, 'Transfer')
  const [balance] = await new web3.Contract(token.address, compiled.abi, rpc).call('balanceOf', [bob])
  assert.equal(BigInt(balance), web3.parseEther('12.5') + 1n)
  await assert.rejects(new web3.Contract(token.address, compiled.abi, new web3.Wallet(web3.PrivateKey.fromHex(anvilKeys[1]), rpc))
    .transact('mint', [bob, 1n]), (e) => e instanceof alith.AlithError && /owner/.test(e.message))
})
