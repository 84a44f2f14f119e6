/**
 * What each tutorial step's Run button does, with the inspector's own sessions only (through the sessions
 * store's actions, passed in as a `TutorialHost` so this file is testable without a page). Every run is
 * idempotent: it finds its tabs again by label, reconnects them when needed, and leaves the state its
 * step promises (steps.ts `leaves`).
 */
import type { AckEntry, EmitOptions, EmitResult, EventEntry, InspectorLog, LogEntry, SessionOptions, SessionSnapshot } from '#core'
import type { Localized } from './lang'
import type { StepId, TutorialRole } from './steps'
import { CLUSTER_ROOM, TUTORIAL_TABS } from './steps'

export interface TutorialHost {
  tabs: () => readonly SessionSnapshot[]
  openSession: (options: SessionOptions, opts?: { connect?: boolean, activate?: boolean }) => string
  connect: (id: string) => void
  disconnect: (id: string) => void
  emit: (id: string, name: string, args: unknown[], options?: EmitOptions) => EmitResult
  answerAck: (id: string, correlationId: string, args: unknown[]) => EmitResult
  snapshotOf: (id: string) => SessionSnapshot | undefined
  log: InspectorLog
  /** The node the session's server named in its last `welcome` (`welcome.node`), if any. */
  nodeOf: (id: string) => string | undefined
}

export interface ResultLine {
  readonly label: Localized
  readonly value: string
  /** Good news (`true`), bad news (`false`), or plain information. */
  readonly ok?: boolean
}

export interface StepResult {
  readonly ok: boolean
  readonly lines: readonly ResultLine[]
  readonly error?: string
}

export interface RunContext {
  host: TutorialHost
  /** e.g. `http://localhost:3000` (no trailing slash). */
  demoUrl: string
  /** The learner's answer to the quiz (step 10). */
  quizAnswer?: string
  /** How long to listen for messages that should (not) arrive, ms. @default 600 */
  quietMs?: number
}

const CONNECT_TIMEOUT_MS = 10_000
const ACK_TIMEOUT_MS = 5000

class StepError extends Error {}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

function show(v: unknown): string {
  try {
    const text = JSON.stringify(v)
    return text === undefined ? String(v) : text.length > 500 ? `${text.slice(0, 500)}…` : text
  }
  catch {
    return String(v)
  }
}

/** Resolve once `check` returns a value, polling every 25 ms. */
async function until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = check()
    if (v !== undefined)
      return v
    if (Date.now() > end)
      throw new StepError(`timed out waiting for ${what}`)
    await sleep(25)
  }
}

/** Collects log entries matching `match` from now on (subscribe before triggering). */
function collect(log: InspectorLog, match: (e: LogEntry) => boolean): { entries: LogEntry[], stop: () => void } {
  const entries: LogEntry[] = []
  const stop = log.subscribe((batch) => {
    for (const e of batch) {
      if (match(e))
        entries.push(e)
    }
  })
  return { entries, stop }
}

function baseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '')
}

/** Nodes the cluster step uses (`npm run demo:cluster` starts 3 by default). */
export const CLUSTER_NODES = 3

/**
 * The URL of node `i` (1-based) of a demo cluster whose front door is `demoUrl`: same host, port + i
 * (`npm run demo:cluster`: front door on PORT, node i on PORT+i). Undefined for a URL that isn't one.
 *
 * @example
 * clusterNodeUrl('http://localhost:3000', 2) // 'http://localhost:3002'
 */
export function clusterNodeUrl(demoUrl: string, i: number): string | undefined {
  try {
    const u = new URL(baseUrl(demoUrl))
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80))
    if (!Number.isInteger(port) || port + i > 65535)
      return undefined
    return `${u.protocol}//${u.hostname.includes(':') ? `[${u.hostname.replace(/^\[|\]$/g, '')}]` : u.hostname}:${port + i}`
  }
  catch {
    return undefined
  }
}

