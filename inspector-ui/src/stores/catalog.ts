/**
 * The event catalog of the page (issue 17): one core `EventCatalog` at module scope, outside Vue's
 * reactivity (like the `Inspector` in stores/sessions.ts), fed from the log's batches. Views read it
 * through `version`, which ticks at most once per animation frame, and `imports`, which changes only
 * when a document is imported or removed (log rows key their violation check on it, not on `version`,
 * so a busy log does not re-check visible rows).
 */
import type { CatalogEvent, CatalogEventKey, CatalogFilter, CatalogSessionInfo, CatalogViolation, ImportedDocumentInfo, LogEntry } from '#core'
import type { ImportDiagnostic } from '../components/catalog/asyncapi-api'
import { catalogNamespace, catalogOrigin, EventCatalog, exportAsyncApi } from '#core'
import { defineStore } from 'pinia'
import { markRaw, shallowRef, watch } from 'vue'
import { fetchOnServer, importUnavailableReason, parseOnServer } from '../components/catalog/asyncapi-api'
import { t } from '../i18n'
import { getInspector, useSessionsStore } from './sessions'

let catalog: EventCatalog | undefined

/** The one catalog of the page (not reactive). */
export function getCatalog(): EventCatalog {
  if (!catalog)
    catalog = markRaw(new EventCatalog())
  return catalog
}

/** Tests: forget everything learned and imported. */
export function resetCatalog(): void {
  catalog?.dispose()
  catalog = undefined
}

/** Violation checks kept per entry id; cleared past this (only visible rows are ever checked). */
const MAX_CACHED_CHECKS = 20_000

export type CatalogImportOutcome
  = | { readonly ok: true, readonly info: ImportedDocumentInfo, readonly warnings: readonly string[] }
    | { readonly ok: false, readonly error: string, readonly diagnostics: readonly ImportDiagnostic[] }

/** A server that serves its own AsyncAPI document, found when a tab connected to it. */
export interface CatalogOffer {
  readonly origin: string
  readonly url: string
  readonly document: unknown
}

/** `127.0.0.1_3000-asyncapi.json`: the host of an origin, safe as a file name on every system. */
export function catalogExportFilename(origin: string): string {
  let host = origin
  try {
    host = new URL(origin).host || origin
  }
  catch {}
  return `${host.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'server'}-asyncapi.json`
}

