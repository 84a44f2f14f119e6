/**
 * Per-event memory (issue 16 item 4): for each event name, what its last successful emit used — ack on or
 * off, the ack timeout, the arguments text (as typed: `{{variables}}` stay templates) and volatile — so
 * that typing or picking the name again brings them back. Kept in localStorage `sio-inspector-v1-event-memory`,
 * most recent first, at most MAX_EVENT_MEMORY names.
 */
import { isRecord, setAside } from './storage'

export const MAX_EVENT_MEMORY = 200
/**
 * One remembered arguments text at most this long, and all of them together at most MAX_TOTAL_ARGS_CHARS
 * (older names are forgotten first): localStorage holds about 5 M characters per origin, shared by every
 * key, and a 16 MB `$binary` file would not fit. An emit with longer arguments remembers its options only.
 */
export const MAX_REMEMBERED_ARGS_CHARS = 64 * 1024
export const MAX_TOTAL_ARGS_CHARS = 1_000_000

export interface EventMemory {
  event: string
  ack: boolean
  ackTimeoutMs: number
  /** Absent when they were too long to keep (the options are remembered still). */
  args?: string
  volatile: boolean
  /** When it was last sent (ms since the epoch). */
  sentAt: number
}

function toMemory(raw: unknown): EventMemory | undefined {
  if (!isRecord(raw) || typeof raw.event !== 'string' || raw.event === '' || (raw.args !== undefined && typeof raw.args !== 'string'))
    return undefined
  if (typeof raw.ack !== 'boolean' || typeof raw.ackTimeoutMs !== 'number' || !Number.isInteger(raw.ackTimeoutMs) || raw.ackTimeoutMs <= 0)
    return undefined
  return {
    event: raw.event,
    ack: raw.ack,
    ackTimeoutMs: raw.ackTimeoutMs,
    ...(typeof raw.args === 'string' ? { args: raw.args } : {}),
    volatile: raw.volatile === true,
    sentAt: typeof raw.sentAt === 'number' ? raw.sentAt : 0,
  }
}

/**
 * The stored list → memories, for `readStored('event-memory', …)`: not a list throws (the whole value is
 * set aside); unreadable entries are set aside and the others kept; duplicates keep the first (newest).
 */
export function validateEventMemory(raw: unknown): EventMemory[] {
  if (!Array.isArray(raw))
    throw new Error('event memory: expected a list')
  const out: EventMemory[] = []
  const seen = new Set<string>()
  const bad: unknown[] = []
  for (const item of raw) {
    const memory = toMemory(item)
    if (!memory) {
      bad.push(item)
    }
    else if (!seen.has(memory.event)) {
      seen.add(memory.event)
      out.push(memory)
    }
  }
  if (bad.length > 0)
    setAside('event-memory', bad, `event memory: ${bad.length} unreadable ${bad.length === 1 ? 'entry' : 'entries'} set aside`)
  return out.slice(0, MAX_EVENT_MEMORY)
}

/**
 * The list with `memory` first (replacing that name's older one), bounded in names and in characters.
 *
 * @example
 * remember([], { event: 'todo:create', ack: true, ackTimeoutMs: 10000, args: '[{title: "a"}]', volatile: false, sentAt: 1 })
 */
export function remember(list: readonly EventMemory[], memory: EventMemory): EventMemory[] {
  const { args, ...options } = memory
  const first: EventMemory = args !== undefined && args.length <= MAX_REMEMBERED_ARGS_CHARS ? memory : options
  const out = [first]
  let chars = first.args?.length ?? 0
  for (const m of list) {
    if (out.length >= MAX_EVENT_MEMORY)
      break
    if (m.event === memory.event)
      continue
    chars += m.args?.length ?? 0
    if (chars > MAX_TOTAL_ARGS_CHARS)
      break
    out.push(m)
  }
  return out
}
