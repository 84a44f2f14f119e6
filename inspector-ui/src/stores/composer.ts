/**
 * The composer: the draft being written (event name, arguments text, emit options), the history of
 * sent messages and the saved, named messages (`sio-inspector-v1-history`, `sio-inspector-v1-saved`).
 * Parsing is the core's `parseComposer`: what it returns is exactly what is emitted and logged.
 *
 * Issue 16 item 4 adds, here:
 * - the draft itself survives a reload (`sio-inspector-v1-draft`, written a moment after the last edit);
 * - per-event memory (`sio-inspector-v1-event-memory`, lib/event-memory.ts): each successful emit remembers
 *   its name's ack, timeout, arguments and volatile; typing or picking that name again restores them,
 *   unless the user is in the middle of typing arguments for it;
 * - `{{variables}}` in the event name and the arguments, resolved with the current environment at each send
 *   (an unknown one is an error naming it, and nothing is sent);
 * - repeat sending, N times every M ms (lib/composer-repeat.ts), each send a normal emit.
 */
import type { ComposeError, ComposeResult, EmitResult } from '#core'
import type { RepeatEnd, RepeatRun } from '../lib/composer-repeat'
import type { EventMemory } from '../lib/event-memory'
import { parseComposer } from '#core'
import { defineStore } from 'pinia'
import { computed, onScopeDispose, ref, shallowRef, watch } from 'vue'
import { t } from '../i18n'
import { startRepeat as runRepeat, validateRepeat } from '../lib/composer-repeat'
import { remember, validateEventMemory } from '../lib/event-memory'
import { isRecord, readStored, setAside, writeStored } from '../lib/storage'
import { useEnvironmentsStore } from './environments'
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
const MAX_ACK_TIMEOUT_MS = 3_600_000
/** The draft is written this long after the last edit (and at once when the page goes away). */
const DRAFT_DEBOUNCE_MS = 300
/**
 * Arguments longer than this are not written to localStorage (history, draft): a file inserted as
 * `$binary` can be megabytes, and localStorage holds about 5 M characters for every key of the page.
 */
const MAX_STORED_ARGS_CHARS = 256 * 1024

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
function validateDraft(raw: unknown): ComposedMessage {
  // A draft whose arguments were too long to keep was written without them.
  const message = toMessage(isRecord(raw) && raw.args === undefined ? { ...raw, args: '[]' } : raw)
  if (!message)
    throw new Error('draft: expected { event, args } texts')
  return message
}

export type SendOutcome = { ok: true, correlationId?: string } | { ok: false, error: ComposeError | { field: 'send', message: string } }

/** What the note under the event name says was restored, and from where. */
export type RestoredNote
  = | { from: 'memory', event: string, keptArgs: boolean }
    | { from: 'catalog', event: string }

/** The repeat run shown in the composer: progress, and once it ended, how. */
export interface RepeatState {
  sessionId: string
  event: string
  total: number
  sent: number
  running: boolean
  end?: RepeatEnd
}

/** 1-based line and column of the first `{{ name` in `text`, for the editor's marker. */
function locateVariable(text: string, name: string): { line?: number, column?: number } {
  const match = new RegExp(`\\{\\{\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\}\\}`).exec(text)
  if (!match)
    return {}
  const before = text.slice(0, match.index)
  return { line: before.split('\n').length, column: match.index - before.lastIndexOf('\n') }
}

