// Wallet formats with ethers: EIP-712 digests, encodeType and signatures of typed data; BIP-39/BIP-32
// addresses; the BIP-39 English wordlist; and Web3 Secret Storage keystores in both directions. Each part of
// the input is optional and answered under the same name.
'use strict';
const crypto = require('crypto');
const {
  TypedDataEncoder, Wallet, verifyTypedData, HDNodeWallet, LangEn, encryptKeystoreJsonSync,
  decryptKeystoreJsonSync, pbkdf2, keccak256, getBytes, hexlify, concat, uuidV4,
} = require('ethers');
const { run } = require('./io.cjs');

// A pbkdf2 keystore built from ethers' primitives (ethers only writes scrypt files) and Node's AES-128-CTR.
function pbkdf2Keystore({ key, password, iterations, salt, iv }) {
  const derived = getBytes(pbkdf2(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256'));
  const cipher = crypto.createCipheriv('aes-128-ctr', derived.slice(0, 16), getBytes(iv));
  const ciphertext = Buffer.concat([cipher.update(getBytes(key)), cipher.final()]);
  const mac = keccak256(concat([derived.slice(16, 32), ciphertext]));
  const wallet = new Wallet(key);
  return JSON.stringify({
    address: wallet.address.toLowerCase(),  // with 0x, as some tools write it
    id: uuidV4(crypto.randomBytes(16)),
    version: 3,
    crypto: {
      cipher: 'aes-128-ctr',
      cipherparams: { iv: hexlify(iv).substring(2) },
      ciphertext: hexlify(ciphertext).substring(2),
      kdf: 'pbkdf2',
      kdfparams: { c: iterations, dklen: 32, prf: 'hmac-sha256', salt: hexlify(salt).substring(2) },
      mac: mac.substring(2),
    },
  });
}

run(async (input) => {
  const out = {};
  if (input.typed) {
    out.typed = [];
    for (const v of input.typed) {
      const wallet = new Wallet(v.key);
      out.typed.push({
        digest: TypedDataEncoder.hash(v.domain, v.types, v.message),
        encode_type: TypedDataEncoder.from(v.types).encodeType(v.primaryType),
        primary_type: TypedDataEncoder.getPrimaryType(v.types),
        signature: await wallet.signTypedData(v.domain, v.types, v.message),
        recovered: verifyTypedData(v.domain, v.types, v.message, v.alith_signature),
      });
    }
  }
  if (input.hd) {
    out.hd = input.hd.map((v) => {
      const wallet = HDNodeWallet.fromPhrase(v.phrase, v.password, v.path);
      return { address: wallet.address, key: wallet.privateKey };
    });
  }
  if (input.wordlist) {
    const list = LangEn.wordlist();
    out.wordlist = Array.from({ length: 2048 }, (_, i) => list.getWord(i));
  }
  if (input.encrypt) {
    out.encrypt = input.encrypt.map((v) =>
      v.kdf === 'pbkdf2'
        ? pbkdf2Keystore(v)
        : encryptKeystoreJsonSync({ address: new Wallet(v.key).address, privateKey: v.key }, v.password,
          { scrypt: { N: v.n, r: v.r, p: v.p } }));
  }
  if (input.decrypt) {
    out.decrypt = input.decrypt.map((v) => {
      const account = decryptKeystoreJsonSync(v.json, v.password);
      return { address: account.address, key: account.privateKey };
    });
  }
  return out;
});
