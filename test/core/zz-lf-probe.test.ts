import { it } from 'vitest'
import { EventLog } from '../../src/core/log/event-log'
import { LiveSession } from '../../src/core/session/live-session'
import { LiveSessionV2 } from '../../src/core/session/live-session-v2'
import { startDemoServerV2 } from '../../demo-server/v2/start-v2'
import { startFixtureServer, waitForEntry, delay } from './fixtures/servers'
function dump(log: EventLog) { for (const e of log) console.log(e.kind, e.direction, e.kind === 'frame' ? `${e.transport} ${e.engineType} ${String(e.data)} ${e.probe ?? ''}` : '') }
it('v4 frames', async () => {
  const server = await startFixtureServer()
  server.io.of('/slow').use((_s, next) => setTimeout(next, 300)).on('connection', () => {})
  const log = new EventLog()
  const s = new LiveSession({ url: server.url('/slow') }, { log, id: 'x' })
  s.connect()
  await waitForEntry(log, e => e.kind === 'connect')
  await delay(300)
  dump(log)
  s.dispose()
  await server.close()
})
it('v2 frames', async () => {
  const demo = await startDemoServerV2({ port: 0, pingInterval: 200, pingTimeout: 1000, quizTimeoutMs: 5000 })
  demo.io.of('/slow').use((_s, next) => setTimeout(next, 300)).on('connection', () => {})
  const log = new EventLog()
  const s = new LiveSessionV2({ url: `${demo.url}/slow`, client: 'v2' }, { log, id: 'y' })
  s.connect()
  await waitForEntry(log, e => e.kind === 'connect')
  await delay(500)
  dump(log)
  s.dispose()
  await demo.close()
})
