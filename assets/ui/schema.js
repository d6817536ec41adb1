// Schemas as people read them: pretty-printed (with the line of every JSON pointer, so that a
// breaking change's path can be marked), highlighted, compared line by line, and the
// compatibility check's messages turned into explanations.

import { h } from './dom.js'

const COMPACT_WIDTH = 76

/**
 * Pretty-prints a schema's text. Returns its lines and, for JSON-based formats, the line where
 * each JSON pointer (`/fields/2/type`) starts. The schema and its fields or properties are one
 * per line; other small objects and arrays stay on one line, so an Avro field reads as one line
 * and diffs as one.
 */
export function pretty(text, schemaType) {
  if ((schemaType || 'AVRO') !== 'PROTOBUF') {
    try {
      return prettyJson(JSON.parse(text))
    } catch {
      // Not JSON after all: show it as it is.
    }
  }
  return { lines: String(text).replace(/\s+$/, '').split('\n'), paths: new Map() }
}

function prettyJson(value) {
  const lines = []
  const paths = new Map()
  const write = (node, pointer, indent, prefix, suffix) => {
    paths.set(pointer, lines.length)
    const compact = JSON.stringify(node)
    const isContainer = node !== null && typeof node === 'object'
    const fits = indent.length + prefix.length + compact.length + suffix.length <= COMPACT_WIDTH
    if (!isContainer || Object.keys(node).length === 0 || (fits && !alwaysOpen(pointer))) {
      markChildren(node, pointer, lines.length, paths)
      lines.push(indent + prefix + spaced(compact, node) + suffix)
      return
    }
    const isArray = Array.isArray(node)
    lines.push(indent + prefix + (isArray ? '[' : '{'))
    const entries = isArray ? node.map((v, i) => [i, v]) : Object.entries(node)
    entries.forEach(([key, child], index) => {
      const comma = index < entries.length - 1 ? ',' : ''
      const childPrefix = isArray ? '' : `${JSON.stringify(key)}: `
      write(child, `${pointer}/${escapePointer(key)}`, indent + '  ', childPrefix, comma)
    })
    lines.push(indent + (isArray ? ']' : '}') + suffix)
  }
  write(value, '', '', '', '')
  return { lines, paths }
}

/**
 * Whether the container at `pointer` is printed one member per line however short it is: the
 * schema itself and its list of fields or properties, so that two versions of a small schema
 * line up and differ only where their fields do.
 */
function alwaysOpen(pointer) {
  return pointer === '' || /^\/(fields|properties)$/.test(pointer)
}

/** Records every pointer inside a value printed on one line as that line. */
function markChildren(node, pointer, line, paths) {
  if (node === null || typeof node !== 'object') return
  for (const [key, child] of Object.entries(node)) {
    const childPointer = `${pointer}/${escapePointer(key)}`
    paths.set(childPointer, line)
    markChildren(child, childPointer, line, paths)
  }
}

/** One-line JSON with a space after `:` and `,`, as people write it. */
function spaced(compact, node) {
  if (node === null || typeof node !== 'object') return compact
  let out = ''
  let inString = false
  for (let i = 0; i < compact.length; i++) {
    const c = compact[i]
    out += c
    if (inString) {
      if (c === '\\') out += compact[++i]
      else if (c === '"') inString = false
    } else if (c === '"') inString = true
    else if (c === ':' || c === ',') out += ' '
  }
  return out
}

function escapePointer(key) {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1')
}

const PROTO_KEYWORDS = new Set(['syntax', 'edition', 'package', 'import', 'option', 'message',
  'enum', 'oneof', 'repeated', 'optional', 'required', 'map', 'reserved', 'service', 'rpc',
  'returns', 'stream', 'extend', 'extensions', 'to', 'max', 'public', 'weak', 'true', 'false'])
