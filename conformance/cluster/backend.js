// The backends behind the gateways, on their EndpointSlice addresses (pod IPs the check adds to its
// loopback): an HTTP server per address and port answering with what it received, so a request
// through Envoy shows that it reached this endpoint and the answer came back. Plain HTTP serves both
// route kinds: a TCPRoute passes the decrypted bytes through, an HTTPRoute proxies the request.
// Usage: node backend.js <ip:port>...
'use strict';
const http = require('node:http');

for (const endpoint of process.argv.slice(2)) {
  const i = endpoint.lastIndexOf(':');
  const [address, port] = [endpoint.slice(0, i), Number(endpoint.slice(i + 1))];
  http.createServer((req, res) => {
    req.resume();
    const body = JSON.stringify({ backend: endpoint, path: req.url, host: req.headers.host ?? '' });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }).listen(port, address, () => console.log(`listening on ${endpoint}`));
}
