// Check a change: paste or upload a candidate schema for a stream and see, before registering
// it, whether it is compatible, and which consumers, teams and contacts a breaking change would
// affect — the granted consumers and, flagged, the services seen reading it without a grant
// (POST /governance/subjects/{s}/impact; nothing is stored) — and, when it breaks, propose it.
//
// Change proposals live here too, as the rest of that story: a breaking candidate the affected
// consumers answer before it lands (docs/proposals.md). The Proposals view (a signed-in
// service's inbox first, then the open proposals, then the decided ones), a proposal's page
// (the diff of the candidate against the subject's latest version, the breaking changes, each
// affected service and its answer, and the actions the signed-in principal may take), and the
// stream page's list of open proposals. (They would be a module of their own, but the server
// serves only the files src/http/ui.rs lists.)

import { api, optional, seg, session } from './api.js'
import {
  announce, append, badge, contactList, empty, errorBox, exactTime, formatBadge, h, href, levelBadge, link,
  loading, pageHeader, replace, section, timeAgo,
} from './dom.js'
import { changeItem, schemaDiff } from './diff.js'
import { parseMessages, pretty } from './schema.js'

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
  const warned = warnings(impact.warnings || [])
  if (impact.compatible) {
    return h('div', { class: 'verdict' },
      h('div', { class: 'notice notice-ok' },
        h('p', null, h('strong', null, 'Compatible. '),
          `Registering it in ${subject} breaks no consumer under `, levelBadge(impact.compatibilityLevel), '.')),
      warned)
  }
  return h('div', { class: 'verdict' },
    warned,
    h('div', { class: 'notice notice-error breaking' },
      h('p', null, h('strong', null, `Breaking: ${changes.length} change${changes.length === 1 ? '' : 's'} `),
        `the registry would refuse in ${subject} under `, levelBadge(impact.compatibilityLevel), '.'),
      h('ol', { class: 'changes' }, changes.map((change, i) => changeItem({ ...change, number: i + 1 })))),
    affectedSection(impact.affected, impact.undeclared || []))
}

/**
 * What the stricter checks found in a schema the registry accepts (an invalid default, a name
 * other languages refuse): worth fixing, never a reason the registry refuses it.
 */