const PROTO_TYPES = new Set(['double', 'float', 'int32', 'int64', 'uint32', 'uint64', 'sint32',
  'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'bool', 'string', 'bytes'])

const JSON_TOKENS = /("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b/g
const PROTO_TOKENS = /(\/\/.*$)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|\b(\d+(?:\.\d+)?)\b|\b([A-Za-z_][A-Za-z0-9_]*)\b/g

/** Returns one line of a schema as highlighted nodes. */
export function highlight(line, schemaType) {
  const nodes = []
  const isProto = (schemaType || 'AVRO') === 'PROTOBUF'
  const tokens = isProto ? PROTO_TOKENS : JSON_TOKENS
  tokens.lastIndex = 0
  let last = 0
  let match
  while ((match = tokens.exec(line)) !== null) {
    if (match.index > last) nodes.push(line.slice(last, match.index))
    nodes.push(...(isProto ? protoToken(match) : jsonToken(match)))
    last = tokens.lastIndex
    if (match[0].length === 0) tokens.lastIndex++
  }
  if (last < line.length) nodes.push(line.slice(last))
  return nodes
}

function jsonToken([text, string, colon, number, literal]) {
  if (string !== undefined && colon !== undefined) {
    return [h('span', { class: 'tok-key' }, string), colon]
  }
  if (string !== undefined) return [h('span', { class: 'tok-string' }, string)]
  if (number !== undefined) return [h('span', { class: 'tok-number' }, number)]
  if (literal !== undefined) return [h('span', { class: 'tok-literal' }, literal)]
  return [text]
}

function protoToken([text, comment, string, number, word]) {
  if (comment !== undefined) return [h('span', { class: 'tok-comment' }, comment)]
  if (string !== undefined) return [h('span', { class: 'tok-string' }, string)]
  if (number !== undefined) return [h('span', { class: 'tok-number' }, number)]
  if (word !== undefined && PROTO_KEYWORDS.has(word)) return [h('span', { class: 'tok-keyword' }, word)]
  if (word !== undefined && PROTO_TYPES.has(word)) return [h('span', { class: 'tok-type' }, word)]
  return [text]
}

/** A schema as a highlighted block with line numbers. */
export function schemaBlock(text, schemaType, label) {
  const { lines } = pretty(text, schemaType)
  return h('div', { class: 'code', role: 'region', 'aria-label': label, tabindex: '0' },
    h('table', { class: 'code-table' }, h('tbody', null, lines.map((line, i) =>
      h('tr', null, h('td', { class: 'ln', 'aria-hidden': 'true' }, i + 1),
        h('td', { class: 'src' }, highlight(line, schemaType)))))))
}

const MAX_DIFF_CELLS = 9_000_000

/**
 * Compares two lists of lines (longest common subsequence). Returns operations in order:
 * `{op: 'same', a, b}`, `{op: 'del', a}` or `{op: 'add', b}`, with line indexes.
 */
export function diffLines(a, b) {
  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start++
  let endA = a.length
  let endB = b.length
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--
    endB--
  }
  const n = endA - start
  const m = endB - start
  const ops = []
  for (let i = 0; i < start; i++) ops.push({ op: 'same', a: i, b: i })
  if (n * m > MAX_DIFF_CELLS) {
    for (let i = start; i < endA; i++) ops.push({ op: 'del', a: i })
    for (let j = start; j < endB; j++) ops.push({ op: 'add', b: j })
  } else {
    // lcs[i][j]: the longest common subsequence of a[start+i..endA] and b[start+j..endB].
    const width = m + 1
    const lcs = new Uint32Array((n + 1) * width)
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * width + j] = a[start + i] === b[start + j]
          ? lcs[(i + 1) * width + j + 1] + 1
          : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1])
      }
    }
    let i = 0
    let j = 0
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        ops.push({ op: 'same', a: start + i++, b: start + j++ })
      } else if (j < m && (i === n || lcs[i * width + j + 1] >= lcs[(i + 1) * width + j])) {
        ops.push({ op: 'add', b: start + j++ })
      } else {
        ops.push({ op: 'del', a: start + i++ })
      }
    }
  }
  for (let k = 0; k < a.length - endA; k++) ops.push({ op: 'same', a: endA + k, b: endB + k })
  return ops
}

