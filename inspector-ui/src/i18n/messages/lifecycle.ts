/**
 * The connection panel (LifecyclePanel): state, socket id, transport, client, the diagnosis box and its
 * one-click fixes, the history of socket ids; and the disconnect reasons' explanations (core
 * session/explain.ts, translated by reason in lib/kind-text.ts).
 */
import type { MessageModule, MessageTree } from '..'
import { explainDisconnect } from '#core'
import { literal } from '../../lib/i18n-literal'

/** socket.io's disconnect reasons with a translated explanation (core session/explain.ts), by message key. */
export const DISCONNECT_REASON_KEYS: Readonly<Record<string, string>> = {
  'io server disconnect': 'ioServerDisconnect',
  'io client disconnect': 'ioClientDisconnect',
  'ping timeout': 'pingTimeout',
  'transport close': 'transportClose',
  'transport error': 'transportError',
  'parse error': 'parseError',
  'forced close': 'forcedClose',
  'server namespace disconnect': 'serverNamespaceDisconnect',
  'client namespace disconnect': 'clientNamespaceDisconnect',
  'server shutting down': 'serverShuttingDown',
  'forced server close': 'forcedServerClose',
}

/** The end of a reason's explanation when socket.io reconnects, and the live session's rewording when reconnection is off. */
const RECONNECTS = /; socket\.io reconnects by itself\.$/
const RECONNECTION_OFF = '; reconnection is off, so the session stays disconnected.'

/** The English is the core's own explanation of each reason (`explainDisconnect`), not a copy of it. */
function englishReasons(variant: (explanation: string) => string | undefined): MessageTree {
  const out: MessageTree = {}
  for (const [reason, key] of Object.entries(DISCONNECT_REASON_KEYS)) {
    const text = variant(explainDisconnect(reason).explanation)
    if (text !== undefined)
      out[key] = literal(text)
  }
  return out
}

