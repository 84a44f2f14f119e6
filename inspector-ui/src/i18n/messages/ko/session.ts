/** Korean texts of ../en/session.ts (the same keys and parameters: test/ui/i18n.test.ts). */
import type { MessageTree } from '../..'

export default {
  session: {
    welcome: {
      url: '위에 서버 URL을 입력하고 (경로가 네임스페이스입니다:',
      press: ')',
      tabs: '를 누르세요. 연결마다 탭이 하나씩 생기고 (',
      timeline: '로 탭 추가), 타임라인은 모든 탭을 합쳐 보여 줍니다.',
    },
    events: '이벤트',
    frames: '프레임',
    export: '내보내기',
    exportTitle: '이 탭의 로그를 JSON 파일로 내려받기',
    scenario: '시나리오로 저장',
    scenarioTitle: '이 탭을 시나리오로 저장합니다: 나중에 다시 재생해 서버가 여전히 같은 방식으로 응답하는지 확인하세요',
    resizeDetail: '세부 정보 창 크기 조절',
    resizeSide: '옆 패널 크기 조절',
    importedNote: '가져온 캡처: 읽기 전용 (연결 없음, 보낼 수 없음).',
    timeline: {
      title: '타임라인',
      intro: '모든 세션을 일어난 순서대로 합친 것',
      export: '모두 내보내기',
      exportTitle: '모든 세션의 로그를 JSON 파일 하나로 내려받기',
      scenarioTitle: '모든 탭을 시나리오 하나로 저장 (여러 클라이언트를 동시에)',
    },
    acks: {
      label: '서버의 ack 요청',
      title: '서버가 응답을 기다립니다',
      waiting: '서버가 {s}초째 기다리는 중',
      waitingTitle: '요청이 도착한 뒤로 잰 시간입니다. 서버 자신의 시간 제한은 클라이언트에 전달되지 않으므로 더 일찍 포기할 수 있습니다.',
      unknownTimeout: '서버의 시간 제한은 클라이언트가 알 수 없습니다.',
      window: '인스펙터 자체의 응답 시간({window}초, 옵션에서 설정)은 {left}초 뒤에 끝납니다',
      thenDropped: '. 그러면 이 요청은 응답 없이 여기서 버려집니다.',
      placeholder: '응답 인자, 예: ["4"]',
      answerLabel: '응답 (JSON5 인자)',
      answer: '응답',
    },
    noSession: '이 탭에는 세션이 없습니다',
    noRelay: '릴레이를 쓸 수 없습니다: 이 페이지는 인스펙터의 서버가 제공한 것이 아닙니다',
    closedLabel: '{label} (닫힘)',
    import: {
      tooBig: '"{name}"은(는) {size} MB입니다: 한도는 {limit} MB입니다. 캡처를 나누거나 더 적은 세션을 내보내세요.',
      empty: '"{name}"은(는) 비어 있습니다: 인스펙터에서 내보낸 파일이 아닙니다.',
      unreadable: '"{name}"을(를) 읽을 수 없습니다: {message}',
    },
    copyRefused: '{what} (브라우저가 복사를 거부함)',
    editorLoading: '편집기를 불러오는 중…',
    editorError: '편집기를 불러오지 못했습니다: {message}',
  },
} satisfies MessageTree
