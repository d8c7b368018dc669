// Waits until RabbitMQ accepts the engine's login, before the run starts (worker pools).
// The engine swallows a failed RabbitMQ connection (functions/kubernetes/amqpConnector.js
// logs it) and then waits for the tasks it never sent, without a time limit. So the engine
// Job's start-up script runs this first:
//
//   node rabbitmq-check.js SECONDS    exit 0: RabbitMQ took the login of $RABBIT_HOSTNAME;
//                                     exit 1: it refused the login, or could not be reached
//                                     for SECONDS (the reason is printed)
//
// It speaks just enough AMQP 0-9-1 to log in (protocol header, Connection.Start,
// Connection.StartOk with PLAIN) and takes Connection.Tune as the answer that the login was
// accepted; then it drops the connection. Written for the engine image's Node 12, with no
// package: the engine's amqplib lives wherever the image installed hflow.
'use strict';
const net = require('net');

const FRAME_METHOD = 1;
const FRAME_END = 0xce;
const CONNECTION = 10;
const START = 10;
const START_OK = 11;
const TUNE = 30;
const CLOSE = 50;

// RABBIT_HOSTNAME is `user:password@host:port` (the engine connects to amqp://$RABBIT_HOSTNAME).
function target(hostname) {
  const at = hostname.lastIndexOf('@');
  const credentials = at < 0 ? 'guest:guest' : hostname.slice(0, at);
  const address = hostname.slice(at + 1);
  const colon = credentials.indexOf(':');
  const portAt = address.lastIndexOf(':');
  return {
    user: decodeURIComponent(credentials.slice(0, colon)),
    password: decodeURIComponent(credentials.slice(colon + 1)),
    host: portAt < 0 ? address : address.slice(0, portAt),
    port: portAt < 0 ? 5672 : Number(address.slice(portAt + 1)),
  };
}

function shortString(text) {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}

function longString(bytes) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function methodFrame(classId, methodId, args) {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(classId, 0);
  header.writeUInt16BE(methodId, 2);
  const payload = Buffer.concat([header, args]);
  const frame = Buffer.alloc(7);
  frame.writeUInt8(FRAME_METHOD, 0);
  frame.writeUInt16BE(0, 1);
  frame.writeUInt32BE(payload.length, 3);
  return Buffer.concat([frame, payload, Buffer.from([FRAME_END])]);
}

// Client properties: capabilities.authentication_failure_close = true, so that RabbitMQ
// answers a refused login with Connection.Close (403 ACCESS_REFUSED) instead of dropping the
// connection, which would look like a network error.
function clientProperties() {
  const capability = Buffer.concat([
    shortString('authentication_failure_close'), Buffer.from('t'), Buffer.from([1]),
  ]);
  const capabilities = Buffer.concat([
    shortString('capabilities'), Buffer.from('F'), longString(capability),
  ]);
  return longString(capabilities);
}

function startOk(user, password) {
  return methodFrame(CONNECTION, START_OK, Buffer.concat([
    clientProperties(),
    shortString('PLAIN'),
    longString(Buffer.from('\0' + user + '\0' + password, 'utf8')),
    shortString('en_US'),
  ]));
}

// One login attempt: resolves 'ok', 'refused' or 'unreachable' (with why).
function attempt(to) {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    let sentStartOk = false;
    let done = false;
    const finish = (outcome, why) => {
      if (!done) {
        done = true;
        socket.destroy();
        resolve({ outcome: outcome, why: why });
      }
    };
    const socket = net.connect(to.port, to.host, () => {
      socket.write(Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1])); // "AMQP" 0-9-1
    });
    socket.setTimeout(10000, () => finish('unreachable', 'no answer within 10 s'));
    socket.on('error', (err) => finish('unreachable', err.message));
    socket.on('close', () => finish(sentStartOk ? 'refused' : 'unreachable',
      sentStartOk ? 'it closed the connection after the login' : 'it closed the connection'));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      while (received.length >= 7) {
        const size = received.readUInt32BE(3);
        if (received.length < 7 + size + 1) {
          return;
        }
        const type = received.readUInt8(0);
        const payload = received.slice(7, 7 + size);
        received = received.slice(7 + size + 1);
        if (type !== FRAME_METHOD || payload.length < 4) {
          continue;
        }
        const classId = payload.readUInt16BE(0);
        const methodId = payload.readUInt16BE(2);
        if (classId === CONNECTION && methodId === START && !sentStartOk) {
          sentStartOk = true;
          socket.write(startOk(to.user, to.password));
        } else if (classId === CONNECTION && methodId === TUNE) {
          finish('ok', 'logged in');
        } else if (classId === CONNECTION && methodId === CLOSE) {
          const code = payload.length >= 6 ? payload.readUInt16BE(4) : 0;
          const text = payload.length >= 7 ? payload.slice(7, 7 + payload.readUInt8(6)).toString() : '';
          finish('refused', code + ' ' + text);
        }
      }
    });
  });
}

async function main() {
  const seconds = Number(process.argv[2] || 300);
  const to = target(process.env.RABBIT_HOSTNAME || '');
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const result = await attempt(to);
    if (result.outcome === 'ok') {
      console.log('RabbitMQ at ' + to.host + ':' + to.port + ' accepted the login of ' + to.user);
      return 0;
    }
    if (result.outcome === 'refused') {
      console.log('RabbitMQ at ' + to.host + ':' + to.port + ' refused the login of ' + to.user +
        ' (' + result.why + '): the Secret hyperflow-rabbitmq does not hold the password RabbitMQ started with');
      return 1;
    }
    if (Date.now() >= deadline) {
      console.log('RabbitMQ at ' + to.host + ':' + to.port + ' was not reachable for ' + seconds +
        ' s (' + result.why + ')');
      return 1;
    }
    console.log('Waiting for RabbitMQ at ' + to.host + ':' + to.port + ' (' + result.why + ')');
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

main().then((code) => process.exit(code));
