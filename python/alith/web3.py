"""Web3: keys and signatures, transactions, the ABI, a JSON-RPC client, wallets, contracts, ERC-20 tokens and
agent tools over a wallet with spending limits.

    from alith.web3 import PrivateKey, RpcClient, Wallet, Erc20, parse_ether, wallet_tools

    key = PrivateKey.from_hex(os.environ["KEY"])          # repr shows the address, never the key
    sig = key.sign_message("hello")
    assert recover_message("hello", sig) == key.address
    rpc = RpcClient("http://127.0.0.1:8545")
    wallet = Wallet(key, rpc)
    receipt = wallet.send_and_wait({"to": "0x...", "value": parse_ether("0.01")})
    agent = alith.Agent(model=..., tools=wallet_tools(wallet, {"native": {"per_transaction": parse_ether("0.1")}}))

Integers are Python ints (wei; any size), addresses EIP-55 strings, hashes, signatures and raw bytes 0x hex
strings (inputs may also be bytes). Transactions are dicts with ethers' field names (to, value, data, gasLimit,
maxFeePerGas, nonce, chainId, type...; snake_case works too).
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from . import _native
from ._native import Interface, PrivateKey, RpcClient, SpendingGuard, Wallet

__all__ = ["PrivateKey", "RpcClient", "Wallet", "Contract", "Erc20", "Interface", "SpendingGuard", "keccak256",
           "to_checksum_address", "is_address", "hash_message", "recover_message", "recover_hash",
           "hash_typed_data", "recover_typed_data", "decode_transaction", "parse_units", "format_units",
           "parse_ether", "format_ether", "abi_encode", "abi_decode", "abi_encode_packed", "encrypt_keystore",
           "decrypt_keystore", "generate_mnemonic", "is_valid_mnemonic", "ethereum_account", "hd_derive",
           "wallet_tools", "chain_read_tools", "spending_guard", "function_selector"]

Data = Union[bytes, bytearray, str]


def keccak256(data: Union[bytes, bytearray, str]) -> str:
    """Keccak-256 (Ethereum's, not SHA3-256) of bytes, or of a str's UTF-8 text; 0x hex."""
    return _native.web3_keccak256(data)


def function_selector(signature: str) -> str:
    """The 4-byte selector of "transfer(address,uint256)" as 0x hex."""
    return keccak256(signature)[:10]


def to_checksum_address(address: Union[str, bytes]) -> str:
    """EIP-55 form; ParseError for a malformed address or a wrong mixed-case checksum."""
    return _native.web3_to_checksum_address(address)


def is_address(text: str) -> bool:
    return _native.web3_is_address(text)


def hash_message(message: Union[str, bytes]) -> str:
    """The EIP-191 personal_sign digest of a str (UTF-8) or bytes."""
    return _native.web3_hash_message(message)


def recover_message(message: Union[str, bytes], signature: Data) -> str:
    """The address that signed message with personal_sign."""
    return _native.web3_recover_message(message, signature)


def recover_hash(digest: Data, signature: Data) -> str:
    return _native.web3_recover_hash(digest, signature)


def hash_typed_data(typed_data: Union[Mapping[str, Any], str]) -> Dict[str, str]:
    """EIP-712 hashes of {types, primaryType, domain, message}: digest, domain_separator, message_hash."""
    return _native.web3_hash_typed_data(dict(typed_data) if isinstance(typed_data, Mapping) else typed_data)


def recover_typed_data(typed_data: Union[Mapping[str, Any], str], signature: Data) -> str:
    return _native.web3_recover_typed_data(dict(typed_data) if isinstance(typed_data, Mapping) else typed_data,
                                           signature)


def decode_transaction(raw: Data) -> Dict[str, Any]:
    """A raw signed transaction (legacy, EIP-2930 or EIP-1559) in JSON-RPC form, with 'from' and 'hash'."""
    return _native.web3_decode_transaction(raw)


def parse_units(text: Union[str, int, float], decimals: int = 18) -> int:
    """"1.5" with 18 decimals -> 1500000000000000000. Floats are taken by their repr (prefer strings)."""
    return _native.web3_parse_units(str(text), decimals)


def format_units(value: int, decimals: int = 18) -> str:
    """1500000000000000000 with 18 decimals -> "1.5"."""
    return _native.web3_format_units(value, decimals)


def parse_ether(text: Union[str, int, float]) -> int:
    return parse_units(text, 18)


def format_ether(value: int) -> str:
    return format_units(value, 18)


def abi_encode(types: Sequence[str], values: Sequence[Any]) -> str:
    """Standard ABI encoding of values as the tuple of types ("uint256", "address", "(string,bytes32)[]"...)."""
    return _native.web3_abi_encode(list(types), list(values))


def abi_decode(types: Sequence[str], data: Data) -> List[Any]:
    """Decodes data as the tuple of types (ints as decimal strings, addresses checksummed, bytes as hex)."""
    return _native.web3_abi_decode(list(types), data)


def abi_encode_packed(types: Sequence[str], values: Sequence[Any]) -> str:
    return _native.web3_abi_encode_packed(list(types), list(values))


def encrypt_keystore(key: PrivateKey, password: str, *, kdf: str = "scrypt", n: Optional[int] = None,
                     iterations: Optional[int] = None) -> str:
    """A Web3 Secret Storage v3 keystore (JSON text), as geth, ethers and MetaMask write them."""
    return _native.web3_encrypt_keystore(key, password, kdf, n, iterations)


def decrypt_keystore(json: str, password: str) -> PrivateKey:
    """The key in a keystore; alith.CryptoError "wrong password" when the password does not match."""
    return _native.web3_decrypt_keystore(json, password)


def generate_mnemonic(word_count: int = 12) -> str:
    return _native.web3_generate_mnemonic(word_count)


def is_valid_mnemonic(phrase: str) -> bool:
    return _native.web3_is_valid_mnemonic(phrase)


def ethereum_account(phrase: str, index: int = 0, *, passphrase: str = "") -> PrivateKey:
    """The key of account index (m/44'/60'/0'/0/index) of a BIP-39 phrase, as MetaMask and ethers derive it."""
    return _native.web3_ethereum_account(phrase, index, passphrase)


def hd_derive(phrase: str, path: str, *, passphrase: str = "") -> PrivateKey:
    """The key at a BIP-32 path ("m/44'/60'/0'/0/3") of a phrase."""
    return _native.web3_hd_derive(phrase, path, passphrase)


def spending_guard(policy: Optional[Mapping[str, Any]] = None) -> SpendingGuard:
    """A SpendingGuard from a policy dict:

    - native: {"per_transaction": wei, "per_day": wei} (omit a limit for none)
    - tokens: {token_address: {"per_transaction": base units, "per_day": ...}}; unlisted tokens cannot be sent
    - allowlist: [address, ...]; when given, the only recipients allowed
    - confirm: fn(request: {call_id, to, token, amount, summary}) -> bool, asked before every allowed send
    """
    return _native.web3_spending_guard(dict(policy) if policy is not None else None)


def wallet_tools(wallet: Wallet, policy: Union[Mapping[str, Any], SpendingGuard], *, native_symbol: str = "ETH",
                 receipt_timeout: float = 120.0) -> List["_native.Tool"]:
    """Agent tools over a wallet: get_balance, erc20_balance, contract_read, and send_native / send_erc20
    checked against the policy (a dict as for spending_guard, or a SpendingGuard) before anything is sent; a veto
    is the error result the model sees. No tool takes or returns key material. The policy is required: ``{}``
    is an explicit "native sends without limits, no tokens"."""
    if policy is None:
        raise ValueError("wallet_tools needs a policy (e.g. {'native': {'per_transaction': parse_ether('0.1')}}); "
                         "pass {} to allow native sends without limits")
    guard = policy if isinstance(policy, SpendingGuard) else spending_guard(policy)
    return _native.web3_wallet_tools(wallet, guard, native_symbol=native_symbol, receipt_timeout=receipt_timeout)


def chain_read_tools(rpc: RpcClient, *, native_symbol: str = "ETH") -> List["_native.Tool"]:
    """get_balance, erc20_balance and contract_read (no wallet, nothing sent)."""
    return _native.web3_chain_read_tools(rpc, native_symbol=native_symbol)


def _interface(abi: Any) -> Interface:
    return abi if isinstance(abi, Interface) else Interface(abi)


def _rpc_and_wallet(connection: Union[RpcClient, Wallet, str]) -> "tuple[RpcClient, Optional[Wallet]]":
    if isinstance(connection, Wallet):
        return connection.rpc, connection
    if isinstance(connection, str):
        return RpcClient(connection), None
    return connection, None


class Contract:
    """A deployed contract seen through its ABI (a JSON ABI, human-readable signatures or an Interface), over an
    RpcClient (reads) or a Wallet (reads and transactions).

        token = Contract(address, ["function balanceOf(address) view returns (uint256)",
                                   "function transfer(address to, uint256 amount) returns (bool)"], wallet)
        token.call("balanceOf", holder)           # -> ["1000"] (ints as decimal strings)
        receipt = token.transact("transfer", to, parse_ether("1"))   # receipt + decoded "events"

    Reverts raise alith.ChainError with the decoded reason (Error(string), Panic or the ABI's custom errors).
    """

    def __init__(self, address: str, abi: Any, connection: Union[RpcClient, Wallet, str]) -> None:
        rpc, self.wallet = _rpc_and_wallet(connection)
        self._native = _native.Contract(address, _interface(abi), rpc)

    @property
    def address(self) -> str:
        return self._native.address

    @property
    def abi(self) -> Interface:
        return self._native.abi

    def _signer(self, wallet: Optional[Wallet]) -> Wallet:
        signer = wallet or self.wallet
        if signer is None:
            raise ValueError("sending needs a Wallet: Contract(address, abi, wallet) or wallet=...")
        return signer

    def call(self, function: str, *args: Any, from_: Optional[str] = None, value: Optional[int] = None,
             block: Union[str, int, None] = None) -> List[Any]:
        """eth_call of a function (by name, or signature for overloads); its decoded outputs as a list."""
        return self._native.call(function, list(args), from_, value, block)

    def send(self, function: str, *args: Any, value: Optional[int] = None, gas_limit: Optional[int] = None,
             wallet: Optional[Wallet] = None) -> str:
        """Sends a transaction calling function; the transaction hash (a revert found by gas estimation raises
        and consumes no nonce)."""
        return self._native.send(self._signer(wallet), function, list(args), value, gas_limit)

    def transact(self, function: str, *args: Any, value: Optional[int] = None, gas_limit: Optional[int] = None,
                 timeout: float = 120.0, wallet: Optional[Wallet] = None) -> Dict[str, Any]:
        """send() and wait: the receipt, with "events" holding this contract's decoded logs."""
        return self._native.transact(self._signer(wallet), function, list(args), value, gas_limit, timeout)

    def query_events(self, event: str, *, from_block: Union[str, int, None] = None,
                     to_block: Union[str, int, None] = None) -> List[Dict[str, Any]]:
        """eth_getLogs for one event of this contract, decoded: [{event, signature, args, log}]."""
        return self._native.query_events(event, from_block, to_block)

    @classmethod
    def deploy(cls, wallet: Wallet, abi: Any, bytecode: Data, *args: Any, timeout: float = 120.0) -> "Contract":
        """Deploys bytecode with the constructor's arguments and waits; the contract at its new address."""
        native = _native.Contract.deploy(wallet, _interface(abi), bytecode, list(args), timeout)
        contract = cls.__new__(cls)
        contract.wallet = wallet
        contract._native = native
        return contract

    def __repr__(self) -> str:
        return f"<Contract {self.address}>"


class Erc20:
    """An ERC-20 token over an RpcClient or a Wallet (transfers need the wallet). Amounts are base units."""

    def __init__(self, token: str, connection: Union[RpcClient, Wallet, str]) -> None:
        rpc, self.wallet = _rpc_and_wallet(connection)
        self._native = _native.Erc20(token, rpc)

    @property
    def address(self) -> str:
        return self._native.address

    def name(self) -> str:
        return self._native.name()

    def symbol(self) -> str:
        return self._native.symbol()

    def decimals(self) -> int:
        return self._native.decimals()

    def total_supply(self) -> int:
        return self._native.total_supply()

    def balance_of(self, holder: str) -> int:
        return self._native.balance_of(holder)

    def allowance(self, holder: str, spender: str) -> int:
        return self._native.allowance(holder, spender)

    def _signer(self, wallet: Optional[Wallet]) -> Wallet:
        signer = wallet or self.wallet
        if signer is None:
            raise ValueError("transfers need a Wallet: Erc20(token, wallet) or wallet=...")
        return signer

    def transfer(self, to: str, amount: int, *, wallet: Optional[Wallet] = None) -> str:
        """Sends amount (base units); the transaction hash (wait with rpc.wait_for_receipt)."""
        return self._native.transfer(self._signer(wallet), to, amount)

    def approve(self, spender: str, amount: int, *, wallet: Optional[Wallet] = None) -> str:
        return self._native.approve(self._signer(wallet), spender, amount)

    def __repr__(self) -> str:
        return f"<Erc20 {self.address}>"
