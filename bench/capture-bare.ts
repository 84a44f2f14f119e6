/**
 * The baseline of bench/capture.ts, in its own process: a bare socket.io-client that connects with the same
 * query as the CLI's capture (`?stream=<payload>&count=<n>`: the server streams at once), counts the
 * events with a no-op handler, and exits at the count, as `capture --count` does.
 *   node --import tsx bench/capture-bare.ts <payload> <count> <port>
 * Prints one JSON line: `{ received, firstAt }` (`firstAt`: wall clock of the first event, ms).
 */
import process from 'node:process'
import { io } from 'socket.io-client'

const [payload, countText, portText] = process.argv.slice(2)
const count = Number(countText)
const socket = io(`http://127.0.0.1:${portText}`, { transports: ['websocket'], reconnection: false, query: { stream: payload, count: String(count) } })
let received = 0
let firstAt = 0
function onEvent(): void {
  if (received++ === 0)
    firstAt = performance.timeOrigin + performance.now()
  if (received === count) {
    socket.close()
    process.stdout.write(`${JSON.stringify({ received, firstAt })}\n`, () => process.exit(0))
  }
}
socket.on('tick', onEvent)
socket.on('doc', onEvent)
socket.on('blob', onEvent)
socket.on('disconnect', () => {
  process.stdout.write(`${JSON.stringify({ received, firstAt })}\n`, () => process.exit(0))
})
setTimeout(() => process.exit(1), 180_000).unref()
