/** Korean texts of ../en/heartbeat.ts (the same keys and parameters: test/ui/i18n.test.ts). */
import type { MessageTree } from '../..'

export default {
  heartbeat: {
    title: '핸드셰이크와 하트비트',
    none: '열린 Engine.IO 연결이 없습니다: open 패킷이 오면 채워집니다.',
    ms: '{n} ms',
    s: '{n}초',
    bytes: '{n}바이트',
    maxPayloadEio3: 'Engine.IO 3 (socket.io 2)에는 없음',
    notSent: '보내지 않음',
    pingerClient: '클라이언트 (Engine.IO 3), 서버가 응답',
    pingerServer: '서버 (Engine.IO 4), 클라이언트가 응답',
    interval: 'ping 사이 간격',
    roundTrip: 'ping 왕복 시간',
    waitSecondPing: '두 번째 ping을 기다리는 중',
    waitFirstPong: '첫 pong을 기다리는 중',
    measured: '{what}: 마지막 {last}, 평균 {mean}, 지터 (최대 − 최소) {jitter}, 표본 {n}개',
    ago: '{n}초 전',
    warning: '{silent}초 동안 {beat} 없음, 예상 주기 {interval}초 + 시간 제한 {timeout}초',
    warningServer: '서버는 {interval}초마다 ping을 보냅니다. {giveUp}초 안에 오지 않으면 socket.io-client가 연결을 닫습니다 ("ping timeout"). 서버가 멈췄거나 (막힌 이벤트 루프) 네트워크가 막혔을 수 있습니다.',
    warningClient: '클라이언트는 {interval}초마다 ping을 보냅니다 (socket.io 2). {timeout}초 안에 pong이 오지 않으면 socket.io-client가 연결을 닫습니다 ("ping timeout"). 서버가 멈췄거나 네트워크가 막혔을 수 있습니다.',
    sidTitle: 'open 패킷의 Engine.IO 세션 id (Socket.IO 소켓 id가 아님)',
    maxPayloadTitle: '서버가 polling 요청 하나에 받아 주는 가장 큰 페이로드',
    upgradesTitle: '서버가 업그레이드하자고 제안한 transport',
    noneOffered: '제안 없음',
    whoPings: 'ping 보내는 쪽',
    measuredLabel: '측정값',
    lastPacket: '마지막 패킷',
    lastPacketTitle: '하트비트마다 새로 고칩니다: 두 하트비트 사이의 트래픽이 더 최근일 수 있습니다. 회선이 조용할 때는 정확합니다',
  },
} satisfies MessageTree
