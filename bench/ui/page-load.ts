/**
 * Part 4 of `npm run bench`: page load, on the shipped build (inspector-ui/dist, no probe): the initial JS
 * and CSS gzipped, and the time to a usable connect button (Playwright: it measures a time, not a rate).
 */
import type { BenchSection, Log } from './shared'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { median } from '../ingest'
import { kb, launchPlaywright, ms, ROOT, verdict, waitInPage } from './shared'

interface Asset { file: string, kind: string, bytes: number, gzip: number, excluded?: string }

function initialAssets(distDir: string): Asset[] {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8')
  const refs: Array<{ file: string, kind: string }> = []
  for (const tag of html.match(/<(?:script|link)\b[^>]*>/g) ?? []) {
    const src = /\b(?:src|href)="([^"]+)"/.exec(tag)?.[1]
    if (!src || /^(?:[a-z]+:)?\/\//i.test(src))
      continue
    const rel = /\brel="([^"]+)"/.exec(tag)?.[1]
    const kind = tag.startsWith('<script') ? 'script' : rel ?? 'link'
    if (kind === 'script' || kind === 'stylesheet' || kind === 'modulepreload')
      refs.push({ file: src.replace(/^\.?\//, ''), kind })
  }
  // Static imports of those modules load at once too (Vite lists them as modulepreload; double-check).
  const seen = new Set(refs.map(r => r.file))
  for (let i = 0; i < refs.length; i++) {
    if (!refs[i].file.endsWith('.js'))
      continue
    const code = readFileSync(join(distDir, refs[i].file), 'utf8')
    for (const match of code.matchAll(/\bfrom\s*["']\.\/([\w.-]+\.js)["']|\bimport\s*["']\.\/([\w.-]+\.js)["']/g)) {
      const file = `${dirname(refs[i].file)}/${match[1] ?? match[2]}`
      if (!seen.has(file)) {
        seen.add(file)
        refs.push({ file, kind: 'static import' })
      }
    }
  }
  return refs.map(({ file, kind }) => {
    const body = readFileSync(join(distDir, file))
    const monaco = /monaco|editor\.worker|codicon/i.test(file)
    return { file, kind, bytes: body.length, gzip: gzipSync(body).length, excluded: monaco ? 'Monaco (loads on first use)' : undefined }
  })
}

/** Part 4 measures the shipped build (inspector-ui/dist), served by its own inspector server. */
export async function pageLoad(runs: number, demoUrl: string, log: Log): Promise<BenchSection> {
  const distDir = join(ROOT, 'inspector-ui', 'dist')
  const assets = initialAssets(distDir)
  const counted = assets.filter(a => !a.excluded)
  const total = counted.reduce((s, a) => s + a.gzip, 0)
  const { startInspectorServer } = await import('../../inspector-ui/server/index')
  const shipped = await startInspectorServer({ port: 0, config: { demoUrl }, distDir })
  const inspectorUrl = `http://127.0.0.1:${shipped.port}`
  const browser = await launchPlaywright().catch(async (error: unknown) => {
    await shipped.close()
    throw error
  })
  const times: number[] = []
  const loads: number[] = []
  try {
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      try {
        const page = await context.newPage()
        await page.goto(`${inspectorUrl}/`, { waitUntil: 'commit' })
        // performance.now() counts from the navigation's start (timeOrigin).
        times.push(Number(await waitInPage(page, `(() => {
          const b = document.querySelector('[data-testid="connect-button"]')
          return b && !b.disabled && b.getClientRects().length > 0 && getComputedStyle(b).visibility !== 'hidden' ? performance.now() : false
        })()`, 20_000)))
        await page.waitForLoadState('load')
        loads.push(Number(await page.evaluate('performance.getEntriesByType("navigation")[0].loadEventEnd')))
      }
      finally {
        await context.close()
      }
    }
  }
  finally {
    await browser.close()
    await shipped.close()
  }
  const ready = median(times)
  log(`  page-load: initial JS + CSS ${kb(total)} gzipped (${counted.length} files); connect button usable after ${ms(ready)} (median of ${runs}: ${times.map(t => Math.round(t)).join(', ')} ms)`)
  const lines = [
    '| asset | loaded as | size | gzipped |',
    '|---|---|---|---|',
    ...assets.map(a => `| \`${a.file}\` | ${a.kind}${a.excluded ? ` — excluded: ${a.excluded}` : ''} | ${kb(a.bytes)} | ${kb(a.gzip)} |`),
    `| **initial JS + CSS** | | ${kb(counted.reduce((s, a) => s + a.bytes, 0))} | **${kb(total)}** (target ≤ 150 KB: ${verdict(total <= 150 * 1024, kb(total - 150 * 1024))}) |`,
    '',
    '| navigation → usable connect button (median) | runs | load event (median) |',
    '|---|---|---|',
    `| ${ms(ready)} | ${times.map(t => Math.round(t)).join(', ')} ms | ${ms(median(loads))} |`,
  ]
  return {
    title: '4. Page load',
    markdown: lines.join('\n'),
    notes: [
      'Initial assets: the `<script>`, `<link rel=stylesheet>` and `<link rel=modulepreload>` of inspector-ui/dist/index.html plus any static import among them, gzipped with zlib (level 6). Monaco, the server view and the tutorial are dynamic imports (loaded on first use) and not counted.',
      `Time to a usable connect button: Playwright (attached: it measures a time, not a rate), a fresh browser context per run, \`performance.now()\` when \`[data-testid=connect-button]\` is first visible and enabled (polled each animation frame), served by inspector-ui/server over loopback (no network latency, no cache).`,
    ],
  }
}
