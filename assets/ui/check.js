// Check a change: paste or upload a candidate schema for a stream and see, before registering
// it, whether it is compatible, and which consumers, teams and contacts a breaking change would
// affect — the granted consumers and, flagged, the services seen reading it without a grant
// (POST /governance/subjects/{s}/impact; nothing is stored).

import { api, seg } from './api.js'
import {
  announce, append, badge, contactList, empty, errorBox, h, href, levelBadge, link, loading, pageHeader,
  replace, timeAgo,
} from './dom.js'
import { changeItem } from './diff.js'
import { parseMessages, pretty } from './schema.js'
import { proposeForm } from './proposals.js'

const TYPES = [['AVRO', 'Avro'], ['PROTOBUF', 'Protobuf'], ['JSON', 'JSON Schema']]

/** The Check a change view; `?stream=` preselects the stream. */
export async function checkView(el, query) {
  document.title = 'Check a change · Accord'
  const header = pageHeader('Check a change',
    'Would a new schema break the stream\'s consumers? Find out before registering it; nothing is stored.')
  append(el, header, loading('Loading streams…'))
  let subjects
  try {
    subjects = await api('/subjects')
  } catch (error) {
    if (error.status === 401) throw error
    replace(el, header, errorBox(error, 'list the streams'))
    return
  }
  if (subjects.length === 0) {
    replace(el, header, empty('No streams yet.', 'A first version is always compatible: register it directly.'))
    return
  }
  const wanted = query.get('stream')
  const initial = subjects.includes(wanted) ? wanted : subjects[0]
  const stream = h('select', { id: 'check-stream', name: 'stream' },
    subjects.map(s => h('option', { value: s, selected: s === initial }, s)))
  const type = h('select', { id: 'check-type', name: 'schemaType' },
    TYPES.map(([value, label]) => h('option', { value }, label)))
  const schema = h('textarea', {
    id: 'check-schema', name: 'schema', rows: 16, spellcheck: 'false', autocomplete: 'off',
    required: true, 'aria-describedby': 'check-schema-hint',
  })
  const file = h('input', { id: 'check-file', type: 'file', accept: '.avsc,.json,.proto,.txt,application/json,text/plain' })
  const latestInfo = h('p', { class: 'muted small', id: 'check-schema-hint' })
  const result = h('div', { class: 'check-result', 'aria-live': 'polite' })
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Check compatibility')
  let latest = null

  const loadLatest = async () => {
    latest = null
    replace(latestInfo, 'Loading the latest version…')
    try {
      latest = await api(`/subjects/${seg(stream.value)}/versions/latest`)
      type.value = latest.schemaType || 'AVRO'
      const refs = latest.references || []
      replace(latestInfo, `Checked against ${stream.value} (latest: v${latest.version}). `,
        refs.length ? `The latest version's ${refs.length} reference${refs.length === 1 ? ' is' : 's are'} sent with the candidate. ` : '',
        h('button', { type: 'button', class: 'link-button', onclick: () => {
          schema.value = pretty(latest.schema, latest.schemaType).lines.join('\n')
          schema.focus()
        } }, `Start from v${latest.version}`))
    } catch (error) {
      if (error.status === 401) return
      replace(latestInfo, `The latest version could not be read: ${error.message}`)
    }
  }
  stream.addEventListener('change', () => {
    history.replaceState(null, '', href.check(stream.value))
    replace(result)
    loadLatest()
  })
  file.addEventListener('change', async () => {
    const chosen = file.files && file.files[0]
    if (!chosen) return
    schema.value = await chosen.text()
    if (/\.proto$/i.test(chosen.name)) type.value = 'PROTOBUF'
    else if (/\.avsc$/i.test(chosen.name)) type.value = 'AVRO'
    announce(`Loaded ${chosen.name}`)
  })

  const form = h('form', { class: 'card check-form', onsubmit: async event => {
    event.preventDefault()
    if (!schema.value.trim()) {
      replace(result, errorBox({ message: 'Paste or upload a schema first.' }, 'check'))
      schema.focus()
      return
    }
    submit.disabled = true
    replace(result, loading('Checking…'))
    try {
      const candidate = {
        schema: schema.value,
        schemaType: type.value,
        references: (latest && latest.references) || [],
      }
      const impact = await api(`/governance/subjects/${seg(stream.value)}/impact`, { method: 'POST', body: candidate })
      replace(result, verdict(stream.value, impact),
        impact.compatible ? null : proposeForm(stream.value, candidate, impact))
      announce(impact.compatible ? 'Compatible' : 'Breaking change')
    } catch (error) {
      if (error.status !== 401) replace(result, errorBox(error, 'check this schema'))
    } finally {
      submit.disabled = false
    }
  } },
  h('div', { class: 'form-row' },
    h('div', { class: 'field' }, h('label', { for: 'check-stream' }, 'Stream'), stream),
    h('div', { class: 'field' }, h('label', { for: 'check-type' }, 'Format'), type),
    h('div', { class: 'field' }, h('label', { for: 'check-file' }, 'Upload a file (optional)'), file)),
  h('div', { class: 'field' }, h('label', { for: 'check-schema' }, 'Candidate schema'), schema, latestInfo),
  h('div', { class: 'form-actions' }, submit))

  replace(el, header, form, result)
  await loadLatest()
}

