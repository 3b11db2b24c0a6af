"""Keys, signatures and a wallet on a node: sign and recover a message, send ETH, and give an agent wallet tools
limited by a spending policy.

    ALITH_RPC_URL=http://127.0.0.1:8545 ALITH_KEY=0x... python python/examples/web3_wallet.py
(with anvil, ALITH_KEY may be one of the keys anvil prints.)
"""

import os

import alith
from alith.web3 import PrivateKey, RpcClient, Wallet, format_ether, parse_ether, recover_message, wallet_tools

key = PrivateKey.from_hex(os.environ["ALITH_KEY"]) if "ALITH_KEY" in os.environ else PrivateKey.random()
print(key)  # <PrivateKey 0x...>: the address, never the key
signature = key.sign_message("hello from alith")
assert recover_message("hello from alith", signature) == key.address

rpc = RpcClient(os.environ.get("ALITH_RPC_URL", "http://127.0.0.1:8545"))
print("chain", rpc.chain_id(), "balance", format_ether(rpc.get_balance(key.address)), "ETH")

wallet = Wallet(key, rpc)
receiver = PrivateKey.random().address
receipt = wallet.send_and_wait({"to": receiver, "value": parse_ether("0.01")})
print("sent 0.01 ETH in block", receipt["blockNumber"], receipt["transactionHash"])

tools = wallet_tools(wallet, {"native": {"per_transaction": parse_ether("0.05"), "per_day": parse_ether("0.1")},
                              "allowlist": [receiver]})
model = alith.ScriptedModel(replies=[{"tool": "send_native", "arguments": {"to": receiver, "amount": "0.02"}},
                                     "Sent."])
agent = alith.Agent(model=model, tools=tools)
print(agent.prompt(f"Send 0.02 ETH to {receiver}"))
print("receiver balance", format_ether(rpc.get_balance(receiver)))
