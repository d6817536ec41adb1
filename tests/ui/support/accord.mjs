// Starts the real accord binary on a loopback port of the system's choosing (it binds port 0 and
// writes the port it got to a file) with a fresh SQLite file, and stops it.

import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const DEFAULT_BIN = path.join(REPO_ROOT, 'target', 'debug', 'accord')

function boundAddress(addressFile) {
  try {
    return fs.readFileSync(addressFile, 'utf8').trim() || null
  } catch {
    return null
  }
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
 * Starts accord; `adminToken` turns authentication on, `args` are more flags for `serve`.
 * Returns `{url, stop}`.
 */
export async function startAccord({ adminToken, args: extra = [] } = {}) {
  const binary = process.env.ACCORD_BIN || DEFAULT_BIN
  if (!fs.existsSync(binary)) {
    throw new Error(`accord binary not found at ${binary}; run \`cargo build --bin accord\` first`)
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-ui-'))
  const addressFile = path.join(dir, 'address')
  const args = [
    'serve',
    '--listen',
    '127.0.0.1:0',
    '--address-file',
    addressFile,
    '--database-url',
    `sqlite://${path.join(dir, 'accord.db')}`,
  ]
  if (adminToken) args.push('--admin-token', adminToken)
  args.push(...extra)
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
  let url = null
  for (let i = 0; i < 150; i++) {
    if (exited !== null) {
      await stop()
      throw new Error(`accord exited with ${exited}:\n${Buffer.concat(log).toString()}`)
    }
    const address = boundAddress(addressFile)
    url = address && `http://${address}`
    if (url && (await isReady(url))) return { url, stop }
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  await stop()
  throw new Error(`accord did not become ready at ${url}:\n${Buffer.concat(log).toString()}`)
}
