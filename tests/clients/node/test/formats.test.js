'use strict'
// Accord driven by @kafkajs/confluent-schema-registry 3.x with Protobuf and JSON Schema, unchanged.
// A fresh registry decodes from the schema text Accord serves back (protobufjs parses the .proto
// text, ajv compiles the JSON Schema), so these also check what the server answers.

const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const { after, before, describe, it } = require('node:test')

const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry')
const { startAccord } = require('../support/accord')

const ORDER_PROTO = `syntax = "proto3";
package accord.test;

message Order {
  string id = 1;
  int32 quantity = 2;
  repeated string tags = 3;
  Status status = 4;

  enum Status {
    STATUS_UNKNOWN = 0;
    STATUS_OPEN = 1;
  }
}
`

const MONEY_PROTO = `syntax = "proto3";
package accord.test;

message Money {
  int64 cents = 1;
  string currency = 2;
}
`

const INVOICE_PROTO = `syntax = "proto3";
package accord.test;

import "money.proto";

message Invoice {
  string id = 1;
  Money total = 2;
}
`

const ADDRESS_ID = 'https://accord.test/address.schema.json'

const ADDRESS_JSON = JSON.stringify({
  $id: ADDRESS_ID,
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
})

const CUSTOMER_JSON = JSON.stringify({
  type: 'object',
  properties: { name: { type: 'string' }, address: { $ref: ADDRESS_ID } },
  required: ['name', 'address'],
})

const USER_JSON = JSON.stringify({
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } },
  required: ['name'],
})

const unique = prefix => `${prefix}-${crypto.randomBytes(6).toString('hex')}`

describe('@kafkajs/confluent-schema-registry with Protobuf and JSON Schema against Accord', () => {
  let accord
  const registry = () => new SchemaRegistry({ host: accord.url, retry: { retries: 1 } })

  before(async () => {
    accord = await startAccord()
  })

  after(async () => {
    if (accord) await accord.stop()
  })

  it('registers a Protobuf schema and round-trips a message through the served .proto text', async () => {
    const subject = unique('node-proto')
    const { id } = await registry().register({ type: SchemaType.PROTOBUF, schema: ORDER_PROTO }, { subject })
    const order = { id: 'o-1', quantity: 3, tags: ['a', 'b'], status: 1 }

    const payload = await registry().encode(id, order)
    const decoded = await registry().decode(payload)

    assert.deepEqual(decoded.toJSON(), { id: 'o-1', quantity: 3, tags: ['a', 'b'], status: 'STATUS_OPEN' })
  })

  it('registers a Protobuf schema that imports a referenced file and decodes with it', async () => {
    const moneySubject = unique('node-money')
    const subject = unique('node-invoice')
    await registry().register({ type: SchemaType.PROTOBUF, schema: MONEY_PROTO }, { subject: moneySubject })
    const references = [{ name: 'money.proto', subject: moneySubject, version: 1 }]
    const { id } = await registry().register(
      { type: SchemaType.PROTOBUF, schema: INVOICE_PROTO, references },
      { subject },
    )

    const payload = await registry().encode(id, { id: 'i-1', total: { cents: 1250, currency: 'EUR' } })
    const decoded = await registry().decode(payload)

    assert.deepEqual(decoded.toJSON(), { id: 'i-1', total: { cents: '1250', currency: 'EUR' } })
  })

  it('registers a JSON schema and round-trips a payload through the served schema', async () => {
    const subject = unique('node-json')
    const { id } = await registry().register({ type: SchemaType.JSON, schema: USER_JSON }, { subject })

    const payload = await registry().encode(id, { name: 'Ada', age: 36 })
    const decoded = await registry().decode(payload)

    assert.deepEqual(decoded, { name: 'Ada', age: 36 })
    await assert.rejects(registry().encode(id, { age: 'old' }), /invalid payload/)
  })

  it('registers a JSON schema with a $ref to another subject and validates through it', async () => {
    const addressSubject = unique('node-address')
    const subject = unique('node-customer')
    await registry().register({ type: SchemaType.JSON, schema: ADDRESS_JSON }, { subject: addressSubject })
    const references = [{ name: ADDRESS_ID, subject: addressSubject, version: 1 }]
    const { id } = await registry().register(
      { type: SchemaType.JSON, schema: CUSTOMER_JSON, references },
      { subject },
    )

    const customer = { name: 'Ada', address: { city: 'London' } }
    const decoded = await registry().decode(await registry().encode(id, customer))

    assert.deepEqual(decoded, customer)
    await assert.rejects(registry().encode(id, { name: 'Ada', address: {} }), /invalid payload/)
  })

  it('answers schemaType PROTOBUF and JSON for the schemas it serves', async () => {
    const protoId = (await registry().register(
      { type: SchemaType.PROTOBUF, schema: MONEY_PROTO },
      { subject: unique('node-type-proto') },
    )).id
    const jsonId = (await registry().register(
      { type: SchemaType.JSON, schema: USER_JSON },
      { subject: unique('node-type-json') },
    )).id

    const proto = await (await fetch(`${accord.url}/schemas/ids/${protoId}`)).json()
    const json = await (await fetch(`${accord.url}/schemas/ids/${jsonId}`)).json()

    assert.equal(proto.schemaType, 'PROTOBUF')
    assert.match(proto.schema, /message Money \{/)
    assert.equal(json.schemaType, 'JSON')
    assert.deepEqual(JSON.parse(json.schema), JSON.parse(USER_JSON))
  })
})
