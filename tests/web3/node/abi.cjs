// The ABI with ethers: for each random case, ethers' encoding of alith's values and its decoding of alith's
// bytes; for random human-readable fragments, ethers' canonical signature, selector or topic and full format;
// for random events, ethers' log encoding and its decoding of alith's log; solidityPacked for packed cases;
// solc's ABI and method identifiers for a Solidity source.
'use strict';
const { AbiCoder, Interface, EventFragment, Indexed, solidityPacked } = require('ethers');
const { run } = require('./io.cjs');

const coder = AbiCoder.defaultAbiCoder();

// ethers' decoded values as the JSON alith's from_json reads: integers as decimal strings, tuples as arrays,
// indexed dynamic log arguments as their topic hash.
function plain(v) {
  if (typeof v === 'bigint') return v.toString();
  if (Indexed.isIndexed(v)) return v.hash;
  if (Array.isArray(v)) return Array.from(v, plain);
  return v;
}

// ethers 6.17 writes "event E(...) anonymous" but cannot read it back (the lexer takes "anonymous" for a
// name, not a keyword), so anonymous events come without the word and the flag is set on the parsed fragment.
function signature(s) {
  let f = new Interface([s.text]).fragments[0];
  if (s.anonymous) f = EventFragment.from({ name: f.name, inputs: f.inputs, anonymous: true });
  const out = { kind: f.type, sighash: f.format('sighash'), full: f.format('full'), json: JSON.parse(f.format('json')) };
  if (f.type === 'function' || f.type === 'error') out.selector = f.selector;
  if (f.type === 'event') out.topic = f.topicHash;
  return out;
}

function event(e) {
  const iface = new Interface(e.abi);
  const fragment = iface.fragments[0];
  const log = iface.encodeEventLog(fragment, e.values);
  const decoded = iface.decodeEventLog(fragment, e.alith_data, e.alith_topics);
  return { topics: log.topics, data: log.data, decoded: plain(decoded) };
}

// Compiles one Solidity source with solc-js; answers its JSON ABI, solc's method identifiers, and ethers'
// topics and error selectors for that ABI.
function compile(source) {
  const solc = require('solc');
  const input = {
    language: 'Solidity',
    sources: { 'C.sol': { content: source } },
    settings: { outputSelection: { '*': { '*': ['abi', 'evm.methodIdentifiers'] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const contracts = {};
  for (const [name, c] of Object.entries(output.contracts['C.sol'])) {
    const iface = new Interface(c.abi);
    const topics = {};
    iface.forEachEvent((e) => { topics[e.format('sighash')] = e.topicHash; });
    const errorSelectors = {};
    iface.forEachError((e) => { errorSelectors[e.format('sighash')] = e.selector; });
    contracts[name] = { abi: c.abi, methods: c.evm.methodIdentifiers, topics, errors: errorSelectors };
  }
  return contracts;
}

run((input) => ({
  codec: (input.codec || []).map((c) => ({
    encoded: coder.encode(c.types, c.values),
    decoded: plain(coder.decode(c.types, c.alith)),
  })),
  signatures: (input.signatures || []).map(signature),
  events: (input.events || []).map(event),
  packed: (input.packed || []).map((p) => solidityPacked(p.types, p.values)),
  solc: input.solidity ? compile(input.solidity) : null,
}));
