/**
 * `npm run bench -- --only=cli-start`: how long the packaged command (`node dist/cli.js`, the package's bin)
 * takes from spawn to its printed URL, and to the first page it serves, with a bare `node -e 0` start in the
 * same run for scale (issue 14: "start-up to the printed URL well under a second"). The command is built
 * first when dist/ is missing or older than its sources (`npm run build:node`), and the page when stale.
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { buildIfStale, newestMtime } from '../scripts/build-if-stale'
import { median } from './ingest'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const CLI = join(ROOT, 'dist', 'cli.js')
/** What dist/ is built from (tsdown.config.ts and what its entries import). */
const SOURCES = ['src', 'inspector-ui/server', 'demo-server/src', 'package.json', 'tsdown.config.ts']
/** The goal the issue sets, in ms. */
export const CLI_START_TARGET_MS = 1000

export interface CliStartRow {
  label: string
  /** Median and worst ms from spawn to the printed URL (or, for the baselines, to exit). */
  medianMs: number
  maxMs: number
  /** Median ms from spawn to the first 200 of the served page (serve variants only). */
  pageMs?: number
}

/** Builds dist/ (tsdown) when it is missing or older than a source, so the bench measures today's code. */
export function ensureBuiltCli(log: (line: string) => void): void {
  const built = existsSync(CLI) ? statSync(CLI).mtimeMs : 0
  if (built > 0 && SOURCES.every(source => newestMtime(join(ROOT, source)) <= built))
    return
  log('  building the package\'s Node side (npm run build:node)...')
  execFileSync('npm', ['run', 'build:node'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
}

/** ms from spawn to exit. */
function timeToExit(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' })
    child.once('error', reject)
    child.once('exit', code => code === 0 ? resolve(performance.now() - started) : reject(new Error(`${args.join(' ')} exited with ${code}`)))
  })
}

/** ms from spawn to the printed inspector URL and to its first served page; then the command is stopped. */
function timeServe(extra: string[]): Promise<{ urlMs: number, pageMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [CLI, '--port', '0', ...extra], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    let urlMs: number | undefined
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.stderr.setEncoding('utf8').on('data', (text: string) => err += text)
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text
      const match = /Socket\.IO Inspector\s+(http:\/\/\S+?)\/\s/.exec(out)
      if (!match || urlMs !== undefined)
        return
      urlMs = performance.now() - started
      fetch(`${match[1]}/`)
        .then(async (res) => {
          await res.text()
          if (res.status !== 200)
            throw new Error(`the page answered ${res.status}`)
          const pageMs = performance.now() - started
          child.once('exit', () => resolve({ urlMs: urlMs!, pageMs }))
          child.kill('SIGTERM')
        })
        .catch((error: unknown) => {
          child.kill('SIGKILL')
          reject(error)
        })
    })
    child.once('exit', (code) => {
      clearTimeout(killer)
      if (urlMs === undefined)
        reject(new Error(`the command exited (${code}) before printing its URL: ${err.slice(0, 500)}`))
    })
  })
}

export async function runCliStart(runs: number, log: (line: string) => void): Promise<CliStartRow[]> {
  ensureBuiltCli(log)
  await buildIfStale(line => log(`  ${line}`))
  const samples = {
    node: [] as number[],
    version: [] as number[],
    serve: [] as { urlMs: number, pageMs: number }[],
    demo: [] as { urlMs: number, pageMs: number }[],
  }
  // One warm-up of each (the first start reads every file from disk), then the measured runs, interleaved.
  await timeServe([])
  for (let run = 0; run < runs; run++) {
    samples.node.push(await timeToExit(['-e', '0']))
    samples.version.push(await timeToExit([CLI, '--version']))
    samples.serve.push(await timeServe([]))
    samples.demo.push(await timeServe(['--demo', '--demo-port', '0']))
    log(`  run ${run + 1}: node ${samples.node.at(-1)!.toFixed(0)} ms, --version ${samples.version.at(-1)!.toFixed(0)} ms, serve ${samples.serve.at(-1)!.urlMs.toFixed(0)} ms, serve --demo ${samples.demo.at(-1)!.urlMs.toFixed(0)} ms`)
  }
  const row = (label: string, values: number[], pages?: number[]): CliStartRow => ({
    label,
    medianMs: median(values),
    maxMs: Math.max(...values),
    ...(pages ? { pageMs: median(pages) } : {}),
  })
  return [
    row('`node -e 0` (bare Node start, for scale)', samples.node),
    row('`socketio-inspector --version`', samples.version),
    row('`socketio-inspector --port 0` → URL printed', samples.serve.map(s => s.urlMs), samples.serve.map(s => s.pageMs)),
    row('`socketio-inspector --demo --port 0 --demo-port 0` → URLs printed', samples.demo.map(s => s.urlMs), samples.demo.map(s => s.pageMs)),
  ]
}

export function cliStartMarkdown(rows: CliStartRow[]): string {
  const lines = [
    `| command | median ms | worst ms | first page served (median ms) | target (URL < ${CLI_START_TARGET_MS} ms) |`,
    '|---|---|---|---|---|',
  ]
  for (const r of rows) {
    const serves = r.pageMs !== undefined
    lines.push(`| ${r.label} | ${r.medianMs.toFixed(0)} | ${r.maxMs.toFixed(0)} | ${serves ? r.pageMs!.toFixed(0) : '-'} | ${serves ? (r.maxMs < CLI_START_TARGET_MS ? 'met' : 'MISSED') : '-'} |`)
  }
  return lines.join('\n')
}
