/** Korean texts of ../en/diagnosis.ts (the same keys and parameters: test/ui/i18n.test.ts). */
import type { MessageTree } from '../..'
import type { CodeTexts, DIAGNOSIS_VARIANTS } from '../en/diagnosis'
import { literal } from '../../../lib/i18n-literal'
import { codes } from '../en/diagnosis'

const VARIANTS_KO: Record<keyof typeof DIAGNOSIS_VARIANTS, string> = {
  pathInvalidTitle: '핸드셰이크 경로가 올바르지 않습니다',
  pathInvalidSuggestion: '/socket.io 같은 경로(서버의 path 옵션)를 "#", "?", ".."나 스킴 없이 입력하세요.',
  urlInvalidTitle: 'URL이 올바르지 않습니다',
  urlInvalidSuggestion: 'http://localhost:3000/ 같은 URL을 입력하세요 (URL의 경로가 네임스페이스입니다).',
  requestFailedTitle: '핸드셰이크 요청이 실패했습니다',
  requestFailedSuggestion: 'URL이 맞는지, 서버가 실행 중인지 확인하세요. 정확한 오류는 아래 점검 세부 정보에 있습니다.',
  websocketOnlyTitle: '서버가 WebSocket만 받습니다',
  websocketOnlySuggestion: 'transports를 WebSocket만으로 설정하세요.',
  engineErrorTitle: '서버가 핸드셰이크에 Engine.IO 오류로 답했습니다',
  engineErrorSuggestion: '서버의 엔진 옵션(transports, allowRequest, allowEIO3)과 앞단의 프록시를 확인하세요.',
  clientFailedTitle: '서버는 응답하는데 클라이언트의 연결은 실패했습니다',
  websocketBlockedSuggestion: 'polling은 되는데 WebSocket 연결이 실패했습니다: 프록시가 WebSocket을 막고 있을 수 있습니다. polling만 써 보거나 프록시를 확인하세요.',
  corsWebsocketWorksSuggestion: 'transports를 WebSocket만으로 설정하거나 (WebSocket에는 CORS가 필요 없습니다), 인스펙터의 릴레이를 통해 연결하거나, 서버의 cors 옵션에 이 페이지의 origin을 추가하세요.',
  parserDefaultTitle: '서버가 다른 Socket.IO 파서를 씁니다 (msgpack이 아니라 기본 socket.io-parser)',
}

