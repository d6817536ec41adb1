// Breaking a contract together, in the web UI, with authentication on: the producer checks a
// breaking change and proposes it from the check view; each consumer signs in, finds it in its
// inbox and answers ready; the proposal is approved; the producer's registration lands it, and
// the stream page shows the new version without a reload (live updates from the event feed).
// Then webhook subscriptions: a failing receiver is marked failing, and a service sees only its
// team's. The proposal page's screenshot goes to docs/screenshots/proposal.png.

import assert from 'node:assert/strict'
import http from 'node:http'
import net from 'node:net'
import { after, before, describe, test } from 'node:test'

import { startAccord } from '../support/accord.mjs'
import { launch, screenshot } from '../support/browser.mjs'
import { basicAuth, client, seed } from '../support/seed.mjs'

const ADMIN_TOKEN = 'ui-test-admin-token'

// shared.money-value is produced by catalog and consumed by billing and ledger (seed.mjs); the
// candidate makes the amount a string, which no reader of a long can read.
const MONEY = 'shared.money-value'
const MONEY_V2_BREAKING = JSON.stringify({
  type: 'record', name: 'Money', namespace: 'com.example.shared',
  doc: 'An amount in the smallest unit of a currency.',
  fields: [{ name: 'amount_minor', type: 'string' }, { name: 'currency', type: 'string' }],
}, null, 2)
const SUMMARY = 'Amounts become decimal strings: parse amount_minor with BigDecimal from v2 on'

async function signIn(page, service, secret) {
  await page.getByRole('heading', { name: 'Sign in to Accord' }).waitFor()
  await page.getByLabel('A service (name and secret)', { exact: true }).check()
  await page.getByLabel('Service name', { exact: true }).fill(service)
  await page.getByLabel('Secret', { exact: true }).fill(secret)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.locator('.session', { hasText: service }).waitFor()
}

async function signOut(page) {
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByRole('heading', { name: 'Sign in to Accord' }).waitFor()
}

