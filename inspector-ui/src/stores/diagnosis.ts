/**
 * Connection diagnoses, one per session: when a session gets `connect_error` (or disconnects with
 * "ping timeout", or is closed before its first connect: see `CLOSED_BEFORE_CONNECT`), say why with the core's `explainFailure` at once, then probe with `diagnoseConnection`
 * (in the page) and, where the page cannot tell (the core marks such a diagnosis `pageBlind`: a failed
 * request gives no reason, an answer without CORS headers cannot be read), in the inspector's Node process
 * through the relay. Relayed sessions are probed in Node only (their connection runs there).
 *
 * One probe per failure streak: reconnection attempts that fail with the same message do not probe again;
 * a different message does, and so does the same one after the session stayed connected for a minute.
 *
 * A connection that is still "connecting" after `SLOW_CONNECT_MS` is probed too, without waiting for
 * socket.io's own timeout (20 s by default): a server that accepts the connection and never answers is
 * named in seconds. Only a conclusive finding is shown then; "the server answers" stays quiet.
 */
import type { ConnectErrorLike, DiagnoseInput, Diagnosis, LogEntry, RelayDiagnoseInput } from '#core'
import { diagnoseConnection, diagnoseThroughRelay, explainFailure, reconcileParser } from '#core'
import { defineStore } from 'pinia'
import { shallowRef, watch } from 'vue'
import { getInspector, relayEndpoint, useSessionsStore } from './sessions'

export interface DiagnosisView {
  /** The failure streak: the error message (or `ping timeout`). */
  key: string
  /** `probing` while requests run (the diagnosis, if any, is the quick one from the client's error). */
  status: 'probing' | 'done'
  diagnosis?: Diagnosis
  /** Where the shown diagnosis was made. */
  where?: 'page' | 'relay'
  /** Why the Node probe could not run, when it was wanted. */
  relayError?: string
  /** The session connected since (the view is kept to tell a repeat of the same failure). */
  resolved: boolean
  at: number
  /** Made while the first connection was still pending (no error yet), after this many ms. */
  stillConnectingMs?: number
}

/**
 * Disconnect reasons of a connection that closed before Socket.IO's CONNECT was answered (no socket id yet):
 * the Engine.IO handshake worked and the server hung up, e.g. a server with another parser (it cannot decode
 * the CONNECT: "parse error" on its side, `transport close` here, then a reconnect loop without connect_error).
 */
const CLOSED_BEFORE_CONNECT: ReadonlySet<string> = new Set(['transport close', 'transport error', 'parse error'])

/** A failure with the same message this soon after the last probe belongs to the same streak. */
const STREAK_MS = 60_000
/** A connection still pending this long is probed before socket.io's own timeout ends it. */
export const SLOW_CONNECT_MS = 5_000