/** Where the role's tab connects: the demo server, or (node tabs) one node of the cluster. */
function roleBase(role: TutorialRole, demoUrl: string): string {
  const spec = TUTORIAL_TABS[role]
  if (!('node' in spec))
    return baseUrl(demoUrl)
  const url = clusterNodeUrl(demoUrl, spec.node)
  if (!url)
    throw new StepError(`"${demoUrl}" is not a URL with a port: the cluster's nodes listen on its port + 1, + 2, + 3`)
  return url
}

/** Origin of a URL (`http://host:port`), or the URL itself when it doesn't parse. */
function originOf(url: string): string {
  try {
    return new URL(baseUrl(url)).origin
  }
  catch {
    return baseUrl(url)
  }
}

/** The role's tab on this demo server (a tab of the same name on another server is left alone). */
function findTab(host: TutorialHost, role: TutorialRole, demoUrl: string): SessionSnapshot | undefined {
  const base = roleBase(role, demoUrl)
  // `base + '/'`: the node on port 3001 is not the server on port 30010.
  const on = (url: string) => baseUrl(url) === base || url.trim().startsWith(`${base}/`)
  return host.tabs().find(t => t.label === TUTORIAL_TABS[role].label && !t.readonly && on(t.url))
}

/**
 * A node name some tab on this demo server (its front door or one of the cluster step's node ports) got in
 * its `welcome`: the sign the demo runs as a cluster, which unlocks the cluster step. Undefined if none.
 */
export function clusterNodeSeen(host: Pick<TutorialHost, 'tabs' | 'nodeOf'>, demoUrl: string): string | undefined {
  const origins = new Set([originOf(demoUrl)])
  for (let i = 1; i <= CLUSTER_NODES; i++) {
    const url = clusterNodeUrl(demoUrl, i)
    if (url)
      origins.add(originOf(url))
  }
  for (const tab of host.tabs()) {
    if (tab.readonly || !origins.has(originOf(tab.url)))
      continue
    const node = host.nodeOf(tab.id)
    if (node)
      return node
  }
  return undefined
}

interface Live { id: string, socketId: string }

/** The role's tab, opened if missing, connected if not; resolves with its live socket id. */
export async function ensure(ctx: RunContext, role: TutorialRole): Promise<Live> {
  const { host } = ctx
  const spec = TUTORIAL_TABS[role]
  let tab = findTab(host, role, ctx.demoUrl)
  if (!tab) {
    const nsp = spec.namespace === '/' ? '/' : spec.namespace
    const id = host.openSession({ url: `${roleBase(role, ctx.demoUrl)}${nsp}`, label: spec.label }, { connect: true, activate: false })
    tab = host.snapshotOf(id)
    if (!tab)
      throw new StepError(`could not open ${spec.label}`)
  }
  else if (tab.status === 'idle' || tab.status === 'disconnected') {
    host.connect(tab.id)
  }
  const id = tab.id
  const socketId = await until(() => {
    const s = host.snapshotOf(id)
    if (s?.status === 'connected' && s.socketId)
      return s.socketId
    return undefined
  }, CONNECT_TIMEOUT_MS, `${spec.label} to connect (${host.snapshotOf(id)?.lastError ?? 'no answer'})`)
  return { id, socketId }
}

