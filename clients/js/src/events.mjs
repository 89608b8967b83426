// The client's events ('state', 'open', 'close', 'reconnecting', 'message',
// 'error'): listeners by event name. A listener that throws is reported as
// an 'error' event, so one bad listener never keeps the others from running.

export function create_emitter() {
  const handlers = new Map();  // event name -> Set of functions

  function on(event, fn) {
    if (typeof fn !== 'function') throw new TypeError('listener not a function');
    let set = handlers.get(event);
    if (!set) handlers.set(event, (set = new Set()));
    set.add(fn);
    return () => off(event, fn);
  }

  function off(event, fn) {
    const set = handlers.get(event);
    if (set) {
      set.delete(fn);
      if (set.size === 0) handlers.delete(event);
    }
  }

  function emit(event, value) {
    const set = handlers.get(event);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(value);
      } catch (e) {
        if (event !== 'error') emit('error', e);
      }
    }
  }

  return { on, off, emit };
}
