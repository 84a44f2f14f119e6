/**
 * Scenarios (issue 15): a tab's capture read as steps, kept in the workspace (localStorage key
 * `sio-inspector-v1-scenarios`), with the rules the user pinned on expected payloads, and run against the
 * current server in fresh tabs. The engine (`src/core/scenario`) does the reading and the matching; this
 * store keeps the list, the rules and one run's step results.
 */
import type { LogEntry, NewEntry, Scenario, ScenarioRunResult, ScenarioSession, SessionSource, StepResult, ValueRule } from '#core'
import type { ConnectOptions } from '../lib/connect-form'
import { exportLog, parseScenario, redactSecrets, redactText, restoreSecrets, runScenario, scenarioFromCapture } from '#core'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { t } from '../i18n'
import { expectArray, isRecord, readStored, setAside, writeStored } from '../lib/storage'
import { useEnvironmentsStore } from './environments'
import { getInspector, useSessionsStore } from './sessions'

const STORAGE_NAME = 'scenarios'

/** One scenario of the workspace. */
export interface SavedScenario {
  id: string
  scenario: Scenario
  savedAt: number
}

/** What the last (or current) run of a scenario showed. */
export interface ScenarioRunState {
  scenarioId: string
  running: boolean
  /** Per step index. */
  results: Record<number, StepResult>
  /** The tabs the run opened (they stay open: the user can read what the server sent). */
  tabIds: string[]
  ok?: boolean
  error?: string
}

export type ImportOutcome = { ok: true, id: string } | { ok: false, error: string }

/** A rule for a field: replaces any rule already on that path. */
export function withRule(rules: readonly ValueRule[] | undefined, rule: ValueRule): ValueRule[] {
  return [...(rules ?? []).filter(r => r.path !== rule.path), rule]
}

/**
 * What a replay needs of a tab's connect options, and nothing that may be a secret (auth, query, headers,
 * cookies stay out of a scenario: it is a file to share and commit).
 */
const SAFE_OPTIONS = ['via', 'client', 'path', 'transports', 'upgrade', 'forceNew', 'timeout', 'withCredentials'] as const
function safeOptions(options: ConnectOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of SAFE_OPTIONS) {
    if (options[key] !== undefined)
      out[key] = options[key]
  }
  return out
}

