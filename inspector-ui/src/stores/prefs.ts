/**
 * Preferences and remembered connections, persisted under versioned keys (`sio-inspector-v1-prefs`,
 * `sio-inspector-v1-recent`), merged with defaults, damaged values reported (lib/storage.ts). Recent keeps
 * no secrets unless asked, per entry (lib/connect-form.ts `recentEntry`).
 */
import type { ConnectOptions, RecentEntry } from '../lib/connect-form'
import { defineStore } from 'pinia'
import { ref, shallowRef, watch } from 'vue'
import { loadRuntimeConfig } from '../config'
import { inspectorSecrets, recentEntry } from '../lib/connect-form'
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

/**
 * Stored entries go through the same secrets rule as new ones (`recentEntry`): entries stored before it
 * (or edited by hand) lose their secrets on load, and the stripped list is written back (issue 12).
 */
function validateRecent(raw: unknown): RecentEntry[] {
  const neverKeep = inspectorSecrets(loadRuntimeConfig())
  return expectArray(raw, 'recent connections')
    .filter((item): item is RecentEntry => isRecord(item) && typeof item.url === 'string')
    .slice(0, MAX_RECENT)
    .map((item) => {
      const entry = recentEntry(item, { rememberSecrets: item.rememberSecrets === true, neverKeep })
      if (entry.lastConnectedAt !== undefined && !(typeof entry.lastConnectedAt === 'number' && Number.isFinite(entry.lastConnectedAt)))
        delete entry.lastConnectedAt
      return entry
    })
}

export const usePrefsStore = defineStore('prefs', () => {
  const stored = readStored('prefs', validatePrefs, DEFAULT_PREFS)
  const theme = ref<ThemeChoice>(stored.theme)
  const panes = ref<Record<string, number>>({ ...stored.panes })
  const recent = shallowRef<readonly RecentEntry[]>(readStored('recent', validateRecent, [], { saveRepaired: true }))

  watch([theme, panes], () => writeStored('prefs', { theme: theme.value, panes: panes.value }), { deep: true })

  /**
   * Remember a connection (most recent first, one entry per URL), without its secrets unless
   * `rememberSecrets` (see `recentEntry`). The connect store calls it when a connection succeeds, with
   * `connectedAt` (shown in Recent): a failed attempt never replaces a working entry (issue 11).
   */
  function remember(options: ConnectOptions, choice: { rememberSecrets?: boolean, connectedAt?: number } = {}): void {
    const entry = recentEntry(options, { rememberSecrets: choice.rememberSecrets === true, neverKeep: inspectorSecrets(loadRuntimeConfig()) })
    if (choice.connectedAt !== undefined)
      entry.lastConnectedAt = choice.connectedAt
    recent.value = [entry, ...recent.value.filter(item => item.url !== entry.url)].slice(0, MAX_RECENT)
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
