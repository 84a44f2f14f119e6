/** Korean texts of ../en/code.ts (the same keys and parameters: test/ui/i18n.test.ts). */
import type { MessageTree } from '../..'

export default {
  code: {
    open: '코드로 복사',
    openTitle: '이 연결과 그 emit들을 바로 실행할 수 있는 socket.io-client 스크립트로',
    title: '클라이언트 코드로 복사',
    close: '닫기',
    closeLabel: '코드로 복사 닫기',
    client: '클라이언트',
    emits: 'Emit',
    tabEmits: '이 탭의 emit ({n})',
    latest: '{total}개 중 최근 {max}개',
    selected: '선택한 행의 이벤트만 ({name})',
    selectedNone: '선택한 행의 이벤트만: 보낸 이벤트를 선택하세요',
    secrets: { auth: 'auth', headers: '헤더', cookies: '쿠키' },
    secretsNote: '이 코드에는 이 탭의 {what} 값이 그대로 들어 있습니다: 비밀 값일 수 있으니 조심해서 공유하세요.',
    saveA: '',
    saveB: '(으)로 저장하고',
    saveC: '를 실행하세요.',
    copied: '{what} 복사됨',
    theCode: '코드',
    copy: '복사',
  },
} satisfies MessageTree