export const useDiagnosisStore = defineStore('diagnosis', () => {
  const sessions = useSessionsStore()
  const byId = shallowRef<Readonly<Record<string, DiagnosisView>>>({})
  let generation = 0
  const running = new Map<string, number>()

  function set(id: string, view: DiagnosisView | undefined): void {
    const next = { ...byId.value }
    if (view)
      next[id] = view
    else delete next[id]
    byId.value = next
  }

  function failed(sessionId: string, error: ConnectErrorLike | undefined, disconnectReason: string | undefined): void {
    const options = sessions.optionsById[sessionId]
    if (!options)
      return // imported (read-only) sessions replay old failures: nothing to probe
    const key = error ? `error:${error.message}` : `disconnect:${disconnectReason}`
    const current = byId.value[sessionId]
    if (current && current.key === key && (!current.resolved || Date.now() - current.at < STREAK_MS)) {
      if (current.resolved)
        set(sessionId, { ...current, resolved: false })
      return
    }
    const input: DiagnoseInput = {
      url: options.url,
      path: options.path,
      transports: options.transports ? [...options.transports] : undefined,
      error: error ? { message: error.message, data: error.data, description: error.description } : undefined,
      disconnectReason,
      ...(options.parser ? { parser: options.parser } : {}),
    }
    void probe(sessionId, key, input, options.via === 'relay')
  }

  async function probe(sessionId: string, key: string, input: DiagnoseInput, viaRelay: boolean, stillConnectingMs?: number): Promise<void> {
    const mine = ++generation
    running.set(sessionId, mine)
    const stillMine = (): boolean => running.get(sessionId) === mine
    const quick = explainFailure(input)
    const base = { key, resolved: false, at: Date.now(), ...(stillConnectingMs === undefined ? {} : { stillConnectingMs }) }
    set(sessionId, { ...base, status: 'probing', diagnosis: quick, where: 'page' })
    if (quick && quick.code !== 'ping-timeout') {
      set(sessionId, { ...base, status: 'done', diagnosis: quick, where: viaRelay ? 'relay' : 'page' })
      running.delete(sessionId)
      return
    }
    const relay = relayEndpoint()
    const pageOrigin = globalThis.location?.origin
    const nodeInput: RelayDiagnoseInput = { ...input, ...(viaRelay ? {} : { pageOrigin }) }
    let diagnosis: Diagnosis | undefined = quick
    let where: 'page' | 'relay' = 'page'
    let relayError: string | undefined
    try {
      if (viaRelay && relay) {
        // The relay probes with the default parser (it is not told the session's): compare with ours here.
        diagnosis = reconcileParser(await diagnoseThroughRelay(relay, nodeInput), input.parser)
        where = 'relay'
      }
      else {
        diagnosis = await diagnoseConnection({ ...input, pageOrigin })
        // The page could not read the answer (see `Diagnosis.pageBlind`): Node can, when the relay is there.
        if (stillMine() && relay && diagnosis.pageBlind) {
          set(sessionId, { ...base, status: 'probing', diagnosis, where: 'page' })
          try {
            diagnosis = reconcileParser(await diagnoseThroughRelay(relay, nodeInput), input.parser)
            where = 'relay'
          }
          catch (err) {
            relayError = err instanceof Error ? err.message : String(err)
          }
        }
      }
    }
    catch (err) {
      relayError = err instanceof Error ? err.message : String(err)
    }
    if (!stillMine())
      return
    running.delete(sessionId)
    if (stillConnectingMs !== undefined && (!diagnosis || diagnosis.code === 'unknown')) {
      // The server answers the probe: the connection is only slow so far; socket.io's own outcome will tell.
      set(sessionId, undefined)
      return
    }
    set(sessionId, { ...base, status: 'done', diagnosis, where, relayError })
  }

  /** Probe a connection that has been pending for `SLOW_CONNECT_MS` (no error to go on yet). */
  function slowConnect(sessionId: string): void {
    const options = sessions.optionsById[sessionId]
    if (!options || byId.value[sessionId]?.resolved === false)
      return // imported, or a failure streak already has its diagnosis
    const input: DiagnoseInput = {
      url: options.url,
      path: options.path,
      transports: options.transports ? [...options.transports] : undefined,
      ...(options.parser ? { parser: options.parser } : {}),
    }
    void probe(sessionId, `slow:${options.url}`, input, options.via === 'relay', SLOW_CONNECT_MS)
  }

  const slowTimers = new Map<string, ReturnType<typeof setTimeout>>()
  watch(() => sessions.tabs, (tabs) => {
    const connecting = new Set(tabs.filter(t => t.status === 'connecting').map(t => t.id))
    for (const [id, timer] of slowTimers) {
      if (!connecting.has(id)) {
        clearTimeout(timer)
        slowTimers.delete(id)
      }
    }
    for (const id of connecting) {
      if (!slowTimers.has(id)) {
        slowTimers.set(id, setTimeout(() => {
          slowTimers.delete(id)
          if (sessions.tabs.find(t => t.id === id)?.status === 'connecting')
            slowConnect(id)
        }, SLOW_CONNECT_MS))
      }
    }
  })

  function onEntry(entry: LogEntry): void {
    switch (entry.kind) {
      case 'connect_error':
        failed(entry.sessionId, { message: entry.message, data: entry.data, description: entry.description }, undefined)
        break
      case 'disconnect':
        if (entry.reason === 'ping timeout' || (entry.socketId === undefined && CLOSED_BEFORE_CONNECT.has(entry.reason)))
          failed(entry.sessionId, undefined, entry.reason)
        break
      case 'connect': {
        const current = byId.value[entry.sessionId]
        if (current && !current.resolved)
          set(entry.sessionId, { ...current, resolved: true })
        break
      }
      default:
        break
    }
  }

  const engine = getInspector()
  engine.log.subscribe((batch) => {
    for (const entry of batch) onEntry(entry)
  })
  engine.on('sessions', (list) => {
    const present = new Set(list.map(s => s.id))
    for (const id of Object.keys(byId.value)) {
      if (!present.has(id)) {
        running.delete(id)
        set(id, undefined)
      }
    }
  })

  function of(sessionId: string): DiagnosisView | undefined {
    return byId.value[sessionId]
  }

  return { byId, of }
})
