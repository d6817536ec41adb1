// A version's code and samples, on the stream page: "Generate code" (a language picker, the
// generated files with a preview of the one chosen, and the zip to download) and, beside it,
// "Sample messages" (each as JSON and as the Confluent wire format in base64, with copy
// buttons). Both are fetched when opened, with the session's credential, and what was opened
// and fetched survives the page's redraws on live updates (`codeState`).

import { api, download, seg } from './api.js'
import { announce, errorBox, h, loading, replace } from './dom.js'
import { highlight } from './schema.js'

/** The languages of each format, for a server whose refusal does not name its own. */
const LANGUAGES = {
  AVRO: ['java', 'typescript', 'python', 'rust'],
  PROTOBUF: ['proto', 'typescript', 'rust'],
  JSON: ['java', 'typescript', 'python', 'rust'],
}

const LANGUAGE_NAMES = { java: 'Java', typescript: 'TypeScript', python: 'Python', rust: 'Rust', proto: 'Protobuf bundle' }

/** The display name of a `lang` value. */
export function languageName(lang) {
  return LANGUAGE_NAMES[lang] || lang
}

/**
 * Returns the languages a 422 of the code endpoint names (`...; supported: java, typescript`),
 * an empty list for `none yet`, or null when the message names none.
 */
export function supportedIn(message) {
  const named = /supported: ([a-z0-9_, -]+)$/.exec(message || '')
  if (!named) return null
  return named[1] === 'none yet' ? [] : named[1].split(',').map(lang => lang.trim()).filter(Boolean)
}

/** Returns the name of a schema's main type: an Avro record's, a JSON Schema's title, the first Protobuf message. */
export function mainTypeName(schema, schemaType) {
  if ((schemaType || 'AVRO') === 'PROTOBUF') {
    const message = /^\s*message\s+([A-Za-z_]\w*)/m.exec(schema)
    return message ? message[1] : null
  }
  try {
    const parsed = JSON.parse(schema)
    const name = schemaType === 'JSON' ? parsed.title : parsed.name
    return typeof name === 'string' ? name.split('.').pop() : null
  } catch {
    return null
  }
}

const TEST_FILE = /(^|\/)(tests?\/|test_)|\.test\.|Test\.java$|_test\.|\.sh$|README/i
const TYPES_FILE = /^(types|models|lib)\.[a-z]+$/
const EXTENSIONS = { java: 'java', typescript: 'ts', python: 'py', rust: 'rs', proto: 'proto' }

/**
 * Returns the file a reader wants to see first: among the files of language `lang`, the one
 * named after the schema's main type (`PaymentCaptured.java`, `shipment_dispatched.proto`),
 * else the types file (`src/types.ts`, `models.py`), else the first that is not a test or a
 * script.
 */
export function mainFile(files, typeName, lang) {
  const squash = text => text.toLowerCase().replace(/[^a-z0-9]/g, '')
  const base = path => path.split('/').pop()
  const stem = path => base(path).replace(/\.[^.]*$/, '')
  const extension = EXTENSIONS[lang]
  const sources = files.filter(f => !TEST_FILE.test(f.path) && (!extension || f.path.endsWith(`.${extension}`)))
  return (typeName && sources.find(f => squash(stem(f.path)) === squash(typeName))) ||
    sources.find(f => TYPES_FILE.test(base(f.path))) ||
    files.find(f => !TEST_FILE.test(f.path)) ||
    files[0] || null
}

/** What the code card shows and has fetched; kept by the stream page across its redraws. */
export function codeState() {
  return { id: null, panel: null, languages: null, lang: null, file: null, files: {}, examples: null }
}

/** The "Code and samples" card of `chosen` (a version as the API returns it). */
export function codeSection(subject, chosen, state) {
  if (state.id !== chosen.id) Object.assign(state, codeState(), { id: chosen.id })
  const base = `/subjects/${seg(subject)}/versions/${chosen.version}`
  const panel = h('div', { id: 'code-panel', class: 'code-panel' })
  const show = which => {
    state.panel = state.panel === which ? null : which
    codeButton.setAttribute('aria-expanded', String(state.panel === 'code'))
    samplesButton.setAttribute('aria-expanded', String(state.panel === 'samples'))
    if (state.panel === 'code') codePanel(panel, base, chosen, state)
    else if (state.panel === 'samples') samplesPanel(panel, base, chosen, state)
    else panel.replaceChildren()
  }
  const codeButton = h('button', {
    type: 'button', class: 'button', 'aria-controls': 'code-panel', 'aria-expanded': 'false',
    onclick: () => show('code'),
  }, 'Generate code')
  const samplesButton = h('button', {
    type: 'button', class: 'button', 'aria-controls': 'code-panel', 'aria-expanded': 'false',
    onclick: () => show('samples'),
  }, 'Sample messages')
  const opened = state.panel
  state.panel = null
  if (opened) show(opened)
  return h('section', { class: 'card code-card' },
    h('div', { class: 'card-head' },
      h('h2', null, `Code and samples of version ${chosen.version}`),
      h('div', { class: 'card-actions' }, codeButton, samplesButton)),
    h('p', { class: 'muted small' }, 'Types for this version with its references resolved, a starter test that ',
      'decodes a sample message, and sample messages as JSON and on the wire.'),
    panel)
}

