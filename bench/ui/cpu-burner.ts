/**
 * Part 5 of `npm run bench` (bench/ui/server-view.ts), the busy-machine run (issue 20 item 6): one CPU
 * burner, a busy loop in a child process, running while the inspector's server view takes a churn, so the
 * page is measured on a machine where something else wants a core. Bounded twice: `stop()` ends it, and it
 * ends itself after `maxSeconds` (a bench that died does not leave it spinning). The loop yields every
 * 100 ms so that SIGTERM and the end of stdin are handled; what it reports at exit is its own CPU time.
 */
import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import process from 'node:process'

/** The child's program: busy for 100 ms slices until told to stop, the deadline or the parent's exit. */
const BURNER_SOURCE = `
const end = Date.now() + Number(process.argv[1]) * 1000
const started = Date.now()
const cpu0 = process.cpuUsage()
const finish = () => {
  const cpu = process.cpuUsage(cpu0)
  process.stdout.write(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, wallMs: Date.now() - started }) + '\\n', () => process.exit(0))
}
process.on('SIGTERM', finish)
process.stdin.on('end', finish)
process.stdin.resume()
process.stdout.write('BURNING\\n')
const slice = () => {
  const until = Math.min(end, Date.now() + 100)
  while (Date.now() < until) {}
  if (Date.now() >= end) finish()
  else setImmediate(slice)
}
slice()
`

export interface CpuBurner {
  /** Ends the burner; resolves with the CPU time it used and how long it ran. */
  stop: () => Promise<{ cpuMs: number, wallMs: number }>
}

/** Resolves once the child is spinning (its start-up is not part of the busy window). */
export async function startCpuBurner(maxSeconds: number): Promise<CpuBurner> {
  const child: ChildProcess = spawn(process.execPath, ['-e', BURNER_SOURCE, String(maxSeconds)], { stdio: ['pipe', 'pipe', 'inherit'] })
  let out = ''
  let onData: (() => void) | undefined
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (text: string) => {
    out += text
    onData?.()
  })
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  const stop = async (): Promise<{ cpuMs: number, wallMs: number }> => {
    if (child.exitCode === null && child.signalCode === null) {
      const hard = setTimeout(() => child.kill('SIGKILL'), 3000)
      child.kill('SIGTERM')
      await exited
      clearTimeout(hard)
    }
    try {
      return JSON.parse(out.trim().split('\n').pop() ?? '') as { cpuMs: number, wallMs: number }
    }
    catch {
      return { cpuMs: Number.NaN, wallMs: Number.NaN }
    }
  }
  const started = await Promise.race([
    new Promise<boolean>((resolve) => {
      onData = () => out.includes('BURNING') && resolve(true)
    }),
    exited.then(() => false),
    new Promise<boolean>(resolve => setTimeout(resolve, 10_000, false)),
  ])
  onData = undefined
  if (!started) {
    await stop()
    throw new Error('the CPU burner did not start within 10 s')
  }
  return { stop }
}
