/**
 * A scenario as a ready Vitest file: plain `socket.io-client` (`io(url, opts)`), the steps in order (one
 * `it` per step), the same shape checks as `matchShape` (./match.ts), inlined so the file imports nothing
 * from this package and runs with `npx vitest` in the user's own project (which has `socket.io-client` and
 * `vitest`).
 *
 * What the generated file does, as `runScenario` does:
 * - each session connects once (`forceNew`, no reconnection); every incoming event is kept, in order;
 * - emits wait for their recorded time since their session's connect (`SCENARIO_FAST=1`: at once);
 * - an expected event is the next one of that name after the previous expected event of its session
 *   (recorded order), and must come within the allowance of its recorded time; an expected ack is the
 *   answer to the next emit of that name; a server's ack request is answered with the recorded arguments;
 * - the last test fails on an incoming event whose name the recording never saw in that session;
 * - `SCENARIO_URL=http://host:port` replays against another server (same namespace unless it has its own).
 * The v2 client (`client: 'v2'`) is not available in plain socket.io-client 4: such a session connects with
 * the v4 client, and the file says so in a comment.
 */
import type { Scenario, ScenarioStep } from './types'
import { isBinary } from '../log/preview'

/** A value as TypeScript source: JSON, plus binary (`new Uint8Array([…])`) and what JSON cannot hold. */
function toSource(value: unknown, indent: string): string {
  if (value === undefined)
    return 'undefined'
  if (typeof value === 'number') {
    if (Number.isNaN(value))
      return 'Number.NaN'
    if (!Number.isFinite(value))
      return value > 0 ? 'Number.POSITIVE_INFINITY' : 'Number.NEGATIVE_INFINITY'
    return Object.is(value, -0) ? '-0' : String(value)
  }
  if (typeof value === 'bigint')
    return `${value}n`
  if (typeof value === 'string' || typeof value === 'boolean' || value === null)
    return JSON.stringify(value)
  if (isBinary(value)) {
    const bytes = ArrayBuffer.isView(value)
      ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
      : new Uint8Array(value as ArrayBuffer)
    return `new Uint8Array([${[...bytes].join(', ')}])`
  }
  if (value instanceof Date)
    return `new Date(${JSON.stringify(Number.isNaN(value.getTime()) ? null : value.toISOString())})`
  const inner = `${indent}  `
  if (Array.isArray(value)) {
    if (value.length === 0)
      return '[]'
    return `[\n${value.map(v => `${inner}${toSource(v, inner)},`).join('\n')}\n${indent}]`
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
    if (entries.length === 0)
      return '{}'
    return `{\n${entries.map(([k, v]) => `${inner}${/^[A-Z_$][\w$]*$/i.test(k) ? k : JSON.stringify(k)}: ${toSource(v, inner)},`).join('\n')}\n${indent}}`
  }
  return 'undefined'
}

/** socket.io-client options out of the recorded ones (the session's own settings are not client options). */
function clientOptions(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of ['path', 'transports', 'auth', 'query', 'timeout', 'withCredentials', 'extraHeaders'] as const) {
    if (options[key] !== undefined)
      out[key] = options[key]
  }
  const headers: Record<string, unknown> = { ...(out.extraHeaders as Record<string, unknown> | undefined) }
  if (typeof options.cookies === 'string' && options.cookies)
    headers.Cookie = options.cookies
  if (typeof options.origin === 'string' && options.origin)
    headers.Origin = options.origin
  if (Object.keys(headers).length)
    out.extraHeaders = headers
  return out
}

