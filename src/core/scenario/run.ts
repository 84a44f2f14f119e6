/**
 * Replay a scenario: one live session per scenario session, steps run one after the other in the recorded
 * order (so "B enters, then A chats to the room" keeps its causality), each expectation checked as it comes.
 * See ./README.md for the matching and timing rules.
 */
import type { AckEntry, EventEntry, LogEntry, SessionSource } from '../types'
import type { Scenario, ScenarioRunOptions, ScenarioRunResult, ScenarioSession, ScenarioStep, StepResult } from './types'
import { EventLog } from '../log/event-log'
import { createSessionSource } from '../session/create'
import { matchShape } from './match'

/** How long a connect step waits for the server's CONNECT (a refused connection fails at once). */
const CONNECT_TIMEOUT_MS = 10_000

/** The recorded URL pointed at another server: its origin; its namespace only when the URL names one. */
export function retarget(recorded: string, override: string | undefined): string {
  if (!override)
    return recorded
  const target = new URL(override)
  const from = new URL(recorded)
  const ownNamespace = target.pathname !== '' && target.pathname !== '/'
  const path = ownNamespace ? target.pathname : from.pathname
  const search = target.search || from.search
  return `${target.origin}${path === '/' ? '' : path}${search}`
}

interface Received {
  entry: EventEntry | AckEntry
  /** When this runner saw it (performance.now()). */
  at: number
  /** The step running when it came (unexpected events are reported there). */
  step: number
}

interface Live {
  spec: ScenarioSession
  source: SessionSource
  connectedAt?: number
  failed?: string
  events: Received[]
  /** Position of the next incoming event to look at (expectations are matched in order). */
  cursor: number
  acks: Map<string, Received>
  /** Correlation ids of this session's emits that asked for an ack, per event name, oldest first. */
  asked: Map<string, string[]>
  answered: Set<string>
  /** Names of the events the recording saw in this session: any other one is unexpected. */
  expected: Set<string>
}

const now = (): number => performance.now()

/**
 * Run `scenario` against the recorded server (or `options.url`). Never throws for a server that behaves
 * differently: every difference is a failed step with its message.
 * @example
 * const r = await runScenario(parseScenario(text), { url: 'http://127.0.0.1:3000', fast: true })
 * for (const s of r.steps) if (s.status === 'fail') console.log(s.index, s.message)
 */
