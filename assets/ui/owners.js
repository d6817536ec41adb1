// Services and teams: what each service produces and consumes, its owning team, and how to
// reach that team; and the drift between declared and observed readers across all streams
// (`GET /governance/drift`).

import { api, seg } from './api.js'
import {
  append, badge, contactList, empty, errorBox, exactTime, h, href, link, loading, mapLimit, pageHeader,
  replace, section, timeAgo,
} from './dom.js'

/** Loads every service with what it produces and consumes, and every team by name. */
async function loadOwners() {
  const [services, teams] = await Promise.all([api('/governance/services'), api('/governance/teams')])
  const detailed = await mapLimit(services, 6, s => api(`/governance/services/${seg(s.name)}`))
  return { services: detailed, teams: new Map(teams.map(t => [t.name, t])) }
}

function streamLinks(subjects) {
  if (!subjects || subjects.length === 0) return h('span', { class: 'muted' }, 'none')
  return h('ul', { class: 'stream-list' }, subjects.map(s => h('li', null, link(href.stream(s), s))))
}

async function loadInto(el, title, subtitle, doing, load) {
  append(el, pageHeader(title, subtitle), loading())
  try {
    return await load()
  } catch (error) {
    if (error.status === 401) throw error
    replace(el, pageHeader(title, subtitle), errorBox(error, doing))
    return null
  }
}

/** The Services view. */
export async function servicesView(el) {
  document.title = 'Services · Accord'
  const subtitle = 'Service identities: what each produces and consumes, and the team that owns it.'
  const data = await loadInto(el, 'Services', subtitle, 'list the services', loadOwners)
  if (!data) return
  if (data.services.length === 0) {
    replace(el, pageHeader('Services', subtitle), empty('No services yet.',
      'The admin creates them with ', h('code', null, 'POST /governance/services'), '.'))
    return
  }
  replace(el, pageHeader('Services', subtitle),
    h('table', { class: 'table cards-on-phone', 'aria-label': 'Services' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Service'), h('th', { scope: 'col' }, 'Team'),
        h('th', { scope: 'col' }, 'Produces'), h('th', { scope: 'col' }, 'Consumes'),
        h('th', { scope: 'col' }, 'Contacts'))),
      h('tbody', null, data.services.map(s => h('tr', null,
        h('th', { scope: 'row', 'data-label': 'Service' }, link(href.service(s.name), s.name),
          s.description ? h('p', { class: 'muted small' }, s.description) : null),
        h('td', { 'data-label': 'Team' }, link(href.team(s.team), s.team)),
        h('td', { 'data-label': 'Produces' }, streamLinks(s.produces)),
        h('td', { 'data-label': 'Consumes' }, streamLinks(s.consumes)),
        h('td', { 'data-label': 'Contacts' }, contactList((data.teams.get(s.team) || {}).contacts)))))))
}

/** One service. */
export async function serviceView(el, name) {
  document.title = `${name} · Services · Accord`
  const data = await loadInto(el, name, null, 'show this service', async () => {
    const service = await api(`/governance/services/${seg(name)}`)
    const team = await api(`/governance/teams/${seg(service.team)}`)
    return { service, team }
  })
  if (!data) return
  const { service, team } = data
  replace(el,
    h('div', { class: 'page-header' }, h('div', null,
      h('p', { class: 'crumbs' }, link(href.services(), 'Services'), ' / '),
      h('h1', null, service.name),
      h('p', { class: 'muted subtitle' }, service.description || 'A service identity.'))),
    h('div', { class: 'grid-2' },
      section('Owner', h('p', null, 'team ', link(href.team(team.name), team.name)), contactList(team.contacts),
        h('p', { class: 'muted small' }, 'created ', exactTime(service.created_at))),
      section(`Produces (${service.produces.length})`, service.produces.length
        ? streamLinks(service.produces) : h('p', { class: 'muted' }, 'This service produces no stream.')),
      section(`Consumes (${service.consumes.length})`, service.consumes.length
        ? streamLinks(service.consumes) : h('p', { class: 'muted' }, 'This service is granted no stream.'))))
}

/** The Teams view. */
export async function teamsView(el) {
  document.title = 'Teams · Accord'
  const subtitle = 'Who owns the services, and how to reach them.'
  const data = await loadInto(el, 'Teams', subtitle, 'list the teams', loadOwners)
  if (!data) return
  if (data.teams.size === 0) {
    replace(el, pageHeader('Teams', subtitle), empty('No teams yet.',
      'The admin creates them with ', h('code', null, 'POST /governance/teams'), '.'))
    return
  }
  replace(el, pageHeader('Teams', subtitle),
    h('ul', { class: 'team-grid', 'aria-label': 'Teams' }, [...data.teams.values()].map(team => {
      const services = data.services.filter(s => s.team === team.name)
      return h('li', { class: 'card team' },
        h('h2', null, link(href.team(team.name), team.name)),
        contactList(team.contacts),
        h('h3', null, 'Services'),
        services.length
          ? h('ul', { class: 'plain-list' }, services.map(s => h('li', null, link(href.service(s.name), s.name),
            h('span', { class: 'muted small' }, ` · produces ${s.produces.length}, consumes ${s.consumes.length}`))))
          : h('p', { class: 'muted' }, 'No services.'))
    })))
}

