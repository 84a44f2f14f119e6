/** The shell (App.vue): header, view buttons, tabs, banners. */
import type { MessageModule } from '..'

export default {
  en: {
    app: {
      uiLang: 'Language',
    },
  },
  ko: {
    app: {
      uiLang: '언어',
    },
  },
} satisfies MessageModule
