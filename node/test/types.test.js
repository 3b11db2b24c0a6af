'use strict'
// index.d.ts (and the modules' declarations it re-exports) compile under tsc --strict with a typical usage file.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('path')
const { execFileSync } = require('child_process')

test('the TypeScript declarations compile', () => {
  const tsc = require.resolve('typescript/bin/tsc')
  const file = path.join(__dirname, 'types', 'usage.ts')
  try {
    execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'commonjs',
      '--moduleResolution', 'node', '--esModuleInterop', '--skipLibCheck', 'false', '--types', 'node', file],
    { encoding: 'utf8', stdio: 'pipe', cwd: path.join(__dirname, '..') })
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`)
  }
})
