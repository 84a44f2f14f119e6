/**
 * A capture (export/format.ts) read as a scenario: per session, its connect, its emits (with their ack
 * requests), its answers to the server's ack requests, and the events and acks it saw, in the recorded order.
 */
import type { LogEntry, SessionSnapshot } from '../types'
import type { Scenario, ScenarioSession, ScenarioStep, ValueRule } from './types'
import { CAPTURE_FORMAT, importCapture } from '../export/format'
import { DEFAULT_ALLOWANCE_MS, SCENARIO_FORMAT, SCENARIO_VERSION, ScenarioError } from './types'

export interface FromCaptureOptions {
  /** Scenario name. @default 'capture' (the first session's label) */
  name?: string
  /** Only these sessions (default: every session with a connect). */
  sessionIds?: string[]
  /** Only these entries (a selection of rows); each picked session still gets its connect step. */
  entryIds?: number[]
  /** @default 5000 */
  allowanceMs?: number
}

/** The connect options a capture's session header may carry (`options`); a capture without them replays with the defaults. */
function recordedOptions(text: string): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>()
  let header: unknown
  const body = text.charCodeAt(0) === 0xFEFF ? text.slice(1) : text
  const nl = body.indexOf('\n')
  try {
    header = JSON.parse(nl < 0 ? body : body.slice(0, nl))
  }
  catch {
    try {
      header = JSON.parse(body)
    }
    catch {
      return out
    }
  }
  const sessions = (header as { sessions?: unknown })?.sessions
  if (!Array.isArray(sessions))
    return out
  for (const s of sessions) {
    const o = (s as { options?: unknown })?.options
    if (typeof (s as { id?: unknown })?.id === 'string' && o && typeof o === 'object' && !Array.isArray(o))
      out.set((s as { id: string }).id, o as Record<string, unknown>)
  }
  return out
}

/** The whole payload of a truncated entry was not recorded: its expectation checks nothing. */
const IGNORE_ALL: ValueRule[] = [{ path: '$', rule: 'ignore' }]

/**
 * Build a scenario from a capture's text (JSON or NDJSON). Throws `ScenarioError` for a file that is not
 * a readable capture, or that has nothing to replay.
 * @example const scenario = scenarioFromCapture(exportLog(log, sessions), { name: 'rooms flow' })
 */
