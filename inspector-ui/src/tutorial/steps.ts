/**
 * The guided tutorial's content, in English and Korean. Text is plain: `backticks` mark code (rendered
 * as <code> by the panel, never as HTML).
 */
import type { Localized } from './lang'

export type StepId
  = | 'connect' | 'second' | 'broadcast' | 'direct' | 'namespaces' | 'rooms'
    | 'leave' | 'lists' | 'disconnect' | 'acks' | 'v2' | 'cluster'

/**
 * One row of the v2 → v4 table. A cell is code (a string, shown as is in both languages), or words
 * (`Localized`, `backticks` for code inside) where it says something rather than shows code.
 */
export interface V2Row {
  readonly v2: string | Localized
  readonly v4: string | Localized
  readonly note: Localized
}

export interface TutorialStep {
  readonly id: StepId
  readonly title: Localized
  /** Paragraphs. */
  readonly body: readonly Localized[]
  /** The `tutorial-run` button's label. */
  readonly run: Localized
  /** The state the run leaves behind (shown under the button). */
  readonly leaves: Localized
  readonly table?: readonly V2Row[]
  /**
   * What the step needs besides the demo server: `cluster`, the demo started as several nodes
   * (`npm run demo:cluster`). The panel keeps its Run button disabled until a tab's `welcome` names a node.
   */
  readonly needs?: 'cluster'
}

/**
 * Tab labels of the tutorial's sessions (the runner finds its sessions again by label). `node` tabs
 * connect straight to one node of the demo cluster: port = the demo server's (front door) port + `node`.
 */
export const TUTORIAL_TABS = {
  A: { label: 'Tutorial A', namespace: '/' },
  B: { label: 'Tutorial B', namespace: '/' },
  C: { label: 'Tutorial C /namespace1', namespace: '/namespace1' },
  D: { label: 'Tutorial D /namespace2', namespace: '/namespace2' },
  N1: { label: 'Tutorial node 1', namespace: '/', node: 1 },
  N2: { label: 'Tutorial node 2', namespace: '/', node: 2 },
  N3: { label: 'Tutorial node 3', namespace: '/', node: 3 },
} as const
export type TutorialRole = keyof typeof TUTORIAL_TABS
/** The room the cluster step's three tabs join, one on each node. */
export const CLUSTER_ROOM = 'cluster-room'

export const UI_TEXT = {
  title: { en: 'Guided tutorial: namespaces and rooms', ko: '따라하는 튜토리얼: 네임스페이스와 룸' },
  intro: {
    en: 'Each step explains one idea of Socket.IO and has a button that does it with the inspector\'s own tabs ("Tutorial A", "Tutorial B", …) against the demo server. Watch the effect in each tab\'s log, in the Timeline and in the Server view. Steps can be run again, in any order.',
    ko: '각 단계는 Socket.IO의 개념 하나를 설명하고, 인스펙터의 탭("Tutorial A", "Tutorial B" …)으로 데모 서버에 직접 실행해 보는 버튼이 있습니다. 결과는 각 탭의 로그, 타임라인, 서버 보기에서 확인하세요. 단계는 몇 번이든, 어떤 순서로든 다시 실행할 수 있습니다.',
  },
  server: { en: 'Demo server', ko: '데모 서버' },
  run: { en: 'Run', ko: '실행' },
  running: { en: 'Running…', ko: '실행 중…' },
  result: { en: 'Result', ko: '결과' },
  failed: { en: 'Failed', ko: '실패' },
  leaves: { en: 'Leaves:', ko: '실행 후 상태:' },
  language: { en: 'Language', ko: '언어' },
  openServer: { en: 'Open the Server view', ko: '서버 보기 열기' },
  answer: { en: 'Your answer to the quiz', ko: '퀴즈에 보낼 답' },
  v2col: { en: 'tutorial (v2)', ko: '튜토리얼 (v2)' },
  v4col: { en: 'Socket.IO 4.8', ko: 'Socket.IO 4.8' },
  whyCol: { en: 'why', ko: '이유' },
  needsCluster: {
    en: 'This step needs the demo server as a cluster. Stop the demo server and start `npm run demo:cluster` (the front door on PORT, node i on PORT+i), then run step 1: when its `welcome` names a node, this step unlocks.',
    ko: '이 단계는 클러스터로 실행한 데모 서버가 필요합니다. 데모 서버를 멈추고 `npm run demo:cluster`를 실행한 뒤(앞문은 PORT, 노드 i는 PORT+i), 1단계를 실행하세요. `welcome`에 노드 이름이 오면 이 단계가 열립니다.',
  },
} satisfies Record<string, Localized>

