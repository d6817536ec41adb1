// A version's generated code and sample messages in the web UI, with authentication on and
// reads enforced: a granted consumer opens an Avro contract that references another stream,
// picks languages among those the server names, previews the files, downloads the zip and
// copies a sample's wire form; another consumer does the same for a Protobuf contract; and a
// schema the server cannot sample shows the server's message. The code view's screenshot goes
// to docs/screenshots/codegen.png.

import assert from 'node:assert/strict'
import fs from 'node:fs'
import { after, before, describe, test } from 'node:test'

import { mainFile, mainTypeName, supportedIn } from '../../../assets/ui/codegen.js'
import { startAccord } from '../support/accord.mjs'
import { launch, screenshot } from '../support/browser.mjs'
import { basicAuth, client, seed } from '../support/seed.mjs'

const ADMIN_TOKEN = 'ui-test-admin-token'

// From seed.mjs: PaymentCaptured references shared.money-value's Money; billing produces it,
// ledger consumes it. ShipmentDispatched is Protobuf, produced by shipping, consumed by orders.
const PAYMENTS = 'payments.payment-captured-value'
const SHIPMENTS = 'fulfilment.shipment-dispatched-value'
const SKUS = 'catalog.sku-value'
const SKU = JSON.stringify({
  title: 'Sku', type: 'object', required: ['code'],
  properties: { code: { type: 'string', pattern: '^[A-Z]{3}-[0-9]{4}$' } },
})

describe('choosing the file to preview', () => {
  test('the file named after the main type comes first, not the type it references', () => {
    const files = ['Money.java', 'PaymentCaptured.java', 'AccordSchemas.java', 'PaymentCapturedSampleTest.java']
      .map(name => ({ path: `src/main/java/com/example/${name}`, content: '' }))
    const type = mainTypeName(JSON.stringify({ type: 'record', name: 'com.example.PaymentCaptured', fields: [] }), 'AVRO')

    assert.equal(mainFile(files, type, 'java').path, 'src/main/java/com/example/PaymentCaptured.java')
  })

  test('a Protobuf message matches its snake_case file, but TypeScript shows its types file', () => {
    const bundle = [{ path: 'decode_sample.sh' }, { path: 'com/example/v1/shipment_dispatched.proto' }]
    const typescript = [{ path: 'proto/com/example/v1/shipment_dispatched.proto' }, { path: 'src/schema.ts' }, { path: 'src/types.ts' }]
    const type = mainTypeName('syntax = "proto3";\n// A parcel.\nmessage ShipmentDispatched {}\n', 'PROTOBUF')

    assert.equal(mainFile(bundle, type, 'proto').path, 'com/example/v1/shipment_dispatched.proto')
    assert.equal(mainFile(typescript, type, 'typescript').path, 'src/types.ts')
  })

  test('the languages come from the server\'s refusal of none', () => {
    assert.deepEqual(supportedIn("language '' is not supported for AVRO schemas; supported: java, typescript, python"),
      ['java', 'typescript', 'python'])
    assert.deepEqual(supportedIn("language '' is not supported for JSON schemas; supported: none yet"), [])
    assert.equal(supportedIn('subject not found'), null)
  })
})

