/**
 * Benchmark probe for the server view (issue 6 part 5, driven by bench/ui.ts with no automation
 * attached: a DevTools connection reports every WebSocket frame, and the admin stream is thousands of
 * them). Bench build only (bench/build-ui.ts), loaded with `?bench={"mode":"serverview",…}` (./start.ts).
 *
 * 1. Open the Server tab, fill the form through its inputs, press Connect; time until the summary shows
 *    `sockets` (plus the view's own admin socket) and one frame has painted: the first full tree.
 *    POST that to `firstReport`.
 *    "In the model" is when the admin host's model held the `all_sockets` snapshot (the store's
 *    `snapshotAt`, reported by the host, in this page's clock).
 * 2. Wait for `churnStarted` to answer (the bench holds it until it starts the churn), then sample frames
 *    and long tasks until the summary shows `finalSockets`; POST to `report`, with the heap after the
 *    churn: the page's plus the admin Worker's own (a Worker has its own isolate).
 */
import { useServerStore } from '../stores/server'
import { eachFrameUntil, frameStats, heapNow, nextFrame, post, round1, sampleFrames, tasksBetween } from './measure'

export interface ServerViewConfig {
  mode: 'serverview'
  firstReport: string
  churnStarted: string
  report: string
  admin: { url: string, username: string, password: string }
  sockets: number
  finalSockets: number
}

function el<T extends HTMLElement>(testId: string): T | null {
  return document.querySelector<T>(`[data-testid="${testId}"]`)
}

function fill(testId: string, value: string): void {
  const input = el<HTMLInputElement>(testId)
  if (!input)
    throw new Error(`no [data-testid=${testId}]`)
  input.value = value
  input.dispatchEvent(new Event('input', { bubbles: true }))
}

/** The socket count the summary shows, or -1. */
function summarySockets(): number {
  const match = /([\d,]+) socket\(s\)/.exec(el('server-summary')?.textContent ?? '')
  return match ? Number(match[1].replace(/,/g, '')) : -1
}

export async function runServerView(config: ServerViewConfig): Promise<Record<string, unknown>> {
  const server = useServerStore()
  el<HTMLButtonElement>('server-tab')?.click()
  const connect = await eachFrameUntil('the server form', () => el<HTMLButtonElement>('server-connect') ?? false, 10_000)
  fill('server-url', config.admin.url)
  fill('server-user', config.admin.username)
  fill('server-password', config.admin.password)
  await nextFrame()

  // Phase 1: connect → first full tree.
  const frames1 = sampleFrames()
  const t0 = performance.now()
  connect.click()
  const shown = await eachFrameUntil(`${config.sockets} sockets in the summary`, () => {
    const n = summarySockets()
    return n >= config.sockets ? n : false
  }, 60_000)
  await nextFrame()
  const firstTreeMs = performance.now() - t0
  // When the host's model held the `all_sockets` snapshot: splits the server and the wire from the
  // flatten, the post to the page and the render.
  const snapshotAt = server.snapshotAt
  const loading = { ...frameStats(frames1.stop()), ...tasksBetween(t0, performance.now()) }
  const own = shown - config.sockets
  await post(config.firstReport, {
    ok: true,
    firstTreeMs: round1(firstTreeMs),
    snapshotInModelMs: snapshotAt !== undefined ? round1(snapshotAt - t0) : null,
    own,
    transport: server.transport ?? null,
    loading,
  })

  // Phase 2: the churn, from when the bench starts it until the final count shows.
  await fetch(config.churnStarted, { mode: 'no-cors' })
  const frames2 = sampleFrames()
  const t1 = performance.now()
  await eachFrameUntil(`${config.finalSockets} sockets in the summary`, () => summarySockets() === config.finalSockets + own, 120_000)
  await nextFrame()
  const settledMs = performance.now() - t1
  const updating = { ...frameStats(frames2.stop()), ...tasksBetween(t1, performance.now()) }
  const heapWorker = await server.hostHeap()
  const heapPage = await heapNow()
  return {
    settledMs: round1(settledMs),
    updating,
    transport: server.transport ?? null,
    heapAfterChurn: heapPage ? heapPage + (heapWorker ?? 0) : null,
    heapPage: heapPage || null,
    heapWorker,
    footer: document.querySelector('.foot')?.textContent?.trim() ?? '',
  }
}

/** Entry point (main.ts). */
export async function startServerProbe(config: ServerViewConfig): Promise<void> {
  try {
    await post(config.report, { ok: true, ...await runServerView(config) })
  }
  catch (error) {
    const report = { ok: false, error: error instanceof Error ? error.message : String(error) }
    await post(config.firstReport, report)
    await post(config.report, report)
  }
}
