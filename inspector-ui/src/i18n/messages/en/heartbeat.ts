/** The handshake and heartbeat panel (HeartbeatPanel); the open packet's field names stay as they are. */
import type { MessageTree } from '../..'

export default {
  heartbeat: {
    title: 'Handshake and heartbeat',
    none: 'No open Engine.IO connection: the open packet fills this in.',
    ms: '{n} ms',
    s: '{n} s',
    bytes: '{n} bytes',
    maxPayloadEio3: 'none in Engine.IO 3 (socket.io 2)',
    notSent: 'not sent',
    pingerClient: 'the client (Engine.IO 3); the server answers',
    pingerServer: 'the server (Engine.IO 4); the client answers',
    interval: 'interval between pings',
    roundTrip: 'ping round trip',
    waitSecondPing: 'waiting for the second ping',
    waitFirstPong: 'waiting for the first pong',
    measured: '{what}: last {last}, mean {mean}, jitter (max − min) {jitter} over {n} sample | {what}: last {last}, mean {mean}, jitter (max − min) {jitter} over {n} samples',
    ago: '{n} s ago',
    warning: 'no {beat} for {silent} s, expected every {interval} s + {timeout} s timeout',
    warningServer: 'The server pings every {interval} s; socket.io-client closes the connection ("ping timeout") when none comes within {giveUp} s. The server may be frozen (a blocked event loop) or the network stalled.',
    warningClient: 'The client pings every {interval} s (socket.io 2); socket.io-client closes the connection ("ping timeout") when no pong comes within {timeout} s. The server may be frozen or the network stalled.',
    sidTitle: 'The Engine.IO session id of the open packet (not the Socket.IO socket id)',
    maxPayloadTitle: 'The largest payload the server accepts per polling request',
    upgradesTitle: 'Transports the server offered to upgrade to',
    noneOffered: 'none offered',
    whoPings: 'who pings',
    measuredLabel: 'measured',
    lastPacket: 'last packet',
    lastPacketTitle: 'Refreshed with every heartbeat: traffic between two heartbeats may be more recent; exact while the line is silent',
  },
} satisfies MessageTree
