/** Fault injection (FaultPanel): socket.io's own names (`transport close`, `manager.reconnection()`) stay as they are. */
import type { MessageTree } from '../..'

export default {
  faults: {
    label: 'Fault injection',
    title: 'Faults',
    drop: 'Drop the transport',
    dropWhatA: 'as a network loss would:',
    dropWhatB: ', then a new id',
    stopPings: 'Stop answering pings',
    pingsAgain: 'Answer pings again',
    stopPingsClient: 'the client stops pinging (EIO3): the heartbeat times out',
    stopPingsServer: 'our pongs are held: the server ends it with ping timeout',
    offline: 'Go offline for',
    online: 'Back online now',
    offlineSeconds: 'Offline seconds',
    secondsUnit: 's',
    offlineLeft: 'offline: {s} s left',
    offlineWhat: 'drop, then every attempt fails like an unreachable network',
    reconnection: 'Reconnection: {state}',
    on: 'on',
    off: 'off',
    reconnectionWhatA: 'socket.io\'s',
    reconnectionWhatB: ', switched at runtime',
    queue: 'Queue while offline',
    queueWhat: 'emits while disconnected wait in socket.io\'s send buffer (off: refused)',
    buffer: 'Send buffer:',
    waiting: 'emit waiting | emits waiting',
  },
} satisfies MessageTree
