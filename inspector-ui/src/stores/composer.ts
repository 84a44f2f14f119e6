/**
 * The composer: the draft being written (event name, arguments text, emit options), the history of
 * sent messages and the saved, named messages (`sio-inspector-v1-history`, `sio-inspector-v1-saved`).
 * Parsing is the core's `parseComposer`: what it returns is exactly what is emitted and logged.
 */
import type { ComposeError, EmitResult } from '#core'
import { parseComposer } from '#core'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import { isRecord, readStored, setAside, writeStored } from '../lib/storage'
import { useSessionsStore } from './sessions'

export interface ComposedMessage {
  event: string
  args: string
  ack: boolean
  ackTimeoutMs: number
  volatile: boolean
}

export interface HistoryItem extends ComposedMessage { sentAt: number }
export interface SavedItem extends ComposedMessage { name: string }

const MAX_HISTORY = 50
const DEFAULT_ACK_TIMEOUT_MS = 10_000

function toMessage(raw: unknown): ComposedMessage | undefined {
  if (!isRecord(raw) || typeof raw.event !== 'string' || typeof raw.args !== 'string')
    return undefined
  return {
    event: raw.event,
    args: raw.args,
    ack: raw.ack === true,
    ackTimeoutMs: typeof raw.ackTimeoutMs === 'number' && raw.ackTimeoutMs > 0 ? raw.ackTimeoutMs : DEFAULT_ACK_TIMEOUT_MS,
    volatile: raw.volatile === true,
  }
}

function validateList<T>(name: string, what: string, extra: (raw: Record<string, unknown>) => T | undefined) {
  return (raw: unknown): T[] => {
    if (!Array.isArray(raw))
      throw new Error(`${what}: expected a list`)
    const items: T[] = []
    const bad: unknown[] = []
    for (const item of raw) {
      const parsed = isRecord(item) ? extra(item) : undefined
      if (parsed)
        items.push(parsed)
      else bad.push(item)
    }
    if (bad.length > 0 && items.length === 0)
      throw new Error(`${what}: no readable entry`)
    if (bad.length > 0)
      setAside(name, bad, `${what}: ${bad.length} unreadable ${bad.length === 1 ? 'entry' : 'entries'} set aside`)
    return items
  }
}

const validateHistory = validateList<HistoryItem>('history', 'history', (raw) => {
  const message = toMessage(raw)
  return message && typeof raw.sentAt === 'number' ? { ...message, sentAt: raw.sentAt } : undefined
})
const validateSaved = validateList<SavedItem>('saved', 'saved messages', (raw) => {
  const message = toMessage(raw)
  return message && typeof raw.name === 'string' && raw.name ? { ...message, name: raw.name } : undefined
})

export type SendOutcome = { ok: true, correlationId?: string } | { ok: false, error: ComposeError | { field: 'send', message: string } }

export const useComposerStore = defineStore('composer', () => {
  const event = ref('')
  const args = ref('[]')
  const ack = ref(false)
  const ackTimeoutMs = ref(DEFAULT_ACK_TIMEOUT_MS)
  const volatile = ref(false)
  /** The last send's failure (parse error or the session's refusal). */
  const sendError = ref<string | undefined>()
  // A refusal is about what was sent: editing the message makes it stale.
  watch([event, args, ack, ackTimeoutMs, volatile], () => {
    sendError.value = undefined
  })

  const history = shallowRef<readonly HistoryItem[]>(readStored('history', validateHistory, []))
  const saved = shallowRef<readonly SavedItem[]>(readStored('saved', validateSaved, []))

  /** Parsed on every keystroke: cheap, and the editor shows its markers live. */
  const parsed = computed(() => parseComposer(event.value, args.value))
  const error = computed<ComposeError | undefined>(() => parsed.value.ok ? undefined : parsed.value.error)

  function current(): ComposedMessage {
    return { event: event.value, args: args.value, ack: ack.value, ackTimeoutMs: ackTimeoutMs.value, volatile: volatile.value }
  }

  function load(message: ComposedMessage): void {
    event.value = message.event
    args.value = message.args
    ack.value = message.ack
    ackTimeoutMs.value = message.ackTimeoutMs
    volatile.value = message.volatile
    sendError.value = undefined
  }

  /** Parse, then emit on the session; nothing is sent while the input is invalid. */
  function send(sessionId: string | undefined): SendOutcome {
    const result = parsed.value
    if (!result.ok) {
      sendError.value = result.error.message
      return { ok: false, error: result.error }
    }
    if (!sessionId) {
      sendError.value = 'Open a connection first'
      return { ok: false, error: { field: 'send', message: sendError.value } }
    }
    if (!Number.isInteger(ackTimeoutMs.value) || ackTimeoutMs.value <= 0 || ackTimeoutMs.value > 3_600_000) {
      sendError.value = 'The ack timeout must be a whole number of ms between 1 and 3600000 (one hour)'
      return { ok: false, error: { field: 'send', message: sendError.value } }
    }
    const sessions = useSessionsStore()
    const outcome: EmitResult = sessions.emit(sessionId, result.event, result.args, {
      ack: ack.value,
      ackTimeoutMs: ackTimeoutMs.value,
      volatile: volatile.value,
    })
    if (!outcome.ok) {
      sendError.value = outcome.error
      return { ok: false, error: { field: 'send', message: outcome.error } }
    }
    sendError.value = undefined
    const item: HistoryItem = { ...current(), sentAt: Date.now() }
    const previous = history.value[0]
    const same = previous && previous.event === item.event && previous.args === item.args
      && previous.ack === item.ack && previous.volatile === item.volatile
    history.value = [item, ...(same ? history.value.slice(1) : history.value)].slice(0, MAX_HISTORY)
    writeStored('history', history.value)
    return outcome
  }

  function save(name: string): string | undefined {
    const trimmed = name.trim()
    if (!trimmed)
      return 'Give the message a name'
    saved.value = [{ ...current(), name: trimmed }, ...saved.value.filter(item => item.name !== trimmed)]
    writeStored('saved', saved.value)
    return undefined
  }

  function removeSaved(name: string): void {
    saved.value = saved.value.filter(item => item.name !== name)
    writeStored('saved', saved.value)
  }

  function clearHistory(): void {
    history.value = []
    writeStored('history', [])
  }

  return {
    event,
    args,
    ack,
    ackTimeoutMs,
    volatile,
    sendError,
    history,
    saved,
    parsed,
    error,
    load,
    send,
    save,
    removeSaved,
    clearHistory,
  }
})
