// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// The callbacks a contract implements to accept ERC-1155 tokens.
interface IERC1155Receiver {
    function onERC1155Received(address operator, address from, uint256 id, uint256 value, bytes calldata data)
        external
        returns (bytes4);
    function onERC1155BatchReceived(
        address operator,
        address from,
        uint256[] calldata ids,
        uint256[] calldata values,
        bytes calldata data
    ) external returns (bytes4);
}

/// @title AlithMultiToken: a minimal ERC-1155 (EIP-1155) multi-token; the owner mints.
/// @notice Written for alith's tests and examples; no OpenZeppelin.
contract AlithMultiToken {
    address public owner;
    string private uriTemplate;  // the {id} substitution is the client's job (EIP-1155 metadata)

    mapping(uint256 => mapping(address => uint256)) private balances;  // id => holder => amount
    mapping(address => mapping(address => bool)) public isApprovedForAll;

    event TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value);
    event TransferBatch(
        address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values
    );
    event ApprovalForAll(address indexed account, address indexed operator, bool approved);
    event URI(string value, uint256 indexed id);

    constructor(string memory uri_) {
        uriTemplate = uri_;
        owner = msg.sender;
    }

    function supportsInterface(bytes4 id) external pure returns (bool) {
        return id == 0x01ffc9a7  // ERC-165
            || id == 0xd9b67a26  // ERC-1155
            || id == 0x0e89341c; // ERC-1155 metadata URI
    }

    function uri(uint256) external view returns (string memory) {
        return uriTemplate;
    }

    function balanceOf(address account, uint256 id) external view returns (uint256) {
        return balances[id][account];
    }

    function balanceOfBatch(address[] calldata accounts, uint256[] calldata ids)
        external
        view
        returns (uint256[] memory result)
    {
        require(accounts.length == ids.length, "AlithMultiToken: accounts and ids length mismatch");
        result = new uint256[](accounts.length);
        for (uint256 i = 0; i < accounts.length; i++) result[i] = balances[ids[i]][accounts[i]];
    }

    function setApprovalForAll(address operator, bool approved) external {
        isApprovedForAll[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    function mint(address to, uint256 id, uint256 value, bytes calldata data) external {
        require(msg.sender == owner, "AlithMultiToken: caller is not the owner");
        require(to != address(0), "AlithMultiToken: mint to the zero address");
        balances[id][to] += value;
        emit TransferSingle(msg.sender, address(0), to, id, value);
        _checkSingle(address(0), to, id, value, data);
    }

    function safeTransferFrom(address from, address to, uint256 id, uint256 value, bytes calldata data) external {
        _authorize(from, to);
        _move(from, to, id, value);
        emit TransferSingle(msg.sender, from, to, id, value);
        _checkSingle(from, to, id, value, data);
    }

    function safeBatchTransferFrom(
        address from,
        address to,
        uint256[] calldata ids,
        uint256[] calldata values,
        bytes calldata data
    ) external {
        require(ids.length == values.length, "AlithMultiToken: ids and values length mismatch");
        _authorize(from, to);
        for (uint256 i = 0; i < ids.length; i++) _move(from, to, ids[i], values[i]);
        emit TransferBatch(msg.sender, from, to, ids, values);
        if (to.code.length > 0) {
            bytes4 answer = IERC1155Receiver(to).onERC1155BatchReceived(msg.sender, from, ids, values, data);
            require(answer == IERC1155Receiver.onERC1155BatchReceived.selector, "AlithMultiToken: rejected");
        }
    }

    function _authorize(address from, address to) private view {
        require(to != address(0), "AlithMultiToken: transfer to the zero address");
        require(from == msg.sender || isApprovedForAll[from][msg.sender], "AlithMultiToken: caller is not approved");
    }

    function _move(address from, address to, uint256 id, uint256 value) private {
        uint256 balance = balances[id][from];
        require(balance >= value, "AlithMultiToken: insufficient balance");
        unchecked {
            balances[id][from] = balance - value;  // checked just above
        }
        balances[id][to] += value;
    }

    function _checkSingle(address from, address to, uint256 id, uint256 value, bytes calldata data) private {
        if (to.code.length > 0) {
            bytes4 answer = IERC1155Receiver(to).onERC1155Received(msg.sender, from, id, value, data);
            require(answer == IERC1155Receiver.onERC1155Received.selector, "AlithMultiToken: rejected");
        }
    }
}
