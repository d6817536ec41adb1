// Starts the real accord binary on a free loopback port with a fresh SQLite file, and stops it.

import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const DEFAULT_BIN = path.join(REPO_ROOT, 'target', 'debug', 'accord')

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

async function isReady(url) {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) })
    return response.status === 200
  } catch {
    return false
  }
}

/**
 * Starts accord; `adminToken` turns authentication on. Returns `{url, stop}`.
 */
export async function startAccord({ adminToken } = {}) {
  const binary = process.env.ACCORD_BIN || DEFAULT_BIN
  if (!fs.existsSync(binary)) {
    throw new Error(`accord binary not found at ${binary}; run \`cargo build --bin accord\` first`)
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-ui-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const args = ['serve', '--listen', `127.0.0.1:${port}`, '--database-url', `sqlite://${path.join(dir, 'accord.db')}`]
  if (adminToken) args.push('--admin-token', adminToken)
  const log = []
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout.on('data', chunk => log.push(chunk))
  child.stderr.on('data', chunk => log.push(chunk))
  let exited = null
  child.on('exit', code => {
    exited = code === null ? 'a signal' : `code ${code}`
  })
  const stop = async () => {
    if (exited === null) {
      const gone = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000)
      await gone
      clearTimeout(timer)
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }
  for (let i = 0; i < 150; i++) {
    if (exited !== null) {
      await stop()
      throw new Error(`accord exited with ${exited}:\n${Buffer.concat(log).toString()}`)
    }
    if (await isReady(url)) return { url, stop }
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  await stop()
  throw new Error(`accord did not become ready at ${url}:\n${Buffer.concat(log).toString()}`)
}
