/**
 * Read a scenario file (`sio-inspector-scenario`, version 1) or a plain capture (read with the default
 * rules). Every problem is one `ScenarioError` naming the line (JSON syntax) or the field (`steps[3].args`).
 */
import type { Scenario, ScenarioSession, ScenarioStep, ValueRule } from './types'
import { reviveTagged, taggedReplacer } from '../export/format'
import { isCaptureHeader, scenarioFromCapture } from './from-capture'
import { DEFAULT_ALLOWANCE_MS, SCENARIO_FORMAT, SCENARIO_VERSION, ScenarioError } from './types'

function lineOf(text: string, pos: number): number {
  let line = 1
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10)
      line++
  }
  return line
}

/**
 * Where V8 put the error when its message has no `position` (`Unexpected token ',', ..."steps": [,]..." is not
 * valid JSON`): the quoted excerpt is the source around the bad token, so find the excerpt, then the token in it.
 */
function quotedPosition(text: string, msg: string): number | undefined {
  const m = /Unexpected token '(.)', (?:\.\.\.)?"([\s\S]*?)(?:\.\.\.)?" is not valid JSON/.exec(msg)
  if (!m)
    return undefined
  const [, token, excerpt] = m
  const at = text.indexOf(excerpt)
  if (at < 0)
    return undefined
  const inExcerpt = excerpt.indexOf(token)
  return at + (inExcerpt < 0 ? 0 : inExcerpt)
}

