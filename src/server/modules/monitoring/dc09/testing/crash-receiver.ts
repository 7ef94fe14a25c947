// Child process for the kill -9 test: a receiver whose commit is a durable SQLite write.
// argv: <sqlite file> <port>. Sends { port } to the parent once listening, then runs until killed.
import { createLogger } from '../../../../platform/logger.js';
import { startDc09Receiver } from '../receiver.js';
import { openSqliteEventStore } from './sqlite-store.js';

const [file = '', port = '0'] = process.argv.slice(2);
const store = openSqliteEventStore(file);
const receiver = await startDc09Receiver({
  port: Number(port),
  host: '127.0.0.1',
  udp: false,
  keys: () => undefined,
  logger: createLogger('silent'),
  limits: { maxConnectionsPerAddress: 1000 },
  commit: store.commit,
});
process.send?.({ port: receiver.port });
