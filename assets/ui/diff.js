// The diff of two versions of a stream: side by side (or unified on a narrow screen), with each
// breaking change marked on its line and explained. The reasons are the registry's own: the
// newer version is checked against the older one under the stream's compatibility level.

import { api, seg } from './api.js'
import {
  append, badge, contactList, errorBox, formatBadge, h, href, levelBadge, link, loading, replace,
} from './dom.js'
import { diffLines, explain, highlight, lineOf, parseMessages, pretty, sideBySide } from './schema.js'

/** The diff view of versions `a` and `b` of `subject` (in either order). */
export async function diffView(el, subject, a, b) {
  const [older, newer] = a <= b ? [a, b] : [b, a]
  document.title = `${subject} v${older} → v${newer} · Accord`
  append(el, h('h1', null, `${subject}: v${older} → v${newer}`), loading('Comparing…'))
  let versions, oldSchema, newSchema, check
  try {
    ;[versions, oldSchema, newSchema] = await Promise.all([
      api(`/subjects/${seg(subject)}/versions`),
      api(`/subjects/${seg(subject)}/versions/${older}`),
      api(`/subjects/${seg(subject)}/versions/${newer}`),
    ])
    check = older === newer
      ? { is_compatible: true, messages: [] }
      : await api(`/compatibility/subjects/${seg(subject)}/versions/${older}?verbose=true`, {
        method: 'POST',
        body: {
          schema: newSchema.schema,
          schemaType: newSchema.schemaType || 'AVRO',
          references: newSchema.references || [],
        },
      })
  } catch (error) {
    if (error.status === 401) throw error
    replace(el, h('h1', null, `${subject}: v${older} → v${newer}`), errorBox(error, 'compare these versions'),
      h('p', null, link(href.stream(subject), `Back to ${subject}`)))
    return
  }
  const { changes, level } = parseMessages(check.messages)
  const diff = schemaDiff(oldSchema, newSchema, changes)

  replace(el,
    h('div', { class: 'page-header' },
      h('div', null,
        h('p', { class: 'crumbs' }, link(href.streams(), 'Streams'), ' / ', link(href.stream(subject), subject), ' / '),
        h('h1', null, `Diff of v${older} and v${newer}`),
        h('p', { class: 'facts' }, formatBadge(newSchema.schemaType), ' ', levelBadge(level), ' ',
          h('span', { class: 'muted' }, `schema ids ${oldSchema.id} → ${newSchema.id}`))),
      h('div', { class: 'page-actions' }, pickVersions(subject, versions, older, newer))),
    verdict(older, newer, check, changes, level),
    diff)
}

/**
 * The diff of two schemas (`{schema, schemaType, version}`; `label` names a side that is not a
 * version, such as a proposal's candidate) with each of `changes` (from `parseMessages`)
 * numbered on its line: the legend, the layout toggle and the table. Numbers each change and
 * records where it is marked (`change.at`), so `changeItem` can link to its line.
 */
export function schemaDiff(oldSchema, newSchema, changes) {
  const left = pretty(oldSchema.schema, oldSchema.schemaType)
  const right = pretty(newSchema.schema, newSchema.schemaType)
  const marks = { old: new Map(), new: new Map() }
  changes.forEach((change, index) => {
    change.number = index + 1
    const sides = change.side ? [change.side] : ['new', 'old']
    for (const side of sides) {
      const line = lineOf(change, side === 'old' ? left : right)
      if (line !== null) {
        change.at = { side, line }
        const list = marks[side].get(line) || []
        list.push(change)
        marks[side].set(line, list)
        break
      }
    }
  })
  const rows = sideBySide(diffLines(left.lines, right.lines))
  const wide = window.matchMedia('(min-width: 760px)').matches
  const layout = { mode: wide ? 'split' : 'unified' }
  const table = h('div', { class: 'diff-wrap' })
  const draw = () => replace(table, layout.mode === 'split'
    ? splitTable(rows, left, right, marks, oldSchema, newSchema)
    : unifiedTable(rows, left, right, marks, oldSchema, newSchema))
  draw()
  return h('div', { class: 'schema-diff' },
    h('div', { class: 'diff-toolbar' },
      h('p', { class: 'legend small muted' },
        h('span', { class: 'swatch swatch-del' }), ' removed ', h('span', { class: 'swatch swatch-add' }), ' added ',
        changes.length ? [h('span', { class: 'marker' }, '1'), ' breaking change'] : null),
      h('fieldset', { class: 'toggle' }, h('legend', { class: 'sr-only' }, 'Layout'),
        radio('layout', 'split', 'Side by side', layout, draw),
        radio('layout', 'unified', 'Unified', layout, draw))),
    table)
}