function newId(): string {
  return `sc-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
}

/** The stored list: each scenario is checked by the engine's own reader; an unreadable one is set aside. */
function readList(raw: unknown): SavedScenario[] {
  const items = expectArray(isRecord(raw) ? raw.scenarios : raw, 'scenarios')
  const out: SavedScenario[] = []
  items.forEach((item, i) => {
    try {
      if (!isRecord(item) || typeof item.id !== 'string')
        throw new Error(t('scenario.store.noId'))
      const scenario = parseScenario(JSON.stringify(item.scenario))
      out.push({ id: item.id, scenario, savedAt: typeof item.savedAt === 'number' ? item.savedAt : 0 })
    }
    catch (error) {
      setAside(`${STORAGE_NAME}-${i}`, item, t('scenario.store.setAside', { n: i + 1, error: error instanceof Error ? error.message : String(error) }))
    }
  })
  return out
}

export const useScenariosStore = defineStore('scenarios', () => {
  const sessions = useSessionsStore()
  const list = shallowRef<SavedScenario[]>(readStored(STORAGE_NAME, readList, []))
  const activeId = ref<string | undefined>(list.value[0]?.id)
  const run = shallowRef<ScenarioRunState>()
  let abort: AbortController | undefined

  const active = computed(() => list.value.find(s => s.id === activeId.value))

  function persist(): void {
    writeStored(STORAGE_NAME, { scenarios: list.value })
  }

  function add(scenario: Scenario): string {
    const id = newId()
    list.value = [...list.value, { id, scenario, savedAt: Date.now() }]
    activeId.value = id
    persist()
    return id
  }

  function update(id: string, change: (scenario: Scenario) => Scenario): void {
    list.value = list.value.map(s => s.id === id ? { ...s, scenario: change(s.scenario) } : s)
    persist()
  }

  /** The core's export of these sessions (what Export writes for them), named as their tabs are. */
  function captureText(sessionIds: readonly string[]): string {
    const ids = new Set(sessionIds)
    const snapshots = sessionIds.map(id => sessions.snapshotOf(id)).filter(s => s !== undefined)
    const named = snapshots.map(snap => sessions.names[snap.id] ? { ...snap, label: sessions.names[snap.id] } : snap)
    const entries = [...getInspector().log].filter(entry => ids.has(entry.sessionId))
    // Secret variables' values (issue 16 item 2) are not kept in a scenario (localStorage, its file): they
    // are `{{name}}` there, and `runActive` puts the user's values back when it replays.
    return redactText(exportLog(entries, named), useEnvironmentsStore().allSecrets())
  }

  /**
   * Save these tabs (one tab, or the Timeline's every tab) as a scenario. A session recorded through the
   * relay replays through it. Throws the engine's ScenarioError (e.g. nothing to replay).
   */
  function saveFromSessions(sessionIds: readonly string[], name?: string): string {
    const scenario = scenarioFromCapture(captureText(sessionIds), { name: name ?? defaultName(sessionIds) })
    const withOptions = scenario.sessions.map((session): ScenarioSession => {
      const options = sessions.optionsById[session.id]
      return options ? { ...session, options: { ...redactSecrets(safeOptions(options), useEnvironmentsStore().allSecrets()), ...session.options } } : session
    })
    return add({ ...scenario, sessions: withOptions })
  }

  function defaultName(sessionIds: readonly string[]): string {
    const first = sessionIds.length === 1 ? sessions.snapshotOf(sessionIds[0]!) : undefined
    const what = first ? sessions.labelOf(first) : t('scenario.store.sessions', { n: sessionIds.length })
    return `${what} — ${new Date().toLocaleString()}`
  }

  /** A scenario file or a plain capture; the error names the file and the line/field. */
  function importText(text: string, fileName: string): ImportOutcome {
    try {
      return { ok: true, id: add(parseScenario(text)) }
    }
    catch (error) {
      return { ok: false, error: t('scenario.store.notAScenario', { file: fileName, error: error instanceof Error ? error.message : String(error) }) }
    }
  }

  function remove(id: string): void {
    list.value = list.value.filter(s => s.id !== id)
    if (activeId.value === id)
      activeId.value = list.value[0]?.id
    if (run.value?.scenarioId === id && !run.value.running)
      run.value = undefined
    persist()
  }

  function rename(id: string, name: string): void {
    const trimmed = name.trim().slice(0, 200)
    if (trimmed)
      update(id, s => ({ ...s, name: trimmed }))
  }

  function setAllowance(id: string, ms: number): void {
    if (Number.isFinite(ms) && ms >= 0)
      update(id, s => ({ ...s, allowanceMs: Math.round(ms) }))
  }

  /** Pin (or ignore) a field of an expected payload: `rule.path` is the field's JSON path in the args. */
  function setRule(id: string, stepIndex: number, rule: ValueRule): void {
    update(id, s => ({
      ...s,
      steps: s.steps.map((step, i) => i === stepIndex && (step.kind === 'expect-event' || step.kind === 'expect-ack')
        ? { ...step, rules: withRule(step.rules, rule) }
        : step),
    }))
  }

  /** Back to the default (shape only) for that field. */
  function clearRule(id: string, stepIndex: number, path: string): void {
    update(id, s => ({
      ...s,
      steps: s.steps.map((step, i) => {
        if (i !== stepIndex || (step.kind !== 'expect-event' && step.kind !== 'expect-ack'))
          return step
        const rules = (step.rules ?? []).filter(r => r.path !== path)
        const { rules: _old, ...rest } = step
        return rules.length ? { ...rest, rules } : rest
      }),
    }))
  }

  /** The scenario file (the project's versioned format). */
  function exportText(id: string): string | undefined {
    const saved = list.value.find(s => s.id === id)
    return saved ? `${JSON.stringify(saved.scenario, null, 2)}\n` : undefined
  }

  /**
   * Replay against the current server, each recorded session in a fresh tab (opened through the sessions
   * store, so it shows as a tab and in the Timeline). Resolves with the engine's result.
   */
  async function runActive(options: { fast?: boolean } = {}): Promise<ScenarioRunResult | undefined> {
    const saved = active.value
    if (!saved || run.value?.running)
      return undefined
    abort = new AbortController()
    const tabIds: string[] = []
    const state: ScenarioRunState = { scenarioId: saved.id, running: true, results: {}, tabIds }
    run.value = state
    const bridges: (() => void)[] = []
    const createSession = ((opts, deps) => {
      const { relay: _relay, ...connectOptions } = opts
      const tabId = sessions.openSession(connectOptions as ConnectOptions, { connect: false, activate: false })
      tabIds.push(tabId)
      run.value = { ...run.value!, tabIds: [...tabIds] }
      // Named like the panel's session column: its number in the scenario, its recorded label.
      const n = tabIds.length
      sessions.rename(tabId, `▶ ${n} · ${saved.scenario.sessions[n - 1]?.label ?? saved.scenario.name}`)
      const source = getInspector().get(tabId) as SessionSource
      const bridged = bridge(source, deps.log, deps.id)
      bridges.push(bridged.off)
      return bridged.session
    }) satisfies typeof import('#core').createSessionSource
    try {
      const result = await runScenario(restoreSecrets(saved.scenario, useEnvironmentsStore().allSecrets()), {
        fast: options.fast,
        createSession,
        signal: abort.signal,
        onStep: (step) => {
          if (run.value?.scenarioId === saved.id)
            run.value = { ...run.value, results: { ...run.value.results, [step.index]: step } }
        },
      })
      const results = { ...run.value?.results }
      for (const step of result.steps) results[step.index] = step
      run.value = { ...run.value!, running: false, ok: result.ok, results, error: result.error?.message }
      return result
    }
    catch (error) {
      run.value = { ...run.value!, running: false, ok: false, error: error instanceof Error ? error.message : String(error) }
      return undefined
    }
    finally {
      for (const off of bridges) off()
      abort = undefined
    }
  }

  function stop(): void {
    abort?.abort()
  }

  function select(id: string): void {
    activeId.value = id
    if (run.value && run.value.scenarioId !== id && !run.value.running)
      run.value = undefined
  }

  return { list, activeId, active, run, captureText, saveFromSessions, importText, remove, rename, setAllowance, setRule, clearRule, exportText, runActive, stop, select }
})

/**
 * The engine reads a session's entries from the log it hands `createSession`; a tab's session writes to
 * the page's log. Copy that tab's entries into the engine's log as they come (under the id the engine
 * knows it by), and present the tab's session under that id.
 */
function bridge(source: SessionSource, target: { append: (entry: NewEntry<LogEntry>) => LogEntry }, id: string | undefined): { session: SessionSource, off: () => void } {
  const engineId = id ?? source.id
  const page = getInspector().log
  const copy = (entry: LogEntry): void => {
    if (entry.sessionId !== source.id)
      return
    const { id: _id, ...rest } = entry as LogEntry & { id: number }
    target.append({ ...rest, sessionId: engineId } as NewEntry<LogEntry>)
  }
  const off = page.subscribe((batch) => {
    for (const entry of batch) copy(entry)
  })
  const session: SessionSource = {
    id: engineId,
    snapshot: () => ({ ...source.snapshot(), id: engineId }),
    on: (event, listener) => source.on(event, listener),
    connect: () => source.connect(),
    disconnect: () => source.disconnect(),
    reconnect: () => source.reconnect(),
    emit: (name, args, options) => source.emit(name, args, options),
    answerAck: (correlationId, args) => source.answerAck(correlationId, args),
    injectFault: fault => source.injectFault(fault),
    setReconnection: on => source.setReconnection(on),
    setQueueWhileOffline: on => source.setQueueWhileOffline(on),
    // The tab stays (its log is the record of the run): the engine's dispose only disconnects it.
    dispose: () => source.disconnect(),
  }
  return { session, off }
}
