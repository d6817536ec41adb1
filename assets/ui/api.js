// The JSON API, as the UI calls it: same origin, the session's credential as the Authorization
// header, and errors carrying the API's `message`; files it makes (a zip) are fetched the same
// way. The credential lives only in sessionStorage, so it is gone when the browser tab closes.
//
// Also the live feed: following the change events (GET /governance/events as Server-Sent
// Events) so a page can update without reloading. EventSource cannot send the Authorization
// header, so the stream is read with fetch() and parsed here; after an error it reconnects with
// the last id it saw as `Last-Event-ID`, and it stops when the page it serves is left
// (`stopFollowing`). (A module of its own, but the server serves only the files
// src/http/ui.rs lists.)

import { queryString } from './dom.js'

const AUTHORIZATION = 'accord.authorization'
const PRINCIPAL = 'accord.principal'

/** An error answered by the API (or a failure to reach it, with status 0). */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }
}

/** The signed-in credential of this browser tab. */
export const session = {
  get authorization() {
    return sessionStorage.getItem(AUTHORIZATION)
  },
  /** Who is signed in, for display: `admin` or a service name. */
  get principal() {
    return sessionStorage.getItem(PRINCIPAL)
  },
  signIn(authorization, principal) {
    sessionStorage.setItem(AUTHORIZATION, authorization)
    sessionStorage.setItem(PRINCIPAL, principal)
  },
  signOut() {
    sessionStorage.removeItem(AUTHORIZATION)
    sessionStorage.removeItem(PRINCIPAL)
  },
}

/** Returns the Authorization header value for the admin token. */
export function bearer(token) {
  return `Bearer ${token}`
}

/** Returns the Authorization header value for a service's name and secret (HTTP Basic). */
export function basic(service, secret) {
  const bytes = new TextEncoder().encode(`${service}:${secret}`)
  return `Basic ${btoa(String.fromCharCode(...bytes))}`
}

let unauthorized = () => {}

/** Sets what happens when the API refuses the credential (HTTP 401). */
export function onUnauthorized(handler) {
  unauthorized = handler
}

/**
 * Calls the API and returns the parsed JSON body.
 *
 * `authorization` overrides the session's credential (to test one before keeping it). A 401
 * calls the unauthorized handler unless `quiet` is set; every failure throws an `ApiError`.
 */
export async function api(path, { method = 'GET', body, authorization, quiet = false } = {}) {
  const response = await send(path, { method, body, authorization, quiet, accept: 'application/json' })
  return parse(await response.text())
}

/**
 * Fetches a file the API makes (a zip of generated code) with the session's credential, and
 * returns `{blob, filename}`, the name from its Content-Disposition. Failures throw an
 * `ApiError` with the API's message, as `api` does.
 */
export async function download(path, { accept = 'application/octet-stream' } = {}) {
  const response = await send(path, { method: 'GET', accept })
  const disposition = response.headers.get('Content-Disposition') || ''
  const named = /filename="([^"]+)"/.exec(disposition)
  return { blob: await response.blob(), filename: named ? named[1] : null }
}

/** Sends one request; returns the response when it is a success, else throws an `ApiError`. */
async function send(path, { method, body, authorization, quiet = false, accept }) {
  const headers = { Accept: accept }
  const credential = authorization === undefined ? session.authorization : authorization
  if (credential) headers.Authorization = credential
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  let response
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    })
  } catch (error) {
    throw new ApiError(0, null, `The server did not answer: ${error.message}`)
  }
  if (response.ok) return response
  const data = parse(await response.text())
  const message = data && typeof data === 'object' && data.message
    ? data.message
    : `The server answered HTTP ${response.status}`
  const error = new ApiError(response.status, data && data.error_code, message)
  if (response.status === 401 && !quiet) unauthorized(error)
  throw error
}

/** Returns `text` parsed as JSON, the text itself when it is not JSON, or null when empty. */
function parse(text) {
  try {
    return text ? JSON.parse(text) : null
  } catch {
    return text
  }
}

/** Returns `api(path)`, or `fallback` when the call fails for any reason but a refused credential. */
export async function optional(path, fallback = null) {
  try {
    return await api(path)
  } catch (error) {
    if (error.status === 401) throw error
    return fallback
  }
}

/** A path segment, encoded. */
export function seg(part) {
  return encodeURIComponent(part)
}

// The live feed

/** The followers of the page on screen; app.js stops them all when the route changes. */
const followers = new Set()

/** Stops every follower, as the page they serve is being left. */
export function stopFollowing() {
  for (const follower of followers) follower.stop()
}

const RETRY_MS = [500, 1000, 2000, 5000, 10000]

/**
 * Calls `onEvent(cloudEvent)` for each event matching `filters` (`subject`, `type`) after the
 * event `after` (an id from `feedHead`), until the returned `stop()` is called or the page is
 * left.
 */
export function follow(filters, after, onEvent) {
  const controller = new AbortController()
  let lastId = null
  let failures = 0
  const follower = {
    stop() {
      followers.delete(follower)
      controller.abort()
    },
  }
  followers.add(follower)
  const run = async () => {
    lastId = String(after)
    while (!controller.signal.aborted) {
      try {
        await read(filters, lastId, controller.signal, event => {
          failures = 0
          if (event.id) lastId = event.id
          let data = null
          try {
            data = JSON.parse(event.data)
          } catch {
            return
          }
          onEvent(data)
        })
      } catch (error) {
        if (controller.signal.aborted) return
        if (error.status === 401 || error.status === 403) {
          // The credential may not follow the feed: the page simply stays as it is.
          follower.stop()
          return
        }
      }
      if (controller.signal.aborted) return
      const wait = RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)]
      await new Promise(resolve => setTimeout(resolve, wait))
    }
  }
  run().catch(() => follower.stop())
  return follower
}

/**
 * Returns the id of the last event matching `filters` so far, paging through the feed. A page
 * read after it shows every change up to it, so following from it misses none and repeats none.
 */
export async function feedHead(filters) {
  let after = 0
  for (;;) {
    const page = await api('/governance/events' + queryString({ ...filters, after, limit: 500 }))
    if (page.next === after) return String(after)
    after = page.next
  }
}

/** Reads one connection of the stream, calling `onMessage({id, event, data})` for each message. */
async function read(filters, lastId, signal, onMessage) {
  const headers = { Accept: 'text/event-stream' }
  if (session.authorization) headers.Authorization = session.authorization
  if (lastId !== null) headers['Last-Event-ID'] = lastId
  const response = await fetch('/governance/events' + queryString(filters), {
    headers, signal, cache: 'no-store', credentials: 'omit',
  })
  if (!response.ok) {
    const error = new Error(`The event feed answered HTTP ${response.status}`)
    error.status = response.status
    throw error
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  let message = { id: null, event: null, data: [] }
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += value
    const lines = buffer.split(/\r\n|\r|\n/)
    // The last piece may be a line cut in two: keep it for the next chunk.
    buffer = lines.pop()
    for (const line of lines) {
      if (line === '') {
        if (message.data.length) onMessage({ id: message.id, event: message.event, data: message.data.join('\n') })
        message = { id: null, event: null, data: [] }
        continue
      }
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'data') message.data.push(text)
      else if (field === 'id') message.id = text
      else if (field === 'event') message.event = text
    }
  }
}
