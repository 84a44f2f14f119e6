/**
 * The connect bar's forms, one per tab (and one for "no tab yet"), and what Connect means:
 * - no tab: open a session;
 * - the tab's own options, not connected: connect it again (same session, same log);
 * - other options, and the tab never connected (a fresh tab): replace its session;
 * - other options, and the tab has a history: open a new tab, keep the old one.
 */
import type { SuggestedSettings } from '../../../src/core'
import type { ConnectForm, FormContext, FormErrors } from '../lib/connect-form'
import { defineStore } from 'pinia'
import { reactive, ref } from 'vue'
import { defaultConnectUrl } from '../config'
import { defaultForm, formToOptions, optionsToForm, sameOptions } from '../lib/connect-form'
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

export const useConnectStore = defineStore('connect', () => {
  const sessions = useSessionsStore()
  const prefs = usePrefsStore()
  const fromLink = urlFromLocation()
  const forms = reactive<Record<string, ConnectForm>>({})
  const errors = reactive<Record<string, FormErrors>>({})
  /** The link's URL is applied once, to the first form. */
  const linkUrl = ref(fromLink)
  /** Per form: what the Recent entry it was loaded from did not keep (e.g. `auth`, `header Authorization`). */
  const recentOmitted = reactive<Record<string, string[]>>({})

  function blankForm(): ConnectForm {
    return defaultForm(defaultConnectUrl())
  }

  function formFor(tabId: string | undefined): ConnectForm {
    const key = tabId ?? NO_TAB
    if (!forms[key]) {
      const options = tabId ? sessions.optionsById[tabId] : undefined
      if (options) {
        forms[key] = optionsToForm(options)
      }
      else {
        forms[key] = blankForm()
        if (linkUrl.value) {
          forms[key].url = linkUrl.value
          linkUrl.value = undefined
        }
      }
    }
    return forms[key]
  }

  function context(): FormContext {
    return { relayAvailable: !!relayEndpoint() }
  }

  function errorsFor(tabId: string | undefined): FormErrors {
    return errors[tabId ?? NO_TAB] ?? {}
  }

  /** Connect the tab (see the module comment). Returns the session id, or undefined when invalid. */
  function connect(tabId: string | undefined): string | undefined {
    const key = tabId ?? NO_TAB
    const form = formFor(tabId)
    const result = formToOptions(form, context())
    if (!result.ok) {
      errors[key] = result.errors
      return undefined
    }
    errors[key] = {}
    const options = result.options
    prefs.remember(options, { rememberSecrets: form.rememberSecrets })
    delete recentOmitted[key]
    const snapshot = tabId ? sessions.snapshotOf(tabId) : undefined
    if (!tabId || !snapshot) {
      const id = sessions.openSession(options)
      forms[id] = { ...form }
      delete forms[NO_TAB]
      return id
    }
    const own = sessions.optionsById[tabId]
    if (own && sameOptions(own, options)) {
      if (snapshot.status === 'idle' || snapshot.status === 'disconnected')
        sessions.connect(tabId)
      return tabId
    }
    const fresh = snapshot.status === 'idle' && snapshot.idHistory.length === 0 && !snapshot.readonly
    const id = fresh ? sessions.replaceSession(tabId, options) : sessions.openSession(options)
    forms[id] = { ...form }
    if (fresh)
      delete forms[tabId]
    else if (own)
      forms[tabId] = optionsToForm(own)
    return id
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
   * Apply a diagnosis's one-click fix to the tab's form (the user then presses Connect). A suggested path
   * that the user typed into the URL (where it is taken for the namespace) is removed from the URL.
   */
  function applyFix(tabId: string | undefined, settings: SuggestedSettings & { tlsInsecure?: boolean }): void {
    const form = formFor(tabId)
    if (settings.client)
      form.client = settings.client
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

  function omittedFor(tabId: string | undefined): readonly string[] {
    return recentOmitted[tabId ?? NO_TAB] ?? []
  }

  return { forms, errors, recentOmitted, formFor, errorsFor, omittedFor, connect, newTab, loadRecent, applyFix, context }
})
