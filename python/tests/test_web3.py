"""Web3 through the Python SDK: signatures, typed data, transactions, ABI and keystores compared with ethers
(the reference, run with node), then a real chain (anvil): balances, an ETH transfer, an ERC-20 deployed from
the project's Solidity source (compiled by solc-js), and the wallet tools with their spending policy in an
agent."""

from __future__ import annotations

import json

import pytest

import alith
from alith.web3 import (Contract, Erc20, Interface, PrivateKey, RpcClient, Wallet, abi_decode, abi_encode,
                        decode_transaction, decrypt_keystore, encrypt_keystore, ethereum_account, format_ether,
                        format_units, hash_message, hash_typed_data, is_address, keccak256, parse_ether, parse_units,
                        recover_message, recover_typed_data, to_checksum_address, wallet_tools)

from mods_support import REPO, Anvil, run_node

KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"  # anvil's first account (public)
ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
MNEMONIC = "test test test test test test test test test test test junk"
TO = "0x70997970C51812DC3A010c7D01b50E20D6dC79c8"

TYPED = {
    "types": {
        "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
        "Mail": [{"name": "from", "type": "Person"}, {"name": "to", "type": "Person"},
                 {"name": "contents", "type": "string"}],
    },
    "primaryType": "Mail",
    "domain": {"name": "Ether Mail", "version": "1", "chainId": 1,
               "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
    "message": {"from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
                "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
                "contents": "Hello, Bob!"},
}

TX1559 = {"type": 2, "chainId": 31337, "nonce": 7, "to": TO, "value": 10**18, "gasLimit": 21000,
          "maxFeePerGas": 30 * 10**9, "maxPriorityFeePerGas": 2 * 10**9, "data": "0x1234"}
TX_LEGACY = {"type": 0, "chainId": 1, "nonce": 3, "to": TO, "value": 12345, "gasLimit": 50000,
             "gasPrice": 20 * 10**9, "data": "0x"}

ETHERS_SCRIPT = r"""
const { ethers } = require('ethers');
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
(async () => {
  const w = new ethers.Wallet(input.key);
  const types = Object.assign({}, input.typed.types);
  const big = (tx) => Object.fromEntries(Object.entries(tx).map(
      ([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) ? BigInt(v) : v]));
  const out = {
    address: w.address,
    message: await w.signMessage('hello alith'),
    messageHash: ethers.hashMessage('hello alith'),
    typed: await w.signTypedData(input.typed.domain, types, input.typed.message),
    typedHash: ethers.TypedDataEncoder.hash(input.typed.domain, types, input.typed.message),
    tx1559: await w.signTransaction(big(input.tx1559)),
    txLegacy: await w.signTransaction(big(input.txLegacy)),
    abi: ethers.AbiCoder.defaultAbiCoder().encode(['uint256', 'address', 'string', 'bool[]'],
                                                   [42n, input.to, 'hi', [true, false]]),
    calldata: new ethers.Interface(['function transfer(address to, uint256 amount) returns (bool)'])
                  .encodeFunctionData('transfer', [input.to, 5n]),
    mnemonic1: ethers.HDNodeWallet.fromPhrase(input.mnemonic, undefined, "m/44'/60'/0'/0/1").address,
    keccak: ethers.keccak256(ethers.toUtf8Bytes('alith')),
  };
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { process.stderr.write(String(e.stack || e)); process.exit(1); });
"""


def _strings(tx: dict) -> dict:
    return {k: (str(v) if isinstance(v, int) and k not in ("type", "chainId", "nonce", "gasLimit") else v)
            for k, v in tx.items()}


@pytest.fixture(scope="module")
def ethers(tmp_path_factory: pytest.TempPathFactory) -> dict:
    doc = {"key": KEY, "typed": TYPED, "tx1559": _strings(TX1559), "txLegacy": _strings(TX_LEGACY), "to": TO,
           "mnemonic": MNEMONIC}
    return json.loads(run_node(ETHERS_SCRIPT, tmp_path_factory.mktemp("ethers"), stdin=json.dumps(doc)))


def test_hashing_and_addresses(ethers: dict) -> None:
    assert keccak256(b"") == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert keccak256("alith") == ethers["keccak"]
    assert to_checksum_address(ADDRESS.lower()) == ADDRESS
    assert is_address(ADDRESS) and not is_address("0x1234")
    with pytest.raises(alith.ParseError):
        to_checksum_address(ADDRESS.replace("f39F", "F39f"))  # a broken EIP-55 checksum


def test_keys_and_messages_match_ethers(ethers: dict) -> None:
    key = PrivateKey.from_hex(KEY)
    assert key.address == ethers["address"] == ADDRESS
    assert KEY[2:] not in repr(key) and ADDRESS in repr(key)
    sig = key.sign_message("hello alith")
    assert sig == ethers["message"]
    assert hash_message("hello alith") == ethers["messageHash"]
    assert recover_message("hello alith", sig) == ADDRESS
    assert recover_message(b"hello alith", sig) == ADDRESS
    assert PrivateKey(KEY) == key and PrivateKey(bytes.fromhex(KEY[2:])).address == ADDRESS
    other = PrivateKey.generate()
    assert other.address != ADDRESS and recover_message("x", other.sign_message("x")) == other.address


def test_bad_keys_never_echo_key_material() -> None:
    secret = "0x" + "ff" * 32  # above the curve order: invalid
    with pytest.raises(alith.CryptoError) as info:
        PrivateKey.from_hex(secret)
    assert "ff" * 8 not in str(info.value)
    with pytest.raises(alith.AlithError) as info2:
        PrivateKey.from_hex("0x1234")
    assert "1234" not in str(info2.value)


def test_typed_data_matches_ethers(ethers: dict) -> None:
    key = PrivateKey.from_hex(KEY)
    assert hash_typed_data(TYPED)["digest"] == ethers["typedHash"]
    sig = key.sign_typed_data(TYPED)
    assert sig == ethers["typed"]
    assert recover_typed_data(TYPED, sig) == ADDRESS


def test_transactions_match_ethers(ethers: dict) -> None:
    key = PrivateKey.from_hex(KEY)
    signed = key.sign_transaction(TX1559)
    assert signed["raw"] == ethers["tx1559"]
    assert signed["from"] == ADDRESS and signed["hash"] == keccak256(bytes.fromhex(signed["raw"][2:]))
    legacy = key.sign_transaction(TX_LEGACY)
    assert legacy["raw"] == ethers["txLegacy"]
    decoded = decode_transaction(ethers["tx1559"])
    assert decoded["from"] == ADDRESS and decoded["to"] == TO and int(decoded["value"], 16) == 10**18
    assert decoded["input"] == "0x1234"


def test_abi_and_units_match_ethers(ethers: dict) -> None:
    encoded = abi_encode(["uint256", "address", "string", "bool[]"], [42, TO, "hi", [True, False]])
    assert encoded == ethers["abi"]
    assert abi_decode(["uint256", "address", "string", "bool[]"], encoded) == ["42", TO, "hi", [True, False]]
    erc20 = Interface(["function transfer(address to, uint256 amount) returns (bool)",
                       "event Transfer(address indexed from, address indexed to, uint256 value)"])
    assert erc20.encode_function_data("transfer", [TO, 5]) == ethers["calldata"]
    assert erc20.decode_function_result("transfer", "0x" + "00" * 31 + "01") == [True]
    assert erc20.selector("transfer") == "0xa9059cbb"
    assert parse_ether("1.5") == 1_500_000_000_000_000_000 and format_ether(1_500_000_000_000_000_000) == "1.5"
    assert parse_units("12.5", 6) == 12_500_000 and format_units(12_500_000, 6) == "12.5"
    assert format_ether(2**255) == str(2**255)[:-18] + "." + str(2**255)[-18:].rstrip("0")
    with pytest.raises(alith.ParseError):
        parse_units("1.0000001", 6)


def test_keystore_and_mnemonic(ethers: dict) -> None:
    key = PrivateKey.from_hex(KEY)
    text = encrypt_keystore(key, "correct horse", kdf="pbkdf2", iterations=1024)
    assert KEY[2:] not in text and json.loads(text)["version"] == 3
    assert decrypt_keystore(text, "correct horse").address == ADDRESS
    with pytest.raises(alith.CryptoError):
        decrypt_keystore(text, "wrong")
    assert ethereum_account(MNEMONIC, 0).address == ADDRESS
    assert ethereum_account(MNEMONIC, 1).address == ethers["mnemonic1"]
    phrase = alith.web3.generate_mnemonic(12)
    assert len(phrase.split()) == 12 and alith.web3.is_valid_mnemonic(phrase)


# ---- a real chain -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def anvil(tmp_path_factory: pytest.TempPathFactory):
    chain = Anvil(tmp_path_factory.mktemp("anvil"))
    yield chain
    chain.stop()


@pytest.fixture(scope="module")
def token_artifact(tmp_path_factory: pytest.TempPathFactory) -> dict:
    compile_js = REPO / "tests" / "web3" / "node" / "compile_contracts.cjs"
    out = run_node(f"require({json.dumps(str(compile_js))})", tmp_path_factory.mktemp("solc"),
                   stdin=json.dumps({"dir": str(REPO / "contracts")}))
    return json.loads(out)["contracts"]["AlithToken"]


def test_chain_balance_and_eth_transfer(anvil: Anvil) -> None:
    rpc = RpcClient(anvil.url)
    assert rpc.chain_id() == 31337
    sender = PrivateKey.from_hex(anvil.keys[0])
    receiver = PrivateKey.random()
    assert rpc.get_balance(sender.address) == 10_000 * 10**18
    assert rpc.get_balance(receiver.address) == 0
    wallet = Wallet(sender, rpc)
    receipt = wallet.send_and_wait({"to": receiver.address, "value": parse_ether("0.25")}, timeout=30)
    assert receipt["status"] is True and receipt["from"] == sender.address
    assert rpc.get_balance(receiver.address) == parse_ether("0.25")
    assert rpc.get_transaction_receipt(receipt["transactionHash"])["blockNumber"] == receipt["blockNumber"]


def test_erc20_deploy_transfer_and_events(anvil: Anvil, token_artifact: dict) -> None:
    rpc = RpcClient(anvil.url)
    owner = Wallet(PrivateKey.from_hex(anvil.keys[1]), rpc)
    abi = Interface(token_artifact["abi"])
    token = Contract.deploy(owner, abi, token_artifact["bytecode"], "Alith Token", "ALI", parse_ether("1000"),
                            timeout=30)
    erc20 = Erc20(token.address, owner)
    assert erc20.symbol() == "ALI" and erc20.decimals() == 18
    assert erc20.balance_of(owner.address) == parse_ether("1000")
    receipt = token.transact("transfer", TO, parse_ether("3"), timeout=30)
    assert receipt["status"] and receipt["events"][0]["event"] == "Transfer"
    assert erc20.balance_of(TO) == parse_ether("3")
    tx_hash = erc20.transfer(TO, parse_ether("1"))
    assert rpc.wait_for_receipt(tx_hash, timeout=30)["status"]
    assert token.call("balanceOf", TO) == [str(parse_ether("4"))]
    reader = Contract(token.address, token_artifact["abi"], anvil.url)  # read-only, over a URL
    assert reader.call("symbol") == ["ALI"]
    with pytest.raises(ValueError):
        reader.send("transfer", TO, 1)
    transfers = token.query_events("Transfer")
    assert [e["args"]["to"] for e in transfers][-2:] == [TO, TO]
    logs = rpc.get_logs(address=token.address, topics=[abi.event_topic("Transfer")])
    assert len(logs) == len(transfers) == 3  # the mint and the two transfers
    with pytest.raises(alith.ChainError):
        token.call("transferFrom", owner.address, TO, 1, from_=TO)


def test_wallet_tools_with_policy_in_an_agent(anvil: Anvil) -> None:
    wallet = Wallet(PrivateKey.from_hex(anvil.keys[2]), anvil.url)  # a node URL works as well as an RpcClient
    rpc = wallet.rpc
    receiver = PrivateKey.random().address
    asked = []

    def confirm(request: dict) -> bool:
        asked.append(request)
        return True

    tools = wallet_tools(wallet, {"native": {"per_transaction": parse_ether("0.5"), "per_day": parse_ether("0.6")},
                                  "confirm": confirm}, receipt_timeout=30)
    names = {t.name for t in tools}
    assert {"get_balance", "send_native", "send_erc20"} <= names
    model = alith.ScriptedModel(replies=[
        {"tool": "send_native", "arguments": {"to": receiver, "amount": "0.4"}},
        {"tool": "send_native", "arguments": {"to": receiver, "amount": "0.4"}},  # over the daily limit
        {"tool": "send_native", "arguments": {"to": receiver, "amount": "5"}},    # over the per-transaction limit
        "done",
    ])
    result = alith.Agent(model=model, tools=tools, max_steps=5).run("pay")
    assert result.answer == "done"
    outcomes = [m for m in result.transcript if m["role"] == "tool"]
    assert len(outcomes) == 3
    assert not outcomes[0].get("is_error") and "daily limit" in str(outcomes[1]["content"])
    assert "per-transaction limit" in str(outcomes[2]["content"])
    assert rpc.get_balance(receiver) == parse_ether("0.4")
    assert len(asked) == 1 and asked[0]["amount"] == parse_ether("0.4")
    with pytest.raises(ValueError):
        wallet_tools(wallet, None)  # type: ignore[arg-type]
