// Audit: the audit log as a timeline, newest first, filtered by stream, service, principal and
// time (the filters are the URL's query, so a filtered view can be shared), paged by cursor.
//
// And where the log's change events go: the Subscriptions view, the webhook subscriptions the
// signed-in principal manages (GET /governance/webhooks: every one for the admin, its team's for
// a service), with each one's receiver, filters and whether its deliveries are failing — given up
// after days of failures (`failing`), or failing now (`attempts` at the event at the head of its
// queue). (A module of its own, but the server serves only the files src/http/ui.rs lists.)

import { api } from './api.js'
import {
  append, badge, empty, errorBox, exactTime, h, href, link, loading, pageHeader, queryString, replace,
  section, timeAgo,
} from './dom.js'

const PAGE = 50
const FILTERS = [
  ['subject', 'Stream', 'orders-value'],
  ['service', 'Service', 'billing'],
  ['principal', 'Principal', 'admin'],
]

/** The Audit view. */
export async function auditView(el, query) {
  document.title = 'Audit · Accord'
  const subtitle = 'Every change: registrations, deletions, settings, teams, services, credentials and grants.'
  const inputs = {}
  const fields = FILTERS.map(([key, label, placeholder]) => {
    inputs[key] = h('input', { id: `audit-${key}`, name: key, value: query.get(key) || '', placeholder, spellcheck: 'false', autocomplete: 'off' })
    return h('div', { class: 'field' }, h('label', { for: `audit-${key}` }, label), inputs[key])
  })
  const since = h('input', { id: 'audit-since', name: 'since', type: 'datetime-local', value: localValue(query.get('since')) })
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter the audit log', onsubmit: event => {
    event.preventDefault()
    const next = {}
    for (const [key] of FILTERS) next[key] = inputs[key].value.trim()
    if (since.value) next.since = new Date(since.value).toISOString()
    location.hash = href.audit(next)
  } },
  fields,
  h('div', { class: 'field' }, h('label', { for: 'audit-since' }, 'Since'), since),
  h('div', { class: 'field field-button' }, h('button', { type: 'submit', class: 'button' }, 'Filter')))
  const list = h('ol', { class: 'timeline audit', 'aria-label': 'Audit log, newest first' })
  const more = h('div', { class: 'more' })
  append(el, pageHeader('Audit', subtitle), form, list, more)

  const params = {}
  for (const key of ['subject', 'service', 'principal', 'since']) params[key] = query.get(key) || ''
  const loadPage = async cursor => {
    replace(more, loading(cursor ? 'Loading older entries…' : 'Loading the audit log…'))
    let page
    try {
      page = await api('/governance/audit' + queryString({ ...params, limit: PAGE, cursor }))
    } catch (error) {
      if (error.status === 401) throw error
      replace(more, errorBox(error, 'read the audit log'),
        error.status === 403 ? h('p', { class: 'muted' },
          'A service may read the audit entries of the streams it produces.') : null)
      return
    }
    append(list, page.entries.map(entry))
    if (!cursor && page.entries.length === 0) {
      replace(more, empty(Object.values(params).some(Boolean)
        ? 'No audit entry matches these filters.' : 'The audit log is empty.'))
    } else if (page.next) {
      replace(more, h('button', { type: 'button', class: 'button', onclick: () => loadPage(page.next) }, 'Load older entries'))
    } else {
      replace(more, h('p', { class: 'muted small end' }, 'The beginning of the log.'))
    }
  }
  await loadPage(null)
}

function localValue(iso) {
  if (!iso) return ''
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000)
  return local.toISOString().slice(0, 16)
}

function entry(record) {
  return h('li', { class: `audit-entry action-${record.action.split('.')[0]}` },
    h('div', { class: 'tl-head' }, exactTime(record.at), ' ',
      h('span', null, h('strong', null, record.principal), ' ', describe(record))),
    details(record))
}

/** Says what happened in words, linking the stream and service involved. */
function describe(record) {
  const stream = record.subject ? link(href.stream(record.subject, record.version), record.subject) : null
  const service = record.service ? link(href.service(record.service), record.service) : null
  const d = record.details || {}
  switch (record.action) {
    case 'schema.registered':
      return ['registered ', stream, ` v${record.version}`, d.id ? h('span', { class: 'muted' }, ` (schema id ${d.id})`) : null]
    case 'producer.claimed':
      return ['became the producer of ', stream]
    case 'producer.assigned':
      return ['made ', service, ' the producer of ', stream]
    case 'version.deleted':
      return ['deleted ', stream, ` v${record.version}`]
    case 'subject.deleted':
      return ['deleted the stream ', stream || record.subject]
    case 'config.deleted':
      return ['reset the compatibility of ', stream || 'the registry']
    case 'mode.changed':
      return ['set the mode of ', stream || 'the registry', d.mode ? ` to ${d.mode}` : '']
    case 'team.created':
      return ['created the team ', teamOf(d)]
    case 'team.updated':
      return ['updated the team ', teamOf(d)]
    case 'team.deleted':
      return ['deleted the team ', teamOf(d)]
    case 'service.created':
      return ['created the service ', service]
    case 'service.updated':
      return ['updated the service ', service]
    case 'service.deleted':
      return ['deleted the service ', service]
    case 'credential.issued':
      return ['issued a credential to ', service]
    case 'credential.revoked':
      return ['revoked a credential of ', service]
    case 'consumer.granted':
      return ['granted ', service, ' read access to ', stream]
    case 'consumer.revoked':
      return ['revoked the read access of ', service, ' to ', stream]
    case 'config.changed':
      return ['set the compatibility of ', stream || 'the registry', d.compatibility ? ` to ${d.compatibility}` : '']
    default:
      return [h('code', null, record.action), stream ? [' ', stream] : null,
        record.version !== null && record.version !== undefined ? ` v${record.version}` : '',
        service ? [' ', service] : null]
  }
}