/** One team: its contacts, services, and the streams they produce and consume. */
export async function teamView(el, name) {
  document.title = `${name} · Teams · Accord`
  const data = await loadInto(el, name, null, 'show this team', async () => {
    const team = await api(`/governance/teams/${seg(name)}`)
    const owners = await loadOwners()
    return { team, services: owners.services.filter(s => s.team === team.name) }
  })
  if (!data) return
  const { team, services } = data
  const produces = [...new Set(services.flatMap(s => s.produces))].sort()
  const consumes = [...new Set(services.flatMap(s => s.consumes))].sort()
  replace(el,
    h('div', { class: 'page-header' }, h('div', null,
      h('p', { class: 'crumbs' }, link(href.teams(), 'Teams'), ' / '),
      h('h1', null, team.name),
      h('p', { class: 'muted subtitle' }, 'created ', exactTime(team.created_at)))),
    h('div', { class: 'grid-2' },
      section('Contacts', contactList(team.contacts)),
      section(`Services (${services.length})`, services.length
        ? h('ul', { class: 'plain-list' }, services.map(s => h('li', null, link(href.service(s.name), s.name))))
        : h('p', { class: 'muted' }, 'This team owns no service.')),
      section(`Streams produced (${produces.length})`, streamLinks(produces)),
      section(`Streams consumed (${consumes.length})`, streamLinks(consumes))))
}

/** The Drift view: readers without a grant, and granted consumers not seen for `?silent_days=`. */
export async function driftView(el, query) {
  document.title = 'Drift · Accord'
  const title = 'Drift'
  const subtitle = 'Where who reads a stream differs from who is declared on it: services reading without a grant, and granted consumers not seen reading.'
  const wanted = query.get('silent_days') || '30'
  const days = h('input', { id: 'silent-days', name: 'silent_days', type: 'number', min: 1, step: 1,
    value: wanted, required: true, inputmode: 'numeric' })
  const form = h('form', { class: 'filters', onsubmit: event => {
    event.preventDefault()
    location.hash = href.drift({ silent_days: days.value })
  } },
  h('div', { class: 'field field-days' }, h('label', { for: 'silent-days' }, 'Silent after (days)'), days),
  h('div', { class: 'field field-button' }, h('button', { type: 'submit', class: 'button' }, 'Show')))
  const drift = await loadInto(el, title, subtitle, 'show the drift',
    () => api(`/governance/drift?silent_days=${seg(wanted)}`))
  if (!drift) {
    el.insertBefore(form, el.children[1] || null)
    return
  }
  replace(el, pageHeader(title, subtitle),
    section(`Undeclared readers (${drift.undeclared.length})`,
      h('p', { class: 'muted small' }, 'Services seen reading a stream they are neither the producer nor a granted consumer of: a breaking change would reach them unannounced.'),
      drift.undeclared.length === 0
        ? empty('No undeclared readers.', 'Every service seen reading is declared on what it reads.')
        : driftTable('Undeclared readers', ['Last read', 'Reads'], drift.undeclared, row => [
          h('td', { 'data-label': 'Last read' }, timeAgo(row.last_seen)),
          h('td', { 'data-label': 'Reads', class: 'num' }, String(row.reads))], badge('undeclared', 'badge-warn'))),
    section(`Silent consumers (${drift.silent.length})`,
      h('p', { class: 'muted small' }, `Granted consumers not seen reading for ${wanted} days, or ever: perhaps a grant to revoke.`),
      form,
      drift.silent.length === 0
        ? empty('No silent consumers.', `Every granted consumer read in the last ${wanted} days.`)
        : driftTable('Silent consumers', ['Granted', 'Last read'], drift.silent, row => [
          h('td', { 'data-label': 'Granted' }, exactTime(row.granted_at)),
          h('td', { 'data-label': 'Last read' }, row.last_seen ? timeAgo(row.last_seen) : h('span', { class: 'muted' }, 'never'))],
        h('span', { class: 'badge badge-silent' }, 'silent'))))
}

function driftTable(label, columns, rows, cells, flag) {
  return h('table', { class: 'table cards-on-phone', 'aria-label': label },
    h('thead', null, h('tr', null, ['Stream', 'Service', 'Team', ...columns]
      .map(name => h('th', { scope: 'col', class: name === 'Reads' ? 'num' : null }, name)))),
    h('tbody', null, rows.map(row => h('tr', null,
      h('th', { scope: 'row', 'data-label': 'Stream' }, link(href.stream(row.subject), h('span', { class: 'subject' }, row.subject))),
      h('td', { 'data-label': 'Service' }, link(href.service(row.service), row.service), ' ', flag.cloneNode(true)),
      h('td', { 'data-label': 'Team' }, row.team ? link(href.team(row.team), row.team) : h('span', { class: 'muted' }, 'unknown')),
      cells(row)))))
}
