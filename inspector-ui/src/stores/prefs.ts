/**
 * Preferences and remembered connections, persisted under versioned keys (`sio-inspector-v1-prefs`,
 * `sio-inspector-v1-recent`), merged with defaults, damaged values reported (lib/storage.ts).
 */
import type { ConnectOptions } from '../lib/connect-form'
import { defineStore } from 'pinia'
import { ref, shallowRef, watch } from 'vue'
import { expectArray, isRecord, readStored, writeStored } from '../lib/storage'

export type ThemeChoice = 'system' | 'light' | 'dark'

export interface Prefs {
  theme: ThemeChoice
  /** Pane sizes in px by splitter key. */
  panes: Record<string, number>
}

const DEFAULT_PREFS: Prefs = { theme: 'system', panes: {} }
const MAX_RECENT = 12

function validatePrefs(raw: unknown): Prefs {
  if (!isRecord(raw))
    throw new Error('preferences: expected an object')
  const theme = raw.theme === 'light' || raw.theme === 'dark' || raw.theme === 'system' ? raw.theme : DEFAULT_PREFS.theme
  const panes: Record<string, number> = {}
  if (isRecord(raw.panes)) {
    for (const [key, value] of Object.entries(raw.panes)) {
      if (typeof value === 'number' && Number.isFinite(value))
        panes[key] = value
    }
  }
  return { theme, panes }
}

function validateRecent(raw: unknown): ConnectOptions[] {
  return expectArray(raw, 'recent connections')
    .filter((item): item is ConnectOptions => isRecord(item) && typeof item.url === 'string')
    .slice(0, MAX_RECENT)
}

export const usePrefsStore = defineStore('prefs', () => {
  const stored = readStored('prefs', validatePrefs, DEFAULT_PREFS)
  const theme = ref<ThemeChoice>(stored.theme)
  const panes = ref<Record<string, number>>({ ...stored.panes })
  const recent = shallowRef<readonly ConnectOptions[]>(readStored('recent', validateRecent, []))

  watch([theme, panes], () => writeStored('prefs', { theme: theme.value, panes: panes.value }), { deep: true })

  /** Remember a connection (most recent first, one entry per URL). */
  function remember(options: ConnectOptions): void {
    const { label: _label, ...rest } = options
    recent.value = [rest, ...recent.value.filter(item => item.url !== options.url)].slice(0, MAX_RECENT)
    writeStored('recent', recent.value)
  }

  function forget(url: string): void {
    recent.value = recent.value.filter(item => item.url !== url)
    writeStored('recent', recent.value)
  }

  function cycleTheme(): void {
    theme.value = theme.value === 'system' ? 'dark' : theme.value === 'dark' ? 'light' : 'system'
  }

  return { theme, panes, recent, remember, forget, cycleTheme }
})
