/**
 * The connect bar's forms, one per tab (and one for "no tab yet"), and what Connect means (issue 11):
 * - no tab: open a session;
 * - the tab's own options, not connected: connect it again (same session, same log);
 * - other options: connect the same tab again with them (the core replaces its session under the same
 *   id: the tab keeps its log and socket-id history). Only `+` / Ctrl+T / Alt+T make a new tab.
 *
 * Fields are checked as they are typed (`errorsFor`); the URL's error shows once Connect was pressed.
 * Recent remembers a connection when it *succeeds* (the options of the last successful connection to a
 * URL, with the time): a failed attempt never overwrites a working entry.
 */
import type { SuggestedSettings } from '#core'
import type { ConnectForm, ConnectOptions, FormContext, FormErrors, FormResult } from '../lib/connect-form'
import { defineStore } from 'pinia'
import { reactive, ref, watch } from 'vue'
import { defaultConnectUrl } from '../config'
import { defaultForm, formToOptions, optionsToForm, sameOptions } from '../lib/connect-form'
import { resolveConnectForm, templateOptions, usesVariables } from '../lib/connect-vars'
import { useEnvironmentsStore } from './environments'
import { usePrefsStore } from './prefs'
import { relayEndpoint, useSessionsStore } from './sessions'

export const NO_TAB = '(none)'

/** `/?url=http://localhost:3000/namespace1` pre-fills the first form (a shareable link). */
function urlFromLocation(): string | undefined {
  try {
    const value = new URLSearchParams(globalThis.location?.search ?? '').get('url')
    return value?.trim() || undefined
  }
  catch {
    return undefined
  }
}

/** `&parser=msgpack` with `?url=`: the link's server speaks socket.io-msgpack-parser. Other values are ignored. */
function parserFromLocation(): 'msgpack' | undefined {
  try {
    return new URLSearchParams(globalThis.location?.search ?? '').get('parser') === 'msgpack' ? 'msgpack' : undefined
  }
  catch {
    return undefined
  }
}

