#!/usr/bin/env node
'use strict'
// Builds the addon alith.node with cmake-js: the whole alith project (the repository root, one level above this
// package) configured with ALITH_NODE=ON into <repo>/build-node/<config>/alith.node. Runs as the package's
// "install" script, so `npm install <repo>/node` builds it.
//
// Offline: cmake-js downloads Node's headers unless the project is a Node-API one, which it decides from the
// package.json of the CMake source dir — the repository root has none, so the flag is set here, and the
// headers come from the pinned node-api-headers and node-addon-api packages.
//
// Environment: ALITH_NODE_CONFIG (RelWithDebInfo, the build type of the C++ tree, so ccache shares objects with
// it; Release or Debug also work), ALITH_NODE_BUILD_DIR, ALITH_LLAMA_DIR (llama.cpp prefix), ALITH_SKIP_BUILD=1
// (skip, e.g. when the addon is built elsewhere).
const fs = require('fs')
const path = require('path')
const { execFileSync } = require('child_process')

if (process.env.ALITH_SKIP_BUILD === '1') process.exit(0)

const root = path.resolve(__dirname, '..', '..')
if (!fs.existsSync(path.join(root, 'CMakeLists.txt')) || !fs.existsSync(path.join(root, 'src'))) {
  console.error(`alith: the Node package builds from the alith source tree; install it with npm install <alith>/node (not found above ${path.resolve(__dirname, '..')})`)
  process.exit(1)
}
const out = process.env.ALITH_NODE_BUILD_DIR || path.join(root, 'build-node')
const config = process.env.ALITH_NODE_CONFIG || 'RelWithDebInfo'

// The scripts that build llama.cpp and the lean libcurl once into ~/.cache/alith print their prefixes.
function prefixFrom(script) {
  const file = path.join(root, 'scripts', script)
  if (!fs.existsSync(file)) return ''
  return execFileSync(file, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim()
}

function hasProgram(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

async function main() {
  process.env.CCACHE_BASEDIR = process.env.CCACHE_BASEDIR || root
  process.env.CCACHE_NOHASHDIR = process.env.CCACHE_NOHASHDIR || '1'
  const cMakeOptions = {
    ALITH_NODE: 'ON',
    ALITH_BUILD_TESTS: 'OFF',
    ALITH_BUILD_BENCH: 'OFF',
    ALITH_BUILD_CLI: 'OFF',
    ALITH_NODE_API_INCLUDE: require('node-api-headers').include_dir,
    ALITH_NODE_ADDON_API_INCLUDE: path.dirname(require.resolve('node-addon-api/napi.h')),
  }
  const llama = process.env.ALITH_LLAMA_DIR || prefixFrom('build-llama')
  if (llama) cMakeOptions.ALITH_LLAMA_PREFIX = llama
  const curl = prefixFrom('build-curl')
  if (curl) cMakeOptions.CMAKE_PREFIX_PATH = curl

  const { BuildSystem } = require('cmake-js')
  const options = { directory: root, out, config, cMakeOptions }
  if (hasProgram('ninja')) options.generator = 'Ninja'
  const bs = new BuildSystem(options)
  bs.options.isNodeApi = true // shared with bs.cmake and bs.dist: no header download
  // cmake-js puts -DBUILDING_NODE_EXTENSION into CMAKE_CXX_FLAGS, i.e. into every object of libalith too, which
  // makes each compile line differ from build/'s and defeats ccache; node/CMakeLists.txt defines it for the
  // addon's own sources instead.
  const toolset = bs.cmake.toolset
  const initialize = toolset.initialize.bind(toolset)
  toolset.initialize = async (install) => {
    await initialize(install)
    toolset.compilerFlags = toolset.compilerFlags.filter((f) => f !== '-DBUILDING_NODE_EXTENSION')
  }
  await bs.build()
  const addon = path.join(out, config, 'alith.node')
  if (!fs.existsSync(addon)) throw new Error(`the build did not produce ${addon}`)
  console.log(`alith: built ${addon}`)
}

main().catch((e) => {
  console.error(`alith: build failed: ${e && e.message ? e.message : e}`)
  process.exit(1)
})