/** Emit with an ack and resolve with the server's first answer argument. */
export async function emitAck(ctx: RunContext, sessionId: string, name: string, args: unknown[]): Promise<unknown> {
  const { host } = ctx
  let correlationId: string | undefined
  const acks = collect(host.log, e => e.kind === 'ack' && e.sessionId === sessionId && e.direction === 'in' && e.correlationId === correlationId)
  try {
    const res = host.emit(sessionId, name, args, { ack: true, ackTimeoutMs: ACK_TIMEOUT_MS })
    if (!res.ok)
      throw new StepError(`${name}: ${res.error}`)
    correlationId = res.correlationId
    const ack = await until(() => acks.entries[0] as AckEntry | undefined, ACK_TIMEOUT_MS + 1000, `the ack of ${name}`)
    if (ack.timedOut)
      throw new StepError(`${name}: no ack within ${ACK_TIMEOUT_MS} ms`)
    return ack.args[0]
  }
  finally {
    acks.stop()
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The demo server's `{ok: false, error}` answers become a step error. */
function expectOk(name: string, v: unknown): Record<string, unknown> {
  if (!isRecord(v))
    throw new StepError(`${name}: unexpected answer ${show(v)}`)
  if (v.ok === false)
    throw new StepError(`${name}: ${String(v.error ?? v.message)}`)
  return v
}

function incoming(ids: readonly string[], name: string) {
  return (e: LogEntry): e is EventEntry => e.kind === 'event' && e.direction === 'in' && e.name === name && ids.includes(e.sessionId)
}

function received(entries: LogEntry[], sessionId: string): EventEntry | undefined {
  return entries.find(e => e.sessionId === sessionId) as EventEntry | undefined
}

const L = {
  socketA: { en: 'Tab A socket id', ko: '탭 A 소켓 id' },
  socketB: { en: 'Tab B socket id', ko: '탭 B 소켓 id' },
  socketC: { en: 'Tab C socket id (/namespace1)', ko: '탭 C 소켓 id (/namespace1)' },
  socketD: { en: 'Tab D socket id (/namespace2)', ko: '탭 D 소켓 id (/namespace2)' },
  ack: { en: 'Server\'s ack', ko: '서버의 ack' },
  bGot: { en: 'B received', ko: 'B가 받은 것' },
  aGot: { en: 'A received (its own message)', ko: 'A가 받은 것 (자기 메시지)' },
  dGot: { en: 'D received (/namespace2)', ko: 'D가 받은 것 (/namespace2)' },
  aGotNs: { en: 'A received (/)', ko: 'A가 받은 것 (/)' },
  nothing: { en: 'nothing', ko: '없음' },
  roomsA: { en: 'A\'s rooms (ack)', ko: 'A의 룸 (ack)' },
  roomsB: { en: 'B\'s rooms (ack)', ko: 'B의 룸 (ack)' },
  listRoom: { en: 'list:room room1', ko: 'list:room room1' },
  listNs: { en: 'list:namespace /', ko: 'list:namespace /' },
  listServer: { en: 'list:server', ko: 'list:server' },
  bClient: { en: 'B (client side) reason', ko: 'B (클라이언트) 이유' },
  bServer: { en: 'B (server side) reason, from presence', ko: 'B (서버) 이유, presence로 받음' },
  aClient: { en: 'A (client side) reason after kick', ko: 'kick 뒤 A (클라이언트) 이유' },
  aServer: { en: 'A (server side) reason, from presence', ko: 'A (서버) 이유, presence로 받음' },
  bNew: { en: 'B reconnected with a new id', ko: 'B가 새 id로 다시 연결됨' },
  chatAck: { en: 'chat ack (client → server → client)', ko: 'chat ack (클라이언트 → 서버 → 클라이언트)' },
  latency: { en: 'ack latency', ko: 'ack 지연 시간' },
  question: { en: 'Server asked (quiz, waits for our ack)', ko: '서버의 질문 (quiz, 우리 ack를 기다림)' },
  answer: { en: 'We answered', ko: '우리가 보낸 답' },
  quizResult: { en: 'quiz:result', ko: 'quiz:result' },
  errorEvent: { en: '`error` event received (v4 delivers it)', ko: '받은 `error` 이벤트 (v4는 전달함)' },
  listRooms: { en: 'list:rooms (Map → object)', ko: 'list:rooms (Map → 객체)' },
  node1: { en: 'Tab on node port 1: node, socket id', ko: '노드 포트 1의 탭: 노드, 소켓 id' },
  node2: { en: 'Tab on node port 2: node, socket id', ko: '노드 포트 2의 탭: 노드, 소켓 id' },
  node3: { en: 'Tab on node port 3: node, socket id', ko: '노드 포트 3의 탭: 노드, 소켓 id' },
  distinct: { en: 'Three different nodes', ko: '서로 다른 세 노드' },
  roomAck: { en: 'chat:room from node 1 (ack)', ko: '노드 1에서 보낸 chat:room (ack)' },
  got2: { en: 'Tab on node 2 received (crossed nodes)', ko: '노드 2의 탭이 받은 것 (노드를 건넘)' },
  got3: { en: 'Tab on node 3 received (crossed nodes)', ko: '노드 3의 탭이 받은 것 (노드를 건넘)' },
  listAll: { en: 'list:room cluster-room (fetchSockets() on every node)', ko: 'list:room cluster-room (모든 노드의 fetchSockets())' },
} satisfies Record<string, Localized>

async function reasonOf(host: TutorialHost, id: string, oldSocketId: string): Promise<string> {
  return until(() => {
    const s = host.snapshotOf(id)
    const rec = s?.idHistory.find(r => r.socketId === oldSocketId && r.reason)
    return rec?.reason
  }, CONNECT_TIMEOUT_MS, 'the disconnect reason')
}

type Runner = (ctx: RunContext) => Promise<ResultLine[]>

const RUNNERS: Record<StepId, Runner> = {
  async connect(ctx) {
    const a = await ensure(ctx, 'A')
    return [{ label: L.socketA, value: a.socketId, ok: true }]
  },

  async second(ctx) {
    const a = await ensure(ctx, 'A')
    const b = await ensure(ctx, 'B')
    return [
      { label: L.socketA, value: a.socketId, ok: true },
      { label: L.socketB, value: b.socketId, ok: true },
    ]
  },

  async broadcast(ctx) {
    const a = await ensure(ctx, 'A')
    const b = await ensure(ctx, 'B')
    const chats = collect(ctx.host.log, incoming([a.id, b.id], 'chat'))
    try {
      const text = `Hello everyone, from A (${new Date().toLocaleTimeString()})`
      const ack = expectOk('chat', await emitAck(ctx, a.id, 'chat', [text]))
      await until(() => received(chats.entries, b.id), ACK_TIMEOUT_MS, 'B to receive the chat')
      await sleep(ctx.quietMs ?? 600)
      const toB = received(chats.entries, b.id)
      const toA = received(chats.entries, a.id)
      return [
        { label: L.ack, value: show(ack), ok: true },
        { label: L.bGot, value: toB ? show(toB.args[0]) : L.nothing.en, ok: Boolean(toB) },
        { label: L.aGot, value: toA ? show(toA.args[0]) : '—', ok: !toA },
      ]
    }
    finally {
      chats.stop()
    }
  },

  async direct(ctx) {
    const a = await ensure(ctx, 'A')
    const b = await ensure(ctx, 'B')
    const chats = collect(ctx.host.log, incoming([a.id, b.id], 'chat'))
    try {
      const ack = expectOk('chat:direct', await emitAck(ctx, a.id, 'chat:direct', [b.socketId, 'Just for B']))
      await until(() => received(chats.entries, b.id), ACK_TIMEOUT_MS, 'B to receive the direct message')
      return [
        { label: L.socketB, value: b.socketId },
        { label: L.ack, value: show(ack), ok: true },
        { label: L.bGot, value: show(received(chats.entries, b.id)!.args[0]), ok: true },
      ]
    }
    finally {
      chats.stop()
    }
  },

  async namespaces(ctx) {
    const a = await ensure(ctx, 'A')
    const c = await ensure(ctx, 'C')
    const d = await ensure(ctx, 'D')
    const chats = collect(ctx.host.log, incoming([a.id, d.id], 'chat'))
    try {
      const ack = expectOk('chat', await emitAck(ctx, c.id, 'chat', ['Hello /namespace1, from C']))
      await sleep(ctx.quietMs ?? 600)
      const toD = received(chats.entries, d.id)
      const toA = received(chats.entries, a.id)
      return [
        { label: L.socketC, value: c.socketId },
        { label: L.socketD, value: d.socketId },
        { label: L.ack, value: show(ack), ok: true },
        { label: L.dGot, value: toD ? show(toD.args[0]) : '—', ok: !toD },
        { label: L.aGotNs, value: toA ? show(toA.args[0]) : '—', ok: !toA },
      ]
    }
    finally {
      chats.stop()
    }
  },

  async rooms(ctx) {
    const a = await ensure(ctx, 'A')
    const b = await ensure(ctx, 'B')
    const ra = expectOk('enter', await emitAck(ctx, a.id, 'enter', ['room1']))
    const rb = expectOk('enter', await emitAck(ctx, b.id, 'enter', ['room1']))
    const chats = collect(ctx.host.log, incoming([a.id, b.id], 'chat'))
    try {
      const ack = expectOk('chat:room', await emitAck(ctx, a.id, 'chat:room', ['room1', 'Hello room1, from A']))
      await until(() => received(chats.entries, b.id), ACK_TIMEOUT_MS, 'B to receive the room message')
      await sleep(ctx.quietMs ?? 600)
      const toA = received(chats.entries, a.id)
      return [
        { label: L.roomsA, value: show(ra.rooms) },
        { label: L.roomsB, value: show(rb.rooms) },
        { label: L.ack, value: show(ack), ok: true },
        { label: L.bGot, value: show(received(chats.entries, b.id)!.args[0]), ok: true },
        { label: L.aGot, value: toA ? show(toA.args[0]) : '—', ok: !toA },
      ]
    }
    finally {
      chats.stop()
    }
  },

  async leave(ctx) {
    const a = await ensure(ctx, 'A')
    const b = await ensure(ctx, 'B')
    expectOk('enter', await emitAck(ctx, a.id, 'enter', ['room1']))
    expectOk('enter', await emitAck(ctx, a.id, 'enter', ['room2']))
    const rb = expectOk('leave', await emitAck(ctx, b.id, 'leave', ['room1']))
    const ra = expectOk('leaveAll', await emitAck(ctx, a.id, 'leaveAll', []))
    return [
      { label: L.roomsB, value: show(rb.rooms), ok: true },
      { label: L.roomsA, value: show(ra.rooms), ok: true },
    ]
  },

  async lists(ctx) {
    const a = await ensure(ctx, 'A')
    const b = await ensure(ctx, 'B')
    expectOk('enter', await emitAck(ctx, b.id, 'enter', ['room1']))
    // A may still be in room1 from step 6 when steps are run out of order.
    expectOk('leave', await emitAck(ctx, a.id, 'leave', ['room1']))
    const room = expectOk('list:room', await emitAck(ctx, a.id, 'list:room', ['room1']))
    const ns = expectOk('list:namespace', await emitAck(ctx, a.id, 'list:namespace', []))
    const server = expectOk('list:server', await emitAck(ctx, a.id, 'list:server', []))
    return [
      { label: L.socketB, value: b.socketId },
      { label: L.listRoom, value: show(room.sockets), ok: Array.isArray(room.sockets) && room.sockets.includes(b.socketId) },
      { label: L.listNs, value: show(ns.sockets) },
      { label: L.listServer, value: show(server.namespaces) },
    ]
  },

  async disconnect(ctx) {
    const { host } = ctx
    const a = await ensure(ctx, 'A')
    const b = await ensure(ctx, 'B')
    // 1. B closes: A hears why through `presence`.
    const presence = collect(host.log, incoming([a.id, b.id], 'presence'))
    try {
      host.disconnect(b.id)
      const bClient = await reasonOf(host, b.id, b.socketId)
      const leftB = await until(() => presence.entries.find(e => e.sessionId === a.id && isRecord((e as EventEntry).args[0]) && ((e as EventEntry).args[0] as Record<string, unknown>).id === b.socketId && ((e as EventEntry).args[0] as Record<string, unknown>).action === 'left') as EventEntry | undefined, ACK_TIMEOUT_MS, 'the presence of B leaving')
      // 2. B comes back (new id), then A is kicked: B hears why.
      const b2 = await ensure(ctx, 'B')
      const r = host.emit(a.id, 'kick', [])
      if (!r.ok)
        throw new StepError(`kick: ${r.error}`)
      const aClient = await reasonOf(host, a.id, a.socketId)
      const leftA = await until(() => presence.entries.find(e => e.sessionId === b.id && isRecord((e as EventEntry).args[0]) && ((e as EventEntry).args[0] as Record<string, unknown>).id === a.socketId && ((e as EventEntry).args[0] as Record<string, unknown>).action === 'left') as EventEntry | undefined, ACK_TIMEOUT_MS, 'the presence of A leaving')
      return [
        { label: L.bClient, value: bClient, ok: bClient === 'io client disconnect' },
        { label: L.bServer, value: String((leftB.args[0] as Record<string, unknown>).reason), ok: true },
        { label: L.bNew, value: b2.socketId, ok: b2.socketId !== b.socketId },
        { label: L.aClient, value: aClient, ok: aClient === 'io server disconnect' },
        { label: L.aServer, value: String((leftA.args[0] as Record<string, unknown>).reason), ok: true },
      ]
    }
    finally {
      presence.stop()
    }
  },

  async acks(ctx) {
    const { host } = ctx
    const a = await ensure(ctx, 'A')
    // Client → server: the ack entry carries the latency.
    let chatCorrelation: string | undefined
    const acks = collect(host.log, e => e.kind === 'ack' && e.sessionId === a.id && e.correlationId === chatCorrelation)
    const results = collect(host.log, incoming([a.id], 'quiz:result'))
    try {
      const sent = host.emit(a.id, 'chat', ['Is anyone there? (with an ack)'], { ack: true, ackTimeoutMs: ACK_TIMEOUT_MS })
      if (!sent.ok)
        throw new StepError(`chat: ${sent.error}`)
      chatCorrelation = sent.correlationId
      const chatAck = await until(() => acks.entries[0] as AckEntry | undefined, ACK_TIMEOUT_MS + 1000, 'the chat ack')
      // Server → client: quiz:start, then the server's `quiz` waits for our answer.
      const before = new Set(host.snapshotOf(a.id)?.pendingServerAcks.map(p => p.correlationId) ?? [])
      const started = expectOk('quiz:start', await emitAck(ctx, a.id, 'quiz:start', []))
      const pending = await until(() => host.snapshotOf(a.id)?.pendingServerAcks.find(p => p.name === 'quiz' && !before.has(p.correlationId)), ACK_TIMEOUT_MS, 'the server\'s quiz')
      const raw = (ctx.quizAnswer ?? '42').trim()
      const answer: unknown = /^-?\d+(?:\.\d+)?$/.test(raw) ? Number(raw) : raw
      const answered = host.answerAck(a.id, pending.correlationId, [answer])
      if (!answered.ok)
        throw new StepError(`answer: ${answered.error}`)
      const result = await until(() => results.entries[0] as EventEntry | undefined, ACK_TIMEOUT_MS, 'quiz:result')
      const verdict = result.args[0]
      return [
        { label: L.chatAck, value: show(chatAck.args[0]), ok: !chatAck.timedOut },
        { label: L.latency, value: `${Math.round(chatAck.latencyMs)} ms` },
        { label: L.question, value: show(started.question) },
        { label: L.answer, value: show(answer) },
        { label: L.quizResult, value: show(verdict), ok: isRecord(verdict) && verdict.correct === true },
      ]
    }
    finally {
      acks.stop()
      results.stop()
    }
  },

  async cluster(ctx) {
    const { host } = ctx
    const roles = ['N1', 'N2', 'N3'] as const
    const tabs: Live[] = []
    for (const role of roles) {
      try {
        tabs.push(await ensure(ctx, role))
      }
      catch (e) {
        const url = roleBase(role, ctx.demoUrl)
        throw new StepError(`no demo node answered at ${url} (${e instanceof Error ? e.message : String(e)}). Is the demo running as a cluster (npm run demo:cluster)?`)
      }
    }
    // The welcome comes right after the connection: it names the node each tab landed on.
    const nodes: string[] = []
    for (const [i, tab] of tabs.entries()) {
      const url = roleBase(roles[i], ctx.demoUrl)
      nodes.push(await until(() => host.nodeOf(tab.id), ACK_TIMEOUT_MS, `the welcome of ${url} to name its node: a single demo server sends none (start npm run demo:cluster)`))
    }
    for (const tab of tabs) expectOk('enter', await emitAck(ctx, tab.id, 'enter', [CLUSTER_ROOM]))
    const [t1, t2, t3] = tabs
    const chats = collect(host.log, incoming([t1.id, t2.id, t3.id], 'chat'))
    try {
      const text = `Hello ${CLUSTER_ROOM}, from ${nodes[0]}`
      const ack = expectOk('chat:room', await emitAck(ctx, t1.id, 'chat:room', [CLUSTER_ROOM, text]))
      const fromNode1 = (id: string) => chats.entries.find(e => e.sessionId === id && isRecord((e as EventEntry).args[0]) && ((e as EventEntry).args[0] as Record<string, unknown>).text === text) as EventEntry | undefined
      await until(() => fromNode1(t2.id) && fromNode1(t3.id), ACK_TIMEOUT_MS, 'the tabs on nodes 2 and 3 to receive the room message')
      const listed = expectOk('list:room', await emitAck(ctx, t1.id, 'list:room', [CLUSTER_ROOM]))
      const sockets = Array.isArray(listed.sockets) ? listed.sockets : []
      return [
        { label: L.node1, value: `${nodes[0]} · ${t1.socketId}` },
        { label: L.node2, value: `${nodes[1]} · ${t2.socketId}` },
        { label: L.node3, value: `${nodes[2]} · ${t3.socketId}` },
        { label: L.distinct, value: [...new Set(nodes)].join(', '), ok: new Set(nodes).size === nodes.length },
        { label: L.roomAck, value: show(ack), ok: true },
        { label: L.got2, value: show(fromNode1(t2.id)!.args[0]), ok: true },
        { label: L.got3, value: show(fromNode1(t3.id)!.args[0]), ok: true },
        { label: L.listAll, value: show(sockets), ok: tabs.every(t => sockets.includes(t.socketId)) },
      ]
    }
    finally {
      chats.stop()
    }
  },

  async v2(ctx) {
    const { host } = ctx
    const a = await ensure(ctx, 'A')
    const errors = collect(host.log, incoming([a.id], 'error'))
    try {
      const r = host.emit(a.id, 'enter', [''])
      if (!r.ok)
        throw new StepError(`enter: ${r.error}`)
      const err = await until(() => errors.entries[0] as EventEntry | undefined, ACK_TIMEOUT_MS, 'the error event')
      // A room of its own for a moment, so the list shows how a Map of Sets travels (as an object of arrays).
      expectOk('enter', await emitAck(ctx, a.id, 'enter', ['v4-demo']))
      const rooms = expectOk('list:rooms', await emitAck(ctx, a.id, 'list:rooms', []))
      expectOk('leave', await emitAck(ctx, a.id, 'leave', ['v4-demo']))
      return [
        { label: L.errorEvent, value: show(err.args[0]), ok: true },
        { label: L.listRooms, value: show(rooms.rooms) },
      ]
    }
    finally {
      errors.stop()
    }
  },
}

/** Run one step; never throws (failures come back as `{ok: false, error}`). */
export async function runStep(id: StepId, ctx: RunContext): Promise<StepResult> {
  try {
    const lines = await RUNNERS[id](ctx)
    return { ok: true, lines }
  }
  catch (e) {
    return { ok: false, lines: [], error: e instanceof Error ? e.message : String(e) }
  }
}
