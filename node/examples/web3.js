'use strict'
// Web3: keys and signatures, then a wallet on a node (ALITH_RPC_URL, e.g. an anvil at http://127.0.0.1:8545
// with its first dev key in ALITH_PRIVATE_KEY), and wallet tools for an agent under a spending policy.
//   node node/examples/web3.js
const alith = require('..')
const { web3 } = alith

async function main() {
  const key = web3.PrivateKey.generate()
  console.log('address', key.address, '| inspect shows no secret:', key)
  const sig = key.signMessage('hello')
  console.log('signer', web3.recoverMessage('hello', sig))

  const url = process.env.ALITH_RPC_URL
  if (!url) return console.log('set ALITH_RPC_URL and ALITH_PRIVATE_KEY to send a transaction')
  const wallet = new web3.Wallet(web3.PrivateKey.fromHex(process.env.ALITH_PRIVATE_KEY), url)
  console.log('balance', web3.formatEther(await wallet.getBalance()), 'ETH')
  const receipt = await wallet.sendAndWait({ to: key.address, value: web3.parseEther('0.01') })
  console.log('sent in block', receipt.blockNumber, '->', web3.formatEther(await wallet.rpc.getBalance(key.address)))

  const { tools, hooks } = web3.walletTools(wallet, {
    native: { perTransaction: web3.parseEther('0.1'), perDay: web3.parseEther('0.5') },
    confirm: async (request) => { console.log('approve?', request.summary); return true },
  })
  const model = process.env.ALITH_MODEL ? alith.chatModel(process.env.ALITH_MODEL)
    : new alith.ScriptedModel().pushToolCall('send_native', { to: key.address, amount: '0.02' }).pushText('Sent.')
  const agent = new alith.Agent({ model, tools, hooks: [hooks] })
  console.log(await agent.prompt(`Send 0.02 ETH to ${key.address}`))
}

main().catch((e) => { console.error(e); process.exit(1) })
