/**
 * Repeat sending (issue 16 item 4): "Send ×N every M ms". Framework-free: the composer store gives it one
 * function that sends once (a normal emit, logged, its ack tracked) and is told the progress and why it
 * ended. One timer at a time (a chain of `setTimeout`, never `setInterval`: a slow send cannot pile up
 * sends behind it), cleared by `stop()`.
 */
import { t } from '../i18n'

/** Bounds: a run is at most this many sends… */
export const MAX_REPEAT_COUNT = 10_000
/** …at most this far apart (one hour, like the ack timeout). */
export const MAX_REPEAT_INTERVAL_MS = 3_600_000
/** `every 0 ms` runs at the timers' floor: one send per macrotask at least 1 ms apart, never a busy loop. */
export const MIN_REPEAT_DELAY_MS = 1

export type RepeatSettings = { ok: true, count: number, intervalMs: number } | { ok: false, message: string }

/** Check what the user typed in the two fields (numbers from `v-model.number`, or text when not numeric). */
export function validateRepeat(count: unknown, intervalMs: unknown): RepeatSettings {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_REPEAT_COUNT)
    return { ok: false, message: t('composer.repeat.badCount', { max: MAX_REPEAT_COUNT }) }
  if (typeof intervalMs !== 'number' || !Number.isInteger(intervalMs) || intervalMs < 0 || intervalMs > MAX_REPEAT_INTERVAL_MS)
    return { ok: false, message: t('composer.repeat.badInterval', { max: MAX_REPEAT_INTERVAL_MS }) }
  return { ok: true, count, intervalMs }
}

/** One send's outcome; a failure ends the run with that reason. */
export type RepeatStep = { ok: true } | { ok: false, reason: string }

export type RepeatEnd
  = | { kind: 'done' }
    | { kind: 'stopped', reason?: string }
    | { kind: 'failed', reason: string }

export interface RepeatHandlers {
  /** Send number `index` (0-based). */
  send: (index: number) => RepeatStep
  /** After each successful send: how many went out so far. */
  progress: (sent: number) => void
  /** Exactly once. */
  end: (end: RepeatEnd, sent: number) => void
}

export interface RepeatRun {
  /** Stop before the next send (a no-op once ended); `reason` is shown ("the connection closed"). */
  stop: (reason?: string) => void
  readonly running: boolean
}

/**
 * Send `count` times, the first at once, then every `intervalMs` (floored at MIN_REPEAT_DELAY_MS).
 *
 * @example
 * const run = startRepeat({ count: 5, intervalMs: 20 }, { send: () => emitOnce(), progress: n => shown = n, end: e => log(e) })
 * run.stop() // later: no send after this
 */
export function startRepeat(settings: { count: number, intervalMs: number }, handlers: RepeatHandlers): RepeatRun {
  let sent = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let running = true

  function finish(end: RepeatEnd): void {
    if (!running)
      return
    running = false
    if (timer !== undefined)
      clearTimeout(timer)
    timer = undefined
    handlers.end(end, sent)
  }

  function step(): void {
    timer = undefined
    if (!running)
      return
    const outcome = handlers.send(sent)
    // The send may have stopped the run itself (a watcher saw the disconnect the emit caused).
    if (!running)
      return
    if (!outcome.ok) {
      finish({ kind: 'failed', reason: outcome.reason })
      return
    }
    sent++
    handlers.progress(sent)
    if (sent >= settings.count) {
      finish({ kind: 'done' })
      return
    }
    timer = setTimeout(step, Math.max(MIN_REPEAT_DELAY_MS, settings.intervalMs))
  }

  const run: RepeatRun = {
    stop: reason => finish({ kind: 'stopped', reason }),
    get running() {
      return running
    },
  }
  step()
  return run
}