/** The column heading of one side of a diff. */
function sideLabel(schema) {
  return schema.label || `v${schema.version}`
}

function radio(name, value, label, state, onchange) {
  const id = `${name}-${value}`
  return h('label', { for: id },
    h('input', { type: 'radio', name, id, value, checked: state.mode === value, onchange: () => {
      state.mode = value
      onchange()
    } }), ' ', label)
}

function pickVersions(subject, versions, older, newer) {
  const options = selected => versions.map(v => h('option', { value: v, selected: v === selected }, `v${v}`))
  const from = h('select', { id: 'diff-from', name: 'from' }, options(older))
  const to = h('select', { id: 'diff-to', name: 'to' }, options(newer))
  return h('form', { class: 'compare compare-inline', onsubmit: event => {
    event.preventDefault()
    location.hash = href.diff(subject, from.value, to.value)
  } },
  h('div', { class: 'field' }, h('label', { for: 'diff-from' }, 'From'), from),
  h('div', { class: 'field' }, h('label', { for: 'diff-to' }, 'To'), to),
  h('button', { type: 'submit', class: 'button' }, 'Compare'))
}

function verdict(older, newer, check, changes, level) {
  const under = level ? ` under ${level}` : ''
  if (older === newer) {
    return h('div', { class: 'notice' }, h('p', null, 'These are the same version.'))
  }
  if (check.is_compatible) {
    return h('div', { class: 'notice notice-ok', role: 'status' },
      h('p', null, h('strong', null, `v${newer} is compatible with v${older}${under}.`),
        level === 'NONE' ? ' The level NONE checks nothing.' : ' No consumer reading either version breaks.'))
  }
  return h('div', { class: 'notice notice-error breaking', role: 'status' },
    h('p', null, h('strong', null,
      `${changes.length} breaking change${changes.length === 1 ? '' : 's'} from v${older} to v${newer}${under}.`),
    ' Each is marked with its number on its line below.'),
    h('ol', { class: 'changes' }, changes.map(change => changeItem(change))),
    check.affected && check.affected.length
      ? h('div', null, h('p', null, h('strong', null, 'Consumers it would break:')),
        h('ul', { class: 'affected-inline' }, check.affected.map(a => h('li', null,
          link(href.service(a.service), a.service), ' (team ', link(href.team(a.team), a.team), ') ',
          contactList(a.contacts)))))
      : null)
}

/** One breaking change: its number (as marked in the diff), kind, reason, and where it is. */
export function changeItem(change) {
  const explanation = explain(change)
  const where = change.at
    ? h('button', { type: 'button', class: 'link-button small', onclick: () => {
      const row = document.getElementById(`change-${change.number}`)
      if (row) {
        row.scrollIntoView({ block: 'center' })
        row.focus({ preventScroll: true })
      }
    } }, `Show line ${change.at.line + 1} of the ${change.at.side} version`)
    : null
  return h('li', { class: 'change' },
    change.number ? h('span', { class: 'marker', 'aria-hidden': 'true' }, String(change.number)) : null,
    h('div', null,
      change.type ? [badge(change.type, 'badge-error'), ' '] : null,
      h('span', { class: 'reason' }, change.description),
      change.info && change.info !== change.description ? h('span', { class: 'muted' }, ` (${change.info})`) : null,
      explanation ? h('p', { class: 'muted small explanation' }, explanation) : null,
      change.path ? h('p', { class: 'small' }, 'path ', h('code', null, change.path), ' ', where) : where))
}

