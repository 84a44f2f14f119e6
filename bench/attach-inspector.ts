/**
 * Bench: the inspector's server (its attach hub) in a process of its own, with a fixed attach token, for the
 * attach overhead measurement (bench/attach.ts). Prints `LISTENING <port> <relay token>` on stdout: the bench
 * watches the attached apps through the relay, as a page does.
 *   node --import tsx bench/attach-inspector.ts <token>
 */
import process from 'node:process'
import { startInspectorServer } from '../inspector-ui/server/index'

const token = process.argv[2] ?? ''
const inspector = await startInspectorServer({ port: 0, host: '127.0.0.1', attachToken: token })
console.log(`LISTENING ${inspector.port} ${inspector.token}`)
process.on('SIGTERM', () => {
  void inspector.close().finally(() => process.exit(0))
})
