/**
 * What the browser parts of `npm run bench` (bench/ui.ts: parts 2-5, one file each in this folder) share:
 * Chromium started with NO automation attached (a DevTools connection halves a page's intake) and stopped
 * with its whole process group, Playwright for the one part that measures a time, the bench HTTP server
 * the pages report to (and that serves the counting page and the big capture), and the table formatting.
 * Every process started here is stopped in a `finally`.
 */
import type { ChildProcess } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import type { BenchSection } from '../run'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { median } from '../ingest'

export type { BenchSection }

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** Flags of every bench Chromium (bench/ui/page-heap.ts adds a DevTools port to them). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-precise-memory-info',
  // `gc()` in the page: heap figures after a full collection, not whatever garbage happens to be around.
  '--js-flags=--expose-gc',
  '--window-size=1280,800',
]

export type Log = (line: string) => void
/** What a page POSTs: its own measurements, `ok: false` with an `error` when it could not measure. */
export type Report = Record<string, any>

export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')
export const ms = (n: number): string => `${Math.round(n)} ms`
export const ms1 = (n: number): string => `${n.toFixed(1)} ms`
export const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`
export const mb = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MB`
export const sleep = (t: number): Promise<void> => new Promise(resolve => setTimeout(resolve, t))

/** `met`, or `MISSED by <how much>` (`gap` is the formatted shortfall). */
export function verdict(ok: boolean, gap: string): string {
  return ok ? 'met' : `MISSED by ${gap}`
}

export function worst(reports: Report[], key: string): number {
  return Math.max(0, ...reports.map(r => Number(r[key] ?? 0)))
}
export function mid(reports: Report[], key: string): number {
  return median(reports.map(r => Number(r[key] ?? 0)))
}

/** The section of a part that threw: the message instead of a table (the other parts still run). */
export function failed(title: string, error: unknown): BenchSection {
  const message = error instanceof Error ? error.message : String(error)
  return { title, markdown: `Not measured: ${message}`, notes: ['This part failed; see the message above (the other parts ran).'] }
}

// ---------------------------------------------------------------------------------------------------
// Bench HTTP server: the counting page, the big capture, and the reports pages POST.

export interface BenchHttp {
  url: string
  /** A fresh report address and the promise of what gets POSTed there. */
  expectReport: () => { url: string, report: Promise<Report> }
  /** An address whose GET answers only once `release()` is called (the page waits on it for a cue). */
  hold: () => { url: string, release: () => void }
  capture: string
  close: () => Promise<void>
}

/**
 * The counting page's script: bench/ui/counting-page.ts with socket.io-client from node_modules (the build the
 * inspector bundles) and the measurement helpers it shares with the inspector's probe, bundled and minified by
 * Vite into one classic script (as the inspector's own build is minified), in memory, once per bench server.
 */
async function bundleCountingPage(): Promise<string> {
  const { build } = await import('vite')
  const result = await build({
    configFile: false,
    root: ROOT,
    publicDir: false,
    logLevel: 'warn',
    build: {
      write: false,
      target: 'es2022',
      lib: { entry: join(ROOT, 'bench', 'ui', 'counting-page.ts'), formats: ['iife'], name: 'benchCountingPage', fileName: () => 'counting.js' },
    },
  })
  for (const output of Array.isArray(result) ? result : [result]) {
    if (!('output' in output))
      continue
    const chunk = output.output.find(item => item.type === 'chunk')
    if (chunk && chunk.type === 'chunk')
      return chunk.code
  }
  throw new Error('bundling bench/ui/counting-page.ts produced no script')
}