function warnings(lines) {
  if (!lines.length) return null
  return h('div', { class: 'notice notice-warning warnings', role: 'note' },
    h('p', null, h('strong', null, `${lines.length} warning${lines.length === 1 ? '' : 's'}: `),
      'the registry accepts this schema, as Confluent does, but readers or code generators may not.'),
    h('ul', null, lines.map(line => h('li', null, line))))
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

// Change proposals

const UNDECIDED = ['open', 'approved']
const STATE_BADGE = {
  open: 'badge-warn', approved: 'badge-ok', applied: 'badge-ok', withdrawn: '', rejected: 'badge-error-soft',
}

/** A proposal's state as a badge. */
export function stateBadge(state) {
  return h('span', { class: `badge state state-${state} ${STATE_BADGE[state] || ''}`.trim() }, state)
}

/** The signed-in service, or null for the admin, for no credential, and with authentication off. */
function signedInService() {
  const who = session.authorization ? session.principal : null
  return who && who !== 'admin' ? who : null
}

/**
 * Whether the caller acts as the admin: the admin token, or authentication off (where the API
 * lets everyone do everything and the UI holds no credential).
 */
function actsAsAdmin() {
  return !session.authorization || session.principal === 'admin'
}

/** Returns the proposals awaiting `service`'s answer (its inbox). */
export async function inbox(service) {
  const list = await api(`/governance/proposals?awaiting=${seg(service)}`)
  return list.proposals
}

/** The Proposals view: the signed-in service's inbox, then the open proposals, then the decided. */
export async function proposalsView(el) {
  document.title = 'Proposals · Accord'
  const header = pageHeader('Proposals',
    'Breaking changes their producers proposed: each lands once every affected consumer is ready for it.')
  append(el, header, loading('Loading the proposals…'))
  const service = signedInService()
  let all, awaiting
  try {
    ;[all, awaiting] = await Promise.all([
      api('/governance/proposals'),
      service ? inbox(service) : Promise.resolve(null),
    ])
  } catch (error) {
    if (error.status === 401) throw error
    replace(el, header, errorBox(error, 'list the proposals'))
    return
  }
  const proposals = all.proposals
  const open = proposals.filter(p => UNDECIDED.includes(p.state))
  const decided = proposals.filter(p => !UNDECIDED.includes(p.state))
  replace(el, header,
    awaiting ? inboxSection(service, awaiting) : null,
    proposals.length === 0
      ? empty('No proposals yet.', 'When a breaking change is refused, check it under ',
        link(href.check(), 'Check a change'), ' and propose it to its consumers.')
      : [
        listSection(`Open (${open.length})`, 'Open proposals', open, 'No proposal is waiting for a decision.'),
        listSection(`Decided (${decided.length})`, 'Decided proposals', decided, 'No proposal was decided yet.'),
      ])
}

function inboxSection(service, awaiting) {
  const title = `Your inbox (${awaiting.length})`
  return h('section', { class: 'card inbox' },
    h('h2', null, title),
    awaiting.length === 0
      ? h('p', { class: 'muted' }, `No proposal is waiting for ${service}'s answer.`)
      : [
        h('p', { class: 'muted small' }, `Proposals that would affect ${service} and that it has not answered yet.`),
        proposalTable(awaiting, 'Your inbox'),
      ])
}

function listSection(title, label, proposals, none) {
  return section(title, proposals.length ? proposalTable(proposals, label) : h('p', { class: 'muted' }, none))
}

/** Counts the answers of a proposal's affected services, e.g. "1 of 2 ready". */
function answers(affected) {
  const ready = affected.filter(a => a.response === 'ready').length
  const blocked = affected.filter(a => a.response === 'blocked').length
  return [`${ready} of ${affected.length} ready`, blocked ? `, ${blocked} blocked` : ''].join('')
}

function proposalTable(proposals, label) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table proposals cards-on-phone', 'aria-label': label },
    h('thead', null, h('tr', null, ['Proposal', 'Stream', 'State', 'Answers', 'Opened', 'Deadline']
      .map(name => h('th', { scope: 'col' }, name)))),
    h('tbody', null, proposals.map(p => h('tr', null,
      h('th', { scope: 'row', 'data-label': 'Proposal' },
        link(href.proposal(p.id), `#${p.id} ${p.summary}`)),
      h('td', { 'data-label': 'Stream' }, link(href.stream(p.subject), h('span', { class: 'subject' }, p.subject))),
      h('td', { 'data-label': 'State' }, stateBadge(p.state)),
      h('td', { 'data-label': 'Answers' }, answers(p.affected || [])),
      h('td', { 'data-label': 'Opened' }, timeAgo(p.opened_at), h('span', { class: 'muted' }, ` by ${p.opened_by}`)),
      h('td', { 'data-label': 'Deadline' }, p.deadline ? exactTime(p.deadline) : h('span', { class: 'muted' }, 'none')))))))
}

/** The stream page's section: its undecided proposals, linked, or nothing when there are none. */
export async function streamProposals(subject) {
  const list = await optional(`/governance/proposals?subject=${seg(subject)}`)
  const undecided = ((list && list.proposals) || []).filter(p => UNDECIDED.includes(p.state))
  if (undecided.length === 0) return null
  return section(`Open proposals (${undecided.length})`,
    h('ul', { class: 'plain-list', 'aria-label': 'Open proposals' }, undecided.map(p => h('li', null,
      link(href.proposal(p.id), `#${p.id} ${p.summary}`), ' ', stateBadge(p.state),
      h('span', { class: 'muted small' }, ` · ${answers(p.affected || [])}`)))))
}

/** A proposal's page. */
export async function proposalView(el, id) {
  document.title = `Proposal #${id} · Accord`
  append(el, h('h1', null, `Proposal #${id}`), loading('Loading the proposal…'))
  let proposal, governance
  try {
    proposal = await api(`/governance/proposals/${seg(id)}`)
    governance = await optional(`/governance/subjects/${seg(proposal.subject)}`)
  } catch (error) {
    if (error.status === 401) throw error
    replace(el, h('h1', null, `Proposal #${id}`), errorBox(error, 'show this proposal'),
      h('p', null, link(href.proposals(), 'Back to the proposals')))
    return
  }
  renderProposal(el, proposal, governance)
}