function teamOf(details) {
  return details.name || details.team ? link(href.team(details.name || details.team), details.name || details.team) : 'a team'
}

function details(record) {
  const d = record.details || {}
  const said = new Set([record.service, record.subject, d.compatibility, d.mode,
    record.action.startsWith('team.') ? d.team || d.name : undefined,
    record.action === 'schema.registered' ? d.id : undefined].filter(v => v !== undefined && v !== null))
  const entries = Object.entries(d).filter(([, v]) => v !== null && v !== undefined && v !== '' && !said.has(v))
  if (entries.length === 0) return null
  return h('dl', { class: 'details small muted' }, entries.map(([key, value]) => [
    h('dt', null, key), h('dd', null, detailText(value))]))
}

function detailText(value) {
  if (Array.isArray(value) && value.every(v => v && v.kind && v.value)) {
    return value.map(v => `${v.kind} ${v.value}`).join(', ')
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

// Subscriptions

/** The Subscriptions view. */
export async function subscriptionsView(el) {
  document.title = 'Subscriptions · Accord'
  const header = pageHeader('Subscriptions',
    'Webhooks that receive the change events: where each delivers, which events, and whether deliveries fail.',
    h('button', { type: 'button', class: 'button', onclick: () => window.dispatchEvent(new HashChangeEvent('hashchange')) }, 'Refresh'))
  append(el, header, loading('Loading the subscriptions…'))
  let list
  try {
    list = await api('/governance/webhooks')
  } catch (error) {
    if (error.status === 401) throw error
    replace(el, header, errorBox(error, 'list the subscriptions'))
    return
  }
  const webhooks = list.webhooks
  if (webhooks.length === 0) {
    replace(el, header, empty('No subscriptions.',
      'Subscribe a receiver with ', h('code', null, 'POST /governance/webhooks'), ' (see the API\'s Events).'))
    return
  }
  const failing = webhooks.filter(isFailing).length
  const title = 'Subscriptions'
  replace(el, header,
    section(`${title} (${webhooks.length})`,
      h('p', { class: 'muted small summary' }, failing ? `${failing} failing` : 'All delivering.'),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table cards-on-phone', 'aria-label': title },
        h('thead', null, h('tr', null, ['Receiver', 'Events', 'Streams', 'Team', 'Deliveries', 'Created']
          .map(name => h('th', { scope: 'col' }, name)))),
        h('tbody', null, webhooks.map(row))))))
}

/** Whether a subscription's deliveries fail: given up, or retrying the event at its head. */
export function isFailing(webhook) {
  return Boolean(webhook.failing) || webhook.attempts > 0
}

function row(w) {
  const all = h('span', { class: 'muted' }, 'all')
  return h('tr', { class: isFailing(w) ? 'failing' : null },
    h('th', { scope: 'row', 'data-label': 'Receiver' }, h('code', { class: 'url' }, w.url),
      h('p', { class: 'muted small' }, `id ${w.id}`)),
    h('td', { 'data-label': 'Events' }, w.events && w.events.length ? codes(w.events) : all),
    h('td', { 'data-label': 'Streams' },
      w.follow === 'consumed' ? h('span', null, 'what the team consumes') : w.subjects && w.subjects.length ? codes(w.subjects) : all),
    h('td', { 'data-label': 'Team' }, w.team ? link(href.team(w.team), w.team) : h('span', { class: 'muted' }, 'none')),
    h('td', { 'data-label': 'Deliveries' }, deliveries(w)),
    h('td', { 'data-label': 'Created' }, timeAgo(w.created_at), h('p', { class: 'muted small' }, `by ${w.created_by}`)))
}

function codes(items) {
  return h('ul', { class: 'plain-list' }, items.map(item => h('li', null, h('code', null, item))))
}

function deliveries(w) {
  if (w.failing) {
    return h('div', null, badge('failing', 'badge-fail'),
      h('p', { class: 'muted small' }, 'Given up after days of failures; updating the subscription starts it again.'))
  }
  if (w.attempts > 0) {
    return h('div', null, badge('failing', 'badge-fail'),
      h('p', { class: 'muted small' }, `${w.attempts} failed attempt${w.attempts === 1 ? '' : 's'} at the next event; retrying.`))
  }
  return badge('ok', 'badge-ok')
}