export async function runScenario(scenario: Scenario, options: ScenarioRunOptions = {}): Promise<ScenarioRunResult> {
  const create = options.createSession ?? createSessionSource
  const log = new EventLog()
  const results: StepResult[] = scenario.steps.map((_, index) => ({ index, status: 'pending' }))
  const lives = new Map<string, Live>()
  const bySource = new Map<string, Live>()
  let current = 0
  let wake: (() => void) | undefined
  let error: ScenarioRunResult['error']

  const notify = (): void => {
    const w = wake
    wake = undefined
    w?.()
  }
  const stopLog = log.subscribe((batch: readonly LogEntry[]) => {
    const t = now()
    for (const e of batch) {
      const live = bySource.get(e.sessionId)
      if (!live)
        continue
      if (e.kind === 'connect' && live.connectedAt === undefined)
        live.connectedAt = t
      else if (e.kind === 'connect_error' && live.connectedAt === undefined)
        live.failed = e.message
      else if (e.kind === 'event' && e.direction === 'in')
        live.events.push({ entry: e, at: t, step: current })
      else if (e.kind === 'ack' && e.direction === 'in')
        live.acks.set(e.correlationId, { entry: e, at: t, step: current })
    }
    notify()
  })
  const onAbort = (): void => notify()
  options.signal?.addEventListener('abort', onAbort)

  /** Wait until `ready()` or `deadline` (performance.now() time) or abort; returns whether it is ready. */
  async function until(ready: () => boolean, deadline: number): Promise<boolean> {
    // Bounded: each round waits for a log batch or the deadline.
    while (!ready()) {
      const left = deadline - now()
      if (left <= 0 || options.signal?.aborted)
        return ready()
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
    return true
  }

  const report = (r: StepResult): void => {
    results[r.index] = r
    options.onStep?.({ ...r })
  }

  const expectedNames = new Map<string, Set<string>>()
  for (const step of scenario.steps) {
    if (step.kind === 'expect-event') {
      const set = expectedNames.get(step.session) ?? new Set<string>()
      set.add(step.name)
      expectedNames.set(step.session, set)
    }
  }

  let prevEnd = now()
  try {
    for (let i = 0; i < scenario.steps.length; i++) {
      if (options.signal?.aborted)
        break
      current = i
      const step = scenario.steps[i]
      report({ index: i, status: 'running', ...('atMs' in step ? { recordedMs: step.atMs } : {}) })
      const outcome = await runStep(step)
      prevEnd = now()
      report({ index: i, ...outcome })
      if (error || (outcome.status === 'fail' && options.bail))
        break
    }
    // Entries already on their way are delivered in the log's next batch.
    await new Promise(resolve => setTimeout(resolve, 0))
    await new Promise(resolve => setTimeout(resolve, 0))
    reportUnexpected()
  }
  finally {
    stopLog()
    options.signal?.removeEventListener('abort', onAbort)
    for (const live of lives.values()) live.source.dispose()
  }
  const ok = !error && !options.signal?.aborted && results.every(r => r.status === 'pass')
  return error ? { ok, steps: results, error } : { ok, steps: results }

  // ---------------------------------------------------------------- steps

  async function runStep(step: ScenarioStep): Promise<Omit<StepResult, 'index'>> {
    if (step.kind === 'connect')
      return connect(step.session)
    const live = lives.get(step.session)
    if (!live || live.connectedAt === undefined)
      return { status: 'fail', message: `session "${step.session}" is not connected` }
    const since = (): number => Math.round(now() - live.connectedAt!)
    const recordedMs = 'atMs' in step ? step.atMs : undefined
    // With `fast`, an expectation has the allowance from the step before it; else from its recorded time.
    const deadline = (atMs: number): number => options.fast
      ? prevEnd + scenario.allowanceMs
      : live.connectedAt! + atMs + scenario.allowanceMs
    const withTimes = (r: Omit<StepResult, 'index'>, ms?: number): Omit<StepResult, 'index'> => ({
      ...r,
      ...(ms !== undefined ? { ms } : {}),
      ...(recordedMs !== undefined ? { recordedMs } : {}),
    })

    switch (step.kind) {
      case 'emit': {
        if (!options.fast)
          await until(() => false, live.connectedAt + step.atMs)
        if (options.signal?.aborted)
          return { status: 'pending' }
        const r = live.source.emit(step.name, step.args, step.ack ? { ack: true, ackTimeoutMs: scenario.allowanceMs + CONNECT_TIMEOUT_MS } : {})
        if (!r.ok)
          return withTimes({ status: 'fail', message: `${step.name}: could not emit (${r.error})` }, since())
        if (step.ack && r.correlationId) {
          const list = live.asked.get(step.name) ?? []
          list.push(r.correlationId)
          live.asked.set(step.name, list)
        }
        return withTimes({ status: 'pass' }, since())
      }
      case 'answer': {
        let req: Received | undefined
        const find = (): boolean => {
          req = live.events.find(r => r.entry.kind === 'event' && r.entry.name === step.name
            && r.entry.correlationId !== undefined && !live.answered.has(r.entry.correlationId))
          return req !== undefined
        }
        if (!await until(find, prevEnd + scenario.allowanceMs))
          return withTimes({ status: 'fail', message: `missing event "${step.name}" (the server did not ask for an ack)` }, since())
        const id = (req!.entry as EventEntry).correlationId!
        live.answered.add(id)
        const r = live.source.answerAck(id, step.args)
        return r.ok
          ? withTimes({ status: 'pass' }, since())
          : withTimes({ status: 'fail', message: `${step.name}: could not answer the ack (${r.error})` }, since())
      }
      case 'expect-event': {
        const end = deadline(step.atMs)
        let found: Received | undefined
        const find = (): boolean => {
          // In order: the first event of this name after the last one matched.
          for (let p = live.cursor; p < live.events.length; p++) {
            if ((live.events[p].entry as EventEntry).name === step.name) {
              found = live.events[p]
              live.cursor = p + 1
              return true
            }
          }
          return false
        }
        if (!await until(find, end))
          return withTimes({ status: 'fail', message: `missing event "${step.name}"` }, since())
        const ms = Math.round(found!.at - live.connectedAt)
        const diffs = matchShape(step.args, found!.entry.args, step.rules)
        if (diffs.length > 0)
          return withTimes({ status: 'fail', message: `${step.name}: ${diffs.join('; ')}` }, ms)
        if (found!.at > end)
          return withTimes({ status: 'fail', message: `"${step.name}" came late: at ${ms} ms, recorded at ${step.atMs} ms (allowance ${scenario.allowanceMs} ms)` }, ms)
        return withTimes({ status: 'pass' }, ms)
      }
      case 'expect-ack': {
        const id = live.asked.get(step.name)?.shift()
        if (id === undefined)
          return withTimes({ status: 'fail', message: `missing ack "${step.name}" (no emit of "${step.name}" asked for one)` })
        const end = deadline(step.atMs)
        if (!await until(() => live.acks.has(id), end) || live.acks.get(id)!.entry.kind !== 'ack' || (live.acks.get(id)!.entry as AckEntry).timedOut)
          return withTimes({ status: 'fail', message: `missing ack "${step.name}"` }, since())
        const got = live.acks.get(id)!
        const ms = Math.round(got.at - live.connectedAt)
        const diffs = matchShape(step.args, got.entry.args, step.rules)
        if (diffs.length > 0)
          return withTimes({ status: 'fail', message: `${step.name} ack: ${diffs.join('; ')}` }, ms)
        if (got.at > end)
          return withTimes({ status: 'fail', message: `"${step.name}" ack came late: at ${ms} ms, recorded at ${step.atMs} ms (allowance ${scenario.allowanceMs} ms)` }, ms)
        return withTimes({ status: 'pass' }, ms)
      }
    }
  }

  async function connect(id: string): Promise<Omit<StepResult, 'index'>> {
    const spec = scenario.sessions.find(s => s.id === id)
    if (!spec)
      return { status: 'fail', message: `session "${id}" is not described` }
    let url = options.url ?? spec.url
    let source: SessionSource
    try {
      url = retarget(spec.url, options.url)
      // A replay does not retry a refused connection forever: it fails the run (unless recorded otherwise).
      source = create({ reconnection: false, ...spec.options, url }, { log, id: `scenario-${id}` })
    }
    catch (err) {
      const message = `cannot connect session "${spec.label ?? id}" to ${url}: ${err instanceof Error ? err.message : String(err)}`
      error = { kind: 'connection', message }
      return { status: 'fail', message }
    }
    const live: Live = {
      spec,
      source,
      events: [],
      cursor: 0,
      acks: new Map(),
      asked: new Map(),
      answered: new Set(),
      expected: expectedNames.get(id) ?? new Set(),
    }
    lives.set(id, live)
    bySource.set(source.id, live)
    const started = now()
    source.connect()
    await until(() => live.connectedAt !== undefined || live.failed !== undefined, started + CONNECT_TIMEOUT_MS)
    if (live.connectedAt === undefined) {
      const why = live.failed ?? (options.signal?.aborted ? 'aborted' : `no answer in ${CONNECT_TIMEOUT_MS / 1000} s`)
      const message = `cannot connect session "${spec.label ?? id}" to ${url}: ${why}`
      error = { kind: 'connection', message }
      return { status: 'fail', message }
    }
    return { status: 'pass', ms: 0 }
  }

  /** Events of a name the recording never saw in that session fail the step that was running when they came. */
  function reportUnexpected(): void {
    const extra = new Map<number, Set<string>>()
    for (const [id, live] of lives) {
      for (const r of live.events) {
        const name = (r.entry as EventEntry).name
        if (live.expected.has(name))
          continue
        // The latest step of this session at or before the one running when it came.
        let at = -1
        for (let i = Math.min(r.step, scenario.steps.length - 1); i >= 0; i--) {
          if (scenario.steps[i].session === id) {
            at = i
            break
          }
        }
        if (at < 0)
          continue
        const set = extra.get(at) ?? new Set<string>()
        set.add(name)
        extra.set(at, set)
      }
    }
    for (const [index, names] of [...extra].sort((a, b) => a[0] - b[0])) {
      const prev = results[index]
      const msgs = [...names].map(n => `unexpected event "${n}"`)
      report({ ...prev, status: 'fail', message: [prev.status === 'fail' ? prev.message : undefined, ...msgs].filter(Boolean).join('; ') })
    }
  }
}