const CODES_KO: CodeTexts = {
  'unreachable': {
    title: '이 주소에서 아무것도 응답하지 않습니다',
    suggestion: '서버가 실행 중인지, 호스트와 포트가 맞는지 확인하세요. '
      + '자체 서명 인증서를 쓰는 https URL이라면 브라우저 탭에서 그 URL을 한 번 열어 인증서를 수락하세요.',
  },
  'no-socketio-at-path': {
    title: '서버는 응답하지만 이 경로에 Socket.IO가 없습니다',
    suggestion: 'path 옵션을 서버가 쓰는 경로로 설정하세요 (서버의 `path` 옵션, 기본값 "/socket.io"). '
      + 'URL 자체의 경로는 핸드셰이크 경로가 아니라 네임스페이스입니다.',
  },
  'invalid-namespace': {
    title: '서버에 그런 네임스페이스가 없습니다',
    suggestion: '네임스페이스는 서버가 선언해야만 존재합니다 (io.of("/name")). '
      + '"/"나 서버가 선언한 네임스페이스로 연결하세요. URL의 경로가 네임스페이스입니다.',
  },
  'middleware-rejected': {
    title: '서버(미들웨어)가 연결을 거부했습니다',
    suggestion: '서버 미들웨어가 next(err)를 호출했습니다. 그 메시지와 data를 읽고, 요구하는 것을 보내세요 '
      + '(보통 토큰 같은 auth나 query 파라미터).',
  },
  'handshake-refused': {
    title: '서버가 핸드셰이크를 거부했습니다',
    suggestion: 'Socket.IO 앞단의 무언가가 핸드셰이크 요청에 HTTP 오류로 답했습니다: 엔진 수준 미들웨어'
      + '(io.engine.use, 예: passport), allowRequest 옵션, 또는 프록시입니다. Socket.IO의 `auth`는 거기까지 닿지 않습니다: '
      + '그쪽이 검사하는 값을 HTTP 헤더(Authorization)나 쿠키로, 릴레이를 통해 보내세요 (페이지는 Cookie 헤더를 보낼 수 '
      + '없고, 추가 헤더는 polling 요청에만 실어 보냅니다).',
  },
  'server-v2': {
    title: 'Socket.IO 2.x 서버입니다',
    suggestion: 'v4 클라이언트는 2.x 서버와 통신할 수 없습니다. 클라이언트를 v2(socket.io-client 2.x)로 바꾸거나, '
      + '서버를 socket.io 4로 올리세요 (또는 3.x/4.x 서버에서 옛 클라이언트를 위해 allowEIO3를 켜세요).',
  },
  'cors-rejected': {
    title: '서버가 이 페이지의 origin을 허용하지 않습니다 (CORS)',
    suggestion: 'WebSocket만 쓰거나 (transports: ["websocket"]; WebSocket에는 CORS가 필요 없습니다), 인스펙터의 '
      + '릴레이를 통해 연결하거나, 서버의 cors 옵션에 이 페이지의 origin을 추가하세요.',
  },
  'tls-error': {
    title: '보안(TLS) 연결이 실패했습니다',
    suggestion: '서버 인증서를 신뢰할 수 없거나 (자체 서명, 만료, 다른 호스트용), 그 포트가 TLS를 쓰지 않습니다. '
      + '서버가 https가 아니라면 http://를 쓰고, 아니면 인증서를 신뢰하거나 (탭에서 URL을 열고 수락) 릴레이를 통해 '
      + '연결하세요.',
  },
  'mixed-content': {
    title: 'https 페이지는 http/ws 서버에 연결할 수 없습니다',
    suggestion: '브라우저는 보안 페이지에서 나가는 보안되지 않은 연결을 막습니다. 인스펙터를 http로 열거나, '
      + '서버를 https/wss로 제공하거나, 인스펙터의 릴레이를 통해 연결하세요.',
  },
  'timeout': {
    title: '서버가 끝내 응답하지 않았습니다',
    suggestion: '이 포트에서 무언가가 연결을 받지만 핸드셰이크에 답하지 않습니다. Socket.IO 서버가 맞는지, '
      + '멈춰 있지 않은지 (막힌 이벤트 루프, 디버거 일시 정지), 요청을 붙잡고 있는 프록시가 없는지 확인하세요.',
  },
  'not-a-socketio-server': {
    title: 'Socket.IO 서버가 아닙니다',
    suggestion: '서버가 HTTP에는 답하지만, 흔히 쓰는 핸드셰이크 경로 어디에서도 Socket.IO처럼 답하지 않습니다. '
      + '포트를 확인하고, 서버가 특이한 path 옵션을 쓴다면 그 값을 확인하세요.',
  },
  'handshake-closed': {
    title: '핸드셰이크 중에 서버가 연결을 닫았습니다',
    suggestion: '무언가가 연결을 받은 뒤 답 없이 끊었습니다: 죽는 서버, 프록시, 또는 이 포트에서 HTTP를 쓰지 않는 '
      + '서버입니다. 서버 로그와 포트를 확인하세요.',
  },
  'malformed-handshake': {
    title: '서버가 잘못된 핸드셰이크를 보냈습니다',
    suggestion: '첫 패킷(Engine.IO의 open 패킷: 0과 sid, upgrades, pingInterval, pingTimeout을 담은 JSON 객체)이 '
      + '깨져 있어서, socket.io-client가 예외를 던지게 두는 대신 인스펙터가 이 연결을 닫았습니다. 그 포트가 다른 '
      + '서비스나 응답을 바꾸는 프록시가 아니라 Socket.IO 서버인지, 그리고 서버의 엔진 옵션을 확인하세요 '
      + '(사용자 정의 generateId는 문자열을 반환해야 하고, pingInterval과 pingTimeout은 숫자입니다).',
  },
  'ping-timeout': {
    title: '핸드셰이크 뒤에 서버가 응답을 멈췄습니다 (ping timeout)',
    suggestion: '연결은 열렸지만 그 뒤 서버의 하트비트가 멈췄습니다. 서버가 과부하이거나, 이벤트 루프가 막혔거나, '
      + '프록시가 유휴 연결을 끊었을 수 있습니다. reconnection이 켜져 있으면 socket.io가 스스로 다시 연결합니다.',
  },
  'sticky-sessions-missing': {
    title: '이 서버는 sticky session 없이 여러 노드에서 돌아갑니다',
    suggestion: '핸드셰이크는 한 노드에 닿고 다음 요청은 다른 노드에 닿아 "Session ID unknown"이라는 답을 받았습니다. '
      + 'WebSocket만 쓰거나 (transports: ["websocket"]: 연결 하나에 노드 하나), 서버 쪽에서 sticky session을 켜세요 '
      + '(로드 밸런서의 쿠키 또는 IP 기반 affinity, Node cluster 워커라면 @socket.io/sticky).',
  },
  'parser-mismatch': {
    title: '서버가 다른 Socket.IO 파서를 씁니다 (msgpack?)',
    suggestion: '서버와 클라이언트는 패킷을 같은 방식으로 인코딩해야 합니다: socket.io-parser(기본값) 또는 '
      + 'socket.io-msgpack-parser(`new Server(http, { parser })`). Parser 옵션을 서버가 쓰는 것으로 설정하세요. '
      + '다른 파서로는 Engine.IO 핸드셰이크까지는 되지만, 그 뒤 서버가 연결을 닫고("parse error") socket.io는 '
      + '끝내 연결되지 않는 재연결을 되풀이합니다.',
  },
  'unknown': {
    title: '점검에서 문제를 찾지 못했습니다',
    suggestion: '여기서는 서버가 Socket.IO 핸드셰이크에 응답합니다. 옵션(auth, query, headers)을 확인하고, '
      + '로그의 프레임을 살펴본 뒤 다시 시도하세요.',
  },
}

export default {
  diagnosis: {
    codes: codes(CODES_KO),
    variants: Object.fromEntries(Object.entries(VARIANTS_KO).map(([key, text]) => [key, literal(text)])),
    setParser: 'Parser 옵션을 "{parser}"(으)로 설정하고 다시 연결하세요.',
  },
} satisfies MessageTree
