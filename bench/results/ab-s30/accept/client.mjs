import net from 'node:net';
const now = () => performance.timeOrigin + performance.now();
const t0 = now();
const N = 100; let c = 0;
for (let i = 0; i < N; i++) { const s = net.connect({ host: '127.0.0.1', port: 3999 }); s.on('connect', () => { if (++c === N) { console.log('all connected (client) in', (now() - t0).toFixed(1), 'ms'); process.exit(0);} }); }
console.log(JSON.stringify({t0}));
