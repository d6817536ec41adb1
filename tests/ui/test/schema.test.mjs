// The schema view's pretty-printing and line diff, run in node against the UI's own module.

import assert from 'node:assert/strict'
import { test } from 'node:test'

import { diffLines, pretty } from '../../../assets/ui/schema.js'

const record = fields => JSON.stringify({ type: 'record', name: 'Order', fields })
const id = { name: 'id', type: 'string' }
const total = { name: 'total', type: 'double', default: 0 }

test('two versions of a short schema differ only in the lines of their fields', () => {
  const v1 = pretty(record([id]), 'AVRO').lines
  const v2 = pretty(record([id, total]), 'AVRO').lines
  assert.deepEqual(v1, [
    '{',
    '  "type": "record",',
    '  "name": "Order",',
    '  "fields": [',
    '    {"name": "id", "type": "string"}',
    '  ]',
    '}',
  ])
  const changed = diffLines(v1, v2).filter(op => op.op !== 'same')
  // The first field gains a comma, the second is new: nothing else moves.
  assert.deepEqual(changed.map(op => op.op).sort(), ['add', 'add', 'del'])
})

test('a JSON Schema lists one property per line, and a breaking change marks its own line', () => {
  const schema = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } } }
  const { lines, paths } = pretty(JSON.stringify(schema), 'JSON')
  assert.equal(lines[paths.get('/properties/b/type')], '    "b": {"type": "integer"}')
  assert.equal(lines[paths.get('/properties/a')], '    "a": {"type": "string"},')
})
