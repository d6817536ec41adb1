// Registers a small, realistic world through the API: teams, services, streams with versions,
// producers and consumers, and — with authentication on — reads that show who really reads:
// The main story is `orders-value`: two versions, two consumers (reporting reads both versions,
// billing never reads), one undeclared reader (ledger reads without a grant) and one read
// without a credential.

const JSON_TYPE = 'application/json'

export const ORDERS = 'orders-value'

const order = (fields, doc = 'An order a customer placed.') => JSON.stringify({
  type: 'record', name: 'OrderPlaced', namespace: 'com.example.orders', doc, fields,
})
const ID_FIELDS = [
  { name: 'order_id', type: 'string' },
  { name: 'customer_id', type: 'string' },
]

/** Version 1 of orders-value. */
export const ORDER_V1 = order([
  ...ID_FIELDS,
  { name: 'total_minor', type: 'long' },
  { name: 'currency', type: 'string' },
  { name: 'note', type: 'string' },
])

/** Version 2: drops `note`, adds two fields with defaults (compatible under BACKWARD). */
export const ORDER_V2 = order([
  ...ID_FIELDS,
  { name: 'total_minor', type: 'long' },
  { name: 'currency', type: 'string' },
  { name: 'channel', type: { type: 'enum', name: 'Channel', symbols: ['WEB', 'APP', 'STORE'] }, default: 'WEB' },
  { name: 'placed_at', type: { type: 'long', logicalType: 'timestamp-millis' }, default: 0 },
])

/** A breaking v3: the total becomes a string, pretty-printed as a person would paste it. */
export const ORDER_V3_BREAKING = JSON.stringify(JSON.parse(order([
  ...ID_FIELDS,
  { name: 'total_minor', type: 'string' },
  { name: 'currency', type: 'string' },
  { name: 'channel', type: { type: 'enum', name: 'Channel', symbols: ['WEB', 'APP', 'STORE'] }, default: 'WEB' },
  { name: 'placed_at', type: { type: 'long', logicalType: 'timestamp-millis' }, default: 0 },
])), null, 2)

const MONEY = JSON.stringify({
  type: 'record', name: 'Money', namespace: 'com.example.shared',
  doc: 'An amount in the smallest unit of a currency.',
  fields: [{ name: 'amount_minor', type: 'long' }, { name: 'currency', type: 'string' }],
})

const PAYMENT_CAPTURED = JSON.stringify({
  type: 'record', name: 'PaymentCaptured', namespace: 'com.example.payments',
  fields: [
    { name: 'payment_id', type: 'string' },
    { name: 'order_id', type: 'string' },
    { name: 'amount', type: 'com.example.shared.Money' },
    { name: 'method', type: { type: 'enum', name: 'Method', symbols: ['CARD', 'TRANSFER', 'WALLET', 'UNKNOWN'], default: 'UNKNOWN' } },
  ],
})

const PAYMENT_REFUNDED = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'PaymentRefunded',
  type: 'object',
  properties: {
    payment_id: { type: 'string' },
    amount_minor: { type: 'integer', minimum: 1 },
    reason: { type: 'string', enum: ['customer_request', 'fraud', 'duplicate'] },
  },
  required: ['payment_id', 'amount_minor'],
  additionalProperties: false,
})

const SHIPMENT_PROTO = `syntax = "proto3";

package com.example.fulfilment.v1;

import "google/protobuf/timestamp.proto";

// A parcel left the warehouse.
message ShipmentDispatched {
  string shipment_id = 1;
  string order_id = 2;
  string carrier = 3;
  google.protobuf.Timestamp dispatched_at = 4;
}
`

export const TEAMS = [
  { name: 'fulfilment', contacts: [{ kind: 'chat', value: '#fulfilment' }, { kind: 'email', value: 'fulfilment@example.com' }] },
  { name: 'payments', contacts: [{ kind: 'email', value: 'payments@example.com' }, { kind: 'pager', value: 'payments-oncall' }] },
  { name: 'analytics', contacts: [{ kind: 'email', value: 'data@example.com' }, { kind: 'url', value: 'https://wiki.example.com/analytics' }] },
  { name: 'platform', contacts: [{ kind: 'chat', value: '#platform' }] },
]

