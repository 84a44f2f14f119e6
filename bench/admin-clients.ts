/**
 * Part 5 of `npm run bench` (bench/ui/server-view.ts): the crowd a server view watches, in its own process.
 *   node --import tsx bench/admin-clients.ts <url> <sockets> <rooms>
 * Connects <sockets> socket.io clients to <url> (WebSocket), each entering `room-<i % rooms>`, prints
 * `READY`. Then reads commands on stdin:
 *   churn <moves> <leaves> <joins>  <moves> sockets leave their room and enter `moved-<i % 50>`, then
 *                                    <joins> new sockets connect and enter a room, then the <leaves> sockets
 *                                    after the movers disconnect; prints `CHURNED <sockets now>`
 * Joins before leaves, on purpose: the count then rises and falls once, so the final count (sockets -
 * leaves + joins, below the start) shows only when the last disconnect is in. With the leaves first the
 * count would pass through the final value on its way down, and a page could look settled mid-churn.
 * The joins are acknowledged (connect, then `enter`) before any disconnect is sent, so the server sees
 * them in that order too, even though every socket is a TCP connection of its own.
 *   exit                             disconnects everything and exits
 */
import type { Socket } from 'socket.io-client'
import process from 'node:process'
import { createInterface } from 'node:readline'
import { io } from 'socket.io-client'

const [url, socketsText, roomsText] = process.argv.slice(2)
const rooms = Number(roomsText)
const BATCH = 250

async function connect(count: number, offset: number): Promise<Socket[]> {
  const made: Socket[] = []
  for (let i = 0; i < count; i += BATCH) {
    const n = Math.min(BATCH, count - i)
    const batch = Array.from({ length: n }, () => io(url, { transports: ['websocket'], forceNew: true, reconnection: false }))
    made.push(...batch)
    await Promise.all(batch.map(s => new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve())
      s.once('connect_error', reject)
    })))
    await Promise.all(batch.map((s, j) => s.timeout(20_000).emitWithAck('enter', `room-${(offset + i + j) % rooms}`)))
  }
  return made
}

async function main(): Promise<void> {
  const sockets = await connect(Number(socketsText), 0)
  console.log('READY')
  const lines = createInterface({ input: process.stdin })
  for await (const line of lines) {
    const [command, ...rest] = line.trim().split(/\s+/)
    if (command === 'churn') {
      const [moves, leaves, joins] = rest.map(Number)
      const moving = sockets.slice(0, moves)
      await Promise.all(moving.map(async (s, i) => {
        await s.timeout(20_000).emitWithAck('leave', `room-${i % rooms}`)
        await s.timeout(20_000).emitWithAck('enter', `moved-${i % 50}`)
      }))
      const joined = await connect(joins, moves + leaves)
      for (const s of sockets.splice(moves, leaves, ...joined)) s.disconnect()
      console.log(`CHURNED ${sockets.length}`)
    }
    else if (command === 'exit') {
      break
    }
  }
  for (const s of sockets) s.disconnect()
}

main().then(() => process.exit(0), (error: Error) => {
  console.error(`admin-clients: ${error.message}`)
  process.exit(1)
})
