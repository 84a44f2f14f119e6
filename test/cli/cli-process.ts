/**
 * Run the `socketio-inspector` command as a child process, the way users run it: from the sources
 * (`node --import tsx src/cli/main.ts`, as in a clone) and from the build (`node dist/cli.js`, the package's
 * bin after `npm run build`). The build is used only when it is newer than every source it is built from:
 * a stale one would test yesterday's code (its tests are skipped with the reason; `npm run ci` builds first).
 *
 * @example
 * const run = await runCli('tsx', ['emit', url, 'echo', '[1]', '--ack'])
 * run.code // 0
 * run.stdout // '[1]\n'
 */
import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { newestMtime } from '../../scripts/build-if-stale'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const DIST_CLI = join(ROOT, 'dist', 'cli.js')

export type CliMode = 'tsx' | 'dist'

/** What the build is made from (tsdown.config.ts entries and what they import). */
const BUILD_SOURCES = ['src/cli', 'src/core', 'src/shared', 'inspector-ui/server', 'demo-server/src', 'package.json', 'tsdown.config.ts']

/** Why the built command cannot be tested now, or undefined when it can. */
export function distProblem(): string | undefined {
  if (!existsSync(DIST_CLI))
    return 'dist/cli.js is missing (run `npm run build`)'
  const built = statSync(DIST_CLI).mtimeMs
  const stale = BUILD_SOURCES.find(source => newestMtime(join(ROOT, source)) > built)
  return stale ? `dist/cli.js is older than ${stale} (run \`npm run build\`)` : undefined
}

/** The modes to test: the sources always, the build when it is fresh. */
export function cliModes(): CliMode[] {
  const problem = distProblem()
  if (problem)
    console.warn(`  ⚠ the built command is not tested: ${problem}`)
  return problem ? ['tsx'] : ['tsx', 'dist']
}

export function cliCommand(mode: CliMode): string[] {
  return mode === 'dist' ? [DIST_CLI] : ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts')]
}

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface RunningCli {
  child: ChildProcess
  /** Everything printed so far. */
  readonly stdout: string
  readonly stderr: string
  /** Resolves once the process has exited. */
  done: Promise<CliResult>
  /** Resolves when `test(stdout)` holds (checked on every chunk); rejects after `timeoutMs` or at exit. */
  waitForStdout: (test: (stdout: string) => boolean, timeoutMs?: number) => Promise<string>
}

const running = new Set<ChildProcess>()

/** Start the command; it is killed (SIGKILL) if it runs longer than `timeoutMs`. */
export function startCli(mode: CliMode, args: string[], options: { timeoutMs?: number, cwd?: string, env?: NodeJS.ProcessEnv } = {}): RunningCli {
  const child = spawn(process.execPath, [...cliCommand(mode), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  let stdout = ''
  let stderr = ''
  const listeners = new Set<() => void>()
  child.stdout!.setEncoding('utf8')
  child.stderr!.setEncoding('utf8')
  child.stdout!.on('data', (text: string) => {
    stdout += text
    for (const l of [...listeners]) l()
  })
  child.stderr!.on('data', (text: string) => {
    stderr += text
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
  const done = new Promise<CliResult>((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(killer)
      running.delete(child)
      for (const l of [...listeners]) l()
      resolve({ code, signal, stdout, stderr })
    })
  })
  return {
    child,
    get stdout() { return stdout },
    get stderr() { return stderr },
    done,
    waitForStdout: (test, timeoutMs = 15_000) => new Promise((resolve, reject) => {
      let exited = false
      let timer: ReturnType<typeof setTimeout> | undefined
      const cleanup = (): void => {
        clearTimeout(timer)
        listeners.delete(check)
      }
      function check(): void {
        if (test(stdout)) {
          cleanup()
          resolve(stdout)
        }
        else if (exited || child.exitCode !== null) {
          cleanup()
          reject(new Error(`the command exited (${child.exitCode}) before its output was there; stderr: ${stderr.slice(0, 2000)}`))
        }
      }
      void done.then(() => {
        exited = true
      })
      timer = setTimeout(() => {
        cleanup()
        reject(new Error(`no such output within ${timeoutMs} ms; stdout: ${stdout.slice(-500)} stderr: ${stderr.slice(0, 2000)}`))
      }, timeoutMs)
      listeners.add(check)
      check()
    }),
  }
}

/** Run the command to its end. */
export function runCli(mode: CliMode, args: string[], options: { timeoutMs?: number, cwd?: string, env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return startCli(mode, args, options).done
}

/** Kill every command still running (afterAll / afterEach). */
export function killAllCli(): void {
  for (const child of running) child.kill('SIGKILL')
  running.clear()
}
