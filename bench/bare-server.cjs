// The baseline for the ingest benchmark: a bare Node HTTP server that reads and parses the body and answers 202.
const http = require('node:http');

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString('utf8'));
    response.writeHead(202, { 'content-type': 'application/json' });
    response.end('{"status":"accepted"}');
  });
});
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(
    `${JSON.stringify({ msg: 'listening', address: `http://127.0.0.1:${server.address().port}` })}\n`
  )
);