export const STEPS: readonly TutorialStep[] = [
  {
    id: 'connect',
    title: { en: 'Connect and get an id', ko: '연결하고 id 받기' },
    body: [
      {
        en: 'A client connects with `io(url)`. The server answers the handshake and gives the socket an id, which it keeps until it disconnects. A reconnection gets a new id.',
        ko: '클라이언트는 `io(url)`로 연결합니다. 서버는 핸드셰이크에 응답하고 소켓에 id를 줍니다. 이 id는 연결이 끊길 때까지 유지되고, 다시 연결하면 새 id를 받습니다.',
      },
      {
        en: 'The demo server greets every new socket with a `welcome` event carrying that id.',
        ko: '데모 서버는 새 소켓마다 그 id가 담긴 `welcome` 이벤트를 보냅니다.',
      },
    ],
    run: { en: 'Open tab A and connect', ko: '탭 A를 열고 연결' },
    leaves: { en: 'Tab A connected to `/`.', ko: '탭 A가 `/`에 연결된 상태.' },
  },
  {
    id: 'second',
    title: { en: 'A second client', ko: '두 번째 클라이언트' },
    body: [
      {
        en: 'Every connection is its own socket with its own id, even from the same browser. The others hear about it: the demo server broadcasts `presence` `{action: "joined"}`.',
        ko: '같은 브라우저에서 연결해도 연결마다 별도의 소켓이고 id도 다릅니다. 데모 서버는 다른 소켓들에게 `presence` `{action: "joined"}`를 브로드캐스트합니다.',
      },
      {
        en: 'On the server, each socket also sits in a private room named after its id (the Server view lists it under "in no room" until it joins a real room).',
        ko: '서버에서 각 소켓은 자기 id와 같은 이름의 개인 룸에도 들어가 있습니다(서버 보기에서는 다른 룸에 들어가기 전까지 "in no room" 아래에 보입니다).',
      },
    ],
    run: { en: 'Open tab B and connect', ko: '탭 B를 열고 연결' },
    leaves: { en: 'Tabs A and B connected to `/`.', ko: '탭 A와 B가 `/`에 연결된 상태.' },
  },
  {
    id: 'broadcast',
    title: { en: 'Broadcast: everyone but the sender', ko: '브로드캐스트: 보낸 사람만 빼고 모두에게' },
    body: [
      {
        en: 'A sends `chat`. The server relays it with `socket.broadcast.emit(\'chat\', message)`: every socket of the namespace gets it except the sender, so A does not see its own message.',
        ko: 'A가 `chat`을 보냅니다. 서버는 `socket.broadcast.emit(\'chat\', message)`로 전달합니다. 네임스페이스의 모든 소켓이 받지만 보낸 소켓은 제외되므로 A는 자기 메시지를 받지 않습니다.',
      },
      {
        en: 'The ack (`{ok, delivered}`) says how many sockets it reached.',
        ko: 'ack(`{ok, delivered}`)는 몇 개의 소켓에 전달됐는지 알려 줍니다.',
      },
    ],
    run: { en: 'A sends chat', ko: 'A가 chat 보내기' },
    leaves: { en: 'B received A\'s message; A did not.', ko: 'B는 A의 메시지를 받았고 A는 받지 않은 상태.' },
  },
  {
    id: 'direct',
    title: { en: 'Send to one socket by id', ko: 'id로 한 소켓에게만 보내기' },
    body: [
      {
        en: 'Because every socket is in a room named after its id, `io.to(socketId).emit(...)` reaches exactly that socket. A sends `chat:direct` with B\'s id.',
        ko: '모든 소켓은 자기 id 이름의 룸에 있으므로 `io.to(socketId).emit(...)`은 정확히 그 소켓에만 전달됩니다. A가 B의 id로 `chat:direct`를 보냅니다.',
      },
      {
        en: 'Ids are per namespace: the same connection has a different id in `/namespace1`.',
        ko: 'id는 네임스페이스마다 다릅니다. 같은 연결이라도 `/namespace1`에서는 다른 id를 가집니다.',
      },
    ],
    run: { en: 'A sends chat:direct to B', ko: 'A가 B에게 chat:direct 보내기' },
    leaves: { en: 'Only B received the direct message.', ko: 'B만 개인 메시지를 받은 상태.' },
  },
  {
    id: 'namespaces',
    title: { en: 'Namespaces are separate', ko: '네임스페이스는 서로 분리되어 있다' },
    body: [
      {
        en: 'A namespace is a separate channel on the same connection: `io(\'http://host/namespace1\')`. Broadcasts, rooms and ids never cross namespaces.',
        ko: '네임스페이스는 같은 연결 위의 별도 채널입니다: `io(\'http://host/namespace1\')`. 브로드캐스트, 룸, id는 네임스페이스를 넘지 않습니다.',
      },
      {
        en: 'Tab C joins `/namespace1`, tab D joins `/namespace2`. C broadcasts `chat`: D and A hear nothing.',
        ko: '탭 C는 `/namespace1`, 탭 D는 `/namespace2`에 연결합니다. C가 `chat`을 브로드캐스트해도 D와 A는 아무것도 받지 않습니다.',
      },
    ],
    run: { en: 'Connect C and D, C sends chat', ko: 'C와 D를 연결하고 C가 chat 보내기' },
    leaves: { en: 'C connected to `/namespace1`, D to `/namespace2`.', ko: 'C는 `/namespace1`, D는 `/namespace2`에 연결된 상태.' },
  },
  {
    id: 'rooms',
    title: { en: 'Join a room and chat to it', ko: '룸에 들어가서 룸에 말하기' },
    body: [
      {
        en: 'Rooms exist only on the server: a client asks with an event (`enter`), and the server calls `socket.join(\'room1\')`. A client cannot see rooms; the Server view can.',
        ko: '룸은 서버에만 있습니다. 클라이언트가 이벤트(`enter`)로 요청하면 서버가 `socket.join(\'room1\')`을 호출합니다. 클라이언트는 룸을 볼 수 없지만 서버 보기에서는 볼 수 있습니다.',
      },
      {
        en: 'A and B enter `room1`, then A sends `chat:room`: the server uses `socket.to(\'room1\').emit(...)`, so B gets it and A (the sender) does not.',
        ko: 'A와 B가 `room1`에 들어간 뒤 A가 `chat:room`을 보냅니다. 서버는 `socket.to(\'room1\').emit(...)`을 쓰므로 B는 받고 보낸 A는 받지 않습니다.',
      },
    ],
    run: { en: 'A and B enter room1, A chats to it', ko: 'A와 B가 room1에 들어가고 A가 말하기' },
    leaves: { en: 'A and B are in `room1`.', ko: 'A와 B가 `room1`에 있는 상태.' },
  },
  {
    id: 'leave',
    title: { en: 'Leave a room, leave them all', ko: '룸에서 나가기, 모든 룸에서 나가기' },
    body: [
      {
        en: 'B sends `leave` (`socket.leave(\'room1\')`). A first enters `room2` too, then sends `leaveAll`.',
        ko: 'B가 `leave`를 보냅니다(`socket.leave(\'room1\')`). A는 먼저 `room2`에도 들어간 다음 `leaveAll`을 보냅니다.',
      },
      {
        en: 'v2 had `socket.leaveAll()`. In v4 it is private and would also drop the socket\'s own id room, so the demo server leaves every room in `socket.rooms` except `socket.id`.',
        ko: 'v2에는 `socket.leaveAll()`이 있었습니다. v4에서는 비공개이고 소켓 자신의 id 룸까지 나가 버리므로, 데모 서버는 `socket.rooms`에서 `socket.id`를 뺀 모든 룸을 나갑니다.',
      },
    ],
    run: { en: 'B leaves room1, A leaves all', ko: 'B는 room1에서, A는 모든 룸에서 나가기' },
    leaves: { en: 'A and B are in no room (but their own).', ko: 'A와 B가 (자기 id 룸 말고는) 어떤 룸에도 없는 상태.' },
  },
  {
    id: 'lists',
    title: { en: 'List a room, a namespace, the server', ko: '룸, 네임스페이스, 서버의 소켓 목록' },
    body: [
      {
        en: 'B enters `room1` again. A asks the server: `list:room` (`io.in(\'room1\').fetchSockets()`), `list:namespace` (`nsp.fetchSockets()`), `list:server` (every namespace). The answers come back through acks.',
        ko: 'B가 다시 `room1`에 들어갑니다. A가 서버에 묻습니다: `list:room`(`io.in(\'room1\').fetchSockets()`), `list:namespace`(`nsp.fetchSockets()`), `list:server`(모든 네임스페이스). 답은 ack로 돌아옵니다.',
      },
      {
        en: '`/admin` is not in the list: it is admin-ui\'s namespace, used by the Server view.',
        ko: '`/admin`은 목록에 없습니다. 서버 보기가 쓰는 admin-ui의 네임스페이스이기 때문입니다.',
      },
    ],
    run: { en: 'List room1, /, the server', ko: 'room1, /, 서버 목록 보기' },
    leaves: { en: 'B is in `room1`, A is not.', ko: 'B는 `room1`에 있고 A는 없는 상태.' },
  },
  {
    id: 'disconnect',
    title: { en: 'Disconnect reasons', ko: '연결 끊김의 이유' },
    body: [
      {
        en: 'When the client closes (the tab\'s Disconnect, `socket.disconnect()`), it sees `io client disconnect` and the server sees `client namespace disconnect`. Closing the whole browser tab gives `transport close` on the server.',
        ko: '클라이언트가 연결을 닫으면(탭의 Disconnect, `socket.disconnect()`) 클라이언트에는 `io client disconnect`, 서버에는 `client namespace disconnect`가 보입니다. 브라우저 탭 자체를 닫으면 서버에는 `transport close`가 옵니다.',
      },
      {
        en: 'When the server closes it (`kick` → `socket.disconnect(true)`), the client sees `io server disconnect` and does not reconnect by itself. The others learn the reason from `presence` `{action: "left", reason}`.',
        ko: '서버가 끊으면(`kick` → `socket.disconnect(true)`) 클라이언트에는 `io server disconnect`가 보이고 스스로 다시 연결하지 않습니다. 다른 소켓들은 `presence` `{action: "left", reason}`으로 이유를 알게 됩니다.',
      },
      {
        en: 'The tutorial said the server has no disconnection event: every version has `disconnecting` (rooms still known) then `disconnect(reason)`.',
        ko: '튜토리얼은 서버에 연결 끊김 이벤트가 없다고 했지만, 모든 버전에 `disconnecting`(아직 룸 정보가 있음)과 그 뒤의 `disconnect(reason)`이 있습니다.',
      },
    ],
    run: { en: 'B disconnects, A gets kicked', ko: 'B는 스스로 끊고, A는 강제 퇴장' },
    leaves: { en: 'A disconnected by the server (`io server disconnect`); B connected again with a new id.', ko: 'A는 서버에 의해 끊기고(`io server disconnect`), B는 새 id로 다시 연결된 상태.' },
  },
  {
    id: 'acks',
    title: { en: 'Acknowledgements, both ways', ko: '양방향 ack(응답 콜백)' },
    body: [
      {
        en: 'Client → server: `socket.emit(\'chat\', text, (result) => ...)`; the server calls the callback and the answer travels back with the same ack id. The log links the two and shows the latency.',
        ko: '클라이언트 → 서버: `socket.emit(\'chat\', text, (result) => ...)`. 서버가 콜백을 호출하면 답이 같은 ack id로 돌아옵니다. 로그는 둘을 이어서 지연 시간을 보여 줍니다.',
      },
      {
        en: 'Server → client: after `quiz:start`, the server emits `quiz` with a callback and waits (`socket.timeout(ms).emit`). The tab answers the pending ack; the server replies `quiz:result`.',
        ko: '서버 → 클라이언트: `quiz:start` 뒤에 서버가 콜백과 함께 `quiz`를 보내고 기다립니다(`socket.timeout(ms).emit`). 탭이 대기 중인 ack에 답하면 서버가 `quiz:result`로 답합니다.',
      },
    ],
    run: { en: 'Chat with an ack, then answer the quiz', ko: 'ack와 함께 chat, 그리고 퀴즈에 답하기' },
    leaves: { en: 'A connected; the quiz answered.', ko: 'A가 연결되어 있고 퀴즈에 답한 상태.' },
  },
  {
    id: 'v2',
    title: { en: 'Where the tutorial\'s v2 code differs in v4', ko: '튜토리얼의 v2 코드가 v4에서 다른 점' },
    body: [
      {
        en: 'The demo server follows the tutorial\'s ideas the v4 way. The run sends `enter` with an empty room and no ack: v4 really sends the `error` event the server emits (v2 reserved it and dropped it), then enters `v4-demo` for a moment and lists the rooms (`adapter.rooms` is a `Map` of `Set`s now; over the wire it becomes an object of arrays).',
        ko: '데모 서버는 튜토리얼의 개념을 v4 방식으로 구현합니다. 실행하면 빈 룸 이름으로 ack 없이 `enter`를 보냅니다. v4는 서버가 보낸 `error` 이벤트를 실제로 전달합니다(v2에서는 예약어라 버려졌습니다). 그다음 잠시 `v4-demo`에 들어가 룸 목록을 봅니다(`adapter.rooms`는 이제 `Set`을 담은 `Map`이고, 전송될 때는 배열을 담은 객체가 됩니다).',
      },
    ],
    run: { en: 'Provoke an error event, list rooms', ko: 'error 이벤트 일으키기, 룸 목록 보기' },
    leaves: { en: 'A connected; nothing else changed.', ko: 'A가 연결된 상태, 그 밖의 변화 없음.' },
    table: [
      {
        v2: 'socketIo(httpServer)',
        v4: 'new Server(httpServer, { cors })',
        note: { en: 'The ESM entry has no default export; CORS must be set for a page on another origin.', ko: 'ESM 진입점에는 default export가 없습니다. 다른 origin의 페이지를 위해 CORS를 설정해야 합니다.' },
      },
      {
        v2: 'io.sockets.adapter.rooms[\'r\']',
        v4: 'nsp.adapter.rooms.get(\'r\') / await nsp.in(\'r\').fetchSockets()',
        note: { en: 'A Map of Sets, this process only; fetchSockets() spans every server.', ko: 'Set을 담은 Map이고 이 프로세스만 봅니다. fetchSockets()는 모든 서버를 봅니다.' },
      },
      {
        v2: 'socket.leaveAll()',
        v4: 'for (const r of socket.rooms) if (r !== socket.id) socket.leave(r)',
        note: { en: 'Private in v4, and it also drops the own id room.', ko: 'v4에서는 비공개이고 자기 id 룸까지 나갑니다.' },
      },
      {
        v2: 'socket.join(room, cb)',
        v4: 'await socket.join(room)',
        note: { en: 'No callback; synchronous in memory, a promise with other adapters.', ko: '콜백이 없습니다. 메모리 어댑터에서는 동기, 다른 어댑터에서는 promise입니다.' },
      },
      {
        v2: { en: '"the server has no disconnection event"', ko: '"서버에는 연결 해제 이벤트가 없다"' },
        v4: 'socket.on(\'disconnecting\') → socket.on(\'disconnect\', reason)',
        note: { en: 'Wrong in every version; `disconnecting` still knows the rooms.', ko: '어느 버전에서도 틀린 말입니다. `disconnecting`에서는 아직 룸을 알 수 있습니다.' },
      },
      {
        v2: 'socket.emit(\'error\', …)',
        v4: { en: '`socket.emit(\'error\', …)` is delivered', ko: '`socket.emit(\'error\', …)`가 전달됩니다' },
        note: { en: 'v2 reserved "error" and never sent it; prefer an unambiguous name.', ko: 'v2에서는 "error"가 예약어라 전송되지 않았습니다. 헷갈리지 않는 이름을 쓰세요.' },
      },
    ],
  },
  {
    id: 'cluster',
    needs: 'cluster',
    title: { en: 'One room, three servers', ko: '하나의 룸, 세 대의 서버' },
    body: [
      {
        en: 'Real deployments run several Socket.IO servers. `npm run demo:cluster` starts the demo as three nodes (`NODES=3`): a front door on `PORT` (3000) that balances connections with sticky sessions, and node i on `PORT+i` (3001, 3002, 3003). This step opens one tab straight on each node\'s port; each `welcome` names its node (`welcome.node`), and the session panel shows it.',
        ko: '실제 서비스는 Socket.IO 서버를 여러 대 띄웁니다. `npm run demo:cluster`는 데모를 세 개의 노드로 실행합니다(`NODES=3`). `PORT`(3000)의 앞문은 스티키 세션으로 연결을 나눠 주고, 노드 i는 `PORT+i`(3001, 3002, 3003)에서 받습니다. 이 단계는 각 노드의 포트에 탭을 하나씩 직접 엽니다. 각 `welcome`에는 노드 이름(`welcome.node`)이 있고, 세션 패널에 표시됩니다.',
      },
      {
        en: 'Rooms live in the adapter (`@socket.io/cluster-adapter` by default, `@socket.io/redis-adapter` with `ADAPTER=redis`). The three tabs `enter` `cluster-room`, each on its own node; the tab on node 1 sends `chat:room`, and `socket.to(\'cluster-room\').emit(...)` reaches the other two nodes through the adapter. `list:room` (`fetchSockets()`) asks every node and lists all three.',
        ko: '룸은 어댑터에 있습니다(기본은 `@socket.io/cluster-adapter`, `ADAPTER=redis`이면 `@socket.io/redis-adapter`). 세 탭이 각자의 노드에서 `cluster-room`에 `enter`합니다. 노드 1의 탭이 `chat:room`을 보내면 `socket.to(\'cluster-room\').emit(...)`이 어댑터를 거쳐 다른 두 노드에 전달됩니다. `list:room`(`fetchSockets()`)은 모든 노드에 물어서 세 소켓을 모두 보여 줍니다.',
      },
      {
        en: 'Open the Server view: admin-ui on the node it is connected to reports every node (`server_stats` per `serverId`, through the adapter). It lists the three nodes, each with the sockets living on it, and marks every socket\'s node. Join, leave, disconnect and emit work on a socket of any node.',
        ko: '서버 보기를 열어 보세요. 연결된 노드의 admin-ui가 어댑터를 통해 모든 노드를 보고합니다(`serverId`마다 `server_stats`). 세 노드와 각 노드에 있는 소켓을 보여 주고, 소켓마다 어느 노드에 있는지 표시합니다. join, leave, disconnect, emit은 어느 노드의 소켓에도 됩니다.',
      },
      {
        en: 'Without an adapter, every node keeps its own in-memory rooms: node 1\'s room message reaches only the members on node 1 (here nobody), `fetchSockets()` and admin-ui see one node, and `chat:direct` to a socket on another node finds nobody.',
        ko: '어댑터가 없으면 노드마다 메모리 안에 자기 룸만 가집니다. 노드 1의 룸 메시지는 노드 1에 있는 멤버에게만 가고(여기서는 아무도 없음), `fetchSockets()`와 admin-ui는 노드 하나만 보며, 다른 노드의 소켓에 보낸 `chat:direct`는 아무에게도 닿지 않습니다.',
      },
      {
        en: 'Without sticky sessions, HTTP long-polling breaks: one session\'s requests land on different nodes, and a node that does not know the session answers HTTP 400 `{"code":1,"message":"Session ID unknown"}` (the inspector diagnoses it). The fixes: sticky sessions in the balancer (`@socket.io/sticky` here), or WebSocket only (`transports: [\'websocket\']`: one long connection stays on one node).',
        ko: '스티키 세션이 없으면 HTTP 롱폴링이 깨집니다. 한 세션의 요청이 여러 노드로 흩어지고, 그 세션을 모르는 노드는 HTTP 400 `{"code":1,"message":"Session ID unknown"}`으로 답합니다(인스펙터가 진단해 줍니다). 해결책은 로드 밸런서의 스티키 세션(여기서는 `@socket.io/sticky`) 또는 WebSocket만 쓰기(`transports: [\'websocket\']`: 긴 연결 하나가 한 노드에 머뭅니다)입니다.',
      },
    ],
    run: { en: 'One tab per node, all in cluster-room, node 1 chats to it', ko: '노드마다 탭 하나, 모두 cluster-room에, 노드 1이 말하기' },
    leaves: { en: 'Three tabs, one on each node, all in `cluster-room`.', ko: '노드마다 하나씩 세 탭이 모두 `cluster-room`에 있는 상태.' },
  },
]
