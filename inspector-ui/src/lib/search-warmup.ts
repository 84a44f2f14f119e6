/**
 * Builds the text filter's search texts (core `LogIndex`) in the page's idle time, so that a text search
 * over a big log is one `indexOf` scan per block of 4,096 entries instead of a walk of every payload. Idle callbacks run only
 * when the main thread has nothing else to do: a busy stream or an import is never slowed by it, and a
 * search typed before the warm-up is done builds the missing texts itself (the result is the same).
 */
import type { InspectorLog } from '#core'
import { logIndexOf } from '#core'

/** Stop a slice when less than this is left of the idle period (ms). */
const MARGIN_MS = 2

export function warmSearchTexts(log: InspectorLog): () => void {
  if (typeof requestIdleCallback !== 'function')
    return () => {}
  const index = logIndexOf(log)
  let handle: number | undefined
  function schedule(): void {
    handle ??= requestIdleCallback(run)
  }
  function run(deadline: IdleDeadline): void {
    handle = undefined
    if (!index.warm(() => deadline.timeRemaining() < MARGIN_MS))
      schedule()
  }
  const off = log.subscribe(() => schedule())
  schedule()
  return () => {
    off()
    if (handle !== undefined)
      cancelIdleCallback(handle)
  }
}
