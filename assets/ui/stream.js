// A stream: its versions as a timeline, the chosen version's schema, its producer, its
// declared consumers beside the services seen reading it (last read, versions in use,
// undeclared readers flagged, silent consumers greyed), references out and in, the version's
// generated code and sample messages, and a way to compare two versions. The page follows the stream's change events and redraws itself when
// one happens (a new version, a proposal), without a reload.

import { api, feedHead, follow, optional, seg } from './api.js'
import {
  announce, append, badge, contactList, empty, errorBox, formatBadge, h, href, levelBadge, link,
  loading, mapLimit, replace, section, timeAgo,
} from './dom.js'
import { schemaBlock } from './schema.js'
import { streamProposals } from './check.js'
import { codeSection, codeState } from './codegen.js'

/** The stream view, showing `version` (the latest when null). */
export async function streamView(el, subject, version) {
  document.title = `${subject} · Accord`
  append(el, h('h1', { class: 'subject-title' }, subject), loading('Loading the stream…'))
  // Where the feed stands before the stream is read: following from there sees every change
  // the page may not show. A credential that may not read the feed gets a page that stays put.
  const after = await feedHead({ subject }).catch(error => {
    if (error.status === 401) throw error
    return null
  })
  // The code card's language, file and fetched files outlive a redraw of the same version.
  const code = codeState()
  if (!(await renderStream(el, subject, version, code)) || after === null) return
  // Redraw on each change event of the stream; events that come while redrawing are folded
  // into one more redraw after it.
  let drawing = false
  let again = false
  const redraw = async event => {
    if (drawing) {
      again = true
      return
    }
    drawing = true
    do {
      again = false
      // Draw off screen, then swap, so the page does not flash a loading state.
      const next = h('div')
      const drawn = await renderStream(next, subject, version, code).catch(() => false)
      if (!el.isConnected) return follower.stop()
      if (drawn) el.replaceChildren(...next.childNodes)
    } while (again)
    drawing = false
    if (event.type === 'dev.accord.schema.registered') {
      announce(`A new version of ${subject} was registered`)
    }
  }
  const follower = follow({ subject }, after, event => {
    if (!el.isConnected) follower.stop()
    else redraw(event)
  })
}

/** Draws the stream into `el`; returns false when it could not be read (the error is shown). */
async function renderStream(el, subject, version, code) {
  let versions, governance, chosen
  try {
    ;[versions, governance] = await Promise.all([
      api(`/subjects/${seg(subject)}/versions`),
      api(`/governance/subjects/${seg(subject)}`),
    ])
    chosen = await api(`/subjects/${seg(subject)}/versions/${version || 'latest'}`)
  } catch (error) {
    if (error.status === 401) throw error
    replace(el, h('h1', { class: 'subject-title' }, subject),
      errorBox(error, version ? `show version ${version} of this stream` : 'show this stream'),
      h('p', null, link(href.streams(), 'Back to the streams')))
    return false
  }
  const [audit, referencedBy, readers, proposals] = await Promise.all([
    optional(`/governance/audit?subject=${seg(subject)}&limit=1000`),
    referencesIn(subject, chosen.version),
    optional(`/governance/subjects/${seg(subject)}/readers`),
    streamProposals(subject),
  ])
  const registered = new Map()
  for (const entry of (audit && audit.entries) || []) {
    if (entry.action === 'schema.registered' && entry.version !== null && !registered.has(entry.version)) {
      registered.set(entry.version, entry)
    }
  }
  const latest = versions[versions.length - 1]
  replace(el,
    header(subject, governance, chosen, latest),
    h('div', { class: 'stream-grid' },
      h('div', { class: 'stream-main' },
        proposals,
        versionsSection(subject, versions, chosen.version, registered, audit !== null),
        readersSection(governance.consumers, readers),
        schemaSection(subject, chosen, latest),
        codeSection(subject, chosen, code),
        referencesSection(chosen, referencedBy)),
      h('div', { class: 'stream-side' },
        producerSection(governance.producer),
        compareSection(subject, versions, chosen.version))))
  return true
}

function header(subject, governance, chosen, latest) {
  return h('div', { class: 'page-header' },
    h('div', null,
      h('p', { class: 'crumbs' }, link(href.streams(), 'Streams'), ' / '),
      h('h1', { class: 'subject-title' }, subject),
      h('p', { class: 'facts' }, formatBadge(chosen.schemaType), ' ',
        badge(`latest v${latest}`), ' ', levelBadge(governance.compatibilityLevel), ' ',
        governance.producer
          ? h('span', null, 'produced by ', link(href.service(governance.producer.service), governance.producer.service),
            ' (', link(href.team(governance.producer.team), governance.producer.team), ')')
          : h('span', { class: 'muted' }, 'no producer yet'))),
    h('div', { class: 'page-actions' },
      link(href.check(subject), h('span', { class: 'button button-primary' }, 'Check a change'))))
}