export const useComposerStore = defineStore('composer', () => {
  const draft = readStored('draft', validateDraft, undefined)
  const event = ref(draft?.event ?? '')
  const args = ref(draft?.args ?? '[]')
  const ack = ref(draft?.ack ?? false)
  const ackTimeoutMs = ref(draft?.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS)
  const volatile = ref(draft?.volatile ?? false)
  /** The last send's failure (parse error, unknown variable or the session's refusal). */
  const sendError = ref<string | undefined>()
  // A refusal is about what was sent: editing the message makes it stale.
  watch([event, args, ack, ackTimeoutMs, volatile], () => {
    sendError.value = undefined
  })

  const history = shallowRef<readonly HistoryItem[]>(readStored('history', validateHistory, []))
  const saved = shallowRef<readonly SavedItem[]>(readStored('saved', validateSaved, []))
  const memory = shallowRef<readonly EventMemory[]>(readStored('event-memory', validateEventMemory, []))
  const restored = ref<RestoredNote | undefined>()

  const sessions = useSessionsStore()
  const environments = useEnvironmentsStore()

  // --- {{variables}} -----------------------------------------------------------------------------

  /**
   * The message as it will be emitted: `{{variables}}` of the current environment substituted in the event
   * name and the arguments text, then parsed by the core. An unknown variable is the error (with the place
   * of its first use in the arguments, for the editor's marker), never a syntax error of the braces.
   */
  function compile(eventText: string, argsText: string): ComposeResult {
    let name = eventText
    let text = argsText
    if (name.includes('{{')) {
      const resolved = environments.resolveText(name)
      if (!resolved.ok)
        return { ok: false, error: { field: 'event', message: resolved.message } }
      name = resolved.text
    }
    if (text.includes('{{')) {
      const resolved = environments.resolveText(text)
      if (!resolved.ok)
        return { ok: false, error: { field: 'args', message: resolved.message, ...locateVariable(text, resolved.unknown[0] ?? '') } }
      text = resolved.text
    }
    return parseComposer(name, text)
  }

  /** Parsed on every keystroke: cheap, and the editor shows its markers live. */
  const parsed = computed(() => compile(event.value, args.value))
  const error = computed<ComposeError | undefined>(() => parsed.value.ok ? undefined : parsed.value.error)

  function current(): ComposedMessage {
    return { event: event.value, args: args.value, ack: ack.value, ackTimeoutMs: ackTimeoutMs.value, volatile: volatile.value }
  }

  // --- per-event memory ----------------------------------------------------------------------------

  /**
   * > 0 while the store itself writes the fields (restore, load): the watchers below then know it is not
   * the user typing. The watchers are synchronous so that they see this flag.
   */
  let quiet = 0
  function quietly(change: () => void): void {
    quiet++
    try {
      change()
    }
    finally {
      quiet--
    }
  }
  /**
   * The event name at the user's last edit of the arguments since they were last set by the store or
   * sent: arguments being typed for a name are not replaced by that name's memory.
   */
  let argsTypedFor: string | undefined
  watch(args, () => {
    if (!quiet)
      argsTypedFor = event.value
  }, { flush: 'sync' })

  function memoryFor(name: string): EventMemory | undefined {
    return name === '' ? undefined : memory.value.find(m => m.event === name)
  }

  watch(event, (name) => {
    if (quiet)
      return
    const remembered = memoryFor(name)
    if (!remembered) {
      restored.value = undefined
      return
    }
    // Typing arguments for this very name (then editing the name and coming back): leave it all as it is.
    if (argsTypedFor === name && args.value !== remembered.args) {
      restored.value = undefined
      return
    }
    // Arguments typed before the name was complete (or while it was empty) are kept: they are for this name.
    const keptArgs = argsTypedFor !== undefined && name.startsWith(argsTypedFor) && remembered.args !== undefined && args.value !== remembered.args
    quietly(() => {
      ack.value = remembered.ack
      ackTimeoutMs.value = remembered.ackTimeoutMs
      volatile.value = remembered.volatile
      if (!keptArgs && remembered.args !== undefined)
        args.value = remembered.args
    })
    if (!keptArgs)
      argsTypedFor = undefined
    restored.value = { from: 'memory', event: name, keptArgs }
  }, { flush: 'sync' })

  /**
   * The catalog knows this name asks for an ack (it saw one answered, or the server's AsyncAPI document
   * declares `x-ack`): a never-sent name starts with the ack box on. Not for a name with a memory.
   */
  function suggestAck(name: string): void {
    if (name !== event.value || memoryFor(name) || ack.value)
      return
    quietly(() => {
      ack.value = true
    })
    restored.value = { from: 'catalog', event: name }
  }

  function rememberSent(message: ComposedMessage): void {
    memory.value = remember(memory.value, { ...message, sentAt: Date.now() })
    writeStored('event-memory', memory.value)
  }

  function forgetEvent(name: string): void {
    memory.value = memory.value.filter(m => m.event !== name)
    writeStored('event-memory', memory.value)
    if (restored.value?.event === name)
      restored.value = undefined
  }

  function load(message: ComposedMessage): void {
    quietly(() => {
      event.value = message.event
      args.value = message.args
      ack.value = message.ack
      ackTimeoutMs.value = message.ackTimeoutMs
      volatile.value = message.volatile
    })
    argsTypedFor = undefined
    restored.value = undefined
    sendError.value = undefined
  }

  // --- the draft -------------------------------------------------------------------------------------

  let draftTimer: ReturnType<typeof setTimeout> | undefined
  function writeDraft(): void {
    if (draftTimer !== undefined)
      clearTimeout(draftTimer)
    draftTimer = undefined
    const message = current()
    writeStored('draft', message.args.length > MAX_STORED_ARGS_CHARS ? { ...message, args: undefined } : message)
  }
  watch([event, args, ack, ackTimeoutMs, volatile], () => {
    if (draftTimer !== undefined)
      clearTimeout(draftTimer)
    draftTimer = setTimeout(writeDraft, DRAFT_DEBOUNCE_MS)
  })
  // A reload within the debounce still keeps the last keystroke.
  const onPageHide = (): void => {
    if (draftTimer !== undefined)
      writeDraft()
  }
  globalThis.addEventListener?.('pagehide', onPageHide)

  function writeHistory(): void {
    writeStored('history', history.value.filter(item => item.args.length <= MAX_STORED_ARGS_CHARS))
  }

  // --- sending ---------------------------------------------------------------------------------------

  function refuse(message: string): SendOutcome {
    sendError.value = message
    return { ok: false, error: { field: 'send', message } }
  }

  /** Resolve, parse and emit `message` on the session; nothing is sent while anything is wrong. */
  function emitMessage(sessionId: string | undefined, message: ComposedMessage, record: boolean): SendOutcome {
    const result = compile(message.event, message.args)
    if (!result.ok) {
      sendError.value = result.error.message
      return { ok: false, error: result.error }
    }
    if (!sessionId)
      return refuse(t('composer.errors.noConnection'))
    if (!Number.isInteger(message.ackTimeoutMs) || message.ackTimeoutMs <= 0 || message.ackTimeoutMs > MAX_ACK_TIMEOUT_MS)
      return refuse(t('composer.errors.ackTimeout', { max: MAX_ACK_TIMEOUT_MS }))
    const outcome: EmitResult = sessions.emit(sessionId, result.event, result.args, {
      ack: message.ack,
      ackTimeoutMs: message.ackTimeoutMs,
      volatile: message.volatile,
    })
    if (!outcome.ok)
      return refuse(outcome.error)
    sendError.value = undefined
    if (record) {
      const item: HistoryItem = { ...message, sentAt: Date.now() }
      const previous = history.value[0]
      const same = previous && previous.event === item.event && previous.args === item.args
        && previous.ack === item.ack && previous.volatile === item.volatile
      history.value = [item, ...(same ? history.value.slice(1) : history.value)].slice(0, MAX_HISTORY)
      writeHistory()
      // Remembered under the name as typed (a `{{template}}` name is remembered as the template).
      rememberSent(message)
      if (message.event === event.value && message.args === args.value)
        argsTypedFor = undefined
    }
    return outcome
  }

  /** Parse, then emit on the session; nothing is sent while the input is invalid. */
  function send(sessionId: string | undefined): SendOutcome {
    return emitMessage(sessionId, current(), true)
  }

  // --- repeat ----------------------------------------------------------------------------------------

  const repeatCount = ref<number | string>(10)
  const repeatIntervalMs = ref<number | string>(1000)
  const repeat = shallowRef<RepeatState | undefined>()
  let run: RepeatRun | undefined

  /** A message for how the run ended, or undefined while it runs / when it completed. */
  const repeatEndMessage = computed(() => {
    const state = repeat.value
    const end = state?.end
    if (!state || !end)
      return undefined
    if (end.kind === 'done')
      return t('composer.repeat.done', { n: state.sent })
    if (end.kind === 'stopped')
      return end.reason ? t('composer.repeat.stoppedBecause', { n: state.sent, total: state.total, reason: end.reason }) : t('composer.repeat.stopped', { n: state.sent, total: state.total })
    return t('composer.repeat.failed', { n: state.sent, total: state.total, reason: end.reason })
  })

  /**
   * Start sending the current message `repeatCount` times, every `repeatIntervalMs`. The message is
   * frozen at the start (editing the composer meanwhile does not change what the run sends); its
   * `{{variables}}` are resolved again at every send. Returns an error text when it cannot start.
   */
  function startRepeat(sessionId: string | undefined): string | undefined {
    stopRepeat()
    const settings = validateRepeat(repeatCount.value, repeatIntervalMs.value)
    const problem = !settings.ok ? settings.message : !sessionId ? t('composer.errors.noConnection') : undefined
    if (problem || !settings.ok || !sessionId) {
      refuse(problem ?? '')
      return problem
    }
    const message = current()
    repeat.value = { sessionId, event: message.event, total: settings.count, sent: 0, running: true }
    const started = runRepeat(settings, {
      send: (index) => {
        const status = sessions.snapshotOf(sessionId)?.status
        if (status === undefined)
          return { ok: false, reason: t('composer.repeat.tabClosed') }
        if (status !== 'connected')
          return { ok: false, reason: t('composer.repeat.disconnected') }
        // History and memory once per run, not 10,000 times.
        const outcome = emitMessage(sessionId, message, index === 0)
        return outcome.ok ? { ok: true } : { ok: false, reason: outcome.error.message }
      },
      progress: (sent) => {
        if (repeat.value)
          repeat.value = { ...repeat.value, sent }
      },
      end: (end, sent) => {
        run = undefined
        if (repeat.value)
          repeat.value = { ...repeat.value, sent, running: false, end }
      },
    })
    if (started.running)
      run = started
    return repeat.value?.end?.kind === 'failed' ? repeat.value.end.reason : undefined
  }

  function stopRepeat(reason?: string): void {
    run?.stop(reason)
  }

  // The connection went away (or the tab closed) between two sends: stop at once, saying why.
  watch(() => {
    const state = repeat.value
    if (!state?.running)
      return undefined
    return sessions.snapshotOf(state.sessionId)?.status ?? 'closed'
  }, (status) => {
    if (status === 'closed')
      stopRepeat(t('composer.repeat.tabClosed'))
    else if (status !== undefined && status !== 'connected')
      stopRepeat(t('composer.repeat.disconnected'))
  })

  onScopeDispose(() => {
    stopRepeat()
    if (draftTimer !== undefined)
      writeDraft()
    globalThis.removeEventListener?.('pagehide', onPageHide)
  })

  // --- saved -----------------------------------------------------------------------------------------

  function save(name: string): string | undefined {
    const trimmed = name.trim()
    if (!trimmed)
      return t('composer.errors.saveName')
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
    memory,
    restored,
    parsed,
    error,
    repeatCount,
    repeatIntervalMs,
    repeat,
    repeatEndMessage,
    load,
    send,
    save,
    removeSaved,
    clearHistory,
    memoryFor,
    forgetEvent,
    suggestAck,
    startRepeat,
    stopRepeat,
    flushDraft: writeDraft,
  }
})
