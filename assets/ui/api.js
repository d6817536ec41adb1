// The JSON API, as the UI calls it: same origin, the session's credential as the Authorization
// header, and errors carrying the API's `message`. The credential lives only in sessionStorage,
// so it is gone when the browser tab closes.

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
  const headers = { Accept: 'application/json' }
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
  const text = await response.text()
  let data = null
  try {
    data = text ? JSON.parse(text) : null
  } catch {
    data = text
  }
  if (!response.ok) {
    const message = data && typeof data === 'object' && data.message
      ? data.message
      : `The server answered HTTP ${response.status}`
    const error = new ApiError(response.status, data && data.error_code, message)
    if (response.status === 401 && !quiet) unauthorized(error)
    throw error
  }
  return data
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