function renderProposal(el, proposal, governance) {
  const p = proposal
  const { changes } = parseMessages(p.messages)
  const candidate = { schema: p.schema, schemaType: p.schemaType, label: 'Proposed' }
  const latest = p.latest ? { ...p.latest, label: `v${p.latest.version} (latest)` } : null
  // The diff first, so that each change knows its line before the list of changes is built.
  const diff = latest ? schemaDiff(latest, candidate, changes) : null
  // A re-rendered page replaces this one's content; `el` stays the view's container.
  const refresh = async message => {
    const next = await api(`/governance/proposals/${seg(p.id)}`)
    replace(el)
    renderProposal(el, next, governance)
    if (message) announce(message)
  }
  replace(el,
    h('div', { class: 'page-header' },
      h('div', null,
        h('p', { class: 'crumbs' }, link(href.proposals(), 'Proposals'), ' / ',
          link(href.stream(p.subject), p.subject), ' / '),
        h('h1', null, `#${p.id} ${p.summary}`),
        h('p', { class: 'facts' }, stateBadge(p.state), ' ', levelBadge(p.compatibilityLevel), ' ',
          h('span', null, 'opened by ', h('strong', null, p.opened_by), ' ', timeAgo(p.opened_at)),
          h('span', { class: 'muted' }, ' · deadline '),
          p.deadline ? exactTime(p.deadline) : h('span', { class: 'muted' }, 'none')))),
    decision(p),
    h('div', { class: 'stream-grid' },
      h('div', { class: 'stream-main' },
        answersSection(p, refresh),
        h('section', { class: 'card' },
          h('h2', null, `Breaking changes (${changes.length})`),
          changes.length
            ? h('ol', { class: 'changes' }, changes.map(change => changeItem(change)))
            : h('p', { class: 'muted' }, 'None against the latest version now.'),
          p.based_on ? h('p', { class: 'muted small' }, `Found against v${p.based_on} under ${p.compatibilityLevel}.`) : null)),
      h('div', { class: 'stream-side' }, aboutSection(p, governance), actionsSection(p, governance, refresh))),
    // The diff takes the page's width: two schemas side by side need it.
    h('section', { class: 'card' },
      h('h2', null, latest ? `The candidate against v${latest.version}` : 'The candidate'),
      diff || h('p', { class: 'muted' }, 'The stream has no version to compare with.')))
}

/** The proposal's facts: its stream and producer, who opened it when, by when, and what it is. */
function aboutSection(p, governance) {
  const producer = governance && governance.producer
  const fact = (term, ...value) => [h('dt', null, term), h('dd', null, value)]
  return section('About',
    h('dl', { class: 'facts-list' },
      fact('Stream', link(href.stream(p.subject), h('span', { class: 'subject' }, p.subject))),
      fact('Producer', producer
        ? [link(href.service(producer.service), producer.service), ' (', link(href.team(producer.team), producer.team), ')']
        : h('span', { class: 'muted' }, 'none')),
      fact('Opened', p.opened_by, ', ', exactTime(p.opened_at)),
      fact('Deadline', p.deadline ? exactTime(p.deadline) : h('span', { class: 'muted' }, 'none')),
      fact('Format', formatBadge(p.schemaType), ' ', levelBadge(p.compatibilityLevel))))
}

/** What became of a decided proposal. */
function decision(p) {
  if (UNDECIDED.includes(p.state)) {
    return p.state === 'approved'
      ? h('div', { class: 'notice notice-ok', role: 'status' }, h('p', null, h('strong', null, 'Approved. '),
        'Every affected service is ready: the producer\'s next registration of this schema lands it as a new version.'))
      : null
  }
  const what = {
    applied: `Applied${p.version ? ` as version ${p.version}` : ''}`,
    withdrawn: 'Withdrawn',
    rejected: 'Rejected',
  }[p.state]
  return h('div', { class: `notice ${p.state === 'applied' ? 'notice-ok' : ''}`, role: 'status' },
    h('p', null, h('strong', null, `${what} `), p.decided_by ? `by ${p.decided_by} ` : '',
      p.decided_at ? timeAgo(p.decided_at) : '', p.overridden ? ' (overriding the answers)' : '', '.'),
    p.reason ? h('p', null, 'Reason: ', p.reason) : null,
    p.state === 'applied' && p.version ? h('p', null, link(href.stream(p.subject, p.version), `See version ${p.version}`)) : null)
}