/** A line of a comment: no `*\/` can end it early, no newline can leave it. */
function commentText(text: string): string {
  return text.replace(/\*\//g, '* /').replace(/[\r\n\u2028\u2029]+/g, ' ')
}

function stepTitle(scenario: Scenario, step: ScenarioStep, index: number): string {
  const session = scenario.sessions.find(s => s.id === step.session)
  // The label when it tells the sessions apart (two tabs on one namespace share theirs), else the id.
  const labels = scenario.sessions.map(s => s.label ?? s.id)
  const who = session?.label && labels.filter(l => l === session.label).length === 1 ? session.label : step.session
  const what = step.kind === 'connect' ? 'connect' : `${step.kind} ${step.name}`
  return `#${index + 1} ${what} (${who})`
}

/** The helpers every generated file carries (a copy of the inspector's shape matching, no imports). */
const RUNTIME = String.raw`
type Rule
  = | { path: string, rule: 'exact', value: unknown }
    | { path: string, rule: 'regex', pattern: string }
    | { path: string, rule: 'oneOf', values: unknown[] }
    | { path: string, rule: 'ignore' }

const isBinary = (v: unknown): boolean => v instanceof ArrayBuffer || ArrayBuffer.isView(v)

function typeOfValue(v: unknown): string {
  if (v === null)
    return 'null'
  if (Array.isArray(v))
    return 'array'
  if (isBinary(v))
    return 'binary'
  if (v instanceof Date)
    return 'date'
  return typeof v
}

function preview(v: unknown): string {
  if (isBinary(v))
    return '<binary>'
  let text: string
  try {
    text = typeof v === 'bigint' ? String(v) + 'n' : v === undefined ? 'undefined' : JSON.stringify(v) ?? String(v)
  }
  catch {
    text = String(v)
  }
  return text.length > 60 ? text.slice(0, 60) + '…' : text
}

function childPath(path: string, key: string | number): string {
  if (typeof key === 'number')
    return path + '[' + key + ']'
  return /^[A-Z_$][\w$]*$/i.test(key) ? path + '.' + key : path + '[' + JSON.stringify(key) + ']'
}

function bytes(v: unknown): Uint8Array {
  return ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(v as ArrayBuffer)
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b))
    return true
  if (isBinary(a) && isBinary(b)) {
    const x = bytes(a)
    const y = bytes(b)
    return x.length === y.length && x.every((n, i) => n === y[i])
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b))
    return false
  const ka = Object.keys(a)
  return ka.length === Object.keys(b).length
    && ka.every(k => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

function applyRule(rule: Rule, path: string, got: unknown): string | undefined {
  if (rule.rule === 'ignore')
    return undefined
  if (rule.rule === 'exact')
    return deepEqual(rule.value, got) ? undefined : path + ' expected ' + preview(rule.value) + ', got ' + typeOfValue(got) + ' ' + preview(got)
  if (rule.rule === 'oneOf')
    return rule.values.some(v => deepEqual(v, got)) ? undefined : path + ' expected one of ' + preview(rule.values) + ', got ' + typeOfValue(got) + ' ' + preview(got)
  if (typeof got !== 'string' && typeof got !== 'number')
    return path + ' expected a string matching /' + rule.pattern + '/, got ' + typeOfValue(got) + ' ' + preview(got)
  return new RegExp(rule.pattern).test(String(got)) ? undefined : path + ' expected to match /' + rule.pattern + '/, got ' + typeOfValue(got) + ' ' + preview(got)
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !isBinary(v) && !(v instanceof Date)

/** Same types and keys at every depth, arrays of the same length; values only where a rule pins them. */
function matchShape(expected: unknown, got: unknown, rules: Rule[] = [], path = '$'): string[] {
  const rule = rules.find(r => r.path === path || r.path === path.replace(/\[\d+\]/g, '[*]'))
  if (rule) {
    const problem = applyRule(rule, path, got)
    return problem ? [problem] : []
  }
  const te = typeOfValue(expected)
  const tg = typeOfValue(got)
  if (te !== tg)
    return [path + ' expected ' + te + ', got ' + tg + ' ' + preview(got)]
  const out: string[] = []
  if (Array.isArray(expected)) {
    const arr = got as unknown[]
    if (arr.length !== expected.length)
      out.push(path + ' expected ' + expected.length + ' item' + (expected.length === 1 ? '' : 's') + ', got ' + arr.length)
    for (let i = 0; i < Math.min(arr.length, expected.length); i++)
      out.push(...matchShape(expected[i], arr[i], rules, childPath(path, i)))
  }
  else if (isObject(expected)) {
    const obj = got as Record<string, unknown>
    const ignored = (p: string): boolean => rules.some(r => r.path === p && r.rule === 'ignore')
    for (const k of Object.keys(expected)) {
      const p = childPath(path, k)
      if (Object.prototype.hasOwnProperty.call(obj, k))
        out.push(...matchShape(expected[k], obj[k], rules, p))
      else if (!ignored(p))
        out.push(p + ' missing')
    }
    for (const k of Object.keys(obj)) {
      const p = childPath(path, k)
      if (!Object.prototype.hasOwnProperty.call(expected, k) && !ignored(p))
        out.push(p + ' unexpected')
    }
  }
  return out
}

interface Received { name: string, args: unknown[], at: number }
interface Ask { name: string, answer: (...args: unknown[]) => void, used: boolean }
interface AckSlot { name: string, args?: unknown[], at?: number, used: boolean }
interface Client {
  socket: Socket
  connectedAt: number
  inbox: Received[]
  /** Index after the last expected event found: expected events come in recorded order. */
  cursor: number
  asks: Ask[]
  acks: AckSlot[]
  changed: Set<() => void>
}

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {}
const OVERRIDE_URL = env.SCENARIO_URL
const FAST = env.SCENARIO_FAST === '1'
const clients = new Map<string, Client>()
let lastStepAt = performance.now()

function replayUrl(recorded: string): string {
  if (!OVERRIDE_URL)
    return recorded
  const to = new URL(OVERRIDE_URL)
  const from = new URL(recorded)
  const path = to.pathname !== '' && to.pathname !== '/' ? to.pathname : from.pathname
  return to.origin + (path === '/' ? '' : path) + (to.search || from.search)
}

function client(id: string): Client {
  const c = clients.get(id)
  if (!c)
    throw new Error('session ' + id + ' is not connected (its connect step failed)')
  return c
}

const since = (c: Client): number => performance.now() - c.connectedAt

/** When a step's wait ends: the allowance past its recorded time (FAST: past the previous step). */
function deadline(c: Client, atMs: number): number {
  return FAST ? lastStepAt + ALLOWANCE_MS : c.connectedAt + atMs + ALLOWANCE_MS
}

/** Resolves with what find() finds, checked on every change, or undefined at until (a performance.now() time). */
function waitFor<T>(c: Client, find: () => T | undefined, until: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const done = (v: T | undefined): void => {
      clearTimeout(timer)
      c.changed.delete(check)
      resolve(v)
    }
    function check(): void {
      const v = find()
      if (v !== undefined)
        done(v)
    }
    const timer = setTimeout(() => done(find()), Math.max(0, until - performance.now()))
    c.changed.add(check)
    check()
  })
}

function notify(c: Client): void {
  for (const f of [...c.changed]) f()
}

async function connect(id: string): Promise<void> {
  const session = SESSIONS[id]
  const socket = io(replayUrl(session.url), { ...session.options, forceNew: true, reconnection: false })
  const c: Client = { socket, connectedAt: performance.now(), inbox: [], cursor: 0, asks: [], acks: [], changed: new Set() }
  socket.onAny((name: string, ...args: unknown[]) => {
    const last = args.at(-1)
    if (typeof last === 'function') {
      args.pop()
      c.asks.push({ name, answer: last as (...a: unknown[]) => void, used: false })
    }
    c.inbox.push({ name, args, at: since(c) })
    notify(c)
  })
  clients.set(id, c)
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      c.connectedAt = performance.now()
      resolve()
    })
    socket.once('connect_error', (err: Error) => {
      clients.delete(id)
      socket.close()
      reject(new Error('cannot connect to ' + replayUrl(session.url) + ': ' + err.message))
    })
  })
}

async function emit(id: string, name: string, args: unknown[], ack: boolean, atMs: number): Promise<void> {
  const c = client(id)
  if (!FAST && since(c) < atMs)
    await new Promise(resolve => setTimeout(resolve, atMs - since(c)))
  if (!ack) {
    c.socket.emit(name, ...args)
    return
  }
  const slot: AckSlot = { name, used: false }
  c.acks.push(slot)
  c.socket.emit(name, ...args, (...answer: unknown[]) => {
    slot.args = answer
    slot.at = since(c)
    notify(c)
  })
}

async function answer(id: string, name: string, args: unknown[]): Promise<void> {
  const c = client(id)
  const ask = await waitFor(c, () => c.asks.find(a => !a.used && a.name === name), performance.now() + ALLOWANCE_MS)
  if (!ask)
    throw new Error('no ack request of "' + name + '" to answer')
  ask.used = true
  ask.answer(...args)
}

function late(c: Client, at: number, atMs: number, what: string): string | undefined {
  return !FAST && at > atMs + ALLOWANCE_MS ? what + ' came at ' + Math.round(at) + ' ms, recorded at ' + Math.round(atMs) + ' ms (allowance ' + ALLOWANCE_MS + ' ms)' : undefined
}

async function expectEvent(id: string, name: string, args: unknown[], atMs: number, rules: Rule[] = []): Promise<void> {
  const c = client(id)
  const index = await waitFor(c, () => {
    const i = c.inbox.findIndex((e, n) => n >= c.cursor && e.name === name)
    return i < 0 ? undefined : i
  }, deadline(c, atMs))
  if (index === undefined)
    throw new Error('missing event "' + name + '"')
  c.cursor = index + 1
  const got = c.inbox[index]
  const problems = [...matchShape(args, got.args, rules)]
  const slow = late(c, got.at, atMs, name)
  if (slow)
    problems.push(slow)
  if (problems.length)
    throw new Error(name + ': ' + problems.join('; '))
}

async function expectAck(id: string, name: string, args: unknown[], atMs: number, rules: Rule[] = []): Promise<void> {
  const c = client(id)
  const slot = c.acks.find(a => !a.used && a.name === name)
  if (!slot)
    throw new Error('no emit of "' + name + '" waits for this ack')
  slot.used = true
  await waitFor(c, () => slot.args, deadline(c, atMs))
  if (!slot.args)
    throw new Error('missing ack "' + name + '"')
  const problems = [...matchShape(args, slot.args, rules)]
  const slow = late(c, slot.at!, atMs, name + ' ack')
  if (slow)
    problems.push(slow)
  if (problems.length)
    throw new Error(name + ' ack: ' + problems.join('; '))
}

function unexpectedEvents(): string[] {
  const out: string[] = []
  for (const [id, c] of clients) {
    const known = new Set(EXPECTED_NAMES[id] ?? [])
    for (const e of c.inbox) {
      if (!known.has(e.name) && !out.includes('unexpected event "' + e.name + '" (' + id + ')'))
        out.push('unexpected event "' + e.name + '" (' + id + ')')
    }
  }
  return out
}
`

/**
 * The scenario as the source of a `.test.ts` file (see the file's comment for what it checks).
 * @example writeFileSync('rooms.test.ts', scenarioToVitest(parseScenario(readFileSync('rooms.ndjson', 'utf8'))))
 */
export function scenarioToVitest(scenario: Scenario): string {
  const lines: string[] = []
  const v2 = scenario.sessions.filter(s => s.options.client === 'v2').map(s => s.id)
  lines.push(
    '/**',
    ` * ${commentText(`The scenario "${scenario.name}", generated by socketio-inspector (scenario format v${scenario.version}).`)}`,
    ' * Run it with `npx vitest run <this file>` in a project that has socket.io-client and vitest.',
    ' * SCENARIO_URL=http://host:port replays against another server (same namespace unless the URL has its own);',
    ' * SCENARIO_FAST=1 sends every emit at once instead of at its recorded time.',
    ' * An expected event or ack matches by name and shape (types and keys at every depth, arrays of the same',
    ' * length); values are compared only where a rule pins them. Expected events come in recorded order per',
    ' * session, each within ALLOWANCE_MS of its recorded time; an event the recording never saw fails the last test.',
    ...(v2.length ? [` * ${commentText(`Recorded with the v2 client (${v2.join(', ')}): plain socket.io-client 4 connects with v4 here.`)}`] : []),
    ' */',
    '/* eslint-disable */',
    'import type { Socket } from \'socket.io-client\'',
    'import { io } from \'socket.io-client\'',
    'import { afterAll, describe, it } from \'vitest\'',
    '',
    `const ALLOWANCE_MS = ${Math.max(0, Math.round(scenario.allowanceMs))}`,
    '',
    '/** The sessions as recorded: URL and connect options. */',
    `const SESSIONS: Record<string, { url: string, options: Record<string, unknown> }> = ${toSource(Object.fromEntries(scenario.sessions.map(s => [s.id, { url: s.url, options: clientOptions(s.options) }])), '')}`,
    '',
    '/** The names of the events each session expects: any other incoming name is unexpected. */',
    `const EXPECTED_NAMES: Record<string, string[]> = ${toSource(Object.fromEntries(scenario.sessions.map(s => [s.id, [...new Set(scenario.steps.filter(st => st.session === s.id && st.kind === 'expect-event').map(st => (st as { name: string }).name))]])), '')}`,
    RUNTIME,
    `describe(${JSON.stringify(scenario.name)}, () => {`,
    '  afterAll(() => {',
    '    for (const c of clients.values()) c.socket.close()',
    '    clients.clear()',
    '  })',
    '',
  )
  let waitMs = 0
  scenario.steps.forEach((step, index) => {
    const title = JSON.stringify(stepTitle(scenario, step, index))
    const id = JSON.stringify(step.session)
    let call: string
    switch (step.kind) {
      case 'connect':
        call = `await connect(${id})`
        break
      case 'emit':
        call = `await emit(${id}, ${JSON.stringify(step.name)}, ${toSource(step.args, '    ')}, ${step.ack}, ${Math.round(step.atMs)})`
        break
      case 'answer':
        call = `await answer(${id}, ${JSON.stringify(step.name)}, ${toSource(step.args, '    ')})`
        break
      case 'expect-event':
      case 'expect-ack':
        call = `await ${step.kind === 'expect-event' ? 'expectEvent' : 'expectAck'}(${id}, ${JSON.stringify(step.name)}, ${toSource(step.args, '    ')}, ${Math.round(step.atMs)}${step.rules?.length ? `, ${toSource(step.rules, '    ')} as Rule[]` : ''})`
        break
    }
    // Long enough for the step's own wait (its recorded time plus the allowance) and the connection.
    waitMs = Math.max(waitMs, 'atMs' in step ? step.atMs : 0)
    lines.push(
      `  it(${title}, async () => {`,
      `    ${call}`,
      '    lastStepAt = performance.now()',
      `  }, ${Math.round(waitMs + scenario.allowanceMs + 10_000)})`,
      '',
    )
  })
  lines.push(
    '  it(\'gets no event the recording never saw\', () => {',
    '    const problems = unexpectedEvents()',
    '    if (problems.length)',
    '      throw new Error(problems.join(\'; \'))',
    '  })',
    '})',
    '',
  )
  return lines.join('\n')
}
