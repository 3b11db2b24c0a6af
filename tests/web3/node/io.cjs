// Shared by the reference scripts: read the test's JSON document from stdin, write the answer to stdout.
'use strict';
const fs = require('fs');

function run(handler) {
  const input = JSON.parse(fs.readFileSync(0, 'utf8'));
  Promise.resolve(handler(input))
    .then((output) => process.stdout.write(JSON.stringify(output)))
    .catch((e) => {
      process.stderr.write(String(e && e.stack ? e.stack : e));
      process.exit(1);
    });
}

module.exports = { run };
