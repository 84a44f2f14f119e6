/**
 * Starts ./inspector-process.ts (the inspector's server alone in a child process, serving the bench build) and
 * stops it. Part 2 (bench/ui/ingest.ts) serves every inspector page from it and reads its CPU time
 * (./proc-cpu.ts) around each stream: the relay's cost, apart from the demo server in the bench process.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import process from 'node:process'
import { ROOT } from './shared'

export interface InspectorProcess {
  url: string
  pid: number
  close: () => Promise<void>
}

export async function startInspectorProcess(demoUrl: string, distDir: string): Promise<InspectorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'ui', 'inspector-process.ts'), JSON.stringify({ demoUrl, distDir })], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  const close = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null)
      return
    if (child.connected)
      child.send('close')
    const hard = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(hard)
  }
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the inspector process did not listen within 30 s')), 30_000)
      child.once('message', (message: { port?: number }) => {
        clearTimeout(timer)
        if (typeof message.port === 'number')
          resolve(message.port)
        else reject(new Error(`unexpected message from the inspector process: ${JSON.stringify(message)}`))
      })
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`the inspector process exited (${code}) before it listened`))
      })
    })
    return { url: `http://127.0.0.1:${port}`, pid: child.pid!, close }
  }
  catch (error) {
    await close()
    throw error
  }
}
