'use strict'
// Loads the addon alith.node. Where: $ALITH_NODE_ADDON when set, else the newest of the build outputs
// scripts/build.js and cmake-js produce (<repo>/build-node/<config>/alith.node, <package>/build/<config>/).
const fs = require('fs')
const path = require('path')

function candidates() {
  const pkg = path.resolve(__dirname, '..')
  const configs = ['Release', 'RelWithDebInfo', 'Debug', 'MinSizeRel']
  const dirs = [path.join(pkg, '..', 'build-node'), path.join(pkg, 'build')]
  const out = []
  for (const dir of dirs) for (const c of configs) out.push(path.join(dir, c, 'alith.node'))
  return out
}

function locate() {
  if (process.env.ALITH_NODE_ADDON) return process.env.ALITH_NODE_ADDON
  let best = null
  let bestTime = -1
  for (const file of candidates()) {
    try {
      const t = fs.statSync(file).mtimeMs
      if (t > bestTime) {
        best = file
        bestTime = t
      }
    } catch {
      // not built there
    }
  }
  if (!best) {
    throw new Error(`alith: the native addon is not built (looked for ${candidates().join(', ')}); run \`npm run build\` in ${path.resolve(__dirname, '..')}`)
  }
  return best
}

module.exports = require(locate())
