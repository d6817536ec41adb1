// The UI's entry point: the hash router (every view has its own URL), the header's session
// area, and the sign-in prompt shown when authentication is on and no credential is held, or
// when the API refuses the one held (HTTP 401).

import { api, basic, bearer, onUnauthorized, session, stopFollowing } from './api.js'
import { announce, errorBox, h, replace } from './dom.js'
import { streamsView } from './streams.js'
import { streamView } from './stream.js'
import { diffView } from './diff.js'
import { checkView, inbox, proposalView, proposalsView } from './check.js'
import { driftView, serviceView, servicesView, teamView, teamsView } from './owners.js'
import { auditView, subscriptionsView } from './audit.js'

/** Whether the server has authentication on: null until `/readyz` answers. */
let authenticationOn = null
let signInReason = null

const routes = [
  { pattern: /^\/streams$/, nav: 'streams', view: (_, query) => el => streamsView(el, query) },
  { pattern: /^\/streams\/([^/]+)$/, nav: 'streams', view: ([s]) => el => streamView(el, s, null) },
  {
    pattern: /^\/streams\/([^/]+)\/versions\/(\d+)$/,
    nav: 'streams',
    view: ([s, v]) => el => streamView(el, s, Number(v)),
  },
  {
    pattern: /^\/streams\/([^/]+)\/diff\/(\d+)\/(\d+)$/,
    nav: 'streams',
    view: ([s, a, b]) => el => diffView(el, s, Number(a), Number(b)),
  },
  { pattern: /^\/check$/, nav: 'check', view: (_, query) => el => checkView(el, query) },
  { pattern: /^\/services$/, nav: 'services', view: () => el => servicesView(el) },
  { pattern: /^\/services\/([^/]+)$/, nav: 'services', view: ([name]) => el => serviceView(el, name) },
  { pattern: /^\/teams$/, nav: 'teams', view: () => el => teamsView(el) },
  { pattern: /^\/teams\/([^/]+)$/, nav: 'teams', view: ([name]) => el => teamView(el, name) },
  { pattern: /^\/drift$/, nav: 'drift', view: (_, query) => el => driftView(el, query) },
  { pattern: /^\/audit$/, nav: 'audit', view: (_, query) => el => auditView(el, query) },
  { pattern: /^\/proposals$/, nav: 'proposals', view: () => el => proposalsView(el) },
  { pattern: /^\/proposals\/(\d+)$/, nav: 'proposals', view: ([id]) => el => proposalView(el, id) },
  { pattern: /^\/subscriptions$/, nav: 'subscriptions', view: () => el => subscriptionsView(el) },
]

/** Splits the location's hash into a path and its query. */
function currentRoute() {
  const hash = location.hash.replace(/^#/, '') || '/streams'
  const [path, search = ''] = hash.split('?')
  return { path: path === '/' ? '/streams' : path, query: new URLSearchParams(search) }
}

/** Renders the view of the current URL, or the sign-in prompt when a credential is needed. */
async function render({ focus = false } = {}) {
  const main = document.getElementById('main')
  // The page being left stops following the event feed.
  stopFollowing()
  renderSession()
  updateInboxCount()
  if (authenticationOn && !session.authorization) {
    setNav(null)
    replace(main, signInView())
    return
  }
  const { path, query } = currentRoute()
  const route = routes.find(r => r.pattern.test(path))
  setNav(route ? route.nav : null)
  // Each view renders into its own container: a view that finishes loading after the user has
  // moved on writes into a detached element and so changes nothing on screen.
  const container = h('div', { class: 'view' })
  replace(main, container)
  if (focus) main.focus({ preventScroll: true })
  window.scrollTo(0, 0)
  if (!route) {
    document.title = 'Not found · Accord'
    replace(container, h('h1', null, 'Not found'),
      h('p', null, 'There is no page at this address. ', h('a', { href: '#/streams' }, 'See the streams.')))
    return
  }
  const params = path.match(route.pattern).slice(1).map(decodeURIComponent)
  try {
    await route.view(params, query)(container)
  } catch (error) {
    if (error.status === 401) return
    replace(container, errorBox(error, 'show this page'))
  }
}

function setNav(active) {
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === active) a.setAttribute('aria-current', 'page')
    else a.removeAttribute('aria-current')
  }
}

/** The header's right side: who is signed in, or that authentication is off. */
function renderSession() {
  const area = document.getElementById('session')
  if (authenticationOn === false) {
    replace(area, h('span', {
      class: 'badge badge-warn',
      title: 'The server runs without an admin token: anyone may change every schema.',
    }, 'Authentication off'))
  } else if (authenticationOn && session.authorization) {
    const who = session.principal || 'signed in'
    replace(area,
      h('span', { class: 'who' }, h('span', { class: 'muted' }, who === 'admin' ? 'Admin' : 'Service '),
        who === 'admin' ? null : h('strong', null, who)),
      h('button', { type: 'button', class: 'button button-small', onclick: signOut }, 'Sign out'))
  } else {
    area.replaceChildren()
  }
}

