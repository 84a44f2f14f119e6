/** Korean texts of ../en/frames.ts (the same keys and parameters: test/ui/i18n.test.ts). */
import type { MessageTree } from '../..'

export default {
  frames: {
    intro: '이 세션의 Engine.IO 프레임 (오간 그대로)',
    typesLabel: '패킷 종류',
    types: {
      all: '모든 종류',
      noHeartbeat: 'ping/pong 숨기기',
      message: '메시지 (4)',
      engine: 'Engine.IO만',
      upgrade: '업그레이드 (probe, 5, 6)',
    },
    directionLabel: '방향',
    inAndOut: '수신과 송신',
    filter: '프레임 거르기 (2probe, 42[…)',
    filterLabel: '텍스트로 프레임 거르기',
    label: '프레임',
    noMatch: '필터와 일치하는 프레임이 없습니다.',
    empty: '아직 프레임이 없습니다.',
    select: '프레임을 선택하면 원본 텍스트와 디코딩한 패킷을 볼 수 있습니다.',
    raw: '원본 ({type}, {size}, 프로토콜 {protocol})',
    decoded: '디코딩 결과',
    chars: '({n}자)',
    noData: '(데이터 없음)',
    binary: '바이너리, {size}',
    binaryLabel: '바이너리',
    summary: {
      namespace: '네임스페이스 {nsp}',
      event: '이벤트 "{name}"',
      args: '인자 {n}개',
      ackId: 'ack id {id}',
      attachments: '바이너리 첨부 {n}개가 뒤따름',
      recoveryOffset: '복구 오프셋 {offset} (인자가 아님)',
      recoverySession: '복구 세션 {pid}',
      attachment: '앞 패킷의 바이너리 첨부, {size}',
      error: '디코딩할 수 없습니다: {message}',
    },
  },
} satisfies MessageTree
