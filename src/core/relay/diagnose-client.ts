/**
 * Ask the inspector's relay to run `diagnoseConnection` in Node. A page's failed `fetch` gives no reason
 * (refused, closed mid-handshake and an untrusted certificate all look alike); Node's error causes tell
 * them apart. One short relay connection per request.
 *
 * @example
 * const d = await diagnoseThroughRelay(loadRuntimeConfig().relay!, { url: 'https://127.0.0.1:8443/', pageOrigin: location.origin })
 * d.code // 'tls-error'
 */
import type { Socket } from 'socket.io-client'
import type { Diagnosis } from '../diagnose/types'
import type { RelayClientEvents, RelayDiagnoseInput, RelayDiagnoseResult, RelayServerEvents } from './protocol'
import type { RelayEndpoint } from './relay-session'
import { io } from 'socket.io-client'
import { RELAY_PATH } from './protocol'

/**
 * Resolves with the relay's diagnosis; rejects when the relay refuses, cannot be reached, or takes longer
 * than `timeoutMs` (default 30 s: a ping-timeout probe waits for the server's heartbeat).
 */
export function diagnoseThroughRelay(relay: RelayEndpoint, input: RelayDiagnoseInput, timeoutMs = 30_000): Promise<Diagnosis> {
  return new Promise<Diagnosis>((resolve, reject) => {
    const socket: Socket<RelayServerEvents, RelayClientEvents> = io(relay.url, {
      path: relay.path ?? RELAY_PATH,
      transports: ['websocket'],
      auth: { token: relay.token },
      forceNew: true,
      reconnection: false,
      ...(relay.extraHeaders ? { extraHeaders: { ...relay.extraHeaders } } : {}),
    })
    let settled = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const finish = (error: Error | undefined, diagnosis?: Diagnosis): void => {
      if (settled)
        return
      settled = true
      clearTimeout(timer)
      socket.removeAllListeners()
      socket.disconnect()
      if (error)
        reject(error)
      else resolve(diagnosis!)
    }
    timer = setTimeout(() => finish(new Error(`the relay gave no diagnosis within ${timeoutMs} ms`)), timeoutMs)
    socket.on('connect_error', err => finish(new Error(`the relay refused the connection: ${err.message}`)))
    socket.on('connect', () => {
      socket.emit('diagnose', input, (result: RelayDiagnoseResult) => {
        if (result && result.ok)
          finish(undefined, result.diagnosis)
        else finish(new Error(result?.error ?? 'the relay gave no answer'))
      })
    })
  })
}
