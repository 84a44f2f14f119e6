/**
 * Part 5 of `npm run bench` (bench/ui/server-view.ts): the driver injected into @socket.io/admin-ui's own UI
 * (served by ./admin-ui-server.ts, first script of its index.html, so it runs before the app boots). It does
 * for admin-ui what inspector-ui/src/bench/server-probe.ts does for the inspector, with no automation
 * attached, and POSTs the same report fields:
 *
 * 0. Before the app boots: clear localStorage and seed `ws_only=true` (WebSocket only, as the inspector's
 *    admin client starts with) and `lang=en`, no `server_url` (so the app opens its connection dialog
 *    instead of reconnecting with a stored session), and put the hash router on `#/sockets/`.
 * 1. Fill the dialog's Server URL, Username and Password through their inputs, press Connect; as soon as
 *    the namespace selector offers `namespace`, open it and click that item (what a user does: admin-ui
 *    selects `/` or the first namespace it hears of); time until the Sockets table's footer says
 *    "… of <sockets>" and one frame has painted. POST to `firstReport`.
 * 2. Wait for `churnStarted` (the bench holds it until it starts the churn), then sample frames and long
 *    tasks until the footer says "… of <finalSockets>"; POST to `report`.
 *
 * Plain JavaScript in a string (the page loads it as a classic script, no bundling); the measuring helpers
 * are copies of inspector-ui/src/bench/measure.ts (sampleFrames, tasksBetween, percentile, frameStats,
 * eachFrameUntil), so both pages are measured the same way.
 */

/** What `?bench=` carries (JSON), as for the inspector's probe. */
export interface AdminUiPageConfig {
  firstReport: string
  churnStarted: string
  report: string
  admin: { url: string, username: string, password: string }
  /** The namespace whose sockets are counted: `/namespace1`. */
  namespace: string
  sockets: number
  finalSockets: number
}

