// Building the page: elements from data (never HTML from strings, so nothing the API returns
// can inject markup), links, and the pieces every view shares: loading, errors, empty states.

/** Creates an element with attributes (`on*` are listeners) and children (nodes or text). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue
    if (key === 'class') el.className = value
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value)
    else if (value === true) el.setAttribute(key, '')
    else el.setAttribute(key, String(value))
  }
  append(el, children)
  return el
}

/** Appends nodes or text to `el`, skipping null, undefined and false. */
export function append(el, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue
    el.append(child instanceof Node ? child : String(child))
  }
  return el
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren()
  return append(el, children)
}

/** The hash route of a view, with its parameters encoded. */
export const href = {
  streams: query => '#/streams' + queryString(query),
  stream: (subject, version) =>
    `#/streams/${enc(subject)}` + (version ? `/versions/${version}` : ''),
  diff: (subject, from, to) => `#/streams/${enc(subject)}/diff/${from}/${to}`,
  check: subject => '#/check' + queryString({ stream: subject }),
  services: () => '#/services',
  service: name => `#/services/${enc(name)}`,
  teams: () => '#/teams',
  team: name => `#/teams/${enc(name)}`,
  audit: query => '#/audit' + queryString(query),
  drift: query => '#/drift' + queryString(query),
  proposals: () => '#/proposals',
  proposal: id => `#/proposals/${enc(id)}`,
  subscriptions: () => '#/subscriptions',
}

function enc(part) {
  return encodeURIComponent(part)
}

/** Returns `?a=b` for the non-empty values of `query`, or an empty string. */
export function queryString(query) {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, value)
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

/** A link to a view. */
export function link(to, ...children) {
  return h('a', { href: to }, children)
}

/** A loading indicator, announced to screen readers. */
export function loading(what = 'Loading…') {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), what)
}

/** An error box with the API's message. */
export function errorBox(error, doing) {
  const details = []
  if (error && error.status) details.push(`HTTP ${error.status}`)
  if (error && error.code) details.push(`error code ${error.code}`)
  return h('div', { class: 'notice notice-error', role: 'alert' },
    h('p', null, h('strong', null, doing ? `Could not ${doing}. ` : 'Something went wrong. '),
      (error && error.message) || String(error)),
    details.length ? h('p', { class: 'muted small' }, details.join(' · ')) : null)
}

/** An empty state: what is missing and, optionally, what to do about it. */
export function empty(title, ...hint) {
  return h('div', { class: 'empty' }, h('p', { class: 'empty-title' }, title),
    hint.length ? h('p', { class: 'muted' }, hint) : null)
}

/** A small label, e.g. a format or a compatibility level. */
export function badge(text, kind = '') {
  return h('span', { class: `badge ${kind}`.trim() }, text)
}

const FORMAT_NAMES = { AVRO: 'Avro', PROTOBUF: 'Protobuf', JSON: 'JSON Schema' }

/** The display name of a schema type (`schemaType` is absent for Avro). */
export function formatName(schemaType) {
  return FORMAT_NAMES[schemaType || 'AVRO'] || schemaType
}

/** A format badge. */
export function formatBadge(schemaType) {
  const type = schemaType || 'AVRO'
  return badge(formatName(type), `format-${type.toLowerCase()}`)
}

/** A compatibility-level badge. */
export function levelBadge(level) {
  return level ? badge(level, level === 'NONE' ? 'level-none' : 'level') : null
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const UNITS = [['year', 31536000], ['month', 2592000], ['week', 604800], ['day', 86400],
  ['hour', 3600], ['minute', 60], ['second', 1]]

/** A `<time>` showing how long ago `iso` was, with the exact time as its tooltip. */
export function timeAgo(iso) {
  if (!iso) return h('span', { class: 'muted' }, '—')
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return h('span', null, iso)
  return h('time', { datetime: iso, title: absolute.format(date) }, ago(date))
}

function ago(date) {
  const seconds = (date.getTime() - Date.now()) / 1000
  if (Math.abs(seconds) < 45) return 'just now'
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit)
  }
  return 'just now'
}

/** The exact time, for timelines. */
export function exactTime(iso) {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return h('span', null, iso)
  return h('time', { datetime: iso, title: ago(date) }, absolute.format(date))
}

/** A team's contacts: emails and URLs as links, the rest as text. */
export function contactList(contacts) {
  if (!contacts || contacts.length === 0) return h('span', { class: 'muted' }, 'no contacts')
  return h('ul', { class: 'contacts' }, contacts.map(contact => h('li', null,
    h('span', { class: 'contact-kind' }, contact.kind), ' ', contactValue(contact))))
}

function contactValue({ kind, value }) {
  if (kind === 'email') return h('a', { href: `mailto:${value}` }, value)
  if (kind === 'url' && /^https?:\/\//i.test(value)) {
    return h('a', { href: value, rel: 'noreferrer noopener', target: '_blank' }, value)
  }
  return h('span', null, value)
}

/** A page heading with an optional line under it. */
export function pageHeader(title, subtitle, ...actions) {
  return h('div', { class: 'page-header' },
    h('div', null, h('h1', null, title), subtitle ? h('p', { class: 'muted subtitle' }, subtitle) : null),
    actions.length ? h('div', { class: 'page-actions' }, actions) : null)
}

/** A titled section. */
export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', null, title), children)
}

/** Runs `task` over `items` with at most `limit` at once, keeping the order of the results. */
export async function mapLimit(items, limit, task) {
  const results = new Array(items.length)
  let next = 0
  async function worker() {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index], index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/** Tells screen readers about something that changed without a page load. */
export function announce(message) {
  const announcer = document.getElementById('announcer')
  if (announcer) announcer.textContent = message
}
