/**
 * Part 5 of `npm run bench` (bench/ui/server-view.ts): a page run with no automation attached while it
 * measures, and the page's JS heap read once it has reported. Same Chromium and flags as
 * ./shared.ts `runPageUnattached` (it runs through it, with `afterReport`), plus a DevTools
 * port nobody connects to until the page's last report is in: only then does the bench attach to the page
 * target and its dedicated Workers, force two full collections in each (`HeapProfiler.collectGarbage`) and
 * read `Runtime.getHeapUsage` (`usedSize`, V8's heap in use). Both pages are measured this way, from
 * outside, the same way (admin-ui has no heap figure of its own).
 */
import type { Report } from './shared'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import WebSocket from 'ws'
import { runPageUnattached, sleep } from './shared'

interface HeapReading { pageBytes: number, workerBytes: number, workers: number }

/**
 * The V8 heap in use by the page target and by its dedicated Workers (each has an isolate of its own, and
 * the inspector may run its admin socket in one), after two forced full collections in each.
 */
async function pageHeapOverDevTools(profile: string): Promise<HeapReading> {
  const portFile = join(profile, 'DevToolsActivePort')
  for (let i = 0; i < 50 && !existsSync(portFile); i++) await sleep(100)
  const port = Number(readFileSync(portFile, 'utf8').split('\n')[0])
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json() as Array<{ type: string, webSocketDebuggerUrl?: string }>
  const page = targets.find(t => t.type === 'page' && t.webSocketDebuggerUrl)
  if (!page)
    throw new Error('no page target on the DevTools port')
  const socket = new WebSocket(page.webSocketDebuggerUrl!)
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
  try {
    let nextId = 1
    const pending = new Map<number, { method: string, resolve: (r: Record<string, any>) => void, reject: (e: Error) => void }>()
    const workerSessions: string[] = []
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number, method?: string, params?: Record<string, any>, result?: Record<string, any>, error?: { message: string } }
      if (message.method === 'Target.attachedToTarget' && message.params?.targetInfo?.type === 'worker')
        workerSessions.push(String(message.params.sessionId))
      const call = message.id === undefined ? undefined : pending.get(message.id)
      if (!call)
        return
      pending.delete(message.id!)
      if (message.error)
        call.reject(new Error(`${call.method}: ${message.error.message}`))
      else call.resolve(message.result ?? {})
    })
    const call = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, any>> => new Promise((resolve, reject) => {
      const id = nextId++
      pending.set(id, { method, resolve, reject })
      socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }))
    })
    // Attaching to the page's existing Workers (flat sessions on this one connection).
    await call('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true })
    await sleep(300)
    const heapOf = async (sessionId?: string): Promise<number> => {
      await call('HeapProfiler.collectGarbage', {}, sessionId)
      await call('HeapProfiler.collectGarbage', {}, sessionId)
      return Number((await call('Runtime.getHeapUsage', {}, sessionId)).usedSize)
    }
    const pageBytes = await heapOf()
    let workerBytes = 0
    for (const sessionId of workerSessions) workerBytes += await heapOf(sessionId)
    return { pageBytes, workerBytes, workers: workerSessions.length }
  }
  finally {
    socket.close()
  }
}

/**
 * Like ./shared.ts `runPageUnattached`, and once `report` has resolved with `ok`, `heapBytes` added to it
 * (the JS heap of the page and its Workers after full collections, read over DevTools; `heapWorkerBytes`
 * the Workers' part; `heapError` when it could not be read).
 */
export function runPageUnattachedThenHeap(url: string, report: Promise<Report>, timeoutMs: number): Promise<Report> {
  // Chromium picks the port and writes it to <profile>/DevToolsActivePort; nothing connects while the page measures.
  return runPageUnattached(url, report, timeoutMs, {
    flags: ['--remote-debugging-port=0'],
    afterReport: async (result, profile) => {
      try {
        const heap = await pageHeapOverDevTools(profile)
        return { ...result, heapBytes: heap.pageBytes + heap.workerBytes, heapWorkerBytes: heap.workerBytes, heapWorkers: heap.workers }
      }
      catch (error) {
        return { ...result, heapBytes: Number.NaN, heapError: error instanceof Error ? error.message : String(error) }
      }
    },
  })
}
