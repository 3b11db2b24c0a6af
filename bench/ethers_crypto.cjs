// The reference side of bench/web3_bench.cpp: ethers v6 on the same inputs. Reads {seconds, key, digests,
// messages} as JSON on stdin, prints {op: nanoseconds per operation} for keccak_32, keccak_1k, sign, recover.
'use strict';
const fs = require('fs');
const { keccak256, SigningKey, recoverAddress, getBytes } = require('ethers');

const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const digests = input.digests.map((d) => getBytes(d));
const short = getBytes(input.short);
const long = getBytes(input.long);
const key = new SigningKey(input.key);
const signatures = digests.map((d) => key.sign(d));

// Runs op(i) in a loop for about `seconds` after a warm-up of the same length, returns ns per call.
function measure(op) {
  const budget = input.seconds * 1e9;
  for (let start = process.hrtime.bigint(), i = 0; Number(process.hrtime.bigint() - start) < budget / 4; ++i) op(i);
  let calls = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < budget) {
    for (let j = 0; j < 64; ++j, ++calls) op(calls);
    elapsed = Number(process.hrtime.bigint() - start);
  }
  return elapsed / calls;
}

const n = digests.length;
const out = {
  keccak_32: measure(() => keccak256(short)),
  keccak_1k: measure(() => keccak256(long)),
  sign: measure((i) => key.sign(digests[i % n])),
  recover: measure((i) => recoverAddress(digests[i % n], signatures[i % n])),
};
process.stdout.write(JSON.stringify(out));