export const SERVICES = [
  { name: 'orders', team: 'fulfilment', description: 'Takes and tracks customer orders.' },
  { name: 'shipping', team: 'fulfilment', description: 'Books carriers and dispatches parcels.' },
  { name: 'billing', team: 'payments', description: 'Charges customers and issues refunds.' },
  { name: 'ledger', team: 'payments', description: 'Keeps the double-entry books.' },
  { name: 'reporting', team: 'analytics', description: 'Builds the daily business reports.' },
  { name: 'catalog', team: 'platform', description: 'Owns the shared types.' },
]

/** The client names the seeded readers send as their `User-Agent`. */
export const CLIENTS = { reporting: 'reporting-etl/2.3', ledger: 'ledger-sync/0.9' }

/** A client of the API with an optional Authorization header and `User-Agent`. */
export function client(url, authorization, userAgent) {
  return async (method, path, body) => {
    const headers = { Accept: JSON_TYPE }
    if (authorization) headers.Authorization = authorization
    if (userAgent) headers['User-Agent'] = userAgent
    if (body !== undefined) headers['Content-Type'] = JSON_TYPE
    const response = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await response.text()
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`)
    return text ? JSON.parse(text) : null
  }
}

export function basicAuth(service, secret) {
  return `Basic ${Buffer.from(`${service}:${secret}`).toString('base64')}`
}

/**
 * Seeds the registry at `url`. With `adminToken`, teams and services are created by the admin
 * and each stream is registered with its producer's credential (so the producer claims it);
 * without, everything is open and producers are assigned explicitly. `reads: false` skips the
 * seeded reads (a server with `--read-access enforce` refuses the one without a grant). Returns
 * the services' secrets (empty without authentication).
 */
export async function seed(url, { adminToken, reads = true } = {}) {
  const admin = client(url, adminToken ? `Bearer ${adminToken}` : undefined)
  for (const team of TEAMS) await admin('POST', '/governance/teams', team)
  for (const service of SERVICES) await admin('POST', '/governance/services', service)
  const secrets = {}
  if (adminToken) {
    for (const { name } of SERVICES) {
      secrets[name] = (await admin('POST', `/governance/services/${name}/credentials`)).secret
    }
  }
  const as = service => adminToken ? client(url, basicAuth(service, secrets[service])) : admin
  const register = async (service, subject, schema, extra = {}) => {
    await as(service)('POST', `/subjects/${subject}/versions`, { schema, ...extra })
    if (!adminToken) await admin('PUT', `/governance/subjects/${subject}/producer`, { service })
  }
  const grant = (producer, subject, consumer) =>
    as(producer)('PUT', `/governance/subjects/${subject}/consumers/${consumer}`)

  await register('catalog', 'shared.money-value', MONEY)
  await grant('catalog', 'shared.money-value', 'billing')
  await grant('catalog', 'shared.money-value', 'ledger')

  await register('orders', ORDERS, ORDER_V1)
  await register('orders', ORDERS, ORDER_V2)
  await grant('orders', ORDERS, 'billing')
  await grant('orders', ORDERS, 'reporting')
  // The team tightened the contract after v2: now old readers must keep working too.
  await as('orders')('PUT', `/config/${ORDERS}`, { compatibility: 'FULL' })

  await register('billing', 'payments.payment-captured-value', PAYMENT_CAPTURED, {
    references: [{ name: 'com.example.shared.Money', subject: 'shared.money-value', version: 1 }],
  })
  await grant('billing', 'payments.payment-captured-value', 'ledger')
  await grant('billing', 'payments.payment-captured-value', 'reporting')
  await register('billing', 'payments.payment-refunded-value', PAYMENT_REFUNDED, { schemaType: 'JSON' })
  await grant('billing', 'payments.payment-refunded-value', 'ledger')

  await register('shipping', 'fulfilment.shipment-dispatched-value', SHIPMENT_PROTO, { schemaType: 'PROTOBUF' })
  await grant('shipping', 'fulfilment.shipment-dispatched-value', 'orders')

  if (adminToken && reads) {
    // Who really reads orders-value: a granted consumer on both versions, a service without a
    // grant (reads are open by default), and someone without a credential.
    const reader = service => client(url, basicAuth(service, secrets[service]), CLIENTS[service])
    await reader('reporting')('GET', `/subjects/${ORDERS}/versions/1`)
    await reader('reporting')('GET', `/subjects/${ORDERS}/versions/latest`)
    await reader('ledger')('GET', `/subjects/${ORDERS}/versions/latest`)
    await client(url)('GET', `/subjects/${ORDERS}/versions/latest`)
  }
  return secrets
}