export default {
  en: {
    lifecycle: {
      label: 'Connection',
      facts: { state: 'State', socketId: 'Socket id', transport: 'Transport', namespace: 'Namespace', node: 'Node', client: 'Client' },
      state: {
        imported: 'imported capture (read-only)',
        idle: 'not connected',
        reconnecting: 'reconnecting',
        reconnectingAttempt: 'reconnecting (attempt {n})',
        connecting: 'connecting',
        connected: 'connected',
        disconnected: 'disconnected',
      },
      none: 'none',
      noneLast: 'none (last: {transport})',
      copy: 'copy',
      copied: 'copied',
      copyIdTitle: 'Copy the socket id',
      nodeTitle: 'The node this connection landed on, as the server\'s welcome event names it (welcome.node)',
      client: {
        attached: 'your app\'s socket.io-client ({runtime}, attached)',
        v2: 'socket.io-client v2 (socket.io 2.x servers)',
        viaRelay: ', through the relay (the inspector\'s Node process)',
        inPage: ', in this page',
      },
      late: {
        text: 'no packet for {silent} s (heartbeat expected every {interval} s)',
        server: 'The server pings every {interval} s and nothing has come since: it may be frozen or the network stalled. socket.io-client closes the connection ("ping timeout") {giveUp} s after the last packet.',
        client: 'The client pings every {interval} s (socket.io 2) and no answer has come: the server may be frozen or the network stalled. socket.io-client closes the connection ("ping timeout") when {timeout} s pass without an answer.',
      },
      diag: {
        still: 'Still connecting after {s} s.',
        probing: 'Checking the server to say why…',
        viaRelay: 'Checked from the inspector\'s Node process (through the relay).',
        failed: 'Connection failed: {message}',
        clientSaid: 'socket.io-client said:',
        detail: 'detail:',
        retries: 'socket.io keeps trying by itself.',
        noRetry: 'socket.io will not retry by itself: fix the cause, then Connect again.',
      },
      fix: {
        noRelay: 'The relay needs the inspector\'s own server (npm start)',
        v2: 'Switch to the v2 client',
        msgpack: 'Use the msgpack parser and connect',
        defaultParser: 'Use the default parser and connect',
        path: 'Use the path {path}',
        websocket: 'Use WebSocket only',
        relay: 'Connect through the relay',
        tls: 'Accept self-signed certificates',
        relayTls: 'Use the relay and accept self-signed certificates',
        connectsTitle: 'Changes the connect options of this tab and connects again',
        title: 'Changes the connect options of this tab; then press Connect',
        appliedConnecting: 'Options updated: connecting again.',
        applied: 'Options updated: press Connect.',
      },
      history: {
        title: 'Socket ids ({n})',
        none: 'No id yet: a socket id is given by the server on connect.',
        now: 'now',
        endOfCapture: 'end of capture',
        endOfCaptureAt: '(end of capture)',
        recovered: 'recovered',
      },
      duration: { s: '{s} s', min: '{min} min {s} s' },
      reasons: {
        replaced: 'Closed by the inspector: the tab connected again with other options.',
        ...englishReasons(explanation => explanation),
      },
      reasonsOff: englishReasons(explanation => RECONNECTS.test(explanation) ? explanation.replace(RECONNECTS, RECONNECTION_OFF) : undefined),
    },
  },
  ko: {
    lifecycle: {
      label: '연결',
      facts: { state: '상태', socketId: '소켓 id', transport: 'Transport', namespace: '네임스페이스', node: '노드', client: '클라이언트' },
      state: {
        imported: '가져온 캡처 (읽기 전용)',
        idle: '연결 안 됨',
        reconnecting: '재연결 중',
        reconnectingAttempt: '재연결 중 ({n}번째 시도)',
        connecting: '연결 중',
        connected: '연결됨',
        disconnected: '연결 끊김',
      },
      none: '없음',
      noneLast: '없음 (마지막: {transport})',
      copy: '복사',
      copied: '복사됨',
      copyIdTitle: '소켓 id 복사',
      nodeTitle: '이 연결이 닿은 노드 (서버의 welcome 이벤트가 알려 준 이름, welcome.node)',
      client: {
        attached: '앱의 socket.io-client ({runtime}, 연결해 둔 소켓)',
        v2: 'socket.io-client v2 (socket.io 2.x 서버용)',
        viaRelay: ', 릴레이를 통해 (인스펙터의 Node 프로세스)',
        inPage: ', 이 페이지에서',
      },
      late: {
        text: '{silent}초 동안 패킷 없음 (하트비트 주기 {interval}초)',
        server: '서버는 {interval}초마다 ping을 보내는데 그 뒤로 아무것도 오지 않았습니다: 서버가 멈췄거나 네트워크가 막혔을 수 있습니다. socket.io-client는 마지막 패킷 뒤 {giveUp}초가 지나면 연결을 닫습니다 ("ping timeout").',
        client: '클라이언트는 {interval}초마다 ping을 보내는데 (socket.io 2) 응답이 오지 않았습니다: 서버가 멈췄거나 네트워크가 막혔을 수 있습니다. socket.io-client는 응답 없이 {timeout}초가 지나면 연결을 닫습니다 ("ping timeout").',
      },
      diag: {
        still: '{s}초째 연결 중입니다.',
        probing: '원인을 알아보려고 서버를 점검하는 중…',
        viaRelay: '인스펙터의 Node 프로세스에서 (릴레이를 통해) 점검했습니다.',
        failed: '연결 실패: {message}',
        clientSaid: 'socket.io-client의 메시지:',
        detail: '세부 정보:',
        retries: 'socket.io가 스스로 계속 시도합니다.',
        noRetry: 'socket.io는 스스로 다시 시도하지 않습니다: 원인을 고친 뒤 다시 Connect를 누르세요.',
      },
      fix: {
        noRelay: '릴레이는 인스펙터 자체 서버가 있어야 씁니다 (npm start)',
        v2: 'v2 클라이언트로 바꾸기',
        msgpack: 'msgpack 파서로 연결',
        defaultParser: '기본 파서로 연결',
        path: '경로 {path} 사용',
        websocket: 'WebSocket만 사용',
        relay: '릴레이를 통해 연결',
        tls: '자체 서명 인증서 허용',
        relayTls: '릴레이를 쓰고 자체 서명 인증서 허용',
        connectsTitle: '이 탭의 연결 옵션을 바꾸고 다시 연결합니다',
        title: '이 탭의 연결 옵션을 바꿉니다. 그다음 Connect를 누르세요',
        appliedConnecting: '옵션을 바꿨습니다: 다시 연결하는 중.',
        applied: '옵션을 바꿨습니다: Connect를 누르세요.',
      },
      history: {
        title: '소켓 id ({n})',
        none: '아직 id가 없습니다: 소켓 id는 연결할 때 서버가 줍니다.',
        now: '지금',
        endOfCapture: '캡처 끝',
        endOfCaptureAt: '(캡처 끝)',
        recovered: '복구됨',
      },
      duration: { s: '{s}초', min: '{min}분 {s}초' },
      reasons: {
        replaced: '인스펙터가 닫았습니다: 탭이 다른 옵션으로 다시 연결했습니다.',
        ioServerDisconnect: '서버가 이 소켓을 닫았습니다 (서버의 socket.disconnect()). socket.io는 스스로 다시 연결하지 않습니다.',
        ioClientDisconnect: '이 클라이언트가 소켓을 닫았습니다 (socket.disconnect()). socket.io는 스스로 다시 연결하지 않습니다.',
        pingTimeout: '서버의 하트비트가 pingInterval + pingTimeout 안에 오지 않았습니다 (네트워크 또는 막힌 이벤트 루프). socket.io가 스스로 다시 연결합니다.',
        transportClose: '소켓 아래의 연결이 닫혔습니다 (서버 중지, 네트워크 끊김, 또는 프록시가 끊음). socket.io가 스스로 다시 연결합니다.',
        transportError: '연결이 오류로 실패했습니다 (예: polling 중 HTTP 오류). socket.io가 스스로 다시 연결합니다.',
        parseError: '클라이언트가 디코딩할 수 없는 패킷을 받았습니다 (서버와 클라이언트의 프로토콜 불일치?). socket.io가 스스로 다시 연결합니다.',
        forcedClose: '클라이언트 쪽에서 연결을 닫았습니다 (Manager가 닫혔거나 그 위의 소켓이 모두 떠남). socket.io는 스스로 다시 연결하지 않습니다.',
        serverNamespaceDisconnect: '서버가 소켓을 네임스페이스에서 끊었습니다 (서버의 socket.disconnect()).',
        clientNamespaceDisconnect: '클라이언트가 네임스페이스를 떠났습니다 (클라이언트의 socket.disconnect()).',
        serverShuttingDown: '서버가 종료하는 중입니다 (io.close()). 서버가 돌아오면 클라이언트가 스스로 다시 연결합니다.',
        forcedServerClose: '서버가 연결 전체를 닫았습니다 (socket.disconnect(true)). 클라이언트는 스스로 다시 연결하지 않습니다.',
      },
      reasonsOff: {
        pingTimeout: '서버의 하트비트가 pingInterval + pingTimeout 안에 오지 않았습니다 (네트워크 또는 막힌 이벤트 루프). reconnection이 꺼져 있어 세션은 끊긴 채로 남습니다.',
        transportClose: '소켓 아래의 연결이 닫혔습니다 (서버 중지, 네트워크 끊김, 또는 프록시가 끊음). reconnection이 꺼져 있어 세션은 끊긴 채로 남습니다.',
        transportError: '연결이 오류로 실패했습니다 (예: polling 중 HTTP 오류). reconnection이 꺼져 있어 세션은 끊긴 채로 남습니다.',
        parseError: '클라이언트가 디코딩할 수 없는 패킷을 받았습니다 (서버와 클라이언트의 프로토콜 불일치?). reconnection이 꺼져 있어 세션은 끊긴 채로 남습니다.',
      },
    },
  },
} satisfies MessageModule
