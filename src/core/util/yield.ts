/**
 * Cooperative scheduling for long loops (a 100,000-entry import or rescan): run in slices of a few
 * milliseconds and give the event loop back in between, so input, rendering and socket traffic keep going.
 */

function now(): number {
  return typeof performance === 'undefined' ? Date.now() : performance.now()
}

let channel: MessageChannel | undefined
const waiting: Array<() => void> = []

/**
 * Resolve in a fresh macrotask, as soon as possible. Browsers: a `MessageChannel` message (no 4 ms clamp,
 * unlike nested `setTimeout`; normal task priority, so timers such as the log's batch flush and rendering
 * interleave with the loop, which `scheduler.yield()`'s boosted continuation would starve). Node:
 * `setImmediate` (a channel port would keep the process alive).
 * @example
 * for (const chunk of chunks) { work(chunk); await yieldToEventLoop() }
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') {
      setImmediate(resolve)
      return
    }
    if (typeof MessageChannel === 'function') {
      if (!channel) {
        channel = new MessageChannel()
        channel.port1.onmessage = () => waiting.shift()?.()
      }
      waiting.push(resolve)
      channel.port2.postMessage(0)
      return
    }
    setTimeout(resolve, 0)
  })
}

/**
 * A time budget for one slice of work: `expired()` is true once `ms` have passed since `start()`.
 * @example
 * const slice = new TimeSlice(8)
 * for (const item of items) { work(item); if (slice.expired()) { await yieldToEventLoop(); slice.start() } }
 */
export class TimeSlice {
  private end = 0
  constructor(private readonly ms: number) {
    this.start()
  }

  start(): void {
    this.end = now() + this.ms
  }

  expired(): boolean {
    return now() >= this.end
  }
}
