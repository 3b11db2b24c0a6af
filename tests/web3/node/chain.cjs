// Reads what the C++ chain test did on anvil through ethers v6, for comparison: ERC-20 balances and, per
// transaction, the receipt's status, block, gas used, effective gas price, nonce and decoded Transfer events.
// Input: {"url", "token", "holders": [address], "hashes": [hash]}.
'use strict';
const { ethers } = require('ethers');
const { run } = require('./io.cjs');

const erc20 = new ethers.Interface([
  'function balanceOf(address owner) view returns (uint256)',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
]);

run(async ({ url, token, holders, hashes }) => {
  const provider = new ethers.JsonRpcProvider(url, undefined, { staticNetwork: true });
  try {
    const contract = new ethers.Contract(token, erc20, provider);
    const balances = {};
    for (const h of holders) balances[h.toLowerCase()] = (await contract.balanceOf(h)).toString();
    const receipts = [];
    for (const hash of hashes) {
      const r = await provider.getTransactionReceipt(hash);
      const tx = await provider.getTransaction(hash);
      receipts.push({
        hash,
        status: r.status,
        block: r.blockNumber,
        gas_used: r.gasUsed.toString(),
        effective_gas_price: r.gasPrice.toString(),
        nonce: tx.nonce,
        from: tx.from.toLowerCase(),
        type: tx.type,
        transfers: r.logs.map((log) => {
          const parsed = erc20.parseLog(log);
          return { from: parsed.args.from.toLowerCase(), to: parsed.args.to.toLowerCase(), value: parsed.args.value.toString() };
        }),
      });
    }
    return { balances, receipts };
  } finally {
    provider.destroy();
  }
});