function cell(printed, index, schemaType, side, marks) {
  if (index === null) return [h('td', { class: 'ln' }), h('td', { class: 'src empty-side' })]
  const changes = marks[side].get(index) || []
  return [
    h('td', { class: 'ln' }, markers(changes), h('span', { 'aria-hidden': 'true' }, String(index + 1))),
    h('td', { class: 'src' }, highlight(printed.lines[index], schemaType)),
  ]
}

function markers(changes) {
  return changes.map(c => h('span', {
    class: 'marker', title: c.description, role: 'img', 'aria-label': `Breaking change ${c.number}: ${c.description}`,
  }, String(c.number)))
}

function rowAttrs(kind, changesHere) {
  const attrs = { class: `row-${kind}${changesHere.length ? ' row-breaking' : ''}` }
  if (changesHere.length) {
    attrs.id = `change-${changesHere[0].number}`
    attrs.tabindex = '-1'
  }
  return attrs
}

function splitTable(rows, left, right, marks, oldSchema, newSchema) {
  return h('table', { class: 'diff diff-split', 'aria-label': 'Side-by-side diff' },
    h('colgroup', null, h('col', { class: 'col-ln' }), h('col'), h('col', { class: 'col-ln' }), h('col')),
    h('thead', null, h('tr', null,
      h('th', { colspan: 2, scope: 'col' }, sideLabel(oldSchema)),
      h('th', { colspan: 2, scope: 'col' }, sideLabel(newSchema)))),
    h('tbody', null, rows.map(row => {
      const here = [...(row.a !== null ? marks.old.get(row.a) || [] : []), ...(row.b !== null ? marks.new.get(row.b) || [] : [])]
      return h('tr', rowAttrs(row.kind, here),
        cell(left, row.a, oldSchema.schemaType, 'old', marks),
        cell(right, row.b, newSchema.schemaType, 'new', marks))
    })))
}

function unifiedTable(rows, left, right, marks, oldSchema, newSchema) {
  const body = []
  for (const row of rows) {
    if (row.kind === 'same') {
      const here = [...(marks.old.get(row.a) || []), ...(marks.new.get(row.b) || [])]
      body.push(unifiedRow('same', row.a, row.b, right.lines[row.b], newSchema.schemaType, here, ' '))
      continue
    }
    if (row.a !== null) {
      body.push(unifiedRow('del', row.a, null, left.lines[row.a], oldSchema.schemaType, marks.old.get(row.a) || [], '−'))
    }
    if (row.b !== null) {
      body.push(unifiedRow('add', null, row.b, right.lines[row.b], newSchema.schemaType, marks.new.get(row.b) || [], '+'))
    }
  }
  return h('table', { class: 'diff diff-unified', 'aria-label': 'Unified diff' },
    h('colgroup', null, h('col', { class: 'col-ln' }), h('col', { class: 'col-ln' }), h('col')),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, sideLabel(oldSchema)), h('th', { scope: 'col' }, sideLabel(newSchema)),
      h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Line')))),
    h('tbody', null, body))
}

function unifiedRow(kind, a, b, text, schemaType, here, sign) {
  return h('tr', rowAttrs(kind, here),
    h('td', { class: 'ln' }, markers(here), h('span', { 'aria-hidden': 'true' }, a === null ? '' : String(a + 1))),
    h('td', { class: 'ln', 'aria-hidden': 'true' }, b === null ? '' : String(b + 1)),
    h('td', { class: 'src' }, h('span', { class: 'sign', 'aria-label': kind === 'same' ? null : kind === 'add' ? 'added' : 'removed' }, sign),
      highlight(text, schemaType)))
}