function verdict(subject, impact) {
  const { changes } = parseMessages(impact.messages)
  if (impact.compatible) {
    return h('div', { class: 'notice notice-ok' },
      h('p', null, h('strong', null, 'Compatible. '),
        `Registering it in ${subject} breaks no consumer under `, levelBadge(impact.compatibilityLevel), '.'))
  }
  return h('div', { class: 'verdict' },
    h('div', { class: 'notice notice-error breaking' },
      h('p', null, h('strong', null, `Breaking: ${changes.length} change${changes.length === 1 ? '' : 's'} `),
        `the registry would refuse in ${subject} under `, levelBadge(impact.compatibilityLevel), '.'),
      h('ol', { class: 'changes' }, changes.map((change, i) => changeItem({ ...change, number: i + 1 })))),
    affectedSection(impact.affected, impact.undeclared || []))
}

/** The granted consumers and the undeclared readers a breaking change reaches, in one table. */
function affectedSection(affected, undeclared) {
  const total = affected.length + undeclared.length
  const label = 'Affected consumers and readers'
  const rows = [
    ...affected.map(a => ({ ...a, declared: true })),
    ...undeclared.map(u => ({ ...u, declared: false })),
  ]
  return h('section', { class: 'card affected' },
    h('h2', null, total ? `${label} (${total})` : label),
    undeclared.length
      ? h('p', { class: 'small' }, `${undeclared.length} of them ${undeclared.length === 1 ? 'reads' : 'read'} this stream without a grant: `,
        'they were seen reading, so the change reaches them, but no one declared them.')
      : null,
    total === 0
      ? h('p', { class: 'muted' }, 'No consumer is granted this stream and no other service was seen reading it, so no owner needs to hear about it; the change is still refused.')
      : h('table', { class: 'table cards-on-phone', 'aria-label': label },
        h('thead', null, h('tr', null, ['Service', 'Team', 'Declared', 'Last read', 'Contacts']
          .map(name => h('th', { scope: 'col' }, name)))),
        h('tbody', null, rows.map(a => h('tr', { class: a.declared ? null : 'undeclared' },
          h('th', { scope: 'row', 'data-label': 'Service' }, link(href.service(a.service), a.service)),
          h('td', { 'data-label': 'Team' }, link(href.team(a.team), a.team)),
          h('td', { 'data-label': 'Declared' }, a.declared ? badge('consumer') : badge('undeclared', 'badge-warn')),
          h('td', { 'data-label': 'Last read' }, a.declared ? h('span', { class: 'muted' }, '—') : timeAgo(a.last_seen)),
          h('td', { 'data-label': 'Contacts' }, contactList(a.contacts)))))))
}
