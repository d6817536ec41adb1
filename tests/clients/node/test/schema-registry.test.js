'use strict'
// Accord driven by @kafkajs/confluent-schema-registry 3.x, unchanged.

const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const { after, before, describe, it } = require('node:test')

const {
  COMPATIBILITY,
  SchemaRegistry,
  SchemaType,
} = require('@kafkajs/confluent-schema-registry')
const { startAccord } = require('../support/accord')

const USER_V1 = JSON.stringify({
  type: 'record',
  name: 'User',
  namespace: 'accord.test',
  fields: [
    { name: 'name', type: 'string' },
    { name: 'age', type: 'int' },
  ],
})

// Adds a field with a default: backward compatible with USER_V1.
const USER_V2 = JSON.stringify({
  type: 'record',
  name: 'User',
  namespace: 'accord.test',
  fields: [
    { name: 'name', type: 'string' },
    { name: 'age', type: 'int' },
    { name: 'email', type: ['null', 'string'], default: null },
  ],
})

// Adds a field without a default: not backward compatible with USER_V1.
const USER_INCOMPATIBLE = JSON.stringify({
  type: 'record',
  name: 'User',
  namespace: 'accord.test',
  fields: [
    { name: 'name', type: 'string' },
    { name: 'age', type: 'int' },
    { name: 'country', type: 'string' },
  ],
})

const unique = prefix => `${prefix}-${crypto.randomBytes(6).toString('hex')}`

