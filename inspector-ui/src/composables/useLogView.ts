import type { LogFilter } from '#core'
/**
 * One log view (session log, frames, timeline) over the core log: a `LogProjection` for the lifetime
 * of the component, refiltered when the filter changes, with pause, clear and an events/s meter.
 */
import type { Ref, ShallowRef, WritableComputedRef } from 'vue'
import type { ViewIds } from '../lib/log-projection'
import { computed, markRaw, onScopeDispose, ref, watch } from 'vue'
import { LogProjection } from '../lib/log-projection'
import { useLogStore } from '../stores/log'
import { getInspector } from '../stores/sessions'

export interface LogView {
  view: ShallowRef<ViewIds>
  scanning: ShallowRef<boolean>
  paused: Ref<boolean> | WritableComputedRef<boolean>
  rate: Ref<number>
  clear: () => void
}

/**
 * `pauseKey`: the pause belongs to that key in the log store (a tab's events, its frames, the timeline),
 * not to this component, so it survives switching tabs and back (issue 11 item 12).
 */
export function useLogView(filter: () => LogFilter, options: { clearsCore?: boolean, pauseKey?: string } = {}): LogView {
  const log = getInspector().log
  const projection = markRaw(new LogProjection(log, filter()))
  const rate = ref(0)
  const key = options.pauseKey
  let paused: LogView['paused']
  if (key === undefined) {
    const local = ref(false)
    watch(local, value => projection.setPaused(value))
    paused = local
  }
  else {
    const store = useLogStore()
    paused = computed({
      get: () => store.pausedThrough[key] !== undefined,
      set: value => store.setPaused(key, value ? projection.lastShownId() : undefined),
    })
    watch(() => store.pausedThrough[key], through => projection.setPaused(through !== undefined, through), { immediate: true })
  }

  watch(filter, next => void projection.setFilter(next), { deep: true })
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
