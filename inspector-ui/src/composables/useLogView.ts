/**
 * One log view (session log, frames, timeline) over the core log: a `LogProjection` for the lifetime
 * of the component, refiltered when the filter changes, with pause, clear and an events/s meter.
 */
import type { Ref, ShallowRef } from 'vue'
import type { LogFilter } from '../../../src/core'
import type { ViewIds } from '../lib/log-projection'
import { markRaw, onScopeDispose, ref, watch } from 'vue'
import { LogProjection } from '../lib/log-projection'
import { getInspector } from '../stores/sessions'

export interface LogView {
  view: ShallowRef<ViewIds>
  scanning: ShallowRef<boolean>
  paused: Ref<boolean>
  rate: Ref<number>
  clear: () => void
}

export function useLogView(filter: () => LogFilter, options: { clearsCore?: boolean } = {}): LogView {
  const log = getInspector().log
  const projection = markRaw(new LogProjection(log, filter()))
  const paused = ref(false)
  const rate = ref(0)

  watch(filter, next => void projection.setFilter(next), { deep: true })
  watch(paused, value => projection.setPaused(value))
  const timer = setInterval(() => {
    rate.value = projection.rate()
  }, 500)
  onScopeDispose(() => {
    clearInterval(timer)
    projection.dispose()
  })

  function clear(): void {
    if (options.clearsCore)
      log.clear()
    projection.clear()
  }

  return { view: projection.view, scanning: projection.scanning, paused, rate, clear }
}
