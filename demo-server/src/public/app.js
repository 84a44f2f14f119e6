/* global io */
// The demo page's client, kept out of the HTML so the page works under a CSP without inline script.
// Everything a peer sends is shown with textContent, never parsed as HTML.
(() => {
  const $ = id => document.getElementById(id)
  const namespaceSelect = $('namespace')
  const statusEl = $('status')
  const idEl = $('socket-id')
  const messages = $('messages')
  let socket = null

  function show(text, kind) {
    const li = document.createElement('li')
    li.textContent = text
    if (kind)
      li.className = kind
    messages.append(li)
    while (messages.childElementCount > 500)
      messages.firstElementChild.remove()
  }

  function render() {
    const connected = Boolean(socket && socket.connected)
    statusEl.textContent = connected ? `connected to ${socket.nsp}` : 'disconnected'
    // socket.id is undefined once disconnected: the id belonged to that one connection.
    idEl.textContent = socket && socket.id ? socket.id : '(none)'
  }

  function connect() {
    if (socket)
      socket.disconnect()
    // Same origin as the page, like the tutorial's io(); the namespace is part of the URL.
    socket = io(namespaceSelect.value)
    socket.on('connect', () => {
      render()
      show(`connected as ${socket.id}`, 'system')
    })
    socket.on('disconnect', (reason) => {
      render()
      show(`disconnected: ${reason} (the id is gone)`, 'system')
    })
    socket.on('connect_error', err => show(`connection failed: ${err.message}`, 'system'))
    socket.on('welcome', welcome => show(`welcome to ${welcome.namespace}`, 'system'))
    socket.on('presence', (p) => {
      const where = p.room ? ` room ${p.room}` : ''
      show(`${p.id} ${p.action}${where}${p.reason ? ` (${p.reason})` : ''}`, 'system')
    })
    socket.on('chat', m => show(`${m.from}${m.room ? ` in ${m.room}` : ''}${m.to ? ' (to you)' : ''}: ${m.text}`))
    socket.on('error', e => show(`error from ${e.event}: ${e.message}`, 'system'))
    render()
  }

  $('connect').addEventListener('click', connect)
  $('disconnect').addEventListener('click', () => {
    if (socket)
      socket.disconnect()
    render()
  })
  $('chat-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const input = $('chat-text')
    const text = input.value
    if (!socket || !socket.connected || !text)
      return
    socket.emit('chat', text, (result) => {
      if (result && result.ok)
        show(`me: ${text} (delivered to ${result.delivered})`, 'mine')
      else
        show(`not sent: ${result ? result.message : 'no answer'}`, 'system')
    })
    input.value = ''
  })
  connect()
})()
