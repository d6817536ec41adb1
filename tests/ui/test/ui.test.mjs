// The web UI end to end: the real accord binary, a real headless chromium, and the story of
// issue 9: find a stream, see its consumers and their teams, diff two versions, and check a
// breaking change to see whom it would affect; and who really reads a stream: declared
// consumers beside observed readers, the drift across all streams, and the undeclared readers
// a change would reach. Screenshots of the views go to docs/screenshots/.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import { startAccord } from '../support/accord.mjs'
import { launch, screenshot } from '../support/browser.mjs'
import { CLIENTS, ORDERS, ORDER_V3_BREAKING, seed } from '../support/seed.mjs'

const ADMIN_TOKEN = 'ui-test-admin-token'

/** Asserts that every request went to `origin` and that the page's own files were among them. */
function assertSameOrigin(requests, origin) {
  assert.ok(requests.length > 0, 'the browser made requests')
  const foreign = requests.filter(url => new URL(url).origin !== origin)
  assert.deepEqual(foreign, [], `requests outside ${origin}`)
  for (const file of ['/ui/app.js', '/ui/style.css', '/ui/favicon.svg']) {
    assert.ok(requests.includes(origin + file), `${file} was loaded from the server`)
  }
}

describe('the web UI with authentication on', () => {
  let server, browser, page, secrets

  before(async () => {
    server = await startAccord({ adminToken: ADMIN_TOKEN })
    secrets = await seed(server.url, { adminToken: ADMIN_TOKEN })
    browser = await launch()
    page = await browser.context.newPage()
  })

  after(async () => {
    await browser?.close()
    await server?.stop()
  })

  test('a browser opening the server is sent to the UI, which asks for a credential', async () => {
    await page.goto(server.url + '/')

    assert.equal(new URL(page.url()).pathname, '/ui/')
    await page.getByRole('heading', { name: 'Sign in to Accord' }).waitFor()
    await screenshot(page, 'sign-in', { clip: { x: 0, y: 0, width: 1280, height: 640 } })
  })

  test('a wrong token is refused with the API\'s message', async () => {
    await page.getByLabel('The admin (token)', { exact: true }).check()
    await page.getByLabel('Admin token', { exact: true }).fill('not-the-token')
    await page.getByRole('button', { name: 'Sign in' }).click()

    await page.getByRole('alert').filter({ hasText: 'Invalid credential' }).waitFor()
    assert.equal(await page.evaluate(() => sessionStorage.length), 0)
  })

  test('the admin signs in and finds the stream by name', async () => {
    await page.getByLabel('Admin token', { exact: true }).fill(ADMIN_TOKEN)
    await page.getByRole('button', { name: 'Sign in' }).click()
    const table = page.getByRole('table', { name: 'Streams' })
    await table.waitFor()
    assert.equal(await table.locator('tbody tr').count(), 5)
    await screenshot(page, 'streams')

    await page.getByLabel('Name', { exact: true }).fill('orders')

    await page.getByText('1 of 5 streams').waitFor()
    const row = table.locator('tbody tr')
    assert.equal(await row.count(), 1)
    const text = await row.innerText()
    for (const expected of [ORDERS, 'Avro', 'v2', 'FULL', 'orders', 'fulfilment', '2']) {
      assert.ok(text.includes(expected), `the row shows ${expected}: ${text}`)
    }
    assert.match(page.url(), /#\/streams\?q=orders$/)
  })

  test('filters by team and format', async () => {
    await page.getByLabel('Name', { exact: true }).fill('')
    await page.getByLabel('Producer team', { exact: true }).selectOption('payments')
    await page.getByText('2 of 5 streams').waitFor()
    await page.getByLabel('Format', { exact: true }).selectOption('JSON')
    await page.getByText('1 of 5 streams').waitFor()
    assert.ok(await page.getByRole('link', { name: 'payments.payment-refunded-value' }).isVisible())

    await page.getByLabel('Producer team', { exact: true }).selectOption('platform')

    await page.getByText('No stream matches these filters.').waitFor()
    await page.getByRole('button', { name: 'Clear the filters' }).click()
    await page.getByText('5 of 5 streams').waitFor()
  })

  test('the stream shows its versions, producer, and both consumers with their teams', async () => {
    await page.getByRole('link', { name: ORDERS, exact: true }).click()

    await page.getByRole('heading', { name: 'Consumers and readers' }).waitFor()
    assert.match(page.url(), /#\/streams\/orders-value$/)
    const readers = page.getByRole('table', { name: 'Consumers and readers' })
    const text = await readers.innerText()
    for (const expected of ['billing', 'payments', 'payments@example.com', 'reporting',
      'analytics', 'data@example.com', 'granted by orders']) {
      assert.ok(text.includes(expected), `the consumers show ${expected}: ${text}`)
    }
    const versions = await page.getByRole('list', { name: 'Versions, newest first' }).innerText()
    assert.match(versions, /Version 2[\s\S]*registered[\s\S]*Version 1/)
    assert.ok((await page.getByRole('region', { name: /Schema of orders-value version 2/ }).innerText()).includes('placed_at'))
  })

  test('beside the consumers, the stream shows who really reads it: undeclared flagged, silent greyed', async () => {
    const readers = page.getByRole('table', { name: 'Consumers and readers' })
    const row = service => readers.locator('tbody tr', { has: page.getByRole('rowheader', { name: service, exact: true }) })

    const reporting = await row('reporting').innerText()
    for (const expected of ['consumer', 'just now', 'v1, v2', CLIENTS.reporting]) {
      assert.ok(reporting.includes(expected), `reporting shows ${expected}: ${reporting}`)
    }
    assert.ok(!reporting.includes('silent'), reporting)
    const billing = row('billing')
    assert.ok((await billing.innerText()).includes('silent'), await billing.innerText())
    assert.ok((await billing.innerText()).includes('never'))
    assert.match(await billing.getAttribute('class'), /\bsilent\b/)
    const ledger = await row('ledger').innerText()
    for (const expected of ['undeclared', 'payments', 'v2', CLIENTS.ledger]) {
      assert.ok(ledger.includes(expected), `ledger shows ${expected}: ${ledger}`)
    }
    assert.equal(await readers.locator('tbody tr').count(), 3)
    assert.ok(await page.getByText('2 declared consumers · 1 undeclared reader · 1 silent').isVisible())
    assert.ok(await page.getByText('1 read without a credential, the last just now.').isVisible())
    // The exact time is the tooltip of the relative one.
    assert.match(await row('ledger').locator('time').first().getAttribute('title'), /\d{4}/)
    await screenshot(page, 'stream', { fullPage: true })
  })

  test('the drift view lists the undeclared readers and the silent consumers of every stream', async () => {
    await page.getByRole('link', { name: 'Drift', exact: true }).click()

    const undeclared = page.getByRole('table', { name: 'Undeclared readers' })
    await undeclared.waitFor()
    assert.equal(await undeclared.locator('tbody tr').count(), 1)
    const row = undeclared.locator('tbody tr')
    assert.ok((await row.innerText()).includes('undeclared'))
    assert.equal(await row.getByRole('link', { name: ORDERS }).getAttribute('href'), `#/streams/${ORDERS}`)
    assert.equal(await row.getByRole('link', { name: 'ledger' }).getAttribute('href'), '#/services/ledger')
    const silent = page.getByRole('table', { name: 'Silent consumers' })
    const silentRows = await silent.locator('tbody tr').allInnerTexts()
    assert.ok(silentRows.some(text => text.includes(ORDERS) && text.includes('billing') && text.includes('never')), silentRows.join('\n'))
    assert.ok(!silentRows.some(text => text.includes(ORDERS) && text.includes('reporting')), silentRows.join('\n'))
    await page.getByRole('heading', { name: `Silent consumers (${silentRows.length})` }).waitFor()
    await screenshot(page, 'drift', { fullPage: true })

    await page.getByLabel('Silent after (days)', { exact: true }).fill('7')
    await page.getByRole('button', { name: 'Show' }).click()

    await page.getByText('Granted consumers not seen reading for 7 days, or ever').waitFor()
    assert.match(page.url(), /#\/drift\?silent_days=7$/)
    assert.equal(await page.getByRole('table', { name: 'Silent consumers' }).locator('tbody tr').count(), silentRows.length)
    await page.getByRole('table', { name: 'Undeclared readers' }).getByRole('link', { name: ORDERS }).click()
    await page.getByRole('heading', { name: 'Consumers and readers' }).waitFor()
  })

  test('a silent_days the API refuses is its message, with the form to fix it', async () => {
    await page.goto(`${server.url}/ui/#/drift?silent_days=0`)

    await page.getByRole('alert').filter({ hasText: 'silent_days must be a positive integer' }).waitFor()
    await page.getByLabel('Silent after (days)', { exact: true }).fill('30')
    await page.getByRole('button', { name: 'Show' }).click()
    await page.getByRole('table', { name: 'Undeclared readers' }).waitFor()
    await page.goto(`${server.url}/ui/#/streams/${ORDERS}`)
    await page.getByRole('heading', { name: 'Consumers and readers' }).waitFor()
  })

  test('the diff of v1 and v2 marks and explains the breaking change', async () => {
    await page.getByLabel('From', { exact: true }).selectOption('1')
    await page.getByLabel('To', { exact: true }).selectOption('2')
    await page.getByRole('button', { name: 'Show the diff' }).click()

    await page.getByText('1 breaking change from v1 to v2 under FULL.').waitFor()
    assert.match(page.url(), /#\/streams\/orders-value\/diff\/1\/2$/)
    const verdict = await page.locator('.breaking').innerText()
    assert.ok(verdict.includes('READER_FIELD_MISSING_DEFAULT_VALUE'))
    assert.ok(verdict.includes("The field 'note'"))
    assert.ok(verdict.includes('billing') && verdict.includes('reporting'), verdict)
    const diff = page.getByRole('table', { name: 'Side-by-side diff' })
    const marked = diff.locator('tr.row-breaking')
    assert.equal(await marked.count(), 1)
    assert.ok((await marked.innerText()).includes('"note"'))
    assert.ok(await diff.locator('tr.row-add').first().isVisible())
    await screenshot(page, 'diff', { fullPage: true })

    await page.getByRole('button', { name: /Show line \d+ of the old version/ }).click()
    assert.equal(await page.evaluate(() => document.activeElement.id), 'change-1')
  })

  test('checking a breaking v3 names the affected consumers, teams and contacts', async () => {
    await page.getByRole('link', { name: 'Check a change' }).first().click()
    await page.getByRole('heading', { name: 'Check a change' }).waitFor()
    await page.getByLabel('Stream', { exact: true }).selectOption(ORDERS)
    await page.getByText('Checked against orders-value (latest: v2).').waitFor()

    await page.getByLabel('Candidate schema', { exact: true }).fill(ORDER_V3_BREAKING)
    await page.getByRole('button', { name: 'Check compatibility' }).click()

    const affected = page.getByRole('table', { name: 'Affected consumers' })
    await affected.waitFor()
    const text = await affected.innerText()
    for (const expected of ['billing', 'payments', 'payments@example.com', 'payments-oncall',
      'reporting', 'analytics', 'data@example.com']) {
      assert.ok(text.includes(expected), `the affected owners show ${expected}: ${text}`)
    }
    // Among them, flagged, the service seen reading without a grant.
    await page.getByRole('heading', { name: 'Affected consumers and readers (3)' }).waitFor()
    const ledger = await affected.locator('tbody tr', { hasText: 'ledger' }).innerText()
    assert.ok(ledger.includes('undeclared') && ledger.includes('just now'), ledger)
    assert.ok(await page.getByText('1 of them reads this stream without a grant').isVisible())
    assert.ok((await page.locator('.breaking').innerText()).includes('TYPE_MISMATCH'))
    await screenshot(page, 'check', { fullPage: true })
  })

  test('a compatible candidate is said to be compatible', async () => {
    await page.getByRole('button', { name: 'Start from v2' }).click()
    await page.getByRole('button', { name: 'Check compatibility' }).click()

    await page.getByText(/^Compatible\./).waitFor()
  })

  test('services and teams show what each produces and consumes, and whom to reach', async () => {
    await page.getByRole('link', { name: 'Services', exact: true }).click()
    const services = page.getByRole('table', { name: 'Services' })
    await services.waitFor()
    const billing = await services.locator('tr', { hasText: 'Charges customers' }).innerText()
    assert.match(billing, /payments[\s\S]*payments\.payment-captured-value[\s\S]*orders-value/)
    await screenshot(page, 'services')

    await page.getByRole('link', { name: 'Teams', exact: true }).click()
    await page.getByRole('list', { name: 'Teams' }).waitFor()
    await screenshot(page, 'teams')
    await page.getByRole('link', { name: 'analytics', exact: true }).click()
    await page.getByRole('heading', { name: 'Streams consumed (2)' }).waitFor()
  })

  test('the audit log is a timeline filtered by stream', async () => {
    await page.getByRole('link', { name: 'Audit', exact: true }).click()
    const log = page.getByRole('list', { name: 'Audit log, newest first' })
    await log.locator('li').first().waitFor()
    await screenshot(page, 'audit')

    await page.getByLabel('Stream', { exact: true }).fill(ORDERS)
    await page.getByRole('button', { name: 'Filter' }).click()

    await page.getByText('The beginning of the log.').waitFor()
    const entries = await log.locator('li').allInnerTexts()
    assert.ok(entries.length >= 5, entries.join('\n'))
    assert.ok(entries.every(entry => entry.includes(ORDERS)), entries.join('\n'))
    assert.ok(entries.some(entry => entry.includes('set the compatibility of orders-value to FULL')))
  })

  test('on a phone, the stream reads in one column', async () => {
    const phone = await browser.context.newPage()
    await phone.setViewportSize({ width: 390, height: 844 })
    await phone.goto(`${server.url}/ui/#/streams/${ORDERS}`)
    // A new tab has its own session storage: it asks for the credential again.
    await phone.getByLabel('The admin (token)', { exact: true }).check()
    await phone.getByLabel('Admin token', { exact: true }).fill(ADMIN_TOKEN)
    await phone.getByRole('button', { name: 'Sign in' }).click()
    await phone.getByRole('heading', { name: 'Consumers and readers' }).waitFor()

    const width = await phone.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(width <= 390, `the page fits the phone's width (${width}px)`)
    await screenshot(phone, 'stream-phone')
    await phone.close()
  })

  test('a credential the API refuses brings the sign-in prompt back', async () => {
    await page.evaluate(() => sessionStorage.setItem('accord.authorization', 'Bearer revoked'))
    await page.goto(`${server.url}/ui/#/streams/${ORDERS}`)

    await page.getByRole('heading', { name: 'Sign in to Accord' }).waitFor()
    await page.getByRole('alert').filter({ hasText: 'Invalid credential' }).waitFor()
    assert.equal(await page.evaluate(() => sessionStorage.getItem('accord.authorization')), null)
  })

  test('a service signs in with its name and secret and sees what it may read', async () => {
    await page.getByLabel('A service (name and secret)', { exact: true }).check()
    await page.getByLabel('Service name', { exact: true }).fill('orders')
    await page.getByLabel('Secret', { exact: true }).fill(secrets.orders)
    await page.getByRole('button', { name: 'Sign in' }).click()

    // The link was shared: after signing in, the requested stream opens; its producer sees
    // every reader, itself included now that it has read the stream.
    await page.getByRole('heading', { name: 'Consumers and readers' }).waitFor()
    const readers = page.getByRole('table', { name: 'Consumers and readers' })
    assert.equal(await readers.locator('tbody tr').count(), 4)
    assert.ok((await readers.locator('tbody tr', { hasText: 'producer' }).innerText()).includes('orders'))
    assert.ok((await page.locator('.session').innerText()).includes('orders'))
    // Audit shows the entries of the streams the service produces, and only those.
    await page.getByRole('link', { name: 'Audit', exact: true }).click()
    await page.locator('.audit-entry').first().waitFor()
    const entries = await page.locator('.audit-entry').allInnerTexts()
    assert.ok(entries.length > 0)
    for (const text of entries) assert.ok(text.includes(ORDERS), text)
    assert.equal(await page.getByRole('alert').count(), 0)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('heading', { name: 'Sign in to Accord' }).waitFor()
  })

  test('a consumer sees its own reads, and the others\' as not visible, never as silent', async () => {
    await page.goto(`${server.url}/ui/#/streams`)
    await page.getByLabel('A service (name and secret)', { exact: true }).check()
    await page.getByLabel('Service name', { exact: true }).fill('reporting')
    await page.getByLabel('Secret', { exact: true }).fill(secrets.reporting)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('link', { name: ORDERS, exact: true }).click()

    const readers = page.getByRole('table', { name: 'Consumers and readers' })
    await readers.waitFor()
    const rows = await readers.locator('tbody tr').allInnerTexts()
    assert.equal(rows.length, 2, rows.join('\n'))
    assert.ok(rows.some(text => text.includes('reporting') && text.includes(CLIENTS.reporting)), rows.join('\n'))
    const billing = rows.find(text => text.includes('billing'))
    assert.ok(billing.includes('not visible') && !billing.includes('silent'), billing)
    assert.equal(await page.getByRole('alert').count(), 0)
    // Its drift is its own: the streams list it just read includes streams it is not granted.
    await page.getByRole('link', { name: 'Drift', exact: true }).click()
    await page.getByRole('table', { name: 'Undeclared readers' }).waitFor()
    const undeclared = await page.getByRole('table', { name: 'Undeclared readers' }).locator('tbody tr').allInnerTexts()
    assert.ok(undeclared.length > 0 && undeclared.every(text => text.includes('reporting')), undeclared.join('\n'))
    assert.ok(!undeclared.some(text => text.includes(ORDERS)), undeclared.join('\n'))
    await page.getByText('No silent consumers.').waitFor()
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('heading', { name: 'Sign in to Accord' }).waitFor()
  })

  test('no request leaves the server\'s origin, and no script fails', () => {
    assertSameOrigin(browser.requests, server.url)
    assert.deepEqual(browser.errors, [])
  })
})

describe('the web UI with authentication off', () => {
  let server, browser, page

  before(async () => {
    server = await startAccord()
    await seed(server.url)
    browser = await launch()
    page = await browser.context.newPage()
  })

  after(async () => {
    await browser?.close()
    await server?.stop()
  })

  test('opens without a sign-in, says authentication is off, and lists the streams', async () => {
    await page.goto(server.url + '/')

    await page.getByRole('table', { name: 'Streams' }).waitFor()
    assert.ok(await page.getByText('Authentication off').isVisible())
    assert.ok(await page.getByRole('link', { name: ORDERS, exact: true }).isVisible())
  })

  test('is usable from the keyboard: a skip link first, then the navigation', async () => {
    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content')
    await page.keyboard.press('Enter')
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main')

    await page.getByRole('link', { name: 'Check a change', exact: true }).first().focus()
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Check a change' }).waitFor()
  })

  test('shows the API\'s message for an invalid schema', async () => {
    await page.goto(`${server.url}/ui/#/check?stream=${ORDERS}`)
    await page.getByText('Checked against orders-value (latest: v2).').waitFor()
    await page.getByLabel('Candidate schema', { exact: true }).fill('{"type": "record", "name": "Broken"')
    await page.getByRole('button', { name: 'Check compatibility' }).click()

    await page.getByRole('alert').filter({ hasText: 'Could not check this schema' }).waitFor()
  })

  test('an unknown stream is a clear error, not a blank page', async () => {
    await page.goto(`${server.url}/ui/#/streams/no-such-stream`)

    await page.getByRole('alert').filter({ hasText: "Subject 'no-such-stream' not found" }).waitFor()
  })

  test('no request leaves the server\'s origin, and no script fails', () => {
    assertSameOrigin(browser.requests, server.url)
    assert.deepEqual(browser.errors, [])
  })
})
