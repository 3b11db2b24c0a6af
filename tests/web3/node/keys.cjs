// Keys and EIP-191 messages with ethers: for each private key, its checksummed address and the
// personal_sign signature of a message; and the signer ethers recovers from alith's signatures.
'use strict';
const { Wallet, SigningKey, verifyMessage, getBytes, computeAddress, getAddress } = require('ethers');
const { run } = require('./io.cjs');

run(({ vectors }) =>
  vectors.map((v) => {
    const wallet = new Wallet(v.key);
    const message = getBytes(v.message);
    return {
      address: wallet.address,
      lowercase_checksum: getAddress(v.address_lower),
      compressed: new SigningKey(v.key).compressedPublicKey,
      signature: wallet.signMessageSync(message),
      recovered: verifyMessage(message, v.alith_signature),
      from_public: computeAddress(v.alith_public),
    };
  }));