/** Returns the subjects and versions whose schemas reference this version. */
async function referencesIn(subject, version) {
  const ids = await optional(`/subjects/${seg(subject)}/versions/${version}/referencedby`, [])
  const users = await mapLimit(ids || [], 6, id => optional(`/schemas/ids/${id}/versions`, []))
  return users.flat()
}

function versionsSection(subject, versions, current, registered, auditReadable) {
  const items = [...versions].reverse().map(v => {
    const entry = registered.get(v)
    const isCurrent = v === current
    return h('li', { class: isCurrent ? 'current' : '' },
      h('div', { class: 'tl-head' },
        link(href.stream(subject, v), h('strong', null, `Version ${v}`)),
        isCurrent ? h('span', { class: 'sr-only' }, ' (shown)') : null,
        v === versions[versions.length - 1] ? badge('latest', 'badge-ok') : null),
      h('div', { class: 'tl-meta muted small' },
        entry ? ['registered ', timeAgo(entry.at), ' by ', entry.principal,
          entry.details && entry.details.id ? ` · schema id ${entry.details.id}` : ''] : null),
      v > versions[0]
        ? h('div', { class: 'tl-actions small' },
          link(href.diff(subject, previous(versions, v), v), `Diff with v${previous(versions, v)}`))
        : null)
  })
  return section('Versions',
    h('ol', { class: 'timeline', 'aria-label': 'Versions, newest first' }, items),
    auditReadable ? null : h('p', { class: 'muted small' }, 'Registration times come from the audit log, which your credential may not read.'))
}

function previous(versions, v) {
  return versions[versions.indexOf(v) - 1]
}

function schemaSection(subject, chosen, latest) {
  return h('section', { class: 'card' },
    h('div', { class: 'card-head' },
      h('h2', null, `Schema of version ${chosen.version}`),
      h('span', { class: 'muted small' }, `schema id ${chosen.id}`,
        chosen.version === latest ? ' · latest' : '')),
    schemaBlock(chosen.schema, chosen.schemaType, `Schema of ${subject} version ${chosen.version}`))
}

function referencesSection(chosen, referencedBy) {
  const out = chosen.references || []
  return section('References',
    h('h3', null, 'This version uses'),
    out.length
      ? h('ul', { class: 'plain-list' }, out.map(r => h('li', null,
        h('code', null, r.name), ' → ', link(href.stream(r.subject, r.version), `${r.subject} v${r.version}`))))
      : h('p', { class: 'muted' }, 'No references to other streams.'),
    h('h3', null, 'Used by'),
    referencedBy.length
      ? h('ul', { class: 'plain-list' }, referencedBy.map(r => h('li', null,
        link(href.stream(r.subject, r.version), `${r.subject} v${r.version}`))))
      : h('p', { class: 'muted' }, 'No schema references this version.'))
}

function producerSection(producer) {
  if (!producer) {
    return section('Producer', empty('No producer yet.',
      'The first service to register in a stream becomes its producer; the admin can assign one.'))
  }
  return section('Producer', h('div', { class: 'owner' },
    h('p', { class: 'owner-name' }, link(href.service(producer.service), producer.service)),
    h('p', null, 'team ', link(href.team(producer.team), producer.team)),
    contactList(producer.contacts)))
}

/** Days without a read after which a granted consumer is called silent (as `/governance/drift`). */
export const SILENT_DAYS = 30
const DAY = 86400000

/**
 * Returns the rows of the readers table: every granted consumer (with its contacts and who
 * granted it) joined with what `readers` shows of it, then the other services seen reading.
 * `readers` is null when the credential may not see observed reads; a consumer absent from it
 * has `observed: false` (unknown, never called silent).
 */
export function readerRows(consumers, readers, now = Date.now()) {
  const seen = new Map(((readers && readers.readers) || []).map(r => [r.service, r]))
  const rows = consumers.map(c => {
    const reader = seen.get(c.service)
    seen.delete(c.service)
    return { ...(reader || {}), ...c, kind: 'consumer', observed: Boolean(reader), reads: reader ? reader.reads : 0 }
  })
  for (const reader of seen.values()) {
    rows.push({ ...reader, kind: reader.declared ? 'producer' : 'undeclared', observed: true })
  }
  for (const row of rows) {
    row.silent = row.kind === 'consumer' && row.observed &&
      (!row.last_seen || now - new Date(row.last_seen).getTime() > SILENT_DAYS * DAY)
  }
  return rows
}

