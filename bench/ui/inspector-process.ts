/**
 * The inspector's server in a process of its own, for part 2 (bench/ui/ingest.ts, started by
 * ./start-inspector-process.ts): the relay's CPU time per event is this process's CPU time during the stream
 * (its relay session runs in a worker thread here, which the process's time includes), with nothing else in
 * it — in the bench process it would be mixed with the demo server's.
 *
 *   node --import tsx bench/ui/inspector-process.ts '{"demoUrl":"http://127.0.0.1:3000","distDir":"/tmp/dist-bench"}'
 *
 * Says `{ port }` over IPC once it listens; closes and exits on `close` or when the parent goes.
 */
import process from 'node:process'
import { startInspectorServer } from '../../inspector-ui/server/index'

const { demoUrl, distDir } = JSON.parse(process.argv[2] ?? '{}') as { demoUrl: string, distDir: string }
const server = await startInspectorServer({ port: 0, config: { demoUrl }, distDir })
let closing = false
async function stop(): Promise<void> {
  if (closing)
    return
  closing = true
  await server.close()
  process.exit(0)
}
process.on('message', (message) => {
  if (message === 'close')
    void stop()
})
process.on('disconnect', () => void stop())
process.send?.({ port: server.port })
