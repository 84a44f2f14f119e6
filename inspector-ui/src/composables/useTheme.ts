/**
 * The effective theme: the user's choice, or the system's (`prefers-color-scheme`) when "system".
 * Sets `data-theme` on <html>; CSS variables do the rest.
 */
import type { Ref } from 'vue'
import { computed, onScopeDispose, ref, watchEffect } from 'vue'
import { usePrefsStore } from '../stores/prefs'

const systemDark = ref(false)
let media: MediaQueryList | undefined

export function useTheme(): { dark: Ref<boolean> } {
  const prefs = usePrefsStore()
  if (!media && typeof matchMedia === 'function') {
    media = matchMedia('(prefers-color-scheme: dark)')
    systemDark.value = media.matches
    const onChange = (e: MediaQueryListEvent): void => {
      systemDark.value = e.matches
    }
    media.addEventListener('change', onChange)
    onScopeDispose(() => {
      media?.removeEventListener('change', onChange)
      media = undefined
    })
  }
  const dark = computed(() => prefs.theme === 'dark' || (prefs.theme === 'system' && systemDark.value))
  watchEffect(() => {
    if (typeof document !== 'undefined')
      document.documentElement.dataset.theme = dark.value ? 'dark' : 'light'
  })
  return { dark }
}

/** Whether the page currently shows the dark theme (read by components that are not the root). */
export function isDarkTheme(): boolean {
  return typeof document !== 'undefined' && document.documentElement.dataset.theme === 'dark'
}