describe('@kafkajs/confluent-schema-registry against Accord', () => {
  let accord
  const registry = () => new SchemaRegistry({ host: accord.url, retry: { retries: 1 } })

  before(async () => {
    accord = await startAccord()
  })

  after(async () => {
    if (accord) await accord.stop()
  })

  it('registers an Avro schema under a subject and returns its id', async () => {
    const subject = unique('node-register')
    const { id } = await registry().register({ type: SchemaType.AVRO, schema: USER_V1 }, { subject })
    assert.equal(typeof id, 'number')
    assert.ok(id >= 1)
    assert.equal(await registry().getLatestSchemaId(subject), id)
  })

  it('registering the same schema again returns the same id', async () => {
    const subject = unique('node-twice')
    const first = await registry().register({ type: SchemaType.AVRO, schema: USER_V1 }, { subject })
    const second = await registry().register({ type: SchemaType.AVRO, schema: USER_V1 }, { subject })
    assert.equal(second.id, first.id)
    assert.equal(await registry().getRegistryId(subject, 'latest'), first.id)
  })

  it('encodes a payload in the Confluent wire format and decodes it back', async () => {
    const subject = unique('node-roundtrip')
    const writer = registry()
    const { id } = await writer.register({ type: SchemaType.AVRO, schema: USER_V1 }, { subject })
    const payload = { name: 'Ada', age: 36 }

    const encoded = await writer.encode(id, payload)
    assert.equal(encoded[0], 0)
    assert.equal(encoded.readUInt32BE(1), id)

    // A fresh client has no cache: it must fetch the writer schema by id.
    const decoded = await registry().decode(encoded)
    assert.deepEqual({ ...decoded }, payload)
  })

  it('encodes with an id fetched from the server by a fresh client', async () => {
    const subject = unique('node-fetch-encode')
    const { id } = await registry().register({ type: SchemaType.AVRO, schema: USER_V1 }, { subject })

    const client = registry()
    const encoded = await client.encode(await client.getLatestSchemaId(subject), { name: 'Grace', age: 45 })
    assert.equal(encoded.readUInt32BE(1), id)
    assert.deepEqual({ ...(await registry().decode(encoded)) }, { name: 'Grace', age: 45 })
  })

  it('getLatestSchemaId follows a compatible new version', async () => {
    const subject = unique('node-latest')
    const v1 = await registry().register({ type: SchemaType.AVRO, schema: USER_V1 }, { subject })
    const v2 = await registry().register({ type: SchemaType.AVRO, schema: USER_V2 }, { subject })
    assert.notEqual(v2.id, v1.id)
    assert.equal(await registry().getLatestSchemaId(subject), v2.id)
  })

  it('getRegistryId returns the id of each numbered version', async () => {
    const subject = unique('node-version')
    const v1 = await registry().register({ type: SchemaType.AVRO, schema: USER_V1 }, { subject })
    const v2 = await registry().register({ type: SchemaType.AVRO, schema: USER_V2 }, { subject })
    assert.equal(await registry().getRegistryId(subject, 1), v1.id)
    assert.equal(await registry().getRegistryId(subject, 2), v2.id)
  })

  it('getRegistryIdBySchema looks a registered schema up by its text', async () => {
    const subject = unique('node-lookup')
    const { id } = await registry().register({ type: SchemaType.AVRO, schema: USER_V1 }, { subject })
    const found = await registry().getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: USER_V1 })
    assert.equal(found, id)
  })

  it('getSchema returns the registered Avro schema by id', async () => {
    const subject = unique('node-get-schema')
    const { id } = await registry().register({ type: SchemaType.AVRO, schema: USER_V1 }, { subject })
    const schema = await registry().getSchema(id)
    assert.equal(schema.name, 'accord.test.User')
  })

  it('decodes old data with a newer reader schema', async () => {
    const subject = unique('node-reader')
    const writer = registry()
    const { id } = await writer.register({ type: SchemaType.AVRO, schema: USER_V1 }, { subject })
    const encoded = await writer.encode(id, { name: 'Linus', age: 28 })

    const reader = registry()
    const readerSchema = await reader.getSchema(
      (await reader.register({ type: SchemaType.AVRO, schema: USER_V2 }, { subject })).id,
    )
    const decoded = await reader.decode(encoded, { [SchemaType.AVRO]: { readerSchema } })
    assert.deepEqual({ ...decoded }, { name: 'Linus', age: 28, email: null })
  })

  it('the first registration sets the subject compatibility the client asked for', async () => {
    const subject = unique('node-compat-config')
    await registry().register(
      { type: SchemaType.AVRO, schema: USER_V1 },
      { subject, compatibility: COMPATIBILITY.FULL },
    )
    // A later registration asking for another level is refused by the client, after it reads
    // the subject's level back from the server.
    await assert.rejects(
      registry().register(
        { type: SchemaType.AVRO, schema: USER_V2 },
        { subject, compatibility: COMPATIBILITY.BACKWARD },
      ),
      error => error.name === 'ConfluentSchemaRegistryCompatibilityError' && /FULL/.test(error.message),
    )
    const v2 = await registry().register(
      { type: SchemaType.AVRO, schema: USER_V2 },
      { subject, compatibility: COMPATIBILITY.FULL },
    )
    assert.equal(await registry().getLatestSchemaId(subject), v2.id)
  })

  it('refuses an incompatible registration with HTTP 409', async () => {
    const subject = unique('node-incompatible')
    const { id } = await registry().register({ type: SchemaType.AVRO, schema: USER_V1 }, { subject })
    await assert.rejects(
      registry().register({ type: SchemaType.AVRO, schema: USER_INCOMPATIBLE }, { subject }),
      error => {
        assert.equal(error.status, 409)
        assert.match(error.message, /incompatible/i)
        return true
      },
    )
    assert.equal(await registry().getLatestSchemaId(subject), id)
  })

  it('an unknown subject is answered with HTTP 404', async () => {
    await assert.rejects(registry().getLatestSchemaId(unique('node-nobody')), error => {
      assert.equal(error.status, 404)
      return true
    })
  })

  it('an unknown schema id is answered with HTTP 404', async () => {
    await assert.rejects(registry().getSchema(987654321), error => {
      assert.equal(error.status, 404)
      return true
    })
  })
})