export const useCatalogStore = defineStore('catalog', () => {
  const engine = getCatalog()
  const inspector = getInspector()
  const sessions = useSessionsStore()
  /** Ticks at most once a frame after the catalog changed (learned traffic, imports). */
  const version = shallowRef(0)
  /** The imported documents; replaced on every import / removal. */
  const imports = shallowRef<readonly ImportedDocumentInfo[]>([])
  /** Servers found documenting themselves, not yet loaded or dismissed. */
  const offers = shallowRef<readonly CatalogOffer[]>([])
  const lastImport = shallowRef<CatalogImportOutcome>()
  const importing = shallowRef(false)
  /**
   * Whether traffic is learned. On by default; off stops the per-event cost (a very busy stream, or the
   * bench measuring what learning costs), keeping what was learned and the imported documents' checks.
   */
  const learning = shallowRef(true)

  const checks = new Map<number, CatalogViolation | null>()
  let queued = false

  function publish(): void {
    queued = false
    version.value++
  }
  function queue(): void {
    if (queued)
      return
    queued = true
    if (typeof requestAnimationFrame === 'function')
      requestAnimationFrame(publish)
    else setTimeout(publish, 16)
  }

  /** The session of an entry as the catalog keys it; undefined once the tab is gone. */
  function sessionInfo(sessionId: string): CatalogSessionInfo | undefined {
    const session = inspector.get(sessionId)
    if (!session)
      return undefined
    const snapshot = session.snapshot()
    return { url: snapshot.url, namespace: snapshot.namespace }
  }

  // Every batch of the log, event and ack entries only; a session's info looked up once per batch.
  inspector.log.subscribe((batch) => {
    if (!learning.value)
      return
    const infos = new Map<string, CatalogSessionInfo | undefined>()
    for (const entry of batch) {
      if (entry.kind !== 'event' && entry.kind !== 'ack')
        continue
      let info = infos.get(entry.sessionId)
      if (info === undefined && !infos.has(entry.sessionId)) {
        info = sessionInfo(entry.sessionId)
        infos.set(entry.sessionId, info)
      }
      if (info)
        engine.observe(entry, info)
    }
  })
  engine.on('change', queue)

  function importsChanged(): void {
    checks.clear()
    imports.value = engine.imports()
    queue()
  }

  /** The events of the catalog (reactive through `version`). */
  function events(filter?: CatalogFilter): readonly CatalogEvent[] {
    void version.value
    return engine.events(filter)
  }

  function get(key: CatalogEventKey): CatalogEvent | undefined {
    void version.value
    return engine.get(key)
  }

  function origins(): readonly string[] {
    void version.value
    return engine.origins()
  }

  /**
   * Why a log entry breaks the document imported for its server (`undefined`: it matches, or nothing is
   * imported there). Cached by entry id: entries are frozen, so the answer changes only with the imports.
   */
  function violationOf(entry: LogEntry): CatalogViolation | undefined {
    if (imports.value.length === 0 || (entry.kind !== 'event' && entry.kind !== 'ack'))
      return undefined
    const hit = checks.get(entry.id)
    if (hit !== undefined)
      return hit ?? undefined
    const info = sessionInfo(entry.sessionId)
    const found = info ? engine.check(entry, info) : undefined
    if (checks.size >= MAX_CACHED_CHECKS)
      checks.clear()
    checks.set(entry.id, found ?? null)
    return found
  }

  /** The composer's check: arguments about to be emitted (`out`) on a session. */
  function checkOutgoing(sessionId: string, name: string, args: readonly unknown[]): CatalogViolation | undefined {
    if (imports.value.length === 0)
      return undefined
    const info = sessionInfo(sessionId)
    if (!info)
      return undefined
    return engine.checkArgs({ origin: catalogOrigin(info.url), namespace: catalogNamespace(info.namespace), name, direction: 'out' }, args)
  }

  /** Put a parsed document in the catalog for `origin`. */
  function importParsed(document: unknown, origin: string): CatalogImportOutcome {
    const result = engine.importAsyncApi(document, { origin: catalogOrigin(origin) })
    const outcome: CatalogImportOutcome = result.ok
      ? { ok: true, info: result.info, warnings: result.warnings }
      : { ok: false, error: result.error, diagnostics: [] }
    if (result.ok) {
      importsChanged()
      offers.value = offers.value.filter(offer => offer.origin !== result.info.origin)
    }
    lastImport.value = outcome
    return outcome
  }

  async function importFrom(load: () => ReturnType<typeof parseOnServer>, origin: string, what: string): Promise<CatalogImportOutcome> {
    importing.value = true
    try {
      const parsed = await load()
      if (!parsed.ok) {
        const outcome: CatalogImportOutcome = { ok: false, error: t('catalog.import.notImported', { what, error: parsed.error }), diagnostics: parsed.diagnostics }
        lastImport.value = outcome
        return outcome
      }
      return importParsed(parsed.document, origin)
    }
    finally {
      importing.value = false
    }
  }

  /** Import a document's text (a file the user chose, named in the messages), parsed by the inspector server. */
  function importText(text: string, origin: string, fileName?: string): Promise<CatalogImportOutcome> {
    return importFrom(() => parseOnServer(text), origin, fileName === undefined || fileName === 'The document' ? t('catalog.import.theDocument') : `"${fileName}"`)
  }

  /** Import the document the server at `url` serves about itself, fetched and parsed by the inspector server. */
  function importUrl(url: string, origin: string): Promise<CatalogImportOutcome> {
    return importFrom(() => fetchOnServer(url), origin, url)
  }

  function removeImport(origin: string): void {
    if (engine.removeImport(origin))
      importsChanged()
  }

  /** The AsyncAPI 3.0 document of what the catalog holds for `origin`, as text. */
  function exportText(origin: string): string {
    return `${JSON.stringify(exportAsyncApi(engine, { server: origin }), null, 2)}\n`
  }

  // The offer: once per origin, when a live tab first connects there, ask the inspector server whether
  // the server serves `/asyncapi.json`. A server without one answers 404: no offer, nothing shown.
  const asked = new Set<string>()
  async function probe(origin: string): Promise<void> {
    const found = await fetchOnServer(origin)
    if (found.ok && !engine.importedFor(origin) && !offers.value.some(offer => offer.origin === origin))
      offers.value = [...offers.value, { origin, url: found.url ?? `${origin}/asyncapi.json`, document: found.document }]
  }
  watch(() => sessions.tabs, (tabs) => {
    if (importUnavailableReason())
      return
    for (const tab of tabs) {
      if (tab.readonly || tab.status !== 'connected')
        continue
      const origin = catalogOrigin(tab.url)
      if (asked.has(origin))
        continue
      asked.add(origin)
      void probe(origin)
    }
  }, { immediate: true })

  function acceptOffer(origin: string): CatalogImportOutcome | undefined {
    const offer = offers.value.find(o => o.origin === origin)
    return offer ? importParsed(offer.document, offer.origin) : undefined
  }
  function dismissOffer(origin: string): void {
    offers.value = offers.value.filter(offer => offer.origin !== origin)
  }

  return {
    version,
    learning,
    imports,
    offers,
    lastImport,
    importing,
    events,
    get,
    origins,
    violationOf,
    checkOutgoing,
    importParsed,
    importText,
    importUrl,
    removeImport,
    exportText,
    acceptOffer,
    dismissOffer,
  }
})
