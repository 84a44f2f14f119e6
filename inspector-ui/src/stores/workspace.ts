/**
 * The workspace (issue 16 items 1 and 3): saved connections, the workspace file, and the tabs restored
 * after a reload.
 *
 * - A saved connection is a tab's connect form as typed (templates with `{{variables}}` stay templates),
 *   under a name, in localStorage `sio-inspector-v1-workspace`. Secrets follow Recent's rule
 *   (lib/form-secrets.ts): left out unless the form's "remember secrets" is ticked; what was left out is
 *   listed (names only), literal secrets kept are marked.
 * - The workspace file (core workspace/file.ts) holds the saved connections, never with a literal secret
 *   (stripped on export, and listed), and the environments as `useEnvironmentsStore().exportEnvironments()`
 *   gives them (no secret values). Import validates the whole file first: a bad file changes nothing.
 * - Open tabs (not imported captures, not attached apps: those come back from the attach lobby) are
 *   persisted on change (debounced, and at once when the page is hidden): each tab's form, its user label,
 *   their order and the active tab in localStorage `sio-inspector-v1-tabs`; the form's secrets (what the
 *   rule above leaves out) in sessionStorage `sio-inspector-v1-tabs-secrets`, so a reload keeps them and a
 *   new browser session does not. Logs are not persisted. `restoreTabs()` (App.vue, once) recreates them
 *   disconnected; `reconnectAll()` connects those still idle.
 */
import type { WorkspaceConnection, WorkspaceForm } from '#core'
import type { ConnectForm, ConnectOptions } from '../lib/connect-form'
import type { SecretField } from '../lib/form-secrets'
import { MAX_CONNECTION_NAME, readWorkspace, validateConnections, validateWorkspaceForm, WORKSPACE_FORM_FIELDS, writeWorkspace } from '#core'
import { defineStore } from 'pinia'
import { computed, onScopeDispose, reactive, ref, shallowRef, watch } from 'vue'
import { loadRuntimeConfig } from '../config'
import { t } from '../i18n'
import { defaultForm, formToOptions, inspectorSecrets, optionsToForm, validateUrl } from '../lib/connect-form'
import { resolveConnectForm } from '../lib/connect-vars'
import { downloadText } from '../lib/files'
import { SECRET_FIELDS, splitFormSecrets } from '../lib/form-secrets'
import { isRecord, readStored, STORAGE_PREFIX, writeStored } from '../lib/storage'
import { useConnectStore } from './connect'
import { useEnvironmentsStore } from './environments'
import { isImportedCapture, useSessionsStore } from './sessions'

/** The UI's form is the core's workspace form, field for field (a compile-time check both ways). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const FORM_SHAPE_MATCHES: Same<ConnectForm, WorkspaceForm> = true
void FORM_SHAPE_MATCHES

/** A saved connection as the store holds it: its form complete (defaults for fields a file lacked). */
export interface SavedConnection extends WorkspaceConnection {
  form: ConnectForm
}

export const WORKSPACE_FILE_NAME = 'socketio-inspector-workspace.json'
/** A workspace file is small (forms and variables): anything bigger is not one. */
export const MAX_WORKSPACE_BYTES = 5 * 1024 * 1024
export const TABS_SECRETS_KEY = `${STORAGE_PREFIX}tabs-secrets`
const PERSIST_DELAY_MS = 300

export type SaveResult
  = | { ok: true, entry: SavedConnection, replaced: boolean, omitted: string[], literal: string[] }
    | { ok: false, reason: 'exists' | 'name' | 'form', name: string, message: string }

export type ImportResult
  = | { ok: true, connections: number, replaced: number, environments: number }
    | { ok: false, message: string }

/** A restored tab as stored: its form less its secrets, the user's name for it, the session's own label. */
interface StoredTab {
  key: string
  form: Partial<WorkspaceForm> & { url: string }
  name?: string
  label?: string
  /** What its secrets were (names only): said again when the secrets did not survive (a new browser session). */
  omitted?: string[]
}
interface StoredTabs {
  tabs: StoredTab[]
  /** Index of the active tab in `tabs`. */
  active?: number
}

/** The form complete: a file or an old entry may lack fields added since (the defaults fill them). */
export function completeForm(form: Partial<WorkspaceForm> & { url: string }): ConnectForm {
  return { ...defaultForm(form.url), ...form }
}

