import net from "node:net";
const now = () => performance.timeOrigin + performance.now();
const acc = [];
const srv = net.createServer(() => {});
srv.on('connection', () => acc.push(now()));
// busy loop: 4 ms of sync work every turn
function busy() { const t = performance.now(); while (performance.now() - t < 4); setImmediate(busy); }
busy();
srv.listen({ port: 3999, host: '127.0.0.1', backlog: 4096 }, () => console.log('listening'));
setTimeout(() => { console.log(JSON.stringify(acc)); process.exit(0); }, 2500);
