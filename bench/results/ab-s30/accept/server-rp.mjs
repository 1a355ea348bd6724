import net from "node:net";
import http from "node:http";
const K = Number(process.env.K ?? 4);
const now = () => performance.timeOrigin + performance.now();
const acc = [];
const srv = http.createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); });
srv.on('connection', () => acc.push(now()));
function busy() { const t = performance.now(); while (performance.now() - t < 4); setImmediate(busy); }
busy();
srv.listen({ port: 3999, host: '127.0.0.1', backlog: 4096, reusePort: true }, () => {
  for (let i = 1; i < K; i++) {
    const a = net.createServer((socket) => srv.emit('connection', socket));
    a.listen({ port: 3999, host: '127.0.0.1', backlog: 4096, reusePort: true });
  }
});
setTimeout(() => { console.log(JSON.stringify(acc)); process.exit(0); }, 2500);
