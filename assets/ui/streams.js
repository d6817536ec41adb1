// Streams: every subject the credential may read, with its format, latest version,
// compatibility level, producer and team, number of consumers and last change; filtered by
// name, team and format, with the filters kept in the URL.

import { api, optional, seg } from './api.js'
import {
  append, empty, errorBox, formatBadge, formatName, h, href, levelBadge, link, loading, mapLimit,
  pageHeader, replace, timeAgo,
} from './dom.js'

/** Loads what the Streams table shows about one subject; null when it may not be read. */
export async function streamSummary(subject) {
  try {
    const [governance, latest, audit] = await Promise.all([
      api(`/governance/subjects/${seg(subject)}`),
      api(`/subjects/${seg(subject)}/versions/latest`),
      optional(`/governance/audit?subject=${seg(subject)}&limit=1`),
    ])
    return {
      subject,
      format: latest.schemaType || 'AVRO',
      version: latest.version,
      level: governance.compatibilityLevel,
      producer: governance.producer,
      consumers: governance.consumers.length,
      changedAt: audit && audit.entries.length ? audit.entries[0].at : null,
      auditReadable: audit !== null,
    }
  } catch (error) {
    if (error.status === 403 || error.status === 404) return null
    throw error
  }
}

/** The Streams view. */
export async function streamsView(el, query) {
  document.title = 'Streams · Accord'
  append(el, pageHeader('Streams', 'Every subject, its contract and who depends on it.'),
    loading('Loading streams…'))
  let subjects
  try {
    subjects = await api('/subjects')
  } catch (error) {
    if (error.status === 401) throw error
    replace(el, pageHeader('Streams'), errorBox(error, 'list the streams'))
    return
  }
  if (subjects.length === 0) {
    replace(el, pageHeader('Streams', 'Every subject, its contract and who depends on it.'),
      empty('No streams yet.', 'A stream appears here when its first schema is registered: ',
        h('code', null, 'POST /subjects/{subject}/versions'), '.'))
    return
  }
  replace(el.querySelector('.loading'), h('span', { class: 'spinner', 'aria-hidden': 'true' }),
    `Loading ${subjects.length} stream${subjects.length === 1 ? '' : 's'}…`)
  const summaries = await mapLimit(subjects, 6, streamSummary)
  const streams = summaries.filter(Boolean)
  const hidden = subjects.length - streams.length
  renderStreams(el, streams, hidden, query)
}

function renderStreams(el, streams, hidden, query) {
  const teams = [...new Set(streams.map(s => s.producer && s.producer.team).filter(Boolean))].sort()
  const formats = [...new Set(streams.map(s => s.format))].sort()
  const filters = {
    q: query.get('q') || '',
    team: query.get('team') || '',
    format: query.get('format') || '',
  }
  const name = h('input', { id: 'filter-name', type: 'search', value: filters.q, placeholder: 'orders', autocomplete: 'off', spellcheck: 'false' })
  const team = h('select', { id: 'filter-team' }, h('option', { value: '' }, 'All teams'),
    teams.map(t => h('option', { value: t, selected: t === filters.team }, t)))
  const format = h('select', { id: 'filter-format' }, h('option', { value: '' }, 'All formats'),
    formats.map(f => h('option', { value: f, selected: f === filters.format }, formatName(f))))
  const count = h('p', { class: 'muted count', role: 'status' })
  const results = h('div')
  const showAuditColumn = streams.some(s => s.auditReadable)

  const update = () => {
    filters.q = name.value.trim()
    filters.team = team.value
    filters.format = format.value
    const shown = streams.filter(s =>
      (!filters.q || s.subject.toLowerCase().includes(filters.q.toLowerCase())) &&
      (!filters.team || (s.producer && s.producer.team === filters.team)) &&
      (!filters.format || s.format === filters.format))
    history.replaceState(null, '', href.streams(filters))
    count.textContent = `${shown.length} of ${streams.length} stream${streams.length === 1 ? '' : 's'}` +
      (hidden ? ` · ${hidden} more your credential may not read` : '')
    if (shown.length === 0) {
      replace(results, empty('No stream matches these filters.',
        h('button', { type: 'button', class: 'button button-small', onclick: () => {
          name.value = ''
          team.value = ''
          format.value = ''
          update()
          name.focus()
        } }, 'Clear the filters')))
      return
    }
    replace(results, streamsTable(shown, showAuditColumn))
  }
  name.addEventListener('input', update)
  team.addEventListener('change', update)
  format.addEventListener('change', update)

  replace(el,
    pageHeader('Streams', 'Every subject, its contract and who depends on it.',
      link(href.check(), h('span', { class: 'button' }, 'Check a change'))),
    h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter streams', onsubmit: e => e.preventDefault() },
      h('div', { class: 'field' }, h('label', { for: 'filter-name' }, 'Name'), name),
      h('div', { class: 'field' }, h('label', { for: 'filter-team' }, 'Producer team'), team),
      h('div', { class: 'field' }, h('label', { for: 'filter-format' }, 'Format'), format)),
    count, results)
  update()
}

function streamsTable(streams, showAuditColumn) {
  return h('table', { class: 'table cards-on-phone', 'aria-label': 'Streams' },
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, 'Stream'), h('th', { scope: 'col' }, 'Format'),
      h('th', { scope: 'col', class: 'num' }, 'Latest'), h('th', { scope: 'col' }, 'Compatibility'),
      h('th', { scope: 'col' }, 'Producer'), h('th', { scope: 'col', class: 'num' }, 'Consumers'),
      showAuditColumn ? h('th', { scope: 'col' }, 'Last change') : null)),
    h('tbody', null, streams.map(s => h('tr', null,
      h('th', { scope: 'row', 'data-label': 'Stream' }, link(href.stream(s.subject), h('span', { class: 'subject' }, s.subject))),
      h('td', { 'data-label': 'Format' }, formatBadge(s.format)),
      h('td', { 'data-label': 'Latest', class: 'num' }, link(href.stream(s.subject, s.version), `v${s.version}`)),
      h('td', { 'data-label': 'Compatibility' }, levelBadge(s.level)),
      h('td', { 'data-label': 'Producer' }, s.producer
        ? [link(href.service(s.producer.service), s.producer.service), h('span', { class: 'muted' }, ' · '),
            link(href.team(s.producer.team), s.producer.team)]
        : h('span', { class: 'muted' }, 'none')),
      h('td', { 'data-label': 'Consumers', class: 'num' }, String(s.consumers)),
      showAuditColumn ? h('td', { 'data-label': 'Last change' },
        s.auditReadable ? timeAgo(s.changedAt) : h('span', { class: 'muted', title: 'Your credential may not read this stream\'s audit log' }, '—')) : null))))
}
