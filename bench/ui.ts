/**
 * Parts 2-5 of `npm run bench` (issue 6), imported by bench/run.ts; one file per part in bench/ui/:
 *   2. UI ingest (ui/ingest.ts): the inspector's bench build (the app plus its probe, bench/build-ui.ts),
 *      direct and through the relay, against a page that only counts what socket.io-client delivers
 *      (ui/counting-page.ts), on the demo server's `stream:start` firehose, in Chromium started with NO
 *      automation attached (a DevTools connection halves a page's intake). Pages report over HTTP to the
 *      bench server (ui/shared.ts).
 *   3. Big log (ui/big-log.ts): a million imported entries: first screen, filters, scrolling, heap per entry.
 *   4. Page load (ui/page-load.ts): initial JS + CSS gzipped, time to a usable connect button (Playwright),
 *      on the shipped build (inspector-ui/dist, no probe).
 *   5. Server view (ui/server-view.ts): the inspector against @socket.io/admin-ui's own UI, 1,000 and 5,000
 *      sockets (clients in a child process), and the inspector churning beside a CPU burner.
 * This file builds what the parts need, starts the servers they share and stops them in a `finally`.
 */
import type { BenchHttp, BenchSection, Log } from './ui/shared'
import { existsSync } from 'node:fs'
import os from 'node:os'
import { BIG_LOG_ENTRIES, bigLog, makeCapture } from './ui/big-log'
import { uiIngest } from './ui/ingest'
import { pageLoad } from './ui/page-load'
import { serverView } from './ui/server-view'
import { CHROMIUM, failed, startBenchHttp } from './ui/shared'

export const UI_PARTS = ['ui-ingest', 'big-log', 'page-load', 'server-view'] as const
type UiPart = typeof UI_PARTS[number]

export async function runUiBench(options: { runs: number, only?: string[], log: Log }): Promise<BenchSection[]> {
  const { log, only } = options
  const wanted = (part: UiPart): boolean => !only || only.includes('ui') || only.includes(part)
  const parts = UI_PARTS.filter(wanted)
  if (parts.length === 0)
    return []
  if (!existsSync(CHROMIUM))
    return [failed('2–5. UI in Chromium', new Error(`no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`))]
  // Browser parts repeat less than the Node part: each run is a fresh browser (and a server view run with
  // admin-ui's page takes a minute).
  const browserRuns = Math.max(1, Math.min(options.runs, 3))

  // The probe parts run on the bench build (the app plus the probe, inspector-ui/dist-bench, built here
  // every run); page load measures the shipped build (inspector-ui/dist), which has no probe.
  const { buildIfStale } = await import('../scripts/build-if-stale')
  if (parts.includes('page-load'))
    await buildIfStale(log)
  const { buildBenchUi } = await import('./build-ui')
  const benchDist = parts.some(part => part !== 'page-load') ? await buildBenchUi({ log }) : undefined
  const { startDemoServer } = await import('../demo-server/src/start')
  const { startInspectorServer } = await import('../inspector-ui/server/index')

  const sections: BenchSection[] = []
  const demo = await startDemoServer({ port: 0, host: '127.0.0.1', log: () => {} })
  const demoUrl = `http://127.0.0.1:${demo.port}`
  let inspector: Awaited<ReturnType<typeof startInspectorServer>> | undefined
  let bench: BenchHttp | undefined
  try {
    inspector = await startInspectorServer({ port: 0, config: { demoUrl }, ...(benchDist ? { distDir: benchDist } : {}) })
    const inspectorUrl = `http://127.0.0.1:${inspector.port}`
    const capture = parts.includes('big-log') ? await makeCapture(BIG_LOG_ENTRIES) : undefined
    bench = await startBenchHttp(capture?.text ?? '')

    const timed = async (title: string, run: () => Promise<BenchSection>): Promise<void> => {
      log(`\n== ${title}`)
      const started = Date.now()
      const load = os.loadavg()[0]
      const section = await run().catch(error => failed(title, error))
      const seconds = (Date.now() - started) / 1000
      section.notes = [...section.notes ?? [], `Took ${seconds.toFixed(0)} s; load average ${load.toFixed(1)} → ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores (other work on the machine competes with the browser).`]
      sections.push(section)
    }
    if (parts.includes('ui-ingest'))
      await timed(`2. UI ingest, real Chromium (${browserRuns} run(s))`, () => uiIngest(browserRuns, demoUrl, benchDist!, bench!, log))
    if (capture)
      await timed(`3. Big log (${Math.min(browserRuns, 2)} run(s))`, () => bigLog(Math.min(browserRuns, 2), inspectorUrl, bench!, capture, log))
    if (parts.includes('page-load'))
      await timed('4. Page load', () => pageLoad(browserRuns, demoUrl, log))
    if (parts.includes('server-view'))
      await timed(`5. Server view (${browserRuns} run(s))`, () => serverView(browserRuns, inspectorUrl, bench!, log))
  }
  finally {
    await bench?.close()
    await inspector?.close()
    await demo.close()
  }
  return sections
}
