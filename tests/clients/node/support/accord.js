'use strict'
// Starts an Accord server on a loopback port of the system's choosing (the server binds port 0
// and writes the port it got to a file) with a fresh SQLite file, and stops it.

const { spawn } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..')
const DEFAULT_BIN = path.join(REPO_ROOT, 'target', 'debug', 'accord')
const READY_TRIES = 100
const READY_PAUSE_MS = 100

function boundAddress(addressFile) {
  try {
    return fs.readFileSync(addressFile, 'utf8').trim() || null
  } catch {
    return null
  }
}

async function ready(url) {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) })
    return response.status === 200
  } catch {
    return false
  }
}

async function startAccord() {
  const binary = process.env.ACCORD_BIN || DEFAULT_BIN
  if (!fs.existsSync(binary)) {
    throw new Error(`accord binary not found at ${binary}; run \`cargo build --bin accord\` first`)
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-node-'))
  const database = path.join(dir, 'accord.db')
  const addressFile = path.join(dir, 'address')
  const log = []
  const child = spawn(
    binary,
    [
      'serve',
      '--listen',
      '127.0.0.1:0',
      '--address-file',
      addressFile,
      '--database-url',
      `sqlite://${database}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
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
  for (let i = 0; i < READY_TRIES; i++) {
    if (exited !== null) {
      await stop()
      throw new Error(`accord exited with ${exited}:\n${Buffer.concat(log).toString()}`)
    }
    const address = boundAddress(addressFile)
    url = address && `http://${address}`
    if (url && (await ready(url))) {
      return { url, stop }
    }
    await new Promise(resolve => setTimeout(resolve, READY_PAUSE_MS))
  }
  await stop()
  throw new Error(`accord did not become ready at ${url}:\n${Buffer.concat(log).toString()}`)
}

module.exports = { startAccord }