/** Fills `panel` with the language picker, the files of the chosen language and the preview. */
async function codePanel(panel, base, chosen, state) {
  replace(panel, loading('Asking which languages this version generates…'))
  try {
    if (!state.languages) state.languages = await languages(base, chosen.schemaType)
  } catch (error) {
    if (error.status !== 401 && state.panel === 'code') replace(panel, errorBox(error, 'list the languages'))
    return
  }
  if (state.panel !== 'code') return
  if (state.languages.length === 0) {
    return replace(panel, h('p', { class: 'muted' }, 'This server generates no code for this format yet.'))
  }
  if (!state.languages.includes(state.lang)) state.lang = state.languages[0]
  const picker = h('select', { id: 'code-lang', name: 'lang', onchange: () => {
    state.lang = picker.value
    state.file = null
    drawFiles()
  } }, state.languages.map(lang => h('option', { value: lang, selected: lang === state.lang }, languageName(lang))))
  const message = h('div')
  const downloadButton = h('button', { type: 'button', class: 'button button-primary', onclick: async () => {
    downloadButton.disabled = true
    message.replaceChildren()
    try {
      const { blob, filename } = await download(`${base}/code?lang=${seg(state.lang)}`, { accept: 'application/zip' })
      save(blob, filename || `${chosen.subject}-v${chosen.version}-${state.lang}.zip`)
      announce(`Downloading the ${languageName(state.lang)} code`)
    } catch (error) {
      if (error.status !== 401) replace(message, errorBox(error, 'download the code'))
    } finally {
      downloadButton.disabled = false
    }
  } }, 'Download the zip')
  const files = h('div', { class: 'code-files' })
  const drawFiles = async () => {
    const lang = state.lang
    replace(files, loading(`Generating ${languageName(lang)}…`))
    try {
      if (!state.files[lang]) state.files[lang] = (await api(`${base}/code?lang=${seg(lang)}`)).files
    } catch (error) {
      if (error.status === 401) return
      if (state.lang === lang) replace(files, errorBox(error, `generate ${languageName(lang)} code`))
      return
    }
    if (state.lang === lang) replace(files, fileView(state.files[lang], lang, chosen, state))
  }
  replace(panel,
    h('div', { class: 'code-toolbar' },
      h('div', { class: 'field' }, h('label', { for: 'code-lang' }, 'Language'), picker),
      downloadButton),
    message, files)
  await drawFiles()
}

/** Returns the languages the server generates for this version, from its refusal of none. */
async function languages(base, schemaType) {
  try {
    await api(`${base}/code?lang=`)
  } catch (error) {
    if (error.status === 422) {
      const named = supportedIn(error.message)
      if (named) return named
    } else if (error.status >= 400 && error.status < 500) {
      throw error
    }
  }
  return LANGUAGES[schemaType || 'AVRO']
}

/** The list of generated files, and the preview of the chosen one. */
function fileView(files, lang, chosen, state) {
  const main = mainFile(files, mainTypeName(chosen.schema, chosen.schemaType), lang)
  let current = files.find(f => f.path === state.file) || main
  const preview = h('div', { class: 'code-preview' })
  const buttons = files.map(file => h('button', {
    type: 'button', class: 'file-button', 'aria-pressed': String(file === current),
    onclick: () => {
      current = file
      state.file = file.path
      for (const [i, b] of buttons.entries()) b.setAttribute('aria-pressed', String(files[i] === current))
      replace(preview, codeBlock(file))
    },
  }, file.path, file === main ? h('span', { class: 'badge' }, 'types') : null))
  replace(preview, codeBlock(current))
  return [
    h('p', { class: 'muted small' }, `${files.length} file${files.length === 1 ? '' : 's'}; choose one to preview it.`),
    h('ul', { class: 'file-list', 'aria-label': 'Generated files' }, buttons.map(b => h('li', null, b))),
    preview,
  ]
}

/** A generated file as a highlighted block with line numbers. */
function codeBlock(file) {
  const lines = file.content.replace(/\n$/, '').split('\n')
  const kind = file.path.split('.').pop()
  return h('div', { class: 'code', role: 'region', 'aria-label': `Preview of ${file.path}`, tabindex: '0' },
    h('table', { class: 'code-table' }, h('tbody', null, lines.map((line, i) =>
      h('tr', null, h('td', { class: 'ln', 'aria-hidden': 'true' }, i + 1),
        h('td', { class: 'src' }, highlightCode(line, kind)))))))
}

