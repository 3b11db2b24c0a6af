// Compiles the project's Solidity sources (contracts/*.sol) offline with solc-js (npm solc, pinned by
// scripts/web3-peers). Input: {"dir": "<contracts folder>"}. Output: {"solc": version, "contracts": {Name:
// {"abi": [...], "bytecode": "0x..."}}}. Compiler errors fail the script with their messages.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');
const { run } = require('./io.cjs');

run(({ dir }) => {
  const sources = {};
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.sol')).sort()) {
    sources[file] = { content: fs.readFileSync(path.join(dir, file), 'utf8') };
  }
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'cancun',
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const contracts = {};
  for (const file of Object.keys(output.contracts || {})) {
    for (const [name, c] of Object.entries(output.contracts[file])) {
      if (!c.evm.bytecode.object) continue;  // interfaces have no code
      contracts[name] = { abi: c.abi, bytecode: '0x' + c.evm.bytecode.object };
    }
  }
  return { solc: solc.version(), contracts };
});
