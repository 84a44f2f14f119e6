/**
 * Issue 20, the peer in the server-view bench: the driver injected into @socket.io/admin-ui's own UI
 * (bench/ui/admin-ui-page.ts, served by bench/ui/admin-ui-server.ts) must log in, pick `/namespace1`, see
 * the full count and the count after a churn, with no automation attached, and the bench must read the
 * page's heap afterwards (bench/ui/page-heap.ts). A small crowd, so the check is cheap; the bench runs
 * the same code at 1,000 and 5,000 sockets.
 */
import type { Crowd } from '../../bench/ui/server-view'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { ADMIN_UI_DIST, rewriteAdminUiIndex, startAdminUiServer } from '../../bench/ui/admin-ui-server'
import { runPageUnattachedThenHeap } from '../../bench/ui/page-heap'
import { startAdminServer, startCrowd } from '../../bench/ui/server-view'
import { startBenchHttp } from '../../bench/ui/shared'
import { describeE2E } from './harness'

describeE2E('admin-ui as the server view\'s peer in the bench', () => {
  it('serves admin-ui\'s index without external links and with the driver before the app\'s scripts', () => {
    const html = rewriteAdminUiIndex(readFileSync(join(ADMIN_UI_DIST, 'index.html'), 'utf8'))
    expect(html).not.toMatch(/href="https?:/)
    expect(html.indexOf('bench-driver.js')).toBeGreaterThan(0)
    expect(html.indexOf('bench-driver.js')).toBeLessThan(html.indexOf('<script src="js/chunk-vendors'))
  })

  it('the driver logs in, picks /namespace1, reports the full count and the count after a churn, and the heap is read', async () => {
    const server = await startAdminServer()
    const ui = await startAdminUiServer()
    const bench = await startBenchHttp('')
    let crowd: Crowd | undefined
    try {
      crowd = await startCrowd(`${server.url}/namespace1`, 20, 2)
      const first = bench.expectReport()
      const last = bench.expectReport()
      const cue = bench.hold()
      const config = { firstReport: first.url, churnStarted: cue.url, report: last.url, admin: { url: server.url, username: 'admin', password: 'secret' }, namespace: '/namespace1', sockets: 20, finalSockets: 18 }
      const both = first.report.then(async (firstReport) => {
        crowd!.send('churn 2 4 2')
        cue.release()
        await crowd!.next('CHURNED', 20_000)
        return { ok: true, first: firstReport, last: await last.report }
      })
      const result = await runPageUnattachedThenHeap(`${ui.url}/?bench=${encodeURIComponent(JSON.stringify(config))}#/sockets/`, both, 50_000)
      expect(result.ok, String(result.error)).toBe(true)
      expect(result.first).toMatchObject({ ok: true, own: 0 })
      expect(result.first.firstTreeMs).toBeGreaterThan(0)
      expect(result.last).toMatchObject({ ok: true, footer: expect.stringMatching(/of 18$/) })
      // 20 sockets churn within a frame or two: the frame figures exist, their values say little here.
      expect(result.last.updating).toMatchObject({ p95FrameMs: expect.any(Number), longestTaskMs: expect.any(Number) })
      expect(result.heapBytes).toBeGreaterThan(1e6)
    }
    finally {
      await crowd?.stop()
      await bench.close()
      await ui.close()
      await server.close()
    }
  })
})