/** Waits until `check()` returns a truthy value, polling; returns it. */
async function eventually(check, what, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

describe('change proposals in the web UI', () => {
  let server, browser, page, secrets, proposalUrl

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

  test('the producer proposes a breaking change from the check view', async () => {
    await page.goto(`${server.url}/ui/#/check?stream=${MONEY}`)
    await signIn(page, 'catalog', secrets.catalog)
    await page.getByText(`Checked against ${MONEY} (latest: v1).`).waitFor()
    await page.getByLabel('Candidate schema', { exact: true }).fill(MONEY_V2_BREAKING)
    await page.getByRole('button', { name: 'Check compatibility' }).click()

    await page.getByRole('heading', { name: 'Propose this change' }).waitFor()
    await page.getByLabel('Summary', { exact: true }).fill(SUMMARY)
    await page.getByRole('button', { name: 'Propose this change' }).click()

    await page.getByRole('heading', { name: `#1 ${SUMMARY}` }).waitFor()
    assert.match(page.url(), /#\/proposals\/1$/)
    proposalUrl = page.url()
    assert.equal(await page.locator('.facts .state').innerText(), 'open')
    assert.ok((await page.locator('.facts').innerText()).includes('opened by catalog'))
    const affected = page.getByRole('table', { name: 'Affected services' })
    for (const service of ['billing', 'ledger']) {
      const text = await affected.locator('tbody tr', { hasText: service }).innerText()
      assert.ok(text.includes('pending') && text.includes('payments') && text.includes('payments@example.com'), text)
    }
    assert.equal(await affected.locator('tbody tr').count(), 2)
    assert.ok((await page.locator('.changes').innerText()).includes('TYPE_MISMATCH'))
    // The candidate against the latest version, with the change marked on its line.
    const diff = page.getByRole('table', { name: 'Side-by-side diff' })
    assert.ok((await diff.locator('thead').innerText()).includes('v1 (latest)'))
    assert.ok((await diff.locator('tr.row-breaking').innerText()).includes('amount_minor'))
    // The producer may withdraw, not answer.
    assert.ok(await page.getByRole('button', { name: 'Withdraw' }).isVisible())
    assert.equal(await page.getByRole('button', { name: 'Ready' }).count(), 0)
    await signOut(page)
  })

  test('a consumer finds it in its inbox, with a count in the navigation, and answers ready', async () => {
    await page.goto(`${server.url}/ui/#/proposals`)
    await signIn(page, 'billing', secrets.billing)

    const inbox = page.getByRole('table', { name: 'Your inbox' })
    await inbox.waitFor()
    assert.equal(await inbox.locator('tbody tr').count(), 1)
    assert.equal(await page.locator('#inbox-count').textContent(), '1 awaiting your answer')
    assert.ok(await page.locator('#inbox-count').isVisible())
    await page.getByRole('heading', { name: 'Open (1)' }).waitFor()
    await screenshot(page, 'proposals')
    await inbox.getByRole('link', { name: `#1 ${SUMMARY}` }).click()

    await page.getByLabel('Comment', { exact: true }).fill('invoices parse strings since 5.1')
    await page.getByRole('button', { name: 'Ready' }).click()

    const row = page.getByRole('table', { name: 'Affected services' }).locator('tbody tr', { hasText: 'billing' })
    await row.getByText('invoices parse strings since 5.1').waitFor()
    assert.ok((await row.innerText()).includes('ready'))
    await page.getByRole('heading', { name: /1 of 2 ready/ }).waitFor()
    assert.equal(await page.locator('.facts .state').innerText(), 'open')
    await eventually(async () => !(await page.locator('#inbox-count').isVisible()), 'the inbox count to go')
    await page.locator('.mainnav').getByRole('link', { name: /^Proposals/ }).click()
    await page.getByText('No proposal is waiting for billing\'s answer.').waitFor()
    await signOut(page)
  })

  test('once the other consumer is ready too, the proposal is approved', async () => {
    await page.goto(proposalUrl)
    await signIn(page, 'ledger', secrets.ledger)

    await page.getByRole('button', { name: 'Ready' }).click()

    await page.getByText(/^Approved\./).waitFor()
    assert.equal(await page.locator('.facts .state').innerText(), 'approved')
    await page.getByRole('heading', { name: /2 of 2 ready/ }).waitFor()
    await screenshot(page, 'proposal', { fullPage: true })
  })

  test('the stream lists its open proposal and shows the version that lands, without a reload', async () => {
    await page.goto(`${server.url}/ui/#/streams/${MONEY}`)
    const proposals = page.getByRole('list', { name: 'Open proposals' })
    await proposals.waitFor()
    assert.equal(await proposals.getByRole('link', { name: `#1 ${SUMMARY}` }).getAttribute('href'), '#/proposals/1')
    assert.equal(await page.getByRole('link', { name: 'Version 2' }).count(), 0)
    // Marks this document: a reload would lose the mark.
    await page.evaluate(() => { window.notReloaded = true })
    // No wait for the page to connect to the feed: it follows from where the feed stood when it
    // read the stream, so a registration right away is not missed.

    // The producer's ordinary registration lands the approved proposal as version 2.
    const catalog = client(server.url, basicAuth('catalog', secrets.catalog))
    await catalog('POST', `/subjects/${MONEY}/versions`, { schema: MONEY_V2_BREAKING })

    await page.getByRole('link', { name: 'Version 2' }).waitFor()
    assert.equal(await page.evaluate(() => window.notReloaded), true)
    await page.locator('.facts', { hasText: 'latest v2' }).waitFor()
    await page.getByRole('list', { name: 'Open proposals' }).waitFor({ state: 'detached' })
  })

  test('the Proposals view lists it among the decided, applied', async () => {
    await page.locator('.mainnav').getByRole('link', { name: /^Proposals/ }).click()
    const decided = page.getByRole('table', { name: 'Decided proposals' })
    await decided.waitFor()
    assert.ok((await decided.locator('tbody tr').innerText()).includes('applied'))
    await decided.getByRole('link', { name: `#1 ${SUMMARY}` }).click()
    await page.getByText(/^Applied as version 2 by catalog/).waitFor()
  })

  test('the admin answers for a service, and rejects a proposal with a reason', async () => {
    const catalog = client(server.url, basicAuth('catalog', secrets.catalog))
    const candidate = JSON.parse(MONEY_V2_BREAKING)
    candidate.fields[1].type = 'int'
    const proposal = await catalog('POST', `/governance/subjects/${MONEY}/proposals`, {
      schema: JSON.stringify(candidate), summary: 'Currencies become ISO 4217 numbers',
    })
    await signOut(page)
    await page.goto(`${server.url}/ui/#/proposals/${proposal.id}`)
    await page.getByLabel('The admin (token)', { exact: true }).check()
    await page.getByLabel('Admin token', { exact: true }).fill(ADMIN_TOKEN)
    await page.getByRole('button', { name: 'Sign in' }).click()

    await page.getByLabel('Service', { exact: true }).selectOption('billing')
    await page.getByLabel('Comment', { exact: true }).fill('the ledger export needs the letters')
    await page.getByRole('button', { name: 'Blocked' }).click()
    const billing = page.getByRole('table', { name: 'Affected services' }).locator('tbody tr', { hasText: 'billing' })
    await billing.getByText('the ledger export needs the letters').waitFor()
    assert.ok((await billing.innerText()).includes('blocked') && (await billing.innerText()).includes('by admin'))

    await page.getByRole('button', { name: 'Reject' }).click()
    await page.getByRole('alert').filter({ hasText: 'Give a reason' }).waitFor()
    await page.getByLabel('Reason', { exact: true }).fill('billing is blocked; keep the letters')
    await page.getByRole('button', { name: 'Reject' }).click()
    await page.getByText(/^Rejected by admin/).waitFor()
    await page.getByText('Reason: billing is blocked; keep the letters').waitFor()
    assert.equal(await page.getByRole('button', { name: 'Reject' }).count(), 0)
  })

  test('after the event feed drops, the stream page reconnects from the last event it saw, and leaving ends it', async () => {
    // The first connection to the feed fails; the page must connect again by itself.
    const feeds = []
    await page.route('**/governance/events*', route => {
      const request = route.request()
      if (!(request.headers().accept || '').includes('text/event-stream')) return route.continue()
      feeds.push(request.headers()['last-event-id'])
      return feeds.length === 1 ? route.abort() : route.continue()
    })
    await page.goto(`${server.url}/ui/#/streams/${MONEY}`)
    await page.getByRole('link', { name: 'Version 2' }).waitFor()
    await eventually(() => feeds.length >= 2, 'the page to connect to the feed again')
    assert.match(feeds[1], /^\d+$/, 'the second connection resumes with Last-Event-ID')
    await page.evaluate(() => { window.notReloaded = true })

    const catalog = client(server.url, basicAuth('catalog', secrets.catalog))
    const v3 = JSON.parse(MONEY_V2_BREAKING)
    v3.fields.push({ name: 'scale', type: 'int', default: 0 })
    await catalog('POST', `/subjects/${MONEY}/versions`, { schema: JSON.stringify(v3) })

    await page.getByRole('link', { name: 'Version 3' }).waitFor()
    assert.equal(await page.evaluate(() => window.notReloaded), true)
    await page.unroute('**/governance/events*')

    // Leaving the page ends its connection to the feed.
    const closed = page.waitForEvent('requestfailed', request => request.url().includes('/governance/events'))
    await page.locator('.mainnav').getByRole('link', { name: /^Proposals/ }).click()
    await page.getByRole('table', { name: 'Decided proposals' }).waitFor()
    await closed
  })

  test('no request leaves the server\'s origin, and no script fails', () => {
    const foreign = browser.requests.filter(url => new URL(url).origin !== server.url)
    assert.deepEqual(foreign, [])
    assert.deepEqual(browser.errors, [])
  })
})

/** Returns a loopback port nothing listens on. */
async function closedPort() {
  const probe = net.createServer()
  await new Promise(resolve => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address()
  await new Promise(resolve => probe.close(resolve))
  return port
}

describe('webhook subscriptions in the web UI', () => {
  let server, browser, page, secrets, receiver, receiverUrl, deadUrl

  before(async () => {
    // Retries come fast, so a failing receiver shows failed attempts within the test.
    server = await startAccord({ adminToken: ADMIN_TOKEN, args: ['--webhook-first-retry-ms', '50'] })
    secrets = await seed(server.url, { adminToken: ADMIN_TOKEN })
    receiver = http.createServer((request, response) => {
      request.resume()
      request.on('end', () => response.writeHead(204).end())
    })
    await new Promise(resolve => receiver.listen(0, '127.0.0.1', resolve))
    receiverUrl = `http://127.0.0.1:${receiver.address().port}/accord`
    deadUrl = `http://127.0.0.1:${await closedPort()}/hooks`
    browser = await launch()
    page = await browser.context.newPage()
  })

  after(async () => {
    await browser?.close()
    await server?.stop()
    receiver?.close()
  })

  test('the admin sees every subscription, the failing one marked failing', async () => {
    const admin = client(server.url, `Bearer ${ADMIN_TOKEN}`)
    const billing = client(server.url, basicAuth('billing', secrets.billing))
    await admin('POST', '/governance/webhooks', { url: deadUrl, team: 'analytics', events: ['dev.accord.schema.*'] })
    await billing('POST', '/governance/webhooks', { url: receiverUrl, subjects: ['payments.*'] })
    // An event for both to deliver.
    await billing('PUT', '/governance/subjects/payments.payment-refunded-value/consumers/reporting')
    await admin('POST', '/subjects/analytics.daily-value/versions', {
      schema: JSON.stringify({ type: 'record', name: 'Daily', fields: [{ name: 'day', type: 'string' }] }),
    })
    await eventually(async () => {
      const { webhooks } = await admin('GET', '/governance/webhooks')
      return webhooks.some(w => w.url === deadUrl && (w.attempts > 0 || w.failing))
    }, 'failed attempts at the closed port')

    await page.goto(`${server.url}/ui/#/subscriptions`)
    await page.getByLabel('The admin (token)', { exact: true }).check()
    await page.getByLabel('Admin token', { exact: true }).fill(ADMIN_TOKEN)
    await page.getByRole('button', { name: 'Sign in' }).click()

    const table = page.getByRole('table', { name: 'Subscriptions' })
    await table.waitFor()
    assert.equal(await table.locator('tbody tr').count(), 2)
    const dead = table.locator('tbody tr', { hasText: deadUrl })
    const deadText = await dead.innerText()
    assert.ok(deadText.includes('failing') && /\d+ failed attempts? at the next event/.test(deadText), deadText)
    assert.ok(deadText.includes('dev.accord.schema.*') && deadText.includes('analytics'), deadText)
    assert.equal(await dead.getAttribute('class'), 'failing')
    const live = await table.locator('tbody tr', { hasText: receiverUrl }).innerText()
    assert.ok(!live.includes('failing') && live.includes('payments.*') && live.includes('ok'), live)
    await page.getByText('1 failing').waitFor()
    await screenshot(page, 'subscriptions', { fullPage: true })
    await signOut(page)
  })

  test('a service sees its team\'s subscriptions only', async () => {
    await signIn(page, 'ledger', secrets.ledger)
    const table = page.getByRole('table', { name: 'Subscriptions' })
    await table.waitFor()
    const rows = await table.locator('tbody tr').allInnerTexts()
    assert.equal(rows.length, 1, rows.join('\n'))
    assert.ok(rows[0].includes(receiverUrl) && rows[0].includes('payments'), rows[0])
  })

  test('no script fails', () => {
    assert.deepEqual(browser.errors, [])
  })
})