describe('generated code and sample messages in the web UI', () => {
  let server, browser, page, secrets

  /** Returns what the API answers `path` for `service`, as the UI's own requests would. */
  const asService = async (service, path, accept = 'application/json') => {
    const response = await fetch(server.url + path, { headers: { Accept: accept, Authorization: basicAuth(service, secrets[service]) } })
    return { status: response.status, body: accept.includes('json') ? await response.json() : Buffer.from(await response.arrayBuffer()) }
  }

  const signIn = async (service, to) => {
    await page.goto(`${server.url}/ui/#/streams/${to}/versions/1`)
    if (await page.getByRole('button', { name: 'Sign out' }).isVisible()) {
      await page.getByRole('button', { name: 'Sign out' }).click()
    }
    await page.getByLabel('A service (name and secret)', { exact: true }).check()
    await page.getByLabel('Service name', { exact: true }).fill(service)
    await page.getByLabel('Secret', { exact: true }).fill(secrets[service])
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Code and samples of version 1' }).waitFor()
  }

  const preview = path => page.getByRole('region', { name: `Preview of ${path}` })

  before(async () => {
    server = await startAccord({ adminToken: ADMIN_TOKEN, args: ['--read-access', 'enforce'] })
    secrets = await seed(server.url, { adminToken: ADMIN_TOKEN, reads: false })
    await client(server.url, `Bearer ${ADMIN_TOKEN}`)('POST', `/subjects/${SKUS}/versions`, { schema: SKU, schemaType: 'JSON' })
    browser = await launch()
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url })
    page = await browser.context.newPage()
  })

  after(async () => {
    await browser?.close()
    await server?.stop()
  })

  test('a consumer generates Java for a record that references another stream, and previews both', async () => {
    await signIn('ledger', PAYMENTS)

    await page.getByRole('button', { name: 'Generate code' }).click()

    const picker = page.getByLabel('Language', { exact: true })
    await preview('src/main/java/com/example/payments/PaymentCaptured.java').waitFor()
    const refusal = await asService('ledger', `/subjects/${PAYMENTS}/versions/1/code?lang=`)
    assert.equal(refusal.status, 422)
    assert.deepEqual(await picker.locator('option').evaluateAll(options => options.map(o => o.value)),
      supportedIn(refusal.body.message))
    assert.equal(await picker.inputValue(), 'java')
    assert.ok((await preview('src/main/java/com/example/payments/PaymentCaptured.java').innerText())
      .includes('public class PaymentCaptured'))
    const files = page.getByRole('list', { name: 'Generated files' })
    await files.getByRole('button', { name: 'src/main/java/com/example/shared/Money.java' }).click()
    assert.ok((await preview('src/main/java/com/example/shared/Money.java').innerText()).includes('public class Money'))
    assert.equal(await files.getByRole('button', { pressed: true }).innerText(), 'src/main/java/com/example/shared/Money.java')
  })

  test('TypeScript previews the types file, and the zip downloads with the consumer\'s credential', async () => {
    await page.getByLabel('Language', { exact: true }).selectOption('typescript')

    const types = preview('src/types.ts')
    await types.waitFor()
    const text = await types.innerText()
    assert.ok(text.includes('export interface PaymentCaptured') && text.includes('export interface Money'), text)
    await page.getByRole('list', { name: 'Generated files' }).getByRole('button', { name: 'src/sample.test.ts' }).waitFor()
    await screenshot(page, 'codegen', { fullPage: true, clip: await cardClip(page) })

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the zip' }).click(),
    ])

    assert.equal(download.suggestedFilename(), `${PAYMENTS}-v1-typescript.zip`)
    const zip = fs.readFileSync(await download.path())
    assert.equal(zip.subarray(0, 4).toString('latin1'), 'PK\x03\x04')
    for (const name of ['src/types.ts', 'src/schema.ts', 'src/sample.test.ts']) {
      assert.ok(zip.includes(name), `the zip holds ${name}`)
    }
  })

  test('sample messages show each sample as JSON and on the wire, and copy the wire form', async () => {
    await page.getByRole('button', { name: 'Sample messages' }).click()

    const samples = page.getByRole('list', { name: 'Sample messages' })
    await samples.waitFor()
    const { body } = await asService('ledger', `/subjects/${PAYMENTS}/versions/1/examples`)
    const version = (await asService('ledger', `/subjects/${PAYMENTS}/versions/1`)).body
    assert.equal(await samples.locator(':scope > li').count(), body.examples.length)
    assert.ok(body.examples.length >= 4, 'one sample per symbol of Method')
    const json = await page.getByRole('region', { name: 'JSON of sample 1' }).innerText()
    assert.ok(json.includes('"payment_id"') && json.includes('"amount_minor"'), json)
    const wire = body.examples[0].wire_base64
    assert.equal(await page.getByLabel('Wire message of sample 1', { exact: true }).innerText(), wire)
    const bytes = Buffer.from(wire, 'base64')
    assert.equal(bytes[0], 0)
    assert.equal(bytes.readUInt32BE(1), version.id)
    assert.ok(await samples.getByText(`magic byte 0, schema id ${version.id}, then the message`).first().isVisible())

    await page.getByRole('button', { name: 'Copy the wire message of sample 1' }).click()

    await page.getByRole('button', { name: 'Copy the wire message of sample 1' }).filter({ hasText: 'Copied' }).waitFor()
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), wire)
  })

  test('the code view stays as it was when the page redraws for a new version', async () => {
    await page.getByRole('button', { name: 'Generate code' }).click()
    await preview('src/types.ts').waitFor()
    const v1 = (await asService('ledger', `/subjects/${PAYMENTS}/versions/1`)).body
    const schema = JSON.parse(v1.schema)
    schema.fields.push({ name: 'note', type: ['null', 'string'], default: null })

    await client(server.url, basicAuth('billing', secrets.billing))('POST', `/subjects/${PAYMENTS}/versions`,
      { schema: JSON.stringify(schema), references: v1.references })

    await page.getByRole('link', { name: 'Version 2' }).waitFor()
    assert.equal(await page.getByLabel('Language', { exact: true }).inputValue(), 'typescript')
    assert.ok(await preview('src/types.ts').isVisible())
    assert.equal(await page.getByRole('button', { name: 'Generate code' }).getAttribute('aria-expanded'), 'true')
  })

  test('a Protobuf contract generates its bundle and TypeScript', async () => {
    await signIn('orders', SHIPMENTS)
    await page.getByRole('button', { name: 'Generate code' }).click()

    const proto = preview('com/example/fulfilment/v1/shipment_dispatched.proto')
    await proto.waitFor()
    assert.ok((await proto.innerText()).includes('message ShipmentDispatched'))
    const options = await page.getByLabel('Language', { exact: true }).locator('option').allInnerTexts()
    assert.ok(options.includes('Protobuf bundle') && options.includes('TypeScript') && !options.includes('Java'), options.join(', '))
    await page.getByLabel('Language', { exact: true }).selectOption('typescript')
    await preview('src/types.ts').filter({ hasText: /export (interface|type) ShipmentDispatched\b/ }).waitFor()

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the zip' }).click(),
    ])
    const zip = fs.readFileSync(await download.path())
    assert.equal(zip.subarray(0, 2).toString('latin1'), 'PK')
    assert.ok(zip.includes('proto/com/example/fulfilment/v1/shipment_dispatched.proto'))
  })

  test('a schema the server cannot sample shows the server\'s message, for samples and for code', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByLabel('The admin (token)', { exact: true }).check()
    await page.getByLabel('Admin token', { exact: true }).fill(ADMIN_TOKEN)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.goto(`${server.url}/ui/#/streams/${SKUS}/versions/1`)
    await page.getByRole('heading', { name: 'Code and samples of version 1' }).waitFor()

    await page.getByRole('button', { name: 'Sample messages' }).click()

    const alert = page.getByRole('alert').filter({ hasText: 'Could not build sample messages' })
    await alert.waitFor()
    assert.ok((await alert.innerText()).includes('does not match "^[A-Z]{3}-[0-9]{4}$"'), await alert.innerText())
    assert.ok((await alert.innerText()).includes('HTTP 422'))
    await page.getByRole('button', { name: 'Generate code' }).click()
    await page.getByRole('alert').filter({ hasText: 'Could not generate Java code' }).waitFor()
  })

  test('no request leaves the server\'s origin, and no script fails', () => {
    const foreign = browser.requests.filter(url => !url.startsWith('blob:') && new URL(url).origin !== server.url)
    assert.deepEqual(foreign, [])
    assert.ok(browser.requests.includes(`${server.url}/ui/codegen.js`))
    assert.deepEqual(browser.errors, [])
  })
})

/** The code card's area on the page, with a margin, for a full-page screenshot. */
async function cardClip(page) {
  return page.locator('.code-card').evaluate(card => {
    const box = card.getBoundingClientRect()
    return { x: box.x - 12, y: box.y + window.scrollY - 12, width: box.width + 24, height: box.height + 24 }
  })
}
