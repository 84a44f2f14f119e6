/**
 * A drag splitter: returns the pane size (px, remembered in prefs under `key`) and a pointerdown
 * handler for the splitter bar. Keyboard: arrow keys move it by 16 px (the bar is focusable).
 */
import type { Ref } from 'vue'
import { computed } from 'vue'
import { usePrefsStore } from '../stores/prefs'

export interface SplitterOptions {
  key: string
  initial: number
  min: number
  max: number
  /** 'x' resizes a width with horizontal drags; 'y' a height with vertical drags. */
  axis: 'x' | 'y'
  /** The pane grows when the pointer moves towards negative coordinates (pane after the bar). */
  reverse?: boolean
}

export function useSplitter(options: SplitterOptions): {
  size: Ref<number>
  onPointerDown: (event: PointerEvent) => void
  onKeyDown: (event: KeyboardEvent) => void
} {
  const prefs = usePrefsStore()
  const clamp = (n: number): number => Math.min(options.max, Math.max(options.min, Math.round(n)))
  const size = computed<number>({
    get: () => clamp(prefs.panes[options.key] ?? options.initial),
    set: (value) => { prefs.panes = { ...prefs.panes, [options.key]: clamp(value) } },
  })

  function onPointerDown(event: PointerEvent): void {
    if (event.button !== 0)
      return
    event.preventDefault()
    const start = options.axis === 'x' ? event.clientX : event.clientY
    const startSize = size.value
    const target = event.currentTarget as HTMLElement | null
    target?.setPointerCapture?.(event.pointerId)
    const move = (e: PointerEvent): void => {
      const delta = (options.axis === 'x' ? e.clientX : e.clientY) - start
      size.value = startSize + (options.reverse ? -delta : delta)
    }
    const up = (): void => {
      window.removeEventListener('pointermove', move)
      window.removeEventListener('pointerup', up)
      document.body.classList.remove('resizing')
    }
    document.body.classList.add('resizing')
    window.addEventListener('pointermove', move)
    window.addEventListener('pointerup', up)
  }

  function onKeyDown(event: KeyboardEvent): void {
    const grow = options.axis === 'x' ? ['ArrowRight'] : ['ArrowDown']
    const shrink = options.axis === 'x' ? ['ArrowLeft'] : ['ArrowUp']
    let step = 0
    if (grow.includes(event.key))
      step = 16
    else if (shrink.includes(event.key))
      step = -16
    if (!step)
      return
    event.preventDefault()
    size.value += options.reverse ? -step : step
  }

  return { size, onPointerDown, onKeyDown }
}
