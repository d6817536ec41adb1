// Subscriptions: the webhook subscriptions the signed-in principal manages (GET
// /governance/webhooks: every one for the admin, its team's for a service), with each one's
// receiver, filters and whether its deliveries are failing — given up after days of failures
// (`failing`), or failing now (`attempts` at the event at the head of its queue).

import { api } from './api.js'
import { append, badge, empty, errorBox, h, href, link, loading, pageHeader, replace, section, timeAgo } from './dom.js'

/** The Subscriptions view. */
export async function subscriptionsView(el) {
  document.title = 'Subscriptions · Accord'
  const header = pageHeader('Subscriptions',
    'Webhooks that receive the change events: where each delivers, which events, and whether deliveries fail.',
    h('button', { type: 'button', class: 'button', onclick: () => window.dispatchEvent(new HashChangeEvent('hashchange')) }, 'Refresh'))
  append(el, header, loading('Loading the subscriptions…'))
  let list
  try {
    list = await api('/governance/webhooks')
  } catch (error) {
    if (error.status === 401) throw error
    replace(el, header, errorBox(error, 'list the subscriptions'))
    return
  }
  const webhooks = list.webhooks
  if (webhooks.length === 0) {
    replace(el, header, empty('No subscriptions.',
      'Subscribe a receiver with ', h('code', null, 'POST /governance/webhooks'), ' (see the API\'s Events).'))
    return
  }
  const failing = webhooks.filter(isFailing).length
  const title = 'Subscriptions'
  replace(el, header,
    section(`${title} (${webhooks.length})`,
      h('p', { class: 'muted small summary' }, failing ? `${failing} failing` : 'All delivering.'),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table cards-on-phone', 'aria-label': title },
        h('thead', null, h('tr', null, ['Receiver', 'Events', 'Streams', 'Team', 'Deliveries', 'Created']
          .map(name => h('th', { scope: 'col' }, name)))),
        h('tbody', null, webhooks.map(row))))))
}

/** Whether a subscription's deliveries fail: given up, or retrying the event at its head. */
export function isFailing(webhook) {
  return Boolean(webhook.failing) || webhook.attempts > 0
}

function row(w) {
  const all = h('span', { class: 'muted' }, 'all')
  return h('tr', { class: isFailing(w) ? 'failing' : null },
    h('th', { scope: 'row', 'data-label': 'Receiver' }, h('code', { class: 'url' }, w.url),
      h('p', { class: 'muted small' }, `id ${w.id}`)),
    h('td', { 'data-label': 'Events' }, w.events && w.events.length ? codes(w.events) : all),
    h('td', { 'data-label': 'Streams' },
      w.follow === 'consumed' ? h('span', null, 'what the team consumes') : w.subjects && w.subjects.length ? codes(w.subjects) : all),
    h('td', { 'data-label': 'Team' }, w.team ? link(href.team(w.team), w.team) : h('span', { class: 'muted' }, 'none')),
    h('td', { 'data-label': 'Deliveries' }, deliveries(w)),
    h('td', { 'data-label': 'Created' }, timeAgo(w.created_at), h('p', { class: 'muted small' }, `by ${w.created_by}`)))
}

function codes(items) {
  return h('ul', { class: 'plain-list' }, items.map(item => h('li', null, h('code', null, item))))
}

function deliveries(w) {
  if (w.failing) {
    return h('div', null, badge('failing', 'badge-fail'),
      h('p', { class: 'muted small' }, 'Given up after days of failures; updating the subscription starts it again.'))
  }
  if (w.attempts > 0) {
    return h('div', null, badge('failing', 'badge-fail'),
      h('p', { class: 'muted small' }, `${w.attempts} failed attempt${w.attempts === 1 ? '' : 's'} at the next event; retrying.`))
  }
  return badge('ok', 'badge-ok')
}