function count(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`
}

function readersSection(consumers, readers) {
  const title = 'Consumers and readers'
  const rows = readerRows(consumers, readers)
  const note = readers === null
    ? h('p', { class: 'muted small' }, 'Observed reads are not shown: your credential may not see who reads this stream.')
    : null
  if (rows.length === 0) {
    return section(title, empty('No consumers granted, and no service seen reading.',
      'The producer grants services read access with ', h('code', null, 'PUT /governance/subjects/{s}/consumers/{service}'), '.'),
    anonymousNote(readers), note)
  }
  const undeclared = rows.filter(r => r.kind === 'undeclared').length
  const silent = rows.filter(r => r.silent).length
  const summary = [count(consumers.length, 'declared consumer'),
    undeclared ? count(undeclared, 'undeclared reader') : null,
    silent ? `${silent} silent` : null].filter(Boolean).join(' · ')
  return section(title,
    h('p', { class: 'muted small summary' }, summary),
    h('div', { class: 'table-wrap' }, h('table', { class: 'table readers cards-on-phone', 'aria-label': title },
      h('thead', null, h('tr', null, ['Service', 'Team', 'Declared', 'Last read', 'Versions', 'Reads', 'Clients']
        .map(name => h('th', { scope: 'col', class: name === 'Reads' ? 'num' : null }, name)))),
      h('tbody', null, rows.map(readerRow)))),
    anonymousNote(readers), note)
}

function readerRow(row) {
  const unknown = () => h('span', { class: 'muted' }, 'not visible')
  return h('tr', { class: row.silent ? 'silent' : row.kind === 'undeclared' ? 'undeclared' : null },
    h('th', { scope: 'row', 'data-label': 'Service' }, link(href.service(row.service), row.service)),
    h('td', { 'data-label': 'Team' },
      row.team ? link(href.team(row.team), row.team) : h('span', { class: 'muted' }, 'unknown'),
      row.contacts ? contactList(row.contacts) : null),
    h('td', { 'data-label': 'Declared' }, declaredCell(row)),
    h('td', { 'data-label': 'Last read' }, !row.observed ? unknown()
      : row.last_seen ? timeAgo(row.last_seen) : h('span', { class: 'muted' }, 'never')),
    h('td', { 'data-label': 'Versions' }, !row.observed ? unknown()
      : row.versions && row.versions.length ? row.versions.map(v => `v${v}`).join(', ') : h('span', { class: 'muted' }, 'none')),
    h('td', { 'data-label': 'Reads', class: 'num' }, row.observed ? String(row.reads) : unknown()),
    h('td', { 'data-label': 'Clients' }, !row.observed ? unknown()
      : row.clients && row.clients.length
        ? h('ul', { class: 'plain-list' }, row.clients.map(c => h('li', null, h('code', null, c))))
        : h('span', { class: 'muted' }, 'none')))
}

function declaredCell(row) {
  if (row.kind === 'undeclared') {
    return h('div', null, badge('undeclared', 'badge-warn'),
      h('p', { class: 'muted small' }, 'reads without a grant'))
  }
  if (row.kind === 'producer') return badge('producer', 'badge-ok')
  return h('div', null, badge('consumer'),
    row.silent ? [' ', h('span', { class: 'badge badge-silent', title: `No read in the last ${SILENT_DAYS} days` }, 'silent')] : null,
    h('p', { class: 'muted small' }, 'granted by ', row.granted_by, ', ', timeAgo(row.granted_at)))
}

function anonymousNote(readers) {
  const anonymous = readers && readers.anonymous
  if (!anonymous || !anonymous.reads) return null
  return h('p', { class: 'muted small anonymous' },
    `${count(anonymous.reads, 'read')} without a credential, the last `, timeAgo(anonymous.last_seen), '.')
}

function compareSection(subject, versions, current) {
  if (versions.length < 2) {
    return section('Compare versions', h('p', { class: 'muted' }, 'There is only one version: nothing to compare yet.'))
  }
  const options = selected => versions.map(v => h('option', { value: v, selected: v === selected }, `v${v}`))
  const older = current === versions[0] ? versions[0] : previous(versions, current)
  const newer = current === versions[0] ? versions[1] : current
  const from = h('select', { id: 'diff-from', name: 'from' }, options(older))
  const to = h('select', { id: 'diff-to', name: 'to' }, options(newer))
  return section('Compare versions',
    h('form', { class: 'compare', onsubmit: event => {
      event.preventDefault()
      location.hash = href.diff(subject, from.value, to.value)
    } },
    h('div', { class: 'field' }, h('label', { for: 'diff-from' }, 'From'), from),
    h('div', { class: 'field' }, h('label', { for: 'diff-to' }, 'To'), to),
    h('button', { type: 'submit', class: 'button' }, 'Show the diff')))
}