function answersSection(p, refresh) {
  const title = 'Affected services'
  const me = signedInService()
  const mine = p.affected.find(a => a.service === me)
  const answerable = me ? (mine ? [mine] : []) : actsAsAdmin() ? p.affected : []
  return h('section', { class: 'card affected-answers' },
    h('h2', null, `${title} (${p.affected.length}) · ${answers(p.affected)}`),
    p.affected.length === 0
      ? h('p', { class: 'muted' }, 'No consumer is granted this stream and no other service was seen reading it.')
      : h('div', { class: 'table-wrap' }, h('table', { class: 'table cards-on-phone', 'aria-label': title },
        h('thead', null, h('tr', null, ['Service', 'Team', 'Declared', 'Answer', 'Contacts']
          .map(name => h('th', { scope: 'col' }, name)))),
        h('tbody', null, p.affected.map(a => h('tr', { class: a.declared ? null : 'undeclared' },
          h('th', { scope: 'row', 'data-label': 'Service' }, link(href.service(a.service), a.service)),
          h('td', { 'data-label': 'Team' }, link(href.team(a.team), a.team)),
          h('td', { 'data-label': 'Declared' }, a.declared ? badge('consumer') : badge('undeclared', 'badge-warn'),
            a.declared ? null : h('p', { class: 'muted small' }, 'seen reading')),
          h('td', { 'data-label': 'Answer' }, answerCell(a)),
          h('td', { 'data-label': 'Contacts' }, contactList(a.contacts))))))),
    answerable.length && UNDECIDED.includes(p.state) ? answerForm(p, answerable, refresh) : null)
}

function answerCell(a) {
  const kind = { ready: 'badge-ok', blocked: 'badge-error-soft', pending: 'badge-silent' }[a.response]
  return h('div', { class: 'answer' }, badge(a.response, kind),
    a.comment ? h('p', { class: 'comment' }, a.comment) : null,
    a.answered_at ? h('p', { class: 'muted small' },
      a.answered_by && a.answered_by !== a.service ? `by ${a.answered_by}, ` : '', timeAgo(a.answered_at)) : null)
}

/**
 * An answer, ready or blocked with a comment: the signed-in affected service's own, or — for the
 * admin, and with authentication off — any affected service's, which the API records as answered
 * by the admin acting for it.
 */
function answerForm(p, services, refresh) {
  const own = services.length === 1 && services[0].service === signedInService()
  const first = services.find(a => a.response === 'pending') || services[0]
  const comment = h('textarea', { id: 'answer-comment', name: 'comment', rows: 2, class: 'prose',
    placeholder: 'Why it is blocked, or anything the producer should know' }, first.comment || '')
  const service = h('select', { id: 'answer-service', name: 'service' },
    services.map(a => h('option', { value: a.service, selected: a === first }, `${a.service} (${a.response})`)))
  service.addEventListener('change', () => {
    comment.value = services.find(a => a.service === service.value).comment || ''
  })
  const message = h('div', { 'aria-live': 'polite' })
  const buttons = []
  const send = response => async () => {
    if (response === 'blocked' && !comment.value.trim()) {
      replace(message, errorBox({ message: 'Say why in the comment: the producer needs it to unblock you.' }, 'answer blocked'))
      comment.focus()
      return
    }
    for (const b of buttons) b.disabled = true
    try {
      await api(`/governance/proposals/${seg(p.id)}/responses/${seg(own ? first.service : service.value)}`, {
        method: 'PUT', body: { response, comment: comment.value.trim() || null },
      })
      // The navigation's inbox count follows (app.js listens).
      window.dispatchEvent(new Event('accord-inbox-changed'))
      await refresh(`Answered ${response}`)
    } catch (error) {
      for (const b of buttons) b.disabled = false
      if (error.status !== 401) replace(message, errorBox(error, 'answer'))
    }
  }
  buttons.push(h('button', { type: 'button', class: 'button button-primary', onclick: send('ready') }, 'Ready'))
  buttons.push(h('button', { type: 'button', class: 'button', onclick: send('blocked') }, 'Blocked'))
  const title = own
    ? (first.response === 'pending' ? `Your answer, as ${first.service}` : `Change your answer, as ${first.service}`)
    : 'Answer for a service'
  return h('form', { class: 'answer-form', 'aria-label': title, onsubmit: e => e.preventDefault() },
    h('h3', null, title),
    own ? null : h('p', { class: 'muted small' }, 'As the admin, acting for the service: the answer is recorded as yours.'),
    message,
    own ? null : h('div', { class: 'field' }, h('label', { for: 'answer-service' }, 'Service'), service),
    h('div', { class: 'field' }, h('label', { for: 'answer-comment' }, 'Comment'), comment),
    h('div', { class: 'form-actions' }, buttons))
}

/**
 * What the signed-in principal may do to an undecided proposal: the admin applies (with a
 * reason unless it is approved) or rejects (with a reason); the producer applies an approved
 * one; the author or the producer withdraws. The API decides in the end: a refusal is shown.
 */