/**
 * Pairs diff operations into side-by-side rows: `{kind, a, b}` where `a`/`b` is a line index
 * or null, and `kind` is `same`, `change`, `del` or `add`.
 */
export function sideBySide(ops) {
  const rows = []
  let dels = []
  let adds = []
  const flush = () => {
    const count = Math.max(dels.length, adds.length)
    for (let k = 0; k < count; k++) {
      const a = k < dels.length ? dels[k] : null
      const b = k < adds.length ? adds[k] : null
      rows.push({ kind: a !== null && b !== null ? 'change' : a !== null ? 'del' : 'add', a, b })
    }
    dels = []
    adds = []
  }
  for (const op of ops) {
    if (op.op === 'del') dels.push(op.a)
    else if (op.op === 'add') adds.push(op.b)
    else {
      flush()
      rows.push({ kind: 'same', a: op.a, b: op.b })
    }
  }
  flush()
  return rows
}

const ERROR_MESSAGE = /^\{errorType:'([^']*)', description:'([\s\S]*)', additionalInfo:'([\s\S]*)'\}$/
const LEVEL_MESSAGE = /compatibility: '([A-Z_]+)'/

/**
 * Splits a compatibility check's messages into breaking changes and the level it applied.
 * Each change: `{type, description, info, path, side}`, where `side` is `old`, `new` or null.
 */
export function parseMessages(messages) {
  const changes = []
  let level = null
  for (const message of messages || []) {
    const error = ERROR_MESSAGE.exec(message)
    if (error) {
      const [, type, description, info] = error
      changes.push({ type, description, info, ...locate(description) })
      continue
    }
    const levelMatch = LEVEL_MESSAGE.exec(message)
    if (levelMatch) level = levelMatch[1]
    else if (!/^\{(oldSchemaVersion|oldSchema|validateFields):/.test(message)) {
      changes.push({ type: null, description: message, info: '', path: null, side: null })
    }
  }
  return { changes, level }
}

function locate(description) {
  const path = /path '([^']*)'/.exec(description)
  const side = /in the (old|new) schema/.exec(description)
  return { path: path ? path[1].replace(/^#/, '') : null, side: side ? side[1] : null }
}

/** Returns the explanation of a change in plain words, for the common error types. */
export function explain(change) {
  const text = {
    READER_FIELD_MISSING_DEFAULT_VALUE:
      'A reader expects a field the writer does not send, and the field has no default to fill it in.',
    TYPE_MISMATCH: 'The field changed to a type that cannot be read as the old one.',
    MISSING_ENUM_SYMBOLS: 'A reader does not know an enum symbol the writer may send.',
    MISSING_UNION_BRANCH: 'A reader cannot read one of the types the writer may send.',
    NAME_MISMATCH: 'The named type was renamed, so readers and writers no longer match.',
    FIXED_SIZE_MISMATCH: 'The fixed size changed.',
  }[change.type]
  return text || null
}

/**
 * Returns the line a change points at in a pretty-printed schema: its JSON pointer (or the
 * nearest enclosing one), else the first line mentioning the quoted name the message gives.
 */
export function lineOf(change, printed) {
  if (change.path !== null && printed.paths.size > 0) {
    for (let pointer = change.path; pointer !== '' && pointer !== '/';
      pointer = pointer.slice(0, pointer.lastIndexOf('/'))) {
      if (printed.paths.has(pointer)) return printed.paths.get(pointer)
    }
  }
  const names = [...`${change.description} ${change.info}`.matchAll(/'([A-Za-z_][\w.]*)'/g)]
    .map(m => m[1]).filter(name => !['old', 'new'].includes(name))
  for (const name of names) {
    const word = new RegExp(`(^|[^\\w])${name.replace(/\./g, '\\.')}([^\\w]|$)`)
    const index = printed.lines.findIndex(line => word.test(line))
    if (index >= 0) return index
  }
  return change.path !== null && printed.paths.has('') ? printed.paths.get('') : null
}
