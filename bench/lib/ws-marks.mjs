// For the timeline diagnostics: patches `ws`'s WebSocket prototype so that, while `marks.measuring`,
// the first `send` of any socket sets `marks.send` and the first message at the watched socket sets
// `marks.arrive` (performance.now()). Sockets that get a `message` listener are listed in order, so
// a script can pick out the one its next client opened.
import WebSocket from 'ws';

export function markWebSocket(marks) {
  const state = { sockets: [], watched: null };
  const proto = WebSocket.prototype;
  const { send, emit, on } = proto;
  proto.send = function (...args) {
    if (marks.measuring && marks.send === 0) marks.send = performance.now();
    return send.apply(this, args);
  };
  proto.emit = function (event, ...args) {
    if (event === 'message' && this === state.watched && marks.measuring && marks.arrive === 0) marks.arrive = performance.now();
    return emit.call(this, event, ...args);
  };
  proto.on = function (event, ...args) {
    if (event === 'message') state.sockets.push(this);
    return on.call(this, event, ...args);
  };
  return state;
}
