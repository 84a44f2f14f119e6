import type { AddressInfo } from 'node:net'
import http from 'node:http'
import { Server } from 'socket.io'
import { expect, it } from 'vitest'
import { attachRelay } from '../../inspector-ui/server/relay'
import { EventLog } from '../../src/core/log/event-log'
import { RelaySession } from '../../src/core/session/relay-session'
import { waitForState, delay } from './fixtures/servers'

function deepArr(n: number) { let v: unknown = 1; for (let i = 0; i < n; i++) v = [v]; return v }
it('probe', async () => {
  const relayHttp = http.createServer()
  const relay = attachRelay(relayHttp, { token: 'tok', allowedOrigins: ['http://x.test'] })
  await new Promise<void>(r => relayHttp.listen(0, '127.0.0.1', r))
  const rport = (relayHttp.address() as AddressInfo).port
  const target = http.createServer()
  const io = new Server(target, { maxHttpBufferSize: 1e8 })
  io.on('connection', (s) => {
    s.on('go', () => {
      s.emit('before', 1)
      s.emit('deep', deepArr(3000))
      s.emit('after', 2)
      s.emit('big', 'x'.repeat(34 * 1024 * 1024))
      s.emit('last', 3)
    })
  })
  await new Promise<void>(r => target.listen(0, '127.0.0.1', r))
  const tport = (target.address() as AddressInfo).port
  const log = new EventLog()
  const s = new RelaySession({ url: `http://127.0.0.1:${tport}/`, transports: ['websocket'], reconnection: false }, { log, relay: { url: `http://127.0.0.1:${rport}`, token: 'tok', extraHeaders: { Origin: 'http://x.test' } }, id: 'r1' })
  s.connect()
  await waitForState(s, x => x.status === 'connected')
  s.emit('go', [])
  await delay(6000)
  for (const e of log) console.log(e.kind, (e as any).name ?? (e as any).engineType ?? (e as any).message, (e as any).engineType ? (e as any).size : '', JSON.stringify((e as any).truncated))
  s.dispose(); await relay.close(); io.close(); relayHttp.closeAllConnections(); relayHttp.close()
}, 30000)