export const ADMIN_UI_DRIVER_JS = String.raw`(function () {
  'use strict'
  // 0. Before the app boots: its stores read localStorage when they are created.
  try {
    localStorage.clear()
    localStorage.setItem('ws_only', 'true')
    localStorage.setItem('lang', 'en')
  }
  catch (e) {}
  if (location.hash !== '#/sockets/')
    location.hash = '#/sockets/'
  var raw = new URLSearchParams(location.search).get('bench')
  if (!raw)
    return
  var config = JSON.parse(raw)

  // --- copies of inspector-ui/src/bench/measure.ts ---
  var longTasks = []
  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) { longTasks.push({ start: e.startTime, duration: e.duration }) })
    }).observe({ type: 'longtask', buffered: true })
  }
  catch (e) {}
  function sampleFrames() {
    var deltas = []
    var last = 0
    var running = true
    function loop(t) {
      if (!running)
        return
      if (last)
        deltas.push(t - last)
      last = t
      requestAnimationFrame(loop)
    }
    requestAnimationFrame(loop)
    return { stop: function () { running = false; return deltas } }
  }
  function tasksBetween(from, to) {
    var inside = longTasks.filter(function (t) { return t.start >= from && t.start <= to })
    return {
      longestTaskMs: Math.round(Math.max.apply(null, [0].concat(inside.map(function (t) { return t.duration })))),
      tasksOver50: inside.filter(function (t) { return t.duration > 50 }).length,
      tasksOver100: inside.filter(function (t) { return t.duration > 100 }).length,
    }
  }
  function percentile(values, p) {
    if (values.length === 0)
      return 0
    var sorted = values.slice().sort(function (a, b) { return a - b })
    return sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)]
  }
  function round1(n) { return Math.round(n * 10) / 10 }
  function frameStats(deltas) {
    return { frames: deltas.length, p95FrameMs: round1(percentile(deltas, 95)), maxFrameMs: round1(Math.max.apply(null, [0].concat(deltas))) }
  }
  function nextFrame() { return new Promise(function (resolve) { requestAnimationFrame(resolve) }) }
  async function eachFrameUntil(what, check, timeoutMs) {
    var end = performance.now() + timeoutMs
    for (;;) {
      var value = check()
      if (value)
        return value
      if (performance.now() > end)
        throw new Error('timed out (' + timeoutMs / 1000 + ' s) waiting for ' + what)
      await nextFrame()
    }
  }
  function post(url, report) {
    return fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(report) })
  }
  // --- admin-ui's page, as a user sees it ---

  function setInput(input, value) {
    input.value = value
    input.dispatchEvent(new Event('input', { bubbles: true }))
  }
  /** The total in the Sockets table's footer ("1-20 of 5000"), or -1. */
  function footerCount() {
    var text = (document.querySelector('.v-data-footer__pagination') || {}).textContent || ''
    var match = /of\s+([\d,]+)/.exec(text)
    return match ? Number(match[1].replace(/,/g, '')) : -1
  }
  function footerText() {
    return ((document.querySelector('.v-data-footer__pagination') || {}).textContent || '').trim()
  }
  /**
   * One step a frame towards "config.namespace" being the selected namespace: true once it is. Opens the
   * selector when it is closed, clicks the item once the open menu lists it (it is listed when admin-ui has
   * heard of a socket in it), and otherwise waits.
   */
  var clickedItem = false
  function pickNamespace() {
    // The namespace selector is the one in the page (the drawer has the language selector).
    var select = document.querySelector('.v-main .v-select')
    if (!select)
      return false
    var selection = select.querySelector('.v-select__selection')
    if (selection && selection.textContent.trim() === config.namespace)
      return true
    if (clickedItem)
      return false
    var menu = document.querySelector('.v-menu__content.menuable__content__active')
    if (!menu) {
      var slot = select.querySelector('.v-input__slot')
      if (slot)
        slot.click()
      return false
    }
    var items = Array.prototype.slice.call(menu.querySelectorAll('.v-list-item'))
    var item = items.find(function (it) { return it.textContent.trim() === config.namespace })
    if (item) {
      item.click()
      clickedItem = true
    }
    return false
  }

  async function run() {
    var form = await eachFrameUntil('the connection dialog', function () { return document.querySelector('.v-dialog--active form') || false }, 30000)
    var texts = form.querySelectorAll('input[type=text]')
    var password = form.querySelector('input[type=password]')
    if (texts.length < 2 || !password)
      throw new Error('the connection dialog has no Server URL / Username / Password inputs')
    setInput(texts[0], config.admin.url)
    setInput(texts[1], config.admin.username)
    setInput(password, config.admin.password)
    var button = await eachFrameUntil('an enabled Connect button', function () {
      var b = form.querySelector('button[type=submit]')
      return b && !b.disabled ? b : false
    }, 5000)
    await nextFrame()

    // Phase 1: Connect → the full count in the footer.
    var frames1 = sampleFrames()
    var t0 = performance.now()
    var pickedAt = 0
    button.click()
    await eachFrameUntil(config.sockets + ' sockets in the footer', function () {
      if (!pickedAt && pickNamespace())
        pickedAt = performance.now()
      return pickedAt && footerCount() >= config.sockets
    }, 90000)
    await nextFrame()
    var firstTreeMs = performance.now() - t0
    var loading = Object.assign(frameStats(frames1.stop()), tasksBetween(t0, performance.now()))
    await post(config.firstReport, {
      ok: true,
      firstTreeMs: round1(firstTreeMs),
      snapshotInModelMs: null,
      namespacePickedMs: round1(pickedAt - t0),
      own: footerCount() - config.sockets,
      loading: loading,
    })

    // Phase 2: the churn, from when the bench starts it until the final count shows.
    await fetch(config.churnStarted, { mode: 'no-cors' })
    var frames2 = sampleFrames()
    var t1 = performance.now()
    await eachFrameUntil(config.finalSockets + ' sockets in the footer', function () { return footerCount() === config.finalSockets }, 180000)
    await nextFrame()
    var settledMs = performance.now() - t1
    var updating = Object.assign(frameStats(frames2.stop()), tasksBetween(t1, performance.now()))
    return { settledMs: round1(settledMs), updating: updating, footer: footerText() }
  }

  function start() {
    run().then(function (result) {
      return post(config.report, Object.assign({ ok: true }, result))
    }, function (error) {
      var report = { ok: false, error: 'admin-ui page: ' + (error && error.message ? error.message : String(error)) + ' (footer: "' + footerText() + '")' }
      return post(config.firstReport, report).then(function () { return post(config.report, report) })
    })
  }
  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', start)
  else
    start()
})()
`