/** 'line N: …' for a JSON syntax error (Node and browsers say `position N`; the end of input is the last line). */
function syntaxError(text: string, err: unknown): ScenarioError {
  const msg = err instanceof Error ? err.message : String(err)
  const m = /position (\d+)/.exec(msg)
  // A file cut short fails past its last character: name its last line.
  const end = text.trimEnd().length
  const line = lineOf(text, m ? Math.min(Number(m[1]), end) : (quotedPosition(text, msg) ?? end))
  return new ScenarioError(`line ${line}: invalid JSON (${msg})`)
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0
const isMs = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0

function fail(message: string): never {
  throw new ScenarioError(message)
}

function readRules(raw: unknown, where: string): ValueRule[] {
  if (!Array.isArray(raw))
    fail(`${where} must be an array`)
  return raw.map((r, i): ValueRule => {
    const at = `${where}[${i}]`
    if (!isObject(r))
      fail(`${at} must be an object`)
    if (typeof r.path !== 'string' || !r.path.startsWith('$'))
      fail(`${at}.path must be a JSON path starting with "$" (e.g. "$[0].id")`)
    switch (r.rule) {
      case 'exact':
        if (!('value' in r))
          fail(`${at}.value is missing (rule "exact")`)
        return { path: r.path, rule: 'exact', value: reviveTagged(r.value) }
      case 'regex':
        if (typeof r.pattern !== 'string')
          fail(`${at}.pattern must be a string (rule "regex")`)
        try {
          void new RegExp(r.pattern)
        }
        catch (err) {
          fail(`${at}.pattern is not a valid regular expression (${err instanceof Error ? err.message : String(err)})`)
        }
        return { path: r.path, rule: 'regex', pattern: r.pattern }
      case 'oneOf':
        if (!Array.isArray(r.values))
          fail(`${at}.values must be an array (rule "oneOf")`)
        return { path: r.path, rule: 'oneOf', values: reviveTagged(r.values) as unknown[] }
      case 'ignore':
        return { path: r.path, rule: 'ignore' }
    }
    return fail(`${at}.rule must be one of "exact", "regex", "oneOf", "ignore"`)
  })
}

function readSession(raw: unknown, i: number): ScenarioSession {
  const at = `sessions[${i}]`
  if (!isObject(raw))
    fail(`${at} must be an object`)
  if (!isName(raw.id))
    fail(`${at}.id must be a non-empty string`)
  if (typeof raw.url !== 'string')
    fail(`${at}.url must be a string`)
  let url: URL
  try {
    url = new URL(raw.url)
  }
  catch {
    fail(`${at}.url is not a valid URL: ${JSON.stringify(raw.url.slice(0, 200))}`)
  }
  if (!/^(?:https?|wss?):$/.test(url.protocol))
    fail(`${at}.url must be http(s) or ws(s), got ${JSON.stringify(url.protocol)}`)
  if (raw.label !== undefined && typeof raw.label !== 'string')
    fail(`${at}.label must be a string`)
  if (raw.options !== undefined && !isObject(raw.options))
    fail(`${at}.options must be an object`)
  const s: ScenarioSession = { id: raw.id, url: raw.url, options: raw.options ? reviveTagged(raw.options) as Record<string, unknown> : {} }
  if (typeof raw.label === 'string')
    s.label = raw.label
  return s
}

function readStep(raw: unknown, i: number, sessions: Set<string>, connected: Set<string>): ScenarioStep {
  const at = `steps[${i}]`
  if (!isObject(raw))
    fail(`${at} must be an object`)
  if (typeof raw.session !== 'string')
    fail(`${at}.session must be a string`)
  if (!sessions.has(raw.session))
    fail(`${at}.session "${raw.session.slice(0, 80)}" is not one of the scenario's sessions`)
  const session = raw.session
  if (raw.kind === 'connect') {
    if (connected.has(session))
      fail(`${at}: session "${session}" connects twice`)
    connected.add(session)
    return { kind: 'connect', session }
  }
  if (raw.kind !== 'emit' && raw.kind !== 'answer' && raw.kind !== 'expect-event' && raw.kind !== 'expect-ack')
    fail(`${at}.kind must be one of "connect", "emit", "answer", "expect-event", "expect-ack"`)
  if (!connected.has(session))
    fail(`${at}: session "${session}" is used before its connect step`)
  if (!isName(raw.name))
    fail(`${at}.name must be a non-empty string`)
  if (!Array.isArray(raw.args))
    fail(`${at}.args must be an array`)
  const args = reviveTagged(raw.args) as unknown[]
  if (raw.kind === 'answer')
    return { kind: 'answer', session, name: raw.name, args }
  if (!isMs(raw.atMs))
    fail(`${at}.atMs must be a number of ms (0 or more)`)
  if (raw.kind === 'emit') {
    if (typeof raw.ack !== 'boolean')
      fail(`${at}.ack must be true or false`)
    return { kind: 'emit', session, name: raw.name, args, ack: raw.ack, atMs: raw.atMs }
  }
  const step: Extract<ScenarioStep, { kind: 'expect-event' | 'expect-ack' }> = { kind: raw.kind, session, name: raw.name, args, atMs: raw.atMs }
  if (raw.rules !== undefined)
    step.rules = readRules(raw.rules, `${at}.rules`)
  return step
}

/**
 * Read a scenario file or a plain capture (JSON or NDJSON; a capture gets the default rules).
 * @example parseScenario('{"format":"sio-inspector-scenario","version":2}') // throws 'version must be 1, got 2 …'
 */
export function parseScenario(text: string): Scenario {
  if (typeof text !== 'string')
    fail('not a scenario: expected text')
  const body = text.charCodeAt(0) === 0xFEFF ? text.slice(1) : text
  if (body.trim() === '')
    fail('empty file: not a scenario or capture')
  let raw: unknown
  try {
    raw = JSON.parse(body)
  }
  catch (err) {
    // An NDJSON capture is not one JSON document: its first line is the capture's header.
    const nl = body.indexOf('\n')
    let first: unknown
    try {
      first = JSON.parse(nl < 0 ? body : body.slice(0, nl))
    }
    catch {}
    if (isCaptureHeader(first))
      return scenarioFromCapture(body)
    throw syntaxError(body, err)
  }
  if (isCaptureHeader(raw))
    return scenarioFromCapture(body)
  if (!isObject(raw) || raw.format !== SCENARIO_FORMAT)
    fail(`not a scenario or capture: "format" must be "${SCENARIO_FORMAT}" (or a capture's "sio-inspector")`)
  if (raw.version !== SCENARIO_VERSION)
    fail(`version must be ${SCENARIO_VERSION}, got ${JSON.stringify(raw.version)} (this inspector reads scenario version ${SCENARIO_VERSION})`)
  if (typeof raw.name !== 'string')
    fail('name must be a string')
  if (raw.allowanceMs !== undefined && (!isMs(raw.allowanceMs) || raw.allowanceMs === 0))
    fail('allowanceMs must be a number of ms above 0')
  if (!Array.isArray(raw.sessions))
    fail('sessions must be an array')
  if (raw.sessions.length === 0)
    fail('sessions must name at least one session')
  const sessions = raw.sessions.map(readSession)
  const ids = new Set<string>()
  sessions.forEach((s, i) => {
    if (ids.has(s.id))
      fail(`sessions[${i}].id "${s.id}" is used by an earlier session`)
    ids.add(s.id)
  })
  if (!Array.isArray(raw.steps))
    fail('steps must be an array')
  const connected = new Set<string>()
  const steps = raw.steps.map((s, i) => readStep(s, i, ids, connected))
  return {
    format: SCENARIO_FORMAT,
    version: SCENARIO_VERSION,
    name: raw.name,
    allowanceMs: (raw.allowanceMs as number | undefined) ?? DEFAULT_ALLOWANCE_MS,
    sessions,
    steps,
  }
}

/**
 * A scenario as file text (pretty JSON). Values JSON cannot hold (binary, undefined, dates…) are written as
 * the capture format's `$t` tags, which `parseScenario` reads back.
 */
export function stringifyScenario(scenario: Scenario): string {
  // An optional field left undefined is left out (the tags would write it as `{"$t":"undef"}`).
  const clean = {
    ...scenario,
    sessions: scenario.sessions.map(dropUndefined),
    steps: scenario.steps.map(dropUndefined),
  }
  return `${JSON.stringify(clean, taggedReplacer, 2)}\n`
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}