/**
 * The navigation's count of the proposals awaiting the signed-in service's answer. Read on each
 * route change, so answering one and moving on updates it.
 */
async function updateInboxCount() {
  const count = document.getElementById('inbox-count')
  const service = authenticationOn && session.authorization && session.principal !== 'admin' ? session.principal : null
  if (!count) return
  if (!service) {
    count.hidden = true
    return
  }
  try {
    const awaiting = await inbox(service)
    replace(count, String(awaiting.length), h('span', { class: 'sr-only' }, ' awaiting your answer'))
    count.hidden = awaiting.length === 0
    count.title = `${awaiting.length} proposal${awaiting.length === 1 ? '' : 's'} awaiting ${service}'s answer`
  } catch {
    count.hidden = true
  }
}

function signOut() {
  session.signOut()
  signInReason = null
  announce('Signed out')
  render({ focus: true })
}

/** The sign-in prompt: the admin token, or a service's name and secret. */
function signInView() {
  document.title = 'Sign in · Accord'
  const message = h('div', { 'aria-live': 'polite' },
    signInReason ? errorBox(signInReason, 'use the credential') : null)
  const kindAdmin = h('input', { type: 'radio', name: 'kind', value: 'admin', id: 'kind-admin' })
  const kindService = h('input', { type: 'radio', name: 'kind', value: 'service', id: 'kind-service', checked: true })
  const service = h('input', { id: 'service', name: 'service', autocomplete: 'username', required: true, spellcheck: 'false' })
  const secret = h('input', { id: 'secret', name: 'secret', type: 'password', autocomplete: 'current-password', required: true })
  const token = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'current-password' })
  const serviceFields = h('div', { class: 'fields' },
    h('div', { class: 'field' }, h('label', { for: 'service' }, 'Service name'), service),
    h('div', { class: 'field' }, h('label', { for: 'secret' }, 'Secret'), secret))
  const adminFields = h('div', { class: 'fields', hidden: true },
    h('div', { class: 'field' }, h('label', { for: 'token' }, 'Admin token'), token))
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Sign in')
  const choose = () => {
    const admin = kindAdmin.checked
    adminFields.hidden = !admin
    serviceFields.hidden = admin
    token.required = admin
    service.required = !admin
    secret.required = !admin
  }
  kindAdmin.addEventListener('change', choose)
  kindService.addEventListener('change', choose)

  const form = h('form', { class: 'signin card', novalidate: false, onsubmit: async event => {
    event.preventDefault()
    const admin = kindAdmin.checked
    const authorization = admin ? bearer(token.value.trim()) : basic(service.value.trim(), secret.value)
    const principal = admin ? 'admin' : service.value.trim()
    submit.disabled = true
    submit.textContent = 'Signing in…'
    try {
      await api('/subjects', { authorization, quiet: true })
      session.signIn(authorization, principal)
      signInReason = null
      announce(`Signed in as ${principal}`)
      await render({ focus: true })
    } catch (error) {
      submit.disabled = false
      submit.textContent = 'Sign in'
      replace(message, errorBox(error, 'sign in'))
      ;(admin ? token : secret).focus()
    }
  } },
  h('h1', null, 'Sign in to Accord'),
  h('p', { class: 'muted' }, 'This registry has authentication on. The credential is kept only in this browser tab ',
    '(session storage) and sent to this server with each request; you see what it may read.'),
  message,
  h('fieldset', { class: 'choice' }, h('legend', null, 'Sign in as'),
    h('label', { for: 'kind-service' }, kindService, ' A service (name and secret)'),
    h('label', { for: 'kind-admin' }, kindAdmin, ' The admin (token)')),
  serviceFields, adminFields,
  h('div', { class: 'form-actions' }, submit))
  queueMicrotask(() => (signInReason ? secret : service).focus())
  return h('div', { class: 'signin-wrap' }, form)
}

onUnauthorized(error => {
  // The credential was refused (revoked, or wrong): forget it and ask again.
  if (!authenticationOn) authenticationOn = true
  if (session.authorization || !signInReason) {
    session.signOut()
    signInReason = error
    render({ focus: true })
  }
})

async function start() {
  // The skip link moves focus to the content without touching the hash, which is the route.
  document.querySelector('.skip-link').addEventListener('click', event => {
    event.preventDefault()
    document.getElementById('main').focus()
  })
  try {
    const ready = await api('/readyz', { authorization: null, quiet: true })
    authenticationOn = String(ready.authentication || 'on').startsWith('on')
  } catch {
    // The store is down (503): the views will say so; assume a credential may be needed.
    authenticationOn = Boolean(session.authorization)
  }
  window.addEventListener('hashchange', () => render({ focus: true }))
  window.addEventListener('accord-inbox-changed', () => updateInboxCount())
  await render()
}

start()