/**
 * The server a saved connection groups under: `host:port` of its URL; a template URL's text between the
 * scheme and the path (`{{host}}:{{port}}`); the text before the first `/` otherwise.
 * @example serverOf('http://localhost:3000/chat') // 'localhost:3000'
 * @example serverOf('http://{{host}}/chat') // '{{host}}'
 */
export function serverOf(url: string): string {
  const text = url.trim()
  if (!text.includes('{{')) {
    try {
      const parsed = new URL(text)
      if (parsed.host)
        return parsed.host
    }
    catch {}
  }
  const authority = /^[a-z][\w+.-]*:\/\/([^/?#]*)/i.exec(text)
  if (authority?.[1])
    return authority[1]
  return text.split(/[/?#]/)[0] || text
}

/** Same form? (every field but "remember secrets", which changes what is stored, not what connects) */
export function sameForm(a: ConnectForm, b: ConnectForm): boolean {
  return (Object.keys(WORKSPACE_FORM_FIELDS) as Array<keyof ConnectForm>)
    .every(field => field === 'rememberSecrets' || a[field] === b[field])
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)]
}

function sessionStore(): Storage | undefined {
  try {
    return globalThis.sessionStorage
  }
  catch {
    return undefined
  }
}

function readTabSecrets(): Record<string, Partial<Record<SecretField, string>>> {
  try {
    const raw: unknown = JSON.parse(sessionStore()?.getItem(TABS_SECRETS_KEY) ?? '{}')
    if (!isRecord(raw))
      return {}
    const secrets: Record<string, Partial<Record<SecretField, string>>> = {}
    for (const [key, fields] of Object.entries(raw)) {
      if (!isRecord(fields))
        continue
      const kept: Partial<Record<SecretField, string>> = {}
      for (const field of SECRET_FIELDS) {
        if (typeof fields[field] === 'string')
          kept[field] = fields[field]
      }
      secrets[key] = kept
    }
    return secrets
  }
  catch {
    // Secrets are not worth a banner (and must not be set aside into localStorage): the tab comes back without them.
    return {}
  }
}

function validateTabs(raw: unknown): StoredTabs {
  if (!isRecord(raw) || !Array.isArray(raw.tabs))
    throw new Error('open tabs: expected { tabs: [...] }')
  const tabs = raw.tabs.map((item, i): StoredTab => {
    const at = `tabs[${i}]`
    if (!isRecord(item) || typeof item.key !== 'string')
      throw new Error(`${at}: expected { key, form }`)
    const tab: StoredTab = { key: item.key, form: validateWorkspaceForm(item.form, `${at}.form`) }
    if (typeof item.name === 'string' && item.name.trim())
      tab.name = item.name
    if (typeof item.label === 'string' && item.label)
      tab.label = item.label
    if (Array.isArray(item.omitted))
      tab.omitted = item.omitted.filter((n): n is string => typeof n === 'string')
    return tab
  })
  const active = typeof raw.active === 'number' && Number.isInteger(raw.active) && raw.active >= 0 && raw.active < tabs.length ? raw.active : undefined
  return active === undefined ? { tabs } : { tabs, active }
}

export const useWorkspaceStore = defineStore('workspace', () => {
  const sessions = useSessionsStore()
  const connect = useConnectStore()
  const envs = useEnvironmentsStore()
  /**
   * Values never stored or exported, whatever the form's choice: the inspector's own credentials, and the
   * values of secret variables (typed into a field as they are, they are literal secrets).
   */
  const neverKeep = (): string[] => [
    ...inspectorSecrets(loadRuntimeConfig()),
    ...envs.allSecrets().map(secret => secret.value).filter(value => value.length >= 4),
  ]

  /** A saved entry: the form less what may not be stored, with the lists of what was left out or kept. */
  function entryOf(name: string, form: ConnectForm, extra: { savedAt?: number, omitted?: readonly string[] } = {}): SavedConnection {
    const split = splitFormSecrets(form, { keepSecrets: form.rememberSecrets, neverKeep: neverKeep() })
    const entry: SavedConnection = { name, form: split.kept }
    if (extra.savedAt !== undefined)
      entry.savedAt = extra.savedAt
    const omitted = unique([...(extra.omitted ?? []), ...split.omitted])
    if (omitted.length > 0)
      entry.omitted = omitted
    if (split.literal.length > 0)
      entry.secretsKept = split.literal
    return entry
  }

  /** Stored entries go through the rule again (an entry edited by hand loses its secrets on load). */
  function validateStored(raw: unknown): SavedConnection[] {
    if (!isRecord(raw))
      throw new Error('saved connections: expected { connections: [...] }')
    return validateConnections(raw.connections, 'saved connections').map(c => entryOf(c.name, completeForm(c.form), c))
  }

  const connections = shallowRef<readonly SavedConnection[]>(readStored('workspace', validateStored, [], { saveRepaired: true }))
  /**
   * The sidebar's open state, kept across reloads (`sio-inspector-v1-workspace-sidebar`); until the user
   * opens or closes it, it is open when there are saved connections. Saving one opens it.
   */
  const panelOpen = ref(readStored('workspace-sidebar', (raw) => {
    if (typeof raw !== 'boolean')
      throw new Error('workspace sidebar: expected true or false')
    return raw
  }, connections.value.length > 0))
  watch(panelOpen, open => writeStored('workspace-sidebar', open))
  /** Per tab opened from a saved connection (or restored) without its secrets: what to fill in again. */
  const openedOmitted = reactive<Record<string, string[]>>({})
  /** Tabs recreated after the reload and not connected since: what "reconnect all" connects. */
  const restoredIds = ref<string[]>([])
  /** The last export's or import's outcome, shown in the panel. */
  // Kept as how to word them, so that they follow a change of language while shown.
  const noteText = shallowRef<() => string>()
  const importErrorText = shallowRef<() => string>()
  const note = computed(() => noteText.value?.())
  const importError = computed(() => importErrorText.value?.())
  /** Tabs whose session is a stand-in (their form did not resolve when they were made): no label kept. */
  const standIns = new Set<string>()

  function persist(): void {
    writeStored('workspace', { connections: connections.value })
  }

  /** Grouped by server (`serverOf`), servers and names in alphabetical order. */
  const groups = computed(() => {
    const byServer = new Map<string, SavedConnection[]>()
    for (const entry of connections.value) {
      const server = serverOf(entry.form.url)
      byServer.set(server, [...(byServer.get(server) ?? []), entry])
    }
    return [...byServer.entries()]
      // Code-unit order: host names and addresses first, templates (`{{…}}`) after them.
      .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
      .map(([server, items]) => ({ server, items: [...items].sort((a, b) => a.name.localeCompare(b.name)) }))
  })

  function nameProblem(name: string, except?: string): string | undefined {
    if (!name)
      return t('workspace.errors.nameEmpty')
    if (name.length > MAX_CONNECTION_NAME)
      return t('workspace.errors.nameLong', { max: MAX_CONNECTION_NAME })
    if (name !== except && connections.value.some(c => c.name === name))
      return t('workspace.errors.nameTaken', { name })
    return undefined
  }

  /** The name a connection is saved under when none is typed: the tab's label, else its URL. */
  function suggestedName(tabId: string | undefined): string {
    const snapshot = tabId ? sessions.snapshotOf(tabId) : undefined
    const label = snapshot ? sessions.labelOf(snapshot) : ''
    return (label || connect.formFor(tabId).url.trim()).slice(0, MAX_CONNECTION_NAME)
  }

  /**
   * Save the tab's form (the "no tab yet" form for `undefined`) under `name` (empty: `suggestedName`).
   * An existing name is not overwritten unless `replace` (the UI asks first): `{ ok: false, reason: 'exists' }`.
   */
  function save(name: string, tabId: string | undefined, options: { replace?: boolean } = {}): SaveResult {
    const snapshot = tabId ? sessions.snapshotOf(tabId) : undefined
    if (snapshot && (snapshot.readonly || snapshot.attached))
      return { ok: false, reason: 'form', name, message: t('workspace.errors.noForm') }
    const chosen = (name.trim() || suggestedName(tabId)).trim()
    const exists = connections.value.some(c => c.name === chosen)
    if (exists && !options.replace)
      return { ok: false, reason: 'exists', name: chosen, message: t('workspace.save.exists', { name: chosen }) }
    const problem = nameProblem(chosen, exists ? chosen : undefined)
    if (problem)
      return { ok: false, reason: 'name', name: chosen, message: problem }
    const entry = entryOf(chosen, { ...connect.formFor(tabId) }, { savedAt: Date.now() })
    connections.value = exists
      ? connections.value.map(c => c.name === chosen ? entry : c)
      : [...connections.value, entry]
    persist()
    // The list shows what was saved (it is a sidebar: nothing else is covered).
    panelOpen.value = true
    return { ok: true, entry, replaced: exists, omitted: entry.omitted ?? [], literal: entry.secretsKept ?? [] }
  }

  /** Rename; returns the problem (empty, too long, taken) or undefined. */
  function rename(from: string, to: string): string | undefined {
    const name = to.trim()
    if (!connections.value.some(c => c.name === from))
      return t('workspace.errors.notFound', { name: from })
    const problem = nameProblem(name, from)
    if (problem)
      return problem
    connections.value = connections.value.map(c => c.name === from ? { ...c, name } : c)
    persist()
    return undefined
  }

  function remove(name: string): void {
    connections.value = connections.value.filter(c => c.name !== name)
    persist()
  }

  /** The form's session options now (variables resolved, form valid), or undefined. */
  function optionsOf(form: ConnectForm): ConnectOptions | undefined {
    const resolved = resolveConnectForm(form, text => envs.resolveText(text))
    if (!resolved.ok)
      return undefined
    const result = formToOptions(resolved.form, connect.context())
    return result.ok ? result.options : undefined
  }

  /**
   * Open a form as a new tab, not connected. When it does not resolve or validate now (a variable not in
   * this environment, the relay not served here), the tab still opens with the form as typed, on a
   * stand-in session that never connects by itself: Connect then shows the form's error at its field.
   */
  function openForm(form: ConnectForm, opts: { activate: boolean, label?: string }): string {
    const options = optionsOf(form)
    const standIn: ConnectOptions = validateUrl(form.url) === undefined
      ? { url: form.url.trim() }
      // A session needs a URL; the tab is still called by what was typed.
      : { url: 'http://localhost/', label: form.url.trim() || form.url }
    let id: string | undefined
    if (options) {
      try {
        id = sessions.openSession({ ...options, ...(opts.label ? { label: opts.label } : {}) }, { connect: false, activate: opts.activate })
      }
      catch {
        // e.g. the relay: not available on this page (openSession says so); Connect will too, at its field.
      }
    }
    if (id === undefined) {
      id = sessions.openSession(standIn, { connect: false, activate: opts.activate })
      standIns.add(id)
    }
    connect.forms[id] = { ...form }
    return id
  }

  /** The connect form of an open tab (live, not imported, not attached), if it has one. */
  function tabForm(id: string): ConnectForm | undefined {
    const snapshot = sessions.snapshotOf(id)
    if (!snapshot || isImportedCapture(snapshot) || snapshot.attached)
      return undefined
    if (connect.forms[id])
      return connect.forms[id]
    const options = sessions.optionsById[id]
    return options ? optionsToForm(options) : undefined
  }

  /**
   * Open a saved connection: the tab already on it (same form, its secrets aside) is focused; otherwise a
   * new tab with the form filled, named after the connection, not connected. Returns the tab's id.
   */
  function open(name: string): string | undefined {
    const entry = connections.value.find(c => c.name === name)
    if (!entry)
      return undefined
    const keep = { keepSecrets: entry.form.rememberSecrets, neverKeep: neverKeep() }
    for (const tab of sessions.tabs) {
      const form = tabForm(tab.id)
      if (form && sameForm(splitFormSecrets(form, keep).kept, entry.form)) {
        sessions.activate(tab.id)
        return tab.id
      }
    }
    const id = openForm(entry.form, { activate: true })
    sessions.rename(id, entry.name)
    if (entry.omitted?.length)
      openedOmitted[id] = [...entry.omitted]
    return id
  }

  /** The file's text and what was left out of it (secrets, by connection). */
  function exportText(now = new Date()): { text: string, omitted: Array<{ name: string, omitted: string[] }> } {
    const omittedBy: Array<{ name: string, omitted: string[] }> = []
    const list: WorkspaceConnection[] = connections.value.map((entry) => {
      const split = splitFormSecrets(entry.form, { keepSecrets: false, neverKeep: neverKeep() })
      const omitted = unique([...(entry.omitted ?? []), ...split.omitted])
      if (split.omitted.length > 0)
        omittedBy.push({ name: entry.name, omitted: split.omitted })
      const out: WorkspaceConnection = { name: entry.name, form: { ...split.kept, rememberSecrets: false } }
      if (entry.savedAt !== undefined)
        out.savedAt = entry.savedAt
      if (omitted.length > 0)
        out.omitted = omitted
      return out
    })
    return { text: writeWorkspace({ connections: list, environments: envs.exportEnvironments(), exportedAt: now }), omitted: omittedBy }
  }

  /** Download the workspace file (`socketio-inspector-workspace.json`). */
  function exportFile(): void {
    const { text, omitted } = exportText()
    downloadText(WORKSPACE_FILE_NAME, text)
    importErrorText.value = undefined
    noteText.value = () => {
      const parts = [t('workspace.exported', { file: WORKSPACE_FILE_NAME })]
      if (omitted.length > 0)
        parts.push(t('workspace.exportOmitted', { list: omitted.map(o => `"${o.name}": ${o.omitted.join(', ')}`).join('; ') }))
      return parts.join(' ')
    }
  }

  /**
   * Import a workspace file's text: all of it is checked first (nothing changes when any part is wrong);
   * then connections are merged by name (same name: replaced) and environments merged by the
   * environments store.
   */
  function importText(text: string): ImportResult {
    const read = readWorkspace(text)
    if (!read.ok)
      return { ok: false, message: read.message }
    const { workspace } = read
    let replaced = 0
    const next = [...connections.value]
    for (const item of workspace.connections) {
      const entry = entryOf(item.name, completeForm(item.form), { savedAt: item.savedAt, omitted: item.omitted })
      const at = next.findIndex(c => c.name === item.name)
      if (at >= 0) {
        next[at] = entry
        replaced++
      }
      else {
        next.push(entry)
      }
    }
    if (workspace.environments.length > 0)
      envs.importEnvironments(workspace.environments)
    connections.value = next
    persist()
    return { ok: true, connections: workspace.connections.length, replaced, environments: workspace.environments.length }
  }

  /** Import a file (the panel's input or a drop); the outcome goes to `note` / `importError`. */
  async function importFile(file: File): Promise<ImportResult> {
    let result: ImportResult
    if (file.size > MAX_WORKSPACE_BYTES) {
      result = { ok: false, message: t('workspace.fileTooBig', { size: (file.size / 1024 / 1024).toFixed(1), max: MAX_WORKSPACE_BYTES / 1024 / 1024 }) }
    }
    else if (file.size === 0) {
      result = { ok: false, message: t('workspace.fileEmpty') }
    }
    else {
      let text: string | undefined
      try {
        text = await file.text()
      }
      catch (error) {
        result = { ok: false, message: t('workspace.fileUnreadable', { message: error instanceof Error ? error.message : String(error) }) }
      }
      result ??= importText(text ?? '')
    }
    const outcome = result
    if (outcome.ok) {
      importErrorText.value = undefined
      noteText.value = () => {
        const connectionsText = t('workspace.importedConnections', { n: outcome.connections }, outcome.connections)
        return t('workspace.imported', {
          file: file.name,
          connections: outcome.replaced > 0 ? `${connectionsText} (${t('workspace.importedReplaced', { n: outcome.replaced })})` : connectionsText,
          environments: t('workspace.importedEnvironments', { n: outcome.environments }, outcome.environments),
        })
      }
    }
    else {
      noteText.value = undefined
      importErrorText.value = () => t('workspace.importFailed', { file: file.name, message: outcome.message })
    }
    return result
  }

  // -------------------------------------------------------------------------------------------------
  // Tabs after a reload.

  let restored = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const stops: Array<() => void> = []

  /** What is written: every live tab's form (less its secrets), names, order, the active tab. */
  function persistTabs(): void {
    if (timer !== undefined) {
      clearTimeout(timer)
      timer = undefined
    }
    const stored: StoredTabs = { tabs: [] }
    const secrets: Record<string, Partial<Record<SecretField, string>>> = {}
    for (const tab of sessions.tabs) {
      const form = tabForm(tab.id)
      if (!form)
        continue
      const split = splitFormSecrets(form, { keepSecrets: form.rememberSecrets, neverKeep: neverKeep() })
      const item: StoredTab = { key: tab.id, form: split.kept }
      const name = sessions.names[tab.id]
      if (name)
        item.name = name
      const label = sessions.optionsById[tab.id]?.label
      if (label && !standIns.has(tab.id))
        item.label = label
      if (split.omitted.length > 0) {
        item.omitted = split.omitted
        secrets[tab.id] = split.secrets
      }
      if (tab.id === sessions.activeId)
        stored.active = stored.tabs.length
      stored.tabs.push(item)
    }
    writeStored('tabs', stored)
    try {
      if (Object.keys(secrets).length > 0)
        sessionStore()?.setItem(TABS_SECRETS_KEY, JSON.stringify(secrets))
      else
        sessionStore()?.removeItem(TABS_SECRETS_KEY)
    }
    catch {}
  }

  function schedulePersist(): void {
    if (timer !== undefined)
      clearTimeout(timer)
    timer = setTimeout(persistTabs, PERSIST_DELAY_MS)
  }

  /**
   * Recreate the tabs of the last visit, disconnected, the active one active again (once per page; later
   * calls do nothing). A `?url=` link opens its URL in an extra tab (active) when tabs were restored.
   * From then on, tab changes are persisted. Returns the restored tab ids.
   */
  function restoreTabs(): string[] {
    if (restored)
      return []
    restored = true
    const stored = readStored('tabs', validateTabs, { tabs: [] })
    const secrets = readTabSecrets()
    const ids: string[] = []
    for (const item of stored.tabs) {
      const form = completeForm(item.form)
      const own = secrets[item.key]
      if (own)
        Object.assign(form, own)
      const id = openForm(form, { activate: false, label: item.label })
      if (item.name)
        sessions.rename(id, item.name)
      if (!own && item.omitted?.length)
        openedOmitted[id] = [...item.omitted]
      ids.push(id)
    }
    restoredIds.value = ids
    const active = stored.active === undefined ? undefined : ids[stored.active]
    if (active)
      sessions.activate(active)
    else if (ids.length > 0)
      sessions.activate(ids[0])
    if (ids.length > 0) {
      const link = connect.takeLinkForm()
      if (link)
        openForm(link, { activate: true })
    }

    stops.push(
      watch(() => sessions.tabs, schedulePersist),
      watch(() => sessions.names, schedulePersist),
      watch(() => sessions.activeId, schedulePersist),
      watch(() => connect.forms, schedulePersist, { deep: true }),
    )
    const onHide = (): void => persistTabs()
    const onVisibility = (): void => {
      if (globalThis.document?.visibilityState === 'hidden')
        persistTabs()
    }
    globalThis.addEventListener?.('pagehide', onHide)
    globalThis.document?.addEventListener('visibilitychange', onVisibility)
    stops.push(() => {
      globalThis.removeEventListener?.('pagehide', onHide)
      globalThis.document?.removeEventListener('visibilitychange', onVisibility)
    })
    return ids
  }

  // A restored tab that connected (or closed) is no longer waiting for "reconnect all"; a tab that
  // connected has had its omitted secrets filled in.
  watch(() => sessions.tabs, (tabs) => {
    const byId = new Map(tabs.map(tab => [tab.id, tab]))
    const waiting = restoredIds.value.filter(id => byId.has(id) && byId.get(id)!.status !== 'connected')
    if (waiting.length !== restoredIds.value.length)
      restoredIds.value = waiting
    for (const id of Object.keys(openedOmitted)) {
      const tab = byId.get(id)
      if (!tab || tab.status === 'connected')
        delete openedOmitted[id]
    }
  })

  /** Restored tabs not connected now (idle, or disconnected after a failed attempt). */
  const restoredIdle = computed(() => restoredIds.value.filter((id) => {
    const status = sessions.tabs.find(tab => tab.id === id)?.status
    return status === 'idle' || status === 'disconnected'
  }))

  /**
   * Connect every restored tab that is not connected (each with its own form, through the usual Connect:
   * a form that does not resolve shows its error in its tab). Returns the ids Connect accepted.
   */
  function reconnectAll(): string[] {
    const started: string[] = []
    for (const id of restoredIdle.value) {
      if (connect.connect(id))
        started.push(id)
    }
    restoredIds.value = []
    return started
  }

  function omittedFor(tabId: string | undefined): readonly string[] {
    return tabId ? openedOmitted[tabId] ?? [] : []
  }

  /** What the connect bar says about a tab opened without its secrets ('' when nothing is missing). */
  function omittedNote(tabId: string | undefined): string {
    const names = omittedFor(tabId)
    return names.length > 0 ? t('workspace.omitted', { names: names.join(', ') }) : ''
  }

  onScopeDispose(() => {
    if (timer !== undefined)
      clearTimeout(timer)
    for (const stop of stops.splice(0)) stop()
  })

  return {
    connections,
    groups,
    panelOpen,
    openedOmitted,
    restoredIds,
    restoredIdle,
    note,
    importError,
    openPanel: () => {
      panelOpen.value = true
    },
    closePanel: () => {
      panelOpen.value = false
    },
    nameProblem,
    suggestedName,
    save,
    rename,
    remove,
    open,
    exportText,
    exportFile,
    importText,
    importFile,
    restoreTabs,
    persistTabs,
    reconnectAll,
    omittedFor,
    omittedNote,
  }
})
