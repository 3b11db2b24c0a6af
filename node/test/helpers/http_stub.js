'use strict'
// A tiny HTTP server on loopback that answers every request with what the test says (status, body, delay), for
// provider error mapping and timeouts.
const http = require('http')

function startStub(handler) {
  return new Promise((resolve) => {
    const sockets = new Set()
    const server = http.createServer((req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => handler(req, res, body))
    })
    server.on('connection', (s) => {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
    })
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      resolve({
        baseUrl: `http://127.0.0.1:${port}/v1`,
        close: () =>
          new Promise((r) => {
            for (const s of sockets) s.destroy()
            server.close(() => r())
          }),
      })
    })
  })
}

module.exports = { startStub }
