// Transactions and RLP with ethers: each transaction alith signed is signed again by an ethers Wallet (its
// serialization must be the same bytes), and alith's raw bytes are parsed by ethers so that the test can
// compare every field and the sender; random RLP items are encoded and decoded by ethers both ways.
'use strict';
const { Wallet, Transaction, encodeRlp, decodeRlp } = require('ethers');
const { run } = require('./io.cjs');

const text = (x) => (x == null ? null : x.toString());

function request(t) {
  const req = {
    type: t.type,
    chainId: BigInt(t.chainId),
    nonce: Number(t.nonce),
    gasLimit: BigInt(t.gasLimit),
    to: t.to,
    value: BigInt(t.value),
    data: t.data,
  };
  if (t.type === 2) {
    req.maxPriorityFeePerGas = BigInt(t.maxPriorityFeePerGas);
    req.maxFeePerGas = BigInt(t.maxFeePerGas);
  } else {
    req.gasPrice = BigInt(t.gasPrice);
  }
  if (t.type !== 0) req.accessList = t.accessList;
  return req;
}

function fields(tx) {
  return {
    type: tx.type,
    chainId: text(tx.chainId),
    nonce: text(tx.nonce),
    gasLimit: text(tx.gasLimit),
    gasPrice: text(tx.type === 2 ? 0n : tx.gasPrice),
    maxPriorityFeePerGas: text(tx.type === 2 ? tx.maxPriorityFeePerGas : 0n),
    maxFeePerGas: text(tx.type === 2 ? tx.maxFeePerGas : 0n),
    to: tx.to,
    value: text(tx.value),
    data: tx.data,
    accessList: tx.type === 0 ? [] : tx.accessList.map((e) => ({ address: e.address, storageKeys: e.storageKeys })),
    r: tx.signature.r,
    s: tx.signature.s,
    yParity: tx.signature.yParity,
    from: tx.from,
    hash: tx.hash,
  };
}

run(async ({ transactions, rlp }) => {
  const txs = [];
  for (const v of transactions) {
    const wallet = new Wallet(v.key);
    const req = request(v.tx);
    txs.push({
      raw: await wallet.signTransaction(req),
      unsigned_hash: Transaction.from(req).unsignedHash,
      parsed: fields(Transaction.from(v.alith_raw)),
    });
  }
  const items = rlp.map((r) => ({ encoded: encodeRlp(r.item), decoded: decodeRlp(r.alith_encoded) }));
  return { transactions: txs, rlp: items };
});