export const useConnectStore = defineStore('connect', () => {
  const sessions = useSessionsStore()
  const prefs = usePrefsStore()
  const envs = useEnvironmentsStore()
  const fromLink = urlFromLocation()
  const forms = reactive<Record<string, ConnectForm>>({})
  const errors = reactive<Record<string, FormErrors>>({})
  /** The link's URL is applied once, to the first form. */
  const linkUrl = ref(fromLink)
  /** Per form: what the Recent entry it was loaded from did not keep (e.g. `auth`, `header Authorization`). */
  const recentOmitted = reactive<Record<string, string[]>>({})
  /** Forms whose Connect was pressed: their URL error shows (while typing a URL, it would only nag). */
  const submitted = reactive<Record<string, boolean>>({})
  /** What to remember in Recent when the tab connects: the options of its last Connect, and the choice. */
  const toRemember = new Map<string, { options: ConnectOptions, rememberSecrets: boolean }>()
  const lastStatus = new Map<string, string>()

  // Every state change (sync: a connect followed at once by a drop is still a success to remember).
  watch(() => sessions.tabs, (tabs) => {
    const present = new Set<string>()
    for (const tab of tabs) {
      present.add(tab.id)
      const was = lastStatus.get(tab.id)
      lastStatus.set(tab.id, tab.status)
      const pending = toRemember.get(tab.id)
      if (tab.status === 'connected' && was !== 'connected' && pending)
        prefs.remember(pending.options, { rememberSecrets: pending.rememberSecrets, connectedAt: Date.now() })
    }
    for (const id of [...lastStatus.keys()]) {
      if (!present.has(id)) {
        lastStatus.delete(id)
        toRemember.delete(id)
      }
    }
  }, { flush: 'sync' })

  function blankForm(): ConnectForm {
    return defaultForm(defaultConnectUrl())
  }

  function formFor(tabId: string | undefined): ConnectForm {
    const key = tabId ?? NO_TAB
    if (!forms[key]) {
      const options = tabId ? sessions.optionsById[tabId] : undefined
      const snapshot = tabId ? sessions.snapshotOf(tabId) : undefined
      if (options) {
        forms[key] = optionsToForm(options)
      }
      else if (snapshot?.readonly) {
        // An imported capture: its URL field shows the captured URL (read-only).
        forms[key] = defaultForm(snapshot.url)
      }
      else {
        forms[key] = blankForm()
        if (linkUrl.value) {
          forms[key].url = linkUrl.value
          if (parserFromLocation())
            forms[key].parser = 'msgpack'
          linkUrl.value = undefined
        }
      }
    }
    return forms[key]
  }

  function context(): FormContext {
    return { relayAvailable: !!relayEndpoint() }
  }

  /**
   * The form as the session would run it (issue 16 item 2): its `{{variables}}` resolved with the current
   * environment, then parsed. An unknown variable is the error of the field it is in (naming it). The
   * form itself keeps the template: that is what Recent, saved connections and restored tabs keep.
   */
  function parse(form: ConnectForm): FormResult {
    const resolved = resolveConnectForm(form, text => envs.resolveText(text))
    if (!resolved.ok)
      return { ok: false, errors: { [resolved.field]: resolved.message } }
    return formToOptions(resolved.form, context())
  }

  /**
   * The form's problems now, field by field (checked as the user types; the URL's once Connect was
   * pressed for this form). Empty for an imported tab.
   */
  function errorsFor(tabId: string | undefined): FormErrors {
    const key = tabId ?? NO_TAB
    const form = forms[key]
    if (!form || (tabId && sessions.snapshotOf(tabId)?.readonly))
      return {}
    const result = parse(form)
    if (result.ok)
      return {}
    const { url, ...rest } = result.errors
    return url && submitted[key] ? { ...rest, url } : rest
  }

  /** Whether Connect would change the tab's options (a live tab can then connect again with them). */
  function changed(tabId: string | undefined): boolean {
    if (!tabId)
      return true
    const own = sessions.optionsById[tabId]
    // Resolved: a variable whose value changed makes Connect connect again with the new value.
    const result = parse(formFor(tabId))
    return !own || !result.ok || !sameOptions(own, result.options)
  }

  /** Connect the tab (see the module comment). Returns the session id, or undefined when invalid. */
  function connect(tabId: string | undefined): string | undefined {
    const key = tabId ?? NO_TAB
    const form = formFor(tabId)
    const snapshot = tabId ? sessions.snapshotOf(tabId) : undefined
    // An attached tab (issue 19) mirrors the app's own socket: the app connects it, never this form.
    if (snapshot?.readonly || snapshot?.attached)
      return undefined
    submitted[key] = true
    const result = parse(form)
    if (!result.ok) {
      errors[key] = result.errors
      return undefined
    }
    errors[key] = {}
    const options = result.options
    delete recentOmitted[key]
    // Recent keeps the template, never a variable's resolved value (connect-vars.ts `templateOptions`).
    const recentOptions = usesVariables(form) ? templateOptions(form, options, envs.allSecrets()) : options
    const remember = { options: recentOptions, rememberSecrets: form.rememberSecrets }
    if (!tabId || !snapshot) {
      const id = sessions.openSession(options, { connect: false })
      forms[id] = { ...form }
      delete forms[NO_TAB]
      submitted[id] = true
      delete submitted[NO_TAB]
      toRemember.set(id, remember)
      sessions.connect(id)
      return id
    }
    toRemember.set(tabId, remember)
    const own = sessions.optionsById[tabId]
    if (own && sameOptions(own, options)) {
      if (snapshot.status === 'idle' || snapshot.status === 'disconnected')
        sessions.connect(tabId)
      return tabId
    }
    // Other options: the same tab connects again with them (same id, log and socket-id history).
    return sessions.replaceSession(tabId, options)
  }

  /** A new tab pointed at the default URL, not connected yet (Ctrl/Cmd+T). */
  function newTab(): string {
    const form = blankForm()
    const result = formToOptions(form, context())
    const id = sessions.openSession(result.ok ? result.options : { url: form.url }, { connect: false })
    forms[id] = form
    return id
  }

  /** Fill the form from a Recent entry; what Recent did not keep (names only) is listed to fill in again. */
  function loadRecent(tabId: string | undefined, url: string): void {
    const entry = prefs.recent.find(item => item.url === url)
    if (!entry)
      return
    const key = tabId ?? NO_TAB
    const form = optionsToForm(entry)
    form.rememberSecrets = entry.rememberSecrets === true
    forms[key] = form
    if (entry.omitted?.length)
      recentOmitted[key] = [...entry.omitted]
    else
      delete recentOmitted[key]
  }

  /**
   * Apply a diagnosis's one-click fix to the tab's form (the user then presses Connect; the parser switch
   * connects at once, see LifecyclePanel). A suggested path
   * that the user typed into the URL (where it is taken for the namespace) is removed from the URL.
   */
  function applyFix(tabId: string | undefined, settings: SuggestedSettings & { tlsInsecure?: boolean }): void {
    const form = formFor(tabId)
    if (settings.client)
      form.client = settings.client
    if (settings.parser)
      form.parser = settings.parser
    if (settings.transports)
      form.transports = 'websocket'
    if (settings.relay)
      form.relay = true
    if (settings.tlsInsecure)
      form.tlsInsecure = true
    if (settings.path) {
      form.path = settings.path
      try {
        const url = new URL(form.url.trim())
        if (url.pathname.replace(/\/+$/, '') === settings.path) {
          url.pathname = '/'
          form.url = url.toString()
        }
      }
      catch {}
    }
    const key = tabId ?? NO_TAB
    errors[key] = {}
  }

  /**
   * The `?url=` link's form, once (later calls: undefined). Tabs restored after a reload (stores/workspace.ts)
   * open the link in an extra tab with it; without restored tabs the first form takes the link as before.
   */
  function takeLinkForm(): ConnectForm | undefined {
    if (!linkUrl.value)
      return undefined
    const form = blankForm()
    form.url = linkUrl.value
    if (parserFromLocation())
      form.parser = 'msgpack'
    linkUrl.value = undefined
    return form
  }

  function omittedFor(tabId: string | undefined): readonly string[] {
    return recentOmitted[tabId ?? NO_TAB] ?? []
  }

  return { forms, errors, recentOmitted, formFor, errorsFor, omittedFor, changed, connect, newTab, loadRecent, applyFix, context, takeLinkForm }
})