const KEYWORDS = {
  java: 'package import public private protected static final class interface enum record extends implements return new this if else throw throws try catch void int long double float boolean char byte short null true false switch case default for while',
  ts: 'import export from type interface enum const let function return new if else throw null undefined true false readonly extends as async await',
  py: 'from import class def return if elif else raise None True False for in is not and or with as pass try except lambda',
  rs: 'use pub struct enum impl fn let mut match if else return crate mod self Self where as for in true false const static',
}
const KEYWORD_SETS = Object.fromEntries(Object.entries(KEYWORDS).map(([k, v]) => [k, new Set(v.split(' '))]))
const CODE_TOKENS = /(\/\/.*$|^\s*\/?\*.*$)|("(?:[^"\\]|\\.)*")|\b([A-Za-z_]\w*)\b/g
const PYTHON_TOKENS = /(#.*$)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|\b([A-Za-z_]\w*)\b/g

/** Returns one line of generated code as highlighted nodes: comments, strings and keywords. */
function highlightCode(line, kind) {
  if (kind === 'proto') return highlight(line, 'PROTOBUF')
  if (kind === 'json' || kind === 'avsc') return highlight(line, 'JSON')
  const keywords = KEYWORD_SETS[kind]
  if (!keywords) return [line]
  const tokens = kind === 'py' ? PYTHON_TOKENS : CODE_TOKENS
  const nodes = []
  let last = 0
  for (const { 0: text, 1: comment, 2: string, 3: word, index: at } of line.matchAll(tokens)) {
    if (at > last) nodes.push(line.slice(last, at))
    if (comment !== undefined) nodes.push(h('span', { class: 'tok-comment' }, text))
    else if (string !== undefined) nodes.push(h('span', { class: 'tok-string' }, text))
    else if (word !== undefined && keywords.has(word)) nodes.push(h('span', { class: 'tok-keyword' }, text))
    else nodes.push(text)
    last = at + text.length
  }
  if (last < line.length) nodes.push(line.slice(last))
  return nodes
}

/** Hands `blob` to the browser as a download named `filename`. */
function save(blob, filename) {
  const url = URL.createObjectURL(blob)
  const a = h('a', { href: url, download: filename, hidden: true })
  document.body.append(a)
  a.click()
  a.remove()
  // The download has started from the URL by now; keep it a while for slow browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60000)
}

/** Fills `panel` with the version's sample messages. */
async function samplesPanel(panel, base, chosen, state) {
  replace(panel, loading('Building sample messages…'))
  try {
    if (!state.examples) state.examples = (await api(`${base}/examples`)).examples
  } catch (error) {
    if (error.status !== 401 && state.panel === 'samples') replace(panel, errorBox(error, 'build sample messages'))
    return
  }
  if (state.panel !== 'samples') return
  const examples = state.examples
  replace(panel,
    h('p', { class: 'muted small' }, `${examples.length} sample${examples.length === 1 ? '' : 's'}, valid against the schema; `,
      'together they use every union branch and enum symbol. The wire form is what a Confluent serializer writes: ',
      'magic byte 0, the schema id, then the encoded message.'),
    h('ol', { class: 'samples', 'aria-label': 'Sample messages' }, examples.map((example, i) => sample(example, i + 1, chosen))))
}

function sample(example, n, chosen) {
  const json = JSON.stringify(example.json, null, 2)
  const bytes = Uint8Array.from(atob(example.wire_base64), c => c.charCodeAt(0))
  const id = bytes.length >= 5 ? new DataView(bytes.buffer).getUint32(1) : null
  const jsonBlock = h('div', { class: 'code', role: 'region', 'aria-label': `JSON of sample ${n}`, tabindex: '0' },
    h('table', { class: 'code-table' }, h('tbody', null, json.split('\n').map((line, i) =>
      h('tr', null, h('td', { class: 'ln', 'aria-hidden': 'true' }, i + 1),
        h('td', { class: 'src' }, highlight(line, 'JSON')))))))
  const wire = h('code', { class: 'wire', 'aria-label': `Wire message of sample ${n}` }, example.wire_base64)
  return h('li', { class: 'sample' },
    h('h3', null, `Sample ${n}`),
    h('div', { class: 'sample-head' }, h('span', null, 'JSON'), copyButton(json, jsonBlock, `the JSON of sample ${n}`)),
    jsonBlock,
    h('div', { class: 'sample-head' },
      h('span', null, 'Wire (base64) ', h('span', { class: 'muted small' },
        `${bytes.length} bytes: magic byte 0, schema id ${id === null ? '?' : id}`,
        id !== null && id !== chosen.id ? ` (this version is ${chosen.id})` : '', ', then the message')),
      copyButton(example.wire_base64, wire, `the wire message of sample ${n}`)),
    wire)
}

/** A button copying `text` to the clipboard, or selecting `target` where the clipboard is refused. */
function copyButton(text, target, what) {
  const button = h('button', { type: 'button', class: 'button button-small', 'aria-label': `Copy ${what}`, onclick: async () => {
    try {
      await navigator.clipboard.writeText(text)
      replace(button, 'Copied')
      announce(`Copied ${what}`)
    } catch {
      const range = document.createRange()
      range.selectNodeContents(target)
      const selection = getSelection()
      selection.removeAllRanges()
      selection.addRange(range)
      replace(button, 'Selected: press Ctrl+C')
    }
    setTimeout(() => replace(button, 'Copy'), 2000)
  } }, 'Copy')
  return button
}
