'use strict'
// Starts a real llama-server with the local Gemma 3 270M model (as the C++ tests do: tests/support/
// llama_server.cpp) on a free loopback port and waits for /health. Shared by the node-core and node-mods suites.
const { spawn } = require('child_process')
const fs = require('fs')
const net = require('net')
const os = require('os')
const path = require('path')

const repo = path.resolve(__dirname, '..', '..', '..')
const cache = process.env.ALITH_CACHE_DIR || path.join(os.homedir(), '.cache', 'alith')
const binary = process.env.ALITH_LLAMA_SERVER ||
  path.join(process.env.ALITH_LLAMA_DIR || path.join(cache, 'llama.cpp-3.22.1-cpu-r2', 'install'), 'bin', 'llama-server')
const model = process.env.ALITH_TEST_MODEL || path.join(cache, 'models', 'gemma-3-270m-q4_k_m.gguf')

/** Whether the server binary and the model are installed (scripts/setup installs both). */
function available() {
  return fs.existsSync(binary) && fs.existsSync(model)
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/**
 * Starts the server: {context = 4096, parallel = 2, threads = 2, toolTemplate = true} -> {baseUrl, port, stop()}.
 * Rejects after 120 s without a healthy server (with the log's tail).
 */
async function startLlamaServer({ context = 4096, parallel = 2, threads = 2, toolTemplate = true } = {}) {
  if (!available()) throw new Error(`llama-server or the test model is missing (${binary}, ${model}): run scripts/setup`)
  const port = await freePort()
  const args = ['-m', model, '--host', '127.0.0.1', '--port', String(port), '-c', String(context), '-np',
    String(parallel), '-t', String(threads), '--jinja', '--no-webui']
  if (toolTemplate) args.push('--chat-template-file', path.join(repo, 'data', 'templates', 'gemma3-tools.jinja'))
  const logPath = path.join(os.tmpdir(), `alith-node-llama-server-${port}.log`)
  const log = fs.openSync(logPath, 'w')
  const child = spawn(binary, args, { stdio: ['ignore', log, log] })
  fs.closeSync(log)
  let exited = false
  // Never leave the server behind, even when the test process is killed by a signal.
  const killChild = () => child.kill('SIGKILL')
  const onSignal = (signal) => {
    killChild()
    process.exit(signal === 'SIGINT' ? 130 : 143)
  }
  process.on('exit', killChild)
  process.once('SIGTERM', onSignal)
  process.once('SIGINT', onSignal)
  child.on('exit', () => {
    exited = true
    process.removeListener('exit', killChild)
    process.removeListener('SIGTERM', onSignal)
    process.removeListener('SIGINT', onSignal)
  })
  const baseUrl = `http://127.0.0.1:${port}/v1`
  const stop = () =>
    new Promise((resolve) => {
      if (exited) return resolve()
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      child.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
      child.kill('SIGTERM')
    })
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    if (exited) break
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`)
      if (res.status === 200) return { baseUrl, port, stop, logPath }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  await stop()
  const tail = fs.readFileSync(logPath, 'utf8').split('\n').slice(-20).join('\n')
  throw new Error(`llama-server did not become healthy:\n${tail}`)
}

module.exports = { startLlamaServer, available, model, binary }