export function scenarioFromCapture(captureText: string, options: FromCaptureOptions = {}): Scenario {
  const read = importCapture(captureText)
  if (!read.ok)
    throw new ScenarioError(`not a readable capture: ${read.error}`)
  const wanted = options.sessionIds ? new Set(options.sessionIds) : undefined
  const picked = options.entryIds ? new Set(options.entryIds) : undefined
  const snaps = new Map<string, SessionSnapshot>(read.sessions.map(s => [s.id, s]))
  const opts = recordedOptions(captureText)

  const sessions: ScenarioSession[] = []
  const steps: ScenarioStep[] = []
  /** The mono time of each session's first connect: steps' `atMs` count from it. */
  const connectedAt = new Map<string, number>()
  const urls = new Map<string, string>()

  const at = (e: LogEntry): number => Math.max(0, Math.round(e.mono - (connectedAt.get(e.sessionId) ?? e.mono)))
  // Entries come in log order (ids ascend with time, across sessions).
  const entries = [...read.entries].sort((a, b) => a.id - b.id)
  // Times count from each session's first connect; a session that never connected has nothing to replay.
  for (const e of entries) {
    if (e.kind === 'connect' && !connectedAt.has(e.sessionId))
      connectedAt.set(e.sessionId, e.mono)
    if (e.kind === 'connecting' && !urls.has(e.sessionId))
      urls.set(e.sessionId, e.url)
  }
  const started = new Set<string>()
  for (const e of entries) {
    if (wanted && !wanted.has(e.sessionId))
      continue
    if (!connectedAt.has(e.sessionId))
      continue
    if ((e.kind === 'connecting' || e.kind === 'connect') && !started.has(e.sessionId)) {
      // The connect step stands where the session began to connect (its `connecting` entry): what the
      // server did for the new socket in other sessions (a `presence` broadcast) may be logged before
      // this session's own `connect`, never before its `connecting`.
      started.add(e.sessionId)
      const snap = snaps.get(e.sessionId)
      const url = snap?.url || urls.get(e.sessionId) || ''
      if (!url)
        throw new ScenarioError(`session "${e.sessionId}": the capture does not say its URL`)
      const s: ScenarioSession = { id: e.sessionId, url, options: { ...(opts.get(e.sessionId) ?? {}) } }
      if (snap?.label)
        s.label = snap.label
      sessions.push(s)
      steps.push({ kind: 'connect', session: e.sessionId })
      continue
    }
    if (!started.has(e.sessionId))
      continue
    if (picked && !picked.has(e.id))
      continue
    const session = e.sessionId
    if (e.kind === 'event' && e.direction === 'out') {
      if (e.truncated)
        throw new ScenarioError(`entry ${e.id} (emit "${e.name}"): its arguments were not recorded whole (${e.truncated.reason}), so it cannot be replayed`)
      steps.push({ kind: 'emit', session, name: e.name, args: [...e.args], ack: e.correlationId !== undefined, atMs: at(e) })
    }
    else if (e.kind === 'event' && e.direction === 'in') {
      const step: Extract<ScenarioStep, { kind: 'expect-event' }> = { kind: 'expect-event', session, name: e.name, args: [...e.args], atMs: at(e) }
      if (e.truncated)
        step.rules = [...IGNORE_ALL]
      steps.push(step)
    }
    else if (e.kind === 'ack' && e.direction === 'in') {
      // An ack that never came (timed out) is no expectation: the emit is still replayed.
      if (e.timedOut)
        continue
      const step: Extract<ScenarioStep, { kind: 'expect-ack' }> = { kind: 'expect-ack', session, name: e.name, args: [...e.args], atMs: at(e) }
      if (e.truncated)
        step.rules = [...IGNORE_ALL]
      steps.push(step)
    }
    else if (e.kind === 'ack' && e.direction === 'out' && !e.timedOut) {
      steps.push({ kind: 'answer', session, name: e.name, args: [...e.args] })
    }
  }
  if (sessions.length === 0)
    throw new ScenarioError(`nothing to replay: no ${wanted ? 'chosen ' : ''}session of the capture connected`)
  // An ack step whose emit was left out of a selection cannot be checked: drop it.
  const asked = new Map<string, number>()
  const kept = steps.filter((s) => {
    if (s.kind === 'emit' && s.ack)
      asked.set(`${s.session}\0${s.name}`, (asked.get(`${s.session}\0${s.name}`) ?? 0) + 1)
    if (s.kind !== 'expect-ack')
      return true
    const key = `${s.session}\0${s.name}`
    const n = asked.get(key) ?? 0
    if (n === 0)
      return false
    asked.set(key, n - 1)
    return true
  })
  return {
    format: SCENARIO_FORMAT,
    version: SCENARIO_VERSION,
    name: options.name ?? (sessions[0].label ? `${sessions[0].label} capture` : 'capture'),
    allowanceMs: options.allowanceMs ?? DEFAULT_ALLOWANCE_MS,
    sessions,
    steps: hoistConnects(kept),
  }
}

/**
 * A connect step never waits behind another session's expectations. The log's order is the order entries
 * reached it, not cause and effect: a relayed session's `connecting` streams in from the relay, so another
 * tab's `presence` for the new socket (which the connect caused) may be logged first. Replayed in that order,
 * the runner would wait for an event that only the later connect can bring. Moving the connect up past other
 * sessions' `expect-*` steps is safe (events are buffered per session from its connect on) and never moves it
 * past an emit, an answer or a step of its own session, so what the server sees keeps the recorded order.
 */
export function hoistConnects(steps: ScenarioStep[]): ScenarioStep[] {
  const out = [...steps]
  for (let i = 0; i < out.length; i++) {
    const step = out[i]
    if (step.kind !== 'connect')
      continue
    let to = i
    while (to > 0) {
      const before = out[to - 1]
      if ((before.kind === 'expect-event' || before.kind === 'expect-ack') && before.session !== step.session)
        to--
      else
        break
    }
    if (to < i) {
      out.splice(i, 1)
      out.splice(to, 0, step)
    }
  }
  return out
}

/** Whether a parsed JSON value is a capture header (not a scenario). */
export function isCaptureHeader(v: unknown): boolean {
  return !!v && typeof v === 'object' && (v as { format?: unknown }).format === CAPTURE_FORMAT
}
