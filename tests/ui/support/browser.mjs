// Launches Debian's chromium headless through playwright-core, with a fresh profile, and
// records every request its pages make (to check that none leaves the server's origin).

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

export const CHROMIUM = process.env.ACCORD_CHROMIUM || '/usr/bin/chromium'
export const SCREENSHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'screenshots')

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

/**
 * Returns `{context, requests, errors, close}`: a browser context whose every request URL is
 * pushed to `requests`, and whose pages' uncaught errors are pushed to `errors`.
 */
export async function launch(options = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-ui-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 860 },
    locale: 'en-US',
    timezoneId: 'UTC',
    colorScheme: 'light',
    ...options,
  })
  context.setDefaultTimeout(15000)
  const requests = []
  const errors = []
  context.on('request', request => requests.push(request.url()))
  context.on('page', page => page.on('pageerror', error => errors.push(error.message)))
  for (const page of context.pages()) page.on('pageerror', error => errors.push(error.message))
  const close = async () => {
    await context.close()
    fs.rmSync(profile, { recursive: true, force: true })
  }
  return { context, requests, errors, close }
}

/** Saves a screenshot of `page` as docs/screenshots/`name`.png. */
export async function screenshot(page, name, options = {}) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  await page.evaluate(() => document.activeElement && document.activeElement.blur())
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), animations: 'disabled', ...options })
}
