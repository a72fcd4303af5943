// Preloaded (node --import) into the cache-tests origin, server/server.mjs, which calls
// server.listen(port) and so would accept connections on every interface. This makes a listen()
// that names no host bind 127.0.0.1 instead: the origin takes arbitrary test configurations by
// PUT, and only our edge on this machine needs to reach it.
import http from 'node:http'

const listen = http.Server.prototype.listen
http.Server.prototype.listen = function (...args) {
  const [first, second] = args
  const portOnly = (typeof first === 'number' || typeof first === 'string') &&
    (args.length === 1 || typeof second === 'function')
  return portOnly ? listen.call(this, first, '127.0.0.1', ...args.slice(1)) : listen.apply(this, args)
}
