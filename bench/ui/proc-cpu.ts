/**
 * CPU time of the processes part 2 (bench/ui/ingest.ts) measures, read from /proc (Linux): a process's user +
 * system time, all its threads (`/proc/<pid>/stat` of the thread group counts them all: the relay's session
 * workers, a renderer's compositor and web workers), and the renderers of one Chromium started by
 * `runPageUnattached` (bench/ui/shared.ts), found without a handle on it: the browser is the process whose
 * command line holds a marker from its URL (the page's report key, unique per run), and its renderers are the
 * `--type=renderer` processes in its process group (it is spawned detached: its own group, which the zygote
 * and the renderers inherit); the whole group too (browser, network service, GPU: WebSocket frames pass through
 * the network service before they reach the renderer).
 *
 * Resolution: the kernel's clock tick (`getconf CLK_TCK`, 10 ms here), against windows of a second or more.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

let tickSeconds: number | undefined
function clockTick(): number {
  if (tickSeconds === undefined) {
    const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
    tickSeconds = 1 / (Number.isFinite(hz) && hz > 0 ? hz : 100)
  }
  return tickSeconds
}

interface ProcStat { pgrp: number, cpuSeconds: number }

function readStat(pid: number): ProcStat | undefined {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  }
  catch {
    return undefined
  }
  // `pid (comm) state ppid pgrp ...`: comm may hold spaces and parentheses, so fields count from the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  // After the ')': [0] state (field 3), [2] pgrp (5), [11] utime (14), [12] stime (15).
  return { pgrp: Number(fields[2]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) * clockTick() }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')
  }
  catch {
    return ''
  }
}

/** Voluntary context switches of every thread of `pid` so far (a thread sleeping to wait for work, then woken). */
function wakeups(pid: number): number {
  let total = 0
  let tasks: string[]
  try {
    tasks = readdirSync(`/proc/${pid}/task`)
  }
  catch {
    return 0
  }
  for (const tid of tasks) {
    try {
      const match = /voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'))
      total += match ? Number(match[1]) : 0
    }
    catch {}
  }
  return total
}

function pids(): number[] {
  return readdirSync('/proc').filter(name => /^\d+$/.test(name)).map(Number)
}

/** User + system CPU seconds of `pid` so far (every thread), or NaN when it is gone. */
export function processCpuSeconds(pid: number): number {
  return readStat(pid)?.cpuSeconds ?? Number.NaN
}

export interface ChromiumSample {
  /** CPU seconds so far of each renderer. */
  renderers: Map<number, number>
  /** CPU seconds so far of each process of the browser (renderers included). */
  all: Map<number, number>
  /** Voluntary context switches so far of each process of the browser, all threads (how often they slept and were woken). */
  wakeups: Map<number, number>
}

/** The processes of the Chromium whose command line contains `marker`: their CPU time, renderers apart, and wake-ups. */
export function chromiumCpu(marker: string): ChromiumSample {
  const pidsNow = pids()
  const browser = pidsNow.find((pid) => {
    const cmd = commandLine(pid)
    return cmd.includes(marker) && !cmd.includes('--type=')
  })
  const renderers = new Map<number, number>()
  const all = new Map<number, number>()
  const switches = new Map<number, number>()
  const group = browser === undefined ? undefined : readStat(browser)?.pgrp
  if (group === undefined)
    return { renderers, all, wakeups: switches }
  for (const pid of pidsNow) {
    const stat = readStat(pid)
    if (stat?.pgrp !== group)
      continue
    all.set(pid, stat.cpuSeconds)
    switches.set(pid, wakeups(pid))
    if (commandLine(pid).includes('--type=renderer'))
      renderers.set(pid, stat.cpuSeconds)
  }
  return { renderers, all, wakeups: switches }
}

/**
 * CPU seconds (or wake-ups) the processes spent between two samples (`chromiumCpu`): a process started in between counts
 * from zero, one gone by the end is not counted (neither happens to a page that stays open).
 */
export function cpuBetween(start: Map<number, number>, end: Map<number, number>): number {
  let seconds = 0
  for (const [pid, cpu] of end) seconds += cpu - (start.get(pid) ?? 0)
  return seconds
}
