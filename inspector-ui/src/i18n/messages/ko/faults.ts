/** Korean texts of ../en/faults.ts (the same keys and parameters: test/ui/i18n.test.ts). */
import type { MessageTree } from '../..'

export default {
  faults: {
    label: '장애 주입',
    title: '장애 주입',
    drop: 'transport 끊기',
    dropWhatA: '네트워크가 끊긴 것처럼:',
    dropWhatB: ', 그다음 새 id',
    stopPings: 'ping에 응답하지 않기',
    pingsAgain: '다시 ping에 응답하기',
    stopPingsClient: '클라이언트가 ping을 멈춥니다 (EIO3): 하트비트가 시간 초과됩니다',
    stopPingsServer: '우리 pong을 붙잡아 둡니다: 서버가 ping timeout으로 연결을 끝냅니다',
    offline: '오프라인 전환',
    online: '지금 다시 온라인',
    offlineSeconds: '오프라인 시간(초)',
    secondsUnit: '초',
    offlineLeft: '오프라인: {s}초 남음',
    offlineWhat: '끊은 뒤, 모든 시도가 닿을 수 없는 네트워크처럼 실패합니다',
    reconnection: '재연결: {state}',
    on: '켜짐',
    off: '꺼짐',
    reconnectionWhatA: 'socket.io의',
    reconnectionWhatB: '를 실행 중에 전환',
    queue: '오프라인 동안 대기열에 넣기',
    queueWhat: '연결이 끊긴 동안의 emit은 socket.io의 전송 버퍼에서 기다립니다 (끄면 거부)',
    buffer: '전송 버퍼:',
    waiting: '개 emit 대기 중',
  },
} satisfies MessageTree