function actionsSection(p, governance, refresh) {
  if (!UNDECIDED.includes(p.state)) return null
  const admin = actsAsAdmin()
  const me = signedInService()
  const producer = governance && governance.producer ? governance.producer.service : null
  const isProducer = me !== null && me === producer
  const canApply = admin || (isProducer && p.state === 'approved')
  const canWithdraw = admin || (me !== null && (me === p.opened_by || isProducer))
  if (!canApply && !canWithdraw) return null
  const reason = h('textarea', { id: 'decision-reason', name: 'reason', rows: 2, class: 'prose' })
  const message = h('div', { 'aria-live': 'polite' })
  const buttons = []
  const act = (action, needsReason, done) => async () => {
    if (needsReason && !reason.value.trim()) {
      replace(message, errorBox({ message: 'Give a reason: it is recorded with the decision.' }, action))
      reason.focus()
      return
    }
    for (const b of buttons) b.disabled = true
    try {
      await api(`/governance/proposals/${seg(p.id)}/${action}`, {
        method: 'POST', body: { reason: reason.value.trim() || null },
      })
      await refresh(done)
    } catch (error) {
      for (const b of buttons) b.disabled = false
      if (error.status !== 401) replace(message, errorBox(error, action))
    }
  }
  if (canApply) {
    buttons.push(h('button', { type: 'button', class: 'button button-primary', onclick: act('apply', admin && p.state !== 'approved', 'Applied') },
      p.state === 'approved' ? 'Apply' : 'Apply anyway'))
  }
  if (admin) buttons.push(h('button', { type: 'button', class: 'button', onclick: act('reject', true, 'Rejected') }, 'Reject'))
  if (canWithdraw) buttons.push(h('button', { type: 'button', class: 'button', onclick: act('withdraw', false, 'Withdrawn') }, 'Withdraw'))
  return section('Decide',
    h('p', { class: 'muted small' }, admin
      ? 'As the admin, you may apply it (with a reason if not every service is ready) or reject it (with a reason).'
      : 'As its producer or author, you may withdraw it, or apply it once it is approved.'),
    message,
    h('div', { class: 'field' }, h('label', { for: 'decision-reason' }, 'Reason'), reason),
    h('div', { class: 'form-actions wrap' }, buttons))
}

/**
 * The check view's "Propose this change" for a breaking candidate: a summary (and an optional
 * deadline) and a button that opens the proposal and goes to its page. When the impact names an
 * undecided proposal for exactly this schema, a link to it instead.
 */
export function proposeForm(subject, candidate, impact) {
  if (impact.proposal) {
    return h('div', { class: 'card propose' }, h('h2', null, 'Already proposed'),
      h('p', null, 'This exact schema is ', link(href.proposal(impact.proposal.id), `proposal #${impact.proposal.id}`),
        ' (', stateBadge(impact.proposal.state), ').'))
  }
  const summary = h('textarea', { id: 'propose-summary', name: 'summary', rows: 3, required: true, class: 'prose',
    placeholder: 'Why it must break, and how the consumers should migrate' })
  const deadline = h('input', { id: 'propose-deadline', name: 'deadline', type: 'date' })
  const message = h('div', { 'aria-live': 'polite' })
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Propose this change')
  return h('form', { class: 'card propose', onsubmit: async event => {
    event.preventDefault()
    if (!summary.value.trim()) {
      replace(message, errorBox({ message: 'Write a summary: the consumers read it to decide.' }, 'propose'))
      summary.focus()
      return
    }
    submit.disabled = true
    try {
      const proposal = await api(`/governance/subjects/${seg(subject)}/proposals`, {
        method: 'POST',
        body: {
          ...candidate,
          summary: summary.value.trim(),
          // A date is the end of that day, UTC: "by the 15th" includes the 15th.
          deadline: deadline.value ? `${deadline.value}T23:59:59Z` : null,
        },
      })
      announce(`Opened proposal ${proposal.id}`)
      location.hash = href.proposal(proposal.id)
    } catch (error) {
      submit.disabled = false
      if (error.status !== 401) replace(message, errorBox(error, 'propose this change'))
    }
  } },
  h('h2', null, 'Propose this change'),
  h('p', { class: 'muted small' }, 'Ask the affected consumers to get ready for it: each answers ready or blocked, and once all are ready ',
    `the producer's registration of this schema lands in ${subject}.`),
  message,
  h('div', { class: 'field' }, h('label', { for: 'propose-summary' }, 'Summary'), summary),
  h('div', { class: 'form-row' }, h('div', { class: 'field field-days' }, h('label', { for: 'propose-deadline' }, 'Deadline (optional)'), deadline)),
  h('div', { class: 'form-actions' }, submit))
}
