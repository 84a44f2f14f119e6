import type { Ref } from 'vue'
import { onScopeDispose, ref } from 'vue'

/** `Date.now()`, refreshed every `intervalMs` while the calling component lives (countdowns, meters). */
export function useNow(intervalMs = 1000): Ref<number> {
  const now = ref(Date.now())
  const timer = setInterval(() => {
    now.value = Date.now()
  }, intervalMs)
  onScopeDispose(() => clearInterval(timer))
  return now
}
