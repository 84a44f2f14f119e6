/**
 * `startDemoCluster`: a running demo cluster for tests and the UI's e2e. Node's cluster module needs a primary
 * process of its own, so this forks `index.ts` (the `npm run demo:cluster` entry) under tsx, waits for its
 * ready message and returns the URLs; `close()` ends the primary and, through it, every node.
 */
import type { ChildProcess } from 'node:child_process'
import type { PrimaryMessage } from './config'
import { fork } from 'node:child_process'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

export interface DemoClusterOptions {
  /** Front door, default 3000; node i on port + i. */
  port?: number
  /** Default 3. */
  nodes?: number
  /** Default 'cluster'. */
  adapter?: 'cluster' | 'redis'
  redisUrl?: string
  /** Default 127.0.0.1. */
  host?: string
  adminPassword?: string
  adminToken?: string
  /** Every line the processes print (stdout and stderr); dropped when unset. */
  log?: (line: string) => void
}

export interface StartedDemoCluster {
  /** The front door. */
  url: string
  port: number
  nodes: Array<{ name: string, url: string, port: number }>
  adminPassword: string
  adminToken: string
  /** Ends every process of the cluster; resolves once the primary has exited. */
  close: () => Promise<void>
}

const ENTRY = fileURLToPath(new URL('./index.ts', import.meta.url))
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const START_TIMEOUT_MS = 45_000
const STOP_TIMEOUT_MS = 10_000

function exited(child: ChildProcess): Promise<void> {
  return new Promise(resolve => child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()))
}

/**
 * @example
 * const demo = await startDemoCluster({ port: 4100, nodes: 3 })
 * const socket = io(demo.nodes[1].url) // node-2
 * await demo.close()
 */
export async function startDemoCluster(options: DemoClusterOptions = {}): Promise<StartedDemoCluster> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    // The parent's settings for a single demo server or a cluster worker must not leak into this cluster.
    if (value !== undefined && !['PORT', 'NODES', 'HOST', 'ADAPTER', 'REDIS_URL', 'ADMIN_PASSWORD', 'ADMIN_TOKEN', 'NODE_UNIQUE_ID', 'DEMO_CLUSTER_NODE'].includes(key))
      env[key] = value
  }
  Object.assign(env, {
    PORT: String(options.port ?? 3000),
    NODES: String(options.nodes ?? 3),
    HOST: options.host ?? '127.0.0.1',
    ADAPTER: options.adapter ?? 'cluster',
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...(options.adminPassword ? { ADMIN_PASSWORD: options.adminPassword } : {}),
    ...(options.adminToken ? { ADMIN_TOKEN: options.adminToken } : {}),
  })
  const child = fork(ENTRY, [], {
    cwd: REPO_ROOT,
    env,
    // tsx runs the TypeScript; cluster.fork hands the same flags to every worker.
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  const output: string[] = []
  const onLine = (line: string): void => {
    output.push(line)
    if (output.length > 50)
      output.shift()
    options.log?.(line)
  }
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = ''
    stream.setEncoding('utf8')
    stream.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n')
      rest = lines.pop()!
      lines.forEach(onLine)
    })
  }

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => closing ??= (async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
      await exited(child)
      clearTimeout(timer)
    }
  })()

  try {
    const info = await new Promise<Extract<PrimaryMessage, { type: 'demo-cluster:ready' }>['info']>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`demo cluster not ready within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS)
      child.on('message', (message: PrimaryMessage) => {
        if (message?.type === 'demo-cluster:ready') {
          clearTimeout(timer)
          resolve(message.info)
        }
        else if (message?.type === 'demo-cluster:failed') {
          clearTimeout(timer)
          reject(new Error(`demo cluster did not start: ${message.error}`))
        }
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`demo cluster exited while starting (${signal ?? `code ${code}`})`))
      })
    })
    return { ...info, close }
  }
  catch (err) {
    await close()
    const tail = output.slice(-15).join('\n')
    throw new Error(`${(err as Error).message}${tail ? `\n${tail}` : ''}`)
  }
}
