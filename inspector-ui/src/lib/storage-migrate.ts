/**
 * The layout of what the inspector keeps in localStorage, by revision, and the steps from one to the next
 * (issue 16: "preferences keep the existing versioned-localStorage scheme with a migration from today's
 * keys"). Keys stay `sio-inspector-v1-<name>`; `sio-inspector-v1-schema` holds the layout revision:
 *
 * - 1 (no `schema` key): prefs, recent, history, saved, scenarios, lang.
 * - 2 (issue 16): + event-memory, draft, workspace, tabs, environments (and sessionStorage secrets).
 *   From 1: the per-event memory starts from the send history (the newest send of each event name gives its
 *   ack, timeout, volatile and arguments, so an event the user always sent with an ack comes back with the
 *   ack box on), and a language stored by hand as a bare `ko` is rewritten as JSON.
 *
 * Runs once per page, before the first stored value is read (lib/storage.ts). It never drops data: a value
 * it cannot read is left for the store that owns it (which sets damaged values aside and says so). A layout
 * newer than this build's is left untouched.
 */

export const SCHEMA_KEY = 'sio-inspector-v1-schema'
export const CURRENT_REVISION = 2

const PREFIX = 'sio-inspector-v1-'
const MAX_SEEDED_EVENTS = 200

export interface MigrationOutcome {
  from: number
  to: number
  /** What each step did, in words (empty when nothing was to do). */
  steps: string[]
  /** A problem to show the user (e.g. a layout newer than this build). */
  problem?: string
}

function parse(text: string | null): unknown {
  if (text == null)
    return undefined
  try {
    return JSON.parse(text)
  }
  catch {
    return undefined
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Revision 1 → 2: event memory from the history; a bare language value as JSON. */
function toRevision2(store: Storage, steps: string[]): void {
  if (store.getItem(`${PREFIX}event-memory`) == null) {
    const history = parse(store.getItem(`${PREFIX}history`))
    if (Array.isArray(history)) {
      const seen = new Set<string>()
      const memory: Record<string, unknown>[] = []
      // History is newest first: the first item of a name is its last send.
      for (const item of history) {
        if (!isRecord(item) || typeof item.event !== 'string' || item.event === '' || typeof item.args !== 'string' || seen.has(item.event))
          continue
        seen.add(item.event)
        memory.push({
          event: item.event,
          ack: item.ack === true,
          ackTimeoutMs: typeof item.ackTimeoutMs === 'number' && Number.isInteger(item.ackTimeoutMs) && item.ackTimeoutMs > 0 ? item.ackTimeoutMs : 10_000,
          args: item.args,
          volatile: item.volatile === true,
          sentAt: typeof item.sentAt === 'number' ? item.sentAt : 0,
        })
        if (memory.length >= MAX_SEEDED_EVENTS)
          break
      }
      if (memory.length > 0) {
        store.setItem(`${PREFIX}event-memory`, JSON.stringify(memory))
        steps.push(`per-event memory started from the send history (${memory.length} event ${memory.length === 1 ? 'name' : 'names'})`)
      }
    }
  }
  const lang = store.getItem(`${PREFIX}lang`)
  if (lang === 'en' || lang === 'ko') {
    store.setItem(`${PREFIX}lang`, JSON.stringify(lang))
    steps.push('language stored as JSON')
  }
}

const STEPS: ReadonlyArray<{ to: number, run: (store: Storage, steps: string[]) => void }> = [
  { to: 2, run: toRevision2 },
]

/** The stored revision: the `schema` key, else 1 when anything of revision 1 is stored, else none (fresh). */
export function storedRevision(store: Storage): number | undefined {
  const raw = store.getItem(SCHEMA_KEY)
  if (raw != null) {
    const value = parse(raw)
    return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : 1
  }
  for (let i = 0; i < store.length; i++) {
    if (store.key(i)?.startsWith(PREFIX))
      return 1
  }
  return undefined
}

/**
 * Bring `store` to CURRENT_REVISION. A step that throws (storage full) stops there: the revision written is
 * the last one reached, so the next page load tries again.
 */
export function migrateStorage(store: Storage): MigrationOutcome {
  const from = storedRevision(store)
  if (from === undefined) {
    store.setItem(SCHEMA_KEY, JSON.stringify(CURRENT_REVISION))
    return { from: CURRENT_REVISION, to: CURRENT_REVISION, steps: [] }
  }
  if (from > CURRENT_REVISION) {
    return {
      from,
      to: from,
      steps: [],
      problem: `stored by a newer Socket.IO Inspector (layout revision ${from}; this one knows ${CURRENT_REVISION}): left as it is`,
    }
  }
  const steps: string[] = []
  let reached = from
  try {
    for (const step of STEPS) {
      if (step.to <= reached)
        continue
      step.run(store, steps)
      reached = step.to
    }
  }
  catch (error) {
    return { from, to: reached, steps, problem: `could not update the stored layout to revision ${CURRENT_REVISION}: ${error instanceof Error ? error.message : String(error)}` }
  }
  finally {
    try {
      if (reached !== from || store.getItem(SCHEMA_KEY) == null)
        store.setItem(SCHEMA_KEY, JSON.stringify(reached))
    }
    catch {}
  }
  return { from, to: reached, steps }
}