export async function startBenchHttp(capture: string): Promise<BenchHttp> {
  const countingJs = await bundleCountingPage()
  const waiting = new Map<string, (report: Report) => void>()
  const holds = new Map<string, { released: boolean, answer: Array<() => void> }>()
  const server = http.createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*')
    const path = (req.url ?? '/').split('?')[0]
    if (req.method === 'GET' && path.startsWith('/hold/')) {
      const hold = holds.get(path.slice('/hold/'.length))
      const answer = (): void => {
        res.writeHead(204).end()
      }
      if (!hold || hold.released)
        answer()
      else
        hold.answer.push(answer)
      return
    }
    if (req.method === 'POST' && path.startsWith('/report/')) {
      let body = ''
      req.setEncoding('utf8')
      req.on('data', (chunk: string) => {
        body += chunk
      })
      req.on('end', () => {
        res.writeHead(204).end()
        const resolve = waiting.get(path.slice('/report/'.length))
        if (!resolve)
          return
        try {
          resolve(JSON.parse(body) as Report)
        }
        catch {
          resolve({ ok: false, error: `unreadable report: ${body.slice(0, 200)}` })
        }
      })
      return
    }
    if (req.method === 'GET' && path === '/counting.html') {
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' })
      res.end(`<!doctype html><html><head><meta charset="utf-8"><title>counting</title></head><body>socket.io-client, counting only
<script src="/counting.js"></script></body></html>`)
      return
    }
    if (req.method === 'GET' && path === '/counting.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' })
      res.end(countingJs)
      return
    }
    if (req.method === 'GET' && path === '/capture.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      res.end(capture)
      return
    }
    res.writeHead(404).end()
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    capture: `${url}/capture.json`,
    expectReport: () => {
      const key = randomBytes(8).toString('hex')
      const report = new Promise<Report>(resolve => waiting.set(key, resolve))
      return { url: `${url}/report/${key}`, report }
    },
    hold: () => {
      const key = randomBytes(8).toString('hex')
      const hold = { released: false, answer: [] as Array<() => void> }
      holds.set(key, hold)
      return {
        url: `${url}/hold/${key}`,
        release: () => {
          hold.released = true
          for (const answer of hold.answer.splice(0)) answer()
        },
      }
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

// ---------------------------------------------------------------------------------------------------
// Chromium with no automation: spawned here, pointed at a URL, killed when the page has reported.

/** Stop a Chromium spawned detached (its own process group: browser, zygote, renderers). */
export function stopProcessGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
      return resolve()
    const pid = child.pid
    const hard = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL')
      }
      catch {}
    }, 3000)
    child.once('exit', () => {
      clearTimeout(hard)
      // The group may still hold helpers (renderer, zygote) for a moment.
      try {
        process.kill(-pid, 'SIGKILL')
      }
      catch {}
      resolve()
    })
    try {
      process.kill(-pid, 'SIGTERM')
    }
    catch {
      clearTimeout(hard)
      resolve()
    }
  })
}

/** What a caller of `runPageUnattached` may add: flags, and work on the browser once the page has reported `ok`. */
export interface UnattachedOptions {
  flags?: readonly string[]
  /** Runs before the browser is stopped (its profile folder still there), with the page's `ok` report. */
  afterReport?: (report: Report, profile: string) => Promise<Report>
}

export async function runPageUnattached(url: string, report: Promise<Report>, timeoutMs: number, options: UnattachedOptions = {}): Promise<Report> {
  const profile = mkdtempSync(join(tmpdir(), 'sio-bench-chromium-'))
  // Its own process group (detached), so the browser and its helpers stop together.
  const child = spawn(CHROMIUM, [...CHROMIUM_FLAGS, ...(options.flags ?? []), `--user-data-dir=${profile}`, url], { detached: true, stdio: 'ignore' })
  let timer: NodeJS.Timeout | undefined
  try {
    const exited = new Promise<Report>((resolve) => {
      child.once('exit', code => resolve({ ok: false, error: `Chromium exited (${code}) before the page reported` }))
      child.once('error', error => resolve({ ok: false, error: `Chromium did not start: ${error.message}` }))
    })
    const timeout = new Promise<Report>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, error: `no report within ${timeoutMs / 1000} s` }), timeoutMs)
    })
    const result = await Promise.race([report, exited, timeout])
    return result.ok && options.afterReport ? await options.afterReport(result, profile) : result
  }
  finally {
    clearTimeout(timer)
    await stopProcessGroup(child)
    rmSync(profile, { recursive: true, force: true, maxRetries: 3 })
  }
}

/**
 * Evaluate `predicate` (an expression, as a string) every animation frame until it is truthy; resolves
 * with its value. Strings go through DevTools' evaluate, which the page's CSP (no eval) does not block,
 * unlike Playwright's `waitForFunction`.
 */
export async function waitInPage(page: Page, predicate: string, timeoutMs: number): Promise<unknown> {
  return page.evaluate(`new Promise((resolve, reject) => {
    const end = performance.now() + ${timeoutMs}
    const check = () => {
      const value = ${predicate}
      if (value) resolve(value)
      else if (performance.now() > end) reject(new Error('timed out after ${timeoutMs} ms waiting for: ' + ${JSON.stringify(predicate.replace(/\s+/g, ' ').slice(0, 120))}))
      else requestAnimationFrame(check)
    }
    check()
  })`)
}

export async function launchPlaywright(): Promise<Browser> {
  const { chromium } = await import('playwright-core')
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS.filter(f => f !== '--headless'), headless: true })
}
